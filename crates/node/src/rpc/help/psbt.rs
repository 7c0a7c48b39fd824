//! Core's PSBT methods of the `rawtransactions` category, the ones that need no wallet:
//! creating a PSBT (`createpsbt`, `converttopsbt`), reading it (`decodepsbt`,
//! `analyzepsbt`), adding what the chain knows (`utxoupdatepsbt`), merging copies or
//! transactions (`combinepsbt`, `joinpsbts`) and finalizing it (`finalizepsbt`).
//!
//! References: Core `src/rpc/rawtransaction.cpp`.

use super::ParamType::{Any, Arr, Bool, Num, Str, StrHex};
use super::{Method, Param};

/// Core's PSBT methods, in [`METHODS`](super::METHODS) order.
pub(super) const METHODS: &[Method] = &[
    Method {
        name: "analyzepsbt",
        category: "rawtransactions",
        params: &[Param::required("psbt", Str)],
        help: HELP_ANALYZEPSBT,
    },
    Method {
        name: "combinepsbt",
        category: "rawtransactions",
        params: &[Param::required("txs", Arr)],
        help: HELP_COMBINEPSBT,
    },
    Method {
        name: "converttopsbt",
        category: "rawtransactions",
        params: &[
            Param::required("hexstring", StrHex),
            Param::optional("permitsigdata", Bool, "false"),
            Param::optional("iswitness", Bool, "depends on heuristic tests"),
            Param::optional("psbt_version", Num, "2"),
        ],
        help: HELP_CONVERTTOPSBT,
    },
    Method {
        name: "createpsbt",
        category: "rawtransactions",
        params: &[
            Param::required("inputs", Arr),
            // ARR in Core, unchecked: an object is taken too.
            Param::required("outputs", Any),
            Param::optional("locktime", Num, "0"),
            Param::optional("replaceable", Bool, "true"),
            Param::optional("version", Num, "2"),
            Param::optional("psbt_version", Num, "2"),
        ],
        help: HELP_CREATEPSBT,
    },
    Method {
        name: "decodepsbt",
        category: "rawtransactions",
        params: &[Param::required("psbt", Str)],
        help: HELP_DECODEPSBT,
    },
    Method {
        name: "finalizepsbt",
        category: "rawtransactions",
        params: &[
            Param::required("psbt", Str),
            Param::optional("extract", Bool, "true"),
        ],
        help: HELP_FINALIZEPSBT,
    },
    Method {
        name: "joinpsbts",
        category: "rawtransactions",
        params: &[Param::required("txs", Arr)],
        help: HELP_JOINPSBTS,
    },
    Method {
        name: "utxoupdatepsbt",
        category: "rawtransactions",
        params: &[
            Param::required("psbt", Str),
            Param::omitted("descriptors", Arr),
        ],
        help: HELP_UTXOUPDATEPSBT,
    },
];

// The help texts, in the order of `METHODS`. The signature lines, keys, types and columns are
// Core's; the words after the types are sou's.

const HELP_ANALYZEPSBT: &str = r#"analyzepsbt "psbt"

Tells how far a PSBT is from being complete: what each input still lacks and who should act next

Arguments:
1. psbt    (string, required) A PSBT, in base64

Result:
{                                   (json object)
  "inputs" : [                      (json array, optional)
    {                               (json object)
      "has_utxo" : true|false,      (boolean) Whether the PSBT holds the output this input spends
      "is_final" : true|false,      (boolean) Whether the input's final scriptSig and witness are there and valid
      "missing" : {                 (json object, optional) What the input still needs
        "pubkeys" : [               (json array, optional)
          "hex",                    (string) hash160 of a public key the script names that the PSBT does not hold
          ...
        ],
        "signatures" : [            (json array, optional)
          "hex",                    (string) hash160 of a public key whose signature is missing
          ...
        ],
        "redeemscript" : "hex",     (string, optional) hash160 of the missing redeem script
        "witnessscript" : "hex"     (string, optional) SHA-256 of the missing witness script
      },
      "next" : "str"                (string, optional) The role that should handle this input next
    },
    ...
  ],
  "estimated_vsize" : n,            (numeric, optional) Virtual size the transaction should have once signed
  "estimated_feerate" : n,          (numeric, optional) Fee rate it should have then, in BTC/kvB (only when every spent output is known)
  "fee" : n,                        (numeric, optional) Fee the transaction pays, in BTC (only when every spent output is known)
  "next" : "str",                   (string) The role that should handle the PSBT next
  "error" : "str"                   (string, optional) Why the PSBT is invalid, when it is
}

