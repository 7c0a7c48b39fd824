//! sou's PSBT reader and writer against Core's: a few hundred generated PSBTs, each read and
//! written again by both, must come out the same byte for byte, or be refused by both.
//!
//! Core has no RPC that only reads and writes a PSBT, but `combinepsbt` given one PSBT does
//! just that: `CombinePSBTs` copies the first PSBT and has nothing to merge into it, and the
//! RPC writes the copy. So each PSBT goes to Core's `combinepsbt` and to sou's
//! `Psbt::deserialize` then `Psbt::serialize`, and the answers are compared.
//!
//! Every PSBT is made from a seed: a transaction of up to three inputs and outputs, then
//! records of every type BIP174, BIP371 and BIP373 define for each map, in random order,
//! with values that are mostly valid, often at an edge Core treats in its own way (empty
//! scripts and witnesses, all-zero internal keys and merkle roots, a witness UTXO of
//! amount -1, a non-witness UTXO in witness form, a final input that still has signatures,
//! leaf hashes repeated and out of order, extended keys Core counts as one, hybrid public
//! keys, preimages that do not match their hash, MuSig2 nonces keyed with and without a
//! zero leaf hash, proprietary and unknown types of every length), and now and then broken
//! (a key or value of the wrong size, a point off the curve, a version 2 field, a type that
//! is no canonical CompactSize). One in twenty is then mutated at random.
//!
//! Run it with Core's `bitcoind` (it prints `SKIPPED` without; it speaks JSON-RPC itself,
//! so `bitcoin-cli` is not needed):
//!
//! ```text
//! BITCOIND=~/.cache/bitcoind/bin/bitcoind cargo test -p sou-node --test psbt_vs_bitcoind -- --nocapture
//! ```
//!
//! `PSBT_SEED` and `PSBT_CASES` (at most 5,000) choose other PSBTs; the run also stops after
//! two minutes, whatever the count.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    reason = "test code: a panic is a failed test, and the numbers are small"
)]

#[path = "../support/mod.rs"]
mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::json;
use sou_keys::SecretKey;
use sou_primitives::encoding::{serialize, write_compact_size, Reader};
use sou_primitives::hashes::{hash160, ripemd160, sha256, sha256d};
use sou_primitives::{Amount, OutPoint, Script, Transaction, TxIn, TxOut, Txid, Witness};
use sou_wallet::psbt::{base64, Psbt};
use support::bitcoind::Bitcoind;

/// PSBTs compared by default.
const CASES: u64 = 1_000;
/// The most `PSBT_CASES` may ask for.
const MAX_CASES: u64 = 5_000;
/// The run stops after this long, whatever the count.
const TIME_LIMIT: Duration = Duration::from_secs(120);
/// The default seed.
const SEED: u64 = 0x0174_0371_0373;

/// The key types each map knows in version 0 (BIP174, BIP371, BIP373), proprietary
/// included, and the version 2 fields (BIP370) that a version 0 PSBT may not hold.
const GLOBAL_TYPES: &[u8] = &[0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0xfb, 0xfc];
const INPUT_TYPES: &[u8] = &[
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10,
    0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x1a, 0x1b, 0x1c, 0xfc,
];
const OUTPUT_TYPES: &[u8] = &[0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0xfc];

// ---------------------------------------------------------------------------------------
// Random values
// ---------------------------------------------------------------------------------------

/// A small deterministic generator (SplitMix64): the same seed, the same PSBTs.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// A count in `0..=max`.
    fn upto(&mut self, max: u64) -> usize {
        self.below(max + 1) as usize
    }

    /// True `percent` times in a hundred.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }

    /// `min..=max` random bytes.
    fn some_bytes(&mut self, min: usize, max: usize) -> Vec<u8> {
        let len = min + self.upto((max - min) as u64);
        self.bytes(len)
    }

    fn array<const N: usize>(&mut self) -> [u8; N] {
        let mut a = [0; N];
        for b in &mut a {
            *b = self.next() as u8;
        }
        a
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            items.swap(i, j);
        }
    }
}

fn compact(n: u64) -> Vec<u8> {
    let mut out = Vec::new();
    write_compact_size(&mut out, n);
    out
}

fn var_bytes(bytes: &[u8]) -> Vec<u8> {
    [compact(bytes.len() as u64), bytes.to_vec()].concat()
}

fn keyed(key_type: u8, data: &[u8]) -> Vec<u8> {
    [&[key_type][..], data].concat()
}

/// 32 bytes that are no point's x (`5^3 + 7` is not a square modulo p).
const OFF_CURVE: [u8; 32] = {
    let mut x = [0; 32];
    x[31] = 5;
    x
};

