//! The cluster algorithms: Core's `FeeFrac` and `CompareChunks` cases, hand-drawn
//! clusters with Core's tie-breaks, brute force over every linearization of thousands of
//! small random clusters, hostile input, and large clusters (timed, printed with
//! `--nocapture`).

use std::cmp::Ordering::{self, Equal, Greater, Less};
use std::time::Instant;

use sou_mempool::cluster::{
    chunks, compare_diagrams, diagram, is_topological, linearize, post_linearize, ClusterTx,
    FeeFrac,
};

fn tx(fee: i64, size: i64, parents: &[usize]) -> ClusterTx {
    ClusterTx {
        fee,
        size,
        parents: parents.to_vec(),
    }
}

fn ff(fee: i64, size: i64) -> FeeFrac {
    FeeFrac::new(fee, size)
}

/// The diagram of an order.
fn diagram_of(txs: &[ClusterTx], order: &[usize]) -> Vec<FeeFrac> {
    diagram(&chunks(txs, order))
}

/// The members of each chunk of `linearize(txs)`.
fn chunk_members(txs: &[ClusterTx]) -> Vec<Vec<usize>> {
    chunks(txs, &linearize(txs))
        .into_iter()
        .map(|c| c.members)
        .collect()
}

// --- FeeFrac (Core src/test/feefrac_tests.cpp, `feefrac_operators`) ---

#[test]
fn feefrac_operators() {
    let (p1, p2) = (ff(1000, 100), ff(500, 300));
    assert_eq!(p1 + p2, ff(1500, 400));
    assert_eq!(p1 - p2, ff(500, -200));
    assert_eq!(FeeFrac::default(), ff(0, 0));
    assert!(FeeFrac::default().is_empty());
    let p3 = ff(2000, 200);
    assert_ne!(p1, p3, "equal feerates, different FeeFracs");
    let p4 = ff(3000, 300);
    assert_eq!(p4 - p3, p1);
    let mut sum = p1;
    sum += p3;
    assert_eq!(sum, p4);
    sum -= p3;
    assert_eq!(sum, p1);

    assert_eq!(p1.cmp_rate(&p3), Equal, "not strictly better");
    assert_eq!(p1.cmp_rate(&p2), Greater);
    assert_eq!(p2.cmp_rate(&p1), Less);
    // The empty FeeFrac is neither higher nor lower than anything.
    let empty = FeeFrac::default();
    assert_eq!(p1.cmp_rate(&empty), Equal);
    assert_eq!(empty.cmp_rate(&p1), Equal);
    // Large values, where a product overflows 64 bits.
    let (oversized_1, oversized_2) = (
        ff(4_611_686_000_000, 4_000_000),
        ff(184_467_440_000_000, 100_000),
    );
    assert_eq!(oversized_1.cmp_rate(&oversized_2), Less);
    let max_fee = ff(2_100_000_000_000_000, i64::from(i32::MAX));
    assert_eq!(max_fee.cmp_rate(&max_fee), Equal);
    assert_eq!(max_fee.cmp_rate(&ff(1, 1)), Greater);
    assert_eq!(ff(i64::MAX, 1).cmp_rate(&ff(i64::MAX, 2)), Greater);
    assert_eq!(ff(i64::MIN, 1).cmp_rate(&ff(i64::MAX, 1)), Less);
    // Sums saturate instead of overflowing.
    assert_eq!(ff(i64::MAX, 1) + ff(1, 1), ff(i64::MAX, 2));
}

// --- compare_diagrams (Core src/test/rbf_tests.cpp, `feerate_chunks_utilities`) ---

/// Checks `compare_diagrams` both ways round.
fn check_compare(a: &[FeeFrac], b: &[FeeFrac], expected: Option<Ordering>) {
    assert_eq!(compare_diagrams(a, b), expected, "{a:?} against {b:?}");
    let reversed = expected.map(Ordering::reverse);
    assert_eq!(compare_diagrams(b, a), reversed, "{b:?} against {a:?}");
}

