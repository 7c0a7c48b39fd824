//! Signature hashes: what exactly a signature signs.
//!
//! A signature cannot sign the transaction as it is, since it is part of it. So each
//! input's signature commits to a digest of the transaction computed in a defined way,
//! the *sighash*, whose last byte (the sighash type) says which parts are covered:
//! `ALL` outputs, `NONE`, or the `SINGLE` output at the same index, and with
//! `ANYONECANPAY` only this input. [`SighashType`] holds it, and says how each algorithm
//! reads it.
//!
//! Three algorithms exist:
//!
//! - **Legacy** (before segwit): a modified copy of the transaction, with the spent
//!   script in this input's `script_sig` (minus `OP_CODESEPARATOR`s), is serialised and
//!   hashed. It has two famous accidents, kept here exactly: `SINGLE` with no output at
//!   that index signs the number 1, and hashing every input re-serialises the whole
//!   transaction, quadratic in its size.
//! - **BIP143** (segwit v0): a fixed-size preimage built from hashes of all prevouts,
//!   sequences and outputs, computed once per transaction, and the amount spent (so
//!   hardware wallets can know the fee).
//! - **BIP341** (taproot): tagged SHA-256 of a message committing also to every spent
//!   amount and script, the annex, and in tapscript the leaf and the last executed
//!   `OP_CODESEPARATOR` position.
//!
//! [`PrecomputedTransactionData`] holds the per-transaction hashes so that hashing for all
//! N inputs costs O(N) for BIP143 and BIP341.
//!
//! References: Core `src/script/interpreter.cpp` (`SignatureHash`,
//! `CTransactionSignatureSerializer`, `SignatureHashSchnorr`, `PrecomputedTransactionData`);
//! BIP143 "Specification"; BIP341 "Common signature message"; BIP342 "Signature validation".

use core::fmt;

use sou_primitives::encoding::{write_compact_size, Encode, WriteBytes};
use sou_primitives::hashes::{Sha256Engine, TaggedEngine};
use sou_primitives::{Amount, Transaction, TxOut};

/// The sighash type: which parts of the transaction a signature commits to.
///
/// Its low bits name the outputs signed ([`SighashBase`]): `ALL` (1), `NONE` (2), or
/// `SINGLE` (3), the output at the signed input's own index. The `ANYONECANPAY` bit (0x80)
/// narrows the inputs signed to this one, so that others may add theirs. An ECDSA
/// signature carries the type as its last byte; a Schnorr signature as a 65th byte, or
/// not at all for `DEFAULT`.
///
/// The three algorithms read it differently, and this one type holds what each needs:
///
/// - **Legacy and BIP143** commit to all 32 bits: Core's `int nHashType`, written as the
///   last 4 bytes of the preimage (BIP143 "Specification", item 10). Every value is
///   accepted. The interpreter widens the signature's last byte ([`from_sig_byte`]); Core's
///   `sighash.json` tries arbitrary 32-bit values. Only the low five bits and the
///   `ANYONECANPAY` bit choose what is signed ([`base`], [`anyone_can_pay`]); the other
///   bits change the hash, nothing else.
/// - **Policy** (`STRICTENC`) asks an ECDSA signature for one of the six defined types,
///   `ALL`, `NONE` or `SINGLE`, each with or without `ANYONECANPAY` ([`is_defined`]).
/// - **BIP341** accepts those six and `DEFAULT` (0x00, which signs like `ALL`), and
///   commits to one byte ([`to_taproot_byte`], which refuses the rest).
///
/// ```
/// use sou_script::sighash::{SighashBase, SighashType};
///
/// let t = SighashType::from_sig_byte(0x83);
/// assert_eq!(t, SighashType::SINGLE_ANYONECANPAY);
/// assert_eq!((t.base(), t.anyone_can_pay()), (SighashBase::Single, true));
/// // Legacy signs like ALL with an undefined type; policy and BIP341 refuse it.
/// let odd = SighashType::from_u32(0x21);
/// assert_eq!(odd.base(), SighashBase::All);
/// assert!(!odd.is_defined() && odd.to_taproot_byte().is_none());
/// ```
///
/// References: Core `src/script/interpreter.h` (`SIGHASH_ALL` …, `SIGHASH_OUTPUT_MASK`),
/// `src/script/interpreter.cpp` (`SignatureHash`, `IsDefinedHashtypeSignature`,
/// `SignatureHashSchnorr`); BIP341 "Signature validation rules".
///
/// [`from_sig_byte`]: SighashType::from_sig_byte
/// [`base`]: SighashType::base
/// [`anyone_can_pay`]: SighashType::anyone_can_pay
/// [`is_defined`]: SighashType::is_defined
/// [`to_taproot_byte`]: SighashType::to_taproot_byte
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SighashType(u32);

