//! Scripts as bytes: reading, building and showing them.
//!
//! Every coin is locked by a small program, its `script_pubkey`, and is spent by a
//! `script_sig` (and, since segwit, a witness) that makes the program succeed. This module
//! treats scripts only as byte strings: it walks their instructions, builds them with
//! minimal pushes, and prints them as Core's `ScriptToAsmStr` does. Running them is
//! sou-script's job.
//!
//! A script is stored as raw bytes, malformed or not: a transaction may legally carry a
//! script whose last push runs past its end (it simply fails if executed), so the bytes must
//! survive a round trip untouched. [`Instructions`] reports such a push as an error at the
//! point where it occurs.
//!
//! References: Core `src/script/script.h` (`CScript`, `GetScriptOp`, `CheckMinimalPush`,
//! `CScriptNum::serialize`), `src/core_write.cpp` (`ScriptToAsmStr`).

use core::fmt;

use thiserror::Error;

use crate::encoding::{
    var_bytes_len, write_var_bytes, Decode, DecodeError, Encode, Reader, WriteBytes,
};
use crate::opcodes::{self, Opcode};

/// The largest script Core will execute, in bytes (`MAX_SCRIPT_SIZE`).
pub const MAX_SCRIPT_SIZE: usize = 10_000;
/// The largest element a script may push (`MAX_SCRIPT_ELEMENT_SIZE`).
pub const MAX_SCRIPT_ELEMENT_SIZE: usize = 520;

/// How many bytes a [`Script`] keeps inline before it moves them to the heap.
///
/// Core's `CScript` is a `prevector<28>` for the same reason: almost every output script
/// (P2WPKH 22 bytes, P2SH 23, P2PKH 25, P2WSH and P2TR 34) is short, and a block holds
/// thousands of them. Keeping them inline spares one allocation each.
const INLINE_LEN: usize = 38;

/// A script: the raw bytes of a locking or unlocking program.
#[derive(Clone)]
pub struct Script(Repr);

/// The storage of a script. Invariant: `Inline` exactly when the length is at most
/// [`INLINE_LEN`], so equal scripts always have equal representations.
#[derive(Clone)]
enum Repr {
    Inline { len: u8, bytes: [u8; INLINE_LEN] },
    Heap(Vec<u8>),
}

impl Script {
    /// The empty script.
    pub const fn new() -> Script {
        Script(Repr::Inline {
            len: 0,
            bytes: [0; INLINE_LEN],
        })
    }

    /// A script from raw bytes (no validation: any bytes are a script).
    pub fn from_bytes(bytes: Vec<u8>) -> Script {
        if bytes.len() <= INLINE_LEN {
            Script::from_slice(&bytes)
        } else {
            Script(Repr::Heap(bytes))
        }
    }

    /// A script copied from a byte slice.
    pub fn from_slice(bytes: &[u8]) -> Script {
        match u8::try_from(bytes.len()) {
            Ok(len) if bytes.len() <= INLINE_LEN => {
                let mut inline = [0; INLINE_LEN];
                inline[..bytes.len()].copy_from_slice(bytes);
                Script(Repr::Inline { len, bytes: inline })
            }
            _ => Script(Repr::Heap(bytes.to_vec())),
        }
    }