fn secret(g: &mut Gen) -> SecretKey {
    loop {
        if let Ok(key) = SecretKey::from_byte_array(g.array()) {
            return key;
        }
    }
}

fn compressed_key(g: &mut Gen) -> [u8; 33] {
    secret(g).public_key().serialize_compressed()
}

/// A public key as ECDSA records hold one: mostly compressed, sometimes uncompressed or
/// in the "hybrid" form (`06`/`07` and the parity of y), which Core accepts.
fn ecdsa_key(g: &mut Gen) -> Vec<u8> {
    let key = secret(g).public_key();
    match g.below(10) {
        0..=6 => key.serialize_compressed().to_vec(),
        7 | 8 => key.uncompressed().to_bytes(),
        _ => {
            let mut bytes = key.uncompressed().to_bytes();
            bytes[0] = 6 | (bytes[64] & 1);
            bytes
        }
    }
}

/// Key data that is no public key: off the curve, a prefix of the wrong length, or a
/// hybrid key with the wrong parity.
fn bad_ecdsa_key(g: &mut Gen) -> Vec<u8> {
    match g.below(4) {
        0 => keyed(0x02, &OFF_CURVE),
        1 => {
            let mut k = compressed_key(g).to_vec();
            k[0] = 0x04;
            k
        }
        2 => {
            let mut k = ecdsa_key(g);
            k[0] = 0x05;
            k
        }
        _ => {
            let mut bytes = secret(g).public_key().uncompressed().to_bytes();
            bytes[0] = 7 - (bytes[64] & 1);
            bytes
        }
    }
}

fn compressed_or_bad(g: &mut Gen, bad: bool) -> Vec<u8> {
    if bad {
        keyed(0x02, &OFF_CURVE)
    } else {
        compressed_key(g).to_vec()
    }
}

/// A strict DER integer of 1..=33 bytes.
fn der_integer(g: &mut Gen) -> Vec<u8> {
    let mut v = g.some_bytes(1, 32);
    v[0] &= 0x7f;
    if v[0] == 0 {
        v[0] = 1;
    }
    if g.chance(30) {
        v[0] |= 0x80;
        v.insert(0, 0);
    }
    v
}

/// An ECDSA signature as a script pushes it: strict DER and a sighash byte. Broken ones are
/// not DER, of an undefined sighash type, or empty.
fn ecdsa_signature(g: &mut Gen, bad: bool) -> Vec<u8> {
    let (r, s) = (der_integer(g), der_integer(g));
    let mut sig = vec![0x30, (4 + r.len() + s.len()) as u8, 0x02, r.len() as u8];
    sig.extend_from_slice(&r);
    sig.extend_from_slice(&[0x02, s.len() as u8]);
    sig.extend_from_slice(&s);
    sig.push(g.pick(&[0x01, 0x02, 0x03, 0x81, 0x82, 0x83]));
    if bad {
        match g.below(3) {
            0 => sig[0] = 0x31,
            1 => *sig.last_mut().unwrap() = g.pick(&[0x00, 0x04, 0x84, 0xff]),
            _ => sig.clear(),
        }
    }
    sig
}

/// A BIP32 origin: fingerprint and path, from small sets so that origins repeat.
fn key_origin(g: &mut Gen, bad: bool) -> Vec<u8> {
    if bad {
        let len = g.pick(&[0, 2, 6, 7]);
        return g.bytes(len);
    }
    let mut out = g
        .pick(&[[0xaa; 4], [0x01, 0x02, 0x03, 0x04], [0xff, 0, 0, 1]])
        .to_vec();
    for _ in 0..g.upto(4) {
        let step: u32 = g.pick(&[0, 1, 2, 44, 0x8000_0000, 0x8000_0056, 0xffff_ffff]);
        out.extend_from_slice(&step.to_le_bytes());
    }
    out
}

/// A script: empty one time in six (Core's "none"), else random bytes.
fn script(g: &mut Gen) -> Vec<u8> {
    if g.chance(16) {
        Vec::new()
    } else {
        g.some_bytes(1, 31)
    }
}

/// A witness (a count, then items), empty one time in six; a broken one has a byte more.
fn witness(g: &mut Gen, bad: bool) -> Vec<u8> {
    let items = if g.chance(16) { 0 } else { 1 + g.upto(3) };
    let mut out = compact(items as u64);
    for _ in 0..items {
        out.extend(var_bytes(&g.some_bytes(0, 20)));
    }
    if bad {
        out.push(0);
    }
    out
}

