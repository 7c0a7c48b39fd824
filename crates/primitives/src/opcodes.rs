//! The opcodes of Bitcoin Script, as one plain table.
//!
//! A script is a sequence of one-byte opcodes. Bytes `0x01..=0x4b` push that many following
//! bytes; `OP_PUSHDATA1/2/4` push a length given in the next 1, 2 or 4 bytes; everything
//! else is an operation. Disabled and reserved opcodes keep their names here: what they do
//! when executed is the interpreter's business (sou-script), not the table's.
//!
//! Names follow Core's `GetOpName` (`src/script/script.cpp`): `OP_0` prints as `0`,
//! `OP_1NEGATE` as `-1`, `OP_1`..`OP_16` as digits, `OP_NOP2`/`OP_NOP3` under their BIP65
//! and BIP112 names, and unassigned bytes as `OP_UNKNOWN`.

use core::fmt;

/// One script opcode byte.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Opcode(u8);

impl Opcode {
    /// The opcode for a byte.
    pub const fn from_u8(byte: u8) -> Opcode {
        Opcode(byte)
    }

    /// Its byte.
    pub const fn to_u8(self) -> u8 {
        self.0
    }

    /// True for `OP_0` through `OP_PUSHDATA4`, the opcodes followed by data.
    pub const fn is_push(self) -> bool {
        self.0 <= OP_PUSHDATA4.0
    }

    /// For `OP_1NEGATE` and `OP_1`..`OP_16`, the small integer it pushes; `OP_0` gives 0.
    pub const fn small_int(self) -> Option<i64> {
        match self.0 {
            0x00 => Some(0),
            0x4f => Some(-1),
            0x51..=0x60 => Some(self.0 as i64 - 0x50),
            _ => None,
        }
    }

    /// True for the fifteen opcodes disabled in 2010 (CVE-2010-5137: `OP_CAT`, `OP_SUBSTR`,
    /// `OP_LEFT`, `OP_RIGHT`, `OP_INVERT`, `OP_AND`, `OP_OR`, `OP_XOR`, `OP_2MUL`, `OP_2DIV`,
    /// `OP_MUL`, `OP_DIV`, `OP_MOD`, `OP_LSHIFT`, `OP_RSHIFT`). Outside tapscript, where
    /// most of their bytes became `OP_SUCCESSx`, one fails its script even in a branch not
    /// taken (Core `EvalScript`).
    pub const fn is_disabled(self) -> bool {
        matches!(
            self,
            OP_CAT
                | OP_SUBSTR
                | OP_LEFT
                | OP_RIGHT
                | OP_INVERT
                | OP_AND
                | OP_OR
                | OP_XOR
                | OP_2MUL
                | OP_2DIV
                | OP_MUL
                | OP_DIV
                | OP_MOD
                | OP_LSHIFT
                | OP_RSHIFT
        )
    }

    /// True for BIP342's `OP_SUCCESSx`: bytes with no meaning in tapscript, each of which
    /// makes a tapscript succeed before it runs, so that a soft fork can give them one
    /// (Core `IsOpSuccess`). The numbers are BIP342's, in decimal as it lists them: the
    /// disabled opcodes, `OP_RESERVED`, `OP_VER`, `OP_RESERVED1/2` and every byte after
    /// `OP_CHECKSIGADD` but `OP_INVALIDOPCODE`.
    pub const fn is_op_success(self) -> bool {
        matches!(
            self.0,
            80 | 98 | 126..=129 | 131..=134 | 137..=138 | 141..=142 | 149..=153 | 187..=254
        )
    }

    /// `OP_N` for `n` in 0..=16.
    pub const fn from_small_int(n: u8) -> Option<Opcode> {
        match n {
            0 => Some(OP_0),
            1..=16 => Some(Opcode(0x50 + n)),
            _ => None,
        }
    }

