//! Core's `network` methods: the node's connections and what it tells peers
//! (`addnode`, `clearbanned`, `disconnectnode`, `getaddednodeinfo`, `getconnectioncount`,
//! `getnettotals`, `getnetworkinfo`, `getpeerinfo`, `listbanned`, `ping`, `setban`,
//! `setnetworkactive`).
//!
//! References: Core `src/rpc/net.cpp`.

use super::ParamType::{Bool, Num, Str};
use super::{Method, Param};

/// Core's `network` methods, in [`METHODS`](super::METHODS) order.
pub(super) const METHODS: &[Method] = &[
    Method {
        name: "getnodeaddresses",
        category: "network",
        params: &[
            Param::optional("count", Num, "1"),
            Param::optional("network", Str, "all networks"),
        ],
        help: HELP_GETNODEADDRESSES,
    },
    Method {
        name: "addnode",
        category: "network",
        params: &[
            Param::required("node", Str),
            Param::required("command", Str),
            Param::optional("v2transport", Bool, "set by -v2transport"),
        ],
        help: HELP_ADDNODE,
    },
    Method {
        name: "clearbanned",
        category: "network",
        params: &[],
        help: HELP_CLEARBANNED,
    },
    Method {
        name: "disconnectnode",
        category: "network",
        params: &[
            Param::optional("address", Str, "fallback to nodeid"),
            Param::optional("nodeid", Num, "fallback to address"),
        ],
        help: HELP_DISCONNECTNODE,
    },
    Method {
        name: "getaddednodeinfo",
        category: "network",
        params: &[Param::optional("node", Str, "all nodes")],
        help: HELP_GETADDEDNODEINFO,
    },
    Method {
        name: "getconnectioncount",
        category: "network",
        params: &[],
        help: HELP_GETCONNECTIONCOUNT,
    },
    Method {
        name: "getnettotals",
        category: "network",
        params: &[],
        help: HELP_GETNETTOTALS,
    },
    Method {
        name: "getnetworkinfo",
        category: "network",
        params: &[],
        help: HELP_GETNETWORKINFO,
    },
    Method {
        name: "getpeerinfo",
        category: "network",
        params: &[],
        help: HELP_GETPEERINFO,
    },
    Method {
        name: "listbanned",
        category: "network",
        params: &[],
        help: HELP_LISTBANNED,
    },
    Method {
        name: "ping",
        category: "network",
        params: &[],
        help: HELP_PING,
    },
    Method {
        name: "setban",
        category: "network",
        params: &[
            Param::required("subnet", Str),
            Param::required("command", Str),
            Param::optional("bantime", Num, "0"),
            Param::optional("absolute", Bool, "false"),
        ],
        help: HELP_SETBAN,
    },
    Method {
        name: "setnetworkactive",
        category: "network",
        params: &[Param::required("state", Bool)],
        help: HELP_SETNETWORKACTIVE,
    },
];

// The help texts, in the order of `METHODS`. A line of a result or argument list starts with
// the key and its JSON type, padded to one column per block, as Core pads them; the words
// after the type are sou's.

const HELP_ADDNODE: &str = r#"addnode "node" "command" ( v2transport )

Adds a node to the list of nodes to connect to, removes it from the list, or connects to it once.
Nodes from addnode (or -connect) are manual connections: they are not required to be full
nodes or to support SegWit, and are counted apart from -maxconnections.

Arguments:
1. node           (string, required) The peer's IP address or host name, optionally followed by :port
2. command        (string, required) 'add' to add the node to the list, 'remove' to remove it from the list, 'onetry' to connect to it once
3. v2transport    (boolean, optional, default=set by -v2transport) Attempt to connect using BIP324 v2 transport protocol (ignored for 'remove' command; sou follows -v2transport, falling back to v1)

Result:
null    (json null)

Examples:
> bitcoin-cli addnode "192.168.0.6:8333" "onetry" true
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "addnode", "params": ["192.168.0.6:8333", "onetry" true]}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_DISCONNECTNODE: &str = r#"disconnectnode ( "address" nodeid )

Disconnects from a peer at once.

Give exactly one of 'address' and 'nodeid' to name the peer.

To disconnect by nodeid, set 'address' to the empty string, or pass 'nodeid' alone by name.

Arguments:
1. address    (string, optional, default=fallback to nodeid) The peer's IP address and port
2. nodeid     (numeric, optional, default=fallback to address) The peer's id (see getpeerinfo)

Result:
null    (json null)

