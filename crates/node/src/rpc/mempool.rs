//! The memory pool's RPCs: sending transactions, testing them, and looking into the pool.
//!
//! `sendrawtransaction`, `testmempoolaccept` and `submitpackage` hand transactions to the
//! node's [`Mempool`](sou_mempool::pool::Mempool) and answer with Core's verdicts, word for
//! word; `getrawmempool`, `getmempoolentry`, `getmempoolancestors`,
//! `getmempooldescendants` and `getmempoolinfo` describe it; `prioritisetransaction` and
//! `getprioritisedtransactions` change and show what the node counts as fees;
//! `savemempool` writes `mempool.dat`.
//!
//! References: Core `src/rpc/mempool.cpp`, `src/rpc/mining.cpp` (`prioritisetransaction`,
//! `getprioritisedtransactions`), `src/node/transaction.cpp` (`BroadcastTransaction`).

use std::sync::Arc;

use serde_json::{json, Map, Value};
use sou_chain::store::CoinsStore;
use sou_mempool::pool::{
    Entry, PoolOptions, TxOutcome, TxResult, DEFAULT_CLUSTER_LIMIT, DEFAULT_CLUSTER_SIZE_LIMIT_KVB,
    DEFAULT_INCREMENTAL_RELAY_FEE, DEFAULT_MAX_MEMPOOL_SIZE_MB, DEFAULT_MEMPOOL_EXPIRY_HOURS,
    MAX_PACKAGE_COUNT,
};
use sou_mempool::{PolicyOptions, RejectKind};
use sou_primitives::{Amount, FeeRate, Transaction, Txid};

use crate::config::Config;
use crate::node::Node;
use crate::rpc::dispatch::Shared;
use crate::rpc::params::{self, get};
use crate::rpc::rawtransaction::{amount_from_value, decode_tx};
use crate::rpc::{codes, format, RpcError};

/// Core's `DEFAULT_MAX_RAW_TX_FEE_RATE`: 0.1 BTC/kvB.
const DEFAULT_MAX_RAW_TX_FEE_RATE: i64 = 10_000_000;

/// The pool's settings from the options, Core's defaults where they say nothing
/// (Core `ApplyArgsManOptions` for `MemPoolOptions`).
pub fn pool_options(config: &Config) -> PoolOptions {
    let fee = |name: &str, default: FeeRate| {
        config
            .get(name)
            .and_then(|text| amount_from_value(&Value::String(text)).ok())
            .map_or(default, |a| {
                FeeRate::from_sat_per_kvb(u64::try_from(a.to_sat()).unwrap_or(0))
            })
    };
    let count =
        |name: &str, default: i64| u64::try_from(config.get_int(name, default)).unwrap_or(0);
    let defaults = PolicyOptions::default();
    let datacarrier = config.get_bool("datacarrier", true);
    let policy = PolicyOptions {
        max_datacarrier_bytes: datacarrier.then(|| {
            usize::try_from(count(
                "datacarriersize",
                defaults.max_datacarrier_bytes.unwrap_or(0) as i64,
            ))
            .unwrap_or(usize::MAX)
        }),
        permit_bare_multisig: config.get_bool("permitbaremultisig", defaults.permit_bare_multisig),
        dust_relay_fee: fee("dustrelayfee", defaults.dust_relay_fee),
        min_relay_fee: fee("minrelaytxfee", defaults.min_relay_fee),
        bytes_per_sigop: count("bytespersigop", defaults.bytes_per_sigop as i64),
    };
    PoolOptions {
        policy,
        require_standard: !config.get_bool("acceptnonstdtxn", false),
        max_bytes: count("maxmempool", DEFAULT_MAX_MEMPOOL_SIZE_MB as i64) * 1_000_000,
        expiry_secs: config.get_int("mempoolexpiry", DEFAULT_MEMPOOL_EXPIRY_HOURS) * 3600,
        incremental_relay_fee: fee("incrementalrelayfee", DEFAULT_INCREMENTAL_RELAY_FEE),
        cluster_count: usize::try_from(count("limitclustercount", DEFAULT_CLUSTER_LIMIT as i64))
            .unwrap_or(usize::MAX),
        cluster_vbytes: count("limitclustersize", DEFAULT_CLUSTER_SIZE_LIMIT_KVB as i64) * 1000,
    }
}

