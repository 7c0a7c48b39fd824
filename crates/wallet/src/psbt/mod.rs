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
//! type (a CompactSize, one byte for every type defined so far) plus optional data (a
//! public key, for a signature), so a map can hold one signature per key. Keys a program does not know are kept and passed on unchanged.
//!
//! [`Psbt`] implements every role, following Core (`src/psbt.cpp`, `src/psbt.h`): the
//! parser refuses what Core refuses (duplicate keys, keys of the wrong length, an
//! unsigned transaction with scriptSigs or in witness form, map counts that do not match
//! the transaction, public keys that are no point, partial signatures that are empty or
//! that a script would refuse under DERSIG and STRICTENC), and the signer refuses an input
//! whose scripts do not hash to the output being spent. Every BIP371 taproot field is
//! checked and kept in Core's order; the key-path ones (internal key, merkle root, key
//! signature) are also used, so that P2TR key-path inputs can be signed and finalized.
//! BIP373's MuSig2 records are checked and carried as Core carries them, unused. Hash
//! preimages are not checked against their hashes, as Core does not check them. Both the
//! binary form and Base64 (RFC4648) are read and written.
//!
//! The writer follows Core's (`Serialize` in src/psbt.h) to the byte, so that a PSBT that
//! passes through sou comes out as it would from Core. Core writes each map's records in
//! a fixed order of types, whatever order they were read in, each kind of keyed record in
//! the order of its C++ map, and leaves out what it holds as "none": empty scripts and
//! witnesses, all-zero taproot keys and roots, a witness UTXO of amount -1, and, once an
//! input is final, everything but its UTXOs, final scripts, proprietary and unknown
//! records. Where Core keeps a set (taproot leaf hashes; global extended keys of one
//! origin) sou keeps one too. A non-witness UTXO is written without witnesses. The
//! differential test `crates/node/tests/psbt_vs_bitcoind.rs` holds sou to all of this.
//!
//! Only version 0 is read. Core (from v31) also reads version 2 (BIP370), where the
//! transaction is given field by field; sou refuses it, and refuses version 2's fields in
//! a version 0 PSBT, as Core does.
//!
//! Values are typed where the type writes back the very bytes it was read from, so that a
//! PSBT passes through unchanged: the sighash type is a [`SighashType`] (all 32 bits),
//! scripts are [`Script`]s, UTXOs a [`Transaction`] or [`TxOut`], the final witness a
//! [`Witness`], key origins [`KeySource`]s and [`TapKeySource`]s, merkle roots and leaf
//! hashes `TapNodeHash`es, the output tree a list of [`TapTreeLeaf`]s, preimages are keyed
//! by [`PreimageHash`]. Some stay bytes, because a parsed form would not give them back:
//!
//! - public keys of ECDSA records: a 65-byte key may be in the "hybrid" form (`06`/`07`)
//!   that Core accepts and `PublicKey` re-encodes as `04`;
//! - signatures: scripts and witnesses carry them as they are, and a parsed ECDSA
//!   signature forgets an R or S out of range (libsecp256k1 zeroes it);
//! - global extended keys: their version bytes may name any network or script type,
//!   where `Xpub` knows only `xpub` and `tpub`;
//! - x-only keys of taproot records, as [`XOnlyKey`]: Core reads the 32 bytes unchecked,
//!   where `XOnlyPublicKey` refuses bytes that are no point's x (as rust-bitcoin does);
//!   [`XOnlyKey::to_public_key`] parses them where a point is needed. An all-zero internal
//!   key is Core's "none": it reads as `None` and is not written back, as Core drops it;
//! - control blocks (the keys of leaf scripts): Core checks only their length;
//! - unknown and proprietary records.
//!
//! The module is laid out by what each part knows:
//!
//! | file | what it knows |
//! | --- | --- |
//! | `mod.rs` | [`Psbt`] and its roles in BIP174's order: creator, updater, combiner, extractor; the global map |
//! | `raw.rs` | records (`<key> <value>`), maps of them, [`KeySource`], [`TapKeySource`], [`XOnlyKey`] and other shared values |
//! | `input.rs` | the input map ([`Input`]): its key types, parsed and written in Core's order |
//! | `output.rs` | the output map ([`Output`]) |
//! | `musig2.rs` | BIP373's MuSig2 records ([`MuSig2Participant`]), carried unused |
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
use sou_script::SighashType;

pub mod base64;
mod error;
mod input;
mod musig2;
mod output;
mod raw;
mod signer;

