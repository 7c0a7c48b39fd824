//! Key expressions (BIP380 "Key Expressions"): which public key a descriptor puts in its
//! script, and where that key came from.
//!
//! A key is written in one of three ways:
//!
//! - a public key in hex (33 or 65 bytes; inside `tr()` also 32 bytes, an x-only key);
//! - a WIF secret key, which stands for its public key;
//! - a BIP32 extended key (`xpub`/`xprv`, `tpub`/`tprv` on the test networks) followed by
//!   derivation steps, `/1/2h/3`, and maybe a last step `/*` or `/*h` meaning "every
//!   child": such a key is *ranged*, one descriptor then stands for a whole sequence of
//!   scripts, one per child index ([`Descriptor::derive`](super::Descriptor::derive)).
//!
//! Any of them may be preceded by its *origin*, `[d34db33f/84h/0h/0h]`: the fingerprint
//! of the master key and the path from it to this key. The origin changes no script; it
//! tells a signer (a hardware wallet, a PSBT) which of its keys to use.
//!
//! A hardened step is marked `h` or `'` (Core accepts no `H`, BIP380's "Invalid hardened
//! indicators"). Core prints descriptors back with one marker per key expression: the
//! marker of the last hardened step it read, origin first, then the `/*`, then the path
//! (Core `ParseKeyPathNum` overwrites one `apostrophe` flag); sou does the same, so that
//! the checksums agree.
//!
//! After the extended key, one step may list alternatives, `<0;1>` (BIP389): the key
//! then stands for one key per value, expanded in `multipath.rs`.
//!
//! Deriving through a hardened step needs the secret: `xpub/1h/*` parses, but no script
//! can be computed from it ([`Error::NeedsPrivateKey`]).
//!
//! References: BIP32; BIP380 "Key Expressions", "Normalization of Key Expressions with
//! Hardened Derivation"; BIP386 "Modified Key Expression"; Core
//! `src/script/descriptor.cpp` (`ParsePubkey`, `ParsePubkeyInner`, `ParseKeyPath`,
//! `ParseKeyPathNum`, `ParseDeriveType`, `ConstPubkeyProvider`, `BIP32PubkeyProvider`,
//! `OriginPubkeyProvider`), `src/util/bip32.cpp` (`FormatHDKeypath`).

use core::fmt;

use sou_keys::bip32::{decode_extended, ChildNumber, DerivationPath, Extended, Fingerprint};
use sou_keys::bip32::{Xpriv, Xpub};
use sou_keys::key::PrivateKey;
use sou_keys::{NetworkKind, PublicKey, XOnlyPublicKey};
use sou_primitives::Network;

use super::multipath::{parse_multipath_step, Multipath};
use super::parse::{decode_hex, parse_u32, Context};
use super::{write_hex, Error};

/// Where a key sits in its owner's tree: the master key's fingerprint and the path from it
/// (Core `KeyOriginInfo`), written `[fingerprint/path]` before the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyOrigin {
    /// The first 4 bytes of the master key's `hash160`.
    pub fingerprint: Fingerprint,
    /// The steps from the master key to this key.
    pub path: Vec<ChildNumber>,
}

/// Whether an extended key's last step is every child (Core `DeriveType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Range {
    /// A single key: no `/*`.
    NonRanged,
    /// `/*`: child `i` for index `i`.
    Unhardened,
    /// `/*h` or `/*'`: hardened child `i` for index `i`.
    Hardened,
}

/// One key expression of a descriptor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DescriptorKey {
    origin: Option<KeyOrigin>,
    source: KeySource,
    /// Print hardened steps with `'` rather than `h` (Core's `m_apostrophe`).
    apostrophe: bool,
    /// A BIP389 step `<a;b;...>` still to be expanded (see `multipath.rs`); only while
    /// parsing, [`Descriptor::parse`](super::Descriptor::parse) returns expanded keys.
    pub(super) multipath: Option<Multipath>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum KeySource {
    /// A public key given directly, or by a WIF secret (Core `ConstPubkeyProvider`). The
    /// bytes are 33 or 65, kept as given: a descriptor inferred from a script may hold a
    /// "key" that is no point of the curve, and must still print it.
    Const {
        bytes: Vec<u8>,
        /// Printed as 32 bytes (BIP340), as taproot writes keys.
        x_only: bool,
        secret: Option<PrivateKey>,
    },
    /// An extended key and the steps after it (Core `BIP32PubkeyProvider`).
    Extended {
        xpub: Xpub,
        xpriv: Option<Xpriv>,
        path: Vec<ChildNumber>,
        range: Range,
    },
}

