//! Comparing two nodes' answers, and keeping the score: how often each step kind ran,
//! how often each node gave each verdict, and every difference.
//!
//! A difference is *hard* (the test fails) when it is in a verdict (`allowed`,
//! `reject-reason`, the size and fees of what is allowed), in an RPC error's code or
//! reason (the message up to its first ", ", Core's `ToString` of reason and details), in
//! `submitpackage`'s `package_msg` reason, per-transaction `error` reason, sizes, fees or
//! replaced transactions, in the pool's contents (`getrawmempool`, `getmempoolinfo` size,
//! bytes and total fee, the fields of `getmempoolentry`, `getmempoolancestors`,
//! `getmempooldescendants`, `getprioritisedtransactions`), or in a block's fate
//! (`submitblock`, `invalidateblock`, `reconsiderblock`). It is *soft* (printed only)
//! when it is in wording (`reject-details`, the rest of an error message), in the entry
//! fields that say nothing of policy (`time`, `unbroadcast`), in the other fields of
//! `getmempoolinfo`, or in `getmempoolcluster` and `getmempoolfeeratediagram`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde_json::Value;

use crate::support::RpcFailure;

/// Entry fields whose difference is printed but does not fail the test.
const SOFT_ENTRY_FIELDS: [&str; 3] = ["time", "unbroadcast", "bip125-replaceable"];

/// `getmempoolinfo` fields that must match.
const HARD_INFO_FIELDS: [&str; 3] = ["size", "bytes", "total_fee"];

/// `getmempoolinfo` fields not compared at all (they measure the implementation).
const IGNORED_INFO_FIELDS: [&str; 1] = ["usage"];

/// One difference.
pub(crate) struct Difference {
    pub(crate) hard: bool,
    pub(crate) step: usize,
    pub(crate) label: String,
    pub(crate) what: String,
    pub(crate) request: String,
    /// The request whole (for the file).
    pub(crate) request_full: String,
    pub(crate) reference: String,
    pub(crate) subject: String,
}

/// The score of a run.
#[derive(Default)]
pub(crate) struct Score {
    /// Actions per `kind/variant`.
    pub(crate) actions: BTreeMap<String, usize>,
    /// Verdicts per reason: (reference, subject).
    pub(crate) reasons: BTreeMap<String, (usize, usize)>,
    /// The reference's verdicts per `kind/variant`.
    pub(crate) by_label: BTreeMap<String, BTreeMap<String, usize>>,
    /// Wording compared and found equal, by what.
    pub(crate) wording_equal: usize,
    /// Children of pooled transactions near or past the cluster limits, with the
    /// reference's verdict.
    pub(crate) limits: BTreeMap<String, usize>,
    pub(crate) differences: Vec<Difference>,
    /// Where the differences are counted while comparing one action.
    pub(crate) step: usize,
    pub(crate) label: String,
    pub(crate) request: String,
    pub(crate) request_full: String,
}

/// A request for the printout: long hex strings cut short.
pub(crate) fn shorten(value: &Value) -> String {
    let text = value.to_string();
    let mut out = String::new();
    for piece in text.split('"') {
        if !out.is_empty() {
            out.push('"');
        }
        if piece.len() > 160 {
            let head: String = piece.chars().take(160).collect();
            let _ = write!(out, "{head}…({} chars)", piece.len());
        } else {
            out.push_str(piece);
        }
    }
    out
}

/// `text` with runs of 40 or more hex digits (raw transactions in a message) as `<hex>`.
fn without_hex(text: &str) -> String {
    let mut out = String::new();
    let mut run = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_hexdigit() {
            run.push(c);
            continue;
        }
        if run.len() >= 40 {
            out.push_str("<hex>");
        } else {
            out.push_str(&run);
        }
        run.clear();
        out.push(c);
    }
    out.pop();
    out
}

/// The part of a message before its details (Core's `ToString`: reason, ", ", details).
pub(crate) fn reason_of(message: &str) -> &str {
    message.split(", ").next().unwrap_or(message)
}

fn show(result: &Result<Value, RpcFailure>) -> String {
    match result {
        Ok(v) => shorten(v),
        Err(e) => format!("error {}: {}", e.code, e.message),
    }
}

impl Score {
    /// Starts scoring an action.
    pub(crate) fn begin(&mut self, step: usize, kind: &str, variant: &str, request: &Value) {
        self.step = step;
        self.label = format!("{kind}/{variant}");
        *self.actions.entry(self.label.clone()).or_default() += 1;
        self.set_request(request);
    }

    /// The request now being compared (a method and its parameters).
    pub(crate) fn set_request(&mut self, request: &Value) {
        self.request = shorten(request);
        self.request_full = request.to_string();
    }

