//! sou-mempool's policy against bitcoind's `testmempoolaccept`, case by case.
//!
//! bitcoind (regtest) mines 110 blocks to a P2WPKH key this test holds, then a block
//! (`generateblock`, which applies consensus only) holding a funding transaction that
//! pays one coin of each kind in `coins.rs`: the wallet's four signed kinds, `OP_TRUE`
//! behind P2SH and P2WSH, P2SH redeem scripts of 15 and 16 sigops, an anchor, a bare
//! multisig, a bare `OP_TRUE`, a witness v2 program, and 170 more P2SH coins of 15 sigops
//! for BIP54's limit; the coinbase of block 110 is the immature coin.
//!
//! Each case (`cases.rs`) spends some of those coins, varied by a seeded generator over
//! one family of rules: versions, output templates and dust values, `OP_RETURN` sizes,
//! scriptSig shapes, witness shapes, sizes, fees at the minimum relay fee, sigop cost.
//! `testmempoolaccept` never adds to the mempool, so every case may spend the same coins.
//!
//! For each, sou's verdict is [`check_alone`], then [`check_with_coins`], then every
//! input's scripts under the standard flags ("script"); Core's is its `reject-reason`,
//! script failures ("mempool-script-verify-flag-failed (…)", "mandatory-…") read as
//! "script". The two must be equal, and so must Core's `reject-details` where sou's
//! message is Core's debug message. Counts are printed per family and per reason.
//!
//! ```text
//! BITCOIND=~/.cache/bitcoind/bin/bitcoind cargo test -p sou-node --test mempool_vs_bitcoind -- --nocapture
//! ```

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    reason = "test code: a panic is a failed test, and the numbers are small"
)]

mod cases;
mod coins;
#[path = "../support/mod.rs"]
mod support;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sou_chain::consensus::Coin;
use sou_mempool::{check_alone, check_with_coins, PolicyError, PolicyOptions};
use sou_primitives::encoding::serialize;
use sou_primitives::{Amount, FeeRate, OutPoint, Script, Transaction, TxIn, TxOut, Txid, Witness};
use sou_script::{PrecomputedTransactionData, VerifyFlags};
use sou_wallet::Rng;
use support::bitcoind::Bitcoind;

use cases::{make_case, Case};
use coins::{key, unlock_all, wpkh_script, Funded, Kind, BATCH, FUNDED};

/// Cases to try, if time allows.
const CASES: usize = 3_000;
/// Time for the cases, well inside the two minutes the whole test may take.
const BUDGET: Duration = Duration::from_secs(90);
/// The height of the block a mempool transaction would enter.
const SPEND_HEIGHT: u32 = 112;

fn txid_of(value: &Value) -> Txid {
    value.as_str().unwrap().parse().unwrap()
}

/// Mines the chain and the funding block; the coins the cases spend.
fn fund(node: &Bitcoind) -> Vec<Funded> {
    let key = key();
    let wpkh = wpkh_script(&key);
    let descriptor = format!("raw({})", hex::encode(wpkh.as_bytes()));
    let hashes = node
        .call("generatetodescriptor", json!([110, descriptor]))
        .unwrap();
    let coinbase_txid = |height: usize| {
        let block = node
            .call("getblock", json!([hashes[height - 1], 1]))
            .unwrap();
        txid_of(&block["tx"][0])
    };
    let coinbase_coin = |height: u32| Coin {
        output: TxOut {
            value: Amount::from_sat(50 * 100_000_000),
            script_pubkey: wpkh.clone(),
        },
        height,
        is_coinbase: true,
    };
    let mature = Funded {
        kind: Kind::Wpkh,
        outpoint: OutPoint::new(coinbase_txid(1), 0),
        coin: coinbase_coin(1),
    };
    let mut funding = Transaction {
        version: 2,
        input: vec![TxIn {
            previous_output: mature.outpoint,
            script_sig: Script::new(),
            sequence: 0xffff_fffd,
            witness: Witness::new(),
        }],
        output: FUNDED
            .iter()
            .map(|kind| TxOut {
                value: Amount::from_sat(100_000_000),
                script_pubkey: kind.script_pubkey(&key),
            })
            .collect(),
        lock_time: 0,
    };
    funding.output.extend((0..BATCH).map(|_| TxOut {
        value: Amount::from_sat(100_000),
        script_pubkey: Kind::ShSigops15Batch.script_pubkey(&key),
    }));
    let change =
        50 * 100_000_000 - 100_000_000 * FUNDED.len() as i64 - 100_000 * BATCH as i64 - 100_000;
    funding.output.push(TxOut {
        value: Amount::from_sat(change),
        script_pubkey: wpkh.clone(),
    });
    unlock_all(&mut funding, &[mature], &key);
    let raw = hex::encode(serialize(&funding));
    node.call("generateblock", json!([descriptor, [raw]]))
        .unwrap();
    let txid = funding.compute_txid();
    let kinds = FUNDED
        .iter()
        .copied()
        .chain(std::iter::repeat_n(Kind::ShSigops15Batch, BATCH));
    let mut coins: Vec<Funded> = kinds
        .enumerate()
        .map(|(vout, kind)| Funded {
            kind,
            outpoint: OutPoint::new(txid, vout as u32),
            coin: Coin {
                output: funding.output[vout].clone(),
                height: 111,
                is_coinbase: false,
            },
        })
        .collect();
    coins.push(Funded {
        kind: Kind::ImmatureCoinbase,
        outpoint: OutPoint::new(coinbase_txid(110), 0),
        coin: coinbase_coin(110),
    });
    coins
}

