//! Taproot outputs (BIP341): one key that can also hide a tree of scripts.
//!
//! A taproot output is a single x-only key `Q`. Whoever holds the *internal key* `P` can
//! spend with one signature (the key path). Alternatively `Q` commits to a merkle tree of
//! scripts: `Q = P + t·G` with `t = TapTweak(P || root)`, so a spender can reveal one
//! script, the path of hashes proving it is in the tree, and `P`, and satisfy that script
//! (the script path). Unused scripts stay private, and a key-path spend looks like any
//! other.
//!
//! ```text
//!            root = TapBranch(sorted(h_AB, h_C))
//!              /                   \
//!   h_AB = TapBranch(h_A, h_B)    h_C = TapLeaf(version || script_C)
//!      /            \
//!  TapLeaf(A)     TapLeaf(B)
//! ```
//!
//! Branch hashes sort their two children, so a proof needs no left/right flags. The
//! *control block* given with a script-path spend is one byte (leaf version, plus the
//! parity of `Q`'s y), `P`, and the sibling hashes from the leaf up.
//!
//! References: BIP341 "Constructing and spending Taproot outputs", "Script validation
//! rules"; BIP340 (tagged hashes).

use secp256k1::{Parity, Scalar, XOnlyPublicKey, SECP256K1};
use sou_primitives::encoding::{write_compact_size, WriteBytes};
use sou_primitives::hashes::TaggedEngine;
use sou_primitives::Script;

use crate::key::Keypair;
use crate::Error;

/// The leaf version of BIP342 tapscript.
pub const TAPSCRIPT_LEAF_VERSION: u8 = 0xc0;

/// A node hash of a taproot script tree (a leaf or branch hash).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TapNodeHash(pub [u8; 32]);

/// `TapLeaf(leaf_version || CompactSize(len) || script)`.
pub fn tap_leaf_hash(leaf_version: u8, script: &Script) -> TapNodeHash {
    let mut engine = TaggedEngine::new("TapLeaf");
    engine.write_bytes(&[leaf_version]);
    write_compact_size(&mut engine, script.len() as u64);
    engine.write_bytes(script.as_bytes());
    TapNodeHash(engine.finish())
}

/// `TapBranch(min(a, b) || max(a, b))`.
pub fn tap_branch_hash(a: &TapNodeHash, b: &TapNodeHash) -> TapNodeHash {
    let (lo, hi) = if a.0 <= b.0 { (a, b) } else { (b, a) };
    let mut engine = TaggedEngine::new("TapBranch");
    engine.write_bytes(&lo.0);
    engine.write_bytes(&hi.0);
    TapNodeHash(engine.finish())
}

/// The tweak `t = TapTweak(P || root)`, or `TapTweak(P)` for a key with no scripts.
pub fn tap_tweak_hash(
    internal_key: &XOnlyPublicKey,
    merkle_root: Option<&TapNodeHash>,
) -> [u8; 32] {
    let mut engine = TaggedEngine::new("TapTweak");
    engine.write_bytes(&internal_key.serialize());
    if let Some(root) = merkle_root {
        engine.write_bytes(&root.0);
    }
    engine.finish()
}

/// The output key `Q = P + t·G` and the parity of its y.
pub fn tweak_public_key(
    internal_key: &XOnlyPublicKey,
    merkle_root: Option<&TapNodeHash>,
) -> Result<(XOnlyPublicKey, Parity), Error> {
    let tweak = Scalar::from_be_bytes(tap_tweak_hash(internal_key, merkle_root))
        .map_err(|_| Error::InvalidTweak)?;
    internal_key
        .add_tweak(SECP256K1, &tweak)
        .map_err(|_| Error::InvalidTweak)
}

impl Keypair {
    /// The key pair that signs for the tweaked output key (BIP341 key path): the secret
    /// is negated first if `P` has odd y, so that it matches the even-y `P` of the tweak.
    pub fn tap_tweak(&self, merkle_root: Option<&TapNodeHash>) -> Result<Keypair, Error> {
        let (internal, _) = self.x_only_public_key();
        let tweak = Scalar::from_be_bytes(tap_tweak_hash(&internal, merkle_root))
            .map_err(|_| Error::InvalidTweak)?;
        self.inner()
            .add_xonly_tweak(SECP256K1, &tweak)
            .map(Keypair::from_inner)
            .map_err(|_| Error::InvalidTweak)
    }
}

/// A taproot script tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TapTree {
    /// One script with its leaf version.
    Leaf {
        /// The leaf version (`0xc0` for tapscript).
        version: u8,
        /// The script.
        script: Script,
    },
    /// Two subtrees.
    Branch(Box<TapTree>, Box<TapTree>),
}

