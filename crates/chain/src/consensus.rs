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
//! References: Core `src/validation.cpp` (`CheckBlock`, `ContextualCheckBlockHeader`,
//! `ContextualCheckBlock`, `ConnectBlock`, `GetBlockSubsidy`, `GetBlockScriptFlags`),
//! `src/pow.cpp`, `src/consensus/tx_check.cpp`, `src/consensus/tx_verify.cpp`; BIP30,
//! BIP34, BIP68, BIP94, BIP113, BIP141.

use std::borrow::Cow;
use std::collections::HashSet;

use sou_primitives::block::{Block, BlockHeader};
use sou_primitives::network::Params;
use sou_primitives::pow::{CompactTarget, Target, U256};
use sou_primitives::script::{Instruction, Script};
use sou_primitives::transaction::{
    SEQUENCE_LOCKTIME_DISABLE_FLAG, SEQUENCE_LOCKTIME_GRANULARITY, SEQUENCE_LOCKTIME_MASK,
    SEQUENCE_LOCKTIME_TYPE_FLAG, WITNESS_SCALE_FACTOR,
};
use sou_primitives::{Amount, BlockHash, OutPoint, Transaction, TxOut, Txid, Weight, Witness};
use sou_script::{ScriptError, VerifyFlags};
use thiserror::Error;

/// The most sigop cost a block may have (Core `MAX_BLOCK_SIGOPS_COST`).
pub const MAX_BLOCK_SIGOPS_COST: u64 = 80_000;
/// How far ahead of the node's clock a block's time may be (Core `MAX_FUTURE_BLOCK_TIME`).
pub const MAX_FUTURE_BLOCK_TIME: i64 = 2 * 60 * 60;
/// BIP94: how far before its parent the first block of a period may be dated.
pub const MAX_TIMEWARP: i64 = 600;
/// Lock times below this are heights, above it Unix times (defined with the lock time
/// field, in `sou_primitives::transaction`).
pub use sou_primitives::transaction::LOCKTIME_THRESHOLD;
/// Blocks whose time the median-time-past takes.
pub const MEDIAN_TIME_SPAN: u32 = 11;

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
    #[error("merkle root mismatch")]
    BadMerkleRoot,
    /// The transaction list is a CVE-2012-2459 mutation.
    #[error("duplicate transaction in the merkle tree (CVE-2012-2459)")]
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
    #[error("invalid witness reserved value size")]
    BadWitnessNonceSize,
    /// The witness commitment does not match.
    #[error("witness merkle commitment mismatch")]
    BadWitnessMerkleMatch,
    /// Witness data without a commitment (or before segwit).
    #[error("unexpected witness data found")]
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
    #[error("coinbase pays too much (actual={actual:?} vs limit={limit:?})")]
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

/// Core's `CheckBlockHeader`: the hash meets the target its own nBits encodes, and that
/// target is no easier than the network's limit.
pub fn check_block_header(header: &BlockHeader, params: &Params) -> Result<(), BlockError> {
    let hash = header.block_hash();
    match Target::from_compact(header.bits, params.pow_limit) {
        Some(target) if target.is_met_by(hash) => Ok(()),
        _ => Err(BlockError::HighHash {
            hash,
            bits: header.bits,
        }),
    }
}

/// Signature operations counted the legacy way (Core `CScript::GetSigOpCount`):
/// `CHECKSIG` counts 1, `CHECKMULTISIG` 20, or with `accurate` the key count pushed just
/// before it. Counting stops at a malformed push.
pub fn script_sigop_count(script: &Script, accurate: bool) -> u64 {
    let mut count = 0;
    let mut last_small_int: Option<i64> = None;
    for ins in script.instructions() {
        let Ok(ins) = ins else { break };
        let op = ins.opcode().to_u8();
        match op {
            0xac | 0xad => count += 1,
            0xae | 0xaf => {
                count += match (accurate, last_small_int) {
                    (true, Some(n @ 1..=16)) => n as u64,
                    _ => 20,
                };
            }
            _ => {}
        }
        last_small_int = match ins {
            Instruction::Op(o) if (0x51..=0x60).contains(&o.to_u8()) => o.small_int(),
            _ => None,
        };
    }
    count
}

