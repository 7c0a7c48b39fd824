//! soud's mempool against bitcoind's, step by step over RPC: the same transactions and
//! packages, sent in the same order, must meet the same verdicts and leave the same pool.
//!
//! Both nodes hold one chain. bitcoind (the reference) mines 110 blocks to a P2WPKH key
//! this test holds and a block (`generateblock`) with a fan-out transaction paying about
//! 800 coins of the kinds in `../mempool_vs_bitcoind/coins.rs`; each block goes to soud
//! (the subject) by `submitblock`. Both run on the same `setmocktime`, moved on only
//! before a block.
//!
//! Then a seeded generator (`gen.rs`) takes steps over its picture of the pool
//! (`model.rs`): payments at fee rates below, at and above the minimum relay fee, with
//! dust and `OP_RETURN` outputs; children of unconfirmed transactions, growing clusters
//! to and past 64 transactions and 101,000 vB; double spends paying less, the same, a
//! satoshi short of rule 4, just enough, more, or a higher rate for a lower fee, some of
//! parents with descendants, some of more than 100 clusters, some by a package (package
//! RBF); TRUC parents, children, second children (sibling eviction), grandchildren, mixes
//! with version 2 and too big ones; packages (`submitpackage` of parents with a child,
//! free TRUC parents, ephemeral dust, wrong shapes; `testmempoolaccept` of chains,
//! unsorted, duplicated, conflicting and oversized ones); non-standard or invalid
//! transactions; `prioritisetransaction`; resending, also with a new witness; blocks
//! (everything, or a few transactions and a conflict of a pooled one);
//! `invalidateblock`/`reconsiderblock` of the tip; and the clock moved on past the
//! two weeks after which pooled transactions expire. The pool in the model is always
//! what the reference's `getrawmempool` says after a step.
//!
//! Every request goes to both nodes and the answers are compared (`compare.rs` says which
//! differences fail the test and which are only wording). Then, after each action, both
//! pools (`getrawmempool`); every 5 steps `getmempoolentry`, `getmempoolancestors` and
//! `getmempooldescendants` of three pooled transactions; every 10 `getmempoolinfo` and
//! `getprioritisedtransactions`; every 25 `getmempoolfeeratediagram` and one
//! `getmempoolcluster` (wording only); every 100 `getrawmempool true`. The printout
//! counts actions and verdicts of both nodes, how near the cluster limits children came,
//! and lists the differences; the file named at the end has them all, the requests whole,
//! and the reference's verdicts by step variant.
//!
//! ```text
//! BITCOIND=~/.cache/bitcoind/bin/bitcoind BITCOINCLI=~/.cache/bitcoind/bin/bitcoin-cli \
//!     cargo test -p sou-node --test mempool_pool_vs_bitcoind -- --nocapture
//! ```
//!
//! `SOU_MEMPOOL_DIFF_SEED` and `SOU_MEMPOOL_DIFF_STEPS` change the seed and the number
//! of steps; `SOU_MEMPOOL_DIFF_BOTH_CORE=1` puts a second bitcoind in soud's place, to
//! prove the harness (two bitcoinds must agree on everything);
//! `SOU_MEMPOOL_DIFF_SUBJECT_ARGS="-minrelaytxfee=0.000002"` starts the subject alone
//! with more arguments, to see that a policy difference is caught;
//! `SOU_MEMPOOL_DIFF_TRACE=/tmp/trace.txt` writes every request and both answers there.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    reason = "test code: a panic is a failed test, and the numbers are small"
)]

#[path = "../support/mod.rs"]
mod support;

#[path = "../mempool_vs_bitcoind/coins.rs"]
#[allow(
    dead_code,
    reason = "shared with mempool_vs_bitcoind, which uses all of it"
)]
mod coins;
mod compare;
mod gen;
mod model;

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::fs::File;
use std::io::{BufWriter, Write as _};
use std::time::Instant;

