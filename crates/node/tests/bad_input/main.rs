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

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::{base64_encode, free_port, TestNode, BURN_ADDRESS};

const GENESIS: &str = "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206";
/// bitcoind's largest request body (`MAX_SIZE`): 32 MiB.
const MAX_BODY: usize = 0x0200_0000;
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

// ---------------------------------------------------------------------------------------
// Requests.
// ---------------------------------------------------------------------------------------

#[test]
fn malformed_json_is_a_parse_error() {
    let node = TestNode::start(&[]);
    // Core's reply keeps the request's id, `null` when none could be read.
    let parse_error =
        r#"{"result":null,"error":{"code":-32700,"message":"Parse error"},"id":null}"#;
    for body in [
        "{not json",
        "",
        "{\"method\":",
        "[1, 2",
        "{\"id\":1,\"method\":\"getblockcount\"} {\"id\":2}",
        "\u{1}",
    ] {
        assert_reply(&node, body, 500, parse_error);
    }
    // Bytes that are not UTF-8.
    let reply = request(
        node.rpc_port,
        "POST",
        Some(&basic(&node.cookie().unwrap())),
        b"{\"method\":\"\xff\xfe\"}",
    );
    assert_eq!(
        (reply.status, reply.body.as_str()),
        (500, format!("{parse_error}\n").as_str())
    );
    // The node is still there.
    assert_eq!(node.rpc("getblockcount", json!([])), 0);
}

#[test]
fn json_that_is_not_a_request_object_or_batch() {
    let node = TestNode::start(&[]);
    let top_level = r#"{"result":null,"error":{"code":-32700,"message":"Top-level object parse error"},"id":null}"#;
    for body in ["\"hello\"", "42", "null", "true"] {
        assert_reply(&node, body, 500, top_level);
    }
}

#[test]
fn request_objects_that_are_not_calls() {
    let node = TestNode::start(&[]);
    let cases = [
        (
            r#"{"id":1}"#,
            r#"{"result":null,"error":{"code":-32600,"message":"Missing method"},"id":1}"#,
        ),
        (
            r#"{"jsonrpc":"2.0","id":1}"#,
            r#"{"jsonrpc":"2.0","error":{"code":-32600,"message":"Missing method"},"id":1}"#,
        ),
        // No id at all: the reply has none either.
        (
            r#"{"jsonrpc":"2.0"}"#,
            r#"{"jsonrpc":"2.0","error":{"code":-32600,"message":"Missing method"}}"#,
        ),
        (
            r#"{"id":1,"method":5}"#,
            r#"{"result":null,"error":{"code":-32600,"message":"Method must be a string"},"id":1}"#,
        ),
        (
            r#"{"id":1,"method":"getblockhash","params":"x"}"#,
            r#"{"result":null,"error":{"code":-32600,"message":"Params must be an array or object"},"id":1}"#,
        ),
        (
            r#"{"jsonrpc":"3.0","id":1,"method":"getblockcount"}"#,
            r#"{"result":null,"error":{"code":-32600,"message":"JSON-RPC version not supported"},"id":1}"#,
        ),
        (
            r#"{"jsonrpc":2,"id":1,"method":"getblockcount"}"#,
            r#"{"result":null,"error":{"code":-32600,"message":"jsonrpc field must be a string"},"id":1}"#,
        ),
    ];
    for (body, expected) in cases {
        assert_reply(&node, body, 400, expected);
    }
    // A 1.0 call without an id is answered, without an id.
    assert_reply(
        &node,
        r#"{"method":"getblockcount"}"#,
        200,
        r#"{"result":0,"error":null}"#,
    );
    // null params are no params.
    assert_reply(
        &node,
        r#"{"jsonrpc":"2.0","id":"a","method":"getblockcount","params":null}"#,
        200,
        r#"{"jsonrpc":"2.0","result":0,"id":"a"}"#,
    );
}

/// A key given twice: UniValue keeps every pair and `find_value` finds the first.
#[test]
fn a_member_given_twice_counts_once_as_first_given() {
    let node = TestNode::start(&[]);
    assert_reply(
        &node,
        r#"{"id":1,"method":"getblockcount","id":2}"#,
        200,
        r#"{"result":0,"error":null,"id":1}"#,
    );
}

