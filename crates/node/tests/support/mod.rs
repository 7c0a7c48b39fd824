//! Starting `soud` as a separate process for end-to-end tests: a fresh data directory,
//! free loopback ports, and a guarantee that every process a test starts is stopped when
//! the test ends (even when it fails).

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test support: a panic is a failed test"
)]

use std::collections::BTreeSet;
use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

pub mod anyone;
pub mod bitcoind;

/// A port the operating system just handed out on 127.0.0.1 (free, barring a race with
/// another process). Within one test binary, where tests start nodes in parallel, a port
/// is never handed out twice, even if the system offers it again once closed.
pub fn free_port() -> u16 {
    static GIVEN: Mutex<BTreeSet<u16>> = Mutex::new(BTreeSet::new());
    let mut given = GIVEN
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    loop {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        if given.insert(port) {
            return port;
        }
    }
}

/// A number from the environment (a generated run's seed or case count), if set and valid.
pub fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|s| s.parse().ok())
}

/// A new empty folder for one node, under the system's temporary folder.
pub fn fresh_datadir(tag: &str) -> PathBuf {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "sou-{tag}-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// An RPC failure: Core's code and message, or the HTTP status when there was no JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RpcFailure {
    /// The JSON-RPC error code (0 when the reply had none).
    pub code: i64,
    /// The message, or the HTTP body.
    pub message: String,
    /// The HTTP status.
    pub status: u16,
}

/// A running `soud` on regtest.
pub struct TestNode {
    child: Option<Child>,
    /// The data directory (`-datadir`).
    pub datadir: PathBuf,
    /// The RPC port.
    pub rpc_port: u16,
    /// The P2P port (`-port`).
    pub p2p_port: u16,
    /// The arguments it was started with, to restart it the same way.
    pub args: Vec<String>,
    /// Remove the data directory on drop.
    pub cleanup: bool,
}

impl TestNode {
    /// Starts `soud -regtest` on a fresh data directory with `extra` arguments, and waits
    /// until it answers RPC.
    pub fn start(extra: &[&str]) -> TestNode {
        let datadir = fresh_datadir("node");
        TestNode::start_in(&datadir, extra)
    }

