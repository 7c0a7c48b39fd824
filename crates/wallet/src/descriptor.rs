//! Output script descriptors: a language for the scripts a wallet pays to.
//!
//! An address names one output script, but a wallet needs to say more: which key, inside
//! which template, wrapped how. A *descriptor* writes that as nested functions of keys:
//! `pkh(KEY)` is pay-to-pubkey-hash, `sh(wpkh(KEY))` a P2WPKH script inside P2SH,
//! `tr(KEY)` a taproot output with no script tree. `addr(ADDRESS)` and `raw(HEX)` wrap
//! scripts known only by their address or bytes. A descriptor may end in `#` and an
//! 8-character checksum (BIP380), a BCH code over the text that catches typing errors the
//! way Bech32 does for addresses.
//!
//! [`Descriptor::parse`] reads the text and [`Descriptor::script_pubkey`] expands it into
//! the output script (what `generatetodescriptor` pays to). [`Descriptor::infer`] goes the
//! other way, from a script back to the most precise descriptor that can be written
//! without knowing any keys or scripts beyond the script itself: this is the `desc` field
//! Core's RPCs print for every output. Printing a descriptor ([`fmt::Display`]) appends its
//! checksum, as Core's `Descriptor::ToString` does.
//!
//! This first part covers single concrete keys (hex public keys and WIF secret keys) in
//! `pk`, `pkh`, `wpkh`, `sh`, `multi`, `tr` without scripts and `rawtr`, plus `addr` and
//! `raw`. Extended keys, key origins, `wsh`, `combo`, `sortedmulti`, script trees and
//! miniscript are refused with [`Error::Unsupported`] for now.
//!
//! ```
//! use sou_primitives::Network;
//! use sou_wallet::descriptor::Descriptor;
//!
//! let key = "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";
//! let wpkh = Descriptor::parse(&format!("wpkh({key})"), Network::Regtest, false)?;
//! assert_eq!(wpkh.to_string(), format!("wpkh({key})#ucxz0gak"));
//! // The output script commits to the key's hash only, so inferring from it finds an
//! // address, not the key.
//! let script = wpkh.script_pubkey()?;
//! assert_eq!(
//!     Descriptor::infer(&script, Network::Regtest).to_string(),
//!     "addr(bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080)#8pk5s7ya"
//! );
//! # Ok::<(), sou_wallet::descriptor::Error>(())
//! ```
//!
//! References: BIP380 (checksum), BIP381 (`pk`, `pkh`, `sh`), BIP382 (`wpkh`), BIP383
//! (`multi`), BIP385 (`addr`, `raw`), BIP386 (`tr`, `rawtr`); Core
//! `src/script/descriptor.cpp` (`DescriptorChecksum`, `CheckChecksum`, `ParseScript`,
//! `ParsePubkeyInner`, `InferScript`, `InferPubkey`), `src/script/parsing.cpp` (`Func`,
//! `Expr`).

use core::fmt;

use sou_keys::key::PrivateKey;
use sou_keys::taproot::tweak_public_key;
use sou_keys::{Address, PublicKey, XOnlyPublicKey};
use sou_primitives::hashes::hash160;
use sou_primitives::opcodes::{
    OP_0, OP_1, OP_CHECKMULTISIG, OP_CHECKSIG, OP_DUP, OP_EQUAL, OP_EQUALVERIFY, OP_HASH160,
};
use sou_primitives::script::{Builder, MAX_SCRIPT_ELEMENT_SIZE};
use sou_primitives::standard::{solver, Solution, MAX_PUBKEYS_PER_MULTISIG};
use sou_primitives::{Network, Script};
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
        /// Where: `pk()`, `pkh()`, `wpkh()`, `tr()`, `rawtr()` or `Multi`.
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
    /// Valid in Core, not yet read by sou (extended keys, origins, `wsh`, trees...).
    #[error("{0} is not supported by sou's descriptors yet")]
    Unsupported(&'static str),
    /// A key that cannot be tweaked (taproot).
    #[error(transparent)]
    Keys(#[from] sou_keys::Error),
}

/// A concrete public key in a descriptor (Core `ConstPubkeyProvider`): its bytes, and
/// whether it is written x-only (32 bytes, BIP340) as keys in taproot are.
///
/// The bytes are kept as given: a descriptor inferred from a script may hold a "key" that
/// has a key's shape but is no point of the curve, and must still print it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DescriptorKey {
    bytes: Vec<u8>,
    x_only: bool,
}

