//! The key-value records every map is made of, and the values several maps share.
//!
//! A map is a list of `<key> <value>` records, each a CompactSize length and bytes, ended
//! by a zero byte (an empty key). A key is its type, a CompactSize (one byte for every type
//! BIP174 defines), plus optional key data.

use std::collections::{BTreeMap, BTreeSet};

use sou_keys::bip32::{ChildNumber, DerivationPath, Fingerprint};
use sou_keys::taproot::TapNodeHash;
use sou_keys::{PublicKey, XOnlyPublicKey};
use sou_primitives::encoding::{write_compact_size, Decode, DecodeError, Reader};
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
    /// The order of Core's `KeyOriginInfo`, which keys its global extended keys: the
    /// fingerprint's bytes, then shorter paths first, then the path's steps as numbers.
    pub(super) fn core_order(&self) -> ([u8; 4], usize, Vec<u32>) {
        let path = self.path.as_slice();
        (
            self.fingerprint.0,
            path.len(),
            path.iter().map(|c| c.to_u32()).collect(),
        )
    }

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
    let mut r = Reader::new(bytes);
    let tx = read_legacy_tx_from(&mut r)?;
    r.finish()?;
    Ok(tx)
}

/// A transaction in the legacy form (no witness), read from `r`, which may go on.
pub(super) fn read_legacy_tx_from(r: &mut Reader<'_>) -> Result<Transaction, DecodeError> {
    // BIP174: the unsigned transaction is in the legacy form, even with no inputs.
    let version = r.read_u32_le()?;
    let n_in = r.read_count("inputs", TxIn::MIN_ENCODED_LEN)?;
    let input = (0..n_in)
        .map(|_| TxIn::decode_from(r))
        .collect::<Result<Vec<_>, _>>()?;
    let n_out = r.read_count("outputs", TxOut::MIN_ENCODED_LEN)?;
    let output = (0..n_out)
        .map(|_| TxOut::decode_from(r))
        .collect::<Result<Vec<_>, _>>()?;
    let lock_time = r.read_u32_le()?;
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
        check_key_type(key)?;
        if key[0] == PROPRIETARY {
            check_proprietary(key)?;
        }
        map.push((key.to_vec(), value.to_vec()));
    }
}

/// Core reads every key's type as a CompactSize (`ReadCompactSize`, which checks the
/// range too), so a key whose first byte announces a longer number (`0xfd`, `0xfe`,
/// `0xff`) must hold it canonically, and at most 2^25 (`MAX_SIZE`). No type that long
/// means anything yet: such records are kept as unknown.
fn check_key_type(key: &[u8]) -> Result<(), Error> {
    Reader::new(key)
        .read_compact_size()
        .map(|_| ())
        .map_err(|_| Error::InvalidKeyType(key.to_vec()))
}

/// A proprietary key (BIP174 `PSBT_*_PROPRIETARY`): the type `0xfc`, an identifier
/// (a CompactSize length and bytes), a CompactSize subtype, then any key data. Core parses
/// the first two (`PSBTProprietary`) and refuses a key too short for them.
fn check_proprietary(key: &[u8]) -> Result<(), Error> {
    let mut r = Reader::new(&key[1..]);
    r.read_var_bytes()
        .and_then(|_| r.read_compact_size())
        .map(|_| ())
        .map_err(|_| Error::InvalidProprietaryKey(key.to_vec()))
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

/// True for a proprietary record's key.
fn is_proprietary(key: &[u8]) -> bool {
    key.first() == Some(&PROPRIETARY)
}

/// The proprietary records (`0xfc`) among `records`, in key order. Core keeps them apart
/// from the unknown ones (`m_proprietary`) and writes them first: in the global and input
/// maps just before the unknown records, in an output map before its taproot fields.
pub(super) fn write_proprietary(out: &mut Vec<u8>, records: &BTreeMap<Vec<u8>, Vec<u8>>) {
    for (k, v) in records.iter().filter(|(k, _)| is_proprietary(k)) {
        write_record(out, k, v);
    }
}

/// The other records of `records`, in key order: what Core writes last in every map.
pub(super) fn write_unknown(out: &mut Vec<u8>, records: &BTreeMap<Vec<u8>, Vec<u8>>) {
    for (k, v) in records.iter().filter(|(k, _)| !is_proprietary(k)) {
        write_record(out, k, v);
    }
}

/// Where a taproot key comes from (BIP371 `PSBT_IN_TAP_BIP32_DERIVATION`,
/// `PSBT_OUT_TAP_BIP32_DERIVATION`): the leaves whose scripts use it, and its BIP32 origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TapKeySource {
    /// Hashes of the leaves the key appears in; empty for a key used only on the key path.
    /// A set, as in Core (`std::set<uint256>`): a hash listed twice is kept once, and the
    /// hashes are written in byte order, whatever order they were read in.
    pub leaf_hashes: BTreeSet<TapNodeHash>,
    /// The master key's fingerprint and the derivation path.
    pub source: KeySource,
}

