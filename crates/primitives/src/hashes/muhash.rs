//! MuHash3072: one hash for a whole set, kept up to date one element at a time.
//!
//! A node that wants to fingerprint its UTXO set (to compare it with another node's, or to
//! check an assumeutxo snapshot) could serialise every coin in a fixed order and hash the
//! lot, but then every new block means hashing millions of coins again. MuHash instead
//! turns each element into a number and multiplies the numbers together modulo a prime.
//! Multiplication does not care about order, so the product names the *set*; adding an
//! element is one multiplication, and removing one is a division. The hash of a set of
//! coins can therefore follow the chain block by block, as Core's `coinstatsindex` does.
//!
//! The numbers live modulo `p = 2^3072 - 1103717`, the largest 3072-bit safe prime. An
//! element becomes a number by hashing it with SHA-256 and stretching the digest to 384
//! bytes with the ChaCha20 keystream (the digest is the key; nonce and counter are zero),
//! read as a little-endian integer. Division is expensive (an inverse modulo `p`), so
//! [`MuHash3072`] keeps a fraction: insertions multiply the numerator, removals the
//! denominator, and only [`MuHash3072::finalize`] divides once. The result is the SHA-256
//! of the quotient's 384 little-endian bytes.
//!
//! ```text
//!   insert(a), insert(b), remove(c)  ->  numerator a*b, denominator c
//!   finalize                          ->  SHA256( LE384( a*b / c mod p ) )
//! ```
//!
//! Because the operations are associative as well as commutative, a big set can be split
//! among threads and the partial hashes joined with [`MuHash3072::combine`].
//!
//! The prime's shape makes reduction cheap: since `2^3072 = 1103717 (mod p)`, the high
//! half of a 6144-bit product folds into the low half after one multiplication by
//! 1103717. Core reduces that way too; for the inverse it uses the constant-time safegcd
//! algorithm, where this module uses Fermat's little theorem (`a^(p-2) = 1/a` when `p` is
//! prime), slower but short, and needed once per finalisation at most.
//!
//! References: Core `src/crypto/muhash.{h,cpp}` (`Num3072`, `MuHash3072`, `ToNum3072`,
//! `Finalize`), its tests in `src/test/crypto_tests.cpp` (`muhash_tests`); Bellare and
//! Micciancio, "A New Paradigm for Collision-free Hashing: Incrementality at Reduced Cost"
//! (1997); Pieter Wuille's proposal on bitcoin-dev, May 2017.

use core::fmt;

use chacha20::cipher::{KeyIvInit, StreamCipher};
use chacha20::ChaCha20;

use crate::encoding::{Decode, DecodeError, Encode, Reader, WriteBytes};
use crate::hashes::sha256;

/// 64-bit limbs in a 3072-bit number.
const LIMBS: usize = 48;

/// Bytes in a 3072-bit number (Core `Num3072::BYTE_SIZE`).
const NUM_BYTES: usize = 384;

/// `2^3072 - p`: the modulus is `2^3072 - 1103717` (Core `MAX_PRIME_DIFF`).
const MAX_PRIME_DIFF: u64 = 1_103_717;

/// The low 64 bits of a double-width value: the "digit" kept by each step of long
/// multiplication, the rest moving on as the carry.
#[inline]
#[allow(
    clippy::cast_possible_truncation,
    reason = "keeping the low limb is the point"
)]
fn low(t: u128) -> u64 {
    t as u64
}

/// The high 64 bits of a double-width value (the carry of a long-multiplication step).
#[inline]
fn high(t: u128) -> u64 {
    low(t >> 64)
}

/// A number below `2^3072`, as 48 little-endian 64-bit limbs (Core `Num3072`).
///
/// Values are usually reduced below `p`, but one decoded from a serialised
/// [`MuHash3072`] may lie in `[p, 2^3072)`: every operation accepts those too.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Num3072 {
    limbs: [u64; LIMBS],
}

impl Num3072 {
    /// The number one, the hash of the empty set.
    const ONE: Num3072 = {
        let mut limbs = [0; LIMBS];
        limbs[0] = 1;
        Num3072 { limbs }
    };

    /// `p - 2`, the exponent that inverts by Fermat's little theorem: all ones but the
    /// lowest limb, which is `2^64 - 1103719`.
    const P_MINUS_2: Num3072 = {
        let mut limbs = [u64::MAX; LIMBS];
        limbs[0] = u64::MAX - (MAX_PRIME_DIFF + 1);
        Num3072 { limbs }
    };