#[test]
fn core_compare_chunks_cases() {
    let old = [ff(950, 300), ff(100, 100)];
    // A strictly better case.
    check_compare(&[ff(1000, 300), ff(50, 100)], &old, Some(Greater));
    // Incomparable diagrams.
    check_compare(&[ff(1000, 300), ff(0, 100)], &old, None);
    // Strictly better but smaller size.
    check_compare(&[ff(1100, 300)], &old, Some(Greater));
    // Strictly better due to the first chunk, though the second adds no fee.
    check_compare(&[ff(1100, 100), ff(0, 100)], &old, Some(Greater));
    // First new chunk better, second worse.
    check_compare(&[ff(750, 100), ff(249, 250), ff(151, 650)], &old, None);
    // Make the second chunk slightly better and the new diagram wins.
    check_compare(
        &[ff(750, 100), ff(250, 250), ff(150, 150)],
        &old,
        Some(Greater),
    );
    // Identical diagrams.
    check_compare(&old, &old, Some(Equal));
    // Same fee, different total size (a single tail check).
    let old = [ff(950, 300), ff(100, 99)];
    check_compare(&old, &[ff(950, 300), ff(100, 100)], Some(Greater));
    // Several tail checks.
    let new = [ff(950, 300), ff(100, 100), ff(0, 1), ff(0, 1)];
    check_compare(&old, &new, Some(Greater));
    // Several tail checks, unordered.
    let new = [ff(950, 300), ff(100, 100), ff(0, 1), ff(0, 1), ff(1, 1)];
    check_compare(&old, &new, None);
}

#[test]
fn hand_made_diagrams() {
    // Nothing against nothing, and against something.
    check_compare(&[], &[], Some(Equal));
    check_compare(&[ff(10, 10)], &[], Some(Greater));
    // A zero-fee chunk at the end changes nothing: the line is level either way.
    check_compare(&[ff(10, 10), ff(0, 5)], &[ff(10, 10)], Some(Equal));
    // A negative chunk at the end makes it worse.
    check_compare(&[ff(10, 10), ff(-1, 5)], &[ff(10, 10)], Some(Less));
    // The same line drawn with more corners.
    check_compare(&[ff(10, 10), ff(10, 10)], &[ff(20, 20)], Some(Equal));
    // Crossing lines: more fee early against more fee in total.
    check_compare(&[ff(30, 10)], &[ff(20, 10), ff(20, 10)], None);
    // Odd input never panics: zero and negative sizes.
    let _ = compare_diagrams(&[ff(5, 0), ff(1, -3)], &[ff(0, 0)]);
    let _ = compare_diagrams(&[ff(i64::MAX, 1), ff(i64::MAX, 1)], &[ff(i64::MIN, 1)]);
}

// --- chunks ---

#[test]
fn chunks_merge_upward_only_when_strictly_better() {
    // The module docs' example: a parent at 1 sat/vB and children at 10 and 2.
    let txs = [tx(100, 100, &[]), tx(1000, 100, &[0]), tx(200, 100, &[0])];
    let poor = chunks(&txs, &[0, 2, 1]);
    assert_eq!(diagram(&poor), [ff(1300, 300)]);
    let good = chunks(&txs, &[0, 1, 2]);
    assert_eq!(diagram(&good), [ff(1100, 200), ff(200, 100)]);
    assert_eq!(good[0].members, [0, 1]);
    assert_eq!(
        compare_diagrams(&diagram(&good), &diagram(&poor)),
        Some(Greater)
    );
    assert_eq!(linearize(&txs), [0, 1, 2]);

    // Equal feerates stay apart, as in Core's ChunkLinearization.
    let chain = [tx(10, 10, &[]), tx(10, 10, &[0])];
    assert_eq!(chunks(&chain, &[0, 1]).len(), 2);
    // Positions out of range are skipped.
    assert_eq!(chunks(&chain, &[0, 7, 1]).len(), 2);
}

// --- Core's tie-breaks ---

#[test]
fn equal_feerate_chunks_smallest_first() {
    // Two lone transactions at 1 sat/vB:
    //   tx0 (200 vB)   tx1 (100 vB)
    // The smaller goes first.
    let txs = [tx(200, 200, &[]), tx(100, 100, &[])];
    assert_eq!(linearize(&txs), [1, 0]);
    assert_eq!(chunk_members(&txs), [vec![1], vec![0]]);
}

