//! The hidden methods: left out of the `help` overview, called by Core's functional test
//! framework. Echoing parameters back (`echo`, `echojson`), mining on regtest
//! (`generate*`), marking blocks invalid and valid again, and moving the mock clock.
//!
//! `help NAME` still prints their text.
//!
//! References: Core `src/rpc/node.cpp` (`echo`, `echojson`, `setmocktime`,
//! `mockscheduler`), `src/rpc/mining.cpp` (`generateblock`, `generatetoaddress`,
//! `generatetodescriptor`), `src/rpc/blockchain.cpp` (`invalidateblock`,
//! `reconsiderblock`, `syncwithvalidationinterfacequeue`).

use super::ParamType::{Any, Arr, Bool, Num, Str, StrHex};
use super::{Method, Param};

/// The hidden methods (category `hidden`), in [`METHODS`](super::METHODS) order.
pub(super) const METHODS: &[Method] = &[
    Method {
        name: "addconnection",
        category: "hidden",
        params: &[
            Param::required("address", Str),
            Param::required("connection_type", Str),
            Param::required("v2transport", Bool),
        ],
        help: HELP_ADDCONNECTION,
    },
    Method {
        name: "addpeeraddress",
        category: "hidden",
        params: &[
            Param::required("address", Str),
            Param::required("port", Num),
            Param::optional("tried", Bool, "false"),
        ],
        help: HELP_ADDPEERADDRESS,
    },
    Method {
        name: "echo",
        category: "hidden",
        params: &[
            Param::omitted("arg0", Any),
            Param::omitted("arg1", Any),
            Param::omitted("arg2", Any),
            Param::omitted("arg3", Any),
            Param::omitted("arg4", Any),
            Param::omitted("arg5", Any),
            Param::omitted("arg6", Any),
            Param::omitted("arg7", Any),
            Param::omitted("arg8", Any),
            Param::omitted("arg9", Any),
        ],
        help: HELP_ECHO,
    },
    Method {
        name: "echojson",
        category: "hidden",
        params: &[
            Param::omitted("arg0", Any),
            Param::omitted("arg1", Any),
            Param::omitted("arg2", Any),
            Param::omitted("arg3", Any),
            Param::omitted("arg4", Any),
            Param::omitted("arg5", Any),
            Param::omitted("arg6", Any),
            Param::omitted("arg7", Any),
            Param::omitted("arg8", Any),
            Param::omitted("arg9", Any),
        ],
        help: HELP_ECHOJSON,
    },
    Method {
        name: "generateblock",
        category: "hidden",
        params: &[
            Param::required("output", Str),
            Param::required("transactions", Arr),
            Param::optional("submit", Bool, "true"),
        ],
        help: HELP_GENERATEBLOCK,
    },
    Method {
        name: "generatetoaddress",
        category: "hidden",
        params: &[
            Param::required("nblocks", Num),
            Param::required("address", Str),
            Param::optional("maxtries", Num, "1000000"),
        ],
        help: HELP_GENERATETOADDRESS,
    },
    Method {
        name: "generatetodescriptor",
        category: "hidden",
        params: &[
            Param::required("num_blocks", Num),
            Param::required("descriptor", Str),
            Param::optional("maxtries", Num, "1000000"),
        ],
        help: HELP_GENERATETODESCRIPTOR,
    },
    Method {
        name: "invalidateblock",
        category: "hidden",
        params: &[Param::required("blockhash", StrHex)],
        help: HELP_INVALIDATEBLOCK,
    },
    Method {
        name: "mockscheduler",
        category: "hidden",
        params: &[Param::required("delta_time", Num)],
        help: HELP_MOCKSCHEDULER,
    },
    Method {
        name: "reconsiderblock",
        category: "hidden",
        params: &[Param::required("blockhash", StrHex)],
        help: HELP_RECONSIDERBLOCK,
    },
    Method {
        name: "setmocktime",
        category: "hidden",
        params: &[Param::required("timestamp", Num)],
        help: HELP_SETMOCKTIME,
    },
    Method {
        name: "syncwithvalidationinterfacequeue",
        category: "hidden",
        params: &[],
        help: HELP_SYNCWITHVALIDATIONINTERFACEQUEUE,
    },
];