    /// Records a difference in the current action.
    pub(crate) fn differ(&mut self, hard: bool, what: &str, reference: String, subject: String) {
        self.differences.push(Difference {
            hard,
            step: self.step,
            label: self.label.clone(),
            what: what.to_string(),
            request: self.request.clone(),
            request_full: self.request_full.clone(),
            reference,
            subject,
        });
    }

    /// Counts a verdict of each node.
    pub(crate) fn count(&mut self, reference: &str, subject: &str) {
        self.reasons.entry(without_hex(reference)).or_default().0 += 1;
        *self
            .by_label
            .entry(self.label.clone())
            .or_default()
            .entry(without_hex(reference))
            .or_default() += 1;
        self.reasons.entry(without_hex(subject)).or_default().1 += 1;
    }

    /// Compares a strict value.
    fn strict(&mut self, what: &str, a: &Value, b: &Value) {
        if a != b {
            self.differ(true, what, shorten(a), shorten(b));
        }
    }

    /// Compares values whose difference is only printed.
    pub(crate) fn loose(&mut self, what: &str, a: &Value, b: &Value) {
        self.wording(what, a, b);
    }

    /// Compares wording.
    fn wording(&mut self, what: &str, a: &Value, b: &Value) {
        if a == b {
            if !a.is_null() {
                self.wording_equal += 1;
            }
        } else {
            self.differ(false, what, shorten(a), shorten(b));
        }
    }

    /// Compares RPC errors: code and reason strictly, the whole message as wording.
    fn errors(&mut self, what: &str, a: &RpcFailure, b: &RpcFailure) {
        if a.code != b.code || reason_of(&a.message) != reason_of(&b.message) {
            self.differ(
                true,
                what,
                format!("error {}: {}", a.code, a.message),
                format!("error {}: {}", b.code, b.message),
            );
        } else if a.message != b.message {
            self.differ(false, what, a.message.clone(), b.message.clone());
        } else {
            self.wording_equal += 1;
        }
    }

    /// Compares two answers of the same request, where any error is compared as such,
    /// and an answer by `each`.
    fn answers(
        &mut self,
        what: &str,
        a: &Result<Value, RpcFailure>,
        b: &Result<Value, RpcFailure>,
        each: impl FnOnce(&mut Score, &Value, &Value),
    ) {
        match (a, b) {
            (Ok(a), Ok(b)) => each(self, a, b),
            (Err(ea), Err(eb)) => {
                self.count(
                    &format!("{what}: error {} {}", ea.code, reason_of(&ea.message)),
                    &format!("{what}: error {} {}", eb.code, reason_of(&eb.message)),
                );
                self.errors(what, ea, eb);
            }
            _ => {
                let name = |r: &Result<Value, RpcFailure>| match r {
                    Ok(_) => format!("{what}: ok"),
                    Err(e) => format!("{what}: error {} {}", e.code, reason_of(&e.message)),
                };
                self.count(&name(a), &name(b));
                self.differ(true, what, show(a), show(b));
            }
        }
    }

    /// `testmempoolaccept`'s answers, one result per transaction.
    pub(crate) fn testmempoolaccept(
        &mut self,
        a: &Result<Value, RpcFailure>,
        b: &Result<Value, RpcFailure>,
    ) {
        self.answers("testmempoolaccept", a, b, |score, a, b| {
            let (Some(ra), Some(rb)) = (a.as_array(), b.as_array()) else {
                score.differ(true, "testmempoolaccept shape", shorten(a), shorten(b));
                return;
            };
            if ra.len() != rb.len() {
                score.differ(true, "testmempoolaccept length", shorten(a), shorten(b));
            }
            for (x, y) in ra.iter().zip(rb) {
                let verdict = |r: &Value| match r["allowed"].as_bool() {
                    Some(true) => "testmempoolaccept: allowed".to_string(),
                    Some(false) => format!(
                        "testmempoolaccept: {}",
                        r["reject-reason"].as_str().unwrap_or("?")
                    ),
                    None => match r["package-error"].as_str() {
                        Some(e) => format!("testmempoolaccept: (not validated) {e}"),
                        None => "testmempoolaccept: (not validated)".to_string(),
                    },
                };
                score.count(&verdict(x), &verdict(y));
                for field in [
                    "txid",
                    "wtxid",
                    "allowed",
                    "reject-reason",
                    "package-error",
                    "vsize",
                    "fees",
                ] {
                    score.strict(&format!("testmempoolaccept {field}"), &x[field], &y[field]);
                }
                score.wording(
                    "testmempoolaccept reject-details",
                    &x["reject-details"],
                    &y["reject-details"],
                );
                let known: BTreeSet<&str> = [
                    "txid",
                    "wtxid",
                    "allowed",
                    "reject-reason",
                    "package-error",
                    "vsize",
                    "fees",
                    "reject-details",
                ]
                .into();
                score.other_fields("testmempoolaccept", x, y, &known);
            }
        });
    }