/// Core `DecodeHexTx` with witnesses tried (an empty input list reads as the segwit marker).
fn hex_transaction(value: &Value) -> Option<Transaction> {
    let text = value.as_str()?;
    let bytes = hex::decode(text).ok()?;
    decode_tx(&bytes, true, false)
}

/// Core `ParseFeeRate`: a rate in BTC/kvB, below 1 BTC/kvB.
fn fee_rate_param(value: Option<&Value>, default: i64) -> Result<i64, RpcError> {
    let Some(value) = value.filter(|v| !v.is_null()) else {
        return Ok(default);
    };
    let amount = amount_from_value(value)?;
    if amount.to_sat() >= 100_000_000 {
        return Err(RpcError::invalid_parameter(
            "Fee rates larger than or equal to 1BTC/kvB are not accepted",
        ));
    }
    Ok(amount.to_sat())
}

/// Core's sanity check on burnt value: no unspendable output above `max_burn`.
fn check_burn(tx: &Transaction, max_burn: Amount) -> Result<(), RpcError> {
    let burns = tx.output.iter().any(|o| {
        (o.script_pubkey.is_unspendable() || !o.script_pubkey.has_valid_ops()) && o.value > max_burn
    });
    if burns {
        return Err(RpcError::new(
            codes::RPC_VERIFY_ERROR,
            "Unspendable output exceeds maximum configured by user (maxburnamount)",
        ));
    }
    Ok(())
}

/// Core `CFeeRate::GetFee` for a sat/kvB rate: rounded up.
fn fee_for(rate_per_kvb: i64, vsize: u64) -> i64 {
    let fee = i128::from(rate_per_kvb) * i128::from(vsize);
    i64::try_from(fee.div_euclid(1000) + i128::from(fee.rem_euclid(1000) != 0)).unwrap_or(i64::MAX)
}

/// The effective fee rate of a verdict, in BTC/kvB as Core prints it.
fn effective_feerate(rate: sou_mempool::cluster::FeeFrac) -> Value {
    format::amount(Amount::from_sat(sou_mempool::pool::fee_per_kvb(
        rate.fee, rate.size,
    )))
}

/// `sendrawtransaction`: into the pool and out to the peers (Core `BroadcastTransaction`).
pub fn sendrawtransaction(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let max_burn = match get(p, 2).filter(|v| !v.is_null()) {
        Some(v) => amount_from_value(v)?,
        None => Amount::ZERO,
    };
    let tx = hex_transaction(&p[0]).ok_or_else(|| {
        RpcError::deserialization("TX decode failed. Make sure the tx has at least one input.")
    })?;
    check_burn(&tx, max_burn)?;
    let max_rate = fee_rate_param(get(p, 1), DEFAULT_MAX_RAW_TX_FEE_RATE)?;
    let tx = Arc::new(tx);
    let txid = tx.compute_txid();
    let mut node = shared.node();
    // Its outputs already unspent in the chain: it was confirmed.
    let confirmed = (0..tx.output.len()).any(|vout| {
        u32::try_from(vout).ok().is_some_and(|vout| {
            matches!(
                node.chain_mut()
                    .store_mut()
                    .coin(&sou_primitives::OutPoint::new(txid, vout)),
                Ok(Some(_))
            )
        })
    });
    if confirmed {
        return Err(RpcError::new(
            codes::RPC_VERIFY_ALREADY_IN_CHAIN,
            "Transaction outputs already in utxo set",
        ));
    }
    if !node.mempool().contains(&txid) {
        let vsize = sigop_vsize_estimate(&tx);
        let max_fee = fee_for(max_rate, vsize);
        if max_fee > 0 {
            let test = node.accept_to_mempool(Arc::clone(&tx), true);
            match &test.outcome {
                TxOutcome::Valid {
                    base_fee, vsize, ..
                } => {
                    if base_fee.to_sat() > fee_for(max_rate, *vsize) {
                        return Err(RpcError::new(
                            codes::RPC_VERIFY_ERROR,
                            "Fee exceeds maximum configured by user (e.g. -maxtxfee, maxfeerate)",
                        ));
                    }
                }
                _ => return Err(broadcast_error(&test)),
            }
        }
        let result = node.accept_to_mempool(Arc::clone(&tx), false);
        if !result.is_valid() {
            return Err(broadcast_error(&result));
        }
        node.add_unbroadcast(txid);
    }
    Ok(Value::String(txid.to_string()))
}

