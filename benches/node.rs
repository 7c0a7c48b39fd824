//! The node against Bitcoin Core and against sou's own in-memory chain, in one run:
//!
//! - a 1,000-block regtest chain with 100 P2WPKH transactions per block, taken in through
//!   `submitblock` by `soud` (chain state on disk, RPC over HTTP), by `bitcoind` on the
//!   same blocks when `BITCOIND` names one (target: sou within 1.5x of Core), and
//!   connected by sou-chain's in-memory `Chainstate` (target: storage and RPC add under
//!   30%);
//! - `getblock HASH 2` on a 100-transaction block: requests per second, sou against
//!   bitcoind.
//!
//! Run: `cargo bench --bench node` (with `BITCOIND=/path/to/bitcoind` for Core's side).
//! Ratios are printed at the end; without `BITCOIND` the Core comparisons say SKIPPED.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "bench setup")]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use criterion::Criterion;
use serde_json::{json, Value};
use sou::chain::{Chainstate, ConnectOptions};
use sou::node::daemon::InProcessNode;
use sou::primitives::encoding::serialize;
use sou::Block;
use sou_testkit::TestChain;

mod support;

const GROUP: &str = "node";
const BLOCKS: usize = 1000;
const TXS_PER_BLOCK: usize = 100;
const GETBLOCK_REQUESTS: u32 = 200;

fn fresh_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sou-bench-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A JSON-RPC client with basic authentication.
struct Client {
    url: String,
    authorization: String,
}

impl Client {
    fn new(port: u16, user: &str, password: &str) -> Client {
        use base64::Engine;
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        Client {
            url: format!("http://127.0.0.1:{port}/"),
            authorization: format!("Basic {token}"),
        }
    }

    fn call(&self, method: &str, params: Value) -> Result<Value, String> {
        let body = json!({"jsonrpc": "1.0", "id": 1, "method": method, "params": params});
        let response = ureq::post(&self.url)
            .set("Authorization", &self.authorization)
            .timeout(Duration::from_secs(600))
            .send_string(&body.to_string());
        let text = match response {
            Ok(r) => r.into_string().map_err(|e| e.to_string())?,
            Err(ureq::Error::Status(_, r)) => r.into_string().map_err(|e| e.to_string())?,
            Err(e) => return Err(e.to_string()),
        };
        let reply: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
        if reply["error"].is_null() {
            Ok(reply["result"].clone())
        } else {
            Err(reply["error"].to_string())
        }
    }

    fn wait(&self) {
        for _ in 0..600 {
            if self.call("getblockcount", json!([])).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("the node did not answer RPC");
    }

    /// Submits every block; each must be accepted (`null`).
    fn submit_all(&self, blocks: &[String]) {
        for (i, hex) in blocks.iter().enumerate() {
            let verdict = self.call("submitblock", json!([hex])).unwrap();
            assert!(verdict.is_null(), "block {}: {verdict}", i + 1);
        }
    }
}

/// A node under test: sou in this process, or bitcoind as a child process.
enum Node {
    Sou(InProcessNode, PathBuf),
    Core(Child, PathBuf, Client),
}

impl Node {
    fn sou(dir: &Path, port: u16) -> Node {
        let args = vec![
            "-regtest".to_string(),
            format!("-datadir={}", dir.display()),
            format!("-rpcport={port}"),
            "-listen=0".to_string(),
            "-rpcuser=bench".to_string(),
            "-rpcpassword=bench".to_string(),
        ];
        Node::Sou(InProcessNode::start(args).unwrap(), dir.to_path_buf())
    }