/// Legacy sigops of a transaction: every `script_sig` and `script_pubkey`, inaccurately
/// (Core `GetLegacySigOpCount`).
pub fn legacy_sigop_count(tx: &Transaction) -> u64 {
    tx.input
        .iter()
        .map(|i| script_sigop_count(&i.script_sig, false))
        .sum::<u64>()
        + tx.output
            .iter()
            .map(|o| script_sigop_count(&o.script_pubkey, false))
            .sum::<u64>()
}

/// What [`check_block`] may skip, as Core's `fCheckPOW` and `fCheckMerkleRoot` (a miner
/// checks its own template before it has found the proof of work).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckBlockOptions {
    /// Check the proof of work.
    pub pow: bool,
    /// Check the merkle root.
    pub merkle_root: bool,
}

impl Default for CheckBlockOptions {
    fn default() -> Self {
        CheckBlockOptions {
            pow: true,
            merkle_root: true,
        }
    }
}

/// Core's `CheckBlock`: everything that needs only the block.
pub fn check_block(
    block: &Block,
    params: &Params,
    options: CheckBlockOptions,
) -> Result<(), BlockError> {
    if options.pow {
        check_block_header(&block.header, params)?;
    }
    if options.merkle_root {
        let merkle = block.compute_merkle_root();
        if merkle.root != block.header.merkle_root {
            return Err(BlockError::BadMerkleRoot);
        }
        if merkle.mutated {
            return Err(BlockError::DuplicateTransaction);
        }
    }
    let max = usize::try_from(Weight::MAX_BLOCK.to_wu()).unwrap_or(usize::MAX);
    if block.txdata.is_empty()
        || block.txdata.len() * WITNESS_SCALE_FACTOR > max
        || block.base_size() * WITNESS_SCALE_FACTOR > max
    {
        return Err(BlockError::BadLength);
    }
    if !block.txdata[0].is_coinbase() {
        return Err(BlockError::CoinbaseMissing);
    }
    if let Some(index) = block
        .txdata
        .iter()
        .skip(1)
        .position(Transaction::is_coinbase)
    {
        return Err(BlockError::CoinbaseMultiple { index: index + 1 });
    }
    for tx in &block.txdata {
        check_transaction(tx).map_err(|error| BlockError::Transaction {
            txid: tx.compute_txid(),
            error,
        })?;
    }
    let sigops: u64 = block.txdata.iter().map(legacy_sigop_count).sum();
    if sigops * WITNESS_SCALE_FACTOR as u64 > MAX_BLOCK_SIGOPS_COST {
        return Err(BlockError::Sigops);
    }
    Ok(())
}

/// What the contextual rules need to know of one block below the one being checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AncestorInfo {
    /// Its hash.
    pub hash: BlockHash,
    /// Its height.
    pub height: u32,
    /// Its header time.
    pub time: u32,
    /// Its nBits.
    pub bits: CompactTarget,
    /// Its header version, whose bits signal BIP9 deployments ([`crate::versionbits`]).
    pub version: i32,
}

/// The chain a new block builds on: its tip and any ancestor by height.
pub trait AncestorView {
    /// The block being built on (the new block's parent).
    fn tip(&self) -> AncestorInfo;
    /// The ancestor at `height` (at most the tip's height) on the tip's branch.
    fn ancestor(&self, height: u32) -> Option<AncestorInfo>;
}

/// The median of the times of the 11 blocks ending at `height` (fewer near genesis)
/// (Core `CBlockIndex::GetMedianTimePast`).
pub fn median_time_past<V: AncestorView + ?Sized>(view: &V, height: u32) -> i64 {
    let first = height.saturating_sub(MEDIAN_TIME_SPAN - 1);
    let mut times: Vec<u32> = (first..=height)
        .filter_map(|h| view.ancestor(h))
        .map(|a| a.time)
        .collect();
    times.sort_unstable();
    times.get(times.len() / 2).map_or(0, |&t| i64::from(t))
}

