//! Words to JSON: which `bitcoin-cli` parameters are JSON and which stay strings (Core's
//! table `vRPCConvertParams`, [`RPC_CONVERT_PARAMS`]), and the conversion of positional
//! words and of `-named` `name=value` words by that table.
//!
//! The table is pure data, one row per parameter, and stays in one piece, in Core's
//! order, so that it can be compared with Core's row for row.
//!
//! References: Core `src/rpc/client.cpp` (`vRPCConvertParams`, `ParseParam`,
//! `RPCConvertValues`, `RPCConvertNamedValues`).

use serde_json::Value;

use crate::config::write_json;

/// How `bitcoin-cli` reads one parameter from the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamFormat {
    /// Parsed as JSON; an error if it is not JSON.
    Json,
    /// Sent as the string typed (listed so that `-named` recognises the name).
    String,
    /// Parsed as JSON if it is JSON, else sent as a string (`getblockstats <hash>`).
    JsonOrString,
}

/// One row of Core's `vRPCConvertParams`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConvertParam {
    /// The RPC method.
    pub method: &'static str,
    /// The parameter's position, from 0.
    pub index: usize,
    /// The parameter's name.
    pub name: &'static str,
    /// How to read it.
    pub format: ParamFormat,
}

const fn p(
    method: &'static str,
    index: usize,
    name: &'static str,
    format: ParamFormat,
) -> ConvertParam {
    ConvertParam {
        method,
        index,
        name,
        format,
    }
}

use ParamFormat::{Json, JsonOrString, String as Str};

