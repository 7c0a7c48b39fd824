//! The wallet's methods (Core's `wallet` category), in sou's words.
//!
//! bitcoind here is built without a wallet, so nothing is compared with recorded help:
//! the parameter names, positions, types and defaults follow Core's `src/wallet/rpc/`
//! sources; `createwallet`'s `mnemonic` and `mnemonic_language` are sou's additions.
//! The columns follow Core's rule (`tests/rpc_params`, `layout_follows_cores_column_rule`).
//!
//! References: Core `src/wallet/rpc/wallet.cpp`, `addresses.cpp`, `coins.cpp`,
//! `transactions.cpp`, `backup.cpp`, `spend.cpp`.

use super::ParamType::{Amount, Any, Arr, Bool, Num, Obj, ObjUserKeys, Str, StrHex};
use super::{Method, Param};

/// The wallet's methods, in [`METHODS`](super::METHODS) order.
pub(super) const METHODS: &[Method] = &[
    Method {
        name: "createwallet",
        category: "wallet",
        params: &[
            Param::required("wallet_name", Str),
            Param::optional("disable_private_keys", Bool, "false"),
            Param::optional("blank", Bool, "false"),
            Param::omitted("passphrase", Str),
            Param::optional("avoid_reuse", Bool, "false"),
            Param::optional("descriptors", Bool, "true"),
            Param::omitted("load_on_startup", Bool),
            Param::optional("external_signer", Bool, "false"),
            Param::omitted("mnemonic", Str),
            Param::optional("mnemonic_language", Str, "\"english\""),
        ],
        help: HELP_CREATEWALLET,
    },
    Method {
        name: "listwallets",
        category: "wallet",
        params: &[],
        help: HELP_LISTWALLETS,
    },
    Method {
        name: "loadwallet",
        category: "wallet",
        params: &[
            Param::required("filename", Str),
            Param::omitted("load_on_startup", Bool),
        ],
        help: HELP_LOADWALLET,
    },
    Method {
        name: "unloadwallet",
        category: "wallet",
        params: &[
            Param::optional("wallet_name", Str, "the wallet name from the RPC endpoint"),
            Param::omitted("load_on_startup", Bool),
        ],
        help: HELP_UNLOADWALLET,
    },
    Method {
        name: "getwalletinfo",
        category: "wallet",
        params: &[],
        help: HELP_GETWALLETINFO,
    },
    Method {
        name: "settxfee",
        category: "wallet",
        params: &[Param::required("amount", Amount)],
        help: HELP_SETTXFEE,
    },
    Method {
        name: "getnewaddress",
        category: "wallet",
        params: &[
            Param::optional("label", Str, "\"\""),
            Param::optional("address_type", Str, "set by -addresstype"),
        ],
        help: HELP_GETNEWADDRESS,
    },
    Method {
        name: "getrawchangeaddress",
        category: "wallet",
        params: &[Param::optional("address_type", Str, "set by -changetype")],
        help: HELP_GETRAWCHANGEADDRESS,
    },
    Method {
        name: "getaddressinfo",
        category: "wallet",
        params: &[Param::required("address", Str)],
        help: HELP_GETADDRESSINFO,
    },
    Method {
        name: "getbalance",
        category: "wallet",
        params: &[
            Param::omitted("dummy", Str),
            Param::optional("minconf", Num, "0"),
            Param::optional("include_watchonly", Bool, "true"),
            Param::optional("avoid_reuse", Bool, "true"),
        ],
        help: HELP_GETBALANCE,
    },
    Method {
        name: "getbalances",
        category: "wallet",
        params: &[],
        help: HELP_GETBALANCES,
    },
    Method {
        name: "listunspent",
        category: "wallet",
        params: &[
            Param::optional("minconf", Num, "1"),
            Param::optional("maxconf", Num, "9999999"),
            Param::optional("addresses", Arr, "[]"),
            Param::optional("include_unsafe", Bool, "true"),
            Param::omitted("query_options", Obj),
        ],
        help: HELP_LISTUNSPENT,
    },
    Method {
        name: "listtransactions",
        category: "wallet",
        params: &[
            Param::omitted("label", Str),
            Param::optional("count", Num, "10"),
            Param::optional("skip", Num, "0"),
            Param::optional("include_watchonly", Bool, "true"),
        ],
        help: HELP_LISTTRANSACTIONS,
    },
    Method {
        name: "gettransaction",
        category: "wallet",
        params: &[
            Param::required("txid", Str),
            Param::optional("include_watchonly", Bool, "true"),
            Param::optional("verbose", Bool, "false"),
        ],
        help: HELP_GETTRANSACTION,
    },
    Method {
        name: "rescanblockchain",
        category: "wallet",
        params: &[
            Param::optional("start_height", Num, "0"),
            Param::omitted("stop_height", Num),
        ],
        help: HELP_RESCANBLOCKCHAIN,
    },
    Method {
        name: "listdescriptors",
        category: "wallet",
        params: &[Param::optional("private", Bool, "false")],
        help: HELP_LISTDESCRIPTORS,
    },
    Method {
        name: "importdescriptors",
        category: "wallet",
        params: &[Param::required("requests", Arr)],
        help: HELP_IMPORTDESCRIPTORS,
    },
    Method {
        name: "sendtoaddress",
        category: "wallet",
        params: &[
            Param::required("address", Str),
            Param::required("amount", Amount),
            Param::omitted("comment", Str),
            Param::omitted("comment_to", Str),
            Param::optional("subtractfeefromamount", Bool, "false"),
            Param::optional("replaceable", Bool, "wallet default"),
            Param::optional("conf_target", Num, "wallet -txconfirmtarget"),
            Param::optional("estimate_mode", Str, "\"unset\""),
            Param::optional("avoid_reuse", Bool, "true"),
            Param::optional(
                "fee_rate",
                Amount,
                "not set, falls back to wallet fee estimation",
            ),
            Param::optional("verbose", Bool, "false"),
        ],
        help: HELP_SENDTOADDRESS,
    },
    Method {
        name: "sendmany",
        category: "wallet",
        params: &[
            Param::required("dummy", Str),
            Param::required("amounts", ObjUserKeys),
            Param::omitted("minconf", Num),
            Param::omitted("comment", Str),
            Param::omitted("subtractfeefrom", Arr),
            Param::optional("replaceable", Bool, "wallet default"),
            Param::optional("conf_target", Num, "wallet -txconfirmtarget"),
            Param::optional("estimate_mode", Str, "\"unset\""),
            Param::optional(
                "fee_rate",
                Amount,
                "not set, falls back to wallet fee estimation",
            ),
            Param::optional("verbose", Bool, "false"),
        ],
        help: HELP_SENDMANY,
    },
    Method {
        name: "send",
        category: "wallet",
        params: &[
            Param::required("outputs", Any),
            Param::optional("conf_target", Num, "wallet -txconfirmtarget"),
            Param::optional("estimate_mode", Str, "\"unset\""),
            Param::optional(
                "fee_rate",
                Amount,
                "not set, falls back to wallet fee estimation",
            ),
            Param::omitted("options", Obj),
        ],
        help: HELP_SEND,
    },
    Method {
        name: "bumpfee",
        category: "wallet",
        params: &[Param::required("txid", Str), Param::omitted("options", Obj)],
        help: HELP_BUMPFEE,
    },
    Method {
        name: "psbtbumpfee",
        category: "wallet",
        params: &[Param::required("txid", Str), Param::omitted("options", Obj)],
        help: HELP_PSBTBUMPFEE,
    },
    Method {
        name: "walletcreatefundedpsbt",
        category: "wallet",
        params: &[
            Param::omitted("inputs", Arr),
            Param::required("outputs", Any),
            Param::optional("locktime", Num, "0"),
            Param::omitted("options", Obj),
            Param::optional("bip32derivs", Bool, "true"),
            Param::optional("version", Num, "2"),
        ],
        help: HELP_WALLETCREATEFUNDEDPSBT,
    },
    Method {
        name: "walletprocesspsbt",
        category: "wallet",
        params: &[
            Param::required("psbt", Str),
            Param::optional("sign", Bool, "true"),
            Param::optional("sighashtype", Str, "\"DEFAULT for Taproot, ALL otherwise\""),
            Param::optional("bip32derivs", Bool, "true"),
            Param::optional("finalize", Bool, "true"),
        ],
        help: HELP_WALLETPROCESSPSBT,
    },
    Method {
        name: "signrawtransactionwithwallet",
        category: "wallet",
        params: &[
            Param::required("hexstring", StrHex),
            Param::omitted("prevtxs", Arr),
            Param::optional("sighashtype", Str, "\"DEFAULT for Taproot, ALL otherwise\""),
        ],
        help: HELP_SIGNRAWTRANSACTIONWITHWALLET,
    },
];

