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
//!
//! The module is laid out by what each part knows:
//!
//! | file | what it knows |
//! | --- | --- |
//! | `mod.rs` | [`Psbt`] and its roles in BIP174's order: creator, updater, combiner, extractor; the global map |
//! | `raw.rs` | records (`<key> <value>`), maps of them, [`KeySource`] and other shared values |
//! | `input.rs` | the input map ([`Input`]): its key types, parsed and written in Core's order |
//! | `output.rs` | the output map ([`Output`]) |
//! | `signer.rs` | the signer and the finalizer: what spending an input takes, signatures, scripts |
//! | [`base64`] | the text form |
//! | `error.rs` | [`Error`] |
//!
//! Signatures themselves are made by [`crate::sign`], the wallet's one signer.

use std::collections::BTreeMap;

use sou_keys::PublicKey;
use sou_primitives::encoding::Reader;
use sou_primitives::hashes::{hash160, sha256};
use sou_primitives::{Script, Transaction, TxOut, Witness};

pub mod base64;
mod error;
mod input;
mod output;
mod raw;
mod signer;

pub use crate::sign::Nonces;
pub use error::Error;
pub use input::Input;
pub use output::Output;
pub use raw::KeySource;
use raw::{bare, keyed, legacy_bytes, read_legacy_tx, read_map, write_record, write_unknown};

/// The five bytes every PSBT starts with: `psbt` and `0xff`.
pub const MAGIC: [u8; 5] = *b"psbt\xff";

const GLOBAL_UNSIGNED_TX: u8 = 0x00;
const GLOBAL_XPUB: u8 = 0x01;
const GLOBAL_VERSION: u8 = 0xfb;

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