/// A leaf of a tree with the proof that it is in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeafProof {
    /// The leaf version.
    pub version: u8,
    /// The script.
    pub script: Script,
    /// Sibling hashes from the leaf up to the root.
    pub path: Vec<TapNodeHash>,
}

impl TapTree {
    /// A tapscript leaf.
    pub fn leaf(script: Script) -> TapTree {
        TapTree::Leaf {
            version: TAPSCRIPT_LEAF_VERSION,
            script,
        }
    }

    /// The root hash.
    pub fn merkle_root(&self) -> TapNodeHash {
        match self {
            TapTree::Leaf { version, script } => tap_leaf_hash(*version, script),
            TapTree::Branch(a, b) => tap_branch_hash(&a.merkle_root(), &b.merkle_root()),
        }
    }

    /// Every leaf, left to right, with its merkle path.
    pub fn leaves(&self) -> Vec<LeafProof> {
        let mut out = Vec::new();
        self.collect_leaves(&mut out);
        out
    }

    fn collect_leaves(&self, out: &mut Vec<LeafProof>) {
        match self {
            TapTree::Leaf { version, script } => out.push(LeafProof {
                version: *version,
                script: script.clone(),
                path: Vec::new(),
            }),
            TapTree::Branch(a, b) => {
                let (left_start, left_hash, right_hash) =
                    (out.len(), a.merkle_root(), b.merkle_root());
                a.collect_leaves(out);
                let right_start = out.len();
                b.collect_leaves(out);
                // Leaves on the left prove themselves with the right subtree's hash, and
                // the reverse.
                for leaf in &mut out[left_start..right_start] {
                    leaf.path.push(right_hash);
                }
                for leaf in &mut out[right_start..] {
                    leaf.path.push(left_hash);
                }
            }
        }
    }
}

/// What a script-path spend reveals besides the script (BIP341).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlBlock {
    /// The leaf version (even: the low bit carries the parity).
    pub leaf_version: u8,
    /// The parity of the output key's y.
    pub output_key_parity: Parity,
    /// The internal key `P`.
    pub internal_key: XOnlyPublicKey,
    /// Sibling hashes from the leaf up (at most 128).
    pub path: Vec<TapNodeHash>,
}

/// The deepest tree BIP341 allows (`TAPROOT_CONTROL_MAX_NODE_COUNT`).
pub const MAX_PATH_LEN: usize = 128;

impl ControlBlock {
    /// `leaf_version | parity`, `P`, then the path.
    pub fn serialize(&self) -> Vec<u8> {
        let parity = u8::from(self.output_key_parity == Parity::Odd);
        let mut out = Vec::with_capacity(33 + 32 * self.path.len());
        out.push(self.leaf_version | parity);
        out.extend_from_slice(&self.internal_key.serialize());
        for node in &self.path {
            out.extend_from_slice(&node.0);
        }
        out
    }

    /// Parses a control block: 33 bytes plus a multiple of 32, at most 128 nodes.
    pub fn parse(bytes: &[u8]) -> Result<ControlBlock, Error> {
        let len = bytes.len();
        if len < 33 || (len - 33) % 32 != 0 || (len - 33) / 32 > MAX_PATH_LEN {
            return Err(Error::InvalidControlBlock { len });
        }
        let internal_key = XOnlyPublicKey::from_byte_array(
            bytes[1..33]
                .try_into()
                .map_err(|_| Error::InvalidControlBlock { len })?,
        )
        .map_err(|_| Error::InvalidPublicKey)?;
        let path = bytes[33..]
            .chunks_exact(32)
            .map(|c| {
                let mut node = [0u8; 32];
                node.copy_from_slice(c);
                TapNodeHash(node)
            })
            .collect();
        Ok(ControlBlock {
            leaf_version: bytes[0] & 0xfe,
            output_key_parity: if bytes[0] & 1 == 1 {
                Parity::Odd
            } else {
                Parity::Even
            },
            internal_key,
            path,
        })
    }

    /// The control block of each leaf of `tree` under `internal_key`.
    pub fn for_tree(
        internal_key: &XOnlyPublicKey,
        tree: &TapTree,
    ) -> Result<Vec<ControlBlock>, Error> {
        let root = tree.merkle_root();
        let (_, parity) = tweak_public_key(internal_key, Some(&root))?;
        Ok(tree
            .leaves()
            .into_iter()
            .map(|leaf| ControlBlock {
                leaf_version: leaf.version,
                output_key_parity: parity,
                internal_key: *internal_key,
                path: leaf.path,
            })
            .collect())
    }
}
