//! The memory pool: the unconfirmed transactions a node holds, as Bitcoin Core v31.99
//! keeps them.
//!
//! A transaction waiting for a block may spend outputs of other waiting transactions, so
//! the pool is a graph: each entry knows its *parents* (the pool transactions it spends)
//! and its *children*. Since v31 Core reasons about the graph by *clusters*, the groups of
//! transactions connected through any chain of spends. A miner must take a parent before
//! its child, so it can only choose among orders of a cluster that put parents first
//! (*linearizations*); the best one splits into *chunks*, each mined as a unit, in
//! decreasing fee rate (see [`crate::cluster`]). Everything the pool decides follows from
//! those chunks:
//!
//! - a block template takes chunks by fee rate, best first ([`Mempool::block_order`]);
//! - a full pool evicts the worst chunk first, and raises its minimum fee so that what it
//!   evicted cannot come straight back ([`Mempool::trim_to_size`], [`Mempool::min_fee`]);
//! - a replacement must leave the pool's *feerate diagram* (the curve of fees collected
//!   against size, chunk by chunk) strictly better ([`Mempool::accept`]);
//! - a cluster may hold at most 64 transactions and 101,000 virtual bytes, so that finding
//!   its best order stays cheap.
//!
//! The pool holds no I/O and no chain: [`Mempool::accept`] is told what it needs of the
//! chain's tip ([`TipContext`]) and asks for confirmed coins through [`CoinSource`]. The
//! node connects blocks and calls [`Mempool::remove_for_block`], and after a
//! reorganisation hands the disconnected transactions back ([`Mempool::readd_after_reorg`]).
//!
//! | file | what it holds |
//! | --- | --- |
//! | `mod.rs` | [`Mempool`], [`Entry`], the graph and its clusters, removal, trimming, the rolling minimum fee |
//! | `accept.rs` | `MemPoolAccept`: one transaction or a package, in Core's order of checks |
//! | `reorg.rs` | transactions of disconnected blocks coming back, and the clusters trimmed after |
//! | `order.rs` | the mining order: chunks of all clusters, best first |
//! | `rbf.rs` | replacement: conflicts, Core's rules 3, 4 and 5, the feerate diagram |
//! | `truc.rs` | TRUC (version 3, BIP431): one parent, one child, small children |
//! | `package.rs` | what a package must look like before any of it is checked |
//!
//! References: Core `src/txmempool.{h,cpp}` (`CTxMemPool`, its `ChangeSet`),
//! `src/kernel/mempool_entry.h`, `src/txgraph.h`, `src/validation.cpp` (`MemPoolAccept`).

mod accept;
mod order;
mod package;
mod rbf;
mod reorg;
mod truc;

pub use rbf::format_money;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::sync::Arc;

use sou_primitives::transaction::WITNESS_SCALE_FACTOR;
use sou_primitives::{Amount, FeeRate, OutPoint, Transaction, TxOut, Txid, Wtxid};

use crate::cluster::{self, ClusterTx, FeeFrac};
use crate::policy::PolicyOptions;

pub use accept::{
    AcceptArgs, CoinSource, PackageOutcome, PackageResult, TipContext, TxOutcome, TxResult,
};
pub use order::{mining_order, OrderTx, OrderedChunk};
pub use package::{
    check_well_formed, is_child_with_parents, is_child_with_parents_tree, PackageError,
    MAX_PACKAGE_COUNT, MAX_PACKAGE_WEIGHT,
};
pub use rbf::MAX_REPLACEMENT_CANDIDATES;
pub use truc::{TRUC_CHILD_MAX_VSIZE, TRUC_MAX_VSIZE, TRUC_VERSION};

/// Default `-maxmempool`, in megabytes (Core `DEFAULT_MAX_MEMPOOL_SIZE_MB`).
pub const DEFAULT_MAX_MEMPOOL_SIZE_MB: u64 = 300;
/// Default `-mempoolexpiry`, in hours (Core `DEFAULT_MEMPOOL_EXPIRY_HOURS`): two weeks.
pub const DEFAULT_MEMPOOL_EXPIRY_HOURS: i64 = 336;
/// Default `-incrementalrelayfee` (Core `DEFAULT_INCREMENTAL_RELAY_FEE`): 100 sat/kvB.
pub const DEFAULT_INCREMENTAL_RELAY_FEE: FeeRate = FeeRate::from_sat_per_kvb(100);
/// Default `-limitclustercount` (Core `DEFAULT_CLUSTER_LIMIT`).
pub const DEFAULT_CLUSTER_LIMIT: usize = 64;
/// Default `-limitclustersize`, in kvB (Core `DEFAULT_CLUSTER_SIZE_LIMIT_KVB`).
pub const DEFAULT_CLUSTER_SIZE_LIMIT_KVB: u64 = 101;
/// The half-life of the pool's minimum fee once a block has come (Core
/// `CTxMemPool::ROLLING_FEE_HALFLIFE`, 12 hours).
pub const ROLLING_FEE_HALFLIFE: f64 = 60.0 * 60.0 * 12.0;
/// The height a coin created by a pool transaction is said to have (Core `MEMPOOL_HEIGHT`).
pub const MEMPOOL_HEIGHT: u32 = 0x7FFF_FFFF;

