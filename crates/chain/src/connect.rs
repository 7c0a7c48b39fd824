//! Connecting a block to the coins, and disconnecting it: Core's `ConnectBlock` and
//! `DisconnectBlock`.
//!
//! Connecting a block reads the coin each input spends, checks the transaction's inputs
//! against them (amounts, coinbase maturity, relative lock times), counts signature
//! operations, spends the coins, adds the new outputs, and verifies every input's script
//! (on other threads while the next transactions are applied, as Core's script-check
//! queue does); the coinbase may claim at most the subsidy plus the fees. What the block spent
//! is kept as [`BlockUndo`], so that [`disconnect_block`] can put it back when another
//! branch wins. Both work over any [`CoinsStore`]: the in-memory [`UtxoSet`] or a node's
//! cached database view.
//!
//! References: Core `src/validation.cpp` (`ConnectBlock`, `DisconnectBlock`,
//! `ApplyTxInUndo`), `src/coins.cpp` (`AddCoins`), `src/consensus/tx_verify.cpp`.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, Mutex, PoisonError};

use rayon::prelude::*;
use sou_primitives::block::Block;
use sou_primitives::network::{Params, COINBASE_MATURITY};
use sou_primitives::{Amount, BlockHash, OutPoint, Transaction, TxOut, Txid};
use sou_script::{verify_input_cached, PrecomputedTransactionData, ScriptError, VerifyFlags};

use crate::chainstate::ChainstateError;
use crate::consensus::{
    block_script_flags, block_subsidy, check_tx_inputs, enforce_bip30, sequence_locks,
    transaction_sigop_cost, AncestorView, BlockError, Coin, MAX_BLOCK_SIGOPS_COST,
};
use crate::script_cache::ScriptCache;
use crate::store::{ChainError, CoinsStore};

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
    connect_block_cached(
        block,
        hash,
        view,
        hash_at_bip34_height,
        coins,
        params,
        options,
        None,
    )
}

/// [`connect_block`], skipping the script checks of the transactions `cache` holds for
/// the block's flags (each used once: see [`ScriptCache`]).
#[allow(
    clippy::too_many_arguments,
    reason = "connect_block's arguments and the cache; the two share one body"
)]
pub fn connect_block_cached<V: AncestorView + ?Sized, C: CoinsStore + ?Sized>(
    block: &Block,
    hash: &BlockHash,
    view: &V,
    hash_at_bip34_height: Option<BlockHash>,
    coins: &mut C,
    params: &Params,
    options: ConnectOptions,
    cache: Option<&ScriptCache>,
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
    // Core's ConnectBlock runs each transaction's scripts before it looks at the next
    // transaction, and checks the coinbase amount after the last: a block with two faults
    // is rejected for the first in that order. `apply_transactions` stops at the first
    // transaction with an input fault, having handed over the script checks of those
    // before it; their scripts are checked first (the first failure in block order kept).
    // (A bitcoind running script-check threads defers script failures to the end of the
    // block instead; this follows Core's single-threaded order, the kernel's default.)
    let context = BlockContext {
        block,
        txids: &txids,
        height,
        flags,
        enforce_bip68,
        options,
        cache,
    };
    let (applied, script_result) = if options.parallel_scripts {
        apply_checking_in_parallel(&context, view, coins, &mut undo)
    } else {
        let mut jobs = Vec::new();
        let applied = apply_transactions(&context, view, coins, &mut undo, &mut |index, spent| {
            jobs.push((index, spent));
        });
        (applied, check_scripts_in_order(&context, jobs))
    };
    let applied = match applied {
        Err(ChainError::Store(e)) => return Err(ChainError::Store(e)),
        other => other,
    };
    let result = script_result
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
    cache: Option<&'a ScriptCache>,
}

impl BlockContext<'_> {
    /// True when the mempool already checked the scripts of transaction `index` under
    /// this block's flags (the cache's note is used up).
    fn scripts_checked(&self, index: usize) -> bool {
        // The wtxid is computed only when there are notes to look in.
        self.cache.is_some_and(|cache| {
            !cache.is_empty() && cache.take(&self.block.txdata[index].compute_wtxid(), self.flags)
        })
    }
}

/// Applies the transactions in order (they may spend each other), handing each one's
/// script checks (its index and the outputs it spends) to `check`; returns the fees.
fn apply_transactions<V, C, F>(
    context: &BlockContext<'_>,
    view: &V,
    coins: &mut C,
    undo: &mut BlockUndo,
    check: &mut F,
) -> Result<Amount, ChainError<C::Error>>
where
    V: AncestorView + ?Sized,
    C: CoinsStore + ?Sized,
    F: FnMut(usize, Vec<TxOut>),
{
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
            check(index, spent_outputs);
        }
        add_outputs(coins, tx, *txid, context.height).map_err(ChainError::Store)?;
    }
    Ok(fees)
}

