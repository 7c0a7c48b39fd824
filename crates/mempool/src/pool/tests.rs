//! The pool's own tests: graph bookkeeping, replacement, TRUC, packages, trimming.
//!
//! A small harness stands in for the node: a chain of block headers (heights and times,
//! for lock times and BIP68), a map of confirmed coins, and transactions that pass their
//! scripts for nothing: every coin is a P2WSH output whose witness script is `OP_TRUE`,
//! spent with the witness `[OP_TRUE]` (standard, no signature to make). Amounts are
//! chosen so that each transaction pays exactly the fee a test names.
//!
//! Each test draws the pool it builds, and asserts Core's reject reason and, where Core
//! writes one, its debug message. The last test runs a seeded random mix of operations
//! and checks the pool's invariants after each ([`check_invariants`]).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "tests: a broken expectation should panic with its place"
)]

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use sou_chain::consensus::{AncestorInfo, AncestorView, Coin};
use sou_primitives::hashes::sha256;
use sou_primitives::{
    Amount, BlockHash, CompactTarget, FeeRate, OutPoint, Script, Transaction, TxIn, TxOut, Txid,
    Witness, Wtxid,
};

use super::*;
use crate::error::{RejectKind, Rejection};

// ---- the harness ----

/// The height of the chain's tip when a harness starts.
const TIP: u32 = 200;
/// The harness's clock at the start: after every block's time.
const START: i64 = 1_700_000_000;
/// `OP_TRUE`.
const OP_TRUE: u8 = 0x51;
/// What each funding coin holds.
const COIN_VALUE: i64 = 1_000_000;

/// `OP_0 <sha256(OP_TRUE)>`: a P2WSH output anyone can spend with the witness `[OP_TRUE]`.
fn true_script_pubkey() -> Script {
    Script::new_witness_program(0, &sha256(&[OP_TRUE])).expect("32 bytes")
}

/// `[OP_TRUE]`: the witness that spends [`true_script_pubkey`].
fn true_witness() -> Witness {
    Witness::from_items([vec![OP_TRUE]])
}

/// The header of a block at `height`, ten minutes after the one before.
fn block_info(height: u32) -> AncestorInfo {
    let mut hash = [0u8; 32];
    hash[..4].copy_from_slice(&height.to_le_bytes());
    AncestorInfo {
        hash: BlockHash::from_byte_array(hash),
        height,
        time: 1_600_000_000 + 600 * height,
        bits: CompactTarget::from_consensus(0x207f_ffff),
        version: 0x2000_0000,
    }
}

/// The active chain: genesis to tip.
struct Chain(Vec<AncestorInfo>);

impl Chain {
    fn new(tip: u32) -> Chain {
        Chain((0..=tip).map(block_info).collect())
    }

    fn height(&self) -> u32 {
        self.tip().height
    }
}

impl AncestorView for Chain {
    fn tip(&self) -> AncestorInfo {
        *self.0.last().expect("a chain has a genesis")
    }

    fn ancestor(&self, height: u32) -> Option<AncestorInfo> {
        self.0.get(height as usize).copied()
    }
}

/// A block the harness connected, with what it needs to disconnect it.
struct MinedBlock {
    txs: Vec<Arc<Transaction>>,
    spent: Vec<(OutPoint, Coin)>,
}

/// A pool, a chain, the confirmed coins, and every transaction built so far.
struct Harness {
    pool: Mempool,
    chain: Chain,
    coins: HashMap<OutPoint, Coin>,
    blocks: Vec<MinedBlock>,
    built: HashMap<Txid, Arc<Transaction>>,
    now: i64,
    funded: u32,
}

/// How to build a transaction: its version, lock time, and each input's sequence.
#[derive(Clone, Copy)]
struct Shape {
    version: u32,
    lock_time: u32,
    sequence: u32,
}

impl Default for Shape {
    fn default() -> Shape {
        Shape {
            version: 2,
            lock_time: 0,
            sequence: 0xffff_fffd,
        }
    }
}

const TRUC: Shape = Shape {
    version: 3,
    lock_time: 0,
    sequence: 0xffff_fffd,
};

impl Harness {
    fn new() -> Harness {
        Harness::with_options(PoolOptions::default())
    }

    fn with_options(options: PoolOptions) -> Harness {
        Harness {
            pool: Mempool::new(options),
            chain: Chain::new(TIP),
            coins: HashMap::new(),
            blocks: Vec::new(),
            built: HashMap::new(),
            now: START,
            funded: 0,
        }
    }

    /// A confirmed coin of `value` at `height`.
    fn fund_at(&mut self, value: i64, height: u32) -> OutPoint {
        let output = TxOut {
            value: Amount::from_sat(value),
            script_pubkey: true_script_pubkey(),
        };
        self.fund_coin(Coin {
            output,
            height,
            is_coinbase: false,
        })
    }

    /// A confirmed coin, as given.
    fn fund_coin(&mut self, coin: Coin) -> OutPoint {
        self.funded += 1;
        let mut seed = b"funding".to_vec();
        seed.extend_from_slice(&self.funded.to_le_bytes());
        let outpoint = OutPoint::new(Txid::from_byte_array(sha256(&seed)), 0);
        self.coins.insert(outpoint, coin);
        outpoint
    }

    /// A confirmed coin of [`COIN_VALUE`], fifty blocks deep.
    fn fund(&mut self) -> OutPoint {
        self.fund_at(COIN_VALUE, TIP - 50)
    }

    /// The value of a coin: confirmed, or created by a transaction built here.
    fn value(&self, outpoint: &OutPoint) -> i64 {
        if let Some(coin) = self.coins.get(outpoint) {
            return coin.output.value.to_sat();
        }
        self.built
            .get(&outpoint.txid)
            .and_then(|t| t.output.get(outpoint.vout as usize))
            .map(|o| o.value.to_sat())
            .unwrap_or_else(|| panic!("no coin {outpoint:?}"))
    }

    /// A transaction of `shape` spending `inputs` into outputs of exactly `values`.
    fn build_exact(
        &mut self,
        shape: Shape,
        inputs: &[OutPoint],
        values: &[i64],
    ) -> Arc<Transaction> {
        let tx = Transaction {
            version: shape.version,
            input: inputs
                .iter()
                .map(|o| TxIn {
                    previous_output: *o,
                    script_sig: Script::new(),
                    sequence: shape.sequence,
                    witness: true_witness(),
                })
                .collect(),
            output: values
                .iter()
                .map(|v| TxOut {
                    value: Amount::from_sat(*v),
                    script_pubkey: true_script_pubkey(),
                })
                .collect(),
            lock_time: shape.lock_time,
        };
        self.register(tx)
    }

    fn register(&mut self, tx: Transaction) -> Arc<Transaction> {
        let tx = Arc::new(tx);
        self.built.insert(tx.compute_txid(), Arc::clone(&tx));
        tx
    }

    /// A transaction of `shape` spending `inputs` into `outputs` equal outputs (the first
    /// takes the remainder), paying `fee`.
    fn build_shaped(
        &mut self,
        shape: Shape,
        inputs: &[OutPoint],
        outputs: usize,
        fee: i64,
    ) -> Arc<Transaction> {
        let total: i64 = inputs.iter().map(|o| self.value(o)).sum::<i64>() - fee;
        let count = i64::try_from(outputs).unwrap();
        let each = total / count;
        let mut values = vec![each; outputs];
        values[0] += total - each * count;
        self.build_exact(shape, inputs, &values)
    }

    /// A version 2 transaction paying `fee`.
    fn build(&mut self, inputs: &[OutPoint], outputs: usize, fee: i64) -> Arc<Transaction> {
        self.build_shaped(Shape::default(), inputs, outputs, fee)
    }

    /// A transaction paying exactly `rate` satoshis per weight unit (its fee decided once
    /// its weight is known: the values' encoding has a fixed width).
    fn build_at_rate_per_wu(
        &mut self,
        inputs: &[OutPoint],
        outputs: usize,
        rate: i64,
    ) -> Arc<Transaction> {
        let probe = self.build(inputs, outputs, 0);
        let weight = i64::try_from(probe.weight().to_wu()).unwrap();
        self.build(inputs, outputs, weight * rate)
    }

    fn accept_with(&mut self, tx: &Arc<Transaction>, args: AcceptArgs) -> TxResult {
        let coins = &self.coins;
        let mut source = |o: &OutPoint| coins.get(o).cloned();
        let tip = TipContext {
            view: &self.chain,
            now: self.now,
            script_cache: None,
        };
        self.pool.accept(Arc::clone(tx), &tip, &mut source, args)
    }

    fn accept(&mut self, tx: &Arc<Transaction>) -> TxResult {
        self.accept_with(tx, AcceptArgs::single(false))
    }

    /// Accepts `tx` and panics if it is refused.
    fn add(&mut self, tx: &Arc<Transaction>) {
        let result = self.accept(tx);
        assert!(result.is_valid(), "refused: {:?}", result.outcome);
        assert!(self.pool.contains(&tx.compute_txid()));
    }

    fn package(&mut self, txs: &[Arc<Transaction>]) -> PackageResult {
        self.package_with_max(txs, None)
    }

    fn package_with_max(
        &mut self,
        txs: &[Arc<Transaction>],
        max_feerate: Option<FeeRate>,
    ) -> PackageResult {
        let coins = &self.coins;
        let mut source = |o: &OutPoint| coins.get(o).cloned();
        let tip = TipContext {
            view: &self.chain,
            now: self.now,
            script_cache: None,
        };
        self.pool
            .accept_package(txs.to_vec(), &tip, &mut source, max_feerate)
    }

    fn test_package(&mut self, txs: &[Arc<Transaction>]) -> PackageResult {
        let coins = &self.coins;
        let mut source = |o: &OutPoint| coins.get(o).cloned();
        let tip = TipContext {
            view: &self.chain,
            now: self.now,
            script_cache: None,
        };
        self.pool
            .test_accept_package(txs.to_vec(), &tip, &mut source)
    }

    /// Connects a block holding `txs` (valid against the confirmed coins, in order) and
    /// tells the pool. Returns what the pool removed as conflicts.
    fn mine(&mut self, txs: &[Arc<Transaction>]) -> Vec<Txid> {
        let height = self.chain.height() + 1;
        let mut spent = Vec::new();
        for tx in txs {
            for input in &tx.input {
                let coin = self
                    .coins
                    .remove(&input.previous_output)
                    .unwrap_or_else(|| {
                        panic!("block spends a missing coin {:?}", input.previous_output)
                    });
                spent.push((input.previous_output, coin));
            }
            let txid = tx.compute_txid();
            for (vout, output) in tx.output.iter().enumerate() {
                self.coins.insert(
                    OutPoint::new(txid, u32::try_from(vout).unwrap()),
                    Coin {
                        output: output.clone(),
                        height,
                        is_coinbase: false,
                    },
                );
            }
        }
        self.chain.0.push(block_info(height));
        self.blocks.push(MinedBlock {
            txs: txs.to_vec(),
            spent,
        });
        let plain: Vec<Transaction> = txs.iter().map(|t| Transaction::clone(t)).collect();
        self.pool.remove_for_block(&plain, self.now)
    }

    /// Disconnects the last block the harness connected and hands its transactions back.
    fn disconnect(&mut self) {
        let block = self.blocks.pop().expect("a block to disconnect");
        for tx in block.txs.iter().rev() {
            let txid = tx.compute_txid();
            for vout in 0..tx.output.len() {
                self.coins
                    .remove(&OutPoint::new(txid, u32::try_from(vout).unwrap()));
            }
        }
        for (outpoint, coin) in block.spent {
            self.coins.insert(outpoint, coin);
        }
        self.chain.0.pop();
        let coins = &self.coins;
        let mut source = |o: &OutPoint| coins.get(o).cloned();
        let tip = TipContext {
            view: &self.chain,
            now: self.now,
            script_cache: None,
        };
        self.pool.readd_after_reorg(block.txs, &tip, &mut source);
    }
}

fn txid(tx: &Transaction) -> Txid {
    tx.compute_txid()
}

fn wtxid(tx: &Transaction) -> Wtxid {
    tx.compute_wtxid()
}

fn out(tx: &Transaction, vout: u32) -> OutPoint {
    OutPoint::new(tx.compute_txid(), vout)
}

fn vsize(tx: &Transaction) -> u64 {
    tx.weight().to_wu().div_ceil(4)
}

/// `tx (wtxid=...)`, as Core's TRUC and ephemeral messages name a transaction.
fn named(tx: &Transaction) -> String {
    format!("{} (wtxid={})", txid(tx), wtxid(tx))
}

/// The refusal of `result`, asserting its reason.
#[track_caller]
fn rejected<'a>(result: &'a TxResult, reason: &str) -> &'a Rejection {
    match result.rejection() {
        Some(r) => {
            assert_eq!(r.reason, reason, "debug: {}", r.debug);
            r
        }
        None => panic!("expected {reason}, got {:?}", result.outcome),
    }
}

/// The package's failure reason, or "" if none.
fn package_failure(result: &PackageResult) -> &str {
    result.failure.as_ref().map_or("", |f| f.reason.as_str())
}

// ---- invariants ----

