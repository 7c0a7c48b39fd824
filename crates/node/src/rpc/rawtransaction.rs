//! The raw-transaction RPCs: finding, decoding and creating transactions and scripts.
//!
//! References: Core `src/rpc/rawtransaction.cpp`, `src/rpc/rawtransaction_util.cpp`
//! (`ConstructTransaction`, `AddInputs`, `ParseOutputs`), `src/core_read.cpp`
//! (`DecodeHexTx`), `src/rpc/util.cpp` (`AmountFromValue`).

use serde_json::{Map, Value};
use sou_keys::Address;
use sou_primitives::encoding::{deserialize, serialize};
use sou_primitives::script::Builder;
use sou_primitives::{Amount, OutPoint, Script, Transaction, TxIn, TxOut, Witness};

use crate::rpc::dispatch::Shared;
use crate::rpc::format::{self, TxOptions, TxVerbosity};
use crate::rpc::params::{self, get};
use crate::rpc::{codes, RpcError};

fn internal(e: impl std::fmt::Display) -> RpcError {
    RpcError::new(codes::RPC_DATABASE_ERROR, e.to_string())
}

pub fn getrawtransaction(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let txid = params::txid(&p[0], "parameter 1")?;
    let mut node = shared.node();
    let genesis_coinbase = node.params().genesis_block().txdata[0].compute_txid();
    if txid == genesis_coinbase {
        return Err(RpcError::invalid_address_or_key(
            "The genesis block coinbase is not considered an ordinary transaction and cannot be retrieved",
        ));
    }
    let verbosity = params::verbosity(get(p, 1), 0, true)?;
    let given_block = match get(p, 2) {
        None => None,
        Some(v) => {
            let hash = params::block_hash(v, "parameter 3")?;
            let entry = node
                .chain()
                .entry(&hash)
                .ok_or_else(|| RpcError::invalid_address_or_key("Block hash not found"))?;
            if !entry.has_data {
                return Err(RpcError::misc("Block not available"));
            }
            Some(hash)
        }
    };
    // Without a block, the pool is looked in first (Core's `GetTransaction`).
    if given_block.is_none() {
        if let Some(entry) = node.mempool().get(&txid) {
            let tx = std::sync::Arc::clone(&entry.tx);
            if verbosity <= 0 {
                return Ok(hex::encode(serialize(tx.as_ref())).into());
            }
            let options = TxOptions {
                block_hash: None,
                include_hex: true,
                spent: None,
                verbosity: TxVerbosity::ShowDetails,
            };
            return format::transaction(&tx, shared.network, &options);
        }
    }
    let block_hash = match given_block {
        Some(hash) => Some(hash),
        None if node.txindex() => node
            .chain()
            .store()
            .indexed_transaction(&txid)
            .map_err(internal)?,
        None => None,
    };
    let block = match block_hash {
        Some(hash) => node.chain_mut().block(&hash).map_err(internal)?,
        None => None,
    };
    let found = block.as_ref().and_then(|b| {
        b.txdata
            .iter()
            .position(|tx| tx.compute_txid() == txid)
            .map(|i| (i, &b.txdata[i]))
    });
    let (Some(block_hash), Some((index, tx))) = (block_hash, found) else {
        let message = if given_block.is_some() {
            "No such transaction found in the provided block"
        } else if !node.txindex() {
            "No such mempool transaction. Use -txindex or provide a block hash to enable blockchain transaction queries"
        } else {
            "No such mempool or blockchain transaction"
        };
        return Err(RpcError::invalid_address_or_key(format!(
            "{message}. Use gettransaction for wallet transactions."
        )));
    };
    if verbosity <= 0 {
        return Ok(hex::encode(serialize(tx)).into());
    }
    let mut result = Map::new();
    if given_block.is_some() {
        result.insert(
            "in_active_chain".into(),
            node.chain().is_active(&block_hash).into(),
        );
    }
    // Verbosity 2: the coins the inputs spent, from the block's undo data.
    let undo = if verbosity >= 2 && index > 0 {
        node.chain_mut().undo(&block_hash).map_err(internal)?
    } else {
        None
    };
    let spent = undo.as_ref().and_then(|u| u.spent.get(index - 1));
    let options = TxOptions {
        block_hash: None,
        include_hex: true,
        spent: spent.map(Vec::as_slice),
        verbosity: if spent.is_some() {
            TxVerbosity::ShowDetailsAndPrevout
        } else {
            TxVerbosity::ShowDetails
        },
    };
    let Value::Object(fields) = format::transaction(tx, shared.network, &options)? else {
        return Err(RpcError::misc("transaction is not an object"));
    };
    result.extend(fields);
    result.insert("blockhash".into(), block_hash.to_string().into());
    if let Some(entry) = node.chain().entry(&block_hash) {
        if node.chain().is_active(&block_hash) {
            let confirmations = i64::from(node.chain().height()) - i64::from(entry.height) + 1;
            result.insert("confirmations".into(), confirmations.into());
            result.insert("time".into(), entry.header.time.into());
            result.insert("blocktime".into(), entry.header.time.into());
        } else {
            result.insert("confirmations".into(), 0.into());
        }
    }
    Ok(Value::Object(result))
}