const HELP_CREATEWALLET: &str = r#"createwallet "wallet_name" ( disable_private_keys blank "passphrase" avoid_reuse descriptors load_on_startup external_signer "mnemonic" "mnemonic_language" )

Creates a descriptor wallet and loads it. A wallet with keys gets its seed from a BIP39 mnemonic:
the words given in "mnemonic" (English or French, found from the words), or twelve fresh words,
returned once in the result's "mnemonic" field. The words are the wallet's backup: write them down.
"mnemonic", "mnemonic_language" and the "mnemonic" result are sou's, not Core's.
A wallet restored from words finds its earlier coins with rescanblockchain.

Arguments:
1. wallet_name             (string, required) The wallet's name: its folder under the wallet directory
2. disable_private_keys    (boolean, optional, default=false) A watch-only wallet, without private keys (descriptors come with importdescriptors)
3. blank                   (boolean, optional, default=false) A wallet without descriptors or keys yet
4. passphrase              (string, optional) Encryption passphrase: sou does not encrypt wallets and refuses one
5. avoid_reuse             (boolean, optional, default=false) Record the avoid_reuse flag (kept, not yet acted on)
6. descriptors             (boolean, optional, default=true) Must be true: every wallet is a descriptor wallet
7. load_on_startup         (boolean, optional) Add the wallet to, or remove it from, the wallets settings.json loads at start
8. external_signer         (boolean, optional, default=false) Must be false: no external signers
9. mnemonic                (string, optional) sou: the BIP39 words to restore the wallet from
10. mnemonic_language      (string, optional, default="english") sou: the language of fresh words, english or french

