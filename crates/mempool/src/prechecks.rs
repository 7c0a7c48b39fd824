//! The checks a mempool makes before it runs any script, in Core's order.
//!
//! Core's `MemPoolAccept::PreChecks` is cheap first: rules of the transaction alone, then
//! rules that need its coins, and only if all pass does it verify signatures. Between the
//! two halves it asks the chain and the mempool questions that are state, not rules, and
//! that the caller answers here (the rule name and Core's reason):
//!
//! | step | function | reasons |
//! | --- | --- | --- |
//! | 1 | [`check_alone`] | `CheckTransaction`'s `bad-txns-*`, `coinbase`, [`is_standard_tx`]'s, `tx-size-small` |
//! | 2 | caller | `non-final`, `txn-already-in-mempool`, conflicts, `bad-txns-inputs-missingorspent`, `non-BIP68-final` |
//! | 3 | [`check_with_coins`] | `bad-txns-inputs-missingorspent` (fewer coins than inputs), `CheckTxInputs`'s `bad-txns-*`, `bad-txns-nonstandard-inputs`, `bad-witness-nonstandard`, `dust` (a fee with dust), `bad-txns-too-many-sigops`, `min relay fee not met`, `TRUC-violation` (size) |
//!
//! [`check_with_coins`] returns what the mempool keeps about an accepted transaction: its
//! fee, its sigop cost and its virtual size, in which each sigop counts as
//! [`DEFAULT_BYTES_PER_SIGOP`](crate::DEFAULT_BYTES_PER_SIGOP) bytes so that a
//! transaction heavy in signature checks pays for them.
//!
//! Left out: the dynamic mempool minimum fee (`mempool min fee not met`, a function of
//! the pool's fullness) and the TRUC rules about in-mempool parents and children.
//!
//! References: Core `MemPoolAccept::PreChecks`, `CheckFeeRate` (src/validation.cpp),
//! `PreCheckEphemeralTx` (src/policy/ephemeral_policy.cpp), `SingleTRUCChecks`
//! (src/policy/truc_policy.cpp), `GetVirtualTransactionSize` (src/policy/policy.cpp).

use sou_chain::consensus::{check_tx_inputs, transaction_sigop_cost, Coin};
use sou_chain::{check_transaction, BlockError};
use sou_primitives::network::COINBASE_MATURITY;
use sou_primitives::transaction::WITNESS_SCALE_FACTOR;
use sou_primitives::{Amount, Transaction, TxOut};

use crate::error::PolicyError;
use crate::inputs::{are_inputs_standard, is_witness_standard};
use crate::policy::{
    dust_outputs, is_standard_tx, PolicyOptions, MAX_STANDARD_TX_SIGOPS_COST,
    MIN_STANDARD_TX_NONWITNESS_SIZE, STANDARD_SCRIPT_VERIFY_FLAGS,
};

/// The version that opts into TRUC's topology rules (Core `TRUC_VERSION`, BIP431).
pub const TRUC_VERSION: u32 = 3;
/// Largest TRUC transaction, in virtual bytes (Core `TRUC_MAX_VSIZE`).
pub const TRUC_MAX_VSIZE: u64 = 10_000;

/// What the mempool records about a transaction that passed [`check_with_coins`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checked {
    /// Inputs minus outputs.
    pub fee: Amount,
    /// Sigop cost under the standard flags (Core `GetTransactionSigOpCost`).
    pub sigop_cost: u64,
    /// Virtual size with sigops charged (Core `GetVirtualTransactionSize`).
    pub vsize: u64,
}

/// The virtual size a fee rate is applied to (Core `GetVirtualTransactionSize`): the
/// weight, or the sigop cost times `bytes_per_sigop` if more, divided by 4 rounding up.
pub fn sigop_adjusted_vsize(weight: u64, sigop_cost: u64, bytes_per_sigop: u64) -> u64 {
    weight
        .max(sigop_cost.saturating_mul(bytes_per_sigop))
        .div_ceil(WITNESS_SCALE_FACTOR as u64)
}

/// Step 1: the checks of the transaction alone, in Core's order.
pub fn check_alone(tx: &Transaction, options: &PolicyOptions) -> Result<(), PolicyError> {
    check_transaction(tx).map_err(PolicyError::Transaction)?;
    if tx.is_coinbase() {
        return Err(PolicyError::Coinbase);
    }
    is_standard_tx(tx, options)?;
    // CVE-2017-12842: 64 bytes without witness could pose as a merkle tree's inner node
    // in an SPV proof, so Core relays nothing that small.
    let size = tx.base_size();
    if size < MIN_STANDARD_TX_NONWITNESS_SIZE {
        return Err(PolicyError::TxSizeSmall { size });
    }
    Ok(())
}

/// Step 3: the checks that need the coins: `coins[i]` is the coin input `i` spends,
/// `spend_height` the height of the next block. Fewer coins than inputs is
/// `bad-txns-inputs-missingorspent` for the first input without one.
pub fn check_with_coins(
    tx: &Transaction,
    coins: &[&Coin],
    spend_height: u32,
    options: &PolicyOptions,
) -> Result<Checked, PolicyError> {
    let txid = tx.compute_txid();
    // A coin not given is a coin not found: Core's answer for an orphan, or a spent coin.
    if let Some((input, txin)) = tx.input.iter().enumerate().nth(coins.len()) {
        return Err(PolicyError::Inputs(BlockError::InputsMissingOrSpent {
            txid,
            input,
            outpoint: txin.previous_output,
        }));
    }
    let fee = check_tx_inputs(tx, txid, coins, spend_height, COINBASE_MATURITY)
        .map_err(PolicyError::Inputs)?;
    let spent: Vec<&TxOut> = coins.iter().map(|c| &c.output).collect();
    are_inputs_standard(tx, &spent)?;
    if tx.has_witness() {
        is_witness_standard(tx, &spent)?;
    }
    let sigop_cost = transaction_sigop_cost(tx, &spent, STANDARD_SCRIPT_VERIFY_FLAGS);
    let vsize = sigop_adjusted_vsize(tx.weight().to_wu(), sigop_cost, options.bytes_per_sigop);
    // Ephemeral dust: a dust output is allowed only in a transaction that pays nothing,
    // so a miner gains only by mining it with the child that spends the dust.
    if fee != Amount::ZERO && !dust_outputs(tx, options.dust_relay_fee).is_empty() {
        return Err(PolicyError::DustWithFee);
    }
    if sigop_cost > MAX_STANDARD_TX_SIGOPS_COST {
        return Err(PolicyError::TooManySigops { cost: sigop_cost });
    }
    let required = options.min_relay_fee.fee_for_vsize(vsize);
    if fee < required {
        return Err(PolicyError::MinRelayFeeNotMet { fee, required });
    }
    // TRUC (BIP431): version 3 transactions are small, so replacing them is cheap.
    if tx.version == TRUC_VERSION && vsize > TRUC_MAX_VSIZE {
        return Err(PolicyError::Truc {
            detail: format!(
                "version=3 tx {} (wtxid={}) is too big: {vsize} > {TRUC_MAX_VSIZE} virtual bytes",
                tx.compute_txid(),
                tx.compute_wtxid()
            ),
        });
    }
    Ok(Checked {
        fee,
        sigop_cost,
        vsize,
    })
}
