//! Addresses of other nodes: how a node finds peers without anyone keeping a list.
//!
//! Nodes tell each other where other nodes are (`addr`, or `addrv2` for peers that sent
//! `sendaddrv2`, BIP155): after a handshake a node asks an outbound peer for addresses
//! (`getaddr`), and each node passes on the few fresh addresses it hears to one or two
//! other peers. A node keeps what it hears in its *address manager*, as "new" (heard of)
//! or "tried" (connected to once), and answers a `getaddr` from a sample of it.
//!
//! Because anyone can send addresses, everything here is bounded: at most
//! [`MAX_ADDR_TO_SEND`] per message (more is misbehaviour), a per-peer token bucket that
//! refills at 0.1 address per second (Core's rate limit against address floods), one
//! answered `getaddr` per connection, and only routable addresses kept (a loopback or
//! private address says nothing useful to a stranger).
//!
//! The manager is saved to `peers.dat` in Core's format at shutdown and every fifteen
//! minutes, and read back at start (`sou_p2p::address::peers_dat`), so Core and sou can
//! take over each other's data directory. What sou leaves out: Core's manager hashes
//! addresses into buckets keyed by a secret so that one source cannot fill it; sou keeps
//! a bounded map, which is enough for a regtest network (it keeps the secret, so that a
//! file it rewrites places addresses where Core placed them).
//!
//! References: Core `src/addrman.{h,cpp}`, `PeerManagerImpl::ProcessAddrs`,
//! `RelayAddress`, the `GETADDR` handler and `MaybeSendAddr` (src/net_processing.cpp),
//! `getnodeaddresses` and `addpeeraddress` (src/rpc/net.cpp); BIP155.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use sou_p2p::address::peers_dat::{PeersFile, StoredAddress};
use sou_p2p::address::{AddrV2, AddrV2Message, TimedAddress, MAX_ADDR_TO_SEND};
use sou_p2p::{Address, NetworkMessage, ServiceFlags};

use super::connection::{send, Disconnect};
use super::peers::Peer;
use super::unix_now;
use crate::rpc::dispatch::Shared;

/// Most addresses kept as "new" (Core's new table holds 1,024 buckets of 64).
const MAX_NEW: usize = 65_536;
/// At most this share of the manager answers a `getaddr` (Core `MAX_PCT_ADDR_TO_SEND`).
const MAX_PCT_ADDR_TO_SEND: usize = 23;
/// Tokens a peer earns per second to send addresses (Core `MAX_ADDR_RATE_PER_SECOND`).
const MAX_ADDR_RATE_PER_SECOND: f64 = 0.1;
/// A peer's bucket holds at most this many tokens (Core `MAX_ADDR_PROCESSING_TOKEN_BUCKET`).
const MAX_ADDR_PROCESSING_TOKEN_BUCKET: f64 = MAX_ADDR_TO_SEND as f64;
/// An address older than this is not passed on (Core: ten minutes for relaying).
const RELAY_MAX_AGE: i64 = 10 * 60;
/// An address not heard of for 30 days is forgotten (Core `ADDRMAN_HORIZON`).
const HORIZON: i64 = 30 * 24 * 60 * 60;

/// What the manager knows of one address.
#[derive(Debug, Clone)]
pub struct KnownAddress {
    /// The services it was said to offer.
    pub services: ServiceFlags,
    /// When it was last said to be up (Unix seconds).
    pub time: i64,
    /// Whether a connection to it ever succeeded (Core's tried table).
    pub tried: bool,
    /// Who told us of it: the peer's address, or the address itself when added by hand.
    pub source: AddrV2,
    /// The last successful connection (Unix seconds, 0 for never).
    pub last_success: i64,
    /// Failed connection attempts since the last success.
    pub attempts: i32,
}

/// The address manager (Core `AddrMan`).
#[derive(Debug, Default)]
pub struct AddrMan {
    known: HashMap<(AddrV2, u16), KnownAddress>,
    /// A simple generator to sample addresses (which ones is no secret here).
    seed: u64,
    /// Core's bucketing secret, kept from `peers.dat` (or drawn at first start) and
    /// written back with it.
    key: [u8; 32],
}

