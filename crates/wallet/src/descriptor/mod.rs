//! Output script descriptors: a language for the scripts a wallet pays to.
//!
//! An address names one output script, but a wallet needs to say more: which key, inside
//! which template, wrapped how, and for an HD wallet which keys of which tree. A
//! *descriptor* writes that as nested functions of keys: `pkh(KEY)` is pay-to-pubkey-hash,
//! `sh(wpkh(KEY))` a P2WPKH script inside P2SH, `wsh(sortedmulti(2,K1,K2,K3))` a 2-of-3
//! multisig in P2WSH, `tr(KEY,{pk(A),pk(B)})` a taproot output with two script leaves.
//! `addr(ADDRESS)` and `raw(HEX)` wrap scripts known only by their address or bytes.
//!
//! A key may be an extended key with a derivation path, `[d34db33f/84h/0h/0h]xpub.../0/*`:
//! the `*` makes the descriptor *ranged*, one script per child index, which is how one
//! line describes every receiving address of a wallet account (see [`DescriptorKey`]).
//!
//! A descriptor may end in `#` and an 8-character checksum (BIP380), a BCH code over the
//! text that catches typing errors the way Bech32 does for addresses.
//!
//! The types: [`Descriptor`], one variant per script function; [`DescriptorKey`], a key
//! expression with its [`KeyOrigin`]; [`ScriptTree`], a `tr()` script tree.
//! [`Descriptor::parse`] reads the text; [`Descriptor::script_pubkeys_at`] expands it at a
//! child index into output scripts, [`Descriptor::derive`] into the concrete descriptor
//! at that index; [`Descriptor::is_range`], [`Descriptor::is_solvable`] and
//! [`Descriptor::has_private_keys`] answer as Core's `getdescriptorinfo` does, and
//! [`input_checksum`] gives its `checksum`, that of the text as written.
//! [`Descriptor::infer`] goes the other way, from a script back to the most precise
//! descriptor that can be written without knowing any keys or scripts beyond the script
//! itself: the `desc` field Core's RPCs print for every output.
//!
//! Printing a descriptor ([`fmt::Display`]) gives Core's public form with its checksum,
//! what `getdescriptorinfo` returns as `descriptor` (Core `Descriptor::ToString`): secret
//! keys are shown as public keys and `xprv` as `xpub`, hardened steps keep the marker
//! written (`h` or `'`, see [`DescriptorKey`]).
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
//!
//! // A ranged descriptor: child 0 of an account's receiving chain (BIP382's vector).
//! let xpub = "xpub69H7F5d8KSRgmmdJg2KhpAK8SR3DjMwAdkxj3ZuxV27CprR9LgpeyGmXUbC6wb7ERfvrnKZjXoUmmDznezpbZb7ap6r1D3tgFxHmwMkQTPH";
//! let account = Descriptor::parse(&format!("wpkh([ffffffff/13']{xpub}/1/2/*)"), Network::Mainnet, false)?;
//! assert!(account.is_range());
//! assert_eq!(
//!     account.script_pubkeys_at(0)?[0].as_bytes()[2..],
//!     [0x32, 0x6b, 0x22, 0x49, 0xe3, 0xa2, 0x5d, 0x5d, 0xc6, 0x09,
//!      0x35, 0xf0, 0x44, 0xee, 0x83, 0x5d, 0x09, 0x0b, 0xa8, 0x59]
//! );
//! # Ok::<(), sou_wallet::descriptor::Error>(())
//! ```
//!
//! The parts, one file each: `checksum.rs` (BIP380's checksum), `keys.rs` (key
//! expressions: origins, extended keys, paths), `parse.rs` (text to [`Descriptor`]),
//! `expand.rs` (descriptor to scripts, derivation at an index), `infer.rs` (script to
//! [`Descriptor`]), `error.rs` (the messages, [`Error`]); here, the types and the way
//! back to text.
//!
//! A multipath key, `xpub.../<0;1>/*` (BIP389), makes one text stand for several
//! descriptors: [`Descriptor::parse_multipath`] returns them all (`multipath.rs`).
//!
//! Not yet read: miniscript (other functions inside `wsh()` and `tr()`), `musig()`
//! (BIP390) and `unused()`; they are refused with [`Error::Unsupported`] or Core's
//! message for an unknown function.
//!
//! References: BIP380 (checksum, key expressions), BIP381 (`pk`, `pkh`, `sh`), BIP382
//! (`wpkh`, `wsh`), BIP383 (`multi`, `sortedmulti`), BIP384 (`combo`), BIP385 (`addr`,
//! `raw`), BIP386 (`tr`, `rawtr`), BIP387 (`multi_a`, `sortedmulti_a`); Core
//! `src/script/descriptor.cpp`, `src/script/parsing.cpp` (`Func`, `Expr`).

use core::fmt;

use sou_keys::Address;
use sou_primitives::Script;