use serde_json::{json, Value};
use sou_primitives::encoding::{deserialize, serialize};
use sou_primitives::{Amount, OutPoint, Script, Transaction, TxIn, TxOut, Txid, Witness};
use sou_wallet::{Rng, SigningKey};
use support::bitcoind::Bitcoind;
use support::{RpcFailure, TestNode};

use coins::{key, unlock_all, wpkh_script, Funded, Kind};
use compare::{shorten, Score};
use gen::{Action, Generator, Op};
use model::{MinedBlock, Model, Utxo};

/// Steps by default: about 3,800 actions, some 20 seconds against a second bitcoind.
const STEPS: u64 = 3_000;
/// The seed by default.
const SEED: u64 = 0x5eed_0031;
/// The clock both nodes are set to at the start (`setmocktime`).
const MOCKTIME: u64 = 1_750_000_000;
/// What each block moves the clock on.
const BLOCK_INTERVAL: u64 = 600;
/// Differences printed in full (all go to the file).
const PRINTED: usize = 40;

/// The node compared with the reference: soud, or a second bitcoind.
enum Subject {
    Sou(TestNode),
    Core(Bitcoind),
}

/// The reference bitcoind and the subject.
struct Pair {
    reference: Bitcoind,
    subject: Subject,
    /// Every request and both answers, when `SOU_MEMPOOL_DIFF_TRACE` names a file.
    trace: Option<RefCell<BufWriter<File>>>,
}

impl Pair {
    fn subject_name(&self) -> &'static str {
        match self.subject {
            Subject::Sou(_) => "soud",
            Subject::Core(_) => "bitcoind2",
        }
    }

    fn subject(&self, method: &str, params: Value) -> Result<Value, RpcFailure> {
        match &self.subject {
            Subject::Sou(node) => node.call(method, params),
            Subject::Core(node) => node.call(method, params),
        }
    }

    /// The same request to both.
    fn both(
        &self,
        method: &str,
        params: &Value,
    ) -> (Result<Value, RpcFailure>, Result<Value, RpcFailure>) {
        let answers = (
            self.reference.call(method, params.clone()),
            self.subject(method, params.clone()),
        );
        if self.trace.is_some() {
            let show = |r: &Result<Value, RpcFailure>| match r {
                Ok(v) => shorten(v),
                Err(e) => format!("error {}: {}", e.code, e.message),
            };
            self.note(&format!(
                "{method} {}\n  reference: {}\n  subject:   {}",
                shorten(params),
                show(&answers.0),
                show(&answers.1)
            ));
        }
        answers
    }

    /// A line in the trace, if there is one.
    fn note(&self, line: &str) {
        if let Some(trace) = &self.trace {
            let _ = writeln!(trace.borrow_mut(), "{line}");
        }
    }

    /// The reference's answer, failing the test on an error (for the test's own setup).
    fn reference_rpc(&self, method: &str, params: Value) -> Value {
        self.reference
            .call(method, params.clone())
            .unwrap_or_else(|e| panic!("reference {method} {params}: {e:?}"))
    }
}

fn descriptor(key: &SigningKey) -> String {
    format!("raw({})", hex::encode(wpkh_script(key).as_bytes()))
}

fn txid_of(value: &Value) -> Txid {
    value.as_str().unwrap().parse().unwrap()
}

/// How many coins of each kind the funding transaction pays, and their values.
fn funding_plan() -> Vec<(Kind, i64)> {
    let mut plan = Vec::new();
    let mut add = |kind: Kind, count: i64, base: i64, step: i64| {
        for i in 0..count {
            plan.push((kind, base + (i % 20) * step));
        }
    };
    add(Kind::Wpkh, 320, 200_000, 100_000);
    add(Kind::WshTrue, 220, 200_000, 100_000);
    add(Kind::Tr, 40, 200_000, 100_000);
    add(Kind::Pkh, 40, 200_000, 100_000);
    add(Kind::ShWpkh, 40, 200_000, 100_000);
    add(Kind::ShTrue, 40, 200_000, 100_000);
    add(Kind::TrDropTrue, 20, 200_000, 100_000);
    add(Kind::Anchor, 20, 100_000, 0);
    add(Kind::Wpkh, 20, 100_000_000, 0);
    plan
}

