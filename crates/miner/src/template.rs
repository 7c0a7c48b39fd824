//! Block templates: which transactions a miner includes, and the block around them.
//!
//! A miner earns the subsidy plus the fees of what it includes, within the block's limits
//! (4,000,000 weight units, 80,000 sigop cost). So it sorts candidates by fee rate, but
//! by *package*: a transaction whose unconfirmed parent pays little can pay for both
//! ("child pays for parent"), and a parent must come before its child. Each round picks
//! the candidate whose package (itself and its not-yet-included ancestors) has the best
//! fee per weight, includes the whole package parents first, and repeats.
//!
//! The coinbase starts with the height (BIP34) and an extra nonce the miner changes when
//! all 2^32 header nonces fail; it pays subsidy plus fees to the miner and commits to the
//! witnesses (BIP141). The header takes the version that signals the BIP9 deployments
//! under way ([`compute_block_version`]), the time (after the median time past) and the
//! nBits the difficulty rules require.
//!
//! References: Core `src/node/miner.cpp` (`BlockAssembler::CreateNewBlock`,
//! `addPackageTxs`), `src/consensus/merkle.cpp`; BIP9, BIP34, BIP141.

use std::collections::{HashMap, HashSet};

use sou_chain::consensus::{
    bip34_height_script, block_subsidy, median_time_past, next_work_required, AncestorView,
    MAX_BLOCK_SIGOPS_COST,
};
use sou_chain::versionbits::compute_block_version;
use sou_primitives::block::{compute_witness_commitment, BlockHeader, WITNESS_COMMITMENT_HEADER};
use sou_primitives::network::Params;
use sou_primitives::{
    Amount, Block, OutPoint, Script, Transaction, TxIn, TxOut, Txid, Weight, Witness,
};

/// A transaction a miner may include, as a mempool offers it.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// The transaction.
    pub tx: Transaction,
    /// Its fee.
    pub fee: Amount,
    /// Its sigop cost.
    pub sigop_cost: u64,
}

/// Where candidates come from (the node's mempool implements it).
pub trait TransactionSource {
    /// The candidates, in any order; parents among them are found by txid.
    fn candidates(&self) -> Vec<Candidate>;
}

impl TransactionSource for Vec<Candidate> {
    fn candidates(&self) -> Vec<Candidate> {
        self.clone()
    }
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

/// Chooses transactions by ancestor-package fee rate, parents before children.
fn select(candidates: Vec<Candidate>) -> (Vec<Candidate>, Amount, u64, u64) {
    let by_txid: HashMap<Txid, usize> = candidates
        .iter()
        .enumerate()
        .map(|(i, c)| (c.tx.compute_txid(), i))
        .collect();
    // Each candidate's ancestors among the candidates (transitively).
    let parents: Vec<Vec<usize>> = candidates
        .iter()
        .map(|c| {
            c.tx.input
                .iter()
                .filter_map(|i| by_txid.get(&i.previous_output.txid).copied())
                .collect()
        })
        .collect();
    let ancestors: Vec<HashSet<usize>> = (0..candidates.len())
        .map(|i| {
            let mut seen = HashSet::new();
            let mut todo = parents[i].clone();
            while let Some(p) = todo.pop() {
                if seen.insert(p) {
                    todo.extend(&parents[p]);
                }
            }
            seen
        })
        .collect();
    let weight_of = |i: usize| candidates[i].tx.weight().to_wu();
    let mut included: Vec<bool> = vec![false; candidates.len()];
    let mut failed: Vec<bool> = vec![false; candidates.len()];
    let mut order = Vec::new();
    let (mut weight, mut sigops, mut fees) = (
        COINBASE_RESERVED_WEIGHT,
        COINBASE_RESERVED_SIGOPS,
        Amount::ZERO,
    );
    loop {
        // The best package: the candidate with its not-yet-included ancestors.
        let mut best: Option<(usize, Vec<usize>, i64, u64)> = None;
        for i in 0..candidates.len() {
            if included[i] || failed[i] {
                continue;
            }
            let mut package: Vec<usize> = ancestors[i]
                .iter()
                .copied()
                .filter(|&a| !included[a])
                .collect();
            package.push(i);
            let fee: i64 = package.iter().map(|&p| candidates[p].fee.to_sat()).sum();
            let w: u64 = package.iter().map(|&p| weight_of(p)).sum();
            // Compare fee/weight as fee_a * w_b > fee_b * w_a, exactly.
            let better = best.as_ref().is_none_or(|(_, _, bf, bw)| {
                i128::from(fee) * i128::from(*bw) > i128::from(*bf) * i128::from(w)
            });
            if better {
                best = Some((i, package, fee, w));
            }
        }
        let Some((i, mut package, fee, w)) = best else {
            break;
        };
        let s: u64 = package.iter().map(|&p| candidates[p].sigop_cost).sum();
        if weight + w > Weight::MAX_BLOCK.to_wu() || sigops + s > MAX_BLOCK_SIGOPS_COST || fee < 0 {
            failed[i] = true;
            continue;
        }
        // Parents first: fewer ancestors means earlier in any valid order.
        package.sort_by_key(|&p| ancestors[p].len());
        for p in package {
            included[p] = true;
            order.push(p);
        }
        weight += w;
        sigops += s;
        fees = fees.checked_add(Amount::from_sat(fee)).unwrap_or(fees);
    }
    let mut slots: Vec<Option<Candidate>> = candidates.into_iter().map(Some).collect();
    let chosen = order.into_iter().filter_map(|i| slots[i].take()).collect();
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
    let (chosen, fees, _, sigop_cost) = select(source.candidates());
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
