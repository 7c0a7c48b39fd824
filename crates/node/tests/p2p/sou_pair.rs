//! Two soud nodes: B connects to A with `-connect`; blocks mined on either reach the
//! other, over the handshake, headers-first sync, and announcements of new tips.
//!
//! ```text
//!   A (listens on 127.0.0.1)  <──  B (-connect=A)
//!   A mines 101 ──────────────────> B syncs them (getheaders, getdata)
//!   B mines 5  <────────────────── announced as headers, A fetches them
//! ```

use serde_json::{json, Value};

use crate::support::{TestNode, BURN_ADDRESS};
use crate::wait_until;

/// A node that listens on its `-port`, on 127.0.0.1 only.
pub fn listening_node() -> TestNode {
    TestNode::start(&["-listen=1", "-bind=127.0.0.1"])
}

fn tip(node: &TestNode) -> (u64, String) {
    let count = node.rpc("getblockcount", json!([])).as_u64().unwrap();
    let hash = node.rpc("getbestblockhash", json!([]));
    (count, hash.as_str().unwrap().to_string())
}

fn handshake_done(node: &TestNode) -> bool {
    let peers = node.rpc("getpeerinfo", json!([]));
    peers
        .as_array()
        .is_some_and(|p| p.iter().any(|peer| peer["version"].as_i64() == Some(70016)))
}

#[test]
fn blocks_mined_on_one_soud_reach_the_other() {
    let mut a = listening_node();
    a.rpc("generatetoaddress", json!([101, BURN_ADDRESS]));
    let connect = format!("-connect=127.0.0.1:{}", a.p2p_port);
    let mut b = TestNode::start(&[connect.as_str()]);

    wait_until("the handshake", || handshake_done(&a) && handshake_done(&b));
    assert_eq!(a.rpc("getconnectioncount", json!([])), json!(1));
    assert_eq!(b.rpc("getconnectioncount", json!([])), json!(1));

    // B syncs A's chain.
    wait_until("B to reach A's tip", || tip(&b) == tip(&a));

    // What each says of the other.
    let peer_of_b = b.rpc("getpeerinfo", json!([]))[0].clone();
    assert_eq!(peer_of_b["inbound"], json!(false));
    assert_eq!(peer_of_b["connection_type"], json!("manual"));
    assert_eq!(
        peer_of_b["subver"],
        json!(format!("/sou:{}/", env!("CARGO_PKG_VERSION")))
    );
    assert_eq!(peer_of_b["services"], json!("0000000000000809"));
    assert_eq!(
        peer_of_b["servicesnames"],
        json!(["NETWORK", "WITNESS", "P2P_V2"])
    );
    assert_eq!(
        peer_of_b["addr"],
        json!(format!("127.0.0.1:{}", a.p2p_port))
    );
    let peer_of_a = a.rpc("getpeerinfo", json!([]))[0].clone();
    assert_eq!(peer_of_a["inbound"], json!(true));
    assert_eq!(peer_of_a["connection_type"], json!("inbound"));
    let info = a.rpc("getnetworkinfo", json!([]));
    assert_eq!(
        (
            &info["connections"],
            &info["connections_in"],
            &info["connections_out"]
        ),
        (&json!(1), &json!(1), &json!(0))
    );
    assert_eq!(
        info["localservicesnames"],
        json!(["NETWORK", "WITNESS", "P2P_V2"])
    );
    wait_until("synced_headers on B", || {
        b.rpc("getpeerinfo", json!([]))[0]["synced_headers"] == json!(101)
    });

    // Blocks mined on B are announced to A, which fetches them.
    b.rpc("generatetoaddress", json!([5, BURN_ADDRESS]));
    wait_until("A to reach B's tip", || tip(&a) == tip(&b));
    assert_eq!(tip(&a).0, 106);

    // And the other way, one block at a time.
    for _ in 0..3 {
        a.rpc("generatetoaddress", json!([1, BURN_ADDRESS]));
    }
    wait_until("B to reach A's tip again", || tip(&b) == tip(&a));

    // Pings are answered and timed.
    a.rpc("ping", json!([]));
    wait_until("a ping time", || {
        a.rpc("getpeerinfo", json!([]))[0].get("pingtime").is_some()
    });
    let totals = a.rpc("getnettotals", json!([]));
    assert!(totals["totalbytesrecv"].as_u64().unwrap() > 0);
    assert!(totals["totalbytessent"].as_u64().unwrap() > 0);

    // Core's log line for a new outbound peer.
    assert!(
        b.debug_log()
            .contains("New manual peer connected: transport: v2, version: 70016"),
        "B's debug.log"
    );

    // disconnectnode by id ends the connection; B, told to -connect to A, opens a new
    // one (as Core does), which A sees as a new peer.
    let id = peer_of_a["id"].as_u64().unwrap();
    assert_eq!(a.rpc("disconnectnode", json!(["", id])), Value::Null);
    wait_until("B to connect again", || {
        let peers = a.rpc("getpeerinfo", json!([]));
        peers
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["id"].as_u64().unwrap() > id && p["version"].as_i64() == Some(70016))
    });
    let err = a.call("disconnectnode", json!(["", 99])).unwrap_err();
    assert_eq!(err.code, -29);

    let (status, _) = b.stop();
    assert!(status.success());
    let (status, _) = a.stop();
    assert!(status.success());
}