/// An output as a witness UTXO holds it; the amount is sometimes -1 (Core's "null"
/// `CTxOut`), 0, or out of range.
fn txout_bytes(g: &mut Gen) -> Vec<u8> {
    let value: i64 = match g.below(10) {
        0 => -1,
        1 => 0,
        2 => g.next() as i64,
        _ => g.below(2_100_000_000_000_000) as i64,
    };
    [value.to_le_bytes().to_vec(), var_bytes(&script(g))].concat()
}

fn leaf_hash(g: &mut Gen, pool: &[[u8; 32]]) -> [u8; 32] {
    if g.chance(60) {
        g.pick(pool)
    } else {
        g.array()
    }
}

/// An x-only key, 32 bytes, on the curve or not (Core does not check).
fn x_only(g: &mut Gen, pool: &[[u8; 32]]) -> [u8; 32] {
    match g.below(10) {
        0 => OFF_CURVE,
        1..=4 => g.pick(pool),
        _ => g.array(),
    }
}

/// A BIP371 key origin: leaf hashes (repeated, out of order), then a BIP32 origin.
fn tap_key_origin(g: &mut Gen, leaves: &[[u8; 32]], bad: bool) -> Vec<u8> {
    let count = g.upto(4);
    let hashes: Vec<[u8; 32]> = (0..count).map(|_| leaf_hash(g, leaves)).collect();
    let claimed = if bad && g.chance(50) {
        count as u64 + 1 + g.below(3)
    } else {
        count as u64
    };
    let origin_bad = bad && g.chance(50);
    [compact(claimed), hashes.concat(), key_origin(g, origin_bad)].concat()
}

/// A type no map knows in version 0, or a multi-byte type: canonical and small enough
/// (kept as unknown), or not (refused). `known` is the map's list of known types.
fn unknown_key(g: &mut Gen, known: &[u8], bad: bool) -> Vec<u8> {
    let key_type = if bad {
        match g.below(5) {
            0 => vec![0xfd, 0x10, 0x00],
            1 => vec![0xfd],
            2 => vec![0xfe, 0x01, 0x00, 0x00, 0x02],
            3 => [&[0xff][..], &g.array::<8>()].concat(),
            _ => vec![0xfe, 0xff, 0x00],
        }
    } else {
        match g.below(8) {
            0 => vec![0xfd, 0x00, 0x01],
            1 => vec![0xfd, 0xfd, 0x00],
            2 => vec![0xfe, 0x00, 0x00, 0x01, 0x00],
            3 => vec![0xfe, 0x00, 0x00, 0x00, 0x02],
            _ => loop {
                let t = g.below(0xfc) as u8;
                if !known.contains(&t) {
                    break vec![t];
                }
            },
        }
    };
    [key_type, g.some_bytes(0, 3)].concat()
}

/// A proprietary key: `0xfc`, an identifier, a subtype, key data; broken ones stop short.
fn proprietary_key(g: &mut Gen, bad: bool) -> Vec<u8> {
    let identifier = g.pick(&[&b""[..], b"sou", b"x"]);
    let subtype = compact(g.pick(&[0, 1, 0xfc, 0xfd, 0x1_0000]));
    let full = [
        vec![0xfc],
        var_bytes(identifier),
        subtype,
        g.some_bytes(0, 3),
    ]
    .concat();
    if bad {
        match g.below(3) {
            0 => vec![0xfc],
            1 => vec![0xfc, 0x05, b'a'],
            _ => [vec![0xfc], var_bytes(b"sou"), vec![0xfd, 0x01]].concat(),
        }
    } else {
        full
    }
}

/// Depths of the leaves of a random complete binary tree, left to right.
fn tree_depths(g: &mut Gen, depth: u8, out: &mut Vec<u8>) {
    if depth >= 4 || out.len() >= 6 || g.chance(45) {
        out.push(depth);
    } else {
        tree_depths(g, depth + 1, out);
        tree_depths(g, depth + 1, out);
    }
}

/// A BIP371 output tree; broken ones are incomplete, over-full, empty or use an odd leaf
/// version.
fn tap_tree(g: &mut Gen, bad: bool) -> Vec<u8> {
    let mut depths = Vec::new();
    tree_depths(g, 0, &mut depths);
    let mut odd_version = false;
    if bad {
        match g.below(5) {
            0 => depths = vec![1],
            1 => depths.push(0),
            2 => return Vec::new(),
            3 => depths = vec![129, 129],
            _ => odd_version = true,
        }
    }
    let mut out = Vec::new();
    for depth in depths {
        let version = if odd_version {
            0xc1
        } else {
            g.pick(&[0xc0, 0xc0, 0x02, 0xfe])
        };
        out.extend_from_slice(&[depth, version]);
        out.extend(var_bytes(&script(g)));
    }
    out
}

