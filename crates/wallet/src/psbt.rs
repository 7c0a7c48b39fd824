//! Partially Signed Bitcoin Transactions (BIP174, version 0).
//!
//! Paying from a multisig wallet, a hardware wallet or a CoinJoin means several parties
//! each add what they know to one transaction: a *creator* writes the unsigned
//! transaction, *updaters* add the outputs being spent and the scripts behind them,
//! *signers* add signatures, a *combiner* merges the copies that went around, a
//! *finalizer* turns signatures into scriptSigs and witnesses, and an *extractor* takes
//! out the network transaction. A PSBT carries all of it between them: the magic
//! `psbt\xff`, a global map (the unsigned transaction), then one map per input and one
//! per output, each a list of `<key> <value>` records ended by a zero byte. A key is its
//! type byte plus optional data (a public key, for a signature), so a map can hold one
//! signature per key. Keys a program does not know are kept and passed on unchanged.
//!
//! [`Psbt`] implements every role, following Core (`src/psbt.cpp`, `src/psbt.h`): the
//! parser refuses what Core refuses (duplicate keys, keys of the wrong length, an
//! unsigned transaction with scriptSigs or in witness form, map counts that do not match
//! the transaction), and the signer refuses an input whose scripts do not hash to the
//! output being spent. Every BIP371 taproot field is checked and kept in Core's order;
//! the key-path ones (internal key, merkle root, key signature) are also used, so that
//! P2TR key-path inputs can be signed and finalized. Hash preimages must hash to their
//! keys, as Core requires.
//! Both the binary form and Base64 (RFC4648) are read and written.

use std::collections::BTreeMap;

use sou_keys::bip32::{ChildNumber, DerivationPath, Fingerprint};
use sou_keys::taproot::TapNodeHash;
use sou_keys::{ecdsa, schnorr, Message, PublicKey, SecretKey};
use sou_primitives::encoding::{
    deserialize, serialize, write_compact_size, Decode, DecodeError, Reader,
};
use sou_primitives::hashes::{hash160, sha256};
use sou_primitives::opcodes::OP_0;
use sou_primitives::script::Builder;
use sou_primitives::{Script, Transaction, TxIn, TxOut, Witness};
use sou_script::sighash::{
    legacy_sighash, segwit_v0_sighash, taproot_sighash, TaprootContext, SIGHASH_ALL,
    SIGHASH_DEFAULT,
};
use sou_script::{PrecomputedTransactionData, SigVersion};
use thiserror::Error;

use crate::sign::{p2wpkh_script_code, parse_multisig};

/// The five bytes every PSBT starts with: `psbt` and `0xff`.
pub const MAGIC: [u8; 5] = *b"psbt\xff";

const GLOBAL_UNSIGNED_TX: u8 = 0x00;
const GLOBAL_XPUB: u8 = 0x01;
const GLOBAL_VERSION: u8 = 0xfb;
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
const OUT_REDEEM_SCRIPT: u8 = 0x00;
const OUT_WITNESS_SCRIPT: u8 = 0x01;
const OUT_BIP32_DERIVATION: u8 = 0x02;
const OUT_TAP_INTERNAL_KEY: u8 = 0x05;
const OUT_TAP_TREE: u8 = 0x06;
const OUT_TAP_BIP32_DERIVATION: u8 = 0x07;
const PROPRIETARY: u8 = 0xfc;

/// Why a PSBT was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Error {
    /// The data does not start with `psbt\xff`.
    #[error("invalid PSBT magic bytes")]
    BadMagic,
    /// Not Base64.
    #[error("invalid base64")]
    Base64,
    /// The bytes end early, or a length is wrong.
    #[error("malformed PSBT: {0}")]
    Decode(#[from] DecodeError),
    /// A key appears twice in one map.
    #[error("duplicate key {0:02x?}")]
    DuplicateKey(Vec<u8>),
    /// A known key type with key data of the wrong size.
    #[error("invalid key for type {key_type:#04x} ({len} bytes)")]
    InvalidKey {
        /// The key type.
        key_type: u8,
        /// The key's length, type byte included.
        len: usize,
    },
    /// A known value that does not parse.
    #[error("invalid value for key type {0:#04x}")]
    InvalidValue(u8),
    /// No unsigned transaction in the global map.
    #[error("no unsigned transaction")]
    MissingUnsignedTx,
    /// The unsigned transaction has scriptSigs or witnesses.
    #[error("the unsigned transaction must have empty scriptSigs and witnesses")]
    UnsignedTxHasScripts,
    /// Not as many input or output maps as the transaction has inputs or outputs.
    #[error("{what}: {maps} maps for {expected} in the transaction")]
    MapCount {
        /// Inputs or outputs.
        what: &'static str,
        /// Maps present.
        maps: usize,
        /// Maps expected.
        expected: usize,
    },
    /// A PSBT version this program does not know.
    #[error("unsupported PSBT version {0}")]
    UnsupportedVersion(u32),
    /// A non-witness UTXO that is not the transaction the input spends from.
    #[error("input {0}: the non-witness UTXO does not match the outpoint")]
    UtxoMismatch(usize),
    /// Bytes after the last map.
    #[error("trailing data after the PSBT")]
    TrailingData,
    /// Combining PSBTs of different transactions.
    #[error("cannot combine PSBTs of different transactions")]
    DifferentTransactions,
    /// An input without the output it spends.
    #[error("input {0}: the spent output is unknown")]
    MissingUtxo(usize),
    /// A witness UTXO given for an input that is not segwit: nothing in a legacy
    /// signature would commit to its amount.
    #[error("input {0}: a witness UTXO for a non-witness spend")]
    WitnessUtxoForNonWitness(usize),
    /// A redeem script that does not hash to the P2SH output.
    #[error("input {0}: the redeem script does not match the scriptPubKey")]
    RedeemScriptMismatch(usize),
    /// A witness script that does not hash to the P2WSH program.
    #[error("input {0}: the witness script does not match the witness program")]
    WitnessScriptMismatch(usize),
    /// An input the finalizer cannot complete.
    #[error("input {0} cannot be finalized")]
    CannotFinalize(usize),
    /// Extracting before every input is final.
    #[error("input {0} is not finalized")]
    NotFinalized(usize),
    /// A signing error.
    #[error(transparent)]
    Keys(#[from] sou_keys::Error),
}

/// Where a key comes from: the master key's fingerprint and the derivation path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeySource {
    /// The master key's fingerprint.
    pub fingerprint: Fingerprint,
    /// The path from the master key.
    pub path: DerivationPath,
}

