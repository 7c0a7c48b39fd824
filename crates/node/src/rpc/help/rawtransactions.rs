//! Core's `rawtransactions` methods: building an unsigned transaction
//! (`createrawtransaction`), decoding a transaction or a script from hex
//! (`decoderawtransaction`, `decodescript`), and finding one by txid (`getrawtransaction`).
//!
//! References: Core `src/rpc/rawtransaction.cpp`.

use super::ParamType::{Any, Arr, Bool, Num, StrHex};
use super::{Method, Param};

/// Core's `rawtransactions` methods, in [`METHODS`](super::METHODS) order.
pub(super) const METHODS: &[Method] = &[
    Method {
        name: "createrawtransaction",
        category: "rawtransactions",
        params: &[
            Param::required("inputs", Arr),
            // ARR in Core, unchecked: an object is taken too.
            Param::required("outputs", Any),
            Param::optional("locktime", Num, "0"),
            Param::optional("replaceable", Bool, "true"),
            Param::optional("version", Num, "2"),
        ],
        help: HELP_CREATERAWTRANSACTION,
    },
    Method {
        name: "decoderawtransaction",
        category: "rawtransactions",
        params: &[
            Param::required("hexstring", StrHex),
            Param::optional("iswitness", Bool, "depends on heuristic tests"),
        ],
        help: HELP_DECODERAWTRANSACTION,
    },
    Method {
        name: "decodescript",
        category: "rawtransactions",
        params: &[Param::required("hexstring", StrHex)],
        help: HELP_DECODESCRIPT,
    },
    Method {
        name: "getrawtransaction",
        category: "rawtransactions",
        params: &[
            Param::required("txid", StrHex),
            // NUM in Core, unchecked: a boolean is taken too.
            Param::optional("verbosity|verbose", Any, "0"),
            Param::omitted("blockhash", StrHex),
        ],
        help: HELP_GETRAWTRANSACTION,
    },
];

// The help texts, in the order of `METHODS`. A line of a result or argument list starts with
// the key and its JSON type, padded to one column per block, as Core pads them; the words
// after the type are sou's.

const HELP_CREATERAWTRANSACTION: &str = r#"createrawtransaction [{"txid":"hex","vout":n,"sequence":n},...] [{"address":amount,...},{"data":"hex"},...] ( locktime replaceable version )

Builds an unsigned transaction from the given inputs and outputs and returns it serialized, in hex.
An output pays to an address or carries data.
Nothing is signed, stored in a wallet or broadcast.

Arguments:
1. inputs                      (json array, required) The coins to spend
     [
       {                       (json object)
         "txid": "hex",        (string, required) Txid of the transaction whose output is spent
         "vout": n,            (numeric, required) Index of the output to spend
         "sequence": n,        (numeric, optional, default=depends on the value of the 'replaceable' and 'locktime' arguments) nSequence of the input
       },
       ...
     ]
2. outputs                     (json array, required) The outputs, as objects of key-value pairs.
                               A key may appear only once overall: no address twice, at most one 'data'.
                               There must be at least one output.
                               For older callers, one object holding all the pairs is accepted
                               in place of the array.
     [
       {                       (json object)
         "address": amount,    (numeric or string, required) The key is a bitcoin address, the value the amount in BTC it receives (number or string)
         ...
       },
       {                       (json object)
         "data": "hex",        (string, required) The key is "data", the value hex bytes to put in an OP_RETURN output
       },
       ...
     ]
3. locktime                    (numeric, optional, default=0) nLockTime of the transaction. A non-zero value also makes the inputs' sequence numbers enable it
4. replaceable                 (boolean, optional, default=true) Signal BIP125 replaceability through the sequence numbers.
                               Then a transaction paying more fee may replace it. It is an error if an explicit sequence number contradicts this.
5. version                     (numeric, optional, default=2) Version of the transaction

Result:
"hex"    (string) the unsigned transaction, serialized, as hex

Examples:
> bitcoin-cli createrawtransaction "[{\"txid\":\"myid\",\"vout\":0}]" "[{\"address\":0.01}]"
> bitcoin-cli createrawtransaction "[{\"txid\":\"myid\",\"vout\":0}]" "[{\"data\":\"00010203\"}]"
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "createrawtransaction", "params": ["[{\"txid\":\"myid\",\"vout\":0}]", "[{\"address\":0.01}]"]}' -H 'content-type: application/json' http://127.0.0.1:8332/
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "createrawtransaction", "params": ["[{\"txid\":\"myid\",\"vout\":0}]", "[{\"data\":\"00010203\"}]"]}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_DECODERAWTRANSACTION: &str = r#"decoderawtransaction "hexstring" ( iswitness )

