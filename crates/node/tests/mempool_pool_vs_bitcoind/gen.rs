//! The generator: from a seed and the [`Model`], the next step's requests.
//!
//! Each step is one kind (payment, chain, replacement, TRUC, package, non-standard,
//! prioritisation, resend, block, reorg, clock) and one variant of it, and gives one or
//! more [`Action`]s for the driver to send to both nodes. Every transaction made is
//! registered in the model, whether or not a node takes it; what was taken is read back
//! from the reference node afterwards, never assumed. Replacements, TRUC and packages
//! have their own files (`gen/replace.rs`, `gen/truc.rs`, `gen/packages.rs`); the rest is
//! here.

use std::collections::BTreeSet;

use serde_json::{json, Value};
use sou_mempool::{get_dust_threshold, PolicyOptions};
use sou_primitives::encoding::serialize;
use sou_primitives::hashes::sha256;
use sou_primitives::opcodes::{OP_CHECKMULTISIG, OP_RETURN};
use sou_primitives::{Amount, OutPoint, Script, Transaction, TxIn, TxOut, Txid, Witness};
use sou_wallet::{Rng, SigningKey};

use crate::coins::{unlock_all, Funded, Kind};
use crate::model::{Model, Utxo};

mod packages;
mod replace;
mod truc;

/// What the driver sends to both nodes.
#[derive(Debug, Clone)]
pub(crate) enum Op {
    /// `testmempoolaccept [tx]`, then `sendrawtransaction` if `send`.
    Single {
        hex: String,
        send: bool,
        /// `maxfeerate` for both calls (BTC/kvB), default when `None`.
        maxfeerate: Option<Value>,
    },
    /// `testmempoolaccept` of several transactions.
    TestPackage { hexes: Vec<String> },
    /// `submitpackage`.
    SubmitPackage { hexes: Vec<String> },
    /// `prioritisetransaction txid null delta`.
    Prioritise { txid: Txid, delta: i64 },
    /// A block mined on the reference node: `generatetodescriptor 1`, or `generateblock`
    /// with these txids and raw transactions; then the same block given to the other.
    Mine { block_txs: Option<Vec<String>> },
    /// `invalidateblock` of the tip (`depth` 1) or of its parent (2), on both.
    Invalidate { depth: usize },
    /// `reconsiderblock` of the lowest block last invalidated, on both: it and the
    /// blocks above it come back.
    Reconsider,
    /// Moves both clocks on (`setmocktime`): past the two weeks after which a pooled
    /// transaction expires, or less.
    Clock { seconds: u64 },
}

/// One request of a step: its kind, its variant, and the operation.
#[derive(Debug, Clone)]
pub(crate) struct Action {
    pub(crate) kind: &'static str,
    pub(crate) variant: &'static str,
    pub(crate) op: Op,
}

/// Fee rates the generator picks from, in sat/kvB: below, at and above the minimum relay
/// fee (100), and up to 100 sat/vB.
const RATES: [u64; 17] = [
    0, 50, 99, 100, 100, 101, 150, 500, 1_000, 1_000, 2_000, 2_000, 3_000, 5_000, 10_000, 25_000,
    100_000,
];

/// Kinds of output the test pays itself.
const OURS: [Kind; 8] = [
    Kind::Wpkh,
    Kind::Wpkh,
    Kind::WshTrue,
    Kind::WshTrue,
    Kind::Tr,
    Kind::Pkh,
    Kind::ShWpkh,
    Kind::ShTrue,
];

/// The smallest coin a normal step spends.
const MIN_SPEND: i64 = 20_000;

/// How a transaction's fee is set.
#[derive(Debug, Clone, Copy)]
enum Fee {
    /// sat/kvB of its virtual size, rounded up.
    Rate(u64),
    /// An absolute fee in satoshis.
    Abs(i64),
}

/// An output of a draft: the script, the value, and how the test unlocks it (if it can).
struct Out {
    script: Script,
    value: i64,
    kind: Option<Kind>,
}

