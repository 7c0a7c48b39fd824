//! `kill -9` while `soud` mines, again and again: nothing it reported is lost, and what it
//! comes back with is what a rebuild from its block files gives.
//!
//! The node writes each block to `blocks/blk?????.dat` as soon as it accepts it and its
//! database only now and then (see `store/flush.rs`): a crash loses the work since the last
//! flush, never a block, because on start the node connects again whatever the block files
//! hold beyond the flushed position. Here a thread asks for 300 blocks while the test kills
//! the process (SIGKILL, no chance to flush) after a random delay, at least five times,
//! restarting it each time (and, every other time, killing that start too, while it reads
//! its block files back). After each restart:
//!
//! - the tip is consistent: `getblockcount`, `getbestblockhash`, `getblockheader` and
//!   `getblockhash` agree, and `getblock` of the tip reads back the tip's bytes;
//! - every block hash returned by a `generatetoaddress` that completed before a kill is
//!   still on the active chain.
//!
//! At the end, `gettxoutsetinfo` must be the same as after `-reindex-chainstate` and after
//! `-reindex` on the same data directory: the coins the node kept through the crashes are
//! the coins its blocks imply.
//!
//! The delays come from a seeded generator (`SOU_CRASH_SEED` to choose another seed), so
//! a failure can be replayed; the seed and what each kill interrupted are printed.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test: a panic is a failed test"
)]

mod support;

use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::{base64_encode, TestNode, BURN_ADDRESS};

/// Kills while mining (at least five).
const KILLS: usize = 10;
/// Blocks asked for in each `generatetoaddress`.
const BLOCKS_PER_CALL: u64 = 300;
/// The seed when `SOU_CRASH_SEED` is not set.
const DEFAULT_SEED: u64 = 0x5017_dead_beef_0009;
/// The most one call may take before the test calls the node hung.
const CALL_LIMIT: Duration = Duration::from_secs(120);

/// SplitMix64: a small, well-mixed generator, enough to pick delays reproducibly.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..bound` (`bound` > 0).
    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound
    }
}

/// One JSON-RPC 1.0 call over its own connection, usable from another thread: the result,
/// or a description of the failure (an error reply, or a connection cut by the kill).
fn call(url: &str, authorization: &str, method: &str, params: &Value) -> Result<Value, String> {
    let body = json!({"jsonrpc": "1.0", "id": "crash", "method": method, "params": params});
    let response = ureq::post(url)
        .set("Authorization", authorization)
        .timeout(CALL_LIMIT)
        .send_string(&body.to_string());
    let text = match response {
        Ok(r) => r.into_string().map_err(|e| e.to_string())?,
        Err(ureq::Error::Status(status, r)) => {
            return Err(format!(
                "HTTP {status}: {}",
                r.into_string().unwrap_or_default()
            ))
        }
        Err(e) => return Err(e.to_string()),
    };
    let reply: Value = serde_json::from_str(&text).map_err(|e| format!("{e}: {text}"))?;
    if reply["error"].is_null() {
        Ok(reply["result"].clone())
    } else {
        Err(reply["error"].to_string())
    }
}

fn authorization(node: &TestNode) -> String {
    format!(
        "Basic {}",
        base64_encode(node.cookie().expect("the node wrote its cookie").as_bytes())
    )
}

/// The hash of a serialized block, in display hex: SHA-256 twice over its 80-byte header.
fn block_hash_of(raw_hex: &str) -> String {
    use sha2::{Digest, Sha256};
    let bytes = hex::decode(raw_hex).unwrap();
    let mut hash = Sha256::digest(Sha256::digest(&bytes[..80])).to_vec();
    hash.reverse();
    hex::encode(hash)
}

