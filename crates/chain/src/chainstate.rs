//! Chain state: the block tree, the active chain and the set of unspent coins.
//!
//! A node keeps every valid header it has seen in a tree (forks happen when two miners
//! find a block at once), and follows the branch with the most cumulative [`Work`], not
//! the longest one. Along the active branch it keeps the UTXO set: every coin not yet
//! spent. Connecting a block spends its inputs' coins and creates its outputs', and
//! records what it spent ([`BlockUndo`]) so that the block can be disconnected again.
//! When another branch overtakes the active one, the node *reorganises*: it disconnects
//! back to the fork point and connects the other branch; if a block there turns out to be
//! invalid, it and its descendants are marked so, and the node returns to the best branch
//! still valid.
//!
//! ```text
//!   0 - 1 - 2 - 3 - 4              active chain (tip 4)
//!            \
//!             3A - 4A - 5A         more work: disconnect 4, 3; connect 3A, 4A, 5A
//! ```
//!
//! Script checks run after the rest of a block is checked, across all cores with `rayon`
//! (or one by one, with identical verdicts), as Core's check queue does.
//!
//! References: Core `src/validation.cpp` (`ConnectBlock`, `DisconnectBlock`,
//! `ActivateBestChain`, `InvalidChainFound`), `src/coins.h` (`Coin`, `CCoinsView`).

use std::collections::HashMap;

use rayon::prelude::*;
use sou_primitives::block::{Block, BlockHeader};
use sou_primitives::network::{Params, COINBASE_MATURITY};
use sou_primitives::pow::Work;
use sou_primitives::{Amount, BlockHash, OutPoint, Transaction, TxOut, Txid};
use sou_script::{verify_input_with, PrecomputedTransactionData, VerifyFlags};
use thiserror::Error;

use crate::consensus::{
    block_script_flags, block_subsidy, check_block, check_block_header, check_tx_inputs,
    contextual_check_block, contextual_check_block_header, enforce_bip30, sequence_locks,
    transaction_sigop_cost, AncestorInfo, AncestorView, BlockError, BlockErrorKind,
    CheckBlockOptions, Coin, MAX_BLOCK_SIGOPS_COST,
};

/// An output's index as an outpoint stores it (transactions hold far fewer than 2^32).
fn output_index(vout: usize) -> u32 {
    u32::try_from(vout).unwrap_or(u32::MAX)
}

/// Read access to unspent coins (the node's store implements it over its database).
pub trait UtxoView {
    /// The unspent coin at `outpoint`, if any.
    fn coin(&self, outpoint: &OutPoint) -> Option<&Coin>;
}

/// The UTXO set in memory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UtxoSet {
    coins: HashMap<OutPoint, Coin>,
}

impl UtxoView for UtxoSet {
    fn coin(&self, outpoint: &OutPoint) -> Option<&Coin> {
        self.coins.get(outpoint)
    }
}

impl UtxoSet {
    /// An empty set.
    pub fn new() -> UtxoSet {
        UtxoSet::default()
    }

    /// Number of unspent coins.
    pub fn len(&self) -> usize {
        self.coins.len()
    }

    /// True when no coin is unspent.
    pub fn is_empty(&self) -> bool {
        self.coins.is_empty()
    }

    /// Every coin, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&OutPoint, &Coin)> {
        self.coins.iter()
    }

    /// The total value of all coins.
    pub fn total_value(&self) -> Amount {
        Amount::from_sat(self.coins.values().map(|c| c.output.value.to_sat()).sum())
    }

    fn add_outputs(&mut self, tx: &Transaction, txid: Txid, height: u32) {
        let is_coinbase = tx.is_coinbase();
        for (vout, output) in tx.output.iter().enumerate() {
            // Provably unspendable outputs (OP_RETURN, oversized scripts) never enter the
            // set, as in Core's `AddCoins`: spending one is spending a missing coin.
            if output.script_pubkey.is_unspendable() {
                continue;
            }
            let outpoint = OutPoint::new(txid, output_index(vout));
            self.coins.insert(
                outpoint,
                Coin {
                    output: output.clone(),
                    height,
                    is_coinbase,
                },
            );
        }
    }
}

/// What a connected block spent, to restore on disconnection (Core `CBlockUndo`): the
/// coins each non-coinbase transaction spent, in input order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BlockUndo {
    /// Per transaction after the coinbase, the spent coins.
    pub spent: Vec<Vec<Coin>>,
}

