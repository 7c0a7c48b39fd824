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
//! References: Core `src/validation.cpp` (`FlushStateToDisk`), `src/coins.cpp`
//! (`CCoinsViewCache`, DIRTY and FRESH entries), `src/txdb.cpp`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use redb::{Database, ReadTransaction, ReadableTable, TableDefinition};
use sou_chain::chainstate::{BlockEntry, BlockStatus, BlockUndo, Failure};
use sou_chain::consensus::Coin;
use sou_chain::{ChainStore, CoinsStore};
use sou_primitives::encoding::{deserialize, serialize, write_compact_size, Reader};
use sou_primitives::pow::{Work, U256};
use sou_primitives::{Block, BlockHash, BlockHeader, OutPoint, TxOut, Txid};

use crate::blockfiles::{BlockFileError, BlockFiles, FilePos};

const BLOCK_INDEX: TableDefinition<&[u8; 32], &[u8]> = TableDefinition::new("block_index");
const BLOCK_POS: TableDefinition<&[u8; 32], (u32, u64)> = TableDefinition::new("block_pos");
const COINS: TableDefinition<&[u8; 36], &[u8]> = TableDefinition::new("coins");
const UNDO: TableDefinition<&[u8; 32], &[u8]> = TableDefinition::new("undo");
const TXINDEX: TableDefinition<&[u8; 32], &[u8; 32]> = TableDefinition::new("txindex");
const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");

/// `meta` keys.
const META_COINS_TIP: &str = "coins_tip";
const META_FILES_END: &str = "files_end";
const META_VERSION: &str = "version";
/// The layout of the tables; a database of another version is refused.
const VERSION: u32 = 1;

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

/// One coin in the cache (Core's `CCoinsCacheEntry`).
#[derive(Debug, Clone)]
struct CacheEntry {
    /// The coin, or `None` once spent.
    coin: Option<Coin>,
    /// Differs from the database: must be written at the next flush.
    dirty: bool,
    /// Not in the database at all: if spent before the flush, it can simply be forgotten.
    fresh: bool,
}

