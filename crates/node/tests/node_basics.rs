//! The node as a user drives it: start, mine, look, invalidate and reconsider, stop,
//! restart where it left off. Over HTTP only, `soud` as a separate process.

#![allow(clippy::unwrap_used, reason = "test: a panic is a failed test")]

mod support;

use serde_json::json;
use support::{TestNode, BURN_ADDRESS};

#[test]
fn mine_invalidate_reconsider_stop_and_restart() {
    let mut node = TestNode::start(&[]);
    assert_eq!(node.rpc("getblockcount", json!([])), json!(0));
    let hashes = node.rpc("generatetoaddress", json!([101, BURN_ADDRESS]));
    assert_eq!(hashes.as_array().unwrap().len(), 101);
    let info = node.rpc("getblockchaininfo", json!([]));
    assert_eq!(info["chain"], "regtest");
    assert_eq!(info["blocks"], 101);
    assert_eq!(info["bestblockhash"], hashes[100]);
    assert_eq!(info["initialblockdownload"], false);

    // invalidateblock 100: the tip goes back to 99; reconsiderblock brings it back.
    node.rpc("invalidateblock", json!([hashes[99]]));
    assert_eq!(node.rpc("getblockcount", json!([])), json!(99));
    let tips = node.rpc("getchaintips", json!([]));
    assert!(tips
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["status"] == "invalid" && t["hash"] == hashes[100]));
    node.rpc("reconsiderblock", json!([hashes[99]]));
    assert_eq!(node.rpc("getbestblockhash", json!([])), hashes[100]);

    // A clean stop exits 0 with nothing on standard error, and removes the cookie.
    let (status, stderr) = node.stop();
    assert!(status.success(), "exit status {status}");
    assert_eq!(stderr, "");
    assert!(node.cookie().is_none(), "the cookie is removed on stop");

    // Restart where it left off.
    node.restart(&[]);
    assert_eq!(node.rpc("getbestblockhash", json!([])), hashes[100]);
    let block = node.rpc("getblock", json!([hashes[100], 2]));
    assert_eq!(block["height"], 101);
    assert!(block["tx"][0]["vin"][0]["coinbase"].as_str().is_some());
    assert!(node.debug_log().contains("UpdateTip: new best="));
}

#[test]
fn transactions_by_txid_with_txindex_and_by_block_without() {
    let node = TestNode::start(&["-txindex"]);
    let hashes = node.rpc("generatetoaddress", json!([3, BURN_ADDRESS]));
    let block = node.rpc("getblock", json!([hashes[1], 1]));
    let txid = block["tx"][0].clone();
    let tx = node.rpc("getrawtransaction", json!([txid, 1]));
    assert_eq!(tx["txid"], txid);
    assert_eq!(tx["blockhash"], hashes[1]);
    assert_eq!(tx["confirmations"], 2);
    let raw = node.rpc("getrawtransaction", json!([txid]));
    let decoded = node.rpc("decoderawtransaction", json!([raw]));
    assert_eq!(decoded["txid"], txid);
    // The coinbase output is unspent, worth 50 BTC, immature but in the UTXO set.
    let out = node.rpc("gettxout", json!([txid, 0]));
    assert_eq!(out["coinbase"], true);
    assert_eq!(out["confirmations"], 2);
    assert_eq!(out["value"].to_string(), "50.00000000");
    drop(node);

    let plain = TestNode::start(&[]);
    let hashes = plain.rpc("generatetoaddress", json!([2, BURN_ADDRESS]));
    let txid = plain.rpc("getblock", json!([hashes[1], 1]))["tx"][0].clone();
    let err = plain.call("getrawtransaction", json!([txid])).unwrap_err();
    assert_eq!(err.code, -5);
    assert_eq!(
        err.message,
        "No such mempool transaction. Use -txindex or provide a block hash to enable \
         blockchain transaction queries. Use gettransaction for wallet transactions."
    );
    let found = plain.rpc("getrawtransaction", json!([txid, true, hashes[1]]));
    assert_eq!(found["in_active_chain"], true);
    // createrawtransaction builds what decoderawtransaction reads back.
    let hex = plain.rpc(
        "createrawtransaction",
        json!([[{"txid": txid, "vout": 0}], [{BURN_ADDRESS: 49.9999}]]),
    );
    let decoded = plain.rpc("decoderawtransaction", json!([hex]));
    assert_eq!(decoded["vin"][0]["txid"], txid);
    assert_eq!(decoded["vin"][0]["sequence"], 4_294_967_293u64);
    assert_eq!(decoded["vout"][0]["value"].to_string(), "49.99990000");
    assert_eq!(decoded["vout"][0]["scriptPubKey"]["address"], BURN_ADDRESS);
}

