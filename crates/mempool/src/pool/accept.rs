//! Accepting transactions into the pool, in Core's order of checks (`MemPoolAccept`).
//!
//! Cheap checks come first and signatures last, so that a flood of bad transactions costs
//! little: the transaction alone (consensus form, standardness), then against the chain's
//! tip (final, not already known, coins present, relative locks), then its inputs (values,
//! standard spends, sigops, fee rate), then its place in the pool (TRUC, replacement,
//! cluster limits), and only then its scripts. A verdict is Core's: the same reason string
//! at the same step, so `testmempoolaccept` answers as bitcoind's does.
//!
//! A package goes through the same steps transaction by transaction, then as a whole:
//! each transaction first tries alone, and those that failed only for their fee (or whose
//! parent did) are tried together, judged by the package's fee rate (Core
//! `AcceptPackage`).
//!
//! Core re-runs the scripts with the tip's consensus flags before adding a transaction
//! (`ConsensusScriptChecks`) to fill its script cache and to catch a policy flag that
//! wrongly passes what consensus refuses; sou's standard flags contain every consensus flag
//! (checked in a test), so it does not repeat them: a transaction that enters the pool is
//! noted in the script cache the caller gives ([`TipContext::script_cache`]) under the
//! next block's flags, and that block will not check its scripts again.
//!
//! References: Core `src/validation.cpp` (`MemPoolAccept::PreChecks`, `ReplacementChecks`,
//! `PackageRBFChecks`, `PolicyScriptChecks`, `AcceptSingleTransactionInternal`,
//! `AcceptMultipleTransactionsInternal`, `AcceptPackage`, `MaybeUpdateMempoolForReorg`),
//! `src/policy/ephemeral_policy.cpp`.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use sou_chain::check_transaction;
use sou_chain::consensus::{
    check_tx_inputs, is_final_tx, median_time_past, sequence_locks, transaction_sigop_cost,
    AncestorView, Coin,
};
use sou_primitives::network::COINBASE_MATURITY;
use sou_primitives::{Amount, FeeRate, OutPoint, Transaction, TxOut, Txid, Wtxid};
use sou_script::{verify_input_cached, PrecomputedTransactionData};

use super::package::{check_well_formed, is_child_with_parents, PackageError};
use super::rbf::{ancestors_disjoint, entries_for_conflicts, pays_for_rbf};
use super::truc::{package_truc_checks, single_truc_checks};
use super::{Entry, Mempool, Staged, MEMPOOL_HEIGHT};
use crate::cluster::{compare_diagrams, FeeFrac};
use crate::error::{PolicyError, RejectKind, Rejection};
use crate::inputs::{are_inputs_standard, is_witness_standard};
use crate::policy::{
    dust_outputs, is_dust, is_standard_tx, MAX_STANDARD_TX_SIGOPS_COST,
    MIN_STANDARD_TX_NONWITNESS_SIZE, STANDARD_SCRIPT_VERIFY_FLAGS,
};
use crate::prechecks::sigop_adjusted_vsize;

/// Where the pool finds confirmed coins (the chain state's UTXO set).
pub trait CoinSource {
    /// The unspent output `outpoint` names, if the chain has it.
    fn coin(&mut self, outpoint: &OutPoint) -> Option<Coin>;
}

impl<F: FnMut(&OutPoint) -> Option<Coin>> CoinSource for F {
    fn coin(&mut self, outpoint: &OutPoint) -> Option<Coin> {
        self(outpoint)
    }
}

/// What acceptance needs of the chain's tip.
pub struct TipContext<'a> {
    /// The active chain, ending at the tip (for lock times and BIP68).
    pub view: &'a dyn AncestorView,
    /// The node's clock: the entry time, the expiry cutoff and the decay of the minimum fee.
    pub now: i64,
    /// Where to note the transactions whose scripts passed, with the next block's script
    /// flags (Core fills its script execution cache in `ConsensusScriptChecks`). sou's
    /// standard flags hold every consensus flag, so what passed them passes these.
    pub script_cache: Option<(&'a sou_chain::ScriptCache, sou_script::VerifyFlags)>,
}

impl TipContext<'_> {
    /// Notes that `wtxid`'s scripts passed, for the block that will confirm it.
    fn note_scripts_checked(&self, wtxid: &Wtxid) {
        if let Some((cache, flags)) = self.script_cache {
            cache.insert(wtxid, flags);
        }
    }
}

/// How a transaction is being submitted (Core `ATMPArgs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AcceptArgs {
    /// Judge only: the pool does not change.
    pub test_accept: bool,
    /// Skip fee and TRUC limits: transactions returned by a reorganisation.
    pub bypass_limits: bool,
    /// Conflicts with the pool may be replacements (else `bip125-replacement-disallowed`).
    pub allow_replacement: bool,
    /// A second TRUC child may evict the first.
    pub allow_sibling_eviction: bool,
    /// Part of a package: trim the pool once, at the end.
    pub package_submission: bool,
    /// Judge fee rates by the package's.
    pub package_feerates: bool,
    /// Refuse a fee rate above this (sat/kvB), as `submitpackage`'s `maxfeerate`.
    pub max_feerate: Option<FeeRate>,
}

