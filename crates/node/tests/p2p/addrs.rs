//! Addresses of other nodes: kept when routable, served once per inbound connection,
//! asked of outbound peers, rate-limited, and a message of more than 1,000 ends the
//! connection; the RPCs answer as bitcoind's.

use std::net::Ipv4Addr;

use serde_json::{json, Value};
use sou_p2p::address::{AddrV2, AddrV2Message};
use sou_p2p::{Address, NetworkMessage, ServiceFlags};

use crate::sou_pair::listening_node;
use crate::support::bitcoind::Bitcoind;
use crate::support::TestNode;
use crate::wait_until;
use crate::wire::RawPeer;

/// An RPC call, answering a value or Core's error code and message.
type Call<'a> = &'a dyn Fn(&str, Value) -> Result<Value, (i64, String)>;

/// The answers to a sequence of address calls, without the times (which differ).
fn answers(call: Call<'_>) -> Vec<Value> {
    let sequence: Vec<(&str, Value)> = vec![
        ("addpeeraddress", json!(["1.2.3.4", 8333])),
        ("addpeeraddress", json!(["1.2.3.4", 8333])),
        ("addpeeraddress", json!(["127.0.0.1", 8333])),
        ("addpeeraddress", json!(["2001:4860::8888", 8333])),
        ("addpeeraddress", json!(["not an ip", 8333])),
        ("getnodeaddresses", json!([1, "ipv6"])),
        ("getnodeaddresses", json!([0, "ipv4"])),
        ("getnodeaddresses", json!([1, "foo"])),
        ("getnodeaddresses", json!([-1])),
    ];
    sequence
        .into_iter()
        .map(|(method, params)| match call(method, params) {
            Ok(mut value) => {
                if let Some(list) = value.as_array_mut() {
                    for entry in list {
                        entry.as_object_mut().unwrap().remove("time");
                    }
                }
                value
            }
            Err((code, message)) => json!({"error": code, "message": message}),
        })
        .collect()
}

#[test]
fn address_calls_answer_as_bitcoind() {
    let mut node = TestNode::start(&[]);
    let ours = answers(&|m, p| node.call(m, p).map_err(|e| (e.code, e.message)));
    assert_eq!(ours[0], json!({"success": true}));
    assert_eq!(
        ours[1],
        json!({"error": "failed-adding-to-new", "success": false})
    );
    assert_eq!(ours[6][0]["address"], json!("1.2.3.4"));
    node.stop();
    let Some(mut core) = Bitcoind::start_from_env() else {
        return;
    };
    let theirs = answers(&|m, p| core.call(m, p).map_err(|e| (e.code, e.message)));
    assert_eq!(ours, theirs);
    core.stop();
}

#[test]
fn getaddr_is_answered_once_and_floods_are_limited() {
    let mut node = listening_node();
    for i in 1..=5u8 {
        node.rpc("addpeeraddress", json!([format!("8.8.{i}.8"), 8333]));
    }
    // An inbound peer asks: it gets the known addresses (as `addr`: it did not send
    // `sendaddrv2`), once.
    let mut peer = RawPeer::handshake(&node);
    peer.send(&NetworkMessage::GetAddr);
    let NetworkMessage::Addr(list) = peer.receive_until(|m| matches!(m, NetworkMessage::Addr(_)))
    else {
        unreachable!()
    };
    assert!(!list.is_empty() && list.len() <= 5);
    assert!(list.iter().all(|a| a.address.ip.octets()[12] == 8));

    // 1,000 addresses at once: one token in the bucket, the rest rate-limited.
    let now = u32::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap();
    let many: Vec<AddrV2Message> = (0..1000u32)
        .map(|i| AddrV2Message {
            time: now,
            services: ServiceFlags::NETWORK,
            addr: AddrV2::Ipv4(Ipv4Addr::from(0x0909_0000 + i)),
            port: 8333,
        })
        .collect();
    peer.send(&NetworkMessage::AddrV2(many.clone()));
    wait_until("the addresses counted", || {
        let info = node.rpc("getpeerinfo", json!([]));
        info[0]["addr_processed"].as_u64().unwrap_or(0)
            + info[0]["addr_rate_limited"].as_u64().unwrap_or(0)
            == 1000
    });
    let info = node.rpc("getpeerinfo", json!([]));
    assert!(info[0]["addr_rate_limited"].as_u64().unwrap() >= 990);

    // More than 1,000 in one message is misbehaviour: the inbound peer is dropped.
    let mut too_many = many;
    too_many.push(too_many[0].clone());
    peer.send(&NetworkMessage::AddrV2(too_many));
    assert!(peer.is_closed_by_node());
    node.stop();
}

