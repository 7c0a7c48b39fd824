//! Hierarchical deterministic wallets (BIP32): a tree of keys from one seed.
//!
//! Backing up every new key is impractical, so wallets derive all their keys from one
//! secret seed. A BIP32 *extended key* is a key plus a 32-byte *chain code*. Child `i` of
//! an extended key is computed with HMAC-SHA512 keyed by the chain code:
//!
//! ```text
//!   I = HMAC-SHA512(c_par, 0x00 || k_par || i)    hardened  (i >= 2^31): needs the secret
//!   I = HMAC-SHA512(c_par, K_par || i)            normal    (i <  2^31): the public key suffices
//!   k_i = I_L + k_par (mod n),   K_i = I_L·G + K_par,   c_i = I_R
//! ```
//!
//! Normal derivation lets a watch-only wallet holding an `xpub` compute every receiving
//! address without any secret. Hardened derivation cuts that link: a leaked child secret
//! plus the parent `xpub` would otherwise reveal the parent secret. Paths such as
//! `m/84'/0'/0'/0/1` (BIP84: purpose, coin, account, change, index) name positions in the
//! tree; `'` or `h` marks a hardened step.
//!
//! References: BIP32 "Key derivation", "Serialization format"; BIP84, BIP86 (paths);
//! Core `src/key.cpp` (`CExtKey::Derive`), `src/pubkey.cpp` (`CExtPubKey::Derive`).

use core::fmt;
use core::str::FromStr;

use hmac::{Hmac, Mac};
use secp256k1::{Scalar, SECP256K1};
use sha2::Sha512;
use sou_primitives::hashes::hash160;
use zeroize::{Zeroize, Zeroizing};

use crate::key::{PublicKey, SecretKey};
use crate::{base58, Error, NetworkKind};

/// Index of a child; from 2^31 on, hardened.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ChildNumber(u32);

impl ChildNumber {
    /// The first hardened index.
    pub const HARDENED: u32 = 0x8000_0000;

    /// Normal child `index` (below 2^31).
    pub fn normal(index: u32) -> Result<ChildNumber, Error> {
        if index >= Self::HARDENED {
            return Err(Error::InvalidChildNumber { index });
        }
        Ok(ChildNumber(index))
    }

    /// Hardened child `index` (below 2^31; stored as `index + 2^31`).
    pub fn hardened(index: u32) -> Result<ChildNumber, Error> {
        if index >= Self::HARDENED {
            return Err(Error::InvalidChildNumber { index });
        }
        Ok(ChildNumber(index | Self::HARDENED))
    }

    /// From the 32-bit value as serialised.
    pub const fn from_u32(value: u32) -> ChildNumber {
        ChildNumber(value)
    }

    /// The 32-bit value as serialised.
    pub const fn to_u32(self) -> u32 {
        self.0
    }

    /// True from 2^31 on.
    pub const fn is_hardened(self) -> bool {
        self.0 >= Self::HARDENED
    }
}

impl fmt::Display for ChildNumber {
    /// `5` or `5'`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_hardened() {
            write!(f, "{}'", self.0 & !Self::HARDENED)
        } else {
            write!(f, "{}", self.0)
        }
    }
}

impl fmt::Debug for ChildNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ChildNumber({self})")
    }
}

/// A path from the master key, e.g. `m/84'/0'/0'/0/1`.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct DerivationPath(Vec<ChildNumber>);

impl DerivationPath {
    /// The steps.
    pub fn as_slice(&self) -> &[ChildNumber] {
        &self.0
    }

    /// This path with one more step.
    pub fn child(&self, step: ChildNumber) -> DerivationPath {
        let mut steps = self.0.clone();
        steps.push(step);
        DerivationPath(steps)
    }
}

impl From<Vec<ChildNumber>> for DerivationPath {
    fn from(steps: Vec<ChildNumber>) -> Self {
        DerivationPath(steps)
    }
}

impl FromStr for DerivationPath {
    type Err = Error;

