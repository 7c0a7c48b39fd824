//! The wallet's history: `listtransactions`, `gettransaction`, and `rescanblockchain`.
//!
//! A transaction shows as one entry per output that matters (Core's `ListTransactions`):
//! a payment of ours lists each output to someone else as `send` (negative amount, with
//! the fee), a payment to us each output of ours as `receive` (or, from a coinbase,
//! `generate` once mature, `immature` before, `orphan` out of the chain). Our own change
//! is neither.
//!
//! References: Core `src/wallet/rpc/transactions.cpp`, `src/wallet/receive.cpp`
//! (`CachedTxGetAmounts`).

use serde_json::{json, Map, Value};
use sou_primitives::{Amount, Txid};

use super::{address_of, with_wallet};
use crate::rpc::dispatch::Shared;
use crate::rpc::format;
use crate::rpc::params::{self, get};
use crate::rpc::RpcError;
use crate::wallet::descriptor_wallet::{ChainView, DescriptorWallet, WalletTx, COINBASE_MATURITY};

/// Core `WalletTxToJSON`: where the transaction is and when it came.
fn wallet_tx_fields(
    wallet: &DescriptorWallet,
    wtx: &WalletTx,
    view: ChainView<'_>,
    out: &mut Map<String, Value>,
) {
    let depth = view.depth(wtx);
    out.insert("confirmations".into(), json!(depth.max(0)));
    if wtx.tx.is_coinbase() {
        out.insert("generated".into(), json!(true));
    }
    if depth == 0 {
        out.insert("trusted".into(), json!(wallet.is_trusted(wtx, view)));
    }
    if let Some(b) = wtx.block {
        out.insert("blockhash".into(), json!(b.hash.to_string()));
        out.insert("blockheight".into(), json!(b.height));
        out.insert("blockindex".into(), json!(b.index));
        out.insert("blocktime".into(), json!(b.time));
    }
    out.insert("txid".into(), json!(wtx.txid.to_string()));
    out.insert("wtxid".into(), json!(wtx.tx.compute_wtxid().to_string()));
    let mut conflicts: Vec<Txid> = Vec::new();
    for input in &wtx.tx.input {
        for other in wallet.spenders_of(&input.previous_output) {
            if *other != wtx.txid && !conflicts.contains(other) {
                conflicts.push(*other);
            }
        }
    }
    out.insert(
        "walletconflicts".into(),
        Value::Array(conflicts.iter().map(|t| json!(t.to_string())).collect()),
    );
    if let Some(by) = wtx.replaced_by {
        out.insert("replaced_by_txid".into(), json!(by.to_string()));
    }
    if let Some(old) = wtx.replaces {
        out.insert("replaces_txid".into(), json!(old.to_string()));
    }
    let mempool_conflicts: Vec<Value> = if depth < 0 {
        wtx.tx
            .input
            .iter()
            .filter_map(|i| view.mempool.spender(&i.previous_output))
            .filter(|t| **t != wtx.txid)
            .map(|t| json!(t.to_string()))
            .collect()
    } else {
        Vec::new()
    };
    out.insert("mempoolconflicts".into(), Value::Array(mempool_conflicts));
    out.insert("time".into(), json!(wtx.time()));
    out.insert("timereceived".into(), json!(wtx.time_received));
    let replaceable = match depth {
        d if d > 0 => "no",
        0 if wtx.tx.input.iter().any(|i| i.sequence < 0xffff_fffe) => "yes",
        0 => "no",
        _ => "unknown",
    };
    out.insert("bip125-replaceable".into(), json!(replaceable));
}