/// Everything the pool keeps twice must agree, and what it holds must be minable:
/// totals, parent and child links (symmetric, and as the inputs say), the spent-outpoint
/// and wtxid indexes, deltas, every input's coin existing (in the pool or the chain),
/// clusters within limits, and the block order taking each transaction once, parents
/// first.
fn check_invariants(h: &Harness) {
    check_links(h);
    let oversized = oversized_clusters(&h.pool);
    assert!(
        oversized.is_empty(),
        "clusters beyond the limits: {oversized:?}"
    );
}

/// The sizes (count, weight) of the pool's clusters beyond `-limitclustercount` or
/// `-limitclustersize`.
fn oversized_clusters(pool: &Mempool) -> Vec<(usize, u64)> {
    let mut covered: BTreeSet<Txid> = BTreeSet::new();
    let mut oversized = Vec::new();
    let max_weight = pool.options.cluster_vbytes * 4;
    for id in pool.entries.keys() {
        if covered.contains(id) {
            continue;
        }
        let members = pool.cluster(id);
        let weight: u64 = members
            .iter()
            .map(|t| pool.entries[t].adjusted_weight)
            .sum();
        if members.len() > pool.options.cluster_count || weight > max_weight {
            oversized.push((members.len(), weight));
        }
        covered.extend(members);
    }
    oversized
}

/// [`check_invariants`] but the cluster limits.
fn check_links(h: &Harness) {
    let pool = &h.pool;
    let mut vsize_sum = 0;
    let mut fee_sum = 0;
    let mut usage_sum = 0;
    let mut input_count = 0;
    for (id, entry) in &pool.entries {
        assert_eq!(*id, entry.txid);
        assert_eq!(entry.tx.compute_txid(), entry.txid);
        assert_eq!(entry.tx.compute_wtxid(), entry.wtxid);
        assert_eq!(
            pool.by_wtxid.get(&entry.wtxid),
            Some(id),
            "wtxid index of {id}"
        );
        assert_eq!(entry.weight, entry.tx.weight().to_wu());
        vsize_sum += entry.vsize;
        fee_sum += entry.fee.to_sat();
        usage_sum += entry.memory_usage();
        assert_eq!(
            entry.fee_delta,
            pool.deltas.get(id).copied().unwrap_or(0),
            "delta of {id}"
        );
        let parents: BTreeSet<Txid> = entry
            .tx
            .input
            .iter()
            .map(|i| i.previous_output.txid)
            .filter(|t| pool.entries.contains_key(t))
            .collect();
        assert_eq!(entry.parents, parents, "parents of {id}");
        for parent in &parents {
            assert!(
                pool.entries[parent].children.contains(id),
                "{parent} lost child {id}"
            );
        }
        let children: BTreeSet<Txid> = (0..entry.tx.output.len())
            .filter_map(|v| {
                pool.spent_by
                    .get(&OutPoint::new(*id, u32::try_from(v).unwrap()))
            })
            .copied()
            .collect();
        assert_eq!(entry.children, children, "children of {id}");
        for child in &children {
            assert!(
                pool.entries[child].parents.contains(id),
                "{child} lost parent {id}"
            );
        }
        for input in &entry.tx.input {
            input_count += 1;
            let prev = input.previous_output;
            assert_eq!(pool.spent_by.get(&prev), Some(id), "spender of {prev:?}");
            let exists = pool
                .entries
                .get(&prev.txid)
                .is_some_and(|p| (prev.vout as usize) < p.tx.output.len())
                || h.coins.contains_key(&prev);
            assert!(
                exists,
                "{id} spends {prev:?}, neither in the pool nor confirmed"
            );
        }
    }
    assert_eq!(pool.total_vsize(), vsize_sum, "total vsize");
    assert_eq!(pool.total_fee().to_sat(), fee_sum, "total fee");
    assert_eq!(pool.usage, usage_sum, "usage");
    assert_eq!(
        pool.spent_by.len(),
        input_count,
        "spent_by holds only pool inputs"
    );
    assert_eq!(pool.by_wtxid.len(), pool.entries.len(), "wtxid index size");
    for t in pool.unbroadcast() {
        assert!(pool.contains(t));
    }
    // The block order: every transaction once, parents first, chunks by fee rate, each
    // chunk the one `chunk_of` names.
    let chunks = pool.block_order();
    for pair in chunks.windows(2) {
        assert_ne!(
            pair[0].feefrac.cmp_rate(&pair[1].feefrac),
            std::cmp::Ordering::Less,
            "chunks out of fee rate order"
        );
    }
    for chunk in &chunks {
        let fee: i64 = chunk
            .txids
            .iter()
            .map(|t| pool.entries[t].modified_fee())
            .sum();
        let size: u64 = chunk
            .txids
            .iter()
            .map(|t| pool.entries[t].adjusted_weight)
            .sum();
        assert_eq!(
            chunk.feefrac,
            FeeFrac::new(fee, i64::try_from(size).unwrap())
        );
        for t in &chunk.txids {
            assert_eq!(pool.chunk_of(t), Some(chunk.feefrac), "chunk of {t}");
        }
    }
    let order: Vec<Txid> = chunks.into_iter().flat_map(|c| c.txids).collect();
    assert_eq!(order.len(), pool.len(), "block order covers the pool once");
    let position: HashMap<Txid, usize> = order.iter().enumerate().map(|(i, t)| (*t, i)).collect();
    assert_eq!(position.len(), pool.len());
    for (id, entry) in &pool.entries {
        for parent in &entry.parents {
            assert!(
                position[parent] < position[id],
                "block order puts {id} before its parent {parent}"
            );
        }
    }
}

// ---- one transaction ----

/// ```text
///   coin ── A          A enters; its entry holds Core's numbers
///   A:0 ── B           B is A's child
/// ```
#[test]
fn a_payment_enters_with_its_fee_size_and_links() {
    let mut h = Harness::new();
    let coin = h.fund();
    let a = h.build(&[coin], 2, 1_000);
    let result = h.accept(&a);
    let TxOutcome::Valid {
        vsize: v,
        base_fee,
        effective_feerate,
        effective_wtxids,
        replaced,
    } = &result.outcome
    else {
        panic!("refused: {:?}", result.outcome);
    };
    assert_eq!(*v, vsize(&a));
    assert_eq!(*base_fee, Amount::from_sat(1_000));
    assert_eq!(
        *effective_feerate,
        FeeFrac::new(1_000, i64::try_from(vsize(&a)).unwrap())
    );
    assert_eq!(effective_wtxids, &vec![wtxid(&a)]);
    assert!(replaced.is_empty());
    let entry = h.pool.get(&txid(&a)).unwrap();
    assert_eq!(entry.fee, Amount::from_sat(1_000));
    assert_eq!(entry.modified_fee(), 1_000);
    assert_eq!(entry.weight, a.weight().to_wu());
    assert_eq!(entry.vsize, vsize(&a));
    assert_eq!(entry.adjusted_weight, entry.weight);
    assert_eq!(entry.sigop_cost, 0);
    assert_eq!(entry.time, START);
    assert_eq!(entry.height, TIP);
    assert!(entry.parents().is_empty() && entry.children().is_empty());
    assert_eq!(h.pool.get_by_wtxid(&wtxid(&a)).unwrap().txid, txid(&a));
    assert_eq!(h.pool.len(), 1);
    assert_eq!(h.pool.total_vsize(), vsize(&a));
    assert_eq!(h.pool.total_fee(), Amount::from_sat(1_000));
    assert_eq!(h.pool.spender(&coin), Some(&txid(&a)));

    let b = h.build(&[out(&a, 0)], 1, 500);
    h.add(&b);
    let (ta, tb) = (txid(&a), txid(&b));
    assert_eq!(h.pool.get(&ta).unwrap().children(), &BTreeSet::from([tb]));
    assert_eq!(h.pool.get(&tb).unwrap().parents(), &BTreeSet::from([ta]));
    assert_eq!(h.pool.ancestors(&tb), BTreeSet::from([ta, tb]));
    assert_eq!(h.pool.descendants(&ta), BTreeSet::from([ta, tb]));
    assert_eq!(h.pool.ancestors(&ta), BTreeSet::from([ta]));
    assert_eq!(h.pool.cluster(&ta).len(), 2);
    assert_eq!(h.pool.output(&out(&a, 1)), Some(&a.output[1]));
    assert_eq!(h.pool.total_fee(), Amount::from_sat(1_500));
    check_invariants(&h);
}

#[test]
fn the_same_transaction_twice_is_already_in_the_mempool() {
    let mut h = Harness::new();
    let coin = h.fund();
    let a = h.build(&[coin], 1, 1_000);
    h.add(&a);
    let r = h.accept(&a);
    let rejection = rejected(&r, "txn-already-in-mempool");
    assert_eq!(rejection.kind, RejectKind::Conflict);
    assert_eq!(h.pool.len(), 1);
}

/// The same txid with another witness: refused alone, reported as the pool's in a package.
#[test]
fn same_txid_with_another_witness() {
    let mut h = Harness::new();
    let coin = h.fund();
    let a = h.build(&[coin], 1, 1_000);
    h.add(&a);
    let mut other = Transaction::clone(&a);
    other.input[0].witness = Witness::from_items([vec![0x01], vec![OP_TRUE]]);
    let other = Arc::new(other);
    assert_eq!(txid(&other), txid(&a));
    assert_ne!(wtxid(&other), wtxid(&a));
    let r = h.accept(&other);
    assert_eq!(
        rejected(&r, "txn-same-nonwitness-data-in-mempool").kind,
        RejectKind::Conflict
    );

    let result = h.package(std::slice::from_ref(&other));
    assert_eq!(result.failure, None);
    assert_eq!(
        result.results[&wtxid(&other)].outcome,
        TxOutcome::DifferentWitness {
            other_wtxid: wtxid(&a)
        }
    );
    assert_eq!(h.pool.get(&txid(&a)).unwrap().wtxid, wtxid(&a));
}

#[test]
fn a_missing_input_is_missing_or_spent() {
    let mut h = Harness::new();
    let coin = h.fund();
    let parent = h.build(&[coin], 1, 1_000); // never submitted
    let child = h.build(&[out(&parent, 0)], 1, 1_000);
    let r = h.accept(&child);
    assert_eq!(
        rejected(&r, "bad-txns-inputs-missingorspent").kind,
        RejectKind::MissingInputs
    );
    assert!(h.pool.is_empty());
}

/// A confirmed transaction sent again: its inputs are spent, its outputs are coins.
#[test]
fn a_confirmed_transaction_is_already_known() {
    let mut h = Harness::new();
    let coin = h.fund();
    let a = h.build(&[coin], 1, 1_000);
    h.add(&a);
    assert!(h.mine(std::slice::from_ref(&a)).is_empty());
    assert!(h.pool.is_empty());
    let r = h.accept(&a);
    assert_eq!(rejected(&r, "txn-already-known").kind, RejectKind::Conflict);
}

/// The checks before any coin is looked at, each with Core's reason.
#[test]
fn checks_of_the_transaction_alone() {
    let mut h = Harness::new();
    let coin = h.fund();
    // Version 4 is not standard.
    let v4 = Shape {
        version: 4,
        ..Shape::default()
    };
    let tx = h.build_shaped(v4, &[coin], 1, 1_000);
    assert_eq!(
        rejected(&h.accept(&tx), "version").kind,
        RejectKind::NotStandard
    );
    // 61 bytes without witness: below 65 (CVE-2017-12842).
    let mut small = Transaction::clone(&h.build(&[coin], 1, 1_000));
    small.output = vec![TxOut {
        value: Amount::ZERO,
        script_pubkey: Script::from_bytes(vec![0x6a]),
    }];
    assert_eq!(small.base_size(), 61);
    let small = h.register(small);
    assert_eq!(
        rejected(&h.accept(&small), "tx-size-small").kind,
        RejectKind::NotStandard
    );
    // Outputs above inputs.
    let greedy = h.build_exact(Shape::default(), &[coin], &[COIN_VALUE + 1]);
    let r = h.accept(&greedy);
    let rejection = rejected(&r, "bad-txns-in-belowout");
    assert_eq!(rejection.kind, RejectKind::Consensus);
    assert_eq!(rejection.debug, "value in (0.01) < value out (0.01000001)");
    assert!(h.pool.is_empty());
}

/// A coinbase output needs 100 confirmations: at the next height it is 51 deep here.
/// A reorganisation that makes a pool transaction's coinbase coin immature again removes
/// the transaction.
#[test]
fn coinbase_coins_must_be_mature() {
    let mut h = Harness::new();
    let young = h.fund_coin(Coin {
        output: TxOut {
            value: Amount::from_sat(COIN_VALUE),
            script_pubkey: true_script_pubkey(),
        },
        height: TIP - 50,
        is_coinbase: true,
    });
    let tx = h.build(&[young], 1, 1_000);
    let r = h.accept(&tx);
    let rejection = rejected(&r, "bad-txns-premature-spend-of-coinbase");
    assert_eq!(rejection.kind, RejectKind::PrematureSpend);
    assert_eq!(rejection.debug, "tried to spend coinbase at depth 51");

    // 100 deep for the block after TIP + 1, 99 after a reorg back to TIP.
    h.mine(&[]);
    let ripe = h.fund_coin(Coin {
        output: TxOut {
            value: Amount::from_sat(COIN_VALUE),
            script_pubkey: true_script_pubkey(),
        },
        height: TIP - 98,
        is_coinbase: true,
    });
    let tx = h.build(&[ripe], 1, 1_000);
    h.add(&tx);
    assert!(h.pool.get(&txid(&tx)).unwrap().spends_coinbase);
    let child = h.build(&[out(&tx, 0)], 1, 1_000);
    h.add(&child);
    h.disconnect();
    assert!(
        h.pool.is_empty(),
        "immature again: it leaves with its child"
    );
    check_invariants(&h);
}