Result:
{                        (json object)
  "name" : "str",        (string) The wallet's name
  "mnemonic" : "str"     (string, optional) sou: the fresh wallet's words, shown only now
}

Examples:
> bitcoin-cli createwallet "alice"
> bitcoin-cli createwallet "restored" false false "" false true null false "abandon abandon ... about"
"#;

const HELP_LISTWALLETS: &str = r#"listwallets

The names of the loaded wallets, in the order they were loaded.

Result:
[           (json array)
  "str",    (string) A wallet's name
  ...
]

Examples:
> bitcoin-cli listwallets
"#;

const HELP_LOADWALLET: &str = r#"loadwallet "filename" ( load_on_startup )

Loads a wallet from the wallet directory and brings it up to the chain's tip.

Arguments:
1. filename           (string, required) The wallet's name (its folder), or an absolute path
2. load_on_startup    (boolean, optional) Add the wallet to, or remove it from, the wallets settings.json loads at start

Result:
{                    (json object)
  "name" : "str"     (string) The wallet's name
}

Examples:
> bitcoin-cli loadwallet "alice"
"#;

const HELP_UNLOADWALLET: &str = r#"unloadwallet ( "wallet_name" load_on_startup )

Unloads the wallet named, or that of the /wallet/<name> endpoint (not both, unless they agree).

Arguments:
1. wallet_name        (string, optional, default=the wallet name from the RPC endpoint) The wallet to unload
2. load_on_startup    (boolean, optional) Add the wallet to, or remove it from, the wallets settings.json loads at start

Result:
{    (json object)
}

Examples:
> bitcoin-cli unloadwallet "alice"
"#;

const HELP_GETWALLETINFO: &str = r#"getwalletinfo

What the wallet is: its name, format, transactions, keys ahead in its descriptors, flags, and the last block it read.

