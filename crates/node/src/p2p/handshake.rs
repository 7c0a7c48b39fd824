//! The handshake: `version` one way and the other, the features wanted, `verack`.
//!
//! The side that connects speaks first. Each sends `version` (protocol version, services,
//! best height, user agent, a random nonce); on receiving the other's, it sends
//! `wtxidrelay` (BIP339) and `sendaddrv2` (BIP155), which only count before `verack`, then
//! `verack`. Once the peer's `verack` arrives the connection is up: we ask for new blocks
//! as `headers` (`sendheaders`, BIP130), offer compact blocks (`sendcmpct`, BIP152), ping,
//! and start syncing. sou offers the whole chain with witnesses (`NODE_NETWORK |
//! NODE_WITNESS`).
//!
//! References: Core `PeerManagerImpl::PushNodeVersion`, `ProcessMessage` (`version`,
//! `verack`), src/net_processing.cpp.

use std::sync::Arc;

use sou_p2p::messages::handshake::{
    FEEFILTER_VERSION, MIN_PEER_PROTO_VERSION, SENDHEADERS_VERSION, WTXID_RELAY_VERSION,
};
use sou_p2p::{Address, NetworkMessage, ServiceFlags, VersionMessage, PROTOCOL_VERSION};

use super::connection::{send, Disconnect};
use super::peers::Peer;
use super::sync::{self, SyncState};
use super::unix_now;
use crate::rpc::dispatch::Shared;

/// The services sou offers: every block, with witnesses.
pub const LOCAL_SERVICES: ServiceFlags =
    ServiceFlags::from_bits(ServiceFlags::NETWORK.to_bits() | ServiceFlags::WITNESS.to_bits());

/// sou's user agent (BIP14).
pub fn user_agent() -> String {
    format!("/sou:{}/", env!("CARGO_PKG_VERSION"))
}

/// A random 64-bit number (nonces of `version` and `ping`).
pub fn random_nonce() -> u64 {
    let mut bytes = [0u8; 8];
    // Without the OS's random source, the clock still makes self-connections unlikely.
    if getrandom::getrandom(&mut bytes).is_err() {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        // The low 64 bits of the nanoseconds: the part that changes.
        return u64::try_from(now & u128::from(u64::MAX)).unwrap_or_default();
    }
    u64::from_le_bytes(bytes)
}

/// An IPv4 address as IPv4-mapped IPv6, as `version` carries it.
fn address_of(addr: std::net::SocketAddr, services: ServiceFlags) -> Address {
    let ip = match addr.ip() {
        std::net::IpAddr::V4(v4) => v4.to_ipv6_mapped(),
        std::net::IpAddr::V6(v6) => v6,
    };
    Address {
        services,
        ip,
        port: addr.port(),
    }
}

/// Sends our `version` (Core `PushNodeVersion`).
pub fn send_version(shared: &Shared, peer: &Peer) {
    let height = shared.node().chain().height();
    let version = VersionMessage {
        version: PROTOCOL_VERSION,
        services: super::v2transport::local_services(&shared.net),
        timestamp: unix_now(),
        addr_recv: address_of(peer.addr, ServiceFlags::NONE),
        addr_from: Address::unspecified(super::v2transport::local_services(&shared.net)),
        nonce: peer.local_nonce,
        user_agent: user_agent().into_bytes(),
        start_height: i32::try_from(height).unwrap_or(i32::MAX),
        // `-blocksonly` asks peers not to announce transactions (BIP37's relay flag).
        relay: !shared.net.blocks_only() && peer.connection_type.relays_transactions(),
    };
    send(peer, shared, &NetworkMessage::Version(version));
}

/// Handles the handshake's messages and `sendheaders`.
pub fn handle(
    shared: &Arc<Shared>,
    peer: &Arc<Peer>,
    state: &mut SyncState,
    message: NetworkMessage,
) -> Result<(), Disconnect> {
    match message {
        NetworkMessage::Version(version) => on_version(shared, peer, version),
        NetworkMessage::Verack => on_verack(shared, peer, state),
        NetworkMessage::WtxidRelay => {
            peer.stats().wtxid_relay = true;
            Ok(())
        }
        NetworkMessage::SendAddrV2 => {
            peer.stats().addrv2 = true;
            Ok(())
        }
        NetworkMessage::SendHeaders => {
            peer.stats().prefers_headers = true;
            Ok(())
        }
        _ => Ok(()),
    }
}

