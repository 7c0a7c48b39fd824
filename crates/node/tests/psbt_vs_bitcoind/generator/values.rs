//! Random values for records: a seeded generator, then keys, signatures, origins,
//! scripts, witnesses, outputs, taproot trees and record keys, mostly valid, often at an
//! edge Core treats in its own way, broken when asked.

use sou_keys::SecretKey;
use sou_primitives::encoding::write_compact_size;

/// A small deterministic generator (SplitMix64): the same seed, the same PSBTs.
pub(crate) struct Gen(pub(crate) u64);

impl Gen {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// A count in `0..=max`.
    pub(crate) fn upto(&mut self, max: u64) -> usize {
        self.below(max + 1) as usize
    }

    /// True `percent` times in a hundred.
    pub(crate) fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub(crate) fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }

    /// `min..=max` random bytes.
    pub(crate) fn some_bytes(&mut self, min: usize, max: usize) -> Vec<u8> {
        let len = min + self.upto((max - min) as u64);
        self.bytes(len)
    }

    pub(crate) fn array<const N: usize>(&mut self) -> [u8; N] {
        let mut a = [0; N];
        for b in &mut a {
            *b = self.next() as u8;
        }
        a
    }

    pub(crate) fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }

    pub(crate) fn shuffle<T>(&mut self, items: &mut [T]) {
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

pub(crate) fn var_bytes(bytes: &[u8]) -> Vec<u8> {
    [compact(bytes.len() as u64), bytes.to_vec()].concat()
}

pub(crate) fn keyed(key_type: u8, data: &[u8]) -> Vec<u8> {
    [&[key_type][..], data].concat()
}

/// 32 bytes that are no point's x (`5^3 + 7` is not a square modulo p).
pub(crate) const OFF_CURVE: [u8; 32] = {
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

pub(crate) fn compressed_key(g: &mut Gen) -> [u8; 33] {
    secret(g).public_key().serialize_compressed()
}

/// A public key as ECDSA records hold one: mostly compressed, sometimes uncompressed or
/// in the "hybrid" form (`06`/`07` and the parity of y), which Core accepts.
pub(crate) fn ecdsa_key(g: &mut Gen) -> Vec<u8> {
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
pub(crate) fn bad_ecdsa_key(g: &mut Gen) -> Vec<u8> {
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

pub(crate) fn compressed_or_bad(g: &mut Gen, bad: bool) -> Vec<u8> {
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
pub(crate) fn ecdsa_signature(g: &mut Gen, bad: bool) -> Vec<u8> {
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
pub(crate) fn key_origin(g: &mut Gen, bad: bool) -> Vec<u8> {
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
pub(crate) fn script(g: &mut Gen) -> Vec<u8> {
    if g.chance(16) {
        Vec::new()
    } else {
        g.some_bytes(1, 31)
    }
}

/// A witness (a count, then items), empty one time in six; a broken one has a byte more.
pub(crate) fn witness(g: &mut Gen, bad: bool) -> Vec<u8> {
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
pub(crate) fn txout_bytes(g: &mut Gen) -> Vec<u8> {
    let value: i64 = match g.below(10) {
        0 => -1,
        1 => 0,
        2 => g.next() as i64,
        _ => g.below(2_100_000_000_000_000) as i64,
    };
    [value.to_le_bytes().to_vec(), var_bytes(&script(g))].concat()
}

pub(crate) fn leaf_hash(g: &mut Gen, pool: &[[u8; 32]]) -> [u8; 32] {
    if g.chance(60) {
        g.pick(pool)
    } else {
        g.array()
    }
}

/// An x-only key, 32 bytes, on the curve or not (Core does not check).
pub(crate) fn x_only(g: &mut Gen, pool: &[[u8; 32]]) -> [u8; 32] {
    match g.below(10) {
        0 => OFF_CURVE,
        1..=4 => g.pick(pool),
        _ => g.array(),
    }
}

/// A BIP371 key origin: leaf hashes (repeated, out of order), then a BIP32 origin.
pub(crate) fn tap_key_origin(g: &mut Gen, leaves: &[[u8; 32]], bad: bool) -> Vec<u8> {
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
pub(crate) fn unknown_key(g: &mut Gen, known: &[u8], bad: bool) -> Vec<u8> {
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
pub(crate) fn proprietary_key(g: &mut Gen, bad: bool) -> Vec<u8> {
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
pub(crate) fn tap_tree(g: &mut Gen, bad: bool) -> Vec<u8> {
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