impl AddrMan {
    /// An empty manager with a fresh bucketing secret, for a node without `peers.dat`.
    pub fn with_random_key() -> AddrMan {
        let mut key = [0u8; 32];
        if getrandom::getrandom(&mut key).is_err() {
            // The key only spreads addresses over Core's buckets (sou keeps none), but a
            // zero one makes Core refuse the file: the clock will do.
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos());
            key[..16].copy_from_slice(&(nanos | 1).to_le_bytes());
        }
        AddrMan {
            key,
            ..AddrMan::default()
        }
    }

    /// The manager a `peers.dat` describes; addresses sou would not keep (not routable)
    /// are left out, as Core's `Add` leaves them out.
    pub fn from_file(file: PeersFile) -> AddrMan {
        let mut addrman = AddrMan {
            key: file.key,
            ..AddrMan::default()
        };
        for (entry, tried) in file
            .new
            .into_iter()
            .map(|e| (e, false))
            .chain(file.tried.into_iter().map(|e| (e, true)))
        {
            let address = &entry.address;
            if !is_routable(&address.addr) || addrman.known.len() >= MAX_NEW {
                continue;
            }
            addrman.known.insert(
                (address.addr.clone(), address.port),
                KnownAddress {
                    services: address.services,
                    time: i64::from(address.time),
                    tried,
                    source: entry.source,
                    last_success: entry.last_success,
                    attempts: entry.attempts,
                },
            );
        }
        addrman
    }

    /// What `peers.dat` holds of this manager, in a stable order.
    pub fn to_file(&self) -> PeersFile {
        let mut entries: Vec<(&(AddrV2, u16), &KnownAddress)> = self.known.iter().collect();
        entries.sort_by_key(|((a, p), _)| (a.network_id(), a.to_bytes(), *p));
        let mut file = PeersFile {
            key: self.key,
            new: Vec::new(),
            tried: Vec::new(),
        };
        for ((addr, port), known) in entries {
            let stored = StoredAddress {
                address: AddrV2Message {
                    time: u32::try_from(known.time.max(0)).unwrap_or(u32::MAX),
                    services: known.services,
                    addr: addr.clone(),
                    port: *port,
                },
                source: known.source.clone(),
                last_success: known.last_success,
                attempts: known.attempts,
            };
            if known.tried {
                file.tried.push(stored);
            } else {
                file.new.push(stored);
            }
        }
        file
    }

    /// Adds an address heard from `source` (a peer, or the address itself for the RPC):
    /// false if it is not routable, already known (its time is refreshed), or the manager
    /// is full (Core `AddrMan::Add`).
    pub fn add(
        &mut self,
        addr: &AddrV2,
        port: u16,
        services: ServiceFlags,
        time: i64,
        source: &AddrV2,
    ) -> bool {
        if !is_routable(addr) {
            return false;
        }
        let key = (addr.clone(), port);
        if let Some(known) = self.known.get_mut(&key) {
            known.time = known.time.max(time);
            known.services = ServiceFlags::from_bits(known.services.to_bits() | services.to_bits());
            return false;
        }
        if self.known.len() >= MAX_NEW {
            return false;
        }
        self.known.insert(
            key,
            KnownAddress {
                services,
                time,
                tried: false,
                source: source.clone(),
                last_success: 0,
                attempts: 0,
            },
        );
        true
    }

    /// Marks an address as connected to at `now` (Core `AddrMan::Good`): false if unknown.
    pub fn good(&mut self, addr: &AddrV2, port: u16, now: i64) -> bool {
        match self.known.get_mut(&(addr.clone(), port)) {
            Some(known) => {
                known.tried = true;
                known.last_success = now;
                known.attempts = 0;
                true
            }
            None => false,
        }
    }

    /// How many addresses are known.
    pub fn len(&self) -> usize {
        self.known.len()
    }

    /// True when nothing is known.
    pub fn is_empty(&self) -> bool {
        self.known.is_empty()
    }

    /// Up to `max` addresses (and at most `max_pct` percent of all, when not 0), shuffled,
    /// without those not heard of within the horizon, of one network if asked (Core
    /// `GetAddresses`).
    pub fn sample(
        &mut self,
        max: usize,
        max_pct: usize,
        network: Option<u8>,
        now: i64,
    ) -> Vec<(AddrV2, u16, KnownAddress)> {
        let mut all: Vec<(AddrV2, u16, KnownAddress)> = self
            .known
            .iter()
            .filter(|((a, _), k)| {
                network.is_none_or(|n| a.network_id() == n) && k.time > now - HORIZON
            })
            .map(|((a, p), k)| (a.clone(), *p, k.clone()))
            .collect();
        all.sort_by_key(|x| (x.0.network_id(), x.0.to_bytes(), x.1));
        // Fisher-Yates with a small xorshift: a fresh order each time.
        self.seed ^= u64::try_from(now)
            .unwrap_or(0)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            | 1;
        for i in (1..all.len()).rev() {
            self.seed ^= self.seed << 13;
            self.seed ^= self.seed >> 7;
            self.seed ^= self.seed << 17;
            let j = usize::try_from(self.seed % (i as u64 + 1)).unwrap_or(0);
            all.swap(i, j);
        }
        let mut limit = max.min(all.len());
        if max_pct != 0 {
            limit = limit.min(self.known.len() * max_pct / 100);
        }
        all.truncate(limit);
        all
    }
}

