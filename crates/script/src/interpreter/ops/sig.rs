//! Signature opcodes: `CODESEPARATOR`, `CHECKSIG`, `CHECKSIGVERIFY`, `CHECKSIGADD`
//! (tapscript) and `CHECKMULTISIG` (legacy and segwit v0; its walk is in
//! [`super::super::multisig`]).
//!
//! Legacy and segwit v0 check ECDSA signatures over the *script code*, the script from the
//! last executed `CODESEPARATOR` on; legacy scripts first delete the signature itself from
//! it (`FindAndDelete`, since a signature cannot sign itself). Tapscript checks Schnorr
//! signatures, each executed one charged to a budget that grows with the witness size.

use sou_primitives::opcodes::*;
use sou_primitives::script::encode_script_num;
use sou_primitives::Script;

use crate::sighash::{core_get_op, SigVersion};
use crate::{ScriptError, VerifyFlags};

use super::super::encoding::{check_pubkey_encoding, check_signature_encoding};
use super::super::eval::{bool_item, num, stack_top, Context, Machine};
use super::super::multisig::checkmultisig;
use super::super::{ExecutionData, SignatureChecker};

/// BIP342: each executed signature check costs this much of the budget.
const VALIDATION_WEIGHT_PER_SIGOP_PASSED: i64 = 50;

pub(super) fn execute<C: SignatureChecker + ?Sized>(
    op: Opcode,
    ctx: &Context<'_, C>,
    m: &mut Machine<'_>,
) -> Result<(), ScriptError> {
    let script_code = ctx.script_code(m);
    let stack = &mut *m.stack;
    match op {
        // ( -- ): signatures hash the script from the last executed OP_CODESEPARATOR on;
        // the loop moves that start.
        OP_CODESEPARATOR => {}
        // (sig pubkey -- bool), CHECKSIGVERIFY: (sig pubkey -- ) or fail
        OP_CHECKSIG | OP_CHECKSIGVERIFY => {
            let sig = stack_top(stack, 2)?.clone();
            let pubkey = stack_top(stack, 1)?.clone();
            let ok = match ctx.sigversion {
                SigVersion::Tapscript => checksig_tapscript(&sig, &pubkey, ctx, m.execdata)?,
                _ => checksig_pre_tapscript(&sig, &pubkey, ctx, script_code)?,
            };
            stack.truncate(stack.len() - 2);
            stack.push(bool_item(ok));
            if op == OP_CHECKSIGVERIFY {
                if !ok {
                    return Err(ScriptError::CheckSigVerify);
                }
                stack.pop();
            }
        }
        // (sig n pubkey -- n + success), tapscript only
        OP_CHECKSIGADD => {
            if ctx.sigversion != SigVersion::Tapscript {
                return Err(ScriptError::BadOpcode);
            }
            let sig = stack_top(stack, 3)?.clone();
            let n = num(stack_top(stack, 2)?, ctx.flags)?;
            let pubkey = stack_top(stack, 1)?.clone();
            let ok = checksig_tapscript(&sig, &pubkey, ctx, m.execdata)?;
            stack.truncate(stack.len() - 3);
            stack.push(encode_script_num(n + i64::from(ok)));
        }
        // (dummy [sig ...] m [pubkey ...] n -- bool), VERIFY: (... -- ) or fail
        OP_CHECKMULTISIG | OP_CHECKMULTISIGVERIFY => {
            if ctx.sigversion == SigVersion::Tapscript {
                return Err(ScriptError::TapscriptCheckMultisig);
            }
            let ok = checkmultisig(ctx, m)?;
            m.stack.push(bool_item(ok));
            if op == OP_CHECKMULTISIGVERIFY {
                if !ok {
                    return Err(ScriptError::CheckMultisigVerify);
                }
                m.stack.pop();
            }
        }
        _ => return Err(ScriptError::BadOpcode),
    }
    Ok(())
}

