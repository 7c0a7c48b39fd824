//! Base58 and Base58Check: the encoding of legacy addresses, WIF keys and BIP32 keys.
//!
//! Base58 writes a number in base 58 with an alphabet that leaves out `0`, `O`, `I` and
//! `l`, characters easily confused when copied by hand. Leading zero bytes, which a number
//! cannot show, are written as leading `1`s. Base58Check appends the first four bytes of
//! `sha256d(payload)`, so that a mistyped character is caught before coins are sent to it.
//!
//! References: Core `src/base58.cpp` (`EncodeBase58`, `DecodeBase58`, `DecodeBase58Check`).

use sou_primitives::hashes::sha256d;

use crate::Error;

const ALPHABET: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/// The value of each ASCII character in the alphabet, or 0xff.
#[allow(
    clippy::cast_possible_truncation,
    reason = "indices below 58 fit in a u8"
)]
const DIGITS: [u8; 128] = {
    let mut table = [0xff; 128];
    let mut i = 0;
    while i < 58 {
        table[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// Encodes bytes in Base58 (no checksum).
#[allow(
    clippy::cast_possible_truncation,
    reason = "a remainder modulo 58 fits in a u8"
)]
pub fn encode(data: &[u8]) -> String {
    let zeros = data.iter().take_while(|&&b| b == 0).count();
    // Base-58 digits, least significant first; log(256)/log(58) < 1.37 digits per byte.
    let mut digits: Vec<u8> = Vec::with_capacity(data.len() * 137 / 100 + 1);
    for &byte in &data[zeros..] {
        let mut carry = u32::from(byte);
        for d in digits.iter_mut() {
            carry += u32::from(*d) << 8;
            *d = (carry % 58) as u8;
            carry /= 58;
        }
        while carry > 0 {
            digits.push((carry % 58) as u8);
            carry /= 58;
        }
    }
    let mut out = String::with_capacity(zeros + digits.len());
    out.extend(std::iter::repeat_n('1', zeros));
    out.extend(
        digits
            .iter()
            .rev()
            .map(|&d| char::from(ALPHABET[usize::from(d)])),
    );
    out
}

/// Decodes Base58 (no checksum). Core also skips surrounding whitespace; sou refuses it,
/// as an address or key never contains any.
#[allow(
    clippy::cast_possible_truncation,
    reason = "keeps the low byte; the rest is carried"
)]
pub fn decode(s: &str) -> Result<Vec<u8>, Error> {
    let zeros = s.bytes().take_while(|&b| b == b'1').count();
    // Bytes, least significant first; log(58)/log(256) < 0.733 bytes per digit.
    let mut bytes: Vec<u8> = Vec::with_capacity(s.len() * 733 / 1000 + 1);
    for (position, c) in s.char_indices().skip(zeros) {
        let digit = u8::try_from(c)
            .ok()
            .and_then(|b| DIGITS.get(usize::from(b)).copied())
            .filter(|&d| d != 0xff)
            .ok_or(Error::InvalidBase58Character {
                character: c,
                position,
            })?;
        let mut carry = u32::from(digit);
        for b in bytes.iter_mut() {
            carry += u32::from(*b) * 58;
            *b = (carry & 0xff) as u8;
            carry >>= 8;
        }
        while carry > 0 {
            bytes.push((carry & 0xff) as u8);
            carry >>= 8;
        }
    }
    let mut out = vec![0u8; zeros];
    out.extend(bytes.iter().rev());
    Ok(out)
}

/// Encodes `payload` followed by its 4-byte checksum.
pub fn encode_check(payload: &[u8]) -> String {
    let mut data = payload.to_vec();
    data.extend_from_slice(&sha256d(payload)[..4]);
    encode(&data)
}

/// Decodes Base58Check and verifies the checksum; returns the payload.
pub fn decode_check(s: &str) -> Result<Vec<u8>, Error> {
    let mut data = decode(s)?;
    if data.len() < 4 {
        return Err(Error::Base58TooShort { len: data.len() });
    }
    let payload_len = data.len() - 4;
    if sha256d(&data[..payload_len])[..4] != data[payload_len..] {
        return Err(Error::Base58Checksum);
    }
    data.truncate(payload_len);
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leading_zeros_are_ones() {
        assert_eq!(encode(&[0, 0, 1]), "112");
        assert_eq!(decode("112"), Ok(vec![0, 0, 1]));
        assert_eq!(encode(&[]), "");
        assert_eq!(decode(""), Ok(vec![]));
    }

    #[test]
    fn confusable_characters_are_refused() {
        for (s, c, position) in [
            ("10", '0', 1),
            ("1O", 'O', 1),
            ("I", 'I', 0),
            ("abl", 'l', 2),
            ("é", 'é', 0),
        ] {
            assert_eq!(
                decode(s),
                Err(Error::InvalidBase58Character {
                    character: c,
                    position
                })
            );
        }
    }

    #[test]
    fn checksum_catches_a_typo() {
        let s = encode_check(&[0x00, 0x01, 0x02]);
        assert_eq!(decode_check(&s), Ok(vec![0x00, 0x01, 0x02]));
        let mut typo = s.into_bytes();
        let last = typo.len() - 1;
        typo[last] = if typo[last] == b'2' { b'3' } else { b'2' };
        let typo = String::from_utf8(typo).unwrap();
        assert_eq!(decode_check(&typo), Err(Error::Base58Checksum));
        assert_eq!(decode_check("1"), Err(Error::Base58TooShort { len: 1 }));
    }
}
