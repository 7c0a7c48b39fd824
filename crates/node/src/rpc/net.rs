//! Core's `network` RPCs about peers: `getconnectioncount`, `getpeerinfo`, `addnode`,
//! `disconnectnode`, `getnettotals`, `ping`, `getaddednodeinfo`, `setnetworkactive`.
//!
//! References: Core `src/rpc/net.cpp`.

use serde_json::{json, Map, Value};

use crate::p2p::peers::{ConnectionType, Peer};
use crate::p2p::AddedNode;
use crate::rpc::dispatch::Shared;
use crate::rpc::{codes, params, RpcError};

pub fn getconnectioncount(shared: &Shared, _: &[Value]) -> Result<Value, RpcError> {
    Ok(Value::from(shared.net.peers().len()))
}

/// Core's `GetNetworkName` for a peer's address.
fn network_name(peer: &Peer) -> &'static str {
    let ip = peer.addr.ip().to_canonical();
    if ip.is_loopback() || ip.is_unspecified() {
        return "not_publicly_routable";
    }
    match ip {
        std::net::IpAddr::V4(v4) if v4.is_private() || v4.is_link_local() => {
            "not_publicly_routable"
        }
        std::net::IpAddr::V4(_) => "ipv4",
        std::net::IpAddr::V6(_) => "ipv6",
    }
}

/// Seconds with Core's precision (`SecondsDouble`).
fn seconds(value: f64) -> Value {
    serde_json::Number::from_f64(value).map_or(Value::Null, Value::Number)
}

pub fn getpeerinfo(shared: &Shared, _: &[Value]) -> Result<Value, RpcError> {
    let mut result = Vec::new();
    for peer in shared.net.peers().list() {
        let stats = peer.stats().clone();
        // Core leaves out a peer whose handshake has not begun (no state yet).
        let mut o = Map::new();
        o.insert("id".into(), peer.id.into());
        o.insert("addr".into(), peer.addr_name.clone().into());
        if let Some(bind) = peer.addr_bind {
            o.insert("addrbind".into(), bind.to_string().into());
        }
        o.insert("network".into(), network_name(&peer).into());
        o.insert(
            "services".into(),
            format!("{:016x}", stats.services.to_bits()).into(),
        );
        o.insert("servicesnames".into(), json!(stats.services.names()));
        o.insert("relaytxes".into(), stats.relay.into());
        o.insert("last_inv_sequence".into(), 0.into());
        o.insert("inv_to_send".into(), 0.into());
        o.insert("lastsend".into(), stats.lastsend.into());
        o.insert("lastrecv".into(), stats.lastrecv.into());
        o.insert("last_transaction".into(), 0.into());
        o.insert("last_block".into(), stats.last_block.into());
        o.insert("bytessent".into(), stats.bytes_sent().into());
        o.insert("bytesrecv".into(), stats.bytes_recv().into());
        o.insert("conntime".into(), stats.conntime.into());
        o.insert("timeoffset".into(), stats.time_offset.into());
        if let Some(t) = stats.ping_time {
            o.insert("pingtime".into(), seconds(t));
        }
        if let Some(t) = stats.min_ping {
            o.insert("minping".into(), seconds(t));
        }
        if let Some(t) = stats.ping_wait.filter(|t| *t > 0.0) {
            o.insert("pingwait".into(), seconds(t));
        }
        o.insert("version".into(), stats.version.into());
        o.insert("subver".into(), stats.subver.clone().into());
        o.insert("inbound".into(), peer.is_inbound().into());
        let (hb_to, hb_from) = shared.net.compact().high_bandwidth(peer.id);
        o.insert("bip152_hb_to".into(), hb_to.into());
        o.insert("bip152_hb_from".into(), hb_from.into());
        o.insert("presynced_headers".into(), (-1).into());
        let synced_headers = stats.best_known.map_or(-1, |(_, h)| i64::from(h));
        o.insert("synced_headers".into(), synced_headers.into());
        o.insert("synced_blocks".into(), stats.synced_blocks.into());
        o.insert("inflight".into(), json!(stats.inflight));
        // Core enables address relay with a peer once it sends or asks for addresses.
        o.insert(
            "addr_relay_enabled".into(),
            (stats.getaddr_sent || stats.getaddr_recvd || stats.addr_processed > 0).into(),
        );
        o.insert("addr_processed".into(), stats.addr_processed.into());
        o.insert("addr_rate_limited".into(), stats.addr_rate_limited.into());
        o.insert("permissions".into(), json!(peer.permissions().names()));
        o.insert(
            "minfeefilter".into(),
            crate::rpc::format::amount(sou_primitives::Amount::from_sat(stats.fee_filter)),
        );
        o.insert("bytessent_per_msg".into(), json!(stats.bytes_sent_per_msg));
        o.insert("bytesrecv_per_msg".into(), json!(stats.bytes_recv_per_msg));
        o.insert("connection_type".into(), peer.connection_type.name().into());
        let transport = match stats.transport_protocol_type {
            "" => "v1",
            kind => kind,
        };
        o.insert("transport_protocol_type".into(), transport.into());
        o.insert("session_id".into(), stats.session_id.clone().into());
        result.push(Value::Object(o));
    }
    Ok(Value::Array(result))
}

