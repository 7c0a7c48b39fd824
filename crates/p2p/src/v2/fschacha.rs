//! The two ciphers of BIP324, each rekeyed every 224 uses for forward secrecy.
//!
//! A v2 packet has two encrypted parts: its 3-byte length, and its contents with a
//! Poly1305 tag. The length must be readable before the rest arrives, so it has its own
//! stream cipher, [`FsChaCha20`]: one long ChaCha20 keystream from which each length
//! takes the next 3 bytes. The contents are sealed by the RFC 8439 AEAD
//! ChaCha20-Poly1305 under a nonce that counts packets, in [`FsChaCha20Poly1305`].
//!
//! "FS" is forward security: after every [`REKEY_INTERVAL`] packets each cipher derives
//! a new key from its own keystream and forgets the old one, so a key stolen from memory
//! later does not decrypt what was sent before.
//!
//! References: BIP324 "Rekeying wrappers: FSChaCha20Poly1305 and FSChaCha20"; Core
//! src/crypto/chacha20.cpp (`FSChaCha20`), src/crypto/chacha20poly1305.cpp
//! (`AEADChaCha20Poly1305`, `FSChaCha20Poly1305`); RFC 8439 section 2.8.

use chacha20::cipher::{KeyIvInit, StreamCipher, StreamCipherSeek};
use chacha20::ChaCha20;
use poly1305::universal_hash::{KeyInit, UniversalHash};
use poly1305::Poly1305;

/// How many messages a key encrypts before the next one is derived (BIP324
/// `REKEY_INTERVAL`).
pub const REKEY_INTERVAL: u32 = 224;

/// The size of a Poly1305 tag.
pub const TAG_LEN: usize = 16;

/// ChaCha20's 96-bit nonce as BIP324 and Core's `Nonce96` build it: a 32-bit word, then a
/// 64-bit word, both little-endian.
fn nonce96(low: u32, high: u64) -> [u8; 12] {
    let mut nonce = [0u8; 12];
    nonce[..4].copy_from_slice(&low.to_le_bytes());
    nonce[4..].copy_from_slice(&high.to_le_bytes());
    nonce
}

/// The stream cipher for packet lengths (BIP324 `FSChaCha20`).
///
/// All lengths encrypted under one key share one keystream, nonce `(0, rekey count)`,
/// consumed 3 bytes at a time; after [`REKEY_INTERVAL`] chunks the next 32 keystream
/// bytes become the key and the stream starts again at block 0 of the next nonce.
pub struct FsChaCha20 {
    stream: ChaCha20,
    chunk_counter: u32,
    rekey_counter: u64,
}

impl FsChaCha20 {
    /// A cipher starting from `key`, as both sides derive it from the handshake.
    pub fn new(key: [u8; 32]) -> FsChaCha20 {
        FsChaCha20 {
            stream: ChaCha20::new(&key.into(), &nonce96(0, 0).into()),
            chunk_counter: 0,
            rekey_counter: 0,
        }
    }

    /// Encrypts or decrypts `chunk` in place (XOR with the next keystream bytes).
    pub fn crypt(&mut self, chunk: &mut [u8]) {
        self.stream.apply_keystream(chunk);
        self.chunk_counter += 1;
        if self.chunk_counter == REKEY_INTERVAL {
            // BIP324: the key for the next interval is the keystream right after the
            // last chunk of this one.
            let mut key = [0u8; 32];
            self.stream.apply_keystream(&mut key);
            self.chunk_counter = 0;
            self.rekey_counter += 1;
            self.stream = ChaCha20::new(&key.into(), &nonce96(0, self.rekey_counter).into());
        }
    }
}

/// The authenticated cipher for packet contents (BIP324 `FSChaCha20Poly1305`).
///
/// Packet `n` of an interval is sealed by ChaCha20-Poly1305 with nonce `(n, rekey
/// count)`. After [`REKEY_INTERVAL`] packets the new key is the first 32 bytes that the
/// AEAD would encrypt under nonce `(0xffffffff, rekey count)`, a nonce no packet uses.
pub struct FsChaCha20Poly1305 {
    key: [u8; 32],
    packet_counter: u32,
    rekey_counter: u64,
}

/// Why a packet's contents were refused: its tag does not match (wrong key, wrong
/// position in the stream, or bytes changed on the way).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadTag;

impl FsChaCha20Poly1305 {
    /// A cipher starting from `key`, as both sides derive it from the handshake.
    pub fn new(key: [u8; 32]) -> FsChaCha20Poly1305 {
        FsChaCha20Poly1305 {
            key,
            packet_counter: 0,
            rekey_counter: 0,
        }
    }

    /// Seals `plaintext` with associated data `aad`: the ciphertext, then the 16-byte tag,
    /// appended to `out`.
    pub fn encrypt(&mut self, aad: &[u8], plaintext: &[u8], out: &mut Vec<u8>) {
        let mut stream = self.stream();
        let poly_key = poly1305_key(&mut stream);
        let start = out.len();
        out.extend_from_slice(plaintext);
        let ciphertext = out.get_mut(start..).unwrap_or_default();
        stream.apply_keystream(ciphertext);
        let tag = rfc8439_tag(&poly_key, aad, ciphertext);
        out.extend_from_slice(&tag);
        self.next_packet();
    }

