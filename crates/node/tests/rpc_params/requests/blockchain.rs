//! Requests to the blockchain methods (`getbestblockhash` to `waitfornewblock`, in the
//! table's order) and bitcoind's answers: too many or too few parameters, unknown names,
//! wrong types.

use super::Case;
use super::Core::{Error, Help, Passed};

// ---- Recorded from bitcoind v31.99.0 (see the top of main.rs). ----

#[rustfmt::skip]
pub(super) const CASES: &[Case] = &[
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
];
