//! The node's memory pool: sou-mempool's [`Mempool`] kept in step with the chain.
//!
//! The pool judges transactions against the active chain's tip; the node hands it what it
//! needs (the chain's recent headers, coins from the UTXO set) and tells it when the tip
//! moves, as Core's `ActivateBestChainStep` does: each connected block removes its
//! transactions and their conflicts (`removeForBlock`), and after a reorganisation the
//! disconnected blocks' transactions go back to the pool (`MaybeUpdateMempoolForReorg`).
//! On stop the pool is written to `mempool.dat` in Core's format, and read back at start
//! (`-persistmempool`).
//!
//! References: Core `src/validation.cpp` (`AcceptToMemoryPool`, `ProcessNewPackage`,
//! `ActivateBestChainStep`), `src/node/mempool_persist.cpp` (`LoadMempool`,
//! `DumpMempool`).

use std::path::Path;
use std::sync::Arc;

use sou_chain::chainstate::ProcessOutcome;
use sou_chain::consensus::{AncestorInfo, AncestorView};
use sou_chain::store::CoinsStore;
use sou_mempool::persist::{SavedEntry, SavedMempool};
use sou_mempool::pool::{
    AcceptArgs, CoinSource, Mempool, PackageResult, RemovalReason, TipContext, TxResult,
};
use sou_miner::template::{Candidate, CandidateChunk};
use std::collections::{HashMap, HashSet};

use sou_chain::consensus::Coin;
use sou_primitives::{Amount, BlockHash, FeeRate, OutPoint, Transaction, Txid};

/// `invalidateblock` returns the transactions of at most this many blocks to the pool
/// (Core's `InvalidateBlock`).
const MAX_REORG_RETURNS: usize = 10;

use super::{Node, NodeError};

/// The active chain as the pool's checks read it (lock times and BIP68 look at any
/// height): its blocks' facts, copied once per tip.
#[derive(Debug)]
pub(crate) struct ActiveChain {
    blocks: Vec<AncestorInfo>,
}

impl AncestorView for ActiveChain {
    fn tip(&self) -> AncestorInfo {
        // A chain always has its genesis block; an empty list (never made) reads as a
        // chain of nothing at height 0.
        self.blocks.last().copied().unwrap_or(AncestorInfo {
            hash: BlockHash::ZERO,
            height: 0,
            time: 0,
            bits: sou_primitives::pow::CompactTarget::from_consensus(0),
            version: 0,
        })
    }

    fn ancestor(&self, height: u32) -> Option<AncestorInfo> {
        self.blocks.get(height as usize).copied()
    }
}

/// What a restart did with the saved pool (Core's "Imported mempool transactions" line).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MempoolLoad {
    /// Entered the pool.
    pub accepted: usize,
    /// Refused.
    pub failed: usize,
    /// Too old.
    pub expired: usize,
    /// Already there.
    pub already_there: usize,
}

impl Node {
    /// The memory pool.
    pub fn mempool(&self) -> &Mempool {
        &self.mempool
    }

    /// The transactions that left the pool since the last call, and why (for the live
    /// view, as Core's `TransactionRemovedFromMempool` notification).
    pub fn take_mempool_removals(&mut self) -> Vec<sou_mempool::pool::Removed> {
        self.mempool.take_removed()
    }

    /// The active chain, copied when the tip moved.
    fn active_chain(&self) -> Arc<ActiveChain> {
        if let Some(view) = self.active_view.borrow().as_ref() {
            return Arc::clone(view);
        }
        let tip = self.chain.tip();
        let blocks: Vec<AncestorInfo> = match self.chain.branch(tip) {
            Some(branch) => (0..=branch.tip().height)
                .filter_map(|h| branch.ancestor(h))
                .collect(),
            None => Vec::new(),
        };
        let view = Arc::new(ActiveChain { blocks });
        *self.active_view.borrow_mut() = Some(Arc::clone(&view));
        view
    }

    /// The pool's own minimum fee rate now, in sat/kvB (zero until it has been full).
    pub fn mempool_min_fee(&mut self, now: i64) -> i64 {
        self.mempool.min_fee(now)
    }

    /// The script cache and the script flags of the block after the tip, under which the
    /// pool notes the transactions it accepts. (The flags' few exceptions by block hash
    /// are historic mainnet blocks: for the next block they never apply.)
    fn script_cache_for_next_block(
        &self,
    ) -> Option<(Arc<sou_chain::ScriptCache>, sou_script::VerifyFlags)> {
        let cache = Arc::clone(self.chain.script_cache()?);
        let height = self.chain.height().saturating_add(1);
        let flags = sou_chain::consensus::block_script_flags(
            height,
            &sou_primitives::BlockHash::ZERO,
            self.chain.params(),
        );
        Some((cache, flags))
    }