Decodes a serialized transaction given in hex and describes it as an object.

Arguments:
1. hexstring    (string, required) The serialized transaction, as hex
2. iswitness    (boolean, optional, default=depends on heuristic tests) Whether the transaction is serialized with witness data.
                When left out, both forms are tried, using heuristics.
                true: only the form with witness is tried.
                false: only the form without witness is tried.
                A transaction without inputs can read either way; pass true
                if you know it has inputs (as any valid or mined transaction does).

Result:
{                             (json object)
  "txid" : "hex",             (string) The txid: hash of the serialization without witness
  "hash" : "hex",             (string) Hash of the serialization with witness, the wtxid (equal to txid when there is no witness)
  "size" : n,                 (numeric) Serialized size in bytes, witness included
  "vsize" : n,                (numeric) Virtual size: weight divided by 4, rounded up (equal to size when there is no witness)
  "weight" : n,               (numeric) Weight as BIP141 defines it (from vsize*4-3 to vsize*4)
  "version" : n,              (numeric) Transaction version
  "locktime" : xxx,           (numeric) nLockTime
  "vin" : [                   (json array)
    {                         (json object)
      "coinbase" : "hex",     (string, optional) scriptSig of a coinbase input, as hex (coinbase transactions only)
      "txid" : "hex",         (string, optional) txid of the transaction whose output is spent (not for coinbase)
      "vout" : n,             (numeric, optional) index of the spent output (not for coinbase)
      "scriptSig" : {         (json object, optional) The scriptSig (not for coinbase)
        "asm" : "str",        (string) The scriptSig in human-readable opcodes
        "hex" : "hex"         (string) The scriptSig bytes, as hex
      },
      "txinwitness" : [       (json array, optional)
        "hex",                (string) a witness stack item, as hex
        ...
      ],
      "sequence" : n          (numeric) nSequence of the input
    },
    ...
  ],
  "vout" : [                  (json array)
    {                         (json object)
      "value" : n,            (numeric) Amount in BTC
      "n" : n,                (numeric) index of the output in the transaction
      "scriptPubKey" : {      (json object)
        "asm" : "str",        (string) The output script in human-readable opcodes
        "desc" : "str",       (string) Descriptor inferred from the output script
        "hex" : "hex",        (string) The output script bytes, as hex
        "address" : "str",    (string, optional) Address of the output script (only when the script has a standard address form)
        "type" : "str"        (string) Script template (one of: nonstandard, anchor, pubkey, pubkeyhash, scripthash, multisig, nulldata, witness_v0_scripthash, witness_v0_keyhash, witness_v1_taproot, witness_unknown)
      }
    },
    ...
  ]
}

Examples:
> bitcoin-cli decoderawtransaction "hexstring"
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "decoderawtransaction", "params": ["hexstring"]}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_DECODESCRIPT: &str = r#"decodescript "hexstring"

Decodes a script given in hex and describes it, with the addresses of the scripts that could wrap it.

Arguments:
1. hexstring    (string, required) the script bytes, as hex

Result:
{                             (json object)
  "asm" : "str",              (string) The script in human-readable opcodes
  "desc" : "str",             (string) Descriptor inferred from the script
  "type" : "str",             (string) Script template (for example nonstandard, anchor, pubkey, pubkeyhash, scripthash, multisig, nulldata, witness_v0_scripthash, witness_v0_keyhash, witness_v1_taproot, witness_unknown)
  "address" : "str",          (string, optional) Address of the script read as an output script (only when it has a standard address form)
  "p2sh" : "str",             (string, optional) P2SH address that pays to this script as redeem script (absent when such wrapping makes no sense)
  "segwit" : {                (json object, optional) Segwit output script that pays to this script as witness script (absent when such wrapping makes no sense)
    "asm" : "str",            (string) The output script in human-readable opcodes
    "hex" : "hex",            (string) The output script bytes, as hex
    "type" : "str",           (string) Template of that output script (for example witness_v0_keyhash or witness_v0_scripthash)
    "address" : "str",        (string, optional) Address of the output script (only when the script has a standard address form)
    "desc" : "str",           (string) Descriptor inferred from that output script
    "p2sh-segwit" : "str"     (string) P2SH address that wraps that segwit output script
  }
}

Examples:
> bitcoin-cli decodescript "hexstring"
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "decodescript", "params": ["hexstring"]}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_GETRAWTRANSACTION: &str = r#"getrawtransaction "txid" ( verbosity "blockhash" )

