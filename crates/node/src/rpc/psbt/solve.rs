//! What an input still needs, and its final scriptSig and witness when it needs nothing:
//! Core's `SignPSBTInput` driven without keys, as `finalizepsbt`, `analyzepsbt` and
//! `utxoupdatepsbt` drive it.
//!
//! Core answers all three with one routine: it tries to "sign" an input with a provider
//! that holds no secret key, so that the only signatures are those the PSBT carries, and
//! looks at what came out: a complete, verified scriptSig and witness (the input can be
//! finalized), or the key hashes, scripts and signatures that were missing. Estimating a
//! transaction's size runs it once more with a creator of dummy signatures (71 bytes for
//! ECDSA, 64 for Schnorr) that every check accepts. This is that routine, step for step
//! (`SignStep`, `ProduceSignature`, `FillSignatureData`, `FromSignatureData`), for the
//! templates Core's `Solver` knows and the taproot key path.
//!
//! Not yet as Core: taproot script paths and P2WSH scripts that are miniscript but no
//! template (Core satisfies both with its miniscript satisfier), and MuSig2 aggregation.
//! Such inputs stay incomplete here.
//!
//! References: Core `SignPSBTInput`, `PSBTInputSignedAndVerified`, `PrecomputePSBTData`
//! (src/psbt.cpp); `SignStep`, `ProduceSignature`, `SignTaproot`, `DummySignatureCreator`
//! (src/script/sign.cpp).

use std::collections::BTreeMap;

use sou_primitives::hashes::hash160;
use sou_primitives::script::Builder;
use sou_primitives::standard::{solver, Solution};
use sou_primitives::{opcodes, Script, Transaction, TxOut, Witness};
use sou_script::interpreter::{verify_script, SignatureChecker, TransactionChecker};
use sou_script::sighash::TaprootContext;
use sou_script::{PrecomputedTransactionData, ScriptError, SigVersion, SighashType, VerifyFlags};
use sou_wallet::psbt::{KeySource, Psbt, TapKeySource, XOnlyKey};

/// A public key's hash160 (Core `CKeyID`).
pub(super) type KeyId = [u8; 20];

/// What signing would draw on besides the PSBT: scripts and key origins (from
/// `utxoupdatepsbt`'s descriptors), never a secret key. Core's `HidingSigningProvider`.
#[derive(Debug, Default)]
pub(super) struct Provider {
    /// Redeem and witness scripts, found by hash.
    pub scripts: Vec<Script>,
    /// Public keys with their origins, found by key hash.
    pub keys: Vec<(Vec<u8>, KeySource)>,
    /// Taproot outputs the provider can explain: output key and internal key (Core's
    /// `TaprootSpendData`, without script trees).
    pub taproot: Vec<([u8; 32], [u8; 32])>,
}

impl Provider {
    fn script_by_hash160(&self, hash: &[u8; 20]) -> Option<&Script> {
        self.scripts.iter().find(|s| hash160(s.as_bytes()) == *hash)
    }

    fn key(&self, id: &KeyId) -> Option<&(Vec<u8>, KeySource)> {
        self.keys.iter().find(|(pk, _)| hash160(pk) == *id)
    }

    /// Core `GetKeyOriginByXOnly`: the origin of the compressed key with x coordinate
    /// `xonly`, the even one first (`XOnlyPubKey::GetKeyIDs`).
    fn origin_by_x_only(&self, xonly: &[u8; 32]) -> Option<&KeySource> {
        [0x02, 0x03].into_iter().find_map(|parity| {
            self.keys
                .iter()
                .find(|(pk, _)| pk.len() == 33 && pk[0] == parity && pk[1..] == xonly[..])
                .map(|(_, source)| source)
        })
    }
}

/// Which signatures a run may use: only those in the PSBT, checked against the
/// transaction, or dummies that every check accepts (size estimates).
pub(super) enum Creator<'a> {
    /// Core's `MutableTransactionSignatureCreator` without keys.
    Existing(&'a PrecomputedTransactionData),
    /// Core's `DUMMY_SIGNATURE_CREATOR`.
    Dummy,
}

