//! The set of peers: who is connected, how, and what each has told us.
//!
//! Each connection has a [`Peer`]: its fixed facts (id, address, direction, kind), a
//! bounded queue of frames for its writer, and [`PeerStats`], what `getpeerinfo` shows.
//! [`Peers`] holds them by id under one lock and refuses a connection beyond
//! `-maxconnections`, as Core's `CConnman` does.
//!
//! References: Core `CNode` (src/net.h), `CConnman::AcceptConnection`, `CNodeStats`.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use sou_p2p::ServiceFlags;
use sou_primitives::BlockHash;
use tokio::sync::{mpsc, Notify};

/// How many frames may wait for a peer's writer; a peer that lets more pile up is
/// disconnected (it does not read what we send).
pub const SEND_QUEUE_FRAMES: usize = 4_096;

/// Bytes queued for a peer beyond which serving its `getdata` waits for the writer
/// (Core's `-maxsendbuffer` default, 5,000 KB, pauses sending the same way).
pub const SEND_BUFFER_BYTES: u64 = 5_000 * 1_000;

/// Core's default `-maxconnections`.
pub const DEFAULT_MAX_CONNECTIONS: usize = 125;

/// Why a connection was made (Core `ConnectionType`, as `getpeerinfo` names it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectionType {
    /// The peer connected to us.
    Inbound,
    /// From `-connect`, `-addnode` or the `addnode` RPC: never punished.
    Manual,
    /// An automatic outbound peer for blocks, transactions and addresses (here only
    /// from the `addconnection` test RPC).
    OutboundFullRelay,
    /// An outbound peer for blocks only: no transactions or addresses either way, which
    /// hides the node's network position from observers of relay.
    BlockRelay,
    /// A short connection to ask for addresses, closed once they come.
    AddrFetch,
    /// A short connection to check that an address is reachable, closed after the
    /// handshake.
    Feeler,
}

impl ConnectionType {
    /// Core's `ConnectionTypeAsString`.
    pub fn name(self) -> &'static str {
        match self {
            ConnectionType::Inbound => "inbound",
            ConnectionType::Manual => "manual",
            ConnectionType::OutboundFullRelay => "outbound-full-relay",
            ConnectionType::BlockRelay => "block-relay-only",
            ConnectionType::AddrFetch => "addr-fetch",
            ConnectionType::Feeler => "feeler",
        }
    }

    /// The type `addconnection` names, if one it may open.
    pub fn from_test_name(name: &str) -> Option<ConnectionType> {
        match name {
            "outbound-full-relay" => Some(ConnectionType::OutboundFullRelay),
            "block-relay-only" => Some(ConnectionType::BlockRelay),
            "addr-fetch" => Some(ConnectionType::AddrFetch),
            "feeler" => Some(ConnectionType::Feeler),
            _ => None,
        }
    }

    /// Whether transactions travel over it (Core: not over block-relay-only and feeler
    /// connections).
    pub fn relays_transactions(self) -> bool {
        !matches!(self, ConnectionType::BlockRelay | ConnectionType::Feeler)
    }
}