/// The outputs a signature commits to: the base of its [`SighashType`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SighashBase {
    /// Every output.
    All,
    /// No output: whoever completes the transaction may send the coins anywhere.
    None,
    /// The output at the signed input's index.
    Single,
}

impl SighashType {
    /// BIP341 only: no sighash byte in the signature; signs like `ALL`.
    pub const DEFAULT: SighashType = SighashType(0x00);
    /// Sign every input and every output.
    pub const ALL: SighashType = SighashType(0x01);
    /// Sign every input and no output.
    pub const NONE: SighashType = SighashType(0x02);
    /// Sign every input and the output at this input's index.
    pub const SINGLE: SighashType = SighashType(0x03);
    /// Sign this input only, and every output.
    pub const ALL_ANYONECANPAY: SighashType = SighashType(0x81);
    /// Sign this input only, and no output.
    pub const NONE_ANYONECANPAY: SighashType = SighashType(0x82);
    /// Sign this input only, and the output at its index.
    pub const SINGLE_ANYONECANPAY: SighashType = SighashType(0x83);

    /// The `ANYONECANPAY` bit (Core `SIGHASH_ANYONECANPAY`).
    const ANYONECANPAY_BIT: u32 = 0x80;
    /// The bits legacy and BIP143 read the base from (Core's `nHashType & 0x1f`).
    const LEGACY_BASE_MASK: u32 = 0x1f;

    /// Any 32-bit type, as the legacy and BIP143 hashes take it (Core `int nHashType`,
    /// the same bits read unsigned).
    pub const fn from_u32(value: u32) -> SighashType {
        SighashType(value)
    }

    /// The 32 bits the legacy and BIP143 hashes commit to, and a PSBT stores.
    pub const fn to_u32(self) -> u32 {
        self.0
    }

    /// The type an ECDSA or 65-byte Schnorr signature ends with: its last byte, widened
    /// (Core `CheckECDSASignature`, `int nHashType = vchSig.back()`).
    pub const fn from_sig_byte(byte: u8) -> SighashType {
        SighashType(byte as u32)
    }

    /// The byte appended to a signature: the type's low byte. A type above 0xff does not
    /// fit, and is cut as Core's `CreateSig` cuts it; such a signature never verifies,
    /// since its hash committed to bits the byte has lost.
    pub const fn to_sig_byte(self) -> u8 {
        self.0.to_le_bytes()[0]
    }

    /// The outputs signed, as legacy and BIP143 decide it: the low five bits equal to
    /// `NONE` (2) or `SINGLE` (3) name those, any other value signs all outputs (Core
    /// `SignatureHash`). For the types BIP341 accepts this is its `hash_type & 3`, with
    /// `DEFAULT` signing all.
    pub const fn base(self) -> SighashBase {
        match self.0 & Self::LEGACY_BASE_MASK {
            2 => SighashBase::None,
            3 => SighashBase::Single,
            _ => SighashBase::All,
        }
    }