/// Why `sign_input` stopped (Core `PSBTError`, the values these RPCs see).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Outcome {
    /// Complete (and final, when finalizing).
    Ok,
    /// Something is missing.
    Incomplete,
    /// A signature or the input's sighash field disagrees with the sighash to use.
    SighashMismatch,
    /// The spent output is unknown.
    MissingInputs,
}

/// What an input lacks (Core's `SignatureData::missing_*`).
#[derive(Debug, Default)]
pub(super) struct Missing {
    pub pubkeys: Vec<KeyId>,
    pub sigs: Vec<KeyId>,
    pub redeem_script: Option<[u8; 20]>,
    pub witness_script: Option<[u8; 32]>,
}

/// Core's `SignatureData`, the fields these runs use.
#[derive(Default)]
struct SigData {
    complete: bool,
    witness: bool,
    script_sig: Script,
    script_witness: Vec<Vec<u8>>,
    redeem_script: Option<Script>,
    witness_script: Option<Script>,
    signatures: BTreeMap<KeyId, (Vec<u8>, Vec<u8>)>,
    misc_pubkeys: BTreeMap<KeyId, (Vec<u8>, KeySource)>,
    tap_pubkeys: BTreeMap<KeyId, Vec<u8>>,
    tap_key_sig: Option<Vec<u8>>,
    tap_internal_key: Option<[u8; 32]>,
    /// Origins of x-only keys the run learnt (Core `taproot_misc_pubkeys`).
    tap_origins: BTreeMap<[u8; 32], KeySource>,
    missing: Missing,
}

/// The output input `index` spends (Core `PSBTInput::GetUTXO`; the parser checked that a
/// non-witness UTXO matches the outpoint).
pub(super) fn utxo(psbt: &Psbt, index: usize) -> Option<TxOut> {
    psbt.spent_output(index)
}

/// Core `PrecomputePSBTData`: with every spent output when all are known.
pub(super) fn precompute(psbt: &Psbt) -> PrecomputedTransactionData {
    let spent: Option<Vec<TxOut>> = (0..psbt.inputs.len()).map(|i| utxo(psbt, i)).collect();
    PrecomputedTransactionData::new(&psbt.unsigned_tx, spent.unwrap_or_default())
}

/// Core `PSBTInputSignedAndVerified`: the final scriptSig and witness unlock the output
/// under the standard flags. Without `txdata`, taproot signatures cannot be checked.
pub(super) fn signed_and_verified(
    psbt: &Psbt,
    index: usize,
    txdata: Option<&PrecomputedTransactionData>,
) -> bool {
    let Some(utxo) = utxo(psbt, index) else {
        return false;
    };
    let input = &psbt.inputs[index];
    let empty;
    let txdata = match txdata {
        Some(t) => t,
        None => {
            empty = PrecomputedTransactionData::new(&psbt.unsigned_tx, Vec::new());
            &empty
        }
    };
    let checker = TransactionChecker::new(&psbt.unsigned_tx, index, utxo.value, txdata);
    verify_script(
        &input.final_script_sig.clone().unwrap_or_default(),
        &utxo.script_pubkey,
        &input.final_script_witness.clone().unwrap_or_default(),
        VerifyFlags::STANDARD,
        &checker,
    )
    .is_ok()
}

