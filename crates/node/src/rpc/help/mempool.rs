//! The memory pool's methods: those that describe it (`getmempoolinfo`, `getrawmempool`,
//! `getmempoolentry`, `getmempoolancestors`, `getmempooldescendants`, `savemempool`),
//! those that hand it transactions (`sendrawtransaction`, `testmempoolaccept`,
//! `submitpackage`) and the fee deltas (`prioritisetransaction`,
//! `getprioritisedtransactions`), in Core's categories.
//!
//! References: Core `src/rpc/mempool.cpp`, `src/rpc/mining.cpp`.

use super::ParamType::{Amount, Arr, Bool, Num, Obj, StrHex};
use super::{Method, Param};

/// The pool's methods, in [`METHODS`](super::METHODS) order.
pub(super) const METHODS: &[Method] = &[
    Method {
        name: "getmempoolinfo",
        category: "blockchain",
        params: &[],
        help: HELP_GETMEMPOOLINFO,
    },
    Method {
        name: "getrawmempool",
        category: "blockchain",
        params: &[
            Param::optional("verbose", Bool, "false"),
            Param::optional("mempool_sequence", Bool, "false"),
        ],
        help: HELP_GETRAWMEMPOOL,
    },
    Method {
        name: "getmempoolentry",
        category: "blockchain",
        params: &[Param::required("txid", StrHex)],
        help: HELP_GETMEMPOOLENTRY,
    },
    Method {
        name: "getmempoolancestors",
        category: "blockchain",
        params: &[
            Param::required("txid", StrHex),
            Param::optional("verbose", Bool, "false"),
        ],
        help: HELP_GETMEMPOOLANCESTORS,
    },
    Method {
        name: "getmempooldescendants",
        category: "blockchain",
        params: &[
            Param::required("txid", StrHex),
            Param::optional("verbose", Bool, "false"),
        ],
        help: HELP_GETMEMPOOLDESCENDANTS,
    },
    Method {
        name: "getmempoolcluster",
        category: "blockchain",
        params: &[Param::required("txid", StrHex)],
        help: HELP_GETMEMPOOLCLUSTER,
    },
    Method {
        name: "getmempoolfeeratediagram",
        category: "hidden",
        params: &[],
        help: HELP_GETMEMPOOLFEERATEDIAGRAM,
    },
    Method {
        name: "gettxspendingprevout",
        category: "blockchain",
        params: &[
            Param::required("outputs", Arr),
            Param::omitted("options", Obj),
        ],
        help: HELP_GETTXSPENDINGPREVOUT,
    },
    Method {
        name: "savemempool",
        category: "blockchain",
        params: &[],
        help: HELP_SAVEMEMPOOL,
    },
    Method {
        name: "sendrawtransaction",
        category: "rawtransactions",
        params: &[
            Param::required("hexstring", StrHex),
            Param::optional("maxfeerate", Amount, "\"0.10\""),
            Param::optional("maxburnamount", Amount, "\"0.00\""),
        ],
        help: HELP_SENDRAWTRANSACTION,
    },
    Method {
        name: "testmempoolaccept",
        category: "rawtransactions",
        params: &[
            Param::required("rawtxs", Arr),
            Param::optional("maxfeerate", Amount, "\"0.10\""),
        ],
        help: HELP_TESTMEMPOOLACCEPT,
    },
    Method {
        name: "submitpackage",
        category: "rawtransactions",
        params: &[
            Param::required("package", Arr),
            Param::optional("maxfeerate", Amount, "\"0.10\""),
            Param::optional("maxburnamount", Amount, "\"0.00\""),
        ],
        help: HELP_SUBMITPACKAGE,
    },
    Method {
        name: "prioritisetransaction",
        category: "mining",
        params: &[
            Param::required("txid", StrHex),
            Param::omitted("dummy", Num),
            Param::required("fee_delta", Num),
        ],
        help: HELP_PRIORITISETRANSACTION,
    },
    Method {
        name: "getprioritisedtransactions",
        category: "mining",
        params: &[],
        help: HELP_GETPRIORITISEDTRANSACTIONS,
    },
];

const HELP_GETMEMPOOLINFO: &str = r#"getmempoolinfo

Describes the pool of unconfirmed transactions and the rules it admits them by.

