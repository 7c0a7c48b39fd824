//! A maximum flow (Dinic's algorithm), and what its residual network tells about the
//! minimum cuts.
//!
//! A flow network carries flow from a source `s` to a sink `t` along edges of limited
//! capacity. The most it can carry equals the capacity of its smallest *cut* (a set of
//! edges whose removal separates `t` from `s`): max-flow min-cut. Dinic's algorithm finds
//! the flow: it numbers the nodes by their distance from `s` over edges with capacity
//! left (the *residual* network), pushes flow along shortest paths only until none is
//! left, and repeats; each round lengthens the shortest path, so there are fewer rounds
//! than nodes.
//!
//! Once the flow is maximal, the residual network describes every minimum cut at once
//! (Picard and Queyranne 1980): the source sides of the minimum cuts are exactly the node
//! sets that contain `s`, not `t`, and that no residual edge leaves.

use std::collections::VecDeque;

/// A capacity no cut can pay: the closure edges of [`super::linearize`].
pub(crate) const INFINITE: i128 = i128::MAX;

/// A flow network stored as paired edges: edge `e` and its reverse `e ^ 1`, whose residual
/// capacities always sum to the capacity `e` was created with.
pub(crate) struct FlowNetwork {
    edges_of: Vec<Vec<usize>>,
    head: Vec<usize>,
    residual: Vec<i128>,
}

impl FlowNetwork {
    pub(crate) fn new(nodes: usize) -> FlowNetwork {
        FlowNetwork {
            edges_of: vec![Vec::new(); nodes],
            head: Vec::new(),
            residual: Vec::new(),
        }
    }

    /// Adds an edge `from -> to` of capacity `capacity` (at least 0), and its reverse of
    /// capacity 0. Nodes out of range are ignored.
    pub(crate) fn add_edge(&mut self, from: usize, to: usize, capacity: i128) {
        if from >= self.edges_of.len() || to >= self.edges_of.len() {
            return;
        }
        let e = self.head.len();
        self.head.push(to);
        self.residual.push(capacity.max(0));
        self.edges_of[from].push(e);
        self.head.push(from);
        self.residual.push(0);
        self.edges_of[to].push(e + 1);
    }

    /// Pushes as much flow as possible from `s` to `t`, returning how much (saturating).
    pub(crate) fn max_flow(&mut self, s: usize, t: usize) -> i128 {
        let n = self.edges_of.len();
        if s >= n || t >= n || s == t {
            return 0;
        }
        let mut total: i128 = 0;
        loop {
            let level = self.levels(s);
            let Some(&level_t) = level.get(t) else {
                return total;
            };
            if level_t < 0 {
                return total;
            }
            total = total.saturating_add(self.blocking_flow(s, t, level));
        }
    }

    /// Distances from `s` over edges with capacity left; -1 where unreachable.
    fn levels(&self, s: usize) -> Vec<i64> {
        let mut level = vec![-1; self.edges_of.len()];
        level[s] = 0;
        let mut queue = VecDeque::from([s]);
        while let Some(u) = queue.pop_front() {
            for &e in &self.edges_of[u] {
                let v = self.head[e];
                if self.residual[e] > 0 && level[v] < 0 {
                    level[v] = level[u] + 1;
                    queue.push_back(v);
                }
            }
        }
        level
    }

