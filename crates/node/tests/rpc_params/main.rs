//! The RPC method table against Bitcoin Core: signature lines, parameters, help layout,
//! named parameters, and the errors given before a handler runs.
//!
//! Every expected value below was recorded from a real bitcoind v31.99.0 (`/Satoshi:31.99.0/`)
//! on regtest, started in a temporary data directory with `-listen=0`:
//!
//! - `CORE_SIGNATURES`: the first line of `bitcoin-cli -regtest help NAME`;
//! - `CORE_ARGUMENTS`: of the same text, the `N. name (type, ...)` head of each top-level
//!   argument, without its description;
//! - `CORE_SECTIONS`: of the same text, the section headings (`Arguments:`, `Result ...:`,
//!   `Examples:`);
//! - `CORE_CATEGORIES`, `CORE_OVERVIEW`: from `bitcoin-cli -regtest help` (no argument),
//!   keeping only the methods sou has; the hidden ones, which `help` does not list, are
//!   those registered as `"hidden"` in Core's src/rpc/*.cpp tables;
//! - `CORE_CASES`: the answer to a JSON-RPC 2.0 request posted with curl,
//!   `{"jsonrpc": "2.0", "id": 1, "method": METHOD, "params": PARAMS}`. A wrong number of
//!   parameters is answered with the method's help text (code -1); the row keeps the first
//!   line of Core's text, as the rest is Core's prose and sou has its own.
//!
//! The help texts' descriptions are sou's own words, so they are not compared.

use serde_json::Value;
use sou_node::rpc::help::{
    check_params, help, method, named_to_positional, overview, Method, ParamType, METHODS,
};
use sou_node::rpc::RpcError;
use Core::{Echo, Error, Help, Passed};

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

/// Parameters Core hides from help (`RPCArgOptions::hidden`), which still take a position:
/// src/rpc/server.cpp, `stop`.
const HIDDEN_PARAMS: &[(&str, &str)] = &[("stop", "wait")];

fn row(name: &str) -> &'static Method {
    method(name).unwrap_or_else(|| panic!("{name} is not in METHODS"))
}

#[test]
fn the_table_has_each_method_once() {
    assert_eq!(METHODS.len(), CORE_SIGNATURES.len());
    for (i, m) in METHODS.iter().enumerate() {
        assert!(
            METHODS[..i].iter().all(|other| other.name != m.name),
            "{} is in METHODS twice",
            m.name
        );
        assert!(
            CORE_SIGNATURES.iter().any(|(name, _)| *name == m.name),
            "{} has no recorded bitcoind help",
            m.name
        );
    }
    assert_eq!(METHODS.len(), 47);
    assert!(method("nosuchmethod").is_none());
}

#[test]
fn signature_lines_are_cores() {
    for (name, core) in CORE_SIGNATURES {
        let m = row(name);
        assert_eq!(m.signature(), *core, "{name}");
        assert!(
            m.help.starts_with(&format!("{core}\n\n")),
            "{name}: signature, blank line"
        );
    }
}

/// The `N. name    (type, ...)` heads of the top-level arguments of a help text.
fn argument_heads(help: &str) -> Vec<String> {
    let mut heads = Vec::new();
    let mut in_arguments = false;
    for line in help.lines() {
        if line == "Arguments:" {
            in_arguments = true;
            continue;
        }
        if line.is_empty() {
            in_arguments = false;
        }
        if !in_arguments {
            continue;
        }
        let Some((number, rest)) = line.split_once(". ") else {
            continue;
        };
        if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let Some((name, annotation)) = rest.split_once(' ') else {
            continue;
        };
        let annotation = annotation.trim_start();
        let end = annotation.find(')').expect("a head's type closes") + 1;
        heads.push(format!("{name} {}", &annotation[..end]));
    }
    heads
}

#[test]
fn argument_heads_are_cores() {
    let mut compared = 0;
    for (name, core) in CORE_ARGUMENTS {
        assert_eq!(argument_heads(row(name).help), *core, "{name}");
        compared += core.len();
    }
    assert_eq!(compared, 79);
}

/// The type help prints for a parameter kind (`RPCArg::ToDescriptionString`).
fn help_type(kind: ParamType) -> &'static [&'static str] {
    match kind {
        ParamType::Str | ParamType::StrHex => &["string"],
        ParamType::Num => &["numeric"],
        ParamType::Bool => &["boolean"],
        ParamType::Obj | ParamType::ObjUserKeys => &["json object"],
        ParamType::Arr => &["json array"],
        ParamType::Amount => &["numeric or string"],
        ParamType::Range => &["numeric or array"],
        // Unchecked: help shows the type Core declares, or its own words for it.
        ParamType::Any => &["numeric", "json array", "string", "string or numeric"],
    }
}

#[test]
fn parameters_are_cores() {
    let mut compared = 0;
    for (name, core) in CORE_ARGUMENTS {
        let m = row(name);
        let (shown, hidden) = m.params.split_at(core.len().min(m.params.len()));
        assert_eq!(shown.len(), core.len(), "{name}: parameter count");
        for param in hidden {
            assert!(
                HIDDEN_PARAMS.contains(&(*name, param.first_name())),
                "{name}: {} is not in help",
                param.name
            );
        }
        for (param, head) in shown.iter().zip(core.iter()) {
            let (head_name, annotation) = head.split_once(' ').expect("name and type");
            assert_eq!(param.first_name(), head_name, "{name}");
            // "(type, required)", "(type, optional)" or "(type, optional, default=...)"
            let inner = &annotation[1..annotation.len() - 1];
            let (type_text, required, default) = match inner.strip_suffix(", required") {
                Some(type_text) => (type_text, true, None),
                None => {
                    let (type_text, rest) = inner.split_once(", optional").expect("optional");
                    (type_text, false, rest.strip_prefix(", default="))
                }
            };
            assert!(
                help_type(param.kind).contains(&type_text),
                "{name} {head_name}: {:?} for {type_text:?}",
                param.kind
            );
            assert_eq!(param.required, required, "{name} {head_name}: required");
            assert_eq!(param.default, default, "{name} {head_name}: default");
            compared += 1;
        }
    }
    assert_eq!(compared, 79);
    let hidden: usize = METHODS.iter().map(|m| m.params.len()).sum::<usize>() - compared;
    assert_eq!(hidden, HIDDEN_PARAMS.len());
}

#[test]
fn aliases_and_unchecked_types_are_cores() {
    // src/rpc/blockchain.cpp and rawtransaction.cpp: {"verbosity|verbose", NUM, ..., skip_type_check}
    for name in ["getblock", "getrawtransaction"] {
        let p = row(name).params[1];
        assert_eq!(
            (p.name, p.kind),
            ("verbosity|verbose", ParamType::Any),
            "{name}"
        );
    }
    let mut unchecked: Vec<String> = METHODS
        .iter()
        .flat_map(|m| m.params.iter().map(move |p| (m.name, p)))
        .filter(|(_, p)| p.kind == ParamType::Any)
        .map(|(name, p)| format!("{name}.{}", p.first_name()))
        .collect();
    // The parameters with RPCArgOptions{.skip_type_check = true} in src/rpc/*.cpp.
    let mut expected: Vec<String> = [
        "getblock.verbosity",
        "getblockstats.hash_or_height",
        "gettxoutsetinfo.hash_or_height",
        "createrawtransaction.outputs",
        "getrawtransaction.verbosity",
    ]
    .map(String::from)
    .into_iter()
    .chain(
        ["echo", "echojson"]
            .iter()
            .flat_map(|m| (0..10).map(move |i| format!("{m}.arg{i}"))),
    )
    .collect();
    unchecked.sort();
    expected.sort();
    assert_eq!(unchecked, expected);
}

#[test]
fn sections_are_cores() {
    for (name, core) in CORE_SECTIONS {
        let ours: Vec<&str> = row(name)
            .help
            .lines()
            .filter(|l| {
                *l == "Arguments:"
                    || *l == "Examples:"
                    || (l.starts_with("Result") && l.ends_with(':'))
            })
            .collect();
        assert_eq!(ours, *core, "{name}");
    }
}

