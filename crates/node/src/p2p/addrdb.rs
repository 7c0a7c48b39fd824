//! The address files of the data directory: `peers.dat` (the address manager) and
//! `anchors.dat` (the block-relay-only peers of the last clean stop), read at start and
//! written as Core writes them (Core's src/addrdb.cpp; the formats are
//! `sou_p2p::address::peers_dat`'s).

use std::net::SocketAddr;
use std::sync::Arc;

use super::peers::ConnectionType;
use super::{addrs, v2transport, Net};
use crate::rpc::dispatch::Shared;

impl Net {
    /// Reads `peers.dat` from `dir` and keeps its path for [`Net::save_addresses`] (Core
    /// `LoadAddrman`): a missing file is written anew, one of a newer incompatible format
    /// is moved to `peers.dat.bak`, and a damaged one stops the start with Core's message.
    pub(super) fn load_addresses(&self, dir: &std::path::Path) -> Result<(), String> {
        use sou_p2p::address::peers_dat::{PeersFile, PeersFileError};
        let path = dir.join("peers.dat");
        let started = std::time::Instant::now();
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let _ = self.peers_file.set(path.clone());
                tracing::info!(
                    "Creating peers.dat because the file was not found (\"{}\")",
                    path.display()
                );
                self.save_addresses();
                return Ok(());
            }
            Err(e) => return Err(corrupt_peers_file(&e.to_string(), &path)),
        };
        match PeersFile::decode(&bytes, self.magic()) {
            Ok(file) => {
                let addrman = addrs::AddrMan::from_file(file);
                let count = addrman.len();
                *self.addrman() = addrman;
                let _ = self.peers_file.set(path);
                tracing::info!(
                    "Loaded {count} addresses from peers.dat {}ms",
                    started.elapsed().as_millis()
                );
                Ok(())
            }
            Err(PeersFileError::Unsupported { .. }) => {
                if std::fs::rename(&path, dir.join("peers.dat.bak")).is_err() {
                    return Err("Failed to rename invalid peers.dat file. Please move or delete it and try again.".into());
                }
                tracing::warn!(
                    "Creating new peers.dat because the file version was not compatible (\"{}\"). Original backed up to peers.dat.bak",
                    path.display()
                );
                let _ = self.peers_file.set(path);
                self.save_addresses();
                Ok(())
            }
            // The file is left as it is, and never written over: the node does not start.
            Err(e) => Err(corrupt_peers_file(&e.to_string(), &path)),
        }
    }

    /// Writes the address manager to `peers.dat` through a temporary file (Core
    /// `DumpAddresses`, every fifteen minutes and at shutdown); a failure is logged.
    pub fn save_addresses(&self) {
        let Some(path) = self.peers_file.get() else {
            return;
        };
        let started = std::time::Instant::now();
        let (bytes, count) = {
            let addrman = self.addrman();
            (addrman.to_file().encode(self.magic()), addrman.len())
        };
        let written = write_atomically(path, "peers", &bytes);
        match written {
            Ok(()) => tracing::debug!(
                target: "net",
                "Flushed {count} addresses to peers.dat {}ms",
                started.elapsed().as_millis()
            ),
            Err(e) => tracing::error!("Failed to write {}: {e}", path.display()),
        }
    }

    /// Reads and deletes `anchors.dat` in `dir` (Core `ReadAnchors`: a damaged file counts
    /// as empty), keeping the path to write it again at shutdown; at most two anchors.
    pub(super) fn load_anchors(&self, dir: &std::path::Path) -> Vec<sou_p2p::AddrV2Message> {
        let path = dir.join("anchors.dat");
        let read = std::fs::read(&path).ok().and_then(|bytes| {
            sou_p2p::address::peers_dat::decode_anchors(&bytes, self.magic()).ok()
        });
        let mut anchors = match read {
            Some(anchors) => {
                tracing::info!("Loaded {} addresses from \"anchors.dat\"", anchors.len());
                anchors
            }
            None => Vec::new(),
        };
        let _ = std::fs::remove_file(&path);
        let _ = self.anchors_file.set(path);
        anchors.truncate(MAX_BLOCK_RELAY_ONLY_ANCHORS);
        tracing::info!(
            "{} block-relay-only anchors will be tried for connections.",
            anchors.len()
        );
        anchors
    }

    /// Writes the addresses of the block-relay-only peers to `anchors.dat`, at most two
    /// (Core `DumpAnchors`, at a clean shutdown, before the peers are let go). Like Core,
    /// sou gives each the time and services of an address it was told to connect to.
    pub fn save_anchors(&self) {
        let Some(path) = self.anchors_file.get() else {
            return;
        };
        let noted = self
            .anchors_at_stop
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        let anchors: Vec<sou_p2p::AddrV2Message> = noted
            .unwrap_or_else(|| self.block_relay_peers())
            .into_iter()
            .take(MAX_BLOCK_RELAY_ONLY_ANCHORS)
            .map(|addr| sou_p2p::AddrV2Message {
                time: ADDRESS_TIME_INIT,
                services: sou_p2p::ServiceFlags::NONE,
                addr: addrs::from_ip(addr.ip()),
                port: addr.port(),
            })
            .collect();
        let title = format!(
            "Flush {} outbound block-relay-only peer addresses to anchors.dat",
            anchors.len()
        );
        let started = std::time::Instant::now();
        tracing::info!("DumpAnchors: {title} started");
        let bytes = sou_p2p::address::peers_dat::encode_anchors(&anchors, self.magic());
        if let Err(e) = write_atomically(path, "anchors", &bytes) {
            tracing::error!("Failed to write {}: {e}", path.display());
        }
        tracing::info!(
            "DumpAnchors: {title} completed ({:.2}s)",
            started.elapsed().as_secs_f64()
        );
    }

    /// Notes the block-relay-only peers of the moment, for [`Net::save_anchors`]: called
    /// when the stop is asked for, before the peers hear of it and close.
    pub fn note_anchors(&self) {
        let peers = self.block_relay_peers();
        // A second request (a signal after `stop`) finds the peers gone: the first list stays.
        self.anchors_at_stop
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get_or_insert(peers);
    }

    /// The addresses of the block-relay-only peers (Core `GetCurrentBlockRelayOnlyConns`).
    fn block_relay_peers(&self) -> Vec<SocketAddr> {
        self.peers()
            .list()
            .into_iter()
            .filter(|p| p.connection_type == ConnectionType::BlockRelay)
            .map(|p| p.addr)
            .collect()
    }

    /// Opens a block-relay-only connection to each anchor Core would try: a valid,
    /// non-local address offering what a full node needs (Core's first choice in
    /// `ThreadOpenConnections`).
    pub(super) fn connect_to_anchors(&self, anchors: Vec<sou_p2p::AddrV2Message>) {
        let wanted = sou_p2p::ServiceFlags::NETWORK | sou_p2p::ServiceFlags::WITNESS;
        for anchor in anchors.into_iter().rev() {
            let ip = match &anchor.addr {
                sou_p2p::AddrV2::Ipv4(v4) => std::net::IpAddr::V4(*v4),
                sou_p2p::AddrV2::Ipv6(v6) => std::net::IpAddr::V6(*v6),
                // Tor, I2P and CJDNS need proxies sou does not have.
                _ => continue,
            };
            let services = anchor.services.to_bits();
            if ip.is_unspecified()
                || ip.is_loopback()
                || services & wanted.to_bits() != wanted.to_bits()
            {
                continue;
            }
            let target = std::net::SocketAddr::new(ip, anchor.port).to_string();
            tracing::debug!(target: "net", "Trying to make an anchor connection to {target}");
            let v2 = services & sou_p2p::ServiceFlags::P2P_V2.to_bits() != 0
                && v2transport::enabled(self);
            self.open_connection_as(&target, ConnectionType::BlockRelay, v2);
        }
    }

    /// `-seednode`: nodes asked for addresses, one at a time, when the address manager
    /// has none to offer (Core's part of `ThreadOpenConnections`): at start if it is empty,
    /// then every ten seconds while fewer than two automatic outbound peers are connected.
    /// Each is an address-fetch connection, closed once the addresses came (or after five
    /// minutes).
    pub(super) async fn use_seed_nodes(shared: Arc<Shared>, mut seeds: Vec<String>) {
        const SEED_OUTBOUND_CONNECTION_THRESHOLD: usize = 2;
        const ADD_NEXT_SEEDNODE: std::time::Duration = std::time::Duration::from_secs(10);
        let mut add = shared.net.addrman().is_empty() && !seeds.is_empty();
        let mut timer = std::time::Instant::now();
        let mut tick = tokio::time::interval(std::time::Duration::from_millis(500));
        loop {
            if add {
                add = false;
                let Some(seed) = seeds.pop() else {
                    return;
                };
                if shared.net.addrman().is_empty() {
                    tracing::info!("Empty addrman, adding seednode ({seed}) to addrfetch");
                } else {
                    tracing::info!(
                        "Couldn't connect to peers from addrman after {} seconds. Adding seednode ({seed}) to addrfetch",
                        ADD_NEXT_SEEDNODE.as_secs()
                    );
                }
                let v2 = v2transport::enabled(&shared.net);
                shared
                    .net
                    .open_connection_as(&seed, ConnectionType::AddrFetch, v2);
            }
            if seeds.is_empty() {
                return;
            }
            tokio::select! {
                _ = tick.tick() => {}
                () = shared.stopped() => return,
            }
            let full_relay = shared
                .net
                .peers()
                .list()
                .iter()
                .filter(|p| p.connection_type == ConnectionType::OutboundFullRelay)
                .count();
            if full_relay < SEED_OUTBOUND_CONNECTION_THRESHOLD
                && timer.elapsed() > ADD_NEXT_SEEDNODE
            {
                timer = std::time::Instant::now();
                add = true;
            }
        }
    }

    /// Saves the addresses every fifteen minutes (Core's `DUMP_PEERS_INTERVAL`), so a
    /// crash loses little.
    pub(super) async fn save_addresses_periodically(shared: Arc<Shared>) {
        let mut interval = tokio::time::interval(std::time::Duration::from_secs(15 * 60));
        interval.tick().await;
        loop {
            interval.tick().await;
            shared.net.save_addresses();
        }
    }
}