/// Our own failures (not rule violations): inconsistent data handed to us.
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
}

/// How to connect blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectOptions {
    /// Verify scripts across all cores with `rayon`.
    pub parallel_scripts: bool,
    /// Blocks before a coinbase may be spent (100; btcd's test chain uses 1).
    pub coinbase_maturity: u32,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            parallel_scripts: true,
            coinbase_maturity: COINBASE_MATURITY,
        }
    }
}

/// Connects `block` (hash `hash`) on top of `view`'s tip: checks every rule that needs the
/// UTXO set and updates `utxo` (Core `ConnectBlock`). On error `utxo` is unchanged.
pub fn connect_block<V: AncestorView + ?Sized>(
    block: &Block,
    hash: &BlockHash,
    view: &V,
    hash_at_bip34_height: Option<BlockHash>,
    utxo: &mut UtxoSet,
    params: &Params,
    options: ConnectOptions,
) -> Result<BlockUndo, BlockError> {
    let height = view.tip().height + 1;
    let txids: Vec<Txid> = if options.parallel_scripts {
        block
            .txdata
            .par_iter()
            .map(Transaction::compute_txid)
            .collect()
    } else {
        block.txdata.iter().map(Transaction::compute_txid).collect()
    };
    // BIP30: no transaction may recreate outputs that are still unspent.
    if enforce_bip30(height, hash, hash_at_bip34_height, params) {
        for (tx, txid) in block.txdata.iter().zip(&txids) {
            if (0..tx.output.len())
                .any(|o| utxo.coin(&OutPoint::new(*txid, output_index(o))).is_some())
            {
                return Err(BlockError::Bip30 { txid: *txid });
            }
        }
    }
    let flags = block_script_flags(height, hash, params);
    let enforce_bip68 = height >= params.deployments.csv_height;
    let mut undo = BlockUndo::default();
    let mut script_jobs: Vec<(usize, Vec<TxOut>)> = Vec::new();
    // Core's ConnectBlock runs each transaction's scripts before it looks at the next
    // transaction, and checks the coinbase amount after the last: a block with two faults
    // is rejected for the first in that order. `apply_transactions` stops at the first
    // transaction with an input fault, leaving the script jobs of those before it; their
    // scripts are checked first (in parallel, the first failure in block order kept).
    // (A bitcoind running script-check threads defers script failures to the end of the
    // block instead; this follows Core's single-threaded order, the kernel's default.)
    let applied = apply_transactions(
        block,
        &txids,
        view,
        utxo,
        height,
        flags,
        enforce_bip68,
        options,
        &mut undo,
        &mut script_jobs,
    );
    let result = check_scripts(block, &txids, script_jobs, flags, options.parallel_scripts)
        .and(applied)
        .and_then(|fees| {
            let limit = fees
                .checked_add(block_subsidy(height, params))
                .unwrap_or(Amount::MAX_MONEY);
            let actual = block.txdata[0]
                .total_output_value()
                .unwrap_or(Amount::MAX_MONEY);
            if actual > limit {
                return Err(BlockError::BadCoinbaseAmount { actual, limit });
            }
            Ok(())
        });
    match result {
        Ok(()) => Ok(undo),
        Err(e) => {
            // Put back what was applied before the failure.
            rollback(block, &txids, &undo, utxo);
            Err(e)
        }
    }
}