    /// Parses `m/44'/0'/0'/0/7`; `'`, `h` and `H` all mark hardened steps.
    fn from_str(s: &str) -> Result<DerivationPath, Error> {
        let bad = || Error::InvalidDerivationPath { path: s.to_owned() };
        let mut parts = s.split('/');
        if parts.next() != Some("m") {
            return Err(bad());
        }
        let mut steps = Vec::new();
        for part in parts {
            let (digits, hardened) = match part.strip_suffix(['\'', 'h', 'H']) {
                Some(d) => (d, true),
                None => (part, false),
            };
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            let index: u32 = digits.parse().map_err(|_| bad())?;
            let step = if hardened {
                ChildNumber::hardened(index)
            } else {
                ChildNumber::normal(index)
            };
            steps.push(step.map_err(|_| bad())?);
        }
        Ok(DerivationPath(steps))
    }
}

impl fmt::Display for DerivationPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("m")?;
        for step in &self.0 {
            write!(f, "/{step}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for DerivationPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DerivationPath({self})")
    }
}

/// The first 4 bytes of `hash160` of a public key, naming a parent in serialised keys.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Fingerprint(pub [u8; 4]);

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({self})")
    }
}

/// A chain code: the 32 bytes that, with a key, make an extended key.
#[derive(Clone, PartialEq, Eq)]
pub struct ChainCode([u8; 32]);

impl ChainCode {
    /// The bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl Drop for ChainCode {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for ChainCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ChainCode(<redacted>)")
    }
}

/// An extended private key (`xprv`/`tprv`).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Xpriv {
    /// Mainnet or test networks (they share version bytes).
    pub network: NetworkKind,
    /// 0 for the master key.
    pub depth: u8,
    /// The parent's fingerprint (zero for the master key).
    pub parent_fingerprint: Fingerprint,
    /// Which child of its parent this key is.
    pub child_number: ChildNumber,
    /// The chain code.
    pub chain_code: ChainCode,
    /// The secret key.
    pub secret_key: SecretKey,
}

/// An extended public key (`xpub`/`tpub`).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Xpub {
    /// Mainnet or test networks.
    pub network: NetworkKind,
    /// 0 for the master key.
    pub depth: u8,
    /// The parent's fingerprint.
    pub parent_fingerprint: Fingerprint,
    /// Which child of its parent this key is.
    pub child_number: ChildNumber,
    /// The chain code.
    pub chain_code: ChainCode,
    /// The public key (compressed).
    pub public_key: PublicKey,
}

type HmacSha512 = Hmac<Sha512>;

/// HMAC-SHA512, split into the key half `I_L` and the chain-code half `I_R`.
fn hmac_split(key: &[u8], data: &[&[u8]]) -> (Zeroizing<[u8; 32]>, ChainCode) {
    // HMAC accepts keys of any length: `new_from_slice` cannot fail for it.
    let mut mac = match HmacSha512::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC takes keys of any length"),
    };
    for part in data {
        mac.update(part);
    }
    let mut out = Zeroizing::new([0u8; 64]);
    out.copy_from_slice(&mac.finalize().into_bytes());
    let mut left = Zeroizing::new([0u8; 32]);
    left.copy_from_slice(&out[..32]);
    let mut right = [0u8; 32];
    right.copy_from_slice(&out[32..]);
    (left, ChainCode(right))
}

impl Xpriv {
    /// The master key of a seed: `HMAC-SHA512("Bitcoin seed", seed)`.
    pub fn new_master(network: NetworkKind, seed: &[u8]) -> Result<Xpriv, Error> {
        let (il, chain_code) = hmac_split(b"Bitcoin seed", &[seed]);
        Ok(Xpriv {
            network,
            depth: 0,
            parent_fingerprint: Fingerprint::default(),
            child_number: ChildNumber(0),
            chain_code,
            // I_L out of range has probability below 2^-127; BIP32 calls that seed invalid.
            secret_key: SecretKey::from_byte_array(*il).map_err(|_| Error::InvalidDerivedKey)?,
        })
    }

