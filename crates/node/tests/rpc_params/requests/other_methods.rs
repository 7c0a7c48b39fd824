//! Requests to the control, mining, network, raw transaction, util and hidden methods (in the
//! table's order) and bitcoind's answers: too many or too few parameters, unknown names,
//! wrong types.

use super::Case;
use super::Core::{Error, Help, Passed};

// ---- Recorded from bitcoind v31.99.0 (see the top of main.rs). ----

#[rustfmt::skip]
pub(super) const CASES: &[Case] = &[
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
    Case { method: "deriveaddresses", params: r#"["a", 1, 2]"#, core: Help(r#"deriveaddresses "descriptor" ( range )"#) },
    Case { method: "deriveaddresses", params: "[]", core: Help(r#"deriveaddresses "descriptor" ( range )"#) },
    Case { method: "deriveaddresses", params: r#"[1, "x"]"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (descriptor)": "JSON value of type number is not of expected type string"
}"#) },
    Case { method: "deriveaddresses", params: r#"{"range": 1, "nosuchparam": 1}"#, core: Error(-8, "Unknown named parameter nosuchparam") },
    Case { method: "getdescriptorinfo", params: r#"["a", 1]"#, core: Help(r#"getdescriptorinfo "descriptor""#) },
    Case { method: "getdescriptorinfo", params: r#"{"descriptor": 1}"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (descriptor)": "JSON value of type number is not of expected type string"
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
    Case { method: "setban", params: "[]", core: Help(r#"setban "subnet" "command" ( bantime absolute )"#) },
    Case { method: "setban", params: r#"["1.2.3.4"]"#, core: Help(r#"setban "subnet" "command" ( bantime absolute )"#) },
    Case { method: "setban", params: r#"["1.2.3.4", "add", 1, true, 5]"#, core: Help(r#"setban "subnet" "command" ( bantime absolute )"#) },
    Case { method: "setban", params: r#"[1, "add"]"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (subnet)": "JSON value of type number is not of expected type string"
}"#) },
    Case { method: "setban", params: r#"["1.2.3.4", "add", "x"]"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 3 (bantime)": "JSON value of type string is not of expected type number"
}"#) },
    Case { method: "setban", params: r#"{"subnet": "1.2.3.4", "command": "add", "absolute": 1}"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 4 (absolute)": "JSON value of type number is not of expected type bool"
}"#) },
    Case { method: "setnetworkactive", params: "[]", core: Help("setnetworkactive state") },
    Case { method: "setnetworkactive", params: r#"["x"]"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (state)": "JSON value of type string is not of expected type bool"
}"#) },
    Case { method: "setnetworkactive", params: r#"{"state": 1}"#, core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (state)": "JSON value of type number is not of expected type bool"
}"#) },
    Case { method: "getaddednodeinfo", params: "[1]", core: Error(-3, r#"Wrong type passed:
{
    "Position 1 (node)": "JSON value of type number is not of expected type string"
}"#) },
    Case { method: "getaddednodeinfo", params: r#"["a", 2]"#, core: Help(r#"getaddednodeinfo ( "node" )"#) },
    Case { method: "getaddednodeinfo", params: r#"{"node": null}"#, core: Passed },
    Case { method: "listbanned", params: "[1]", core: Help("listbanned") },
    Case { method: "clearbanned", params: "[null]", core: Help("clearbanned") },
    Case { method: "clearbanned", params: "{}", core: Passed },
];
