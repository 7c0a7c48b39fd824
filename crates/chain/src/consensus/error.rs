//! Why a block is rejected: Core's reject reason, a detail, and a class.
//!
//! Core reports an invalid block in three parts (`state.Invalid(result, reject_reason,
//! debug_message)`). Here the [`BlockError`] variant is the reason, with its exact string
//! from [`BlockError::reject_reason`] (`bad-txnmrklroot`, `bad-cb-amount`, ...); `Display`
//! gives the detail (Core's debug message where sou's logs print it as Core's do);
//! [`BlockError::kind`] gives the class, a [`BlockErrorKind`].
//!
//! The class decides what a node may conclude. A block whose transactions do not match
//! its header is [`BlockErrorKind::Mutated`]: the data is bad, but the header may be
//! fine, and a peer may still relay the right transactions, so the header is not marked
//! invalid. A broken rule ([`BlockErrorKind::Consensus`]) condemns the block and every
//! block built on it.
//!
//! References: Core `src/consensus/validation.h` (`BlockValidationResult`,
//! `ValidationState`).

use std::borrow::Cow;

use sou_primitives::pow::CompactTarget;
use sou_primitives::{Amount, BlockHash, OutPoint, Txid};
use sou_script::ScriptError;
use thiserror::Error;

use super::TxError;

/// Core's classes of block failure (`BlockValidationResult`): they decide what a node may
/// conclude, e.g. a mutated block says nothing about its header, which stays valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockErrorKind {
    /// Breaks a consensus rule: the block (and its descendants) are invalid.
    Consensus,
    /// The transactions do not match the header's commitments: the data is bad, the
    /// header may still be fine (someone may relay the right transactions).
    Mutated,
    /// The header itself is invalid.
    InvalidHeader,
    /// Dated too far in the future: may become valid later.
    TimeFuture,
    /// The parent is unknown.
    MissingPrev,
    /// The parent is known to be invalid.
    InvalidPrev,
    /// The block was already found invalid.
    CachedInvalid,
}

/// Why a block is rejected, with Core's reject reason ([`BlockError::reject_reason`]).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum BlockError {
    /// The hash does not meet the target, or nBits is not a valid target.
    #[error("proof of work failed: hash {hash} above the target of nBits {bits}")]
    HighHash {
        /// The block hash.
        hash: BlockHash,
        /// Its nBits.
        bits: CompactTarget,
    },
    /// The header's merkle root does not match the transactions.
    #[error("hashMerkleRoot mismatch")]
    BadMerkleRoot,
    /// The transaction list is a CVE-2012-2459 mutation.
    #[error("duplicate transaction")]
    DuplicateTransaction,
    /// No transactions, or too many bytes without witnesses.
    #[error("block size limits failed")]
    BadLength,
    /// The first transaction is not a coinbase.
    #[error("first transaction is not a coinbase")]
    CoinbaseMissing,
    /// A coinbase after the first transaction.
    #[error("transaction {index} is a second coinbase")]
    CoinbaseMultiple {
        /// Its position.
        index: usize,
    },
    /// A transaction fails `CheckTransaction`.
    #[error("transaction {txid} fails its checks: {error}")]
    Transaction {
        /// The transaction.
        txid: Txid,
        /// Why.
        error: TxError,
    },
    /// Too many signature operations.
    #[error("too many signature operations")]
    Sigops,
    /// nBits is not what the difficulty rules give.
    #[error("incorrect proof of work: nBits {found}, expected {expected}")]
    BadDiffBits {
        /// In the header.
        found: CompactTarget,
        /// From the rules.
        expected: CompactTarget,
    },
    /// Time not after the median of the last 11 blocks.
    #[error("timestamp {time} not after median-time-past {median_time_past}")]
    TimeTooOld {
        /// The header's time.
        time: u32,
        /// The median of the previous 11 blocks.
        median_time_past: i64,
    },
    /// Time more than two hours past the node's clock.
    #[error("timestamp {time} too far in the future")]
    TimeTooNew {
        /// The header's time.
        time: u32,
    },
    /// BIP94: a period's first block dated more than 10 minutes before its parent.
    #[error("timestamp too early on a difficulty adjustment block")]
    TimewarpAttack,
    /// A version that a buried soft fork retired.
    #[error("rejected block version {version:#010x}")]
    BadVersion {
        /// The version.
        version: i32,
    },
    /// A transaction not final at this height and time.
    #[error("non-final transaction {txid}")]
    NonFinal {
        /// The transaction.
        txid: Txid,
    },
    /// BIP34: the coinbase does not start with the height.
    #[error("block height mismatch in coinbase")]
    BadCoinbaseHeight,
    /// The witness reserved value is not one 32-byte item.
    #[error("CheckWitnessMalleation : invalid witness reserved value size")]
    BadWitnessNonceSize,
    /// The witness commitment does not match.
    #[error("CheckWitnessMalleation : witness merkle commitment mismatch")]
    BadWitnessMerkleMatch,
    /// Witness data without a commitment (or before segwit).
    #[error("CheckWitnessMalleation : unexpected witness data found")]
    UnexpectedWitness,
    /// Weight above 4,000,000.
    #[error("weight limit failed")]
    BadWeight,
    /// BIP30: a transaction would overwrite unspent outputs of an identical one.
    #[error("transaction {txid} would overwrite unspent outputs")]
    Bip30 {
        /// The transaction.
        txid: Txid,
    },
    /// An input's coin is missing or spent.
    #[error("input {input} of {txid} spends {outpoint}, not in the UTXO set")]
    InputsMissingOrSpent {
        /// The transaction.
        txid: Txid,
        /// Which input.
        input: usize,
        /// The coin.
        outpoint: OutPoint,
    },
    /// A coinbase output spent before 100 confirmations.
    #[error("input {input} of {txid} spends a coinbase of height {coin_height} at depth {depth}")]
    PrematureSpendOfCoinbase {
        /// The transaction.
        txid: Txid,
        /// Which input.
        input: usize,
        /// Height of the coinbase.
        coin_height: u32,
        /// Confirmations it has.
        depth: u32,
    },
    /// Input values out of range.
    #[error("input values of {txid} out of range")]
    InputValuesOutOfRange {
        /// The transaction.
        txid: Txid,
    },
    /// Outputs worth more than inputs.
    #[error("{txid} spends {value_in:?} but creates {value_out:?}")]
    InBelowOut {
        /// The transaction.
        txid: Txid,
        /// Inputs.
        value_in: Amount,
        /// Outputs.
        value_out: Amount,
    },
    /// A fee out of range.
    #[error("fee of {txid} out of range")]
    FeeOutOfRange {
        /// The transaction.
        txid: Txid,
    },
    /// The block's fees add up out of range.
    #[error("accumulated fee in the block out of range")]
    AccumulatedFeeOutOfRange,
    /// An input's script fails.
    #[error("input {input} of {txid}: {error}")]
    Script {
        /// The transaction.
        txid: Txid,
        /// Which input.
        input: usize,
        /// Why.
        error: ScriptError,
    },
    /// The coinbase pays more than subsidy plus fees.
    #[error("coinbase pays too much (actual={} vs limit={})", actual.to_sat(), limit.to_sat())]
    BadCoinbaseAmount {
        /// Paid.
        actual: Amount,
        /// Allowed.
        limit: Amount,
    },
    /// The parent block is unknown.
    #[error("previous block {prev} not found")]
    PrevBlockNotFound {
        /// The parent.
        prev: BlockHash,
    },
    /// The parent block is invalid.
    #[error("previous block {prev} is invalid")]
    BadPrevBlock {
        /// The parent.
        prev: BlockHash,
    },
    /// The block is already known, and known to be invalid (or to descend from an invalid
    /// block).
    #[error("block {hash} was previously marked invalid")]
    DuplicateInvalid {
        /// The block.
        hash: BlockHash,
    },
}

