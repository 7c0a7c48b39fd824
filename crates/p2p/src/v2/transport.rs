//! The v2 connection as a state machine fed with bytes: handshake, then packets.
//!
//! ```text
//! initiator                                   responder
//!   ellswift key (64) || garbage (0-4095)  ->
//!                                          <-  ellswift key (64) || garbage
//!   garbage terminator (16)                ->  (each side, once it has the other's key)
//!   version packet, AAD = our garbage      ->
//!                                          <-  garbage terminator || version packet
//!   application packets                   <->  application packets
//! ```
//!
//! The responder first waits to see whether the peer speaks v1: a v1 connection opens
//! with the network magic and `"version\0\0\0\0\0"`, 16 bytes a v2 key starts with only
//! by a 2^-128 chance. On the first byte that differs it sends its key; if all 16 match,
//! [`V2Transport::v1_fallback`] hands the bytes back for a v1 decoder.
//!
//! The receiver finds the end of the peer's garbage by the garbage terminator, which only
//! someone who completed the key exchange can compute, and authenticates the garbage as
//! the first packet's associated data. Packets whose header has the ignore bit are
//! decoys, authenticated and dropped; the first other packet is the version packet, whose
//! contents are reserved for future features and ignored.
//!
//! References: BIP324 "Overall handshake pseudocode", "Garbage"; Core src/net.cpp
//! (`V2Transport`: `ProcessReceivedMaybeV1Bytes`, `ProcessReceivedKeyBytes`,
//! `ProcessReceivedGarbageBytes`, `ProcessReceivedPacketBytes`, `GetMessageType`).

use std::collections::VecDeque;

use secp256k1::ellswift::ElligatorSwift;
use secp256k1::SecretKey;

use super::cipher::{Bip324Cipher, EXPANSION, GARBAGE_TERMINATOR_LEN, LENGTH_LEN};
use super::message_ids;
use super::V2Error;
use crate::frame::{Command, RawFrame, COMMAND_SIZE, MAX_PROTOCOL_MESSAGE_LENGTH};
use crate::NetworkMessage;

/// The most garbage a side may send before its terminator (BIP324, Core
/// `MAX_GARBAGE_LEN`).
pub const MAX_GARBAGE_LEN: usize = 4095;

/// The largest packet contents accepted (Core `MAX_CONTENTS_LEN`): the 0x00 byte and 12
/// bytes of a long message type, then the largest payload.
pub const MAX_CONTENTS_LEN: u32 = 1 + 12 + MAX_PROTOCOL_MESSAGE_LENGTH;
const _: () = assert!(COMMAND_SIZE == 12);

/// The size of the v1 prefix a responder looks for: magic and `"version"` padded to 12.
pub const V1_PREFIX_LEN: usize = 16;

/// The contents of the version packet we send: empty (BIP324 `VERSION_CONTENTS`).
const VERSION_CONTENTS: &[u8] = b"";

/// Which part of the stream the next received bytes belong to (Core `RecvState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RecvState {
    /// Responder only: the bytes so far may still be a v1 `version` header.
    MaybeV1,
    /// The peer's 64-byte key.
    Key,
    /// The peer's garbage and its terminator.
    Garbage,
    /// Packets, until the version packet.
    Version,
    /// Application packets.
    App,
    /// The peer speaks v1; the bytes went back to the caller.
    V1,
}

/// One side of a v2 connection, fed with the bytes received and asked for those to send
/// (the v2 half of Core's `V2Transport`). It does no I/O and draws no randomness: the
/// caller gives it the secret key, the encoding entropy and the garbage.
#[derive(Debug)]
pub struct V2Transport {
    magic: [u8; 4],
    initiator: bool,
    secret_key: Option<SecretKey>,
    our_key: [u8; 64],
    our_garbage: Vec<u8>,
    state: RecvState,
    /// Received bytes not yet consumed.
    received: Vec<u8>,
    /// Bytes waiting to be written to the socket.
    outgoing: Vec<u8>,
    /// Contents of the messages given to send before the keys were known.
    pending: VecDeque<Vec<u8>>,
    cipher: Option<Bip324Cipher>,
    /// The peer's garbage: the associated data of the first packet it sends.
    recv_aad: Vec<u8>,
    /// The decrypted length of the packet arriving.
    packet_len: Option<u32>,
    /// The fatal error that ended the connection.
    failed: Option<V2Error>,
    /// The v1 bytes not yet handed back by [`V2Transport::v1_fallback`].
    v1_bytes: Option<Vec<u8>>,
}