// ---------------------------------------------------------------------------------------
// PSBTs
// ---------------------------------------------------------------------------------------

/// One record: key and value.
type Record = (Vec<u8>, Vec<u8>);

/// A transaction some inputs spend, in witness form when it has witnesses.
fn previous_tx(g: &mut Gen) -> Transaction {
    let with_witness = g.chance(40);
    Transaction {
        version: g.pick(&[1, 2]),
        input: (0..1 + g.upto(1))
            .map(|_| TxIn {
                previous_output: OutPoint::new(Txid::from_byte_array(g.array()), g.below(4) as u32),
                script_sig: Script::from_bytes(g.some_bytes(0, 10)),
                sequence: 0xffff_ffff,
                witness: if with_witness {
                    Witness::from_items([g.some_bytes(1, 11)])
                } else {
                    Witness::new()
                },
            })
            .collect(),
        output: (0..1 + g.upto(2))
            .map(|_| TxOut {
                value: Amount::from_sat(g.below(1_000_000) as i64),
                script_pubkey: Script::from_bytes(g.some_bytes(0, 25)),
            })
            .collect(),
        lock_time: 0,
    }
}

fn legacy(tx: &Transaction) -> Vec<u8> {
    let mut out = Vec::new();
    tx.encode_without_witness(&mut out);
    out
}

/// How often each record kind is broken, in percent.
const BAD: u64 = 2;

/// The global map.
fn global_map(g: &mut Gen, unsigned: &Transaction) -> Vec<Record> {
    let mut map = Vec::new();
    if !g.chance(2) {
        let mut tx = unsigned.clone();
        if g.chance(1) {
            if let Some(input) = tx.input.first_mut() {
                input.script_sig = Script::from_bytes(vec![0x51]);
            }
        }
        let key = if g.chance(1) {
            vec![0x00, 0x01]
        } else {
            vec![0x00]
        };
        let mut value = legacy(&tx);
        if g.chance(1) {
            value.push(0);
        }
        map.push((key, value));
    }
    if g.chance(30) {
        for _ in 0..1 + g.upto(2) {
            let bad = g.chance(BAD);
            let depth = g.below(4) as u8;
            // A master key (depth 0) names no parent and no child number, or Core voids it.
            let parent_and_child = if depth == 0 && !(bad && g.chance(50)) {
                vec![0; 8]
            } else {
                g.bytes(8)
            };
            let key_bad = bad && g.chance(50);
            let mut xpub = [
                g.pick(&[
                    [0x04, 0x35, 0x87, 0xcf],
                    [0x04, 0x88, 0xb2, 0x1e],
                    [1, 2, 3, 4],
                ])
                .to_vec(),
                vec![depth],
                parent_and_child,
                g.bytes(32),
                compressed_or_bad(g, key_bad),
            ]
            .concat();
            if bad && g.chance(50) {
                xpub.pop();
            }
            let origin_bad = bad && g.chance(30);
            let origin = key_origin(g, origin_bad);
            map.push((keyed(0x01, &xpub), origin.clone()));
            // A twin Core's set counts as the same key: same public key and chain code,
            // another version, depth, parent or child number; same origin or not.
            if g.chance(30) {
                let mut twin = xpub.clone();
                // Another version; or another parent or child number below the master.
                let at = if depth == 0 { g.below(4) } else { g.below(13) } as usize;
                twin[at] ^= 1 + g.below(255) as u8;
                let origin = if g.chance(70) {
                    origin
                } else {
                    key_origin(g, false)
                };
                map.push((keyed(0x01, &twin), origin));
            }
        }
    }
    if g.chance(8) {
        let version: u32 = if g.chance(70) { 0 } else { g.pick(&[1, 2, 3]) };
        let value = if g.chance(BAD) {
            vec![0; 3]
        } else {
            version.to_le_bytes().to_vec()
        };
        map.push((vec![0xfb], value));
    }
    if g.chance(2) {
        map.push((
            vec![g.pick(&[0x02, 0x03, 0x04, 0x05, 0x06])],
            vec![2, 0, 0, 0],
        ));
    }
    push_extra(g, &mut map, GLOBAL_TYPES);
    map
}

/// Proprietary and unknown records, for any map.
fn push_extra(g: &mut Gen, map: &mut Vec<Record>, known: &[u8]) {
    if g.chance(20) {
        for _ in 0..1 + g.upto(2) {
            let bad = g.chance(BAD);
            map.push((proprietary_key(g, bad), g.some_bytes(0, 4)));
        }
    }
    if g.chance(20) {
        for _ in 0..1 + g.upto(2) {
            let bad = g.chance(BAD);
            map.push((unknown_key(g, known, bad), g.some_bytes(0, 4)));
        }
    }
}