#[test]
fn equal_chunks_lowest_highest_index_first() {
    // Two pairs, each a chunk at 2 sat/vB and 2 vB:
    //   tx0 -> tx3     tx1 -> tx2
    // Core: the chunk whose highest transaction is lowest goes first, so {1, 2}
    // (highest 2) before {0, 3} (highest 3), although tx0 is the lowest of all.
    let txs = [tx(1, 1, &[]), tx(1, 1, &[]), tx(3, 1, &[1]), tx(3, 1, &[0])];
    assert_eq!(linearize(&txs), [1, 2, 0, 3]);
    assert_eq!(chunk_members(&txs), [vec![1, 2], vec![0, 3]]);
}

#[test]
fn equal_feerate_pieces_are_separate_chunks() {
    // A chain at one feerate:  tx0 -> tx1 -> tx2. Three chunks, not one.
    let txs = [tx(5, 1, &[]), tx(10, 2, &[0]), tx(15, 3, &[1])];
    assert_eq!(linearize(&txs), [0, 1, 2]);
    assert_eq!(chunk_members(&txs).len(), 3);

    // A parent at 0 with children at 5 and 10 sat/vB, 10 vB each:
    //   tx0 -> tx1 (50 sat)
    //   tx0 -> tx2 (100 sat)
    // {0, 2} is 5 sat/vB, and so is {0, 1, 2}: the minimal chunk is {0, 2}, then {1}.
    let txs = [tx(0, 10, &[]), tx(50, 10, &[0]), tx(100, 10, &[0])];
    assert_eq!(linearize(&txs), [0, 2, 1]);
    assert_eq!(chunk_members(&txs), [vec![0, 2], vec![1]]);
}

#[test]
fn inside_a_chunk_highest_feerate_first() {
    // tx0 pays nothing; tx1 (3 sat/vB) and tx2 (4 sat/vB) spend it; tx3 spends both:
    //   tx0 -> tx1 -> tx3
    //   tx0 -> tx2 -> tx3
    // All four are one chunk (270 sat in 40 vB, and no closed part does as well). Inside
    // it, of tx1 and tx2, ready once tx0 is placed, the higher feerate tx2 goes first.
    let txs = [
        tx(0, 10, &[]),
        tx(30, 10, &[0]),
        tx(40, 10, &[0]),
        tx(200, 10, &[1, 2]),
    ];
    let order = linearize(&txs);
    assert_eq!(diagram_of(&txs, &order), [ff(270, 40)]);
    assert_eq!(order, [0, 2, 1, 3]);
}

