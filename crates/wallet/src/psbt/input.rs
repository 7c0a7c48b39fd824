//! The input map: what a PSBT knows about one input, parsed and written in Core's order.

use std::collections::BTreeMap;

use sou_primitives::encoding::{deserialize, serialize};
use sou_primitives::hashes::{hash160, sha256};
use sou_primitives::{Script, Transaction, TxOut, Witness};

use super::raw::{
    array32, bare, check_tap_key_origin, keyed, pubkey_key, write_record, write_unknown, KeySource,
    RawMap,
};
use super::{keep, union, Error};

const IN_NON_WITNESS_UTXO: u8 = 0x00;
const IN_WITNESS_UTXO: u8 = 0x01;
const IN_PARTIAL_SIG: u8 = 0x02;
const IN_SIGHASH_TYPE: u8 = 0x03;
const IN_REDEEM_SCRIPT: u8 = 0x04;
const IN_WITNESS_SCRIPT: u8 = 0x05;
const IN_BIP32_DERIVATION: u8 = 0x06;
const IN_FINAL_SCRIPTSIG: u8 = 0x07;
const IN_FINAL_SCRIPTWITNESS: u8 = 0x08;
const IN_RIPEMD160: u8 = 0x0a;
const IN_SHA256: u8 = 0x0b;
const IN_HASH160: u8 = 0x0c;
const IN_HASH256: u8 = 0x0d;
const IN_TAP_KEY_SIG: u8 = 0x13;
const IN_TAP_SCRIPT_SIG: u8 = 0x14;
const IN_TAP_LEAF_SCRIPT: u8 = 0x15;
const IN_TAP_BIP32_DERIVATION: u8 = 0x16;
const IN_TAP_INTERNAL_KEY: u8 = 0x17;
const IN_TAP_MERKLE_ROOT: u8 = 0x18;

/// What a PSBT knows about one input.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Input {
    /// The whole transaction whose output is spent (needed for legacy inputs).
    pub non_witness_utxo: Option<Transaction>,
    /// The output spent (enough for segwit inputs, whose signatures commit to it).
    pub witness_utxo: Option<TxOut>,
    /// Signatures by public key (33 or 65 bytes, as in the script).
    pub partial_sigs: BTreeMap<Vec<u8>, Vec<u8>>,
    /// The sighash type signers must use.
    pub sighash_type: Option<u32>,
    /// The P2SH redeem script.
    pub redeem_script: Option<Script>,
    /// The P2WSH witness script.
    pub witness_script: Option<Script>,
    /// Key origins by public key.
    pub bip32_derivation: BTreeMap<Vec<u8>, KeySource>,
    /// The finished scriptSig.
    pub final_script_sig: Option<Script>,
    /// The finished witness.
    pub final_script_witness: Option<Witness>,
    /// Hash preimages (`PSBT_IN_RIPEMD160` .. `PSBT_IN_HASH256`), by whole key: each
    /// preimage hashes to its key, as Core checks.
    pub preimages: BTreeMap<Vec<u8>, Vec<u8>>,
    /// BIP371: the taproot key-path signature (64 or 65 bytes).
    pub tap_key_sig: Option<Vec<u8>>,
    /// BIP371: script-path signatures by x-only key and leaf hash (64 key bytes).
    pub tap_script_sigs: BTreeMap<Vec<u8>, Vec<u8>>,
    /// BIP371: leaf scripts by control block; the value is the script then its leaf
    /// version byte.
    pub tap_scripts: BTreeMap<Vec<u8>, Vec<u8>>,
    /// BIP371: x-only key origins (leaf hashes, fingerprint, path) as serialised.
    pub tap_bip32_derivation: BTreeMap<Vec<u8>, Vec<u8>>,
    /// BIP371: the internal x-only key.
    pub tap_internal_key: Option<[u8; 32]>,
    /// BIP371: the script tree's merkle root.
    pub tap_merkle_root: Option<[u8; 32]>,
    /// Records of types this program does not interpret, key to value.
    pub unknown: BTreeMap<Vec<u8>, Vec<u8>>,
}