/// Core's `GetVirtualTransactionSize` without sigops (the RPC's own estimate, before any
/// coin is looked up): the size the maximum fee is first computed for.
fn sigop_vsize_estimate(tx: &Transaction) -> u64 {
    tx.vsize()
}

/// Core `HandleATMPError` and `JSONRPCTransactionError`.
fn broadcast_error(result: &TxResult) -> RpcError {
    match result.rejection() {
        Some(r) if r.kind == RejectKind::MissingInputs => {
            RpcError::new(codes::RPC_VERIFY_ERROR, r.to_core_string())
        }
        Some(r) => RpcError::new(codes::RPC_VERIFY_REJECTED, r.to_core_string()),
        None => RpcError::new(codes::RPC_VERIFY_ERROR, "Mempool internal error"),
    }
}

/// Reads the array of raw transactions `testmempoolaccept` and `submitpackage` take.
fn raw_transactions(value: &Value) -> Result<Vec<Arc<Transaction>>, RpcError> {
    let list = value.as_array().map(Vec::as_slice).unwrap_or_default();
    if list.is_empty() || list.len() > MAX_PACKAGE_COUNT {
        return Err(RpcError::invalid_parameter(format!(
            "Array must contain between 1 and {MAX_PACKAGE_COUNT} transactions."
        )));
    }
    list.iter()
        .map(|raw| {
            let text = params::string(raw)?;
            hex_transaction(raw).map(Arc::new).ok_or_else(|| {
                RpcError::deserialization(format!(
                    "TX decode failed: {text} Make sure the tx has at least one input."
                ))
            })
        })
        .collect()
}

/// `testmempoolaccept`: the verdicts, nothing added.
pub fn testmempoolaccept(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let txs = raw_transactions(&p[0])?;
    let max_rate = fee_rate_param(get(p, 1), DEFAULT_MAX_RAW_TX_FEE_RATE)?;
    let mut node = shared.node();
    let (package_error, mut results) = if txs.len() > 1 {
        let package = node.test_accept_package(txs.clone());
        let error = package
            .failure
            .filter(|f| f.policy)
            .map(|f| core_string(&f.reason, &f.debug));
        (error, package.results)
    } else {
        let result = node.accept_to_mempool(Arc::clone(&txs[0]), true);
        (None, [(result.wtxid, result)].into_iter().collect())
    };
    let mut out = Vec::new();
    let mut exit_early = false;
    for tx in &txs {
        let wtxid = tx.compute_wtxid();
        let mut inner = Map::new();
        inner.insert("txid".into(), tx.compute_txid().to_string().into());
        inner.insert("wtxid".into(), wtxid.to_string().into());
        if let Some(error) = &package_error {
            inner.insert("package-error".into(), error.clone().into());
        }
        let result = results.remove(&wtxid);
        match result.map(|r| r.outcome) {
            None => {}
            Some(_) if exit_early => {}
            Some(TxOutcome::Valid {
                vsize,
                base_fee,
                effective_feerate: rate,
                effective_wtxids,
                ..
            }) => {
                let max_fee = fee_for(max_rate, vsize);
                if max_fee != 0 && base_fee.to_sat() > max_fee {
                    inner.insert("allowed".into(), false.into());
                    inner.insert("reject-reason".into(), "max-fee-exceeded".into());
                    exit_early = true;
                } else {
                    inner.insert("allowed".into(), true.into());
                    inner.insert("vsize".into(), vsize.into());
                    let includes: Vec<Value> = effective_wtxids
                        .iter()
                        .map(|w| Value::String(w.to_string()))
                        .collect();
                    inner.insert(
                        "fees".into(),
                        json!({
                            "base": format::amount(base_fee),
                            "effective-feerate": effective_feerate(rate),
                            "effective-includes": includes,
                        }),
                    );
                }
            }
            Some(TxOutcome::Invalid { rejection, .. }) => {
                inner.insert("allowed".into(), false.into());
                if rejection.kind == RejectKind::MissingInputs {
                    inner.insert("reject-reason".into(), "missing-inputs".into());
                } else {
                    inner.insert("reject-reason".into(), rejection.reason.clone().into());
                    inner.insert("reject-details".into(), rejection.to_core_string().into());
                }
            }
            Some(TxOutcome::InPool { .. } | TxOutcome::DifferentWitness { .. }) => {}
        }
        out.push(Value::Object(inner));
    }
    Ok(Value::Array(out))
}

