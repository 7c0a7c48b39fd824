//! # sou-node: a Bitcoin node that Bitcoin Core's tools can drive
//!
//! A node keeps the chain: it takes blocks, checks them by the consensus rules (sou-chain),
//! stores them, keeps the set of unspent coins on disk, and answers questions about all of
//! it. `soud` is such a node for regtest (and signet, testnet4), a drop-in for `bitcoind`:
//! the same command line and `bitcoin.conf`, the same data directory, the same JSON-RPC
//! methods, arguments, results and error codes, so that `bitcoin-cli`, RPC libraries and
//! Bitcoin Core's own functional test framework drive it unchanged.
//!
//! This is the only sou crate that touches the world (files, sockets, the clock, processes);
//! everything it decides, it asks the crates below.

pub mod blockfiles;
pub mod cli;
pub mod config;
pub mod daemon;
pub mod datadir;
pub mod logging;
pub mod node;
pub mod options;
pub mod rpc;
pub mod store;
