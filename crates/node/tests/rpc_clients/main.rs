//! Clients nobody here wrote, driving `soud` as they drive `bitcoind`.
//!
//! A drop-in replacement is judged by the clients people already use. Two of them here:
//!
//! - the `bitcoincore-rpc` crate (0.19), with cookie authentication, its typed results
//!   (`GetBlockResult`, `GetBlockHeaderResult`, `GetTxOutResult`, `GetChainTipsResult`,
//!   `GetBlockchainInfoResult`) and its decoding of raw blocks and headers;
//! - Bitcoin Core's own `bitcoin-cli`, when `BITCOINCLI` names one: plain and `-named`
//!   calls, `-stdin`, `-rpcwait`, and what it prints (and exits with) when a call fails.
//!
//! Where a real `bitcoind` is at hand (`BITCOIND=/path/to/bitcoind`), the same checks run
//! against it too, so that an expectation here is Core's and not a guess. The error texts
//! and exit codes written below are what `bitcoin-cli` v31.99 printed against `bitcoind`
//! v31.99.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test: a panic is a failed test"
)]

#[path = "../support/mod.rs"]
mod support;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::str::FromStr;
use std::time::{Duration, Instant};

use bitcoincore_rpc::bitcoin::{self, Address, BlockHash, Network};
use bitcoincore_rpc::json::{GetChainTipsResultStatus, ScriptPubkeyType};
use bitcoincore_rpc::{Auth, Client, RpcApi};
use serde_json::{json, Value};
use support::{free_port, fresh_datadir, TestNode, BURN_ADDRESS};

/// The longest any one client command may take before the test calls it hung.
const COMMAND_LIMIT: Duration = Duration::from_secs(60);

// ---------------------------------------------------------------------------------------
// A real bitcoind, for comparison (only when `BITCOIND` is set).
// ---------------------------------------------------------------------------------------

/// A `bitcoind -regtest` on a fresh data directory, stopped and removed on drop.
struct CoreNode {
    child: Option<Child>,
    datadir: PathBuf,
    rpc_port: u16,
}

