//! soud's pool as a user meets it over RPC: what enters, what a block takes, what a
//! reorganisation gives back, what survives a restart (`mempool.dat`), what a full pool
//! evicts, and hostile transactions by the thousand (clear errors, no crash, the pool's
//! totals always the sum of its entries).
//!
//! Coins are anyone-can-spend block rewards (`support::anyone`), so no keys are needed.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "tests: a panic is a failed test, and the numbers are small"
)]

#[path = "../support/mod.rs"]
mod support;

use std::collections::BTreeSet;

use serde_json::{json, Value};
use sou_primitives::encoding::deserialize;
use sou_primitives::{Amount, OutPoint, Transaction, Txid};
use support::anyone::{address, coinbase_coin, hex_of, spend, spend_to};
use support::TestNode;

fn sats(value: &Value) -> i64 {
    (value.as_f64().unwrap() * 1e8).round() as i64
}

/// The txids in the pool.
fn pool_txids(node: &TestNode) -> BTreeSet<String> {
    node.rpc("getrawmempool", json!([]))
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

/// The pool's totals equal the sums over its entries.
fn check_totals(node: &TestNode) {
    let info = node.rpc("getmempoolinfo", json!([]));
    let verbose = node.rpc("getrawmempool", json!([true]));
    let entries = verbose.as_object().unwrap();
    assert_eq!(info["size"].as_u64().unwrap() as usize, entries.len());
    let bytes: u64 = entries.values().map(|e| e["vsize"].as_u64().unwrap()).sum();
    assert_eq!(info["bytes"].as_u64().unwrap(), bytes);
    let fees: i64 = entries.values().map(|e| sats(&e["fees"]["base"])).sum();
    assert_eq!(sats(&info["total_fee"]), fees);
    assert!(info["usage"].as_u64().unwrap() <= info["maxmempool"].as_u64().unwrap());
}

#[test]
fn a_chain_of_payments_enters_is_mined_and_comes_back_after_a_reorg() {
    let mut node = TestNode::start(&[]);
    node.rpc("generatetoaddress", json!([101, address()]));
    let rpc = |m: &str, p: Value| node.rpc(m, p);
    let (coin, value) = coinbase_coin(&rpc, 1);
    let parent = spend(coin, value, Amount::from_sat(500));
    let child = spend(
        OutPoint::new(parent.compute_txid(), 0),
        parent.output[0].value,
        Amount::from_sat(20_000),
    );
    for tx in [&parent, &child] {
        node.rpc("sendrawtransaction", json!([hex_of(tx)]));
    }
    // The child pays for its parent: one chunk, in the template, parent first.
    let entry = node.rpc(
        "getmempoolentry",
        json!([parent.compute_txid().to_string()]),
    );
    assert_eq!(entry["ancestorcount"], json!(1));
    assert_eq!(entry["descendantcount"], json!(2));
    assert_eq!(entry["spentby"], json!([child.compute_txid().to_string()]));
    assert_eq!(sats(&entry["fees"]["chunk"]), 20_500);
    let template = node.rpc("getblocktemplate", json!([{"rules": ["segwit"]}]));
    let listed = template["transactions"].as_array().unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0]["txid"], json!(parent.compute_txid().to_string()));
    assert_eq!(listed[1]["depends"], json!([1]));
    assert_eq!(listed[1]["fee"], json!(20_000));
    assert_eq!(
        template["coinbasevalue"],
        json!(5_000_000_000_i64 + 20_500),
        "the subsidy and both fees"
    );
    // gettxout sees the pool (Core's default include_mempool=true): the spent coin is
    // gone, the pool's output is there with no confirmation; without the pool, the
    // confirmed coin is still unspent.
    let coin_txid = coin.txid.to_string();
    assert_eq!(node.rpc("gettxout", json!([coin_txid, 0])), json!(null));
    assert_eq!(
        node.rpc("gettxout", json!([coin_txid, 0, false]))["confirmations"],
        json!(101)
    );
    let pooled = node.rpc("gettxout", json!([child.compute_txid().to_string(), 0]));
    assert_eq!(pooled["confirmations"], json!(0));
    assert_eq!(
        node.rpc("gettxout", json!([parent.compute_txid().to_string(), 0])),
        json!(null),
        "the child spends it"
    );
    // getrawtransaction finds pool transactions without -txindex.
    let raw = node.rpc(
        "getrawtransaction",
        json!([child.compute_txid().to_string()]),
    );
    let decoded: Transaction = deserialize(&hex::decode(raw.as_str().unwrap()).unwrap()).unwrap();
    assert_eq!(decoded, child);
    check_totals(&node);

    // A block takes both; invalidating it gives them back; reconsidering takes them again.
    let mined = node.rpc("generatetoaddress", json!([1, address()]));
    let block_hash = mined[0].as_str().unwrap().to_string();
    assert_eq!(node.rpc("getrawmempool", json!([])), json!([]));
    let block = node.rpc("getblock", json!([block_hash, 1]));
    assert_eq!(block["tx"].as_array().unwrap().len(), 3);
    node.rpc("invalidateblock", json!([block_hash]));
    let back: BTreeSet<String> = pool_txids(&node);
    let expected: BTreeSet<String> = [parent.compute_txid(), child.compute_txid()]
        .iter()
        .map(Txid::to_string)
        .collect();
    assert_eq!(back, expected);
    check_totals(&node);
    node.rpc("reconsiderblock", json!([block_hash]));
    assert_eq!(node.rpc("getrawmempool", json!([])), json!([]));
    node.stop();
}

