//! TRUC (version 3): parents, children, second children (sibling eviction),
//! grandchildren, mixes with version 2, too big ones, and free parents in packages.

use sou_primitives::{OutPoint, Txid};

use super::{hex_of, op_return, single, Action, Draft, Fee, Generator, Op, Out, MIN_SPEND};
use crate::coins::Kind;
use crate::model::{Model, Utxo};

impl Generator {
    /// Version 3 parents and children: too big, a second child (sibling eviction), a
    /// grandchild, mixed with version 2, replaced, and as a package.
    pub(super) fn truc(&mut self, model: &mut Model) -> Vec<Action> {
        let available = model.available();
        let pooled_v3: Vec<Txid> = model
            .pool
            .iter()
            .filter(|t| model.version(t) == 3)
            .copied()
            .collect();
        let outputs_of = |txids: &[Txid], coins: &[Utxo]| -> Vec<Utxo> {
            coins
                .iter()
                .filter(|c| txids.contains(&c.outpoint.txid) && c.value() >= MIN_SPEND)
                .cloned()
                .collect()
        };
        let roots: Vec<Txid> = pooled_v3
            .iter()
            .filter(|t| model.pool_parents(t).is_empty())
            .copied()
            .collect();
        let children: Vec<Txid> = pooled_v3
            .iter()
            .filter(|t| !model.pool_parents(t).is_empty())
            .copied()
            .collect();
        let rate = self
            .pick(&[1_000, 2_000, 5_000, 20_000, 50_000])
            .expect("not empty");
        let (variant, inputs, version) = match self.below(9) {
            1 | 2 => {
                let coins = outputs_of(&roots, &available.unconfirmed);
                let Some(c) = self.pick(&coins) else {
                    return self.truc_parent(model);
                };
                let has_child = !model.pool_children(&c.outpoint.txid).is_empty();
                let v = if has_child { "sibling" } else { "child" };
                (v, vec![c], 3)
            }
            3 => {
                let coins = outputs_of(&children, &available.unconfirmed);
                let Some(c) = self.pick(&coins) else {
                    return self.truc_parent(model);
                };
                ("grandchild", vec![c], 3)
            }
            4 => {
                let v2: Vec<Txid> = model
                    .pool
                    .iter()
                    .filter(|t| model.version(t) != 3)
                    .copied()
                    .collect();
                let coins = outputs_of(&v2, &available.unconfirmed);
                let Some(c) = self.pick(&coins) else {
                    return self.truc_parent(model);
                };
                ("v3-spends-v2", vec![c], 3)
            }
            5 => {
                let coins = outputs_of(&pooled_v3, &available.unconfirmed);
                let Some(c) = self.pick(&coins) else {
                    return self.truc_parent(model);
                };
                ("v2-spends-v3", vec![c], 2)
            }
            6 => return self.rbf(model, Some(3)),
            7 => return self.truc_package(model),
            _ => return self.truc_parent(model),
        };
        let mut draft = Draft::new(inputs, Fee::Rate(rate));
        draft.version = version;
        let mut variant = variant;
        if self.chance(25) {
            // Past TRUC's 1,000 vB for a child.
            draft.outputs.push(Out {
                script: op_return(900 + self.below(300) as usize),
                value: 0,
                kind: None,
            });
            if variant == "child" {
                variant = "child-near-1000vB";
            }
        }
        let tx = self.build(model, draft);
        vec![single("truc", variant, &tx, true)]
    }

    /// A version 3 transaction spending confirmed coins, with two outputs (room for two
    /// children), sometimes free or past 10,000 vB.
    fn truc_parent(&mut self, model: &mut Model) -> Vec<Action> {
        let available = model.available();
        let inputs = self.pick_coins(&available.confirmed, 1, 200_000);
        if inputs.is_empty() {
            return Vec::new();
        }
        let rate = self.pick(&[0, 100, 1_000, 5_000]).expect("not empty");
        let mut draft = Draft::new(inputs.clone(), Fee::Rate(rate));
        draft.version = 3;
        let half = inputs[0].value() / 3;
        let out = self.ours(half);
        draft.outputs.push(out);
        let mut variant = if rate == 0 { "parent-free" } else { "parent" };
        if self.chance(15) {
            draft.outputs.push(Out {
                script: op_return(9_700 + self.below(600) as usize),
                value: 0,
                kind: None,
            });
            variant = "parent-near-10000vB";
        }
        let tx = self.build(model, draft);
        vec![single("truc", variant, &tx, true)]
    }

    /// A free version 3 parent with its child, by `submitpackage`.
    fn truc_package(&mut self, model: &mut Model) -> Vec<Action> {
        let available = model.available();
        let inputs = self.pick_coins(&available.confirmed, 1, 200_000);
        if inputs.is_empty() {
            return Vec::new();
        }
        let mut draft = Draft::new(inputs, Fee::Rate(0));
        draft.version = 3;
        draft.change = Some(Kind::WshTrue);
        let parent = self.build(model, draft);
        let coin = Utxo {
            kind: Kind::WshTrue,
            outpoint: OutPoint::new(parent.compute_txid(), 0),
            output: parent.output[0].clone(),
        };
        let rate = self.pick(&[100, 1_000, 5_000, 20_000]).expect("not empty");
        let mut draft = Draft::new(vec![coin], Fee::Rate(rate));
        draft.version = if self.chance(90) { 3 } else { 2 };
        if self.chance(25) {
            draft.outputs.push(Out {
                script: op_return(900 + self.below(300) as usize),
                value: 0,
                kind: None,
            });
        }
        let child = self.build(model, draft);
        vec![Action {
            kind: "truc",
            variant: "package-1p1c",
            op: Op::SubmitPackage {
                hexes: vec![hex_of(&parent), hex_of(&child)],
            },
        }]
    }
}
