//! Differential testing against Bitcoin Core (a development tool, not run in CI).
//!
//! Generates random spends, valid and subtly broken, writes them in the batch format of
//! core-oracle (Bitcoin Core's `VerifyScript` as a command, `script --batch`), and writes
//! sou's own verdict for each.
//! `scripts/compare-with-core.sh` runs both and reports every case where sou and Core
//! disagree on the verdict or the error name.
//!
//! What it generates (MODE):
//!
//! - `legacy`: a generated script spent bare, through P2SH, P2WSH or P2SH-P2WSH, and
//!   P2WPKH or P2SH-P2WPKH key spends, plus witness programs of future versions. Scripts are
//!   built from fragments (P2PK, P2PKH, CHECKMULTISIG with random m, n and dummy, CLTV and
//!   CSV aimed near the transaction's lock time and sequence, hash locks, IF/NOTIF with
//!   minimal or other selectors, arithmetic, stack shuffles, any opcode at all), then
//!   sometimes disturbed: an opcode or OP_CODESEPARATOR slipped in, a push cut short or too
//!   large, too many operations, a stack too deep, a script too long. Numbers are minimal or
//!   not, sometimes longer than any opcode reads; signatures are real (so that valid spends
//!   come in volume) or broken in one DER field (lengths, negative or padded R and S,
//!   high S, hash type, empty); public keys compressed, uncompressed, hybrid, truncated,
//!   empty. Flags are random sets of all 21, as VerifyScript allows them.
//! - `taproot`: key-path and tapscript spends.
//! - `all` (the default): each case one or the other, at random.
//! - `opcodes`: a sweep rather than a draw: every opcode alone, on every stack of up to
//!   three items from a few telling shapes, spent bare, through P2WSH and as a tapscript,
//!   under consensus and standard flags (N caps it; all of it is 397,824 cases). Which
//!   check a handler makes first shows here.
//!
//! One module per family of spends: `taproot.rs` (key path and tapscript), `legacy.rs`
//! (bare, P2SH and segwit v0 spends of scripts that `fragment.rs` builds from the pushes and
//! numbers of `script_bytes.rs`, signed by `ecdsa.rs`), and `sweep.rs` (the opcode sweep).
//! This file draws the cases, asks sou for each verdict and writes the three files.
//!
//! Run: `cargo run --release -p sou-script --example oracle_cases -- N SEED OUT_DIR [MODE]`.
//! It writes `cases.txt` (the oracle's input), `sou.txt` (`valid OK` or `invalid NAME` per
//! case) and `kinds.txt` (the kind of spend per case).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    clippy::too_many_lines,
    reason = "development tool"
)]

mod ecdsa;
mod fragment;
mod legacy;
mod script_bytes;
mod sweep;
mod taproot;

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use sou_primitives::encoding::serialize;
use sou_primitives::{Transaction, TxOut};
use sou_script::{verify_input, VerifyFlags};

use crate::legacy::legacy_case;
use crate::sweep::{sweep_case, SWEEP_CASES};
use crate::taproot::{key, taproot_case};

pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub(crate) fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    pub(crate) fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
    /// Up to `max - 1` random bytes.
    pub(crate) fn some_bytes(&mut self, max: usize) -> Vec<u8> {
        let n = self.below(max);
        self.bytes(n)
    }
}

/// One generated spend: input `index` of `tx`, spending `spent[index]`, under `flags`.
pub(crate) struct Case {
    pub(crate) tx: Transaction,
    pub(crate) index: usize,
    pub(crate) spent: Vec<TxOut>,
    pub(crate) flags: VerifyFlags,
    /// What kind of spend it is (`bare`, `p2sh`, ..., `tapscript`), for the summary.
    pub(crate) kind: &'static str,
}

/// Which family of spends to generate.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Legacy,
    Taproot,
    All,
    /// Every opcode on every small stack, in order (SEED unused).
    Opcodes,
}

const USAGE: &str = "usage: oracle_cases [N [SEED [OUT_DIR [MODE]]]] \
                     (defaults: 1000 cases, seed 1, /tmp/oracle, all; \
                     MODE: legacy, taproot, all or opcodes)";