Result:
{                                         (json object)
  "walletname" : "str",                   (string) The wallet's name
  "walletversion" : n,                    (numeric) The wallet's version (Core's latest)
  "format" : "str",                       (string) The database format: redb
  "txcount" : n,                          (numeric) The transactions the wallet knows
  "keypoolsize" : n,                      (numeric) Receiving scripts computed ahead of the next one
  "keypoolsize_hd_internal" : n,          (numeric, optional) Change scripts computed ahead (wallets with keys)
  "paytxfee" : n,                         (numeric) The fee rate set by settxfee or -paytxfee, in BTC/kvB
  "private_keys_enabled" : true|false,    (boolean) Whether the wallet holds private keys
  "avoid_reuse" : true|false,             (boolean) The avoid_reuse flag
  "scanning" : true|false,                (boolean) Always false: rescans finish within the call
  "descriptors" : true|false,             (boolean) Always true
  "external_signer" : true|false,         (boolean) Always false
  "blank" : true|false,                   (boolean) Whether it was created blank
  "birthtime" : xxx,                      (numeric) When it was created (UNIX time)
  "lastprocessedblock" : {                (json object) The last block the wallet read
    "hash" : "hex",                       (string) Its hash
    "height" : n                          (numeric) Its height
  }
}

Examples:
> bitcoin-cli getwalletinfo
"#;

const HELP_SETTXFEE: &str = r#"settxfee amount

Sets the fee rate of this wallet's payments until it is unloaded; 0 goes back to -paytxfee and -fallbackfee.

Arguments:
1. amount    (numeric or string, required) The fee rate in BTC/kvB

Result:
true|false    (boolean) true

Examples:
> bitcoin-cli settxfee 0.00001
"#;

const HELP_GETNEWADDRESS: &str = r#"getnewaddress ( "label" "address_type" )

Hands out the next receiving address of the wallet's active descriptor of the type asked for.

Arguments:
1. label           (string, optional, default="") A label for the address
2. address_type    (string, optional, default=set by -addresstype) legacy, p2sh-segwit, bech32 or bech32m

Result:
"str"    (string) The new address

Examples:
> bitcoin-cli getnewaddress
> bitcoin-cli getnewaddress "" bech32m
"#;

const HELP_GETRAWCHANGEADDRESS: &str = r#"getrawchangeaddress ( "address_type" )

Hands out the next change address (from the internal descriptor of the type), for raw transactions.

Arguments:
1. address_type    (string, optional, default=set by -changetype) legacy, p2sh-segwit, bech32 or bech32m

Result:
"str"    (string) The address

Examples:
> bitcoin-cli getrawchangeaddress
"#;

const HELP_GETADDRESSINFO: &str = r#"getaddressinfo "address"

What the wallet knows of an address: whether it is its own, from which descriptor and index, the key and its path.

Arguments:
1. address    (string, required) The address

Result:
{                                   (json object)
  "address" : "str",                (string) The address
  "scriptPubKey" : "hex",           (string) Its output script
  "ismine" : true|false,            (boolean) Whether one of the wallet's descriptors gives it
  "solvable" : true|false,          (boolean) Whether the wallet knows how to spend it, keys aside
  "desc" : "str",                   (string) Its descriptor, with the key at its index (or inferred from the script)
  "parent_desc" : "str",            (string, optional) The wallet's descriptor that gives it
  "iswatchonly" : true|false,       (boolean) Always false, as for Core's descriptor wallets
  "isscript" : true|false,          (boolean) Whether it is P2SH or P2WSH
  "iswitness" : true|false,         (boolean) Whether it is a segwit address
  "witness_version" : n,            (numeric, optional) Its witness version
  "witness_program" : "hex",        (string, optional) Its witness program
  "pubkey" : "hex",                 (string, optional) The public key at its index
  "ischange" : true|false,          (boolean) Whether it comes from a change descriptor
  "timestamp" : xxx,                (numeric, optional) When its descriptor was made or imported
  "hdkeypath" : "str",              (string, optional) Its key's path from the master key
  "hdmasterfingerprint" : "hex",    (string, optional) The master key's fingerprint
  "labels" : [                      (json array) Its label
    "str",                          (string) The label
    ...
  ]
}

