//! The node's script execution cache: a payment the pool accepted is noted there, and
//! the block that confirms it uses the note up instead of checking its signatures again.
//! A `testmempoolaccept` notes nothing (the transaction did not enter), as in Core.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

#[path = "support/mod.rs"]
mod support;

use serde_json::{json, Value};
use sou_node::daemon::InProcessNode;
use sou_node::rpc::dispatch::{call, Shared};
use sou_primitives::Amount;
use support::anyone::{address, coinbase_coin, hex_of, spend};

fn rpc(shared: &Shared, method: &str, params: Value) -> Value {
    call(shared, method, params, None).unwrap()
}

fn noted(shared: &Shared) -> usize {
    let node = shared.node();
    node.chain().script_cache().map_or(0, |cache| cache.len())
}

fn signatures(shared: &Shared) -> usize {
    let node = shared.node();
    node.chain()
        .script_cache()
        .map_or(0, |cache| cache.signature_count())
}

#[test]
fn the_pool_notes_what_it_checked_and_the_block_uses_it() {
    let datadir = support::fresh_datadir("script-cache");
    let node = InProcessNode::start(vec![
        "-regtest".into(),
        format!("-datadir={}", datadir.display()),
        format!("-rpcport={}", support::free_port()),
        "-listen=0".into(),
        "-fallbackfee=0.0001".into(),
    ])
    .unwrap();
    let shared = node.shared().clone();
    rpc(&shared, "generatetoaddress", json!([101, address()]));
    assert_eq!(noted(&shared), 0);

    let call_rpc = |m: &str, p: Value| rpc(&shared, m, p);
    let (coin, value) = coinbase_coin(&call_rpc, 1);
    let tx = spend(coin, value, Amount::from_sat(1_000));
    let tested = rpc(&shared, "testmempoolaccept", json!([[hex_of(&tx)]]));
    assert_eq!(tested[0]["allowed"], json!(true));
    assert_eq!(noted(&shared), 0, "a test of acceptance notes nothing");

    rpc(&shared, "sendrawtransaction", json!([hex_of(&tx)]));
    assert_eq!(noted(&shared), 1);
    rpc(&shared, "generatetoaddress", json!([1, address()]));
    assert_eq!(rpc(&shared, "getrawmempool", json!([])), json!([]));
    assert_eq!(noted(&shared), 0, "the block used the note up");

    // A signed payment (the coins above need no signature): the pool keeps its
    // signatures as it checks them.
    rpc(&shared, "createwallet", json!(["w"]));
    let mine = call(&shared, "getnewaddress", json!([]), Some("w")).unwrap();
    rpc(&shared, "generatetoaddress", json!([101, mine]));
    assert_eq!(signatures(&shared), 0);
    call(&shared, "sendtoaddress", json!([address(), 1]), Some("w")).unwrap();
    assert!(
        signatures(&shared) >= 1,
        "the payment's signatures are kept"
    );
    assert_eq!(noted(&shared), 1);
    node.stop().unwrap();
    let _ = std::fs::remove_dir_all(&datadir);
}
