//! A reorganisation: the transactions of disconnected blocks come back to the pool.
//!
//! When the chain moves to another branch, the transactions of the blocks it leaves are
//! no longer confirmed. Core tries each of them again (without fee limits: they were good
//! enough for a block), so that a payment confirmed on the losing branch is not lost. Pool
//! transactions may already spend their outputs: they were children of a confirmed
//! transaction and become children of an unconfirmed one, which can make a cluster larger
//! than the limits. Core first adds the returning transactions as if they had no children,
//! then links them to their children (`UpdateTransactionsFromBlock`), and then trims the
//! clusters that grew too large (txgraph's `Trim`): it rebuilds each oversized cluster
//! transaction by transaction, best chunk fee rate first, parents before children, and
//! drops every transaction (with what depends on it) that would not fit.
//!
//! Last, transactions no longer valid at the new tip leave: not final, not BIP68-final, or
//! spending a coinbase no longer mature (Core `removeForReorg`).
//!
//! References: Core `Chainstate::MaybeUpdateMempoolForReorg` (src/validation.cpp),
//! `CTxMemPool::UpdateTransactionsFromBlock`, `CTxMemPool::removeForReorg`
//! (src/txmempool.cpp), `TxGraphImpl::Trim` (src/txgraph.cpp).

use std::cmp::Ordering;
use std::collections::{BTreeSet, BinaryHeap, HashMap};
use std::sync::Arc;

use sou_chain::consensus::{is_final_tx, median_time_past, sequence_locks};
use sou_primitives::network::COINBASE_MATURITY;
use sou_primitives::transaction::WITNESS_SCALE_FACTOR;
use sou_primitives::{OutPoint, Transaction, Txid};

use super::accept::{AcceptArgs, CoinSource, TipContext};
use super::order::by_ratio_neg_size;
use super::{Mempool, RemovalReason, Staged};
use crate::cluster::FeeFrac;

impl Mempool {
    /// After a reorganisation: the disconnected blocks' transactions (oldest block first,
    /// each block's in order) go back into the pool, bypassing fee limits; they are linked
    /// to the pool transactions spending them and oversized clusters trimmed; then
    /// transactions no longer final, no longer BIP68-final or spending a coinbase now
    /// immature leave; then the pool is trimmed to its size.
    pub fn readd_after_reorg(
        &mut self,
        disconnected: Vec<Arc<Transaction>>,
        tip: &TipContext<'_>,
        coins: &mut dyn CoinSource,
    ) {
        let mut returned = Vec::new();
        self.defer_children = true;
        for tx in disconnected {
            if tx.is_coinbase() {
                continue;
            }
            let result = self.accept(Arc::clone(&tx), tip, coins, AcceptArgs::reorg());
            if result.is_valid() {
                returned.push(result.txid);
            } else {
                self.remove_spenders_of(&tx, RemovalReason::Reorg);
            }
        }
        self.defer_children = false;
        self.link_returned(&returned);
        self.remove_invalid_after_reorg(tip, coins);
        self.limit_size(tip.now);
    }

    /// Core `UpdateTransactionsFromBlock` with its `Trim`: links the returned transactions
    /// to the pool transactions spending them, first dropping what would overflow a cluster.
    fn link_returned(&mut self, returned: &[Txid]) {
        let mut new_deps: Vec<(Txid, Txid)> = Vec::new();
        for txid in returned {
            let Some(entry) = self.entries.get(txid) else {
                continue;
            };
            for vout in 0..entry.tx.output.len() {
                let Ok(vout) = u32::try_from(vout) else {
                    continue;
                };
                if let Some(&child) = self.spent_by.get(&OutPoint::new(*txid, vout)) {
                    if !entry.children.contains(&child) && !new_deps.contains(&(*txid, child)) {
                        new_deps.push((*txid, child));
                    }
                }
            }
        }
        let dropped = self.trim_for_deps(&new_deps);
        for txid in &dropped {
            self.remove_unchecked(txid, RemovalReason::SizeLimit);
        }
        for (parent, child) in new_deps {
            if !self.entries.contains_key(&parent) || !self.entries.contains_key(&child) {
                continue;
            }
            if let Some(p) = self.entries.get_mut(&parent) {
                p.children.insert(child);
            }
            if let Some(c) = self.entries.get_mut(&child) {
                c.parents.insert(parent);
            }
        }
    }