/// Core `ListTransactions`: the entries of one transaction, sends then receives.
fn entries(
    wallet: &DescriptorWallet,
    wtx: &WalletTx,
    view: ChainView<'_>,
    network: sou_primitives::Network,
    with_tx_fields: bool,
) -> Vec<Value> {
    let (_, debit) = wallet.credit_debit(&wtx.tx);
    let from_me = debit > Amount::ZERO;
    let fee = if from_me {
        wtx.tx
            .total_output_value()
            .and_then(|out| debit.checked_sub(out))
            .unwrap_or(Amount::ZERO)
    } else {
        Amount::ZERO
    };
    let depth = view.depth(wtx);
    let mut list = Vec::new();
    let mut push = |mut entry: Map<String, Value>| {
        if with_tx_fields {
            wallet_tx_fields(wallet, wtx, view, &mut entry);
        }
        list.push(Value::Object(entry));
    };
    let mut sends = Vec::new();
    let mut receives = Vec::new();
    for (vout, output) in wtx.tx.output.iter().enumerate() {
        let mine = wallet.is_mine(&output.script_pubkey);
        if from_me && mine.is_some() && wallet.is_change(&output.script_pubkey) {
            continue;
        }
        if from_me {
            sends.push((vout, output));
        }
        if mine.is_some() {
            receives.push((vout, output));
        }
    }
    for (vout, output) in sends {
        let mut e = Map::new();
        if let Some(a) = address_of(&output.script_pubkey, network) {
            e.insert("address".into(), json!(a));
        }
        e.insert("category".into(), json!("send"));
        e.insert(
            "amount".into(),
            format::amount(Amount::from_sat(-output.value.to_sat())),
        );
        if let Some(label) =
            address_of(&output.script_pubkey, network).and_then(|a| wallet.labels.get(&a))
        {
            e.insert("label".into(), json!(label));
        }
        e.insert("vout".into(), json!(vout));
        e.insert(
            "fee".into(),
            format::amount(Amount::from_sat(-fee.to_sat())),
        );
        e.insert("abandoned".into(), json!(false));
        push(e);
    }
    for (vout, output) in receives {
        let mut e = Map::new();
        let address = address_of(&output.script_pubkey, network);
        if let Some(a) = &address {
            e.insert("address".into(), json!(a));
        }
        let category = if wtx.tx.is_coinbase() {
            if depth < 1 {
                "orphan"
            } else if COINBASE_MATURITY + 1 - depth > 0 {
                "immature"
            } else {
                "generate"
            }
        } else {
            "receive"
        };
        e.insert("category".into(), json!(category));
        e.insert("amount".into(), format::amount(output.value));
        if let Some(label) = address.as_ref().and_then(|a| wallet.labels.get(a)) {
            e.insert("label".into(), json!(label));
        }
        e.insert("vout".into(), json!(vout));
        if let Some(spkm) = wallet
            .is_mine(&output.script_pubkey)
            .and_then(|(p, _)| wallet.spkms.get(p))
        {
            e.insert("parent_descs".into(), json!([spkm.public_text()]));
        }
        push(e);
    }
    list
}

/// `listtransactions ( "label" count skip include_watchonly )`: the most recent `count`
/// entries after skipping `skip`, oldest first.
pub fn listtransactions(
    shared: &Shared,
    endpoint: Option<&str>,
    p: &[Value],
) -> Result<Value, RpcError> {
    let label = match get(p, 0).filter(|v| !v.is_null()) {
        Some(v) => Some(params::string(v)?.to_string()).filter(|l| l != "*"),
        None => None,
    };
    let count = match get(p, 1).filter(|v| !v.is_null()) {
        Some(v) => params::int(v)?,
        None => 10,
    };
    let skip = match get(p, 2).filter(|v| !v.is_null()) {
        Some(v) => params::int(v)?,
        None => 0,
    };
    if count < 0 {
        return Err(RpcError::invalid_parameter("Negative count"));
    }
    if skip < 0 {
        return Err(RpcError::invalid_parameter("Negative from"));
    }
    let network = shared.network;
    let mut node = shared.node();
    with_wallet(&mut node, endpoint, |wallet, node| {
        let view = node.wallet_view();
        let mut txs: Vec<&WalletTx> = wallet.txs.values().collect();
        // Core's `wtxOrdered`: the order the wallet learnt of them.
        txs.sort_by_key(|w| w.order);
        let mut all: Vec<Value> = Vec::new();
        for wtx in txs {
            for entry in entries(wallet, wtx, view, network, true) {
                let matches = match &label {
                    None => true,
                    Some(l) => entry.get("label").and_then(Value::as_str) == Some(l.as_str()),
                };
                if matches {
                    all.push(entry);
                }
            }
        }
        // The last `count` after dropping the last `skip`, in order (Core walks back).
        let skip = usize::try_from(skip).unwrap_or(usize::MAX);
        let count = usize::try_from(count).unwrap_or(usize::MAX);
        let end = all.len().saturating_sub(skip);
        let start = end.saturating_sub(count);
        Ok(Value::Array(all[start..end].to_vec()))
    })
}

