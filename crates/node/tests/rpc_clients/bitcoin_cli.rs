//! Bitcoin Core's own `bitcoin-cli` (when `BITCOINCLI` names one) driving `soud`: plain
//! and `-named` calls, `-stdin`, `-rpcwait`, and what it prints (and exits with) when a
//! call fails, as against `bitcoind`.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::core_node::CoreNode;
use crate::support::{free_port, fresh_datadir, TestNode, BURN_ADDRESS};
use crate::{skipped, COMMAND_LIMIT};

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
