//! The help texts' shape against bitcoind's: section headings, the column rule of
//! `Arguments:` and `Result:` blocks, categories, the `help` overview, and `help NAME`.

use sou_node::rpc::help::{help, overview, METHODS};

use crate::row;

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
    let mut wallet_blocks = 0;
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
                if m.category == "wallet" {
                    wallet_blocks += 1;
                } else {
                    blocks += 1;
                }
            }
        }
    }
    assert_eq!(wallet_blocks, 47);
    assert_eq!(blocks, 154);
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
    // The reference bitcoind has no wallet: its section, the last, is left out.
    let ours = overview();
    let without_wallet = ours.split("\n\n== Wallet ==\n").next().unwrap_or_default();
    assert_eq!(without_wallet, CORE_OVERVIEW);
    assert!(ours.contains("\n\n== Wallet ==\nbumpfee \"txid\" ( options )\n"));
    assert_eq!(help(""), ours);
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

// ---- Recorded from bitcoind v31.99.0 (see the top of main.rs). ----

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
    ("addnode", &["Arguments:", "Result:", "Examples:"]),
    ("disconnectnode", &["Arguments:", "Result:", "Examples:"]),
    ("getconnectioncount", &["Result:", "Examples:"]),
    ("getnettotals", &["Result:", "Examples:"]),
    ("ping", &["Result:", "Examples:"]),
    ("getnetworkinfo", &["Result:", "Examples:"]),
    ("getpeerinfo", &["Result:", "Examples:"]),
    ("clearbanned", &["Result:", "Examples:"]),
    ("getaddednodeinfo", &["Arguments:", "Result:", "Examples:"]),
    ("listbanned", &["Result:", "Examples:"]),
    ("setban", &["Arguments:", "Result:", "Examples:"]),
    ("setnetworkactive", &["Arguments:", "Result:"]),
    ("createrawtransaction", &["Arguments:", "Result:", "Examples:"]),
    ("decoderawtransaction", &["Arguments:", "Result:", "Examples:"]),
    ("decodescript", &["Arguments:", "Result:", "Examples:"]),
    ("getrawtransaction", &["Arguments:", "Result (if verbosity is not set or set to 0):", "Result (if verbosity is set to 1):", "Result (for verbosity = 2):", "Examples:"]),
    ("analyzepsbt", &["Arguments:", "Result:", "Examples:"]),
    ("combinepsbt", &["Arguments:", "Result:", "Examples:"]),
    ("converttopsbt", &["Arguments:", "Result:", "Examples:"]),
    ("createpsbt", &["Arguments:", "Result:", "Examples:"]),
    ("decodepsbt", &["Arguments:", "Result:", "Examples:"]),
    ("finalizepsbt", &["Arguments:", "Result:", "Examples:"]),
    ("joinpsbts", &["Arguments:", "Result:", "Examples:"]),
    ("utxoupdatepsbt", &["Arguments:", "Result:", "Examples:"]),
    ("deriveaddresses", &["Arguments:", "Result (for single derivation descriptors):", "Result (for multipath descriptors):", "Examples:"]),
    ("getdescriptorinfo", &["Arguments:", "Result:", "Examples:"]),
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
    ("getmempoolancestors", &["Arguments:", "Result (for verbose = false):", "Result (for verbose = true):", "Examples:"]),
    ("getmempoolcluster", &["Arguments:", "Result:", "Examples:"]),
    ("getmempooldescendants", &["Arguments:", "Result (for verbose = false):", "Result (for verbose = true):", "Examples:"]),
    ("getmempoolentry", &["Arguments:", "Result:", "Examples:"]),
    ("getmempoolfeeratediagram", &["Result (mempool chunks):", "Examples:"]),
    ("getprioritisedtransactions", &["Result:", "Examples:"]),
    ("gettxspendingprevout", &["Arguments:", "Result:", "Examples:"]),
    ("prioritisetransaction", &["Arguments:", "Result:", "Examples:"]),
    ("savemempool", &["Result:", "Examples:"]),
    ("sendrawtransaction", &["Arguments:", "Result:", "Examples:"]),
    ("submitpackage", &["Arguments:", "Result:", "Examples:"]),
    ("testmempoolaccept", &["Arguments:", "Result:", "Examples:"]),
    ("getnodeaddresses", &["Arguments:", "Result:", "Examples:"]),
    ("addpeeraddress", &["Arguments:", "Result:", "Examples:"]),
    ("addconnection", &["Arguments:", "Result:", "Examples:"]),
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
    ("addnode", "network"),
    ("disconnectnode", "network"),
    ("getconnectioncount", "network"),
    ("getnettotals", "network"),
    ("ping", "network"),
    ("getnetworkinfo", "network"),
    ("getpeerinfo", "network"),
    ("clearbanned", "network"),
    ("getaddednodeinfo", "network"),
    ("listbanned", "network"),
    ("setban", "network"),
    ("setnetworkactive", "network"),
    ("createrawtransaction", "rawtransactions"),
    ("decoderawtransaction", "rawtransactions"),
    ("decodescript", "rawtransactions"),
    ("getrawtransaction", "rawtransactions"),
    ("analyzepsbt", "rawtransactions"),
    ("combinepsbt", "rawtransactions"),
    ("converttopsbt", "rawtransactions"),
    ("createpsbt", "rawtransactions"),
    ("decodepsbt", "rawtransactions"),
    ("finalizepsbt", "rawtransactions"),
    ("joinpsbts", "rawtransactions"),
    ("utxoupdatepsbt", "rawtransactions"),
    ("deriveaddresses", "util"),
    ("getdescriptorinfo", "util"),
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
    ("getmempoolancestors", "blockchain"),
    ("getmempoolcluster", "blockchain"),
    ("getmempooldescendants", "blockchain"),
    ("getmempoolentry", "blockchain"),
    ("getmempoolfeeratediagram", "hidden"),
    ("getprioritisedtransactions", "mining"),
    ("gettxspendingprevout", "blockchain"),
    ("prioritisetransaction", "mining"),
    ("savemempool", "blockchain"),
    ("sendrawtransaction", "rawtransactions"),
    ("submitpackage", "rawtransactions"),
    ("testmempoolaccept", "rawtransactions"),
    ("getnodeaddresses", "network"),
    ("addpeeraddress", "hidden"),
    ("addconnection", "hidden"),
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
getmempoolancestors "txid" ( verbose )
getmempoolcluster "txid"
getmempooldescendants "txid" ( verbose )
getmempoolentry "txid"
getmempoolinfo
getrawmempool ( verbose mempool_sequence )
gettxout "txid" n ( include_mempool )
gettxoutsetinfo ( "hash_type" hash_or_height use_index )
gettxspendingprevout [{"txid":"hex","vout":n},...] ( {"mempool_only":bool,"return_spending_tx":bool,...} )
preciousblock "blockhash"
pruneblockchain height
savemempool
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
getprioritisedtransactions
prioritisetransaction "txid" ( dummy ) fee_delta
submitblock "hexdata" ( "dummy" )
submitheader "hexdata"

