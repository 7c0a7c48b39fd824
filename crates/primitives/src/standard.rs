//! Naming output scripts: the standard templates and what they pay to.
//!
//! Consensus accepts any script as a lock, but almost every coin is locked by one of a few
//! templates: pay to a public key, to the hash of one, to the hash of a script (BIP16), to
//! several keys (bare multisig), or to a witness program (BIP141, BIP341). Recognising the
//! template tells a node which address to show, which descriptor describes the output,
//! and whether its policy relays it. Outputs that start with `OP_RETURN` and then only push
//! data carry data and can never be spent.
//!
//! [`solver`] matches a script against the templates in Core's order and returns a
//! [`Solution`]: the template and the values it carries (a key, a hash, the keys of a
//! multisig). [`ScriptType`] is the template alone, named as Core's RPCs print it.
//!
//! The templates are matched by shape, not by meaning: a "public key" is any push of 33
//! bytes starting `02`/`03` or 65 bytes starting `04`/`06`/`07`, whether or not it is a
//! point of the curve, exactly as Core's `CPubKey::ValidSize` judges it.
//!
//! ```
//! use sou_primitives::standard::{solver, ScriptType, Solution};
//! use sou_primitives::Script;
//!
//! // OP_0 <20 bytes>: a P2WPKH output, paying to the hash of a key.
//! let script = Script::from_bytes([&[0x00, 0x14][..], &[0xab; 20]].concat());
//! assert_eq!(ScriptType::of(&script).name(), "witness_v0_keyhash");
//! assert_eq!(solver(&script), Solution::WitnessV0KeyHash { hash: &[0xab; 20] });
//! // OP_RETURN and a push: data, not a payment.
//! assert_eq!(ScriptType::of(&Script::from_bytes(vec![0x6a, 0x01, 0x2a])), ScriptType::NullData);
//! ```
//!
//! References: BIP16, BIP141, BIP341; Core `Solver`, `GetTxnOutputType`, `MatchMultisig`
//! (src/script/solver.cpp), `CScript::IsPayToAnchor` (src/script/script.cpp),
//! `CPubKey::ValidSize` (src/pubkey.h).

use core::fmt;

use crate::opcodes::{
    self, Opcode, OP_CHECKMULTISIG, OP_CHECKSIG, OP_PUSHDATA1, OP_PUSHDATA2, OP_RETURN,
};
use crate::script::{Instruction, Instructions, Script};

/// The most keys a bare `OP_CHECKMULTISIG` may name (Core `MAX_PUBKEYS_PER_MULTISIG`).
pub const MAX_PUBKEYS_PER_MULTISIG: u8 = 20;

/// The witness program of a pay-to-anchor output: `OP_1 <0x4e73>` (Core `IsPayToAnchor`).
pub const ANCHOR_PROGRAM: [u8; 2] = [0x4e, 0x73];

/// The templates an output script can match (Core `TxoutType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScriptType {
    /// No template.
    NonStandard,
    /// `<pubkey> OP_CHECKSIG`.
    PubKey,
    /// `OP_DUP OP_HASH160 <20 bytes> OP_EQUALVERIFY OP_CHECKSIG`.
    PubKeyHash,
    /// `OP_HASH160 <20 bytes> OP_EQUAL` (BIP16).
    ScriptHash,
    /// `m <pubkey>... n OP_CHECKMULTISIG`.
    Multisig,
    /// `OP_RETURN` followed by pushes only: data, unspendable.
    NullData,
    /// Witness version 0, 20-byte program (P2WPKH).
    WitnessV0KeyHash,
    /// Witness version 0, 32-byte program (P2WSH).
    WitnessV0ScriptHash,
    /// Witness version 1, 32-byte program (P2TR).
    WitnessV1Taproot,
    /// `OP_1 <0x4e73>`: pay to anchor, spendable by anyone, for fee bumping.
    Anchor,
    /// A witness program of a version with no meaning yet (1 to 16, except the above).
    WitnessUnknown,
}