/// What the peer told us and how much we exchanged (Core `CNodeStats` and
/// `CNodeStateStats`).
#[derive(Debug, Clone, Default)]
pub struct PeerStats {
    /// BIP324: "v1", "v2" or "detecting" (getpeerinfo's `transport_protocol_type`).
    pub transport_protocol_type: &'static str,
    /// The v2 session id in hex, empty for v1.
    pub session_id: String,
    /// The protocol version of its `version` (0 before).
    pub version: i32,
    /// The services it offers.
    pub services: ServiceFlags,
    /// Its user agent, sanitised.
    pub subver: String,
    /// The height it announced in `version`.
    pub starting_height: i32,
    /// Whether it asked for `headers` announcements (BIP130).
    pub prefers_headers: bool,
    /// Whether it asked for transactions by wtxid (BIP339).
    pub wtxid_relay: bool,
    /// Whether it wants `addrv2` (BIP155).
    pub addrv2: bool,
    /// Whether it wants transactions announced (the `relay` of its `version`).
    pub relay: bool,
    /// Whether the handshake completed (Core `fSuccessfullyConnected`).
    pub handshake_done: bool,
    /// The best block it announced or sent, with its height.
    pub best_known: Option<(BlockHash, u32)>,
    /// The highest block of ours it has (Core `pindexLastCommonBlock`), or -1.
    pub synced_blocks: i64,
    /// When the connection was made (UNIX seconds).
    pub conntime: i64,
    /// When we last sent to it (UNIX seconds).
    pub lastsend: i64,
    /// When we last received from it (UNIX seconds).
    pub lastrecv: i64,
    /// When the peer last sent us a block we connected (UNIX seconds).
    pub last_block: i64,
    /// Bytes sent, by message type.
    pub bytes_sent_per_msg: BTreeMap<String, u64>,
    /// Bytes received, by message type (`*other*` for unknown types).
    pub bytes_recv_per_msg: BTreeMap<String, u64>,
    /// The last ping round trip, in seconds.
    pub ping_time: Option<f64>,
    /// The fastest ping round trip, in seconds.
    pub min_ping: Option<f64>,
    /// Seconds the unanswered ping has waited, when one is out.
    pub ping_wait: Option<f64>,
    /// The heights of the blocks we asked it for.
    pub inflight: Vec<u32>,
    /// The peer's clock minus ours, from its `version`.
    pub time_offset: i64,
    /// Its `feefilter` (BIP133), in sat/kvB: no announcements below it.
    pub fee_filter: i64,
    /// Addresses it may still send us (a token bucket, Core `m_addr_token_bucket`).
    pub addr_tokens: f64,
    /// When the bucket was last refilled (0: not yet).
    pub addr_token_time: i64,
    /// Addresses taken from it.
    pub addr_processed: u64,
    /// Addresses dropped for coming too fast.
    pub addr_rate_limited: u64,
    /// We sent it `getaddr`.
    pub getaddr_sent: bool,
    /// It sent us `getaddr` (answered once).
    pub getaddr_recvd: bool,
    /// It broke a rule (Core's `m_should_discourage`).
    pub misbehaved: bool,
}

impl PeerStats {
    /// Bytes sent in all.
    pub fn bytes_sent(&self) -> u64 {
        self.bytes_sent_per_msg.values().sum()
    }

    /// Bytes received in all.
    pub fn bytes_recv(&self) -> u64 {
        self.bytes_recv_per_msg.values().sum()
    }
}

/// One connection as the rest of the node sees it.
#[derive(Debug)]
pub struct Peer {
    /// Core's `NodeId`: counts up from 0 for the process's life.
    pub id: u64,
    /// The peer's address.
    pub addr: SocketAddr,
    /// Our side's address.
    pub addr_bind: Option<SocketAddr>,
    /// The address as given to `addnode` or `-connect` (its `addr` in `getpeerinfo`).
    pub addr_name: String,
    /// Why it was made.
    pub connection_type: ConnectionType,
    /// The nonce of the `version` we sent, to recognise a connection to ourselves.
    pub local_nonce: u64,
    sender: mpsc::Sender<Vec<u8>>,
    stats: Mutex<PeerStats>,
    disconnect: AtomicBool,
    disconnect_signal: Notify,
    /// Set by the `ping` RPC: ping at the next tick.
    ping_requested: AtomicBool,
    /// Bytes queued and not yet written.
    queued_bytes: AtomicU64,
    /// What `-whitelist` lets it do ([`Permissions`](super::permissions::Permissions) bits).
    permissions: std::sync::atomic::AtomicU8,
}

impl Peer {
    /// Its permissions.
    pub fn permissions(&self) -> super::permissions::Permissions {
        super::permissions::Permissions::from_bits(self.permissions.load(Ordering::Relaxed))
    }

    /// Sets its permissions (once, when the connection is made).
    pub fn set_permissions(&self, permissions: super::permissions::Permissions) {
        self.permissions
            .store(permissions.to_bits(), Ordering::Relaxed);
    }