Result:
{                                       (json object)
  "loaded" : true|false,                (boolean) Whether loading the pool saved at the last shutdown is finished
  "size" : n,                           (numeric) Number of transactions in the pool
  "bytes" : n,                          (numeric) Total virtual size of the transactions (BIP 141: witness bytes count a quarter)
  "usage" : n,                          (numeric) Memory the pool takes, in bytes
  "total_fee" : n,                      (numeric) Sum of the transactions' own fees in BTC (prioritisetransaction deltas left out)
  "maxmempool" : n,                     (numeric) Most memory the pool may take, in bytes
  "mempoolminfee" : n,                  (numeric) Lowest fee rate, in BTC/kvB, a transaction needs to enter: the higher of minrelaytxfee and the pool's own minimum
  "minrelaytxfee" : n,                  (numeric) Lowest fee rate, in BTC/kvB, relayed at all
  "incrementalrelayfee" : n,            (numeric) Fee rate step, in BTC/kvB, for replacements and for trimming a full pool
  "unbroadcastcount" : n,               (numeric) Transactions not yet announced to any peer
  "permitbaremultisig" : true|false,    (boolean) Whether outputs with bare multisig scripts are accepted
  "maxdatacarriersize" : n,             (numeric) Most bytes OP_RETURN outputs may carry
  "limitclustercount" : n,              (numeric) Most transactions in one cluster (-limitclustercount)
  "limitclustersize" : n,               (numeric) Largest cluster, in virtual bytes (-limitclustersize)
  "optimal" : true|false                (boolean) Whether the pool's transaction order is known to be optimal
}

Examples:
> bitcoin-cli getmempoolinfo 
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "getmempoolinfo", "params": []}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_GETRAWMEMPOOL: &str = r#"getrawmempool ( verbose mempool_sequence )

Lists the ids of the transactions in the pool of unconfirmed transactions.

Hint: getmempoolentry describes one of them.

Arguments:
1. verbose             (boolean, optional, default=false) true for an object describing each transaction, false for the list of ids
2. mempool_sequence    (boolean, optional, default=false) With verbose=false, an object holding the list and the pool's sequence number

Result (for verbose = false):
[           (json array)
  "hex",    (string) A transaction id
  ...
]

Result (for verbose = true):
{                                  (json object)
  "transactionid" : {              (json object)
    "vsize" : n,                   (numeric) virtual size (BIP 141)
    "weight" : n,                  (numeric) weight (BIP 141)
    "time" : xxx,                  (numeric) when it entered the pool, in seconds since 1 Jan 1970 GMT
    "height" : n,                  (numeric) the tip's height when it entered the pool
    "descendantcount" : n,         (numeric) transactions in the pool spending it, directly or not, itself included
    "descendantsize" : n,          (numeric) virtual size of those descendants, itself included
    "ancestorcount" : n,           (numeric) transactions in the pool it spends, directly or not, itself included
    "ancestorsize" : n,            (numeric) virtual size of those ancestors, itself included
    "chunkweight" : n,             (numeric) weight, adjusted for signature operations (-bytespersigop), of its chunk
    "wtxid" : "hex",               (string) hash of the transaction with its witness
    "fees" : {                     (json object)
      "base" : n,                  (numeric) its fee, in BTC
      "modified" : n,              (numeric) its fee with prioritisetransaction deltas, in BTC
      "ancestor" : n,              (numeric) modified fees of it and its ancestors, in BTC
      "descendant" : n,            (numeric) modified fees of it and its descendants, in BTC
      "chunk" : n                  (numeric) fees of its chunk, in BTC
    },
    "depends" : [                  (json array) unconfirmed transactions whose outputs it spends
      "hex",                       (string) a parent's id
      ...
    ],
    "spentby" : [                  (json array) unconfirmed transactions spending its outputs
      "hex",                       (string) a child's id
      ...
    ],
    "unbroadcast" : true|false     (boolean) whether no peer has acknowledged it yet
  },
  ...
}

Result (for verbose = false and mempool_sequence = true):
{                            (json object)
  "txids" : [                (json array)
    "hex",                   (string) A transaction id
    ...
  ],
  "mempool_sequence" : n     (numeric) The pool's sequence number
}

Examples:
> bitcoin-cli getrawmempool true
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "getrawmempool", "params": [true]}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_GETMEMPOOLENTRY: &str = r#"getmempoolentry "txid"

Describes one transaction of the pool.

Arguments:
1. txid    (string, required) The transaction id (must be in the pool)

