//! Compact blocks (BIP152) between nodes: a block whose transactions the receiver already
//! has arrives as a `cmpctblock` and is rebuilt without a round trip; one it lacks costs a
//! `getblocktxn`/`blocktxn` exchange; soud and Bitcoin Core relay compact blocks both ways;
//! and a peer asking for transactions a block does not have, or sending a compact block
//! that cannot be laid out, is disconnected as Core does.
//!
//! The coins are anyone-can-spend block rewards (`support::anyone`): no keys needed.

use serde_json::{json, Value};
use sou_p2p::messages::compact::{
    BlockTransactionsRequest, HeaderAndShortIds, PrefilledTransaction,
};
use sou_p2p::messages::handshake::SendCmpct;
use sou_p2p::{Inventory, NetworkMessage};
use sou_primitives::encoding::deserialize;
use sou_primitives::{
    Amount, Block, BlockHash, BlockHeader, CompactTarget, Network, Target, Transaction,
    TxMerkleNode,
};

use crate::sou_pair::listening_node;
use crate::support::anyone::{address as anyone_address, coinbase_coin, hex_of, in_pool, spend};
use crate::support::bitcoind::Bitcoind;
use crate::support::{TestNode, BURN_ADDRESS};
use crate::wait_until;
use crate::wire::RawPeer;

/// Bytes of `message` a peer's `getpeerinfo` entry counts, received or sent.
fn counted(peer: &Value, direction: &str, message: &str) -> u64 {
    peer[direction][message].as_u64().unwrap_or(0)
}

/// The first peer of `getpeerinfo` as `rpc` reports it.
fn first_peer(rpc: &dyn Fn(&str, Value) -> Value) -> Value {
    rpc("getpeerinfo", json!([]))[0].clone()
}

/// Two soud nodes, B connected to A, both at height 110 with coins for A's RPC to spend.
fn pair() -> (TestNode, TestNode) {
    let a = TestNode::start(&[
        "-listen=1",
        "-bind=127.0.0.1",
        "-debug=cmpctblock",
        "-debug=net",
    ]);
    a.rpc("generatetoaddress", json!([110, anyone_address()]));
    let connect = format!("-connect=127.0.0.1:{}", a.p2p_port);
    let b = TestNode::start(&[connect.as_str(), "-debug=cmpctblock"]);
    wait_until("B to sync A's 110 blocks", || {
        b.rpc("getblockcount", json!([])) == json!(110)
    });
    (a, b)
}

/// Payments from the coinbases of blocks `heights`, sent to `node` and seen in `other`'s
/// pool.
fn pay_into_both(
    node: &dyn Fn(&str, Value) -> Value,
    other: &dyn Fn(&str, Value) -> Value,
    heights: std::ops::Range<u64>,
) -> Vec<Transaction> {
    let mut sent = Vec::new();
    for height in heights {
        let (coin, value) = coinbase_coin(node, height);
        let tx = spend(coin, value, Amount::from_sat(1_000));
        node("sendrawtransaction", json!([hex_of(&tx)]));
        sent.push(tx);
    }
    for tx in &sent {
        wait_until("the payment in both pools", || {
            in_pool(other, &tx.compute_txid())
        });
    }
    sent
}

/// A mines a block of `txs` with `generateblock`; B has it: its hash.
fn mine_on_a(a: &TestNode, b: &TestNode, txs: &[&Transaction]) -> String {
    let hexes: Vec<String> = txs.iter().map(|tx| hex_of(tx)).collect();
    let mined = a.rpc("generateblock", json!([anyone_address(), hexes]));
    let hash = mined["hash"].as_str().unwrap().to_string();
    wait_until("B to have A's block", || {
        b.rpc("getbestblockhash", json!([])) == json!(hash)
    });
    hash
}

