//! A real `bitcoind`, for comparison: started only when `BITCOIND` names one, so that the
//! same checks run against Core and an expectation here is Core's and not a guess.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::support::{self, free_port, fresh_datadir};
use crate::COMMAND_LIMIT;

/// A `bitcoind -regtest` on a fresh data directory, stopped and removed on drop.
pub(crate) struct CoreNode {
    child: Option<Child>,
    pub(crate) datadir: PathBuf,
    pub(crate) rpc_port: u16,
}

impl CoreNode {
    /// Starts the `bitcoind` named by `BITCOIND`, or says why not.
    pub(crate) fn start() -> Option<CoreNode> {
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

    pub(crate) fn cookie_path(&self) -> PathBuf {
        self.datadir.join("regtest").join(".cookie")
    }

    fn cookie(&self) -> Option<String> {
        std::fs::read_to_string(self.cookie_path())
            .ok()
            .map(|s| s.trim().to_string())
    }

    pub(crate) fn url(&self) -> String {
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
