//! The incremental frame decoder: bytes in as they arrive, frames out.

use crate::error::{sanitized_command, MessageError};
use crate::frame::{
    checksum, Command, FrameHeader, RawFrame, HEADER_SIZE, MAX_PROTOCOL_MESSAGE_LENGTH,
};
use crate::NetworkMessage;

/// Cuts a byte stream into frames, as Core's `V1Transport` does for one peer.
///
/// [`feed`](Self::feed) what a socket read returned, then call
/// [`next_frame`](Self::next_frame) (or [`next_message`](Self::next_message)) until it
/// returns `None`, which means it needs more bytes. A fatal error
/// ([`MessageError::is_fatal`]) is returned again on every later call and further input
/// is discarded: the caller should disconnect, as Core does.
///
/// Memory stays bounded by what the peer actually sent: the declared length is checked
/// against [`MAX_PROTOCOL_MESSAGE_LENGTH`] before any payload byte is kept, and nothing is
/// reserved from it.
///
/// ```
/// use sou_p2p::{encode_frame, FrameDecoder, NetworkMessage};
/// use sou_primitives::Network;
///
/// let magic = Network::Regtest.params().magic;
/// let bytes = encode_frame(magic, &NetworkMessage::Ping(42));
/// let mut decoder = FrameDecoder::new(magic);
/// decoder.feed(&bytes[..10]); // a socket may deliver part of a frame
/// assert!(decoder.next_message().is_none());
/// decoder.feed(&bytes[10..]);
/// assert_eq!(decoder.next_message(), Some(Ok(NetworkMessage::Ping(42))));
/// ```
#[derive(Debug, Clone)]
pub struct FrameDecoder {
    magic: [u8; 4],
    /// Bytes received; those from `start` on are not yet returned as a frame.
    buffer: Vec<u8>,
    /// Where the unread bytes begin. Frames are cut by moving it, and the buffer is
    /// compacted when fed, so a read holding many small frames is not shifted once per
    /// frame.
    start: usize,
    /// The header of the frame whose payload is arriving, once checked.
    header: Option<FrameHeader>,
    /// The fatal error that ended the stream.
    failed: Option<MessageError>,
}

impl FrameDecoder {
    /// A decoder for the network whose message start is `magic`.
    pub fn new(magic: [u8; 4]) -> FrameDecoder {
        FrameDecoder {
            magic,
            buffer: Vec::new(),
            start: 0,
            header: None,
            failed: None,
        }
    }

    /// Appends bytes received from the peer.
    pub fn feed(&mut self, bytes: &[u8]) {
        if self.failed.is_none() {
            self.buffer.drain(..self.start);
            self.start = 0;
            self.buffer.extend_from_slice(bytes);
        }
    }

    /// How many received bytes are waiting to form a frame.
    pub fn buffered(&self) -> usize {
        self.buffer.len() - self.start
    }

    /// The next complete frame, an error for it, or `None` if more bytes are needed.
    pub fn next_frame(&mut self) -> Option<Result<RawFrame, MessageError>> {
        if let Some(error) = &self.failed {
            return Some(Err(error.clone()));
        }
        let header = match self.header {
            Some(header) => header,
            None => {
                let bytes: &[u8; HEADER_SIZE] = self.unread().first_chunk()?;
                let header = FrameHeader::parse(bytes);
                // Core `V1Transport::readHeader`: magic, then size, both fatal.
                let fatal = if header.magic != self.magic {
                    Some(MessageError::BadMagic {
                        expected: self.magic,
                        found: header.magic,
                    })
                } else if header.length > MAX_PROTOCOL_MESSAGE_LENGTH {
                    Some(MessageError::Oversized {
                        command: sanitized_command(&header.command),
                        length: header.length,
                    })
                } else {
                    None
                };
                if let Some(error) = fatal {
                    self.failed = Some(error.clone());
                    self.buffer = Vec::new();
                    self.start = 0;
                    return Some(Err(error));
                }
                self.header = Some(header);
                header
            }
        };
        // The length was checked against 4,000,000 above, so it fits a usize.
        let end = HEADER_SIZE + header.length as usize;
        let payload = self.unread().get(HEADER_SIZE..end)?.to_vec();
        self.start += end;
        self.header = None;
        // Core `V1Transport::GetReceivedMessage`: checksum, then message type; either
        // drops this message only.
        let found = checksum(&payload);
        let command = Command::from_bytes(header.command);
        if found != header.checksum {
            return Some(Err(MessageError::BadChecksum {
                command: sanitized_command(&header.command),
                length: header.length,
                expected: header.checksum,
                found,
            }));
        }
        Some(command.map(|command| RawFrame { command, payload }))
    }

    /// The bytes not yet returned as a frame.
    fn unread(&self) -> &[u8] {
        self.buffer.get(self.start..).unwrap_or_default()
    }

    /// The next complete message, decoded: [`next_frame`](Self::next_frame) followed by
    /// [`NetworkMessage::decode`].
    pub fn next_message(&mut self) -> Option<Result<NetworkMessage, MessageError>> {
        Some(
            self.next_frame()?
                .and_then(|frame| NetworkMessage::decode(&frame.command, &frame.payload)),
        )
    }
}
