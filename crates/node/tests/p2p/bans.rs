//! Bans and switching the network off: `setban`, `listbanned`, `clearbanned`,
//! `getaddednodeinfo`, `setnetworkactive`.
//!
//! ```text
//!   A (listens on 127.0.0.1)  <──  B (addnode A add, retried every 2 s)
//!   A: setban 127.0.0.1      ──x  B dropped at once, its new connections refused
//!   A: clearbanned           <──  B back
//!   B: setnetworkactive false ─x  every connection closed, none opened
//!   B: setnetworkactive true <──  B back
//! ```
//!
//! Then the same calls, errors included, to soud and to bitcoind (when `BITCOIND` is set):
//! the answers must be the same but for the times.

use std::time::Duration;

use serde_json::{json, Value};

use crate::support::bitcoind::Bitcoind;
use crate::support::{RpcFailure, TestNode};
use crate::wait_until;

fn connections(node: &TestNode) -> u64 {
    node.rpc("getconnectioncount", json!([])).as_u64().unwrap()
}

fn handshake_done(node: &TestNode) -> bool {
    let peers = node.rpc("getpeerinfo", json!([]));
    peers
        .as_array()
        .is_some_and(|p| p.iter().any(|peer| peer["version"].as_i64() == Some(70016)))
}

#[test]
fn a_banned_peer_is_dropped_and_refused_until_the_ban_is_lifted() {
    let mut a = TestNode::start(&["-listen=1", "-bind=127.0.0.1", "-debug=net"]);
    let mut b = TestNode::start(&[]);
    let target = format!("127.0.0.1:{}", a.p2p_port);
    b.rpc("addnode", json!([target, "add"]));
    wait_until("the handshake", || handshake_done(&a) && handshake_done(&b));

    // B's added node is connected, outbound.
    let info = b.rpc("getaddednodeinfo", json!([target]));
    assert_eq!(info[0]["addednode"], json!(target));
    assert_eq!(info[0]["connected"], json!(true));
    assert_eq!(info[0]["addresses"][0]["address"], json!(target));
    assert_eq!(info[0]["addresses"][0]["connected"], json!("outbound"));

    // A bans B's address: B is dropped, and its reconnections (every 2 s) are refused.
    a.rpc("setban", json!(["127.0.0.1", "add"]));
    wait_until("A to drop B", || {
        connections(&a) == 0 && connections(&b) == 0
    });
    std::thread::sleep(Duration::from_secs(5));
    assert_eq!(connections(&a), 0);
    assert!(a.debug_log().contains("dropped (banned)"));
    let banned = a.rpc("listbanned", json!([]));
    assert_eq!(banned[0]["address"], json!("127.0.0.1/32"));
    assert_eq!(banned[0]["ban_duration"], json!(86400));
    let info = b.rpc("getaddednodeinfo", json!([]));
    assert_eq!(info[0]["connected"], json!(false));
    assert_eq!(info[0]["addresses"], json!([]));

    // Lifted: B comes back.
    a.rpc("clearbanned", json!([]));
    assert_eq!(a.rpc("listbanned", json!([])), json!([]));
    wait_until("B to reconnect", || {
        handshake_done(&a) && handshake_done(&b)
    });

    // B switches its network off: every connection closes and none opens.
    assert_eq!(b.rpc("setnetworkactive", json!([false])), json!(false));
    assert_eq!(
        b.rpc("getnetworkinfo", json!([]))["networkactive"],
        json!(false)
    );
    wait_until("B to close", || {
        connections(&a) == 0 && connections(&b) == 0
    });
    std::thread::sleep(Duration::from_secs(5));
    assert_eq!(connections(&b), 0);
    assert!(b.debug_log().contains("SetNetworkActive: false"));
    assert_eq!(b.rpc("setnetworkactive", json!([true])), json!(true));
    assert_eq!(
        b.rpc("getnetworkinfo", json!([]))["networkactive"],
        json!(true)
    );
    wait_until("B to reconnect", || {
        handshake_done(&a) && handshake_done(&b)
    });

    b.stop();
    a.stop();
}