impl DescriptorKey {
    /// The key as 33 or 65 bytes (an x-only key gets the `02` prefix, even y).
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// True if it is written as 32 bytes.
    pub fn is_x_only(&self) -> bool {
        self.x_only
    }

    /// The 32 bytes of its x coordinate, if it has a compressed encoding.
    fn x_bytes(&self) -> Option<[u8; 32]> {
        match self.bytes.as_slice() {
            [0x02 | 0x03, x @ ..] => x.try_into().ok(),
            _ => None,
        }
    }
}

impl fmt::Display for DescriptorKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // An x-only key drops the prefix byte (Core prints `HexStr(pubkey).substr(2)`).
        let shown = match self.bytes.split_first() {
            Some((_, x)) if self.x_only => x,
            _ => &self.bytes[..],
        };
        write_hex(f, shown)
    }
}

/// A parsed or inferred descriptor.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Descriptor {
    /// `pk(KEY)`: `<KEY> OP_CHECKSIG`.
    Pk(DescriptorKey),
    /// `pkh(KEY)`: P2PKH.
    Pkh(DescriptorKey),
    /// `wpkh(KEY)`: P2WPKH (compressed keys only).
    Wpkh(DescriptorKey),
    /// `sh(SCRIPT)`: P2SH of the inner descriptor's script.
    Sh(Box<Descriptor>),
    /// `multi(k,KEY,...)`: bare `OP_CHECKMULTISIG`, keys in the order written.
    Multi {
        /// Signatures required.
        threshold: u32,
        /// The keys.
        keys: Vec<DescriptorKey>,
    },
    /// `tr(KEY)`: P2TR whose output key is KEY tweaked with no script tree (BIP86).
    Tr(DescriptorKey),
    /// `rawtr(KEY)`: P2TR whose output key is KEY itself.
    RawTr(DescriptorKey),
    /// `addr(ADDRESS)`: the script of an address.
    Addr(Address),
    /// `raw(HEX)`: a script given by its bytes.
    Raw(Script),
}

/// Where an expression stands, which decides the functions and keys allowed there (Core
/// `ParseScriptContext`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    Top,
    P2sh,
    P2wpkh,
    P2tr,
}

impl Descriptor {
    /// Parses a descriptor for `network` (Core `Parse`, for one non-ranged descriptor).
    ///
    /// A `#checksum` suffix is checked when present and demanded when `require_checksum`.
    /// Keys are hex public keys or WIF secret keys of `network`; a secret key contributes
    /// only its public key.
    pub fn parse(
        text: &str,
        network: Network,
        require_checksum: bool,
    ) -> Result<Descriptor, Error> {
        let mut rest = check_checksum(text, require_checksum)?;
        let descriptor = parse_script(&mut rest, Context::Top, network)?;
        if !rest.is_empty() {
            return Err(Error::TrailingText);
        }
        Ok(descriptor)
    }