Examples:
> bitcoin-cli analyzepsbt "psbt"
"#;

const HELP_COMBINEPSBT: &str = r#"combinepsbt ["psbt",...]

Merges several copies of one PSBT, each perhaps holding other signatures or data, into one PSBT.
This is the Combiner role.

Arguments:
1. txs            (json array, required) The PSBTs, each in base64
     [
       "psbt",    (string) A PSBT, in base64
       ...
     ]

Result:
"str"    (string) The resulting PSBT, in base64

Examples:
> bitcoin-cli combinepsbt '["mybase64_1", "mybase64_2", "mybase64_3"]'
"#;

const HELP_CONVERTTOPSBT: &str = r#"converttopsbt "hexstring" ( permitsigdata iswitness psbt_version )

Turns a serialized transaction into a new PSBT. Meant for transactions made by createrawtransaction
or fundrawtransaction; new code should start from createpsbt or walletcreatefundedpsbt instead.

Arguments:
1. hexstring        (string, required) The serialized transaction, as hex
2. permitsigdata    (boolean, optional, default=false) If true, scriptSigs and witnesses of the inputs are dropped
                    before conversion. If false, an input that has any is an error.
3. iswitness        (boolean, optional, default=depends on heuristic tests) Whether the transaction is serialized with witness data.
                    When left out, both forms are tried, using heuristics.
                    true: only the form with witness is tried.
                    false: only the form without witness is tried.
                    A transaction without inputs can read either way; pass true
                    if you know it has inputs (as any valid or mined transaction does).
4. psbt_version     (numeric, optional, default=2) The PSBT version to write: 0 or 2 (BIP370)

Result:
"str"    (string) The new PSBT, in base64

Examples:

Create a transaction
> bitcoin-cli createrawtransaction "[{\"txid\":\"myid\",\"vout\":0}]" "[{\"data\":\"00010203\"}]"

Convert the transaction to a PSBT
> bitcoin-cli converttopsbt "rawtransaction"
"#;

const HELP_CREATEPSBT: &str = r#"createpsbt [{"txid":"hex","vout":n,"sequence":n},...] [{"address":amount,...},{"data":"hex"},...] ( locktime replaceable version psbt_version )

Builds an unsigned transaction from the given inputs and outputs, as createrawtransaction does,
and returns it as a new PSBT (the Creator role). Nothing is signed, stored in a wallet or broadcast.

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
6. psbt_version                (numeric, optional, default=2) The PSBT version to write: 0 or 2 (BIP370)

Result:
"str"    (string) The new PSBT, in base64

Examples:
> bitcoin-cli createpsbt "[{\"txid\":\"myid\",\"vout\":0}]" "[{\"address\":0.01}]"
"#;

const HELP_DECODEPSBT: &str = r#"decodepsbt "psbt"

Decodes a base64 PSBT and describes its transaction and every record of its maps as an object.

Arguments:
1. psbt    (string, required) A PSBT, in base64

