//! What `bitcoin-cli` prints: a result (a string raw, other values as JSON indented by 2,
//! nothing for `null`), or an RPC error with its exit status.
//!
//! References: Core `src/bitcoin-cli.cpp` (`ParseResult`, `ParseError`).

use serde_json::Value;

use super::RPC_WALLET_NOT_SPECIFIED;
use crate::config::write_json;

/// Core's `ParseResult`: what `bitcoin-cli` prints for a result (`None` prints nothing).
pub fn format_result(result: &Value) -> Option<String> {
    match result {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(write_json(other, 2)),
    }
}

/// Core's `ParseError`: the text for stderr and the exit status for an RPC error object.
pub fn format_error(error: &Value, program: &str) -> (String, u8) {
    let code = error.get("code").unwrap_or(&Value::Null);
    let Some(code_number) = code.as_i64() else {
        // Core reads the code as an integer and fails with UniValue's type error.
        return (
            format!(
                "error: JSON value of type {} is not of expected type number",
                type_name(code)
            ),
            1,
        );
    };
    let mut text = String::new();
    let Value::Object(_) = error else {
        return (
            format!("error: {}", write_json(error, 0)),
            exit_status(code_number),
        );
    };
    if !code.is_null() {
        text.push_str(&format!("error code: {}\n", value_text(code)));
    }
    if let Some(message) = error.get("message").and_then(Value::as_str) {
        text.push_str("error message:\n");
        text.push_str(message);
    }
    if code_number == RPC_WALLET_NOT_SPECIFIED {
        text.push_str(&format!(
            " Or for the CLI, specify the \"-rpcwallet=<walletname>\" option before the command (run \"{program} -h\" for help or \"{program} listwallets\" to see which wallets are currently loaded)."
        ));
    }
    (text, exit_status(code_number))
}

// The process sees only the low 8 bits of |code|, as with Core's `return abs(code)`.
fn exit_status(code: i64) -> u8 {
    u8::try_from(code.unsigned_abs() % 256).unwrap_or(1)
}

// UniValue::getValStr: a number's or string's text.
fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        other => write_json(other, 0),
    }
}

// UniValue's uvTypeName.
pub(super) fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}
