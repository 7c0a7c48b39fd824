//! The checks a block passes on its own (Core `CheckBlockHeader`, `CheckBlock`).
//!
//! Before its place in the chain matters, a block can be checked with nothing but
//! itself, in this order:
//!
//! 1. its hash meets the target its own nBits encodes ([`check_block_header`]);
//! 2. the header's merkle root commits to exactly these transactions, and the list is
//!    not a CVE-2012-2459 mutation (a repeated last pair gives the same root, so one
//!    root stands for two lists, and the longer one is invalid);
//! 3. it has transactions, and not too many bytes without witnesses;
//! 4. its first transaction, and only the first, is a coinbase;
//! 5. every transaction passes [`check_transaction`];
//! 6. its legacy sigops fit the limit (see [`legacy_sigop_count`]).
//!
//! These checks are cheap and need no state, so a node runs them as soon as a block
//! arrives ([`check_block`]); a miner runs them on its template, skipping what the
//! missing proof of work would fail ([`CheckBlockOptions`]).
//!
//! References: Core `src/validation.cpp` (`CheckBlockHeader`, `CheckBlock`).

use sou_primitives::block::{Block, BlockHeader};
use sou_primitives::network::Params;
use sou_primitives::pow::Target;
use sou_primitives::transaction::WITNESS_SCALE_FACTOR;
use sou_primitives::{Transaction, Weight};

use super::{check_transaction, legacy_sigop_count, BlockError, MAX_BLOCK_SIGOPS_COST};

/// Core's `CheckBlockHeader`: the hash meets the target its own nBits encodes, and that
/// target is no easier than the network's limit.
pub fn check_block_header(header: &BlockHeader, params: &Params) -> Result<(), BlockError> {
    let hash = header.block_hash();
    match Target::from_compact(header.bits, params.pow_limit) {
        Some(target) if target.is_met_by(hash) => Ok(()),
        _ => Err(BlockError::HighHash {
            hash,
            bits: header.bits,
        }),
    }
}

/// What [`check_block`] may skip, as Core's `fCheckPOW` and `fCheckMerkleRoot` (a miner
/// checks its own template before it has found the proof of work).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckBlockOptions {
    /// Check the proof of work.
    pub pow: bool,
    /// Check the merkle root.
    pub merkle_root: bool,
}

impl Default for CheckBlockOptions {
    fn default() -> Self {
        CheckBlockOptions {
            pow: true,
            merkle_root: true,
        }
    }
}

/// Core's `CheckBlock`: everything that needs only the block.
pub fn check_block(
    block: &Block,
    params: &Params,
    options: CheckBlockOptions,
) -> Result<(), BlockError> {
    if options.pow {
        check_block_header(&block.header, params)?;
    }
    if options.merkle_root {
        let merkle = block.compute_merkle_root();
        if merkle.root != block.header.merkle_root {
            return Err(BlockError::BadMerkleRoot);
        }
        if merkle.mutated {
            return Err(BlockError::DuplicateTransaction);
        }
    }
    let max = usize::try_from(Weight::MAX_BLOCK.to_wu()).unwrap_or(usize::MAX);
    if block.txdata.is_empty()
        || block.txdata.len() * WITNESS_SCALE_FACTOR > max
        || block.base_size() * WITNESS_SCALE_FACTOR > max
    {
        return Err(BlockError::BadLength);
    }
    if !block.txdata[0].is_coinbase() {
        return Err(BlockError::CoinbaseMissing);
    }
    if let Some(index) = block
        .txdata
        .iter()
        .skip(1)
        .position(Transaction::is_coinbase)
    {
        return Err(BlockError::CoinbaseMultiple { index: index + 1 });
    }
    for tx in &block.txdata {
        check_transaction(tx).map_err(|error| BlockError::Transaction {
            txid: tx.compute_txid(),
            error,
        })?;
    }
    let sigops: u64 = block.txdata.iter().map(legacy_sigop_count).sum();
    if sigops * WITNESS_SCALE_FACTOR as u64 > MAX_BLOCK_SIGOPS_COST {
        return Err(BlockError::Sigops);
    }
    Ok(())
}
