//! Initial block download over loopback (issue 14): a fresh, empty node connects to a
//! node holding a 2,102-block regtest chain and fetches all of it. Three pairs, syncing
//! node ← source: sou ← sou, sou ← Core and Core ← Core, in blocks per second. Target:
//! sou syncs from Core at least as fast as Core does.
//!
//! The chain, built once: 101 empty blocks (mature coinbases), a block fanning one
//! coinbase out to 100 P2WPKH coins, then 2,000 blocks of 100 transactions, each spending
//! the previous block's coin of its strand (about 39 MB of blocks). Every signature is
//! checked on the way in: regtest has no assumed-valid block.
//!
//! A source node is loaded once per kind with `submitblock` (not timed) and listens on
//! loopback; `bitcoind` as a source gets `-whitelist=download@127.0.0.1`, since a node
//! whose tip is older than a day (this chain's timestamps follow genesis, in 2011) is in
//! initial block download itself and Core then ignores `getheaders` from peers without
//! the download permission. A round starts a syncing node on a fresh data directory,
//! waits for its RPC, then times from `addnode <source> onetry` until `getblockcount`,
//! polled every 50 ms, reaches the tip; the tip's hash is checked afterwards. Every
//! `bitcoind` runs with `-checkmempool=0` (on regtest Core otherwise checks its whole pool
//! after every change; see benches/mempool.rs), though no transaction enters a pool here.
//!
//! A round takes seconds, so criterion's defaults (100 samples, more than one round in
//! most) would take hours: ten samples of one round each (flat sampling, a short target
//! time), the fewest criterion accepts, after a single warm-up round, for a median per pair.
//! The pairs run one after the other, so a change in the machine's load between them moves
//! their ratio: compare figures of a quiet machine. To see how much, five more rounds of
//! sou <- Core and Core <- Core are then taken in turn, and the median of their ratios
//! is printed beside criterion's. A whole run takes about seven minutes on
//! two cores (half a minute of it building the chain).
//!
//! Run: `cargo bench --bench sync` (with `BITCOIND=/path/to/bitcoind` for the pairs with
//! Core). Blocks per second and the ratios are printed at the end; without `BITCOIND`
//! Core's pairs say SKIPPED.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "bench setup")]

use std::cell::RefCell;
use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode};
use serde_json::json;
use sou::node::daemon::InProcessNode;
use sou::primitives::encoding::serialize;
use sou_testkit::TestChain;

#[path = "support/rpc.rs"]
mod rpc;
mod support;

use rpc::{free_port, fresh_dir, Client, Node};

const GROUP: &str = "sync";
/// Blocks of transactions after the fan-out.
const BLOCKS: usize = 2000;
const TXS_PER_BLOCK: usize = 100;
/// Rounds of sou <- Core and Core <- Core taken in turn after criterion's, for a ratio
/// that the machine's load moves less.
const PAIRED_ROUNDS: usize = 5;
/// How often the syncing node is asked for its height.
const POLL: Duration = Duration::from_millis(50);
/// A round that takes longer has stalled.
const STALL: Duration = Duration::from_secs(600);

/// A node holding the whole chain, listening for peers on loopback.
struct Source {
    node: Node,
    /// Where peers connect: `127.0.0.1:port`.
    address: String,
}

impl Source {
    /// Starts a source with `start(dir, rpc port, p2p port)` and submits every block.
    fn load(hexes: &[String], tag: &str, start: impl Fn(&Path, u16, u16) -> Node) -> Source {
        let dir = fresh_dir(tag);
        let port = free_port();
        let p2p = free_port();
        let node = start(&dir, port, p2p);
        let client = Client::new(port, "bench", "bench");
        client.wait();
        let started = Instant::now();
        client.submit_all(hexes);
        println!(
            "{tag}: {} blocks submitted in {:.1} s",
            hexes.len(),
            started.elapsed().as_secs_f64()
        );
        Source {
            node,
            address: format!("127.0.0.1:{p2p}"),
        }
    }
}

/// `soud` as a source: as [`Node::sou`], listening on loopback at `p2p`.
fn sou_source(dir: &Path, port: u16, p2p: u16) -> Node {
    let args = vec![
        "-regtest".to_string(),
        format!("-datadir={}", dir.display()),
        format!("-rpcport={port}"),
        "-listen=1".to_string(),
        "-bind=127.0.0.1".to_string(),
        format!("-port={p2p}"),
        "-rpcuser=bench".to_string(),
        "-rpcpassword=bench".to_string(),
    ];
    Node::Sou(InProcessNode::start(args).unwrap(), dir.to_path_buf())
}

/// `bitcoind` as a source: listening on loopback at `p2p` (the later `-listen` and
/// `-port` override [`Node::core`]'s: on Core's command line the last value counts).
fn core_source(bitcoind: &str, dir: &Path, port: u16, p2p: u16) -> Node {
    let port_arg = format!("-port={p2p}");
    Node::core(
        bitcoind,
        dir,
        port,
        &[
            "-checkmempool=0",
            "-listen=1",
            "-bind=127.0.0.1",
            &port_arg,
            "-whitelist=download@127.0.0.1",
        ],
    )
}

/// One round: a fresh node started with `start`, then the time from `addnode` until it
/// holds the source's tip.
fn time_sync(
    source: &Source,
    tip: &str,
    height: u64,
    start: &dyn Fn(&Path, u16) -> Node,
    tag: &str,
) -> Duration {
    let dir = fresh_dir(tag);
    let port = free_port();
    let node = start(&dir, port);
    let client = Client::new(port, "bench", "bench");
    client.wait();
    let started = Instant::now();
    client
        .call("addnode", json!([source.address, "onetry"]))
        .unwrap();
    loop {
        let count = client.call("getblockcount", json!([])).unwrap();
        if count.as_u64().unwrap() >= height {
            break;
        }
        assert!(
            started.elapsed() < STALL,
            "{tag}: stalled at height {count}"
        );
        std::thread::sleep(POLL);
    }
    let elapsed = started.elapsed();
    let best = client.call("getbestblockhash", json!([])).unwrap();
    assert_eq!(best.as_str(), Some(tip), "{tag}: the tip");
    // Close the kept-alive connection before the node shuts down.
    drop(client);
    node.stop();
    elapsed
}