    /// True when the signature commits to its own input only (the 0x80 bit), in all
    /// three algorithms.
    pub const fn anyone_can_pay(self) -> bool {
        self.0 & Self::ANYONECANPAY_BIT != 0
    }

    /// One of the six types policy allows in ECDSA signatures: without the
    /// `ANYONECANPAY` bit, `ALL`, `NONE` or `SINGLE` (Core `IsDefinedHashtypeSignature`).
    pub const fn is_defined(self) -> bool {
        matches!(self.0 & !Self::ANYONECANPAY_BIT, 1..=3)
    }

    /// The byte BIP341 commits to, or `None` for a type it refuses: only `DEFAULT` and
    /// the six defined types, 0x00-0x03 and 0x81-0x83, are valid (BIP341 "Signature
    /// validation rules"; Core `SignatureHashSchnorr`).
    pub const fn to_taproot_byte(self) -> Option<u8> {
        match self.0 {
            // The match bounds the value to one byte.
            0x00..=0x03 | 0x81..=0x83 => Some(self.to_sig_byte()),
            _ => None,
        }
    }
}

impl fmt::Debug for SighashType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SighashType({:#04x})", self.0)
    }
}

impl fmt::LowerHex for SighashType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::LowerHex::fmt(&self.0, f)
    }
}

/// A 32-byte signature hash, shown reversed like other hashes in Core's test vectors.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Sighash(pub [u8; 32]);

impl Sighash {
    /// The legacy "one" hash: `SIGHASH_SINGLE` without a matching output signs this.
    pub const ONE: Sighash = {
        let mut one = [0u8; 32];
        one[0] = 1;
        Sighash(one)
    };
}

impl fmt::Display for Sighash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0.iter().rev() {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Sighash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sighash({self})")
    }
}

/// Which script semantics, and so which sighash, apply (Core `SigVersion`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SigVersion {
    /// Legacy scripts and P2SH.
    Base,
    /// Segwit version 0 (BIP143).
    WitnessV0,
    /// Taproot key path (BIP341).
    Taproot,
    /// Taproot script path, leaf version 0xc0 (BIP342).
    Tapscript,
}

/// Hashes computed once per transaction (Core `PrecomputedTransactionData`).
#[derive(Debug, Clone)]
pub struct PrecomputedTransactionData {
    /// Single SHA-256 of all prevouts, sequences, outputs (BIP341 uses them as they are,
    /// BIP143 hashes them once more).
    prevouts_single: [u8; 32],
    sequences_single: [u8; 32],
    outputs_single: [u8; 32],
    hash_prevouts: [u8; 32],
    hash_sequence: [u8; 32],
    hash_outputs: [u8; 32],
    /// BIP341 data, when every spent output is known.
    spent: Option<SpentData>,
}

#[derive(Debug, Clone)]
struct SpentData {
    outputs: Vec<TxOut>,
    amounts_single: [u8; 32],
    scripts_single: [u8; 32],
}

fn sha256_of<T, F: Fn(&mut Sha256Engine, &T)>(items: &[T], write: F) -> [u8; 32] {
    let mut engine = Sha256Engine::new();
    for item in items {
        write(&mut engine, item);
    }
    engine.finish()
}

fn sha256(data: &[u8; 32]) -> [u8; 32] {
    sou_primitives::hashes::sha256(data)
}