impl DescriptorKey {
    /// A concrete public key (33 or 65 bytes), printed as 32 bytes if `x_only`.
    pub(super) fn constant(bytes: Vec<u8>, x_only: bool) -> DescriptorKey {
        DescriptorKey {
            origin: None,
            source: KeySource::Const {
                bytes,
                x_only,
                secret: None,
            },
            apostrophe: false,
            multipath: None,
        }
    }

    /// The origin written before the key, if any.
    pub fn origin(&self) -> Option<&KeyOrigin> {
        self.origin.as_ref()
    }

    /// Whether the last step is every child: `/*`, `/*h`, or neither.
    pub fn range(&self) -> Range {
        match &self.source {
            KeySource::Const { .. } => Range::NonRanged,
            KeySource::Extended { range, .. } => *range,
        }
    }

    /// True for an extended key ending in `/*` or `/*h`.
    pub fn is_range(&self) -> bool {
        self.range() != Range::NonRanged
    }

    /// True if the key was written as a secret (WIF or `xprv`).
    pub fn has_private_key(&self) -> bool {
        match &self.source {
            KeySource::Const { secret, .. } => secret.is_some(),
            KeySource::Extended { xpriv, .. } => xpriv.is_some(),
        }
    }

    /// The public key this expression gives at child `index` (ignored unless ranged), as
    /// 33 or 65 bytes (Core `PubkeyProvider::GetPubKey`).
    pub fn public_key_at(&self, index: u32) -> Result<Vec<u8>, Error> {
        let (xpub, xpriv, path, range) = match &self.source {
            KeySource::Const { bytes, .. } => return Ok(bytes.clone()),
            KeySource::Extended {
                xpub,
                xpriv,
                path,
                range,
            } => (xpub, xpriv, path, range),
        };
        let mut steps = path.clone();
        match range {
            Range::NonRanged => {}
            Range::Unhardened => steps.push(ChildNumber::normal(index)?),
            Range::Hardened => steps.push(ChildNumber::hardened(index)?),
        }
        let hardened = steps.iter().any(|step| step.is_hardened());
        let steps = DerivationPath::from(steps);
        // A hardened child is HMAC(chain code, 0x00 || parent secret || i): only the
        // secret reaches it (BIP32 "Private parent key -> private child key").
        let public = match (hardened, xpriv) {
            (false, _) => xpub.derive_path(&steps)?.public_key,
            (true, Some(xpriv)) => xpriv.derive_path(&steps)?.to_xpub().public_key,
            (true, None) => return Err(Error::NeedsPrivateKey),
        };
        Ok(public.serialize_compressed().to_vec())
    }

    /// The secret key this expression gives at child `index`, when it was written as a
    /// secret (WIF or `xprv`): what a wallet signs with (Core `GetPrivKey`). `None` for
    /// a public key.
    pub fn secret_key_at(&self, index: u32) -> Result<Option<sou_keys::SecretKey>, Error> {
        match &self.source {
            KeySource::Const { secret, .. } => Ok(secret.as_ref().map(|s| s.secret.clone())),
            KeySource::Extended { xpriv: None, .. } => Ok(None),
            KeySource::Extended {
                xpriv: Some(xpriv),
                path,
                range,
                ..
            } => {
                let mut steps = path.clone();
                match range {
                    Range::NonRanged => {}
                    Range::Unhardened => steps.push(ChildNumber::normal(index)?),
                    Range::Hardened => steps.push(ChildNumber::hardened(index)?),
                }
                let child = xpriv.derive_path(&DerivationPath::from(steps))?;
                Ok(Some(child.secret_key))
            }
        }
    }

    /// Where the key at child `index` comes from: the master key's fingerprint and the
    /// whole path from it, the origin's steps then those written after the extended key
    /// (Core `GetKeyOrigin`), as a PSBT records it. An extended key without origin is
    /// its own master; a constant key needs a written origin, else `None`.
    pub fn key_origin_at(&self, index: u32) -> Option<(Fingerprint, Vec<ChildNumber>)> {
        let (mut fingerprint, mut steps) = match &self.origin {
            Some(origin) => (Some(origin.fingerprint), origin.path.clone()),
            None => (None, Vec::new()),
        };
        if let KeySource::Extended {
            xpub, path, range, ..
        } = &self.source
        {
            fingerprint = fingerprint.or_else(|| Some(xpub.fingerprint()));
            steps.extend(path.iter().copied());
            match range {
                Range::NonRanged => {}
                Range::Unhardened => steps.push(ChildNumber::normal(index).ok()?),
                Range::Hardened => steps.push(ChildNumber::hardened(index).ok()?),
            }
        }
        Some((fingerprint?, steps))
    }

