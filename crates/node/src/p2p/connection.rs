//! One connection: a tokio task per peer.
//!
//! The task reads bytes from the socket into the connection's transport
//! ([`v2transport::Receiver`]: BIP324 v2, or a sou-p2p `FrameDecoder` for v1) and hands each
//! message to the handlers ([`handshake`], [`sync`], [`relay`]); a second task writes the frames that [`Peer::queue`] put in
//! the peer's bounded queue, encrypted on a v2 connection ([`Link`]). The connection ends on a wrong magic or an oversized frame
//! (the stream cannot be followed after them), on a handshake not done within
//! `-peertimeout` ([`HANDSHAKE_TIMEOUT`]), on a ping unanswered for [`PING_TIMEOUT`], on
//! blocks asked for and not sent (`sync::BLOCK_DOWNLOAD_TIMEOUT`), on a rule broken by an
//! inbound peer, or when asked (`disconnectnode`, shutdown).
//!
//! References: Core `CConnman::SocketHandlerConnected`, `CConnman::InactivityCheck`,
//! `PeerManagerImpl::MaybeSendPing` (src/net.cpp, src/net_processing.cpp).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use sou_p2p::v2::V2Error;
use sou_p2p::{encode_frame, NetworkMessage};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

use super::peers::{ConnectionType, Peer, SEND_QUEUE_FRAMES};
use super::sync::SyncState;
use super::v2transport::{self, Link};
use super::{addrs, compact, handshake, relay, sync, txrelay, unix_now};
use crate::rpc::dispatch::Shared;

/// A peer must finish the handshake within this (Core's `-peertimeout` default; the
/// option sets [`Net::peer_timeout`](super::Net::peer_timeout)).
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(60);
/// How long an address-fetch connection may stay (Core: ten times
/// `AVG_ADDRESS_BROADCAST_INTERVAL`, 30 s).
const ADDR_FETCH_TIMEOUT: Duration = Duration::from_secs(300);
/// How often we ping (Core `PING_INTERVAL`).
pub const PING_INTERVAL: Duration = Duration::from_secs(2 * 60);
/// A ping unanswered this long ends the connection (Core `TIMEOUT_INTERVAL`).
pub const PING_TIMEOUT: Duration = Duration::from_secs(20 * 60);
/// How long an outbound connection may take to open (Core `DEFAULT_CONNECT_TIMEOUT`).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Why a connection ends; the text follows Core's log line.
#[derive(Debug)]
pub struct Disconnect(pub String);