// The help texts, in the order of `METHODS`. A line of a result or argument list starts with
// the key and its JSON type, padded to one column per block, as Core pads them; the words
// after the type are sou's.

const HELP_ECHO: &str = r#"echo ( "arg0" "arg1" "arg2" "arg3" "arg4" "arg5" "arg6" "arg7" "arg8" "arg9" )

Returns its arguments unchanged, as an array. For testing.

If arg9 is 'trigger_internal_bug', it fails with an internal bug report instead.

echo and echojson behave the same on the server; they differ only in bitcoin-cli and the GUI, which
convert echojson's arguments from JSON before sending them.

Arguments:
1. arg0     (string, optional)
2. arg1     (string, optional)
3. arg2     (string, optional)
4. arg3     (string, optional)
5. arg4     (string, optional)
6. arg5     (string, optional)
7. arg6     (string, optional)
8. arg7     (string, optional)
9. arg8     (string, optional)
10. arg9    (string, optional)
"#;

const HELP_ECHOJSON: &str = r#"echojson ( "arg0" "arg1" "arg2" "arg3" "arg4" "arg5" "arg6" "arg7" "arg8" "arg9" )

Returns its arguments unchanged, as an array. For testing.

If arg9 is 'trigger_internal_bug', it fails with an internal bug report instead.

echo and echojson behave the same on the server; they differ only in bitcoin-cli and the GUI, which
convert echojson's arguments from JSON before sending them.

Arguments:
1. arg0     (string, optional)
2. arg1     (string, optional)
3. arg2     (string, optional)
4. arg3     (string, optional)
5. arg4     (string, optional)
6. arg5     (string, optional)
7. arg6     (string, optional)
8. arg7     (string, optional)
9. arg8     (string, optional)
10. arg9    (string, optional)
"#;

const HELP_GENERATEBLOCK: &str = r#"generateblock "output" ["rawtx/txid",...] ( submit )

Mines one block holding exactly the given transactions, in the given order, paying its coinbase
to an address or descriptor, and returns the block hash.
The coinbase claims only the subsidy, not the fees.

Arguments:
1. output               (string, required) Address or descriptor the coinbase output pays to.
2. transactions         (json array, required) Transactions to include, each as a txid or as a serialized transaction in hex.
                        A txid must name a transaction in the mempool.
                        The transactions must be valid in this order, or the block is invalid.
     [
       "rawtx/txid",    (string)
       ...
     ]
3. submit               (boolean, optional, default=true) Whether to submit the block, or only return it serialized.

Result:
{                    (json object)
  "hash" : "hex",    (string) hash of the mined block
  "hex" : "hex"      (string, optional) the serialized block, as hex; only when submit=false
}

Examples:

Mine a block paying to myaddress, holding rawtx and then the mempool transaction mempool_txid
> bitcoin-cli generateblock "myaddress" '["rawtx", "mempool_txid"]'
"#;

const HELP_GENERATETOADDRESS: &str = r#"generatetoaddress nblocks "address" ( maxtries )

Mines blocks right away paying their coinbase to an address, and returns their hashes.

Arguments:
1. nblocks     (numeric, required) Number of blocks to mine.
2. address     (string, required) Address the coinbase outputs pay to.
3. maxtries    (numeric, optional, default=1000000) Most nonces to try before giving up.

Result:
[           (json array) hashes of the mined blocks
  "hex",    (string) hash of one block
  ...
]

Examples:

Mine 11 blocks paying to myaddress
> bitcoin-cli generatetoaddress 11 "myaddress"
With a wallet loaded, getnewaddress gives an address to mine to:
> bitcoin-cli getnewaddress 
"#;

