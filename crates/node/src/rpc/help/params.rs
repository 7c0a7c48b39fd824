//! Parameters as a handler gets them: named ones moved to their positions
//! ([`named_to_positional`]) and every call checked against the method's row before the
//! handler runs ([`check_params`]): the count, then each value's JSON type.
//!
//! Naming the first unknown parameter as Core does takes a copy of libstdc++'s hash table
//! order, at the end of this file.
//!
//! References: Core `src/rpc/server.cpp` (`transformNamedArguments`), `src/rpc/util.cpp`
//! (`RPCMethod::HandleRequest`, `IsValidNumArgs`, `RPCArg::MatchesType`); Core
//! `doc/JSON-RPC-interface.md`, "Parameter passing".

use serde_json::{Map, Value};

use super::Method;
use crate::rpc::{codes, RpcError};

/// Named parameters to positions, as Core's `transformNamedArguments` does it.
///
/// Each parameter, in order, takes the value of the first of its names present; the
/// parameters left out before one that is given become `null`, those after the last one
/// given are left off (a handler may count the parameters it got). A member `args` holding
/// an array gives the first positions, the named values fill in after it
/// (`doc/JSON-RPC-interface.md`). Errors, all `RPC_INVALID_PARAMETER` (-8):
/// `Unknown named parameter NAME` for a name no parameter has, and `Parameter NAME
/// specified twice both as positional and named argument` when `args` reaches the first
/// parameter given by name.
///
/// Core also refuses a name given twice (`Parameter NAME specified multiple times`); a
/// [`Map`] cannot hold a name twice, so that check falls to whoever parses the request.
pub fn named_to_positional(
    method: &Method,
    named: &Map<String, Value>,
) -> Result<Vec<Value>, RpcError> {
    // The members not used yet, in request order.
    let mut left: Vec<(&str, &Value)> = named.iter().map(|(k, v)| (k.as_str(), v)).collect();
    let mut positional: Vec<Value> = Vec::new();
    // Parameters skipped since the last one given, and before the first one given.
    let mut hole = 0;
    let mut initial_hole = 0;
    let mut first_given: Option<&str> = None;
    for param in method.params {
        let found = param
            .names()
            .find_map(|name| left.iter().position(|(key, _)| *key == name));
        match found {
            Some(at) => {
                positional.extend(std::iter::repeat_n(Value::Null, hole));
                hole = 0;
                // Core names the parameter by its whole pattern, aliases included.
                first_given.get_or_insert(param.name);
                let (_, value) = left.remove(at);
                positional.push(value.clone());
            }
            None => {
                hole += 1;
                if positional.is_empty() {
                    initial_hole = hole;
                }
            }
        }
    }
    if let Some(at) = left.iter().position(|(key, _)| *key == "args") {
        let (_, args) = left.remove(at);
        // A non-array `args` is dropped without a word, as in Core.
        if let Value::Array(args) = args {
            if let Some(name) = first_given {
                if args.len() > initial_hole {
                    return Err(RpcError::new(
                        codes::RPC_INVALID_PARAMETER,
                        format!(
                            "Parameter {name} specified twice both as positional and named argument"
                        ),
                    ));
                }
            }
            let mut merged = args.clone();
            if positional.len() > merged.len() {
                merged.extend(positional.drain(args.len()..));
            }
            positional = merged;
        }
    }
    if !left.is_empty() {
        let keys: Vec<&str> = named.keys().map(String::as_str).collect();
        let unknown = unordered_map_first(&keys, |key| left.iter().any(|(k, _)| *k == key));
        return Err(RpcError::new(
            codes::RPC_INVALID_PARAMETER,
            format!("Unknown named parameter {unknown}"),
        ));
    }
    Ok(positional)
}

/// Core's checks before a handler runs (`RPCMethod::HandleRequest`).
///
/// First the count: fewer parameters than [`Method::min_params`] or more than the method
/// has is answered with the method's help text as the message, code `RPC_MISC_ERROR` (-1).
/// Then each parameter's JSON type: a `null` stands for a missing optional parameter, a
/// type that differs from the declared one ([`ParamType::json_type`]) is a mismatch, and
/// all mismatches are reported at once, code `RPC_TYPE_ERROR` (-3), as
///
/// ```text
/// Wrong type passed:
/// {
///     "Position 1 (height)": "JSON value of type string is not of expected type number"
/// }
/// ```
///
/// [`ParamType::json_type`]: super::ParamType::json_type
pub fn check_params(method: &Method, params: &[Value]) -> Result<(), RpcError> {
    if params.len() < method.min_params() || params.len() > method.params.len() {
        return Err(RpcError::misc(method.help));
    }
    let mut mismatches = Map::new();
    for (i, param) in method.params.iter().enumerate() {
        let value = params.get(i).unwrap_or(&Value::Null);
        if !param.required && value.is_null() {
            continue;
        }
        let Some(expected) = param.kind.json_type() else {
            continue;
        };
        let found = json_type_name(value);
        if found != expected {
            mismatches.insert(
                format!("Position {} ({})", i + 1, param.name),
                Value::String(format!(
                    "JSON value of type {found} is not of expected type {expected}"
                )),
            );
        }
    }
    if mismatches.is_empty() {
        return Ok(());
    }
    Err(RpcError::type_error(format!(
        "Wrong type passed:\n{}",
        write_indented(&Value::Object(mismatches))
    )))
}

