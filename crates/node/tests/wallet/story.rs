//! The talk's story, step by step, as a presenter would type it.

use serde_json::json;

use crate::support::TestNode;
use crate::{mempool, mine, sats, w, wcall, PAYING};

#[test]
fn two_wallets_pay_replace_and_follow_a_reorg() {
    let node = TestNode::start(PAYING);
    w(&node, "", "createwallet", json!(["alice"]));
    w(&node, "", "createwallet", json!(["bob"]));
    assert_eq!(node.rpc("listwallets", json!([])), json!(["alice", "bob"]));

    // Addresses of the four types, each from its own descriptor.
    let prefixes = [
        ("legacy", "m"),
        ("p2sh-segwit", "2"),
        ("bech32", "bcrt1q"),
        ("bech32m", "bcrt1p"),
    ];
    for (kind, prefix) in prefixes {
        let address = w(&node, "alice", "getnewaddress", json!(["", kind]));
        let address = address.as_str().unwrap();
        assert!(
            address.starts_with(prefix) || (kind == "legacy" && address.starts_with('n')),
            "{kind}: {address}"
        );
        let info = w(&node, "alice", "getaddressinfo", json!([address]));
        assert_eq!(info["ismine"], true, "{kind}");
        assert_eq!(info["solvable"], true, "{kind}");
        assert_eq!(info["ischange"], false, "{kind}");
        let purpose = match kind {
            "legacy" => 44,
            "p2sh-segwit" => 49,
            "bech32" => 84,
            _ => 86,
        };
        assert_eq!(
            info["hdkeypath"],
            json!(format!("m/{purpose}h/1h/0h/0/0")),
            "{kind}"
        );
        assert!(
            info["parent_desc"].as_str().unwrap().contains("tpub"),
            "{kind}"
        );
    }
    let change = w(&node, "alice", "getrawchangeaddress", json!([]));
    let info = w(&node, "alice", "getaddressinfo", json!([change]));
    assert_eq!(info["ischange"], true);
    assert_eq!(info["hdkeypath"], "m/84h/1h/0h/1/0");
    // Bob does not own Alice's addresses.
    let bob_sees = w(&node, "bob", "getaddressinfo", json!([change]));
    assert_eq!(bob_sees["ismine"], false);

    // 101 blocks to Alice: one mature coinbase, a hundred immature.
    let alice_mining = w(&node, "alice", "getnewaddress", json!([]));
    let blocks = mine(&node, 101, alice_mining.as_str().unwrap());
    let balances = w(&node, "alice", "getbalances", json!([]));
    assert_eq!(sats(&balances["mine"]["trusted"]), 50 * 100_000_000);
    assert_eq!(sats(&balances["mine"]["immature"]), 100 * 50 * 100_000_000);
    assert_eq!(balances["lastprocessedblock"]["height"], 101);
    assert_eq!(
        sats(&w(&node, "alice", "getbalance", json!([]))),
        50 * 100_000_000
    );
    let coinbase = w(&node, "alice", "listtransactions", json!(["*", 1000]));
    let categories: Vec<&str> = coinbase
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["category"].as_str().unwrap())
        .collect();
    assert_eq!(categories.iter().filter(|c| **c == "generate").count(), 1);
    assert_eq!(categories.iter().filter(|c| **c == "immature").count(), 100);

    // Alice pays Bob: the payment waits in the mempool.
    let bob_address = w(&node, "bob", "getnewaddress", json!(["from alice"]));
    let txid = w(&node, "alice", "sendtoaddress", json!([bob_address, 1.5]));
    let txid = txid.as_str().unwrap().to_string();
    assert_eq!(mempool(&node), vec![txid.clone()]);
    let bob = w(&node, "bob", "getbalances", json!([]));
    assert_eq!(sats(&bob["mine"]["untrusted_pending"]), 150_000_000);
    assert_eq!(sats(&bob["mine"]["trusted"]), 0);
    let sent = w(&node, "alice", "gettransaction", json!([txid]));
    assert_eq!(sats(&sent["amount"]), -150_000_000);
    let fee = -sats(&sent["fee"]);
    assert!(fee > 0 && fee < 100_000, "fee {fee}");
    assert_eq!(sent["confirmations"], 0);
    assert_eq!(sent["trusted"], true);
    assert_eq!(sent["bip125-replaceable"], "yes");
    assert_eq!(sent["details"][0]["category"], "send");
    assert_eq!(sent["details"][0]["address"], bob_address);
    // Alice's change is hers at once (trusted), Bob's coin is not spendable by him yet.
    let alice = w(&node, "alice", "getbalances", json!([]));
    assert_eq!(
        sats(&alice["mine"]["trusted"]),
        50 * 100_000_000 - 150_000_000 - fee
    );
    let unspent = w(&node, "bob", "listunspent", json!([0]));
    assert_eq!(unspent.as_array().unwrap().len(), 1);
    assert_eq!(unspent[0]["confirmations"], 0);
    assert_eq!(unspent[0]["safe"], false);
    assert_eq!(unspent[0]["label"], "from alice");
    let received = w(&node, "bob", "listtransactions", json!([]));
    assert_eq!(received[0]["category"], "receive");
    assert_eq!(sats(&received[0]["amount"]), 150_000_000);
    assert_eq!(received[0]["label"], "from alice");

    // A double spend of Alice's coin, paying less fee than her payment: refused.
    let raw = w(&node, "alice", "gettransaction", json!([txid]))["hex"].clone();
    let decoded = node.rpc("decoderawtransaction", json!([raw]));
    let spent = &decoded["vin"][0];
    let carol = w(&node, "bob", "getnewaddress", json!([]));
    // (PSBT version 0: sou's PSBT library reads no other.)
    let psbt = node.rpc(
        "createpsbt",
        json!([[{"txid": spent["txid"], "vout": spent["vout"]}], [{carol.as_str().unwrap(): 49.99999}], 0, true, 2, 0]),
    );
    let signed = w(&node, "alice", "walletprocesspsbt", json!([psbt]));
    assert_eq!(signed["complete"], true);
    let refused = node
        .call("sendrawtransaction", json!([signed["hex"]]))
        .unwrap_err();
    assert_eq!(refused.code, -26, "{refused:?}");
    assert!(
        refused.message.starts_with("insufficient fee"),
        "{refused:?}"
    );
    assert_eq!(mempool(&node), vec![txid.clone()]);

    // A fee bump replaces the payment (BIP125).
    let bumped = w(&node, "alice", "bumpfee", json!([txid]));
    let new_txid = bumped["txid"].as_str().unwrap().to_string();
    assert!(sats(&bumped["fee"]) > sats(&bumped["origfee"]));
    assert_eq!(mempool(&node), vec![new_txid.clone()]);
    let old = w(&node, "alice", "gettransaction", json!([txid]));
    assert_eq!(old["replaced_by_txid"], new_txid);
    let new = w(&node, "alice", "gettransaction", json!([new_txid]));
    assert_eq!(new["replaces_txid"], txid);
    // Bumping the replaced one again is refused, as by Core.
    let again = wcall(&node, "alice", "bumpfee", json!([txid])).unwrap_err();
    assert_eq!(again.code, -4);
    assert!(again.message.contains("already bumped"), "{again:?}");
    let bob = w(&node, "bob", "getbalances", json!([]));
    assert_eq!(sats(&bob["mine"]["untrusted_pending"]), 150_000_000);

    // Mined: Bob's coin confirms.
    let block = mine(&node, 1, alice_mining.as_str().unwrap()).remove(0);
    assert!(mempool(&node).is_empty());
    let bob = w(&node, "bob", "getbalances", json!([]));
    assert_eq!(sats(&bob["mine"]["trusted"]), 150_000_000);
    let confirmed = w(&node, "bob", "gettransaction", json!([new_txid]));
    assert_eq!(confirmed["confirmations"], 1);
    assert_eq!(confirmed["blockhash"], block);

    // The block invalidated: the payment is back in the mempool, unconfirmed.
    node.rpc("invalidateblock", json!([block]));
    assert_eq!(mempool(&node), vec![new_txid.clone()]);
    let back = w(&node, "bob", "gettransaction", json!([new_txid]));
    assert_eq!(back["confirmations"], 0);
    assert!(back.get("blockhash").is_none());
    let bob = w(&node, "bob", "getbalances", json!([]));
    assert_eq!(sats(&bob["mine"]["untrusted_pending"]), 150_000_000);

    // Reconsidered: confirmed again in the same block.
    node.rpc("reconsiderblock", json!([block]));
    assert!(mempool(&node).is_empty());
    let again = w(&node, "bob", "gettransaction", json!([new_txid]));
    assert_eq!(again["confirmations"], 1);
    assert_eq!(again["blockhash"], block);
    assert_eq!(blocks.len(), 101);

    // sendmany and send, and the fee rate in sat/vB.
    let b1 = w(&node, "bob", "getnewaddress", json!(["", "bech32m"]));
    let b2 = w(&node, "bob", "getnewaddress", json!(["", "legacy"]));
    let many = w(
        &node,
        "alice",
        "sendmany",
        json!(["", {b1.as_str().unwrap(): 0.1, b2.as_str().unwrap(): 0.2}]),
    );
    let tx = w(&node, "alice", "gettransaction", json!([many]));
    assert_eq!(sats(&tx["amount"]), -30_000_000);
    let via_send = w(
        &node,
        "alice",
        "send",
        json!([[{b1.as_str().unwrap(): 0.05}], null, null, 3]),
    );
    assert_eq!(via_send["complete"], true);
    let tx = w(&node, "alice", "gettransaction", json!([via_send["txid"]]));
    let entry = node.rpc("getmempoolentry", json!([via_send["txid"]]));
    let vsize = entry["vsize"].as_i64().unwrap();
    assert_eq!(-sats(&tx["fee"]), 3 * vsize, "3 sat/vB");
    mine(&node, 1, alice_mining.as_str().unwrap());
    let bob = w(&node, "bob", "getbalances", json!([]));
    assert_eq!(sats(&bob["mine"]["trusted"]), 150_000_000 + 35_000_000);
    // Bob spends from his taproot and legacy coins (every type signs).
    let back_to_alice = w(&node, "alice", "getnewaddress", json!(["", "p2sh-segwit"]));
    w(&node, "bob", "sendtoaddress", json!([back_to_alice, 1.8]));
    mine(&node, 1, alice_mining.as_str().unwrap());
    let bob = w(&node, "bob", "getbalances", json!([]));
    assert!(sats(&bob["mine"]["trusted"]) < 5_000_000);

    // A raw transaction with a coin of each: each wallet signs its own input, the first
    // leaves the other's unsigned, the second completes it.
    let a = w(&node, "alice", "listunspent", json!([]))[0].clone();
    let b = w(&node, "bob", "listunspent", json!([]))[0].clone();
    let total = sats(&a["amount"]) + sats(&b["amount"]) - 10_000;
    let raw = node.rpc(
        "createrawtransaction",
        json!([
            [{"txid": a["txid"], "vout": a["vout"]}, {"txid": b["txid"], "vout": b["vout"]}],
            [{alice_mining.as_str().unwrap(): format!("{}.{:08}", total / 100_000_000, total % 100_000_000)}],
        ]),
    );
    let by_alice = w(&node, "alice", "signrawtransactionwithwallet", json!([raw]));
    assert_eq!(by_alice["complete"], false);
    assert_eq!(by_alice["errors"].as_array().unwrap().len(), 1);
    assert_eq!(by_alice["errors"][0]["txid"], b["txid"]);
    let by_both = w(
        &node,
        "bob",
        "signrawtransactionwithwallet",
        json!([by_alice["hex"]]),
    );
    assert_eq!(by_both["complete"], true, "{by_both}");
    let accepted = node.rpc("testmempoolaccept", json!([[by_both["hex"]]]));
    assert_eq!(accepted[0]["allowed"], true, "{accepted}");
}