/// Applies the transactions in order (they may spend each other), collecting script
/// checks for later; returns the fees.
#[allow(clippy::too_many_arguments)]
fn apply_transactions<V: AncestorView + ?Sized>(
    block: &Block,
    txids: &[Txid],
    view: &V,
    utxo: &mut UtxoSet,
    height: u32,
    flags: VerifyFlags,
    enforce_bip68: bool,
    options: ConnectOptions,
    undo: &mut BlockUndo,
    script_jobs: &mut Vec<(usize, Vec<TxOut>)>,
) -> Result<Amount, BlockError> {
    let mut fees = Amount::ZERO;
    let mut sigop_cost = 0u64;
    for (index, (tx, txid)) in block.txdata.iter().zip(txids).enumerate() {
        let mut spent_outputs: Vec<TxOut> = Vec::with_capacity(tx.input.len());
        if !tx.is_coinbase() {
            let mut coins = Vec::with_capacity(tx.input.len());
            for (input, txin) in tx.input.iter().enumerate() {
                let coin =
                    utxo.coin(&txin.previous_output)
                        .ok_or(BlockError::InputsMissingOrSpent {
                            txid: *txid,
                            input,
                            outpoint: txin.previous_output,
                        })?;
                coins.push(coin);
            }
            let fee = check_tx_inputs(tx, *txid, &coins, height, options.coinbase_maturity)?;
            fees = fees
                .checked_add(fee)
                .filter(|f| f.is_valid_money())
                .ok_or(BlockError::AccumulatedFeeOutOfRange)?;
            let coin_heights: Vec<u32> = coins.iter().map(|c| c.height).collect();
            if !sequence_locks(tx, &coin_heights, view, enforce_bip68) {
                return Err(BlockError::NonFinal { txid: *txid });
            }
            spent_outputs = coins.iter().map(|c| c.output.clone()).collect();
        }
        let spent_refs: Vec<&TxOut> = spent_outputs.iter().collect();
        sigop_cost += transaction_sigop_cost(tx, &spent_refs, flags);
        if sigop_cost > MAX_BLOCK_SIGOPS_COST {
            return Err(BlockError::Sigops);
        }
        if !tx.is_coinbase() {
            let mut spent_coins = Vec::with_capacity(tx.input.len());
            for txin in &tx.input {
                if let Some(coin) = utxo.coins.remove(&txin.previous_output) {
                    spent_coins.push(coin);
                }
            }
            undo.spent.push(spent_coins);
            script_jobs.push((index, spent_outputs));
        }
        utxo.add_outputs(tx, *txid, height);
    }
    Ok(fees)
}

/// Verifies every input's script; the first failure in block order is reported, whether
/// run in parallel or not.
fn check_scripts(
    block: &Block,
    txids: &[Txid],
    jobs: Vec<(usize, Vec<TxOut>)>,
    flags: VerifyFlags,
    parallel: bool,
) -> Result<(), BlockError> {
    // The per-transaction sighash midstates (BIP143, BIP341) are independent work too.
    let precompute = |(index, spent): (usize, Vec<TxOut>)| {
        (
            index,
            PrecomputedTransactionData::new(&block.txdata[index], spent),
        )
    };
    let prepared: Vec<(usize, PrecomputedTransactionData)> = if parallel {
        jobs.into_par_iter().map(precompute).collect()
    } else {
        jobs.into_iter().map(precompute).collect()
    };
    let checks: Vec<(usize, usize, &PrecomputedTransactionData)> = prepared
        .iter()
        .flat_map(|(index, pre)| {
            (0..block.txdata[*index].input.len()).map(move |input| (*index, input, pre))
        })
        .collect();
    let verify = |&(index, input, pre): &(usize, usize, &PrecomputedTransactionData)| {
        verify_input_with(&block.txdata[index], input, pre, flags).map_err(|error| {
            BlockError::Script {
                txid: txids[index],
                input,
                error,
            }
        })
    };
    let first_failure = if parallel {
        checks.par_iter().map(verify).find_first(Result::is_err)
    } else {
        checks.iter().map(verify).find(Result::is_err)
    };
    first_failure.unwrap_or(Ok(()))
}

/// Undoes the transactions of `block` that `undo` recorded (all of them after a complete
/// connection, a prefix after a failure).
fn rollback(block: &Block, txids: &[Txid], undo: &BlockUndo, utxo: &mut UtxoSet) {
    // Transactions applied: the coinbase plus one per undo entry, or fewer if the failure
    // came before the coinbase was added.
    let applied = if undo.spent.is_empty() {
        usize::from(outputs_present(block, txids, utxo, 0))
    } else {
        undo.spent.len() + 1
    };
    for i in (0..applied.min(block.txdata.len())).rev() {
        let tx = &block.txdata[i];
        for vout in 0..tx.output.len() {
            utxo.coins
                .remove(&OutPoint::new(txids[i], output_index(vout)));
        }
        if i > 0 {
            if let Some(spent) = undo.spent.get(i - 1) {
                for (txin, coin) in tx.input.iter().zip(spent) {
                    utxo.coins.insert(txin.previous_output, coin.clone());
                }
            }
        }
    }
}

fn outputs_present(block: &Block, txids: &[Txid], utxo: &UtxoSet, index: usize) -> bool {
    block.txdata[index]
        .output
        .iter()
        .enumerate()
        .any(|(vout, output)| {
            utxo.coin(&OutPoint::new(txids[index], output_index(vout)))
                .is_some_and(|c| c.output == *output)
        })
}