Returns a transaction. Without -txindex and without a blockhash, only mempool transactions are found.
With -txindex, a transaction in the mempool or in any block of the active chain is found.
With a blockhash, the transaction is looked for in that block only (the block must be stored).

Wallet transactions: see gettransaction.

verbosity 0 (the default): the serialized transaction, as hex.
verbosity 1: an object describing the transaction.
verbosity 2: as 1, plus the fee and, for each input, the output it spends.

Arguments:
1. txid         (string, required) Txid of the transaction to return
2. verbosity    (numeric, optional, default=0) 0 for the serialized transaction in hex, 1 for an object, 2 for an object with fee and spent outputs
3. blockhash    (string, optional) Hash of the block to search

Result (if verbosity is not set or set to 0):
"str"    (string) The serialized transaction, as hex

Result (if verbosity is set to 1):
{                                    (json object)
  "in_active_chain" : true|false,    (boolean, optional) Whether the given block is in the active chain (only when a blockhash was passed)
  "blockhash" : "hex",               (string, optional) hash of the block holding the transaction
  "confirmations" : n,               (numeric, optional) Blocks on top of the one holding the transaction, counting it
  "blocktime" : xxx,                 (numeric, optional) Timestamp of the block holding the transaction, in UNIX epoch time
  "time" : n,                        (numeric, optional) Equal to "blocktime"
  "hex" : "hex",                     (string) The serialized transaction, as hex
  "txid" : "hex",                    (string) The txid (the one asked for)
  "hash" : "hex",                    (string) Hash of the serialization with witness, the wtxid (equal to txid when there is no witness)
  "size" : n,                        (numeric) Serialized size in bytes, witness included
  "vsize" : n,                       (numeric) Virtual size: weight divided by 4, rounded up (equal to size when there is no witness)
  "weight" : n,                      (numeric) Weight as BIP141 defines it (from vsize*4-3 to vsize*4)
  "version" : n,                     (numeric) Transaction version
  "locktime" : xxx,                  (numeric) nLockTime
  "vin" : [                          (json array)
    {                                (json object)
      "coinbase" : "hex",            (string, optional) scriptSig of a coinbase input, as hex (coinbase transactions only)
      "txid" : "hex",                (string, optional) txid of the transaction whose output is spent (not for coinbase)
      "vout" : n,                    (numeric, optional) index of the spent output (not for coinbase)
      "scriptSig" : {                (json object, optional) The scriptSig (not for coinbase)
        "asm" : "str",               (string) The scriptSig in human-readable opcodes
        "hex" : "hex"                (string) The scriptSig bytes, as hex
      },
      "txinwitness" : [              (json array, optional)
        "hex",                       (string) a witness stack item, as hex
        ...
      ],
      "sequence" : n                 (numeric) nSequence of the input
    },
    ...
  ],
  "vout" : [                         (json array)
    {                                (json object)
      "value" : n,                   (numeric) Amount in BTC
      "n" : n,                       (numeric) index of the output in the transaction
      "scriptPubKey" : {             (json object)
        "asm" : "str",               (string) The output script in human-readable opcodes
        "desc" : "str",              (string) Descriptor inferred from the output script
        "hex" : "hex",               (string) The output script bytes, as hex
        "address" : "str",           (string, optional) Address of the output script (only when the script has a standard address form)
        "type" : "str"               (string) Script template (one of: nonstandard, anchor, pubkey, pubkeyhash, scripthash, multisig, nulldata, witness_v0_scripthash, witness_v0_keyhash, witness_v1_taproot, witness_unknown)
      }
    },
    ...
  ]
}

Result (for verbosity = 2):
{                                    (json object)
  ...,                               All the fields of verbosity 1
  "fee" : n,                         (numeric, optional) fee paid by the transaction in BTC; absent when the block's undo data is missing
  "vin" : [                          (json array)
    {                                (json object) an input, with the output it spends
      ...,                           All the input fields of verbosity 1
      "prevout" : {                  (json object, optional) The output this input spends; absent when the block's undo data is missing
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
}

Examples:
> bitcoin-cli getrawtransaction "mytxid"
> bitcoin-cli getrawtransaction "mytxid" 1
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "getrawtransaction", "params": ["mytxid", 1]}' -H 'content-type: application/json' http://127.0.0.1:8332/
> bitcoin-cli getrawtransaction "mytxid" 0 "myblockhash"
> bitcoin-cli getrawtransaction "mytxid" 1 "myblockhash"
> bitcoin-cli getrawtransaction "mytxid" 2 "myblockhash"
"#;
