//! Framing: how a stream of bytes is cut into messages.
//!
//! TCP delivers a stream, not messages, so every message travels in a frame with a
//! 24-byte header (Core `CMessageHeader`, src/protocol.h):
//!
//! ```text
//! offset  size  field
//!      0     4  magic      network's message start (mainnet f9 be b4 d9), to find frames
//!                          and to keep networks apart
//!      4    12  command    message type, printable ASCII padded with zero bytes ("ping")
//!     16     4  length     payload length, little-endian, at most 4,000,000
//!     20     4  checksum   first 4 bytes of SHA256d(payload)
//!     24     …  payload    the message's own serialisation
//! ```
//!
//! [`encode_frame`] writes one; [`FrameDecoder`] takes bytes as a socket delivers them and
//! yields [`RawFrame`]s or decoded [`NetworkMessage`](crate::NetworkMessage)s. It checks
//! what Core's `V1Transport` checks, in the same order: the magic and the declared length
//! as soon as the header is complete (either failure is fatal, and an oversized payload is
//! never buffered), then the checksum and the message type once the payload is in (either
//! failure drops that message only).
//!
//! This is the unencrypted "v1" transport; BIP324's encrypted v2 transport (`NODE_P2P_V2`)
//! is not implemented.
//!
//! References: Core `V1Transport::readHeader`, `V1Transport::GetReceivedMessage`,
//! `V1Transport::SetMessageToSend` (src/net.cpp); `CMessageHeader::IsMessageTypeValid`
//! (src/protocol.cpp).

mod decoder;

use std::fmt;

pub use decoder::FrameDecoder;

use sou_primitives::hashes::sha256d;

use crate::error::MessageError;

/// The largest payload a peer may send (Core `MAX_PROTOCOL_MESSAGE_LENGTH`, src/net.h):
/// room for a block of 4,000,000 weight units, whose serialisation is at most as long.
pub const MAX_PROTOCOL_MESSAGE_LENGTH: u32 = 4_000_000;

/// The size of a frame header (Core `CMessageHeader::HEADER_SIZE`).
pub const HEADER_SIZE: usize = 24;

/// The size of the message-type field (Core `CMessageHeader::MESSAGE_TYPE_SIZE`).
pub const COMMAND_SIZE: usize = 12;

/// A message type: at most 12 printable ASCII characters ("version", "cmpctblock").
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Command(pub(crate) String);

impl Command {
    /// A message type from text, refused unless it is at most 12 characters from `' '`
    /// to `'~'`.
    pub fn new(text: &str) -> Result<Command, MessageError> {
        if text.len() <= COMMAND_SIZE && text.bytes().all(|b| (b' '..=b'~').contains(&b)) {
            Ok(Command(text.to_string()))
        } else {
            Err(MessageError::InvalidCommandText(text.to_string()))
        }
    }

    /// Reads the 12-byte field as Core's `IsMessageTypeValid` does: printable ASCII, then
    /// only zero bytes after the first zero.
    pub fn from_bytes(raw: [u8; COMMAND_SIZE]) -> Result<Command, MessageError> {
        let len = raw.iter().position(|&b| b == 0).unwrap_or(COMMAND_SIZE);
        let (text, padding) = raw.split_at(len);
        let printable = text.iter().all(|b| (b' '..=b'~').contains(b));
        if !printable || padding.iter().any(|&b| b != 0) {
            return Err(MessageError::BadCommand { raw });
        }
        // Printable ASCII is valid UTF-8.
        Ok(Command(text.iter().map(|&b| char::from(b)).collect()))
    }

    /// The 12-byte field: the text padded with zero bytes.
    pub fn to_bytes(&self) -> [u8; COMMAND_SIZE] {
        let mut raw = [0u8; COMMAND_SIZE];
        for (slot, b) in raw.iter_mut().zip(self.0.bytes()) {
            *slot = b;
        }
        raw
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The first four bytes of SHA256d of the payload (Core `V1Transport::GetMessageHash`).
pub fn checksum(payload: &[u8]) -> [u8; 4] {
    let hash = sha256d(payload);
    [hash[0], hash[1], hash[2], hash[3]]
}

/// A frame's 24-byte header, as read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameHeader {
    /// The network magic.
    pub magic: [u8; 4],
    /// The message-type field, not yet checked.
    pub command: [u8; COMMAND_SIZE],
    /// The declared payload length.
    pub length: u32,
    /// The declared checksum.
    pub checksum: [u8; 4],
}

impl FrameHeader {
    /// Splits the 24 header bytes into their fields.
    pub fn parse(bytes: &[u8; HEADER_SIZE]) -> FrameHeader {
        let mut magic = [0u8; 4];
        let mut command = [0u8; COMMAND_SIZE];
        let mut length = [0u8; 4];
        let mut checksum = [0u8; 4];
        magic.copy_from_slice(&bytes[0..4]);
        command.copy_from_slice(&bytes[4..16]);
        length.copy_from_slice(&bytes[16..20]);
        checksum.copy_from_slice(&bytes[20..24]);
        FrameHeader {
            magic,
            command,
            length: u32::from_le_bytes(length),
            checksum,
        }
    }
}

/// A frame whose checksum and message type were checked, its payload not yet decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawFrame {
    /// The message type.
    pub command: Command,
    /// The payload bytes.
    pub payload: Vec<u8>,
}

impl RawFrame {
    /// Writes the frame for a network: header, then payload.
    pub fn encode(&self, magic: [u8; 4]) -> Vec<u8> {
        frame_bytes(magic, &self.command, &self.payload)
    }
}

/// Writes a frame around an already serialised payload.
pub(crate) fn frame_bytes(magic: [u8; 4], command: &Command, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_SIZE + payload.len());
    out.extend_from_slice(&magic);
    out.extend_from_slice(&command.to_bytes());
    // Payloads sou builds are below 4 MB; a larger one would be refused by the peer.
    let length = u32::try_from(payload.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&length.to_le_bytes());
    out.extend_from_slice(&checksum(payload));
    out.extend_from_slice(payload);
    out
}

/// Frames a message for the network whose magic is `magic` (e.g.
/// `Network::Regtest.params().magic`), as Core's `V1Transport::SetMessageToSend` and the
/// functional tests' `P2PConnection.build_message` do.
pub fn encode_frame(magic: [u8; 4], message: &crate::NetworkMessage) -> Vec<u8> {
    frame_bytes(magic, &message.command(), &message.encode_payload())
}
