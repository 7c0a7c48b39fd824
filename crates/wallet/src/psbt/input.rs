//! The input map: what a PSBT knows about one input, parsed and written in Core's order.

use std::collections::BTreeMap;

use sou_keys::taproot::TapNodeHash;
use sou_primitives::encoding::{deserialize, serialize};
use sou_primitives::hashes::{hash160, ripemd160, sha256, sha256d};
use sou_primitives::{Script, Transaction, TxOut, Witness};
use sou_script::interpreter::check_signature_encoding;
use sou_script::{SighashType, VerifyFlags};

use super::musig2::{parse_participants, write_participants, CompressedKey, MuSig2Participant};
use super::raw::{
    array32, bare, internal_key, keyed, legacy_bytes, pubkey_key, write_internal_key,
    write_proprietary, write_record, write_unknown, x_only, KeySource, RawMap, TapKeySource,
    XOnlyKey,
};
use super::{keep, keep_internal_key, keep_non_empty, union, Error};

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
/// The first and last types of PSBT version 2's input fields (BIP370: previous txid,
/// output index, sequence, required time and height lock times).
const IN_V2_FIRST: u8 = 0x0e;
const IN_V2_LAST: u8 = 0x12;
const IN_TAP_KEY_SIG: u8 = 0x13;
const IN_TAP_SCRIPT_SIG: u8 = 0x14;
const IN_TAP_LEAF_SCRIPT: u8 = 0x15;
const IN_TAP_BIP32_DERIVATION: u8 = 0x16;
const IN_TAP_INTERNAL_KEY: u8 = 0x17;
const IN_TAP_MERKLE_ROOT: u8 = 0x18;
const IN_MUSIG2_PARTICIPANT_PUBKEYS: u8 = 0x1a;
const IN_MUSIG2_PUB_NONCE: u8 = 0x1b;
const IN_MUSIG2_PARTIAL_SIG: u8 = 0x1c;

/// What a PSBT knows about one input.
///
/// Public keys of ECDSA records (`partial_sigs`, `bip32_derivation`) and all signatures
/// stay bytes: [`crate::psbt`] says why.
///
/// Some fields have a value Core treats as none, and then neither writes nor merges: an
/// empty script or witness, a witness UTXO of amount -1 (`CTxOut::IsNull`), an all-zero
/// internal key or merkle root. Such a record reads as `None`, and such a value set by
/// hand is not written. Once the input is final (a non-empty scriptSig or witness), Core
/// writes only the UTXOs, the final scriptSig and witness, and the proprietary and unknown
/// records; so does [`Input`]'s writer, whatever else the input holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Input {
    /// The whole transaction whose output is spent (needed for legacy inputs). It may be
    /// read in either form; it is written without witnesses, as Core writes it.
    pub non_witness_utxo: Option<Transaction>,
    /// The output spent (enough for segwit inputs, whose signatures commit to it).
    pub witness_utxo: Option<TxOut>,
    /// Signatures as the script pushes them (DER and the sighash byte), by public key (33
    /// or 65 bytes, as in the script). The parser refuses what Core's does: a key that is
    /// no point, a signature that is empty, not strict DER or of an undefined sighash type.
    pub partial_sigs: BTreeMap<Vec<u8>, Vec<u8>>,
    /// The sighash type signers must use: all 32 bits, as legacy and BIP143 hashes
    /// commit to them.
    pub sighash_type: Option<SighashType>,
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
    /// Hash preimages by the hash they are said to hash to (`PSBT_IN_RIPEMD160` ..
    /// `PSBT_IN_HASH256`). Like Core, the parser does not check that they do: a finalizer
    /// that uses one must.
    pub preimages: BTreeMap<PreimageHash, Vec<u8>>,
    /// BIP371: the taproot key-path signature as the witness carries it (64 bytes, or 65
    /// with the sighash byte).
    pub tap_key_sig: Option<Vec<u8>>,
    /// BIP371: script-path signatures (64 or 65 bytes) by x-only key and leaf hash.
    pub tap_script_sigs: BTreeMap<(XOnlyKey, TapNodeHash), Vec<u8>>,
    /// BIP371: leaf scripts with their leaf version, by control block (kept as bytes:
    /// Core checks only its length).
    pub tap_scripts: BTreeMap<Vec<u8>, (Script, u8)>,
    /// BIP371: origins of x-only keys.
    pub tap_bip32_derivation: BTreeMap<XOnlyKey, TapKeySource>,
    /// BIP371: the internal key, which the output key tweaks. All zero means none, as in
    /// Core: such a record reads as `None`, and such a key is not written.
    pub tap_internal_key: Option<XOnlyKey>,
    /// BIP371: the script tree's merkle root. All zero means none, as in Core.
    pub tap_merkle_root: Option<TapNodeHash>,
    /// BIP373: the participants' keys behind each MuSig2 aggregate key, as listed.
    pub musig2_participants: BTreeMap<CompressedKey, Vec<CompressedKey>>,
    /// BIP373: MuSig2 public nonces (66 bytes), by whose they are.
    pub musig2_pub_nonces: BTreeMap<MuSig2Participant, [u8; 66]>,
    /// BIP373: MuSig2 partial signatures (32 bytes), by whose they are.
    pub musig2_partial_sigs: BTreeMap<MuSig2Participant, [u8; 32]>,
    /// Records of types this program does not interpret, key to value, proprietary ones
    /// (`0xfc`) included.
    pub unknown: BTreeMap<Vec<u8>, Vec<u8>>,
}