    fn core(bitcoind: &str, dir: &Path, port: u16) -> Node {
        let child = Command::new(bitcoind)
            .args([
                "-regtest",
                &format!("-datadir={}", dir.display()),
                &format!("-rpcport={port}"),
                &format!("-port={}", free_port()),
                "-listen=0",
                "-rpcuser=bench",
                "-rpcpassword=bench",
                "-printtoconsole=0",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let client = Client::new(port, "bench", "bench");
        client.wait();
        Node::Core(child, dir.to_path_buf(), client)
    }

    fn stop(self) {
        match self {
            Node::Sou(node, dir) => {
                node.stop().unwrap();
                let _ = std::fs::remove_dir_all(dir);
            }
            Node::Core(mut child, dir, client) => {
                let _ = client.call("stop", json!([]));
                let _ = child.wait();
                let _ = std::fs::remove_dir_all(dir);
            }
        }
    }
}

/// Time to submit the whole chain to a fresh node.
fn time_submits(blocks: &[String], start: impl Fn(&Path, u16) -> Node, tag: &str) -> Duration {
    let dir = fresh_dir(tag);
    let port = free_port();
    let node = start(&dir, port);
    let client = Client::new(port, "bench", "bench");
    client.wait();
    let started = Instant::now();
    client.submit_all(blocks);
    let elapsed = started.elapsed();
    node.stop();
    elapsed
}

/// Time of `GETBLOCK_REQUESTS` calls of `getblock HASH 2` on a 100-transaction block.
fn time_getblock(
    blocks: &[String],
    hash: &str,
    start: impl Fn(&Path, u16) -> Node,
    tag: &str,
) -> Duration {
    let dir = fresh_dir(tag);
    let port = free_port();
    let node = start(&dir, port);
    let client = Client::new(port, "bench", "bench");
    client.wait();
    client.submit_all(&blocks[..200]);
    let started = Instant::now();
    for _ in 0..GETBLOCK_REQUESTS {
        client.call("getblock", json!([hash, 2])).unwrap();
    }
    let elapsed = started.elapsed();
    node.stop();
    elapsed
}

fn bench(c: &mut Criterion, blocks: &[Block], hexes: &[String]) {
    let bitcoind = std::env::var("BITCOIND").ok();
    let mut g = c.benchmark_group(GROUP);
    g.sample_size(10);
    g.bench_function("connect_in_memory", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let mut state =
                    Chainstate::new(sou::Network::Regtest.params(), ConnectOptions::default());
                let started = Instant::now();
                for block in blocks {
                    state.process_block(block.clone()).unwrap();
                }
                total += started.elapsed();
            }
            total
        })
    });
    g.bench_function("submitblock_sou", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| time_submits(hexes, Node::sou, "sou"))
                .sum()
        })
    });
    // A block in the middle of the run: 100 P2WPKH spends.
    let hash = blocks[150].block_hash().to_string();
    g.bench_function("getblock2_x200_sou", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| time_getblock(hexes, &hash, Node::sou, "sou-gb"))
                .sum()
        })
    });
    if let Some(bitcoind) = &bitcoind {
        let start = |dir: &Path, port: u16| Node::core(bitcoind, dir, port);
        g.bench_function("submitblock_core", |b| {
            b.iter_custom(|iters| (0..iters).map(|_| time_submits(hexes, start, "core")).sum())
        });
        g.bench_function("getblock2_x200_core", |b| {
            b.iter_custom(|iters| {
                (0..iters)
                    .map(|_| time_getblock(hexes, &hash, start, "core-gb"))
                    .sum()
            })
        });
    }
    g.finish();
}

fn median_ns(name: &str) -> Option<f64> {
    support::median_ns(GROUP, name)
}

fn main() {
    let blocks = TestChain::strand_blocks(BLOCKS, TXS_PER_BLOCK);
    let hexes: Vec<String> = blocks.iter().map(|b| hex::encode(serialize(b))).collect();
    support::run(|c| bench(c, &blocks, &hexes));
    println!(
        "\nmedians, {} blocks ({} with {TXS_PER_BLOCK} P2WPKH spends):",
        blocks.len(),
        BLOCKS
    );
    let (Some(memory), Some(sou)) = (median_ns("connect_in_memory"), median_ns("submitblock_sou"))
    else {
        return;
    };
    println!(
        "  in-memory connect {:.2} s, soud submitblock {:.2} s: storage and RPC add {:+.1}% (target under 30%)",
        memory / 1e9,
        sou / 1e9,
        (sou / memory - 1.0) * 100.0
    );
    let sou_gb = median_ns("getblock2_x200_sou");
    if let Some(t) = sou_gb {
        println!(
            "  getblock verbosity 2, 100-tx block: sou {:.0} requests/s",
            f64::from(GETBLOCK_REQUESTS) / (t / 1e9)
        );
    }
    match (
        median_ns("submitblock_core"),
        median_ns("getblock2_x200_core"),
    ) {
        (Some(core), core_gb) => {
            println!(
                "  bitcoind submitblock {:.2} s: sou takes {:.2}x Core's time (target within 1.5x)",
                core / 1e9,
                sou / core
            );
            if let (Some(s), Some(c)) = (sou_gb, core_gb) {
                println!(
                    "  getblock verbosity 2: bitcoind {:.0} requests/s; sou serves {:.2}x Core's rate",
                    f64::from(GETBLOCK_REQUESTS) / (c / 1e9),
                    c / s
                );
            }
        }
        (None, _) => println!("  SKIPPED: BITCOIND not set, no comparison with Core"),
    }
}