/// The pool's settings (Core `MemPoolOptions`, at its defaults).
#[derive(Debug, Clone, PartialEq)]
pub struct PoolOptions {
    /// The standardness rules (`-datacarriersize`, `-permitbaremultisig`, `-dustrelayfee`,
    /// `-minrelaytxfee`, `-bytespersigop`).
    pub policy: PolicyOptions,
    /// Apply standardness at all: false with `-acceptnonstdtxn` (regtest and test networks
    /// only, as Core).
    pub require_standard: bool,
    /// `-maxmempool` in bytes of memory.
    pub max_bytes: u64,
    /// `-mempoolexpiry` in seconds.
    pub expiry_secs: i64,
    /// `-incrementalrelayfee`: the step of replacements and of the minimum fee.
    pub incremental_relay_fee: FeeRate,
    /// `-limitclustercount`.
    pub cluster_count: usize,
    /// `-limitclustersize` in virtual bytes.
    pub cluster_vbytes: u64,
}

impl Default for PoolOptions {
    fn default() -> PoolOptions {
        PoolOptions {
            policy: PolicyOptions::default(),
            require_standard: true,
            max_bytes: DEFAULT_MAX_MEMPOOL_SIZE_MB * 1_000_000,
            expiry_secs: DEFAULT_MEMPOOL_EXPIRY_HOURS * 60 * 60,
            incremental_relay_fee: DEFAULT_INCREMENTAL_RELAY_FEE,
            cluster_count: DEFAULT_CLUSTER_LIMIT,
            cluster_vbytes: DEFAULT_CLUSTER_SIZE_LIMIT_KVB * 1000,
        }
    }
}

/// Why a transaction left the pool (Core `MemPoolRemovalReason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RemovalReason {
    /// Older than `-mempoolexpiry`.
    Expiry,
    /// Evicted from a full pool.
    SizeLimit,
    /// No longer valid after a reorganisation.
    Reorg,
    /// Confirmed in a block.
    Block,
    /// Spends a coin a block spent.
    Conflict,
    /// Replaced by a transaction paying more.
    Replaced,
}

impl RemovalReason {
    /// Core's name for it (`RemovalReasonToString`).
    pub fn as_str(self) -> &'static str {
        match self {
            RemovalReason::Expiry => "expiry",
            RemovalReason::SizeLimit => "sizelimit",
            RemovalReason::Reorg => "reorg",
            RemovalReason::Block => "block",
            RemovalReason::Conflict => "conflict",
            RemovalReason::Replaced => "replaced",
        }
    }
}

/// A transaction that left the pool, as [`Mempool::take_removed`] reports it (what Core's
/// `TransactionRemovedFromMempool` notification tells its subscribers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Removed {
    /// The transaction.
    pub txid: Txid,
    /// Why it left.
    pub reason: RemovalReason,
    /// Its virtual size.
    pub vsize: u64,
    /// Its fee (without `prioritisetransaction`'s delta).
    pub fee: Amount,
}

/// At most this many removals wait in the log for [`Mempool::take_removed`]; older ones
/// are dropped, so a pool whose log nobody reads stays bounded.
pub const REMOVED_LOG_LIMIT: usize = 10_000;

/// A transaction in the pool and what the pool knows of it (Core `CTxMemPoolEntry`).
#[derive(Debug, Clone)]
pub struct Entry {
    /// The transaction.
    pub tx: Arc<Transaction>,
    /// Its txid.
    pub txid: Txid,
    /// Its wtxid.
    pub wtxid: Wtxid,
    /// Inputs minus outputs.
    pub fee: Amount,
    /// What `prioritisetransaction` added to the fee, for this node's choices only.
    pub fee_delta: i64,
    /// Virtual size with sigops charged (Core `GetTxSize`): what fee rates divide by.
    pub vsize: u64,
    /// Weight (Core `GetTxWeight`).
    pub weight: u64,
    /// The weight, or the sigop cost times `-bytespersigop` if more (Core
    /// `GetSigOpsAdjustedWeight`): the size clusters and chunks are measured in.
    pub adjusted_weight: u64,
    /// Sigop cost under the standard flags.
    pub sigop_cost: u64,
    /// When it entered (Unix seconds).
    pub time: i64,
    /// The tip's height when it entered.
    pub height: u32,
    /// Order of entry (Core's entry sequence; 0 for transactions returned by a reorg).
    pub sequence: u64,
    /// Spends a coinbase output, so a reorg may make it premature again.
    pub spends_coinbase: bool,
    parents: BTreeSet<Txid>,
    children: BTreeSet<Txid>,
}

impl Entry {
    /// The fee with the `prioritisetransaction` delta: what this node's choices use.
    pub fn modified_fee(&self) -> i64 {
        self.fee.to_sat().saturating_add(self.fee_delta)
    }