/// A transaction to build.
struct Draft {
    version: u32,
    inputs: Vec<Utxo>,
    outputs: Vec<Out>,
    /// The kind of the change output, which takes what outputs and fee leave.
    change: Option<Kind>,
    fee: Fee,
    lock_time: u32,
    sequence: u32,
}

impl Draft {
    fn new(inputs: Vec<Utxo>, fee: Fee) -> Draft {
        Draft {
            version: 2,
            inputs,
            outputs: Vec::new(),
            change: Some(Kind::Wpkh),
            fee,
            lock_time: 0,
            sequence: 0xffff_fffd,
        }
    }
}

/// The generator's state: its random numbers, the key, the policy for dust thresholds.
pub(crate) struct Generator {
    rng: Rng,
    key: SigningKey,
    options: PolicyOptions,
    /// Counts transactions made, for unique junk.
    made: u64,
}

fn hex_of(tx: &Transaction) -> String {
    hex::encode(serialize(tx))
}

fn op_return(len: usize) -> Script {
    let b = Script::builder().push_opcode(OP_RETURN);
    if len == 0 {
        b.into_script()
    } else {
        b.push_slice(&vec![0x42; len]).into_script()
    }
}

fn single(kind: &'static str, variant: &'static str, tx: &Transaction, send: bool) -> Action {
    Action {
        kind,
        variant,
        op: Op::Single {
            hex: hex_of(tx),
            send,
            maxfeerate: None,
        },
    }
}

impl Generator {
    pub(crate) fn new(seed: u64, key: SigningKey) -> Generator {
        Generator {
            rng: Rng::seeded(seed),
            key,
            options: PolicyOptions::default(),
            made: 0,
        }
    }

    fn below(&mut self, n: u64) -> u64 {
        self.rng.below(n)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.rng.below(100) < percent
    }

    fn pick<T: Clone>(&mut self, items: &[T]) -> Option<T> {
        if items.is_empty() {
            return None;
        }
        let i = self.rng.below(items.len() as u64) as usize;
        Some(items[i].clone())
    }

    fn rate(&mut self) -> u64 {
        RATES[self.below(RATES.len() as u64) as usize]
    }

    /// Up to `n` distinct coins of at least `min` satoshis from `coins`.
    fn pick_coins(&mut self, coins: &[Utxo], n: usize, min: i64) -> Vec<Utxo> {
        let usable: Vec<&Utxo> = coins.iter().filter(|c| c.value() >= min).collect();
        let mut chosen: Vec<Utxo> = Vec::new();
        for _ in 0..n * 3 {
            if chosen.len() >= n || usable.is_empty() {
                break;
            }
            let c = usable[self.below(usable.len() as u64) as usize];
            if !chosen.iter().any(|x| x.outpoint == c.outpoint) {
                chosen.push(c.clone());
            }
        }
        chosen
    }

    fn our_script(&self, kind: Kind) -> Script {
        kind.script_pubkey(&self.key)
    }

    fn ours(&mut self, value: i64) -> Out {
        let kind = self.pick(&OURS).expect("not empty");
        Out {
            script: self.our_script(kind),
            value,
            kind: Some(kind),
        }
    }

    fn foreign(&mut self, value: i64) -> Out {
        self.made += 1;
        let program = sha256(format!("foreign {}", self.made).as_bytes());
        let script = if self.chance(50) {
            Script::new_witness_program(0, &program[..20]).expect("20 bytes")
        } else {
            Script::new_witness_program(1, &program).expect("32 bytes")
        };
        Out {
            script,
            value,
            kind: None,
        }
    }

    fn dust_threshold(&self, script: &Script) -> i64 {
        let probe = TxOut {
            value: Amount::ZERO,
            script_pubkey: script.clone(),
        };
        get_dust_threshold(&probe, self.options.dust_relay_fee).to_sat()
    }

