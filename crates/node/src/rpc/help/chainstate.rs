//! Core's `blockchain` methods on the chain state: coins of the UTXO set (`gettxout`,
//! `gettxoutsetinfo`), the choice of the active chain (`preciousblock`), pruning and
//! verifying stored blocks, and waiting for the tip to move (`waitfor*`).
//!
//! They continue the category `blockchain` of `blockchain.rs`, split off only to keep
//! each file short; `help` lists both under `== Blockchain ==`.
//!
//! References: Core `src/rpc/blockchain.cpp` (`gettxout`, `gettxoutsetinfo`,
//! `preciousblock`, `pruneblockchain`, `verifychain`, `waitforblock`, ...).

use super::ParamType::{Any, Bool, Num, Str, StrHex};
use super::{Method, Param};

/// Core's `blockchain` methods on the chain state, from `gettxout` to `waitfornewblock`,
/// in [`METHODS`](super::METHODS) order.
pub(super) const METHODS: &[Method] = &[
    Method {
        name: "gettxout",
        category: "blockchain",
        params: &[
            Param::required("txid", Str),
            Param::required("n", Num),
            Param::optional("include_mempool", Bool, "true"),
        ],
        help: HELP_GETTXOUT,
    },
    Method {
        name: "gettxoutsetinfo",
        category: "blockchain",
        params: &[
            Param::optional("hash_type", Str, r#""hash_serialized_3""#),
            // NUM in Core, unchecked: a hash or a height.
            Param::optional("hash_or_height", Any, "the current best block"),
            Param::optional("use_index", Bool, "true"),
        ],
        help: HELP_GETTXOUTSETINFO,
    },
    Method {
        name: "preciousblock",
        category: "blockchain",
        params: &[Param::required("blockhash", StrHex)],
        help: HELP_PRECIOUSBLOCK,
    },
    Method {
        name: "pruneblockchain",
        category: "blockchain",
        params: &[Param::required("height", Num)],
        help: HELP_PRUNEBLOCKCHAIN,
    },
    Method {
        name: "verifychain",
        category: "blockchain",
        params: &[
            Param::optional("checklevel", Num, "3, range=0-4"),
            Param::optional("nblocks", Num, "6, 0=all"),
        ],
        help: HELP_VERIFYCHAIN,
    },
    Method {
        name: "waitforblock",
        category: "blockchain",
        params: &[
            Param::required("blockhash", StrHex),
            Param::optional("timeout", Num, "0"),
        ],
        help: HELP_WAITFORBLOCK,
    },
    Method {
        name: "waitforblockheight",
        category: "blockchain",
        params: &[
            Param::required("height", Num),
            Param::optional("timeout", Num, "0"),
        ],
        help: HELP_WAITFORBLOCKHEIGHT,
    },
    Method {
        name: "waitfornewblock",
        category: "blockchain",
        params: &[
            Param::optional("timeout", Num, "0"),
            Param::omitted("current_tip", StrHex),
        ],
        help: HELP_WAITFORNEWBLOCK,
    },
];

// The help texts, in the order of `METHODS`. A line of a result or argument list starts with
// the key and its JSON type, padded to one column per block, as Core pads them; the words
// after the type are sou's.

const HELP_GETTXOUT: &str = r#"gettxout "txid" n ( include_mempool )

Returns an unspent transaction output (a coin), or null if it is spent or was never created.

Arguments:
1. txid               (string, required) Txid of the transaction that created the output
2. n                  (numeric, required) index of the output in the transaction
3. include_mempool    (boolean, optional, default=true) Whether to look at the mempool too. Then an output spent by a mempool transaction counts as spent.

Result (If the UTXO was not found):
null    (json null)

Result (Otherwise):
{                             (json object)
  "bestblock" : "hex",        (string) Hash of the tip the answer refers to
  "confirmations" : n,        (numeric) Blocks on top of the one that created the output, counting it (0 if unconfirmed)
  "value" : n,                (numeric) Amount of the output in BTC
  "scriptPubKey" : {          (json object)
    "asm" : "str",            (string) The output script in human-readable opcodes
    "desc" : "str",           (string) Descriptor inferred from the output script
    "hex" : "hex",            (string) The output script bytes, as hex
    "type" : "str",           (string) Script template, for example pubkeyhash
    "address" : "str"         (string, optional) Address of the output script (only when the script has a standard address form)
  },
  "coinbase" : true|false     (boolean) Whether it was created by a coinbase transaction
}

Examples:

List unspent outputs (wallet)
> bitcoin-cli listunspent 

Look at one of them
> bitcoin-cli gettxout "txid" 1

The same over JSON-RPC
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "gettxout", "params": ["txid", 1]}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_GETTXOUTSETINFO: &str = r#"gettxoutsetinfo ( "hash_type" hash_or_height use_index )