    /// The most precise descriptor of `script` that needs no outside knowledge (Core
    /// `InferDescriptor` with an empty signing provider): the `desc` Core's RPCs print.
    ///
    /// Only templates that carry their keys can be more than an address: `pk()` for
    /// pay-to-pubkey, `multi()` for bare multisig, `rawtr()` for a taproot output key on
    /// the curve. Hashes hide what they commit to, so P2PKH, P2SH and the v0 witness
    /// programs become `addr()`, as do anchors and unknown witness versions. A hybrid key,
    /// data outputs and anything non-standard are `raw()`.
    pub fn infer(script: &Script, network: Network) -> Descriptor {
        let non_hybrid = |k: &[u8]| matches!(k.first(), Some(0x02..=0x04));
        let key = |k: &[u8]| DescriptorKey {
            bytes: k.to_vec(),
            x_only: false,
        };
        match solver(script) {
            Solution::PubKey { pubkey } if non_hybrid(pubkey) => {
                return Descriptor::Pk(key(pubkey));
            }
            Solution::Multisig { required, pubkeys } if pubkeys.iter().all(|k| non_hybrid(k)) => {
                return Descriptor::Multi {
                    threshold: u32::from(required),
                    keys: pubkeys.iter().map(|k| key(k)).collect(),
                };
            }
            Solution::WitnessV1Taproot { output_key }
                if XOnlyPublicKey::from_byte_array(*output_key).is_ok() =>
            {
                let mut bytes = vec![0x02];
                bytes.extend_from_slice(output_key);
                return Descriptor::RawTr(DescriptorKey {
                    bytes,
                    x_only: true,
                });
            }
            // The templates Core's `ExtractDestination` gives an address.
            Solution::PubKeyHash { .. }
            | Solution::ScriptHash { .. }
            | Solution::WitnessV0KeyHash { .. }
            | Solution::WitnessV0ScriptHash { .. }
            | Solution::WitnessV1Taproot { .. }
            | Solution::Anchor
            | Solution::WitnessUnknown { .. } => {
                if let Ok(address) = Address::from_script(script, network) {
                    return Descriptor::Addr(address);
                }
            }
            _ => {}
        }
        Descriptor::Raw(script.clone())
    }

    /// The output script it stands for (Core `Descriptor::Expand` at index 0).
    pub fn script_pubkey(&self) -> Result<Script, Error> {
        let script = match self {
            Descriptor::Pk(k) => Builder::new()
                .push_slice_non_minimal(k.as_bytes())
                .push_opcode(OP_CHECKSIG)
                .into_script(),
            Descriptor::Pkh(k) => Builder::new()
                .push_opcode(OP_DUP)
                .push_opcode(OP_HASH160)
                .push_slice(&hash160(k.as_bytes()))
                .push_opcode(OP_EQUALVERIFY)
                .push_opcode(OP_CHECKSIG)
                .into_script(),
            Descriptor::Wpkh(k) => Builder::new()
                .push_opcode(OP_0)
                .push_slice(&hash160(k.as_bytes()))
                .into_script(),
            Descriptor::Sh(inner) => Builder::new()
                .push_opcode(OP_HASH160)
                .push_slice(&hash160(inner.script_pubkey()?.as_bytes()))
                .push_opcode(OP_EQUAL)
                .into_script(),
            Descriptor::Multi { threshold, keys } => {
                let mut b = Builder::new().push_int(i64::from(*threshold));
                for k in keys {
                    b = b.push_slice_non_minimal(k.as_bytes());
                }
                // At most 20 keys: the count always fits.
                b.push_int(keys.len() as i64)
                    .push_opcode(OP_CHECKMULTISIG)
                    .into_script()
            }
            Descriptor::Tr(k) => {
                let internal = x_only_key(k)?;
                let (output, _) = tweak_public_key(&internal, None)?;
                Builder::new()
                    .push_opcode(OP_1)
                    .push_slice(&output.serialize())
                    .into_script()
            }
            Descriptor::RawTr(k) => {
                let output = k.x_bytes().ok_or(sou_keys::Error::InvalidPublicKey)?;
                Builder::new()
                    .push_opcode(OP_1)
                    .push_slice(&output)
                    .into_script()
            }
            Descriptor::Addr(address) => address.script_pubkey(),
            Descriptor::Raw(script) => script.clone(),
        };
        Ok(script)
    }

    /// The text without its checksum.
    pub fn to_string_without_checksum(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = self.write_body(&mut out);
        out
    }

    fn write_body(&self, out: &mut impl fmt::Write) -> fmt::Result {
        match self {
            Descriptor::Pk(k) => write!(out, "pk({k})"),
            Descriptor::Pkh(k) => write!(out, "pkh({k})"),
            Descriptor::Wpkh(k) => write!(out, "wpkh({k})"),
            Descriptor::Sh(inner) => {
                out.write_str("sh(")?;
                inner.write_body(out)?;
                out.write_str(")")
            }
            Descriptor::Multi { threshold, keys } => {
                write!(out, "multi({threshold}")?;
                for k in keys {
                    write!(out, ",{k}")?;
                }
                out.write_str(")")
            }
            Descriptor::Tr(k) => write!(out, "tr({k})"),
            Descriptor::RawTr(k) => write!(out, "rawtr({k})"),
            Descriptor::Addr(a) => write!(out, "addr({a})"),
            Descriptor::Raw(s) => {
                out.write_str("raw(")?;
                write_hex(out, s.as_bytes())?;
                out.write_str(")")
            }
        }
    }
}

