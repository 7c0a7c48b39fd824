//! JSON-RPC over HTTP, as bitcoind serves it.

pub mod auth;
pub mod format;
pub mod help;
