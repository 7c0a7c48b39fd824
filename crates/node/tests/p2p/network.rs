//! Small networks on loopback: several soud nodes (and Bitcoin Core's `bitcoind`) sync a
//! long chain from one, pass a transaction along a line, split and heal, and a node
//! stopped halfway through its sync catches up after a restart.
//!
//! The connections are `addnode … onetry` (or `-connect`), so a partition made with
//! `disconnectnode` stays until the test heals it with another `onetry`.

use serde_json::{json, Value};
use sou_primitives::Amount;

use crate::sou_pair::listening_node;
use crate::support::anyone::{address as anyone_address, coinbase_coin, hex_of, in_pool, spend};
use crate::support::bitcoind::Bitcoind;
use crate::support::{TestNode, BURN_ADDRESS};
use crate::wait_until;

/// A regtest address other than [`BURN_ADDRESS`], so that two branches mined apart differ
/// from their first block.
const OTHER_ADDRESS: &str = "bcrt1q9y2fsrqymmpr4vpulntppt0nn43d030mz0daaw";

fn best(node: &TestNode) -> Value {
    node.rpc("getbestblockhash", json!([]))
}

fn height(node: &TestNode) -> u64 {
    node.rpc("getblockcount", json!([])).as_u64().unwrap()
}

fn core_best(core: &Bitcoind) -> Value {
    core.call("getbestblockhash", json!([])).unwrap()
}

fn p2p_address(node: &TestNode) -> String {
    format!("127.0.0.1:{}", node.p2p_port)
}

/// `from` opens one connection to `to` (not retried once closed).
fn connect_once(from: &TestNode, to: &TestNode) {
    from.rpc("addnode", json!([p2p_address(to), "onetry"]));
}

/// Ends `from`'s connection to `to`, and waits until neither lists the other.
fn disconnect(from: &TestNode, to: &TestNode) {
    from.rpc("disconnectnode", json!([p2p_address(to)]));
    wait_until("the connection to close", || !connected_to(from, to));
}

fn peer_count(node: &TestNode) -> usize {
    node.rpc("getpeerinfo", json!([])).as_array().unwrap().len()
}

fn connected_to(from: &TestNode, to: &TestNode) -> bool {
    let target = p2p_address(to);
    from.rpc("getpeerinfo", json!([]))
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["addr"].as_str() == Some(target.as_str()))
}

/// Four nodes in a line, each connected to the one before, A at height 101 (its coins
/// anyone can spend) and the others synced to it:
///
/// ```text
///   A <── B <── C <── D
/// ```
fn line_of_four() -> [TestNode; 4] {
    let a = listening_node();
    a.rpc("generatetoaddress", json!([101, anyone_address()]));
    let b = listening_node();
    let c = listening_node();
    let d = TestNode::start(&[]);
    connect_once(&b, &a);
    connect_once(&c, &b);
    connect_once(&d, &c);
    let a_tip = best(&a);
    for (name, node) in [("B", &b), ("C", &c), ("D", &d)] {
        wait_until(&format!("{name} to reach A's tip"), || best(node) == a_tip);
    }
    [a, b, c, d]
}

/// One chain of 500 blocks, mined on A, reaches three nodes connected to it.
///
/// ```text
///   B ──> A <── C        (B -connect, C and D addnode)
///         ^
///         D
/// ```
#[test]
fn three_nodes_sync_500_blocks_from_one() {
    let mut a = listening_node();
    a.rpc("generatetoaddress", json!([500, BURN_ADDRESS]));
    let a_tip = best(&a);
    let connect = format!("-connect={}", p2p_address(&a));
    let mut b = TestNode::start(&[connect.as_str()]);
    let mut c = TestNode::start(&[]);
    let mut d = TestNode::start(&[]);
    connect_once(&c, &a);
    d.rpc("addnode", json!([p2p_address(&a), "add"]));
    for (name, node) in [("B", &b), ("C", &c), ("D", &d)] {
        wait_until(&format!("{name} to reach A's tip"), || best(node) == a_tip);
        assert_eq!(height(node), 500, "{name}");
    }
    assert_eq!(a.rpc("getconnectioncount", json!([])), json!(3));
    d.stop();
    c.stop();
    b.stop();
    a.stop();
}

/// A payment sent to the end of a line reaches the other end, one hop at a time.
///
/// ```text
///   A <── B <── C <── D         sendrawtransaction on D
///   D ──> C ──> B ──> A         inv, getdata, tx at each hop
/// ```
#[test]
fn a_payment_sent_to_one_end_of_a_line_reaches_every_node() {
    let [mut a, mut b, mut c, mut d] = line_of_four();
    // Each node has only its neighbours: the payment must hop.
    assert_eq!(peer_count(&a), 1);
    assert_eq!(peer_count(&b), 2);
    assert_eq!(peer_count(&c), 2);
    assert_eq!(peer_count(&d), 1);

    let rpc_d = |m: &str, p: Value| d.rpc(m, p);
    let (coin, value) = coinbase_coin(&rpc_d, 1);
    let tx = spend(coin, value, Amount::from_sat(1_000));
    let txid = tx.compute_txid();
    d.rpc("sendrawtransaction", json!([hex_of(&tx)]));
    for (name, node) in [("C", &c), ("B", &b), ("A", &a)] {
        let rpc = |m: &str, p: Value| node.rpc(m, p);
        wait_until(&format!("the payment in {name}'s pool"), || {
            in_pool(&rpc, &txid)
        });
    }
    d.stop();
    c.stop();
    b.stop();
    a.stop();
}