impl fmt::Display for Descriptor {
    /// The descriptor and its checksum, `pk(02...)#abcdefgh` (Core `ToString`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let body = self.to_string_without_checksum();
        // Everything written above is in the checksum's alphabet.
        let checksum = descriptor_checksum(&body).unwrap_or_default();
        write!(f, "{body}#{checksum}")
    }
}

/// The characters a descriptor may use, in the order the checksum numbers them (BIP380).
///
/// They come in three groups of 32. The checksum reads each character as its position
/// within its group (5 bits, one symbol), and every three characters as one more symbol
/// made of their three group numbers. The first group holds what descriptors mostly
/// contain (hex digits, parentheses, path characters), and upper and lower case letters
/// sit 32 apart, so that common typing errors change few symbols.
const INPUT_CHARSET: &str = concat!(
    "0123456789()[],'/*abcdefgh@:$%{}",
    "IJKLMNOPQRSTUVWXYZ&+-.;<=>?!^_|~",
    "ijklmnopqrstuvwxyzABCDEFGH`#\"\\ "
);

/// The checksum's own alphabet, Bech32's.
const CHECKSUM_CHARSET: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";

/// One step of the BCH code over GF(32): multiply the running remainder by x and add
/// `value`, modulo the generator (Core `PolyMod`). The constants are the generator's
/// low terms multiplied by 1, 2, 4, 8 and 16.
fn poly_mod(c: u64, value: u64) -> u64 {
    let c0 = c >> 35;
    let mut c = ((c & 0x7_ffff_ffff) << 5) ^ value;
    for (bit, generator) in [
        0xf5_dee5_1989,
        0xa9_fdca_3312,
        0x1b_ab10_e32d,
        0x37_06b1_677a,
        0x64_4d62_6ffd,
    ]
    .into_iter()
    .enumerate()
    {
        if c0 & (1 << bit) != 0 {
            c ^= generator;
        }
    }
    c
}

/// The 8-character checksum of a descriptor's text, or `None` if it holds a character
/// outside the descriptor alphabet (Core `DescriptorChecksum`, BIP380).
pub fn descriptor_checksum(text: &str) -> Option<String> {
    let mut c: u64 = 1;
    let mut groups: u64 = 0;
    let mut group_count = 0;
    for ch in text.chars() {
        let position = INPUT_CHARSET.find(ch)? as u64;
        c = poly_mod(c, position & 31);
        groups = groups * 3 + (position >> 5);
        group_count += 1;
        if group_count == 3 {
            c = poly_mod(c, groups);
            groups = 0;
            group_count = 0;
        }
    }
    if group_count > 0 {
        c = poly_mod(c, groups);
    }
    // Eight more zero symbols make room for the checksum; the final xor keeps appended
    // zeros from leaving it unchanged.
    for _ in 0..8 {
        c = poly_mod(c, 0);
    }
    c ^= 1;
    let symbols = (0..8).map(|j| {
        // Each symbol is 5 bits of `c`: masked to 0..=31, a valid index.
        let index = ((c >> (5 * (7 - j))) & 31) as usize;
        char::from(CHECKSUM_CHARSET[index])
    });
    Some(symbols.collect())
}

/// `text#checksum` (Core `AddChecksum`), or `None` if `text` has characters outside the
/// descriptor alphabet.
pub fn add_checksum(text: &str) -> Option<String> {
    descriptor_checksum(text).map(|c| format!("{text}#{c}"))
}