#[test]
fn a_block_of_known_transactions_is_rebuilt_without_a_round_trip() {
    let (mut a, mut b) = pair();
    let rpc_a = |m: &str, p: Value| a.rpc(m, p);
    let rpc_b = |m: &str, p: Value| b.rpc(m, p);
    // B got its last blocks from A near the tip: A is its high-bandwidth peer.
    wait_until("B to pick A for high-bandwidth relay", || {
        first_peer(&rpc_b)["bip152_hb_to"] == json!(true)
            && first_peer(&rpc_a)["bip152_hb_from"] == json!(true)
    });
    // One block first, announced by header: A then knows B has its tip.
    let first = a.rpc("generatetoaddress", json!([1, BURN_ADDRESS]))[0].clone();
    wait_until("B to have A's first block", || {
        b.rpc("getbestblockhash", json!([])) == first
    });
    let sent = pay_into_both(&rpc_a, &rpc_b, 1..3);
    let before = first_peer(&rpc_b);

    let hashes = a.rpc("generatetoaddress", json!([1, BURN_ADDRESS]));
    let hash = hashes[0].as_str().unwrap().to_string();
    wait_until("B to have A's block", || {
        b.rpc("getbestblockhash", json!([])) == json!(hash)
    });
    let block = b.rpc("getblock", json!([hash, 1]));
    assert_eq!(block["nTx"], json!(3));
    for tx in &sent {
        assert!(!in_pool(&rpc_b, &tx.compute_txid()));
    }
    let after = first_peer(&rpc_b);
    assert!(
        counted(&after, "bytesrecv_per_msg", "cmpctblock")
            > counted(&before, "bytesrecv_per_msg", "cmpctblock"),
        "the block came as cmpctblock: {after}"
    );
    assert_eq!(
        counted(&after, "bytesrecv_per_msg", "block"),
        counted(&before, "bytesrecv_per_msg", "block"),
        "no full block"
    );
    assert_eq!(counted(&after, "bytesrecv_per_msg", "blocktxn"), 0);
    assert_eq!(counted(&after, "bytessent_per_msg", "getblocktxn"), 0);
    assert_eq!(
        counted(&after, "bytessent_per_msg", "getdata"),
        counted(&before, "bytessent_per_msg", "getdata"),
        "pushed by A, not asked for"
    );
    let log = b.debug_log();
    assert!(
        log.contains(&format!(
            "Successfully reconstructed block {hash} with 1 txn prefilled, 2 txn from mempool"
        )),
        "B's debug.log tells the reconstruction"
    );
    // A sent it before connecting it, and once only.
    let log = a.debug_log();
    let sent = format!("sending header-and-ids {hash} to peer=");
    assert_eq!(log.matches(&sent).count(), 1, "{log}");
    assert!(log.contains(&format!("PeerManager::NewPoWValidBlock {sent}")));
    a.stop();
    b.stop();
}

#[test]
fn transactions_the_receiver_lacks_are_asked_with_getblocktxn() {
    let (mut a, mut b) = pair();
    let rpc_a = |m: &str, p: Value| a.rpc(m, p);
    let rpc_b = |m: &str, p: Value| b.rpc(m, p);
    let known = pay_into_both(&rpc_a, &rpc_b, 1..2);
    // A payment nobody announced: mined by A straight from its hex.
    let (coin, value) = coinbase_coin(&rpc_a, 2);
    let unknown = spend(coin, value, Amount::from_sat(1_000));
    let before = first_peer(&rpc_b);
    let hash = mine_on_a(&a, &b, &[&known[0], &unknown]);
    let after = first_peer(&rpc_b);
    assert!(
        counted(&after, "bytesrecv_per_msg", "cmpctblock")
            > counted(&before, "bytesrecv_per_msg", "cmpctblock")
    );
    assert!(counted(&after, "bytessent_per_msg", "getblocktxn") > 0);
    assert!(counted(&after, "bytesrecv_per_msg", "blocktxn") > 0);
    assert_eq!(
        counted(&after, "bytesrecv_per_msg", "block"),
        counted(&before, "bytesrecv_per_msg", "block"),
        "no full block"
    );
    let served = first_peer(&rpc_a);
    assert!(counted(&served, "bytesrecv_per_msg", "getblocktxn") > 0);
    assert!(counted(&served, "bytessent_per_msg", "blocktxn") > 0);
    assert!(b.debug_log().contains(&format!(
        "Successfully reconstructed block {hash} with 1 txn prefilled, 1 txn from mempool (incl at least 0 from extra pool) and 1 txn ({} bytes) requested",
        unknown.total_size()
    )));
    a.stop();
    b.stop();
}

#[test]
fn a_replaced_transaction_kept_aside_rebuilds_a_block_that_mined_it() {
    let (mut a, mut b) = pair();
    let rpc_a = |m: &str, p: Value| a.rpc(m, p);
    let rpc_b = |m: &str, p: Value| b.rpc(m, p);
    let original = pay_into_both(&rpc_a, &rpc_b, 1..2).remove(0);
    // A replacement paying more reaches B from A: B keeps the original aside.
    let (coin, value) = coinbase_coin(&rpc_a, 1);
    let replacement = spend(coin, value, Amount::from_sat(5_000));
    a.rpc("sendrawtransaction", json!([hex_of(&replacement)]));
    wait_until("the replacement in B's pool", || {
        in_pool(&rpc_b, &replacement.compute_txid())
    });
    assert!(!in_pool(&rpc_b, &original.compute_txid()));
    // A miner that never saw the replacement mines the original.
    let before = first_peer(&rpc_b);
    let hash = mine_on_a(&a, &b, &[&original]);
    let after = first_peer(&rpc_b);
    assert!(
        counted(&after, "bytesrecv_per_msg", "cmpctblock")
            > counted(&before, "bytesrecv_per_msg", "cmpctblock")
    );
    assert_eq!(
        counted(&after, "bytessent_per_msg", "getblocktxn"),
        counted(&before, "bytessent_per_msg", "getblocktxn"),
        "no round trip"
    );
    assert!(b.debug_log().contains(&format!(
        "Successfully reconstructed block {hash} with 1 txn prefilled, 1 txn from mempool (incl at least 1 from extra pool) and 0 txn (0 bytes) requested"
    )));
    assert!(
        !in_pool(&rpc_b, &replacement.compute_txid()),
        "its conflict left"
    );
    a.stop();
    b.stop();
}

