//! Paying: `sendtoaddress`, `sendmany`, `send`, fee bumps (`bumpfee`, `psbtbumpfee`)
//! and the wallet's PSBT methods (`walletcreatefundedpsbt`, `walletprocesspsbt`).
//!
//! Each payment is built and signed by the wallet (`crate::wallet::spend`), then handed
//! to the node's pool as a peer's transaction would be (Core `CommitTransaction` and
//! `BroadcastTransaction`): refused, the payment is not recorded and the call fails
//! with the pool's reason; accepted, it joins the wallet's transactions.
//!
//! Fee rates: `fee_rate` parameters are in sat/vB, `feeRate` options and `settxfee` in
//! BTC/kvB, as in Core. Without one, `settxfee`/`-paytxfee`, else `-fallbackfee`
//! (zero by default: the payment is then refused, as by Core on a regtest without fee
//! estimates).
//!
//! References: Core `src/wallet/rpc/spend.cpp`, `src/wallet/feebumper.cpp`,
//! `src/node/transaction.cpp` (`BroadcastTransaction`).

use std::sync::Arc;

use serde_json::{json, Map, Value};
use sou_mempool::RejectKind;
use sou_primitives::{Amount, FeeRate, OutPoint, Script, Transaction, Txid};
use sou_wallet::psbt::Psbt;

use super::{address_script, fee_rate_sat_vb, send_amount, spend_error, with_wallet};
use crate::node::Node;
use crate::rpc::dispatch::Shared;
use crate::rpc::format;
use crate::rpc::params::{self, get};
use crate::rpc::{codes, RpcError};
use crate::wallet::descriptor_wallet::DescriptorWallet;
use crate::wallet::spend::{fee_rate, PaymentRequest, TipInfo};
use crate::wallet::OutputType;

/// Where the tip is, for the anti-fee-sniping lock time.
fn tip_info(node: &Node) -> TipInfo {
    let tip = node.chain().tip();
    TipInfo {
        height: node.chain().height(),
        time: node.chain().entry(&tip).map_or(0, |e| e.header.time),
        now: node.now(),
    }
}

/// Hands `tx` to the pool and records it (Core `CommitTransaction`).
fn commit(
    wallet: &mut DescriptorWallet,
    node: &mut Node,
    tx: Transaction,
) -> Result<Txid, RpcError> {
    let tx = Arc::new(tx);
    let txid = tx.compute_txid();
    let result = node.accept_to_mempool(Arc::clone(&tx), false);
    if !result.is_valid() {
        return Err(match result.rejection() {
            Some(r) if r.kind == RejectKind::MissingInputs => {
                RpcError::new(codes::RPC_VERIFY_ERROR, r.to_core_string())
            }
            Some(r) => RpcError::new(codes::RPC_VERIFY_REJECTED, r.to_core_string()),
            None => RpcError::new(codes::RPC_VERIFY_ERROR, "Mempool internal error"),
        });
    }
    node.add_unbroadcast(txid);
    let now = node.now();
    wallet
        .add_if_relevant(&tx, None, now)
        .map_err(super::wallet_error)?;
    Ok(txid)
}

/// Builds, signs and commits `request`.
fn pay(
    wallet: &mut DescriptorWallet,
    node: &mut Node,
    request: &PaymentRequest,
) -> Result<(Txid, Amount), RpcError> {
    if !wallet.has_private_keys() {
        return Err(RpcError::new(
            codes::RPC_WALLET_ERROR,
            "Error: Private keys are disabled for this wallet",
        ));
    }
    let options = node.wallets().options.clone();
    let rate = fee_rate(wallet, &options, request.fee_rate).map_err(spend_error)?;
    let tip = tip_info(node);
    let payment = wallet
        .create_transaction(node.wallet_view(), request, rate, &options, tip)
        .map_err(spend_error)?;
    let tx = wallet.sign_payment(&payment).map_err(spend_error)?;
    let txid = commit(wallet, node, tx)?;
    Ok((txid, payment.fee))
}

/// Core's `StringForFeeReason` of the rate a payment used: a rate given or set is
/// "PayTxFee set", else the fallback rate.
fn fee_reason(wallet: &DescriptorWallet, node: &Node, request: &PaymentRequest) -> &'static str {
    let set = request.fee_rate.is_some()
        || wallet.pay_tx_fee.is_some()
        || node.wallets().options.pay_tx_fee != FeeRate::ZERO;
    if set {
        "PayTxFee set"
    } else {
        "Fallback fee"
    }
}

