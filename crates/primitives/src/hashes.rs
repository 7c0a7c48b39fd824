//! Hashes: the fingerprints that name every transaction and block.
//!
//! Bitcoin names things by hashing their serialisation. A transaction is named by its
//! *txid*, the double SHA-256 (`sha256d`) of its serialisation without witnesses; BIP141
//! adds the *wtxid*, the same hash over the full serialisation. A block is named by the
//! `sha256d` of its 80-byte header. Addresses use `hash160` (RIPEMD-160 of SHA-256) of a
//! key or script, and taproot (BIP340/341) uses *tagged hashes*, SHA-256 with a domain
//! prefix so that a hash made for one purpose can never be replayed for another.
//!
//! The 32 bytes are kept in the order the hash function produced them ("internal order").
//! Humans see them reversed: Satoshi's code printed hashes as little-endian 256-bit
//! numbers, so the genesis block shows as `000000000019d6...` although its hash ends in
//! those zero bytes. [`Txid`], [`Wtxid`] and [`BlockHash`] display and parse in that
//! reversed form, and are distinct types so that a txid cannot be passed for a block hash.
//!
//! References: BIP141 "Transaction ID"; BIP340 "Design" (tagged hashes); Core `src/hash.h`,
//! `src/uint256.h` (`GetHex` reverses).

use core::fmt;
use core::str::FromStr;

use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::encoding::{Decode, DecodeError, Encode, Reader, WriteBytes};

pub(crate) mod batch;
pub mod muhash;
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
pub mod shani;

/// SHA-256's initial state, for callers that drive compressions themselves (miners).
pub const SHA256_INITIAL_STATE: [u32; 8] = SHA256_IV;

/// Compresses one 64-byte block into `state` (the `sha2` crate's `compress256`, which uses
/// SHA-NI or ARMv8 instructions when the CPU has them).
#[inline]
pub fn compress(state: &mut [u32; 8], block: &[u8; 64]) {
    compress_blocks(state, block);
}

/// Compresses one block into each of two states at once: interleaved on x86-64 CPUs with
/// the SHA extensions (see [`two_lanes_available`]), one after the other elsewhere.
#[inline]
pub fn compress_two(a: &mut [u32; 8], block_a: &[u8; 64], b: &mut [u32; 8], block_b: &[u8; 64]) {
    batch::compress_pair(a, block_a, b, block_b);
}

/// True when [`compress_two`] runs both lanes interleaved (x86-64 with SHA-NI, detected at
/// run time).
pub fn two_lanes_available() -> bool {
    batch::two_lanes()
}

/// SHA-256 of `data`.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// SHA-256 applied twice, Bitcoin's hash for txids, block hashes and checksums.
pub fn sha256d(data: &[u8]) -> [u8; 32] {
    sha256_of_digest(&sha256(data))
}

/// RIPEMD-160 of SHA-256: the 20-byte hash inside P2PKH, P2SH and P2WPKH outputs.
pub fn hash160(data: &[u8]) -> [u8; 20] {
    use ripemd::Ripemd160;
    Ripemd160::digest(sha256(data)).into()
}

/// RIPEMD-160 of `data`, as `OP_RIPEMD160` computes it.
pub fn ripemd160(data: &[u8]) -> [u8; 20] {
    use ripemd::Ripemd160;
    Ripemd160::digest(data).into()
}

/// A BIP340 tagged hash: `SHA256(SHA256(tag) || SHA256(tag) || data)`.
pub fn tagged_hash(tag: &str, data: &[u8]) -> [u8; 32] {
    let mut engine = TaggedEngine::new(tag);
    engine.write_bytes(data);
    engine.finish()
}

/// SHA-256's initial state (FIPS 180-4, 5.3.3).
const SHA256_IV: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

/// A streaming SHA-256 that accepts encoded bytes, for hashing a value as it is serialised.
///
/// Serialising a transaction makes many tiny writes (4-byte version, 1-byte lengths,
/// 36-byte outpoints). This engine copies them into a 64-byte block buffer and hands full
/// blocks to the `sha2` crate's compression function (SHA-NI or ARMv8 instructions where
/// the CPU has them), and compresses long writes straight from the caller's slice, as
/// Core's `CSHA256::Write` does. Its state is also what a miner caches as the *midstate*.
#[derive(Clone)]
pub struct Sha256Engine {
    state: [u32; 8],
    buffer: [u8; 64],
    buffered: usize,
    total_len: u64,
}

