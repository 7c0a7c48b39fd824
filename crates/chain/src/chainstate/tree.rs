//! The block tree: one entry per known header, how far each block was checked, and views
//! of one branch for the rules that look back.
//!
//! References: Core `src/chain.h` (`CBlockIndex`, `BlockStatus`, `CChain`).

use std::cmp::Reverse;
use std::collections::{BTreeSet, HashMap};

use sou_primitives::block::BlockHeader;
use sou_primitives::pow::Work;
use sou_primitives::BlockHash;

use crate::consensus::{AncestorInfo, AncestorView, BlockError};

/// How far a block has been checked (Core's `BlockStatus` validity levels).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum BlockStatus {
    /// Header valid; block data not (yet) received.
    Header,
    /// Block data received and checked without its context of coins.
    Data,
    /// Connected once: fully valid.
    Valid,
}

/// Why a block is marked invalid (Core's `BLOCK_FAILED_VALID` and `BLOCK_FAILED_CHILD`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The block itself breaks a rule (or was invalidated by hand).
    Invalid,
    /// It descends from an invalid block.
    InvalidParent,
}

/// One entry of the block tree (Core's `CBlockIndex`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockEntry {
    /// The block's header.
    pub header: BlockHeader,
    /// Height in its branch (genesis is 0).
    pub height: u32,
    /// Work of the branch up to and including this block.
    pub chain_work: Work,
    /// How far it has been checked.
    pub status: BlockStatus,
    /// Set when it, or an ancestor, is invalid; its validity level is kept beside it, as
    /// Core does, so that `reconsiderblock` restores it.
    pub failure: Option<Failure>,
    /// Whether the store holds the block's data.
    pub has_data: bool,
    /// Number of transactions, once the data arrived (0 before).
    pub tx_count: u32,
    /// Arrival order of the data, which breaks ties between branches of equal work: lower
    /// first (Core's `nSequenceId`); `preciousblock` gives negative ones.
    pub sequence: i64,
}

impl BlockEntry {
    /// True when the block, or one of its ancestors, is invalid.
    pub fn is_failed(&self) -> bool {
        self.failure.is_some()
    }
}

/// Outcome of handing a block to the chain state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessOutcome {
    /// The new tip.
    pub tip: BlockHash,
    /// Blocks disconnected by a reorganisation, tip first.
    pub disconnected: Vec<BlockHash>,
    /// Blocks connected, in order.
    pub connected: Vec<BlockHash>,
    /// Blocks found invalid while connecting, with why.
    pub invalid: Vec<(BlockHash, BlockError)>,
}

impl ProcessOutcome {
    pub(super) fn at(tip: BlockHash) -> ProcessOutcome {
        ProcessOutcome {
            tip,
            disconnected: vec![],
            connected: vec![],
            invalid: vec![],
        }
    }
}

/// The block tree and the active chain through it (Core's `BlockMap` and `CChain`).
#[derive(Debug, Default)]
pub(super) struct Tree {
    pub(super) entries: HashMap<BlockHash, BlockEntry>,
    /// The active chain, genesis first: `active[h]` is the block at height `h`.
    pub(super) active: Vec<BlockHash>,
}

impl Tree {
    pub(super) fn info(&self, hash: &BlockHash) -> Option<AncestorInfo> {
        let e = self.entries.get(hash)?;
        Some(AncestorInfo {
            hash: *hash,
            height: e.height,
            time: e.header.time,
            bits: e.header.bits,
            version: e.header.version,
        })
    }

    pub(super) fn is_active(&self, hash: &BlockHash, height: u32) -> bool {
        self.active.get(height as usize) == Some(hash)
    }
}

/// An [`AncestorView`] of one branch of the tree: the chain of blocks ending at `tip`.
#[derive(Debug, Clone, Copy)]
pub struct Branch<'a> {
    pub(super) tree: &'a Tree,
    pub(super) tip: BlockHash,
}

impl AncestorView for Branch<'_> {
    fn tip(&self) -> AncestorInfo {
        // A branch is only made for a block of the tree (`Chainstate::branch` checks).
        self.tree
            .info(&self.tip)
            .expect("a branch's tip is in the tree")
    }

    fn ancestor(&self, height: u32) -> Option<AncestorInfo> {
        let mut hash = self.tip;
        loop {
            let entry = self.tree.entries.get(&hash)?;
            if entry.height == height {
                return self.tree.info(&hash);
            }
            if entry.height < height {
                return None;
            }
            // On the active chain, jump straight to the height.
            if self.tree.is_active(&hash, entry.height) {
                let at = *self.tree.active.get(height as usize)?;
                return self.tree.info(&at);
            }
            hash = entry.header.prev_blockhash;
        }
    }
}

/// Where a candidate sits in [`Candidates`]: most work first, then earliest arrival (Core's
/// `CBlockIndexWorkComparator`), the hash last only to keep keys unique.
type CandidateKey = (Reverse<Work>, i64, BlockHash);

/// The blocks whose data is stored and that are not marked failed, in the order a better
/// tip is chosen. `activate_best_chain` looks only at the front of it, rather than at the
/// whole tree after every block (Core keeps `setBlockIndexCandidates` for this reason).
/// An entry's place changes with its work, data, failure or sequence: the chain state
/// refreshes the entries it touched before it reads the set.
#[derive(Debug, Default)]
pub(super) struct Candidates {
    order: BTreeSet<CandidateKey>,
    keys: HashMap<BlockHash, CandidateKey>,
}

impl Candidates {
    /// Every candidate among `entries`.
    pub(super) fn from_entries<'a>(
        entries: impl IntoIterator<Item = (&'a BlockHash, &'a BlockEntry)>,
    ) -> Candidates {
        let mut candidates = Candidates::default();
        for (hash, entry) in entries {
            candidates.refresh(hash, Some(entry));
        }
        candidates
    }

    /// Puts `hash` where `entry` (its current state, `None` if gone) belongs.
    pub(super) fn refresh(&mut self, hash: &BlockHash, entry: Option<&BlockEntry>) {
        if let Some(old) = self.keys.remove(hash) {
            self.order.remove(&old);
        }
        if let Some(entry) = entry.filter(|e| e.has_data && !e.is_failed()) {
            let key = (Reverse(entry.chain_work), entry.sequence, *hash);
            self.order.insert(key);
            self.keys.insert(*hash, key);
        }
    }

    /// The candidates, best first.
    pub(super) fn best_first(&self) -> impl Iterator<Item = &BlockHash> {
        self.order.iter().map(|(_, _, hash)| hash)
    }
}
