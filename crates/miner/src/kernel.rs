//! The SHA-256 work of mining: one header, many nonces.
//!
//! A block hash is `sha256d` of the 80-byte header. SHA-256 eats 64-byte blocks, so the
//! header is two blocks, and the nonce (bytes 76..80) sits in the second:
//!
//! ```text
//!   header  [ version | prev hash | merkle root (28 of 32) ][ merkle (4) | time | bits | nonce | padding ]
//!            \___________ block 1: same for every nonce ____/ \__________ block 2 ______________________/
//!   hash 1 = compress(compress(IV, block 1), block 2)          <- the first compression is the "midstate",
//!   hash 2 = compress(IV, hash 1 + padding)                       computed once per job
//! ```
//!
//! So each nonce costs two compressions, and the two are chained: the SHA unit must wait
//! for each round's result before the next. Independent nonces hide that wait:
//!
//! - the portable kernel calls the `sha2` crate's compression (SHA-NI or ARMv8 instructions
//!   when present) for two nonces in alternation, so an out-of-order CPU overlaps them;
//! - on x86-64 CPUs with the SHA extensions (detected at run time), the fast kernel is
//!   written with `core::arch` intrinsics, two nonces' instructions interleaved by hand.
//!
//! Both give exactly the hashes of the plain path (tested on real and random headers).
//!
//! The fast kernel also skips work that does not depend on the nonce or the answer:
//!
//! ```text
//!   block 2 rounds 0-1   use only merkle/time words: computed once per header
//!   hash 1 -> hash 2     passed in registers, never stored and re-read
//!   hash 2 rounds 62-63  skipped: the top word of the hash is already known after round 61,
//!                        and it alone rejects all but about one nonce in 2^32 at real
//!                        difficulty; a candidate is re-hashed in full and compared exactly
//! ```

use sou_primitives::hashes::{compress, compress_two, two_lanes_available, SHA256_INITIAL_STATE};
use sou_primitives::BlockHeader;

/// Which SHA-256 implementation to mine with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kernel {
    /// The `sha2` crate's compression, two nonces' calls alternating.
    Portable,
    /// The hand-written SHA-NI kernel, two nonces interleaved (the portable path where the
    /// CPU lacks SHA-NI).
    Fast,
}

impl Kernel {
    /// The best kernel for this CPU.
    pub fn best() -> Kernel {
        if two_lanes_available() {
            Kernel::Fast
        } else {
            Kernel::Portable
        }
    }

    /// A name for display.
    pub fn name(self) -> &'static str {
        match self {
            Kernel::Portable => "portable (sha2 compress256, two nonces alternating)",
            Kernel::Fast if two_lanes_available() => "fast (SHA-NI, two nonces interleaved)",
            Kernel::Fast => "fast unavailable on this CPU: portable",
        }
    }
}

/// A header prepared for hashing nonce after nonce.
#[derive(Debug, Clone)]
pub struct HeaderHasher {
    midstate: [u32; 8],
    /// Block 2 with a zero nonce: bytes 64..80 of the header, then SHA-256 padding.
    tail: [u8; 64],
    /// The first three words of block 2 (end of the merkle root, time, bits).
    tail_words: [u32; 3],
}

/// The padded second block of `sha256d`: a 32-byte digest, `0x80`, length 256 bits.
fn digest_block(state: &[u32; 8]) -> [u8; 64] {
    let mut block = [0u8; 64];
    for (chunk, word) in block[..32].chunks_exact_mut(4).zip(state) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    block[32] = 0x80;
    block[62] = 0x01;
    block
}

impl HeaderHasher {
    /// Computes the midstate of `header`'s first 64 bytes.
    pub fn new(header: &BlockHeader) -> HeaderHasher {
        let bytes = header.to_bytes();
        let mut first = [0u8; 64];
        first.copy_from_slice(&bytes[..64]);
        let mut midstate = SHA256_INITIAL_STATE;
        compress(&mut midstate, &first);
        let mut tail = [0u8; 64];
        tail[..16].copy_from_slice(&bytes[64..80]);
        tail[16] = 0x80;
        // 80 bytes = 640 bits = 0x0280, big-endian at the end.
        tail[62] = 0x02;
        tail[63] = 0x80;
        let word = |i: usize| u32::from_be_bytes([tail[i], tail[i + 1], tail[i + 2], tail[i + 3]]);
        HeaderHasher {
            midstate,
            tail,
            tail_words: [word(0), word(4), word(8)],
        }
    }