/// MuSig2 participants (`0x1a` in inputs, `0x08` in outputs).
fn musig2_participants(g: &mut Gen, key_type: u8, aggregates: &[[u8; 33]]) -> Record {
    let bad = g.chance(BAD);
    let aggregate = if bad && g.chance(50) {
        keyed(0x02, &OFF_CURVE)
    } else {
        g.pick(aggregates).to_vec()
    };
    let mut value: Vec<u8> = (0..g.upto(3)).flat_map(|_| compressed_key(g)).collect();
    if bad {
        value.push(0x02);
    }
    (keyed(key_type, &aggregate), value)
}

/// The key of a MuSig2 nonce or partial signature: participant, aggregate, perhaps a leaf
/// hash, sometimes all zero.
fn musig2_key(g: &mut Gen, key_type: u8, aggregates: &[[u8; 33]], leaves: &[[u8; 32]]) -> Vec<u8> {
    let bad = g.chance(BAD);
    let mut key = vec![key_type];
    let participant_bad = bad && g.chance(50);
    key.extend(compressed_or_bad(g, participant_bad));
    key.extend_from_slice(&g.pick(aggregates));
    match g.below(4) {
        0 => key.extend_from_slice(&[0; 32]),
        1 => key.extend_from_slice(&leaf_hash(g, leaves)),
        _ => {}
    }
    if bad && g.chance(50) {
        key.pop();
    }
    key
}

/// One input map.
fn input_map(
    g: &mut Gen,
    previous: Option<&Transaction>,
    xonly_pool: &[[u8; 32]],
    leaves: &[[u8; 32]],
    aggregates: &[[u8; 33]],
) -> Vec<Record> {
    let mut map: Vec<Record> = Vec::new();
    if let Some(prev) = previous {
        if g.chance(60) {
            let tx = if g.chance(BAD) {
                previous_tx(g)
            } else {
                prev.clone()
            };
            map.push((vec![0x00], serialize(&tx)));
        }
    }
    if g.chance(40) {
        let mut value = txout_bytes(g);
        if g.chance(BAD) {
            value.push(0);
        }
        map.push((vec![0x01], value));
    }
    if g.chance(30) {
        for _ in 0..1 + g.upto(2) {
            let bad = g.chance(BAD);
            let key = if bad && g.chance(50) {
                bad_ecdsa_key(g)
            } else {
                ecdsa_key(g)
            };
            map.push((keyed(0x02, &key), ecdsa_signature(g, bad)));
        }
    }
    if g.chance(25) {
        let value: u32 = g.pick(&[1, 2, 3, 0x81, 0x83, 0, 0x4000_0001]);
        map.push((vec![0x03], value.to_le_bytes().to_vec()));
    }
    for key_type in [0x04, 0x05, 0x07] {
        if g.chance(25) {
            map.push((vec![key_type], script(g)));
        }
    }
    if g.chance(20) {
        let bad = g.chance(BAD);
        map.push((vec![0x08], witness(g, bad)));
    }
    if g.chance(30) {
        for _ in 0..1 + g.upto(2) {
            let bad = g.chance(BAD);
            let key = if bad && g.chance(50) {
                bad_ecdsa_key(g)
            } else {
                ecdsa_key(g)
            };
            map.push((keyed(0x06, &key), key_origin(g, bad)));
        }
    }
    if g.chance(15) {
        for _ in 0..1 + g.upto(2) {
            let preimage = g.some_bytes(0, 40);
            let (key_type, mut hash) = match g.below(4) {
                0 => (0x0a, ripemd160(&preimage).to_vec()),
                1 => (0x0b, sha256(&preimage).to_vec()),
                2 => (0x0c, hash160(&preimage).to_vec()),
                _ => (0x0d, sha256d(&preimage).to_vec()),
            };
            // Core does not check that the preimage hashes to the key's hash.
            if g.chance(30) {
                hash[0] ^= 1;
            }
            if g.chance(BAD) {
                hash.push(0);
            }
            map.push((keyed(key_type, &hash), preimage));
        }
    }
    if g.chance(2) {
        map.push((
            vec![g.pick(&[0x0e, 0x0f, 0x10, 0x11, 0x12])],
            vec![1, 0, 0, 0],
        ));
    }
    if g.chance(20) {
        let len = if g.chance(BAD) {
            g.pick(&[63, 66])
        } else {
            g.pick(&[64, 65])
        };
        map.push((vec![0x13], g.bytes(len)));
    }
    if g.chance(20) {
        for _ in 0..1 + g.upto(2) {
            let bad = g.chance(BAD);
            let mut key = [
                vec![0x14],
                x_only(g, xonly_pool).to_vec(),
                leaf_hash(g, leaves).to_vec(),
            ]
            .concat();
            if bad && g.chance(50) {
                key.push(0);
            }
            let len = if bad { 63 } else { g.pick(&[64, 65]) };
            map.push((key, g.bytes(len)));
        }
    }
    if g.chance(20) {
        // Some leaves share a script and version, to be grouped by it.
        let shared = [script(g), vec![g.pick(&[0xc0, 0xc1, 0x02])]].concat();
        for _ in 0..1 + g.upto(3) {
            let bad = g.chance(BAD);
            // Core does not bound the control block's length.
            let levels = if g.chance(2) { 129 } else { g.upto(3) };
            let mut control_block = g.bytes(33 + 32 * levels);
            if bad && g.chance(50) {
                control_block.push(0);
            }
            let value = if bad {
                Vec::new()
            } else if g.chance(50) {
                shared.clone()
            } else {
                [script(g), vec![g.pick(&[0xc0, 0xc1, 0x02])]].concat()
            };
            map.push((keyed(0x15, &control_block), value));
        }
    }
    if g.chance(25) {
        for _ in 0..1 + g.upto(2) {
            let bad = g.chance(BAD);
            let mut key = keyed(0x16, &x_only(g, xonly_pool));
            if bad && g.chance(30) {
                key.push(0);
            }
            map.push((key, tap_key_origin(g, leaves, bad)));
        }
    }
    if g.chance(25) {
        let value = match g.below(10) {
            0 => vec![0; 32],
            1 if g.chance(BAD * 5) => compressed_key(g).to_vec(),
            _ => x_only(g, xonly_pool).to_vec(),
        };
        map.push((vec![0x17], value));
    }
    if g.chance(20) {
        let value = if g.chance(15) {
            vec![0; 32]
        } else {
            leaf_hash(g, leaves).to_vec()
        };
        map.push((vec![0x18], value));
    }
    if g.chance(10) {
        map.push(musig2_participants(g, 0x1a, aggregates));
    }
    if g.chance(10) {
        for _ in 0..1 + g.upto(2) {
            let len = if g.chance(BAD) { 65 } else { 66 };
            map.push((musig2_key(g, 0x1b, aggregates, leaves), g.bytes(len)));
        }
    }
    if g.chance(10) {
        for _ in 0..1 + g.upto(2) {
            let len = if g.chance(BAD) { 33 } else { 32 };
            map.push((musig2_key(g, 0x1c, aggregates, leaves), g.bytes(len)));
        }
    }
    push_extra(g, &mut map, INPUT_TYPES);
    map
}

