//! Verification flags: which rules a script is checked against.
//!
//! Soft forks add rules without making old valid scripts invalid for old nodes, so the
//! interpreter takes a set of flags saying which rules apply. *Consensus* flags are the
//! rules every block must follow (P2SH, DERSIG, NULLDUMMY, CLTV, CSV, WITNESS, TAPROOT);
//! *standard* flags add policy rules that nodes apply to unconfirmed transactions they
//! relay, to keep upgrade paths open and malleability closed.
//!
//! References: Core `src/script/interpreter.h` (`SCRIPT_VERIFY_*`),
//! `src/policy/policy.h` (`MANDATORY_SCRIPT_VERIFY_FLAGS`, `STANDARD_SCRIPT_VERIFY_FLAGS`).

use core::fmt;
use core::ops::{BitAnd, BitOr, BitOrAssign, Not};

/// A set of `SCRIPT_VERIFY_*` flags, with Core's bit positions.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct VerifyFlags(u32);

macro_rules! flags {
    ($($name:ident = $bit:literal, $doc:literal;)*) => {
        impl VerifyFlags {
            $(
                #[doc = $doc]
                pub const $name: VerifyFlags = VerifyFlags(1 << $bit);
            )*
            /// Every flag with its Core name, in bit order.
            pub const NAMED: &'static [(&'static str, VerifyFlags)] = &[$((stringify!($name), VerifyFlags::$name)),*];
        }
    };
}

flags! {
    P2SH = 0, "BIP16: evaluate P2SH redeem scripts.";
    STRICTENC = 1, "Policy: defined sighash types, valid public key encodings.";
    DERSIG = 2, "BIP66: strict DER signatures.";
    LOW_S = 3, "Policy: S at most n/2.";
    NULLDUMMY = 4, "BIP147: the CHECKMULTISIG dummy must be empty.";
    SIGPUSHONLY = 5, "Policy: script_sig only pushes.";
    MINIMALDATA = 6, "Policy: minimal pushes and numbers.";
    DISCOURAGE_UPGRADABLE_NOPS = 7, "Policy: refuse NOP1, NOP4-NOP10.";
    CLEANSTACK = 8, "Policy: exactly one item left.";
    CHECKLOCKTIMEVERIFY = 9, "BIP65: OP_CHECKLOCKTIMEVERIFY.";
    CHECKSEQUENCEVERIFY = 10, "BIP112: OP_CHECKSEQUENCEVERIFY.";
    WITNESS = 11, "BIP141: segregated witness.";
    DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM = 12, "Policy: refuse unknown witness versions.";
    MINIMALIF = 13, "Policy (segwit v0): OP_IF takes empty or 01.";
    NULLFAIL = 14, "Policy: failed signatures must be empty.";
    WITNESS_PUBKEYTYPE = 15, "Policy: compressed keys only in segwit v0.";
    CONST_SCRIPTCODE = 16, "Policy: no OP_CODESEPARATOR or FindAndDelete in legacy scripts.";
    TAPROOT = 17, "BIP341/342: taproot and tapscript.";
    DISCOURAGE_UPGRADABLE_TAPROOT_VERSION = 18, "Policy: refuse unknown leaf versions.";
    DISCOURAGE_OP_SUCCESS = 19, "Policy: refuse OP_SUCCESSx.";
    DISCOURAGE_UPGRADABLE_PUBKEYTYPE = 20, "Policy: refuse unknown tapscript key types.";
}

impl VerifyFlags {
    /// No flags.
    pub const NONE: VerifyFlags = VerifyFlags(0);
    /// Every flag Core defines.
    pub const ALL: VerifyFlags = VerifyFlags((1 << 21) - 1);
    /// The rules every block follows once all soft forks are active
    /// (Core `MANDATORY_SCRIPT_VERIFY_FLAGS`).
    pub const CONSENSUS: VerifyFlags = VerifyFlags(
        Self::P2SH.0
            | Self::DERSIG.0
            | Self::NULLDUMMY.0
            | Self::CHECKLOCKTIMEVERIFY.0
            | Self::CHECKSEQUENCEVERIFY.0
            | Self::WITNESS.0
            | Self::TAPROOT.0,
    );
    /// Consensus plus relay policy (Core `STANDARD_SCRIPT_VERIFY_FLAGS`).
    pub const STANDARD: VerifyFlags = VerifyFlags(
        Self::CONSENSUS.0
            | Self::STRICTENC.0
            | Self::MINIMALDATA.0
            | Self::DISCOURAGE_UPGRADABLE_NOPS.0
            | Self::CLEANSTACK.0
            | Self::MINIMALIF.0
            | Self::NULLFAIL.0
            | Self::LOW_S.0
            | Self::DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM.0
            | Self::WITNESS_PUBKEYTYPE.0
            | Self::CONST_SCRIPTCODE.0
            | Self::DISCOURAGE_UPGRADABLE_TAPROOT_VERSION.0
            | Self::DISCOURAGE_OP_SUCCESS.0
            | Self::DISCOURAGE_UPGRADABLE_PUBKEYTYPE.0,
    );

    /// True if every flag of `other` is set.
    pub const fn contains(self, other: VerifyFlags) -> bool {
        self.0 & other.0 == other.0
    }

    /// The raw bits.
    pub const fn bits(self) -> u32 {
        self.0
    }

    /// From raw bits (unknown bits dropped).
    pub const fn from_bits(bits: u32) -> VerifyFlags {
        VerifyFlags(bits & Self::ALL.0)
    }

    /// Parses Core's comma-separated names (`"P2SH,STRICTENC"`; empty or `NONE` for none).
    pub fn parse(names: &str) -> Result<VerifyFlags, UnknownFlag> {
        let mut flags = VerifyFlags::NONE;
        for name in names
            .split(',')
            .map(str::trim)
            .filter(|n| !n.is_empty() && *n != "NONE")
        {
            let name = name.strip_prefix("SCRIPT_VERIFY_").unwrap_or(name);
            let (_, flag) = Self::NAMED
                .iter()
                .find(|(n, _)| *n == name)
                .ok_or_else(|| UnknownFlag(name.to_owned()))?;
            flags |= *flag;
        }
        Ok(flags)
    }
}

/// A flag name Core does not define.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown script verification flag {0:?}")]
pub struct UnknownFlag(pub String);

impl BitOr for VerifyFlags {
    type Output = VerifyFlags;
    fn bitor(self, rhs: VerifyFlags) -> VerifyFlags {
        VerifyFlags(self.0 | rhs.0)
    }
}

impl BitOrAssign for VerifyFlags {
    fn bitor_assign(&mut self, rhs: VerifyFlags) {
        self.0 |= rhs.0;
    }
}

impl BitAnd for VerifyFlags {
    type Output = VerifyFlags;
    fn bitand(self, rhs: VerifyFlags) -> VerifyFlags {
        VerifyFlags(self.0 & rhs.0)
    }
}

impl Not for VerifyFlags {
    type Output = VerifyFlags;
    /// The complement within the defined flags.
    fn not(self) -> VerifyFlags {
        VerifyFlags(!self.0 & Self::ALL.0)
    }
}

impl fmt::Display for VerifyFlags {
    /// Core's comma-separated names.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = Self::NAMED
            .iter()
            .filter(|(_, flag)| self.contains(*flag))
            .map(|(n, _)| *n)
            .collect();
        if names.is_empty() {
            f.write_str("NONE")
        } else {
            f.write_str(&names.join(","))
        }
    }
}

impl fmt::Debug for VerifyFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VerifyFlags({self})")
    }
}
