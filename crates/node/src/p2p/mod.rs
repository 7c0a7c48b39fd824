//! Peers: the node's TCP connections to other nodes, and what it says on them.
//!
//! A node learns of blocks from its peers and tells them of its own. Each connection is
//! a tokio task ([`connection`]) that turns bytes into sou-p2p messages with a
//! `FrameDecoder` and sends frames from a bounded queue; it opens with the handshake
//! ([`handshake`]: `version`, `wtxidrelay`, `sendaddrv2`, `verack`, then `sendheaders`),
//! then syncs headers first and fetches the blocks it lacks ([`sync`]), and serves the
//! peer's `getheaders` and `getdata`, announcing each new tip ([`relay`]); near the tip
//! new blocks travel as compact blocks ([`compact`], BIP152). [`peers`] holds the set of
//! connections with what each has told us, for `getpeerinfo`.
//!
//! [`Net`] is Core's `CConnman` reduced to what a regtest node needs: it listens on
//! `-port` (`-listen`, `-bind`), connects to `-connect` and `-addnode` and to what the
//! `addnode` RPC names, and counts the bytes (`getnettotals`). Its address manager
//! ([`addrs`]) keeps what peers tell of other nodes, saved to `peers.dat` with the
//! block-relay-only anchors in `anchors.dat` (`addrdb`); sou connects only where it is
//! told, and to its anchors. It keeps the ban list ([`banman`], `setban`) and can be
//! switched off (`setnetworkactive`).
//!
//! References: Core src/net.cpp (`CConnman`), src/net_processing.cpp (`PeerManagerImpl`).

mod addrdb;
pub mod addrs;
pub mod banman;
pub mod compact;
pub mod connection;
pub mod handshake;
pub mod peers;
pub mod permissions;
pub mod relay;
pub mod sync;
pub mod txrelay;
pub mod v2transport;

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, Weak};

use sou_primitives::Network;

use crate::config::Config;
use crate::rpc::dispatch::Shared;
use banman::{BanMan, Subnet};
use peers::{ConnectionType, Peers, DEFAULT_MAX_CONNECTIONS};

/// How often closed manual connections are opened again.
pub const RECONNECT_INTERVAL: std::time::Duration = std::time::Duration::from_secs(2);

/// The P2P port of a network when `-port` is not given (Core's `CChainParams::nDefaultPort`).
pub fn default_port(network: Network) -> u16 {
    match network {
        Network::Mainnet => 8333,
        Network::Testnet3 => 18333,
        Network::Testnet4 => 48333,
        Network::Signet => 38333,
        Network::Regtest => 18444,
    }
}

/// A node added with `addnode add` or `-addnode` (Core `AddedNodeParams`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddedNode {
    /// "host:port", or a host with the network's port, as given.
    pub address: String,
    /// Whether to connect over v2 first (`addnode`'s `v2transport`).
    pub v2: bool,
}

/// The node's connections (Core's `CConnman`).
#[derive(Debug)]
pub struct Net {
    network: Network,
    peers: Mutex<Peers>,
    max_connections: AtomicU64,
    /// `-peertimeout`, in seconds: how long a handshake may take.
    peer_timeout: AtomicU64,
    /// Bytes received and sent over all connections, closed ones included.
    total_recv: AtomicU64,
    total_sent: AtomicU64,
    /// The runtime and the shared state, once started: to open connections from RPC.
    started: OnceLock<(tokio::runtime::Handle, Weak<Shared>)>,
    /// Addresses added with `addnode add` (and `-addnode`), in order.
    added: Mutex<Vec<AddedNode>>,
    /// Addresses of `-connect`.
    connect: Mutex<Vec<String>>,
    /// Targets with a connection open or being opened, to open at most one each.
    busy: Mutex<HashSet<String>>,
    /// The ban list (Core's `BanMan`).
    bans: Mutex<BanMan>,
    /// Where the ban list is kept (`<datadir>/banlist.json`), once started.
    ban_file: OnceLock<std::path::PathBuf>,
    /// Where the address manager is kept (`<datadir>/peers.dat`), once started.
    peers_file: OnceLock<std::path::PathBuf>,
    /// Where the block-relay-only peers are saved at shutdown (`<datadir>/anchors.dat`),
    /// when the node chooses its own peers (no `-connect`).
    anchors_file: OnceLock<std::path::PathBuf>,
    /// The block-relay-only peers when the stop was asked for, to save as anchors.
    anchors_at_stop: Mutex<Option<Vec<SocketAddr>>>,
    /// False after `setnetworkactive false` (Core `fNetworkActive`).
    active: AtomicBool,
    /// `-blocksonly`: no transactions asked for, announced or accepted from peers.
    blocks_only: AtomicBool,
    /// Orphans, recent refusals, what each peer has.
    tx_relay: Mutex<txrelay::TxRelay>,
    /// Addresses of other nodes heard of.
    addrman: Mutex<addrs::AddrMan>,
    /// Blocks asked for, and of whom, across all peers.
    blocks_in_flight: Mutex<sync::InFlight>,
    /// `-whitelist` entries.
    whitelist: Mutex<Vec<permissions::WhitelistEntry>>,
    /// Addresses of peers that misbehaved (Core's discouragement filter), refused when
    /// inbound slots run short.
    discouraged: Mutex<HashSet<std::net::IpAddr>>,
    /// Compact block relay (BIP152): each peer's mode, our high-bandwidth peers.
    compact: Mutex<compact::CompactRelay>,
    /// `-v2transport`: BIP324 for our connections, `NODE_P2P_V2` advertised.
    v2transport: AtomicBool,
}

