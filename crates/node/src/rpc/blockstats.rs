//! Statistics of blocks and of the chain: `getblockstats` and `getchaintxstats`.
//!
//! A block does not say what fees it paid: a transaction names the coins it spends but not
//! their values, so its fee (inputs minus outputs) needs the spent coins. The node keeps
//! them anyway, as the block's undo data (the coins each transaction removed from the UTXO
//! set, kept to disconnect the block in a reorganization), and `getblockstats` reads them
//! back: fees, feerates (satoshis per virtual byte, weight / 4), sizes, and how the block
//! grew or shrank the UTXO set. [`BlockStats::compute`] is the arithmetic, a function of
//! the block and its undo data; the handlers find the block and shape Core's answer.
//!
//! `getchaintxstats` needs no block data: the index counts transactions from genesis up
//! to every block (Core's `m_chain_tx_count`), and a window's rate is the difference of
//! two counts over the difference of two median times past.
//!
//! References: Core `src/rpc/blockchain.cpp` (`getblockstats`,
//! `CalculatePercentilesByWeight`, `CalculateTruncatedMedian`, `ParseHashOrHeight`,
//! `GetUndoChecked`, `getchaintxstats`).

use std::collections::BTreeSet;

use serde_json::{Map, Value};
use sou_chain::chainstate::BlockStatus;
use sou_chain::connect::BlockUndo;
use sou_chain::consensus::{block_subsidy, is_bip30_repeat, Coin};
use sou_primitives::{Block, BlockHash, Encode, Params, TxOut};

use crate::rpc::dispatch::Shared;
use crate::rpc::format;
use crate::rpc::params::{self, get};
use crate::rpc::{codes, RpcError};

/// Weight units per virtual byte (BIP141 `WITNESS_SCALE_FACTOR`).
const WITNESS_SCALE_FACTOR: i64 = 4;

/// What one UTXO costs the index beyond its output: the outpoint (32-byte txid, 4-byte
/// index) and the packed height and coinbase flag (Core's `PER_UTXO_OVERHEAD`,
/// `sizeof(COutPoint) + sizeof(uint32_t)`).
const PER_UTXO_OVERHEAD: i64 = 36 + 4;

/// Core's "none seen yet" start for the minimum fee and feerate (`MAX_MONEY`).
const MAX_MONEY: i64 = 21_000_000 * 100_000_000;

/// The five percentiles of `feerate_percentiles`, in weight units of the block.
const PERCENTILES: usize = 5;

/// The statistics of one block, as Core's `getblockstats` computes them. Amounts are in
/// satoshis, feerates in satoshis per virtual byte (rounded down), sizes in bytes; all
/// sums leave the coinbase out except `outs`, `txs` and the UTXO counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BlockStats {
    pub txs: i64,
    pub ins: i64,
    pub outs: i64,
    pub total_out: i64,
    pub totalfee: i64,
    pub minfee: i64,
    pub maxfee: i64,
    pub medianfee: i64,
    pub minfeerate: i64,
    pub maxfeerate: i64,
    pub feerate_percentiles: [i64; PERCENTILES],
    pub total_size: i64,
    pub mintxsize: i64,
    pub maxtxsize: i64,
    pub mediantxsize: i64,
    pub total_weight: i64,
    pub swtxs: i64,
    pub swtotal_size: i64,
    pub swtotal_weight: i64,
    /// Outputs created (every one, unspendable ones too).
    pub utxos_created: i64,
    /// Outputs created that enter the UTXO set.
    pub utxos_created_actual: i64,
    pub utxo_size_inc: i64,
    pub utxo_size_inc_actual: i64,
}

