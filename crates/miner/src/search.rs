//! Searching for a nonce: trying hashes until one falls under the target.
//!
//! The probability that one hash meets a target `T` is about `T / 2^256`, so the search is
//! pure trial and error, and splits perfectly across cores: each thread takes the next
//! chunk of 2^18 nonces from a shared counter until one finds a hash, the nonces run out,
//! or someone cancels (a new block arrived: the work is stale). When all 2^32 nonces fail,
//! the caller changes the block (the coinbase's extra nonce, hence the merkle root, or the
//! time) and searches again.
//!
//! References: Core `src/rpc/mining.cpp` (`GenerateBlock`), cpuminer (work splitting).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use sou_primitives::{BlockHeader, Target};

use crate::kernel::{meets_target, HeaderHasher, Kernel};

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

/// Scans one chunk; returns the first nonce that meets the target.
fn scan(
    hasher: &HeaderHasher,
    target: &[u8; 32],
    lo: u64,
    hi: u64,
    kernel: Kernel,
    progress: &Progress,
) -> Option<u32> {
    let mut nonce = lo;
    let mut done = 0u64;
    let result = loop {
        if nonce > hi {
            break None;
        }
        // Check cancellation every 4,096 nonces: well under a millisecond of work.
        if done & 0x0fff == 0 && done > 0 && progress.cancel.load(Ordering::Relaxed) {
            break None;
        }
        let n = u32::try_from(nonce).unwrap_or(u32::MAX);
        if kernel == Kernel::Fast && nonce < hi {
            let [a, b] = hasher.hash_two([n, n.wrapping_add(1)]);
            if meets_target(&a, target) {
                break Some(n);
            }
            if meets_target(&b, target) {
                break Some(n.wrapping_add(1));
            }
            nonce += 2;
            done += 2;
        } else {
            if meets_target(&hasher.hash(n), target) {
                break Some(n);
            }
            nonce += 1;
            done += 1;
        }
    };
    progress
        .hashes
        .fetch_add(done + u64::from(result.is_some()), Ordering::Relaxed);
    result
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