/// Verifies every input's script, one after the other; the first failure in block order
/// is reported.
fn check_scripts_in_order(
    context: &BlockContext<'_>,
    jobs: Vec<(usize, Vec<TxOut>)>,
) -> Result<(), BlockError> {
    let (block, txids) = (context.block, context.txids);
    for (index, spent) in jobs {
        if context.scripts_checked(index) {
            continue;
        }
        let tx = &block.txdata[index];
        let precomputed = PrecomputedTransactionData::new(tx, spent);
        if let Some((input, error)) =
            first_script_failure(tx, 0..tx.input.len(), &precomputed, context)
        {
            return Err(BlockError::Script {
                txid: txids[index],
                input,
                error,
            });
        }
    }
    Ok(())
}

/// What applying a block's transactions gave: their fees, or why it stopped.
type Applied<E> = Result<Amount, ChainError<E>>;

/// A script that failed: the transaction's index in the block, the input, the error.
type ScriptFailure = (usize, usize, ScriptError);

/// Inputs verified by one task when a transaction's inputs are shared among threads:
/// a few signature checks, so that a task outweighs the cost of handing it over.
const INPUTS_PER_TASK: usize = 8;

/// Applies the transactions while the threads of `rayon`'s pool verify the scripts of
/// those already applied, as Core's `CCheckQueueControl` lets its script-check threads
/// start while `ConnectBlock` goes on through the block. Returns what applying gave and
/// the first script failure in block order.
fn apply_checking_in_parallel<V: AncestorView + ?Sized, C: CoinsStore + ?Sized>(
    context: &BlockContext<'_>,
    view: &V,
    coins: &mut C,
    undo: &mut BlockUndo,
) -> (Applied<C::Error>, Result<(), BlockError>) {
    let block = context.block;
    // Only invalid blocks write here.
    let failures: Mutex<Vec<ScriptFailure>> = Mutex::new(Vec::new());
    let record = |index: usize, found: Option<(usize, ScriptError)>| {
        if let Some((input, error)) = found {
            failures
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push((index, input, error));
        }
    };
    // The applying stays on this thread (the coins need not be shared); each applied
    // transaction becomes a task: its sighash midstates, then its inputs, split into
    // more tasks when it has many.
    let applied = rayon::in_place_scope(|scope| {
        apply_transactions(context, view, coins, undo, &mut |index, spent| {
            let record = &record;
            scope.spawn(move |scope| {
                if context.scripts_checked(index) {
                    return;
                }
                let tx = &block.txdata[index];
                let precomputed = Arc::new(PrecomputedTransactionData::new(tx, spent));
                let inputs = tx.input.len();
                for start in (INPUTS_PER_TASK..inputs).step_by(INPUTS_PER_TASK) {
                    let precomputed = Arc::clone(&precomputed);
                    let range = start..(start + INPUTS_PER_TASK).min(inputs);
                    scope.spawn(move |_| {
                        record(
                            index,
                            first_script_failure(tx, range, &precomputed, context),
                        );
                    });
                }
                let range = 0..INPUTS_PER_TASK.min(inputs);
                record(
                    index,
                    first_script_failure(tx, range, &precomputed, context),
                );
            });
        })
    });
    let first = failures
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner)
        .into_iter()
        .min_by_key(|&(index, input, _)| (index, input));
    let scripts = match first {
        Some((index, input, error)) => Err(BlockError::Script {
            txid: context.txids[index],
            input,
            error,
        }),
        None => Ok(()),
    };
    (applied, scripts)
}

/// The first input in `inputs` whose script fails, with its error.
fn first_script_failure(
    tx: &Transaction,
    inputs: Range<usize>,
    precomputed: &PrecomputedTransactionData,
    context: &BlockContext<'_>,
) -> Option<(usize, ScriptError)> {
    // Signatures the pool verified are looked up, and used up (Core's block checks
    // consult the signature cache without storing).
    let signatures = context.cache.map(|cache| cache.signatures(false));
    inputs.into_iter().find_map(|input| {
        let error = verify_input_cached(tx, input, precomputed, context.flags, signatures).err()?;
        Some((
            input,
            error.script_error().expect(
                "inputs are the transaction's own, and `apply_transactions` gave it one \
                 spent output per input: every failure is a script verdict",
            ),
        ))
    })
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
