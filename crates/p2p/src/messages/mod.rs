//! The messages: one typed value per message type, and its payload encoding.
//!
//! [`NetworkMessage`] holds any message sou knows, and an unknown one as raw bytes.
//! [`NetworkMessage::command`] names its type, [`NetworkMessage::encode_payload`] writes
//! the payload, [`NetworkMessage::decode`] reads one. Payloads are decoded from a byte
//! slice that must be consumed exactly; a list's count is checked against the protocol's
//! limit and against the bytes present before anything is allocated.
//!
//! By concept:
//!
//! | module | messages |
//! | --- | --- |
//! | [`handshake`] | `version`, `verack`, `wtxidrelay`, `sendaddrv2`, `sendheaders`, `sendcmpct`, `ping`, `pong` |
//! | [`sync`] | `getheaders`, `headers`, `getblocks` |
//! | [`relay`] | `inv`, `getdata`, `notfound`, `tx`, `block`, `feefilter`, `mempool` |
//! | [`compact`] | `cmpctblock`, `getblocktxn`, `blocktxn` |
//! | [`crate::address`] | `addr`, `addrv2`, `getaddr` |
//!
//! sou never sends `reject` (BIP61, removed from Core in 0.20); one received, like any
//! other type sou does not know (`filterload`, `getcfilters`, …), decodes as
//! [`NetworkMessage::Unknown`] and re-encodes unchanged.
//!
//! References: Core `NetMsgType` (src/protocol.h), `PeerManagerImpl::ProcessMessage`
//! (src/net_processing.cpp).

pub mod compact;
pub mod handshake;
pub mod relay;
pub mod sync;

use sou_primitives::encoding::{serialize, write_compact_size, Reader};
use sou_primitives::{Amount, Block, BlockHeader, Decode, DecodeError, Transaction};

use crate::address::{AddrV2Message, TimedAddress, MAX_ADDR_TO_SEND};
use crate::error::MessageError;
use crate::frame::Command;
use crate::inventory::Inventory;
use compact::{BlockTransactions, BlockTransactionsRequest, HeaderAndShortIds};
use handshake::{SendCmpct, VersionMessage};
use sync::LocatorRequest;

/// A P2P message.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NetworkMessage {
    /// `version`: the first message of a connection.
    Version(VersionMessage),
    /// `verack`: the peer's `version` was accepted.
    Verack,
    /// `wtxidrelay` (BIP339): announce transactions by wtxid; sent before `verack`.
    WtxidRelay,
    /// `sendaddrv2` (BIP155): send addresses as `addrv2`; sent before `verack`.
    SendAddrV2,
    /// `sendheaders` (BIP130): announce new blocks with `headers`.
    SendHeaders,
    /// `sendcmpct` (BIP152): compact blocks understood, and in which mode.
    SendCmpct(SendCmpct),
    /// `feefilter` (BIP133): the lowest fee rate, in satoshis per 1,000 virtual bytes,
    /// of transactions to announce. Core ignores a value outside `0..=MAX_MONEY`.
    FeeFilter(Amount),
    /// `ping` with its nonce (BIP31): are you there?
    Ping(u64),
    /// `pong`: the nonce of the `ping` answered.
    Pong(u64),
    /// `inv`: "I have these", at most [`MAX_INV_SZ`](crate::inventory::MAX_INV_SZ).
    Inv(Vec<Inventory>),
    /// `getdata`: "send me these".
    GetData(Vec<Inventory>),
    /// `notfound`: "I do not have these" (an answer to `getdata`).
    NotFound(Vec<Inventory>),
    /// `getheaders`: headers after the locator's fork point, up to the stop hash.
    GetHeaders(LocatorRequest),
    /// `getblocks`: an `inv` of the blocks after the locator's fork point.
    GetBlocks(LocatorRequest),
    /// `headers`: up to [`MAX_HEADERS_RESULTS`](sync::MAX_HEADERS_RESULTS) headers.
    Headers(Vec<BlockHeader>),
    /// `block`: a whole block.
    Block(Block),
    /// `tx`: a transaction.
    Tx(Transaction),
    /// `addr`: up to [`MAX_ADDR_TO_SEND`] addresses.
    Addr(Vec<TimedAddress>),
    /// `addrv2` (BIP155): up to [`MAX_ADDR_TO_SEND`] addresses of any network.
    AddrV2(Vec<AddrV2Message>),
    /// `getaddr`: send me addresses of other nodes.
    GetAddr,
    /// `mempool` (BIP35): announce your whole mempool.
    Mempool,
    /// `cmpctblock` (BIP152): a block as short ids.
    CmpctBlock(HeaderAndShortIds),
    /// `getblocktxn` (BIP152): the transactions of a compact block I could not find.
    GetBlockTxn(BlockTransactionsRequest),
    /// `blocktxn` (BIP152): those transactions.
    BlockTxn(BlockTransactions),
    /// Any other message type, payload kept as received.
    Unknown {
        /// The message type.
        command: Command,
        /// The payload.
        payload: Vec<u8>,
    },
}