    /// A peer whose writer reads frames from the other end of `sender`.
    pub fn new(
        id: u64,
        addr: SocketAddr,
        addr_bind: Option<SocketAddr>,
        addr_name: String,
        connection_type: ConnectionType,
        local_nonce: u64,
        sender: mpsc::Sender<Vec<u8>>,
    ) -> Peer {
        Peer {
            id,
            addr,
            addr_bind,
            addr_name,
            connection_type,
            local_nonce,
            sender,
            permissions: std::sync::atomic::AtomicU8::new(0),
            stats: Mutex::new(PeerStats {
                synced_blocks: -1,
                ..PeerStats::default()
            }),
            disconnect: AtomicBool::new(false),
            disconnect_signal: Notify::new(),
            ping_requested: AtomicBool::new(false),
            queued_bytes: AtomicU64::new(0),
        }
    }

    /// True for a connection the peer opened.
    pub fn is_inbound(&self) -> bool {
        self.connection_type == ConnectionType::Inbound
    }

    /// The statistics, locked.
    pub fn stats(&self) -> MutexGuard<'_, PeerStats> {
        self.stats.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Queues a frame for the writer, counting its bytes under its message type. A full
    /// queue means the peer does not read: it is marked for disconnection.
    pub fn queue(&self, command: &str, frame: Vec<u8>) {
        let length = frame.len() as u64;
        // Counted before the writer can see the frame, so that its count never goes below
        // zero.
        self.queued_bytes.fetch_add(length, Ordering::SeqCst);
        let sent = self.sender.try_send(frame);
        if sent.is_err() {
            self.queued_bytes.fetch_sub(length, Ordering::SeqCst);
        }
        match sent {
            Ok(()) => {
                let mut stats = self.stats();
                *stats
                    .bytes_sent_per_msg
                    .entry(command.to_string())
                    .or_default() += length;
            }
            Err(mpsc::error::TrySendError::Full(_)) => {
                tracing::debug!(target: "net", "send queue full, disconnecting peer={}", self.id);
                self.request_disconnect();
            }
            Err(mpsc::error::TrySendError::Closed(_)) => self.request_disconnect(),
        }
    }

    /// Bytes queued and not yet written.
    pub fn queued_bytes(&self) -> u64 {
        self.queued_bytes.load(Ordering::SeqCst)
    }

    /// Notes that the writer wrote `bytes` of the queue.
    pub fn written(&self, bytes: u64) {
        self.queued_bytes.fetch_sub(bytes, Ordering::SeqCst);
    }

    /// Asks the connection's task to close (`disconnectnode`, a full queue, shutdown).
    pub fn request_disconnect(&self) {
        self.disconnect.store(true, Ordering::SeqCst);
        self.disconnect_signal.notify_waiters();
        self.disconnect_signal.notify_one();
    }

    /// Asks for a ping at the next tick (the `ping` RPC).
    pub fn request_ping(&self) {
        self.ping_requested.store(true, Ordering::SeqCst);
    }

    /// True once, after a ping was asked for.
    pub fn take_ping_request(&self) -> bool {
        self.ping_requested.swap(false, Ordering::SeqCst)
    }

    /// True once a disconnection was asked for.
    pub fn disconnect_requested(&self) -> bool {
        self.disconnect.load(Ordering::SeqCst)
    }

    /// Resolves once a disconnection is asked for.
    pub async fn disconnected(&self) {
        loop {
            let notified = self.disconnect_signal.notified();
            if self.disconnect_requested() {
                return;
            }
            notified.await;
        }
    }
}

/// Every connected peer, by id.
#[derive(Debug, Default)]
pub struct Peers {
    by_id: HashMap<u64, Arc<Peer>>,
    next_id: u64,
}

impl Peers {
    /// The id the next connection gets.
    pub fn next_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// Adds `peer` unless `max` connections are open; false when refused.
    pub fn add(&mut self, peer: Arc<Peer>, max: usize) -> bool {
        if self.by_id.len() >= max {
            return false;
        }
        self.by_id.insert(peer.id, peer);
        true
    }

    /// Removes a closed connection.
    pub fn remove(&mut self, id: u64) -> Option<Arc<Peer>> {
        self.by_id.remove(&id)
    }

    /// The peers, by id.
    pub fn list(&self) -> Vec<Arc<Peer>> {
        let mut peers: Vec<_> = self.by_id.values().cloned().collect();
        peers.sort_by_key(|p| p.id);
        peers
    }

    /// How many are connected.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// True when none is.
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// The peer with this id.
    pub fn get(&self, id: u64) -> Option<Arc<Peer>> {
        self.by_id.get(&id).cloned()
    }
}