impl Default for Sha256Engine {
    fn default() -> Self {
        Sha256Engine {
            state: SHA256_IV,
            buffer: [0; 64],
            buffered: 0,
            total_len: 0,
        }
    }
}

/// Compresses whole 64-byte blocks into `state`.
#[inline]
pub(crate) fn compress_blocks(state: &mut [u32; 8], data: &[u8]) {
    use sha2::digest::generic_array::GenericArray;
    for block in data.chunks_exact(64) {
        sha2::compress256(
            state,
            core::slice::from_ref(GenericArray::from_slice(block)),
        );
    }
}

impl Sha256Engine {
    /// A fresh engine.
    pub fn new() -> Self {
        Self::default()
    }

    /// The internal state after the bytes written so far, when they are a whole number of
    /// 64-byte blocks (a mining midstate); `None` otherwise.
    pub fn midstate(&self) -> Option<[u32; 8]> {
        (self.buffered == 0).then_some(self.state)
    }

    /// The SHA-256 of everything written.
    pub fn finish(mut self) -> [u8; 32] {
        // FIPS 180-4, 5.1.1: a 1 bit, zeros to 56 mod 64 bytes, the length in bits.
        let bit_len = self.total_len.wrapping_mul(8);
        let mut pad = [0u8; 72];
        pad[0] = 0x80;
        let pad_len = if self.buffered < 56 {
            56 - self.buffered
        } else {
            120 - self.buffered
        };
        pad[pad_len..pad_len + 8].copy_from_slice(&bit_len.to_be_bytes());
        self.write_bytes(&pad[..pad_len + 8]);
        debug_assert_eq!(self.buffered, 0);
        let mut out = [0u8; 32];
        for (chunk, word) in out.chunks_exact_mut(4).zip(self.state) {
            chunk.copy_from_slice(&word.to_be_bytes());
        }
        out
    }

    /// The double SHA-256 of everything written.
    pub fn finish_double(self) -> [u8; 32] {
        sha256_of_digest(&self.finish())
    }
}