/// The tip's views agree, and the tip's block reads back. Returns the height.
fn assert_tip_consistent(node: &TestNode, when: &str) -> u64 {
    let count = node.rpc("getblockcount", json!([])).as_u64().unwrap();
    let best = node.rpc("getbestblockhash", json!([]));
    assert_eq!(
        node.rpc("getblockhash", json!([count])),
        best,
        "{when}: getblockhash of getblockcount is not getbestblockhash"
    );
    let header = node.rpc("getblockheader", json!([best]));
    assert_eq!(header["height"], count, "{when}: getblockheader of the tip");
    assert_eq!(
        header["confirmations"], 1,
        "{when}: getblockheader of the tip"
    );
    assert!(
        header.get("nextblockhash").is_none(),
        "{when}: a block after the tip"
    );
    let block = node.rpc("getblock", json!([best, 1]));
    assert_eq!(block["hash"], best, "{when}: getblock of the tip");
    assert_eq!(block["height"], count, "{when}: getblock of the tip");
    let raw = node.rpc("getblock", json!([best, 0]));
    assert_eq!(
        block_hash_of(raw.as_str().unwrap()),
        best.as_str().unwrap(),
        "{when}: the tip's bytes are another block"
    );
    let tips = node.rpc("getchaintips", json!([]));
    let active: Vec<&Value> = tips
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["status"] == "active")
        .collect();
    assert_eq!(active.len(), 1, "{when}: {tips}");
    assert_eq!(active[0]["hash"], best, "{when}: getchaintips");
    count
}

/// Every hash in `kept` is on the active chain (one batch request).
fn assert_all_on_active_chain(node: &TestNode, kept: &[Value], when: &str) {
    let batch: Vec<Value> = kept
        .iter()
        .enumerate()
        .map(|(i, hash)| json!({"jsonrpc": "2.0", "id": i, "method": "getblockheader", "params": [hash]}))
        .collect();
    let (status, text) = node.post(&Value::Array(batch).to_string(), None);
    assert_eq!(status, 200, "{when}: {text}");
    let replies: Value = serde_json::from_str(&text).unwrap();
    let replies = replies.as_array().unwrap();
    assert_eq!(replies.len(), kept.len());
    for reply in replies {
        let i = usize::try_from(reply["id"].as_u64().unwrap()).unwrap();
        let confirmations = reply["result"]["confirmations"].as_i64();
        assert!(
            confirmations.is_some_and(|c| c >= 1),
            "{when}: block {} returned by a completed generatetoaddress is not on the active chain: {reply}",
            kept[i]
        );
    }
}

/// Starts `soud` on the node's data directory with its arguments and kills it (SIGKILL)
/// after `delay`, whatever it is doing then.
fn kill_during_start(node: &TestNode, delay: Duration) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_soud"))
        .args(&node.args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("soud starts");
    std::thread::sleep(delay);
    let _ = child.kill();
    let _ = child.wait();
}

/// `gettxoutsetinfo` without `disk_size` (the database's file size, which a rebuild changes).
fn utxo_set(node: &TestNode) -> Value {
    let mut info = node.rpc("gettxoutsetinfo", json!([]));
    info.as_object_mut().unwrap().remove("disk_size");
    info
}