/// One checksig in legacy or segwit v0 script (Core `EvalChecksigPreTapscript`).
fn checksig_pre_tapscript<C: SignatureChecker + ?Sized>(
    sig: &[u8],
    pubkey: &[u8],
    ctx: &Context<'_, C>,
    script_code: &[u8],
) -> Result<bool, ScriptError> {
    let (flags, sigversion) = (ctx.flags, ctx.sigversion);
    let mut code = script_code.to_vec();
    if sigversion == SigVersion::Base {
        let found = find_and_delete(&mut code, &push_pattern(sig));
        if found > 0 && flags.contains(VerifyFlags::CONST_SCRIPTCODE) {
            return Err(ScriptError::SigFindAndDelete);
        }
    }
    check_signature_encoding(sig, flags)?;
    check_pubkey_encoding(pubkey, flags, sigversion)?;
    let ok = ctx
        .checker
        .check_ecdsa_signature(sig, pubkey, &code, sigversion);
    if !ok && flags.contains(VerifyFlags::NULLFAIL) && !sig.is_empty() {
        return Err(ScriptError::NullFail);
    }
    Ok(ok)
}

/// One checksig in tapscript (Core `EvalChecksigTapscript`); the order of checks is
/// consensus.
fn checksig_tapscript<C: SignatureChecker + ?Sized>(
    sig: &[u8],
    pubkey: &[u8],
    ctx: &Context<'_, C>,
    execdata: &mut ExecutionData,
) -> Result<bool, ScriptError> {
    let success = !sig.is_empty();
    if success {
        execdata.validation_weight_left -= VALIDATION_WEIGHT_PER_SIGOP_PASSED;
        if execdata.validation_weight_left < 0 {
            return Err(ScriptError::TapscriptValidationWeight);
        }
    }
    match pubkey.len() {
        0 => return Err(ScriptError::TapscriptEmptyPubkey),
        32 => {
            if success {
                ctx.checker.check_schnorr_signature(
                    sig,
                    pubkey,
                    SigVersion::Tapscript,
                    &execdata.taproot,
                )?;
            }
        }
        _ => {
            if ctx
                .flags
                .contains(VerifyFlags::DISCOURAGE_UPGRADABLE_PUBKEYTYPE)
            {
                return Err(ScriptError::DiscourageUpgradablePubkeyType);
            }
        }
    }
    Ok(success)
}

/// Removes every occurrence of `pattern` that starts at an instruction boundary and
/// returns the count (Core `FindAndDelete`, applied to signatures in legacy scripts).
pub(in crate::interpreter) fn find_and_delete(script: &mut Vec<u8>, pattern: &[u8]) -> usize {
    if pattern.is_empty() {
        return 0;
    }
    let mut found = 0;
    let mut result = Vec::with_capacity(script.len());
    let (mut pc, mut kept_from) = (0usize, 0usize);
    loop {
        result.extend_from_slice(&script[kept_from..pc]);
        while script.len() - pc >= pattern.len() && script[pc..].starts_with(pattern) {
            pc += pattern.len();
            found += 1;
        }
        kept_from = pc;
        match core_get_op(script, pc) {
            Ok((_, next)) => pc = next,
            Err(_) => break,
        }
    }
    if found > 0 {
        result.extend_from_slice(&script[kept_from..]);
        *script = result;
    }
    found
}

/// A signature pushed as Core's `CScript() << sig` would (the FindAndDelete pattern).
pub(in crate::interpreter) fn push_pattern(data: &[u8]) -> Vec<u8> {
    Script::builder()
        .push_slice_non_minimal(data)
        .into_script()
        .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_and_delete_matches_core_cases() {
        // From Core's script_tests.cpp (script_FindAndDelete).
        let cases: &[(&str, &str, &str, usize)] = &[
            ("0302ff030302ff03", "0302ff03", "", 2),
            ("0302ff030302ff03", "02", "0302ff030302ff03", 0),
            ("0302ff030302ff03", "ff", "0302ff030302ff03", 0),
            ("0302ff030302ff03", "03", "02ff0302ff03", 2),
            ("02feed5169", "feed51", "02feed5169", 0),
            ("02feed5169", "02feed51", "69", 1),
            ("516902feed5169", "feed51", "516902feed5169", 0),
            ("516902feed5169", "02feed51", "516969", 1),
            ("00000000", "00", "", 4),
            ("0003feed", "03feed", "00", 1),
            ("0003feed", "00", "03feed", 1),
        ];
        for (script, pattern, expected, count) in cases {
            let mut s = hex_bytes(script);
            assert_eq!(
                find_and_delete(&mut s, &hex_bytes(pattern)),
                *count,
                "{script} - {pattern}"
            );
            assert_eq!(s, hex_bytes(expected), "{script} - {pattern}");
        }
    }

    fn hex_bytes(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap_or(0))
            .collect()
    }
}
