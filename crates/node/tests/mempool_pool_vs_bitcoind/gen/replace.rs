//! Replacements: a double spend of pooled transactions paying less, the same, a satoshi
//! short of rule 4 or more; of more than 100 clusters; by a package (package RBF).

use std::collections::BTreeSet;

use sou_primitives::{OutPoint, Txid};

use super::{hex_of, op_return, single, Action, Draft, Fee, Generator, Op, Out, MIN_SPEND};
use crate::coins::Kind;
use crate::model::{Model, Utxo};

impl Generator {
    /// A double spend of a pooled transaction (of version `version`, any when `None`),
    /// paying less, the same, one satoshi short of rule 4, exactly enough, or more.
    pub(super) fn rbf(&mut self, model: &mut Model, version: Option<u32>) -> Vec<Action> {
        if version.is_none() && self.chance(1) {
            return self.spray_then_replace(model);
        }
        if version.is_none() && self.chance(4) {
            return self.rbf_many(model);
        }
        if version.is_none() && self.chance(8) {
            return self.package_rbf(model);
        }
        let candidates: Vec<Txid> = model
            .pool
            .iter()
            .filter(|t| version.is_none_or(|v| model.version(t) == v))
            .copied()
            .collect();
        let with_children: Vec<Txid> = candidates
            .iter()
            .filter(|t| !model.pool_children(t).is_empty())
            .copied()
            .collect();
        let target = if !with_children.is_empty() && self.chance(40) {
            self.pick(&with_children)
        } else {
            self.pick(&candidates)
        };
        let Some(target) = target else {
            return Vec::new();
        };
        let made = model.made[&target].clone();
        let Some(coin) = made
            .tx
            .input
            .iter()
            .find_map(|i| model.outputs.get(&i.previous_output).cloned())
        else {
            return Vec::new();
        };
        let mut inputs = vec![coin];
        let mut variant = "replace";
        // Everything the replacement would evict: the spenders of its inputs and their
        // descendants.
        let conflicts = |model: &Model, inputs: &[Utxo]| -> BTreeSet<Txid> {
            let mut all = BTreeSet::new();
            for c in inputs {
                for s in model.spenders.get(&c.outpoint).into_iter().flatten() {
                    if model.pool.contains(s) {
                        all.extend(model.with_descendants(s));
                    }
                }
            }
            all
        };
        if conflicts(model, &inputs).len() > 100 {
            return Vec::new();
        }
        let available = model.available();
        let roll = self.below(10);
        if roll == 0 {
            // Also spends an output of the transaction it replaces.
            let own: Vec<Utxo> = available
                .unconfirmed
                .iter()
                .filter(|c| c.outpoint.txid == target)
                .cloned()
                .collect();
            if let Some(c) = self.pick(&own) {
                inputs.push(c);
                variant = "spends-conflicting";
            }
        } else if roll == 1 {
            // Also spends an unconfirmed coin of another cluster.
            let cluster = model.cluster(&target);
            let other: Vec<Utxo> = available
                .unconfirmed
                .iter()
                .filter(|c| !cluster.contains(&c.outpoint.txid) && c.value() >= MIN_SPEND)
                .cloned()
                .collect();
            if let Some(c) = self.pick(&other) {
                inputs.push(c);
                variant = "adds-unconfirmed";
            }
        }
        let evicted = conflicts(model, &inputs);
        let conflict_fees: i64 = evicted.iter().map(|t| model.modified_fee(t)).sum();
        let have: i64 = inputs.iter().map(Utxo::value).sum();
        if have < conflict_fees * 2 + 300_000 {
            let more = self.pick_coins(&available.confirmed, 1, conflict_fees * 2 + 400_000);
            inputs.extend(more);
        }
        let big = self.chance(10);
        let build_with = |g: &mut Generator, model: &mut Model, fee: Fee| {
            let mut draft = Draft::new(inputs.clone(), fee);
            draft.version = version.unwrap_or(if g.chance(90) { 2 } else { 3 });
            if big {
                draft.outputs.push(Out {
                    script: op_return(1_000 + g.below(2_000) as usize),
                    value: 0,
                    kind: None,
                });
            }
            draft.change = Some(Kind::WshTrue);
            g.build(model, draft)
        };
        // A first build for the size, left unsent (it is registered like any other).
        let probe = build_with(self, model, Fee::Abs(conflict_fees));
        let vsize = probe.vsize() as i64;
        let relay = (vsize * 100 + 999) / 1_000;
        let target_rate = made.fee * 1_000 / made.vsize.max(1) as i64;
        let (fee_variant, fee) = match self.below(8) {
            0 => ("less", conflict_fees / 2),
            1 => ("equal", conflict_fees),
            2 => ("rule4-short", conflict_fees + relay - 1),
            3 => ("rule4-exact", conflict_fees + relay),
            4 => ("1sat/vB-more", conflict_fees + vsize),
            5 => ("higher-rate-lower-fee", target_rate * vsize / 1_000 + 1),
            _ => (
                "generous",
                conflict_fees + vsize * (2 + self.below(40) as i64),
            ),
        };
        let tx = if probe.vsize() as i64 == vsize && fee == conflict_fees {
            probe
        } else {
            build_with(self, model, Fee::Abs(fee))
        };
        let label = if variant == "replace" {
            fee_variant
        } else {
            variant
        };
        let send = self.chance(90);
        let kind = if version == Some(3) { "truc" } else { "rbf" };
        vec![single(kind, label, &tx, send)]
    }

