//! BIP324's v2 transport between nodes: two soud nodes, soud and Bitcoin Core both ways,
//! and the v1 peers that must still get through.
//!
//! ```text
//!   A (v2)  <── v2 ──  B (v2, -connect=A)          getpeerinfo: "v2", one session id
//!   A (v2)  <── v1 ──  C (-v2transport=0)          A sees v1 bytes and answers in v1
//!   D (-v2transport=0) <── v2 key, hang-up, v1 ──  A   A retries over v1 (Core's fallback)
//!   soud  <── v2 ──  Core (addnode onetry)         50 blocks, session ids match
//!   soud  ── v2 ──>  Core (-connect)               50 blocks, session ids match
//! ```

use serde_json::{json, Value};

use crate::sou_pair::listening_node;
use crate::support::bitcoind::Bitcoind;
use crate::support::{free_port, TestNode, BURN_ADDRESS};
use crate::wait_until;
use crate::wire::RawPeer;

/// The first peer's getpeerinfo entry, once its handshake is done.
fn first_peer(node: &TestNode) -> Option<Value> {
    let peers = node.rpc("getpeerinfo", json!([]));
    peers
        .as_array()?
        .iter()
        .find(|peer| peer["version"].as_i64().is_some_and(|v| v > 0))
        .cloned()
}

fn tip(node: &TestNode) -> Value {
    node.rpc("getbestblockhash", json!([]))
}

/// Asserts the peer entry's transport and returns its session id.
fn transport_of(peer: &Value, expected: &str) -> String {
    assert_eq!(peer["transport_protocol_type"], json!(expected), "{peer}");
    let session_id = peer["session_id"].as_str().unwrap().to_string();
    if expected == "v2" {
        assert_eq!(session_id.len(), 64, "{peer}");
    } else {
        assert_eq!(session_id, "", "{peer}");
    }
    session_id
}

#[test]
fn two_soud_nodes_speak_v2_and_sync() {
    let mut a = listening_node();
    a.rpc("generatetoaddress", json!([101, BURN_ADDRESS]));
    let connect = format!("-connect=127.0.0.1:{}", a.p2p_port);
    let mut b = TestNode::start(&[connect.as_str()]);
    wait_until("the handshake", || {
        first_peer(&a).is_some() && first_peer(&b).is_some()
    });
    let id_a = transport_of(&first_peer(&a).unwrap(), "v2");
    let id_b = transport_of(&first_peer(&b).unwrap(), "v2");
    assert_eq!(id_a, id_b, "both sides derive the same session id");
    wait_until("B to reach A's tip", || tip(&b) == tip(&a));
    // Both advertise BIP324 support.
    let services = b.rpc("getnetworkinfo", json!([]))["localservicesnames"].clone();
    assert_eq!(services, json!(["NETWORK", "WITNESS", "P2P_V2"]));
    b.stop();
    a.stop();
}

#[test]
fn a_v1_only_soud_still_connects_both_ways() {
    // C speaks v1 only and connects to A: A sees a v1 `version` and answers in v1.
    let mut a = listening_node();
    a.rpc("generatetoaddress", json!([5, BURN_ADDRESS]));
    let connect = format!("-connect=127.0.0.1:{}", a.p2p_port);
    let mut c = TestNode::start(&[connect.as_str(), "-v2transport=0"]);
    wait_until("C's handshake", || {
        first_peer(&a).is_some() && first_peer(&c).is_some()
    });
    transport_of(&first_peer(&a).unwrap(), "v1");
    transport_of(&first_peer(&c).unwrap(), "v1");
    wait_until("C to reach A's tip", || tip(&c) == tip(&a));
    let services = c.rpc("getnetworkinfo", json!([]))["localservicesnames"].clone();
    assert_eq!(services, json!(["NETWORK", "WITNESS"]));
    c.stop();

    // D speaks v1 only and listens; A connects with v2, D hangs up on the key, and A
    // connects again with v1 (Core `ShouldReconnectV1`).
    let mut d = TestNode::start(&["-listen=1", "-bind=127.0.0.1", "-v2transport=0"]);
    let target = format!("127.0.0.1:{}", d.p2p_port);
    a.rpc("addnode", json!([target, "onetry"]));
    wait_until("the v1 retry's handshake", || first_peer(&d).is_some());
    transport_of(&first_peer(&d).unwrap(), "v1");
    wait_until("D to reach A's tip", || tip(&d) == tip(&a));
    d.stop();
    a.stop();
}

/// `addnode`'s `v2transport` chooses the transport of that one connection (Core
/// `addnode`): false connects over v1 though both nodes offer v2, true over v2; asking
/// for v2 on a node without `-v2transport` is an error.
#[test]
fn addnode_chooses_the_transport_of_its_connection() {
    let mut a = listening_node();
    let target = format!("127.0.0.1:{}", a.p2p_port);
    let mut b = TestNode::start(&[]);
    b.rpc("addnode", json!([target, "onetry", false]));
    wait_until("a v1 handshake", || first_peer(&a).is_some());
    transport_of(&first_peer(&a).unwrap(), "v1");
    b.rpc("disconnectnode", json!([target]));
    wait_until("no peer left", || first_peer(&a).is_none());
    b.rpc("addnode", json!([target, "add", true]));
    wait_until("a v2 handshake", || first_peer(&a).is_some());
    transport_of(&first_peer(&a).unwrap(), "v2");
    b.stop();
    let mut c = TestNode::start(&["-v2transport=0"]);
    let refused = c
        .call("addnode", json!([target, "onetry", true]))
        .unwrap_err();
    assert_eq!(refused.code, -8);
    assert_eq!(
        refused.message,
        "Error: v2transport requested but not enabled (see -v2transport)"
    );
    c.stop();
    a.stop();
}

