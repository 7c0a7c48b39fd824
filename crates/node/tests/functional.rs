//! Bitcoin Core's functional test framework driving `soud`.
//!
//! Core tests `bitcoind` with Python scripts that start it as a child process and talk to
//! it over JSON-RPC (`test/functional/test_framework/`). PyPI's `verystable` package ships
//! that framework (Core ~v28). Each script in `tests/functional/` is run here with
//! `BITCOIND` pointing at the `soud` this build made, as Core's own scripts would run
//! against `bitcoind`: see `tests/functional/README.md`.
//!
//! The Python interpreter is `$SOU_FUNCTIONAL_PYTHON` (CI sets it to a venv with
//! `verystable`), else `python3`. Without `verystable` the test prints `SKIPPED` and
//! passes, unless `SOU_FUNCTIONAL_PYTHON` was set: then the missing package is an error,
//! so that CI cannot skip it silently.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// How long one script may run before it is killed (it takes a few seconds).
const TIME_LIMIT: Duration = Duration::from_secs(300);

/// The interpreter to use, and whether it was asked for explicitly.
fn python() -> (String, bool) {
    match std::env::var("SOU_FUNCTIONAL_PYTHON") {
        Ok(path) if !path.is_empty() => (path, true),
        _ => ("python3".to_string(), false),
    }
}

/// Whether `python` can import the framework.
fn has_framework(python: &str) -> bool {
    Command::new(python)
        .args(["-c", "import verystable.core.test_framework"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Runs `script` with `BITCOIND` set to soud, within [`TIME_LIMIT`]: its exit status and
/// everything it printed.
fn run_script(python: &str, script: &Path) -> (Option<ExitStatus>, String) {
    let name = script.file_stem().unwrap().to_string_lossy().to_string();
    let scratch = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("functional-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).unwrap();
    let log_path = scratch.join("output.txt");
    let log = File::create(&log_path).unwrap();
    let mut command = Command::new(python);
    command
        .arg(script)
        // The framework creates this folder itself (it must not exist) and removes it
        // when the test passes.
        .arg(format!("--tmpdir={}", scratch.join("nodes").display()))
        // The framework's cached chain, kept out of the source tree.
        .arg(format!("--cachedir={}", scratch.join("cache").display()))
        .env("BITCOIND", env!("CARGO_BIN_EXE_soud"))
        .env_remove("BITCOINCLI")
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log);
    // Its own process group, so that on a timeout the nodes it started go with it.
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut child = command.spawn().expect("python starts");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if started.elapsed() > TIME_LIMIT {
            let _ = Command::new("kill")
                .args(["-KILL", &format!("-{}", child.id())])
                .status();
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let output = std::fs::read_to_string(&log_path).unwrap_or_default();
    if status.is_some_and(|s| s.success()) {
        let _ = std::fs::remove_dir_all(&scratch);
    }
    (status, output)
}

/// Runs `tests/functional/FILE` with soud as `BITCOIND`, or says visibly why it cannot.
fn run_functional(file: &str) {
    let (python, explicit) = python();
    if !has_framework(&python) {
        assert!(
            !explicit,
            "SOU_FUNCTIONAL_PYTHON={python} cannot import verystable (pip install verystable)"
        );
        println!(
            "SKIPPED: {python} cannot import verystable (Core's functional test framework: \
             pip install verystable, or set SOU_FUNCTIONAL_PYTHON to a Python that has it)"
        );
        return;
    }
    // Cargo runs integration tests in their package's folder.
    let script = std::env::current_dir()
        .unwrap_or_default()
        .join("tests/functional")
        .join(file);
    let (status, output) = run_script(&python, &script);
    match status {
        Some(s) if s.success() => println!("{output}"),
        Some(s) => panic!("{} failed ({s}):\n{output}", script.display()),
        None => panic!(
            "{} did not finish within {TIME_LIMIT:?}:\n{output}",
            script.display()
        ),
    }
}

#[test]
fn node_basics() {
    run_functional("node_basics.py");
}

#[test]
fn node_addresses() {
    run_functional("node_addresses.py");
}

#[test]
fn node_anchors() {
    run_functional("node_anchors.py");
}

#[test]
fn node_seednodes() {
    run_functional("node_seednodes.py");
}

#[test]
fn cached_chain() {
    run_functional("cached_chain.py");
}

#[test]
fn p2p_blocks() {
    run_functional("p2p_blocks.py");
}

#[test]
fn p2p_transactions() {
    run_functional("p2p_transactions.py");
}

#[test]
fn p2p_misbehaving() {
    run_functional("p2p_misbehaving.py");
}
