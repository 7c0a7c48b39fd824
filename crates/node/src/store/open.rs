//! Opening the store: make the tables, check their layout, read back the last flush.
//!
//! [`DiskStore::open`] makes every table exist, so that read snapshots can open them,
//! and refuses a database whose layout version it does not know. It then reads what the
//! last flush left: the tip the coins belong to, where the indexed block files end, the
//! block tree and each block's position in the files. The coins stay in the database,
//! read into the cache when asked for. Blocks the files hold past the recorded end were
//! accepted after the last flush; the node reads them back
//! ([`DiskStore::unindexed_records`]) and connects them again.
//!
//! redb asserts on some kinds of damage instead of returning an error. A damaged file
//! must give the user a message, not a crash, so opening catches such a panic
//! ([`catch_quietly`]).
//!
//! References: Core `src/node/blockstorage.cpp` (`BlockManager::LoadBlockIndexDB`),
//! `src/txdb.cpp`.

use std::collections::HashMap;
use std::path::Path;

use redb::{Database, ReadableTable};
use sou_primitives::encoding::Reader;
use sou_primitives::BlockHash;

use super::tables::{
    decode_entry, BLOCK_INDEX, BLOCK_POS, COINS, META, META_COINS_TIP, META_FILES_END,
    META_VERSION, TXINDEX, UNDO, VERSION,
};
use super::{DiskStore, Saved, StoreError};
use crate::blockfiles::{BlockFiles, FilePos};

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
