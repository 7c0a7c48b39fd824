//! Consensus rules as pure functions: values in, verdict out.
//!
//! A rule here looks only at what it is given: a header, a block, a transaction, and where
//! a rule needs the chain below it, an [`AncestorView`] of the blocks it builds on. Nothing
//! here stores anything; [`crate::chainstate`] applies these rules to a growing chain.
//!
//! The checks run in Core's order, which decides the reject reason a bad block gets:
//!
//! 1. [`check_block_header`]: proof of work meets the header's own nBits (`high-hash`).
//! 2. [`check_block`] (Core `CheckBlock`), context-free: merkle root (`bad-txnmrklroot`,
//!    and CVE-2012-2459 mutation `bad-txns-duplicate`), size (`bad-blk-length`), exactly
//!    one coinbase, first (`bad-cb-missing`, `bad-cb-multiple`), each transaction's
//!    [`check_transaction`], legacy sigops (`bad-blk-sigops`).
//! 3. [`contextual_check_block_header`]: difficulty (`bad-diffbits`, see
//!    [`next_work_required`]), time after the median of the last 11 blocks
//!    (`time-too-old`), not too far ahead (`time-too-new`), BIP94's timewarp rule, and old
//!    versions after BIP34/66/65 (`bad-version(0x...)`).
//! 4. [`contextual_check_block`]: finality (`bad-txns-nonfinal`), BIP34 height in the
//!    coinbase (`bad-cb-height`), the witness commitment (`bad-witness-nonce-size`,
//!    `bad-witness-merkle-match`, `unexpected-witness`), weight (`bad-blk-weight`).
//! 5. Connecting to the UTXO set ([`crate::chainstate::connect_block`]): BIP30, inputs
//!    ([`check_tx_inputs`]), BIP68 ([`sequence_locks`]), sigop cost, scripts, and the
//!    coinbase's value against [`block_subsidy`] plus fees (`bad-cb-amount`).
//!
//! How the files divide the work, in the order a block meets them:
//!
//! | file | what it holds |
//! | --- | --- |
//! | `transaction.rs` | [`check_transaction`] and [`TxError`]: a transaction on its own |
//! | `block.rs` | [`check_block_header`], [`check_block`]: a block on its own |
//! | `sigops.rs` | counting signature operations, legacy and by cost |
//! | `ancestors.rs` | [`AncestorView`], the chain below a block, and [`median_time_past`] |
//! | `difficulty.rs` | [`next_work_required`]: the retarget |
//! | `contextual.rs` | [`contextual_check_block_header`], [`contextual_check_block`] |
//! | `locktime.rs` | [`is_final_tx`] and BIP68's [`sequence_locks`] |
//! | `deployments.rs` | buried soft forks: [`block_script_flags`] |
//! | `bip30.rs` | BIP30's duplicate-coinbase rule and its two exceptions |
//! | `inputs.rs` | [`Coin`] and [`check_tx_inputs`]: spending coins, the fee |
//! | `subsidy.rs` | [`block_subsidy`]: new coins per block |
//! | `error.rs` | [`BlockError`], with Core's reject reasons, and [`BlockErrorKind`] |
//!
//! References: Core `src/validation.cpp` (`CheckBlock`, `ContextualCheckBlockHeader`,
//! `ContextualCheckBlock`, `ConnectBlock`, `GetBlockSubsidy`, `GetBlockScriptFlags`),
//! `src/pow.cpp`, `src/consensus/tx_check.cpp`, `src/consensus/tx_verify.cpp`; BIP30,
//! BIP34, BIP68, BIP94, BIP113, BIP141.

mod ancestors;
mod bip30;
mod block;
mod contextual;
mod deployments;
mod difficulty;
mod error;
mod inputs;
mod locktime;
mod sigops;
mod subsidy;
mod transaction;

pub use ancestors::{median_time_past, AncestorInfo, AncestorView, MEDIAN_TIME_SPAN};
pub use bip30::{enforce_bip30, is_bip30_repeat, BIP34_IMPLIES_BIP30_LIMIT};
pub use block::{check_block, check_block_header, CheckBlockOptions};
pub use contextual::{
    bip34_height_script, check_witness_malleation, contextual_check_block,
    contextual_check_block_header, MAX_FUTURE_BLOCK_TIME, MAX_TIMEWARP,
};
pub use deployments::block_script_flags;
pub use difficulty::{calculate_next_work_required, next_work_required};
pub use error::{BlockError, BlockErrorKind};
pub use inputs::{check_tx_inputs, Coin};
pub use locktime::{is_final_tx, sequence_locks, LOCKTIME_THRESHOLD};
pub use sigops::{
    legacy_sigop_count, script_sigop_count, transaction_sigop_cost, MAX_BLOCK_SIGOPS_COST,
};
pub use subsidy::block_subsidy;
pub use transaction::{check_transaction, TxError};
