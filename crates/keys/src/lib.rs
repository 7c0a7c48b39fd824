//! # sou-keys: who owns a coin
//!
//! Bitcoin has no accounts: a coin belongs to whoever can produce a signature its script
//! accepts. This crate holds the secret side of that (keys, and the HD wallets that derive
//! them from one seed) and the public side (public keys, signatures, addresses). Curve
//! arithmetic is libsecp256k1's, through the `secp256k1` crate, never hand-rolled.
//!
//! | module | what it holds |
//! | --- | --- |
//! | [`key`] | [`SecretKey`], [`Keypair`], [`PublicKey`] (which remembers whether it was compressed), [`PrivateKey`] (WIF) |
//! | [`ecdsa`] | signing (RFC6979 nonces, low S, and low R as Core's wallet grinds it) and verifying |
//! | [`schnorr`] | BIP340 signatures over messages of any length |
//! | [`taproot`] | BIP341 leaf, branch and tweak hashes, script trees, control blocks, tweaked keys for key-path signing |
//! | [`bip32`], [`bip39`] | extended keys and derivation paths; mnemonics with the English and French word lists, seeds |
//! | [`base58`], [`bech32`], [`address`] | Base58Check, Bech32 and Bech32m, and [`Address`] |
//!
//! [`NetworkKind`] tells mainnet from the test networks, which share WIF and BIP32
//! prefixes. [`Error`](enum@Error) is the crate's one error type, a variant per distinct
//! failure. Start with [`key`], then [`address`]; [`bip39`] and [`bip32`] are how a wallet
//! gets its keys (the `keys` example walks the whole way).
//!
//! What the crate promises:
//!
//! - Secret values ([`SecretKey`], [`Keypair`], [`PrivateKey`], [`bip32::Xpriv`],
//!   [`bip39::Mnemonic`], [`bip39::Seed`]) show `<redacted>` in debug output and overwrite
//!   their bytes when dropped; an `xprv` or WIF string is written only when asked for.
//! - Parsing an address takes the network expected, and refuses another network's address
//!   with [`Error::WrongNetwork`], distinct from checksum, case, version and length errors.
//! - The only contact with the outside is the operating system's random source (new keys,
//!   mnemonic entropy, Schnorr's auxiliary randomness); every function that draws from it
//!   has a twin that takes the bytes instead.
//!
//! ```
//! use sou_keys::{bip39::{Language, Mnemonic}, bip32::{DerivationPath, Xpriv}, Address, NetworkKind};
//! use sou_primitives::Network;
//!
//! let mnemonic = Mnemonic::parse_in(Language::English,
//!     "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about")?;
//! let master = Xpriv::new_master(NetworkKind::Main, mnemonic.to_seed("").as_bytes())?;
//! let path: DerivationPath = "m/84'/0'/0'/0/0".parse()?;
//! let key = master.derive_path(&path)?.secret_key.public_key();
//! assert_eq!(
//!     Address::p2wpkh(&key, Network::Mainnet)?.to_string(),
//!     "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu" // BIP84's first receiving address
//! );
//! # Ok::<(), sou_keys::Error>(())
//! ```

pub mod address;
pub mod base58;
pub mod bech32;
pub mod bip32;
pub mod bip39;
pub mod ecdsa;
pub mod key;
pub mod schnorr;
pub mod taproot;

use core::fmt;

pub use address::{Address, Payload};
pub use key::{Keypair, PrivateKey, PubkeyHash, PublicKey, ScriptHash, SecretKey};
pub use secp256k1::{Parity, XOnlyPublicKey};
use sou_primitives::network::{Network, Params};
use thiserror::Error;

/// The 32-byte digest a signature commits to (a sighash, BIP340 takes any length).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Message([u8; 32]);

impl Message {
    /// From a 32-byte digest.
    pub const fn from_digest(digest: [u8; 32]) -> Message {
        Message(digest)
    }

    /// The digest.
    pub const fn to_byte_array(self) -> [u8; 32] {
        self.0
    }
}

impl fmt::Debug for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Message({})", hex::encode(self.0))
    }
}

