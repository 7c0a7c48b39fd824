//! `sou rpc`: a command-line RPC client that behaves like `bitcoin-cli`.
//!
//! `bitcoin-cli getblock <hash> 2` turns its words into a JSON-RPC request,
//! `{"method":"getblock","params":["<hash>",2],"id":"1","jsonrpc":"2.0"}`, sends it to the
//! node over HTTP with the node's credentials, and prints the answer. The subtle part is
//! the conversion of words to JSON: a command line holds only strings, but `2` must reach
//! the node as a number while a label `"2"` must stay a string. Core keeps a table of the
//! parameters that are JSON ([`RPC_CONVERT_PARAMS`], Core's `vRPCConvertParams`); every
//! other parameter is sent as a string, as typed.
//!
//! The rest follows `bitcoin-cli` too:
//!
//! - `-named`: `name=value` words become an object of named parameters; words without
//!   `=` (or whose name is unknown and whose position expects a string) are collected in
//!   `args`.
//! - Credentials: `-rpcuser`/`-rpcpassword`, else the node's cookie file
//!   (`<datadir>/<network>/.cookie`, or `-rpccookiefile`); `-stdinrpcpass` reads the
//!   password from standard input, `-stdin` more arguments, one per line.
//! - Where: `-rpcconnect=host[:port]`, `-rpcport` (default the network's), `-rpcwallet=NAME`
//!   (the `/wallet/NAME` endpoint), `-rpcwait[=timeout]` to retry until the node answers.
//! - Output: a string result raw, other results as JSON indented by 2 (Core's layout, empty
//!   arrays as `[` newline `]`), nothing for `null`; an RPC error as `error code: N` /
//!   `error message:` / the message on stderr, with exit status |N| (so `-8` exits 8);
//!   other failures as `error: ...` with status 1.
//!
//! [`run`] does all of it and returns what to print, so tests need no process.
//!
//! References: Core `src/bitcoin-cli.cpp` (`AppInitRPC`, `CommandLineRPC`, `CallRPC`,
//! `ConnectAndCallRPC`, `ParseResult`, `ParseError`), `src/rpc/client.cpp`
//! (`vRPCConvertParams`, `RPCConvertValues`, `RPCConvertNamedValues`),
//! `src/rpc/request.cpp` (`JSONRPCRequestObj`, `GetAuthCookie`), `src/common/url.cpp`
//! (`UrlEncode`), `src/util/strencodings.cpp` (`SplitHostPort`).

use std::io::{BufRead, Read};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::Value;

use crate::config::{write_json, Config, ConfigError, PathArg};
use crate::datadir;
use crate::options::{self, BITCOIN_CLI_OPTIONS};

/// `RPC_IN_WARMUP`: the node is starting; `-rpcwait` keeps waiting.
const RPC_IN_WARMUP: i64 = -28;
/// `RPC_WALLET_NOT_SPECIFIED`: several wallets are loaded and none was named.
const RPC_WALLET_NOT_SPECIFIED: i64 = -19;
/// bitcoin-cli's default `-rpcclienttimeout`, in seconds.
const DEFAULT_HTTP_CLIENT_TIMEOUT: i64 = 900;

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

/// Core's `JSONRPCRequestObj`: `{"method":..,"params":..,"id":..,"jsonrpc":"2.0"}`.
pub fn request_body(method: &str, params: &Params, id: &str) -> String {
    format!(
        "{{\"method\":{},\"params\":{},\"id\":{},\"jsonrpc\":\"2.0\"}}",
        write_json(&Value::String(method.to_owned()), 0),
        params.to_json_text(),
        write_json(&Value::String(id.to_owned()), 0)
    )
}