fn core_string(reason: &str, debug: &str) -> String {
    if debug.is_empty() {
        reason.to_string()
    } else {
        format!("{reason}, {debug}")
    }
}

/// `submitpackage`: a child with its parents, into the pool together.
pub fn submitpackage(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let list = p[0].as_array().map(Vec::as_slice).unwrap_or_default();
    if list.is_empty() || list.len() > MAX_PACKAGE_COUNT {
        return Err(RpcError::invalid_parameter(format!(
            "Array must contain between 1 and {MAX_PACKAGE_COUNT} transactions."
        )));
    }
    let max_rate = fee_rate_param(get(p, 1), DEFAULT_MAX_RAW_TX_FEE_RATE)?;
    let max_burn = match get(p, 2).filter(|v| !v.is_null()) {
        Some(v) => amount_from_value(v)?,
        None => Amount::ZERO,
    };
    let mut txs = Vec::with_capacity(list.len());
    for raw in list {
        let text = params::string(raw)?;
        let tx = hex_transaction(raw).ok_or_else(|| {
            RpcError::deserialization(format!(
                "TX decode failed: {text} Make sure the tx has at least one input."
            ))
        })?;
        check_burn(&tx, max_burn)?;
        txs.push(Arc::new(tx));
    }
    if txs.len() > 1 && !sou_mempool::pool::is_child_with_parents_tree(&txs) {
        return Err(RpcError::new(
            codes::RPC_VERIFY_ERROR,
            "package topology disallowed. not child-with-parents or parents depend on each other.",
        ));
    }
    let max_feerate =
        (max_rate != 0).then(|| FeeRate::from_sat_per_kvb(u64::try_from(max_rate).unwrap_or(0)));
    let mut node = shared.node();
    let result = node.submit_package(txs.clone(), max_feerate);
    let package_msg = result.failure.as_ref().map_or_else(
        || "success".to_string(),
        |f| core_string(&f.reason, &f.debug),
    );
    for tx in &txs {
        // Core's broadcast finds them in the pool already, so they are announced but not
        // marked as waiting for a first broadcast.
        node.queue_announcement(&tx.compute_txid());
    }
    let mut tx_results = Map::new();
    let mut replaced: std::collections::BTreeSet<Txid> = std::collections::BTreeSet::new();
    for tx in &txs {
        let wtxid = tx.compute_wtxid();
        let mut inner = Map::new();
        inner.insert("txid".into(), tx.compute_txid().to_string().into());
        match result.results.get(&wtxid).map(|r| &r.outcome) {
            None => {
                inner.insert("error".into(), "package-not-validated".into());
            }
            Some(TxOutcome::DifferentWitness { other_wtxid }) => {
                inner.insert("other-wtxid".into(), other_wtxid.to_string().into());
            }
            Some(TxOutcome::Invalid { rejection, .. }) => {
                inner.insert("error".into(), rejection.to_core_string().into());
            }
            Some(TxOutcome::InPool { vsize, base_fee }) => {
                inner.insert("vsize".into(), (*vsize).into());
                inner.insert("fees".into(), json!({"base": format::amount(*base_fee)}));
            }
            Some(TxOutcome::Valid {
                vsize,
                base_fee,
                effective_feerate: rate,
                effective_wtxids,
                replaced: gone,
            }) => {
                inner.insert("vsize".into(), (*vsize).into());
                let includes: Vec<Value> = effective_wtxids
                    .iter()
                    .map(|w| Value::String(w.to_string()))
                    .collect();
                inner.insert(
                    "fees".into(),
                    json!({
                        "base": format::amount(*base_fee),
                        "effective-feerate": effective_feerate(*rate),
                        "effective-includes": includes,
                    }),
                );
                replaced.extend(gone.iter().map(|t| t.compute_txid()));
            }
        }
        tx_results.insert(wtxid.to_string(), Value::Object(inner));
    }
    let replaced: Vec<Value> = replaced
        .iter()
        .map(|t| Value::String(t.to_string()))
        .collect();
    Ok(json!({
        "package_msg": package_msg,
        "tx-results": tx_results,
        "replaced-transactions": replaced,
    }))
}