impl AcceptArgs {
    /// One transaction (`sendrawtransaction`, `testmempoolaccept` of one, relay).
    pub fn single(test_accept: bool) -> AcceptArgs {
        AcceptArgs {
            test_accept,
            bypass_limits: false,
            allow_replacement: true,
            allow_sibling_eviction: true,
            package_submission: false,
            package_feerates: false,
            max_feerate: None,
        }
    }

    /// A transaction from a disconnected block.
    pub fn reorg() -> AcceptArgs {
        AcceptArgs {
            bypass_limits: true,
            ..AcceptArgs::single(false)
        }
    }

    /// `testmempoolaccept` of several: no replacements, each judged alone.
    pub fn package_test() -> AcceptArgs {
        AcceptArgs {
            test_accept: true,
            bypass_limits: false,
            allow_replacement: false,
            allow_sibling_eviction: false,
            package_submission: false,
            package_feerates: false,
            max_feerate: None,
        }
    }

    /// `submitpackage`: a child with its parents, judged by the package's fee rate.
    pub fn child_with_parents(max_feerate: Option<FeeRate>) -> AcceptArgs {
        AcceptArgs {
            test_accept: false,
            bypass_limits: false,
            allow_replacement: true,
            allow_sibling_eviction: false,
            package_submission: true,
            package_feerates: true,
            max_feerate,
        }
    }

    fn single_in_package(self) -> AcceptArgs {
        AcceptArgs {
            bypass_limits: false,
            allow_replacement: true,
            allow_sibling_eviction: true,
            package_submission: true,
            package_feerates: false,
            ..self
        }
    }
}

/// The verdict on one transaction (Core `MempoolAcceptResult`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TxOutcome {
    /// Accepted (or would be, for a test).
    Valid {
        /// Virtual size, sigops charged.
        vsize: u64,
        /// Its own fee.
        base_fee: Amount,
        /// The fee rate it was judged at: its own, or its package's (modified fee over
        /// virtual size).
        effective_feerate: FeeFrac,
        /// The transactions that rate is over.
        effective_wtxids: Vec<Wtxid>,
        /// What it replaced.
        replaced: Vec<Arc<Transaction>>,
    },
    /// Already in the pool.
    InPool {
        /// Virtual size.
        vsize: u64,
        /// Its fee.
        base_fee: Amount,
    },
    /// The pool holds the same transaction with another witness.
    DifferentWitness {
        /// The wtxid of the one in the pool.
        other_wtxid: Wtxid,
    },
    /// Refused.
    Invalid {
        /// Why.
        rejection: Rejection,
        /// For a refusal on fee grounds: the rate judged, and over which transactions.
        fee_failure: Option<(FeeFrac, Vec<Wtxid>)>,
    },
}

/// One transaction's verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxResult {
    /// The txid.
    pub txid: Txid,
    /// The wtxid.
    pub wtxid: Wtxid,
    /// What became of it.
    pub outcome: TxOutcome,
}

impl TxResult {
    /// True if it entered (or would enter) the pool.
    pub fn is_valid(&self) -> bool {
        matches!(self.outcome, TxOutcome::Valid { .. })
    }

    /// The refusal, if refused.
    pub fn rejection(&self) -> Option<&Rejection> {
        match &self.outcome {
            TxOutcome::Invalid { rejection, .. } => Some(rejection),
            _ => None,
        }
    }
}

/// Why a package failed as a whole (Core `PackageValidationState`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageOutcome {
    /// A policy failure of the package as such (Core `PCKG_POLICY`: its shape, TRUC, its
    /// cluster, a package replacement), as opposed to a failure of one of its transactions
    /// (`PCKG_TX`).
    pub policy: bool,
    /// Core's package reason (`transaction failed`, `package-not-sorted`, ...).
    pub reason: String,
    /// Its debug message.
    pub debug: String,
}

impl PackageOutcome {
    /// Core's `PCKG_TX` "transaction failed": one of the package's transactions was
    /// refused (its own verdict says why).
    pub fn transaction_failed() -> PackageOutcome {
        PackageOutcome {
            policy: false,
            reason: "transaction failed".into(),
            debug: String::new(),
        }
    }
}

/// The verdicts on a package (Core `PackageMempoolAcceptResult`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageResult {
    /// The failure of the package as a whole, if any.
    pub failure: Option<PackageOutcome>,
    /// Each transaction's verdict, for those that got one.
    pub results: BTreeMap<Wtxid, TxResult>,
}

impl PackageResult {
    fn failed(reason: &str, debug: impl Into<String>) -> PackageResult {
        PackageResult {
            failure: Some(PackageOutcome {
                policy: true,
                reason: reason.to_string(),
                debug: debug.into(),
            }),
            results: BTreeMap::new(),
        }
    }
}

/// What is learnt about one transaction on its way in (Core's `Workspace`).
struct Work {
    tx: Arc<Transaction>,
    txid: Txid,
    wtxid: Wtxid,
    conflicts: BTreeSet<Txid>,
    spent: Vec<TxOut>,
    base_fee: Amount,
    modified_fee: i64,
    vsize: u64,
    parents: Vec<Txid>,
    sibling_eviction: bool,
}

