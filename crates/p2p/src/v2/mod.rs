//! BIP324: the v2 transport, where everything after the handshake is encrypted.
//!
//! A v1 connection sends every message in the clear behind a fixed header, so anyone on
//! the path can read, tamper with or censor it, and see it is Bitcoin. A v2 connection
//! starts with an exchange of ephemeral keys, encoded by ElligatorSwift so they look
//! like random bytes, and some random garbage; from the shared secret both sides derive
//! keys, and every byte after that is encrypted and authenticated. An observer sees a
//! stream of random-looking bytes; an attacker who changes one is detected, and one
//! who sits in the middle can be caught by comparing the session ids. Bitcoin Core
//! speaks v2 by default since version 27 and falls back to v1 for peers that do not.
//!
//! | item | what it does |
//! | --- | --- |
//! | [`fschacha`] | the ciphers: [`FsChaCha20`] for lengths, [`FsChaCha20Poly1305`] for contents, rekeyed every 224 packets |
//! | [`cipher`] | [`Bip324Cipher`]: the session's keys from the ECDH secret, packets sealed and opened |
//! | [`message_ids`] | one-byte message types ([`V2_MESSAGE_IDS`]) |
//! | [`transport`] | [`V2Transport`]: the handshake and the packet stream, fed bytes, giving messages and bytes to send |
//!
//! ```
//! use secp256k1::SecretKey;
//! use sou_p2p::v2::V2Transport;
//! use sou_p2p::NetworkMessage;
//!
//! let magic = [0xfa, 0xbf, 0xb5, 0xda]; // regtest
//! let key = |byte| SecretKey::from_byte_array([byte; 32]).expect("valid key");
//! let mut alice = V2Transport::new(magic, true, key(1), [2; 32], b"garbage".to_vec());
//! let mut bob = V2Transport::new(magic, false, key(3), [4; 32], Vec::new());
//! alice.send_message(&NetworkMessage::Ping(7));
//! // Three flights: Alice's key, Bob's key and version packet, Alice's version packet.
//! for _ in 0..3 {
//!     bob.feed(&alice.take_outgoing());
//!     alice.feed(&bob.take_outgoing());
//! }
//! assert_eq!(bob.next_message(), Some(Ok(NetworkMessage::Ping(7))));
//! assert!(alice.next_message().is_none() && alice.is_established());
//! assert_eq!(alice.session_id(), bob.session_id());
//! ```
//!
//! References: BIP324; Core src/bip324.cpp, src/net.cpp (`V2Transport`).

pub mod cipher;
pub mod fschacha;
pub mod message_ids;
pub mod transport;

pub use cipher::{ecdh_secret, Bip324Cipher, EXPANSION, GARBAGE_TERMINATOR_LEN, IGNORE_BIT};
pub use fschacha::{BadTag, FsChaCha20, FsChaCha20Poly1305, REKEY_INTERVAL};
pub use message_ids::V2_MESSAGE_IDS;
pub use transport::{V2Transport, MAX_CONTENTS_LEN, MAX_GARBAGE_LEN};

use crate::MessageError;

/// Why a v2 stream or one of its messages was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum V2Error {
    /// The garbage terminator did not come within 4,095 bytes of garbage.
    #[error("no garbage terminator within the first {limit} bytes after the key")]
    MissingGarbageTerminator {
        /// 4,095 bytes of garbage and the 16-byte terminator.
        limit: usize,
    },
    /// A packet's tag did not verify: wrong keys, wrong order, or altered bytes.
    #[error("packet decryption failure")]
    Decryption,
    /// A packet announced more contents than any message may have.
    #[error("packet of {length} bytes exceeds the {max}-byte limit")]
    Oversized {
        /// The decrypted length.
        length: u32,
        /// [`MAX_CONTENTS_LEN`].
        max: u32,
    },
    /// A responder received a v1 `version` header under another network's magic.
    #[error("v1 peer with wrong network magic {magic:02x?}")]
    V1WrongNetwork {
        /// The magic it sent.
        magic: [u8; 4],
    },
    /// A packet's first byte is a short id with no message type.
    #[error("unknown short message type id {0}")]
    UnknownShortId(u8),
    /// A packet too short to name its message type.
    #[error("packet contents too short for a message type")]
    MissingMessageType,
    /// The message type or payload, as in v1.
    #[error(transparent)]
    Message(#[from] MessageError),
}

impl V2Error {
    /// Whether the connection must end (Core disconnects); otherwise only this message
    /// is dropped.
    pub fn is_fatal(&self) -> bool {
        match self {
            Self::UnknownShortId(_) | Self::MissingMessageType => false,
            Self::Message(error) => error.is_fatal(),
            _ => true,
        }
    }
}