/// Core `SignPSBTInput(provider, psbt, index, txdata, {sighash, finalize})`: fills what the
/// provider and the PSBT's own signatures allow into input `index`, finalizing it if
/// `finalize` and complete, and reports what is missing into `missing`.
pub(super) fn sign_input(
    psbt: &mut Psbt,
    index: usize,
    provider: &Provider,
    creator: &Creator<'_>,
    sighash: Option<u32>,
    finalize: bool,
    missing: Option<&mut Missing>,
) -> Outcome {
    let verified_with = match creator {
        Creator::Existing(txdata) => Some(*txdata),
        Creator::Dummy => None,
    };
    if signed_and_verified(psbt, index, verified_with) {
        return Outcome::Ok;
    }
    let Some(utxo) = utxo(psbt, index) else {
        return Outcome::MissingInputs;
    };
    // A witness UTXO cannot be checked against the outpoint: only a witness signature,
    // which commits to the amount, makes it safe.
    let require_witness_sig = psbt.inputs[index].non_witness_utxo.is_none();
    let is_taproot = utxo.script_pubkey.is_p2tr();
    let sighash = sighash.unwrap_or(if is_taproot { 0 } else { 1 });
    let input = &mut psbt.inputs[index];
    if input.sighash_type.is_some_and(|t| t.to_u32() != sighash) {
        return Outcome::SighashMismatch;
    }
    let is_default_or_all = if is_taproot {
        sighash == 0
    } else {
        sighash == 0 || sighash == 1
    };
    if !is_default_or_all {
        input.sighash_type = Some(SighashType::from_u32(sighash));
    }
    let last_is = |sig: &Vec<u8>| sig.last().map(|&b| u32::from(b)) == Some(sighash);
    let mismatch = if sighash == 0 {
        input.tap_key_sig.as_ref().is_some_and(|s| s.len() != 64)
            || input.tap_script_sigs.values().any(|s| s.len() != 64)
    } else {
        input
            .tap_key_sig
            .as_ref()
            .is_some_and(|s| s.len() != 65 || !last_is(s))
            || input
                .tap_script_sigs
                .values()
                .any(|s| s.len() != 65 || !last_is(s))
            || input.partial_sigs.values().any(|s| !last_is(s))
    };
    if mismatch {
        return Outcome::SighashMismatch;
    }

    let mut sigdata = fill_signature_data(psbt, index);
    let tx = psbt.unsigned_tx.clone();
    let solved = produce_signature(provider, creator, &tx, index, &utxo, &mut sigdata);
    if require_witness_sig && !sigdata.witness {
        return Outcome::Incomplete;
    }
    if !finalize {
        sigdata.complete = false;
    }
    from_signature_data(psbt, index, &sigdata);
    if sigdata.witness {
        psbt.inputs[index].witness_utxo = Some(utxo);
    }
    if let Some(out) = missing {
        *out = sigdata.missing;
    }
    if solved {
        Outcome::Ok
    } else {
        Outcome::Incomplete
    }
}

/// Core `UpdatePSBTOutput`: what a spend of output `index` would need, as far as the
/// provider knows it (redeem and witness scripts, key origins), added to its map.
pub(super) fn update_output(
    psbt: &mut Psbt,
    index: usize,
    provider: &Provider,
    txdata: &PrecomputedTransactionData,
) {
    let Some(txout) = psbt.unsigned_tx.output.get(index).cloned() else {
        return;
    };
    let output = &psbt.outputs[index];
    let mut sigdata = SigData {
        redeem_script: output.redeem_script.clone().filter(|s| !s.is_empty()),
        witness_script: output.witness_script.clone().filter(|s| !s.is_empty()),
        ..SigData::default()
    };
    for (pk, source) in &output.bip32_derivation {
        sigdata
            .misc_pubkeys
            .insert(hash160(pk), (pk.clone(), source.clone()));
    }
    let tx = psbt.unsigned_tx.clone();
    // Core signs a would-be spend of the output as input 0, only for what it learns.
    produce_signature(
        provider,
        &Creator::Existing(txdata),
        &tx,
        0,
        &txout,
        &mut sigdata,
    );
    let output = &mut psbt.outputs[index];
    if output.redeem_script.as_ref().is_none_or(Script::is_empty) {
        output.redeem_script = sigdata.redeem_script.clone();
    }
    if output.witness_script.as_ref().is_none_or(Script::is_empty) {
        output.witness_script = sigdata.witness_script.clone();
    }
    for (pk, source) in sigdata.misc_pubkeys.into_values() {
        output.bip32_derivation.entry(pk).or_insert(source);
    }
}

