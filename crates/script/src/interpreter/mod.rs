//! The script interpreter: running a coin's lock against its key.
//!
//! Script is a small stack language. Spending an output runs the spender's `script_sig`,
//! then the output's `script_pubkey` on the stack it left, and succeeds if the top value is
//! true. Later soft forks layered more on top, each turned on by a [`VerifyFlags`] bit:
//!
//! 1. **P2SH (BIP16)**: if the `script_pubkey` is `HASH160 <h> EQUAL`, the last push of the
//!    `script_sig` is itself a script (the redeem script), run on the rest of the stack.
//! 2. **Segwit v0 (BIP141)**: a `script_pubkey` `0 <20 or 32 bytes>` is a witness program;
//!    the spend's data come from the input's witness, and P2WPKH runs an implied P2PKH
//!    script while P2WSH runs the witness's last item, whose SHA-256 is the program.
//! 3. **Taproot (BIP341/342)**: `1 <32 bytes>` is an output key; a single witness item is
//!    a Schnorr signature for it, more items reveal a script and a control block proving it
//!    is committed to, and the script runs under tapscript's rules (no `CHECKMULTISIG`,
//!    `CHECKSIGADD`, `OP_SUCCESSx` making any script valid, a signature budget tied to the
//!    witness size).
//!
//! The evaluation loop follows Core's `EvalScript` step for step, in the same order of
//! checks, because the order decides *which* error a failing script reports and, in a few
//! places (disabled opcodes in unexecuted branches, the op count), whether it fails at all.
//!
//! How the files divide the work, in the order a spend meets them:
//!
//! | file | what it holds |
//! | --- | --- |
//! | `mod.rs` | [`verify_input`] and [`verify_script`] (Core `VerifyScript`): P2SH and witness dispatch |
//! | `witness.rs` | witness programs: P2WPKH, P2WSH, taproot key and script paths |
//! | `eval.rs` | [`eval_script`]: the loop, its fixed context and its machine state |
//! | `ops/` | one function per opcode family: flow, stack, arithmetic, hashes, signatures, lock times |
//! | `multisig.rs` | `OP_CHECKMULTISIG`'s walk over keys and signatures |
//! | `encoding.rs` | DER signatures, public keys, minimal pushes |
//! | `checker.rs` | [`SignatureChecker`]: what signature and lock-time opcodes ask of the transaction |
//!
//! References: Core `src/script/interpreter.cpp` (`EvalScript`, `VerifyScript`,
//! `VerifyWitnessProgram`, `ExecuteWitnessScript`, `GenericTransactionSignatureChecker`);
//! BIP16, BIP62, BIP65, BIP66, BIP112, BIP141, BIP143, BIP146, BIP147, BIP341, BIP342.

mod checker;
mod encoding;
mod eval;
mod multisig;
mod ops;
mod witness;

use sou_primitives::{Script, Transaction, TxOut, Witness};

use crate::error::InputError;
use crate::num::cast_to_bool;
use crate::sighash::{PrecomputedTransactionData, SigVersion, TaprootContext};
use crate::trace::{NoTrace, Tracer};
use crate::{ScriptError, VerifyFlags};

pub use checker::{NoTransaction, SignatureChecker, TransactionChecker};
pub use encoding::{check_signature_encoding, is_valid_signature_encoding};
pub use eval::eval_script;
/// Lock times below this are heights, from it on Unix times; defined with the lock time
/// field, in `sou_primitives::transaction`.
pub use sou_primitives::transaction::LOCKTIME_THRESHOLD;

/// The stack: byte strings, top last.
pub type Stack = Vec<Vec<u8>>;

/// Most items the main and alt stacks may hold together.
pub const MAX_STACK_SIZE: usize = 1000;
/// Most non-push operations in a legacy or segwit v0 script.
pub const MAX_OPS_PER_SCRIPT: usize = 201;
/// Most keys in one `OP_CHECKMULTISIG`.
pub const MAX_PUBKEYS_PER_MULTISIG: i64 = 20;

/// Taproot state of one execution (Core `ScriptExecutionData`).
#[derive(Debug, Clone, Copy, Default)]
pub struct ExecutionData {
    /// What the sighash needs.
    pub taproot: TaprootContext,
    /// Tapscript's remaining signature budget.
    pub validation_weight_left: i64,
}

/// Verifies that `script_sig` and `witness` unlock `script_pubkey` (Core `VerifyScript`).
pub fn verify_script<C: SignatureChecker + ?Sized>(
    script_sig: &Script,
    script_pubkey: &Script,
    witness: &Witness,
    flags: VerifyFlags,
    checker: &C,
) -> Result<(), ScriptError> {
    verify_script_traced(
        script_sig,
        script_pubkey,
        witness,
        flags,
        checker,
        &mut NoTrace,
    )
}