/// The calls compared with bitcoind, errors included.
fn sequence(far_future: i64) -> Vec<(&'static str, Value)> {
    vec![
        ("listbanned", json!([])),
        ("setban", json!(["1.2.3.4", "add"])),
        ("setban", json!(["1.2.3.4", "add"])),
        ("setban", json!(["1.2.3.4/32", "add"])),
        ("setban", json!(["1.2.3.0/24", "add", 3600])),
        ("setban", json!(["10.0.7.1/255.255.0.0", "add"])),
        ("setban", json!(["::1", "add", 0])),
        ("setban", json!(["5.6.7.8", "add", 1000, true])),
        ("setban", json!(["5.6.7.8", "add", far_future, true])),
        ("setban", json!(["localhost", "add"])),
        ("setban", json!(["1.2.3.4/33", "add"])),
        ("setban", json!(["1.2.3.4", "ban"])),
        ("listbanned", json!([])),
        ("setban", json!(["1.2.3.4", "remove"])),
        ("setban", json!(["1.2.3.4", "remove"])),
        ("setban", json!(["10.0.0.0/16", "remove"])),
        ("listbanned", json!([])),
        ("clearbanned", json!([])),
        ("listbanned", json!([])),
        ("getaddednodeinfo", json!([])),
        ("getaddednodeinfo", json!(["127.0.0.1:1"])),
        ("addnode", json!(["127.0.0.1:1", "add"])),
        ("getaddednodeinfo", json!([])),
        ("getaddednodeinfo", json!(["127.0.0.1:1"])),
        ("getaddednodeinfo", json!(["127.0.0.1"])),
        ("setnetworkactive", json!([false])),
        ("setnetworkactive", json!([false])),
        ("setnetworkactive", json!([true])),
    ]
}

/// An answer with the times of `listbanned` blanked (they depend on the clock), and the
/// duration of a ban given as an absolute time.
fn without_times(answer: Result<Value, RpcFailure>) -> Result<Value, (i64, String)> {
    let mut value = answer.map_err(|e| (e.code, e.message))?;
    if let Some(list) = value.as_array_mut() {
        for entry in list {
            let absolute = entry.get("address") == Some(&json!("5.6.7.8/32"));
            for key in ["ban_created", "banned_until", "time_remaining"] {
                if let Some(v) = entry.get_mut(key) {
                    *v = json!(0);
                }
            }
            if let Some(v) = entry.get_mut("ban_duration").filter(|_| absolute) {
                *v = json!(0);
            }
        }
    }
    Ok(value)
}

#[test]
fn ban_and_network_calls_answer_as_bitcoind() {
    let Some(mut core) = Bitcoind::start_from_env() else {
        return;
    };
    let mut sou = TestNode::start(&[]);
    let far_future = 4_000_000_000;
    let mut differences = Vec::new();
    let mut core_errors = 0;
    for (method, params) in sequence(far_future) {
        let ours = without_times(sou.call(method, params.clone()));
        let theirs = without_times(core.call(method, params.clone()));
        core_errors += usize::from(theirs.is_err());
        if ours != theirs {
            differences.push(format!(
                "{method} {params}:\n  sou  {ours:?}\n  core {theirs:?}"
            ));
        }
    }
    let networkactive = |info: Value| info["networkactive"].clone();
    assert_eq!(
        networkactive(sou.rpc("getnetworkinfo", json!([]))),
        networkactive(core.call("getnetworkinfo", json!([])).unwrap())
    );
    sou.stop();
    core.stop();
    assert!(differences.is_empty(), "{}", differences.join("\n"));
    // The sequence's error cases: the duplicate bans (2), the past time, the two invalid
    // subnets, the unknown command, the second removal, the two unknown added nodes.
    assert_eq!(core_errors, 9);
}

#[test]
fn the_sequence_gives_cores_answers_on_soud() {
    // The answers recorded from bitcoind v31.99.0 for the calls above that do not
    // depend on the clock, so that a checkout without Core still checks them.
    let mut sou = TestNode::start(&["-bantime=600"]);
    let err = |method: &str, params: Value| sou.call(method, params).unwrap_err();
    sou.rpc("setban", json!(["1.2.3.4", "add"]));
    // A ban given no time lasts -bantime.
    let banned = sou.rpc("listbanned", json!([]));
    assert_eq!(banned[0]["ban_duration"], json!(600));
    let e = err("setban", json!(["1.2.3.4", "add"]));
    assert_eq!(
        (e.code, e.message.as_str()),
        (-23, "Error: IP/Subnet already banned")
    );
    let e = err("setban", json!(["localhost", "add"]));
    assert_eq!(
        (e.code, e.message.as_str()),
        (-30, "Error: Invalid IP/Subnet")
    );
    let e = err("setban", json!(["5.6.7.8", "add", 1000, true]));
    assert_eq!(
        (e.code, e.message.as_str()),
        (-8, "Error: Absolute timestamp is in the past")
    );
    let e = err("setban", json!(["9.9.9.9", "remove"]));
    assert_eq!(
        (e.code, e.message.as_str()),
        (
            -30,
            "Error: Unban failed. Requested address/subnet was not previously manually banned."
        )
    );
    let e = err("getaddednodeinfo", json!(["1.2.3.4"]));
    assert_eq!(
        (e.code, e.message.as_str()),
        (-24, "Error: Node has not been added.")
    );
    sou.stop();
}

#[test]
fn networkactive_0_starts_with_the_network_off() {
    let mut sou = TestNode::start(&["-networkactive=0"]);
    let info = sou.rpc("getnetworkinfo", json!([]));
    assert_eq!(info["networkactive"], json!(false));
    assert_eq!(sou.rpc("setnetworkactive", json!([true])), json!(true));
    sou.stop();
}
