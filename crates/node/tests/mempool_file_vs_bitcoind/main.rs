//! `mempool.dat` as sou reads and writes it (`sou_mempool::persist`) against bitcoind's
//! own files and loader.
//!
//! 1. Core writes, sou reads. bitcoind mines 110 blocks to a P2WPKH key this test holds;
//!    the test signs spends of the mature coinbases with sou and sends them:
//!
//!    ```text
//!    coinbase 1 ── a ──┬── b ── c        a chain of three unconfirmed spends
//!                      └────────── e ── coinbase 3 (e spends a:1 and a confirmed coin)
//!    coinbase 2 ── d                     alone
//!    ```
//!
//!    each at its own time (`setmocktime`), with `prioritisetransaction` deltas on `b`
//!    and `d` in the pool, on `e` before it arrives, and on `f`, a transaction never sent
//!    (its delta lives in Core's `mapDeltas` only). After `savemempool`, sou reads the
//!    file: its entries, times, deltas, and unbroadcast set must be what `getrawmempool
//!    true` and `getprioritisedtransactions` say, parents before children, and written
//!    again with the file's key the bytes must be Core's.
//!
//! 2. sou writes, Core reads. For version 2 (a key of sou's) and version 1, sou writes a
//!    new pool: a parent and its child and a third transaction, each with its time and
//!    delta, a delta for an absent txid, and an unbroadcast set. Each file below goes to
//!    a fresh bitcoind given the chain (`-persistmempoolv1` for version 1) through
//!    `importmempool` (keeping the file's times, deltas and unbroadcast set), and
//!    whatever Core then holds must be what `SavedMempool::from_bytes_lenient` read:
//!    - damaged files, which Core refuses after keeping what it read before the fault:
//!      version 3; a key of 7 bytes; a file cut inside its second entry; 2^60 entries
//!      announced; 2^60 fee deltas announced; a file cut inside its unbroadcast set;
//!    - the file with 5 bytes after its end, which Core loads (sou's strict
//!      `from_bytes` refuses it);
//!    - the file itself, which Core loads: then its own `savemempool` file must read
//!      back as the same pool and re-encode to Core's bytes.
//!
//! ```text
//! BITCOIND=~/.cache/bitcoind/bin/bitcoind cargo test -p sou-node --test mempool_file_vs_bitcoind -- --nocapture
//! ```

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    reason = "test code: a panic is a failed test, and the numbers are small"
)]

#[allow(dead_code, reason = "this test spends only the P2WPKH coins")]
#[path = "../mempool_vs_bitcoind/coins.rs"]
mod coins;
#[path = "../support/mod.rs"]
mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};
use sou_chain::consensus::Coin;
use sou_mempool::persist::{Obfuscation, SavedEntry, SavedMempool};
use sou_primitives::encoding::{deserialize, serialize};
use sou_primitives::{Amount, Block, OutPoint, Script, Transaction, TxIn, TxOut, Txid, Witness};
use support::bitcoind::Bitcoind;

use coins::{key, unlock_all, wpkh_script, Funded, Kind};

/// The fee every spend pays, well above the minimum relay fee.
const FEE: i64 = 20_000;

/// The chain bitcoind mined: its blocks (to give to fresh nodes) and its mature coinbases.
struct Chain {
    blocks: Vec<String>,
    coinbases: Vec<Funded>,
}

fn mine(node: &Bitcoind) -> Chain {
    let wpkh = wpkh_script(&key());
    let descriptor = format!("raw({})", hex::encode(wpkh.as_bytes()));
    let hashes = node
        .call("generatetodescriptor", json!([110, descriptor]))
        .unwrap();
    let blocks: Vec<String> = hashes
        .as_array()
        .unwrap()
        .iter()
        .map(|hash| {
            let raw = node.call("getblock", json!([hash, 0])).unwrap();
            raw.as_str().unwrap().to_string()
        })
        .collect();
    // The coinbases of blocks 1 to 10 have 101 confirmations or more: spendable.
    let coinbases = blocks[..10]
        .iter()
        .enumerate()
        .map(|(i, raw)| {
            let block: Block = deserialize(&hex::decode(raw).unwrap()).unwrap();
            let coinbase = &block.txdata[0];
            Funded {
                kind: Kind::Wpkh,
                outpoint: OutPoint::new(coinbase.compute_txid(), 0),
                coin: Coin {
                    output: coinbase.output[0].clone(),
                    height: i as u32 + 1,
                    is_coinbase: true,
                },
            }
        })
        .collect();
    Chain { blocks, coinbases }
}

