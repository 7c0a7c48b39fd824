//! Scripts as words: Core's assembly, both ways.
//!
//! A script is bytes, but people read it as words: `OP_DUP OP_HASH160 <hash> OP_EQUALVERIFY
//! OP_CHECKSIG`. Core writes two dialects, and this module reads one and writes the other.
//!
//! **What RPCs print** ([`script_to_asm_str`], Core's `ScriptToAsmStr`): opcodes by name,
//! pushes of up to 4 bytes as the decimal number they encode, longer pushes as hex, and
//! `[error]` where a push runs past the end. In an input's `scriptSig` a push shaped like a
//! signature (strict DER and a defined sighash byte) shows its last byte decoded, as in
//! `3044...01[ALL]`, so that a reader sees how the signer committed to the transaction.
//!
//! **What Core's test vectors are written in** ([`parse_asm`], Core's `ParseScript`):
//! decimal numbers (pushed as script numbers, with `OP_N` for -1 and 0 to 16), `0x..` raw
//! bytes inserted as they are, `'text'` pushed as bytes, and opcode names with or without
//! `OP_`. The vectors mean here what they mean there.
//!
//! ```
//! use sou_script::asm::{parse_asm, script_to_asm_str};
//!
//! let p2pkh = parse_asm("DUP HASH160 0x14 0x751e76e8199196d454941c45d1b3a323f1433bd6 EQUALVERIFY CHECKSIG")?;
//! assert_eq!(
//!     script_to_asm_str(&p2pkh, false),
//!     "OP_DUP OP_HASH160 751e76e8199196d454941c45d1b3a323f1433bd6 OP_EQUALVERIFY OP_CHECKSIG"
//! );
//! // Small pushes read as numbers: the height a coinbase starts with.
//! assert_eq!(script_to_asm_str(&parse_asm("0x03 0x40420f")?, true), "1000000");
//! # Ok::<(), sou_script::asm::AsmError>(())
//! ```
//!
//! References: Core `src/core_io.cpp` (`ScriptToAsmStr`, `SighashToStr`, `ParseScript`),
//! `src/script/interpreter.cpp` (`CheckSignatureEncoding`).

use core::fmt::Write as _;

use sou_primitives::opcodes::{Opcode, OP_CHECKSIGADD, OP_NOP, OP_RESERVED};
use sou_primitives::script::{Builder, Instruction};
use sou_primitives::Script;

use crate::interpreter::is_valid_signature_encoding;
use crate::sighash::SighashType;

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
    let operations = (OP_NOP.to_u8()..=OP_CHECKSIGADD.to_u8()).map(Opcode::from_u8);
    core::iter::once(OP_RESERVED)
        .chain(operations)
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

/// Core's name for a sighash type, if it is one of the six defined types
/// (`SighashToStr`): `ALL`, `NONE`, `SINGLE`, each alone or `|ANYONECANPAY`.
pub fn sighash_to_str(sighash_type: SighashType) -> Option<&'static str> {
    match sighash_type {
        SighashType::ALL => Some("ALL"),
        SighashType::NONE => Some("NONE"),
        SighashType::SINGLE => Some("SINGLE"),
        SighashType::ALL_ANYONECANPAY => Some("ALL|ANYONECANPAY"),
        SighashType::NONE_ANYONECANPAY => Some("NONE|ANYONECANPAY"),
        SighashType::SINGLE_ANYONECANPAY => Some("SINGLE|ANYONECANPAY"),
        _ => None,
    }
}

/// The assembly RPCs print for a script (Core `ScriptToAsmStr`).
///
/// Pushes of at most 4 bytes print as the number they encode, read without minimality
/// rules (so `0x0100` prints `1`); longer pushes print as hex; other opcodes by name
/// (`OP_0` is `0`, `OP_1`..`OP_16` are digits, `OP_1NEGATE` is `-1`). A push that runs
/// past the end prints `[error]` and ends the text.
///
/// With `attempt_sighash_decode` (Core passes it for `scriptSig`s only), a push longer
/// than 4 bytes that passes Core's `CheckSignatureEncoding` under `STRICTENC` (strict
/// DER, defined sighash byte) prints without its last byte, followed by the sighash name
/// in brackets: `...01` becomes `...[ALL]`. Keys never match that shape. A script that
/// starts with `OP_RETURN` is left alone: its data only looks like signatures.
pub fn script_to_asm_str(script: &Script, attempt_sighash_decode: bool) -> String {
    let decode_sighash = attempt_sighash_decode && !script.is_unspendable();
    let mut out = String::new();
    for item in script.instructions() {
        if !out.is_empty() {
            out.push(' ');
        }
        match item {
            Err(_) => {
                out.push_str("[error]");
                break;
            }
            Ok(Instruction::Push { data, .. }) if data.len() <= 4 => {
                let _ = write!(
                    out,
                    "{}",
                    sou_primitives::script::decode_script_num_lenient(data)
                );
            }
            Ok(Instruction::Push { data, .. }) => {
                let decoded = match data.split_last() {
                    Some((&last, body)) if decode_sighash && is_strict_signature(data) => {
                        sighash_to_str(SighashType::from_sig_byte(last)).map(|name| (body, name))
                    }
                    _ => None,
                };
                match decoded {
                    Some((body, name)) => {
                        push_hex(&mut out, body);
                        let _ = write!(out, "[{name}]");
                    }
                    None => push_hex(&mut out, data),
                }
            }
            Ok(Instruction::Op(op)) => out.push_str(op.name()),
        }
    }
    out
}

