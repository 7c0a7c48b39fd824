//! The wallet's RPC methods, split as Core's `src/wallet/rpc/` files: `wallet.rs`
//! (creating, loading, describing wallets), `addresses.rs`, `coins.rs` (balances,
//! coins), `transactions.rs` (history, rescans), `spend.rs` (paying, fee bumps,
//! PSBTs), `backup.rs` (descriptors in and out).
//!
//! Every method runs on one wallet, chosen as Core's `GetWalletForJSONRPCRequest` does:
//! the one named by the URL (`/wallet/NAME`), else the only one loaded; several loaded
//! and none named, or none loaded, is an error with Core's code and message.
//!
//! References: Core `src/wallet/rpc/util.cpp`, `src/wallet/rpc/*.cpp`.

pub(crate) mod addresses;
pub(crate) mod backup;
pub(crate) mod coins;
pub(crate) mod spend;
pub(crate) mod transactions;
#[allow(clippy::module_inception)]
pub(crate) mod wallet;

use serde_json::Value;
use sou_keys::Address;
use sou_primitives::{Amount, FeeRate, Network, Script};

use crate::node::Node;
use crate::rpc::{codes, RpcError};
use crate::wallet::descriptor_wallet::DescriptorWallet;
use crate::wallet::spend::SpendError;
use crate::wallet::WalletError;

/// `RPC_WALLET_NOT_SPECIFIED`.
pub const RPC_WALLET_NOT_SPECIFIED: i32 = -19;

/// The wallet name of a `/wallet/NAME` endpoint, percent-decoded as Core's `urlDecode`
/// (`bitcoin-cli -rpcwallet` encodes it).
pub(crate) fn endpoint_name(endpoint: &str) -> String {
    let bytes = endpoint.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (other, _) => {
                out.push(other);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Which wallet the call is for (Core `GetWalletForJSONRPCRequest`).
pub(crate) fn wallet_name(node: &Node, endpoint: Option<&str>) -> Result<String, RpcError> {
    let wallets = node.wallets();
    if let Some(name) = endpoint.map(endpoint_name) {
        return match wallets.get(&name) {
            Some(w) => Ok(w.name.clone()),
            None => Err(RpcError::new(
                codes::RPC_WALLET_NOT_FOUND,
                "Requested wallet does not exist or is not loaded",
            )),
        };
    }
    match wallets.wallets.as_slice() {
        [one] => Ok(one.name.clone()),
        [] => Err(RpcError::new(
            codes::RPC_WALLET_NOT_FOUND,
            "No wallet is loaded. Load a wallet using loadwallet or create a new one with createwallet. (Note: A default wallet is no longer automatically created)",
        )),
        _ => Err(RpcError::new(
            RPC_WALLET_NOT_SPECIFIED,
            "Wallet file not specified (must request wallet RPC through /wallet/<filename> uri-path).",
        )),
    }
}

/// Runs `f` on the wallet of the call, brought up to date with the pool.
pub(crate) fn with_wallet<T>(
    node: &mut Node,
    endpoint: Option<&str>,
    f: impl FnOnce(&mut DescriptorWallet, &mut Node) -> Result<T, RpcError>,
) -> Result<T, RpcError> {
    let name = wallet_name(node, endpoint)?;
    node.with_wallet(&name, f).map_err(wallet_error)?
}

/// A wallet failure as Core's RPC error.
pub(crate) fn wallet_error(e: WalletError) -> RpcError {
    RpcError::new(e.rpc_code(), e.to_string())
}

/// A payment failure as Core's RPC error.
pub(crate) fn spend_error(e: SpendError) -> RpcError {
    RpcError::new(e.code, e.message)
}

/// Core's `DecodeDestination` for a wallet parameter: `Invalid address` or the network's
/// mismatch.
pub(crate) fn address_script(text: &str, network: Network) -> Result<Script, RpcError> {
    Address::parse(text, network)
        .map(|a| a.script_pubkey())
        .map_err(|_| RpcError::invalid_address_or_key(format!("Invalid Bitcoin address: {text}")))
}

/// The address of a script, or `None` (`OP_RETURN`, bare scripts).
pub(crate) fn address_of(script: &Script, network: Network) -> Option<String> {
    Address::from_script(script, network)
        .ok()
        .map(|a| a.to_string())
}

/// A `fee_rate` parameter in sat/vB (a number or a string, up to 3 decimals), Core's
/// `AmountFromValue(value, /*decimals=*/3)`.
pub(crate) fn fee_rate_sat_vb(value: &Value) -> Result<Option<FeeRate>, RpcError> {
    if value.is_null() {
        return Ok(None);
    }
    let text = match value {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        _ => return Err(RpcError::type_error("Amount is not a number or string")),
    };
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let ok = !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.len() <= 3
        && fraction.bytes().all(|b| b.is_ascii_digit());
    let invalid = || RpcError::type_error("Invalid amount");
    if !ok || whole.len() > 12 {
        return Err(invalid());
    }
    let whole: u64 = whole.parse().map_err(|_| invalid())?;
    let fraction: u64 = format!("{fraction:0<3}").parse().map_err(|_| invalid())?;
    Ok(Some(FeeRate::from_sat_per_kvb(whole * 1000 + fraction)))
}

/// An amount parameter that must be positive (Core: "Invalid amount for send").
pub(crate) fn send_amount(value: &Value) -> Result<Amount, RpcError> {
    let amount = crate::rpc::rawtransaction::amount_from_value(value)?;
    if amount <= Amount::ZERO {
        return Err(RpcError::type_error("Invalid amount for send"));
    }
    Ok(amount)
}

/// A fee rate in BTC/kvB, as Core prints `paytxfee` and `feerate`.
pub(crate) fn btc_per_kvb(rate: FeeRate) -> Value {
    let sat = i64::try_from(rate.to_sat_per_kvb()).unwrap_or(i64::MAX);
    crate::rpc::format::amount(Amount::from_sat(sat))
}