/// Core `IsRoutable` for the networks sou reads: not unspecified, loopback, private,
/// link-local, documentation or otherwise reserved ranges.
pub fn is_routable(addr: &AddrV2) -> bool {
    match addr {
        AddrV2::Ipv4(ip) => ipv4_routable(ip),
        AddrV2::Ipv6(ip) => match ip.to_ipv4_mapped() {
            Some(v4) => ipv4_routable(&v4),
            None => ipv6_routable(ip),
        },
        AddrV2::TorV3(_) | AddrV2::I2p(_) | AddrV2::Cjdns(_) => true,
        AddrV2::Unknown { .. } => false,
    }
}

fn ipv4_routable(ip: &Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // RFC6598
        || (a == 198 && (b == 18 || b == 19)) // RFC2544
        || (a == 192 && b == 0 && c == 2) // RFC5737
        || (a == 198 && b == 51 && c == 100)
        || (a == 203 && b == 0 && c == 113)
        || a >= 240)
}

fn ipv6_routable(ip: &Ipv6Addr) -> bool {
    let s = ip.segments();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || (s[0] & 0xfe00) == 0xfc00 // RFC4193 unique local
        || (s[0] & 0xffc0) == 0xfe80 // link local
        || (s[0] == 0x2001 && s[1] == 0x0db8)) // RFC3849 documentation
}

/// The BIP155 form of a v1 address.
fn from_v1(address: &Address) -> AddrV2 {
    match address.ip.to_ipv4_mapped() {
        Some(v4) => AddrV2::Ipv4(v4),
        None => AddrV2::Ipv6(address.ip),
    }
}

/// The v1 form, for peers that did not ask for `addrv2` (only IPv4 and IPv6 have one).
fn to_v1(addr: &AddrV2, port: u16, services: ServiceFlags, time: u32) -> Option<TimedAddress> {
    let ip = match addr {
        AddrV2::Ipv4(v4) => v4.to_ipv6_mapped(),
        AddrV2::Ipv6(v6) => *v6,
        _ => return None,
    };
    Some(TimedAddress {
        time,
        address: Address { services, ip, port },
    })
}

/// `addr` and `addrv2` (Core `ProcessAddrs`): kept if routable, the fresh ones of a short
/// message passed on, the whole bounded by the peer's token bucket.
pub fn on_addrs(
    shared: &Arc<Shared>,
    peer: &Arc<Peer>,
    entries: Vec<(AddrV2, u16, ServiceFlags, u32)>,
    command: &str,
) -> Result<(), Disconnect> {
    if entries.len() > MAX_ADDR_TO_SEND {
        return super::connection::misbehaving(
            peer,
            format!("{command} message size = {}", entries.len()),
        );
    }
    let now = unix_now();
    let count = entries.len();
    let short = entries.len() <= 10;
    let mut to_relay = Vec::new();
    {
        let mut stats = peer.stats();
        if stats.addr_token_time == 0 {
            // Core's bucket starts with one token.
            stats.addr_tokens += 1.0;
            stats.addr_token_time = now;
        }
        let elapsed = (now - stats.addr_token_time).max(0) as f64;
        stats.addr_token_time = now;
        stats.addr_tokens = (stats.addr_tokens + elapsed * MAX_ADDR_RATE_PER_SECOND)
            .min(MAX_ADDR_PROCESSING_TOKEN_BUCKET);
        let source = from_ip(peer.addr.ip());
        let mut addrman = shared.net.addrman();
        for (addr, port, services, time) in entries {
            if stats.addr_tokens < 1.0 {
                stats.addr_rate_limited += 1;
                continue;
            }
            stats.addr_tokens -= 1.0;
            stats.addr_processed += 1;
            // A time in the far past or the future is replaced by five days ago, as Core.
            let mut time = i64::from(time);
            if time <= 100_000_000 || time > now + 10 * 60 {
                time = now - 5 * 24 * 60 * 60;
            }
            if time > now - RELAY_MAX_AGE && short && !stats.getaddr_sent && is_routable(&addr) {
                to_relay.push((addr.clone(), port, services, time));
            }
            addrman.add(&addr, port, services, time, &source);
        }
    }
    for (addr, port, services, time) in to_relay {
        relay(shared, peer.id, &addr, port, services, time);
    }
    if peer.connection_type == super::peers::ConnectionType::AddrFetch && count > 1 {
        return Err(Disconnect("addrfetch connection completed".into()));
    }
    Ok(())
}

