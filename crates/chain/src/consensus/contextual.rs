//! The checks that need the chain below a block (Core `ContextualCheckBlockHeader`,
//! `ContextualCheckBlock`).
//!
//! Where a block sits decides more rules. Its header ([`contextual_check_block_header`])
//! must carry the nBits the difficulty rules give
//! ([`next_work_required`]), a time later than the median of the 11 blocks
//! before it and at most [`MAX_FUTURE_BLOCK_TIME`] (two hours) ahead of the node's
//! clock, and a version not retired by a buried soft fork (BIP34 retired version 1,
//! BIP66 version 2, BIP65 version 3). On networks with BIP94, the first block of a period
//! may not be dated more than [`MAX_TIMEWARP`] before its parent: the timewarp attack
//! dated those blocks back to stretch each period and lower the difficulty.
//!
//! Its body ([`contextual_check_block`]) must meet the rules active at its height: every
//! transaction is final ([`is_final_tx`], against the median time past once BIP113 is
//! active); the coinbase starts with the height (BIP34, [`bip34_height_script`]), so no
//! two coinbases are alike; the segwit commitment in the coinbase matches the
//! witnesses ([`check_witness_malleation`]); and the block's weight fits.
//!
//! References: Core `src/validation.cpp` (`ContextualCheckBlockHeader`,
//! `ContextualCheckBlock`, `CheckWitnessMalleation`); BIP34, BIP65, BIP66, BIP94,
//! BIP113, BIP141.

use sou_primitives::block::{Block, BlockHeader};
use sou_primitives::network::Params;
use sou_primitives::script::Script;
use sou_primitives::{Transaction, Weight, Witness};

use super::deployments::active_at;
use super::{is_final_tx, median_time_past, next_work_required, AncestorView, BlockError};

/// How far ahead of the node's clock a block's time may be (Core `MAX_FUTURE_BLOCK_TIME`).
pub const MAX_FUTURE_BLOCK_TIME: i64 = 2 * 60 * 60;

/// BIP94: how far before its parent the first block of a period may be dated.
pub const MAX_TIMEWARP: i64 = 600;

/// Core's `ContextualCheckBlockHeader`. `adjusted_time` is the node's clock (seconds
/// since 1970), against which the two-hour limit applies.
pub fn contextual_check_block_header<V: AncestorView + ?Sized>(
    header: &BlockHeader,
    view: &V,
    params: &Params,
    adjusted_time: i64,
) -> Result<(), BlockError> {
    let prev = view.tip();
    let height = prev.height + 1;
    let expected = next_work_required(view, header.time, params);
    if header.bits != expected {
        return Err(BlockError::BadDiffBits {
            found: header.bits,
            expected,
        });
    }
    let median_time_past = median_time_past(view, prev.height);
    if i64::from(header.time) <= median_time_past {
        return Err(BlockError::TimeTooOld {
            time: header.time,
            median_time_past,
        });
    }
    if params.enforce_bip94
        && height % params.difficulty_adjustment_interval() == 0
        && i64::from(header.time) < i64::from(prev.time) - MAX_TIMEWARP
    {
        return Err(BlockError::TimewarpAttack);
    }
    if i64::from(header.time) > adjusted_time + MAX_FUTURE_BLOCK_TIME {
        return Err(BlockError::TimeTooNew { time: header.time });
    }
    let d = &params.deployments;
    let version = header.version;
    if (version < 2 && active_at(height, d.bip34_height))
        || (version < 3 && active_at(height, d.bip66_height))
        || (version < 4 && active_at(height, d.bip65_height))
    {
        return Err(BlockError::BadVersion { version });
    }
    Ok(())
}

/// The script that BIP34 requires a coinbase to start with: a push of the height.
pub fn bip34_height_script(height: u32) -> Script {
    Script::builder().push_int(i64::from(height)).into_script()
}

/// Core's `ContextualCheckBlock` for a block at `view.tip().height + 1`.
pub fn contextual_check_block<V: AncestorView + ?Sized>(
    block: &Block,
    view: &V,
    params: &Params,
) -> Result<(), BlockError> {
    let prev = view.tip();
    let height = prev.height + 1;
    let d = &params.deployments;
    // BIP113: with CSV active, lock times compare with the median time past.
    let cutoff = if active_at(height, d.csv_height) {
        median_time_past(view, prev.height)
    } else {
        i64::from(block.header.time)
    };
    for tx in &block.txdata {
        if !is_final_tx(tx, height, cutoff) {
            return Err(BlockError::NonFinal {
                txid: tx.compute_txid(),
            });
        }
    }
    if active_at(height, d.bip34_height) {
        let expect = bip34_height_script(height);
        let script_sig = block
            .txdata
            .first()
            .and_then(|tx| tx.input.first())
            .map(|i| i.script_sig.as_bytes());
        if !script_sig.is_some_and(|s| s.starts_with(expect.as_bytes())) {
            return Err(BlockError::BadCoinbaseHeight);
        }
    }
    check_witness_malleation(block, active_at(height, d.segwit_height))?;
    if block.weight() > Weight::MAX_BLOCK {
        return Err(BlockError::BadWeight);
    }
    Ok(())
}

/// BIP141's commitment (Core `CheckWitnessMalleation`): with segwit active and a
/// commitment present, the coinbase witness is one 32-byte item and the commitment
/// matches; otherwise no transaction may carry witness data.
pub fn check_witness_malleation(block: &Block, expect_commitment: bool) -> Result<(), BlockError> {
    if expect_commitment {
        if let Some(committed) = block.witness_commitment() {
            let witness: &Witness = &block.txdata[0].input[0].witness;
            if witness.len() != 1 || witness.get(0).map(<[u8]>::len) != Some(32) {
                return Err(BlockError::BadWitnessNonceSize);
            }
            if block.compute_witness_commitment() != Some(committed) {
                return Err(BlockError::BadWitnessMerkleMatch);
            }
            return Ok(());
        }
    }
    if block.txdata.iter().any(Transaction::has_witness) {
        return Err(BlockError::UnexpectedWitness);
    }
    Ok(())
}