    /// Saturates every shortest path: depth-first search along edges that go one level
    /// further, written with an explicit stack so that a long chain cannot overflow the
    /// call stack.
    fn blocking_flow(&mut self, s: usize, t: usize, mut level: Vec<i64>) -> i128 {
        // For each node, the next of its edges to try; edges before it are spent.
        let mut next = vec![0usize; self.edges_of.len()];
        let mut path: Vec<usize> = Vec::new();
        let mut pushed: i128 = 0;
        let mut u = s;
        loop {
            if u == t {
                let bottleneck = path.iter().map(|&e| self.residual[e]).min().unwrap_or(0);
                for &e in &path {
                    self.residual[e] -= bottleneck;
                    self.residual[e ^ 1] += bottleneck;
                }
                pushed = pushed.saturating_add(bottleneck);
                // Resume at the tail of the first edge this push saturated.
                let first_full = path
                    .iter()
                    .position(|&e| self.residual[e] == 0)
                    .unwrap_or(0);
                path.truncate(first_full);
                u = path.last().map_or(s, |&e| self.head[e]);
                continue;
            }
            let mut advanced = false;
            while let Some(&e) = self.edges_of[u].get(next[u]) {
                let v = self.head[e];
                if self.residual[e] > 0 && level[v] == level[u] + 1 {
                    path.push(e);
                    u = v;
                    advanced = true;
                    break;
                }
                next[u] += 1;
            }
            if !advanced {
                // A dead end: no path to `t` goes through `u` this round.
                level[u] = -2;
                match path.pop() {
                    None => return pushed,
                    Some(e) => {
                        u = self.head[e ^ 1];
                        next[u] += 1;
                    }
                }
            }
        }
    }

    /// The nodes with a residual path to `t` (after a maximum flow: those on the sink side
    /// of every minimum cut).
    pub(crate) fn reaching(&self, t: usize) -> Vec<bool> {
        let mut reaches = vec![false; self.edges_of.len()];
        let Some(slot) = reaches.get_mut(t) else {
            return reaches;
        };
        *slot = true;
        let mut queue = VecDeque::from([t]);
        while let Some(v) = queue.pop_front() {
            // Edge `e ^ 1` runs from head[e] into v.
            for &e in &self.edges_of[v] {
                let u = self.head[e];
                if self.residual[e ^ 1] > 0 && !reaches[u] {
                    reaches[u] = true;
                    queue.push_back(u);
                }
            }
        }
        reaches
    }

    /// The nodes reachable from `s` over residual edges, `s` included (after a maximum
    /// flow: the source side of the smallest minimum cut).
    pub(crate) fn reachable(&self, s: usize) -> Vec<bool> {
        let mut seen = vec![false; self.edges_of.len()];
        let Some(slot) = seen.get_mut(s) else {
            return seen;
        };
        *slot = true;
        let mut queue = VecDeque::from([s]);
        while let Some(u) = queue.pop_front() {
            for &e in &self.edges_of[u] {
                let v = self.head[e];
                if self.residual[e] > 0 && !seen[v] {
                    seen[v] = true;
                    queue.push_back(v);
                }
            }
        }
        seen
    }

    /// The residual edges out of `u`: the nodes `v` with capacity left on some `u -> v`.
    pub(crate) fn residual_targets(&self, u: usize) -> impl Iterator<Item = usize> + '_ {
        self.edges_of
            .get(u)
            .into_iter()
            .flatten()
            .filter(|&&e| self.residual[e] > 0)
            .map(|&e| self.head[e])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn textbook_network() {
        // CLRS figure 26.1: s=0, v1..v4 = 1..4, t=5; maximum flow 23.
        let mut net = FlowNetwork::new(6);
        for (from, to, cap) in [
            (0, 1, 16),
            (0, 2, 13),
            (2, 1, 4),
            (1, 3, 12),
            (3, 2, 9),
            (2, 4, 14),
            (4, 3, 7),
            (3, 5, 20),
            (4, 5, 4),
        ] {
            net.add_edge(from, to, cap);
        }
        assert_eq!(net.max_flow(0, 5), 23);
        // The minimum cut separates {s, v1, v2, v4} from {v3, t}.
        let side = net.reachable(0);
        assert_eq!(side, vec![true, true, true, false, true, false]);
        assert!(net.reaching(5)[3]);
    }

    #[test]
    fn no_path() {
        let mut net = FlowNetwork::new(3);
        net.add_edge(0, 1, 5);
        assert_eq!(net.max_flow(0, 2), 0);
        assert_eq!(net.max_flow(0, 0), 0);
        assert_eq!(net.max_flow(0, 9), 0);
    }
}
