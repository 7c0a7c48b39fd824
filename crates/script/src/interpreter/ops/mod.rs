//! The opcodes, one function per family, as Core's `EvalScript` groups them.
//!
//! [`execute`] is the table: it sends each non-push opcode to its family. Every handler
//! opens with its stack effect, `(before -- after)`, top of the stack on the right.
//!
//! | family | opcodes |
//! | --- | --- |
//! | [`flow`] | `NOP`s, `IF` `NOTIF` `ELSE` `ENDIF`, `VERIFY`, `RETURN` |
//! | [`locktime`] | `CHECKLOCKTIMEVERIFY` (BIP65), `CHECKSEQUENCEVERIFY` (BIP112) |
//! | [`stack`] | small integers, stack shuffles, `SIZE`, `EQUAL` |
//! | [`arith`] | numbers: `1ADD` … `WITHIN` |
//! | [`hash`] | `RIPEMD160` `SHA1` `SHA256` `HASH160` `HASH256` |
//! | [`sig`] | `CODESEPARATOR`, `CHECKSIG`, `CHECKSIGADD`, `CHECKMULTISIG` |

mod arith;
mod flow;
mod hash;
mod locktime;
mod sig;
mod stack;

pub(super) use sig::{find_and_delete, push_pattern};

use sou_primitives::opcodes::*;

use crate::ScriptError;

use super::eval::{Context, Machine};
use super::SignatureChecker;

/// Executes one non-push opcode (or a flow-control opcode in a branch not taken).
pub(super) fn execute<C: SignatureChecker + ?Sized>(
    op: Opcode,
    ctx: &Context<'_, C>,
    m: &mut Machine<'_>,
) -> Result<(), ScriptError> {
    match op {
        OP_NOP | OP_NOP1 | OP_NOP4 | OP_NOP5 | OP_NOP6 | OP_NOP7 | OP_NOP8 | OP_NOP9 | OP_NOP10
        | OP_IF | OP_NOTIF | OP_ELSE | OP_ENDIF | OP_VERIFY | OP_RETURN => {
            flow::execute(op, ctx, m)
        }
        OP_CHECKLOCKTIMEVERIFY | OP_CHECKSEQUENCEVERIFY => locktime::execute(op, ctx, m),
        OP_1NEGATE | OP_1 | OP_2 | OP_3 | OP_4 | OP_5 | OP_6 | OP_7 | OP_8 | OP_9 | OP_10
        | OP_11 | OP_12 | OP_13 | OP_14 | OP_15 | OP_16 | OP_TOALTSTACK | OP_FROMALTSTACK
        | OP_2DROP | OP_2DUP | OP_3DUP | OP_2OVER | OP_2ROT | OP_2SWAP | OP_IFDUP | OP_DEPTH
        | OP_DROP | OP_DUP | OP_NIP | OP_OVER | OP_PICK | OP_ROLL | OP_ROT | OP_SWAP | OP_TUCK
        | OP_SIZE | OP_EQUAL | OP_EQUALVERIFY => stack::execute(op, ctx, m),
        OP_1ADD
        | OP_1SUB
        | OP_NEGATE
        | OP_ABS
        | OP_NOT
        | OP_0NOTEQUAL
        | OP_ADD
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
        | OP_MAX
        | OP_WITHIN => arith::execute(op, ctx, m),
        OP_RIPEMD160 | OP_SHA1 | OP_SHA256 | OP_HASH160 | OP_HASH256 => hash::execute(op, m),
        OP_CODESEPARATOR
        | OP_CHECKSIG
        | OP_CHECKSIGVERIFY
        | OP_CHECKSIGADD
        | OP_CHECKMULTISIG
        | OP_CHECKMULTISIGVERIFY => sig::execute(op, ctx, m),
        // OP_RESERVED, OP_VER, OP_VERIF, OP_VERNOTIF, OP_RESERVED1/2 and the unassigned bytes.
        _ => Err(ScriptError::BadOpcode),
    }
}
