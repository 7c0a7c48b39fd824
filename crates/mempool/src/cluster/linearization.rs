//! [`linearize`]: an optimal linearization, found exactly with minimum cuts.

use std::cmp::Ordering;

use super::flow::{FlowNetwork, INFINITE};
use super::graph::{BitSet, Graph};
use super::postlinearize::post_linearize_graph;
use super::{ClusterTx, FeeFrac};

/// An optimal linearization: a topological order (parents before children) whose chunking
/// has the best possible feerate diagram, ordered as Core orders it.
///
/// The steps, as the [module documentation](super) explains:
/// 1. split the cluster into *levels*: repeatedly take the union of all highest-feerate
///    closed subsets of what remains (a maximum-weight closure, Dinkelbach on λ);
/// 2. split each level into its minimal equal-feerate chunks (the strongly connected parts
///    of the residual network, Picard–Queyranne);
/// 3. order the chunks and the transactions inside them as Core's `GetLinearization` does,
///    the index in `txs` standing for Core's fallback order;
/// 4. run Core's `PostLinearize`, as txgraph does after every linearization.
///
/// Parents out of range, a transaction its own parent, and parents closing a cycle are
/// ignored (see [`ClusterTx`]); the result is always a permutation of `0..txs.len()`.
pub fn linearize(txs: &[ClusterTx]) -> Vec<usize> {
    let graph = Graph::new(txs);
    let chunks = optimal_chunks(&graph);
    let mut order = order_chunks(&graph, &chunks);
    post_linearize_graph(&graph, &mut order);
    order
}

/// The total fee and size of a set, in `i128` so that no sum of `i64` fees overflows.
#[derive(Clone, Copy, Debug)]
struct Total {
    fee: i128,
    size: i128,
}

impl Total {
    fn of(graph: &Graph, members: impl IntoIterator<Item = usize>) -> Total {
        let mut total = Total { fee: 0, size: 0 };
        for v in members {
            total.fee += i128::from(graph.feefrac[v].fee);
            total.size += i128::from(graph.feefrac[v].size);
        }
        total
    }

    /// `self.fee / self.size` against `other.fee / other.size`. Products saturate only for
    /// clusters of tens of thousands of transactions with fees near `i64::MAX`.
    fn cmp_rate(&self, other: &Total) -> Ordering {
        let lhs = self.fee.saturating_mul(other.size);
        let rhs = other.fee.saturating_mul(self.size);
        lhs.cmp(&rhs)
    }
}

/// The minimal chunks of an optimal linearization, level by level (unordered within a
/// level).
fn optimal_chunks(graph: &Graph) -> Vec<Vec<usize>> {
    let n = graph.len();
    let mut remaining = vec![true; n];
    let mut left = n;
    let mut chunks = Vec::new();
    // Each transaction's ancestor set among what remains (itself included): a closed set,
    // and often the best one, so the best of them is where Dinkelbach starts.
    let mut ancestor_totals: Vec<Total> = graph
        .ancestors
        .iter()
        .map(|set| Total::of(graph, set.iter()))
        .collect();
    while left > 0 {
        let members: Vec<usize> = (0..n).filter(|&v| remaining[v]).collect();
        let start = members
            .iter()
            .map(|&v| ancestor_totals[v])
            .reduce(|best, t| if t.cmp_rate(&best).is_gt() { t } else { best })
            .unwrap_or(Total { fee: 0, size: 1 });
        let mut level = best_level(graph, &members, start);
        if level.iter().all(Vec::is_empty) {
            // Only reachable if arithmetic saturated: take the rest, which is closed.
            level = vec![members];
        }
        for chunk in &level {
            for &v in chunk {
                if remaining[v] {
                    remaining[v] = false;
                    left -= 1;
                    let FeeFrac { fee, size } = graph.feefrac[v];
                    for d in graph.descendants.get(v).into_iter().flat_map(BitSet::iter) {
                        ancestor_totals[d].fee -= i128::from(fee);
                        ancestor_totals[d].size -= i128::from(size);
                    }
                }
            }
        }
        chunks.extend(level.into_iter().filter(|c| !c.is_empty()));
    }
    chunks
}

/// The closure problem for `members` at feerate λ = `lambda.fee / lambda.size`: a network
/// whose minimum cut's source side is a closed subset `S` maximizing
/// `Σ_S (fee·λ.size − λ.fee·size)`, which is positive exactly when `S` beats λ.
///
/// Nodes `0..m` are `members[i]`, `m` is the source, `m + 1` the sink. The source feeds
/// each transaction of positive weight by an edge of that weight, and each of negative
/// weight drains into the sink by an edge of minus its weight. Leaving a positive one out
/// of `S` cuts its source edge (the gain forgone), taking a negative one in cuts its sink
/// edge (the loss paid): the cut is the positive total minus the weight of `S`. Each child points to its parents
/// by an edge no cut can pay, so no `S` of finite cut holds a child without its parents
/// (Picard 1976).
struct Closure {
    net: FlowNetwork,
    /// The sum of the positive weights: the cut that leaves everything out.
    positive: i128,
}

