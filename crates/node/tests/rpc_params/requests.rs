//! Requests against bitcoind's answers: what sou does before a handler runs (named
//! parameters to positions, then the count and type checks) gives the error, the help
//! text or the parameters that bitcoind gave for the same request.
//!
//! The recorded cases are cut by method: [`blockchain`] and [`other_methods`] go through
//! each method's table row in turn; [`ACROSS_METHODS`] below tries named parameters,
//! `args`, aliases, hidden parameters and the types only a handler checks.

mod blockchain;
mod other_methods;

use serde_json::Value;
use sou_node::rpc::help::{check_params, named_to_positional, Method};
use sou_node::rpc::RpcError;
use Core::{Echo, Error, Help, Passed};

use crate::row;

/// What bitcoind answered to one request.
#[derive(Debug)]
enum Core {
    /// The help text, code -1 (a wrong number of parameters); its first line.
    Help(&'static str),
    /// An error before the handler ran: code, message.
    Error(i32, &'static str),
    /// The checks passed and the handler ran (its answer is in a comment).
    Passed,
    /// `echo` ran and returned the positional parameters it got.
    Echo(&'static str),
}

/// One request to one method.
#[derive(Debug)]
struct Case {
    method: &'static str,
    /// The `params` member, as JSON: an array (positional) or an object (named).
    params: &'static str,
    core: Core,
}

/// What sou does with a request before the handler: named to positional, then the checks.
fn before_handler(m: &Method, params: &Value) -> Result<Vec<Value>, RpcError> {
    let positional = match params {
        Value::Object(named) => named_to_positional(m, named)?,
        Value::Array(list) => list.clone(),
        other => panic!("params {other} are neither array nor object"),
    };
    check_params(m, &positional)?;
    Ok(positional)
}

#[test]
fn requests_are_answered_as_core() {
    let mut failures = Vec::new();
    let mut counts = [0usize; 4];
    let all = [blockchain::CASES, other_methods::CASES, ACROSS_METHODS];
    let total: usize = all.iter().map(|cases| cases.len()).sum();
    for case in all.iter().flat_map(|cases| cases.iter()) {
        let m = row(case.method);
        let params: Value = serde_json::from_str(case.params).expect("valid JSON");
        let got = before_handler(m, &params);
        let (ok, slot) = match (&case.core, &got) {
            (Core::Help(signature), Err(e)) => (
                e.code == -1 && e.message == m.help && m.signature() == *signature,
                0,
            ),
            (Core::Error(code, message), Err(e)) => (e == &RpcError::new(*code, *message), 1),
            (Core::Passed, Ok(_)) => (true, 2),
            (Core::Echo(result), Ok(positional)) => {
                let expected: Value = serde_json::from_str(result).expect("valid JSON");
                (Value::Array(positional.clone()) == expected, 3)
            }
            _ => (false, 0),
        };
        if ok {
            counts[slot] += 1;
        } else {
            failures.push(format!(
                "{} {}: core {:?}, sou {:?}",
                case.method, case.params, case.core, got
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        total,
        failures.join("\n")
    );
    // Help texts, errors before the handler, passed to the handler, echoed.
    assert_eq!(counts, [88, 196, 6, 11]);
}

// ---- Recorded from bitcoind v31.99.0 (see the top of main.rs). ----

#[rustfmt::skip]
const ACROSS_METHODS: &[Case] = &[
    Case { method: "getblockheader", params: r#"{"blockhash": "00", "foo": 2, "bar": 3}"#, core: Error(-8, "Unknown named parameter bar") },
    Case { method: "getblockheader", params: r#"{"zeta": 1, "alpha": 2, "mid": 3, "blockhash": "00"}"#, core: Error(-8, "Unknown named parameter mid") },
    Case { method: "getblock", params: r#"{"blockhash": 1, "verbose": true}"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (blockhash)": "JSON value of type number is not of expected type string"
}"#) },
    Case { method: "getblock", params: r#"{"verbose": 2}"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (blockhash)": "JSON value of type null is not of expected type string"
}"#) },
    Case { method: "getblock", params: r#"{"args": ["00", 1], "verbose": 1}"#, core: Error(-8, "Parameter verbosity|verbose specified twice both as positional and named argument") },
    Case { method: "getblock", params: r#"{"args": [1], "verbosity": 1}"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (blockhash)": "JSON value of type number is not of expected type string"
}"#) },
    Case { method: "getrawtransaction", params: r#"{"txid": 5, "verbose": "yes", "blockhash": 7}"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (txid)": "JSON value of type number is not of expected type string",
    "Position 3 (blockhash)": "JSON value of type number is not of expected type string"
}"#) },
    Case { method: "gettxout", params: r#"{"n": "x"}"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (txid)": "JSON value of type null is not of expected type string",
    "Position 2 (n)": "JSON value of type string is not of expected type number"
}"#) },
    Case { method: "gettxout", params: r#"{"include_mempool": 1, "txid": "00"}"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 2 (n)": "JSON value of type null is not of expected type number",
    "Position 3 (include_mempool)": "JSON value of type number is not of expected type bool"
}"#) },
    Case { method: "getblockhash", params: "{}", core: Help("getblockhash height") },
    Case { method: "getblockhash", params: r#"{"args": []}"#, core: Help("getblockhash height") },
    Case { method: "getblockhash", params: r#"{"args": 5, "height": "x"}"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (height)": "JSON value of type string is not of expected type number"
}"#) },
    Case { method: "help", params: r#"{"command": 5}"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (command)": "JSON value of type number is not of expected type string"
}"#) },
    Case { method: "help", params: r#"["getblockcount", 1]"#, core: Help(r#"help ( "command" )"#) },
    Case { method: "stop", params: r#"["x"]"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (wait)": "JSON value of type string is not of expected type number"
}"#) },
    Case { method: "stop", params: "[1, 2]", core: Help("stop") },
    Case { method: "echo", params: r#"{"arg3": "x"}"#, core: Echo(r#"[null, null, null, "x"]"#) },
    Case { method: "echo", params: r#"{"arg0": 1, "arg9": 2}"#, core: Echo("[1, null, null, null, null, null, null, null, null, 2]") },
    Case { method: "echo", params: r#"{"args": ["a", "b"], "arg3": "c"}"#, core: Echo(r#"["a", "b", null, "c"]"#) },
    Case { method: "echo", params: r#"{"args": ["a"], "arg2": "c"}"#, core: Echo(r#"["a", null, "c"]"#) },
    Case { method: "echo", params: r#"{"args": ["a", "b"], "arg1": "c"}"#, core: Error(-8, "Parameter arg1 specified twice both as positional and named argument") },
    Case { method: "echo", params: r#"{"args": [], "arg0": "c"}"#, core: Echo(r#"["c"]"#) },
    Case { method: "echo", params: r#"{"args": ["a", "b", "c"]}"#, core: Echo(r#"["a", "b", "c"]"#) },
    Case { method: "echo", params: r#"{"args": "a", "arg1": "b"}"#, core: Echo(r#"[null, "b"]"#) },
    Case { method: "echo", params: r#"{"arg1": null}"#, core: Echo("[null, null]") },
    Case { method: "echo", params: "{}", core: Echo("[]") },
    Case { method: "echo", params: r#"[null, [1], {"a": 1}, true, 2.5]"#, core: Echo(r#"[null, [1], {"a": 1}, true, 2.5]"#) },
    Case { method: "echojson", params: r#"{"arg2": [1, 2]}"#, core: Echo("[null, null, [1, 2]]") },
    Case { method: "echo", params: "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]", core: Help(r#"echo ( "arg0" "arg1" "arg2" "arg3" "arg4" "arg5" "arg6" "arg7" "arg8" "arg9" )"#) },
    // bitcoind: result 0
    Case { method: "getblockcount", params: "{}", core: Passed },
    Case { method: "getblockcount", params: r#"{"x": 1}"#, core: Error(-8, "Unknown named parameter x") },
    Case { method: "getblockcount", params: "[null]", core: Help("getblockcount") },
    // bitcoind: handler error -3 "JSON value of type string is not of expected type array"
    Case { method: "createrawtransaction", params: r#"[[], "notanarray"]"#, core: Passed },
    Case { method: "createrawtransaction", params: "[{}, {}]", core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (inputs)": "JSON value of type object is not of expected type array"
}"#) },
    // bitcoind: handler error -3 "JSON value of type array is not of expected type string"
    Case { method: "getblockstats", params: "[[1, 2]]", core: Passed },
    Case { method: "gettxoutsetinfo", params: r#"["none", [], "x"]"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 3 (use_index)": "JSON value of type string is not of expected type bool"
}"#) },
    Case { method: "waitfornewblock", params: r#"{"current_tip": 1}"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 2 (current_tip)": "JSON value of type number is not of expected type string"
}"#) },
    Case { method: "logging", params: r#"{"exclude": "net"}"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 2 (exclude)": "JSON value of type string is not of expected type array"
}"#) },
    Case { method: "verifychain", params: r#"[null, "x"]"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 2 (nblocks)": "JSON value of type string is not of expected type number"
}"#) },
    Case { method: "uptime", params: r#"{"x": 1, "y": 2}"#, core: Error(-8, "Unknown named parameter y") },
    Case { method: "uptime", params: r#"{"y": 1, "x": 2}"#, core: Error(-8, "Unknown named parameter x") },
    Case { method: "uptime", params: r#"{"verbose": 1, "foo": 2, "verbosity": 3}"#, core: Error(-8, "Unknown named parameter verbosity") },
    Case { method: "getblock", params: r#"{"verbosity": 1, "verbose": 2, "blockhash": 3}"#, core: Error(-8, "Unknown named parameter verbose") },
    Case { method: "getblockheader", params: r#"{"blockhash": "00", "a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6, "g": 7, "h": 8, "i": 9, "j": 10, "k": 11, "l": 12, "m": 13, "n": 14, "o": 15}"#, core: Error(-8, "Unknown named parameter o") },
    Case { method: "getblockheader", params: r#"{"blockhash": "00", "long_parameter_name_one": 1, "another_long_name": 2, "x": 3}"#, core: Error(-8, "Unknown named parameter x") },
];