impl Work {
    fn new(tx: Arc<Transaction>) -> Work {
        Work {
            txid: tx.compute_txid(),
            wtxid: tx.compute_wtxid(),
            tx,
            conflicts: BTreeSet::new(),
            spent: Vec::new(),
            base_fee: Amount::ZERO,
            modified_fee: 0,
            vsize: 0,
            parents: Vec::new(),
            sibling_eviction: false,
        }
    }

    fn feerate(&self) -> FeeFrac {
        FeeFrac::new(self.modified_fee, self.vsize as i64)
    }

    fn fee_failure(&self, rejection: Rejection) -> TxResult {
        self.result(TxOutcome::Invalid {
            rejection,
            fee_failure: Some((self.feerate(), vec![self.wtxid])),
        })
    }

    fn failure(&self, rejection: Rejection) -> TxResult {
        self.result(TxOutcome::Invalid {
            rejection,
            fee_failure: None,
        })
    }

    fn result(&self, outcome: TxOutcome) -> TxResult {
        TxResult {
            txid: self.txid,
            wtxid: self.wtxid,
            outcome,
        }
    }
}

/// The state of one attempt (one transaction, or a group judged together): Core's
/// `SubPackageState` and the coins its earlier transactions created.
#[derive(Default)]
struct Attempt {
    staged: Staged,
    rbf: bool,
    total_modified_fees: i64,
    total_vsize: u64,
    conflicting_fees: i64,
    replaced: Vec<Arc<Transaction>>,
    package_coins: HashMap<OutPoint, TxOut>,
}

fn reject(kind: RejectKind, reason: &str, debug: impl Into<String>) -> Rejection {
    Rejection::new(kind, reason, debug)
}

/// Core `CFeeRate::GetFee` for a rate in sat/kvB: rounded up.
fn fee_at(rate_per_kvb: i64, vsize: u64) -> i64 {
    let fee = i128::from(rate_per_kvb) * i128::from(vsize);
    i64::try_from(fee.div_euclid(1000) + i128::from(fee.rem_euclid(1000) != 0)).unwrap_or(i64::MAX)
}

impl Mempool {
    /// Judges one transaction and, unless it is a test, adds it (Core
    /// `AcceptToMemoryPool`). The pool is trimmed to its size limit afterwards, which may
    /// evict the newcomer itself (`mempool full`).
    pub fn accept(
        &mut self,
        tx: Arc<Transaction>,
        tip: &TipContext<'_>,
        coins: &mut dyn CoinSource,
        args: AcceptArgs,
    ) -> TxResult {
        let mut attempt = Attempt::default();
        self.accept_single(tx, tip, coins, args, &mut attempt)
    }

    /// `testmempoolaccept` of several transactions: each judged, nothing added, no
    /// replacements (Core `ProcessNewPackage` with `test_accept`).
    pub fn test_accept_package(
        &mut self,
        txs: Vec<Arc<Transaction>>,
        tip: &TipContext<'_>,
        coins: &mut dyn CoinSource,
    ) -> PackageResult {
        let mut attempt = Attempt::default();
        self.accept_multiple(&txs, tip, coins, AcceptArgs::package_test(), &mut attempt)
    }

    /// `submitpackage`: a child with its parents (Core `AcceptPackage`). Each transaction
    /// first tries alone; those refused only for their fee, or for a missing parent, are
    /// then judged together at the package's fee rate.
    pub fn accept_package(
        &mut self,
        package: Vec<Arc<Transaction>>,
        tip: &TipContext<'_>,
        coins: &mut dyn CoinSource,
        max_feerate: Option<FeeRate>,
    ) -> PackageResult {
        let args = AcceptArgs::child_with_parents(max_feerate);
        if let Err(e) = check_well_formed(&package) {
            return PackageResult::failed(&e.to_string(), "");
        }
        if package.len() > 1 && !is_child_with_parents(&package) {
            return PackageResult::failed(&PackageError::NotChildWithParents.to_string(), "");
        }
        let mut final_results: BTreeMap<Wtxid, TxResult> = BTreeMap::new();
        let mut individual: BTreeMap<Wtxid, TxResult> = BTreeMap::new();
        let mut quit_early = false;
        let mut quit_state = None;
        let mut together: Vec<Arc<Transaction>> = Vec::new();
        for tx in &package {
            let txid = tx.compute_txid();
            let wtxid = tx.compute_wtxid();
            if let Some(entry) = self.get_by_wtxid(&wtxid) {
                let outcome = TxOutcome::InPool {
                    vsize: entry.vsize,
                    base_fee: entry.fee,
                };
                final_results.insert(
                    wtxid,
                    TxResult {
                        txid,
                        wtxid,
                        outcome,
                    },
                );
            } else if let Some(entry) = self.get(&txid) {
                let outcome = TxOutcome::DifferentWitness {
                    other_wtxid: entry.wtxid,
                };
                final_results.insert(
                    wtxid,
                    TxResult {
                        txid,
                        wtxid,
                        outcome,
                    },
                );
            } else {
                let mut attempt = Attempt::default();
                let result = self.accept_single(
                    Arc::clone(tx),
                    tip,
                    coins,
                    args.single_in_package(),
                    &mut attempt,
                );
                let retry = matches!(
                    result.rejection().map(|r| r.kind),
                    Some(RejectKind::Reconsiderable | RejectKind::MissingInputs)
                );
                if result.is_valid() {
                    final_results.insert(wtxid, result);
                } else if package.len() == 1 || !retry {
                    quit_early = true;
                    quit_state = Some(PackageOutcome::transaction_failed());
                    individual.insert(wtxid, result);
                } else {
                    individual.insert(wtxid, result);
                    together.push(Arc::clone(tx));
                }
            }
        }
        let mut multi = if quit_early || together.is_empty() {
            PackageResult {
                failure: quit_state,
                results: BTreeMap::new(),
            }
        } else if let [lone] = together.as_slice() {
            // One left: judged alone, as Core's `AcceptSubPackage` does for one.
            let mut attempt = Attempt::default();
            let result = self.accept_single(
                Arc::clone(lone),
                tip,
                coins,
                args.single_in_package(),
                &mut attempt,
            );
            let failure = (!result.is_valid()).then(PackageOutcome::transaction_failed);
            PackageResult {
                failure,
                results: [(result.wtxid, result)].into_iter().collect(),
            }
        } else {
            let mut attempt = Attempt::default();
            self.accept_multiple(&together, tip, coins, args, &mut attempt)
        };
        self.limit_size(tip.now);
        for tx in &package {
            let wtxid = tx.compute_wtxid();
            let txid = tx.compute_txid();
            let mempool_full = || TxResult {
                txid,
                wtxid,
                outcome: TxOutcome::Invalid {
                    rejection: reject(RejectKind::MempoolPolicy, "mempool full", ""),
                    fee_failure: None,
                },
            };
            if let Some(result) = multi.results.remove(&wtxid) {
                if result.is_valid() && self.get_by_wtxid(&wtxid).is_none() {
                    multi.failure = Some(PackageOutcome::transaction_failed());
                    final_results.insert(wtxid, mempool_full());
                } else {
                    final_results.insert(wtxid, result);
                }
            } else if let Some(existing) = final_results.get_mut(&wtxid) {
                if !self.contains(&txid) {
                    multi.failure = Some(PackageOutcome::transaction_failed());
                    *existing = mempool_full();
                }
            } else if let Some(result) = individual.remove(&wtxid) {
                final_results.insert(wtxid, result);
            }
        }
        PackageResult {
            failure: multi.failure,
            results: final_results,
        }
    }

