//! Bech32 and Bech32m: the encoding of segwit addresses.
//!
//! A Bech32 string is a human-readable part (`bc` on mainnet), the separator `1`, then data
//! in a 32-character alphabet (no `1`, `b`, `i`, `o`), ending in a 6-character checksum.
//! The checksum is a BCH code: it detects any error in up to 4 characters, and mixed case
//! is refused so that a string is either all upper case (compact in QR codes) or all lower.
//!
//! BIP350 found that the original checksum misses some insertions of `q` before a final
//! `p`, harmless for version 0 programs (whose lengths are fixed) but not for later ones.
//! So witness version 0 keeps Bech32 and versions 1 to 16 (taproot is version 1) use
//! Bech32m, which differs only in the constant the checksum is XORed with. Using one where
//! the other is required is an error, not a variant.
//!
//! References: BIP173 "Bech32", BIP350 "Bech32m"; Core `src/bech32.cpp`,
//! `src/key_io.cpp` (`DecodeDestination`).

use crate::Error;

const CHARSET: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
/// The XOR constants that finish each checksum.
const BECH32_CONST: u32 = 1;
const BECH32M_CONST: u32 = 0x2bc8_30a3;
/// The longest string BIP173 allows.
pub const MAX_LEN: usize = 90;

/// Which checksum a string uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// BIP173, for witness version 0.
    Bech32,
    /// BIP350, for witness versions 1 to 16.
    Bech32m,
}

impl Variant {
    const fn constant(self) -> u32 {
        match self {
            Variant::Bech32 => BECH32_CONST,
            Variant::Bech32m => BECH32M_CONST,
        }
    }
}

/// The BCH checksum's polynomial remainder over 5-bit values (BIP173 `bech32_polymod`).
fn polymod(values: impl IntoIterator<Item = u8>) -> u32 {
    const GEN: [u32; 5] = [
        0x3b6a_57b2,
        0x2650_8e6d,
        0x1ea1_19fa,
        0x3d42_33dd,
        0x2a14_62b3,
    ];
    let mut chk: u32 = 1;
    for v in values {
        let top = chk >> 25;
        chk = ((chk & 0x01ff_ffff) << 5) ^ u32::from(v);
        for (i, g) in GEN.iter().enumerate() {
            if (top >> i) & 1 == 1 {
                chk ^= g;
            }
        }
    }
    chk
}

/// The HRP as the checksum sees it: high bits of each character, a zero, low bits.
fn hrp_expand(hrp: &[u8]) -> impl Iterator<Item = u8> + '_ {
    hrp.iter()
        .map(|c| c >> 5)
        .chain(std::iter::once(0))
        .chain(hrp.iter().map(|c| c & 31))
}

/// Encodes an HRP (lower case) and 5-bit data with the given checksum.
pub fn encode(hrp: &str, data: &[u8], variant: Variant) -> String {
    let hrp = hrp.to_ascii_lowercase();
    let values: Vec<u8> = hrp_expand(hrp.as_bytes())
        .chain(data.iter().copied())
        .chain([0; 6])
        .collect();
    let checksum = polymod(values) ^ variant.constant();
    let mut out = hrp;
    out.push('1');
    for &d in data {
        out.push(char::from(CHARSET[usize::from(d & 31)]));
    }
    for i in 0..6 {
        // Each 5-bit group of the 30-bit checksum, most significant first.
        let d = (checksum >> (5 * (5 - i))) & 31;
        out.push(char::from(CHARSET[d as usize]));
    }
    out
}

/// A decoded Bech32 string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The human-readable part, lower case.
    pub hrp: String,
    /// The 5-bit data values, checksum removed.
    pub data: Vec<u8>,
    /// Which checksum matched.
    pub variant: Variant,
}

/// Decodes a Bech32 or Bech32m string of at most [`MAX_LEN`] characters.
pub fn decode(s: &str) -> Result<Decoded, Error> {
    decode_bytes(s.as_bytes())
}