    /// One replacement of about a hundred pooled transactions, each the root of its own
    /// cluster: past 100 conflicting clusters when the pool has that many.
    fn rbf_many(&mut self, model: &mut Model) -> Vec<Action> {
        let mut seen: BTreeSet<Txid> = BTreeSet::new();
        let mut inputs = Vec::new();
        let mut evicted = BTreeSet::new();
        let want = 101 + self.below(5) as usize;
        for txid in &model.pool {
            if inputs.len() >= want || seen.contains(txid) {
                continue;
            }
            let made = &model.made[txid];
            let Some(coin) = made
                .tx
                .input
                .iter()
                .find_map(|i| model.outputs.get(&i.previous_output))
            else {
                continue;
            };
            if model.pool.contains(&coin.outpoint.txid) {
                continue;
            }
            seen.extend(model.cluster(txid));
            evicted.extend(model.with_descendants(txid));
            inputs.push(coin.clone());
        }
        if inputs.len() < 2 {
            return Vec::new();
        }
        let variant = if inputs.len() > 100 {
            "many-clusters"
        } else {
            "many-conflicts"
        };
        let fees: i64 = evicted.iter().map(|t| model.modified_fee(t)).sum();
        let extra = if self.chance(50) { 0 } else { 50_000 };
        let mut draft = Draft::new(inputs, Fee::Abs(fees + 10_000 + extra));
        draft.change = Some(Kind::WshTrue);
        let tx = self.build(model, draft);
        vec![single("rbf", variant, &tx, true)]
    }

    /// 101 to 104 transactions of one input and one output, each its own cluster, then
    /// one replacement of them all: past the 100 clusters a replacement may conflict
    /// with ("too many potential replacements"), or, with some refused, just under.
    fn spray_then_replace(&mut self, model: &mut Model) -> Vec<Action> {
        let available = model.available();
        let n = 101 + self.below(4) as usize;
        let coins: Vec<Utxo> = available
            .confirmed
            .iter()
            .filter(|c| c.value() >= MIN_SPEND && c.kind == Kind::WshTrue)
            .take(n)
            .cloned()
            .collect();
        if coins.len() < n {
            return Vec::new();
        }
        let mut actions = Vec::new();
        let mut fees = 0;
        for coin in &coins {
            let mut draft = Draft::new(vec![coin.clone()], Fee::Rate(1_000));
            draft.change = Some(Kind::WshTrue);
            let tx = self.build(model, draft);
            fees += model.made[&tx.compute_txid()].fee;
            actions.push(single("rbf", "spray", &tx, true));
        }
        let mut draft = Draft::new(coins, Fee::Abs(fees * 2 + 20_000));
        draft.change = Some(Kind::WshTrue);
        let tx = self.build(model, draft);
        actions.push(single("rbf", "replace-spray", &tx, true));
        actions
    }

    /// A package replacing a pooled transaction: a cheap parent conflicting with it and
    /// a child paying for both (package RBF, one parent and one child).
    fn package_rbf(&mut self, model: &mut Model) -> Vec<Action> {
        let targets: Vec<Txid> = model
            .pool
            .iter()
            .filter(|t| model.pool_parents(t).is_empty() && model.cluster(t).len() <= 3)
            .copied()
            .collect();
        let Some(target) = self.pick(&targets) else {
            return Vec::new();
        };
        let Some(coin) = model.made[&target]
            .tx
            .input
            .iter()
            .find_map(|i| model.outputs.get(&i.previous_output).cloned())
        else {
            return Vec::new();
        };
        let evicted = model.with_descendants(&target);
        let fees: i64 = evicted.iter().map(|t| model.modified_fee(t)).sum();
        let rate = self.pick(&[0, 100]).expect("not empty");
        let mut draft = Draft::new(vec![coin], Fee::Rate(rate));
        draft.version = model.version(&target).max(2);
        draft.change = Some(Kind::WshTrue);
        let version = draft.version;
        let parent = self.build(model, draft);
        let child_coin = Utxo {
            kind: Kind::WshTrue,
            outpoint: OutPoint::new(parent.compute_txid(), 0),
            output: parent.output[0].clone(),
        };
        let fee = match self.below(4) {
            0 => fees / 2,
            1 => fees + 100,
            _ => fees * 2 + 5_000,
        };
        let mut draft = Draft::new(vec![child_coin], Fee::Abs(fee));
        draft.version = version;
        let child = self.build(model, draft);
        vec![Action {
            kind: "rbf",
            variant: "package-rbf",
            op: Op::SubmitPackage {
                hexes: vec![hex_of(&parent), hex_of(&child)],
            },
        }]
    }
}
