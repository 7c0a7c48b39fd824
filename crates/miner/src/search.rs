//! Searching for a nonce: trying hashes until one falls under the target.
//!
//! The probability that one hash meets a target `T` is about `T / 2^256`, so the search is
//! pure trial and error, and splits perfectly across cores: each thread takes the next
//! chunk of 2^18 nonces from a shared counter until one finds a hash, the nonces run out,
//! or someone cancels (a new block arrived: the work is stale). When all 2^32 nonces fail,
//! the block must change: [`mine_template`] moves to the coinbase's next extra nonce, hence
//! a new merkle root, and searches again (changing the time would also do, but the time is
//! the node's to set).
//!
//! References: Core `src/rpc/mining.cpp` (`GenerateBlock`), cpuminer (work splitting).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use sou_primitives::{BlockHeader, Target};

use crate::kernel::{HeaderHasher, Kernel};
use crate::template::{set_extra_nonce, BlockTemplate};

/// Nonces a thread takes at a time: small enough to notice cancellation within a few
/// milliseconds, large enough that taking them costs nothing.
const CHUNK: u64 = 1 << 18;

/// Counters a search updates as it goes, readable from another thread (for a progress bar).
#[derive(Debug, Default)]
pub struct Progress {
    /// Hashes computed.
    pub hashes: AtomicU64,
    /// Set to stop every thread.
    pub cancel: AtomicBool,
}

/// What a search found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A nonce whose hash meets the target.
    Found(u32),
    /// Every nonce in the range failed.
    Exhausted,
    /// Cancelled.
    Cancelled,
}

/// How to search.
#[derive(Debug, Clone, Copy)]
pub struct SearchOptions {
    /// The SHA-256 kernel.
    pub kernel: Kernel,
    /// Threads (0: all cores, rayon's default pool).
    pub threads: usize,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            kernel: Kernel::best(),
            threads: 0,
        }
    }
}

/// Tries nonces `start..=end` of `header` against `target` on all threads; the lowest
/// nonce found by any chunk is returned (the search stops as soon as one is found).
pub fn search(
    header: &BlockHeader,
    target: Target,
    start: u32,
    end: u32,
    options: SearchOptions,
    progress: &Progress,
) -> Outcome {
    let hasher = HeaderHasher::new(header);
    let target_le = target.to_u256().to_le_bytes();
    let found = AtomicU64::new(u64::MAX);
    let chunks: Vec<(u64, u64)> = (u64::from(start)..=u64::from(end))
        .step_by(1 << 18)
        .map(|lo| (lo, (lo + CHUNK - 1).min(u64::from(end))))
        .collect();
    let run = || {
        chunks.par_iter().for_each(|&(lo, hi)| {
            if progress.cancel.load(Ordering::Relaxed) || found.load(Ordering::Relaxed) != u64::MAX
            {
                return;
            }
            if let Some(nonce) = scan(&hasher, &target_le, lo, hi, options.kernel, progress) {
                found.fetch_min(u64::from(nonce), Ordering::Relaxed);
            }
        })
    };
    if options.threads == 0 {
        run();
    } else {
        match rayon::ThreadPoolBuilder::new()
            .num_threads(options.threads)
            .build()
        {
            Ok(pool) => pool.install(run),
            Err(_) => run(),
        }
    }
    match found.load(Ordering::Relaxed) {
        u64::MAX if progress.cancel.load(Ordering::Relaxed) => Outcome::Cancelled,
        u64::MAX => Outcome::Exhausted,
        // Nonces come from a u32 range.
        n => Outcome::Found(u32::try_from(n).unwrap_or(u32::MAX)),
    }
}

/// Mines `template` until its header meets `target`: all 2^32 nonces of the header, then
/// the next extra nonce (a new coinbase, hence a new merkle root and 2^32 fresh nonces),
/// and so on, as Core's `GenerateBlock` does with `IncrementExtraNonce`. On
/// [`Outcome::Found`] the template's header carries the winning nonce and the block is
/// ready to submit; [`Outcome::Exhausted`] only if all 2^64 extra nonces fail.
pub fn mine_template(
    template: &mut BlockTemplate,
    target: Target,
    options: SearchOptions,
    progress: &Progress,
) -> Outcome {
    mine_nonces(template, target, u32::MAX, options, progress)
}

