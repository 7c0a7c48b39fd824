//! The live view in a real browser: `soud -liveview=PORT` with headless Chromium reading
//! the page's DOM while the test mines, pays, forks, feeds a hostile coinbase and
//! restarts the node.
//!
//! The browser is Debian's `chromium`, driven through `chromedriver` by PyPI's
//! `selenium` from `driver.py` (one JSON command a line). The Python interpreter is
//! `$SOU_LIVEVIEW_PYTHON`, else the functional tests' venv
//! (`target/functional-venv/bin/python`), else `python3`. Without chromium, chromedriver
//! or selenium the test prints `SKIPPED` and passes, unless `SOU_LIVEVIEW_PYTHON` was
//! set: then it fails, so that CI cannot skip it silently. Screenshots of each step are
//! kept in `$CARGO_TARGET_TMPDIR/liveview-screenshots/` (`steps/` and `load/`).
//!
//! Two tests, one browser at a time: the steps below, each to be shown within a second;
//! and a load test, a 2,000-block chain and 10,000 transactions in the pool
//! (`SOU_LIVEVIEW_BLOCKS`, `SOU_LIVEVIEW_POOL` for other sizes).
//!
//! The chain this test draws (heights; `*` the tip):
//!
//! ```text
//!   0 .. 101   102 (mined, seen within a second)
//!              103 (confirms the payment)
//!              104a  invalidated: the tip goes back to 103, a reorg
//!              104b - 105b          the new active branch
//!                             106  its coinbase says <script>..., shown as text
//!   restart:                  107* mined after the page reconnected
//! ```

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

#[path = "../support/mod.rs"]
mod support;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sou_primitives::encoding::serialize;
use sou_primitives::{
    Amount, Block, BlockHeader, CompactTarget, Network, OutPoint, Script, Transaction, TxIn, TxOut,
    Witness,
};
use support::{anyone, TestNode};

/// How long the page may take to show a change: the issue's "within a second".
const WITHIN: f64 = 1.0;

/// How long the whole browser session may run.
const TIME_LIMIT: Duration = Duration::from_secs(240);

/// The interpreter to use, and whether it was asked for explicitly.
fn python() -> (String, bool) {
    if let Ok(path) = std::env::var("SOU_LIVEVIEW_PYTHON") {
        if !path.is_empty() {
            return (path, true);
        }
    }
    let venv =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/functional-venv/bin/python");
    if venv.exists() {
        return (venv.display().to_string(), false);
    }
    ("python3".to_string(), false)
}

