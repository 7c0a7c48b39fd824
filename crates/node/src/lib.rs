//! # sou-node: a Bitcoin node that Bitcoin Core's tools can drive
//!
//! A node keeps the chain: it takes blocks, checks them by the consensus rules (sou-chain),
//! stores them, keeps the set of unspent coins on disk, and answers questions about all of
//! it. `soud` is such a node for regtest (and signet, testnet4), a drop-in for `bitcoind`:
//! the same command line and `bitcoin.conf`, the same data directory, the same JSON-RPC
//! methods, arguments, results and error codes, so that `bitcoin-cli`, RPC libraries and
//! Bitcoin Core's own functional test framework drive it unchanged.
//!
//! This is the only sou crate that touches the world (files, sockets, processes, the
//! log); everything it decides, it asks the crates below.
//!
//! | module | what it holds |
//! | --- | --- |
//! | [`node`] | [`Node`](node::Node): sou-chain's `Chainstate` over the disk store; start-up and recovery from the block files, `-reindex`, when to flush, Core's log lines, mining with sou-miner; the memory pool kept in step with the chain, and `mempool.dat` |
//! | [`store`] | [`DiskStore`](store::DiskStore): the block tree, coins and undo data in one redb database, with a coins cache flushed in one transaction |
//! | [`blockfiles`] | every accepted block appended to `blocks/blk?????.dat` in Core's framing |
//! | [`rpc`] | JSON-RPC over HTTP: the server (authentication, versions, batches, HTTP statuses), the method table with every method's parameters and help, Core's result shapes, and the handlers by Core's categories |
//! | [`wallet`] | [`WalletManager`](wallet::WalletManager): descriptor wallets as Core's, one redb file each (`wallets/NAME/wallet.redb`), following the node's chain; paying with sou-wallet |
//! | [`p2p`] | [`Net`](p2p::Net): the peers, over TCP with sou-p2p's messages (v1 or BIP324's v2): a tokio task per connection, the handshake, headers-first sync, serving and announcing blocks (BIP130 headers, BIP152 compact blocks), transaction relay (BIP339, orphans, `feefilter`), addresses, bans, `-whitelist` |
//! | [`liveview`] | `-liveview`: a web page of the block tree, the pool and the peers, pushed live from the node's own events |
//! | [`daemon`] | `soud`'s start-up and shutdown, in Core's order; a node in the same process, for benches |
//! | [`cli`] | `sou rpc`, with `bitcoin-cli`'s conventions |
//! | [`config`], [`options`] | `bitcoind`'s argument rules and `bitcoin.conf`; the table of every `bitcoind` option: implemented, accepted and ignored with a warning, or refused |
//! | [`datadir`], [`logging`] | Core's data directory layout and its lock; `debug.log` in Core's line format, by Core's categories |
//!
//! The binaries `soud` and `sou` (`sou node`, `sou rpc`) only dispatch, to
//! [`daemon::run`] and [`cli::run`]. Start with [`node`], then [`rpc`]: a handler reads
//! like a table row (parse the parameters, ask the node or a library function, shape the
//! result as Core does); rules live below. The option, configuration, help and logging
//! tables make `soud` a drop-in and can be skipped on a first reading.
//!
//! What the crate promises:
//!
//! - The database always describes one consistent chain: the coins of exactly the tip it
//!   names, and only blocks already synced to the block files. A crash loses the work
//!   since the last flush, never blocks: they are reconnected from the block files at
//!   start.
//! - RPC names, parameters, result fields and error codes are Core's: compared with
//!   answers recorded from bitcoind, and with a running one when `BITCOIND` is set.
//!
//! Deliberately absent (for now): automatic outbound connections (peers are the ones
//! `-connect`, `-addnode` and `addnode` name, the anchors of the last clean stop,
//! `-seednode` asked for addresses, and those that connect in; the address manager is
//! kept and saved to `peers.dat` in Core's format, but has no buckets), fee estimation.

pub mod blockfiles;
pub mod cli;
pub mod config;
pub mod daemon;
pub mod datadir;
pub mod liveview;
pub mod logging;
pub mod node;
pub mod options;
pub mod p2p;
pub mod rpc;
pub mod store;
pub mod wallet;
