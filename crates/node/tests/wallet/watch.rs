//! A watch-only wallet: the public descriptors of a wallet with keys, imported into one
//! without, see the same coins; it makes PSBTs that the wallet with keys signs.

use serde_json::{json, Value};

use crate::support::TestNode;
use crate::{mempool, mine, sats, w, wcall, PAYING};

#[test]
fn a_watch_only_wallet_funds_a_psbt_the_hot_wallet_signs() {
    let node = TestNode::start(PAYING);
    w(&node, "", "createwallet", json!(["hot"]));
    let address = w(&node, "hot", "getnewaddress", json!([]));
    mine(&node, 101, address.as_str().unwrap());

    // The public bech32 descriptors of the hot wallet.
    let listed = w(&node, "hot", "listdescriptors", json!([]));
    let descriptors = listed["descriptors"].as_array().unwrap();
    assert_eq!(descriptors.len(), 8);
    let wpkh: Vec<&Value> = descriptors
        .iter()
        .filter(|d| d["desc"].as_str().unwrap().starts_with("wpkh("))
        .collect();
    assert_eq!(wpkh.len(), 2);
    for d in descriptors {
        assert_eq!(d["active"], true);
        assert!(!d["desc"].as_str().unwrap().contains("tprv"));
    }
    let private = w(&node, "hot", "listdescriptors", json!([true]));
    assert!(private["descriptors"][0]["desc"]
        .as_str()
        .unwrap()
        .contains("tprv"));

    w(&node, "", "createwallet", json!(["watch", true]));
    let no_keys = wcall(&node, "watch", "getnewaddress", json!([])).unwrap_err();
    assert_eq!(no_keys.code, -4, "{no_keys:?}");
    let requests: Vec<Value> = wpkh
        .iter()
        .map(|d| {
            json!({
                "desc": d["desc"],
                "timestamp": 0,
                "active": true,
                "internal": d["internal"],
                "range": [0, 99],
            })
        })
        .collect();
    let imported = w(&node, "watch", "importdescriptors", json!([requests]));
    assert_eq!(imported[0]["success"], true, "{imported}");
    assert_eq!(imported[1]["success"], true, "{imported}");
    // The rescan found the coinbases.
    let hot = w(&node, "hot", "getbalances", json!([]));
    let watch = w(&node, "watch", "getbalances", json!([]));
    assert_eq!(watch["mine"], hot["mine"]);
    // Both hand out the same next address.
    assert_eq!(
        w(&node, "watch", "getnewaddress", json!([])),
        w(&node, "hot", "getnewaddress", json!([]))
    );
    // Private keys cannot go into a watch-only wallet.
    let secret = &w(&node, "hot", "listdescriptors", json!([true]))["descriptors"][0]["desc"];
    let refused = w(
        &node,
        "watch",
        "importdescriptors",
        json!([[{"desc": secret, "timestamp": "now"}]]),
    );
    assert_eq!(refused[0]["success"], false);
    assert_eq!(refused[0]["error"]["code"], -4);

    // Watch-only funds a PSBT; the hot wallet signs it; the pool takes it.
    let payee = w(&node, "hot", "getnewaddress", json!(["", "bech32m"]));
    let funded = w(
        &node,
        "watch",
        "walletcreatefundedpsbt",
        json!([[], [{payee.as_str().unwrap(): 3}], 0, {"fee_rate": 2}]),
    );
    assert!(sats(&funded["fee"]) > 0);
    assert!(funded["changepos"].as_i64().unwrap() >= 0);
    // With the keys' BIP32 origins, as Core's bip32derivs.
    let decoded = node.rpc("decodepsbt", json!([funded["psbt"]]));
    let origin = &decoded["inputs"][0]["bip32_derivs"][0];
    assert_eq!(origin["path"], "m/84h/1h/0h/0/0", "{decoded}");
    let change = usize::try_from(funded["changepos"].as_u64().unwrap()).unwrap();
    let change_origin = &decoded["outputs"][change]["bip32_derivs"][0];
    assert_eq!(change_origin["path"], "m/84h/1h/0h/1/0", "{decoded}");
    assert_eq!(
        origin["master_fingerprint"],
        change_origin["master_fingerprint"]
    );
    let unsigned = w(&node, "watch", "walletprocesspsbt", json!([funded["psbt"]]));
    assert_eq!(unsigned["complete"], false, "watch-only cannot sign");
    let signed = w(&node, "hot", "walletprocesspsbt", json!([funded["psbt"]]));
    assert_eq!(signed["complete"], true);
    let txid = node.rpc("sendrawtransaction", json!([signed["hex"]]));
    assert_eq!(mempool(&node), vec![txid.as_str().unwrap().to_string()]);
    // Both wallets see the payment; the watch-only one can bump it only as a PSBT.
    let seen = w(&node, "watch", "gettransaction", json!([txid]));
    assert_eq!(seen["confirmations"], 0);
    let bump = wcall(&node, "watch", "bumpfee", json!([txid])).unwrap_err();
    assert_eq!(bump.code, -4);
    let psbt_bump = w(&node, "watch", "psbtbumpfee", json!([txid]));
    assert!(sats(&psbt_bump["fee"]) > sats(&psbt_bump["origfee"]));
    let signed_bump = w(
        &node,
        "hot",
        "walletprocesspsbt",
        json!([psbt_bump["psbt"]]),
    );
    assert_eq!(signed_bump["complete"], true);
    let bumped = node.rpc("sendrawtransaction", json!([signed_bump["hex"]]));
    assert_eq!(mempool(&node), vec![bumped.as_str().unwrap().to_string()]);

    // An address watched alone (addr()), found by a rescan from the start: its second
    // coinbase is mature once the payment is mined.
    mine(&node, 1, payee.as_str().unwrap());
    w(
        &node,
        "",
        "createwallet",
        json!({"wallet_name": "one", "disable_private_keys": true}),
    );
    let checksum = node.rpc(
        "getdescriptorinfo",
        json!([format!("addr({})", address.as_str().unwrap())]),
    )["checksum"]
        .clone();
    let desc = format!(
        "addr({})#{}",
        address.as_str().unwrap(),
        checksum.as_str().unwrap()
    );
    let one = w(
        &node,
        "one",
        "importdescriptors",
        json!([[{"desc": desc, "timestamp": 0, "label": "miner"}]]),
    );
    assert_eq!(one[0]["success"], true, "{one}");
    let coins = w(&node, "one", "listunspent", json!([]));
    assert!(!coins.as_array().unwrap().is_empty());
    assert_eq!(coins[0]["label"], "miner");
    assert_eq!(coins[0]["spendable"], false);
}