/// What is missing to run a browser, if anything.
fn missing(python: &str) -> Option<String> {
    let chromium = std::env::var("SOU_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let driver =
        std::env::var("SOU_CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
    for (path, package) in [(&chromium, "chromium"), (&driver, "chromium-driver")] {
        if !Path::new(path).exists() {
            return Some(format!("{path} not found (apt-get install {package})"));
        }
    }
    let selenium = Command::new(python)
        .args(["-c", "import selenium"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    (!selenium).then(|| format!("{python} cannot import selenium (pip install selenium)"))
}

/// The browser, behind `driver.py`.
struct Browser {
    child: Child,
    stdin: ChildStdin,
    answers: mpsc::Receiver<String>,
    started: Instant,
    shots: PathBuf,
}

impl Browser {
    fn start(python: &str, shots: PathBuf) -> Browser {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/liveview/driver.py");
        let mut command = Command::new(python);
        command
            .arg(script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        // Its own process group, so that chromedriver and chromium go with it.
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let mut child = command.spawn().expect("python starts");
        let stdin = child.stdin.take().unwrap();
        let stdout: ChildStdout = child.stdout.take().unwrap();
        let (sender, answers) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let mut browser = Browser {
            child,
            stdin,
            answers,
            started: Instant::now(),
            shots,
        };
        let ready = browser.read();
        assert_eq!(ready["ready"], true, "the browser did not start: {ready}");
        browser
    }

    fn read(&mut self) -> Value {
        let left = TIME_LIMIT.saturating_sub(self.started.elapsed());
        let line = self
            .answers
            .recv_timeout(left.max(Duration::from_secs(1)))
            .expect("the browser answers within the time limit");
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"))
    }

    fn send(&mut self, command: Value) -> Value {
        writeln!(self.stdin, "{command}").unwrap();
        self.stdin.flush().unwrap();
        self.read()
    }

    fn open(&mut self, url: &str) {
        let answer = self.send(json!({"op": "open", "url": url}));
        assert_eq!(answer["ok"], true, "open {url}: {answer}");
    }

    fn eval(&mut self, js: &str) -> Value {
        let answer = self.send(json!({"op": "eval", "js": js}));
        assert_eq!(answer["ok"], true, "{js}: {answer}");
        answer["value"].clone()
    }

    /// Waits until `js` is truthy in the page; fails after `limit` seconds. Prints and
    /// returns how long it took.
    fn wait(&mut self, what: &str, js: &str, limit: f64) -> f64 {
        let answer = self.send(json!({"op": "wait", "js": js, "timeout": limit}));
        let elapsed = answer["elapsed"].as_f64().unwrap_or(f64::NAN);
        if answer["ok"] != true {
            let logs = self.send(json!({"op": "logs"}));
            self.shot("failure");
            panic!("{what}: not shown within {limit} s ({answer}); browser log: {logs}");
        }
        println!("  {what}: shown after {:.0} ms", elapsed * 1000.0);
        elapsed
    }

    fn click(&mut self, css: &str) {
        let answer = self.send(json!({"op": "click", "css": css}));
        assert_eq!(answer["ok"], true, "click {css}: {answer}");
    }

    fn shot(&mut self, name: &str) {
        let path = self.shots.join(format!("{name}.png"));
        let answer = self.send(json!({"op": "shot", "path": path.display().to_string()}));
        assert_eq!(answer["ok"], true, "screenshot {name}: {answer}");
        println!("  screenshot {}", path.display());
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = writeln!(self.stdin, "{}", json!({"op": "quit"}));
        let _ = self.stdin.flush();
        for _ in 0..50 {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = Command::new("kill")
            .args(["-KILL", &format!("-{}", self.child.id())])
            .status();
        let _ = self.child.wait();
    }
}

/// A JavaScript string literal of `text`.
fn js(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

/// `height` as BIP34 wants it at the start of a coinbase: a minimal script number push.
fn height_push(height: u32) -> Vec<u8> {
    let mut number = Vec::new();
    let mut rest = height;
    while rest > 0 {
        number.push((rest & 0xff) as u8);
        rest >>= 8;
    }
    if number.last().is_some_and(|b| b & 0x80 != 0) {
        number.push(0);
    }
    let mut push = vec![u8::try_from(number.len()).unwrap()];
    push.extend(number);
    push
}

/// A block on `node`'s tip whose coinbase writes `text` after the height: mined here (at
/// regtest's target one try in two succeeds) and handed over with `submitblock`.
fn block_with_coinbase_text(node: &TestNode, text: &[u8]) -> Block {
    let tip = node.rpc("getbestblockhash", json!([]));
    let header = node.rpc("getblockheader", json!([tip]));
    let height = u32::try_from(header["height"].as_u64().unwrap() + 1).unwrap();
    let mut script_sig = height_push(height);
    // OP_PUSHDATA1 for 76..255 bytes (a coinbase script holds at most 100).
    if text.len() > 75 {
        script_sig.push(0x4c);
    }
    script_sig.push(u8::try_from(text.len()).unwrap());
    script_sig.extend_from_slice(text);
    let coinbase = Transaction {
        version: 2,
        input: vec![TxIn {
            previous_output: OutPoint::NULL,
            script_sig: Script::from_bytes(script_sig),
            sequence: 0xffff_ffff,
            witness: Witness::from_items(Vec::<Vec<u8>>::new()),
        }],
        output: vec![TxOut {
            value: Amount::from_sat(5_000_000_000),
            script_pubkey: sou_keys::Address::p2wsh(&anyone::op_true(), Network::Regtest)
                .script_pubkey(),
        }],
        lock_time: 0,
    };
    let bits = u32::from_str_radix(header["bits"].as_str().unwrap(), 16).unwrap();
    let mut block = Block {
        header: BlockHeader {
            version: 0x2000_0000,
            prev_blockhash: tip.as_str().unwrap().parse().unwrap(),
            merkle_root: Default::default(),
            time: u32::try_from(header["time"].as_u64().unwrap() + 1).unwrap(),
            bits: CompactTarget::from_consensus(bits),
            nonce: 0,
        },
        txdata: vec![coinbase],
    };
    block.header.merkle_root = block.compute_merkle_root().root;
    sou_miner::regtest::mine(&mut block, Network::Regtest.params()).unwrap();
    block
}

/// One browser at a time: the timings are the page's, not a contest for two cores.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The interpreter and a fresh screenshot folder `name`, or `None` (after printing
/// `SKIPPED` and why) when there is no browser to drive.
fn prepare(name: &str) -> Option<(String, PathBuf)> {
    let (python, explicit) = python();
    if let Some(why) = missing(&python) {
        assert!(!explicit, "SOU_LIVEVIEW_PYTHON is set but {why}");
        println!("SKIPPED: {why}");
        return None;
    }
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("liveview-screenshots")
        .join(name);
    let _ = std::fs::remove_dir_all(&shots);
    std::fs::create_dir_all(&shots).unwrap();
    Some((python, shots))
}

#[test]
fn live_view_in_a_browser() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let Some((python, shots)) = prepare("steps") else {
        return;
    };
    let port = support::free_port();
    let mut node = TestNode::start(&[&format!("-liveview={port}")]);
    let url = format!("http://127.0.0.1:{port}/");
    let payout = anyone::address();
    let started = Instant::now();
    let mut browser = Browser::start(&python, shots.clone());
    println!(
        "browser started in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    // The page loads and connects.
    browser.open(&url);
    browser.wait(
        "page connected at height 0",
        "document.getElementById('status').textContent === 'live' && document.body.dataset.height === '0'",
        5.0,
    );

    // Blocks: 101 at once (coins to spend later), then one that must show within a second.
    node.rpc("generatetoaddress", json!([101, payout]));
    browser.wait("101 blocks", "document.body.dataset.height === '101'", 5.0);
    let hash = node.rpc("generatetoaddress", json!([1, payout]))[0]
        .as_str()
        .unwrap()
        .to_string();
    browser.wait(
        "block 102 in the tree, active, as the tip",
        &format!(
            "(e => e && e.dataset.status === 'active' && e.classList.contains('tip'))(document.querySelector('#tree [data-hash=\"{hash}\"]'))"
        ),
        WITHIN,
    );
    // The mining panel: regtest's target, and the block just mined with its attempts.
    browser.wait(
        "mining panel: regtest's target, block 102's attempts",
        "document.getElementById('target').textContent.startsWith('7fffff') \
         && document.querySelector('#mined [data-height=\"102\"]') !== null",
        WITHIN,
    );
    browser.shot("01-blocks");

    // A payment waits in the mempool, in the next block's template.
    let rpc = |method: &str, params: Value| node.rpc(method, params);
    let (outpoint, value) = anyone::coinbase_coin(&rpc, 1);
    let tx = anyone::spend(outpoint, value, Amount::from_sat(20_000));
    let txid = node.rpc("sendrawtransaction", json!([anyone::hex_of(&tx)]));
    let txid = txid.as_str().unwrap().to_string();
    let tx_selector = format!("#template-txs [data-txid=\"{txid}\"]");
    browser.wait(
        "payment in the mempool's next-block template",
        &format!("document.querySelector({}) !== null", js(&tx_selector)),
        WITHIN,
    );
    browser.shot("02-mempool");
    browser.click(&tx_selector);
    browser.wait(
        "payment's details: fee rate, outputs, labelled bytes",
        &format!(
            "(b => b.dataset.txid === {} && b.textContent.includes('sat/vB') && b.textContent.includes('output 0: value') && b.textContent.includes('unspent'))(document.getElementById('details-body'))",
            js(&txid)
        ),
        WITHIN,
    );
    browser.shot("03-transaction-details");
    browser.click("#close-details");

    // A block confirms it: it leaves the mempool.
    let confirming = node.rpc("generatetoaddress", json!([1, payout]))[0]
        .as_str()
        .unwrap()
        .to_string();
    browser.wait(
        "payment confirmed: out of the pool, shown as having left it, confirmed",
        &format!(
            "document.querySelector({}) === null && document.body.dataset.mempool === '0' && document.body.dataset.height === '103' \
             && document.querySelector({}) !== null",
            js(&format!("#template-txs [data-txid=\"{txid}\"], #waiting [data-txid=\"{txid}\"]")),
            js(&format!("#left [data-txid=\"{txid}\"][data-why=\"confirmed\"]"))
        ),
        WITHIN,
    );
    browser.shot("03b-confirmed");

    // A replacement paying more takes a payment's place: the first leaves, replaced.
    let (outpoint, value) = anyone::coinbase_coin(&rpc, 2);
    let first_payment = anyone::spend(outpoint, value, Amount::from_sat(10_000));
    let replaced = node.rpc(
        "sendrawtransaction",
        json!([anyone::hex_of(&first_payment)]),
    );
    let replaced = replaced.as_str().unwrap().to_string();
    browser.wait(
        "a payment in the pool",
        &format!(
            "document.querySelector({}) !== null",
            js(&format!("#template-txs [data-txid=\"{replaced}\"]"))
        ),
        WITHIN,
    );
    let better = anyone::spend(outpoint, value, Amount::from_sat(50_000));
    let better = node.rpc("sendrawtransaction", json!([anyone::hex_of(&better)]));
    let better = better.as_str().unwrap().to_string();
    browser.wait(
        "the replacement in the template, the first shown as replaced",
        &format!(
            "document.querySelector({}) !== null && document.querySelector({}) !== null",
            js(&format!("#template-txs [data-txid=\"{better}\"]")),
            js(&format!(
                "#left [data-txid=\"{replaced}\"][data-why=\"replaced\"]"
            ))
        ),
        WITHIN,
    );
    browser.shot("03c-replaced");

    // A fork: a block 104a, invalidated by hand; the node mines 104b and 105b on 103.
    let first = node.rpc("generatetoaddress", json!([1, payout]))[0]
        .as_str()
        .unwrap()
        .to_string();
    browser.wait(
        "block 104a",
        "document.body.dataset.height === '104'",
        WITHIN,
    );
    node.rpc("invalidateblock", json!([first]));
    // Another payout, or 104b could be 104a again, byte for byte, within the same second.
    let other = sou_keys::Address::p2wsh(&Script::from_bytes(vec![0x52]), Network::Regtest);
    let branch = node.rpc("generatetoaddress", json!([2, other.to_string()]));
    let new_tip = branch[1].as_str().unwrap().to_string();
    browser.wait(
        "reorg: 104a invalid, 105b the active tip, the reorg noted",
        &format!(
            "(a => a && a.dataset.status === 'invalid')(document.querySelector('#tree [data-hash=\"{first}\"]')) \
             && (b => b && b.dataset.status === 'active' && b.classList.contains('tip'))(document.querySelector('#tree [data-hash=\"{new_tip}\"]')) \
             && !document.getElementById('reorg-note').hidden"
        ),
        WITHIN,
    );
    // The block that confirmed the payment is still on the active chain.
    assert_eq!(
        browser.eval(&format!(
            "document.querySelector('#tree [data-hash=\"{confirming}\"]').dataset.status"
        )),
        "active"
    );
    browser.shot("04-fork-and-reorg");

    // A coinbase that holds HTML and a script is shown as text, and nothing runs.
    let text = b"<script>window.pwned=1</script><img src=x onerror=\"window.pwned=2\"><b>bold</b>";
    let block = block_with_coinbase_text(&node, text);
    let hostile = block.block_hash().to_string();
    let verdict = node.rpc("submitblock", json!([hex::encode(serialize(&block))]));
    assert_eq!(verdict, Value::Null, "submitblock: {verdict}");
    let selector = format!("#tree [data-hash=\"{hostile}\"]");
    browser.wait(
        "block with a hostile coinbase in the tree",
        &format!("document.querySelector({}) !== null", js(&selector)),
        WITHIN,
    );
    // SVG elements take clicks through a dispatched event.
    browser.eval(&format!(
        "(document.querySelector({}).dispatchEvent(new MouseEvent('click', {{bubbles: true}})), true)",
        js(&selector)
    ));
    browser.wait(
        "coinbase text shown as text",
        &format!(
            "(c => c && c.textContent.includes({}))(document.querySelector('#details-body .coinbase-text'))",
            js("<script>window.pwned=1</script>")
        ),
        WITHIN,
    );
    assert_eq!(
        browser.eval(
            "[typeof window.pwned, document.querySelectorAll('#details script, #details img, #details b').length]"
        ),
        json!(["undefined", 0]),
        "the coinbase's HTML must not become elements"
    );
    browser.shot("05-hostile-coinbase");
    browser.click("#close-details");

    // The node restarts: the page says so, reconnects, and shows the next block.
    let (status, _) = node.stop();
    assert!(status.success(), "soud stopped with {status}");
    browser.wait(
        "node gone: the page says reconnecting",
        "document.getElementById('status').textContent === 'reconnecting'",
        5.0,
    );
    browser.shot("06-node-stopped");
    node.restart(&[]);
    browser.wait(
        "page reconnected after the restart",
        "document.getElementById('status').textContent === 'live'",
        10.0,
    );
    let after = node.rpc("generatetoaddress", json!([1, payout]))[0]
        .as_str()
        .unwrap()
        .to_string();
    browser.wait(
        "block mined after the restart",
        &format!(
            "(b => b && b.classList.contains('tip'))(document.querySelector('#tree [data-hash=\"{after}\"]'))"
        ),
        WITHIN,
    );
    browser.shot("07-after-restart");
    println!(
        "live view checked in {:.1} s; screenshots in {}",
        started.elapsed().as_secs_f64(),
        shots.display()
    );
}

/// Two nodes: A shows its view, B connects to it. Blocks B mines arrive at A, a block A
/// mines goes out to B, a payment sent to B reaches A: the peers' feed shows each, and
/// the peer list B's height.
#[test]
fn live_view_shows_blocks_and_transactions_travelling_between_peers() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let Some((python, shots)) = prepare("peers") else {
        return;
    };
    let port = support::free_port();
    let mut a = TestNode::start(&[&format!("-liveview={port}"), "-listen=1", "-bind=127.0.0.1"]);
    let mut b = TestNode::start(&[]);
    let payout = anyone::address();
    let mut browser = Browser::start(&python, shots.clone());
    browser.open(&format!("http://127.0.0.1:{port}/"));
    browser.wait(
        "page connected",
        "document.getElementById('status').textContent === 'live'",
        5.0,
    );

    b.rpc(
        "addnode",
        json!([format!("127.0.0.1:{}", a.p2p_port), "onetry"]),
    );
    browser.wait(
        "B in A's peer list",
        "document.querySelectorAll('#peers li').length === 1",
        5.0,
    );
    // B mines: its blocks come in, and the feed says from whom.
    b.rpc("generatetoaddress", json!([101, payout]));
    browser.wait(
        "B's blocks at A, in the feed, B's height in the list",
        "document.body.dataset.height === '101' \
         && document.querySelector('#activity li[data-dir=\"in\"][data-what=\"block\"]') !== null \
         && document.querySelector('#peers li').textContent.includes('height 101')",
        10.0,
    );
    // A mines: the block goes out to B.
    let hash = a.rpc("generatetoaddress", json!([1, payout]))[0]
        .as_str()
        .unwrap()
        .to_string();
    browser.wait(
        "A's block announced to B",
        &format!(
            "document.querySelector({}) !== null",
            js(&format!(
                "#activity li[data-dir=\"out\"][data-what=\"block\"][data-id=\"{hash}\"]"
            ))
        ),
        WITHIN,
    );
    // A payment sent to B reaches A after B's relay delay (BIP-less trickling: seconds),
    // then shows in A's feed at once.
    let rpc = |method: &str, params: Value| b.rpc(method, params);
    let (outpoint, value) = anyone::coinbase_coin(&rpc, 1);
    let tx = anyone::spend(outpoint, value, Amount::from_sat(20_000));
    let txid = b.rpc("sendrawtransaction", json!([anyone::hex_of(&tx)]));
    let txid = txid.as_str().unwrap().to_string();
    let deadline = Instant::now() + Duration::from_secs(30);
    let parsed: sou_primitives::Txid = txid.parse().unwrap();
    while !anyone::in_pool(&|m: &str, p: Value| a.rpc(m, p), &parsed) {
        assert!(Instant::now() < deadline, "the payment never reached A");
        std::thread::sleep(Duration::from_millis(20));
    }
    browser.wait(
        "the payment from B in A's feed and pool",
        &format!(
            "document.querySelector({}) !== null && document.querySelector({}) !== null",
            js(&format!(
                "#activity li[data-dir=\"in\"][data-what=\"tx\"][data-id=\"{txid}\"]"
            )),
            js(&format!("#template-txs [data-txid=\"{txid}\"]"))
        ),
        WITHIN,
    );
    browser.shot("01-peers-feed");
    b.stop();
    a.stop();
}

/// How many blocks and pool transactions the load test makes (the issue's numbers by
/// default; smaller ones for a quick run).
fn load_sizes() -> (u64, usize) {
    (
        support::env_number("SOU_LIVEVIEW_BLOCKS").unwrap_or(2_000),
        usize::try_from(support::env_number("SOU_LIVEVIEW_POOL").unwrap_or(10_000)).unwrap(),
    )
}

/// Sends `txs` in JSON-RPC batches of 500 `sendrawtransaction` calls; fails on any error.
fn send_all(node: &TestNode, txs: &[Transaction]) {
    for batch in txs.chunks(500) {
        let calls: Vec<Value> = batch
            .iter()
            .map(|tx| json!({"jsonrpc": "2.0", "id": 1, "method": "sendrawtransaction", "params": [anyone::hex_of(tx)]}))
            .collect();
        let (status, text) = node.post(&Value::Array(calls).to_string(), None);
        assert_eq!(status, 200, "{text}");
        let replies: Value = serde_json::from_str(&text).unwrap();
        for reply in replies.as_array().unwrap() {
            assert!(reply.get("error").is_none(), "{reply}");
        }
    }
}

/// A long chain and a full pool: the page shows the recent part and stays responsive.
#[test]
fn live_view_with_a_long_chain_and_a_full_mempool() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let Some((python, shots)) = prepare("load") else {
        return;
    };
    let (blocks, pool) = load_sizes();
    let port = support::free_port();
    let node = TestNode::start(&[&format!("-liveview={port}")]);
    let payout = anyone::address();
    let mut browser = Browser::start(&python, shots);
    browser.open(&format!("http://127.0.0.1:{port}/"));
    browser.wait(
        "page connected",
        "document.getElementById('status').textContent === 'live'",
        5.0,
    );

    let started = Instant::now();
    node.rpc("generatetoaddress", json!([blocks, payout]));
    println!(
        "  {blocks} blocks mined in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    browser.wait(
        &format!("tip at {blocks}"),
        &format!("document.body.dataset.height === '{blocks}'"),
        5.0,
    );
    let drawn = browser.eval("document.querySelectorAll('#tree .block').length");
    assert!(drawn.as_u64().unwrap() <= 20, "{drawn} blocks drawn");

    // Coins for the pool: coinbases fanned out to 1,000 outputs each, confirmed.
    let rpc = |method: &str, params: Value| node.rpc(method, params);
    let fan_outs: Vec<Transaction> = (0..pool.div_ceil(1_000))
        .map(|i| {
            let (outpoint, value) = anyone::coinbase_coin(&rpc, 1 + i as u64);
            anyone::spend_to(outpoint, value, Amount::from_sat(200_000), 1_000)
        })
        .collect();
    send_all(&node, &fan_outs);
    node.rpc("generatetoaddress", json!([1, payout]));
    let spends: Vec<Transaction> = fan_outs
        .iter()
        .flat_map(|fan| {
            let txid = fan.compute_txid();
            let value = fan.output[0].value;
            (0..1_000u32).map(move |n| (OutPoint::new(txid, n), value))
        })
        .take(pool)
        .enumerate()
        // Fee rates from 1 to about 50 sat/vB, for colour.
        .map(|(i, (outpoint, value))| {
            let fee = 100 + (i as i64 % 50) * 100;
            anyone::spend(outpoint, value, Amount::from_sat(fee))
        })
        .collect();
    let started = Instant::now();
    send_all(&node, &spends);
    println!(
        "  {pool} transactions sent in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    browser.wait(
        &format!("{pool} transactions in the mempool view"),
        &format!("document.body.dataset.mempool === '{pool}'"),
        5.0,
    );
    browser.shot("full-mempool");
    // Still responsive: a click shows a transaction's details within a second.
    browser.click("#template-txs .tx");
    browser.wait(
        "details of a transaction in a full pool",
        "document.getElementById('details-body').dataset.kind === 'tx' && document.getElementById('details-body').textContent.includes('sat/vB')",
        WITHIN,
    );
    browser.click("#close-details");
    // A block takes the template's transactions; the page follows within a second.
    node.rpc("generatetoaddress", json!([1, payout]));
    let left = node.rpc("getmempoolinfo", json!([]))["size"]
        .as_u64()
        .unwrap();
    browser.wait(
        "block mined from the full pool",
        &format!("document.body.dataset.mempool === '{left}'"),
        WITHIN,
    );
    browser.shot("after-a-block");
}

/// `sou node --liveview=PORT` (double dashes, as bitcoind also takes them) serves the
/// same view: its snapshot answers, at height 0. No browser needed.
#[test]
fn sou_node_serves_the_live_view_too() {
    use std::io::Read;
    let datadir = support::fresh_datadir("sou-node-liveview");
    let (port, rpc_port, p2p_port) = (
        support::free_port(),
        support::free_port(),
        support::free_port(),
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_sou"))
        .args([
            "node".to_string(),
            "--regtest".to_string(),
            format!("--datadir={}", datadir.display()),
            format!("--rpcport={rpc_port}"),
            format!("--port={p2p_port}"),
            "--listen=0".to_string(),
            format!("--liveview={port}"),
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("sou node starts");
    let deadline = Instant::now() + Duration::from_secs(60);
    let reply = loop {
        let attempt = std::net::TcpStream::connect(("127.0.0.1", port)).and_then(|mut stream| {
            stream.set_read_timeout(Some(Duration::from_secs(10)))?;
            stream.write_all(b"GET /api/state HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")?;
            let mut reply = String::new();
            stream.read_to_string(&mut reply)?;
            Ok(reply)
        });
        match attempt {
            Ok(reply) if !reply.is_empty() => break reply,
            _ if Instant::now() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("sou node's live view never answered");
            }
            _ => std::thread::sleep(Duration::from_millis(50)),
        }
    };
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&datadir);
    assert!(
        reply.starts_with("HTTP/1.0 200") || reply.starts_with("HTTP/1.1 200"),
        "{reply}"
    );
    let body = reply.split("\r\n\r\n").nth(1).unwrap_or_default();
    let state: Value = serde_json::from_str(body).unwrap();
    assert_eq!(state["tip"]["height"], json!(0));
    assert_eq!(state["network"], json!("regtest"));
}