/// A transaction heavy in signature operations pays for them: each sigop counts as
/// 20 virtual bytes (`-bytespersigop`) when that is more than its size.
///
/// The coin is a P2WSH of `OP_0 OP_IF OP_CHECKSIG×100 OP_ENDIF OP_TRUE`: 100 sigops
/// counted, none run.
#[test]
fn sigops_are_charged_as_size() {
    let mut h = Harness::new();
    let mut witness_script = vec![0x00, 0x63];
    witness_script.extend([0xac; 100]);
    witness_script.extend([0x68, OP_TRUE]);
    let script_pubkey = Script::new_witness_program(0, &sha256(&witness_script)).unwrap();
    let coin = h.fund_coin(Coin {
        output: TxOut {
            value: Amount::from_sat(COIN_VALUE),
            script_pubkey,
        },
        height: TIP - 50,
        is_coinbase: false,
    });
    let spend = |h: &mut Harness, fee: i64| {
        let mut tx = Transaction::clone(&h.build(&[coin], 1, fee));
        tx.input[0].witness = Witness::from_items([witness_script.clone()]);
        h.register(tx)
    };
    let low = spend(&mut h, 49);
    assert!(low.weight().to_wu() < 2_000);
    let r = h.accept(&low);
    assert_eq!(rejected(&r, "min relay fee not met").debug, "49 < 50");
    let tx = spend(&mut h, 50);
    h.add(&tx);
    let entry = h.pool.get(&txid(&tx)).unwrap();
    assert_eq!(entry.sigop_cost, 100);
    assert_eq!(entry.vsize, 500);
    assert_eq!(entry.adjusted_weight, 2_000);
    assert_eq!(h.pool.chunk_of(&txid(&tx)), Some(FeeFrac::new(50, 2_000)));
    check_invariants(&h);
}

/// A lock time at the next block's height is not final yet; one below it is.
#[test]
fn lock_time_at_the_next_height_is_non_final() {
    let mut h = Harness::new();
    let coin = h.fund();
    let locked = Shape {
        lock_time: TIP + 1,
        sequence: 0xffff_fffe,
        ..Shape::default()
    };
    let a = h.build_shaped(locked, &[coin], 1, 1_000);
    let r = h.accept(&a);
    assert_eq!(rejected(&r, "non-final").kind, RejectKind::PrematureSpend);
    // Final sequences disable the lock time.
    let unlocked = Shape {
        lock_time: TIP + 1,
        sequence: 0xffff_ffff,
        ..Shape::default()
    };
    let b = h.build_shaped(unlocked, &[coin], 1, 1_001);
    assert!(h.accept_with(&b, AcceptArgs::single(true)).is_valid());
    let ready = Shape {
        lock_time: TIP,
        sequence: 0xffff_fffe,
        ..Shape::default()
    };
    let c = h.build_shaped(ready, &[coin], 1, 1_002);
    h.add(&c);
}

/// BIP68: ten blocks after the coin's block. A coin confirmed at the tip is one block
/// deep for the next block; one confirmed at `TIP - 9` is ten deep.
#[test]
fn a_relative_lock_not_yet_met_is_non_bip68_final() {
    let mut h = Harness::new();
    let young = h.fund_at(COIN_VALUE, TIP);
    let old = h.fund_at(COIN_VALUE, TIP - 9);
    let ten_blocks = Shape {
        sequence: 10,
        ..Shape::default()
    };
    let a = h.build_shaped(ten_blocks, &[young], 1, 1_000);
    let r = h.accept(&a);
    assert_eq!(
        rejected(&r, "non-BIP68-final").kind,
        RejectKind::PrematureSpend
    );
    let b = h.build_shaped(ten_blocks, &[old], 1, 1_000);
    h.add(&b);
    // Version 1 ignores BIP68.
    let v1 = Shape {
        version: 1,
        ..ten_blocks
    };
    let c = h.build_shaped(v1, &[young], 1, 1_000);
    h.add(&c);
}

/// 100 sat/kvB times the virtual size, rounded up.
#[test]
fn a_fee_below_the_minimum_relay_fee_is_refused() {
    let mut h = Harness::new();
    let coin = h.fund();
    let probe = h.build(&[coin], 1, 0);
    let required = i64::try_from((vsize(&probe) * 100).div_ceil(1000)).unwrap();
    let low = h.build(&[coin], 1, required - 1);
    let r = h.accept(&low);
    let rejection = rejected(&r, "min relay fee not met");
    assert_eq!(rejection.kind, RejectKind::Reconsiderable);
    assert_eq!(rejection.debug, format!("{} < {}", required - 1, required));
    let TxOutcome::Invalid { fee_failure, .. } = &r.outcome else {
        unreachable!()
    };
    assert_eq!(
        fee_failure.as_ref().unwrap(),
        &(
            FeeFrac::new(required - 1, i64::try_from(vsize(&low)).unwrap()),
            vec![wtxid(&low)]
        )
    );
    let enough = h.build(&[coin], 1, required);
    h.add(&enough);
}

/// `prioritisetransaction` moves the modified fee, before or after the transaction comes.
#[test]
fn prioritisation_moves_the_modified_fee() {
    let mut h = Harness::new();
    let coin = h.fund();
    let a = h.build(&[coin], 1, 1_000);
    h.add(&a);
    h.pool.prioritise(txid(&a), 500);
    let entry = h.pool.get(&txid(&a)).unwrap();
    assert_eq!(
        (entry.fee.to_sat(), entry.fee_delta, entry.modified_fee()),
        (1_000, 500, 1_500)
    );
    assert_eq!(h.pool.chunk_of(&txid(&a)).unwrap().fee, 1_500);
    h.pool.prioritise(txid(&a), -500);
    assert_eq!(h.pool.get(&txid(&a)).unwrap().modified_fee(), 1_000);
    assert!(
        h.pool.deltas().is_empty(),
        "a delta back to zero is forgotten"
    );
    // The total fee counts base fees.
    h.pool.prioritise(txid(&a), 7);
    assert_eq!(h.pool.total_fee(), Amount::from_sat(1_000));

    // A delta set before the transaction arrives: a zero-fee transaction enters.
    let coin = h.fund();
    let free = h.build(&[coin], 1, 0);
    let r = h.accept(&free);
    rejected(&r, "min relay fee not met");
    h.pool.prioritise(txid(&free), 5_000);
    assert_eq!(h.pool.deltas().get(&txid(&free)), Some(&5_000));
    let r = h.accept(&free);
    let TxOutcome::Valid {
        base_fee,
        effective_feerate,
        ..
    } = r.outcome
    else {
        panic!("refused: {:?}", r.outcome);
    };
    assert_eq!(base_fee, Amount::ZERO);
    assert_eq!(effective_feerate.fee, 5_000);
    let entry = h.pool.get(&txid(&free)).unwrap();
    assert_eq!((entry.fee.to_sat(), entry.fee_delta), (0, 5_000));
    // A negative delta can push a paying transaction below the minimum.
    let coin = h.fund();
    let b = h.build(&[coin], 1, 1_000);
    h.pool.prioritise(txid(&b), -1_000);
    let r = h.accept(&b);
    rejected(&r, "min relay fee not met");
    check_invariants(&h);
    // A block forgets the deltas of what it confirms.
    h.mine(std::slice::from_ref(&free));
    assert_eq!(h.pool.deltas().get(&txid(&free)), None);
    assert_eq!(h.pool.deltas().get(&txid(&b)), Some(&-1_000));
}

/// Core counts `nTransactionsUpdated` (what `getblocktemplate` long polls watch) only for
/// a prioritisation of a transaction in the pool.
#[test]
fn prioritising_an_absent_transaction_is_no_update() {
    let mut h = Harness::new();
    let before = h.pool.updates();
    h.pool.prioritise(Txid::from_byte_array([7; 32]), 1_000);
    assert_eq!(h.pool.updates(), before);
}

// ---- chains and clusters ----

/// ```text
///   coin ── P ── C ── G
/// ```
#[test]
fn parent_child_grandchild() {
    let mut h = Harness::new();
    let coin = h.fund();
    let p = h.build(&[coin], 1, 1_000);
    let c = h.build(&[out(&p, 0)], 1, 1_000);
    let g = h.build(&[out(&c, 0)], 1, 1_000);
    // The grandchild before its parents is an orphan.
    rejected(&h.accept(&g), "bad-txns-inputs-missingorspent");
    for tx in [&p, &c, &g] {
        h.add(tx);
    }
    let (tp, tc, tg) = (txid(&p), txid(&c), txid(&g));
    assert_eq!(h.pool.ancestors(&tg), BTreeSet::from([tp, tc, tg]));
    assert_eq!(h.pool.descendants(&tp), BTreeSet::from([tp, tc, tg]));
    assert_eq!(h.pool.descendants(&tc), BTreeSet::from([tc, tg]));
    assert_eq!(h.pool.get(&tc).unwrap().parents(), &BTreeSet::from([tp]));
    assert_eq!(h.pool.get(&tc).unwrap().children(), &BTreeSet::from([tg]));
    let cluster: BTreeSet<Txid> = h.pool.cluster(&tg).into_iter().collect();
    assert_eq!(cluster, BTreeSet::from([tp, tc, tg]));
    check_invariants(&h);
    // Removing the middle takes the grandchild with it.
    let mut gone = h.pool.remove_recursive(&tc, RemovalReason::Conflict);
    gone.sort();
    let mut expected = vec![tc, tg];
    expected.sort();
    assert_eq!(gone, expected);
    assert!(h.pool.get(&tp).unwrap().children().is_empty());
    check_invariants(&h);
}

/// A chain of 64 is the largest cluster Core allows; the 65th transaction is refused.
#[test]
fn the_sixty_fifth_transaction_of_a_cluster_is_too_large() {
    let mut h = Harness::new();
    let coin = h.fund();
    let mut prev = coin;
    for _ in 0..DEFAULT_CLUSTER_LIMIT {
        let tx = h.build(&[prev], 1, 200);
        h.add(&tx);
        prev = out(&tx, 0);
    }
    assert_eq!(h.pool.len(), 64);
    let last = h.build(&[prev], 1, 200);
    let r = h.accept(&last);
    let rejection = rejected(&r, "too-large-cluster");
    assert_eq!(rejection.kind, RejectKind::MempoolPolicy);
    assert_eq!(rejection.debug, "");
    check_invariants(&h);
}

/// Two clusters of three may not join through one transaction when the limit is five.
#[test]
fn joining_two_clusters_counts_both() {
    let mut h = Harness::with_options(PoolOptions {
        cluster_count: 5,
        ..PoolOptions::default()
    });
    let mut tips = Vec::new();
    for _ in 0..2 {
        let mut prev = h.fund();
        for _ in 0..3 {
            let tx = h.build(&[prev], 1, 200);
            h.add(&tx);
            prev = out(&tx, 0);
        }
        tips.push(prev);
    }
    let join = h.build(&tips, 1, 1_000);
    rejected(&h.accept(&join), "too-large-cluster");
    // With one side it fits: 3 + 1.
    let one = h.build(&tips[..1], 1, 1_000);
    h.add(&one);
    check_invariants(&h);
}

#[test]
fn a_cluster_may_not_exceed_its_size_in_virtual_bytes() {
    let mut h = Harness::new();
    let coin = h.fund();
    let p = h.build(&[coin], 1, 1_000);
    let limit = p.weight().to_wu() * 2 / 4 + 10; // room for two such transactions
    let mut h = Harness::with_options(PoolOptions {
        cluster_vbytes: limit,
        ..PoolOptions::default()
    });
    let coin = h.fund();
    let p = h.build(&[coin], 1, 1_000);
    let c = h.build(&[out(&p, 0)], 1, 1_000);
    let g = h.build(&[out(&c, 0)], 1, 1_000);
    h.add(&p);
    h.add(&c);
    rejected(&h.accept(&g), "too-large-cluster");
    check_invariants(&h);
}

// ---- replacement ----