pub fn addnode(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let node = params::get(p, 0)
        .and_then(Value::as_str)
        .unwrap_or_default();
    let command = params::get(p, 1)
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !matches!(command, "onetry" | "add" | "remove") {
        return Err(RpcError::misc(crate::rpc::help::help("addnode")));
    }
    // Core: v2 when the node offers it, unless the call says otherwise.
    let enabled = crate::p2p::v2transport::enabled(&shared.net);
    let v2 = match params::get(p, 2) {
        Some(value) if !value.is_null() => params::boolean(value)?,
        _ => enabled,
    };
    if v2 && !enabled {
        return Err(RpcError::invalid_parameter(
            "Error: v2transport requested but not enabled (see -v2transport)",
        ));
    }
    match command {
        "onetry" => {
            shared
                .net
                .open_connection_as(node, ConnectionType::Manual, v2);
        }
        "add" => {
            {
                let mut added = shared.net.added_nodes();
                if added.iter().any(|a| a.address == node) {
                    return Err(RpcError::new(
                        codes::RPC_CLIENT_NODE_ALREADY_ADDED,
                        "Error: Node already added",
                    ));
                }
                added.push(AddedNode {
                    address: node.to_string(),
                    v2,
                });
            }
            shared
                .net
                .open_connection_as(node, ConnectionType::Manual, v2);
        }
        _ => {
            let mut added = shared.net.added_nodes();
            let before = added.len();
            added.retain(|a| a.address != node);
            if added.len() == before {
                return Err(RpcError::new(
                    codes::RPC_CLIENT_NODE_NOT_ADDED,
                    "Error: Node could not be removed. It has not been added previously.",
                ));
            }
        }
    }
    Ok(Value::Null)
}

pub fn disconnectnode(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let address = params::get(p, 0).and_then(Value::as_str);
    let node_id = match params::get(p, 1) {
        Some(v) => Some(params::int(v)?),
        None => None,
    };
    let peers = shared.net.peers().list();
    let found: Vec<_> = match (address, node_id) {
        (Some(address), None) => peers
            .into_iter()
            .filter(|peer| peer.addr_name == address || peer.addr.to_string() == address)
            .collect(),
        (address, Some(id)) if address.is_none_or(str::is_empty) => peers
            .into_iter()
            .filter(|peer| i64::try_from(peer.id).is_ok_and(|p| p == id))
            .collect(),
        _ => {
            return Err(RpcError::new(
                codes::RPC_INVALID_PARAMS,
                "Only one of address and nodeid should be provided.",
            ))
        }
    };
    if found.is_empty() {
        return Err(RpcError::new(
            codes::RPC_CLIENT_NODE_NOT_CONNECTED,
            "Node not found in connected nodes",
        ));
    }
    for peer in found {
        peer.request_disconnect();
    }
    Ok(Value::Null)
}

pub fn getnettotals(shared: &Shared, _: &[Value]) -> Result<Value, RpcError> {
    let (recv, sent) = shared.net.totals();
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
    Ok(json!({
        "totalbytesrecv": recv,
        "totalbytessent": sent,
        "timemillis": millis,
        "uploadtarget": {
            "timeframe": 86400,
            "target": 0,
            "target_reached": false,
            "serve_historical_blocks": true,
            "bytes_left_in_cycle": 0,
            "time_left_in_cycle": 0,
        },
    }))
}

pub fn ping(shared: &Shared, _: &[Value]) -> Result<Value, RpcError> {
    for peer in shared.net.peers().list() {
        peer.request_ping();
    }
    Ok(Value::Null)
}

pub fn getaddednodeinfo(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let mut added: Vec<String> = shared
        .net
        .added_nodes()
        .iter()
        .map(|a| a.address.clone())
        .collect();
    if let Some(node) = params::get(p, 0).and_then(Value::as_str) {
        if !added.iter().any(|a| a == node) {
            return Err(RpcError::new(
                codes::RPC_CLIENT_NODE_NOT_ADDED,
                "Error: Node has not been added.",
            ));
        }
        added = vec![node.to_string()];
    }
    let peers = shared.net.peers().list();
    let port = crate::p2p::default_port(shared.network);
    let mut result = Vec::new();
    for node in added {
        // Core `CConnman::GetAddedNodeInfo`: connected when a peer was opened under that
        // name or has that address.
        let target = crate::p2p::with_port(&node, port);
        let peer = peers
            .iter()
            .find(|peer| peer.addr_name == node || peer.addr_name == target)
            .or_else(|| peers.iter().find(|peer| peer.addr.to_string() == target));
        let addresses: Vec<Value> = peer
            .map(|peer| {
                let direction = if peer.is_inbound() {
                    "inbound"
                } else {
                    "outbound"
                };
                json!({ "address": peer.addr.to_string(), "connected": direction })
            })
            .into_iter()
            .collect();
        result.push(json!({
            "addednode": node,
            "connected": peer.is_some(),
            "addresses": addresses,
        }));
    }
    Ok(Value::Array(result))
}

