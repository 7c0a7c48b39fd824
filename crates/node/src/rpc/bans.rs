//! Core's `network` RPCs about bans: `setban`, `listbanned`, `clearbanned`.
//!
//! References: Core `src/rpc/net.cpp`, `src/banman.cpp`.

use serde_json::{json, Value};

use crate::p2p::banman::Subnet;
use crate::p2p::unix_now;
use crate::rpc::dispatch::Shared;
use crate::rpc::{codes, params, RpcError};

/// The subnet `setban` names: an address is its own subnet (Core parses "a/b" with
/// `LookupSubNet`, a bare address with `LookupHost`, both without name lookup).
fn parse_subnet(text: &str) -> Result<Subnet, RpcError> {
    Subnet::parse(text).ok_or_else(|| {
        RpcError::new(
            codes::RPC_CLIENT_INVALID_IP_OR_SUBNET,
            "Error: Invalid IP/Subnet",
        )
    })
}

pub fn setban(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let text = params::get(p, 0)
        .and_then(Value::as_str)
        .unwrap_or_default();
    let command = params::get(p, 1)
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !matches!(command, "add" | "remove") {
        return Err(RpcError::misc(crate::rpc::help::help("setban")));
    }
    let subnet = parse_subnet(text)?;
    // A bare address asks whether any ban covers it, a subnet whether it is itself banned.
    let is_single = !text.contains('/');
    let now = unix_now();
    if command == "remove" {
        let removed = shared.net.bans().unban(&subnet);
        if !removed {
            return Err(RpcError::new(
                codes::RPC_CLIENT_INVALID_IP_OR_SUBNET,
                "Error: Unban failed. Requested address/subnet was not previously manually banned.",
            ));
        }
        shared.net.save_bans();
        return Ok(Value::Null);
    }
    let already = {
        let bans = shared.net.bans();
        if is_single {
            bans.is_banned(subnet_address(&subnet), now)
        } else {
            bans.is_subnet_banned(&subnet, now)
        }
    };
    if already {
        return Err(RpcError::new(
            codes::RPC_CLIENT_NODE_ALREADY_ADDED,
            "Error: IP/Subnet already banned",
        ));
    }
    let bantime = match params::get(p, 2) {
        Some(v) => params::int(v)?,
        None => 0,
    };
    let absolute = match params::get(p, 3) {
        Some(v) => params::boolean(v)?,
        None => false,
    };
    if absolute && bantime < now {
        return Err(RpcError::invalid_parameter(
            "Error: Absolute timestamp is in the past",
        ));
    }
    shared.net.bans().ban(subnet, bantime, absolute, now);
    shared.net.save_bans();
    shared.net.disconnect_subnet(&subnet);
    Ok(Value::Null)
}

/// The address of a single-address subnet.
fn subnet_address(subnet: &Subnet) -> std::net::IpAddr {
    subnet.network()
}

pub fn listbanned(shared: &Shared, _: &[Value]) -> Result<Value, RpcError> {
    let now = unix_now();
    let banned = shared.net.bans().banned(now);
    let list = banned
        .into_iter()
        .map(|(subnet, entry)| {
            json!({
                "address": subnet.to_string(),
                "ban_created": entry.created,
                "banned_until": entry.until,
                "ban_duration": entry.until.saturating_sub(entry.created),
                "time_remaining": entry.until.saturating_sub(now),
            })
        })
        .collect();
    Ok(Value::Array(list))
}

pub fn clearbanned(shared: &Shared, _: &[Value]) -> Result<Value, RpcError> {
    shared.net.bans().clear();
    shared.net.save_bans();
    Ok(Value::Null)
}
