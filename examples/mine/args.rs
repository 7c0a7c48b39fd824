//! The command line: the local tour's flags, or `--rpc` and how to reach the node.
//!
//! A flag of one mode given in the other is reported, not ignored: `--bits` with `--rpc`
//! would otherwise do nothing, silently.

use std::path::PathBuf;
use std::time::Duration;

use sou::miner::Kernel;

/// The local tour's settings; `rpc` set means mining for a node instead.
pub(crate) struct Options {
    pub(crate) threads: usize,
    pub(crate) bits: Vec<u32>,
    pub(crate) duration: Duration,
    pub(crate) kernel: Kernel,
    pub(crate) mainnet_difficulty: f64,
    /// `--rpc`: mine for a node instead of the local tour.
    pub(crate) rpc: Option<RpcOptions>,
}

/// How to reach a node and what to mine for it.
#[derive(Default)]
pub(crate) struct RpcOptions {
    pub(crate) url: String,
    pub(crate) cookie: Option<PathBuf>,
    pub(crate) datadir: Option<PathBuf>,
    pub(crate) user: Option<String>,
    pub(crate) password: Option<String>,
    pub(crate) address: Option<String>,
    pub(crate) blocks: u32,
}

const USAGE: &str = "usage: mine [--threads N] [--kernel portable|fast] [--bits 16,20,24,28] [--duration S] [--mainnet-difficulty D]
       mine --rpc URL [--blocks N] [--address ADDR] [--datadir DIR | --rpc-cookie PATH | --rpc-user U --rpc-password P] [--threads N] [--kernel portable|fast]";

/// Reads the flags; the error is the message to print (the usage for `--help`).
pub(crate) fn parse_args() -> Result<Options, String> {
    let mut o = Options {
        threads: 0,
        bits: vec![16, 20, 24, 28],
        duration: Duration::from_secs(30),
        kernel: Kernel::best(),
        // Mainnet difficulty in late 2025; pass today's value with --mainnet-difficulty.
        mainnet_difficulty: 1.5e14,
        rpc: None,
    };
    let mut rpc = RpcOptions {
        blocks: 1,
        ..RpcOptions::default()
    };
    // Flags of one mode given in the other are mistakes worth reporting.
    let (mut local_flags, mut rpc_flags) = (Vec::new(), Vec::new());
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || it.next().cloned().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--bits" | "--difficulty" | "--duration" | "--mainnet-difficulty" => {
                local_flags.push(flag.clone())
            }
            "--rpc" | "--rpc-cookie" | "--datadir" | "--rpc-user" | "--rpc-password"
            | "--address" | "--blocks" => rpc_flags.push(flag.clone()),
            _ => {}
        }
        match flag.as_str() {
            "--rpc" => {
                let url = value()?;
                rpc.url = if url.contains("://") {
                    url
                } else {
                    format!("http://{url}")
                };
            }
            "--rpc-cookie" => rpc.cookie = Some(PathBuf::from(value()?)),
            "--datadir" => rpc.datadir = Some(PathBuf::from(value()?)),
            "--rpc-user" => rpc.user = Some(value()?),
            "--rpc-password" => rpc.password = Some(value()?),
            "--address" => rpc.address = Some(value()?),
            "--blocks" => rpc.blocks = value()?.parse().map_err(|e| format!("--blocks: {e}"))?,
            "--threads" => o.threads = value()?.parse().map_err(|e| format!("--threads: {e}"))?,
            "--bits" | "--difficulty" => {
                o.bits = value()?
                    .split(',')
                    .map(|b| b.trim().parse().map_err(|e| format!("--bits: {e}")))
                    .collect::<Result<_, _>>()?;
                if o.bits.iter().any(|&b| b == 0 || b > 60) {
                    return Err("--bits: between 1 and 60 leading zero bits".into());
                }
            }
            "--duration" => {
                let seconds: f64 = value()?.parse().map_err(|e| format!("--duration: {e}"))?;
                o.duration =
                    Duration::try_from_secs_f64(seconds).map_err(|e| format!("--duration: {e}"))?;
            }
            "--kernel" => {
                o.kernel = match value()?.as_str() {
                    "portable" => Kernel::Portable,
                    "fast" => Kernel::Fast,
                    other => return Err(format!("--kernel: portable or fast, not {other}")),
                }
            }
            "--mainnet-difficulty" => {
                o.mainnet_difficulty = value()?
                    .parse()
                    .map_err(|e| format!("--mainnet-difficulty: {e}"))?
            }
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown flag {other}\n{USAGE}")),
        }
    }
    if rpc.url.is_empty() {
        if let Some(flag) = rpc_flags.first() {
            return Err(format!("{flag} only works with --rpc URL"));
        }
    } else {
        if let Some(flag) = local_flags.first() {
            return Err(format!("{flag} is for the local tour, not for --rpc"));
        }
        if rpc.user.is_some() != rpc.password.is_some() {
            return Err("--rpc-user and --rpc-password go together".into());
        }
        if rpc.blocks == 0 {
            return Err("--blocks: at least 1".into());
        }
        o.rpc = Some(rpc);
    }
    Ok(o)
}