/// Rough bytes of memory one cached coin takes, for the `-dbcache` budget.
fn entry_size(entry: &CacheEntry) -> usize {
    96 + entry
        .coin
        .as_ref()
        .map_or(0, |c| c.output.script_pubkey.len())
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
    /// Opens (or creates) the database at `db_path` and the block files in `blocks_dir`,
    /// and reads back what the last flush saved. `wipe` starts from an empty database
    /// (`-reindex`), keeping the block files.
    pub fn open(
        db_path: &Path,
        blocks_dir: &Path,
        magic: [u8; 4],
        fastprune: bool,
        wipe: bool,
    ) -> Result<(DiskStore, Saved), StoreError> {
        let db_error = |e: &dyn std::fmt::Display| StoreError::Database {
            path: db_path.to_path_buf(),
            message: e.to_string(),
        };
        if let Some(parent) = db_path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| db_error(&e))?;
        }
        if wipe && db_path.exists() {
            std::fs::remove_file(db_path).map_err(|e| db_error(&e))?;
        }
        let db = open_database(db_path).map_err(|e| db_error(&e))?;
        // Every table exists from the start, so that read transactions can open them.
        {
            let txn = db.begin_write().map_err(|e| db_error(&e))?;
            txn.open_table(BLOCK_INDEX).map_err(|e| db_error(&e))?;
            txn.open_table(BLOCK_POS).map_err(|e| db_error(&e))?;
            txn.open_table(COINS).map_err(|e| db_error(&e))?;
            txn.open_table(UNDO).map_err(|e| db_error(&e))?;
            txn.open_table(TXINDEX).map_err(|e| db_error(&e))?;
            {
                let mut meta = txn.open_table(META).map_err(|e| db_error(&e))?;
                let version = meta
                    .get(META_VERSION)
                    .map_err(|e| db_error(&e))?
                    .map(|v| v.value().to_vec());
                match version {
                    None => {
                        meta.insert(META_VERSION, VERSION.to_le_bytes().as_slice())
                            .map_err(|e| db_error(&e))?;
                    }
                    Some(v) if v == VERSION.to_le_bytes() => {}
                    Some(_) => {
                        return Err(StoreError::Corrupt {
                            path: db_path.to_path_buf(),
                            what: "layout version (made by another version of sou?)".into(),
                        })
                    }
                }
            }
            txn.commit().map_err(|e| db_error(&e))?;
        }
        let reader = db.begin_read().map_err(|e| db_error(&e))?;
        let corrupt = |what: &str| StoreError::Corrupt {
            path: db_path.to_path_buf(),
            what: what.to_string(),
        };
        let mut saved = Saved::default();
        let mut positions = HashMap::new();
        {
            let meta = reader.open_table(META).map_err(|e| db_error(&e))?;
            if let Some(tip) = meta.get(META_COINS_TIP).map_err(|e| db_error(&e))? {
                let bytes: [u8; 32] = tip.value().try_into().map_err(|_| corrupt("coins tip"))?;
                saved.coins_tip = Some(BlockHash::from_byte_array(bytes));
            }
            if let Some(end) = meta.get(META_FILES_END).map_err(|e| db_error(&e))? {
                let v = end.value();
                if v.len() != 12 {
                    return Err(corrupt("block file position"));
                }
                let mut reader = Reader::new(v);
                let file = reader.read_u32_le().map_err(|_| corrupt("block file"))?;
                let offset = reader.read_u64_le().map_err(|_| corrupt("block offset"))?;
                saved.files_end = FilePos { file, offset };
            }
            let index = reader.open_table(BLOCK_INDEX).map_err(|e| db_error(&e))?;
            for row in index.iter().map_err(|e| db_error(&e))? {
                let (key, value) = row.map_err(|e| db_error(&e))?;
                let entry =
                    decode_entry(value.value()).ok_or_else(|| corrupt("block index entry"))?;
                saved
                    .entries
                    .push((BlockHash::from_byte_array(*key.value()), entry));
            }
            let pos = reader.open_table(BLOCK_POS).map_err(|e| db_error(&e))?;
            for row in pos.iter().map_err(|e| db_error(&e))? {
                let (key, value) = row.map_err(|e| db_error(&e))?;
                let (file, offset) = value.value();
                positions.insert(
                    BlockHash::from_byte_array(*key.value()),
                    FilePos { file, offset },
                );
            }
        }
        let files = BlockFiles::open(blocks_dir, magic, fastprune, saved.files_end)?;
        let store = DiskStore {
            path: db_path.to_path_buf(),
            db,
            reader,
            files,
            positions,
            new_positions: Vec::new(),
            on_file: HashMap::new(),
            coins: HashMap::new(),
            coins_bytes: 0,
            new_undo: HashMap::new(),
            new_txindex: Vec::new(),
        };
        Ok((store, saved))
    }

    fn db_error(&self, e: impl std::fmt::Display) -> StoreError {
        StoreError::Database {
            path: self.path.clone(),
            message: e.to_string(),
        }
    }

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

    /// Rough memory held by cached coins, in bytes (compared with `-dbcache`).
    pub fn cache_bytes(&self) -> usize {
        self.coins_bytes
    }

    /// Number of coins in the cache.
    pub fn cached_coins(&self) -> usize {
        self.coins.len()
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

    /// Every unspent coin, from the database and the cache together (for
    /// `gettxoutsetinfo`).
    pub fn all_coins(&self) -> Result<Vec<(OutPoint, Coin)>, StoreError> {
        let table = self
            .reader
            .open_table(COINS)
            .map_err(|e| self.db_error(e))?;
        let mut coins: HashMap<OutPoint, Coin> = HashMap::new();
        for row in table.iter().map_err(|e| self.db_error(e))? {
            let (key, value) = row.map_err(|e| self.db_error(e))?;
            let outpoint = outpoint_from_key(key.value());
            let coin = decode_coin(value.value()).ok_or_else(|| self.corrupt("coin"))?;
            coins.insert(outpoint, coin);
        }
        for (outpoint, entry) in &self.coins {
            match &entry.coin {
                Some(coin) => coins.insert(*outpoint, coin.clone()),
                None => coins.remove(outpoint),
            };
        }
        Ok(coins.into_iter().collect())
    }

    /// Writes everything kept in memory in one database transaction, after forcing the
    /// block files to disk: `changed` tree entries, cached coins, undo data, transaction
    /// index, and `coins_tip`, the tip the coins now belong to (Core `FlushStateToDisk`).
    pub fn flush(
        &mut self,
        changed: &[(BlockHash, BlockEntry)],
        coins_tip: &BlockHash,
    ) -> Result<(), StoreError> {
        self.files.sync()?;
        let txn = self.db.begin_write().map_err(|e| self.db_error(e))?;
        {
            let mut index = txn.open_table(BLOCK_INDEX).map_err(|e| self.db_error(e))?;
            for (hash, entry) in changed {
                index
                    .insert(hash.as_byte_array(), encode_entry(entry).as_slice())
                    .map_err(|e| self.db_error(e))?;
            }
            let mut pos = txn.open_table(BLOCK_POS).map_err(|e| self.db_error(e))?;
            for (hash, p) in &self.new_positions {
                pos.insert(hash.as_byte_array(), (p.file, p.offset))
                    .map_err(|e| self.db_error(e))?;
            }
            let mut coins = txn.open_table(COINS).map_err(|e| self.db_error(e))?;
            for (outpoint, entry) in self.coins.iter().filter(|(_, e)| e.dirty) {
                let key = outpoint_key(outpoint);
                match &entry.coin {
                    Some(coin) => {
                        coins
                            .insert(&key, encode_coin(coin).as_slice())
                            .map_err(|e| self.db_error(e))?;
                    }
                    None => {
                        coins.remove(&key).map_err(|e| self.db_error(e))?;
                    }
                }
            }
            let mut undo = txn.open_table(UNDO).map_err(|e| self.db_error(e))?;
            for (hash, u) in &self.new_undo {
                undo.insert(hash.as_byte_array(), encode_undo(u).as_slice())
                    .map_err(|e| self.db_error(e))?;
            }
            let mut txindex = txn.open_table(TXINDEX).map_err(|e| self.db_error(e))?;
            for (txid, hash) in &self.new_txindex {
                txindex
                    .insert(txid.as_byte_array(), hash.as_byte_array())
                    .map_err(|e| self.db_error(e))?;
            }
            let mut meta = txn.open_table(META).map_err(|e| self.db_error(e))?;
            meta.insert(META_COINS_TIP, coins_tip.as_byte_array().as_slice())
                .map_err(|e| self.db_error(e))?;
            let end = self.files.end();
            let mut end_bytes = Vec::with_capacity(12);
            end_bytes.extend_from_slice(&end.file.to_le_bytes());
            end_bytes.extend_from_slice(&end.offset.to_le_bytes());
            meta.insert(META_FILES_END, end_bytes.as_slice())
                .map_err(|e| self.db_error(e))?;
        }
        txn.commit().map_err(|e| self.db_error(e))?;
        self.new_positions.clear();
        self.new_undo.clear();
        self.new_txindex.clear();
        self.coins.clear();
        self.coins_bytes = 0;
        self.reader = self.db.begin_read().map_err(|e| self.db_error(e))?;
        Ok(())
    }

    /// The coin at `outpoint` in the database (not the cache).
    fn coin_from_db(&self, outpoint: &OutPoint) -> Result<Option<Coin>, StoreError> {
        let table = self
            .reader
            .open_table(COINS)
            .map_err(|e| self.db_error(e))?;
        let value = table
            .get(&outpoint_key(outpoint))
            .map_err(|e| self.db_error(e))?;
        match value {
            None => Ok(None),
            Some(v) => decode_coin(v.value())
                .map(Some)
                .ok_or_else(|| self.corrupt("coin")),
        }
    }

    /// The cache entry for `outpoint`, read from the database into the cache if needed.
    fn cached(&mut self, outpoint: &OutPoint) -> Result<&mut CacheEntry, StoreError> {
        if !self.coins.contains_key(outpoint) {
            let coin = self.coin_from_db(outpoint)?;
            let entry = CacheEntry {
                coin,
                dirty: false,
                fresh: false,
            };
            self.coins_bytes += entry_size(&entry);
            self.coins.insert(*outpoint, entry);
        }
        self.coins
            .get_mut(outpoint)
            .ok_or_else(|| StoreError::Corrupt {
                path: PathBuf::new(),
                what: "coins cache".into(),
            })
    }
}