Examples:
> bitcoin-cli getaddressinfo "bcrt1q..."
"#;

const HELP_GETBALANCE: &str = r#"getbalance ( "dummy" minconf include_watchonly avoid_reuse )

The wallet's trusted balance: mature coins with at least minconf confirmations, and its own unconfirmed change.

Arguments:
1. dummy                (string, optional) Must be left out or "*"
2. minconf              (numeric, optional, default=0) Only coins with at least this many confirmations
3. include_watchonly    (boolean, optional, default=true) Ignored: descriptor wallets count every descriptor
4. avoid_reuse          (boolean, optional, default=true) Ignored

Result:
n    (numeric) The balance in BTC

Examples:
> bitcoin-cli getbalance
"#;

const HELP_GETBALANCES: &str = r#"getbalances

The wallet's balances: trusted, unconfirmed from others, and immature coinbase outputs.

Result:
{                               (json object)
  "mine" : {                    (json object) The wallet's coins
    "trusted" : n,              (numeric) Confirmed, or our own unconfirmed change
    "untrusted_pending" : n,    (numeric) Unconfirmed payments from others
    "immature" : n              (numeric) Coinbase outputs with fewer than 101 confirmations
  },
  "lastprocessedblock" : {      (json object) The last block the wallet read
    "hash" : "hex",             (string) Its hash
    "height" : n                (numeric) Its height
  }
}

Examples:
> bitcoin-cli getbalances
"#;

const HELP_LISTUNSPENT: &str = r#"listunspent ( minconf maxconf ["address",...] include_unsafe query_options )

The wallet's unspent coins with between minconf and maxconf confirmations.

Arguments:
1. minconf           (numeric, optional, default=1) The fewest confirmations
2. maxconf           (numeric, optional, default=9999999) The most confirmations
3. addresses         (json array, optional, default=[]) Only coins paid to these addresses
4. include_unsafe    (boolean, optional, default=true) Include unconfirmed coins from others
5. query_options     (json object, optional) minimumAmount and maximumAmount, in BTC

Result:
[                                (json array)
  {                              (json object)
    "txid" : "hex",              (string) The transaction
    "vout" : n,                  (numeric) The output
    "address" : "str",           (string, optional) Its address
    "label" : "str",             (string, optional) The address's label
    "scriptPubKey" : "hex",      (string) Its output script
    "amount" : n,                (numeric) Its value in BTC
    "confirmations" : n,         (numeric) Confirmations
    "redeemScript" : "hex",      (string, optional) The redeem script of a P2SH output
    "spendable" : true|false,    (boolean) Whether the wallet holds its key
    "solvable" : true|false,     (boolean) Whether the wallet knows how to spend it
    "desc" : "str",              (string, optional) Its descriptor at its index
    "parent_descs" : [           (json array) The wallet's descriptor giving it
      "str",                     (string) The descriptor
      ...
    ],
    "safe" : true|false          (boolean) Whether it may be spent without trusting someone else
  },
  ...
]

Examples:
> bitcoin-cli listunspent
> bitcoin-cli listunspent 6 9999999
"#;

const HELP_LISTTRANSACTIONS: &str = r#"listtransactions ( "label" count skip include_watchonly )

The wallet's most recent transaction entries, oldest first: one per output sent or received.

Arguments:
1. label                (string, optional) Only entries with this label ("*": all)
2. count                (numeric, optional, default=10) How many entries
3. skip                 (numeric, optional, default=0) How many of the most recent to skip
4. include_watchonly    (boolean, optional, default=true) Ignored

Result:
[                                    (json array)
  {                                  (json object)
    "address" : "str",               (string, optional) The address paid
    "category" : "str",              (string) send, receive, generate, immature or orphan
    "amount" : n,                    (numeric) The amount in BTC, negative for send
    "vout" : n,                      (numeric) The output
    "fee" : n,                       (numeric, optional) The fee (negative), for send
    "confirmations" : n,             (numeric) Confirmations (0: unconfirmed)
    "blockhash" : "hex",             (string, optional) The block holding it
    "txid" : "hex",                  (string) The transaction
    "time" : xxx,                    (numeric) When it was received or mined
    "bip125-replaceable" : "str"     (string) yes, no or unknown
  },
  ...
]

