//! Transactions over the network: a payment sent to one node reaches its peers (sou to
//! sou, sou to Core and Core to sou), a child arriving before its parent waits as an
//! orphan until the parent comes, and a `-blocksonly` node takes none.
//!
//! The coins are anyone-can-spend block rewards (`support::anyone`): no keys needed.

use serde_json::{json, Value};
use sou_p2p::{Inventory, NetworkMessage};
use sou_primitives::encoding::deserialize;
use sou_primitives::{Amount, OutPoint, Transaction};

use crate::sou_pair::listening_node;
use crate::support::anyone::{address as anyone_address, coinbase_coin, hex_of, in_pool, spend};
use crate::support::bitcoind::Bitcoind;
use crate::support::TestNode;
use crate::wait_until;

#[test]
fn a_payment_sent_to_one_soud_reaches_the_other_and_leaves_with_a_block() {
    let mut a = listening_node();
    a.rpc("generatetoaddress", json!([101, anyone_address()]));
    let connect = format!("-connect=127.0.0.1:{}", a.p2p_port);
    let mut b = TestNode::start(&[connect.as_str()]);
    wait_until("B to sync A's 101 blocks", || {
        b.rpc("getblockcount", json!([])) == json!(101)
    });
    let rpc_a = |m: &str, p: Value| a.rpc(m, p);
    let rpc_b = |m: &str, p: Value| b.rpc(m, p);

    // A payment sent to B's RPC reaches A's pool, and its child sent to A reaches B.
    let (coin, value) = coinbase_coin(&rpc_a, 1);
    let parent = spend(coin, value, Amount::from_sat(1_000));
    let parent_txid = parent.compute_txid();
    assert_eq!(
        b.rpc("sendrawtransaction", json!([hex_of(&parent)])),
        json!(parent_txid.to_string())
    );
    wait_until("the payment in A's pool", || in_pool(&rpc_a, &parent_txid));
    let child = spend(
        OutPoint::new(parent_txid, 0),
        parent.output[0].value,
        Amount::from_sat(1_000),
    );
    let child_txid = child.compute_txid();
    a.rpc("sendrawtransaction", json!([hex_of(&child)]));
    wait_until("the child in B's pool", || in_pool(&rpc_b, &child_txid));
    let peer = &b.rpc("getpeerinfo", json!([]))[0];
    assert_eq!(peer["relaytxes"], json!(true));
    assert_eq!(
        peer["minfeefilter"].as_f64(),
        Some(0.000001),
        "A's feefilter, 100 sat/kvB"
    );

    // Mined on A: both pools empty once B has the block.
    a.rpc("generatetoaddress", json!([1, anyone_address()]));
    wait_until("B's pool to empty", || {
        b.rpc("getrawmempool", json!([])) == json!([])
    });
    assert_eq!(a.rpc("getrawmempool", json!([])), json!([]));
    a.stop();
    b.stop();
}

#[test]
fn a_child_sent_before_its_parent_waits_as_an_orphan() {
    let mut node = listening_node();
    node.rpc("generatetoaddress", json!([101, anyone_address()]));
    let rpc = |m: &str, p: Value| node.rpc(m, p);
    let (coin, value) = coinbase_coin(&rpc, 1);
    let parent = spend(coin, value, Amount::from_sat(1_000));
    let child = spend(
        OutPoint::new(parent.compute_txid(), 0),
        parent.output[0].value,
        Amount::from_sat(1_000),
    );
    let mut peer = crate::wire::RawPeer::handshake(&node);
    peer.send(&NetworkMessage::Tx(child.clone()));
    // The node asks this peer for the missing parent, by txid with witnesses.
    let asked = peer.receive_until(|m| matches!(m, NetworkMessage::GetData(_)));
    assert_eq!(
        asked,
        NetworkMessage::GetData(vec![Inventory::WitnessTx(parent.compute_txid())])
    );
    assert!(!in_pool(&rpc, &child.compute_txid()));
    peer.send(&NetworkMessage::Tx(parent.clone()));
    wait_until("parent and child in the pool", || {
        in_pool(&rpc, &parent.compute_txid()) && in_pool(&rpc, &child.compute_txid())
    });
    // Asked for by wtxid, the pool serves it; what it lacks is `notfound`.
    let missing = Inventory::WitnessTxid(sou_primitives::Wtxid::from_byte_array([7; 32]));
    peer.send(&NetworkMessage::GetData(vec![
        Inventory::WitnessTxid(child.compute_wtxid()),
        missing,
    ]));
    let served = peer.receive_until(|m| matches!(m, NetworkMessage::Tx(_)));
    assert_eq!(served, NetworkMessage::Tx(child.clone()));
    let not_found = peer.receive_until(|m| matches!(m, NetworkMessage::NotFound(_)));
    assert_eq!(not_found, NetworkMessage::NotFound(vec![missing]));
    node.stop();
}

#[test]
fn a_blocksonly_node_takes_no_transactions_from_peers() {
    let mut node = TestNode::start(&["-listen=1", "-bind=127.0.0.1", "-blocksonly=1"]);
    node.rpc("generatetoaddress", json!([101, anyone_address()]));
    let rpc = |m: &str, p: Value| node.rpc(m, p);
    let (coin, value) = coinbase_coin(&rpc, 1);
    let tx = spend(coin, value, Amount::from_sat(1_000));
    let mut peer = crate::wire::RawPeer::handshake(&node);
    peer.send(&NetworkMessage::Tx(tx));
    assert!(
        peer.is_closed_by_node(),
        "a tx to a -blocksonly node ends the connection"
    );
    let log = node.debug_log();
    assert!(!log.is_empty());
    node.stop();
}

#[test]
fn payments_relay_between_soud_and_bitcoind_both_ways() {
    let Some(mut core) = Bitcoind::start_from_env() else {
        return;
    };
    let core_rpc = |m: &str, p: Value| core.call(m, p).unwrap();
    core_rpc("generatetoaddress", json!([102, anyone_address()]));
    let mut sou = listening_node();
    let target = format!("127.0.0.1:{}", sou.p2p_port);
    core_rpc("addnode", json!([target, "onetry"]));
    wait_until("soud to sync bitcoind's blocks", || {
        sou.rpc("getblockcount", json!([])) == json!(102)
    });
    let sou_rpc = |m: &str, p: Value| sou.rpc(m, p);

    // sou to Core.
    let (coin, value) = coinbase_coin(&sou_rpc, 1);
    let first = spend(coin, value, Amount::from_sat(2_000));
    sou.rpc("sendrawtransaction", json!([hex_of(&first)]));
    wait_until("bitcoind to have sou's payment", || {
        in_pool(&core_rpc, &first.compute_txid())
    });
    // Core to sou.
    let (coin, value) = coinbase_coin(&sou_rpc, 2);
    let second = spend(coin, value, Amount::from_sat(2_000));
    core_rpc("sendrawtransaction", json!([hex_of(&second)]));
    wait_until("soud to have Core's payment", || {
        in_pool(&sou_rpc, &second.compute_txid())
    });
    // Core's record of the exchange: it sent and received transactions.
    let peer = &core_rpc("getpeerinfo", json!([]))[0];
    assert!(peer["bytesrecv_per_msg"]["tx"].as_u64().unwrap_or(0) > 0);
    assert!(peer["bytessent_per_msg"]["tx"].as_u64().unwrap_or(0) > 0);
    let decoded: Transaction = deserialize(
        &hex::decode(
            sou.rpc(
                "getrawtransaction",
                json!([second.compute_txid().to_string()]),
            )
            .as_str()
            .unwrap(),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(decoded, second);
    sou.stop();
    core.stop();
}
