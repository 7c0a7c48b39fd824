//! Chain state: the block tree, the active chain and the set of unspent coins.
//!
//! A node keeps every valid header it has seen in a tree (forks happen when two miners
//! find a block at once), and follows the branch with the most cumulative [`Work`], not
//! the longest one; between branches of equal work, the one whose tip arrived first. Along
//! the active branch it keeps the UTXO set: every coin not yet spent. Connecting a block
//! spends its inputs' coins and creates its outputs', and records what it spent
//! ([`BlockUndo`]) so that the block can be disconnected again. When another branch
//! overtakes the active one, the node *reorganises*: it disconnects back to the fork point
//! and connects the other branch; if a block there turns out to be invalid, it and its
//! descendants are marked so, and the node returns to the best branch still valid.
//!
//! ```text
//!   0 - 1 - 2 - 3 - 4              active chain (tip 4)
//!            \
//!             3A - 4A - 5A         more work: disconnect 4, 3; connect 3A, 4A, 5A
//! ```
//!
//! Script checks run across all cores with `rayon`, each transaction's as soon as it is
//! applied, while this thread goes on through the block (or one by one after it, with
//! identical verdicts). The best candidate tip is found in an ordered set of the blocks
//! with data (Core's `setBlockIndexCandidates`), not by scanning the tree. A block with several faults is rejected for
//! the first in the order of Core's single-threaded `ConnectBlock`; a bitcoind running
//! script-check threads may name a later script failure instead (see `connect_block`).
//!
//! The coins, blocks and undo data live in a [`ChainStore`] (in memory by default, on disk
//! in a node); the block tree itself is kept in memory, as Core keeps its block index, and
//! handed to the store's owner for saving ([`Chainstate::take_changed`]).
//!
//! References: Core `src/validation.cpp` (`ConnectBlock`, `DisconnectBlock`,
//! `ActivateBestChain`, `InvalidChainFound`, `InvalidateBlock`, `ResetBlockFailureFlags`,
//! `PreciousBlock`), `src/coins.h` (`Coin`, `CCoinsView`), `src/node/blockstorage.cpp`
//! (`CBlockIndexWorkComparator`).

use std::collections::{HashMap, HashSet};

use sou_primitives::block::{Block, BlockHeader};
use sou_primitives::network::Params;
use sou_primitives::pow::Work;
use sou_primitives::BlockHash;
use thiserror::Error;

mod by_hand;
mod tree;

pub use crate::connect::{connect_block, disconnect_block, BlockUndo, ConnectOptions, UtxoSet};
use crate::consensus::{
    check_block, check_block_header, contextual_check_block, contextual_check_block_header,
    AncestorView, BlockError, BlockErrorKind, CheckBlockOptions,
};
use crate::store::{ChainError, ChainStore, MemoryStore};
pub use tree::{BlockEntry, BlockStatus, Branch, Failure, ProcessOutcome};
use tree::{Candidates, Tree};

/// Our own failures (not rule violations): data handed to us that does not fit.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ChainstateError {
    /// Disconnecting a block whose outputs are not all unspent, or with undo data that does
    /// not fit it.
    #[error("undo data does not match block {0}")]
    BadUndo(BlockHash),
    /// A block or header not known.
    #[error("unknown block {0}")]
    UnknownBlock(BlockHash),
    /// A block in the tree whose data the store does not have.
    #[error("the data of block {0} is missing")]
    MissingBlockData(BlockHash),
    /// The genesis block cannot be disconnected or invalidated.
    #[error("the genesis block cannot be disconnected")]
    CannotDisconnectGenesis,
    /// A saved block tree whose tip or links do not fit together.
    #[error("the saved block tree is inconsistent: {0}")]
    BadTree(String),
}

/// Arrival numbers for blocks loaded from a saved tree (Core's `SEQ_ID_BEST_CHAIN_FROM_DISK`
/// and `SEQ_ID_INIT_FROM_DISK`): the saved active chain wins ties against its rivals.
const SEQUENCE_ACTIVE_FROM_DISK: i64 = 0;
const SEQUENCE_OTHER_FROM_DISK: i64 = 1;