impl PrecomputedTransactionData {
    /// Precomputes for `tx`; `spent_outputs` (one per input, in order) enables BIP341
    /// hashes, which commit to every spent amount and script. Pass an empty vector when they
    /// are unknown: taproot signatures then fail to check.
    pub fn new(tx: &Transaction, spent_outputs: Vec<TxOut>) -> PrecomputedTransactionData {
        let prevouts_single = sha256_of(&tx.input, |e, i| i.previous_output.encode_to(e));
        let sequences_single =
            sha256_of(&tx.input, |e, i| e.write_bytes(&i.sequence.to_le_bytes()));
        let outputs_single = sha256_of(&tx.output, |e, o| o.encode_to(e));
        let spent =
            (spent_outputs.len() == tx.input.len() && !spent_outputs.is_empty()).then(|| {
                SpentData {
                    amounts_single: sha256_of(&spent_outputs, |e, o| {
                        e.write_bytes(&o.value.to_sat().to_le_bytes())
                    }),
                    scripts_single: sha256_of(&spent_outputs, |e, o| o.script_pubkey.encode_to(e)),
                    outputs: spent_outputs,
                }
            });
        PrecomputedTransactionData {
            hash_prevouts: sha256(&prevouts_single),
            hash_sequence: sha256(&sequences_single),
            hash_outputs: sha256(&outputs_single),
            prevouts_single,
            sequences_single,
            outputs_single,
            spent,
        }
    }

    /// The output spent by input `index`, when known.
    pub fn spent_output(&self, index: usize) -> Option<&TxOut> {
        self.spent.as_ref()?.outputs.get(index)
    }

    /// BIP341 `sha_prevouts`: single SHA-256 of every outpoint.
    pub fn sha_prevouts(&self) -> [u8; 32] {
        self.prevouts_single
    }

    /// BIP341 `sha_sequences`.
    pub fn sha_sequences(&self) -> [u8; 32] {
        self.sequences_single
    }

    /// BIP341 `sha_outputs`.
    pub fn sha_outputs(&self) -> [u8; 32] {
        self.outputs_single
    }

    /// BIP341 `sha_amounts`, when the spent outputs are known.
    pub fn sha_amounts(&self) -> Option<[u8; 32]> {
        Some(self.spent.as_ref()?.amounts_single)
    }

    /// BIP341 `sha_scriptpubkeys`, when the spent outputs are known.
    pub fn sha_scriptpubkeys(&self) -> Option<[u8; 32]> {
        Some(self.spent.as_ref()?.scripts_single)
    }

    /// BIP143 `hashPrevouts`, `hashSequence`, `hashOutputs` (double SHA-256).
    pub fn bip143_hashes(&self) -> [[u8; 32]; 3] {
        [self.hash_prevouts, self.hash_sequence, self.hash_outputs]
    }
}

/// Writes a script code skipping `OP_CODESEPARATOR`s, exactly as Core's
/// `SerializeScriptCode` (including its behaviour on a malformed push: the length written
/// counts every byte, the bytes written stop where parsing stopped).
fn write_script_code_without_codeseparators<W: WriteBytes>(w: &mut W, script_code: &[u8]) {
    let separators = core_ops(script_code).filter(|op| op.opcode == 0xab).count();
    write_compact_size(w, (script_code.len() - separators) as u64);
    let mut start = 0;
    let mut end = 0;
    for op in core_ops(script_code) {
        end = op.end;
        if op.opcode == 0xab {
            w.write_bytes(&script_code[start..op.end - 1]);
            start = op.end;
        }
    }
    if start != script_code.len() {
        // After a malformed push Core's iterator has moved past the opcode and any length
        // bytes it could read; it writes up to there.
        let stop = core_ops_stop(script_code).max(end);
        w.write_bytes(&script_code[start..stop.max(start)]);
    }
}

/// One step of Core's `GetScriptOp`.
pub(crate) struct CoreOp {
    pub(crate) opcode: u8,
    pub(crate) data: (usize, usize),
    /// Position after the instruction.
    pub(crate) end: usize,
}

/// Core's `GetScriptOp` loop: instructions until the end or the first malformed push.
pub(crate) fn core_ops(script: &[u8]) -> impl Iterator<Item = CoreOp> + '_ {
    let mut pc = 0;
    std::iter::from_fn(move || {
        let (op, next) = core_get_op(script, pc).ok()?;
        pc = next;
        Some(op)
    })
}