/// The nBits a block on top of `view` must have (Core `GetNextWorkRequired`).
///
/// Every 2,016 blocks the target is scaled by how long the last period took against two
/// weeks, clamped to a factor of 4 either way. Core measures the period from its first
/// block's time, so it spans 2,015 intervals: an off-by-one kept as consensus. On testnet
/// a block more than 20 minutes after its parent may use the easiest target.
pub fn next_work_required<V: AncestorView + ?Sized>(
    view: &V,
    new_time: u32,
    params: &Params,
) -> CompactTarget {
    let last = view.tip();
    let limit_bits = params.pow_limit_bits();
    let interval = params.difficulty_adjustment_interval();
    if (last.height + 1) % interval != 0 {
        if params.allow_min_difficulty_blocks {
            if i64::from(new_time) > i64::from(last.time) + 2 * i64::from(params.pow_target_spacing)
            {
                return limit_bits;
            }
            // Otherwise the last target that was not a minimum-difficulty exception.
            let mut block = last;
            while block.height % interval != 0 && block.bits == limit_bits {
                match block.height.checked_sub(1).and_then(|h| view.ancestor(h)) {
                    Some(prev) => block = prev,
                    None => break,
                }
            }
            return block.bits;
        }
        return last.bits;
    }
    let first_height = last.height + 1 - interval;
    let first = view.ancestor(first_height).unwrap_or(last);
    calculate_next_work_required(&last, &first, params)
}

/// The retarget itself (Core `CalculateNextWorkRequired`): the target of the last block
/// (of the first one under BIP94) times the actual timespan, divided by two weeks.
pub fn calculate_next_work_required(
    last: &AncestorInfo,
    first: &AncestorInfo,
    params: &Params,
) -> CompactTarget {
    if params.no_retargeting {
        return last.bits;
    }
    let timespan = i64::from(params.pow_target_timespan);
    let actual = (i64::from(last.time) - i64::from(first.time)).clamp(timespan / 4, timespan * 4);
    let base_bits = if params.enforce_bip94 {
        first.bits
    } else {
        last.bits
    };
    let base = base_bits.expand().value;
    // Both factors are positive and below 2^32 here.
    let scaled = base.wrapping_mul(U256::from_u64(actual as u64));
    let mut target = scaled
        .checked_div(U256::from_u64(timespan as u64))
        .unwrap_or(U256::ZERO);
    if target > params.pow_limit.to_u256() {
        target = params.pow_limit.to_u256();
    }
    target.to_compact(false)
}

/// Is a buried deployment active for a block at `height`?
fn active_at(height: u32, activation_height: u32) -> bool {
    height >= activation_height
}

/// Core's `ContextualCheckBlockHeader`. `adjusted_time` is the node's clock (seconds
/// since 1970), against which the two-hour limit applies.
pub fn contextual_check_block_header<V: AncestorView + ?Sized>(
    header: &BlockHeader,
    view: &V,
    params: &Params,
    adjusted_time: i64,
) -> Result<(), BlockError> {
    let prev = view.tip();
    let height = prev.height + 1;
    let expected = next_work_required(view, header.time, params);
    if header.bits != expected {
        return Err(BlockError::BadDiffBits {
            found: header.bits,
            expected,
        });
    }
    let median_time_past = median_time_past(view, prev.height);
    if i64::from(header.time) <= median_time_past {
        return Err(BlockError::TimeTooOld {
            time: header.time,
            median_time_past,
        });
    }
    if params.enforce_bip94
        && height % params.difficulty_adjustment_interval() == 0
        && i64::from(header.time) < i64::from(prev.time) - MAX_TIMEWARP
    {
        return Err(BlockError::TimewarpAttack);
    }
    if i64::from(header.time) > adjusted_time + MAX_FUTURE_BLOCK_TIME {
        return Err(BlockError::TimeTooNew { time: header.time });
    }
    let d = &params.deployments;
    let version = header.version;
    if (version < 2 && active_at(height, d.bip34_height))
        || (version < 3 && active_at(height, d.bip66_height))
        || (version < 4 && active_at(height, d.bip65_height))
    {
        return Err(BlockError::BadVersion { version });
    }
    Ok(())
}

