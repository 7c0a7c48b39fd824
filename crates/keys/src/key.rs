//! Keys: a secret number and the public point it makes.
//!
//! A secret key is a number `k` between 1 and the order `n` of the secp256k1 group; its
//! public key is the point `k·G`. Going from `k` to `k·G` is cheap, going back is believed
//! impossible: that asymmetry is all that "owning" bitcoin means. Public keys are written
//! *compressed* (33 bytes: `02`/`03` for the parity of y, then x) or, in old outputs,
//! *uncompressed* (65 bytes: `04`, x, y); the two forms hash to different addresses, so a
//! key remembers which one it was given in. Taproot (BIP340) uses *x-only* keys: 32 bytes,
//! y implicitly even.
//!
//! All curve arithmetic is libsecp256k1's (through the `secp256k1` crate). Secret values
//! never print: [`SecretKey`] and [`Keypair`] show `<redacted>` and overwrite their bytes
//! when dropped.
//!
//! References: SEC 1 §2.3.3 (point encoding); Core `src/key.h` (`CKey`), `src/pubkey.h`
//! (`CPubKey`), `src/key_io.cpp` (`EncodeSecret`, `DecodeSecret`).

use core::fmt;
use core::str::FromStr;

use secp256k1::{Parity, XOnlyPublicKey, SECP256K1};
use sou_primitives::hashes::hash160;
use sou_primitives::network::Params;

use crate::{base58, Error, NetworkKind};

/// A secret key: a number in `[1, n)`.
pub struct SecretKey(secp256k1::SecretKey);

impl SecretKey {
    /// From 32 big-endian bytes, if they are in range.
    pub fn from_byte_array(bytes: [u8; 32]) -> Result<SecretKey, Error> {
        secp256k1::SecretKey::from_byte_array(bytes)
            .map(SecretKey)
            .map_err(|_| Error::InvalidSecretKey)
    }

    /// From a 32-byte slice.
    pub fn from_slice(bytes: &[u8]) -> Result<SecretKey, Error> {
        let array: [u8; 32] = bytes.try_into().map_err(|_| Error::InvalidSecretKey)?;
        SecretKey::from_byte_array(array)
    }

    /// A new key from the operating system's random source.
    pub fn generate() -> Result<SecretKey, Error> {
        loop {
            let mut bytes = zeroize::Zeroizing::new([0u8; 32]);
            getrandom::getrandom(bytes.as_mut()).map_err(|_| Error::NoRandomness)?;
            // Out of range with probability about 2^-128: draw again.
            if let Ok(key) = SecretKey::from_byte_array(*bytes) {
                return Ok(key);
            }
        }
    }

    /// The 32 secret bytes. Handle with care: the caller owns this copy.
    pub fn secret_bytes(&self) -> [u8; 32] {
        self.0.secret_bytes()
    }

    /// The compressed public key `k·G`.
    pub fn public_key(&self) -> PublicKey {
        PublicKey {
            inner: self.0.public_key(SECP256K1),
            compressed: true,
        }
    }

    /// The key pair, for Schnorr signing (computes `k·G` once).
    pub fn keypair(&self) -> Keypair {
        Keypair(self.0.keypair(SECP256K1))
    }

    pub(crate) fn inner(&self) -> &secp256k1::SecretKey {
        &self.0
    }

    pub(crate) fn from_inner(inner: secp256k1::SecretKey) -> SecretKey {
        SecretKey(inner)
    }
}

impl Clone for SecretKey {
    fn clone(&self) -> SecretKey {
        SecretKey(self.0)
    }
}

impl PartialEq for SecretKey {
    /// Compares in constant time (libsecp256k1's comparison).
    fn eq(&self, other: &SecretKey) -> bool {
        self.0.eq(&other.0)
    }
}

impl Eq for SecretKey {}

impl Drop for SecretKey {
    fn drop(&mut self) {
        // Best effort: copies the compiler made may survive elsewhere.
        self.0.non_secure_erase();
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

/// A secret key with its public key computed, as Schnorr signing needs both.
pub struct Keypair(secp256k1::Keypair);

impl Keypair {
    /// The secret key.
    pub fn secret_key(&self) -> SecretKey {
        SecretKey(self.0.secret_key())
    }

    /// The x-only public key (BIP340) and the parity of the full point's y.
    pub fn x_only_public_key(&self) -> (XOnlyPublicKey, Parity) {
        self.0.x_only_public_key()
    }

    /// The full public key, compressed.
    pub fn public_key(&self) -> PublicKey {
        PublicKey {
            inner: self.0.public_key(),
            compressed: true,
        }
    }

    pub(crate) fn inner(&self) -> &secp256k1::Keypair {
        &self.0
    }

    pub(crate) fn from_inner(inner: secp256k1::Keypair) -> Keypair {
        Keypair(inner)
    }
}

impl Clone for Keypair {
    fn clone(&self) -> Keypair {
        Keypair(self.0)
    }
}

impl Drop for Keypair {
    fn drop(&mut self) {
        self.0.non_secure_erase();
    }
}

impl fmt::Debug for Keypair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Keypair({}, <redacted>)", self.0.x_only_public_key().0)
    }
}