/// Two halves mine apart; when they meet again the chain with more work wins everywhere,
/// and the payment mined only on the losing side returns to its pools.
///
/// ```text
///   A <── B  ·····  C <── D          the bridge B ── C is cut
///
///   h101 ─┬─ a102 ── … ── a106                   A, B: 5 blocks, more work
///         └─ c102 (pays tx) ── c103 ── c104      C, D: 3 blocks
///
///   healed: all on a106; c102..c104 stale; tx back in C's and D's pools
/// ```
#[test]
fn a_partition_heals_onto_the_chain_with_more_work() {
    let [mut a, mut b, mut c, mut d] = line_of_four();

    // Cut the bridge.
    disconnect(&c, &b);
    wait_until("B to lose C", || {
        !connected_to(&b, &c) && peer_count(&b) == 1
    });

    // The losing side mines a payment and two more blocks.
    let rpc_c = |m: &str, p: Value| c.rpc(m, p);
    let (coin, value) = coinbase_coin(&rpc_c, 1);
    let tx = spend(coin, value, Amount::from_sat(1_000));
    let txid = tx.compute_txid();
    c.rpc("sendrawtransaction", json!([hex_of(&tx)]));
    let rpc_d = |m: &str, p: Value| d.rpc(m, p);
    wait_until("the payment in D's pool", || in_pool(&rpc_d, &txid));
    c.rpc("generatetoaddress", json!([3, OTHER_ADDRESS]));
    let losing_tip = best(&c);
    wait_until("D to follow C", || best(&d) == losing_tip);
    assert!(!in_pool(&rpc_d, &txid), "mined on C's side");

    // The winning side mines five.
    a.rpc("generatetoaddress", json!([5, BURN_ADDRESS]));
    let winning_tip = best(&a);
    wait_until("B to follow A", || best(&b) == winning_tip);
    assert_eq!(height(&c), 104);
    assert_eq!(height(&b), 106);

    // Heal: every node on A's chain.
    connect_once(&c, &b);
    for (name, node) in [("A", &a), ("B", &b), ("C", &c), ("D", &d)] {
        wait_until(&format!("{name} on the chain with more work"), || {
            best(node) == winning_tip
        });
    }
    let tips = c.rpc("getchaintips", json!([]));
    let stale = tips
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["hash"] == losing_tip)
        .expect("C still knows its old tip");
    assert_eq!(stale["status"], json!("valid-fork"));
    // The payment left the chain with C's blocks: it waits in the pools again.
    wait_until("the payment back in C's pool", || in_pool(&rpc_c, &txid));
    wait_until("the payment back in D's pool", || in_pool(&rpc_d, &txid));
    d.stop();
    c.stop();
    b.stop();
    a.stop();
}

/// A node stopped halfway through a 500-block sync starts again on the same data
/// directory, keeps what it had, and catches up.
///
/// ```text
///   A: h0 ── … ── h500
///   B: h0 ── … ── h(k)      stopped while 0 < k < 500
///   B restarted: still at h(k) or beyond (what it had connected is on disk), syncs to h500
/// ```
#[test]
fn a_node_restarted_mid_sync_catches_up() {
    let mut a = listening_node();
    a.rpc("generatetoaddress", json!([500, BURN_ADDRESS]));
    let a_tip = best(&a);
    let mut b = TestNode::start(&[]);
    connect_once(&b, &a);
    // Loopback syncs 500 blocks in well under a second: poll without pausing, and stop B
    // as soon as it has some of the chain but not all of it.
    let started = std::time::Instant::now();
    let partial = loop {
        let h = height(&b);
        if h > 0 {
            break h;
        }
        assert!(started.elapsed() < crate::WAIT, "B never started syncing");
    };
    assert!(
        partial < 500,
        "B synced all 500 blocks before the test saw it syncing"
    );
    let (status, _) = b.stop();
    assert!(status.success());

    // Same data directory, same arguments: what was connected before the stop is kept.
    b.restart(&[]);
    let after_restart = height(&b);
    println!("restart mid-sync: stopped at height {partial}, restarted at {after_restart}");
    assert!(after_restart >= partial, "{after_restart} < {partial}");
    connect_once(&b, &a);
    wait_until("B to catch up after its restart", || best(&b) == a_tip);
    assert_eq!(height(&b), 500);
    b.stop();
    a.stop();
}

