//! Core's `blockchain` methods that read blocks and the chain: the tip, a block or its
//! header by hash, a hash by height, statistics of a block, the chain tips, the state of
//! the soft-fork deployments and the difficulty.
//!
//! The other half of the category, the methods on the UTXO set and the active chain, is in
//! `chainstate.rs`; both keep the category `blockchain`, which is what `help` shows.
//!
//! References: Core `src/rpc/blockchain.cpp` (`getblock`, `getblockchaininfo`,
//! `getblockheader`, ...), `src/rpc/util.cpp` (`RPCMethod::ToString` for the layout).

use super::ParamType::{Any, Arr, Bool, Num, StrHex};
use super::{Method, Param};

/// Core's `blockchain` methods on blocks and the chain, from `getbestblockhash` to
/// `getdifficulty`, in [`METHODS`](super::METHODS) order.
pub(super) const METHODS: &[Method] = &[
    Method {
        name: "getbestblockhash",
        category: "blockchain",
        params: &[],
        help: HELP_GETBESTBLOCKHASH,
    },
    Method {
        name: "getblock",
        category: "blockchain",
        params: &[
            Param::required("blockhash", StrHex),
            // NUM in Core, unchecked: a boolean is taken too.
            Param::optional("verbosity|verbose", Any, "1"),
        ],
        help: HELP_GETBLOCK,
    },
    Method {
        name: "getblockchaininfo",
        category: "blockchain",
        params: &[],
        help: HELP_GETBLOCKCHAININFO,
    },
    Method {
        name: "getblockcount",
        category: "blockchain",
        params: &[],
        help: HELP_GETBLOCKCOUNT,
    },
    Method {
        name: "getblockhash",
        category: "blockchain",
        params: &[Param::required("height", Num)],
        help: HELP_GETBLOCKHASH,
    },
    Method {
        name: "getblockheader",
        category: "blockchain",
        params: &[
            Param::required("blockhash", StrHex),
            Param::optional("verbose", Bool, "true"),
        ],
        help: HELP_GETBLOCKHEADER,
    },
    Method {
        name: "getblockstats",
        category: "blockchain",
        params: &[
            // NUM in Core, unchecked: a hash or a height.
            Param::required("hash_or_height", Any),
            Param::optional("stats", Arr, "all values"),
        ],
        help: HELP_GETBLOCKSTATS,
    },
    Method {
        name: "getchaintips",
        category: "blockchain",
        params: &[],
        help: HELP_GETCHAINTIPS,
    },
    Method {
        name: "getchaintxstats",
        category: "blockchain",
        params: &[
            Param::optional("nblocks", Num, "one month"),
            Param::optional("blockhash", StrHex, "chain tip"),
        ],
        help: HELP_GETCHAINTXSTATS,
    },
    Method {
        name: "getdeploymentinfo",
        category: "blockchain",
        params: &[Param::optional(
            "blockhash",
            StrHex,
            r#""hash of current chain tip""#,
        )],
        help: HELP_GETDEPLOYMENTINFO,
    },
    Method {
        name: "getdifficulty",
        category: "blockchain",
        params: &[],
        help: HELP_GETDIFFICULTY,
    },
];

// The help texts, in the order of `METHODS`. A line of a result or argument list starts with
// the key and its JSON type, padded to one column per block, as Core pads them; the words
// after the type are sou's.

const HELP_GETBESTBLOCKHASH: &str = r#"getbestblockhash

Returns the hash of the tip of the most-work chain whose blocks are all validated.

Result:
"hex"    (string) hash of the tip block, in hex

Examples:
> bitcoin-cli getbestblockhash 
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "getbestblockhash", "params": []}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_GETBLOCK: &str = r#"getblock "blockhash" ( verbosity )

