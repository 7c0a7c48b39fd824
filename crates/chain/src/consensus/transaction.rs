//! The rules a transaction meets on its own (Core `CheckTransaction`).
//!
//! Before anyone looks up the coins a transaction spends, it can be judged by itself: it
//! spends something and creates something, fits in a block without its witnesses, creates
//! no negative amount and no more than 21 million BTC in all, and names no coin twice. A
//! coinbase, which spends nothing, carries a `script_sig` of 2 to 100 bytes instead; any
//! other transaction must not name the null outpoint that marks a coinbase.
//!
//! Two of these checks close famous bugs: the value overflow of August 2010, which
//! created 184 billion BTC (CVE-2010-5139), and the duplicate input whose check Core
//! 0.14 skipped inside blocks (CVE-2018-17144). A failure is a [`TxError`], whose
//! `reject_reason()` is Core's string.
//!
//! References: Core `src/consensus/tx_check.cpp` (`CheckTransaction`).

use std::collections::HashSet;

use sou_primitives::transaction::WITNESS_SCALE_FACTOR;
use sou_primitives::{Amount, OutPoint, Transaction, Txid, Weight};
use thiserror::Error;

/// Why a transaction breaks a context-free consensus rule.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum TxError {
    /// No inputs.
    #[error("transaction has no inputs")]
    VinEmpty,
    /// No outputs.
    #[error("transaction has no outputs")]
    VoutEmpty,
    /// Its size without witnesses, times 4, exceeds the block weight limit.
    #[error("transaction of {base_size} bytes without witnesses cannot fit in a block")]
    Oversize {
        /// Size without witnesses.
        base_size: usize,
    },
    /// An output value below zero.
    #[error("output {output} has a negative value {value:?}")]
    VoutNegative {
        /// Which output.
        output: usize,
        /// Its value.
        value: Amount,
    },
    /// An output value above 21 million BTC.
    #[error("output {output} value {value:?} exceeds MAX_MONEY")]
    VoutTooLarge {
        /// Which output.
        output: usize,
        /// Its value.
        value: Amount,
    },
    /// The outputs add up to more than 21 million BTC.
    #[error("outputs add up to more than MAX_MONEY")]
    TxOutTotalTooLarge,
    /// Two inputs spend the same coin.
    #[error("input {input} spends {outpoint} a second time")]
    InputsDuplicate {
        /// The later input.
        input: usize,
        /// The coin.
        outpoint: OutPoint,
    },
    /// A coinbase script_sig outside 2..=100 bytes.
    #[error("coinbase script_sig of {len} bytes, must be 2 to 100")]
    CoinbaseLength {
        /// Its length.
        len: usize,
    },
    /// A non-coinbase input naming the null outpoint.
    #[error("input {input} of a non-coinbase transaction spends the null outpoint")]
    PrevoutNull {
        /// Which input.
        input: usize,
    },
}

impl TxError {
    /// Bitcoin Core's reject reason.
    pub fn reject_reason(&self) -> &'static str {
        match self {
            TxError::VinEmpty => "bad-txns-vin-empty",
            TxError::VoutEmpty => "bad-txns-vout-empty",
            TxError::Oversize { .. } => "bad-txns-oversize",
            TxError::VoutNegative { .. } => "bad-txns-vout-negative",
            TxError::VoutTooLarge { .. } => "bad-txns-vout-toolarge",
            TxError::TxOutTotalTooLarge => "bad-txns-txouttotal-toolarge",
            TxError::InputsDuplicate { .. } => "bad-txns-inputs-duplicate",
            TxError::CoinbaseLength { .. } => "bad-cb-length",
            TxError::PrevoutNull { .. } => "bad-txns-prevout-null",
        }
    }
}

/// Core's `CheckTransaction`: the rules that need nothing but the transaction.
pub fn check_transaction(tx: &Transaction) -> Result<(), TxError> {
    if tx.input.is_empty() {
        return Err(TxError::VinEmpty);
    }
    if tx.output.is_empty() {
        return Err(TxError::VoutEmpty);
    }
    // Witnesses are not counted: they have not been checked for malleability yet.
    let base_size = tx.base_size();
    if (base_size * WITNESS_SCALE_FACTOR) as u64 > Weight::MAX_BLOCK.to_wu() {
        return Err(TxError::Oversize { base_size });
    }
    let mut total = Amount::ZERO;
    for (output, out) in tx.output.iter().enumerate() {
        if out.value.is_negative() {
            return Err(TxError::VoutNegative {
                output,
                value: out.value,
            });
        }
        if out.value > Amount::MAX_MONEY {
            return Err(TxError::VoutTooLarge {
                output,
                value: out.value,
            });
        }
        // Each value is at most MAX_MONEY, so the running sum cannot overflow an i64
        // before it leaves the money range (CVE-2010-5139).
        total = total
            .checked_add(out.value)
            .filter(|t| t.is_valid_money())
            .ok_or(TxError::TxOutTotalTooLarge)?;
    }
    // CVE-2018-17144: a block spending the same coin twice in one transaction.
    let mut seen: HashSet<(Txid, u32)> = HashSet::with_capacity(tx.input.len());
    for (input, txin) in tx.input.iter().enumerate() {
        let outpoint = txin.previous_output;
        if !seen.insert((outpoint.txid, outpoint.vout)) {
            return Err(TxError::InputsDuplicate { input, outpoint });
        }
    }
    if tx.is_coinbase() {
        let len = tx.input[0].script_sig.len();
        if !(2..=100).contains(&len) {
            return Err(TxError::CoinbaseLength { len });
        }
    } else if let Some(input) = tx.input.iter().position(|i| i.previous_output.is_null()) {
        return Err(TxError::PrevoutNull { input });
    }
    Ok(())
}