    /// Core `AcceptSingleTransactionInternal`.
    fn accept_single(
        &mut self,
        tx: Arc<Transaction>,
        tip: &TipContext<'_>,
        coins: &mut dyn CoinSource,
        args: AcceptArgs,
        attempt: &mut Attempt,
    ) -> TxResult {
        let mut work = Work::new(tx);
        if let Err(rejection) = self.pre_checks(&mut work, tip, coins, args, attempt) {
            return if rejection.kind == RejectKind::Reconsiderable {
                work.fee_failure(rejection)
            } else {
                work.failure(rejection)
            };
        }
        if attempt.rbf {
            if let Err(rejection) = self.replacement_checks(&work, attempt) {
                return if rejection.kind == RejectKind::Reconsiderable {
                    work.fee_failure(rejection)
                } else {
                    work.failure(rejection)
                };
            }
        }
        if !self.staged_within_limits(&attempt.staged) {
            return work.failure(reject(RejectKind::MempoolPolicy, "too-large-cluster", ""));
        }
        if !work.conflicts.is_empty() {
            let ancestors = self.pool_ancestors_of(&work.tx);
            if let Err(debug) = ancestors_disjoint(&ancestors, &work.conflicts, &work.txid) {
                return work.failure(reject(
                    RejectKind::Consensus,
                    "bad-txns-spends-conflicting-tx",
                    debug,
                ));
            }
        }
        attempt.total_vsize = work.vsize;
        attempt.total_modified_fees = work.modified_fee;
        if let Some(max) = args.max_feerate {
            if exceeds(work.feerate(), max) {
                return work.failure(reject(
                    RejectKind::MempoolPolicy,
                    "max feerate exceeded",
                    "",
                ));
            }
        }
        if !args.bypass_limits && self.options.require_standard {
            if let Err((_, rejection)) = self.check_ephemeral_spends(std::slice::from_ref(&work.tx))
            {
                return work.failure(rejection);
            }
        }
        if let Err(rejection) = policy_script_checks(&work, tip) {
            return work.failure(rejection);
        }
        let outcome = TxOutcome::Valid {
            vsize: work.vsize,
            base_fee: work.base_fee,
            effective_feerate: work.feerate(),
            effective_wtxids: vec![work.wtxid],
            replaced: std::mem::take(&mut attempt.replaced),
        };
        if args.test_accept {
            return work.result(outcome);
        }
        tip.note_scripts_checked(&work.wtxid);
        self.apply(std::mem::take(&mut attempt.staged));
        if !args.package_submission && !args.bypass_limits {
            self.limit_size(tip.now);
            if !self.contains(&work.txid) {
                return work.fee_failure(reject(RejectKind::Reconsiderable, "mempool full", ""));
            }
        }
        work.result(outcome)
    }

