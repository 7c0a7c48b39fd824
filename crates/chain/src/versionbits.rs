//! BIP9 version bits: miners vote for a soft fork with a bit of the block version.
//!
//! A soft fork tightens the rules, so it is safe only once most of the hash power enforces
//! it; otherwise a block the new rules reject could still be extended. BIP9 lets miners
//! say they are ready: a block whose version has the top bits `001` (0x20000000) and the
//! deployment's bit set *signals* for it. Counting happens per period of blocks (2016 on
//! mainnet, 144 on regtest), and every block of a period shares one state:
//!
//! ```text
//!             median time past >= start_time
//!   DEFINED ------------------------------------> STARTED
//!                                                 |     |
//!              >= threshold signalling blocks     |     |  median time past >= timeout
//!              in one period                      v     v  (and not locked in)
//!                                           LOCKED_IN   FAILED
//!                                                 |
//!              next period, and the height        |
//!              reaches min_activation_height      v
//!                                               ACTIVE
//! ```
//!
//! A period's state follows from the state of the period before and from that period's
//! last block: its median time past (start and timeout), and its period of versions
//! (the count). The walk starts from genesis, which is DEFINED by definition, or from
//! the last period whose median time past is below `start_time`, which cannot have
//! started. ACTIVE and FAILED are final.
//!
//! [`state_for`] is that machine, [`state_since_height_for`] the first height of the
//! current run of a state, [`state_statistics_for`] the count so far in a period (what
//! `getdeploymentinfo` shows), [`compute_block_version`] the version a miner puts in
//! its next block: the top bits and the bit of every STARTED or LOCKED_IN deployment.
//! Core caches each period's state; these functions recompute them from an
//! [`AncestorView`], as values in, verdict out: a walk of one median time past per period
//! and a count of the versions of each STARTED period.
//!
//! Deployments are named by [`Deployment`] (Core's `DeploymentPos`); their parameters
//! are the network's ([`sou_primitives::network::Deployments`]).
//!
//! References: BIP9 ("State transitions", "Getblocktemplate changes"), BIP341's
//! activation (min_activation_height); Core `src/versionbits.cpp`
//! (`AbstractThresholdConditionChecker::GetStateFor`, `GetStateSinceHeightFor`,
//! `GetStateStatisticsFor`, `VersionBitsCache::Info`, `GBTStatus`,
//! `ComputeBlockVersion`), `src/versionbits_impl.h`, `src/deploymentinfo.cpp`.

use core::fmt;

use sou_primitives::network::{Bip9Deployment, Params};

use crate::consensus::{median_time_past, AncestorView};

/// The top three version bits that mark a block as using version bits: `001`
/// (Core `VERSIONBITS_TOP_BITS`).
pub const VERSIONBITS_TOP_BITS: i32 = 0x2000_0000;
/// The mask of those three bits (Core `VERSIONBITS_TOP_MASK`, 0xE0000000). Versions are
/// compared as their 32-bit pattern.
pub const VERSIONBITS_TOP_MASK: u32 = 0xe000_0000;
/// Bits available for signalling: the 29 below the top three (Core
/// `VERSIONBITS_NUM_BITS`).
pub const VERSIONBITS_NUM_BITS: u8 = 29;

/// Where a BIP9 deployment stands for one block (Core `ThresholdState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ThresholdState {
    /// Before `start_time`; the genesis block is by definition here.
    Defined,
    /// Signalling counts.
    Started,
    /// A period reached the threshold; the rules apply from the next period on (or from
    /// `min_activation_height`).
    LockedIn,
    /// The rules apply (final).
    Active,
    /// Timed out before locking in (final).
    Failed,
}

impl ThresholdState {
    /// Core's name for it, as `getdeploymentinfo` prints it (`StateName`).
    pub const fn name(self) -> &'static str {
        match self {
            ThresholdState::Defined => "defined",
            ThresholdState::Started => "started",
            ThresholdState::LockedIn => "locked_in",
            ThresholdState::Active => "active",
            ThresholdState::Failed => "failed",
        }
    }
}

impl fmt::Display for ThresholdState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A BIP9 deployment sou knows (Core `Consensus::DeploymentPos`, with the names of
/// `VersionBitsDeploymentInfo`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Deployment {
    /// `testdummy`, bit 28: no rules, only there to exercise the machinery.
    TestDummy,
}

