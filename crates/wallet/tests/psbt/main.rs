//! sou's PSBT (BIP174, with BIP371's taproot and BIP373's MuSig2 records) against the BIPs'
//! test vectors and against what Bitcoin Core reads and writes.
//!
//! One file per question: `vectors.rs` (every vector of BIP174 and BIP371, and RFC 4648's
//! Base64), `roles.rs` (creator → updater → signer → combiner → finalizer → extractor, and
//! what each role refuses), `as_core_reads.rs` (what Core accepts and refuses beyond the
//! vectors), `as_core_writes.rs` (which records Core writes back, in which order). The
//! helpers below read the data files, which name their source: bitcoin/bips,
//! bip-0174.mediawiki.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    reason = "test code"
)]

mod as_core_reads;
mod as_core_writes;
mod roles;
mod vectors;

use sou_keys::SecretKey;
use sou_wallet::psbt::Psbt;

const INVALID: &str = include_str!("../data/bip174_invalid.txt");
const VALID: &str = include_str!("../data/bip174_valid.txt");
const VALID_AS_CORE_WRITES: &str = include_str!("../data/bip174_valid_as_core_writes.txt");
const ROLES: &str = include_str!("../data/bip174_roles.txt");

/// The rows of a data file, split at tabs, without comments and empty lines.
fn rows(data: &str) -> impl Iterator<Item = Vec<&str>> {
    data.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| l.split('\t').collect())
}

/// The rows of `bip174_roles.txt` for one step, without the step's name.
fn role(name: &str) -> Vec<Vec<&'static str>> {
    rows(ROLES)
        .filter(|r| r[0] == name)
        .map(|r| r[1..].to_vec())
        .collect()
}

/// The only value of a step.
fn one(name: &str) -> &'static str {
    role(name)[0][0]
}

/// The PSBT of a step, read.
fn psbt_hex(name: &str) -> Psbt {
    Psbt::deserialize(&hex::decode(one(name)).unwrap()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// 32 bytes that are no point's x: `5^3 + 7` is not a square modulo p.
const OFF_CURVE: [u8; 32] = {
    let mut x = [0; 32];
    x[31] = 5;
    x
};

/// The keys of map `index` of a PSBT (0: global, then inputs, then outputs), in the order
/// written.
fn keys_of(bytes: &[u8], index: usize) -> Vec<Vec<u8>> {
    let mut r = sou_primitives::encoding::Reader::new(&bytes[5..]);
    let mut maps = vec![Vec::new()];
    while r.remaining() > 0 {
        let key = r.read_var_bytes().unwrap();
        if key.is_empty() {
            maps.push(Vec::new());
            continue;
        }
        r.read_var_bytes().unwrap();
        maps.last_mut().unwrap().push(key.to_vec());
    }
    maps.swap_remove(index)
}

/// A compressed public key of secret `n`.
fn point(n: u8) -> [u8; 33] {
    SecretKey::from_byte_array([n; 32])
        .unwrap()
        .public_key()
        .serialize_compressed()
}
