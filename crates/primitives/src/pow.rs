//! Proof of work: targets, their compact form, and the work a block proves.
//!
//! A block is valid only if its hash, read as a 256-bit number, is at most the *target*.
//! Lowering the target makes hashes that qualify rarer, and finding one proves, on average,
//! `2^256 / (target + 1)` hash attempts: that number is the block's [`Work`], and nodes
//! follow the valid chain with the most of it, not the longest one.
//!
//! Headers carry the target in 4 bytes, "nBits" ([`CompactTarget`]): a floating-point-like
//! number with a one-byte exponent (the length of the number in bytes) and a three-byte
//! mantissa.
//!
//! ```text
//! target = mantissa * 256^(exponent - 3)        0x1d00ffff -> 0x00ffff * 256^(0x1d - 3)
//! ```
//!
//! The mantissa's top bit is a sign bit, inherited from OpenSSL's `BN_mpi2bn`, and some
//! encodings overflow 256 bits. Consensus cares about both (a negative or overflowing nBits
//! makes a block invalid), so [`CompactTarget::expand`] returns the value with both flags,
//! bit for bit as Core's `arith_uint256::SetCompact`, and [`U256::to_compact`] rounds as
//! `GetCompact` (the mantissa keeps 3 bytes, the rest is truncated).
//!
//! References: Core `src/arith_uint256.cpp` (`SetCompact`, `GetCompact`, `operator/=`),
//! `src/pow.cpp` (`DeriveTarget`, `CheckProofOfWork`), `src/chain.cpp` (`GetBlockProof`),
//! `src/rpc/blockchain.cpp` (`GetDifficulty`).

use core::cmp::Ordering;
use core::fmt;

use crate::hashes::BlockHash;

/// An unsigned 256-bit integer with the wrapping arithmetic of Core's `arith_uint256`.
///
/// Limbs are little-endian: `self.0[0]` holds the lowest 64 bits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct U256([u64; 4]);

impl U256 {
    /// Zero.
    pub const ZERO: U256 = U256([0; 4]);
    /// One.
    pub const ONE: U256 = U256([1, 0, 0, 0]);
    /// `2^256 - 1`.
    pub const MAX: U256 = U256([u64::MAX; 4]);

    /// From four 64-bit limbs, least significant first.
    pub const fn from_limbs(limbs: [u64; 4]) -> U256 {
        U256(limbs)
    }

    /// From a `u64`.
    pub const fn from_u64(n: u64) -> U256 {
        U256([n, 0, 0, 0])
    }

    /// From 32 big-endian bytes.
    pub fn from_be_bytes(bytes: [u8; 32]) -> U256 {
        let mut limbs = [0u64; 4];
        for (i, chunk) in bytes.chunks_exact(8).enumerate() {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            limbs[3 - i] = u64::from_be_bytes(word);
        }
        U256(limbs)
    }

    /// To 32 big-endian bytes.
    pub fn to_be_bytes(self) -> [u8; 32] {
        let mut out = [0u8; 32];
        for i in 0..4 {
            out[8 * i..8 * i + 8].copy_from_slice(&self.0[3 - i].to_be_bytes());
        }
        out
    }

    /// From 32 little-endian bytes (how a hash is read as a number, Core `UintToArith256`).
    pub fn from_le_bytes(mut bytes: [u8; 32]) -> U256 {
        bytes.reverse();
        U256::from_be_bytes(bytes)
    }

    /// To 32 little-endian bytes.
    pub fn to_le_bytes(self) -> [u8; 32] {
        let mut out = self.to_be_bytes();
        out.reverse();
        out
    }

    /// The lowest 64 bits.
    pub const fn low_u64(self) -> u64 {
        self.0[0]
    }

    /// True for zero.
    pub const fn is_zero(self) -> bool {
        self.0[0] == 0 && self.0[1] == 0 && self.0[2] == 0 && self.0[3] == 0
    }

    /// Number of significant bits (0 for zero).
    pub const fn bits(self) -> u32 {
        let mut limb: u32 = 4;
        while limb > 0 {
            limb -= 1;
            let word = self.0[limb as usize];
            if word != 0 {
                return 64 * limb + (64 - word.leading_zeros());
            }
        }
        0
    }

    /// `self << shift`, zero once `shift >= 256`.
    #[must_use]
    pub const fn shl(self, shift: u32) -> U256 {
        let mut out = [0u64; 4];
        let limbs = (shift / 64) as usize;
        let bits = shift % 64;
        let mut i = 3;
        loop {
            if i >= limbs {
                let src = i - limbs;
                let mut v = self.0[src] << bits;
                if bits > 0 && src > 0 {
                    v |= self.0[src - 1] >> (64 - bits);
                }
                out[i] = v;
            }
            if i == 0 {
                break;
            }
            i -= 1;
        }
        U256(out)
    }