/// Where Core's iterator stands after the loop of [`core_ops`] stops.
fn core_ops_stop(script: &[u8]) -> usize {
    let mut pc = 0;
    loop {
        match core_get_op(script, pc) {
            Ok((_, next)) => pc = next,
            Err(stop) => return stop,
        }
    }
}

/// Reads one instruction at `pc`: `Ok((op, next_pc))`, or `Err(pc_after_failure)`, where
/// the failure position is what Core's iterator is left at.
pub(crate) fn core_get_op(script: &[u8], mut pc: usize) -> Result<(CoreOp, usize), usize> {
    let Some(&opcode) = script.get(pc) else {
        return Err(pc);
    };
    pc += 1;
    if opcode > 0x4e {
        return Ok((
            CoreOp {
                opcode,
                data: (pc, pc),
                end: pc,
            },
            pc,
        ));
    }
    let size = match opcode {
        0x4c => {
            let Some(&n) = script.get(pc) else {
                return Err(pc);
            };
            pc += 1;
            usize::from(n)
        }
        0x4d => {
            let Some(n) = script.get(pc..pc + 2) else {
                return Err(pc);
            };
            pc += 2;
            usize::from(u16::from_le_bytes([n[0], n[1]]))
        }
        0x4e => {
            let Some(n) = script.get(pc..pc + 4) else {
                return Err(pc);
            };
            pc += 4;
            u32::from_le_bytes([n[0], n[1], n[2], n[3]]) as usize
        }
        n => usize::from(n),
    };
    if script.len() - pc < size {
        return Err(pc);
    }
    let op = CoreOp {
        opcode,
        data: (pc, pc + size),
        end: pc + size,
    };
    Ok((op, pc + size))
}

/// The legacy signature hash (Core `SignatureHash` with `SigVersion::BASE`).
///
/// `hash_type` is the full 32-bit value (the sighash byte in scripts, widened; any value
/// in Core's `sighash.json`).
///
/// # Panics
///
/// If `input_index` is not an input of `tx`.
pub fn legacy_sighash(
    script_code: &[u8],
    tx: &Transaction,
    input_index: usize,
    hash_type: SighashType,
) -> Sighash {
    let single = hash_type.base() == SighashBase::Single;
    let none = hash_type.base() == SighashBase::None;
    let anyone_can_pay = hash_type.anyone_can_pay();
    // The SINGLE bug: no output at this index signs the constant 1.
    if single && input_index >= tx.output.len() {
        return Sighash::ONE;
    }
    let mut e = Sha256Engine::new();
    e.write_bytes(&tx.version.to_le_bytes());
    let inputs: Vec<usize> = if anyone_can_pay {
        vec![input_index]
    } else {
        (0..tx.input.len()).collect()
    };
    write_compact_size(&mut e, inputs.len() as u64);
    for i in inputs {
        let input = &tx.input[i];
        input.previous_output.encode_to(&mut e);
        if i == input_index {
            write_script_code_without_codeseparators(&mut e, script_code);
        } else {
            e.write_bytes(&[0]);
        }
        let sequence = if i != input_index && (single || none) {
            0
        } else {
            input.sequence
        };
        e.write_bytes(&sequence.to_le_bytes());
    }
    let outputs = if none {
        0
    } else if single {
        input_index + 1
    } else {
        tx.output.len()
    };
    write_compact_size(&mut e, outputs as u64);
    for (i, output) in tx.output.iter().enumerate().take(outputs) {
        if single && i != input_index {
            // A blank output: value -1, empty script (Core's `CTxOut()`).
            e.write_bytes(&(-1i64).to_le_bytes());
            e.write_bytes(&[0]);
        } else {
            output.encode_to(&mut e);
        }
    }
    e.write_bytes(&tx.lock_time.to_le_bytes());
    e.write_bytes(&hash_type.to_u32().to_le_bytes());
    Sighash(e.finish_double())
}

