//! A network with no one in charge: regtest nodes on one machine, split and healed.
//!
//! No server decides which blocks count. Each node checks what its peers send, keeps the
//! valid chain with the most work, and passes the news on. This example starts four nodes,
//! A, B, C and D, in this process (each a whole `soud` with its own data directory,
//! listening on loopback), links them in a line, A - B - C - D, and then:
//!
//! 1. A mines a block: it hops from peer to peer until every node has it.
//! 2. The link B - C is cut: two networks, each mining its own history. The left one
//!    confirms a payment from Alice to Bob; the right one mines two blocks.
//! 3. The link is back: the right's chain has more work, so the left undoes its block (a
//!    reorganisation); Alice's payment goes back to the pool, and the next block confirms
//!    it again.
//! 4. Cut again: Alice spends one coin twice, paying Bob on the left and Carol on the
//!    right. After the heal only the payment in the chain with the most work is left; the
//!    other is in no block and no pool.
//!
//! The example calls the JSON-RPC methods `bitcoin-cli` would (`addnode`,
//! `disconnectnode`, `generatetoaddress`, `sendrawtransaction`, `getrawmempool`...)
//! through each node's dispatcher, and builds and signs Alice's payments itself with sou's
//! wallet code. Every wait is bounded; every node is stopped and its directory removed at
//! the end, also after a failure.
//!
//! Run: `cargo run --example network` (about a second, even unoptimised).
//! Flags: `--nodes N` (2 to 8, default 4), `--step` (wait for Enter before each step),
//! `--liveview` (each node serves its live view; one page shows them all side by side;
//! implies `--step`), `--no-wait` (never wait for Enter).

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sou::node::daemon::InProcessNode;
use sou::node::rpc::dispatch;
use sou::primitives::encoding::{deserialize, serialize};
use sou::primitives::hashes::sha256;
use sou::wallet::sign::sign_transaction;
use sou::wallet::{SigningKey, SpendInfo};
use sou::{Address, Amount, Block, Network, OutPoint, Script, SecretKey};
use sou::{Transaction, TxIn, TxOut, Txid, Witness};

/// What each of Alice's payments leaves to its miner.
const FEE: Amount = Amount::from_sat(10_000);
/// The longest any wait lasts: a block or a transaction crosses a few loopback links in
/// milliseconds, so this only catches a node that is stuck.
const TIMEOUT: Duration = Duration::from_secs(30);
/// How often a wait looks again.
const POLL: Duration = Duration::from_millis(2);
/// At most this many nodes (A to H).
const MAX_NODES: usize = 8;

/// The page showing every node's live view, in the system's temporary directory.
const VIEWS_PAGE: &str = "sou-network-liveview.html";

const USAGE: &str = "usage: network [--nodes N] [--step] [--liveview] [--no-wait]
  --nodes N   how many nodes, 2 to 8 (default 4)
  --step      wait for Enter before each step
  --liveview  each node serves its live view (-liveview=PORT), and one page
              shows them side by side; waits for Enter as --step does, and
              before stopping the nodes
  --no-wait   never wait for Enter (with --liveview: for tests)";

/// What a look at the live views gets: the side-by-side page, and each node's letter
/// and live view port.
pub(crate) type ViewsHook = fn(&Path, &[(char, u16)]) -> Result<(), String>;

/// The command line.
pub(crate) struct Options {
    /// How many nodes, in a line.
    pub(crate) nodes: usize,
    /// Wait for Enter before each step.
    pub(crate) step: bool,
    /// Each node serves its live view; one page shows them all. Implies `step`.
    pub(crate) liveview: bool,
    /// Never wait for Enter, whatever `step` and `liveview` say.
    pub(crate) no_wait: bool,
    /// Called once the nodes run, before the first step, with what the live views are
    /// (the test's look at them; `None` from the command line).
    pub(crate) on_views: Option<ViewsHook>,
}

impl Options {
    /// Whether to wait for Enter before each step.
    fn waits(&self) -> bool {
        (self.step || self.liveview) && !self.no_wait
    }
}

fn main() -> ExitCode {
    let options = match parse_args() {
        Ok(options) => options,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    match run(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\nerror: {e}");
            ExitCode::FAILURE
        }
    }
}

fn parse_args() -> Result<Options, String> {
    let mut options = Options {
        nodes: 4,
        step: false,
        liveview: false,
        no_wait: false,
        on_views: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "--step" => options.step = true,
            "--liveview" => options.liveview = true,
            "--no-wait" => options.no_wait = true,
            "--nodes" => {
                let n = args.next().ok_or("--nodes needs a number")?;
                options.nodes = n
                    .parse()
                    .ok()
                    .filter(|n| (2..=MAX_NODES).contains(n))
                    .ok_or(format!(
                        "--nodes takes a number from 2 to {MAX_NODES}, not {n}"
                    ))?;
            }
            "--help" | "-h" => return Err(USAGE.into()),
            _ => return Err(format!("unknown flag {flag}\n{USAGE}")),
        }
    }
    Ok(options)
}

