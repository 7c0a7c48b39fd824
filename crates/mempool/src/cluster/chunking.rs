//! Chunks of a linearization, and comparing feerate diagrams.

use std::cmp::Ordering;

use super::{ClusterTx, FeeFrac};

/// A chunk: transactions mined together, whose feerate is their total fee over their total
/// size.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Chunk {
    /// Positions in the cluster (indices into its transactions), in linearization order.
    pub members: Vec<usize>,
    /// Their total fee and size.
    pub feefrac: FeeFrac,
}

/// Splits a linearization into chunks (Core's `ChunkLinearization`): each transaction starts
/// a chunk, which absorbs the chunk before it while its feerate is strictly higher.
///
/// The result's feerates never increase from one chunk to the next. A chunk of equal
/// feerate stays apart from the one before it, as in Core. Positions in `order` out of
/// range are skipped; `order` should be a topological order for the chunks to mean
/// anything (see [`is_topological`](super::is_topological)).
pub fn chunks(txs: &[ClusterTx], order: &[usize]) -> Vec<Chunk> {
    let mut out: Vec<Chunk> = Vec::new();
    for &i in order {
        let Some(tx) = txs.get(i) else {
            continue;
        };
        let mut new = Chunk {
            members: vec![i],
            feefrac: tx.feefrac(),
        };
        while let Some(last) = out.pop_if(|last| new.feefrac.cmp_rate(&last.feefrac).is_gt()) {
            let mut members = last.members;
            members.append(&mut new.members);
            new = Chunk {
                members,
                feefrac: last.feefrac + new.feefrac,
            };
        }
        out.push(new);
    }
    out
}

/// The chunk totals of `chunks`: the diagram [`compare_diagrams`] reads.
pub fn diagram(chunks: &[Chunk]) -> Vec<FeeFrac> {
    chunks.iter().map(|chunk| chunk.feefrac).collect()
}

/// Compares two feerate diagrams given as chunk totals in decreasing feerate (Core's
/// `CompareChunks`, src/util/feefrac.cpp).
///
/// A diagram starts at (0, 0), goes through the running totals (size, fee) of its chunks,
/// and then runs on level to the right forever (what is not mined earns nothing). `a` is
/// better than `b` at a size when its line lies above. The answer is `Some(Greater)` when
/// `a` is at least as good everywhere and better somewhere, `Some(Less)` for the reverse,
/// `Some(Equal)` when the lines coincide, and `None` when each is better somewhere (the
/// lines cross).
///
/// Only the corners need checking, since between corners both lines are straight: walk the
/// corners of both in order of size, and test each against the segment of the other line
/// above or below it.
pub fn compare_diagrams(a: &[FeeFrac], b: &[FeeFrac]) -> Option<Ordering> {
    let diagrams = [a, b];
    // Chunks taken so far from each, and their running totals (the last corner passed).
    let mut next = [0usize; 2];
    let mut accum = [FeeFrac::default(); 2];
    let mut better_somewhere = [false; 2];
    loop {
        let upcoming = [diagrams[0].get(next[0]), diagrams[1].get(next[1])];
        // The side whose next corner P comes first (the one left, if one is done).
        let side = match upcoming {
            [None, None] => break,
            [None, Some(_)] => 1,
            [Some(_), None] => 0,
            [Some(&x), Some(&y)] => usize::from((x + accum[0]).size > (y + accum[1]).size),
        };
        let other = 1 - side;
        let Some(&p_chunk) = upcoming[side] else {
            break;
        };
        // Is P above or below the other line's segment AB? Compare the slopes AP and AB.
        let point_p = p_chunk + accum[side];
        let point_a = accum[other];
        let slope_ap = point_p - point_a;
        let cmp = match upcoming[other] {
            // The other line has ended: it runs on level, slope 0.
            None => slope_ap.cmp_rate(&FeeFrac::new(0, 1)),
            Some(&b_chunk) => {
                let point_b = b_chunk + accum[other];
                let cmp = slope_ap.cmp_rate(&(point_b - point_a));
                // Corners at the same size: B is compared too, pass it.
                if point_b.size == point_p.size {
                    accum[other] += b_chunk;
                    next[other] += 1;
                }
                cmp
            }
        };
        match cmp {
            Ordering::Greater => better_somewhere[side] = true,
            Ordering::Less => better_somewhere[other] = true,
            Ordering::Equal => {}
        }
        accum[side] += p_chunk;
        next[side] += 1;
        if better_somewhere[0] && better_somewhere[1] {
            return None;
        }
    }
    Some(better_somewhere[0].cmp(&better_somewhere[1]))
}
