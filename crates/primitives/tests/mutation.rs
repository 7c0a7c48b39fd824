//! A real segwit block mutated 100,000 times: every variant decodes to a value or a clear
//! error, never a panic, and whatever decodes re-encodes to exactly the bytes it came from.
//!
//! Deterministic: a fixed-seed xorshift generator picks the mutations. The test profile
//! compiles with optimisation (see the root Cargo.toml) so this runs in about a second.

#![allow(
    clippy::cast_possible_truncation,
    reason = "random test data keeps the low bits"
)]

use sou_primitives::encoding::{deserialize, serialize};
use sou_primitives::{Block, DecodeError};

/// xorshift64*: small, fast, and the same sequence everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Applies one to four mutations of the kinds that break decoders: bit flips, byte
/// overwrites, CompactSize prefixes planted anywhere, truncation, insertion and deletion.
fn mutate(rng: &mut Rng, original: &[u8]) -> Vec<u8> {
    let mut b = original.to_vec();
    for _ in 0..1 + rng.below(4) {
        if b.is_empty() {
            b.push(0);
        }
        let at = rng.below(b.len());
        match rng.below(7) {
            0 => b[at] ^= 1 << rng.below(8),
            1 => b[at] = rng.next() as u8,
            2 => {
                let prefix: &[u8] = match rng.below(4) {
                    0 => &[0xfd, 0xff, 0xff],
                    1 => &[0xfe, 0xff, 0xff, 0xff, 0x01],
                    2 => &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
                    _ => &[0xfd, 0x10, 0x00],
                };
                let end = (at + prefix.len()).min(b.len());
                b.splice(at..end, prefix.iter().copied());
            }
            3 => b.truncate(at),
            4 => {
                let n = 1 + rng.below(8);
                let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
                b.splice(at..at, bytes);
            }
            5 => {
                let end = (at + 1 + rng.below(16)).min(b.len());
                b.drain(at..end);
            }
            _ => {
                // The BIP144 marker and flag, somewhere.
                let end = (at + 2).min(b.len());
                b.splice(at..end, [0x00, rng.next() as u8]);
            }
        }
    }
    b
}

#[test]
fn a_hundred_thousand_mutations_of_a_real_block() {
    let original = sou_testdata::read(sou_testdata::TESTNET_BLOCK);
    let mut rng = Rng(0x5eed_5eed_5eed_5eed);
    let (mut decoded, mut errors) = (0u32, 0u32);
    for round in 0..100_000 {
        let bytes = mutate(&mut rng, &original);
        let result = deserialize::<Block>(&bytes);
        // The decoder that hashes ids in two lanes must reach the same verdict.
        let with_ids = Block::decode_with_ids(&bytes);
        assert_eq!(
            with_ids.as_ref().map(|(b, _)| b),
            result.as_ref(),
            "round {round}"
        );
        match result {
            Ok(block) => {
                decoded += 1;
                assert_eq!(
                    serialize(&block),
                    bytes,
                    "round {round}: decoded but re-encodes differently"
                );
                if let Ok((_, ids)) = &with_ids {
                    for (tx, id) in block.txdata.iter().zip(ids) {
                        assert_eq!(id.txid, tx.compute_txid(), "round {round}");
                        assert_eq!(id.wtxid, tx.compute_wtxid(), "round {round}");
                    }
                }
                // Hashing and sizing a decoded block must not panic either.
                let _ = block.compute_merkle_root();
                let _ = block.compute_witness_commitment();
                let _ = block.weight();
            }
            Err(
                DecodeError::UnexpectedEnd { .. }
                | DecodeError::NonCanonicalCompactSize { .. }
                | DecodeError::CompactSizeTooLarge { .. }
                | DecodeError::TooManyItems { .. }
                | DecodeError::TrailingBytes { .. }
                | DecodeError::SuperfluousWitnessRecord
                | DecodeError::UnknownOptionalData { .. },
            ) => errors += 1,
            Err(other) => panic!("round {round}: unexpected error {other:?}"),
        }
    }
    assert_eq!(decoded + errors, 100_000);
    // Bit flips inside scripts and values keep a block decodable: both outcomes must occur.
    assert!(
        decoded > 1_000 && errors > 1_000,
        "decoded {decoded}, errors {errors}"
    );
}