/// A signed spend of `inputs` into `outputs` P2WPKH outputs, paying [`FEE`]: the
/// transaction and its outputs as coins to spend further.
fn spend(inputs: &[&Funded], outputs: usize) -> (Transaction, Vec<Funded>) {
    let key = key();
    let total: i64 = inputs.iter().map(|f| f.coin.output.value.to_sat()).sum();
    let each = (total - FEE) / outputs as i64;
    let mut tx = Transaction {
        version: 2,
        input: inputs
            .iter()
            .map(|f| TxIn {
                previous_output: f.outpoint,
                script_sig: Script::new(),
                sequence: 0xffff_fffd,
                witness: Witness::new(),
            })
            .collect(),
        output: (0..outputs)
            .map(|_| TxOut {
                value: Amount::from_sat(each),
                script_pubkey: wpkh_script(&key),
            })
            .collect(),
        lock_time: 0,
    };
    let spent: Vec<Funded> = inputs.iter().map(|&f| f.clone()).collect();
    unlock_all(&mut tx, &spent, &key);
    let txid = tx.compute_txid();
    let funded = tx
        .output
        .iter()
        .enumerate()
        .map(|(vout, output)| Funded {
            kind: Kind::Wpkh,
            outpoint: OutPoint::new(txid, vout as u32),
            coin: Coin {
                output: output.clone(),
                height: 0,
                is_coinbase: false,
            },
        })
        .collect();
    (tx, funded)
}

fn txid_of(value: &Value) -> Txid {
    value.as_str().unwrap().parse().unwrap()
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// What a node's pool says about one transaction, as the file carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct EntryView {
    wtxid: String,
    time: i64,
    fee_delta: i64,
    unbroadcast: bool,
}

/// A pool as the file carries it: its entries by txid, and the deltas of absent txids.
#[derive(Debug, Clone, PartialEq, Eq)]
struct PoolView {
    entries: BTreeMap<Txid, EntryView>,
    absent_deltas: BTreeMap<Txid, i64>,
}

impl PoolView {
    /// What bitcoind says: `getrawmempool true` and `getprioritisedtransactions`.
    fn of_core(node: &Bitcoind) -> PoolView {
        let pool = node.call("getrawmempool", json!([true])).unwrap();
        let prioritised = node.call("getprioritisedtransactions", json!([])).unwrap();
        let delta_of = |txid: &str| prioritised[txid]["fee_delta"].as_i64().unwrap_or(0);
        let entries = pool
            .as_object()
            .unwrap()
            .iter()
            .map(|(txid, e)| {
                let view = EntryView {
                    wtxid: e["wtxid"].as_str().unwrap().to_string(),
                    time: e["time"].as_i64().unwrap(),
                    fee_delta: delta_of(txid),
                    unbroadcast: e["unbroadcast"].as_bool().unwrap(),
                };
                (txid.parse().unwrap(), view)
            })
            .collect();
        let absent_deltas = prioritised
            .as_object()
            .unwrap()
            .iter()
            .filter(|(_, p)| p["in_mempool"] == json!(false))
            .map(|(txid, p)| (txid.parse().unwrap(), p["fee_delta"].as_i64().unwrap()))
            .collect();
        PoolView {
            entries,
            absent_deltas,
        }
    }

    /// What a file says.
    fn of_file(saved: &SavedMempool) -> PoolView {
        let entries = saved
            .entries
            .iter()
            .map(|e| {
                let txid = e.tx.compute_txid();
                let view = EntryView {
                    wtxid: e.tx.compute_wtxid().to_string(),
                    time: e.time,
                    fee_delta: e.fee_delta.to_sat(),
                    unbroadcast: saved.unbroadcast.contains(&txid),
                };
                (txid, view)
            })
            .collect();
        let absent_deltas = saved
            .fee_deltas
            .iter()
            .map(|(txid, delta)| (*txid, delta.to_sat()))
            .collect();
        PoolView {
            entries,
            absent_deltas,
        }
    }
}

