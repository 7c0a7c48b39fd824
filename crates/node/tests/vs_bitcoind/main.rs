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
//!
//! The chain's story is told here, in order; the rest is one file each: `compare.rs` (both
//! nodes asked the same question, the answers diffed, [`KNOWN`]), `questions.rs` (the
//! questions asked at each checkpoint), `coins.rs` (keys, coins, signed spends),
//! `blocks.rs` (blocks built by hand, and the broken ones).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    reason = "test code: a panic is a failed test, and heights are small"
)]

mod blocks;
mod coins;
mod compare;
mod questions;
#[path = "../support/mod.rs"]
mod support;

use std::collections::BTreeMap;

use serde_json::{json, Value};
use sou_keys::Address;
use sou_primitives::{Amount, Block, Network, Script, TxOut, Txid};
use sou_wallet::{SigningKey, SpendInfo};
use support::bitcoind::Bitcoind;
use support::TestNode;

use blocks::{broken_blocks, child_block, uncommitted_coinbase};
use coins::{coin_of, op_true_script, pay, spend, spend_with, Keys};
use compare::{Pair, KNOWN};
use questions::{compare_blocks, compare_summaries, decode_everything};

/// The address of BIP173's example program on regtest: nobody knows its key.
const BURN: &str = support::BURN_ADDRESS;

#[test]
fn soud_answers_as_bitcoind() {
    let Some(core) = Bitcoind::start_from_env() else {
        return;
    };
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
