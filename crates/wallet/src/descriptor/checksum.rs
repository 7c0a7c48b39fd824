//! The descriptor checksum (BIP380): 8 characters after a `#`, a BCH code over the text
//! like Bech32's, that catches typing errors before a wallet pays to a wrong script.
//!
//! [`descriptor_checksum`] computes it, [`add_checksum`] appends it, and parsing splits it
//! off and checks it first (`check_checksum`).
//!
//! References: BIP380 "Checksum"; Core `src/script/descriptor.cpp` (`PolyMod`,
//! `DescriptorChecksum`, `AddChecksum`, `CheckChecksum`).

use super::Error;

/// The characters a descriptor may use, in the order the checksum numbers them (BIP380).
///
/// They come in three groups of 32. The checksum reads each character as its position
/// within its group (5 bits, one symbol), and every three characters as one more symbol
/// made of their three group numbers. The first group holds what descriptors mostly
/// contain (hex digits, parentheses, path characters), and upper and lower case letters
/// sit 32 apart, so that common typing errors change few symbols.
const INPUT_CHARSET: &str = concat!(
    "0123456789()[],'/*abcdefgh@:$%{}",
    "IJKLMNOPQRSTUVWXYZ&+-.;<=>?!^_|~",
    "ijklmnopqrstuvwxyzABCDEFGH`#\"\\ "
);

/// The checksum's own alphabet, Bech32's.
const CHECKSUM_CHARSET: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";

/// One step of the BCH code over GF(32): multiply the running remainder by x and add
/// `value`, modulo the generator (Core `PolyMod`). The constants are the generator's
/// low terms multiplied by 1, 2, 4, 8 and 16.
fn poly_mod(c: u64, value: u64) -> u64 {
    let c0 = c >> 35;
    let mut c = ((c & 0x7_ffff_ffff) << 5) ^ value;
    for (bit, generator) in [
        0xf5_dee5_1989,
        0xa9_fdca_3312,
        0x1b_ab10_e32d,
        0x37_06b1_677a,
        0x64_4d62_6ffd,
    ]
    .into_iter()
    .enumerate()
    {
        if c0 & (1 << bit) != 0 {
            c ^= generator;
        }
    }
    c
}

/// The 8-character checksum of a descriptor's text, or `None` if it holds a character
/// outside the descriptor alphabet (Core `DescriptorChecksum`, BIP380).
pub fn descriptor_checksum(text: &str) -> Option<String> {
    let mut c: u64 = 1;
    let mut groups: u64 = 0;
    let mut group_count = 0;
    for ch in text.chars() {
        let position = INPUT_CHARSET.find(ch)? as u64;
        c = poly_mod(c, position & 31);
        groups = groups * 3 + (position >> 5);
        group_count += 1;
        if group_count == 3 {
            c = poly_mod(c, groups);
            groups = 0;
            group_count = 0;
        }
    }
    if group_count > 0 {
        c = poly_mod(c, groups);
    }
    // Eight more zero symbols make room for the checksum; the final xor keeps appended
    // zeros from leaving it unchanged.
    for _ in 0..8 {
        c = poly_mod(c, 0);
    }
    c ^= 1;
    let symbols = (0..8).map(|j| {
        // Each symbol is 5 bits of `c`: masked to 0..=31, a valid index.
        let index = ((c >> (5 * (7 - j))) & 31) as usize;
        char::from(CHECKSUM_CHARSET[index])
    });
    Some(symbols.collect())
}

/// `text#checksum` (Core `AddChecksum`), or `None` if `text` has characters outside the
/// descriptor alphabet.
pub fn add_checksum(text: &str) -> Option<String> {
    descriptor_checksum(text).map(|c| format!("{text}#{c}"))
}

/// The checksum of a descriptor as written, what `getdescriptorinfo` reports as
/// `checksum` (Core `GetDescriptorChecksum`): that of the text before any `#`, once a
/// checksum written after it is found right; `None` where parsing would refuse the
/// checksum part (see [`Descriptor::parse`](super::Descriptor::parse)).
pub fn input_checksum(text: &str) -> Option<String> {
    let body = check_checksum(text, false).ok()?;
    descriptor_checksum(body)
}

/// Splits off and verifies the checksum, returning the text before it (Core
/// `CheckChecksum`). The text's alphabet is checked even when no checksum is given.
pub(super) fn check_checksum(text: &str, require_checksum: bool) -> Result<&str, Error> {
    let mut parts = text.split('#');
    let body = parts.next().unwrap_or_default();
    let provided = parts.next();
    if parts.next().is_some() {
        return Err(Error::MultipleHashSymbols);
    }
    if provided.is_none() && require_checksum {
        return Err(Error::MissingChecksum);
    }
    if let Some(p) = provided {
        if p.len() != 8 {
            return Err(Error::ChecksumLength { len: p.len() });
        }
    }
    let computed = descriptor_checksum(body).ok_or(Error::InvalidCharacters)?;
    match provided {
        Some(p) if p != computed => Err(Error::ChecksumMismatch {
            provided: p.to_owned(),
            computed,
        }),
        _ => Ok(body),
    }
}