/// What a hash preimage record is keyed by: a hash and the function that made it (BIP174
/// `PSBT_IN_RIPEMD160`, `PSBT_IN_SHA256`, `PSBT_IN_HASH160`, `PSBT_IN_HASH256`). A script
/// that locks coins with a hash (`OP_SHA256 <h> OP_EQUAL`) is spent by revealing a value
/// that hashes to it.
///
/// The variants are in key-type order, so a map of them iterates in Core's record order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PreimageHash {
    /// RIPEMD-160.
    Ripemd160([u8; 20]),
    /// SHA-256.
    Sha256([u8; 32]),
    /// RIPEMD-160 of SHA-256.
    Hash160([u8; 20]),
    /// SHA-256 of SHA-256.
    Hash256([u8; 32]),
}

impl PreimageHash {
    /// The record's key type.
    fn key_type(&self) -> u8 {
        match self {
            PreimageHash::Ripemd160(_) => IN_RIPEMD160,
            PreimageHash::Sha256(_) => IN_SHA256,
            PreimageHash::Hash160(_) => IN_HASH160,
            PreimageHash::Hash256(_) => IN_HASH256,
        }
    }

    /// The hash, as the record's key data holds it.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            PreimageHash::Ripemd160(h) | PreimageHash::Hash160(h) => h,
            PreimageHash::Sha256(h) | PreimageHash::Hash256(h) => h,
        }
    }

    /// The hash a preimage record's key names (its type byte and the hash).
    fn from_key(key: &[u8]) -> Result<PreimageHash, Error> {
        let (key_type, hash) = (key[0], &key[1..]);
        let bad = || Error::InvalidKey {
            key_type,
            len: key.len(),
        };
        Ok(match key_type {
            IN_RIPEMD160 => PreimageHash::Ripemd160(hash.try_into().map_err(|_| bad())?),
            IN_SHA256 => PreimageHash::Sha256(hash.try_into().map_err(|_| bad())?),
            IN_HASH160 => PreimageHash::Hash160(hash.try_into().map_err(|_| bad())?),
            _ => PreimageHash::Hash256(hash.try_into().map_err(|_| bad())?),
        })
    }

    /// Whether `preimage` hashes to this hash. The parser does not ask (Core's does not
    /// either: its functional test `rpc_psbt.py` decodes random pairs); whoever puts a
    /// preimage in a scriptSig or witness should.
    pub fn matches(&self, preimage: &[u8]) -> bool {
        match self {
            PreimageHash::Ripemd160(h) => ripemd160(preimage) == *h,
            PreimageHash::Sha256(h) => sha256(preimage) == *h,
            PreimageHash::Hash160(h) => hash160(preimage) == *h,
            PreimageHash::Hash256(h) => sha256d(preimage) == *h,
        }
    }
}