Returns figures about the set of unspent transaction outputs (the UTXO set).
Without coinstatsindex the node walks the whole set, which can be slow.

Arguments:
1. hash_type         (string, optional, default="hash_serialized_3") Hash of the UTXO set to compute: 'hash_serialized_3' (the original one), 'muhash' or 'none'.
2. hash_or_height    (string or numeric, optional, default=the current best block) Hash or height of the block whose UTXO set to describe (needs coinstatsindex).
3. use_index         (boolean, optional, default=true) Read from coinstatsindex when it exists.

Result:
{                                     (json object)
  "height" : n,                       (numeric) Height of the block the figures describe
  "bestblock" : "hex",                (string) Hash of the block the figures describe
  "txouts" : n,                       (numeric) Number of unspent outputs
  "bogosize" : n,                     (numeric) A size estimate that does not depend on the database, meaningful only for comparison
  "hash_serialized_3" : "hex",        (string, optional) UTXO set hash (only when hash_type is 'hash_serialized_3')
  "muhash" : "hex",                   (string, optional) UTXO set hash (only when hash_type is 'muhash')
  "transactions" : n,                 (numeric, optional) Number of transactions that still have unspent outputs (not with coinstatsindex)
  "disk_size" : n,                    (numeric, optional) Estimated bytes of the chainstate database on disk (not with coinstatsindex)
  "total_amount" : n,                 (numeric) Sum of all unspent amounts
  "total_unspendable_amount" : n,     (numeric, optional) Sum of the amounts that can never be spent and are kept out of the set (only with coinstatsindex)
  "block_info" : {                    (json object, optional) Amounts moved by the block at this height (only with coinstatsindex)
    "prevout_spent" : n,              (numeric) Sum of the outputs spent by the block
    "coinbase" : n,                   (numeric) Subsidy the block's coinbase could claim
    "new_outputs_ex_coinbase" : n,    (numeric) Sum of the outputs the block created, coinbase excluded
    "unspendable" : n,                (numeric) Sum of the unspendable outputs the block created
    "unspendables" : {                (json object) Unspendable amounts, by cause
      "genesis_block" : n,            (numeric) The genesis subsidy, which cannot be spent
      "bip30" : n,                    (numeric) Outputs replaced by duplicate transactions (impossible since BIP30)
      "scripts" : n,                  (numeric) Amounts paid to scripts nobody can spend (such as OP_RETURN)
      "unclaimed_rewards" : n         (numeric) Fees and subsidy the coinbase left unclaimed
    }
  }
}

Examples:
> bitcoin-cli gettxoutsetinfo 
> bitcoin-cli gettxoutsetinfo "none"
> bitcoin-cli gettxoutsetinfo "none" 1000
> bitcoin-cli gettxoutsetinfo "none" '"00000000c937983704a73af28acdec37b049d214adbda81d7e2a3dd146f6ed09"'
> bitcoin-cli -named gettxoutsetinfo hash_type='muhash' use_index='false'
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "gettxoutsetinfo", "params": []}' -H 'content-type: application/json' http://127.0.0.1:8332/
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "gettxoutsetinfo", "params": ["none"]}' -H 'content-type: application/json' http://127.0.0.1:8332/
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "gettxoutsetinfo", "params": ["none", 1000]}' -H 'content-type: application/json' http://127.0.0.1:8332/
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "gettxoutsetinfo", "params": ["none", "00000000c937983704a73af28acdec37b049d214adbda81d7e2a3dd146f6ed09"]}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_PRECIOUSBLOCK: &str = r#"preciousblock "blockhash"