Returns a block of the block tree, in one of four levels of detail:
verbosity 0: the serialized block, as hex.
verbosity 1: an object describing the block, with the txids of its transactions.
verbosity 2: the same object, with each transaction decoded.
verbosity 3: as 2, and each input also shows the output it spends (only for blocks that are stored and in the active chain).

Arguments:
1. blockhash    (string, required) Hash of the block
2. verbosity    (numeric, optional, default=1) 0 for the serialized block in hex, 1 for an object, 2 for an object with decoded transactions, 3 for that plus each input's spent output

Result (for verbosity = 0):
"hex"    (string) The serialized block, as hex

Result (for verbosity = 1):
{                                 (json object)
  "hash" : "hex",                 (string) block hash (the one asked for)
  "confirmations" : n,            (numeric) Blocks on top of this one in the active chain, counting itself; -1 if it is not in the active chain
  "size" : n,                     (numeric) Serialized size in bytes, witness included
  "strippedsize" : n,             (numeric) Serialized size in bytes without witness data
  "weight" : n,                   (numeric) Weight as BIP141 defines it
  "coinbase_tx" : {               (json object) Fields of the coinbase transaction
    "version" : n,                (numeric) Version of the coinbase transaction
    "locktime" : n,               (numeric) nLockTime of the coinbase transaction
    "sequence" : n,               (numeric) nSequence of the coinbase input
    "coinbase" : "hex",           (string) scriptSig of the coinbase input
    "witness" : "hex"             (string, optional) The single witness stack item of the coinbase input, when there is one
  },
  "height" : n,                   (numeric) Height of the block in the block tree
  "version" : n,                  (numeric) Version field of the header
  "versionHex" : "hex",           (string) Version field of the header, as hex
  "merkleroot" : "hex",           (string) Merkle root of the block's transactions
  "tx" : [                        (json array) Txids of the block's transactions, in block order
    "hex",                        (string) A txid
    ...
  ],
  "time" : xxx,                   (numeric) Timestamp of the header, in UNIX epoch time
  "mediantime" : xxx,             (numeric) Median timestamp of the last 11 blocks up to this one, in UNIX epoch time
  "nonce" : n,                    (numeric) Nonce field of the header
  "bits" : "hex",                 (string) nBits of the block: its target in compact form
  "target" : "hex",               (string) Target the block hash had to meet, written out in full
  "difficulty" : n,               (numeric) Difficulty of the block
  "chainwork" : "hex",            (string) Total proof of work of the chain ending at this block, as hex (expected number of hashes)
  "nTx" : n,                      (numeric) Number of transactions, coinbase included
  "previousblockhash" : "hex",    (string, optional) Hash of the parent block (absent for genesis)
  "nextblockhash" : "hex"         (string, optional) Hash of the child block in the active chain (absent at the tip)
}

Result (for verbosity = 2):
{                   (json object)
  ...,              All the fields of verbosity 1
  "tx" : [          (json array)
    {               (json object)
      ...,          Each transaction as getrawtransaction decodes it, instead of a txid
      "fee" : n     (numeric, optional) Fee paid by the transaction in BTC; absent when the block's undo data is missing
    },
    ...
  ]
}

Result (for verbosity = 3):
{                                        (json object)
  ...,                                   All the fields of verbosity 2
  "tx" : [                               (json array)
    {                                    (json object)
      "vin" : [                          (json array)
        {                                (json object)
          ...,                           All the input fields of verbosity 2
          "prevout" : {                  (json object, optional) The output this input spends (only when undo data is available)
            "generated" : true|false,    (boolean) Whether it was created by a coinbase transaction
            "height" : n,                (numeric) Height of the block that created the spent output
            "value" : n,                 (numeric) Amount in BTC
            "scriptPubKey" : {           (json object)
              "asm" : "str",             (string) The output script in human-readable opcodes
              "desc" : "str",            (string) Descriptor inferred from the output script
              "hex" : "hex",             (string) The output script bytes, as hex
              "address" : "str",         (string, optional) Address of the output script (only when the script has a standard address form)
              "type" : "str"             (string) Script template (one of: nonstandard, anchor, pubkey, pubkeyhash, scripthash, multisig, nulldata, witness_v0_scripthash, witness_v0_keyhash, witness_v1_taproot, witness_unknown)
            }
          }
        },
        ...
      ]
    },
    ...
  ]
}