/// The BIP143 signature hash (segwit v0). `amount` is the value of the output spent,
/// which the signature commits to (BIP143 "Specification", item 6).
///
/// # Panics
///
/// If `input_index` is not an input of `tx`.
pub fn segwit_v0_sighash(
    script_code: &[u8],
    tx: &Transaction,
    input_index: usize,
    hash_type: SighashType,
    amount: Amount,
    cache: &PrecomputedTransactionData,
) -> Sighash {
    let base = hash_type.base();
    let anyone_can_pay = hash_type.anyone_can_pay();
    let single_or_none = base != SighashBase::All;
    let zero = [0u8; 32];
    let hash_prevouts = if anyone_can_pay {
        zero
    } else {
        cache.hash_prevouts
    };
    let hash_sequence = if anyone_can_pay || single_or_none {
        zero
    } else {
        cache.hash_sequence
    };
    let hash_outputs = if !single_or_none {
        cache.hash_outputs
    } else if base == SighashBase::Single && input_index < tx.output.len() {
        let mut e = Sha256Engine::new();
        tx.output[input_index].encode_to(&mut e);
        e.finish_double()
    } else {
        zero
    };
    let input = &tx.input[input_index];
    let mut e = Sha256Engine::new();
    e.write_bytes(&tx.version.to_le_bytes());
    e.write_bytes(&hash_prevouts);
    e.write_bytes(&hash_sequence);
    input.previous_output.encode_to(&mut e);
    write_compact_size(&mut e, script_code.len() as u64);
    e.write_bytes(script_code);
    e.write_bytes(&amount.to_sat().to_le_bytes());
    e.write_bytes(&input.sequence.to_le_bytes());
    e.write_bytes(&hash_outputs);
    e.write_bytes(&tx.lock_time.to_le_bytes());
    e.write_bytes(&hash_type.to_u32().to_le_bytes());
    Sighash(e.finish_double())
}

/// What a taproot signature hash needs besides the transaction (Core `ScriptExecutionData`).
#[derive(Debug, Clone, Copy, Default)]
pub struct TaprootContext {
    /// SHA-256 of the annex (with its CompactSize length), when present.
    pub annex_hash: Option<[u8; 32]>,
    /// Tapscript: the leaf hash being executed.
    pub tapleaf_hash: Option<[u8; 32]>,
    /// Tapscript: opcode position of the last executed `OP_CODESEPARATOR`, or `u32::MAX`.
    pub codeseparator_pos: u32,
}

/// The BIP341/342 signature hash, or `None` for an invalid hash type or `SINGLE` without
/// a matching output, or when the spent outputs are unknown.
pub fn taproot_sighash(
    tx: &Transaction,
    input_index: usize,
    hash_type: SighashType,
    sigversion: SigVersion,
    cache: &PrecomputedTransactionData,
    ctx: &TaprootContext,
) -> Option<Sighash> {
    let mut e = TaggedEngine::new("TapSighash");
    write_taproot_sig_msg(&mut e, tx, input_index, hash_type, sigversion, cache, ctx)?;
    Some(Sighash(e.finish()))
}

/// The BIP341 signature message itself (what [`taproot_sighash`] tags and hashes), for
/// checking against the BIP's intermediate values.
pub fn taproot_sig_msg(
    tx: &Transaction,
    input_index: usize,
    hash_type: SighashType,
    sigversion: SigVersion,
    cache: &PrecomputedTransactionData,
    ctx: &TaprootContext,
) -> Option<Vec<u8>> {
    let mut msg = Vec::with_capacity(206);
    write_taproot_sig_msg(&mut msg, tx, input_index, hash_type, sigversion, cache, ctx)?;
    Some(msg)
}