/// One output map.
fn output_map(
    g: &mut Gen,
    xonly_pool: &[[u8; 32]],
    leaves: &[[u8; 32]],
    aggregates: &[[u8; 33]],
) -> Vec<Record> {
    let mut map: Vec<Record> = Vec::new();
    for key_type in [0x00, 0x01] {
        if g.chance(25) {
            map.push((vec![key_type], script(g)));
        }
    }
    if g.chance(30) {
        for _ in 0..1 + g.upto(2) {
            let bad = g.chance(BAD);
            let key = if bad && g.chance(50) {
                bad_ecdsa_key(g)
            } else {
                ecdsa_key(g)
            };
            map.push((keyed(0x02, &key), key_origin(g, bad)));
        }
    }
    if g.chance(2) {
        map.push((vec![g.pick(&[0x03, 0x04])], vec![0; 8]));
    }
    if g.chance(25) {
        let value = if g.chance(10) {
            vec![0; 32]
        } else {
            x_only(g, xonly_pool).to_vec()
        };
        map.push((vec![0x05], value));
    }
    if g.chance(20) {
        let bad = g.chance(BAD * 2);
        map.push((vec![0x06], tap_tree(g, bad)));
    }
    if g.chance(25) {
        for _ in 0..1 + g.upto(2) {
            let bad = g.chance(BAD);
            map.push((
                keyed(0x07, &x_only(g, xonly_pool)),
                tap_key_origin(g, leaves, bad),
            ));
        }
    }
    if g.chance(10) {
        map.push(musig2_participants(g, 0x08, aggregates));
    }
    push_extra(g, &mut map, OUTPUT_TYPES);
    map
}