impl Deployment {
    /// Every deployment, in Core's order.
    pub const ALL: [Deployment; 1] = [Deployment::TestDummy];

    /// Its name in RPC results and `getblocktemplate` rules.
    pub const fn name(self) -> &'static str {
        match self {
            Deployment::TestDummy => "testdummy",
        }
    }

    /// May a `getblocktemplate` client ignore it (BIP9 "Getblocktemplate changes")? A
    /// rule that changes what a block may contain is written with a `!` and must be
    /// understood; an optional one is listed bare.
    pub const fn gbt_optional_rule(self) -> bool {
        match self {
            Deployment::TestDummy => true,
        }
    }

    /// Its parameters on `params`' network.
    pub fn params(self, params: &Params) -> &Bip9Deployment {
        match self {
            Deployment::TestDummy => &params.deployments.testdummy,
        }
    }
}

/// Does a block of `version` signal for `deployment` (Core
/// `VersionBitsConditionChecker::Condition`)? The top bits must be `001`, so that old
/// versions (1 to 4) and any future scheme using other top bits never count.
pub fn signals(version: i32, deployment: &Bip9Deployment) -> bool {
    // The version's 32-bit pattern, as Core masks its int32.
    let bits = version as u32;
    bits & VERSIONBITS_TOP_MASK == VERSIONBITS_TOP_BITS as u32 && bits & deployment.mask() != 0
}

/// Blocks per period; a period of 0 (a broken parameter set) counts as 1 rather than
/// dividing by zero.
fn period_of(deployment: &Bip9Deployment) -> u32 {
    deployment.period.max(1)
}

/// Does the ancestor at `height` signal? A height missing from the view does not.
fn signals_at<V: AncestorView + ?Sized>(
    view: &V,
    height: u32,
    deployment: &Bip9Deployment,
) -> bool {
    view.ancestor(height)
        .is_some_and(|block| signals(block.version, deployment))
}

/// The state of every period from the last one known DEFINED to the period of the block
/// at `height`, oldest first, each as (its first height, its state). For deployments that
/// signal (neither always nor never active).
///
/// This is `GetStateFor`'s two walks: back a period at a time while the period before
/// may have started (its last block's median time past reached `start_time`), then
/// forward applying the transitions.
fn period_states<V: AncestorView + ?Sized>(
    view: &V,
    height: u32,
    deployment: &Bip9Deployment,
) -> Vec<(u32, ThresholdState)> {
    let period = period_of(deployment);
    // A block's state is that of the first block of its period.
    let mut first = height - height % period;
    let mut to_compute = Vec::new();
    // `first` is a multiple of the period: stepping back reaches 0 exactly.
    while first > 0 {
        let last_of_previous = first - 1;
        // Median time past never decreases along a chain (each block's time must exceed
        // it), so below this point every period is before the start time too.
        if median_time_past(view, last_of_previous) < deployment.start_time {
            break;
        }
        to_compute.push(first);
        first -= period;
    }
    let mut states = Vec::with_capacity(to_compute.len() + 1);
    let mut state = ThresholdState::Defined;
    states.push((first, state));
    for &first in to_compute.iter().rev() {
        let last_of_previous = first - 1;
        state = match state {
            ThresholdState::Defined => {
                if median_time_past(view, last_of_previous) >= deployment.start_time {
                    ThresholdState::Started
                } else {
                    ThresholdState::Defined
                }
            }
            ThresholdState::Started => {
                // The previous period's blocks: `first - period .. first`.
                let count = (first - period..first)
                    .filter(|&h| signals_at(view, h, deployment))
                    .count();
                if count >= deployment.threshold as usize {
                    ThresholdState::LockedIn
                } else if median_time_past(view, last_of_previous) >= deployment.timeout {
                    // Locking in wins over timing out in the same period.
                    ThresholdState::Failed
                } else {
                    ThresholdState::Started
                }
            }
            ThresholdState::LockedIn => {
                // A whole period of warning before the rules apply, longer when the
                // deployment set a minimum height (BIP341's Speedy Trial).
                if first >= deployment.min_activation_height {
                    ThresholdState::Active
                } else {
                    ThresholdState::LockedIn
                }
            }
            ThresholdState::Active | ThresholdState::Failed => state,
        };
        states.push((first, state));
    }
    states
}