    /// The raw bytes.
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        match &self.0 {
            Repr::Inline { len, bytes } => &bytes[..usize::from(*len)],
            Repr::Heap(v) => v,
        }
    }

    /// The raw bytes, by value.
    pub fn into_bytes(self) -> Vec<u8> {
        match self.0 {
            Repr::Inline { .. } => self.as_bytes().to_vec(),
            Repr::Heap(v) => v,
        }
    }

    /// Length in bytes.
    #[inline]
    pub fn len(&self) -> usize {
        self.as_bytes().len()
    }

    /// True for the empty script.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Starts a [`Builder`].
    pub fn builder() -> Builder {
        Builder::new()
    }

    /// Walks the instructions.
    pub fn instructions(&self) -> Instructions<'_> {
        Instructions::new(self.as_bytes())
    }

    /// Core's assembly form, e.g. `OP_DUP OP_HASH160 1a2b... OP_EQUALVERIFY OP_CHECKSIG`.
    ///
    /// Pushes of up to 4 bytes print as the script number they encode, longer ones as hex;
    /// a malformed push prints `[error]` and ends the output, as in Core's `ScriptToAsmStr`.
    pub fn to_asm_string(&self) -> String {
        let mut out = String::new();
        for item in self.instructions() {
            if !out.is_empty() {
                out.push(' ');
            }
            match item {
                Err(_) => {
                    out.push_str("[error]");
                    break;
                }
                Ok(Instruction::Push { data, .. }) if data.len() <= 4 => {
                    out.push_str(&decode_script_num_lenient(data).to_string());
                }
                Ok(Instruction::Push { data, .. }) => {
                    for b in data {
                        out.push_str(&format!("{b:02x}"));
                    }
                }
                Ok(Instruction::Op(op)) => out.push_str(op.name()),
            }
        }
        out
    }

    /// If this is a witness program (BIP141), its version (0..=16) and program bytes.
    ///
    /// A witness program is a version opcode (`OP_0`, `OP_1`..`OP_16`) followed by one
    /// direct push of 2 to 40 bytes, and nothing else (Core `CScript::IsWitnessProgram`).
    pub fn witness_program(&self) -> Option<(u8, &[u8])> {
        let b = self.as_bytes();
        if b.len() < 4 || b.len() > 42 {
            return None;
        }
        let version = Opcode::from_u8(b[0]);
        if version != opcodes::OP_0 && !(opcodes::OP_1..=opcodes::OP_16).contains(&version) {
            return None;
        }
        if usize::from(b[1]) + 2 != b.len() {
            return None;
        }
        let version = u8::try_from(version.small_int()?).ok()?;
        Some((version, &b[2..]))
    }

    /// The P2PKH output script `OP_DUP OP_HASH160 <pubkey_hash> OP_EQUALVERIFY OP_CHECKSIG`:
    /// pays whoever shows a key hashing (HASH160) to `pubkey_hash` and signs with it. Also
    /// the script code a P2WPKH input signs (BIP143).
    pub fn p2pkh(pubkey_hash: &[u8; 20]) -> Script {
        Builder::new()
            .push_opcode(opcodes::OP_DUP)
            .push_opcode(opcodes::OP_HASH160)
            .push_slice(pubkey_hash)
            .push_opcode(opcodes::OP_EQUALVERIFY)
            .push_opcode(opcodes::OP_CHECKSIG)
            .into_script()
    }

    /// The P2SH output script `OP_HASH160 <script_hash> OP_EQUAL` (BIP16).
    pub fn p2sh(script_hash: &[u8; 20]) -> Script {
        Builder::new()
            .push_opcode(opcodes::OP_HASH160)
            .push_slice(script_hash)
            .push_opcode(opcodes::OP_EQUAL)
            .into_script()
    }

    /// A witness program (BIP141): the version as `OP_0`..`OP_16`, then the program as one
    /// push. `None` for a version above 16.
    pub fn new_witness_program(version: u8, program: &[u8]) -> Option<Script> {
        let version = Opcode::from_small_int(version)?;
        Some(
            Builder::new()
                .push_opcode(version)
                .push_slice_non_minimal(program)
                .into_script(),
        )
    }

    /// True for the P2SH pattern `OP_HASH160 <20 bytes> OP_EQUAL` (BIP16), exactly 23 bytes.
    pub fn is_p2sh(&self) -> bool {
        let b = self.as_bytes();
        b.len() == 23
            && b[0] == opcodes::OP_HASH160.to_u8()
            && b[1] == 0x14
            && b[22] == opcodes::OP_EQUAL.to_u8()
    }

    /// True for P2PKH: `OP_DUP OP_HASH160 <20 bytes> OP_EQUALVERIFY OP_CHECKSIG`.
    pub fn is_p2pkh(&self) -> bool {
        let b = self.as_bytes();
        b.len() == 25
            && b[0] == opcodes::OP_DUP.to_u8()
            && b[1] == opcodes::OP_HASH160.to_u8()
            && b[2] == 0x14
            && b[23] == opcodes::OP_EQUALVERIFY.to_u8()
            && b[24] == opcodes::OP_CHECKSIG.to_u8()
    }

    /// True for P2WPKH: witness version 0 with a 20-byte program.
    pub fn is_p2wpkh(&self) -> bool {
        matches!(self.witness_program(), Some((0, p)) if p.len() == 20)
    }

    /// True for P2WSH: witness version 0 with a 32-byte program.
    pub fn is_p2wsh(&self) -> bool {
        matches!(self.witness_program(), Some((0, p)) if p.len() == 32)
    }

    /// True for P2TR: witness version 1 with a 32-byte program (BIP341).
    pub fn is_p2tr(&self) -> bool {
        matches!(self.witness_program(), Some((1, p)) if p.len() == 32)
    }

    /// True if no spend can ever satisfy it: it starts with `OP_RETURN` or is longer than
    /// [`MAX_SCRIPT_SIZE`] (Core `CScript::IsUnspendable`).
    pub fn is_unspendable(&self) -> bool {
        let b = self.as_bytes();
        b.first() == Some(&opcodes::OP_RETURN.to_u8()) || b.len() > MAX_SCRIPT_SIZE
    }

    /// True if every instruction parses and none is beyond `OP_NOP10`, the last opcode
    /// defined (Core `CScript::HasValidOps`).
    pub fn has_valid_ops(&self) -> bool {
        self.instructions().all(|i| match i {
            Ok(Instruction::Push { .. }) => true,
            Ok(Instruction::Op(op)) => op <= opcodes::OP_NOP10,
            Err(_) => false,
        })
    }

    /// True if every instruction is a push (`OP_16` and below), the form BIP62/BIP16
    /// require of some `script_sig`s (Core `CScript::IsPushOnly`).
    pub fn is_push_only(&self) -> bool {
        self.instructions().all(|i| match i {
            Ok(Instruction::Push { .. }) => true,
            // OP_1NEGATE, OP_RESERVED and OP_1..OP_16 count as pushes for this purpose.
            Ok(Instruction::Op(op)) => op <= opcodes::OP_16,
            Err(_) => false,
        })
    }
}