Result:
{                                (json object)
  "vsize" : n,                   (numeric) virtual size (BIP 141)
  "weight" : n,                  (numeric) weight (BIP 141)
  "time" : xxx,                  (numeric) when it entered the pool, in seconds since 1 Jan 1970 GMT
  "height" : n,                  (numeric) the tip's height when it entered the pool
  "descendantcount" : n,         (numeric) its descendants in the pool, itself included
  "descendantsize" : n,          (numeric) their virtual size
  "ancestorcount" : n,           (numeric) its ancestors in the pool, itself included
  "ancestorsize" : n,            (numeric) their virtual size
  "chunkweight" : n,             (numeric) sigop-adjusted weight of its chunk
  "wtxid" : "hex",               (string) hash with witness
  "fees" : {...},                (json object) base, modified, ancestor, descendant and chunk fees in BTC
  "depends" : [...],             (json array) its parents in the pool
  "spentby" : [...],             (json array) its children in the pool
  "unbroadcast" : true|false     (boolean) whether no peer has acknowledged it yet
}

Examples:
> bitcoin-cli getmempoolentry "mytxid"
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "getmempoolentry", "params": []}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_GETMEMPOOLANCESTORS: &str = r#"getmempoolancestors "txid" ( verbose )

Lists a pool transaction's in-pool ancestors (the transactions it spends, directly or not).

Arguments:
1. txid       (string, required) The transaction id (must be in the pool)
2. verbose    (boolean, optional, default=false) true for an object describing each, false for their ids

Result (for verbose = false):
[           (json array)
  "hex",    (string) A transaction id
  ...
]

Result (for verbose = true):
{                             (json object)
  "transactionid" : {...},    (json object) as getmempoolentry describes it
  ...
}

Examples:
> bitcoin-cli getmempoolancestors "mytxid"
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "getmempoolancestors", "params": []}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_GETMEMPOOLDESCENDANTS: &str = r#"getmempooldescendants "txid" ( verbose )

Lists a pool transaction's in-pool descendants (the transactions spending it, directly or not).

Arguments:
1. txid       (string, required) The transaction id (must be in the pool)
2. verbose    (boolean, optional, default=false) true for an object describing each, false for their ids

Result (for verbose = false):
[           (json array)
  "hex",    (string) A transaction id
  ...
]

Result (for verbose = true):
{                             (json object)
  "transactionid" : {...},    (json object) as getmempoolentry describes it
  ...
}

Examples:
> bitcoin-cli getmempooldescendants "mytxid"
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "getmempooldescendants", "params": []}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_SAVEMEMPOOL: &str = r#"savemempool

Writes the pool to mempool.dat in the data directory, as the node does when it stops.

Result:
{                        (json object)
  "filename" : "str"     (string) the file written
}

Examples:
> bitcoin-cli savemempool 
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "savemempool", "params": []}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_SENDRAWTRANSACTION: &str = r#"sendrawtransaction "hexstring" ( maxfeerate maxburnamount )

Submits a signed transaction to the pool and announces it to the peers.

Arguments:
1. hexstring        (string, required) The signed transaction, in hex
2. maxfeerate       (numeric or string, optional, default="0.10") Refuse a fee rate above this, in BTC/kvB; 0 for no limit
3. maxburnamount    (numeric or string, optional, default="0.00") Refuse an unspendable output holding more than this, in BTC

Result:
"hex"    (string) The transaction id

Examples:
> bitcoin-cli sendrawtransaction "signedhex"
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "sendrawtransaction", "params": []}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_TESTMEMPOOLACCEPT: &str = r#"testmempoolaccept ["rawtx",...] ( maxfeerate )

Says whether the pool would accept the transactions, without adding them. Several are judged as a package: parents first, no replacements.

Arguments:
1. rawtxs        (json array, required) Up to 25 signed transactions, in hex
2. maxfeerate    (numeric or string, optional, default="0.10") Refuse a fee rate above this, in BTC/kvB

Result:
[                                (json array)
  {                              (json object)
    "txid" : "hex",              (string) The transaction id
    "wtxid" : "hex",             (string) The hash with witness
    "package-error" : "str",     (string, optional) Why the package as a whole is refused
    "allowed" : true|false,      (boolean, optional) Whether it would be accepted
    "vsize" : n,                 (numeric, optional) Its virtual size, if allowed
    "fees" : {...},              (json object, optional) base fee, effective fee rate and the transactions it was judged with, if allowed
    "reject-reason" : "str",     (string, optional) Why not
    "reject-details" : "str"     (string, optional) The reason with its details
  },
  ...
]

Examples:
> bitcoin-cli testmempoolaccept '["signedhex"]'
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "testmempoolaccept", "params": []}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_SUBMITPACKAGE: &str = r#"submitpackage ["rawtx",...] ( maxfeerate maxburnamount )

Submits a child and its parents together, so that the child's fee can carry parents paying too little alone.

Arguments:
1. package          (json array, required) The parents, then the child, in hex
2. maxfeerate       (numeric or string, optional, default="0.10") Refuse a fee rate above this, in BTC/kvB; 0 for no limit
3. maxburnamount    (numeric or string, optional, default="0.00") Refuse an unspendable output holding more than this, in BTC