/// Clusters and the order Core gives them: `fee/size:parents` per transaction, then
/// `=>` and the linearization. Made by compiling Core v31.99's `Linearize` and
/// `PostLinearize` (src/cluster_linearize.h) into a small program, with the index as the
/// fallback order and a work budget large enough that every cluster was reported optimal,
/// and running it on random clusters (fees of -2 to 12 and sizes of 1 to 4 for frequent
/// ties, and two larger ones with wide fees). On 6,000 such clusters of up to 64
/// transactions, `linearize` gave Core's order every time; these are a sample.
const CORE_LINEARIZATIONS: &str = "\
-2/2 7/3:5 7/3:5 5/2:7,2,8 4/2:2 11/1 11/2 5/3 1/2:7 3/4 -1/3:6,4 => 5 6 1 2 4 7 8 3 9 10 0
11/2:7 -2/1 9/1 5/3:2,6,4 7/3:1,2,9 10/2:9,6,4 4/1:1,7 10/4:2 -2/3:9,4,3 11/3:1,2 7/2:0 => 2 7 0 10 1 6 9 4 5 3 8
1/4:1 -1/4 10/2:1 1/1 9/3 7/4 5/1 12/4 2/1:3 7/1 => 9 6 4 7 5 3 8 1 2 0
-2/1:4 2/4 5/4 9/2:7 5/3 1/1:1 8/3:1 11/1 => 7 3 4 1 6 2 5 0
-2/1 -1/4 12/1:1 1/4:7,0,5,6 -2/4:7,5 11/3 6/4 7/4 => 5 1 2 7 6 0 3 4
11/4 -2/1:3,2 9/4:0,3 10/1:0 => 0 3 2 1
6/1 12/4:7 -2/3 1/2 0/3 8/4 3/4:2,7 -2/3:9 3/2:3 -2/4 => 0 5 3 8 9 7 1 2 6 4
8/1 10/4 7/4:1 -2/2:1 6/3 => 0 1 4 2 3
2/2:5,3 -2/2:4,6 12/2:4 -2/3:5 8/4 8/1:4 -2/1:4,5,2 => 4 5 2 3 0 6 1
8/1:4 11/3:4,5 0/4:9,5,7,6 1/4:10 8/2:10 7/2:10 10/2:10,5,7,1 10/4:4,9 -2/1:4,1,3,2 6/1 11/1 => 10 9 4 0 5 1 7 6 3 2 8
-2/2:4 6/1:6,3 11/4:4 -2/1:4 0/1 -2/4:4,3 -2/2 -2/4:4 => 4 2 6 3 1 5 7 0
3/4 2/3 -2/1:1 1/3 => 0 1 3 2
7/3:3 1/2 10/2 5/4 0/3 3/2 -2/4:2,0,7 -2/1:3 => 2 3 0 5 1 4 7 6
-1/3 10/4 6/1 -2/4:1 => 2 1 0 3
10/1:8 3/2 2/1:4 -2/3:5,4 2/2:6 7/2 0/1 12/2:6,5 2/3 => 5 6 7 8 0 1 4 2 3
9/4 0/3:2,3 12/2 0/3 1/4 2/1 => 2 0 5 4 3 1
7/4:3,2 12/1:2 9/1 8/3 => 2 1 3 0
1/3 2/3:3 -2/1:4,3 7/2 5/4 4/1:4 1/1 3/1 0/4 10/2 => 9 3 7 4 5 6 1 0 8 2
5/3:2 8/4 2/4 -2/4:1 0/1:2,0 7/2:3,4 12/4:2,3,5 => 1 2 0 4 3 5 6
-1/2 -2/4:5,4 -2/2 -1/4:1,6,0 0/1 4/4 8/1:1 => 5 4 1 6 0 3 2
9/3:6 11/1 2/3 -1/1 -1/2 7/1:6 8/1 => 1 6 5 0 2 4 3
-1/4 2/1 4/1 7/1 10/4 -2/3 -2/4:1 11/2:1 => 3 1 7 2 4 0 6 5
0/3 5/3 5/2 0/1:0 10/1 7/1 5/3 4/4:2 4/4 => 4 5 2 1 6 7 8 0 3
12/4:3 9/4 -1/2:3,0,5 -1/4 0/4:3 10/3:1,3,4 => 1 3 0 4 5 2
8/4:4 12/4:4 -1/4 11/2:2,0 9/4:2 4/4 => 2 4 0 3 1 5
5/2 -1/2:3 -1/2 3/4 2/4:1 -1/1:2 11/3 3/3 3/1 6/1:1 => 6 8 0 3 1 9 7 4 2 5
6/3 12/3:2,5 0/3 6/2 3/4 9/1 => 5 3 0 2 1 4
10/3:3 0/3 -2/3 -1/1 => 3 0 1 2
-1/1 0/2 10/2 2/3 7/3 3/4:1 3/4 7/3 -1/4 1/4 6/4 10/2:9,7 => 2 4 7 9 11 10 6 3 1 5 8 0
-1/1 8/3:6,10,4 10/1:0 9/4 0/4:5,2 5/3 -2/3:0 11/3 9/2:5,2 3/4:6 5/1:9 => 0 2 7 5 8 3 6 9 10 4 1
4/2 2/4 1/3:0 10/1 0/3 => 3 0 1 2 4
2/3:6,1,9 -2/2:4 0/4:6 12/4:6,10 11/1:6,5 10/3 11/4 7/2:10 11/3:4,10 4/1:4 4/4:4,1 => 5 6 4 9 1 10 8 7 3 0 2
7/2:9,1 0/1:3 10/2:6 6/1:5 3/3:6,2,7,1 6/3:6 4/3:10 3/4:5 10/3:1 7/1 0/1 => 9 10 6 2 5 3 1 0 8 7 4
-2/4 5/2:8 9/3:1 9/1:8 8/4:2 9/2 1/2:5 9/1 12/4 => 7 5 8 3 1 2 4 6 0
7/3 5/3 2/1:3 9/2:1 1/4 -2/4 2/4 0/2 10/2 => 8 1 3 0 2 6 4 7 5
9/4 10/3:0,5 11/1:7 0/4 11/4 -1/4:6 3/4 6/2:0 => 0 7 2 4 6 5 1 3
8/1 1/2:0 -1/1:0 3/4:0,1 => 0 1 3 2
10/1 -1/3:2 3/1 6/2:5,4,1 -1/1:0 2/3 => 0 2 5 1 4 3
11/4:2 6/4 9/4 -1/1 4/1 5/1 6/3 => 5 4 2 0 6 1 3
-2/2 -1/1 4/2 6/4 => 2 3 1 0
13124/77008:16,9 25342/49585 23922/34724 84472/17798:6,19 55907/44361 3346/38453 22648/72960:8 28474/65371 9424/50107 54051/72778:4,22 63955/94987:8,25,18,3,21 43558/7998:4 86255/47903:4 61564/26601:19,25,11 63298/44436:23,1 16696/72032:6,18,11 54539/90045:24,19,18,1 58363/75988:25,7,15 -1000/97175:25 90048/24459 17159/36453:23,24,4 55582/27988:14 50999/86334:8,12,25 97224/33230 5827/90111:23 87622/28355:23,8,6,19 62339/84975:4 17571/85046:8,13,22,2,28 29682/94776:8 21211/69771:12,16 => 19 23 4 11 12 8 6 3 25 13 1 14 21 26 2 22 9 7 18 10 15 17 24 16 20 28 29 27 0 5
66113/36823:17,11 42701/82155:21 51971/24254:14,0 36838/42014:7,11 46019/58089:29,14,5,20 35966/21024 4514/56905:7 37284/88909 58586/32408 96277/29543:7,11,12 92498/95634:8,14,12,15 58689/43446:29,17 21156/48982:7,17 99450/22481:8,0,24 48301/57035:8,11 48954/20712:6,17,0,1 42105/32136:11,5,12,10,24,3 67521/83255 32562/34766:7,6,8,14,0,20,24,3,16 63471/95014:7,12,15,10,13,9,3,23,16 23434/63377:7,14,12,1 90190/12220:8,11,12 58662/31695:7,6,27,28 25387/50765:8,12,20 28175/74347:14,1 85796/60791:7,29,11,14,21,20 68720/68104:5 60211/17132:5,12,15,10,20,24,26,3,16,19 87920/11327:29,8,16,19 71740/83361 => 8 5 29 17 11 0 7 12 21 9 14 2 26 1 24 13 3 6 15 10 16 20 25 23 19 28 27 22 18 4
";