impl Default for Script {
    fn default() -> Script {
        Script::new()
    }
}

impl PartialEq for Script {
    fn eq(&self, other: &Script) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for Script {}

impl PartialOrd for Script {
    fn partial_cmp(&self, other: &Script) -> Option<core::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Script {
    fn cmp(&self, other: &Script) -> core::cmp::Ordering {
        self.as_bytes().cmp(other.as_bytes())
    }
}

impl core::hash::Hash for Script {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.as_bytes().hash(state);
    }
}

impl From<Vec<u8>> for Script {
    fn from(bytes: Vec<u8>) -> Script {
        Script::from_bytes(bytes)
    }
}

impl AsRef<[u8]> for Script {
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl fmt::Display for Script {
    /// The assembly form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_asm_string())
    }
}

impl fmt::Debug for Script {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Script({})", self.to_asm_string())
    }
}

impl Encode for Script {
    #[inline]
    fn encode_to<W: WriteBytes + ?Sized>(&self, w: &mut W) {
        write_var_bytes(w, self.as_bytes());
    }
    #[inline]
    fn encoded_len(&self) -> usize {
        var_bytes_len(self.len())
    }
}

impl Decode for Script {
    #[inline]
    fn decode_from(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Script::from_slice(r.read_var_bytes()?))
    }
}

/// One step of a script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Instruction<'a> {
    /// A push opcode (`OP_0`, a direct push or `OP_PUSHDATA1/2/4`) and the bytes it pushes.
    Push {
        /// The opcode that pushed.
        opcode: Opcode,
        /// The pushed bytes (empty for `OP_0`).
        data: &'a [u8],
    },
    /// Any other opcode, including `OP_1NEGATE` and `OP_1`..`OP_16`.
    Op(Opcode),
}

impl Instruction<'_> {
    /// The opcode of this instruction.
    pub fn opcode(&self) -> Opcode {
        match *self {
            Instruction::Push { opcode, .. } | Instruction::Op(opcode) => opcode,
        }
    }
}

/// A push whose length runs past the end of the script.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("{opcode} at byte {position} needs {needed} bytes but only {available} remain")]
pub struct PushPastEnd {
    /// Offset of the push opcode in the script.
    pub position: usize,
    /// The push opcode.
    pub opcode: Opcode,
    /// Bytes the push (its length field, then its data) needed after the opcode.
    pub needed: usize,
    /// Bytes that remained after the opcode.
    pub available: usize,
}

