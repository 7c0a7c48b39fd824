//! The chain state on disk: the block tree, the coins and the undo data in one embedded
//! database, the blocks in block files, and a coins cache in memory written out in batches.
//!
//! A node must survive being killed at any moment. Bitcoin Core's answer, which this store
//! follows, is an order of writes:
//!
//! 1. a block is appended to a block file as soon as it is accepted ([`BlockFiles`]);
//! 2. connecting blocks changes only memory: a cache of coins (Core's `CCoinsViewCache`,
//!    sized by `-dbcache`), the new undo data and the changed entries of the block tree;
//! 3. now and then (cache full, time passed, shutdown) the store *flushes*: it forces the
//!    block files to disk, then writes the cache, the undo data, the tree entries and the
//!    tip the coins belong to in **one** database transaction.
//!
//! The database therefore always describes one consistent chain: the coins of exactly the
//! tip it names, and only blocks that are safely on disk. What a crash loses is the work
//! since the last flush, never its blocks: they are in the block files after the position
//! the database recorded, and the node connects them again when it starts
//! ([`DiskStore::unindexed_records`]).
//!
//! The database is [redb](https://docs.rs/redb): pure Rust, transactions that are atomic
//! and durable when committed, and no C++ to build. Its tables:
//!
//! | table | key | value |
//! | --- | --- | --- |
//! | `block_index` | block hash | header, height, work, status, transaction count |
//! | `block_pos` | block hash | block file and offset of its record |
//! | `coins` | txid and output index (big endian, so keys sort as Core's) | height, coinbase flag, output |
//! | `undo` | block hash | the coins the block spent |
//! | `txindex` | txid | hash of the block holding it (`-txindex`) |
//! | `meta` | name | the coins' tip, the end of the indexed block files |
//!
//! How the files divide the work:
//!
//! | file | what it holds |
//! | --- | --- |
//! | `mod.rs` | [`DiskStore`], [`StoreError`]; blocks, undo data and the transaction index |
//! | `open.rs` | [`DiskStore::open`]: the tables made, the layout checked, the last flush read back |
//! | `cache.rs` | the coins cache, DIRTY and FRESH |
//! | `flush.rs` | [`DiskStore::flush`]: memory to disk in one transaction |
//! | `tables.rs` | the tables and the byte layout of their keys and values |
//!
//! References: Core `src/validation.cpp` (`FlushStateToDisk`), `src/coins.cpp`

mod cache;
mod flush;
mod open;
mod tables;

use std::collections::HashMap;
use std::path::PathBuf;

use redb::{Database, ReadTransaction};
use sou_chain::chainstate::{BlockEntry, BlockUndo};
use sou_chain::ChainStore;
use sou_primitives::encoding::serialize;
use sou_primitives::{Block, BlockHash, OutPoint, Txid};

use crate::blockfiles::{BlockFileError, BlockFiles, FilePos};
use cache::CacheEntry;
use tables::{decode_undo, TXINDEX, UNDO};

pub(crate) use open::catch_quietly;

/// A failure of the store: the database or the block files. Never a verdict on a block.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database failed.
    #[error("database {path}: {message}")]
    Database {
        /// The database file.
        path: PathBuf,
        /// What redb said.
        message: String,
    },
    /// A block file failed.
    #[error(transparent)]
    Files(#[from] BlockFileError),
    /// The database holds something that does not decode.
    #[error("database {path}: corrupt {what}")]
    Corrupt {
        /// The database file.
        path: PathBuf,
        /// What could not be read.
        what: String,
    },
}

/// What a store remembers from its last flush, to rebuild the chain state from.
#[derive(Debug, Default)]
pub struct Saved {
    /// The block tree as last flushed.
    pub entries: Vec<(BlockHash, BlockEntry)>,
    /// The tip whose coins the database holds; `None` for a new database.
    pub coins_tip: Option<BlockHash>,
    /// The end of the block-file data the database knows about.
    pub files_end: FilePos,
}

/// The node's [`ChainStore`]: block files, a redb database, and the caches between them.
pub struct DiskStore {
    path: PathBuf,
    db: Database,
    /// A read snapshot of the database, renewed after each flush.
    reader: ReadTransaction,
    files: BlockFiles,
    /// Where each stored block's record starts.
    positions: HashMap<BlockHash, FilePos>,
    /// Positions not yet written to the database.
    new_positions: Vec<(BlockHash, FilePos)>,
    /// Records already in the block files (read back at start): storing one of these
    /// blocks only notes where it is.
    on_file: HashMap<BlockHash, FilePos>,
    coins: HashMap<OutPoint, CacheEntry>,
    coins_bytes: usize,
    new_undo: HashMap<BlockHash, BlockUndo>,
    new_txindex: Vec<(Txid, BlockHash)>,
}