    /// Starts `soud -regtest` on `datadir` (kept as it is).
    pub fn start_in(datadir: &Path, extra: &[&str]) -> TestNode {
        let rpc_port = free_port();
        let p2p_port = free_port();
        let mut args = vec![
            "-regtest".to_string(),
            format!("-datadir={}", datadir.display()),
            format!("-rpcport={rpc_port}"),
            format!("-port={p2p_port}"),
            "-listen=0".to_string(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        let mut node = TestNode {
            child: None,
            datadir: datadir.to_path_buf(),
            rpc_port,
            p2p_port,
            args,
            cleanup: true,
        };
        node.spawn();
        node
    }

    fn spawn(&mut self) {
        let child = Command::new(env!("CARGO_BIN_EXE_soud"))
            .args(&self.args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("soud starts");
        self.child = Some(child);
        self.wait_for_rpc(Duration::from_secs(60));
    }

    /// Waits until RPC answers, failing the test if the process exits first.
    pub fn wait_for_rpc(&mut self, limit: Duration) {
        let started = Instant::now();
        loop {
            if let Some(child) = self.child.as_mut() {
                if let Ok(Some(status)) = child.try_wait() {
                    let mut err = String::new();
                    if let Some(mut stderr) = child.stderr.take() {
                        let _ = stderr.read_to_string(&mut err);
                    }
                    panic!("soud exited with {status} before answering RPC: {err}");
                }
            }
            if self.cookie().is_some() && self.call("getblockcount", json!([])).is_ok() {
                return;
            }
            assert!(
                started.elapsed() < limit,
                "soud did not answer RPC in {limit:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The `.cookie` credentials, once written.
    pub fn cookie(&self) -> Option<String> {
        std::fs::read_to_string(self.datadir.join("regtest").join(".cookie"))
            .ok()
            .map(|s| s.trim().to_string())
    }

    /// The RPC URL.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.rpc_port)
    }

    /// Posts `body` with the cookie's credentials (or `auth` if given): HTTP status and
    /// body text.
    pub fn post(&self, body: &str, auth: Option<&str>) -> (u16, String) {
        let credentials = auth
            .map(str::to_string)
            .or_else(|| self.cookie())
            .unwrap_or_default();
        post(self.rpc_port, &credentials, body, Duration::from_secs(600))
    }

    /// Calls `method` with `params` (JSON-RPC 1.0, as bitcoin-cli): the result or Core's
    /// error.
    pub fn call(&self, method: &str, params: Value) -> Result<Value, RpcFailure> {
        call(
            self.rpc_port,
            &self.cookie().unwrap_or_default(),
            method,
            params,
        )
    }

    /// [`TestNode::call`], failing the test on an error.
    pub fn rpc(&self, method: &str, params: Value) -> Value {
        self.call(method, params.clone())
            .unwrap_or_else(|e| panic!("{method} {params}: {e:?}"))
    }

    /// Stops the node with the `stop` RPC and waits for it: its exit status and what it
    /// wrote on standard error.
    pub fn stop(&mut self) -> (ExitStatus, String) {
        let _ = self.call("stop", json!([]));
        let mut child = self.child.take().expect("running");
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                let mut err = String::new();
                if let Some(mut stderr) = child.stderr.take() {
                    let _ = stderr.read_to_string(&mut err);
                }
                return (status, err);
            }
            if started.elapsed() > Duration::from_secs(60) {
                let _ = child.kill();
                panic!("soud did not stop within a minute");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Kills the node at once (SIGKILL, as `kill -9`).
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the node again on the same data directory with the same arguments plus
    /// `extra`.
    pub fn restart(&mut self, extra: &[&str]) {
        assert!(self.child.is_none(), "stop or kill the node first");
        self.rpc_port = free_port();
        let mut args: Vec<String> = self
            .args
            .iter()
            .filter(|a| !a.starts_with("-rpcport="))
            .cloned()
            .collect();
        args.push(format!("-rpcport={}", self.rpc_port));
        args.extend(extra.iter().map(|s| s.to_string()));
        let saved = std::mem::replace(&mut self.args, args);
        self.spawn();
        // Later restarts go back to the original arguments.
        self.args = saved
            .into_iter()
            .filter(|a| !a.starts_with("-rpcport="))
            .chain(std::iter::once(format!("-rpcport={}", self.rpc_port)))
            .collect();
    }

    /// The text of `debug.log`.
    pub fn debug_log(&self) -> String {
        std::fs::read_to_string(self.datadir.join("regtest").join("debug.log")).unwrap_or_default()
    }
}

impl Drop for TestNode {
    fn drop(&mut self) {
        self.kill();
        if self.cleanup {
            let _ = std::fs::remove_dir_all(&self.datadir);
        }
    }
}

/// Posts a JSON-RPC `body` to a node on 127.0.0.1:`port` with basic authentication
/// (`user:password`): the HTTP status (0 when there was no answer) and the body text.
pub fn post(port: u16, credentials: &str, body: &str, timeout: Duration) -> (u16, String) {
    let header = format!("Basic {}", base64_encode(credentials.as_bytes()));
    let response = ureq::post(&format!("http://127.0.0.1:{port}/"))
        .set("Authorization", &header)
        .set("Content-Type", "application/json")
        .timeout(timeout)
        .send_string(body);
    match response {
        Ok(r) => (r.status(), r.into_string().unwrap_or_default()),
        Err(ureq::Error::Status(status, r)) => (status, r.into_string().unwrap_or_default()),
        Err(e) => (0, e.to_string()),
    }
}

/// Calls `method` on any node (sou or bitcoind) at 127.0.0.1:`port`, JSON-RPC 1.0 as
/// bitcoin-cli: the result, or the error as Core's code and message.
pub fn call(
    port: u16,
    credentials: &str,
    method: &str,
    params: Value,
) -> Result<Value, RpcFailure> {
    let body = json!({"jsonrpc": "1.0", "id": "test", "method": method, "params": params});
    let (status, text) = post(
        port,
        credentials,
        &body.to_string(),
        Duration::from_secs(600),
    );
    reply(status, &text)
}

/// A JSON-RPC 1.0 reply read back: its result, or its error (or the raw text when the
/// answer was not JSON).
pub fn reply(status: u16, text: &str) -> Result<Value, RpcFailure> {
    let reply: Value = serde_json::from_str(text).map_err(|_| RpcFailure {
        code: 0,
        message: text.to_string(),
        status,
    })?;
    if !reply["error"].is_null() {
        return Err(RpcFailure {
            code: reply["error"]["code"].as_i64().unwrap_or(0),
            message: reply["error"]["message"].as_str().unwrap_or("").to_string(),
            status,
        });
    }
    Ok(reply["result"].clone())
}

/// Standard Base64 (for the `Authorization` header).
pub fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A regtest address with no known key (BIP173's example program, on regtest).
pub const BURN_ADDRESS: &str = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080";