#[test]
fn parameters_of_the_wrong_type() {
    let node = TestNode::start(&[]);
    // Checked against the method's declared types before it runs: -3, every mismatch.
    assert_reply(
        &node,
        r#"{"id":1,"method":"getblockhash","params":["x"]}"#,
        500,
        r#"{"result":null,"error":{"code":-3,"message":"Wrong type passed:\n{\n    \"Position 1 (height)\": \"JSON value of type string is not of expected type number\"\n}"},"id":1}"#,
    );
    assert_reply(
        &node,
        r#"{"id":1,"method":"getblockheader","params":[5,"x"]}"#,
        500,
        r#"{"result":null,"error":{"code":-3,"message":"Wrong type passed:\n{\n    \"Position 1 (blockhash)\": \"JSON value of type number is not of expected type string\",\n    \"Position 2 (verbose)\": \"JSON value of type string is not of expected type bool\"\n}"},"id":1}"#,
    );
    // A required parameter left out of named parameters is a null of the wrong type.
    assert_reply(
        &node,
        r#"{"id":1,"method":"getblock","params":{"verbosity":1}}"#,
        500,
        r#"{"result":null,"error":{"code":-3,"message":"Wrong type passed:\n{\n    \"Position 1 (blockhash)\": \"JSON value of type null is not of expected type string\"\n}"},"id":1}"#,
    );
    // The right type, a bad value: the handler's own error.
    assert_reply(
        &node,
        r#"{"id":1,"method":"getblock","params":["00"]}"#,
        500,
        r#"{"result":null,"error":{"code":-8,"message":"blockhash must be of length 64 (not 2, for '00')"},"id":1}"#,
    );
    assert_reply(
        &node,
        r#"{"id":1,"method":"getblockhash","params":[-1]}"#,
        500,
        r#"{"result":null,"error":{"code":-8,"message":"Block height out of range"},"id":1}"#,
    );
}

