//! Where the chain state lives: the seams between validation and storage.
//!
//! Validation needs three kinds of data it does not own: the unspent coins that inputs
//! spend, the blocks themselves (to connect them, or disconnect them in a reorganisation),
//! and each connected block's undo data (the coins it spent, to put back). A test keeps
//! them in memory; a node keeps them on disk, behind a cache that is written out in
//! batches. Both sit behind the same two traits, so blocks are checked by one code path
//! whatever holds the data:
//!
//! - [`CoinsStore`]: read, add and spend coins (Core's `CCoinsView` and its cache);
//! - [`ChainStore`]: a [`CoinsStore`] that also keeps blocks and undo data (Core's
//!   `BlockManager` with its `blk?????.dat` and `rev?????.dat` files).
//!
//! [`UtxoSet`] is the in-memory coins store and [`MemoryStore`] the in-memory chain store
//! that [`Chainstate::new`](crate::Chainstate::new) uses. Their error type is
//! [`Infallible`]: memory does not fail. A store on disk reports its own failures, which
//! validation passes up as [`ChainError::Store`], never as a verdict on a block: a disk
//! that cannot be read says nothing about the block being checked.
//!
//! References: Core `src/coins.h` (`CCoinsView`, `CCoinsViewCache`), `src/node/blockstorage.h`.

use std::collections::HashMap;
use std::convert::Infallible;

use sou_primitives::{Block, BlockHash, OutPoint};
use thiserror::Error;

use crate::chainstate::{BlockUndo, ChainstateError, UtxoSet};
use crate::consensus::{BlockError, Coin};

/// Unspent coins: what a block's inputs read and what connecting it changes.
pub trait CoinsStore {
    /// A failure of the storage itself.
    type Error: std::error::Error + Send + Sync + 'static;

    /// The unspent coin at `outpoint`, if any. Takes `&mut self` so that a cache may keep
    /// what it read from below.
    fn coin(&mut self, outpoint: &OutPoint) -> Result<Option<Coin>, Self::Error>;

    /// Adds a new unspent coin.
    fn add_coin(&mut self, outpoint: OutPoint, coin: Coin) -> Result<(), Self::Error>;

    /// Spends (removes) the coin at `outpoint`, returning it if it was there.
    fn spend_coin(&mut self, outpoint: &OutPoint) -> Result<Option<Coin>, Self::Error>;
}

/// A coins store that also keeps blocks and undo data: everything a [`Chainstate`]
/// needs besides its block tree.
///
/// [`Chainstate`]: crate::Chainstate
pub trait ChainStore: CoinsStore {
    /// Keeps the data of block `hash` (its header is already in the tree).
    fn store_block(&mut self, hash: &BlockHash, block: &Block) -> Result<(), Self::Error>;

    /// The data of block `hash`, if kept.
    fn block(&mut self, hash: &BlockHash) -> Result<Option<Block>, Self::Error>;

    /// Keeps what connecting block `hash` spent.
    fn store_undo(&mut self, hash: &BlockHash, undo: &BlockUndo) -> Result<(), Self::Error>;

    /// What connecting block `hash` spent, if kept.
    fn undo(&mut self, hash: &BlockHash) -> Result<Option<BlockUndo>, Self::Error>;
}