/// Core's `vRPCConvertParams` (v31.99), row for row: the parameters that are not plain
/// strings, and the string parameters of methods whose strings may contain `=`.
pub static RPC_CONVERT_PARAMS: &[ConvertParam] = &[
    p("setmocktime", 0, "timestamp", Json),
    p("mockscheduler", 0, "delta_time", Json),
    p("utxoupdatepsbt", 0, "psbt", Str),
    p("utxoupdatepsbt", 1, "descriptors", Json),
    p("generatetoaddress", 0, "nblocks", Json),
    p("generatetoaddress", 2, "maxtries", Json),
    p("generatetodescriptor", 0, "num_blocks", Json),
    p("generatetodescriptor", 2, "maxtries", Json),
    p("generateblock", 1, "transactions", Json),
    p("generateblock", 2, "submit", Json),
    p("getnetworkhashps", 0, "nblocks", Json),
    p("getnetworkhashps", 1, "height", Json),
    p("sendtoaddress", 0, "address", Str),
    p("sendtoaddress", 1, "amount", Json),
    p("sendtoaddress", 2, "comment", Str),
    p("sendtoaddress", 3, "comment_to", Str),
    p("sendtoaddress", 4, "subtractfeefromamount", Json),
    p("sendtoaddress", 5, "replaceable", Json),
    p("sendtoaddress", 6, "conf_target", Json),
    p("sendtoaddress", 7, "estimate_mode", Str),
    p("sendtoaddress", 8, "avoid_reuse", Json),
    p("sendtoaddress", 9, "fee_rate", Json),
    p("sendtoaddress", 10, "verbose", Json),
    p("getreceivedbyaddress", 1, "minconf", Json),
    p("getreceivedbyaddress", 2, "include_immature_coinbase", Json),
    p("getreceivedbylabel", 0, "label", Str),
    p("getreceivedbylabel", 1, "minconf", Json),
    p("getreceivedbylabel", 2, "include_immature_coinbase", Json),
    p("listreceivedbyaddress", 0, "minconf", Json),
    p("listreceivedbyaddress", 1, "include_empty", Json),
    p("listreceivedbyaddress", 2, "include_watchonly", Json),
    p(
        "listreceivedbyaddress",
        4,
        "include_immature_coinbase",
        Json,
    ),
    p("listreceivedbylabel", 0, "minconf", Json),
    p("listreceivedbylabel", 1, "include_empty", Json),
    p("listreceivedbylabel", 2, "include_watchonly", Json),
    p("listreceivedbylabel", 3, "include_immature_coinbase", Json),
    p("getbalance", 1, "minconf", Json),
    p("getbalance", 2, "include_watchonly", Json),
    p("getbalance", 3, "avoid_reuse", Json),
    p("getblockfrompeer", 1, "peer_id", Json),
    p("getblockhash", 0, "height", Json),
    p("waitforblockheight", 0, "height", Json),
    p("waitforblockheight", 1, "timeout", Json),
    p("waitforblock", 1, "timeout", Json),
    p("waitfornewblock", 0, "timeout", Json),
    p("listtransactions", 0, "label", Str),
    p("listtransactions", 1, "count", Json),
    p("listtransactions", 2, "skip", Json),
    p("listtransactions", 3, "include_watchonly", Json),
    p("walletpassphrase", 0, "passphrase", Str),
    p("walletpassphrase", 1, "timeout", Json),
    p("getblocktemplate", 0, "template_request", Json),
    p("listsinceblock", 0, "blockhash", Str),
    p("listsinceblock", 1, "target_confirmations", Json),
    p("listsinceblock", 2, "include_watchonly", Json),
    p("listsinceblock", 3, "include_removed", Json),
    p("listsinceblock", 4, "include_change", Json),
    p("listsinceblock", 5, "label", Str),
    p("sendmany", 0, "dummy", Str),
    p("sendmany", 1, "amounts", Json),
    p("sendmany", 2, "minconf", Json),
    p("sendmany", 3, "comment", Str),
    p("sendmany", 4, "subtractfeefrom", Json),
    p("sendmany", 5, "replaceable", Json),
    p("sendmany", 6, "conf_target", Json),
    p("sendmany", 7, "estimate_mode", Str),
    p("sendmany", 8, "fee_rate", Json),
    p("sendmany", 9, "verbose", Json),
    p("deriveaddresses", 1, "range", Json),
    p("scanblocks", 1, "scanobjects", Json),
    p("scanblocks", 2, "start_height", Json),
    p("scanblocks", 3, "stop_height", Json),
    p("scanblocks", 5, "options", Json),
    p("scanblocks", 5, "filter_false_positives", Json),
    p("getdescriptoractivity", 0, "blockhashes", Json),
    p("getdescriptoractivity", 1, "scanobjects", Json),
    p("getdescriptoractivity", 2, "include_mempool", Json),
    p("scantxoutset", 1, "scanobjects", Json),
    p("createmultisig", 0, "nrequired", Json),
    p("createmultisig", 1, "keys", Json),
    p("listunspent", 0, "minconf", Json),
    p("listunspent", 1, "maxconf", Json),
    p("listunspent", 2, "addresses", Json),
    p("listunspent", 3, "include_unsafe", Json),
    p("listunspent", 4, "query_options", Json),
    p("listunspent", 4, "minimumAmount", Json),
    p("listunspent", 4, "maximumAmount", Json),
    p("listunspent", 4, "maximumCount", Json),
    p("listunspent", 4, "minimumSumAmount", Json),
    p("listunspent", 4, "include_immature_coinbase", Json),
    p("getblock", 1, "verbosity", Json),
    p("getblock", 1, "verbose", Json),
    p("getblockheader", 1, "verbose", Json),
    p("getchaintxstats", 0, "nblocks", Json),
    p("gettransaction", 1, "include_watchonly", Json),
    p("gettransaction", 2, "verbose", Json),
    p("getrawtransaction", 1, "verbosity", Json),
    p("getrawtransaction", 1, "verbose", Json),
    p("createrawtransaction", 0, "inputs", Json),
    p("createrawtransaction", 1, "outputs", Json),
    p("createrawtransaction", 2, "locktime", Json),
    p("createrawtransaction", 3, "replaceable", Json),
    p("createrawtransaction", 4, "version", Json),
    p("decoderawtransaction", 1, "iswitness", Json),
    p("signrawtransactionwithkey", 1, "privkeys", Json),
    p("signrawtransactionwithkey", 2, "prevtxs", Json),
    p("signrawtransactionwithwallet", 1, "prevtxs", Json),
    p("sendrawtransaction", 1, "maxfeerate", Json),
    p("sendrawtransaction", 2, "maxburnamount", Json),
    p("testmempoolaccept", 0, "rawtxs", Json),
    p("testmempoolaccept", 1, "maxfeerate", Json),
    p("submitpackage", 0, "package", Json),
    p("submitpackage", 1, "maxfeerate", Json),
    p("submitpackage", 2, "maxburnamount", Json),
    p("combinerawtransaction", 0, "txs", Json),
    p("fundrawtransaction", 1, "options", Json),
    p("fundrawtransaction", 1, "add_inputs", Json),
    p("fundrawtransaction", 1, "include_unsafe", Json),
    p("fundrawtransaction", 1, "minconf", Json),
    p("fundrawtransaction", 1, "maxconf", Json),
    p("fundrawtransaction", 1, "changePosition", Json),
    p("fundrawtransaction", 1, "includeWatching", Json),
    p("fundrawtransaction", 1, "lockUnspents", Json),
    p("fundrawtransaction", 1, "fee_rate", Json),
    p("fundrawtransaction", 1, "feeRate", Json),
    p("fundrawtransaction", 1, "subtractFeeFromOutputs", Json),
    p("fundrawtransaction", 1, "input_weights", Json),
    p("fundrawtransaction", 1, "conf_target", Json),
    p("fundrawtransaction", 1, "replaceable", Json),
    p("fundrawtransaction", 1, "solving_data", Json),
    p("fundrawtransaction", 1, "max_tx_weight", Json),
    p("fundrawtransaction", 2, "iswitness", Json),
    p("walletcreatefundedpsbt", 0, "inputs", Json),
    p("walletcreatefundedpsbt", 1, "outputs", Json),
    p("walletcreatefundedpsbt", 2, "locktime", Json),
    p("walletcreatefundedpsbt", 3, "options", Json),
    p("walletcreatefundedpsbt", 3, "add_inputs", Json),
    p("walletcreatefundedpsbt", 3, "include_unsafe", Json),
    p("walletcreatefundedpsbt", 3, "minconf", Json),
    p("walletcreatefundedpsbt", 3, "maxconf", Json),
    p("walletcreatefundedpsbt", 3, "changePosition", Json),
    p("walletcreatefundedpsbt", 3, "includeWatching", Json),
    p("walletcreatefundedpsbt", 3, "lockUnspents", Json),
    p("walletcreatefundedpsbt", 3, "fee_rate", Json),
    p("walletcreatefundedpsbt", 3, "feeRate", Json),
    p("walletcreatefundedpsbt", 3, "subtractFeeFromOutputs", Json),
    p("walletcreatefundedpsbt", 3, "conf_target", Json),
    p("walletcreatefundedpsbt", 3, "replaceable", Json),
    p("walletcreatefundedpsbt", 3, "solving_data", Json),
    p("walletcreatefundedpsbt", 3, "max_tx_weight", Json),
    p("walletcreatefundedpsbt", 4, "bip32derivs", Json),
    p("walletcreatefundedpsbt", 5, "version", Json),
    p("walletcreatefundedpsbt", 6, "psbt_version", Json),
    p("walletprocesspsbt", 0, "psbt", Str),
    p("walletprocesspsbt", 1, "sign", Json),
    p("walletprocesspsbt", 2, "sighashtype", Str),
    p("walletprocesspsbt", 3, "bip32derivs", Json),
    p("walletprocesspsbt", 4, "finalize", Json),
    p("descriptorprocesspsbt", 0, "psbt", Str),
    p("descriptorprocesspsbt", 1, "descriptors", Json),
    p("descriptorprocesspsbt", 2, "sighashtype", Str),
    p("descriptorprocesspsbt", 3, "bip32derivs", Json),
    p("descriptorprocesspsbt", 4, "finalize", Json),
    p("createpsbt", 0, "inputs", Json),
    p("createpsbt", 1, "outputs", Json),
    p("createpsbt", 2, "locktime", Json),
    p("createpsbt", 3, "replaceable", Json),
    p("createpsbt", 4, "version", Json),
    p("createpsbt", 5, "psbt_version", Json),
    p("combinepsbt", 0, "txs", Json),
    p("joinpsbts", 0, "txs", Json),
    p("finalizepsbt", 0, "psbt", Str),
    p("finalizepsbt", 1, "extract", Json),
    p("converttopsbt", 1, "permitsigdata", Json),
    p("converttopsbt", 2, "iswitness", Json),
    p("converttopsbt", 3, "psbt_version", Json),
    p("gettxout", 1, "n", Json),
    p("gettxout", 2, "include_mempool", Json),
    p("gettxoutproof", 0, "txids", Json),
    p("gettxoutsetinfo", 1, "hash_or_height", JsonOrString),
    p("gettxoutsetinfo", 2, "use_index", Json),
    p("dumptxoutset", 0, "path", Str),
    p("dumptxoutset", 1, "type", Str),
    p("dumptxoutset", 2, "options", Json),
    p("dumptxoutset", 2, "rollback", JsonOrString),
    p("dumptxoutset", 2, "in_memory", Json),
    p("lockunspent", 0, "unlock", Json),
    p("lockunspent", 1, "transactions", Json),
    p("lockunspent", 2, "persistent", Json),
    p("send", 0, "outputs", Json),
    p("send", 1, "conf_target", Json),
    p("send", 3, "fee_rate", Json),
    p("send", 4, "options", Json),
    p("send", 4, "add_inputs", Json),
    p("send", 4, "include_unsafe", Json),
    p("send", 4, "minconf", Json),
    p("send", 4, "maxconf", Json),
    p("send", 4, "add_to_wallet", Json),
    p("send", 4, "change_position", Json),
    p("send", 4, "fee_rate", Json),
    p("send", 4, "include_watching", Json),
    p("send", 4, "inputs", Json),
    p("send", 4, "locktime", Json),
    p("send", 4, "lock_unspents", Json),
    p("send", 4, "psbt", Json),
    p("send", 4, "subtract_fee_from_outputs", Json),
    p("send", 4, "conf_target", Json),
    p("send", 4, "replaceable", Json),
    p("send", 4, "solving_data", Json),
    p("send", 4, "max_tx_weight", Json),
    p("send", 5, "version", Json),
    p("sendall", 0, "recipients", Json),
    p("sendall", 1, "conf_target", Json),
    p("sendall", 3, "fee_rate", Json),
    p("sendall", 4, "options", Json),
    p("sendall", 4, "add_to_wallet", Json),
    p("sendall", 4, "fee_rate", Json),
    p("sendall", 4, "include_watching", Json),
    p("sendall", 4, "inputs", Json),
    p("sendall", 4, "locktime", Json),
    p("sendall", 4, "lock_unspents", Json),
    p("sendall", 4, "psbt", Json),
    p("sendall", 4, "send_max", Json),
    p("sendall", 4, "minconf", Json),
    p("sendall", 4, "maxconf", Json),
    p("sendall", 4, "conf_target", Json),
    p("sendall", 4, "replaceable", Json),
    p("sendall", 4, "solving_data", Json),
    p("sendall", 4, "version", Json),
    p("simulaterawtransaction", 0, "rawtxs", Json),
    p("simulaterawtransaction", 1, "options", Json),
    p("simulaterawtransaction", 1, "include_watchonly", Json),
    p("importmempool", 0, "filepath", Str),
    p("importmempool", 1, "options", Json),
    p("importmempool", 1, "apply_fee_delta_priority", Json),
    p("importmempool", 1, "use_current_time", Json),
    p("importmempool", 1, "apply_unbroadcast_set", Json),
    p("importdescriptors", 0, "requests", Json),
    p("listdescriptors", 0, "private", Json),
    p("verifychain", 0, "checklevel", Json),
    p("verifychain", 1, "nblocks", Json),
    p("getblockstats", 0, "hash_or_height", JsonOrString),
    p("getblockstats", 1, "stats", Json),
    p("pruneblockchain", 0, "height", Json),
    p("keypoolrefill", 0, "newsize", Json),
    p("getrawmempool", 0, "verbose", Json),
    p("getrawmempool", 1, "mempool_sequence", Json),
    p("getorphantxs", 0, "verbosity", Json),
    p("estimatesmartfee", 0, "conf_target", Json),
    p("estimaterawfee", 0, "conf_target", Json),
    p("estimaterawfee", 1, "threshold", Json),
    p("prioritisetransaction", 1, "dummy", Json),
    p("prioritisetransaction", 2, "fee_delta", Json),
    p("setban", 2, "bantime", Json),
    p("setban", 3, "absolute", Json),
    p("setnetworkactive", 0, "state", Json),
    p("setwalletflag", 1, "value", Json),
    p("getmempoolancestors", 1, "verbose", Json),
    p("getmempooldescendants", 1, "verbose", Json),
    p("gettxspendingprevout", 0, "outputs", Json),
    p("gettxspendingprevout", 1, "options", Json),
    p("gettxspendingprevout", 1, "mempool_only", Json),
    p("gettxspendingprevout", 1, "return_spending_tx", Json),
    p("bumpfee", 1, "options", Json),
    p("bumpfee", 1, "conf_target", Json),
    p("bumpfee", 1, "fee_rate", Json),
    p("bumpfee", 1, "replaceable", Json),
    p("bumpfee", 1, "outputs", Json),
    p("bumpfee", 1, "original_change_index", Json),
    p("psbtbumpfee", 1, "options", Json),
    p("psbtbumpfee", 1, "conf_target", Json),
    p("psbtbumpfee", 1, "fee_rate", Json),
    p("psbtbumpfee", 1, "replaceable", Json),
    p("psbtbumpfee", 1, "outputs", Json),
    p("psbtbumpfee", 1, "original_change_index", Json),
    p("psbtbumpfee", 1, "psbt_version", Json),
    p("logging", 0, "include", Json),
    p("logging", 1, "exclude", Json),
    p("disconnectnode", 1, "nodeid", Json),
    p("gethdkeys", 0, "active_only", Json),
    p("gethdkeys", 0, "options", Json),
    p("gethdkeys", 0, "private", Json),
    p("createwalletdescriptor", 1, "options", Json),
    p("createwalletdescriptor", 1, "internal", Json),
    p("echojson", 0, "arg0", Json),
    p("echojson", 1, "arg1", Json),
    p("echojson", 2, "arg2", Json),
    p("echojson", 3, "arg3", Json),
    p("echojson", 4, "arg4", Json),
    p("echojson", 5, "arg5", Json),
    p("echojson", 6, "arg6", Json),
    p("echojson", 7, "arg7", Json),
    p("echojson", 8, "arg8", Json),
    p("echojson", 9, "arg9", Json),
    p("rescanblockchain", 0, "start_height", Json),
    p("rescanblockchain", 1, "stop_height", Json),
    p("createwallet", 0, "wallet_name", Str),
    p("createwallet", 1, "disable_private_keys", Json),
    p("createwallet", 2, "blank", Json),
    p("createwallet", 3, "passphrase", Str),
    p("createwallet", 4, "avoid_reuse", Json),
    p("createwallet", 5, "descriptors", Json),
    p("createwallet", 6, "load_on_startup", Json),
    p("createwallet", 7, "external_signer", Json),
    p("restorewallet", 0, "wallet_name", Str),
    p("restorewallet", 1, "backup_file", Str),
    p("restorewallet", 2, "load_on_startup", Json),
    p("loadwallet", 0, "filename", Str),
    p("loadwallet", 1, "load_on_startup", Json),
    p("unloadwallet", 0, "wallet_name", Str),
    p("unloadwallet", 1, "load_on_startup", Json),
    p("getnodeaddresses", 0, "count", Json),
    p("addpeeraddress", 1, "port", Json),
    p("addpeeraddress", 2, "tried", Json),
    p("sendmsgtopeer", 0, "peer_id", Json),
    p("stop", 0, "wait", Json),
    p("addnode", 2, "v2transport", Json),
    p("addconnection", 2, "v2transport", Json),
    p("decodepsbt", 0, "psbt", Str),
    p("analyzepsbt", 0, "psbt", Str),
    p("verifymessage", 1, "signature", Str),
];

