//! ECDSA signatures, as Bitcoin has used them since 2009.
//!
//! A signature is a pair `(r, s)` of numbers modulo the group order `n`. Three rules shape
//! how Bitcoin writes them:
//!
//! - **Deterministic nonces (RFC6979).** The per-signature secret nonce is derived from the
//!   key and the message; a reused or guessable nonce reveals the secret key.
//! - **Low S (BIP62/BIP146).** `(r, s)` and `(r, n - s)` are both valid; to stop anyone
//!   from changing a transaction's id by flipping `s`, only `s <= n/2` is standard.
//!   libsecp256k1 always signs with low `s`.
//! - **Strict DER (BIP66).** Signatures are DER-encoded `SEQUENCE { INTEGER r, INTEGER s }`,
//!   with no slack in the encoding. Core's wallet also grinds the nonce (adding a counter
//!   as extra entropy) until `r` is below 2^255, so that `r` needs no padding byte and the
//!   signature is at most 71 bytes, which makes fee estimates exact. [`sign`] does the same.
//!
//! References: RFC6979; BIP62, BIP66, BIP146; Core `src/key.cpp` (`CKey::Sign`,
//! `SigHasLowR`), `src/pubkey.cpp` (`ecdsa_signature_parse_der_lax`).

use core::fmt;

use secp256k1::SECP256K1;

use crate::key::{PublicKey, SecretKey};
use crate::{Error, Message};

/// An ECDSA signature (without the sighash byte that Bitcoin appends in scripts).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Signature(secp256k1::ecdsa::Signature);

impl Signature {
    /// Parses strict DER.
    pub fn from_der(der: &[u8]) -> Result<Signature, Error> {
        secp256k1::ecdsa::Signature::from_der(der)
            .map(Signature)
            .map_err(|_| Error::InvalidSignature)
    }

    /// Parses DER leniently, as Core does for signatures that predate BIP66.
    pub fn from_der_lax(der: &[u8]) -> Result<Signature, Error> {
        secp256k1::ecdsa::Signature::from_der_lax(der)
            .map(Signature)
            .map_err(|_| Error::InvalidSignature)
    }

    /// Parses the 64-byte `r || s` form.
    pub fn from_compact(bytes: &[u8]) -> Result<Signature, Error> {
        secp256k1::ecdsa::Signature::from_compact(bytes)
            .map(Signature)
            .map_err(|_| Error::InvalidSignature)
    }

    /// The DER encoding (at most 72 bytes; 71 for low-R signatures).
    pub fn to_der(&self) -> Vec<u8> {
        self.0.serialize_der().to_vec()
    }

    /// The 64-byte `r || s` form.
    pub fn to_compact(&self) -> [u8; 64] {
        self.0.serialize_compact()
    }

    /// True when `s <= n/2`.
    pub fn is_low_s(&self) -> bool {
        let mut normalized = self.0;
        normalized.normalize_s();
        normalized == self.0
    }

    /// The same signature with `s` replaced by `n - s` if it was high.
    pub fn normalize_s(&mut self) {
        self.0.normalize_s();
    }

    /// The libsecp256k1 value.
    pub fn as_secp(&self) -> &secp256k1::ecdsa::Signature {
        &self.0
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ecdsa::Signature({})", hex::encode(self.to_der()))
    }
}

/// Signs as Bitcoin Core's wallet does: RFC6979 nonce, low S, and low R by grinding.
pub fn sign(msg: &Message, key: &SecretKey) -> Signature {
    let msg = secp256k1::Message::from_digest(msg.to_byte_array());
    Signature(SECP256K1.sign_ecdsa_low_r(msg, key.inner()))
}

/// Signs like [`sign`], and makes sure the DER encoding is 70 bytes long, the size wallets
/// estimate fees with.
///
/// Low R and low S keep both integers under 2^255, so their DER encodings take at most 32
/// bytes; about one signature in 64 still has a leading zero byte in `r` or `s` and comes
/// out shorter. The first try is exactly [`sign`]'s signature (Core's); only in that rare
/// case does this try further nonces (RFC6979 with a counter as extra data), so that a
/// wallet's size estimate is exact, not merely an upper bound.
pub fn sign_full_length(msg: &Message, key: &SecretKey) -> Signature {
    let mut sig = sign(msg, key);
    let digest = secp256k1::Message::from_digest(msg.to_byte_array());
    let mut counter: u32 = 0;
    while sig.to_der().len() != 70 {
        counter = counter.wrapping_add(1);
        let mut extra = [0u8; 32];
        // Past the counters libsecp256k1's own low-R grinding uses.
        extra[..4].copy_from_slice(&counter.to_le_bytes());
        extra[4] = 0x5a;
        let candidate = SECP256K1.sign_ecdsa_with_noncedata(digest, key.inner(), &extra);
        sig = Signature(candidate);
    }
    sig
}

/// Signs with the plain RFC6979 nonce, without grinding (Core's `Sign(grind = false)`).
pub fn sign_without_grinding(msg: &Message, key: &SecretKey) -> Signature {
    let msg = secp256k1::Message::from_digest(msg.to_byte_array());
    Signature(SECP256K1.sign_ecdsa(msg, key.inner()))
}

/// Verifies a signature. libsecp256k1 rejects high-S signatures: callers that must accept
/// them (consensus before BIP146-style policy) normalise first, as Core does.
pub fn verify(msg: &Message, sig: &Signature, key: &PublicKey) -> Result<(), Error> {
    let msg = secp256k1::Message::from_digest(msg.to_byte_array());
    SECP256K1
        .verify_ecdsa(msg, &sig.0, key.as_secp())
        .map_err(|_| Error::IncorrectSignature)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_length_signatures_are_70_bytes_and_core_like_when_they_can_be() {
        let key = SecretKey::from_byte_array([7; 32]).expect("valid key");
        let mut ground = 0;
        for i in 0u32..4000 {
            let mut digest = [0u8; 32];
            digest[..4].copy_from_slice(&i.to_le_bytes());
            let msg = Message::from_digest(digest);
            let plain = sign(&msg, &key);
            let full = sign_full_length(&msg, &key);
            assert_eq!(full.to_der().len(), 70);
            assert!(full.is_low_s());
            verify(&msg, &full, &key.public_key()).expect("verifies");
            if plain.to_der().len() == 70 {
                assert_eq!(plain, full);
            } else {
                ground += 1;
            }
        }
        // About one in 64 needs more tries; 400 messages almost surely meet a few.
        assert!(ground > 0 && ground < 400, "{ground}");
    }
}
