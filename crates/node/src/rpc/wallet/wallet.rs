//! Creating, loading, unloading and describing wallets.
//!
//! `createwallet` takes Core's parameters and two of sou's: `mnemonic`, twelve (or 15,
//! 18, 21, 24) BIP39 words in English or French to restore a wallet from, and
//! `mnemonic_language` for the words of a fresh one. The wallet's keys come from the
//! words' BIP32 seed (BIP39 with an empty passphrase); a fresh wallet's words are
//! returned once, in the result's `mnemonic` field, and never stored in clear anywhere
//! else than in the descriptors' `tprv`.
//!
//! References: Core `src/wallet/rpc/wallet.cpp`.

use serde_json::{json, Value};
use sou_keys::bip39::{Language, Mnemonic};

use super::{btc_per_kvb, wallet_error, with_wallet};
use crate::rpc::dispatch::Shared;
use crate::rpc::params::{self, get};
use crate::rpc::{codes, RpcError};
use crate::wallet::Flags;

fn flag(p: &[Value], index: usize) -> Result<bool, RpcError> {
    match get(p, index).filter(|v| !v.is_null()) {
        Some(v) => params::boolean(v),
        None => Ok(false),
    }
}

fn optional_bool(p: &[Value], index: usize) -> Result<Option<bool>, RpcError> {
    get(p, index)
        .filter(|v| !v.is_null())
        .map(params::boolean)
        .transpose()
}

/// `createwallet "wallet_name" ( disable_private_keys blank "passphrase" avoid_reuse
/// descriptors load_on_startup external_signer "mnemonic" "mnemonic_language" )`.
pub fn createwallet(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let name = params::string(&p[0])?.to_string();
    let flags = Flags {
        disable_private_keys: flag(p, 1)?,
        blank: flag(p, 2)?,
        avoid_reuse: flag(p, 4)?,
    };
    if get(p, 3)
        .filter(|v| !v.is_null())
        .is_some_and(|v| v.as_str() != Some(""))
    {
        return Err(RpcError::new(
            codes::RPC_WALLET_ERROR,
            "Wallet encryption is not implemented by sou: create the wallet without a passphrase",
        ));
    }
    if optional_bool(p, 5)? == Some(false) {
        return Err(RpcError::new(
            codes::RPC_WALLET_ERROR,
            "Legacy wallets are no longer supported: only descriptor wallets can be created",
        ));
    }
    let load_on_startup = optional_bool(p, 6)?;
    if flag(p, 7)? {
        return Err(RpcError::new(
            codes::RPC_WALLET_ERROR,
            "Compiled without external signing support (required for external signing)",
        ));
    }
    let given = get(p, 8)
        .filter(|v| !v.is_null())
        .map(params::string)
        .transpose()?;
    let language = match get(p, 9).filter(|v| !v.is_null()) {
        None => Language::English,
        Some(v) => match params::string(v)? {
            "english" | "en" => Language::English,
            "french" | "fr" => Language::French,
            other => {
                return Err(RpcError::invalid_parameter(format!(
                    "Unknown mnemonic language '{other}' (english or french)"
                )))
            }
        },
    };
    if given.is_some() && (flags.disable_private_keys || flags.blank) {
        return Err(RpcError::invalid_parameter(
            "A mnemonic gives private keys: it cannot go with disable_private_keys or blank",
        ));
    }
    // A wallet with keys has a seed: the words given, or fresh ones.
    let mnemonic = if flags.disable_private_keys || flags.blank {
        None
    } else {
        Some(match given {
            Some(words) => Mnemonic::parse(words)
                .map_err(|e| RpcError::invalid_parameter(format!("Invalid mnemonic: {e}")))?,
            None => Mnemonic::generate(12, language)
                .map_err(|e| RpcError::new(codes::RPC_WALLET_ERROR, e.to_string()))?,
        })
    };
    let seed = mnemonic.as_ref().map(|m| m.to_seed(""));
    let mut node = shared.node();
    node.create_wallet(&name, flags, seed.as_ref().map(|s| &s.as_bytes()[..]))
        .map_err(wallet_error)?;
    if let Some(load) = load_on_startup {
        node.wallets()
            .set_load_on_startup(&name, load)
            .map_err(wallet_error)?;
    }
    let mut result = json!({ "name": name });
    // A fresh wallet's words, shown once (sou's addition to Core's result).
    if given.is_none() {
        if let Some(m) = &mnemonic {
            result["mnemonic"] = Value::String(m.phrase().to_string());
        }
    }
    Ok(result)
}

