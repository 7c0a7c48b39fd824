//! From a descriptor to output scripts ([`Descriptor::script_pubkeys_at`]), and what
//! Core's `getdescriptorinfo` reports about one.
//!
//! A descriptor with a ranged key (`xpub/0/*`) stands for one script per child index;
//! expanding it at index `i` derives child `i` of every ranged key (in lockstep, BIP383
//! "Multiple Extended Keys") and fills the templates:
//!
//! ```text
//!   pk(K)             <K> OP_CHECKSIG                      (32-byte K in a tapscript leaf)
//!   pkh(K)            OP_DUP OP_HASH160 <hash160(K)> OP_EQUALVERIFY OP_CHECKSIG
//!   wpkh(K)           OP_0 <hash160(K)>
//!   sh(S)             OP_HASH160 <hash160(S)> OP_EQUAL
//!   wsh(S)            OP_0 <sha256(S)>
//!   multi(k,K1..Kn)   k <K1> .. <Kn> n OP_CHECKMULTISIG    (sortedmulti: keys sorted)
//!   multi_a(k,K1..Kn) <K1> OP_CHECKSIG <K2> OP_CHECKSIGADD .. <Kn> OP_CHECKSIGADD k OP_NUMEQUAL
//!   tr(K,TREE)        OP_1 <K + TapTweak(K || root(TREE))·G>
//!   rawtr(K)          OP_1 <K>
//!   combo(K)          pk(K), pkh(K), and for a compressed K also wpkh(K), sh(wpkh(K))
//! ```
//!
//! References: BIP381-386 "Specification"; BIP341 "Constructing and spending Taproot
//! outputs"; Core `src/script/descriptor.cpp` (`DescriptorImpl::ExpandHelper`, each
//! descriptor's `MakeScripts`, `IsRange`, `IsSolvable`), `src/rpc/output_script.cpp`
//! (`getdescriptorinfo`).

use sou_keys::taproot::{tweak_public_key, TapTree};
use sou_keys::XOnlyPublicKey;
use sou_primitives::hashes::{hash160, sha256};
use sou_primitives::opcodes::{OP_0, OP_1, OP_CHECKMULTISIG, OP_CHECKSIG};
use sou_primitives::opcodes::{OP_CHECKSIGADD, OP_NUMEQUAL};
use sou_primitives::script::Builder;
use sou_primitives::Script;

use super::{Descriptor, DescriptorKey, Error, ScriptTree};

impl Descriptor {
    /// True if it has a ranged key, so stands for one script per index (Core `IsRange`).
    pub fn is_range(&self) -> bool {
        self.keys().iter().any(|k| k.is_range())
    }

    /// True if a wallet holding the keys could sign for its scripts: everything but
    /// `addr()` and `raw()`, which know no keys (Core `IsSolvable`).
    pub fn is_solvable(&self) -> bool {
        match self {
            Descriptor::Addr(_) | Descriptor::Raw(_) => false,
            Descriptor::Sh(inner) | Descriptor::Wsh(inner) => inner.is_solvable(),
            _ => true,
        }
    }

    /// True if some key was written as a secret, WIF or `xprv` (`getdescriptorinfo`'s
    /// `hasprivatekeys`).
    pub fn has_private_keys(&self) -> bool {
        self.keys().iter().any(|k| k.has_private_key())
    }

    /// Every key expression, in the order written.
    pub fn keys(&self) -> Vec<&DescriptorKey> {
        let mut out = Vec::new();
        self.collect_keys(&mut out);
        out
    }

