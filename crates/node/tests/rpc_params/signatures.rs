//! The method table's signature lines and parameters against `bitcoin-cli help NAME`:
//! each method once, its first help line, each argument's name, type, requiredness and
//! default, and the parameters whose type Core leaves unchecked.

use sou_node::rpc::help::{method, ParamType, METHODS};

use crate::row;

/// Parameters Core hides from help (`RPCArgOptions::hidden`), which still take a position:
/// src/rpc/server.cpp, `stop`.
const HIDDEN_PARAMS: &[(&str, &str)] = &[("stop", "wait")];

#[test]
fn the_table_has_each_method_once() {
    // The reference bitcoind is built without a wallet: its methods have no recording.
    let wallet = METHODS.iter().filter(|m| m.category == "wallet").count();
    assert_eq!(wallet, 25, "the wallet's methods");
    assert_eq!(METHODS.len() - wallet, CORE_SIGNATURES.len());
    for (i, m) in METHODS.iter().enumerate() {
        assert!(
            METHODS[..i].iter().all(|other| other.name != m.name),
            "{} is in METHODS twice",
            m.name
        );
        assert!(
            m.category == "wallet" || CORE_SIGNATURES.iter().any(|(name, _)| *name == m.name),
            "{} has no recorded bitcoind help",
            m.name
        );
    }
    assert_eq!(METHODS.len() - wallet, 81);
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
    assert_eq!(compared, 138);
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
    assert_eq!(compared, 138);
    let hidden: usize = METHODS
        .iter()
        .filter(|m| m.category != "wallet")
        .map(|m| m.params.len())
        .sum::<usize>()
        - compared;
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
        "createpsbt.outputs",
        "getrawtransaction.verbosity",
        // src/wallet/rpc/spend.cpp
        "send.outputs",
        "walletcreatefundedpsbt.outputs",
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

// ---- Recorded from bitcoind v31.99.0 (see the top of main.rs). ----

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
    ("addnode", r#"addnode "node" "command" ( v2transport )"#),
    ("disconnectnode", r#"disconnectnode ( "address" nodeid )"#),
    ("getconnectioncount", "getconnectioncount"),
    ("getnettotals", "getnettotals"),
    ("ping", "ping"),
    ("getnetworkinfo", "getnetworkinfo"),
    ("getpeerinfo", "getpeerinfo"),
    ("clearbanned", "clearbanned"),
    ("getaddednodeinfo", r#"getaddednodeinfo ( "node" )"#),
    ("listbanned", "listbanned"),
    ("setban", r#"setban "subnet" "command" ( bantime absolute )"#),
    ("setnetworkactive", "setnetworkactive state"),
    ("createrawtransaction", r#"createrawtransaction [{"txid":"hex","vout":n,"sequence":n},...] [{"address":amount,...},{"data":"hex"},...] ( locktime replaceable version )"#),
    ("decoderawtransaction", r#"decoderawtransaction "hexstring" ( iswitness )"#),
    ("decodescript", r#"decodescript "hexstring""#),
    ("getrawtransaction", r#"getrawtransaction "txid" ( verbosity "blockhash" )"#),
    ("analyzepsbt", r#"analyzepsbt "psbt""#),
    ("combinepsbt", r#"combinepsbt ["psbt",...]"#),
    ("converttopsbt", r#"converttopsbt "hexstring" ( permitsigdata iswitness psbt_version )"#),
    ("createpsbt", r#"createpsbt [{"txid":"hex","vout":n,"sequence":n},...] [{"address":amount,...},{"data":"hex"},...] ( locktime replaceable version psbt_version )"#),
    ("decodepsbt", r#"decodepsbt "psbt""#),
    ("finalizepsbt", r#"finalizepsbt "psbt" ( extract )"#),
    ("joinpsbts", r#"joinpsbts ["psbt",...]"#),
    ("utxoupdatepsbt", r#"utxoupdatepsbt "psbt" ( ["",{"desc":"str","range":n or [n,n]},...] )"#),
    ("deriveaddresses", r#"deriveaddresses "descriptor" ( range )"#),
    ("getdescriptorinfo", r#"getdescriptorinfo "descriptor""#),
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
    ("getmempoolancestors", r#"getmempoolancestors "txid" ( verbose )"#),
    ("getmempoolcluster", r#"getmempoolcluster "txid""#),
    ("getmempooldescendants", r#"getmempooldescendants "txid" ( verbose )"#),
    ("getmempoolentry", r#"getmempoolentry "txid""#),
    ("getmempoolfeeratediagram", "getmempoolfeeratediagram"),
    ("getprioritisedtransactions", "getprioritisedtransactions"),
    ("gettxspendingprevout", r#"gettxspendingprevout [{"txid":"hex","vout":n},...] ( {"mempool_only":bool,"return_spending_tx":bool,...} )"#),
    ("prioritisetransaction", r#"prioritisetransaction "txid" ( dummy ) fee_delta"#),
    ("savemempool", "savemempool"),
    ("sendrawtransaction", r#"sendrawtransaction "hexstring" ( maxfeerate maxburnamount )"#),
    ("submitpackage", r#"submitpackage ["rawtx",...] ( maxfeerate maxburnamount )"#),
    ("testmempoolaccept", r#"testmempoolaccept ["rawtx",...] ( maxfeerate )"#),
    ("getnodeaddresses", r#"getnodeaddresses ( count "network" )"#),
    ("addpeeraddress", r#"addpeeraddress "address" port ( tried )"#),
    ("addconnection", r#"addconnection "address" "connection_type" v2transport"#),
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
    ("addnode", &["node (string, required)", "command (string, required)", "v2transport (boolean, optional, default=set by -v2transport)"]),
    ("disconnectnode", &["address (string, optional, default=fallback to nodeid)", "nodeid (numeric, optional, default=fallback to address)"]),
    ("getconnectioncount", &[]),
    ("getnettotals", &[]),
    ("ping", &[]),
    ("getnetworkinfo", &[]),
    ("getpeerinfo", &[]),
    ("clearbanned", &[]),
    ("getaddednodeinfo", &["node (string, optional, default=all nodes)"]),
    ("listbanned", &[]),
    ("setban", &["subnet (string, required)", "command (string, required)", "bantime (numeric, optional, default=0)", "absolute (boolean, optional, default=false)"]),
    ("setnetworkactive", &["state (boolean, required)"]),
    ("createrawtransaction", &["inputs (json array, required)", "outputs (json array, required)", "locktime (numeric, optional, default=0)", "replaceable (boolean, optional, default=true)", "version (numeric, optional, default=2)"]),
    ("decoderawtransaction", &["hexstring (string, required)", "iswitness (boolean, optional, default=depends on heuristic tests)"]),
    ("decodescript", &["hexstring (string, required)"]),
    ("getrawtransaction", &["txid (string, required)", "verbosity (numeric, optional, default=0)", "blockhash (string, optional)"]),
    ("analyzepsbt", &["psbt (string, required)"]),
    ("combinepsbt", &["txs (json array, required)"]),
    ("converttopsbt", &["hexstring (string, required)", "permitsigdata (boolean, optional, default=false)", "iswitness (boolean, optional, default=depends on heuristic tests)", "psbt_version (numeric, optional, default=2)"]),
    ("createpsbt", &["inputs (json array, required)", "outputs (json array, required)", "locktime (numeric, optional, default=0)", "replaceable (boolean, optional, default=true)", "version (numeric, optional, default=2)", "psbt_version (numeric, optional, default=2)"]),
    ("decodepsbt", &["psbt (string, required)"]),
    ("finalizepsbt", &["psbt (string, required)", "extract (boolean, optional, default=true)"]),
    ("joinpsbts", &["txs (json array, required)"]),
    ("utxoupdatepsbt", &["psbt (string, required)", "descriptors (json array, optional)"]),
    ("deriveaddresses", &["descriptor (string, required)", "range (numeric or array, optional)"]),
    ("getdescriptorinfo", &["descriptor (string, required)"]),
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
    ("getmempoolancestors", &["txid (string, required)", "verbose (boolean, optional, default=false)"]),
    ("getmempoolcluster", &["txid (string, required)"]),
    ("getmempooldescendants", &["txid (string, required)", "verbose (boolean, optional, default=false)"]),
    ("getmempoolentry", &["txid (string, required)"]),
    ("getmempoolfeeratediagram", &[]),
    ("getprioritisedtransactions", &[]),
    ("gettxspendingprevout", &["outputs (json array, required)", "options (json object, optional)"]),
    ("prioritisetransaction", &["txid (string, required)", "dummy (numeric, optional)", "fee_delta (numeric, required)"]),
    ("savemempool", &[]),
    ("sendrawtransaction", &["hexstring (string, required)", r#"maxfeerate (numeric or string, optional, default="0.10")"#, r#"maxburnamount (numeric or string, optional, default="0.00")"#]),
    ("submitpackage", &["package (json array, required)", r#"maxfeerate (numeric or string, optional, default="0.10")"#, r#"maxburnamount (numeric or string, optional, default="0.00")"#]),
    ("testmempoolaccept", &["rawtxs (json array, required)", r#"maxfeerate (numeric or string, optional, default="0.10")"#]),
    ("getnodeaddresses", &["count (numeric, optional, default=1)", "network (string, optional, default=all networks)"]),
    ("addpeeraddress", &["address (string, required)", "port (numeric, required)", "tried (boolean, optional, default=false)"]),
    ("addconnection", &["address (string, required)", "connection_type (string, required)", "v2transport (boolean, required)"]),
];
