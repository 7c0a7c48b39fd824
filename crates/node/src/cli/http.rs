//! The call itself: the JSON-RPC request, where to send it, the credentials (`-rpcuser`
//! or the cookie file), one HTTP POST, and `-rpcwait`'s retries.
//!
//! References: Core `src/bitcoin-cli.cpp` (`ConnectAndCallRPC`, `CallRPC`),
//! `src/rpc/request.cpp` (`JSONRPCRequestObj`, `GetAuthCookie`), `src/common/url.cpp`
//! (`UrlEncode`), `src/util/strencodings.cpp` (`SplitHostPort`).
use std::io::Read;
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::Value;

use super::convert::{convert_named, convert_positional, Params};
use super::output::type_name;
use super::{CallError, DEFAULT_HTTP_CLIENT_TIMEOUT, RPC_IN_WARMUP};
use crate::config::{write_json, Config, PathArg};
use crate::datadir;

/// Core's `JSONRPCRequestObj`: `{"method":..,"params":..,"id":..,"jsonrpc":"2.0"}`.
pub fn request_body(method: &str, params: &Params, id: &str) -> String {
    format!(
        "{{\"method\":{},\"params\":{},\"id\":{},\"jsonrpc\":\"2.0\"}}",
        write_json(&Value::String(method.to_owned()), 0),
        params.to_json_text(),
        write_json(&Value::String(id.to_owned()), 0)
    )
}

/// Core's `UrlEncode`: everything but RFC 3986's unreserved characters percent-encoded.
pub fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Core's `SplitHostPort`: `host`, `host:port`, `[v6]:port`; a bare IPv6 address has no
/// port. Returns the host and the port (0 when none), or `None` for a bad port.
pub fn split_host_port(input: &str) -> Option<(String, u16)> {
    let mut host_part = input;
    let mut port = 0u16;
    let mut valid = true;
    if let Some(colon) = input.rfind(':') {
        let bracketed = input.starts_with('[') && input[..colon].ends_with(']');
        let multi_colon = colon != 0 && input[..colon].contains(':');
        if colon == 0 || bracketed || !multi_colon {
            valid = false;
            // ToIntegral<uint16_t>: the whole rest must be decimal digits.
            let digits = &input[colon + 1..];
            if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                if let Ok(n) = digits.parse::<u16>() {
                    host_part = &input[..colon];
                    port = n;
                    valid = n != 0;
                }
            }
        }
    }
    let host = if host_part.len() >= 2 && host_part.starts_with('[') && host_part.ends_with(']') {
        &host_part[1..host_part.len() - 1]
    } else {
        host_part
    };
    valid.then(|| (host.to_owned(), port))
}

// Core's ConnectAndCallRPC: -rpcwait retries connection failures (and a node still
// warming up) once a second, until -rpcwaittimeout seconds (0: forever).
pub(super) fn connect_and_call(
    program: &str,
    config: &Config,
    method: &str,
    params: &[String],
    endpoint: &str,
    stderr: &mut String,
) -> Result<serde_json::Map<String, Value>, String> {
    let wait = config.get_bool("rpcwait", false);
    let timeout = config.get_int("rpcwaittimeout", 0);
    let deadline = Instant::now() + Duration::from_secs(u64::try_from(timeout).unwrap_or(0));
    loop {
        let attempt =
            call_rpc(program, config, method, params, endpoint, stderr).and_then(|reply| {
                let warming_up = reply
                    .get("error")
                    .and_then(|error| error.get("code"))
                    .and_then(Value::as_i64)
                    == Some(RPC_IN_WARMUP);
                if wait && warming_up {
                    Err(CallError::Connection("server in warmup".to_owned()))
                } else {
                    Ok(reply)
                }
            });
        match attempt {
            Ok(reply) => return Ok(reply),
            Err(CallError::Other(message)) => return Err(message),
            Err(CallError::Connection(message)) => {
                if !wait {
                    return Err(message);
                }
                if timeout > 0 && Instant::now() >= deadline {
                    return Err(format!("timeout on transient error: {message}"));
                }
                std::thread::sleep(Duration::from_secs(1));
            }
        }
    }
}