    /// `self >> shift`, zero once `shift >= 256`.
    #[must_use]
    pub const fn shr(self, shift: u32) -> U256 {
        let mut out = [0u64; 4];
        let limbs = (shift / 64) as usize;
        let bits = shift % 64;
        let mut i = 0;
        while i + limbs < 4 {
            let src = i + limbs;
            let mut v = self.0[src] >> bits;
            if bits > 0 && src + 1 < 4 {
                v |= self.0[src + 1] << (64 - bits);
            }
            out[i] = v;
            i += 1;
        }
        U256(out)
    }

    /// `self + rhs` and whether it wrapped.
    pub const fn overflowing_add(self, rhs: U256) -> (U256, bool) {
        let mut out = [0u64; 4];
        let mut carry = false;
        let mut i = 0;
        while i < 4 {
            let (s1, c1) = self.0[i].overflowing_add(rhs.0[i]);
            let (s2, c2) = s1.overflowing_add(carry as u64);
            out[i] = s2;
            carry = c1 || c2;
            i += 1;
        }
        (U256(out), carry)
    }

    /// `self - rhs` and whether it wrapped.
    pub const fn overflowing_sub(self, rhs: U256) -> (U256, bool) {
        let mut out = [0u64; 4];
        let mut borrow = false;
        let mut i = 0;
        while i < 4 {
            let (d1, b1) = self.0[i].overflowing_sub(rhs.0[i]);
            let (d2, b2) = d1.overflowing_sub(borrow as u64);
            out[i] = d2;
            borrow = b1 || b2;
            i += 1;
        }
        (U256(out), borrow)
    }

    /// `self + rhs` modulo 2^256.
    #[must_use]
    pub const fn wrapping_add(self, rhs: U256) -> U256 {
        self.overflowing_add(rhs).0
    }

    /// `self - rhs` modulo 2^256.
    #[must_use]
    pub const fn wrapping_sub(self, rhs: U256) -> U256 {
        self.overflowing_sub(rhs).0
    }

    /// `self + rhs`, or `None` past 2^256 - 1.
    pub const fn checked_add(self, rhs: U256) -> Option<U256> {
        match self.overflowing_add(rhs) {
            (v, false) => Some(v),
            (_, true) => None,
        }
    }

    /// `self * rhs` modulo 2^256 (Core `arith_uint256::operator*=`, which also wraps).
    #[must_use]
    #[allow(
        clippy::cast_possible_truncation,
        reason = "each 128-bit partial product keeps its low 64 bits and carries the rest"
    )]
    pub const fn wrapping_mul(self, rhs: U256) -> U256 {
        let mut out = [0u64; 4];
        let mut i = 0;
        while i < 4 {
            let mut carry: u128 = 0;
            let mut j = 0;
            while i + j < 4 {
                let cur = out[i + j] as u128 + (self.0[i] as u128) * (rhs.0[j] as u128) + carry;
                // Keep the low 64 bits here and carry the high ones.
                out[i + j] = cur as u64;
                carry = cur >> 64;
                j += 1;
            }
            i += 1;
        }
        U256(out)
    }

    /// Bitwise complement.
    #[must_use]
    pub const fn not(self) -> U256 {
        U256([!self.0[0], !self.0[1], !self.0[2], !self.0[3]])
    }

    /// `self / rhs` rounded down, or `None` when `rhs` is zero (where Core throws).
    pub fn checked_div(self, rhs: U256) -> Option<U256> {
        let div_bits = rhs.bits();
        if div_bits == 0 {
            return None;
        }
        let num_bits = self.bits();
        if div_bits > num_bits {
            return Some(U256::ZERO);
        }
        // Schoolbook binary long division, as Core's `operator/=`.
        let mut shift = num_bits - div_bits;
        let mut div = rhs.shl(shift);
        let mut num = self;
        let mut quotient = U256::ZERO;
        loop {
            if num >= div {
                num = num.wrapping_sub(div);
                quotient.0[(shift / 64) as usize] |= 1 << (shift % 64);
            }
            div = div.shr(1);
            if shift == 0 {
                break;
            }
            shift -= 1;
        }
        Some(quotient)
    }

    /// The compact form of this number with the given sign (Core `GetCompact`).
    ///
    /// Keeps the 3 most significant bytes, truncating the rest; if the mantissa's top bit
    /// would be set (read as a sign), shifts one more byte into the exponent.
    #[allow(
        clippy::cast_possible_truncation,
        reason = "the mantissa is shifted to at most 3 bytes before narrowing"
    )]
    pub fn to_compact(self, negative: bool) -> CompactTarget {
        let mut size = self.bits().div_ceil(8);
        // After the shift only the low 3 bytes can be non-zero.
        let mut mantissa = if size <= 3 {
            (self.low_u64() << (8 * (3 - size))) as u32
        } else {
            self.shr(8 * (size - 3)).low_u64() as u32
        };
        if mantissa & 0x0080_0000 != 0 {
            mantissa >>= 8;
            size += 1;
        }
        let mut compact = mantissa | (size << 24);
        if negative && (compact & 0x007f_ffff) != 0 {
            compact |= 0x0080_0000;
        }
        CompactTarget(compact)
    }
}

