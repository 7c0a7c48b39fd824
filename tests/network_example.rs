//! The `network` example runs to its end: nodes in this process, a block that reaches them
//! all, a split and a reorganisation, a double spend. The example checks each outcome it
//! narrates (the payment back in the pool, Carol's payment confirmed everywhere, Bob's
//! gone from every block and pool) and returns an error when one is wrong, so running
//! it is the test. Its file is compiled here as a module, since Cargo gives a test no path
//! to an example's binary. With `--liveview`, a look while the nodes run checks the page
//! that shows their views side by side, and asks each view for its snapshot over HTTP.

// The example's `main` and flag parsing are not called from here.
#[allow(dead_code)]
#[path = "../examples/network.rs"]
mod network;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::Duration;

#[test]
fn four_nodes_split_heal_and_agree() {
    let options = network::Options {
        nodes: 4,
        step: false,
        liveview: false,
        no_wait: false,
        on_views: None,
    };
    let outcome = network::run(&options);
    assert_eq!(outcome, Ok(()));
}

#[test]
fn two_nodes_are_enough_for_a_split() {
    let options = network::Options {
        nodes: 2,
        step: false,
        liveview: false,
        no_wait: false,
        on_views: None,
    };
    let outcome = network::run(&options);
    assert_eq!(outcome, Ok(()));
}

#[test]
fn liveview_shows_every_node_side_by_side() {
    let options = network::Options {
        nodes: 4,
        step: false,
        liveview: true,
        no_wait: true,
        on_views: Some(look_at_views),
    };
    let outcome = network::run(&options);
    assert_eq!(outcome, Ok(()));
}

/// Run once the nodes are up: the page has one frame per node, on that node's port, and
/// each node's live view answers `/api/state`.
fn look_at_views(page: &Path, views: &[(char, u16)]) -> Result<(), String> {
    assert_eq!(views.len(), 4);
    let html = std::fs::read_to_string(page).map_err(|e| format!("{}: {e}", page.display()))?;
    assert_eq!(html.matches("<iframe").count(), views.len(), "{html}");
    for (name, port) in views {
        let src = format!("<iframe src=\"http://127.0.0.1:{port}/\" title=\"node {name}\">");
        assert!(html.contains(&src), "no frame for {name}: {html}");
        assert!(html.contains(&format!("<strong>{name}</strong>")), "{html}");

        let reply = get(*port, "/api/state")?;
        assert!(
            reply.starts_with("HTTP/1.0 200") || reply.starts_with("HTTP/1.1 200"),
            "node {name}: {reply}"
        );
        let body = reply.split("\r\n\r\n").nth(1).unwrap_or_default();
        let state: serde_json::Value =
            serde_json::from_str(body).map_err(|e| format!("node {name}: {e}: {body}"))?;
        assert_eq!(state["tip"]["height"], 0, "node {name}: {body}");
    }
    Ok(())
}

/// A plain HTTP/1.0 GET on 127.0.0.1: the whole reply, the server closing at its end.
fn get(port: u16, path: &str) -> Result<String, String> {
    let limit = Some(Duration::from_secs(10));
    let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    stream.set_read_timeout(limit).map_err(|e| e.to_string())?;
    stream.set_write_timeout(limit).map_err(|e| e.to_string())?;
    write!(
        stream,
        "GET {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n"
    )
    .map_err(|e| e.to_string())?;
    let mut reply = String::new();
    stream
        .read_to_string(&mut reply)
        .map_err(|e| format!("port {port}: {e}"))?;
    Ok(reply)
}
