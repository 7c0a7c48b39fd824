//! sou's PSBT reader and writer against Core's: a thousand generated PSBTs (by default),
//! each read and written again by both, must come out the same byte for byte, or be refused by both.
//!
//! Core has no RPC that only reads and writes a PSBT, but `combinepsbt` given one PSBT does
//! just that: `CombinePSBTs` copies the first PSBT and has nothing to merge into it, and the
//! RPC writes the copy. So each PSBT goes to Core's `combinepsbt` and to sou's
//! `Psbt::deserialize` then `Psbt::serialize`, and the answers are compared.
//!
//! Every PSBT is made from a seed: a transaction of up to three inputs and outputs, then
//! records of every type BIP174, BIP371 and BIP373 define for each map, in random order,
//! with values that are mostly valid, often at an edge Core treats in its own way (empty
//! scripts and witnesses, all-zero internal keys and merkle roots, a witness UTXO of
//! amount -1, a non-witness UTXO in witness form, a final input that still has signatures,
//! leaf hashes repeated and out of order, extended keys Core counts as one, hybrid public
//! keys, preimages that do not match their hash, MuSig2 nonces keyed with and without a
//! zero leaf hash, proprietary and unknown types of every length), and now and then broken
//! (a key or value of the wrong size, a point off the curve, a version 2 field, a type that
//! is no canonical CompactSize). One in twenty is then mutated at random.
//!
//! Run it with Core's `bitcoind` (it prints `SKIPPED` without; it speaks JSON-RPC itself,
//! so `bitcoin-cli` is not needed):
//!
//! ```text
//! BITCOIND=~/.cache/bitcoind/bin/bitcoind cargo test -p sou-node --test psbt_vs_bitcoind -- --nocapture
//! ```
//!
//! `PSBT_SEED` and `PSBT_CASES` (at most 5,000) choose other PSBTs; the run also stops after
//! two minutes, whatever the count.
//!
//! The comparison is here; the generator is the `generator` module (`generator/values.rs`
//! for record values, `generator/maps.rs` for the maps), and `answers.rs` lists and tallies
//! the records of what comes back.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    reason = "test code: a panic is a failed test, and the numbers are small"
)]

mod answers;
mod generator;
#[path = "../support/mod.rs"]
mod support;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde_json::json;
use sou_wallet::psbt::{base64, Psbt};
use support::bitcoind::Bitcoind;

use answers::{first_difference, tally};
use generator::{generate, Gen};

/// PSBTs compared by default.
const CASES: u64 = 1_000;
/// The most `PSBT_CASES` may ask for.
const MAX_CASES: u64 = 5_000;
/// The run stops after this long, whatever the count.
const TIME_LIMIT: Duration = Duration::from_secs(120);
/// The default seed.
const SEED: u64 = 0x0174_0371_0373;

#[test]
fn psbts_pass_through_sou_as_through_bitcoind() {
    let Some(core) = Bitcoind::start_from_env() else {
        return;
    };
    let seed = support::env_number("PSBT_SEED").unwrap_or(SEED);
    let cases = support::env_number("PSBT_CASES")
        .unwrap_or(CASES)
        .min(MAX_CASES);
    let mut g = Gen(seed);
    let started = Instant::now();
    let (mut compared, mut written, mut refused) = (0u64, 0u64, 0u64);
    let mut rewritten = 0u64;
    let mut differences = Vec::new();
    let mut seen = BTreeMap::new();
    for case in 0..cases {
        if started.elapsed() > TIME_LIMIT {
            println!("stopping after {TIME_LIMIT:?}");
            break;
        }
        let bytes = generate(&mut g);
        let b64 = base64::encode(&bytes);
        let core_answer = core
            .call("combinepsbt", json!([[b64]]))
            .map(|v| base64::decode(v.as_str().expect("a string")).expect("Base64"));
        let sou_answer = Psbt::deserialize(&bytes).map(|p| (p.inputs.len(), p.serialize()));
        compared += 1;
        match (&sou_answer, &core_answer) {
            (Ok((inputs, s)), Ok(c)) if s == c => {
                written += 1;
                if *s != bytes {
                    rewritten += 1;
                }
                tally(s, *inputs, &mut seen);
            }
            (Err(_), Err(c)) => {
                assert_eq!(c.code, -22, "case {case}: {c:?}");
                refused += 1;
            }
            (Ok((_, s)), Ok(c)) => differences.push(format!(
                "case {case}: written differently: {}\n  in:   {}\n  sou:  {}\n  core: {}",
                first_difference(s, c),
                hex::encode(&bytes),
                hex::encode(s),
                hex::encode(c)
            )),
            (Ok(_), Err(c)) => differences.push(format!(
                "case {case}: sou accepts, core refuses ({})\n  in: {}",
                c.message,
                hex::encode(&bytes)
            )),
            (Err(e), Ok(_)) => differences.push(format!(
                "case {case}: sou refuses ({e}), core accepts\n  in: {}",
                hex::encode(&bytes)
            )),
        }
    }
    println!(
        "seed {seed:#x}: {compared} PSBTs in {:.1?}: {written} written identically ({rewritten} \
         of them not as they came in), {refused} refused by both, {} differences",
        started.elapsed(),
        differences.len()
    );
    for (kind, name) in ["global", "input", "output"].iter().enumerate() {
        let types: Vec<String> = seen
            .iter()
            .filter(|((k, _), _)| *k == kind)
            .map(|((_, t), n)| format!("{t}:{n}"))
            .collect();
        println!("{name} record types written: {}", types.join(" "));
    }
    for d in differences.iter().take(10) {
        println!("{d}");
    }
    assert!(compared >= 100, "only {compared} PSBTs compared");
    assert!(
        written >= compared / 3 && refused >= compared / 20,
        "the generator should make both kinds: {written} written, {refused} refused"
    );
    assert!(differences.is_empty(), "{} differences", differences.len());
}