impl V2Transport {
    /// One side of a connection on the network whose message start is `magic`.
    ///
    /// `secret_key` is this connection's ephemeral key, `entropy` makes its
    /// ElligatorSwift encoding uniformly random, and `garbage` (cut to 4,095 bytes) is
    /// sent after the key; Core sends a random number of random bytes. An initiator
    /// queues its key and garbage at once; a responder after the first byte that is
    /// not a v1 `version` header.
    pub fn new(
        magic: [u8; 4],
        initiator: bool,
        secret_key: SecretKey,
        entropy: [u8; 32],
        mut garbage: Vec<u8>,
    ) -> V2Transport {
        garbage.truncate(MAX_GARBAGE_LEN);
        // `ElligatorSwift::from_seckey` needs a context able to multiply by G; the
        // global one is built once.
        let our_key =
            ElligatorSwift::from_seckey(secp256k1::SECP256K1, secret_key, Some(entropy)).to_array();
        V2Transport::with_key(magic, initiator, secret_key, our_key, garbage)
    }

    /// As [`new`](Self::new), the secret key given as 32 random bytes; `None` for the
    /// 2^-128 chance that they are zero or not below the curve order.
    pub fn from_secret_bytes(
        magic: [u8; 4],
        initiator: bool,
        secret: [u8; 32],
        entropy: [u8; 32],
        garbage: Vec<u8>,
    ) -> Option<V2Transport> {
        let secret_key = SecretKey::from_byte_array(secret).ok()?;
        Some(V2Transport::new(
            magic, initiator, secret_key, entropy, garbage,
        ))
    }

    /// As [`new`](Self::new), with a given encoding of the key (for test vectors).
    pub fn with_key(
        magic: [u8; 4],
        initiator: bool,
        secret_key: SecretKey,
        our_key: [u8; 64],
        mut garbage: Vec<u8>,
    ) -> V2Transport {
        garbage.truncate(MAX_GARBAGE_LEN);
        let mut transport = V2Transport {
            magic,
            initiator,
            secret_key: Some(secret_key),
            our_key,
            our_garbage: garbage,
            state: if initiator {
                RecvState::Key
            } else {
                RecvState::MaybeV1
            },
            received: Vec::new(),
            outgoing: Vec::new(),
            pending: VecDeque::new(),
            cipher: None,
            recv_aad: Vec::new(),
            packet_len: None,
            failed: None,
            v1_bytes: None,
        };
        if initiator {
            transport.start_sending_handshake();
        }
        transport
    }

    /// Whether we opened the connection.
    pub fn is_initiator(&self) -> bool {
        self.initiator
    }

    /// Our 64-byte ElligatorSwift key.
    pub fn our_key(&self) -> [u8; 64] {
        self.our_key
    }

    /// The session id, once the keys are exchanged.
    pub fn session_id(&self) -> Option<[u8; 32]> {
        self.cipher.as_ref().map(Bip324Cipher::session_id)
    }

    /// Whether both version packets went through: the connection is v2 from here on.
    pub fn is_established(&self) -> bool {
        self.state == RecvState::App
    }

    /// Whether the peer turned out to speak v1 (responders only).
    pub fn is_v1(&self) -> bool {
        self.state == RecvState::V1
    }

    /// The fatal error that ended the connection, if any.
    pub fn error(&self) -> Option<&V2Error> {
        self.failed.as_ref()
    }

    /// Once the peer is seen to speak v1: the bytes received so far, to feed a v1
    /// decoder. Returns them once.
    pub fn v1_fallback(&mut self) -> Option<Vec<u8>> {
        self.v1_bytes.take()
    }