/// Core's check of a partial signature (`PSBT_IN_PARTIAL_SIG`, `PSBTInput::Unserialize`):
/// not empty, and encoded as a script under DERSIG and STRICTENC would have it, strict DER
/// (BIP66) and a defined sighash type. A high S passes: LOW_S is policy, not asked here.
fn check_partial_sig(sig: &[u8]) -> Result<(), Error> {
    if sig.is_empty() {
        // An empty signature passes the script's check (it fails a CHECKSIG on purpose),
        // but it signs nothing.
        return Err(Error::EmptyPartialSig);
    }
    check_signature_encoding(sig, VerifyFlags::DERSIG | VerifyFlags::STRICTENC)
        .map_err(Error::InvalidPartialSig)
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
                    let utxo: TxOut = deserialize(&value).map_err(|_| Error::InvalidValue(t))?;
                    input.witness_utxo = (!is_null_txout(&utxo)).then_some(utxo);
                }
                IN_PARTIAL_SIG => {
                    let pk = pubkey_key(&key)?;
                    check_partial_sig(&value)?;
                    input.partial_sigs.insert(pk, value);
                }
                IN_SIGHASH_TYPE => {
                    bare(&key)?;
                    let bytes: [u8; 4] = value
                        .as_slice()
                        .try_into()
                        .map_err(|_| Error::InvalidValue(t))?;
                    input.sighash_type = Some(SighashType::from_u32(u32::from_le_bytes(bytes)));
                }
                IN_REDEEM_SCRIPT => {
                    bare(&key)?;
                    input.redeem_script = non_empty(value);
                }
                IN_WITNESS_SCRIPT => {
                    bare(&key)?;
                    input.witness_script = non_empty(value);
                }
                IN_BIP32_DERIVATION => {
                    let pk = pubkey_key(&key)?;
                    input
                        .bip32_derivation
                        .insert(pk, KeySource::parse(&value, t)?);
                }
                IN_FINAL_SCRIPTSIG => {
                    bare(&key)?;
                    input.final_script_sig = non_empty(value);
                }
                IN_FINAL_SCRIPTWITNESS => {
                    bare(&key)?;
                    let witness: Witness =
                        deserialize(&value).map_err(|_| Error::InvalidValue(t))?;
                    input.final_script_witness = (!witness.is_empty()).then_some(witness);
                }
                IN_RIPEMD160 | IN_SHA256 | IN_HASH160 | IN_HASH256 => {
                    input.preimages.insert(PreimageHash::from_key(&key)?, value);
                }
                IN_V2_FIRST..=IN_V2_LAST => return Err(Error::Version2Field(t)),
                IN_TAP_KEY_SIG => {
                    bare(&key)?;
                    if !(value.len() == 64 || value.len() == 65) {
                        return Err(Error::InvalidValue(t));
                    }
                    input.tap_key_sig = Some(value);
                }
                IN_TAP_INTERNAL_KEY => {
                    bare(&key)?;
                    input.tap_internal_key = internal_key(&value, t)?;
                }
                IN_TAP_SCRIPT_SIG => {
                    // The key data: the x-only key, then the leaf hash.
                    let bad_key = || Error::InvalidKey {
                        key_type: t,
                        len: key.len(),
                    };
                    let (xonly, leaf_hash) = key[1..].split_at_checked(32).ok_or_else(bad_key)?;
                    let xonly = x_only(xonly).ok_or_else(bad_key)?;
                    let leaf_hash = TapNodeHash(leaf_hash.try_into().map_err(|_| bad_key())?);
                    if !(value.len() == 64 || value.len() == 65) {
                        return Err(Error::InvalidValue(t));
                    }
                    input.tap_script_sigs.insert((xonly, leaf_hash), value);
                }
                IN_TAP_LEAF_SCRIPT => {
                    // A control block: 33 bytes and 32 per level.
                    if key.len() < 34 || (key.len() - 2) % 32 != 0 {
                        return Err(Error::InvalidKey {
                            key_type: t,
                            len: key.len(),
                        });
                    }
                    // The value: the script, then its leaf version.
                    let Some((&leaf_version, script)) = value.split_last() else {
                        return Err(Error::InvalidValue(t));
                    };
                    let leaf = (Script::from_slice(script), leaf_version);
                    input.tap_scripts.insert(key[1..].to_vec(), leaf);
                }
                IN_TAP_BIP32_DERIVATION => {
                    let xonly = x_only(&key[1..]).ok_or(Error::InvalidKey {
                        key_type: t,
                        len: key.len(),
                    })?;
                    let source = TapKeySource::parse(&value, t)?;
                    input.tap_bip32_derivation.insert(xonly, source);
                }
                IN_TAP_MERKLE_ROOT => {
                    bare(&key)?;
                    let root = array32(&value, t)?;
                    input.tap_merkle_root = (root != [0; 32]).then_some(TapNodeHash(root));
                }
                IN_MUSIG2_PARTICIPANT_PUBKEYS => {
                    let (aggregate, participants) = parse_participants(&key, &value)?;
                    input.musig2_participants.insert(aggregate, participants);
                }
                IN_MUSIG2_PUB_NONCE => {
                    let who = MuSig2Participant::parse(&key)?;
                    let nonce = value.try_into().map_err(|_| Error::InvalidValue(t))?;
                    // A key with an all-zero leaf hash names the same nonce as one without:
                    // the first read stays, as in Core (`emplace`).
                    input.musig2_pub_nonces.entry(who).or_insert(nonce);
                }
                IN_MUSIG2_PARTIAL_SIG => {
                    let who = MuSig2Participant::parse(&key)?;
                    let sig = array32(&value, t)?;
                    input.musig2_partial_sigs.entry(who).or_insert(sig);
                }
                _ => {
                    input.unknown.insert(key, value);
                }
            }
        }
        Ok(input)
    }

    /// The input map, in Core's order (`PSBTInput::Serialize`).
    pub(super) fn serialize_to(&self, out: &mut Vec<u8>) {
        if let Some(tx) = &self.non_witness_utxo {
            write_record(out, &[IN_NON_WITNESS_UTXO], &legacy_bytes(tx));
        }
        if let Some(utxo) = self.witness_utxo.as_ref().filter(|u| !is_null_txout(u)) {
            write_record(out, &[IN_WITNESS_UTXO], &serialize(utxo));
        }
        // A final input needs nothing more to be spent: Core leaves out what the
        // finalizer used.
        if !self.is_final() {
            self.serialize_signing_data(out);
        }
        if let Some(s) = self.final_script_sig.as_ref().filter(|s| !s.is_empty()) {
            write_record(out, &[IN_FINAL_SCRIPTSIG], s.as_bytes());
        }
        if let Some(w) = self.final_script_witness.as_ref().filter(|w| !w.is_empty()) {
            write_record(out, &[IN_FINAL_SCRIPTWITNESS], &serialize(w));
        }
        write_proprietary(out, &self.unknown);
        write_unknown(out, &self.unknown);
        out.push(0);
    }

    /// What signers and the finalizer work with, from the partial signatures to the
    /// MuSig2 records.
    fn serialize_signing_data(&self, out: &mut Vec<u8>) {
        // Core keeps signatures in a map keyed by the key's hash160 (`CKeyID`), and
        // writes them in that order.
        let mut sigs: Vec<(&Vec<u8>, &Vec<u8>)> = self.partial_sigs.iter().collect();
        sigs.sort_by_key(|(pk, _)| hash160(pk));
        for (pk, sig) in sigs {
            write_record(out, &keyed(IN_PARTIAL_SIG, pk), sig);
        }
        if let Some(sighash) = self.sighash_type {
            write_record(out, &[IN_SIGHASH_TYPE], &sighash.to_u32().to_le_bytes());
        }
        if let Some(s) = self.redeem_script.as_ref().filter(|s| !s.is_empty()) {
            write_record(out, &[IN_REDEEM_SCRIPT], s.as_bytes());
        }
        if let Some(s) = self.witness_script.as_ref().filter(|s| !s.is_empty()) {
            write_record(out, &[IN_WITNESS_SCRIPT], s.as_bytes());
        }
        for (pk, source) in &self.bip32_derivation {
            write_record(out, &keyed(IN_BIP32_DERIVATION, pk), &source.serialize());
        }
        for (hash, preimage) in &self.preimages {
            write_record(out, &keyed(hash.key_type(), hash.as_bytes()), preimage);
        }
        if let Some(sig) = &self.tap_key_sig {
            write_record(out, &[IN_TAP_KEY_SIG], sig);
        }
        // x-only keys order as their bytes do, so this is Core's order.
        for ((xonly, leaf_hash), sig) in &self.tap_script_sigs {
            let key = [
                &[IN_TAP_SCRIPT_SIG][..],
                &xonly.to_byte_array(),
                &leaf_hash.0,
            ]
            .concat();
            write_record(out, &key, sig);
        }
        // Core keys its leaf scripts by (script, leaf version), control blocks shortest
        // first, and writes them in that order.
        let mut leaves: Vec<(&Vec<u8>, &(Script, u8))> = self.tap_scripts.iter().collect();
        leaves.sort_by(
            |(cb_a, (script_a, version_a)), (cb_b, (script_b, version_b))| {
                (script_a.as_bytes(), version_a)
                    .cmp(&(script_b.as_bytes(), version_b))
                    .then(cb_a.len().cmp(&cb_b.len()))
                    .then(cb_a.cmp(cb_b))
            },
        );
        for (control_block, (script, leaf_version)) in leaves {
            let value = [script.as_bytes(), &[*leaf_version]].concat();
            write_record(out, &keyed(IN_TAP_LEAF_SCRIPT, control_block), &value);
        }
        for (xonly, source) in &self.tap_bip32_derivation {
            let key = keyed(IN_TAP_BIP32_DERIVATION, &xonly.to_byte_array());
            write_record(out, &key, &source.serialize());
        }
        write_internal_key(out, IN_TAP_INTERNAL_KEY, self.tap_internal_key);
        if let Some(root) = self.tap_merkle_root.filter(|r| r.0 != [0; 32]) {
            write_record(out, &[IN_TAP_MERKLE_ROOT], &root.0);
        }
        write_participants(
            out,
            IN_MUSIG2_PARTICIPANT_PUBKEYS,
            &self.musig2_participants,
        );
        for (who, nonce) in &self.musig2_pub_nonces {
            write_record(out, &who.key(IN_MUSIG2_PUB_NONCE), nonce);
        }
        for (who, sig) in &self.musig2_partial_sigs {
            write_record(out, &who.key(IN_MUSIG2_PARTIAL_SIG), sig);
        }
    }

    /// True once the finalizer has written a scriptSig or witness (a non-empty one, as
    /// Core asks: `PSBTInputSigned`).
    pub fn is_final(&self) -> bool {
        self.final_script_sig
            .as_ref()
            .is_some_and(|s| !s.is_empty())
            || self
                .final_script_witness
                .as_ref()
                .is_some_and(|w| !w.is_empty())
    }

    /// Everything is merged in; on a conflict the value already here stays (Core
    /// `PSBTInput::Merge`).
    pub(super) fn merge(&mut self, other: Input) {
        keep(&mut self.non_witness_utxo, other.non_witness_utxo);
        if self.witness_utxo.as_ref().is_none_or(is_null_txout) {
            self.witness_utxo = other.witness_utxo;
        }
        union(&mut self.partial_sigs, other.partial_sigs);
        keep(&mut self.sighash_type, other.sighash_type);
        keep_non_empty(
            &mut self.redeem_script,
            other.redeem_script,
            Script::is_empty,
        );
        keep_non_empty(
            &mut self.witness_script,
            other.witness_script,
            Script::is_empty,
        );
        union(&mut self.bip32_derivation, other.bip32_derivation);
        keep_non_empty(
            &mut self.final_script_sig,
            other.final_script_sig,
            Script::is_empty,
        );
        keep_non_empty(
            &mut self.final_script_witness,
            other.final_script_witness,
            Witness::is_empty,
        );
        union(&mut self.preimages, other.preimages);
        keep(&mut self.tap_key_sig, other.tap_key_sig);
        union(&mut self.tap_script_sigs, other.tap_script_sigs);
        merge_leaf_scripts(&mut self.tap_scripts, other.tap_scripts);
        union(&mut self.tap_bip32_derivation, other.tap_bip32_derivation);
        keep_internal_key(&mut self.tap_internal_key, other.tap_internal_key);
        keep_non_empty(&mut self.tap_merkle_root, other.tap_merkle_root, |r| {
            r.0 == [0; 32]
        });
        union(&mut self.musig2_participants, other.musig2_participants);
        union(&mut self.musig2_pub_nonces, other.musig2_pub_nonces);
        union(&mut self.musig2_partial_sigs, other.musig2_partial_sigs);
        union(&mut self.unknown, other.unknown);
    }
}

/// A script from a record's value; an empty one is Core's "none" (`CScript::empty`).
fn non_empty(value: Vec<u8>) -> Option<Script> {
    (!value.is_empty()).then(|| Script::from_bytes(value))
}

/// Core's "no output" (`CTxOut::IsNull`): an amount of -1, which Core's `CTxOut` starts
/// with. A witness UTXO record holding one is read, then neither merged nor written.
fn is_null_txout(utxo: &TxOut) -> bool {
    utxo.value.to_sat() == -1
}

/// Core keeps leaf scripts by leaf (`m_tap_scripts`: script and version to control
/// blocks) and merges by leaf: a leaf already known here keeps its control blocks, and
/// the other copy's control blocks for it are not added.
fn merge_leaf_scripts(
    mine: &mut BTreeMap<Vec<u8>, (Script, u8)>,
    theirs: BTreeMap<Vec<u8>, (Script, u8)>,
) {
    let known: Vec<(Script, u8)> = mine.values().cloned().collect();
    for (control_block, leaf) in theirs {
        if !known.contains(&leaf) {
            mine.entry(control_block).or_insert(leaf);
        }
    }
}