pub fn setnetworkactive(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let active = params::get(p, 0).map_or(Ok(false), params::boolean)?;
    shared.net.set_network_active(active);
    Ok(Value::Bool(shared.net.network_active()))
}

/// `getnodeaddresses ( count "network" )`: a shuffled sample of the address manager (0:
/// all).
pub fn getnodeaddresses(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let count = match params::get(p, 0).filter(|v| !v.is_null()) {
        Some(v) => params::int32(v)?,
        None => 1,
    };
    let Ok(count) = usize::try_from(count) else {
        return Err(RpcError::invalid_parameter("Address count out of range"));
    };
    let network = match params::get(p, 1).filter(|v| !v.is_null()) {
        None => None,
        Some(v) => {
            let name = params::string(v)?;
            let id = match name.to_ascii_lowercase().as_str() {
                "ipv4" => sou_p2p::address::AddrV2::IPV4,
                "ipv6" => sou_p2p::address::AddrV2::IPV6,
                "onion" | "tor" => sou_p2p::address::AddrV2::TORV3,
                "i2p" => sou_p2p::address::AddrV2::I2P,
                "cjdns" => sou_p2p::address::AddrV2::CJDNS,
                _ => {
                    return Err(RpcError::invalid_parameter(format!(
                        "Network not recognized: {name}"
                    )))
                }
            };
            Some(id)
        }
    };
    let max = if count == 0 { usize::MAX } else { count };
    let now = crate::p2p::unix_now();
    let sample = shared.net.addrman().sample(max, 0, network, now);
    let list: Vec<Value> = sample
        .into_iter()
        .map(|(addr, port, known)| {
            json!({
                "time": known.time,
                "services": known.services.to_bits(),
                "address": crate::p2p::addrs::display(&addr),
                "port": port,
                "network": crate::p2p::addrs::network_name(&addr),
            })
        })
        .collect();
    Ok(Value::Array(list))
}

/// `addpeeraddress "address" port ( tried )`: a test helper, as Core's.
pub fn addpeeraddress(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let text = params::string(&p[0])?;
    let port = u16::try_from(params::int(&p[1])?)
        .map_err(|_| RpcError::invalid_parameter("JSON integer out of range"))?;
    let tried = match params::get(p, 2).filter(|v| !v.is_null()) {
        Some(v) => params::boolean(v)?,
        None => false,
    };
    let addr = crate::p2p::addrs::parse_ip(text).ok_or_else(|| {
        RpcError::new(codes::RPC_CLIENT_INVALID_IP_OR_SUBNET, "Invalid IP address")
    })?;
    let services = sou_p2p::ServiceFlags::NETWORK | sou_p2p::ServiceFlags::WITNESS;
    let mut addrman = shared.net.addrman();
    let mut out = Map::new();
    let mut success = false;
    let now = crate::p2p::unix_now();
    if addrman.add(&addr, port, services, now, &addr) {
        success = true;
        if tried && !addrman.good(&addr, port, now) {
            success = false;
            out.insert("error".into(), "failed-adding-to-tried".into());
        }
    } else {
        out.insert("error".into(), "failed-adding-to-new".into());
    }
    out.insert("success".into(), success.into());
    Ok(Value::Object(out))
}

/// `addconnection "address" "connection_type" v2transport`: opens an outbound connection
/// of a given type, for tests (regtest only, as Core).
pub fn addconnection(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    if shared.network != sou_primitives::Network::Regtest {
        return Err(RpcError::misc(
            "addconnection is for regression testing (-regtest mode) only.",
        ));
    }
    let address = params::string(&p[0])?.to_string();
    let name = params::string(&p[1])?.trim().to_string();
    let Some(connection_type) = crate::p2p::peers::ConnectionType::from_test_name(&name) else {
        let help = crate::rpc::help::method("addconnection").map_or("", |m| m.help);
        return Err(RpcError::invalid_parameter(help.trim_end()));
    };
    let v2 = params::boolean(&p[2])?;
    if v2 && !crate::p2p::v2transport::enabled(&shared.net) {
        return Err(RpcError::invalid_parameter(
            "Error: Adding v2transport connections requires -v2transport init flag to be set.",
        ));
    }
    // Core answers success once the attempt is handed over, even if it then finds a
    // connection to the address already open; sou opens none beyond the one per target.
    shared.net.open_connection_as(&address, connection_type, v2);
    Ok(json!({"address": address, "connection_type": name}))
}