/// Core's `savemempool`: the file's bytes.
fn save(node: &Bitcoind) -> Vec<u8> {
    let saved = node.call("savemempool", json!([])).unwrap();
    std::fs::read(saved["filename"].as_str().unwrap()).unwrap()
}

/// Asserts every entry comes after the entries it spends.
fn assert_parents_first(saved: &SavedMempool) {
    let mut seen = BTreeSet::new();
    let all: BTreeSet<Txid> = saved.entries.iter().map(|e| e.tx.compute_txid()).collect();
    for entry in &saved.entries {
        for input in &entry.tx.input {
            let parent = input.previous_output.txid;
            assert!(
                !all.contains(&parent) || seen.contains(&parent),
                "{} before its parent {parent}",
                entry.tx.compute_txid()
            );
        }
        seen.insert(entry.tx.compute_txid());
    }
}

/// Reads Core's file with sou, checks it re-encodes to the same bytes, and returns it.
fn read_and_reencode(bytes: &[u8], version: u64) -> SavedMempool {
    assert_eq!(bytes[..8], version.to_le_bytes(), "Core's file version");
    let saved = SavedMempool::from_bytes(bytes).unwrap_or_else(|e| panic!("sou reads: {e}"));
    let key = SavedMempool::obfuscation_key(bytes).unwrap();
    assert_eq!(key.is_some(), version == 2);
    assert!(
        saved.to_bytes(key) == bytes,
        "sou's re-encoding of Core's version {version} file differs"
    );
    saved
}

/// Part 1: Core writes, sou reads.
fn core_writes_sou_reads(node: &Bitcoind, chain: &Chain) {
    let cb = &chain.coinbases;
    let (a, a_out) = spend(&[&cb[0]], 2);
    let (b, b_out) = spend(&[&a_out[0]], 1);
    let (c, _) = spend(&[&b_out[0]], 1);
    let (d, _) = spend(&[&cb[1]], 1);
    let (e, _) = spend(&[&a_out[1], &cb[2]], 1);
    let (f, _) = spend(&[&cb[3]], 1);
    let prioritise = |tx: &Transaction, delta: i64| {
        let txid = tx.compute_txid().to_string();
        node.call("prioritisetransaction", json!([txid, 0, delta]))
            .unwrap();
    };
    // e's delta arrives before e itself: in mapDeltas, then on e's entry.
    prioritise(&e, 3_000);
    let start = now();
    for (i, tx) in [&a, &b, &c, &d, &e].into_iter().enumerate() {
        // Entry times 17 seconds apart, so a time read from the wrong entry shows.
        node.call("setmocktime", json!([start + 17 * i as i64]))
            .unwrap();
        let raw = hex::encode(serialize(tx));
        let txid = node.call("sendrawtransaction", json!([raw])).unwrap();
        assert_eq!(txid_of(&txid), tx.compute_txid());
    }
    node.call("setmocktime", json!([0])).unwrap();
    prioritise(&b, 5_000);
    prioritise(&d, -700);
    prioritise(&f, 12_345);

    let bytes = save(node);
    let saved = read_and_reencode(&bytes, 2);
    let core = PoolView::of_core(node);
    let sou = PoolView::of_file(&saved);
    assert_eq!(sou, core, "the file against getrawmempool");
    assert_eq!(core.entries.len(), 5);
    assert_eq!(
        core.absent_deltas,
        BTreeMap::from([(f.compute_txid(), 12_345)])
    );
    assert_eq!(core.entries[&b.compute_txid()].fee_delta, 5_000);
    assert_eq!(core.entries[&e.compute_txid()].fee_delta, 3_000);
    assert_eq!(
        saved.unbroadcast.len(),
        5,
        "sendrawtransaction with no peers"
    );
    let sent: BTreeMap<Txid, &Transaction> = [&a, &b, &c, &d, &e]
        .into_iter()
        .map(|tx| (tx.compute_txid(), tx))
        .collect();
    for entry in &saved.entries {
        assert_eq!(&&entry.tx, &sent[&entry.tx.compute_txid()]);
    }
    assert_parents_first(&saved);
    // DumpMempool's deltas: Core's whole mapDeltas less the txids in the pool.
    let prioritised = node.call("getprioritisedtransactions", json!([])).unwrap();
    let map_deltas: BTreeMap<Txid, Amount> = prioritised
        .as_object()
        .unwrap()
        .iter()
        .map(|(txid, p)| {
            let delta = Amount::from_sat(p["fee_delta"].as_i64().unwrap());
            (txid.parse().unwrap(), delta)
        })
        .collect();
    assert_eq!(map_deltas.len(), 4);
    let rebuilt =
        SavedMempool::from_pool(saved.entries.clone(), map_deltas, saved.unbroadcast.clone());
    assert_eq!(rebuilt, saved);
    println!(
        "Core's file ({} bytes, version 2, key {}): {} entries, {} fee delta, {} unbroadcast; \
         sou reads what getrawmempool says and writes the same bytes",
        bytes.len(),
        hex::encode(SavedMempool::obfuscation_key(&bytes).unwrap().unwrap()),
        saved.entries.len(),
        saved.fee_deltas.len(),
        saved.unbroadcast.len(),
    );
}

