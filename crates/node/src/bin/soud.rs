//! `soud`: sou's node, started with bitcoind's command line (`soud -regtest -daemon=0 ...`).

use std::process::ExitCode;

fn main() -> ExitCode {
    sou_node::daemon::run(std::env::args().skip(1).collect())
}