/// Coins whose spends are never standard or never valid.
const BAD_KINDS: [Kind; 5] = [
    Kind::ShSigops15,
    Kind::ShSigops16,
    Kind::BareMultisig,
    Kind::BareTrue,
    Kind::WitnessV2,
];

/// Mines the chain on the reference, gives it to the subject, and sets up the model.
fn fund(pair: &Pair, key: &SigningKey) -> Model {
    for node in ["reference", "subject"] {
        let r = match node {
            "reference" => pair.reference.call("setmocktime", json!([MOCKTIME])),
            _ => pair.subject("setmocktime", json!([MOCKTIME])),
        };
        r.unwrap_or_else(|e| panic!("{node} setmocktime: {e:?}"));
    }
    let descriptor = descriptor(key);
    let hashes = pair.reference_rpc("generatetodescriptor", json!([110, descriptor]));
    let coinbase_txid = |height: usize| {
        let block = pair.reference_rpc("getblock", json!([hashes[height - 1], 1]));
        txid_of(&block["tx"][0])
    };
    let wpkh = wpkh_script(key);
    let mature = Funded {
        kind: Kind::Wpkh,
        outpoint: OutPoint::new(coinbase_txid(1), 0),
        coin: sou_chain::consensus::Coin {
            output: TxOut {
                value: Amount::from_sat(50 * 100_000_000),
                script_pubkey: wpkh.clone(),
            },
            height: 1,
            is_coinbase: true,
        },
    };
    let plan = funding_plan();
    let mut outputs: Vec<TxOut> = plan
        .iter()
        .map(|(kind, value)| TxOut {
            value: Amount::from_sat(*value),
            script_pubkey: kind.script_pubkey(key),
        })
        .collect();
    outputs.extend(BAD_KINDS.iter().flat_map(|kind| {
        (0..2).map(|_| TxOut {
            value: Amount::from_sat(100_000),
            script_pubkey: kind.script_pubkey(key),
        })
    }));
    let paid: i64 = outputs.iter().map(|o| o.value.to_sat()).sum();
    outputs.push(TxOut {
        value: Amount::from_sat(50 * 100_000_000 - paid - 1_000_000),
        script_pubkey: wpkh.clone(),
    });
    let mut funding = Transaction {
        version: 2,
        input: vec![TxIn {
            previous_output: mature.outpoint,
            script_sig: Script::new(),
            sequence: 0xffff_fffd,
            witness: Witness::new(),
        }],
        output: outputs,
        lock_time: 0,
    };
    unlock_all(&mut funding, &[mature], key);
    let raw = hex::encode(serialize(&funding));
    pair.reference_rpc("generateblock", json!([descriptor, [raw]]));
    let height = pair
        .reference_rpc("getblockcount", json!([]))
        .as_u64()
        .unwrap();
    for h in 1..=height {
        let hash = pair.reference_rpc("getblockhash", json!([h]));
        let block = pair.reference_rpc("getblock", json!([hash, 0]));
        let answer = pair.subject("submitblock", json!([block]));
        assert!(
            matches!(answer, Ok(Value::Null)),
            "subject submitblock {h}: {answer:?}"
        );
    }
    let txid = funding.compute_txid();
    let mut model = Model::default();
    model.height = height as u32;
    model.confirmed.insert(txid);
    let mut kinds: Vec<Option<Kind>> = plan.iter().map(|(k, _)| Some(*k)).collect();
    kinds.extend(std::iter::repeat_n(None, BAD_KINDS.len() * 2));
    kinds.push(Some(Kind::Wpkh));
    model.register(&funding, &kinds, 1_000_000);
    for (i, kind) in BAD_KINDS.iter().flat_map(|k| [*k, *k]).enumerate() {
        let vout = plan.len() + i;
        model.bad.push(Utxo {
            kind,
            outpoint: OutPoint::new(txid, vout as u32),
            output: funding.output[vout].clone(),
        });
    }
    // The coinbase of block 110 stays immature for the whole run.
    model.bad.push(Utxo {
        kind: Kind::Wpkh,
        outpoint: OutPoint::new(coinbase_txid(110), 0),
        output: TxOut {
            value: Amount::from_sat(50 * 100_000_000),
            script_pubkey: wpkh,
        },
    });
    model
}