    /// Core `AcceptMultipleTransactionsInternal`: a group judged together.
    fn accept_multiple(
        &mut self,
        txs: &[Arc<Transaction>],
        tip: &TipContext<'_>,
        coins: &mut dyn CoinSource,
        args: AcceptArgs,
        attempt: &mut Attempt,
    ) -> PackageResult {
        if let Err(e) = check_well_formed(txs) {
            return PackageResult::failed(&e.to_string(), "");
        }
        let mut works: Vec<Work> = txs.iter().map(|t| Work::new(Arc::clone(t))).collect();
        let mut results = BTreeMap::new();
        let tx_failed = |results: BTreeMap<Wtxid, TxResult>| PackageResult {
            failure: Some(PackageOutcome::transaction_failed()),
            results,
        };
        for work in &mut works {
            if let Err(rejection) = self.pre_checks(work, tip, coins, args, attempt) {
                results.insert(work.wtxid, work.failure(rejection));
                return tx_failed(results);
            }
            if let Some(max) = args.max_feerate {
                if exceeds(work.feerate(), max) {
                    let rejection = reject(RejectKind::MempoolPolicy, "max feerate exceeded", "");
                    results.insert(work.wtxid, work.failure(rejection));
                    return tx_failed(results);
                }
            }
            // Later transactions of the group may spend this one's outputs.
            for (vout, output) in work.tx.output.iter().enumerate() {
                if let Ok(vout) = u32::try_from(vout) {
                    attempt
                        .package_coins
                        .insert(OutPoint::new(work.txid, vout), output.clone());
                }
            }
        }
        for (position, work) in works.iter().enumerate() {
            let parents: Vec<&Entry> = work.parents.iter().filter_map(|p| self.get(p)).collect();
            if let Err(debug) = package_truc_checks(self, txs, position, work.vsize, &parents) {
                return PackageResult::failed("TRUC-violation", debug);
            }
        }
        attempt.total_vsize = works.iter().map(|w| w.vsize).sum();
        attempt.total_modified_fees = works.iter().map(|w| w.modified_fee).sum();
        let package_feerate = FeeFrac::new(attempt.total_modified_fees, attempt.total_vsize as i64);
        let all_wtxids: Vec<Wtxid> = works.iter().map(|w| w.wtxid).collect();
        if args.package_feerates {
            if let Err(rejection) =
                self.check_fee_rate(attempt.total_vsize, attempt.total_modified_fees, tip.now)
            {
                let last = works.last().map(|w| {
                    w.result(TxOutcome::Invalid {
                        rejection,
                        fee_failure: Some((package_feerate, all_wtxids.clone())),
                    })
                });
                let mut results = BTreeMap::new();
                if let Some(last) = last {
                    results.insert(last.wtxid, last);
                }
                return tx_failed(results);
            }
        }
        if attempt.rbf {
            if let Err(failure) = self.package_rbf_checks(&works, attempt) {
                return PackageResult {
                    failure: Some(failure),
                    results,
                };
            }
        }
        if !self.staged_within_limits(&attempt.staged) {
            return PackageResult {
                failure: Some(PackageOutcome {
                    policy: true,
                    reason: "too-large-cluster".into(),
                    debug: String::new(),
                }),
                results,
            };
        }
        if self.options.require_standard {
            if let Err((wtxid, rejection)) = self.check_ephemeral_spends(txs) {
                if let Some(work) = works.iter().find(|w| w.wtxid == wtxid) {
                    results.insert(wtxid, work.failure(rejection));
                }
                return PackageResult {
                    failure: Some(PackageOutcome {
                        policy: false,
                        reason: "unspent-dust".into(),
                        debug: String::new(),
                    }),
                    results,
                };
            }
        }
        for work in &works {
            if let Err(rejection) = policy_script_checks(work, tip) {
                results.insert(work.wtxid, work.failure(rejection));
                return tx_failed(results);
            }
        }
        let replaced = std::mem::take(&mut attempt.replaced);
        for work in &works {
            let (effective_feerate, effective_wtxids) = if args.package_feerates {
                (package_feerate, all_wtxids.clone())
            } else {
                (work.feerate(), vec![work.wtxid])
            };
            let outcome = TxOutcome::Valid {
                vsize: work.vsize,
                base_fee: work.base_fee,
                effective_feerate,
                effective_wtxids,
                replaced: replaced.clone(),
            };
            results.insert(work.wtxid, work.result(outcome));
        }
        if !args.test_accept {
            for work in &works {
                tip.note_scripts_checked(&work.wtxid);
            }
            self.apply(std::mem::take(&mut attempt.staged));
        }
        PackageResult {
            failure: None,
            results,
        }
    }

