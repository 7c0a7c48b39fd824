//! Standard spends: which coins policy lets a transaction spend, and how.
//!
//! [`is_standard_tx`](crate::is_standard_tx) judges what a transaction creates; these
//! rules judge what it spends, so they need the outputs it spends (`spent[i]` for input
//! `i`, as the caller found them in the UTXO set):
//!
//! - [`are_inputs_standard`] (`bad-txns-nonstandard-inputs`): no spend of a non-standard
//!   or not-yet-defined witness output (those are upgrade hooks; a spend today could
//!   become invalid after a soft fork), no P2SH redeem script counting more than
//!   [`MAX_P2SH_SIGOPS`], and, from BIP54, at most [`MAX_TX_LEGACY_SIGOPS`] legacy sigops
//!   executed by the inputs together, which bounds the quadratic cost of legacy hashing.
//! - [`is_witness_standard`] (`bad-witness-nonstandard`): witnesses of bounded shape. A
//!   witness is not covered by the txid, so anyone relaying it could pad it; these limits
//!   bound what padding can cost: P2WSH scripts of at most 3,600 bytes with at most 100
//!   items of 80 bytes, tapscript items of 80 bytes, no taproot annex (reserved for future
//!   meaning), and no witness at all for outputs that take none.
//!
//! Both unwrap a P2SH redeem script the way Core does: by running the scriptSig with no
//! flags and no transaction (`EvalScript` with `BaseSignatureChecker`) and taking the top
//! of the stack.
//!
//! References: Core `ValidateInputsStandardness`, `CheckSigopsBIP54`,
//! `IsWitnessStandard` (src/policy/policy.cpp); BIP54.

use sou_chain::consensus::script_sigop_count;
use sou_primitives::opcodes::OP_16;
use sou_primitives::script::Instruction;
use sou_primitives::standard::{solver, Solution, ANCHOR_PROGRAM};
use sou_primitives::{Script, Transaction, TxIn, TxOut};
use sou_script::interpreter::{ExecutionData, NoTransaction, Stack};
use sou_script::trace::NoTrace;
use sou_script::{eval_script, ScriptError, SigVersion, VerifyFlags};

use crate::error::PolicyError;
use crate::policy::{MAX_P2SH_SIGOPS, MAX_TX_LEGACY_SIGOPS};

/// Most items of a P2WSH witness, the script aside (Core `MAX_STANDARD_P2WSH_STACK_ITEMS`).
pub const MAX_STANDARD_P2WSH_STACK_ITEMS: usize = 100;
/// Largest item of a P2WSH witness, the script aside (Core
/// `MAX_STANDARD_P2WSH_STACK_ITEM_SIZE`).
pub const MAX_STANDARD_P2WSH_STACK_ITEM_SIZE: usize = 80;
/// Largest P2WSH witness script (Core `MAX_STANDARD_P2WSH_SCRIPT_SIZE`).
pub const MAX_STANDARD_P2WSH_SCRIPT_SIZE: usize = 3600;
/// Largest item of a tapscript (leaf version `0xc0`) witness (Core
/// `MAX_STANDARD_TAPSCRIPT_STACK_ITEM_SIZE`).
pub const MAX_STANDARD_TAPSCRIPT_STACK_ITEM_SIZE: usize = 80;
/// The first byte that marks a taproot annex (BIP341).
const ANNEX_TAG: u8 = 0x50;
/// The leaf version of tapscript (BIP342), and the mask that reads it from a control
/// block's first byte.
const TAPROOT_LEAF_TAPSCRIPT: u8 = 0xc0;
const TAPROOT_LEAF_MASK: u8 = 0xfe;

/// The stack a scriptSig leaves, run alone with no flags (Core's way of finding a P2SH
/// redeem script in policy code).
fn script_sig_stack(script_sig: &Script) -> Result<Stack, ScriptError> {
    let mut stack = Stack::new();
    eval_script(
        &mut stack,
        script_sig.as_bytes(),
        VerifyFlags::NONE,
        &NoTransaction,
        SigVersion::Base,
        &mut ExecutionData::default(),
        &mut NoTrace,
    )?;
    Ok(stack)
}

/// Sigops of a spent output's script as BIP54 counts them (Core
/// `CScript::GetSigOpCount(scriptSig)`): for P2SH, the redeem script's (the last push of a
/// push-only scriptSig, 0 otherwise), else the script's own, both accurately.
fn spent_script_sigops(script_pubkey: &Script, script_sig: &Script) -> u64 {
    if !script_pubkey.is_p2sh() {
        return script_sigop_count(script_pubkey, true);
    }
    let mut last: &[u8] = &[];
    for ins in script_sig.instructions() {
        match ins {
            Ok(Instruction::Push { data, .. }) => last = data,
            // A small integer is a push, but of no data Core would read as a script.
            Ok(Instruction::Op(op)) if op <= OP_16 => last = &[],
            _ => return 0,
        }
    }
    script_sigop_count(&Script::from_slice(last), true)
}

