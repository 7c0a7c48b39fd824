//! Counting signature operations: how much signature checking a block may ask for.
//!
//! Checking signatures is the costliest part of validating a block, so consensus caps
//! what a block may demand: a sigop cost of at most [`MAX_BLOCK_SIGOPS_COST`]. The count
//! is read from the scripts without running them, so it is an estimate, and it has a
//! history:
//!
//! - *legacy* counting (Satoshi's, [`legacy_sigop_count`]): each `CHECKSIG` is 1 and each
//!   `CHECKMULTISIG` 20, the most keys it takes, in every `script_sig` and every
//!   `script_pubkey`, even outputs, which run only when they are spent;
//! - *accurate* counting of P2SH redeem scripts (BIP16): a `CHECKMULTISIG` just after
//!   `OP_1`..`OP_16` counts that many ([`script_sigop_count`] with `accurate`);
//! - segwit (BIP141) weighs sigops like bytes: legacy and P2SH sigops cost 4 each, witness
//!   sigops 1 (a P2WPKH spend is one; a P2WSH script is counted accurately).
//!   Tapscript's are not counted here: BIP342 budgets them per input, by witness size.
//!
//! [`check_block`](super::check_block) knows no spent outputs, so it can count only the
//! legacy way; [`transaction_sigop_cost`] counts all three when the block is connected.
//!
//! References: Core `src/script/script.cpp` (`CScript::GetSigOpCount`),
//! `src/consensus/tx_verify.cpp` (`GetLegacySigOpCount`, `GetP2SHSigOpCount`,
//! `GetTransactionSigOpCost`), `src/script/interpreter.cpp` (`CountWitnessSigOps`);
//! BIP16, BIP141, BIP342.

use sou_primitives::opcodes::{
    OP_16, OP_CHECKMULTISIG, OP_CHECKMULTISIGVERIFY, OP_CHECKSIG, OP_CHECKSIGVERIFY,
};
use sou_primitives::script::{Instruction, Script};
use sou_primitives::transaction::WITNESS_SCALE_FACTOR;
use sou_primitives::{Transaction, TxOut};
use sou_script::VerifyFlags;

/// The most sigop cost a block may have (Core `MAX_BLOCK_SIGOPS_COST`).
pub const MAX_BLOCK_SIGOPS_COST: u64 = 80_000;

/// Signature operations counted the legacy way (Core `CScript::GetSigOpCount`):
/// `CHECKSIG` counts 1, `CHECKMULTISIG` 20, or with `accurate` the key count pushed just
/// before it. Counting stops at a malformed push.
pub fn script_sigop_count(script: &Script, accurate: bool) -> u64 {
    let mut count = 0;
    let mut last_small_int: Option<i64> = None;
    for ins in script.instructions() {
        let Ok(ins) = ins else { break };
        match ins.opcode() {
            OP_CHECKSIG | OP_CHECKSIGVERIFY => count += 1,
            OP_CHECKMULTISIG | OP_CHECKMULTISIGVERIFY => {
                count += match (accurate, last_small_int) {
                    (true, Some(n @ 1..=16)) => n as u64,
                    _ => 20,
                };
            }
            _ => {}
        }
        last_small_int = match ins {
            Instruction::Op(o) => o.small_int(),
            _ => None,
        };
    }
    count
}

/// Legacy sigops of a transaction: every `script_sig` and `script_pubkey`, inaccurately
/// (Core `GetLegacySigOpCount`).
pub fn legacy_sigop_count(tx: &Transaction) -> u64 {
    tx.input
        .iter()
        .map(|i| script_sigop_count(&i.script_sig, false))
        .sum::<u64>()
        + tx.output
            .iter()
            .map(|o| script_sigop_count(&o.script_pubkey, false))
            .sum::<u64>()
}

/// Signature operation cost of a transaction (Core `GetTransactionSigOpCost`): legacy
/// sigops times 4, P2SH redeem scripts' accurate sigops times 4, and witness sigops once.
pub fn transaction_sigop_cost(tx: &Transaction, spent: &[&TxOut], flags: VerifyFlags) -> u64 {
    let mut cost = legacy_sigop_count(tx) * WITNESS_SCALE_FACTOR as u64;
    if tx.is_coinbase() {
        return cost;
    }
    for (input, prev) in tx.input.iter().zip(spent) {
        let redeem = if prev.script_pubkey.is_p2sh() {
            last_push(&input.script_sig)
        } else {
            None
        };
        if flags.contains(VerifyFlags::P2SH) {
            if let Some(redeem) = &redeem {
                cost += script_sigop_count(redeem, true) * WITNESS_SCALE_FACTOR as u64;
            }
        }
        if flags.contains(VerifyFlags::WITNESS) {
            let program = match prev.script_pubkey.witness_program() {
                Some((v, p)) => Some((v, p.to_vec())),
                None if flags.contains(VerifyFlags::P2SH) => redeem
                    .as_ref()
                    .and_then(|r| r.witness_program().map(|(v, p)| (v, p.to_vec()))),
                None => None,
            };
            if let Some((0, program)) = program {
                cost += match program.len() {
                    20 => 1,
                    32 => input
                        .witness
                        .last()
                        .map_or(0, |s| script_sigop_count(&Script::from_slice(s), true)),
                    _ => 0,
                };
            }
        }
    }
    cost
}

/// The last data pushed by a push-only script (a P2SH redeem script), if it is push-only
/// (Core's use in `GetSigOpCount(scriptSig)` and `CountWitnessSigOps`).
fn last_push(script_sig: &Script) -> Option<Script> {
    let mut last = None;
    for ins in script_sig.instructions() {
        match ins {
            Ok(Instruction::Push { data, .. }) => last = Some(data),
            // A push-only script's small integers push no data Core would read as a script.
            Ok(Instruction::Op(op)) if op <= OP_16 => last = Some(&[][..]),
            _ => return None,
        }
    }
    last.map(Script::from_slice)
}