/// [`mine_template`] with the header nonces limited to `0..=last_nonce`, so that tests can
/// watch the extra nonce roll without hashing 2^32 nonces each time.
pub(crate) fn mine_nonces(
    template: &mut BlockTemplate,
    target: Target,
    last_nonce: u32,
    options: SearchOptions,
    progress: &Progress,
) -> Outcome {
    loop {
        match search(
            &template.block.header,
            target,
            0,
            last_nonce,
            options,
            progress,
        ) {
            Outcome::Found(nonce) => {
                template.block.header.nonce = nonce;
                return Outcome::Found(nonce);
            }
            Outcome::Cancelled => return Outcome::Cancelled,
            Outcome::Exhausted => match template.extra_nonce.checked_add(1) {
                Some(next) => set_extra_nonce(template, next),
                None => return Outcome::Exhausted,
            },
        }
    }
}

/// Scans one chunk; returns the first nonce that meets the target.
fn scan(
    hasher: &HeaderHasher,
    target: &[u8; 32],
    lo: u64,
    hi: u64,
    kernel: Kernel,
    progress: &Progress,
) -> Option<u32> {
    // Slices of 4,096 nonces, well under a millisecond of work, so that a cancelled search
    // stops promptly.
    let mut nonce = lo;
    while nonce <= hi {
        if nonce > lo && progress.cancel.load(Ordering::Relaxed) {
            return None;
        }
        let slice_hi = hi.min(nonce + 0x0fff);
        let (Ok(from), Ok(to)) = (u32::try_from(nonce), u32::try_from(slice_hi)) else {
            return None;
        };
        let (found, tried) = hasher.scan(kernel, target, from, to);
        progress.hashes.fetch_add(tried, Ordering::Relaxed);
        if found.is_some() {
            return found;
        }
        nonce = slice_hi + 1;
    }
    None
}

/// A measured rate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HashRate {
    /// Hashes computed.
    pub hashes: u64,
    /// Time taken.
    pub elapsed: Duration,
}

impl HashRate {
    /// Hashes per second.
    pub fn per_second(&self) -> f64 {
        self.hashes as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// Hashes nonces for `duration` against an impossible target and reports the rate.
pub fn measure(options: SearchOptions, duration: Duration) -> HashRate {
    let header = sou_primitives::Network::Mainnet
        .params()
        .genesis_block()
        .header;
    let progress = Progress::default();
    let start = Instant::now();
    std::thread::scope(|s| {
        s.spawn(|| {
            std::thread::sleep(duration);
            progress.cancel.store(true, Ordering::Relaxed);
        });
        search(
            &header,
            Target::from_u256(sou_primitives::U256::ZERO),
            0,
            u32::MAX,
            options,
            &progress,
        );
    });
    HashRate {
        hashes: progress.hashes.load(Ordering::Relaxed),
        elapsed: start.elapsed(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::regtest::RegtestChain;
    use crate::template::{build_template, NoTransactions};
    use sou_primitives::{Network, Script, U256};

    /// With only 64 header nonces per extra nonce and a 1-in-65,536 target, the miner must
    /// roll the extra nonce many times; the block it ends with is consistent and valid.
    #[test]
    fn exhausted_nonces_roll_the_extra_nonce() {
        // Coinbases pay `OP_TRUE`. The chain is sou-miner's own: sou-testkit, built on
        // this crate, would bring a second copy of it into these unit tests.
        let payout = Script::from_bytes(vec![0x51]);
        let mut chain = RegtestChain::new(payout.clone());
        let params = Network::Regtest.params();
        let view = chain
            .state
            .branch(chain.state.tip())
            .expect("the tip is in the tree");
        let mut template = build_template(&view, &NoTransactions, params, &payout, 1_700_000_000);
        let target = Target::from_u256(U256::ONE.shl(240));
        let outcome = mine_nonces(
            &mut template,
            target,
            63,
            SearchOptions::default(),
            &Progress::default(),
        );
        let Outcome::Found(nonce) = outcome else {
            panic!("{outcome:?}")
        };
        assert!(template.extra_nonce > 0, "found before any roll");
        assert!(nonce <= 63);
        let block = &template.block;
        assert!(target.is_met_by(block.block_hash()));
        assert_eq!(block.header.merkle_root, block.compute_merkle_root().root);
        let script = block.txdata[0].input[0].script_sig.as_bytes();
        assert_eq!(
            script[script.len() - 8..],
            template.extra_nonce.to_le_bytes()
        );
        // The regtest chain accepts it (regtest's target is far easier than ours).
        let outcome = chain.state.process_block(block.clone()).expect("accepted");
        assert!(outcome.invalid.is_empty(), "{outcome:?}");
        assert_eq!(chain.state.tip(), block.block_hash());
    }
}