Makes a block win ties: it is treated as if it arrived before other blocks with the same work.

A later call for another block takes precedence.

The preference is forgotten on restart.

Arguments:
1. blockhash    (string, required) the hash of the block to prefer

Result:
null    (json null)

Examples:
> bitcoin-cli preciousblock "blockhash"
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "preciousblock", "params": ["blockhash"]}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_PRUNEBLOCKCHAIN: &str = r#"pruneblockchain height

Deletes stored blocks and their undo data up to a height or a time, if pruning allows it.
The node must run with `-prune`. The deletion cannot be undone locally, though some blocks can be fetched again (as with `getblockfrompeer`).

Arguments:
1. height    (numeric, required) Height to prune up to. A value that is a UNIX epoch time instead prunes the blocks
             whose timestamp is at least 2 hours before it.

Result:
n    (numeric) Height of the last pruned block

Examples:
> bitcoin-cli pruneblockchain 1000
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "pruneblockchain", "params": [1000]}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_VERIFYCHAIN: &str = r#"verifychain ( checklevel nblocks )

Checks the blocks and chain state stored on disk.

Arguments:
1. checklevel    (numeric, optional, default=3, range=0-4) How much to check:
                 - level 0 reads each block from disk
                 - level 1 also checks each block is valid
                 - level 2 also checks the undo data
                 - level 3 also disconnects the blocks at the tip
                 - level 4 also connects them again
                 - each level does all the checks of the levels below
2. nblocks       (numeric, optional, default=6, 0=all) How many blocks back from the tip to check.

Result:
true|false    (boolean) Whether every check passed; the debug log says why one failed.

Examples:
> bitcoin-cli verifychain 
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "verifychain", "params": []}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_WAITFORBLOCK: &str = r#"waitforblock "blockhash" ( timeout )

Waits until a given block is the tip, then returns the tip.

On timeout or shutdown, returns the tip as it is.

Turn the client's RPC timeout off for this call (bitcoin-cli -rpcclienttimeout=0)

Arguments:
1. blockhash    (string, required) Hash of the block to wait for.
2. timeout      (numeric, optional, default=0) Longest wait, in milliseconds; 0 waits without limit.

Result:
{                    (json object)
  "hash" : "hex",    (string) Hash of the tip
  "height" : n       (numeric) Height of the tip
}

Examples:
> bitcoin-cli waitforblock "0000000000079f8ef3d2c688c244eb7a4570b24c9ed7b4a8c619eb02596f8862" 1000
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "waitforblock", "params": ["0000000000079f8ef3d2c688c244eb7a4570b24c9ed7b4a8c619eb02596f8862", 1000]}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_WAITFORBLOCKHEIGHT: &str = r#"waitforblockheight height ( timeout )

Waits until the tip is at least at a given height, then returns the height and hash of
the tip.

On timeout or shutdown, returns the tip as it is.

Turn the client's RPC timeout off for this call (bitcoin-cli -rpcclienttimeout=0)

Arguments:
1. height     (numeric, required) Height to wait for.
2. timeout    (numeric, optional, default=0) Longest wait, in milliseconds; 0 waits without limit.

Result:
{                    (json object)
  "hash" : "hex",    (string) Hash of the tip
  "height" : n       (numeric) Height of the tip
}

Examples:
> bitcoin-cli waitforblockheight 100 1000
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "waitforblockheight", "params": [100, 1000]}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_WAITFORNEWBLOCK: &str = r#"waitfornewblock ( timeout "current_tip" )

Waits until the tip changes, then returns the new tip.

On timeout or shutdown, returns the tip as it is.

Turn the client's RPC timeout off for this call (bitcoin-cli -rpcclienttimeout=0)

Arguments:
1. timeout        (numeric, optional, default=0) Longest wait, in milliseconds; 0 waits without limit.
2. current_tip    (string, optional) Wait until the tip is no longer this block hash.

Result:
{                    (json object)
  "hash" : "hex",    (string) Hash of the tip
  "height" : n       (numeric) Height of the tip
}

Examples:
> bitcoin-cli waitfornewblock 1000
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "waitfornewblock", "params": [1000]}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;