Examples:
> bitcoin-cli listtransactions
> bitcoin-cli listtransactions "*" 20 100
"#;

const HELP_GETTRANSACTION: &str = r#"gettransaction "txid" ( include_watchonly verbose )

A transaction of the wallet: its net amount for the wallet, fee, confirmations, entries and raw form.

Arguments:
1. txid                 (string, required) The transaction id
2. include_watchonly    (boolean, optional, default=true) Ignored
3. verbose              (boolean, optional, default=false) Add the decoded transaction

Result:
{                            (json object)
  "amount" : n,              (numeric) What it changes of the wallet's balance, fee aside, in BTC
  "fee" : n,                 (numeric, optional) The fee (negative), when the wallet paid it
  "confirmations" : n,       (numeric) Confirmations
  "txid" : "hex",            (string) The transaction
  "details" : [              (json array) Its entries, as listtransactions shows them
    {                        (json object)
      "category" : "str",    (string) send, receive, generate, immature or orphan
      "amount" : n           (numeric) The amount
    },
    ...
  ],
  "hex" : "hex"              (string) The raw transaction
}

Examples:
> bitcoin-cli gettransaction "txid"
"#;

const HELP_RESCANBLOCKCHAIN: &str = r#"rescanblockchain ( start_height stop_height )

Reads the active chain's blocks from start_height to stop_height for the wallet's transactions.

Arguments:
1. start_height    (numeric, optional, default=0) The first block's height
2. stop_height     (numeric, optional) The last block's height (the tip if left out)

Result:
{                        (json object)
  "start_height" : n,    (numeric) The first height read
  "stop_height" : n      (numeric) The last height read
}

Examples:
> bitcoin-cli rescanblockchain 100 120
"#;

const HELP_LISTDESCRIPTORS: &str = r#"listdescriptors ( private )

The wallet's descriptors, with their ranges and next indexes.

Arguments:
1. private    (boolean, optional, default=false) Show the private keys (a wallet with keys only)

Result:
{                                 (json object)
  "wallet_name" : "str",          (string) The wallet's name
  "descriptors" : [               (json array)
    {                             (json object)
      "desc" : "str",             (string) The descriptor with its checksum
      "timestamp" : n,            (numeric) When it was made or imported
      "active" : true|false,      (boolean) Whether it gives new addresses
      "internal" : true|false,    (boolean, optional) Whether for change (active ones)
      "range" : [                 (json array, optional) The indexes computed (ranged ones)
        n,                        (numeric) First and last
        ...
      ],
      "next_index" : n            (numeric, optional) The next index handed out
    },
    ...
  ]
}

Examples:
> bitcoin-cli listdescriptors
> bitcoin-cli listdescriptors true
"#;

const HELP_IMPORTDESCRIPTORS: &str = r#"importdescriptors requests

Adds descriptors to the wallet, and scans the chain from the earliest timestamp given ("now": no scan).
Each request: desc (with checksum), timestamp, active, range, next_index, internal, label.

Arguments:
1. requests    (json array, required) The descriptors to import, each an object

Result:
[                              (json array) One result per request
  {                            (json object)
    "success" : true|false,    (boolean) Whether it was imported
    "warnings" : [             (json array, optional)
      "str",                   (string) A warning
      ...
    ],
    "error" : {                (json object, optional) Why not
      "code" : n,              (numeric) Core's error code
      "message" : "str"        (string) Core's message
    }
  },
  ...
]

Examples:
> bitcoin-cli importdescriptors '[{"desc": "addr(bcrt1q...)#checksum", "timestamp": 0}]'
"#;

const HELP_SENDTOADDRESS: &str = r#"sendtoaddress "address" amount ( "comment" "comment_to" subtractfeefromamount replaceable conf_target "estimate_mode" avoid_reuse fee_rate verbose )

Pays an amount to an address from the wallet's coins, with change back to the wallet, and hands the payment to the mempool.