/// Is `tx` final in a block at `height` whose lock-time cutoff is `time` (Core
/// `IsFinalTx`)? A lock time in the past, or every input's sequence final, makes it so.
pub fn is_final_tx(tx: &Transaction, height: u32, time: i64) -> bool {
    if tx.lock_time == 0 {
        return true;
    }
    let cutoff = if tx.lock_time < LOCKTIME_THRESHOLD {
        i64::from(height)
    } else {
        time
    };
    if i64::from(tx.lock_time) < cutoff {
        return true;
    }
    tx.input.iter().all(|i| i.sequence == u32::MAX)
}

/// The script that BIP34 requires a coinbase to start with: a push of the height.
pub fn bip34_height_script(height: u32) -> Script {
    Script::builder().push_int(i64::from(height)).into_script()
}

/// Core's `ContextualCheckBlock` for a block at `view.tip().height + 1`.
pub fn contextual_check_block<V: AncestorView + ?Sized>(
    block: &Block,
    view: &V,
    params: &Params,
) -> Result<(), BlockError> {
    let prev = view.tip();
    let height = prev.height + 1;
    let d = &params.deployments;
    // BIP113: with CSV active, lock times compare with the median time past.
    let cutoff = if active_at(height, d.csv_height) {
        median_time_past(view, prev.height)
    } else {
        i64::from(block.header.time)
    };
    for tx in &block.txdata {
        if !is_final_tx(tx, height, cutoff) {
            return Err(BlockError::NonFinal {
                txid: tx.compute_txid(),
            });
        }
    }
    if active_at(height, d.bip34_height) {
        let expect = bip34_height_script(height);
        let script_sig = block
            .txdata
            .first()
            .and_then(|tx| tx.input.first())
            .map(|i| i.script_sig.as_bytes());
        if !script_sig.is_some_and(|s| s.starts_with(expect.as_bytes())) {
            return Err(BlockError::BadCoinbaseHeight);
        }
    }
    check_witness_malleation(block, active_at(height, d.segwit_height))?;
    if block.weight() > Weight::MAX_BLOCK {
        return Err(BlockError::BadWeight);
    }
    Ok(())
}

/// BIP141's commitment (Core `CheckWitnessMalleation`): with segwit active and a
/// commitment present, the coinbase witness is one 32-byte item and the commitment
/// matches; otherwise no transaction may carry witness data.
pub fn check_witness_malleation(block: &Block, expect_commitment: bool) -> Result<(), BlockError> {
    if expect_commitment {
        if let Some(committed) = block.witness_commitment() {
            let witness: &Witness = &block.txdata[0].input[0].witness;
            if witness.len() != 1 || witness.get(0).map(<[u8]>::len) != Some(32) {
                return Err(BlockError::BadWitnessNonceSize);
            }
            if block.compute_witness_commitment() != Some(committed) {
                return Err(BlockError::BadWitnessMerkleMatch);
            }
            return Ok(());
        }
    }
    if block.txdata.iter().any(Transaction::has_witness) {
        return Err(BlockError::UnexpectedWitness);
    }
    Ok(())
}

/// New coins per block: 50 BTC, halved every `subsidy_halving_interval` blocks, zero
/// after 64 halvings where the shift would be undefined (Core `GetBlockSubsidy`).
pub fn block_subsidy(height: u32, params: &Params) -> Amount {
    let halvings = height / params.subsidy_halving_interval;
    if halvings >= 64 {
        return Amount::ZERO;
    }
    Amount::from_sat((50 * 100_000_000i64) >> halvings)
}