/// SHA-256 of a 32-byte digest: one padded block, one compression (the second half of
/// every `sha256d`).
#[inline]
fn sha256_of_digest(digest: &[u8; 32]) -> [u8; 32] {
    let mut block = [0u8; 64];
    block[..32].copy_from_slice(digest);
    block[32] = 0x80;
    // Message length in bits (256), big-endian, in the last 8 bytes.
    block[62] = 0x01;
    let mut state = SHA256_IV;
    compress_blocks(&mut state, &block);
    let mut out = [0u8; 32];
    for (chunk, word) in out.chunks_exact_mut(4).zip(state) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

impl WriteBytes for Sha256Engine {
    #[inline]
    fn write_bytes(&mut self, mut bytes: &[u8]) {
        self.total_len = self.total_len.wrapping_add(bytes.len() as u64);
        if self.buffered > 0 {
            let take = bytes.len().min(64 - self.buffered);
            self.buffer[self.buffered..self.buffered + take].copy_from_slice(&bytes[..take]);
            self.buffered += take;
            bytes = &bytes[take..];
            if self.buffered < 64 {
                return;
            }
            let block = self.buffer;
            compress_blocks(&mut self.state, &block);
            self.buffered = 0;
        }
        let whole = bytes.len() - bytes.len() % 64;
        compress_blocks(&mut self.state, &bytes[..whole]);
        let rest = &bytes[whole..];
        self.buffer[..rest.len()].copy_from_slice(rest);
        self.buffered = rest.len();
    }
}

/// An engine for one BIP340 tag, with the two tag-hash blocks already absorbed.
///
/// Clone a prepared engine to hash many messages under the same tag: the 64-byte prefix is
/// then compressed once, not once per message.
#[derive(Clone)]
pub struct TaggedEngine(Sha256);

impl TaggedEngine {
    /// An engine for `tag` (e.g. `"TapLeaf"`, `"BIP0340/challenge"`).
    pub fn new(tag: &str) -> Self {
        let tag_hash = sha256(tag.as_bytes());
        let mut inner = Sha256::new();
        inner.update(tag_hash);
        inner.update(tag_hash);
        TaggedEngine(inner)
    }

    /// The tagged hash of everything written.
    pub fn finish(self) -> [u8; 32] {
        self.0.finalize().into()
    }
}

impl WriteBytes for TaggedEngine {
    #[inline]
    fn write_bytes(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

/// Why a hash could not be parsed from hex.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum HexError {
    /// The string does not have the expected number of hex digits.
    #[error("expected {expected} hex digits, found {found}")]
    InvalidLength {
        /// Digits expected.
        expected: usize,
        /// Digits found.
        found: usize,
    },
    /// A character is not a hex digit.
    #[error("invalid hex character {character:?} at position {position}")]
    InvalidChar {
        /// The character.
        character: char,
        /// Its byte position in the string.
        position: usize,
    },
}

/// Decodes hex (either case) into exactly `N` bytes.
pub(crate) fn decode_hex_array<const N: usize>(s: &str) -> Result<[u8; N], HexError> {
    if s.len() != 2 * N {
        return Err(HexError::InvalidLength {
            expected: 2 * N,
            found: s.len(),
        });
    }
    let mut out = [0u8; N];
    hex::decode_to_slice(s, &mut out).map_err(|e| match e {
        hex::FromHexError::InvalidHexCharacter { c, index } => HexError::InvalidChar {
            character: c,
            position: index,
        },
        _ => HexError::InvalidLength {
            expected: 2 * N,
            found: s.len(),
        },
    })?;
    Ok(out)
}

/// Writes bytes as lowercase hex.
pub(crate) fn write_hex(
    f: &mut fmt::Formatter<'_>,
    bytes: impl IntoIterator<Item = u8>,
) -> fmt::Result {
    for b in bytes {
        write!(f, "{b:02x}")?;
    }
    Ok(())
}

/// A 32-byte hash type shown in Bitcoin's reversed hex.
macro_rules! sha256d_newtype {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub struct $name([u8; 32]);

        impl $name {
            /// All zero bytes (e.g. the previous-block field of a genesis block).
            pub const ZERO: Self = Self([0; 32]);

            /// From the 32 bytes in internal (hash output) order.
            pub const fn from_byte_array(bytes: [u8; 32]) -> Self {
                Self(bytes)
            }

            /// The 32 bytes in internal (hash output) order.
            pub const fn to_byte_array(self) -> [u8; 32] {
                self.0
            }

            /// The 32 bytes in internal (hash output) order.
            pub const fn as_byte_array(&self) -> &[u8; 32] {
                &self.0
            }

            /// Parses the reversed hex that Bitcoin shows, in a `const` context.
            ///
            /// For constants compiled into sou (genesis hashes, checkpoints): a malformed
            /// literal stops the build.
            pub const fn from_display_hex_const(s: &str) -> Self {
                Self(crate::hashes::const_reversed_hex(s))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                crate::hashes::write_hex(f, self.0.iter().rev().copied())
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self)
            }
        }

        impl FromStr for $name {
            type Err = HexError;
            /// Parses reversed hex, as shown by block explorers and Core's RPC.
            fn from_str(s: &str) -> Result<Self, HexError> {
                let mut bytes = crate::hashes::decode_hex_array::<32>(s)?;
                bytes.reverse();
                Ok(Self(bytes))
            }
        }

        impl Encode for $name {
            #[inline]
            fn encode_to<W: WriteBytes + ?Sized>(&self, w: &mut W) {
                w.write_bytes(&self.0);
            }
            #[inline]
            fn encoded_len(&self) -> usize {
                32
            }
        }

        impl Decode for $name {
            #[inline]
            fn decode_from(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
                Ok(Self(r.read_array()?))
            }
        }
    };
}