    /// The pool transactions it spends.
    pub fn parents(&self) -> &BTreeSet<Txid> {
        &self.parents
    }

    /// The pool transactions that spend it.
    pub fn children(&self) -> &BTreeSet<Txid> {
        &self.children
    }

    /// Memory the entry takes, estimated as Core's `DynamicMemoryUsage` counts it: the
    /// transaction's allocations, the entry, and its places in the pool's indexes.
    fn memory_usage(&self) -> u64 {
        let tx = &self.tx;
        let inputs: u64 = tx
            .input
            .iter()
            .map(|i| {
                104 + malloc_usage(i.script_sig.len() as u64)
                    + if i.witness.is_empty() {
                        0
                    } else {
                        malloc_usage(24 * i.witness.len() as u64)
                            + i.witness
                                .iter()
                                .map(|w| malloc_usage(w.len() as u64))
                                .sum::<u64>()
                    }
            })
            .sum();
        let outputs: u64 = tx
            .output
            .iter()
            .map(|o| 40 + malloc_usage(o.script_pubkey.len() as u64))
            .sum();
        // The transaction object and its shared pointer, its two vectors, the entry with
        // its txgraph node, and a mapNextTx node per input.
        malloc_usage(tx.input.len() as u64 * 104)
            + malloc_usage(tx.output.len() as u64 * 40)
            + inputs
            + outputs
            + 112
            + 360
            + 64 * tx.input.len() as u64
    }
}

/// Core's `memusage::MallocUsage`: an allocation rounded as glibc's malloc rounds it.
fn malloc_usage(bytes: u64) -> u64 {
    if bytes == 0 {
        0
    } else {
        ((bytes + 31) >> 4) << 4
    }
}

/// The pool's minimum fee after evictions (Core's `rollingMinimumFeeRate` and friends).
#[derive(Debug, Clone, Copy, PartialEq)]
struct RollingFee {
    /// sat/kvB, as a float so that it can decay smoothly.
    rate: f64,
    last_update: i64,
    block_since_bump: bool,
}

impl RollingFee {
    /// Core `GetMinFee`: the rate now, in sat/kvB, decaying it since the last look.
    fn current(&mut self, options: &PoolOptions, usage: u64, now: i64) -> i64 {
        if !self.block_since_bump || self.rate == 0.0 {
            return round_rate(self.rate);
        }
        if now > self.last_update + 10 {
            let mut halflife = ROLLING_FEE_HALFLIFE;
            if usage < options.max_bytes / 4 {
                halflife /= 4.0;
            } else if usage < options.max_bytes / 2 {
                halflife /= 2.0;
            }
            self.rate /= 2f64.powf((now - self.last_update) as f64 / halflife);
            self.last_update = now;
            let incremental = options.incremental_relay_fee.to_sat_per_kvb() as f64;
            if self.rate < incremental / 2.0 {
                self.rate = 0.0;
                return 0;
            }
        }
        round_rate(self.rate)
            .max(i64::try_from(options.incremental_relay_fee.to_sat_per_kvb()).unwrap_or(i64::MAX))
    }
}

/// Core's `llround` of the rolling rate: it is a fee rate in sat/kvB, far below 2^63.
#[allow(
    clippy::cast_possible_truncation,
    reason = "a fee rate in sat/kvB, clamped to i64's range first"
)]
fn round_rate(rate: f64) -> i64 {
    rate.round().clamp(i64::MIN as f64, i64::MAX as f64) as i64
}

/// A change to the pool under consideration (Core's `CTxMemPool::ChangeSet`):
/// transactions to add and pool transactions to remove, judged as a whole before it is
/// applied.
#[derive(Debug, Default)]
pub(crate) struct Staged {
    pub(crate) added: Vec<Entry>,
    pub(crate) removed: BTreeSet<Txid>,
}

impl Staged {
    fn added(&self, txid: &Txid) -> Option<&Entry> {
        self.added.iter().find(|e| e.txid == *txid)
    }
}

/// The memory pool (Core `CTxMemPool`).
#[derive(Debug, Clone)]
pub struct Mempool {
    options: PoolOptions,
    entries: HashMap<Txid, Entry>,
    by_wtxid: HashMap<Wtxid, Txid>,
    /// Which pool transaction spends an outpoint (Core `mapNextTx`).
    spent_by: HashMap<OutPoint, Txid>,
    /// `prioritisetransaction` deltas, also for transactions not (yet) in the pool.
    deltas: BTreeMap<Txid, i64>,
    /// Transactions submitted here and not yet announced to a peer.
    unbroadcast: BTreeSet<Txid>,
    /// Core's `m_sequence_number`: moves on every addition and removal.
    sequence: u64,
    /// Core's `nTransactionsUpdated`.
    updates: u64,
    total_vsize: u64,
    total_fee: i64,
    usage: u64,
    /// The minimum fee's state. Core's `GetMinFee` moves its decay forward on every look
    /// (its fields are `mutable`), the look from a fee check included, so it lives in a
    /// cell that a check through `&self` can move too.
    rolling: std::cell::Cell<RollingFee>,
    /// While a reorganisation returns transactions: add them without linking the pool
    /// transactions that spend them, as Core's change sets do (they are linked after).
    defer_children: bool,
    /// Removals not yet taken, oldest first.
    removed: VecDeque<Removed>,
}