/// `getmempoolinfo`.
pub fn getmempoolinfo(shared: &Shared, _: &[Value]) -> Result<Value, RpcError> {
    let mut node = shared.node();
    let now = node.now();
    let min_fee = node.mempool_min_fee(now);
    let pool = node.mempool();
    let options = pool.options();
    let relay = options.policy.min_relay_fee.to_sat_per_kvb();
    let per_kvb = |rate: u64| format::amount(Amount::from_sat(i64::try_from(rate).unwrap_or(0)));
    Ok(json!({
        "loaded": true,
        "size": pool.len(),
        "bytes": pool.total_vsize(),
        "usage": pool.usage(),
        "total_fee": format::amount(pool.total_fee()),
        "maxmempool": options.max_bytes,
        "mempoolminfee": per_kvb(u64::try_from(min_fee).unwrap_or(0).max(relay)),
        "minrelaytxfee": per_kvb(relay),
        "incrementalrelayfee": per_kvb(options.incremental_relay_fee.to_sat_per_kvb()),
        "unbroadcastcount": pool.unbroadcast().len(),
        "permitbaremultisig": options.policy.permit_bare_multisig,
        "maxdatacarriersize": options.policy.max_datacarrier_bytes.unwrap_or(0),
        "limitclustercount": options.cluster_count,
        "limitclustersize": options.cluster_vbytes,
        "optimal": true,
    }))
}

