//! Script numbers: how Script reads a stack item as an integer.
//!
//! Numbers on the stack are little-endian magnitudes with the sign in the top bit of the
//! last byte (see [`sou_primitives::script::encode_script_num`]). Arithmetic opcodes only
//! accept operands of up to 4 bytes, so results fit easily in an `i64` even though they
//! may be 5 bytes long when pushed back; BIP65/112 accept 5-byte operands because lock
//! times reach 2^32 - 1. Under MINIMALDATA an operand must be in its shortest form: no
//! trailing zero byte unless it carries the sign.
//!
//! ```text
//!   0x05        -> 5        0x85       -> -5      0x8000  -> 128
//!   0x0500      -> 5, but not minimal (the 00 adds nothing)
//!   0x80        -> 0, "negative zero", not minimal
//! ```
//!
//! References: Core `src/script/script.h` (`CScriptNum`, `CastToBool`).

use crate::ScriptError;

/// Decoding of stack items as numbers.
pub struct ScriptNum;

impl ScriptNum {
    /// Reads `item` as a number of at most `max_len` bytes (Core `CScriptNum(vch,
    /// fRequireMinimal, nMaxNumSize)`).
    pub fn decode(item: &[u8], require_minimal: bool, max_len: usize) -> Result<i64, ScriptError> {
        if item.len() > max_len {
            return Err(ScriptError::ScriptNum);
        }
        let Some((&last, rest)) = item.split_last() else {
            return Ok(0);
        };
        // A last byte of 0x00 or 0x80 is only needed when the byte before it has its top
        // bit set (it would otherwise be read as the sign).
        if require_minimal && last & 0x7f == 0 && rest.last().is_none_or(|b| b & 0x80 == 0) {
            return Err(ScriptError::ScriptNum);
        }
        let mut value: i64 = 0;
        for (i, &b) in item.iter().enumerate() {
            value |= i64::from(b) << (8 * i);
        }
        if last & 0x80 != 0 {
            let sign_bit = 0x80i64 << (8 * (item.len() - 1));
            Ok(-(value & !sign_bit))
        } else {
            Ok(value)
        }
    }
}

/// The truth of a stack item: any non-zero byte, except a lone sign bit at the end
/// ("negative zero") (Core `CastToBool`).
pub fn cast_to_bool(item: &[u8]) -> bool {
    match item.split_last() {
        None => false,
        Some((&last, rest)) => rest.iter().any(|&b| b != 0) || (last != 0 && last != 0x80),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_like_core() {
        assert_eq!(ScriptNum::decode(&[], true, 4), Ok(0));
        assert_eq!(ScriptNum::decode(&[0x05], true, 4), Ok(5));
        assert_eq!(ScriptNum::decode(&[0x85], true, 4), Ok(-5));
        assert_eq!(ScriptNum::decode(&[0x80, 0x00], true, 4), Ok(128));
        assert_eq!(
            ScriptNum::decode(&[0xff, 0xff, 0xff, 0xff], true, 4),
            Ok(-0x7fff_ffff)
        );
        assert_eq!(
            ScriptNum::decode(&[0x05, 0x00], true, 4),
            Err(ScriptError::ScriptNum)
        );
        assert_eq!(ScriptNum::decode(&[0x05, 0x00], false, 4), Ok(5));
        assert_eq!(
            ScriptNum::decode(&[0x80], true, 4),
            Err(ScriptError::ScriptNum)
        );
        assert_eq!(ScriptNum::decode(&[0x80], false, 4), Ok(0));
        assert_eq!(
            ScriptNum::decode(&[0; 5], false, 4),
            Err(ScriptError::ScriptNum)
        );
        assert_eq!(
            ScriptNum::decode(&[0xff, 0xff, 0xff, 0xff, 0x00], true, 5),
            Ok(0xffff_ffff)
        );
        assert!(!cast_to_bool(&[0, 0, 0x80]));
        assert!(cast_to_bool(&[0, 1, 0x80]));
        assert!(!cast_to_bool(&[]));
    }
}