impl Closure {
    fn new(graph: &Graph, members: &[usize], local: &[usize], lambda: Total) -> Closure {
        let m = members.len();
        let (source, sink) = (m, m + 1);
        let mut net = FlowNetwork::new(m + 2);
        let mut positive: i128 = 0;
        for (i, &v) in members.iter().enumerate() {
            let FeeFrac { fee, size } = graph.feefrac[v];
            let weight = i128::from(fee)
                .saturating_mul(lambda.size)
                .saturating_sub(lambda.fee.saturating_mul(i128::from(size)));
            match weight.cmp(&0) {
                Ordering::Greater => {
                    net.add_edge(source, i, weight);
                    positive = positive.saturating_add(weight);
                }
                Ordering::Less => net.add_edge(i, sink, weight.saturating_neg()),
                Ordering::Equal => {}
            }
            for &p in &graph.parents[v] {
                // A parent outside `members` was taken at an earlier level.
                if let Some(&j) = local.get(p).filter(|&&j| j < m) {
                    net.add_edge(i, j, INFINITE);
                }
            }
        }
        Closure { net, positive }
    }
}

/// The union of all highest-feerate closed subsets of `members` (closed: holding, of each
/// member, the parents among `members`), split into its minimal chunks.
fn best_level(graph: &Graph, members: &[usize], start: Total) -> Vec<Vec<usize>> {
    let m = members.len();
    let (source, sink) = (m, m + 1);
    let mut local = vec![usize::MAX; graph.len()];
    for (i, &v) in members.iter().enumerate() {
        local[v] = i;
    }

    // Dinkelbach: start from the feerate of a closed set (`start`), and while some closed
    // set beats λ, move λ up to that set's feerate. λ rises strictly each round and there
    // are finitely many closed sets; in practice one to three rounds.
    let mut lambda = start;
    let mut rounds = 0;
    let closure = loop {
        let mut closure = Closure::new(graph, members, &local, lambda);
        let flow = closure.net.max_flow(source, sink);
        rounds += 1;
        if flow >= closure.positive || rounds > m {
            break closure; // Nothing beats λ: λ is the best feerate.
        }
        let side = closure.net.reachable(source);
        let better = Total::of(graph, (0..m).filter(|&i| side[i]).map(|i| members[i]));
        if better.cmp_rate(&lambda) != Ordering::Greater {
            break closure; // Only if arithmetic saturated.
        }
        lambda = better;
    };

    // At the best λ, every best set has weight 0, as has the empty set: the minimum cuts
    // are these sets. Their union is what cannot reach the sink; its minimal pieces are the
    // strongly connected parts of the residual network inside it.
    let reaches_sink = closure.net.reaching(sink);
    let in_level: Vec<bool> = (0..m).map(|i| !reaches_sink[i]).collect();
    strongly_connected(&closure.net, &in_level)
        .into_iter()
        .map(|part| {
            let mut chunk: Vec<usize> = part.into_iter().map(|i| members[i]).collect();
            chunk.sort_unstable();
            chunk
        })
        .collect()
}

/// The strongly connected components of the residual network restricted to the nodes
/// marked in `inside` (Kosaraju: finishing order on the graph, then search the reversed
/// graph in reverse finishing order), with explicit stacks.
fn strongly_connected(net: &FlowNetwork, inside: &[bool]) -> Vec<Vec<usize>> {
    let m = inside.len();
    let is_in = |v: usize| inside.get(v).copied().unwrap_or(false);
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); m];
    let mut into: Vec<Vec<usize>> = vec![Vec::new(); m];
    for u in (0..m).filter(|&u| is_in(u)) {
        for v in net.residual_targets(u).filter(|&v| is_in(v)) {
            out[u].push(v);
            into[v].push(u);
        }
    }

    let mut finished = Vec::with_capacity(m);
    let mut seen = vec![false; m];
    for root in (0..m).filter(|&u| is_in(u)) {
        if seen[root] {
            continue;
        }
        seen[root] = true;
        let mut stack = vec![(root, 0usize)];
        while let Some(top) = stack.last_mut() {
            let (u, at) = *top;
            if let Some(&v) = out[u].get(at) {
                top.1 += 1;
                if !seen[v] {
                    seen[v] = true;
                    stack.push((v, 0));
                }
            } else {
                finished.push(u);
                stack.pop();
            }
        }
    }

    let mut component = vec![usize::MAX; m];
    let mut parts = Vec::new();
    for &root in finished.iter().rev() {
        if component[root] != usize::MAX {
            continue;
        }
        let id = parts.len();
        component[root] = id;
        let mut part = vec![root];
        let mut stack = vec![root];
        while let Some(v) = stack.pop() {
            for &u in &into[v] {
                if component[u] == usize::MAX {
                    component[u] = id;
                    part.push(u);
                    stack.push(u);
                }
            }
        }
        parts.push(part);
    }
    parts
}