mod checksum;
mod error;
mod expand;
mod infer;
mod keys;
mod multipath;
#[cfg(test)]
mod multipath_tests;
mod parse;
#[cfg(test)]
mod tests;

pub use checksum::{add_checksum, descriptor_checksum, input_checksum};
pub use error::Error;
pub use keys::{DescriptorKey, KeyOrigin, Range};
pub use parse::MAX_PUBKEYS_PER_MULTI_A;

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
    /// `combo(KEY)`: P2PK and P2PKH, and for a compressed key P2WPKH and P2SH-P2WPKH too
    /// (BIP384): the scripts pre-descriptor wallets watched for each key.
    Combo(DescriptorKey),
    /// `sh(SCRIPT)`: P2SH of the inner descriptor's script.
    Sh(Box<Descriptor>),
    /// `wsh(SCRIPT)`: P2WSH of the inner descriptor's script.
    Wsh(Box<Descriptor>),
    /// `multi(k,KEY,...)` or `sortedmulti(...)`: `OP_CHECKMULTISIG`, the keys in the order
    /// written or sorted (BIP67 order, after derivation).
    Multi {
        /// Signatures required.
        threshold: u32,
        /// The keys.
        keys: Vec<DescriptorKey>,
        /// `sortedmulti`.
        sorted: bool,
    },
    /// `multi_a(k,KEY,...)` or `sortedmulti_a(...)`: a tapscript threshold of x-only keys
    /// counted with `OP_CHECKSIGADD` (BIP387); only inside a `tr()` tree.
    MultiA {
        /// Signatures required.
        threshold: u32,
        /// The keys.
        keys: Vec<DescriptorKey>,
        /// `sortedmulti_a`.
        sorted: bool,
    },
    /// `tr(KEY)` or `tr(KEY,TREE)`: P2TR whose output key is KEY tweaked with the tree's
    /// Merkle root, or with nothing when there is no tree (BIP86).
    Tr {
        /// The internal key.
        key: DescriptorKey,
        /// The script tree.
        tree: Option<ScriptTree>,
    },
    /// `rawtr(KEY)`: P2TR whose output key is KEY itself.
    RawTr(DescriptorKey),
    /// `addr(ADDRESS)`: the script of an address.
    Addr(Address),
    /// `raw(HEX)`: a script given by its bytes.
    Raw(Script),
}

/// A `tr()` script tree (BIP386 "Tree Expression"): a leaf script or a pair `{A,B}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScriptTree {
    /// A tapscript leaf: `pk()`, `multi_a()` or `sortedmulti_a()`.
    Leaf(Box<Descriptor>),
    /// A branch of two subtrees.
    Branch(Box<ScriptTree>, Box<ScriptTree>),
}

impl Descriptor {
    /// The public text without its checksum.
    pub fn to_string_without_checksum(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = self.write_body(&mut out);
        out
    }

    fn write_body(&self, out: &mut impl fmt::Write) -> fmt::Result {
        let multi_name = |sorted: bool, a: bool| match (sorted, a) {
            (false, false) => "multi",
            (true, false) => "sortedmulti",
            (false, true) => "multi_a",
            (true, true) => "sortedmulti_a",
        };
        match self {
            Descriptor::Pk(k) => write!(out, "pk({k})"),
            Descriptor::Pkh(k) => write!(out, "pkh({k})"),
            Descriptor::Wpkh(k) => write!(out, "wpkh({k})"),
            Descriptor::Combo(k) => write!(out, "combo({k})"),
            Descriptor::Sh(inner) | Descriptor::Wsh(inner) => {
                let name = if matches!(self, Descriptor::Sh(_)) {
                    "sh"
                } else {
                    "wsh"
                };
                write!(out, "{name}(")?;
                inner.write_body(out)?;
                out.write_str(")")
            }
            Descriptor::Multi {
                threshold,
                keys,
                sorted,
            }
            | Descriptor::MultiA {
                threshold,
                keys,
                sorted,
            } => {
                let name = multi_name(*sorted, matches!(self, Descriptor::MultiA { .. }));
                write!(out, "{name}({threshold}")?;
                for k in keys {
                    write!(out, ",{k}")?;
                }
                out.write_str(")")
            }
            Descriptor::Tr { key, tree } => {
                write!(out, "tr({key}")?;
                if let Some(tree) = tree {
                    out.write_str(",")?;
                    tree.write_body(out)?;
                }
                out.write_str(")")
            }
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

impl ScriptTree {
    fn write_body(&self, out: &mut impl fmt::Write) -> fmt::Result {
        match self {
            ScriptTree::Leaf(leaf) => leaf.write_body(out),
            ScriptTree::Branch(a, b) => {
                out.write_str("{")?;
                a.write_body(out)?;
                out.write_str(",")?;
                b.write_body(out)?;
                out.write_str("}")
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

fn write_hex(out: &mut impl fmt::Write, bytes: &[u8]) -> fmt::Result {
    for b in bytes {
        write!(out, "{b:02x}")?;
    }
    Ok(())
}
