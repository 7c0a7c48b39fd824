//! Reading parameters as Core's RPC helpers do, with Core's error messages.
//!
//! References: Core `src/rpc/util.cpp` (`ParseHashV`, `ParseHexV`, `ParseVerbosity`),
//! `src/univalue` (`getInt`'s range checks).

use serde_json::Value;
use sou_primitives::{BlockHash, Txid};

use crate::rpc::RpcError;

/// The parameter at `index`, `None` when absent or null (Core: `isNull()`).
pub fn get(params: &[Value], index: usize) -> Option<&Value> {
    params.get(index).filter(|v| !v.is_null())
}

/// A 32-byte hash in display hex (Core `ParseHashV`).
pub fn hash(value: &Value, name: &str) -> Result<[u8; 32], RpcError> {
    let text = value
        .as_str()
        .ok_or_else(|| RpcError::type_error(format!("{name} must be a string")))?;
    if text.len() != 64 {
        return Err(RpcError::invalid_parameter(format!(
            "{name} must be of length 64 (not {}, for '{text}')",
            text.len()
        )));
    }
    let mut bytes: [u8; 32] = hex::decode(text)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| {
            RpcError::invalid_parameter(format!("{name} must be hexadecimal string (not '{text}')"))
        })?;
    // Shown reversed, stored in internal order.
    bytes.reverse();
    Ok(bytes)
}

/// A block hash parameter.
pub fn block_hash(value: &Value, name: &str) -> Result<BlockHash, RpcError> {
    hash(value, name).map(BlockHash::from_byte_array)
}

/// A txid parameter.
pub fn txid(value: &Value, name: &str) -> Result<Txid, RpcError> {
    hash(value, name).map(Txid::from_byte_array)
}

/// Bytes given in hex (Core `ParseHexV`).
pub fn hex_bytes(value: &Value, name: &str) -> Result<Vec<u8>, RpcError> {
    let text = value
        .as_str()
        .ok_or_else(|| RpcError::type_error(format!("{name} must be a string")))?;
    hex::decode(text).map_err(|_| {
        RpcError::invalid_parameter(format!("{name} must be hexadecimal string (not '{text}')"))
    })
}

/// An integer parameter: Core's `getInt<T>` refuses fractions and values out of `T`'s range
/// with "JSON integer out of range", a `std::runtime_error`, hence `RPC_MISC_ERROR`.
pub fn int(value: &Value) -> Result<i64, RpcError> {
    match value {
        Value::Number(n) => n
            .as_i64()
            .ok_or_else(|| RpcError::misc("JSON integer out of range")),
        _ => Err(RpcError::type_error(format!(
            "JSON value of type {} is not of expected type number",
            type_name(value)
        ))),
    }
}

/// An integer parameter that must fit an `i32` (Core `getInt<int>`).
pub fn int32(value: &Value) -> Result<i64, RpcError> {
    let n = int(value)?;
    if i32::try_from(n).is_err() {
        return Err(RpcError::misc("JSON integer out of range"));
    }
    Ok(n)
}

/// An integer parameter that must fit a `u32` (Core `getInt<uint32_t>`).
pub fn uint32(value: &Value) -> Result<u32, RpcError> {
    u32::try_from(int(value)?).map_err(|_| RpcError::misc("JSON integer out of range"))
}

/// A boolean parameter.
pub fn boolean(value: &Value) -> Result<bool, RpcError> {
    value.as_bool().ok_or_else(|| {
        RpcError::type_error(format!(
            "JSON value of type {} is not of expected type bool",
            type_name(value)
        ))
    })
}

/// A string parameter.
pub fn string(value: &Value) -> Result<&str, RpcError> {
    value.as_str().ok_or_else(|| {
        RpcError::type_error(format!(
            "JSON value of type {} is not of expected type string",
            type_name(value)
        ))
    })
}

/// Core's name for a JSON type (`uvTypeName`).
pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Core's `ParseVerbosity`: a number, or (where allowed) a boolean for 0 or 1.
pub fn verbosity(value: Option<&Value>, default: i64, allow_bool: bool) -> Result<i64, RpcError> {
    match value {
        None => Ok(default),
        Some(Value::Bool(b)) if allow_bool => Ok(i64::from(*b)),
        Some(Value::Bool(_)) => Err(RpcError::type_error(
            "Verbosity was boolean but only integer allowed",
        )),
        Some(v) => int32(v),
    }
}
