//! Following the chain: what each block, or its undoing, changes for the wallet.
//!
//! The wallet does not validate blocks. [`Wallet::apply_block`] reads blocks the caller
//! vouches for (a validating chain hands them over in order): coins paying the wallet
//! arrive, coins it spends leave, and a pending transaction of the wallet whose inputs
//! the block spends in another way is dropped as conflicted; [`BlockEvents`] lists all
//! three. In a reorganisation [`Wallet::disconnect_block`] undoes the tip block: its
//! coins go, the coins it spent come back (the wallet kept them aside), and the wallet's
//! own transactions in it wait again, unconfirmed, as in a node's mempool.
//!
//! References: Core `src/wallet/wallet.cpp` (`blockConnected`, `blockDisconnected`,
//! `SyncTransaction`, `MarkConflicted`).

use sou_primitives::{Block, OutPoint, Txid};

use super::Wallet;
use crate::Error;

/// What a block changed for the wallet.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BlockEvents {
    /// New coins.
    pub received: Vec<OutPoint>,
    /// Coins spent.
    pub spent: Vec<OutPoint>,
    /// Transactions of the wallet dropped because the block spends their inputs.
    pub conflicted: Vec<Txid>,
}

impl Wallet {
    /// Reads a block at `height` (the caller's chain has validated and connected it):
    /// coins paying the wallet arrive, coins it spends leave, and transactions of the
    /// wallet that it contradicts are dropped.
    pub fn apply_block(&mut self, block: &Block, height: u32) -> Result<BlockEvents, Error> {
        let mut events = BlockEvents::default();
        for tx in &block.txdata {
            let txid = tx.compute_txid();
            if !tx.is_coinbase() {
                for input in &tx.input {
                    let outpoint = input.previous_output;
                    if let Some(other) = self.spent_by.get(&outpoint).copied() {
                        if other != txid {
                            self.drop_pending(other);
                            events.conflicted.push(other);
                        }
                    }
                    if let Some(coin) = self.coins.remove(&outpoint) {
                        self.spent_by.remove(&outpoint);
                        self.spent_in_block.insert(outpoint, (coin, height));
                        events.spent.push(outpoint);
                    }
                }
            }
            self.pending.remove(&txid);
            events
                .received
                .extend(self.add_outputs(tx, txid, Some(height))?);
        }
        self.tip_height = height;
        self.tip_time = block.header.time;
        Ok(events)
    }

    /// Undoes [`Wallet::apply_block`] for the tip block at `height` in a reorganisation:
    /// its coins go, the coins it spent come back, and the wallet's own transactions in
    /// it wait again, unconfirmed.
    pub fn disconnect_block(&mut self, block: &Block, height: u32) -> Result<(), Error> {
        let mut mine = Vec::new();
        for tx in block.txdata.iter().rev() {
            let txid = tx.compute_txid();
            let mut touches = false;
            for (vout, _) in (0u32..).zip(&tx.output) {
                touches |= self.coins.remove(&OutPoint::new(txid, vout)).is_some();
            }
            if !tx.is_coinbase() {
                for input in &tx.input {
                    if let Some((coin, h)) = self.spent_in_block.remove(&input.previous_output) {
                        if h == height {
                            self.coins.insert(input.previous_output, coin);
                            touches = true;
                        }
                    }
                }
                if touches {
                    mine.push(tx.clone());
                }
            }
        }
        self.tip_height = height.saturating_sub(1);
        for tx in mine.into_iter().rev() {
            // Back to waiting for a block, as in a node's mempool; one that conflicts
            // with a payment made since is dropped, as a mempool would.
            match self.add_unconfirmed(&tx) {
                Ok(_) | Err(Error::AlreadySpent(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}