/// Accepts connections on `listener` until the node stops (Core `AcceptConnection`).
pub async fn accept_loop(listener: tokio::net::TcpListener, shared: Arc<Shared>) {
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = shared.stopped() => return,
        };
        let (stream, addr) = match accepted {
            Ok(pair) => pair,
            Err(e) => {
                tracing::debug!(target: "net", "socket error accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        // Core `CConnman::AcceptConnection`: nothing while networking is off, nothing from
        // a banned address.
        if !shared.net.network_active() {
            tracing::debug!(target: "net", "connection from {addr} dropped: not accepting new connections");
            continue;
        }
        let noban = shared
            .net
            .permissions_for(addr.ip())
            .contains(super::permissions::Permissions::NOBAN);
        if shared.net.is_banned(addr.ip()) && !noban {
            tracing::debug!(target: "net", "connection from {addr} dropped (banned)");
            continue;
        }
        // A discouraged address gets in only while inbound slots are left over.
        if shared.net.is_discouraged(addr.ip())
            && !noban
            && shared.net.peers().len() + 1 >= shared.net.max_connections()
        {
            tracing::debug!(target: "net", "connection from {addr} dropped (discouraged)");
            continue;
        }
        if shared.net.peers().len() >= shared.net.max_connections() {
            tracing::debug!(target: "net", "connection from {addr} dropped: not accepting new connections");
            continue;
        }
        tracing::debug!(target: "net", "connection from {addr} accepted");
        let v2 = v2transport::enabled(&shared.net);
        tokio::spawn(run(
            shared.clone(),
            stream,
            addr,
            addr.to_string(),
            ConnectionType::Inbound,
            v2,
        ));
    }
}

/// Opens a connection to `target` and runs it (Core `OpenNetworkConnection`): over v2
/// when `v2` (with `-v2transport`, unless `addnode` said otherwise), once more over v1 if
/// the peer hung up on our v2 key.
pub async fn connect(
    shared: Arc<Shared>,
    target: String,
    connection_type: ConnectionType,
    mut v2: bool,
) {
    while connect_once(shared.clone(), &target, connection_type, v2).await && v2 {
        tracing::debug!(target: "net", "retrying with v1 transport protocol for peer {target}");
        v2 = false;
    }
}

/// Why a peer that did not finish its handshake in time is dropped, worded as Core's
/// `CConnman::InactivityCheck`: silence in either direction first, then a v2 key
/// exchange still detecting, then the version handshake.
fn handshake_timeout(peer: &Peer, timeout: Duration) -> Disconnect {
    let stats = peer.stats();
    let mut never = String::new();
    if stats.lastrecv == 0 {
        never.push_str(", never received from peer");
    }
    if stats.lastsend == 0 {
        never.push_str(", never sent to peer");
    }
    if !never.is_empty() {
        return Disconnect(format!(
            "socket no message in first {} seconds{never}",
            timeout.as_secs()
        ));
    }
    if stats.transport_protocol_type == "detecting" {
        return Disconnect("V2 handshake timeout".into());
    }
    Disconnect("version handshake timeout".into())
}

/// One attempt of [`connect`]; true if it calls for a v1 retry.
async fn connect_once(
    shared: Arc<Shared>,
    target: &str,
    connection_type: ConnectionType,
    v2: bool,
) -> bool {
    let stream = tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(target)).await;
    let stream = match stream {
        Ok(Ok(stream)) => stream,
        Ok(Err(e)) => {
            tracing::debug!(target: "net", "connection attempt to {target} failed: {e}");
            return false;
        }
        Err(_) => {
            tracing::debug!(target: "net", "connection attempt to {target} timed out");
            return false;
        }
    };
    let Ok(addr) = stream.peer_addr() else {
        return false;
    };
    run(
        shared,
        stream,
        addr,
        target.to_string(),
        connection_type,
        v2,
    )
    .await
}

/// Runs one connection to its end, then removes the peer; true if an outbound v2
/// attempt should be retried over v1.
async fn run(
    shared: Arc<Shared>,
    stream: TcpStream,
    addr: SocketAddr,
    addr_name: String,
    connection_type: ConnectionType,
    v2: bool,
) -> bool {
    let _ = stream.set_nodelay(true);
    let addr_bind = stream.local_addr().ok();
    let (mut reader, mut writer) = stream.into_split();
    let (sender, mut receiver) = mpsc::channel::<Vec<u8>>(SEND_QUEUE_FRAMES);
    let peer = {
        let mut peers = shared.net.peers();
        let id = peers.next_id();
        let peer = Arc::new(Peer::new(
            id,
            addr,
            addr_bind,
            addr_name,
            connection_type,
            handshake::random_nonce(),
            sender,
        ));
        if connection_type == ConnectionType::Inbound {
            peer.set_permissions(shared.net.permissions_for(addr.ip()));
        }
        if !peers.add(peer.clone(), shared.net.max_connections()) {
            tracing::debug!(target: "net", "connection to {addr} dropped: too many connections");
            return false;
        }
        peer
    };
    peer.stats().conntime = unix_now();
    tracing::debug!(target: "net", "Added connection peer={}", peer.id);

    let link = Link::new(shared.net.magic(), !peer.is_inbound(), v2);
    let writer_shared = shared.clone();
    let writer_peer = peer.clone();
    let writer_link = link.clone();
    let writer_task = tokio::spawn(async move {
        loop {
            // A v2 link also writes when the reader's handshake has bytes to send.
            let queued = tokio::select! {
                queued = receiver.recv() => queued,
                () = writer_link.flushed() => Some(Vec::new()),
            };
            let Some(queued) = queued else { break };
            // The queue counts v1 frames; the wire may carry v2 packets of other sizes.
            let queued_len = queued.len() as u64;
            let frame = writer_link.outgoing(queued);
            if frame.is_empty() {
                writer_peer.written(queued_len);
                continue;
            }
            if writer.write_all(&frame).await.is_err() {
                writer_peer.request_disconnect();
                break;
            }
            writer_shared.net.add_sent(frame.len() as u64);
            writer_peer.written(queued_len);
            writer_peer.stats().lastsend = unix_now();
        }
        let _ = writer.shutdown().await;
    });

    if !peer.is_inbound() {
        handshake::send_version(&shared, &peer);
    }
    // An initiator's v2 key and garbage leave before anything else.
    link.wake_writer();
    let reason = read_loop(&shared, &peer, &mut reader, &link).await;
    match &reason {
        Ok(()) => {}
        Err(Disconnect(why)) => {
            tracing::debug!(target: "net", "{why}, disconnecting peer={}", peer.id)
        }
    }
    shared.net.peers().remove(peer.id);
    if peer.stats().misbehaved && !peer.addr.ip().to_canonical().is_loopback() {
        shared.net.discourage(peer.addr.ip());
    }
    shared.net.tx_relay().peer_gone(peer.id);
    shared.net.compact().peer_gone(peer.id);
    shared.net.blocks_in_flight().peer_gone(peer.id);
    writer_task.abort();
    tracing::debug!(target: "net", "Cleared nodestate for peer={}", peer.id);
    link.should_reconnect_v1()
}

