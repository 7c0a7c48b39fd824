//! The HTTP side of the RPC: authentication, JSON-RPC 1.0 and 2.0, batches, and the HTTP
//! status codes bitcoind answers with.
//!
//! bitcoind serves JSON-RPC on `POST /` (and `/wallet/NAME`). Each request passes three
//! gates before a method runs: HTTP basic authentication (a wrong password is answered
//! after a quarter of a second, to slow guessing), a body that parses as JSON, and a
//! request object naming a method. The reply's shape follows the request's version:
//!
//! - JSON-RPC 1.0 (no `"jsonrpc"`, or `"1.0"`): `{"result": .., "error": .., "id": ..}`,
//!   and a failed call is also an HTTP error (404 for an unknown method, 400 for a bad
//!   request, 500 otherwise), as old clients expect;
//! - JSON-RPC 2.0: `{"jsonrpc": "2.0", "result": .., "id": ..}` or `"error"` alone, always
//!   HTTP 200, and no reply at all (204) to a notification (a request without `id`);
//! - a batch (an array of requests): one reply per request that is not a notification,
//!   always HTTP 200.
//!
//! The server is `axum` on `tokio`; a method runs on a blocking thread, so that a slow one
//! (mining, waiting for a block) never holds up the others.
//!
//! References: Core `src/httprpc.cpp` (`HTTPReq_JSONRPC`, `ExecuteHTTPRPC`,
//! `JSONErrorReply`), `src/rpc/request.cpp` (`JSONRPCRequest::parse`, `JSONRPCReplyObj`),
//! `src/rpc/server.cpp` (`JSONRPCExec`).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::value::RawValue;
use serde_json::{json, Map, Value};
use tokio::net::TcpListener;

use crate::rpc::dispatch::{call, Shared};
use crate::rpc::{codes, RpcError};

/// The largest request body bitcoind reads: `MAX_SIZE`, 32 MiB.
pub const MAX_BODY: usize = 0x0200_0000;

/// Serves RPC on `listeners` until `shared` says the node is stopping.
pub async fn serve(listeners: Vec<TcpListener>, shared: Arc<Shared>) {
    let app = Router::new()
        .fallback(handle)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(shared.clone());
    let mut tasks = Vec::new();
    for listener in listeners {
        let app = app.clone();
        let shared = shared.clone();
        tasks.push(tokio::spawn(async move {
            let stopping = async move { shared.stopped().await };
            let service = app.into_make_service_with_connect_info::<SocketAddr>();
            if let Err(e) = axum::serve(listener, service)
                .with_graceful_shutdown(stopping)
                .await
            {
                tracing::warn!("RPC server failed: {e}");
            }
        }));
    }
    for task in tasks {
        let _ = task.await;
    }
    // With no listener (`-server=0`) the node still runs until it is asked to stop.
    shared.stopped().await;
}

fn reply(status: StatusCode, body: Option<Value>) -> Response {
    match body {
        None => status.into_response(),
        Some(value) => {
            let mut text = value.to_string();
            text.push('\n');
            (status, [(header::CONTENT_TYPE, "application/json")], text).into_response()
        }
    }
}

fn unauthorized() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, "Basic realm=\"jsonrpc\"")],
    )
        .into_response()
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path();
    let wallet = match path {
        "/" => None,
        p if p.starts_with("/wallet/") => Some(p["/wallet/".len()..].to_string()),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    if method != Method::POST {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            "JSONRPC server handles only POST requests",
        )
            .into_response();
    }
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    if authorization.is_none() {
        return unauthorized();
    }
    let Some(user) = shared.auth.check(authorization) else {
        tracing::warn!("ThreadRPCServer incorrect password attempt");
        // Deter brute-forcing, as Core does.
        tokio::time::sleep(Duration::from_millis(250)).await;
        return unauthorized();
    };
    let shared_for_call = shared.clone();
    let result = tokio::task::spawn_blocking(move || {
        execute_http(&shared_for_call, &body, &user, wallet.as_deref())
    })
    .await;
    match result {
        Ok((status, body)) => reply(status, body),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// The JSON-RPC version a request asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Version {
    V1,
    V2,
}

/// A parsed request: `id` is `None` when absent (a notification in 2.0). Parameters that
/// cannot be used (a named one given twice) fail when the call runs, as in Core.
struct Request {
    id: Option<Value>,
    version: Version,
    method: String,
    params: Result<Value, RpcError>,
}

