//! The script assembly of Bitcoin Core's test vectors.
//!
//! Core's JSON tests write scripts as words: decimal numbers (pushed as script numbers,
//! with `OP_N` for -1 and 0 to 16), `0x..` raw bytes inserted as they are, `'text'` pushed
//! as bytes, and opcode names with or without `OP_`. This parser follows Core's
//! `ParseScript` (`src/core_read.cpp`), so the vectors mean here what they mean there.

use sou_primitives::opcodes::Opcode;
use sou_primitives::script::Builder;
use sou_primitives::Script;

/// Why a word is not script assembly.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("script parse error at {word:?}")]
pub struct AsmError {
    /// The word that failed.
    pub word: String,
}

/// The opcode a name stands for, as Core's `ParseOpCode` reads it: every opcode from
/// `OP_NOP` on plus `OP_RESERVED`, with or without the `OP_` prefix.
fn opcode_named(word: &str) -> Option<Opcode> {
    let name = word.strip_prefix("OP_").unwrap_or(word);
    (0x50..=0xbau8)
        .filter(|&b| b == 0x50 || b >= 0x61)
        .map(Opcode::from_u8)
        .find(|op| op.name().strip_prefix("OP_") == Some(name))
}

/// Parses Core's test assembly into a script.
pub fn parse_asm(text: &str) -> Result<Script, AsmError> {
    let mut bytes = Vec::new();
    let error = |w: &str| AsmError { word: w.to_owned() };
    for word in text.split([' ', '\t', '\n']).filter(|w| !w.is_empty()) {
        let digits = word.strip_prefix('-').unwrap_or(word);
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            let n: i64 = word.parse().map_err(|_| error(word))?;
            if !(-0xffff_ffff..=0xffff_ffff).contains(&n) {
                return Err(error(word));
            }
            bytes.extend_from_slice(Builder::new().push_int(n).into_script().as_bytes());
        } else if let Some(hex) = word.strip_prefix("0x").filter(|h| !h.is_empty()) {
            if hex.len() % 2 != 0 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(error(word));
            }
            for i in (0..hex.len()).step_by(2) {
                bytes.push(u8::from_str_radix(&hex[i..i + 2], 16).map_err(|_| error(word))?);
            }
        } else if word.len() >= 2 && word.starts_with('\'') && word.ends_with('\'') {
            let text = &word.as_bytes()[1..word.len() - 1];
            bytes.extend_from_slice(
                Builder::new()
                    .push_slice_non_minimal(text)
                    .into_script()
                    .as_bytes(),
            );
        } else {
            bytes.push(opcode_named(word).ok_or_else(|| error(word))?.to_u8());
        }
    }
    Ok(Script::from_bytes(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_like_core() {
        let s = parse_asm("0 1 -1 16 17 0x4c01ff 'ab' DUP OP_HASH160 CHECKLOCKTIMEVERIFY CHECKSEQUENCEVERIFY RESERVED").unwrap();
        assert_eq!(
            s.as_bytes(),
            [
                0x00, 0x51, 0x4f, 0x60, 0x01, 0x11, 0x4c, 0x01, 0xff, 0x02, b'a', b'b', 0x76, 0xa9,
                0xb1, 0xb2, 0x50
            ]
        );
        assert!(parse_asm("FOO").is_err());
        assert!(parse_asm("4294967296").is_err());
        assert!(parse_asm("0x").is_err());
        // Names below OP_NOP (the numbers, pushes) are not opcode words.
        assert!(parse_asm("OP_1").is_err());
        // Core names 0xb1 and 0xb2 only by their soft-fork names.
        assert!(parse_asm("NOP2").is_err());
    }
}