#[test]
fn addnode_onetry_connects_and_syncs() {
    let mut a = listening_node();
    a.rpc("generatetoaddress", json!([20, BURN_ADDRESS]));
    let mut b = TestNode::start(&[]);
    let target = format!("127.0.0.1:{}", a.p2p_port);
    assert_eq!(b.rpc("addnode", json!([target, "onetry"])), Value::Null);
    wait_until("B to sync A's 20 blocks", || tip(&b) == tip(&a));
    // "add" keeps the node in the list, a second "add" is refused, "remove" forgets it.
    b.rpc("addnode", json!([target, "add"]));
    assert_eq!(
        b.call("addnode", json!([target, "add"])).unwrap_err().code,
        -23
    );
    b.rpc("addnode", json!([target, "remove"]));
    assert_eq!(
        b.call("addnode", json!([target, "remove"]))
            .unwrap_err()
            .code,
        -24
    );
    b.stop();
    a.stop();
}

#[test]
fn a_peer_speaking_another_network_is_disconnected() {
    use std::io::{Read, Write};
    // With v2 transport on, bytes that are not this network's v1 `version` header read
    // as the start of a v2 key exchange, and the node waits for the rest until its
    // handshake timeout (as Core's V2Transport does): v1 alone checks the magic at once.
    let mut a = TestNode::start(&["-listen=1", "-bind=127.0.0.1", "-v2transport=0"]);
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", a.p2p_port)).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(60)))
        .unwrap();
    // Mainnet's magic, then a verack header.
    let mut frame = vec![0xf9, 0xbe, 0xb4, 0xd9];
    frame.extend_from_slice(b"verack\0\0\0\0\0\0");
    frame.extend_from_slice(&[0, 0, 0, 0, 0x5d, 0xf6, 0xe0, 0xe2]);
    stream.write_all(&frame).unwrap();
    // The node closes the connection: a read returns 0 bytes (or an error on reset).
    let mut buf = [0u8; 1024];
    let closed = loop {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break true,
            Ok(_) => continue,
        }
    };
    assert!(closed);
    wait_until("no peers left", || {
        a.rpc("getconnectioncount", json!([])) == json!(0)
    });
    a.stop();
}

#[test]
fn connect_is_retried_until_the_peer_listens() {
    let port = crate::support::free_port();
    let connect = format!("-connect=127.0.0.1:{port}");
    let mut b = TestNode::start(&[connect.as_str()]);
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert_eq!(b.rpc("getconnectioncount", json!([])), json!(0));
    // A starts later, on the port B was told of.
    let own_port = format!("-port={port}");
    let mut a = TestNode::start(&["-listen=1", "-bind=127.0.0.1", own_port.as_str()]);
    a.rpc("generatetoaddress", json!([2, BURN_ADDRESS]));
    wait_until("B to connect and sync", || tip(&b) == tip(&a));
    b.stop();
    a.stop();
}

/// A regtest address other than [`BURN_ADDRESS`] (P2WPKH).
const OTHER_ADDRESS: &str = "bcrt1q9y2fsrqymmpr4vpulntppt0nn43d030mz0daaw";

/// Two nodes mine apart, then meet: the shorter chain gives way.
///
/// ```text
///   genesis ─┬─ a1 ── … ── a5                A alone
///            └─ b1 ── … ── b8                B alone: more work
///   after B connects to A: both on b8; a1..a5 stale on A
/// ```
#[test]
fn the_chain_with_more_work_wins_when_nodes_meet() {
    let mut a = listening_node();
    let mut b = TestNode::start(&[]);
    a.rpc("generatetoaddress", json!([5, BURN_ADDRESS]));
    // Another payee, so that the two branches differ from their first block.
    b.rpc("generatetoaddress", json!([8, OTHER_ADDRESS]));
    let a_tip = tip(&a).1;
    let target = format!("127.0.0.1:{}", a.p2p_port);
    b.rpc("addnode", json!([target, "onetry"]));
    wait_until("A to reorganise to B's chain", || tip(&a) == tip(&b));
    assert_eq!(tip(&a).0, 8);
    let tips = a.rpc("getchaintips", json!([]));
    let stale = tips
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["hash"] == json!(a_tip))
        .expect("A's old tip is still known");
    assert_eq!(stale["status"], json!("valid-fork"));
    b.stop();
    a.stop();
}