    fn collect_keys<'a>(&'a self, out: &mut Vec<&'a DescriptorKey>) {
        match self {
            Descriptor::Pk(k)
            | Descriptor::Pkh(k)
            | Descriptor::Wpkh(k)
            | Descriptor::Combo(k)
            | Descriptor::RawTr(k) => out.push(k),
            Descriptor::Sh(inner) | Descriptor::Wsh(inner) => inner.collect_keys(out),
            Descriptor::Multi { keys, .. } | Descriptor::MultiA { keys, .. } => {
                out.extend(keys.iter());
            }
            Descriptor::Tr { key, tree } => {
                out.push(key);
                let mut leaves = Vec::new();
                if let Some(tree) = tree {
                    tree.collect_leaves(&mut leaves);
                }
                for leaf in leaves {
                    leaf.collect_keys(out);
                }
            }
            Descriptor::Addr(_) | Descriptor::Raw(_) => {}
        }
    }

    /// The descriptor at child `index`: every key replaced by the public key it gives
    /// there, in hex (x-only inside `tr()`), origins dropped. Its scripts are those of
    /// `self` at `index`.
    pub fn derive(&self, index: u32) -> Result<Descriptor, Error> {
        self.derive_in(index, false)
    }

    fn derive_in(&self, index: u32, taproot: bool) -> Result<Descriptor, Error> {
        self.map_keys(taproot, &mut |k, in_taproot| k.derive(index, in_taproot))
    }

    /// The same descriptor with every key replaced by `f(key, inside tr())`: the one walk
    /// behind [`Descriptor::derive`] and the choice of a multipath descriptor's path.
    pub(super) fn map_keys<E>(
        &self,
        taproot: bool,
        f: &mut impl FnMut(&DescriptorKey, bool) -> Result<DescriptorKey, E>,
    ) -> Result<Descriptor, E> {
        let mut keys = |ks: &[DescriptorKey]| {
            ks.iter()
                .map(|k| f(k, taproot))
                .collect::<Result<Vec<_>, E>>()
        };
        Ok(match self {
            Descriptor::Pk(k) => Descriptor::Pk(f(k, taproot)?),
            Descriptor::Pkh(k) => Descriptor::Pkh(f(k, taproot)?),
            Descriptor::Wpkh(k) => Descriptor::Wpkh(f(k, taproot)?),
            Descriptor::Combo(k) => Descriptor::Combo(f(k, taproot)?),
            Descriptor::Sh(inner) => Descriptor::Sh(Box::new(inner.map_keys(false, f)?)),
            Descriptor::Wsh(inner) => Descriptor::Wsh(Box::new(inner.map_keys(false, f)?)),
            Descriptor::Multi {
                threshold,
                keys: ks,
                sorted,
            } => Descriptor::Multi {
                threshold: *threshold,
                keys: keys(ks)?,
                sorted: *sorted,
            },
            Descriptor::MultiA {
                threshold,
                keys: ks,
                sorted,
            } => Descriptor::MultiA {
                threshold: *threshold,
                keys: keys(ks)?,
                sorted: *sorted,
            },
            Descriptor::Tr { key, tree } => Descriptor::Tr {
                key: f(key, true)?,
                tree: tree.as_ref().map(|t| t.map_keys(f)).transpose()?,
            },
            Descriptor::RawTr(k) => Descriptor::RawTr(f(k, true)?),
            Descriptor::Addr(_) | Descriptor::Raw(_) => self.clone(),
        })
    }

    /// The output scripts at child `index` (Core `Descriptor::Expand`): one, or for
    /// `combo()` two or four. The index is ignored by a descriptor that is not ranged.
    pub fn script_pubkeys_at(&self, index: u32) -> Result<Vec<Script>, Error> {
        let script = match self {
            Descriptor::Combo(k) => {
                let bytes = k.public_key_at(index)?;
                let mut scripts = vec![p2pk(&bytes), Script::p2pkh(&hash160(&bytes))];
                if k.is_compressed() {
                    let p2wpkh = p2wpkh(&bytes);
                    let p2sh_p2wpkh = Script::p2sh(&hash160(p2wpkh.as_bytes()));
                    scripts.push(p2wpkh);
                    scripts.push(p2sh_p2wpkh);
                }
                return Ok(scripts);
            }
            Descriptor::Pk(k) => p2pk(&k.public_key_at(index)?),
            Descriptor::Pkh(k) => Script::p2pkh(&hash160(&k.public_key_at(index)?)),
            Descriptor::Wpkh(k) => p2wpkh(&k.public_key_at(index)?),
            Descriptor::Sh(inner) => {
                Script::p2sh(&hash160(inner.single_script_at(index)?.as_bytes()))
            }
            Descriptor::Wsh(inner) => Builder::new()
                .push_opcode(OP_0)
                .push_slice(&sha256(inner.single_script_at(index)?.as_bytes()))
                .into_script(),
            Descriptor::Multi {
                threshold,
                keys,
                sorted,
            } => {
                let mut pubkeys = keys
                    .iter()
                    .map(|k| k.public_key_at(index))
                    .collect::<Result<Vec<_>, _>>()?;
                if *sorted {
                    pubkeys.sort();
                }
                let mut b = Builder::new().push_int(i64::from(*threshold));
                for k in &pubkeys {
                    b = b.push_slice_non_minimal(k);
                }
                // At most 20 keys: the count always fits.
                b.push_int(pubkeys.len() as i64)
                    .push_opcode(OP_CHECKMULTISIG)
                    .into_script()
            }
            Descriptor::MultiA { .. } => leaf_script(self, index)?,
            Descriptor::Tr { key, tree } => {
                let internal = XOnlyPublicKey::from_byte_array(key.x_only_at(index)?)
                    .map_err(|_| Error::Keys(sou_keys::Error::InvalidPublicKey))?;
                let root = match tree {
                    Some(tree) => Some(tree.tap_tree(index)?.merkle_root()),
                    None => None,
                };
                let (output, _) = tweak_public_key(&internal, root.as_ref())?;
                p2tr(&output.serialize())
            }
            Descriptor::RawTr(key) => p2tr(&key.x_only_at(index)?),
            Descriptor::Addr(address) => address.script_pubkey(),
            Descriptor::Raw(script) => script.clone(),
        };
        Ok(vec![script])
    }

    /// The one script of a descriptor inside `sh()` or `wsh()` (never `combo()`).
    fn single_script_at(&self, index: u32) -> Result<Script, Error> {
        self.script_pubkeys_at(index)?
            .into_iter()
            .next()
            .ok_or(Error::Unsupported("an empty expansion"))
    }

    /// The output script of a descriptor that stands for exactly one: not ranged, not
    /// `combo()`.
    pub fn script_pubkey(&self) -> Result<Script, Error> {
        if self.is_range() {
            return Err(Error::Ranged);
        }
        match self.script_pubkeys_at(0)?.as_slice() {
            [one] => Ok(one.clone()),
            _ => Err(Error::SeveralScripts),
        }
    }
}

