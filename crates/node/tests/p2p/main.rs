//! soud's peers: two soud nodes syncing each other, and soud syncing with bitcoind.
//!
//! Every node listens on 127.0.0.1 only, every wait is bounded ([`wait_until`]), and every
//! process is stopped by the test (the harness kills what a failed test leaves). The
//! comparisons with Bitcoin Core run when `BITCOIND` names its `bitcoind`; without it they
//! print `SKIPPED`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a panic is a failed test"
)]

#[path = "../support/mod.rs"]
mod support;

mod addrs;
mod bans;
mod compact;
mod network;
mod permissions;
mod sou_pair;
mod txs;
mod v2;
mod wire;
mod with_bitcoind;

use std::time::{Duration, Instant};

/// How long a test waits for a node to reach a state, generous for a loaded 2-core machine.
pub const WAIT: Duration = Duration::from_secs(120);

/// Polls `done` every 100 ms until it holds, failing the test with `what` after [`WAIT`].
pub fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(
            started.elapsed() < WAIT,
            "timed out after {WAIT:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}
