//! The node's wallets over RPC, `soud` as a process: descriptor wallets as Core's.
//!
//! - `story.rs`: a talk's story. Two wallets, addresses of the four types, coins mined,
//!   a payment waiting in the mempool, a double spend refused, a fee bump accepted, a
//!   block, the block invalidated (the payment back in the pool), reconsidered.
//! - `restore.rs`: a wallet restored from its twelve (French) words on a fresh node
//!   finds all its coins after `rescanblockchain`.
//! - `persist.rs`: restarts and `kill -9` lose no payment; `load_on_startup`; a wallet
//!   unloaded during a reorganisation catches up when loaded again.
//! - `watch.rs`: a watch-only wallet of imported descriptors makes a PSBT that the wallet
//!   with keys signs (`walletcreatefundedpsbt`, `walletprocesspsbt`).
//! - `hostile.rs`: `/wallet/NAME` routing errors, bad parameters and malformed PSBTs:
//!   Core's codes and messages, never a panic.
//!
//! Nodes run with `-keypool=100` (Core's 1,000 costs start-up time in a debug build and
//! changes nothing here) and, to pay, `-fallbackfee=0.0002` (20 sat/vB).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

#[path = "../support/mod.rs"]
mod support;

mod hostile;
mod persist;
mod restore;
mod story;
mod watch;

use serde_json::{json, Value};
use support::{RpcFailure, TestNode};

/// The arguments of a node that can pay.
pub const PAYING: &[&str] = &["-keypool=100", "-fallbackfee=0.0002"];

/// Calls `method` on the wallet `wallet` (`/wallet/NAME`): the result or Core's error.
pub fn wcall(
    node: &TestNode,
    wallet: &str,
    method: &str,
    params: Value,
) -> Result<Value, RpcFailure> {
    let body = json!({"jsonrpc": "1.0", "id": "w", "method": method, "params": params});
    let url = format!("http://127.0.0.1:{}/wallet/{wallet}", node.rpc_port);
    let credentials = node.cookie().unwrap_or_default();
    let auth = format!("Basic {}", support::base64_encode(credentials.as_bytes()));
    let response = ureq::post(&url)
        .set("Authorization", &auth)
        .set("Content-Type", "application/json")
        .send_string(&body.to_string());
    let (status, text) = match response {
        Ok(r) => (r.status(), r.into_string().unwrap_or_default()),
        Err(ureq::Error::Status(status, r)) => (status, r.into_string().unwrap_or_default()),
        Err(e) => (0, e.to_string()),
    };
    support::reply(status, &text)
}

/// [`wcall`], failing the test on an error.
pub fn w(node: &TestNode, wallet: &str, method: &str, params: Value) -> Value {
    wcall(node, wallet, method, params.clone())
        .unwrap_or_else(|e| panic!("{wallet}: {method} {params}: {e:?}"))
}

/// An amount in BTC as satoshis (amounts come back as JSON numbers with 8 decimals).
pub fn sats(value: &Value) -> i64 {
    let text = value.to_string();
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, "0"));
    let negative = whole.starts_with('-');
    let whole: i64 = whole.trim_start_matches('-').parse().unwrap();
    let fraction: i64 = format!("{fraction:0<8}")[..8].parse().unwrap();
    let v = whole * 100_000_000 + fraction;
    if negative {
        -v
    } else {
        v
    }
}

/// Mines `n` blocks paying `address`.
pub fn mine(node: &TestNode, n: u32, address: &str) -> Vec<String> {
    node.rpc("generatetoaddress", json!([n, address]))
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap().to_string())
        .collect()
}

/// The txids in the node's mempool.
pub fn mempool(node: &TestNode) -> Vec<String> {
    node.rpc("getrawmempool", json!([]))
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_string())
        .collect()
}