/// Core `PSBTInput::FillSignatureData`.
fn fill_signature_data(psbt: &Psbt, index: usize) -> SigData {
    let input = &psbt.inputs[index];
    let mut sigdata = SigData::default();
    if let Some(s) = input.final_script_sig.as_ref().filter(|s| !s.is_empty()) {
        sigdata.script_sig = s.clone();
        sigdata.complete = true;
    }
    if let Some(w) = input
        .final_script_witness
        .as_ref()
        .filter(|w| !w.is_empty())
    {
        sigdata.script_witness = w.to_vec();
        sigdata.complete = true;
    }
    if sigdata.complete {
        return sigdata;
    }
    for (pk, sig) in &input.partial_sigs {
        sigdata
            .signatures
            .insert(hash160(pk), (pk.clone(), sig.clone()));
    }
    sigdata.redeem_script = input.redeem_script.clone().filter(|s| !s.is_empty());
    sigdata.witness_script = input.witness_script.clone().filter(|s| !s.is_empty());
    for (pk, source) in &input.bip32_derivation {
        sigdata
            .misc_pubkeys
            .entry(hash160(pk))
            .or_insert_with(|| (pk.clone(), source.clone()));
    }
    sigdata.tap_key_sig = input.tap_key_sig.clone();
    sigdata.tap_internal_key = input.tap_internal_key.map(XOnlyKey::to_byte_array);
    for xonly in input.tap_bip32_derivation.keys() {
        let bytes = xonly.to_byte_array();
        let mut even = vec![0x02];
        even.extend_from_slice(&bytes);
        sigdata.tap_pubkeys.insert(hash160(&bytes), even);
    }
    sigdata
}

/// Core `PSBTInput::FromSignatureData`: a complete input keeps only its final scripts (and
/// what Core never clears); an incomplete one gains what the run found.
fn from_signature_data(psbt: &mut Psbt, index: usize, sigdata: &SigData) {
    let input = &mut psbt.inputs[index];
    if sigdata.complete {
        input.partial_sigs.clear();
        input.bip32_derivation.clear();
        input.redeem_script = None;
        input.witness_script = None;
        if !sigdata.script_sig.is_empty() {
            input.final_script_sig = Some(sigdata.script_sig.clone());
        }
        if !sigdata.script_witness.is_empty() {
            input.final_script_witness = Some(Witness::from_items(&sigdata.script_witness));
        }
        return;
    }
    for (pk, sig) in sigdata.signatures.values() {
        input
            .partial_sigs
            .entry(pk.clone())
            .or_insert_with(|| sig.clone());
    }
    if input.redeem_script.as_ref().is_none_or(Script::is_empty) {
        if let Some(s) = &sigdata.redeem_script {
            input.redeem_script = Some(s.clone());
        }
    }
    if input.witness_script.as_ref().is_none_or(Script::is_empty) {
        if let Some(s) = &sigdata.witness_script {
            input.witness_script = Some(s.clone());
        }
    }
    for (pk, source) in sigdata.misc_pubkeys.values() {
        input
            .bip32_derivation
            .entry(pk.clone())
            .or_insert_with(|| source.clone());
    }
    if let Some(sig) = &sigdata.tap_key_sig {
        input.tap_key_sig = Some(sig.clone());
    }
    if let Some(key) = sigdata.tap_internal_key.filter(|k| *k != [0; 32]) {
        input.tap_internal_key = Some(XOnlyKey::from_byte_array(key));
    }
    for (xonly, source) in &sigdata.tap_origins {
        input
            .tap_bip32_derivation
            .entry(XOnlyKey::from_byte_array(*xonly))
            .or_insert_with(|| TapKeySource {
                leaf_hashes: Default::default(),
                source: source.clone(),
            });
    }
}

