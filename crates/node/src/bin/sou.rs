//! `sou`: the friendly front door to sou's node and its RPC.
//!
//! ```text
//! sou node --regtest --datadir=/tmp/x      run a node; bitcoind's options, one or two dashes
//! sou rpc --regtest getblockcount          call it, exactly as bitcoin-cli would
//! sou rpc -regtest -named getblock blockhash=... verbosity=2
//! ```
//!
//! `sou node` is `soud` (`sou_node::daemon::run`); `sou rpc` is `bitcoin-cli`
//! ([`sou_node::cli::run`]): same options, same conversions, same output and exit status.
//! This file only dispatches: the logic lives in the library, where tests reach it.

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "sou",
    version,
    about = "sou: an educational Bitcoin node, a drop-in for bitcoind and bitcoin-cli on regtest"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a node with bitcoind's options (`sou node --regtest --datadir=/tmp/x`).
    #[command(disable_help_flag = true)]
    Node {
        /// bitcoind's options (`-help` lists them).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Call a running node like bitcoin-cli (`sou rpc --regtest getblockcount`).
    #[command(disable_help_flag = true)]
    Rpc {
        /// bitcoin-cli's options, then the method and its parameters (`-help` for more).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        // bitcoind itself accepts `--name` for `-name`, and quotes arguments back as
        // typed in its messages: pass them through untouched.
        Command::Node { args } => sou_node::daemon::run(args),
        Command::Rpc { args } => {
            let stdin = std::io::stdin();
            let out = sou_node::cli::run("sou rpc", args, &mut stdin.lock());
            // A closed pipe (`sou rpc ... | head`) is not worth a panic.
            let _ = std::io::stdout().write_all(out.stdout.as_bytes());
            let _ = std::io::stderr().write_all(out.stderr.as_bytes());
            ExitCode::from(out.exit_code)
        }
    }
}
