//! Stack operations: small integers, the alt stack, shuffles, `SIZE` and `EQUAL`.
//!
//! None of them looks inside an item except `PICK`/`ROLL` (a depth) and `IFDUP` (truth);
//! `EQUAL` compares bytes, not numbers (`0` and `0x00` differ).

use sou_primitives::opcodes::*;
use sou_primitives::script::encode_script_num;

use crate::num::cast_to_bool;
use crate::ScriptError;

use super::super::eval::{bool_item, num, pop, stack_top, Context, Machine};
use super::super::SignatureChecker;

pub(super) fn execute<C: SignatureChecker + ?Sized>(
    op: Opcode,
    ctx: &Context<'_, C>,
    m: &mut Machine<'_>,
) -> Result<(), ScriptError> {
    let stack = &mut *m.stack;
    match op {
        // ( -- n)
        OP_1NEGATE | OP_1 | OP_2 | OP_3 | OP_4 | OP_5 | OP_6 | OP_7 | OP_8 | OP_9 | OP_10
        | OP_11 | OP_12 | OP_13 | OP_14 | OP_15 | OP_16 => {
            let n = op.small_int().unwrap_or_default();
            stack.push(encode_script_num(n));
        }
        // (x -- ) main to alt
        OP_TOALTSTACK => {
            let x = pop(stack)?;
            m.altstack.push(x);
        }
        // ( -- x) alt to main
        OP_FROMALTSTACK => {
            let x = m
                .altstack
                .pop()
                .ok_or(ScriptError::InvalidAltstackOperation)?;
            stack.push(x);
        }
        // (x1 x2 -- )
        OP_2DROP => {
            stack_top(stack, 2)?;
            stack.truncate(stack.len() - 2);
        }
        // (x1 x2 -- x1 x2 x1 x2)
        OP_2DUP => {
            let (a, b) = (stack_top(stack, 2)?.clone(), stack_top(stack, 1)?.clone());
            stack.push(a);
            stack.push(b);
        }
        // (x1 x2 x3 -- x1 x2 x3 x1 x2 x3)
        OP_3DUP => {
            let items = [
                stack_top(stack, 3)?.clone(),
                stack_top(stack, 2)?.clone(),
                stack_top(stack, 1)?.clone(),
            ];
            stack.extend(items);
        }
        // (x1 x2 x3 x4 -- x1 x2 x3 x4 x1 x2)
        OP_2OVER => {
            let (a, b) = (stack_top(stack, 4)?.clone(), stack_top(stack, 3)?.clone());
            stack.push(a);
            stack.push(b);
        }
        // (x1 x2 x3 x4 x5 x6 -- x3 x4 x5 x6 x1 x2)
        OP_2ROT => {
            stack_top(stack, 6)?;
            let at = stack.len() - 6;
            let moved: Vec<Vec<u8>> = stack.drain(at..at + 2).collect();
            stack.extend(moved);
        }
        // (x1 x2 x3 x4 -- x3 x4 x1 x2)
        OP_2SWAP => {
            stack_top(stack, 4)?;
            let n = stack.len();
            stack.swap(n - 4, n - 2);
            stack.swap(n - 3, n - 1);
        }
        // (x -- x x) if x is true
        OP_IFDUP => {
            let top = stack_top(stack, 1)?;
            if cast_to_bool(top) {
                let copy = top.clone();
                stack.push(copy);
            }
        }
        // ( -- depth); at most MAX_STACK_SIZE items, so the i64 cannot truncate.
        OP_DEPTH => stack.push(encode_script_num(stack.len() as i64)),
        // (x -- )
        OP_DROP => {
            pop(stack)?;
        }
        // (x -- x x)
        OP_DUP => {
            let top = stack_top(stack, 1)?.clone();
            stack.push(top);
        }
        // (x1 x2 -- x2)
        OP_NIP => {
            stack_top(stack, 2)?;
            let at = stack.len() - 2;
            stack.remove(at);
        }
        // (x1 x2 -- x1 x2 x1)
        OP_OVER => {
            let x = stack_top(stack, 2)?.clone();
            stack.push(x);
        }
        // (xn ... x0 n -- xn ... x0 xn), ROLL also removes xn
        OP_PICK | OP_ROLL => {
            // Core (`EvalScript`) checks for two items before it reads n: a lone item that
            // is not a number fails INVALID_STACK_OPERATION, not SCRIPTNUM.
            stack_top(stack, 2)?;
            let n = num(stack_top(stack, 1)?, ctx.flags)?;
            stack.pop();
            let depth = usize::try_from(n).map_err(|_| ScriptError::InvalidStackOperation)?;
            if depth >= stack.len() {
                return Err(ScriptError::InvalidStackOperation);
            }
            let at = stack.len() - 1 - depth;
            let x = if op == OP_ROLL {
                stack.remove(at)
            } else {
                stack[at].clone()
            };
            stack.push(x);
        }
        // (x1 x2 x3 -- x2 x3 x1)
        OP_ROT => {
            stack_top(stack, 3)?;
            let n = stack.len();
            stack.swap(n - 3, n - 2);
            stack.swap(n - 2, n - 1);
        }
        // (x1 x2 -- x2 x1)
        OP_SWAP => {
            stack_top(stack, 2)?;
            let n = stack.len();
            stack.swap(n - 2, n - 1);
        }
        // (x1 x2 -- x2 x1 x2)
        OP_TUCK => {
            stack_top(stack, 2)?;
            let top = stack_top(stack, 1)?.clone();
            let at = stack.len() - 2;
            stack.insert(at, top);
        }
        // (x -- x size); items are at most 520 bytes, so the i64 cannot truncate.
        OP_SIZE => {
            let size = stack_top(stack, 1)?.len() as i64;
            stack.push(encode_script_num(size));
        }
        // (x1 x2 -- bool), EQUALVERIFY: (x1 x2 -- ) or fail
        OP_EQUAL | OP_EQUALVERIFY => {
            let equal = stack_top(stack, 2)? == stack_top(stack, 1)?;
            stack.truncate(stack.len() - 2);
            stack.push(bool_item(equal));
            if op == OP_EQUALVERIFY {
                if !equal {
                    return Err(ScriptError::EqualVerify);
                }
                stack.pop();
            }
        }
        _ => return Err(ScriptError::BadOpcode),
    }
    Ok(())
}