impl std::fmt::Debug for DiskStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DiskStore")
            .field("path", &self.path)
            .field("blocks", &self.positions.len())
            .field("cached_coins", &self.coins.len())
            .finish_non_exhaustive()
    }
}

impl DiskStore {
    /// A failure of the database, naming its file.
    fn db_error(&self, e: impl std::fmt::Display) -> StoreError {
        StoreError::Database {
            path: self.path.clone(),
            message: e.to_string(),
        }
    }

    /// Bytes in the database that do not decode as `what`.
    fn corrupt(&self, what: &str) -> StoreError {
        StoreError::Corrupt {
            path: self.path.clone(),
            what: what.to_string(),
        }
    }

    /// The block files.
    pub fn files(&self) -> &BlockFiles {
        &self.files
    }

    /// The blocks in the block files after `start` (those written after the last flush,
    /// or all of them from the first file for `-reindex`), and the end of the last whole
    /// record. Each is noted as already on file, so that storing it again writes nothing.
    pub fn unindexed_records(
        &mut self,
        start: FilePos,
    ) -> Result<(Vec<Block>, FilePos), StoreError> {
        let (records, end) = self.files.records_after(start)?;
        let mut blocks = Vec::with_capacity(records.len());
        for (pos, block) in records {
            self.on_file.insert(block.block_hash(), pos);
            blocks.push(block);
        }
        Ok((blocks, end))
    }

    /// Cuts the block files after `end`: a record half-written when the node stopped.
    pub fn truncate_files(&mut self, end: FilePos) -> Result<(), StoreError> {
        self.files.truncate(end)?;
        Ok(())
    }

    /// Forgets the records read back by [`DiskStore::unindexed_records`] that were not
    /// stored (blocks refused on the second reading).
    pub fn forget_unstored_records(&mut self) {
        self.on_file.clear();
    }

    /// Records the transactions of a connected block for `getrawtransaction` (`-txindex`).
    pub fn index_transactions(&mut self, block_hash: BlockHash, txids: &[Txid]) {
        self.new_txindex
            .extend(txids.iter().map(|txid| (*txid, block_hash)));
    }

    /// The block holding `txid`, from the transaction index.
    pub fn indexed_transaction(&self, txid: &Txid) -> Result<Option<BlockHash>, StoreError> {
        if let Some((_, hash)) = self.new_txindex.iter().rev().find(|(t, _)| t == txid) {
            return Ok(Some(*hash));
        }
        let table = self
            .reader
            .open_table(TXINDEX)
            .map_err(|e| self.db_error(e))?;
        let found = table
            .get(txid.as_byte_array())
            .map_err(|e| self.db_error(e))?
            .map(|v| BlockHash::from_byte_array(*v.value()));
        Ok(found)
    }
}

impl ChainStore for DiskStore {
    fn store_block(&mut self, hash: &BlockHash, block: &Block) -> Result<(), StoreError> {
        let pos = match self.on_file.remove(hash) {
            Some(pos) => pos,
            None => self.files.append(&serialize(block))?,
        };
        self.positions.insert(*hash, pos);
        self.new_positions.push((*hash, pos));
        Ok(())
    }

    fn block(&mut self, hash: &BlockHash) -> Result<Option<Block>, StoreError> {
        let Some(pos) = self.positions.get(hash) else {
            return Ok(None);
        };
        let block = self.files.read(*pos)?;
        // Core's ReadBlock checks the hash it expects: a damaged file must not serve
        // another block under this one's name.
        if block.block_hash() != *hash {
            return Err(StoreError::Files(BlockFileError::Corrupt {
                path: self.files.path(pos.file),
                offset: pos.offset,
                what: format!("the block there is not {hash}"),
            }));
        }
        Ok(Some(block))
    }

    fn store_undo(&mut self, hash: &BlockHash, undo: &BlockUndo) -> Result<(), StoreError> {
        self.new_undo.insert(*hash, undo.clone());
        Ok(())
    }

    fn undo(&mut self, hash: &BlockHash) -> Result<Option<BlockUndo>, StoreError> {
        if let Some(undo) = self.new_undo.get(hash) {
            return Ok(Some(undo.clone()));
        }
        let table = self.reader.open_table(UNDO).map_err(|e| self.db_error(e))?;
        let value = table
            .get(hash.as_byte_array())
            .map_err(|e| self.db_error(e))?;
        match value {
            None => Ok(None),
            Some(v) => decode_undo(v.value())
                .map(Some)
                .ok_or_else(|| self.corrupt("undo data")),
        }
    }
}