impl KeySource {
    fn parse(value: &[u8], key_type: u8) -> Result<KeySource, Error> {
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

    fn serialize(&self) -> Vec<u8> {
        let mut out = self.fingerprint.0.to_vec();
        for step in self.path.as_slice() {
            out.extend_from_slice(&step.to_u32().to_le_bytes());
        }
        out
    }
}

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

/// What a PSBT knows about one output.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Output {
    /// The P2SH redeem script.
    pub redeem_script: Option<Script>,
    /// The P2WSH witness script.
    pub witness_script: Option<Script>,
    /// Key origins by public key (lets a signer recognise its change).
    pub bip32_derivation: BTreeMap<Vec<u8>, KeySource>,
    /// BIP371: the internal x-only key.
    pub tap_internal_key: Option<[u8; 32]>,
    /// BIP371: the script tree, as serialised (depth, leaf version, script)*.
    pub tap_tree: Option<Vec<u8>>,
    /// BIP371: x-only key origins, as serialised.
    pub tap_bip32_derivation: BTreeMap<Vec<u8>, Vec<u8>>,
    /// Records of types this program does not interpret.
    pub unknown: BTreeMap<Vec<u8>, Vec<u8>>,
}

/// A partially signed transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Psbt {
    /// The transaction being signed, without scriptSigs or witnesses.
    pub unsigned_tx: Transaction,
    /// The PSBT version (0).
    pub version: u32,
    /// Extended public keys (78-byte BIP32 serialisation) and their origins.
    pub xpubs: BTreeMap<Vec<u8>, KeySource>,
    /// Unknown global records.
    pub unknown: BTreeMap<Vec<u8>, Vec<u8>>,
    /// One per transaction input.
    pub inputs: Vec<Input>,
    /// One per transaction output.
    pub outputs: Vec<Output>,
}

/// Which ECDSA nonces the signer uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nonces {
    /// Plain RFC6979, as BIP174's test signer.
    Rfc6979,
    /// RFC6979 ground to low R and a 70-byte DER, as the wallet signs (see
    /// [`ecdsa::sign_full_length`]): sizes match the fee estimate.
    Wallet,
}