    /// Core `MemPoolAccept::PreChecks`.
    fn pre_checks(
        &self,
        work: &mut Work,
        tip: &TipContext<'_>,
        coins: &mut dyn CoinSource,
        args: AcceptArgs,
        attempt: &mut Attempt,
    ) -> Result<(), Rejection> {
        let tx = Arc::clone(&work.tx);
        let options = &self.options;
        check_transaction(&tx).map_err(|e| Rejection::from(PolicyError::Transaction(e)))?;
        if tx.is_coinbase() {
            return Err(PolicyError::Coinbase.into());
        }
        if options.require_standard {
            is_standard_tx(&tx, &options.policy)?;
        }
        // CVE-2017-12842: 64 bytes without witness could pose as a merkle tree's node.
        let size = tx.base_size();
        if size < MIN_STANDARD_TX_NONWITNESS_SIZE {
            return Err(PolicyError::TxSizeSmall { size }.into());
        }
        let tip_info = tip.view.tip();
        let next_height = tip_info.height + 1;
        let tip_mtp = median_time_past(tip.view, tip_info.height);
        if !is_final_tx(&tx, next_height, tip_mtp) {
            return Err(reject(RejectKind::PrematureSpend, "non-final", ""));
        }
        if self.get_by_wtxid(&work.wtxid).is_some() {
            return Err(reject(RejectKind::Conflict, "txn-already-in-mempool", ""));
        }
        if self.contains(&work.txid) {
            return Err(reject(
                RejectKind::Conflict,
                "txn-same-nonwitness-data-in-mempool",
                "",
            ));
        }
        for input in &tx.input {
            if let Some(conflict) = self.spender(&input.previous_output) {
                if !args.allow_replacement {
                    return Err(reject(
                        RejectKind::MempoolPolicy,
                        "bip125-replacement-disallowed",
                        "",
                    ));
                }
                work.conflicts.insert(*conflict);
            }
        }
        // Every coin: from the group's earlier transactions, the pool, or the chain.
        let mut found: Vec<Coin> = Vec::with_capacity(tx.input.len());
        for input in &tx.input {
            let outpoint = &input.previous_output;
            let coin = if let Some(output) = attempt.package_coins.get(outpoint) {
                Some(pool_coin(output.clone()))
            } else if let Some(entry) = self.get(&outpoint.txid) {
                entry
                    .tx
                    .output
                    .get(outpoint.vout as usize)
                    .map(|o| pool_coin(o.clone()))
            } else {
                coins.coin(outpoint)
            };
            match coin {
                Some(coin) => found.push(coin),
                None => {
                    // Its own outputs in the UTXO set: it was confirmed already.
                    let confirmed = (0..tx.output.len()).any(|vout| {
                        u32::try_from(vout)
                            .ok()
                            .and_then(|vout| coins.coin(&OutPoint::new(work.txid, vout)))
                            .is_some()
                    });
                    return Err(if confirmed {
                        reject(RejectKind::Conflict, "txn-already-known", "")
                    } else {
                        reject(
                            RejectKind::MissingInputs,
                            "bad-txns-inputs-missingorspent",
                            "",
                        )
                    });
                }
            }
        }
        // BIP68, as the next block would judge it; coins of the pool count as confirmed
        // in that block.
        let heights: Vec<u32> = found
            .iter()
            .map(|c| {
                if c.height == MEMPOOL_HEIGHT {
                    next_height
                } else {
                    c.height
                }
            })
            .collect();
        if !sequence_locks(&tx, &heights, tip.view, true) {
            return Err(reject(RejectKind::PrematureSpend, "non-BIP68-final", ""));
        }
        let coin_refs: Vec<&Coin> = found.iter().collect();
        let fee = check_tx_inputs(&tx, work.txid, &coin_refs, next_height, COINBASE_MATURITY)
            .map_err(|e| Rejection::from(PolicyError::Inputs(e)))?;
        let spent: Vec<&TxOut> = found.iter().map(|c| &c.output).collect();
        if options.require_standard {
            are_inputs_standard(&tx, &spent)?;
            if tx.has_witness() {
                is_witness_standard(&tx, &spent)?;
            }
        }
        let sigop_cost = transaction_sigop_cost(&tx, &spent, STANDARD_SCRIPT_VERIFY_FLAGS);
        let spends_coinbase = found.iter().any(|c| c.is_coinbase);
        let weight = tx.weight().to_wu();
        let bytes_per_sigop = options.policy.bytes_per_sigop;
        let vsize = sigop_adjusted_vsize(weight, sigop_cost, bytes_per_sigop);
        let delta = self.deltas.get(&work.txid).copied().unwrap_or(0);
        work.base_fee = fee;
        work.modified_fee = fee.to_sat().saturating_add(delta);
        work.vsize = vsize;
        work.spent = found.iter().map(|c| c.output.clone()).collect();
        // Core gives transactions returned by a reorg sequence 0, ahead of their children.
        let sequence = if args.bypass_limits { 0 } else { self.sequence };
        attempt.staged.added.push(Entry {
            tx: Arc::clone(&tx),
            txid: work.txid,
            wtxid: work.wtxid,
            fee,
            fee_delta: delta,
            vsize,
            weight,
            adjusted_weight: weight.max(sigop_cost.saturating_mul(bytes_per_sigop)),
            sigop_cost,
            time: tip.now,
            height: tip_info.height,
            sequence,
            spends_coinbase,
            parents: BTreeSet::new(),
            children: BTreeSet::new(),
        });
        if options.require_standard
            && (fee != Amount::ZERO || work.modified_fee != 0)
            && !dust_outputs(&tx, options.policy.dust_relay_fee).is_empty()
        {
            return Err(PolicyError::DustWithFee.into());
        }
        if sigop_cost > MAX_STANDARD_TX_SIGOPS_COST {
            return Err(PolicyError::TooManySigops { cost: sigop_cost }.into());
        }
        if !args.bypass_limits && !args.package_feerates {
            self.check_fee_rate(vsize, work.modified_fee, tip.now)?;
        }
        let mut parents: Vec<Txid> = tx
            .input
            .iter()
            .map(|i| i.previous_output.txid)
            .filter(|t| self.contains(t))
            .collect();
        parents.sort();
        parents.dedup();
        work.parents = parents;
        if !args.bypass_limits {
            let parent_entries: Vec<&Entry> =
                work.parents.iter().filter_map(|p| self.get(p)).collect();
            if let Err(violation) =
                single_truc_checks(self, &tx, &parent_entries, &work.conflicts, vsize)
            {
                match violation.sibling {
                    Some(sibling) if args.allow_sibling_eviction => {
                        work.conflicts.insert(sibling);
                        work.sibling_eviction = true;
                    }
                    _ => {
                        return Err(reject(
                            RejectKind::MempoolPolicy,
                            "TRUC-violation",
                            violation.detail,
                        ))
                    }
                }
            }
        }
        attempt.rbf |= !work.conflicts.is_empty();
        Ok(())
    }