impl Mempool {
    /// An empty pool.
    pub fn new(options: PoolOptions) -> Mempool {
        Mempool {
            options,
            entries: HashMap::new(),
            by_wtxid: HashMap::new(),
            spent_by: HashMap::new(),
            deltas: BTreeMap::new(),
            unbroadcast: BTreeSet::new(),
            sequence: 1,
            updates: 0,
            total_vsize: 0,
            total_fee: 0,
            usage: 0,
            rolling: std::cell::Cell::new(RollingFee {
                rate: 0.0,
                last_update: 0,
                block_since_bump: false,
            }),
            defer_children: false,
            removed: VecDeque::new(),
        }
    }

    /// The settings.
    pub fn options(&self) -> &PoolOptions {
        &self.options
    }

    /// Transactions in the pool.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when the pool is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Sum of the virtual sizes (`getmempoolinfo`'s `bytes`).
    pub fn total_vsize(&self) -> u64 {
        self.total_vsize
    }

    /// Sum of the base fees.
    pub fn total_fee(&self) -> Amount {
        Amount::from_sat(self.total_fee)
    }

    /// Estimated memory use (`getmempoolinfo`'s `usage`), what `-maxmempool` limits.
    pub fn usage(&self) -> u64 {
        self.usage + malloc_usage(self.deltas.len() as u64 * 48)
    }

    /// The sequence number `getrawmempool` reports: one more for every addition and
    /// removal since the pool was made.
    pub fn sequence(&self) -> u64 {
        self.sequence
    }

    /// The transactions that left the pool since the last call, oldest first, with the
    /// reason (at most the last [`REMOVED_LOG_LIMIT`]).
    pub fn take_removed(&mut self) -> Vec<Removed> {
        self.removed.drain(..).collect()
    }

    /// Core's `GetTransactionsUpdated`: changes since start, for long polls.
    pub fn updates(&self) -> u64 {
        self.updates
    }

    /// The entry of `txid`.
    pub fn get(&self, txid: &Txid) -> Option<&Entry> {
        self.entries.get(txid)
    }

    /// The entry of the transaction with this wtxid.
    pub fn get_by_wtxid(&self, wtxid: &Wtxid) -> Option<&Entry> {
        self.by_wtxid.get(wtxid).and_then(|t| self.entries.get(t))
    }

    /// True if `txid` is in the pool.
    pub fn contains(&self, txid: &Txid) -> bool {
        self.entries.contains_key(txid)
    }