/// Decodes Bech32 given as raw bytes (input from a file or a QR code need not be UTF-8;
/// every byte outside printable ASCII is refused).
pub fn decode_bytes(bytes: &[u8]) -> Result<Decoded, Error> {
    if bytes.len() > MAX_LEN {
        return Err(Error::Bech32TooLong { len: bytes.len() });
    }
    if let Some(position) = bytes.iter().position(|&b| !(33..=126).contains(&b)) {
        return Err(Error::Bech32InvalidCharacter { position });
    }
    // Printable ASCII only from here on: valid UTF-8.
    let s = String::from_utf8_lossy(bytes);
    let has_lower = bytes.iter().any(u8::is_ascii_lowercase);
    let has_upper = bytes.iter().any(u8::is_ascii_uppercase);
    if has_lower && has_upper {
        return Err(Error::Bech32MixedCase);
    }
    let lower = s.to_ascii_lowercase();
    let sep = lower.rfind('1').ok_or(Error::Bech32MissingSeparator)?;
    if sep == 0 {
        return Err(Error::Bech32EmptyHrp);
    }
    let (hrp, rest) = (&lower[..sep], &lower.as_bytes()[sep + 1..]);
    if rest.len() < 6 {
        return Err(Error::Bech32ChecksumTooShort);
    }
    let mut data = Vec::with_capacity(rest.len());
    for (i, c) in rest.iter().enumerate() {
        let value = CHARSET
            .iter()
            .position(|x| x == c)
            .ok_or(Error::Bech32InvalidCharacter {
                position: sep + 1 + i,
            })?;
        data.push(u8::try_from(value).unwrap_or(u8::MAX));
    }
    let residue = polymod(hrp_expand(hrp.as_bytes()).chain(data.iter().copied()));
    let variant = match residue {
        BECH32_CONST => Variant::Bech32,
        BECH32M_CONST => Variant::Bech32m,
        _ => return Err(Error::Bech32Checksum),
    };
    data.truncate(data.len() - 6);
    Ok(Decoded {
        hrp: hrp.to_owned(),
        data,
        variant,
    })
}

#[allow(
    clippy::cast_possible_truncation,
    reason = "values are masked to `to` (at most 8) bits"
)]
/// Regroups bits (BIP173 `convertbits`): 8-bit bytes to 5-bit values with zero padding
/// (`pad`), or back, where padding must be under `from` bits and zero.
pub fn convert_bits(data: &[u8], from: u32, to: u32, pad: bool) -> Result<Vec<u8>, Error> {
    let mut acc: u32 = 0;
    let mut bits: u32 = 0;
    let max = (1u32 << to) - 1;
    let mut out = Vec::with_capacity(data.len() * from as usize / to as usize + 1);
    for &value in data {
        let value = u32::from(value);
        if value >> from != 0 {
            return Err(Error::Bech32InvalidPadding);
        }
        acc = (acc << from) | value;
        bits += from;
        while bits >= to {
            bits -= to;
            out.push(((acc >> bits) & max) as u8);
        }
        acc &= (1 << bits) - 1;
    }
    if pad {
        if bits > 0 {
            out.push(((acc << (to - bits)) & max) as u8);
        }
    } else if bits >= from || ((acc << (to - bits)) & max) != 0 {
        return Err(Error::Bech32InvalidPadding);
    }
    Ok(out)
}

/// Encodes a segwit address: version 0 with Bech32, versions 1 to 16 with Bech32m.
pub fn encode_segwit(hrp: &str, version: u8, program: &[u8]) -> Result<String, Error> {
    check_program(version, program)?;
    let variant = if version == 0 {
        Variant::Bech32
    } else {
        Variant::Bech32m
    };
    let mut data = vec![version];
    data.extend(convert_bits(program, 8, 5, true)?);
    Ok(encode(hrp, &data, variant))
}

/// Decodes a segwit address for `hrp`: its witness version and program.
pub fn decode_segwit(hrp: &str, address: &str) -> Result<(u8, Vec<u8>), Error> {
    let decoded = decode(address)?;
    if decoded.hrp != hrp {
        return Err(Error::WrongHrp {
            expected: hrp.to_owned(),
            found: decoded.hrp,
        });
    }
    let (&version, rest) = decoded.data.split_first().ok_or(Error::Bech32EmptyData)?;
    if version > 16 {
        return Err(Error::InvalidWitnessVersion { version });
    }
    let program = convert_bits(rest, 5, 8, false)?;
    check_program(version, &program)?;
    let required = if version == 0 {
        Variant::Bech32
    } else {
        Variant::Bech32m
    };
    if decoded.variant != required {
        return Err(Error::WrongChecksumVariant {
            version,
            found: decoded.variant,
        });
    }
    Ok((version, program))
}

/// BIP141: programs are 2 to 40 bytes; version 0 only 20 (P2WPKH) or 32 (P2WSH).
fn check_program(version: u8, program: &[u8]) -> Result<(), Error> {
    if version > 16 {
        return Err(Error::InvalidWitnessVersion { version });
    }
    let len = program.len();
    if !(2..=40).contains(&len) || (version == 0 && len != 20 && len != 32) {
        return Err(Error::InvalidWitnessProgramLength { version, len });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let s = encode_segwit("bc", 1, &[7; 32]).unwrap();
        assert!(s.starts_with("bc1p"));
        assert_eq!(decode_segwit("bc", &s), Ok((1, vec![7; 32])));
        assert_eq!(
            decode_segwit("tb", &s).map(|_| ()),
            Err(Error::WrongHrp {
                expected: "tb".into(),
                found: "bc".into()
            })
        );
    }
}