    /// Core `CheckFeeRate`: the pool's minimum fee, then the minimum relay fee.
    fn check_fee_rate(&self, vsize: u64, fee: i64, now: i64) -> Result<(), Rejection> {
        let min = self.min_fee(now);
        self.fee_rate_verdict(min, vsize, fee)
    }

    fn fee_rate_verdict(&self, min_per_kvb: i64, vsize: u64, fee: i64) -> Result<(), Rejection> {
        let pool_min = fee_at(min_per_kvb, vsize);
        if pool_min > 0 && fee < pool_min {
            return Err(reject(
                RejectKind::Reconsiderable,
                "mempool min fee not met",
                format!("{fee} < {pool_min}"),
            ));
        }
        let relay = self.options.policy.min_relay_fee.to_sat_per_kvb();
        let relay_min = fee_at(i64::try_from(relay).unwrap_or(i64::MAX), vsize);
        if fee < relay_min {
            return Err(reject(
                RejectKind::Reconsiderable,
                "min relay fee not met",
                format!("{fee} < {relay_min}"),
            ));
        }
        Ok(())
    }

    /// Core `MemPoolAccept::ReplacementChecks`.
    fn replacement_checks(&self, work: &Work, attempt: &mut Attempt) -> Result<(), Rejection> {
        let sibling = if work.sibling_eviction {
            " (including sibling eviction)"
        } else {
            ""
        };
        let all = entries_for_conflicts(self, &work.txid, &work.conflicts).map_err(|debug| {
            reject(
                RejectKind::MempoolPolicy,
                &format!("too many potential replacements{sibling}"),
                debug,
            )
        })?;
        attempt.conflicting_fees += all
            .iter()
            .filter_map(|t| self.get(t))
            .map(Entry::modified_fee)
            .sum::<i64>();
        pays_for_rbf(
            attempt.conflicting_fees,
            work.modified_fee,
            work.vsize,
            self.options.incremental_relay_fee,
            &work.txid,
        )
        .map_err(|debug| {
            reject(
                RejectKind::Reconsiderable,
                &format!("insufficient fee{sibling}"),
                debug,
            )
        })?;
        self.stage_removals(&all, attempt);
        if !self.staged_within_limits(&attempt.staged) {
            return Err(reject(RejectKind::MempoolPolicy, "too-large-cluster", ""));
        }
        let (before, after) = self.staged_diagrams(&attempt.staged);
        if compare_diagrams(&after, &before) != Some(std::cmp::Ordering::Greater) {
            return Err(reject(
                RejectKind::Reconsiderable,
                "replacement-failed",
                "insufficient feerate: does not improve feerate diagram",
            ));
        }
        Ok(())
    }

    fn stage_removals(&self, all: &BTreeSet<Txid>, attempt: &mut Attempt) {
        for txid in all {
            if let Some(entry) = self.get(txid) {
                attempt.replaced.push(Arc::clone(&entry.tx));
            }
            attempt.staged.removed.insert(*txid);
        }
    }

    /// Core `MemPoolAccept::PackageRBFChecks`: a package may replace only as one parent
    /// and one child, with no pool parents, forming a chunk of its own.
    fn package_rbf_checks(
        &self,
        works: &[Work],
        attempt: &mut Attempt,
    ) -> Result<(), PackageOutcome> {
        let fail = |reason: &str, debug: String| PackageOutcome {
            policy: true,
            reason: reason.to_string(),
            debug,
        };
        let txs: Vec<Arc<Transaction>> = works.iter().map(|w| Arc::clone(&w.tx)).collect();
        if works.len() != 2 || !is_child_with_parents(&txs) {
            return Err(fail(
                "package RBF failed: package must be 1-parent-1-child",
                String::new(),
            ));
        }
        if works.iter().any(|w| !w.parents.is_empty()) {
            return Err(fail(
                "package RBF failed: new transaction cannot have mempool ancestors",
                String::new(),
            ));
        }
        let direct: BTreeSet<Txid> = works
            .iter()
            .flat_map(|w| w.conflicts.iter().copied())
            .collect();
        let (parent, child) = (&works[0], &works[1]);
        let all = entries_for_conflicts(self, &child.txid, &direct)
            .map_err(|debug| fail("package RBF failed: too many potential replacements", debug))?;
        attempt.conflicting_fees += all
            .iter()
            .filter_map(|t| self.get(t))
            .map(Entry::modified_fee)
            .sum::<i64>();
        self.stage_removals(&all, attempt);
        pays_for_rbf(
            attempt.conflicting_fees,
            attempt.total_modified_fees,
            attempt.total_vsize,
            self.options.incremental_relay_fee,
            &child.txid,
        )
        .map_err(|debug| fail("package RBF failed: insufficient anti-DoS fees", debug))?;
        let parent_rate = parent.feerate();
        let package_rate = FeeFrac::new(attempt.total_modified_fees, attempt.total_vsize as i64);
        if package_rate.cmp_rate(&parent_rate) != std::cmp::Ordering::Greater {
            return Err(fail(
                "package RBF failed: package feerate is less than or equal to parent feerate",
                format!(
                    "package feerate {} <= parent feerate is {}",
                    feerate_string(package_rate),
                    feerate_string(parent_rate)
                ),
            ));
        }
        if !self.staged_within_limits(&attempt.staged) {
            return Err(fail("too-large-cluster", String::new()));
        }
        let (before, after) = self.staged_diagrams(&attempt.staged);
        if compare_diagrams(&after, &before) != Some(std::cmp::Ordering::Greater) {
            return Err(fail(
                "package RBF failed: insufficient feerate: does not improve feerate diagram",
                String::new(),
            ));
        }
        Ok(())
    }