impl CoinsStore for DiskStore {
    type Error = StoreError;

    fn coin(&mut self, outpoint: &OutPoint) -> Result<Option<Coin>, StoreError> {
        Ok(self.cached(outpoint)?.coin.clone())
    }

    fn add_coin(&mut self, outpoint: OutPoint, coin: Coin) -> Result<(), StoreError> {
        let added = 96 + coin.output.script_pubkey.len();
        match self.coins.get_mut(&outpoint) {
            // Known to the cache: the database may hold a spent version of it, so the
            // entry stays as fresh as it was.
            Some(entry) => {
                entry.coin = Some(coin);
                entry.dirty = true;
            }
            // Unknown to the cache, so not in the database either: coins are only
            // created unspent once (BIP30), and the database holds no spent coins.
            None => {
                self.coins.insert(
                    outpoint,
                    CacheEntry {
                        coin: Some(coin),
                        dirty: true,
                        fresh: true,
                    },
                );
            }
        }
        self.coins_bytes += added;
        Ok(())
    }

    fn spend_coin(&mut self, outpoint: &OutPoint) -> Result<Option<Coin>, StoreError> {
        let entry = self.cached(outpoint)?;
        let coin = entry.coin.take();
        if coin.is_some() {
            if entry.fresh {
                // Never written: forget it entirely.
                self.coins.remove(outpoint);
            } else {
                entry.dirty = true;
            }
        }
        Ok(coin)
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

/// Opens (or creates) the redb database. redb asserts on some kinds of damage instead of
/// returning an error; a damaged file must give the user a message, not a crash, so such
/// a panic is caught (with the panic message kept off standard error) and reported.
fn open_database(path: &Path) -> Result<Database, String> {
    match catch_quietly(|| Database::create(path)) {
        Some(Ok(db)) => Ok(db),
        Some(Err(e)) => Err(e.to_string()),
        None => Err("the database file is damaged".to_string()),
    }
}

/// Runs `f`, turning a panic into `None` without printing it: for code reading a damaged
/// database at start-up, where a clear error must replace the crash.
pub(crate) fn catch_quietly<T>(f: impl FnOnce() -> T) -> Option<T> {
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    std::panic::set_hook(previous_hook);
    result.ok()
}

/// The key of a coin: txid bytes then the output index big endian, so that the table's
/// order is Core's (by txid, then index).
fn outpoint_key(outpoint: &OutPoint) -> [u8; 36] {
    let mut key = [0u8; 36];
    key[..32].copy_from_slice(outpoint.txid.as_byte_array());
    key[32..].copy_from_slice(&outpoint.vout.to_be_bytes());
    key
}

fn outpoint_from_key(key: &[u8; 36]) -> OutPoint {
    let mut txid = [0u8; 32];
    txid.copy_from_slice(&key[..32]);
    let vout = u32::from_be_bytes([key[32], key[33], key[34], key[35]]);
    OutPoint::new(Txid::from_byte_array(txid), vout)
}

/// A coin: height (4 bytes), coinbase flag (1), then the output in consensus encoding.
fn encode_coin(coin: &Coin) -> Vec<u8> {
    let mut out = Vec::with_capacity(16 + coin.output.script_pubkey.len());
    out.extend_from_slice(&coin.height.to_le_bytes());
    out.push(u8::from(coin.is_coinbase));
    out.extend_from_slice(&serialize(&coin.output));
    out
}

fn decode_coin(bytes: &[u8]) -> Option<Coin> {
    let (height, rest) = bytes.split_first_chunk::<4>()?;
    let (flag, output) = rest.split_first()?;
    Some(Coin {
        output: deserialize::<TxOut>(output).ok()?,
        height: u32::from_le_bytes(*height),
        is_coinbase: *flag != 0,
    })
}

/// Undo data: per transaction after the coinbase, a count of coins, then each coin
/// prefixed by its length.
fn encode_undo(undo: &BlockUndo) -> Vec<u8> {
    let mut out = Vec::new();
    write_compact_size(&mut out, undo.spent.len() as u64);
    for coins in &undo.spent {
        write_compact_size(&mut out, coins.len() as u64);
        for coin in coins {
            let bytes = encode_coin(coin);
            write_compact_size(&mut out, bytes.len() as u64);
            out.extend_from_slice(&bytes);
        }
    }
    out
}

fn decode_undo(bytes: &[u8]) -> Option<BlockUndo> {
    let mut reader = Reader::new(bytes);
    // Counts are bounded by the bytes left (at least one byte per item).
    let txs = reader.read_compact_size().ok()?;
    if txs > reader.remaining() as u64 {
        return None;
    }
    let mut spent = Vec::new();
    for _ in 0..txs {
        let n = reader.read_compact_size().ok()?;
        if n > reader.remaining() as u64 {
            return None;
        }
        let mut coins = Vec::new();
        for _ in 0..n {
            coins.push(decode_coin(reader.read_var_bytes().ok()?)?);
        }
        spent.push(coins);
    }
    reader.finish().ok()?;
    Some(BlockUndo { spent })
}

/// A tree entry: header (80), height (4), chain work (32, big endian), status (1),
/// failure (1), has data (1), transaction count (4). The arrival order is not kept: a
/// loaded tree orders arrivals afresh, as Core does.
fn encode_entry(entry: &BlockEntry) -> Vec<u8> {
    let mut out = serialize(&entry.header);
    out.extend_from_slice(&entry.height.to_le_bytes());
    out.extend_from_slice(&entry.chain_work.to_u256().to_be_bytes());
    out.push(match entry.status {
        BlockStatus::Header => 0,
        BlockStatus::Data => 1,
        BlockStatus::Valid => 2,
    });
    out.push(match entry.failure {
        None => 0,
        Some(Failure::Invalid) => 1,
        Some(Failure::InvalidParent) => 2,
    });
    out.push(u8::from(entry.has_data));
    out.extend_from_slice(&entry.tx_count.to_le_bytes());
    out
}

fn decode_entry(bytes: &[u8]) -> Option<BlockEntry> {
    let mut reader = Reader::new(bytes);
    let header: BlockHeader = deserialize(reader.read_slice(80).ok()?).ok()?;
    let height = reader.read_u32_le().ok()?;
    let work = Work::from_u256(U256::from_be_bytes(reader.read_array::<32>().ok()?));
    let status = match reader.read_u8().ok()? {
        0 => BlockStatus::Header,
        1 => BlockStatus::Data,
        2 => BlockStatus::Valid,
        _ => return None,
    };
    let failure = match reader.read_u8().ok()? {
        0 => None,
        1 => Some(Failure::Invalid),
        2 => Some(Failure::InvalidParent),
        _ => return None,
    };
    let has_data = reader.read_u8().ok()? != 0;
    let tx_count = reader.read_u32_le().ok()?;
    reader.finish().ok()?;
    Some(BlockEntry {
        header,
        height,
        chain_work: work,
        status,
        failure,
        has_data,
        tx_count,
        sequence: 0,
    })
}
