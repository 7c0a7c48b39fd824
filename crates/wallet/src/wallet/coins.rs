//! The wallet's coins: which it holds, which wait for a block, which it may spend.
//!
//! A [`WalletCoin`] is an output paying one of the wallet's scripts. It is *confirmed*
//! once in a block, *unconfirmed* while the transaction creating it waits for one (a
//! payment just sent, its change), and *immature* while it comes from a coinbase less
//! than 100 blocks deep, which consensus lets no one spend. [`Balance`] adds up each.
//!
//! The wallet remembers its own unconfirmed transactions ([`Wallet::add_unconfirmed`])
//! and which of its coins each spends. A coin so spent, even unconfirmed, is never
//! offered again: spending it twice is refused ([`crate::Error::AlreadySpent`]). A
//! transaction that can no longer confirm is forgotten, with everything spending its
//! outputs.
//!
//! A payment spends confirmed, mature coins ([`Wallet::spendable_coins`]) and, if they
//! fall short, *trusted* unconfirmed change ([`Wallet::spendable_coins_with_change`]):
//! outputs of the wallet's own pending transactions that spent only its own coins, so
//! that no one else can double-spend them (Core `-spendzeroconfchange`).
//!
//! References: Core `src/wallet/receive.cpp` (`GetBalance`, `CachedTxIsTrusted`),
//! `src/wallet/spend.cpp` (`AvailableCoins`).

use sou_primitives::network::COINBASE_MATURITY;
use sou_primitives::{Amount, OutPoint, Transaction, TxOut, Txid};

use super::{KeyOrigin, Wallet};
use crate::builder::SpendableCoin;
use crate::Error;

/// A coin of the wallet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalletCoin {
    /// Where it is.
    pub outpoint: OutPoint,
    /// The output.
    pub output: TxOut,
    /// Which key it pays.
    pub origin: KeyOrigin,
    /// Height of its block; `None` while unconfirmed.
    pub height: Option<u32>,
    /// True for a coinbase output.
    pub coinbase: bool,
}

/// The wallet's balances.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Balance {
    /// Confirmed and spendable.
    pub confirmed: Amount,
    /// Outputs of the wallet's transactions still waiting for a block.
    pub unconfirmed: Amount,
    /// Coinbase outputs under 100 confirmations.
    pub immature: Amount,
}

impl Balance {
    /// All three together.
    pub fn total(&self) -> Amount {
        Amount::from_sat(
            self.confirmed.to_sat() + self.unconfirmed.to_sat() + self.immature.to_sat(),
        )
    }
}

impl Wallet {
    /// Forgets a pending transaction that can no longer confirm, and the pending
    /// transactions that spend its outputs, which cannot either.
    pub(super) fn drop_pending(&mut self, txid: Txid) {
        let mut doomed = vec![txid];
        while let Some(txid) = doomed.pop() {
            let Some(tx) = self.pending.remove(&txid) else {
                continue;
            };
            for input in &tx.input {
                if self.spent_by.get(&input.previous_output) == Some(&txid) {
                    self.spent_by.remove(&input.previous_output);
                }
            }
            for (vout, _) in (0u32..).zip(&tx.output) {
                let outpoint = OutPoint::new(txid, vout);
                self.coins.remove(&outpoint);
                doomed.extend(self.spent_by.remove(&outpoint));
            }
        }
    }

    /// Adds the outputs of `tx` that pay the wallet, confirmed at `height` or pending.
    pub(super) fn add_outputs(
        &mut self,
        tx: &Transaction,
        txid: Txid,
        height: Option<u32>,
    ) -> Result<Vec<OutPoint>, Error> {
        let mut added = Vec::new();
        for (vout, output) in (0u32..).zip(&tx.output) {
            if let Some(origin) = self.origin_of(&output.script_pubkey) {
                let outpoint = OutPoint::new(txid, vout);
                let coin = WalletCoin {
                    outpoint,
                    output: output.clone(),
                    origin,
                    height,
                    coinbase: tx.is_coinbase(),
                };
                self.coins.insert(outpoint, coin);
                self.mark_used(origin)?;
                added.push(outpoint);
            }
        }
        Ok(added)
    }

