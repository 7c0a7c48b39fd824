//! BIP324 on a socket: which transport a connection speaks, and the bytes it writes.
//!
//! The handlers build and queue v1 frames whatever the transport ([`connection::send`]).
//! A connection's [`Link`] turns each frame into what goes on the wire: the frame itself
//! for v1, or for v2 an encrypted packet carrying the same message type and payload,
//! sealed by sou-p2p's [`V2Transport`] in the order the writer task takes them. The
//! reader task feeds the received bytes to the link's [`Receiver`], which gives frames
//! back the same way for both transports.
//!
//! As Core (`-v2transport`, on by default since version 27): an outbound connection
//! opens with v2 and, if the peer hangs up before sending a byte (a v1 node reading our
//! key as a bad header), is opened again with v1 (Core `ShouldReconnectV1`). An inbound
//! connection reads its first 16 bytes: the network magic and `"version"` mean v1, any
//! other byte a v2 key. With `-v2transport=0` every connection is v1 and we do not
//! advertise `NODE_P2P_V2`.
//!
//! References: BIP324; Core src/net.cpp (`V2Transport`, `CConnman::DisconnectNodes`'s
//! reconnections, `CConnman::ThreadOpenAddedConnections`).
//!
//! [`connection::send`]: super::connection::send

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use sou_p2p::frame::{Command, RawFrame, COMMAND_SIZE, HEADER_SIZE};
use sou_p2p::v2::{V2Error, V2Transport, MAX_GARBAGE_LEN};
use sou_p2p::{FrameDecoder, ServiceFlags};
use tokio::sync::Notify;

use super::handshake::LOCAL_SERVICES;
use super::peers::Peer;
use super::Net;

/// Core's `DEFAULT_V2_TRANSPORT`.
pub const DEFAULT_V2_TRANSPORT: bool = true;

/// The v1 header's size: once we sent this much, a v1 peer has read a bad header
/// (Core `m_sent_v1_header_worth`).
const V1_HEADER_WORTH: u64 = HEADER_SIZE as u64;

/// `-v2transport`, as `Net` holds it.
pub fn enabled(net: &Net) -> bool {
    net.v2transport.load(Ordering::Relaxed)
}

/// The services we offer: [`LOCAL_SERVICES`], and `NODE_P2P_V2` when v2 is on.
pub fn local_services(net: &Net) -> ServiceFlags {
    if enabled(net) {
        LOCAL_SERVICES | ServiceFlags::P2P_V2
    } else {
        LOCAL_SERVICES
    }
}

/// What a connection speaks.
#[derive(Debug)]
enum State {
    V1,
    V2(Box<V2Transport>),
}

/// One connection's transport, shared by its reader and writer tasks.
#[derive(Debug)]
pub struct Link {
    state: Mutex<State>,
    /// Wakes the writer when the reader made handshake bytes to send.
    flush: Notify,
    /// Bytes written so far.
    sent: AtomicU64,
}