/// Core's `SpanningForestState::GetLinearization`: of the chunks whose outside parents are
/// all placed, the highest feerate first, then the smallest size, then the one whose
/// highest index is lowest; inside a chunk, of the transactions whose parents are placed,
/// the highest feerate first, then the smallest size, then the lowest index.
fn order_chunks(graph: &Graph, chunks: &[Vec<usize>]) -> Vec<usize> {
    let n = graph.len();
    let mut chunk_of = vec![usize::MAX; n];
    for (c, chunk) in chunks.iter().enumerate() {
        for &v in chunk {
            chunk_of[v] = c;
        }
    }
    let totals: Vec<FeeFrac> = chunks
        .iter()
        .map(|chunk| {
            chunk
                .iter()
                .fold(FeeFrac::default(), |sum, &v| sum + graph.feefrac[v])
        })
        .collect();
    let highest: Vec<usize> = chunks
        .iter()
        .map(|chunk| chunk.iter().copied().max().unwrap_or(0))
        .collect();
    // Unplaced parents: of each transaction, and of each chunk from outside it.
    let mut tx_missing: Vec<usize> = graph.parents.iter().map(Vec::len).collect();
    let mut chunk_missing = vec![0usize; chunks.len()];
    for (v, ps) in graph.parents.iter().enumerate() {
        for &p in ps {
            if chunk_of[p] != chunk_of[v] {
                if let Some(count) = chunk_missing.get_mut(chunk_of[v]) {
                    *count += 1;
                }
            }
        }
    }

    // `a` goes before `b`: Core's heap comparators, read as "which comes first".
    let chunk_first = |a: usize, b: usize| {
        totals[a]
            .cmp_rate(&totals[b])
            .reverse()
            .then(totals[a].size.cmp(&totals[b].size))
            .then(highest[a].cmp(&highest[b]))
    };
    let tx_first = |a: usize, b: usize| {
        let (fa, fb) = (graph.feefrac[a], graph.feefrac[b]);
        fa.cmp_rate(&fb)
            .reverse()
            .then(fa.size.cmp(&fb.size))
            .then(a.cmp(&b))
    };

    let mut order = Vec::with_capacity(n);
    let mut placed = vec![false; n];
    let mut ready_chunks: Vec<usize> = (0..chunks.len())
        .filter(|&c| chunk_missing[c] == 0)
        .collect();
    while let Some(at) = first_by(&ready_chunks, chunk_first) {
        let c = ready_chunks.swap_remove(at);
        let mut ready_txs: Vec<usize> = chunks[c]
            .iter()
            .copied()
            .filter(|&v| tx_missing[v] == 0)
            .collect();
        while let Some(at) = first_by(&ready_txs, tx_first) {
            let v = ready_txs.swap_remove(at);
            order.push(v);
            placed[v] = true;
            for &child in &graph.children[v] {
                tx_missing[child] = tx_missing[child].saturating_sub(1);
                if chunk_of[child] == c {
                    if tx_missing[child] == 0 {
                        ready_txs.push(child);
                    }
                } else if let Some(count) = chunk_missing.get_mut(chunk_of[child]) {
                    *count = count.saturating_sub(1);
                    if *count == 0 {
                        ready_chunks.push(chunk_of[child]);
                    }
                }
            }
        }
    }
    // Chunks from `optimal_chunks` never leave anything behind; if they did, the rest
    // still goes out parents first.
    order.extend(graph.topo.iter().copied().filter(|&v| !placed[v]));
    order
}

/// The position in `items` of the element that comes first by `first`.
fn first_by(items: &[usize], first: impl Fn(usize, usize) -> Ordering) -> Option<usize> {
    let mut best: Option<usize> = None;
    for (at, &item) in items.iter().enumerate() {
        match best {
            Some(b) if first(item, items[b]) != Ordering::Less => {}
            _ => best = Some(at),
        }
    }
    best
}
