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
//! Script checks run after the rest of a block is checked, across all cores with `rayon`
//! (or one by one, with identical verdicts), as Core's check queue does.
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
use crate::store::{ChainError, ChainStore, CoinsOverlay, CoinsStore, MemoryStore};

/// An output's index as an outpoint stores it.
fn output_index(vout: usize) -> u32 {
    // A transaction's outputs fit in a block of 4 MWU, far fewer than 2^32.
    u32::try_from(vout).expect("fewer than 2^32 outputs")
}

/// The UTXO set in memory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UtxoSet {
    coins: HashMap<OutPoint, Coin>,
}

impl UtxoSet {
    /// An empty set.
    pub fn new() -> UtxoSet {
        UtxoSet::default()
    }

    /// The unspent coin at `outpoint`, if any.
    pub fn get(&self, outpoint: &OutPoint) -> Option<&Coin> {
        self.coins.get(outpoint)
    }

    /// Adds (or replaces) the coin at `outpoint`.
    pub fn insert(&mut self, outpoint: OutPoint, coin: Coin) {
        self.coins.insert(outpoint, coin);
    }

    /// Removes the coin at `outpoint`, returning it.
    pub fn remove(&mut self, outpoint: &OutPoint) -> Option<Coin> {
        self.coins.remove(outpoint)
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
}

/// Adds a transaction's outputs to `coins`, as Core's `AddCoins`.
fn add_outputs<C: CoinsStore + ?Sized>(
    coins: &mut C,
    tx: &Transaction,
    txid: Txid,
    height: u32,
) -> Result<(), C::Error> {
    let is_coinbase = tx.is_coinbase();
    for (vout, output) in tx.output.iter().enumerate() {
        // Provably unspendable outputs (OP_RETURN, oversized scripts) never enter the
        // set: spending one is spending a missing coin.
        if output.script_pubkey.is_unspendable() {
            continue;
        }
        coins.add_coin(
            OutPoint::new(txid, output_index(vout)),
            Coin {
                output: output.clone(),
                height,
                is_coinbase,
            },
        )?;
    }
    Ok(())
}

/// What a connected block spent, to restore on disconnection (Core `CBlockUndo`): the
/// coins each non-coinbase transaction spent, in input order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BlockUndo {
    /// Per transaction after the coinbase, the spent coins.
    pub spent: Vec<Vec<Coin>>,
}

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
/// UTXO set and updates `coins` (Core `ConnectBlock`). On error the coins are as before.
pub fn connect_block<V: AncestorView + ?Sized, C: CoinsStore + ?Sized>(
    block: &Block,
    hash: &BlockHash,
    view: &V,
    hash_at_bip34_height: Option<BlockHash>,
    coins: &mut C,
    params: &Params,
    options: ConnectOptions,
) -> Result<BlockUndo, ChainError<C::Error>> {
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
            for vout in 0..tx.output.len() {
                let outpoint = OutPoint::new(*txid, output_index(vout));
                if coins.coin(&outpoint).map_err(ChainError::Store)?.is_some() {
                    return Err(BlockError::Bip30 { txid: *txid }.into());
                }
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
    let context = BlockContext {
        block,
        txids: &txids,
        height,
        flags,
        enforce_bip68,
        options,
    };
    let applied = apply_transactions(&context, view, coins, &mut undo, &mut script_jobs);
    let applied = match applied {
        Err(ChainError::Store(e)) => return Err(ChainError::Store(e)),
        other => other,
    };
    let result = check_scripts(block, &txids, script_jobs, flags, options.parallel_scripts)
        .map_err(ChainError::from)
        .and(applied)
        .and_then(|fees| {
            // Both sums are of amounts checked against MAX_MONEY: no overflow in i64.
            let limit = fees
                .checked_add(block_subsidy(height, params))
                .expect("fees and subsidy within MAX_MONEY");
            let actual = block.txdata[0]
                .total_output_value()
                .expect("outputs checked by check_transaction");
            if actual > limit {
                return Err(BlockError::BadCoinbaseAmount { actual, limit }.into());
            }
            Ok(())
        });
    match result {
        Ok(()) => Ok(undo),
        Err(e) => {
            // Put back what was applied before the failure.
            rollback(block, &txids, &undo, coins).map_err(ChainError::Store)?;
            Err(e)
        }
    }
}

/// What stays fixed while one block's transactions are applied.
struct BlockContext<'a> {
    block: &'a Block,
    txids: &'a [Txid],
    height: u32,
    flags: VerifyFlags,
    enforce_bip68: bool,
    options: ConnectOptions,
}