/// `gettransaction "txid" ( include_watchonly verbose )`.
pub fn gettransaction(
    shared: &Shared,
    endpoint: Option<&str>,
    p: &[Value],
) -> Result<Value, RpcError> {
    let txid = params::txid(&p[0], "txid")?;
    let verbose = match get(p, 2).filter(|v| !v.is_null()) {
        Some(v) => params::boolean(v)?,
        None => false,
    };
    let network = shared.network;
    let mut node = shared.node();
    with_wallet(&mut node, endpoint, |wallet, node| {
        let view = node.wallet_view();
        let wtx = wallet.txs.get(&txid).ok_or_else(|| {
            RpcError::invalid_address_or_key("Invalid or non-wallet transaction id")
        })?;
        let (credit, debit) = wallet.credit_debit(&wtx.tx);
        let from_me = debit > Amount::ZERO;
        let fee = if from_me {
            wtx.tx
                .total_output_value()
                .and_then(|out| out.checked_sub(debit))
                .unwrap_or(Amount::ZERO)
        } else {
            Amount::ZERO
        };
        let net = credit.to_sat() - debit.to_sat();
        let mut out = Map::new();
        out.insert(
            "amount".into(),
            format::amount(Amount::from_sat(net - fee.to_sat())),
        );
        if from_me {
            out.insert("fee".into(), format::amount(fee));
        }
        wallet_tx_fields(wallet, wtx, view, &mut out);
        out.insert(
            "details".into(),
            Value::Array(entries(wallet, wtx, view, network, false)),
        );
        out.insert(
            "hex".into(),
            json!(hex::encode(sou_primitives::encoding::serialize(
                wtx.tx.as_ref()
            ))),
        );
        if verbose {
            out.insert(
                "decoded".into(),
                format::transaction(
                    &wtx.tx,
                    network,
                    &format::TxOptions {
                        block_hash: None,
                        include_hex: false,
                        spent: None,
                        verbosity: format::TxVerbosity::ShowDetails,
                    },
                )?,
            );
        }
        Ok(Value::Object(out))
    })
}

/// `rescanblockchain ( start_height stop_height )`.
pub fn rescanblockchain(
    shared: &Shared,
    endpoint: Option<&str>,
    p: &[Value],
) -> Result<Value, RpcError> {
    let mut node = shared.node();
    let tip = node.chain().height();
    let start = match get(p, 0).filter(|v| !v.is_null()) {
        Some(v) => params::int(v)?,
        None => 0,
    };
    let stop = get(p, 1)
        .filter(|v| !v.is_null())
        .map(params::int)
        .transpose()?;
    if start < 0 || i64::from(tip) < start {
        return Err(RpcError::invalid_parameter("Invalid start_height"));
    }
    if let Some(stop) = stop {
        if stop < 0 || i64::from(tip) < stop {
            return Err(RpcError::invalid_parameter("Invalid stop_height"));
        }
        if stop < start {
            return Err(RpcError::invalid_parameter(
                "stop_height must be greater than start_height",
            ));
        }
    }
    let name = super::wallet_name(&node, endpoint)?;
    let start = u32::try_from(start).unwrap_or(0);
    let stop = stop.and_then(|s| u32::try_from(s).ok());
    let (start, stop) = node
        .rescan_wallet(&name, start, stop)
        .map_err(super::wallet_error)?;
    Ok(json!({"start_height": start, "stop_height": stop}))
}