/// A number that is not an integer, or does not fit: UniValue's `getInt` throws a
/// `std::runtime_error`, which Core's `JSONRPCExec` turns into RPC_MISC_ERROR (-1).
#[test]
fn numbers_that_are_not_integers_of_the_right_size() {
    let node = TestNode::start(&[]);
    for height in ["1.5", "99999999999", "1e3"] {
        assert_reply(
            &node,
            &format!(r#"{{"id":1,"method":"getblockhash","params":[{height}]}}"#),
            500,
            r#"{"result":null,"error":{"code":-1,"message":"JSON integer out of range"},"id":1}"#,
        );
    }
}

#[test]
fn wrong_parameter_counts_answer_with_the_help() {
    let node = TestNode::start(&[]);
    for (method, params) in [
        ("getblockhash", json!([])),
        ("getblockhash", json!([0, 1])),
        ("getblockcount", json!([1])),
        ("getblock", json!([GENESIS, 1, 2])),
    ] {
        let reply = post(
            &node,
            &json!({"id": 1, "method": method, "params": params}).to_string(),
        );
        assert_eq!(reply.status, 500, "{method} {params}");
        let error = &reply.json()["error"];
        assert_eq!(error["code"], -1, "{method} {params}");
        let message = error["message"].as_str().unwrap();
        assert_eq!(message, help(&node, method), "{method} {params}");
    }
    // The help opens with Core's signature line and its sections.
    let text = help(&node, "getblockhash");
    assert!(text.starts_with("getblockhash height\n\n"), "{text}");
    assert!(
        text.contains("\nArguments:\n1. height    (numeric, required) "),
        "{text}"
    );
    assert!(text.contains("\n\nResult:\n\"hex\"    (string) "), "{text}");
}

#[test]
fn unknown_methods() {
    let node = TestNode::start(&[]);
    // JSON-RPC 1.0: an HTTP error as well.
    assert_reply(
        &node,
        r#"{"id":1,"method":"nosuch","params":[]}"#,
        404,
        r#"{"result":null,"error":{"code":-32601,"message":"Method not found"},"id":1}"#,
    );
    // JSON-RPC 2.0: HTTP 200, the error in the body.
    assert_reply(
        &node,
        r#"{"jsonrpc":"2.0","id":1,"method":"nosuch","params":[]}"#,
        200,
        r#"{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":1}"#,
    );
}

#[test]
fn notifications_run_and_get_no_reply() {
    let node = TestNode::start(&[]);
    for body in [
        r#"{"jsonrpc":"2.0","method":"getblockcount","params":[]}"#,
        r#"{"jsonrpc":"2.0","method":"nosuch","params":[]}"#,
        r#"{"jsonrpc":"2.0","method":"getblockhash","params":["x"]}"#,
    ] {
        let reply = post(&node, body);
        assert_eq!((reply.status, reply.body.as_str()), (204, ""), "{body}");
    }
    // A notification is still executed.
    let reply = post(
        &node,
        &json!({"jsonrpc": "2.0", "method": "generatetoaddress", "params": [2, BURN_ADDRESS]})
            .to_string(),
    );
    assert_eq!(reply.status, 204);
    assert_eq!(node.rpc("getblockcount", json!([])), 2);
    // A 2.0 request with `"id": null` is not a notification.
    assert_reply(
        &node,
        r#"{"jsonrpc":"2.0","id":null,"method":"getblockcount"}"#,
        200,
        r#"{"jsonrpc":"2.0","result":2,"id":null}"#,
    );
}

#[test]
fn batches_answer_each_call_always_with_200() {
    let node = TestNode::start(&[]);
    // One of each: a 2.0 call, an unknown 1.0 method, a notification (no reply), a wrong
    // type, a missing method, named parameters, a notification that fails (no reply), the
    // wrong number of parameters.
    let batch = json!([
        {"jsonrpc": "2.0", "id": 1, "method": "getblockcount"},
        {"id": 2, "method": "nosuch"},
        {"jsonrpc": "2.0", "method": "getblockcount"},
        {"jsonrpc": "2.0", "id": 3, "method": "getblockhash", "params": ["x"]},
        {"id": 4},
        {"jsonrpc": "2.0", "id": 5, "method": "getblockhash", "params": {"height": 0}},
        {"jsonrpc": "2.0", "method": "nosuch"},
        {"id": "six", "method": "getblockhash", "params": [0, 1]}
    ]);
    let reply = post(&node, &batch.to_string());
    assert_eq!(reply.status, 200);
    let expected = json!([
        {"jsonrpc": "2.0", "result": 0, "id": 1},
        {"result": null, "error": {"code": -32601, "message": "Method not found"}, "id": 2},
        {"jsonrpc": "2.0", "error": {"code": -3, "message": "Wrong type passed:\n{\n    \"Position 1 (height)\": \"JSON value of type string is not of expected type number\"\n}"}, "id": 3},
        {"result": null, "error": {"code": -32600, "message": "Missing method"}, "id": 4},
        {"jsonrpc": "2.0", "result": GENESIS, "id": 5},
        {"result": null, "error": {"code": -1, "message": help(&node, "getblockhash")}, "id": "six"}
    ]);
    assert_eq!(reply.json(), expected);
    // Key order too, as bitcoind writes it.
    assert_eq!(reply.body, format!("{expected}\n"));

    // An empty batch: an empty array (not 204, for old clients).
    assert_reply(&node, "[]", 200, "[]");
    // Only notifications: no content.
    let reply = post(
        &node,
        r#"[{"jsonrpc":"2.0","method":"getblockcount"},{"jsonrpc":"2.0","method":"nosuch"}]"#,
    );
    assert_eq!((reply.status, reply.body.as_str()), (204, ""));
}

/// A batch member that is not an object is answered `Invalid Request object` with the id
/// the request state has then: `null` at the start of a batch.
#[test]
fn batch_members_that_are_not_objects() {
    let node = TestNode::start(&[]);
    assert_reply(
        &node,
        "[5]",
        200,
        r#"[{"result":null,"error":{"code":-32600,"message":"Invalid Request object"},"id":null}]"#,
    );
    assert_reply(
        &node,
        r#"[5,{"id":1,"method":"getblockcount"}]"#,
        200,
        r#"[{"result":null,"error":{"code":-32600,"message":"Invalid Request object"},"id":null},{"result":0,"error":null,"id":1}]"#,
    );
}

#[test]
fn named_parameters() {
    let node = TestNode::start(&[]);
    assert_reply(
        &node,
        r#"{"id":1,"method":"getblockhash","params":{"height":0}}"#,
        200,
        &format!(r#"{{"result":"{GENESIS}","error":null,"id":1}}"#),
    );
    assert_reply(
        &node,
        r#"{"id":1,"method":"getblockhash","params":{"heigth":0}}"#,
        500,
        r#"{"result":null,"error":{"code":-8,"message":"Unknown named parameter heigth"},"id":1}"#,
    );
    assert_reply(
        &node,
        r#"{"id":1,"method":"getblockhash","params":{"height":0,"foo":1}}"#,
        500,
        r#"{"result":null,"error":{"code":-8,"message":"Unknown named parameter foo"},"id":1}"#,
    );
    // In any order; `args` gives the first positions.
    let by_name = node.rpc("getblock", json!({"verbosity": 0, "blockhash": GENESIS}));
    let by_position = node.rpc("getblock", json!([GENESIS, 0]));
    assert_eq!(by_name, by_position);
    let with_args = node.rpc("getblock", json!({"args": [GENESIS], "verbosity": 0}));
    assert_eq!(with_args, by_position);
    assert_reply(
        &node,
        &json!({"id": 1, "method": "getblock", "params": {"args": [GENESIS], "blockhash": GENESIS}}).to_string(),
        500,
        r#"{"result":null,"error":{"code":-8,"message":"Parameter blockhash specified twice both as positional and named argument"},"id":1}"#,
    );
}

// ---------------------------------------------------------------------------------------
// HTTP.
// ---------------------------------------------------------------------------------------

#[test]
fn credentials_are_checked() {
    let node = TestNode::start(&[]);
    let call = br#"{"method":"getblockcount"}"#;
    let cookie = node.cookie().unwrap();
    let (user, _) = cookie.split_once(':').unwrap();
    for authorization in [
        None,
        Some(basic(&format!("{user}:wrong"))),
        Some(basic("someone:else")),
        Some(basic(user)),
        Some("Basic !!!!".to_string()),
        Some("Bearer abc".to_string()),
    ] {
        let started = Instant::now();
        let reply = request(node.rpc_port, "POST", authorization.as_deref(), call);
        assert_eq!(reply.status, 401, "{authorization:?}");
        assert_eq!(
            reply.header("www-authenticate"),
            Some("Basic realm=\"jsonrpc\""),
            "{authorization:?}"
        );
        assert_eq!(reply.body, "", "{authorization:?}");
        // A wrong password costs the caller a quarter of a second (Core's deterrent).
        if authorization.is_some() {
            assert!(
                started.elapsed() >= Duration::from_millis(200),
                "{authorization:?}"
            );
        }
    }
    // The right one works.
    let reply = request(node.rpc_port, "POST", Some(&basic(&cookie)), call);
    assert_eq!(
        (reply.status, reply.body.as_str()),
        (200, "{\"result\":0,\"error\":null}\n")
    );
}

#[test]
fn only_post_is_served() {
    let node = TestNode::start(&[]);
    let auth = basic(&node.cookie().unwrap());
    for (method, authorization) in [
        ("GET", Some(auth.as_str())),
        ("GET", None),
        ("PUT", Some(auth.as_str())),
        ("DELETE", None),
    ] {
        let reply = request(node.rpc_port, method, authorization, b"");
        assert_eq!(
            (reply.status, reply.body.as_str()),
            (405, "JSONRPC server handles only POST requests"),
            "{method} {authorization:?}"
        );
    }
}

/// bitcoind reads bodies up to `MAX_SIZE` (32 MiB): one byte more is refused with 413,
/// before authentication; exactly 32 MiB is read and answered.
#[test]
fn bodies_over_32_mib_are_refused() {
    let node = TestNode::start(&[]);
    let auth = basic(&node.cookie().unwrap());

    // One byte too many, authenticated or not.
    for authorization in [Some(auth.as_str()), None] {
        let reply = send_large(node.rpc_port, authorization, MAX_BODY + 1, MAX_BODY + 1);
        assert_eq!(reply.status, 413, "{authorization:?}: {reply:?}");
    }
    // A Content-Length of a gigabyte with the bytes streaming in: refused all the same,
    // after at most about 32 MiB (bitcoind refuses on the header alone).
    let reply = send_large(
        node.rpc_port,
        Some(&auth),
        1_000_000_000,
        MAX_BODY + (4 << 20),
    );
    assert_eq!(reply.status, 413, "{reply:?}");

    // Exactly 32 MiB: an `echo` of one long string.
    let prefix = r#"{"method":"echo","params":[""#;
    let suffix = r#""]}"#;
    let filler = MAX_BODY - prefix.len() - suffix.len();
    let body = format!("{prefix}{}{suffix}", "a".repeat(filler));
    assert_eq!(body.len(), MAX_BODY);
    let reply = request(node.rpc_port, "POST", Some(&auth), body.as_bytes());
    assert_eq!(reply.status, 200);
    assert!(reply.body.starts_with(r#"{"result":["aaaa"#));
    assert_eq!(
        reply.body.len(),
        filler + r#"{"result":[""],"error":null}"#.len() + 1
    );

    assert_eq!(
        node.rpc("getblockcount", json!([])),
        0,
        "the node is still up"
    );
}

/// Declares `declared` bytes of body and sends up to `send` bytes of JSON-ish filler from
/// another thread while reading the reply here; returns the reply.
fn send_large(port: u16, authorization: Option<&str>, declared: usize, send: usize) -> Reply {
    let mut stream = connect(port);
    let mut head = format!(
        "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {declared}\r\n"
    );
    if let Some(value) = authorization {
        head.push_str(&format!("Authorization: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    let mut writer = stream.try_clone().unwrap();
    let sender = std::thread::spawn(move || {
        let chunk = vec![b' '; 1 << 16];
        let mut sent = 0;
        while sent < send {
            let n = chunk.len().min(send - sent);
            // The server may close the connection once it has seen enough.
            if writer.write_all(&chunk[..n]).is_err() {
                break;
            }
            sent += n;
        }
    });
    let reply = read_reply(&mut stream);
    drop(stream);
    sender.join().unwrap();
    reply
}

/// 200 clients at once, each making a few calls on its own connection: every one answered,
/// and answered right.
#[test]
fn two_hundred_concurrent_clients() {
    const CLIENTS: usize = 200;
    let node = TestNode::start(&[]);
    let hashes = node.rpc("generatetoaddress", json!([10, BURN_ADDRESS]));
    let port = node.rpc_port;
    let auth = Arc::new(basic(&node.cookie().unwrap()));
    let hashes = Arc::new(hashes);
    let barrier = Arc::new(Barrier::new(CLIENTS));
    let (done, results) = mpsc::channel::<Result<usize, String>>();
    for client in 0..CLIENTS {
        let (auth, hashes, barrier, done) =
            (auth.clone(), hashes.clone(), barrier.clone(), done.clone());
        std::thread::spawn(move || {
            barrier.wait();
            let result = std::panic::catch_unwind(|| {
                let height = client % 10 + 1;
                let call =
                    |body: Value| request(port, "POST", Some(&auth), body.to_string().as_bytes());
                let count = call(json!({"id": client, "method": "getblockcount"}));
                assert_eq!(count.status, 200);
                assert_eq!(
                    count.json(),
                    json!({"result": 10, "error": null, "id": client})
                );
                let hash = call(
                    json!({"jsonrpc": "2.0", "id": client, "method": "getblockhash", "params": [height]}),
                );
                assert_eq!(hash.json()["result"], hashes[height - 1]);
                let batch = call(json!([
                    {"jsonrpc": "2.0", "id": 1, "method": "getblockheader", "params": [hashes[height - 1]]},
                    {"jsonrpc": "2.0", "id": 2, "method": "getbestblockhash"},
                    {"jsonrpc": "2.0", "id": 3, "method": "nosuch"}
                ]));
                let batch = batch.json();
                assert_eq!(batch[0]["result"]["height"], height);
                assert_eq!(batch[1]["result"], hashes[9]);
                assert_eq!(batch[2]["error"]["code"], -32601);
                client
            });
            let _ = done.send(result.map_err(|e| {
                e.downcast_ref::<String>()
                    .cloned()
                    .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default()
            }));
        });
    }
    drop(done);
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut answered = [false; CLIENTS];
    for _ in 0..CLIENTS {
        let left = deadline.saturating_duration_since(Instant::now());
        match results.recv_timeout(left) {
            Ok(Ok(client)) => answered[client] = true,
            Ok(Err(message)) => panic!("a client failed: {message}"),
            Err(e) => panic!(
                "{} of {CLIENTS} clients finished in time ({e})",
                answered.iter().filter(|a| **a).count()
            ),
        }
    }
    assert!(answered.iter().all(|a| *a));
    assert_eq!(node.rpc("getblockcount", json!([])), 10);
}

// ---------------------------------------------------------------------------------------
// Damaged files at start.
// ---------------------------------------------------------------------------------------

/// A `soud` started on a damaged data directory, which may refuse to start.
enum Start {
    /// It exited before answering RPC.
    Refused { status: ExitStatus, stderr: String },
    /// It answers RPC.
    Running(Soud),
}

/// A running `soud`, killed on drop if still running.
struct Soud {
    child: Option<Child>,
    datadir: PathBuf,
    port: u16,
}

impl Soud {
    fn start(datadir: &Path, extra: &[&str]) -> Start {
        let port = free_port();
        let mut child = Command::new(env!("CARGO_BIN_EXE_soud"))
            .args([
                "-regtest".to_string(),
                format!("-datadir={}", datadir.display()),
                format!("-rpcport={port}"),
                format!("-port={}", free_port()),
                "-listen=0".to_string(),
            ])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("soud starts");
        let started = Instant::now();
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                let mut stderr = String::new();
                let _ = child.stderr.take().unwrap().read_to_string(&mut stderr);
                return Start::Refused { status, stderr };
            }
            let mut soud = Soud {
                child: None,
                datadir: datadir.to_path_buf(),
                port,
            };
            if soud.call("getblockcount", json!([])).is_ok() {
                soud.child = Some(child);
                return Start::Running(soud);
            }
            if started.elapsed() > LIMIT {
                let _ = child.kill();
                let _ = child.wait();
                panic!("soud neither answered RPC nor exited within {LIMIT:?}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn call(&self, method: &str, params: Value) -> Result<Value, (i64, String)> {
        let cookie = std::fs::read_to_string(self.datadir.join("regtest").join(".cookie"))
            .unwrap_or_default();
        let body = json!({"id": 1, "method": method, "params": params}).to_string();
        let reply = try_request(
            self.port,
            "POST",
            Some(&basic(cookie.trim())),
            body.as_bytes(),
        )
        .map_err(|e| (0, e))?;
        let value: Value =
            serde_json::from_str(&reply.body).map_err(|_| (0, reply.body.clone()))?;
        if value["error"].is_null() {
            Ok(value["result"].clone())
        } else {
            Err((
                value["error"]["code"].as_i64().unwrap_or(0),
                value["error"]["message"].as_str().unwrap_or("").to_string(),
            ))
        }
    }

    fn rpc(&self, method: &str, params: Value) -> Value {
        self.call(method, params.clone())
            .unwrap_or_else(|e| panic!("{method} {params}: {e:?}"))
    }

    /// Stops it with `stop`: its exit status and standard error.
    fn stop(mut self) -> (ExitStatus, String) {
        let _ = self.call("stop", json!([]));
        let mut child = self.child.take().unwrap();
        let started = Instant::now();
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                let mut stderr = String::new();
                let _ = child.stderr.take().unwrap().read_to_string(&mut stderr);
                return (status, stderr);
            }
            if started.elapsed() > LIMIT {
                let _ = child.kill();
                let _ = child.wait();
                panic!("soud did not stop within {LIMIT:?}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Soud {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The chain a node had before its files were damaged.
struct Saved {
    /// Block hashes by height, genesis first.
    hashes: Vec<String>,
    /// `gettxoutsetinfo`'s hash of the UTXO set.
    utxo_hash: Value,
}

/// A node with 101 blocks, stopped cleanly (everything flushed), and its chain.
fn stopped_node_with_101_blocks() -> (TestNode, Saved) {
    let mut node = TestNode::start(&[]);
    let mut hashes = vec![GENESIS.to_string()];
    let mined = node.rpc("generatetoaddress", json!([101, BURN_ADDRESS]));
    hashes.extend(
        mined
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h.as_str().unwrap().to_string()),
    );
    let utxo_hash = node.rpc("gettxoutsetinfo", json!([]))["hash_serialized_3"].clone();
    let (status, stderr) = node.stop();
    assert!(status.success(), "{stderr}");
    (node, Saved { hashes, utxo_hash })
}

/// Checks the chain of a running node and returns its height: every block of the active
/// chain reads back as the block its header says (Core's `ReadBlock` refuses a block whose
/// hash is not the one asked for) and links to the one below it; below height `agree`,
/// the blocks are the saved ones.
fn assert_consistent(soud: &Soud, saved: &Saved, agree: usize, what: &str) -> usize {
    let count = soud.rpc("getblockcount", json!([])).as_u64().unwrap();
    let tip = usize::try_from(count).unwrap();
    let best = soud.rpc("getbestblockhash", json!([]));
    assert_eq!(
        soud.rpc("getblockhash", json!([count])),
        best,
        "{what}: getblockhash of the height and getbestblockhash differ"
    );
    let mut below = Value::Null;
    for height in 0..=tip {
        let hash = soud.rpc("getblockhash", json!([height]));
        if let Some(saved_hash) = saved.hashes.get(height).filter(|_| height < agree) {
            assert_eq!(
                hash, **saved_hash,
                "{what}: height {height} is not the saved block"
            );
        }
        let header = soud.rpc("getblockheader", json!([hash]));
        assert_eq!(header["height"], height, "{what}: {hash}");
        if height > 0 {
            assert_eq!(
                header["previousblockhash"], below,
                "{what}: height {height}"
            );
        }
        let shown = hash.as_str().unwrap();
        // The bytes on file: their header must hash to the hash asked for.
        match soud.call("getblock", json!([hash, 0])) {
            Ok(raw) => {
                let bytes = hex::decode(raw.as_str().unwrap()).unwrap();
                assert_eq!(
                    block_hash_of(&bytes),
                    shown,
                    "{what}: getblock {shown} 0 (height {height}) answers the bytes of another block"
                );
            }
            Err(e) => panic!(
                "{what}: block {shown} at height {height} of the active chain cannot be read: {e:?}"
            ),
        }
        // Decoded: the same header as the block tree's.
        let block = soud.rpc("getblock", json!([hash, 1]));
        for key in ["hash", "height", "merkleroot", "time", "nonce", "bits"] {
            assert_eq!(
                block[key], header[key],
                "{what}: getblock {shown} (height {height}) answers another block ({key})"
            );
        }
        below = hash;
    }
    tip
}

/// The hash of a serialized block, in display hex: SHA-256 twice over its 80-byte header.
fn block_hash_of(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let header = bytes.get(..80).expect("at least a header");
    let mut hash = Sha256::digest(Sha256::digest(header)).to_vec();
    hash.reverse();
    hex::encode(hash)
}

/// Runs `check`; a panic becomes its message's first lines.
fn failure_of(check: impl FnOnce()) -> Option<String> {
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(check));
    outcome.err().map(|e| {
        let message = e
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        message.lines().take(8).collect::<Vec<_>>().join("\n    ")
    })
}

/// A start on damaged files: a refusal must say why (exit non-zero, a message on standard
/// error, no panic); a start must serve the saved chain or a prefix of it, every block readable, and
/// all of it (the same coins too) when `whole`. Stopping then exits 0 without a panic.
fn check_start(datadir: &Path, saved: &Saved, whole: bool, what: &str) {
    match Soud::start(datadir, &[]) {
        Start::Refused { status, stderr } => {
            assert!(!stderr.contains("panicked"), "soud panicked: {stderr}");
            assert!(!status.success(), "exited with success without serving");
            // bitcoind prints e.g. "Corrupted block database detected.\nPlease restart
            // with -reindex or -reindex-chainstate to recover."; soud prints "Error: ...".
            assert!(!stderr.trim().is_empty(), "no message on standard error");
        }
        Start::Running(soud) => {
            let height = assert_consistent(&soud, saved, usize::MAX, what);
            if whole {
                assert_whole(&soud, saved, height, what);
            }
            let (status, stderr) = soud.stop();
            assert!(!stderr.contains("panicked"), "soud panicked: {stderr}");
            assert!(status.success(), "{status} {stderr}");
        }
    }
}

/// All the saved blocks, and the same coins.
fn assert_whole(soud: &Soud, saved: &Saved, height: usize, what: &str) {
    assert_eq!(height + 1, saved.hashes.len(), "{what}: blocks lost");
    assert_eq!(
        soud.rpc("gettxoutsetinfo", json!([]))["hash_serialized_3"],
        saved.utxo_hash,
        "{what}: other coins"
    );
}

/// `-reindex` (Core's advice after damage) rebuilds a consistent chain from the block
/// files: the saved blocks below `agree`, and (when `whole`) all of them with their coins.
fn check_reindex(datadir: &Path, saved: &Saved, agree: usize, whole: bool, what: &str) {
    match Soud::start(datadir, &["-reindex"]) {
        Start::Refused { status, stderr } => {
            panic!("-reindex refused to start ({status}): {stderr}")
        }
        Start::Running(soud) => {
            let height = assert_consistent(&soud, saved, agree, what);
            if whole {
                assert_whole(&soud, saved, height, what);
            }
            let (status, stderr) = soud.stop();
            assert!(!stderr.contains("panicked"), "soud panicked: {stderr}");
            assert!(status.success(), "{status} {stderr}");
        }
    }
}

/// Both checks on a damaged data directory, every failure reported.
fn check_damaged(node: &TestNode, saved: &Saved, agree: usize, whole: bool, what: &str) {
    let mut failures = Vec::new();
    if let Some(f) = failure_of(|| check_start(&node.datadir, saved, whole, what)) {
        failures.push(format!("{what}, start: {f}"));
    }
    let reindexed = format!("{what}, then -reindex");
    if let Some(f) = failure_of(|| check_reindex(&node.datadir, saved, agree, whole, &reindexed)) {
        failures.push(format!("{reindexed}: {f}"));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Where each record of a block file starts (magic, size, block).
fn record_offsets(bytes: &[u8]) -> Vec<usize> {
    let mut offsets = Vec::new();
    let mut at = 0;
    while let Some(size) = bytes.get(at + 4..at + 8) {
        offsets.push(at);
        let size = u32::from_le_bytes(size.try_into().unwrap()) as usize;
        at += 8 + size;
    }
    offsets
}

fn blk0(node: &TestNode) -> PathBuf {
    node.datadir
        .join("regtest")
        .join("blocks")
        .join("blk00000.dat")
}

/// The block file cut in the middle of the chain: Core refuses to start ("Corrupted block
/// database detected"); a node that starts must not claim blocks it cannot read.
#[test]
fn truncated_block_file_at_start() {
    let (node, saved) = stopped_node_with_101_blocks();
    let path = blk0(&node);
    let bytes = std::fs::read(&path).unwrap();
    let offsets = record_offsets(&bytes);
    assert_eq!(offsets.len(), 102);
    // Cut inside the record of block 60.
    let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    file.set_len((offsets[60] + 50) as u64).unwrap();
    drop(file);
    check_damaged(&node, &saved, 60, false, "blk00000.dat cut in block 60");
}

/// A block's header overwritten in the file (its nonce), in one of the last six blocks:
/// the block on file is not the block the index names. Core's start-up check
/// (`VerifyDB`, `-checkblocks=6`) reads the last six blocks, finds "GetHash() doesn't
/// match index" and refuses to start ("Corrupted block database detected").
#[test]
fn overwritten_block_header_in_block_file() {
    let (node, saved) = stopped_node_with_101_blocks();
    let path = blk0(&node);
    let mut bytes = std::fs::read(&path).unwrap();
    let offsets = record_offsets(&bytes);
    // The nonce: header bytes 76..80, after the 8 bytes of magic and size.
    let nonce = offsets[99] + 8 + 76;
    bytes[nonce..nonce + 4].copy_from_slice(&[0xde, 0xad, 0xbe, 0xef]);
    std::fs::write(&path, &bytes).unwrap();
    check_damaged(&node, &saved, 99, false, "block 99's nonce overwritten");
}

/// A record's magic and size overwritten with garbage: the block cannot be read at all.
#[test]
fn overwritten_record_header_in_block_file() {
    let (node, saved) = stopped_node_with_101_blocks();
    let path = blk0(&node);
    let mut bytes = std::fs::read(&path).unwrap();
    let offsets = record_offsets(&bytes);
    let at = offsets[101];
    bytes[at..at + 8].copy_from_slice(&[0x55; 8]);
    std::fs::write(&path, &bytes).unwrap();
    check_damaged(
        &node,
        &saved,
        101,
        false,
        "block 101's record header overwritten",
    );
}

/// The block file gone entirely.
#[test]
fn missing_block_file_at_start() {
    let (node, saved) = stopped_node_with_101_blocks();
    std::fs::remove_file(blk0(&node)).unwrap();
    check_damaged(&node, &saved, 0, false, "blk00000.dat removed");
}

/// The database damaged in several ways. Each start must refuse with a message (exit
/// non-zero, no panic) or come back with the very chain that was saved; and `-reindex`
/// must rebuild it from the intact block files.
#[test]
fn corrupted_database_at_start() {
    const PAGE: usize = 4096;
    type Damage = fn(&mut Vec<u8>);
    let damages: [(&str, Damage); 6] = [
        ("header overwritten", |db| db[..512].fill(0xff)),
        ("zeroed", |db| db.fill(0)),
        ("truncated to half", |db| db.truncate(db.len() / 2)),
        ("emptied", |db| db.clear()),
        ("one byte flipped in every used page", |db| {
            for page in (PAGE..db.len()).step_by(PAGE) {
                if db[page..(page + PAGE).min(db.len())]
                    .iter()
                    .any(|b| *b != 0)
                {
                    db[page + 100] ^= 0xff;
                }
            }
        }),
        ("the start of every used page overwritten", |db| {
            for page in (PAGE..db.len()).step_by(PAGE) {
                if db[page..(page + PAGE).min(db.len())]
                    .iter()
                    .any(|b| *b != 0)
                {
                    db[page..page + 16].fill(0x5a);
                }
            }
        }),
    ];
    let mut failures = Vec::new();
    for (what, damage) in damages {
        let (node, saved) = stopped_node_with_101_blocks();
        let path = node
            .datadir
            .join("regtest")
            .join("chainstate")
            .join("sou.redb");
        let mut db = std::fs::read(&path).unwrap();
        damage(&mut db);
        std::fs::write(&path, &db).unwrap();
        let what = format!("database {what}");
        if let Some(f) = failure_of(|| check_start(&node.datadir, &saved, true, &what)) {
            failures.push(format!("{what}, start: {f}"));
        }
        let reindexed = format!("{what}, then -reindex");
        if let Some(f) =
            failure_of(|| check_reindex(&node.datadir, &saved, usize::MAX, true, &reindexed))
        {
            failures.push(format!("{reindexed}: {f}"));
        }
    }
    assert!(
        failures.is_empty(),
        "damaged databases:\n{}",
        failures.join("\n")
    );
}