/// Reads and handles messages until the connection ends.
async fn read_loop(
    shared: &Arc<Shared>,
    peer: &Arc<Peer>,
    reader: &mut tokio::net::tcp::OwnedReadHalf,
    link: &Arc<Link>,
) -> Result<(), Disconnect> {
    let mut decoder = v2transport::Receiver::new(link.clone(), peer.clone(), shared.net.magic());
    let mut state = SyncState::default();
    let mut buffer = vec![0u8; 64 * 1024];
    let started = Instant::now();
    let mut ping: Option<(u64, Instant)> = None;
    let mut last_ping = Instant::now();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        let read = tokio::select! {
            read = reader.read(&mut buffer) => read,
            () = peer.disconnected() => return Ok(()),
            () = shared.stopped() => return Ok(()),
            _ = tick.tick() => {
                let done = peer.stats().handshake_done;
                if !done && started.elapsed() > shared.net.peer_timeout() {
                    return Err(handshake_timeout(peer, shared.net.peer_timeout()));
                }
                if state.download_timed_out() {
                    return Err(Disconnect("Timeout downloading block".into()));
                }
                // Core `SendMessages`: an address-fetch connection lasts at most ten
                // address broadcast intervals.
                if peer.connection_type == ConnectionType::AddrFetch
                    && started.elapsed() > ADDR_FETCH_TIMEOUT
                {
                    return Err(Disconnect("addrfetch connection timeout".into()));
                }
                if shared.net.blocks_in_flight().is_stalling(peer.id) {
                    return Err(Disconnect(format!(
                        "Peer={} is stalling block download",
                        peer.id
                    )));
                }
                // Blocks another peer held may be ours to fetch now (Core asks again on
                // every turn of `SendMessages`).
                if done {
                    sync::queue_towards_best_known(shared, peer, &mut state);
                    if state.has_queued() {
                        sync::request_blocks(shared, peer, &mut state);
                    }
                }
                if let Some((_, sent)) = ping {
                    if sent.elapsed() > PING_TIMEOUT {
                        return Err(Disconnect(format!(
                            "ping timeout: {:.6}s", sent.elapsed().as_secs_f64()
                        )));
                    }
                    peer.stats().ping_wait = Some(sent.elapsed().as_secs_f64());
                } else if done && (last_ping.elapsed() >= PING_INTERVAL
                    || state.ping_requested
                    || peer.take_ping_request()) {
                    // Core `MaybeSendPing`: one out at a time, the first right after the
                    // handshake, then every two minutes.
                    let nonce = handshake::random_nonce();
                    send(peer, shared, &NetworkMessage::Ping(nonce));
                    ping = Some((nonce, Instant::now()));
                    last_ping = Instant::now();
                    state.ping_requested = false;
                }
                continue;
            }
        };
        let count = match read {
            Ok(0) => return Err(Disconnect("socket closed".into())),
            Ok(n) => n,
            Err(e) => return Err(Disconnect(format!("socket recv error {e}"))),
        };
        let bytes = buffer.get(..count).unwrap_or_default();
        shared.net.add_recv(count as u64);
        peer.stats().lastrecv = unix_now();
        decoder.feed(bytes);
        while let Some(frame) = decoder.next_frame() {
            let frame = match frame {
                Ok(frame) => frame,
                // Core's wording: "Header error: ..., peer=N" from a frame's header,
                // "V2 transport error: ..." from the encrypted transport; then the
                // disconnection, for a fatal one.
                Err(e) => {
                    let kind = match e {
                        V2Error::Message(_) => "Header error",
                        _ => "V2 transport error",
                    };
                    tracing::debug!(target: "net", "{kind}: {e}, peer={}", peer.id);
                    if e.is_fatal() {
                        return Err(Disconnect("receiving message bytes failed".into()));
                    }
                    continue;
                }
            };
            let command = frame.command.as_str().to_string();
            let decoded = NetworkMessage::decode(&frame.command, &frame.payload);
            {
                let mut stats = peer.stats();
                let known = !matches!(decoded, Ok(NetworkMessage::Unknown { .. }));
                let key = if known {
                    command.clone()
                } else {
                    "*other*".into()
                };
                // The 24-byte header counts with the payload, as in Core.
                *stats.bytes_recv_per_msg.entry(key).or_default() +=
                    24 + frame.payload.len() as u64;
            }
            let message = match decoded {
                Ok(message) => message,
                Err(e) => {
                    tracing::debug!(
                        target: "net",
                        "ProcessMessages({command}, {} bytes): Exception '{e}' caught, peer={}",
                        frame.payload.len(),
                        peer.id
                    );
                    too_many(peer, &command, &e)?;
                    continue;
                }
            };
            tracing::debug!(
                target: "net",
                "received: {command} ({} bytes) peer={}",
                frame.payload.len(),
                peer.id
            );
            if let NetworkMessage::Pong(nonce) = message {
                if let Some((expected, sent)) = ping {
                    if nonce == expected {
                        let rtt = sent.elapsed().as_secs_f64();
                        let mut stats = peer.stats();
                        stats.ping_time = Some(rtt);
                        stats.min_ping = Some(stats.min_ping.map_or(rtt, |m| m.min(rtt)));
                        stats.ping_wait = None;
                        ping = None;
                    }
                }
                continue;
            }
            blocking(|| handle(shared, peer, &mut state, message))?;
        }
    }
}