#[test]
fn compact_blocks_relay_between_soud_and_bitcoind_both_ways() {
    let Some(mut core) = Bitcoind::start_from_env_with(&["-debug=cmpctblock"]) else {
        return;
    };
    let core_rpc = |m: &str, p: Value| core.call(m, p).unwrap();
    core_rpc("generatetoaddress", json!([110, anyone_address()]));
    let mut sou = TestNode::start(&["-listen=1", "-bind=127.0.0.1", "-debug=cmpctblock"]);
    let target = format!("127.0.0.1:{}", sou.p2p_port);
    core_rpc("addnode", json!([target, "onetry"]));
    wait_until("soud to sync bitcoind's blocks", || {
        sou.rpc("getblockcount", json!([])) == json!(110)
    });
    let sou_rpc = |m: &str, p: Value| sou.rpc(m, p);

    // Core to sou, twice: the second time Core is sou's high-bandwidth peer and pushes
    // the block unasked.
    for round in 0..2 {
        let heights = 1 + 2 * round..3 + 2 * round;
        pay_into_both(&core_rpc, &sou_rpc, heights);
        let before = first_peer(&sou_rpc);
        let hash = core_rpc("generatetoaddress", json!([1, BURN_ADDRESS]))[0].clone();
        wait_until("soud to have Core's block", || {
            sou.rpc("getbestblockhash", json!([])) == hash
        });
        let after = first_peer(&sou_rpc);
        assert!(
            counted(&after, "bytesrecv_per_msg", "cmpctblock")
                > counted(&before, "bytesrecv_per_msg", "cmpctblock"),
            "round {round}: Core's block came compact: {after}"
        );
        assert_eq!(
            counted(&after, "bytesrecv_per_msg", "block"),
            counted(&before, "bytesrecv_per_msg", "block")
        );
        assert_eq!(counted(&after, "bytessent_per_msg", "getblocktxn"), 0);
        if round == 0 {
            wait_until("soud to pick Core for high-bandwidth relay", || {
                first_peer(&sou_rpc)["bip152_hb_to"] == json!(true)
                    && first_peer(&core_rpc)["bip152_hb_from"] == json!(true)
            });
        } else {
            assert_eq!(
                counted(&after, "bytessent_per_msg", "getdata"),
                counted(&before, "bytessent_per_msg", "getdata"),
                "pushed, not asked for"
            );
        }
    }

    // sou to Core, twice: the second time sou is Core's high-bandwidth peer.
    for round in 0..2 {
        let heights = 5 + 2 * round..7 + 2 * round;
        pay_into_both(&sou_rpc, &core_rpc, heights);
        let before = first_peer(&core_rpc);
        let hash = sou.rpc("generatetoaddress", json!([1, BURN_ADDRESS]))[0].clone();
        wait_until("Core to have soud's block", || {
            core.call("getbestblockhash", json!([])).ok() == Some(hash.clone())
        });
        let after = first_peer(&core_rpc);
        assert!(
            counted(&after, "bytesrecv_per_msg", "cmpctblock")
                > counted(&before, "bytesrecv_per_msg", "cmpctblock"),
            "round {round}: soud's block came compact: {after}"
        );
        assert_eq!(
            counted(&after, "bytesrecv_per_msg", "block"),
            counted(&before, "bytesrecv_per_msg", "block")
        );
        assert_eq!(counted(&after, "bytessent_per_msg", "getblocktxn"), 0);
        assert!(core_rpc("getrawmempool", json!([])) == json!([]));
        if round == 0 {
            wait_until("Core to pick soud for high-bandwidth relay", || {
                first_peer(&core_rpc)["bip152_hb_to"] == json!(true)
                    && first_peer(&sou_rpc)["bip152_hb_from"] == json!(true)
            });
        } else {
            assert_eq!(
                counted(&after, "bytessent_per_msg", "getdata"),
                counted(&before, "bytessent_per_msg", "getdata"),
                "pushed, not asked for"
            );
        }
    }

    // Transactions the other lacks: a getblocktxn round trip each way.
    let (coin, value) = coinbase_coin(&core_rpc, 9);
    let secret = spend(coin, value, Amount::from_sat(1_000));
    let hash = core_rpc("generateblock", json!([BURN_ADDRESS, [hex_of(&secret)]]))["hash"].clone();
    wait_until("soud to have Core's block of an unknown payment", || {
        sou.rpc("getbestblockhash", json!([])) == hash
    });
    assert!(counted(&first_peer(&sou_rpc), "bytesrecv_per_msg", "blocktxn") > 0);
    let (coin, value) = coinbase_coin(&sou_rpc, 10);
    let secret = spend(coin, value, Amount::from_sat(1_000));
    let hash = sou.rpc("generateblock", json!([BURN_ADDRESS, [hex_of(&secret)]]))["hash"].clone();
    wait_until("Core to have soud's block of an unknown payment", || {
        core.call("getbestblockhash", json!([])).ok() == Some(hash.clone())
    });
    assert!(counted(&first_peer(&sou_rpc), "bytessent_per_msg", "blocktxn") > 0);
    assert!(counted(&first_peer(&core_rpc), "bytesrecv_per_msg", "blocktxn") > 0);
    sou.stop();
    core.stop();
}