/// BIP341 "Common signature message", with BIP342's extension in tapscript.
fn write_taproot_sig_msg<W: WriteBytes>(
    e: &mut W,
    tx: &Transaction,
    input_index: usize,
    hash_type: SighashType,
    sigversion: SigVersion,
    cache: &PrecomputedTransactionData,
    ctx: &TaprootContext,
) -> Option<()> {
    let spent = cache.spent.as_ref()?;
    let hash_byte = hash_type.to_taproot_byte()?;
    let outputs = hash_type.base(); // DEFAULT signs all outputs, as ALL does
    let anyone_can_pay = hash_type.anyone_can_pay();
    let ext_flag: u8 = if sigversion == SigVersion::Tapscript {
        1
    } else {
        0
    };
    e.write_bytes(&[0]); // epoch
    e.write_bytes(&[hash_byte]);
    e.write_bytes(&tx.version.to_le_bytes());
    e.write_bytes(&tx.lock_time.to_le_bytes());
    if !anyone_can_pay {
        e.write_bytes(&cache.prevouts_single);
        e.write_bytes(&spent.amounts_single);
        e.write_bytes(&spent.scripts_single);
        e.write_bytes(&cache.sequences_single);
    }
    if outputs == SighashBase::All {
        e.write_bytes(&cache.outputs_single);
    }
    e.write_bytes(&[(ext_flag << 1) | u8::from(ctx.annex_hash.is_some())]);
    let input = tx.input.get(input_index)?;
    if anyone_can_pay {
        input.previous_output.encode_to(e);
        spent.outputs.get(input_index)?.encode_to(e);
        e.write_bytes(&input.sequence.to_le_bytes());
    } else {
        e.write_bytes(&u32::try_from(input_index).ok()?.to_le_bytes());
    }
    if let Some(annex) = ctx.annex_hash {
        e.write_bytes(&annex);
    }
    if outputs == SighashBase::Single {
        let output = tx.output.get(input_index)?;
        let mut single = Sha256Engine::new();
        output.encode_to(&mut single);
        e.write_bytes(&single.finish());
    }
    if sigversion == SigVersion::Tapscript {
        e.write_bytes(&ctx.tapleaf_hash?);
        e.write_bytes(&[0]); // key_version
        e.write_bytes(&ctx.codeseparator_pos.to_le_bytes());
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sighash_type_reads_each_byte_as_core_does() {
        for byte in 0..=u8::MAX {
            let t = SighashType::from_sig_byte(byte);
            assert_eq!(t.to_u32(), u32::from(byte));
            assert_eq!(t.to_sig_byte(), byte);
            // Core `SignatureHash`: `nHashType & 0x1f` against NONE and SINGLE.
            let base = match byte & 0x1f {
                2 => SighashBase::None,
                3 => SighashBase::Single,
                _ => SighashBase::All,
            };
            assert_eq!(t.base(), base, "{byte:#04x}");
            assert_eq!(t.anyone_can_pay(), byte & 0x80 != 0, "{byte:#04x}");
            // Core `IsDefinedHashtypeSignature`.
            assert_eq!(
                t.is_defined(),
                (1..=3).contains(&(byte & 0x7f)),
                "{byte:#04x}"
            );
            // BIP341: 0x00-0x03 and 0x81-0x83 only.
            let taproot = byte <= 0x03 || (0x81..=0x83).contains(&byte);
            assert_eq!(t.to_taproot_byte(), taproot.then_some(byte), "{byte:#04x}");
        }
    }

    #[test]
    fn sighash_type_keeps_all_32_bits() {
        // Legacy commits to every bit, but reads only the low five and 0x80.
        let t = SighashType::from_u32(0x0100_0083);
        assert_eq!(t.to_u32(), 0x0100_0083);
        assert_eq!((t.base(), t.anyone_can_pay()), (SighashBase::Single, true));
        // Not one of the six: a signature byte cannot carry it, and BIP341 refuses it.
        assert!(!t.is_defined());
        assert_eq!(t.to_sig_byte(), 0x83);
        assert_eq!(t.to_taproot_byte(), None);
        assert_eq!(format!("{t:?}"), "SighashType(0x1000083)");
    }
}