Result:
{                                          (json object)
  "tx" : {                                 (json object, optional) The unsigned transaction (PSBT version 0)
    ...                                    Laid out as decoderawtransaction's result.
  },
  "global_xpubs" : [                       (json array)
    {                                      (json object)
      "xpub" : "str",                      (string) An extended public key
      "master_fingerprint" : "hex",        (string) Fingerprint of the master key, as hex
      "path" : "str"                       (string) Derivation path from the master key
    },
    ...
  ],
  "tx_version" : n,                        (numeric, optional) Version of the transaction (PSBT version 2)
  "fallback_locktime" : n,                 (numeric, optional) Lock time used when no input requires one (PSBT version 2)
  "input_count" : n,                       (numeric, optional) Number of inputs (PSBT version 2)
  "output_count" : n,                      (numeric, optional) Number of outputs (PSBT version 2)
  "inputs_modifiable" : true|false,        (boolean, optional) Whether inputs may be added (PSBT version 2)
  "outputs_modifiable" : true|false,       (boolean, optional) Whether outputs may be added (PSBT version 2)
  "has_sighash_single" : true|false,       (boolean, optional) Whether an input is signed with SIGHASH_SINGLE (PSBT version 2)
  "psbt_version" : n,                      (numeric, optional) The PSBT's version (not the transaction's)
  "proprietary" : [                        (json array) Proprietary records of the global map
    {                                      (json object)
      "identifier" : "hex",                (string) The identifier, as hex
      "subtype" : n,                       (numeric) The subtype
      "key" : "hex",                       (string) The whole key, as hex
      "value" : "hex"                      (string) The value, as hex
    },
    ...
  ],
  "unknown" : {                            (json object) Global records of types sou does not know
    "key" : "hex",                         (string) (key-value pair) The record's value by its key, as hex
    ...
  },
  "inputs" : [                             (json array)
    {                                      (json object)
      "non_witness_utxo" : {               (json object, optional) The whole transaction whose output the input spends
        ...                                Laid out as decoderawtransaction's result.
      },
      "witness_utxo" : {                   (json object, optional) The output the input spends
        "amount" : n,                      (numeric) Amount in BTC
        "scriptPubKey" : {                 (json object)
          "asm" : "str",                   (string) The output script in human-readable opcodes
          "desc" : "str",                  (string) Descriptor inferred from the output script
          "hex" : "hex",                   (string) The output script bytes, as hex
          "type" : "str",                  (string) Script template, such as pubkeyhash
          "address" : "str"                (string, optional) Address of the output script (only when the script has a standard address form)
        }
      },
      "partial_signatures" : {             (json object, optional)
        "pubkey" : "str",                  (string) A signature, as hex, by the public key it is keyed by
        ...
      },
      "sighash" : "str",                   (string, optional) The sighash type signers must use
      "redeem_script" : {                  (json object, optional)
        "asm" : "str",                     (string) The redeem script in human-readable opcodes
        "hex" : "hex",                     (string) The redeem script bytes, as hex
        "type" : "str"                     (string) Script template, such as pubkeyhash
      },
      "witness_script" : {                 (json object, optional)
        "asm" : "str",                     (string) The witness script in human-readable opcodes
        "hex" : "hex",                     (string) The witness script bytes, as hex
        "type" : "str"                     (string) Script template, such as pubkeyhash
      },
      "bip32_derivs" : [                   (json array, optional)
        {                                  (json object)
          "pubkey" : "str",                (string) A public key
          "master_fingerprint" : "str",    (string) Fingerprint of the master key, as hex
          "path" : "str"                   (string) Derivation path from the master key
        },
        ...
      ],
      "final_scriptSig" : {                (json object, optional)
        "asm" : "str",                     (string) The final scriptSig in human-readable opcodes
        "hex" : "hex"                      (string) The final scriptSig bytes, as hex
      },
      "final_scriptwitness" : [            (json array, optional)
        "hex",                             (string) A witness stack item, as hex
        ...
      ],
      "ripemd160_preimages" : {            (json object, optional)
        "hash" : "str",                    (string) A preimage, as hex, keyed by its hash
        ...
      },
      "sha256_preimages" : {               (json object, optional)
        "hash" : "str",                    (string) A preimage, as hex, keyed by its hash
        ...
      },
      "hash160_preimages" : {              (json object, optional)
        "hash" : "str",                    (string) A preimage, as hex, keyed by its hash
        ...
      },
      "hash256_preimages" : {              (json object, optional)
        "hash" : "str",                    (string) A preimage, as hex, keyed by its hash
        ...
      },
      "previous_txid" : "hex",             (string, optional) Txid of the spent output (PSBT version 2)
      "previous_vout" : n,                 (numeric, optional) Index of the spent output (PSBT version 2)
      "sequence" : n,                      (numeric, optional) nSequence of the input (PSBT version 2)
      "time_locktime" : n,                 (numeric, optional) Lock time by date this input requires (PSBT version 2)
      "height_locktime" : n,               (numeric, optional) Lock time by height this input requires (PSBT version 2)
      "taproot_key_path_sig" : "hex",      (string, optional) Signature for a taproot key-path spend, as hex
      "taproot_script_path_sigs" : [       (json array, optional)
        {                                  (json object, optional) A signature by one key for one leaf
          "pubkey" : "str",                (string) The x-only public key
          "leaf_hash" : "str",             (string) The leaf's hash
          "sig" : "str"                    (string) The signature, as hex
        },
        ...
      ],
      "taproot_scripts" : [                (json array, optional)
        {                                  (json object)
          "script" : "hex",                (string) A leaf script, as hex
          "leaf_ver" : n,                  (numeric) Its leaf version
          "control_blocks" : [             (json array) Control blocks that prove the leaf is in the tree
            "hex",                         (string) A control block, as hex
            ...
          ]
        },
        ...
      ],
      "taproot_bip32_derivs" : [           (json array, optional)
        {                                  (json object)
          "pubkey" : "str",                (string) An x-only public key
          "master_fingerprint" : "str",    (string) Fingerprint of the master key, as hex
          "path" : "str",                  (string) Derivation path from the master key
          "leaf_hashes" : [                (json array) Leaves whose scripts use the key
            "hex",                         (string) A leaf's hash
            ...
          ]
        },
        ...
      ],
      "taproot_internal_key" : "hex",      (string, optional) The taproot internal key (x-only), as hex
      "taproot_merkle_root" : "hex",       (string, optional) The taproot script tree's merkle root, as hex
      "musig2_participant_pubkeys" : [     (json array, optional)
        {                                  (json object)
          "aggregate_pubkey" : "hex",      (string) A MuSig2 aggregate key (compressed)
          "participant_pubkeys" : [        (json array)
            "hex",                         (string) A participant's key behind it (compressed)
            ...
          ]
        },
        ...
      ],
      "musig2_pubnonces" : [               (json array, optional)
        {                                  (json object)
          "participant_pubkey" : "hex",    (string) Key of the participant whose nonce it is
          "aggregate_pubkey" : "hex",      (string) The aggregate key it is for
          "leaf_hash" : "hex",             (string, optional) Leaf whose script holds the aggregate key (absent for the key path)
          "pubnonce" : "hex"               (string) The public nonce, as hex
        },
        ...
      ],
      "musig2_partial_sigs" : [            (json array, optional)
        {                                  (json object)
          "participant_pubkey" : "hex",    (string) Key of the participant whose partial signature it is
          "aggregate_pubkey" : "hex",      (string) The aggregate key it is for
          "leaf_hash" : "hex",             (string, optional) Leaf whose script holds the aggregate key (absent for the key path)
          "partial_sig" : "hex"            (string) The partial signature, as hex
        },
        ...
      ],
      "unknown" : {                        (json object, optional) Input records of types sou does not know
        "key" : "hex",                     (string) (key-value pair) The record's value by its key, as hex
        ...
      },
      "proprietary" : [                    (json array, optional) Proprietary records of the input
        {                                  (json object)
          "identifier" : "hex",            (string) The identifier, as hex
          "subtype" : n,                   (numeric) The subtype
          "key" : "hex",                   (string) The whole key, as hex
          "value" : "hex"                  (string) The value, as hex
        },
        ...
      ]
    },
    ...
  ],
  "outputs" : [                            (json array)
    {                                      (json object)
      "redeem_script" : {                  (json object, optional)
        "asm" : "str",                     (string) The redeem script in human-readable opcodes
        "hex" : "hex",                     (string) The redeem script bytes, as hex
        "type" : "str"                     (string) Script template, such as pubkeyhash
      },
      "witness_script" : {                 (json object, optional)
        "asm" : "str",                     (string) The witness script in human-readable opcodes
        "hex" : "hex",                     (string) The witness script bytes, as hex
        "type" : "str"                     (string) Script template, such as pubkeyhash
      },
      "bip32_derivs" : [                   (json array, optional)
        {                                  (json object)
          "pubkey" : "str",                (string) A public key
          "master_fingerprint" : "str",    (string) Fingerprint of the master key, as hex
          "path" : "str"                   (string) Derivation path from the master key
        },
        ...
      ],
      "amount" : n,                        (numeric, optional) Amount in BTC (PSBT version 2)
      "script" : {                         (json object, optional) The output script (PSBT version 2)
        ...                                Laid out as a scriptPubKey of decoderawtransaction.
      },
      "taproot_internal_key" : "hex",      (string, optional) The taproot internal key (x-only), as hex
      "taproot_tree" : [                   (json array, optional) The leaves of the taproot script tree, depth first
        {                                  (json object, optional) A leaf
          "depth" : n,                     (numeric) Its depth in the tree
          "leaf_ver" : n,                  (numeric) Its leaf version
          "script" : "str"                 (string) Its script, as hex
        },
        ...
      ],
      "taproot_bip32_derivs" : [           (json array, optional)
        {                                  (json object)
          "pubkey" : "str",                (string) An x-only public key
          "master_fingerprint" : "str",    (string) Fingerprint of the master key, as hex
          "path" : "str",                  (string) Derivation path from the master key
          "leaf_hashes" : [                (json array) Leaves whose scripts use the key
            "hex",                         (string) A leaf's hash
            ...
          ]
        },
        ...
      ],
      "musig2_participant_pubkeys" : [     (json array, optional)
        {                                  (json object)
          "aggregate_pubkey" : "hex",      (string) A MuSig2 aggregate key (compressed)
          "participant_pubkeys" : [        (json array)
            "hex",                         (string) A participant's key behind it (compressed)
            ...
          ]
        },
        ...
      ],
      "unknown" : {                        (json object, optional) Output records of types sou does not know
        "key" : "hex",                     (string) (key-value pair) The record's value by its key, as hex
        ...
      },
      "proprietary" : [                    (json array, optional) Proprietary records of the output
        {                                  (json object)
          "identifier" : "hex",            (string) The identifier, as hex
          "subtype" : n,                   (numeric) The subtype
          "key" : "hex",                   (string) The whole key, as hex
          "value" : "hex"                  (string) The value, as hex
        },
        ...
      ]
    },
    ...
  ],
  "fee" : n                                (numeric, optional) Fee the transaction pays, in BTC (only when every spent output is known)
}