/// Core's `UrlEncode`: everything but RFC 3986's unreserved characters percent-encoded.
pub fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Core's `SplitHostPort`: `host`, `host:port`, `[v6]:port`; a bare IPv6 address has no
/// port. Returns the host and the port (0 when none), or `None` for a bad port.
pub fn split_host_port(input: &str) -> Option<(String, u16)> {
    let mut host_part = input;
    let mut port = 0u16;
    let mut valid = true;
    if let Some(colon) = input.rfind(':') {
        let bracketed = input.starts_with('[') && input[..colon].ends_with(']');
        let multi_colon = colon != 0 && input[..colon].contains(':');
        if colon == 0 || bracketed || !multi_colon {
            valid = false;
            // ToIntegral<uint16_t>: the whole rest must be decimal digits.
            let digits = &input[colon + 1..];
            if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                if let Ok(n) = digits.parse::<u16>() {
                    host_part = &input[..colon];
                    port = n;
                    valid = n != 0;
                }
            }
        }
    }
    let host = if host_part.len() >= 2 && host_part.starts_with('[') && host_part.ends_with(']') {
        &host_part[1..host_part.len() - 1]
    } else {
        host_part
    };
    valid.then(|| (host.to_owned(), port))
}

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
fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// What one `bitcoin-cli` run prints, and its exit status.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CliOutput {
    /// Text for standard output.
    pub stdout: String,
    /// Text for standard error.
    pub stderr: String,
    /// The exit status.
    pub exit_code: u8,
}

impl CliOutput {
    fn failure(stderr: String) -> CliOutput {
        CliOutput {
            stdout: String::new(),
            stderr,
            exit_code: 1,
        }
    }
}

// Why a call failed: a connection problem (retried under -rpcwait) or anything else.
enum CallError {
    Connection(String),
    Other(String),
}

/// Runs one `bitcoin-cli` invocation: `args` without the program name, `stdin` for
/// `-stdin`, `-stdinrpcpass` and `-stdinwalletpassphrase`, `program` the name to show in
/// help and hints (`bitcoin-cli`, `sou rpc`).
pub fn run(program: &str, args: Vec<String>, stdin: &mut dyn BufRead) -> CliOutput {
    let no_args = args.is_empty();
    // AppInitRPC.
    let mut config = match Config::from_cli_args(args) {
        Ok(config) => config,
        Err(error) => return CliOutput::failure(format!("{error}\n")),
    };
    if no_args || config.help_requested() || config.version_requested() {
        let mut stdout = format!(
            "sou RPC client version v{} ({program}, after bitcoin-cli v31.99)\n",
            env!("CARGO_PKG_VERSION")
        );
        if !config.version_requested() {
            stdout.push_str(&usage(program, config.is_set("help-debug")));
        }
        let mut out = CliOutput {
            stdout,
            ..CliOutput::default()
        };
        if no_args {
            out.stderr = "Error: too few parameters\n".to_owned();
            out.exit_code = 1;
        }
        return out;
    }
    if let Err(error) = config.read_config_files() {
        // bitcoin-cli prints "Error: " before these, but not before a file's error.
        let text = match error {
            ConfigError::ReadConfig(_) => format!("{error}\n"),
            _ => format!("Error: {error}\n"),
        };
        return CliOutput::failure(text);
    }
    let mut out = CliOutput::default();
    match command_line_rpc(program, &mut config, stdin, &mut out.stderr) {
        Ok((text, code)) => {
            if !text.is_empty() {
                if code == 0 {
                    out.stdout.push_str(&text);
                    out.stdout.push('\n');
                } else {
                    out.stderr.push_str(&text);
                    out.stderr.push('\n');
                }
            }
            out.exit_code = code;
        }
        Err(message) => {
            out.stderr.push_str(&format!("error: {message}\n"));
            out.exit_code = 1;
        }
    }
    out
}

fn usage(program: &str, show_debug: bool) -> String {
    format!(
        "\n{program} sends one command to a running sou node (soud) or bitcoind, like bitcoin-cli.\n\
         \n\
         Use the \"help\" command to list all commands. Use \"help <command>\" to show help for that command.\n\
         The -named option allows you to specify parameters using the key=value format.\n\
         \n\
         Usage: {program} [options] <command> [params]\n\
         or:    {program} [options] -named <command> [name=value]...\n\
         or:    {program} [options] help\n\
         or:    {program} [options] help <command>\n\
         \n{}",
        options::help_listing(BITCOIN_CLI_OPTIONS, show_debug)
    )
}