/// Passes one fresh address on to up to two other peers that take addresses (Core
/// `RelayAddress`: two for reachable networks).
fn relay(shared: &Shared, from: u64, addr: &AddrV2, port: u16, services: ServiceFlags, time: i64) {
    let peers: Vec<Arc<Peer>> = shared
        .net
        .peers()
        .list()
        .into_iter()
        .filter(|p| {
            p.id != from
                && p.stats().handshake_done
                && !matches!(
                    p.connection_type,
                    super::peers::ConnectionType::BlockRelay | super::peers::ConnectionType::Feeler
                )
        })
        .collect();
    let time = u32::try_from(time).unwrap_or(0);
    for peer in peers.iter().take(2) {
        send_addresses(shared, peer, &[(addr.clone(), port, services, time)]);
    }
}

/// Sends addresses in the form the peer asked for.
fn send_addresses(shared: &Shared, peer: &Peer, list: &[(AddrV2, u16, ServiceFlags, u32)]) {
    // Read the flag apart: sending takes the peer's statistics lock again.
    let addrv2 = peer.stats().addrv2;
    if addrv2 {
        let entries = list
            .iter()
            .map(|(addr, port, services, time)| AddrV2Message {
                time: *time,
                services: *services,
                addr: addr.clone(),
                port: *port,
            })
            .collect();
        send(peer, shared, &NetworkMessage::AddrV2(entries));
    } else {
        let entries: Vec<TimedAddress> = list
            .iter()
            .filter_map(|(addr, port, services, time)| to_v1(addr, *port, *services, *time))
            .collect();
        if !entries.is_empty() {
            send(peer, shared, &NetworkMessage::Addr(entries));
        }
    }
}

/// `getaddr` (Core's handler): answered once per inbound connection with a sample of the
/// manager; outbound peers asking are ignored (a fingerprinting defence of Core's).
pub fn on_getaddr(shared: &Shared, peer: &Peer) -> Result<(), Disconnect> {
    if !peer.is_inbound() {
        tracing::debug!(target: "net", "Ignoring \"getaddr\" from outbound connection. peer={}", peer.id);
        return Ok(());
    }
    {
        let mut stats = peer.stats();
        if stats.getaddr_recvd {
            tracing::debug!(target: "net", "Ignoring repeated \"getaddr\". peer={}", peer.id);
            return Ok(());
        }
        stats.getaddr_recvd = true;
    }
    let now = unix_now();
    let sample = shared
        .net
        .addrman()
        .sample(MAX_ADDR_TO_SEND, MAX_PCT_ADDR_TO_SEND, None, now);
    let list: Vec<(AddrV2, u16, ServiceFlags, u32)> = sample
        .into_iter()
        .map(|(a, p, k)| (a, p, k.services, u32::try_from(k.time).unwrap_or(0)))
        .collect();
    if !list.is_empty() {
        send_addresses(shared, peer, &list);
    }
    Ok(())
}

/// After the handshake with an outbound peer: ask it for addresses (Core sends `getaddr`
/// to outbound full-relay peers once), and grant the tokens its answer will need.
pub fn after_handshake(shared: &Shared, peer: &Peer) {
    use super::peers::ConnectionType;
    if matches!(
        peer.connection_type,
        ConnectionType::Inbound | ConnectionType::BlockRelay | ConnectionType::Feeler
    ) {
        return;
    }
    {
        let mut stats = peer.stats();
        stats.getaddr_sent = true;
        stats.addr_tokens += MAX_ADDR_TO_SEND as f64;
    }
    send(peer, shared, &NetworkMessage::GetAddr);
}

/// The v1 entries of an `addr` message, in BIP155 form.
pub fn from_addr(entries: Vec<TimedAddress>) -> Vec<(AddrV2, u16, ServiceFlags, u32)> {
    entries
        .into_iter()
        .map(|e| {
            (
                from_v1(&e.address),
                e.address.port,
                e.address.services,
                e.time,
            )
        })
        .collect()
}