    /// The concrete key at child `index`, x-only in taproot (see
    /// [`Descriptor::derive`](super::Descriptor::derive)).
    pub(super) fn derive(&self, index: u32, x_only: bool) -> Result<DescriptorKey, Error> {
        let bytes = self.public_key_at(index)?;
        let x_only = match &self.source {
            KeySource::Const { x_only, .. } => *x_only,
            KeySource::Extended { .. } => x_only,
        };
        Ok(DescriptorKey::constant(bytes, x_only))
    }

    /// The 32 bytes of the key's x coordinate at `index` (BIP340), for taproot.
    pub(super) fn x_only_at(&self, index: u32) -> Result<[u8; 32], Error> {
        x_bytes(&self.public_key_at(index)?).ok_or(Error::Keys(sou_keys::Error::InvalidPublicKey))
    }

    /// Replaces step `position` of an extended key's path (multipath expansion).
    pub(super) fn set_step(&mut self, position: usize, value: ChildNumber) {
        if let KeySource::Extended { path, .. } = &mut self.source {
            if let Some(step) = path.get_mut(position) {
                *step = value;
            }
        }
    }

    /// True unless the key is an uncompressed concrete key.
    pub(super) fn is_compressed(&self) -> bool {
        match &self.source {
            KeySource::Const { bytes, .. } => bytes.len() != 65,
            KeySource::Extended { .. } => true,
        }
    }

    /// The bytes a `multi()` pushes for this key (Core `PubkeyProvider::GetSize`).
    fn script_size(&self) -> usize {
        match &self.source {
            KeySource::Const { bytes, .. } => bytes.len(),
            KeySource::Extended { .. } => 33,
        }
    }
}

/// The x coordinate of a compressed public key's bytes.
pub(super) fn x_bytes(bytes: &[u8]) -> Option<[u8; 32]> {
    match bytes {
        [0x02 | 0x03, x @ ..] => x.try_into().ok(),
        _ => None,
    }
}

/// The size a multisig script grows by for each key (Core `GetSize() + 1`).
pub(super) fn multi_push_size(key: &DescriptorKey) -> usize {
    key.script_size() + 1
}

impl fmt::Display for DescriptorKey {
    /// The public form (Core `PubkeyProvider::ToString(StringType::PUBLIC)`): secrets
    /// are shown as their public keys, `xprv` as its `xpub`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(origin) = &self.origin {
            write!(f, "[{}", origin.fingerprint)?;
            write_path(f, &origin.path, self.apostrophe)?;
            f.write_str("]")?;
        }
        match &self.source {
            KeySource::Const { bytes, x_only, .. } => {
                // An x-only key drops the prefix byte (Core prints `HexStr(pubkey).substr(2)`).
                let shown = match bytes.split_first() {
                    Some((_, x)) if *x_only => x,
                    _ => &bytes[..],
                };
                write_hex(f, shown)
            }
            KeySource::Extended {
                xpub, path, range, ..
            } => {
                write!(f, "{xpub}")?;
                write_path(f, path, self.apostrophe)?;
                match range {
                    Range::NonRanged => Ok(()),
                    Range::Unhardened => f.write_str("/*"),
                    Range::Hardened => f.write_str(if self.apostrophe { "/*'" } else { "/*h" }),
                }
            }
        }
    }
}

/// `/1/2h/3` (Core `FormatHDKeypath`).
fn write_path(f: &mut fmt::Formatter<'_>, path: &[ChildNumber], apostrophe: bool) -> fmt::Result {
    for step in path {
        let index = step.to_u32() & !ChildNumber::HARDENED;
        write!(f, "/{index}")?;
        if step.is_hardened() {
            f.write_str(if apostrophe { "'" } else { "h" })?;
        }
    }
    Ok(())
}