#[test]
fn core_linearizations() {
    let mut rows = 0;
    for (row, line) in CORE_LINEARIZATIONS.lines().enumerate() {
        let (cluster, order) = line.split_once(" => ").expect("a row has =>");
        let txs: Vec<ClusterTx> = cluster
            .split(' ')
            .map(|t| {
                let (feerate, parents) = t.split_once(':').unwrap_or((t, ""));
                let (fee, size) = feerate.split_once('/').expect("fee/size");
                ClusterTx {
                    fee: fee.parse().expect("fee"),
                    size: size.parse().expect("size"),
                    parents: parents
                        .split(',')
                        .filter(|p| !p.is_empty())
                        .map(|p| p.parse().expect("parent"))
                        .collect(),
                }
            })
            .collect();
        let expected: Vec<usize> = order
            .split(' ')
            .map(|v| v.parse().expect("index"))
            .collect();
        assert_eq!(linearize(&txs), expected, "row {row}: {cluster}");
        rows += 1;
    }
    assert_eq!(rows, 42);
}

#[test]
fn child_pays_for_parents() {
    // Two cheap parents and a rich child; a lone transaction in between:
    //   tx0 (1 sat/vB) \
    //                   -> tx2 (50 sat/vB)     tx3 (10 sat/vB)
    //   tx1 (1 sat/vB) /
    let txs = [
        tx(100, 100, &[]),
        tx(100, 100, &[]),
        tx(5000, 100, &[0, 1]),
        tx(1000, 100, &[]),
    ];
    let order = linearize(&txs);
    assert_eq!(order, [0, 1, 2, 3]);
    assert_eq!(diagram_of(&txs, &order), [ff(5200, 300), ff(1000, 100)]);
}