impl Link {
    /// A link for a new connection: v2 if `v2` (we speak first as initiator, or wait
    /// to see v1 or v2 as responder), else v1.
    pub fn new(magic: [u8; 4], initiator: bool, v2: bool) -> Arc<Link> {
        let state = if v2 {
            match new_v2(magic, initiator) {
                Some(transport) => State::V2(Box::new(transport)),
                None => State::V1,
            }
        } else {
            State::V1
        };
        Arc::new(Link {
            state: Mutex::new(state),
            flush: Notify::new(),
            sent: AtomicU64::new(0),
        })
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The bytes to write for a queued v1 `frame` (an empty one only flushes what the
    /// handshake produced). Called by the writer task alone, so the packets leave in
    /// the order they were sealed.
    pub fn outgoing(&self, frame: Vec<u8>) -> Vec<u8> {
        let bytes = match &mut *self.state() {
            State::V1 => frame,
            State::V2(transport) => {
                if let Some((command, payload)) = split_frame(&frame) {
                    transport.send_payload(&command, payload);
                }
                transport.take_outgoing()
            }
        };
        self.sent.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        bytes
    }

    /// Asks the writer task to send what the transport has queued.
    pub fn wake_writer(&self) {
        self.flush.notify_one();
    }

    /// Waits until the reader asks the writer to send handshake bytes.
    pub async fn flushed(&self) {
        self.flush.notified().await;
    }

    /// Whether an outbound v2 attempt ended in a way that calls for a v1 retry.
    pub fn should_reconnect_v1(&self) -> bool {
        match &*self.state() {
            State::V1 => false,
            State::V2(transport) => {
                transport.should_reconnect_v1()
                    && self.sent.load(Ordering::Relaxed) >= V1_HEADER_WORTH
            }
        }
    }

    /// Core's `TransportProtocolType` and session id, as getpeerinfo shows them.
    fn info(&self) -> (&'static str, String) {
        match &*self.state() {
            State::V1 => ("v1", String::new()),
            State::V2(transport) => match transport.session_id() {
                Some(id) => ("v2", hex::encode(id)),
                None if transport.is_initiator() => ("v2", String::new()),
                None => ("detecting", String::new()),
            },
        }
    }

    /// Copies the transport's `info` into the peer's statistics.
    pub fn update_stats(&self, peer: &Peer) {
        let (kind, session_id) = self.info();
        let mut stats = peer.stats();
        stats.transport_protocol_type = kind;
        stats.session_id = session_id;
    }
}

/// A v2 transport with a fresh key and Core's random garbage (0 to 4,095 random bytes,
/// Core `GenerateRandomGarbage`).
fn new_v2(magic: [u8; 4], initiator: bool) -> Option<V2Transport> {
    let mut secret = [0u8; 32];
    let mut entropy = [0u8; 32];
    let mut length = [0u8; 2];
    getrandom::getrandom(&mut secret).ok()?;
    getrandom::getrandom(&mut entropy).ok()?;
    getrandom::getrandom(&mut length).ok()?;
    let mut garbage = vec![0u8; usize::from(u16::from_le_bytes(length)) % (MAX_GARBAGE_LEN + 1)];
    getrandom::getrandom(&mut garbage).ok()?;
    V2Transport::from_secret_bytes(magic, initiator, secret, entropy, garbage)
}

/// A v1 frame's message type and payload (the frames come from `encode_frame`).
fn split_frame(frame: &[u8]) -> Option<(Command, &[u8])> {
    let raw: [u8; COMMAND_SIZE] = frame.get(4..4 + COMMAND_SIZE)?.try_into().ok()?;
    let command = Command::from_bytes(raw).ok()?;
    Some((command, frame.get(HEADER_SIZE..)?))
}

/// The reader task's side of a [`Link`]: bytes in, frames out.
pub struct Receiver {
    link: Arc<Link>,
    peer: Arc<Peer>,
    magic: [u8; 4],
    /// The v1 decoder, once the connection is known to speak v1.
    v1: Option<FrameDecoder>,
}

impl Receiver {
    /// The receiving side of `link` for `peer`, on the network of `magic`.
    pub fn new(link: Arc<Link>, peer: Arc<Peer>, magic: [u8; 4]) -> Receiver {
        let v1 = matches!(&*link.state(), State::V1).then(|| FrameDecoder::new(magic));
        link.update_stats(&peer);
        Receiver {
            link,
            peer,
            magic,
            v1,
        }
    }

    /// Appends received bytes; wakes the writer when the handshake has bytes to send.
    pub fn feed(&mut self, bytes: &[u8]) {
        if let Some(decoder) = &mut self.v1 {
            decoder.feed(bytes);
            return;
        }
        let mut state = self.link.state();
        let State::V2(transport) = &mut *state else {
            return;
        };
        transport.feed(bytes);
        if let Some(v1_bytes) = transport.v1_fallback() {
            // Core `ProcessReceivedMaybeV1Bytes`: a v1 peer; its bytes go to a v1 decoder.
            let mut decoder = FrameDecoder::new(self.magic);
            decoder.feed(&v1_bytes);
            self.v1 = Some(decoder);
            *state = State::V1;
            tracing::debug!(target: "net", "peer={} speaks v1", self.peer.id);
        } else if transport.has_outgoing() {
            self.link.flush.notify_one();
        }
        drop(state);
        self.link.update_stats(&self.peer);
    }

    /// The next frame received, an error for it, or `None` if more bytes are needed.
    pub fn next_frame(&mut self) -> Option<Result<RawFrame, V2Error>> {
        if let Some(decoder) = &mut self.v1 {
            return Some(decoder.next_frame()?.map_err(V2Error::from));
        }
        match &mut *self.link.state() {
            State::V2(transport) => transport.next_frame(),
            State::V1 => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_cross_a_v2_link_pair() {
        let magic = [0xfa, 0xbf, 0xb5, 0xda];
        let alice = Link::new(magic, true, true);
        let bob = Link::new(magic, false, true);
        let frame = sou_p2p::encode_frame(magic, &sou_p2p::NetworkMessage::Ping(9));
        let mut to_bob = alice.outgoing(frame);
        assert!(to_bob.len() >= 64, "the key leaves first");
        let mut bob_transport = match std::mem::replace(&mut *bob.state(), State::V1) {
            State::V2(t) => t,
            State::V1 => panic!("v2 expected"),
        };
        let mut alice_transport = match std::mem::replace(&mut *alice.state(), State::V1) {
            State::V2(t) => t,
            State::V1 => panic!("v2 expected"),
        };
        for _ in 0..3 {
            bob_transport.feed(&to_bob);
            alice_transport.feed(&bob_transport.take_outgoing());
            to_bob = alice_transport.take_outgoing();
        }
        assert_eq!(
            bob_transport.next_message(),
            Some(Ok(sou_p2p::NetworkMessage::Ping(9)))
        );
    }

    #[test]
    fn a_frame_splits_into_type_and_payload() {
        let frame = sou_p2p::encode_frame([1, 2, 3, 4], &sou_p2p::NetworkMessage::Ping(9));
        let (command, payload) = split_frame(&frame).expect("a frame");
        assert_eq!(command.as_str(), "ping");
        assert_eq!(payload, 9u64.to_le_bytes());
    }
}