    /// Core's name for it (`GetOpName`).
    pub const fn name(self) -> &'static str {
        match self.0 {
            0x00 => "0",
            0x4c => "OP_PUSHDATA1",
            0x4d => "OP_PUSHDATA2",
            0x4e => "OP_PUSHDATA4",
            0x4f => "-1",
            0x50 => "OP_RESERVED",
            0x51 => "1",
            0x52 => "2",
            0x53 => "3",
            0x54 => "4",
            0x55 => "5",
            0x56 => "6",
            0x57 => "7",
            0x58 => "8",
            0x59 => "9",
            0x5a => "10",
            0x5b => "11",
            0x5c => "12",
            0x5d => "13",
            0x5e => "14",
            0x5f => "15",
            0x60 => "16",
            0x61 => "OP_NOP",
            0x62 => "OP_VER",
            0x63 => "OP_IF",
            0x64 => "OP_NOTIF",
            0x65 => "OP_VERIF",
            0x66 => "OP_VERNOTIF",
            0x67 => "OP_ELSE",
            0x68 => "OP_ENDIF",
            0x69 => "OP_VERIFY",
            0x6a => "OP_RETURN",
            0x6b => "OP_TOALTSTACK",
            0x6c => "OP_FROMALTSTACK",
            0x6d => "OP_2DROP",
            0x6e => "OP_2DUP",
            0x6f => "OP_3DUP",
            0x70 => "OP_2OVER",
            0x71 => "OP_2ROT",
            0x72 => "OP_2SWAP",
            0x73 => "OP_IFDUP",
            0x74 => "OP_DEPTH",
            0x75 => "OP_DROP",
            0x76 => "OP_DUP",
            0x77 => "OP_NIP",
            0x78 => "OP_OVER",
            0x79 => "OP_PICK",
            0x7a => "OP_ROLL",
            0x7b => "OP_ROT",
            0x7c => "OP_SWAP",
            0x7d => "OP_TUCK",
            0x7e => "OP_CAT",
            0x7f => "OP_SUBSTR",
            0x80 => "OP_LEFT",
            0x81 => "OP_RIGHT",
            0x82 => "OP_SIZE",
            0x83 => "OP_INVERT",
            0x84 => "OP_AND",
            0x85 => "OP_OR",
            0x86 => "OP_XOR",
            0x87 => "OP_EQUAL",
            0x88 => "OP_EQUALVERIFY",
            0x89 => "OP_RESERVED1",
            0x8a => "OP_RESERVED2",
            0x8b => "OP_1ADD",
            0x8c => "OP_1SUB",
            0x8d => "OP_2MUL",
            0x8e => "OP_2DIV",
            0x8f => "OP_NEGATE",
            0x90 => "OP_ABS",
            0x91 => "OP_NOT",
            0x92 => "OP_0NOTEQUAL",
            0x93 => "OP_ADD",
            0x94 => "OP_SUB",
            0x95 => "OP_MUL",
            0x96 => "OP_DIV",
            0x97 => "OP_MOD",
            0x98 => "OP_LSHIFT",
            0x99 => "OP_RSHIFT",
            0x9a => "OP_BOOLAND",
            0x9b => "OP_BOOLOR",
            0x9c => "OP_NUMEQUAL",
            0x9d => "OP_NUMEQUALVERIFY",
            0x9e => "OP_NUMNOTEQUAL",
            0x9f => "OP_LESSTHAN",
            0xa0 => "OP_GREATERTHAN",
            0xa1 => "OP_LESSTHANOREQUAL",
            0xa2 => "OP_GREATERTHANOREQUAL",
            0xa3 => "OP_MIN",
            0xa4 => "OP_MAX",
            0xa5 => "OP_WITHIN",
            0xa6 => "OP_RIPEMD160",
            0xa7 => "OP_SHA1",
            0xa8 => "OP_SHA256",
            0xa9 => "OP_HASH160",
            0xaa => "OP_HASH256",
            0xab => "OP_CODESEPARATOR",
            0xac => "OP_CHECKSIG",
            0xad => "OP_CHECKSIGVERIFY",
            0xae => "OP_CHECKMULTISIG",
            0xaf => "OP_CHECKMULTISIGVERIFY",
            0xb0 => "OP_NOP1",
            0xb1 => "OP_CHECKLOCKTIMEVERIFY",
            0xb2 => "OP_CHECKSEQUENCEVERIFY",
            0xb3 => "OP_NOP4",
            0xb4 => "OP_NOP5",
            0xb5 => "OP_NOP6",
            0xb6 => "OP_NOP7",
            0xb7 => "OP_NOP8",
            0xb8 => "OP_NOP9",
            0xb9 => "OP_NOP10",
            0xba => "OP_CHECKSIGADD",
            0xff => "OP_INVALIDOPCODE",
            // 0x01..=0x4b are direct pushes: Core prints no name for them either.
            _ => "OP_UNKNOWN",
        }
    }
}

impl fmt::Display for Opcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Debug for Opcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Opcode({:#04x} {})", self.0, self.name())
    }
}

macro_rules! opcodes {
    ($($name:ident = $byte:literal,)*) => {
        $(
            #[doc = concat!("`", stringify!($name), "` (", stringify!($byte), ").")]
            pub const $name: Opcode = Opcode($byte);
        )*
    };
}