#[test]
fn the_pool_survives_a_restart_in_mempool_dat() {
    let mut node = TestNode::start(&[]);
    node.rpc("generatetoaddress", json!([103, address()]));
    let rpc = |m: &str, p: Value| node.rpc(m, p);
    let mut sent = BTreeSet::new();
    for height in 1..=3 {
        let (coin, value) = coinbase_coin(&rpc, height);
        let tx = spend(coin, value, Amount::from_sat(1_000 * height as i64));
        sent.insert(
            node.rpc("sendrawtransaction", json!([hex_of(&tx)]))
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    // A delta for a transaction the node has not seen travels in the file too.
    let unseen = "11".repeat(32);
    node.rpc("prioritisetransaction", json!([unseen, 0, 4_321]));
    let saved = node.rpc("savemempool", json!([]));
    assert!(saved["filename"].as_str().unwrap().ends_with("mempool.dat"));
    node.stop();
    node.restart(&[]);
    let back: BTreeSet<String> = pool_txids(&node);
    assert_eq!(back, sent);
    assert_eq!(
        node.rpc("getprioritisedtransactions", json!([]))[&unseen],
        json!({"fee_delta": 4_321, "in_mempool": false})
    );
    assert!(node
        .debug_log()
        .contains("Imported mempool transactions from disk: 3 succeeded"));
    // Without -persistmempool the next start begins empty.
    node.stop();
    node.restart(&["-persistmempool=0"]);
    assert_eq!(node.rpc("getrawmempool", json!([])), json!([]));
    node.stop();
}

#[test]
fn maxmempool_below_the_cluster_floor_is_refused_at_start() {
    let datadir = support::fresh_datadir("maxmempool");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_soud"))
        .args([
            "-regtest".to_string(),
            format!("-datadir={}", datadir.display()),
            "-maxmempool=4".to_string(),
            "-listen=0".to_string(),
            format!("-rpcport={}", support::free_port()),
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("Error: -maxmempool must be at least 5 MB"),
        "{stderr}"
    );
}

#[test]
fn a_full_pool_evicts_the_lowest_fee_rates_and_raises_its_minimum() {
    let mut node = TestNode::start(&["-maxmempool=5"]);
    node.rpc("generatetoaddress", json!([120, address()]));
    let rpc = |m: &str, p: Value| node.rpc(m, p);
    // 20 coinbases fanned out to 30 coins each, confirmed: 600 independent coins.
    let mut coins = Vec::new();
    for height in 1..=20 {
        let (coin, value) = coinbase_coin(&rpc, height);
        let fan = spend_to(coin, value, Amount::from_sat(10_000), 30);
        node.rpc("sendrawtransaction", json!([hex_of(&fan)]));
        for vout in 0..30 {
            coins.push((OutPoint::new(fan.compute_txid(), vout), fan.output[0].value));
        }
    }
    node.rpc("generatetoaddress", json!([1, address()]));
    // Each spend makes 100 outputs (about 10 kB of memory); fee rates vary by coin.
    let mut rates = Vec::new();
    let mut minimum_hit = false;
    for (i, (coin, value)) in coins.iter().enumerate() {
        let fee = Amount::from_sat(1_000 + (i as i64 * 7_919) % 30_000);
        let tx = spend_to(*coin, *value, fee, 100);
        match node.call("sendrawtransaction", json!([hex_of(&tx)])) {
            Ok(_) => {
                // The fee paid: what the outputs leave of the coin (the split rounds down).
                let paid = value.to_sat() - tx.output.iter().map(|o| o.value.to_sat()).sum::<i64>();
                rates.push((paid, tx.compute_txid()));
                if std::env::var("DEBUG_EVICT").is_ok() {
                    let pooled: Vec<i64> = node
                        .rpc("getrawmempool", json!([true]))
                        .as_object()
                        .unwrap()
                        .values()
                        .map(|e| sats(&e["fees"]["base"]))
                        .collect();
                    let min = pooled.iter().min().unwrap();
                    eprintln!(
                        "sent {} pool {} min kept {} info {}",
                        fee.to_sat(),
                        pooled.len(),
                        min,
                        node.rpc("getmempoolinfo", json!([]))["mempoolminfee"]
                    );
                }
            }
            Err(e) => {
                assert!(
                    e.message.starts_with("mempool min fee not met") || e.message == "mempool full",
                    "{e:?}"
                );
                minimum_hit = true;
            }
        }
    }
    let info = node.rpc("getmempoolinfo", json!([]));
    assert!(info["usage"].as_u64().unwrap() <= 5_000_000);
    assert!(sats(&info["mempoolminfee"]) > sats(&info["minrelaytxfee"]));
    assert!(minimum_hit, "the raised minimum turned some away");
    // What stayed pays more than anything that was evicted.
    let pooled: BTreeSet<String> = pool_txids(&node);
    let lowest_kept = rates
        .iter()
        .filter(|(_, t)| pooled.contains(&t.to_string()))
        .map(|(f, _)| *f)
        .min()
        .unwrap();
    let highest_evicted = rates
        .iter()
        .filter(|(_, t)| !pooled.contains(&t.to_string()))
        .map(|(f, _)| *f)
        .max()
        .unwrap_or(0);
    assert!(
        highest_evicted <= lowest_kept,
        "evicted {highest_evicted} while keeping {lowest_kept}"
    );
    check_totals(&node);
    node.stop();
}

/// A small xorshift generator: the test's cases are the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn hostile_transactions_get_clear_errors_and_leave_the_pool_consistent() {
    let count = support::env_number("SOU_HOSTILE_TXS").unwrap_or(2_000);
    let mut node = TestNode::start(&[]);
    node.rpc("generatetoaddress", json!([110, address()]));
    let rpc = |m: &str, p: Value| node.rpc(m, p);
    let coins: Vec<(OutPoint, Amount)> = (1..=10).map(|h| coinbase_coin(&rpc, h)).collect();
    let mut rng = Rng(0x5eed_0017);
    let mut errors = std::collections::BTreeMap::<String, u32>::new();
    for i in 0..count {
        let (coin, value) = coins[(rng.next() % 10) as usize];
        let good = spend(
            coin,
            value,
            Amount::from_sat(1_000 + (rng.next() % 5_000) as i64),
        );
        let mut bytes = hex::decode(hex_of(&good)).unwrap();
        // Mutate: flip bytes, cut, extend, or leave whole (then the pool decides).
        match rng.next() % 4 {
            0 => {
                for _ in 0..1 + rng.next() % 4 {
                    let at = (rng.next() as usize) % bytes.len();
                    bytes[at] ^= 1 << (rng.next() % 8);
                }
            }
            1 => bytes.truncate((rng.next() as usize) % bytes.len()),
            2 => bytes.extend((0..rng.next() % 40).map(|_| rng.next() as u8)),
            _ => {}
        }
        let method = if i % 3 == 0 {
            "testmempoolaccept"
        } else {
            "sendrawtransaction"
        };
        let params = if method == "testmempoolaccept" {
            json!([[hex::encode(&bytes)]])
        } else {
            json!([hex::encode(&bytes)])
        };
        match node.call(method, params) {
            Ok(answer) => {
                if let Some(reason) = answer[0]["reject-reason"].as_str() {
                    *errors.entry(reason.to_string()).or_default() += 1;
                }
            }
            Err(e) => {
                assert!(!e.message.is_empty());
                let reason = e.message.split(',').next().unwrap().to_string();
                *errors.entry(reason).or_default() += 1;
            }
        }
        if i % 500 == 0 {
            check_totals(&node);
        }
    }
    check_totals(&node);
    println!("{count} hostile transactions; answers by reason:");
    for (reason, n) in &errors {
        println!("{n:>6}  {reason}");
    }
    assert!(
        errors.len() > 5,
        "the mutations reach many different checks"
    );
    node.stop();
}
