//! Flushing: memory to disk in one database transaction (Core `FlushStateToDisk`).
//!
//! A flush first forces the block files to disk, then writes in one redb transaction
//! everything that changed since the last one: the changed entries of the block tree,
//! the new blocks' positions, the dirty coins (a spent one is deleted), the undo data,
//! the transaction index, and the tip the coins now belong to. The files are synced
//! first, so the database never names a block that is not safely stored; it is one
//! transaction, so a crash leaves the old state or the new, never half of each.
//! Afterwards the cache is empty and a new read snapshot sees what was written.
//!
//! References: Core `src/validation.cpp` (`Chainstate::FlushStateToDisk`),
//! `src/txdb.cpp` (`CCoinsViewDB::BatchWrite`).

use sou_chain::chainstate::BlockEntry;
use sou_primitives::BlockHash;

use super::tables::{
    encode_coin, encode_entry, encode_undo, outpoint_key, BLOCK_INDEX, BLOCK_POS, COINS, META,
    META_COINS_TIP, META_FILES_END, TXINDEX, UNDO,
};
use super::{DiskStore, StoreError};

impl DiskStore {
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
}