/// ```text
///   coin ── A (1000 sat)
///   coin ── B          B pays 900, then 1005, then 1010 (rule 4 asks 10 more)
/// ```
#[test]
fn a_replacement_must_pay_more_and_for_its_relay() {
    let mut h = Harness::new();
    let coin = h.fund();
    let a = h.build(&[coin], 1, 1_000);
    h.add(&a);

    let less = h.build(&[coin], 1, 900);
    let r = h.accept(&less);
    let rejection = rejected(&r, "insufficient fee");
    assert_eq!(rejection.kind, RejectKind::Reconsiderable);
    assert_eq!(
        rejection.debug,
        format!(
            "rejecting replacement {}, less fees than conflicting txs; 0.000009 < 0.00001",
            txid(&less)
        )
    );

    let relay = (vsize(&a) * 100).div_ceil(1000); // the incremental relay fee for B's size
    assert_eq!(relay, 10);
    let barely = h.build(&[coin], 1, 1_005);
    let r = h.accept(&barely);
    let rejection = rejected(&r, "insufficient fee");
    assert_eq!(
        rejection.debug,
        format!(
            "rejecting replacement {}, not enough additional fees to relay; 0.00000005 < 0.0000001",
            txid(&barely)
        )
    );
    assert!(h.pool.contains(&txid(&a)));

    let enough = h.build(&[coin], 1, 1_010);
    let r = h.accept(&enough);
    let TxOutcome::Valid { replaced, .. } = &r.outcome else {
        panic!("refused: {:?}", r.outcome);
    };
    assert_eq!(replaced.len(), 1);
    assert_eq!(txid(&replaced[0]), txid(&a));
    assert!(!h.pool.contains(&txid(&a)));
    assert_eq!(h.pool.spender(&coin), Some(&txid(&enough)));
    check_invariants(&h);
}

/// A test acceptance of a replacement reports it and changes nothing.
#[test]
fn a_test_replacement_leaves_the_pool_alone() {
    let mut h = Harness::new();
    let coin = h.fund();
    let a = h.build(&[coin], 1, 1_000);
    h.add(&a);
    let b = h.build(&[coin], 1, 2_000);
    let r = h.accept_with(&b, AcceptArgs::single(true));
    let TxOutcome::Valid { replaced, .. } = &r.outcome else {
        panic!("refused: {:?}", r.outcome);
    };
    assert_eq!(replaced.len(), 1);
    assert!(h.pool.contains(&txid(&a)));
    assert!(!h.pool.contains(&txid(&b)));
    check_invariants(&h);
}

/// ```text
///   coin ── A ── C      B replaces A: it must pay for A and C, and both leave
///   coin ── B
/// ```
#[test]
fn replacing_a_parent_evicts_its_child() {
    let mut h = Harness::new();
    let coin = h.fund();
    let a = h.build(&[coin], 1, 1_000);
    let c = h.build(&[out(&a, 0)], 1, 2_000);
    h.add(&a);
    h.add(&c);
    // Paying more than A alone is not enough: rule 3 counts the descendants too.
    let short = h.build(&[coin], 1, 2_500);
    let r = h.accept(&short);
    assert_eq!(
        rejected(&r, "insufficient fee").debug,
        format!(
            "rejecting replacement {}, less fees than conflicting txs; 0.000025 < 0.00003",
            txid(&short)
        )
    );
    let b = h.build(&[coin], 1, 3_100);
    let r = h.accept(&b);
    let TxOutcome::Valid { replaced, .. } = &r.outcome else {
        panic!("refused: {:?}", r.outcome);
    };
    let replaced: BTreeSet<Txid> = replaced.iter().map(|t| txid(t)).collect();
    assert_eq!(replaced, BTreeSet::from([txid(&a), txid(&c)]));
    assert_eq!(h.pool.len(), 1);
    assert!(h.pool.contains(&txid(&b)));
    check_invariants(&h);
}

/// ```text
///   coin ── A (200 sat) ── C (10,000 sat)     one chunk, about 52 sat/vB
///   coin ── B (10,500 sat, ~2,000 vB)         more fee, but about 5 sat/vB
/// ```
/// B pays for A and C and for its own relay, but a miner filling the first 200 vB of a
/// block would earn less: the diagrams cross, so B is refused.
#[test]
fn a_replacement_that_worsens_the_feerate_diagram_fails() {
    let mut h = Harness::new();
    let coin = h.fund();
    let a = h.build(&[coin], 1, 200);
    let c = h.build(&[out(&a, 0)], 1, 10_000);
    h.add(&a);
    h.add(&c);
    let big = h.build(&[coin], 45, 10_500);
    assert!(vsize(&big) > 1_900, "{}", vsize(&big));
    let r = h.accept(&big);
    let rejection = rejected(&r, "replacement-failed");
    assert_eq!(rejection.kind, RejectKind::Reconsiderable);
    assert_eq!(
        rejection.debug,
        "insufficient feerate: does not improve feerate diagram"
    );
    assert!(h.pool.contains(&txid(&a)) && h.pool.contains(&txid(&c)));
    // The same fee in a small transaction improves the diagram.
    let small = h.build(&[coin], 1, 10_500);
    h.add(&small);
    check_invariants(&h);
}

/// ```text
///   coin ── A ── A:0
///   coin, A:0 ── B      B replaces A and spends A's output
/// ```
/// Core (`AcceptSingleTransactionInternal`, `EntriesAndTxidsDisjoint` over
/// `ChangeSet::CalculateMemPoolAncestors`, which counts pool ancestors as the pool stands,
/// removals included) refuses B with `bad-txns-spends-conflicting-tx`.
#[test]
fn spending_what_you_replace_is_refused() {
    let mut h = Harness::new();
    let coin = h.fund();
    let a = h.build(&[coin], 1, 1_000);
    h.add(&a);
    let b = h.build(&[coin, out(&a, 0)], 1, 50_000);
    let r = h.accept(&b);
    let rejection = rejected(&r, "bad-txns-spends-conflicting-tx");
    assert_eq!(rejection.kind, RejectKind::Consensus);
    assert_eq!(
        rejection.debug,
        format!("{} spends conflicting transaction {}", txid(&b), txid(&a))
    );
    assert!(h.pool.contains(&txid(&a)));
    check_invariants(&h);
}

/// Rule 5: at most 100 distinct clusters in direct conflict.
#[test]
fn a_replacement_may_conflict_with_at_most_a_hundred_clusters() {
    let mut h = Harness::new();
    let coins: Vec<OutPoint> = (0..=MAX_REPLACEMENT_CANDIDATES).map(|_| h.fund()).collect();
    for coin in &coins {
        let tx = h.build(&[*coin], 1, 200);
        h.add(&tx);
    }
    let all = h.build(&coins, 1, 100_000);
    let r = h.accept(&all);
    let rejection = rejected(&r, "too many potential replacements");
    assert_eq!(rejection.kind, RejectKind::MempoolPolicy);
    assert_eq!(
        rejection.debug,
        format!(
            "rejecting replacement {}; too many conflicting clusters (101 > 100)",
            txid(&all)
        )
    );
    let hundred = h.build(&coins[..MAX_REPLACEMENT_CANDIDATES], 1, 100_000);
    let r = h.accept(&hundred);
    let TxOutcome::Valid { replaced, .. } = &r.outcome else {
        panic!("refused: {:?}", r.outcome);
    };
    assert_eq!(replaced.len(), 100);
    assert_eq!(h.pool.len(), 2);
    check_invariants(&h);
}

/// A test of several transactions allows no replacement.
#[test]
fn test_accept_package_disallows_replacement() {
    let mut h = Harness::new();
    let coin = h.fund();
    let a = h.build(&[coin], 1, 1_000);
    h.add(&a);
    let b = h.build(&[coin], 1, 50_000);
    let result = h.test_package(std::slice::from_ref(&b));
    assert_eq!(package_failure(&result), "transaction failed");
    let r = &result.results[&wtxid(&b)];
    assert_eq!(
        rejected(r, "bip125-replacement-disallowed").kind,
        RejectKind::MempoolPolicy
    );
    assert!(h.pool.contains(&txid(&a)));
}

// ---- TRUC ----

#[test]
fn truc_and_other_versions_do_not_mix() {
    let mut h = Harness::new();
    let coin = h.fund();
    let v2 = h.build(&[coin], 2, 1_000);
    h.add(&v2);
    let child3 = h.build_shaped(TRUC, &[out(&v2, 0)], 1, 1_000);
    let r = h.accept(&child3);
    let rejection = rejected(&r, "TRUC-violation");
    assert_eq!(rejection.kind, RejectKind::MempoolPolicy);
    assert_eq!(
        rejection.debug,
        format!(
            "version=3 tx {} cannot spend from non-version=3 tx {}",
            named(&child3),
            named(&v2)
        )
    );

    let coin = h.fund();
    let v3 = h.build_shaped(TRUC, &[coin], 2, 1_000);
    h.add(&v3);
    let child2 = h.build(&[out(&v3, 0)], 1, 1_000);
    let r = h.accept(&child2);
    assert_eq!(
        rejected(&r, "TRUC-violation").debug,
        format!(
            "non-version=3 tx {} cannot spend from version=3 tx {}",
            named(&child2),
            named(&v3)
        )
    );
    check_invariants(&h);
}

#[test]
fn a_truc_child_is_at_most_a_thousand_virtual_bytes() {
    let mut h = Harness::new();
    let coin = h.fund();
    let parent = h.build_shaped(TRUC, &[coin], 1, 1_000);
    h.add(&parent);
    let big = h.build_shaped(TRUC, &[out(&parent, 0)], 25, 5_000);
    let size = vsize(&big);
    assert!(size > TRUC_CHILD_MAX_VSIZE, "{size}");
    let r = h.accept(&big);
    assert_eq!(
        rejected(&r, "TRUC-violation").debug,
        format!(
            "version=3 child tx {} is too big: {size} > 1000 virtual bytes",
            named(&big)
        )
    );
    // Without an unconfirmed parent the same size is fine.
    let coin = h.fund();
    let alone = h.build_shaped(TRUC, &[coin], 25, 5_000);
    h.add(&alone);
}

/// ```text
///   coin ── P ─┬─ C1 (P:0)
///              └─ C2 (P:1)    a second child: it may evict C1 if it pays as a replacement
/// ```
#[test]
fn a_second_truc_child_evicts_its_sibling_only_if_it_pays() {
    let mut h = Harness::new();
    let coin = h.fund();
    let p = h.build_shaped(TRUC, &[coin], 2, 1_000);
    let c1 = h.build_shaped(TRUC, &[out(&p, 0)], 1, 2_000);
    h.add(&p);
    h.add(&c1);

    let cheap = h.build_shaped(TRUC, &[out(&p, 1)], 1, 1_500);
    let r = h.accept(&cheap);
    let rejection = rejected(&r, "insufficient fee (including sibling eviction)");
    assert_eq!(rejection.kind, RejectKind::Reconsiderable);
    assert_eq!(
        rejection.debug,
        format!(
            "rejecting replacement {}, less fees than conflicting txs; 0.000015 < 0.00002",
            txid(&cheap)
        )
    );
    // Without sibling eviction the TRUC rule speaks.
    let no_eviction = AcceptArgs {
        allow_sibling_eviction: false,
        ..AcceptArgs::single(false)
    };
    let r = h.accept_with(&cheap, no_eviction);
    assert_eq!(
        rejected(&r, "TRUC-violation").debug,
        format!("tx {} would exceed descendant count limit", named(&p))
    );

    let c2 = h.build_shaped(TRUC, &[out(&p, 1)], 1, 3_000);
    let r = h.accept(&c2);
    let TxOutcome::Valid { replaced, .. } = &r.outcome else {
        panic!("refused: {:?}", r.outcome);
    };
    assert_eq!(
        replaced.iter().map(|t| txid(t)).collect::<Vec<_>>(),
        vec![txid(&c1)]
    );
    assert!(!h.pool.contains(&txid(&c1)));
    assert_eq!(
        h.pool.get(&txid(&p)).unwrap().children(),
        &BTreeSet::from([txid(&c2)])
    );
    check_invariants(&h);
}

/// A new TRUC child spending the same output as the existing one is a plain replacement,
/// not a sibling eviction.
#[test]
fn a_truc_child_replacing_its_sibling_directly_is_a_plain_replacement() {
    let mut h = Harness::new();
    let coin = h.fund();
    let p = h.build_shaped(TRUC, &[coin], 2, 1_000);
    let c1 = h.build_shaped(TRUC, &[out(&p, 0)], 1, 2_000);
    h.add(&p);
    h.add(&c1);
    let cheap = h.build_shaped(TRUC, &[out(&p, 0)], 1, 1_500);
    rejected(&h.accept(&cheap), "insufficient fee");
    let no_eviction = AcceptArgs {
        allow_sibling_eviction: false,
        ..AcceptArgs::single(false)
    };
    let better = h.build_shaped(TRUC, &[out(&p, 0)], 1, 3_000);
    let r = h.accept_with(&better, no_eviction);
    assert!(r.is_valid(), "{:?}", r.outcome);
    assert!(!h.pool.contains(&txid(&c1)));
    check_invariants(&h);
}

#[test]
fn a_truc_grandchild_has_too_many_ancestors() {
    let mut h = Harness::new();
    let coin = h.fund();
    let p = h.build_shaped(TRUC, &[coin], 1, 1_000);
    let c = h.build_shaped(TRUC, &[out(&p, 0)], 1, 1_000);
    let g = h.build_shaped(TRUC, &[out(&c, 0)], 1, 1_000);
    h.add(&p);
    h.add(&c);
    let r = h.accept(&g);
    assert_eq!(
        rejected(&r, "TRUC-violation").debug,
        format!("tx {} would have too many ancestors", named(&g))
    );
    // Two unconfirmed TRUC parents are too many as well.
    let coin = h.fund();
    let q = h.build_shaped(TRUC, &[coin], 1, 1_000);
    h.add(&q);
    let coin = h.fund();
    let q2 = h.build_shaped(TRUC, &[coin], 1, 1_000);
    h.add(&q2);
    let two = h.build_shaped(TRUC, &[out(&q, 0), out(&q2, 0)], 1, 1_000);
    assert_eq!(
        rejected(&h.accept(&two), "TRUC-violation").debug,
        format!("tx {} would have too many ancestors", named(&two))
    );
    check_invariants(&h);
}

