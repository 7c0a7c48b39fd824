//! Inventory: naming a transaction or block without sending it.
//!
//! Relay is two-step so that nobody downloads what they already have: a node announces
//! with `inv` ("I have these"), the peer asks with `getdata` for what it lacks, and the
//! node answers with `tx` or `block` messages, or `notfound`. Each entry is an [`Inventory`]:
//! a type and a 32-byte hash.
//!
//! The type says which hash and which serialisation: `MSG_TX` names a transaction by
//! txid, `MSG_WTX` by wtxid (BIP339, once both peers sent `wtxidrelay`); in `getdata`,
//! `MSG_WITNESS_TX` and `MSG_WITNESS_BLOCK` (BIP144) ask for the serialisation with
//! witnesses, `MSG_CMPCT_BLOCK` (BIP152) for a compact block, and `MSG_FILTERED_BLOCK`
//! (BIP37) for a merkle block. A type sou does not know is kept as its number.
//!
//! References: Core `enum GetDataMsg` and `CInv` (src/protocol.h); `MAX_INV_SZ`
//! (src/net_processing.cpp).

use sou_primitives::encoding::{Reader, WriteBytes};
use sou_primitives::{BlockHash, DecodeError, Txid, Wtxid};

/// The most entries an `inv`, `getdata` or `notfound` may carry (Core `MAX_INV_SZ`).
pub const MAX_INV_SZ: usize = 50_000;

/// The BIP144 flag asking for witness data (Core `MSG_WITNESS_FLAG`, bit 30).
pub const MSG_WITNESS_FLAG: u32 = 1 << 30;

/// The serialised size of one entry: a 4-byte type and a 32-byte hash.
pub(crate) const INVENTORY_SIZE: usize = 36;

/// One inventory entry (Core `CInv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Inventory {
    /// `MSG_TX` (1): a transaction by txid.
    Tx(Txid),
    /// `MSG_BLOCK` (2): a block, without witnesses when asked for.
    Block(BlockHash),
    /// `MSG_FILTERED_BLOCK` (3, BIP37): a merkle block; only in `getdata`.
    FilteredBlock(BlockHash),
    /// `MSG_CMPCT_BLOCK` (4, BIP152): a compact block; only in `getdata`.
    CompactBlock(BlockHash),
    /// `MSG_WTX` (5, BIP339): a transaction by wtxid.
    WitnessTxid(Wtxid),
    /// `MSG_WITNESS_TX` (`MSG_TX | MSG_WITNESS_FLAG`, BIP144): a transaction by txid,
    /// with witnesses; only in `getdata`.
    WitnessTx(Txid),
    /// `MSG_WITNESS_BLOCK` (`MSG_BLOCK | MSG_WITNESS_FLAG`, BIP144): a block with
    /// witnesses; only in `getdata`.
    WitnessBlock(BlockHash),
    /// Any other type, kept as read (Core ignores unknown types in `inv`).
    Unknown {
        /// The type number.
        inv_type: u32,
        /// The hash, in internal byte order.
        hash: [u8; 32],
    },
}

impl Inventory {
    /// `MSG_TX`.
    pub const MSG_TX: u32 = 1;
    /// `MSG_BLOCK`.
    pub const MSG_BLOCK: u32 = 2;
    /// `MSG_FILTERED_BLOCK`.
    pub const MSG_FILTERED_BLOCK: u32 = 3;
    /// `MSG_CMPCT_BLOCK`.
    pub const MSG_CMPCT_BLOCK: u32 = 4;
    /// `MSG_WTX`.
    pub const MSG_WTX: u32 = 5;
    /// `MSG_WITNESS_TX`.
    pub const MSG_WITNESS_TX: u32 = Self::MSG_TX | MSG_WITNESS_FLAG;
    /// `MSG_WITNESS_BLOCK`.
    pub const MSG_WITNESS_BLOCK: u32 = Self::MSG_BLOCK | MSG_WITNESS_FLAG;

    /// The type number and the hash's 32 bytes.
    pub fn to_parts(&self) -> (u32, [u8; 32]) {
        match *self {
            Inventory::Tx(h) => (Self::MSG_TX, h.to_byte_array()),
            Inventory::Block(h) => (Self::MSG_BLOCK, h.to_byte_array()),
            Inventory::FilteredBlock(h) => (Self::MSG_FILTERED_BLOCK, h.to_byte_array()),
            Inventory::CompactBlock(h) => (Self::MSG_CMPCT_BLOCK, h.to_byte_array()),
            Inventory::WitnessTxid(h) => (Self::MSG_WTX, h.to_byte_array()),
            Inventory::WitnessTx(h) => (Self::MSG_WITNESS_TX, h.to_byte_array()),
            Inventory::WitnessBlock(h) => (Self::MSG_WITNESS_BLOCK, h.to_byte_array()),
            Inventory::Unknown { inv_type, hash } => (inv_type, hash),
        }
    }

    /// The entry for a type number and hash.
    pub fn from_parts(inv_type: u32, hash: [u8; 32]) -> Inventory {
        match inv_type {
            Self::MSG_TX => Inventory::Tx(Txid::from_byte_array(hash)),
            Self::MSG_BLOCK => Inventory::Block(BlockHash::from_byte_array(hash)),
            Self::MSG_FILTERED_BLOCK => Inventory::FilteredBlock(BlockHash::from_byte_array(hash)),
            Self::MSG_CMPCT_BLOCK => Inventory::CompactBlock(BlockHash::from_byte_array(hash)),
            Self::MSG_WTX => Inventory::WitnessTxid(Wtxid::from_byte_array(hash)),
            Self::MSG_WITNESS_TX => Inventory::WitnessTx(Txid::from_byte_array(hash)),
            Self::MSG_WITNESS_BLOCK => Inventory::WitnessBlock(BlockHash::from_byte_array(hash)),
            inv_type => Inventory::Unknown { inv_type, hash },
        }
    }

    pub(crate) fn encode_to<W: WriteBytes + ?Sized>(&self, w: &mut W) {
        let (inv_type, hash) = self.to_parts();
        w.write_bytes(&inv_type.to_le_bytes());
        w.write_bytes(&hash);
    }

    pub(crate) fn decode_from(r: &mut Reader<'_>) -> Result<Inventory, DecodeError> {
        let inv_type = r.read_u32_le()?;
        Ok(Inventory::from_parts(inv_type, r.read_array()?))
    }
}