Examples:
> bitcoin-cli getblock "00000000c937983704a73af28acdec37b049d214adbda81d7e2a3dd146f6ed09"
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "getblock", "params": ["00000000c937983704a73af28acdec37b049d214adbda81d7e2a3dd146f6ed09"]}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_GETBLOCKCHAININFO: &str = r#"getblockchaininfo

Reports the state of this node's block chain: which network, how far it has validated, and the
work, difficulty and pruning behind its tip.

Result:
{                                         (json object)
  "chain" : "str",                        (string) network this node runs on (main, test, testnet4, signet, regtest)
  "blocks" : n,                           (numeric) height of the tip of the most-work chain whose blocks are all validated (genesis is at height 0)
  "headers" : n,                          (numeric) number of block headers validated so far
  "bestblockhash" : "str",                (string) hash of the block at the tip
  "bits" : "hex",                         (string) nBits of the tip: its difficulty target in compact form
  "target" : "hex",                       (string) target of the tip, written out in full
  "difficulty" : n,                       (numeric) difficulty of the tip
  "time" : xxx,                           (numeric) timestamp of the tip, in UNIX epoch time
  "mediantime" : xxx,                     (numeric) median timestamp of the last 11 blocks up to the tip, in UNIX epoch time
  "verificationprogress" : n,             (numeric) rough share of the chain validated so far, from 0 to 1
  "initialblockdownload" : true|false,    (boolean) (debug information) whether the node thinks it is still in Initial Block Download
  "backgroundvalidation" : {              (json object, optional) progress of the background chainstate that checks an assumeutxo snapshot
    "snapshotheight" : n,                 (numeric) height of the snapshot; the background chainstate validates from genesis up to here
    "blocks" : n,                         (numeric) height of the tip of the background chainstate (genesis is at height 0)
    "bestblockhash" : "str",              (string) hash of the tip of the background chainstate
    "mediantime" : xxx,                   (numeric) median timestamp of the last 11 blocks up to the background tip, in UNIX epoch time
    "verificationprogress" : n,           (numeric) rough share of the background validation done so far, from 0 to 1
    "chainwork" : "hex"                   (string) total proof of work in the background chainstate, as hex
  },
  "chainwork" : "hex",                    (string) total proof of work in the active chain, as hex
  "size_on_disk" : n,                     (numeric) estimated bytes that block and undo files take on disk
  "pruned" : true|false,                  (boolean) whether old blocks may be deleted (pruning)
  "pruneheight" : n,                      (numeric, optional) lowest height whose block is still stored; everything below was pruned (only with pruning)
  "automatic_pruning" : true|false,       (boolean, optional) whether the node prunes by itself (only with pruning)
  "prune_target_size" : n,                (numeric, optional) disk size pruning aims to stay under (only with automatic pruning)
  "signet_challenge" : "hex",             (string, optional) the signet block challenge script, as hex (only on a signet)
  "warnings" : [                          (json array) warnings about the network or the chain (start with `-deprecatedrpc=warnings` to get only the latest one, as a string)
    "str",                                (string) one warning
    ...
  ]
}

Examples:
> bitcoin-cli getblockchaininfo 
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "getblockchaininfo", "params": []}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_GETBLOCKCOUNT: &str = r#"getblockcount

Returns the height of the tip of the most-work chain whose blocks are all validated.
Genesis is at height 0.

Result:
n    (numeric) Height of the tip

Examples:
> bitcoin-cli getblockcount 
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "getblockcount", "params": []}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_GETBLOCKHASH: &str = r#"getblockhash height