// ---- packages ----

/// ```text
///   coin ── P (0 sat) ── C (pays for both)
/// ```
#[test]
fn a_child_pays_for_its_parent() {
    let mut h = Harness::new();
    let coin = h.fund();
    let p = h.build(&[coin], 1, 0);
    let c = h.build(&[out(&p, 0)], 1, 2_000);
    rejected(&h.accept(&p), "min relay fee not met");
    let result = h.package(&[Arc::clone(&p), Arc::clone(&c)]);
    assert_eq!(result.failure, None, "{:?}", result.results);
    let size = i64::try_from(vsize(&p) + vsize(&c)).unwrap();
    for tx in [&p, &c] {
        let TxOutcome::Valid {
            effective_feerate,
            effective_wtxids,
            ..
        } = &result.results[&wtxid(tx)].outcome
        else {
            panic!("refused: {:?}", result.results[&wtxid(tx)]);
        };
        assert_eq!(*effective_feerate, FeeFrac::new(2_000, size));
        assert_eq!(effective_wtxids, &vec![wtxid(&p), wtxid(&c)]);
        assert!(h.pool.contains(&txid(tx)));
    }
    // One chunk: the parent is mined with its child.
    let order = h.pool.block_order();
    assert_eq!(order.len(), 1);
    assert_eq!(order[0].txids, vec![txid(&p), txid(&c)]);
    assert_eq!(h.pool.chunk_of(&txid(&p)), h.pool.chunk_of(&txid(&c)));
    check_invariants(&h);
    // Submitting it again: both already there.
    let again = h.package(&[Arc::clone(&p), Arc::clone(&c)]);
    assert_eq!(again.failure, None);
    assert!(matches!(
        again.results[&wtxid(&p)].outcome,
        TxOutcome::InPool { .. }
    ));
}

/// A parent that pays for itself enters alone; its child's fee then counts alone.
#[test]
fn a_package_parent_that_pays_enters_alone() {
    let mut h = Harness::new();
    let coin = h.fund();
    let p = h.build(&[coin], 1, 1_000);
    let c = h.build(&[out(&p, 0)], 1, 1_000);
    let result = h.package(&[Arc::clone(&p), Arc::clone(&c)]);
    assert_eq!(result.failure, None);
    let TxOutcome::Valid {
        effective_wtxids, ..
    } = &result.results[&wtxid(&p)].outcome
    else {
        panic!()
    };
    assert_eq!(effective_wtxids, &vec![wtxid(&p)]);
    assert_eq!(h.pool.len(), 2);
}

#[test]
fn malformed_packages_are_refused_whole() {
    let mut h = Harness::new();
    let coin = h.fund();
    let p = h.build(&[coin], 2, 0);
    let c = h.build(&[out(&p, 0)], 1, 2_000);
    let cases: Vec<(Vec<Arc<Transaction>>, &str)> = vec![
        (vec![Arc::clone(&c), Arc::clone(&p)], "package-not-sorted"),
        (
            vec![Arc::clone(&p), Arc::clone(&p)],
            "package-contains-duplicates",
        ),
        (
            {
                let other = h.build(&[coin], 1, 500);
                vec![Arc::clone(&p), other]
            },
            "conflict-in-package",
        ),
        (
            {
                let lonely = h.fund();
                let unrelated = h.build(&[lonely], 1, 500);
                vec![Arc::clone(&p), unrelated]
            },
            "package-not-child-with-parents",
        ),
        (
            (0..=MAX_PACKAGE_COUNT)
                .map(|_| {
                    let coin = h.fund();
                    h.build(&[coin], 1, 500)
                })
                .collect(),
            "package-too-many-transactions",
        ),
        (
            (0..2)
                .map(|_| {
                    let coin = h.fund();
                    h.build(&[coin], 1_200, 500)
                })
                .collect(),
            "package-too-large",
        ),
    ];
    for (package, reason) in cases {
        let result = h.package(&package);
        assert_eq!(package_failure(&result), reason);
        assert!(result.results.is_empty(), "{reason}");
        assert!(h.pool.is_empty(), "{reason}");
    }
    // Two children of one parent are not a child with its parents.
    let c2 = h.build(&[out(&p, 1)], 1, 2_000);
    let result = h.package(&[Arc::clone(&p), Arc::clone(&c), c2]);
    assert_eq!(package_failure(&result), "package-not-child-with-parents");
}

/// ```text
///   coin ── P (0 sat) ─┬─ P:0  dust (0 sat)
///                      └─ P:1 ── C     C must spend the dust too
/// ```
#[test]
fn ephemeral_dust_must_be_spent_by_the_child() {
    let mut h = Harness::new();
    let coin = h.fund();
    let p = h.build_exact(Shape::default(), &[coin], &[0, COIN_VALUE]);
    assert!(crate::policy::is_dust(
        &p.output[0],
        h.pool.options.policy.dust_relay_fee
    ));
    let forgetful = h.build(&[out(&p, 1)], 1, 5_000);
    let result = h.package(&[Arc::clone(&p), Arc::clone(&forgetful)]);
    assert_eq!(package_failure(&result), "unspent-dust");
    let r = &result.results[&wtxid(&forgetful)];
    let rejection = rejected(r, "missing-ephemeral-spends");
    assert_eq!(rejection.kind, RejectKind::MempoolPolicy);
    assert_eq!(
        rejection.debug,
        format!(
            "tx {} did not spend parent's ephemeral dust",
            named(&forgetful)
        )
    );
    assert!(h.pool.is_empty());

    let child = h.build(&[out(&p, 0), out(&p, 1)], 1, 5_000);
    let result = h.package(&[Arc::clone(&p), Arc::clone(&child)]);
    assert_eq!(result.failure, None, "{:?}", result.results);
    assert!(h.pool.contains(&txid(&p)) && h.pool.contains(&txid(&child)));
    check_invariants(&h);

    // A replacement of the child must spend the dust too, however much it pays.
    let forgetful = h.build(&[out(&p, 1)], 1, 50_000);
    let r = h.accept(&forgetful);
    assert_eq!(
        rejected(&r, "missing-ephemeral-spends").debug,
        format!(
            "tx {} did not spend parent's ephemeral dust",
            named(&forgetful)
        )
    );
    let better = h.build(&[out(&p, 0), out(&p, 1)], 1, 50_000);
    h.add(&better);
    assert!(!h.pool.contains(&txid(&child)));
    check_invariants(&h);
}

/// A package whose fee rate is too low: the child carries the package's verdict and rate.
#[test]
fn a_package_below_the_minimum_fee_rate_fails_on_its_child() {
    let mut h = Harness::new();
    let coin = h.fund();
    let p = h.build(&[coin], 1, 0);
    let c = h.build(&[out(&p, 0)], 1, 5);
    let result = h.package(&[Arc::clone(&p), Arc::clone(&c)]);
    assert_eq!(package_failure(&result), "transaction failed");
    let r = &result.results[&wtxid(&c)];
    let rejection = rejected(r, "min relay fee not met");
    let size = vsize(&p) + vsize(&c);
    assert_eq!(
        rejection.debug,
        format!("5 < {}", (size * 100).div_ceil(1000))
    );
    let TxOutcome::Invalid { fee_failure, .. } = &r.outcome else {
        unreachable!()
    };
    assert_eq!(
        fee_failure.as_ref().unwrap(),
        &(
            FeeFrac::new(5, i64::try_from(size).unwrap()),
            vec![wtxid(&p), wtxid(&c)]
        )
    );
    rejected(&result.results[&wtxid(&p)], "min relay fee not met");
    assert!(h.pool.is_empty());
}

/// A package that enters a full pool as its worst chunk is evicted by the final trim:
/// each of its transactions is then "mempool full".
#[test]
fn a_package_evicted_by_the_final_trim_is_mempool_full() {
    let mut h = Harness::new();
    let coin = h.fund();
    let good = h.build(&[coin], 1, 10_000);
    h.add(&good);
    h.pool.options.max_bytes = h.pool.usage() + 100;
    let coin = h.fund();
    let p = h.build(&[coin], 1, 0);
    let c = h.build(&[out(&p, 0)], 1, 100);
    let result = h.package(&[Arc::clone(&p), Arc::clone(&c)]);
    assert_eq!(package_failure(&result), "transaction failed");
    for tx in [&p, &c] {
        let r = rejected(&result.results[&wtxid(tx)], "mempool full");
        assert_eq!(r.kind, RejectKind::MempoolPolicy);
        assert!(!h.pool.contains(&txid(tx)));
    }
    assert!(h.pool.contains(&txid(&good)));
    check_invariants(&h);
}

#[test]
fn a_dust_output_on_a_paying_transaction_is_refused() {
    let mut h = Harness::new();
    let coin = h.fund();
    let tx = h.build_exact(Shape::default(), &[coin], &[100, COIN_VALUE - 1_100]);
    let r = h.accept(&tx);
    let rejection = rejected(&r, "dust");
    assert_eq!(rejection.kind, RejectKind::NotStandard);
    assert_eq!(rejection.debug, "tx with dust output must be 0-fee");
}

/// Core retries a lone transaction of a package (its parent entered alone) as a single
/// transaction (`AcceptSubPackage` with `SingleInPackageAccept`), so its verdict is the
/// one it got alone and the package fails with "transaction failed".
///
/// ```text
///   coin ── D (5,000 sat, in the pool)
///   coin ─┐
///   coin2 ── P ── C     C spends P:0 and D's coin, paying 2,000 < 5,000
/// ```
#[test]
fn a_lone_retried_package_transaction_is_judged_alone() {
    let mut h = Harness::new();
    let coin = h.fund();
    let d = h.build(&[coin], 1, 5_000);
    h.add(&d);
    let coin2 = h.fund();
    let p = h.build(&[coin2], 1, 1_000);
    let c = h.build(&[out(&p, 0), coin], 1, 2_000);
    let result = h.package(&[Arc::clone(&p), Arc::clone(&c)]);
    assert!(h.pool.contains(&txid(&p)));
    assert_eq!(package_failure(&result), "transaction failed");
    rejected(&result.results[&wtxid(&c)], "insufficient fee");
}

/// A test of a parent and its child: both judged, the child spending the parent's output,
/// and nothing added.
#[test]
fn test_accept_package_judges_a_chain_and_adds_nothing() {
    let mut h = Harness::new();
    let coin = h.fund();
    let p = h.build(&[coin], 1, 1_000);
    let c = h.build(&[out(&p, 0)], 1, 1_000);
    let result = h.test_package(&[Arc::clone(&p), Arc::clone(&c)]);
    assert_eq!(result.failure, None);
    assert!(result.results.values().all(TxResult::is_valid));
    assert_eq!(result.results.len(), 2);
    assert!(h.pool.is_empty());
    // Each at its own fee rate: no package fee rates in a test.
    let funded = h.fund();
    let free = h.build(&[funded], 1, 0);
    let result = h.test_package(std::slice::from_ref(&free));
    assert_eq!(package_failure(&result), "transaction failed");
    rejected(&result.results[&wtxid(&free)], "min relay fee not met");
}

/// ```text
///   coin ── A (1,000 sat)
///   coin ── P (0 sat) ── C (5,000 sat)     the package replaces A
/// ```
#[test]
fn a_package_may_replace_as_one_parent_and_one_child() {
    let mut h = Harness::new();
    let coin = h.fund();
    let a = h.build(&[coin], 1, 1_000);
    h.add(&a);
    let p = h.build(&[coin], 1, 0);
    let c = h.build(&[out(&p, 0)], 1, 5_000);
    let result = h.package(&[Arc::clone(&p), Arc::clone(&c)]);
    assert_eq!(result.failure, None, "{:?}", result.results);
    let mut replaced = BTreeSet::new();
    for tx in [&p, &c] {
        let TxOutcome::Valid { replaced: r, .. } = &result.results[&wtxid(tx)].outcome else {
            panic!("refused: {:?}", result.results[&wtxid(tx)]);
        };
        replaced.extend(r.iter().map(|t| txid(t)));
    }
    assert_eq!(replaced, BTreeSet::from([txid(&a)]));
    assert!(!h.pool.contains(&txid(&a)));
    assert_eq!(h.pool.len(), 2);
    check_invariants(&h);
}