/// Iterator over a script's instructions, ending after the first malformed push
/// (Core `GetScriptOp`).
#[derive(Debug, Clone)]
pub struct Instructions<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Instructions<'a> {
    /// Iterates over `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        Instructions { bytes, pos: 0 }
    }

    /// Offset of the next instruction in the script.
    pub fn position(&self) -> usize {
        self.pos
    }

    fn fail(&mut self, position: usize, opcode: Opcode, needed: usize) -> PushPastEnd {
        let available = self.bytes.len() - position - 1;
        // Nothing after a malformed push can be read reliably: stop here.
        self.pos = self.bytes.len();
        PushPastEnd {
            position,
            opcode,
            needed,
            available,
        }
    }
}

impl<'a> Iterator for Instructions<'a> {
    type Item = Result<Instruction<'a>, PushPastEnd>;

    fn next(&mut self) -> Option<Self::Item> {
        let start = self.pos;
        let &byte = self.bytes.get(start)?;
        let opcode = Opcode::from_u8(byte);
        if !opcode.is_push() {
            self.pos = start + 1;
            return Some(Ok(Instruction::Op(opcode)));
        }
        let rest = &self.bytes[start + 1..];
        // Direct pushes carry their length in the opcode; PUSHDATA1/2/4 read it from the
        // next 1, 2 or 4 little-endian bytes.
        let (len_field, data_len) = match opcode {
            opcodes::OP_PUSHDATA1 => match rest.first() {
                Some(&n) => (1, usize::from(n)),
                None => return Some(Err(self.fail(start, opcode, 1))),
            },
            opcodes::OP_PUSHDATA2 => match rest.first_chunk::<2>() {
                Some(n) => (2, usize::from(u16::from_le_bytes(*n))),
                None => return Some(Err(self.fail(start, opcode, 2))),
            },
            opcodes::OP_PUSHDATA4 => match rest.first_chunk::<4>() {
                Some(n) => (4, u32::from_le_bytes(*n) as usize),
                None => return Some(Err(self.fail(start, opcode, 4))),
            },
            _ => (0, usize::from(byte)),
        };
        match rest.get(len_field..).and_then(|r| r.get(..data_len)) {
            Some(data) => {
                self.pos = start + 1 + len_field + data_len;
                Some(Ok(Instruction::Push { opcode, data }))
            }
            None => Some(Err(self.fail(
                start,
                opcode,
                len_field.saturating_add(data_len),
            ))),
        }
    }
}

/// Builds scripts, always choosing the shortest push for data and numbers.
///
/// The shortest push is the one Core's `CheckMinimalPush` demands under the `MINIMALDATA`
/// rule: `OP_0` for nothing, `OP_1`..`OP_16` and `OP_1NEGATE` for those single bytes, a
/// direct push up to 75 bytes, then `OP_PUSHDATA1/2/4`.
#[derive(Debug, Clone, Default)]
pub struct Builder(Vec<u8>);

impl Builder {
    /// An empty builder.
    pub fn new() -> Builder {
        Builder(Vec::new())
    }

    /// Appends an opcode.
    pub fn push_opcode(mut self, opcode: Opcode) -> Builder {
        self.0.push(opcode.to_u8());
        self
    }

    /// Appends a minimal push of `data`.
    pub fn push_slice(mut self, data: &[u8]) -> Builder {
        match data {
            [] => self.0.push(opcodes::OP_0.to_u8()),
            [n @ 1..=16] => self.0.push(0x50 + n),
            [0x81] => self.0.push(opcodes::OP_1NEGATE.to_u8()),
            _ => self = self.push_slice_non_minimal(data),
        }
        self
    }

