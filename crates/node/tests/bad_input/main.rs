//! What `soud` does with input it should refuse: malformed requests, wrong parameters, bad
//! credentials, a body too large, many clients at once, and damaged files at start.
//!
//! Every expectation on the wire is what `bitcoind` v31.99 answered to the same bytes (sent
//! with curl; bodies compared byte for byte, HTTP status codes and the headers that matter).
//! For damaged files, the rule is Core's: refuse to start with a clear message (Core:
//! "Corrupted block database detected. Please restart with -reindex or -reindex-chainstate
//! to recover.", exit 1), or start with a chain that is consistent and the one that was
//! saved; never a panic, never a chain that answers wrong data without a word.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test: a panic is a failed test"
)]

#[path = "../support/mod.rs"]
mod support;

mod damaged_files;
mod http;
mod requests;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::{base64_encode, TestNode};

/// The regtest genesis block's hash.
const GENESIS: &str = "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206";
/// The longest one exchange may take before the test calls the node hung.
const LIMIT: Duration = Duration::from_secs(60);

// ---------------------------------------------------------------------------------------
// Raw HTTP, to send exactly the bytes a test means and to see every header of the reply.
// ---------------------------------------------------------------------------------------

/// An HTTP reply: status, headers (names in lower case), body.
#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.body))
    }
}

/// Reads one reply from `stream` (the server closes after it: `Connection: close`).
fn read_reply(stream: &mut TcpStream) -> Reply {
    try_read_reply(stream).unwrap_or_else(|e| panic!("{e}"))
}

fn try_read_reply(stream: &mut TcpStream) -> Result<Reply, String> {
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 65536];
    let started = Instant::now();
    // Read until the head is complete and the body has its Content-Length (or EOF).
    loop {
        if let Some(reply) = parse_reply(&bytes) {
            return Ok(reply);
        }
        if started.elapsed() > LIMIT {
            return Err(format!("no complete reply within {LIMIT:?}"));
        }
        match stream.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => bytes.extend_from_slice(&chunk[..n]),
            Err(e) => {
                return Err(format!(
                    "reading the reply: {e} after {:?}",
                    String::from_utf8_lossy(&bytes)
                ))
            }
        }
    }
    parse_reply(&bytes).ok_or_else(|| {
        format!(
            "the connection closed before a whole reply: {:?}",
            String::from_utf8_lossy(&bytes)
        )
    })
}

/// The reply in `bytes`, once it is all there. `100 Continue` heads are skipped.
fn parse_reply(bytes: &[u8]) -> Option<Reply> {
    let mut rest = bytes;
    loop {
        let end = rest.windows(4).position(|w| w == b"\r\n\r\n")?;
        let head = String::from_utf8_lossy(&rest[..end]).to_string();
        let body = &rest[end + 4..];
        let mut lines = head.split("\r\n");
        let status: u16 = lines.next()?.split(' ').nth(1)?.parse().ok()?;
        if status == 100 {
            rest = body;
            continue;
        }
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        let length = headers
            .iter()
            .find(|(n, _)| n == "content-length")
            .and_then(|(_, v)| v.parse::<usize>().ok())
            .unwrap_or(0);
        if body.len() < length {
            return None;
        }
        return Some(Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&body[..length]).to_string(),
        });
    }
}

fn connect(port: u16) -> TcpStream {
    let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(LIMIT)).unwrap();
    stream.set_write_timeout(Some(LIMIT)).unwrap();
    stream
}

/// Sends one request: `method` on `/`, with `authorization` (a whole header value) if
/// given, and `body`.
fn request(port: u16, method: &str, authorization: Option<&str>, body: &[u8]) -> Reply {
    try_request(port, method, authorization, body).unwrap_or_else(|e| panic!("{e}"))
}

fn try_request(
    port: u16,
    method: &str,
    authorization: Option<&str>,
    body: &[u8],
) -> Result<Reply, String> {
    let mut head = format!(
        "{method} / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
        body.len()
    );
    if let Some(value) = authorization {
        head.push_str(&format!("Authorization: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(LIMIT))
        .map_err(|e| e.to_string())?;
    stream
        .set_write_timeout(Some(LIMIT))
        .map_err(|e| e.to_string())?;
    stream
        .write_all(head.as_bytes())
        .map_err(|e| e.to_string())?;
    stream.write_all(body).map_err(|e| e.to_string())?;
    try_read_reply(&mut stream)
}

fn basic(credentials: &str) -> String {
    format!("Basic {}", base64_encode(credentials.as_bytes()))
}

/// POSTs `body` with the node's cookie.
fn post(node: &TestNode, body: &str) -> Reply {
    request(
        node.rpc_port,
        "POST",
        Some(&basic(&node.cookie().unwrap())),
        body.as_bytes(),
    )
}

/// Asserts the exact status and body bitcoind answers (its body ends with a newline).
#[track_caller]
fn assert_reply(node: &TestNode, body: &str, status: u16, expected: &str) {
    let reply = post(node, body);
    assert_eq!(
        (reply.status, reply.body.as_str()),
        (status, format!("{expected}\n").as_str()),
        "request {body}"
    );
    assert_eq!(
        reply.header("content-type"),
        Some("application/json"),
        "request {body}"
    );
}

/// The help text of `method`, which is also the message of a call with the wrong number
/// of parameters (Core's `RPCMethod::HandleRequest` throws `ToString()`).
fn help(node: &TestNode, method: &str) -> String {
    node.rpc("help", json!([method]))
        .as_str()
        .unwrap()
        .to_string()
}