    fn from_le_bytes(bytes: &[u8; NUM_BYTES]) -> Num3072 {
        let mut limbs = [0; LIMBS];
        for (limb, chunk) in limbs.iter_mut().zip(bytes.chunks_exact(8)) {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            *limb = u64::from_le_bytes(word);
        }
        Num3072 { limbs }
    }

    fn to_le_bytes(self) -> [u8; NUM_BYTES] {
        let mut bytes = [0u8; NUM_BYTES];
        for (chunk, limb) in bytes.chunks_exact_mut(8).zip(self.limbs) {
            chunk.copy_from_slice(&limb.to_le_bytes());
        }
        bytes
    }

    /// True when the value is at least `p`, i.e. in `[2^3072 - 1103717, 2^3072)`: every
    /// limb above the lowest is all ones (Core `Num3072::IsOverflow`).
    fn is_overflow(&self) -> bool {
        self.limbs[0] > u64::MAX - MAX_PRIME_DIFF && self.limbs[1..].iter().all(|&l| l == u64::MAX)
    }

    /// Subtracts `p` from a value in `[p, 2^3072)` (Core `Num3072::FullReduce`).
    ///
    /// `x - p = x + 1103717 - 2^3072`: add the difference and drop the carry out of the
    /// top limb.
    fn full_reduce(&mut self) {
        let mut carry = MAX_PRIME_DIFF;
        for limb in &mut self.limbs {
            let (sum, overflow) = limb.overflowing_add(carry);
            *limb = sum;
            carry = u64::from(overflow);
        }
    }

    /// Adds `addend` (below `2^128`) to the value; returns whether it wrapped past `2^3072`.
    fn add_small(&mut self, addend: u128) -> bool {
        let mut carry = addend;
        for limb in &mut self.limbs {
            if carry == 0 {
                return false;
            }
            let t = u128::from(*limb) + carry;
            *limb = low(t);
            carry = t >> 64;
        }
        carry != 0
    }

    /// `self * other mod p`, fully reduced into `[0, p)` (Core `Num3072::Multiply`, which
    /// interleaves the same two steps limb by limb).
    fn mul_mod(&self, other: &Num3072) -> Num3072 {
        // 1. The whole 6144-bit product, by schoolbook long multiplication. Each step
        //    `a*b + digit + carry` is at most (2^64-1)^2 + 2(2^64-1) = 2^128 - 1: no overflow.
        //    Row i adds a * other, shifted i limbs, into wide[i..i + 49].
        let mut wide = [0u64; 2 * LIMBS];
        for (i, &a) in self.limbs.iter().enumerate() {
            let (row, rest) = wide[i..].split_at_mut(LIMBS);
            let mut carry = 0u64;
            for (digit, &b) in row.iter_mut().zip(&other.limbs) {
                let t = u128::from(a) * u128::from(b) + u128::from(*digit) + u128::from(carry);
                *digit = low(t);
                carry = high(t);
            }
            if let Some(next) = rest.first_mut() {
                *next = carry;
            }
        }

        // 2. product = high * 2^3072 + low = high * 1103717 + low (mod p). The fold leaves a
        //    final carry of at most 1103717, itself worth carry * 1103717 (under 2^41).
        let (lo, hi) = wide.split_at(LIMBS);
        let mut out = Num3072 { limbs: [0; LIMBS] };
        let mut carry = 0u64;
        for ((limb, &l), &h) in out.limbs.iter_mut().zip(lo).zip(hi) {
            let t = u128::from(l) + u128::from(h) * u128::from(MAX_PRIME_DIFF) + u128::from(carry);
            *limb = low(t);
            carry = high(t);
        }

        // 3. Fold that carry in. Should the sum wrap past 2^3072, the value left is below
        //    2^41 and the wrapped 2^3072 is worth another 1103717, which cannot wrap again.
        if out.add_small(u128::from(carry) * u128::from(MAX_PRIME_DIFF)) {
            out.add_small(u128::from(MAX_PRIME_DIFF));
        }

        // 4. Now below 2^3072, so at most one subtraction of p remains.
        if out.is_overflow() {
            out.full_reduce();
        }
        out
    }