/// The ways a package replacement fails, each with Core's package reason.
#[test]
fn package_replacements_that_fail() {
    // Rule 3 over the package: 5,000 < 10,000.
    let mut h = Harness::new();
    let coin = h.fund();
    let a = h.build(&[coin], 1, 10_000);
    h.add(&a);
    let p = h.build(&[coin], 1, 0);
    let c = h.build(&[out(&p, 0)], 1, 5_000);
    let result = h.package(&[Arc::clone(&p), Arc::clone(&c)]);
    let failure = result.failure.as_ref().unwrap();
    assert_eq!(
        failure.reason,
        "package RBF failed: insufficient anti-DoS fees"
    );
    assert_eq!(
        failure.debug,
        format!(
            "rejecting replacement {}, less fees than conflicting txs; 0.00005 < 0.0001",
            txid(&c)
        )
    );
    rejected(&result.results[&wtxid(&p)], "min relay fee not met");
    rejected(
        &result.results[&wtxid(&c)],
        "bad-txns-inputs-missingorspent",
    );
    assert!(h.pool.contains(&txid(&a)));
    check_invariants(&h);

    // A child paying less than its parent: not a chunk of its own.
    let mut h = Harness::new();
    let coin = h.fund();
    let a = h.build(&[coin], 1, 1_000);
    h.add(&a);
    let p = h.build(&[coin], 1, 900);
    let c = h.build(&[out(&p, 0)], 1, 200);
    let result = h.package(&[Arc::clone(&p), Arc::clone(&c)]);
    let failure = result.failure.as_ref().unwrap();
    assert_eq!(
        failure.reason,
        "package RBF failed: package feerate is less than or equal to parent feerate"
    );
    let btc_kvb = |fee: i64, size: u64| {
        let per_kvb = fee_per_kvb(fee, i64::try_from(size).unwrap());
        format!("0.{per_kvb:08} BTC/kvB")
    };
    assert_eq!(
        failure.debug,
        format!(
            "package feerate {} <= parent feerate is {}",
            btc_kvb(1_100, vsize(&p) + vsize(&c)),
            btc_kvb(900, vsize(&p))
        )
    );
    rejected(&result.results[&wtxid(&p)], "insufficient fee");
    assert!(h.pool.contains(&txid(&a)));

    // A parent with a parent in the pool.
    let mut h = Harness::new();
    let coin = h.fund();
    let a = h.build(&[coin], 1, 1_000);
    h.add(&a);
    let other = h.fund();
    let g = h.build(&[other], 1, 1_000);
    h.add(&g);
    let p = h.build(&[coin, out(&g, 0)], 1, 0);
    let c = h.build(&[out(&p, 0)], 1, 10_000);
    let result = h.package(&[Arc::clone(&p), Arc::clone(&c)]);
    assert_eq!(
        package_failure(&result),
        "package RBF failed: new transaction cannot have mempool ancestors"
    );

    // Two parents.
    let mut h = Harness::new();
    let coin = h.fund();
    let a = h.build(&[coin], 1, 1_000);
    h.add(&a);
    let p1 = h.build(&[coin], 1, 0);
    let funded = h.fund();
    let p2 = h.build(&[funded], 1, 0);
    let c = h.build(&[out(&p1, 0), out(&p2, 0)], 1, 10_000);
    let result = h.package(&[Arc::clone(&p1), Arc::clone(&p2), Arc::clone(&c)]);
    assert_eq!(
        package_failure(&result),
        "package RBF failed: package must be 1-parent-1-child"
    );
    assert_eq!(h.pool.len(), 1);
    check_invariants(&h);
}

/// A package that would make its cluster too large fails as a whole.
#[test]
fn a_package_may_not_make_a_cluster_too_large() {
    let mut h = Harness::with_options(PoolOptions {
        cluster_count: 2,
        ..PoolOptions::default()
    });
    let coin = h.fund();
    let g = h.build(&[coin], 1, 1_000);
    h.add(&g);
    let p = h.build(&[out(&g, 0)], 1, 0);
    let c = h.build(&[out(&p, 0)], 1, 5_000);
    let result = h.package(&[Arc::clone(&p), Arc::clone(&c)]);
    assert_eq!(package_failure(&result), "too-large-cluster");
    assert_eq!(h.pool.len(), 1);
    check_invariants(&h);
}

/// `submitpackage`'s `maxfeerate`: each transaction's own rate, alone or in the package.
#[test]
fn a_package_above_the_maximum_fee_rate_is_refused() {
    let mut h = Harness::new();
    let max = Some(FeeRate::from_sat_per_vb(10));
    let coin = h.fund();
    let p = h.build(&[coin], 1, 0);
    let c = h.build(&[out(&p, 0)], 1, 20_000);
    let result = h.package_with_max(&[Arc::clone(&p), Arc::clone(&c)], max);
    assert_eq!(package_failure(&result), "transaction failed");
    let r = rejected(&result.results[&wtxid(&c)], "max feerate exceeded");
    assert_eq!(r.kind, RejectKind::MempoolPolicy);
    assert!(h.pool.is_empty());
    // A transaction entering alone is held to it too.
    let funded = h.fund();
    let rich = h.build(&[funded], 1, 20_000);
    let result = h.package_with_max(std::slice::from_ref(&rich), max);
    assert_eq!(package_failure(&result), "transaction failed");
    rejected(&result.results[&wtxid(&rich)], "max feerate exceeded");
    // Under the maximum (500 sat in 96 vB), the package enters.
    let c = h.build(&[out(&p, 0)], 1, 500);
    let result = h.package_with_max(&[Arc::clone(&p), Arc::clone(&c)], max);
    assert_eq!(result.failure, None, "{:?}", result.results);
}

/// TRUC's reason for being: a zero-fee version 3 parent carried by its child, and the
/// package checks of TRUC's shape.
#[test]
fn truc_packages() {
    let mut h = Harness::new();
    let coin = h.fund();
    let p = h.build_shaped(TRUC, &[coin], 1, 0);
    let c = h.build_shaped(TRUC, &[out(&p, 0)], 1, 2_000);
    let result = h.package(&[Arc::clone(&p), Arc::clone(&c)]);
    assert_eq!(result.failure, None, "{:?}", result.results);
    assert_eq!(h.pool.len(), 2);
    check_invariants(&h);

    // A version 2 child of a version 3 parent in the package.
    let coin = h.fund();
    let p = h.build_shaped(TRUC, &[coin], 1, 0);
    let c = h.build(&[out(&p, 0)], 1, 2_000);
    let result = h.package(&[Arc::clone(&p), Arc::clone(&c)]);
    let failure = result.failure.as_ref().unwrap();
    assert_eq!(failure.reason, "TRUC-violation");
    assert_eq!(
        failure.debug,
        format!(
            "non-version=3 tx {} cannot spend from version=3 tx {}",
            named(&c),
            named(&p)
        )
    );
    // A version 3 child too big for a TRUC parent in the package.
    let p = h.build_shaped(TRUC, &[coin], 1, 0);
    let big = h.build_shaped(TRUC, &[out(&p, 0)], 25, 20_000);
    let result = h.package(&[Arc::clone(&p), Arc::clone(&big)]);
    let failure = result.failure.as_ref().unwrap();
    assert_eq!(failure.reason, "TRUC-violation");
    assert_eq!(
        failure.debug,
        format!(
            "version=3 child tx {} is too big: {} > 1000 virtual bytes",
            named(&big),
            vsize(&big)
        )
    );
    assert_eq!(h.pool.len(), 2);
}

/// A version 3 transaction is at most 10,000 virtual bytes.
#[test]
fn a_truc_transaction_is_at_most_ten_thousand_virtual_bytes() {
    let mut h = Harness::new();
    let coin = h.fund();
    let huge = h.build_shaped(TRUC, &[coin], 240, 50_000);
    let size = vsize(&huge);
    assert!(size > TRUC_MAX_VSIZE, "{size}");
    let r = h.accept(&huge);
    assert_eq!(
        rejected(&r, "TRUC-violation").debug,
        format!(
            "version=3 tx {} is too big: {size} > 10000 virtual bytes",
            named(&huge)
        )
    );
    let v2 = h.build(&[coin], 240, 50_000);
    h.add(&v2);
}

/// Rule 3 counts the modified fees of what is replaced.
#[test]
fn a_prioritised_transaction_is_harder_to_replace() {
    let mut h = Harness::new();
    let coin = h.fund();
    let a = h.build(&[coin], 1, 1_000);
    h.add(&a);
    h.pool.prioritise(txid(&a), 5_000);
    let b = h.build(&[coin], 1, 3_000);
    let r = h.accept(&b);
    assert_eq!(
        rejected(&r, "insufficient fee").debug,
        format!(
            "rejecting replacement {}, less fees than conflicting txs; 0.00003 < 0.00006",
            txid(&b)
        )
    );
    // And the replacement's own delta counts for it.
    h.pool.prioritise(txid(&b), 3_100);
    h.add(&b);
    assert!(!h.pool.contains(&txid(&a)));
    check_invariants(&h);
}

/// The same retry for a second TRUC child: alone it was refused as a sibling eviction
/// paying too little; Core's single retry says so again.
#[test]
fn a_lone_retried_truc_child_keeps_its_sibling_eviction_verdict() {
    let mut h = Harness::new();
    let coin = h.fund();
    let p = h.build_shaped(TRUC, &[coin], 2, 1_000);
    let c1 = h.build_shaped(TRUC, &[out(&p, 0)], 1, 2_000);
    h.add(&p);
    h.add(&c1);
    let c2 = h.build_shaped(TRUC, &[out(&p, 1)], 1, 1_500);
    let result = h.package(&[Arc::clone(&p), Arc::clone(&c2)]);
    assert_eq!(package_failure(&result), "transaction failed");
    rejected(
        &result.results[&wtxid(&c2)],
        "insufficient fee (including sibling eviction)",
    );
    assert!(h.pool.contains(&txid(&c1)));
}

// ---- removal ----

/// ```text
///   coin ── P ── C      a block confirms P: P leaves, C stays with no pool parent
/// ```
#[test]
fn a_block_removes_what_it_confirms() {
    let mut h = Harness::new();
    let coin = h.fund();
    let p = h.build(&[coin], 1, 1_000);
    let c = h.build(&[out(&p, 0)], 1, 1_000);
    h.add(&p);
    h.add(&c);
    let sequence = h.pool.sequence();
    let conflicts = h.mine(std::slice::from_ref(&p));
    assert!(conflicts.is_empty());
    assert!(!h.pool.contains(&txid(&p)));
    assert!(h.pool.get(&txid(&c)).unwrap().parents().is_empty());
    assert_eq!(h.pool.sequence(), sequence + 1);
    check_invariants(&h);
}

/// ```text
///   coin ── A ── C      a block confirms D, which spends A's coin: A and C leave
///   coin ── D
/// ```
#[test]
fn a_block_removes_conflicts_and_their_descendants() {
    let mut h = Harness::new();
    let coin = h.fund();
    let a = h.build(&[coin], 1, 1_000);
    let c = h.build(&[out(&a, 0)], 1, 1_000);
    let other = h.fund();
    let bystander = h.build(&[other], 1, 1_000);
    for tx in [&a, &c, &bystander] {
        h.add(tx);
    }
    h.pool.prioritise(txid(&a), 100);
    let d = h.build(&[coin], 1, 100);
    let mut conflicts = h.mine(std::slice::from_ref(&d));
    conflicts.sort();
    let mut expected = vec![txid(&a), txid(&c)];
    expected.sort();
    assert_eq!(conflicts, expected);
    assert_eq!(h.pool.len(), 1);
    assert!(h.pool.contains(&txid(&bystander)));
    assert!(
        h.pool.deltas().is_empty(),
        "a conflict's delta is forgotten"
    );
    check_invariants(&h);
}

/// A reorganisation hands the block's transactions back; they rejoin their children.
#[test]
fn a_reorg_readds_the_disconnected_transactions() {
    let mut h = Harness::new();
    let coin = h.fund();
    let p = h.build(&[coin], 1, 1_000);
    let c = h.build(&[out(&p, 0)], 1, 1_000);
    h.add(&p);
    h.add(&c);
    h.mine(std::slice::from_ref(&p));
    assert_eq!(h.pool.len(), 1);
    h.disconnect();
    assert_eq!(h.pool.len(), 2);
    let entry = h.pool.get(&txid(&p)).unwrap();
    assert_eq!(
        entry.sequence, 0,
        "returned transactions come before their children"
    );
    assert_eq!(entry.children(), &BTreeSet::from([txid(&c)]));
    assert_eq!(
        h.pool.get(&txid(&c)).unwrap().parents(),
        &BTreeSet::from([txid(&p)])
    );
    check_invariants(&h);

    // A returned transaction paying nothing comes back too (no fee limits)...
    let coin = h.fund();
    let free = h.build(&[coin], 1, 0);
    h.mine(std::slice::from_ref(&free));
    h.disconnect();
    assert!(h.pool.contains(&txid(&free)));
    check_invariants(&h);
}

/// ```text
///   TIP+1: (empty)    TIP+2: L (lock time TIP+1) ── L:0 ── K (in the pool)
/// ```
/// Disconnecting both blocks: L returns at TIP+2's disconnection, is no longer final once
/// the tip is TIP again, and leaves with its child K.
#[test]
fn a_reorg_removes_what_is_no_longer_final() {
    let mut h = Harness::new();
    h.mine(&[]);
    let coin = h.fund();
    let locked = Shape {
        lock_time: TIP + 1,
        sequence: 0xffff_fffe,
        ..Shape::default()
    };
    let late = h.build_shaped(locked, &[coin], 1, 1_000);
    h.mine(std::slice::from_ref(&late));
    let k = h.build(&[out(&late, 0)], 1, 1_000);
    h.add(&k);
    h.disconnect();
    assert!(
        h.pool.contains(&txid(&late)),
        "final in the block after TIP+1"
    );
    assert!(h.pool.contains(&txid(&k)));
    h.disconnect();
    assert!(!h.pool.contains(&txid(&late)), "not final in TIP+1");
    assert!(!h.pool.contains(&txid(&k)));
    assert!(h.pool.is_empty());
    check_invariants(&h);
}

