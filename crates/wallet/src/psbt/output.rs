//! The output map: what a PSBT knows about one output (scripts and key origins that let a
//! signer recognise its change).

use std::collections::BTreeMap;

use sou_primitives::encoding::{write_var_bytes, Reader};
use sou_primitives::Script;

use super::musig2::{parse_participants, write_participants, CompressedKey};
use super::raw::{
    bare, internal_key, keyed, pubkey_key, write_internal_key, write_proprietary, write_record,
    write_unknown, x_only, KeySource, RawMap, TapKeySource, XOnlyKey,
};
use super::{keep_internal_key, keep_non_empty, union, Error};

const OUT_REDEEM_SCRIPT: u8 = 0x00;
const OUT_WITNESS_SCRIPT: u8 = 0x01;
const OUT_BIP32_DERIVATION: u8 = 0x02;
/// PSBT version 2's output fields (BIP370): the amount and the script.
const OUT_V2_AMOUNT: u8 = 0x03;
const OUT_V2_SCRIPT: u8 = 0x04;
const OUT_TAP_INTERNAL_KEY: u8 = 0x05;
const OUT_TAP_TREE: u8 = 0x06;
const OUT_TAP_BIP32_DERIVATION: u8 = 0x07;
const OUT_MUSIG2_PARTICIPANT_PUBKEYS: u8 = 0x08;

/// What a PSBT knows about one output.
///
/// An empty script is Core's "none", as is an all-zero internal key: such a record reads as
/// `None`, and such a value set by hand is not written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Output {
    /// The P2SH redeem script.
    pub redeem_script: Option<Script>,
    /// The P2WSH witness script.
    pub witness_script: Option<Script>,
    /// Key origins by public key (lets a signer recognise its change).
    pub bip32_derivation: BTreeMap<Vec<u8>, KeySource>,
    /// BIP371: the internal key, which the output key tweaks. All zero means none, as in
    /// Core: such a record reads as `None`, and such a key is not written.
    pub tap_internal_key: Option<XOnlyKey>,
    /// BIP371: the script tree, its leaves in depth-first order.
    pub tap_tree: Option<Vec<TapTreeLeaf>>,
    /// BIP371: origins of x-only keys.
    pub tap_bip32_derivation: BTreeMap<XOnlyKey, TapKeySource>,
    /// BIP373: the participants' keys behind each MuSig2 aggregate key, as listed.
    pub musig2_participants: BTreeMap<CompressedKey, Vec<CompressedKey>>,
    /// Records of types this program does not interpret, proprietary ones (`0xfc`)
    /// included.
    pub unknown: BTreeMap<Vec<u8>, Vec<u8>>,
}

/// One leaf of a BIP371 output tree (`PSBT_OUT_TAP_TREE`): the list of leaves, left to
/// right with their depths, is enough to rebuild the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TapTreeLeaf {
    /// How deep the leaf is: 0 for a tree of one leaf.
    pub depth: u8,
    /// The leaf version (`0xc0` for tapscript).
    pub leaf_version: u8,
    /// The leaf's script.
    pub script: Script,
}

/// BIP371 output tree: `(depth, leaf version, script)` tuples in depth-first order that
/// build one complete tree (Core's `TaprootBuilder`, which refuses the rest).
fn parse_tap_tree(value: &[u8]) -> Result<Vec<TapTreeLeaf>, Error> {
    let bad = Error::InvalidValue(OUT_TAP_TREE);
    let mut r = Reader::new(value);
    // `branch[d]` is set when a subtree waits at depth `d` for its sibling.
    let mut branch: Vec<bool> = Vec::new();
    let mut leaves = Vec::new();
    if r.remaining() == 0 {
        return Err(bad);
    }
    while r.remaining() > 0 {
        let leaf = TapTreeLeaf {
            depth: r.read_u8().map_err(|_| bad.clone())?,
            leaf_version: r.read_u8().map_err(|_| bad.clone())?,
            // A canonical length, so the tree writes back to the same bytes.
            script: Script::from_slice(r.read_var_bytes().map_err(|_| bad.clone())?),
        };
        let depth = usize::from(leaf.depth);
        if depth > sou_keys::taproot::MAX_PATH_LEN
            || leaf.leaf_version & 1 != 0
            || depth + 1 < branch.len()
        {
            return Err(bad);
        }
        // Insert a node at `depth`, merging with waiting siblings up the tree.
        let mut d = depth;
        while branch.len() > d && branch[d] {
            branch.pop();
            if d == 0 {
                return Err(bad);
            }
            d -= 1;
        }
        if branch.len() <= d {
            branch.resize(d + 1, false);
        }
        branch[d] = true;
        leaves.push(leaf);
    }
    if branch.len() == 1 && branch[0] {
        Ok(leaves)
    } else {
        Err(bad)
    }
}

