//! Descriptors in and out: `listdescriptors`, `importdescriptors`.
//!
//! An imported descriptor is watched from then on; with a `timestamp` in the past the
//! chain is scanned from the first block within two hours of it (Core's
//! `TIMESTAMP_WINDOW`), so that a watch-only copy of a wallet finds its history. A
//! descriptor with private keys cannot go into a wallet created without them.
//!
//! References: Core `src/wallet/rpc/backup.cpp` (`ProcessDescriptorImport`,
//! `importdescriptors`, `listdescriptors`).

use serde_json::{json, Value};
use sou_wallet::descriptor::Descriptor;

use super::with_wallet;
use crate::rpc::dispatch::Shared;
use crate::rpc::params::{self, get};
use crate::rpc::{codes, RpcError};
use crate::wallet::{DescriptorSpkm, OutputType};

/// Core's `TIMESTAMP_WINDOW`: block times may lag the clock by up to two hours.
const TIMESTAMP_WINDOW: i64 = 2 * 60 * 60;

/// `listdescriptors ( private )`.
pub fn listdescriptors(
    shared: &Shared,
    endpoint: Option<&str>,
    p: &[Value],
) -> Result<Value, RpcError> {
    let private = match get(p, 0).filter(|v| !v.is_null()) {
        Some(v) => params::boolean(v)?,
        None => false,
    };
    let mut node = shared.node();
    with_wallet(&mut node, endpoint, |wallet, _| {
        if private && !wallet.has_private_keys() {
            return Err(RpcError::new(
                codes::RPC_WALLET_ERROR,
                "Can't get private descriptor string for watch-only wallets",
            ));
        }
        let mut list: Vec<(String, Value)> = Vec::new();
        for spkm in &wallet.spkms {
            let desc = if private {
                if !spkm.descriptor.has_private_keys() {
                    return Err(RpcError::new(
                        codes::RPC_WALLET_ERROR,
                        "Can't get private descriptor string for watch-only descriptors",
                    ));
                }
                spkm.private_text()
            } else {
                spkm.public_text()
            };
            let mut entry = json!({
                "desc": desc,
                "timestamp": spkm.timestamp,
                "active": spkm.active.is_some(),
            });
            if let Some((_, internal)) = spkm.active {
                entry["internal"] = json!(internal);
            }
            if spkm.is_range() {
                entry["range"] = json!([spkm.range_start, spkm.range_end.saturating_sub(1)]);
                entry["next"] = json!(spkm.next_index);
                entry["next_index"] = json!(spkm.next_index);
            }
            list.push((desc, entry));
        }
        list.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(json!({
            "wallet_name": wallet.name,
            "descriptors": list.into_iter().map(|(_, e)| e).collect::<Vec<_>>(),
        }))
    })
}

/// One request's failure, as Core's result shows it.
fn failure(code: i32, message: impl Into<String>) -> Value {
    json!({"success": false, "error": {"code": code, "message": message.into()}})
}

/// `[begin, end]` or `end` (Core `ParseDescriptorRange`).
fn parse_range(value: &Value) -> Result<(u32, u32), (i32, String)> {
    let bad = |m: &str| (codes::RPC_INVALID_PARAMETER, m.to_string());
    let (begin, end) = match value {
        Value::Number(n) => (
            0,
            n.as_i64().ok_or_else(|| bad("Range must be an integer"))?,
        ),
        Value::Array(a) if a.len() == 2 => (
            a[0].as_i64().ok_or_else(|| bad("Range must be integers"))?,
            a[1].as_i64().ok_or_else(|| bad("Range must be integers"))?,
        ),
        _ => return Err(bad("Range must be specified as end or as [begin,end]")),
    };
    if begin < 0 || end < 0 {
        return Err(bad("Range should be greater or equal than 0"));
    }
    if end >= 1 << 31 {
        return Err(bad("End of range is too high"));
    }
    if begin > end {
        return Err(bad(
            "Range specified as [begin,end] must not have begin after end",
        ));
    }
    if end - begin >= 1_000_000 {
        return Err(bad("Range is too large"));
    }
    Ok((
        u32::try_from(begin).unwrap_or(0),
        u32::try_from(end).unwrap_or(0),
    ))
}