/// The txids of a list of raw transactions the test made.
fn txids_of_hexes(hexes: &[String]) -> Vec<Txid> {
    hexes
        .iter()
        .filter_map(|h| hex::decode(h).ok())
        .filter_map(|b| deserialize::<Transaction>(&b).ok())
        .map(|t| t.compute_txid())
        .collect()
}

/// Runs the test: state shared by one run's steps.
struct Run<'a> {
    pair: &'a Pair,
    model: Model,
    score: Score,
    clock: u64,
    descriptor: String,
}

impl Run<'_> {
    fn note_sent(&mut self, txids: &[Txid]) {
        for txid in txids {
            if self.model.made.contains_key(txid) && !self.model.sent.contains(txid) {
                self.model.sent.push(*txid);
            }
        }
    }

    /// Counts how near the cluster limits a child of pooled transactions came, by the
    /// model's reckoning (virtual sizes without sigop adjustment), with the reference's
    /// verdict.
    fn note_cluster(&mut self, hex: &str, verdict: &Result<Value, RpcFailure>) {
        let Some(tx) = hex::decode(hex)
            .ok()
            .and_then(|b| deserialize::<Transaction>(&b).ok())
        else {
            return;
        };
        let mut cluster = BTreeSet::new();
        for input in &tx.input {
            let parent = input.previous_output.txid;
            if self.model.pool.contains(&parent) && !cluster.contains(&parent) {
                cluster.extend(self.model.cluster(&parent));
            }
        }
        let count = cluster.len() + 1;
        let vsize: u64 = tx.vsize()
            + cluster
                .iter()
                .map(|t| self.model.made.get(t).map_or(0, |m| m.vsize))
                .sum::<u64>();
        let bucket = if count > 64 {
            "over 64 txs"
        } else if count == 64 {
            "exactly 64 txs"
        } else if vsize > 101_000 {
            "over 101,000 vB"
        } else if vsize > 90_000 {
            "90,001 to 101,000 vB"
        } else {
            return;
        };
        let result = match verdict {
            Ok(v) if v[0]["allowed"].as_bool() == Some(true) => "allowed",
            Ok(v) => v[0]["reject-reason"].as_str().unwrap_or("?"),
            Err(_) => "error",
        };
        *self
            .score
            .limits
            .entry(format!("{bucket}: {result}"))
            .or_default() += 1;
    }

    /// Sends one action to both nodes and compares the answers.
    fn execute(&mut self, step: usize, action: Action) {
        let pair = self.pair;
        let begin = |score: &mut Score, method: &str, params: &Value| {
            score.begin(step, action.kind, action.variant, &json!([method, params]));
        };
        match &action.op {
            Op::Single {
                hex,
                send,
                maxfeerate,
            } => {
                let mut params = vec![json!([hex])];
                params.extend(maxfeerate.clone());
                let params = Value::Array(params);
                begin(&mut self.score, "testmempoolaccept", &params);
                let (a, b) = pair.both("testmempoolaccept", &params);
                self.score.testmempoolaccept(&a, &b);
                if action.kind == "chain" {
                    self.note_cluster(hex, &a);
                }
                if *send {
                    let mut params = vec![json!(hex)];
                    params.extend(maxfeerate.clone());
                    let params = Value::Array(params);
                    self.score
                        .set_request(&json!(["sendrawtransaction", params]));
                    let (a, b) = pair.both("sendrawtransaction", &params);
                    self.score.sendrawtransaction(&a, &b);
                    self.note_sent(&txids_of_hexes(std::slice::from_ref(hex)));
                }
            }
            Op::TestPackage { hexes } => {
                let params = json!([hexes]);
                begin(&mut self.score, "testmempoolaccept", &params);
                let (a, b) = pair.both("testmempoolaccept", &params);
                self.score.testmempoolaccept(&a, &b);
            }
            Op::SubmitPackage { hexes } => {
                let params = json!([hexes]);
                begin(&mut self.score, "submitpackage", &params);
                let (a, b) = pair.both("submitpackage", &params);
                self.score.submitpackage(&a, &b);
                self.note_sent(&txids_of_hexes(hexes));
            }
            Op::Prioritise { txid, delta } => {
                let params = json!([txid.to_string(), null, delta]);
                begin(&mut self.score, "prioritisetransaction", &params);
                let (a, b) = pair.both("prioritisetransaction", &params);
                self.score.plain("prioritisetransaction", &a, &b);
                if a.is_ok() {
                    *self.model.deltas.entry(*txid).or_default() += delta;
                }
            }
            Op::Mine { block_txs } => {
                self.clock += BLOCK_INTERVAL;
                let params = json!([self.clock]);
                begin(&mut self.score, "setmocktime", &params);
                let (a, b) = pair.both("setmocktime", &params);
                self.score.plain("setmocktime", &a, &b);
                let mined = match block_txs {
                    None => pair
                        .reference
                        .call("generatetodescriptor", json!([1, self.descriptor]))
                        .map(|hashes| hashes[0].clone()),
                    Some(txs) => {
                        self.score
                            .set_request(&json!(["generateblock", self.descriptor, txs]));
                        pair.reference
                            .call("generateblock", json!([self.descriptor, txs]))
                            .map(|r| r["hash"].clone())
                    }
                };
                self.score.harness("mining on the reference", &mined);
                let Ok(hash) = mined else {
                    return;
                };
                let raw = pair.reference_rpc("getblock", json!([hash, 0]));
                self.score.set_request(&json!(["submitblock", hash]));
                let answer = pair.subject("submitblock", json!([raw]));
                pair.note(&format!("mined {hash}; subject submitblock: {answer:?}"));
                self.score.plain("submitblock", &Ok(Value::Null), &answer);
                let block = pair.reference_rpc("getblock", json!([hash, 1]));
                let txids = block["tx"].as_array().unwrap()[1..]
                    .iter()
                    .map(txid_of)
                    .collect();
                self.model.connect(MinedBlock {
                    hash: hash.as_str().unwrap().to_string(),
                    txids,
                });
                self.model.invalidated.clear();
            }
            Op::Clock { seconds } => {
                self.clock += seconds;
                let params = json!([self.clock]);
                begin(&mut self.score, "setmocktime", &params);
                let (a, b) = pair.both("setmocktime", &params);
                self.score.plain("setmocktime", &a, &b);
            }
            Op::Invalidate { depth } => {
                let blocks = &self.model.blocks;
                let hash = blocks[blocks.len() - depth].hash.clone();
                let params = json!([hash]);
                begin(&mut self.score, "invalidateblock", &params);
                let (a, b) = pair.both("invalidateblock", &params);
                self.score.plain("invalidateblock", &a, &b);
                let mut popped: Vec<MinedBlock> = (0..*depth)
                    .filter_map(|_| self.model.disconnect())
                    .collect();
                popped.reverse();
                self.model.invalidated = popped;
            }
            Op::Reconsider => {
                let blocks = std::mem::take(&mut self.model.invalidated);
                let params = json!([blocks[0].hash]);
                begin(&mut self.score, "reconsiderblock", &params);
                let (a, b) = pair.both("reconsiderblock", &params);
                self.score.plain("reconsiderblock", &a, &b);
                for block in blocks {
                    self.model.connect(block);
                }
            }
        }
    }

    /// Both pools after an action; the reference's becomes the model's.
    fn sync_pool(&mut self) {
        let (a, b) = self.pair.both("getrawmempool", &json!([]));
        let set = |r: &Result<Value, RpcFailure>| -> BTreeSet<String> {
            r.as_ref()
                .ok()
                .and_then(Value::as_array)
                .map(|l| {
                    l.iter()
                        .filter_map(|t| t.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        let (sa, sb) = (set(&a), set(&b));
        self.score.pool(&sa, &sb);
        self.model
            .set_pool(sa.iter().map(|t| t.parse().unwrap()).collect());
    }

    /// `getmempoolinfo`.
    fn check_info(&mut self, step: usize) {
        self.score
            .begin(step, "check", "getmempoolinfo", &json!(["getmempoolinfo"]));
        let (a, b) = self.pair.both("getmempoolinfo", &json!([]));
        match (a, b) {
            (Ok(a), Ok(b)) => self.score.info(&a, &b),
            (a, b) => self.score.plain("getmempoolinfo", &a, &b),
        }
    }

    /// `getprioritisedtransactions`.
    fn check_prioritised(&mut self, step: usize) {
        self.score.begin(
            step,
            "check",
            "getprioritisedtransactions",
            &json!(["getprioritisedtransactions"]),
        );
        let (a, b) = self.pair.both("getprioritisedtransactions", &json!([]));
        self.score.plain("getprioritisedtransactions", &a, &b);
    }

    /// `getmempoolcluster` of a pooled transaction and `getmempoolfeeratediagram`:
    /// compared as wording (Core's own debugging views of the cluster mempool).
    fn check_clusters(&mut self, step: usize, txid: Option<&Txid>) {
        let mut calls = vec![("getmempoolfeeratediagram", json!([]))];
        if let Some(txid) = txid {
            calls.push(("getmempoolcluster", json!([txid.to_string()])));
        }
        for (method, params) in calls {
            self.score
                .begin(step, "check", method, &json!([method, params]));
            let (a, b) = self.pair.both(method, &params);
            let show = |r: &Result<Value, RpcFailure>| match r {
                Ok(v) => v.clone(),
                Err(e) => json!(format!("error {}: {}", e.code, e.message)),
            };
            self.score.loose(method, &show(&a), &show(&b));
        }
    }

    /// `getmempoolentry`, `getmempoolancestors` and `getmempooldescendants` of some
    /// pooled transactions.
    fn check_entries(&mut self, step: usize, txids: &[Txid]) {
        for txid in txids {
            for method in ["getmempoolancestors", "getmempooldescendants"] {
                let params = json!([txid.to_string()]);
                self.score
                    .begin(step, "check", method, &json!([method, params]));
                let (a, b) = self.pair.both(method, &params);
                let set = |r: Result<Value, RpcFailure>| {
                    r.map(|v| {
                        let mut l: Vec<Value> = v.as_array().cloned().unwrap_or_default();
                        l.sort_by_key(ToString::to_string);
                        Value::Array(l)
                    })
                };
                self.score.plain(method, &set(a), &set(b));
            }
            let params = json!([txid.to_string()]);
            self.score.begin(
                step,
                "check",
                "getmempoolentry",
                &json!(["getmempoolentry", params]),
            );
            let (a, b) = self.pair.both("getmempoolentry", &params);
            match (a, b) {
                (Ok(a), Ok(b)) => self.score.entry(&txid.to_string(), &a, &b),
                (a, b) => self.score.plain("getmempoolentry", &a, &b),
            }
        }
    }

    /// `getrawmempool true`: every entry.
    fn check_verbose(&mut self, step: usize) {
        self.score.begin(
            step,
            "check",
            "getrawmempool-verbose",
            &json!(["getrawmempool", [true]]),
        );
        let (a, b) = self.pair.both("getrawmempool", &json!([true]));
        match (a, b) {
            (Ok(a), Ok(b)) => {
                let (ma, mb) = (
                    a.as_object().cloned().unwrap_or_default(),
                    b.as_object().cloned().unwrap_or_default(),
                );
                for (txid, entry) in &ma {
                    if let Some(other) = mb.get(txid) {
                        self.score.entry(txid, entry, other);
                    }
                }
            }
            (a, b) => self.score.plain("getrawmempool true", &a, &b),
        }
    }
}

/// Runs `steps` steps from `seed`; the score.
fn run(pair: &Pair, seed: u64, steps: u64) -> (Score, usize) {
    let key = key();
    let model = fund(pair, &key);
    let mut run = Run {
        pair,
        model,
        score: Score::default(),
        clock: MOCKTIME,
        descriptor: descriptor(&key),
    };
    let mut generator = Generator::new(seed, key);
    let mut sampler = Rng::seeded(seed ^ 0xc4ec);
    let mut actions = 0;
    for step in 1..=steps as usize {
        for action in generator.step(&mut run.model) {
            actions += 1;
            pair.note(&format!(
                "== step {step} {}/{}",
                action.kind, action.variant
            ));
            let block_changed = matches!(
                action.op,
                Op::Mine { .. } | Op::Invalidate { .. } | Op::Reconsider
            );
            run.execute(step, action);
            run.sync_pool();
            if block_changed {
                run.check_info(step);
            }
        }
        if step % 10 == 0 {
            run.check_info(step);
            run.check_prioritised(step);
        }
        if step % 25 == 0 {
            let pool: Vec<Txid> = run.model.pool.iter().copied().collect();
            let pick = (!pool.is_empty()).then(|| pool[sampler.below(pool.len() as u64) as usize]);
            run.check_clusters(step, pick.as_ref());
        }
        if step % 5 == 0 {
            let pool: Vec<Txid> = run.model.pool.iter().copied().collect();
            let mut sample = Vec::new();
            for _ in 0..3.min(pool.len()) {
                sample.push(pool[sampler.below(pool.len() as u64) as usize]);
            }
            run.check_entries(step, &sample);
        }
        if step % 100 == 0 {
            run.check_verbose(step);
        }
    }
    run.check_verbose(steps as usize);
    (run.score, actions)
}

#[test]
fn mempool_agrees_with_bitcoind() {
    let Some(reference) = Bitcoind::start_from_env() else {
        return;
    };
    let both_core = std::env::var("SOU_MEMPOOL_DIFF_BOTH_CORE").is_ok_and(|v| v == "1");
    // Extra arguments for the subject only: a different policy there must show up as
    // differences (the harness's own check that it can see one).
    let extra_args = std::env::var("SOU_MEMPOOL_DIFF_SUBJECT_ARGS").unwrap_or_default();
    let extra: Vec<&str> = extra_args.split_whitespace().collect();
    let subject = if both_core {
        Subject::Core(Bitcoind::start_from_env_with(&extra).expect("BITCOIND is set"))
    } else {
        Subject::Sou(TestNode::start(&extra))
    };
    let trace = std::env::var_os("SOU_MEMPOOL_DIFF_TRACE")
        .map(|path| RefCell::new(BufWriter::new(File::create(path).expect("trace file"))));
    let pair = Pair {
        reference,
        subject,
        trace,
    };
    let seed = support::env_number("SOU_MEMPOOL_DIFF_SEED").unwrap_or(SEED);
    let steps = support::env_number("SOU_MEMPOOL_DIFF_STEPS").unwrap_or(STEPS);
    let started = Instant::now();
    let (score, actions) = run(&pair, seed, steps);
    let name = pair.subject_name();
    let mut report = format!(
        "mempool_pool_vs_bitcoind: reference bitcoind against {name}, seed {seed:#x}, \
         {steps} steps, {actions} actions in {:.1?}\n",
        started.elapsed()
    );
    report += &score.report(name, PRINTED);
    println!("{report}");
    let path = std::env::temp_dir().join(format!("sou-mempool-diff-{seed:x}.txt"));
    let full = report.lines().next().unwrap_or_default().to_string()
        + "\n"
        + &score.report(name, usize::MAX);
    if std::fs::write(&path, full).is_ok() {
        println!("all differences: {}", path.display());
    }
    let hard = score.differences.iter().filter(|d| d.hard).count();
    assert_eq!(hard, 0, "{hard} differences with {name} (see above)");
    if steps == STEPS {
        assert!(actions >= 2_000, "only {actions} actions");
    }
}