#[test]
fn kill_9_during_generate_loses_no_returned_block() {
    let started = Instant::now();
    let seed = std::env::var("SOU_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_SEED);
    println!("crash_safety: seed {seed} (set SOU_CRASH_SEED to replay another)");
    let mut rng = SplitMix64(seed);

    let mut node = TestNode::start(&[]);
    // Hashes returned by completed generatetoaddress calls, oldest first.
    let mut kept: Vec<Value> = Vec::new();

    // A first call, timed: the kills are spread over about one call's length.
    let timer = Instant::now();
    let first = node.rpc("generatetoaddress", json!([BLOCKS_PER_CALL, BURN_ADDRESS]));
    let call_ms = u64::try_from(timer.elapsed().as_millis()).unwrap().max(20);
    kept.extend(first.as_array().unwrap().iter().cloned());
    println!("crash_safety: {BLOCKS_PER_CALL} blocks take about {call_ms} ms");

    let mut interrupted = 0;
    let mut restart_ms: u64 = 100;
    for round in 1..=KILLS {
        let (url, auth) = (node.url(), authorization(&node));
        let (done, result) = mpsc::channel();
        let generating = std::thread::spawn(move || {
            let outcome = call(
                &url,
                &auth,
                "generatetoaddress",
                &json!([BLOCKS_PER_CALL, BURN_ADDRESS]),
            );
            let _ = done.send(outcome);
        });
        // Two kinds of moment, picked at random (the first two rounds one of each): within
        // the call, at a random point of its usual length; or just after it returned, when
        // its blocks are in the block files but not yet in the database.
        let after_return = match round {
            1 => true,
            2 => false,
            _ => rng.below(2) == 0,
        };
        let (outcome, delay) = if after_return {
            let outcome = result
                .recv_timeout(CALL_LIMIT)
                .expect("generatetoaddress returns");
            let delay = rng.below(20);
            std::thread::sleep(Duration::from_millis(delay));
            node.kill();
            (outcome, delay)
        } else {
            let delay = rng.below(call_ms);
            std::thread::sleep(Duration::from_millis(delay));
            node.kill();
            let outcome = result
                .recv_timeout(CALL_LIMIT)
                .expect("the generating thread finishes once the node is gone");
            (outcome, delay)
        };
        generating.join().unwrap();
        let when = if after_return {
            format!("round {round} (kill {delay} ms after the call returned)")
        } else {
            format!("round {round} (kill {delay} ms into the call)")
        };
        match outcome {
            Ok(hashes) => {
                let hashes = hashes.as_array().unwrap();
                assert_eq!(hashes.len() as u64, BLOCKS_PER_CALL, "{when}");
                kept.extend(hashes.iter().cloned());
                println!("crash_safety: {when}: the call had completed");
            }
            Err(e) => {
                interrupted += 1;
                println!("crash_safety: {when}: the call was cut ({e})");
            }
        }

        // Every other round, a kill also lands while the node starts again: while it reads
        // the block files back, connects their blocks and flushes.
        if rng.below(2) == 0 {
            let delay = rng.below(restart_ms);
            kill_during_start(&node, Duration::from_millis(delay));
            println!("crash_safety: {when}: killed again {delay} ms into the restart");
        }
        let timer = Instant::now();
        node.restart(&[]);
        // The next kill during a start falls within about as long as this start took.
        restart_ms = u64::try_from(timer.elapsed().as_millis()).unwrap().max(20);
        let height = assert_tip_consistent(&node, &when);
        assert!(
            height >= kept.len() as u64,
            "{when}: height {height}, but {} blocks were returned",
            kept.len()
        );
        assert_all_on_active_chain(&node, &kept, &when);
        println!("crash_safety: {when}: restarted at height {height} in {restart_ms} ms");
    }
    println!("crash_safety: {interrupted} of {KILLS} kills cut a call short");

    // The coins kept through the crashes are those the blocks imply.
    let height = assert_tip_consistent(&node, "before the rebuilds");
    let best = node.rpc("getbestblockhash", json!([]));
    let kept_through_crashes = utxo_set(&node);
    assert_eq!(kept_through_crashes["height"], height);
    for rebuild in ["-reindex-chainstate", "-reindex"] {
        let (status, stderr) = node.stop();
        assert!(status.success(), "stop before {rebuild}: {status} {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        node.restart(&[rebuild]);
        assert_eq!(
            node.rpc("getbestblockhash", json!([])),
            best,
            "after {rebuild}"
        );
        assert_tip_consistent(&node, rebuild);
        assert_eq!(
            utxo_set(&node),
            kept_through_crashes,
            "gettxoutsetinfo after {rebuild} differs from the node's after the crashes"
        );
        assert_all_on_active_chain(&node, &kept, rebuild);
    }
    let (status, stderr) = node.stop();
    assert!(status.success(), "{status} {stderr}");
    assert_eq!(stderr, "");
    println!("crash_safety: done in {:?}", started.elapsed());
}