Arguments:
1. address                  (string, required) The address to pay
2. amount                   (numeric or string, required) The amount in BTC
3. comment                  (string, optional) Ignored
4. comment_to               (string, optional) Ignored
5. subtractfeefromamount    (boolean, optional, default=false) Must be false: sou pays the fee on top
6. replaceable              (boolean, optional, default=wallet default) Signal BIP125 replaceability
7. conf_target              (numeric, optional, default=wallet -txconfirmtarget) Ignored: regtest has no fee estimates
8. estimate_mode            (string, optional, default="unset") Ignored
9. avoid_reuse              (boolean, optional, default=true) Ignored
10. fee_rate                (numeric or string, optional, default=not set, falls back to wallet fee estimation) The fee rate in sat/vB
11. verbose                 (boolean, optional, default=false) Return the txid with the fee's reason

Result:
"hex"    (string) The transaction id

Examples:
> bitcoin-cli sendtoaddress "bcrt1q..." 0.1
> bitcoin-cli sendtoaddress "bcrt1q..." 0.1 "" "" false true null "unset" null 5
"#;

const HELP_SENDMANY: &str = r#"sendmany "" {"address":amount,...} ( minconf "comment" ["address",...] replaceable conf_target "estimate_mode" fee_rate verbose )

Pays several addresses in one transaction.

Arguments:
1. dummy              (string, required) Must be ""
2. amounts            (json object, required) Addresses and amounts in BTC
3. minconf            (numeric, optional) Ignored
4. comment            (string, optional) Ignored
5. subtractfeefrom    (json array, optional) Must be empty: sou pays the fee on top
6. replaceable        (boolean, optional, default=wallet default) Signal BIP125 replaceability
7. conf_target        (numeric, optional, default=wallet -txconfirmtarget) Ignored
8. estimate_mode      (string, optional, default="unset") Ignored
9. fee_rate           (numeric or string, optional, default=not set, falls back to wallet fee estimation) The fee rate in sat/vB
10. verbose           (boolean, optional, default=false) Return the txid with the fee's reason

Result:
"hex"    (string) The transaction id

Examples:
> bitcoin-cli sendmany "" '{"bcrt1q...": 0.1, "bcrt1p...": 0.2}'
"#;

const HELP_SEND: &str = r#"send [{"address":amount,...},{"data":"hex"},...] ( conf_target "estimate_mode" fee_rate options )

Pays outputs (and an OP_RETURN data output) from the wallet. Options: fee_rate, replaceable, inputs, add_inputs,
change_address, change_type, locktime, add_to_wallet (false: return the signed transaction), psbt (true: return an unsigned PSBT).

Arguments:
1. outputs          (json array, required) Addresses with amounts in BTC, and data
2. conf_target      (numeric, optional, default=wallet -txconfirmtarget) Ignored
3. estimate_mode    (string, optional, default="unset") Ignored
4. fee_rate         (numeric or string, optional, default=not set, falls back to wallet fee estimation) The fee rate in sat/vB
5. options          (json object, optional) As above

Result:
{                             (json object)
  "complete" : true|false,    (boolean) Whether the transaction is signed
  "txid" : "hex",             (string, optional) The transaction id, when complete
  "hex" : "hex",              (string, optional) The transaction, when not added to the wallet
  "psbt" : "str"              (string, optional) The PSBT, when not complete
}

Examples:
> bitcoin-cli send '{"bcrt1q...": 0.1}'
"#;

const HELP_BUMPFEE: &str = r#"bumpfee "txid" ( options )

Replaces an unconfirmed payment of the wallet by one paying a higher fee from its change (BIP125).
Options: fee_rate (sat/vB; by default the old rate plus 5 sat/vB, as Core).

Arguments:
1. txid       (string, required) The payment to replace
2. options    (json object, optional) As above

Result:
{                    (json object)
  "txid" : "hex",    (string) The replacement's id
  "origfee" : n,     (numeric) The old fee in BTC
  "fee" : n,         (numeric) The new fee in BTC
  "errors" : [       (json array) Errors met
    "str",           (string)
    ...
  ]
}

