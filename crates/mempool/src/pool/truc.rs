//! TRUC, "topologically restricted until confirmation" (BIP431): version 3 transactions.
//!
//! Replacing a transaction is hard when someone else can attach large, low-fee children
//! to it ("pinning"): the replacement must pay for everything it evicts. A version 3
//! transaction opts into a shape that makes that impossible: while unconfirmed it has at
//! most one unconfirmed parent or one unconfirmed child (never a chain of three), the
//! child is at most 1,000 virtual bytes, and version 3 and other versions do not mix in
//! one unconfirmed chain. A second child may take the place of the first if it pays
//! enough ("sibling eviction"), which is judged as a replacement.
//!
//! References: Core `src/policy/truc_policy.{h,cpp}` (`SingleTRUCChecks`,
//! `PackageTRUCChecks`); BIP431.

use std::sync::Arc;

use sou_primitives::{Transaction, Txid};

use super::package::in_package_parents;
use super::{Entry, Mempool};

pub use crate::prechecks::{TRUC_MAX_VSIZE, TRUC_VERSION};

/// Largest child of an unconfirmed TRUC parent, in virtual bytes (Core
/// `TRUC_CHILD_MAX_VSIZE`).
pub const TRUC_CHILD_MAX_VSIZE: u64 = 1_000;

/// "txid (wtxid=...)" as Core's TRUC messages name a transaction.
fn named(tx: &Transaction) -> String {
    format!("{} (wtxid={})", tx.compute_txid(), tx.compute_wtxid())
}

/// A refusal, and for a second child the sibling whose eviction may be considered instead.
pub(crate) struct TrucViolation {
    pub(crate) detail: String,
    pub(crate) sibling: Option<Txid>,
}

fn violation(detail: String) -> TrucViolation {
    TrucViolation {
        detail,
        sibling: None,
    }
}

/// Core `SingleTRUCChecks`: `tx` against its pool parents, `conflicts` being the pool
/// transactions it replaces directly.
pub(crate) fn single_truc_checks(
    pool: &Mempool,
    tx: &Transaction,
    parents: &[&Entry],
    conflicts: &std::collections::BTreeSet<Txid>,
    vsize: u64,
) -> Result<(), TrucViolation> {
    for parent in parents {
        let parent_truc = parent.tx.version == TRUC_VERSION;
        if tx.version != TRUC_VERSION && parent_truc {
            return Err(violation(format!(
                "non-version=3 tx {} cannot spend from version=3 tx {}",
                named(tx),
                named(&parent.tx)
            )));
        }
        if tx.version == TRUC_VERSION && !parent_truc {
            return Err(violation(format!(
                "version=3 tx {} cannot spend from non-version=3 tx {}",
                named(tx),
                named(&parent.tx)
            )));
        }
    }
    if tx.version != TRUC_VERSION {
        return Ok(());
    }
    if vsize > TRUC_MAX_VSIZE {
        return Err(violation(format!(
            "version=3 tx {} is too big: {vsize} > {TRUC_MAX_VSIZE} virtual bytes",
            named(tx)
        )));
    }
    if parents.len() + 1 > 2 {
        return Err(violation(format!(
            "tx {} would have too many ancestors",
            named(tx)
        )));
    }
    let Some(parent) = parents.first() else {
        return Ok(());
    };
    if pool.ancestors(&parent.txid).len() + 1 > 2 {
        return Err(violation(format!(
            "tx {} would have too many ancestors",
            named(tx)
        )));
    }
    if vsize > TRUC_CHILD_MAX_VSIZE {
        return Err(violation(format!(
            "version=3 child tx {} is too big: {vsize} > {TRUC_CHILD_MAX_VSIZE} virtual bytes",
            named(tx)
        )));
    }
    let mut descendants = pool.descendants(&parent.txid);
    descendants.remove(&parent.txid);
    let child_will_be_replaced = descendants.iter().any(|d| conflicts.contains(d));
    let descendant_count = descendants.len() + 1;
    if descendant_count + 1 > 2 && !child_will_be_replaced {
        // One existing child with no other ancestor may be evicted in favour of this one,
        // if it pays for that as a replacement would.
        let sibling = descendants
            .iter()
            .next()
            .copied()
            .filter(|s| descendant_count == 2 && pool.ancestors(s).len() == 2);
        return Err(TrucViolation {
            detail: format!(
                "tx {} would exceed descendant count limit",
                named(&parent.tx)
            ),
            sibling,
        });
    }
    Ok(())
}