/// ```text
///   TIP+1: P    TIP+2: (empty)    pool: P:0 ── Q (2-block relative lock) ── R
/// ```
/// Disconnecting the empty block leaves Q's lock unmet: Q leaves, and R with it.
#[test]
fn a_reorg_removes_what_is_no_longer_bip68_final() {
    let mut h = Harness::new();
    let coin = h.fund();
    let p = h.build(&[coin], 1, 1_000);
    h.mine(std::slice::from_ref(&p)); // p at TIP + 1
    let two_blocks = Shape {
        sequence: 2,
        ..Shape::default()
    };
    let q = h.build_shaped(two_blocks, &[out(&p, 0)], 1, 1_000);
    let r = h.accept(&q);
    rejected(&r, "non-BIP68-final");
    h.mine(&[]); // TIP + 2: q may be mined in TIP + 3
    h.add(&q);
    let child = h.build(&[out(&q, 0)], 1, 1_000);
    h.add(&child);
    h.disconnect();
    assert!(!h.pool.contains(&txid(&q)), "q's lock is unmet at TIP + 2");
    assert!(!h.pool.contains(&txid(&child)));
    check_invariants(&h);
}

/// Core trims clusters a reorganisation made too large (`UpdateTransactionsFromBlock`
/// calls `TxGraph::Trim`).
///
/// ```text
///   coin ── A (confirmed, then disconnected) ── C1 ── C2 ── C3     limit: 3
/// ```
#[test]
fn a_reorg_keeps_clusters_within_limits() {
    let mut h = Harness::with_options(PoolOptions {
        cluster_count: 3,
        ..PoolOptions::default()
    });
    let coin = h.fund();
    let a = h.build(&[coin], 1, 1_000);
    h.mine(std::slice::from_ref(&a));
    let mut prev = out(&a, 0);
    let mut chain = Vec::new();
    for _ in 0..3 {
        let tx = h.build(&[prev], 1, 1_000);
        h.add(&tx);
        prev = out(&tx, 0);
        chain.push(txid(&tx));
    }
    h.disconnect();
    check_invariants(&h);
    // Trim rebuilds the cluster parents first and drops what no longer fits: C3.
    assert!(h.pool.contains(&txid(&a)));
    assert!(h.pool.contains(&chain[0]) && h.pool.contains(&chain[1]));
    assert!(!h.pool.contains(&chain[2]));
}

#[test]
fn expiry_removes_old_transactions_and_their_descendants() {
    let mut h = Harness::new();
    let coin = h.fund();
    let old = h.build(&[coin], 1, 1_000);
    h.add(&old);
    h.now += 100;
    let young_child = h.build(&[out(&old, 0)], 1, 1_000);
    h.add(&young_child);
    let coin = h.fund();
    let young = h.build(&[coin], 1, 1_000);
    h.add(&young);
    assert_eq!(h.pool.expire(START), 0, "entered at the cutoff: stays");
    assert_eq!(h.pool.expire(START + 1), 2);
    assert_eq!(h.pool.len(), 1);
    assert!(h.pool.contains(&txid(&young)));
    check_invariants(&h);
    // limit_size expires after -mempoolexpiry.
    h.now = START + 100 + DEFAULT_MEMPOOL_EXPIRY_HOURS * 3600 + 1;
    let coin = h.fund();
    let fresh = h.build(&[coin], 1, 1_000);
    h.add(&fresh); // accepting trims and expires
    assert!(!h.pool.contains(&txid(&young)));
    assert_eq!(h.pool.len(), 1);
}

/// Four payments at 1, 2, 3 and 4 sat/vB; the pool shrinks by one chunk: the cheapest.
#[test]
fn trimming_evicts_the_lowest_chunk_and_raises_the_minimum_fee() {
    let mut h = Harness::new();
    let mut txs = Vec::new();
    for rate in 1..=4 {
        let coin = h.fund();
        let probe = h.build(&[coin], 1, 0);
        let fee = i64::try_from(vsize(&probe)).unwrap() * rate;
        let tx = h.build(&[coin], 1, fee);
        h.add(&tx);
        txs.push(tx);
    }
    assert_eq!(h.pool.min_fee(h.now), 0);
    h.pool.options.max_bytes = h.pool.usage() - 1;
    let evicted = h.pool.trim_to_size();
    assert_eq!(evicted, vec![txid(&txs[0])]);
    assert_eq!(h.pool.len(), 3);
    // 1 sat/vB is 1000 sat/kvB; plus the incremental relay fee.
    assert_eq!(h.pool.min_fee(h.now), 1_000 + 100);
    check_invariants(&h);

    // A newcomer below the new minimum is refused.
    let coin = h.fund();
    let probe = h.build(&[coin], 1, 0);
    let size = vsize(&probe);
    let required = i64::try_from((size * 1_100).div_ceil(1000)).unwrap();
    let low = h.build(&[coin], 1, required - 1);
    h.pool.options.max_bytes = DEFAULT_MAX_MEMPOOL_SIZE_MB * 1_000_000;
    let r = h.accept(&low);
    let rejection = rejected(&r, "mempool min fee not met");
    assert_eq!(rejection.kind, RejectKind::Reconsiderable);
    assert_eq!(rejection.debug, format!("{} < {required}", required - 1));
    let ok = h.build(&[coin], 1, required);
    h.add(&ok);

    // Without a block the minimum stays; after one it halves every 12 hours (3 here: the
    // pool is far below a quarter of its limit), and below half the incremental fee it is 0.
    assert_eq!(h.pool.min_fee(h.now + 100_000), 1_100);
    h.mine(&[]);
    let at = h.now;
    assert_eq!(h.pool.min_fee(at + 3 * 3600), 550);
    assert_eq!(h.pool.min_fee(at + 3 * 3600 + 3 * 3600), 275);
    assert_eq!(h.pool.min_fee(at + 30 * 3600), 0);
}

/// A chunk leaves whole: a parent carried by its child leaves with it; a prioritised
/// transaction is judged by its modified fee.
///
/// ```text
///   coin ── P (0 sat) ── C (600 sat)     one chunk, about 3 sat/vB
///   coin ── L (400 sat, +10,000 prioritised)
///   coin ── M (960 sat)                   10 sat/vB
/// ```
#[test]
fn trimming_takes_whole_chunks_by_modified_fee_rate() {
    let mut h = Harness::new();
    let coin = h.fund();
    let p = h.build(&[coin], 1, 0);
    let c = h.build(&[out(&p, 0)], 1, 600);
    assert_eq!(h.package(&[Arc::clone(&p), Arc::clone(&c)]).failure, None);
    let coin = h.fund();
    let l = h.build(&[coin], 1, 400);
    h.add(&l);
    h.pool.prioritise(txid(&l), 10_000);
    let coin = h.fund();
    let m = h.build(&[coin], 1, 960);
    h.add(&m);
    h.pool.options.max_bytes = h.pool.usage() - 1;
    let mut evicted = h.pool.trim_to_size();
    evicted.sort();
    let mut expected = vec![txid(&p), txid(&c)];
    expected.sort();
    assert_eq!(evicted, expected);
    assert!(h.pool.contains(&txid(&l)) && h.pool.contains(&txid(&m)));
    check_invariants(&h);
}

/// Core's `GetMinFee` is called by every acceptance (`CheckFeeRate`) and keeps the decay
/// it computes (`rollingMinimumFeeRate` and `lastRollingFeeUpdate` are `mutable`); a
/// block then restarts the clock from the decayed rate.
///
/// ```text
///   trim: 1100 sat/kvB   block at T   accept at T+3h (550)   block at T+3h   T+6h: 275
/// ```
#[test]
fn the_minimum_fee_decays_between_blocks() {
    let mut h = Harness::new();
    for rate in 1..=2 {
        let coin = h.fund();
        let probe = h.build(&[coin], 1, 0);
        let tx = h.build(&[coin], 1, i64::try_from(vsize(&probe)).unwrap() * rate);
        h.add(&tx);
    }
    h.pool.options.max_bytes = h.pool.usage() - 1;
    assert_eq!(h.pool.trim_to_size().len(), 1);
    h.pool.options.max_bytes = DEFAULT_MAX_MEMPOOL_SIZE_MB * 1_000_000;
    h.mine(&[]);
    h.now += 3 * 3600;
    let coin = h.fund();
    let tx = h.build(&[coin], 1, 5_000);
    h.add(&tx);
    h.mine(&[]);
    assert_eq!(h.pool.min_fee(h.now + 3 * 3600), 275);
}

/// A newcomer that pays enough to enter but is then the worst chunk of a full pool is
/// evicted at once: "mempool full".
#[test]
fn a_newcomer_evicted_by_the_trim_is_mempool_full() {
    let mut h = Harness::new();
    let coin = h.fund();
    let good = h.build(&[coin], 1, 5_000);
    h.add(&good);
    let coin = h.fund();
    let cheap = h.build(&[coin], 1, 100);
    h.pool.options.max_bytes = h.pool.usage() + 10;
    let r = h.accept(&cheap);
    let rejection = rejected(&r, "mempool full");
    assert_eq!(rejection.kind, RejectKind::Reconsiderable);
    assert!(!h.pool.contains(&txid(&cheap)));
    assert!(h.pool.contains(&txid(&good)));
    check_invariants(&h);
}

/// The unbroadcast set holds only pool transactions; the sequence moves on every addition
/// and removal.
#[test]
fn unbroadcast_and_sequence() {
    let mut h = Harness::new();
    assert_eq!(h.pool.sequence(), 1);
    let coin = h.fund();
    let a = h.build(&[coin], 1, 1_000);
    h.add(&a);
    assert_eq!(h.pool.sequence(), 2);
    h.pool.add_unbroadcast(txid(&a));
    h.pool.add_unbroadcast(Txid::from_byte_array([9; 32]));
    assert_eq!(h.pool.unbroadcast(), &BTreeSet::from([txid(&a)]));
    let b = h.build(&[coin], 1, 2_000);
    h.add(&b);
    assert_eq!(h.pool.sequence(), 4, "one removal, one addition");
    assert!(
        h.pool.unbroadcast().is_empty(),
        "a replaced transaction leaves the set"
    );
    h.pool.add_unbroadcast(txid(&b));
    h.pool.remove_unbroadcast(&txid(&b));
    assert!(h.pool.unbroadcast().is_empty());
    check_invariants(&h);
}

// ---- block order ----

/// ```text
///   A 10 sat/vB      B 5 sat/vB      P 1 sat/vB ── C 30 sat/vB   (P+C: ~15.5)
/// ```
/// Chunks by fee rate: [P, C], then A, then B.
#[test]
fn block_order_takes_chunks_by_fee_rate_parents_first() {
    fn at(h: &mut Harness, inputs: &[OutPoint], rate: i64) -> Arc<Transaction> {
        let probe = h.build(inputs, 1, 0);
        let fee = i64::try_from(vsize(&probe)).unwrap() * rate;
        let tx = h.build(inputs, 1, fee);
        h.add(&tx);
        tx
    }
    let mut h = Harness::new();
    let coins: Vec<OutPoint> = (0..3).map(|_| h.fund()).collect();
    let a = at(&mut h, &coins[..1], 10);
    let b = at(&mut h, &coins[1..2], 5);
    let p = at(&mut h, &coins[2..3], 1);
    let order: Vec<Vec<Txid>> = h.pool.block_order().into_iter().map(|c| c.txids).collect();
    assert_eq!(order, vec![vec![txid(&a)], vec![txid(&b)], vec![txid(&p)]]);
    let c = at(&mut h, &[out(&p, 0)], 30);
    let chunks = h.pool.block_order();
    let order: Vec<Vec<Txid>> = chunks.iter().map(|c| c.txids.clone()).collect();
    assert_eq!(
        order,
        vec![vec![txid(&p), txid(&c)], vec![txid(&a)], vec![txid(&b)]]
    );
    let pc = &chunks[0];
    assert_eq!(
        pc.feefrac,
        FeeFrac::new(
            h.pool.get(&txid(&p)).unwrap().fee.to_sat()
                + h.pool.get(&txid(&c)).unwrap().fee.to_sat(),
            i64::try_from(p.weight().to_wu() + c.weight().to_wu()).unwrap()
        )
    );
    assert_ne!(chunks[0].cluster, chunks[1].cluster);
    // Prioritising B above everything moves it first.
    h.pool.prioritise(txid(&b), 100_000);
    assert_eq!(h.pool.block_order()[0].txids, vec![txid(&b)]);
    check_invariants(&h);
}