pub use crate::sign::Nonces;
pub use error::Error;
pub use input::{Input, PreimageHash};
pub use musig2::{CompressedKey, MuSig2Participant};
pub use output::{Output, TapTreeLeaf};
use raw::{
    bare, keyed, legacy_bytes, read_legacy_tx, read_legacy_tx_from, read_map, write_proprietary,
    write_record, write_unknown,
};
pub use raw::{KeySource, TapKeySource, XOnlyKey};

/// The five bytes every PSBT starts with: `psbt` and `0xff`.
pub const MAGIC: [u8; 5] = *b"psbt\xff";

const GLOBAL_UNSIGNED_TX: u8 = 0x00;
const GLOBAL_XPUB: u8 = 0x01;
/// The first and last types of PSBT version 2's global fields (BIP370: transaction
/// version, fallback lock time, input and output counts, modifiable flags).
const GLOBAL_V2_FIRST: u8 = 0x02;
const GLOBAL_V2_LAST: u8 = 0x06;
const GLOBAL_VERSION: u8 = 0xfb;

/// A partially signed transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Psbt {
    /// The transaction being signed, without scriptSigs or witnesses.
    pub unsigned_tx: Transaction,
    /// The PSBT version (0).
    pub version: u32,
    /// Extended public keys (78-byte BIP32 serialisation) and their origins. Core keeps
    /// them as sets by origin, where two keys with the same public key and chain code are
    /// one (whatever their version, depth, parent and child number): the parser keeps the
    /// first of such a pair. The writer orders them as Core does: by origin (fingerprint,
    /// shorter paths first, then path), then public key, then chain code.
    pub xpubs: BTreeMap<Vec<u8>, KeySource>,
    /// Unknown global records, proprietary ones (`0xfc`) included.
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
    pub fn set_sighash_type(&mut self, sighash_type: SighashType) {
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
                    let xpub = &key[1..];
                    // Core checks the public key (`IsFullyValid`), and that a master key
                    // (depth 0) names no parent and no child number (`CExtPubKey::Decode`
                    // voids the key otherwise); not the version bytes, nor that the path
                    // is as deep as the key says.
                    let orphan = xpub[4] == 0 && xpub[5..13] != [0; 8];
                    if orphan || PublicKey::from_slice(xpub_public_key(xpub)).is_err() {
                        return Err(Error::InvalidPublicKey(GLOBAL_XPUB));
                    }
                    let source = KeySource::parse(&value, GLOBAL_XPUB)?;
                    insert_xpub(&mut xpubs, xpub.to_vec(), source);
                }
                GLOBAL_V2_FIRST..=GLOBAL_V2_LAST => {
                    return Err(Error::Version2Field(key[0]));
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

    /// The binary form, as Core writes it (see the module's documentation).
    pub fn serialize(&self) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        write_record(
            &mut out,
            &[GLOBAL_UNSIGNED_TX],
            &legacy_bytes(&self.unsigned_tx),
        );
        // Core keeps extended keys in a map from origin (`KeyOriginInfo`: fingerprint,
        // shorter paths first, then path) to a set of keys ordered by public key, then
        // chain code (`CExtPubKey::operator<`).
        let mut xpubs: Vec<(&Vec<u8>, &KeySource)> = self.xpubs.iter().collect();
        xpubs.sort_by_key(|(xpub, source)| {
            (
                source.core_order(),
                xpub_public_key(xpub),
                xpub_chain_code(xpub),
            )
        });
        for (xpub, source) in xpubs {
            write_record(&mut out, &keyed(GLOBAL_XPUB, xpub), &source.serialize());
        }
        if self.version > 0 {
            write_record(&mut out, &[GLOBAL_VERSION], &self.version.to_le_bytes());
        }
        write_proprietary(&mut out, &self.unknown);
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
        for (xpub, source) in other.xpubs {
            insert_xpub(&mut self.xpubs, xpub, source);
        }
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

/// A transaction in the serialization without witness, as a PSBT version 0 holds its
/// unsigned transaction (BIP174), read from `r`, which may hold more after it: an empty
/// input list reads as such, not as the segwit marker.
pub fn read_legacy_transaction(
    r: &mut Reader<'_>,
) -> Result<Transaction, sou_primitives::encoding::DecodeError> {
    read_legacy_tx_from(r)
}

/// Creator, PSBT version 2 (BIP370): a new PSBT for `tx`, written as Core writes one made
/// by `createpsbt` (`PartiallySignedTransaction(tx, 2)`): no unsigned transaction, but its
/// version, lock time (as the fallback) and counts in the global map, each input's
/// outpoint and sequence in its map, each output's amount and script in its map.
///
/// sou reads only version 0 ([`Psbt::deserialize`] refuses what this writes); this is
/// the creator's part of version 2 alone.
pub fn version_2_creator_bytes(tx: &Transaction) -> Vec<u8> {
    const GLOBAL_TX_VERSION: u8 = 0x02;
    const GLOBAL_FALLBACK_LOCKTIME: u8 = 0x03;
    const GLOBAL_INPUT_COUNT: u8 = 0x04;
    const GLOBAL_OUTPUT_COUNT: u8 = 0x05;
    const IN_PREVIOUS_TXID: u8 = 0x0e;
    const IN_OUTPUT_INDEX: u8 = 0x0f;
    const IN_SEQUENCE: u8 = 0x10;
    const OUT_AMOUNT: u8 = 0x03;
    const OUT_SCRIPT: u8 = 0x04;
    let count = |n: usize| {
        let mut v = Vec::new();
        sou_primitives::encoding::write_compact_size(&mut v, n as u64);
        v
    };
    let mut out = MAGIC.to_vec();
    write_record(&mut out, &[GLOBAL_TX_VERSION], &tx.version.to_le_bytes());
    write_record(
        &mut out,
        &[GLOBAL_FALLBACK_LOCKTIME],
        &tx.lock_time.to_le_bytes(),
    );
    write_record(&mut out, &[GLOBAL_INPUT_COUNT], &count(tx.input.len()));
    write_record(&mut out, &[GLOBAL_OUTPUT_COUNT], &count(tx.output.len()));
    write_record(&mut out, &[GLOBAL_VERSION], &2u32.to_le_bytes());
    out.push(0);
    for txin in &tx.input {
        let outpoint = txin.previous_output;
        write_record(
            &mut out,
            &[IN_PREVIOUS_TXID],
            &outpoint.txid.to_byte_array(),
        );
        write_record(&mut out, &[IN_OUTPUT_INDEX], &outpoint.vout.to_le_bytes());
        write_record(&mut out, &[IN_SEQUENCE], &txin.sequence.to_le_bytes());
        out.push(0);
    }
    for txout in &tx.output {
        write_record(&mut out, &[OUT_AMOUNT], &txout.value.to_sat().to_le_bytes());
        write_record(&mut out, &[OUT_SCRIPT], txout.script_pubkey.as_bytes());
        out.push(0);
    }
    out
}

/// The combiner's rule for one field: the value already present stays.
fn keep<T>(mine: &mut Option<T>, theirs: Option<T>) {
    if mine.is_none() {
        *mine = theirs;
    }
}

/// The combiner's rule for a field Core holds as a value with an empty state (an empty
/// script, an all-zero root): as [`keep`], but an empty value here counts as none.
fn keep_non_empty<T>(mine: &mut Option<T>, theirs: Option<T>, empty: impl Fn(&T) -> bool) {
    if mine.as_ref().is_none_or(&empty) && theirs.as_ref().is_some_and(|t| !empty(t)) {
        *mine = theirs;
    }
}

/// The combiner's rule for an internal key: as [`keep`], but all zero counts as none, as in
/// Core's `Merge` (`m_tap_internal_key.IsNull()`).
fn keep_internal_key(mine: &mut Option<XOnlyKey>, theirs: Option<XOnlyKey>) {
    if mine.is_none_or(|k| k.is_null()) {
        *mine = theirs;
    }
}

/// The combiner's rule for keyed records: all keys, this side's value on a clash.
fn union<K: Ord, V>(mine: &mut BTreeMap<K, V>, theirs: BTreeMap<K, V>) {
    for (k, v) in theirs {
        mine.entry(k).or_insert(v);
    }
}

/// The public key of a 78-byte extended key: its last 33 bytes (BIP32 "Serialization
/// format": version 4, depth 1, parent fingerprint 4, child number 4, chain code 32, key 33).
fn xpub_public_key(xpub: &[u8]) -> &[u8] {
    xpub.get(45..).unwrap_or_default()
}

/// The chain code of a 78-byte extended key.
fn xpub_chain_code(xpub: &[u8]) -> &[u8] {
    xpub.get(13..45).unwrap_or_default()
}

/// Adds an extended key as Core's parser and combiner do (`m_xpubs[origin].insert`): not
/// if the map holds it already, nor if it holds one of the same origin that Core's set
/// counts as equal (same public key and chain code).
fn insert_xpub(xpubs: &mut BTreeMap<Vec<u8>, KeySource>, xpub: Vec<u8>, source: KeySource) {
    let equal = |(k, s): (&Vec<u8>, &KeySource)| {
        *s == source
            && xpub_public_key(k) == xpub_public_key(&xpub)
            && xpub_chain_code(k) == xpub_chain_code(&xpub)
    };
    if !xpubs.contains_key(&xpub) && !xpubs.iter().any(equal) {
        xpubs.insert(xpub, source);
    }
}