    /// The public extended key.
    pub fn to_xpub(&self) -> Xpub {
        Xpub {
            network: self.network,
            depth: self.depth,
            parent_fingerprint: self.parent_fingerprint,
            child_number: self.child_number,
            chain_code: self.chain_code.clone(),
            public_key: self.secret_key.public_key(),
        }
    }

    /// This key's fingerprint.
    pub fn fingerprint(&self) -> Fingerprint {
        fingerprint_of(&self.secret_key.public_key())
    }

    /// Child `child` (BIP32 `CKDpriv`).
    pub fn derive_child(&self, child: ChildNumber) -> Result<Xpriv, Error> {
        let index = child.0.to_be_bytes();
        let (il, chain_code) = if child.is_hardened() {
            let secret = Zeroizing::new(self.secret_key.secret_bytes());
            hmac_split(self.chain_code.as_bytes(), &[&[0], secret.as_ref(), &index])
        } else {
            let public = self.secret_key.public_key().serialize_compressed();
            hmac_split(self.chain_code.as_bytes(), &[&public, &index])
        };
        let tweak = Scalar::from_be_bytes(*il).map_err(|_| Error::InvalidDerivedKey)?;
        let secret = (*self.secret_key.inner())
            .add_tweak(&tweak)
            .map_err(|_| Error::InvalidDerivedKey)?;
        Ok(Xpriv {
            network: self.network,
            depth: self.depth.checked_add(1).ok_or(Error::DepthOverflow)?,
            parent_fingerprint: self.fingerprint(),
            child_number: child,
            chain_code,
            secret_key: SecretKey::from_inner(secret),
        })
    }

    /// The key at `path` below this one.
    pub fn derive_path(&self, path: &DerivationPath) -> Result<Xpriv, Error> {
        path.as_slice()
            .iter()
            .try_fold(self.clone(), |key, &step| key.derive_child(step))
    }

    /// The 78-byte serialisation.
    fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        let mut key = [0u8; 33];
        key[1..].copy_from_slice(&self.secret_key.secret_bytes());
        let out = serialize(
            self.network.params().addresses.xprv_prefix,
            self.depth,
            self.parent_fingerprint,
            self.child_number,
            &self.chain_code,
            &key,
        );
        key.zeroize();
        out
    }
}

impl fmt::Display for Xpriv {
    /// The Base58Check `xprv...`/`tprv...` string.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&base58::encode_check(&self.to_bytes()))
    }
}

impl FromStr for Xpriv {
    type Err = Error;
    fn from_str(s: &str) -> Result<Xpriv, Error> {
        match decode_extended(s)? {
            Extended::Private(k) => Ok(k),
            Extended::Public(_) => Err(Error::ExpectedPrivateKey),
        }
    }
}

impl Xpub {
    /// This key's fingerprint.
    pub fn fingerprint(&self) -> Fingerprint {
        fingerprint_of(&self.public_key)
    }

    /// Child `child` (BIP32 `CKDpub`); hardened children need the private key.
    pub fn derive_child(&self, child: ChildNumber) -> Result<Xpub, Error> {
        if child.is_hardened() {
            return Err(Error::HardenedFromPublic { child: child.0 });
        }
        let public = self.public_key.serialize_compressed();
        let (il, chain_code) = hmac_split(
            self.chain_code.as_bytes(),
            &[&public, &child.0.to_be_bytes()],
        );
        let tweak = Scalar::from_be_bytes(*il).map_err(|_| Error::InvalidDerivedKey)?;
        let point = self
            .public_key
            .as_secp()
            .add_exp_tweak(SECP256K1, &tweak)
            .map_err(|_| Error::InvalidDerivedKey)?;
        Ok(Xpub {
            network: self.network,
            depth: self.depth.checked_add(1).ok_or(Error::DepthOverflow)?,
            parent_fingerprint: self.fingerprint(),
            child_number: child,
            chain_code,
            public_key: PublicKey::from_secp(point),
        })
    }