    /// Builds, signs and registers `draft`: the change output (last) takes what the
    /// outputs and the fee leave, never below zero.
    fn build(&mut self, model: &mut Model, draft: Draft) -> Transaction {
        let total_in: i64 = draft.inputs.iter().map(Utxo::value).sum();
        let paid: i64 = draft.outputs.iter().map(|o| o.value).sum();
        let mut kinds: Vec<Option<Kind>> = draft.outputs.iter().map(|o| o.kind).collect();
        let mut tx = Transaction {
            version: draft.version,
            input: draft
                .inputs
                .iter()
                .map(|c| TxIn {
                    previous_output: c.outpoint,
                    script_sig: Script::new(),
                    sequence: draft.sequence,
                    witness: Witness::new(),
                })
                .collect(),
            output: draft
                .outputs
                .iter()
                .map(|o| TxOut {
                    value: Amount::from_sat(o.value),
                    script_pubkey: o.script.clone(),
                })
                .collect(),
            lock_time: draft.lock_time,
        };
        if let Some(kind) = draft.change {
            tx.output.push(TxOut {
                value: Amount::from_sat((total_in - paid).max(0)),
                script_pubkey: self.our_script(kind),
            });
            kinds.push(Some(kind));
        }
        let funded: Vec<Funded> = draft.inputs.iter().map(Utxo::funded).collect();
        unlock_all(&mut tx, &funded, &self.key);
        if draft.change.is_some() {
            let vsize = tx.vsize() as i64;
            let fee = match draft.fee {
                Fee::Rate(rate) => (rate as i64 * vsize + 999) / 1_000,
                Fee::Abs(fee) => fee,
            };
            let last = tx.output.len() - 1;
            tx.output[last].value = Amount::from_sat((total_in - paid - fee).max(0));
            unlock_all(&mut tx, &funded, &self.key);
        }
        let fee = total_in - tx.output.iter().map(|o| o.value.to_sat()).sum::<i64>();
        model.register(&tx, &kinds, fee);
        tx
    }

    /// The next step's actions.
    pub(crate) fn step(&mut self, model: &mut Model) -> Vec<Action> {
        if model.pool.len() > 250 && self.chance(40) {
            return vec![self.mine(model)];
        }
        let roll = self.below(1_000);
        let actions = match roll {
            0..=189 => self.pay(model),
            190..=419 => self.chain(model),
            420..=559 => self.rbf(model, None),
            560..=669 => self.truc(model),
            670..=789 => self.package(model),
            790..=919 => self.bad(model),
            920..=949 => self.prioritise(model),
            950..=969 => self.resend(model),
            970..=974 => self.clock(),
            975..=987 => vec![self.mine(model)],
            _ => self.reorg(model),
        };
        if actions.is_empty() {
            // Nothing to work on (no pooled transaction, say): a payment instead.
            self.pay(model)
        } else {
            actions
        }
    }

    /// A payment: 1 to 3 coins, 1 to 3 outputs (some at or under the dust threshold, some
    /// `OP_RETURN`), a fee rate from [`RATES`].
    fn pay(&mut self, model: &mut Model) -> Vec<Action> {
        let available = model.available();
        let n = 1 + self.below(3) as usize;
        let mut inputs = Vec::new();
        for _ in 0..n {
            let from = if self.chance(70) || available.unconfirmed.is_empty() {
                &available.confirmed
            } else {
                &available.unconfirmed
            };
            for c in self.pick_coins(from, 1, MIN_SPEND * 5) {
                if !inputs.iter().any(|x: &Utxo| x.outpoint == c.outpoint) {
                    inputs.push(c);
                }
            }
        }
        if inputs.is_empty() {
            return Vec::new();
        }
        let total: i64 = inputs.iter().map(Utxo::value).sum();
        let rate = self.rate();
        let mut draft = Draft::new(inputs, Fee::Rate(rate));
        let mut variant = "plain";
        for _ in 0..1 + self.below(3) {
            let out = match self.below(20) {
                0 => {
                    variant = "dust";
                    let mut o = if self.chance(50) {
                        self.ours(0)
                    } else {
                        self.foreign(0)
                    };
                    o.value = self.dust_threshold(&o.script) - 1;
                    o
                }
                1 => {
                    variant = "at-dust-threshold";
                    let mut o = self.ours(0);
                    o.value = self.dust_threshold(&o.script);
                    o
                }
                2 => {
                    variant = "op_return";
                    let len = self.pick(&[0, 10, 80, 200, 5_000]).expect("not empty");
                    Out {
                        script: op_return(len),
                        value: 0,
                        kind: None,
                    }
                }
                3 => {
                    variant = "zero-value";
                    self.ours(0)
                }
                _ => {
                    let value = total * (5 + self.below(20) as i64) / 100;
                    if self.chance(70) {
                        self.ours(value)
                    } else {
                        self.foreign(value)
                    }
                }
            };
            draft.outputs.push(out);
        }
        draft.change = self.pick(&OURS);
        if rate < 100 {
            variant = "low-fee";
        }
        let tx = self.build(model, draft);
        let send = self.chance(85);
        let mut action = single("pay", variant, &tx, send);
        if self.chance(5) {
            // A cap of 1 sat/vB: most payments are above it.
            action.variant = "maxfeerate";
            if let Op::Single { maxfeerate, .. } = &mut action.op {
                *maxfeerate = Some(json!(0.00001));
            }
        }
        vec![action]
    }