    /// Takes the bytes to write to the socket.
    pub fn take_outgoing(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.outgoing)
    }

    /// Whether bytes wait to be written.
    pub fn has_outgoing(&self) -> bool {
        !self.outgoing.is_empty()
    }

    /// Queues a message: encrypted at once if the keys are known, else once they are.
    pub fn send_message(&mut self, message: &NetworkMessage) {
        self.send_payload(&message.command(), &message.encode_payload());
    }

    /// Queues a message given as its type and payload bytes (a v1 frame's parts).
    pub fn send_payload(&mut self, command: &Command, payload: &[u8]) {
        if self.failed.is_some() {
            return;
        }
        let contents = encode_contents(command, payload);
        if self.cipher.is_some() {
            self.encrypt(&contents, b"");
        } else {
            self.pending.push_back(contents);
        }
    }

    /// Whether an initiator should try again over v1 (Core `ShouldReconnectV1`): nothing
    /// at all came back after our key, which a v1 node answers by hanging up.
    pub fn should_reconnect_v1(&self) -> bool {
        self.initiator
            && self.state == RecvState::Key
            && self.received.is_empty()
            && self.failed.is_none()
    }

    /// Appends bytes received from the peer and moves the handshake on as far as they
    /// allow. Packets are opened by [`next_message`](Self::next_message).
    pub fn feed(&mut self, bytes: &[u8]) {
        if self.failed.is_some() || self.state == RecvState::V1 {
            return;
        }
        self.received.extend_from_slice(bytes);
        if let Err(error) = self.advance_handshake() {
            self.fail(error);
        }
    }

    /// The next application message, a (possibly fatal, see [`V2Error::is_fatal`]) error
    /// for it, or `None` if more bytes are needed. Decoys and the version packet are
    /// consumed silently.
    pub fn next_message(&mut self) -> Option<Result<NetworkMessage, V2Error>> {
        Some(
            self.next_frame()?
                .and_then(|frame| Ok(NetworkMessage::decode(&frame.command, &frame.payload)?)),
        )
    }

    /// As [`next_message`](Self::next_message), the payload not yet decoded.
    pub fn next_frame(&mut self) -> Option<Result<RawFrame, V2Error>> {
        if let Some(error) = &self.failed {
            return Some(Err(error.clone()));
        }
        loop {
            if !matches!(self.state, RecvState::Version | RecvState::App) {
                return None;
            }
            let (ignore, contents) = match self.next_packet()? {
                Ok(packet) => packet,
                Err(error) => {
                    self.fail(error.clone());
                    return Some(Err(error));
                }
            };
            if ignore {
                continue;
            }
            if self.state == RecvState::Version {
                // Core: the version packet's contents are ignored, left for future use.
                self.state = RecvState::App;
                continue;
            }
            return Some(split_contents(contents));
        }
    }

    fn fail(&mut self, error: V2Error) {
        self.failed = Some(error);
        self.received = Vec::new();
        self.pending.clear();
    }

    /// Our key and garbage into the send buffer (Core `StartSendingHandshake`).
    fn start_sending_handshake(&mut self) {
        self.outgoing.extend_from_slice(&self.our_key);
        self.outgoing.extend_from_slice(&self.our_garbage);
    }

    fn advance_handshake(&mut self) -> Result<(), V2Error> {
        if self.state == RecvState::MaybeV1 {
            let mut prefix = [0u8; V1_PREFIX_LEN];
            prefix[..4].copy_from_slice(&self.magic);
            prefix[4..11].copy_from_slice(b"version");
            let seen = self.received.len().min(V1_PREFIX_LEN);
            if self.received.get(..seen) != prefix.get(..seen) {
                // A mismatch: not v1. Leave the bytes for the key and start sending.
                self.state = RecvState::Key;
                self.start_sending_handshake();
            } else if seen == V1_PREFIX_LEN {
                self.state = RecvState::V1;
                self.v1_bytes = Some(std::mem::take(&mut self.received));
                self.outgoing.clear();
                return Ok(());
            } else {
                return Ok(());
            }
        }
        if self.state == RecvState::Key {
            // Core: a responder seeing "version" at offset 4 under another magic talks to
            // a v1 node of another network.
            if !self.initiator
                && self.received.get(4..V1_PREFIX_LEN) == Some(b"version\0\0\0\0\0".as_slice())
            {
                let mut magic = [0u8; 4];
                magic.copy_from_slice(&self.received[..4]);
                return Err(V2Error::V1WrongNetwork { magic });
            }
            let Some(their_key) = self.received.first_chunk::<64>().copied() else {
                return Ok(());
            };
            self.received.drain(..64);
            let secret_key = self
                .secret_key
                .take()
                .expect("the key state is entered once, with the secret key");
            let cipher = Bip324Cipher::new(
                &secret_key,
                &self.our_key,
                &their_key,
                self.initiator,
                self.magic,
            );
            self.outgoing
                .extend_from_slice(&cipher.send_garbage_terminator());
            self.cipher = Some(cipher);
            let garbage = std::mem::take(&mut self.our_garbage);
            self.encrypt(VERSION_CONTENTS, &garbage);
            while let Some(contents) = self.pending.pop_front() {
                self.encrypt(&contents, b"");
            }
            self.state = RecvState::Garbage;
        }
        if self.state == RecvState::Garbage {
            let terminator = match &self.cipher {
                Some(cipher) => cipher.recv_garbage_terminator(),
                None => return Ok(()),
            };
            let limit = MAX_GARBAGE_LEN + GARBAGE_TERMINATOR_LEN;
            let window = &self.received[..self.received.len().min(limit)];
            match window
                .windows(GARBAGE_TERMINATOR_LEN)
                .position(|w| w == terminator)
            {
                Some(garbage_len) => {
                    self.recv_aad = self.received[..garbage_len].to_vec();
                    self.received.drain(..garbage_len + GARBAGE_TERMINATOR_LEN);
                    self.state = RecvState::Version;
                }
                None if self.received.len() >= limit => {
                    return Err(V2Error::MissingGarbageTerminator { limit });
                }
                None => {}
            }
        }
        Ok(())
    }

    /// The next whole packet (decoy flag, contents), or `None` if it has not arrived.
    fn next_packet(&mut self) -> Option<Result<(bool, Vec<u8>), V2Error>> {
        let cipher = self.cipher.as_mut()?;
        let length = match self.packet_len {
            Some(length) => length,
            None => {
                let encrypted = *self.received.first_chunk::<LENGTH_LEN>()?;
                let length = cipher.decrypt_length(encrypted);
                if length > MAX_CONTENTS_LEN {
                    return Some(Err(V2Error::Oversized {
                        length,
                        max: MAX_CONTENTS_LEN,
                    }));
                }
                self.packet_len = Some(length);
                length
            }
        };
        // Checked against MAX_CONTENTS_LEN above, so it fits a usize.
        let total = length as usize + EXPANSION;
        let packet = self.received.get(LENGTH_LEN..total)?;
        let aad = std::mem::take(&mut self.recv_aad);
        let opened = cipher.decrypt(packet, &aad);
        self.received.drain(..total);
        self.packet_len = None;
        Some(opened.map_err(|_| V2Error::Decryption))
    }

    fn encrypt(&mut self, contents: &[u8], aad: &[u8]) {
        if let Some(cipher) = self.cipher.as_mut() {
            let packet = cipher.encrypt(contents, aad, false);
            self.outgoing.extend_from_slice(&packet);
        }
    }
}

