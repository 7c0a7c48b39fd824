//! # sou-p2p: how nodes talk
//!
//! Bitcoin has no server. Every node connects to a handful of peers over TCP and they
//! exchange *messages*: a node that hears of a new transaction or block tells its peers,
//! who tell theirs, until every node has it and can check it for itself. This crate holds
//! those messages as typed values and their exact bytes, as Bitcoin Core (protocol
//! version 70016) writes and reads them. It opens no socket: sou-node feeds it the bytes
//! its connections receive and sends the bytes it returns.
//!
//! ## A connection, message by message
//!
//! 1. **Handshake** ([`messages::handshake`]). Each side sends `version` (protocol
//!    version, [`ServiceFlags`], best height, user agent), then the features it wants
//!    before the handshake ends: `wtxidrelay` (BIP339) and `sendaddrv2` (BIP155); then
//!    `verack`. After it: `sendheaders` (BIP130), `sendcmpct` (BIP152), `feefilter`
//!    (BIP133), and `ping`/`pong` from time to time to measure the link and keep it up.
//! 2. **Headers-first sync** ([`messages::sync`]). A node behind sends `getheaders` with
//!    a block locator; the peer answers `headers` (up to 2,000 at a time). With the chain
//!    of headers checked for proof of work, the node fetches the blocks with `getdata`
//!    from several peers at once.
//! 3. **Relay by announcement** ([`messages::relay`], [`inventory`]). A new transaction
//!    or block is announced by hash in `inv` (new blocks as `headers` to peers that sent
//!    `sendheaders`); peers that lack it ask with `getdata` and receive `tx` or `block`.
//! 4. **Compact blocks** ([`messages::compact`], BIP152). A block is sent as its header
//!    and 6-byte short ids of its transactions, which the receiver mostly has in its
//!    mempool; it asks for the rest with `getblocktxn`. [`compact`] computes the short
//!    ids and rebuilds a block ([`PartialBlock`]).
//! 5. **Address gossip** ([`address`]). `getaddr`, answered by `addr` or `addrv2`, is
//!    how nodes learn of others to connect to.
//!
//! ## Types
//!
//! | item | what it holds |
//! | --- | --- |
//! | [`NetworkMessage`] | one message of any type, [`encode_payload`](NetworkMessage::encode_payload) and [`decode`](NetworkMessage::decode) |
//! | [`frame`] | the 24-byte header (magic, [`Command`], length, checksum); [`encode_frame`]; [`FrameDecoder`], fed bytes as they arrive |
//! | [`inventory`] | [`Inventory`]: a type (`MSG_TX`, `MSG_WTX`, `MSG_WITNESS_BLOCK`, `MSG_CMPCT_BLOCK`, …) and a hash |
//! | [`address`] | [`Address`] (in `version`), [`TimedAddress`] (`addr`), [`AddrV2Message`] (`addrv2`) |
//! | [`ServiceFlags`] | `NODE_NETWORK`, `NODE_WITNESS`, `NODE_NETWORK_LIMITED`, `NODE_P2P_V2`, … |
//! | [`MessageError`] | why bytes were refused, and whether the connection can go on |
//!
//! ## What the crate promises
//!
//! - Hostile input never panics and never makes it allocate from a claimed length: a
//!   frame declaring more than 4,000,000 bytes is refused from its header, and a list's
//!   count is checked against the protocol's limit and the bytes present first.
//! - Decoding accepts only canonical payloads, so a message decodes and re-encodes to the
//!   same bytes. Where Core is more lenient (trailing bytes, a `relay` byte of 2), sou
//!   refuses with a typed error; the one exception is a `version` without its final
//!   `relay` byte, which Core and sou read as `relay = true` (BIP37).
//! - Encoding matches Core's functional test framework byte for byte
//!   (`tests/vs_verystable.rs`, every message type) and the address streams of Core's C++
//!   unit tests (`tests/core_vectors.rs`).
//!
//! [`v2`] holds BIP324's encrypted transport: the ciphers, the packets and the handshake
//! as a state machine fed with bytes.
//!
//! Not here: bloom filters (BIP37 `filterload`) and block filters (BIP157) messages,
//! which decode as [`NetworkMessage::Unknown`].
//!
//! ```
//! use sou_p2p::{encode_frame, FrameDecoder, NetworkMessage};
//! use sou_primitives::Network;
//!
//! let magic = Network::Mainnet.params().magic;
//! let frame = encode_frame(magic, &NetworkMessage::Verack);
//! // magic, "verack" padded to 12 bytes, length 0, SHA256d("")[..4]
//! assert_eq!(frame.len(), 24);
//! assert_eq!(&frame[..4], &[0xf9, 0xbe, 0xb4, 0xd9]);
//! assert_eq!(&frame[20..], &[0x5d, 0xf6, 0xe0, 0xe2]);
//!
//! let mut decoder = FrameDecoder::new(magic);
//! decoder.feed(&frame);
//! assert_eq!(decoder.next_message(), Some(Ok(NetworkMessage::Verack)));
//! assert_eq!(decoder.next_message(), None);
//! ```
//!
//! References: Core src/protocol.h, src/net.cpp (`V1Transport`), src/net_processing.cpp;
//! the "Protocol documentation" page of the Bitcoin wiki.

pub mod address;
pub mod compact;
pub mod error;
pub mod frame;
pub mod inventory;
pub mod messages;
pub mod services;
pub mod v2;

pub use address::{AddrV2, AddrV2Message, Address, TimedAddress};
pub use compact::{PartialBlock, ReconstructionError, ShortIdKey};
pub use error::MessageError;
pub use frame::{encode_frame, Command, FrameDecoder, RawFrame};
pub use inventory::Inventory;
pub use messages::compact::{
    BlockTransactions, BlockTransactionsRequest, HeaderAndShortIds, PrefilledTransaction, ShortId,
};
pub use messages::handshake::{SendCmpct, VersionMessage, PROTOCOL_VERSION};
pub use messages::sync::{BlockLocator, LocatorRequest};
pub use messages::NetworkMessage;
pub use services::ServiceFlags;