/// A header on `node`'s tip with valid proof of work, for a block the test never sends.
fn header_on_tip(node: &TestNode) -> BlockHeader {
    let tip = node.rpc("getbestblockhash", json!([]));
    let tip_header = node.rpc("getblockheader", json!([tip]));
    let prev: BlockHash = tip.as_str().unwrap().parse().unwrap();
    let bits = CompactTarget::from_consensus(0x207f_ffff);
    let target = Target::from_compact(bits, Network::Regtest.params().pow_limit).unwrap();
    let mut header = BlockHeader {
        version: 0x2000_0000,
        prev_blockhash: prev,
        merkle_root: TxMerkleNode::from_byte_array([7; 32]),
        time: u32::try_from(tip_header["time"].as_u64().unwrap() + 1).unwrap(),
        bits,
        nonce: 0,
    };
    while !target.is_met_by(header.block_hash()) {
        header.nonce += 1;
    }
    header
}

#[test]
fn bad_compact_block_messages_end_an_inbound_connection() {
    let mut node = listening_node();
    node.rpc("generatetoaddress", json!([3, BURN_ADDRESS]));
    let tip: BlockHash = node
        .rpc("getbestblockhash", json!([]))
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let raw = node.rpc("getblock", json!([tip.to_string(), 0]));
    let block: Block = deserialize(&hex::decode(raw.as_str().unwrap()).unwrap()).unwrap();

    // getblocktxn in range: the transactions, as blocktxn.
    let mut peer = RawPeer::handshake(&node);
    let request = BlockTransactionsRequest::new(tip, vec![0]).unwrap();
    peer.send(&NetworkMessage::GetBlockTxn(request));
    let NetworkMessage::BlockTxn(answer) =
        peer.receive_until(|m| matches!(m, NetworkMessage::BlockTxn(_)))
    else {
        unreachable!()
    };
    assert_eq!(answer.block_hash, tip);
    assert_eq!(answer.transactions, vec![block.txdata[0].clone()]);
    // Out of range: "getblocktxn with out-of-bounds tx indices", disconnected.
    let request = BlockTransactionsRequest::new(tip, vec![0, 5_000]).unwrap();
    peer.send(&NetworkMessage::GetBlockTxn(request));
    assert!(peer.is_closed_by_node());

    // A compact block asked for whose prefilled transaction lies beyond its end.
    let mut peer = RawPeer::handshake(&node);
    peer.send(&NetworkMessage::SendCmpct(SendCmpct {
        announce: false,
        version: 2,
    }));
    let header = header_on_tip(&node);
    peer.send(&NetworkMessage::Headers(vec![header]));
    let asked = peer.receive_until(|m| matches!(m, NetworkMessage::GetData(_)));
    assert_eq!(
        asked,
        NetworkMessage::GetData(vec![Inventory::CompactBlock(header.block_hash())]),
        "one new block on the tip is asked for compact"
    );
    let bad = HeaderAndShortIds::new(
        header,
        1,
        vec![],
        vec![PrefilledTransaction {
            index: 1,
            tx: block.txdata[0].clone(),
        }],
    )
    .unwrap();
    peer.send(&NetworkMessage::CmpctBlock(bad));
    assert!(peer.is_closed_by_node());
    wait_until("no peers left", || {
        node.rpc("getconnectioncount", json!([])) == json!(0)
    });
    node.stop();
}