/// `importdescriptors requests`.
pub fn importdescriptors(
    shared: &Shared,
    endpoint: Option<&str>,
    p: &[Value],
) -> Result<Value, RpcError> {
    let Some(requests) = p[0].as_array().cloned() else {
        return Err(RpcError::type_error("Expected type array"));
    };
    let network = shared.network;
    let mut node = shared.node();
    let name = super::wallet_name(&node, endpoint)?;
    let now = node.now();
    let keypool = node.wallets().options.keypool;
    let (results, earliest) = with_wallet(&mut node, Some(&name), |wallet, _| {
        let mut results = Vec::new();
        let mut earliest: Option<i64> = None;
        for request in &requests {
            let outcome = (|| -> Result<(Vec<String>, i64), (i32, String)> {
                let text = request
                    .get("desc")
                    .and_then(Value::as_str)
                    .ok_or((codes::RPC_TYPE_ERROR, "Descriptor not found.".to_string()))?;
                let timestamp = match request.get("timestamp") {
                    Some(Value::String(s)) if s == "now" => now,
                    Some(v) => v.as_i64().ok_or((
                        codes::RPC_TYPE_ERROR,
                        "Expected number or \"now\" timestamp value for key. got type string"
                            .to_string(),
                    ))?,
                    None => {
                        return Err((
                            codes::RPC_INVALID_PARAMETER,
                            "Missing required timestamp field for key".to_string(),
                        ))
                    }
                };
                let descriptor = Descriptor::parse(text, network, true)
                    .map_err(|e| (codes::RPC_INVALID_ADDRESS_OR_KEY, e.to_string()))?;
                let active = request
                    .get("active")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                let internal = request
                    .get("internal")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                let mut warnings = Vec::new();
                if descriptor.has_private_keys() && !wallet.has_private_keys() {
                    return Err((
                        codes::RPC_WALLET_ERROR,
                        "Cannot import private keys to a wallet with private keys disabled"
                            .to_string(),
                    ));
                }
                let (mut range_start, mut range_end, mut next_index) = (0, 1, 0);
                match (
                    descriptor.is_range(),
                    request.get("range").filter(|v| !v.is_null()),
                ) {
                    (false, Some(_)) => {
                        return Err((
                            codes::RPC_INVALID_PARAMETER,
                            "Range should not be specified for an un-ranged descriptor".to_string(),
                        ))
                    }
                    (true, Some(range)) => {
                        let (a, b) = parse_range(range)?;
                        range_start = a;
                        range_end = b.saturating_add(1);
                        next_index = a;
                    }
                    (true, None) => {
                        warnings.push("Range not given, using default keypool range".to_string());
                        range_end = keypool;
                    }
                    (false, None) => {}
                }
                if let Some(n) = request.get("next_index").and_then(Value::as_u64) {
                    let n = u32::try_from(n).unwrap_or(u32::MAX);
                    if n < range_start || n >= range_end {
                        return Err((
                            codes::RPC_INVALID_PARAMETER,
                            "next_index is out of range".to_string(),
                        ));
                    }
                    next_index = n;
                }
                let active_type = if active {
                    if !descriptor.is_range() {
                        return Err((
                            codes::RPC_INVALID_PARAMETER,
                            "Active descriptors must be ranged".to_string(),
                        ));
                    }
                    Some((
                        OutputType::of(&descriptor).ok_or((
                            codes::RPC_INVALID_PARAMETER,
                            "Only pkh, sh(wpkh), wpkh and tr descriptors can be active in sou"
                                .to_string(),
                        ))?,
                        internal,
                    ))
                } else {
                    None
                };
                if !descriptor.has_private_keys() && wallet.has_private_keys() {
                    warnings.push("Not all private keys provided. Some wallet functionality may return unexpected errors".to_string());
                }
                // Keep the text as given (its secrets), without the checksum.
                let body = text.split('#').next().unwrap_or(text).to_string();
                let label = request
                    .get("label")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                wallet
                    .add_descriptor(DescriptorSpkm {
                        text: body,
                        descriptor: descriptor.clone(),
                        timestamp,
                        range_start,
                        range_end,
                        next_index,
                        active: active_type,
                    })
                    .map_err(|e| (e.rpc_code(), e.to_string()))?;
                if let (Some(label), false) = (label, descriptor.is_range()) {
                    if let Ok(script) = descriptor.script_pubkey() {
                        if let Some(address) = wallet.address(&script) {
                            wallet.set_label(&address.to_string(), &label);
                        }
                    }
                }
                Ok((warnings, timestamp))
            })();
            results.push(match outcome {
                Ok((warnings, timestamp)) => {
                    earliest = Some(earliest.map_or(timestamp, |e| e.min(timestamp)));
                    let mut r = json!({"success": true});
                    if !warnings.is_empty() {
                        r["warnings"] = json!(warnings);
                    }
                    r
                }
                Err((code, message)) => failure(code, message),
            });
        }
        Ok((results, earliest))
    })?;
    // Rescan from the earliest timestamp (none for "now").
    if let Some(earliest) = earliest.filter(|t| *t < now) {
        let cutoff = earliest - TIMESTAMP_WINDOW;
        let chain = node.chain();
        let start = chain
            .active_chain()
            .iter()
            .position(|h| {
                chain
                    .entry(h)
                    .is_some_and(|e| i64::from(e.header.time) >= cutoff)
            })
            .unwrap_or(chain.active_chain().len());
        let tip = node.chain().height();
        if let Ok(start) = u32::try_from(start) {
            if start <= tip {
                node.rescan_wallet(&name, start, None)
                    .map_err(super::wallet_error)?;
            }
        }
    }
    Ok(Value::Array(results))
}