    fn tail_with(&self, nonce: u32) -> [u8; 64] {
        let mut block = self.tail;
        block[12..16].copy_from_slice(&nonce.to_le_bytes());
        block
    }

    /// The block hash for `nonce`, as bytes in internal order (as `BlockHash` stores them).
    pub fn hash(&self, nonce: u32) -> [u8; 32] {
        let mut state = self.midstate;
        compress(&mut state, &self.tail_with(nonce));
        let second = digest_block(&state);
        let mut out = SHA256_INITIAL_STATE;
        compress(&mut out, &second);
        state_bytes(&out)
    }

    /// The hashes for two nonces at once, interleaved where the CPU allows.
    pub fn hash_two(&self, nonces: [u32; 2]) -> [[u8; 32]; 2] {
        let (mut a, mut b) = (self.midstate, self.midstate);
        compress_two(
            &mut a,
            &self.tail_with(nonces[0]),
            &mut b,
            &self.tail_with(nonces[1]),
        );
        let (block_a, block_b) = (digest_block(&a), digest_block(&b));
        let (mut a, mut b) = (SHA256_INITIAL_STATE, SHA256_INITIAL_STATE);
        compress_two(&mut a, &block_a, &mut b, &block_b);
        [state_bytes(&a), state_bytes(&b)]
    }
}

impl HeaderHasher {
    /// Scans nonces `lo..=hi` in order with `kernel` and returns the first whose hash meets
    /// `target_le` (little-endian bytes, as [`meets_target`] takes), with the number of
    /// nonces tried. Every kernel gives the same answer (tested).
    pub fn scan(
        &self,
        kernel: Kernel,
        target_le: &[u8; 32],
        lo: u32,
        hi: u32,
    ) -> (Option<u32>, u64) {
        if lo > hi {
            return (None, 0);
        }
        if kernel == Kernel::Fast {
            if let Some(result) = scan_fast(self, target_le, lo, hi) {
                return result;
            }
        }
        self.scan_portable(target_le, lo, hi)
    }

    /// The `sha2` crate's compression, reusing the message blocks: only the nonce and the 32
    /// bytes of hash 1 are rewritten, and the final state becomes bytes only when its top
    /// word could meet the target. Nonces go in pairs whose calls alternate, so that an
    /// out-of-order CPU can overlap one nonce's compression with the other's.
    fn scan_portable(&self, target_le: &[u8; 32], lo: u32, hi: u32) -> (Option<u32>, u64) {
        let top = u32::from_le_bytes([target_le[28], target_le[29], target_le[30], target_le[31]]);
        let (mut tail_a, mut tail_b) = (self.tail, self.tail);
        let (mut second_a, mut second_b) = (digest_block(&[0; 8]), digest_block(&[0; 8]));
        let check = |out: &[u32; 8]| {
            // The hash's top word is the last state word, its bytes in reverse order.
            out[7].swap_bytes() <= top && meets_target(&state_bytes(out), target_le)
        };
        let mut nonce = lo;
        while nonce < hi {
            let (na, nb) = (nonce, nonce + 1);
            tail_a[12..16].copy_from_slice(&na.to_le_bytes());
            tail_b[12..16].copy_from_slice(&nb.to_le_bytes());
            let (mut a, mut b) = (self.midstate, self.midstate);
            compress(&mut a, &tail_a);
            compress(&mut b, &tail_b);
            write_words(&mut second_a, &a);
            write_words(&mut second_b, &b);
            let (mut out_a, mut out_b) = (SHA256_INITIAL_STATE, SHA256_INITIAL_STATE);
            compress(&mut out_a, &second_a);
            compress(&mut out_b, &second_b);
            let tried = u64::from(na - lo) + 1;
            if check(&out_a) {
                return (Some(na), tried);
            }
            if check(&out_b) {
                return (Some(nb), tried + 1);
            }
            match nonce.checked_add(2) {
                Some(next) => nonce = next,
                None => return (None, tried + 1),
            }
        }
        let tried = u64::from(hi - lo) + 1;
        if nonce == hi && meets_target(&self.hash(hi), target_le) {
            return (Some(hi), tried);
        }
        (None, tried)
    }
}

