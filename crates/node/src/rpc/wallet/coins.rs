//! Balances and coins.
//!
//! References: Core `src/wallet/rpc/coins.cpp`.

use serde_json::{json, Value};

use super::{address_of, with_wallet};
use crate::rpc::dispatch::Shared;
use crate::rpc::format;
use crate::rpc::params::{self, get};
use crate::rpc::RpcError;

/// `getbalance ( "*" minconf include_watchonly avoid_reuse )`: the trusted balance, of
/// coins with at least `minconf` confirmations (own unconfirmed change counts at 0).
pub fn getbalance(shared: &Shared, endpoint: Option<&str>, p: &[Value]) -> Result<Value, RpcError> {
    if let Some(dummy) = get(p, 0).filter(|v| !v.is_null()) {
        if params::string(dummy)? != "*" {
            return Err(RpcError::new(
                -32,
                "dummy first argument must be excluded or set to \"*\".",
            ));
        }
    }
    let minconf = match get(p, 1).filter(|v| !v.is_null()) {
        Some(v) => params::int(v)?,
        None => 0,
    };
    let mut node = shared.node();
    with_wallet(&mut node, endpoint, |wallet, node| {
        let view = node.wallet_view();
        let total = wallet
            .coins(view)
            .into_iter()
            .filter(|c| c.trusted && !c.immature() && c.depth >= minconf)
            .fold(sou_primitives::Amount::ZERO, |a, c| {
                a.checked_add(c.output.value).unwrap_or(a)
            });
        Ok(format::amount(total))
    })
}

/// `getbalances`.
pub fn getbalances(
    shared: &Shared,
    endpoint: Option<&str>,
    _: &[Value],
) -> Result<Value, RpcError> {
    let mut node = shared.node();
    with_wallet(&mut node, endpoint, |wallet, node| {
        let b = wallet.balances(node.wallet_view());
        let mut result = json!({
            "mine": {
                "trusted": format::amount(b.trusted),
                "untrusted_pending": format::amount(b.untrusted_pending),
                "immature": format::amount(b.immature),
            }
        });
        if let Some((hash, height)) = wallet.best_block {
            result["lastprocessedblock"] = json!({"hash": hash.to_string(), "height": height});
        }
        Ok(result)
    })
}

/// `listunspent ( minconf maxconf ["address",...] include_unsafe query_options )`.
pub fn listunspent(
    shared: &Shared,
    endpoint: Option<&str>,
    p: &[Value],
) -> Result<Value, RpcError> {
    let int_or = |i: usize, default: i64| -> Result<i64, RpcError> {
        match get(p, i).filter(|v| !v.is_null()) {
            Some(v) => params::int(v),
            None => Ok(default),
        }
    };
    let minconf = int_or(0, 1)?;
    let maxconf = int_or(1, 9_999_999)?;
    let network = shared.network;
    let mut only: Vec<sou_primitives::Script> = Vec::new();
    if let Some(list) = get(p, 2).and_then(Value::as_array) {
        for v in list {
            let text = params::string(v)?;
            let script = super::address_script(text, network)?;
            if only.contains(&script) {
                return Err(RpcError::invalid_parameter(format!(
                    "Invalid parameter, duplicated address: {text}"
                )));
            }
            only.push(script);
        }
    }
    let include_unsafe = match get(p, 3).filter(|v| !v.is_null()) {
        Some(v) => params::boolean(v)?,
        None => true,
    };
    let options = get(p, 4).cloned().unwrap_or(Value::Null);
    let amount_bound = |key: &str| -> Result<Option<sou_primitives::Amount>, RpcError> {
        options
            .get(key)
            .filter(|v| !v.is_null())
            .map(crate::rpc::rawtransaction::amount_from_value)
            .transpose()
    };
    let minimum = amount_bound("minimumAmount")?;
    let maximum = amount_bound("maximumAmount")?;
    let mut node = shared.node();
    with_wallet(&mut node, endpoint, |wallet, node| {
        let view = node.wallet_view();
        let mut out = Vec::new();
        for coin in wallet.coins(view) {
            let script = &coin.output.script_pubkey;
            if coin.depth < minconf || coin.depth > maxconf || coin.immature() {
                continue;
            }
            if !include_unsafe && !coin.trusted {
                continue;
            }
            if !only.is_empty() && !only.contains(script) {
                continue;
            }
            if minimum.is_some_and(|m| coin.output.value < m)
                || maximum.is_some_and(|m| coin.output.value > m)
            {
                continue;
            }
            let spkm = wallet.spkms.get(coin.origin.0);
            let mut entry = json!({
                "txid": coin.outpoint.txid.to_string(),
                "vout": coin.outpoint.vout,
            });
            if let Some(address) = address_of(script, network) {
                entry["address"] = Value::String(address.clone());
                if let Some(label) = wallet.labels.get(&address) {
                    entry["label"] = Value::String(label.clone());
                }
            }
            entry["scriptPubKey"] = Value::String(hex::encode(script.as_bytes()));
            if let Some(Ok(sou_wallet::descriptor::Descriptor::Sh(inner))) =
                spkm.map(|s| s.descriptor.derive(coin.origin.1))
            {
                if let Ok(redeem) = inner.script_pubkey() {
                    entry["redeemScript"] = Value::String(hex::encode(redeem.as_bytes()));
                }
            }
            entry["amount"] = format::amount(coin.output.value);
            entry["confirmations"] = json!(coin.depth);
            if coin.depth == 0 {
                let (ancestors, size, fees) = ancestry(node, &coin.outpoint.txid);
                entry["ancestorcount"] = json!(ancestors);
                entry["ancestorsize"] = json!(size);
                entry["ancestorfees"] = json!(fees);
            }
            entry["spendable"] = json!(spkm.is_some_and(|s| s.secret_at(coin.origin.1).is_some()));
            entry["solvable"] = json!(spkm.is_some_and(|s| s.descriptor.is_solvable()));
            if let Some(Ok(d)) = spkm.map(|s| s.descriptor.derive(coin.origin.1)) {
                entry["desc"] = Value::String(d.to_string());
            }
            if let Some(s) = spkm {
                entry["parent_descs"] = json!([s.public_text()]);
            }
            entry["safe"] = json!(coin.trusted);
            out.push(entry);
        }
        Ok(Value::Array(out))
    })
}

/// A pool transaction's ancestors with itself: count, virtual size, fees in sats.
fn ancestry(node: &crate::node::Node, txid: &sou_primitives::Txid) -> (usize, u64, i64) {
    let pool = node.mempool();
    let mut all = pool.ancestors(txid);
    all.insert(*txid);
    let entries: Vec<_> = all.iter().filter_map(|t| pool.get(t)).collect();
    (
        entries.len(),
        entries.iter().map(|e| e.vsize).sum(),
        entries.iter().map(|e| e.fee.to_sat()).sum(),
    )
}