/// Core's rule for a block of `Arguments:` or `Result:` lines (`Sections::ToString`): the
/// words after each key start four columns past the longest key of the block, and a
/// description's further lines start in that same column.
///
/// One quirk: in a result, Core measures the last member of an object or array with the
/// comma that separates members, then removes the comma (`RPCResult::ToSections`, "Remove
/// final comma"), so that member counts one column more than it shows.
fn check_block(name: &str, block: &[&str], is_result: bool) {
    let first = block[0];
    let pad = first.find("    (").expect("the first line has a type") + 4;
    let indent = |line: &str| line.len() - line.trim_start().len();
    let mut longest = 0;
    for (i, line) in block.iter().enumerate() {
        let head = line.get(..pad);
        if head.is_some_and(|h| h.trim().is_empty()) {
            assert!(
                !line[pad..].starts_with(' '),
                "{name}: {line:?} starts past the column"
            );
            continue;
        }
        let left = match line.get(pad..) {
            Some(right) if !right.is_empty() && !right.starts_with(' ') => line[..pad].trim_end(),
            _ => line,
        };
        assert!(!left.ends_with(' '), "{name}: trailing space in {line:?}");
        let closes_next = block[i + 1..]
            .iter()
            .find(|l| l.get(..pad).is_none_or(|h| !h.trim().is_empty()))
            .is_some_and(|next| {
                let t = next.trim_start();
                (t.starts_with('}') || t.starts_with(']')) && indent(next) < indent(left)
            });
        let comma_removed = is_result && closes_next && left.trim_start() != "...";
        longest = longest.max(left.len() + usize::from(comma_removed));
    }
    assert_eq!(pad, longest + 4, "{name}: column of {first:?}");
}

#[test]
fn layout_follows_cores_column_rule() {
    let mut blocks = 0;
    for m in METHODS {
        let lines: Vec<&str> = m.help.lines().collect();
        let mut i = 0;
        while i < lines.len() {
            let heading = lines[i];
            i += 1;
            if heading == "Arguments:" || (heading.starts_with("Result") && heading.ends_with(':'))
            {
                let start = i;
                while i < lines.len() && !lines[i].is_empty() {
                    i += 1;
                }
                check_block(m.name, &lines[start..i], heading != "Arguments:");
                blocks += 1;
            }
        }
    }
    assert_eq!(blocks, 90);
}

#[test]
fn categories_are_cores() {
    for (name, category) in CORE_CATEGORIES {
        assert_eq!(row(name).category, *category, "{name}");
        assert_eq!(row(name).is_hidden(), *category == "hidden", "{name}");
    }
}

#[test]
fn overview_is_cores() {
    assert_eq!(overview(), CORE_OVERVIEW);
    assert_eq!(help(""), CORE_OVERVIEW);
}

#[test]
fn help_answers_as_core() {
    // bitcoind: {"result": "help: unknown command: foo"}, a result and not an error.
    assert_eq!(help("foo"), "help: unknown command: foo");
    // Hidden methods have help, though the overview leaves them out.
    assert_eq!(help("echo"), row("echo").help);
    assert!(!overview().contains("\necho "));
    for m in METHODS {
        assert_eq!(help(m.name), m.help);
    }
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
    for case in CORE_CASES {
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
        CORE_CASES.len(),
        failures.join("\n")
    );
    // Help texts, errors before the handler, passed to the handler, echoed.
    assert_eq!(counts, [78, 187, 4, 11]);
}

// ---- Recorded from bitcoind v31.99.0 (see the top of this file). ----

