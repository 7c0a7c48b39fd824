//! The coins cache: the UTXO set in memory between flushes (Core `CCoinsViewCache`).
//!
//! Connecting a block reads every coin it spends and writes every coin it creates.
//! Going to the database each time would be slow, so coins pass through a cache: a coin
//! is read from the database the first time it is asked for, and changes stay in memory
//! until the next [`DiskStore::flush`]. Each entry carries Core's two flags:
//!
//! - *dirty*: it differs from the database and must be written at the flush;
//! - *fresh*: the database has never held it, so if it is spent before the flush it is
//!   simply forgotten. A coin created and spent between two flushes never reaches the
//!   disk at all.
//!
//! Each cached coin's memory is estimated ([`DiskStore::cache_bytes`]); the node
//! flushes when the total passes `-dbcache`.
//!
//! References: Core `src/coins.cpp` (`CCoinsViewCache::FetchCoin`, `AddCoin`,
//! `SpendCoin`), `src/coins.h` (`CCoinsCacheEntry`, DIRTY and FRESH).

use std::collections::HashMap;
use std::path::PathBuf;

use redb::ReadableTable;
use sou_chain::consensus::Coin;
use sou_chain::CoinsStore;
use sou_primitives::OutPoint;

use super::tables::{decode_coin, outpoint_from_key, outpoint_key, COINS};
use super::{DiskStore, StoreError};

/// One coin in the cache (Core's `CCoinsCacheEntry`).
#[derive(Debug, Clone)]
pub(super) struct CacheEntry {
    /// The coin, or `None` once spent.
    pub(super) coin: Option<Coin>,
    /// Differs from the database: must be written at the next flush.
    pub(super) dirty: bool,
    /// Not in the database at all: if spent before the flush, it can simply be forgotten.
    pub(super) fresh: bool,
}

/// Rough bytes of memory one cached coin takes, for the `-dbcache` budget.
fn entry_size(entry: &CacheEntry) -> usize {
    96 + entry
        .coin
        .as_ref()
        .map_or(0, |c| c.output.script_pubkey.len())
}

impl DiskStore {
    /// Rough memory held by cached coins, in bytes (compared with `-dbcache`).
    pub fn cache_bytes(&self) -> usize {
        self.coins_bytes
    }

    /// Number of coins in the cache.
    pub fn cached_coins(&self) -> usize {
        self.coins.len()
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
