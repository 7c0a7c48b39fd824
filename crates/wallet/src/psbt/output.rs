//! The output map: what a PSBT knows about one output (scripts and key origins that let a
//! signer recognise its change).

use std::collections::BTreeMap;

use sou_primitives::encoding::Reader;
use sou_primitives::Script;

use super::raw::{
    array32, bare, check_tap_key_origin, keyed, pubkey_key, write_record, write_unknown, KeySource,
    RawMap,
};
use super::{keep, union, Error};

const OUT_REDEEM_SCRIPT: u8 = 0x00;
const OUT_WITNESS_SCRIPT: u8 = 0x01;
const OUT_BIP32_DERIVATION: u8 = 0x02;
const OUT_TAP_INTERNAL_KEY: u8 = 0x05;
const OUT_TAP_TREE: u8 = 0x06;
const OUT_TAP_BIP32_DERIVATION: u8 = 0x07;

/// What a PSBT knows about one output.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Output {
    /// The P2SH redeem script.
    pub redeem_script: Option<Script>,
    /// The P2WSH witness script.
    pub witness_script: Option<Script>,
    /// Key origins by public key (lets a signer recognise its change).
    pub bip32_derivation: BTreeMap<Vec<u8>, KeySource>,
    /// BIP371: the internal x-only key.
    pub tap_internal_key: Option<[u8; 32]>,
    /// BIP371: the script tree, as serialised (depth, leaf version, script)*.
    pub tap_tree: Option<Vec<u8>>,
    /// BIP371: x-only key origins, as serialised.
    pub tap_bip32_derivation: BTreeMap<Vec<u8>, Vec<u8>>,
    /// Records of types this program does not interpret.
    pub unknown: BTreeMap<Vec<u8>, Vec<u8>>,
}

/// BIP371 output tree: `(depth, leaf version, script)` tuples in depth-first order that
/// build one complete tree (Core's `TaprootBuilder`, which refuses the rest).
fn check_tap_tree(value: &[u8]) -> Result<(), Error> {
    let bad = Error::InvalidValue(OUT_TAP_TREE);
    let mut r = Reader::new(value);
    // `branch[d]` is set when a subtree waits at depth `d` for its sibling.
    let mut branch: Vec<bool> = Vec::new();
    if r.remaining() == 0 {
        return Err(bad);
    }
    while r.remaining() > 0 {
        let depth = usize::from(r.read_u8().map_err(|_| bad.clone())?);
        let leaf_version = r.read_u8().map_err(|_| bad.clone())?;
        r.read_var_bytes().map_err(|_| bad.clone())?;
        if depth > sou_keys::taproot::MAX_PATH_LEN
            || leaf_version & 1 != 0
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
    }
    if branch.len() == 1 && branch[0] {
        Ok(())
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
                    output.redeem_script = Some(Script::from_bytes(value));
                }
                OUT_WITNESS_SCRIPT => {
                    bare(&key)?;
                    output.witness_script = Some(Script::from_bytes(value));
                }
                OUT_BIP32_DERIVATION => {
                    let pk = pubkey_key(&key)?;
                    output
                        .bip32_derivation
                        .insert(pk, KeySource::parse(&value, t)?);
                }
                OUT_TAP_INTERNAL_KEY => {
                    bare(&key)?;
                    output.tap_internal_key = Some(array32(&value, t)?);
                }
                OUT_TAP_TREE => {
                    bare(&key)?;
                    check_tap_tree(&value)?;
                    output.tap_tree = Some(value);
                }
                OUT_TAP_BIP32_DERIVATION => {
                    if key.len() != 33 {
                        return Err(Error::InvalidKey {
                            key_type: t,
                            len: key.len(),
                        });
                    }
                    check_tap_key_origin(&value, t)?;
                    output.tap_bip32_derivation.insert(key[1..].to_vec(), value);
                }
                _ => {
                    output.unknown.insert(key, value);
                }
            }
        }
        Ok(output)
    }

    pub(super) fn serialize_to(&self, out: &mut Vec<u8>) {
        if let Some(s) = &self.redeem_script {
            write_record(out, &[OUT_REDEEM_SCRIPT], s.as_bytes());
        }
        if let Some(s) = &self.witness_script {
            write_record(out, &[OUT_WITNESS_SCRIPT], s.as_bytes());
        }
        for (pk, source) in &self.bip32_derivation {
            write_record(out, &keyed(OUT_BIP32_DERIVATION, pk), &source.serialize());
        }
        if let Some(k) = &self.tap_internal_key {
            write_record(out, &[OUT_TAP_INTERNAL_KEY], k);
        }
        if let Some(tree) = &self.tap_tree {
            write_record(out, &[OUT_TAP_TREE], tree);
        }
        for (k, v) in &self.tap_bip32_derivation {
            write_record(out, &keyed(OUT_TAP_BIP32_DERIVATION, k), v);
        }
        write_unknown(out, &self.unknown);
        out.push(0);
    }

    pub(super) fn merge(&mut self, other: Output) {
        keep(&mut self.redeem_script, other.redeem_script);
        keep(&mut self.witness_script, other.witness_script);
        union(&mut self.bip32_derivation, other.bip32_derivation);
        keep(&mut self.tap_internal_key, other.tap_internal_key);
        keep(&mut self.tap_tree, other.tap_tree);
        union(&mut self.tap_bip32_derivation, other.tap_bip32_derivation);
        union(&mut self.unknown, other.unknown);
    }
}