// --- hostile input ---

#[test]
fn odd_input_never_panics() {
    let cases: Vec<Vec<ClusterTx>> = vec![
        vec![],
        vec![tx(1, 1, &[0])],                 // its own parent
        vec![tx(1, 1, &[5, 99, usize::MAX])], // out of range
        vec![tx(1, 1, &[1]), tx(2, 1, &[0])], // a cycle
        vec![tx(1, 1, &[2]), tx(2, 1, &[0]), tx(3, 1, &[1, 1, 1])],
        vec![tx(0, 0, &[]), tx(-5, -7, &[0]), tx(0, 1, &[1])], // sizes below 1
        vec![
            tx(i64::MAX, 1, &[]),
            tx(i64::MAX, 1, &[0]),
            tx(i64::MIN, i64::MAX, &[1]),
        ],
        vec![
            tx(i64::MIN, 1, &[]),
            tx(i64::MAX, i64::MAX, &[0]),
            tx(i64::MIN, 1, &[0, 1]),
        ],
    ];
    for txs in &cases {
        let order = linearize(txs);
        let mut sorted = order.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..txs.len()).collect::<Vec<_>>(), "{txs:?}");
        let _ = chunks(txs, &order);
        let mut again = order.clone();
        post_linearize(txs, &mut again);
    }
    // Without a cycle the order is topological, ignoring what is out of range.
    let txs = [tx(1, 1, &[3, 0]), tx(5, 1, &[0, 9])];
    assert!(is_topological(&txs, &linearize(&txs)));
    // post_linearize leaves a non-permutation alone.
    let txs = [tx(1, 1, &[]), tx(2, 1, &[])];
    let mut bad = [0, 0];
    post_linearize(&txs, &mut bad);
    assert_eq!(bad, [0, 0]);
    assert!(!is_topological(&txs, &bad));
}

// --- brute force ---

/// splitmix64: a small seeded generator, so every run checks the same clusters.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        // The remainder is below `n`, so it fits.
        usize::try_from(self.next() % n as u64).unwrap_or(0)
    }

    fn range(&mut self, low: i64, high: i64) -> i64 {
        let span = usize::try_from(high - low + 1).unwrap_or(1);
        low + i64::try_from(self.below(span)).unwrap_or(0)
    }
}

/// A random cluster of `n` transactions: a random DAG (each earlier transaction a parent
/// with probability `percent`), relabelled at random so that index order is not
/// topological. Small fees and sizes make ties common; some fees are zero or negative.
fn random_cluster(rng: &mut Rng, n: usize, percent: usize, wide: bool) -> Vec<ClusterTx> {
    let mut label: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = rng.below(i + 1);
        label.swap(i, j);
    }
    let mut txs = vec![ClusterTx::default(); n];
    for j in 0..n {
        let parents: Vec<usize> = (0..j)
            .filter(|_| rng.below(100) < percent)
            .map(|i| label[i])
            .collect();
        let (fee, size) = if wide {
            (rng.range(-1000, 100_000), rng.range(60, 100_000))
        } else {
            (rng.range(-2, 12), rng.range(1, 4))
        };
        txs[label[j]] = ClusterTx { fee, size, parents };
    }
    txs
}