Examples:
> bitcoin-cli disconnectnode "192.168.0.6:8333"
> bitcoin-cli disconnectnode "" 1
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "disconnectnode", "params": ["192.168.0.6:8333"]}' -H 'content-type: application/json' http://127.0.0.1:8332/
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "disconnectnode", "params": ["", 1]}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_GETNETTOTALS: &str = r#"getnettotals

Reports the bytes received and sent over all connections, and the system's clock.

Result:
{                                              (json object)
  "totalbytesrecv" : n,                        (numeric) Bytes received in all
  "totalbytessent" : n,                        (numeric) Bytes sent in all
  "timemillis" : xxx,                          (numeric) The system's UNIX epoch time in milliseconds
  "uploadtarget" : {                           (json object)
    "timeframe" : n,                           (numeric) Length of the measuring timeframe in seconds
    "target" : n,                              (numeric) Target in bytes (0: none)
    "target_reached" : true|false,             (boolean) Whether the target is reached
    "serve_historical_blocks" : true|false,    (boolean) Whether old blocks are served
    "bytes_left_in_cycle" : n,                 (numeric) Bytes left in the current cycle
    "time_left_in_cycle" : n                   (numeric) Seconds left in the current cycle
  }
}

Examples:
> bitcoin-cli getnettotals 
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "getnettotals", "params": []}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_PING: &str = r#"ping

Asks for a ping to be sent to every peer, to measure the round trip.
The times show in getpeerinfo.
The ping waits in line with the other messages, so it measures the processing backlog too.

Result:
null    (json null)

Examples:
> bitcoin-cli ping 
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "ping", "params": []}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_GETCONNECTIONCOUNT: &str = r#"getconnectioncount

Returns how many peers the node is connected to.

Result:
n    (numeric) Number of connections

Examples:
> bitcoin-cli getconnectioncount 
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "getconnectioncount", "params": []}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_GETNETWORKINFO: &str = r#"getnetworkinfo

Reports the node's peer-to-peer networking: version, services, connections, networks and fees.

Result:
{                                                    (json object)
  "version" : n,                                     (numeric) the server's version, as a number
  "subversion" : "str",                              (string) the server's user agent
  "protocolversion" : n,                             (numeric) version of the P2P protocol spoken
  "localservices" : "hex",                           (string) service bits this node offers
  "localservicesnames" : [                           (json array) names of the services this node offers
    "str",                                           (string) name of one service
    ...
  ],
  "localrelay" : true|false,                         (boolean) whether the node asks peers to relay transactions to it
  "timeoffset" : n,                                  (numeric) median offset of the peers' clocks, in seconds
  "connections" : n,                                 (numeric) all connections, in and out
  "connections_in" : n,                              (numeric) connections that peers opened to us
  "connections_out" : n,                             (numeric) connections we opened to peers
  "networkactive" : true|false,                      (boolean) whether peer-to-peer networking is switched on
  "networks" : [                                     (json array) one entry per network type
    {                                                (json object)
      "name" : "str",                                (string) network type (ipv4, ipv6, onion, i2p, cjdns)
      "limited" : true|false,                        (boolean) whether -onlynet leaves this network out
      "reachable" : true|false,                      (boolean) whether the node can reach this network
      "proxy" : "str",                               (string) ("host:port") proxy used for this network, empty when none
      "proxy_randomize_credentials" : true|false     (boolean) Whether each connection gets random proxy credentials
    },
    ...
  ],
  "relayfee" : n,                                    (numeric) lowest feerate at which transactions are relayed, in BTC/kvB
  "incrementalfee" : n,                              (numeric) smallest feerate step used when the mempool evicts or a transaction replaces another, in BTC/kvB
  "localaddresses" : [                               (json array) addresses this node believes it can be reached at
    {                                                (json object)
      "address" : "str",                             (string) the address
      "port" : n,                                    (numeric) its port
      "score" : n                                    (numeric) its score compared with the others
    },
    ...
  ],
  "warnings" : [                                     (json array) warnings about the network or the chain (start with `-deprecatedrpc=warnings` to get only the latest one, as a string)
    "str",                                           (string) one warning
    ...
  ]
}

Examples:
> bitcoin-cli getnetworkinfo 
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "getnetworkinfo", "params": []}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_GETPEERINFO: &str = r#"getpeerinfo

Describes each connected peer, one object per peer.

