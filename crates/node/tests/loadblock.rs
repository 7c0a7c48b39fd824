//! Block files in Core's framing: another node takes them in with `-loadblock`, and a node
//! rebuilds itself from its own with `-reindex`, reaching the same tip and the same UTXO
//! set fingerprint. With `BITCOIND` set, Bitcoin Core itself loads sou's block file.

#![allow(clippy::unwrap_used, reason = "test: a panic is a failed test")]

mod support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;
use support::{free_port, fresh_datadir, TestNode, BURN_ADDRESS};

#[test]
fn block_files_load_into_another_node_and_reindex() {
    let mut node = TestNode::start(&[]);
    node.rpc("generatetoaddress", json!([120, BURN_ADDRESS]));
    let tip = node.rpc("getbestblockhash", json!([]));
    let stats = node.rpc("gettxoutsetinfo", json!([]));
    let (status, _) = node.stop();
    assert!(status.success());
    let blk = node.datadir.join("regtest/blocks/blk00000.dat");
    let copy = std::env::temp_dir().join(format!("sou-loadblock-{}.dat", std::process::id()));
    std::fs::copy(&blk, &copy).unwrap();

    // A fresh node takes the file in.
    let loaded = TestNode::start(&[&format!("-loadblock={}", copy.display())]);
    assert_eq!(loaded.rpc("getbestblockhash", json!([])), tip);
    assert_eq!(loaded.rpc("gettxoutsetinfo", json!([])), stats);
    drop(loaded);

    // The node rebuilds its chain state from its own block files.
    node.restart(&["-reindex"]);
    assert_eq!(node.rpc("getbestblockhash", json!([])), tip);
    assert_eq!(node.rpc("gettxoutsetinfo", json!([])), stats);
    node.stop();
    node.restart(&["-reindex-chainstate"]);
    assert_eq!(node.rpc("gettxoutsetinfo", json!([])), stats);

    // Bitcoin Core reads the same file.
    match std::env::var("BITCOIND") {
        Err(_) => println!("SKIPPED: BITCOIND not set, Core does not load sou's block file"),
        Ok(bitcoind) => {
            let dir = fresh_datadir("core-loadblock");
            let port = free_port();
            let mut child = Command::new(bitcoind)
                .args([
                    "-regtest",
                    &format!("-datadir={}", dir.display()),
                    &format!("-rpcport={port}"),
                    &format!("-port={}", free_port()),
                    "-listen=0",
                    "-rpcuser=u",
                    "-rpcpassword=p",
                    "-printtoconsole=0",
                    &format!("-loadblock={}", copy.display()),
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            let call = |method: &str| support::call(port, "u:p", method, json!([])).ok();
            let started = Instant::now();
            while call("getbestblockhash").as_ref() != Some(&tip) {
                assert!(
                    started.elapsed() < Duration::from_secs(60),
                    "Core did not reach sou's tip"
                );
                std::thread::sleep(Duration::from_millis(100));
            }
            let core_stats = call("gettxoutsetinfo").unwrap();
            let _ = call("stop");
            let _ = child.wait();
            let _ = std::fs::remove_dir_all(&dir);
            assert_eq!(core_stats["hash_serialized_3"], stats["hash_serialized_3"]);
            assert_eq!(core_stats["txouts"], stats["txouts"]);
        }
    }
    let _ = std::fs::remove_file(&copy);
}