/// Core's message-type strings (`NetMsgType`).
pub mod command {
    /// `version`.
    pub const VERSION: &str = "version";
    /// `verack`.
    pub const VERACK: &str = "verack";
    /// `wtxidrelay`.
    pub const WTXIDRELAY: &str = "wtxidrelay";
    /// `sendaddrv2`.
    pub const SENDADDRV2: &str = "sendaddrv2";
    /// `sendheaders`.
    pub const SENDHEADERS: &str = "sendheaders";
    /// `sendcmpct`.
    pub const SENDCMPCT: &str = "sendcmpct";
    /// `feefilter`.
    pub const FEEFILTER: &str = "feefilter";
    /// `ping`.
    pub const PING: &str = "ping";
    /// `pong`.
    pub const PONG: &str = "pong";
    /// `inv`.
    pub const INV: &str = "inv";
    /// `getdata`.
    pub const GETDATA: &str = "getdata";
    /// `notfound`.
    pub const NOTFOUND: &str = "notfound";
    /// `getheaders`.
    pub const GETHEADERS: &str = "getheaders";
    /// `getblocks`.
    pub const GETBLOCKS: &str = "getblocks";
    /// `headers`.
    pub const HEADERS: &str = "headers";
    /// `block`.
    pub const BLOCK: &str = "block";
    /// `tx`.
    pub const TX: &str = "tx";
    /// `addr`.
    pub const ADDR: &str = "addr";
    /// `addrv2`.
    pub const ADDRV2: &str = "addrv2";
    /// `getaddr`.
    pub const GETADDR: &str = "getaddr";
    /// `mempool`.
    pub const MEMPOOL: &str = "mempool";
    /// `cmpctblock`.
    pub const CMPCTBLOCK: &str = "cmpctblock";
    /// `getblocktxn`.
    pub const GETBLOCKTXN: &str = "getblocktxn";
    /// `blocktxn`.
    pub const BLOCKTXN: &str = "blocktxn";
}

impl NetworkMessage {
    /// The message type's text.
    pub fn command_str(&self) -> &str {
        match self {
            NetworkMessage::Version(_) => command::VERSION,
            NetworkMessage::Verack => command::VERACK,
            NetworkMessage::WtxidRelay => command::WTXIDRELAY,
            NetworkMessage::SendAddrV2 => command::SENDADDRV2,
            NetworkMessage::SendHeaders => command::SENDHEADERS,
            NetworkMessage::SendCmpct(_) => command::SENDCMPCT,
            NetworkMessage::FeeFilter(_) => command::FEEFILTER,
            NetworkMessage::Ping(_) => command::PING,
            NetworkMessage::Pong(_) => command::PONG,
            NetworkMessage::Inv(_) => command::INV,
            NetworkMessage::GetData(_) => command::GETDATA,
            NetworkMessage::NotFound(_) => command::NOTFOUND,
            NetworkMessage::GetHeaders(_) => command::GETHEADERS,
            NetworkMessage::GetBlocks(_) => command::GETBLOCKS,
            NetworkMessage::Headers(_) => command::HEADERS,
            NetworkMessage::Block(_) => command::BLOCK,
            NetworkMessage::Tx(_) => command::TX,
            NetworkMessage::Addr(_) => command::ADDR,
            NetworkMessage::AddrV2(_) => command::ADDRV2,
            NetworkMessage::GetAddr => command::GETADDR,
            NetworkMessage::Mempool => command::MEMPOOL,
            NetworkMessage::CmpctBlock(_) => command::CMPCTBLOCK,
            NetworkMessage::GetBlockTxn(_) => command::GETBLOCKTXN,
            NetworkMessage::BlockTxn(_) => command::BLOCKTXN,
            NetworkMessage::Unknown { command, .. } => command.as_str(),
        }
    }

    /// The message type.
    pub fn command(&self) -> Command {
        match self {
            NetworkMessage::Unknown { command, .. } => command.clone(),
            // Every known type is a constant of at most 12 lowercase letters.
            known => Command(known.command_str().to_string()),
        }
    }

    /// The payload's serialisation.
    pub fn encode_payload(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let w = &mut out;
        match self {
            NetworkMessage::Verack
            | NetworkMessage::WtxidRelay
            | NetworkMessage::SendAddrV2
            | NetworkMessage::SendHeaders
            | NetworkMessage::GetAddr
            | NetworkMessage::Mempool => {}
            NetworkMessage::Version(version) => version.encode_to(w),
            NetworkMessage::SendCmpct(send) => send.encode_to(w),
            NetworkMessage::FeeFilter(rate) => w.extend_from_slice(&rate.to_sat().to_le_bytes()),
            NetworkMessage::Ping(nonce) | NetworkMessage::Pong(nonce) => {
                w.extend_from_slice(&nonce.to_le_bytes());
            }
            NetworkMessage::Inv(items)
            | NetworkMessage::GetData(items)
            | NetworkMessage::NotFound(items) => relay::encode_inventory(w, items),
            NetworkMessage::GetHeaders(request) | NetworkMessage::GetBlocks(request) => {
                request.encode_to(w);
            }
            NetworkMessage::Headers(headers) => sync::encode_headers(w, headers),
            NetworkMessage::Block(block) => return serialize(block),
            NetworkMessage::Tx(tx) => return serialize(tx),
            NetworkMessage::Addr(addrs) => {
                write_compact_size(w, addrs.len() as u64);
                for addr in addrs {
                    addr.encode_to(w);
                }
            }
            NetworkMessage::AddrV2(addrs) => {
                write_compact_size(w, addrs.len() as u64);
                for addr in addrs {
                    addr.encode_to(w);
                }
            }
            NetworkMessage::CmpctBlock(block) => block.encode_to(w),
            NetworkMessage::GetBlockTxn(request) => request.encode_to(w),
            NetworkMessage::BlockTxn(txs) => txs.encode_to(w),
            NetworkMessage::Unknown { payload, .. } => return payload.clone(),
        }
        out
    }

