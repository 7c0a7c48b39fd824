//! A wallet's file is written before each answer: restarts and `kill -9` lose nothing.

use serde_json::json;

use crate::support::TestNode;
use crate::{mempool, mine, sats, w, wcall, PAYING};

#[test]
fn wallets_survive_kill_and_restart_with_every_payment() {
    let mut node = TestNode::start(PAYING);
    w(
        &node,
        "",
        "createwallet",
        json!({"wallet_name": "kept", "load_on_startup": true}),
    );
    w(&node, "", "createwallet", json!(["other"]));
    let mining = w(&node, "kept", "getnewaddress", json!([]));
    mine(&node, 101, mining.as_str().unwrap());
    let to_other = w(&node, "other", "getnewaddress", json!([]));
    let txid = w(&node, "kept", "sendtoaddress", json!([to_other, 2]));
    let before = w(&node, "kept", "getbalances", json!([]));
    let next = w(&node, "kept", "getnewaddress", json!([]));

    // kill -9: no mempool.dat is written; the wallet puts its payment back in the pool.
    node.kill();
    node.restart(&[]);
    assert_eq!(node.rpc("listwallets", json!([])), json!(["kept"]));
    assert_eq!(mempool(&node), vec![txid.as_str().unwrap().to_string()]);
    assert_eq!(w(&node, "kept", "getbalances", json!([])), before);
    let tx = w(&node, "kept", "gettransaction", json!([txid]));
    assert_eq!(tx["confirmations"], 0);
    // Addresses handed out are not handed out again.
    assert_ne!(w(&node, "kept", "getnewaddress", json!([])), next);

    // "other" was not marked to load at start; -wallet loads it.
    node.kill();
    node.restart(&["-wallet=other"]);
    let mut loaded: Vec<String> = node
        .rpc("listwallets", json!([]))
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    loaded.sort();
    assert_eq!(loaded, ["kept", "other"]);
    let other = w(&node, "other", "getbalances", json!([]));
    assert_eq!(sats(&other["mine"]["untrusted_pending"]), 200_000_000);

    // Unloaded during a reorganisation, a wallet catches up when loaded again.
    let block = mine(&node, 1, mining.as_str().unwrap()).remove(0);
    assert_eq!(
        w(&node, "other", "gettransaction", json!([txid]))["confirmations"],
        1
    );
    w(&node, "other", "unloadwallet", json!([]));
    assert_eq!(
        wcall(&node, "other", "getbalances", json!([]))
            .unwrap_err()
            .code,
        -18
    );
    node.rpc("invalidateblock", json!([block]));
    let elsewhere = w(&node, "kept", "getnewaddress", json!([]));
    mine(&node, 2, elsewhere.as_str().unwrap());
    w(&node, "", "loadwallet", json!(["other"]));
    let back = w(&node, "other", "gettransaction", json!([txid]));
    assert_eq!(
        back["confirmations"], 2,
        "confirmed again in the new branch, one below its tip"
    );
    assert_ne!(back["blockhash"], block);
    let info = w(&node, "other", "getwalletinfo", json!([]));
    assert_eq!(info["lastprocessedblock"]["height"], 103);

    // A clean stop and start keep it all too.
    let balances = w(&node, "kept", "getbalances", json!([]));
    node.stop();
    node.restart(&[]);
    assert_eq!(w(&node, "kept", "getbalances", json!([])), balances);
}
