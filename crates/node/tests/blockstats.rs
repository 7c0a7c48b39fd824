//! `getblockstats` and `getchaintxstats`: values checked by hand, then against bitcoind.
//!
//! soud mines a chain with transactions whose fees are chosen here, signed with sou's
//! wallet crate:
//!
//! ```text
//! 0 ── 1, 2 ── 3 ──── 4..103 ──── 104 ───────────── 105 ───────────── 106
//!      P2WPKH  P2PKH  burn        A: fee 10000      D: fee 2000       coinbase
//!      coinbases                  B: fee 30000,     E: fee 8000       only
//!                                    OP_RETURN out  (spend A, B)
//!                                 C: fee 5000, P2PKH
//! ```
//!
//! The first test checks fees, medians, sizes, UTXO changes and the transaction counts
//! against values worked out from the transactions themselves, and Core's errors. The
//! second, when `BITCOIND` names Core's binary, hands every block to bitcoind and compares
//! both nodes' answers for every block, with and without a `stats` filter, by height and
//! by hash, and `getchaintxstats` over several windows: the JSON must be equal.
//!
//! ```text
//! BITCOIND=~/.cache/bitcoind/bin/bitcoind cargo test -p sou-node --test blockstats -- --nocapture
//! ```

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

mod support;

use serde_json::{json, Value};
use sou_keys::{Address, SecretKey};
use sou_primitives::encoding::{deserialize, serialize};
use sou_primitives::hashes::sha256;
use sou_primitives::{Amount, Block, Network, OutPoint, Script, Transaction, TxIn, TxOut, Witness};
use sou_script::{PrecomputedTransactionData, VerifyFlags};
use sou_wallet::{sign, SigningKey, SpendInfo};
use support::bitcoind::Bitcoind;
use support::{RpcFailure, TestNode, BURN_ADDRESS};

const COIN: i64 = 100_000_000;

// ---------------------------------------------------------------------------------------
// The chain
// ---------------------------------------------------------------------------------------

fn key(name: &str) -> SigningKey {
    SigningKey::new(
        SecretKey::from_byte_array(sha256(format!("sou blockstats {name}").as_bytes())).unwrap(),
    )
}

/// A coin this test can spend.
struct Coin {
    outpoint: OutPoint,
    output: TxOut,
    spend: SpendInfo,
}

fn coin(tx: &Transaction, vout: u32, spend: SpendInfo) -> Coin {
    Coin {
        outpoint: OutPoint::new(tx.compute_txid(), vout),
        output: tx.output[vout as usize].clone(),
        spend,
    }
}

fn pay(script_pubkey: Script, sat: i64) -> TxOut {
    TxOut {
        value: Amount::from_sat(sat),
        script_pubkey,
    }
}

/// A signed transaction spending `coins` to `outputs`.
fn spend(coins: &[&Coin], outputs: Vec<TxOut>) -> Transaction {
    let mut tx = Transaction {
        version: 2,
        input: coins
            .iter()
            .map(|c| TxIn {
                previous_output: c.outpoint,
                script_sig: Script::new(),
                sequence: 0xffff_fffd,
                witness: Witness::new(),
            })
            .collect(),
        output: outputs,
        lock_time: 0,
    };
    let spent: Vec<TxOut> = coins.iter().map(|c| c.output.clone()).collect();
    let precomputed = PrecomputedTransactionData::new(&tx, spent.clone());
    for (index, coin) in coins.iter().enumerate() {
        sign::sign_input(&mut tx, index, &coin.spend, &precomputed).unwrap();
    }
    sign::verify_transaction(&tx, &spent, VerifyFlags::STANDARD).unwrap();
    tx
}

fn sat(coin: &Coin) -> i64 {
    coin.output.value.to_sat()
}

/// The chain drawn at the top, mined on `node`: its blocks by height and the
/// transactions of 104 and 105 with their fees.
struct Chain {
    blocks: Vec<Block>,
    hashes: Vec<String>,
    /// (transaction, fee) of block 104: A, B, C.
    block_104: Vec<(Transaction, i64)>,
    /// (transaction, fee) of block 105: D, E.
    block_105: Vec<(Transaction, i64)>,
}