impl ScriptType {
    /// Core's name, as RPCs print it in `type` (`GetTxnOutputType`).
    pub const fn name(self) -> &'static str {
        match self {
            ScriptType::NonStandard => "nonstandard",
            ScriptType::PubKey => "pubkey",
            ScriptType::PubKeyHash => "pubkeyhash",
            ScriptType::ScriptHash => "scripthash",
            ScriptType::Multisig => "multisig",
            ScriptType::NullData => "nulldata",
            ScriptType::WitnessV0KeyHash => "witness_v0_keyhash",
            ScriptType::WitnessV0ScriptHash => "witness_v0_scripthash",
            ScriptType::WitnessV1Taproot => "witness_v1_taproot",
            ScriptType::Anchor => "anchor",
            ScriptType::WitnessUnknown => "witness_unknown",
        }
    }

    /// The template of `script` (Core `Solver`, keeping only the type).
    pub fn of(script: &Script) -> ScriptType {
        solver(script).script_type()
    }
}

impl fmt::Display for ScriptType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A matched template and the values it carries, borrowed from the script (Core's
/// `Solver` result: the type and its `vSolutions`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Solution<'a> {
    /// No template.
    NonStandard,
    /// Pay to a public key (33 or 65 bytes, shape checked only).
    PubKey {
        /// The key as pushed.
        pubkey: &'a [u8],
    },
    /// Pay to the hash160 of a public key.
    PubKeyHash {
        /// The hash.
        hash: &'a [u8; 20],
    },
    /// Pay to the hash160 of a redeem script.
    ScriptHash {
        /// The hash.
        hash: &'a [u8; 20],
    },
    /// `required` of the `pubkeys` must sign.
    Multisig {
        /// Signatures required, 1 to `pubkeys.len()`.
        required: u8,
        /// The keys as pushed, 1 to 20 of them.
        pubkeys: Vec<&'a [u8]>,
    },
    /// Data carrier.
    NullData,
    /// P2WPKH: the hash160 of a public key.
    WitnessV0KeyHash {
        /// The program.
        hash: &'a [u8; 20],
    },
    /// P2WSH: the SHA-256 of a witness script.
    WitnessV0ScriptHash {
        /// The program.
        hash: &'a [u8; 32],
    },
    /// P2TR: the x-only output key.
    WitnessV1Taproot {
        /// The program.
        output_key: &'a [u8; 32],
    },
    /// Pay to anchor.
    Anchor,
    /// A witness program of a future version.
    WitnessUnknown {
        /// The version, 1 to 16.
        version: u8,
        /// The program, 2 to 40 bytes.
        program: &'a [u8],
    },
}

impl Solution<'_> {
    /// The template alone.
    pub fn script_type(&self) -> ScriptType {
        match self {
            Solution::NonStandard => ScriptType::NonStandard,
            Solution::PubKey { .. } => ScriptType::PubKey,
            Solution::PubKeyHash { .. } => ScriptType::PubKeyHash,
            Solution::ScriptHash { .. } => ScriptType::ScriptHash,
            Solution::Multisig { .. } => ScriptType::Multisig,
            Solution::NullData => ScriptType::NullData,
            Solution::WitnessV0KeyHash { .. } => ScriptType::WitnessV0KeyHash,
            Solution::WitnessV0ScriptHash { .. } => ScriptType::WitnessV0ScriptHash,
            Solution::WitnessV1Taproot { .. } => ScriptType::WitnessV1Taproot,
            Solution::Anchor => ScriptType::Anchor,
            Solution::WitnessUnknown { .. } => ScriptType::WitnessUnknown,
        }
    }
}

/// Matches `script` against the standard templates, in Core's order (`Solver`).
///
/// The order matters where templates overlap: P2SH is tried first (its 23 bytes could
/// never be a witness program anyway), then witness programs, where a version 0 program of
/// a size other than 20 or 32 is non-standard rather than "unknown", then data carriers,
/// then the key templates.
pub fn solver(script: &Script) -> Solution<'_> {
    let b = script.as_bytes();
    if script.is_p2sh() {
        if let Some(hash) = b.get(2..22).and_then(|h| h.try_into().ok()) {
            return Solution::ScriptHash { hash };
        }
    }
    if let Some((version, program)) = script.witness_program() {
        return match (version, program.len()) {
            (0, 20) => match program.try_into() {
                Ok(hash) => Solution::WitnessV0KeyHash { hash },
                Err(_) => Solution::NonStandard,
            },
            (0, 32) => match program.try_into() {
                Ok(hash) => Solution::WitnessV0ScriptHash { hash },
                Err(_) => Solution::NonStandard,
            },
            (1, 32) => match program.try_into() {
                Ok(output_key) => Solution::WitnessV1Taproot { output_key },
                Err(_) => Solution::NonStandard,
            },
            (1, 2) if program == ANCHOR_PROGRAM => Solution::Anchor,
            // A version 0 program of any other size can never be spent (BIP141 fixes
            // both sizes), so Core does not call it "unknown".
            (0, _) => Solution::NonStandard,
            _ => Solution::WitnessUnknown { version, program },
        };
    }
    // OP_RETURN then pushes only; OP_1NEGATE, OP_RESERVED and OP_1..OP_16 count as pushes
    // here, as in Core's `IsPushOnly`.
    if let Some((&first, rest)) = b.split_first() {
        if first == OP_RETURN.to_u8() && Script::from_slice(rest).is_push_only() {
            return Solution::NullData;
        }
    }
    if let Some(pubkey) = match_pay_to_pubkey(b) {
        return Solution::PubKey { pubkey };
    }
    if script.is_p2pkh() {
        if let Some(hash) = b.get(3..23).and_then(|h| h.try_into().ok()) {
            return Solution::PubKeyHash { hash };
        }
    }
    if let Some((required, pubkeys)) = match_multisig(b) {
        return Solution::Multisig { required, pubkeys };
    }
    Solution::NonStandard
}