/// Why a block could not be processed: the block's fault, our data's, or the store's.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ChainError<E> {
    /// The block breaks a consensus rule.
    #[error(transparent)]
    Invalid(#[from] BlockError),
    /// Our own data does not fit together (a missing block, undo data that does not match).
    #[error(transparent)]
    Inconsistent(#[from] ChainstateError),
    /// The store failed; nothing is known about the block.
    #[error("chain state storage failed: {0}")]
    Store(E),
}

impl<E> ChainError<E> {
    /// The consensus rule broken, when the block is at fault.
    pub fn invalid(&self) -> Option<&BlockError> {
        match self {
            ChainError::Invalid(e) => Some(e),
            _ => None,
        }
    }
}

impl ChainError<Infallible> {
    /// For an in-memory store, whose only failures are the block's or the data's: the rule
    /// broken, or `None` for inconsistent data.
    pub fn into_block_error(self) -> Option<BlockError> {
        match self {
            ChainError::Invalid(e) => Some(e),
            ChainError::Inconsistent(_) => None,
            ChainError::Store(never) => match never {},
        }
    }
}

impl CoinsStore for UtxoSet {
    type Error = Infallible;

    fn coin(&mut self, outpoint: &OutPoint) -> Result<Option<Coin>, Infallible> {
        Ok(self.get(outpoint).cloned())
    }

    fn add_coin(&mut self, outpoint: OutPoint, coin: Coin) -> Result<(), Infallible> {
        self.insert(outpoint, coin);
        Ok(())
    }

    fn spend_coin(&mut self, outpoint: &OutPoint) -> Result<Option<Coin>, Infallible> {
        Ok(self.remove(outpoint))
    }
}

/// Everything in memory: the UTXO set, blocks and undo data (tests, examples, small tools).
#[derive(Debug, Clone, Default)]
pub struct MemoryStore {
    /// The unspent coins.
    pub utxo: UtxoSet,
    blocks: HashMap<BlockHash, Block>,
    undo: HashMap<BlockHash, BlockUndo>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    /// The data of block `hash`, if kept, without copying it.
    pub fn block_ref(&self, hash: &BlockHash) -> Option<&Block> {
        self.blocks.get(hash)
    }
}

impl CoinsStore for MemoryStore {
    type Error = Infallible;

    fn coin(&mut self, outpoint: &OutPoint) -> Result<Option<Coin>, Infallible> {
        self.utxo.coin(outpoint)
    }

    fn add_coin(&mut self, outpoint: OutPoint, coin: Coin) -> Result<(), Infallible> {
        self.utxo.add_coin(outpoint, coin)
    }

    fn spend_coin(&mut self, outpoint: &OutPoint) -> Result<Option<Coin>, Infallible> {
        self.utxo.spend_coin(outpoint)
    }
}

impl ChainStore for MemoryStore {
    fn store_block(&mut self, hash: &BlockHash, block: &Block) -> Result<(), Infallible> {
        self.blocks.insert(*hash, block.clone());
        Ok(())
    }

    fn block(&mut self, hash: &BlockHash) -> Result<Option<Block>, Infallible> {
        Ok(self.blocks.get(hash).cloned())
    }

    fn store_undo(&mut self, hash: &BlockHash, undo: &BlockUndo) -> Result<(), Infallible> {
        self.undo.insert(*hash, undo.clone());
        Ok(())
    }

    fn undo(&mut self, hash: &BlockHash) -> Result<Option<BlockUndo>, Infallible> {
        Ok(self.undo.get(hash).cloned())
    }
}

/// Changes to coins kept aside from the store below them, which is only read: connecting
/// a block into an overlay checks it completely and leaves the real coins untouched (Core
/// connects into a throwaway `CCoinsViewCache` for `TestBlockValidity`).
#[derive(Debug)]
pub struct CoinsOverlay<'a, C: CoinsStore + ?Sized> {
    base: &'a mut C,
    /// Coins added (`Some`) or spent (`None`) in the overlay.
    changes: HashMap<OutPoint, Option<Coin>>,
}

impl<'a, C: CoinsStore + ?Sized> CoinsOverlay<'a, C> {
    /// An overlay with no changes over `base`.
    pub fn new(base: &'a mut C) -> CoinsOverlay<'a, C> {
        CoinsOverlay {
            base,
            changes: HashMap::new(),
        }
    }
}

impl<C: CoinsStore + ?Sized> CoinsStore for CoinsOverlay<'_, C> {
    type Error = C::Error;

    fn coin(&mut self, outpoint: &OutPoint) -> Result<Option<Coin>, C::Error> {
        match self.changes.get(outpoint) {
            Some(change) => Ok(change.clone()),
            None => self.base.coin(outpoint),
        }
    }

    fn add_coin(&mut self, outpoint: OutPoint, coin: Coin) -> Result<(), C::Error> {
        self.changes.insert(outpoint, Some(coin));
        Ok(())
    }

    fn spend_coin(&mut self, outpoint: &OutPoint) -> Result<Option<Coin>, C::Error> {
        let coin = self.coin(outpoint)?;
        if coin.is_some() {
            self.changes.insert(*outpoint, None);
        }
        Ok(coin)
    }
}