/// A map's bytes: its records, then the separator.
fn write_map(out: &mut Vec<u8>, map: &[Record]) {
    for (key, value) in map {
        out.extend(var_bytes(key));
        out.extend(var_bytes(value));
    }
    out.push(0);
}

/// Shuffles a map's records, and drops repeated keys (which both refuse) but one time in
/// a hundred.
fn settle(g: &mut Gen, map: &mut Vec<Record>) {
    g.shuffle(map);
    if !g.chance(1) {
        let mut seen = BTreeSet::new();
        map.retain(|(k, _)| seen.insert(k.clone()));
    }
}

/// The next PSBT.
fn generate(g: &mut Gen) -> Vec<u8> {
    let xonly_pool: Vec<[u8; 32]> = (0..3).map(|_| g.array()).collect();
    let leaves: Vec<[u8; 32]> = (0..3).map(|_| g.array()).collect();
    let aggregates: Vec<[u8; 33]> = (0..2).map(|_| compressed_key(g)).collect();

    let inputs = g.upto(3);
    let mut previous: Vec<Option<Transaction>> = Vec::new();
    let mut unsigned = Transaction {
        version: g.pick(&[1, 2, 3, 0xffff_ffff]),
        input: Vec::new(),
        output: Vec::new(),
        lock_time: g.pick(&[0, 100, 500_000_000, 0xffff_ffff]),
    };
    for _ in 0..inputs {
        let prev = g.chance(60).then(|| previous_tx(g));
        let outpoint = match &prev {
            // Now and then an index past the transaction's outputs.
            Some(tx) => OutPoint::new(
                tx.compute_txid(),
                if g.chance(BAD) {
                    tx.output.len() as u32
                } else {
                    g.below(tx.output.len() as u64) as u32
                },
            ),
            None => OutPoint::new(Txid::from_byte_array(g.array()), g.below(3) as u32),
        };
        unsigned.input.push(TxIn {
            previous_output: outpoint,
            script_sig: Script::new(),
            sequence: g.pick(&[0xffff_ffff, 0xffff_fffd, 0]),
            witness: Witness::new(),
        });
        previous.push(prev);
    }
    for _ in 0..g.upto(3) {
        unsigned.output.push(TxOut {
            value: Amount::from_sat(g.below(100_000_000) as i64),
            script_pubkey: Script::from_bytes(g.some_bytes(0, 34)),
        });
    }

    let mut out = b"psbt\xff".to_vec();
    let mut global = global_map(g, &unsigned);
    settle(g, &mut global);
    write_map(&mut out, &global);
    let mut maps = Vec::new();
    for prev in &previous {
        maps.push(input_map(
            g,
            prev.as_ref(),
            &xonly_pool,
            &leaves,
            &aggregates,
        ));
    }
    for _ in 0..unsigned.output.len() {
        maps.push(output_map(g, &xonly_pool, &leaves, &aggregates));
    }
    // Now and then a map too few or too many.
    if g.chance(BAD) {
        if g.chance(50) {
            maps.pop();
        } else {
            maps.push(Vec::new());
        }
    }
    for mut map in maps {
        settle(g, &mut map);
        write_map(&mut out, &map);
    }
    if g.chance(5) {
        mutate(g, &mut out);
    }
    out
}

/// One random change: a bit flipped, a byte dropped or inserted, or the end cut off.
fn mutate(g: &mut Gen, bytes: &mut Vec<u8>) {
    let at = 5 + g.below(bytes.len() as u64 - 5) as usize;
    match g.below(4) {
        0 => bytes[at] ^= 1 << g.below(8),
        1 => {
            bytes.remove(at);
        }
        2 => bytes.insert(at, g.next() as u8),
        _ => bytes.truncate(at),
    }
}

// ---------------------------------------------------------------------------------------
// Reading answers
// ---------------------------------------------------------------------------------------

/// A PSBT's records as a list of lines (`input 0: 16aabb…: 40 bytes`), to show where two
/// answers part.
fn records(bytes: &[u8]) -> Vec<String> {
    let mut lines = Vec::new();
    let mut r = Reader::new(bytes.get(5..).unwrap_or_default());
    let mut map = 0;
    while r.remaining() > 0 {
        let Ok(key) = r.read_var_bytes() else { break };
        if key.is_empty() {
            map += 1;
            lines.push(format!("-- end of map {map}"));
            continue;
        }
        let Ok(value) = r.read_var_bytes() else { break };
        lines.push(format!(
            "map {map}: key {}: value {} ({} bytes)",
            hex::encode(key),
            hex::encode(&value[..value.len().min(12)]),
            value.len()
        ));
    }
    lines
}