/// True if `bytes` has the length its first byte announces for a public key: 33 for
/// `02`/`03` (compressed), 65 for `04` (uncompressed) and `06`/`07` (hybrid). Nothing
/// checks that the key is a point of the curve (Core `CPubKey::ValidSize`).
pub fn is_valid_pubkey_size(bytes: &[u8]) -> bool {
    match bytes.first() {
        Some(0x02 | 0x03) => bytes.len() == 33,
        Some(0x04 | 0x06 | 0x07) => bytes.len() == 65,
        _ => false,
    }
}

/// `<33 or 65 bytes> OP_CHECKSIG`, with a direct push of exactly that size
/// (Core `MatchPayToPubkey`).
fn match_pay_to_pubkey(b: &[u8]) -> Option<&[u8]> {
    let (&last, body) = b.split_last()?;
    let (&push, pubkey) = body.split_first()?;
    let size_ok = (push == 33 || push == 65) && usize::from(push) == pubkey.len();
    (last == OP_CHECKSIG.to_u8() && size_ok && is_valid_pubkey_size(pubkey)).then_some(pubkey)
}

/// `m <pubkey>... n OP_CHECKMULTISIG` with `1 <= m <= n <= 20`, every key of a valid
/// size, both numbers minimally encoded, and nothing else (Core `MatchMultisig`).
fn match_multisig(b: &[u8]) -> Option<(u8, Vec<&[u8]>)> {
    if b.last() != Some(&OP_CHECKMULTISIG.to_u8()) {
        return None;
    }
    let mut instructions = Instructions::new(b);
    let required = script_number(instructions.next(), 1, MAX_PUBKEYS_PER_MULTISIG)?;
    let mut pubkeys = Vec::new();
    // Keys are read as long as pushes have a key's size; the first other instruction
    // must then be the key count.
    let count_instruction = loop {
        match instructions.next() {
            Some(Ok(Instruction::Push { data, .. })) if is_valid_pubkey_size(data) => {
                pubkeys.push(data);
            }
            other => break other,
        }
    };
    let count = script_number(count_instruction, required, MAX_PUBKEYS_PER_MULTISIG)?;
    // Exactly the OP_CHECKMULTISIG checked above must follow the count.
    let rest = b.len().checked_sub(instructions.position())?;
    (usize::from(count) == pubkeys.len() && rest == 1).then_some((required, pubkeys))
}

/// A number in `min..=max` written as `OP_1`..`OP_16` or as a minimal push of a minimal
/// script number (Core `GetScriptNumber`). `OP_0` and `OP_1NEGATE` are not accepted: the
/// range never includes them.
fn script_number<E>(
    instruction: Option<Result<Instruction<'_>, E>>,
    min: u8,
    max: u8,
) -> Option<u8> {
    let n: i64 = match instruction? {
        Ok(Instruction::Op(op)) if (opcodes::OP_1..=opcodes::OP_16).contains(&op) => {
            op.small_int()?
        }
        Ok(Instruction::Push { opcode, data }) if opcode != opcodes::OP_0 => {
            if !is_minimal_push(data, opcode) {
                return None;
            }
            decode_minimal_script_num(data)?
        }
        _ => return None,
    };
    let n = u8::try_from(n).ok()?;
    (min..=max).contains(&n).then_some(n)
}