#[test]
fn mines_for_an_outside_miner_and_takes_its_blocks() {
    let node = TestNode::start(&[]);
    node.rpc("generatetoaddress", json!([1, BURN_ADDRESS]));
    let template = node.rpc("getblocktemplate", json!([{"rules": ["segwit"]}]));
    assert_eq!(template["height"], 2);
    assert_eq!(template["coinbasevalue"], 5_000_000_000u64);
    assert!(template["default_witness_commitment"].is_string());
    // Without the segwit rule, Core's refusal.
    let err = node
        .call("getblocktemplate", json!([{"rules": []}]))
        .unwrap_err();
    assert_eq!(err.code, -8);
    // generateblock with no transactions, then submitblock of a duplicate.
    let made = node.rpc("generateblock", json!([BURN_ADDRESS, [], false]));
    let submitted = node.rpc("submitblock", json!([made["hex"]]));
    assert!(submitted.is_null(), "{submitted}");
    assert_eq!(node.rpc("submitblock", json!([made["hex"]])), "duplicate");
    assert_eq!(node.rpc("getbestblockhash", json!([])), made["hash"]);
    let err = node.call("submitblock", json!(["00"])).unwrap_err();
    assert_eq!(
        (err.code, err.message.as_str()),
        (-22, "Block decode failed")
    );
}

#[test]
fn daemonwait_returns_once_the_node_serves_and_stop_ends_it() {
    let datadir = support::fresh_datadir("daemon");
    let port = support::free_port();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_soud"))
        .args([
            "-regtest",
            &format!("-datadir={}", datadir.display()),
            &format!("-rpcport={port}"),
            "-listen=0",
            "-daemonwait",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "Bitcoin Core starting\n"
    );
    // The child serves RPC; ask it to stop, then wait (bounded) for its pid file to go.
    let cookie = std::fs::read_to_string(datadir.join("regtest/.cookie")).unwrap();
    let body = json!({"jsonrpc": "1.0", "id": 1, "method": "stop", "params": []});
    let reply = ureq::post(&format!("http://127.0.0.1:{port}/"))
        .set(
            "Authorization",
            &format!("Basic {}", support::base64_encode(cookie.trim().as_bytes())),
        )
        .send_string(&body.to_string())
        .unwrap()
        .into_string()
        .unwrap();
    assert!(reply.contains("stopping"), "{reply}");
    let pid_file = datadir.join("regtest/bitcoind.pid");
    let started = std::time::Instant::now();
    while pid_file.exists() {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "the daemon did not stop"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let _ = std::fs::remove_dir_all(&datadir);
}

/// `-stopatheight`: the node stops once its tip reaches that height (Core's
/// `KernelNotifications::blockTip`); `generatetoaddress` ends there too.
#[test]
fn stopatheight_stops_the_node_at_that_height() {
    let mut node = TestNode::start(&["-stopatheight=5"]);
    let mined = node.rpc("generatetoaddress", json!([10, BURN_ADDRESS]));
    assert_eq!(mined.as_array().map(Vec::len), Some(5), "{mined}");
    let (status, _) = node.stop();
    assert!(status.success(), "{status}");
    node.restart(&[]);
    assert_eq!(node.rpc("getblockcount", json!([])), json!(5));
    node.stop();
}
