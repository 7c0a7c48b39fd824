//! Core's `mining` methods: a block template for a miner (`getblocktemplate`, BIP22/23),
//! the state of mining (`getmininginfo`), and handing in a mined block or header
//! (`submitblock`, `submitheader`).
//!
//! The regtest helpers that mine blocks themselves (`generate*`) are hidden, in `hidden.rs`.
//!
//! References: Core `src/rpc/mining.cpp`; BIP22, BIP23.

use super::ParamType::{Obj, Str, StrHex};
use super::{Method, Param};

/// Core's `mining` methods, in [`METHODS`](super::METHODS) order.
pub(super) const METHODS: &[Method] = &[
    Method {
        name: "getblocktemplate",
        category: "mining",
        params: &[Param::required("template_request", Obj)],
        help: HELP_GETBLOCKTEMPLATE,
    },
    Method {
        name: "getmininginfo",
        category: "mining",
        params: &[],
        help: HELP_GETMININGINFO,
    },
    Method {
        name: "submitblock",
        category: "mining",
        params: &[
            Param::required("hexdata", StrHex),
            Param::optional("dummy", Str, "ignored"),
        ],
        help: HELP_SUBMITBLOCK,
    },
    Method {
        name: "submitheader",
        category: "mining",
        params: &[Param::required("hexdata", StrHex)],
        help: HELP_SUBMITHEADER,
    },
];

// The help texts, in the order of `METHODS`. A line of a result or argument list starts with
// the key and its JSON type, padded to one column per block, as Core pads them; the words
// after the type are sou's.

const HELP_GETBLOCKTEMPLATE: &str = r#"getblocktemplate {"mode":"str","capabilities":["str",...],"rules":["segwit","str",...],"longpollid":"str","data":"hex"}

Returns what a miner needs to build the next block (mode 'template', the default), or checks a
proposed block without submitting it (mode 'proposal').
The protocol is specified by BIPs 22, 23, 9 and 145:
    https://github.com/bitcoin/bips/blob/master/bip-0022.mediawiki
    https://github.com/bitcoin/bips/blob/master/bip-0023.mediawiki
    https://github.com/bitcoin/bips/blob/master/bip-0009.mediawiki#getblocktemplate_changes
    https://github.com/bitcoin/bips/blob/master/bip-0145.mediawiki

Arguments:
1. template_request            (json object, required) What is asked for
     {
       "mode": "str",          (string, optional) "template" (the default when left out) or "proposal" (BIP23)
       "capabilities": [       (json array, optional) Strings
         "str",                (string) a feature the client supports: 'longpoll', 'coinbasevalue', 'proposal', 'serverlist' or 'workid'
         ...
       ],
       "rules": [              (json array, required) Strings
         "segwit",             (string, required) (literal) the client handles segwit blocks
         "str",                (string) another soft fork deployment the client handles
         ...
       ],
       "longpollid": "str",    (string, optional) answer only once the template would differ noticeably from the one this "longpollid" came with
       "data": "hex",          (string, optional) the proposed block, serialized, as hex; only with mode="proposal"
     }

Result (If the proposal was accepted with mode=='proposal'):
null    (json null)

Result (If the proposal was not accepted with mode=='proposal'):
"str"    (string) The reason for rejection, as BIP22 words it

