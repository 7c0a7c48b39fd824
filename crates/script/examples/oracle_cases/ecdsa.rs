//! ECDSA keys and signatures for legacy and segwit v0 spends: public keys in each encoding
//! the checks treat apart (compressed, uncompressed, hybrid, truncated, empty), and DER
//! signatures valid or broken in one field (lengths, negative or padded R and S, high S,
//! the hash type byte), as BIP66, LOW_S and STRICTENC read them.

use crate::Rng;

/// A secp256k1 key pair for ECDSA.
pub(crate) struct EcKey {
    secret: secp256k1::SecretKey,
    public: secp256k1::PublicKey,
}

pub(crate) fn ec_key(rng: &mut Rng) -> EcKey {
    loop {
        if let Ok(secret) = secp256k1::SecretKey::from_byte_array(rng.bytes(32).try_into().unwrap())
        {
            let public = secp256k1::PublicKey::from_secret_key(secp256k1::SECP256K1, &secret);
            return EcKey { secret, public };
        }
    }
}

/// A public key as a script pushes it: mostly compressed, else one of the encodings
/// STRICTENC, WITNESS_PUBKEYTYPE or `CPubKey`'s length check treat apart.
pub(crate) fn pubkey_bytes(rng: &mut Rng, key: &EcKey) -> Vec<u8> {
    let compressed = key.public.serialize();
    let uncompressed = key.public.serialize_uncompressed();
    let odd = uncompressed[64] & 1;
    let mut out = match rng.below(100) {
        0..70 => compressed.to_vec(),
        70..82 => uncompressed.to_vec(),
        // Hybrid (0x06 even y, 0x07 odd y): valid for consensus, refused by STRICTENC.
        82..86 => [&[0x06 | odd][..], &uncompressed[1..]].concat(),
        86..88 => [&[0x07 - odd][..], &uncompressed[1..]].concat(),
        88..90 => compressed[..32].to_vec(),
        90..91 => [&compressed[..], &[0x01]].concat(),
        91..92 => [&[0x02][..], &uncompressed[1..]].concat(),
        92..93 => [&[0x04][..], &compressed[1..]].concat(),
        93..95 => Vec::new(),
        95..96 => [&[0x05][..], &compressed[1..]].concat(),
        _ => [&[0x02 | (rng.next() as u8 & 1)][..], &rng.bytes(32)].concat(),
    };
    if rng.chance(1) {
        out = rng.some_bytes(70);
    }
    out
}

/// secp256k1's group order n, big-endian (for high-S signatures: s' = n - s).
const CURVE_ORDER: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
    0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41,
];

fn order_minus(s: &[u8; 32]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let mut d = i16::from(CURVE_ORDER[i]) - i16::from(s[i]) - borrow;
        borrow = i16::from(d < 0);
        if d < 0 {
            d += 256;
        }
        out[i] = d as u8;
    }
    out
}

/// A DER integer: big-endian, no leading zeros, a 0x00 in front if the top bit is set.
fn der_int(x: &[u8]) -> Vec<u8> {
    let first = x.iter().position(|&b| b != 0).unwrap_or(x.len() - 1);
    let mut v = x[first..].to_vec();
    if v[0] & 0x80 != 0 {
        v.insert(0, 0);
    }
    v
}

fn der(r: &[u8], s: &[u8]) -> Vec<u8> {
    let mut out = vec![0x30, (r.len() + s.len() + 4) as u8, 0x02, r.len() as u8];
    out.extend(r);
    out.extend([0x02, s.len() as u8]);
    out.extend(s);
    out
}

pub(crate) fn ecdsa_hash_type(rng: &mut Rng) -> u8 {
    [
        1,
        1,
        1,
        1,
        1,
        1,
        2,
        3,
        0x81,
        0x82,
        0x83,
        0,
        4,
        0x80,
        0x84,
        0x41,
        0xff,
        rng.next() as u8,
    ][rng.below(18)]
}

/// A signature for `digest` of the hash type `hash_type`: valid, or broken in one field.
pub(crate) fn ecdsa_signature(
    rng: &mut Rng,
    digest: [u8; 32],
    key: &EcKey,
    hash_type: u8,
) -> Vec<u8> {
    let sig = secp256k1::SECP256K1.sign_ecdsa(secp256k1::Message::from_digest(digest), &key.secret);
    let compact = sig.serialize_compact();
    let r: [u8; 32] = compact[..32].try_into().unwrap();
    let s: [u8; 32] = compact[32..].try_into().unwrap();
    let (mut r_int, mut s_int) = (der_int(&r), der_int(&s));
    let mut out = match rng.below(100) {
        0..68 => der(&r_int, &s_int),
        68..72 => der(&r_int, &der_int(&order_minus(&s))),
        // Padding: a needless leading zero.
        72..74 => {
            r_int.insert(0, 0);
            der(&r_int, &s_int)
        }
        74..76 => {
            s_int.insert(0, 0);
            der(&r_int, &s_int)
        }
        // Negative: the top bit set without the zero in front.
        76..78 => {
            if r_int[0] == 0 {
                r_int.remove(0);
            } else {
                r_int[0] |= 0x80;
            }
            der(&r_int, &s_int)
        }
        78..79 => {
            if s_int[0] == 0 {
                s_int.remove(0);
            } else {
                s_int[0] |= 0x80;
            }
            der(&r_int, &s_int)
        }
        79..81 => {
            let mut d = der(&r_int, &s_int);
            d[1] = d[1].wrapping_add([1, 0xff][rng.below(2)]);
            d
        }
        81..83 => {
            let mut d = der(&r_int, &s_int);
            d[3] = d[3].wrapping_add([1, 0xff][rng.below(2)]);
            d
        }
        83..84 => {
            let mut d = der(&r_int, &s_int);
            let at = 5 + r_int.len();
            d[at] = d[at].wrapping_add([1, 0xff][rng.below(2)]);
            d
        }
        84..85 => {
            let mut d = der(&r_int, &s_int);
            let at = [0, 2, 4 + r_int.len()][rng.below(3)];
            d[at] ^= 1;
            d
        }
        85..86 => {
            let mut d = der(&r_int, &s_int);
            d.push(rng.next() as u8);
            d
        }
        86..87 => {
            let mut d = der(&r_int, &s_int);
            d.truncate(d.len() - 1 - rng.below(8));
            d
        }
        // A valid encoding of a wrong signature.
        87..89 => {
            let i = rng.below(32);
            let mut r2 = r;
            r2[i] ^= 1 << rng.below(8);
            der(&der_int(&r2), &s_int)
        }
        89..91 => return Vec::new(),
        91..92 => Vec::new(),
        92..93 => der(&[], &s_int),
        93..94 => {
            r_int.splice(0..0, [0; 4]);
            s_int.splice(0..0, [0; 4]);
            der(&r_int, &s_int)
        }
        94..96 => {
            // Signed as one hash type, labelled another.
            let d = der(&r_int, &s_int);
            return [d, vec![ecdsa_hash_type(rng) ^ 0x02]].concat();
        }
        96..97 => rng.some_bytes(75),
        _ => der(&r_int, &s_int),
    };
    out.push(hash_type);
    out
}
