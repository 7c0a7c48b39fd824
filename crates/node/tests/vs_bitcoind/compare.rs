//! Comparing answers: one call asked of both nodes, the two results walked field by field,
//! and the few fields that may differ for a reason ([`KNOWN`], [`CLOSE`]).
//!
//! A [`Pair`] holds soud and bitcoind; [`Pair::both`] asks both the same question and
//! records every difference, and the helpers around it feed both nodes the same blocks.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};
use sou_primitives::encoding::{deserialize, serialize};
use sou_primitives::{Block, Transaction};

use crate::support::bitcoind::Bitcoind;
use crate::support::TestNode;

/// A field whose value may differ between the two nodes, and why.
pub(crate) struct Known {
    /// The RPC method.
    pub(crate) method: &'static str,
    /// The field's path in the result, array indices written `[]`.
    pub(crate) path: &'static str,
    /// Why the difference is legitimate.
    pub(crate) reason: &'static str,
}

/// The fields allowed to differ. Everything else must be equal.
pub(crate) const KNOWN: &[Known] = &[
    Known {
        method: "getblockchaininfo",
        path: "size_on_disk",
        reason: "bytes on disk: Core's blk/rev files and LevelDB against sou's blk files and redb",
    },
    Known {
        method: "getblockchaininfo",
        path: "warnings",
        reason: "Core's build warns that it is a pre-release test build; soud is not one",
    },
    Known {
        method: "getmininginfo",
        path: "warnings",
        reason: "Core's build warns that it is a pre-release test build; soud is not one",
    },
    Known {
        method: "gettxoutsetinfo",
        path: "disk_size",
        reason: "bytes on disk of the chainstate database: LevelDB against redb",
    },
];

/// Numbers that depend on the clock: equal within a relative `1e-6`, not to the digit.
const CLOSE: &[Known] = &[Known {
    method: "getblockchaininfo",
    path: "verificationprogress",
    reason: "Core's estimate reads the clock (regtest's dTxRate is 0.001 tx/s): calls a second apart differ in the last digits",
}];

/// Both nodes, and what was found so far.
pub(crate) struct Pair {
    /// soud, building the chain.
    pub(crate) sou: TestNode,
    /// bitcoind, taking soud's blocks.
    pub(crate) core: Bitcoind,
    /// Differences not in [`KNOWN`]: `method params: path: sou=…, core=…`.
    pub(crate) differences: Vec<String>,
    /// How often each known difference was seen.
    pub(crate) known_seen: BTreeMap<(&'static str, &'static str), usize>,
    /// Calls compared, per method.
    pub(crate) calls: BTreeMap<String, usize>,
    /// Leaf values compared.
    pub(crate) leaves: usize,
}

impl Pair {
    /// Asks both nodes; records every difference; returns Core's answer (`Null` on error).
    pub(crate) fn both(&mut self, method: &str, params: Value) -> Value {
        let sou = self
            .sou
            .call(method, params.clone())
            .map(|v| canonical(method, v));
        let core = self
            .core
            .call(method, params.clone())
            .map(|v| canonical(method, v));
        *self.calls.entry(method.to_string()).or_default() += 1;
        let label = format!("{method} {}", short(&params));
        match (&sou, &core) {
            (Ok(s), Ok(c)) => {
                let mut found = Vec::new();
                self.leaves += diff("", s, c, &mut found);
                for (path, s, c) in found {
                    let pattern = normalise(&path);
                    let matches = |k: &&Known| {
                        k.method == method
                            && pattern
                                .strip_prefix(k.path)
                                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
                    };
                    if CLOSE.iter().any(|k| matches(&k)) && close(&s, &c) {
                        continue;
                    }
                    if let Some(k) = KNOWN.iter().find(matches) {
                        *self.known_seen.entry((k.method, k.path)).or_default() += 1;
                    } else {
                        self.differences
                            .push(format!("{label}: {path}: sou={s} core={c}"));
                    }
                }
            }
            (Err(s), Err(c)) => {
                self.leaves += 1;
                if (s.code, &s.message) != (c.code, &c.message) {
                    self.differences.push(format!(
                        "{label}: error: sou=({}, {:?}) core=({}, {:?})",
                        s.code, s.message, c.code, c.message
                    ));
                }
            }
            (Ok(s), Err(c)) => self.differences.push(format!(
                "{label}: sou answered {}, core failed with ({}, {:?})",
                short(s),
                c.code,
                c.message
            )),
            (Err(s), Ok(c)) => self.differences.push(format!(
                "{label}: sou failed with ({}, {:?}), core answered {}",
                s.code,
                s.message,
                short(c)
            )),
        }
        core.unwrap_or(Value::Null)
    }

    /// Submits `block` to both; `expect` is Core's verdict this test was built for (a
    /// different one means the chain under test is not the one drawn above).
    pub(crate) fn submit(&mut self, what: &str, block: &Block, expect: Value) -> Value {
        let hex = hex::encode(serialize(block));
        let verdict = self.both("submitblock", json!([hex]));
        assert_eq!(
            verdict,
            expect,
            "bitcoind's verdict on {what} ({}) is not what the test expects",
            block.block_hash()
        );
        verdict
    }