/// The entries of an `addrv2` message.
pub fn from_addrv2(entries: Vec<AddrV2Message>) -> Vec<(AddrV2, u16, ServiceFlags, u32)> {
    entries
        .into_iter()
        .map(|e| (e.addr, e.port, e.services, e.time))
        .collect()
}

/// Core's `GetNetworkName` for a BIP155 address.
pub fn network_name(addr: &AddrV2) -> &'static str {
    match addr {
        AddrV2::Ipv4(_) => "ipv4",
        AddrV2::Ipv6(_) => "ipv6",
        AddrV2::TorV3(_) => "onion",
        AddrV2::I2p(_) => "i2p",
        AddrV2::Cjdns(_) => "cjdns",
        AddrV2::Unknown { .. } => "unroutable",
    }
}

/// An IP parsed as `addpeeraddress` takes it, in BIP155 form.
pub fn parse_ip(text: &str) -> Option<AddrV2> {
    Some(from_ip(text.parse::<IpAddr>().ok()?))
}

/// An IP in BIP155 form, IPv4 when mapped into IPv6.
pub fn from_ip(ip: IpAddr) -> AddrV2 {
    match ip {
        IpAddr::V4(v4) => AddrV2::Ipv4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => AddrV2::Ipv4(v4),
            None => AddrV2::Ipv6(v6),
        },
    }
}

/// The address as Core prints it (`ToStringAddr`).
pub fn display(addr: &AddrV2) -> String {
    match addr {
        AddrV2::Ipv4(v4) => v4.to_string(),
        AddrV2::Ipv6(v6) => v6.to_string(),
        other => hex::encode(other.to_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src() -> AddrV2 {
        AddrV2::Ipv4(Ipv4Addr::new(5, 6, 7, 8))
    }

    #[test]
    fn only_routable_addresses_are_kept_once() {
        let mut addrman = AddrMan::default();
        let mut add = |ip: [u8; 4], port: u16, time: i64| {
            let addr = AddrV2::Ipv4(Ipv4Addr::from(ip));
            addrman.add(&addr, port, ServiceFlags::NETWORK, time, &src())
        };
        assert!(!add([127, 0, 0, 1], 18444, 1));
        assert!(!add([192, 168, 1, 1], 1, 1));
        assert!(add([1, 2, 3, 4], 8333, 1));
        assert!(!add([1, 2, 3, 4], 8333, 2));
        assert!(add([1, 2, 3, 4], 8334, 1));
        assert_eq!(addrman.len(), 2);
        assert!(addrman.good(&AddrV2::Ipv4(Ipv4Addr::new(1, 2, 3, 4)), 8333, 5));
    }

    #[test]
    fn a_sample_is_bounded_by_count_share_and_age() {
        let mut addrman = AddrMan::default();
        let now = 1_700_000_000;
        for i in 0..100u8 {
            addrman.add(
                &AddrV2::Ipv4(Ipv4Addr::new(8, 8, i, 1)),
                8333,
                ServiceFlags::NETWORK,
                now,
                &src(),
            );
        }
        addrman.add(
            &AddrV2::Ipv4(Ipv4Addr::new(9, 9, 9, 9)),
            8333,
            ServiceFlags::NETWORK,
            now - HORIZON - 1,
            &src(),
        );
        assert_eq!(addrman.sample(1000, 23, None, now).len(), 23);
        assert_eq!(addrman.sample(5, 0, None, now).len(), 5);
        assert_eq!(
            addrman.sample(1000, 0, None, now).len(),
            100,
            "the stale one is left out"
        );
        assert!(addrman.sample(1000, 0, Some(AddrV2::IPV6), now).is_empty());
    }

    #[test]
    fn the_manager_survives_its_file() {
        let mut addrman = AddrMan::with_random_key();
        let now = 1_700_000_000;
        for i in 0..10u8 {
            let addr = AddrV2::Ipv4(Ipv4Addr::new(8, 8, i, 1));
            addrman.add(&addr, 8333, ServiceFlags::NETWORK, now, &src());
        }
        addrman.good(&AddrV2::Ipv4(Ipv4Addr::new(8, 8, 3, 1)), 8333, now + 5);
        let file = addrman.to_file();
        assert_eq!((file.new.len(), file.tried.len()), (9, 1));
        let again = AddrMan::from_file(file.clone());
        assert_eq!(again.to_file(), file);
        assert_eq!(file.tried[0].last_success, now + 5);
    }
}
