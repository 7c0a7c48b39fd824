//! `sou rpc` against `bitcoin-cli` v31.99: argument conversion, the request it sends,
//! what it prints and its exit status.
//!
//! The expected outputs were taken from the real `bitcoin-cli` talking to a real
//! `bitcoind -regtest` in a fresh directory `$D` (`bitcoin-cli -datadir=$D -regtest
//! -rpcport=$P ...`), as the comments show. Here a small HTTP server in a thread stands in
//! for the node, answering what bitcoind answered.

// Helpers outside #[test] functions unwrap too: a failure there is a failed test.
#![allow(clippy::unwrap_used)]

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::JoinHandle;

use serde_json::{json, Value};
use sou_node::cli::{
    self, convert_named, convert_positional, format_error, format_result, request_body, CliOutput,
    Params,
};
use sou_node::config::write_json;

fn words(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

fn positional(method: &str, list: &[&str]) -> Value {
    match convert_positional(method, &words(list)).unwrap() {
        Params::Positional(values) => Value::Array(values),
        Params::Named(_) => unreachable!(),
    }
}

// ---- conversion of words to JSON (Core's vRPCConvertParams) ----

#[test]
fn positional_parameters_follow_the_table() {
    // bitcoin-cli getblockhash 5 sends a number; getblock's hash stays a string.
    assert_eq!(positional("getblockhash", &["5"]), json!([5]));
    assert_eq!(positional("getblock", &["00ff", "2"]), json!(["00ff", 2]));
    // Amounts keep their text: 0.10000000 reaches the node as written.
    let sent = positional(
        "sendtoaddress",
        &["bcrt1qxyz", "0.10000000", "", "", "false"],
    );
    assert_eq!(
        write_json(&sent, 0),
        r#"["bcrt1qxyz",0.10000000,"","",false]"#
    );
    // bitcoin-cli echo a b=c 1 '"x"' printed ["a","b=c","1","\"x\""]: echo converts nothing.
    assert_eq!(
        positional("echo", &["a", "b=c", "1", "\"x\""]),
        json!(["a", "b=c", "1", "\"x\""])
    );
    // bitcoin-cli echojson 1 '{"a":1.50}' '"x"' null printed [1,{"a":1.50},"x",null].
    let echoed = positional("echojson", &["1", r#"{"a":1.50}"#, "\"x\"", "null"]);
    assert_eq!(write_json(&echoed, 0), r#"[1,{"a":1.50},"x",null]"#);
    // JSON_OR_STRING: a hash that is not JSON is sent as a string.
    assert_eq!(positional("getblockstats", &["00ff"]), json!(["00ff"]));
    assert_eq!(positional("getblockstats", &["100"]), json!([100]));
    // Methods the table does not know get strings.
    assert_eq!(
        positional("nosuchmethod", &["1", "[2]"]),
        json!(["1", "[2]"])
    );
}

#[test]
fn invalid_json_is_refused() {
    // bitcoin-cli getblock abc '[1' → "error: Error parsing JSON: [1"
    assert_eq!(
        convert_positional("getblock", &words(&["abc", "[1"])).unwrap_err(),
        "Error parsing JSON: [1"
    );
    // bitcoin-cli setmocktime abc → "error: Error parsing JSON: abc"
    assert_eq!(
        convert_positional("setmocktime", &words(&["abc"])).unwrap_err(),
        "Error parsing JSON: abc"
    );
    // bitcoin-cli -named getblock blockhash=abc verbosity='[1' → same message
    assert_eq!(
        convert_named("getblock", &words(&["blockhash=abc", "verbosity=[1"])).unwrap_err(),
        "Error parsing JSON: [1"
    );
}

#[test]
fn named_parameters() {
    let named = convert_named("getblock", &words(&["blockhash=00ff", "verbosity=2"])).unwrap();
    assert_eq!(
        named.to_json_text(),
        r#"{"blockhash":"00ff","verbosity":2}"#
    );
    // A later value replaces an earlier one in place.
    let named = convert_named(
        "getblock",
        &words(&["verbosity=1", "blockhash=00ff", "verbosity=2"]),
    )
    .unwrap();
    assert_eq!(
        named.to_json_text(),
        r#"{"verbosity":2,"blockhash":"00ff"}"#
    );
    // Words without '=' go to "args", converted by position.
    let named = convert_named("getblock", &words(&["00ff", "2"])).unwrap();
    assert_eq!(named.to_json_text(), r#"{"args":["00ff",2]}"#);
    // An unknown name whose position expects a string is a positional string:
    // bitcoin-cli -named createwallet my=wallet creates the wallet "my=wallet".
    let named = convert_named(
        "createwallet",
        &words(&["my=wallet", "disable_private_keys=true"]),
    )
    .unwrap();
    assert_eq!(
        named.to_json_text(),
        r#"{"disable_private_keys":true,"args":["my=wallet"]}"#
    );
    // An explicit args and positional words both reach the node, which refuses:
    // bitcoin-cli -named echojson arg0=1 args=2 3 → "error code: -8 / Parameter args
    // specified multiple times".
    let named = convert_named("echojson", &words(&["arg0=1", "args=2", "3"])).unwrap();
    // ("args" is not in the table, so its value stays a string.)
    assert_eq!(named.to_json_text(), r#"{"arg0":1,"args":"2","args":[3]}"#);
}

#[test]
fn request_object() {
    let params = convert_positional("getblockhash", &words(&["0"])).unwrap();
    assert_eq!(
        request_body("getblockhash", &params, "1"),
        r#"{"method":"getblockhash","params":[0],"id":"1","jsonrpc":"2.0"}"#
    );
}

// ---- output ----

#[test]
fn results_print_as_bitcoin_cli_prints_them() {
    // bitcoin-cli getbestblockhash prints the string without quotes.
    assert_eq!(format_result(&json!("0f91")).as_deref(), Some("0f91"));
    assert_eq!(format_result(&json!(0)).as_deref(), Some("0"));
    assert_eq!(format_result(&Value::Null), None);
    // bitcoin-cli echo printed "[\n]": UniValue writes empty containers on two lines.
    assert_eq!(format_result(&json!([])).as_deref(), Some("[\n]"));
    assert_eq!(format_result(&json!({})).as_deref(), Some("{\n}"));
    // bitcoin-cli echojson 1 '{"a":1.50}' '"x"' null
    let echoed: Value = serde_json::from_str(r#"[1,{"a":1.50},"x",null]"#).unwrap();
    assert_eq!(
        format_result(&echoed).as_deref(),
        Some("[\n  1,\n  {\n    \"a\": 1.50\n  },\n  \"x\",\n  null\n]")
    );
    assert_eq!(
        write_json(&json!("a\u{7f}\u{1}\"\\é"), 0),
        r#""a\u007f\u0001\"\\é""#
    );
}

#[test]
fn rpc_errors_exit_with_the_code() {
    // bitcoin-cli getblockhash 5 → exit 8
    let (text, code) = format_error(
        &json!({"code": -8, "message": "Block height out of range"}),
        "bitcoin-cli",
    );
    assert_eq!(
        text,
        "error code: -8\nerror message:\nBlock height out of range"
    );
    assert_eq!(code, 8);
    // bitcoin-cli nosuchmethod → exit 89 (32601 modulo 256)
    let (text, code) = format_error(
        &json!({"code": -32601, "message": "Method not found"}),
        "bitcoin-cli",
    );
    assert_eq!(text, "error code: -32601\nerror message:\nMethod not found");
    assert_eq!(code, 89);
    let (text, _) = format_error(
        &json!({"code": -19, "message": "Wallet file not specified (must request wallet RPC through /wallet/<filename> uri-path)."}),
        "sou rpc",
    );
    assert!(text.ends_with(" Or for the CLI, specify the \"-rpcwallet=<walletname>\" option before the command (run \"sou rpc -h\" for help or \"sou rpc listwallets\" to see which wallets are currently loaded)."));
}

// ---- whole runs ----

fn run(list: &[&str]) -> CliOutput {
    run_with_stdin(list, "")
}

fn run_with_stdin(list: &[&str], stdin: &str) -> CliOutput {
    let mut input = BufReader::new(stdin.as_bytes());
    cli::run("bitcoin-cli", words(list), &mut input)
}

/// A port nothing listens on.
fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// What the fake node received.
struct Request {
    path: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// Answers one HTTP request with `status` and `body`, and hands back the request.
fn serve_once(status: &str, body: &str) -> (u16, JoinHandle<Request>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let status = status.to_owned();
    let body = body.to_owned();
    let handle = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let request = read_request(&stream);
        let mut stream = stream;
        write!(
            stream,
            "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        request
    });
    (port, handle)
}

fn read_request(stream: &TcpStream) -> Request {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    let path = line.split_whitespace().nth(1).unwrap_or("").to_owned();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (key, value) = line.split_once(':').unwrap();
        headers.push((key.trim().to_owned(), value.trim().to_owned()));
    }
    let length: usize = headers
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case("content-length"))
        .map_or(0, |(_, value)| value.parse().unwrap());
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    Request {
        path,
        headers,
        body: String::from_utf8(body).unwrap(),
    }
}

fn basic(credentials: &str) -> String {
    use base64::Engine as _;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(credentials)
    )
}

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("sou-cli-{}-{n}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(path.join("regtest")).unwrap();
        TempDir(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

#[test]
fn usage_and_argument_errors() {
    // bitcoin-cli (no arguments): the help on stdout, "Error: too few parameters", exit 1
    let out = run(&[]);
    assert!(out
        .stdout
        .contains("Usage: bitcoin-cli [options] <command> [params]"));
    assert_eq!(out.stderr, "Error: too few parameters\n");
    assert_eq!(out.exit_code, 1);
    let out = run(&["-help"]);
    assert_eq!(out.exit_code, 0);
    assert!(out.stdout.contains("-rpcwallet"));
    // bitcoin-cli -datadir=$D -regtest -foo getblockcount
    let out = run(&["-regtest", "-foo", "getblockcount"]);
    assert_eq!(
        out.stderr,
        "Error parsing command line arguments: Invalid parameter -foo\n"
    );
    assert_eq!(out.exit_code, 1);
    // bitcoin-cli -datadir=/nonexist -regtest getblockcount
    let out = run(&["-datadir=/nonexistent/sou", "-regtest", "getblockcount"]);
    assert_eq!(
        out.stderr,
        "Error: Specified data directory \"/nonexistent/sou\" does not exist.\n"
    );
    assert_eq!(out.exit_code, 1);
    let dir = TempDir::new("args");
    let datadir = format!("-datadir={}", dir.path().display());
    // bitcoin-cli -datadir=$D -regtest
    let out = run(&[&datadir, "-regtest"]);
    assert_eq!(
        out.stderr,
        "error: too few parameters (need at least command)\n"
    );
    assert_eq!(out.exit_code, 1);
    // bitcoin-cli -datadir=$D -regtest -rpcport=abc getblockcount
    let out = run(&[&datadir, "-regtest", "-rpcport=abc", "getblockcount"]);
    assert_eq!(
        out.stderr,
        "error: Invalid port provided in -rpcport: abc\n"
    );
    // bitcoin-cli -datadir=$D -regtest -rpcconnect=127.0.0.1:99999 getblockcount
    let out = run(&[
        &datadir,
        "-regtest",
        "-rpcconnect=127.0.0.1:99999",
        "getblockcount",
    ]);
    assert_eq!(
        out.stderr,
        "error: Invalid port provided in -rpcconnect: 127.0.0.1:99999\n"
    );
    // Only one client-side command; sou does not implement them.
    let out = run(&[&datadir, "-regtest", "-getinfo", "-netinfo"]);
    assert_eq!(
        out.stderr,
        "error: Only one of -getinfo, -netinfo may be specified.\n"
    );
    let chain = run(&[&datadir, "-regtest", "-testnet4", "getblockcount"]);
    assert_eq!(
        chain.stderr,
        "Error: Invalid combination of -regtest, -signet, -testnet, -testnet4 and -chain. Can use at most one.\n"
    );
}

#[test]
fn connection_failure() {
    let dir = TempDir::new("refused");
    let datadir = format!("-datadir={}", dir.path().display());
    let port = closed_port();
    let rpcport = format!("-rpcport={port}");
    // bitcoin-cli -datadir=$D -regtest -rpcport=1 getblockcount, exit 1
    let out = run(&[&datadir, "-regtest", &rpcport, "getblockcount"]);
    assert_eq!(
        out.stderr,
        format!(
            "error: Error while attempting to communicate with server 127.0.0.1:{port} (Could not connect to the server)\n\n\
             Make sure the bitcoind server is running and that you are connecting to the correct RPC port.\n\
             Use \"bitcoin-cli -help\" for more info.\n"
        )
    );
    assert_eq!(out.exit_code, 1);
    // A JSON error comes before any connection: bitcoin-cli ... getblock abc '[1'
    let out = run(&[&datadir, "-regtest", &rpcport, "getblock", "abc", "[1"]);
    assert_eq!(out.stderr, "error: Error parsing JSON: [1\n");
    // bitcoin-cli ... -rpcwait -rpcwaittimeout=1 getblockcount
    let out = run(&[
        &datadir,
        "-regtest",
        &rpcport,
        "-rpcwait",
        "-rpcwaittimeout=1",
        "getblockcount",
    ]);
    assert!(out.stderr.starts_with(&format!(
        "error: timeout on transient error: Error while attempting to communicate with server 127.0.0.1:{port} (Could not connect to the server)"
    )));
    assert_eq!(out.exit_code, 1);
}

#[test]
fn result_with_cookie_authentication() {
    let dir = TempDir::new("cookie");
    let cookie = "__cookie__:8ced262a2301e604dcfdaf10632edcbc8ba64f503b02a4d4e6e912cd9f9ce3a2";
    fs::write(dir.path().join("regtest/.cookie"), cookie).unwrap();
    let datadir = format!("-datadir={}", dir.path().display());
    let (port, server) = serve_once(
        "200 OK",
        r#"{"result":{"chain":"regtest","blocks":0,"warnings":[]},"error":null,"id":"1"}"#,
    );
    let out = run(&[
        &datadir,
        "-regtest",
        &format!("-rpcport={port}"),
        "getblockchaininfo",
    ]);
    let request = server.join().unwrap();
    assert_eq!(
        out.stdout,
        "{\n  \"chain\": \"regtest\",\n  \"blocks\": 0,\n  \"warnings\": [\n  ]\n}\n"
    );
    assert_eq!(out.stderr, "");
    assert_eq!(out.exit_code, 0);
    assert_eq!(request.path, "/");
    assert_eq!(
        request.header("Authorization"),
        Some(basic(cookie).as_str())
    );
    assert_eq!(request.header("Content-Type"), Some("application/json"));
    assert_eq!(
        request.body,
        "{\"method\":\"getblockchaininfo\",\"params\":[],\"id\":\"1\",\"jsonrpc\":\"2.0\"}\n"
    );
}

#[test]
fn rpc_error_with_password_and_wallet_endpoint() {
    let dir = TempDir::new("error");
    let datadir = format!("-datadir={}", dir.path().display());
    let (port, server) = serve_once(
        "500 Internal Server Error",
        r#"{"result":null,"error":{"code":-8,"message":"Block height out of range"},"id":"x"}"#,
    );
    let out = run(&[
        &datadir,
        "-regtest",
        &format!("-rpcport={port}"),
        "-rpcuser=u",
        "-rpcpassword=p",
        "-rpcwallet=my wallet",
        "-rpcid=x",
        "getblockhash",
        "5",
    ]);
    let request = server.join().unwrap();
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        "error code: -8\nerror message:\nBlock height out of range\n"
    );
    assert_eq!(out.exit_code, 8);
    assert_eq!(request.path, "/wallet/my%20wallet");
    assert_eq!(request.header("Authorization"), Some(basic("u:p").as_str()));
    assert!(request.body.contains("\"params\":[5]"));
    assert!(request.body.contains("\"id\":\"x\""));
}

#[test]
fn authorization_failures() {
    let dir = TempDir::new("unauthorized");
    let datadir = format!("-datadir={}", dir.path().display());
    let conf = dir.path().join("bitcoin.conf");
    // bitcoin-cli -datadir=$D -regtest -rpcport=$P -rpcuser=x -rpcpassword=y getblockcount
    let (port, server) = serve_once("401 Unauthorized", "");
    let out = run(&[
        &datadir,
        "-regtest",
        &format!("-rpcport={port}"),
        "-rpcuser=x",
        "-rpcpassword=y",
        "getblockcount",
    ]);
    server.join().unwrap();
    assert_eq!(
        out.stderr,
        format!("error: Authorization failed: Incorrect rpcuser or rpcpassword were specified. Configuration file: ({})\n", conf.display())
    );
    assert_eq!(out.exit_code, 1);
    // bitcoin-cli ... -rpccookiefile=/nonexist getblockcount
    let (port, server) = serve_once("401 Unauthorized", "");
    let out = run(&[
        &datadir,
        "-regtest",
        &format!("-rpcport={port}"),
        "-rpccookiefile=/nonexistent/cookie",
        "getblockcount",
    ]);
    server.join().unwrap();
    assert_eq!(
        out.stderr,
        format!("error: Authorization failed: Failed to read cookie file and no rpcpassword was specified. Configuration file: ({})\n", conf.display())
    );
    // bitcoin-cli ... -norpccookiefile getblockcount
    let (port, server) = serve_once("401 Unauthorized", "");
    let out = run(&[
        &datadir,
        "-regtest",
        &format!("-rpcport={port}"),
        "-norpccookiefile",
        "getblockcount",
    ]);
    server.join().unwrap();
    assert_eq!(
        out.stderr,
        format!("error: Authorization failed: Cookie file was disabled via -norpccookiefile and no rpcpassword was specified. Configuration file: ({})\n", conf.display())
    );
    // bitcoin-cli -rpcwallet=w getwalletinfo against a node without wallets: 404, no body
    let (port, server) = serve_once("404 Not Found", "");
    let out = run(&[
        &datadir,
        "-regtest",
        &format!("-rpcport={port}"),
        "-rpcwallet=w",
        "getwalletinfo",
    ]);
    server.join().unwrap();
    assert_eq!(out.stderr, "error: no response from server\n");
}

#[test]
fn arguments_and_password_from_stdin() {
    let dir = TempDir::new("stdin");
    let datadir = format!("-datadir={}", dir.path().display());
    // printf 'a\nb c\n' | bitcoin-cli ... -stdin echo x → ["x","a","b c"]
    let (port, server) = serve_once(
        "200 OK",
        r#"{"result":["x","a","b c"],"error":null,"id":"1"}"#,
    );
    let out = run_with_stdin(
        &[
            &datadir,
            "-regtest",
            &format!("-rpcport={port}"),
            "-rpcuser=u",
            "-stdinrpcpass",
            "-stdin",
            "echo",
            "x",
        ],
        "secret\na\nb c\n",
    );
    let request = server.join().unwrap();
    assert_eq!(out.stdout, "[\n  \"x\",\n  \"a\",\n  \"b c\"\n]\n");
    assert!(request.body.contains(r#""params":["x","a","b c"]"#));
    assert_eq!(
        request.header("Authorization"),
        Some(basic("u:secret").as_str())
    );
    let out = run_with_stdin(&[&datadir, "-regtest", "-stdinrpcpass", "echo"], "");
    assert_eq!(
        out.stderr,
        "error: -stdinrpcpass specified but failed to read from standard input\n"
    );
    // A null result prints nothing at all.
    let (port, server) = serve_once("200 OK", r#"{"result":null,"error":null,"id":"1"}"#);
    let out = run(&[
        &datadir,
        "-regtest",
        &format!("-rpcport={port}"),
        "-rpcpassword=p",
        "setmocktime",
        "0",
    ]);
    server.join().unwrap();
    assert_eq!(out, CliOutput::default());
}