/// Core's `DecodeHexTx`: the bytes as a transaction, trying with and without the witness
/// encoding as `iswitness` allows, preferring the reading that uses every byte.
pub(crate) fn decode_tx(
    bytes: &[u8],
    try_witness: bool,
    try_no_witness: bool,
) -> Option<Transaction> {
    if try_witness {
        if let Ok(tx) = deserialize::<Transaction>(bytes) {
            return Some(tx);
        }
    }
    if try_no_witness {
        return decode_without_witness(bytes);
    }
    None
}

/// A transaction in the serialisation without witness (Core's `TX_NO_WITNESS`), where an
/// empty input list is read as such and not as the segwit marker.
fn decode_without_witness(bytes: &[u8]) -> Option<Transaction> {
    use sou_primitives::encoding::{Decode, Reader};
    let mut r = Reader::new(bytes);
    let version = r.read_u32_le().ok()?;
    let inputs = r.read_count("inputs", 41).ok()?;
    let mut input = Vec::with_capacity(inputs);
    for _ in 0..inputs {
        input.push(TxIn::decode_from(&mut r).ok()?);
    }
    let outputs = r.read_count("outputs", 9).ok()?;
    let mut output = Vec::with_capacity(outputs);
    for _ in 0..outputs {
        output.push(TxOut::decode_from(&mut r).ok()?);
    }
    let lock_time = r.read_u32_le().ok()?;
    r.finish().ok()?;
    Some(Transaction {
        version,
        input,
        output,
        lock_time,
    })
}

pub fn decoderawtransaction(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let text = params::string(&p[0])?;
    let (try_witness, try_no_witness) = match get(p, 1) {
        None => (true, true),
        Some(v) => {
            let witness = params::boolean(v)?;
            (witness, !witness)
        }
    };
    let tx = hex::decode(text)
        .ok()
        .and_then(|bytes| decode_tx(&bytes, try_witness, try_no_witness))
        .ok_or_else(|| RpcError::deserialization("TX decode failed"))?;
    format::transaction(&tx, shared.network, &TxOptions::default())
}

pub fn decodescript(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let bytes = params::hex_bytes(&p[0], "argument")?;
    Ok(format::decode_script(
        &Script::from_bytes(bytes),
        shared.network,
    ))
}

/// Core's `AmountFromValue`: a number or a string of at most 8 decimals, within
/// `MAX_MONEY`.
pub fn amount_from_value(value: &Value) -> Result<Amount, RpcError> {
    let text = match value {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        _ => return Err(RpcError::type_error("Amount is not a number or string")),
    };
    let sats = parse_fixed_8(&text).ok_or_else(|| RpcError::type_error("Invalid amount"))?;
    let amount = Amount::from_sat(sats);
    if sats < 0 || !amount.is_valid_money() {
        return Err(RpcError::type_error("Amount out of range"));
    }
    Ok(amount)
}

/// A decimal number with at most 8 decimals, in satoshis (Core `ParseFixedPoint(.., 8)`).
fn parse_fixed_8(text: &str) -> Option<i64> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mantissa, exponent) = match digits.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i32>().ok()?),
        None => (digits, 0),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    if !int_part
        .bytes()
        .chain(frac_part.bytes())
        .all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let mut all: String = format!("{int_part}{frac_part}");
    let scale = 8 + exponent - i32::try_from(frac_part.len()).ok()?;
    if scale < 0 {
        let cut = usize::try_from(-scale).ok()?;
        if all.len() < cut || all[all.len() - cut..].bytes().any(|b| b != b'0') {
            return None;
        }
        all.truncate(all.len() - cut);
    } else {
        all.push_str(&"0".repeat(usize::try_from(scale).ok()?));
    }
    let trimmed = all.trim_start_matches('0');
    if trimmed.len() > 18 {
        return None;
    }
    let value: i64 = if trimmed.is_empty() {
        0
    } else {
        trimmed.parse().ok()?
    };
    Some(if negative { -value } else { value })
}