    /// Core's txgraph `Trim`: which transactions to drop so that adding `new_deps` leaves
    /// no cluster beyond the limits.
    fn trim_for_deps(&self, new_deps: &[(Txid, Txid)]) -> BTreeSet<Txid> {
        let unchanged = Staged::default();
        // The clusters as they are, and the groups the new links would merge them into.
        let mut cluster_of: HashMap<Txid, usize> = HashMap::new();
        let mut clusters: Vec<Vec<Txid>> = Vec::new();
        let mut seeds: Vec<Txid> = new_deps.iter().flat_map(|(p, c)| [*p, *c]).collect();
        seeds.sort();
        seeds.dedup();
        for seed in seeds {
            if cluster_of.contains_key(&seed) || !self.entries.contains_key(&seed) {
                continue;
            }
            let members = self.staged_cluster(&unchanged, seed);
            for m in &members {
                cluster_of.insert(*m, clusters.len());
            }
            clusters.push(members);
        }
        let mut group: Vec<usize> = (0..clusters.len()).collect();
        fn find(group: &mut [usize], mut i: usize) -> usize {
            while group[i] != i {
                group[i] = group[group[i]];
                i = group[i];
            }
            i
        }
        for (p, c) in new_deps {
            if let (Some(&a), Some(&b)) = (cluster_of.get(p), cluster_of.get(c)) {
                let (ra, rb) = (find(&mut group, a), find(&mut group, b));
                if ra != rb {
                    group[ra] = rb;
                }
            }
        }
        let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
        for i in 0..clusters.len() {
            let root = find(&mut group, i);
            groups.entry(root).or_default().push(i);
        }
        let max_size = i64::try_from(self.options.cluster_vbytes * WITNESS_SCALE_FACTOR as u64)
            .unwrap_or(i64::MAX);
        let mut dropped = BTreeSet::new();
        for members in groups.values() {
            let txs: Vec<Txid> = members.iter().flat_map(|&c| clusters[c].clone()).collect();
            let size: i64 = txs
                .iter()
                .filter_map(|t| self.entries.get(t))
                .map(|e| i64::try_from(e.adjusted_weight).unwrap_or(i64::MAX))
                .sum();
            if txs.len() <= self.options.cluster_count && size <= max_size {
                continue;
            }
            dropped.extend(self.trim_group(members, &clusters, new_deps, max_size));
        }
        dropped
    }