#[test]
fn an_outbound_peer_is_asked_for_addresses() {
    let mut a = listening_node();
    // A `getaddr` is answered with at most 23% of what is known: ten give two.
    for i in 1..=10u8 {
        a.rpc("addpeeraddress", json!([format!("8.8.4.{i}"), 8333]));
    }
    let connect = format!("-connect=127.0.0.1:{}", a.p2p_port);
    let mut b = TestNode::start(&[connect.as_str()]);
    wait_until("B to learn A's addresses", || {
        b.rpc("getnodeaddresses", json!([0]))
            .as_array()
            .is_some_and(|l| !l.is_empty())
    });
    let learnt = b.rpc("getnodeaddresses", json!([0]));
    assert!(learnt.as_array().unwrap().len() <= 2);
    assert!(learnt[0]["address"].as_str().unwrap().starts_with("8.8.4."));
    let peer_of_a = &a.rpc("getpeerinfo", json!([]))[0];
    assert_eq!(peer_of_a["addr_relay_enabled"], json!(true));
    // A v1 `addr` from a raw peer works too.
    let mut raw = RawPeer::handshake(&a);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    raw.send(&NetworkMessage::Addr(vec![
        sou_p2p::address::TimedAddress {
            time: u32::try_from(now).unwrap(),
            address: Address::from_ipv4(ServiceFlags::NETWORK, Ipv4Addr::new(1, 1, 1, 1), 8333),
        },
    ]));
    wait_until("A to keep the raw peer's address", || {
        a.rpc("getnodeaddresses", json!([0, "ipv4"]))
            .as_array()
            .is_some_and(|l| l.iter().any(|e| e["address"] == json!("1.1.1.1")))
    });
    a.stop();
    b.stop();
}

#[test]
fn addconnection_opens_the_kinds_core_tests_use() {
    let mut a = listening_node();
    let mut b = listening_node();
    a.rpc(
        "generatetoaddress",
        json!([101, crate::support::anyone::address()]),
    );
    let target = format!("127.0.0.1:{}", a.p2p_port);
    // Block-relay-only: blocks come, transactions do not, and the peer is told so.
    assert_eq!(
        b.rpc("addconnection", json!([target, "block-relay-only", false])),
        json!({"address": target, "connection_type": "block-relay-only"})
    );
    wait_until("B to sync A's blocks", || {
        b.rpc("getblockcount", json!([])) == json!(101)
    });
    let seen_by_a = &a.rpc("getpeerinfo", json!([]))[0];
    assert_eq!(seen_by_a["relaytxes"], json!(false));
    let seen_by_b = &b.rpc("getpeerinfo", json!([]))[0];
    assert_eq!(seen_by_b["connection_type"], json!("block-relay-only"));
    // A feeler closes once the handshake is done.
    let mut c = listening_node();
    let feeler_target = format!("127.0.0.1:{}", c.p2p_port);
    b.rpc("addconnection", json!([feeler_target, "feeler", false]));
    wait_until("C to see the feeler come and go", || {
        c.debug_log().contains("New feeler peer connected")
            || c.rpc("getnettotals", json!([]))["totalbytesrecv"]
                .as_u64()
                .unwrap_or(0)
                > 0
    });
    wait_until("the feeler to close", || {
        b.rpc("getpeerinfo", json!([])).as_array().unwrap().len() == 1
    });
    c.stop();
    // Unknown kinds are refused with -8, as Core refuses them.
    let refused = b
        .call("addconnection", json!([target, "nonsense", false]))
        .unwrap_err();
    assert_eq!(refused.code, -8);
    a.stop();
    b.stop();
}

/// Adds `count` addresses from `first` on, each in its own group (an IPv4 /16, an IPv6
/// /32), every third one also marked tried, through `call`. Core may refuse one whose
/// place in its buckets is taken (rarely: few addresses over 65,536 places); sou keeps
/// no buckets and takes them all.
fn add_addresses(call: Call<'_>, first: u8, count: u8) {
    for i in first..first + count {
        let address = if i % 4 == 3 {
            format!("2a01:{i:x}00::1")
        } else {
            format!("{}.{i}.1.1", 20 + i % 50)
        };
        let tried = i % 3 == 0;
        let answer = call(
            "addpeeraddress",
            json!([address, 8000 + u16::from(i), tried]),
        )
        .unwrap();
        assert_eq!(answer, json!({"success": true}), "{address}");
    }
}