    /// Sizes of the clusters of pooled transactions, by member.
    fn cluster_sizes(model: &Model) -> std::collections::BTreeMap<Txid, usize> {
        let mut sizes = std::collections::BTreeMap::new();
        for txid in &model.pool {
            if sizes.contains_key(txid) {
                continue;
            }
            let cluster = model.cluster(txid);
            let n = cluster.len();
            for member in cluster {
                sizes.insert(member, n);
            }
        }
        sizes
    }

    /// A child of unconfirmed transactions: extending the largest cluster towards and
    /// past 64 transactions, fanning out, merging clusters, or adding a large transaction
    /// towards the 101,000 vB cluster size.
    fn chain(&mut self, model: &mut Model) -> Vec<Action> {
        let available = model.available();
        let unconfirmed: Vec<Utxo> = available
            .unconfirmed
            .iter()
            .filter(|c| c.value() >= MIN_SPEND)
            .cloned()
            .collect();
        let rate = if self.chance(10) {
            self.pick(&[0, 50]).expect("not empty")
        } else {
            self.pick(&[100, 1_000, 2_000, 5_000, 10_000])
                .expect("not empty")
        };
        let variant_roll = self.below(20);
        if unconfirmed.is_empty() || matches!(variant_roll, 10 | 11) {
            // A fan-out: one coin into many, to grow clusters fast.
            let from = if unconfirmed.is_empty() || self.chance(30) {
                &available.confirmed
            } else {
                &unconfirmed
            };
            let Some(coin) = self.pick_coins(from, 1, 400_000).pop() else {
                return Vec::new();
            };
            let n = 8 + self.below(18) as i64;
            let each = (coin.value() - 50_000) / n;
            let mut draft = Draft::new(vec![coin], Fee::Rate(rate.max(100)));
            for _ in 0..n {
                let kind = if self.chance(70) {
                    Kind::WshTrue
                } else {
                    Kind::Wpkh
                };
                draft.outputs.push(Out {
                    script: self.our_script(kind),
                    value: each,
                    kind: Some(kind),
                });
            }
            let tx = self.build(model, draft);
            return vec![single("chain", "fanout", &tx, true)];
        }
        let sizes = Self::cluster_sizes(model);
        let size_of = |c: &Utxo| sizes.get(&c.outpoint.txid).copied().unwrap_or(0);
        let largest = unconfirmed.iter().map(size_of).max().unwrap_or(0);
        if variant_roll == 14 {
            // A burst: a chain of small transactions on the largest cluster, to a few
            // past 64 (those after the first refused are orphans).
            let from: Vec<Utxo> = unconfirmed
                .iter()
                .filter(|c| size_of(c) == largest)
                .cloned()
                .collect();
            let Some(mut coin) = self.pick_coins(&from, 1, MIN_SPEND).pop() else {
                return Vec::new();
            };
            let n = 70usize.saturating_sub(largest).clamp(1, 30);
            let mut actions = Vec::new();
            for _ in 0..n {
                // Rates differ a little: when a reorganisation makes a cluster too large,
                // Core trims it by chunk fee rate, and between exactly equal rates by its
                // internal memory order, which no caller can know.
                let rate = 1_000 + self.below(400);
                let mut draft = Draft::new(vec![coin.clone()], Fee::Rate(rate));
                draft.change = Some(Kind::WshTrue);
                let tx = self.build(model, draft);
                coin = Utxo {
                    kind: Kind::WshTrue,
                    outpoint: OutPoint::new(tx.compute_txid(), 0),
                    output: tx.output[0].clone(),
                };
                actions.push(single("chain", "burst", &tx, true));
                if coin.value() < MIN_SPEND {
                    break;
                }
            }
            return actions;
        }
        let (variant, inputs) = match variant_roll {
            0..=9 => {
                let from: Vec<Utxo> = if self.chance(70) {
                    unconfirmed
                        .iter()
                        .filter(|c| size_of(c) == largest)
                        .cloned()
                        .collect()
                } else {
                    unconfirmed.clone()
                };
                ("extend", self.pick_coins(&from, 1, MIN_SPEND))
            }
            12 | 13 => {
                // Coins of two or three different clusters, largest first.
                let mut by_size: Vec<(usize, Utxo)> = unconfirmed
                    .iter()
                    .map(|c| (size_of(c), c.clone()))
                    .collect();
                by_size.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.outpoint.cmp(&b.1.outpoint)));
                let mut chosen: Vec<Utxo> = Vec::new();
                let mut clusters: Vec<BTreeSet<Txid>> = Vec::new();
                let want = 2 + self.below(2) as usize;
                for (_, c) in by_size {
                    if chosen.len() >= want {
                        break;
                    }
                    if clusters.iter().any(|s| s.contains(&c.outpoint.txid)) {
                        continue;
                    }
                    if self.chance(60) {
                        clusters.push(model.cluster(&c.outpoint.txid));
                        chosen.push(c);
                    }
                }
                ("merge", chosen)
            }
            _ => ("big", self.pick_coins(&unconfirmed, 1, 150_000)),
        };
        if inputs.is_empty() {
            return Vec::new();
        }
        let total: i64 = inputs.iter().map(Utxo::value).sum();
        let mut draft = Draft::new(inputs, Fee::Rate(rate));
        if variant == "big" {
            let len = 5_000 + self.below(55_000) as usize;
            draft.outputs.push(Out {
                script: op_return(len),
                value: 0,
                kind: None,
            });
            draft.fee = Fee::Rate(self.pick(&[100, 200, 1_000]).expect("not empty"));
        } else if self.chance(25) {
            let half = total / 2;
            let out = self.ours(half);
            draft.outputs.push(out);
        }
        draft.change = Some(if self.chance(60) {
            Kind::WshTrue
        } else {
            self.pick(&OURS).expect("not empty")
        });
        let tx = self.build(model, draft);
        let send = self.chance(95);
        vec![single("chain", variant, &tx, send)]
    }

    /// Transactions that break a rule of standardness or consensus, or spend what is not
    /// there.
    fn bad(&mut self, model: &mut Model) -> Vec<Action> {
        let available = model.available();
        let Some(coin) = self.pick_coins(&available.confirmed, 1, 100_000).pop() else {
            return Vec::new();
        };
        let mut draft = Draft::new(vec![coin.clone()], Fee::Rate(2_000));
        let mut maxfeerate = None;
        let variant = match self.below(17) {
            0 => {
                draft.version = self.pick(&[0, 4, 0x7fff_ffff]).expect("not empty");
                "version"
            }
            1 => {
                let script = match self.below(3) {
                    0 => Script::from_bytes(vec![0x51]),
                    1 => {
                        let mut b = Script::builder().push_int(1);
                        for i in 0..4u8 {
                            let mut key = [0x02; 33];
                            key[1] = i;
                            b = b.push_slice(&key);
                        }
                        b.push_int(4).push_opcode(OP_CHECKMULTISIG).into_script()
                    }
                    _ => Script::new_witness_program(0, &[7; 25]).expect("25 bytes"),
                };
                draft.outputs.push(Out {
                    script,
                    value: 10_000,
                    kind: None,
                });
                "scriptpubkey"
            }
            2 => {
                let mut o = self.foreign(0);
                o.value = self.dust_threshold(&o.script) - 1 - self.below(100) as i64;
                draft.outputs.push(o);
                "dust"
            }
            3 => {
                let junk = sha256(format!("missing {}", self.below(u64::MAX)).as_bytes());
                let txid: Txid = hex::encode(junk).parse().expect("64 hex digits");
                draft.inputs.push(Utxo {
                    kind: Kind::WshTrue,
                    outpoint: OutPoint::new(txid, 0),
                    output: TxOut {
                        value: Amount::from_sat(50_000),
                        script_pubkey: self.our_script(Kind::WshTrue),
                    },
                });
                "missing-input"
            }
            4 => {
                // A coin a confirmed transaction spent.
                let spent: Vec<Utxo> = model
                    .spenders
                    .iter()
                    .filter(|(_, s)| s.iter().any(|t| model.confirmed.contains(t)))
                    .filter_map(|(op, _)| model.outputs.get(op).cloned())
                    .take(200)
                    .collect();
                let Some(c) = self.pick(&spent) else {
                    return Vec::new();
                };
                draft.inputs = vec![c];
                "spent-input"
            }
            5 => {
                // The last bad coin is the immature coinbase.
                let Some(c) = model.bad.last().cloned() else {
                    return Vec::new();
                };
                draft.inputs = vec![c];
                "immature-coinbase"
            }
            6 => {
                let bad = model.bad.clone();
                let Some(c) = self.pick(&bad) else {
                    return Vec::new();
                };
                draft.inputs.push(c);
                "bad-input"
            }
            7 => {
                draft.outputs.push(Out {
                    script: self.our_script(Kind::Wpkh),
                    value: coin.value() + 1,
                    kind: None,
                });
                draft.change = None;
                "in-belowout"
            }
            8 => {
                draft.inputs.push(coin.clone());
                "duplicate-inputs"
            }
            9 => {
                let tiny: Vec<Utxo> = available
                    .confirmed
                    .iter()
                    .filter(|c| matches!(c.kind, Kind::WshTrue))
                    .cloned()
                    .collect();
                let Some(c) = self.pick(&tiny) else {
                    return Vec::new();
                };
                draft.inputs = vec![c];
                draft.outputs.push(Out {
                    script: op_return(self.below(6) as usize),
                    value: 0,
                    kind: None,
                });
                draft.change = None;
                "tx-size-small"
            }
            10 => {
                let tx = self.build(model, draft);
                let mut tx = tx;
                let index = 0;
                let mut items = tx.input[index].witness.to_vec();
                if let Some(first) = items.first_mut().filter(|i| i.len() > 10) {
                    first[8] ^= 1;
                    tx.input[index].witness = Witness::from_items(items);
                } else {
                    tx.input[index].script_sig = Script::from_bytes(vec![0x51]);
                }
                model.register(&tx, &[], 0);
                return vec![single("bad", "bad-signature", &tx, true)];
            }
            11 => {
                draft.lock_time = model.height + 2 + self.below(3) as u32;
                draft.sequence = 0xffff_fffe;
                "non-final"
            }
            12 => {
                draft.sequence = 1 + self.below(1_000) as u32;
                "non-bip68-final"
            }
            13 => {
                let mut tx = self.build(model, draft);
                tx.output.clear();
                let mut raw = hex_of(&tx);
                if self.chance(50) {
                    raw.truncate(raw.len() / 2);
                }
                return vec![Action {
                    kind: "bad",
                    variant: "undecodable",
                    op: Op::Single {
                        hex: raw,
                        send: true,
                        maxfeerate: None,
                    },
                }];
            }
            14 => {
                // Half a bitcoin of fee, far above the default cap of 0.1 BTC/kvB, under
                // the default cap, no cap or 1 BTC/kvB; or an ordinary fee under a cap
                // of 1 sat/vB.
                let big = self.pick_coins(&available.confirmed, 1, 10_000_000).pop();
                match big {
                    Some(big) if self.chance(70) => {
                        draft.inputs = vec![big];
                        draft.fee = Fee::Abs(50_000_000);
                        maxfeerate = self.pick(&[None, Some(json!(0)), Some(json!(1))]).flatten();
                    }
                    _ => maxfeerate = Some(json!(0.00001)),
                }
                "max-fee"
            }
            15 => {
                draft.outputs.push(Out {
                    script: op_return(20),
                    value: 1_000,
                    kind: None,
                });
                "burn"
            }
            _ => {
                // The minimum relay fee exactly, or a satoshi short (inputs without
                // signatures, so the size is exact).
                let exact: Vec<Utxo> = available
                    .confirmed
                    .iter()
                    .filter(|c| matches!(c.kind, Kind::WshTrue | Kind::ShTrue))
                    .filter(|c| c.value() >= MIN_SPEND)
                    .cloned()
                    .collect();
                let Some(c) = self.pick(&exact) else {
                    return Vec::new();
                };
                draft.inputs = vec![c];
                draft.change = Some(Kind::WshTrue);
                let mut d = Draft::new(draft.inputs.clone(), Fee::Abs(0));
                d.change = Some(Kind::WshTrue);
                let sized = self.build(model, d);
                let min = (sized.vsize() as i64 * 100 + 999) / 1_000;
                let short = self.chance(50);
                draft.fee = Fee::Abs(if short { min - 1 } else { min });
                let tx = self.build(model, draft);
                let variant = if short {
                    "min-relay-short"
                } else {
                    "min-relay-exact"
                };
                return vec![single("bad", variant, &tx, true)];
            }
        };
        let tx = self.build(model, draft);
        let mut action = single("bad", variant, &tx, true);
        if let Op::Single { maxfeerate: m, .. } = &mut action.op {
            *m = maxfeerate;
        }
        vec![action]
    }

    /// `prioritisetransaction`: on a pooled transaction, or on a free one before sending
    /// it.
    fn prioritise(&mut self, model: &mut Model) -> Vec<Action> {
        let delta = self
            .pick(&[-100_000, -1_000, 500, 10_000, 1_000_000])
            .expect("not empty");
        if self.chance(60) {
            let pool: Vec<Txid> = model.pool.iter().copied().collect();
            let Some(txid) = self.pick(&pool) else {
                return Vec::new();
            };
            return vec![Action {
                kind: "prioritise",
                variant: "pooled",
                op: Op::Prioritise { txid, delta },
            }];
        }
        let available = model.available();
        let Some(coin) = self.pick_coins(&available.confirmed, 1, 100_000).pop() else {
            return Vec::new();
        };
        let tx = self.build(model, Draft::new(vec![coin], Fee::Abs(0)));
        let delta = delta.abs();
        vec![
            Action {
                kind: "prioritise",
                variant: "before-sending",
                op: Op::Prioritise {
                    txid: tx.compute_txid(),
                    delta,
                },
            },
            single("prioritise", "free-sent", &tx, true),
        ]
    }

    /// A transaction made before, sent again: pooled, confirmed, replaced or never taken;
    /// or a pooled one with a taproot input signed again (the same txid, a new wtxid).
    fn resend(&mut self, model: &mut Model) -> Vec<Action> {
        if self.chance(30) {
            let resignable: Vec<Txid> = model
                .pool
                .iter()
                .filter(|t| {
                    let inputs = &model.made[*t].tx.input;
                    inputs
                        .iter()
                        .all(|i| model.outputs.contains_key(&i.previous_output))
                        && inputs
                            .iter()
                            .any(|i| matches!(model.outputs[&i.previous_output].kind, Kind::Tr))
                })
                .copied()
                .collect();
            if let Some(txid) = self.pick(&resignable) {
                let mut tx = model.made[&txid].tx.clone();
                let funded: Vec<Funded> = tx
                    .input
                    .iter()
                    .map(|i| model.outputs[&i.previous_output].funded())
                    .collect();
                // BIP340 signing draws fresh auxiliary randomness: a new signature.
                unlock_all(&mut tx, &funded, &self.key);
                return vec![single("resend", "new-witness", &tx, true)];
            }
        }
        let Some(txid) = self.pick(&model.sent) else {
            return Vec::new();
        };
        let tx = model.made[&txid].tx.clone();
        let variant = if model.pool.contains(&txid) {
            "pooled"
        } else if model.confirmed.contains(&txid) {
            "confirmed"
        } else {
            "gone"
        };
        vec![single("resend", variant, &tx, true)]
    }

    /// A block: everything (`generatetodescriptor`), or some pooled transactions with
    /// their ancestors and perhaps a conflict of another pooled one (`generateblock`).
    pub(crate) fn mine(&mut self, model: &mut Model) -> Action {
        if model.pool.is_empty() || self.chance(50) {
            return Action {
                kind: "mine",
                variant: "all",
                op: Op::Mine { block_txs: None },
            };
        }
        let pool: Vec<Txid> = model.pool.iter().copied().collect();
        let mut chosen = BTreeSet::new();
        for _ in 0..1 + self.below(4) {
            if let Some(t) = self.pick(&pool) {
                chosen.extend(model.with_ancestors(&t));
            }
        }
        let mut block_txs: Vec<String> = model
            .topological(&chosen)
            .iter()
            .map(ToString::to_string)
            .collect();
        let mut variant = "some";
        if self.chance(50) {
            // A conflict of a pooled transaction outside the block whose inputs are all
            // confirmed: the block evicts it and its descendants.
            let outside: Vec<Txid> = pool
                .iter()
                .filter(|t| !chosen.contains(t) && model.pool_parents(t).is_empty())
                .copied()
                .collect();
            if let Some(t) = self.pick(&outside) {
                let made = model.made[&t].tx.clone();
                if let Some(coin) = made
                    .input
                    .iter()
                    .find_map(|i| model.outputs.get(&i.previous_output).cloned())
                {
                    let tx = self.build(model, Draft::new(vec![coin], Fee::Rate(1_000)));
                    block_txs.push(hex_of(&tx));
                    variant = "some-and-conflict";
                }
            }
        }
        Action {
            kind: "mine",
            variant,
            op: Op::Mine {
                block_txs: Some(block_txs),
            },
        }
    }

    /// Moves the clock on by an hour, by 200 hours, or past the 336 hours after which
    /// pooled transactions expire.
    fn clock(&mut self) -> Vec<Action> {
        let (variant, hours) = match self.below(3) {
            0 => ("1h", 1),
            1 => ("200h", 200),
            _ => ("337h", 337),
        };
        vec![Action {
            kind: "clock",
            variant,
            op: Op::Clock {
                seconds: hours * 3_600,
            },
        }]
    }

    /// `invalidateblock` of the tip or of its parent (returning their transactions to the
    /// pool), or `reconsiderblock` of the blocks last invalidated.
    fn reorg(&mut self, model: &mut Model) -> Vec<Action> {
        if !model.invalidated.is_empty() {
            // Reconsidered, or forgotten once a block is mined in its place. (Never a
            // second invalidation: reconsidering the lower block would bring back both.)
            if self.chance(60) {
                return vec![Action {
                    kind: "reorg",
                    variant: "reconsider",
                    op: Op::Reconsider,
                }];
            }
            return vec![self.mine(model)];
        }
        if model.blocks.is_empty() {
            return vec![self.mine(model)];
        }
        let depth = if model.blocks.len() >= 2 && self.chance(30) {
            2
        } else {
            1
        };
        vec![Action {
            kind: "reorg",
            variant: if depth == 2 {
                "invalidate-two"
            } else {
                "invalidate-tip"
            },
            op: Op::Invalidate { depth },
        }]
    }
}