/// The whole story: start the nodes, the four steps, stop the nodes (dropping the
/// [`Lab`] stops them and removes their directories, whatever happened).
pub(crate) fn run(options: &Options) -> Result<(), String> {
    let started = Instant::now();
    let lab = Lab::start(options)?;
    if let (Some(look), Some(page)) = (options.on_views, &lab.views_page) {
        let views: Vec<(char, u16)> = lab
            .nodes
            .iter()
            .filter_map(|m| m.view.map(|port| (m.name, port)))
            .collect();
        look(page, &views)?;
    }
    let alice = Person::new("Alice")?;
    let bob = Person::new("Bob")?;
    let carol = Person::new("Carol")?;

    lab.connect()?;
    one_block(&lab, &alice)?;
    let payment = split(&lab, &alice, &bob)?;
    heal(&lab, &payment)?;
    double_spend(&lab, &alice, &bob, &carol)?;

    println!();
    println!("No node was in charge. Each followed one rule, the valid chain with");
    println!("the most work, and they agreed again as soon as they could talk.");
    println!("Bob's second payment had one confirmation, and it vanished:");
    println!("that is why a merchant waits for several.");
    if options.liveview && !options.no_wait {
        println!();
        lab.enter("   The views stay up until you press Enter to stop the nodes. ")?;
    }
    println!();
    println!(
        "Stopping {} nodes, removing {} ({:.1} s in all).",
        lab.nodes.len(),
        lab.dir.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Someone with a key: Alice spends, Bob and Carol are paid, each node's miner is paid.
/// The keys come from fixed phrases: fine for regtest coins, never for real ones.
struct Person {
    name: String,
    key: SecretKey,
    address: Address,
}

impl Person {
    fn new(name: &str) -> Result<Person, String> {
        let key = SecretKey::from_byte_array(sha256(name.as_bytes()))
            .map_err(|e| format!("{name}'s key: {e}"))?;
        let address = Address::p2wpkh(&key.public_key(), Network::Regtest)
            .map_err(|e| format!("{name}'s address: {e}"))?;
        Ok(Person {
            name: name.to_string(),
            key,
            address,
        })
    }

    /// Spends `coin` (one of this person's P2WPKH outputs) to `to`, all of it less [`FEE`].
    fn pay(&self, coin: &(OutPoint, TxOut), to: &Person) -> Result<Transaction, String> {
        let (outpoint, spent) = coin;
        let value = spent
            .value
            .checked_sub(FEE)
            .ok_or("the coin cannot pay the fee")?;
        let mut tx = Transaction {
            version: 2,
            input: vec![TxIn {
                previous_output: *outpoint,
                script_sig: Script::new(),
                // Replaceable (BIP125), as wallets sign by default.
                sequence: 0xffff_fffd,
                witness: Witness::new(),
            }],
            output: vec![TxOut {
                value,
                script_pubkey: to.address.script_pubkey(),
            }],
            lock_time: 0,
        };
        let signer = SpendInfo::P2wpkh(SigningKey::new(self.key.clone()));
        sign_transaction(&mut tx, &[(spent.clone(), signer)])
            .map_err(|e| format!("{} cannot sign: {e}", self.name))?;
        Ok(tx)
    }
}

/// One node: a `soud` serving from threads of this process.
struct Member {
    name: char,
    port: u16,
    /// The live view's port, with `--liveview`.
    view: Option<u16>,
    /// Who this node's blocks pay.
    miner: Person,
    /// `None` once stopped.
    node: Option<InProcessNode>,
}

impl Member {
    /// Calls the JSON-RPC `method`: the handler the node's RPC server runs for
    /// `bitcoin-cli`, without the HTTP.
    fn call(&self, method: &str, params: Value) -> Result<Value, String> {
        let node = self
            .node
            .as_ref()
            .ok_or_else(|| format!("node {} is stopped", self.name))?;
        let shared = node.shared();
        if shared.is_stopping() {
            // The nodes catch Ctrl-C as soud does, and stop.
            return Err(format!("node {} was stopped (Ctrl-C?)", self.name));
        }
        dispatch::call(shared, method, params, None)
            .map_err(|e| format!("node {}: {method}: {e}", self.name))
    }

    fn p2p_address(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// The height and hash of the tip, read together.
    fn tip(&self) -> Result<(u64, String), String> {
        let info = self.call("getblockchaininfo", json!([]))?;
        Ok((
            info["blocks"].as_u64().unwrap_or_default(),
            info["bestblockhash"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
        ))
    }

    /// The hash of the tip (cheaper than [`Member::tip`], for the waits).
    fn tip_hash(&self) -> Result<String, String> {
        let hash = self.call("getbestblockhash", json!([]))?;
        Ok(hash.as_str().unwrap_or_default().to_string())
    }

    fn pool(&self) -> Result<Vec<String>, String> {
        let txids = self.call("getrawmempool", json!([]))?;
        Ok(txids
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|t| t.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default())
    }

    /// Peers that finished the handshake (their `version` arrived).
    fn peers(&self) -> Result<usize, String> {
        let peers = self.call("getpeerinfo", json!([]))?;
        Ok(peers
            .as_array()
            .map(|a| a.iter().filter(|p| p["version"].as_i64() > Some(0)).count())
            .unwrap_or_default())
    }

    /// Mines `count` blocks paying the node's miner; the hash of the last.
    fn mine(&self, count: u32) -> Result<String, String> {
        self.mine_to(count, &self.miner)
    }

    /// Mines `count` blocks paying `to`; the hash of the last.
    fn mine_to(&self, count: u32, to: &Person) -> Result<String, String> {
        let hashes = self.call("generatetoaddress", json!([count, to.address.to_string()]))?;
        hashes
            .as_array()
            .and_then(|a| a.last())
            .and_then(Value::as_str)
            .map(String::from)
            .ok_or(format!(
                "node {}: generatetoaddress mined nothing",
                self.name
            ))
    }

    /// Hands `tx` to the node, as a wallet would.
    fn send(&self, tx: &Transaction) -> Result<Txid, String> {
        self.call("sendrawtransaction", json!([hex::encode(serialize(tx))]))?;
        Ok(tx.compute_txid())
    }

    /// The coinbase coin of the block at `height` of this node's chain.
    fn coinbase_coin(&self, height: u64) -> Result<(OutPoint, TxOut), String> {
        let hash = self.call("getblockhash", json!([height]))?;
        let raw = self.call("getblock", json!([hash, 0]))?;
        let bytes = hex::decode(raw.as_str().unwrap_or_default()).map_err(|e| e.to_string())?;
        let block: Block = deserialize(&bytes).map_err(|e| format!("block {height}: {e}"))?;
        let coinbase = block.txdata.first().ok_or("a block without coinbase")?;
        let output = coinbase.output.first().ok_or("a coinbase without output")?;
        Ok((OutPoint::new(coinbase.compute_txid(), 0), output.clone()))
    }

    /// Confirmations of the output `txid:0` if unspent in this node's chain.
    fn confirmations(&self, txid: &Txid) -> Result<Option<u64>, String> {
        let out = self.call("gettxout", json!([txid.to_string(), 0, false]))?;
        Ok(out["confirmations"].as_u64())
    }
}

/// The nodes, in a line: the first half is "left", the rest "right"; the link between
/// the two halves is the one that gets cut.
struct Lab {
    nodes: Vec<Member>,
    /// Where every node's data directory lives; removed at the end.
    dir: PathBuf,
    /// The page showing every node's live view side by side, with `--liveview`.
    views_page: Option<PathBuf>,
    /// Wait for Enter before each step.
    step: bool,
}

impl Drop for Lab {
    fn drop(&mut self) {
        for member in &mut self.nodes {
            if let Some(node) = member.node.take() {
                if let Err(e) = node.stop() {
                    eprintln!("node {}: {e}", member.name);
                }
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `count` TCP ports nobody listens on now (all held open together, so all differ).
fn free_ports(count: usize) -> Result<Vec<u16>, String> {
    let listeners = (0..count)
        .map(|_| std::net::TcpListener::bind("127.0.0.1:0"))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("no free port on 127.0.0.1: {e}"))?;
    listeners
        .iter()
        .map(|l| l.local_addr().map(|a| a.port()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())
}

/// Waits until `done` says yes; how long it took, or an error naming `what`.
fn wait_for(what: &str, done: impl FnMut() -> Result<bool, String>) -> Result<Duration, String> {
    wait_every(POLL, what, done)
}

/// [`wait_for`], looking every `poll`.
fn wait_every(
    poll: Duration,
    what: &str,
    mut done: impl FnMut() -> Result<bool, String>,
) -> Result<Duration, String> {
    let start = Instant::now();
    loop {
        if done()? {
            return Ok(start.elapsed());
        }
        if start.elapsed() > TIMEOUT {
            return Err(format!(
                "{what}: still waiting after {} s",
                TIMEOUT.as_secs()
            ));
        }
        std::thread::sleep(poll);
    }
}

/// A hash as the table shows it: its first 8 hex digits.
fn short(hash: &str) -> &str {
    hash.get(..8).unwrap_or(hash)
}

fn ms(d: Duration) -> String {
    format!("{} ms", d.as_millis())
}

/// The style of the side-by-side page: the live view's dark background and colours.
const VIEWS_STYLE: &str = "
html, body { margin: 0; height: 100%; overflow: hidden; background: #0b0d12; color: #f4f6fa;
  font-family: \"DejaVu Sans\", \"Helvetica Neue\", Arial, sans-serif; }
main { display: grid; height: 100vh; gap: 8px; padding: 8px; box-sizing: border-box; }
figure { margin: 0; display: flex; flex-direction: column; min-width: 0; min-height: 0; }
figcaption { padding: 0 6px 4px; font-size: 18px; white-space: nowrap; }
figcaption strong { color: #ffd23f; font-size: 24px; margin-right: 12px; }
figcaption a { color: #aab3c5; font-family: \"DejaVu Sans Mono\", Menlo, Consolas, monospace; }
.frame { flex: 1; position: relative; overflow: hidden; border: 2px solid #2a3142;
  border-radius: 6px; }
iframe { position: absolute; top: 0; left: 0; border: 0; transform-origin: 0 0; }
";

/// The page showing every node's live view side by side: a grid of frames, each captioned
/// with the node's letter and address. Each view is drawn for a larger screen and shrunk
/// to its frame, so a whole tree fits. Only letters and ports go in: the views fetch
/// everything else themselves.
fn views_page(views: &[(char, u16)]) -> String {
    // Two columns up to 4 nodes, then wider rows.
    let columns = match views.len() {
        0..=4 => 2,
        5..=6 => 3,
        _ => 4,
    };
    let rows = views.len().div_ceil(columns).max(1);
    let scale = match columns {
        2 => 0.6,
        3 => 0.5,
        _ => 0.4,
    };
    let mut frames = String::new();
    for (name, port) in views {
        let url = format!("http://127.0.0.1:{port}/");
        frames.push_str(&format!(
            "<figure>\n<figcaption><strong>{name}</strong><a href=\"{url}\" \
             target=\"_blank\">{url}</a></figcaption>\n<div class=\"frame\"><iframe \
             src=\"{url}\" title=\"node {name}\"></iframe></div>\n</figure>\n"
        ));
    }
    format!(
        "<!DOCTYPE html>
<html lang=\"en\">
<head>
<meta charset=\"utf-8\">
<title>sou network: {count} live views</title>
<style>{VIEWS_STYLE}main {{ grid-template-columns: repeat({columns}, minmax(0, 1fr));
  grid-template-rows: repeat({rows}, minmax(0, 1fr)); }}
iframe {{ width: {size:.3}%; height: {size:.3}%; transform: scale({scale}); }}
</style>
</head>
<body>
<main>
{frames}</main>
</body>
</html>
",
        count = views.len(),
        size = 100.0 / scale,
    )
}

impl Lab {
    /// Starts `options.nodes` nodes on regtest, each on free loopback ports in a fresh
    /// directory; with `--liveview`, each serves its live view and a page shows them all.
    fn start(options: &Options) -> Result<Lab, String> {
        let count = options.nodes;
        // This process's id and a count: runs side by side (tests) never share a directory.
        static RUNS: AtomicUsize = AtomicUsize::new(0);
        let run = RUNS.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("sou-network-{}-{run}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let mut lab = Lab {
            nodes: Vec::new(),
            dir,
            views_page: None,
            step: options.waits(),
        };
        // P2P and RPC, and the live view's with `--liveview`.
        let per_node = if options.liveview { 3 } else { 2 };
        let ports = free_ports(per_node * count)?;
        println!("A NETWORK WITH NO ONE IN CHARGE");
        println!("   {count} regtest nodes, each a whole soud in this process, with its");
        println!("   own data directory under {}:", lab.dir.display());
        for (i, node_ports) in ports.chunks_exact(per_node).enumerate() {
            let letter = u8::try_from(i).map_err(|_| "too many nodes")?;
            let name = char::from(b'A' + letter);
            let datadir = lab.dir.join(name.to_string());
            std::fs::create_dir_all(&datadir).map_err(|e| format!("{}: {e}", datadir.display()))?;
            let (port, rpc_port, view) = match *node_ports {
                [port, rpc_port] => (port, rpc_port, None),
                [port, rpc_port, view] => (port, rpc_port, Some(view)),
                _ => continue,
            };
            let mut args = vec![
                "-regtest".to_string(),
                format!("-datadir={}", datadir.display()),
                "-listen=1".to_string(),
                "-bind=127.0.0.1".to_string(),
                format!("-port={port}"),
                format!("-rpcport={rpc_port}"),
                "-persistmempool=0".to_string(),
            ];
            if let Some(view) = view {
                args.push(format!("-liveview={view}"));
            }
            let node = InProcessNode::start(args)
                .map_err(|e| format!("node {name} did not start: {e}"))?;
            if !node.shared().is_serving() {
                let why = node.stop().err().unwrap_or("no answer".into());
                return Err(format!("node {name} did not start: {why}"));
            }
            println!("   {name}: P2P on 127.0.0.1:{port}, RPC on port {rpc_port}");
            if options.step || options.liveview {
                println!(
                    "      bitcoin-cli -regtest -datadir={} -rpcport={rpc_port} ...",
                    datadir.display()
                );
            }
            lab.nodes.push(Member {
                name,
                port,
                view,
                miner: Person::new(&format!("miner {name}"))?,
                node: Some(node),
            });
        }
        if options.liveview {
            lab.write_views_page()?;
        }
        Ok(lab)
    }

    /// Writes the page showing every node's live view side by side, and says where it
    /// and each view are.
    fn write_views_page(&mut self) -> Result<(), String> {
        let views: Vec<(char, u16)> = self
            .nodes
            .iter()
            .filter_map(|m| m.view.map(|port| (m.name, port)))
            .collect();
        let path = std::env::temp_dir().join(VIEWS_PAGE);
        std::fs::write(&path, views_page(&views))
            .map_err(|e| format!("{}: {e}", path.display()))?;
        println!();
        println!("   Each node draws what it knows on a web page, its live view:");
        for (name, port) in &views {
            println!("      {name}  http://127.0.0.1:{port}/");
        }
        println!("   All of them side by side, to open in a browser:");
        println!("      {}", path.display());
        self.views_page = Some(path);
        Ok(())
    }

    /// How many nodes are on the left of the cut.
    fn half(&self) -> usize {
        self.nodes.len().div_ceil(2)
    }

    fn left(&self) -> &[Member] {
        self.nodes.get(..self.half()).unwrap_or_default()
    }

    fn right(&self) -> &[Member] {
        self.nodes.get(self.half()..).unwrap_or_default()
    }

    /// The two ends of the link that gets cut: the last node on the left, the first on
    /// the right.
    fn bridge(&self) -> Result<(&Member, &Member), String> {
        match (self.left().last(), self.right().first()) {
            (Some(l), Some(r)) => Ok((l, r)),
            _ => Err("fewer than two nodes".into()),
        }
    }

    /// The first node (the left's miner) and the last (the right's).
    fn ends(&self) -> Result<(&Member, &Member), String> {
        match (self.nodes.first(), self.nodes.last()) {
            (Some(a), Some(z)) => Ok((a, z)),
            _ => Err("no nodes".into()),
        }
    }

    /// The line, cut or not: `A - B - C - D` or `A - B  x  C - D`.
    fn picture(&self, cut: bool) -> String {
        let side = |members: &[Member]| {
            members
                .iter()
                .map(|m| m.name.to_string())
                .collect::<Vec<_>>()
                .join(" - ")
        };
        let link = if cut { "  x  " } else { " - " };
        format!("{}{link}{}", side(self.left()), side(self.right()))
    }

    /// A step's title, after an Enter with `--step` or `--liveview`.
    fn title(&self, title: &str) -> Result<(), String> {
        println!();
        if self.step {
            self.enter("   [Enter] ")?;
        }
        println!("{title}");
        Ok(())
    }

    /// Within a step, with `--step` or `--liveview`: an Enter before what comes next, so
    /// that the views can be looked at (a payment back in the pool, two trees apart).
    fn pause(&self) -> Result<(), String> {
        if self.step {
            println!();
            self.enter("   [Enter] ")?;
        }
        Ok(())
    }

    /// Says `prompt` and waits for Enter (or the end of the input), or for the nodes to
    /// stop: they catch Ctrl-C, which then ends the wait instead of the process.
    fn enter(&self, prompt: &str) -> Result<(), String> {
        print!("{prompt}");
        std::io::stdout().flush().map_err(|e| e.to_string())?;
        let (sender, line) = std::sync::mpsc::channel();
        // A thread reads, so that this one can look at the nodes meanwhile; after a
        // Ctrl-C it is left blocked on the terminal and ends with the process.
        std::thread::spawn(move || {
            let mut text = String::new();
            let read = std::io::stdin().lock().read_line(&mut text);
            let _ = sender.send(read.map_err(|e| e.to_string()));
        });
        loop {
            match line.recv_timeout(Duration::from_millis(100)) {
                Ok(read) => return read.map(|_| ()),
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                    return Err("standard input is gone".into())
                }
            }
            let stopping = self.nodes.iter().find(|m| {
                m.node
                    .as_ref()
                    .is_none_or(|node| node.shared().is_stopping())
            });
            if let Some(m) = stopping {
                println!();
                return Err(format!("node {} was stopped (Ctrl-C?)", m.name));
            }
        }
    }

    /// Each node: its side, height, tip, pool size and peers.
    fn table(&self) -> Result<(), String> {
        println!("   node  side   height  tip       pool  peers");
        for (i, m) in self.nodes.iter().enumerate() {
            let side = if i < self.half() { "left" } else { "right" };
            let (height, tip) = m.tip()?;
            println!(
                "   {}     {side:<5}  {height:>6}  {}  {:>4}  {:>5}",
                m.name,
                short(&tip),
                m.pool()?.len(),
                m.peers()?
            );
        }
        Ok(())
    }

    /// Each node's pool size, left and right of the cut: `A 1, B 1  |  C 0, D 0`.
    fn pools(&self) -> Result<String, String> {
        let side = |members: &[Member]| -> Result<String, String> {
            let mut sizes = Vec::new();
            for m in members {
                sizes.push(format!("{} {}", m.name, m.pool()?.len()));
            }
            Ok(sizes.join(", "))
        };
        Ok(format!(
            "{}  |  {}",
            side(self.left())?,
            side(self.right())?
        ))
    }

    /// Waits until every node in `members` has `hash` as its tip.
    fn wait_tip(&self, members: &[Member], hash: &str) -> Result<Duration, String> {
        let waited = wait_for(&format!("every node at {}", short(hash)), || {
            for m in members {
                if m.tip_hash()? != hash {
                    return Ok(false);
                }
            }
            Ok(true)
        });
        // A stuck network says where each node stands.
        waited.map_err(|e| {
            let mut tips = Vec::new();
            for m in members {
                if let Ok((height, tip)) = m.tip() {
                    let peers = m.peers().unwrap_or_default();
                    tips.push(format!(
                        "{} at {height} {}, {peers} peers",
                        m.name,
                        short(&tip)
                    ));
                }
            }
            format!("{e} ({})", tips.join("; "))
        })
    }

    /// Waits until every node in `members` has `txid` in its pool.
    fn wait_pool(&self, members: &[Member], txid: &Txid) -> Result<Duration, String> {
        let txid = txid.to_string();
        wait_for(&format!("{} in every pool", short(&txid)), || {
            for m in members {
                if !m.pool()?.contains(&txid) {
                    return Ok(false);
                }
            }
            Ok(true)
        })
    }

    /// Waits until each node has as many peers as the line gives it.
    fn wait_links(&self, cut: bool) -> Result<Duration, String> {
        let last = self.nodes.len() - 1;
        wait_for("the links", || {
            for (i, m) in self.nodes.iter().enumerate() {
                let mut expected = usize::from(i > 0) + usize::from(i < last);
                let at_cut = i + 1 == self.half() || i == self.half();
                if cut && at_cut {
                    expected -= 1;
                }
                if m.peers()? != expected {
                    return Ok(false);
                }
            }
            Ok(true)
        })
    }

    /// Links the nodes in a line; the link across the cut is made once (`onetry`), the
    /// others are kept (`add`: reopened if they drop).
    fn connect(&self) -> Result<(), String> {
        let (left_end, right_end) = self.bridge()?;
        for pair in self.nodes.windows(2) {
            let [from, to] = pair else { continue };
            let kind = if from.name == left_end.name {
                "onetry"
            } else {
                "add"
            };
            from.call("addnode", json!([to.p2p_address(), kind]))?;
        }
        let took = self.wait_links(false)?;
        println!();
        println!(
            "   Links: {}   (addnode; each node knows only its neighbours)",
            self.picture(false)
        );
        println!(
            "   {} - {} is made with \"addnode onetry\": never retried, so it can be cut.",
            left_end.name, right_end.name
        );
        println!(
            "   Handshakes (version, verack) done in {}: every node has its peers.",
            ms(took)
        );
        Ok(())
    }

    /// Cuts the link between the two halves: `disconnectnode` on its left end.
    fn cut(&self) -> Result<(), String> {
        let (l, r) = self.bridge()?;
        l.call("disconnectnode", json!([r.p2p_address()]))?;
        self.wait_links(true)?;
        println!(
            "   {}: disconnectnode {} ({}). Now: {}",
            l.name,
            r.p2p_address(),
            r.name,
            self.picture(true)
        );
        Ok(())
    }

    /// Links the two halves again.
    fn mend(&self) -> Result<(), String> {
        let (l, r) = self.bridge()?;
        l.call("addnode", json!([r.p2p_address(), "onetry"]))?;
        self.wait_links(false)?;
        println!(
            "   {}: addnode {} onetry. Now: {}",
            l.name,
            r.p2p_address(),
            self.picture(false)
        );
        Ok(())
    }
}

/// Step 1: a block mined on A reaches every node, one hop at a time.
fn one_block(lab: &Lab, alice: &Person) -> Result<(), String> {
    let (a, _) = lab.ends()?;
    lab.title("1. ONE BLOCK, FROM PEER TO PEER")?;
    let tip = a.mine_to(101, alice)?;
    let took = lab.wait_tip(&lab.nodes, &tip)?;
    println!(
        "   {} mines 101 blocks paying Alice: a coinbase can be spent",
        a.name
    );
    println!("   100 blocks later, so she now has one coin of 50 BTC to spend.");
    println!("   Every node has all 101 after {}.", ms(took));

    let start = Instant::now();
    let hash = a.mine(1)?;
    println!();
    println!(
        "   {} mines block 102, {}, and tells its peer. The peer gets",
        a.name,
        short(&hash)
    );
    println!("   the block, checks every rule, makes it its tip, and tells its");
    println!("   own peers: the block hops along the line.");
    let mut arrived: Vec<(char, Duration)> = vec![(a.name, start.elapsed())];
    // Looked at often: a hop on loopback takes about a millisecond.
    wait_every(Duration::from_micros(100), "block 102 everywhere", || {
        for m in &lab.nodes {
            if !arrived.iter().any(|(n, _)| *n == m.name) && m.tip_hash()? == hash {
                arrived.push((m.name, start.elapsed()));
            }
        }
        Ok(arrived.len() == lab.nodes.len())
    })?;
    for (name, at) in &arrived {
        let what = if *name == a.name {
            "mined it"
        } else {
            "has it"
        };
        println!(
            "      {name} {what:<8} {:>5.1} ms",
            at.as_secs_f64() * 1000.0
        );
    }
    lab.table()
}

/// Step 2: the two halves lose each other; the left confirms a payment, the right mines
/// two blocks. The payment, for step 3.
fn split(lab: &Lab, alice: &Person, bob: &Person) -> Result<Txid, String> {
    let (a, z) = lab.ends()?;
    lab.title("2. SPLIT: TWO NETWORKS THAT CANNOT HEAR EACH OTHER")?;
    lab.cut()?;

    let coin = a.coinbase_coin(1)?;
    let tx = alice.pay(&coin, bob)?;
    let txid = a.send(&tx)?;
    lab.wait_pool(lab.left(), &txid)?;
    println!();
    println!("   Alice pays Bob the coin of block 1 (fee {FEE}):");
    println!(
        "   sendrawtransaction to {}, txid {}.",
        a.name,
        short(&txid.to_string())
    );
    println!("   It spreads on the left (inv, getdata, tx), not to the right.");
    println!("   Transactions in each pool: {}", lab.pools()?);

    let left_tip = a.mine(1)?;
    let right_tip = z.mine(2)?;
    lab.wait_tip(lab.left(), &left_tip)?;
    lab.wait_tip(lab.right(), &right_tip)?;
    println!();
    println!(
        "   {} mines block 103 with the payment; {} mines 103 and 104.",
        a.name, z.name
    );
    lab.table()?;
    println!("   Two histories of the same network, each valid, neither");
    println!("   knowing of the other.");
    Ok(txid)
}

/// Step 3: the halves meet again; the right's chain has more work and wins, the left's
/// block is undone, and its payment goes back to the pool until the next block.
fn heal(lab: &Lab, payment: &Txid) -> Result<(), String> {
    let (a, z) = lab.ends()?;
    lab.title("3. HEAL: THE CHAIN WITH THE MOST WORK WINS")?;
    let winner = z.tip()?.1;
    let start = Instant::now();
    lab.mend()?;
    lab.wait_tip(&lab.nodes, &winner)?;
    println!("   Across the link, headers first: the left learns of a chain");
    println!("   with one block more: more work. It fetches the 2 blocks, undoes");
    println!("   its own block 103, and connects the right's 103 and 104.");
    println!(
        "   Every node is at {} after {}.",
        short(&winner),
        ms(start.elapsed())
    );
    let tips = a.call("getchaintips", json!([]))?;
    for tip in tips.as_array().into_iter().flatten() {
        println!(
            "      getchaintips on {}: {:>3} {}  {}",
            a.name,
            tip["height"],
            short(tip["hash"].as_str().unwrap_or_default()),
            tip["status"].as_str().unwrap_or_default()
        );
    }
    let txid = payment.to_string();
    if !a.pool()?.contains(&txid) {
        return Err(format!(
            "the payment {txid} did not return to {}'s pool",
            a.name
        ));
    }
    let mut back = Vec::new();
    for m in &lab.nodes {
        if m.pool()?.contains(&txid) {
            back.push(m.name.to_string());
        }
    }
    println!();
    println!("   Alice's payment was in the undone block. It is still valid (its");
    println!("   coin is unspent on the winning chain), so it went back to the pool:");
    println!(
        "   getrawmempool on {} lists {}.",
        back.join(", "),
        short(&txid)
    );
    lab.table()?;
    lab.pause()?;

    let hash = a.mine(1)?;
    lab.wait_tip(&lab.nodes, &hash)?;
    println!();
    println!(
        "   {} mines block 105, {}: it confirms the payment again.",
        a.name,
        short(&hash)
    );
    for m in &lab.nodes {
        if m.pool()?.contains(&txid) || m.confirmations(payment)? != Some(1) {
            return Err(format!(
                "node {}: the payment is not confirmed in 105",
                m.name
            ));
        }
    }
    println!("   Every node: Bob's coin has 1 confirmation, no pool holds the payment.");
    Ok(())
}

/// Step 4: one coin, two payments, one to each half; after the heal only the one on the
/// chain with the most work is left.
fn double_spend(lab: &Lab, alice: &Person, bob: &Person, carol: &Person) -> Result<(), String> {
    let (a, z) = lab.ends()?;
    lab.title("4. A DOUBLE SPEND")?;
    lab.cut()?;
    let coin = a.coinbase_coin(2)?;
    let to_bob = alice.pay(&coin, bob)?;
    let to_carol = alice.pay(&coin, carol)?;
    let bob_txid = a.send(&to_bob)?;
    let carol_txid = z.send(&to_carol)?;
    lab.wait_pool(lab.left(), &bob_txid)?;
    lab.wait_pool(lab.right(), &carol_txid)?;
    println!();
    println!("   Alice spends the coin of block 2 twice, with the same fee:");
    println!(
        "      to Bob,   sent to {} (left):  {}",
        a.name,
        short(&bob_txid.to_string())
    );
    println!(
        "      to Carol, sent to {} (right): {}",
        z.name,
        short(&carol_txid.to_string())
    );
    println!("   Transactions in each pool: {}", lab.pools()?);
    match a.send(&to_carol) {
        Ok(_) => return Err(format!("{} took both payments", a.name)),
        Err(e) => {
            // Core's reject reason is the message up to its first comma.
            let message = e.trim_start_matches(&format!("node {}: sendrawtransaction: ", a.name));
            let reason = message.split(',').next().unwrap_or(message);
            println!(
                "   Carol's payment sent to {} as well: \"{reason}\".",
                a.name
            );
            println!("   Its pool already spends that coin, and a replacement must pay");
            println!("   more fees than what it replaces: the first one seen stays.");
        }
    }

    let left_tip = a.mine(1)?;
    let right_tip = z.mine(2)?;
    lab.wait_tip(lab.left(), &left_tip)?;
    lab.wait_tip(lab.right(), &right_tip)?;
    println!();
    println!(
        "   {} mines block 106 with Bob's payment; {} mines 106 with",
        a.name, z.name
    );
    println!("   Carol's, and 107.");
    lab.table()?;
    lab.pause()?;

    println!();
    let start = Instant::now();
    lab.mend()?;
    lab.wait_tip(&lab.nodes, &right_tip)?;
    println!(
        "   Every node is at {} after {}.",
        short(&right_tip),
        ms(start.elapsed())
    );
    lab.table()?;
    let bob_txid_hex = bob_txid.to_string();
    for m in &lab.nodes {
        if m.confirmations(&carol_txid)? != Some(2) {
            return Err(format!("node {}: Carol's payment is not confirmed", m.name));
        }
        if m.confirmations(&bob_txid)?.is_some() || m.pool()?.contains(&bob_txid_hex) {
            return Err(format!("node {}: Bob's payment is still there", m.name));
        }
    }
    println!();
    println!("   Carol's payment: 2 confirmations on every node (gettxout).");
    println!("   Bob's payment: in no block and in no pool. When the left undid");
    println!("   its block 106, the payment was offered back to the pool, which");
    println!("   refused it: on the winning chain Carol's payment spent the coin.");
    Ok(())
}