    /// The inverse modulo `p`, as `self^(p-2)` (Fermat's little theorem; `p` is prime).
    ///
    /// Zero, which has no inverse, maps to zero. Square-and-multiply with 4-bit windows:
    /// 3,072 squarings and at most 768 multiplications.
    fn inverse(&self) -> Num3072 {
        let mut base = *self;
        if base.is_overflow() {
            base.full_reduce();
        }
        // powers[k] = base^k for every 4-bit window value k.
        let mut powers = [Num3072::ONE; 16];
        let mut power = Num3072::ONE;
        for slot in &mut powers {
            *slot = power;
            power = power.mul_mod(&base);
        }
        // The exponent's bits from the top, four at a time (two windows per byte).
        let mut acc = Num3072::ONE;
        for byte in Num3072::P_MINUS_2.to_le_bytes().iter().rev() {
            for window in [byte >> 4, byte & 0x0f] {
                for _ in 0..4 {
                    acc = acc.mul_mod(&acc);
                }
                if window != 0 {
                    acc = acc.mul_mod(&powers[usize::from(window)]);
                }
            }
        }
        acc
    }

    /// `self / other mod p`, reduced into `[0, p)` (Core `Num3072::Divide`).
    fn div_mod(&self, other: &Num3072) -> Num3072 {
        // Most sets are built by insertions only: dividing by one needs no inverse, just
        // the reduction that a multiplication by one performs.
        if *other == Num3072::ONE {
            return self.mul_mod(&Num3072::ONE);
        }
        self.mul_mod(&other.inverse())
    }
}

/// The number an element stands for (Core `MuHash3072::ToNum3072`): SHA-256 of the bytes,
/// used as a ChaCha20 key (zero nonce, block counter from zero) whose first 384 bytes of
/// keystream are read as a little-endian number.
fn element_to_num(element: &[u8]) -> Num3072 {
    let key = sha256(element);
    let mut cipher = ChaCha20::new(&key.into(), &[0u8; 12].into());
    let mut bytes = [0u8; NUM_BYTES];
    cipher.apply_keystream(&mut bytes);
    Num3072::from_le_bytes(&bytes)
}

/// The MuHash of a multiset of byte strings, kept as a fraction (Core `MuHash3072`).
///
/// ```
/// use sou_primitives::hashes::muhash::MuHash3072;
///
/// let mut ab = MuHash3072::new();
/// ab.insert(b"a").insert(b"b");
/// let mut ba = MuHash3072::new();
/// ba.insert(b"b").insert(b"a").insert(b"c").remove(b"c");
/// assert_eq!(ab.finalize(), ba.finalize());
/// ```
///
/// Nothing stops an element from being inserted twice or removed before it was inserted:
/// the hash follows the arithmetic, and it is the caller's set that must be a set.
#[derive(Clone)]
pub struct MuHash3072 {
    numerator: Num3072,
    denominator: Num3072,
}

impl Default for MuHash3072 {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for MuHash3072 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The fraction's limbs say nothing readable, and finalising costs an inverse.
        f.debug_struct("MuHash3072").finish_non_exhaustive()
    }
}

impl MuHash3072 {
    /// Bytes of the serialised state: numerator then denominator, 384 little-endian bytes
    /// each (Core's `SERIALIZE_METHODS`).
    pub const SERIALIZED_LEN: usize = 2 * NUM_BYTES;

    /// The hash of the empty set.
    pub fn new() -> MuHash3072 {
        MuHash3072 {
            numerator: Num3072::ONE,
            denominator: Num3072::ONE,
        }
    }

    /// Adds `element` to the set (Core `MuHash3072::Insert`).
    pub fn insert(&mut self, element: &[u8]) -> &mut Self {
        self.numerator = self.numerator.mul_mod(&element_to_num(element));
        self
    }

    /// Takes `element` out of the set (Core `MuHash3072::Remove`).
    pub fn remove(&mut self, element: &[u8]) -> &mut Self {
        self.denominator = self.denominator.mul_mod(&element_to_num(element));
        self
    }

    /// Becomes the hash of the union of both sets (Core `operator*=`).
    pub fn combine(&mut self, other: &MuHash3072) -> &mut Self {
        self.numerator = self.numerator.mul_mod(&other.numerator);
        self.denominator = self.denominator.mul_mod(&other.denominator);
        self
    }

    /// Becomes the hash of this set less `other`'s elements (Core `operator/=`):
    /// dividing by a fraction multiplies by its reciprocal.
    pub fn subtract(&mut self, other: &MuHash3072) -> &mut Self {
        self.numerator = self.numerator.mul_mod(&other.denominator);
        self.denominator = self.denominator.mul_mod(&other.numerator);
        self
    }