/// Runs the pairs criterion's filter lets through; returns their names, so that the summary
/// reads no figure an earlier run left in criterion's directory.
fn bench(
    c: &mut Criterion,
    hexes: &[String],
    tip: &str,
    paired: &mut Vec<f64>,
) -> Vec<&'static str> {
    let bitcoind = std::env::var("BITCOIND").ok();
    let height = hexes.len() as u64;
    let mut g = c.benchmark_group(GROUP);
    g.sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(1))
        .measurement_time(Duration::from_secs(1));
    let ran = RefCell::new(Vec::new());
    let rounds = |pair: &'static str,
                  source: &Source,
                  start: &dyn Fn(&Path, u16) -> Node,
                  tag: &str,
                  iters: u64| {
        if !ran.borrow().contains(&pair) {
            ran.borrow_mut().push(pair);
        }
        (0..iters)
            .map(|_| time_sync(source, tip, height, start, tag))
            .sum::<Duration>()
    };

    let source = Source::load(hexes, "sync-sou-source", sou_source);
    g.bench_function("sou_from_sou", |b| {
        b.iter_custom(|iters| rounds("sou_from_sou", &source, &Node::sou, "sync-sou", iters))
    });
    source.node.stop();

    if let Some(bitcoind) = &bitcoind {
        let source = Source::load(hexes, "sync-core-source", |dir, port, p2p| {
            core_source(bitcoind, dir, port, p2p)
        });
        g.bench_function("sou_from_core", |b| {
            b.iter_custom(|iters| rounds("sou_from_core", &source, &Node::sou, "sync-sou", iters))
        });
        let core = |dir: &Path, port: u16| Node::core(bitcoind, dir, port, &["-checkmempool=0"]);
        g.bench_function("core_from_core", |b| {
            b.iter_custom(|iters| rounds("core_from_core", &source, &core, "sync-core", iters))
        });
        // The same two pairs again, one round of each in turn, so that a change in the
        // machine's load touches both: the ratio of each couple of rounds.
        if ran.borrow().contains(&"sou_from_core") && ran.borrow().contains(&"core_from_core") {
            for _ in 0..PAIRED_ROUNDS {
                let sou = time_sync(&source, tip, height, &Node::sou, "sync-sou");
                let core = time_sync(&source, tip, height, &core, "sync-core");
                paired.push(core.as_secs_f64() / sou.as_secs_f64());
            }
        }
        source.node.stop();
    }
    g.finish();
    ran.into_inner()
}

fn main() {
    let started = Instant::now();
    let blocks = TestChain::strand_blocks(BLOCKS, TXS_PER_BLOCK);
    let hexes: Vec<String> = blocks.iter().map(|b| hex::encode(serialize(b))).collect();
    let tip = blocks.last().unwrap().block_hash().to_string();
    println!(
        "chain of {} blocks ({:.0} MB) built in {:.1} s",
        blocks.len(),
        hexes.iter().map(String::len).sum::<usize>() as f64 / 2e6,
        started.elapsed().as_secs_f64()
    );
    drop(blocks);
    let mut ran = Vec::new();
    let mut paired = Vec::new();
    support::run(|c| ran = bench(c, &hexes, &tip, &mut paired));

    let per_second = |ns: f64| hexes.len() as f64 / (ns / 1e9);
    println!(
        "\nmedians, initial sync of {} blocks ({BLOCKS} with {TXS_PER_BLOCK} P2WPKH spends) over loopback:",
        hexes.len()
    );
    let with_core = std::env::var_os("BITCOIND").is_some();
    let median = |pair: &str| {
        ran.contains(&pair)
            .then(|| support::median_ns(GROUP, pair))
            .flatten()
    };
    let (sou_sou, sou_core, core_core) = (
        median("sou_from_sou"),
        median("sou_from_core"),
        median("core_from_core"),
    );
    for (name, needs_core, median) in [
        ("sou  <- sou ", false, sou_sou),
        ("sou  <- Core", true, sou_core),
        ("Core <- Core", true, core_core),
    ] {
        match median {
            Some(ns) => println!(
                "  {name}  {:6.1} s, {:6.1} blocks/s",
                ns / 1e9,
                per_second(ns)
            ),
            None if needs_core && !with_core => println!("  {name}  SKIPPED: BITCOIND not set"),
            None => println!("  {name}  not run (filtered out)"),
        }
    }
    if let (Some(sou_core), Some(core_core)) = (sou_core, core_core) {
        println!(
            "  sou <- Core syncs at {:.2}x Core <- Core's rate (target at least 1.00x)",
            core_core / sou_core
        );
    }
    if !paired.is_empty() {
        paired.sort_by(f64::total_cmp);
        println!(
            "  sou <- Core against Core <- Core, {} rounds taken in turn: median {:.2}x (each: {})",
            paired.len(),
            paired[paired.len() / 2],
            paired
                .iter()
                .map(|r| format!("{r:.2}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if let (Some(sou_sou), Some(core_core)) = (sou_sou, core_core) {
        println!(
            "  sou <- sou syncs at {:.2}x Core <- Core's rate",
            core_core / sou_sou
        );
    }
    println!("  whole run {:.0} s", started.elapsed().as_secs_f64());
}
