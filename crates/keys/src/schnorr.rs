//! Schnorr signatures (BIP340), used by taproot.
//!
//! A BIP340 signature is 64 bytes: the x coordinate of the nonce point `R` and a scalar `s`,
//! over a message of any length. Keys are x-only (32 bytes, y taken even), and every hash
//! in the scheme is tagged (`BIP0340/aux`, `BIP0340/nonce`, `BIP0340/challenge`) so that
//! it cannot collide with a hash made for another purpose. Signing mixes 32 bytes of
//! auxiliary randomness into the nonce: fresh randomness protects against side channels,
//! while all zeros still give a safe deterministic signature.
//!
//! References: BIP340 "Default Signing", "Verification"; libsecp256k1 `schnorrsig`.

use core::fmt;

use secp256k1::{XOnlyPublicKey, SECP256K1};

use crate::key::Keypair;
use crate::Error;

/// A BIP340 signature.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Signature(secp256k1::schnorr::Signature);

impl Signature {
    /// From its 64 bytes (any bytes parse; verification decides).
    pub fn from_byte_array(bytes: [u8; 64]) -> Signature {
        Signature(secp256k1::schnorr::Signature::from_byte_array(bytes))
    }

    /// From a 64-byte slice.
    pub fn from_slice(bytes: &[u8]) -> Result<Signature, Error> {
        let array: [u8; 64] = bytes.try_into().map_err(|_| Error::InvalidSignature)?;
        Ok(Signature::from_byte_array(array))
    }

    /// The 64 bytes.
    pub fn to_byte_array(&self) -> [u8; 64] {
        self.0.to_byte_array()
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "schnorr::Signature({})",
            hex::encode(self.to_byte_array())
        )
    }
}

/// Signs `msg` (any length) with BIP340's default signing algorithm.
pub fn sign(msg: &[u8], keypair: &Keypair, aux_rand: &[u8; 32]) -> Signature {
    Signature(SECP256K1.sign_schnorr_with_aux_rand(msg, keypair.inner(), aux_rand))
}

/// Signs with fresh auxiliary randomness from the operating system.
pub fn sign_random(msg: &[u8], keypair: &Keypair) -> Result<Signature, Error> {
    let mut aux = [0u8; 32];
    getrandom::getrandom(&mut aux).map_err(|_| Error::NoRandomness)?;
    Ok(sign(msg, keypair, &aux))
}

/// Verifies a BIP340 signature.
pub fn verify(sig: &Signature, msg: &[u8], key: &XOnlyPublicKey) -> Result<(), Error> {
    SECP256K1
        .verify_schnorr(&sig.0, msg, key)
        .map_err(|_| Error::IncorrectSignature)
}