    /// Appends `data` with a length-prefix push even where an `OP_N` would be shorter
    /// (what Core's `CScript << std::vector` does, e.g. in the genesis coinbase).
    pub fn push_slice_non_minimal(mut self, data: &[u8]) -> Builder {
        let len = data.len();
        // Each arm keeps the low 1, 1, 2 or 4 little-endian bytes that `len` fits in
        // (a script push cannot exceed 4 GiB: `Script` lengths are bounded far below).
        let le = (len as u64).to_le_bytes();
        if len < usize::from(opcodes::OP_PUSHDATA1.to_u8()) {
            self.0.push(le[0]);
        } else if len <= 0xff {
            self.0
                .extend_from_slice(&[opcodes::OP_PUSHDATA1.to_u8(), le[0]]);
        } else if len <= 0xffff {
            self.0
                .extend_from_slice(&[opcodes::OP_PUSHDATA2.to_u8(), le[0], le[1]]);
        } else {
            self.0
                .extend_from_slice(&[opcodes::OP_PUSHDATA4.to_u8(), le[0], le[1], le[2], le[3]]);
        }
        self.0.extend_from_slice(data);
        self
    }

    /// Appends the shortest push of the number `n` (Core `CScript::push_int64`).
    pub fn push_int(mut self, n: i64) -> Builder {
        match n {
            -1 => self.0.push(opcodes::OP_1NEGATE.to_u8()),
            _ => match u8::try_from(n).ok().and_then(Opcode::from_small_int) {
                Some(op) => self.0.push(op.to_u8()),
                None => self = self.push_slice_non_minimal(&encode_script_num(n)),
            },
        }
        self
    }

    /// The script built.
    pub fn into_script(self) -> Script {
        Script::from_bytes(self.0)
    }
}

/// Encodes a number the way Script pushes numbers (Core `CScriptNum::serialize`).
///
/// Little-endian magnitude with the sign in the top bit of the last byte; zero is the empty
/// string. A magnitude whose top byte already uses its top bit gets an extra byte for the
/// sign: 128 is `80 00`, -128 is `80 80`.
pub fn encode_script_num(n: i64) -> Vec<u8> {
    let mut out = Vec::with_capacity(9);
    let negative = n < 0;
    let mut abs = n.unsigned_abs();
    while abs > 0 {
        out.push((abs & 0xff) as u8);
        abs >>= 8;
    }
    if let Some(last) = out.last_mut() {
        if *last & 0x80 != 0 {
            out.push(if negative { 0x80 } else { 0x00 });
        } else if negative {
            *last |= 0x80;
        }
    }
    out
}

/// Decodes a script number of up to 8 bytes without minimality checks, as Core's ASM printer
/// does for pushes of at most 4 bytes (`CScriptNum(vch, false)`): little-endian magnitude,
/// sign in the top bit of the last byte.
pub fn decode_script_num_lenient(data: &[u8]) -> i64 {
    let Some((&last, _)) = data.split_last() else {
        return 0;
    };
    let mut value: i64 = 0;
    for (i, &b) in data.iter().enumerate() {
        value |= i64::from(b) << (8 * i);
    }
    if last & 0x80 != 0 {
        let sign_bit = 0x80i64 << (8 * (data.len() - 1));
        -(value & !sign_bit)
    } else {
        value
    }
}

#[cfg(test)]
#[allow(
    clippy::cast_possible_truncation,
    reason = "test data generators keep the low bits"
)]
mod tests {
    use super::*;
    use crate::opcodes::*;