/// The script flags for a block (Core `GetBlockScriptFlags`): P2SH, WITNESS and TAPROOT
/// everywhere (no earlier block breaks them but the two exceptions), the others from
/// their buried heights.
pub fn block_script_flags(height: u32, hash: &BlockHash, params: &Params) -> VerifyFlags {
    let d = &params.deployments;
    let mut flags = if d.bip16_exception.as_ref() == Some(hash) {
        VerifyFlags::NONE
    } else if d.taproot_exception.as_ref() == Some(hash) {
        VerifyFlags::P2SH | VerifyFlags::WITNESS
    } else {
        VerifyFlags::P2SH | VerifyFlags::WITNESS | VerifyFlags::TAPROOT
    };
    if active_at(height, d.bip66_height) {
        flags |= VerifyFlags::DERSIG;
    }
    if active_at(height, d.bip65_height) {
        flags |= VerifyFlags::CHECKLOCKTIMEVERIFY;
    }
    if active_at(height, d.csv_height) {
        flags |= VerifyFlags::CHECKSEQUENCEVERIFY;
    }
    if active_at(height, d.segwit_height) {
        flags |= VerifyFlags::NULLDUMMY;
    }
    flags
}

/// A coin in the UTXO set: an output and where it was created.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Coin {
    /// The output.
    pub output: TxOut,
    /// Height of the block that created it.
    pub height: u32,
    /// Created by a coinbase (spendable only after 100 blocks).
    pub is_coinbase: bool,
}

/// Core's `Consensus::CheckTxInputs`: every coin exists and is mature, values are in
/// range, and inputs cover outputs. Returns the fee.
pub fn check_tx_inputs(
    tx: &Transaction,
    txid: Txid,
    coins: &[&Coin],
    spend_height: u32,
    coinbase_maturity: u32,
) -> Result<Amount, BlockError> {
    let mut value_in = Amount::ZERO;
    for (input, coin) in coins.iter().enumerate() {
        if coin.is_coinbase && spend_height.saturating_sub(coin.height) < coinbase_maturity {
            return Err(BlockError::PrematureSpendOfCoinbase {
                txid,
                input,
                coin_height: coin.height,
                depth: spend_height.saturating_sub(coin.height),
            });
        }
        value_in = value_in
            .checked_add(coin.output.value)
            .filter(|v| v.is_valid_money() && coin.output.value.is_valid_money())
            .ok_or(BlockError::InputValuesOutOfRange { txid })?;
    }
    // CheckTransaction bounded every output and their sum.
    let value_out = tx.total_output_value().unwrap_or(Amount::MAX_MONEY);
    if value_in < value_out {
        return Err(BlockError::InBelowOut {
            txid,
            value_in,
            value_out,
        });
    }
    let fee = value_in
        .checked_sub(value_out)
        .filter(|f| f.is_valid_money())
        .ok_or(BlockError::FeeOutOfRange { txid })?;
    Ok(fee)
}

/// BIP68: do the inputs' relative locks allow `tx` in a block at `view.tip().height + 1`?
/// `coin_heights` gives the height of each spent coin (Core `CalculateSequenceLocks` and
/// `EvaluateSequenceLocks`). Only for version 2+ transactions once CSV is active.
pub fn sequence_locks<V: AncestorView + ?Sized>(
    tx: &Transaction,
    coin_heights: &[u32],
    view: &V,
    enforce: bool,
) -> bool {
    if !enforce || tx.version < 2 {
        return true;
    }
    let mut min_height: i64 = -1;
    let mut min_time: i64 = -1;
    for (input, &coin_height) in tx.input.iter().zip(coin_heights) {
        let sequence = input.sequence;
        if sequence & SEQUENCE_LOCKTIME_DISABLE_FLAG != 0 {
            continue;
        }
        let value = i64::from(sequence & SEQUENCE_LOCKTIME_MASK);
        if sequence & SEQUENCE_LOCKTIME_TYPE_FLAG != 0 {
            // Time locks count from the median time past of the block before the coin's.
            let coin_time = median_time_past(view, coin_height.saturating_sub(1));
            min_time = min_time.max(coin_time + (value << SEQUENCE_LOCKTIME_GRANULARITY) - 1);
        } else {
            min_height = min_height.max(i64::from(coin_height) + value - 1);
        }
    }
    let prev = view.tip();
    let block_height = i64::from(prev.height) + 1;
    let block_time = median_time_past(view, prev.height);
    min_height < block_height && min_time < block_time
}

