//! Twelve words are the whole backup: a wallet restored from them on a fresh node, whose
//! chain holds the old wallet's history, finds every coin once it rescans.

use serde_json::json;

use crate::support::TestNode;
use crate::{mine, sats, w, PAYING};

#[test]
fn a_wallet_restored_from_its_words_finds_all_its_coins_after_a_rescan() {
    let first = TestNode::start(PAYING);
    let created = w(
        &first,
        "",
        "createwallet",
        json!({"wallet_name": "old", "mnemonic_language": "french"}),
    );
    let words = created["mnemonic"].as_str().unwrap().to_string();
    assert_eq!(words.split_whitespace().count(), 12);
    // Coins on all four types: a coinbase each, then a payment to each.
    let mut addresses = Vec::new();
    for kind in ["legacy", "p2sh-segwit", "bech32", "bech32m"] {
        let a = w(&first, "old", "getnewaddress", json!(["", kind]));
        addresses.push(a.as_str().unwrap().to_string());
    }
    for a in &addresses {
        mine(&first, 1, a);
    }
    w(&first, "", "createwallet", json!(["miner"]));
    let miner = w(&first, "miner", "getnewaddress", json!([]));
    mine(&first, 101, miner.as_str().unwrap());
    // Far along the receiving chain (index 60, inside the window of 100).
    for _ in 0..55 {
        w(&first, "old", "getnewaddress", json!([]));
    }
    let far = w(&first, "old", "getnewaddress", json!([]));
    for a in addresses
        .iter()
        .chain(std::iter::once(&far.as_str().unwrap().to_string()))
    {
        w(&first, "miner", "sendtoaddress", json!([a, 0.25]));
    }
    // And a payment out of the old wallet, with change back to it.
    w(&first, "old", "sendtoaddress", json!([miner, 1]));
    mine(&first, 1, miner.as_str().unwrap());
    let expected = w(&first, "old", "getbalances", json!([]));
    let expected_coins = w(&first, "old", "listunspent", json!([]))
        .as_array()
        .unwrap()
        .len();
    assert_eq!(
        expected_coins,
        3 + 1 + 5,
        "3 coinbases, the change of the fourth, 5 payments"
    );

    // A fresh node, handed the same blocks.
    let second = TestNode::start(PAYING);
    let height = first.rpc("getblockcount", json!([])).as_u64().unwrap();
    for h in 1..=height {
        let hash = first.rpc("getblockhash", json!([h]));
        let block = first.rpc("getblock", json!([hash, 0]));
        assert!(second.rpc("submitblock", json!([block])).is_null());
    }
    let restored = w(
        &second,
        "",
        "createwallet",
        json!({"wallet_name": "restored", "mnemonic": words}),
    );
    assert!(
        restored.get("mnemonic").is_none(),
        "given words are not echoed"
    );
    let before = w(&second, "restored", "getbalances", json!([]));
    assert_eq!(sats(&before["mine"]["trusted"]), 0);
    let scan = w(&second, "restored", "rescanblockchain", json!([]));
    assert_eq!(scan, json!({"start_height": 0, "stop_height": height}));
    let after = w(&second, "restored", "getbalances", json!([]));
    assert_eq!(after["mine"], expected["mine"]);
    let coins = w(&second, "restored", "listunspent", json!([]));
    assert_eq!(coins.as_array().unwrap().len(), expected_coins);
    // The same descriptors, so the same next address.
    assert_eq!(
        w(&second, "restored", "listdescriptors", json!([]))["descriptors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["desc"].clone())
            .collect::<Vec<_>>(),
        w(&first, "old", "listdescriptors", json!([]))["descriptors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["desc"].clone())
            .collect::<Vec<_>>()
    );
    assert_eq!(
        w(&second, "restored", "getnewaddress", json!([])),
        w(&first, "old", "getnewaddress", json!([]))
    );
}