    /// Runs `f` on the pool with the tip's context and the chain's coins.
    fn with_pool<T>(
        &mut self,
        now: i64,
        f: impl FnOnce(&mut Mempool, &TipContext<'_>, &mut dyn CoinSource) -> T,
    ) -> T {
        let view = self.active_chain();
        let cache = self.script_cache_for_next_block();
        let tip = TipContext {
            view: view.as_ref(),
            now,
            script_cache: cache.as_ref().map(|(c, flags)| (c.as_ref(), *flags)),
        };
        let Node { chain, mempool, .. } = self;
        // A store error reads as a missing coin: the transaction is refused, never wrongly
        // accepted.
        let mut coins = |outpoint: &OutPoint| chain.store_mut().coin(outpoint).ok().flatten();
        f(mempool, &tip, &mut coins)
    }

    /// One transaction for the pool (Core `AcceptToMemoryPool`): judged, and added unless
    /// `test_accept`.
    pub fn accept_to_mempool(&mut self, tx: Arc<Transaction>, test_accept: bool) -> TxResult {
        let now = self.now();
        self.with_pool(now, |pool, tip, coins| {
            pool.accept(tx, tip, coins, AcceptArgs::single(test_accept))
        })
    }

    /// `testmempoolaccept` of several transactions.
    pub fn test_accept_package(&mut self, txs: Vec<Arc<Transaction>>) -> PackageResult {
        let now = self.now();
        self.with_pool(now, |pool, tip, coins| {
            pool.test_accept_package(txs, tip, coins)
        })
    }

    /// `submitpackage`: a child with its parents.
    pub fn submit_package(
        &mut self,
        txs: Vec<Arc<Transaction>>,
        max_feerate: Option<FeeRate>,
    ) -> PackageResult {
        let now = self.now();
        self.with_pool(now, |pool, tip, coins| {
            pool.accept_package(txs, tip, coins, max_feerate)
        })
    }

    /// `prioritisetransaction`.
    pub fn prioritise_transaction(&mut self, txid: Txid, delta: i64) {
        self.mempool.prioritise(txid, delta);
        tracing::info!(
            "PrioritiseTransaction: {txid} fee += {}",
            sou_mempool::pool::format_money(delta)
        );
    }

    /// Notes that a peer asked for `txid`: it has been announced.
    pub fn remove_unbroadcast(&mut self, txid: &Txid) {
        self.mempool.remove_unbroadcast(txid);
    }

    /// Marks `txid` as this node's own, to announce until a peer asks for it, and queues
    /// its announcement.
    pub fn add_unbroadcast(&mut self, txid: Txid) {
        self.mempool.add_unbroadcast(txid);
        self.queue_announcement(&txid);
    }

    /// Queues the announcement of pool transaction `txid` to the peers, made once the
    /// node is unlocked ([`Node::take_announcements`]).
    pub fn queue_announcement(&mut self, txid: &Txid) {
        if let Some(entry) = self.mempool.get(txid) {
            self.announcements.push(Arc::clone(&entry.tx));
        }
    }

    /// The transactions to announce, emptying the queue.
    pub fn take_announcements(&mut self) -> Vec<Arc<Transaction>> {
        std::mem::take(&mut self.announcements)
    }

    /// Core's log lines for a transaction from peer `peer` (`ProcessMessage`'s `tx`).
    pub fn log_from_peer(&self, result: &TxResult, peer: u64) {
        match result.rejection() {
            None if result.is_valid() => tracing::debug!(
                target: "mempool",
                "AcceptToMemoryPool: peer={peer}: accepted {} (wtxid={}) (poolsz {} txn, {} kB)",
                result.txid,
                result.wtxid,
                self.mempool.len(),
                self.mempool.usage() / 1000
            ),
            Some(rejection) => tracing::debug!(
                target: "mempoolrej",
                "{} (wtxid={}) from peer={peer} was not accepted: {}",
                result.txid,
                result.wtxid,
                rejection.to_core_string()
            ),
            None => {}
        }
    }

    /// The pool's chunks for a block template, best first.
    pub fn mempool_candidates(&self) -> Vec<CandidateChunk> {
        let pool = &self.mempool;
        pool.block_order()
            .into_iter()
            .map(|chunk| CandidateChunk {
                txs: chunk
                    .txids
                    .iter()
                    .filter_map(|txid| pool.get(txid))
                    .map(|entry| Candidate {
                        tx: entry.tx.as_ref().clone(),
                        fee: entry.fee,
                        sigop_cost: entry.sigop_cost,
                    })
                    .collect(),
                fee: chunk.feefrac.fee,
                weight: u64::try_from(chunk.feefrac.size).unwrap_or(0),
                cluster: chunk.cluster,
            })
            .collect()
    }

    /// After the tip moved: blocks connected take their transactions and conflicts out of
    /// the pool; after a reorganisation the disconnected blocks' transactions come back.
    pub(super) fn update_mempool(&mut self, outcome: &ProcessOutcome) -> Result<(), NodeError> {
        if outcome.connected.is_empty() && outcome.disconnected.is_empty() {
            return Ok(());
        }
        *self.active_view.borrow_mut() = None;
        if std::mem::take(&mut self.invalidating) && !outcome.disconnected.is_empty() {
            self.return_block_by_block(&outcome.disconnected)?;
            for hash in &outcome.connected {
                if let Some(block) = self.chain.block(hash).map_err(NodeError::Store)? {
                    let now = self.now();
                    self.mempool.remove_for_block(&block.txdata, now);
                }
            }
            return Ok(());
        }
        // Oldest disconnected block first, each block's transactions in order.
        let mut returning: Vec<Arc<Transaction>> = Vec::new();
        for hash in outcome.disconnected.iter().rev() {
            if let Some(block) = self.chain.block(hash).map_err(NodeError::Store)? {
                returning.extend(block.txdata.into_iter().map(Arc::new));
            }
        }
        let now = self.now();
        for hash in &outcome.connected {
            if let Some(block) = self.chain.block(hash).map_err(NodeError::Store)? {
                let confirmed: std::collections::HashSet<Txid> =
                    block.txdata.iter().map(Transaction::compute_txid).collect();
                returning.retain(|tx| !confirmed.contains(&tx.compute_txid()));
                self.mempool.remove_for_block(&block.txdata, now);
            }
        }
        if !outcome.disconnected.is_empty() {
            self.with_pool(now, |pool, tip, coins| {
                pool.readd_after_reorg(returning, tip, coins)
            });
        }
        Ok(())
    }

    /// `invalidateblock`'s way (Core `InvalidateBlock`): the blocks leave one at a time, tip
    /// first, and after each its transactions go back to the pool against the chain as it
    /// then stood (so they enter at that height), for the first 10 blocks only; the
    /// transactions of deeper blocks are dropped with what spends them.
    fn return_block_by_block(&mut self, disconnected: &[BlockHash]) -> Result<(), NodeError> {
        let mut blocks = Vec::with_capacity(disconnected.len());
        for hash in disconnected {
            let block = self.chain.block(hash).map_err(NodeError::Store)?;
            let entry = self.chain.entry(hash).map(|e| (e.height, e.header));
            if let (Some(block), Some((height, header))) = (block, entry) {
                blocks.push((*hash, height, header, block));
            }
        }
        let final_chain = self.active_chain();
        let now = self.now();
        for (step, (_, height, _, block)) in blocks.iter().enumerate() {
            // The chain at this moment: the final one, plus the deeper disconnected blocks.
            let mut infos: Vec<AncestorInfo> = final_chain.blocks.clone();
            for (hash, h, header, _) in blocks[step + 1..].iter().rev() {
                infos.truncate(*h as usize);
                infos.push(AncestorInfo {
                    hash: *hash,
                    height: *h,
                    time: header.time,
                    bits: header.bits,
                    version: header.version,
                });
            }
            infos.truncate(*height as usize);
            let view = ActiveChain { blocks: infos };
            // The coins of that moment: the deeper blocks' outputs exist, what they spent
            // does not.
            let mut created: HashMap<OutPoint, Coin> = HashMap::new();
            let mut spent: HashSet<OutPoint> = HashSet::new();
            for (_, h, _, deeper) in blocks[step + 1..].iter().rev() {
                for tx in &deeper.txdata {
                    if !tx.is_coinbase() {
                        for input in &tx.input {
                            if created.remove(&input.previous_output).is_none() {
                                spent.insert(input.previous_output);
                            }
                        }
                    }
                    let txid = tx.compute_txid();
                    for (vout, output) in tx.output.iter().enumerate() {
                        let Ok(vout) = u32::try_from(vout) else {
                            continue;
                        };
                        created.insert(
                            OutPoint::new(txid, vout),
                            Coin {
                                output: output.clone(),
                                height: *h,
                                is_coinbase: tx.is_coinbase(),
                            },
                        );
                    }
                }
            }
            let txs: Vec<Arc<Transaction>> = block.txdata.iter().cloned().map(Arc::new).collect();
            let cache = self.script_cache_for_next_block();
            let Node { chain, mempool, .. } = self;
            let tip = TipContext {
                view: &view,
                now,
                script_cache: cache.as_ref().map(|(c, flags)| (c.as_ref(), *flags)),
            };
            let mut coins = |outpoint: &OutPoint| {
                if spent.contains(outpoint) {
                    return None;
                }
                created
                    .get(outpoint)
                    .cloned()
                    .or_else(|| chain.store_mut().coin(outpoint).ok().flatten())
            };
            if step < MAX_REORG_RETURNS {
                mempool.readd_after_reorg(txs, &tip, &mut coins);
            } else {
                for tx in txs {
                    mempool.remove_spenders_of(&tx, RemovalReason::Reorg);
                }
            }
        }
        Ok(())
    }

    /// Writes the pool to `path` as Core's `DumpMempool` does (version 2, a fresh key;
    /// version 1 with `-persistmempoolv1`), through a temporary file renamed into place.
    pub fn save_mempool(&self, path: &Path, version_1: bool) -> std::io::Result<()> {
        let pool = &self.mempool;
        let entries: Vec<SavedEntry> = pool
            .block_order()
            .iter()
            .flat_map(|chunk| chunk.txids.iter())
            .filter_map(|txid| pool.get(txid))
            .map(|e| SavedEntry {
                tx: e.tx.as_ref().clone(),
                time: e.time,
                fee_delta: Amount::from_sat(e.fee_delta),
            })
            .collect();
        let fee_deltas = pool
            .deltas()
            .iter()
            .filter(|(txid, _)| !pool.contains(txid))
            .map(|(txid, delta)| (*txid, Amount::from_sat(*delta)))
            .collect();
        let saved = SavedMempool {
            entries,
            fee_deltas,
            unbroadcast: pool.unbroadcast().clone(),
        };
        let key = (!version_1).then(random_key);
        let bytes = saved.to_bytes(key);
        let temp = path.with_extension("dat.new");
        std::fs::write(&temp, bytes)?;
        std::fs::rename(&temp, path)
    }

    /// Reads `path` back into the pool (Core `LoadMempool`): entries older than the expiry
    /// are dropped, the others accepted at their saved time with their deltas.
    pub fn load_mempool(&mut self, path: &Path) -> MempoolLoad {
        let mut load = MempoolLoad::default();
        let Ok(bytes) = std::fs::read(path) else {
            return load;
        };
        let read = SavedMempool::from_bytes_lenient(&bytes);
        if let Some(error) = &read.error {
            tracing::info!(
                "Failed to deserialize mempool data on file: {error}. Continuing anyway."
            );
        }
        let saved = read.mempool;
        let now = self.now();
        let expiry = self.mempool.options().expiry_secs;
        for entry in saved.entries {
            let txid = entry.tx.compute_txid();
            if entry.fee_delta != Amount::ZERO {
                self.mempool.prioritise(txid, entry.fee_delta.to_sat());
            }
            if entry.time < now - expiry {
                load.expired += 1;
                continue;
            }
            let tx = Arc::new(entry.tx);
            let result = self.with_pool(entry.time, |pool, tip, coins| {
                pool.accept(tx, tip, coins, AcceptArgs::single(false))
            });
            if result.is_valid() {
                load.accepted += 1;
            } else if result
                .rejection()
                .is_some_and(|r| r.reason == "txn-already-in-mempool")
            {
                load.already_there += 1;
            } else {
                load.failed += 1;
            }
        }
        for (txid, delta) in saved.fee_deltas {
            self.mempool.prioritise(txid, delta.to_sat());
        }
        let unbroadcast = saved.unbroadcast.len();
        for txid in saved.unbroadcast {
            self.mempool.add_unbroadcast(txid);
        }
        tracing::info!(
            "Imported mempool transactions from disk: {} succeeded, {} failed, {} expired, {} already there, {unbroadcast} waiting for initial broadcast",
            load.accepted,
            load.failed,
            load.expired,
            load.already_there
        );
        load
    }

    /// Drops everything from the pool (a transaction's removal as by a reorg).
    pub fn clear_mempool(&mut self) {
        let all: Vec<Txid> = self.mempool.entries().map(|e| e.txid).collect();
        self.mempool
            .remove_with_descendants(&all, RemovalReason::Reorg);
    }
}

/// A fresh obfuscation key for `mempool.dat` (Core draws one from its random generator):
/// it only keeps file contents from looking like transactions to antivirus scanners, so
/// the system clock and the process id are random enough.
fn random_key() -> [u8; 8] {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| {
            d.as_secs().wrapping_mul(1_000_000_007) ^ u64::from(d.subsec_nanos())
        });
    let mixed = nanos ^ (u64::from(std::process::id()) << 32) ^ 0x9E37_79B9_7F4A_7C15;
    mixed.to_le_bytes()
}