impl Net {
    /// No connections yet, for `network`.
    pub fn new(network: Network) -> Net {
        Net {
            network,
            peers: Mutex::new(Peers::default()),
            max_connections: AtomicU64::new(DEFAULT_MAX_CONNECTIONS as u64),
            peer_timeout: AtomicU64::new(connection::HANDSHAKE_TIMEOUT.as_secs()),
            total_recv: AtomicU64::new(0),
            total_sent: AtomicU64::new(0),
            started: OnceLock::new(),
            added: Mutex::new(Vec::new()),
            connect: Mutex::new(Vec::new()),
            busy: Mutex::new(HashSet::new()),
            bans: Mutex::new(BanMan::default()),
            ban_file: OnceLock::new(),
            peers_file: OnceLock::new(),
            anchors_file: OnceLock::new(),
            anchors_at_stop: Mutex::new(None),
            active: AtomicBool::new(true),
            blocks_only: AtomicBool::new(false),
            tx_relay: Mutex::new(txrelay::TxRelay::default()),
            addrman: Mutex::new(addrs::AddrMan::with_random_key()),
            blocks_in_flight: Mutex::new(sync::InFlight::default()),
            whitelist: Mutex::new(Vec::new()),
            discouraged: Mutex::new(HashSet::new()),
            compact: Mutex::new(compact::CompactRelay::default()),
            v2transport: AtomicBool::new(v2transport::DEFAULT_V2_TRANSPORT),
        }
    }

    /// `-blocksonly`.
    pub fn blocks_only(&self) -> bool {
        self.blocks_only.load(Ordering::Relaxed)
    }

    /// The permissions `-whitelist` gives an inbound connection from `ip`.
    pub fn permissions_for(&self, ip: std::net::IpAddr) -> permissions::Permissions {
        let whitelist = self.whitelist.lock().unwrap_or_else(|p| p.into_inner());
        permissions::permissions_for(&whitelist, ip.to_canonical())
    }

    /// Notes a misbehaving peer's address (Core `BanMan::Discourage`).
    pub fn discourage(&self, ip: std::net::IpAddr) {
        self.discouraged
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(ip.to_canonical());
    }

    /// True if a peer at `ip` misbehaved.
    pub fn is_discouraged(&self, ip: std::net::IpAddr) -> bool {
        self.discouraged
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains(&ip.to_canonical())
    }