/// [`verify_script`], reporting every executed step to `tracer`.
pub fn verify_script_traced<C: SignatureChecker + ?Sized, T: Tracer>(
    script_sig: &Script,
    script_pubkey: &Script,
    witness: &Witness,
    flags: VerifyFlags,
    checker: &C,
    tracer: &mut T,
) -> Result<(), ScriptError> {
    if flags.contains(VerifyFlags::SIGPUSHONLY) && !script_sig.is_push_only() {
        return Err(ScriptError::SigPushOnly);
    }
    let mut execdata = ExecutionData::default();
    let mut stack: Stack = Vec::new();
    eval_script(
        &mut stack,
        script_sig.as_bytes(),
        flags,
        checker,
        SigVersion::Base,
        &mut execdata,
        tracer,
    )?;
    let stack_copy = if flags.contains(VerifyFlags::P2SH) {
        stack.clone()
    } else {
        Vec::new()
    };
    eval_script(
        &mut stack,
        script_pubkey.as_bytes(),
        flags,
        checker,
        SigVersion::Base,
        &mut execdata,
        tracer,
    )?;
    if !stack.last().is_some_and(|top| cast_to_bool(top)) {
        return Err(ScriptError::EvalFalse);
    }
    let mut had_witness = false;
    if flags.contains(VerifyFlags::WITNESS) {
        if let Some((version, program)) = script_pubkey.witness_program() {
            had_witness = true;
            if !script_sig.is_empty() {
                return Err(ScriptError::WitnessMalleated);
            }
            witness::verify_witness_program(
                witness, version, program, flags, checker, false, tracer,
            )?;
            // The witness program left its own verdict; keep one item for CLEANSTACK.
            stack.truncate(1);
        }
    }
    if flags.contains(VerifyFlags::P2SH) && script_pubkey.is_p2sh() {
        if !script_sig.is_push_only() {
            return Err(ScriptError::SigPushOnly);
        }
        stack = stack_copy;
        // The script_sig pushed at least the redeem script: the P2SH hash matched it.
        let redeem = Script::from_bytes(stack.pop().ok_or(ScriptError::InvalidStackOperation)?);
        eval_script(
            &mut stack,
            redeem.as_bytes(),
            flags,
            checker,
            SigVersion::Base,
            &mut execdata,
            tracer,
        )?;
        if !stack.last().is_some_and(|top| cast_to_bool(top)) {
            return Err(ScriptError::EvalFalse);
        }
        if flags.contains(VerifyFlags::WITNESS) {
            if let Some((version, program)) = redeem.witness_program() {
                had_witness = true;
                let only_redeem = Script::builder()
                    .push_slice_non_minimal(redeem.as_bytes())
                    .into_script();
                if *script_sig != only_redeem {
                    return Err(ScriptError::WitnessMalleatedP2sh);
                }
                witness::verify_witness_program(
                    witness, version, program, flags, checker, true, tracer,
                )?;
                stack.truncate(1);
            }
        }
    }
    if flags.contains(VerifyFlags::CLEANSTACK) && stack.len() != 1 {
        return Err(ScriptError::CleanStack);
    }
    if flags.contains(VerifyFlags::WITNESS) && !had_witness && !witness.is_empty() {
        return Err(ScriptError::WitnessUnexpected);
    }
    Ok(())
}

/// Verifies input `input_index` of `tx`, given every output it spends (one per input, in
/// order: taproot signatures commit to all of them), under `flags`.
///
/// The error is the script's verdict ([`InputError::Script`]), or a mistake of the call:
/// an input the transaction does not have, or spent outputs that do not cover every input.
pub fn verify_input(
    tx: &Transaction,
    input_index: usize,
    spent_outputs: &[TxOut],
    flags: VerifyFlags,
) -> Result<(), InputError> {
    let precomputed = PrecomputedTransactionData::new(tx, spent_outputs.to_vec());
    verify_input_with(tx, input_index, &precomputed, flags)
}

/// [`verify_input`] with the per-transaction hashes computed once by the caller, so that
/// checking all N inputs costs O(N).
pub fn verify_input_with(
    tx: &Transaction,
    input_index: usize,
    precomputed: &PrecomputedTransactionData,
    flags: VerifyFlags,
) -> Result<(), InputError> {
    verify_input_cached(tx, input_index, precomputed, flags, None)
}

/// [`verify_input_with`], its signatures looked up in (and, when `cache.store`, added
/// to) a [`SignatureCache`](crate::sigcache::SignatureCache).
pub fn verify_input_cached(
    tx: &Transaction,
    input_index: usize,
    precomputed: &PrecomputedTransactionData,
    flags: VerifyFlags,
    cache: Option<crate::sigcache::SignatureCacheUse<'_>>,
) -> Result<(), InputError> {
    let input = tx.input.get(input_index).ok_or(InputError::NoSuchInput {
        index: input_index,
        inputs: tx.input.len(),
    })?;
    let spent = precomputed
        .spent_output(input_index)
        .ok_or(InputError::MissingSpentOutput { index: input_index })?;
    let checker =
        TransactionChecker::new(tx, input_index, spent.value, precomputed).with_cache(cache);
    verify_script(
        &input.script_sig,
        &spent.script_pubkey,
        &input.witness,
        flags,
        &checker,
    )?;
    Ok(())
}