/// Every known address with its fields, in a stable order.
fn known(call: Call<'_>) -> Vec<Value> {
    let mut list = call("getnodeaddresses", json!([0])).unwrap();
    let list = list.as_array_mut().unwrap();
    list.sort_by_key(|e| (e["address"].to_string(), e["port"].as_u64()));
    list.clone()
}

#[test]
fn peers_dat_keeps_the_addresses_across_restarts() {
    let mut node = TestNode::start(&[]);
    let call: Call<'_> = &|m, p| node.call(m, p).map_err(|e| (e.code, e.message));
    add_addresses(call, 1, 30);
    let before = known(call);
    assert_eq!(before.len(), 30);
    node.stop();
    let path = node.datadir.join("regtest").join("peers.dat");
    let bytes = std::fs::read(&path).unwrap();
    node.restart(&[]);
    assert_eq!(
        known(&|m, p| node.call(m, p).map_err(|e| (e.code, e.message))),
        before
    );
    assert!(node
        .debug_log()
        .contains("Loaded 30 addresses from peers.dat"));
    node.stop();

    // A damaged file stops the start, with Core's message.
    let mut damaged = bytes;
    let last = damaged.len() - 1;
    damaged[last] ^= 1;
    std::fs::write(&path, &damaged).unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_soud"))
        .args(&node.args)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("Error: Invalid or corrupt peers.dat (Checksum mismatch, data corrupted). If you believe this is a bug"),
        "{stderr}"
    );

    // A file of a newer format is set aside and the node starts afresh.
    let mut newer = damaged;
    newer[4] = 9;
    newer[5] = 32 + 9;
    std::fs::write(&path, &newer).unwrap();
    node.restart(&[]);
    assert!(known(&|m, p| node.call(m, p).map_err(|e| (e.code, e.message))).is_empty());
    assert_eq!(
        std::fs::read(path.with_file_name("peers.dat.bak")).unwrap(),
        newer
    );
    node.stop();
}

#[test]
fn peers_dat_moves_between_sou_and_bitcoind() {
    // `-debug=addrman`: Core logs how many addresses it dropped reading a file.
    let Some(mut core) = Bitcoind::start_from_env_with(&["-debug=addrman"]) else {
        return;
    };
    // Core writes, sou reads.
    add_addresses(
        &|m, p| core.call(m, p).map_err(|e| (e.code, e.message)),
        1,
        40,
    );
    let core_list = known(&|m, p| core.call(m, p).map_err(|e| (e.code, e.message)));
    core.stop();
    let core_file = core.datadir().join("regtest").join("peers.dat");
    let datadir = crate::support::fresh_datadir("peers-dat");
    std::fs::create_dir_all(datadir.join("regtest")).unwrap();
    std::fs::copy(&core_file, datadir.join("regtest").join("peers.dat")).unwrap();
    let mut node = TestNode::start_in(&datadir, &[]);
    let call: Call<'_> = &|m, p| node.call(m, p).map_err(|e| (e.code, e.message));
    assert_eq!(known(call), core_list);

    // sou adds its own and writes, Core reads.
    add_addresses(call, 100, 40);
    let sou_list = known(call);
    assert_eq!(sou_list.len(), core_list.len() + 40);
    node.stop();
    std::fs::copy(datadir.join("regtest").join("peers.dat"), &core_file).unwrap();
    core.restart();
    // Core places every address by its own key; one whose place is taken is dropped
    // and counted in its log (a few percent of runs lose one).
    let core_list = known(&|m, p| core.call(m, p).map_err(|e| (e.code, e.message)));
    let log = std::fs::read_to_string(core.datadir().join("regtest").join("debug.log")).unwrap();
    let lost: usize = log
        .lines()
        .filter_map(|line| line.split("addrman lost ").nth(1))
        .map(|rest| {
            let words: Vec<&str> = rest.split_whitespace().collect();
            words[0].parse::<usize>().unwrap() + words[3].parse::<usize>().unwrap()
        })
        .sum();
    assert!(core_list.iter().all(|entry| sou_list.contains(entry)));
    assert_eq!(core_list.len() + lost, sou_list.len(), "{lost} lost");
    assert!(log.contains("re-bucketing addrman entries from disk"));
    core.stop();
}