/// The push of `data` by `opcode` is the shortest possible (Core `CheckMinimalPush`).
fn is_minimal_push(data: &[u8], opcode: Opcode) -> bool {
    let op = usize::from(opcode.to_u8());
    match data {
        [] => opcode == opcodes::OP_0,
        // These single bytes have their own opcodes (OP_1..OP_16, OP_1NEGATE).
        [1..=16] | [0x81] => false,
        _ if data.len() <= 75 => op == data.len(),
        _ if data.len() <= 255 => opcode == OP_PUSHDATA1,
        _ if data.len() <= 65535 => opcode == OP_PUSHDATA2,
        _ => true,
    }
}

/// A script number of at most 4 bytes in its shortest form (Core `CScriptNum` with
/// `fRequireMinimal`): no needless trailing zero byte, which would be a second spelling
/// of the same number.
fn decode_minimal_script_num(data: &[u8]) -> Option<i64> {
    if data.len() > 4 {
        return None;
    }
    if let Some((&last, init)) = data.split_last() {
        // A last byte of 0x00 or 0x80 (only a sign) is needed only when the byte before
        // it has its top bit set.
        if last & 0x7f == 0 && init.last().is_none_or(|&b| b & 0x80 == 0) {
            return None;
        }
    }
    let mut value: i64 = 0;
    for (i, &byte) in data.iter().enumerate() {
        value |= i64::from(byte) << (8 * i);
    }
    match data.last() {
        Some(&last) if last & 0x80 != 0 => {
            let sign_bit = 0x80i64 << (8 * (data.len() - 1));
            Some(-(value & !sign_bit))
        }
        _ => Some(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::opcodes::*;
    use crate::script::Builder;

    fn key(prefix: u8, len: usize) -> Vec<u8> {
        let mut k = vec![0x11; len];
        k[0] = prefix;
        k
    }

    fn multisig(m: i64, keys: &[Vec<u8>], n: i64) -> Script {
        let mut b = Builder::new().push_int(m);
        for k in keys {
            b = b.push_slice(k);
        }
        b.push_int(n).push_opcode(OP_CHECKMULTISIG).into_script()
    }

    #[test]
    fn names_are_cores() {
        let all = [
            (ScriptType::NonStandard, "nonstandard"),
            (ScriptType::PubKey, "pubkey"),
            (ScriptType::PubKeyHash, "pubkeyhash"),
            (ScriptType::ScriptHash, "scripthash"),
            (ScriptType::Multisig, "multisig"),
            (ScriptType::NullData, "nulldata"),
            (ScriptType::WitnessV0KeyHash, "witness_v0_keyhash"),
            (ScriptType::WitnessV0ScriptHash, "witness_v0_scripthash"),
            (ScriptType::WitnessV1Taproot, "witness_v1_taproot"),
            (ScriptType::Anchor, "anchor"),
            (ScriptType::WitnessUnknown, "witness_unknown"),
        ];
        for (t, name) in all {
            assert_eq!(t.name(), name);
        }
    }

    #[test]
    fn pay_to_pubkey_checks_size_and_prefix_only() {
        let p2pk = |k: &[u8]| {
            Builder::new()
                .push_slice(k)
                .push_opcode(OP_CHECKSIG)
                .into_script()
        };
        for (k, expected) in [
            (key(0x02, 33), ScriptType::PubKey),
            (key(0x03, 33), ScriptType::PubKey),
            (key(0x04, 65), ScriptType::PubKey),
            (key(0x06, 65), ScriptType::PubKey),
            (key(0x07, 65), ScriptType::PubKey),
            (key(0x04, 33), ScriptType::NonStandard),
            (key(0x02, 65), ScriptType::NonStandard),
            (key(0x05, 33), ScriptType::NonStandard),
        ] {
            assert_eq!(ScriptType::of(&p2pk(&k)), expected, "{k:02x?}");
        }
        // The key must be a direct push: PUSHDATA1 of 33 bytes does not match.
        let mut bytes = vec![0x4c, 33];
        bytes.extend(key(0x02, 33));
        bytes.push(0xac);
        assert_eq!(
            ScriptType::of(&Script::from_bytes(bytes)),
            ScriptType::NonStandard
        );
    }

    #[test]
    fn multisig_bounds() {
        let k = key(0x02, 33);
        let u = key(0x04, 65);
        let ok = multisig(1, &[k.clone(), u.clone()], 2);
        match solver(&ok) {
            Solution::Multisig { required, pubkeys } => {
                assert_eq!(required, 1);
                assert_eq!(pubkeys, vec![&k[..], &u[..]]);
            }
            other => panic!("{other:?}"),
        }
        // m > n, m = 0, n != key count.
        assert_eq!(
            ScriptType::of(&multisig(3, &[k.clone(), k.clone()], 2)),
            ScriptType::NonStandard
        );
        assert_eq!(
            ScriptType::of(&multisig(0, std::slice::from_ref(&k), 1)),
            ScriptType::NonStandard
        );
        assert_eq!(
            ScriptType::of(&multisig(1, std::slice::from_ref(&k), 2)),
            ScriptType::NonStandard
        );
        // 20 keys: n is pushed as the number 20 (0x01 0x14), which Core accepts.
        let twenty = vec![k.clone(); 20];
        assert_eq!(
            ScriptType::of(&multisig(17, &twenty, 20)),
            ScriptType::Multisig
        );
        assert_eq!(
            ScriptType::of(&multisig(1, &vec![k.clone(); 21], 21)),
            ScriptType::NonStandard
        );
        // A non-minimal count (0x01 0x02 instead of OP_2) is refused.
        let mut bytes = vec![0x51];
        for _ in 0..2 {
            bytes.push(33);
            bytes.extend(&k);
        }
        bytes.extend([0x01, 0x02, 0xae]);
        assert_eq!(
            ScriptType::of(&Script::from_bytes(bytes)),
            ScriptType::NonStandard
        );
        // A key of the wrong size ends the key list early.
        let bad = multisig(1, &[key(0x02, 32)], 1);
        assert_eq!(ScriptType::of(&bad), ScriptType::NonStandard);
    }

    #[test]
    fn witness_programs_and_anchor() {
        let wp = |v: Opcode, len: usize| {
            Builder::new()
                .push_opcode(v)
                .push_slice(&vec![7; len])
                .into_script()
        };
        assert_eq!(ScriptType::of(&wp(OP_0, 20)), ScriptType::WitnessV0KeyHash);
        assert_eq!(
            ScriptType::of(&wp(OP_0, 32)),
            ScriptType::WitnessV0ScriptHash
        );
        assert_eq!(ScriptType::of(&wp(OP_0, 21)), ScriptType::NonStandard);
        assert_eq!(ScriptType::of(&wp(OP_1, 32)), ScriptType::WitnessV1Taproot);
        assert_eq!(ScriptType::of(&wp(OP_1, 33)), ScriptType::WitnessUnknown);
        assert_eq!(ScriptType::of(&wp(OP_16, 40)), ScriptType::WitnessUnknown);
        assert_eq!(ScriptType::of(&wp(OP_2, 2)), ScriptType::WitnessUnknown);
        let anchor = Script::from_bytes(vec![0x51, 0x02, 0x4e, 0x73]);
        assert_eq!(solver(&anchor), Solution::Anchor);
        assert_eq!(
            solver(&wp(OP_2, 2)),
            Solution::WitnessUnknown {
                version: 2,
                program: &[7, 7]
            }
        );
    }

    #[test]
    fn null_data_is_op_return_then_pushes() {
        let s = |b: &[u8]| ScriptType::of(&Script::from_slice(b));
        assert_eq!(s(&[0x6a]), ScriptType::NullData);
        assert_eq!(
            s(&[0x6a, 0x02, 1, 2, 0x51, 0x4f, 0x50]),
            ScriptType::NullData
        );
        assert_eq!(s(&[0x6a, 0x61]), ScriptType::NonStandard);
        // A push running past the end is not push-only.
        assert_eq!(s(&[0x6a, 0x05, 1]), ScriptType::NonStandard);
        assert_eq!(s(&[]), ScriptType::NonStandard);
    }

    #[test]
    fn script_numbers_must_be_minimal() {
        assert_eq!(decode_minimal_script_num(&[0x11]), Some(17));
        assert_eq!(decode_minimal_script_num(&[0x80, 0x00]), Some(128));
        assert_eq!(decode_minimal_script_num(&[0x11, 0x00]), None);
        assert_eq!(decode_minimal_script_num(&[0x80]), None);
        assert_eq!(decode_minimal_script_num(&[0x81]), Some(-1));
        assert_eq!(decode_minimal_script_num(&[1, 2, 3, 4, 5]), None);
    }
}
