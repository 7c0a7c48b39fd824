//! Packages: CPFP of low-fee parents, ephemeral dust, chains and ill-formed packages for
//! `testmempoolaccept`, `submitpackage` of a wrong shape or with a parent already pooled.

use sou_primitives::OutPoint;

use super::{hex_of, op_return, Action, Draft, Fee, Generator, Op, Out, MIN_SPEND};
use crate::coins::Kind;
use crate::model::{Model, Utxo};

impl Generator {
    /// Packages: CPFP of low-fee parents, ephemeral dust, chains and ill-formed packages
    /// for `testmempoolaccept`, `submitpackage` of a wrong shape or with a parent already
    /// pooled.
    pub(super) fn package(&mut self, model: &mut Model) -> Vec<Action> {
        let available = model.available();
        let variant = self.below(9);
        match variant {
            0..=2 => {
                // 1 to 3 parents, each with two outputs, and a child spending one of each.
                let n = 1 + self.below(3) as usize;
                let mut parents = Vec::new();
                let mut coins = Vec::new();
                let roots = self.pick_coins(&available.confirmed, n, 100_000);
                let v3 = roots.len() == 1 && self.chance(30);
                for root in roots {
                    let rate = self.pick(&[0, 50, 100, 1_000]).expect("not empty");
                    let mut draft = Draft::new(vec![root.clone()], Fee::Rate(rate));
                    draft.version = if v3 { 3 } else { 2 };
                    draft.outputs.push(Out {
                        script: self.our_script(Kind::WshTrue),
                        value: root.value() / 2,
                        kind: Some(Kind::WshTrue),
                    });
                    let parent = self.build(model, draft);
                    coins.push(Utxo {
                        kind: Kind::WshTrue,
                        outpoint: OutPoint::new(parent.compute_txid(), 0),
                        output: parent.output[0].clone(),
                    });
                    parents.push(parent);
                }
                if parents.is_empty() {
                    return Vec::new();
                }
                let rate = self
                    .pick(&[100, 500, 2_000, 10_000, 50_000])
                    .expect("not empty");
                let mut draft = Draft::new(coins, Fee::Rate(rate));
                draft.version = if v3 { 3 } else { 2 };
                let child = self.build(model, draft);
                let mut hexes: Vec<String> = parents.iter().map(hex_of).collect();
                hexes.push(hex_of(&child));
                let op = if variant == 2 {
                    Op::TestPackage { hexes }
                } else {
                    Op::SubmitPackage { hexes }
                };
                let label = match (variant, v3) {
                    (2, _) => "test-cpfp",
                    (_, true) => "cpfp-truc",
                    _ => "cpfp",
                };
                vec![Action {
                    kind: "package",
                    variant: label,
                    op,
                }]
            }
            3 => self.ephemeral(model),
            4 | 5 => {
                // A chain of 2 to 6 for testmempoolaccept, sometimes ill-formed.
                let Some(root) = self.pick_coins(&available.confirmed, 1, 200_000).pop() else {
                    return Vec::new();
                };
                let n = 2 + self.below(5) as usize;
                let mut txs = Vec::new();
                let mut coin = root.clone();
                for _ in 0..n {
                    let rate = self.pick(&[0, 100, 1_000, 5_000]).expect("not empty");
                    let mut draft = Draft::new(vec![coin.clone()], Fee::Rate(rate));
                    draft.change = Some(Kind::WshTrue);
                    let tx = self.build(model, draft);
                    coin = Utxo {
                        kind: Kind::WshTrue,
                        outpoint: OutPoint::new(tx.compute_txid(), 0),
                        output: tx.output[0].clone(),
                    };
                    txs.push(tx);
                }
                let mut hexes: Vec<String> = txs.iter().map(hex_of).collect();
                let label = match self.below(6) {
                    0 => {
                        hexes.reverse();
                        "test-unsorted"
                    }
                    1 => {
                        hexes.push(hexes[0].clone());
                        "test-duplicate"
                    }
                    2 => {
                        let mut draft = Draft::new(vec![root], Fee::Rate(2_000));
                        draft.change = Some(Kind::Wpkh);
                        let other = self.build(model, draft);
                        hexes.push(hex_of(&other));
                        "test-conflict"
                    }
                    3 => {
                        while hexes.len() < 26 {
                            hexes.push(hexes[hexes.len() % n].clone());
                        }
                        "test-26"
                    }
                    _ => "test-chain",
                };
                vec![Action {
                    kind: "package",
                    variant: label,
                    op: Op::TestPackage { hexes },
                }]
            }
            6 => {
                // Not child-with-parents: a chain of three, or two unrelated.
                let Some(root) = self.pick_coins(&available.confirmed, 1, 200_000).pop() else {
                    return Vec::new();
                };
                let mut txs = Vec::new();
                let mut coin = root;
                let unrelated = self.chance(40);
                for _ in 0..if unrelated { 2 } else { 3 } {
                    let mut draft = Draft::new(vec![coin.clone()], Fee::Rate(2_000));
                    draft.change = Some(Kind::WshTrue);
                    let tx = self.build(model, draft);
                    coin = Utxo {
                        kind: Kind::WshTrue,
                        outpoint: OutPoint::new(tx.compute_txid(), 0),
                        output: tx.output[0].clone(),
                    };
                    txs.push(tx);
                    if unrelated {
                        match self.pick_coins(&available.confirmed, 1, 200_000).pop() {
                            Some(c) => coin = c,
                            None => return Vec::new(),
                        }
                    }
                }
                vec![Action {
                    kind: "package",
                    variant: if unrelated {
                        "submit-unrelated"
                    } else {
                        "submit-grandchild"
                    },
                    op: Op::SubmitPackage {
                        hexes: txs.iter().map(hex_of).collect(),
                    },
                }]
            }
            7 => {
                // Huge: three transactions of about 45,000 vB each, past 404,000 WU.
                let coins = self.pick_coins(&available.confirmed, 3, 200_000);
                if coins.len() < 3 {
                    return Vec::new();
                }
                let mut hexes = Vec::new();
                for c in coins {
                    let mut draft = Draft::new(vec![c], Fee::Rate(1_000));
                    draft.outputs.push(Out {
                        script: op_return(45_000),
                        value: 0,
                        kind: None,
                    });
                    let tx = self.build(model, draft);
                    hexes.push(hex_of(&tx));
                }
                let op = if self.chance(50) {
                    Op::TestPackage { hexes }
                } else {
                    Op::SubmitPackage { hexes }
                };
                vec![Action {
                    kind: "package",
                    variant: "too-large",
                    op,
                }]
            }
            _ => {
                // A pooled parent sent again with a new child.
                let coins: Vec<Utxo> = available
                    .unconfirmed
                    .iter()
                    .filter(|c| c.value() >= MIN_SPEND)
                    .cloned()
                    .collect();
                let Some(coin) = self.pick(&coins) else {
                    return Vec::new();
                };
                let parent = model.made[&coin.outpoint.txid].tx.clone();
                let rate = self.pick(&[100, 1_000, 10_000]).expect("not empty");
                let child = self.build(model, Draft::new(vec![coin], Fee::Rate(rate)));
                vec![Action {
                    kind: "package",
                    variant: "pooled-parent",
                    op: Op::SubmitPackage {
                        hexes: vec![hex_of(&parent), hex_of(&child)],
                    },
                }]
            }
        }
    }