Returns the hash of the block at a given height of the active chain.

Arguments:
1. height    (numeric, required) Height in the active chain

Result:
"hex"    (string) Hash of the block at that height

Examples:
> bitcoin-cli getblockhash 1000
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "getblockhash", "params": [1000]}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_GETBLOCKHEADER: &str = r#"getblockheader "blockhash" ( verbose )

Returns a block header of the block tree: with verbose true (the default) as an object
describing it, with verbose false as the 80 serialized bytes in hex.

Arguments:
1. blockhash    (string, required) Hash of the block
2. verbose      (boolean, optional, default=true) true for an object, false for the serialized header in hex

Result (for verbose = true):
{                                 (json object)
  "hash" : "hex",                 (string) block hash (the one asked for)
  "confirmations" : n,            (numeric) Blocks on top of this one in the active chain, counting itself; -1 if it is not in the active chain
  "height" : n,                   (numeric) Height of the block in the block tree
  "version" : n,                  (numeric) Version field of the header
  "versionHex" : "hex",           (string) Version field of the header, as hex
  "merkleroot" : "hex",           (string) Merkle root of the block's transactions
  "time" : xxx,                   (numeric) Timestamp of the header, in UNIX epoch time
  "mediantime" : xxx,             (numeric) Median timestamp of the last 11 blocks up to this one, in UNIX epoch time
  "nonce" : n,                    (numeric) Nonce field of the header
  "bits" : "hex",                 (string) nBits of the block: its target in compact form
  "target" : "hex",               (string) Target the block hash had to meet, written out in full
  "difficulty" : n,               (numeric) Difficulty of the block
  "chainwork" : "hex",            (string) Total proof of work of the chain ending at this block, as hex (expected number of hashes)
  "nTx" : n,                      (numeric) Number of transactions, coinbase included
  "previousblockhash" : "hex",    (string, optional) Hash of the parent block (absent for genesis)
  "nextblockhash" : "hex"         (string, optional) Hash of the child block in the active chain (absent at the tip)
}

Result (for verbose=false):
"hex"    (string) The 80-byte serialized header, as hex

Examples:
> bitcoin-cli getblockheader "00000000c937983704a73af28acdec37b049d214adbda81d7e2a3dd146f6ed09"
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "getblockheader", "params": ["00000000c937983704a73af28acdec37b049d214adbda81d7e2a3dd146f6ed09"]}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_GETBLOCKSTATS: &str = r#"getblockstats hash_or_height ( stats )

Computes statistics of one block: fees, feerates, sizes, and how it changed the UTXO set. Amounts are in satoshis.
Needs the block and its undo data, so it fails for pruned heights.

Arguments:
1. hash_or_height    (string or numeric, required) Hash or height of the block
2. stats             (json array, optional, default=all values) Names of the statistics to compute (the keys of the result below)
     [
       "height",     (string) Name of a statistic
       "time",       (string) Name of a statistic
       ...
     ]

