//! soud and Bitcoin Core on one connection: Core connects to soud (`addnode … onetry`),
//! and each syncs 300 blocks mined by the other.

use serde_json::json;

use crate::sou_pair::listening_node;
use crate::support::bitcoind::Bitcoind;
use crate::support::BURN_ADDRESS;
use crate::wait_until;

#[test]
fn soud_syncs_300_blocks_from_bitcoind() {
    let Some(mut core) = Bitcoind::start_from_env() else {
        return;
    };
    let mut sou = listening_node();
    core.call("generatetoaddress", json!([300, BURN_ADDRESS]))
        .unwrap();
    let core_tip = core.call("getbestblockhash", json!([])).unwrap();
    let target = format!("127.0.0.1:{}", sou.p2p_port);
    core.call("addnode", json!([target, "onetry"])).unwrap();
    wait_until("soud to reach Core's tip", || {
        sou.rpc("getbestblockhash", json!([])) == core_tip
    });
    assert_eq!(sou.rpc("getblockcount", json!([])), json!(300));
    let peer = sou.rpc("getpeerinfo", json!([]))[0].clone();
    assert_eq!(peer["inbound"], json!(true));
    assert!(peer["subver"].as_str().unwrap().starts_with("/Satoshi:"));
    // Core sees soud as a manual peer with the services it announced.
    let core_peer = core.call("getpeerinfo", json!([])).unwrap()[0].clone();
    assert_eq!(core_peer["connection_type"], json!("manual"));
    assert_eq!(
        core_peer["servicesnames"],
        json!(["NETWORK", "WITNESS", "P2P_V2"])
    );
    assert_eq!(
        core_peer["subver"],
        json!(format!("/sou:{}/", env!("CARGO_PKG_VERSION")))
    );
    // soud's getpeerinfo has Core's fields in Core's order (the ping times and our
    // address as the peer saw it come and go with timing and routing).
    let keys = |peer: &serde_json::Value| -> Vec<String> {
        peer.as_object()
            .unwrap()
            .keys()
            .filter(|k| {
                !matches!(
                    k.as_str(),
                    "pingtime" | "minping" | "pingwait" | "addrlocal"
                )
            })
            .cloned()
            .collect()
    };
    assert_eq!(keys(&peer), keys(&core_peer));
    // Each told the other its minimum relay fee, 100 sat/kvB, with `feefilter` (BIP133).
    wait_until("Core's feefilter", || {
        sou.rpc("getpeerinfo", json!([]))[0]["minfeefilter"].as_f64() == Some(0.000001)
    });
    wait_until("sou's feefilter", || {
        core.call("getpeerinfo", json!([])).unwrap()[0]["minfeefilter"].as_f64() == Some(0.000001)
    });

    // A block mined afterwards by Core is announced and fetched.
    core.call("generatetoaddress", json!([1, BURN_ADDRESS]))
        .unwrap();
    let core_tip = core.call("getbestblockhash", json!([])).unwrap();
    wait_until("soud to follow Core's new block", || {
        sou.rpc("getbestblockhash", json!([])) == core_tip
    });
    sou.stop();
    core.stop();
}

#[test]
fn bitcoind_syncs_300_blocks_from_soud() {
    let Some(mut core) = Bitcoind::start_from_env() else {
        return;
    };
    let mut sou = listening_node();
    sou.rpc("generatetoaddress", json!([300, BURN_ADDRESS]));
    let sou_tip = sou.rpc("getbestblockhash", json!([]));
    let target = format!("127.0.0.1:{}", sou.p2p_port);
    core.call("addnode", json!([target, "onetry"])).unwrap();
    wait_until("Core to reach soud's tip", || {
        core.call("getbestblockhash", json!([])).ok() == Some(sou_tip.clone())
    });
    let chain = core.call("getblockchaininfo", json!([])).unwrap();
    assert_eq!(chain["blocks"], json!(300));
    assert_eq!(chain["headers"], json!(300));

    // A block mined afterwards by soud is announced (as headers: Core sent sendheaders).
    sou.rpc("generatetoaddress", json!([1, BURN_ADDRESS]));
    let sou_tip = sou.rpc("getbestblockhash", json!([]));
    wait_until("Core to follow soud's new block", || {
        core.call("getbestblockhash", json!([])).ok() == Some(sou_tip.clone())
    });
    sou.stop();
    core.stop();
}