    /// Ephemeral dust: a free parent with a dust output and a child spending it (or not,
    /// or a parent paying a fee).
    fn ephemeral(&mut self, model: &mut Model) -> Vec<Action> {
        let available = model.available();
        let Some(root) = self.pick_coins(&available.confirmed, 1, 100_000).pop() else {
            return Vec::new();
        };
        let parent_fee = if self.chance(85) { 0 } else { 500 };
        let mut draft = Draft::new(vec![root], Fee::Abs(parent_fee));
        draft.version = if self.chance(70) { 3 } else { 2 };
        let (dust_kind, dust_value) = if self.chance(70) {
            (Kind::Anchor, 0)
        } else {
            (Kind::WshTrue, if self.chance(50) { 0 } else { 100 })
        };
        let dust_count = if self.chance(10) { 2 } else { 1 };
        for _ in 0..dust_count {
            draft.outputs.push(Out {
                script: self.our_script(dust_kind),
                value: dust_value,
                kind: Some(dust_kind),
            });
        }
        draft.change = Some(Kind::WshTrue);
        let version = draft.version;
        let parent = self.build(model, draft);
        let txid = parent.compute_txid();
        let change_vout = parent.output.len() - 1;
        let coin = |vout: usize| Utxo {
            kind: if vout == change_vout {
                Kind::WshTrue
            } else {
                dust_kind
            },
            outpoint: OutPoint::new(txid, vout as u32),
            output: parent.output[vout].clone(),
        };
        let spends_dust = self.chance(85);
        let mut inputs = vec![coin(change_vout)];
        if spends_dust {
            inputs.extend((0..dust_count).map(coin));
        }
        let rate = self.pick(&[1_000, 5_000, 20_000]).expect("not empty");
        let mut draft = Draft::new(inputs, Fee::Rate(rate));
        draft.version = version;
        let child = self.build(model, draft);
        let variant = match (parent_fee, spends_dust, dust_count) {
            (0, true, 1) => "ephemeral",
            (0, true, _) => "ephemeral-two-dust",
            (0, false, _) => "ephemeral-unspent",
            _ => "ephemeral-parent-fee",
        };
        let hexes = vec![hex_of(&parent), hex_of(&child)];
        let op = if self.chance(80) {
            Op::SubmitPackage { hexes }
        } else {
            Op::TestPackage { hexes }
        };
        vec![Action {
            kind: "package",
            variant,
            op,
        }]
    }
}