    /// Core `CheckEphemeralSpends`: every dust output of a parent (in `package` or in the
    /// pool) is spent by its child in the package, so dust never stays unspent.
    fn check_ephemeral_spends(
        &self,
        package: &[Arc<Transaction>],
    ) -> Result<(), (Wtxid, Rejection)> {
        let by_txid: HashMap<Txid, &Arc<Transaction>> =
            package.iter().map(|t| (t.compute_txid(), t)).collect();
        let dust_rate = self.options.policy.dust_relay_fee;
        for tx in package {
            let mut seen: HashSet<Txid> = HashSet::new();
            let mut unspent_dust: HashSet<OutPoint> = HashSet::new();
            for input in &tx.input {
                let parent_txid = input.previous_output.txid;
                if !seen.insert(parent_txid) {
                    continue;
                }
                let parent: Option<&Transaction> = by_txid
                    .get(&parent_txid)
                    .map(|t| t.as_ref())
                    .or_else(|| self.get(&parent_txid).map(|e| e.tx.as_ref()));
                if let Some(parent) = parent {
                    for (vout, output) in parent.output.iter().enumerate() {
                        if is_dust(output, dust_rate) {
                            if let Ok(vout) = u32::try_from(vout) {
                                unspent_dust.insert(OutPoint::new(parent_txid, vout));
                            }
                        }
                    }
                }
            }
            for input in &tx.input {
                unspent_dust.remove(&input.previous_output);
            }
            if !unspent_dust.is_empty() {
                let txid = tx.compute_txid();
                let wtxid = tx.compute_wtxid();
                return Err((
                    wtxid,
                    reject(
                        RejectKind::MempoolPolicy,
                        "missing-ephemeral-spends",
                        format!("tx {txid} (wtxid={wtxid}) did not spend parent's ephemeral dust"),
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// A coin a pool transaction created.
fn pool_coin(output: TxOut) -> Coin {
    Coin {
        output,
        height: MEMPOOL_HEIGHT,
        is_coinbase: false,
    }
}

/// True if `rate` (fee over vsize) is above `max` (sat/kvB).
fn exceeds(rate: FeeFrac, max: FeeRate) -> bool {
    let max = FeeFrac::new(
        i64::try_from(max.to_sat_per_kvb()).unwrap_or(i64::MAX),
        1000,
    );
    rate.cmp_rate(&max) == std::cmp::Ordering::Greater
}

/// Core `CFeeRate::ToString`: "0.00001000 BTC/kvB".
fn feerate_string(rate: FeeFrac) -> String {
    let per_kvb = super::fee_per_kvb(rate.fee, rate.size);
    let sign = if per_kvb < 0 { "-" } else { "" };
    let abs = per_kvb.unsigned_abs();
    format!(
        "{sign}{}.{:08} BTC/kvB",
        abs / 100_000_000,
        abs % 100_000_000
    )
}

/// Core `PolicyScriptChecks`: every input's scripts under the standard flags.
fn policy_script_checks(work: &Work, tip: &TipContext<'_>) -> Result<(), Rejection> {
    let precomputed = PrecomputedTransactionData::new(&work.tx, work.spent.clone());
    // Valid signatures are kept for the next check of the same ones (Core stores them in
    // `PolicyScriptChecks`, a test of acceptance included).
    let signatures = tip.script_cache.map(|(cache, _)| cache.signatures(true));
    for (index, input) in work.tx.input.iter().enumerate() {
        if let Err(e) = verify_input_cached(
            &work.tx,
            index,
            &precomputed,
            STANDARD_SCRIPT_VERIFY_FLAGS,
            signatures,
        ) {
            let message = match &e {
                sou_script::InputError::Script(error) => error.core_message(),
                _ => "unknown error",
            };
            return Err(reject(
                RejectKind::NotStandard,
                &format!("mempool-script-verify-flag-failed ({message})"),
                format!(
                    "input {index} of {} (wtxid {}), spending {}:{}",
                    work.txid, work.wtxid, input.previous_output.txid, input.previous_output.vout
                ),
            ));
        }
    }
    Ok(())
}