fn on_version(
    shared: &Arc<Shared>,
    peer: &Arc<Peer>,
    version: VersionMessage,
) -> Result<(), Disconnect> {
    if peer.stats().version != 0 {
        tracing::debug!(target: "net", "redundant version message from peer={}", peer.id);
        return Ok(());
    }
    if version.version < MIN_PEER_PROTO_VERSION {
        return Err(Disconnect(format!(
            "peer={} using obsolete version {}",
            peer.id, version.version
        )));
    }
    if peer.is_inbound() {
        let ours = shared
            .net
            .peers()
            .list()
            .iter()
            .any(|p| !p.is_inbound() && p.local_nonce == version.nonce);
        if ours {
            return Err(Disconnect(format!("connected to self at {}", peer.addr)));
        }
    }
    let subver = version.user_agent_sanitized();
    tracing::debug!(
        target: "net",
        "receive version message: {subver}: version {}, blocks={}, us={}, txrelay={}, peer={}",
        version.version,
        version.start_height,
        std::net::SocketAddr::new(
            version.addr_recv.ip.to_canonical(),
            version.addr_recv.port
        ),
        u8::from(version.relay),
        peer.id
    );
    {
        let mut stats = peer.stats();
        stats.version = version.version;
        stats.services = version.services;
        stats.subver = subver;
        stats.starting_height = version.start_height;
        stats.relay = version.relay;
        stats.time_offset = version.timestamp.saturating_sub(unix_now());
    }
    if peer.is_inbound() {
        send_version(shared, peer);
    }
    if version.version >= WTXID_RELAY_VERSION {
        send(peer, shared, &NetworkMessage::WtxidRelay);
    }
    send(peer, shared, &NetworkMessage::SendAddrV2);
    send(peer, shared, &NetworkMessage::Verack);
    // A feeler only wanted to know the address answers (Core, on `version`).
    if peer.connection_type == super::peers::ConnectionType::Feeler {
        return Err(Disconnect("feeler connection completed".into()));
    }
    Ok(())
}

fn on_verack(
    shared: &Arc<Shared>,
    peer: &Arc<Peer>,
    state: &mut SyncState,
) -> Result<(), Disconnect> {
    let (version, transport) = {
        let mut stats = peer.stats();
        if stats.handshake_done {
            tracing::debug!(target: "net", "ignoring redundant verack message from peer={}", peer.id);
            return Ok(());
        }
        if stats.version == 0 {
            return Err(Disconnect("verack before version".into()));
        }
        stats.handshake_done = true;
        (stats.version, stats.transport_protocol_type)
    };
    let line = format!(
        "New {} peer connected: transport: {transport}, version: {version}, peer={}, peeraddr={}",
        peer.connection_type.name(),
        peer.id,
        peer.addr
    );
    // Core logs outbound connections unconditionally, inbound ones (which an attacker can
    // open at will) only under `net`.
    if peer.is_inbound() {
        tracing::debug!(target: "net", "{line}");
    } else {
        tracing::info!("{line}");
    }
    if version >= SENDHEADERS_VERSION {
        send(peer, shared, &NetworkMessage::SendHeaders);
    }
    super::compact::on_handshake(shared, peer, version);
    if version >= FEEFILTER_VERSION {
        // Core's first `feefilter`: the minimum relay fee (its pool's minimum is zero
        // until the pool fills), or all the money there is for a `-blocksonly` node.
        let filter = if shared.net.blocks_only() {
            sou_primitives::Amount::MAX_MONEY
        } else {
            let node = shared.node();
            let rate = node
                .mempool()
                .options()
                .policy
                .min_relay_fee
                .to_sat_per_kvb();
            sou_primitives::Amount::from_sat(i64::try_from(rate).unwrap_or(i64::MAX))
        };
        send(peer, shared, &NetworkMessage::FeeFilter(filter));
    }
    super::addrs::after_handshake(shared, peer);
    state.ping_requested = true;
    sync::start(shared, peer, state);
    Ok(())
}