/// `importmempool`, keeping the file's times, deltas and unbroadcast set.
fn import(node: &Bitcoind, path: &Path) -> Result<Value, support::RpcFailure> {
    let options = json!({
        "use_current_time": false,
        "apply_fee_delta_priority": true,
        "apply_unbroadcast_set": true,
    });
    node.call("importmempool", json!([path.to_str().unwrap(), options]))
}

/// A fresh bitcoind given the chain (`-persistmempoolv1` for version 1 files).
fn fresh_node(binary: &Path, chain: &Chain, version: u64) -> Bitcoind {
    let extra: &[&str] = if version == 1 {
        &["-persistmempoolv1=1"]
    } else {
        &[]
    };
    let node = Bitcoind::start_with(binary, extra);
    for raw in &chain.blocks {
        assert_eq!(node.call("submitblock", json!([raw])).unwrap(), json!(null));
    }
    node
}

/// `file` with its body (from the entry count on) in clear, as version 2 with `key` or
/// as version 1.
fn file_of(body: &[u8], key: Option<[u8; 8]>) -> Vec<u8> {
    let Some(key) = key else {
        let mut file = 1u64.to_le_bytes().to_vec();
        file.extend_from_slice(body);
        return file;
    };
    let mut file = 2u64.to_le_bytes().to_vec();
    file.push(8);
    file.extend_from_slice(&key);
    let mut body = body.to_vec();
    Obfuscation::new(key).apply(&mut body, file.len() as u64);
    file.extend_from_slice(&body);
    file
}

