//! The cluster mempool: linearizations, chunks and feerate diagrams.
//!
//! Since v31 Core keeps its mempool as *clusters*: a transaction spending an output of
//! another unconfirmed one is its child, and a cluster is a connected set of such
//! parent/child links (a lone transaction is a cluster of one). A cluster is the unit of
//! every mempool decision, because what one of its transactions is worth to a miner
//! depends on the others: a child can only be mined with its parents, and a child paying a
//! high fee makes its cheap parent worth mining (child pays for parent).
//!
//! **Linearization.** A miner fills a block from the front of some order of the cluster's
//! transactions, parents before children (a *topological* order). Such an order is a
//! [`linearize`]d cluster.
//!
//! **Chunks.** Given a linearization, a transaction that pays better than what comes before
//! it is worth taking together with it: with feerates 1, 5 (parent, then its child) the
//! pair at 3 sat/vB beats taking the parent alone. [`chunks`] groups a linearization so:
//! each transaction absorbs the chunk before it while it has the higher feerate. The chunks
//! then come in decreasing feerate, and each is mined whole or not at all. Mining takes the
//! best chunks of all clusters first; eviction (a full mempool) drops the worst chunk.
//!
//! **Feerate diagram.** Plot the running totals of the chunks, size across and fee up: a
//! concave line from (0, 0), each chunk a segment whose slope is its feerate. It tells what
//! a miner collects in a block space of any size. One linearization is better than another
//! when its line is nowhere below and somewhere above; two may also cross, neither better.
//! [`compare_diagrams`] decides, and a replacement (RBF) must strictly improve the
//! mempool's diagram (Core's `ImprovesFeerateDiagram`, src/policy/rbf.cpp).
//!
//! **Why optimal.** A poor linearization hides value: with a parent at 1 sat/vB and two
//! children at 10 and 2, the order (parent, 2, 10) chunks as one group at about 4 sat/vB,
//! while (parent, 10, 2) puts the good pair first at about 5.5. Mining would take less,
//! eviction could drop the wrong transactions, and a replacement could be refused or
//! accepted by the order's accident rather than by what it pays. An *optimal*
//! linearization has a diagram at least as good as every other one; one always exists,
//! and its diagram is unique.
//!
//! # How [`linearize`] finds it
//!
//! The first chunk of an optimal linearization is a best *closed* subset: a set holding
//! each member's parents, with the highest feerate possible. Take it, and repeat on what is
//! left. Finding it looks hard (a ratio, over exponentially many sets) but is exact and
//! fast:
//!
//! 1. *Fix a feerate λ.* Some closed set beats λ exactly when some closed `S` has
//!    `Σ_S (fee − λ·size) > 0`. With these weights, finding the closed set of largest
//!    weight is the *maximum-weight closure* problem, solved by one minimum cut (Picard
//!    1976): the source feeds each positive weight, each negative weight drains to the
//!    sink, and each child points to its parents by an edge too dear to cut.
//! 2. *Move λ up (Dinkelbach).* Start with λ the best feerate of a transaction with its
//!    remaining ancestors (a closed set, often already the best); while the cut finds a
//!    set `S` of positive weight, let λ be `S`'s feerate and cut again. λ rises each round,
//!    so this ends, usually after one to three cuts, at the best feerate. With
//!    λ = `num/den`, the weights are `fee·den − num·size` in `i128`: no rounding.
//! 3. *All the best sets at once.* At the best λ every best set has weight zero, as does
//!    the empty set, and the minimum cuts are exactly these sets, read off the residual
//!    network of one maximum flow (Picard and Queyranne 1980). Their union (what cannot
//!    reach the sink) is taken whole; its *minimal* chunks (no part of a chunk could be
//!    mined alone at the same feerate) are the strongly connected parts of the residual
//!    network within it.
//!
//! Each round is a maximum flow (Dinic's algorithm) on at most the cluster's size, and
//! there are at most as many levels as transactions: Core's 64-transaction clusters take
//! about a millisecond, and hundreds of transactions stay well within a second.
//!
//! Core itself reaches the same diagram by another road: its spanning-forest linearization
//! (`SpanningForestState`, src/cluster_linearize.h) improves a forest of active
//! dependencies step by step, randomized, within a work budget (`ACCEPTABLE_COST`,
//! src/txmempool.h), and marks a cluster optimal when it finishes (a cluster cut short is
//! improved later). Ours is always exact and deterministic.
//!
//! # Ties, as Core breaks them
//!
//! The diagram is unique, the order is not. [`linearize`] follows Core's choices
//! (`SpanningForestState::GetLinearization`, then `PostLinearize`, as txgraph's
//! `Relinearize` runs them):
//!
//! - chunks are *minimal*: equal-feerate pieces that do not depend on each other stay
//!   separate chunks (and [`chunks`] does not merge equal feerates, as Core's
//!   `ChunkLinearization` does not);
//! - of the chunks whose parents are placed, the highest feerate first, then the smallest
//!   size, then the one whose *highest* transaction (by fallback order) is lowest;
//! - inside a chunk, of the transactions whose parents are placed, the highest feerate
//!   first, then the smallest size, then the lowest by fallback order;
//! - then [`post_linearize`], which for an optimal order only reorders inside chunks.
//!
//! Checked against Core itself: on 9,000 random clusters of up to 64 transactions, with
//! many equal feerates, and a dozen of 100 to 500, [`linearize`] returned exactly the
//! order Core's `Linearize` and `PostLinearize` return (a sample is in
//! `tests/cluster.rs`).
//!
//! Core's fallback order is a comparator the mempool gives txgraph: the txids, compared
//! byte by byte in their internal order, not as the reversed hex shows them (`memcmp` in
//! `base_blob::Compare`, src/uint256.h; the comparator in `CTxMemPool::CTxMemPool`,
//! src/txmempool.cpp). Here it is the index in the slice: pass the transactions sorted so
//! to reproduce Core's order exactly.
//!
//! # Units
//!
//! [`FeeFrac`] does not care what a size is, but comparisons do, since rounding weight to
//! virtual bytes changes them. Core's mempool gives txgraph the *sigop-adjusted weight*
//! (`GetSigOpsAdjustedWeight`, src/policy/policy.cpp: the larger of the weight and
//! sigop cost × `-bytespersigop`), not the virtual size; pass that to get Core's diagrams
//! to the unit.
//!
//! Core's RPCs `getmempoolcluster` (a cluster's order and chunks) and
//! `getmempoolfeeratediagram` (the whole mempool's diagram) show these values.
//!
//! References: Core src/cluster_linearize.h, src/txgraph.{h,cpp}, src/util/feefrac.{h,cpp},
//! src/policy/rbf.cpp (`ImprovesFeerateDiagram`), src/txmempool.cpp
//! (`ChangeSet::CalculateChunksForRBF`); Delving Bitcoin, "Introduction to cluster
//! linearization" (sipa, 2023); J.-C. Picard, "Maximal closure of a graph and applications
//! to combinatorial problems" (1976); Picard and Queyranne, "On the structure of all
//! minimum cuts in a network" (1980); W. Dinkelbach, "On nonlinear fractional
//! programming" (1967).