/// The state of `deployment` for the block at `height`, whose parent is the ancestor at
/// `height - 1` of `view` (Core `GetStateFor(pindexPrev)`, with `height` =
/// `pindexPrev->nHeight + 1`, and 0 for the genesis block, whose parent is null). `height`
/// may be one past the view's tip: the state of the next block.
pub fn state_for<V: AncestorView + ?Sized>(
    view: &V,
    height: u32,
    deployment: &Bip9Deployment,
) -> ThresholdState {
    match deployment.start_time {
        Bip9Deployment::ALWAYS_ACTIVE => ThresholdState::Active,
        Bip9Deployment::NEVER_ACTIVE => ThresholdState::Failed,
        _ => period_states(view, height, deployment)
            .last()
            .map_or(ThresholdState::Defined, |&(_, state)| state),
    }
}

/// The height from which the block at `height` has been in its current state (Core
/// `GetStateSinceHeightFor`): always the first block of a period, and 0 while DEFINED
/// (since genesis, by definition) and for deployments always or never active.
pub fn state_since_height_for<V: AncestorView + ?Sized>(
    view: &V,
    height: u32,
    deployment: &Bip9Deployment,
) -> u32 {
    if matches!(
        deployment.start_time,
        Bip9Deployment::ALWAYS_ACTIVE | Bip9Deployment::NEVER_ACTIVE
    ) {
        return 0;
    }
    let states = period_states(view, height, deployment);
    let Some(&(mut since, current)) = states.last() else {
        return 0;
    };
    if current == ThresholdState::Defined {
        return 0;
    }
    // Back through the periods in the same state. The oldest period is DEFINED, so the
    // run stops before it.
    for &(first, state) in states.iter().rev().skip(1) {
        if state != current {
            break;
        }
        since = first;
    }
    since
}

/// How signalling goes in one period (Core `BIP9Stats`, with the per-block list that
/// Core returns beside it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bip9Stats {
    /// Blocks in a period.
    pub period: u32,
    /// Signalling blocks needed to lock in (0 once locked in, as `getdeploymentinfo`
    /// shows it).
    pub threshold: u32,
    /// Blocks of the period so far, up to and including the one asked about.
    pub elapsed: u32,
    /// How many of them signalled.
    pub count: u32,
    /// Can the threshold still be reached in this period?
    pub possible: bool,
    /// For each block so far, oldest first: did it signal?
    pub signalling: Vec<bool>,
}

/// Signalling in the period of the block at `height` of `view`, from the period's first
/// block up to that one (Core `GetStateStatisticsFor`).
pub fn state_statistics_for<V: AncestorView + ?Sized>(
    view: &V,
    height: u32,
    deployment: &Bip9Deployment,
) -> Bip9Stats {
    let period = period_of(deployment);
    let first = height - height % period;
    let signalling: Vec<bool> = (first..=height)
        .map(|h| signals_at(view, h, deployment))
        .collect();
    let elapsed = height - first + 1;
    let count: u32 = signalling.iter().map(|&s| u32::from(s)).sum();
    // Still possible while the blocks that did not signal leave room for the threshold.
    let possible = i64::from(deployment.period) - i64::from(deployment.threshold)
        >= i64::from(elapsed) - i64::from(count);
    Bip9Stats {
        period: deployment.period,
        threshold: deployment.threshold,
        elapsed,
        count,
        possible,
        signalling,
    }
}

/// What `getdeploymentinfo` shows of a BIP9 deployment at one block (Core `BIP9Info`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bip9Info {
    /// The height from which `current_state` holds.
    pub since: u32,
    /// The state of the block asked about.
    pub current_state: ThresholdState,
    /// The state of the block after it.
    pub next_state: ThresholdState,
    /// Signalling in the block's period, while signalling matters (STARTED, LOCKED_IN).
    pub stats: Option<Bip9Stats>,
    /// The height from which the rules apply, when known (it may be the next block's).
    pub active_since: Option<u32>,
}