    /// Records a transaction of the wallet that is not yet in a block (just sent, or
    /// received unconfirmed). Refuses one that spends a coin another transaction of the
    /// wallet already spends. Returns whether the transaction concerns the wallet.
    pub fn add_unconfirmed(&mut self, tx: &Transaction) -> Result<bool, Error> {
        let txid = tx.compute_txid();
        if self.pending.contains_key(&txid) {
            return Ok(true);
        }
        for input in &tx.input {
            let outpoint = input.previous_output;
            let spent_elsewhere = self
                .spent_by
                .get(&outpoint)
                .is_some_and(|other| *other != txid);
            if spent_elsewhere || self.spent_in_block.contains_key(&outpoint) {
                return Err(Error::AlreadySpent(outpoint));
            }
        }
        let mut touches = false;
        for input in &tx.input {
            if self.coins.contains_key(&input.previous_output) {
                self.spent_by.insert(input.previous_output, txid);
                touches = true;
            }
        }
        touches |= !self.add_outputs(tx, txid, None)?.is_empty();
        if touches {
            self.pending.insert(txid, tx.clone());
        }
        Ok(touches)
    }

    /// Every coin the wallet holds, spent by a pending transaction or not.
    pub fn coins(&self) -> impl Iterator<Item = &WalletCoin> {
        self.coins.values()
    }

    /// The wallet's unconfirmed transactions.
    pub fn pending(&self) -> impl Iterator<Item = &Transaction> {
        self.pending.values()
    }

    /// Confirmed and, if a coinbase's, at least 100 blocks deep.
    fn is_mature(&self, coin: &WalletCoin) -> bool {
        match coin.height {
            Some(h) => !coin.coinbase || self.tip_height.saturating_sub(h) + 1 >= COINBASE_MATURITY,
            None => false,
        }
    }

    /// Confirmed, unconfirmed and immature balances; coins already spent by a pending
    /// transaction count in none of them.
    pub fn balance(&self) -> Balance {
        let mut b = Balance::default();
        for coin in self
            .coins
            .values()
            .filter(|c| !self.spent_by.contains_key(&c.outpoint))
        {
            let slot = match coin.height {
                None => &mut b.unconfirmed,
                Some(_) if self.is_mature(coin) => &mut b.confirmed,
                Some(_) => &mut b.immature,
            };
            *slot = Amount::from_sat(slot.to_sat() + coin.output.value.to_sat());
        }
        b
    }

    /// Coins a new payment may spend: confirmed, mature, and not spent already.
    pub fn spendable_coins(&self) -> Vec<SpendableCoin> {
        self.coins_where(|c| self.is_mature(c))
    }

    /// Spendable coins plus *trusted* unconfirmed ones: outputs of the wallet's own
    /// pending transactions that spend only the wallet's coins (its change). No one else
    /// can double-spend their parents, so Core spends them too when confirmed coins fall
    /// short (`-spendzeroconfchange`).
    pub fn spendable_coins_with_change(&self) -> Vec<SpendableCoin> {
        self.coins_where(|c| self.is_mature(c) || self.is_trusted_change(c))
    }

    /// An output of a pending transaction of the wallet that spends only the wallet's
    /// own coins.
    fn is_trusted_change(&self, coin: &WalletCoin) -> bool {
        let txid = coin.outpoint.txid;
        coin.height.is_none()
            && self.pending.get(&txid).is_some_and(|tx| {
                tx.input
                    .iter()
                    .all(|i| self.spent_by.get(&i.previous_output) == Some(&txid))
            })
    }

    /// The coins passing `eligible` that no pending transaction spends, as the builder
    /// takes them.
    fn coins_where(&self, eligible: impl Fn(&WalletCoin) -> bool) -> Vec<SpendableCoin> {
        self.coins
            .values()
            .filter(|c| eligible(c) && !self.spent_by.contains_key(&c.outpoint))
            .map(|c| SpendableCoin {
                outpoint: c.outpoint,
                output: c.output.clone(),
                kind: c.origin.account.input_kind(),
            })
            .collect()
    }
}
