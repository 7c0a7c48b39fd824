//! The order a miner takes transactions in: chunks of every cluster, best first.
//!
//! Each cluster is linearized and cut into chunks ([`crate::cluster`]); a block takes
//! chunks from all clusters by fee rate, highest first (Core's txgraph `BlockBuilder`).
//! A cluster's chunks already come in decreasing fee rate, so merging them by rate keeps
//! each cluster's own order: parents are always taken before their children. Ties between
//! equal rates go, as in Core's chunk index, to the smaller run of equal-rate chunks of
//! its cluster so far, then to the chunk whose greatest txid is smallest (Core's
//! *fallback order*: txids compared byte by byte, which also orders each cluster's
//! transactions before it is linearized).
//!
//! The same order serves `getrawmempool`, block templates, and, read backwards, eviction
//! from a full pool (the worst chunk leaves first).
//!
//! References: Core `src/txgraph.cpp` (`BlockBuilderImpl`, the chunk index and its
//! comparison), `src/node/miner.cpp` (`BlockAssembler::addChunks`).

use std::cmp::Ordering;

use sou_primitives::Txid;

use crate::cluster::{self, ClusterTx, FeeFrac};

/// One transaction to order: its (modified) fee, its size in sigop-adjusted weight, its
/// parents (indices into the same list) and its txid (for ties).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderTx {
    /// Modified fee.
    pub fee: i64,
    /// Sigop-adjusted weight.
    pub size: i64,
    /// Parents, as indices into the list.
    pub parents: Vec<usize>,
    /// Its txid: Core's fallback order breaks ties by it.
    pub txid: Txid,
}

/// A chunk in mining order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderedChunk {
    /// Its transactions (indices into the list), parents first.
    pub members: Vec<usize>,
    /// Total fee and size.
    pub feefrac: FeeFrac,
    /// Which cluster it belongs to (an index for this call): once a chunk is skipped, the
    /// later chunks of its cluster must be too, since they may depend on it.
    pub cluster: usize,
    /// Its size plus that of the equal-rate chunks just before it in its cluster.
    equal_prefix: i64,
    /// Its greatest txid.
    max_txid: Txid,
    /// Its place within its cluster.
    index: usize,
}

/// Core's `ByRatioNegSize`: the higher fee rate, then the smaller size, ranks higher.
pub(crate) fn by_ratio_neg_size(a: &FeeFrac, b: &FeeFrac) -> Ordering {
    a.cmp_rate(b).then_with(|| b.size.cmp(&a.size))
}

/// Greater means mined earlier.
fn rank(a: &OrderedChunk, b: &OrderedChunk) -> Ordering {
    a.feefrac
        .cmp_rate(&b.feefrac)
        .then_with(|| b.equal_prefix.cmp(&a.equal_prefix))
        .then_with(|| b.max_txid.cmp(&a.max_txid))
        .then_with(|| b.index.cmp(&a.index))
}

/// Every chunk of `txs`, best first.
pub fn mining_order(txs: &[OrderTx]) -> Vec<OrderedChunk> {
    // Clusters: the connected parts of the parent links, in either direction.
    let mut neighbours: Vec<Vec<usize>> = vec![Vec::new(); txs.len()];
    for (child, tx) in txs.iter().enumerate() {
        for &parent in tx.parents.iter().filter(|&&p| p < txs.len() && p != child) {
            neighbours[child].push(parent);
            neighbours[parent].push(child);
        }
    }
    let mut cluster_of = vec![usize::MAX; txs.len()];
    let mut chunks = Vec::new();
    let mut starts: Vec<usize> = (0..txs.len()).collect();
    starts.sort_by_key(|&i| (txs[i].txid, i));
    let mut clusters = 0;
    for start in starts {
        if cluster_of[start] != usize::MAX {
            continue;
        }
        let mut members = vec![start];
        cluster_of[start] = clusters;
        let mut next = 0;
        while let Some(&t) = members.get(next) {
            next += 1;
            for &n in &neighbours[t] {
                if cluster_of[n] == usize::MAX {
                    cluster_of[n] = clusters;
                    members.push(n);
                }
            }
        }
        members.sort_by_key(|&i| (txs[i].txid, i));
        let position = |i: usize| members.iter().position(|&m| m == i);
        let local: Vec<ClusterTx> = members
            .iter()
            .map(|&i| ClusterTx {
                fee: txs[i].fee,
                size: txs[i].size,
                parents: txs[i].parents.iter().filter_map(|&p| position(p)).collect(),
            })
            .collect();
        let order = cluster::linearize(&local);
        let mut previous: Option<FeeFrac> = None;
        let mut equal_prefix = 0;
        for (index, chunk) in cluster::chunks(&local, &order).into_iter().enumerate() {
            let same_rate = previous.is_some_and(|p| p.cmp_rate(&chunk.feefrac) == Ordering::Equal);
            equal_prefix = if same_rate { equal_prefix } else { 0 } + chunk.feefrac.size;
            previous = Some(chunk.feefrac);
            let members: Vec<usize> = chunk.members.iter().map(|&m| members[m]).collect();
            let max_txid = members
                .iter()
                .map(|&m| txs[m].txid)
                .max()
                .unwrap_or_default();
            chunks.push(OrderedChunk {
                members,
                feefrac: chunk.feefrac,
                cluster: clusters,
                equal_prefix,
                max_txid,
                index,
            });
        }
        clusters += 1;
    }
    chunks.sort_by(|a, b| rank(b, a));
    chunks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tx(fee: i64, size: i64, byte: u8) -> OrderTx {
        OrderTx {
            fee,
            size,
            parents: vec![],
            txid: Txid::from_byte_array([byte; 32]),
        }
    }

    #[test]
    fn single_transactions_come_by_fee_rate() {
        let txs = vec![
            tx(14_619, 17_536, 1),
            tx(14_576, 17_536, 2),
            tx(20_000, 17_536, 3),
        ];
        let order: Vec<usize> = mining_order(&txs).iter().map(|c| c.members[0]).collect();
        assert_eq!(order, vec![2, 0, 1]);
    }
}
