//! soud's PSBT RPCs against bitcoind's: the same requests to both must give the same JSON,
//! results and errors alike.
//!
//! What is asked, of a soud and a bitcoind started side by side on regtest:
//!
//! - `decodepsbt`, `analyzepsbt`, `finalizepsbt` (extracting or not) and `combinepsbt` of
//!   PSBTs made by the generator of `psbt_vs_bitcoind` (records of every type, at their
//!   edges, sometimes broken), and of PSBTs that sou's wallet signed for real, for every
//!   output type it signs, with some signatures missing (`signed.rs`);
//! - `createpsbt` and `converttopsbt` of generated inputs and outputs, bad parameters
//!   included (`create.rs`);
//! - `utxoupdatepsbt` of PSBTs spending coins that exist on both chains: bitcoind mines
//!   blocks paying to a set of descriptors and soud is handed the same blocks
//!   (`submitblock`), with and without descriptors, and again with `-txindex` on both
//!   (`chain.rs`);
//! - hostile text: not Base64, not a PSBT, very long (`hostile.rs`), which also runs
//!   without bitcoind, against Core's answers recorded here.
//!
//! Run it with Core's binaries (without `BITCOIND` it prints `SKIPPED` and passes):
//!
//! ```text
//! BITCOIND=~/.cache/bitcoind/bin/bitcoind cargo test -p sou-node --test psbt_rpc_vs_bitcoind -- --nocapture
//! ```
//!
//! It prints how many calls were compared, how many answers were identical, and each
//! difference, which must be none. `PSBT_SEED` and `PSBT_CASES` choose other generated
//! PSBTs.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    reason = "test code: a panic is a failed test, and the numbers are small"
)]

mod chain;
mod create;
#[path = "../psbt_vs_bitcoind/generator/mod.rs"]
#[allow(dead_code, reason = "the generator serves another test too")]
mod generator;
mod hostile;
mod signed;
#[path = "../support/mod.rs"]
mod support;

use std::collections::BTreeMap;
use std::time::Instant;

use serde_json::{json, Value};
use sou_wallet::psbt::base64;
use support::bitcoind::Bitcoind;
use support::{RpcFailure, TestNode};

/// Generated PSBTs sent by default.
const CASES: u64 = 400;
/// The default seed.
const SEED: u64 = 0x0174_5005;

/// The two nodes and the tally of their answers.
pub(crate) struct Compare<'a> {
    core: &'a Bitcoind,
    sou: &'a TestNode,
    calls: u64,
    identical: u64,
    errors: u64,
    /// `finalizepsbt` calls both answered with `complete: true`.
    complete: u64,
    differences: Vec<String>,
    /// Differences explained by [`known_difference`], by reason.
    known: BTreeMap<&'static str, u64>,
}

impl<'a> Compare<'a> {
    fn new(core: &'a Bitcoind, sou: &'a TestNode) -> Compare<'a> {
        Compare {
            core,
            sou,
            calls: 0,
            identical: 0,
            errors: 0,
            complete: 0,
            differences: Vec::new(),
            known: BTreeMap::new(),
        }
    }

    /// Sends `method(params)` to both and notes whether the answers are the same.
    pub(crate) fn check(&mut self, method: &str, params: Value) {
        let _ = self.ask(method, params);
    }

    /// [`Compare::check`], returning bitcoind's answer.
    pub(crate) fn ask(&mut self, method: &str, params: Value) -> Result<Value, RpcFailure> {
        let core = self.core.call(method, params.clone());
        let sou = self.sou.call(method, params.clone());
        let same = match (&core, &sou) {
            (Ok(c), Ok(s)) => c == s,
            (Err(c), Err(s)) => (c.code, &c.message) == (s.code, &s.message),
            _ => false,
        };
        self.tally(method, &params, &core, &sou, same);
        core
    }

    /// Counts one call whose answers were judged `same` or not.
    pub(crate) fn tally(
        &mut self,
        method: &str,
        params: &Value,
        core: &Result<Value, RpcFailure>,
        sou: &Result<Value, RpcFailure>,
        same: bool,
    ) {
        self.calls += 1;
        if same {
            self.identical += 1;
            if core.is_err() {
                self.errors += 1;
            }
            if method == "finalizepsbt" && core.as_ref().is_ok_and(|v| v["complete"] == true) {
                self.complete += 1;
            }
        } else if let Some(reason) = known_difference(core, sou) {
            *self.known.entry(reason).or_default() += 1;
        } else {
            let show = |r: &Result<Value, RpcFailure>| match r {
                Ok(v) => v.to_string(),
                Err(e) => format!("error {} {:?}", e.code, e.message),
            };
            let mut text = params.to_string();
            if text.len() > 2000 {
                text.truncate(2000);
                text.push_str("...");
            }
            self.differences.push(format!(
                "{method} {text}\n  core: {}\n  sou:  {}",
                show(core),
                show(sou)
            ));
        }
    }

    /// The PSBT-reading methods, each on `b64`.
    pub(crate) fn read_all(&mut self, b64: &str) {
        for (method, params) in [
            ("decodepsbt", json!([b64])),
            ("analyzepsbt", json!([b64])),
            ("finalizepsbt", json!([b64])),
            ("finalizepsbt", json!([b64, false])),
            ("combinepsbt", json!([[b64]])),
        ] {
            self.check(method, params);
        }
    }
}