fn optional_bool(p: &[Value], index: usize) -> Result<Option<bool>, RpcError> {
    get(p, index)
        .filter(|v| !v.is_null())
        .map(params::boolean)
        .transpose()
}

/// Refuses what sou's builder does not do: taking the fee from the amounts paid.
fn no_subtract_fee() -> RpcError {
    RpcError::invalid_parameter(
        "Subtracting the fee from the amounts is not implemented by sou: pay the fee on top",
    )
}

/// `sendtoaddress "address" amount ( "comment" "comment_to" subtractfeefromamount
/// replaceable conf_target "estimate_mode" avoid_reuse fee_rate verbose )`.
pub fn sendtoaddress(
    shared: &Shared,
    endpoint: Option<&str>,
    p: &[Value],
) -> Result<Value, RpcError> {
    let script = address_script(params::string(&p[0])?, shared.network)?;
    let amount = send_amount(&p[1])?;
    if optional_bool(p, 4)? == Some(true) {
        return Err(no_subtract_fee());
    }
    let request = PaymentRequest {
        recipients: vec![(script, amount)],
        rbf: optional_bool(p, 5)?,
        fee_rate: fee_rate_sat_vb(get(p, 9).unwrap_or(&Value::Null))?,
        ..PaymentRequest::default()
    };
    let verbose = optional_bool(p, 10)?.unwrap_or(false);
    let mut node = shared.node();
    with_wallet(&mut node, endpoint, |wallet, node| {
        let (txid, _) = pay(wallet, node, &request)?;
        Ok(if verbose {
            json!({"txid": txid.to_string(), "fee_reason": fee_reason(wallet, node, &request)})
        } else {
            Value::String(txid.to_string())
        })
    })
}

/// `sendmany "" {"address":amount,...} ( minconf "comment" ["address",...] replaceable
/// conf_target "estimate_mode" fee_rate verbose )`.
pub fn sendmany(shared: &Shared, endpoint: Option<&str>, p: &[Value]) -> Result<Value, RpcError> {
    if !p[0].is_null() && !params::string(&p[0])?.is_empty() {
        return Err(RpcError::invalid_parameter(
            "Dummy value must be set to \"\"",
        ));
    }
    let Some(amounts) = p[1].as_object() else {
        return Err(RpcError::type_error("Expected type object"));
    };
    let mut recipients: Vec<(Script, Amount)> = Vec::new();
    for (address, amount) in amounts {
        let script = address_script(address, shared.network)?;
        if recipients.iter().any(|(s, _)| *s == script) {
            return Err(RpcError::invalid_parameter(format!(
                "Invalid parameter, duplicated address: {address}"
            )));
        }
        recipients.push((script, send_amount(amount)?));
    }
    if get(p, 4)
        .and_then(Value::as_array)
        .is_some_and(|a| !a.is_empty())
    {
        return Err(no_subtract_fee());
    }
    let request = PaymentRequest {
        recipients,
        rbf: optional_bool(p, 5)?,
        fee_rate: fee_rate_sat_vb(get(p, 8).unwrap_or(&Value::Null))?,
        ..PaymentRequest::default()
    };
    let verbose = optional_bool(p, 9)?.unwrap_or(false);
    let mut node = shared.node();
    with_wallet(&mut node, endpoint, |wallet, node| {
        let (txid, _) = pay(wallet, node, &request)?;
        Ok(if verbose {
            json!({"txid": txid.to_string(), "fee_reason": fee_reason(wallet, node, &request)})
        } else {
            Value::String(txid.to_string())
        })
    })
}

/// What a payment's outputs are: the recipients, and the data of an `OP_RETURN` output.
type Outputs = (Vec<(Script, Amount)>, Option<Vec<u8>>);

