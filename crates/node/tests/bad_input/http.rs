//! The HTTP layer as bitcoind's: credentials (a wrong one answered 401 after a delay),
//! POST only, bodies up to 32 MiB and no more, and 200 clients at once.

use std::io::Write;
use std::sync::mpsc;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::support::{TestNode, BURN_ADDRESS};
use crate::{basic, connect, read_reply, request, Reply};

/// bitcoind's largest request body (`MAX_SIZE`): 32 MiB.
const MAX_BODY: usize = 0x0200_0000;

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