/// Signature operation cost of a transaction (Core `GetTransactionSigOpCost`): legacy
/// sigops times 4, P2SH redeem scripts' accurate sigops times 4, and witness sigops once.
pub fn transaction_sigop_cost(tx: &Transaction, spent: &[&TxOut], flags: VerifyFlags) -> u64 {
    let mut cost = legacy_sigop_count(tx) * WITNESS_SCALE_FACTOR as u64;
    if tx.is_coinbase() {
        return cost;
    }
    for (input, prev) in tx.input.iter().zip(spent) {
        let redeem = if prev.script_pubkey.is_p2sh() {
            last_push(&input.script_sig)
        } else {
            None
        };
        if flags.contains(VerifyFlags::P2SH) {
            if let Some(redeem) = &redeem {
                cost += script_sigop_count(redeem, true) * WITNESS_SCALE_FACTOR as u64;
            }
        }
        if flags.contains(VerifyFlags::WITNESS) {
            let program = match prev.script_pubkey.witness_program() {
                Some((v, p)) => Some((v, p.to_vec())),
                None if flags.contains(VerifyFlags::P2SH) => redeem
                    .as_ref()
                    .and_then(|r| r.witness_program().map(|(v, p)| (v, p.to_vec()))),
                None => None,
            };
            if let Some((0, program)) = program {
                cost += match program.len() {
                    20 => 1,
                    32 => input
                        .witness
                        .last()
                        .map_or(0, |s| script_sigop_count(&Script::from_slice(s), true)),
                    _ => 0,
                };
            }
        }
    }
    cost
}

/// The last data pushed by a push-only script (a P2SH redeem script), if it is push-only
/// (Core's use in `GetSigOpCount(scriptSig)` and `CountWitnessSigOps`).
fn last_push(script_sig: &Script) -> Option<Script> {
    let mut last = None;
    for ins in script_sig.instructions() {
        match ins {
            Ok(Instruction::Push { data, .. }) => last = Some(data),
            Ok(Instruction::Op(op)) if op.to_u8() <= 0x60 => last = Some(&[][..]),
            _ => return None,
        }
    }
    last.map(Script::from_slice)
}

/// The two historic blocks whose coinbases repeat earlier ones (Core `IsBIP30Repeat`):
/// BIP30 is not enforced on them.
pub fn is_bip30_repeat(height: u32, hash: &BlockHash) -> bool {
    (height == 91_842
        && *hash
            == BlockHash::from_display_hex_const(
                "00000000000a4d0a398161ffc163c503763b1f4360639393e0e4c8e300e0caec",
            ))
        || (height == 91_880
            && *hash
                == BlockHash::from_display_hex_const(
                    "00000000000743f190a18c5577a3c2d2a1f610ae9601ac046a38084ccb7cd721",
                ))
}

/// From this height BIP30 is checked again: a pre-BIP34 coinbase could claim it.
pub const BIP34_IMPLIES_BIP30_LIMIT: u32 = 1_983_702;

/// Must BIP30 be checked for a block at `height` (Core's `fEnforceBIP30` logic)?
/// `hash_at_bip34_height` is the hash of this chain's block at the BIP34 height, if any.
pub fn enforce_bip30(
    height: u32,
    hash: &BlockHash,
    hash_at_bip34_height: Option<BlockHash>,
    params: &Params,
) -> bool {
    let mut enforce = !is_bip30_repeat(height, hash);
    // Once BIP34 is active on the known chain, coinbases cannot repeat.
    if let (Some(at), Some(expected)) = (hash_at_bip34_height, params.deployments.bip34_hash) {
        if at == expected {
            enforce = false;
        }
    }
    enforce || height >= BIP34_IMPLIES_BIP30_LIMIT
}