/// Core's `CheckSignatureEncoding(sig, SCRIPT_VERIFY_STRICTENC)` for a non-empty push:
/// BIP66 strict DER, then a sighash byte that, without `ANYONECANPAY`, is `ALL`, `NONE`
/// or `SINGLE` (`IsDefinedHashtypeSignature`). `STRICTENC` does not ask for a low S.
fn is_strict_signature(sig: &[u8]) -> bool {
    is_valid_signature_encoding(sig)
        && sig
            .last()
            .is_some_and(|&b| SighashType::from_sig_byte(b).is_defined())
}

fn push_hex(out: &mut String, bytes: &[u8]) {
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
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

    /// A strict-DER signature (from Core's `tx_valid.json`) without its sighash byte.
    const DER: &str = "3044022054fef135e81fce9064013e06a8cb66cd07f243d8566a11b61d118d5e6e51f14c022012ffde265aba40a77394001574759c3f0d84649881bd69c11cb32cc4db2e8be4";

    fn push(data: &[u8]) -> Script {
        Builder::new().push_slice(data).into_script()
    }

    #[test]
    fn asm_of_outputs_and_numbers() {
        let s = parse_asm("0 -1 1 16 0x02 0x0100 0x04 0xffffff7f 0x04 0xffffffff 0x05 0x0102030405 CHECKSIGADD 0xff").unwrap();
        assert_eq!(
            script_to_asm_str(&s, false),
            "0 -1 1 16 1 2147483647 -2147483647 0102030405 OP_CHECKSIGADD OP_INVALIDOPCODE"
        );
        assert_eq!(script_to_asm_str(&s, false), s.to_asm_string());
        let cut = Script::from_bytes(vec![0x76, 0x4c]);
        assert_eq!(script_to_asm_str(&cut, true), "OP_DUP [error]");
        assert_eq!(script_to_asm_str(&Script::new(), true), "");
    }

    #[test]
    fn signatures_show_their_sighash_in_script_sigs() {
        let der = hex::decode(DER).unwrap();
        for (byte, name) in [
            (0x01, "[ALL]"),
            (0x02, "[NONE]"),
            (0x03, "[SINGLE]"),
            (0x81, "[ALL|ANYONECANPAY]"),
            (0x82, "[NONE|ANYONECANPAY]"),
            (0x83, "[SINGLE|ANYONECANPAY]"),
        ] {
            let sig = [&der[..], &[byte]].concat();
            assert_eq!(script_to_asm_str(&push(&sig), true), format!("{DER}{name}"));
            // Not in output scripts.
            assert_eq!(
                script_to_asm_str(&push(&sig), false),
                format!("{DER}{byte:02x}")
            );
        }
        // Undefined sighash bytes and broken DER stay hex.
        for byte in [0x00, 0x04, 0x80, 0x84, 0x41] {
            let sig = [&der[..], &[byte]].concat();
            assert_eq!(
                script_to_asm_str(&push(&sig), true),
                format!("{DER}{byte:02x}")
            );
        }
        let mut bad = [&der[..], &[0x01]].concat();
        bad[0] = 0x31;
        assert_eq!(script_to_asm_str(&push(&bad), true), hex::encode(&bad));
        // Behind OP_RETURN, signature-shaped data is not decoded.
        let sig = [&der[..], &[0x01]].concat();
        let data = Builder::new()
            .push_opcode(sou_primitives::opcodes::OP_RETURN)
            .push_slice(&sig)
            .into_script();
        assert_eq!(script_to_asm_str(&data, true), format!("OP_RETURN {DER}01"));
    }
}
