//! Why bytes from a peer could not become a message.
//!
//! Core treats a broken stream and a broken message differently, and so does sou:
//!
//! - a wrong network magic or a frame declaring more than
//!   [`MAX_PROTOCOL_MESSAGE_LENGTH`](crate::frame::MAX_PROTOCOL_MESSAGE_LENGTH) bytes ends
//!   the connection: Core's `V1Transport::readHeader` returns -1 and the peer is
//!   disconnected ([`MessageError::is_fatal`]);
//! - a bad checksum or a message type that is not printable ASCII drops that one message
//!   (`GetReceivedMessage` sets `reject_message`) and the stream goes on;
//! - a payload that does not parse is reported for that message; Core logs the exception
//!   in `ProcessMessages`, and punishes the peer (`Misbehaving`) for a list longer than its
//!   limit.
//!
//! Where Core is more lenient than canonical bytes allow (a `relay` byte of 2, a header in
//! `headers` followed by a transaction count other than 0, bytes after the last field),
//! sou refuses with a typed error, so that whatever decodes re-encodes byte for byte.

use sou_primitives::DecodeError;
use thiserror::Error;

/// Why a frame or a message payload could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum MessageError {
    /// The frame starts with another network's magic. Fatal: the stream cannot be
    /// resynchronised. Shown as Core logs it ("Header error: Wrong MessageStart ...").
    #[error("Wrong MessageStart {} received", hex4(found))]
    BadMagic {
        /// This network's magic.
        expected: [u8; 4],
        /// The first four bytes of the frame.
        found: [u8; 4],
    },
    /// The header declares a payload larger than `MAX_PROTOCOL_MESSAGE_LENGTH`. Fatal,
    /// and refused before any payload byte is read or buffered. Shown as Core logs it
    /// ("Header error: Size too large ...").
    #[error("Size too large ({command}, {length} bytes)")]
    Oversized {
        /// The frame's message type as Core prints it (up to the first NUL, unsafe
        /// characters removed: `SanitizeString`).
        command: String,
        /// The declared payload length.
        length: u32,
    },
    /// The payload's checksum is wrong. The message is dropped, the stream goes on.
    /// Shown as Core logs it ("Header error: Wrong checksum ..."), where "expected" is
    /// what the payload hashes to and "was" what the header says.
    #[error(
        "Wrong checksum ({command}, {length} bytes), expected {} was {}",
        hex4(found),
        hex4(expected)
    )]
    BadChecksum {
        /// The frame's message type, as for [`MessageError::Oversized`].
        command: String,
        /// The payload's length.
        length: u32,
        /// The checksum in the header.
        expected: [u8; 4],
        /// The first four bytes of the payload's SHA256d.
        found: [u8; 4],
    },
    /// The 12-byte message type is not printable ASCII padded with zeros (Core:
    /// "Header error: Invalid message type"). The message is dropped, the stream goes on.
    #[error("invalid message type bytes {raw:02x?}")]
    BadCommand {
        /// The 12 bytes as received.
        raw: [u8; 12],
    },
    /// A message type to send is longer than 12 bytes or not printable ASCII.
    #[error("message type {0:?} is not 1 to 12 printable ASCII characters")]
    InvalidCommandText(String),
    /// The payload is truncated, has trailing bytes, or a malformed field.
    #[error("malformed payload: {0}")]
    Decode(#[from] DecodeError),
    /// A list longer than the protocol allows (`MAX_INV_SZ`, `MAX_HEADERS_RESULTS`,
    /// `MAX_LOCATOR_SZ`, `MAX_ADDR_TO_SEND`); refused before any item is read.
    #[error("{what}: {count} items, more than the {max} allowed")]
    TooMany {
        /// Which list.
        what: &'static str,
        /// The claimed count.
        count: u64,
        /// The protocol's limit.
        max: usize,
    },
    /// The `version` user agent exceeds `MAX_SUBVERSION_LENGTH` (Core's `LIMITED_STRING`:
    /// "String length limit exceeded").
    #[error("user agent of {length} bytes exceeds the 256-byte limit")]
    UserAgentTooLong {
        /// The claimed length.
        length: u64,
    },
    /// A boolean field holds a byte other than 0 or 1.
    #[error("{what}: boolean byte {value}, expected 0 or 1")]
    NotABool {
        /// Which field.
        what: &'static str,
        /// The byte read.
        value: u8,
    },
    /// A header in `headers` is followed by a transaction count other than zero.
    #[error("header {index} in headers is followed by a transaction count of {count}, not 0")]
    HeaderTxCount {
        /// The header's position in the message.
        index: usize,
        /// The count read.
        count: u64,
    },
    /// A BIP155 address of a known network with the wrong length (Core: "BIP155 IPv4
    /// address with length 5 (should be 4)").
    #[error("BIP155 network {network} address with length {length} (should be {expected})")]
    AddrV2Length {
        /// The BIP155 network id.
        network: u8,
        /// The length read.
        length: u64,
        /// The network's address length.
        expected: usize,
    },
    /// A BIP155 address longer than 512 bytes (Core: "Address too long").
    #[error("BIP155 address too long: {length} > 512")]
    AddrV2TooLong {
        /// The length read.
        length: u64,
    },
    /// BIP152 transaction indexes that are not strictly increasing or do not fit 16 bits
    /// (Core `DifferenceFormatter`: "differential value overflow"; "indexes overflowed 16
    /// bits").
    #[error("{what}: transaction indexes overflow or are not increasing")]
    IndexOverflow {
        /// Which list.
        what: &'static str,
    },
}

impl MessageError {
    /// True when the stream cannot go on and Core disconnects the peer: a wrong magic or
    /// an oversized frame. Every other error concerns one message.
    pub fn is_fatal(&self) -> bool {
        matches!(self, Self::BadMagic { .. } | Self::Oversized { .. })
    }
}

/// Four bytes in hex, as Core's `HexStr` prints a magic or a checksum.
fn hex4(bytes: &[u8; 4]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A header's message-type field as Core prints it in its log: the bytes up to the first
/// NUL, keeping only the characters of `SanitizeString`'s default set (letters, digits
/// and ` .,;-_/:?@()`), so that a hostile field cannot forge log lines.
pub(crate) fn sanitized_command(field: &[u8]) -> String {
    field
        .iter()
        .take_while(|&&b| b != 0)
        .map(|&b| char::from(b))
        .filter(|c| c.is_ascii_alphanumeric() || " .,;-_/:?@()".contains(*c))
        .collect()
}