    /// The key at `path` below this one (no hardened steps).
    pub fn derive_path(&self, path: &DerivationPath) -> Result<Xpub, Error> {
        path.as_slice()
            .iter()
            .try_fold(self.clone(), |key, &step| key.derive_child(step))
    }
}

impl fmt::Display for Xpub {
    /// The Base58Check `xpub...`/`tpub...` string.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bytes = serialize(
            self.network.params().addresses.xpub_prefix,
            self.depth,
            self.parent_fingerprint,
            self.child_number,
            &self.chain_code,
            &self.public_key.serialize_compressed(),
        );
        f.write_str(&base58::encode_check(&bytes))
    }
}

impl FromStr for Xpub {
    type Err = Error;
    fn from_str(s: &str) -> Result<Xpub, Error> {
        match decode_extended(s)? {
            Extended::Public(k) => Ok(k),
            Extended::Private(_) => Err(Error::ExpectedPublicKey),
        }
    }
}

fn fingerprint_of(key: &PublicKey) -> Fingerprint {
    let h = hash160(&key.serialize_compressed());
    Fingerprint([h[0], h[1], h[2], h[3]])
}

/// version(4) depth(1) parent fingerprint(4) child number(4) chain code(32) key(33).
fn serialize(
    version: [u8; 4],
    depth: u8,
    parent: Fingerprint,
    child: ChildNumber,
    chain_code: &ChainCode,
    key: &[u8; 33],
) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(78));
    out.extend_from_slice(&version);
    out.push(depth);
    out.extend_from_slice(&parent.0);
    out.extend_from_slice(&child.0.to_be_bytes());
    out.extend_from_slice(chain_code.as_bytes());
    out.extend_from_slice(key);
    out
}

/// Either kind of extended key, as parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Extended {
    /// An `xprv`/`tprv`.
    Private(Xpriv),
    /// An `xpub`/`tpub`.
    Public(Xpub),
}

/// Parses any extended key, checking everything BIP32's test vector 5 lists.
pub fn decode_extended(s: &str) -> Result<Extended, Error> {
    let data = Zeroizing::new(base58::decode_check(s)?);
    if data.len() != 78 {
        return Err(Error::InvalidExtendedKeyLength { len: data.len() });
    }
    let version: [u8; 4] = [data[0], data[1], data[2], data[3]];
    let (network, private) = [NetworkKind::Main, NetworkKind::Test]
        .into_iter()
        .find_map(|n| {
            let a = n.params().addresses;
            if version == a.xprv_prefix {
                Some((n, true))
            } else if version == a.xpub_prefix {
                Some((n, false))
            } else {
                None
            }
        })
        .ok_or(Error::UnknownExtendedKeyVersion { version })?;
    let depth = data[4];
    let parent_fingerprint = Fingerprint([data[5], data[6], data[7], data[8]]);
    let child_number = ChildNumber(u32::from_be_bytes([data[9], data[10], data[11], data[12]]));
    if depth == 0 && parent_fingerprint != Fingerprint::default() {
        return Err(Error::ZeroDepthWithParent);
    }
    if depth == 0 && child_number.0 != 0 {
        return Err(Error::ZeroDepthWithIndex);
    }
    let mut chain = [0u8; 32];
    chain.copy_from_slice(&data[13..45]);
    let chain_code = ChainCode(chain);
    let key = &data[45..78];
    if private {
        if key[0] != 0 {
            return Err(Error::ExtendedKeyPrefixMismatch { prefix: key[0] });
        }
        Ok(Extended::Private(Xpriv {
            network,
            depth,
            parent_fingerprint,
            child_number,
            chain_code,
            secret_key: SecretKey::from_slice(&key[1..])?,
        }))
    } else {
        if key[0] != 2 && key[0] != 3 {
            return Err(Error::ExtendedKeyPrefixMismatch { prefix: key[0] });
        }
        Ok(Extended::Public(Xpub {
            network,
            depth,
            parent_fingerprint,
            child_number,
            chain_code,
            public_key: PublicKey::from_slice(key)?,
        }))
    }
}