impl BlockStats {
    /// The statistics of `block` at `height` (with hash `hash`), whose undo data is
    /// `undo` (empty for genesis). Core computes only what the `stats` filter asks for;
    /// the values asked for are the same either way, so everything is computed here.
    ///
    /// The values come from a block the node validated: no sum can overflow, as every
    /// amount is within `MAX_MONEY` and a block holds at most 4 MB.
    pub fn compute(block: &Block, undo: &BlockUndo, height: u32, hash: &BlockHash) -> BlockStats {
        let mut s = BlockStats {
            minfee: MAX_MONEY,
            minfeerate: MAX_MONEY,
            ..BlockStats::default()
        };
        // Genesis's coinbase never entered the UTXO set, and the two repeated BIP30
        // coinbases overwrote coins already there: their outputs add nothing to it.
        let bip30_repeat = is_bip30_repeat(height, hash);
        let mut fees = Vec::new();
        let mut sizes = Vec::new();
        let mut feerates: Vec<(i64, i64)> = Vec::new();
        let mut spent = undo.spent.iter();
        for tx in &block.txdata {
            s.outs += len(tx.output.len());
            let mut tx_out = 0;
            for output in &tx.output {
                tx_out += output.value.to_sat();
                let size = utxo_size(output);
                s.utxo_size_inc += size;
                if height == 0 || (bip30_repeat && tx.is_coinbase()) {
                    continue;
                }
                // OP_RETURN and oversized scripts are never stored as coins.
                if output.script_pubkey.is_unspendable() {
                    continue;
                }
                s.utxos_created_actual += 1;
                s.utxo_size_inc_actual += size;
            }
            if tx.is_coinbase() {
                continue;
            }
            s.ins += len(tx.input.len());
            s.total_out += tx_out;
            let size = len(tx.total_size());
            sizes.push(size);
            s.maxtxsize = s.maxtxsize.max(size);
            s.mintxsize = if sizes.len() == 1 {
                size
            } else {
                s.mintxsize.min(size)
            };
            s.total_size += size;
            let weight = i64::try_from(tx.weight().to_wu()).unwrap_or(i64::MAX);
            s.total_weight += weight;
            if tx.has_witness() {
                s.swtxs += 1;
                s.swtotal_size += size;
                s.swtotal_weight += weight;
            }
            // The undo data lists, per transaction after the coinbase, the coins it spent.
            let coins: &[Coin] = spent.next().map(Vec::as_slice).unwrap_or_default();
            let mut tx_in = 0;
            for coin in coins {
                tx_in += coin.output.value.to_sat();
                let size = utxo_size(&coin.output);
                s.utxo_size_inc -= size;
                s.utxo_size_inc_actual -= size;
            }
            let fee = tx_in - tx_out;
            fees.push(fee);
            s.maxfee = s.maxfee.max(fee);
            s.minfee = s.minfee.min(fee);
            s.totalfee += fee;
            // fee / vsize, with vsize = weight / 4 unrounded: fee × 4 / weight.
            let feerate = if weight > 0 {
                fee * WITNESS_SCALE_FACTOR / weight
            } else {
                0
            };
            feerates.push((feerate, weight));
            s.maxfeerate = s.maxfeerate.max(feerate);
            s.minfeerate = s.minfeerate.min(feerate);
        }
        s.txs = len(block.txdata.len());
        s.utxos_created = s.outs;
        if s.minfee == MAX_MONEY {
            s.minfee = 0;
        }
        if s.minfeerate == MAX_MONEY {
            s.minfeerate = 0;
        }
        s.medianfee = truncated_median(&mut fees);
        s.mediantxsize = truncated_median(&mut sizes);
        s.feerate_percentiles = percentiles_by_weight(&mut feerates, s.total_weight);
        s
    }

    /// Every statistic, keyed and ordered as Core's result.
    pub fn to_json(
        &self,
        height: u32,
        hash: &BlockHash,
        params: &Params,
        times: (u32, i64),
    ) -> Map<String, Value> {
        let (time, median_time) = times;
        // Means over the transactions after the coinbase, 0 for a coinbase-only block.
        let others = self.txs - 1;
        let mean = |total: i64| if others > 0 { total / others } else { 0 };
        let mut r = Map::new();
        r.insert("avgfee".into(), mean(self.totalfee).into());
        let avgfeerate = if self.total_weight > 0 {
            self.totalfee * WITNESS_SCALE_FACTOR / self.total_weight
        } else {
            0
        };
        r.insert("avgfeerate".into(), avgfeerate.into());
        r.insert("avgtxsize".into(), mean(self.total_size).into());
        r.insert("blockhash".into(), hash.to_string().into());
        r.insert(
            "feerate_percentiles".into(),
            self.feerate_percentiles.to_vec().into(),
        );
        r.insert("height".into(), height.into());
        r.insert("ins".into(), self.ins.into());
        r.insert("maxfee".into(), self.maxfee.into());
        r.insert("maxfeerate".into(), self.maxfeerate.into());
        r.insert("maxtxsize".into(), self.maxtxsize.into());
        r.insert("medianfee".into(), self.medianfee.into());
        r.insert("mediantime".into(), median_time.into());
        r.insert("mediantxsize".into(), self.mediantxsize.into());
        r.insert("minfee".into(), self.minfee.into());
        r.insert("minfeerate".into(), self.minfeerate.into());
        r.insert("mintxsize".into(), self.mintxsize.into());
        r.insert("outs".into(), self.outs.into());
        r.insert(
            "subsidy".into(),
            block_subsidy(height, params).to_sat().into(),
        );
        r.insert("swtotal_size".into(), self.swtotal_size.into());
        r.insert("swtotal_weight".into(), self.swtotal_weight.into());
        r.insert("swtxs".into(), self.swtxs.into());
        r.insert("time".into(), time.into());
        r.insert("total_out".into(), self.total_out.into());
        r.insert("total_size".into(), self.total_size.into());
        r.insert("total_weight".into(), self.total_weight.into());
        r.insert("totalfee".into(), self.totalfee.into());
        r.insert("txs".into(), self.txs.into());
        r.insert(
            "utxo_increase".into(),
            (self.utxos_created - self.ins).into(),
        );
        r.insert("utxo_size_inc".into(), self.utxo_size_inc.into());
        r.insert(
            "utxo_increase_actual".into(),
            (self.utxos_created_actual - self.ins).into(),
        );
        r.insert(
            "utxo_size_inc_actual".into(),
            self.utxo_size_inc_actual.into(),
        );
        r
    }
}

