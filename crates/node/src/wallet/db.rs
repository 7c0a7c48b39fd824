//! A wallet's file: `<walletdir>/NAME/wallet.redb`, Core's layout with redb in place of
//! `wallet.dat`'s SQLite.
//!
//! Three tables, each value a small JSON record (a wallet's file is read once, at load,
//! and written a few records at a time, so readability beats compactness):
//!
//! | table | key | value |
//! | --- | --- | --- |
//! | `meta` | a name (`flags`, `best_block`, `birth`) | JSON |
//! | `descriptors` | descriptor id (SHA-256 of its public text) | text with secrets, range, next index, active type |
//! | `transactions` | txid (32 bytes) | raw transaction, block (hash, height, time, position), time received, replacement links |
//! | `labels` | address | label |
//!
//! Every change the wallet makes is written in one redb transaction, committed with
//! fsync before the RPC answers: a `kill -9` after an answer loses nothing, and one in
//! the middle leaves the file as before or as after.

use std::path::Path;

use redb::{Database, ReadableTable, TableDefinition};
use serde_json::Value;

pub(super) const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
pub(super) const DESCRIPTORS: TableDefinition<&str, &[u8]> = TableDefinition::new("descriptors");
pub(super) const TRANSACTIONS: TableDefinition<&[u8; 32], &[u8]> =
    TableDefinition::new("transactions");
pub(super) const LABELS: TableDefinition<&str, &str> = TableDefinition::new("labels");

/// A failure of the wallet's file.
#[derive(Debug, thiserror::Error)]
#[error("wallet database {path}: {what}")]
pub struct DbError {
    /// The file.
    pub path: String,
    /// What went wrong.
    pub what: String,
}

/// One write: the records to put and to delete, committed together.
#[derive(Debug, Default)]
pub struct Batch {
    /// `meta` records.
    pub meta: Vec<(String, Value)>,
    /// Descriptors by id.
    pub descriptors: Vec<(String, Value)>,
    /// Transactions by txid bytes.
    pub transactions: Vec<([u8; 32], Value)>,
    /// Labels by address.
    pub labels: Vec<(String, String)>,
}

impl Batch {
    /// True when there is nothing to write.
    pub fn is_empty(&self) -> bool {
        self.meta.is_empty()
            && self.descriptors.is_empty()
            && self.transactions.is_empty()
            && self.labels.is_empty()
    }
}

/// Everything a wallet's file holds, read at load.
#[derive(Debug, Default)]
pub struct Contents {
    /// `meta`.
    pub meta: Vec<(String, Value)>,
    /// `descriptors`.
    pub descriptors: Vec<Value>,
    /// `transactions`.
    pub transactions: Vec<Value>,
    /// `labels`.
    pub labels: Vec<(String, String)>,
}

/// An open wallet file.
#[derive(Debug)]
pub struct WalletDb {
    db: Database,
    path: String,
}

impl WalletDb {
    /// Creates the file (its folder must exist) with empty tables.
    pub fn create(path: &Path) -> Result<WalletDb, DbError> {
        let shown = path.display().to_string();
        let db = Database::create(path).map_err(|e| error(&shown, e))?;
        let wallet = WalletDb { db, path: shown };
        wallet.write(Batch::default())?;
        Ok(wallet)
    }

    /// Opens an existing file.
    pub fn open(path: &Path) -> Result<WalletDb, DbError> {
        let shown = path.display().to_string();
        let db = Database::open(path).map_err(|e| error(&shown, e))?;
        Ok(WalletDb { db, path: shown })
    }

    /// Commits `batch` in one transaction (creating the tables if need be).
    pub fn write(&self, batch: Batch) -> Result<(), DbError> {
        let e = |e: &dyn std::fmt::Display| error(&self.path, e);
        let txn = self.db.begin_write().map_err(|x| e(&x))?;
        {
            let mut meta = txn.open_table(META).map_err(|x| e(&x))?;
            for (key, value) in &batch.meta {
                let bytes = value.to_string();
                meta.insert(key.as_str(), bytes.as_bytes())
                    .map_err(|x| e(&x))?;
            }
            let mut descriptors = txn.open_table(DESCRIPTORS).map_err(|x| e(&x))?;
            for (id, value) in &batch.descriptors {
                let bytes = value.to_string();
                descriptors
                    .insert(id.as_str(), bytes.as_bytes())
                    .map_err(|x| e(&x))?;
            }
            let mut transactions = txn.open_table(TRANSACTIONS).map_err(|x| e(&x))?;
            for (txid, value) in &batch.transactions {
                let bytes = value.to_string();
                transactions
                    .insert(txid, bytes.as_bytes())
                    .map_err(|x| e(&x))?;
            }
            let mut labels = txn.open_table(LABELS).map_err(|x| e(&x))?;
            for (address, label) in &batch.labels {
                labels
                    .insert(address.as_str(), label.as_str())
                    .map_err(|x| e(&x))?;
            }
        }
        txn.commit().map_err(|x| e(&x))
    }

    /// Reads every record.
    pub fn read_all(&self) -> Result<Contents, DbError> {
        let e = |e: &dyn std::fmt::Display| error(&self.path, e);
        let json = |bytes: &[u8]| -> Result<Value, DbError> {
            serde_json::from_slice(bytes).map_err(|x| e(&x))
        };
        let txn = self.db.begin_read().map_err(|x| e(&x))?;
        let mut contents = Contents::default();
        let meta = txn.open_table(META).map_err(|x| e(&x))?;
        for row in meta.iter().map_err(|x| e(&x))? {
            let (k, v) = row.map_err(|x| e(&x))?;
            contents
                .meta
                .push((k.value().to_string(), json(v.value())?));
        }
        let descriptors = txn.open_table(DESCRIPTORS).map_err(|x| e(&x))?;
        for row in descriptors.iter().map_err(|x| e(&x))? {
            let (_, v) = row.map_err(|x| e(&x))?;
            contents.descriptors.push(json(v.value())?);
        }
        let transactions = txn.open_table(TRANSACTIONS).map_err(|x| e(&x))?;
        for row in transactions.iter().map_err(|x| e(&x))? {
            let (_, v) = row.map_err(|x| e(&x))?;
            contents.transactions.push(json(v.value())?);
        }
        let labels = txn.open_table(LABELS).map_err(|x| e(&x))?;
        for row in labels.iter().map_err(|x| e(&x))? {
            let (k, v) = row.map_err(|x| e(&x))?;
            contents
                .labels
                .push((k.value().to_string(), v.value().to_string()));
        }
        Ok(contents)
    }
}

fn error(path: &str, e: impl std::fmt::Display) -> DbError {
    DbError {
        path: path.to_string(),
        what: e.to_string(),
    }
}
