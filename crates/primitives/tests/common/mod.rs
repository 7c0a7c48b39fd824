//! Shared helpers for tests that read `../shared/vectors`.

#![allow(dead_code)]

use std::path::PathBuf;

/// The shared vectors directory: `$SOU_VECTORS`, or `../shared/vectors` beside the checkout.
pub fn vectors_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("SOU_VECTORS") {
        return PathBuf::from(dir);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/vectors")
}

/// The core-oracle test data directory (regtest chains mined by Bitcoin Core).
pub fn oracle_testdata_dir() -> PathBuf {
    vectors_dir().join("../core-oracle/testdata")
}

/// Reads a vector file, failing loudly: a missing vector is a failed test, never a skip.
pub fn read(relative: &str) -> Vec<u8> {
    let path = vectors_dir().join(relative);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Reads a file of one hex item per line.
pub fn read_hex_lines(path: PathBuf) -> Vec<Vec<u8>> {
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    text.lines()
        .enumerate()
        .map(|(i, line)| {
            hex::decode(line.trim())
                .unwrap_or_else(|e| panic!("{} line {}: {e}", path.display(), i + 1))
        })
        .collect()
}

/// The modern mainnet block (height 702,861).
pub const MODERN_BLOCK: &str =
    "blocks/mainnet_block_000000000000000000000c835b2adcaedc20fdf6ee440009c249452c726dafae.raw";
/// The testnet3 block (height 924,634).
pub const TESTNET_BLOCK: &str =
    "blocks/testnet_block_000000000000045e0b1660b6445b5e5c5ab63c9a4f956be7e1e69be04fa4497b.raw";