fn reply_object(result: Result<Value, RpcError>, id: Option<Value>, version: Version) -> Value {
    let mut reply = Map::new();
    if version == Version::V2 {
        reply.insert("jsonrpc".into(), json!("2.0"));
    }
    match result {
        Ok(value) => {
            reply.insert("result".into(), value);
            if version == Version::V1 {
                reply.insert("error".into(), Value::Null);
            }
        }
        Err(error) => {
            if version == Version::V1 {
                reply.insert("result".into(), Value::Null);
            }
            reply.insert("error".into(), error.to_json());
        }
    }
    if let Some(id) = id {
        reply.insert("id".into(), id);
    }
    Value::Object(reply)
}

/// A JSON value read as Core's UniValue reads it: an object keeps every key in order,
/// duplicates included, and a lookup finds the first (serde_json's maps keep the last).
#[derive(Debug)]
enum Parsed {
    Object(Vec<(String, Box<RawValue>)>),
    Array(Vec<Box<RawValue>>),
    Other(Value),
}

impl Parsed {
    fn read(raw: &RawValue) -> Result<Parsed, serde_json::Error> {
        let text = raw.get().trim_start();
        if text.starts_with('{') {
            let Pairs(pairs) = serde_json::from_str(raw.get())?;
            Ok(Parsed::Object(pairs))
        } else if text.starts_with('[') {
            Ok(Parsed::Array(serde_json::from_str(raw.get())?))
        } else {
            Ok(Parsed::Other(serde_json::from_str(raw.get())?))
        }
    }

    /// The value of the first `key`, for an object.
    fn first(&self, key: &str) -> Option<Result<Value, serde_json::Error>> {
        match self {
            Parsed::Object(pairs) => pairs
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| first_wins(v)),
            _ => None,
        }
    }
}

/// A value with, in every object, the first of duplicated keys.
fn first_wins(raw: &RawValue) -> Result<Value, serde_json::Error> {
    Ok(match Parsed::read(raw)? {
        Parsed::Object(pairs) => {
            let mut map = Map::new();
            for (key, value) in pairs {
                if !map.contains_key(&key) {
                    map.insert(key, first_wins(&value)?);
                }
            }
            Value::Object(map)
        }
        Parsed::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| first_wins(item))
                .collect::<Result<_, _>>()?,
        ),
        Parsed::Other(value) => value,
    })
}

/// An object's key-value pairs in order, duplicates kept.
struct Pairs(Vec<(String, Box<RawValue>)>);