fn read_legacy_tx(bytes: &[u8]) -> Result<Transaction, Error> {
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

fn legacy_bytes(tx: &Transaction) -> Vec<u8> {
    let mut out = Vec::new();
    tx.encode_without_witness(&mut out);
    out
}

/// A map as read: records in order, duplicates refused.
type RawMap = Vec<(Vec<u8>, Vec<u8>)>;

fn read_map(r: &mut Reader<'_>) -> Result<RawMap, Error> {
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

fn write_record(out: &mut Vec<u8>, key: &[u8], value: &[u8]) {
    write_compact_size(out, key.len() as u64);
    out.extend_from_slice(key);
    write_compact_size(out, value.len() as u64);
    out.extend_from_slice(value);
}

fn keyed(key_type: u8, data: &[u8]) -> Vec<u8> {
    let mut k = vec![key_type];
    k.extend_from_slice(data);
    k
}

/// Records Core keeps apart: proprietary ones (`0xfc`) first, then the unknown ones.
fn write_unknown(out: &mut Vec<u8>, records: &BTreeMap<Vec<u8>, Vec<u8>>) {
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
fn check_tap_key_origin(value: &[u8], key_type: u8) -> Result<(), Error> {
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

/// BIP371 output tree: `(depth, leaf version, script)` tuples in depth-first order that
/// build one complete tree (Core's `TaprootBuilder`, which refuses the rest).
fn check_tap_tree(value: &[u8]) -> Result<(), Error> {
    let bad = Error::InvalidValue(OUT_TAP_TREE);
    let mut r = Reader::new(value);
    // `branch[d]` is set when a subtree waits at depth `d` for its sibling.
    let mut branch: Vec<bool> = Vec::new();
    if r.remaining() == 0 {
        return Err(bad);
    }
    while r.remaining() > 0 {
        let depth = usize::from(r.read_u8().map_err(|_| bad.clone())?);
        let leaf_version = r.read_u8().map_err(|_| bad.clone())?;
        r.read_var_bytes().map_err(|_| bad.clone())?;
        if depth > sou_keys::taproot::MAX_PATH_LEN
            || leaf_version & 1 != 0
            || depth + 1 < branch.len()
        {
            return Err(bad);
        }
        // Insert a node at `depth`, merging with waiting siblings up the tree.
        let mut d = depth;
        while branch.len() > d && branch[d] {
            branch.pop();
            if d == 0 {
                return Err(bad);
            }
            d -= 1;
        }
        if branch.len() <= d {
            branch.resize(d + 1, false);
        }
        branch[d] = true;
    }
    if branch.len() == 1 && branch[0] {
        Ok(())
    } else {
        Err(bad)
    }
}

/// Checks that a key is the bare type byte.
fn bare(key: &[u8]) -> Result<(), Error> {
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
fn pubkey_key(key: &[u8]) -> Result<Vec<u8>, Error> {
    let data = &key[1..];
    if !(data.len() == 33 || data.len() == 65) || PublicKey::from_slice(data).is_err() {
        return Err(Error::InvalidKey {
            key_type: key[0],
            len: key.len(),
        });
    }
    Ok(data.to_vec())
}

fn array32(value: &[u8], key_type: u8) -> Result<[u8; 32], Error> {
    value.try_into().map_err(|_| Error::InvalidValue(key_type))
}

impl Input {
    fn parse(map: RawMap) -> Result<Input, Error> {
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

    fn serialize_to(&self, out: &mut Vec<u8>) {
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
    fn merge(&mut self, other: Input) {
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

/// The combiner's rule for one field: the value already present stays.
fn keep<T>(mine: &mut Option<T>, theirs: Option<T>) {
    if mine.is_none() {
        *mine = theirs;
    }
}

/// The combiner's rule for keyed records: all keys, this side's value on a clash.
fn union<K: Ord, V>(mine: &mut BTreeMap<K, V>, theirs: BTreeMap<K, V>) {
    for (k, v) in theirs {
        mine.entry(k).or_insert(v);
    }
}

impl Output {
    fn parse(map: RawMap) -> Result<Output, Error> {
        let mut output = Output::default();
        for (key, value) in map {
            let t = key[0];
            match t {
                OUT_REDEEM_SCRIPT => {
                    bare(&key)?;
                    output.redeem_script = Some(Script::from_bytes(value));
                }
                OUT_WITNESS_SCRIPT => {
                    bare(&key)?;
                    output.witness_script = Some(Script::from_bytes(value));
                }
                OUT_BIP32_DERIVATION => {
                    let pk = pubkey_key(&key)?;
                    output
                        .bip32_derivation
                        .insert(pk, KeySource::parse(&value, t)?);
                }
                OUT_TAP_INTERNAL_KEY => {
                    bare(&key)?;
                    output.tap_internal_key = Some(array32(&value, t)?);
                }
                OUT_TAP_TREE => {
                    bare(&key)?;
                    check_tap_tree(&value)?;
                    output.tap_tree = Some(value);
                }
                OUT_TAP_BIP32_DERIVATION => {
                    if key.len() != 33 {
                        return Err(Error::InvalidKey {
                            key_type: t,
                            len: key.len(),
                        });
                    }
                    check_tap_key_origin(&value, t)?;
                    output.tap_bip32_derivation.insert(key[1..].to_vec(), value);
                }
                _ => {
                    output.unknown.insert(key, value);
                }
            }
        }
        Ok(output)
    }

    fn serialize_to(&self, out: &mut Vec<u8>) {
        if let Some(s) = &self.redeem_script {
            write_record(out, &[OUT_REDEEM_SCRIPT], s.as_bytes());
        }
        if let Some(s) = &self.witness_script {
            write_record(out, &[OUT_WITNESS_SCRIPT], s.as_bytes());
        }
        for (pk, source) in &self.bip32_derivation {
            write_record(out, &keyed(OUT_BIP32_DERIVATION, pk), &source.serialize());
        }
        if let Some(k) = &self.tap_internal_key {
            write_record(out, &[OUT_TAP_INTERNAL_KEY], k);
        }
        if let Some(tree) = &self.tap_tree {
            write_record(out, &[OUT_TAP_TREE], tree);
        }
        for (k, v) in &self.tap_bip32_derivation {
            write_record(out, &keyed(OUT_TAP_BIP32_DERIVATION, k), v);
        }
        write_unknown(out, &self.unknown);
        out.push(0);
    }

    fn merge(&mut self, other: Output) {
        keep(&mut self.redeem_script, other.redeem_script);
        keep(&mut self.witness_script, other.witness_script);
        union(&mut self.bip32_derivation, other.bip32_derivation);
        keep(&mut self.tap_internal_key, other.tap_internal_key);
        keep(&mut self.tap_tree, other.tap_tree);
        union(&mut self.tap_bip32_derivation, other.tap_bip32_derivation);
        union(&mut self.unknown, other.unknown);
    }
}

/// What an updater knows: previous transactions, redeem and witness scripts, and the
/// origins of public keys. [`Psbt::update`] attaches each to the inputs and outputs it
/// belongs to, by hash.
#[derive(Debug, Clone, Default)]
pub struct UpdateData {
    /// Transactions whose outputs the inputs spend.
    pub transactions: Vec<Transaction>,
    /// Redeem and witness scripts.
    pub scripts: Vec<Script>,
    /// Public keys with their origins.
    pub keys: Vec<(PublicKey, KeySource)>,
}

impl UpdateData {
    /// The redeem or witness script behind `script_pubkey`, if it is P2SH or P2WSH and
    /// the script is known.
    fn behind(&self, script_pubkey: &Script) -> Option<&Script> {
        if script_pubkey.is_p2sh() {
            let hash = &script_pubkey.as_bytes()[2..22];
            return self
                .scripts
                .iter()
                .find(|s| hash160(s.as_bytes())[..] == *hash);
        }
        match script_pubkey.witness_program() {
            Some((0, p)) if p.len() == 32 => {
                self.scripts.iter().find(|s| sha256(s.as_bytes())[..] == *p)
            }
            _ => None,
        }
    }

    /// The known keys that `scripts` name, directly or by hash.
    fn keys_in(&self, scripts: &[&Script]) -> BTreeMap<Vec<u8>, KeySource> {
        let mut found = BTreeMap::new();
        for (pk, source) in &self.keys {
            let bytes = pk.to_bytes();
            let hash = hash160(&bytes);
            let named = scripts.iter().any(|s| {
                let b = s.as_bytes();
                b.windows(bytes.len()).any(|w| w == bytes.as_slice())
                    || ((s.is_p2pkh() || s.is_p2wpkh()) && b.windows(20).any(|w| w == hash))
            });
            if named {
                found.insert(bytes, source.clone());
            }
        }
        found
    }
}

/// What a signer found behind an input's output.
enum Spend {
    Legacy {
        script_code: Script,
        keys: Vec<Vec<u8>>,
    },
    SegwitV0 {
        script_code: Script,
        keys: Vec<Vec<u8>>,
    },
    TaprootKey,
}

impl Psbt {
    /// Creator: a PSBT for `tx`, whose scriptSigs and witnesses are dropped.
    pub fn from_unsigned_tx(mut tx: Transaction) -> Psbt {
        for input in &mut tx.input {
            input.script_sig = Script::new();
            input.witness = Witness::new();
        }
        Psbt {
            inputs: vec![Input::default(); tx.input.len()],
            outputs: vec![Output::default(); tx.output.len()],
            unsigned_tx: tx,
            version: 0,
            xpubs: BTreeMap::new(),
            unknown: BTreeMap::new(),
        }
    }

    /// Updater: attaches what `data` knows to the inputs and outputs. A segwit input gets
    /// the spent output alone (its signatures commit to the amount); a legacy input gets
    /// the whole previous transaction, whose txid proves the amount.
    pub fn update(&mut self, data: &UpdateData) {
        for (txin, input) in self.unsigned_tx.input.iter().zip(self.inputs.iter_mut()) {
            let outpoint = txin.previous_output;
            let Some(prev) = data
                .transactions
                .iter()
                .find(|t| t.compute_txid() == outpoint.txid)
            else {
                continue;
            };
            let Some(utxo) = prev.output.get(outpoint.vout as usize) else {
                continue;
            };
            let mut inner = utxo.script_pubkey.clone();
            if utxo.script_pubkey.is_p2sh() {
                if let Some(redeem) = data.behind(&utxo.script_pubkey) {
                    input.redeem_script = Some(redeem.clone());
                    inner = redeem.clone();
                }
            }
            if let Some(ws) = data.behind(&inner).filter(|_| inner.is_p2wsh()) {
                input.witness_script = Some(ws.clone());
            }
            if inner.witness_program().is_some() {
                input.witness_utxo = Some(utxo.clone());
            } else {
                input.non_witness_utxo = Some(prev.clone());
            }
            let mut scripts = vec![&inner];
            scripts.extend(input.witness_script.as_ref());
            let found = data.keys_in(&scripts);
            input.bip32_derivation.extend(found);
        }
        for (output, txout) in self.outputs.iter_mut().zip(&self.unsigned_tx.output) {
            let mut scripts = vec![&txout.script_pubkey];
            if let Some(s) = data.behind(&txout.script_pubkey) {
                if txout.script_pubkey.is_p2sh() {
                    output.redeem_script = Some(s.clone());
                } else {
                    output.witness_script = Some(s.clone());
                }
                scripts.push(s);
            }
            let found = data.keys_in(&scripts);
            output.bip32_derivation.extend(found);
        }
    }

    /// Updater: asks signers of every input to use `sighash_type`.
    pub fn set_sighash_type(&mut self, sighash_type: u32) {
        for input in &mut self.inputs {
            input.sighash_type = Some(sighash_type);
        }
    }

    /// Parses the binary form.
    pub fn deserialize(bytes: &[u8]) -> Result<Psbt, Error> {
        let rest = bytes.strip_prefix(&MAGIC[..]).ok_or(Error::BadMagic)?;
        let mut r = Reader::new(rest);
        let global = read_map(&mut r)?;
        let mut tx = None;
        let mut version = 0;
        let mut xpubs = BTreeMap::new();
        let mut unknown = BTreeMap::new();
        for (key, value) in global {
            match key[0] {
                GLOBAL_UNSIGNED_TX => {
                    bare(&key)?;
                    let parsed = read_legacy_tx(&value)
                        .map_err(|_| Error::InvalidValue(GLOBAL_UNSIGNED_TX))?;
                    if parsed.input.iter().any(|i| !i.script_sig.is_empty()) {
                        return Err(Error::UnsignedTxHasScripts);
                    }
                    tx = Some(parsed);
                }
                GLOBAL_XPUB => {
                    if key.len() != 79 {
                        return Err(Error::InvalidKey {
                            key_type: GLOBAL_XPUB,
                            len: key.len(),
                        });
                    }
                    let source = KeySource::parse(&value, GLOBAL_XPUB)?;
                    // The path must be as deep as the key says it is.
                    if source.path.as_slice().len() != usize::from(key[5]) {
                        return Err(Error::InvalidValue(GLOBAL_XPUB));
                    }
                    xpubs.insert(key[1..].to_vec(), source);
                }
                GLOBAL_VERSION => {
                    bare(&key)?;
                    let bytes: [u8; 4] = value
                        .as_slice()
                        .try_into()
                        .map_err(|_| Error::InvalidValue(GLOBAL_VERSION))?;
                    version = u32::from_le_bytes(bytes);
                    if version > 0 {
                        return Err(Error::UnsupportedVersion(version));
                    }
                }
                _ => {
                    unknown.insert(key, value);
                }
            }
        }
        let tx = tx.ok_or(Error::MissingUnsignedTx)?;
        let mut inputs = Vec::new();
        for index in 0..tx.input.len() {
            if r.remaining() == 0 {
                return Err(Error::MapCount {
                    what: "inputs",
                    maps: index,
                    expected: tx.input.len(),
                });
            }
            let input = Input::parse(read_map(&mut r)?)?;
            if let Some(prev) = &input.non_witness_utxo {
                let outpoint = tx.input[index].previous_output;
                if prev.compute_txid() != outpoint.txid
                    || outpoint.vout as usize >= prev.output.len()
                {
                    return Err(Error::UtxoMismatch(index));
                }
            }
            inputs.push(input);
        }
        let mut outputs = Vec::new();
        for index in 0..tx.output.len() {
            if r.remaining() == 0 {
                return Err(Error::MapCount {
                    what: "outputs",
                    maps: index,
                    expected: tx.output.len(),
                });
            }
            outputs.push(Output::parse(read_map(&mut r)?)?);
        }
        if r.remaining() != 0 {
            return Err(Error::TrailingData);
        }
        Ok(Psbt {
            unsigned_tx: tx,
            version,
            xpubs,
            unknown,
            inputs,
            outputs,
        })
    }

    /// The binary form.
    pub fn serialize(&self) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        write_record(
            &mut out,
            &[GLOBAL_UNSIGNED_TX],
            &legacy_bytes(&self.unsigned_tx),
        );
        // Core keys extended keys by origin (fingerprint, then path), then key.
        let mut xpubs: Vec<(&Vec<u8>, &KeySource)> = self.xpubs.iter().collect();
        xpubs.sort_by_key(|(xpub, source)| {
            let path: Vec<u32> = source.path.as_slice().iter().map(|c| c.to_u32()).collect();
            (source.fingerprint.0, path, *xpub)
        });
        for (xpub, source) in xpubs {
            write_record(&mut out, &keyed(GLOBAL_XPUB, xpub), &source.serialize());
        }
        if self.version > 0 {
            write_record(&mut out, &[GLOBAL_VERSION], &self.version.to_le_bytes());
        }
        write_unknown(&mut out, &self.unknown);
        out.push(0);
        for input in &self.inputs {
            input.serialize_to(&mut out);
        }
        for output in &self.outputs {
            output.serialize_to(&mut out);
        }
        out
    }

    /// Parses the Base64 form.
    pub fn from_base64(s: &str) -> Result<Psbt, Error> {
        Psbt::deserialize(&base64::decode(s.trim()).ok_or(Error::Base64)?)
    }

    /// The Base64 form.
    pub fn to_base64(&self) -> String {
        base64::encode(&self.serialize())
    }

    /// Combiner: merges `other`, a copy of the same transaction with other records.
    pub fn combine(&mut self, other: Psbt) -> Result<(), Error> {
        if legacy_bytes(&self.unsigned_tx) != legacy_bytes(&other.unsigned_tx) {
            return Err(Error::DifferentTransactions);
        }
        self.version = self.version.max(other.version);
        union(&mut self.xpubs, other.xpubs);
        union(&mut self.unknown, other.unknown);
        for (mine, theirs) in self.inputs.iter_mut().zip(other.inputs) {
            mine.merge(theirs);
        }
        for (mine, theirs) in self.outputs.iter_mut().zip(other.outputs) {
            mine.merge(theirs);
        }
        Ok(())
    }

    /// The output input `index` spends, from the non-witness UTXO if present (it is
    /// checked against the outpoint) or else the witness UTXO.
    pub fn spent_output(&self, index: usize) -> Option<TxOut> {
        let input = self.inputs.get(index)?;
        match (&input.non_witness_utxo, &input.witness_utxo) {
            (Some(tx), _) => tx
                .output
                .get(self.unsigned_tx.input.get(index)?.previous_output.vout as usize)
                .cloned(),
            (None, Some(out)) => Some(out.clone()),
            (None, None) => None,
        }
    }

    /// What signing input `index` involves; refuses scripts that do not match.
    fn spend(&self, index: usize) -> Result<(TxOut, Spend), Error> {
        let input = &self.inputs[index];
        let utxo = self.spent_output(index).ok_or(Error::MissingUtxo(index))?;
        let from_witness_utxo = input.non_witness_utxo.is_none();
        let mut script = utxo.script_pubkey.clone();
        if script.is_p2sh() {
            let redeem = input
                .redeem_script
                .as_ref()
                .ok_or(Error::RedeemScriptMismatch(index))?;
            if script.as_bytes()[2..22] != hash160(redeem.as_bytes()) {
                return Err(Error::RedeemScriptMismatch(index));
            }
            script = redeem.clone();
        }
        let spend = match script.witness_program() {
            Some((0, program)) if program.len() == 20 => Spend::SegwitV0 {
                script_code: p2wpkh_script_code(program),
                keys: vec![program.to_vec()],
            },
            Some((0, program)) if program.len() == 32 => {
                let ws = input
                    .witness_script
                    .as_ref()
                    .ok_or(Error::WitnessScriptMismatch(index))?;
                if program != sha256(ws.as_bytes()) {
                    return Err(Error::WitnessScriptMismatch(index));
                }
                Spend::SegwitV0 {
                    script_code: ws.clone(),
                    keys: script_keys(ws),
                }
            }
            Some((1, _)) if script.is_p2tr() && utxo.script_pubkey.is_p2tr() => Spend::TaprootKey,
            Some(_) => return Err(Error::CannotFinalize(index)),
            None => {
                if from_witness_utxo {
                    return Err(Error::WitnessUtxoForNonWitness(index));
                }
                Spend::Legacy {
                    keys: script_keys(&script),
                    script_code: script,
                }
            }
        };
        Ok((utxo, spend))
    }

    /// One map per input and output of the transaction: what every role relies on (a
    /// parsed PSBT has it; one assembled by hand may not).
    fn check_shape(&self) -> Result<(), Error> {
        let (ins, outs) = (self.unsigned_tx.input.len(), self.unsigned_tx.output.len());
        if self.inputs.len() != ins {
            return Err(Error::MapCount {
                what: "inputs",
                maps: self.inputs.len(),
                expected: ins,
            });
        }
        if self.outputs.len() != outs {
            return Err(Error::MapCount {
                what: "outputs",
                maps: self.outputs.len(),
                expected: outs,
            });
        }
        Ok(())
    }

    /// Checks every input's scripts as a signer would before signing anything.
    pub fn check_inputs(&self) -> Result<(), Error> {
        self.check_shape()?;
        (0..self.inputs.len()).try_for_each(|i| self.spend(i).map(|_| ()))
    }

    /// Signer: adds a signature for every input whose script names one of `keys` (a
    /// public key, or its hash for P2PKH and P2WPKH; the tweaked output key for P2TR key
    /// paths, given the internal key). Uses the input's sighash type, `SIGHASH_ALL` by
    /// default (`SIGHASH_DEFAULT` for taproot). Returns how many signatures were added.
    pub fn sign(&mut self, keys: &[SecretKey], nonces: Nonces) -> Result<usize, Error> {
        self.check_shape()?;
        let spent: Option<Vec<TxOut>> = (0..self.inputs.len())
            .map(|i| self.spent_output(i))
            .collect();
        let precomputed =
            PrecomputedTransactionData::new(&self.unsigned_tx, spent.unwrap_or_default());
        let mut added = 0;
        for index in 0..self.inputs.len() {
            if self.inputs[index].is_final() {
                continue;
            }
            let (utxo, spend) = self.spend(index)?;
            let tx = &self.unsigned_tx;
            match spend {
                Spend::Legacy {
                    script_code,
                    keys: named,
                }
                | Spend::SegwitV0 {
                    script_code,
                    keys: named,
                } => {
                    let segwit = utxo.script_pubkey.witness_program().is_some()
                        || self.inputs[index]
                            .redeem_script
                            .as_ref()
                            .is_some_and(|r| r.witness_program().is_some());
                    let hash_type = self.inputs[index].sighash_type.unwrap_or(SIGHASH_ALL);
                    let hash_type_i32 = i32::from_le_bytes(hash_type.to_le_bytes());
                    let digest = if segwit {
                        segwit_v0_sighash(
                            script_code.as_bytes(),
                            tx,
                            index,
                            hash_type_i32,
                            utxo.value.to_sat(),
                            &precomputed,
                        )
                    } else {
                        legacy_sighash(script_code.as_bytes(), tx, index, hash_type_i32)
                    };
                    for key in keys {
                        let pk = key.public_key();
                        let serialized = pk.serialize_compressed().to_vec();
                        let named_here = named
                            .iter()
                            .any(|n| *n == serialized || n[..] == pk.pubkey_hash().0[..]);
                        if !named_here || self.inputs[index].partial_sigs.contains_key(&serialized)
                        {
                            continue;
                        }
                        let msg = Message::from_digest(digest.0);
                        let sig = match nonces {
                            Nonces::Rfc6979 => ecdsa::sign_without_grinding(&msg, key),
                            Nonces::Wallet => ecdsa::sign_full_length(&msg, key),
                        };
                        let mut bytes = sig.to_der();
                        bytes.push(hash_type.to_le_bytes()[0]);
                        self.inputs[index].partial_sigs.insert(serialized, bytes);
                        added += 1;
                    }
                }
                Spend::TaprootKey => {
                    let input = &self.inputs[index];
                    let (Some(internal), None) = (input.tap_internal_key, &input.tap_key_sig)
                    else {
                        continue;
                    };
                    let root = input.tap_merkle_root.map(TapNodeHash);
                    let hash_type = input
                        .sighash_type
                        .map_or(SIGHASH_DEFAULT, |t| t.to_le_bytes()[0]);
                    for key in keys {
                        let keypair = key.keypair();
                        if keypair.x_only_public_key().0.serialize() != internal {
                            continue;
                        }
                        let tweaked = keypair.tap_tweak(root.as_ref())?;
                        let Some(digest) = taproot_sighash(
                            tx,
                            index,
                            hash_type,
                            SigVersion::Taproot,
                            &precomputed,
                            &TaprootContext::default(),
                        ) else {
                            return Err(Error::MissingUtxo(index));
                        };
                        let mut sig = schnorr::sign_random(&digest.0, &tweaked)?
                            .to_byte_array()
                            .to_vec();
                        if hash_type != SIGHASH_DEFAULT {
                            sig.push(hash_type);
                        }
                        self.inputs[index].tap_key_sig = Some(sig);
                        added += 1;
                    }
                }
            }
        }
        Ok(added)
    }

    /// Input finalizer: builds the scriptSig and witness of every input that has enough
    /// signatures, and clears what they replace (BIP174 keeps only the UTXOs and unknown
    /// records). Fails on the first input it cannot complete.
    pub fn finalize(&mut self) -> Result<(), Error> {
        self.check_shape()?;
        for index in 0..self.inputs.len() {
            if self.inputs[index].is_final() {
                continue;
            }
            let (_, spend) = self.spend(index)?;
            let input = &self.inputs[index];
            // BIP174: signatures must use the sighash type the input asks for.
            if let Some(wanted) = input.sighash_type {
                let ecdsa_ok = input
                    .partial_sigs
                    .values()
                    .all(|sig| sig.last().map(|&b| u32::from(b)) == Some(wanted));
                let schnorr_ok = input
                    .tap_key_sig
                    .as_ref()
                    .is_none_or(|sig| match sig.len() {
                        64 => wanted == u32::from(SIGHASH_DEFAULT),
                        _ => sig.last().map(|&b| u32::from(b)) == Some(wanted),
                    });
                if !ecdsa_ok || !schnorr_ok {
                    return Err(Error::CannotFinalize(index));
                }
            }
            let sigs_for = |keys: &[Vec<u8>], required: usize| -> Option<Vec<Vec<u8>>> {
                let sigs: Vec<Vec<u8>> = keys
                    .iter()
                    .filter_map(|k| input.partial_sigs.get(k).cloned())
                    .take(required)
                    .collect();
                (sigs.len() == required).then_some(sigs)
            };
            // P2PKH and P2WPKH name a key hash: the signature whose key hashes to it.
            let single = |keys: &[Vec<u8>]| -> Option<(Vec<u8>, Vec<u8>)> {
                let hash = keys.first()?;
                input
                    .partial_sigs
                    .iter()
                    .find(|(k, _)| hash160(k)[..] == hash[..])
                    .map(|(k, s)| (k.clone(), s.clone()))
            };
            let (script_sig, witness): (Option<Script>, Option<Witness>) = match &spend {
                Spend::TaprootKey => {
                    let sig = input
                        .tap_key_sig
                        .clone()
                        .ok_or(Error::CannotFinalize(index))?;
                    (None, Some(Witness::from_items([sig])))
                }
                Spend::Legacy { script_code, keys } => {
                    let mut b = Builder::new();
                    if let Some((m, _)) = parse_multisig(script_code) {
                        let sigs = sigs_for(keys, m).ok_or(Error::CannotFinalize(index))?;
                        b = b.push_opcode(OP_0);
                        for s in &sigs {
                            b = b.push_slice(s);
                        }
                    } else if script_code.is_p2pkh() {
                        let (pk, sig) = single(keys).ok_or(Error::CannotFinalize(index))?;
                        b = b.push_slice(&sig).push_slice(&pk);
                    } else {
                        return Err(Error::CannotFinalize(index));
                    }
                    if let Some(redeem) = &input.redeem_script {
                        b = b.push_slice(redeem.as_bytes());
                    }
                    (Some(b.into_script()), None)
                }
                Spend::SegwitV0 { keys, .. } => {
                    let witness = if let Some(ws) = &input.witness_script {
                        let (m, _) = parse_multisig(ws).ok_or(Error::CannotFinalize(index))?;
                        let sigs = sigs_for(keys, m).ok_or(Error::CannotFinalize(index))?;
                        let mut items = vec![Vec::new()];
                        items.extend(sigs);
                        items.push(ws.as_bytes().to_vec());
                        Witness::from_items(items)
                    } else {
                        let (pk, sig) = single(keys).ok_or(Error::CannotFinalize(index))?;
                        Witness::from_items([sig, pk])
                    };
                    let script_sig = input
                        .redeem_script
                        .as_ref()
                        .map(|r| Builder::new().push_slice(r.as_bytes()).into_script());
                    (script_sig, Some(witness))
                }
            };
            let input = &mut self.inputs[index];
            *input = Input {
                non_witness_utxo: input.non_witness_utxo.take(),
                witness_utxo: input.witness_utxo.take(),
                final_script_sig: script_sig,
                final_script_witness: witness,
                unknown: std::mem::take(&mut input.unknown),
                ..Input::default()
            };
        }
        Ok(())
    }

    /// Transaction extractor: the network transaction, once every input is final.
    pub fn extract_tx(&self) -> Result<Transaction, Error> {
        self.check_shape()?;
        let mut tx = self.unsigned_tx.clone();
        for (index, (txin, input)) in tx.input.iter_mut().zip(&self.inputs).enumerate() {
            if !input.is_final() {
                return Err(Error::NotFinalized(index));
            }
            txin.script_sig = input.final_script_sig.clone().unwrap_or_default();
            txin.witness = input.final_script_witness.clone().unwrap_or_default();
        }
        Ok(tx)
    }
}

/// The public keys a script pushes (33 or 65 bytes), in order.
fn script_keys(script: &Script) -> Vec<Vec<u8>> {
    if script.is_p2pkh() {
        return vec![script.as_bytes()[3..23].to_vec()];
    }
    script
        .instructions()
        .filter_map(|i| match i {
            Ok(sou_primitives::script::Instruction::Push { data, .. })
                if data.len() == 33 || data.len() == 65 =>
            {
                Some(data.to_vec())
            }
            _ => None,
        })
        .collect()
}

/// RFC4648 Base64 with padding, strict on input.
pub mod base64 {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// Encodes with `=` padding.
    pub fn encode(data: &[u8]) -> String {
        let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
        for chunk in data.chunks(3) {
            let b = [
                chunk[0],
                *chunk.get(1).unwrap_or(&0),
                *chunk.get(2).unwrap_or(&0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    /// Decodes padded Base64; `None` on any other character, bad length or bad padding.
    pub fn decode(s: &str) -> Option<Vec<u8>> {
        let bytes = s.as_bytes();
        if bytes.len() % 4 != 0 {
            return None;
        }
        let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
        for (i, chunk) in bytes.chunks(4).enumerate() {
            let last = i + 1 == bytes.len() / 4;
            let pad = chunk.iter().rev().take_while(|&&c| c == b'=').count();
            if pad > 2 || (pad > 0 && !last) {
                return None;
            }
            let mut n = 0u32;
            for &c in &chunk[..4 - pad] {
                let v = ALPHABET.iter().position(|&a| a == c)?;
                n = (n << 6) | u32::try_from(v).ok()?;
            }
            n <<= 6 * pad;
            let decoded = n.to_be_bytes();
            out.extend_from_slice(&decoded[1..4 - pad]);
        }
        Some(out)
    }
}