impl Output {
    pub(super) fn parse(map: RawMap) -> Result<Output, Error> {
        let mut output = Output::default();
        for (key, value) in map {
            let t = key[0];
            match t {
                OUT_REDEEM_SCRIPT => {
                    bare(&key)?;
                    output.redeem_script = (!value.is_empty()).then(|| Script::from_bytes(value));
                }
                OUT_WITNESS_SCRIPT => {
                    bare(&key)?;
                    output.witness_script = (!value.is_empty()).then(|| Script::from_bytes(value));
                }
                OUT_BIP32_DERIVATION => {
                    let pk = pubkey_key(&key)?;
                    output
                        .bip32_derivation
                        .insert(pk, KeySource::parse(&value, t)?);
                }
                OUT_V2_AMOUNT | OUT_V2_SCRIPT => return Err(Error::Version2Field(t)),
                OUT_TAP_INTERNAL_KEY => {
                    bare(&key)?;
                    output.tap_internal_key = internal_key(&value, t)?;
                }
                OUT_TAP_TREE => {
                    bare(&key)?;
                    output.tap_tree = Some(parse_tap_tree(&value)?);
                }
                OUT_TAP_BIP32_DERIVATION => {
                    let xonly = x_only(&key[1..]).ok_or(Error::InvalidKey {
                        key_type: t,
                        len: key.len(),
                    })?;
                    let source = TapKeySource::parse(&value, t)?;
                    output.tap_bip32_derivation.insert(xonly, source);
                }
                OUT_MUSIG2_PARTICIPANT_PUBKEYS => {
                    let (aggregate, participants) = parse_participants(&key, &value)?;
                    output.musig2_participants.insert(aggregate, participants);
                }
                _ => {
                    output.unknown.insert(key, value);
                }
            }
        }
        Ok(output)
    }

    /// The output map, in Core's order (`PSBTOutput::Serialize`): proprietary records come
    /// before the taproot fields there.
    pub(super) fn serialize_to(&self, out: &mut Vec<u8>) {
        if let Some(s) = self.redeem_script.as_ref().filter(|s| !s.is_empty()) {
            write_record(out, &[OUT_REDEEM_SCRIPT], s.as_bytes());
        }
        if let Some(s) = self.witness_script.as_ref().filter(|s| !s.is_empty()) {
            write_record(out, &[OUT_WITNESS_SCRIPT], s.as_bytes());
        }
        for (pk, source) in &self.bip32_derivation {
            write_record(out, &keyed(OUT_BIP32_DERIVATION, pk), &source.serialize());
        }
        write_proprietary(out, &self.unknown);
        write_internal_key(out, OUT_TAP_INTERNAL_KEY, self.tap_internal_key);
        if let Some(tree) = self.tap_tree.as_ref().filter(|t| !t.is_empty()) {
            let mut value = Vec::new();
            for leaf in tree {
                value.extend_from_slice(&[leaf.depth, leaf.leaf_version]);
                write_var_bytes(&mut value, leaf.script.as_bytes());
            }
            write_record(out, &[OUT_TAP_TREE], &value);
        }
        for (xonly, source) in &self.tap_bip32_derivation {
            let key = keyed(OUT_TAP_BIP32_DERIVATION, &xonly.to_byte_array());
            write_record(out, &key, &source.serialize());
        }
        write_participants(
            out,
            OUT_MUSIG2_PARTICIPANT_PUBKEYS,
            &self.musig2_participants,
        );
        write_unknown(out, &self.unknown);
        out.push(0);
    }

    /// Everything is merged in; on a conflict the value already here stays (Core
    /// `PSBTOutput::Merge`).
    pub(super) fn merge(&mut self, other: Output) {
        keep_non_empty(
            &mut self.redeem_script,
            other.redeem_script,
            Script::is_empty,
        );
        keep_non_empty(
            &mut self.witness_script,
            other.witness_script,
            Script::is_empty,
        );
        union(&mut self.bip32_derivation, other.bip32_derivation);
        keep_internal_key(&mut self.tap_internal_key, other.tap_internal_key);
        keep_non_empty(&mut self.tap_tree, other.tap_tree, Vec::is_empty);
        union(&mut self.tap_bip32_derivation, other.tap_bip32_derivation);
        union(&mut self.musig2_participants, other.musig2_participants);
        union(&mut self.unknown, other.unknown);
    }
}