Result:
{                                                                                           (json object)
  "package_msg" : "str",                                                                    (string) "success", or why the package failed
  "tx-results" : {...},                                                                     (json object) by wtxid: txid, vsize and fees, or other-wtxid, or error
  "replaced-transactions" : [...] (json array) ids of the pool transactions it replaced
}

Examples:
> bitcoin-cli submitpackage '["rawtx1", "rawtx2"]'
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "submitpackage", "params": []}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_PRIORITISETRANSACTION: &str = r#"prioritisetransaction "txid" ( dummy ) fee_delta

Changes the fee this node counts for a transaction when it mines and evicts, not what the transaction pays.

Arguments:
1. txid         (string, required) The transaction id, in the pool or not yet
2. dummy        (numeric, optional) Must be 0 or null (a former argument)
3. fee_delta    (numeric, required) Satoshis to add (or subtract, if negative)

Result:
true|false    (boolean) true

Examples:
> bitcoin-cli prioritisetransaction "txid" 0.0 10000
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "prioritisetransaction", "params": []}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_GETPRIORITISEDTRANSACTIONS: &str = r#"getprioritisedtransactions

Lists the fee deltas given with prioritisetransaction.

Result:
{                                                                                  (json object)
  "txid" : {                                                                       (json object)
    "fee_delta" : n,                                                               (numeric) the delta, in satoshis
    "in_mempool" : true|false, (boolean) whether the transaction is in the pool
    "modified_fee" : n                                                             (numeric, optional) its fee with the delta, in satoshis, if in the pool
  },
  ...
}

Examples:
> bitcoin-cli getprioritisedtransactions 
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "getprioritisedtransactions", "params": []}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_GETMEMPOOLCLUSTER: &str = r#"getmempoolcluster "txid"

Describes the cluster of a pool transaction: every pool transaction connected to it by spends, chunk by chunk in the order a miner takes them.

Arguments:
1. txid    (string, required) A transaction of the cluster

Result:
{                           (json object)
  "clusterweight" : n,      (numeric) its sigop-adjusted weight
  "txcount" : n,            (numeric) its transactions
  "chunks" : [              (json array) its chunks, in mining order
    {                       (json object)
      "chunkfee" : n,       (numeric) the chunk's fees (with prioritisetransaction deltas), in BTC
      "chunkweight" : n,    (numeric) its sigop-adjusted weight
      "txs" : [             (json array) its transactions, in mining order
        "hex",              (string) a transaction id
        ...
      ]
    },
    ...
  ]
}

Examples:
> bitcoin-cli getmempoolcluster txid
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "getmempoolcluster", "params": [txid]}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_GETMEMPOOLFEERATEDIAGRAM: &str = r#"getmempoolfeeratediagram

The whole pool's feerate diagram: fees collected against block space, chunk by chunk.

Result (mempool chunks):
[                    (json array)
  {                  (json object)
    "weight" : n,    (numeric) sigop-adjusted weight so far
    "fee" : n        (numeric) fees so far, in BTC
  },
  ...
]

Examples:
> bitcoin-cli getmempoolfeeratediagram 
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "getmempoolfeeratediagram", "params": []}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_GETTXSPENDINGPREVOUT: &str = r#"gettxspendingprevout [{"txid":"hex","vout":n},...] ( {"mempool_only":bool,"return_spending_tx":bool,...} )

Finds the pool transactions spending the given outputs.

Arguments:
1. outputs                                                                                                       (json array, required) The outputs to look up
     [
       {                                                                                                         (json object)
         "txid": "hex",                                                                                          (string, required) The transaction id
         "vout": n,                                                                                              (numeric, required) The output number
       },
       ...
     ]
2. options                                                                                                       (json object, optional)
     {
       "mempool_only": bool,                                                                                     (boolean, optional, default=true) Look in the pool only (sou keeps no index of confirmed spends)
       "return_spending_tx": bool, (boolean, optional, default=false) Include the spending transaction in hex
     }

Result:
[                              (json array)
  {                            (json object)
    "txid" : "hex",            (string) the output's transaction id
    "vout" : n,                (numeric) the output's number
    "spendingtxid" : "hex",    (string, optional) the pool transaction spending it
    "spendingtx" : "hex"       (string, optional) that transaction, if asked for
  },
  ...
]

Examples:
> bitcoin-cli gettxspendingprevout "[{\"txid\":\"a08e6907dbbd3d809776dbfc5d82e371b764ed838b5655e72f463568df1aadf0\",\"vout\":3}]"
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "gettxspendingprevout", "params": []}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;