/// Splits off and verifies the checksum, returning the text before it (Core
/// `CheckChecksum`). The text's alphabet is checked even when no checksum is given.
fn check_checksum(text: &str, require_checksum: bool) -> Result<&str, Error> {
    let mut parts = text.split('#');
    let body = parts.next().unwrap_or_default();
    let provided = parts.next();
    if parts.next().is_some() {
        return Err(Error::MultipleHashSymbols);
    }
    if provided.is_none() && require_checksum {
        return Err(Error::MissingChecksum);
    }
    if let Some(p) = provided {
        if p.len() != 8 {
            return Err(Error::ChecksumLength { len: p.len() });
        }
    }
    let computed = descriptor_checksum(body).ok_or(Error::InvalidCharacters)?;
    match provided {
        Some(p) if p != computed => Err(Error::ChecksumMismatch {
            provided: p.to_owned(),
            computed,
        }),
        _ => Ok(body),
    }
}

/// If `sp` is `name(...)`, the text inside the parentheses (Core `script::Func`).
fn func<'a>(name: &str, sp: &'a str) -> Option<&'a str> {
    sp.strip_prefix(name)?.strip_prefix('(')?.strip_suffix(')')
}

/// Takes the expression at the start of `sp`, up to a `,`, `)` or `}` that is not inside
/// brackets, and leaves the rest in `sp` (Core `script::Expr`).
fn expr<'a>(sp: &mut &'a str) -> &'a str {
    let mut level = 0usize;
    let mut end = sp.len();
    for (i, ch) in sp.char_indices() {
        match ch {
            '(' | '{' => level += 1,
            ')' | '}' if level > 0 => level -= 1,
            ')' | '}' | ',' if level == 0 => {
                end = i;
                break;
            }
            _ => {}
        }
    }
    let (taken, rest) = sp.split_at(end);
    *sp = rest;
    taken
}

/// Prefixes an error with the function it occurred in, as Core's messages do.
fn within(context: &'static str) -> impl Fn(Error) -> Error {
    move |error| Error::In {
        context,
        error: Box::new(error),
    }
}

/// Parses one script expression at the start of `sp` (Core `ParseScript`), leaving what
/// follows it in `sp`. The checks run in Core's order, so a misplaced function gets
/// Core's message for it.
fn parse_script(sp: &mut &str, ctx: Context, network: Network) -> Result<Descriptor, Error> {
    let e = expr(sp);
    let top = ctx == Context::Top;
    let top_or_sh = matches!(ctx, Context::Top | Context::P2sh);
    if let Some(arg) = func("pk", e) {
        return Ok(Descriptor::Pk(
            parse_pubkey(arg, ctx, network).map_err(within("pk()"))?,
        ));
    }
    if top_or_sh {
        if let Some(arg) = func("pkh", e) {
            return Ok(Descriptor::Pkh(
                parse_pubkey(arg, ctx, network).map_err(within("pkh()"))?,
            ));
        }
    }
    if func("combo", e).is_some() {
        return Err(if top {
            Error::Unsupported("combo()")
        } else {
            Error::WrongContext("Can only have combo() at top level")
        });
    }
    if let Some(args) = func("multi", e) {
        if !top_or_sh {
            return Err(Error::WrongContext(
                "Can only have multi/sortedmulti at top level, in sh(), or in wsh()",
            ));
        }
        return parse_multi(args, ctx, network);
    }
    if func("sortedmulti", e).is_some() {
        return Err(if top_or_sh {
            Error::Unsupported("sortedmulti()")
        } else {
            Error::WrongContext(
                "Can only have multi/sortedmulti at top level, in sh(), or in wsh()",
            )
        });
    }
    if func("multi_a", e).is_some() || func("sortedmulti_a", e).is_some() {
        return Err(Error::WrongContext(
            "Can only have multi_a/sortedmulti_a inside tr()",
        ));
    }
    if let Some(arg) = func("wpkh", e) {
        if !top_or_sh {
            return Err(Error::WrongContext(
                "Can only have wpkh() at top level or inside sh()",
            ));
        }
        let key = parse_pubkey(arg, Context::P2wpkh, network).map_err(within("wpkh()"))?;
        return Ok(Descriptor::Wpkh(key));
    }
    if let Some(mut inner) = func("sh", e) {
        if !top {
            return Err(Error::WrongContext("Can only have sh() at top level"));
        }
        let descriptor = parse_script(&mut inner, Context::P2sh, network)?;
        if !inner.is_empty() {
            return Err(Error::TrailingText);
        }
        return Ok(Descriptor::Sh(Box::new(descriptor)));
    }
    if func("wsh", e).is_some() {
        return Err(if top_or_sh {
            Error::Unsupported("wsh()")
        } else {
            Error::WrongContext("Can only have wsh() at top level or inside sh()")
        });
    }
    if let Some(arg) = func("addr", e) {
        if !top {
            return Err(Error::WrongContext("Can only have addr() at top level"));
        }
        let address = Address::parse(arg, network).map_err(|_| Error::InvalidAddress)?;
        return Ok(Descriptor::Addr(address));
    }
    if let Some(mut args) = func("tr", e) {
        if !top {
            return Err(Error::WrongContext("Can only have tr at top level"));
        }
        let key_text = expr(&mut args);
        let key = parse_pubkey(key_text, Context::P2tr, network).map_err(within("tr()"))?;
        if !args.is_empty() {
            return Err(Error::Unsupported("tr() with a script tree"));
        }
        return Ok(Descriptor::Tr(key));
    }
    if let Some(mut args) = func("rawtr", e) {
        if !top {
            return Err(Error::WrongContext("Can only have rawtr at top level"));
        }
        let key_text = expr(&mut args);
        if !args.is_empty() {
            return Err(Error::RawtrOneKey);
        }
        let key = parse_pubkey(key_text, Context::P2tr, network).map_err(within("rawtr()"))?;
        return Ok(Descriptor::RawTr(key));
    }
    if func("unused", e).is_some() {
        return Err(if top {
            Error::Unsupported("unused()")
        } else {
            Error::WrongContext("Can only have unused at top level")
        });
    }
    if let Some(arg) = func("raw", e) {
        if !top {
            return Err(Error::WrongContext("Can only have raw() at top level"));
        }
        let bytes = decode_hex(arg).ok_or(Error::RawNotHex)?;
        return Ok(Descriptor::Raw(Script::from_bytes(bytes)));
    }
    // What remains could only be miniscript, which Core accepts inside wsh() and tr().
    if ctx == Context::P2sh {
        return Err(Error::FunctionNeededInP2sh);
    }
    Err(Error::NotAFunction(e.to_owned()))
}