/// The command line: how many cases, the seed, where to write, which family.
struct Args {
    count: usize,
    seed: u64,
    out: PathBuf,
    mode: Mode,
}

fn parse_args(args: &[String]) -> Result<Args, String> {
    if args.len() > 5 {
        return Err(format!("too many arguments: {}", args.len() - 1));
    }
    let count = match args.get(1) {
        None => 1000,
        Some(s) => s.parse().map_err(|e| format!("N {s:?}: {e}"))?,
    };
    let seed = match args.get(2) {
        None => 1,
        Some(s) => s.parse().map_err(|e| format!("SEED {s:?}: {e}"))?,
    };
    let out = PathBuf::from(args.get(3).map_or("/tmp/oracle", String::as_str));
    let mode = match args.get(4).map_or("all", String::as_str) {
        "legacy" => Mode::Legacy,
        "taproot" => Mode::Taproot,
        "all" => Mode::All,
        "opcodes" => Mode::Opcodes,
        other => {
            return Err(format!(
                "unknown mode {other:?}: legacy, taproot, all or opcodes"
            ))
        }
    };
    Ok(Args {
        count,
        seed,
        out,
        mode,
    })
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let Args {
        count,
        seed,
        out,
        mode,
    } = match parse_args(&args) {
        Ok(args) => args,
        Err(e) => {
            eprintln!("{e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = std::fs::create_dir_all(&out) {
        eprintln!("cannot create the output directory {}: {e}", out.display());
        return ExitCode::FAILURE;
    }
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let mut cases = String::new();
    let mut verdicts = String::new();
    let mut kinds = String::new();
    let count = if mode == Mode::Opcodes {
        count.min(SWEEP_CASES)
    } else {
        count
    };
    let sweep_key = key(&mut Rng(7));
    for i in 0..count {
        let case = match mode {
            Mode::Legacy => legacy_case(&mut rng),
            Mode::Taproot => taproot_case(&mut rng),
            Mode::All if rng.chance(50) => legacy_case(&mut rng),
            Mode::All => taproot_case(&mut rng),
            Mode::Opcodes => sweep_case(i, &sweep_key),
        };
        let Case {
            tx,
            index,
            spent,
            flags,
            kind,
        } = case;
        // Every case gives one spent output per input: any error is a script verdict.
        let name = match verify_input(&tx, index, &spent, flags) {
            Ok(()) => "OK",
            Err(e) => match e.script_error() {
                Some(error) => error.name(),
                None => {
                    eprintln!(
                        "case {} ({kind}) failed outside the script, a bug of this generator: {e}",
                        i + 1
                    );
                    return ExitCode::FAILURE;
                }
            },
        };
        writeln!(cases, "{}", case_line(&tx, index, &spent, flags)).unwrap();
        writeln!(
            verdicts,
            "{} {}",
            if name == "OK" { "valid" } else { "invalid" },
            name
        )
        .unwrap();
        writeln!(kinds, "{kind}").unwrap();
    }
    for (file, text) in [
        ("cases.txt", &cases),
        ("sou.txt", &verdicts),
        ("kinds.txt", &kinds),
    ] {
        let path = out.join(file);
        if let Err(e) = std::fs::write(&path, text) {
            eprintln!("cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    println!("{count} cases in {}", out.display());
    ExitCode::SUCCESS
}

/// One line of core-oracle's batch format: the transaction in hex, the input index, the
/// flags (`NONE` or Core's names joined by commas), then `script_pubkey_hex:amount` of
/// every spent output, comma-separated.
fn case_line(tx: &Transaction, index: usize, spent: &[TxOut], flags: VerifyFlags) -> String {
    let spent_text: Vec<String> = spent
        .iter()
        .map(|o| {
            format!(
                "{}:{}",
                hex::encode(o.script_pubkey.as_bytes()),
                o.value.to_sat()
            )
        })
        .collect();
    let flag_text = if flags == VerifyFlags::NONE {
        "NONE".to_owned()
    } else {
        flags.to_string()
    };
    format!(
        "{} {} {} {}",
        hex::encode(serialize(tx)),
        index,
        flag_text,
        spent_text.join(",")
    )
}
