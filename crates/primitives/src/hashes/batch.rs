//! Hashing many independent messages at once, two at a time.
//!
//! A SHA-256 compression is 64 rounds, each depending on the one before. On CPUs with the
//! SHA extensions (SHA-NI), one `sha256rnds2` instruction does two rounds but its result
//! is needed by the next one, so a single message keeps the unit waiting on its own
//! latency. Two independent messages interleaved fill those gaps:
//!
//! ```text
//!   one lane:   A0 .. A1 .. A2 .. A3 ..        (..: waiting for the previous result)
//!   two lanes:  A0 B0 A1 B1 A2 B2 A3 B3
//! ```
//!
//! A block's transactions are exactly such a batch: thousands of short messages whose
//! txids and wtxids are independent. [`Sha256dLanes`] feeds them through two lanes,
//! each lane taking the next message when it finishes one, and falls back to one lane (the
//! `sha2` crate's compression, itself using SHA-NI or ARMv8 instructions when present)
//! when the CPU lacks the extensions, decided at run time.
//!
//! References: FIPS 180-4 (padding, 5.1.1); Intel, "Intel SHA Extensions" (2013), for the
//! instruction sequence; Core `src/crypto/sha256_x86_shani.cpp` (`Transform_2way`), which
//! interleaves two lanes for the same reason.

use super::SHA256_IV;

/// A message given as up to three slices hashed as their concatenation (a txid covers the
/// version, the input and output lists, and the lock time: three runs of a segwit
/// transaction's bytes).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pieces<'a> {
    parts: [&'a [u8]; 3],
    len: usize,
}

impl<'a> Pieces<'a> {
    /// One contiguous message.
    pub(crate) fn one(data: &'a [u8]) -> Self {
        Pieces {
            parts: [data, &[], &[]],
            len: data.len(),
        }
    }

    /// Three runs hashed as one message.
    pub(crate) fn three(a: &'a [u8], b: &'a [u8], c: &'a [u8]) -> Self {
        Pieces {
            parts: [a, b, c],
            len: a.len() + b.len() + c.len(),
        }
    }

    /// Number of 64-byte blocks after FIPS 180-4 padding (a 0x80 byte and the 8-byte
    /// length must fit after the message).
    fn padded_blocks(&self) -> usize {
        (self.len + 9).div_ceil(64)
    }

    /// Block `k` of the padded message.
    #[inline]
    fn block(&self, k: usize) -> [u8; 64] {
        let start = 64 * k;
        // Most blocks lie wholly inside one part: copy them straight.
        let mut offset = 0;
        for part in self.parts {
            if start >= offset && start + 64 <= offset + part.len() {
                if let Some(block) = part[start - offset..].first_chunk::<64>() {
                    return *block;
                }
            }
            offset += part.len();
        }
        self.assemble_block(k)
    }

    /// Block `k` when it straddles parts or holds padding.
    fn assemble_block(&self, k: usize) -> [u8; 64] {
        let mut block = [0u8; 64];
        let start = 64 * k;
        // Copy the message bytes that fall in [start, start + 64).
        let mut offset = 0; // offset of the current part in the message
        for part in self.parts {
            let part_end = offset + part.len();
            let lo = start.max(offset);
            let hi = (start + 64).min(part_end);
            if lo < hi {
                block[lo - start..hi - start].copy_from_slice(&part[lo - offset..hi - offset]);
            }
            offset = part_end;
        }
        if (start..start + 64).contains(&self.len) {
            block[self.len - start] = 0x80;
        }
        if k + 1 == self.padded_blocks() {
            let bits = (self.len as u64).wrapping_mul(8);
            block[56..].copy_from_slice(&bits.to_be_bytes());
        }
        block
    }
}

/// The second hash of `sha256d`: the padded block holding a 32-byte digest.
fn digest_block(digest: &[u8; 32]) -> [u8; 64] {
    let mut block = [0u8; 64];
    block[..32].copy_from_slice(digest);
    block[32] = 0x80;
    block[62] = 0x01; // 256 bits
    block
}

