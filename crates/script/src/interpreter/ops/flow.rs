//! Flow control: `NOP`s, `IF` … `ELSE` … `ENDIF`, `VERIFY`, `RETURN`.
//!
//! `IF`, `NOTIF`, `ELSE` and `ENDIF` run even inside a branch not taken: they are how the
//! interpreter finds where the branch ends. They then only track the nesting.

use sou_primitives::opcodes::*;

use crate::num::cast_to_bool;
use crate::sighash::SigVersion;
use crate::{ScriptError, VerifyFlags};

use super::super::eval::{stack_top, Context, Machine};
use super::super::SignatureChecker;

/// Is `top` anything but the empty string or `1` (MINIMALIF, BIP342's tapscript rule)?
fn is_not_minimal_if(top: &[u8]) -> bool {
    top.len() > 1 || (top.len() == 1 && top[0] != 1)
}

pub(super) fn execute<C: SignatureChecker + ?Sized>(
    op: Opcode,
    ctx: &Context<'_, C>,
    m: &mut Machine<'_>,
) -> Result<(), ScriptError> {
    let flags = ctx.flags;
    let stack = &mut *m.stack;
    match op {
        // ( -- )
        OP_NOP => {}
        // ( -- ): reserved for soft forks, as CLTV and CSV were.
        OP_NOP1 | OP_NOP4 | OP_NOP5 | OP_NOP6 | OP_NOP7 | OP_NOP8 | OP_NOP9 | OP_NOP10 => {
            if flags.contains(VerifyFlags::DISCOURAGE_UPGRADABLE_NOPS) {
                return Err(ScriptError::DiscourageUpgradableNops);
            }
        }
        // <cond> IF ... [ELSE ...] ENDIF: (cond -- ) when executed
        OP_IF | OP_NOTIF => {
            let mut value = false;
            // Still the state before this opcode: nothing has changed it yet.
            if m.exec.all_true() {
                let top = stack_top(stack, 1)?;
                if ctx.sigversion == SigVersion::Tapscript && is_not_minimal_if(top) {
                    return Err(ScriptError::TapscriptMinimalIf);
                }
                if ctx.sigversion == SigVersion::WitnessV0
                    && flags.contains(VerifyFlags::MINIMALIF)
                    && is_not_minimal_if(top)
                {
                    return Err(ScriptError::MinimalIf);
                }
                value = cast_to_bool(top) != (op == OP_NOTIF);
                stack.pop();
            }
            m.exec.push(value);
        }
        // ( -- ): the innermost branch flips
        OP_ELSE => {
            if m.exec.is_empty() {
                return Err(ScriptError::UnbalancedConditional);
            }
            m.exec.toggle_top();
        }
        // ( -- ): the innermost branch closes
        OP_ENDIF => {
            if m.exec.is_empty() {
                return Err(ScriptError::UnbalancedConditional);
            }
            m.exec.pop();
        }
        // (true -- ) or fail
        OP_VERIFY => {
            if !cast_to_bool(stack_top(stack, 1)?) {
                return Err(ScriptError::Verify);
            }
            stack.pop();
        }
        // ( -- ) fail: the output is provably unspendable
        OP_RETURN => return Err(ScriptError::OpReturn),
        _ => return Err(ScriptError::BadOpcode),
    }
    Ok(())
}