    /// soud's block `hash`, decoded.
    pub(crate) fn sou_block(&self, hash: &str) -> Block {
        let hex = self.sou.rpc("getblock", json!([hash, 0]));
        deserialize(&hex::decode(hex.as_str().unwrap()).unwrap()).unwrap()
    }

    /// Mines `count` blocks on soud to `address` and hands each to bitcoind (and both
    /// take it a second time: "duplicate").
    pub(crate) fn generate(&mut self, count: u32, address: &str) -> Vec<Block> {
        let hashes = self.sou.rpc("generatetoaddress", json!([count, address]));
        self.take_mined(&hashes)
    }

    /// As [`Pair::generate`], to a descriptor.
    pub(crate) fn generate_to_descriptor(&mut self, descriptor: &str) -> Block {
        let with_checksum = sou_wallet::descriptor::add_checksum(descriptor).unwrap();
        let hashes = self
            .sou
            .rpc("generatetodescriptor", json!([1, with_checksum]));
        self.take_mined(&hashes).pop().unwrap()
    }

    fn take_mined(&mut self, hashes: &Value) -> Vec<Block> {
        let mut blocks = Vec::new();
        for hash in hashes.as_array().unwrap() {
            let block = self.sou_block(hash.as_str().unwrap());
            let hex = hex::encode(serialize(&block));
            let core = self.core.call("submitblock", json!([hex])).unwrap();
            assert_eq!(core, Value::Null, "bitcoind takes soud's block {hash}");
            self.both("submitblock", json!([hex]));
            blocks.push(block);
        }
        blocks
    }

    /// A block soud would mine on its tip with `txs`, without keeping it
    /// (`generateblock … submit=false`).
    pub(crate) fn template(&self, payout: &str, txs: &[&Transaction]) -> Block {
        let raw: Vec<String> = txs.iter().map(|tx| hex::encode(serialize(*tx))).collect();
        let made = self.sou.rpc("generateblock", json!([payout, raw, false]));
        deserialize(&hex::decode(made["hex"].as_str().unwrap()).unwrap()).unwrap()
    }
}

/// Compares two JSON values; pushes `(path, sou, core)` for each difference. Returns the
/// number of leaf values compared.
fn diff(path: &str, sou: &Value, core: &Value, out: &mut Vec<(String, String, String)>) -> usize {
    match (sou, core) {
        (Value::Object(s), Value::Object(c)) => {
            let keys: BTreeSet<&String> = s.keys().chain(c.keys()).collect();
            let mut leaves = 0;
            for key in keys {
                let sub = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                match (s.get(key), c.get(key)) {
                    (Some(a), Some(b)) => leaves += diff(&sub, a, b, out),
                    (a, b) => {
                        leaves += 1;
                        out.push((sub, shown(a), shown(b)));
                    }
                }
            }
            leaves
        }
        (Value::Array(s), Value::Array(c)) => {
            let mut leaves = 0;
            if s.len() != c.len() {
                out.push((
                    format!("{path}.len()"),
                    s.len().to_string(),
                    c.len().to_string(),
                ));
            }
            for (i, (a, b)) in s.iter().zip(c).enumerate() {
                leaves += diff(&format!("{path}[{i}]"), a, b, out);
            }
            leaves
        }
        // Numbers compare as written (sou-node turns on serde_json's arbitrary_precision,
        // which keeps their text): `1` and `1.0`, `1e-10` and `0.0000000001` differ on the
        // wire, and a client parsing the JSON may see different types.
        (a, b) => {
            if a != b {
                out.push((path.to_string(), shown(Some(a)), shown(Some(b))));
            }
            1
        }
    }
}

/// Two numbers within a relative `1e-6` of each other.
fn close(a: &str, b: &str) -> bool {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(a), Ok(b)) => (a - b).abs() <= 1e-6 * a.abs().max(b.abs()),
        _ => false,
    }
}

/// An answer in a form where order that carries no meaning is gone: `getchaintips` as an
/// object keyed by hash, since Core sorts tips of equal height by their address in memory
/// (`CompareBlocksByHeight`).
fn canonical(method: &str, value: Value) -> Value {
    match (method, value) {
        ("getchaintips", Value::Array(tips)) => Value::Object(
            tips.into_iter()
                .map(|tip| (tip["hash"].as_str().unwrap_or("?").to_string(), tip))
                .collect(),
        ),
        (_, value) => value,
    }
}

fn shown(v: Option<&Value>) -> String {
    v.map_or_else(|| "(absent)".to_string(), short)
}

fn short(v: &Value) -> String {
    let text = v.to_string();
    if text.len() > 160 {
        format!("{}…({} chars)", &text[..120], text.len())
    } else {
        text
    }
}

/// `vin[3].prevout` → `vin[].prevout`.
fn normalise(path: &str) -> String {
    let mut out = String::new();
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push('[');
            }
            ']' => {
                in_index = false;
                out.push(']');
            }
            _ if in_index => {}
            _ => out.push(c),
        }
    }
    out
}