    /// Fields outside `known` present in either answer: compared as wording.
    fn other_fields(&mut self, what: &str, a: &Value, b: &Value, known: &BTreeSet<&str>) {
        let keys = |v: &Value| -> BTreeSet<String> {
            v.as_object()
                .map(|o| o.keys().cloned().collect())
                .unwrap_or_default()
        };
        for key in keys(a).union(&keys(b)) {
            if !known.contains(key.as_str()) {
                self.wording(&format!("{what} {key}"), &a[key], &b[key]);
            }
        }
    }

    /// `sendrawtransaction`'s answers.
    pub(crate) fn sendrawtransaction(
        &mut self,
        a: &Result<Value, RpcFailure>,
        b: &Result<Value, RpcFailure>,
    ) {
        self.answers("sendrawtransaction", a, b, |score, a, b| {
            score.count("sendrawtransaction: ok", "sendrawtransaction: ok");
            score.strict("sendrawtransaction txid", a, b);
        });
    }

    /// `submitpackage`'s answers.
    pub(crate) fn submitpackage(
        &mut self,
        a: &Result<Value, RpcFailure>,
        b: &Result<Value, RpcFailure>,
    ) {
        self.answers("submitpackage", a, b, |score, a, b| {
            let msg = |v: &Value| v["package_msg"].as_str().unwrap_or("?").to_string();
            let (ma, mb) = (msg(a), msg(b));
            score.count(
                &format!("submitpackage: {}", reason_of(&ma)),
                &format!("submitpackage: {}", reason_of(&mb)),
            );
            if reason_of(&ma) != reason_of(&mb) {
                score.differ(true, "submitpackage package_msg", ma, mb);
            } else {
                score.wording(
                    "submitpackage package_msg",
                    &a["package_msg"],
                    &b["package_msg"],
                );
            }
            let set = |v: &Value| -> BTreeSet<String> {
                v.as_array()
                    .map(|l| l.iter().map(ToString::to_string).collect())
                    .unwrap_or_default()
            };
            if set(&a["replaced-transactions"]) != set(&b["replaced-transactions"]) {
                score.differ(
                    true,
                    "submitpackage replaced-transactions",
                    shorten(&a["replaced-transactions"]),
                    shorten(&b["replaced-transactions"]),
                );
            }
            let results = |v: &Value| v["tx-results"].as_object().cloned().unwrap_or_default();
            let (ra, rb) = (results(a), results(b));
            let keys: BTreeSet<&String> = ra.keys().chain(rb.keys()).collect();
            for wtxid in keys {
                let (x, y) = (&a["tx-results"][wtxid], &b["tx-results"][wtxid]);
                let error = |r: &Value| r["error"].as_str().map(str::to_string);
                let (ex, ey) = (error(x), error(y));
                let verdict = |e: &Option<String>| match e {
                    None => "submitpackage tx: accepted".to_string(),
                    Some(e) => format!("submitpackage tx: {}", reason_of(e)),
                };
                score.count(&verdict(&ex), &verdict(&ey));
                if ex.as_deref().map(reason_of) != ey.as_deref().map(reason_of) {
                    score.differ(true, "submitpackage error", shorten(x), shorten(y));
                } else {
                    score.wording("submitpackage error", &x["error"], &y["error"]);
                }
                for field in ["txid", "other-wtxid", "vsize", "fees"] {
                    score.strict(&format!("submitpackage {field}"), &x[field], &y[field]);
                }
            }
        });
    }

    /// Any other call: both succeed with the same result, or fail alike.
    pub(crate) fn plain(
        &mut self,
        what: &str,
        a: &Result<Value, RpcFailure>,
        b: &Result<Value, RpcFailure>,
    ) {
        self.answers(what, a, b, |score, a, b| {
            score.strict(what, a, b);
        });
    }

    /// `getrawmempool`: the same set of txids.
    pub(crate) fn pool(&mut self, a: &BTreeSet<String>, b: &BTreeSet<String>) {
        if a != b {
            let only_a: Vec<&String> = a.difference(b).collect();
            let only_b: Vec<&String> = b.difference(a).collect();
            self.differ(
                true,
                "getrawmempool",
                format!("{} txs, only here: {only_a:?}", a.len()),
                format!("{} txs, only here: {only_b:?}", b.len()),
            );
        }
    }