/// Core `entryToJSON`: one pool entry as `getrawmempool true` and `getmempoolentry` show it.
fn entry_json(node: &Node, entry: &Entry) -> Value {
    let pool = node.mempool();
    let sum = |txids: &std::collections::BTreeSet<Txid>| {
        txids
            .iter()
            .filter_map(|t| pool.get(t))
            .fold((0u64, 0i64), |(size, fee), e| {
                (size + e.vsize, fee + e.modified_fee())
            })
    };
    let ancestors = pool.ancestors(&entry.txid);
    let descendants = pool.descendants(&entry.txid);
    let (ancestor_size, ancestor_fees) = sum(&ancestors);
    let (descendant_size, descendant_fees) = sum(&descendants);
    let chunk = pool.chunk_of(&entry.txid).unwrap_or_default();
    let depends: Vec<Value> = entry
        .parents()
        .iter()
        .map(|t| t.to_string())
        .collect::<std::collections::BTreeSet<String>>()
        .into_iter()
        .map(Value::String)
        .collect();
    let spent_by: Vec<Value> = entry
        .children()
        .iter()
        .map(|t| Value::String(t.to_string()))
        .collect();
    json!({
        "vsize": entry.vsize,
        "weight": entry.weight,
        "time": entry.time,
        "height": entry.height,
        "descendantcount": descendants.len(),
        "descendantsize": descendant_size,
        "ancestorcount": ancestors.len(),
        "ancestorsize": ancestor_size,
        "wtxid": entry.wtxid.to_string(),
        "chunkweight": chunk.size,
        "fees": {
            "base": format::amount(entry.fee),
            "modified": format::amount(Amount::from_sat(entry.modified_fee())),
            "ancestor": format::amount(Amount::from_sat(ancestor_fees)),
            "descendant": format::amount(Amount::from_sat(descendant_fees)),
            "chunk": format::amount(Amount::from_sat(chunk.fee)),
        },
        "depends": depends,
        "spentby": spent_by,
        "unbroadcast": pool.unbroadcast().contains(&entry.txid),
    })
}

/// The pool's txids in Core's order (by mining score, parents first).
fn ordered_txids(node: &Node) -> Vec<Txid> {
    node.mempool()
        .block_order()
        .into_iter()
        .flat_map(|chunk| chunk.txids)
        .collect()
}

/// `getrawmempool`.
pub fn getrawmempool(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let verbose = get(p, 0).map(params::boolean).transpose()?.unwrap_or(false);
    let sequence = get(p, 1).map(params::boolean).transpose()?.unwrap_or(false);
    if verbose && sequence {
        return Err(RpcError::invalid_parameter(
            "Verbose results cannot contain mempool sequence values.",
        ));
    }
    let node = shared.node();
    let txids = ordered_txids(&node);
    if verbose {
        let mut out = Map::new();
        for txid in txids {
            if let Some(entry) = node.mempool().get(&txid) {
                out.insert(txid.to_string(), entry_json(&node, entry));
            }
        }
        return Ok(Value::Object(out));
    }
    let list: Vec<Value> = txids.iter().map(|t| Value::String(t.to_string())).collect();
    if sequence {
        return Ok(json!({"txids": list, "mempool_sequence": node.mempool().sequence()}));
    }
    Ok(Value::Array(list))
}

/// `getmempoolentry`.
pub fn getmempoolentry(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let txid = params::txid(&p[0], "txid")?;
    let node = shared.node();
    let entry = node
        .mempool()
        .get(&txid)
        .ok_or_else(|| RpcError::invalid_address_or_key("Transaction not in mempool"))?;
    Ok(entry_json(&node, entry))
}

/// `getmempoolancestors` and `getmempooldescendants`: the set without the transaction.
fn relatives(shared: &Shared, p: &[Value], ancestors: bool) -> Result<Value, RpcError> {
    let txid = params::txid(&p[0], "txid")?;
    let verbose = get(p, 1).map(params::boolean).transpose()?.unwrap_or(false);
    let node = shared.node();
    let pool = node.mempool();
    if !pool.contains(&txid) {
        return Err(RpcError::invalid_address_or_key(
            "Transaction not in mempool",
        ));
    }
    let mut set = if ancestors {
        pool.ancestors(&txid)
    } else {
        pool.descendants(&txid)
    };
    set.remove(&txid);
    // Core lists them in the order of its pool (by mining score, parents first).
    let ordered: Vec<Txid> = ordered_txids(&node)
        .into_iter()
        .filter(|t| set.contains(t))
        .collect();
    if !verbose {
        return Ok(Value::Array(
            ordered
                .iter()
                .map(|t| Value::String(t.to_string()))
                .collect(),
        ));
    }
    let mut out = Map::new();
    for t in ordered {
        if let Some(entry) = pool.get(&t) {
            out.insert(t.to_string(), entry_json(&node, entry));
        }
    }
    Ok(Value::Object(out))
}