impl BlockError {
    /// Bitcoin Core's reject reason.
    pub fn reject_reason(&self) -> Cow<'static, str> {
        use BlockError::*;
        Cow::Borrowed(match self {
            HighHash { .. } => "high-hash",
            BadMerkleRoot => "bad-txnmrklroot",
            DuplicateTransaction => "bad-txns-duplicate",
            BadLength => "bad-blk-length",
            CoinbaseMissing => "bad-cb-missing",
            CoinbaseMultiple { .. } => "bad-cb-multiple",
            Transaction { error, .. } => error.reject_reason(),
            Sigops => "bad-blk-sigops",
            BadDiffBits { .. } => "bad-diffbits",
            TimeTooOld { .. } => "time-too-old",
            TimeTooNew { .. } => "time-too-new",
            TimewarpAttack => "time-timewarp-attack",
            BadVersion { version } => return Cow::Owned(format!("bad-version(0x{version:08x})")),
            NonFinal { .. } => "bad-txns-nonfinal",
            BadCoinbaseHeight => "bad-cb-height",
            BadWitnessNonceSize => "bad-witness-nonce-size",
            BadWitnessMerkleMatch => "bad-witness-merkle-match",
            UnexpectedWitness => "unexpected-witness",
            BadWeight => "bad-blk-weight",
            Bip30 { .. } => "bad-txns-BIP30",
            InputsMissingOrSpent { .. } => "bad-txns-inputs-missingorspent",
            PrematureSpendOfCoinbase { .. } => "bad-txns-premature-spend-of-coinbase",
            InputValuesOutOfRange { .. } => "bad-txns-inputvalues-outofrange",
            InBelowOut { .. } => "bad-txns-in-belowout",
            FeeOutOfRange { .. } => "bad-txns-fee-outofrange",
            AccumulatedFeeOutOfRange => "bad-txns-accumulated-fee-outofrange",
            Script { error, .. } => {
                return Cow::Owned(format!(
                    "block-script-verify-flag-failed ({})",
                    error.core_message()
                ))
            }
            BadCoinbaseAmount { .. } => "bad-cb-amount",
            PrevBlockNotFound { .. } => "prev-blk-not-found",
            BadPrevBlock { .. } => "bad-prevblk",
            DuplicateInvalid { .. } => "duplicate-invalid",
        })
    }

    /// Core's result class.
    pub fn kind(&self) -> BlockErrorKind {
        use BlockError::*;
        match self {
            HighHash { .. }
            | BadDiffBits { .. }
            | TimeTooOld { .. }
            | TimewarpAttack
            | BadVersion { .. } => BlockErrorKind::InvalidHeader,
            TimeTooNew { .. } => BlockErrorKind::TimeFuture,
            BadMerkleRoot
            | DuplicateTransaction
            | BadWitnessNonceSize
            | BadWitnessMerkleMatch
            | UnexpectedWitness => BlockErrorKind::Mutated,
            PrevBlockNotFound { .. } => BlockErrorKind::MissingPrev,
            BadPrevBlock { .. } => BlockErrorKind::InvalidPrev,
            DuplicateInvalid { .. } => BlockErrorKind::CachedInvalid,
            _ => BlockErrorKind::Consensus,
        }
    }
}
