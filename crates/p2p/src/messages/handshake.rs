//! The handshake: `version`, `verack`, and the feature messages between them.
//!
//! A connection starts with each side sending `version`: the protocol version it speaks,
//! its services, the time, the address it sees the peer at, a random nonce (a node that
//! receives its own nonce has connected to itself), its user agent, its best height and
//! whether it wants transactions relayed (BIP37's `relay`). Both then speak the lower
//! version.
//!
//! Between `version` and `verack` (which acknowledges the peer's `version`), a node
//! announces features the peer must know before any other message: `wtxidrelay`
//! (BIP339: announce transactions by wtxid) and `sendaddrv2` (BIP155: gossip addresses
//! in the `addrv2` form). After `verack`, `sendheaders` (BIP130: announce new blocks with
//! `headers` rather than `inv`), `sendcmpct` (BIP152: compact blocks, and whether to
//! push them unasked) and `feefilter` (BIP133: do not announce transactions paying less)
//! set up relay. Core sends them in this order (`PushNodeVersion`, then `ProcessMessage`
//! for `VERSION` and `VERACK`, src/net_processing.cpp).
//!
//! References: BIP14 (user agent), BIP31 (ping nonce), BIP37 (`relay`), BIP130, BIP133,
//! BIP152, BIP155, BIP339; Core src/node/protocol_version.h.

use sou_primitives::encoding::{write_var_bytes, Reader, WriteBytes};

use crate::address::Address;
use crate::error::MessageError;
use crate::ServiceFlags;

/// The protocol version sou speaks: 70016, `WTXID_RELAY_VERSION` (BIP339). Core 29 and
/// later announce 70017 (`FEATURE_VERSION`), whose negotiation sou does not take part in.
pub const PROTOCOL_VERSION: i32 = 70016;

/// The oldest version Core accepts from a peer (`MIN_PEER_PROTO_VERSION`).
pub const MIN_PEER_PROTO_VERSION: i32 = 31800;

/// From this version on, `ping` carries a nonce echoed by `pong` (BIP31,
/// `BIP0031_VERSION`).
pub const BIP0031_VERSION: i32 = 60000;

/// From this version on, a peer understands `sendheaders` (BIP130, `SENDHEADERS_VERSION`).
pub const SENDHEADERS_VERSION: i32 = 70012;

/// From this version on, a peer understands `feefilter` (BIP133, `FEEFILTER_VERSION`).
pub const FEEFILTER_VERSION: i32 = 70013;

/// From this version on, a peer understands compact blocks (BIP152,
/// `SHORT_IDS_BLOCKS_VERSION`).
pub const SHORT_IDS_BLOCKS_VERSION: i32 = 70014;

/// From this version on, a peer understands `wtxidrelay` (BIP339, `WTXID_RELAY_VERSION`).
pub const WTXID_RELAY_VERSION: i32 = 70016;

/// The longest user agent a `version` may carry (Core `MAX_SUBVERSION_LENGTH`).
pub const MAX_SUBVERSION_LENGTH: usize = 256;

/// The compact-block version Core speaks: 2, short ids from wtxids (`CMPCTBLOCKS_VERSION`).
pub const CMPCTBLOCKS_VERSION: u64 = 2;

/// The `version` message (Core `PushNodeVersion` writes it; `ProcessMessage` reads it).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct VersionMessage {
    /// The highest protocol version the sender speaks ([`PROTOCOL_VERSION`]).
    pub version: i32,
    /// The services the sender offers.
    pub services: ServiceFlags,
    /// The sender's clock, seconds since 1970.
    pub timestamp: i64,
    /// The receiver as the sender sees it (services it believes the receiver has, IP,
    /// port). Core reads the IP to learn its own address and ignores the services.
    pub addr_recv: Address,
    /// The sender's own address; Core sends its services and all zeros, and ignores this
    /// field on receipt.
    pub addr_from: Address,
    /// A random number that lets a node recognise a connection to itself.
    pub nonce: u64,
    /// Who the sender is (BIP14), e.g. `/Satoshi:28.0.0/`: bytes as sent, at most
    /// [`MAX_SUBVERSION_LENGTH`]; see [`user_agent_sanitized`](Self::user_agent_sanitized).
    pub user_agent: Vec<u8>,
    /// The height of the sender's best chain.
    pub start_height: i32,
    /// Whether the receiver should announce transactions before the sender sends a
    /// bloom filter (BIP37); false for blocks-only connections.
    pub relay: bool,
}

