//! Clients nobody here wrote, driving `soud` as they drive `bitcoind`.
//!
//! A drop-in replacement is judged by the clients people already use. Two of them here:
//!
//! - the `bitcoincore-rpc` crate (0.19), with cookie authentication, its typed results
//!   (`GetBlockResult`, `GetBlockHeaderResult`, `GetTxOutResult`, `GetChainTipsResult`,
//!   `GetBlockchainInfoResult`) and its decoding of raw blocks and headers;
//! - Bitcoin Core's own `bitcoin-cli`, when `BITCOINCLI` names one: plain and `-named`
//!   calls, `-stdin`, `-rpcwait`, and what it prints (and exits with) when a call fails.
//!
//! Where a real `bitcoind` is at hand (`BITCOIND=/path/to/bitcoind`), the same checks run
//! against it too, so that an expectation here is Core's and not a guess. The error texts
//! and exit codes written below are what `bitcoin-cli` v31.99 printed against `bitcoind`
//! v31.99.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test: a panic is a failed test"
)]

#[path = "../support/mod.rs"]
mod support;

mod bitcoin_cli;
mod core_node;
mod rpc_crate;

use std::io::Write;
use std::time::Duration;

/// The longest any one client command may take before the test calls it hung.
const COMMAND_LIMIT: Duration = Duration::from_secs(60);

/// Says a test did not run. Written to the process's standard error directly, not with
/// `println!`, which the test harness captures and hides for a passing test.
fn skipped(why: &str) {
    let _ = writeln!(std::io::stderr(), "SKIPPED: {why}");
}