impl TapKeySource {
    /// A CompactSize count of leaf hashes, the hashes, then a [`KeySource`]. The count
    /// must be canonical, as Core reads it.
    pub(super) fn parse(value: &[u8], key_type: u8) -> Result<TapKeySource, Error> {
        let bad = |_| Error::InvalidValue(key_type);
        let mut r = Reader::new(value);
        let count = r.read_count("leaf hashes", 32).map_err(bad)?;
        let leaf_hashes = (0..count)
            .map(|_| r.read_array().map(TapNodeHash))
            .collect::<Result<BTreeSet<_>, _>>()
            .map_err(bad)?;
        let origin = r.read_slice(r.remaining()).map_err(bad)?;
        Ok(TapKeySource {
            leaf_hashes,
            source: KeySource::parse(origin, key_type)?,
        })
    }

    pub(super) fn serialize(&self) -> Vec<u8> {
        let mut out = Vec::new();
        write_compact_size(&mut out, self.leaf_hashes.len() as u64);
        for hash in &self.leaf_hashes {
            out.extend_from_slice(&hash.0);
        }
        out.extend_from_slice(&self.source.serialize());
        out
    }
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

/// Checks that a key is the type byte plus a public key, as Core's parser does: 33 or 65
/// bytes, then a point on the curve in an encoding that length allows (Core
/// `CPubKey::IsFullyValid`; the "hybrid" `06`/`07` form passes, as in libsecp256k1).
pub(super) fn pubkey_key(key: &[u8]) -> Result<Vec<u8>, Error> {
    let data = &key[1..];
    if !(data.len() == 33 || data.len() == 65) {
        return Err(Error::InvalidKey {
            key_type: key[0],
            len: key.len(),
        });
    }
    if PublicKey::from_slice(data).is_err() {
        return Err(Error::InvalidPublicKey(key[0]));
    }
    Ok(data.to_vec())
}

pub(super) fn array32(value: &[u8], key_type: u8) -> Result<[u8; 32], Error> {
    value.try_into().map_err(|_| Error::InvalidValue(key_type))
}

/// An x-only public key (BIP340) as a taproot record holds it: 32 bytes, the x coordinate
/// of a point, kept unchecked.
///
/// Core's parser reads these keys (`XOnlyPubKey`, `src/psbt.h`) without asking whether
/// the bytes are any point's x, so a PSBT naming such a key is still a PSBT, and passes
/// through Core unchanged; it passes through sou unchanged too. A role that needs the
/// point parses it where it does, with [`XOnlyKey::to_public_key`]. Keys order as their
/// bytes do, as Core's do, so maps of them are written in Core's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct XOnlyKey([u8; 32]);

impl XOnlyKey {
    /// The key of these 32 bytes, whatever they are.
    pub const fn from_byte_array(bytes: [u8; 32]) -> XOnlyKey {
        XOnlyKey(bytes)
    }

    /// The 32 bytes, as the record holds them.
    pub const fn to_byte_array(self) -> [u8; 32] {
        self.0
    }

    /// The point whose x coordinate the bytes are, with even y (BIP340); an error if
    /// there is none (`x^3 + 7` is not a square modulo p, or x is not below p).
    pub fn to_public_key(self) -> Result<XOnlyPublicKey, sou_keys::Error> {
        XOnlyPublicKey::from_byte_array(self.0).map_err(|_| sou_keys::Error::InvalidPublicKey)
    }

    /// All zero: Core's "no key" (`XOnlyPubKey::IsNull`), for the internal key fields.
    pub(super) fn is_null(&self) -> bool {
        self.0 == [0; 32]
    }
}

impl From<XOnlyPublicKey> for XOnlyKey {
    fn from(key: XOnlyPublicKey) -> XOnlyKey {
        XOnlyKey(key.serialize())
    }
}

/// An x-only key from key or value data that must be 32 bytes; `None` for another length.
pub(super) fn x_only(bytes: &[u8]) -> Option<XOnlyKey> {
    bytes.try_into().ok().map(XOnlyKey)
}

/// An internal key (`PSBT_IN_TAP_INTERNAL_KEY`, `PSBT_OUT_TAP_INTERNAL_KEY`) from its
/// value. All zero is Core's "no key": Core reads it, then neither merges nor writes it
/// (`!m_tap_internal_key.IsNull()`), so it reads as `None` here.
pub(super) fn internal_key(value: &[u8], key_type: u8) -> Result<Option<XOnlyKey>, Error> {
    let key = x_only(value).ok_or(Error::InvalidValue(key_type))?;
    Ok((!key.is_null()).then_some(key))
}

/// The internal key as Core writes it: not at all when absent or all zero.
pub(super) fn write_internal_key(out: &mut Vec<u8>, key_type: u8, key: Option<XOnlyKey>) {
    if let Some(key) = key.filter(|k| !k.is_null()) {
        write_record(out, &[key_type], &key.to_byte_array());
    }
}