/// The block tree, the active chain, and the store holding coins, blocks and undo data.
#[derive(Debug)]
pub struct Chainstate<S: ChainStore = MemoryStore> {
    params: &'static Params,
    options: ConnectOptions,
    tree: Tree,
    store: S,
    /// The node's clock for the "two hours in the future" rule; `None` uses the system's.
    clock: Option<i64>,
    /// The next arrival number for received block data.
    next_sequence: i64,
    /// The next (decreasing) arrival number `preciousblock` hands out, and the tip work it
    /// was handed out at (Core's `nBlockReverseSequenceId`, `nLastPreciousChainwork`).
    precious_sequence: i64,
    precious_work: Work,
    /// Entries changed since the last [`Chainstate::take_changed`].
    changed: HashSet<BlockHash>,
    /// Blocks that may become the tip, and the entries touched since they were ordered.
    candidates: Candidates,
    unsorted: HashSet<BlockHash>,
    /// Transactions whose scripts the mempool checked, skipped when a block has them.
    script_cache: Option<std::sync::Arc<crate::ScriptCache>>,
}

impl Chainstate<MemoryStore> {
    /// A chain state in memory holding only `params`' genesis block (whose coinbase, as in
    /// Core, is not spendable and not in the UTXO set).
    pub fn new(params: &'static Params, options: ConnectOptions) -> Chainstate {
        match Chainstate::with_store(params, options, MemoryStore::new()) {
            Ok(state) => state,
            Err(never) => match never {},
        }
    }

    /// The UTXO set of the active chain.
    pub fn utxo(&self) -> &UtxoSet {
        &self.store.utxo
    }

    /// The data of a block, if received.
    pub fn block_ref(&self, hash: &BlockHash) -> Option<&Block> {
        self.store.block_ref(hash)
    }
}

impl<S: ChainStore> Chainstate<S> {
    /// A chain state over `store` (which holds nothing yet) with only the genesis block.
    pub fn with_store(
        params: &'static Params,
        options: ConnectOptions,
        mut store: S,
    ) -> Result<Chainstate<S>, S::Error> {
        let genesis = params.genesis_block();
        let hash = genesis.block_hash();
        store.store_block(&hash, &genesis)?;
        let entry = BlockEntry {
            header: genesis.header,
            height: 0,
            chain_work: Work::from_compact(genesis.header.bits),
            status: BlockStatus::Valid,
            failure: None,
            has_data: true,
            tx_count: 1,
            sequence: 0,
        };
        let entries = HashMap::from([(hash, entry)]);
        Ok(Chainstate {
            params,
            options,
            candidates: Candidates::from_entries(&entries),
            tree: Tree {
                entries,
                active: vec![hash],
            },
            store,
            clock: None,
            next_sequence: 1,
            precious_sequence: -1,
            precious_work: Work::ZERO,
            changed: HashSet::from([hash]),
            unsorted: HashSet::new(),
            script_cache: None,
        })
    }

