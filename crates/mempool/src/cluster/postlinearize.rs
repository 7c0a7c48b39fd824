//! [`post_linearize`]: Core's cheap improvement pass over a linearization.

use std::cmp::Ordering;

use super::graph::{BitSet, Graph};
use super::{ClusterTx, FeeFrac};

/// Improves a linearization in place, as Core's `PostLinearize` (src/cluster_linearize.h)
/// does: the result is at least as good (its diagram never worse), its chunks are
/// connected, and a linearization that is already optimal keeps its chunks and only has
/// the order inside them changed. Core's txgraph runs it after every linearization, so
/// [`linearize`](super::linearize) does too.
///
/// Two passes, back to front then front to back. A front-to-back pass keeps a list of
/// groups: each transaction starts a group at the end, and while the group before it has a
/// lower feerate, the two merge if the later one depends on the earlier, and otherwise
/// swap. A back-to-front pass is the same on the reversed order with parents and children,
/// and higher and lower, exchanged.
///
/// `order` must be a permutation of `0..txs.len()`; anything else is left unchanged.
pub fn post_linearize(txs: &[ClusterTx], order: &mut [usize]) {
    let mut seen = vec![false; txs.len()];
    let is_permutation = order.len() == txs.len()
        && order
            .iter()
            .all(|&v| v < seen.len() && !std::mem::replace(&mut seen[v], true));
    if is_permutation {
        post_linearize_graph(&Graph::new(txs), order);
    }
}

/// A group of the pass: its transactions in order, them as a set, what they depend on (in
/// the pass's direction) and their total, the fee negated in backward passes.
struct Group {
    txs: Vec<usize>,
    members: BitSet,
    deps: BitSet,
    feefrac: FeeFrac,
}

/// [`post_linearize`] on a graph already checked; `order` a permutation of its positions.
pub(crate) fn post_linearize_graph(graph: &Graph, order: &mut [usize]) {
    let n = graph.len();
    if order.len() != n {
        return;
    }
    let (ancestors, descendants) = (&graph.ancestors, &graph.descendants);
    for backward in [true, false] {
        let mut groups: Vec<Group> = Vec::new();
        for i in 0..n {
            let v = if backward { order[n - 1 - i] } else { order[i] };
            let mut feefrac = graph.feefrac[v];
            if backward {
                // Reversed, the lowest feerate should come first: negate the fee.
                feefrac.fee = feefrac.fee.saturating_neg();
            }
            let mut members = BitSet::new(n);
            members.insert(v);
            let deps = if backward {
                descendants[v].clone()
            } else {
                ancestors[v].clone()
            };
            let mut cur = Group {
                txs: vec![v],
                members,
                deps,
                feefrac,
            };
            // `cur` sits at position `at`, before groups[at..].
            let mut at = groups.len();
            while let Some(prev) = at.checked_sub(1).and_then(|p| groups.get(p)) {
                if cur.feefrac.cmp_rate(&prev.feefrac) != Ordering::Greater {
                    break;
                }
                if cur.deps.intersects(&prev.members) {
                    // Depends on it: merge, the earlier group's transactions first.
                    let prev = groups.remove(at - 1);
                    let mut txs = prev.txs;
                    txs.append(&mut cur.txs);
                    cur.txs = txs;
                    cur.members.union_with(&prev.members);
                    cur.deps.union_with(&prev.deps);
                    cur.feefrac += prev.feefrac;
                }
                // Either way `cur` now stands where `prev` stood.
                at -= 1;
            }
            groups.insert(at, cur);
        }
        let mut flat = groups.into_iter().flat_map(|g| g.txs);
        if backward {
            for slot in order.iter_mut().rev() {
                *slot = flat.next().unwrap_or(*slot);
            }
        } else {
            for slot in order.iter_mut() {
                *slot = flat.next().unwrap_or(*slot);
            }
        }
    }
}
