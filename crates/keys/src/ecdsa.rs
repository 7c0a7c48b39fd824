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