/// One key expression with its origin (Core `ParsePubkey`).
pub(super) fn parse_key(sp: &str, ctx: Context, network: Network) -> Result<DescriptorKey, Error> {
    if sp.starts_with("musig(") {
        return Err(if ctx == Context::P2tr {
            Error::Unsupported("musig()")
        } else {
            Error::MusigOutsideTaproot
        });
    }
    let mut apostrophe = false;
    let (origin_text, key_text) = match sp.split(']').collect::<Vec<_>>()[..] {
        [key] => (None, key),
        [origin, key] => (Some(origin), key),
        _ => return Err(Error::MultipleOriginBrackets),
    };
    let origin = match origin_text {
        None => None,
        Some(text) => Some(parse_origin(text, &mut apostrophe)?),
    };
    let mut multipath = None;
    let source = parse_source(key_text, ctx, network, &mut apostrophe, &mut multipath)?;
    Ok(DescriptorKey {
        origin,
        source,
        apostrophe,
        multipath,
    })
}

/// `[fingerprint/path` (the `]` already split off).
fn parse_origin(text: &str, apostrophe: &mut bool) -> Result<KeyOrigin, Error> {
    let Some(inside) = text.strip_prefix('[') else {
        // An empty text means the `]` came first.
        return Err(Error::OriginStart(text.chars().next().unwrap_or(']')));
    };
    let mut parts = inside.split('/');
    let fingerprint_hex = parts.next().unwrap_or_default();
    if fingerprint_hex.len() != 8 {
        return Err(Error::FingerprintLength(fingerprint_hex.len()));
    }
    let fingerprint = decode_hex(fingerprint_hex)
        .and_then(|bytes| <[u8; 4]>::try_from(bytes).ok())
        .ok_or_else(|| Error::FingerprintNotHex(fingerprint_hex.to_owned()))?;
    let path = parts
        .map(|elem| {
            if is_multipath(elem) {
                return Err(Error::MultipathNotAllowed(elem.to_owned()));
            }
            parse_step(elem, apostrophe)
        })
        .collect::<Result<_, _>>()?;
    Ok(KeyOrigin {
        fingerprint: Fingerprint(fingerprint),
        path,
    })
}

/// `<0;1>`, BIP389's multipath step.
fn is_multipath(elem: &str) -> bool {
    elem.starts_with('<') && elem.ends_with('>')
}

/// One step: a number below 2^31, `h` or `'` for hardened (Core `ParseKeyPathNum`).
pub(super) fn parse_step(elem: &str, apostrophe: &mut bool) -> Result<ChildNumber, Error> {
    let (digits, hardened) = if let Some(d) = elem.strip_suffix('\'') {
        *apostrophe = true;
        (d, true)
    } else if let Some(d) = elem.strip_suffix('h') {
        *apostrophe = false;
        (d, true)
    } else {
        (elem, false)
    };
    let index = parse_u32(digits).ok_or_else(|| Error::KeyPathNotUint32(digits.to_owned()))?;
    let step = if hardened {
        ChildNumber::hardened(index)
    } else {
        ChildNumber::normal(index)
    };
    step.map_err(|_| Error::KeyPathOutOfRange(index))
}