impl PartialOrd for U256 {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for U256 {
    fn cmp(&self, other: &Self) -> Ordering {
        // Most significant limb first.
        self.0.iter().rev().cmp(other.0.iter().rev())
    }
}

impl fmt::Display for U256 {
    /// 64 hex digits, most significant first (Core `GetHex`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::hashes::write_hex(f, self.to_be_bytes())
    }
}

impl fmt::Debug for U256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "U256({self})")
    }
}

/// A target in the 4-byte "nBits" form that headers carry.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct CompactTarget(u32);

/// What Core's `SetCompact` makes of an nBits value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExpandedCompact {
    /// The magnitude (with overflowing bits lost, as in Core).
    pub value: U256,
    /// The sign bit was set on a non-zero mantissa.
    pub negative: bool,
    /// The number does not fit in 256 bits.
    pub overflow: bool,
}

impl CompactTarget {
    /// From the header's 32-bit field.
    pub const fn from_consensus(bits: u32) -> CompactTarget {
        CompactTarget(bits)
    }

    /// The header's 32-bit field.
    pub const fn to_consensus(self) -> u32 {
        self.0
    }

    /// Expands to 256 bits with Core's sign and overflow flags (`SetCompact`).
    pub fn expand(self) -> ExpandedCompact {
        let size = self.0 >> 24;
        let mut word = self.0 & 0x007f_ffff;
        // As in Core, a small exponent shifts the mantissa itself, and the sign and
        // overflow flags below look at what is left of it: 0x00923456 is zero, not
        // negative.
        let value = if size <= 3 {
            word >>= 8 * (3 - size);
            U256::from_u64(u64::from(word))
        } else {
            U256::from_u64(u64::from(word)).shl(8 * (size - 3))
        };
        let negative = word != 0 && (self.0 & 0x0080_0000) != 0;
        let overflow =
            word != 0 && (size > 34 || (word > 0xff && size > 33) || (word > 0xffff && size > 32));
        ExpandedCompact {
            value,
            negative,
            overflow,
        }
    }

    /// Difficulty: how many times harder than the easiest mainnet target (`0x1d00ffff`)
    /// this target is (Core `GetDifficulty`). For display only.
    pub fn difficulty(self) -> f64 {
        let mut shift = (self.0 >> 24) & 0xff;
        let mantissa = self.0 & 0x00ff_ffff;
        if mantissa == 0 {
            return f64::INFINITY;
        }
        let mut diff = f64::from(0x0000_ffff) / f64::from(mantissa);
        while shift < 29 {
            diff *= 256.0;
            shift += 1;
        }
        while shift > 29 {
            diff /= 256.0;
            shift -= 1;
        }
        diff
    }
}

impl fmt::Display for CompactTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:08x}", self.0)
    }
}

impl fmt::Debug for CompactTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CompactTarget({:#010x})", self.0)
    }
}

impl fmt::LowerHex for CompactTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::LowerHex::fmt(&self.0, f)
    }
}

/// A proof-of-work target: a block hash must be at most this number.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Target(U256);

impl Target {
    /// From the 256-bit number.
    pub const fn from_u256(value: U256) -> Target {
        Target(value)
    }

    /// The 256-bit number.
    pub const fn to_u256(self) -> U256 {
        self.0
    }

    /// From 32 big-endian bytes, as pow limits are written.
    pub fn from_be_bytes(bytes: [u8; 32]) -> Target {
        Target(U256::from_be_bytes(bytes))
    }

    /// The target an nBits value encodes, if it is a usable one: not negative, not zero,
    /// not overflowing, and not easier than `pow_limit` (Core `DeriveTarget`).
    pub fn from_compact(bits: CompactTarget, pow_limit: Target) -> Option<Target> {
        let ExpandedCompact {
            value,
            negative,
            overflow,
        } = bits.expand();
        if negative || overflow || value.is_zero() || value > pow_limit.0 {
            return None;
        }
        Some(Target(value))
    }

    /// The nBits encoding (Core `GetCompact`), which may round the target down.
    pub fn to_compact(self) -> CompactTarget {
        self.0.to_compact(false)
    }

