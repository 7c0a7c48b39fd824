//! Bitcoin Core's `bitcoind` as a child process, for the tests that compare sou with it:
//! regtest on a fresh data directory and free loopback ports, RPC with a password made up
//! for the run, stopped (by its own process handle) and its data directory removed on drop.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sou_primitives::hashes::sha256;

use super::RpcFailure;

/// A running `bitcoind -regtest` on a fresh data directory, stopped on drop.
pub struct Bitcoind {
    child: Option<Child>,
    datadir: PathBuf,
    rpc_port: u16,
    auth: String,
    binary: PathBuf,
    args: Vec<String>,
}

impl Bitcoind {
    /// Starts the `bitcoind` that `BITCOIND` names, or says `SKIPPED` and gives `None` when
    /// it is not set, so that a checkout without Core's binaries still passes visibly.
    pub fn start_from_env() -> Option<Bitcoind> {
        Bitcoind::start_from_env_with(&[])
    }

    /// [`Bitcoind::start_from_env`] with `extra` arguments (`-datacarriersize=83`).
    pub fn start_from_env_with(extra: &[&str]) -> Option<Bitcoind> {
        let Some(binary) = std::env::var_os("BITCOIND").filter(|p| !p.is_empty()) else {
            println!(
                "SKIPPED: BITCOIND not set (the path of Bitcoin Core's bitcoind to compare with)"
            );
            return None;
        };
        Some(Bitcoind::start_with(Path::new(&binary), extra))
    }

    /// Starts `binary` (a `bitcoind`) on regtest, RPC bound to 127.0.0.1, and waits until
    /// it answers.
    pub fn start(binary: &Path) -> Bitcoind {
        Bitcoind::start_with(binary, &[])
    }

    /// [`Bitcoind::start`] with `extra` arguments.
    pub fn start_with(binary: &Path, extra: &[&str]) -> Bitcoind {
        let datadir = super::fresh_datadir("bitcoind");
        let rpc_port = super::free_port();
        let p2p_port = super::free_port();
        let password = hex::encode(sha256(format!("{:?}", Instant::now()).as_bytes()));
        let mut args = vec![
            "-regtest".to_string(),
            format!("-datadir={}", datadir.display()),
            format!("-rpcport={rpc_port}"),
            format!("-port={p2p_port}"),
            "-listen=0".to_string(),
            "-rpcbind=127.0.0.1".to_string(),
            "-rpcallowip=127.0.0.1".to_string(),
            "-rpcuser=sou".to_string(),
            format!("-rpcpassword={password}"),
            "-printtoconsole=0".to_string(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        let mut node = Bitcoind {
            child: None,
            datadir,
            rpc_port,
            auth: format!("sou:{password}"),
            binary: binary.to_path_buf(),
            args,
        };
        node.spawn();
        node
    }

    /// The data directory (`-datadir`).
    pub fn datadir(&self) -> &Path {
        &self.datadir
    }

    /// Starts the node again after [`Bitcoind::stop`], on the same data directory.
    pub fn restart(&mut self) {
        assert!(self.child.is_none(), "stop the node first");
        self.spawn();
    }

    fn spawn(&mut self) {
        let stderr = std::fs::File::create(self.datadir.join("stderr.txt")).unwrap();
        let child = Command::new(&self.binary)
            .args(&self.args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .unwrap_or_else(|e| panic!("{} does not start: {e}", self.binary.display()));
        self.child = Some(child);
        self.wait_for_rpc();
    }

    fn wait_for_rpc(&mut self) {
        let started = Instant::now();
        loop {
            if let Some(Ok(Some(status))) = self.child.as_mut().map(Child::try_wait) {
                let err =
                    std::fs::read_to_string(self.datadir.join("stderr.txt")).unwrap_or_default();
                panic!("bitcoind exited with {status} before answering RPC: {err}");
            }
            if self.call("getblockcount", json!([])).is_ok() {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "bitcoind did not answer RPC"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Calls `method` with `params`: the result, or Core's error.
    pub fn call(&self, method: &str, params: Value) -> Result<Value, RpcFailure> {
        super::call(self.rpc_port, &self.auth, method, params)
    }

    /// Stops the node with the `stop` RPC, killing its process if it has not exited within
    /// 30 seconds.
    pub fn stop(&mut self) {
        let _ = self.call("stop", json!([]));
        if let Some(mut child) = self.child.take() {
            let started = Instant::now();
            while started.elapsed() < Duration::from_secs(30) {
                if let Ok(Some(_)) = child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Bitcoind {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.datadir);
    }
}
