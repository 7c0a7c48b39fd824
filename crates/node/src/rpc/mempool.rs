//! The memory pool's RPCs as they stand before the pool exists: `getmempoolinfo` and
//! `getrawmempool` describe an empty pool, because sou's node takes no unconfirmed
//! transaction yet (no `sendrawtransaction`, no relay). The limits it reports are the
//! ones the options set (`-maxmempool`, `-minrelaytxfee`, ...), as Core's do.
//!
//! References: Core `src/rpc/mempool.cpp` (`getmempoolinfo`, `MempoolInfoToJSON`,
//! `getrawmempool`), `src/kernel/mempool_options.h` (defaults).

use serde_json::{json, Value};
use sou_primitives::Amount;

use crate::config::Config;
use crate::rpc::dispatch::Shared;
use crate::rpc::format;
use crate::rpc::params::{self, get};
use crate::rpc::rawtransaction::amount_from_value;
use crate::rpc::RpcError;

/// The pool's limits as the options set them (Core's `MemPoolOptions`).
#[derive(Debug, Clone)]
pub struct MempoolSettings {
    /// `-maxmempool` in bytes (default 300 MB).
    pub max_bytes: u64,
    /// `-minrelaytxfee` per kvB (default 100 sat).
    pub min_relay_fee: Amount,
    /// `-incrementalrelayfee` per kvB (default 100 sat).
    pub incremental_relay_fee: Amount,
    /// `-permitbaremultisig` (default true).
    pub permit_bare_multisig: bool,
    /// `-datacarriersize` (default 100,000 bytes).
    pub max_data_carrier: u64,
    /// `-limitclustercount` (default 64).
    pub limit_cluster_count: u64,
    /// `-limitclustersize` in vbytes (default 101 kvB).
    pub limit_cluster_size: u64,
}

impl MempoolSettings {
    /// The settings `config` gives (Core's defaults where it says nothing).
    pub fn from_config(config: &Config) -> MempoolSettings {
        let fee = |name: &str, default: i64| {
            config
                .get(name)
                .and_then(|text| amount_from_value(&Value::String(text)).ok())
                .unwrap_or(Amount::from_sat(default))
        };
        let count =
            |name: &str, default: i64| u64::try_from(config.get_int(name, default)).unwrap_or(0);
        MempoolSettings {
            max_bytes: count("maxmempool", 300) * 1_000_000,
            min_relay_fee: fee("minrelaytxfee", 100),
            incremental_relay_fee: fee("incrementalrelayfee", 100),
            permit_bare_multisig: config.get_bool("permitbaremultisig", true),
            max_data_carrier: count("datacarriersize", 100_000),
            limit_cluster_count: count("limitclustercount", 64),
            limit_cluster_size: count("limitclustersize", 101) * 1_000,
        }
    }
}

/// `getmempoolinfo`: an empty, loaded pool and its limits.
pub fn getmempoolinfo(shared: &Shared, _: &[Value]) -> Result<Value, RpcError> {
    let s = &shared.mempool;
    Ok(json!({
        "loaded": true,
        "size": 0,
        "bytes": 0,
        "usage": 0,
        "total_fee": format::amount(Amount::ZERO),
        "maxmempool": s.max_bytes,
        "mempoolminfee": format::amount(s.min_relay_fee),
        "minrelaytxfee": format::amount(s.min_relay_fee),
        "incrementalrelayfee": format::amount(s.incremental_relay_fee),
        "unbroadcastcount": 0,
        "permitbaremultisig": s.permit_bare_multisig,
        "maxdatacarriersize": s.max_data_carrier,
        "limitclustercount": s.limit_cluster_count,
        "limitclustersize": s.limit_cluster_size,
        "optimal": true,
    }))
}

/// `getrawmempool`: no transactions, in the shape asked for.
pub fn getrawmempool(_shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let verbose = get(p, 0).map(params::boolean).transpose()?.unwrap_or(false);
    let sequence = get(p, 1).map(params::boolean).transpose()?.unwrap_or(false);
    match (verbose, sequence) {
        (true, true) => Err(RpcError::invalid_parameter(
            "Verbose results cannot contain mempool sequence values.",
        )),
        (true, false) => Ok(json!({})),
        // Core's pool starts its sequence at 1 and moves it with each entry and removal.
        (false, true) => Ok(json!({"txids": [], "mempool_sequence": 1})),
        (false, false) => Ok(json!([])),
    }
}