/// Mainnet or the test networks, which share WIF and BIP32 prefixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NetworkKind {
    /// Mainnet (`xprv`, WIF prefix 128).
    Main,
    /// Testnet3, testnet4, signet and regtest (`tprv`, WIF prefix 239).
    Test,
}

impl NetworkKind {
    /// Which kind a network is.
    pub fn of(network: Network) -> NetworkKind {
        match network {
            Network::Mainnet => NetworkKind::Main,
            _ => NetworkKind::Test,
        }
    }

    /// Parameters of a network of this kind (for its shared prefixes).
    pub fn params(self) -> &'static Params {
        match self {
            NetworkKind::Main => Network::Mainnet.params(),
            NetworkKind::Test => Network::Testnet3.params(),
        }
    }
}

/// Everything that can go wrong with keys, signatures and their encodings.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Error {
    /// A secret key is zero or not below the group order.
    #[error("secret key out of range: must be in [1, n)")]
    InvalidSecretKey,
    /// Bytes that are not a point on secp256k1 in a known encoding.
    #[error("invalid public key")]
    InvalidPublicKey,
    /// Bytes that are not a signature in the expected encoding.
    #[error("invalid signature encoding")]
    InvalidSignature,
    /// A signature that does not verify.
    #[error("signature does not verify")]
    IncorrectSignature,
    /// The operating system gave no randomness.
    #[error("no randomness available from the operating system")]
    NoRandomness,
    /// A tweak at or above the group order, or a tweak that cancels the key.
    #[error("invalid taproot tweak")]
    InvalidTweak,
    /// A control block of the wrong size.
    #[error("invalid control block length {len}: 33 + 32·k bytes with k <= 128")]
    InvalidControlBlock {
        /// Its length.
        len: usize,
    },

    /// A character outside the Base58 alphabet.
    #[error("invalid base58 character {character:?} at position {position}")]
    InvalidBase58Character {
        /// The character.
        character: char,
        /// Its byte offset.
        position: usize,
    },
    /// Base58Check data shorter than its checksum.
    #[error("base58check data too short: {len} bytes")]
    Base58TooShort {
        /// Decoded length.
        len: usize,
    },
    /// A Base58Check checksum mismatch: a typo.
    #[error("base58 checksum mismatch")]
    Base58Checksum,
    /// A Base58 address whose payload is not 21 bytes.
    #[error("base58 address payload of {len} bytes, expected 21")]
    InvalidBase58PayloadLength {
        /// Payload length.
        len: usize,
    },
    /// A Base58 version byte that no network uses for addresses.
    #[error("unknown address version byte {prefix}")]
    UnknownAddressPrefix {
        /// The version byte.
        prefix: u8,
    },
    /// A WIF or other Base58 version byte of another network.
    #[error("version byte {prefix} belongs to another network")]
    WrongNetworkPrefix {
        /// The version byte.
        prefix: u8,
    },
    /// A WIF payload of the wrong length or compression flag.
    #[error("invalid WIF payload of {len} bytes")]
    InvalidWifLength {
        /// Payload length.
        len: usize,
    },
    /// An address of another network.
    #[error("address belongs to another network, not {expected}")]
    WrongNetwork {
        /// The network asked for.
        expected: Network,
    },

    /// A Bech32 string over 90 characters.
    #[error("bech32 string of {len} characters exceeds 90")]
    Bech32TooLong {
        /// Its length.
        len: usize,
    },
    /// A character out of range or not in the Bech32 alphabet.
    #[error("invalid bech32 character at position {position}")]
    Bech32InvalidCharacter {
        /// Its byte offset.
        position: usize,
    },
    /// Upper and lower case mixed.
    #[error("bech32 string mixes upper and lower case")]
    Bech32MixedCase,
    /// No `1` separator.
    #[error("bech32 string has no separator")]
    Bech32MissingSeparator,
    /// Nothing before the separator.
    #[error("bech32 string has an empty human-readable part")]
    Bech32EmptyHrp,
    /// Fewer than 6 characters after the separator.
    #[error("bech32 checksum too short")]
    Bech32ChecksumTooShort,
    /// Neither checksum matches: a typo.
    #[error("bech32 checksum mismatch")]
    Bech32Checksum,
    /// No witness version after the separator.
    #[error("bech32 address has no data")]
    Bech32EmptyData,
    /// Padding bits over 4 or not zero when regrouping 5-bit data into bytes.
    #[error("invalid bech32 padding")]
    Bech32InvalidPadding,
    /// A human-readable part of no known network.
    #[error("human-readable part {found:?}, expected {expected:?}")]
    WrongHrp {
        /// The network's HRP.
        expected: String,
        /// The one found.
        found: String,
    },
    /// A witness version above 16.
    #[error("invalid witness version {version}")]
    InvalidWitnessVersion {
        /// The version.
        version: u8,
    },
    /// A witness program of a length BIP141 forbids.
    #[error("invalid witness program length {len} for version {version}")]
    InvalidWitnessProgramLength {
        /// The version.
        version: u8,
        /// The length.
        len: usize,
    },
    /// Bech32 where Bech32m is required, or the reverse (BIP350).
    #[error("witness version {version} must not use {found:?}")]
    WrongChecksumVariant {
        /// The version.
        version: u8,
        /// The checksum variant found.
        found: bech32::Variant,
    },
    /// A script of no standard address type.
    #[error("script has no address form")]
    NoAddressForScript,
    /// An uncompressed key where segwit requires compressed ones.
    #[error("segwit v0 requires a compressed public key")]
    UncompressedKeyInWitness,

    /// A child index of 2^31 or more given as a plain index.
    #[error("child index {index} out of range: must be below 2^31")]
    InvalidChildNumber {
        /// The index.
        index: u32,
    },
    /// A path that is not `m` followed by `/index` or `/index'` steps.
    #[error("invalid derivation path {path:?}")]
    InvalidDerivationPath {
        /// The text.
        path: String,
    },
    /// Hardened derivation asked of a public key.
    #[error("cannot derive hardened child {child:#x} from a public key")]
    HardenedFromPublic {
        /// The child number.
        child: u32,
    },
    /// A derived key out of range (probability below 2^-127).
    #[error("derived key out of range; use the next index")]
    InvalidDerivedKey,
    /// Depth beyond 255.
    #[error("derivation depth beyond 255")]
    DepthOverflow,
    /// An extended key not 78 bytes long.
    #[error("extended key of {len} bytes, expected 78")]
    InvalidExtendedKeyLength {
        /// Its length.
        len: usize,
    },
    /// Version bytes of no known extended key type.
    #[error("unknown extended key version {version:02x?}")]
    UnknownExtendedKeyVersion {
        /// The version bytes.
        version: [u8; 4],
    },
    /// Key data whose first byte does not match the version (public or private).
    #[error("extended key data starts with {prefix:#04x}, which does not match its version")]
    ExtendedKeyPrefixMismatch {
        /// The first byte of the key data.
        prefix: u8,
    },
    /// A master key (depth 0) naming a parent.
    #[error("zero depth with non-zero parent fingerprint")]
    ZeroDepthWithParent,
    /// A master key (depth 0) with a child index.
    #[error("zero depth with non-zero index")]
    ZeroDepthWithIndex,
    /// An `xpub` where an `xprv` was expected.
    #[error("expected an extended private key")]
    ExpectedPrivateKey,
    /// An `xprv` where an `xpub` was expected.
    #[error("expected an extended public key")]
    ExpectedPublicKey,

    /// Entropy not 128 to 256 bits in steps of 32.
    #[error("entropy of {bits} bits: must be 128, 160, 192, 224 or 256")]
    InvalidEntropyLength {
        /// Its size.
        bits: usize,
    },
    /// A phrase not 12, 15, 18, 21 or 24 words long.
    #[error("{count} words: a mnemonic has 12, 15, 18, 21 or 24")]
    InvalidWordCount {
        /// Words found.
        count: usize,
    },
    /// A word not in the word list.
    #[error("word {position} ({word:?}) is not in the word list")]
    UnknownWord {
        /// The word.
        word: String,
        /// Its position, from 1.
        position: usize,
    },
    /// The words are all known but their checksum does not match: a word is wrong.
    #[error("mnemonic checksum mismatch: a word is wrong or misplaced")]
    MnemonicChecksum,
}