/// Core `ProduceSignature`.
fn produce_signature(
    provider: &Provider,
    creator: &Creator<'_>,
    tx: &Transaction,
    index: usize,
    utxo: &TxOut,
    sigdata: &mut SigData,
) -> bool {
    if sigdata.complete {
        return true;
    }
    let ctx = StepContext { provider, creator };
    let mut result = Vec::new();
    let (mut solved, mut kind) = ctx.sign_step(&utxo.script_pubkey, &mut result, sigdata);
    let mut subscript = None;
    if solved && kind == Kind::ScriptHash {
        let redeem = Script::from_slice(result.first().map(Vec::as_slice).unwrap_or_default());
        sigdata.redeem_script = Some(redeem.clone());
        let (ok, inner) = ctx.sign_step(&redeem, &mut result, sigdata);
        solved = ok && inner != Kind::ScriptHash;
        kind = inner;
        subscript = Some(redeem);
    }
    if solved && kind == Kind::WitnessKeyHash {
        let hash: [u8; 20] = result
            .first()
            .and_then(|h| h.as_slice().try_into().ok())
            .unwrap_or_default();
        let (ok, _) = ctx.sign_step(&Script::p2pkh(&hash), &mut result, sigdata);
        solved = ok;
        sigdata.script_witness = std::mem::take(&mut result);
        sigdata.witness = true;
    } else if solved && kind == Kind::WitnessScriptHash {
        let ws = Script::from_slice(result.first().map(Vec::as_slice).unwrap_or_default());
        sigdata.witness_script = Some(ws.clone());
        let (ok, inner) = ctx.sign_step(&ws, &mut result, sigdata);
        solved = ok
            && !matches!(
                inner,
                Kind::ScriptHash | Kind::WitnessScriptHash | Kind::WitnessKeyHash
            );
        result.push(ws.as_bytes().to_vec());
        sigdata.script_witness = std::mem::take(&mut result);
        sigdata.witness = true;
    } else if kind == Kind::Taproot && subscript.is_none() {
        sigdata.witness = true;
        if solved {
            sigdata.script_witness = std::mem::take(&mut result);
        }
        result.clear();
    } else if solved && kind == Kind::WitnessUnknown {
        sigdata.witness = true;
    }
    if !sigdata.witness {
        sigdata.script_witness.clear();
    }
    if let Some(redeem) = subscript {
        result.push(redeem.as_bytes().to_vec());
    }
    sigdata.script_sig = push_all(&result);
    let witness = Witness::from_items(&sigdata.script_witness);
    let verified = match creator {
        Creator::Existing(txdata) => {
            let checker = TransactionChecker::new(tx, index, utxo.value, txdata);
            verify(sigdata, &utxo.script_pubkey, &witness, &checker)
        }
        Creator::Dummy => verify(sigdata, &utxo.script_pubkey, &witness, &AcceptAll),
    };
    sigdata.complete = solved && verified;
    sigdata.complete
}

fn verify<C: SignatureChecker>(
    sigdata: &SigData,
    script_pubkey: &Script,
    witness: &Witness,
    checker: &C,
) -> bool {
    verify_script(
        &sigdata.script_sig,
        script_pubkey,
        witness,
        VerifyFlags::STANDARD,
        checker,
    )
    .is_ok()
}

/// Core `PushAll`: small numbers as their opcodes, everything else as pushes.
fn push_all(values: &[Vec<u8>]) -> Script {
    let mut b = Builder::new();
    for v in values {
        b = match v.as_slice() {
            [] => b.push_opcode(opcodes::OP_0),
            [n @ 1..=16] => b.push_int(i64::from(*n)),
            [0x81] => b.push_int(-1),
            data => b.push_slice(data),
        };
    }
    b.into_script()
}

