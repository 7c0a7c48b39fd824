//! Why a transaction is not relayed: one variant per Core reject reason.
//!
//! Core reports a mempool rejection in three parts (`TxValidationState::Invalid`): a
//! result class, a short reason that peers and `testmempoolaccept` see
//! (`"scriptpubkey"`), and a debug message. [`PolicyError`]'s variant is the reason,
//! [`PolicyError::reject_reason`] Core's exact string, its `Display` the detail (Core's
//! debug message where Core writes one), and [`PolicyError::kind`] the result class.
//!
//! References: Core `TxValidationResult`, `TxValidationState` (src/consensus/validation.h).

use std::borrow::Cow;

use sou_chain::{BlockError, TxError};
use sou_primitives::Amount;

/// Core's result class for a rejected transaction (`TxValidationResult`), the part that
/// decides whether the peer that sent it is punished and whether it may be retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RejectKind {
    /// Invalid by consensus (`TX_CONSENSUS`).
    Consensus,
    /// Valid, but this node's policy does not relay it (`TX_NOT_STANDARD`).
    NotStandard,
    /// An input spends a coin of a form policy does not spend (`TX_INPUTS_NOT_STANDARD`).
    InputsNotStandard,
    /// The witness is non-standard, perhaps a third party's padding (`TX_WITNESS_MUTATED`).
    WitnessMutated,
    /// A coinbase spent too early (`TX_PREMATURE_SPEND`).
    PrematureSpend,
    /// Fee too low alone, but a package might carry it (`TX_RECONSIDERABLE`).
    Reconsiderable,
    /// Against a mempool rule such as TRUC's (`TX_MEMPOOL_POLICY`).
    MempoolPolicy,
    /// Spends a coin not found, perhaps an orphan's parent still to come
    /// (`TX_MISSING_INPUTS`).
    MissingInputs,
    /// Already known, or in conflict with what is (`TX_CONFLICT`).
    Conflict,
}

/// Why a transaction is refused by the checks Core's `MemPoolAccept::PreChecks` makes
/// before it runs scripts, in the order they are made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// Fails a consensus check that needs nothing but the transaction (`CheckTransaction`).
    #[error(transparent)]
    Transaction(TxError),
    /// A coinbase is valid only in a block.
    #[error("a coinbase is only valid in a block")]
    Coinbase,
    /// Version outside 1..=3.
    #[error("version {version} is not 1 to 3")]
    Version {
        /// The transaction's version.
        version: u32,
    },
    /// Heavier than `MAX_STANDARD_TX_WEIGHT`.
    #[error("weight {weight} above 400000")]
    TxSize {
        /// Its weight in weight units.
        weight: u64,
    },
    /// A scriptSig longer than `MAX_STANDARD_SCRIPTSIG_SIZE`.
    #[error("input {input} scriptSig of {size} bytes, above 1650")]
    ScriptSigSize {
        /// Which input.
        input: usize,
        /// Its length.
        size: usize,
    },
    /// A scriptSig with an operation other than a push.
    #[error("input {input} scriptSig is not push-only")]
    ScriptSigNotPushOnly {
        /// Which input.
        input: usize,
    },
    /// An output script of no standard template (or a bare multisig beyond 3 keys).
    #[error("output {output} script is non-standard")]
    ScriptPubKey {
        /// Which output.
        output: usize,
    },
    /// The data-carrier (`OP_RETURN`) outputs together exceed `-datacarriersize`.
    #[error("output {output} OP_RETURN of {size} bytes, {left} left for data")]
    Datacarrier {
        /// Which output.
        output: usize,
        /// Its script's length.
        size: usize,
        /// Bytes the outputs before it left.
        left: usize,
    },
    /// A bare multisig output while `-permitbaremultisig=0`.
    #[error("output {output} is bare multisig")]
    BareMultisig {
        /// Which output.
        output: usize,
    },
    /// More than `MAX_DUST_OUTPUTS_PER_TX` dust outputs.
    #[error("{count} dust outputs, at most 1")]
    Dust {
        /// How many.
        count: usize,
    },
    /// Fewer than 65 non-witness bytes (CVE-2017-12842).
    #[error("{size} non-witness bytes, below 65")]
    TxSizeSmall {
        /// Its non-witness size.
        size: usize,
    },
    /// Fails `Consensus::CheckTxInputs` against its coins (immature coinbase, values).
    #[error(transparent)]
    Inputs(BlockError),
    /// An input spends a coin of a form policy does not spend
    /// (`ValidateInputsStandardness`); the text is Core's debug message.
    #[error("{detail}")]
    NonstandardInputs {
        /// Core's debug message, naming the input.
        detail: String,
    },
    /// An input's witness breaks `IsWitnessStandard`.
    #[error("input {input} witness is non-standard")]
    NonstandardWitness {
        /// Which input.
        input: usize,
    },
    /// A transaction with a dust output pays a fee (`PreCheckEphemeralTx`).
    #[error("tx with dust output must be 0-fee")]
    DustWithFee,
    /// Sigop cost above `MAX_STANDARD_TX_SIGOPS_COST`.
    #[error("{cost}")]
    TooManySigops {
        /// Its sigop cost.
        cost: u64,
    },
    /// Pays less than the minimum relay fee rate for its virtual size.
    #[error("{} < {}", fee.to_sat(), required.to_sat())]
    MinRelayFeeNotMet {
        /// The fee paid.
        fee: Amount,
        /// The fee the rate asks for its size.
        required: Amount,
    },
    /// Breaks a TRUC (version 3) rule; the text is Core's debug message.
    #[error("{detail}")]
    Truc {
        /// Core's debug message.
        detail: String,
    },
}

