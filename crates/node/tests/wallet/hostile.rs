//! Which wallet a call is for, and what bad input gets: Core's codes and messages, never
//! a panic (the node answers after each).

use serde_json::json;

use crate::support::TestNode;
use crate::{mine, w, wcall};

/// Asserts `call` failed with `code` and a message starting with `message`.
fn fails(result: Result<serde_json::Value, crate::support::RpcFailure>, code: i64, message: &str) {
    let e = result.expect_err(message);
    assert_eq!(e.code, code, "{e:?}");
    assert!(
        e.message.starts_with(message),
        "{e:?} does not start with {message:?}"
    );
}

#[test]
fn routing_errors_and_hostile_input() {
    // No -fallbackfee: a payment needs a fee rate.
    let node = TestNode::start(&["-keypool=20"]);
    fails(
        node.call("getbalance", json!([])),
        -18,
        "No wallet is loaded. Load a wallet using loadwallet or create a new one with createwallet. (Note: A default wallet is no longer automatically created)",
    );
    w(&node, "", "createwallet", json!(["a"]));
    // One wallet: no endpoint needed.
    assert_eq!(node.rpc("getwalletinfo", json!([]))["walletname"], "a");
    w(&node, "", "createwallet", json!(["b"]));
    fails(
        node.call("getbalance", json!([])),
        -19,
        "Wallet file not specified (must request wallet RPC through /wallet/<filename> uri-path).",
    );
    fails(
        wcall(&node, "nosuch", "getbalance", json!([])),
        -18,
        "Requested wallet does not exist or is not loaded",
    );
    // A name in the URL is percent-decoded, as bitcoin-cli -rpcwallet encodes it.
    w(&node, "", "createwallet", json!(["my wallet"]));
    assert_eq!(
        w(&node, "my%20wallet", "getwalletinfo", json!([]))["walletname"],
        "my wallet"
    );
    w(&node, "my%20wallet", "unloadwallet", json!(["my wallet"]));
    // Non-wallet methods work through a wallet endpoint.
    assert!(wcall(&node, "a", "getblockcount", json!([])).is_ok());
    fails(
        wcall(&node, "", "createwallet", json!(["a"])),
        -35,
        "Wallet \"a\" is already loaded.",
    );
    fails(
        node.call("loadwallet", json!(["missing"])),
        -18,
        "Wallet file verification failed. Failed to load database path",
    );
    w(&node, "a", "unloadwallet", json!([]));
    fails(
        node.call("createwallet", json!(["a"])),
        -4,
        "Failed to create database path",
    );
    w(&node, "", "loadwallet", json!(["a"]));
    fails(
        wcall(&node, "a", "unloadwallet", json!(["b"])),
        -8,
        "RPC endpoint wallet and wallet_name parameter specify different wallets",
    );
    fails(
        node.call(
            "createwallet",
            json!({"wallet_name": "c", "passphrase": "secret"}),
        ),
        -4,
        "Wallet encryption is not implemented",
    );
    fails(
        node.call(
            "createwallet",
            json!({"wallet_name": "c", "mnemonic": "abandon abandon abandon"}),
        ),
        -8,
        "Invalid mnemonic",
    );
    fails(
        node.call(
            "createwallet",
            json!({"wallet_name": "c", "descriptors": false}),
        ),
        -4,
        "Legacy wallets are no longer supported",
    );
    fails(node.call("createwallet", json!([])), -1, "createwallet");

    // Addresses and amounts.
    fails(
        wcall(&node, "a", "getnewaddress", json!(["", "p2wsh"])),
        -5,
        "Unknown address type 'p2wsh'",
    );
    fails(
        wcall(&node, "a", "getnewaddress", json!(["*"])),
        -4,
        "Invalid label name",
    );
    fails(
        wcall(&node, "a", "getaddressinfo", json!(["nonsense"])),
        -5,
        "Invalid address",
    );
    let mining = w(&node, "a", "getnewaddress", json!([]));
    mine(&node, 101, mining.as_str().unwrap());
    let to = w(&node, "b", "getnewaddress", json!([]));
    fails(
        wcall(&node, "a", "sendtoaddress", json!(["nonsense", 1])),
        -5,
        "Invalid Bitcoin address: nonsense",
    );
    fails(
        wcall(&node, "a", "sendtoaddress", json!([to, -1])),
        -3,
        "Amount out of range",
    );
    fails(
        wcall(&node, "a", "sendtoaddress", json!([to, 0])),
        -3,
        "Invalid amount for send",
    );
    fails(
        wcall(&node, "a", "sendtoaddress", json!([to, 1])),
        -6,
        "Fee estimation failed. Fallbackfee is disabled. Wait a few blocks or enable -fallbackfee.",
    );
    fails(
        wcall(
            &node,
            "a",
            "sendtoaddress",
            json!({"address": to, "amount": 1000, "fee_rate": 5}),
        ),
        -6,
        "Insufficient funds",
    );
    fails(
        wcall(
            &node,
            "a",
            "sendtoaddress",
            json!({"address": to, "amount": 0.00000100, "fee_rate": 5}),
        ),
        -6,
        "Transaction amount too small",
    );
    fails(
        wcall(
            &node,
            "a",
            "sendtoaddress",
            json!({"address": to, "amount": 1, "fee_rate": "abc"}),
        ),
        -3,
        "Invalid amount",
    );
    // settxfee sets the rate instead.
    assert_eq!(w(&node, "a", "settxfee", json!([0.0001])), json!(true));
    assert!(w(&node, "a", "sendtoaddress", json!([to, 1])).is_string());
    fails(
        wcall(
            &node,
            "a",
            "sendmany",
            json!(["x", {to.as_str().unwrap(): 1}]),
        ),
        -8,
        "Dummy value must be set to \"\"",
    );
    fails(
        wcall(&node, "a", "gettransaction", json!(["00".repeat(32)])),
        -5,
        "Invalid or non-wallet transaction id",
    );
    fails(
        wcall(&node, "a", "gettransaction", json!(["zz"])),
        -8,
        "txid must be of length 64",
    );
    fails(
        wcall(&node, "a", "bumpfee", json!(["11".repeat(32)])),
        -5,
        "Invalid or non-wallet transaction id",
    );
    fails(
        wcall(&node, "a", "rescanblockchain", json!([500])),
        -8,
        "Invalid start_height",
    );
    fails(
        wcall(&node, "a", "listtransactions", json!(["*", -1])),
        -8,
        "Negative count",
    );

    // Descriptors.
    let bad = w(
        &node,
        "b",
        "importdescriptors",
        json!([[
            {"desc": "wpkh(02aabb)", "timestamp": "now"},
            {"desc": "addr(bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080)#00000000", "timestamp": "now"},
            {"desc": "addr(bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080)", "timestamp": "now"},
            {"timestamp": "now"},
        ]]),
    );
    for (i, r) in bad.as_array().unwrap().iter().enumerate() {
        assert_eq!(r["success"], false, "request {i}: {r}");
        assert!(r["error"]["message"].is_string(), "request {i}: {r}");
    }
    fails(wcall(&node, "b", "importdescriptors", json!([{}])), -3, "");

    // Malformed PSBTs.
    let hostile = ["", "nonsense", "cHNidP8=", "AAAA", "////"];
    for text in hostile {
        let e = wcall(&node, "b", "walletprocesspsbt", json!([text])).unwrap_err();
        assert!(e.code == -22 || e.code == -4, "{text}: {e:?}");
    }
    // Arbitrary bytes as a PSBT: an error each time, and the node keeps answering.
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    for round in 0..200 {
        let mut bytes = b"psbt\xff".to_vec();
        for _ in 0..(round % 90) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            bytes.push(x.to_le_bytes()[0]);
        }
        let text = crate::support::base64_encode(&bytes);
        assert!(wcall(&node, "b", "walletprocesspsbt", json!([text])).is_err());
    }
    fails(
        wcall(
            &node,
            "b",
            "walletprocesspsbt",
            json!(["cHNidP8=", true, "NONE"]),
        ),
        -22,
        "TX decode failed",
    );
    assert!(node.call("getblockcount", json!([])).is_ok());
}
