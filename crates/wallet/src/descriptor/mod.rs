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
//! The parts, one file each: `checksum.rs` (BIP380's checksum), `parse.rs` (text to
//! [`Descriptor`], [`Descriptor::parse`]), `infer.rs` (script to [`Descriptor`],
//! [`Descriptor::infer`]), `error.rs` (the messages, [`Error`]); here, the types and the
//! way back to text and to the output script.
//!
//! References: BIP380 (checksum), BIP381 (`pk`, `pkh`, `sh`), BIP382 (`wpkh`), BIP383
//! (`multi`), BIP385 (`addr`, `raw`), BIP386 (`tr`, `rawtr`); Core
//! `src/script/descriptor.cpp` (`DescriptorChecksum`, `CheckChecksum`, `ParseScript`,
//! `ParsePubkeyInner`, `InferScript`, `InferPubkey`), `src/script/parsing.cpp` (`Func`,
//! `Expr`).

use core::fmt;

use sou_keys::taproot::tweak_public_key;
use sou_keys::{Address, XOnlyPublicKey};
use sou_primitives::hashes::hash160;
use sou_primitives::opcodes::{OP_0, OP_1, OP_CHECKMULTISIG, OP_CHECKSIG};
use sou_primitives::script::Builder;
use sou_primitives::Script;

mod checksum;
mod error;
mod infer;
mod parse;

pub use checksum::{add_checksum, descriptor_checksum};
pub use error::Error;

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

impl Descriptor {
    /// The output script it stands for (Core `Descriptor::Expand` at index 0).
    pub fn script_pubkey(&self) -> Result<Script, Error> {
        let script = match self {
            Descriptor::Pk(k) => Builder::new()
                .push_slice_non_minimal(k.as_bytes())
                .push_opcode(OP_CHECKSIG)
                .into_script(),
            Descriptor::Pkh(k) => Script::p2pkh(&hash160(k.as_bytes())),
            Descriptor::Wpkh(k) => Builder::new()
                .push_opcode(OP_0)
                .push_slice(&hash160(k.as_bytes()))
                .into_script(),
            Descriptor::Sh(inner) => Script::p2sh(&hash160(inner.script_pubkey()?.as_bytes())),
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

/// The x-only key of a taproot descriptor.
fn x_only_key(k: &DescriptorKey) -> Result<XOnlyPublicKey, Error> {
    let x = k.x_bytes().ok_or(sou_keys::Error::InvalidPublicKey)?;
    XOnlyPublicKey::from_byte_array(x).map_err(|_| Error::Keys(sou_keys::Error::InvalidPublicKey))
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

    use super::parse::decode_hex;
    use sou_primitives::Network;

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