impl ScriptTree {
    pub(super) fn collect_leaves<'a>(&'a self, out: &mut Vec<&'a Descriptor>) {
        match self {
            ScriptTree::Leaf(leaf) => out.push(leaf),
            ScriptTree::Branch(a, b) => {
                a.collect_leaves(out);
                b.collect_leaves(out);
            }
        }
    }

    fn map_keys<E>(
        &self,
        f: &mut impl FnMut(&DescriptorKey, bool) -> Result<DescriptorKey, E>,
    ) -> Result<ScriptTree, E> {
        Ok(match self {
            ScriptTree::Leaf(leaf) => ScriptTree::Leaf(Box::new(leaf.map_keys(true, f)?)),
            ScriptTree::Branch(a, b) => {
                ScriptTree::Branch(Box::new(a.map_keys(f)?), Box::new(b.map_keys(f)?))
            }
        })
    }

    /// BIP341's tree of tapscript leaves at child `index`.
    fn tap_tree(&self, index: u32) -> Result<TapTree, Error> {
        Ok(match self {
            ScriptTree::Leaf(leaf) => TapTree::leaf(leaf_script(leaf, index)?),
            ScriptTree::Branch(a, b) => {
                TapTree::Branch(Box::new(a.tap_tree(index)?), Box::new(b.tap_tree(index)?))
            }
        })
    }
}

/// The tapscript of a leaf: keys are pushed as 32 bytes (BIP342).
fn leaf_script(leaf: &Descriptor, index: u32) -> Result<Script, Error> {
    match leaf {
        Descriptor::Pk(k) => Ok(Builder::new()
            .push_slice(&k.x_only_at(index)?)
            .push_opcode(OP_CHECKSIG)
            .into_script()),
        Descriptor::MultiA {
            threshold,
            keys,
            sorted,
        } => {
            let mut xs = keys
                .iter()
                .map(|k| k.x_only_at(index))
                .collect::<Result<Vec<_>, _>>()?;
            if *sorted {
                xs.sort();
            }
            // (sigs.. -- ok): the first key starts the count with OP_CHECKSIG, each next
            // one adds to it with OP_CHECKSIGADD, and the count must equal k.
            let mut b = Builder::new();
            for (i, x) in xs.iter().enumerate() {
                b = b
                    .push_slice(x)
                    .push_opcode(if i == 0 { OP_CHECKSIG } else { OP_CHECKSIGADD });
            }
            Ok(b.push_int(i64::from(*threshold))
                .push_opcode(OP_NUMEQUAL)
                .into_script())
        }
        // The parser puts nothing else in a leaf.
        _ => Err(Error::Unsupported("this script in a tapscript leaf")),
    }
}

fn p2pk(key: &[u8]) -> Script {
    Builder::new()
        .push_slice_non_minimal(key)
        .push_opcode(OP_CHECKSIG)
        .into_script()
}

fn p2wpkh(key: &[u8]) -> Script {
    Builder::new()
        .push_opcode(OP_0)
        .push_slice(&hash160(key))
        .into_script()
}

fn p2tr(output_key: &[u8; 32]) -> Script {
    Builder::new()
        .push_opcode(OP_1)
        .push_slice(output_key)
        .into_script()
}