/// Disconnects `block` from the tip of `utxo`, restoring what it spent (Core
/// `DisconnectBlock`).
pub fn disconnect_block(
    block: &Block,
    undo: &BlockUndo,
    utxo: &mut UtxoSet,
) -> Result<(), ChainstateError> {
    let hash = block.block_hash();
    if undo.spent.len() + 1 != block.txdata.len() {
        return Err(ChainstateError::BadUndo(hash));
    }
    let txids: Vec<Txid> = block.txdata.iter().map(Transaction::compute_txid).collect();
    for (i, tx) in block.txdata.iter().enumerate().rev() {
        for (vout, output) in tx.output.iter().enumerate() {
            if output.script_pubkey.is_unspendable() {
                continue;
            }
            if utxo
                .coins
                .remove(&OutPoint::new(txids[i], output_index(vout)))
                .is_none()
            {
                return Err(ChainstateError::BadUndo(hash));
            }
        }
        if i > 0 {
            let spent = &undo.spent[i - 1];
            if spent.len() != tx.input.len() {
                return Err(ChainstateError::BadUndo(hash));
            }
            for (txin, coin) in tx.input.iter().zip(spent) {
                utxo.coins.insert(txin.previous_output, coin.clone());
            }
        }
    }
    Ok(())
}

/// What the node knows of a block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockStatus {
    /// Header valid; block data not (yet) checked or connected.
    Header,
    /// Block data present and checked without its context of coins.
    Data,
    /// Connected once: fully valid.
    Valid,
    /// Breaks a rule.
    Failed,
    /// Descends from a failed block.
    FailedParent,
}

/// One entry of the block tree.
#[derive(Debug, Clone)]
pub struct BlockEntry {
    /// The header.
    pub header: BlockHeader,
    /// Height in its branch.
    pub height: u32,
    /// Work of the branch up to and including this block.
    pub chain_work: Work,
    /// Status.
    pub status: BlockStatus,
    /// The block, once received.
    pub block: Option<Block>,
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

/// The block tree, the active chain and its UTXO set.
#[derive(Debug)]
pub struct Chainstate {
    params: &'static Params,
    options: ConnectOptions,
    entries: HashMap<BlockHash, BlockEntry>,
    active: Vec<BlockHash>,
    utxo: UtxoSet,
    undo: HashMap<BlockHash, BlockUndo>,
    /// The node's clock for the "two hours in the future" rule; `None` uses the system's.
    clock: Option<i64>,
}

/// An [`AncestorView`] of one branch of the tree.
struct Branch<'a> {
    state: &'a Chainstate,
    tip: BlockHash,
}

impl AncestorView for Branch<'_> {
    fn tip(&self) -> AncestorInfo {
        self.state.info(&self.tip).unwrap_or(AncestorInfo {
            hash: self.tip,
            height: 0,
            time: 0,
            bits: sou_primitives::CompactTarget::from_consensus(0),
        })
    }

    fn ancestor(&self, height: u32) -> Option<AncestorInfo> {
        let mut hash = self.tip;
        loop {
            let entry = self.state.entries.get(&hash)?;
            if entry.height == height {
                return self.state.info(&hash);
            }
            if entry.height < height {
                return None;
            }
            // On the active chain, jump straight to the height.
            if self.state.active.get(entry.height as usize) == Some(&hash) {
                let at = *self.state.active.get(height as usize)?;
                return self.state.info(&at);
            }
            hash = entry.header.prev_blockhash;
        }
    }
}

impl Chainstate {
    /// A chain state holding only `params`' genesis block (whose coinbase, as in Core, is
    /// not spendable and not in the UTXO set).
    pub fn new(params: &'static Params, options: ConnectOptions) -> Chainstate {
        let genesis = params.genesis_block();
        let hash = genesis.block_hash();
        let entry = BlockEntry {
            header: genesis.header,
            height: 0,
            chain_work: Work::from_compact(genesis.header.bits),
            status: BlockStatus::Valid,
            block: Some(genesis),
        };
        Chainstate {
            params,
            options,
            entries: HashMap::from([(hash, entry)]),
            active: vec![hash],
            utxo: UtxoSet::new(),
            undo: HashMap::new(),
            clock: None,
        }
    }

    /// Sets the clock used for the future-time rule (tests replaying old chains).
    pub fn set_clock(&mut self, unix_time: i64) {
        self.clock = Some(unix_time);
    }

