//! Relay: `inv`, `getdata`, `notfound`, `tx`, `block`, `feefilter`, `mempool`.
//!
//! New transactions and blocks spread by announcement. A node that accepts one sends
//! `inv` to its peers (transactions in batches, after a random delay that hides who saw
//! it first; with BIP339's `wtxidrelay`, by wtxid). A peer missing it asks with
//! `getdata`; the answer is `tx` or `block`, or `notfound`. `feefilter` (BIP133) tells
//! a peer not to announce transactions paying less than a rate in satoshis per 1,000
//! virtual bytes; `mempool` (BIP35) asks for an `inv` of the whole mempool.
//!
//! A node taking in a `block` needs every transaction's txid and wtxid at once; it can
//! decode the payload of the [`RawFrame`](crate::RawFrame) with sou-primitives'
//! `Block::decode_with_ids`, which hashes while it reads, rather than through
//! [`NetworkMessage::Block`](crate::NetworkMessage::Block).
//!
//! References: BIP133, BIP339; Core `ProcessMessage` for `INV`, `GETDATA`, `FEEFILTER`
//! and `ProcessGetData` (src/net_processing.cpp).

use sou_primitives::encoding::{write_compact_size, Reader, WriteBytes};

use crate::error::MessageError;
use crate::inventory::{Inventory, INVENTORY_SIZE, MAX_INV_SZ};
use crate::messages::read_bounded_count;

/// Writes an inventory list.
pub(crate) fn encode_inventory<W: WriteBytes + ?Sized>(w: &mut W, items: &[Inventory]) {
    write_compact_size(w, items.len() as u64);
    for item in items {
        item.encode_to(w);
    }
}

/// Reads an inventory list of at most [`MAX_INV_SZ`] entries (Core: `Misbehaving`,
/// "inv message size", for more).
pub(crate) fn decode_inventory(
    r: &mut Reader<'_>,
    what: &'static str,
) -> Result<Vec<Inventory>, MessageError> {
    let count = read_bounded_count(r, what, MAX_INV_SZ, INVENTORY_SIZE)?;
    let mut items = Vec::with_capacity(count);
    for _ in 0..count {
        items.push(Inventory::decode_from(r)?);
    }
    Ok(items)
}
