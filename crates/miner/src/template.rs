//! Block templates: which transactions a miner includes, and the block around them.
//!
//! A miner earns the subsidy plus the fees of what it includes, within the block's limits
//! (4,000,000 weight units, 80,000 sigop cost). A transaction whose unconfirmed parent pays
//! little can pay for both ("child pays for parent"), and a parent must come before its
//! child, so the unit of choice is the *chunk*: a group of related transactions mined
//! together, as the mempool's clusters are cut (sou-mempool's `cluster` module). The
//! template takes chunks best fee rate first; a chunk that does not fit is skipped, and
//! with it the rest of its cluster, which may depend on it (Core's `addChunks`).
//!
//! The coinbase starts with the height (BIP34) and an extra nonce the miner changes when
//! all 2^32 header nonces fail; it pays subsidy plus fees to the miner and commits to the
//! witnesses (BIP141). The header takes the version that signals the BIP9 deployments
//! under way ([`compute_block_version`]), the time (after the median time past) and the
//! nBits the difficulty rules require.
//!
//! References: Core `src/node/miner.cpp` (`BlockAssembler::CreateNewBlock`,
//! `addChunks`), `src/consensus/merkle.cpp`; BIP9, BIP34, BIP141.

use std::collections::{HashMap, HashSet};

use sou_mempool::pool::{mining_order, OrderTx};

use sou_chain::consensus::{
    bip34_height_script, block_subsidy, is_final_tx, median_time_past, next_work_required,
    AncestorView, MAX_BLOCK_SIGOPS_COST,
};
use sou_chain::versionbits::compute_block_version;
use sou_primitives::block::{compute_witness_commitment, BlockHeader, WITNESS_COMMITMENT_HEADER};
use sou_primitives::network::Params;
use sou_primitives::transaction::WITNESS_SCALE_FACTOR;
use sou_primitives::{
    Amount, Block, OutPoint, Script, Transaction, TxIn, TxOut, Txid, Weight, Witness,
};

/// A transaction a miner may include, as a mempool offers it.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// The transaction.
    pub tx: Transaction,
    /// Its fee: what the block collects.
    pub fee: Amount,
    /// Its sigop cost.
    pub sigop_cost: u64,
}

/// Transactions mined together: a chunk of a mempool cluster, parents first.
#[derive(Debug, Clone)]
pub struct CandidateChunk {
    /// Its transactions, parents first.
    pub txs: Vec<Candidate>,
    /// The fee the choice goes by (with `prioritisetransaction` deltas), in satoshis.
    pub fee: i64,
    /// The weight the choice goes by: sigop-adjusted (Core's chunk sizes).
    pub weight: u64,
    /// Its cluster: a chunk skipped makes the rest of its cluster skipped too.
    pub cluster: usize,
}

/// Where candidates come from: chunks, best first (the node's mempool implements it).
pub trait TransactionSource {
    /// The chunks to try, in order.
    fn chunks(&self) -> Vec<CandidateChunk>;
}

/// A block of the coinbase alone: the source with nothing to offer.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoTransactions;

impl TransactionSource for NoTransactions {
    fn chunks(&self) -> Vec<CandidateChunk> {
        Vec::new()
    }
}

impl TransactionSource for Vec<CandidateChunk> {
    fn chunks(&self) -> Vec<CandidateChunk> {
        self.clone()
    }
}

/// Loose transactions, parents found among them by txid: ordered as a mempool would
/// order them (sou-mempool's `mining_order`), each weighed at Core's default 20 virtual
/// bytes per sigop.
impl TransactionSource for Vec<Candidate> {
    fn chunks(&self) -> Vec<CandidateChunk> {
        let by_txid: HashMap<Txid, usize> = self
            .iter()
            .enumerate()
            .map(|(i, c)| (c.tx.compute_txid(), i))
            .collect();
        let txs: Vec<OrderTx> = self
            .iter()
            .map(|c| OrderTx {
                fee: c.fee.to_sat(),
                size: i64::try_from(adjusted_weight(c)).unwrap_or(i64::MAX),
                parents: c
                    .tx
                    .input
                    .iter()
                    .filter_map(|input| by_txid.get(&input.previous_output.txid).copied())
                    .collect(),
                txid: c.tx.compute_txid(),
            })
            .collect();
        mining_order(&txs)
            .into_iter()
            .map(|chunk| CandidateChunk {
                txs: chunk.members.iter().map(|&m| self[m].clone()).collect(),
                fee: chunk.feefrac.fee,
                weight: u64::try_from(chunk.feefrac.size).unwrap_or(0),
                cluster: chunk.cluster,
            })
            .collect()
    }
}