    #[test]
    fn script_numbers_encode_like_core() {
        let cases: &[(i64, &[u8])] = &[
            (0, &[]),
            (1, &[0x01]),
            (-1, &[0x81]),
            (127, &[0x7f]),
            (128, &[0x80, 0x00]),
            (-128, &[0x80, 0x80]),
            (255, &[0xff, 0x00]),
            (256, &[0x00, 0x01]),
            (-255, &[0xff, 0x80]),
            (i64::MAX, &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]),
            (
                i64::MIN,
                &[0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x80],
            ),
        ];
        for &(n, bytes) in cases {
            assert_eq!(encode_script_num(n), bytes, "{n}");
            if bytes.len() <= 8 {
                assert_eq!(decode_script_num_lenient(bytes), n, "{n}");
            }
        }
    }

    #[test]
    fn builder_pushes_minimally() {
        let s = Builder::new()
            .push_slice(&[])
            .push_slice(&[7])
            .push_slice(&[0x81])
            .push_slice(&[0x11])
            .push_slice(&[0xaa; 76])
            .push_slice(&[0xbb; 256])
            .push_int(-1)
            .push_int(16)
            .push_int(17)
            .push_int(-1000)
            .into_script();
        let b = s.as_bytes();
        assert_eq!(&b[..5], &[0x00, 0x57, 0x4f, 0x01, 0x11]);
        assert_eq!(&b[5..7], &[0x4c, 76]);
        assert_eq!(&b[83..86], &[0x4d, 0x00, 0x01]);
        assert_eq!(&b[342..], &[0x4f, 0x60, 0x01, 0x11, 0x02, 0xe8, 0x83]);
    }

    #[test]
    fn asm_matches_core() {
        // Genesis coinbase script_sig and a P2PKH output.
        let sig = Script::from_bytes(vec![0x04, 0xff, 0xff, 0x00, 0x1d, 0x01, 0x04]);
        assert_eq!(sig.to_asm_string(), "486604799 4");
        let p2pkh = Builder::new()
            .push_opcode(OP_DUP)
            .push_opcode(OP_HASH160)
            .push_slice(&[0x11; 20])
            .push_opcode(OP_EQUALVERIFY)
            .push_opcode(OP_CHECKSIG)
            .into_script();
        assert_eq!(
            p2pkh.to_asm_string(),
            "OP_DUP OP_HASH160 1111111111111111111111111111111111111111 OP_EQUALVERIFY OP_CHECKSIG"
        );
        assert!(p2pkh.is_p2pkh());
        let odd = Script::from_bytes(vec![
            0x00, 0x4f, 0x51, 0x60, 0xb1, 0xb2, 0xba, 0xbb, 0xff, 0x02, 0x80, 0x80,
        ]);
        assert_eq!(
            odd.to_asm_string(),
            "0 -1 1 16 OP_CHECKLOCKTIMEVERIFY OP_CHECKSEQUENCEVERIFY OP_CHECKSIGADD OP_UNKNOWN OP_INVALIDOPCODE -128"
        );
    }

    #[test]
    fn a_push_past_the_end_is_reported_where_it_starts() {
        // OP_DUP, then a 5-byte direct push with only 2 bytes left.
        let s = Script::from_bytes(vec![0x76, 0x05, 0xaa, 0xbb]);
        let items: Vec<_> = s.instructions().collect();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0], Ok(Instruction::Op(OP_DUP)));
        assert_eq!(
            items[1],
            Err(PushPastEnd {
                position: 1,
                opcode: Opcode::from_u8(0x05),
                needed: 5,
                available: 2
            })
        );
        assert_eq!(s.to_asm_string(), "OP_DUP [error]");
        // PUSHDATA2 whose length field itself is cut.
        let s = Script::from_bytes(vec![0x4d, 0x01]);
        assert_eq!(
            s.instructions().next(),
            Some(Err(PushPastEnd {
                position: 0,
                opcode: OP_PUSHDATA2,
                needed: 2,
                available: 1
            }))
        );
        // PUSHDATA4 claiming 4 GiB.
        let s = Script::from_bytes(vec![0x4e, 0xff, 0xff, 0xff, 0xff, 0x00]);
        assert!(matches!(
            s.instructions().next(),
            Some(Err(PushPastEnd {
                needed: 4_294_967_299,
                ..
            }))
        ));
    }

    #[test]
    fn witness_programs() {
        let p2wpkh = Builder::new()
            .push_opcode(OP_0)
            .push_slice(&[1; 20])
            .into_script();
        assert_eq!(p2wpkh.witness_program(), Some((0, &[1u8; 20][..])));
        assert!(p2wpkh.is_p2wpkh() && !p2wpkh.is_p2wsh());
        let p2tr = Builder::new()
            .push_opcode(OP_1)
            .push_slice(&[2; 32])
            .into_script();
        assert!(p2tr.is_p2tr());
        // OP_1NEGATE is not a version; a 41-byte program is too long.
        let bad = Script::from_bytes([&[0x4f, 0x02][..], &[0; 2]].concat());
        assert_eq!(bad.witness_program(), None);
        let long = Builder::new()
            .push_opcode(OP_1)
            .push_slice(&[0; 41])
            .into_script();
        assert_eq!(long.witness_program(), None);
    }
}
