//! Lock times in script: `CHECKLOCKTIMEVERIFY` (BIP65) and `CHECKSEQUENCEVERIFY` (BIP112).
//!
//! Both were `NOP`s before their soft forks, so both leave their operand on the stack (a
//! `NOP` cannot pop) and, without their flag, still do nothing. The comparison with the
//! transaction is the checker's: [`SignatureChecker::check_lock_time`] and
//! [`SignatureChecker::check_sequence`].

use sou_primitives::opcodes::*;
use sou_primitives::transaction::SEQUENCE_LOCKTIME_DISABLE_FLAG;

use crate::num::ScriptNum;
use crate::{ScriptError, VerifyFlags};

use super::super::eval::{stack_top, Context, Machine};
use super::super::SignatureChecker;

/// Lock times and sequences go up to 2^32 - 1, which needs 5 bytes as a (signed) script
/// number: the usual 4-byte limit would cut the range in half.
const LOCK_OPERAND_SIZE: usize = 5;

pub(super) fn execute<C: SignatureChecker + ?Sized>(
    op: Opcode,
    ctx: &Context<'_, C>,
    m: &mut Machine<'_>,
) -> Result<(), ScriptError> {
    let flags = ctx.flags;
    let minimal = flags.contains(VerifyFlags::MINIMALDATA);
    let stack = &*m.stack;
    match op {
        // (n -- n): the transaction's lock time must have reached n.
        OP_CHECKLOCKTIMEVERIFY => {
            if flags.contains(VerifyFlags::CHECKLOCKTIMEVERIFY) {
                let lock_time =
                    ScriptNum::decode(stack_top(stack, 1)?, minimal, LOCK_OPERAND_SIZE)?;
                if lock_time < 0 {
                    return Err(ScriptError::NegativeLocktime);
                }
                if !ctx.checker.check_lock_time(lock_time) {
                    return Err(ScriptError::UnsatisfiedLocktime);
                }
            }
        }
        // (n -- n): the input's relative lock (BIP68) must be at least n.
        OP_CHECKSEQUENCEVERIFY => {
            if flags.contains(VerifyFlags::CHECKSEQUENCEVERIFY) {
                let sequence = ScriptNum::decode(stack_top(stack, 1)?, minimal, LOCK_OPERAND_SIZE)?;
                if sequence < 0 {
                    return Err(ScriptError::NegativeLocktime);
                }
                // With the disable bit set the operand asks for nothing (future use). The
                // operand is an i64 script number; the u32 flag widens losslessly.
                if sequence & i64::from(SEQUENCE_LOCKTIME_DISABLE_FLAG) == 0
                    && !ctx.checker.check_sequence(sequence)
                {
                    return Err(ScriptError::UnsatisfiedLocktime);
                }
            }
        }
        _ => return Err(ScriptError::BadOpcode),
    }
    Ok(())
}