/// Core's `GetSigOpsAdjustedWeight` at the default 20 bytes per sigop.
fn adjusted_weight(c: &Candidate) -> u64 {
    c.tx.weight().to_wu().max(c.sigop_cost.saturating_mul(20))
}

/// A block ready to mine: the nonce is all that is left to find.
#[derive(Debug, Clone)]
pub struct BlockTemplate {
    /// The block, with nonce 0.
    pub block: Block,
    /// Its height.
    pub height: u32,
    /// Fees it collects.
    pub fees: Amount,
    /// Weight of the whole block.
    pub weight: Weight,
    /// Total sigop cost of the included transactions (coinbase excluded).
    pub sigop_cost: u64,
    /// Extra nonce in the coinbase.
    pub extra_nonce: u64,
}

/// Weight reserved for the header, the transaction count and the coinbase (Core reserves
/// 4,000).
const COINBASE_RESERVED_WEIGHT: u64 = 4000;
/// Sigop cost reserved for the coinbase (Core reserves 400).
const COINBASE_RESERVED_SIGOPS: u64 = 400;

/// Core's `DEFAULT_BLOCK_MIN_TX_FEE`: chunks paying less than 1 sat/kvB are left out.
const BLOCK_MIN_FEE_PER_KVB: i64 = 1;
/// Core gives up after this many chunks in a row did not fit, once the block is nearly full.
const MAX_CONSECUTIVE_FAILURES: u32 = 1000;
/// "Nearly full": within this much weight of the limit.
const BLOCK_FULL_ENOUGH_WEIGHT_DELTA: u64 = 4000;

/// Takes chunks in order while they fit (Core `BlockAssembler::addChunks`): a chunk that
/// would break the weight or sigop limit, or holds a transaction not final at `height`
/// and `lock_time_cutoff`, is skipped with the rest of its cluster.
fn select(
    chunks: Vec<CandidateChunk>,
    height: u32,
    lock_time_cutoff: i64,
) -> (Vec<Candidate>, Amount, u64, u64) {
    let mut weight = COINBASE_RESERVED_WEIGHT;
    let mut sigops = COINBASE_RESERVED_SIGOPS;
    let mut fees = Amount::ZERO;
    let mut chosen = Vec::new();
    let mut skipped: HashSet<usize> = HashSet::new();
    let mut failures = 0;
    for chunk in chunks {
        if skipped.contains(&chunk.cluster) {
            continue;
        }
        // Fee over weight below 1 sat per 1,000 virtual bytes (4,000 weight units):
        // everything after pays less still.
        let vsize = i128::from(chunk.weight.div_ceil(WITNESS_SCALE_FACTOR as u64));
        if i128::from(chunk.fee) * 1000 < i128::from(BLOCK_MIN_FEE_PER_KVB) * vsize {
            break;
        }
        let chunk_sigops: u64 = chunk.txs.iter().map(|c| c.sigop_cost).sum();
        let fits = weight + chunk.weight < Weight::MAX_BLOCK.to_wu()
            && sigops + chunk_sigops < MAX_BLOCK_SIGOPS_COST
            && chunk
                .txs
                .iter()
                .all(|c| is_final_tx(&c.tx, height, lock_time_cutoff));
        if !fits {
            skipped.insert(chunk.cluster);
            failures += 1;
            if failures > MAX_CONSECUTIVE_FAILURES
                && weight + BLOCK_FULL_ENOUGH_WEIGHT_DELTA > Weight::MAX_BLOCK.to_wu()
            {
                break;
            }
            continue;
        }
        failures = 0;
        for c in chunk.txs {
            weight += c.tx.weight().to_wu();
            sigops += c.sigop_cost;
            fees = fees.checked_add(c.fee).unwrap_or(fees);
            chosen.push(c);
        }
    }
    (chosen, fees, weight, sigops)
}

/// The coinbase for `height` as [`build_template`] makes it: an 8-byte extra nonce (which
/// [`set_extra_nonce`] rewrites in place), see [`coinbase_with_extra_nonce`].
pub fn coinbase(height: u32, extra_nonce: u64, value: Amount, payout: &Script) -> Transaction {
    coinbase_with_extra_nonce(height, &extra_nonce.to_le_bytes(), value, payout)
}