/// Most block-relay-only peers remembered as anchors (Core
/// `MAX_BLOCK_RELAY_ONLY_ANCHORS`).
const MAX_BLOCK_RELAY_ONLY_ANCHORS: usize = 2;
/// The time of an address nobody dated (Core's `TIME_INIT`, 1973).
const ADDRESS_TIME_INIT: u32 = 100_000_000;

/// Writes `bytes` to `path` through a temporary file named after `prefix` with a random
/// suffix, synced, then renamed over (Core `SerializeFileDB`).
fn write_atomically(path: &std::path::Path, prefix: &str, bytes: &[u8]) -> std::io::Result<()> {
    let mut suffix = [0u8; 2];
    let _ = getrandom::getrandom(&mut suffix);
    let temporary = path.with_file_name(format!("{prefix}.{}", hex::encode(suffix)));
    let written = std::fs::File::create(&temporary)
        .and_then(|mut file| {
            std::io::Write::write_all(&mut file, bytes)?;
            file.sync_all()
        })
        .and_then(|()| std::fs::rename(&temporary, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

/// Core's `LoadAddrman` message for a `peers.dat` it cannot read.
fn corrupt_peers_file(reason: &str, path: &std::path::Path) -> String {
    format!(
        "Invalid or corrupt peers.dat ({reason}). If you believe this is a bug, please report it to https://github.com/bitcoin/bitcoin/issues. As a workaround, you can move the file (\"{}\") out of the way (rename, move, or delete) to have a new one created on the next start.",
        path.display()
    )
}