/// sou's verdict, and Core's `reject-details` where sou knows Core's debug message.
fn sou_verdict(case: &Case, options: &PolicyOptions) -> (String, Option<String>) {
    let coins: Vec<&Coin> = case.coins.iter().map(|c| &c.coin).collect();
    let checked = check_alone(&case.tx, options)
        .and_then(|()| check_with_coins(&case.tx, &coins, SPEND_HEIGHT, options));
    if let Err(e) = checked {
        let reason = e.reject_reason().into_owned();
        let details = match e {
            PolicyError::NonstandardInputs { .. }
            | PolicyError::TooManySigops { .. }
            | PolicyError::MinRelayFeeNotMet { .. }
            | PolicyError::DustWithFee
            | PolicyError::Truc { .. } => Some(format!("{reason}, {e}")),
            _ => None,
        };
        return (reason, details);
    }
    let spent: Vec<TxOut> = coins.iter().map(|c| c.output.clone()).collect();
    let precomputed = PrecomputedTransactionData::new(&case.tx, spent);
    for index in 0..case.tx.input.len() {
        let verdict = sou_script::interpreter::verify_input_with(
            &case.tx,
            index,
            &precomputed,
            VerifyFlags::STANDARD,
        );
        if verdict.is_err() {
            return ("script".to_string(), None);
        }
    }
    ("ok".to_string(), None)
}

/// Core's verdict (`testmempoolaccept`, fee cap off) and its `reject-details`.
fn core_verdict(node: &Bitcoind, tx: &Transaction) -> (String, String) {
    let raw = hex::encode(serialize(tx));
    let answer = node
        .call("testmempoolaccept", json!([[raw], 0]))
        .unwrap_or_else(|e| panic!("testmempoolaccept: {e:?}"));
    let result = &answer[0];
    if result["allowed"].as_bool() == Some(true) {
        return ("ok".to_string(), String::new());
    }
    let reason = result["reject-reason"].as_str().unwrap_or("").to_string();
    let details = result["reject-details"].as_str().unwrap_or("").to_string();
    let script = [
        "mempool-script-verify-flag-failed",
        "mandatory-script-verify-flag-failed",
    ];
    if script.iter().any(|p| reason.starts_with(p)) {
        return ("script".to_string(), details);
    }
    (reason, details)
}

/// Runs the cases against `node`, started with `options`' settings; prints the counts
/// and fails on any difference.
fn compare(node: &Bitcoind, options: &PolicyOptions, seed: u64) {
    let started = Instant::now();
    let coins = fund(node);
    let signer = key();
    let mut rng = Rng::seeded(seed);
    let mut by_reason: BTreeMap<String, usize> = BTreeMap::new();
    let mut differences = Vec::new();
    let mut details_checked = 0;
    let mut ran = 0;
    for index in 0..CASES {
        if started.elapsed() > BUDGET {
            break;
        }
        let case = make_case(index, &mut rng, &coins, &signer, options);
        let (sou, sou_details) = sou_verdict(&case, options);
        let (core, core_details) = core_verdict(node, &case.tx);
        ran += 1;
        // Non-standard inputs counted by Core's detail, numbers blanked.
        let key = if core == "bad-txns-nonstandard-inputs" {
            core_details.replace(|c: char| c.is_ascii_digit(), "#")
        } else {
            core.clone()
        };
        *by_reason.entry(key).or_default() += 1;
        let details_differ = match &sou_details {
            Some(d) if sou == core => {
                details_checked += 1;
                *d != core_details
            }
            _ => false,
        };
        if sou != core || details_differ {
            differences.push(format!(
                "case {index} ({}): sou {sou} {sou_details:?}, Core {core} ({core_details}): {}",
                case.family,
                hex::encode(serialize(&case.tx))
            ));
        }
    }
    let mut report = format!(
        "{ran} cases in {:.1?}, by Core's verdict:\n",
        started.elapsed()
    );
    for (reason, count) in &by_reason {
        report += &format!("  {count:>5}  {reason}\n");
    }
    report += &format!("reject-details compared: {details_checked}\n");
    report += &format!("differences: {}\n", differences.len());
    for d in differences.iter().take(20) {
        report += &format!("  {d}\n");
    }
    println!("{report}");
    assert!(ran >= 300, "only {ran} cases ran");
    assert!(differences.is_empty(), "{} differences", differences.len());
}

/// Core's default policy.
#[test]
fn default_policy_matches_testmempoolaccept() {
    let Some(node) = Bitcoind::start_from_env() else {
        return;
    };
    compare(&node, &PolicyOptions::default(), 0x5eed_0017);
}

/// A node operator's settings: a small data carrier, no bare multisig, other dust and
/// relay fee rates, a dearer sigop.
#[test]
fn operator_policy_matches_testmempoolaccept() {
    let Some(node) = Bitcoind::start_from_env_with(&[
        "-datacarriersize=90",
        "-permitbaremultisig=0",
        "-dustrelayfee=0.00001",
        "-minrelaytxfee=0.00002",
        "-bytespersigop=40",
    ]) else {
        return;
    };
    let options = PolicyOptions {
        max_datacarrier_bytes: Some(90),
        permit_bare_multisig: false,
        dust_relay_fee: FeeRate::from_sat_per_kvb(1_000),
        min_relay_fee: FeeRate::from_sat_per_kvb(2_000),
        bytes_per_sigop: 40,
    };
    compare(&node, &options, 0x5eed_0018);
}
