//! Compact blocks (BIP152): `cmpctblock`, `getblocktxn`, `blocktxn`.
//!
//! When a block is found, its peers have most of its transactions already, in their
//! mempools. So instead of the full block (1-2 MB), a node sends a `cmpctblock`: the
//! header, a random nonce, a 6-byte *short id* per transaction (SipHash-2-4 of the wtxid,
//! keyed by SHA256(header ‖ nonce), so that nobody can grind collisions in advance), and
//! the few transactions the receiver surely lacks, *prefilled* (always the coinbase). The
//! receiver rebuilds the block from its mempool; for what it cannot find it sends
//! `getblocktxn` with their indexes and gets them in `blocktxn`. In high-bandwidth mode
//! (`sendcmpct` with `announce`), the `cmpctblock` comes unasked, often in one round trip.
//!
//! Indexes travel *differentially*: each is sent as its distance from the previous one
//! minus one, so an increasing list of small gaps takes a byte per index. The types here
//! hold absolute indexes, which must increase and fit 16 bits.
//!
//! Computing short ids (SipHash) and rebuilding a block are in [`crate::compact`].
//!
//! References: BIP152; Core `CBlockHeaderAndShortTxIDs`, `PrefilledTransaction`,
//! `BlockTransactionsRequest`, `BlockTransactions`, `DifferenceFormatter`
//! (src/blockencodings.h), `PartiallyDownloadedBlock::InitData`.

use sou_primitives::encoding::{decode_list, encode_list, write_compact_size, Reader, WriteBytes};
use sou_primitives::{BlockHash, BlockHeader, Decode, Encode, Transaction};

use crate::error::MessageError;

/// The size of a short transaction id (Core `SHORTTXIDS_LENGTH`).
pub const SHORT_ID_SIZE: usize = 6;

/// The smallest serialised transaction (an empty input list, a zero flag, lock time).
const MIN_TX_LEN: usize = 10;

/// A BIP152 short transaction id: the low 48 bits of a SipHash, 6 bytes little-endian.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct ShortId([u8; SHORT_ID_SIZE]);

impl ShortId {
    /// The id from its 6 bytes.
    pub const fn from_bytes(bytes: [u8; SHORT_ID_SIZE]) -> ShortId {
        ShortId(bytes)
    }

    /// The id from the low 48 bits of a SipHash output (higher bits are dropped).
    pub fn from_siphash(hash: u64) -> ShortId {
        let b = hash.to_le_bytes();
        ShortId([b[0], b[1], b[2], b[3], b[4], b[5]])
    }

    /// The 6 bytes.
    pub const fn to_bytes(self) -> [u8; SHORT_ID_SIZE] {
        self.0
    }

    /// The id as a number below 2^48.
    pub fn to_u64(self) -> u64 {
        let b = self.0;
        u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], 0, 0])
    }
}

/// A transaction sent whole inside a `cmpctblock`, with its position in the block.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PrefilledTransaction {
    /// Its absolute index in the block.
    pub index: u16,
    /// The transaction, with witnesses.
    pub tx: Transaction,
}

/// The `cmpctblock` payload (Core `CBlockHeaderAndShortTxIDs`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HeaderAndShortIds {
    header: BlockHeader,
    nonce: u64,
    short_ids: Vec<ShortId>,
    prefilled_txs: Vec<PrefilledTransaction>,
}

impl HeaderAndShortIds {
    /// A compact block, refused unless the prefilled indexes strictly increase and the
    /// block's transaction count (short ids plus prefilled) fits 16 bits.
    pub fn new(
        header: BlockHeader,
        nonce: u64,
        short_ids: Vec<ShortId>,
        prefilled_txs: Vec<PrefilledTransaction>,
    ) -> Result<HeaderAndShortIds, MessageError> {
        let increasing = prefilled_txs.windows(2).all(|w| w[0].index < w[1].index);
        let total = short_ids.len().saturating_add(prefilled_txs.len());
        if !increasing || total > usize::from(u16::MAX) {
            return Err(MessageError::IndexOverflow {
                what: "cmpctblock prefilled",
            });
        }
        Ok(HeaderAndShortIds {
            header,
            nonce,
            short_ids,
            prefilled_txs,
        })
    }

    /// The block's header.
    pub fn header(&self) -> &BlockHeader {
        &self.header
    }

    /// The nonce that, with the header, keys the short ids' SipHash.
    pub fn nonce(&self) -> u64 {
        self.nonce
    }

    /// The short ids of the transactions not prefilled, in block order.
    pub fn short_ids(&self) -> &[ShortId] {
        &self.short_ids
    }

    /// The prefilled transactions, by increasing index.
    pub fn prefilled_txs(&self) -> &[PrefilledTransaction] {
        &self.prefilled_txs
    }

    pub(crate) fn encode_to<W: WriteBytes + ?Sized>(&self, w: &mut W) {
        self.header.encode_to(w);
        w.write_bytes(&self.nonce.to_le_bytes());
        write_compact_size(w, self.short_ids.len() as u64);
        for id in &self.short_ids {
            w.write_bytes(&id.0);
        }
        write_compact_size(w, self.prefilled_txs.len() as u64);
        let mut next = 0u64;
        for prefilled in &self.prefilled_txs {
            // `new` checked the indexes increase, so the difference is not negative.
            let index = u64::from(prefilled.index);
            write_compact_size(w, index.saturating_sub(next));
            next = index + 1;
            prefilled.tx.encode_to(w);
        }
    }

