//! The test's picture of the chain and the pool: every transaction it made, the coins each
//! creates and spends, and which of them the reference node says are confirmed or pooled.
//!
//! The generator never decides on its own what the pool holds: after each step the driver
//! reads `getrawmempool` from the reference node into [`Model::pool`], and after each block
//! its transactions into [`Model::blocks`]. A coin is available when the transaction that
//! made it is confirmed or pooled and no confirmed or pooled transaction spends it.

use std::collections::{BTreeMap, BTreeSet};

use sou_chain::consensus::Coin;
use sou_primitives::{OutPoint, Transaction, TxOut, Txid};

use crate::coins::{Funded, Kind};

/// An output the test can unlock.
#[derive(Debug, Clone)]
pub(crate) struct Utxo {
    pub(crate) kind: Kind,
    pub(crate) outpoint: OutPoint,
    pub(crate) output: TxOut,
}

impl Utxo {
    pub(crate) fn value(&self) -> i64 {
        self.output.value.to_sat()
    }

    /// The form `coins.rs` signs with (height and coinbase flag do not enter a signature).
    pub(crate) fn funded(&self) -> Funded {
        Funded {
            kind: self.kind,
            outpoint: self.outpoint,
            coin: Coin {
                output: self.output.clone(),
                height: 0,
                is_coinbase: false,
            },
        }
    }
}

/// A transaction the generator made (sent or not).
#[derive(Debug, Clone)]
pub(crate) struct Made {
    pub(crate) tx: Transaction,
    /// Inputs minus outputs, in satoshis (negative for an invalid one).
    pub(crate) fee: i64,
    pub(crate) vsize: u64,
}

/// A block above the funding block: its hash and the transactions it confirmed.
#[derive(Debug, Clone)]
pub(crate) struct MinedBlock {
    pub(crate) hash: String,
    pub(crate) txids: Vec<Txid>,
}

/// What the test knows.
#[derive(Default)]
pub(crate) struct Model {
    /// Every transaction made, by txid.
    pub(crate) made: BTreeMap<Txid, Made>,
    /// Every output the test can unlock, of the funding transaction and of made ones.
    pub(crate) outputs: BTreeMap<OutPoint, Utxo>,
    /// Which made transactions spend an outpoint.
    pub(crate) spenders: BTreeMap<OutPoint, Vec<Txid>>,
    /// Transactions in the active chain (the funding transaction and those of `blocks`).
    pub(crate) confirmed: BTreeSet<Txid>,
    /// Blocks mined during the run, on the active chain, lowest first.
    pub(crate) blocks: Vec<MinedBlock>,
    /// The tip block's height.
    pub(crate) height: u32,
    /// The reference node's pool, as of the last step.
    pub(crate) pool: BTreeSet<Txid>,
    /// Fee deltas given with `prioritisetransaction`.
    pub(crate) deltas: BTreeMap<Txid, i64>,
    /// Transactions sent at least once, in order (for resending).
    pub(crate) sent: Vec<Txid>,
    /// The blocks last invalidated (lowest first), while they may still be reconsidered.
    pub(crate) invalidated: Vec<MinedBlock>,
    /// Coins whose spend is never standard or valid (bad scripts, immature coinbase).
    pub(crate) bad: Vec<Utxo>,
    /// Cached per step: available coins, split by confirmation.
    cache: Option<Available>,
}

/// Available coins, confirmed and unconfirmed.
#[derive(Clone, Default)]
pub(crate) struct Available {
    pub(crate) confirmed: Vec<Utxo>,
    pub(crate) unconfirmed: Vec<Utxo>,
}

impl Model {
    /// Records a made transaction; `kinds[i]` says how to unlock output `i`, if the test
    /// can.
    pub(crate) fn register(&mut self, tx: &Transaction, kinds: &[Option<Kind>], fee: i64) {
        let txid = tx.compute_txid();
        for input in &tx.input {
            let spenders = self.spenders.entry(input.previous_output).or_default();
            if !spenders.contains(&txid) {
                spenders.push(txid);
            }
        }
        for (vout, output) in tx.output.iter().enumerate() {
            if let Some(Some(kind)) = kinds.get(vout) {
                let outpoint = OutPoint::new(txid, vout as u32);
                self.outputs.insert(
                    outpoint,
                    Utxo {
                        kind: *kind,
                        outpoint,
                        output: output.clone(),
                    },
                );
            }
        }
        self.made.insert(
            txid,
            Made {
                tx: tx.clone(),
                fee,
                vsize: tx.vsize(),
            },
        );
        // A new transaction is neither confirmed nor pooled: nothing becomes available
        // or spent, so the cache stands.
    }

    /// Confirmed or pooled.
    pub(crate) fn live(&self, txid: &Txid) -> bool {
        self.confirmed.contains(txid) || self.pool.contains(txid)
    }