fn block_at(node: &TestNode, hash: &str) -> Block {
    let hex = node.rpc("getblock", json!([hash, 0]));
    deserialize(&hex::decode(hex.as_str().unwrap()).unwrap()).unwrap()
}

fn build_chain(node: &TestNode) -> Chain {
    let wpkh = key("p2wpkh");
    let pkh = key("p2pkh");
    let wpkh_address = Address::p2wpkh(&wpkh.public, Network::Regtest).unwrap();
    let pkh_address = Address::p2pkh(&pkh.public, Network::Regtest);
    node.rpc("generatetoaddress", json!([2, wpkh_address.to_string()]));
    node.rpc("generatetoaddress", json!([1, pkh_address.to_string()]));
    node.rpc("generatetoaddress", json!([100, BURN_ADDRESS]));
    let hashes = |node: &TestNode| -> Vec<String> {
        let tip = node.rpc("getblockcount", json!([])).as_u64().unwrap();
        (0..=tip)
            .map(|h| {
                node.rpc("getblockhash", json!([h]))
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    let mined = hashes(node);
    let coinbase =
        |height: usize, spend: SpendInfo| coin(&block_at(node, &mined[height]).txdata[0], 0, spend);
    let c1 = coinbase(1, SpendInfo::P2wpkh(wpkh.clone()));
    let c2 = coinbase(2, SpendInfo::P2wpkh(wpkh.clone()));
    let c3 = coinbase(3, SpendInfo::P2pkh(pkh.clone()));
    let to_wpkh = wpkh_address.script_pubkey();
    let to_pkh = pkh_address.script_pubkey();
    let op_return = Script::from_bytes(vec![0x6a, 4, b's', b'o', b'u', b'!']);

    // 104: A (P2WPKH, one output), B (P2WPKH, three outputs, one OP_RETURN), C (P2PKH).
    let a = spend(&[&c1], vec![pay(to_wpkh.clone(), sat(&c1) - 10_000)]);
    let b = spend(
        &[&c2],
        vec![
            pay(to_pkh.clone(), 20 * COIN),
            pay(op_return, 0),
            pay(to_wpkh.clone(), sat(&c2) - 20 * COIN - 30_000),
        ],
    );
    let c = spend(&[&c3], vec![pay(to_pkh.clone(), sat(&c3) - 5_000)]);
    let block_104 = vec![(a, 10_000), (b, 30_000), (c, 5_000)];
    generate_with(node, &block_104);

    // 105: D spends A's output, E B's P2PKH output, back to the other kind.
    let a_out = coin(&block_104[0].0, 0, SpendInfo::P2wpkh(wpkh.clone()));
    let b_out = coin(&block_104[1].0, 0, SpendInfo::P2pkh(pkh.clone()));
    let d = spend(&[&a_out], vec![pay(to_pkh, sat(&a_out) - 2_000)]);
    let e = spend(&[&b_out], vec![pay(to_wpkh, sat(&b_out) - 8_000)]);
    let block_105 = vec![(d, 2_000), (e, 8_000)];
    generate_with(node, &block_105);

    // 106: the coinbase alone.
    node.rpc("generatetoaddress", json!([1, BURN_ADDRESS]));
    let hashes = hashes(node);
    let blocks = hashes.iter().map(|h| block_at(node, h)).collect();
    Chain {
        blocks,
        hashes,
        block_104,
        block_105,
    }
}

/// Mines one block on soud with `txs` (`generateblock`).
fn generate_with(node: &TestNode, txs: &[(Transaction, i64)]) {
    let raw: Vec<String> = txs
        .iter()
        .map(|(tx, _)| hex::encode(serialize(tx)))
        .collect();
    node.rpc("generateblock", json!([BURN_ADDRESS, raw]));
}

// ---------------------------------------------------------------------------------------
// By hand
// ---------------------------------------------------------------------------------------

fn stat(node: &TestNode, height: usize, name: &str) -> i64 {
    node.rpc("getblockstats", json!([height, [name]]))[name]
        .as_i64()
        .unwrap_or_else(|| panic!("{name} of block {height}"))
}

fn error(node: &TestNode, method: &str, params: Value) -> (i64, String) {
    let e = node.call(method, params).unwrap_err();
    (e.code, e.message)
}

/// The feerate percentiles worked out the plain way: transactions sorted by feerate laid
/// end to end by weight, the feerate found at 10%, 25%, 50%, 75% and 90% of the length.
fn percentiles(txs: &[(Transaction, i64)]) -> Vec<i64> {
    let mut rates: Vec<(i64, i64)> = txs
        .iter()
        .map(|(tx, fee)| {
            let weight = tx.weight().to_wu() as i64;
            (fee * 4 / weight, weight)
        })
        .collect();
    rates.sort();
    let total: i64 = rates.iter().map(|r| r.1).sum();
    [10, 25, 50, 75, 90]
        .iter()
        .map(|percent| {
            let mut reached = 0;
            rates
                .iter()
                .find(|(_, w)| {
                    reached += w;
                    reached * 100 >= total * percent
                })
                .unwrap()
                .0
        })
        .collect()
}

#[test]
fn block_and_chain_statistics_by_hand() {
    let node = TestNode::start(&[]);
    let chain = build_chain(&node);

    // Block 104: three transactions with fees 10000, 30000 and 5000.
    let txs = &chain.block_104;
    let block = &chain.blocks[104];
    let all = node.rpc("getblockstats", json!([104]));
    let sizes: Vec<i64> = txs.iter().map(|(tx, _)| tx.total_size() as i64).collect();
    let weights: Vec<i64> = txs
        .iter()
        .map(|(tx, _)| tx.weight().to_wu() as i64)
        .collect();
    let total_weight: i64 = weights.iter().sum();
    let coinbase_outs = block.txdata[0].output.len() as i64;
    let expected = [
        ("txs", 4),
        ("ins", 3),
        ("outs", coinbase_outs + 1 + 3 + 1),
        ("totalfee", 45_000),
        ("avgfee", 15_000),
        ("minfee", 5_000),
        ("maxfee", 30_000),
        ("medianfee", 10_000),
        ("subsidy", 50 * COIN),
        ("height", 104),
        // Outputs of A, B and C: what the three coinbases held, less the fees.
        ("total_out", 150 * COIN - 45_000),
        ("total_size", sizes.iter().sum()),
        ("mintxsize", *sizes.iter().min().unwrap()),
        ("maxtxsize", *sizes.iter().max().unwrap()),
        ("mediantxsize", {
            let mut s = sizes.clone();
            s.sort();
            s[1]
        }),
        ("total_weight", total_weight),
        ("swtxs", 2),
        ("swtotal_size", sizes[0] + sizes[1]),
        ("swtotal_weight", weights[0] + weights[1]),
        ("avgfeerate", 45_000 * 4 / total_weight),
        ("minfeerate", 5_000 * 4 / weights[2]),
        ("maxfeerate", 30_000 * 4 / weights[1]),
        // Five outputs in, three coins out.
        ("utxo_increase", coinbase_outs + 5 - 3),
        // Less B's OP_RETURN and the coinbase's witness commitment (also OP_RETURN).
        ("utxo_increase_actual", coinbase_outs - 1 + 4 - 3),
    ];
    for (name, value) in expected {
        assert_eq!(all[name], json!(value), "block 104: {name}");
        assert_eq!(stat(&node, 104, name), value, "block 104 filtered: {name}");
    }
    assert_eq!(all["feerate_percentiles"], json!(percentiles(txs)));
    assert_eq!(all["blockhash"], json!(chain.hashes[104]));
    assert_eq!(all["time"], json!(block.header.time));
    // The UTXO set's growth: each new output's size plus 40 bytes, less each spent one's.
    let utxo_size = |o: &TxOut| serialize(o).len() as i64 + 40;
    let created: i64 = block
        .txdata
        .iter()
        .flat_map(|tx| &tx.output)
        .map(utxo_size)
        .sum();
    let spent: i64 = [1, 2, 3]
        .iter()
        .map(|h| utxo_size(&chain.blocks[*h].txdata[0].output[0]))
        .sum();
    assert_eq!(all["utxo_size_inc"], json!(created - spent));
    assert_eq!(all.as_object().unwrap().len(), 31, "every field of Core's");
    // By hash, the same answer.
    assert_eq!(node.rpc("getblockstats", json!([chain.hashes[104]])), all);

    // Block 105: two fees, the median the mean of both; 106: the coinbase alone.
    assert_eq!(stat(&node, 105, "medianfee"), 5_000);
    assert_eq!(stat(&node, 105, "totalfee"), 10_000);
    let sizes_105: i64 = chain
        .block_105
        .iter()
        .map(|(tx, _)| tx.total_size() as i64)
        .sum();
    assert_eq!(stat(&node, 105, "total_size"), sizes_105);
    let stats_105 = node.rpc("getblockstats", json!([105]));
    assert_eq!(
        stats_105["feerate_percentiles"],
        json!(percentiles(&chain.block_105))
    );
    let alone = node.rpc("getblockstats", json!([106]));
    for name in [
        "ins",
        "totalfee",
        "minfee",
        "maxfee",
        "avgfee",
        "swtxs",
        "mintxsize",
        "total_weight",
    ] {
        assert_eq!(alone[name], json!(0), "block 106: {name}");
    }
    assert_eq!(alone["feerate_percentiles"], json!([0, 0, 0, 0, 0]));
    assert_eq!(alone["txs"], json!(1));

    // The filter: a set, answered in byte order, duplicates once.
    let picked = node.rpc("getblockstats", json!([104, ["txs", "height", "txs"]]));
    assert_eq!(picked.to_string(), r#"{"height":104,"txs":4}"#);
    assert_eq!(node.rpc("getblockstats", json!([104, []])), all);

    // Core's errors.
    let tip = 106;
    let errors = [
        (
            json!([-1]),
            -8,
            "Target block height -1 is negative".to_string(),
        ),
        (
            json!([107]),
            -8,
            format!("Target block height 107 after current tip {tip}"),
        ),
        (json!(["00".repeat(32)]), -5, "Block not found".to_string()),
        (
            json!([104, ["txs", "nosuch"]]),
            -8,
            "Invalid selected statistic 'nosuch'".to_string(),
        ),
        (
            json!([104, [1]]),
            -3,
            "JSON value of type number is not of expected type string".to_string(),
        ),
    ];
    for (params, code, message) in errors {
        assert_eq!(
            error(&node, "getblockstats", params.clone()),
            (code, message),
            "{params}"
        );
    }

    // getchaintxstats: 107 coinbases and 5 transactions up to the tip; the default window
    // runs from block 1 (every block after genesis but one).
    let tx = node.rpc("getchaintxstats", json!([]));
    assert_eq!(tx["txcount"], json!(112));
    assert_eq!(tx["window_block_count"], json!(105));
    assert_eq!(tx["window_final_block_height"], json!(106));
    assert_eq!(tx["window_tx_count"], json!(112 - 2));
    let window = node.rpc("getchaintxstats", json!([2, chain.hashes[105]]));
    // Blocks 104 and 105: 2 coinbases + 5.
    assert_eq!(window["window_tx_count"], json!(7));
    assert_eq!(window["txcount"], json!(111));
    let empty = node.rpc("getchaintxstats", json!([0]));
    assert!(empty.get("window_interval").is_none());
    let bad = "Invalid block count: should be between 0 and the block's height - 1";
    assert_eq!(
        error(&node, "getchaintxstats", json!([-1])),
        (-8, bad.to_string())
    );
    assert_eq!(
        error(&node, "getchaintxstats", json!([106])),
        (-8, bad.to_string())
    );
}

// ---------------------------------------------------------------------------------------
// Against bitcoind
// ---------------------------------------------------------------------------------------

/// Asks both nodes; returns a description of the difference, if any. Results and errors
/// compare as JSON text: the same keys in the same order, numbers written the same way.
fn compare(sou: &TestNode, core: &Bitcoind, method: &str, params: Value) -> Option<String> {
    let answer = |r: Result<Value, RpcFailure>| match r {
        Ok(v) => v.to_string(),
        Err(e) => format!("error {} {:?}", e.code, e.message),
    };
    let s = answer(sou.call(method, params.clone()));
    let c = answer(core.call(method, params.clone()));
    (s != c).then(|| format!("{method} {params}:\n  sou:  {s}\n  core: {c}"))
}

#[test]
fn statistics_match_bitcoind() {
    let Some(core) = Bitcoind::start_from_env() else {
        return;
    };
    let sou = TestNode::start(&[]);
    let chain = build_chain(&sou);
    for block in &chain.blocks[1..] {
        let verdict = core.call("submitblock", json!([hex::encode(serialize(block))]));
        assert_eq!(
            verdict.unwrap(),
            Value::Null,
            "bitcoind takes {}",
            block.block_hash()
        );
    }
    let tip = chain.hashes.len() - 1;

    let mut calls: Vec<(&str, Value)> = Vec::new();
    for (height, hash) in chain.hashes.iter().enumerate() {
        calls.push(("getblockstats", json!([height])));
        calls.push(("getblockstats", json!([hash])));
        calls.push((
            "getblockstats",
            json!([height, ["totalfee", "avgfeerate", "utxo_size_inc_actual"]]),
        ));
    }
    // Every statistic alone, on the blocks with fees, a coinbase-only one and genesis.
    let names: Vec<String> = sou
        .rpc("getblockstats", json!([0]))
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    for height in [0, 1, 104, 105, 106] {
        for name in &names {
            calls.push(("getblockstats", json!([height, [name]])));
        }
        calls.push(("getblockstats", json!([chain.hashes[height], names])));
    }
    let unknown = "00".repeat(32);
    for params in [
        json!([104, ["txs", "height", "txs"]]),
        json!([104, []]),
        json!([104, ["nosuch", "txs"]]),
        json!([104, [1]]),
        json!([-1]),
        json!([tip + 1]),
        json!([1.5]),
        json!([unknown]),
        json!(["xyz"]),
        json!([true]),
        json!({"hash_or_height": 105, "stats": ["minfee"]}),
    ] {
        calls.push(("getblockstats", params));
    }
    for params in [
        json!([]),
        json!([0]),
        json!([1]),
        json!([2, chain.hashes[105]]),
        json!([null, chain.hashes[50]]),
        json!([null, chain.hashes[1]]),
        json!([null, chain.hashes[0]]),
        json!([0, chain.hashes[0]]),
        json!([tip - 1]),
        json!([tip]),
        json!([-1]),
        json!([null, unknown]),
        json!({"nblocks": 10}),
    ] {
        calls.push(("getchaintxstats", params));
    }

    let mut differences = Vec::new();
    let mut run = |calls: &[(&str, Value)]| {
        for (method, params) in calls {
            differences.extend(compare(&sou, &core, method, params.clone()));
        }
        calls.len()
    };
    let mut compared = run(&calls);

    // A block off the active chain: its statistics still answer, its window does not.
    let stale = &chain.hashes[tip];
    for node_call in [
        sou.call("invalidateblock", json!([stale])),
        core.call("invalidateblock", json!([stale])),
    ] {
        node_call.unwrap();
    }
    compared += run(&[
        ("getblockstats", json!([stale])),
        ("getblockstats", json!([tip])),
        ("getchaintxstats", json!([null, stale])),
        ("getchaintxstats", json!([])),
    ]);

    println!(
        "compared {compared} calls with bitcoind, {} differ",
        differences.len()
    );
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}
