//! The chain below a new block, as the contextual rules see it.
//!
//! Some rules look back: the difficulty depends on the last period's timestamps, a
//! block's time must be later than the median of the 11 blocks before it, lock times
//! compare with that median. They need only the branch the new block builds on, not the
//! whole block tree: an [`AncestorView`] gives its tip and any ancestor by height, each as
//! an [`AncestorInfo`] (hash, height, time, nBits, version). The chain state implements
//! it over its block tree; a test can implement it over a vector.
//!
//! The median time past ([`median_time_past`]) is the chain's clock. A miner chooses its
//! block's timestamp, but a few liars cannot move the median of 11, and since each block
//! must be later than it, it never goes backwards. BIP113 made it the clock that time
//! locks compare with.
//!
//! References: Core `src/chain.h` (`CBlockIndex::GetMedianTimePast`); BIP113.

use sou_primitives::pow::CompactTarget;
use sou_primitives::BlockHash;

/// Blocks whose time the median-time-past takes.
pub const MEDIAN_TIME_SPAN: u32 = 11;

/// What the contextual rules need to know of one block below the one being checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AncestorInfo {
    /// Its hash.
    pub hash: BlockHash,
    /// Its height.
    pub height: u32,
    /// Its header time.
    pub time: u32,
    /// Its nBits.
    pub bits: CompactTarget,
    /// Its header version, whose bits signal BIP9 deployments ([`crate::versionbits`]).
    pub version: i32,
}

/// The chain a new block builds on: its tip and any ancestor by height.
pub trait AncestorView {
    /// The block being built on (the new block's parent).
    fn tip(&self) -> AncestorInfo;
    /// The ancestor at `height` (at most the tip's height) on the tip's branch.
    fn ancestor(&self, height: u32) -> Option<AncestorInfo>;
}

/// The median of the times of the 11 blocks ending at `height` (fewer near genesis)
/// (Core `CBlockIndex::GetMedianTimePast`).
pub fn median_time_past<V: AncestorView + ?Sized>(view: &V, height: u32) -> i64 {
    let first = height.saturating_sub(MEDIAN_TIME_SPAN - 1);
    let mut times: Vec<u32> = (first..=height)
        .filter_map(|h| view.ancestor(h))
        .map(|a| a.time)
        .collect();
    times.sort_unstable();
    times.get(times.len() / 2).map_or(0, |&t| i64::from(t))
}
