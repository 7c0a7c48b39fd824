//! The key-value records every map is made of, and the values several maps share.
//!
//! A map is a list of `<key> <value>` records, each a CompactSize length and bytes, ended
//! by a zero byte (an empty key). A key is its type byte plus optional key data.

use std::collections::BTreeMap;

use sou_keys::bip32::{ChildNumber, DerivationPath, Fingerprint};
use sou_keys::PublicKey;
use sou_primitives::encoding::{write_compact_size, Decode, Reader};
use sou_primitives::{Transaction, TxIn, TxOut};

use super::Error;

/// Proprietary records (BIP174 `PSBT_*_PROPRIETARY`), in every map.
const PROPRIETARY: u8 = 0xfc;

/// Where a key comes from: the master key's fingerprint and the derivation path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeySource {
    /// The master key's fingerprint.
    pub fingerprint: Fingerprint,
    /// The path from the master key.
    pub path: DerivationPath,
}

impl KeySource {
    pub(super) fn parse(value: &[u8], key_type: u8) -> Result<KeySource, Error> {
        if value.len() < 4 || value.len() % 4 != 0 {
            return Err(Error::InvalidValue(key_type));
        }
        let mut fingerprint = [0u8; 4];
        fingerprint.copy_from_slice(&value[..4]);
        let path: Vec<ChildNumber> = value[4..]
            .chunks_exact(4)
            .map(|c| ChildNumber::from_u32(u32::from_le_bytes([c[0], c[1], c[2], c[3]])))
            .collect();
        Ok(KeySource {
            fingerprint: Fingerprint(fingerprint),
            path: path.into(),
        })
    }

    pub(super) fn serialize(&self) -> Vec<u8> {
        let mut out = self.fingerprint.0.to_vec();
        for step in self.path.as_slice() {
            out.extend_from_slice(&step.to_u32().to_le_bytes());
        }
        out
    }
}

pub(super) fn read_legacy_tx(bytes: &[u8]) -> Result<Transaction, Error> {
    // BIP174: the unsigned transaction is in the legacy form, even with no inputs.
    let mut r = Reader::new(bytes);
    let version = r.read_u32_le()?;
    let n_in = r.read_count("inputs", TxIn::MIN_ENCODED_LEN)?;
    let input = (0..n_in)
        .map(|_| TxIn::decode_from(&mut r))
        .collect::<Result<Vec<_>, _>>()?;
    let n_out = r.read_count("outputs", TxOut::MIN_ENCODED_LEN)?;
    let output = (0..n_out)
        .map(|_| TxOut::decode_from(&mut r))
        .collect::<Result<Vec<_>, _>>()?;
    let lock_time = r.read_u32_le()?;
    r.finish()?;
    Ok(Transaction {
        version,
        input,
        output,
        lock_time,
    })
}

pub(super) fn legacy_bytes(tx: &Transaction) -> Vec<u8> {
    let mut out = Vec::new();
    tx.encode_without_witness(&mut out);
    out
}

/// A map as read: records in order, duplicates refused.
pub(super) type RawMap = Vec<(Vec<u8>, Vec<u8>)>;

pub(super) fn read_map(r: &mut Reader<'_>) -> Result<RawMap, Error> {
    let mut map: RawMap = Vec::new();
    loop {
        let key = r.read_var_bytes()?;
        if key.is_empty() {
            return Ok(map);
        }
        let value = r.read_var_bytes()?;
        if map.iter().any(|(k, _)| k == key) {
            return Err(Error::DuplicateKey(key.to_vec()));
        }
        map.push((key.to_vec(), value.to_vec()));
    }
}

pub(super) fn write_record(out: &mut Vec<u8>, key: &[u8], value: &[u8]) {
    write_compact_size(out, key.len() as u64);
    out.extend_from_slice(key);
    write_compact_size(out, value.len() as u64);
    out.extend_from_slice(value);
}

pub(super) fn keyed(key_type: u8, data: &[u8]) -> Vec<u8> {
    let mut k = vec![key_type];
    k.extend_from_slice(data);
    k
}

/// Records Core keeps apart: proprietary ones (`0xfc`) first, then the unknown ones.
pub(super) fn write_unknown(out: &mut Vec<u8>, records: &BTreeMap<Vec<u8>, Vec<u8>>) {
    let proprietary = |k: &Vec<u8>| k.first() == Some(&PROPRIETARY);
    for (k, v) in records.iter().filter(|(k, _)| proprietary(k)) {
        write_record(out, k, v);
    }
    for (k, v) in records.iter().filter(|(k, _)| !proprietary(k)) {
        write_record(out, k, v);
    }
}

/// BIP371 key origin: a CompactSize count of leaf hashes, the hashes, then a BIP32
/// origin (fingerprint and path, a multiple of 4 bytes).
pub(super) fn check_tap_key_origin(value: &[u8], key_type: u8) -> Result<(), Error> {
    let mut r = Reader::new(value);
    let hashes = r
        .read_count("leaf hashes", 32)
        .map_err(|_| Error::InvalidValue(key_type))?;
    r.read_slice(hashes * 32)
        .map_err(|_| Error::InvalidValue(key_type))?;
    let origin = r.remaining();
    if origin == 0 || origin % 4 != 0 {
        return Err(Error::InvalidValue(key_type));
    }
    Ok(())
}

/// Checks that a key is the bare type byte.
pub(super) fn bare(key: &[u8]) -> Result<(), Error> {
    if key.len() == 1 {
        Ok(())
    } else {
        Err(Error::InvalidKey {
            key_type: key[0],
            len: key.len(),
        })
    }
}

/// Checks that a key is the type byte plus a valid public key.
pub(super) fn pubkey_key(key: &[u8]) -> Result<Vec<u8>, Error> {
    let data = &key[1..];
    if !(data.len() == 33 || data.len() == 65) || PublicKey::from_slice(data).is_err() {
        return Err(Error::InvalidKey {
            key_type: key[0],
            len: key.len(),
        });
    }
    Ok(data.to_vec())
}

pub(super) fn array32(value: &[u8], key_type: u8) -> Result<[u8; 32], Error> {
    value.try_into().map_err(|_| Error::InvalidValue(key_type))
}
