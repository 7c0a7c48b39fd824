//! Headers-first sync: `getheaders`, `headers`, and the older `getblocks`.
//!
//! A node catching up does not download blocks blindly. It sends `getheaders` with a
//! *block locator*: hashes of its own chain, dense near the tip and then doubling back
//! towards genesis (tip, tip-1, … tip-10, tip-12, tip-16, …, genesis; Core
//! `CChain::GetLocator`), so the peer can find the last block they share however far
//! their chains diverged, with at most [`MAX_LOCATOR_SZ`] hashes. The peer answers with
//! up to [`MAX_HEADERS_RESULTS`] headers following that block. 80 bytes each, they let
//! the node check proof of work for the whole chain before fetching any block; it then
//! asks for blocks with `getdata`, from several peers in parallel. A full `headers`
//! message means "ask again from the last one".
//!
//! Once synced, a peer that sent `sendheaders` (BIP130) hears about new blocks by
//! `headers` instead of `inv`. `getblocks` is the pre-2014 way (the answer is an `inv`
//! of up to 500 blocks); Core still answers it.
//!
//! References: BIP130; Core `CBlockLocator` (src/primitives/block.h), `ProcessMessage`
//! for `GETHEADERS`, `HEADERS`, `GETBLOCKS` (src/net_processing.cpp).

use sou_primitives::encoding::{write_compact_size, Reader, WriteBytes};
use sou_primitives::{BlockHash, BlockHeader, Decode, Encode};

use crate::error::MessageError;
use crate::messages::read_bounded_count;

/// The most hashes a locator may hold (Core `MAX_LOCATOR_SZ`; a longer one disconnects).
pub const MAX_LOCATOR_SZ: usize = 101;

/// The most headers one `headers` message may carry (Core `MAX_HEADERS_RESULTS`).
pub const MAX_HEADERS_RESULTS: usize = 2_000;

/// Hashes that place a chain: tip first, then ever sparser back to genesis
/// (Core `CBlockLocator`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BlockLocator {
    /// A version field nobody reads: Core writes [`BlockLocator::DUMMY_VERSION`], the
    /// functional tests' Python writes 0.
    pub version: i32,
    /// The hashes, newest first.
    pub hashes: Vec<BlockHash>,
}

impl BlockLocator {
    /// What Core writes in the version field (`CBlockLocator::DUMMY_VERSION`).
    pub const DUMMY_VERSION: i32 = 70016;

    /// A locator with Core's version field.
    pub fn new(hashes: Vec<BlockHash>) -> BlockLocator {
        BlockLocator {
            version: Self::DUMMY_VERSION,
            hashes,
        }
    }
}

/// A `getheaders` or `getblocks` request: where the sender's chain is, and where to stop
/// (the zero hash: as many as allowed).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LocatorRequest {
    /// The sender's chain.
    pub locator: BlockLocator,
    /// The last block wanted, or zero.
    pub hash_stop: BlockHash,
}

impl LocatorRequest {
    pub(crate) fn encode_to<W: WriteBytes + ?Sized>(&self, w: &mut W) {
        w.write_bytes(&self.locator.version.to_le_bytes());
        write_compact_size(w, self.locator.hashes.len() as u64);
        for hash in &self.locator.hashes {
            hash.encode_to(w);
        }
        self.hash_stop.encode_to(w);
    }

    pub(crate) fn decode_from(r: &mut Reader<'_>) -> Result<LocatorRequest, MessageError> {
        let version = r.read_i32_le()?;
        let count = read_bounded_count(r, "locator", MAX_LOCATOR_SZ, 32)?;
        let mut hashes = Vec::with_capacity(count);
        for _ in 0..count {
            hashes.push(BlockHash::decode_from(r)?);
        }
        Ok(LocatorRequest {
            locator: BlockLocator { version, hashes },
            hash_stop: BlockHash::decode_from(r)?,
        })
    }
}

/// Writes a `headers` payload: each header followed by a transaction count of 0, as
/// if each were a block without transactions.
pub(crate) fn encode_headers<W: WriteBytes + ?Sized>(w: &mut W, headers: &[BlockHeader]) {
    write_compact_size(w, headers.len() as u64);
    for header in headers {
        header.encode_to(w);
        w.write_bytes(&[0]);
    }
}

/// Reads a `headers` payload. Core ignores the count after each header; sou requires it
/// to be 0, the only value ever sent.
pub(crate) fn decode_headers(r: &mut Reader<'_>) -> Result<Vec<BlockHeader>, MessageError> {
    let count = read_bounded_count(r, "headers", MAX_HEADERS_RESULTS, BlockHeader::SIZE + 1)?;
    let mut headers = Vec::with_capacity(count);
    for index in 0..count {
        headers.push(BlockHeader::decode_from(r)?);
        let tx_count = r.read_compact_size()?;
        if tx_count != 0 {
            return Err(MessageError::HeaderTxCount {
                index,
                count: tx_count,
            });
        }
    }
    Ok(headers)
}
