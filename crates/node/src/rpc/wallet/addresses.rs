//! Addresses: handing out new ones from the active descriptors, and telling what the
//! wallet knows of one.
//!
//! References: Core `src/wallet/rpc/addresses.cpp`.

use serde_json::{json, Value};
use sou_keys::Address;
use sou_wallet::descriptor::Descriptor;

use super::with_wallet;
use crate::rpc::dispatch::Shared;
use crate::rpc::params::{self, get};
use crate::rpc::{codes, RpcError};
use crate::wallet::OutputType;

fn output_type(p: &[Value], index: usize, default: OutputType) -> Result<OutputType, RpcError> {
    match get(p, index).filter(|v| !v.is_null()) {
        None => Ok(default),
        Some(v) => {
            let name = params::string(v)?;
            OutputType::parse(name).ok_or_else(|| {
                RpcError::invalid_address_or_key(format!("Unknown address type '{name}'"))
            })
        }
    }
}

fn no_keys() -> RpcError {
    RpcError::new(
        codes::RPC_WALLET_ERROR,
        "Error: This wallet has no available keys",
    )
}

/// `getnewaddress ( "label" "address_type" )`.
pub fn getnewaddress(
    shared: &Shared,
    endpoint: Option<&str>,
    p: &[Value],
) -> Result<Value, RpcError> {
    let mut node = shared.node();
    let default = node.wallets().options.address_type;
    let label = match get(p, 0).filter(|v| !v.is_null()) {
        Some(v) => params::string(v)?.to_string(),
        None => String::new(),
    };
    if label == "*" {
        return Err(RpcError::new(codes::RPC_WALLET_ERROR, "Invalid label name"));
    }
    let kind = output_type(p, 1, default)?;
    with_wallet(&mut node, endpoint, |wallet, _| {
        let script = wallet.new_script(kind, false).map_err(|_| no_keys())?;
        let address = wallet.address(&script).ok_or_else(no_keys)?.to_string();
        wallet.set_label(&address, &label);
        Ok(Value::String(address))
    })
}

/// `getrawchangeaddress ( "address_type" )`.
pub fn getrawchangeaddress(
    shared: &Shared,
    endpoint: Option<&str>,
    p: &[Value],
) -> Result<Value, RpcError> {
    let mut node = shared.node();
    let options = &node.wallets().options;
    let default = options.change_type.unwrap_or(options.address_type);
    let kind = output_type(p, 0, default)?;
    with_wallet(&mut node, endpoint, |wallet, _| {
        let script = wallet.new_script(kind, true).map_err(|_| no_keys())?;
        Ok(Value::String(
            wallet.address(&script).ok_or_else(no_keys)?.to_string(),
        ))
    })
}

/// `getaddressinfo "address"`.
pub fn getaddressinfo(
    shared: &Shared,
    endpoint: Option<&str>,
    p: &[Value],
) -> Result<Value, RpcError> {
    let text = params::string(&p[0])?;
    let network = shared.network;
    let address = Address::parse(text, network)
        .map_err(|_| RpcError::invalid_address_or_key("Invalid address"))?;
    let script = address.script_pubkey();
    let mut node = shared.node();
    with_wallet(&mut node, endpoint, |wallet, _| {
        let mine = wallet.is_mine(&script);
        let spkm = mine.and_then(|(position, _)| wallet.spkms.get(position));
        let mut info = json!({
            "address": address.to_string(),
            "scriptPubKey": hex::encode(script.as_bytes()),
            "ismine": mine.is_some(),
            "solvable": spkm.is_some_and(|s| s.descriptor.is_solvable()),
        });
        let inferred = match (spkm, mine) {
            (Some(s), Some((_, index))) => s.descriptor.derive(index).ok(),
            _ => None,
        };
        info["desc"] = Value::String(
            inferred
                .clone()
                .unwrap_or_else(|| Descriptor::infer(&script, network))
                .to_string(),
        );
        if let Some(s) = spkm {
            info["parent_desc"] = Value::String(s.public_text());
        }
        info["iswatchonly"] = json!(false);
        info["isscript"] = json!(script.is_p2sh() || script.is_p2wsh());
        let program = script.witness_program();
        info["iswitness"] = json!(program.is_some());
        if let Some((version, bytes)) = program {
            info["witness_version"] = json!(version);
            info["witness_program"] = Value::String(hex::encode(bytes));
        }
        if let Some(Descriptor::Sh(inner)) = &inferred {
            if let Ok(redeem) = inner.script_pubkey() {
                info["script"] = json!("witness_v0_keyhash");
                info["hex"] = Value::String(hex::encode(redeem.as_bytes()));
            }
        }
        if let (Some(s), Some((_, index))) = (spkm, mine) {
            if let Some(Ok(key)) = s.descriptor.keys().first().map(|k| k.public_key_at(index)) {
                info["pubkey"] = Value::String(hex::encode(&key));
                info["iscompressed"] = json!(key.len() == 33);
            }
            info["ischange"] = json!(wallet.is_change(&script));
            info["timestamp"] = json!(s.timestamp);
            if let Some(origin) = s.descriptor.keys().first().and_then(|k| k.origin()) {
                info["hdmasterfingerprint"] = Value::String(origin.fingerprint.to_string());
                if let Some((_, internal)) = s.active {
                    let mut path = String::from("m");
                    for step in &origin.path {
                        let n = step.to_u32() & 0x7fff_ffff;
                        path.push_str(&format!(
                            "/{n}{}",
                            if step.is_hardened() { "h" } else { "" }
                        ));
                    }
                    path.push_str(&format!("/{}/{index}", u8::from(internal)));
                    info["hdkeypath"] = Value::String(path);
                }
            }
        } else {
            info["ischange"] = json!(false);
        }
        let labels: Vec<Value> = wallet
            .labels
            .get(&address.to_string())
            .map(|l| Value::String(l.clone()))
            .into_iter()
            .collect();
        info["labels"] = Value::Array(
            if mine.is_some() && labels.is_empty() && !wallet.is_change(&script) {
                vec![Value::String(String::new())]
            } else {
                labels
            },
        );
        Ok(info)
    })
}