/// `getmempoolancestors`.
pub fn getmempoolancestors(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    relatives(shared, p, true)
}

/// `getmempooldescendants`.
pub fn getmempooldescendants(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    relatives(shared, p, false)
}

/// `prioritisetransaction txid dummy fee_delta`.
pub fn prioritisetransaction(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let txid = params::txid(&p[0], "txid")?;
    let dummy = match get(p, 1).filter(|v| !v.is_null()) {
        Some(v) => v.as_f64().ok_or_else(|| {
            RpcError::type_error("JSON value of type string is not of expected type number")
        })?,
        None => 0.0,
    };
    let delta = params::int(&p[2])?;
    if dummy != 0.0 {
        return Err(RpcError::invalid_parameter(
            "Priority is no longer supported, dummy argument to prioritisetransaction must be 0.",
        ));
    }
    let mut node = shared.node();
    let options = node.mempool().options().clone();
    if let Some(entry) = node.mempool().get(&txid) {
        if options.require_standard
            && !sou_mempool::dust_outputs(&entry.tx, options.policy.dust_relay_fee).is_empty()
        {
            return Err(RpcError::invalid_parameter(
                "Priority is not supported for transactions with dust outputs.",
            ));
        }
    }
    node.prioritise_transaction(txid, delta);
    Ok(Value::Bool(true))
}

/// `getprioritisedtransactions`.
pub fn getprioritisedtransactions(shared: &Shared, _: &[Value]) -> Result<Value, RpcError> {
    let node = shared.node();
    let pool = node.mempool();
    let mut out = Map::new();
    for (txid, delta) in pool.deltas() {
        let mut inner = Map::new();
        inner.insert("fee_delta".into(), (*delta).into());
        match pool.get(txid) {
            Some(entry) => {
                inner.insert("in_mempool".into(), true.into());
                inner.insert("modified_fee".into(), entry.modified_fee().into());
            }
            None => {
                inner.insert("in_mempool".into(), false.into());
            }
        }
        out.insert(txid.to_string(), Value::Object(inner));
    }
    Ok(Value::Object(out))
}

/// `savemempool`: writes `mempool.dat` now.
pub fn savemempool(shared: &Shared, _: &[Value]) -> Result<Value, RpcError> {
    let node = shared.node();
    let path = shared
        .mempool_path
        .clone()
        .ok_or_else(|| RpcError::misc("The mempool was not loaded yet"))?;
    node.save_mempool(&path, shared.persist_mempool_v1)
        .map_err(|_| RpcError::misc("Unable to dump mempool to disk"))?;
    Ok(json!({"filename": path.display().to_string()}))
}

/// `getmempoolcluster`: the cluster of a pool transaction, chunk by chunk in mining order.
pub fn getmempoolcluster(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let txid = params::txid(&p[0], "txid")?;
    let node = shared.node();
    let pool = node.mempool();
    if !pool.contains(&txid) {
        return Err(RpcError::invalid_address_or_key(
            "Transaction not in mempool",
        ));
    }
    let members: std::collections::BTreeSet<Txid> = pool.cluster(&txid).into_iter().collect();
    let chunks: Vec<Value> = pool
        .block_order()
        .into_iter()
        .filter(|chunk| chunk.txids.iter().any(|t| members.contains(t)))
        .map(|chunk| {
            json!({
                "chunkfee": format::amount(Amount::from_sat(chunk.feefrac.fee)),
                "chunkweight": chunk.feefrac.size,
                "txs": chunk.txids.iter().map(|t| Value::String(t.to_string())).collect::<Vec<_>>(),
            })
        })
        .collect();
    let weight: u64 = members
        .iter()
        .filter_map(|t| pool.get(t))
        .map(|e| e.adjusted_weight)
        .sum();
    Ok(json!({
        "clusterweight": weight,
        "txcount": members.len(),
        "chunks": chunks,
    }))
}

