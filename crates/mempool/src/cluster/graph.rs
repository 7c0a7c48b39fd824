//! The cluster as a graph the algorithms can trust: parents cleaned, a topological order,
//! and ancestor and descendant sets.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::{ClusterTx, FeeFrac};

/// A set of transaction positions, one bit each.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct BitSet {
    words: Vec<u64>,
}

impl BitSet {
    /// The empty set, able to hold positions below `n`.
    pub(crate) fn new(n: usize) -> BitSet {
        BitSet {
            words: vec![0; n.div_ceil(64)],
        }
    }

    pub(crate) fn insert(&mut self, i: usize) {
        if let Some(word) = self.words.get_mut(i / 64) {
            *word |= 1 << (i % 64);
        }
    }

    pub(crate) fn union_with(&mut self, other: &BitSet) {
        for (word, o) in self.words.iter_mut().zip(&other.words) {
            *word |= o;
        }
    }

    /// The positions in the set, in increasing order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(w, &word)| {
            (0..64)
                .filter(move |bit| word >> bit & 1 == 1)
                .map(move |bit| w * 64 + bit)
        })
    }

    pub(crate) fn contains(&self, i: usize) -> bool {
        self.words
            .get(i / 64)
            .is_some_and(|word| word >> (i % 64) & 1 == 1)
    }

    pub(crate) fn intersects(&self, other: &BitSet) -> bool {
        self.words.iter().zip(&other.words).any(|(a, b)| a & b != 0)
    }
}

/// A cluster whose parent lists can be trusted: no index out of range, no transaction its
/// own parent, no duplicate, no cycle.
///
/// Input from a mempool has none of these faults. From anywhere else, out-of-range and
/// self-parents are dropped, and a cycle is broken by dropping the edges that close it: a
/// topological sort (lowest index first among the ready) that gets stuck takes the lowest
/// remaining index anyway and forgets that transaction's parents not yet placed.
pub(crate) struct Graph {
    /// The direct parents: those not implied by another parent.
    pub(crate) parents: Vec<Vec<usize>>,
    pub(crate) children: Vec<Vec<usize>>,
    /// Each transaction and its ancestors.
    pub(crate) ancestors: Vec<BitSet>,
    /// Each transaction and its descendants.
    pub(crate) descendants: Vec<BitSet>,
    pub(crate) feefrac: Vec<FeeFrac>,
    /// Every transaction once, parents first.
    pub(crate) topo: Vec<usize>,
}

impl Graph {
    pub(crate) fn new(txs: &[ClusterTx]) -> Graph {
        let n = txs.len();
        let mut parents: Vec<Vec<usize>> = txs
            .iter()
            .enumerate()
            .map(|(i, tx)| {
                let mut ps: Vec<usize> = tx
                    .parents
                    .iter()
                    .copied()
                    .filter(|&p| p < n && p != i)
                    .collect();
                ps.sort_unstable();
                ps.dedup();
                ps
            })
            .collect();
        let mut children = vec![Vec::new(); n];
        for (c, ps) in parents.iter().enumerate() {
            for &p in ps {
                children[p].push(c);
            }
        }

        // Kahn's topological sort, lowest index first, forcing the lowest index when stuck.
        let mut missing: Vec<usize> = parents.iter().map(Vec::len).collect();
        let mut placed = vec![false; n];
        let mut ready: BinaryHeap<Reverse<usize>> =
            (0..n).filter(|&i| missing[i] == 0).map(Reverse).collect();
        let mut topo = Vec::with_capacity(n);
        let mut next_forced = 0;
        while topo.len() < n {
            let v = match ready.pop() {
                Some(Reverse(v)) if !placed[v] => v,
                Some(_) => continue,
                None => {
                    // Stuck: every unplaced transaction waits on another, so there is a
                    // cycle. Place the lowest unplaced one.
                    while placed.get(next_forced) == Some(&true) {
                        next_forced += 1;
                    }
                    next_forced
                }
            };
            placed[v] = true;
            topo.push(v);
            for &c in &children[v] {
                missing[c] = missing[c].saturating_sub(1);
                if missing[c] == 0 && !placed[c] {
                    ready.push(Reverse(c));
                }
            }
        }
        let mut position = vec![0; n];
        for (at, &v) in topo.iter().enumerate() {
            position[v] = at;
        }
        // Keep only the edges the order respects: with valid input, all of them.
        for (c, ps) in parents.iter_mut().enumerate() {
            ps.retain(|&p| position[p] < position[c]);
        }

        let mut ancestors = vec![BitSet::new(n); n];
        for &v in &topo {
            let mut set = BitSet::new(n);
            set.insert(v);
            for &p in &parents[v] {
                set.union_with(&ancestors[p]);
            }
            ancestors[v] = set;
        }
        // Drop the parents implied by others (an ancestor of another parent): the same sets
        // stay closed, and a dense cluster's flow network gets far fewer edges.
        let strict: Vec<BitSet> = parents
            .iter()
            .map(|ps| {
                let mut set = BitSet::new(n);
                for &p in ps {
                    set.union_with(&ancestors[p]);
                }
                set
            })
            .collect();
        for ps in &mut parents {
            let mut implied = BitSet::new(n);
            for &q in ps.iter() {
                implied.union_with(&strict[q]);
            }
            ps.retain(|&p| !implied.contains(p));
        }
        let mut children = vec![Vec::new(); n];
        for (c, ps) in parents.iter().enumerate() {
            for &p in ps {
                children[p].push(c);
            }
        }
        let mut descendants = vec![BitSet::new(n); n];
        for &v in topo.iter().rev() {
            let mut set = BitSet::new(n);
            set.insert(v);
            for &c in &children[v] {
                set.union_with(&descendants[c]);
            }
            descendants[v] = set;
        }

        Graph {
            parents,
            children,
            ancestors,
            descendants,
            feefrac: txs.iter().map(ClusterTx::feefrac).collect(),
            topo,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.feefrac.len()
    }
}