fn state_bytes(state: &[u32; 8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (chunk, word) in out.chunks_exact_mut(4).zip(state) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

/// One message in flight in a lane.
struct Job<'a> {
    pieces: Pieces<'a>,
    state: [u32; 8],
    /// Next block of the first hash, or `None` once the first hash is done.
    next: Option<usize>,
    /// The block of the second hash, once the first is done.
    second: [u8; 64],
}

impl<'a> Job<'a> {
    fn new(pieces: Pieces<'a>) -> Self {
        Job {
            pieces,
            state: SHA256_IV,
            next: Some(0),
            second: [0; 64],
        }
    }

    fn current_block(&self) -> [u8; 64] {
        match self.next {
            Some(k) => self.pieces.block(k),
            None => self.second,
        }
    }

    /// After compressing the current block: the final digest if this job is complete.
    fn advance(&mut self) -> Option<[u8; 32]> {
        match self.next {
            Some(k) if k + 1 < self.pieces.padded_blocks() => {
                self.next = Some(k + 1);
                None
            }
            Some(_) => {
                self.second = digest_block(&state_bytes(&self.state));
                self.state = SHA256_IV;
                self.next = None;
                None
            }
            None => Some(state_bytes(&self.state)),
        }
    }
}

/// Two compressions, interleaved when the CPU allows (see `crate::hashes::compress_two`).
#[inline]
pub(crate) fn compress_pair(
    a: &mut [u32; 8],
    block_a: &[u8; 64],
    b: &mut [u32; 8],
    block_b: &[u8; 64],
) {
    if x86::available() {
        x86::compress_x2(a, block_a, b, block_b);
    } else {
        super::compress_blocks(a, block_a);
        super::compress_blocks(b, block_b);
    }
}

/// Whether the interleaved kernel is in use.
pub(crate) fn two_lanes() -> bool {
    x86::available()
}

/// Computes `sha256d` of messages pushed one by one, two at a time on two lanes.
///
/// Each message comes with a caller's tag; when its hash is done, `emit(tag, digest)` is
/// called. Messages can be pushed as they are found (while decoding a block), so their
/// bytes are hashed while still in cache and no list of them is ever built.
pub(crate) struct Sha256dLanes<'a, F: FnMut(usize, [u8; 32])> {
    lanes: [Option<(usize, Job<'a>)>; 2],
    two_lanes: bool,
    emit: F,
}

impl<'a, F: FnMut(usize, [u8; 32])> Sha256dLanes<'a, F> {
    pub(crate) fn new(emit: F) -> Self {
        Sha256dLanes {
            lanes: [None, None],
            two_lanes: x86::available(),
            emit,
        }
    }

    /// Queues a message; hashing proceeds whenever both lanes are busy.
    pub(crate) fn push(&mut self, tag: usize, pieces: Pieces<'a>) {
        let job = Some((tag, Job::new(pieces)));
        if self.lanes[0].is_none() {
            self.lanes[0] = job;
        } else {
            self.lanes[1] = job;
        }
        while self.lanes[0].is_some() && self.lanes[1].is_some() {
            self.step();
        }
    }

    /// Hashes what is left.
    pub(crate) fn finish(mut self) {
        while self.lanes.iter().any(Option::is_some) {
            self.step();
        }
    }

    /// Compresses one block in each busy lane, emitting any message that completes.
    fn step(&mut self) {
        match &mut self.lanes {
            [Some((_, a)), Some((_, b))] if self.two_lanes => {
                let (block_a, block_b) = (a.current_block(), b.current_block());
                x86::compress_x2(&mut a.state, &block_a, &mut b.state, &block_b);
            }
            lanes => {
                for (_, job) in lanes.iter_mut().flatten() {
                    let block = job.current_block();
                    super::compress_blocks(&mut job.state, &block);
                }
            }
        }
        for lane in &mut self.lanes {
            if let Some((tag, job)) = lane {
                if let Some(digest) = job.advance() {
                    (self.emit)(*tag, digest);
                    *lane = None;
                }
            }
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod x86 {
    //! The two-lane SHA-NI compression, from the building blocks of `hashes::shani`.

    use core::arch::x86_64::{__m128i, _mm_add_epi32};

    pub(super) use crate::hashes::shani::available;
    use crate::hashes::shani::{
        four_rounds, load_state, load_words, round_constants, schedule, store_state,
    };

    /// Compresses one block into each of two states, the two lanes interleaved.
    ///
    /// Callers must have checked [`available`]; `Sha256dLanes` does.
    pub(super) fn compress_x2(
        a: &mut [u32; 8],
        block_a: &[u8; 64],
        b: &mut [u32; 8],
        block_b: &[u8; 64],
    ) {
        debug_assert!(available());
        // SAFETY: `Sha256dLanes` calls this only when `available()` returned true, so
        // the CPU supports every feature `compress_x2_shani` is compiled for.
        unsafe { compress_x2_shani(a, block_a, b, block_b) }
    }

    /// One lane's running values: state in SHA-NI layout and the last four word groups.
    #[derive(Clone, Copy)]
    struct Lane {
        abef: __m128i,
        cdgh: __m128i,
        w: [__m128i; 4],
    }

    impl Lane {
        #[inline]
        #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
        fn new(state: &[u32; 8], block: &[u8; 64]) -> Lane {
            let (abef, cdgh) = load_state(state);
            let w = [
                load_words(block, 0),
                load_words(block, 1),
                load_words(block, 2),
                load_words(block, 3),
            ];
            Lane { abef, cdgh, w }
        }

        /// Rounds of group `g`, whose words are in `w[slot]`.
        #[inline]
        #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
        fn rounds(&mut self, slot: usize, g: usize) {
            four_rounds(
                &mut self.abef,
                &mut self.cdgh,
                _mm_add_epi32(self.w[slot], round_constants(g)),
            );
        }

        /// Computes group `g`'s words into `w[slot]` (slot = g % 4; the literal slots
        /// let the compiler keep all four groups in registers).
        #[inline]
        #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
        fn schedule(&mut self, slot: usize) {
            let w = self.w;
            self.w[slot] = schedule(
                w[slot],
                w[(slot + 1) % 4],
                w[(slot + 2) % 4],
                w[(slot + 3) % 4],
            );
        }
    }

    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    fn compress_x2_shani(
        a: &mut [u32; 8],
        block_a: &[u8; 64],
        b: &mut [u32; 8],
        block_b: &[u8; 64],
    ) {
        let mut la = Lane::new(a, block_a);
        let mut lb = Lane::new(b, block_b);
        let (start_a, start_b) = (la, lb);
        // Lane A's and lane B's instructions alternate so that each lane's rounds run
        // while the other's wait on their latency. Groups 0-3 use the block's words.
        la.rounds(0, 0);
        lb.rounds(0, 0);
        la.rounds(1, 1);
        lb.rounds(1, 1);
        la.rounds(2, 2);
        lb.rounds(2, 2);
        la.rounds(3, 3);
        lb.rounds(3, 3);
        // Groups 4-15, four at a time so that every slot index is a constant.
        for quad in 1..4 {
            for slot in 0..4 {
                la.schedule(slot);
                lb.schedule(slot);
                la.rounds(slot, 4 * quad + slot);
                lb.rounds(slot, 4 * quad + slot);
            }
        }
        store_state(
            a,
            _mm_add_epi32(la.abef, start_a.abef),
            _mm_add_epi32(la.cdgh, start_a.cdgh),
        );
        store_state(
            b,
            _mm_add_epi32(lb.abef, start_b.abef),
            _mm_add_epi32(lb.cdgh, start_b.cdgh),
        );
    }
}

#[cfg(not(target_arch = "x86_64"))]
mod x86 {
    //! Other architectures: one lane (the `sha2` crate uses ARMv8 SHA2 instructions).

    pub(super) fn available() -> bool {
        false
    }

    pub(super) fn compress_x2(
        a: &mut [u32; 8],
        block_a: &[u8; 64],
        b: &mut [u32; 8],
        block_b: &[u8; 64],
    ) {
        super::super::compress_blocks(a, block_a);
        super::super::compress_blocks(b, block_b);
    }
}

#[cfg(test)]
#[allow(
    clippy::cast_possible_truncation,
    reason = "test data generators keep the low bits"
)]
mod tests {
    use super::*;
    use crate::hashes::sha256d;

    fn sha256d_batch(messages: &[Pieces<'_>], out: &mut [[u8; 32]]) {
        let mut lanes = Sha256dLanes::new(|i, d| out[i] = d);
        for (i, m) in messages.iter().enumerate() {
            lanes.push(i, *m);
        }
        lanes.finish();
    }

    #[test]
    fn batch_matches_one_at_a_time() {
        let data: Vec<u8> = (0..2000u32).map(|i| (i * 31 + 7) as u8).collect();
        // Lengths around every padding boundary, in an order that makes lanes finish at
        // different times.
        let lens = [
            0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 121, 128, 300, 1000, 3, 1999, 64, 0,
        ];
        let messages: Vec<Pieces<'_>> = lens.iter().map(|&n| Pieces::one(&data[..n])).collect();
        let mut out = vec![[0u8; 32]; messages.len()];
        sha256d_batch(&messages, &mut out);
        for (n, got) in lens.iter().zip(&out) {
            assert_eq!(*got, sha256d(&data[..*n]), "length {n}");
        }
    }

    #[test]
    fn pieces_hash_as_their_concatenation() {
        let data: Vec<u8> = (0..500u32).map(|i| (i * 13) as u8).collect();
        for (x, y) in [(0, 0), (4, 100), (63, 64), (64, 200), (1, 499)] {
            let pieces = Pieces::three(&data[..x], &data[x..y], &data[y..]);
            let mut out = [[0u8; 32]; 3];
            sha256d_batch(&[pieces, pieces, Pieces::one(&data)], &mut out);
            assert_eq!(out[0], sha256d(&data));
            assert_eq!(out[1], sha256d(&data));
            assert_eq!(out[2], sha256d(&data));
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn two_lane_kernel_matches_sha2() {
        if !x86::available() {
            return; // nothing to compare on a CPU without SHA-NI
        }
        let mut seed = 0x1234_5678_9abc_def0u64;
        for _ in 0..200 {
            let mut blocks = [[0u8; 64]; 2];
            let mut states = [SHA256_IV; 2];
            for byte in blocks.iter_mut().flatten() {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                *byte = seed as u8;
            }
            for (i, word) in states[1].iter_mut().enumerate() {
                *word = (seed >> (i % 4)) as u32 ^ 0x5a5a_5a5a;
            }
            let mut expected = states;
            crate::hashes::compress_blocks(&mut expected[0], &blocks[0]);
            crate::hashes::compress_blocks(&mut expected[1], &blocks[1]);
            let [mut s0, mut s1] = states;
            x86::compress_x2(&mut s0, &blocks[0], &mut s1, &blocks[1]);
            assert_eq!([s0, s1], expected);
        }
    }
}