Result:
{                                (json object)
  "avgfee" : n,                  (numeric, optional) Mean fee of the block's transactions
  "avgfeerate" : n,              (numeric, optional) Mean feerate, in satoshis per virtual byte
  "avgtxsize" : n,               (numeric, optional) Mean transaction size
  "blockhash" : "hex",           (string, optional) Hash of the block (so a caller can detect a reorganization)
  "feerate_percentiles" : [      (json array, optional) Feerates at the 10th, 25th, 50th, 75th and 90th percentiles, weighted by weight unit (satoshis per virtual byte)
    n,                           (numeric) 10th percentile
    n,                           (numeric) 25th percentile
    n,                           (numeric) 50th percentile
    n,                           (numeric) 75th percentile
    n                            (numeric) 90th percentile
  ],
  "height" : n,                  (numeric, optional) Height of the block
  "ins" : n,                     (numeric, optional) Number of inputs, coinbase excluded
  "maxfee" : n,                  (numeric, optional) Largest fee
  "maxfeerate" : n,              (numeric, optional) Highest feerate, in satoshis per virtual byte
  "maxtxsize" : n,               (numeric, optional) Largest transaction size
  "medianfee" : n,               (numeric, optional) Median fee (rounded down)
  "mediantime" : n,              (numeric, optional) Median timestamp of the last 11 blocks up to this one
  "mediantxsize" : n,            (numeric, optional) Median transaction size (rounded down)
  "minfee" : n,                  (numeric, optional) Smallest fee
  "minfeerate" : n,              (numeric, optional) Lowest feerate, in satoshis per virtual byte
  "mintxsize" : n,               (numeric, optional) Smallest transaction size
  "outs" : n,                    (numeric, optional) Number of outputs
  "subsidy" : n,                 (numeric, optional) Subsidy of the block
  "swtotal_size" : n,            (numeric, optional) Summed size of the transactions that have witness data
  "swtotal_weight" : n,          (numeric, optional) Summed weight of the transactions that have witness data
  "swtxs" : n,                   (numeric, optional) Number of transactions that have witness data
  "time" : n,                    (numeric, optional) Timestamp of the block
  "total_out" : n,               (numeric, optional) Sum of all outputs, coinbase excluded (so without subsidy and fees)
  "total_size" : n,              (numeric, optional) Summed size of all transactions but the coinbase
  "total_weight" : n,            (numeric, optional) Summed weight of all transactions but the coinbase
  "totalfee" : n,                (numeric, optional) Sum of all fees
  "txs" : n,                     (numeric, optional) Number of transactions, coinbase included
  "utxo_increase" : n,           (numeric, optional) Change in the number of unspent outputs (unspendable outputs such as OP_RETURN counted too)
  "utxo_size_inc" : n,           (numeric, optional) Change in the size of the UTXO set (unspendable outputs such as OP_RETURN counted too)
  "utxo_increase_actual" : n,    (numeric, optional) Change in the number of unspent outputs, unspendable outputs left out
  "utxo_size_inc_actual" : n     (numeric, optional) Change in the size of the UTXO set, unspendable outputs left out
}

Examples:
> bitcoin-cli getblockstats '"00000000c937983704a73af28acdec37b049d214adbda81d7e2a3dd146f6ed09"' '["minfeerate","avgfeerate"]'
> bitcoin-cli getblockstats 1000 '["minfeerate","avgfeerate"]'
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "getblockstats", "params": ["00000000c937983704a73af28acdec37b049d214adbda81d7e2a3dd146f6ed09", ["minfeerate","avgfeerate"]]}' -H 'content-type: application/json' http://127.0.0.1:8332/
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "getblockstats", "params": [1000, ["minfeerate","avgfeerate"]]}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_GETCHAINTIPS: &str = r#"getchaintips

Lists every tip of the block tree: the tip of the active chain and the tips of side branches.

Result:
[                        (json array)
  {                      (json object)
    "height" : n,        (numeric) its height
    "hash" : "hex",      (string) its hash
    "branchlen" : n,     (numeric) blocks from the tip back to where its branch meets the active chain; 0 for the active chain
    "status" : "str"     (string) what the node knows of the branch:
                         1.  "invalid"               some block of the branch broke a rule
                         2.  "headers-only"          headers are valid but not all blocks have arrived
                         3.  "valid-headers"         all blocks are stored but not all were validated
                         4.  "valid-fork"            fully validated, but not part of the active chain
                         5.  "active"                tip of the active chain, so valid
  },
  ...
]

Examples:
> bitcoin-cli getchaintips 
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "getchaintips", "params": []}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_GETCHAINTXSTATS: &str = r#"getchaintxstats ( nblocks "blockhash" )

Counts the transactions of the active chain up to a block, and how fast they came over a window of blocks ending there.
The window's time is the difference of the median times past of its two ends.