/// A count as Core's `int64_t` (a block holds far fewer than 2^63 of anything).
fn len(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// What a coin adds to the UTXO set's size: its serialized output and the overhead.
fn utxo_size(output: &TxOut) -> i64 {
    len(output.encoded_len()) + PER_UTXO_OVERHEAD
}

/// The median, the mean of the two middle values (rounded down) for an even count, 0 for
/// none (Core `CalculateTruncatedMedian`).
fn truncated_median(values: &mut [i64]) -> i64 {
    values.sort_unstable();
    let mid = values.len() / 2;
    match (
        values.len() % 2,
        mid.checked_sub(1).and_then(|low| values.get(low)),
    ) {
        (0, Some(&low)) => (low + values.get(mid).copied().unwrap_or(low)) / 2,
        _ => values.get(mid).copied().unwrap_or(0),
    }
}

/// Feerates at the 10th, 25th, 50th, 75th and 90th percentile of the block's weight (Core
/// `CalculatePercentilesByWeight`): the transactions sorted by feerate, each taking as
/// much room as its weight, the percentile is the feerate of the one whose weight reaches
/// that share of `total_weight`. Zeros for a block without transactions.
fn percentiles_by_weight(scores: &mut [(i64, i64)], total_weight: i64) -> [i64; PERCENTILES] {
    let mut result = [0; PERCENTILES];
    let Some(&(last, _)) = scores.iter().max() else {
        return result;
    };
    scores.sort_unstable();
    // Compared as Core compares them: an integer weight against a double.
    let total = total_weight as f64;
    let thresholds = [
        total / 10.0,
        total / 4.0,
        total / 2.0,
        total * 3.0 / 4.0,
        total * 9.0 / 10.0,
    ];
    let mut next = 0;
    let mut cumulative = 0i64;
    for &(feerate, weight) in scores.iter() {
        cumulative += weight;
        while let Some(&threshold) = thresholds.get(next) {
            if (cumulative as f64) < threshold {
                break;
            }
            result[next] = feerate;
            next += 1;
        }
    }
    // Any percentile not reached takes the highest feerate.
    for slot in result.iter_mut().skip(next) {
        *slot = last;
    }
    result
}

fn not_found() -> RpcError {
    RpcError::invalid_address_or_key("Block not found")
}

fn internal(e: impl std::fmt::Display) -> RpcError {
    RpcError::new(codes::RPC_DATABASE_ERROR, e.to_string())
}

pub fn getblockstats(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let mut node = shared.node();
    // Core's `ParseHashOrHeight`: a number is a height on the active chain, anything else
    // a block hash, on any branch.
    let hash = match &p[0] {
        Value::Number(_) => {
            let height = params::int32(&p[0])?;
            if height < 0 {
                return Err(RpcError::invalid_parameter(format!(
                    "Target block height {height} is negative"
                )));
            }
            let tip = node.chain().height();
            usize::try_from(height)
                .ok()
                .and_then(|h| node.chain().active_chain().get(h))
                .copied()
                .ok_or_else(|| {
                    RpcError::invalid_parameter(format!(
                        "Target block height {height} after current tip {tip}"
                    ))
                })?
        }
        other => {
            // Not type-checked before the handler: a non-string fails in `get_str`.
            params::string(other)?;
            let hash = params::block_hash(other, "hash_or_height")?;
            if node.chain().entry(&hash).is_none() {
                return Err(not_found());
            }
            hash
        }
    };
    // Core keeps the names in a `std::set`: duplicates collapse, and the answer lists them
    // in byte order, not in the order of the full result.
    let mut selected = BTreeSet::new();
    if let Some(list) = get(p, 1) {
        for stat in list.as_array().map(Vec::as_slice).unwrap_or_default() {
            selected.insert(params::string(stat)?.to_string());
        }
    }
    let entry = node.chain().entry(&hash).cloned().ok_or_else(not_found)?;
    // Core's `GetBlockChecked` and `GetUndoChecked`.
    if !entry.has_data {
        return Err(RpcError::misc("Block not available (not fully downloaded)"));
    }
    let block = node
        .chain_mut()
        .block(&hash)
        .map_err(internal)?
        .ok_or_else(|| RpcError::misc("Block not found on disk"))?;
    let undo = if entry.height == 0 {
        // Genesis spends nothing and has no undo data.
        BlockUndo::default()
    } else {
        // Undo data is written when a block is connected, which makes it `Valid`.
        if entry.status != BlockStatus::Valid {
            return Err(RpcError::misc("Undo data not available"));
        }
        node.chain_mut()
            .undo(&hash)
            .map_err(internal)?
            .ok_or_else(|| RpcError::misc("Can't read undo data from disk"))?
    };
    let stats = BlockStats::compute(&block, &undo, entry.height, &hash);
    let times = (entry.header.time, node.median_time_past(&hash));
    let mut all = stats.to_json(entry.height, &hash, node.params(), times);
    if selected.is_empty() {
        return Ok(Value::Object(all));
    }
    let mut r = Map::new();
    for stat in selected {
        let value = all.remove(&stat).ok_or_else(|| {
            RpcError::invalid_parameter(format!("Invalid selected statistic '{stat}'"))
        })?;
        r.insert(stat, value);
    }
    Ok(Value::Object(r))
}

pub fn getchaintxstats(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let mut node = shared.node();
    let hash = match get(p, 1) {
        None => node.chain().tip(),
        Some(v) => {
            let hash = params::block_hash(v, "blockhash")?;
            if node.chain().entry(&hash).is_none() {
                return Err(not_found());
            }
            if !node.chain().is_active(&hash) {
                return Err(RpcError::invalid_parameter("Block is not in main chain"));
            }
            hash
        }
    };
    let entry = node.chain().entry(&hash).cloned().ok_or_else(not_found)?;
    let height = i64::from(entry.height);
    // By default a month of blocks at the target spacing (4320 on every network), at most
    // all blocks after genesis but one.
    let month = 30 * 24 * 60 * 60 / i64::from(node.params().pow_target_spacing);
    let count = match get(p, 0) {
        None => month.min(height - 1).max(0),
        Some(v) => {
            let count = params::int32(v)?;
            if count < 0 || (count > 0 && count >= height) {
                return Err(RpcError::invalid_parameter(
                    "Invalid block count: should be between 0 and the block's height - 1",
                ));
            }
            count
        }
    };
    let past = usize::try_from(height - count)
        .ok()
        .and_then(|h| node.chain().active_chain().get(h))
        .copied()
        .ok_or_else(not_found)?;
    let interval = node.median_time_past(&hash) - node.median_time_past(&past);
    let tx_count = node.chain_tx_count(&hash);
    let past_tx_count = node.chain_tx_count(&past);
    let mut r = Map::new();
    r.insert("time".into(), entry.header.time.into());
    if tx_count > 0 {
        r.insert("txcount".into(), tx_count.into());
    }
    r.insert("window_final_block_hash".into(), hash.to_string().into());
    r.insert("window_final_block_height".into(), entry.height.into());
    r.insert("window_block_count".into(), count.into());
    if count > 0 {
        r.insert("window_interval".into(), interval.into());
        if tx_count > 0 && past_tx_count > 0 {
            let window = tx_count - past_tx_count;
            r.insert("window_tx_count".into(), window.into());
            if interval > 0 {
                r.insert(
                    "txrate".into(),
                    format::double(window as f64 / interval as f64),
                );
            }
        }
    }
    Ok(Value::Object(r))
}
