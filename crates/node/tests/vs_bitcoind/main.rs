//! soud against bitcoind: the same blocks in, the same answers out.
//!
//! `soud` claims to answer like Bitcoin Core's `bitcoind`. This test holds it to that by
//! running both side by side on regtest and asking them the same questions. soud builds
//! the chain (its own `generatetoaddress`, and blocks with transactions signed here with
//! sou's wallet crate), and both nodes take every block through `submitblock`. Then the
//! answers of both are compared field by field: every block at every verbosity, the
//! chain's summary and tips, the UTXO set (coins one by one, and its two hashes), every
//! transaction and script decoded, the mining and deployment summaries, and the verdicts
//! on duplicate and broken blocks.
//!
//! The chain (`*`: blocks with transactions signed here):
//!
//! ```text
//! 0 ── 1..110 ── 111* ── 112* ─┬─ 113 T*                          stale after the reorg
//!      generatetoaddress       └─ 113 A1* ── 114 A2* ── 115..119 ─┬─ 120: 21 broken blocks
//!                                                                 └─ 120: coinbase without
//!                                                                         its witness nonce
//! ```
//!
//! - 1..110 are soud's own (`generatetoaddress`, `generatetodescriptor`), then sent to
//!   bitcoind, then to both again ("duplicate"). 1..8 pay two coinbases each to P2WPKH,
//!   P2PKH, P2TR and P2SH-P2WPKH keys held here, 9 a bare key, 10 P2WSH of `OP_TRUE`,
//!   61 a bare 1-of-2 multisig; the rest a burn address or P2WSH of `OP_TRUE`.
//! - From 111 on, blocks come from soud's `generateblock … submit=false` (or are built
//!   here) and both nodes take them through `submitblock`. 111 and 112 spend each kind:
//!   P2WPKH, P2PKH, P2SH-P2WPKH, P2TR key path and script path, P2WSH 2-of-2 multisig,
//!   P2WSH `OP_TRUE`, several inputs of different kinds, a chain of two in one block,
//!   version 1, a lock time.
//! - T and A1 spend the same coin two ways; T arrives first (A1: "inconclusive"), A2
//!   makes A1's branch longer: both nodes reorganise, undoing T.
//! - The broken blocks are mutations of a valid block on the tip, one rule each, each
//!   sent twice. The last block is valid for Core only once its `submitblock` has added
//!   the coinbase's witness nonce (`UpdateUncommittedBlockStructures`).
//!
//! Run it with Core's binaries (it prints `SKIPPED` without them):
//!
//! ```text
//! BITCOIND=~/.cache/bitcoind/bin/bitcoind cargo test -p sou-node --test vs_bitcoind -- --nocapture
//! ```
//!
//! Every difference is listed at the end; the test fails on any difference that is not in
//! [`KNOWN`], the fields that may differ for a reason (sizes on disk, version strings).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    reason = "test code: a panic is a failed test, and heights are small"
)]

#[path = "../support/mod.rs"]
mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::{json, Value};
use sou_chain::consensus::{bip34_height_script, block_subsidy};
use sou_keys::taproot::{ControlBlock, TapTree};
use sou_keys::{Address, SecretKey, XOnlyPublicKey};
use sou_miner::template::{coinbase, finish_block};
use sou_primitives::encoding::{deserialize, serialize};
use sou_primitives::hashes::sha256;
use sou_primitives::network::REGTEST;
use sou_primitives::{
    Amount, Block, BlockHash, CompactTarget, Network, OutPoint, Script, Target, Transaction, TxIn,
    TxOut, Txid, Witness,
};
use sou_script::{PrecomputedTransactionData, VerifyFlags};
use sou_wallet::{sign, SigningKey, SpendInfo};
use support::bitcoind::Bitcoind;
use support::TestNode;

/// A field whose value may differ between the two nodes, and why.
struct Known {
    /// The RPC method.
    method: &'static str,
    /// The field's path in the result, array indices written `[]`.
    path: &'static str,
    /// Why the difference is legitimate.
    reason: &'static str,
}

