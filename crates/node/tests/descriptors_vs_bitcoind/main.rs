//! soud's `getdescriptorinfo` and `deriveaddresses` against bitcoind's: a thousand
//! generated descriptors (by default), each asked of both nodes, must get the same JSON
//! answer, or the same error, code and message.
//!
//! The descriptors come from a seed (see `generator.rs`): every function sou's descriptors
//! read (`pk`, `pkh`, `wpkh`, `combo`, `sh`, `wsh`, `multi`, `sortedmulti`, `tr` with
//! script trees of `pk`, `multi_a` and `sortedmulti_a` leaves, `rawtr`, `addr`, `raw`),
//! keys as hex, x-only, WIF, `tpub`/`tprv` with origins, paths, hardened steps, ranges
//! and multipath steps (BIP389, `<0;1>`, see `multipath.rs`), with or without checksums;
//! and broken ones: wrong checksums, bad keys, functions where they may not stand, text
//! that is almost a descriptor, multipath keys that disagree. Ranged descriptors are
//! derived over a small range, and some calls pass ranges Core refuses.
//!
//! Run it with Core's `bitcoind` (it prints `SKIPPED` without):
//!
//! ```text
//! BITCOIND=~/.cache/bitcoind/bin/bitcoind cargo test -p sou-node --test descriptors_vs_bitcoind -- --nocapture
//! ```
//!
//! `DESCRIPTOR_SEED` and `DESCRIPTOR_CASES` (at most 5,000) choose other descriptors; the
//! run also stops after two minutes, whatever the count.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    reason = "test code: a panic is a failed test, and the numbers are small"
)]

mod generator;
mod multipath;
#[path = "../support/mod.rs"]
mod support;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sou_wallet::descriptor::add_checksum;
use support::bitcoind::Bitcoind;
use support::{RpcFailure, TestNode};

use generator::{descriptor, Gen};

/// Descriptors compared by default.
const CASES: u64 = 1_000;
/// The most `DESCRIPTOR_CASES` may ask for.
const MAX_CASES: u64 = 5_000;
/// The run stops after this long, whatever the count.
const TIME_LIMIT: Duration = Duration::from_secs(120);
/// The default seed.
const SEED: u64 = 0x0380_0386_0387;

/// An answer as compared: the result written out (so that key order counts), or the
/// error's code and message.
fn answer(reply: Result<Value, RpcFailure>) -> Result<String, (i64, String)> {
    reply
        .map(|v| v.to_string())
        .map_err(|e| (e.code, e.message))
}

/// Valid and refused counts of one function.
#[derive(Default)]
struct Tally {
    valid: u64,
    refused: u64,
    derived: u64,
    not_derived: u64,
}

#[test]
fn descriptors_answer_as_in_bitcoind() {
    let Some(core) = Bitcoind::start_from_env() else {
        return;
    };
    let sou = TestNode::start(&[]);
    for method in ["getdescriptorinfo", "deriveaddresses"] {
        assert_eq!(
            answer(sou.call("help", json!([method]))),
            answer(core.call("help", json!([method]))),
            "help {method}"
        );
    }
    let seed = support::env_number("DESCRIPTOR_SEED").unwrap_or(SEED);
    let cases = support::env_number("DESCRIPTOR_CASES")
        .unwrap_or(CASES)
        .min(MAX_CASES);
    let mut g = Gen(seed);
    let started = Instant::now();
    let mut compared = 0u64;
    let mut tallies: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut differences = Vec::new();
    for case in 0..cases {
        if started.elapsed() > TIME_LIMIT {
            println!("stopping after {TIME_LIMIT:?}");
            break;
        }
        let generated = descriptor(&mut g);
        let text = generated.text;
        let tally = tallies.entry(generated.function).or_default();
        compared += 1;

        let params = json!([text]);
        let core_info = answer(core.call("getdescriptorinfo", params.clone()));
        let sou_info = answer(sou.call("getdescriptorinfo", params.clone()));
        if sou_info != core_info {
            differences.push(format!(
                "case {case}: getdescriptorinfo {params}\n  sou:  {sou_info:?}\n  core: {core_info:?}"
            ));
        }
        match &core_info {
            Ok(_) => tally.valid += 1,
            Err(_) => tally.refused += 1,
        }

        let ranged = core_info
            .as_ref()
            .ok()
            .and_then(|info| serde_json::from_str::<Value>(info).ok())
            .is_some_and(|info| info["isrange"] == json!(true));
        let params = derive_params(&mut g, &text, ranged);
        let core_addresses = answer(core.call("deriveaddresses", params.clone()));
        let sou_addresses = answer(sou.call("deriveaddresses", params.clone()));
        if sou_addresses != core_addresses {
            differences.push(format!(
                "case {case}: deriveaddresses {params}\n  sou:  {sou_addresses:?}\n  core: {core_addresses:?}"
            ));
        }
        match &core_addresses {
            Ok(_) => tally.derived += 1,
            Err(_) => tally.not_derived += 1,
        }
    }
    let sum = |f: fn(&Tally) -> u64| tallies.values().map(f).sum::<u64>();
    let (valid, refused) = (sum(|t| t.valid), sum(|t| t.refused));
    let (derived, not_derived) = (sum(|t| t.derived), sum(|t| t.not_derived));
    println!(
        "seed {seed:#x}: {compared} descriptors in {:.1?}: getdescriptorinfo {valid} valid, \
         {refused} refused; deriveaddresses {derived} derived, {not_derived} refused; {} differences",
        started.elapsed(),
        differences.len()
    );
    for (function, t) in &tallies {
        println!(
            "  {function:<10} valid {:>4}  refused {:>4}  derived {:>4}  not derived {:>4}",
            t.valid, t.refused, t.derived, t.not_derived
        );
    }
    for d in differences.iter().take(20) {
        println!("{d}");
    }
    assert!(compared >= 100, "only {compared} descriptors compared");
    assert!(
        valid >= compared / 2 && refused >= compared / 10 && derived >= compared / 4,
        "the generator should make all kinds: {valid} valid, {refused} refused, {derived} derived"
    );
    assert!(differences.is_empty(), "{} differences", differences.len());
}

/// The parameters of a `deriveaddresses` call: the text, mostly with its checksum added
/// (Core demands one), and a range that fits the descriptor, or now and then one that
/// does not, or one Core refuses.
fn derive_params(g: &mut Gen, text: &str, ranged: bool) -> Value {
    let text = match add_checksum(text) {
        Some(full) if !text.contains('#') && g.chance(85) => full,
        _ => text.to_string(),
    };
    if g.chance(8) {
        let bad = [
            json!([3, 1]),
            json!(-1),
            json!([-1, 2]),
            json!(2_147_483_648_u64),
            json!([0, 1_000_000]),
            json!([5, 1_000_005]),
            json!("2"),
            json!([1]),
            json!([1, 2, 3]),
            json!(1.5),
            json!([0, 2.5]),
            json!(null),
            json!({}),
        ];
        let bad = &bad[g.below(bad.len() as u64) as usize];
        return json!([text, bad]);
    }
    if ranged == g.chance(95) {
        let begin = g.below(5);
        let range = if g.chance(50) {
            json!([begin, begin + g.below(3)])
        } else {
            json!(g.below(3))
        };
        json!([text, range])
    } else {
        json!([text])
    }
}
