//! Why a descriptor was refused: one [`Error`] variant for each of Core's messages, the
//! text word for word.
//!
//! References: Core `src/script/descriptor.cpp` (the `error` strings of `CheckChecksum`,
//! `ParseScript`, `ParsePubkey`, `ParsePubkeyInner`).

use thiserror::Error;

/// Why a descriptor was refused. The messages are Core's, word for word, so that RPCs
/// such as `generatetodescriptor` can pass them on.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Error {
    /// More than one `#`.
    #[error("Multiple '#' symbols")]
    MultipleHashSymbols,
    /// No checksum where one is required.
    #[error("Missing checksum")]
    MissingChecksum,
    /// A checksum that is not 8 characters long.
    #[error("Expected 8 character checksum, not {len} characters")]
    ChecksumLength {
        /// Its length.
        len: usize,
    },
    /// A character outside the descriptor alphabet, so no checksum can be computed.
    #[error("Invalid characters in payload")]
    InvalidCharacters,
    /// The checksum does not match the text.
    #[error("Provided checksum '{provided}' does not match computed checksum '{computed}'")]
    ChecksumMismatch {
        /// The checksum written.
        provided: String,
        /// The checksum of the text.
        computed: String,
    },
    /// An error inside a function, prefixed with its name as Core does (`pk(): ...`,
    /// `Multi: ...`).
    #[error("{context}: {error}")]
    In {
        /// Where: `pk()`, `pkh()`, `combo()`, `wpkh()`, `tr()`, `rawtr()` or `Multi`.
        context: &'static str,
        /// What.
        error: Box<Error>,
    },
    /// An empty key expression.
    #[error("No key provided")]
    NoKey,
    /// A key with leading or trailing white space.
    #[error("Key '{0}' is invalid due to whitespace")]
    KeyWhitespace(String),
    /// A hybrid (`06`/`07`) public key.
    #[error("Hybrid public keys are not allowed")]
    HybridKey,
    /// An uncompressed key where only compressed ones are allowed (segwit, taproot).
    #[error("Uncompressed keys are not allowed")]
    UncompressedKey,
    /// Hex that is not a public key.
    #[error("Pubkey '{0}' is invalid")]
    InvalidPubkey(String),
    /// Text that is neither a public key, a WIF key nor an extended key.
    #[error("key '{0}' is not valid")]
    InvalidKey(String),
    /// More than one `]` in a key expression.
    #[error("Multiple ']' characters found for a single pubkey")]
    MultipleOriginBrackets,
    /// `musig()` outside `tr()`/`rawtr()`.
    #[error("musig() is only allowed in tr() and rawtr()")]
    MusigOutsideTaproot,
    /// A function used where it may not appear; the message is Core's, e.g.
    /// "Can only have sh() at top level".
    #[error("{0}")]
    WrongContext(&'static str),
    /// A `multi` threshold that is not a number.
    #[error("Multi threshold '{0}' is not valid")]
    MultiThreshold(String),
    /// Something other than `,` between `multi` arguments.
    #[error("Multi: expected ',', got '{0}'")]
    MultiExpectedComma(char),
    /// No keys, or more than 20, in `multi`.
    #[error("Cannot have {0} keys in multisig; must have between 1 and 20 keys, inclusive")]
    MultiKeyCount(usize),
    /// A threshold of zero.
    #[error("Multisig threshold cannot be 0, must be at least 1")]
    MultiThresholdZero,
    /// More signatures required than keys.
    #[error("Multisig threshold cannot be larger than the number of keys; threshold is {threshold} but only {keys} keys specified")]
    MultiThresholdTooLarge {
        /// The threshold.
        threshold: u32,
        /// The number of keys.
        keys: usize,
    },
    /// Bare multisig of more than 3 keys (policy limit Core applies to descriptors).
    #[error("Cannot have {0} pubkeys in bare multisig; only at most 3 pubkeys")]
    BareMultisigTooLarge(usize),
    /// A `sh(multi(...))` redeem script over the 520-byte push limit.
    #[error("P2SH script is too large, {0} bytes is larger than 520 bytes")]
    P2shTooLarge(usize),
    /// `addr()` of a string that is not an address of this network.
    #[error("Address is not valid")]
    InvalidAddress,
    /// `raw()` of a string that is not hex (or is empty).
    #[error("Raw script is not hex")]
    RawNotHex,
    /// `rawtr()` with more than one argument.
    #[error("rawtr(): only one key expected.")]
    RawtrOneKey,
    /// `sh()` of something that is not a function.
    #[error("A function is needed within P2SH")]
    FunctionNeededInP2sh,
    /// Text that is no descriptor function.
    #[error("'{0}' is not a valid descriptor function")]
    NotAFunction(String),
    /// A descriptor followed by more text (`pk(K),x`). Core reports this with an empty
    /// message, and so does this variant.
    #[error("")]
    TrailingText,
    /// A key origin that does not start with `[`.
    #[error("Key origin start '[ character expected but not found, got '{0}' instead")]
    OriginStart(char),
    /// A fingerprint of other than 8 hex digits.
    #[error("Fingerprint is not 4 bytes ({0} characters instead of 8 characters)")]
    FingerprintLength(usize),
    /// A fingerprint that is not hex.
    #[error("Fingerprint '{0}' is not hex")]
    FingerprintNotHex(String),
    /// A derivation step that is not a number (with `h` or `'` if hardened).
    #[error("Key path value '{0}' is not a valid uint32")]
    KeyPathNotUint32(String),
    /// A derivation step of 2^31 or more.
    #[error("Key path value {0} is out of range")]
    KeyPathOutOfRange(u32),
    /// A multipath step `<a;b>` in a key origin.
    #[error(
        "Key path value '{0}' specifies multipath in a section where multipath is not allowed"
    )]
    MultipathNotAllowed(String),
    /// A second multipath step `<a;b>` in one key expression (BIP389 allows one).
    #[error("Multiple multipath key path specifiers found")]
    MultipleMultipath,
    /// A multipath step with fewer than two values, `<>` or `<0>`.
    #[error("Multipath key path specifiers must have at least two items")]
    MultipathTooFew,
    /// A value written twice in one multipath step (with its hardened bit, as Core prints
    /// it: `<1h;1h>` gives 2147483649).
    #[error("Duplicated key path value {0} in multipath specifier")]
    MultipathDuplicate(u32),
    /// Keys of one `multi()` (or `multi_a()`) with different numbers of paths.
    #[error("multi(): Multipath derivation paths have mismatched lengths")]
    MultiMultipathMismatch,
    /// Leaves of a `tr()` tree with different numbers of paths.
    #[error("tr(): Multipath subscripts have mismatched lengths")]
    TrMultipathSubscriptsMismatch,
    /// A `tr()` internal key with a number of paths other than its leaves'.
    #[error("tr(): Multipath internal key mismatches multipath subscripts lengths")]
    TrMultipathKeyMismatch,
    /// A multipath descriptor where one descriptor is needed (Core's message in
    /// `generatetodescriptor`); [`Descriptor::parse_multipath`](super::Descriptor::parse_multipath)
    /// reads it.
    #[error("Multipath descriptor not accepted")]
    Multipath,
    /// No keys, or more than 999, in `multi_a`.
    #[error("Cannot have {0} keys in multi_a; must have between 1 and 999 keys, inclusive")]
    MultiAKeyCount(usize),
    /// Something other than `,` after the key of `tr()`.
    #[error("tr: expected ',', got '{0}'")]
    TrExpectedComma(char),
    /// A script tree that is not closed as it was opened.
    #[error("tr(): expected {0} after script expression")]
    TrExpected(&'static str),
    /// A script tree deeper than a control block can prove (BIP341: 128 levels).
    #[error("tr() supports at most 128 nesting levels")]
    TrTooDeep,
    /// `wsh()` of something that is not a function (or miniscript sou cannot read yet).
    #[error("A function is needed within P2WSH")]
    FunctionNeededInP2wsh,
    /// A hardened step below a public extended key: only the secret can derive it.
    #[error("Cannot derive script without private keys")]
    NeedsPrivateKey,
    /// One script asked of a ranged descriptor (Core's message in `generatetodescriptor`).
    #[error("Ranged descriptor not accepted. Maybe pass through deriveaddresses first?")]
    Ranged,
    /// One script asked of `combo()`, which stands for several.
    #[error("combo() stands for several scripts")]
    SeveralScripts,
    /// Valid in Core, not yet read by sou (miniscript, `musig()`, multipath...).
    #[error("{0} is not supported by sou's descriptors yet")]
    Unsupported(&'static str),
    /// A key that cannot be tweaked (taproot).
    #[error(transparent)]
    Keys(#[from] sou_keys::Error),
}
