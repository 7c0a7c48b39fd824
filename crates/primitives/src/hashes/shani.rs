//! SHA-256 on the x86-64 SHA extensions (SHA-NI): the building blocks shared by the
//! two-lane compression of `hashes::batch` and sou-miner's mining kernel.
//!
//! `sha256rnds2` does two rounds on a state split as ABEF / CDGH across two registers;
//! `sha256msg1` and `sha256msg2` extend the message schedule four words at a time. Every
//! function here is compiled for those instructions: callers check [`available`] first,
//! then call from a function compiled with the same features (no `unsafe` needed there).
//! Intel's "SHA extensions" white paper (2013) describes the layout.

use core::arch::x86_64::{
    __m128i, _mm_add_epi32, _mm_alignr_epi8, _mm_blend_epi16, _mm_loadu_si128, _mm_set_epi64x,
    _mm_sha256msg1_epu32, _mm_sha256msg2_epu32, _mm_sha256rnds2_epu32, _mm_shuffle_epi32,
    _mm_shuffle_epi8, _mm_storeu_si128,
};

/// SHA-256 round constants (FIPS 180-4, 4.2.2).
pub const K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

/// True when the CPU has the SHA extensions and the SSE levels these functions use (the
/// result is cached by std).
pub fn available() -> bool {
    is_x86_feature_detected!("sha")
        && is_x86_feature_detected!("sse2")
        && is_x86_feature_detected!("ssse3")
        && is_x86_feature_detected!("sse4.1")
}

/// Loads the state words (A..H) into the ABEF / CDGH register layout that
/// `sha256rnds2` works on.
///
/// # Safety
///
/// Requires the features of [`available`]: check it before calling from code not
/// compiled for them.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
pub fn load_state(state: &[u32; 8]) -> (__m128i, __m128i) {
    // SAFETY: `state` is 8 u32s (32 bytes); the two unaligned 16-byte loads read
    // exactly its first and second halves.
    let (dcba, hgfe) = unsafe {
        (
            _mm_loadu_si128(state.as_ptr().cast()),
            _mm_loadu_si128(state.as_ptr().add(4).cast()),
        )
    };
    let cdab = _mm_shuffle_epi32::<0xb1>(dcba);
    let efgh = _mm_shuffle_epi32::<0x1b>(hgfe);
    (
        _mm_alignr_epi8::<8>(cdab, efgh),
        _mm_blend_epi16::<0xf0>(efgh, cdab),
    )
}

/// The inverse of [`load_state`].
///
/// # Safety
///
/// Requires the features of [`available`]: check it before calling from code not
/// compiled for them.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
pub fn store_state(state: &mut [u32; 8], abef: __m128i, cdgh: __m128i) {
    let feba = _mm_shuffle_epi32::<0x1b>(abef);
    let dchg = _mm_shuffle_epi32::<0xb1>(cdgh);
    let dcba = _mm_blend_epi16::<0xf0>(feba, dchg);
    let hgfe = _mm_alignr_epi8::<8>(dchg, feba);
    // SAFETY: two unaligned 16-byte stores into the two halves of the 32-byte state.
    unsafe {
        _mm_storeu_si128(state.as_mut_ptr().cast(), dcba);
        _mm_storeu_si128(state.as_mut_ptr().add(4).cast(), hgfe);
    }
}

/// The four message words of group `g` (rounds 4g..4g+3) from the big-endian block.
///
/// # Safety
///
/// Requires the features of [`available`]: check it before calling from code not
/// compiled for them.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
pub fn load_words(block: &[u8; 64], g: usize) -> __m128i {
    // Reverses the bytes of each 32-bit word: SHA-256 reads the block big-endian.
    let bswap = _mm_set_epi64x(0x0c0d_0e0f_0809_0a0b, 0x0405_0607_0001_0203);
    // Indexing checks g < 4 (a constant once inlined, so the check folds away).
    let bytes = &block[16 * g..16 * g + 16];
    // SAFETY: `bytes` is 16 bytes long, what one unaligned 16-byte load reads.
    let raw = unsafe { _mm_loadu_si128(bytes.as_ptr().cast()) };
    _mm_shuffle_epi8(raw, bswap)
}

/// The round constants of group `g` (rounds 4g..4g+3).
///
/// # Safety
///
/// Requires the features of [`available`]: check it before calling from code not
/// compiled for them.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
pub fn round_constants(g: usize) -> __m128i {
    // Indexing checks g < 16 (a constant once inlined, so the check folds away).
    let words = &K[4 * g..4 * g + 4];
    // SAFETY: `words` is four u32s, the 16 bytes one unaligned load reads.
    unsafe { _mm_loadu_si128(words.as_ptr().cast()) }
}

/// Four rounds: two `sha256rnds2`, each consuming two words of `wk` (words + constants).
///
/// # Safety
///
/// Requires the features of [`available`]: check it before calling from code not
/// compiled for them.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
pub fn four_rounds(abef: &mut __m128i, cdgh: &mut __m128i, wk: __m128i) {
    *cdgh = _mm_sha256rnds2_epu32(*cdgh, *abef, wk);
    *abef = _mm_sha256rnds2_epu32(*abef, *cdgh, _mm_shuffle_epi32::<0x0e>(wk));
}

/// The message schedule, four words at a time: the group after `t4` from the four
/// groups before it (oldest first),
/// W\[t\] = σ1(W\[t-2\]) + W\[t-7\] + σ0(W\[t-15\]) + W\[t-16\].
///
/// # Safety
///
/// Requires the features of [`available`]: check it before calling from code not
/// compiled for them.
#[inline]
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
pub fn schedule(t16: __m128i, t12: __m128i, t8: __m128i, t4: __m128i) -> __m128i {
    let partial = _mm_add_epi32(_mm_sha256msg1_epu32(t16, t12), _mm_alignr_epi8::<4>(t4, t8));
    _mm_sha256msg2_epu32(partial, t4)
}
