//! Replacement: a transaction that spends a coin a pool transaction already spends.
//!
//! Only one of two conflicting transactions can be mined. Since v28 Core lets any pool
//! transaction be replaced ("full RBF"; BIP125's opt-in signal no longer matters) if the
//! newcomer is better for a miner and pays for the bandwidth the evicted ones used:
//!
//! - rule 5: it conflicts directly with at most 100 clusters, bounding the work;
//! - rule 3: it pays at least the fees of everything it evicts (the conflicts and all
//!   their descendants);
//! - rule 4: the extra fee pays for its own relay, at the incremental relay fee rate;
//! - the feerate diagram of the pool's affected clusters must be strictly better after the
//!   change than before (Core's `ImprovesFeerateDiagram`): at every size, a miner filling
//!   a block collects at least as much, and somewhere more.
//!
//! A transaction may not spend an output of what it replaces (it would depend on a
//! transaction that leaves): `bad-txns-spends-conflicting-tx`.
//!
//! References: Core `src/policy/rbf.{h,cpp}`, `MemPoolAccept::ReplacementChecks`.

use std::collections::BTreeSet;

use sou_primitives::{Amount, Txid};

use super::Mempool;

/// Most distinct clusters a replacement may conflict with (Core
/// `MAX_REPLACEMENT_CANDIDATES`).
pub const MAX_REPLACEMENT_CANDIDATES: usize = 100;

/// Core `FormatMoney`: BTC with at least two decimals, trailing zeros dropped, as Core's
/// messages write amounts.
pub fn format_money(sats: i64) -> String {
    let negative = sats < 0;
    let abs = sats.unsigned_abs();
    let mut text = format!("{}.{:08}", abs / 100_000_000, abs % 100_000_000);
    while text.ends_with('0') && text.len() > text.find('.').map_or(0, |d| d + 3) {
        text.pop();
    }
    if negative {
        format!("-{text}")
    } else {
        text
    }
}

/// Core `GetEntriesForConflicts`: rule 5, then everything that would leave (the direct
/// conflicts and all their descendants).
pub(crate) fn entries_for_conflicts(
    pool: &Mempool,
    txid: &Txid,
    direct: &BTreeSet<Txid>,
) -> Result<BTreeSet<Txid>, String> {
    let clusters = pool.unique_cluster_count(direct);
    if clusters > MAX_REPLACEMENT_CANDIDATES {
        return Err(format!(
            "rejecting replacement {txid}; too many conflicting clusters ({clusters} > {MAX_REPLACEMENT_CANDIDATES})"
        ));
    }
    Ok(pool.descendants_of_all(direct.iter().copied()))
}

/// Core `PaysForRBF`: rules 3 and 4.
pub(crate) fn pays_for_rbf(
    original_fees: i64,
    replacement_fees: i64,
    replacement_vsize: u64,
    incremental: sou_primitives::FeeRate,
    txid: &Txid,
) -> Result<(), String> {
    if replacement_fees < original_fees {
        return Err(format!(
            "rejecting replacement {txid}, less fees than conflicting txs; {} < {}",
            format_money(replacement_fees),
            format_money(original_fees)
        ));
    }
    let additional = replacement_fees - original_fees;
    let required = incremental.fee_for_vsize(replacement_vsize);
    if Amount::from_sat(additional) < required {
        return Err(format!(
            "rejecting replacement {txid}, not enough additional fees to relay; {} < {}",
            format_money(additional),
            format_money(required.to_sat())
        ));
    }
    Ok(())
}

/// Core `EntriesAndTxidsDisjoint`: none of `ancestors` is a direct conflict.
pub(crate) fn ancestors_disjoint(
    ancestors: &BTreeSet<Txid>,
    direct: &BTreeSet<Txid>,
    txid: &Txid,
) -> Result<(), String> {
    match ancestors.iter().find(|a| direct.contains(a)) {
        Some(a) => Err(format!("{txid} spends conflicting transaction {a}")),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::format_money;

    #[test]
    fn money_is_formatted_as_core_formats_it() {
        assert_eq!(format_money(0), "0.00");
        assert_eq!(format_money(1), "0.00000001");
        assert_eq!(format_money(1_000), "0.00001");
        assert_eq!(format_money(100_000_000), "1.00");
        assert_eq!(format_money(150_000_000), "1.50");
        assert_eq!(format_money(-2_500), "-0.000025");
    }
}