// Core's CommandLineRPC: Ok((text, status)) or Err(message for "error: ").
fn command_line_rpc(
    program: &str,
    config: &mut Config,
    stdin: &mut dyn BufRead,
    stderr: &mut String,
) -> Result<(String, u8), String> {
    let mut args: Vec<String> = config.command().to_vec();
    if config.get_bool("stdinrpcpass", false) {
        let password = read_line(stdin)
            .ok_or("-stdinrpcpass specified but failed to read from standard input")?;
        config.force_set("rpcpassword", &password);
    }
    if config.get_bool("stdinwalletpassphrase", false) {
        if !args
            .first()
            .is_some_and(|method| method.starts_with("walletpassphrase"))
        {
            return Err(
                "-stdinwalletpassphrase is only applicable for walletpassphrase(change)".to_owned(),
            );
        }
        let passphrase = read_line(stdin)
            .ok_or("-stdinwalletpassphrase specified but failed to read from standard input")?;
        args.insert(1, passphrase);
    }
    if config.get_bool("stdin", false) {
        while let Some(line) = read_line(stdin) {
            args.push(line);
        }
    }

    // The client-side commands (-getinfo and friends), at most one of them.
    let cli_commands: Vec<&str> = BITCOIN_CLI_OPTIONS
        .iter()
        .filter(|spec| spec.category == options::Category::CliCommands && config.is_set(spec.name))
        .map(|spec| spec.name)
        .collect();
    if cli_commands.len() > 1 {
        let names: Vec<String> = cli_commands.iter().map(|name| format!("-{name}")).collect();
        return Err(format!(
            "Only one of {} may be specified.",
            names.join(", ")
        ));
    }
    if let Some(name) = cli_commands
        .iter()
        .find(|name| config.get_bool(name, false))
    {
        return Err(format!(
            "-{name} is not supported by {program}; call the RPC methods it combines instead"
        ));
    }

    let Some((method, params)) = args.split_first() else {
        return Err("too few parameters (need at least command)".to_owned());
    };
    let wallet = if config.is_negated("rpcwallet") {
        None
    } else {
        config.get("rpcwallet")
    };
    let endpoint = match wallet {
        Some(name) => format!("/wallet/{}", url_encode(&name)),
        None => "/".to_owned(),
    };
    let reply = connect_and_call(program, config, method, params, &endpoint, stderr)?;
    let error = reply.get("error").unwrap_or(&Value::Null);
    if error.is_null() {
        let result = reply.get("result").unwrap_or(&Value::Null);
        Ok((format_result(result).unwrap_or_default(), 0))
    } else {
        Ok(format_error(error, program))
    }
}

fn read_line(stdin: &mut dyn BufRead) -> Option<String> {
    let mut line = String::new();
    match stdin.read_line(&mut line) {
        Ok(0) | Err(_) => None,
        Ok(_) => {
            if line.ends_with('\n') {
                line.pop();
            }
            Some(line)
        }
    }
}

// Core's ConnectAndCallRPC: -rpcwait retries connection failures (and a node still
// warming up) once a second, until -rpcwaittimeout seconds (0: forever).
fn connect_and_call(
    program: &str,
    config: &Config,
    method: &str,
    params: &[String],
    endpoint: &str,
    stderr: &mut String,
) -> Result<serde_json::Map<String, Value>, String> {
    let wait = config.get_bool("rpcwait", false);
    let timeout = config.get_int("rpcwaittimeout", 0);
    let deadline = Instant::now() + Duration::from_secs(u64::try_from(timeout).unwrap_or(0));
    loop {
        let attempt =
            call_rpc(program, config, method, params, endpoint, stderr).and_then(|reply| {
                let warming_up = reply
                    .get("error")
                    .and_then(|error| error.get("code"))
                    .and_then(Value::as_i64)
                    == Some(RPC_IN_WARMUP);
                if wait && warming_up {
                    Err(CallError::Connection("server in warmup".to_owned()))
                } else {
                    Ok(reply)
                }
            });
        match attempt {
            Ok(reply) => return Ok(reply),
            Err(CallError::Other(message)) => return Err(message),
            Err(CallError::Connection(message)) => {
                if !wait {
                    return Err(message);
                }
                if timeout > 0 && Instant::now() >= deadline {
                    return Err(format!("timeout on transient error: {message}"));
                }
                std::thread::sleep(Duration::from_secs(1));
            }
        }
    }
}

