//! Witness programs (Core `VerifyWitnessProgram`, `ExecuteWitnessScript`).
//!
//! A `script_pubkey` of a version byte and a program hands the spend to the witness:
//! version 0 with 20 bytes is P2WPKH (an implied P2PKH script), with 32 bytes P2WSH (the
//! witness's last item is the script, its SHA-256 the program); version 1 with 32 bytes is
//! taproot, spent by a key-path signature or by a script with a control block proving it is
//! committed to the output key. Other versions are left to future soft forks.
//!
//! References: BIP141 ("Witness program"), BIP341 ("Script validation rules"), BIP342.

use sou_keys::taproot::{tap_branch_hash, tap_leaf_hash, TapNodeHash};
use sou_primitives::encoding::{compact_size_len, var_bytes_len};
use sou_primitives::hashes::sha256;
use sou_primitives::opcodes::Opcode;
use sou_primitives::script::MAX_SCRIPT_ELEMENT_SIZE;
use sou_primitives::{Script, Witness};

use crate::num::cast_to_bool;
use crate::sighash::{core_get_op, SigVersion};
use crate::trace::Tracer;
use crate::{ScriptError, VerifyFlags};

use super::encoding::xonly;
use super::{eval_script, ExecutionData, SignatureChecker, Stack, MAX_STACK_SIZE};

/// BIP342: the budget is the witness size plus this.
const VALIDATION_WEIGHT_OFFSET: i64 = 50;
/// BIP341: the first byte of an annex.
const ANNEX_TAG: u8 = 0x50;
/// BIP342's leaf version.
const TAPSCRIPT_LEAF_VERSION: u8 = 0xc0;
/// BIP341 control block: the leaf version byte (with the output key's parity) and the
/// 32-byte internal key, then 32 bytes per step of the Merkle path, at most 128 steps
/// (Core `TAPROOT_CONTROL_BASE_SIZE`, `_NODE_SIZE`, `_MAX_NODE_COUNT`).
const TAPROOT_CONTROL_BASE_SIZE: usize = 33;
const TAPROOT_CONTROL_NODE_SIZE: usize = 32;
const TAPROOT_CONTROL_MAX_NODE_COUNT: usize = 128;

/// The size of a witness as serialised (BIP342's budget counts it).
fn witness_size(witness: &Witness) -> usize {
    compact_size_len(witness.len() as u64)
        + witness
            .iter()
            .map(|item| var_bytes_len(item.len()))
            .sum::<usize>()
}

/// Runs a witness script on its stack (Core `ExecuteWitnessScript`).
fn execute_witness_script<C: SignatureChecker + ?Sized, T: Tracer>(
    stack: &[&[u8]],
    script: &[u8],
    flags: VerifyFlags,
    sigversion: SigVersion,
    checker: &C,
    execdata: &mut ExecutionData,
    tracer: &mut T,
) -> Result<(), ScriptError> {
    if sigversion == SigVersion::Tapscript {
        // An OP_SUCCESSx anywhere makes the script succeed unread; a malformed push before
        // it fails first.
        let mut pc = 0;
        while pc < script.len() {
            let (op, next) = core_get_op(script, pc).map_err(|_| ScriptError::BadOpcode)?;
            if Opcode::from_u8(op.opcode).is_op_success() {
                if flags.contains(VerifyFlags::DISCOURAGE_OP_SUCCESS) {
                    return Err(ScriptError::DiscourageOpSuccess);
                }
                return Ok(());
            }
            pc = next;
        }
        if stack.len() > MAX_STACK_SIZE {
            return Err(ScriptError::StackSize);
        }
    }
    if stack
        .iter()
        .any(|item| item.len() > MAX_SCRIPT_ELEMENT_SIZE)
    {
        return Err(ScriptError::PushSize);
    }
    let mut stack: Stack = stack.iter().map(|item| item.to_vec()).collect();
    eval_script(
        &mut stack, script, flags, checker, sigversion, execdata, tracer,
    )?;
    if stack.len() != 1 {
        return Err(ScriptError::CleanStack);
    }
    if !stack.last().is_some_and(|top| cast_to_bool(top)) {
        return Err(ScriptError::EvalFalse);
    }
    Ok(())
}

/// Checks that the control block and leaf commit to the output key `program`
/// (BIP341 `VerifyTaprootCommitment`).
fn verify_taproot_commitment(control: &[u8], program: &[u8], leaf_hash: &TapNodeHash) -> bool {
    let (Some(internal), Some(output)) = (
        xonly(&control[1..TAPROOT_CONTROL_BASE_SIZE]),
        xonly(program),
    ) else {
        return false;
    };
    let mut node = *leaf_hash;
    for sibling in control[TAPROOT_CONTROL_BASE_SIZE..].chunks_exact(TAPROOT_CONTROL_NODE_SIZE) {
        let mut hash = [0u8; 32];
        hash.copy_from_slice(sibling);
        node = tap_branch_hash(&node, &TapNodeHash(hash));
    }
    let tweak = sou_keys::taproot::tap_tweak_hash(&internal, Some(&node));
    let Ok(tweak) = secp256k1::Scalar::from_be_bytes(tweak) else {
        return false;
    };
    let parity = if control[0] & 1 == 1 {
        secp256k1::Parity::Odd
    } else {
        secp256k1::Parity::Even
    };
    internal.tweak_add_check(secp256k1::SECP256K1, &output, parity, tweak)
}