/// Counts the key types of the records a PSBT with `inputs` input maps holds, by map kind:
/// which record types the comparison has seen written.
fn tally(bytes: &[u8], inputs: usize, seen: &mut BTreeMap<(usize, String), u64>) {
    let mut r = Reader::new(bytes.get(5..).unwrap_or_default());
    let mut map = 0;
    while let Ok(key) = r.read_var_bytes() {
        if key.is_empty() {
            map += 1;
            continue;
        }
        let Ok(_) = r.read_var_bytes() else { break };
        let (kind, known) = match map {
            0 => (0, GLOBAL_TYPES),
            m if m <= inputs => (1, INPUT_TYPES),
            _ => (2, OUTPUT_TYPES),
        };
        let key_type = if known.contains(&key[0]) {
            format!("{:02x}", key[0])
        } else {
            "unknown".to_string()
        };
        *seen.entry((kind, key_type)).or_default() += 1;
    }
}

/// The first lines where two record lists differ.
fn first_difference(sou: &[u8], core: &[u8]) -> String {
    let (a, b) = (records(sou), records(core));
    let at = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let show = |l: &[String]| {
        l.iter()
            .skip(at)
            .take(3)
            .cloned()
            .collect::<Vec<_>>()
            .join(" | ")
    };
    format!("record {at}: sou [{}] core [{}]", show(&a), show(&b))
}

#[test]
fn psbts_pass_through_sou_as_through_bitcoind() {
    let Some(bitcoind) = std::env::var_os("BITCOIND").filter(|p| !p.is_empty()) else {
        println!("SKIPPED: BITCOIND not set (the path of Bitcoin Core's bitcoind to compare with)");
        return;
    };
    let seed = std::env::var("PSBT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(SEED);
    let cases = std::env::var("PSBT_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(CASES)
        .min(MAX_CASES);
    let core = Bitcoind::start(Path::new(&bitcoind));
    let mut g = Gen(seed);
    let started = Instant::now();
    let (mut compared, mut written, mut refused) = (0u64, 0u64, 0u64);
    let mut rewritten = 0u64;
    let mut differences = Vec::new();
    let mut seen = BTreeMap::new();
    for case in 0..cases {
        if started.elapsed() > TIME_LIMIT {
            println!("stopping after {TIME_LIMIT:?}");
            break;
        }
        let bytes = generate(&mut g);
        let b64 = base64::encode(&bytes);
        let core_answer = core
            .call("combinepsbt", json!([[b64]]))
            .map(|v| base64::decode(v.as_str().expect("a string")).expect("Base64"));
        let sou_answer = Psbt::deserialize(&bytes).map(|p| (p.inputs.len(), p.serialize()));
        compared += 1;
        match (&sou_answer, &core_answer) {
            (Ok((inputs, s)), Ok(c)) if s == c => {
                written += 1;
                if *s != bytes {
                    rewritten += 1;
                }
                tally(s, *inputs, &mut seen);
            }
            (Err(_), Err(c)) => {
                assert_eq!(c.code, -22, "case {case}: {c:?}");
                refused += 1;
            }
            (Ok((_, s)), Ok(c)) => differences.push(format!(
                "case {case}: written differently: {}\n  in:   {}\n  sou:  {}\n  core: {}",
                first_difference(s, c),
                hex::encode(&bytes),
                hex::encode(s),
                hex::encode(c)
            )),
            (Ok(_), Err(c)) => differences.push(format!(
                "case {case}: sou accepts, core refuses ({})\n  in: {}",
                c.message,
                hex::encode(&bytes)
            )),
            (Err(e), Ok(_)) => differences.push(format!(
                "case {case}: sou refuses ({e}), core accepts\n  in: {}",
                hex::encode(&bytes)
            )),
        }
    }
    println!(
        "seed {seed:#x}: {compared} PSBTs in {:.1?}: {written} written identically ({rewritten} \
         of them not as they came in), {refused} refused by both, {} differences",
        started.elapsed(),
        differences.len()
    );
    for (kind, name) in ["global", "input", "output"].iter().enumerate() {
        let types: Vec<String> = seen
            .iter()
            .filter(|((k, _), _)| *k == kind)
            .map(|((_, t), n)| format!("{t}:{n}"))
            .collect();
        println!("{name} record types written: {}", types.join(" "));
    }
    for d in differences.iter().take(10) {
        println!("{d}");
    }
    assert!(compared >= 100, "only {compared} PSBTs compared");
    assert!(
        written >= compared / 3 && refused >= compared / 20,
        "the generator should make both kinds: {written} written, {refused} refused"
    );
    assert!(differences.is_empty(), "{} differences", differences.len());
}