/// The key after any origin (Core `ParsePubkeyInner`).
fn parse_source(
    sp: &str,
    ctx: Context,
    network: Network,
    apostrophe: &mut bool,
    multipath: &mut Option<Multipath>,
) -> Result<KeySource, Error> {
    // Segwit and taproot commit to 33-byte keys only (BIP143 and BIP341 policy).
    let permit_uncompressed = matches!(ctx, Context::Top | Context::P2sh);
    let mut split: Vec<&str> = sp.split('/').collect();
    let text = split.first().copied().unwrap_or_default();
    if text.is_empty() {
        return Err(Error::NoKey);
    }
    let is_space = |c: char| matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r');
    if text.starts_with(is_space) || text.ends_with(is_space) {
        return Err(Error::KeyWhitespace(text.to_owned()));
    }
    if split.len() == 1 {
        if let Some(data) = decode_hex(text) {
            return parse_hex_pubkey(text, data, ctx, permit_uncompressed);
        }
        if let Ok(secret) = PrivateKey::from_wif(text, network.params()) {
            if !permit_uncompressed && !secret.compressed {
                return Err(Error::UncompressedKey);
            }
            return Ok(KeySource::Const {
                bytes: secret.public_key().to_bytes(),
                x_only: ctx == Context::P2tr,
                secret: Some(secret),
            });
        }
    }
    let (xpub, xpriv) = match decode_extended(text) {
        Ok(Extended::Public(k)) if k.network == NetworkKind::of(network) => (k, None),
        Ok(Extended::Private(k)) if k.network == NetworkKind::of(network) => (k.to_xpub(), Some(k)),
        _ => return Err(Error::InvalidKey(text.to_owned())),
    };
    // The last step may be `*` (Core `ParseDeriveType`), read before the path.
    let range = match split.last().copied() {
        Some("*") if split.len() > 1 => Range::Unhardened,
        Some(last @ ("*'" | "*h")) if split.len() > 1 => {
            *apostrophe = last == "*'";
            Range::Hardened
        }
        _ => Range::NonRanged,
    };
    if range != Range::NonRanged {
        split.pop();
    }
    let mut path = Vec::new();
    for elem in split.iter().skip(1) {
        if is_multipath(elem) {
            if multipath.is_some() {
                return Err(Error::MultipleMultipath);
            }
            let values = parse_multipath_step(elem, apostrophe)?;
            // The first value holds the place; expansion puts each in turn.
            path.push(*values.first().expect("at least two values"));
            *multipath = Some(Multipath {
                position: path.len() - 1,
                values,
            });
            continue;
        }
        path.push(parse_step(elem, apostrophe)?);
    }
    Ok(KeySource::Extended {
        xpub,
        xpriv,
        path,
        range,
    })
}

/// A public key given in hex: 33 or 65 bytes on the curve, or in taproot 32 bytes of an
/// x coordinate, which stands for the point with even y.
fn parse_hex_pubkey(
    text: &str,
    data: Vec<u8>,
    ctx: Context,
    permit_uncompressed: bool,
) -> Result<KeySource, Error> {
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
            return Ok(KeySource::Const {
                bytes: data,
                x_only: false,
                secret: None,
            });
        }
    }
    if ctx == Context::P2tr {
        if let Ok(x) = <[u8; 32]>::try_from(data.as_slice()) {
            if XOnlyPublicKey::from_byte_array(x).is_ok() {
                let mut bytes = vec![0x02];
                bytes.extend_from_slice(&x);
                return Ok(KeySource::Const {
                    bytes,
                    x_only: true,
                    secret: None,
                });
            }
        }
    }
    Err(Error::InvalidPubkey(text.to_owned()))
}

#[cfg(test)]
mod wallet_key_tests {
    use sou_keys::bip32::{ChildNumber, Xpriv};
    use sou_keys::NetworkKind;
    use sou_primitives::Network;

    use crate::descriptor::Descriptor;

    /// What a wallet asks of a key expression: the secret that signs at an index, and the
    /// origin a PSBT records, both agreeing with the public key.
    #[test]
    fn secrets_and_origins_at_an_index() {
        let master = Xpriv::new_master(NetworkKind::Test, &[7; 32]).expect("a seed");
        let text = format!("wpkh([d34db33f/84h/1h/0h]{master}/1/*)");
        let d = Descriptor::parse(&text, Network::Regtest, false).expect("parses");
        let key = d.keys()[0];
        for index in [0, 5, 1000] {
            let secret = key
                .secret_key_at(index)
                .expect("derives")
                .expect("a secret");
            let public = key.public_key_at(index).expect("derives");
            assert_eq!(secret.public_key().to_bytes(), public);
            let (fingerprint, path) = key.key_origin_at(index).expect("an origin");
            assert_eq!(fingerprint.to_string(), "d34db33f");
            let step = |i, hardened| {
                if hardened {
                    ChildNumber::hardened(i).expect("in range")
                } else {
                    ChildNumber::normal(i).expect("in range")
                }
            };
            assert_eq!(
                path,
                [
                    step(84, true),
                    step(1, true),
                    step(0, true),
                    step(1, false),
                    step(index, false)
                ]
            );
        }
        // The public form knows no secret; without an origin the key is its own master.
        let public = Descriptor::parse(
            &format!("wpkh({}/0/*)", master.to_xpub()),
            Network::Regtest,
            false,
        )
        .expect("parses");
        let key = public.keys()[0];
        assert!(key.secret_key_at(0).expect("derives").is_none());
        let (fingerprint, path) = key.key_origin_at(3).expect("an origin");
        assert_eq!(fingerprint, master.fingerprint());
        assert_eq!(path.len(), 2);
    }
}