/// `multi(k,KEY,...)` at the top or inside `sh()`, with Core's checks in Core's order.
fn parse_multi(mut args: &str, ctx: Context, network: Network) -> Result<Descriptor, Error> {
    let threshold_text = expr(&mut args);
    let threshold = parse_u32(threshold_text)
        .ok_or_else(|| Error::MultiThreshold(threshold_text.to_owned()))?;
    let mut keys = Vec::new();
    let mut script_size = 0usize;
    while let Some(ch) = args.chars().next() {
        args = args
            .strip_prefix(',')
            .ok_or(Error::MultiExpectedComma(ch))?;
        let key = parse_pubkey(expr(&mut args), ctx, network).map_err(within("Multi"))?;
        script_size += key.as_bytes().len() + 1;
        keys.push(key);
    }
    if keys.is_empty() || keys.len() > usize::from(MAX_PUBKEYS_PER_MULTISIG) {
        return Err(Error::MultiKeyCount(keys.len()));
    }
    if threshold == 0 {
        return Err(Error::MultiThresholdZero);
    }
    if usize::try_from(threshold).map_or(true, |t| t > keys.len()) {
        return Err(Error::MultiThresholdTooLarge {
            threshold,
            keys: keys.len(),
        });
    }
    if ctx == Context::Top && keys.len() > 3 {
        return Err(Error::BareMultisigTooLarge(keys.len()));
    }
    // The redeem script is pushed whole when spending, so it must fit in one push.
    if ctx == Context::P2sh && script_size + 3 > MAX_SCRIPT_ELEMENT_SIZE {
        return Err(Error::P2shTooLarge(script_size + 3));
    }
    Ok(Descriptor::Multi { threshold, keys })
}