Examples:
> bitcoin-cli decodepsbt "psbt"
"#;

const HELP_FINALIZEPSBT: &str = r#"finalizepsbt "psbt" ( extract )

Builds the final scriptSig and witness of every input whose signatures are complete. When all are, the
network transaction is returned, ready for sendrawtransaction; otherwise the PSBT, with the inputs that
could be finalized filled in.
This is the Finalizer role, and the Extractor role.

Arguments:
1. psbt       (string, required) A PSBT, in base64
2. extract    (boolean, optional, default=true) When every input is final, return the network transaction
              (serialized, as hex) rather than the PSBT.

Result:
{                             (json object)
  "psbt" : "str",             (string, optional) The PSBT, in base64, when no transaction was extracted
  "hex" : "hex",              (string, optional) The network transaction, serialized, as hex, when extracted
  "complete" : true|false     (boolean) Whether every input is final
}

Examples:
> bitcoin-cli finalizepsbt "psbt"
"#;

const HELP_JOINPSBTS: &str = r#"joinpsbts ["psbt",...]

Puts the inputs and outputs of several version 0 PSBTs, of different transactions, into one version 0 PSBT, in random order.
An input may appear in only one of the PSBTs.

Arguments:
1. txs            (json array, required) The PSBTs, each in base64
     [
       "psbt",    (string, required) A PSBT, in base64
       ...
     ]

Result:
"str"    (string) The resulting PSBT, in base64

Examples:
> bitcoin-cli joinpsbts "psbt"
"#;

const HELP_UTXOUPDATEPSBT: &str = r#"utxoupdatepsbt "psbt" ( ["",{"desc":"str","range":n or [n,n]},...] )

Adds to the inputs of a PSBT the outputs they spend, from the UTXO set (for segwit outputs), and the scripts and key origins the descriptors give.

Arguments:
1. psbt                          (string, required) A PSBT, in base64
2. descriptors                   (json array, optional) Descriptors whose scripts and keys to add, each a string or an object
     [
       "",                       (string) A descriptor
       {                         (json object) A descriptor with the range of indexes to expand
         "desc": "str",          (string, required) A descriptor
         "range": n or [n,n],    (numeric or array, optional, default=1000) Indexes to expand for a ranged descriptor: end, or [begin,end]
       },
       ...
     ]

Result:
"str"    (string) The updated PSBT, in base64

Examples:
> bitcoin-cli utxoupdatepsbt "psbt"
"#;