    /// The blocks in flight across peers, locked.
    pub fn blocks_in_flight(&self) -> MutexGuard<'_, sync::InFlight> {
        self.blocks_in_flight
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }

    /// The address manager, locked.
    pub fn addrman(&self) -> MutexGuard<'_, addrs::AddrMan> {
        self.addrman.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The transaction relay's memory, locked.
    pub fn tx_relay(&self) -> MutexGuard<'_, txrelay::TxRelay> {
        self.tx_relay.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The compact block relay's state, locked.
    pub fn compact(&self) -> MutexGuard<'_, compact::CompactRelay> {
        self.compact.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The set of peers, locked.
    pub fn peers(&self) -> MutexGuard<'_, Peers> {
        self.peers.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The magic bytes of the network's frames.
    pub fn magic(&self) -> [u8; 4] {
        self.network.params().magic
    }

    /// `-maxconnections`.
    pub fn max_connections(&self) -> usize {
        usize::try_from(self.max_connections.load(Ordering::Relaxed)).unwrap_or(usize::MAX)
    }

    /// How long a peer may take to finish the handshake (`-peertimeout`).
    pub fn peer_timeout(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.peer_timeout.load(Ordering::Relaxed))
    }

    /// Counts bytes received.
    pub fn add_recv(&self, bytes: u64) {
        self.total_recv.fetch_add(bytes, Ordering::Relaxed);
    }

    /// Counts bytes sent.
    pub fn add_sent(&self, bytes: u64) {
        self.total_sent.fetch_add(bytes, Ordering::Relaxed);
    }

    /// Bytes received and sent so far (`getnettotals`).
    pub fn totals(&self) -> (u64, u64) {
        (
            self.total_recv.load(Ordering::Relaxed),
            self.total_sent.load(Ordering::Relaxed),
        )
    }

    /// The addresses added with `addnode add` or `-addnode`.
    pub fn added_nodes(&self) -> MutexGuard<'_, Vec<AddedNode>> {
        self.added.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Opens a connection to `target` ("host:port", or a host with the default port) on
    /// the runtime the node started; false before the node started.
    pub fn open_connection(&self, target: &str) -> bool {
        self.open_connection_as(target, ConnectionType::Manual, v2transport::enabled(self))
    }

    /// [`Net::open_connection`] of a given type (`addconnection`), over v2 first when `v2`
    /// (Core's `use_v2transport`), v1 otherwise.
    pub fn open_connection_as(
        &self,
        target: &str,
        connection_type: ConnectionType,
        v2: bool,
    ) -> bool {
        let Some((handle, shared)) = self.started.get() else {
            return false;
        };
        let Some(shared) = shared.upgrade() else {
            return false;
        };
        // Core `OpenNetworkConnection`: nothing while networking is off.
        if !self.network_active() {
            return false;
        }
        let target = with_port(target, default_port(self.network));
        // Core `OpenNetworkConnection`: not twice to the same destination.
        if !self.busy().insert(target.clone()) {
            return false;
        }
        handle.spawn(async move {
            connection::connect(shared.clone(), target.clone(), connection_type, v2).await;
            shared.net.busy().remove(&target);
        });
        true
    }

    /// The ban list, locked.
    pub fn bans(&self) -> MutexGuard<'_, BanMan> {
        self.bans.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Writes the ban list to banlist.json, through a temporary file (Core
    /// `BanMan::DumpBanlist`, after each change and at shutdown); a failure is logged.
    pub fn save_bans(&self) {
        let Some(path) = self.ban_file.get() else {
            return;
        };
        let json = self.bans().to_json(unix_now());
        // Core's settings files: four spaces of indent, a final newline.
        let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
        let mut text = Vec::new();
        let mut serializer = serde_json::Serializer::with_formatter(&mut text, formatter);
        if let Err(e) = serde::Serialize::serialize(&json, &mut serializer) {
            tracing::warn!("Failed to write banlist {}: {e}", path.display());
            return;
        }
        text.push(b'\n');
        let temporary = path.with_extension("json.new");
        let written =
            std::fs::write(&temporary, text).and_then(|()| std::fs::rename(&temporary, path));
        if let Err(e) = written {
            tracing::warn!("Failed to write banlist {}: {e}", path.display());
        }
    }

    /// Reads banlist.json from `dir` and keeps its path for [`Net::save_bans`] (Core
    /// `BanMan::LoadBanlist`); a missing file is written anew.
    fn load_bans(&self, dir: &std::path::Path) {
        let path = dir.join("banlist.json");
        match std::fs::read_to_string(&path) {
            Ok(text) => match serde_json::from_str::<serde_json::Value>(&text) {
                Ok(json) => self.bans().extend_from_json(&json, unix_now()),
                Err(e) => tracing::warn!("Cannot load banlist {}: {e}", path.display()),
            },
            Err(_) => tracing::info!("Recreating the banlist database"),
        }
        let _ = self.ban_file.set(path);
        self.save_bans();
    }

    /// True when `ip` is banned now.
    pub fn is_banned(&self, ip: std::net::IpAddr) -> bool {
        self.bans().is_banned(ip, unix_now())
    }

    /// Disconnects the peers whose address lies in `subnet` (Core
    /// `CConnman::DisconnectNode(const CSubNet&)`); true when there was one.
    pub fn disconnect_subnet(&self, subnet: &Subnet) -> bool {
        let mut found = false;
        for peer in self.peers().list() {
            if subnet.contains(peer.addr.ip()) {
                tracing::debug!(target: "net", "disconnect by subnet, peer={}", peer.id);
                peer.request_disconnect();
                found = true;
            }
        }
        found
    }

    /// Whether peer-to-peer networking is on (`getnetworkinfo`'s `networkactive`).
    pub fn network_active(&self) -> bool {
        self.active.load(Ordering::SeqCst)
    }

    /// Switches networking on or off; off closes every connection and refuses new ones
    /// (Core `CConnman::SetNetworkActive`).
    pub fn set_network_active(&self, active: bool) {
        tracing::info!("SetNetworkActive: {active}");
        if self.active.swap(active, Ordering::SeqCst) == active {
            return;
        }
        if !active {
            self.disconnect_all();
        }
    }

    fn busy(&self) -> MutexGuard<'_, HashSet<String>> {
        self.busy.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Opens the connections of `-connect` and the added nodes that are not open, every
    /// [`RECONNECT_INTERVAL`] until the node stops (Core `ThreadOpenConnections` with
    /// `-connect`, `ThreadOpenAddedConnections`).
    async fn keep_manual_connections(shared: Arc<Shared>) {
        loop {
            let targets: Vec<(String, bool)> = {
                let v2 = v2transport::enabled(&shared.net);
                let connect = shared.net.connect.lock().unwrap_or_else(|p| p.into_inner());
                connect
                    .iter()
                    .map(|target| (target.clone(), v2))
                    .chain(
                        shared
                            .net
                            .added_nodes()
                            .iter()
                            .map(|added| (added.address.clone(), added.v2)),
                    )
                    .collect()
            };
            for (target, v2) in targets {
                shared
                    .net
                    .open_connection_as(&target, ConnectionType::Manual, v2);
            }
            tokio::select! {
                () = tokio::time::sleep(RECONNECT_INTERVAL) => {}
                () = shared.stopped() => return,
            }
        }
    }

    /// Closes every connection (shutdown).
    pub fn disconnect_all(&self) {
        for peer in self.peers().list() {
            peer.request_disconnect();
        }
    }
}