/// A decimal `u32` as Core's `ToIntegral<uint32_t>` reads it: digits only, an optional
/// leading `+`, no overflow.
fn parse_u32(text: &str) -> Option<u32> {
    let digits = text.strip_prefix('+').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// One key expression (Core `ParsePubkey` and `ParsePubkeyInner`), for the concrete keys
/// this module reads: hex public keys and WIF secret keys.
fn parse_pubkey(sp: &str, ctx: Context, network: Network) -> Result<DescriptorKey, Error> {
    if sp.starts_with("musig(") {
        return Err(if ctx == Context::P2tr {
            Error::Unsupported("musig()")
        } else {
            Error::MusigOutsideTaproot
        });
    }
    match sp.matches(']').count() {
        0 => {}
        1 => return Err(Error::Unsupported("a key origin")),
        _ => return Err(Error::MultipleOriginBrackets),
    }
    // Segwit and taproot commit to 33-byte keys only (BIP143 and BIP341 policy).
    let permit_uncompressed = matches!(ctx, Context::Top | Context::P2sh);
    let (text, path) = match sp.split_once('/') {
        Some((text, path)) => (text, Some(path)),
        None => (sp, None),
    };
    if text.is_empty() {
        return Err(Error::NoKey);
    }
    let is_space = |c: char| matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r');
    if text.starts_with(is_space) || text.ends_with(is_space) {
        return Err(Error::KeyWhitespace(text.to_owned()));
    }
    if path.is_none() {
        if let Some(data) = decode_hex(text) {
            return parse_hex_pubkey(text, data, ctx, permit_uncompressed);
        }
        if let Ok(private) = PrivateKey::from_wif(text, network.params()) {
            if !permit_uncompressed && !private.compressed {
                return Err(Error::UncompressedKey);
            }
            return Ok(DescriptorKey {
                bytes: private.public_key().to_bytes(),
                x_only: ctx == Context::P2tr,
            });
        }
    }
    match sou_keys::bip32::decode_extended(text) {
        Ok(_) => Err(Error::Unsupported("an extended key")),
        Err(_) => Err(Error::InvalidKey(text.to_owned())),
    }
}

/// A public key given in hex: 33 or 65 bytes on the curve, or in taproot 32 bytes of an
/// x coordinate, which stands for the point with even y.
fn parse_hex_pubkey(
    text: &str,
    data: Vec<u8>,
    ctx: Context,
    permit_uncompressed: bool,
) -> Result<DescriptorKey, Error> {
    let announced = match data.first() {
        Some(0x02 | 0x03) => 33,
        Some(0x04 | 0x06 | 0x07) => 65,
        _ => 0,
    };
    if announced == data.len() && matches!(data.first(), Some(0x06 | 0x07)) {
        return Err(Error::HybridKey);
    }
    if announced == data.len() {
        if let Ok(key) = PublicKey::from_slice(&data) {
            if !permit_uncompressed && !key.is_compressed() {
                return Err(Error::UncompressedKey);
            }
            return Ok(DescriptorKey {
                bytes: data,
                x_only: false,
            });
        }
    }
    if ctx == Context::P2tr {
        if let Ok(x) = <[u8; 32]>::try_from(data.as_slice()) {
            if XOnlyPublicKey::from_byte_array(x).is_ok() {
                let mut bytes = vec![0x02];
                bytes.extend_from_slice(&x);
                return Ok(DescriptorKey {
                    bytes,
                    x_only: true,
                });
            }
        }
    }
    Err(Error::InvalidPubkey(text.to_owned()))
}

/// The x-only key of a taproot descriptor.
fn x_only_key(k: &DescriptorKey) -> Result<XOnlyPublicKey, Error> {
    let x = k.x_bytes().ok_or(sou_keys::Error::InvalidPublicKey)?;
    XOnlyPublicKey::from_byte_array(x).map_err(|_| Error::Keys(sou_keys::Error::InvalidPublicKey))
}

/// Hex as Core's `IsHex` accepts it: a non-empty, even number of hex digits.
fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if text.is_empty() || text.len() % 2 != 0 {
        return None;
    }
    let digit = |b: u8| char::from(b).to_digit(16);
    text.as_bytes()
        .chunks(2)
        .map(|pair| match pair {
            [hi, lo] => u8::try_from(digit(*hi)? * 16 + digit(*lo)?).ok(),
            _ => None,
        })
        .collect()
}