    /// `getmempoolinfo`.
    pub(crate) fn info(&mut self, a: &Value, b: &Value) {
        let keys = |v: &Value| -> BTreeSet<String> {
            v.as_object()
                .map(|o| o.keys().cloned().collect())
                .unwrap_or_default()
        };
        for key in keys(a).union(&keys(b)) {
            if IGNORED_INFO_FIELDS.contains(&key.as_str()) {
                continue;
            }
            let what = format!("getmempoolinfo {key}");
            if HARD_INFO_FIELDS.contains(&key.as_str()) {
                self.strict(&what, &a[key], &b[key]);
            } else {
                self.wording(&what, &a[key], &b[key]);
            }
        }
    }

    /// A `getmempoolentry` (or an entry of `getrawmempool true`).
    pub(crate) fn entry(&mut self, txid: &str, a: &Value, b: &Value) {
        let keys = |v: &Value| -> BTreeSet<String> {
            v.as_object()
                .map(|o| o.keys().cloned().collect())
                .unwrap_or_default()
        };
        for key in keys(a).union(&keys(b)) {
            let what = format!("getmempoolentry {key}");
            let (x, y) = (&a[key], &b[key]);
            let same = match key.as_str() {
                // Lists whose order Core does not promise.
                "depends" | "spentby" => {
                    let set = |v: &Value| -> BTreeSet<String> {
                        v.as_array()
                            .map(|l| l.iter().map(ToString::to_string).collect())
                            .unwrap_or_default()
                    };
                    set(x) == set(y)
                }
                _ => x == y,
            };
            if !same {
                let hard = !SOFT_ENTRY_FIELDS.contains(&key.as_str());
                self.differ(
                    hard,
                    &what,
                    format!("{txid}: {}", shorten(x)),
                    format!("{txid}: {}", shorten(y)),
                );
            }
        }
    }

    /// Failures of the test's own requests (mining on the reference, say), kept apart.
    pub(crate) fn harness(&mut self, what: &str, result: &Result<Value, RpcFailure>) {
        if let Err(e) = result {
            self.differ(
                true,
                &format!("harness {what}"),
                format!("error {}: {}", e.code, e.message),
                String::new(),
            );
        }
    }

    /// The printout: counts and differences.
    pub(crate) fn report(&self, subject: &str, limit: usize) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "actions by kind/variant:");
        let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
        for (label, n) in &self.actions {
            let kind = label.split('/').next().unwrap_or(label);
            *by_kind.entry(kind).or_default() += n;
            let _ = writeln!(out, "  {n:>6}  {label}");
        }
        let _ = writeln!(out, "actions by kind:");
        for (kind, n) in &by_kind {
            let _ = writeln!(out, "  {n:>6}  {kind}");
        }
        let _ = writeln!(out, "verdicts:  reference  {subject}");
        for (reason, (a, b)) in &self.reasons {
            let _ = writeln!(out, "  {a:>8} {b:>8}  {reason}");
        }
        if limit == usize::MAX {
            let _ = writeln!(out, "the reference's verdicts by kind/variant:");
            for (label, verdicts) in &self.by_label {
                let _ = writeln!(out, "  {label}");
                for (verdict, n) in verdicts {
                    let _ = writeln!(out, "    {n:>6}  {verdict}");
                }
            }
        }
        let _ = writeln!(
            out,
            "cluster limits (would-be cluster: reference's verdict):"
        );
        for (bucket, n) in &self.limits {
            let _ = writeln!(out, "  {n:>6}  {bucket}");
        }
        let hard: Vec<&Difference> = self.differences.iter().filter(|d| d.hard).collect();
        let soft: Vec<&Difference> = self.differences.iter().filter(|d| !d.hard).collect();
        let mut by_what: BTreeMap<(bool, &str), usize> = BTreeMap::new();
        for d in &self.differences {
            *by_what.entry((d.hard, d.what.as_str())).or_default() += 1;
        }
        let _ = writeln!(
            out,
            "wording compared equal: {}; differences: {} hard, {} soft (wording)",
            self.wording_equal,
            hard.len(),
            soft.len()
        );
        for ((is_hard, what), n) in &by_what {
            let tag = if *is_hard { "hard" } else { "soft" };
            let _ = writeln!(out, "  {n:>6}  {tag}  {what}");
        }
        let whole = limit == usize::MAX;
        for d in hard.iter().chain(soft.iter()).take(limit) {
            let tag = if d.hard { "HARD" } else { "soft" };
            let request = if whole && d.hard {
                &d.request_full
            } else {
                &d.request
            };
            let _ = writeln!(out, "{tag} step {} {} {}:", d.step, d.label, d.what);
            let _ = writeln!(out, "    request:   {request}");
            let _ = writeln!(out, "    reference: {}", d.reference);
            let _ = writeln!(out, "    {subject}: {}", d.subject);
        }
        out
    }
}