/// Writes `state` big-endian into the first 32 bytes of `block`.
#[inline]
fn write_words(block: &mut [u8; 64], state: &[u32; 8]) {
    for (chunk, word) in block[..32].chunks_exact_mut(4).zip(state) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
}

fn state_bytes(state: &[u32; 8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (chunk, word) in out.chunks_exact_mut(4).zip(state) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

/// Scans nonces `lo..=hi` (in pairs) with the specialised SHA-NI kernel; returns the first
/// whose hash meets `target_le`, and how many nonces were tried. `None` for the kernel
/// means the CPU lacks SHA-NI: the caller uses the general path.
pub(crate) fn scan_fast(
    hasher: &HeaderHasher,
    target_le: &[u8; 32],
    lo: u32,
    hi: u32,
) -> Option<(Option<u32>, u64)> {
    x86::scan(hasher, target_le, lo, hi)
}

/// Is `hash` (internal byte order, i.e. a little-endian number) at most `target` (also
/// little-endian bytes)? Compared from the most significant byte down, without building
/// 256-bit integers: almost every attempt is decided by its top bytes.
#[inline]
pub fn meets_target(hash: &[u8; 32], target_le: &[u8; 32]) -> bool {
    for i in (0..32).rev() {
        if hash[i] != target_le[i] {
            return hash[i] < target_le[i];
        }
    }
    true
}

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod x86 {
    //! The specialised two-lane kernel: the only `unsafe` code of sou-miner, CPU
    //! intrinsics used after run-time detection of the SHA extensions. The SHA-NI
    //! building blocks it shares with the general two-lane hash are in
    //! `sou_primitives::hashes::shani`.

    use core::arch::x86_64::{
        __m128i, _mm_add_epi32, _mm_alignr_epi8, _mm_blend_epi16, _mm_cvtsi128_si32, _mm_set_epi32,
        _mm_sha256rnds2_epu32, _mm_shuffle_epi32,
    };

    use super::{meets_target, HeaderHasher};
    use sou_primitives::hashes::shani::{available, load_state, round_constants, schedule};
    use sou_primitives::hashes::SHA256_INITIAL_STATE;

    /// Four words as a register, element 0 = `w[0]`.
    #[inline]
    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    fn words(w: [u32; 4]) -> __m128i {
        _mm_set_epi32(w[3] as i32, w[2] as i32, w[1] as i32, w[0] as i32)
    }

    /// ABEF / CDGH back to word order: [A, B, C, D] and [E, F, G, H] as message words.
    #[inline]
    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    fn to_words(abef: __m128i, cdgh: __m128i) -> (__m128i, __m128i) {
        let feba = _mm_shuffle_epi32::<0x1b>(abef);
        let dchg = _mm_shuffle_epi32::<0xb1>(cdgh);
        (
            _mm_blend_epi16::<0xf0>(feba, dchg),
            _mm_alignr_epi8::<8>(dchg, feba),
        )
    }

    /// What does not change from nonce to nonce, computed once per header.
    struct Prepared {
        mid_abef: __m128i,
        mid_cdgh: __m128i,
        /// The state after block 2's rounds 0-1, which use only W0 and W1.
        first: __m128i,
        w012: [u32; 3],
        iv_abef: __m128i,
        iv_cdgh: __m128i,
    }

    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    fn prepare(h: &HeaderHasher) -> Prepared {
        let (mid_abef, mid_cdgh) = load_state(&h.midstate);
        let [w0, w1, w2] = h.tail_words;
        let wk = _mm_add_epi32(words([w0, w1, w2, 0]), round_constants(0));
        let first = _mm_sha256rnds2_epu32(mid_cdgh, mid_abef, wk);
        let (iv_abef, iv_cdgh) = load_state(&SHA256_INITIAL_STATE);
        Prepared {
            mid_abef,
            mid_cdgh,
            first,
            w012: [w0, w1, w2],
            iv_abef,
            iv_cdgh,
        }
    }

    /// The top 32-bit word of both lanes' block hashes (`H7` of the second SHA-256), the
    /// word that the target's most significant bytes compare with.
    ///
    /// Written out round group by round group, the two lanes' instructions alternating:
    /// every value stays in a register.
    #[inline]
    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    fn top_words(p: &Prepared, nonces: [u32; 2]) -> [u32; 2] {
        let [w0, w1, w2] = p.w012;
        let (mut a_abef, mut a_cdgh, mut b_abef, mut b_cdgh);
        let (mut a0, mut a1, mut a2, mut a3, mut b0, mut b1, mut b2, mut b3);

        // Four rounds of both lanes with message words `$x` (lane a) and `$y` (lane b).
        macro_rules! group {
            ($g:expr; $x:ident / $y:ident) => {{
                let k = round_constants($g);
                let (wa, wb) = (_mm_add_epi32($x, k), _mm_add_epi32($y, k));
                a_cdgh = _mm_sha256rnds2_epu32(a_cdgh, a_abef, wa);
                b_cdgh = _mm_sha256rnds2_epu32(b_cdgh, b_abef, wb);
                a_abef = _mm_sha256rnds2_epu32(a_abef, a_cdgh, _mm_shuffle_epi32::<0x0e>(wa));
                b_abef = _mm_sha256rnds2_epu32(b_abef, b_cdgh, _mm_shuffle_epi32::<0x0e>(wb));
            }};
            ($g:expr; sched $x0:ident $x1:ident $x2:ident $x3:ident / $y0:ident $y1:ident $y2:ident $y3:ident) => {{
                $x0 = schedule($x0, $x1, $x2, $x3);
                $y0 = schedule($y0, $y1, $y2, $y3);
                group!($g; $x0 / $y0);
            }};
        }
        // Groups 4 to 14, where each group's words come from the four before.
        macro_rules! scheduled_groups {
            () => {{
                group!(4; sched a0 a1 a2 a3 / b0 b1 b2 b3);
                group!(5; sched a1 a2 a3 a0 / b1 b2 b3 b0);
                group!(6; sched a2 a3 a0 a1 / b2 b3 b0 b1);
                group!(7; sched a3 a0 a1 a2 / b3 b0 b1 b2);
                group!(8; sched a0 a1 a2 a3 / b0 b1 b2 b3);
                group!(9; sched a1 a2 a3 a0 / b1 b2 b3 b0);
                group!(10; sched a2 a3 a0 a1 / b2 b3 b0 b1);
                group!(11; sched a3 a0 a1 a2 / b3 b0 b1 b2);
                group!(12; sched a0 a1 a2 a3 / b0 b1 b2 b3);
                group!(13; sched a1 a2 a3 a0 / b1 b2 b3 b0);
                group!(14; sched a2 a3 a0 a1 / b2 b3 b0 b1);
            }};
        }

        // Block 2 of hash 1. Rounds 0-1 were done once in `prepare`; rounds 2-3 use the nonce.
        a0 = words([w0, w1, w2, nonces[0].swap_bytes()]);
        b0 = words([w0, w1, w2, nonces[1].swap_bytes()]);
        let (wa, wb) = (
            _mm_add_epi32(a0, round_constants(0)),
            _mm_add_epi32(b0, round_constants(0)),
        );
        a_cdgh = p.first;
        b_cdgh = p.first;
        a_abef = _mm_sha256rnds2_epu32(p.mid_abef, p.first, _mm_shuffle_epi32::<0x0e>(wa));
        b_abef = _mm_sha256rnds2_epu32(p.mid_abef, p.first, _mm_shuffle_epi32::<0x0e>(wb));
        // Padding: 0x80 after the 80 header bytes, zeros, then the length, 640 bits.
        (a1, a2, a3) = (
            words([0x8000_0000, 0, 0, 0]),
            words([0, 0, 0, 0]),
            words([0, 0, 0, 640]),
        );
        (b1, b2, b3) = (a1, a2, a3);
        group!(1; a1 / b1);
        group!(2; a2 / b2);
        group!(3; a3 / b3);
        scheduled_groups!();
        group!(15; sched a3 a0 a1 a2 / b3 b0 b1 b2);

        // Hash 1 = state + midstate, straight into the message words of hash 2.
        (a0, a1) = to_words(
            _mm_add_epi32(a_abef, p.mid_abef),
            _mm_add_epi32(a_cdgh, p.mid_cdgh),
        );
        (b0, b1) = to_words(
            _mm_add_epi32(b_abef, p.mid_abef),
            _mm_add_epi32(b_cdgh, p.mid_cdgh),
        );
        // Padding: 0x80 after the 32 digest bytes, then the length, 256 bits.
        (a2, a3) = (words([0x8000_0000, 0, 0, 0]), words([0, 0, 0, 256]));
        (b2, b3) = (a2, a3);
        (a_abef, a_cdgh, b_abef, b_cdgh) = (p.iv_abef, p.iv_cdgh, p.iv_abef, p.iv_cdgh);
        group!(0; a0 / b0);
        group!(1; a1 / b1);
        group!(2; a2 / b2);
        group!(3; a3 / b3);
        scheduled_groups!();
        // Group 15: only rounds 60-61. After them F holds e(60), which rounds 62-63 only
        // shift into H: H7 = F + IV7.
        a3 = schedule(a3, a0, a1, a2);
        b3 = schedule(b3, b0, b1, b2);
        a_cdgh = _mm_sha256rnds2_epu32(a_cdgh, a_abef, _mm_add_epi32(a3, round_constants(15)));
        b_cdgh = _mm_sha256rnds2_epu32(b_cdgh, b_abef, _mm_add_epi32(b3, round_constants(15)));
        [
            (_mm_cvtsi128_si32(a_cdgh) as u32).wrapping_add(SHA256_INITIAL_STATE[7]),
            (_mm_cvtsi128_si32(b_cdgh) as u32).wrapping_add(SHA256_INITIAL_STATE[7]),
        ]
    }

    /// Scans the pairs `from, from + 2, ...` (each pair within `..=hi`) and returns the first
    /// pair with a hash whose top word is at most `top`, the target's top word.
    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    fn next_candidate(h: &HeaderHasher, top: u32, from: u32, hi: u32) -> Option<u32> {
        let prepared = prepare(h);
        let mut pair = from;
        while pair < hi {
            let [a, b] = top_words(&prepared, [pair, pair + 1]);
            if a.swap_bytes() <= top || b.swap_bytes() <= top {
                return Some(pair);
            }
            pair = pair.checked_add(2)?;
        }
        None
    }

    /// Scans `lo..=hi` two nonces at a time; candidates whose top word passes are checked
    /// exactly with the general path. `None` without the SHA extensions.
    pub(super) fn scan(
        h: &HeaderHasher,
        target_le: &[u8; 32],
        lo: u32,
        hi: u32,
    ) -> Option<(Option<u32>, u64)> {
        if !available() {
            return None;
        }
        // The hash's top word compares with the target's top word (little-endian bytes).
        let top = u32::from_le_bytes([target_le[28], target_le[29], target_le[30], target_le[31]]);
        let (mut nonce, hi64) = (u64::from(lo), u64::from(hi));
        let mut tried = 0u64;
        while nonce <= hi64 {
            let Ok(from) = u32::try_from(nonce) else {
                break;
            };
            // SAFETY: `available()` checked above that the CPU has SHA, SSE4.1 and SSSE3,
            // every feature `next_candidate` is compiled for.
            match unsafe { next_candidate(h, top, from, hi) } {
                Some(pair) => {
                    tried += u64::from(pair - from);
                    for n in [pair, pair + 1] {
                        tried += 1;
                        if meets_target(&h.hash(n), target_le) {
                            return Some((Some(n), tried));
                        }
                    }
                    nonce = u64::from(pair) + 2;
                }
                None => {
                    // Every pair below `hi` was scanned; an odd count leaves `hi` alone.
                    let pairs = (hi64 - nonce).div_ceil(2);
                    tried += 2 * pairs;
                    nonce += 2 * pairs;
                    if nonce == hi64 {
                        tried += 1;
                        if meets_target(&h.hash(hi), target_le) {
                            return Some((Some(hi), tried));
                        }
                    }
                    break;
                }
            }
        }
        Some((None, tried))
    }

    #[cfg(test)]
    pub(super) fn top_words_checked(h: &HeaderHasher, nonces: [u32; 2]) -> Option<[u32; 2]> {
        // SAFETY: only called after `available()` confirmed the features.
        available().then(|| unsafe { top_words(&prepare(h), nonces) })
    }
}

#[cfg(not(target_arch = "x86_64"))]
mod x86 {
    use super::HeaderHasher;
    pub(super) fn scan(
        _: &HeaderHasher,
        _: &[u8; 32],
        _: u32,
        _: u32,
    ) -> Option<(Option<u32>, u64)> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sou_primitives::Network;

    #[test]
    fn kernels_agree_with_the_block_hash() {
        let header = Network::Mainnet.params().genesis_block().header;
        let hasher = HeaderHasher::new(&header);
        assert_eq!(
            hasher.hash(header.nonce),
            header.block_hash().to_byte_array()
        );
        for n in [0u32, 1, 0x1234_5678, u32::MAX - 1] {
            let mut h = header;
            h.nonce = n;
            let mut g = header;
            g.nonce = n.wrapping_add(1);
            let both = hasher.hash_two([n, n.wrapping_add(1)]);
            assert_eq!(both[0], h.block_hash().to_byte_array());
            assert_eq!(both[1], g.block_hash().to_byte_array());
            assert_eq!(hasher.hash(n), both[0]);
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn specialised_kernel_top_words_match() {
        let header = Network::Mainnet.params().genesis_block().header;
        let hasher = HeaderHasher::new(&header);
        for n in [0u32, 7, 2_083_236_893, u32::MAX - 1] {
            let Some(words) = x86::top_words_checked(&hasher, [n, n + 1]) else {
                return;
            };
            for (w, nonce) in words.into_iter().zip([n, n + 1]) {
                let full = hasher.hash(nonce);
                assert_eq!(w.to_be_bytes(), full[28..32], "nonce {nonce}");
            }
        }
    }

    /// The specialised scan finds the same first nonce, and counts the same attempts, as
    /// hashing every nonce in full, for targets where the top word decides, where it ties,
    /// and where almost everything passes.
    #[test]
    fn specialised_scan_matches_the_general_path() {
        let header = Network::Mainnet.params().genesis_block().header;
        let hasher = HeaderHasher::new(&header);
        let (lo, hi) = (1_000u32, 5_000u32);
        let hashes: Vec<[u8; 32]> = (lo..=hi).map(|n| hasher.hash(n)).collect();
        let mut targets = Vec::new();
        for (top, next) in [(0x7fu8, 0xffu8), (0x0f, 0xff), (0, 0xff), (0, 0x0f)] {
            let mut t = [0xffu8; 32];
            t[31] = top;
            t[30] = next;
            targets.push(t);
        }
        // Ties on the top word: the target's top word equals a real hash's top word.
        for k in [17usize, 2_500] {
            let mut t = hashes[k];
            t[27] = 0;
            targets.push(t);
            t = hashes[k];
            targets.push(t);
        }
        for target in &targets {
            let expected = (lo..=hi)
                .zip(&hashes)
                .find(|(_, h)| meets_target(h, target));
            let tried_expected =
                expected.map_or(u64::from(hi - lo) + 1, |(n, _)| u64::from(n - lo) + 1);
            let expected = (expected.map(|(n, _)| n), tried_expected);
            assert_eq!(hasher.scan(Kernel::Portable, target, lo, hi), expected);
            assert_eq!(hasher.scan(Kernel::Fast, target, lo, hi), expected);
            if let Some(result) = scan_fast(&hasher, target, lo, hi) {
                assert_eq!(result, expected, "specialised kernel");
            }
        }
        // Odd-sized ranges, the very end of the nonce space, an empty range.
        let none = [0u8; 32];
        for kernel in [Kernel::Portable, Kernel::Fast] {
            assert_eq!(
                hasher.scan(kernel, &none, u32::MAX - 2, u32::MAX),
                (None, 3)
            );
            assert_eq!(hasher.scan(kernel, &none, 5, 5), (None, 1));
            assert_eq!(hasher.scan(kernel, &none, 6, 5), (None, 0));
        }
    }

    #[test]
    fn target_comparison() {
        let mut target = [0u8; 32];
        target[29] = 0xff; // 0x00000000ff000...
        let mut hash = [0xffu8; 32];
        hash[31] = 0;
        hash[30] = 0;
        hash[29] = 0xfe;
        assert!(meets_target(&hash, &target));
        hash[29] = 0xff;
        assert!(!meets_target(&hash, &target));
        assert!(meets_target(&target, &target));
    }
}