// Core's CallRPC: one request, one reply object.
fn call_rpc(
    program: &str,
    config: &Config,
    method: &str,
    params: &[String],
    endpoint: &str,
    stderr: &mut String,
) -> Result<serde_json::Map<String, Value>, CallError> {
    // Port: -rpcport, else the one in -rpcconnect, else the network's.
    let rpcconnect = config
        .get("rpcconnect")
        .unwrap_or_else(|| "127.0.0.1".to_owned());
    let (host, connect_port) = split_host_port(&rpcconnect).ok_or_else(|| {
        CallError::Other(format!(
            "Invalid port provided in -rpcconnect: {rpcconnect}"
        ))
    })?;
    let mut port = if connect_port != 0 {
        connect_port
    } else {
        datadir::default_rpc_port(config.network())
    };
    if let Some(rpcport) = config.get("rpcport") {
        let parsed = Some(rpcport.as_str())
            .filter(|text| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|text| text.parse::<u16>().ok())
            .filter(|n| *n != 0)
            .ok_or_else(|| {
                CallError::Other(format!("Invalid port provided in -rpcport: {rpcport}"))
            })?;
        port = parsed;
        if connect_port != 0 {
            stderr.push_str(&format!(
                "Warning: Port specified in both -rpcconnect and -rpcport. Using -rpcport {port}\n"
            ));
        }
    }
    let timeout = config.get_int("rpcclienttimeout", DEFAULT_HTTP_CLIENT_TIMEOUT);

    // Credentials: the password, else the cookie file.
    let password = config.get("rpcpassword").unwrap_or_default();
    let (credentials, cookie) = if password.is_empty() {
        let (credentials, outcome) = read_cookie(config);
        (credentials, Some(outcome))
    } else {
        let user = config.get("rpcuser").unwrap_or_default();
        (format!("{user}:{password}"), None)
    };

    let params = if config.get_bool("named", false) {
        convert_named(method, params)
    } else {
        convert_positional(method, params)
    }
    .map_err(CallError::Other)?;
    let id = config.get("rpcid").unwrap_or_else(|| "1".to_owned());
    let body = format!("{}\n", request_body(method, &params, &id));

    let (status, reply_body) = post(&host, port, endpoint, &credentials, &body, timeout).map_err(|detail| {
        let detail = if detail.is_empty() {
            String::new()
        } else {
            format!(" ({detail})")
        };
        CallError::Connection(format!(
            "Error while attempting to communicate with server {host}:{port}{detail}\n\n\
             Make sure the bitcoind server is running and that you are connecting to the correct RPC port.\n\
             Use \"{program} -help\" for more info."
        ))
    })?;

    if status == 401 {
        let reason = match cookie {
            Some(CookieOutcome::Error) => {
                "Failed to read cookie file and no rpcpassword was specified."
            }
            Some(CookieOutcome::Disabled) => {
                "Cookie file was disabled via -norpccookiefile and no rpcpassword was specified."
            }
            Some(CookieOutcome::Ok) => {
                "Cookie file credentials were invalid and no rpcpassword was specified."
            }
            None => "Incorrect rpcuser or rpcpassword were specified.",
        };
        let conf = config
            .config_file_path()
            .map(|path| path.display().to_string())
            .unwrap_or_default();
        return Err(CallError::Other(format!(
            "Authorization failed: {reason} Configuration file: ({conf})"
        )));
    }
    if status == 503 {
        return Err(CallError::Other(format!("Server response: {reply_body}")));
    }
    if status >= 400 && ![400, 404, 500].contains(&status) {
        return Err(CallError::Other(format!(
            "server returned HTTP error {status}"
        )));
    }
    if reply_body.is_empty() {
        return Err(CallError::Other("no response from server".to_owned()));
    }
    let reply: Value = serde_json::from_str(&reply_body)
        .map_err(|_| CallError::Other("couldn't parse reply from server".to_owned()))?;
    let Value::Object(reply) = reply else {
        return Err(CallError::Other(format!(
            "JSON value of type {} is not of expected type object",
            type_name(&reply)
        )));
    };
    if reply.is_empty() {
        return Err(CallError::Other(
            "expected reply to have result, error and id properties".to_owned(),
        ));
    }
    Ok(reply)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CookieOutcome {
    Ok,
    Error,
    Disabled,
}

// Core's GetAuthCookie: the first line of the cookie file.
fn read_cookie(config: &Config) -> (String, CookieOutcome) {
    let path = match config.get_path("rpccookiefile") {
        PathArg::Disabled => return (String::new(), CookieOutcome::Disabled),
        PathArg::Unset => std::path::PathBuf::from(datadir::COOKIE_FILENAME),
        PathArg::Path(path) => path,
    };
    let path = if path.is_absolute() {
        path
    } else {
        match config.datadir_net() {
            Some(net) => net.join(path),
            None => return (String::new(), CookieOutcome::Error),
        }
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => (
            text.lines().next().unwrap_or("").to_owned(),
            CookieOutcome::Ok,
        ),
        Err(_) => (String::new(), CookieOutcome::Error),
    }
}

// One HTTP POST. Ok((status, body)) for any HTTP answer; Err(detail) when no answer came
// (the detail goes in parentheses after Core's connection message).
fn post(
    host: &str,
    port: u16,
    endpoint: &str,
    credentials: &str,
    body: &str,
    timeout: i64,
) -> Result<(u16, String), String> {
    let mut builder = ureq::AgentBuilder::new();
    if timeout > 0 {
        builder = builder.timeout(Duration::from_secs(timeout.unsigned_abs()));
    }
    let agent = builder.build();
    let host_in_url = if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_owned()
    };
    let url = format!("http://{host_in_url}:{port}{endpoint}");
    let authorization = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(credentials)
    );
    let response = agent
        .post(&url)
        .set("Content-Type", "application/json")
        .set("Authorization", &authorization)
        .send_string(body);
    let response = match response {
        Ok(response) => response,
        Err(ureq::Error::Status(_, response)) => response,
        Err(ureq::Error::Transport(transport)) => {
            return Err(match transport.kind() {
                ureq::ErrorKind::Dns => format!("Could not resolve host: {host}"),
                ureq::ErrorKind::ConnectionFailed => "Could not connect to the server".to_owned(),
                _ => transport.to_string(),
            })
        }
    };
    let status = response.status();
    let mut text = String::new();
    // Read the whole body (ureq's into_string stops at 10 MB; a block can be larger).
    response
        .into_reader()
        .read_to_string(&mut text)
        .map_err(|e| format!("HTTP error: {e}"))?;
    Ok((status, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_rows_are_unique() {
        // A position may have several names: the members of an options object can also
        // be given as named parameters (`scanblocks 5 options`, `5 filter_false_positives`),
        // and a name may sit at two positions (`send 1 conf_target`, `send 4 conf_target`).
        // By position, or by name, the first row counts, as in Core's lookups.
        for (i, a) in RPC_CONVERT_PARAMS.iter().enumerate() {
            for b in RPC_CONVERT_PARAMS.iter().skip(i + 1) {
                assert!(a != b, "{} {} {} listed twice", a.method, a.index, a.name);
            }
        }
        assert_eq!(RPC_CONVERT_PARAMS.len(), 321);
    }

    #[test]
    fn host_and_port() {
        let split = |s: &str| split_host_port(s);
        assert_eq!(split("127.0.0.1"), Some(("127.0.0.1".to_owned(), 0)));
        assert_eq!(
            split("127.0.0.1:8332"),
            Some(("127.0.0.1".to_owned(), 8332))
        );
        assert_eq!(split("[::1]:8332"), Some(("::1".to_owned(), 8332)));
        assert_eq!(split("::1"), Some(("::1".to_owned(), 0)));
        assert_eq!(split("[::1]"), Some(("::1".to_owned(), 0)));
        assert_eq!(split("127.0.0.1:99999"), None);
        assert_eq!(split("127.0.0.1:0"), None);
        assert_eq!(split("127.0.0.1:x"), None);
        assert_eq!(split("host:"), None);
    }

    #[test]
    fn url_encoding() {
        assert_eq!(url_encode("w1"), "w1");
        assert_eq!(url_encode("my wallet/é"), "my%20wallet%2F%C3%A9");
        assert_eq!(url_encode(""), "");
    }
}