    /// The 32-byte hash of the set: SHA-256 of the 384 little-endian bytes of
    /// numerator / denominator mod p (Core `MuHash3072::Finalize`).
    ///
    /// The bytes are in the order SHA-256 produced them, which is the order Core keeps in
    /// its `uint256`. Core *shows* them reversed, like a txid: `gettxoutsetinfo muhash`
    /// prints these 32 bytes from last to first.
    pub fn finalize(&self) -> [u8; 32] {
        let quotient = self.numerator.div_mod(&self.denominator);
        sha256(&quotient.to_le_bytes())
    }
}

impl Encode for MuHash3072 {
    fn encode_to<W: WriteBytes + ?Sized>(&self, w: &mut W) {
        w.write_bytes(&self.numerator.to_le_bytes());
        w.write_bytes(&self.denominator.to_le_bytes());
    }

    fn encoded_len(&self) -> usize {
        Self::SERIALIZED_LEN
    }
}

impl Decode for MuHash3072 {
    /// Reads a numerator and a denominator. As in Core, any 3072-bit values are accepted,
    /// including those not below `p`; they are reduced when used.
    fn decode_from(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let numerator = Num3072::from_le_bytes(&r.read_array()?);
        let denominator = Num3072::from_le_bytes(&r.read_array()?);
        Ok(MuHash3072 {
            numerator,
            denominator,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "test code")]
mod tests {
    use super::*;
    use num_bigint::BigUint;
    use proptest::prelude::*;

    fn modulus() -> BigUint {
        (BigUint::from(1u8) << 3072u32) - BigUint::from(MAX_PRIME_DIFF)
    }

    fn big(n: &Num3072) -> BigUint {
        BigUint::from_bytes_le(&n.to_le_bytes())
    }

    fn num(n: &BigUint) -> Num3072 {
        let mut bytes = n.to_bytes_le();
        assert!(bytes.len() <= NUM_BYTES);
        bytes.resize(NUM_BYTES, 0);
        Num3072::from_le_bytes(&bytes.try_into().unwrap())
    }

    /// Values at the edges of the reduction: zero, one, p - 1, p, p + 1, 2^3072 - 1, a
    /// lone high limb, and numbers whose fold carries far.
    fn edge_values() -> Vec<BigUint> {
        let p = modulus();
        let top = (BigUint::from(1u8) << 3072u32) - 1u8;
        vec![
            BigUint::from(0u8),
            BigUint::from(1u8),
            BigUint::from(MAX_PRIME_DIFF),
            &p - 1u8,
            p.clone(),
            &p + 1u8,
            top.clone(),
            &top - (BigUint::from(1u8) << 64u32),
            BigUint::from(1u8) << 3071u32,
            BigUint::from(u64::MAX) << 3008u32,
        ]
    }

    #[test]
    fn multiplication_matches_a_general_bignum_at_the_edges() {
        let p = modulus();
        for a in edge_values() {
            for b in edge_values() {
                let got = big(&num(&a).mul_mod(&num(&b)));
                assert_eq!(got, (&a * &b) % &p, "{a:x} * {b:x}");
            }
        }
    }

    #[test]
    fn inverse_times_value_is_one() {
        let p = modulus();
        for a in edge_values() {
            let inv = big(&num(&a).inverse());
            let expected = if &a % &p == BigUint::from(0u8) {
                BigUint::from(0u8)
            } else {
                BigUint::from(1u8)
            };
            assert_eq!((&a * inv) % &p, expected, "{a:x}");
        }
    }

    #[test]
    fn full_reduce_subtracts_the_modulus() {
        let p = modulus();
        let mut x = num(&((BigUint::from(1u8) << 3072u32) - 1u8));
        assert!(x.is_overflow());
        x.full_reduce();
        assert_eq!(big(&x), BigUint::from(MAX_PRIME_DIFF - 1));
        assert!(!num(&(&p - 1u8)).is_overflow());
        assert!(num(&p).is_overflow());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn multiplication_matches_a_general_bignum(
            a in proptest::collection::vec(any::<u8>(), NUM_BYTES),
            b in proptest::collection::vec(any::<u8>(), NUM_BYTES),
        ) {
            let (a, b) = (BigUint::from_bytes_le(&a), BigUint::from_bytes_le(&b));
            let got = big(&num(&a).mul_mod(&num(&b)));
            prop_assert_eq!(got, (&a * &b) % modulus());
        }

        #[test]
        fn decoding_any_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..800)) {
            if let Ok(hash) = crate::encoding::deserialize::<MuHash3072>(&bytes) {
                let _ = hash.finalize();
            }
        }
    }
}