impl Input {
    pub(super) fn parse(map: RawMap) -> Result<Input, Error> {
        let mut input = Input::default();
        for (key, value) in map {
            let t = key[0];
            // Key types are CompactSize; types from 0xfd on take several bytes and are
            // unknown to version 0, like every type not matched here.
            match t {
                IN_NON_WITNESS_UTXO => {
                    bare(&key)?;
                    input.non_witness_utxo =
                        Some(deserialize(&value).map_err(|_| Error::InvalidValue(t))?);
                }
                IN_WITNESS_UTXO => {
                    bare(&key)?;
                    input.witness_utxo =
                        Some(deserialize(&value).map_err(|_| Error::InvalidValue(t))?);
                }
                IN_PARTIAL_SIG => {
                    let pk = pubkey_key(&key)?;
                    input.partial_sigs.insert(pk, value);
                }
                IN_SIGHASH_TYPE => {
                    bare(&key)?;
                    let bytes: [u8; 4] = value
                        .as_slice()
                        .try_into()
                        .map_err(|_| Error::InvalidValue(t))?;
                    input.sighash_type = Some(u32::from_le_bytes(bytes));
                }
                IN_REDEEM_SCRIPT => {
                    bare(&key)?;
                    input.redeem_script = Some(Script::from_bytes(value));
                }
                IN_WITNESS_SCRIPT => {
                    bare(&key)?;
                    input.witness_script = Some(Script::from_bytes(value));
                }
                IN_BIP32_DERIVATION => {
                    let pk = pubkey_key(&key)?;
                    input
                        .bip32_derivation
                        .insert(pk, KeySource::parse(&value, t)?);
                }
                IN_FINAL_SCRIPTSIG => {
                    bare(&key)?;
                    input.final_script_sig = Some(Script::from_bytes(value));
                }
                IN_FINAL_SCRIPTWITNESS => {
                    bare(&key)?;
                    input.final_script_witness =
                        Some(deserialize(&value).map_err(|_| Error::InvalidValue(t))?);
                }
                IN_TAP_KEY_SIG => {
                    bare(&key)?;
                    if !(value.len() == 64 || value.len() == 65) {
                        return Err(Error::InvalidValue(t));
                    }
                    input.tap_key_sig = Some(value);
                }
                IN_TAP_INTERNAL_KEY => {
                    bare(&key)?;
                    input.tap_internal_key = Some(array32(&value, t)?);
                }
                IN_RIPEMD160 | IN_SHA256 | IN_HASH160 | IN_HASH256 => {
                    let hash = match t {
                        IN_RIPEMD160 => sou_primitives::hashes::ripemd160(&value).to_vec(),
                        IN_SHA256 => sha256(&value).to_vec(),
                        IN_HASH160 => hash160(&value).to_vec(),
                        _ => sou_primitives::hashes::sha256d(&value).to_vec(),
                    };
                    if key[1..].len() != hash.len() {
                        return Err(Error::InvalidKey {
                            key_type: t,
                            len: key.len(),
                        });
                    }
                    if key[1..] != hash[..] {
                        return Err(Error::InvalidValue(t));
                    }
                    input.preimages.insert(key, value);
                }
                IN_TAP_SCRIPT_SIG => {
                    if key.len() != 65 {
                        return Err(Error::InvalidKey {
                            key_type: t,
                            len: key.len(),
                        });
                    }
                    if !(value.len() == 64 || value.len() == 65) {
                        return Err(Error::InvalidValue(t));
                    }
                    input.tap_script_sigs.insert(key[1..].to_vec(), value);
                }
                IN_TAP_LEAF_SCRIPT => {
                    // A control block: 33 bytes and 32 per level.
                    if key.len() < 34 || (key.len() - 2) % 32 != 0 {
                        return Err(Error::InvalidKey {
                            key_type: t,
                            len: key.len(),
                        });
                    }
                    if value.is_empty() {
                        return Err(Error::InvalidValue(t));
                    }
                    input.tap_scripts.insert(key[1..].to_vec(), value);
                }
                IN_TAP_BIP32_DERIVATION => {
                    if key.len() != 33 {
                        return Err(Error::InvalidKey {
                            key_type: t,
                            len: key.len(),
                        });
                    }
                    check_tap_key_origin(&value, t)?;
                    input.tap_bip32_derivation.insert(key[1..].to_vec(), value);
                }
                IN_TAP_MERKLE_ROOT => {
                    bare(&key)?;
                    input.tap_merkle_root = Some(array32(&value, t)?);
                }
                _ => {
                    input.unknown.insert(key, value);
                }
            }
        }
        Ok(input)
    }