#[test]
fn a_raw_v1_peer_still_connects() {
    let mut node = listening_node();
    let _peer = RawPeer::handshake(&node);
    transport_of(&first_peer(&node).unwrap(), "v1");
    node.stop();
}

#[test]
fn bitcoind_connects_to_soud_over_v2() {
    let Some(mut core) = Bitcoind::start_from_env() else {
        return;
    };
    let mut sou = listening_node();
    core.call("generatetoaddress", json!([50, BURN_ADDRESS]))
        .unwrap();
    let core_tip = core.call("getbestblockhash", json!([])).unwrap();
    let target = format!("127.0.0.1:{}", sou.p2p_port);
    core.call("addnode", json!([target, "onetry", true]))
        .unwrap();
    wait_until("soud to reach Core's tip", || {
        sou.rpc("getbestblockhash", json!([])) == core_tip
    });
    let core_peer = core.call("getpeerinfo", json!([])).unwrap()[0].clone();
    let sou_peer = first_peer(&sou).unwrap();
    assert_eq!(sou_peer["inbound"], json!(true));
    assert_eq!(
        transport_of(&core_peer, "v2"),
        transport_of(&sou_peer, "v2"),
        "Core and soud derive the same session id"
    );
    sou.stop();
    core.stop();
}

#[test]
fn soud_connects_to_bitcoind_over_v2() {
    let port = free_port();
    let bind = format!("-bind=127.0.0.1:{port}");
    let Some(mut core) = Bitcoind::start_from_env_with(&["-listen=1", bind.as_str()]) else {
        return;
    };
    core.call("generatetoaddress", json!([50, BURN_ADDRESS]))
        .unwrap();
    let core_tip = core.call("getbestblockhash", json!([])).unwrap();
    let connect = format!("-connect=127.0.0.1:{port}");
    let mut sou = TestNode::start(&[connect.as_str()]);
    wait_until("soud to reach Core's tip", || {
        sou.rpc("getbestblockhash", json!([])) == core_tip
    });
    let core_peer = core.call("getpeerinfo", json!([])).unwrap()[0].clone();
    assert_eq!(core_peer["inbound"], json!(true));
    let sou_peer = first_peer(&sou).unwrap();
    assert_eq!(
        transport_of(&core_peer, "v2"),
        transport_of(&sou_peer, "v2"),
        "Core and soud derive the same session id"
    );
    // Core saw our NODE_P2P_V2.
    assert_eq!(
        core_peer["servicesnames"],
        json!(["NETWORK", "WITNESS", "P2P_V2"])
    );
    sou.stop();
    core.stop();
}

#[test]
fn a_v1_only_bitcoind_is_reached_over_v1() {
    let port = free_port();
    let bind = format!("-bind=127.0.0.1:{port}");
    let Some(mut core) =
        Bitcoind::start_from_env_with(&["-listen=1", bind.as_str(), "-v2transport=0"])
    else {
        return;
    };
    core.call("generatetoaddress", json!([10, BURN_ADDRESS]))
        .unwrap();
    let core_tip = core.call("getbestblockhash", json!([])).unwrap();
    // soud opens with v2, Core reads our key as a bad v1 header and hangs up, soud
    // connects again with v1.
    let connect = format!("-connect=127.0.0.1:{port}");
    let mut sou = listening_node_with(&[connect.as_str()]);
    wait_until("soud to reach Core's tip", || {
        sou.rpc("getbestblockhash", json!([])) == core_tip
    });
    transport_of(&first_peer(&sou).unwrap(), "v1");
    let core_peers = core.call("getpeerinfo", json!([])).unwrap();
    let core_peer = core_peers
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["version"].as_i64().is_some_and(|v| v > 0))
        .unwrap()
        .clone();
    transport_of(&core_peer, "v1");

    // And Core, v1 only, connecting to soud: soud reads its v1 `version` and answers in v1.
    let target = format!("127.0.0.1:{}", sou.p2p_port);
    core.call("addnode", json!([target, "onetry"])).unwrap();
    wait_until("Core's second connection", || {
        sou.rpc("getpeerinfo", json!([]))
            .as_array()
            .is_some_and(|peers| {
                peers.iter().any(|p| {
                    p["inbound"] == json!(true) && p["version"].as_i64().is_some_and(|v| v > 0)
                })
            })
    });
    let peers = sou.rpc("getpeerinfo", json!([]));
    for peer in peers.as_array().unwrap() {
        transport_of(peer, "v1");
    }
    sou.stop();
    core.stop();
}

/// A node listening on 127.0.0.1 with `extra` arguments.
fn listening_node_with(extra: &[&str]) -> TestNode {
    let mut args = vec!["-listen=1", "-bind=127.0.0.1"];
    args.extend_from_slice(extra);
    TestNode::start(&args)
}
