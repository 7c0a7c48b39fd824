//! The control, network and utility RPCs: `stop`, `help`, `uptime`, `logging`,
//! `setmocktime`, `getrpcinfo`, `getnetworkinfo`.
//!
//! References: Core `src/rpc/server.cpp` (`stop`, `help`, `uptime`, `getrpcinfo`),
//! `src/rpc/node.cpp` (`setmocktime`, `logging`), `src/rpc/net.cpp` (`getnetworkinfo`).

use serde_json::{json, Value};

use crate::rpc::dispatch::Shared;
use crate::rpc::params::{self, get};
use crate::rpc::{format, help as methods, RpcError};

/// The version reported by `getnetworkinfo`: that of the Bitcoin Core sou answers as
/// (v31.99), because clients choose how to read results by it (`subversion` names sou).
const VERSION: i64 = 319_900;
/// The P2P protocol version sou speaks.
const PROTOCOL_VERSION: i64 = 70016;

pub fn stop(shared: &Shared, _: &[Value]) -> Result<Value, RpcError> {
    shared.request_stop();
    Ok("Bitcoin Core stopping".into())
}

pub fn help(_shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let command = match get(p, 0) {
        None => "",
        Some(v) => params::string(v)?,
    };
    Ok(methods::help(command).into())
}

pub fn uptime(shared: &Shared, _: &[Value]) -> Result<Value, RpcError> {
    Ok(shared.started.elapsed().as_secs().into())
}

pub fn setmocktime(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let time = params::int(&p[0])?;
    if !(0..=i64::from(u32::MAX)).contains(&time) {
        return Err(RpcError::invalid_parameter(format!(
            "Mocktime must be in the range [0, 4294967295], not {time}."
        )));
    }
    let mut node = shared.node();
    if node.params().network != sou_primitives::Network::Regtest {
        return Err(RpcError::misc(
            "setmocktime is for regression testing (-regtest mode) only",
        ));
    }
    node.set_mocktime(time);
    Ok(Value::Null)
}

pub fn mockscheduler(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let seconds = params::int(&p[0])?;
    if !(1..=3600).contains(&seconds) {
        return Err(RpcError::invalid_parameter(
            "delta_time must be between 1 and 3600",
        ));
    }
    if shared.network != sou_primitives::Network::Regtest {
        return Err(RpcError::misc(
            "mockscheduler is for regression testing (-regtest mode) only",
        ));
    }
    // sou schedules no periodic tasks yet: nothing to run early.
    Ok(Value::Null)
}

fn names(value: Option<&Value>) -> Result<Vec<String>, RpcError> {
    match value {
        None => Ok(vec![]),
        Some(Value::Array(list)) => list
            .iter()
            .map(|v| params::string(v).map(str::to_string))
            .collect(),
        Some(other) => Err(RpcError::type_error(format!(
            "JSON value of type {} is not of expected type array",
            params::type_name(other)
        ))),
    }
}

pub fn logging(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let include = names(get(p, 0))?;
    let exclude = names(get(p, 1))?;
    match &shared.log {
        Some(log) => log.logging_rpc(&include, &exclude),
        None => Ok(json!({})),
    }
}

pub fn getrpcinfo(shared: &Shared, _: &[Value]) -> Result<Value, RpcError> {
    let active: Vec<Value> = shared
        .active_calls()
        .into_iter()
        .map(|(method, micros)| json!({ "method": method, "duration": u64::try_from(micros).unwrap_or(u64::MAX) }))
        .collect();
    let mut result = serde_json::Map::new();
    result.insert("active_commands".into(), Value::Array(active));
    if let Some(path) = &shared.log_path {
        result.insert("logpath".into(), path.display().to_string().into());
    }
    Ok(Value::Object(result))
}

pub fn getnetworkinfo(shared: &Shared, _: &[Value]) -> Result<Value, RpcError> {
    let peers = shared.net.peers().list();
    let inbound = peers.iter().filter(|p| p.is_inbound()).count();
    let services = crate::p2p::v2transport::local_services(&shared.net);
    let network = |name: &str, limited: bool| {
        json!({
            "name": name,
            "limited": limited,
            "reachable": !limited,
            "proxy": "",
            "proxy_randomize_credentials": false,
        })
    };
    Ok(json!({
        "version": VERSION,
        "subversion": crate::p2p::handshake::user_agent(),
        "protocolversion": PROTOCOL_VERSION,
        "localservices": format!("{:016x}", services.to_bits()),
        "localservicesnames": services.names(),
        "localrelay": true,
        "timeoffset": 0,
        "networkactive": shared.net.network_active(),
        "connections": peers.len(),
        "connections_in": inbound,
        "connections_out": peers.len() - inbound,
        "networks": [
            network("ipv4", false),
            network("ipv6", false),
            network("onion", true),
            network("i2p", true),
            network("cjdns", true),
        ],
        "relayfee": format::amount(sou_primitives::Amount::from_sat(100)),
        "incrementalfee": format::amount(sou_primitives::Amount::from_sat(100)),
        "localaddresses": [],
        "warnings": [],
    }))
}
