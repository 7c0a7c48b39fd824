//! Difficulty: the target a new block's hash must meet.
//!
//! Bitcoin aims at a block every ten minutes, however much hashing power joins or
//! leaves. Every 2,016 blocks (two weeks at that pace) the target is scaled by how long
//! the last period actually took:
//!
//! ```text
//! new target = old target × actual timespan / two weeks
//!              (the timespan clamped to between half a week and eight weeks,
//!               the target to the network's easiest, pow_limit)
//! ```
//!
//! A longer period gives a larger target: easier blocks. Between retargets the target
//! stays the same ([`next_work_required`]); the arithmetic is
//! [`calculate_next_work_required`]. Test networks add exceptions: testnet allows a
//! block at the easiest target when 20 minutes pass without one, regtest never
//! retargets, and BIP94 (testnet4) scales the target of the period's *first* block, so
//! that an easy exception block at the end of a period cannot reset the difficulty.
//!
//! References: Core `src/pow.cpp` (`GetNextWorkRequired`, `CalculateNextWorkRequired`);
//! BIP94.

use sou_primitives::network::Params;
use sou_primitives::pow::{CompactTarget, U256};

use super::{AncestorInfo, AncestorView};

/// The nBits a block on top of `view` must have (Core `GetNextWorkRequired`).
///
/// Every 2,016 blocks the target is scaled by how long the last period took against two
/// weeks, clamped to a factor of 4 either way. Core measures the period from its first
/// block's time, so it spans 2,015 intervals: an off-by-one kept as consensus. On testnet
/// a block more than 20 minutes after its parent may use the easiest target.
pub fn next_work_required<V: AncestorView + ?Sized>(
    view: &V,
    new_time: u32,
    params: &Params,
) -> CompactTarget {
    let last = view.tip();
    let limit_bits = params.pow_limit_bits();
    let interval = params.difficulty_adjustment_interval();
    if (last.height + 1) % interval != 0 {
        if params.allow_min_difficulty_blocks {
            if i64::from(new_time) > i64::from(last.time) + 2 * i64::from(params.pow_target_spacing)
            {
                return limit_bits;
            }
            // Otherwise the last target that was not a minimum-difficulty exception.
            let mut block = last;
            while block.height % interval != 0 && block.bits == limit_bits {
                match block.height.checked_sub(1).and_then(|h| view.ancestor(h)) {
                    Some(prev) => block = prev,
                    None => break,
                }
            }
            return block.bits;
        }
        return last.bits;
    }
    let first_height = last.height + 1 - interval;
    let first = view.ancestor(first_height).unwrap_or(last);
    calculate_next_work_required(&last, &first, params)
}

/// The retarget itself (Core `CalculateNextWorkRequired`): the target of the last block
/// (of the first one under BIP94) times the actual timespan, divided by two weeks.
pub fn calculate_next_work_required(
    last: &AncestorInfo,
    first: &AncestorInfo,
    params: &Params,
) -> CompactTarget {
    if params.no_retargeting {
        return last.bits;
    }
    let timespan = i64::from(params.pow_target_timespan);
    let actual = (i64::from(last.time) - i64::from(first.time)).clamp(timespan / 4, timespan * 4);
    let base_bits = if params.enforce_bip94 {
        first.bits
    } else {
        last.bits
    };
    let base = base_bits.expand().value;
    // Both factors are positive and below 2^32 here.
    let scaled = base.wrapping_mul(U256::from_u64(actual as u64));
    let mut target = scaled
        .checked_div(U256::from_u64(timespan as u64))
        .unwrap_or(U256::ZERO);
    if target > params.pow_limit.to_u256() {
        target = params.pow_limit.to_u256();
    }
    target.to_compact(false)
}