sha256d_newtype!(
    /// A transaction id: `sha256d` of the transaction serialised without witnesses.
    Txid
);
sha256d_newtype!(
    /// A witness transaction id (BIP141): `sha256d` of the full serialisation.
    Wtxid
);
sha256d_newtype!(
    /// A block hash: `sha256d` of the 80-byte header.
    BlockHash
);
sha256d_newtype!(
    /// A node of a block's transaction merkle tree; the root goes in the header.
    TxMerkleNode
);
sha256d_newtype!(
    /// A node of a block's witness merkle tree (BIP141), built from wtxids.
    WitnessMerkleNode
);

/// Decodes reversed display hex at compile time.
pub(crate) const fn const_reversed_hex(s: &str) -> [u8; 32] {
    let s = s.as_bytes();
    assert!(s.len() == 64, "a 32-byte hash is 64 hex digits");
    let mut out = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        let hi = const_hex_digit(s[2 * i]);
        let lo = const_hex_digit(s[2 * i + 1]);
        out[31 - i] = (hi << 4) | lo;
        i += 1;
    }
    out
}

const fn const_hex_digit(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        b'A'..=b'F' => c - b'A' + 10,
        _ => panic!("not a hex digit"),
    }
}

#[cfg(test)]
#[allow(
    clippy::cast_possible_truncation,
    reason = "test data generators keep the low bits"
)]
mod tests {
    use super::*;

    #[test]
    fn known_digests() {
        // FIPS 180-2 "abc" and the empty string.
        assert_eq!(
            hex::encode(sha256(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hex::encode(sha256d(b"")),
            "5df6e0e2761359d30a8275058e299fcc0381534545f55cf43e41983f5d4c9456"
        );
        assert_eq!(
            hex::encode(hash160(b"")),
            "b472a266d0bd89c13706a4132ccfb16f7c3b9fcb"
        );
        assert_eq!(
            hex::encode(ripemd160(b"")),
            "9c1185a5c5e9fc54612808977ee8f548b2258d31"
        );
    }

    #[test]
    fn second_hash_fast_path_matches_sha2() {
        for seed in 0..8u8 {
            let digest = sha256(&[seed]);
            assert_eq!(sha256_of_digest(&digest), sha256(&digest));
        }
    }

    #[test]
    fn streaming_engine_matches_sha2_for_every_split() {
        let data: Vec<u8> = (0..300u32).map(|i| (i * 7 + 3) as u8).collect();
        for len in [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 300] {
            for split in [0, 1, 7, 63, 64, 100] {
                let split = split.min(len);
                let mut engine = Sha256Engine::new();
                engine.write_bytes(&data[..split]);
                for chunk in data[split..len].chunks(5) {
                    engine.write_bytes(chunk);
                }
                assert_eq!(
                    engine.finish(),
                    sha256(&data[..len]),
                    "len {len} split {split}"
                );
            }
        }
        let mut engine = Sha256Engine::new();
        engine.write_bytes(&[0; 64]);
        assert!(engine.midstate().is_some());
        engine.write_bytes(&[0]);
        assert!(engine.midstate().is_none());
    }

    #[test]
    fn tagged_hash_is_the_bip340_construction() {
        let tag = sha256(b"TapLeaf");
        let mut pre = Vec::new();
        pre.extend_from_slice(&tag);
        pre.extend_from_slice(&tag);
        pre.extend_from_slice(b"message");
        assert_eq!(tagged_hash("TapLeaf", b"message"), sha256(&pre));
    }

    #[test]
    fn hashes_show_reversed() {
        let genesis: BlockHash = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"
            .parse()
            .unwrap();
        assert_eq!(genesis.to_byte_array()[31], 0x00);
        assert_eq!(genesis.to_byte_array()[0], 0x6f);
        assert_eq!(
            genesis.to_string(),
            "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"
        );
        assert_eq!(
            genesis,
            BlockHash::from_display_hex_const(
                "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"
            )
        );
        assert!(matches!(
            "00".parse::<Txid>(),
            Err(HexError::InvalidLength {
                expected: 64,
                found: 2
            })
        ));
        assert!(matches!(
            "zz00000000000000000000000000000000000000000000000000000000000000".parse::<Txid>(),
            Err(HexError::InvalidChar {
                character: 'z',
                position: 0
            })
        ));
    }
}