    /// True if `hash`, read as a little-endian number, is at most the target.
    pub fn is_met_by(self, hash: BlockHash) -> bool {
        U256::from_le_bytes(hash.to_byte_array()) <= self.0
    }

    /// The expected number of hashes to find a block at this target (Core `GetBlockProof`).
    pub fn to_work(self) -> Work {
        // 2^256 / (target + 1) does not fit in 256 bits, but it equals
        // (2^256 - target - 1) / (target + 1) + 1, and 2^256 - target - 1 is !target.
        match self.0.not().checked_div(self.0.wrapping_add(U256::ONE)) {
            Some(q) => Work(q.wrapping_add(U256::ONE)),
            // target + 1 wraps to zero only for target = 2^256 - 1: one hash always wins.
            None => Work(U256::ONE),
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Target({})", self.0)
    }
}

/// Expected hash attempts: the measure by which nodes choose between chains.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Work(U256);

impl Work {
    /// No work.
    pub const ZERO: Work = Work(U256::ZERO);

    /// The work of a header with these nBits, zero when they are negative, overflowing or
    /// zero (Core `GetBlockProof`; no pow-limit check here).
    pub fn from_compact(bits: CompactTarget) -> Work {
        let e = bits.expand();
        if e.negative || e.overflow || e.value.is_zero() {
            return Work::ZERO;
        }
        Target(e.value).to_work()
    }

    /// From the 256-bit number.
    pub const fn from_u256(value: U256) -> Work {
        Work(value)
    }

    /// The 256-bit number.
    pub const fn to_u256(self) -> U256 {
        self.0
    }

    /// `self + rhs`, or `None` past 2^256 - 1.
    pub const fn checked_add(self, rhs: Work) -> Option<Work> {
        match self.0.checked_add(rhs.0) {
            Some(w) => Some(Work(w)),
            None => None,
        }
    }

    /// The base-2 logarithm, the "log2_work" Core prints, for display.
    pub fn log2(self) -> f64 {
        let mut value = 0.0f64;
        for limb in self.0 .0.iter().rev() {
            value = value * 18_446_744_073_709_551_616.0 + *limb as f64;
        }
        value.log2()
    }
}

impl fmt::Display for Work {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for Work {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Work({})", self.0)
    }
}

#[cfg(test)]
#[allow(
    clippy::cast_possible_truncation,
    reason = "test data generators keep the low bits"
)]
mod tests {
    use super::*;

    fn u(hex_be: &str) -> U256 {
        let mut bytes = [0u8; 32];
        let raw = hex::decode(format!("{hex_be:0>64}")).expect("test literal");
        bytes.copy_from_slice(&raw);
        U256::from_be_bytes(bytes)
    }

    #[test]
    fn shifts_and_bits() {
        assert_eq!(U256::ONE.shl(255).bits(), 256);
        assert_eq!(U256::ONE.shl(256), U256::ZERO);
        assert_eq!(U256::ONE.shl(64), U256([0, 1, 0, 0]));
        assert_eq!(U256::MAX.shr(255), U256::ONE);
        assert_eq!(U256::MAX.shr(300), U256::ZERO);
        assert_eq!(
            u("123456789abcdef0123").shl(68).shr(68),
            u("123456789abcdef0123")
        );
        assert_eq!(U256::ZERO.bits(), 0);
    }

    #[test]
    fn division_matches_known_quotients() {
        assert_eq!(U256::MAX.checked_div(U256::MAX), Some(U256::ONE));
        assert_eq!(
            U256::from_u64(100).checked_div(U256::from_u64(7)),
            Some(U256::from_u64(14))
        );
        assert_eq!(U256::ONE.checked_div(U256::ZERO), None);
        assert_eq!(
            U256::MAX.checked_div(U256::ONE.shl(128)),
            Some(U256([u64::MAX, u64::MAX, 0, 0]))
        );
        let a = u("fedcba9876543210fedcba9876543210fedcba98765432100123456789abcdef");
        let b = u("123456789abcdef0123");
        let q = a.checked_div(b).expect("non-zero divisor");
        let r = a.wrapping_sub(q.wrapping_mul(b));
        assert!(r < b);
    }

    #[test]
    fn genesis_work_is_the_textbook_value() {
        // 0x1d00ffff: the first blocks each prove 2^32 / (1 - 2^-16) ~ 4295032833 hashes.
        let w = Work::from_compact(CompactTarget::from_consensus(0x1d00ffff));
        assert_eq!(w.to_u256(), U256::from_u64(0x1_0001_0001));
        let limit = Target::from_be_bytes([0xff; 32]);
        assert_eq!(limit.to_work(), Work::from_u256(U256::ONE));
        assert_eq!(CompactTarget::from_consensus(0x1d00ffff).difficulty(), 1.0);
    }
}