/// The outputs of `send` and `walletcreatefundedpsbt`: `[{"address": amount}, {"data":
/// "hex"}]` or one object with every key (Core `AddOutputs`).
fn parse_outputs(value: &Value, network: sou_primitives::Network) -> Result<Outputs, RpcError> {
    let mut pairs: Vec<(String, Value)> = Vec::new();
    match value {
        Value::Object(map) => pairs.extend(map.iter().map(|(k, v)| (k.clone(), v.clone()))),
        Value::Array(list) => {
            for item in list {
                let Some(map) = item.as_object().filter(|m| m.len() == 1) else {
                    return Err(RpcError::invalid_parameter(
                        "Invalid parameter, key-value pair must contain exactly one key",
                    ));
                };
                pairs.extend(map.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
        }
        _ => return Err(RpcError::type_error("Expected type array")),
    }
    let mut recipients: Vec<(Script, Amount)> = Vec::new();
    let mut data = None;
    for (key, v) in pairs {
        if key == "data" {
            if data.is_some() {
                return Err(RpcError::invalid_parameter(
                    "Invalid parameter, duplicate key: data",
                ));
            }
            data = Some(params::hex_bytes(&v, "Data")?);
            continue;
        }
        let script = address_script(&key, network)?;
        if recipients.iter().any(|(s, _)| *s == script) {
            return Err(RpcError::invalid_parameter(format!(
                "Invalid parameter, duplicated address: {key}"
            )));
        }
        recipients.push((script, send_amount(&v)?));
    }
    Ok((recipients, data))
}

/// The `options` object shared by `send`, `walletcreatefundedpsbt` and the fee bumps
/// (Core `FundTransaction`'s options), applied to `request`.
fn apply_options(
    options: &Value,
    request: &mut PaymentRequest,
    network: sou_primitives::Network,
) -> Result<(), RpcError> {
    if options.is_null() {
        return Ok(());
    }
    let Some(map) = options.as_object() else {
        return Err(RpcError::type_error("Expected type object"));
    };
    for (key, v) in map {
        if v.is_null() {
            continue;
        }
        match key.as_str() {
            "fee_rate" => request.fee_rate = fee_rate_sat_vb(v)?,
            "feeRate" => {
                let per_kvb = crate::rpc::rawtransaction::amount_from_value(v)?;
                let sat = u64::try_from(per_kvb.to_sat())
                    .map_err(|_| RpcError::invalid_parameter("Invalid feeRate"))?;
                request.fee_rate = Some(FeeRate::from_sat_per_kvb(sat));
            }
            "replaceable" => request.rbf = Some(params::boolean(v)?),
            "add_inputs" => request.add_inputs = params::boolean(v)?,
            "locktime" => request.lock_time = Some(params::uint32(v)?),
            "changeAddress" | "change_address" => {
                request.change_script = Some(address_script(params::string(v)?, network)?)
            }
            "change_type" => {
                let name = params::string(v)?;
                request.change_type = Some(OutputType::parse(name).ok_or_else(|| {
                    RpcError::invalid_address_or_key(format!("Unknown change type '{name}'"))
                })?)
            }
            "subtractFeeFromOutputs" | "subtract_fee_from_outputs"
                if v.as_array().is_some_and(|a| !a.is_empty()) =>
            {
                return Err(no_subtract_fee());
            }
            "inputs" => request.inputs = parse_inputs(v)?,
            // Fee estimates: regtest has none, the fallback rate applies whatever the
            // target. Locks and the rest change nothing sou keeps.
            _ => {}
        }
    }
    Ok(())
}

/// `[{"txid": "hex", "vout": n}, ...]`.
fn parse_inputs(value: &Value) -> Result<Vec<OutPoint>, RpcError> {
    let Some(list) = value.as_array() else {
        return Err(RpcError::type_error("Expected type array"));
    };
    list.iter()
        .map(|item| {
            let txid = params::txid(&item["txid"], "txid")?;
            let vout = item.get("vout").and_then(Value::as_i64).ok_or_else(|| {
                RpcError::invalid_parameter("Invalid parameter, missing vout key")
            })?;
            let vout = u32::try_from(vout).map_err(|_| {
                RpcError::invalid_parameter("Invalid parameter, vout cannot be negative")
            })?;
            Ok(OutPoint::new(txid, vout))
        })
        .collect()
}

/// `send [{"address":amount},...] ( conf_target "estimate_mode" fee_rate options )`.
pub fn send(shared: &Shared, endpoint: Option<&str>, p: &[Value]) -> Result<Value, RpcError> {
    let network = shared.network;
    let (recipients, data) = parse_outputs(&p[0], network)?;
    let mut request = PaymentRequest {
        recipients,
        data,
        fee_rate: fee_rate_sat_vb(get(p, 3).unwrap_or(&Value::Null))?,
        ..PaymentRequest::default()
    };
    let options = get(p, 4).cloned().unwrap_or(Value::Null);
    apply_options(&options, &mut request, network)?;
    let add_to_wallet = options
        .get("add_to_wallet")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let want_psbt = options
        .get("psbt")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let mut node = shared.node();
    with_wallet(&mut node, endpoint, |wallet, node| {
        if !wallet.has_private_keys() || want_psbt {
            // A watch-only wallet (or a caller asking for one) gets a PSBT to sign
            // elsewhere, as Core's `send` answers.
            request.watch_only = !wallet.has_private_keys();
            let (psbt, _) = funded_psbt(wallet, node, &request, true)?;
            return Ok(json!({"psbt": psbt.to_base64(), "complete": false}));
        }
        if !add_to_wallet {
            let options = node.wallets().options.clone();
            let rate = fee_rate(wallet, &options, request.fee_rate).map_err(spend_error)?;
            let tip = tip_info(node);
            let payment = wallet
                .create_transaction(node.wallet_view(), &request, rate, &options, tip)
                .map_err(spend_error)?;
            let tx = wallet.sign_payment(&payment).map_err(spend_error)?;
            return Ok(json!({
                "txid": tx.compute_txid().to_string(),
                "hex": hex::encode(sou_primitives::encoding::serialize(&tx)),
                "complete": true,
            }));
        }
        let (txid, _) = pay(wallet, node, &request)?;
        Ok(json!({"txid": txid.to_string(), "complete": true}))
    })
}

/// A funded, unsigned PSBT of `request` and its payment's fee and change position.
fn funded_psbt(
    wallet: &mut DescriptorWallet,
    node: &mut Node,
    request: &PaymentRequest,
    bip32derivs: bool,
) -> Result<(Psbt, (Amount, Option<usize>)), RpcError> {
    let options = node.wallets().options.clone();
    let rate = fee_rate(wallet, &options, request.fee_rate).map_err(spend_error)?;
    let tip = tip_info(node);
    let payment = wallet
        .create_transaction(node.wallet_view(), request, rate, &options, tip)
        .map_err(spend_error)?;
    let mut psbt = Psbt::from_unsigned_tx(payment.tx.clone());
    wallet
        .fill_psbt(&mut psbt, false, false, bip32derivs)
        .map_err(|e| RpcError::new(codes::RPC_WALLET_ERROR, e))?;
    Ok((psbt, (payment.fee, payment.change_index)))
}

/// `walletcreatefundedpsbt ( [{"txid":"hex","vout":n},...] ) [{"address":amount},...] (
/// locktime options bip32derivs version )`.
pub fn walletcreatefundedpsbt(
    shared: &Shared,
    endpoint: Option<&str>,
    p: &[Value],
) -> Result<Value, RpcError> {
    let network = shared.network;
    let (recipients, data) = parse_outputs(&p[1], network)?;
    let mut request = PaymentRequest {
        recipients,
        data,
        ..PaymentRequest::default()
    };
    if let Some(inputs) = get(p, 0).filter(|v| !v.is_null()) {
        request.inputs = parse_inputs(inputs)?;
    }
    if let Some(locktime) = get(p, 2).filter(|v| !v.is_null()) {
        request.lock_time = Some(params::uint32(locktime)?);
    }
    apply_options(get(p, 3).unwrap_or(&Value::Null), &mut request, network)?;
    let bip32derivs = optional_bool(p, 4)?.unwrap_or(true);
    // Core adds coins when no inputs are given, and only then unless `add_inputs`.
    if request.inputs.is_empty() {
        request.add_inputs = true;
    }
    let mut node = shared.node();
    with_wallet(&mut node, endpoint, |wallet, node| {
        request.watch_only = !wallet.has_private_keys();
        let (psbt, (fee, change)) = funded_psbt(wallet, node, &request, bip32derivs)?;
        Ok(json!({
            "psbt": psbt.to_base64(),
            "fee": format::amount(fee),
            "changepos": change.map_or(-1, |c| i64::try_from(c).unwrap_or(-1)),
        }))
    })
}

/// Core `DecodeBase64PSBT`.
fn parse_psbt(value: &Value) -> Result<Psbt, RpcError> {
    let text = params::string(value)?;
    let bytes = sou_wallet::psbt::base64::decode(text)
        .ok_or_else(|| RpcError::deserialization("TX decode failed invalid base64"))?;
    Psbt::deserialize(&bytes)
        .map_err(|e| RpcError::deserialization(format!("TX decode failed {e}")))
}

/// `walletprocesspsbt "psbt" ( sign "sighashtype" bip32derivs finalize )`.
pub fn walletprocesspsbt(
    shared: &Shared,
    endpoint: Option<&str>,
    p: &[Value],
) -> Result<Value, RpcError> {
    let mut psbt = parse_psbt(&p[0])?;
    let sign = optional_bool(p, 1)?.unwrap_or(true);
    if let Some(kind) = get(p, 2).filter(|v| !v.is_null()) {
        let name = params::string(kind)?;
        if name != "DEFAULT" && name != "ALL" {
            return Err(RpcError::invalid_parameter(format!(
                "'{name}' is not a valid sighash parameter."
            )));
        }
    }
    let bip32derivs = optional_bool(p, 3)?.unwrap_or(true);
    let finalize = optional_bool(p, 4)?.unwrap_or(true);
    let mut node = shared.node();
    with_wallet(&mut node, endpoint, |wallet, _| {
        let complete = wallet
            .fill_psbt(
                &mut psbt,
                sign && wallet.has_private_keys(),
                finalize,
                bip32derivs,
            )
            .map_err(|e| RpcError::new(codes::RPC_WALLET_ERROR, e))?;
        let mut result = Map::new();
        result.insert("psbt".into(), json!(psbt.to_base64()));
        result.insert("complete".into(), json!(complete));
        if complete && finalize {
            if let Ok(tx) = psbt.extract_tx() {
                result.insert(
                    "hex".into(),
                    json!(hex::encode(sou_primitives::encoding::serialize(&tx))),
                );
            }
        }
        Ok(Value::Object(result))
    })
}

/// The options of `bumpfee` and `psbtbumpfee`: the new fee rate.
fn bump_rate(options: Option<&Value>) -> Result<Option<FeeRate>, RpcError> {
    let Some(options) = options.filter(|v| !v.is_null()) else {
        return Ok(None);
    };
    if options.get("outputs").is_some_and(|v| !v.is_null()) {
        return Err(RpcError::invalid_parameter(
            "Replacing the outputs is not implemented by sou: bumpfee keeps them",
        ));
    }
    fee_rate_sat_vb(options.get("fee_rate").unwrap_or(&Value::Null))
}

fn bump(
    shared: &Shared,
    endpoint: Option<&str>,
    p: &[Value],
    as_psbt: bool,
) -> Result<Value, RpcError> {
    let txid = params::txid(&p[0], "txid")?;
    let rate = bump_rate(get(p, 1))?;
    let mut node = shared.node();
    with_wallet(&mut node, endpoint, |wallet, node| {
        if !as_psbt && !wallet.has_private_keys() {
            return Err(RpcError::new(
                codes::RPC_WALLET_ERROR,
                "bumpfee is not available with wallets that have private keys disabled. Use psbtbumpfee instead.",
            ));
        }
        let (payment, old_fee) = wallet
            .bump_fee(node.wallet_view(), txid, rate)
            .map_err(spend_error)?;
        let fee = payment.fee;
        if as_psbt {
            let mut psbt = Psbt::from_unsigned_tx(payment.tx.clone());
            wallet
                .fill_psbt(&mut psbt, false, false, true)
                .map_err(|e| RpcError::new(codes::RPC_WALLET_ERROR, e))?;
            return Ok(json!({
                "psbt": psbt.to_base64(),
                "origfee": format::amount(old_fee),
                "fee": format::amount(fee),
                "errors": [],
            }));
        }
        let tx = wallet.sign_payment(&payment).map_err(spend_error)?;
        let new_txid = commit(wallet, node, tx)?;
        wallet.mark_replaced(txid, new_txid);
        Ok(json!({
            "txid": new_txid.to_string(),
            "origfee": format::amount(old_fee),
            "fee": format::amount(fee),
            "errors": [],
        }))
    })
}

/// `bumpfee "txid" ( options )`.
pub fn bumpfee(shared: &Shared, endpoint: Option<&str>, p: &[Value]) -> Result<Value, RpcError> {
    bump(shared, endpoint, p, false)
}

/// `psbtbumpfee "txid" ( options )`.
pub fn psbtbumpfee(
    shared: &Shared,
    endpoint: Option<&str>,
    p: &[Value],
) -> Result<Value, RpcError> {
    bump(shared, endpoint, p, true)
}

/// The `prevtxs` of `signrawtransactionwithwallet`: outputs the wallet may not know.
fn parse_prevtxs(
    value: Option<&Value>,
) -> Result<Vec<(OutPoint, sou_primitives::TxOut)>, RpcError> {
    let Some(list) = value.filter(|v| !v.is_null()) else {
        return Ok(Vec::new());
    };
    let Some(list) = list.as_array() else {
        return Err(RpcError::type_error("Expected type array"));
    };
    list.iter()
        .map(|item| {
            let txid = params::txid(&item["txid"], "txid")?;
            let vout = item["vout"]
                .as_u64()
                .and_then(|v| u32::try_from(v).ok())
                .ok_or_else(|| RpcError::deserialization("vout cannot be negative"))?;
            let script = params::hex_bytes(&item["scriptPubKey"], "scriptPubKey")?;
            let amount = match item.get("amount") {
                Some(v) => crate::rpc::rawtransaction::amount_from_value(v)?,
                None => Amount::ZERO,
            };
            Ok((
                OutPoint::new(txid, vout),
                sou_primitives::TxOut {
                    value: amount,
                    script_pubkey: Script::from_bytes(script),
                },
            ))
        })
        .collect()
}

/// `signrawtransactionwithwallet "hexstring" ( [{"txid":"hex","vout":n,"scriptPubKey":"hex",
/// "amount":amount},...] "sighashtype" )`: signs the inputs the wallet has keys for,
/// through a PSBT (Core's `SignTransaction`); inputs already signed stay as they are.
pub fn signrawtransactionwithwallet(
    shared: &Shared,
    endpoint: Option<&str>,
    p: &[Value],
) -> Result<Value, RpcError> {
    let bytes = params::hex_bytes(&p[0], "hexstring")?;
    let tx = crate::rpc::rawtransaction::decode_tx(&bytes, true, true).ok_or_else(|| {
        RpcError::deserialization("TX decode failed. Make sure the tx has at least one input.")
    })?;
    let prevtxs = parse_prevtxs(get(p, 1))?;
    if let Some(kind) = get(p, 2).filter(|v| !v.is_null()) {
        let name = params::string(kind)?;
        if name != "DEFAULT" && name != "ALL" {
            return Err(RpcError::invalid_parameter(format!(
                "'{name}' is not a valid sighash parameter."
            )));
        }
    }
    let mut node = shared.node();
    with_wallet(&mut node, endpoint, |wallet, node| {
        let mut psbt = Psbt::from_unsigned_tx(tx.clone());
        for (input, txin) in psbt.inputs.iter_mut().zip(&tx.input) {
            if !txin.script_sig.is_empty() {
                input.final_script_sig = Some(txin.script_sig.clone());
            }
            if !txin.witness.is_empty() {
                input.final_script_witness = Some(txin.witness.clone());
            }
            if let Some((_, out)) = prevtxs.iter().find(|(o, _)| *o == txin.previous_output) {
                input.witness_utxo = Some(out.clone());
            }
        }
        wallet
            .fill_psbt(&mut psbt, wallet.has_private_keys(), true, false)
            .map_err(|e| RpcError::new(codes::RPC_WALLET_ERROR, e))?;
        let mut signed = tx.clone();
        let mut errors = Vec::new();
        for (index, (txin, input)) in signed.input.iter_mut().zip(&psbt.inputs).enumerate() {
            if input.is_final() {
                txin.script_sig = input.final_script_sig.clone().unwrap_or_default();
                txin.witness = input.final_script_witness.clone().unwrap_or_default();
                continue;
            }
            let known = psbt.spent_output(index).is_some()
                || wallet.output(&txin.previous_output).is_some()
                || node.mempool().output(&txin.previous_output).is_some();
            let message = if known {
                "Unable to sign input, invalid stack size (possibly missing key)"
            } else {
                "Input not found or already spent"
            };
            errors.push(json!({
                "txid": txin.previous_output.txid.to_string(),
                "vout": txin.previous_output.vout,
                "witness": txin.witness.iter().map(hex::encode).collect::<Vec<_>>(),
                "scriptSig": hex::encode(txin.script_sig.as_bytes()),
                "sequence": txin.sequence,
                "error": message,
            }));
        }
        let mut result = json!({
            "hex": hex::encode(sou_primitives::encoding::serialize(&signed)),
            "complete": errors.is_empty(),
        });
        if !errors.is_empty() {
            result["errors"] = Value::Array(errors);
        }
        Ok(result)
    })
}
