//! `OP_CHECKMULTISIG`: m of n signatures, drawn from the stack by depth.
//!
//! The arguments lie on the stack like this (depth 1 is the top; k keys, s signatures):
//!
//! ```text
//! depth   1   2 ... k+1        k+2   k+3 ... k+s+2         k+s+3
//! item    k   keys, last first  s     signatures, last first  dummy
//! ```
//!
//! Keys and signatures are walked together from the top down, in the script's order
//! reversed: a signature that fails against a key moves on to the next key, never back,
//! so the signatures must come in the same order as their keys. One item more than the
//! arguments is consumed: an off-by-one in the first release, kept as consensus, which
//! BIP147 (NULLDUMMY) requires to be empty.
//!
//! References: Core `EvalScript`, case `OP_CHECKMULTISIG`; BIP147; BIP146 (NULLFAIL).

use crate::sighash::SigVersion;
use crate::{ScriptError, VerifyFlags};

use super::encoding::{check_pubkey_encoding, check_signature_encoding};
use super::eval::{num, stack_top, Context, Machine};
use super::ops::{find_and_delete, push_pattern};
use super::{SignatureChecker, MAX_OPS_PER_SCRIPT, MAX_PUBKEYS_PER_MULTISIG};

/// Depth of k, the key count.
const KEY_COUNT_DEPTH: usize = 1;
/// Depth of the first key tried (the last one pushed).
const FIRST_KEY_DEPTH: usize = 2;

/// Checks the signatures and removes every argument, dummy included; the caller pushes
/// the verdict.
pub(super) fn checkmultisig<C: SignatureChecker + ?Sized>(
    ctx: &Context<'_, C>,
    m: &mut Machine<'_>,
) -> Result<bool, ScriptError> {
    let (flags, sigversion) = (ctx.flags, ctx.sigversion);
    let script_code = ctx.script_code(m);
    let stack = &mut *m.stack;

    let keys = num(stack_top(stack, KEY_COUNT_DEPTH)?, flags)?;
    if !(0..=MAX_PUBKEYS_PER_MULTISIG).contains(&keys) {
        return Err(ScriptError::PubkeyCount);
    }
    let key_count = usize::try_from(keys).map_err(|_| ScriptError::PubkeyCount)?;
    // Each key counts as an operation towards the 201 limit.
    m.op_count += key_count;
    if m.op_count > MAX_OPS_PER_SCRIPT {
        return Err(ScriptError::OpCount);
    }
    // The signature count, the deepest item that is not a signature (Core's `ikey2`).
    let sig_count_depth = FIRST_KEY_DEPTH + key_count;
    let sigs = num(stack_top(stack, sig_count_depth)?, flags)?;
    if sigs < 0 || sigs > keys {
        return Err(ScriptError::SigCount);
    }
    let sig_count = usize::try_from(sigs).map_err(|_| ScriptError::SigCount)?;
    let first_sig_depth = sig_count_depth + 1;
    let dummy_depth = first_sig_depth + sig_count;
    if stack.len() < dummy_depth {
        return Err(ScriptError::InvalidStackOperation);
    }

    // Legacy signatures cannot sign themselves: delete each from the script code.
    let mut code = script_code.to_vec();
    if sigversion == SigVersion::Base {
        for sig_depth in first_sig_depth..dummy_depth {
            let sig = stack_top(stack, sig_depth)?.clone();
            let found = find_and_delete(&mut code, &push_pattern(&sig));
            if found > 0 && flags.contains(VerifyFlags::CONST_SCRIPTCODE) {
                return Err(ScriptError::SigFindAndDelete);
            }
        }
    }

    let (mut key_depth, mut sig_depth) = (FIRST_KEY_DEPTH, first_sig_depth);
    let (mut keys_left, mut sigs_left) = (key_count, sig_count);
    let mut success = true;
    while success && sigs_left > 0 {
        let sig = stack_top(stack, sig_depth)?;
        let pubkey = stack_top(stack, key_depth)?;
        check_signature_encoding(sig, flags)?;
        check_pubkey_encoding(pubkey, flags, sigversion)?;
        if ctx
            .checker
            .check_ecdsa_signature(sig, pubkey, &code, sigversion)
        {
            sig_depth += 1;
            sigs_left -= 1;
        }
        key_depth += 1;
        keys_left -= 1;
        // More signatures left than keys: they cannot all match.
        if sigs_left > keys_left {
            success = false;
        }
    }

    // Pop the arguments above the dummy, top first. With NULLFAIL a failed check requires
    // every signature (every item deeper than the signature count) to be empty.
    for top_depth in 1..dummy_depth {
        let top_is_sig = top_depth > sig_count_depth;
        if !success
            && flags.contains(VerifyFlags::NULLFAIL)
            && top_is_sig
            && !stack_top(stack, 1)?.is_empty()
        {
            return Err(ScriptError::NullFail);
        }
        stack.pop();
    }
    // The extra item.
    let dummy = stack_top(stack, 1)?;
    if flags.contains(VerifyFlags::NULLDUMMY) && !dummy.is_empty() {
        return Err(ScriptError::SigNullDummy);
    }
    stack.pop();
    Ok(success)
}