/// The deployment's state at the block at `height` of `view` and at the next block, with
/// statistics while it signals (Core `VersionBitsCache::Info`).
pub fn info<V: AncestorView + ?Sized>(
    view: &V,
    height: u32,
    deployment: &Bip9Deployment,
) -> Bip9Info {
    let current_state = state_for(view, height, deployment);
    let next_height = height.saturating_add(1);
    let next_state = state_for(view, next_height, deployment);
    let since = state_since_height_for(view, height, deployment);
    let stats = match current_state {
        ThresholdState::Started => Some(state_statistics_for(view, height, deployment)),
        // Once locked in the count no longer decides anything: Core shows no threshold.
        ThresholdState::LockedIn => Some(Bip9Stats {
            threshold: 0,
            possible: false,
            ..state_statistics_for(view, height, deployment)
        }),
        _ => None,
    };
    let active_since = if current_state == ThresholdState::Active {
        Some(since)
    } else if next_state == ThresholdState::Active {
        Some(next_height)
    } else {
        None
    };
    Bip9Info {
        since,
        current_state,
        next_state,
        stats,
        active_since,
    }
}

/// The deployments a block template built on `view`'s tip reports, by state, each list
/// in name order (Core `VersionBitsCache::GBTStatus`): DEFINED and FAILED ones are not
/// shown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GbtStatus {
    /// STARTED: miners may signal (`vbavailable`).
    pub signalling: Vec<Deployment>,
    /// LOCKED_IN: miners still set the bit (`vbavailable`).
    pub locked_in: Vec<Deployment>,
    /// ACTIVE: the rules apply (`rules`).
    pub active: Vec<Deployment>,
}

/// The deployments' states for the block after `view`'s tip, as `getblocktemplate`
/// reports them (Core `VersionBitsCache::GBTStatus`).
pub fn gbt_status<V: AncestorView + ?Sized>(view: &V, params: &Params) -> GbtStatus {
    let next_height = view.tip().height.saturating_add(1);
    let mut deployments = Deployment::ALL;
    // Core keeps them in a map by name.
    deployments.sort_by_key(|d| d.name());
    let mut status = GbtStatus::default();
    for deployment in deployments {
        match state_for(view, next_height, deployment.params(params)) {
            ThresholdState::Defined | ThresholdState::Failed => {}
            ThresholdState::Started => status.signalling.push(deployment),
            ThresholdState::LockedIn => status.locked_in.push(deployment),
            ThresholdState::Active => status.active.push(deployment),
        }
    }
    status
}

/// The version for a block on top of `view`'s tip (Core `ComputeBlockVersion`): the top
/// bits `001`, and the bit of every deployment STARTED or LOCKED_IN. A miner keeps
/// signalling while locked in, so that nodes that missed the lock-in still see the
/// support; once ACTIVE the bit is free for a later deployment.
pub fn compute_block_version<V: AncestorView + ?Sized>(view: &V, params: &Params) -> i32 {
    let next_height = view.tip().height.saturating_add(1);
    let mut version = VERSIONBITS_TOP_BITS;
    for deployment in Deployment::ALL {
        let deployment = deployment.params(params);
        if matches!(
            state_for(view, next_height, deployment),
            ThresholdState::Started | ThresholdState::LockedIn
        ) {
            // A mask of bit 28 or lower: the same 32-bit pattern as an i32.
            version |= deployment.mask() as i32;
        }
    }
    version
}

#[cfg(test)]
mod tests {
    use super::*;
    use sou_primitives::Network;

    #[test]
    fn signalling_needs_the_top_bits() {
        let d = Network::Regtest.params().deployments.testdummy;
        assert!(signals(0x3000_0000, &d));
        assert!(!signals(0x2000_0000, &d));
        // Bit 28 set but the top bits are 000 (an old-style version number).
        assert!(!signals(0x1000_0000, &d));
        // Top bits 011: not version bits.
        assert!(!signals(0x7000_0000, &d));
        // Top bits 111 (negative as i32).
        assert!(!signals(-1, &d));
    }

    #[test]
    fn state_names_are_cores() {
        let names = [
            ThresholdState::Defined,
            ThresholdState::Started,
            ThresholdState::LockedIn,
            ThresholdState::Active,
            ThresholdState::Failed,
        ]
        .map(ThresholdState::name);
        assert_eq!(
            names,
            ["defined", "started", "locked_in", "active", "failed"]
        );
    }
}