/// Core `PackageTRUCChecks`: the transaction at `position` of `package`, with its pool
/// parents, once all of the package's virtual sizes are known.
pub(crate) fn package_truc_checks(
    pool: &Mempool,
    package: &[Arc<Transaction>],
    position: usize,
    vsize: u64,
    parents: &[&Entry],
) -> Result<(), String> {
    let Some(tx) = package.get(position) else {
        return Ok(());
    };
    let package_parents = in_package_parents(package, position);
    if tx.version == TRUC_VERSION {
        if vsize > TRUC_MAX_VSIZE {
            return Err(format!(
                "version=3 tx {} is too big: {vsize} > {TRUC_MAX_VSIZE} virtual bytes",
                named(tx)
            ));
        }
        if parents.len() + package_parents.len() + 1 > 2 {
            return Err(format!("tx {} would have too many ancestors", named(tx)));
        }
        if let Some(parent) = parents.first() {
            if pool.ancestors(&parent.txid).len() + package_parents.len() + 1 > 2 {
                return Err(format!("tx {} would have too many ancestors", named(tx)));
            }
        }
        if parents.len() + package_parents.len() > 0 {
            if vsize > TRUC_CHILD_MAX_VSIZE {
                return Err(format!(
                    "version=3 child tx {} is too big: {vsize} > {TRUC_CHILD_MAX_VSIZE} virtual bytes",
                    named(tx)
                ));
            }
            // Exactly one parent, in the pool or in the package.
            let (parent_tx, has_pool_descendant): (&Transaction, bool) =
                match (parents.first(), package_parents.first()) {
                    (Some(p), _) => (&p.tx, pool.descendants(&p.txid).len() > 1),
                    (None, Some(&i)) => match package.get(i) {
                        Some(p) => (p, false),
                        None => return Ok(()),
                    },
                    (None, None) => return Ok(()),
                };
            if parent_tx.version != TRUC_VERSION {
                return Err(format!(
                    "version=3 tx {} cannot spend from non-version=3 tx {}",
                    named(tx),
                    named(parent_tx)
                ));
            }
            let parent_txid = parent_tx.compute_txid();
            let txid = tx.compute_txid();
            for (i, other) in package.iter().enumerate() {
                if i == position {
                    continue;
                }
                for input in &other.input {
                    if input.previous_output.txid == parent_txid {
                        return Err(format!(
                            "tx {} would exceed descendant count limit",
                            named(parent_tx)
                        ));
                    }
                    if input.previous_output.txid == txid {
                        return Err(format!("tx {} would have too many ancestors", named(other)));
                    }
                }
            }
            if has_pool_descendant {
                return Err(format!(
                    "tx {} would exceed descendant count limit",
                    named(parent_tx)
                ));
            }
        }
    } else {
        for parent in parents {
            if parent.tx.version == TRUC_VERSION {
                return Err(format!(
                    "non-version=3 tx {} cannot spend from version=3 tx {}",
                    named(tx),
                    named(&parent.tx)
                ));
            }
        }
        for &i in &package_parents {
            if let Some(parent) = package.get(i) {
                if parent.version == TRUC_VERSION {
                    return Err(format!(
                        "non-version=3 tx {} cannot spend from version=3 tx {}",
                        named(tx),
                        named(parent)
                    ));
                }
            }
        }
    }
    Ok(())
}