impl<'de> serde::Deserialize<'de> for Pairs {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Pairs, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Pairs;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Pairs, A::Error> {
                let mut pairs = Vec::new();
                while let Some((key, value)) = map.next_entry::<String, Box<RawValue>>()? {
                    pairs.push((key, value));
                }
                Ok(Pairs(pairs))
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

/// Named parameters given twice are Core's -8 "Parameter X specified multiple times".
fn named_params(raw: &RawValue) -> Result<Value, RpcError> {
    let parse_error = |e: serde_json::Error| RpcError::new(codes::RPC_PARSE_ERROR, e.to_string());
    match Parsed::read(raw).map_err(parse_error)? {
        Parsed::Object(pairs) => {
            let mut map = Map::new();
            for (key, value) in pairs {
                if map.contains_key(&key) {
                    return Err(RpcError::invalid_parameter(format!(
                        "Parameter {key} specified multiple times"
                    )));
                }
                map.insert(key, first_wins(&value).map_err(parse_error)?);
            }
            Ok(Value::Object(map))
        }
        _ => first_wins(raw).map_err(parse_error),
    }
}

/// Core's `JSONRPCRequest::parse`; on error, the id read so far and the version.
fn parse_request(raw: &RawValue) -> Result<Request, (RpcError, Option<Value>, Version)> {
    let invalid = |message: &str| RpcError::new(codes::RPC_INVALID_REQUEST, message);
    let parsed = match Parsed::read(raw) {
        Ok(parsed @ Parsed::Object(_)) => parsed,
        _ => {
            return Err((
                invalid("Invalid Request object"),
                Some(Value::Null),
                Version::V1,
            ))
        }
    };
    let field = |key: &str| parsed.first(key).and_then(Result::ok);
    let object: Map<String, Value> = ["id", "jsonrpc", "method"]
        .into_iter()
        .filter_map(|key| field(key).map(|v| (key.to_string(), v)))
        .collect();
    let id = object.get("id").cloned();
    let version = match object.get("jsonrpc") {
        None | Some(Value::Null) => Version::V1,
        Some(Value::String(v)) if v == "1.0" => Version::V1,
        Some(Value::String(v)) if v == "2.0" => Version::V2,
        Some(Value::String(_)) => {
            return Err((invalid("JSON-RPC version not supported"), id, Version::V1))
        }
        Some(_) => return Err((invalid("jsonrpc field must be a string"), id, Version::V1)),
    };
    let method = match object.get("method") {
        None | Some(Value::Null) => return Err((invalid("Missing method"), id, version)),
        Some(Value::String(m)) => m.clone(),
        Some(_) => return Err((invalid("Method must be a string"), id, version)),
    };
    let params = match &parsed {
        Parsed::Object(pairs) => pairs.iter().find(|(k, _)| k == "params").map(|(_, v)| v),
        _ => None,
    };
    let params = match params.map(|raw| (raw, Parsed::read(raw))) {
        None | Some((_, Ok(Parsed::Other(Value::Null)))) => Ok(Value::Array(vec![])),
        Some((raw, Ok(Parsed::Object(_) | Parsed::Array(_)))) => named_params(raw),
        Some(_) => return Err((invalid("Params must be an array or object"), id, version)),
    };
    Ok(Request {
        id,
        version,
        method,
        params,
    })
}

/// HTTP status of a failed JSON-RPC 1.0 call (Core `JSONErrorReply`).
fn error_status(error: &RpcError) -> StatusCode {
    match error.code {
        codes::RPC_INVALID_REQUEST => StatusCode::BAD_REQUEST,
        codes::RPC_METHOD_NOT_FOUND => StatusCode::NOT_FOUND,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// Core's `HTTPReq_JSONRPC` after authentication: the status and the body, if any.
pub fn execute_http(
    shared: &Shared,
    body: &[u8],
    user: &str,
    wallet: Option<&str>,
) -> (StatusCode, Option<Value>) {
    // The body is read once into raw values, so that objects keep Core's first-key rule.
    let parsed = serde_json::from_slice::<Box<RawValue>>(body)
        .ok()
        .and_then(|raw| Parsed::read(&raw).ok().map(|p| (raw, p)));
    let Some((raw, parsed)) = parsed else {
        let error = RpcError::new(codes::RPC_PARSE_ERROR, "Parse error");
        return (
            error_status(&error),
            Some(reply_object(Err(error), Some(Value::Null), Version::V1)),
        );
    };
    let run = |req: Request| {
        req.params
            .and_then(|params| call(shared, &req.method, params, wallet))
    };
    match parsed {
        Parsed::Object(_) => match parse_request(&raw) {
            Err((error, id, version)) => (
                error_status(&error),
                Some(reply_object(Err(error), id, version)),
            ),
            Ok(req) => {
                tracing::debug!(target: "rpc", "ThreadRPCServer method={} user={user}", req.method);
                let (id, version) = (req.id.clone(), req.version);
                let notification = id.is_none() && version == Version::V2;
                match (version, run(req)) {
                    (_, Ok(value)) if !notification => {
                        (StatusCode::OK, Some(reply_object(Ok(value), id, version)))
                    }
                    (Version::V2, Err(error)) if !notification => {
                        (StatusCode::OK, Some(reply_object(Err(error), id, version)))
                    }
                    (Version::V1, Err(error)) => (
                        error_status(&error),
                        Some(reply_object(Err(error), id, Version::V1)),
                    ),
                    _ => (StatusCode::NO_CONTENT, None),
                }
            }
        },
        Parsed::Array(requests) => {
            let mut replies = Vec::new();
            for item in &requests {
                match parse_request(item) {
                    Err((error, id, version)) => {
                        replies.push(reply_object(Err(error), id, version));
                    }
                    Ok(req) => {
                        let (id, version) = (req.id.clone(), req.version);
                        let result = run(req);
                        if id.is_none() && version == Version::V2 {
                            continue;
                        }
                        replies.push(reply_object(result, id, version));
                    }
                }
            }
            if replies.is_empty() && !requests.is_empty() {
                (StatusCode::NO_CONTENT, None)
            } else {
                (StatusCode::OK, Some(Value::Array(replies)))
            }
        }
        Parsed::Other(_) => {
            let error = RpcError::new(codes::RPC_PARSE_ERROR, "Top-level object parse error");
            (
                error_status(&error),
                Some(reply_object(Err(error), Some(Value::Null), Version::V1)),
            )
        }
    }
}
