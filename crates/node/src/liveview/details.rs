//! What a click shows (`/api/tx/TXID[/BLOCK]`, `/api/block/HASH`): the RPC's own answer,
//! so that the page and `bitcoin-cli` agree to the digit, plus what a listener asks next.
//!
//! A transaction is `getrawtransaction TXID 2 [BLOCK]` (inputs with the coins they spend,
//! outputs with amounts, addresses and script types, the fee once the block's undo data
//! or the pool knows it), the pool's fee and fee rate while it waits, whether each output
//! is still unspent (in the coins or the pool), and its bytes cut into fields
//! ([`raw::transaction`]). A block is `getblock HASH 2` with its header's 80 bytes cut
//! into fields ([`raw::header`]).

use axum::http::StatusCode;
use serde_json::{json, Value};
use sou_chain::CoinsStore;
use sou_primitives::{BlockHash, OutPoint, Txid};

use crate::liveview::raw;
use crate::rpc::dispatch::Shared;
use crate::rpc::{blockchain, rawtransaction, RpcError};

type Reply = Result<Value, (StatusCode, String)>;

fn not_found(e: RpcError) -> (StatusCode, String) {
    (StatusCode::NOT_FOUND, e.message)
}

fn bad_request(what: &str) -> (StatusCode, String) {
    (StatusCode::BAD_REQUEST, format!("not a {what}"))
}

/// A transaction of the pool, or of `block`, or (with `-txindex`) of the chain.
pub fn transaction(shared: &Shared, txid: &str, block: Option<&str>) -> Reply {
    let parsed: Txid = txid.parse().map_err(|_| bad_request("txid"))?;
    let mut params = vec![json!(txid), json!(2)];
    if let Some(block) = block {
        block
            .parse::<BlockHash>()
            .map_err(|_| bad_request("block hash"))?;
        params.push(json!(block));
    }
    let mut tx = rawtransaction::getrawtransaction(shared, &params).map_err(not_found)?;
    let bytes = tx
        .get("hex")
        .and_then(Value::as_str)
        .and_then(|h| hex::decode(h).ok())
        .unwrap_or_default();
    let pool = {
        let node = shared.node();
        node.mempool().get(&parsed).map(|entry| {
            json!({
                "fee": entry.fee.to_sat(),
                "vsize": entry.vsize,
                "weight": entry.weight,
                "rate": (entry.fee.to_sat() as f64 / entry.vsize.max(1) as f64 * 100.0).round() / 100.0,
                "time": entry.time,
            })
        })
    };
    let outputs = tx.get("vout").and_then(Value::as_array).map_or(0, Vec::len);
    let unspent = output_states(shared, &parsed, outputs, pool.is_some());
    if let Some(object) = tx.as_object_mut() {
        object.insert("mempool".into(), pool.unwrap_or(Value::Null));
        object.insert("unspent".into(), json!(unspent));
        object.insert("raw".into(), raw::transaction(&bytes));
    }
    Ok(tx)
}

/// Each output's state: `unspent`, `spent` (by a block), or `spent in the mempool`.
/// (`gettxout` would do, but sou's does not look in the pool yet.)
fn output_states(shared: &Shared, txid: &Txid, outputs: usize, in_pool: bool) -> Vec<&'static str> {
    let mut node = shared.node();
    (0..outputs)
        .map(|n| {
            let outpoint = OutPoint::new(*txid, u32::try_from(n).unwrap_or(u32::MAX));
            if node.mempool().spender(&outpoint).is_some() {
                return "spent in the mempool";
            }
            let coin = in_pool
                || node
                    .chain_mut()
                    .store_mut()
                    .coin(&outpoint)
                    .is_ok_and(|c| c.is_some());
            if coin {
                "unspent"
            } else {
                "spent"
            }
        })
        .collect()
}

/// A block of the tree, whichever branch it is on.
pub fn block(shared: &Shared, hash: &str) -> Reply {
    hash.parse::<BlockHash>()
        .map_err(|_| bad_request("block hash"))?;
    let mut block = blockchain::getblock(shared, &[json!(hash), json!(2)]).map_err(not_found)?;
    let header = blockchain::getblockheader(shared, &[json!(hash), json!(false)])
        .ok()
        .and_then(|h| h.as_str().and_then(|h| hex::decode(h).ok()))
        .unwrap_or_default();
    if let Some(object) = block.as_object_mut() {
        object.insert("raw_header".into(), raw::header(&header));
    }
    Ok(block)
}