Result:
[                                         (json array)
  {                                       (json object)
    "id" : n,                             (numeric) Identifier of the peer
    "addr" : "str",                       (string) (host:port) Address or host name of the peer, with the port when known
    "addrbind" : "str",                   (string, optional) (ip:port) Local address of our side of the connection
    "addrlocal" : "str",                  (string, optional) (ip:port) Our address as the peer reports it
    "network" : "str",                    (string) Network type (ipv4, ipv6, onion, i2p, cjdns, not_publicly_routable)
    "mapped_as" : n,                      (numeric, optional) Autonomous System number the route to the peer ends at, used to spread
                                          connections over networks (only when -asmap is set)
    "services" : "hex",                   (string) Service bits the peer offers
    "servicesnames" : [                   (json array) names of the services the peer offers
      "str",                              (string) name of one service, when known
      ...
    ],
    "relaytxes" : true|false,             (boolean) Whether we announce transactions to this peer
    "last_inv_sequence" : n,              (numeric) Mempool sequence number at our last transaction announcement to this peer
    "inv_to_send" : n,                    (numeric) Transactions waiting to be announced to this peer
    "lastsend" : xxx,                     (numeric) UNIX epoch time we last sent to this peer
    "lastrecv" : xxx,                     (numeric) UNIX epoch time we last received from this peer
    "last_transaction" : xxx,             (numeric) UNIX epoch time of the last valid transaction this peer sent us
    "last_block" : xxx,                   (numeric) UNIX epoch time of the last block this peer sent us
    "bytessent" : n,                      (numeric) Bytes sent to this peer
    "bytesrecv" : n,                      (numeric) Bytes received from this peer
    "conntime" : xxx,                     (numeric) UNIX epoch time the connection was made
    "timeoffset" : n,                     (numeric) Offset of the peer's clock, in seconds
    "pingtime" : n,                       (numeric, optional) Round trip of the last ping, in seconds, if any
    "minping" : n,                        (numeric, optional) Fastest ping round trip seen, in seconds, if any
    "pingwait" : n,                       (numeric, optional) Seconds the unanswered ping has waited (if non-zero)
    "version" : n,                        (numeric) Protocol version the peer announced, such as 70001
    "subver" : "str",                     (string) User agent the peer announced
    "inbound" : true|false,               (boolean) true when the peer connected to us, false when we connected to it
    "bip152_hb_to" : true|false,          (boolean) Whether we asked this peer to push new blocks to us (BIP152 high-bandwidth mode)
    "bip152_hb_from" : true|false,        (boolean) Whether this peer asked us to push new blocks to it (BIP152 high-bandwidth mode)
    "presynced_headers" : n,              (numeric) Height reached by header pre-synchronization with this peer, or -1 when none is running
    "synced_headers" : n,                 (numeric) Highest header we and this peer both have
    "synced_blocks" : n,                  (numeric) Highest block we and this peer both have
    "inflight" : [                        (json array)
      n,                                  (numeric) Heights of the blocks we are downloading from this peer
      ...
    ],
    "addr_relay_enabled" : true|false,    (boolean) Whether we exchange addresses with this peer
    "addr_processed" : n,                 (numeric) Addresses from this peer that were processed, those dropped by rate limiting not counted
    "addr_rate_limited" : n,              (numeric) Addresses from this peer dropped by rate limiting
    "permissions" : [                     (json array) Permissions this peer has been given
      "str",                              (string) bloomfilter (may ask for BIP37 filtered blocks and transactions),
                                          noban (never banned for misbehaviour; includes download),
                                          forcerelay (its transactions are relayed even if already in the mempool; includes relay),
                                          relay (transactions relayed even with -blocksonly, announcements not limited),
                                          mempool (may ask for the mempool's contents, BIP35),
                                          download (may fetch headers during IBD, not cut off at maxuploadtarget),
                                          addr (GETADDR answers bypass the cache and give fresh random records).
      ...
    ],
    "minfeefilter" : n,                   (numeric) Lowest feerate of transactions this peer wants to hear about
    "bytessent_per_msg" : {               (json object)
      "msg" : n,                          (numeric) Bytes sent, per message type
                                          A message type that is not listed had 0 bytes sent.
                                          Only known message types are keys.
      ...
    },
    "bytesrecv_per_msg" : {               (json object)
      "msg" : n,                          (numeric) Bytes received, per message type
                                          A message type that is not listed had 0 bytes received.
                                          Only known message types are keys; bytes of unknown types
                                          are counted under '*other*'.
      ...
    },
    "connection_type" : "str",            (string) Kind of connection:
                                          outbound-full-relay (automatic, relays everything),
                                          block-relay-only (relays blocks, no transactions or addresses),
                                          inbound (opened by the peer),
                                          manual (from addnode or -addnode/-connect),
                                          addr-fetch (brief automatic connection to gather addresses),
                                          feeler (brief automatic connection to test an address),
                                          private-broadcast (brief automatic connection to broadcast a transaction privately).
                                          These names may change in later releases as the kinds of connection
                                          are refined.
    "transport_protocol_type" : "str",    (string) Transport protocol:
                                          detecting (v1 or v2 not known yet),
                                          v1 (unencrypted),
                                          v2 (encrypted, BIP324).
    "session_id" : "str"                  (string) Session ID of the connection, or "" when there is none (v2 transport only).
  },
  ...
]

Examples:
> bitcoin-cli getpeerinfo 
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "getpeerinfo", "params": []}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_CLEARBANNED: &str = r#"clearbanned