Examples:
> bitcoin-cli bumpfee "txid"
"#;

const HELP_PSBTBUMPFEE: &str = r#"psbtbumpfee "txid" ( options )

As bumpfee, but returns the replacement unsigned as a PSBT (for watch-only wallets).

Arguments:
1. txid       (string, required) The payment to replace
2. options    (json object, optional) As for bumpfee

Result:
{                    (json object)
  "psbt" : "str",    (string) The replacement as a PSBT, in base64
  "origfee" : n,     (numeric) The old fee in BTC
  "fee" : n,         (numeric) The new fee in BTC
  "errors" : [       (json array) Errors met
    "str",           (string)
    ...
  ]
}

Examples:
> bitcoin-cli psbtbumpfee "txid"
"#;

const HELP_WALLETCREATEFUNDEDPSBT: &str = r#"walletcreatefundedpsbt ( [{"txid":"hex","vout":n,"sequence":n,"weight":n},...] ) [{"address":amount,...},{"data":"hex"},...] ( locktime options bip32derivs version )

Creates a PSBT paying the outputs, with coins of the wallet (added to the inputs given) and change; it is not signed.

Arguments:
1. inputs         (json array, optional) Inputs to spend
2. outputs        (json array, required) Addresses with amounts in BTC, and data
3. locktime       (numeric, optional, default=0) The lock time
4. options        (json object, optional) fee_rate, feeRate, replaceable, add_inputs, changeAddress, change_type
5. bip32derivs    (boolean, optional, default=true) Add the BIP32 origins of the wallet's keys
6. version        (numeric, optional, default=2) Ignored: the transaction version is 2

Result:
{                     (json object)
  "psbt" : "str",     (string) The PSBT, in base64
  "fee" : n,          (numeric) Its fee in BTC
  "changepos" : n     (numeric) The change output's position, -1 if none
}

Examples:
> bitcoin-cli walletcreatefundedpsbt "[]" '[{"bcrt1q...": 0.1}]'
"#;

const HELP_WALLETPROCESSPSBT: &str = r#"walletprocesspsbt "psbt" ( sign "sighashtype" bip32derivs finalize )

Adds what the wallet knows to a PSBT's inputs, signs those it has keys for, and finalizes what it can.

Arguments:
1. psbt           (string, required) The PSBT, in base64
2. sign           (boolean, optional, default=true) Sign
3. sighashtype    (string, optional, default="DEFAULT for Taproot, ALL otherwise") DEFAULT or ALL
4. bip32derivs    (boolean, optional, default=true) Add the BIP32 origins of the wallet's keys
5. finalize       (boolean, optional, default=true) Finalize the inputs that are complete

Result:
{                             (json object)
  "psbt" : "str",             (string) The PSBT, in base64
  "complete" : true|false,    (boolean) Whether every input is complete
  "hex" : "hex"               (string, optional) The network transaction, when complete
}

Examples:
> bitcoin-cli walletprocesspsbt "psbt"
"#;

const HELP_SIGNRAWTRANSACTIONWITHWALLET: &str = r#"signrawtransactionwithwallet "hexstring" ( [{"txid":"hex","vout":n,"scriptPubKey":"hex","redeemScript":"hex","witnessScript":"hex","amount":amount},...] "sighashtype" )

Signs the inputs of a raw transaction that the wallet has keys for; inputs already signed stay as they are.

Arguments:
1. hexstring      (string, required) The transaction, in hex
2. prevtxs        (json array, optional) Outputs the wallet does not know: txid, vout, scriptPubKey, amount
3. sighashtype    (string, optional, default="DEFAULT for Taproot, ALL otherwise") DEFAULT or ALL

Result:
{                             (json object)
  "hex" : "hex",              (string) The transaction with the signatures made
  "complete" : true|false,    (boolean) Whether every input is signed
  "errors" : [                (json array, optional) The inputs left unsigned
    {                         (json object)
      "txid" : "hex",         (string) The output spent
      "vout" : n,             (numeric) Its index
      "error" : "str"         (string) Why
    },
    ...
  ]
}

Examples:
> bitcoin-cli signrawtransactionwithwallet "myhex"
"#;
