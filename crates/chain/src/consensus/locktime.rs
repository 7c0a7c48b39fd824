//! Lock times: when a transaction may enter a block.
//!
//! A transaction's `lock_time` is an absolute lock: below [`LOCKTIME_THRESHOLD`]
//! (500,000,000) a block height, from it on a Unix time, before which the transaction
//! cannot be mined, unless every input's sequence is `0xffffffff`, which turns the lock
//! off ([`is_final_tx`]). Since BIP113 a time lock compares with the median time past,
//! not the block's own timestamp, which its miner chooses.
//!
//! BIP68 added relative locks, one per input, in its `sequence` (version 2 transactions
//! and later): a number of blocks, or of 512-second units, that must pass after the
//! spent coin was confirmed ([`sequence_locks`]). Bit 31 disables the lock for that
//! input, bit 22 chooses time over height, the low 16 bits hold the value.
//!
//! References: Core `src/consensus/tx_verify.cpp` (`IsFinalTx`, `CalculateSequenceLocks`,
//! `EvaluateSequenceLocks`); BIP68, BIP113.

use sou_primitives::transaction::{
    SEQUENCE_LOCKTIME_DISABLE_FLAG, SEQUENCE_LOCKTIME_GRANULARITY, SEQUENCE_LOCKTIME_MASK,
    SEQUENCE_LOCKTIME_TYPE_FLAG,
};
use sou_primitives::Transaction;

use super::{median_time_past, AncestorView};

/// Lock times below this are heights, above it Unix times (defined with the lock time
/// field, in `sou_primitives::transaction`).
pub use sou_primitives::transaction::LOCKTIME_THRESHOLD;

/// Is `tx` final in a block at `height` whose lock-time cutoff is `time` (Core
/// `IsFinalTx`)? A lock time in the past, or every input's sequence final, makes it so.
pub fn is_final_tx(tx: &Transaction, height: u32, time: i64) -> bool {
    if tx.lock_time == 0 {
        return true;
    }
    let cutoff = if tx.lock_time < LOCKTIME_THRESHOLD {
        i64::from(height)
    } else {
        time
    };
    if i64::from(tx.lock_time) < cutoff {
        return true;
    }
    tx.input.iter().all(|i| i.sequence == u32::MAX)
}

/// BIP68: do the inputs' relative locks allow `tx` in a block at `view.tip().height + 1`?
/// `coin_heights` gives the height of each spent coin (Core `CalculateSequenceLocks` and
/// `EvaluateSequenceLocks`). Only for version 2+ transactions once CSV is active.
pub fn sequence_locks<V: AncestorView + ?Sized>(
    tx: &Transaction,
    coin_heights: &[u32],
    view: &V,
    enforce: bool,
) -> bool {
    if !enforce || tx.version < 2 {
        return true;
    }
    let mut min_height: i64 = -1;
    let mut min_time: i64 = -1;
    for (input, &coin_height) in tx.input.iter().zip(coin_heights) {
        let sequence = input.sequence;
        if sequence & SEQUENCE_LOCKTIME_DISABLE_FLAG != 0 {
            continue;
        }
        let value = i64::from(sequence & SEQUENCE_LOCKTIME_MASK);
        if sequence & SEQUENCE_LOCKTIME_TYPE_FLAG != 0 {
            // Time locks count from the median time past of the block before the coin's.
            let coin_time = median_time_past(view, coin_height.saturating_sub(1));
            min_time = min_time.max(coin_time + (value << SEQUENCE_LOCKTIME_GRANULARITY) - 1);
        } else {
            min_height = min_height.max(i64::from(coin_height) + value - 1);
        }
    }
    let prev = view.tip();
    let block_height = i64::from(prev.height) + 1;
    let block_time = median_time_past(view, prev.height);
    min_height < block_height && min_time < block_time
}