    fn now(&self) -> i64 {
        self.clock.unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        })
    }

    fn info(&self, hash: &BlockHash) -> Option<AncestorInfo> {
        let e = self.entries.get(hash)?;
        Some(AncestorInfo {
            hash: *hash,
            height: e.height,
            time: e.header.time,
            bits: e.header.bits,
        })
    }

    /// The active tip.
    pub fn tip(&self) -> BlockHash {
        *self.active.last().unwrap_or(&self.params.genesis_hash)
    }

    /// The active tip's height.
    pub fn height(&self) -> u32 {
        // The active chain always holds genesis.
        u32::try_from(self.active.len() - 1).unwrap_or(u32::MAX)
    }

    /// The active chain, genesis first.
    pub fn active_chain(&self) -> &[BlockHash] {
        &self.active
    }

    /// The UTXO set of the active chain.
    pub fn utxo(&self) -> &UtxoSet {
        &self.utxo
    }

    /// An entry of the block tree.
    pub fn entry(&self, hash: &BlockHash) -> Option<&BlockEntry> {
        self.entries.get(hash)
    }

    /// Accepts a header (Core `AcceptBlockHeader`): proof of work, a known and valid parent,
    /// and the contextual header rules on the parent's branch.
    pub fn accept_header(&mut self, header: &BlockHeader) -> Result<BlockHash, BlockError> {
        let hash = header.block_hash();
        if let Some(entry) = self.entries.get(&hash) {
            return match entry.status {
                BlockStatus::Failed | BlockStatus::FailedParent => Err(BlockError::BadPrevBlock {
                    prev: header.prev_blockhash,
                }),
                _ => Ok(hash),
            };
        }
        check_block_header(header, self.params)?;
        let parent =
            self.entries
                .get(&header.prev_blockhash)
                .ok_or(BlockError::PrevBlockNotFound {
                    prev: header.prev_blockhash,
                })?;
        if matches!(
            parent.status,
            BlockStatus::Failed | BlockStatus::FailedParent
        ) {
            return Err(BlockError::BadPrevBlock {
                prev: header.prev_blockhash,
            });
        }
        let (height, parent_work) = (parent.height + 1, parent.chain_work);
        let branch = Branch {
            state: self,
            tip: header.prev_blockhash,
        };
        contextual_check_block_header(header, &branch, self.params, self.now())?;
        let chain_work = parent_work
            .checked_add(Work::from_compact(header.bits))
            .unwrap_or(parent_work);
        self.entries.insert(
            hash,
            BlockEntry {
                header: *header,
                height,
                chain_work,
                status: BlockStatus::Header,
                block: None,
            },
        );
        Ok(hash)
    }

    /// Accepts a block and moves to the best valid chain (Core `ProcessNewBlock`).
    ///
    /// The block's own checks (context-free and contextual) fail with their reason right
    /// away; a block that fails while being connected is reported in
    /// [`ProcessOutcome::invalid`], and the chain stays on the best valid branch.
    pub fn process_block(&mut self, block: Block) -> Result<ProcessOutcome, BlockError> {
        let hash = self.accept_header(&block.header)?;
        if self.entries.get(&hash).is_some_and(|e| e.block.is_some()) {
            return Ok(ProcessOutcome {
                tip: self.tip(),
                disconnected: vec![],
                connected: vec![],
                invalid: vec![],
            });
        }
        let checked =
            check_block(&block, self.params, CheckBlockOptions::default()).and_then(|()| {
                let branch = Branch {
                    state: self,
                    tip: block.header.prev_blockhash,
                };
                contextual_check_block(&block, &branch, self.params)
            });
        if let Err(e) = checked {
            // A mutated block says nothing about its header, which another peer may send
            // with the right transactions.
            if e.kind() != BlockErrorKind::Mutated {
                self.mark_failed(&hash);
            }
            return Err(e);
        }
        if let Some(entry) = self.entries.get_mut(&hash) {
            entry.block = Some(block);
            entry.status = BlockStatus::Data;
        }
        Ok(self.activate_best_chain())
    }

    fn mark_failed(&mut self, hash: &BlockHash) {
        if let Some(e) = self.entries.get_mut(hash) {
            e.status = BlockStatus::Failed;
        }
        // Descendants: every entry whose ancestry reaches `hash`.
        let descendants: Vec<BlockHash> = self
            .entries
            .keys()
            .filter(|h| *h != hash && self.descends_from(h, hash))
            .copied()
            .collect();
        for d in descendants {
            if let Some(e) = self.entries.get_mut(&d) {
                e.status = BlockStatus::FailedParent;
            }
        }
    }

    fn descends_from(&self, hash: &BlockHash, ancestor: &BlockHash) -> bool {
        let Some(target_height) = self.entries.get(ancestor).map(|e| e.height) else {
            return false;
        };
        let mut cur = *hash;
        while let Some(e) = self.entries.get(&cur) {
            if e.height <= target_height {
                return cur == *ancestor;
            }
            cur = e.header.prev_blockhash;
        }
        false
    }

    /// The block with the most work whose whole branch has data and none failed.
    fn best_candidate(&self) -> BlockHash {
        let mut best = self.tip();
        let mut best_work = self.entries.get(&best).map_or(Work::ZERO, |e| e.chain_work);
        for (hash, entry) in &self.entries {
            if entry.chain_work > best_work && self.branch_usable(hash) {
                best = *hash;
                best_work = entry.chain_work;
            }
        }
        best
    }

    fn branch_usable(&self, hash: &BlockHash) -> bool {
        let mut cur = *hash;
        loop {
            let Some(e) = self.entries.get(&cur) else {
                return false;
            };
            if self.active.get(e.height as usize) == Some(&cur) {
                return true;
            }
            if e.block.is_none()
                || matches!(e.status, BlockStatus::Failed | BlockStatus::FailedParent)
            {
                return false;
            }
            cur = e.header.prev_blockhash;
        }
    }

    /// Moves the active chain to the best valid branch (Core `ActivateBestChain`).
    pub fn activate_best_chain(&mut self) -> ProcessOutcome {
        let mut outcome = ProcessOutcome {
            tip: self.tip(),
            disconnected: vec![],
            connected: vec![],
            invalid: vec![],
        };
        loop {
            let target = self.best_candidate();
            if target == self.tip() {
                break;
            }
            // The path from the fork point up to the target.
            let mut path = Vec::new();
            let mut cur = target;
            while let Some(e) = self.entries.get(&cur) {
                if self.active.get(e.height as usize) == Some(&cur) {
                    break;
                }
                path.push(cur);
                cur = e.header.prev_blockhash;
            }
            path.reverse();
            let fork_height = self.entries.get(&cur).map_or(0, |e| e.height);
            while self.height() > fork_height {
                let tip = self.tip();
                if self.disconnect_tip().is_err() {
                    return outcome;
                }
                outcome.disconnected.push(tip);
            }
            for hash in path {
                match self.connect_tip(&hash) {
                    Ok(()) => outcome.connected.push(hash),
                    Err(e) => {
                        self.mark_failed(&hash);
                        outcome.invalid.push((hash, e));
                        break;
                    }
                }
            }
        }
        outcome.tip = self.tip();
        outcome
    }

    fn connect_tip(&mut self, hash: &BlockHash) -> Result<(), BlockError> {
        let entry = self
            .entries
            .get(hash)
            .ok_or(BlockError::PrevBlockNotFound { prev: *hash })?;
        let block = entry
            .block
            .clone()
            .ok_or(BlockError::PrevBlockNotFound { prev: *hash })?;
        // The UTXO set is moved out while the branch view borrows the tree.
        let mut utxo = std::mem::take(&mut self.utxo);
        let result = {
            let branch = Branch {
                state: self,
                tip: block.header.prev_blockhash,
            };
            let hash_at_bip34 = branch
                .ancestor(self.params.deployments.bip34_height)
                .map(|a| a.hash);
            connect_block(
                &block,
                hash,
                &branch,
                hash_at_bip34,
                &mut utxo,
                self.params,
                self.options,
            )
        };
        self.utxo = utxo;
        let undo = result?;
        self.undo.insert(*hash, undo);
        self.active.push(*hash);
        if let Some(e) = self.entries.get_mut(hash) {
            e.status = BlockStatus::Valid;
        }
        Ok(())
    }

    /// Disconnects the active tip, restoring the UTXO set.
    pub fn disconnect_tip(&mut self) -> Result<BlockHash, ChainstateError> {
        let hash = self.tip();
        if self.active.len() <= 1 {
            return Err(ChainstateError::UnknownBlock(hash));
        }
        let block = self
            .entries
            .get(&hash)
            .and_then(|e| e.block.clone())
            .ok_or(ChainstateError::UnknownBlock(hash))?;
        let undo = self
            .undo
            .remove(&hash)
            .ok_or(ChainstateError::BadUndo(hash))?;
        disconnect_block(&block, &undo, &mut self.utxo)?;
        self.active.pop();
        Ok(hash)
    }
}