/// `host` with `port` appended when it names none.
pub fn with_port(target: &str, port: u16) -> String {
    if target.parse::<SocketAddr>().is_ok() {
        return target.to_string();
    }
    if target.parse::<std::net::Ipv6Addr>().is_ok() {
        return format!("[{target}]:{port}");
    }
    match target.rsplit_once(':') {
        Some((_, p)) if p.parse::<u16>().is_ok() => target.to_string(),
        _ => format!("{target}:{port}"),
    }
}

/// The addresses to listen on: `-bind` (each with `-port` unless it names one), else
/// every interface; none with `-listen=0`. `-connect` turns listening off unless
/// `-listen` is given (Core's `InitParameterInteraction`).
fn listen_addresses(config: &Config, port: u16) -> Result<Vec<SocketAddr>, String> {
    // Core's `InitParameterInteraction`: an explicit -bind means listening, even with
    // -connect (which otherwise turns listening off by default).
    let connect = config.get_all("connect");
    let listen_default =
        !config.get_all("bind").is_empty() || (connect.is_empty() && !config.is_negated("connect"));
    if !config.get_bool("listen", listen_default) {
        return Ok(Vec::new());
    }
    let binds = config.get_all("bind");
    if binds.is_empty() {
        return Ok(vec![
            SocketAddr::from(([0, 0, 0, 0], port)),
            SocketAddr::from((std::net::Ipv6Addr::UNSPECIFIED, port)),
        ]);
    }
    let mut addresses = Vec::new();
    for bind in binds {
        // `-bind=addr=onion` marks Tor's incoming connections: the address is the same.
        let bind = bind.split('=').next().unwrap_or_default();
        let address = with_port(bind, port)
            .parse::<SocketAddr>()
            .map_err(|_| format!("Cannot resolve -bind address: '{bind}'"))?;
        addresses.push(address);
    }
    Ok(addresses)
}