/// BIP54's limit (Core `CheckSigopsBIP54`): the sigops of every scriptSig and of every
/// spent script (or its redeem script) together, at most [`MAX_TX_LEGACY_SIGOPS`].
/// Unlike the block limit, this counts sigops where they run, when the coin is spent.
fn legacy_sigops_within_limit(tx: &Transaction, spent: &[&TxOut]) -> bool {
    let mut sigops = 0u64;
    for (txin, prev) in tx.input.iter().zip(spent) {
        sigops += script_sigop_count(&txin.script_sig, true);
        sigops += spent_script_sigops(&prev.script_pubkey, &txin.script_sig);
        if sigops > MAX_TX_LEGACY_SIGOPS {
            return false;
        }
    }
    true
}

/// Core's `ValidateInputsStandardness`: every input spends a standard, defined output,
/// P2SH redeem scripts count at most [`MAX_P2SH_SIGOPS`], and BIP54's legacy sigop
/// limit holds. `spent[i]` is the output input `i` spends. The error's text is Core's debug
/// message, naming the first bad input.
pub fn are_inputs_standard(tx: &Transaction, spent: &[&TxOut]) -> Result<(), PolicyError> {
    if tx.is_coinbase() {
        return Ok(());
    }
    let fail = |detail: String| Err(PolicyError::NonstandardInputs { detail });
    if !legacy_sigops_within_limit(tx, spent) {
        return fail("non-witness sigops exceed bip54 limit".to_string());
    }
    for (i, (txin, prev)) in tx.input.iter().zip(spent).enumerate() {
        match solver(&prev.script_pubkey) {
            Solution::NonStandard => return fail(format!("input {i} script unknown")),
            // Caught later by a script flag too, but cheaper to refuse here.
            Solution::WitnessUnknown { .. } => {
                return fail(format!("input {i} witness program is undefined"))
            }
            Solution::ScriptHash { .. } => {
                let stack = match script_sig_stack(&txin.script_sig) {
                    Ok(stack) => stack,
                    Err(e) => {
                        return fail(format!(
                            "p2sh scriptsig malformed (input {i}: {})",
                            e.core_message()
                        ))
                    }
                };
                let Some(redeem) = stack.last() else {
                    return fail(format!("input {i} P2SH redeemscript missing"));
                };
                let count = script_sigop_count(&Script::from_slice(redeem), true);
                if count > MAX_P2SH_SIGOPS {
                    return fail(format!(
                        "p2sh redeemscript sigops exceed limit (input {i}: {count} > {MAX_P2SH_SIGOPS})"
                    ));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Core's `IsWitnessStandard`: every input's witness has a shape policy relays.
/// `spent[i]` is the output input `i` spends.
pub fn is_witness_standard(tx: &Transaction, spent: &[&TxOut]) -> Result<(), PolicyError> {
    if tx.is_coinbase() {
        return Ok(());
    }
    for (input, (txin, prev)) in tx.input.iter().zip(spent).enumerate() {
        if !witness_input_standard(txin, prev) {
            return Err(PolicyError::NonstandardWitness { input });
        }
    }
    Ok(())
}

/// One input of [`is_witness_standard`].
fn witness_input_standard(txin: &TxIn, prev: &TxOut) -> bool {
    // An empty witness cannot be bloated; if one was needed, the scripts will fail.
    let witness = txin.witness.to_vec();
    let Some((last, items)) = witness.split_last() else {
        return true;
    };
    let mut script = prev.script_pubkey.clone();
    // Pay-to-anchor takes an empty witness: anything in it is stuffing.
    if script.witness_program() == Some((1, &ANCHOR_PROGRAM[..])) {
        return false;
    }
    let mut p2sh = false;
    if script.is_p2sh() {
        // The redeem script, read casually; a wrong one fails the scripts later.
        match script_sig_stack(&txin.script_sig) {
            Ok(stack) => match stack.last() {
                Some(redeem) => script = Script::from_slice(redeem),
                None => return false,
            },
            Err(_) => return false,
        }
        p2sh = true;
    }
    // A witness for a script that is not a witness program.
    let Some((version, program)) = script.witness_program() else {
        return false;
    };
    if version == 0 && program.len() == 32 {
        // P2WSH: the last item is the witness script, the others its inputs.
        if last.len() > MAX_STANDARD_P2WSH_SCRIPT_SIZE
            || items.len() > MAX_STANDARD_P2WSH_STACK_ITEMS
            || items
                .iter()
                .any(|item| item.len() > MAX_STANDARD_P2WSH_STACK_ITEM_SIZE)
        {
            return false;
        }
    }
    if version == 1 && program.len() == 32 && !p2sh {
        // An annex: a last item starting 0x50 when there are two or more.
        if witness.len() >= 2 && last.first() == Some(&ANNEX_TAG) {
            return false;
        }
        if let Some((_script, stack)) = items.split_last() {
            // Script path: control block last, then the leaf script, then its inputs.
            let Some(&first) = last.first() else {
                return false;
            };
            if first & TAPROOT_LEAF_MASK == TAPROOT_LEAF_TAPSCRIPT
                && stack
                    .iter()
                    .any(|item| item.len() > MAX_STANDARD_TAPSCRIPT_STACK_ITEM_SIZE)
            {
                return false;
            }
        }
        // One item: a key-path signature, no policy limit.
    }
    true
}
