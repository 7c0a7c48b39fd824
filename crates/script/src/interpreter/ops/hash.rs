//! Hash opcodes: `RIPEMD160`, `SHA1`, `SHA256`, `HASH160` (RIPEMD-160 of SHA-256, the
//! address hash) and `HASH256` (double SHA-256, the txid hash).

use sou_primitives::hashes::{hash160, ripemd160, sha256, sha256d};
use sou_primitives::opcodes::*;

use crate::ScriptError;

use super::super::eval::{stack_top, Machine};

pub(super) fn execute(op: Opcode, m: &mut Machine<'_>) -> Result<(), ScriptError> {
    let stack = &mut *m.stack;
    // (in -- hash)
    let data = stack_top(stack, 1)?;
    let hash: Vec<u8> = match op {
        OP_RIPEMD160 => ripemd160(data).to_vec(),
        OP_SHA1 => {
            use sha1::Digest;
            sha1::Sha1::digest(data).to_vec()
        }
        OP_SHA256 => sha256(data).to_vec(),
        OP_HASH160 => hash160(data).to_vec(),
        OP_HASH256 => sha256d(data).to_vec(),
        _ => return Err(ScriptError::BadOpcode),
    };
    stack.pop();
    stack.push(hash);
    Ok(())
}