/// The name Core gives a value's JSON type (`uvTypeName`).
fn json_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// JSON written as UniValue's `write(4)` writes it: one member a line, indented by four
/// spaces, `": "` between key and value. serde_json's pretty printer with that indent
/// writes the same bytes.
fn write_indented(value: &Value) -> String {
    use serde::Serialize;
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    value
        .serialize(&mut serializer)
        .expect("a JSON value serializes into memory");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// Of the request's member names `keys` (in request order), the first that `wanted` accepts
/// in the order Core's error message picks it.
///
/// A historical accident: `transformNamedArguments` keeps the names in a
/// `std::unordered_map`, erases the ones it uses and names `begin()` of what is left. That
/// order is the C++ standard library's. bitcoind on Linux is built against libstdc++,
/// whose hash table keeps one linked list of nodes: a name whose bucket is empty goes to
/// the front, a name whose bucket is taken goes just before that bucket's first node, and
/// a growing table re-inserts every node, in list order, by the same rule. With 13
/// buckets for up to 13 names, distinct buckets give reverse request order: of `foo` then
/// `bar`, Core names `bar`.
fn unordered_map_first<'a>(keys: &[&'a str], wanted: impl Fn(&str) -> bool) -> &'a str {
    let mut list: Vec<(&'a str, u64)> = Vec::new();
    let mut buckets: usize = 1;
    let mut next_resize: usize = 0;
    for &key in keys {
        if list.iter().any(|(k, _)| *k == key) {
            continue;
        }
        // _Prime_rehash_policy::_M_need_rehash, with the maximum load factor of 1.
        let count = list.len();
        if count + 1 > next_resize {
            let min_buckets = (count + 1).max(if next_resize == 0 { 11 } else { 0 });
            if min_buckets >= buckets {
                buckets = next_bucket_count((min_buckets + 1).max(buckets * 2));
                next_resize = buckets;
                for node in std::mem::take(&mut list) {
                    insert_node(&mut list, node, buckets);
                }
            } else {
                next_resize = buckets;
            }
        }
        insert_node(&mut list, (key, libstdcxx_hash(key.as_bytes())), buckets);
    }
    list.iter()
        .map(|(k, _)| *k)
        .find(|k| wanted(k))
        .or_else(|| keys.iter().copied().find(|k| wanted(k)))
        .unwrap_or_default()
}

/// libstdc++'s `_M_insert_bucket_begin`: before the first node of the same bucket, or at
/// the front when the bucket is empty.
fn insert_node<'a>(list: &mut Vec<(&'a str, u64)>, node: (&'a str, u64), buckets: usize) {
    let bucket = |hash: u64| hash % buckets as u64;
    let at = list
        .iter()
        .position(|(_, h)| bucket(*h) == bucket(node.1))
        .unwrap_or(0);
    list.insert(at, node);
}

/// libstdc++'s `_Prime_rehash_policy::_M_next_bkt`: a small table below 14, else the first
/// prime of its list at least `n`. The table grows 13, 29, 59, 127, 257, where that prime is
/// the next prime; past 257 names the list skips primes and this count may differ from it.
fn next_bucket_count(n: usize) -> usize {
    const FAST: [usize; 14] = [2, 2, 2, 3, 5, 5, 7, 7, 11, 11, 11, 11, 13, 13];
    if let Some(&count) = FAST.get(n) {
        return count;
    }
    (n..)
        .find(|&c| (2..c).take_while(|d| d * d <= c).all(|d| c % d != 0))
        .unwrap_or(n)
}

/// `std::hash<std::string>` of libstdc++ on 64-bit targets: `_Hash_bytes` (a MurmurHash2
/// variant) with seed 0xc70f6907.
fn libstdcxx_hash(bytes: &[u8]) -> u64 {
    const MUL: u64 = (0xc6a4_a793 << 32) + 0x5bd1_e995;
    fn shift_mix(v: u64) -> u64 {
        v ^ (v >> 47)
    }
    let mut hash = 0xc70f_6907_u64 ^ (bytes.len() as u64).wrapping_mul(MUL);
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let data = shift_mix(u64::from_le_bytes(word).wrapping_mul(MUL)).wrapping_mul(MUL);
        hash = (hash ^ data).wrapping_mul(MUL);
    }
    let tail = chunks.remainder();
    if !tail.is_empty() {
        let data = tail
            .iter()
            .rev()
            .fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        hash = (hash ^ data).wrapping_mul(MUL);
    }
    shift_mix(shift_mix(hash).wrapping_mul(MUL))
}