pub fn createrawtransaction(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let lock_time = match get(p, 2) {
        None => 0,
        Some(v) => {
            let n = params::int(v)?;
            u32::try_from(n).map_err(|_| {
                RpcError::invalid_parameter("Invalid parameter, locktime out of range")
            })?
        }
    };
    let rbf = match get(p, 3) {
        None => None,
        Some(v) => Some(params::boolean(v)?),
    };
    let version = match get(p, 4) {
        None => 2,
        Some(v) => params::int(v)?,
    };
    if !(1..=3).contains(&version) {
        return Err(RpcError::invalid_parameter(
            "Invalid parameter, version out of range(1~3)",
        ));
    }
    let mut tx = Transaction {
        version: u32::try_from(version).unwrap_or(2),
        input: vec![],
        output: vec![],
        lock_time,
    };
    let inputs = match get(p, 0) {
        None => vec![],
        Some(Value::Array(list)) => list.clone(),
        Some(other) => {
            return Err(RpcError::type_error(format!(
                "JSON value of type {} is not of expected type array",
                params::type_name(other)
            )))
        }
    };
    for input in &inputs {
        let Some(object) = input.as_object() else {
            return Err(RpcError::type_error(format!(
                "JSON value of type {} is not of expected type object",
                params::type_name(input)
            )));
        };
        let txid_value = object.get("txid").cloned().unwrap_or(Value::Null);
        if txid_value.is_null() {
            return Err(RpcError::invalid_parameter(
                "txid must be hexadecimal string (not '')",
            ));
        }
        let txid = params::txid(&txid_value, "txid")?;
        let vout = match object.get("vout") {
            Some(v @ Value::Number(_)) => params::int32(v)?,
            _ => {
                return Err(RpcError::invalid_parameter(
                    "Invalid parameter, missing vout key",
                ))
            }
        };
        let vout = u32::try_from(vout).map_err(|_| {
            RpcError::invalid_parameter("Invalid parameter, vout cannot be negative")
        })?;
        let mut sequence = if rbf.unwrap_or(true) {
            0xffff_fffd
        } else if lock_time != 0 {
            0xffff_fffe
        } else {
            0xffff_ffff
        };
        if let Some(v @ Value::Number(_)) = object.get("sequence") {
            let n = params::int(v)?;
            sequence = u32::try_from(n).map_err(|_| {
                RpcError::invalid_parameter("Invalid parameter, sequence number is out of range")
            })?;
        }
        tx.input.push(TxIn {
            previous_output: OutPoint::new(txid, vout),
            script_sig: Script::new(),
            sequence,
            witness: Witness::default(),
        });
    }
    let outputs: Vec<(String, Value)> = match get(p, 1) {
        None => {
            return Err(RpcError::invalid_parameter(
                "Invalid parameter, output argument must be non-null",
            ))
        }
        Some(Value::Object(map)) => map.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        Some(Value::Array(list)) => {
            let mut pairs = Vec::new();
            for item in list {
                let Some(object) = item.as_object() else {
                    return Err(RpcError::invalid_parameter(
                        "Invalid parameter, key-value pair not an object as expected",
                    ));
                };
                if object.len() != 1 {
                    return Err(RpcError::invalid_parameter(
                        "Invalid parameter, key-value pair must contain exactly one key",
                    ));
                }
                pairs.extend(object.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
            pairs
        }
        Some(other) => {
            return Err(RpcError::type_error(format!(
                "JSON value of type {} is not of expected type object",
                params::type_name(other)
            )))
        }
    };
    let mut has_data = false;
    let mut seen: Vec<Script> = Vec::new();
    for (key, value) in outputs {
        if key == "data" {
            if has_data {
                return Err(RpcError::invalid_parameter(
                    "Invalid parameter, duplicate key: data",
                ));
            }
            has_data = true;
            let text = value
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| value.to_string());
            // Core's `IsHex` wants at least one byte.
            let data = hex::decode(&text)
                .ok()
                .filter(|d| !d.is_empty())
                .ok_or_else(|| {
                    RpcError::invalid_parameter(format!(
                        "Data must be hexadecimal string (not '{text}')"
                    ))
                })?;
            let script = Builder::new()
                .push_opcode(sou_primitives::opcodes::OP_RETURN)
                .push_slice(&data)
                .into_script();
            tx.output.push(TxOut {
                value: Amount::ZERO,
                script_pubkey: script,
            });
        } else {
            // Core reads the amount before it judges the address (`ParseOutputs`).
            let amount = amount_from_value(&value)?;
            let address = Address::parse(&key, shared.network).map_err(|_| {
                RpcError::invalid_address_or_key(format!("Invalid Bitcoin address: {key}"))
            })?;
            let script = address.script_pubkey();
            if seen.contains(&script) {
                return Err(RpcError::invalid_parameter(format!(
                    "Invalid parameter, duplicated address: {key}"
                )));
            }
            seen.push(script.clone());
            tx.output.push(TxOut {
                value: amount,
                script_pubkey: script,
            });
        }
    }
    if rbf == Some(true)
        && !tx.input.is_empty()
        && !tx.input.iter().any(|i| i.sequence < 0xffff_fffe)
    {
        return Err(RpcError::invalid_parameter(
            "Invalid parameter combination: Sequence number(s) contradict replaceable option",
        ));
    }
    Ok(hex::encode(serialize(&tx)).into())
}