/// The template `SignStep` found (Core `TxoutType`, the cases it tells apart).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Other,
    ScriptHash,
    WitnessKeyHash,
    WitnessScriptHash,
    Taproot,
    WitnessUnknown,
}

struct StepContext<'a> {
    provider: &'a Provider,
    creator: &'a Creator<'a>,
}

impl StepContext<'_> {
    /// Core `SignStep`: the stack that satisfies `script`, and its template.
    fn sign_step(
        &self,
        script: &Script,
        ret: &mut Vec<Vec<u8>>,
        sigdata: &mut SigData,
    ) -> (bool, Kind) {
        ret.clear();
        match solver(script) {
            Solution::NonStandard | Solution::NullData => (false, Kind::Other),
            Solution::WitnessUnknown { .. } => (false, Kind::WitnessUnknown),
            Solution::PubKey { pubkey } => match self.create_sig(sigdata, pubkey) {
                Some(sig) => {
                    ret.push(sig);
                    (true, Kind::Other)
                }
                None => (false, Kind::Other),
            },
            Solution::PubKeyHash { hash } => {
                let Some(pubkey) = self.pubkey(sigdata, hash) else {
                    sigdata.missing.pubkeys.push(*hash);
                    return (false, Kind::Other);
                };
                match self.create_sig(sigdata, &pubkey) {
                    Some(sig) => {
                        ret.push(sig);
                        ret.push(pubkey);
                        (true, Kind::Other)
                    }
                    None => (false, Kind::Other),
                }
            }
            Solution::ScriptHash { hash } => match self.script(sigdata, hash) {
                Some(s) => {
                    ret.push(s.as_bytes().to_vec());
                    (true, Kind::ScriptHash)
                }
                None => {
                    sigdata.missing.redeem_script = Some(*hash);
                    (false, Kind::ScriptHash)
                }
            },
            Solution::Multisig { required, pubkeys } => {
                let required = usize::from(required);
                ret.push(Vec::new());
                for pk in pubkeys {
                    // Every key is tried, so that every signature the PSBT holds is seen.
                    if let Some(sig) = self.create_sig(sigdata, pk) {
                        if ret.len() < required + 1 {
                            ret.push(sig);
                        }
                    }
                }
                let ok = ret.len() == required + 1;
                while ret.len() < required + 1 {
                    ret.push(Vec::new());
                }
                (ok, Kind::Other)
            }
            Solution::WitnessV0KeyHash { hash } => {
                ret.push(hash.to_vec());
                (true, Kind::WitnessKeyHash)
            }
            Solution::WitnessV0ScriptHash { hash } => {
                let ripemd = sou_primitives::hashes::ripemd160(hash);
                match self.script(sigdata, &ripemd) {
                    Some(s) => {
                        ret.push(s.as_bytes().to_vec());
                        (true, Kind::WitnessScriptHash)
                    }
                    None => {
                        sigdata.missing.witness_script = Some(*hash);
                        (false, Kind::WitnessScriptHash)
                    }
                }
            }
            Solution::WitnessV1Taproot { output_key } => {
                // Core `SignTaproot`: what the provider knows of the output, then the
                // origins of the internal and output keys.
                if let Some((_, internal)) =
                    self.provider.taproot.iter().find(|(o, _)| o == output_key)
                {
                    if sigdata.tap_internal_key.is_none() {
                        sigdata.tap_internal_key = Some(*internal);
                    }
                }
                for xonly in sigdata.tap_internal_key.into_iter().chain([*output_key]) {
                    if let Some(source) = self.provider.origin_by_x_only(&xonly) {
                        sigdata
                            .tap_origins
                            .entry(xonly)
                            .or_insert_with(|| source.clone());
                    }
                }
                // The key path only: the PSBT's key-path signature, or a dummy.
                if sigdata.tap_key_sig.is_none() {
                    if let Creator::Dummy = self.creator {
                        sigdata.tap_key_sig = Some(vec![0; 64]);
                    }
                }
                match &sigdata.tap_key_sig {
                    Some(sig) => {
                        ret.push(sig.clone());
                        (true, Kind::Taproot)
                    }
                    None => (false, Kind::Taproot),
                }
            }
            Solution::Anchor => (true, Kind::Other),
        }
    }

    /// Core `GetCScript`: a script whose hash160 (`CScriptID`) is `hash`, from the
    /// provider or the input's own redeem or witness script.
    fn script(&self, sigdata: &SigData, hash: &[u8; 20]) -> Option<Script> {
        if let Some(s) = self.provider.script_by_hash160(hash) {
            return Some(s.clone());
        }
        [&sigdata.redeem_script, &sigdata.witness_script]
            .into_iter()
            .flatten()
            .find(|s| hash160(s.as_bytes()) == *hash)
            .cloned()
    }

    /// Core `GetPubKey`: the key hashing to `id`, from signatures, key origins, taproot
    /// key origins, then the provider.
    fn pubkey(&self, sigdata: &SigData, id: &KeyId) -> Option<Vec<u8>> {
        if let Some((pk, _)) = sigdata.signatures.get(id) {
            return Some(pk.clone());
        }
        if let Some((pk, _)) = sigdata.misc_pubkeys.get(id) {
            return Some(pk.clone());
        }
        if let Some(pk) = sigdata.tap_pubkeys.get(id) {
            return Some(pk.clone());
        }
        self.provider.key(id).map(|(pk, _)| pk.clone())
    }

    /// Core `CreateSig`: the PSBT's signature by `pubkey`, or a dummy; the key's origin
    /// is noted when the provider knows it, the key hash when there is no signature.
    fn create_sig(&self, sigdata: &mut SigData, pubkey: &[u8]) -> Option<Vec<u8>> {
        let id = hash160(pubkey);
        if let Some((_, sig)) = sigdata.signatures.get(&id) {
            return Some(sig.clone());
        }
        if let Some((pk, source)) = self.provider.key(&id) {
            sigdata
                .misc_pubkeys
                .entry(id)
                .or_insert_with(|| (pk.clone(), source.clone()));
        }
        match self.creator {
            Creator::Dummy => {
                let sig = dummy_ecdsa_signature();
                sigdata
                    .signatures
                    .insert(id, (pubkey.to_vec(), sig.clone()));
                Some(sig)
            }
            Creator::Existing(_) => {
                sigdata.missing.sigs.push(id);
                None
            }
        }
    }
}