impl VersionMessage {
    /// The user agent as Core shows it in `getpeerinfo`'s `subver`: only the characters
    /// of Core's `SAFE_CHARS_DEFAULT` kept (`SanitizeString`).
    pub fn user_agent_sanitized(&self) -> String {
        self.user_agent
            .iter()
            .map(|&b| char::from(b))
            .filter(|c| c.is_ascii_alphanumeric() || " .,;-_/:?@()".contains(*c))
            .collect()
    }

    pub(crate) fn encode_to<W: WriteBytes + ?Sized>(&self, w: &mut W) {
        w.write_bytes(&self.version.to_le_bytes());
        w.write_bytes(&self.services.to_bits().to_le_bytes());
        w.write_bytes(&self.timestamp.to_le_bytes());
        self.addr_recv.encode_to(w);
        self.addr_from.encode_to(w);
        w.write_bytes(&self.nonce.to_le_bytes());
        write_var_bytes(w, &self.user_agent);
        w.write_bytes(&self.start_height.to_le_bytes());
        w.write_bytes(&[u8::from(self.relay)]);
    }

    /// Reads the message as Core does, but for the fields Core lets a peer older than
    /// 2010 leave out: sou requires every field up to `start_height`, and only `relay`
    /// may be missing (BIP37: then it is true, and re-encoding adds the byte).
    pub(crate) fn decode_from(r: &mut Reader<'_>) -> Result<VersionMessage, MessageError> {
        let version = r.read_i32_le()?;
        let services = ServiceFlags::from_bits(r.read_u64_le()?);
        let timestamp = r.read_i64_le()?;
        let addr_recv = Address::decode_from(r)?;
        let addr_from = Address::decode_from(r)?;
        let nonce = r.read_u64_le()?;
        // Core `LIMITED_STRING(strSubVer, MAX_SUBVERSION_LENGTH)`: the length is checked
        // before the bytes are read.
        let length = r.read_compact_size()?;
        let Some(len) = usize::try_from(length)
            .ok()
            .filter(|&n| n <= MAX_SUBVERSION_LENGTH)
        else {
            return Err(MessageError::UserAgentTooLong { length });
        };
        let user_agent = r.read_slice(len)?.to_vec();
        let start_height = r.read_i32_le()?;
        let relay = if r.remaining() == 0 {
            true
        } else {
            read_bool(r, "version relay")?
        };
        Ok(VersionMessage {
            version,
            services,
            timestamp,
            addr_recv,
            addr_from,
            nonce,
            user_agent,
            start_height,
            relay,
        })
    }
}

/// The `sendcmpct` message (BIP152): "I understand compact blocks of this version", and
/// whether to send them before being asked (high-bandwidth mode) or to announce blocks
/// as usual and wait for `getdata(MSG_CMPCT_BLOCK)` (low-bandwidth).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SendCmpct {
    /// True for high-bandwidth mode.
    pub announce: bool,
    /// The compact-block version; Core uses only [`CMPCTBLOCKS_VERSION`] and ignores
    /// others.
    pub version: u64,
}

impl SendCmpct {
    pub(crate) fn encode_to<W: WriteBytes + ?Sized>(&self, w: &mut W) {
        w.write_bytes(&[u8::from(self.announce)]);
        w.write_bytes(&self.version.to_le_bytes());
    }

    pub(crate) fn decode_from(r: &mut Reader<'_>) -> Result<SendCmpct, MessageError> {
        // BIP152: "MUST have a value of either 1 or 0" (Core: Misbehaving, "invalid
        // sendcmpct announce field").
        let announce = read_bool(r, "sendcmpct announce")?;
        let version = r.read_u64_le()?;
        Ok(SendCmpct { announce, version })
    }
}

/// Reads a boolean byte that must be 0 or 1.
fn read_bool(r: &mut Reader<'_>, what: &'static str) -> Result<bool, MessageError> {
    match r.read_u8()? {
        0 => Ok(false),
        1 => Ok(true),
        value => Err(MessageError::NotABool { what, value }),
    }
}