/// `loadwallet "filename" ( load_on_startup )`.
pub fn loadwallet(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let name = params::string(&p[0])?.to_string();
    let load_on_startup = optional_bool(p, 1)?;
    let mut node = shared.node();
    node.load_wallet(&name).map_err(wallet_error)?;
    if let Some(load) = load_on_startup {
        node.wallets()
            .set_load_on_startup(&name, load)
            .map_err(wallet_error)?;
    }
    Ok(json!({ "name": name }))
}

/// `unloadwallet ( "wallet_name" load_on_startup )`.
pub fn unloadwallet(
    shared: &Shared,
    endpoint: Option<&str>,
    p: &[Value],
) -> Result<Value, RpcError> {
    let given = get(p, 0)
        .filter(|v| !v.is_null())
        .map(params::string)
        .transpose()?;
    let endpoint = endpoint.map(super::endpoint_name);
    let name = match (endpoint.as_deref(), given) {
        (Some(a), Some(b)) if a != b => {
            return Err(RpcError::invalid_parameter(
                "RPC endpoint wallet and wallet_name parameter specify different wallets",
            ))
        }
        (Some(a), _) => a.to_string(),
        (None, Some(b)) => b.to_string(),
        (None, None) => super::wallet_name(&shared.node(), None)?,
    };
    let load_on_startup = optional_bool(p, 1)?;
    let mut node = shared.node();
    node.unload_wallet(&name).map_err(wallet_error)?;
    if let Some(load) = load_on_startup {
        node.wallets()
            .set_load_on_startup(&name, load)
            .map_err(wallet_error)?;
    }
    Ok(json!({}))
}

/// `listwallets`.
pub fn listwallets(shared: &Shared, _: &[Value]) -> Result<Value, RpcError> {
    let node = shared.node();
    Ok(Value::Array(
        node.wallets()
            .wallets
            .iter()
            .map(|w| Value::String(w.name.clone()))
            .collect(),
    ))
}

/// `getwalletinfo`.
pub fn getwalletinfo(
    shared: &Shared,
    endpoint: Option<&str>,
    _: &[Value],
) -> Result<Value, RpcError> {
    let mut node = shared.node();
    let pay_tx_fee = node.wallets().options.pay_tx_fee;
    with_wallet(&mut node, endpoint, |wallet, _| {
        let keypool = |internal: bool| -> u64 {
            wallet
                .spkms
                .iter()
                .filter(|s| s.active.is_some_and(|(_, i)| i == internal))
                .map(|s| u64::from(s.range_end.saturating_sub(s.next_index)))
                .sum()
        };
        let mut info = json!({
            "walletname": wallet.name,
            "walletversion": 169900,
            "format": "redb",
            "txcount": wallet.txs.len(),
            "keypoolsize": keypool(false),
        });
        if wallet.has_private_keys() {
            info["keypoolsize_hd_internal"] = json!(keypool(true));
        }
        info["paytxfee"] = btc_per_kvb(wallet.pay_tx_fee.unwrap_or(pay_tx_fee));
        info["private_keys_enabled"] = json!(wallet.has_private_keys());
        info["avoid_reuse"] = json!(wallet.flags.avoid_reuse);
        info["scanning"] = json!(false);
        info["descriptors"] = json!(true);
        info["external_signer"] = json!(false);
        info["blank"] = json!(wallet.flags.blank);
        info["birthtime"] = json!(wallet.birth);
        if let Some((hash, height)) = wallet.best_block {
            info["lastprocessedblock"] = json!({"hash": hash.to_string(), "height": height});
        }
        Ok(info)
    })
}

/// `settxfee amount`: the fee rate of this wallet's payments, in BTC/kvB (0 to go back to
/// the defaults), until it is unloaded.
pub fn settxfee(shared: &Shared, endpoint: Option<&str>, p: &[Value]) -> Result<Value, RpcError> {
    let amount = crate::rpc::rawtransaction::amount_from_value(&p[0])?;
    let sat = u64::try_from(amount.to_sat())
        .map_err(|_| RpcError::invalid_parameter("Amount out of range"))?;
    let mut node = shared.node();
    with_wallet(&mut node, endpoint, |wallet, _| {
        if sat != 0 && sat < sou_primitives::FeeRate::MIN_RELAY.to_sat_per_kvb() {
            return Err(RpcError::invalid_parameter(
                "txfee cannot be less than min relay tx fee (0.00001000 BTC/kvB)",
            ));
        }
        wallet.pay_tx_fee = (sat != 0).then(|| sou_primitives::FeeRate::from_sat_per_kvb(sat));
        Ok(Value::Bool(true))
    })
}