impl CoreNode {
    /// Starts the `bitcoind` named by `BITCOIND`, or says why not.
    fn start() -> Option<CoreNode> {
        let path = std::env::var_os("BITCOIND")?;
        let datadir = fresh_datadir("core");
        let rpc_port = free_port();
        let child = Command::new(path)
            .args([
                "-regtest".to_string(),
                format!("-datadir={}", datadir.display()),
                format!("-rpcport={rpc_port}"),
                format!("-port={}", free_port()),
                "-listen=0".to_string(),
                "-printtoconsole=0".to_string(),
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("bitcoind starts");
        let mut core = CoreNode {
            child: Some(child),
            datadir,
            rpc_port,
        };
        let started = Instant::now();
        loop {
            if core.cookie().is_some()
                && core.call("getblockcount", json!([])).get("result") == Some(&json!(0))
            {
                return Some(core);
            }
            if let Some(child) = core.child.as_mut() {
                if let Ok(Some(status)) = child.try_wait() {
                    panic!("bitcoind exited with {status} before answering RPC");
                }
            }
            assert!(
                started.elapsed() < COMMAND_LIMIT,
                "bitcoind did not answer RPC"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn cookie_path(&self) -> PathBuf {
        self.datadir.join("regtest").join(".cookie")
    }

    fn cookie(&self) -> Option<String> {
        std::fs::read_to_string(self.cookie_path())
            .ok()
            .map(|s| s.trim().to_string())
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.rpc_port)
    }

    /// The whole JSON-RPC reply (or `null` when there was none).
    fn call(&self, method: &str, params: Value) -> Value {
        let header = format!(
            "Basic {}",
            support::base64_encode(self.cookie().unwrap_or_default().as_bytes())
        );
        let body = json!({"jsonrpc": "1.0", "id": "core", "method": method, "params": params});
        let text = match ureq::post(&self.url())
            .set("Authorization", &header)
            .timeout(COMMAND_LIMIT)
            .send_string(&body.to_string())
        {
            Ok(r) => r.into_string().unwrap_or_default(),
            Err(ureq::Error::Status(_, r)) => r.into_string().unwrap_or_default(),
            Err(_) => String::new(),
        };
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }
}

impl Drop for CoreNode {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = self.call("stop", json!([]));
            let started = Instant::now();
            while started.elapsed() < COMMAND_LIMIT {
                if let Ok(Some(_)) = child.try_wait() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.datadir);
    }
}

// ---------------------------------------------------------------------------------------
// The bitcoincore-rpc crate.
// ---------------------------------------------------------------------------------------

/// A `bitcoincore-rpc` client with the node's cookie, as a user would configure it.
fn crate_client(url: &str, cookie: &Path) -> Client {
    Client::new(url, Auth::CookieFile(cookie.to_path_buf())).expect("the cookie file reads")
}

fn soud_client(node: &TestNode) -> Client {
    crate_client(&node.url(), &node.datadir.join("regtest").join(".cookie"))
}

fn burn_address() -> Address {
    Address::from_str(BURN_ADDRESS)
        .unwrap()
        .require_network(Network::Regtest)
        .unwrap()
}

/// Mines 101 blocks on a fresh chain through the crate; their hashes, height 1 first.
fn mine_101(rpc: &Client) -> Vec<BlockHash> {
    assert_eq!(rpc.get_block_count().unwrap(), 0, "a fresh chain");
    let hashes = rpc.generate_to_address(101, &burn_address()).unwrap();
    assert_eq!(hashes.len(), 101);
    hashes
}

/// The reads a wallet or an explorer makes, typed and decoded.
fn check_reads(rpc: &Client, hashes: &[BlockHash]) {
    let tip = hashes[100];
    assert_eq!(rpc.get_block_count().unwrap(), 101);
    assert_eq!(rpc.get_best_block_hash().unwrap(), tip);
    for (i, hash) in hashes.iter().enumerate() {
        assert_eq!(
            rpc.get_block_hash(i as u64 + 1).unwrap(),
            *hash,
            "height {}",
            i + 1
        );
    }
    let genesis = rpc.get_block_hash(0).unwrap();
    assert_eq!(
        genesis.to_string(),
        "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206"
    );

    // getblock 0, decoded by rust-bitcoin: the bytes hash to the hash asked for, link to
    // the parent, and commit to their transactions.
    for height in [1usize, 50, 101] {
        let hash = hashes[height - 1];
        let block = rpc.get_block(&hash).unwrap();
        assert_eq!(block.block_hash(), hash, "height {height}");
        let parent = if height == 1 {
            genesis
        } else {
            hashes[height - 2]
        };
        assert_eq!(block.header.prev_blockhash, parent);
        assert!(block.check_merkle_root(), "height {height}");
        assert_eq!(block.txdata.len(), 1);
        assert!(block.txdata[0].is_coinbase());
        assert_eq!(
            block.txdata[0].output[0].script_pubkey,
            burn_address().script_pubkey()
        );
        // BIP34: the coinbase starts with the height. rust-bitcoin reads a pushed number
        // only, and Core writes heights 1 to 16 as OP_1..OP_16.
        if height > 16 {
            assert_eq!(block.bip34_block_height().unwrap(), height as u64);
        }
    }

    // getblock 1 and getblockheader true, typed.
    let info = rpc.get_block_info(&hashes[49]).unwrap();
    assert_eq!(info.hash, hashes[49]);
    assert_eq!(info.height, 50);
    assert_eq!(info.confirmations, 52);
    assert_eq!(info.n_tx, 1);
    assert_eq!(info.tx.len(), 1);
    assert_eq!(info.previousblockhash, Some(hashes[48]));
    assert_eq!(info.nextblockhash, Some(hashes[50]));
    assert_eq!(info.bits, "207fffff");
    let header = rpc.get_block_header_info(&hashes[49]).unwrap();
    assert_eq!(header.hash, hashes[49]);
    assert_eq!(header.height, 50);
    assert_eq!(header.confirmations, 52);
    assert_eq!(header.merkle_root, info.merkleroot);
    assert_eq!(header.previous_block_hash, Some(hashes[48]));
    assert_eq!(header.next_block_hash, Some(hashes[50]));
    assert_eq!(header.chainwork, info.chainwork);
    let tip_header = rpc.get_block_header_info(&tip).unwrap();
    assert_eq!(tip_header.confirmations, 1);
    assert_eq!(tip_header.next_block_hash, None);
    // getblockheader false, decoded.
    let raw_header = rpc.get_block_header(&hashes[49]).unwrap();
    assert_eq!(raw_header.block_hash(), hashes[49]);

    // gettxout: the first coinbase is mature at 101 blocks.
    let coinbase = info_txid(rpc, &hashes[0]);
    let out = rpc
        .get_tx_out(&coinbase, 0, None)
        .unwrap()
        .expect("unspent");
    assert_eq!(out.bestblock, tip);
    assert_eq!(out.confirmations, 101);
    assert_eq!(out.value, bitcoin::Amount::from_btc(50.0).unwrap());
    assert!(out.coinbase);
    assert_eq!(
        out.script_pub_key.type_,
        Some(ScriptPubkeyType::Witness_v0_KeyHash)
    );
    assert_eq!(
        out.script_pub_key.hex,
        burn_address().script_pubkey().to_bytes()
    );
    assert_eq!(
        out.script_pub_key
            .address
            .clone()
            .map(|a| a.assume_checked().to_string()),
        Some(BURN_ADDRESS.to_string())
    );
    // No such output: null, which the crate turns into `None`.
    assert!(rpc.get_tx_out(&coinbase, 7, None).unwrap().is_none());

    // An error comes back as Core's code and message.
    match rpc.get_block_hash(1000) {
        Err(bitcoincore_rpc::Error::JsonRpc(bitcoincore_rpc::jsonrpc::error::Error::Rpc(e))) => {
            assert_eq!(e.code, -8);
            assert_eq!(e.message, "Block height out of range");
        }
        other => panic!("getblockhash 1000: {other:?}"),
    }
}

fn info_txid(rpc: &Client, hash: &BlockHash) -> bitcoin::Txid {
    rpc.get_block_info(hash).unwrap().tx[0]
}

/// `getblockchaininfo` through the crate. The crate first asks `getnetworkinfo` for the
/// server's version and, below 190000 (0.19.0), expects the 0.18 layout
/// (`bip9_softforks`): a server must report a Core-like version for it to work.
fn check_blockchain_info(rpc: &Client, hashes: &[BlockHash]) {
    let version = rpc.version().unwrap();
    let info = rpc.get_blockchain_info().unwrap_or_else(|e| {
        panic!(
            "getblockchaininfo through bitcoincore-rpc (getnetworkinfo version {version}): {e:?}"
        )
    });
    assert_eq!(info.chain, Network::Regtest);
    assert_eq!(info.blocks, 101);
    assert_eq!(info.headers, 101);
    assert_eq!(info.best_block_hash, hashes[100]);
    assert!(!info.initial_block_download);
    assert!(!info.pruned);
    assert!(info.size_on_disk > 0);
    // 102 blocks of work 2 each on regtest: 0xcc.
    assert_eq!(info.chain_work.last(), Some(&0xcc));
}

/// invalidateblock and reconsiderblock, and getchaintips in between.
fn check_invalidate_reconsider(rpc: &Client, hashes: &[BlockHash]) {
    //   ... - 99 - 100 - 101          invalidate 100:  ... - 99 (active)
    //                                                         \ 100 - 101 (invalid)
    rpc.invalidate_block(&hashes[99]).unwrap();
    assert_eq!(rpc.get_block_count().unwrap(), 99);
    assert_eq!(rpc.get_best_block_hash().unwrap(), hashes[98]);
    let tips = rpc.get_chain_tips().unwrap();
    assert_eq!(tips.len(), 2, "{tips:?}");
    let active = tips
        .iter()
        .find(|t| t.status == GetChainTipsResultStatus::Active)
        .unwrap();
    assert_eq!(
        (active.height, active.hash, active.branch_length),
        (99, hashes[98], 0)
    );
    let invalid = tips
        .iter()
        .find(|t| t.status == GetChainTipsResultStatus::Invalid)
        .unwrap();
    assert_eq!(
        (invalid.height, invalid.hash, invalid.branch_length),
        (101, hashes[100], 2)
    );
    // The invalidated block is still there to read, off the active chain.
    let header = rpc.get_block_header_info(&hashes[99]).unwrap();
    assert_eq!(header.confirmations, -1);

    rpc.reconsider_block(&hashes[99]).unwrap();
    assert_eq!(rpc.get_best_block_hash().unwrap(), hashes[100]);
    let tips = rpc.get_chain_tips().unwrap();
    assert_eq!(tips.len(), 1, "{tips:?}");
    assert_eq!(tips[0].status, GetChainTipsResultStatus::Active);
    assert_eq!(tips[0].hash, hashes[100]);
}

/// The typed structs against the untyped reply: every field the crate reads is there with
/// the crate's type. (A field the typed structs cannot read would be read here with
/// `call::<Value>`; with bitcoind v31.99 and soud none was needed.)
fn check_untyped(rpc: &Client, hashes: &[BlockHash]) {
    let block: Value = rpc
        .call("getblock", &[json!(hashes[0].to_string()), json!(1)])
        .unwrap();
    for key in [
        "hash",
        "confirmations",
        "size",
        "strippedsize",
        "weight",
        "height",
        "version",
        "versionHex",
        "merkleroot",
        "tx",
        "time",
        "mediantime",
        "nonce",
        "bits",
        "difficulty",
        "chainwork",
        "nTx",
        "previousblockhash",
        "nextblockhash",
    ] {
        assert!(block.get(key).is_some(), "getblock has no {key}: {block}");
    }
    let tips: Value = rpc.call("getchaintips", &[]).unwrap();
    assert_eq!(tips[0]["status"], "active");
}

#[test]
fn bitcoincore_rpc_mines_and_reads_the_chain() {
    let node = TestNode::start(&[]);
    let rpc = soud_client(&node);
    let hashes = mine_101(&rpc);
    check_reads(&rpc, &hashes);
    check_untyped(&rpc, &hashes);
}

#[test]
fn bitcoincore_rpc_get_blockchain_info() {
    let node = TestNode::start(&[]);
    let rpc = soud_client(&node);
    let hashes = mine_101(&rpc);
    check_blockchain_info(&rpc, &hashes);
}

#[test]
fn bitcoincore_rpc_invalidates_and_reconsiders() {
    let node = TestNode::start(&[]);
    let rpc = soud_client(&node);
    let hashes = mine_101(&rpc);
    check_invalidate_reconsider(&rpc, &hashes);
}

/// The same checks against a real bitcoind: they are Core's behaviour, not sou's.
#[test]
fn bitcoincore_rpc_checks_hold_against_bitcoind() {
    let Some(core) = CoreNode::start() else {
        skipped("BITCOIND not set");
        return;
    };
    let rpc = crate_client(&core.url(), &core.cookie_path());
    let hashes = mine_101(&rpc);
    check_reads(&rpc, &hashes);
    check_untyped(&rpc, &hashes);
    check_blockchain_info(&rpc, &hashes);
    check_invalidate_reconsider(&rpc, &hashes);
}

// ---------------------------------------------------------------------------------------
// bitcoin-cli.
// ---------------------------------------------------------------------------------------

/// Says a test did not run. Written to the process's standard error directly, not with
/// `println!`, which the test harness captures and hides for a passing test.
fn skipped(why: &str) {
    let _ = writeln!(std::io::stderr(), "SKIPPED: {why}");
}

/// What a finished `bitcoin-cli` left: exit code, standard output, standard error.
#[derive(Debug, Clone, PartialEq, Eq)]
struct CliRun {
    code: i32,
    stdout: String,
    stderr: String,
}

/// The `bitcoin-cli` named by `BITCOINCLI`.
fn bitcoin_cli() -> Option<PathBuf> {
    std::env::var_os("BITCOINCLI").map(PathBuf::from)
}

/// Runs `bitcoin-cli -regtest -datadir=D -rpcport=P ARGS` (with `stdin` piped in), bounded
/// in time.
fn run_cli(cli: &Path, datadir: &Path, port: u16, args: &[&str], stdin: &str) -> CliRun {
    let child = spawn_cli(cli, datadir, port, args, stdin);
    wait_cli(child, COMMAND_LIMIT)
}

fn spawn_cli(cli: &Path, datadir: &Path, port: u16, args: &[&str], stdin: &str) -> Child {
    let mut child = Command::new(cli)
        .arg("-regtest")
        .arg(format!("-datadir={}", datadir.display()))
        .arg(format!("-rpcport={port}"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bitcoin-cli starts");
    let mut input = child.stdin.take().expect("piped");
    input.write_all(stdin.as_bytes()).unwrap();
    drop(input);
    child
}

/// Waits for a `bitcoin-cli` to finish (killing it after `limit`) and collects its output.
/// Its output is small, so it cannot fill a pipe and block it.
fn wait_cli(mut child: Child, limit: Duration) -> CliRun {
    let started = Instant::now();
    let status: ExitStatus = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("bitcoin-cli did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stdout = String::new();
    let mut stderr = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    CliRun {
        code: status.code().unwrap_or(-1),
        stdout,
        stderr,
    }
}

/// What bitcoin-cli shows for an RPC error: `error code: N`, `error message:`, the message;
/// its exit code is the code's absolute value modulo 256.
fn cli_error(code: i64, message: &str) -> CliRun {
    CliRun {
        code: i32::try_from(code.unsigned_abs() % 256).unwrap(),
        stdout: String::new(),
        stderr: format!("error code: {code}\nerror message:\n{message}\n"),
    }
}

/// The failing calls and what bitcoin-cli v31.99 showed for each against bitcoind v31.99.
fn failing_calls() -> Vec<(Vec<&'static str>, CliRun)> {
    let genesis = "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206";
    vec![
        // An unknown method: -32601, exit 32601 % 256 = 89.
        (vec!["nosuchmethod"], cli_error(-32601, "Method not found")),
        // A value bitcoin-cli cannot read as JSON never reaches the server.
        (
            vec!["getblockhash", "x"],
            CliRun {
                code: 1,
                stdout: String::new(),
                stderr: "error: Error parsing JSON: x\n".into(),
            },
        ),
        // A value out of range for the method.
        (
            vec!["getblockhash", "1000"],
            cli_error(-8, "Block height out of range"),
        ),
        // A parameter of the wrong JSON type.
        (
            vec!["getblockheader", genesis, "5"],
            cli_error(
                -3,
                "Wrong type passed:\n{\n    \"Position 2 (verbose)\": \"JSON value of type number is not of expected type bool\"\n}",
            ),
        ),
        // A number that is not an integer: UniValue's getInt throws, Core answers -1.
        (
            vec!["getblockhash", "1.5"],
            cli_error(-1, "JSON integer out of range"),
        ),
        // A malformed hash.
        (
            vec!["getblock", "00"],
            cli_error(-8, "blockhash must be of length 64 (not 2, for '00')"),
        ),
        // An unknown named parameter.
        (
            vec!["-named", "getblockhash", "heigth=0"],
            cli_error(-8, "Unknown named parameter heigth"),
        ),
    ]
}

#[test]
fn bitcoin_cli_drives_soud() {
    let Some(cli) = bitcoin_cli() else {
        skipped("BITCOINCLI not set");
        return;
    };
    let node = TestNode::start(&[]);
    let run = |args: &[&str], stdin: &str| run_cli(&cli, &node.datadir, node.rpc_port, args, stdin);
    let ok = |args: &[&str], stdin: &str| {
        let r = run(args, stdin);
        assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{args:?}: {r:?}");
        r.stdout
    };

    assert_eq!(ok(&["getblockcount"], ""), "0\n");
    // generatetoaddress: a JSON array, printed as bitcoin-cli prints JSON (indent 2).
    let out = ok(&["generatetoaddress", "3", BURN_ADDRESS], "");
    let hashes: Vec<String> = serde_json::from_str(&out).unwrap();
    assert_eq!(hashes.len(), 3);
    let pretty = serde_json::to_string_pretty(&hashes).unwrap() + "\n";
    assert_eq!(out, pretty);
    assert_eq!(ok(&["getblockcount"], ""), "3\n");
    assert_eq!(ok(&["getbestblockhash"], ""), format!("{}\n", hashes[2]));

    // getblock: verbose by default, raw hex at verbosity 0; both agree with the RPC.
    let block: Value = serde_json::from_str(&ok(&["getblock", &hashes[1]], "")).unwrap();
    assert_eq!(block["hash"], hashes[1]);
    assert_eq!(block["height"], 2);
    assert_eq!(block["previousblockhash"], hashes[0]);
    assert_eq!(block["nextblockhash"], hashes[2]);
    assert_eq!(block, node.rpc("getblock", json!([hashes[1]])));
    let raw = ok(&["getblock", &hashes[1], "0"], "");
    assert_eq!(raw.trim_end(), node.rpc("getblock", json!([hashes[1], 0])));

    // -named: parameters by name, in any order, left out when optional.
    assert_eq!(
        ok(
            &[
                "-named",
                "getblock",
                "verbosity=0",
                &format!("blockhash={}", hashes[1])
            ],
            ""
        ),
        raw
    );
    assert_eq!(
        ok(&["-named", "getblockhash", "height=3"], ""),
        format!("{}\n", hashes[2])
    );
    // A positional argument and named ones together (Core's `args`).
    let echoed: Value = serde_json::from_str(&ok(&["-named", "echo", "a", "arg2=c"], "")).unwrap();
    assert_eq!(echoed, json!(["a", null, "c"]));

    // -stdin: the last arguments come from standard input, one a line.
    assert_eq!(
        ok(&["-stdin", "getblockhash"], "2\n"),
        format!("{}\n", hashes[1])
    );
    assert_eq!(
        ok(&["-named", "-stdin", "getblockhash"], "height=1\n"),
        format!("{}\n", hashes[0])
    );
    let block: Value =
        serde_json::from_str(&ok(&["-stdin", "getblock"], &format!("{}\n1\n", hashes[2]))).unwrap();
    assert_eq!(block["height"], 3);

    // Failures: what bitcoin-cli prints and its exit code, as against bitcoind.
    let mut mismatches = Vec::new();
    for (args, expected) in failing_calls() {
        let got = run(&args, "");
        if got != expected {
            mismatches.push(format!(
                "{args:?}:\n  bitcoind: {expected:?}\n  soud:     {got:?}"
            ));
        }
    }
    // The wrong number of parameters: -1 and the method's help (sou words the
    // descriptions in its own way; the signature line and the layout are Core's).
    let got = run(&["getblockhash"], "");
    let help = node.rpc("help", json!(["getblockhash"]));
    let expected = cli_error(-1, help.as_str().unwrap());
    if got != expected
        || !got
            .stderr
            .starts_with("error code: -1\nerror message:\ngetblockhash height\n\n")
    {
        mismatches.push(format!("[\"getblockhash\"]: {got:?}"));
    }
    // A wrong password: bitcoin-cli's own message, exit 1.
    let got = run(&["-rpcpassword=wrong", "getblockcount"], "");
    let expected_auth = format!(
        "error: Authorization failed: Incorrect rpcuser or rpcpassword were specified. Configuration file: ({})\n",
        node.datadir.join("bitcoin.conf").display()
    );
    if (got.code, got.stderr.as_str()) != (1, expected_auth.as_str()) {
        mismatches.push(format!("wrong password: {got:?}"));
    }
    assert!(
        mismatches.is_empty(),
        "bitcoin-cli against soud differs from bitcoind:\n{}",
        mismatches.join("\n")
    );
}

/// bitcoin-cli's failures against a real bitcoind: the table above is Core's.
#[test]
fn bitcoin_cli_failures_match_bitcoind() {
    let Some(cli) = bitcoin_cli() else {
        skipped("BITCOINCLI not set");
        return;
    };
    let Some(core) = CoreNode::start() else {
        skipped("BITCOIND not set");
        return;
    };
    for (args, expected) in failing_calls() {
        let got = run_cli(&cli, &core.datadir, core.rpc_port, &args, "");
        assert_eq!(got, expected, "{args:?} against bitcoind");
    }
    let got = run_cli(&cli, &core.datadir, core.rpc_port, &["getblockhash"], "");
    assert_eq!(got.code, 1);
    assert!(got
        .stderr
        .starts_with("error code: -1\nerror message:\ngetblockhash height\n\n"));
}

/// `-rpcwait`: bitcoin-cli started before the node waits for it, then gets its answer.
#[test]
fn bitcoin_cli_rpcwait_waits_for_soud() {
    let Some(cli) = bitcoin_cli() else {
        skipped("BITCOINCLI not set");
        return;
    };
    let datadir = fresh_datadir("rpcwait");
    let _remove = DirGuard(datadir.clone());
    let port = free_port();
    let waiting = spawn_cli(
        &cli,
        &datadir,
        port,
        &["-rpcwait", "-rpcwaittimeout=60", "getblockcount"],
        "",
    );
    let mut waiting = ChildGuard(Some(waiting));
    // No node yet: bitcoin-cli keeps trying.
    std::thread::sleep(Duration::from_millis(1500));
    assert!(
        waiting.0.as_mut().unwrap().try_wait().unwrap().is_none(),
        "bitcoin-cli -rpcwait gave up before the node started"
    );
    let soud = Command::new(env!("CARGO_BIN_EXE_soud"))
        .args([
            "-regtest".to_string(),
            format!("-datadir={}", datadir.display()),
            format!("-rpcport={port}"),
            format!("-port={}", free_port()),
            "-listen=0".to_string(),
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("soud starts");
    let mut soud = ChildGuard(Some(soud));
    // bitcoin-cli retries once a second.
    let run = wait_cli(waiting.0.take().unwrap(), COMMAND_LIMIT);
    assert_eq!(
        run,
        CliRun {
            code: 0,
            stdout: "0\n".into(),
            stderr: String::new()
        }
    );
    // Stop the node through bitcoin-cli, and see it go.
    let stop = run_cli(&cli, &datadir, port, &["stop"], "");
    assert_eq!(stop.stdout, "Bitcoin Core stopping\n");
    let started = Instant::now();
    let child = soud.0.as_mut().unwrap();
    while child.try_wait().unwrap().is_none() {
        assert!(started.elapsed() < COMMAND_LIMIT, "soud did not stop");
        std::thread::sleep(Duration::from_millis(20));
    }
    drop(soud);
}

/// Kills a child process still running when dropped (a failed test leaves nothing behind).
struct ChildGuard(Option<Child>);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Removes a data directory when dropped.
struct DirGuard(PathBuf);

impl Drop for DirGuard {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