mod chunking;
mod feefrac;
mod flow;
mod graph;
mod linearization;
mod postlinearize;

pub use chunking::{chunks, compare_diagrams, diagram, Chunk};
pub use feefrac::FeeFrac;
pub use linearization::linearize;
pub use postlinearize::post_linearize;

/// One transaction of a cluster, as the algorithms see it.
///
/// Parents are indices into the same slice. Parents out of range, a transaction its own
/// parent, and parents that would close a cycle (which transactions cannot do) are
/// ignored: the algorithms never fail, and with a mempool's input none of this happens.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClusterTx {
    /// The modified fee (after `prioritisetransaction`): may be zero or negative.
    pub fee: i64,
    /// The size: Core uses the sigop-adjusted weight (see the [module docs](self)).
    pub size: i64,
    /// The transaction's parents in the cluster, as indices into the cluster's slice.
    pub parents: Vec<usize>,
}

impl ClusterTx {
    /// The largest size counted: Core's `FeeFrac` keeps sizes in an `int32_t`.
    pub const MAX_SIZE: i64 = i32::MAX as i64;

    /// Its fee and size, the size clamped to `1..=MAX_SIZE` (a transaction has a size, and
    /// the bound keeps the arithmetic exact).
    pub fn feefrac(&self) -> FeeFrac {
        FeeFrac::new(self.fee, self.size.clamp(1, Self::MAX_SIZE))
    }
}

/// Whether `order` is a linearization of `txs`: each position exactly once, and every
/// parent (of those in range) before its child.
pub fn is_topological(txs: &[ClusterTx], order: &[usize]) -> bool {
    if order.len() != txs.len() {
        return false;
    }
    let mut placed = vec![false; txs.len()];
    for &v in order {
        let Some(tx) = txs.get(v) else {
            return false;
        };
        if placed[v] {
            return false;
        }
        let parents_placed = tx
            .parents
            .iter()
            .all(|&p| p >= txs.len() || p == v || placed[p]);
        if !parents_placed {
            return false;
        }
        placed[v] = true;
    }
    true
}