opcodes! {
    OP_0 = 0x00,
    OP_PUSHBYTES_1 = 0x01,
    OP_PUSHBYTES_20 = 0x14,
    OP_PUSHBYTES_32 = 0x20,
    OP_PUSHBYTES_33 = 0x21,
    OP_PUSHBYTES_65 = 0x41,
    OP_PUSHBYTES_75 = 0x4b,
    OP_PUSHDATA1 = 0x4c,
    OP_PUSHDATA2 = 0x4d,
    OP_PUSHDATA4 = 0x4e,
    OP_1NEGATE = 0x4f,
    OP_RESERVED = 0x50,
    OP_1 = 0x51,
    OP_2 = 0x52,
    OP_3 = 0x53,
    OP_4 = 0x54,
    OP_5 = 0x55,
    OP_6 = 0x56,
    OP_7 = 0x57,
    OP_8 = 0x58,
    OP_9 = 0x59,
    OP_10 = 0x5a,
    OP_11 = 0x5b,
    OP_12 = 0x5c,
    OP_13 = 0x5d,
    OP_14 = 0x5e,
    OP_15 = 0x5f,
    OP_16 = 0x60,
    OP_NOP = 0x61,
    OP_VER = 0x62,
    OP_IF = 0x63,
    OP_NOTIF = 0x64,
    OP_VERIF = 0x65,
    OP_VERNOTIF = 0x66,
    OP_ELSE = 0x67,
    OP_ENDIF = 0x68,
    OP_VERIFY = 0x69,
    OP_RETURN = 0x6a,
    OP_TOALTSTACK = 0x6b,
    OP_FROMALTSTACK = 0x6c,
    OP_2DROP = 0x6d,
    OP_2DUP = 0x6e,
    OP_3DUP = 0x6f,
    OP_2OVER = 0x70,
    OP_2ROT = 0x71,
    OP_2SWAP = 0x72,
    OP_IFDUP = 0x73,
    OP_DEPTH = 0x74,
    OP_DROP = 0x75,
    OP_DUP = 0x76,
    OP_NIP = 0x77,
    OP_OVER = 0x78,
    OP_PICK = 0x79,
    OP_ROLL = 0x7a,
    OP_ROT = 0x7b,
    OP_SWAP = 0x7c,
    OP_TUCK = 0x7d,
    OP_CAT = 0x7e,
    OP_SUBSTR = 0x7f,
    OP_LEFT = 0x80,
    OP_RIGHT = 0x81,
    OP_SIZE = 0x82,
    OP_INVERT = 0x83,
    OP_AND = 0x84,
    OP_OR = 0x85,
    OP_XOR = 0x86,
    OP_EQUAL = 0x87,
    OP_EQUALVERIFY = 0x88,
    OP_RESERVED1 = 0x89,
    OP_RESERVED2 = 0x8a,
    OP_1ADD = 0x8b,
    OP_1SUB = 0x8c,
    OP_2MUL = 0x8d,
    OP_2DIV = 0x8e,
    OP_NEGATE = 0x8f,
    OP_ABS = 0x90,
    OP_NOT = 0x91,
    OP_0NOTEQUAL = 0x92,
    OP_ADD = 0x93,
    OP_SUB = 0x94,
    OP_MUL = 0x95,
    OP_DIV = 0x96,
    OP_MOD = 0x97,
    OP_LSHIFT = 0x98,
    OP_RSHIFT = 0x99,
    OP_BOOLAND = 0x9a,
    OP_BOOLOR = 0x9b,
    OP_NUMEQUAL = 0x9c,
    OP_NUMEQUALVERIFY = 0x9d,
    OP_NUMNOTEQUAL = 0x9e,
    OP_LESSTHAN = 0x9f,
    OP_GREATERTHAN = 0xa0,
    OP_LESSTHANOREQUAL = 0xa1,
    OP_GREATERTHANOREQUAL = 0xa2,
    OP_MIN = 0xa3,
    OP_MAX = 0xa4,
    OP_WITHIN = 0xa5,
    OP_RIPEMD160 = 0xa6,
    OP_SHA1 = 0xa7,
    OP_SHA256 = 0xa8,
    OP_HASH160 = 0xa9,
    OP_HASH256 = 0xaa,
    OP_CODESEPARATOR = 0xab,
    OP_CHECKSIG = 0xac,
    OP_CHECKSIGVERIFY = 0xad,
    OP_CHECKMULTISIG = 0xae,
    OP_CHECKMULTISIGVERIFY = 0xaf,
    OP_NOP1 = 0xb0,
    OP_CHECKLOCKTIMEVERIFY = 0xb1,
    OP_CHECKSEQUENCEVERIFY = 0xb2,
    OP_NOP4 = 0xb3,
    OP_NOP5 = 0xb4,
    OP_NOP6 = 0xb5,
    OP_NOP7 = 0xb6,
    OP_NOP8 = 0xb7,
    OP_NOP9 = 0xb8,
    OP_NOP10 = 0xb9,
    OP_CHECKSIGADD = 0xba,
    OP_INVALIDOPCODE = 0xff,
}

/// `OP_NOP2`, the name `OP_CHECKLOCKTIMEVERIFY` had before BIP65.
pub const OP_NOP2: Opcode = OP_CHECKLOCKTIMEVERIFY;
/// `OP_NOP3`, the name `OP_CHECKSEQUENCEVERIFY` had before BIP112.
pub const OP_NOP3: Opcode = OP_CHECKSEQUENCEVERIFY;
/// `OP_FALSE`, another name of `OP_0`.
pub const OP_FALSE: Opcode = OP_0;
/// `OP_TRUE`, another name of `OP_1`.
pub const OP_TRUE: Opcode = OP_1;