Clear all banned IPs.

Result:
null    (json null)

Examples:
> bitcoin-cli clearbanned 
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "clearbanned", "params": []}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_GETADDEDNODEINFO: &str = r#"getaddednodeinfo ( "node" )

Returns information about the given added node, or all added nodes
(note that onetry addnodes are not listed here)

Arguments:
1. node    (string, optional, default=all nodes) If provided, return information about this specific node, otherwise all nodes are returned.

Result:
[                                (json array)
  {                              (json object)
    "addednode" : "str",         (string) The node IP address or name (as provided to addnode)
    "connected" : true|false,    (boolean) If connected
    "addresses" : [              (json array) Only when connected = true
      {                          (json object)
        "address" : "str",       (string) The bitcoin server IP and port we're connected to
        "connected" : "str"      (string) connection, inbound or outbound
      },
      ...
    ]
  },
  ...
]

Examples:
> bitcoin-cli getaddednodeinfo "192.168.0.201"
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "getaddednodeinfo", "params": ["192.168.0.201"]}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_LISTBANNED: &str = r#"listbanned

List all manually banned IPs/Subnets.

Result:
[                              (json array)
  {                            (json object)
    "address" : "str",         (string) The IP/Subnet of the banned node
    "ban_created" : xxx,       (numeric) The UNIX epoch time the ban was created
    "banned_until" : xxx,      (numeric) The UNIX epoch time the ban expires
    "ban_duration" : xxx,      (numeric) The ban duration, in seconds
    "time_remaining" : xxx     (numeric) The time remaining until the ban expires, in seconds
  },
  ...
]

Examples:
> bitcoin-cli listbanned 
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "listbanned", "params": []}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_SETBAN: &str = r#"setban "subnet" "command" ( bantime absolute )

Attempts to add or remove an IP/Subnet from the banned list.

Arguments:
1. subnet      (string, required) The IP/Subnet (see getpeerinfo for nodes IP) with an optional netmask (default is /32 = single IP)
2. command     (string, required) 'add' to add an IP/Subnet to the list, 'remove' to remove an IP/Subnet from the list
3. bantime     (numeric, optional, default=0) time in seconds how long (or until when if [absolute] is set) the IP is banned (0 or empty means using the default time of 24h which can also be overwritten by the -bantime startup argument)
4. absolute    (boolean, optional, default=false) If set, the bantime must be an absolute timestamp expressed in UNIX epoch time

Result:
null    (json null)

Examples:
> bitcoin-cli setban "192.168.0.6" "add" 86400
> bitcoin-cli setban "192.168.0.0/24" "add"
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "setban", "params": ["192.168.0.6", "add", 86400]}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_SETNETWORKACTIVE: &str = r#"setnetworkactive state

Disable/enable all p2p network activity.

Arguments:
1. state    (boolean, required) true to enable networking, false to disable

Result:
true|false    (boolean) The value that was passed in
"#;

const HELP_GETNODEADDRESSES: &str = r#"getnodeaddresses ( count "network" )

Lists addresses of other nodes this node has heard of, a random sample of them.
sou keeps them in memory only: a restart starts with none.

Arguments:
1. count      (numeric, optional, default=1) How many at most; 0 for all
2. network    (string, optional, default=all networks) Only those of this network: ipv4, ipv6, onion, i2p, cjdns

Result:
[                         (json array)
  {                       (json object)
    "time" : xxx,         (numeric) When the node was last said to be up, in seconds since 1970
    "services" : n,       (numeric) The services it offers, as a number
    "address" : "str",    (string) Its address
    "port" : n,           (numeric) Its port
    "network" : "str"     (string) Its network (ipv4, ipv6, onion, i2p, cjdns)
  },
  ...
]

Examples:
> bitcoin-cli getnodeaddresses 8
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "getnodeaddresses", "params": [8]}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;