/// Calls `visit` with every topological order of `txs`.
fn for_each_order(txs: &[ClusterTx], visit: &mut impl FnMut(&[usize])) {
    fn extend(
        txs: &[ClusterTx],
        order: &mut Vec<usize>,
        placed: &mut Vec<bool>,
        visit: &mut impl FnMut(&[usize]),
    ) {
        if order.len() == txs.len() {
            visit(order);
            return;
        }
        for v in 0..txs.len() {
            if !placed[v] && txs[v].parents.iter().all(|&p| placed[p]) {
                placed[v] = true;
                order.push(v);
                extend(txs, order, placed, visit);
                order.pop();
                placed[v] = false;
            }
        }
    }
    extend(txs, &mut Vec::new(), &mut vec![false; txs.len()], visit);
}

/// Whether `set` (a bit mask) holds the parents of each of its members that are in
/// `within`.
fn closed(txs: &[ClusterTx], set: u32, within: u32) -> bool {
    (0..txs.len()).filter(|&v| set >> v & 1 == 1).all(|v| {
        txs[v]
            .parents
            .iter()
            .all(|&p| within >> p & 1 == 0 || set >> p & 1 == 1)
    })
}

fn total(txs: &[ClusterTx], set: u32) -> FeeFrac {
    (0..txs.len())
        .filter(|&v| set >> v & 1 == 1)
        .fold(FeeFrac::default(), |sum, v| sum + txs[v].feefrac())
}

/// What every linearization must satisfy, and chunks that cannot be split at equal
/// feerate (Core's "minimal" chunks).
fn check_basics(txs: &[ClusterTx], order: &[usize]) -> Vec<FeeFrac> {
    assert!(is_topological(txs, order), "{txs:?}: {order:?}");
    let found = chunks(txs, order);
    for pair in found.windows(2) {
        assert_ne!(
            pair[1].feefrac.cmp_rate(&pair[0].feefrac),
            Greater,
            "{txs:?}"
        );
    }
    diagram(&found)
}

#[test]
fn brute_force_every_linearization() {
    let mut rng = Rng(0x5eed_0001);
    let (mut clusters, mut orders) = (0u64, 0u64);
    let start = Instant::now();
    for round in 0..3000 {
        let n = 1 + rng.below(if round % 10 == 0 { 8 } else { 7 });
        let percent = 10 + rng.below(50);
        let txs = random_cluster(&mut rng, n, percent, round % 3 == 0);
        let order = linearize(&txs);
        let best = check_basics(&txs, &order);
        assert_eq!(linearize(&txs), order, "deterministic");
        for_each_order(&txs, &mut |other| {
            let theirs = diagram_of(&txs, other);
            let cmp = compare_diagrams(&best, &theirs);
            assert!(
                matches!(cmp, Some(Greater | Equal)),
                "{txs:?}: {order:?} {best:?} is {cmp:?} against {other:?} {theirs:?}"
            );
            // post_linearize never makes an order worse, and keeps it topological.
            if orders % 7 == 0 {
                let mut improved = other.to_vec();
                post_linearize(&txs, &mut improved);
                let after = check_basics(&txs, &improved);
                assert!(matches!(
                    compare_diagrams(&after, &theirs),
                    Some(Greater | Equal)
                ));
            }
            orders += 1;
        });
        // Minimal chunks: no proper part of a chunk, closed within it, at its feerate.
        for chunk in chunks(&txs, &order) {
            let mask = chunk.members.iter().fold(0u32, |m, &v| m | 1 << v);
            let mut part = (mask - 1) & mask;
            while part != 0 {
                if closed(&txs, part, mask) {
                    let rate = total(&txs, part).cmp_rate(&chunk.feefrac);
                    assert_eq!(
                        rate, Less,
                        "{txs:?}: chunk {:?} part {part:b}",
                        chunk.members
                    );
                }
                part = (part - 1) & mask;
            }
        }
        clusters += 1;
    }
    eprintln!(
        "brute force: {clusters} clusters, {orders} linearizations, {:?}",
        start.elapsed()
    );
    assert_eq!(clusters, 3000);
}