/// A message as packet contents: its short id or 0 and the 12-byte type, then the
/// payload (Core `V2Transport::SetMessageToSend`).
pub fn encode_contents(command: &Command, payload: &[u8]) -> Vec<u8> {
    let mut contents = Vec::with_capacity(1 + COMMAND_SIZE + payload.len());
    match message_ids::short_id(command.as_str()) {
        Some(id) => contents.push(id),
        None => {
            contents.push(0);
            contents.extend_from_slice(&command.to_bytes());
        }
    }
    contents.extend_from_slice(payload);
    contents
}

/// Packet contents as a message type and payload (Core `V2Transport::GetMessageType`).
pub fn split_contents(mut contents: Vec<u8>) -> Result<RawFrame, V2Error> {
    let Some(&first) = contents.first() else {
        return Err(V2Error::MissingMessageType);
    };
    let (command, header_len) = if first == 0 {
        let Some(raw) = contents
            .get(1..)
            .and_then(|rest| rest.first_chunk::<COMMAND_SIZE>())
        else {
            return Err(V2Error::MissingMessageType);
        };
        (Command::from_bytes(*raw)?, 1 + COMMAND_SIZE)
    } else {
        let name = message_ids::message_type(first).ok_or(V2Error::UnknownShortId(first))?;
        (Command::new(name)?, 1)
    };
    contents.drain(..header_len);
    Ok(RawFrame {
        command,
        payload: contents,
    })
}