    /// Opens `ciphertext_and_tag` (the ciphertext, then the 16-byte tag) with associated
    /// data `aad`: the plaintext, or [`BadTag`]. The packet counts as used either way,
    /// as in Core: a connection is dropped after the first failure.
    pub fn decrypt(&mut self, aad: &[u8], ciphertext_and_tag: &[u8]) -> Result<Vec<u8>, BadTag> {
        let Some(split) = ciphertext_and_tag.len().checked_sub(TAG_LEN) else {
            self.next_packet();
            return Err(BadTag);
        };
        let (ciphertext, tag) = ciphertext_and_tag.split_at(split);
        let mut stream = self.stream();
        let poly_key = poly1305_key(&mut stream);
        let mut mac = Poly1305::new(&poly_key.into());
        update_rfc8439(&mut mac, aad, ciphertext);
        let mut expected = [0u8; TAG_LEN];
        expected.copy_from_slice(tag);
        // `verify` compares in constant time.
        let verdict = mac.verify(&expected.into());
        self.next_packet();
        verdict.map_err(|_| BadTag)?;
        let mut plaintext = ciphertext.to_vec();
        stream.apply_keystream(&mut plaintext);
        Ok(plaintext)
    }

    /// ChaCha20 under the current key and this packet's nonce, at block 0.
    fn stream(&self) -> ChaCha20 {
        ChaCha20::new(
            &self.key.into(),
            &nonce96(self.packet_counter, self.rekey_counter).into(),
        )
    }

    /// Moves to the next packet, deriving the next key at the end of an interval.
    fn next_packet(&mut self) {
        self.packet_counter += 1;
        if self.packet_counter == REKEY_INTERVAL {
            // Core `FSChaCha20Poly1305::NextPacket`: the keystream the AEAD would use to
            // encrypt under nonce (0xffffffff, rekey count), from block 1 on.
            let mut stream = ChaCha20::new(
                &self.key.into(),
                &nonce96(u32::MAX, self.rekey_counter).into(),
            );
            stream.seek(64u64);
            let mut key = [0u8; 32];
            stream.apply_keystream(&mut key);
            self.key = key;
            self.packet_counter = 0;
            self.rekey_counter += 1;
        }
    }
}

/// RFC 8439 2.6: the one-time Poly1305 key is the first 32 bytes of block 0; the
/// message is then encrypted from block 1 (byte 64) on.
fn poly1305_key(stream: &mut ChaCha20) -> [u8; 32] {
    let mut block = [0u8; 64];
    stream.apply_keystream(&mut block);
    let mut key = [0u8; 32];
    key.copy_from_slice(&block[..32]);
    key
}

/// RFC 8439 2.8: the tag covers aad, zero padding to 16 bytes, the ciphertext, its
/// padding, then both lengths as 64-bit little-endian numbers.
fn rfc8439_tag(poly_key: &[u8; 32], aad: &[u8], ciphertext: &[u8]) -> [u8; TAG_LEN] {
    let mut mac = Poly1305::new(&(*poly_key).into());
    update_rfc8439(&mut mac, aad, ciphertext);
    mac.finalize().into()
}

fn update_rfc8439(mac: &mut Poly1305, aad: &[u8], ciphertext: &[u8]) {
    mac.update_padded(aad);
    mac.update_padded(ciphertext);
    let mut lengths = [0u8; 16];
    lengths[..8].copy_from_slice(&(aad.len() as u64).to_le_bytes());
    lengths[8..].copy_from_slice(&(ciphertext.len() as u64).to_le_bytes());
    mac.update_padded(&lengths);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 8439 section 2.8.2: the AEAD's worked example. With packet counter 7 and
    /// rekey counter 0x4746454443424140 our nonce layout gives its nonce
    /// 07000000 4041424344454647.
    #[test]
    fn rfc8439_aead_example() {
        let key: [u8; 32] =
            hex::decode("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f")
                .expect("hex")
                .try_into()
                .expect("32 bytes");
        let aad = hex::decode("50515253c0c1c2c3c4c5c6c7").expect("hex");
        let plaintext = b"Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.";
        let mut cipher = FsChaCha20Poly1305 {
            key,
            packet_counter: 7,
            rekey_counter: 0x4746_4544_4342_4140,
        };
        let mut out = Vec::new();
        cipher.encrypt(&aad, plaintext, &mut out);
        let tag = &out[out.len() - TAG_LEN..];
        assert_eq!(hex::encode(tag), "1ae10b594f09e26a7e902ecbd0600691");
        assert_eq!(hex::encode(&out[..16]), "d31a8d34648e60db7b86afbc53ef7ec2");
        let mut opener = FsChaCha20Poly1305 {
            key,
            packet_counter: 7,
            rekey_counter: 0x4746_4544_4342_4140,
        };
        assert_eq!(opener.decrypt(&aad, &out).as_deref(), Ok(&plaintext[..]));
    }

    #[test]
    fn short_input_is_a_bad_tag() {
        let mut cipher = FsChaCha20Poly1305::new([1; 32]);
        assert_eq!(cipher.decrypt(b"", &[0u8; 15]), Err(BadTag));
    }

    #[test]
    fn both_ciphers_rekey_in_step() {
        let mut sealer = FsChaCha20Poly1305::new([7; 32]);
        let mut opener = FsChaCha20Poly1305::new([7; 32]);
        let mut lengths_a = FsChaCha20::new([9; 32]);
        let mut lengths_b = FsChaCha20::new([9; 32]);
        for i in 0..(3 * REKEY_INTERVAL + 5) {
            let mut out = Vec::new();
            let text = i.to_le_bytes();
            sealer.encrypt(b"", &text, &mut out);
            assert_eq!(opener.decrypt(b"", &out), Ok(text.to_vec()), "packet {i}");
            let mut length = [1u8, 2, 3];
            lengths_a.crypt(&mut length);
            lengths_b.crypt(&mut length);
            assert_eq!(length, [1, 2, 3], "chunk {i}");
        }
        assert_eq!(sealer.rekey_counter, 3);
        assert_eq!(lengths_a.rekey_counter, 3);
    }
}
