//! Nodes under test and a JSON-RPC client for them: `soud` started in this process, or
//! `bitcoind` as a child process, each on a fresh data directory and a free port.
//!
//! Only the benches that talk to a node include it (`#[path = "support/rpc.rs"] mod rpc;`),
//! so that the others do not compile what they never call.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};
use sou::node::daemon::InProcessNode;

/// An empty directory under the system's temporary one, named by `tag` and this process.
pub fn fresh_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sou-bench-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A TCP port nobody listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A JSON-RPC client with basic authentication. Its agent keeps connections alive between
/// calls, as a script's client library does, so a call costs one request, not a TCP
/// handshake as well.
pub struct Client {
    agent: ureq::Agent,
    url: String,
    authorization: String,
}

impl Client {
    /// A client of the node whose RPC listens on `port` of the loopback address.
    pub fn new(port: u16, user: &str, password: &str) -> Client {
        use base64::Engine;
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        Client {
            agent: ureq::AgentBuilder::new()
                .timeout(Duration::from_secs(600))
                .build(),
            url: format!("http://127.0.0.1:{port}/"),
            authorization: format!("Basic {token}"),
        }
    }

    /// Calls `method`: its result, or the node's error object as text.
    pub fn call(&self, method: &str, params: Value) -> Result<Value, String> {
        let body = json!({"jsonrpc": "1.0", "id": 1, "method": method, "params": params});
        let response = self
            .agent
            .post(&self.url)
            .set("Authorization", &self.authorization)
            .send_string(&body.to_string());
        // Read the whole body either way: only then does the connection go back to the
        // agent's pool.
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

    /// Waits until the node answers RPC (thirty seconds at most).
    pub fn wait(&self) {
        for _ in 0..600 {
            if self.call("getblockcount", json!([])).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("the node did not answer RPC");
    }

    /// Submits every block; each must be accepted (`null`).
    pub fn submit_all(&self, blocks: &[String]) {
        for (i, hex) in blocks.iter().enumerate() {
            let verdict = self.call("submitblock", json!([hex])).unwrap();
            assert!(verdict.is_null(), "block {}: {verdict}", i + 1);
        }
    }
}

/// A node under test: sou in this process, or bitcoind as a child process.
pub enum Node {
    /// `soud`, serving RPC from a thread of the bench.
    Sou(InProcessNode, PathBuf),
    /// `bitcoind`, with the client that stops it.
    Core(Child, PathBuf, Client),
}

impl Node {
    /// `soud` on regtest in `dir`, RPC on `port` (user and password `bench`).
    pub fn sou(dir: &Path, port: u16) -> Node {
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

    /// `bitcoind` at path `bitcoind`, otherwise as [`Node::sou`], with `extra` options on
    /// its command line; returns once it answers.
    pub fn core(bitcoind: &str, dir: &Path, port: u16, extra: &[&str]) -> Node {
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
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let client = Client::new(port, "bench", "bench");
        client.wait();
        Node::Core(child, dir.to_path_buf(), client)
    }

    /// Stops the node and removes its data directory.
    pub fn stop(self) {
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