/// Runs `f`, which may wait for the node's lock or validate a block, without holding up
/// the other tasks of a multi-threaded runtime.
fn blocking<T>(f: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()) {
        Ok(tokio::runtime::RuntimeFlavor::MultiThread) => tokio::task::block_in_place(f),
        _ => f(),
    }
}

/// A list longer than the protocol allows is refused by the decoder before it is read;
/// Core reads it and then punishes the peer for it: misbehaviour for `inv`, `getdata`,
/// `headers`, `addr` and `addrv2` ("... message size = N"), a disconnection for a
/// locator too long, nothing for the rest.
fn too_many(peer: &Peer, command: &str, error: &sou_p2p::MessageError) -> Result<(), Disconnect> {
    let sou_p2p::MessageError::TooMany { what, count, .. } = error else {
        return Ok(());
    };
    match *what {
        "inv" | "getdata" | "headers" | "addr" | "addrv2" => {
            misbehaving(peer, format!("{command} message size = {count}"))
        }
        "locator" => Err(Disconnect(format!(
            "{command} locator size {count} > 101, disconnect peer={}",
            peer.id
        ))),
        _ => Ok(()),
    }
}

/// Hands one message to the handler of its part of the protocol.
fn handle(
    shared: &Arc<Shared>,
    peer: &Arc<Peer>,
    state: &mut SyncState,
    message: NetworkMessage,
) -> Result<(), Disconnect> {
    let handshake_done = peer.stats().handshake_done;
    match message {
        NetworkMessage::Version(_)
        | NetworkMessage::Verack
        | NetworkMessage::WtxidRelay
        | NetworkMessage::SendAddrV2
        | NetworkMessage::SendHeaders => handshake::handle(shared, peer, state, message),
        // Core ignores everything else until the handshake is done.
        _ if !handshake_done => Ok(()),
        NetworkMessage::Ping(nonce) => {
            send(peer, shared, &NetworkMessage::Pong(nonce));
            Ok(())
        }
        NetworkMessage::Headers(headers) => sync::on_headers(shared, peer, state, &headers),
        NetworkMessage::Block(block) => sync::on_block(shared, peer, state, block),
        NetworkMessage::Inv(items) => {
            sync::on_inv(shared, peer, &items)?;
            txrelay::on_inv(shared, peer, &items)
        }
        NetworkMessage::Tx(tx) => txrelay::on_tx(shared, peer, tx),
        NetworkMessage::FeeFilter(rate) => {
            txrelay::on_feefilter(peer, rate);
            Ok(())
        }
        NetworkMessage::Mempool => txrelay::on_mempool(peer),
        NetworkMessage::Addr(list) => addrs::on_addrs(shared, peer, addrs::from_addr(list), "addr"),
        NetworkMessage::AddrV2(list) => {
            addrs::on_addrs(shared, peer, addrs::from_addrv2(list), "addrv2")
        }
        NetworkMessage::GetAddr => addrs::on_getaddr(shared, peer),
        NetworkMessage::GetHeaders(request) => relay::on_getheaders(shared, peer, &request),
        NetworkMessage::GetData(items) => relay::on_getdata(shared, peer, &items),
        NetworkMessage::NotFound(items) => {
            txrelay::on_notfound(shared, peer, &items);
            sync::on_notfound(shared, peer, state, &items)
        }
        NetworkMessage::SendCmpct(message) => {
            compact::on_sendcmpct(shared, peer, message);
            Ok(())
        }
        NetworkMessage::CmpctBlock(block) => compact::on_cmpctblock(shared, peer, state, block),
        NetworkMessage::GetBlockTxn(request) => compact::on_getblocktxn(shared, peer, &request),
        NetworkMessage::BlockTxn(answer) => compact::on_blocktxn(shared, peer, state, answer),
        _ => Ok(()),
    }
}