/// ```text
///   coin ── P (2 outputs, 1 sat/WU) ── C (1 output, 1 sat/WU)
/// ```
/// Two chunks of one fee rate in one cluster: P's is larger. Core orders equal-rate
/// chunks by their "equal feerate chunk prefix size" (`CompareMainTransactions`,
/// src/txgraph.cpp), which grows along a cluster, so P comes first and C is the worst
/// chunk.
#[test]
fn equal_rate_chunks_of_a_cluster_keep_parents_first() {
    let mut h = Harness::new();
    let coin = h.fund();
    let p = h.build_at_rate_per_wu(&[coin], 2, 1);
    let c = h.build_at_rate_per_wu(&[out(&p, 0)], 1, 1);
    assert!(p.weight() > c.weight());
    h.add(&p);
    h.add(&c);
    let chunks = h.pool.block_order();
    assert_eq!(chunks.len(), 2, "equal fee rates do not merge");
    assert_eq!(chunks[0].txids, vec![txid(&p)]);
    assert_eq!(chunks[1].txids, vec![txid(&c)]);
    h.pool.options.max_bytes = h.pool.usage() - 1;
    assert_eq!(h.pool.trim_to_size(), vec![txid(&c)]);
    check_invariants(&h);
}

/// Two single-transaction clusters of the same fee rate and size: Core orders them by
/// txid (the smaller first: `m_fallback_order`, src/txmempool.cpp, compared over each
/// chunk's largest txid in `CompareMainTransactions`), not by arrival.
#[test]
fn equal_chunks_of_different_clusters_are_ordered_by_txid() {
    let mut h = Harness::new();
    // Two look-alike transactions; the first to enter has the larger txid.
    let c1 = h.fund();
    let c2 = h.fund();
    let x = h.build(&[c1], 1, 1_000);
    let y = h.build(&[c2], 1, 1_000);
    assert_eq!(x.weight(), y.weight());
    assert_ne!(txid(&x), txid(&y));
    let (first, second) = if txid(&x) > txid(&y) { (x, y) } else { (y, x) };
    h.add(&first);
    h.add(&second);
    let order: Vec<Txid> = h
        .pool
        .block_order()
        .into_iter()
        .flat_map(|c| c.txids)
        .collect();
    assert_eq!(order, vec![txid(&second), txid(&first)]);
    h.pool.options.max_bytes = h.pool.usage() - 1;
    assert_eq!(h.pool.trim_to_size(), vec![txid(&first)]);
}

// ---- a random walk ----

/// splitmix64: a small deterministic generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(n).unwrap()).unwrap()
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// Outpoints a new transaction may spend: confirmed coins and pool outputs nobody in the
/// pool spends yet.
fn spendable(h: &Harness) -> Vec<OutPoint> {
    let mut all: Vec<OutPoint> = h
        .coins
        .keys()
        .filter(|o| h.pool.spender(o).is_none() && h.coins[o].output.value.to_sat() >= 2_000)
        .copied()
        .collect();
    for entry in h.pool.entries() {
        for (vout, output) in entry.tx.output.iter().enumerate() {
            let o = OutPoint::new(entry.txid, u32::try_from(vout).unwrap());
            if h.pool.spender(&o).is_none() && output.value.to_sat() >= 2_000 {
                all.push(o);
            }
        }
    }
    all.sort();
    all
}

/// Outpoints a pool transaction already spends, confirmed or created by the pool: what a
/// replacement spends.
fn contested(h: &Harness) -> Vec<OutPoint> {
    let mut all: Vec<OutPoint> = h
        .pool
        .entries()
        .flat_map(|e| e.tx.input.iter().map(|i| i.previous_output))
        .collect();
    all.sort();
    all
}

fn pick(rng: &mut Rng, from: &[OutPoint], count: usize) -> Vec<OutPoint> {
    let mut chosen = Vec::new();
    for _ in 0..count {
        if from.is_empty() {
            break;
        }
        let o = from[rng.below(from.len())];
        if !chosen.contains(&o) {
            chosen.push(o);
        }
    }
    chosen
}

/// Operations of every kind from a seeded generator, the invariants checked after each.
/// The pool is small (40 kB) so that accepting trims it often, clusters are limited to 8,
/// and time runs at up to 15 minutes a step. Returns how many transactions entered and
/// the refusals by reason.
fn random_walk(seed: u64, steps: usize) -> (usize, HashMap<String, usize>) {
    let mut h = Harness::with_options(PoolOptions {
        cluster_count: 8,
        max_bytes: 40_000,
        ..PoolOptions::default()
    });
    for _ in 0..40 {
        h.fund();
    }
    let mut rng = Rng(seed);
    let mut accepted = 0;
    let mut refused: HashMap<String, usize> = HashMap::new();
    let mut note = |result: &TxResult, accepted: &mut usize| match result.rejection() {
        None => *accepted += 1,
        Some(r) => *refused.entry(r.reason.clone()).or_default() += 1,
    };
    for _ in 0..steps {
        h.now += i64::try_from(rng.below(900)).unwrap();
        // As a node's fee filter would, which lets the minimum fee decay between blocks
        // (acceptance alone does not: see `the_minimum_fee_decays_between_blocks`).
        h.pool.min_fee(h.now);
        let roll = rng.below(100);
        match roll {
            // A payment from spendable outpoints.
            0..=39 => {
                let from = spendable(&h);
                let count = 1 + rng.below(3);
                let inputs = pick(&mut rng, &from, count);
                if inputs.is_empty() {
                    continue;
                }
                let outputs = 1 + rng.below(3);
                let shape = if rng.chance(15) {
                    TRUC
                } else {
                    Shape::default()
                };
                // Now and then exactly 1 or 2 sat per weight unit: fee rates that tie.
                let fee = if rng.chance(30) {
                    let probe = h.build_shaped(shape, &inputs, outputs, 0);
                    let weight = i64::try_from(probe.weight().to_wu()).unwrap();
                    weight * i64::try_from(1 + rng.below(2)).unwrap()
                } else {
                    i64::try_from(rng.below(4_000)).unwrap()
                };
                let tx = h.build_shaped(shape, &inputs, outputs, fee);
                let r = h.accept(&tx);
                note(&r, &mut accepted);
            }
            // A replacement: outpoints pool transactions spend (perhaps an output of one
            // it evicts: refused), maybe with a confirmed coin too.
            40..=51 => {
                let taken = contested(&h);
                let count = 1 + rng.below(2);
                let mut inputs = pick(&mut rng, &taken, count);
                let free: Vec<OutPoint> = spendable(&h)
                    .into_iter()
                    .filter(|o| h.coins.contains_key(o))
                    .collect();
                if rng.chance(50) {
                    inputs.extend(pick(&mut rng, &free, 1));
                }
                if inputs.is_empty() {
                    continue;
                }
                let fee = i64::try_from(1_000 + rng.below(20_000)).unwrap();
                let tx = h.build_shaped(Shape::default(), &inputs, 1 + rng.below(2), fee);
                let r = h.accept(&tx);
                note(&r, &mut accepted);
            }
            // A package: a parent paying little or nothing, a child paying for it; now
            // and then the parent spends a confirmed coin a pool transaction spends (a
            // package replacement).
            52..=61 => {
                let replacing = rng.chance(30);
                let from: Vec<OutPoint> = if replacing {
                    contested(&h)
                        .into_iter()
                        .filter(|o| h.coins.contains_key(o))
                        .collect()
                } else {
                    spendable(&h)
                        .into_iter()
                        .filter(|o| h.coins.contains_key(o))
                        .collect()
                };
                let inputs = pick(&mut rng, &from, 1);
                if inputs.is_empty() {
                    continue;
                }
                let shape = if rng.chance(30) {
                    TRUC
                } else {
                    Shape::default()
                };
                let parent_fee = i64::try_from(rng.below(3) * 10).unwrap();
                let parent = h.build_shaped(shape, &inputs, 2, parent_fee);
                let child_fee = i64::try_from(500 + rng.below(5_000)).unwrap();
                let child = h.build_shaped(shape, &[out(&parent, 0)], 1, child_fee);
                let result = h.package(&[parent, child]);
                for r in result.results.values() {
                    note(r, &mut accepted);
                }
            }
            // prioritisetransaction, of a pool transaction or of one yet unknown.
            62..=67 => {
                let ids: Vec<Txid> = {
                    let mut v: Vec<Txid> = h.pool.entries().map(|e| e.txid).collect();
                    v.sort();
                    v
                };
                let delta = i64::try_from(rng.below(4_000)).unwrap() - 1_000;
                if ids.is_empty() || rng.chance(20) {
                    let mut bytes = [0u8; 32];
                    bytes[..8].copy_from_slice(&rng.next().to_le_bytes());
                    h.pool.prioritise(Txid::from_byte_array(bytes), delta);
                } else {
                    h.pool.prioritise(ids[rng.below(ids.len())], delta);
                }
            }
            // A block of the best chunks, sometimes with a conflict of a pool transaction.
            68..=79 => {
                let take = rng.below(6);
                let mut block: Vec<Arc<Transaction>> = h
                    .pool
                    .block_order()
                    .into_iter()
                    .take(take)
                    .flat_map(|c| c.txids)
                    .map(|t| Arc::clone(&h.pool.get(&t).unwrap().tx))
                    .collect();
                let in_block: BTreeSet<Txid> = block.iter().map(|t| txid(t)).collect();
                if rng.chance(40) {
                    // A confirmed coin spent by a pool transaction not in this block.
                    let taken: Vec<OutPoint> = contested(&h)
                        .into_iter()
                        .filter(|o| {
                            h.coins.contains_key(o)
                                && !in_block.contains(h.pool.spender(o).unwrap())
                        })
                        .collect();
                    if let Some(&coin) = pick(&mut rng, &taken, 1).first() {
                        let rival = h.build(&[coin], 1, 777);
                        block.push(rival);
                    }
                }
                h.mine(&block);
            }
            // A reorganisation of the last block.
            80..=85 => {
                if !h.blocks.is_empty() {
                    h.disconnect();
                }
            }
            // Transactions older than four hours expire.
            86..=88 => {
                let cutoff = h.now - 4 * 3600;
                h.pool.expire(cutoff);
            }
            // A test of a package changes nothing.
            89..=92 => {
                let from = spendable(&h);
                let inputs = pick(&mut rng, &from, 1);
                if inputs.is_empty() {
                    continue;
                }
                let parent = h.build(&inputs, 2, i64::try_from(rng.below(2_000)).unwrap());
                let child = h.build(&[out(&parent, 1)], 1, 1_000);
                let (len, fee, sequence) = (h.pool.len(), h.pool.total_fee(), h.pool.sequence());
                let result = h.test_package(&[parent, child]);
                assert_eq!(
                    (len, fee, sequence),
                    (h.pool.len(), h.pool.total_fee(), h.pool.sequence())
                );
                assert!(
                    result.failure.is_some() || result.results.values().all(TxResult::is_valid)
                );
            }
            // A full pool: trim to three quarters.
            93..=94 => {
                let limit = h.pool.options.max_bytes;
                let worst: BTreeSet<Txid> = h
                    .pool
                    .block_order()
                    .last()
                    .map(|c| c.txids.iter().copied().collect())
                    .unwrap_or_default();
                h.pool.options.max_bytes = h.pool.usage() * 3 / 4;
                let evicted = h.pool.trim_to_size();
                h.pool.options.max_bytes = limit;
                // The first chunk to go is the last a block would take.
                let first: BTreeSet<Txid> = evicted.iter().take(worst.len()).copied().collect();
                assert_eq!(
                    first, worst,
                    "trim starts with the last chunk of the block order"
                );
            }
            // Fresh coins.
            _ => {
                for _ in 0..3 {
                    h.fund();
                }
            }
        }
        check_invariants(&h);
    }
    (accepted, refused)
}

#[test]
fn a_random_walk_keeps_the_pool_consistent() {
    const SEEDS: u64 = 30;
    let mut total = 0;
    let mut reasons: HashMap<String, usize> = HashMap::new();
    for seed in 1..=SEEDS {
        let (accepted, refused) = random_walk(seed, 300);
        total += accepted;
        for (reason, n) in refused {
            *reasons.entry(reason).or_default() += n;
        }
    }
    eprintln!("{total} accepted, refused {reasons:?}");
    // The walk must mostly accept, and reach the main refusals.
    assert!(
        total > 80 * usize::try_from(SEEDS).unwrap(),
        "{total} accepted"
    );
    for reason in [
        "insufficient fee",
        "replacement-failed",
        "too-large-cluster",
        "TRUC-violation",
        "mempool min fee not met",
        "bad-txns-spends-conflicting-tx",
    ] {
        assert!(
            reasons.contains_key(reason),
            "never refused for {reason}: {reasons:?}"
        );
    }
}

/// The pool logs why each transaction left it, in order, until the log is taken.
#[test]
fn removals_are_logged_with_their_reason() {
    let mut h = Harness::new();
    let (first, second) = (h.fund(), h.fund());
    let paid = h.build(&[first], 1, 1_000);
    h.add(&paid);
    let replaced = h.build(&[second], 1, 1_000);
    h.add(&replaced);
    let _ = h.pool.take_removed();
    // Paying four times as much for the same coin replaces it.
    let replacement = h.build(&[second], 1, 4_000);
    h.add(&replacement);
    h.mine(std::slice::from_ref(&paid));
    let log: Vec<(Txid, RemovalReason)> = h
        .pool
        .take_removed()
        .into_iter()
        .map(|r| (r.txid, r.reason))
        .collect();
    assert_eq!(
        log,
        vec![
            (txid(&replaced), RemovalReason::Replaced),
            (txid(&paid), RemovalReason::Block),
        ]
    );
    assert!(h.pool.take_removed().is_empty());
    check_invariants(&h);
}