/// Where sou answers otherwise than Core, knowingly: the reason, for a pair of answers.
fn known_difference(
    core: &Result<Value, RpcFailure>,
    sou: &Result<Value, RpcFailure>,
) -> Option<&'static str> {
    // Version 2 PSBTs (BIP370): sou writes them (createpsbt, converttopsbt) but reads
    // version 0 only; Core reads both.
    if sou
        .as_ref()
        .is_err_and(|e| e.message.contains("PSBT version 2 is not supported by sou"))
    {
        return Some("a PSBT of version 2 is read by Core, refused by sou");
    }
    // createrawtransaction's parser, which createpsbt shares, reads an output's amount
    // before it refuses a duplicated address; Core refuses the address first.
    if let (Err(c), Err(s)) = (core, sou) {
        if c.message
            .starts_with("Invalid parameter, duplicated address")
            && s.code == -3
        {
            return Some("createrawtransaction checks the amount before the duplicated address");
        }
    }
    // It also takes `{"data": ""}`, which Core's `IsHex` refuses.
    if core
        .as_ref()
        .is_err_and(|c| c.message == "Data must be hexadecimal string (not '')")
    {
        return Some("createrawtransaction takes empty data, which Core refuses");
    }
    None
}

#[test]
fn psbt_rpcs_answer_as_bitcoind() {
    let Some(core) = Bitcoind::start_from_env() else {
        return;
    };
    let sou = TestNode::start(&[]);
    let started = Instant::now();
    let mut cmp = Compare::new(&core, &sou);

    let seed = support::env_number("PSBT_SEED").unwrap_or(SEED);
    let cases = support::env_number("PSBT_CASES").unwrap_or(CASES);
    let mut g = generator::Gen(seed);
    for _ in 0..cases {
        let b64 = base64::encode(&generator::generate(&mut g));
        cmp.read_all(&b64);
    }
    let generated = cmp.calls;
    signed::compare(&mut cmp, seed);
    let signed_calls = cmp.calls - generated;
    create::compare(&mut cmp, seed);
    let chain_start = cmp.calls;
    chain::compare(&mut cmp, &core, &sou);
    hostile::compare(&mut cmp);
    println!(
        "seed {seed:#x}: {} calls in {:.1?} ({generated} on generated PSBTs, {signed_calls} on \
         signed ones, {} on chain coins and hostile text): {} identical ({} of them errors, {} finalizepsbt \
         complete), {} known differences, {} differences",
        cmp.calls,
        started.elapsed(),
        cmp.calls - chain_start,
        cmp.identical,
        cmp.errors,
        cmp.complete,
        cmp.known.values().sum::<u64>(),
        cmp.differences.len()
    );
    for (reason, n) in &cmp.known {
        println!("known difference, {n} calls: {reason}");
    }
    for d in cmp.differences.iter().take(15) {
        println!("{d}");
    }
    // All of them, to a file, when asked.
    if let Some(path) = std::env::var_os("PSBT_RPC_DIFFERENCES") {
        std::fs::write(path, cmp.differences.join("\n")).unwrap();
    }
    assert!(cmp.calls >= 1000, "only {} calls", cmp.calls);
    assert!(
        cmp.differences.is_empty(),
        "{} differences",
        cmp.differences.len()
    );
}

/// With `-txindex`, `utxoupdatepsbt` gives inputs the whole previous transaction (then
/// drops it where no input needs one), as Core does.
#[test]
fn utxoupdatepsbt_with_txindex_answers_as_bitcoind() {
    let Some(core) = Bitcoind::start_from_env_with(&["-txindex"]) else {
        return;
    };
    let sou = TestNode::start(&["-txindex"]);
    let mut cmp = Compare::new(&core, &sou);
    chain::compare(&mut cmp, &core, &sou);
    println!(
        "with -txindex: {} calls, {} identical ({} of them errors), {} differences",
        cmp.calls,
        cmp.identical,
        cmp.errors,
        cmp.differences.len()
    );
    for d in cmp.differences.iter().take(5) {
        println!("{d}");
    }
    assert!(cmp.calls >= 100, "only {} calls", cmp.calls);
    assert!(
        cmp.differences.is_empty(),
        "{} differences",
        cmp.differences.len()
    );
}
