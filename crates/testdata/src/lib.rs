//! The test vectors sou is checked against, and the one way every test and bench finds them.
//!
//! Bitcoin Core's script, transaction, sighash and key vectors, the BIPs' own vectors, real
//! mainnet and testnet blocks, btcd's reorganisation chain and a regtest chain mined by
//! Bitcoin Core live in the repository's `testdata/` folder, so a fresh clone tests itself
//! with nothing beside it. `testdata/README.md` names each file's origin (repository, path,
//! commit), `testdata/LICENSES.md` their licences, and `testdata/SHA256SUMS` their hashes,
//! which this crate's own test checks.
//!
//! Set `SOU_VECTORS` to read another copy of the same layout instead. Never published: a
//! dev-dependency of every crate whose tests or benches read vectors.
//!
//! The readers panic with the file's path on any failure: they serve tests, where a missing
//! or damaged vector file must be a failed test, never a skipped one.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers: a panic is a failed test that names the file"
)]

use std::path::PathBuf;

/// The modern mainnet block (height 702,861, 2,500 transactions), relative to [`dir`].
pub const MODERN_MAINNET_BLOCK: &str =
    "blocks/mainnet_block_000000000000000000000c835b2adcaedc20fdf6ee440009c249452c726dafae.raw";

/// The testnet3 block (height 924,634), relative to [`dir`].
pub const TESTNET_BLOCK: &str =
    "blocks/testnet_block_000000000000045e0b1660b6445b5e5c5ab63c9a4f956be7e1e69be04fa4497b.raw";

/// The vectors folder: `$SOU_VECTORS` if set, else the repository's `testdata/`.
///
/// The repository is found at run time, from the folder the test runs in (cargo runs
/// tests and benches in their package's folder) up to the first `testdata/SHA256SUMS`: a
/// path fixed at compile time would go stale when the same build is reused from another
/// checkout, as CI does with its clone.
pub fn dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("SOU_VECTORS") {
        return PathBuf::from(dir);
    }
    let start = std::env::current_dir().unwrap_or_default();
    start
        .ancestors()
        .map(|folder| folder.join("testdata"))
        .find(|candidate| candidate.join("SHA256SUMS").is_file())
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata"))
}

/// The path of a vector file, `relative` to [`dir`] (e.g. `"core/tx_valid.json"`).
pub fn path(relative: &str) -> PathBuf {
    dir().join(relative)
}

/// The bytes of a vector file.
pub fn read(relative: &str) -> Vec<u8> {
    let path = path(relative);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The text of a vector file.
pub fn read_to_string(relative: &str) -> String {
    let path = path(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// A JSON vector file, parsed.
pub fn json(relative: &str) -> serde_json::Value {
    serde_json::from_str(&read_to_string(relative))
        .unwrap_or_else(|e| panic!("{}: {e}", path(relative).display()))
}

/// A file of one hex item per line (blocks), decoded; a bad line names its number.
pub fn hex_lines(relative: &str) -> Vec<Vec<u8>> {
    read_to_string(relative)
        .lines()
        .enumerate()
        .map(|(i, line)| {
            hex::decode(line.trim())
                .unwrap_or_else(|e| panic!("{} line {}: {e}", path(relative).display(), i + 1))
        })
        .collect()
}