// Core's CallRPC: one request, one reply object.
fn call_rpc(
    program: &str,
    config: &Config,
    method: &str,
    params: &[String],
    endpoint: &str,
    stderr: &mut String,
) -> Result<serde_json::Map<String, Value>, CallError> {
    // Port: -rpcport, else the one in -rpcconnect, else the network's.
    let rpcconnect = config
        .get("rpcconnect")
        .unwrap_or_else(|| "127.0.0.1".to_owned());
    let (host, connect_port) = split_host_port(&rpcconnect).ok_or_else(|| {
        CallError::Other(format!(
            "Invalid port provided in -rpcconnect: {rpcconnect}"
        ))
    })?;
    let mut port = if connect_port != 0 {
        connect_port
    } else {
        datadir::default_rpc_port(config.network())
    };
    if let Some(rpcport) = config.get("rpcport") {
        let parsed = Some(rpcport.as_str())
            .filter(|text| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|text| text.parse::<u16>().ok())
            .filter(|n| *n != 0)
            .ok_or_else(|| {
                CallError::Other(format!("Invalid port provided in -rpcport: {rpcport}"))
            })?;
        port = parsed;
        if connect_port != 0 {
            stderr.push_str(&format!(
                "Warning: Port specified in both -rpcconnect and -rpcport. Using -rpcport {port}\n"
            ));
        }
    }
    let timeout = config.get_int("rpcclienttimeout", DEFAULT_HTTP_CLIENT_TIMEOUT);

    // Credentials: the password, else the cookie file.
    let password = config.get("rpcpassword").unwrap_or_default();
    let (credentials, cookie) = if password.is_empty() {
        let (credentials, outcome) = read_cookie(config);
        (credentials, Some(outcome))
    } else {
        let user = config.get("rpcuser").unwrap_or_default();
        (format!("{user}:{password}"), None)
    };

    let params = if config.get_bool("named", false) {
        convert_named(method, params)
    } else {
        convert_positional(method, params)
    }
    .map_err(CallError::Other)?;
    let id = config.get("rpcid").unwrap_or_else(|| "1".to_owned());
    let body = format!("{}\n", request_body(method, &params, &id));

    let (status, reply_body) = post(&host, port, endpoint, &credentials, &body, timeout).map_err(|detail| {
        let detail = if detail.is_empty() {
            String::new()
        } else {
            format!(" ({detail})")
        };
        CallError::Connection(format!(
            "Error while attempting to communicate with server {host}:{port}{detail}\n\n\
             Make sure the bitcoind server is running and that you are connecting to the correct RPC port.\n\
             Use \"{program} -help\" for more info."
        ))
    })?;

    if status == 401 {
        let reason = match cookie {
            Some(CookieOutcome::Error) => {
                "Failed to read cookie file and no rpcpassword was specified."
            }
            Some(CookieOutcome::Disabled) => {
                "Cookie file was disabled via -norpccookiefile and no rpcpassword was specified."
            }
            Some(CookieOutcome::Ok) => {
                "Cookie file credentials were invalid and no rpcpassword was specified."
            }
            None => "Incorrect rpcuser or rpcpassword were specified.",
        };
        let conf = config
            .config_file_path()
            .map(|path| path.display().to_string())
            .unwrap_or_default();
        return Err(CallError::Other(format!(
            "Authorization failed: {reason} Configuration file: ({conf})"
        )));
    }
    if status == 503 {
        return Err(CallError::Other(format!("Server response: {reply_body}")));
    }
    if status >= 400 && ![400, 404, 500].contains(&status) {
        return Err(CallError::Other(format!(
            "server returned HTTP error {status}"
        )));
    }
    if reply_body.is_empty() {
        return Err(CallError::Other("no response from server".to_owned()));
    }
    let reply: Value = serde_json::from_str(&reply_body)
        .map_err(|_| CallError::Other("couldn't parse reply from server".to_owned()))?;
    let Value::Object(reply) = reply else {
        return Err(CallError::Other(format!(
            "JSON value of type {} is not of expected type object",
            type_name(&reply)
        )));
    };
    if reply.is_empty() {
        return Err(CallError::Other(
            "expected reply to have result, error and id properties".to_owned(),
        ));
    }
    Ok(reply)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CookieOutcome {
    Ok,
    Error,
    Disabled,
}

// Core's GetAuthCookie: the first line of the cookie file.
fn read_cookie(config: &Config) -> (String, CookieOutcome) {
    let path = match config.get_path("rpccookiefile") {
        PathArg::Disabled => return (String::new(), CookieOutcome::Disabled),
        PathArg::Unset => std::path::PathBuf::from(datadir::COOKIE_FILENAME),
        PathArg::Path(path) => path,
    };
    let path = if path.is_absolute() {
        path
    } else {
        match config.datadir_net() {
            Some(net) => net.join(path),
            None => return (String::new(), CookieOutcome::Error),
        }
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => (
            text.lines().next().unwrap_or("").to_owned(),
            CookieOutcome::Ok,
        ),
        Err(_) => (String::new(), CookieOutcome::Error),
    }
}

// One HTTP POST. Ok((status, body)) for any HTTP answer; Err(detail) when no answer came
// (the detail goes in parentheses after Core's connection message).
fn post(
    host: &str,
    port: u16,
    endpoint: &str,
    credentials: &str,
    body: &str,
    timeout: i64,
) -> Result<(u16, String), String> {
    let mut builder = ureq::AgentBuilder::new();
    if timeout > 0 {
        builder = builder.timeout(Duration::from_secs(timeout.unsigned_abs()));
    }
    let agent = builder.build();
    let host_in_url = if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_owned()
    };
    let url = format!("http://{host_in_url}:{port}{endpoint}");
    let authorization = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(credentials)
    );
    let response = agent
        .post(&url)
        .set("Content-Type", "application/json")
        .set("Authorization", &authorization)
        .send_string(body);
    let response = match response {
        Ok(response) => response,
        Err(ureq::Error::Status(_, response)) => response,
        Err(ureq::Error::Transport(transport)) => {
            return Err(match transport.kind() {
                ureq::ErrorKind::Dns => format!("Could not resolve host: {host}"),
                ureq::ErrorKind::ConnectionFailed => "Could not connect to the server".to_owned(),
                _ => transport.to_string(),
            })
        }
    };
    let status = response.status();
    let mut text = String::new();
    // Read the whole body (ureq's into_string stops at 10 MB; a block can be larger).
    response
        .into_reader()
        .read_to_string(&mut text)
        .map_err(|e| format!("HTTP error: {e}"))?;
    Ok((status, text))
}