/// A public key, remembering whether it was compressed.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PublicKey {
    inner: secp256k1::PublicKey,
    compressed: bool,
}

impl PublicKey {
    /// Parses a SEC 1 encoding: 33 bytes compressed, or 65 bytes uncompressed (also the
    /// `06`/`07` "hybrid" form that libsecp256k1 and Core accept).
    pub fn from_slice(bytes: &[u8]) -> Result<PublicKey, Error> {
        let inner = secp256k1::PublicKey::from_slice(bytes).map_err(|_| Error::InvalidPublicKey)?;
        Ok(PublicKey {
            inner,
            compressed: bytes.len() == 33,
        })
    }

    /// A compressed key from a secp256k1 point.
    pub fn from_secp(inner: secp256k1::PublicKey) -> PublicKey {
        PublicKey {
            inner,
            compressed: true,
        }
    }

    /// True for the 33-byte form.
    pub fn is_compressed(&self) -> bool {
        self.compressed
    }

    /// The same point, compressed.
    pub fn compressed(self) -> PublicKey {
        PublicKey {
            compressed: true,
            ..self
        }
    }

    /// The same point, uncompressed.
    pub fn uncompressed(self) -> PublicKey {
        PublicKey {
            compressed: false,
            ..self
        }
    }

    /// The encoding this key was given in (33 or 65 bytes).
    pub fn to_bytes(&self) -> Vec<u8> {
        if self.compressed {
            self.inner.serialize().to_vec()
        } else {
            self.inner.serialize_uncompressed().to_vec()
        }
    }

    /// The 33-byte compressed encoding.
    pub fn serialize_compressed(&self) -> [u8; 33] {
        self.inner.serialize()
    }

    /// `hash160` of the encoding: what P2PKH and P2WPKH outputs commit to.
    pub fn pubkey_hash(&self) -> PubkeyHash {
        PubkeyHash(hash160(&self.to_bytes()))
    }

    /// The x-only key (BIP340) and the parity of y.
    pub fn x_only_public_key(&self) -> (XOnlyPublicKey, Parity) {
        self.inner.x_only_public_key()
    }

    /// The underlying secp256k1 point.
    pub fn as_secp(&self) -> &secp256k1::PublicKey {
        &self.inner
    }
}

impl fmt::Display for PublicKey {
    /// Hex of the encoding.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.to_bytes() {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({self})")
    }
}

impl FromStr for PublicKey {
    type Err = Error;
    fn from_str(s: &str) -> Result<PublicKey, Error> {
        let bytes = hex::decode(s).map_err(|_| Error::InvalidPublicKey)?;
        PublicKey::from_slice(&bytes)
    }
}

/// `hash160` of a public key (P2PKH, P2WPKH).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PubkeyHash(pub [u8; 20]);

/// `hash160` of a script (P2SH).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ScriptHash(pub [u8; 20]);

macro_rules! hex_debug {
    ($($name:ident),*) => {$(
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), hex::encode(self.0))
            }
        }
    )*};
}
hex_debug!(PubkeyHash, ScriptHash);

/// A secret key as a wallet exports it: with the network it is for and whether its public
/// key is compressed (Core's `CKey` with `fCompressed`).
#[derive(Clone, PartialEq, Eq)]
pub struct PrivateKey {
    /// The secret.
    pub secret: SecretKey,
    /// Whether addresses use the compressed public key.
    pub compressed: bool,
    /// Mainnet or a test network (WIF cannot tell the test networks apart).
    pub network: NetworkKind,
}

impl PrivateKey {
    /// The public key, in the form this key was exported with.
    pub fn public_key(&self) -> PublicKey {
        let pk = self.secret.public_key();
        if self.compressed {
            pk
        } else {
            pk.uncompressed()
        }
    }

    /// Wallet Import Format: Base58Check of the network's prefix, the 32 secret bytes,
    /// and `01` if the public key is compressed.
    pub fn to_wif(&self) -> String {
        let mut payload = zeroize::Zeroizing::new(Vec::with_capacity(34));
        payload.push(self.network.params().addresses.wif_prefix);
        payload.extend_from_slice(&self.secret.secret_bytes());
        if self.compressed {
            payload.push(0x01);
        }
        base58::encode_check(&payload)
    }

    /// Parses WIF for the given network (Core `DecodeSecret`).
    pub fn from_wif(wif: &str, params: &Params) -> Result<PrivateKey, Error> {
        let payload = zeroize::Zeroizing::new(base58::decode_check(wif)?);
        let (&prefix, rest) = payload
            .split_first()
            .ok_or(Error::InvalidWifLength { len: 0 })?;
        if prefix != params.addresses.wif_prefix {
            return Err(Error::WrongNetworkPrefix { prefix });
        }
        let (secret, compressed) = match rest {
            [secret @ .., 0x01] if secret.len() == 32 => (secret, true),
            secret if secret.len() == 32 => (secret, false),
            _ => return Err(Error::InvalidWifLength { len: payload.len() }),
        };
        Ok(PrivateKey {
            secret: SecretKey::from_slice(secret)?,
            compressed,
            network: NetworkKind::of(params.network),
        })
    }
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "PrivateKey({:?}, compressed: {}, <redacted>)",
            self.network, self.compressed
        )
    }
}