/// The optimal diagram by brute force over subsets: repeatedly the highest-feerate closed
/// subset of what is left (the largest among equals), with no flow at all.
fn optimal_by_subsets(txs: &[ClusterTx]) -> Vec<FeeFrac> {
    let all = (1u32 << txs.len()) - 1;
    let mut left = all;
    let mut out = Vec::new();
    while left != 0 {
        let mut best: Option<(u32, FeeFrac)> = None;
        let mut set = left;
        while set != 0 {
            if closed(txs, set, left) {
                let t = total(txs, set);
                let take = match best {
                    None => true,
                    Some((_, b)) => match t.cmp_rate(&b) {
                        Greater => true,
                        Equal => t.size > b.size,
                        Less => false,
                    },
                };
                if take {
                    best = Some((set, t));
                }
            }
            set = (set - 1) & left;
        }
        let Some((set, t)) = best else { break };
        out.push(t);
        left &= !set;
    }
    out
}

#[test]
fn brute_force_larger_clusters_by_subsets() {
    let mut rng = Rng(0x5eed_0002);
    let start = Instant::now();
    let mut clusters = 0;
    for round in 0..300 {
        let n = 9 + rng.below(4);
        let percent = 5 + rng.below(40);
        let txs = random_cluster(&mut rng, n, percent, round % 2 == 0);
        let order = linearize(&txs);
        let ours = check_basics(&txs, &order);
        let best = optimal_by_subsets(&txs);
        assert_eq!(compare_diagrams(&ours, &best), Some(Equal), "{txs:?}");
        clusters += 1;
    }
    eprintln!(
        "subset brute force: {clusters} clusters of 9 to 12, {:?}",
        start.elapsed()
    );
    assert_eq!(clusters, 300);
}

// --- large clusters ---

/// The parent of chain link `i`: the link before it.
fn chain_parent(i: usize) -> Vec<usize> {
    if i == 0 {
        vec![]
    } else {
        vec![i - 1]
    }
}

/// Linearizes, checks what can be checked, and prints the time.
fn timed(name: &str, txs: &[ClusterTx]) -> Vec<usize> {
    let start = Instant::now();
    let order = linearize(txs);
    let elapsed = start.elapsed();
    let count = check_basics(txs, &order).len();
    eprintln!("{name}: {} txs, {count} chunks, {elapsed:?}", txs.len());
    order
}

#[test]
fn large_clusters_finish() {
    let mut rng = Rng(0x5eed_0003);
    timed("64 random", &random_cluster(&mut rng, 64, 6, true));
    timed("500 random", &random_cluster(&mut rng, 500, 1, true));
    timed("500 dense", &random_cluster(&mut rng, 500, 20, false));

    // A chain whose feerates rise: one chunk.
    let rising: Vec<ClusterTx> = (0..64usize)
        .map(|i| tx(10 * i as i64, 100, &chain_parent(i)))
        .collect();
    assert_eq!(
        timed("64 chain, rising", &rising),
        (0..64).collect::<Vec<_>>()
    );
    assert_eq!(chunks(&rising, &(0..64).collect::<Vec<_>>()).len(), 1);
    // A chain whose feerates fall: a chunk each.
    let falling: Vec<ClusterTx> = (0..500)
        .map(|i: usize| tx(100_000 - 10 * i as i64, 100, &chain_parent(i)))
        .collect();
    timed("500 chain, falling", &falling);
    // A chain with random fees.
    let random_chain: Vec<ClusterTx> = (0..500)
        .map(|i| {
            let parents = if i == 0 { vec![] } else { vec![i - 1] };
            ClusterTx {
                fee: rng.range(0, 10_000),
                size: rng.range(100, 1000),
                parents,
            }
        })
        .collect();
    timed("500 chain, random", &random_chain);
    // One child of 499 parents.
    let mut fan_in: Vec<ClusterTx> = (0..499).map(|i| tx(i % 7, 100, &[])).collect();
    fan_in.push(tx(1_000_000, 100, &(0..499).collect::<Vec<_>>()));
    timed("500 fan-in", &fan_in);
}
