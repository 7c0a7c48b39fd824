//! Core's `control` methods: the server itself, not the chain. `help`, `stop`, `uptime`,
//! what the RPC server is doing (`getrpcinfo`) and which debug log categories are on
//! (`logging`).
//!
//! References: Core `src/rpc/server.cpp` (`help`, `stop`, `uptime`, `getrpcinfo`),
//! `src/rpc/node.cpp` (`logging`).

use super::ParamType::{Arr, Num, Str};
use super::{Method, Param};

/// Core's `control` methods, in [`METHODS`](super::METHODS) order.
pub(super) const METHODS: &[Method] = &[
    Method {
        name: "getrpcinfo",
        category: "control",
        params: &[],
        help: HELP_GETRPCINFO,
    },
    Method {
        name: "help",
        category: "control",
        params: &[Param::optional("command", Str, "all commands")],
        help: HELP_HELP,
    },
    Method {
        name: "logging",
        category: "control",
        params: &[
            Param::omitted("include", Arr),
            Param::omitted("exclude", Arr),
        ],
        help: HELP_LOGGING,
    },
    Method {
        name: "stop",
        category: "control",
        params: &[
            // Hidden from help; milliseconds to wait before answering, for tests.
            Param::omitted("wait", Num),
        ],
        help: HELP_STOP,
    },
    Method {
        name: "uptime",
        category: "control",
        params: &[],
        help: HELP_UPTIME,
    },
];

// The help texts, in the order of `METHODS`. A line of a result or argument list starts with
// the key and its JSON type, padded to one column per block, as Core pads them; the words
// after the type are sou's.

const HELP_GETRPCINFO: &str = r#"getrpcinfo

Reports on the RPC server: the commands running now and where the log is written.

Result:
{                          (json object)
  "active_commands" : [    (json array) Commands being executed
    {                      (json object) One command being executed
      "method" : "str",    (string) Method name
      "duration" : n       (numeric) Time it has run, in microseconds
    },
    ...
  ],
  "logpath" : "str"        (string) Full path of the debug log file
}

Examples:
> bitcoin-cli getrpcinfo 
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "getrpcinfo", "params": []}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_HELP: &str = r#"help ( "command" )

Lists every command with its arguments, or explains one command.

Arguments:
1. command    (string, optional, default=all commands) Command to explain

Result:
"str"    (string) The explanation
"#;

const HELP_LOGGING: &str = r#"logging ( ["include_category",...] ["exclude_category",...] )

Reads and changes which categories of debug messages are logged.
Without arguments, reports every category and whether it is logged.
With arguments, first turns on the categories in "include", then turns off those in "exclude",
and reports the result the same way.
So a category named in both ends up turned off.
The categories are: addrman, bench, blockstorage, cmpctblock, coindb, estimatefee, http, i2p, ipc, kernel, leveldb, mempool, mempoolrej, net, privatebroadcast, proxy, prune, qt, rand, reindex, rpc, scan, selectcoins, tor, txpackages, txreconciliation, validation, walletdb, zmq
Two more names stand for several categories:
  - "all",  "1" : every category.

Arguments:
1. include                    (json array, optional) Categories to turn on
     [
       "include_category",    (string) a category
       ...
     ]
2. exclude                    (json array, optional) Categories to turn off
     [
       "exclude_category",    (string) a category
       ...
     ]

Result:
{                             (json object) one key per category, with whether it is logged
  "category" : true|false,    (boolean) true when logged, false when not
  ...
}

Examples:
> bitcoin-cli logging "[\"all\"]" "[\"http\"]"
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "logging", "params": [["all"], ["leveldb"]]}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_STOP: &str = r#"stop

Asks the node to shut down cleanly.

Result:
"str"    (string) A short message saying that the node is stopping
"#;

const HELP_UPTIME: &str = r#"uptime

Returns how long the server has been running.

Result:
n    (numeric) Seconds since the server started

Examples:
> bitcoin-cli uptime 
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "uptime", "params": []}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;