const HELP_GENERATETODESCRIPTOR: &str = r#"generatetodescriptor num_blocks "descriptor" ( maxtries )

Mines blocks right away paying their coinbase to a descriptor's script, and returns their hashes.

Arguments:
1. num_blocks    (numeric, required) Number of blocks to mine.
2. descriptor    (string, required) Descriptor of the script the coinbase outputs pay to.
3. maxtries      (numeric, optional, default=1000000) Most nonces to try before giving up.

Result:
[           (json array) hashes of the mined blocks
  "hex",    (string) hash of one block
  ...
]

Examples:

Mine 11 blocks paying to mydesc
> bitcoin-cli generatetodescriptor 11 "mydesc"
"#;

const HELP_INVALIDATEBLOCK: &str = r#"invalidateblock "blockhash"

Marks a block as invalid, as if it broke a consensus rule, until reconsiderblock; the chain
reorganizes away from it.

Arguments:
1. blockhash    (string, required) hash of the block to treat as invalid

Result:
null    (json null)

Examples:
> bitcoin-cli invalidateblock "blockhash"
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "invalidateblock", "params": ["blockhash"]}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_MOCKSCHEDULER: &str = r#"mockscheduler delta_time

Moves the scheduler forward in time, for tests (-regtest only)

Arguments:
1. delta_time    (numeric, required) Seconds to move the scheduler forward.

Result:
null    (json null)
"#;

const HELP_RECONSIDERBLOCK: &str = r#"reconsiderblock "blockhash"

Clears the invalid mark of a block, its ancestors and descendants, and lets them compete for the
active chain again. It undoes invalidateblock.

Arguments:
1. blockhash    (string, required) the hash of the block to clear

Result:
null    (json null)

Examples:
> bitcoin-cli reconsiderblock "blockhash"
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "reconsiderblock", "params": ["blockhash"]}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_SETMOCKTIME: &str = r#"setmocktime timestamp

Sets the node's clock to a given time, for tests (-regtest only)

Arguments:
1. timestamp    (numeric, required) UNIX epoch time
                0 returns to the system clock.

Result:
null    (json null)
"#;

const HELP_SYNCWITHVALIDATIONINTERFACEQUEUE: &str = r#"syncwithvalidationinterfacequeue

Waits until the validation interface queue has handled every event queued before the call, for tests.

Result:
null    (json null)

Examples:
> bitcoin-cli syncwithvalidationinterfacequeue 
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "syncwithvalidationinterfacequeue", "params": []}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_ADDPEERADDRESS: &str = r#"addpeeraddress "address" port ( tried )

Adds an address to the address manager, as if the node there had announced itself. For tests.

Arguments:
1. address    (string, required) The IP address
2. port       (numeric, required) The port
3. tried      (boolean, optional, default=false) Also mark it as connected to once

Result:
{                            (json object)
  "success" : true|false,    (boolean) Whether it was added
  "error" : "str"            (string, optional) Why not
}

Examples:
> bitcoin-cli addpeeraddress "1.2.3.4" 8333 true
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "addpeeraddress", "params": ["1.2.3.4", 8333, true]}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_ADDCONNECTION: &str = r#"addconnection "address" "connection_type" v2transport

Opens an outbound connection of a chosen kind to a node. For tests, on regtest only.

Arguments:
1. address            (string, required) The node's IP address and port
2. connection_type    (string, required) "outbound-full-relay", "block-relay-only", "addr-fetch" or "feeler"
3. v2transport        (boolean, required) Try BIP324's encrypted transport first

Result:
{                               (json object)
  "address" : "str",            (string) The address connected to
  "connection_type" : "str"     (string) The kind of connection
}

Examples:
> bitcoin-cli addconnection "192.168.0.6:8333" "outbound-full-relay" true
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "addconnection", "params": ["192.168.0.6:8333" "outbound-full-relay" true]}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;