/// The fields allowed to differ. Everything else must be equal.
const KNOWN: &[Known] = &[
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

/// The address of BIP173's example program on regtest: nobody knows its key.
const BURN: &str = support::BURN_ADDRESS;

// ---------------------------------------------------------------------------------------
// Comparing answers
// ---------------------------------------------------------------------------------------

/// Both nodes, and what was found so far.
struct Pair {
    sou: TestNode,
    core: Bitcoind,
    /// Differences not in [`KNOWN`]: `method params: path: sou=…, core=…`.
    differences: Vec<String>,
    /// How often each known difference was seen.
    known_seen: BTreeMap<(&'static str, &'static str), usize>,
    /// Calls compared, per method.
    calls: BTreeMap<String, usize>,
    /// Leaf values compared.
    leaves: usize,
}

impl Pair {
    /// Asks both nodes; records every difference; returns Core's answer (`Null` on error).
    fn both(&mut self, method: &str, params: Value) -> Value {
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
    fn submit(&mut self, what: &str, block: &Block, expect: Value) -> Value {
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
    fn sou_block(&self, hash: &str) -> Block {
        let hex = self.sou.rpc("getblock", json!([hash, 0]));
        deserialize(&hex::decode(hex.as_str().unwrap()).unwrap()).unwrap()
    }

    /// Mines `count` blocks on soud to `address` and hands each to bitcoind (and both
    /// take it a second time: "duplicate").
    fn generate(&mut self, count: u32, address: &str) -> Vec<Block> {
        let hashes = self.sou.rpc("generatetoaddress", json!([count, address]));
        self.take_mined(&hashes)
    }

    /// As [`Pair::generate`], to a descriptor.
    fn generate_to_descriptor(&mut self, descriptor: &str) -> Block {
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
    fn template(&self, payout: &str, txs: &[&Transaction]) -> Block {
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

// ---------------------------------------------------------------------------------------
// Keys, coins and transactions
// ---------------------------------------------------------------------------------------

fn secret(name: &str) -> SecretKey {
    SecretKey::from_byte_array(sha256(format!("sou vs_bitcoind {name}").as_bytes())).unwrap()
}

fn x_only(key: &SecretKey) -> XOnlyPublicKey {
    key.public_key().x_only_public_key().0
}

/// The keys this test holds, and the scripts they lock.
struct Keys {
    wpkh: SigningKey,
    pkh: SigningKey,
    sh_wpkh: SigningKey,
    tr: SecretKey,
    multisig: [SecretKey; 2],
    leaf: SecretKey,
    tree_internal: SecretKey,
}

impl Keys {
    fn new() -> Keys {
        Keys {
            wpkh: SigningKey::new(secret("p2wpkh")),
            pkh: SigningKey::new(secret("p2pkh")),
            sh_wpkh: SigningKey::new(secret("p2sh-p2wpkh")),
            tr: secret("p2tr key path"),
            multisig: [secret("multisig 1"), secret("multisig 2")],
            leaf: secret("p2tr leaf"),
            tree_internal: secret("p2tr internal"),
        }
    }

    fn p2wpkh(&self) -> Address {
        Address::p2wpkh(&self.wpkh.public, Network::Regtest).unwrap()
    }
    fn p2pkh(&self) -> Address {
        Address::p2pkh(&self.pkh.public, Network::Regtest)
    }
    fn p2sh_p2wpkh(&self) -> Address {
        Address::p2sh_p2wpkh(&self.sh_wpkh.public, Network::Regtest).unwrap()
    }
    fn p2tr(&self) -> Address {
        Address::p2tr(&x_only(&self.tr), None, Network::Regtest).unwrap()
    }

    /// `2 <key1> <key2> 2 OP_CHECKMULTISIG`.
    fn multisig_script(&self) -> Script {
        let mut bytes = vec![0x52];
        for key in &self.multisig {
            bytes.push(33);
            bytes.extend_from_slice(&key.public_key().serialize_compressed());
        }
        bytes.extend_from_slice(&[0x52, 0xae]);
        Script::from_bytes(bytes)
    }
    fn p2wsh_multisig(&self) -> Address {
        Address::p2wsh(&self.multisig_script(), Network::Regtest)
    }

    /// Two leaves: `<leaf key> OP_CHECKSIG` (the one spent) and `OP_RETURN`.
    fn tree(&self) -> TapTree {
        let mut checksig = vec![32];
        checksig.extend_from_slice(&x_only(&self.leaf).serialize());
        checksig.push(0xac);
        TapTree::Branch(
            Box::new(TapTree::leaf(Script::from_bytes(checksig))),
            Box::new(TapTree::leaf(Script::from_bytes(vec![0x6a]))),
        )
    }
    fn p2tr_tree(&self) -> Address {
        let root = self.tree().merkle_root();
        Address::p2tr(&x_only(&self.tree_internal), Some(&root), Network::Regtest).unwrap()
    }
    fn script_path(&self) -> SpendInfo {
        let tree = self.tree();
        let control = ControlBlock::for_tree(&x_only(&self.tree_internal), &tree)
            .unwrap()
            .remove(0);
        SpendInfo::P2trScriptPath {
            leaf_script: tree.leaves().remove(0).script,
            control_block: control,
            keys: vec![self.leaf.clone()],
        }
    }
}

/// P2WSH of `OP_TRUE`: anyone spends it with the script as the only witness item.
fn op_true_script() -> Script {
    Script::from_bytes(vec![0x51])
}

/// A coin: where, what it is, how to spend it (`None`: witness `[OP_TRUE]`).
#[derive(Clone)]
struct Coin {
    outpoint: OutPoint,
    output: TxOut,
    spend: Option<SpendInfo>,
}

fn coin_of(tx: &Transaction, vout: u32, spend: Option<SpendInfo>) -> Coin {
    Coin {
        outpoint: OutPoint::new(tx.compute_txid(), vout),
        output: tx.output[vout as usize].clone(),
        spend,
    }
}

fn pay(address: &Address, sat: i64) -> TxOut {
    TxOut {
        value: Amount::from_sat(sat),
        script_pubkey: address.script_pubkey(),
    }
}

/// A transaction spending `coins` to `outputs`, signed (version 2, final lock time).
fn spend(coins: &[&Coin], outputs: Vec<TxOut>) -> Transaction {
    spend_with(coins, outputs, 2, 0)
}

fn spend_with(coins: &[&Coin], outputs: Vec<TxOut>, version: u32, lock_time: u32) -> Transaction {
    let mut tx = Transaction {
        version,
        input: coins
            .iter()
            .map(|c| TxIn {
                previous_output: c.outpoint,
                script_sig: Script::new(),
                // Opts in to replacement (BIP125) and leaves the lock time enforced.
                sequence: 0xffff_fffd,
                witness: Witness::new(),
            })
            .collect(),
        output: outputs,
        lock_time,
    };
    let spent: Vec<TxOut> = coins.iter().map(|c| c.output.clone()).collect();
    let precomputed = PrecomputedTransactionData::new(&tx, spent.clone());
    for (index, coin) in coins.iter().enumerate() {
        match &coin.spend {
            Some(info) => sign::sign_input(&mut tx, index, info, &precomputed).unwrap(),
            None => tx.input[index].witness = Witness::from_items([op_true_script().into_bytes()]),
        }
    }
    sign::verify_transaction(&tx, &spent, VerifyFlags::STANDARD).unwrap();
    tx
}

/// An unsigned transaction (for blocks that must fail before scripts run).
fn unsigned(outpoints: &[OutPoint], outputs: Vec<TxOut>) -> Transaction {
    Transaction {
        version: 2,
        input: outpoints
            .iter()
            .map(|o| TxIn {
                previous_output: *o,
                script_sig: Script::new(),
                sequence: 0xffff_ffff,
                witness: Witness::new(),
            })
            .collect(),
        output: outputs,
        lock_time: 0,
    }
}

// ---------------------------------------------------------------------------------------
// Blocks built here
// ---------------------------------------------------------------------------------------

/// Tries nonces until the header meets its target (one try in two on regtest).
fn mine(block: &mut Block) {
    let target = Target::from_compact(block.header.bits, REGTEST.pow_limit).unwrap();
    while !target.is_met_by(block.header.block_hash()) {
        block.header.nonce = block.header.nonce.wrapping_add(1);
    }
}

/// Changes the nonce until the header misses its target.
fn unmine(block: &mut Block) {
    let target = Target::from_compact(block.header.bits, REGTEST.pow_limit).unwrap();
    while target.is_met_by(block.header.block_hash()) {
        block.header.nonce = block.header.nonce.wrapping_add(1);
    }
}

/// A block on `parent` (at `height - 1`) paying `payout`, with `txs`, mined.
fn child_block(parent: &Block, height: u32, payout: &Address, txs: Vec<Transaction>) -> Block {
    let subsidy = block_subsidy(height, &REGTEST);
    let mut block = Block {
        header: parent.header,
        txdata: vec![coinbase(height, 7, subsidy, &payout.script_pubkey())],
    };
    block.header.prev_blockhash = parent.block_hash();
    block.header.time = parent.header.time + 1;
    block.txdata.extend(txs);
    finish_block(&mut block);
    mine(&mut block);
    block
}

/// Recomputes the commitments and mines again after a change.
fn remake(mut block: Block) -> Block {
    finish_block(&mut block);
    mine(&mut block);
    block
}

// ---------------------------------------------------------------------------------------
// The test
// ---------------------------------------------------------------------------------------

#[test]
fn soud_answers_as_bitcoind() {
    let Some(bitcoind) = std::env::var_os("BITCOIND").filter(|p| !p.is_empty()) else {
        println!("SKIPPED: BITCOIND not set (the path of Bitcoin Core's bitcoind to compare with)");
        return;
    };
    let core = Bitcoind::start(Path::new(&bitcoind));
    let sou = TestNode::start(&[]);
    let mut pair = Pair {
        sou,
        core,
        differences: Vec::new(),
        known_seen: BTreeMap::new(),
        calls: BTreeMap::new(),
        leaves: 0,
    };
    let keys = Keys::new();
    let mut checkpoint = 0;
    let mut summaries = |pair: &mut Pair| {
        checkpoint += 1;
        println!(
            "checkpoint {checkpoint}: summaries at height {}",
            pair.sou.rpc("getblockcount", json!([]))
        );
        compare_summaries(pair);
    };

    // Genesis only.
    summaries(&mut pair);

    // 1..10: coinbases to keys held here (two each to P2WPKH, P2PKH, P2TR, P2SH-P2WPKH),
    // a bare key, P2WSH of OP_TRUE; then a burn address, a bare multisig, OP_TRUE again.
    // COINBASE_MATURITY = 100: the first ten are spendable in block 111.
    let mut mined: Vec<Block> = Vec::new();
    for address in [keys.p2wpkh(), keys.p2pkh(), keys.p2tr(), keys.p2sh_p2wpkh()] {
        mined.extend(pair.generate(2, &address.to_string()));
    }
    let bare_key = format!(
        "pk({})",
        hex::encode(keys.pkh.public.serialize_compressed())
    );
    mined.push(pair.generate_to_descriptor(&bare_key));
    let op_true = Address::p2wsh(&op_true_script(), Network::Regtest).to_string();
    mined.extend(pair.generate(1, &op_true));
    mined.extend(pair.generate(50, BURN));
    let bare_multisig = format!(
        "multi(1,{},{})",
        hex::encode(keys.multisig[0].public_key().serialize_compressed()),
        hex::encode(keys.multisig[1].public_key().serialize_compressed())
    );
    mined.push(pair.generate_to_descriptor(&bare_multisig));
    mined.extend(pair.generate(49, &op_true));
    assert_eq!(mined.len(), 110);
    let coinbase_coin =
        |height: usize, spend: Option<SpendInfo>| coin_of(&mined[height - 1].txdata[0], 0, spend);
    let wpkh = |k: &SigningKey| Some(SpendInfo::P2wpkh(k.clone()));
    let c1 = coinbase_coin(1, wpkh(&keys.wpkh));
    let c2 = coinbase_coin(2, wpkh(&keys.wpkh));
    let c3 = coinbase_coin(3, Some(SpendInfo::P2pkh(keys.pkh.clone())));
    let c4 = coinbase_coin(4, Some(SpendInfo::P2pkh(keys.pkh.clone())));
    let tr_key_path = Some(SpendInfo::P2trKeyPath {
        internal_key: keys.tr.clone(),
        merkle_root: None,
    });
    let c5 = coinbase_coin(5, tr_key_path.clone());
    let c6 = coinbase_coin(6, tr_key_path.clone());
    let c7 = coinbase_coin(7, Some(SpendInfo::P2shP2wpkh(keys.sh_wpkh.clone())));
    let c8 = coinbase_coin(8, Some(SpendInfo::P2shP2wpkh(keys.sh_wpkh.clone())));
    let c10 = coinbase_coin(10, None);
    summaries(&mut pair);

    // 111: one spend of each kind of coinbase, and a chain of two.
    const BTC: i64 = 100_000_000;
    const FEE: i64 = 10_000;
    let fan_out = spend(
        &[&c1],
        vec![
            pay(&keys.p2pkh(), 10 * BTC),
            pay(&keys.p2tr(), 10 * BTC),
            pay(&keys.p2wsh_multisig(), 10 * BTC),
            pay(&keys.p2tr_tree(), 10 * BTC),
            TxOut {
                value: Amount::ZERO,
                script_pubkey: Script::from_bytes(b"\x6a\x0fsou vs bitcoind".to_vec()),
            },
            pay(&keys.p2sh_p2wpkh(), 10 * BTC - FEE),
        ],
    );
    let from_p2pkh = spend(&[&c3], vec![pay(&keys.p2wpkh(), 50 * BTC - FEE)]);
    let from_p2tr = spend(&[&c5], vec![pay(&keys.p2pkh(), 50 * BTC - FEE)]);
    let from_p2sh = spend(&[&c7], vec![pay(&keys.p2tr(), 50 * BTC - FEE)]);
    let from_op_true = spend(
        &[&c10],
        vec![
            pay(&keys.p2wpkh(), 25 * BTC),
            pay(&keys.p2pkh(), 25 * BTC - FEE),
        ],
    );
    let fan_p2pkh = coin_of(&fan_out, 0, Some(SpendInfo::P2pkh(keys.pkh.clone())));
    let chained = spend_with(
        &[&fan_p2pkh],
        vec![pay(&keys.p2wpkh(), 10 * BTC - FEE)],
        1,
        0,
    );
    let b111_txs = [
        &fan_out,
        &from_p2pkh,
        &from_p2tr,
        &from_p2sh,
        &from_op_true,
        &chained,
    ];
    let b111 = pair.template(BURN, &b111_txs);
    pair.submit("block 111", &b111, Value::Null);
    pair.submit("block 111 again", &b111, json!("duplicate"));

    // 112: the outputs of 111 (P2WSH multisig, P2TR script path, P2TR key path with two
    // older coins, P2SH-P2WPKH with a lock time).
    let multisig = coin_of(
        &fan_out,
        2,
        Some(SpendInfo::P2wshMultisig {
            witness_script: keys.multisig_script(),
            keys: keys.multisig.to_vec(),
        }),
    );
    let from_multisig = spend(&[&multisig], vec![pay(&keys.p2wpkh(), 10 * BTC - FEE)]);
    let tree_coin = coin_of(&fan_out, 3, Some(keys.script_path()));
    let from_tree = spend(&[&tree_coin], vec![pay(&keys.p2tr(), 10 * BTC - FEE)]);
    let fan_tr = coin_of(&fan_out, 1, tr_key_path.clone());
    let mixed = spend(
        &[&fan_tr, &c2, &c4],
        vec![
            pay(&keys.p2wpkh(), 60 * BTC),
            pay(&keys.p2sh_p2wpkh(), 50 * BTC - FEE),
        ],
    );
    let fan_sh = coin_of(
        &fan_out,
        5,
        Some(SpendInfo::P2shP2wpkh(keys.sh_wpkh.clone())),
    );
    let locked = spend_with(
        &[&fan_sh],
        vec![pay(&keys.p2pkh(), 10 * BTC - 2 * FEE)],
        2,
        111,
    );
    let b112 = pair.template(
        &keys.p2wpkh().to_string(),
        &[&from_multisig, &from_tree, &mixed, &locked],
    );
    pair.submit("block 112", &b112, Value::Null);
    summaries(&mut pair);

    // 113: T and A1 spend coin 6 two ways; T comes first and stays the tip until A2.
    let t_spend = spend(&[&c6], vec![pay(&keys.p2wpkh(), 50 * BTC - FEE)]);
    let a_spend = spend(&[&c6], vec![pay(&keys.p2pkh(), 50 * BTC - 3 * FEE)]);
    let block_t = pair.template(&keys.p2tr().to_string(), &[&t_spend]);
    let block_a1 = pair.template(&keys.p2pkh().to_string(), &[&a_spend]);
    pair.submit("block T (113)", &block_t, Value::Null);
    pair.submit(
        "block A1 (113, second seen)",
        &block_a1,
        json!("inconclusive"),
    );
    pair.submit("block A1 again", &block_a1, json!("duplicate"));
    summaries(&mut pair);

    // 114: A2 on A1 spends A1's output and coin 8: both nodes switch to A1-A2, undoing T.
    let a1_out = coin_of(&a_spend, 0, Some(SpendInfo::P2pkh(keys.pkh.clone())));
    let a2_spend = spend(
        &[&a1_out, &c8],
        vec![pay(&keys.p2tr_tree(), 100 * BTC - 4 * FEE)],
    );
    let block_a2 = child_block(&block_a1, 114, &keys.p2sh_p2wpkh(), vec![a2_spend.clone()]);
    pair.submit("block A2 (114, reorg)", &block_a2, Value::Null);
    pair.submit("block T again", &block_t, json!("duplicate"));
    mined.extend(pair.generate(5, &keys.p2wpkh().to_string()));
    summaries(&mut pair);

    // The UTXO set, coin by coin.
    let tip_coinbase = mined.last().unwrap().txdata[0].compute_txid();
    let mut outpoints: Vec<(Txid, u32)> = vec![
        (c1.outpoint.txid, 0),                   // spent in 111
        (mined[10].txdata[0].compute_txid(), 0), // height 11, unspent, mature
        (mined[8].txdata[0].compute_txid(), 0),  // bare key
        (mined[60].txdata[0].compute_txid(), 0), // bare multisig
        (tip_coinbase, 0),                       // immature
        (tip_coinbase, 1),                       // witness commitment: never a coin
        (t_spend.compute_txid(), 0),             // undone by the reorg
        (a_spend.compute_txid(), 0),             // spent in A2
        (a2_spend.compute_txid(), 0),            // unspent, P2TR with a tree
        (block_t.txdata[0].compute_txid(), 0),   // stale coinbase
        (block_a2.txdata[0].compute_txid(), 0),  // A2's coinbase
        (chained.compute_txid(), 0),
        (from_op_true.compute_txid(), 0),
        (from_op_true.compute_txid(), 1),
        (from_op_true.compute_txid(), 2), // no such output
        (mixed.compute_txid(), 1),
        (locked.compute_txid(), 0),
        (from_tree.compute_txid(), 0),
        (Txid::from_byte_array([0x42; 32]), 0), // no such transaction
    ];
    for vout in 0..6 {
        outpoints.push((fan_out.compute_txid(), vout));
    }
    for (txid, vout) in &outpoints {
        pair.both("gettxout", json!([txid.to_string(), vout]));
        pair.both("gettxout", json!([txid.to_string(), vout, false]));
    }
    pair.both("gettxout", json!(["zz", 0]));
    for vout in [json!(-1), json!(4_294_967_295u64), json!(4_294_967_296u64)] {
        pair.both("gettxout", json!([tip_coinbase.to_string(), vout]));
    }

    // Every block, at every verbosity.
    let tip_height = pair.sou.rpc("getblockcount", json!([])).as_u64().unwrap();
    let mut hashes: Vec<String> = Vec::new();
    for height in 0..=tip_height {
        let h = pair.both("getblockhash", json!([height]));
        hashes.push(h.as_str().unwrap().to_string());
    }
    pair.both("getblockhash", json!([tip_height + 1]));
    pair.both("getblockhash", json!([-1]));
    hashes.push(block_t.block_hash().to_string());
    compare_blocks(&mut pair, &hashes);

    // Raw transactions found in blocks (no transaction index: by block hash).
    for (tx, block) in [
        (&fan_out, &b111),
        (&chained, &b111),
        (&mixed, &b112),
        (&t_spend, &block_t),
        (&a2_spend, &block_a2),
    ] {
        let txid = tx.compute_txid().to_string();
        let hash = block.block_hash().to_string();
        for verbosity in [0, 1, 2] {
            pair.both("getrawtransaction", json!([txid, verbosity, hash]));
        }
    }
    pair.both(
        "getrawtransaction",
        json!([fan_out.compute_txid().to_string()]),
    );

    // Every transaction and script, decoded.
    let mut all_blocks: Vec<Block> = Vec::new();
    for hash in &hashes {
        all_blocks.push(pair.sou_block(hash));
    }
    decode_everything(&mut pair, &all_blocks, &keys);

    // Broken blocks: each rule once, and each block a second time.
    let spendable = coin_of(&from_p2pkh, 0, wpkh(&keys.wpkh)); // unspent P2WPKH
    let base = broken_blocks(&mut pair, &keys, &mined, &spendable, &c1);
    summaries(&mut pair);

    // Errors that do not depend on the chain.
    pair.both("getblock", json!(["00".repeat(32)]));
    pair.both("getblockheader", json!(["00".repeat(32)]));
    pair.both("getblock", json!([hashes[1], 4]));
    pair.both("gettxoutsetinfo", json!(["bogus"]));
    pair.both("gettxoutsetinfo", json!(["muhash", 5]));
    pair.both("decoderawtransaction", json!(["00"]));
    pair.both("decodescript", json!(["zz"]));
    pair.both("submitblock", json!(["00"]));
    pair.both("generatetoaddress", json!([0, BURN]));
    pair.both("generatetodescriptor", json!([0, bare_key]));
    uncommitted_coinbase(&mut pair, &base);

    // Stop both, then report.
    let (status, stderr) = pair.sou.stop();
    assert!(status.success(), "soud stopped with {status}: {stderr}");
    pair.core.stop();

    let total: usize = pair.calls.values().sum();
    println!("\ncompared {total} calls ({} leaf values):", pair.leaves);
    for (method, count) in &pair.calls {
        println!("  {method}: {count}");
    }
    println!("\nknown differences (allowed):");
    for k in KNOWN {
        let seen = pair
            .known_seen
            .get(&(k.method, k.path))
            .copied()
            .unwrap_or(0);
        println!("  {} {} (seen {seen}x): {}", k.method, k.path, k.reason);
    }
    println!("\ndifferences ({}):", pair.differences.len());
    for d in &pair.differences {
        println!("  {d}");
    }
    assert!(
        pair.differences.is_empty(),
        "{} answers of soud differ from bitcoind's (listed above)",
        pair.differences.len()
    );
}

/// The chain's summary, its tips, the mining and deployment state, the UTXO set's hashes.
fn compare_summaries(pair: &mut Pair) {
    let tip = pair.both("getbestblockhash", json!([]));
    pair.both("getblockcount", json!([]));
    pair.both("getblockchaininfo", json!([]));
    pair.both("getchaintips", json!([]));
    pair.both("getdifficulty", json!([]));
    pair.both("getmininginfo", json!([]));
    pair.both("getdeploymentinfo", json!([]));
    pair.both("getdeploymentinfo", json!([tip]));
    let genesis = pair.both("getblockhash", json!([0]));
    pair.both("getdeploymentinfo", json!([genesis]));
    for hash_type in ["hash_serialized_3", "muhash", "none"] {
        pair.both("gettxoutsetinfo", json!([hash_type]));
    }
}

/// `getblock` at verbosity 0 to 3 and `getblockheader` both ways, for each block.
fn compare_blocks(pair: &mut Pair, hashes: &[String]) {
    for hash in hashes {
        for verbosity in [0, 1, 2, 3] {
            pair.both("getblock", json!([hash, verbosity]));
        }
        pair.both("getblockheader", json!([hash, true]));
        pair.both("getblockheader", json!([hash, false]));
    }
}

/// `decoderawtransaction` of every transaction (and the non-witness form of those with
/// witnesses), `decodescript` of every distinct output script, of some input scripts, and
/// of the redeem, witness and leaf scripts used.
fn decode_everything(pair: &mut Pair, blocks: &[Block], keys: &Keys) {
    let mut scripts: BTreeSet<Vec<u8>> = BTreeSet::new();
    for block in blocks {
        for tx in &block.txdata {
            let full = hex::encode(serialize(tx));
            pair.both("decoderawtransaction", json!([full]));
            if tx.has_witness() && !tx.is_coinbase() {
                let mut bare = Vec::new();
                tx.encode_without_witness(&mut bare);
                pair.both("decoderawtransaction", json!([hex::encode(bare), false]));
            }
            for output in &tx.output {
                scripts.insert(output.script_pubkey.as_bytes().to_vec());
            }
            for input in &tx.input {
                if !input.script_sig.is_empty() {
                    scripts.insert(input.script_sig.as_bytes().to_vec());
                }
            }
        }
    }
    scripts.insert(keys.multisig_script().into_bytes());
    scripts.insert(op_true_script().into_bytes());
    for leaf in keys.tree().leaves() {
        scripts.insert(leaf.script.into_bytes());
    }
    scripts.insert(
        Address::p2wpkh(&keys.sh_wpkh.public, Network::Regtest)
            .unwrap()
            .script_pubkey()
            .into_bytes(),
    );
    scripts.insert(Vec::new());
    for script in scripts {
        pair.both("decodescript", json!([hex::encode(script)]));
    }
}

/// Blocks that break one rule each, built on the tip from soud's own template; each sent
/// twice. Both nodes must give the same verdict each time.
///
/// Returns the valid block the broken ones were made from (not submitted).
fn broken_blocks(
    pair: &mut Pair,
    keys: &Keys,
    mined: &[Block],
    spendable: &Coin,
    spent: &Coin,
) -> Block {
    let tip_block = mined.last().unwrap();
    let base = pair.template(BURN, &[]);
    let height = pair.sou.rpc("getblockcount", json!([])).as_u64().unwrap() as u32 + 1;
    let mut cases: Vec<(&str, Block)> = Vec::new();

    let mut b = base.clone();
    b.txdata[0].output[0].value = Amount::from_sat(b.txdata[0].output[0].value.to_sat() + 1);
    cases.push(("coinbase pays one satoshi too much", remake(b)));

    let mut b = base.clone();
    b.header.merkle_root = sou_primitives::TxMerkleNode::from_byte_array([0x11; 32]);
    mine(&mut b);
    cases.push(("wrong merkle root", b));

    let missing = unsigned(
        &[OutPoint::new(Txid::from_byte_array([0x42; 32]), 0)],
        vec![pay(&keys.p2wpkh(), BTC_SAT)],
    );
    let mut b = base.clone();
    b.txdata.push(missing);
    cases.push(("spends a coin that never existed", remake(b)));

    let again = unsigned(&[spent.outpoint], vec![pay(&keys.p2wpkh(), BTC_SAT)]);
    let mut b = base.clone();
    b.txdata.push(again);
    cases.push(("spends a coin spent in block 111", remake(b)));

    let mut b = base.clone();
    let both_spend = spend(&[spendable], vec![pay(&keys.p2pkh(), BTC_SAT)]);
    let both_spend2 = spend(&[spendable], vec![pay(&keys.p2tr(), BTC_SAT)]);
    b.txdata.push(both_spend);
    b.txdata.push(both_spend2);
    cases.push(("two transactions spend the same coin", remake(b)));

    let mut b = base.clone();
    let mut wrong_key = spendable.clone();
    wrong_key.spend = Some(SpendInfo::P2wpkh(keys.pkh.clone()));
    let mut tx = unsigned(&[spendable.outpoint], vec![pay(&keys.p2pkh(), BTC_SAT)]);
    let precomputed = PrecomputedTransactionData::new(&tx, vec![spendable.output.clone()]);
    sign::sign_input(&mut tx, 0, wrong_key.spend.as_ref().unwrap(), &precomputed).unwrap();
    b.txdata.push(tx);
    cases.push(("P2WPKH witness with another key", remake(b)));

    let mut b = base.clone();
    let mut tx = spend(&[spendable], vec![pay(&keys.p2pkh(), BTC_SAT)]);
    tx.output[0].value = Amount::from_sat(BTC_SAT - 1); // the signature no longer matches
    b.txdata.push(tx);
    cases.push(("signature over other outputs", remake(b)));

    let mut b = base.clone();
    b.txdata.push(unsigned(
        &[spendable.outpoint],
        vec![pay(&keys.p2pkh(), spendable.output.value.to_sat() + 1)],
    ));
    cases.push(("outputs exceed inputs", remake(b)));

    let mut b = base.clone();
    let young = coin_of(&tip_block.txdata[0], 0, None);
    b.txdata.push(unsigned(
        &[young.outpoint],
        vec![pay(&keys.p2pkh(), BTC_SAT)],
    ));
    cases.push(("spends a coinbase 1 block old", remake(b)));

    let mut b = base.clone();
    let mut tx = unsigned(&[spendable.outpoint], vec![pay(&keys.p2pkh(), BTC_SAT)]);
    tx.lock_time = 1_000;
    tx.input[0].sequence = 0;
    b.txdata.push(tx);
    cases.push(("lock time in the future", remake(b)));

    let mut b = base.clone();
    let mut script = b.txdata[0].input[0].script_sig.clone().into_bytes();
    let right = bip34_height_script(height).len();
    script.splice(..right, bip34_height_script(height + 1).into_bytes());
    b.txdata[0].input[0].script_sig = Script::from_bytes(script);
    cases.push(("coinbase names the wrong height", remake(b)));

    let mut b = base.clone();
    let second = b.txdata[0].clone();
    b.txdata.push(second);
    cases.push(("two coinbases", remake(b)));

    let mut b = base.clone();
    b.txdata.remove(0);
    b.txdata
        .push(spend(&[spendable], vec![pay(&keys.p2pkh(), BTC_SAT)]));
    cases.push(("no coinbase", remake(b)));

    // [coinbase, x, y, y]: the same merkle root as [coinbase, x, y] (CVE-2012-2459).
    let mut b = base.clone();
    let missing = |byte| OutPoint::new(Txid::from_byte_array([byte; 32]), 0);
    let y = unsigned(&[missing(0x44)], vec![pay(&keys.p2pkh(), BTC_SAT)]);
    b.txdata.push(unsigned(
        &[missing(0x43)],
        vec![pay(&keys.p2pkh(), BTC_SAT)],
    ));
    b.txdata.push(y.clone());
    b.txdata.push(y);
    cases.push(("the last transaction twice (merkle mutation)", remake(b)));

    let mut b = base.clone();
    let commitment = b.witness_commitment_index().unwrap();
    let mut bad = b.txdata[0].output[commitment]
        .script_pubkey
        .clone()
        .into_bytes();
    let last = bad.len() - 1;
    bad[last] ^= 1;
    b.txdata[0].output[commitment].script_pubkey = Script::from_bytes(bad);
    b.txdata
        .push(spend(&[spendable], vec![pay(&keys.p2pkh(), BTC_SAT)]));
    b.header.merkle_root = b.compute_merkle_root().root;
    mine(&mut b);
    cases.push(("wrong witness commitment", b));

    let mut b = base.clone();
    unmine(&mut b);
    cases.push(("hash above the target", b));

    let mut b = base.clone();
    b.header.prev_blockhash = BlockHash::from_byte_array([0x42; 32]);
    mine(&mut b);
    cases.push(("unknown parent", b));

    let mut b = base.clone();
    b.header.bits = CompactTarget::from_consensus(0x207f_fffe);
    mine(&mut b);
    cases.push(("wrong nBits", b));

    let mut b = base.clone();
    b.header.time = tip_block.header.time.saturating_sub(3_600);
    mine(&mut b);
    cases.push(("time before the median of the last 11", b));

    let mut b = base.clone();
    b.header.time = base.header.time + 3 * 3_600;
    mine(&mut b);
    cases.push(("time three hours ahead", b));

    let mut b = base.clone();
    b.header.version = 1;
    mine(&mut b);
    cases.push(("version 1 after BIP34/65/66", b));

    for (what, block) in &cases {
        let hex = hex::encode(serialize(block));
        let first = pair.both("submitblock", json!([hex]));
        let second = pair.both("submitblock", json!([hex]));
        println!(
            "  broken block {}, {what}: bitcoind says {first} then {second}",
            block.block_hash()
        );
    }

    // The broken blocks that reached the block index are tips now; their headers and any
    // data kept must read the same.
    let hashes: Vec<String> = cases
        .iter()
        .map(|(_, b)| b.block_hash().to_string())
        .collect();
    compare_blocks(pair, &hashes);

    base
}

/// A valid block whose coinbase lacks the witness reserved value: Core's submitblock fills
/// it in (`UpdateUncommittedBlockStructures`) and takes the block. Last, as a different
/// verdict forks the two nodes.
fn uncommitted_coinbase(pair: &mut Pair, base: &Block) {
    let mut b = base.clone();
    b.txdata[0].input[0].witness = Witness::new();
    let verdict = pair.both("submitblock", json!([hex::encode(serialize(&b))]));
    println!("coinbase without its witness reserved value: bitcoind says {verdict}");
    pair.both("getbestblockhash", json!([]));
}

const BTC_SAT: i64 = 100_000_000;