impl PolicyError {
    /// Core's reject reason, as `testmempoolaccept` prints it in `reject-reason`.
    pub fn reject_reason(&self) -> Cow<'static, str> {
        Cow::Borrowed(match self {
            PolicyError::Transaction(e) => e.reject_reason(),
            PolicyError::Inputs(e) => return e.reject_reason(),
            PolicyError::Coinbase => "coinbase",
            PolicyError::Version { .. } => "version",
            PolicyError::TxSize { .. } => "tx-size",
            PolicyError::ScriptSigSize { .. } => "scriptsig-size",
            PolicyError::ScriptSigNotPushOnly { .. } => "scriptsig-not-pushonly",
            PolicyError::ScriptPubKey { .. } => "scriptpubkey",
            PolicyError::Datacarrier { .. } => "datacarrier",
            PolicyError::BareMultisig { .. } => "bare-multisig",
            PolicyError::Dust { .. } | PolicyError::DustWithFee => "dust",
            PolicyError::TxSizeSmall { .. } => "tx-size-small",
            PolicyError::NonstandardInputs { .. } => "bad-txns-nonstandard-inputs",
            PolicyError::NonstandardWitness { .. } => "bad-witness-nonstandard",
            PolicyError::TooManySigops { .. } => "bad-txns-too-many-sigops",
            PolicyError::MinRelayFeeNotMet { .. } => "min relay fee not met",
            PolicyError::Truc { .. } => "TRUC-violation",
        })
    }

    /// Core's result class.
    pub fn kind(&self) -> RejectKind {
        match self {
            PolicyError::Transaction(_) | PolicyError::Coinbase => RejectKind::Consensus,
            PolicyError::Inputs(BlockError::PrematureSpendOfCoinbase { .. }) => {
                RejectKind::PrematureSpend
            }
            PolicyError::Inputs(BlockError::InputsMissingOrSpent { .. }) => {
                RejectKind::MissingInputs
            }
            PolicyError::Inputs(_) => RejectKind::Consensus,
            PolicyError::NonstandardInputs { .. } => RejectKind::InputsNotStandard,
            PolicyError::NonstandardWitness { .. } => RejectKind::WitnessMutated,
            PolicyError::MinRelayFeeNotMet { .. } => RejectKind::Reconsiderable,
            PolicyError::Truc { .. } => RejectKind::MempoolPolicy,
            _ => RejectKind::NotStandard,
        }
    }
}

impl PolicyError {
    /// Core's debug message for this refusal (empty where Core writes none), what
    /// `testmempoolaccept` adds after the reason in `reject-details`.
    pub fn debug_message(&self) -> String {
        match self {
            PolicyError::Inputs(BlockError::InputsMissingOrSpent { .. }) => {
                "CheckTxInputs: inputs missing/spent".to_string()
            }
            PolicyError::Inputs(BlockError::PrematureSpendOfCoinbase { depth, .. }) => {
                format!("tried to spend coinbase at depth {depth}")
            }
            PolicyError::Inputs(BlockError::InBelowOut {
                value_in,
                value_out,
                ..
            }) => format!(
                "value in ({}) < value out ({})",
                crate::pool::format_money(value_in.to_sat()),
                crate::pool::format_money(value_out.to_sat())
            ),
            PolicyError::DustWithFee => "tx with dust output must be 0-fee".to_string(),
            PolicyError::NonstandardInputs { .. }
            | PolicyError::TooManySigops { .. }
            | PolicyError::MinRelayFeeNotMet { .. }
            | PolicyError::Truc { .. } => self.to_string(),
            _ => String::new(),
        }
    }
}

/// A refusal as Core reports it (`TxValidationState`): the class, the reason peers and
/// `testmempoolaccept` see, and the debug message (empty where Core writes none).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.to_core_string())]
pub struct Rejection {
    /// The class, which decides what may be retried (in a package, for instance).
    pub kind: RejectKind,
    /// Core's reject reason.
    pub reason: String,
    /// Core's debug message.
    pub debug: String,
}

impl Rejection {
    /// A refusal with a reason and a debug message.
    pub fn new(kind: RejectKind, reason: impl Into<String>, debug: impl Into<String>) -> Rejection {
        Rejection {
            kind,
            reason: reason.into(),
            debug: debug.into(),
        }
    }

    /// Core's `TxValidationState::ToString`: "reason, debug", or the reason alone.
    pub fn to_core_string(&self) -> String {
        if self.debug.is_empty() {
            self.reason.clone()
        } else {
            format!("{}, {}", self.reason, self.debug)
        }
    }
}

impl From<PolicyError> for Rejection {
    fn from(e: PolicyError) -> Rejection {
        Rejection {
            kind: e.kind(),
            reason: e.reject_reason().into_owned(),
            debug: e.debug_message(),
        }
    }
}