/// Starts the network part of the node on the current runtime: binds the listeners and
/// opens the connections the options name. Called from the daemon's `serve`.
pub async fn start(config: &Config, shared: &Arc<Shared>) -> Result<(), String> {
    let net = &shared.net;
    let network = config.network();
    let port = match config.get("port") {
        Some(p) => p
            .parse::<u16>()
            .map_err(|_| format!("Invalid port specified in -port: '{p}'"))?,
        None => default_port(network),
    };
    let max = config.get_int("maxconnections", DEFAULT_MAX_CONNECTIONS as i64);
    net.max_connections
        .store(u64::try_from(max.max(0)).unwrap_or(0), Ordering::Relaxed);
    let default_timeout = i64::try_from(connection::HANDSHAKE_TIMEOUT.as_secs()).unwrap_or(60);
    let timeout = config.get_int("peertimeout", default_timeout);
    if timeout <= 0 {
        return Err("peertimeout must be a positive integer.".into());
    }
    net.peer_timeout
        .store(u64::try_from(timeout).unwrap_or(60), Ordering::Relaxed);
    let _ = net
        .started
        .set((tokio::runtime::Handle::current(), Arc::downgrade(shared)));
    let addresses = listen_addresses(config, port)?;
    let mut bound = 0;
    for address in &addresses {
        match tokio::net::TcpListener::bind(address).await {
            Ok(listener) => {
                tracing::info!("Bound to {address}");
                bound += 1;
                tokio::spawn(connection::accept_loop(listener, shared.clone()));
            }
            Err(e) if address.is_ipv6() && addresses.len() > 1 => {
                tracing::debug!(target: "net", "Unable to bind to {address}: {e}");
            }
            Err(e) => {
                return Err(format!(
                    "Unable to bind to {address} on this computer. {} is probably already running. ({e})",
                    "Bitcoin Core"
                ))
            }
        }
    }
    if !addresses.is_empty() && bound == 0 {
        return Err("Failed to listen on any port. Use -listen=0 if you want this.".into());
    }
    let connect: Vec<String> = config
        .get_all("connect")
        .into_iter()
        .filter(|c| c != "0" && !c.is_empty())
        .collect();
    *net.connect.lock().unwrap_or_else(|p| p.into_inner()) = connect;
    let v2 = config.get_bool("v2transport", v2transport::DEFAULT_V2_TRANSPORT);
    net.added_nodes().extend(
        config
            .get_all("addnode")
            .into_iter()
            .map(|address| AddedNode { address, v2 }),
    );
    let bantime = config.get_int("bantime", banman::DEFAULT_BANTIME);
    net.bans().set_default_bantime(bantime);
    // Core's `m_use_addrman_outgoing`: the node picks peers itself unless told whom.
    let picks_peers = config.get_all("connect").is_empty() && !config.is_negated("connect");
    let mut anchors = Vec::new();
    if let Some(dir) = config.datadir_net() {
        net.load_addresses(&dir)?;
        net.load_bans(&dir);
        if picks_peers {
            anchors = net.load_anchors(&dir);
        }
    }
    net.blocks_only
        .store(config.get_bool("blocksonly", false), Ordering::Relaxed);
    let extra = config.get_int(
        "blockreconstructionextratxn",
        txrelay::DEFAULT_EXTRA_TXN as i64,
    );
    // Core clamps it to 0..=u32::MAX.
    let extra = usize::try_from(extra.clamp(0, i64::from(u32::MAX))).unwrap_or(0);
    net.tx_relay().set_extra_max(extra);
    let whitelist = config
        .get_all("whitelist")
        .iter()
        .map(|entry| permissions::parse_whitelist(entry))
        .collect::<Result<Vec<_>, String>>()?;
    *net.whitelist.lock().unwrap_or_else(|p| p.into_inner()) = whitelist;
    let v2 = config.get_bool("v2transport", v2transport::DEFAULT_V2_TRANSPORT);
    net.v2transport.store(v2, Ordering::Relaxed);
    if !config.get_bool("networkactive", true) {
        net.set_network_active(false);
    }
    let relay_to = Arc::downgrade(shared);
    shared
        .node()
        .set_pow_valid_hook(Arc::new(move |chain, block, hash| {
            if let Some(shared) = relay_to.upgrade() {
                compact::relay_before_connecting(&shared.net, chain, block, hash);
            }
        }));
    tokio::spawn(Net::keep_manual_connections(shared.clone()));
    tokio::spawn(Net::save_addresses_periodically(shared.clone()));
    net.connect_to_anchors(anchors);
    if picks_peers {
        // Core shuffles them, so that a restart does not always ask the same one first.
        let mut seeds = config.get_all("seednode");
        let mut shuffle = [0u8; 8];
        let _ = getrandom::getrandom(&mut shuffle);
        let mut state = u64::from_le_bytes(shuffle) | 1;
        for i in (1..seeds.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            seeds.swap(i, usize::try_from(state % (i as u64 + 1)).unwrap_or(0));
        }
        tokio::spawn(Net::use_seed_nodes(shared.clone(), seeds));
    }
    Ok(())
}

/// The current UNIX time in seconds.
pub(crate) fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::with_port;

    #[test]
    fn a_port_is_added_only_when_missing() {
        assert_eq!(with_port("127.0.0.1", 18444), "127.0.0.1:18444");
        assert_eq!(with_port("127.0.0.1:1234", 18444), "127.0.0.1:1234");
        assert_eq!(with_port("::1", 18444), "[::1]:18444");
        assert_eq!(with_port("[::1]:99", 18444), "[::1]:99");
        assert_eq!(with_port("localhost", 18444), "localhost:18444");
        assert_eq!(with_port("localhost:5", 18444), "localhost:5");
    }
}