    /// Core's `Trim` over one group of clusters.
    fn trim_group(
        &self,
        members: &[usize],
        clusters: &[Vec<Txid>],
        new_deps: &[(Txid, Txid)],
        max_size: i64,
    ) -> Vec<Txid> {
        let unchanged = Staged::default();
        // Each transaction's chunk rate in its current cluster, and the implicit links
        // between consecutive transactions of each cluster's order.
        let mut rate: HashMap<Txid, FeeFrac> = HashMap::new();
        let mut deps: Vec<(Txid, Txid)> = Vec::new();
        for &c in members {
            let cluster = &clusters[c];
            let (_, chunks) = self.chunk_cluster(&unchanged, cluster);
            let mut order = Vec::new();
            for chunk in chunks {
                for &m in &chunk.members {
                    rate.insert(cluster[m], chunk.feefrac);
                    order.push(cluster[m]);
                }
            }
            deps.extend(order.windows(2).map(|w| (w[0], w[1])));
        }
        let in_group: BTreeSet<Txid> = rate.keys().copied().collect();
        deps.extend(
            new_deps
                .iter()
                .filter(|(p, c)| in_group.contains(p) && in_group.contains(c))
                .copied(),
        );
        let mut parents: HashMap<Txid, Vec<Txid>> = HashMap::new();
        let mut children: HashMap<Txid, Vec<Txid>> = HashMap::new();
        for (p, c) in &deps {
            parents.entry(*c).or_default().push(*p);
            children.entry(*p).or_default().push(*c);
        }
        let size_of = |t: &Txid| {
            self.entries
                .get(t)
                .map_or(0, |e| i64::try_from(e.adjusted_weight).unwrap_or(i64::MAX))
        };
        let mut left: HashMap<Txid, usize> = in_group
            .iter()
            .map(|t| (*t, parents.get(t).map_or(0, Vec::len)))
            .collect();
        let mut heap: BinaryHeap<Ready> = in_group
            .iter()
            .filter(|t| left.get(*t) == Some(&0) && size_of(t) <= max_size)
            .map(|t| Ready {
                rate: rate.get(t).copied().unwrap_or_default(),
                txid: *t,
            })
            .collect();
        // Union-find over included transactions: (parent, count, size).
        let mut uf: HashMap<Txid, (Txid, usize, i64)> = HashMap::new();
        fn root(uf: &mut HashMap<Txid, (Txid, usize, i64)>, mut t: Txid) -> Txid {
            while let Some(&(p, _, _)) = uf.get(&t) {
                if p == t {
                    break;
                }
                t = p;
            }
            t
        }
        let mut included: BTreeSet<Txid> = BTreeSet::new();
        while let Some(Ready { txid, .. }) = heap.pop() {
            let mut reps: Vec<Txid> = parents
                .get(&txid)
                .map(|ps| ps.iter().map(|p| root(&mut uf, *p)).collect())
                .unwrap_or_default();
            reps.sort();
            reps.dedup();
            let count = 1 + reps
                .iter()
                .filter_map(|r| uf.get(r))
                .map(|u| u.1)
                .sum::<usize>();
            let size = size_of(&txid)
                + reps
                    .iter()
                    .filter_map(|r| uf.get(r))
                    .map(|u| u.2)
                    .sum::<i64>();
            if count > self.options.cluster_count || size > max_size {
                continue;
            }
            uf.insert(txid, (txid, count, size));
            for r in reps {
                if let Some(entry) = uf.get_mut(&r) {
                    entry.0 = txid;
                }
            }
            included.insert(txid);
            for child in children.get(&txid).cloned().unwrap_or_default() {
                if let Some(n) = left.get_mut(&child) {
                    *n -= 1;
                    if *n == 0 {
                        heap.push(Ready {
                            rate: rate.get(&child).copied().unwrap_or_default(),
                            txid: child,
                        });
                    }
                }
            }
        }
        in_group.difference(&included).copied().collect()
    }

    /// Core `removeForReorg`: what the new tip no longer allows leaves, with descendants.
    fn remove_invalid_after_reorg(&mut self, tip: &TipContext<'_>, coins: &mut dyn CoinSource) {
        let tip_info = tip.view.tip();
        let next_height = tip_info.height + 1;
        let tip_mtp = median_time_past(tip.view, tip_info.height);
        let mut stale = Vec::new();
        let txids: Vec<Txid> = self.entries.keys().copied().collect();
        for txid in txids {
            let Some(entry) = self.entries.get(&txid) else {
                continue;
            };
            let tx = Arc::clone(&entry.tx);
            if !is_final_tx(&tx, next_height, tip_mtp) {
                stale.push(txid);
                continue;
            }
            let mut heights = Vec::with_capacity(tx.input.len());
            let mut immature = false;
            for input in &tx.input {
                if self.entries.contains_key(&input.previous_output.txid) {
                    heights.push(next_height);
                    continue;
                }
                match coins.coin(&input.previous_output) {
                    Some(coin) => {
                        if coin.is_coinbase && next_height - coin.height < COINBASE_MATURITY {
                            immature = true;
                        }
                        heights.push(coin.height);
                    }
                    None => immature = true,
                }
            }
            if immature || !sequence_locks(&tx, &heights, tip.view, true) {
                stale.push(txid);
            }
        }
        self.remove_with_descendants(&stale, RemovalReason::Reorg);
    }
}

/// A transaction whose parents are all placed, ranked by its chunk's fee rate (Core's
/// `ByRatioNegSize`), then by txid so that the order is fixed.
#[derive(PartialEq, Eq)]
struct Ready {
    rate: FeeFrac,
    txid: Txid,
}

impl Ord for Ready {
    fn cmp(&self, other: &Ready) -> Ordering {
        by_ratio_neg_size(&self.rate, &other.rate).then_with(|| other.txid.cmp(&self.txid))
    }
}

impl PartialOrd for Ready {
    fn partial_cmp(&self, other: &Ready) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