    /// Decodes the payload of a message of type `command`, which must be consumed
    /// exactly.
    pub fn decode(command: &Command, payload: &[u8]) -> Result<NetworkMessage, MessageError> {
        let mut r = Reader::new(payload);
        let r = &mut r;
        let message = match command.as_str() {
            command::VERSION => NetworkMessage::Version(VersionMessage::decode_from(r)?),
            command::VERACK => NetworkMessage::Verack,
            command::WTXIDRELAY => NetworkMessage::WtxidRelay,
            command::SENDADDRV2 => NetworkMessage::SendAddrV2,
            command::SENDHEADERS => NetworkMessage::SendHeaders,
            command::SENDCMPCT => NetworkMessage::SendCmpct(SendCmpct::decode_from(r)?),
            command::FEEFILTER => NetworkMessage::FeeFilter(Amount::from_sat(r.read_i64_le()?)),
            command::PING => NetworkMessage::Ping(r.read_u64_le()?),
            command::PONG => NetworkMessage::Pong(r.read_u64_le()?),
            command::INV => NetworkMessage::Inv(relay::decode_inventory(r, "inv")?),
            command::GETDATA => NetworkMessage::GetData(relay::decode_inventory(r, "getdata")?),
            command::NOTFOUND => NetworkMessage::NotFound(relay::decode_inventory(r, "notfound")?),
            command::GETHEADERS => NetworkMessage::GetHeaders(LocatorRequest::decode_from(r)?),
            command::GETBLOCKS => NetworkMessage::GetBlocks(LocatorRequest::decode_from(r)?),
            command::HEADERS => NetworkMessage::Headers(sync::decode_headers(r)?),
            command::BLOCK => NetworkMessage::Block(Block::decode_from(r)?),
            command::TX => NetworkMessage::Tx(Transaction::decode_from(r)?),
            command::ADDR => {
                let count = read_bounded_count(r, "addr", MAX_ADDR_TO_SEND, TimedAddress::SIZE)?;
                let mut addrs = Vec::with_capacity(count);
                for _ in 0..count {
                    addrs.push(TimedAddress::decode_from(r)?);
                }
                NetworkMessage::Addr(addrs)
            }
            command::ADDRV2 => {
                let count =
                    read_bounded_count(r, "addrv2", MAX_ADDR_TO_SEND, AddrV2Message::MIN_SIZE)?;
                let mut addrs = Vec::with_capacity(count);
                for _ in 0..count {
                    addrs.push(AddrV2Message::decode_from(r)?);
                }
                NetworkMessage::AddrV2(addrs)
            }
            command::GETADDR => NetworkMessage::GetAddr,
            command::MEMPOOL => NetworkMessage::Mempool,
            command::CMPCTBLOCK => NetworkMessage::CmpctBlock(HeaderAndShortIds::decode_from(r)?),
            command::GETBLOCKTXN => {
                NetworkMessage::GetBlockTxn(BlockTransactionsRequest::decode_from(r)?)
            }
            command::BLOCKTXN => NetworkMessage::BlockTxn(BlockTransactions::decode_from(r)?),
            _ => {
                return Ok(NetworkMessage::Unknown {
                    command: command.clone(),
                    payload: payload.to_vec(),
                })
            }
        };
        r.finish()?;
        Ok(message)
    }
}

/// Reads a list count that must not exceed the protocol's `max` nor what the bytes left
/// could hold at `min_item_len` each; both checks come before any allocation.
pub(crate) fn read_bounded_count(
    r: &mut Reader<'_>,
    what: &'static str,
    max: usize,
    min_item_len: usize,
) -> Result<usize, MessageError> {
    let count = r.read_compact_size()?;
    let n = usize::try_from(count)
        .ok()
        .filter(|&n| n <= max)
        .ok_or(MessageError::TooMany { what, count, max })?;
    let remaining = r.remaining();
    if n.saturating_mul(min_item_len) > remaining {
        return Err(DecodeError::TooManyItems {
            what,
            count,
            remaining,
            min_item_len,
        }
        .into());
    }
    Ok(n)
}