#[rustfmt::skip]
const CORE_SIGNATURES: &[(&str, &str)] = &[
    ("getbestblockhash", "getbestblockhash"),
    ("getblock", r#"getblock "blockhash" ( verbosity )"#),
    ("getblockchaininfo", "getblockchaininfo"),
    ("getblockcount", "getblockcount"),
    ("getblockhash", "getblockhash height"),
    ("getblockheader", r#"getblockheader "blockhash" ( verbose )"#),
    ("getblockstats", "getblockstats hash_or_height ( stats )"),
    ("getchaintips", "getchaintips"),
    ("getchaintxstats", "getchaintxstats ( nblocks \"blockhash\" )"),
    ("getmempoolinfo", "getmempoolinfo"),
    ("getrawmempool", "getrawmempool ( verbose mempool_sequence )"),
    ("getdeploymentinfo", r#"getdeploymentinfo ( "blockhash" )"#),
    ("getdifficulty", "getdifficulty"),
    ("gettxout", r#"gettxout "txid" n ( include_mempool )"#),
    ("gettxoutsetinfo", r#"gettxoutsetinfo ( "hash_type" hash_or_height use_index )"#),
    ("preciousblock", r#"preciousblock "blockhash""#),
    ("pruneblockchain", "pruneblockchain height"),
    ("verifychain", "verifychain ( checklevel nblocks )"),
    ("waitforblock", r#"waitforblock "blockhash" ( timeout )"#),
    ("waitforblockheight", "waitforblockheight height ( timeout )"),
    ("waitfornewblock", r#"waitfornewblock ( timeout "current_tip" )"#),
    ("getrpcinfo", "getrpcinfo"),
    ("help", r#"help ( "command" )"#),
    ("logging", r#"logging ( ["include_category",...] ["exclude_category",...] )"#),
    ("stop", "stop"),
    ("uptime", "uptime"),
    ("getblocktemplate", r#"getblocktemplate {"mode":"str","capabilities":["str",...],"rules":["segwit","str",...],"longpollid":"str","data":"hex"}"#),
    ("getmininginfo", "getmininginfo"),
    ("submitblock", r#"submitblock "hexdata" ( "dummy" )"#),
    ("submitheader", r#"submitheader "hexdata""#),
    ("getconnectioncount", "getconnectioncount"),
    ("getnetworkinfo", "getnetworkinfo"),
    ("getpeerinfo", "getpeerinfo"),
    ("createrawtransaction", r#"createrawtransaction [{"txid":"hex","vout":n,"sequence":n},...] [{"address":amount,...},{"data":"hex"},...] ( locktime replaceable version )"#),
    ("decoderawtransaction", r#"decoderawtransaction "hexstring" ( iswitness )"#),
    ("decodescript", r#"decodescript "hexstring""#),
    ("getrawtransaction", r#"getrawtransaction "txid" ( verbosity "blockhash" )"#),
    ("echo", r#"echo ( "arg0" "arg1" "arg2" "arg3" "arg4" "arg5" "arg6" "arg7" "arg8" "arg9" )"#),
    ("echojson", r#"echojson ( "arg0" "arg1" "arg2" "arg3" "arg4" "arg5" "arg6" "arg7" "arg8" "arg9" )"#),
    ("generateblock", r#"generateblock "output" ["rawtx/txid",...] ( submit )"#),
    ("generatetoaddress", r#"generatetoaddress nblocks "address" ( maxtries )"#),
    ("generatetodescriptor", r#"generatetodescriptor num_blocks "descriptor" ( maxtries )"#),
    ("invalidateblock", r#"invalidateblock "blockhash""#),
    ("mockscheduler", "mockscheduler delta_time"),
    ("reconsiderblock", r#"reconsiderblock "blockhash""#),
    ("setmocktime", "setmocktime timestamp"),
    ("syncwithvalidationinterfacequeue", "syncwithvalidationinterfacequeue"),
];

#[rustfmt::skip]
const CORE_ARGUMENTS: &[(&str, &[&str])] = &[
    ("getbestblockhash", &[]),
    ("getblock", &["blockhash (string, required)", "verbosity (numeric, optional, default=1)"]),
    ("getblockchaininfo", &[]),
    ("getblockcount", &[]),
    ("getblockhash", &["height (numeric, required)"]),
    ("getblockheader", &["blockhash (string, required)", "verbose (boolean, optional, default=true)"]),
    ("getblockstats", &["hash_or_height (string or numeric, required)", "stats (json array, optional, default=all values)"]),
    ("getchaintips", &[]),
    ("getchaintxstats", &["nblocks (numeric, optional, default=one month)", "blockhash (string, optional, default=chain tip)"]),
    ("getmempoolinfo", &[]),
    ("getrawmempool", &["verbose (boolean, optional, default=false)", "mempool_sequence (boolean, optional, default=false)"]),
    ("getdeploymentinfo", &[r#"blockhash (string, optional, default="hash of current chain tip")"#]),
    ("getdifficulty", &[]),
    ("gettxout", &["txid (string, required)", "n (numeric, required)", "include_mempool (boolean, optional, default=true)"]),
    ("gettxoutsetinfo", &[r#"hash_type (string, optional, default="hash_serialized_3")"#, "hash_or_height (string or numeric, optional, default=the current best block)", "use_index (boolean, optional, default=true)"]),
    ("preciousblock", &["blockhash (string, required)"]),
    ("pruneblockchain", &["height (numeric, required)"]),
    ("verifychain", &["checklevel (numeric, optional, default=3, range=0-4)", "nblocks (numeric, optional, default=6, 0=all)"]),
    ("waitforblock", &["blockhash (string, required)", "timeout (numeric, optional, default=0)"]),
    ("waitforblockheight", &["height (numeric, required)", "timeout (numeric, optional, default=0)"]),
    ("waitfornewblock", &["timeout (numeric, optional, default=0)", "current_tip (string, optional)"]),
    ("getrpcinfo", &[]),
    ("help", &["command (string, optional, default=all commands)"]),
    ("logging", &["include (json array, optional)", "exclude (json array, optional)"]),
    ("stop", &[]),
    ("uptime", &[]),
    ("getblocktemplate", &["template_request (json object, required)"]),
    ("getmininginfo", &[]),
    ("submitblock", &["hexdata (string, required)", "dummy (string, optional, default=ignored)"]),
    ("submitheader", &["hexdata (string, required)"]),
    ("getconnectioncount", &[]),
    ("getnetworkinfo", &[]),
    ("getpeerinfo", &[]),
    ("createrawtransaction", &["inputs (json array, required)", "outputs (json array, required)", "locktime (numeric, optional, default=0)", "replaceable (boolean, optional, default=true)", "version (numeric, optional, default=2)"]),
    ("decoderawtransaction", &["hexstring (string, required)", "iswitness (boolean, optional, default=depends on heuristic tests)"]),
    ("decodescript", &["hexstring (string, required)"]),
    ("getrawtransaction", &["txid (string, required)", "verbosity (numeric, optional, default=0)", "blockhash (string, optional)"]),
    ("echo", &["arg0 (string, optional)", "arg1 (string, optional)", "arg2 (string, optional)", "arg3 (string, optional)", "arg4 (string, optional)", "arg5 (string, optional)", "arg6 (string, optional)", "arg7 (string, optional)", "arg8 (string, optional)", "arg9 (string, optional)"]),
    ("echojson", &["arg0 (string, optional)", "arg1 (string, optional)", "arg2 (string, optional)", "arg3 (string, optional)", "arg4 (string, optional)", "arg5 (string, optional)", "arg6 (string, optional)", "arg7 (string, optional)", "arg8 (string, optional)", "arg9 (string, optional)"]),
    ("generateblock", &["output (string, required)", "transactions (json array, required)", "submit (boolean, optional, default=true)"]),
    ("generatetoaddress", &["nblocks (numeric, required)", "address (string, required)", "maxtries (numeric, optional, default=1000000)"]),
    ("generatetodescriptor", &["num_blocks (numeric, required)", "descriptor (string, required)", "maxtries (numeric, optional, default=1000000)"]),
    ("invalidateblock", &["blockhash (string, required)"]),
    ("mockscheduler", &["delta_time (numeric, required)"]),
    ("reconsiderblock", &["blockhash (string, required)"]),
    ("setmocktime", &["timestamp (numeric, required)"]),
    ("syncwithvalidationinterfacequeue", &[]),
];

#[rustfmt::skip]
const CORE_SECTIONS: &[(&str, &[&str])] = &[
    ("getbestblockhash", &["Result:", "Examples:"]),
    ("getblock", &["Arguments:", "Result (for verbosity = 0):", "Result (for verbosity = 1):", "Result (for verbosity = 2):", "Result (for verbosity = 3):", "Examples:"]),
    ("getblockchaininfo", &["Result:", "Examples:"]),
    ("getblockcount", &["Result:", "Examples:"]),
    ("getblockhash", &["Arguments:", "Result:", "Examples:"]),
    ("getblockheader", &["Arguments:", "Result (for verbose = true):", "Result (for verbose=false):", "Examples:"]),
    ("getblockstats", &["Arguments:", "Result:", "Examples:"]),
    ("getchaintips", &["Result:", "Examples:"]),
    ("getchaintxstats", &["Arguments:", "Result:", "Examples:"]),
    ("getmempoolinfo", &["Result:", "Examples:"]),
    ("getrawmempool", &["Arguments:", "Result (for verbose = false):", "Result (for verbose = true):", "Result (for verbose = false and mempool_sequence = true):", "Examples:"]),
    ("getdeploymentinfo", &["Arguments:", "Result:", "Examples:"]),
    ("getdifficulty", &["Result:", "Examples:"]),
    ("gettxout", &["Arguments:", "Result (If the UTXO was not found):", "Result (Otherwise):", "Examples:"]),
    ("gettxoutsetinfo", &["Arguments:", "Result:", "Examples:"]),
    ("preciousblock", &["Arguments:", "Result:", "Examples:"]),
    ("pruneblockchain", &["Arguments:", "Result:", "Examples:"]),
    ("verifychain", &["Arguments:", "Result:", "Examples:"]),
    ("waitforblock", &["Arguments:", "Result:", "Examples:"]),
    ("waitforblockheight", &["Arguments:", "Result:", "Examples:"]),
    ("waitfornewblock", &["Arguments:", "Result:", "Examples:"]),
    ("getrpcinfo", &["Result:", "Examples:"]),
    ("help", &["Arguments:", "Result:"]),
    ("logging", &["Arguments:", "Result:", "Examples:"]),
    ("stop", &["Result:"]),
    ("uptime", &["Result:", "Examples:"]),
    ("getblocktemplate", &["Arguments:", "Result (If the proposal was accepted with mode=='proposal'):", "Result (If the proposal was not accepted with mode=='proposal'):", "Result (Otherwise):", "Examples:"]),
    ("getmininginfo", &["Result:", "Examples:"]),
    ("submitblock", &["Arguments:", "Result (If the block was accepted):", "Result (Otherwise):", "Examples:"]),
    ("submitheader", &["Arguments:", "Result:", "Examples:"]),
    ("getconnectioncount", &["Result:", "Examples:"]),
    ("getnetworkinfo", &["Result:", "Examples:"]),
    ("getpeerinfo", &["Result:", "Examples:"]),
    ("createrawtransaction", &["Arguments:", "Result:", "Examples:"]),
    ("decoderawtransaction", &["Arguments:", "Result:", "Examples:"]),
    ("decodescript", &["Arguments:", "Result:", "Examples:"]),
    ("getrawtransaction", &["Arguments:", "Result (if verbosity is not set or set to 0):", "Result (if verbosity is set to 1):", "Result (for verbosity = 2):", "Examples:"]),
    ("echo", &["Arguments:"]),
    ("echojson", &["Arguments:"]),
    ("generateblock", &["Arguments:", "Result:", "Examples:"]),
    ("generatetoaddress", &["Arguments:", "Result:", "Examples:"]),
    ("generatetodescriptor", &["Arguments:", "Result:", "Examples:"]),
    ("invalidateblock", &["Arguments:", "Result:", "Examples:"]),
    ("mockscheduler", &["Arguments:", "Result:"]),
    ("reconsiderblock", &["Arguments:", "Result:", "Examples:"]),
    ("setmocktime", &["Arguments:", "Result:"]),
    ("syncwithvalidationinterfacequeue", &["Result:", "Examples:"]),
];

#[rustfmt::skip]
const CORE_CATEGORIES: &[(&str, &str)] = &[
    ("getbestblockhash", "blockchain"),
    ("getblock", "blockchain"),
    ("getblockchaininfo", "blockchain"),
    ("getblockcount", "blockchain"),
    ("getblockhash", "blockchain"),
    ("getblockheader", "blockchain"),
    ("getblockstats", "blockchain"),
    ("getchaintips", "blockchain"),
    ("getchaintxstats", "blockchain"),
    ("getmempoolinfo", "blockchain"),
    ("getrawmempool", "blockchain"),
    ("getdeploymentinfo", "blockchain"),
    ("getdifficulty", "blockchain"),
    ("gettxout", "blockchain"),
    ("gettxoutsetinfo", "blockchain"),
    ("preciousblock", "blockchain"),
    ("pruneblockchain", "blockchain"),
    ("verifychain", "blockchain"),
    ("waitforblock", "blockchain"),
    ("waitforblockheight", "blockchain"),
    ("waitfornewblock", "blockchain"),
    ("getrpcinfo", "control"),
    ("help", "control"),
    ("logging", "control"),
    ("stop", "control"),
    ("uptime", "control"),
    ("getblocktemplate", "mining"),
    ("getmininginfo", "mining"),
    ("submitblock", "mining"),
    ("submitheader", "mining"),
    ("getconnectioncount", "network"),
    ("getnetworkinfo", "network"),
    ("getpeerinfo", "network"),
    ("createrawtransaction", "rawtransactions"),
    ("decoderawtransaction", "rawtransactions"),
    ("decodescript", "rawtransactions"),
    ("getrawtransaction", "rawtransactions"),
    ("echo", "hidden"),
    ("echojson", "hidden"),
    ("generateblock", "hidden"),
    ("generatetoaddress", "hidden"),
    ("generatetodescriptor", "hidden"),
    ("invalidateblock", "hidden"),
    ("mockscheduler", "hidden"),
    ("reconsiderblock", "hidden"),
    ("setmocktime", "hidden"),
    ("syncwithvalidationinterfacequeue", "hidden"),
];

#[rustfmt::skip]
const CORE_OVERVIEW: &str = r#"== Blockchain ==
getbestblockhash
getblock "blockhash" ( verbosity )
getblockchaininfo
getblockcount
getblockhash height
getblockheader "blockhash" ( verbose )
getblockstats hash_or_height ( stats )
getchaintips
getchaintxstats ( nblocks "blockhash" )
getdeploymentinfo ( "blockhash" )
getdifficulty
getmempoolinfo
getrawmempool ( verbose mempool_sequence )
gettxout "txid" n ( include_mempool )
gettxoutsetinfo ( "hash_type" hash_or_height use_index )
preciousblock "blockhash"
pruneblockchain height
verifychain ( checklevel nblocks )
waitforblock "blockhash" ( timeout )
waitforblockheight height ( timeout )
waitfornewblock ( timeout "current_tip" )

== Control ==
getrpcinfo
help ( "command" )
logging ( ["include_category",...] ["exclude_category",...] )
stop
uptime

== Mining ==
getblocktemplate {"mode":"str","capabilities":["str",...],"rules":["segwit","str",...],"longpollid":"str","data":"hex"}
getmininginfo
submitblock "hexdata" ( "dummy" )
submitheader "hexdata"

== Network ==
getconnectioncount
getnetworkinfo
getpeerinfo

== Rawtransactions ==
createrawtransaction [{"txid":"hex","vout":n,"sequence":n},...] [{"address":amount,...},{"data":"hex"},...] ( locktime replaceable version )
decoderawtransaction "hexstring" ( iswitness )
decodescript "hexstring"
getrawtransaction "txid" ( verbosity "blockhash" )"#;

#[rustfmt::skip]
const CORE_CASES: &[Case] = &[
    Case { method: "getbestblockhash", params: "[1]", core: Help("getbestblockhash") },
    Case { method: "getbestblockhash", params: r#"{"nosuchparam": 1}"#, core: Error(-8, "Unknown named parameter nosuchparam") },
    Case { method: "getblock", params: "[1, 1, 1]", core: Help(r#"getblock "blockhash" ( verbosity )"#) },
    Case { method: "getblock", params: "[]", core: Help(r#"getblock "blockhash" ( verbosity )"#) },
    Case { method: "getblock", params: "[1]", core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (blockhash)": "JSON value of type number is not of expected type string"
}"#) },
    Case { method: "getblock", params: "[null]", core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (blockhash)": "JSON value of type null is not of expected type string"
}"#) },
    Case { method: "getblock", params: r#"{"blockhash": "00", "nosuchparam": 1}"#, core: Error(-8, "Unknown named parameter nosuchparam") },
    Case { method: "getblock", params: r#"{"blockhash": 1}"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (blockhash)": "JSON value of type number is not of expected type string"
}"#) },
    Case { method: "getblockchaininfo", params: "[1]", core: Help("getblockchaininfo") },
    Case { method: "getblockchaininfo", params: r#"{"nosuchparam": 1}"#, core: Error(-8, "Unknown named parameter nosuchparam") },
    Case { method: "getblockcount", params: "[1]", core: Help("getblockcount") },
    Case { method: "getblockcount", params: r#"{"nosuchparam": 1}"#, core: Error(-8, "Unknown named parameter nosuchparam") },
    Case { method: "getblockhash", params: "[1, 1]", core: Help("getblockhash height") },
    Case { method: "getblockhash", params: "[]", core: Help("getblockhash height") },
    Case { method: "getblockhash", params: r#"["x"]"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (height)": "JSON value of type string is not of expected type number"
}"#) },
    Case { method: "getblockhash", params: "[null]", core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (height)": "JSON value of type null is not of expected type number"
}"#) },
    Case { method: "getblockhash", params: r#"{"height": 0, "nosuchparam": 1}"#, core: Error(-8, "Unknown named parameter nosuchparam") },
    Case { method: "getblockhash", params: r#"{"height": "x"}"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (height)": "JSON value of type string is not of expected type number"
}"#) },
    Case { method: "getblockheader", params: "[1, 1, 1]", core: Help(r#"getblockheader "blockhash" ( verbose )"#) },
    Case { method: "getblockheader", params: "[]", core: Help(r#"getblockheader "blockhash" ( verbose )"#) },
    Case { method: "getblockheader", params: "[1]", core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (blockhash)": "JSON value of type number is not of expected type string"
}"#) },
    Case { method: "getblockheader", params: r#"["00", "x"]"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 2 (verbose)": "JSON value of type string is not of expected type bool"
}"#) },
    Case { method: "getblockheader", params: "[null]", core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (blockhash)": "JSON value of type null is not of expected type string"
}"#) },
    Case { method: "getblockheader", params: r#"[1, "x"]"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (blockhash)": "JSON value of type number is not of expected type string",
    "Position 2 (verbose)": "JSON value of type string is not of expected type bool"
}"#) },
    Case { method: "getblockheader", params: r#"{"blockhash": "00", "nosuchparam": 1}"#, core: Error(-8, "Unknown named parameter nosuchparam") },
    Case { method: "getblockheader", params: r#"{"blockhash": "00", "verbose": "x"}"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 2 (verbose)": "JSON value of type string is not of expected type bool"
}"#) },
    Case { method: "getblockstats", params: "[1, 1, 1]", core: Help("getblockstats hash_or_height ( stats )") },
    Case { method: "getblockstats", params: "[]", core: Help("getblockstats hash_or_height ( stats )") },
    Case { method: "getblockstats", params: "[0, {}]", core: Error(-3, r#"Wrong type passed:
{
    "Position 2 (stats)": "JSON value of type object is not of expected type array"
}"#) },
    // bitcoind: handler error -3 "JSON value of type null is not of expected type string"
    Case { method: "getblockstats", params: "[null]", core: Passed },
    Case { method: "getblockstats", params: r#"{"hash_or_height": 0, "nosuchparam": 1}"#, core: Error(-8, "Unknown named parameter nosuchparam") },
    Case { method: "getblockstats", params: r#"{"hash_or_height": 0, "stats": {}}"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 2 (stats)": "JSON value of type object is not of expected type array"
}"#) },
    Case { method: "getchaintips", params: "[1]", core: Help("getchaintips") },
    Case { method: "getchaintips", params: r#"{"nosuchparam": 1}"#, core: Error(-8, "Unknown named parameter nosuchparam") },
    Case { method: "getdeploymentinfo", params: "[1, 1]", core: Help(r#"getdeploymentinfo ( "blockhash" )"#) },
    Case { method: "getdeploymentinfo", params: "[1]", core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (blockhash)": "JSON value of type number is not of expected type string"
}"#) },
    Case { method: "getdeploymentinfo", params: r#"{"nosuchparam": 1}"#, core: Error(-8, "Unknown named parameter nosuchparam") },
    Case { method: "getdeploymentinfo", params: r#"{"blockhash": 1}"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (blockhash)": "JSON value of type number is not of expected type string"
}"#) },
    Case { method: "getdifficulty", params: "[1]", core: Help("getdifficulty") },
    Case { method: "getdifficulty", params: r#"{"nosuchparam": 1}"#, core: Error(-8, "Unknown named parameter nosuchparam") },
    Case { method: "gettxout", params: "[1, 1, 1, 1]", core: Help(r#"gettxout "txid" n ( include_mempool )"#) },
    Case { method: "gettxout", params: "[]", core: Help(r#"gettxout "txid" n ( include_mempool )"#) },
    Case { method: "gettxout", params: r#"["00"]"#, core: Help(r#"gettxout "txid" n ( include_mempool )"#) },
    Case { method: "gettxout", params: "[1, 0]", core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (txid)": "JSON value of type number is not of expected type string"
}"#) },
    Case { method: "gettxout", params: r#"["00", "x"]"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 2 (n)": "JSON value of type string is not of expected type number"
}"#) },
    Case { method: "gettxout", params: r#"["00", 0, "x"]"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 3 (include_mempool)": "JSON value of type string is not of expected type bool"
}"#) },
    Case { method: "gettxout", params: "[null, null]", core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (txid)": "JSON value of type null is not of expected type string",
    "Position 2 (n)": "JSON value of type null is not of expected type number"
}"#) },
    Case { method: "gettxout", params: r#"[1, "x", "x"]"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (txid)": "JSON value of type number is not of expected type string",
    "Position 2 (n)": "JSON value of type string is not of expected type number",
    "Position 3 (include_mempool)": "JSON value of type string is not of expected type bool"
}"#) },
    Case { method: "gettxout", params: r#"{"txid": "00", "n": 0, "nosuchparam": 1}"#, core: Error(-8, "Unknown named parameter nosuchparam") },
    Case { method: "gettxout", params: r#"{"txid": "00", "n": 0, "include_mempool": "x"}"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 3 (include_mempool)": "JSON value of type string is not of expected type bool"
}"#) },
    Case { method: "gettxoutsetinfo", params: "[1, 1, 1, 1]", core: Help(r#"gettxoutsetinfo ( "hash_type" hash_or_height use_index )"#) },
    Case { method: "gettxoutsetinfo", params: "[1]", core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (hash_type)": "JSON value of type number is not of expected type string"
}"#) },
    Case { method: "gettxoutsetinfo", params: r#"["00", 0, "x"]"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 3 (use_index)": "JSON value of type string is not of expected type bool"
}"#) },
    Case { method: "gettxoutsetinfo", params: r#"[1, 0, "x"]"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (hash_type)": "JSON value of type number is not of expected type string",
    "Position 3 (use_index)": "JSON value of type string is not of expected type bool"
}"#) },
    Case { method: "gettxoutsetinfo", params: r#"{"nosuchparam": 1}"#, core: Error(-8, "Unknown named parameter nosuchparam") },
    Case { method: "gettxoutsetinfo", params: r#"{"use_index": "x"}"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 3 (use_index)": "JSON value of type string is not of expected type bool"
}"#) },
    Case { method: "preciousblock", params: "[1, 1]", core: Help(r#"preciousblock "blockhash""#) },
    Case { method: "preciousblock", params: "[]", core: Help(r#"preciousblock "blockhash""#) },
    Case { method: "preciousblock", params: "[1]", core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (blockhash)": "JSON value of type number is not of expected type string"
}"#) },
    Case { method: "preciousblock", params: "[null]", core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (blockhash)": "JSON value of type null is not of expected type string"
}"#) },
    Case { method: "preciousblock", params: r#"{"blockhash": "00", "nosuchparam": 1}"#, core: Error(-8, "Unknown named parameter nosuchparam") },
    Case { method: "preciousblock", params: r#"{"blockhash": 1}"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (blockhash)": "JSON value of type number is not of expected type string"
}"#) },
    Case { method: "pruneblockchain", params: "[1, 1]", core: Help("pruneblockchain height") },
    Case { method: "pruneblockchain", params: "[]", core: Help("pruneblockchain height") },
    Case { method: "pruneblockchain", params: r#"["x"]"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (height)": "JSON value of type string is not of expected type number"
}"#) },
    Case { method: "pruneblockchain", params: "[null]", core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (height)": "JSON value of type null is not of expected type number"
}"#) },
    Case { method: "pruneblockchain", params: r#"{"height": 0, "nosuchparam": 1}"#, core: Error(-8, "Unknown named parameter nosuchparam") },
    Case { method: "pruneblockchain", params: r#"{"height": "x"}"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (height)": "JSON value of type string is not of expected type number"
}"#) },
    Case { method: "verifychain", params: "[1, 1, 1]", core: Help("verifychain ( checklevel nblocks )") },
    Case { method: "verifychain", params: r#"["x"]"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (checklevel)": "JSON value of type string is not of expected type number"
}"#) },
    Case { method: "verifychain", params: r#"[0, "x"]"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 2 (nblocks)": "JSON value of type string is not of expected type number"
}"#) },
    Case { method: "verifychain", params: r#"["x", "x"]"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (checklevel)": "JSON value of type string is not of expected type number",
    "Position 2 (nblocks)": "JSON value of type string is not of expected type number"
}"#) },
    Case { method: "verifychain", params: r#"{"nosuchparam": 1}"#, core: Error(-8, "Unknown named parameter nosuchparam") },
    Case { method: "verifychain", params: r#"{"nblocks": "x"}"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 2 (nblocks)": "JSON value of type string is not of expected type number"
}"#) },
    Case { method: "waitforblock", params: "[1, 1, 1]", core: Help(r#"waitforblock "blockhash" ( timeout )"#) },
    Case { method: "waitforblock", params: "[]", core: Help(r#"waitforblock "blockhash" ( timeout )"#) },
    Case { method: "waitforblock", params: "[1]", core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (blockhash)": "JSON value of type number is not of expected type string"
}"#) },
    Case { method: "waitforblock", params: r#"["00", "x"]"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 2 (timeout)": "JSON value of type string is not of expected type number"
}"#) },
    Case { method: "waitforblock", params: "[null]", core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (blockhash)": "JSON value of type null is not of expected type string"
}"#) },
    Case { method: "waitforblock", params: r#"[1, "x"]"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (blockhash)": "JSON value of type number is not of expected type string",
    "Position 2 (timeout)": "JSON value of type string is not of expected type number"
}"#) },
    Case { method: "waitforblock", params: r#"{"blockhash": "00", "nosuchparam": 1}"#, core: Error(-8, "Unknown named parameter nosuchparam") },
    Case { method: "waitforblock", params: r#"{"blockhash": "00", "timeout": "x"}"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 2 (timeout)": "JSON value of type string is not of expected type number"
}"#) },
    Case { method: "waitforblockheight", params: "[1, 1, 1]", core: Help("waitforblockheight height ( timeout )") },
    Case { method: "waitforblockheight", params: "[]", core: Help("waitforblockheight height ( timeout )") },
    Case { method: "waitforblockheight", params: r#"["x"]"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (height)": "JSON value of type string is not of expected type number"
}"#) },
    Case { method: "waitforblockheight", params: r#"[0, "x"]"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 2 (timeout)": "JSON value of type string is not of expected type number"
}"#) },
    Case { method: "waitforblockheight", params: "[null]", core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (height)": "JSON value of type null is not of expected type number"
}"#) },
    Case { method: "waitforblockheight", params: r#"["x", "x"]"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (height)": "JSON value of type string is not of expected type number",
    "Position 2 (timeout)": "JSON value of type string is not of expected type number"
}"#) },
    Case { method: "waitforblockheight", params: r#"{"height": 0, "nosuchparam": 1}"#, core: Error(-8, "Unknown named parameter nosuchparam") },
    Case { method: "waitforblockheight", params: r#"{"height": 0, "timeout": "x"}"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 2 (timeout)": "JSON value of type string is not of expected type number"
}"#) },
    Case { method: "waitfornewblock", params: "[1, 1, 1]", core: Help(r#"waitfornewblock ( timeout "current_tip" )"#) },
    Case { method: "waitfornewblock", params: r#"["x"]"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (timeout)": "JSON value of type string is not of expected type number"
}"#) },
    Case { method: "waitfornewblock", params: "[0, 1]", core: Error(-3, r#"Wrong type passed:
{
    "Position 2 (current_tip)": "JSON value of type number is not of expected type string"
}"#) },
    Case { method: "waitfornewblock", params: r#"["x", 1]"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (timeout)": "JSON value of type string is not of expected type number",
    "Position 2 (current_tip)": "JSON value of type number is not of expected type string"
}"#) },
    Case { method: "waitfornewblock", params: r#"{"nosuchparam": 1}"#, core: Error(-8, "Unknown named parameter nosuchparam") },
    Case { method: "waitfornewblock", params: r#"{"current_tip": 1}"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 2 (current_tip)": "JSON value of type number is not of expected type string"
}"#) },
    Case { method: "getrpcinfo", params: "[1]", core: Help("getrpcinfo") },
    Case { method: "getrpcinfo", params: r#"{"nosuchparam": 1}"#, core: Error(-8, "Unknown named parameter nosuchparam") },
    Case { method: "help", params: "[1, 1]", core: Help(r#"help ( "command" )"#) },
    Case { method: "help", params: "[1]", core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (command)": "JSON value of type number is not of expected type string"
}"#) },
    Case { method: "help", params: r#"{"nosuchparam": 1}"#, core: Error(-8, "Unknown named parameter nosuchparam") },
    Case { method: "help", params: r#"{"command": 1}"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (command)": "JSON value of type number is not of expected type string"
}"#) },
    Case { method: "logging", params: "[1, 1, 1]", core: Help(r#"logging ( ["include_category",...] ["exclude_category",...] )"#) },
    Case { method: "logging", params: "[{}]", core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (include)": "JSON value of type object is not of expected type array"
}"#) },
    Case { method: "logging", params: "[[], {}]", core: Error(-3, r#"Wrong type passed:
{
    "Position 2 (exclude)": "JSON value of type object is not of expected type array"
}"#) },
    Case { method: "logging", params: "[{}, {}]", core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (include)": "JSON value of type object is not of expected type array",
    "Position 2 (exclude)": "JSON value of type object is not of expected type array"
}"#) },
    Case { method: "logging", params: r#"{"nosuchparam": 1}"#, core: Error(-8, "Unknown named parameter nosuchparam") },
    Case { method: "logging", params: r#"{"exclude": {}}"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 2 (exclude)": "JSON value of type object is not of expected type array"
}"#) },
    Case { method: "stop", params: "[1, 1]", core: Help("stop") },
    Case { method: "stop", params: r#"["x"]"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (wait)": "JSON value of type string is not of expected type number"
}"#) },
    Case { method: "stop", params: r#"{"nosuchparam": 1}"#, core: Error(-8, "Unknown named parameter nosuchparam") },
    Case { method: "stop", params: r#"{"wait": "x"}"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (wait)": "JSON value of type string is not of expected type number"
}"#) },
    Case { method: "uptime", params: "[1]", core: Help("uptime") },
    Case { method: "uptime", params: r#"{"nosuchparam": 1}"#, core: Error(-8, "Unknown named parameter nosuchparam") },
    Case { method: "getblocktemplate", params: "[1, 1]", core: Help(r#"getblocktemplate {"mode":"str","capabilities":["str",...],"rules":["segwit","str",...],"longpollid":"str","data":"hex"}"#) },
    Case { method: "getblocktemplate", params: "[]", core: Help(r#"getblocktemplate {"mode":"str","capabilities":["str",...],"rules":["segwit","str",...],"longpollid":"str","data":"hex"}"#) },
    Case { method: "getblocktemplate", params: "[[]]", core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (template_request)": "JSON value of type array is not of expected type object"
}"#) },
    Case { method: "getblocktemplate", params: "[null]", core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (template_request)": "JSON value of type null is not of expected type object"
}"#) },
    Case { method: "getblocktemplate", params: r#"{"template_request": {}, "nosuchparam": 1}"#, core: Error(-8, "Unknown named parameter nosuchparam") },
    Case { method: "getblocktemplate", params: r#"{"template_request": []}"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (template_request)": "JSON value of type array is not of expected type object"
}"#) },
    Case { method: "getmininginfo", params: "[1]", core: Help("getmininginfo") },
    Case { method: "getmininginfo", params: r#"{"nosuchparam": 1}"#, core: Error(-8, "Unknown named parameter nosuchparam") },
    Case { method: "submitblock", params: "[1, 1, 1]", core: Help(r#"submitblock "hexdata" ( "dummy" )"#) },
    Case { method: "submitblock", params: "[]", core: Help(r#"submitblock "hexdata" ( "dummy" )"#) },
    Case { method: "submitblock", params: "[1]", core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (hexdata)": "JSON value of type number is not of expected type string"
}"#) },
    Case { method: "submitblock", params: r#"["00", 1]"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 2 (dummy)": "JSON value of type number is not of expected type string"
}"#) },
    Case { method: "submitblock", params: "[null]", core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (hexdata)": "JSON value of type null is not of expected type string"
}"#) },
    Case { method: "submitblock", params: "[1, 1]", core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (hexdata)": "JSON value of type number is not of expected type string",
    "Position 2 (dummy)": "JSON value of type number is not of expected type string"
}"#) },
    Case { method: "submitblock", params: r#"{"hexdata": "00", "nosuchparam": 1}"#, core: Error(-8, "Unknown named parameter nosuchparam") },
    Case { method: "submitblock", params: r#"{"hexdata": "00", "dummy": 1}"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 2 (dummy)": "JSON value of type number is not of expected type string"
}"#) },
    Case { method: "submitheader", params: "[1, 1]", core: Help(r#"submitheader "hexdata""#) },
    Case { method: "submitheader", params: "[]", core: Help(r#"submitheader "hexdata""#) },
    Case { method: "submitheader", params: "[1]", core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (hexdata)": "JSON value of type number is not of expected type string"
}"#) },
    Case { method: "submitheader", params: "[null]", core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (hexdata)": "JSON value of type null is not of expected type string"
}"#) },
    Case { method: "submitheader", params: r#"{"hexdata": "00", "nosuchparam": 1}"#, core: Error(-8, "Unknown named parameter nosuchparam") },
    Case { method: "submitheader", params: r#"{"hexdata": 1}"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (hexdata)": "JSON value of type number is not of expected type string"
}"#) },
    Case { method: "getconnectioncount", params: "[1]", core: Help("getconnectioncount") },
    Case { method: "getconnectioncount", params: r#"{"nosuchparam": 1}"#, core: Error(-8, "Unknown named parameter nosuchparam") },
    Case { method: "getnetworkinfo", params: "[1]", core: Help("getnetworkinfo") },
    Case { method: "getnetworkinfo", params: r#"{"nosuchparam": 1}"#, core: Error(-8, "Unknown named parameter nosuchparam") },
    Case { method: "getpeerinfo", params: "[1]", core: Help("getpeerinfo") },
    Case { method: "getpeerinfo", params: r#"{"nosuchparam": 1}"#, core: Error(-8, "Unknown named parameter nosuchparam") },
    Case { method: "createrawtransaction", params: "[1, 1, 1, 1, 1, 1]", core: Help(r#"createrawtransaction [{"txid":"hex","vout":n,"sequence":n},...] [{"address":amount,...},{"data":"hex"},...] ( locktime replaceable version )"#) },
    Case { method: "createrawtransaction", params: "[]", core: Help(r#"createrawtransaction [{"txid":"hex","vout":n,"sequence":n},...] [{"address":amount,...},{"data":"hex"},...] ( locktime replaceable version )"#) },
    Case { method: "createrawtransaction", params: "[[]]", core: Help(r#"createrawtransaction [{"txid":"hex","vout":n,"sequence":n},...] [{"address":amount,...},{"data":"hex"},...] ( locktime replaceable version )"#) },
    Case { method: "createrawtransaction", params: "[{}, 0]", core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (inputs)": "JSON value of type object is not of expected type array"
}"#) },
    Case { method: "createrawtransaction", params: r#"[[], 0, "x"]"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 3 (locktime)": "JSON value of type string is not of expected type number"
}"#) },
    Case { method: "createrawtransaction", params: r#"[[], 0, 0, "x"]"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 4 (replaceable)": "JSON value of type string is not of expected type bool"
}"#) },
    Case { method: "createrawtransaction", params: r#"[[], 0, 0, true, "x"]"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 5 (version)": "JSON value of type string is not of expected type number"
}"#) },
    Case { method: "createrawtransaction", params: "[null, null]", core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (inputs)": "JSON value of type null is not of expected type array"
}"#) },
    Case { method: "createrawtransaction", params: r#"[{}, 0, "x", "x", "x"]"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (inputs)": "JSON value of type object is not of expected type array",
    "Position 3 (locktime)": "JSON value of type string is not of expected type number",
    "Position 4 (replaceable)": "JSON value of type string is not of expected type bool",
    "Position 5 (version)": "JSON value of type string is not of expected type number"
}"#) },
    Case { method: "createrawtransaction", params: r#"{"inputs": [], "outputs": 0, "nosuchparam": 1}"#, core: Error(-8, "Unknown named parameter nosuchparam") },
    Case { method: "createrawtransaction", params: r#"{"inputs": [], "outputs": 0, "version": "x"}"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 5 (version)": "JSON value of type string is not of expected type number"
}"#) },
    Case { method: "decoderawtransaction", params: "[1, 1, 1]", core: Help(r#"decoderawtransaction "hexstring" ( iswitness )"#) },
    Case { method: "decoderawtransaction", params: "[]", core: Help(r#"decoderawtransaction "hexstring" ( iswitness )"#) },
    Case { method: "decoderawtransaction", params: "[1]", core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (hexstring)": "JSON value of type number is not of expected type string"
}"#) },
    Case { method: "decoderawtransaction", params: r#"["00", "x"]"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 2 (iswitness)": "JSON value of type string is not of expected type bool"
}"#) },
    Case { method: "decoderawtransaction", params: "[null]", core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (hexstring)": "JSON value of type null is not of expected type string"
}"#) },
    Case { method: "decoderawtransaction", params: r#"[1, "x"]"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (hexstring)": "JSON value of type number is not of expected type string",
    "Position 2 (iswitness)": "JSON value of type string is not of expected type bool"
}"#) },
    Case { method: "decoderawtransaction", params: r#"{"hexstring": "00", "nosuchparam": 1}"#, core: Error(-8, "Unknown named parameter nosuchparam") },
    Case { method: "decoderawtransaction", params: r#"{"hexstring": "00", "iswitness": "x"}"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 2 (iswitness)": "JSON value of type string is not of expected type bool"
}"#) },
    Case { method: "decodescript", params: "[1, 1]", core: Help(r#"decodescript "hexstring""#) },
    Case { method: "decodescript", params: "[]", core: Help(r#"decodescript "hexstring""#) },
    Case { method: "decodescript", params: "[1]", core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (hexstring)": "JSON value of type number is not of expected type string"
}"#) },
    Case { method: "decodescript", params: "[null]", core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (hexstring)": "JSON value of type null is not of expected type string"
}"#) },
    Case { method: "decodescript", params: r#"{"hexstring": "00", "nosuchparam": 1}"#, core: Error(-8, "Unknown named parameter nosuchparam") },
    Case { method: "decodescript", params: r#"{"hexstring": 1}"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (hexstring)": "JSON value of type number is not of expected type string"
}"#) },
    Case { method: "getrawtransaction", params: "[1, 1, 1, 1]", core: Help(r#"getrawtransaction "txid" ( verbosity "blockhash" )"#) },
    Case { method: "getrawtransaction", params: "[]", core: Help(r#"getrawtransaction "txid" ( verbosity "blockhash" )"#) },
    Case { method: "getrawtransaction", params: "[1]", core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (txid)": "JSON value of type number is not of expected type string"
}"#) },
    Case { method: "getrawtransaction", params: r#"["00", 0, 1]"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 3 (blockhash)": "JSON value of type number is not of expected type string"
}"#) },
    Case { method: "getrawtransaction", params: "[null]", core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (txid)": "JSON value of type null is not of expected type string"
}"#) },
    Case { method: "getrawtransaction", params: "[1, 0, 1]", core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (txid)": "JSON value of type number is not of expected type string",
    "Position 3 (blockhash)": "JSON value of type number is not of expected type string"
}"#) },
    Case { method: "getrawtransaction", params: r#"{"txid": "00", "nosuchparam": 1}"#, core: Error(-8, "Unknown named parameter nosuchparam") },
    Case { method: "getrawtransaction", params: r#"{"txid": "00", "blockhash": 1}"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 3 (blockhash)": "JSON value of type number is not of expected type string"
}"#) },
    Case { method: "echo", params: "[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]", core: Help(r#"echo ( "arg0" "arg1" "arg2" "arg3" "arg4" "arg5" "arg6" "arg7" "arg8" "arg9" )"#) },
    Case { method: "echo", params: r#"{"nosuchparam": 1}"#, core: Error(-8, "Unknown named parameter nosuchparam") },
    Case { method: "echojson", params: "[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]", core: Help(r#"echojson ( "arg0" "arg1" "arg2" "arg3" "arg4" "arg5" "arg6" "arg7" "arg8" "arg9" )"#) },
    Case { method: "echojson", params: r#"{"nosuchparam": 1}"#, core: Error(-8, "Unknown named parameter nosuchparam") },
    Case { method: "generateblock", params: "[1, 1, 1, 1]", core: Help(r#"generateblock "output" ["rawtx/txid",...] ( submit )"#) },
    Case { method: "generateblock", params: "[]", core: Help(r#"generateblock "output" ["rawtx/txid",...] ( submit )"#) },
    Case { method: "generateblock", params: r#"["00"]"#, core: Help(r#"generateblock "output" ["rawtx/txid",...] ( submit )"#) },
    Case { method: "generateblock", params: "[1, []]", core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (output)": "JSON value of type number is not of expected type string"
}"#) },
    Case { method: "generateblock", params: r#"["00", {}]"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 2 (transactions)": "JSON value of type object is not of expected type array"
}"#) },
    Case { method: "generateblock", params: r#"["00", [], "x"]"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 3 (submit)": "JSON value of type string is not of expected type bool"
}"#) },
    Case { method: "generateblock", params: "[null, null]", core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (output)": "JSON value of type null is not of expected type string",
    "Position 2 (transactions)": "JSON value of type null is not of expected type array"
}"#) },
    Case { method: "generateblock", params: r#"[1, {}, "x"]"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (output)": "JSON value of type number is not of expected type string",
    "Position 2 (transactions)": "JSON value of type object is not of expected type array",
    "Position 3 (submit)": "JSON value of type string is not of expected type bool"
}"#) },
    Case { method: "generateblock", params: r#"{"output": "00", "transactions": [], "nosuchparam": 1}"#, core: Error(-8, "Unknown named parameter nosuchparam") },
    Case { method: "generateblock", params: r#"{"output": "00", "transactions": [], "submit": "x"}"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 3 (submit)": "JSON value of type string is not of expected type bool"
}"#) },
    Case { method: "generatetoaddress", params: "[1, 1, 1, 1]", core: Help(r#"generatetoaddress nblocks "address" ( maxtries )"#) },
    Case { method: "generatetoaddress", params: "[]", core: Help(r#"generatetoaddress nblocks "address" ( maxtries )"#) },
    Case { method: "generatetoaddress", params: "[0]", core: Help(r#"generatetoaddress nblocks "address" ( maxtries )"#) },
    Case { method: "generatetoaddress", params: r#"["x", "00"]"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (nblocks)": "JSON value of type string is not of expected type number"
}"#) },
    Case { method: "generatetoaddress", params: "[0, 1]", core: Error(-3, r#"Wrong type passed:
{
    "Position 2 (address)": "JSON value of type number is not of expected type string"
}"#) },
    Case { method: "generatetoaddress", params: r#"[0, "00", "x"]"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 3 (maxtries)": "JSON value of type string is not of expected type number"
}"#) },
    Case { method: "generatetoaddress", params: "[null, null]", core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (nblocks)": "JSON value of type null is not of expected type number",
    "Position 2 (address)": "JSON value of type null is not of expected type string"
}"#) },
    Case { method: "generatetoaddress", params: r#"["x", 1, "x"]"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (nblocks)": "JSON value of type string is not of expected type number",
    "Position 2 (address)": "JSON value of type number is not of expected type string",
    "Position 3 (maxtries)": "JSON value of type string is not of expected type number"
}"#) },
    Case { method: "generatetoaddress", params: r#"{"nblocks": 0, "address": "00", "nosuchparam": 1}"#, core: Error(-8, "Unknown named parameter nosuchparam") },
    Case { method: "generatetoaddress", params: r#"{"nblocks": 0, "address": "00", "maxtries": "x"}"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 3 (maxtries)": "JSON value of type string is not of expected type number"
}"#) },
    Case { method: "generatetodescriptor", params: "[1, 1, 1, 1]", core: Help(r#"generatetodescriptor num_blocks "descriptor" ( maxtries )"#) },
    Case { method: "generatetodescriptor", params: "[]", core: Help(r#"generatetodescriptor num_blocks "descriptor" ( maxtries )"#) },
    Case { method: "generatetodescriptor", params: "[0]", core: Help(r#"generatetodescriptor num_blocks "descriptor" ( maxtries )"#) },
    Case { method: "generatetodescriptor", params: r#"["x", "00"]"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (num_blocks)": "JSON value of type string is not of expected type number"
}"#) },
    Case { method: "generatetodescriptor", params: "[0, 1]", core: Error(-3, r#"Wrong type passed:
{
    "Position 2 (descriptor)": "JSON value of type number is not of expected type string"
}"#) },
    Case { method: "generatetodescriptor", params: r#"[0, "00", "x"]"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 3 (maxtries)": "JSON value of type string is not of expected type number"
}"#) },
    Case { method: "generatetodescriptor", params: "[null, null]", core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (num_blocks)": "JSON value of type null is not of expected type number",
    "Position 2 (descriptor)": "JSON value of type null is not of expected type string"
}"#) },
    Case { method: "generatetodescriptor", params: r#"["x", 1, "x"]"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (num_blocks)": "JSON value of type string is not of expected type number",
    "Position 2 (descriptor)": "JSON value of type number is not of expected type string",
    "Position 3 (maxtries)": "JSON value of type string is not of expected type number"
}"#) },
    Case { method: "generatetodescriptor", params: r#"{"num_blocks": 0, "descriptor": "00", "nosuchparam": 1}"#, core: Error(-8, "Unknown named parameter nosuchparam") },
    Case { method: "generatetodescriptor", params: r#"{"num_blocks": 0, "descriptor": "00", "maxtries": "x"}"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 3 (maxtries)": "JSON value of type string is not of expected type number"
}"#) },
    Case { method: "invalidateblock", params: "[1, 1]", core: Help(r#"invalidateblock "blockhash""#) },
    Case { method: "invalidateblock", params: "[]", core: Help(r#"invalidateblock "blockhash""#) },
    Case { method: "invalidateblock", params: "[1]", core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (blockhash)": "JSON value of type number is not of expected type string"
}"#) },
    Case { method: "invalidateblock", params: "[null]", core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (blockhash)": "JSON value of type null is not of expected type string"
}"#) },
    Case { method: "invalidateblock", params: r#"{"blockhash": "00", "nosuchparam": 1}"#, core: Error(-8, "Unknown named parameter nosuchparam") },
    Case { method: "invalidateblock", params: r#"{"blockhash": 1}"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (blockhash)": "JSON value of type number is not of expected type string"
}"#) },
    Case { method: "mockscheduler", params: "[1, 1]", core: Help("mockscheduler delta_time") },
    Case { method: "mockscheduler", params: "[]", core: Help("mockscheduler delta_time") },
    Case { method: "mockscheduler", params: r#"["x"]"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (delta_time)": "JSON value of type string is not of expected type number"
}"#) },
    Case { method: "mockscheduler", params: "[null]", core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (delta_time)": "JSON value of type null is not of expected type number"
}"#) },
    Case { method: "mockscheduler", params: r#"{"delta_time": 0, "nosuchparam": 1}"#, core: Error(-8, "Unknown named parameter nosuchparam") },
    Case { method: "mockscheduler", params: r#"{"delta_time": "x"}"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (delta_time)": "JSON value of type string is not of expected type number"
}"#) },
    Case { method: "reconsiderblock", params: "[1, 1]", core: Help(r#"reconsiderblock "blockhash""#) },
    Case { method: "reconsiderblock", params: "[]", core: Help(r#"reconsiderblock "blockhash""#) },
    Case { method: "reconsiderblock", params: "[1]", core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (blockhash)": "JSON value of type number is not of expected type string"
}"#) },
    Case { method: "reconsiderblock", params: "[null]", core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (blockhash)": "JSON value of type null is not of expected type string"
}"#) },
    Case { method: "reconsiderblock", params: r#"{"blockhash": "00", "nosuchparam": 1}"#, core: Error(-8, "Unknown named parameter nosuchparam") },
    Case { method: "reconsiderblock", params: r#"{"blockhash": 1}"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (blockhash)": "JSON value of type number is not of expected type string"
}"#) },
    Case { method: "setmocktime", params: "[1, 1]", core: Help("setmocktime timestamp") },
    Case { method: "setmocktime", params: "[]", core: Help("setmocktime timestamp") },
    Case { method: "setmocktime", params: r#"["x"]"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (timestamp)": "JSON value of type string is not of expected type number"
}"#) },
    Case { method: "setmocktime", params: "[null]", core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (timestamp)": "JSON value of type null is not of expected type number"
}"#) },
    Case { method: "setmocktime", params: r#"{"timestamp": 0, "nosuchparam": 1}"#, core: Error(-8, "Unknown named parameter nosuchparam") },
    Case { method: "setmocktime", params: r#"{"timestamp": "x"}"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (timestamp)": "JSON value of type string is not of expected type number"
}"#) },
    Case { method: "syncwithvalidationinterfacequeue", params: "[1]", core: Help("syncwithvalidationinterfacequeue") },
    Case { method: "syncwithvalidationinterfacequeue", params: r#"{"nosuchparam": 1}"#, core: Error(-8, "Unknown named parameter nosuchparam") },
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