    /// A chain state from a saved block tree and the store it was saved with, whose coins
    /// are those of the chain ending at `coins_tip` (Core's `LoadBlockIndex` and
    /// `LoadChainTip`). Call [`Chainstate::activate_best_chain`] next to connect whatever
    /// better branch has its data.
    pub fn load(
        params: &'static Params,
        options: ConnectOptions,
        store: S,
        entries: impl IntoIterator<Item = (BlockHash, BlockEntry)>,
        coins_tip: BlockHash,
    ) -> Result<Chainstate<S>, ChainstateError> {
        let mut entries: HashMap<BlockHash, BlockEntry> = entries.into_iter().collect();
        let genesis = params.genesis_hash;
        if !entries.contains_key(&genesis) {
            return Err(ChainstateError::BadTree("no genesis block".into()));
        }
        let tip_height = entries
            .get(&coins_tip)
            .ok_or(ChainstateError::UnknownBlock(coins_tip))?
            .height;
        let mut active = vec![genesis; tip_height as usize + 1];
        let mut cursor = coins_tip;
        for height in (1..=tip_height).rev() {
            let entry = entries
                .get(&cursor)
                .filter(|e| e.height == height)
                .ok_or_else(|| {
                    ChainstateError::BadTree(format!("block {cursor} at height {height}"))
                })?;
            active[height as usize] = cursor;
            cursor = entry.header.prev_blockhash;
        }
        if cursor != genesis {
            return Err(ChainstateError::BadTree(format!(
                "the chain of {coins_tip} does not start at genesis"
            )));
        }
        let on_active: HashSet<BlockHash> = active.iter().copied().collect();
        for (hash, entry) in entries.iter_mut() {
            entry.sequence = if on_active.contains(hash) {
                SEQUENCE_ACTIVE_FROM_DISK
            } else {
                SEQUENCE_OTHER_FROM_DISK
            };
        }
        Ok(Chainstate {
            params,
            options,
            candidates: Candidates::from_entries(&entries),
            tree: Tree { entries, active },
            store,
            clock: None,
            next_sequence: SEQUENCE_OTHER_FROM_DISK + 1,
            precious_sequence: -1,
            precious_work: Work::ZERO,
            changed: HashSet::new(),
            unsorted: HashSet::new(),
            script_cache: None,
        })
    }

    /// Gives the chain state a script execution cache (see [`crate::script_cache`]): the
    /// mempool notes there the transactions whose scripts it checked, and connecting a
    /// block skips them.
    pub fn set_script_cache(&mut self, cache: std::sync::Arc<crate::ScriptCache>) {
        self.script_cache = Some(cache);
    }

    /// The script execution cache, if one was given.
    pub fn script_cache(&self) -> Option<&std::sync::Arc<crate::ScriptCache>> {
        self.script_cache.as_ref()
    }

