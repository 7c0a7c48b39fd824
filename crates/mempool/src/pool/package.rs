//! Packages: transactions submitted together so that a child can pay for its parents.
//!
//! A parent paying too little to enter the pool alone can still be mined if its child
//! pays enough for both ("child pays for parent"). The pool can only see that if it
//! judges them together, so `submitpackage` and `testmempoolaccept` take lists. Before any
//! transaction of a list is checked, the list itself must be well formed (Core
//! `IsWellFormedPackage`): at most 25 transactions and 404,000 weight units, no duplicates,
//! parents before children, no two spending the same coin. `submitpackage` also requires a
//! *child with its parents*: every other transaction is a parent of the last one.
//!
//! References: Core `src/policy/packages.{h,cpp}`.

use std::collections::HashSet;
use std::sync::Arc;

use sou_primitives::{OutPoint, Transaction, Txid};

/// Most transactions in a package (Core `MAX_PACKAGE_COUNT`).
pub const MAX_PACKAGE_COUNT: usize = 25;
/// Most weight of a package of two or more (Core `MAX_PACKAGE_WEIGHT`): a standard
/// transaction's limit, plus room for a child.
pub const MAX_PACKAGE_WEIGHT: u64 = 404_000;

/// Why a package is refused as a whole, with Core's `package-error` strings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PackageError {
    /// More than [`MAX_PACKAGE_COUNT`] transactions.
    #[error("package-too-many-transactions")]
    TooManyTransactions,
    /// More than [`MAX_PACKAGE_WEIGHT`].
    #[error("package-too-large")]
    TooLarge,
    /// The same txid twice.
    #[error("package-contains-duplicates")]
    Duplicates,
    /// A child before its parent.
    #[error("package-not-sorted")]
    NotSorted,
    /// Two transactions spend the same coin.
    #[error("conflict-in-package")]
    Conflict,
    /// Not one child with its parents (`submitpackage` only).
    #[error("package-not-child-with-parents")]
    NotChildWithParents,
}

/// Core `IsWellFormedPackage`.
pub fn check_well_formed(txs: &[Arc<Transaction>]) -> Result<(), PackageError> {
    if txs.len() > MAX_PACKAGE_COUNT {
        return Err(PackageError::TooManyTransactions);
    }
    let weight: u64 = txs.iter().map(|t| t.weight().to_wu()).sum();
    // One transaction's weight is better judged by the transaction's own rule.
    if txs.len() > 1 && weight > MAX_PACKAGE_WEIGHT {
        return Err(PackageError::TooLarge);
    }
    let txids: Vec<Txid> = txs.iter().map(|t| t.compute_txid()).collect();
    let mut later: HashSet<Txid> = txids.iter().copied().collect();
    if later.len() != txs.len() {
        return Err(PackageError::Duplicates);
    }
    for (tx, txid) in txs.iter().zip(&txids) {
        if tx
            .input
            .iter()
            .any(|i| later.contains(&i.previous_output.txid))
        {
            return Err(PackageError::NotSorted);
        }
        later.remove(txid);
    }
    let mut seen: HashSet<OutPoint> = HashSet::new();
    for tx in txs {
        // No inputs cannot be checked for consistency; Core refuses it here too.
        if tx.input.is_empty() || tx.input.iter().any(|i| seen.contains(&i.previous_output)) {
            return Err(PackageError::Conflict);
        }
        seen.extend(tx.input.iter().map(|i| i.previous_output));
    }
    Ok(())
}

/// Core `IsChildWithParents`: two or more, and every one but the last is a parent of the
/// last.
pub fn is_child_with_parents(txs: &[Arc<Transaction>]) -> bool {
    let Some((child, parents)) = txs.split_last() else {
        return false;
    };
    if parents.is_empty() {
        return false;
    }
    let spent: HashSet<Txid> = child.input.iter().map(|i| i.previous_output.txid).collect();
    parents.iter().all(|p| spent.contains(&p.compute_txid()))
}

/// Core `IsChildWithParentsTree`: a child with its parents, none of which spends another.
pub fn is_child_with_parents_tree(txs: &[Arc<Transaction>]) -> bool {
    if !is_child_with_parents(txs) {
        return false;
    }
    let parents = &txs[..txs.len() - 1];
    let parent_txids: HashSet<Txid> = parents.iter().map(|p| p.compute_txid()).collect();
    parents.iter().all(|p| {
        p.input
            .iter()
            .all(|i| !parent_txids.contains(&i.previous_output.txid))
    })
}

/// The positions in `package` of the parents of its transaction at `position`, looking
/// only before it since packages are sorted (Core `FindInPackageParents`).
pub fn in_package_parents(package: &[Arc<Transaction>], position: usize) -> Vec<usize> {
    let Some(tx) = package.get(position) else {
        return Vec::new();
    };
    let spent: HashSet<Txid> = tx.input.iter().map(|i| i.previous_output.txid).collect();
    package[..position]
        .iter()
        .enumerate()
        .filter(|(_, p)| spent.contains(&p.compute_txid()))
        .map(|(i, _)| i)
        .collect()
}