/// The coinbase for `height`, paying `value` (subsidy plus fees) to `payout`.
///
/// - Its one input spends nothing (the null outpoint). Its scriptSig pushes the height, as
///   BIP34 requires, then `extra_nonce`: bytes the miner may change to get a new merkle
///   root, and with it 2^32 fresh header nonces. The width is the caller's choice (the
///   miner uses 8 bytes, [`RegtestChain`](crate::regtest::RegtestChain) 4); the whole
///   scriptSig must stay within 2 to 100 bytes (`bad-cb-length`).
/// - Its witness is the witness reserved value, 32 zero bytes (BIP141 "Commitment
///   structure").
/// - A second output, worth nothing, will carry the witness commitment; it holds zeros
///   until [`finish_block`] knows the block's other transactions.
///
/// Core builds its coinbase in `BlockAssembler::CreateNewBlock` (`src/node/miner.cpp`),
/// the commitment output in `GenerateCoinbaseCommitment` (`src/validation.cpp`).
pub fn coinbase_with_extra_nonce(
    height: u32,
    extra_nonce: &[u8],
    value: Amount,
    payout: &Script,
) -> Transaction {
    let mut script_sig = bip34_height_script(height).into_bytes();
    // A length-prefixed push even for one byte (never `OP_N`): the nonce's own bytes end
    // the script, where `set_extra_nonce` rewrites them.
    script_sig.extend(
        Script::builder()
            .push_slice_non_minimal(extra_nonce)
            .into_script()
            .into_bytes(),
    );
    Transaction {
        version: 2,
        input: vec![TxIn {
            previous_output: OutPoint::NULL,
            script_sig: Script::from_bytes(script_sig),
            sequence: u32::MAX,
            witness: Witness::from_items([[0u8; 32]]),
        }],
        output: vec![
            TxOut {
                value,
                script_pubkey: payout.clone(),
            },
            TxOut {
                value: Amount::ZERO,
                script_pubkey: Script::from_bytes(
                    [&WITNESS_COMMITMENT_HEADER[..], &[0; 32]].concat(),
                ),
            },
        ],
        lock_time: 0,
    }
}

/// Fills in the witness commitment and the merkle root after the transactions are set.
pub fn finish_block(block: &mut Block) {
    if let Some(index) = block.witness_commitment_index() {
        let commitment = compute_witness_commitment(&block.compute_witness_root(), &[0; 32]);
        block.txdata[0].output[index].script_pubkey =
            Script::from_bytes([&WITNESS_COMMITMENT_HEADER[..], &commitment].concat());
    }
    block.header.merkle_root = block.compute_merkle_root().root;
}

/// Changes the coinbase's extra nonce (when all header nonces failed): a new merkle root,
/// hence 2^32 fresh nonces.
pub fn set_extra_nonce(template: &mut BlockTemplate, extra_nonce: u64) {
    let script = &mut template.block.txdata[0].input[0].script_sig;
    let mut bytes = script.clone().into_bytes();
    let len = bytes.len();
    bytes[len - 8..].copy_from_slice(&extra_nonce.to_le_bytes());
    *script = Script::from_bytes(bytes);
    template.extra_nonce = extra_nonce;
    finish_block(&mut template.block);
}

/// Builds a template on top of `view`'s tip with transactions from `source`, paying
/// `payout`, at time `now` (moved after the median time past if needed).
pub fn build_template<V: AncestorView + ?Sized, S: TransactionSource + ?Sized>(
    view: &V,
    source: &S,
    params: &Params,
    payout: &Script,
    now: u32,
) -> BlockTemplate {
    let prev = view.tip();
    let height = prev.height + 1;
    let mtp = median_time_past(view, prev.height);
    let time = now.max(u32::try_from(mtp + 1).unwrap_or(u32::MAX));
    let (chosen, fees, _, sigop_cost) = select(source.chunks(), height, mtp);
    let value = block_subsidy(height, params)
        .checked_add(fees)
        .unwrap_or(Amount::MAX_MONEY);
    let mut txdata = vec![coinbase(height, 0, value, payout)];
    txdata.extend(chosen.into_iter().map(|c| c.tx));
    let mut block = Block {
        header: BlockHeader {
            // BIP9: the top bits 001 and the bits of the deployments still signalling.
            version: compute_block_version(view, params),
            prev_blockhash: prev.hash,
            merkle_root: Default::default(),
            time,
            bits: next_work_required(view, time, params),
            nonce: 0,
        },
        txdata,
    };
    finish_block(&mut block);
    BlockTemplate {
        weight: block.weight(),
        block,
        height,
        fees,
        sigop_cost,
        extra_nonce: 0,
    }
}