fn from_position(method: &str, index: usize) -> Option<&'static ConvertParam> {
    RPC_CONVERT_PARAMS
        .iter()
        .find(|param| param.method == method && param.index == index)
}

fn from_name(method: &str, name: &str) -> Option<&'static ConvertParam> {
    RPC_CONVERT_PARAMS
        .iter()
        .find(|param| param.method == method && param.name == name)
}

// Core's ParseParam: JSON when the table says so, a string otherwise.
fn parse_param(param: Option<&ConvertParam>, raw: &str) -> Result<Value, String> {
    match param.map(|param| param.format) {
        Some(Json) => serde_json::from_str(raw).map_err(|_| format!("Error parsing JSON: {raw}")),
        Some(JsonOrString) => {
            Ok(serde_json::from_str(raw).unwrap_or_else(|_| Value::String(raw.to_owned())))
        }
        Some(Str) | None => Ok(Value::String(raw.to_owned())),
    }
}

/// The parameters of a request, as `bitcoin-cli` builds them.
#[derive(Debug, Clone, PartialEq)]
pub enum Params {
    /// By position (the default).
    Positional(Vec<Value>),
    /// By name (`-named`), in order. `args` may appear twice: once given by the user, once
    /// collected from the positional words; the server then reports the clash, as Core's.
    Named(Vec<(String, Value)>),
}