    pub(crate) fn decode_from(r: &mut Reader<'_>) -> Result<HeaderAndShortIds, MessageError> {
        const WHAT: &str = "cmpctblock prefilled";
        let header = BlockHeader::decode_from(r)?;
        let nonce = r.read_u64_le()?;
        let count = r.read_count("cmpctblock short ids", SHORT_ID_SIZE)?;
        let mut short_ids = Vec::with_capacity(count);
        for _ in 0..count {
            short_ids.push(ShortId(r.read_array()?));
        }
        let count = r.read_count(WHAT, 1 + MIN_TX_LEN)?;
        let mut prefilled_txs = Vec::with_capacity(count);
        let mut indexes = DifferentialIndexes::new(WHAT);
        for _ in 0..count {
            let index = indexes.next(r.read_compact_size()?)?;
            let tx = Transaction::decode_from(r)?;
            prefilled_txs.push(PrefilledTransaction { index, tx });
        }
        // Core: "indexes overflowed 16 bits".
        if short_ids.len() + prefilled_txs.len() > usize::from(u16::MAX) {
            return Err(MessageError::IndexOverflow { what: WHAT });
        }
        Ok(HeaderAndShortIds {
            header,
            nonce,
            short_ids,
            prefilled_txs,
        })
    }
}

/// The `getblocktxn` payload: which transactions of a compact block are missing (Core
/// `BlockTransactionsRequest`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BlockTransactionsRequest {
    block_hash: BlockHash,
    indexes: Vec<u16>,
}

impl BlockTransactionsRequest {
    /// A request, refused unless the indexes strictly increase (Core's
    /// `DifferenceFormatter` throws "differential value overflow" when writing others).
    pub fn new(block_hash: BlockHash, indexes: Vec<u16>) -> Result<Self, MessageError> {
        if !indexes.windows(2).all(|w| w[0] < w[1]) {
            return Err(MessageError::IndexOverflow {
                what: "getblocktxn indexes",
            });
        }
        Ok(BlockTransactionsRequest {
            block_hash,
            indexes,
        })
    }

    /// The block.
    pub fn block_hash(&self) -> BlockHash {
        self.block_hash
    }

    /// The absolute indexes of the wanted transactions, increasing.
    pub fn indexes(&self) -> &[u16] {
        &self.indexes
    }

    pub(crate) fn encode_to<W: WriteBytes + ?Sized>(&self, w: &mut W) {
        self.block_hash.encode_to(w);
        write_compact_size(w, self.indexes.len() as u64);
        let mut next = 0u64;
        for &index in &self.indexes {
            let index = u64::from(index);
            write_compact_size(w, index.saturating_sub(next));
            next = index + 1;
        }
    }

    pub(crate) fn decode_from(r: &mut Reader<'_>) -> Result<Self, MessageError> {
        const WHAT: &str = "getblocktxn indexes";
        let block_hash = BlockHash::decode_from(r)?;
        let count = r.read_count(WHAT, 1)?;
        let mut indexes = Vec::with_capacity(count);
        let mut differential = DifferentialIndexes::new(WHAT);
        for _ in 0..count {
            indexes.push(differential.next(r.read_compact_size()?)?);
        }
        Ok(BlockTransactionsRequest {
            block_hash,
            indexes,
        })
    }
}

/// The `blocktxn` payload: the transactions a `getblocktxn` asked for, in its order
/// (Core `BlockTransactions`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BlockTransactions {
    /// The block.
    pub block_hash: BlockHash,
    /// The transactions, with witnesses.
    pub transactions: Vec<Transaction>,
}

impl BlockTransactions {
    pub(crate) fn encode_to<W: WriteBytes + ?Sized>(&self, w: &mut W) {
        self.block_hash.encode_to(w);
        encode_list(w, &self.transactions);
    }

    pub(crate) fn decode_from(r: &mut Reader<'_>) -> Result<Self, MessageError> {
        Ok(BlockTransactions {
            block_hash: BlockHash::decode_from(r)?,
            transactions: decode_list(r, "blocktxn transactions", MIN_TX_LEN)?,
        })
    }
}

/// Turns differential indexes back into absolute ones (Core `DifferenceFormatter::Unser`):
/// each is the previous plus one plus the gap read, and must fit 16 bits.
struct DifferentialIndexes {
    what: &'static str,
    /// The smallest index the next one can be: the previous plus one.
    next: u64,
}

impl DifferentialIndexes {
    fn new(what: &'static str) -> Self {
        DifferentialIndexes { what, next: 0 }
    }

    fn next(&mut self, gap: u64) -> Result<u16, MessageError> {
        let index = self
            .next
            .checked_add(gap)
            .and_then(|i| u16::try_from(i).ok())
            .ok_or(MessageError::IndexOverflow { what: self.what })?;
        self.next = u64::from(index) + 1;
        Ok(index)
    }
}