    pub(super) fn serialize_to(&self, out: &mut Vec<u8>) {
        if let Some(tx) = &self.non_witness_utxo {
            write_record(out, &[IN_NON_WITNESS_UTXO], &serialize(tx));
        }
        if let Some(utxo) = &self.witness_utxo {
            write_record(out, &[IN_WITNESS_UTXO], &serialize(utxo));
        }
        // Core keeps signatures in a map keyed by the key's hash160 (`CKeyID`), and
        // writes them in that order.
        let mut sigs: Vec<(&Vec<u8>, &Vec<u8>)> = self.partial_sigs.iter().collect();
        sigs.sort_by_key(|(pk, _)| hash160(pk));
        for (pk, sig) in sigs {
            write_record(out, &keyed(IN_PARTIAL_SIG, pk), sig);
        }
        if let Some(sighash) = self.sighash_type {
            write_record(out, &[IN_SIGHASH_TYPE], &sighash.to_le_bytes());
        }
        if let Some(s) = &self.redeem_script {
            write_record(out, &[IN_REDEEM_SCRIPT], s.as_bytes());
        }
        if let Some(s) = &self.witness_script {
            write_record(out, &[IN_WITNESS_SCRIPT], s.as_bytes());
        }
        for (pk, source) in &self.bip32_derivation {
            write_record(out, &keyed(IN_BIP32_DERIVATION, pk), &source.serialize());
        }
        for (k, v) in &self.preimages {
            write_record(out, k, v);
        }
        if let Some(sig) = &self.tap_key_sig {
            write_record(out, &[IN_TAP_KEY_SIG], sig);
        }
        for (k, sig) in &self.tap_script_sigs {
            write_record(out, &keyed(IN_TAP_SCRIPT_SIG, k), sig);
        }
        // Core keys its leaf scripts by (script, leaf version), control blocks shortest
        // first, and writes them in that order.
        let mut leaves: Vec<(&Vec<u8>, &Vec<u8>)> = self.tap_scripts.iter().collect();
        leaves.sort_by(|(cb_a, a), (cb_b, b)| {
            let split = |v: &[u8]| -> (Vec<u8>, u8) { (v[..v.len() - 1].to_vec(), v[v.len() - 1]) };
            split(a)
                .cmp(&split(b))
                .then(cb_a.len().cmp(&cb_b.len()))
                .then(cb_a.cmp(cb_b))
        });
        for (control_block, value) in leaves {
            write_record(out, &keyed(IN_TAP_LEAF_SCRIPT, control_block), value);
        }
        for (k, v) in &self.tap_bip32_derivation {
            write_record(out, &keyed(IN_TAP_BIP32_DERIVATION, k), v);
        }
        if let Some(k) = &self.tap_internal_key {
            write_record(out, &[IN_TAP_INTERNAL_KEY], k);
        }
        if let Some(r) = &self.tap_merkle_root {
            write_record(out, &[IN_TAP_MERKLE_ROOT], r);
        }
        if let Some(s) = &self.final_script_sig {
            write_record(out, &[IN_FINAL_SCRIPTSIG], s.as_bytes());
        }
        if let Some(w) = &self.final_script_witness {
            write_record(out, &[IN_FINAL_SCRIPTWITNESS], &serialize(w));
        }
        write_unknown(out, &self.unknown);
        out.push(0);
    }

    /// True once the finalizer has written the scriptSig or witness.
    pub fn is_final(&self) -> bool {
        self.final_script_sig.is_some() || self.final_script_witness.is_some()
    }

    /// Everything is merged in; on a conflict the value already here stays.
    pub(super) fn merge(&mut self, other: Input) {
        keep(&mut self.non_witness_utxo, other.non_witness_utxo);
        keep(&mut self.witness_utxo, other.witness_utxo);
        union(&mut self.partial_sigs, other.partial_sigs);
        keep(&mut self.sighash_type, other.sighash_type);
        keep(&mut self.redeem_script, other.redeem_script);
        keep(&mut self.witness_script, other.witness_script);
        union(&mut self.bip32_derivation, other.bip32_derivation);
        keep(&mut self.final_script_sig, other.final_script_sig);
        keep(&mut self.final_script_witness, other.final_script_witness);
        union(&mut self.preimages, other.preimages);
        keep(&mut self.tap_key_sig, other.tap_key_sig);
        union(&mut self.tap_script_sigs, other.tap_script_sigs);
        union(&mut self.tap_scripts, other.tap_scripts);
        union(&mut self.tap_bip32_derivation, other.tap_bip32_derivation);
        keep(&mut self.tap_internal_key, other.tap_internal_key);
        keep(&mut self.tap_merkle_root, other.tap_merkle_root);
        union(&mut self.unknown, other.unknown);
    }
}