impl Params {
    /// The parameters as JSON text, written as Core writes them.
    pub fn to_json_text(&self) -> String {
        match self {
            Params::Positional(values) => write_json(&Value::Array(values.clone()), 0),
            Params::Named(pairs) => {
                let members: Vec<String> = pairs
                    .iter()
                    .map(|(name, value)| {
                        format!(
                            "{}:{}",
                            write_json(&Value::String(name.clone()), 0),
                            write_json(value, 0)
                        )
                    })
                    .collect();
                format!("{{{}}}", members.join(","))
            }
        }
    }
}

/// Core's `RPCConvertValues`: positional words to JSON, by the table. The error is the
/// message after `error: `.
pub fn convert_positional(method: &str, args: &[String]) -> Result<Params, String> {
    let mut values = Vec::with_capacity(args.len());
    for (index, raw) in args.iter().enumerate() {
        values.push(parse_param(from_position(method, index), raw)?);
    }
    Ok(Params::Positional(values))
}

/// Core's `RPCConvertNamedValues` (`-named`): `name=value` words become named
/// parameters, a later value replacing an earlier one in place; a word without `=` is
/// positional, and so is one with an unknown name when its position expects a string (or
/// JSON, and it parses), so `createwallet my=wallet` names a wallet "my=wallet". The
/// positional words go, last, into `args`.
pub fn convert_named(method: &str, args: &[String]) -> Result<Params, String> {
    let mut named: Vec<(String, Value)> = Vec::new();
    let mut positional: Vec<Value> = Vec::new();
    for word in args {
        let Some((name, value)) = word.split_once('=') else {
            positional.push(parse_param(from_position(method, positional.len()), word)?);
            continue;
        };
        let named_param = from_name(method, name);
        if named_param.is_none() {
            let positional_param = from_position(method, positional.len());
            match positional_param.map(|param| param.format) {
                Some(Json) => {
                    if let Ok(parsed) = serde_json::from_str::<Value>(word) {
                        positional.push(parsed);
                        continue;
                    }
                }
                Some(Str) => {
                    positional.push(Value::String(word.clone()));
                    continue;
                }
                _ => {}
            }
        }
        let value = parse_param(named_param, value)?;
        match named.iter_mut().find(|(existing, _)| existing == name) {
            Some(slot) => slot.1 = value,
            None => named.push((name.to_owned(), value)),
        }
    }
    if !positional.is_empty() {
        named.push(("args".to_owned(), Value::Array(positional)));
    }
    Ok(Params::Named(named))
}
