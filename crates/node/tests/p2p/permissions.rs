//! Misbehaving peers and `-whitelist`: a peer breaking a rule is disconnected (a loopback
//! one without being discouraged, so it may come back), unless a `noban` whitelist entry
//! covers it; `noban` also lets a banned address in.

use serde_json::json;
use sou_p2p::{Inventory, NetworkMessage};
use sou_primitives::Txid;

use crate::support::TestNode;
use crate::wire::RawPeer;

/// An `inv` one item longer than Core's `MAX_INV_SZ`.
fn oversized_inv() -> NetworkMessage {
    NetworkMessage::Inv(
        (0..50_001u32)
            .map(|i| {
                let mut hash = [0u8; 32];
                hash[..4].copy_from_slice(&i.to_le_bytes());
                Inventory::Tx(Txid::from_byte_array(hash))
            })
            .collect(),
    )
}

#[test]
fn a_misbehaving_peer_is_disconnected_but_a_noban_one_is_not() {
    let mut plain = TestNode::start(&["-listen=1", "-bind=127.0.0.1", "-debug=net"]);
    let mut peer = RawPeer::handshake(&plain);
    peer.send(&oversized_inv());
    assert!(
        peer.is_closed_by_node(),
        "an inv over 50,000 entries ends the connection"
    );
    // A loopback peer is not discouraged: it may connect again.
    let mut again = RawPeer::handshake(&plain);
    again.send(&NetworkMessage::Ping(5));
    assert_eq!(
        again.receive_until(|m| matches!(m, NetworkMessage::Pong(_))),
        NetworkMessage::Pong(5)
    );
    assert!(plain.debug_log().contains("Misbehaving: peer="));
    plain.stop();

    let mut trusting =
        TestNode::start(&["-listen=1", "-bind=127.0.0.1", "-whitelist=noban@127.0.0.1"]);
    let mut peer = RawPeer::handshake(&trusting);
    let info = trusting.rpc("getpeerinfo", json!([]));
    assert_eq!(info[0]["permissions"], json!(["noban", "download"]));
    peer.send(&oversized_inv());
    peer.send(&NetworkMessage::Ping(6));
    assert_eq!(
        peer.receive_until(|m| matches!(m, NetworkMessage::Pong(_))),
        NetworkMessage::Pong(6),
        "a noban peer stays connected"
    );
    assert!(trusting.debug_log().contains("not punishing noban peer"));
    // Banned, but noban: still let in.
    trusting.rpc("setban", json!(["127.0.0.1", "add"]));
    let mut banned = RawPeer::handshake(&trusting);
    banned.send(&NetworkMessage::Ping(7));
    assert_eq!(
        banned.receive_until(|m| matches!(m, NetworkMessage::Pong(_))),
        NetworkMessage::Pong(7)
    );
    trusting.stop();
}

#[test]
fn an_invalid_whitelist_stops_the_start() {
    let datadir = crate::support::fresh_datadir("whitelist");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_soud"))
        .args([
            "-regtest".to_string(),
            format!("-datadir={}", datadir.display()),
            "-whitelist=nope@127.0.0.1".to_string(),
            "-listen=1".to_string(),
            "-bind=127.0.0.1".to_string(),
            format!("-port={}", crate::support::free_port()),
            format!("-rpcport={}", crate::support::free_port()),
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("Error: Invalid P2P permission: 'nope'"),
        "{stderr}"
    );
}
