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
    assert_eq!(
        block["tx"][0]["vin"][0]["coinbase"].as_str().is_some(),
        true
    );
    assert!(node.debug_log().contains("UpdateTip: new best="));
}
