//! A JSON-RPC client for `--rpc`, as small as `bitcoin-cli`: one HTTP POST per call, Basic
//! authentication from the node's cookie or a user and password, and the node's error
//! turned into a message.

use std::io::Read as _;
use std::path::PathBuf;
use std::time::Duration;

use serde_json::{json, Value};

use crate::args::RpcOptions;

/// A JSON-RPC client: each call is one HTTP POST with Basic authentication, as
/// `bitcoin-cli` sends it.
pub(crate) struct Rpc {
    url: String,
    authorization: String,
    agent: ureq::Agent,
}

impl Rpc {
    /// Credentials: `--rpc-user`/`--rpc-password`, else the cookie the node wrote at startup
    /// (`__cookie__:<random password>`, readable only by the node's user: whoever can read
    /// it may drive the node).
    pub(crate) fn connect(o: &RpcOptions) -> Result<(Rpc, String), String> {
        let (credentials, source) = match (&o.user, &o.password) {
            (Some(user), Some(password)) => (format!("{user}:{password}"), format!("user {user}")),
            _ => {
                let path = match (&o.cookie, &o.datadir) {
                    (Some(path), _) => path.clone(),
                    (None, Some(dir)) => dir.join("regtest").join(".cookie"),
                    (None, None) => {
                        let home = std::env::var_os("HOME")
                            .ok_or("no --rpc-cookie, --datadir or HOME to find the cookie")?;
                        PathBuf::from(home).join(".bitcoin/regtest/.cookie")
                    }
                };
                let text = std::fs::read_to_string(&path).map_err(|e| {
                    format!(
                        "cannot read the cookie {}: {e}\n(is the node running? \
                         pass --datadir, --rpc-cookie or --rpc-user/--rpc-password)",
                        path.display()
                    )
                })?;
                (text.trim().to_owned(), format!("cookie {}", path.display()))
            }
        };
        let rpc = Rpc {
            url: o.url.clone(),
            authorization: format!(
                "Basic {}",
                sou::wallet::psbt::base64::encode(credentials.as_bytes())
            ),
            agent: ureq::AgentBuilder::new()
                .timeout(Duration::from_secs(120))
                .build(),
        };
        Ok((rpc, source))
    }

    /// Calls `method`; the result, or the node's error as a message.
    pub(crate) fn call(&self, method: &str, params: Value) -> Result<Value, String> {
        let body = json!({"jsonrpc": "1.0", "id": "mine", "method": method, "params": params});
        let response = match self
            .agent
            .post(&self.url)
            .set("Content-Type", "application/json")
            .set("Authorization", &self.authorization)
            .send_string(&body.to_string())
        {
            Ok(response) => response,
            Err(ureq::Error::Status(401, _)) => {
                return Err(format!(
                "{method}: the node refused our credentials (HTTP 401): wrong cookie or password"
            ))
            }
            // bitcoind answers a failed call with HTTP 500 (or 404 for an unknown method)
            // and the error in the JSON body.
            Err(ureq::Error::Status(_, response)) => response,
            Err(ureq::Error::Transport(e)) if e.kind() == ureq::ErrorKind::ConnectionFailed => {
                return Err(format!(
                    "cannot connect to {}: is the node running, with its RPC on that port?",
                    self.url
                ))
            }
            Err(ureq::Error::Transport(e)) => return Err(format!("{method}: {e}")),
        };
        let status = response.status();
        let mut text = String::new();
        // Not `into_string`: it stops at 10 MB, and a template's transactions may be more.
        response
            .into_reader()
            .read_to_string(&mut text)
            .map_err(|e| format!("{method}: reading the answer: {e}"))?;
        let reply: Value = serde_json::from_str(&text)
            .map_err(|e| format!("{method}: HTTP {status}, not a JSON-RPC answer ({e}): {text}"))?;
        match reply.get("error") {
            Some(error) if !error.is_null() => Err(format!(
                "{method} failed: {} (code {})",
                error.get("message").and_then(Value::as_str).unwrap_or("?"),
                error.get("code").unwrap_or(&Value::Null)
            )),
            _ => reply.get("result").cloned().ok_or(format!(
                "{method}: the answer has neither \"result\" nor \"error\": {text}"
            )),
        }
    }
}
