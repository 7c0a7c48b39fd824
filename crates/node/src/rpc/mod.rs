//! JSON-RPC over HTTP, as bitcoind serves it.
//!
//! A client POSTs `{"method": ..., "params": ..., "id": ...}` (JSON-RPC 1.0 or 2.0, or a
//! batch of them) with HTTP basic authentication; the node answers with the method's
//! result or an error whose code and message are Bitcoin Core's, so that clients written
//! for bitcoind can tell errors apart the same way.
//!
//! References: Core `src/rpc/protocol.h` (`RPCErrorCode`), `src/rpc/request.cpp`,
//! `src/httprpc.cpp`, `src/rpc/server.cpp`.

pub mod auth;
pub(crate) mod bans;
pub(crate) mod blockchain;
pub(crate) mod blockstats;
pub(crate) mod control;
pub mod dispatch;
pub mod format;
pub mod help;
pub mod mempool;
pub(crate) mod mining;
pub(crate) mod net;
pub(crate) mod output_script;
pub(crate) mod params;
pub(crate) mod psbt;
pub(crate) mod rawtransaction;
pub mod server;
pub(crate) mod wallet;

use std::fmt;

/// Bitcoin Core's RPC error codes (`src/rpc/protocol.h`, `RPCErrorCode`).
pub mod codes {
    /// Standard JSON-RPC 2.0: the request object is not valid.
    pub const RPC_INVALID_REQUEST: i32 = -32600;
    /// Standard JSON-RPC 2.0: no such method.
    pub const RPC_METHOD_NOT_FOUND: i32 = -32601;
    /// Standard JSON-RPC 2.0: invalid parameters (Core uses it for named-parameter faults).
    pub const RPC_INVALID_PARAMS: i32 = -32602;
    /// Standard JSON-RPC 2.0: internal error.
    pub const RPC_INTERNAL_ERROR: i32 = -32603;
    /// Standard JSON-RPC 2.0: the body is not JSON.
    pub const RPC_PARSE_ERROR: i32 = -32700;
    /// `std::exception` thrown in command handling; also a wrong number of parameters.
    pub const RPC_MISC_ERROR: i32 = -1;
    /// A parameter has the wrong JSON type.
    pub const RPC_TYPE_ERROR: i32 = -3;
    /// Invalid address or key; also "block not found", "no such transaction".
    pub const RPC_INVALID_ADDRESS_OR_KEY: i32 = -5;
    /// Ran out of memory during the operation.
    pub const RPC_OUT_OF_MEMORY: i32 = -7;
    /// A parameter's value is out of range or malformed.
    pub const RPC_INVALID_PARAMETER: i32 = -8;
    /// Database error.
    pub const RPC_DATABASE_ERROR: i32 = -20;
    /// Error parsing or validating a structure in raw format.
    pub const RPC_DESERIALIZATION_ERROR: i32 = -22;
    /// General error during transaction or block submission.
    pub const RPC_VERIFY_ERROR: i32 = -25;
    /// Transaction or block was rejected by network rules.
    pub const RPC_VERIFY_REJECTED: i32 = -26;
    /// Transaction already in the chain.
    pub const RPC_VERIFY_ALREADY_IN_CHAIN: i32 = -27;
    /// Client still warming up.
    pub const RPC_IN_WARMUP: i32 = -28;
    /// RPC method is deprecated.
    pub const RPC_METHOD_DEPRECATED: i32 = -32;
    /// Bitcoin is not connected (P2P).
    pub const RPC_CLIENT_NOT_CONNECTED: i32 = -9;
    /// Still downloading initial blocks.
    pub const RPC_CLIENT_IN_INITIAL_DOWNLOAD: i32 = -10;
    /// Node is already added.
    pub const RPC_CLIENT_NODE_ALREADY_ADDED: i32 = -23;
    /// Node has not been added before.
    pub const RPC_CLIENT_NODE_NOT_ADDED: i32 = -24;
    /// Node to disconnect not found in connected nodes.
    pub const RPC_CLIENT_NODE_NOT_CONNECTED: i32 = -29;
    /// Invalid IP/subnet.
    pub const RPC_CLIENT_INVALID_IP_OR_SUBNET: i32 = -30;
    /// No valid connection manager instance found.
    pub const RPC_CLIENT_P2P_DISABLED: i32 = -31;
    /// Max number of outbound or block-relay connections already open.
    pub const RPC_CLIENT_NODE_CAPACITY_REACHED: i32 = -34;
    /// No mempool instance found.
    pub const RPC_CLIENT_MEMPOOL_DISABLED: i32 = -33;
    /// Unspecified problem with the wallet.
    pub const RPC_WALLET_ERROR: i32 = -4;
    /// Requested wallet does not exist or is not loaded.
    pub const RPC_WALLET_NOT_FOUND: i32 = -18;
}

/// An RPC failure as the client sees it: Core's code and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RpcError {
    /// One of [`codes`].
    pub code: i32,
    /// The message, word for word as Core's where Core has one.
    pub message: String,
}

impl RpcError {
    /// An error with `code` and `message`.
    pub fn new(code: i32, message: impl Into<String>) -> RpcError {
        RpcError {
            code,
            message: message.into(),
        }
    }

    /// `RPC_INVALID_PARAMETER` (-8).
    pub fn invalid_parameter(message: impl Into<String>) -> RpcError {
        RpcError::new(codes::RPC_INVALID_PARAMETER, message)
    }

    /// `RPC_TYPE_ERROR` (-3).
    pub fn type_error(message: impl Into<String>) -> RpcError {
        RpcError::new(codes::RPC_TYPE_ERROR, message)
    }

    /// `RPC_MISC_ERROR` (-1).
    pub fn misc(message: impl Into<String>) -> RpcError {
        RpcError::new(codes::RPC_MISC_ERROR, message)
    }

    /// `RPC_INVALID_ADDRESS_OR_KEY` (-5).
    pub fn invalid_address_or_key(message: impl Into<String>) -> RpcError {
        RpcError::new(codes::RPC_INVALID_ADDRESS_OR_KEY, message)
    }

    /// `RPC_DESERIALIZATION_ERROR` (-22).
    pub fn deserialization(message: impl Into<String>) -> RpcError {
        RpcError::new(codes::RPC_DESERIALIZATION_ERROR, message)
    }

    /// The error as the `error` member of a JSON-RPC reply.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "code": self.code, "message": self.message })
    }
}

impl fmt::Display for RpcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (code {})", self.message, self.code)
    }
}

impl std::error::Error for RpcError {}
