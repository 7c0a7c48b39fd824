//! The memory pool against Bitcoin Core's, in one run: 10,000 signed P2WPKH spends sent
//! one by one with `sendrawtransaction` over HTTP JSON-RPC, as a user's script would send
//! them, to `soud` and to `bitcoind` (when `BITCOIND` names one) on the same chain and the
//! same transactions. Target: sou within 1.5x of Core's time.
//!
//! The chain: 105 empty blocks (five mature coinbases), then a block whose five
//! transactions fan those coinbases out to 10,000 P2WPKH coins (2,000 outputs each, about
//! 250,000 weight units, under the 400,000 a standard transaction may weigh). Each spend
//! takes one coin to a payment and a change output, paying a fee far above the minimum
//! relay fee; none depends on another, so every one enters the pool on its own.
//!
//! bitcoind runs with `-checkmempool=0`: on regtest it otherwise checks the whole pool's
//! consistency after each transaction, a debugging aid off on the other networks, which
//! would make the run quadratic (minutes, not seconds).
//!
//! A transaction enters a pool once, so a round needs fresh nodes: a fresh data
//! directory, the chain given with `submitblock` (not timed), then the 10,000 sends timed,
//! then `getmempoolinfo` must count 10,000. Criterion runs rounds through `iter_custom`.
//! A round takes seconds and most of it is setup, so criterion's defaults (100 samples,
//! more than one round in most) would take an hour: ten samples of one round each (flat
//! sampling, a short target time) and a single warm-up round keep the run to a few minutes
//! per node, enough for a median.
//!
//! Run: `cargo bench --bench mempool` (with `BITCOIND=/path/to/bitcoind` for Core's
//! side). Transactions per second and the ratio are printed at the end; without
//! `BITCOIND` the Core comparison says SKIPPED.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "bench setup")]

use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode};
use serde_json::json;
use sou::primitives::encoding::serialize;
use sou::{Amount, Block, OutPoint, TxOut};
use sou_testkit::{Funding, TestChain};

#[path = "support/rpc.rs"]
mod rpc;
mod support;

use rpc::{free_port, fresh_dir, Client, Node};

const GROUP: &str = "mempool";
/// Transactions sent in a round.
const TXS: usize = 10_000;
/// Fan-out transactions, each spending one coinbase.
const FANOUTS: usize = 5;
/// Coins each fan-out transaction makes.
const PER_FANOUT: usize = TXS / FANOUTS;
/// What each fan-out transaction leaves as fee per output it makes.
const FANOUT_FEE_PER_OUTPUT: i64 = 100;
/// The payment each spend makes; the rest, less the fee, is change.
const PAYMENT: i64 = 1_000_000;
/// Each spend's fee: about 14 sat/vB on its 141 virtual bytes, above Core's and sou's
/// minimum relay fee.
const FEE: i64 = 2_000;

/// The blocks after genesis (to submit), and the 10,000 spends with their txids, as hex.
struct Fixture {
    blocks: Vec<String>,
    txs: Vec<(String, String)>,
}

fn build_fixture() -> Fixture {
    let mut chain = TestChain::new();
    // A coinbase of height h is spendable from height h + 100: the block after these
    // 105 can spend the first five.
    let coinbases = chain.mine_empty(100 + FANOUTS as u32);
    let mut fanouts = Vec::new();
    let mut coins = Vec::new();
    let mut fees = 0;
    for coinbase in &coinbases[..FANOUTS] {
        let per_coin = coinbase.value.to_sat() / PER_FANOUT as i64 - FANOUT_FEE_PER_OUTPUT;
        let tx = chain.spend(
            coinbase,
            (0..PER_FANOUT)
                .map(|_| TxOut {
                    value: Amount::from_sat(per_coin),
                    script_pubkey: chain.script(),
                })
                .collect(),
        );
        fees += coinbase.value.to_sat() - per_coin * PER_FANOUT as i64;
        let txid = tx.compute_txid();
        coins.extend((0..PER_FANOUT).map(|vout| Funding {
            outpoint: OutPoint::new(txid, u32::try_from(vout).unwrap()),
            value: Amount::from_sat(per_coin),
            height: 100 + FANOUTS as u32 + 1,
        }));
        fanouts.push(tx);
    }
    chain
        .mine_block(fanouts, Amount::from_sat(fees))
        .expect("fan-out block");
    let blocks: Vec<Block> = chain.state.active_chain()[1..]
        .iter()
        .map(|hash| chain.state.block_ref(hash).unwrap().clone())
        .collect();
    // Payment and change both go to the test key: whose they are does not matter to the
    // pool.
    let txs = coins
        .iter()
        .map(|coin| {
            let tx = chain.spend(
                coin,
                vec![
                    TxOut {
                        value: Amount::from_sat(PAYMENT),
                        script_pubkey: chain.script(),
                    },
                    TxOut {
                        value: Amount::from_sat(coin.value.to_sat() - PAYMENT - FEE),
                        script_pubkey: chain.script(),
                    },
                ],
            );
            (hex::encode(serialize(&tx)), tx.compute_txid().to_string())
        })
        .collect();
    Fixture {
        blocks: blocks.iter().map(|b| hex::encode(serialize(b))).collect(),
        txs,
    }
}