/// Verifies a witness program (Core `VerifyWitnessProgram`); `is_p2sh` if it came as a
/// P2SH redeem script, which taproot does not allow.
pub(super) fn verify_witness_program<C: SignatureChecker + ?Sized, T: Tracer>(
    witness: &Witness,
    version: u8,
    program: &[u8],
    flags: VerifyFlags,
    checker: &C,
    is_p2sh: bool,
    tracer: &mut T,
) -> Result<(), ScriptError> {
    let mut stack: Vec<&[u8]> = witness.iter().collect();
    let mut execdata = ExecutionData::default();
    if version == 0 {
        if program.len() == 32 {
            // P2WSH: the last item is the script, its SHA-256 the program.
            let script = stack.pop().ok_or(ScriptError::WitnessProgramWitnessEmpty)?;
            if sha256(script)[..] != program[..] {
                return Err(ScriptError::WitnessProgramMismatch);
            }
            return execute_witness_script(
                &stack,
                script,
                flags,
                SigVersion::WitnessV0,
                checker,
                &mut execdata,
                tracer,
            );
        }
        if let Ok(key_hash) = <&[u8; 20]>::try_from(program) {
            // P2WPKH: signature and key, checked by the P2PKH script of the key hash
            // (BIP141 "Witness program").
            if stack.len() != 2 {
                return Err(ScriptError::WitnessProgramMismatch);
            }
            let script = Script::p2pkh(key_hash);
            return execute_witness_script(
                &stack,
                script.as_bytes(),
                flags,
                SigVersion::WitnessV0,
                checker,
                &mut execdata,
                tracer,
            );
        }
        return Err(ScriptError::WitnessProgramWrongLength);
    }
    if version == 1 && program.len() == 32 && !is_p2sh {
        if !flags.contains(VerifyFlags::TAPROOT) {
            return Ok(());
        }
        if stack.is_empty() {
            return Err(ScriptError::WitnessProgramWitnessEmpty);
        }
        // An annex: a last item starting 0x50 when there are at least two.
        if stack.len() >= 2 && stack.last().and_then(|a| a.first()) == Some(&ANNEX_TAG) {
            let annex = stack.pop().unwrap_or_default();
            let mut engine = sou_primitives::hashes::Sha256Engine::new();
            sou_primitives::encoding::write_var_bytes(&mut engine, annex);
            execdata.taproot.annex_hash = Some(engine.finish());
        }
        if stack.len() == 1 {
            // Key path: one Schnorr signature for the output key.
            return checker.check_schnorr_signature(
                stack[0],
                program,
                SigVersion::Taproot,
                &execdata.taproot,
            );
        }
        // Script path.
        let control = stack.pop().unwrap_or_default();
        let script = stack.pop().unwrap_or_default();
        let path_len = control.len().checked_sub(TAPROOT_CONTROL_BASE_SIZE);
        if !path_len.is_some_and(|len| {
            len <= TAPROOT_CONTROL_NODE_SIZE * TAPROOT_CONTROL_MAX_NODE_COUNT
                && len % TAPROOT_CONTROL_NODE_SIZE == 0
        }) {
            return Err(ScriptError::TaprootWrongControlSize);
        }
        let leaf_version = control[0] & 0xfe;
        let leaf_hash = tap_leaf_hash(leaf_version, &Script::from_slice(script));
        if !verify_taproot_commitment(control, program, &leaf_hash) {
            return Err(ScriptError::WitnessProgramMismatch);
        }
        execdata.taproot.tapleaf_hash = Some(leaf_hash.0);
        if leaf_version == TAPSCRIPT_LEAF_VERSION {
            // The budget counts the whole witness, annex and control block included. A
            // witness is smaller than a block (4 MB), so the i64 cannot truncate.
            execdata.validation_weight_left =
                witness_size(witness) as i64 + VALIDATION_WEIGHT_OFFSET;
            return execute_witness_script(
                &stack,
                script,
                flags,
                SigVersion::Tapscript,
                checker,
                &mut execdata,
                tracer,
            );
        }
        if flags.contains(VerifyFlags::DISCOURAGE_UPGRADABLE_TAPROOT_VERSION) {
            return Err(ScriptError::DiscourageUpgradableTaprootVersion);
        }
        return Ok(());
    }
    // Pay-to-anchor (`1 <4e73>`) is exempt from the policy below.
    if !is_p2sh && version == 1 && program == [0x4e, 0x73] {
        return Ok(());
    }
    if flags.contains(VerifyFlags::DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM) {
        return Err(ScriptError::DiscourageUpgradableWitnessProgram);
    }
    Ok(())
}