    /// The network's parameters.
    pub fn params(&self) -> &'static Params {
        self.params
    }

    /// Sets the clock used for the future-time rule (`setmocktime`, tests replaying old
    /// chains); `None` goes back to the system clock.
    pub fn set_clock(&mut self, unix_time: impl Into<Option<i64>>) {
        self.clock = unix_time.into();
    }

    /// The time used for the future-time rule: the set clock, or the system's.
    pub fn now(&self) -> i64 {
        self.clock.unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        })
    }

    /// The branch of the tree ending at `tip`, as an [`AncestorView`] for the consensus
    /// rules that look back (median time past, difficulty, sequence locks); `None` if
    /// `tip` is not in the tree.
    pub fn branch(&self, tip: BlockHash) -> Option<Branch<'_>> {
        self.tree.entries.contains_key(&tip).then_some(Branch {
            tree: &self.tree,
            tip,
        })
    }

    /// The active tip.
    pub fn tip(&self) -> BlockHash {
        *self.tree.active.last().unwrap_or(&self.params.genesis_hash)
    }

    /// The active tip's height.
    pub fn height(&self) -> u32 {
        // The active chain always holds genesis; heights fit in u32 (headers are checked).
        u32::try_from(self.tree.active.len().saturating_sub(1)).unwrap_or(u32::MAX)
    }

    /// The active chain, genesis first.
    pub fn active_chain(&self) -> &[BlockHash] {
        &self.tree.active
    }

    /// True when `hash` is on the active chain.
    pub fn is_active(&self, hash: &BlockHash) -> bool {
        self.tree
            .entries
            .get(hash)
            .is_some_and(|e| self.tree.active.get(e.height as usize) == Some(hash))
    }

    /// An entry of the block tree.
    pub fn entry(&self, hash: &BlockHash) -> Option<&BlockEntry> {
        self.tree.entries.get(hash)
    }

    /// Every entry of the block tree, in no particular order.
    pub fn entries(&self) -> impl Iterator<Item = (&BlockHash, &BlockEntry)> {
        self.tree.entries.iter()
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The store, to flush it or read from it.
    pub fn store_mut(&mut self) -> &mut S {
        &mut self.store
    }

    /// The entries changed since the last call, to be saved with the store's next flush.
    pub fn take_changed(&mut self) -> Vec<(BlockHash, BlockEntry)> {
        let changed = std::mem::take(&mut self.changed);
        changed
            .into_iter()
            .filter_map(|hash| self.tree.entries.get(&hash).map(|e| (hash, e.clone())))
            .collect()
    }

    /// The data of a block, read from the store.
    pub fn block(&mut self, hash: &BlockHash) -> Result<Option<Block>, S::Error> {
        self.store.block(hash)
    }

    /// What connecting a block spent, read from the store.
    pub fn undo(&mut self, hash: &BlockHash) -> Result<Option<BlockUndo>, S::Error> {
        self.store.undo(hash)
    }

    fn touch(&mut self, hash: &BlockHash) -> Option<&mut BlockEntry> {
        self.changed.insert(*hash);
        self.unsorted.insert(*hash);
        self.tree.entries.get_mut(hash)
    }

    /// Accepts a header (Core `AcceptBlockHeader`): proof of work, a known and valid parent,
    /// and the contextual header rules on the parent's branch.
    pub fn accept_header(&mut self, header: &BlockHeader) -> Result<BlockHash, BlockError> {
        let hash = header.block_hash();
        if let Some(entry) = self.tree.entries.get(&hash) {
            return match entry.failure {
                Some(_) => Err(BlockError::DuplicateInvalid { hash }),
                None => Ok(hash),
            };
        }
        check_block_header(header, self.params)?;
        let parent =
            self.tree
                .entries
                .get(&header.prev_blockhash)
                .ok_or(BlockError::PrevBlockNotFound {
                    prev: header.prev_blockhash,
                })?;
        if parent.is_failed() {
            return Err(BlockError::BadPrevBlock {
                prev: header.prev_blockhash,
            });
        }
        let (height, parent_work) = (parent.height + 1, parent.chain_work);
        let branch = Branch {
            tree: &self.tree,
            tip: header.prev_blockhash,
        };
        contextual_check_block_header(header, &branch, self.params, self.now())?;
        // Work per block is at most 2^256 / pow_limit-ish; a sum past 2^256 cannot happen.
        let chain_work = parent_work
            .checked_add(Work::from_compact(header.bits))
            .expect("chain work below 2^256");
        self.tree.entries.insert(
            hash,
            BlockEntry {
                header: *header,
                height,
                chain_work,
                status: BlockStatus::Header,
                failure: None,
                has_data: false,
                tx_count: 0,
                sequence: 0,
            },
        );
        self.changed.insert(hash);
        Ok(hash)
    }

    /// Accepts a block and moves to the best valid chain (Core `ProcessNewBlock`).
    ///
    /// The block's own checks (context-free and contextual) fail with their reason right
    /// away; a block that fails while being connected is reported in
    /// [`ProcessOutcome::invalid`], and the chain stays on the best valid branch.
    pub fn process_block(&mut self, block: Block) -> Result<ProcessOutcome, ChainError<S::Error>> {
        self.process_block_with(block, |_, _, _| {})
    }

    /// [`Chainstate::process_block`], calling `accepted` with the chain state, the block
    /// and its hash once a new block passed its checks and was kept, before it is
    /// connected: the moment Core signals `NewPoWValidBlock`, when a node may relay a
    /// block whose proof of work and contents are checked but whose spends are not yet.
    pub fn process_block_with(
        &mut self,
        block: Block,
        accepted: impl FnOnce(&Self, &Block, &BlockHash),
    ) -> Result<ProcessOutcome, ChainError<S::Error>> {
        let Some(hash) = self.accept_block(&block)? else {
            return Ok(ProcessOutcome::at(self.tip()));
        };
        accepted(self, &block, &hash);
        self.activate_best_chain()
    }

    /// Checks a block and keeps its data, without connecting it (Core `AcceptBlock`);
    /// `None` when its data was already kept.
    pub fn accept_block(
        &mut self,
        block: &Block,
    ) -> Result<Option<BlockHash>, ChainError<S::Error>> {
        // Core's ProcessNewBlock checks the block on its own first: a block failing here
        // never enters the tree (another peer may send the right transactions under the
        // same header, or the header itself is bad).
        check_block(block, self.params, CheckBlockOptions::default())?;
        let hash = self.accept_header(&block.header)?;
        if self.tree.entries.get(&hash).is_some_and(|e| e.has_data) {
            return Ok(None);
        }
        let branch = Branch {
            tree: &self.tree,
            tip: block.header.prev_blockhash,
        };
        if let Err(e) = contextual_check_block(block, &branch, self.params) {
            // A mutated block says nothing about its header, which another peer may send
            // with the right transactions.
            if e.kind() != BlockErrorKind::Mutated {
                self.mark_failed(&hash);
            }
            return Err(e.into());
        }
        self.store
            .store_block(&hash, block)
            .map_err(ChainError::Store)?;
        let sequence = self.next_sequence;
        self.next_sequence += 1;
        // A block holds at most 4 MWU / 60 WU transactions: far below 2^32.
        let tx_count = u32::try_from(block.txdata.len()).expect("fewer than 2^32 transactions");
        if let Some(entry) = self.touch(&hash) {
            entry.has_data = true;
            entry.tx_count = tx_count;
            entry.status = entry.status.max(BlockStatus::Data);
            entry.sequence = sequence;
        }
        Ok(Some(hash))
    }

    fn mark_failed(&mut self, hash: &BlockHash) {
        if let Some(e) = self.touch(hash) {
            e.failure = Some(Failure::Invalid);
        }
        for d in self.descendants(hash) {
            if let Some(e) = self.touch(&d) {
                e.failure = Some(Failure::InvalidParent);
            }
        }
    }

    /// Every entry whose ancestry reaches `ancestor` (itself excluded).
    fn descendants(&self, ancestor: &BlockHash) -> Vec<BlockHash> {
        self.tree
            .entries
            .keys()
            .filter(|h| *h != ancestor && self.descends_from(h, ancestor))
            .copied()
            .collect()
    }

    /// True when `hash` is `ancestor` or one of its descendants.
    pub fn descends_from(&self, hash: &BlockHash, ancestor: &BlockHash) -> bool {
        let Some(target_height) = self.tree.entries.get(ancestor).map(|e| e.height) else {
            return false;
        };
        let mut cur = *hash;
        while let Some(e) = self.tree.entries.get(&cur) {
            if e.height <= target_height {
                return cur == *ancestor;
            }
            cur = e.header.prev_blockhash;
        }
        false
    }

    /// Core's `CBlockIndexWorkComparator`: more work wins, then earlier arrival.
    fn better(&self, a: &BlockEntry, b: &BlockEntry) -> bool {
        a.chain_work > b.chain_work || (a.chain_work == b.chain_work && a.sequence < b.sequence)
    }

    /// The block with the most work (earliest arrival among equals) whose whole branch has
    /// data and none failed; the tip itself if none beats it.
    fn best_candidate(&mut self) -> BlockHash {
        for hash in std::mem::take(&mut self.unsorted) {
            self.candidates.refresh(&hash, self.tree.entries.get(&hash));
        }
        let tip = self.tip();
        let Some(tip_entry) = self.tree.entries.get(&tip) else {
            return tip;
        };
        let mut unusable = HashSet::new();
        for hash in self.candidates.best_first() {
            let Some(entry) = self.tree.entries.get(hash) else {
                continue;
            };
            if !self.better(entry, tip_entry) {
                break;
            }
            if self.branch_usable(hash, &mut unusable) {
                return *hash;
            }
        }
        tip
    }

    /// True when every block from `hash` down to the active chain has its data and none
    /// failed. Blocks found unusable go into `unusable`, so that candidates sharing a
    /// branch (blocks received ahead of a missing one, during a download) stop at the
    /// first known one rather than walking down again each.
    fn branch_usable(&self, hash: &BlockHash, unusable: &mut HashSet<BlockHash>) -> bool {
        let mut walked = Vec::new();
        let mut cur = *hash;
        let usable = loop {
            if unusable.contains(&cur) {
                break false;
            }
            let Some(e) = self.tree.entries.get(&cur) else {
                break false;
            };
            if e.is_failed() || !e.has_data {
                break false;
            }
            if self.tree.active.get(e.height as usize) == Some(&cur) {
                break true;
            }
            walked.push(cur);
            cur = e.header.prev_blockhash;
        };
        if !usable {
            unusable.extend(walked);
        }
        usable
    }

    /// Moves the active chain to the best valid branch (Core `ActivateBestChain`).
    pub fn activate_best_chain(&mut self) -> Result<ProcessOutcome, ChainError<S::Error>> {
        let mut outcome = ProcessOutcome::at(self.tip());
        loop {
            let target = self.best_candidate();
            if target == self.tip() {
                break;
            }
            // The path from the fork point up to the target.
            let mut path = Vec::new();
            let mut cur = target;
            while let Some(e) = self.tree.entries.get(&cur) {
                if self.tree.active.get(e.height as usize) == Some(&cur) {
                    break;
                }
                path.push(cur);
                cur = e.header.prev_blockhash;
            }
            path.reverse();
            let fork_height = self.tree.entries.get(&cur).map_or(0, |e| e.height);
            while self.height() > fork_height {
                outcome.disconnected.push(self.disconnect_tip()?);
            }
            for hash in path {
                match self.connect_tip(&hash) {
                    Ok(()) => outcome.connected.push(hash),
                    Err(ChainError::Invalid(e)) => {
                        self.mark_failed(&hash);
                        outcome.invalid.push((hash, e));
                        break;
                    }
                    Err(other) => return Err(other),
                }
            }
        }
        outcome.tip = self.tip();
        Ok(outcome)
    }

    fn connect_tip(&mut self, hash: &BlockHash) -> Result<(), ChainError<S::Error>> {
        let block = self
            .store
            .block(hash)
            .map_err(ChainError::Store)?
            .ok_or(ChainstateError::MissingBlockData(*hash))?;
        let branch = Branch {
            tree: &self.tree,
            tip: block.header.prev_blockhash,
        };
        let hash_at_bip34 = branch
            .ancestor(self.params.deployments.bip34_height)
            .map(|a| a.hash);
        let undo = crate::connect::connect_block_cached(
            &block,
            hash,
            &branch,
            hash_at_bip34,
            &mut self.store,
            self.params,
            self.options,
            self.script_cache.as_deref(),
        )?;
        self.store
            .store_undo(hash, &undo)
            .map_err(ChainError::Store)?;
        self.tree.active.push(*hash);
        if let Some(e) = self.touch(hash) {
            e.status = BlockStatus::Valid;
        }
        Ok(())
    }

    /// Disconnects the active tip, restoring the coins it spent; returns its hash.
    pub fn disconnect_tip(&mut self) -> Result<BlockHash, ChainError<S::Error>> {
        let hash = self.tip();
        if self.tree.active.len() <= 1 {
            return Err(ChainstateError::CannotDisconnectGenesis.into());
        }
        let block = self
            .store
            .block(&hash)
            .map_err(ChainError::Store)?
            .ok_or(ChainstateError::MissingBlockData(hash))?;
        let undo = self
            .store
            .undo(&hash)
            .map_err(ChainError::Store)?
            .ok_or(ChainstateError::BadUndo(hash))?;
        disconnect_block(&block, &undo, &mut self.store)?;
        self.tree.active.pop();
        Ok(hash)
    }
}