/// One round on a fresh node: the chain submitted, then the time to send every
/// transaction; afterwards the pool must hold them all.
fn time_sends(fixture: &Fixture, start: impl Fn(&Path, u16) -> Node, tag: &str) -> Duration {
    let dir = fresh_dir(tag);
    let port = free_port();
    let node = start(&dir, port);
    let client = Client::new(port, "bench", "bench");
    client.wait();
    client.submit_all(&fixture.blocks);
    let started = Instant::now();
    for (hex, txid) in &fixture.txs {
        let sent = client.call("sendrawtransaction", json!([hex])).unwrap();
        assert_eq!(sent.as_str(), Some(txid.as_str()), "{tag}: the txid sent");
    }
    let elapsed = started.elapsed();
    let info = client.call("getmempoolinfo", json!([])).unwrap();
    assert_eq!(info["size"].as_u64(), Some(TXS as u64), "{tag}: pool size");
    // Close the kept-alive connection before the node shuts down.
    drop(client);
    node.stop();
    elapsed
}

fn bench(c: &mut Criterion, fixture: &Fixture) {
    let bitcoind = std::env::var("BITCOIND").ok();
    let mut g = c.benchmark_group(GROUP);
    g.sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(1))
        .measurement_time(Duration::from_secs(1));
    let rounds = |start: &dyn Fn(&Path, u16) -> Node, tag: &str, iters: u64| -> Duration {
        (0..iters).map(|_| time_sends(fixture, start, tag)).sum()
    };
    g.bench_function("sendrawtransaction_x10000_sou", |b| {
        b.iter_custom(|iters| rounds(&Node::sou, "sou-pool", iters))
    });
    if let Some(bitcoind) = &bitcoind {
        // Regtest turns on Core's `-checkmempool` (a full consistency check of the pool
        // after every change, which makes 10,000 sends quadratic); Core runs without it on
        // every other network, and soud has no such check.
        let start = |dir: &Path, port: u16| Node::core(bitcoind, dir, port, &["-checkmempool=0"]);
        g.bench_function("sendrawtransaction_x10000_core", |b| {
            b.iter_custom(|iters| rounds(&start, "core-pool", iters))
        });
    }
    g.finish();
}

fn median_ns(name: &str) -> Option<f64> {
    support::median_ns(GROUP, name)
}

fn main() {
    let fixture = build_fixture();
    support::run(|c| bench(c, &fixture));
    println!("\nmedians, {TXS} P2WPKH spends sent one by one with sendrawtransaction:");
    let Some(sou) = median_ns("sendrawtransaction_x10000_sou") else {
        return;
    };
    let per_second = |ns: f64| TXS as f64 / (ns / 1e9);
    println!(
        "  soud     {:.2} s, {:.0} transactions/s",
        sou / 1e9,
        per_second(sou)
    );
    // Only this run's figure: an earlier run's may still lie in criterion's directory.
    let core = std::env::var_os("BITCOIND").and(median_ns("sendrawtransaction_x10000_core"));
    match core {
        Some(core) => println!(
            "  bitcoind {:.2} s, {:.0} transactions/s: sou takes {:.2}x Core's time (target within 1.5x)",
            core / 1e9,
            per_second(core),
            sou / core
        ),
        None => println!("  SKIPPED: BITCOIND not set, no comparison with Core"),
    }
}