/// A peer broke a rule (Core `Misbehaving`, then `MaybeDiscourageAndDisconnect`): an
/// inbound peer is disconnected, a manual one only warned about, as Core protects the
/// connections its user asked for.
pub fn misbehaving(peer: &Peer, message: String) -> Result<(), Disconnect> {
    tracing::debug!(target: "net", "Misbehaving: peer={}: {message}", peer.id);
    if peer
        .permissions()
        .contains(super::permissions::Permissions::NOBAN)
    {
        tracing::warn!("Warning: not punishing noban peer {}!", peer.id);
        return Ok(());
    }
    if peer.connection_type == ConnectionType::Manual {
        tracing::warn!(
            "Warning: not punishing manually connected peer {}!",
            peer.id
        );
        return Ok(());
    }
    // Its address is discouraged as the connection closes (a local one is only
    // disconnected: it may be ourselves, or a harness shared by many peers).
    peer.stats().misbehaved = true;
    Err(Disconnect(format!(
        "Misbehaving: peer={}: {message}",
        peer.id
    )))
}

/// Frames `message` for the peer's network and queues it.
pub fn send(peer: &Peer, shared: &Shared, message: &NetworkMessage) {
    let frame = encode_frame(shared.net.magic(), message);
    tracing::debug!(
        target: "net",
        "sending {} ({} bytes) peer={}",
        message.command_str(),
        frame.len().saturating_sub(24),
        peer.id
    );
    peer.queue(message.command_str(), frame);
}