fn write_hex(out: &mut impl fmt::Write, bytes: &[u8]) -> fmt::Result {
    for b in bytes {
        write!(out, "{b:02x}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "03a34b99f22c790c4e36b2b3c2c35a36db06226e41c692fc82b8b56ac1c540c5bd";

    #[test]
    fn checksums_of_bip380() {
        // BIP380 "Test Vectors".
        assert_eq!(
            descriptor_checksum("raw(deadbeef)").as_deref(),
            Some("89f8spxm")
        );
        assert!(Descriptor::parse("raw(deadbeef)#89f8spxm", Network::Regtest, true).is_ok());
        let err = |t: &str| {
            Descriptor::parse(t, Network::Regtest, true)
                .unwrap_err()
                .to_string()
        };
        assert_eq!(err("raw(deadbeef)"), "Missing checksum");
        assert_eq!(
            err("raw(deadbeef)#"),
            "Expected 8 character checksum, not 0 characters"
        );
        assert_eq!(
            err("raw(deadbeef)#89f8spxmx"),
            "Expected 8 character checksum, not 9 characters"
        );
        assert_eq!(
            err("raw(deedbeef)#89f8spxm"),
            "Provided checksum '89f8spxm' does not match computed checksum 'xj8ljs75'"
        );
        assert_eq!(err("raw(deadbeef)##9f8spxm"), "Multiple '#' symbols");
        assert_eq!(err("raw(Ü)#00000000"), "Invalid characters in payload");
    }

    #[test]
    fn keys_in_their_contexts() {
        let parse = |t: &str| Descriptor::parse(t, Network::Regtest, false);
        let uncompressed = "04a34b99f22c790c4e36b2b3c2c35a36db06226e41c692fc82b8b56ac1c540c5bd5b8dec5235a0fa8722476c7709c02559e3aa73aa03918ba2d492eea75abea235";
        assert!(parse(&format!("pkh({uncompressed})")).is_ok());
        assert_eq!(
            parse(&format!("wpkh({uncompressed})"))
                .unwrap_err()
                .to_string(),
            "wpkh(): Uncompressed keys are not allowed"
        );
        assert_eq!(
            parse("pk( 02aa)").unwrap_err().to_string(),
            "pk(): Key ' 02aa' is invalid due to whitespace"
        );
        assert_eq!(
            parse("pk()").unwrap_err().to_string(),
            "pk(): No key provided"
        );
        assert_eq!(
            parse("pk(02aa)").unwrap_err().to_string(),
            "pk(): Pubkey '02aa' is invalid"
        );
        assert_eq!(
            parse("pk(nokey)").unwrap_err().to_string(),
            "pk(): key 'nokey' is not valid"
        );
        assert_eq!(
            parse(&format!("sh(sh(pk({KEY})))"))
                .unwrap_err()
                .to_string(),
            "Can only have sh() at top level"
        );
        assert_eq!(
            parse("foo(1)").unwrap_err().to_string(),
            "'foo(1)' is not a valid descriptor function"
        );
        assert_eq!(parse(&format!("pk({KEY}),x")), Err(Error::TrailingText));
        // An x-only key in tr() is the even-y point; it prints as 32 bytes.
        let x = &KEY[2..];
        let tr = parse(&format!("tr({x})")).unwrap();
        assert!(tr.to_string().starts_with(&format!("tr({x})#")));
        assert_eq!(
            parse(&format!("pk({x})")).unwrap_err().to_string(),
            format!("pk(): Pubkey '{x}' is invalid")
        );
    }

    #[test]
    fn inferred_descriptors_round_trip() {
        let p2pk = Builder::new()
            .push_slice(&decode_hex(KEY).unwrap())
            .push_opcode(OP_CHECKSIG)
            .into_script();
        let d = Descriptor::infer(&p2pk, Network::Regtest);
        assert_eq!(d.to_string_without_checksum(), format!("pk({KEY})"));
        assert_eq!(d.script_pubkey().unwrap(), p2pk);
        let reparsed = Descriptor::parse(&d.to_string(), Network::Regtest, true).unwrap();
        assert_eq!(reparsed, d);
        let empty = Descriptor::infer(&Script::new(), Network::Regtest);
        assert_eq!(empty.to_string_without_checksum(), "raw()");
    }
}