Result (Otherwise):
{                                          (json object)
  "version" : n,                           (numeric) Block version to use
  "rules" : [                              (json array) rules the block must follow
    "str",                                 (string) name of a rule the client has to know about; format as in BIP9
    ...
  ],
  "vbavailable" : {                        (json object) soft fork deployments now signalling that the server supports (BIP9)
    "rulename" : n,                        (numeric) version bit of the named deployment, set to signal readiness
    ...
  },
  "capabilities" : [                       (json array)
    "str",                                 (string) A feature the server supports, such as 'proposal'
    ...
  ],
  "vbrequired" : n,                        (numeric) version bits a submitted block must set
  "previousblockhash" : "str",             (string) Hash of the tip the block builds on
  "transactions" : [                       (json array) transactions to put after the coinbase
    {                                      (json object)
      "data" : "hex",                      (string) the serialized transaction, as hex
      "txid" : "hex",                      (string) txid (hash without witness), byte-reversed hex
      "hash" : "hex",                      (string) wtxid (hash with witness), byte-reversed hex
      "depends" : [                        (json array) numbers
        n,                                 (numeric) 1-based positions in 'transactions' of the transactions this one needs before it in the block
        ...
      ],
      "fee" : n,                           (numeric) fee paid, in satoshis (inputs minus outputs); when the key is missing the fee is unknown, and clients MUST NOT take it to be zero
      "sigops" : n,                        (numeric) sigop cost as block limits count it; when the key is missing the cost is unknown, and clients MUST NOT take it to be zero
      "weight" : n                         (numeric) weight as block limits count it
    },
    ...
  ],
  "coinbaseaux" : {                        (json object) bytes the coinbase scriptSig should contain
    "key" : "hex",                         (string) bytes to include in the coinbase (the key names may be ignored)
    ...
  },
  "coinbasevalue" : n,                     (numeric) the most the coinbase outputs may claim, in satoshis: subsidy plus fees
  "longpollid" : "str",                    (string) identifier to send back in a long-polling request for this template
  "target" : "str",                        (string) Target the block hash must meet
  "mintime" : xxx,                         (numeric) Earliest timestamp the block may have, in UNIX epoch time, taking the BIP94 timewarp rule into account.
  "mutable" : [                            (json array) what the client may change in the template
    "str",                                 (string) One thing the client may change, such as 'time', 'transactions' or 'prevblock'
    ...
  ],
  "noncerange" : "hex",                    (string) Nonce values that may be used
  "sigoplimit" : n,                        (numeric) sigop cost limit of a block
  "sizelimit" : n,                         (numeric) size limit of a block
  "weightlimit" : n,                       (numeric, optional) weight limit of a block
  "curtime" : xxx,                         (numeric) the server's time, in UNIX epoch time, taking the BIP94 timewarp rule into account.
  "bits" : "str",                          (string) nBits of the next block
  "height" : n,                            (numeric) Height of the block being built
  "signet_challenge" : "hex",              (string, optional) The block challenge, on a signet only
  "default_witness_commitment" : "hex"     (string, optional) witness commitment for the block as templated, ready for the coinbase
}

Examples:
> bitcoin-cli getblocktemplate '{"rules": ["segwit"]}'
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "getblocktemplate", "params": [{"rules": ["segwit"]}]}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_GETMININGINFO: &str = r#"getmininginfo

Reports what concerns mining: the chain height, the current and next difficulty, the mempool size.

Result:
{                                (json object)
  "blocks" : n,                  (numeric) Height of the tip
  "currentblockweight" : n,      (numeric, optional) Weight of the last block template built, including what is reserved for header, transaction count and coinbase (only once a template was built)
  "currentblocktx" : n,          (numeric, optional) Transactions in the last block template built, coinbase excluded (only once a template was built)
  "bits" : "hex",                (string) nBits of the tip: its target in compact form
  "difficulty" : n,              (numeric) Difficulty of the tip
  "target" : "hex",              (string) Target of the tip
  "networkhashps" : n,           (numeric) Estimated hashes per second of the whole network
  "pooledtx" : n,                (numeric) Transactions in the mempool
  "blockmintxfee" : n,           (numeric) Lowest feerate a package needs to be put in a block, in BTC/kvB
  "chain" : "str",               (string) network this node runs on (main, test, testnet4, signet, regtest)
  "signet_challenge" : "hex",    (string, optional) The signet block challenge script, as hex (only on a signet)
  "next" : {                     (json object) The block to be mined next
    "height" : n,                (numeric) Its height
    "bits" : "hex",              (string) Its nBits
    "difficulty" : n,            (numeric) Its difficulty
    "target" : "hex"             (string) Its target
  },
  "warnings" : [                 (json array) warnings about the network or the chain (start with `-deprecatedrpc=warnings` to get only the latest one, as a string)
    "str",                       (string) one warning
    ...
  ]
}

Examples:
> bitcoin-cli getmininginfo 
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "getmininginfo", "params": []}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_SUBMITBLOCK: &str = r#"submitblock "hexdata" ( "dummy" )

Submits a serialized block to the node, which validates it and, if it is valid, adds it to the block tree and relays it.
The answer follows BIP22 (https://en.bitcoin.it/wiki/BIP_0022).

Arguments:
1. hexdata    (string, required) the serialized block, as hex
2. dummy      (string, optional, default=ignored) not used; there for BIP22 compatibility.

Result (If the block was accepted):
null    (json null)

Result (Otherwise):
"str"    (string) The reason for rejection, as BIP22 words it

Examples:
> bitcoin-cli submitblock "mydata"
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "submitblock", "params": ["mydata"]}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_SUBMITHEADER: &str = r#"submitheader "hexdata"

Decodes a serialized block header and, if it is valid, adds it to the block tree as a possible chain tip.
An invalid header is an error.

Arguments:
1. hexdata    (string, required) the 80-byte serialized header, as hex

Result:
null    (json null) Nothing

Examples:
> bitcoin-cli submitheader "aabbcc"
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "submitheader", "params": ["aabbcc"]}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;