Arguments:
1. nblocks      (numeric, optional, default=one month) Number of blocks in the window
2. blockhash    (string, optional, default=chain tip) Hash of the last block of the window, on the active chain

Result:
{                                       (json object)
  "time" : xxx,                         (numeric) Timestamp of the window's last block, in UNIX epoch time
  "txcount" : n,                        (numeric, optional) Transactions in the chain from genesis up to and including that block, when known (not for blocks below an assumeutxo snapshot)
  "window_final_block_hash" : "hex",    (string) Hash of the window's last block
  "window_final_block_height" : n,      (numeric) Height of the window's last block
  "window_block_count" : n,             (numeric) Number of blocks in the window
  "window_interval" : n,                (numeric, optional) Seconds the window spans; only when "window_block_count" is above 0
  "window_tx_count" : n,                (numeric, optional) Transactions in the window; only when "window_block_count" is above 0 and both ends have a txcount
  "txrate" : n                          (numeric, optional) Mean transactions per second over the window; only when "window_interval" is above 0 and "window_tx_count" is given
}

Examples:
> bitcoin-cli getchaintxstats 
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "getchaintxstats", "params": [2016]}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_GETDEPLOYMENTINFO: &str = r#"getdeploymentinfo ( "blockhash" )

Reports, for each soft fork the node knows, how it is deployed and whether it is in force at a block.
Soft forks enforced from genesis on this network are left out of "deployments".

Arguments:
1. blockhash    (string, optional, default="hash of current chain tip") Hash of the block to report on

Result:
{                                       (json object)
  "hash" : "str",                       (string) hash of the block reported on
  "height" : n,                         (numeric) height of the block reported on
  "script_flags" : [                    (json array) script verification flags that apply to the block's transactions
    "str",                              (string) name of one flag
    ...
  ],
  "deployments" : {                     (json object)
    "xxxx" : {                          (json object) deployment, keyed by its name
      "type" : "str",                   (string) how it is deployed: "buried" or "bip9"
      "height" : n,                     (numeric, optional) first height at which the rules are or will be enforced (for "buried", and for "bip9" once "active")
      "active" : true|false,            (boolean) whether the rules apply to the mempool and to the next block
      "bip9" : {                        (json object, optional) version-bits signalling details (only for "bip9")
        "bit" : n,                      (numeric, optional) version bit (0-28) that signals readiness (only while "started" or "locked_in")
        "start_time" : xxx,             (numeric) median time past from which signalling counts
        "timeout" : xxx,                (numeric) median time past after which the deployment fails unless locked in
        "min_activation_height" : n,    (numeric) lowest height at which the rules may take effect
        "status" : "str",               (string) state at this block: "defined", "started", "locked_in", "active" or "failed"
        "since" : n,                    (numeric) height of the first block in this state
        "status_next" : "str",          (string) state at the next block
        "statistics" : {                (json object, optional) signalling counts for the current period (only while "started" or "locked_in")
          "period" : n,                 (numeric) blocks in a signalling period
          "threshold" : n,              (numeric, optional) signalling blocks needed in a period to lock in (only while "started")
          "elapsed" : n,                (numeric) blocks of the current period so far
          "count" : n,                  (numeric) signalling blocks of the current period so far
          "possible" : true|false       (boolean, optional) false once the period can no longer reach the threshold (only while "started")
        },
        "signalling" : "str"            (string, optional) one character per block of the period: # signalled, - did not
      }
    },
    ...
  }
}

Examples:
> bitcoin-cli getdeploymentinfo 
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "getdeploymentinfo", "params": []}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_GETDIFFICULTY: &str = r#"getdifficulty

Returns the difficulty of the tip: how many times harder than the easiest target its target is.

Result:
n    (numeric) difficulty of the tip, as a multiple of the easiest allowed target

Examples:
> bitcoin-cli getdifficulty 
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "getdifficulty", "params": []}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;
