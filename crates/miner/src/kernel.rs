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
//! So each nonce costs two compressions. On x86-64 CPUs with the SHA extensions, two nonces
//! are hashed at once, their instructions interleaved so that the SHA unit, which must wait
//! for each round's result before the next, always has work: one nonce at a time leaves it
//! half idle. Elsewhere the `sha2` crate's compression (SHA-NI or ARMv8 instructions when
//! present) hashes one nonce at a time. Both give the same hashes (tested).
//!
//! The two-lane compression lives in `sou_primitives::hashes`, shared with block decoding,
//! which hashes thousands of independent transactions the same way.

use sou_primitives::hashes::{compress, compress_two, two_lanes_available, SHA256_INITIAL_STATE};
use sou_primitives::BlockHeader;

/// Which SHA-256 implementation to mine with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kernel {
    /// One nonce at a time with the `sha2` crate's compression.
    Portable,
    /// Two nonces interleaved where the CPU has SHA-NI (the portable path elsewhere).
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
            Kernel::Portable => "portable (sha2 compress256, one nonce at a time)",
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
        HeaderHasher { midstate, tail }
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

fn state_bytes(state: &[u32; 8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (chunk, word) in out.chunks_exact_mut(4).zip(state) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
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