    /// Takes the reference node's pool.
    pub(crate) fn set_pool(&mut self, pool: BTreeSet<Txid>) {
        if pool != self.pool {
            self.pool = pool;
            self.cache = None;
        }
    }

    /// A block joined the active chain.
    pub(crate) fn connect(&mut self, block: MinedBlock) {
        self.confirmed.extend(block.txids.iter().copied());
        self.blocks.push(block);
        self.height += 1;
        self.cache = None;
    }

    /// The tip left the active chain.
    pub(crate) fn disconnect(&mut self) -> Option<MinedBlock> {
        let block = self.blocks.pop()?;
        for txid in &block.txids {
            self.confirmed.remove(txid);
        }
        self.height -= 1;
        self.cache = None;
        Some(block)
    }

    /// Coins that nothing confirmed or pooled spends, made by something confirmed or
    /// pooled.
    pub(crate) fn available(&mut self) -> Available {
        if let Some(cached) = &self.cache {
            return cached.clone();
        }
        let mut available = Available::default();
        for (outpoint, utxo) in &self.outputs {
            let creator = &outpoint.txid;
            if !self.live(creator) {
                continue;
            }
            let spent = self
                .spenders
                .get(outpoint)
                .is_some_and(|s| s.iter().any(|t| self.live(t)));
            if spent {
                continue;
            }
            if self.confirmed.contains(creator) {
                available.confirmed.push(utxo.clone());
            } else {
                available.unconfirmed.push(utxo.clone());
            }
        }
        self.cache = Some(available.clone());
        available
    }

    /// The pooled transactions that `txid` spends from.
    pub(crate) fn pool_parents(&self, txid: &Txid) -> BTreeSet<Txid> {
        let Some(made) = self.made.get(txid) else {
            return BTreeSet::new();
        };
        made.tx
            .input
            .iter()
            .map(|i| i.previous_output.txid)
            .filter(|t| self.pool.contains(t))
            .collect()
    }

    /// The pooled transactions spending an output of `txid`.
    pub(crate) fn pool_children(&self, txid: &Txid) -> BTreeSet<Txid> {
        let Some(made) = self.made.get(txid) else {
            return BTreeSet::new();
        };
        let mut children = BTreeSet::new();
        for vout in 0..made.tx.output.len() {
            if let Some(spenders) = self.spenders.get(&OutPoint::new(*txid, vout as u32)) {
                children.extend(spenders.iter().filter(|t| self.pool.contains(t)));
            }
        }
        children
    }

    /// `txid` and its pooled descendants.
    pub(crate) fn with_descendants(&self, txid: &Txid) -> BTreeSet<Txid> {
        let mut seen = BTreeSet::from([*txid]);
        let mut todo = vec![*txid];
        while let Some(t) = todo.pop() {
            for child in self.pool_children(&t) {
                if seen.insert(child) {
                    todo.push(child);
                }
            }
        }
        seen
    }

    /// `txid` and its pooled ancestors.
    pub(crate) fn with_ancestors(&self, txid: &Txid) -> BTreeSet<Txid> {
        let mut seen = BTreeSet::from([*txid]);
        let mut todo = vec![*txid];
        while let Some(t) = todo.pop() {
            for parent in self.pool_parents(&t) {
                if seen.insert(parent) {
                    todo.push(parent);
                }
            }
        }
        seen
    }

    /// The pooled transactions connected to `txid` through parents and children.
    pub(crate) fn cluster(&self, txid: &Txid) -> BTreeSet<Txid> {
        let mut seen = BTreeSet::from([*txid]);
        let mut todo = vec![*txid];
        while let Some(t) = todo.pop() {
            for next in self
                .pool_parents(&t)
                .into_iter()
                .chain(self.pool_children(&t))
            {
                if seen.insert(next) {
                    todo.push(next);
                }
            }
        }
        seen
    }

    /// A pooled transaction's fee with its delta, in satoshis.
    pub(crate) fn modified_fee(&self, txid: &Txid) -> i64 {
        let base = self.made.get(txid).map_or(0, |m| m.fee);
        base + self.deltas.get(txid).copied().unwrap_or(0)
    }

    /// The version of a made transaction (0 when unknown).
    pub(crate) fn version(&self, txid: &Txid) -> u32 {
        self.made.get(txid).map_or(0, |m| m.tx.version)
    }

    /// `txids` in an order where parents come first.
    pub(crate) fn topological(&self, txids: &BTreeSet<Txid>) -> Vec<Txid> {
        let mut depth: Vec<(usize, Txid)> = txids
            .iter()
            .map(|t| (self.with_ancestors(t).len(), *t))
            .collect();
        depth.sort();
        depth.into_iter().map(|(_, t)| t).collect()
    }
}