/// `getmempoolfeeratediagram`: the running totals of fee and weight, chunk by chunk.
pub fn getmempoolfeeratediagram(shared: &Shared, _: &[Value]) -> Result<Value, RpcError> {
    let node = shared.node();
    let mut total = sou_mempool::cluster::FeeFrac::default();
    let mut points = vec![json!({"weight": 0, "fee": format::amount(Amount::ZERO)})];
    for chunk in node.mempool().block_order() {
        total += chunk.feefrac;
        points.push(json!({
            "weight": total.size,
            "fee": format::amount(Amount::from_sat(total.fee)),
        }));
    }
    Ok(Value::Array(points))
}

/// `gettxspendingprevout`: which pool transaction spends each output (sou keeps no
/// index of confirmed spends, as Core without `-txospenderindex`).
pub fn gettxspendingprevout(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let outputs = p[0].as_array().map(Vec::as_slice).unwrap_or_default();
    if outputs.is_empty() {
        return Err(RpcError::invalid_parameter(
            "Invalid parameter, outputs are missing",
        ));
    }
    let options = get(p, 1)
        .filter(|v| !v.is_null())
        .cloned()
        .unwrap_or(json!({}));
    let Value::Object(options) = options else {
        return Err(RpcError::type_error(
            "JSON value of type array is not of expected type object",
        ));
    };
    for (key, value) in &options {
        match key.as_str() {
            "mempool_only" | "return_spending_tx" if value.is_boolean() || value.is_null() => {}
            "mempool_only" | "return_spending_tx" => {
                return Err(RpcError::type_error(format!(
                    "JSON value of type {} for field {key} is not of expected type bool",
                    params::type_name(value)
                )))
            }
            other => {
                return Err(RpcError::type_error(format!("Unexpected key {other}")));
            }
        }
    }
    let mempool_only = options
        .get("mempool_only")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let return_tx = options
        .get("return_spending_tx")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let mut wanted = Vec::with_capacity(outputs.len());
    for output in outputs {
        let Value::Object(fields) = output else {
            return Err(RpcError::type_error(format!(
                "JSON value of type {} is not of expected type object",
                params::type_name(output)
            )));
        };
        let txid_value = fields.get("txid").unwrap_or(&Value::Null);
        if !txid_value.is_string() {
            return Err(RpcError::type_error(format!(
                "JSON value of type {} for field txid is not of expected type string",
                params::type_name(txid_value)
            )));
        }
        let vout_value = fields.get("vout").unwrap_or(&Value::Null);
        if !vout_value.is_number() {
            return Err(RpcError::type_error(format!(
                "JSON value of type {} for field vout is not of expected type number",
                params::type_name(vout_value)
            )));
        }
        if let Some(other) = fields.keys().find(|k| *k != "txid" && *k != "vout") {
            return Err(RpcError::type_error(format!("Unexpected key {other}")));
        }
        let txid = params::txid(txid_value, "txid")?;
        let vout = params::int32(vout_value)?;
        let vout = u32::try_from(vout).map_err(|_| {
            RpcError::invalid_parameter("Invalid parameter, vout cannot be negative")
        })?;
        wanted.push((sou_primitives::OutPoint::new(txid, vout), output.clone()));
    }
    let node = shared.node();
    let pool = node.mempool();
    let mut result = Vec::new();
    for (outpoint, raw) in wanted {
        let spender = pool.spender(&outpoint).copied();
        if spender.is_none() && !mempool_only {
            return Err(RpcError::misc(
                "Mempool lacks a relevant spend, and txospenderindex is unavailable.",
            ));
        }
        let mut out = raw;
        if let (Some(spender), Value::Object(map)) = (spender, &mut out) {
            map.insert("spendingtxid".into(), spender.to_string().into());
            if return_tx {
                if let Some(entry) = pool.get(&spender) {
                    let hex = hex::encode(sou_primitives::encoding::serialize(entry.tx.as_ref()));
                    map.insert("spendingtx".into(), hex.into());
                }
            }
        }
        result.push(out);
    }
    Ok(Value::Array(result))
}