/// Part 2: sou writes, a fresh Core loads; `coins` are the coinbases this pool spends.
fn sou_writes_core_reads(binary: &Path, chain: &Chain, coins: &[Funded], key: Option<[u8; 8]>) {
    let version = if key.is_some() { 2 } else { 1 };
    // parent ── child, and one alone; an absent txid with a delta.
    let (parent, parent_out) = spend(&[&coins[0]], 1);
    let (child, _) = spend(&[&parent_out[0]], 1);
    let (alone, _) = spend(&[&coins[1]], 1);
    let (absent, _) = spend(&[&coins[2]], 1);
    let t = now() - 3_600;
    let entry = |tx: &Transaction, time: i64, delta: i64| SavedEntry {
        tx: tx.clone(),
        time,
        fee_delta: Amount::from_sat(delta),
    };
    let saved = SavedMempool {
        entries: vec![
            entry(&parent, t, 0),
            entry(&child, t + 60, 4_321),
            entry(&alone, t + 120, -50),
        ],
        fee_deltas: BTreeMap::from([(absent.compute_txid(), Amount::from_sat(999))]),
        unbroadcast: BTreeSet::from([parent.compute_txid(), alone.compute_txid()]),
    };
    let bytes = saved.to_bytes(key);
    assert_eq!(file_of(&saved.to_bytes(None)[8..], key), bytes);

    // Damaged files, made in clear (the body of version 1) and obfuscated as the version
    // needs: where each part of the body begins.
    let body = &saved.to_bytes(None)[8..];
    let entries_len: usize = saved
        .entries
        .iter()
        .map(|e| serialize(&e.tx).len() + 16)
        .sum();
    let second_entry = 8 + serialize(&parent).len() + 16;
    let deltas = 8 + entries_len;
    let unbroadcast = deltas + 1 + 40;
    let mut cases: Vec<(&str, Vec<u8>)> = Vec::new();
    let mut wrong_version = bytes.clone();
    wrong_version[..8].copy_from_slice(&3u64.to_le_bytes());
    cases.push(("version 3", wrong_version));
    if key.is_some() {
        let mut short_key = bytes.clone();
        short_key[8] = 7;
        cases.push(("a 7-byte key", short_key));
    }
    cases.push((
        "cut in the second entry",
        file_of(&body[..second_entry + 20], key),
    ));
    let mut huge_count = body.to_vec();
    huge_count[..8].copy_from_slice(&(1u64 << 60).to_le_bytes());
    cases.push(("2^60 entries announced", file_of(&huge_count, key)));
    let mut huge_deltas = body[..deltas].to_vec();
    huge_deltas.extend_from_slice(&[0xff, 0, 0, 0, 0, 0, 0, 0, 0x10]);
    huge_deltas.extend_from_slice(&body[deltas + 1..]);
    cases.push(("2^60 fee deltas announced", file_of(&huge_deltas, key)));
    cases.push((
        "cut in the unbroadcast set",
        file_of(&body[..unbroadcast + 10], key),
    ));
    let mut trailing = bytes.clone();
    trailing.extend_from_slice(&[0xab; 5]);
    cases.push(("5 bytes after the end", trailing));
    cases.push(("whole", bytes.clone()));

    let dir = support::fresh_datadir("mempool-file");
    let path = dir.join("mempool.dat");
    for (what, file) in &cases {
        let node = fresh_node(binary, chain, version);
        std::fs::write(&path, file).unwrap();
        let answer = import(&node, &path);
        let lenient = SavedMempool::from_bytes_lenient(file);
        match &lenient.error {
            None => {
                answer.unwrap_or_else(|e| panic!("{what}: importmempool: {e:?}"));
            }
            Some(_) => {
                let failure = answer.expect_err(what);
                assert_eq!(
                    (failure.code, failure.message.as_str()),
                    (
                        -1,
                        "Unable to import mempool file, see debug log for details."
                    ),
                    "{what}"
                );
            }
        }
        // Whatever Core kept is what sou's lenient reading kept.
        assert_eq!(
            PoolView::of_core(&node),
            PoolView::of_file(&lenient.mempool),
            "version {version}, {what}: bitcoind's pool against sou's reading"
        );
        let strict = match SavedMempool::from_bytes(file) {
            Ok(_) => "reads it".to_string(),
            Err(e) => format!("refuses it: {e}"),
        };
        println!(
            "version {version}, {what}: bitcoind {}, keeps {} entries, {} fee deltas, {} unbroadcast; sou {strict}",
            if lenient.error.is_some() { "fails" } else { "loads" },
            lenient.mempool.entries.len(),
            lenient.mempool.fee_deltas.len(),
            lenient.mempool.unbroadcast.len(),
        );
        if *what != "whole" {
            continue;
        }
        assert_eq!(lenient.mempool, saved);
        // Core's own file of that pool: the same pool, and sou re-encodes it byte for byte.
        let core_bytes = save(&node);
        let core_saved = read_and_reencode(&core_bytes, version);
        assert_eq!(PoolView::of_file(&core_saved), PoolView::of_file(&saved));
        assert_parents_first(&core_saved);
        println!(
            "version {version}: bitcoind's savemempool of sou's pool ({} bytes) reads back the same \
             and sou re-encodes it byte for byte",
            core_bytes.len()
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn mempool_file_vs_bitcoind() {
    // Without BITCOIND this prints SKIPPED and the test passes.
    let Some(node) = Bitcoind::start_from_env() else {
        return;
    };
    let binary = std::env::var_os("BITCOIND").unwrap();
    let chain = mine(&node);
    core_writes_sou_reads(&node, &chain);
    drop(node);
    let cb = &chain.coinbases;
    sou_writes_core_reads(
        Path::new(&binary),
        &chain,
        &cb[4..7],
        Some([0x9d, 0x13, 0x00, 0xff, 0x42, 0x7a, 0x01, 0xc8]),
    );
    sou_writes_core_reads(Path::new(&binary), &chain, &cb[7..10], None);
}