/// Core's `DUMMY_SIGNATURE_CREATOR`, `DummySignatureCreator(32, 32)`: a valid DER
/// encoding of the usual size (71 bytes with the sighash byte).
fn dummy_ecdsa_signature() -> Vec<u8> {
    const R_LEN: u8 = 32;
    const S_LEN: u8 = 32;
    let (r, s) = (usize::from(R_LEN), usize::from(S_LEN));
    let mut sig = vec![0u8; r + s + 7];
    sig[0] = 0x30;
    sig[1] = R_LEN + S_LEN + 4;
    sig[2] = 0x02;
    sig[3] = R_LEN;
    sig[4] = 0x01;
    sig[4 + r] = 0x02;
    sig[5 + r] = S_LEN;
    sig[6 + r] = 0x01;
    sig[6 + r + s] = 0x01;
    sig
}

/// Core `DUMMY_CHECKER`: every signature and lock passes.
struct AcceptAll;

impl SignatureChecker for AcceptAll {
    fn check_ecdsa_signature(&self, _: &[u8], _: &[u8], _: &[u8], _: SigVersion) -> bool {
        true
    }
    fn check_schnorr_signature(
        &self,
        _: &[u8],
        _: &[u8],
        _: SigVersion,
        _: &TaprootContext,
    ) -> Result<(), ScriptError> {
        Ok(())
    }
    fn check_lock_time(&self, _: i64) -> bool {
        true
    }
    fn check_sequence(&self, _: i64) -> bool {
        true
    }
}