== Network ==
addnode "node" "command" ( v2transport )
clearbanned
disconnectnode ( "address" nodeid )
getaddednodeinfo ( "node" )
getconnectioncount
getnettotals
getnetworkinfo
getnodeaddresses ( count "network" )
getpeerinfo
listbanned
ping
setban "subnet" "command" ( bantime absolute )
setnetworkactive state

== Rawtransactions ==
analyzepsbt "psbt"
combinepsbt ["psbt",...]
converttopsbt "hexstring" ( permitsigdata iswitness psbt_version )
createpsbt [{"txid":"hex","vout":n,"sequence":n},...] [{"address":amount,...},{"data":"hex"},...] ( locktime replaceable version psbt_version )
createrawtransaction [{"txid":"hex","vout":n,"sequence":n},...] [{"address":amount,...},{"data":"hex"},...] ( locktime replaceable version )
decodepsbt "psbt"
decoderawtransaction "hexstring" ( iswitness )
decodescript "hexstring"
finalizepsbt "psbt" ( extract )
getrawtransaction "txid" ( verbosity "blockhash" )
joinpsbts ["psbt",...]
sendrawtransaction "hexstring" ( maxfeerate maxburnamount )
submitpackage ["rawtx",...] ( maxfeerate maxburnamount )
testmempoolaccept ["rawtx",...] ( maxfeerate )
utxoupdatepsbt "psbt" ( ["",{"desc":"str","range":n or [n,n]},...] )

== Util ==
deriveaddresses "descriptor" ( range )
getdescriptorinfo "descriptor""#;
