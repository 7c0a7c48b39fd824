//! Core's `blockchain` methods that describe the memory pool: `getmempoolinfo` and
//! `getrawmempool`. sou's node takes no unconfirmed transactions yet (no
//! `sendrawtransaction`, no relay), so its pool is always empty and these answer so; Core's
//! test framework asks them after every start and every sync.
//!
//! References: Core `src/rpc/mempool.cpp` (`getmempoolinfo`, `getrawmempool`).

use super::ParamType::Bool;
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