/// A reorganisation made on Core's side reaches soud.
///
/// ```text
///   Core: h0 ── … ── h110                                      soud syncs it
///   Core: invalidateblock h106, mines 10: h105 ── k106 ── … ── k115   soud follows
/// ```
///
/// Core announces k106..k115 as `cmpctblock`s (soud asked it for high-bandwidth mode), so
/// soud learns the heavier branch from compact blocks rather than from `headers`: this
/// checks that soud then fetches that branch back to the fork point (Core's
/// `FindNextBlocksToDownload` from the peer's best known block) instead of waiting on h110.
#[test]
fn a_reorg_made_on_bitcoinds_side_reaches_soud() {
    let Some(mut core) = Bitcoind::start_from_env() else {
        return;
    };
    let mut sou = listening_node();
    core.call("generatetoaddress", json!([110, BURN_ADDRESS]))
        .unwrap();
    core.call("addnode", json!([p2p_address(&sou), "onetry"]))
        .unwrap();
    let core_tip = core_best(&core);
    wait_until("soud to sync Core's 110 blocks", || best(&sou) == core_tip);

    let old_branch = core.call("getblockhash", json!([106])).unwrap();
    core.call("invalidateblock", json!([old_branch])).unwrap();
    core.call("generatetoaddress", json!([10, OTHER_ADDRESS]))
        .unwrap();
    let core_tip = core_best(&core);
    wait_until("soud to follow Core's reorganisation", || {
        best(&sou) == core_tip
    });
    assert_eq!(height(&sou), 115);
    sou.stop();
    core.stop();
}

/// A reorganisation made on soud's side reaches Core.
///
/// ```text
///   soud: h0 ── … ── h110                                      Core syncs it
///   soud: invalidateblock h106, mines 10: h105 ── s106 ── … ── s115   Core follows
/// ```
#[test]
fn a_reorg_made_on_souds_side_reaches_bitcoind() {
    let Some(mut core) = Bitcoind::start_from_env() else {
        return;
    };
    let mut sou = listening_node();
    sou.rpc("generatetoaddress", json!([110, BURN_ADDRESS]));
    core.call("addnode", json!([p2p_address(&sou), "onetry"]))
        .unwrap();
    let sou_tip = best(&sou);
    wait_until("Core to sync soud's 110 blocks", || {
        core_best(&core) == sou_tip
    });

    let old_branch = sou.rpc("getblockhash", json!([106]));
    sou.rpc("invalidateblock", json!([old_branch]));
    sou.rpc("generatetoaddress", json!([10, OTHER_ADDRESS]));
    let sou_tip = best(&sou);
    wait_until("Core to follow soud's reorganisation", || {
        core_best(&core) == sou_tip
    });
    assert_eq!(core.call("getblockcount", json!([])).unwrap(), json!(115));
    let tips = core.call("getchaintips", json!([])).unwrap();
    assert!(
        tips.as_array()
            .unwrap()
            .iter()
            .any(|t| t["height"] == json!(110) && t["status"] == json!("valid-fork")),
        "Core keeps soud's old branch as a valid fork: {tips}"
    );
    sou.stop();
    core.stop();
}

/// Two Core nodes and two soud nodes in a line split in the middle, mine apart, and
/// converge on the longer chain once the middle link is back.
///
/// ```text
///   Core1 ──> sou1 <── sou2 <── Core2        (arrows: who opened the connection)
///
///   cut sou1 ── sou2
///   Core1 mines 3 on h101, Core2 mines 6 on h101
///   heal: all four on Core2's tip (h107)
/// ```
#[test]
fn two_bitcoinds_and_two_souds_converge_after_a_partition() {
    let Some(mut core1) = Bitcoind::start_from_env() else {
        return;
    };
    let Some(mut core2) = Bitcoind::start_from_env() else {
        return;
    };
    let mut sou1 = listening_node();
    let mut sou2 = listening_node();
    core1
        .call("generatetoaddress", json!([101, BURN_ADDRESS]))
        .unwrap();
    core1
        .call("addnode", json!([p2p_address(&sou1), "onetry"]))
        .unwrap();
    connect_once(&sou2, &sou1);
    core2
        .call("addnode", json!([p2p_address(&sou2), "onetry"]))
        .unwrap();
    let common = core_best(&core1);
    wait_until("every node on Core1's chain", || {
        best(&sou1) == common && best(&sou2) == common && core_best(&core2) == common
    });

    // Cut the middle.
    disconnect(&sou2, &sou1);
    wait_until("sou1 to lose sou2", || !connected_to(&sou1, &sou2));

    core1
        .call("generatetoaddress", json!([3, BURN_ADDRESS]))
        .unwrap();
    core2
        .call("generatetoaddress", json!([6, OTHER_ADDRESS]))
        .unwrap();
    let short = core_best(&core1);
    let long = core_best(&core2);
    wait_until("sou1 to follow Core1", || best(&sou1) == short);
    wait_until("sou2 to follow Core2", || best(&sou2) == long);

    // Heal.
    connect_once(&sou2, &sou1);
    wait_until("all four on the longer chain", || {
        core_best(&core1) == long && best(&sou1) == long && best(&sou2) == long
    });
    assert_eq!(core2.call("getblockcount", json!([])).unwrap(), json!(107));
    assert_eq!(core_best(&core2), long);
    sou2.stop();
    sou1.stop();
    core2.stop();
    core1.stop();
}
