//! Arithmetic on script numbers: `1ADD` … `WITHIN`.
//!
//! Operands are at most 4 bytes (so within ±2^31 - 1) and minimally encoded under
//! MINIMALDATA; results may be 5 bytes and are only usable by a later operation if they
//! fit 4 again (Core `CScriptNum`). Sums of two 4-byte numbers fit an i64 easily, so
//! nothing here can overflow.

use sou_primitives::opcodes::*;
use sou_primitives::script::encode_script_num;

use crate::ScriptError;

use super::super::eval::{bool_item, num, stack_top, Context, Machine};
use super::super::SignatureChecker;

pub(super) fn execute<C: SignatureChecker + ?Sized>(
    op: Opcode,
    ctx: &Context<'_, C>,
    m: &mut Machine<'_>,
) -> Result<(), ScriptError> {
    let flags = ctx.flags;
    let stack = &mut *m.stack;
    match op {
        // (in -- out)
        OP_1ADD | OP_1SUB | OP_NEGATE | OP_ABS | OP_NOT | OP_0NOTEQUAL => {
            let a = num(stack_top(stack, 1)?, flags)?;
            let result = match op {
                OP_1ADD => a + 1,
                OP_1SUB => a - 1,
                OP_NEGATE => -a,
                OP_ABS => a.abs(),
                OP_NOT => i64::from(a == 0),
                _ => i64::from(a != 0),
            };
            stack.pop();
            stack.push(encode_script_num(result));
        }
        // (x1 x2 -- out), NUMEQUALVERIFY: (x1 x2 -- ) or fail
        OP_ADD
        | OP_SUB
        | OP_BOOLAND
        | OP_BOOLOR
        | OP_NUMEQUAL
        | OP_NUMEQUALVERIFY
        | OP_NUMNOTEQUAL
        | OP_LESSTHAN
        | OP_GREATERTHAN
        | OP_LESSTHANOREQUAL
        | OP_GREATERTHANOREQUAL
        | OP_MIN
        | OP_MAX => {
            let a = num(stack_top(stack, 2)?, flags)?;
            let b = num(stack_top(stack, 1)?, flags)?;
            let result = match op {
                OP_ADD => a + b,
                OP_SUB => a - b,
                OP_BOOLAND => i64::from(a != 0 && b != 0),
                OP_BOOLOR => i64::from(a != 0 || b != 0),
                OP_NUMEQUAL | OP_NUMEQUALVERIFY => i64::from(a == b),
                OP_NUMNOTEQUAL => i64::from(a != b),
                OP_LESSTHAN => i64::from(a < b),
                OP_GREATERTHAN => i64::from(a > b),
                OP_LESSTHANOREQUAL => i64::from(a <= b),
                OP_GREATERTHANOREQUAL => i64::from(a >= b),
                OP_MIN => a.min(b),
                _ => a.max(b),
            };
            stack.truncate(stack.len() - 2);
            stack.push(encode_script_num(result));
            if op == OP_NUMEQUALVERIFY {
                if result == 0 {
                    return Err(ScriptError::NumEqualVerify);
                }
                stack.pop();
            }
        }
        // (x min max -- bool): min <= x < max
        OP_WITHIN => {
            let x = num(stack_top(stack, 3)?, flags)?;
            let min = num(stack_top(stack, 2)?, flags)?;
            let max = num(stack_top(stack, 1)?, flags)?;
            stack.truncate(stack.len() - 3);
            stack.push(bool_item(min <= x && x < max));
        }
        _ => return Err(ScriptError::BadOpcode),
    }
    Ok(())
}