    /// Every entry, in no particular order.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries.values()
    }

    /// The pool transaction spending `outpoint`, if any.
    pub fn spender(&self, outpoint: &OutPoint) -> Option<&Txid> {
        self.spent_by.get(outpoint)
    }

    /// The output `outpoint` names, if a pool transaction created it (spent or not).
    pub fn output(&self, outpoint: &OutPoint) -> Option<&TxOut> {
        self.entries
            .get(&outpoint.txid)
            .and_then(|e| e.tx.output.get(outpoint.vout as usize))
    }

    /// The `prioritisetransaction` deltas, by txid (Core's `mapDeltas`).
    pub fn deltas(&self) -> &BTreeMap<Txid, i64> {
        &self.deltas
    }

    /// Transactions not yet announced to any peer.
    pub fn unbroadcast(&self) -> &BTreeSet<Txid> {
        &self.unbroadcast
    }

    /// Marks `txid` as submitted here and not yet announced (only if in the pool).
    pub fn add_unbroadcast(&mut self, txid: Txid) {
        if self.entries.contains_key(&txid) {
            self.unbroadcast.insert(txid);
        }
    }

    /// Notes that a peer asked for `txid`, so it has been announced.
    pub fn remove_unbroadcast(&mut self, txid: &Txid) {
        self.unbroadcast.remove(txid);
    }

    /// `prioritisetransaction`: adds `delta` satoshis to what this node counts as the fee
    /// of `txid`, whether or not it is in the pool yet (Core `PrioritiseTransaction`).
    /// The pool is re-sorted accordingly; nothing is evicted until the next trim.
    pub fn prioritise(&mut self, txid: Txid, delta: i64) {
        let total = self
            .deltas
            .get(&txid)
            .copied()
            .unwrap_or(0)
            .saturating_add(delta);
        if let Some(entry) = self.entries.get_mut(&txid) {
            entry.fee_delta = total;
            // Core counts a change for long polls only when the pool's order moves.
            self.updates += 1;
        }
        if total == 0 {
            self.deltas.remove(&txid);
        } else {
            self.deltas.insert(txid, total);
        }
    }

    /// Forgets the delta of `txid` (Core `ClearPrioritisation`).
    fn clear_prioritisation(&mut self, txid: &Txid) {
        self.deltas.remove(txid);
    }

    /// The pool's ancestors of `txid`, itself included (Core's txgraph `GetAncestors`).
    pub fn ancestors(&self, txid: &Txid) -> BTreeSet<Txid> {
        self.closure(std::iter::once(*txid), |e| &e.parents)
    }

    /// The pool's descendants of `txid`, itself included.
    pub fn descendants(&self, txid: &Txid) -> BTreeSet<Txid> {
        self.closure(std::iter::once(*txid), |e| &e.children)
    }

    /// The descendants of all of `txids`, themselves included.
    pub fn descendants_of_all(&self, txids: impl IntoIterator<Item = Txid>) -> BTreeSet<Txid> {
        self.closure(txids.into_iter(), |e| &e.children)
    }

    fn closure(
        &self,
        start: impl Iterator<Item = Txid>,
        next: impl Fn(&Entry) -> &BTreeSet<Txid>,
    ) -> BTreeSet<Txid> {
        let mut seen = BTreeSet::new();
        let mut todo: Vec<Txid> = start.filter(|t| self.entries.contains_key(t)).collect();
        while let Some(txid) = todo.pop() {
            if !seen.insert(txid) {
                continue;
            }
            if let Some(entry) = self.entries.get(&txid) {
                todo.extend(next(entry).iter().filter(|t| !seen.contains(t)));
            }
        }
        seen
    }

    /// The cluster of `txid`: every pool transaction connected to it by spends.
    pub fn cluster(&self, txid: &Txid) -> Vec<Txid> {
        let staged = Staged::default();
        self.staged_cluster(&staged, *txid)
    }

    /// The chunk `txid` is mined in: its fee (modified) and its size in weight units
    /// (Core `GetMainChunkFeerate`, `getmempoolentry`'s `fees.chunk` and `chunkweight`).
    pub fn chunk_of(&self, txid: &Txid) -> Option<FeeFrac> {
        if !self.entries.contains_key(txid) {
            return None;
        }
        let staged = Staged::default();
        let members = self.staged_cluster(&staged, *txid);
        let (txs, chunks) = self.chunk_cluster(&staged, &members);
        let position = members.iter().position(|t| t == txid)?;
        drop(txs);
        chunks
            .into_iter()
            .find(|c| c.members.contains(&position))
            .map(|c| c.feefrac)
    }

    /// Every pool transaction in the order a block would take them (Core's
    /// `GetSortedScoreWithTopology`, the order of `getrawmempool`): chunks by fee rate,
    /// best first, each chunk's transactions parents first.
    pub fn block_order(&self) -> Vec<BlockChunk> {
        let mut ids: Vec<(&Txid, &Entry)> = self.entries.iter().collect();
        ids.sort_by_key(|(t, e)| (e.sequence, **t));
        let index: HashMap<Txid, usize> =
            ids.iter().enumerate().map(|(i, (t, _))| (**t, i)).collect();
        let txs: Vec<OrderTx> = ids
            .iter()
            .map(|(_, e)| OrderTx {
                fee: e.modified_fee(),
                size: i64::try_from(e.adjusted_weight).unwrap_or(i64::MAX),
                parents: e
                    .parents
                    .iter()
                    .filter_map(|p| index.get(p).copied())
                    .collect(),
                txid: e.txid,
            })
            .collect();
        mining_order(&txs)
            .into_iter()
            .map(|chunk| BlockChunk {
                txids: chunk.members.iter().map(|&m| *ids[m].0).collect(),
                feefrac: chunk.feefrac,
                cluster: chunk.cluster,
            })
            .collect()
    }

    /// The pool's minimum fee rate for entry, in sat/kvB (Core `GetMinFee`): zero until
    /// the pool has been full, then the rate of what it last evicted plus the incremental
    /// relay fee, halving every 12 hours (faster while the pool is far from full) once a
    /// block has come.
    pub fn min_fee(&self, now: i64) -> i64 {
        let mut rolling = self.rolling.get();
        let rate = rolling.current(&self.options, self.usage(), now);
        self.rolling.set(rolling);
        rate
    }

    /// Evicts the worst chunks until the pool fits `-maxmempool` (Core `TrimToSize`), and
    /// raises the minimum fee to the highest evicted rate plus the incremental relay fee.
    /// Returns the evicted txids.
    pub fn trim_to_size(&mut self) -> Vec<Txid> {
        let mut evicted = Vec::new();
        if self.usage() <= self.options.max_bytes {
            return evicted;
        }
        // The worst chunk is the last of its cluster; without it the rest of the cluster
        // keeps its order and chunks, so one ordering serves the whole trim.
        let mut order = self.block_order();
        while !self.entries.is_empty() && self.usage() > self.options.max_bytes {
            let Some(worst) = order.pop() else {
                break;
            };
            // The chunk's rate per virtual byte (Core `ToFeePerVSize`), plus the step.
            let vsize = ((worst.feefrac.size + 3) / WITNESS_SCALE_FACTOR as i64).max(1);
            let per_kvb = fee_per_kvb(worst.feefrac.fee, vsize)
                + self.options.incremental_relay_fee.to_sat_per_kvb() as i64;
            let mut rolling = self.rolling.get();
            if per_kvb as f64 > rolling.rate {
                rolling.rate = per_kvb as f64;
                rolling.block_since_bump = false;
            }
            self.rolling.set(rolling);
            for txid in &worst.txids {
                self.remove_unchecked(txid, RemovalReason::SizeLimit);
            }
            evicted.extend(worst.txids);
        }
        evicted
    }

    /// Removes transactions that entered before `cutoff` and their descendants (Core
    /// `Expire`). Returns how many left.
    pub fn expire(&mut self, cutoff: i64) -> usize {
        let old: Vec<Txid> = self
            .entries
            .values()
            .filter(|e| e.time < cutoff)
            .map(|e| e.txid)
            .collect();
        let stage = self.descendants_of_all(old);
        for txid in &stage {
            self.remove_unchecked(txid, RemovalReason::Expiry);
        }
        stage.len()
    }

    /// Core's `LimitMempoolSize`: expiry, then trimming.
    pub fn limit_size(&mut self, now: i64) -> Vec<Txid> {
        self.expire(now - self.options.expiry_secs);
        self.trim_to_size()
    }

    /// A block connected: its transactions leave the pool, and so do pool transactions
    /// spending what it spent, with their descendants (Core `removeForBlock`). Returns the
    /// txids removed as conflicts.
    pub fn remove_for_block(&mut self, txs: &[Transaction], now: i64) -> Vec<Txid> {
        let mut conflicts = Vec::new();
        if !self.entries.is_empty() || !self.deltas.is_empty() {
            for tx in txs {
                let txid = tx.compute_txid();
                if self.entries.contains_key(&txid) {
                    self.remove_unchecked(&txid, RemovalReason::Block);
                }
                for input in &tx.input {
                    if let Some(&spender) = self.spent_by.get(&input.previous_output) {
                        if spender != txid {
                            self.clear_prioritisation(&spender);
                            conflicts
                                .extend(self.remove_recursive(&spender, RemovalReason::Conflict));
                        }
                    }
                }
                self.clear_prioritisation(&txid);
            }
        }
        let mut rolling = self.rolling.get();
        rolling.last_update = now;
        rolling.block_since_bump = true;
        self.rolling.set(rolling);
        conflicts
    }

    /// Removes `txid` and its descendants (Core `removeRecursive`). Returns what left.
    pub fn remove_recursive(&mut self, txid: &Txid, reason: RemovalReason) -> Vec<Txid> {
        let stage = self.descendants(txid);
        for t in &stage {
            self.remove_unchecked(t, reason);
        }
        stage.into_iter().collect()
    }

    /// Removes the pool transactions spending outputs of `tx` (itself not in the pool),
    /// with their descendants: after a reorg failed to re-add `tx` (Core's
    /// `removeRecursive(tx)` for a transaction not in the pool).
    pub fn remove_spenders_of(&mut self, tx: &Transaction, reason: RemovalReason) {
        let txid = tx.compute_txid();
        if self.entries.contains_key(&txid) {
            self.remove_recursive(&txid, reason);
            return;
        }
        let spenders: Vec<Txid> = (0..tx.output.len())
            .filter_map(|vout| {
                let vout = u32::try_from(vout).ok()?;
                self.spent_by.get(&OutPoint::new(txid, vout)).copied()
            })
            .collect();
        let stage = self.descendants_of_all(spenders);
        for t in &stage {
            self.remove_unchecked(t, reason);
        }
    }

    /// Removes `txids` (and their descendants) for `reason` (Core `removeForReorg`'s last
    /// step, after the caller judged which are no longer final or mature).
    pub fn remove_with_descendants(&mut self, txids: &[Txid], reason: RemovalReason) {
        let stage = self.descendants_of_all(txids.iter().copied());
        for t in &stage {
            self.remove_unchecked(t, reason);
        }
    }

    /// Takes one entry out, fixing the graph around it (Core `removeUnchecked`).
    fn remove_unchecked(&mut self, txid: &Txid, reason: RemovalReason) {
        let Some(entry) = self.entries.remove(txid) else {
            return;
        };
        if self.removed.len() >= REMOVED_LOG_LIMIT {
            self.removed.pop_front();
        }
        self.removed.push_back(Removed {
            txid: *txid,
            reason,
            vsize: entry.vsize,
            fee: entry.fee,
        });
        self.sequence += 1;
        self.updates += 1;
        for input in &entry.tx.input {
            self.spent_by.remove(&input.previous_output);
        }
        for parent in &entry.parents {
            if let Some(p) = self.entries.get_mut(parent) {
                p.children.remove(txid);
            }
        }
        for child in &entry.children {
            if let Some(c) = self.entries.get_mut(child) {
                c.parents.remove(txid);
            }
        }
        self.by_wtxid.remove(&entry.wtxid);
        self.unbroadcast.remove(txid);
        self.total_vsize = self.total_vsize.saturating_sub(entry.vsize);
        self.total_fee -= entry.fee.to_sat();
        self.usage = self.usage.saturating_sub(entry.memory_usage());
    }

    /// Puts one entry in, linking it to its parents and to children already in the pool
    /// (Core `addNewTransaction`; a child can precede its parent after a reorg).
    fn add_unchecked(&mut self, mut entry: Entry) {
        let txid = entry.txid;
        entry.fee_delta = self.deltas.get(&txid).copied().unwrap_or(0);
        entry.parents = entry
            .tx
            .input
            .iter()
            .map(|i| i.previous_output.txid)
            .filter(|p| self.entries.contains_key(p))
            .collect();
        entry.children = if self.defer_children {
            BTreeSet::new()
        } else {
            (0..entry.tx.output.len())
                .filter_map(|vout| {
                    let vout = u32::try_from(vout).ok()?;
                    self.spent_by.get(&OutPoint::new(txid, vout)).copied()
                })
                .collect()
        };
        for parent in &entry.parents {
            if let Some(p) = self.entries.get_mut(parent) {
                p.children.insert(txid);
            }
        }
        for child in &entry.children {
            if let Some(c) = self.entries.get_mut(child) {
                c.parents.insert(txid);
            }
        }
        for input in &entry.tx.input {
            self.spent_by.insert(input.previous_output, txid);
        }
        self.by_wtxid.insert(entry.wtxid, txid);
        self.total_vsize += entry.vsize;
        self.total_fee += entry.fee.to_sat();
        self.usage += entry.memory_usage();
        self.updates += 1;
        self.entries.insert(txid, entry);
    }

    /// Applies a staged change: removals first, then additions (Core `ChangeSet::Apply`).
    fn apply(&mut self, staged: Staged) {
        for txid in &staged.removed {
            self.remove_unchecked(txid, RemovalReason::Replaced);
        }
        for entry in staged.added {
            self.add_unchecked(entry);
            // Core increments the sequence for the notification of each addition.
            self.sequence += 1;
        }
    }

    // ---- the graph as a staged change would leave it ----

    /// The parents of `txid` after `staged`.
    fn staged_parents(&self, staged: &Staged, txid: &Txid) -> Vec<Txid> {
        if let Some(entry) = staged.added(txid) {
            let mut parents: Vec<Txid> = entry
                .tx
                .input
                .iter()
                .map(|i| i.previous_output.txid)
                .filter(|p| {
                    (self.entries.contains_key(p) && !staged.removed.contains(p))
                        || staged.added(p).is_some()
                })
                .collect();
            parents.sort();
            parents.dedup();
            return parents;
        }
        self.entries
            .get(txid)
            .map(|e| {
                e.parents
                    .iter()
                    .filter(|p| !staged.removed.contains(p))
                    .copied()
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The children of `txid` after `staged`.
    fn staged_children(&self, staged: &Staged, txid: &Txid) -> Vec<Txid> {
        let mut children: Vec<Txid> = self
            .entries
            .get(txid)
            .filter(|_| !staged.removed.contains(txid))
            .map(|e| {
                e.children
                    .iter()
                    .filter(|c| !staged.removed.contains(c))
                    .copied()
                    .collect()
            })
            .unwrap_or_default();
        for added in &staged.added {
            if added
                .tx
                .input
                .iter()
                .any(|i| i.previous_output.txid == *txid)
                && !children.contains(&added.txid)
            {
                children.push(added.txid);
            }
        }
        children
    }

    fn staged_entry<'a>(&'a self, staged: &'a Staged, txid: &Txid) -> Option<&'a Entry> {
        staged.added(txid).or_else(|| {
            self.entries
                .get(txid)
                .filter(|_| !staged.removed.contains(txid))
        })
    }

    /// The cluster of `txid` after `staged`, by txid.
    fn staged_cluster(&self, staged: &Staged, txid: Txid) -> Vec<Txid> {
        let mut seen = BTreeSet::new();
        let mut todo = vec![txid];
        while let Some(t) = todo.pop() {
            if self.staged_entry(staged, &t).is_none() || !seen.insert(t) {
                continue;
            }
            todo.extend(self.staged_parents(staged, &t));
            todo.extend(self.staged_children(staged, &t));
        }
        // Core's fallback order: by txid, byte by byte (a BTreeSet's order).
        seen.into_iter().collect()
    }

    /// Linearizes and chunks a cluster given by its members.
    fn chunk_cluster(
        &self,
        staged: &Staged,
        members: &[Txid],
    ) -> (Vec<ClusterTx>, Vec<cluster::Chunk>) {
        let index: HashMap<Txid, usize> =
            members.iter().enumerate().map(|(i, t)| (*t, i)).collect();
        let txs: Vec<ClusterTx> = members
            .iter()
            .map(|t| {
                let entry = self.staged_entry(staged, t);
                ClusterTx {
                    fee: entry.map_or(0, Entry::modified_fee),
                    size: entry.map_or(0, |e| e.adjusted_weight as i64),
                    parents: self
                        .staged_parents(staged, t)
                        .iter()
                        .filter_map(|p| index.get(p).copied())
                        .collect(),
                }
            })
            .collect();
        let order = cluster::linearize(&txs);
        let chunks = cluster::chunks(&txs, &order);
        (txs, chunks)
    }

    /// The clusters a staged change touches, before and after: the pool's clusters of the
    /// removed transactions and of the added ones' pool parents, and the clusters those
    /// transactions and the added ones form once it is applied.
    fn touched_clusters(&self, staged: &Staged) -> (Vec<Vec<Txid>>, Vec<Vec<Txid>>) {
        let unchanged = Staged::default();
        let mut seeds: BTreeSet<Txid> = staged.removed.clone();
        for added in &staged.added {
            for input in &added.tx.input {
                if self.entries.contains_key(&input.previous_output.txid) {
                    seeds.insert(input.previous_output.txid);
                }
            }
        }
        let mut before: Vec<Vec<Txid>> = Vec::new();
        let mut covered: HashSet<Txid> = HashSet::new();
        for seed in seeds {
            if covered.contains(&seed) {
                continue;
            }
            let members = self.staged_cluster(&unchanged, seed);
            covered.extend(members.iter().copied());
            before.push(members);
        }
        let mut after: Vec<Vec<Txid>> = Vec::new();
        let mut covered_after: HashSet<Txid> = HashSet::new();
        let survivors = before
            .iter()
            .flatten()
            .filter(|t| !staged.removed.contains(t))
            .copied()
            .chain(staged.added.iter().map(|e| e.txid))
            .collect::<Vec<_>>();
        for seed in survivors {
            if covered_after.contains(&seed) {
                continue;
            }
            let members = self.staged_cluster(staged, seed);
            covered_after.extend(members.iter().copied());
            after.push(members);
        }
        (before, after)
    }

    /// Core's `CheckMemPoolPolicyLimits`: no cluster the change leaves is larger than
    /// `-limitclustercount` transactions or `-limitclustersize` virtual bytes (as weight).
    fn staged_within_limits(&self, staged: &Staged) -> bool {
        let (_, after) = self.touched_clusters(staged);
        let max_weight = self.options.cluster_vbytes * WITNESS_SCALE_FACTOR as u64;
        after.iter().all(|members| {
            let weight: u64 = members
                .iter()
                .filter_map(|t| self.staged_entry(staged, t))
                .map(|e| e.adjusted_weight)
                .sum();
            members.len() <= self.options.cluster_count && weight <= max_weight
        })
    }

    /// The feerate diagrams before and after a staged change, over the clusters it
    /// touches (Core `GetMainStagingDiagrams`): chunk fee rates sorted best first.
    fn staged_diagrams(&self, staged: &Staged) -> (Vec<FeeFrac>, Vec<FeeFrac>) {
        let unchanged = Staged::default();
        let (before, after) = self.touched_clusters(staged);
        let rates = |staged: &Staged, clusters: &[Vec<Txid>]| {
            let mut rates: Vec<FeeFrac> = clusters
                .iter()
                .flat_map(|m| self.chunk_cluster(staged, m).1)
                .map(|c| c.feefrac)
                .collect();
            rates.sort_by(|a, b| order::by_ratio_neg_size(b, a));
            rates
        };
        (rates(&unchanged, &before), rates(staged, &after))
    }

    /// The pool ancestors of a transaction not yet in it, as the pool stands before any
    /// staged removal (Core `CalculateMemPoolAncestors` for an entry outside the graph:
    /// the ancestors of each of its pool parents).
    fn pool_ancestors_of(&self, tx: &Transaction) -> BTreeSet<Txid> {
        let parents = tx
            .input
            .iter()
            .map(|i| i.previous_output.txid)
            .filter(|p| self.entries.contains_key(p));
        self.closure(parents, |e| &e.parents)
    }

    /// The number of distinct clusters `txids` belong to (Core `GetUniqueClusterCount`).
    fn unique_cluster_count(&self, txids: &BTreeSet<Txid>) -> usize {
        let unchanged = Staged::default();
        let mut covered: HashSet<Txid> = HashSet::new();
        let mut count = 0;
        for txid in txids {
            if covered.contains(txid) {
                continue;
            }
            count += 1;
            covered.extend(self.staged_cluster(&unchanged, *txid));
        }
        count
    }
}

/// A chunk of the pool, as a block template takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockChunk {
    /// Its transactions, parents first.
    pub txids: Vec<Txid>,
    /// Its total modified fee and its size in weight units (sigops charged).
    pub feefrac: FeeFrac,
    /// Which cluster it belongs to (an index, stable for this call only): once a chunk of
    /// a cluster is skipped, the rest of that cluster must be too.
    pub cluster: usize,
}

/// Satoshis per 1,000 virtual bytes, rounded down as Core's `CFeeRate::GetFeePerK`.
pub fn fee_per_kvb(fee: i64, vsize: i64) -> i64 {
    if vsize <= 0 {
        return 0;
    }
    let rate = i128::from(fee) * 1000;
    let v = i128::from(vsize);
    i64::try_from(rate.div_euclid(v)).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests;