/// Applies the transactions in order (they may spend each other), collecting script
/// checks for later; returns the fees.
fn apply_transactions<V: AncestorView + ?Sized, C: CoinsStore + ?Sized>(
    context: &BlockContext<'_>,
    view: &V,
    coins: &mut C,
    undo: &mut BlockUndo,
    script_jobs: &mut Vec<(usize, Vec<TxOut>)>,
) -> Result<Amount, ChainError<C::Error>> {
    let mut fees = Amount::ZERO;
    let mut sigop_cost = 0u64;
    for (index, (tx, txid)) in context.block.txdata.iter().zip(context.txids).enumerate() {
        let mut spent_outputs: Vec<TxOut> = Vec::with_capacity(tx.input.len());
        if !tx.is_coinbase() {
            let mut spent = Vec::with_capacity(tx.input.len());
            for (input, txin) in tx.input.iter().enumerate() {
                let coin = coins
                    .coin(&txin.previous_output)
                    .map_err(ChainError::Store)?
                    .ok_or(BlockError::InputsMissingOrSpent {
                        txid: *txid,
                        input,
                        outpoint: txin.previous_output,
                    })?;
                spent.push(coin);
            }
            let spent_refs: Vec<&Coin> = spent.iter().collect();
            let fee = check_tx_inputs(
                tx,
                *txid,
                &spent_refs,
                context.height,
                context.options.coinbase_maturity,
            )?;
            fees = fees
                .checked_add(fee)
                .filter(|f| f.is_valid_money())
                .ok_or(BlockError::AccumulatedFeeOutOfRange)?;
            let coin_heights: Vec<u32> = spent.iter().map(|c| c.height).collect();
            if !sequence_locks(tx, &coin_heights, view, context.enforce_bip68) {
                return Err(BlockError::NonFinal { txid: *txid }.into());
            }
            spent_outputs = spent.iter().map(|c| c.output.clone()).collect();
        }
        let spent_refs: Vec<&TxOut> = spent_outputs.iter().collect();
        sigop_cost += transaction_sigop_cost(tx, &spent_refs, context.flags);
        if sigop_cost > MAX_BLOCK_SIGOPS_COST {
            return Err(BlockError::Sigops.into());
        }
        if !tx.is_coinbase() {
            let mut spent_coins = Vec::with_capacity(tx.input.len());
            for txin in &tx.input {
                if let Some(coin) = coins
                    .spend_coin(&txin.previous_output)
                    .map_err(ChainError::Store)?
                {
                    spent_coins.push(coin);
                }
            }
            undo.spent.push(spent_coins);
            script_jobs.push((index, spent_outputs));
        }
        add_outputs(coins, tx, *txid, context.height).map_err(ChainError::Store)?;
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
/// connection, a prefix after a failure): each applied transaction's outputs are spent
/// again and the coins its inputs spent are put back, last transaction first.
fn rollback<C: CoinsStore + ?Sized>(
    block: &Block,
    txids: &[Txid],
    undo: &BlockUndo,
    coins: &mut C,
) -> Result<(), C::Error> {
    // Transactions applied: the coinbase plus one per undo entry, or none if the failure
    // came before the coinbase's outputs were added.
    let applied = if undo.spent.is_empty() {
        usize::from(outputs_present(block, txids, coins, 0)?)
    } else {
        undo.spent.len() + 1
    };
    for i in (0..applied.min(block.txdata.len())).rev() {
        let tx = &block.txdata[i];
        for vout in 0..tx.output.len() {
            coins.spend_coin(&OutPoint::new(txids[i], output_index(vout)))?;
        }
        if i > 0 {
            if let Some(spent) = undo.spent.get(i - 1) {
                for (txin, coin) in tx.input.iter().zip(spent) {
                    coins.add_coin(txin.previous_output, coin.clone())?;
                }
            }
        }
    }
    Ok(())
}

fn outputs_present<C: CoinsStore + ?Sized>(
    block: &Block,
    txids: &[Txid],
    coins: &mut C,
    index: usize,
) -> Result<bool, C::Error> {
    for (vout, output) in block.txdata[index].output.iter().enumerate() {
        let coin = coins.coin(&OutPoint::new(txids[index], output_index(vout)))?;
        if coin.is_some_and(|c| c.output == *output) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Disconnects `block` from the tip of `coins`, restoring what it spent (Core
/// `DisconnectBlock`).
pub fn disconnect_block<C: CoinsStore + ?Sized>(
    block: &Block,
    undo: &BlockUndo,
    coins: &mut C,
) -> Result<(), ChainError<C::Error>> {
    let hash = block.block_hash();
    if undo.spent.len() + 1 != block.txdata.len() {
        return Err(ChainstateError::BadUndo(hash).into());
    }
    let txids: Vec<Txid> = block.txdata.iter().map(Transaction::compute_txid).collect();
    for (i, tx) in block.txdata.iter().enumerate().rev() {
        for (vout, output) in tx.output.iter().enumerate() {
            if output.script_pubkey.is_unspendable() {
                continue;
            }
            let outpoint = OutPoint::new(txids[i], output_index(vout));
            if coins
                .spend_coin(&outpoint)
                .map_err(ChainError::Store)?
                .is_none()
            {
                return Err(ChainstateError::BadUndo(hash).into());
            }
        }
        if i > 0 {
            let spent = &undo.spent[i - 1];
            if spent.len() != tx.input.len() {
                return Err(ChainstateError::BadUndo(hash).into());
            }
            for (txin, coin) in tx.input.iter().zip(spent) {
                coins
                    .add_coin(txin.previous_output, coin.clone())
                    .map_err(ChainError::Store)?;
            }
        }
    }
    Ok(())
}

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
    fn at(tip: BlockHash) -> ProcessOutcome {
        ProcessOutcome {
            tip,
            disconnected: vec![],
            connected: vec![],
            invalid: vec![],
        }
    }
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
}

/// The block tree and the active chain through it (Core's `BlockMap` and `CChain`).
#[derive(Debug, Default)]
struct Tree {
    entries: HashMap<BlockHash, BlockEntry>,
    /// The active chain, genesis first: `active[h]` is the block at height `h`.
    active: Vec<BlockHash>,
}

impl Tree {
    fn info(&self, hash: &BlockHash) -> Option<AncestorInfo> {
        let e = self.entries.get(hash)?;
        Some(AncestorInfo {
            hash: *hash,
            height: e.height,
            time: e.header.time,
            bits: e.header.bits,
            version: e.header.version,
        })
    }

    fn is_active(&self, hash: &BlockHash, height: u32) -> bool {
        self.active.get(height as usize) == Some(hash)
    }
}

/// An [`AncestorView`] of one branch of the tree: the chain of blocks ending at `tip`.
#[derive(Debug, Clone, Copy)]
pub struct Branch<'a> {
    tree: &'a Tree,
    tip: BlockHash,
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
        Ok(Chainstate {
            params,
            options,
            tree: Tree {
                entries: HashMap::from([(hash, entry)]),
                active: vec![hash],
            },
            store,
            clock: None,
            next_sequence: 1,
            precious_sequence: -1,
            precious_work: Work::ZERO,
            changed: HashSet::from([hash]),
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
            tree: Tree { entries, active },
            store,
            clock: None,
            next_sequence: SEQUENCE_OTHER_FROM_DISK + 1,
            precious_sequence: -1,
            precious_work: Work::ZERO,
            changed: HashSet::new(),
        })
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
        let hash = self.accept_block(&block)?;
        if hash.is_none() {
            return Ok(ProcessOutcome::at(self.tip()));
        }
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
    fn best_candidate(&self) -> BlockHash {
        let mut best = self.tip();
        let Some(mut best_entry) = self.tree.entries.get(&best) else {
            return best;
        };
        for (hash, entry) in &self.tree.entries {
            if self.better(entry, best_entry) && self.branch_usable(hash) {
                best = *hash;
                best_entry = entry;
            }
        }
        best
    }

    fn branch_usable(&self, hash: &BlockHash) -> bool {
        let mut cur = *hash;
        loop {
            let Some(e) = self.tree.entries.get(&cur) else {
                return false;
            };
            if e.is_failed() || !e.has_data {
                return false;
            }
            if self.tree.active.get(e.height as usize) == Some(&cur) {
                return true;
            }
            cur = e.header.prev_blockhash;
        }
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
        let undo = connect_block(
            &block,
            hash,
            &branch,
            hash_at_bip34,
            &mut self.store,
            self.params,
            self.options,
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

    /// Checks a block built on the tip as if it were to be connected, without storing or
    /// connecting it (Core `TestBlockValidity`: `getblocktemplate` proposals,
    /// `generateblock`). `check_pow` is off for a block not mined yet.
    pub fn test_block_validity(
        &mut self,
        block: &Block,
        check_pow: bool,
    ) -> Result<(), ChainError<S::Error>> {
        let tip = self.tip();
        if block.header.prev_blockhash != tip {
            return Err(BlockError::PrevBlockNotFound {
                prev: block.header.prev_blockhash,
            }
            .into());
        }
        let hash = block.block_hash();
        let branch = Branch {
            tree: &self.tree,
            tip,
        };
        contextual_check_block_header(&block.header, &branch, self.params, self.now())?;
        check_block(
            block,
            self.params,
            CheckBlockOptions {
                pow: check_pow,
                merkle_root: true,
            },
        )?;
        contextual_check_block(block, &branch, self.params)?;
        let hash_at_bip34 = branch
            .ancestor(self.params.deployments.bip34_height)
            .map(|a| a.hash);
        let mut overlay = CoinsOverlay::new(&mut self.store);
        connect_block(
            block,
            &hash,
            &branch,
            hash_at_bip34,
            &mut overlay,
            self.params,
            self.options,
        )?;
        Ok(())
    }

    /// Marks a block invalid by hand, with its descendants, and leaves the active chain
    /// below it (Core `InvalidateBlock`, the `invalidateblock` RPC); then moves to the
    /// best branch still valid.
    pub fn invalidate_block(
        &mut self,
        hash: &BlockHash,
    ) -> Result<ProcessOutcome, ChainError<S::Error>> {
        let height = self
            .tree
            .entries
            .get(hash)
            .ok_or(ChainstateError::UnknownBlock(*hash))?
            .height;
        if height == 0 {
            return Err(ChainstateError::CannotDisconnectGenesis.into());
        }
        let mut disconnected = Vec::new();
        if self.tree.is_active(hash, height) {
            while self.height() >= height {
                disconnected.push(self.disconnect_tip()?);
            }
        }
        self.mark_failed(hash);
        let mut outcome = self.activate_best_chain()?;
        disconnected.append(&mut outcome.disconnected);
        outcome.disconnected = disconnected;
        Ok(outcome)
    }

    /// Clears the invalid marks of a block, its descendants and its ancestors, so that they
    /// are checked again (Core `ResetBlockFailureFlags`, the `reconsiderblock` RPC); then
    /// moves to the best valid branch.
    pub fn reconsider_block(
        &mut self,
        hash: &BlockHash,
    ) -> Result<ProcessOutcome, ChainError<S::Error>> {
        if !self.tree.entries.contains_key(hash) {
            return Err(ChainstateError::UnknownBlock(*hash).into());
        }
        let mut cleared = self.descendants(hash);
        let mut cursor = Some(*hash);
        while let Some(h) = cursor {
            cleared.push(h);
            cursor = self
                .tree
                .entries
                .get(&h)
                .filter(|e| e.height > 0)
                .map(|e| e.header.prev_blockhash);
        }
        for h in cleared {
            if self.tree.entries.get(&h).is_some_and(BlockEntry::is_failed) {
                if let Some(e) = self.touch(&h) {
                    e.failure = None;
                }
            }
        }
        self.activate_best_chain()
    }

    /// Treats a block as if it had arrived before the other blocks of equal work, so that
    /// its branch wins a tie (Core `PreciousBlock`, the `preciousblock` RPC).
    pub fn precious_block(
        &mut self,
        hash: &BlockHash,
    ) -> Result<ProcessOutcome, ChainError<S::Error>> {
        let work = self
            .tree
            .entries
            .get(hash)
            .ok_or(ChainstateError::UnknownBlock(*hash))?
            .chain_work;
        let tip_work = self
            .tree
            .entries
            .get(&self.tip())
            .map_or(Work::ZERO, |e| e.chain_work);
        if work < tip_work {
            // Less work than the tip: nothing to prefer.
            return Ok(ProcessOutcome::at(self.tip()));
        }
        if tip_work > self.precious_work {
            // The tip moved on since the last call: start the reverse numbering afresh.
            self.precious_sequence = -1;
        }
        self.precious_work = tip_work;
        let sequence = self.precious_sequence;
        self.precious_sequence = self.precious_sequence.saturating_sub(1);
        if let Some(e) = self.touch(hash) {
            e.sequence = sequence;
        }
        self.activate_best_chain()
    }
}
