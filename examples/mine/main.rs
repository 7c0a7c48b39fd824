//! Mining, live: how new bitcoins are made.
//!
//! 1. Mine a real regtest block and explain it: template, coinbase, target, winning hash.
//! 2. Mine at rising difficulty (16, 20, 24, 28 leading zero bits), with the live hash rate:
//!    each 4 more bits, 16 times more attempts.
//! 3. What a mainnet block would take at this hash rate.
//! 4. Re-mine the real mainnet block 1 (January 2009) and find its nonce again.
//!
//! Run: `cargo run --release --example mine`
//! Flags: `--threads N`, `--bits 16,20,24,28`, `--duration SECONDS` (per difficulty step),
//! `--kernel portable|fast`, `--mainnet-difficulty D`.
//!
//! With `--rpc URL` it mines for a running node instead (soud or Bitcoin Core's bitcoind),
//! as a pool's software does: ask `getblocktemplate`, build the block the template
//! describes, search the nonce on every core, hand the block back with `submitblock`.
//!
//! Run: `cargo run --release --example mine -- --rpc http://127.0.0.1:18443 --datadir DIR`
//! Flags: `--blocks N` (default 1), `--address ADDR` (default: the example's own key),
//! `--datadir DIR` (reads `DIR/regtest/.cookie`), `--rpc-cookie PATH`,
//! `--rpc-user U --rpc-password P`, `--threads N`, `--kernel portable|fast`.
//!
//! The steps, one file each: `regtest.rs` (step 1), `difficulty.rs` (steps 2 and 3),
//! `history.rs` (step 4); for `--rpc`, `node.rs` (the rounds), `work.rs` (a template read
//! and built into a block), `rpc.rs` (the JSON-RPC client); `args.rs` reads the flags.

mod args;
mod difficulty;
mod history;
mod node;
mod regtest;
mod rpc;
mod work;

use std::process::ExitCode;

use sou::keys::{Address, SecretKey};
use sou::miner::SearchOptions;
use sou::primitives::hashes::sha256;
use sou::Network;

use crate::args::Options;

fn main() -> ExitCode {
    let o = match args::parse_args() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let options = SearchOptions {
        kernel: o.kernel,
        threads: o.threads,
    };
    let threads = if o.threads == 0 {
        rayon::current_num_threads()
    } else {
        o.threads
    };
    println!("sou miner: {threads} threads, kernel {}\n", o.kernel.name());
    let done = match &o.rpc {
        Some(rpc) => node::mine_for_node(rpc, options, threads),
        None => tour(&o, options),
    };
    match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The local tour: a regtest block (1), rising difficulty (2), mainnet (3), block 1 (4).
fn tour(o: &Options, options: SearchOptions) -> Result<(), String> {
    let header = regtest::mine_regtest_block(options)?;
    let measured_rate = difficulty::rising_difficulty(&header, &o.bits, o.duration, options)?;
    difficulty::mainnet(o.mainnet_difficulty, measured_rate, options);
    history::replay_block_1(options)
}

/// The example's own miner: a P2WPKH address of a key anyone can rebuild (fine for regtest
/// coins, never for real ones).
fn miner_address(network: Network) -> Result<Address, String> {
    let key = SecretKey::from_byte_array(sha256(b"Bitcoin, comment ca marche ?"))
        .map_err(|e| format!("miner key: {e}"))?;
    Address::p2wpkh(&key.public_key(), network).map_err(|e| format!("miner address: {e}"))
}
