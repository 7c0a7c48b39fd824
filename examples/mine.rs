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

use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use sou::chain::{Chainstate, ConnectOptions};
use sou::keys::{Address, SecretKey};
use sou::miner::search::{measure, Progress};
use sou::miner::template::build_template;
use sou::miner::{mine_template, search, Kernel, Outcome, SearchOptions};
use sou::primitives::encoding::deserialize;
use sou::primitives::hashes::sha256;
use sou::{Block, BlockHeader, Network, Target, U256};

struct Options {
    threads: usize,
    bits: Vec<u32>,
    duration: Duration,
    kernel: Kernel,
    mainnet_difficulty: f64,
}

fn parse_args() -> Result<Options, String> {
    let mut o = Options {
        threads: 0,
        bits: vec![16, 20, 24, 28],
        duration: Duration::from_secs(30),
        kernel: Kernel::best(),
        // Mainnet difficulty in late 2025; pass today's value with --mainnet-difficulty.
        mainnet_difficulty: 1.5e14,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || it.next().cloned().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--threads" => o.threads = value()?.parse().map_err(|e| format!("--threads: {e}"))?,
            "--bits" | "--difficulty" => {
                o.bits = value()?.split(',').map(|b| b.trim().parse().map_err(|e| format!("--bits: {e}"))).collect::<Result<_, _>>()?;
                if o.bits.iter().any(|&b| b == 0 || b > 60) {
                    return Err("--bits: between 1 and 60 leading zero bits".into());
                }
            }
            "--duration" => {
                let seconds: f64 = value()?.parse().map_err(|e| format!("--duration: {e}"))?;
                o.duration = Duration::try_from_secs_f64(seconds).map_err(|e| format!("--duration: {e}"))?;
            }
            "--kernel" => {
                o.kernel = match value()?.as_str() {
                    "portable" => Kernel::Portable,
                    "fast" => Kernel::Fast,
                    other => return Err(format!("--kernel: portable or fast, not {other}")),
                }
            }
            "--mainnet-difficulty" => o.mainnet_difficulty = value()?.parse().map_err(|e| format!("--mainnet-difficulty: {e}"))?,
            "-h" | "--help" => return Err("usage: mine [--threads N] [--bits 16,20,24,28] [--duration S] [--kernel portable|fast] [--mainnet-difficulty D]".into()),
            other => return Err(format!("unknown flag {other}")),
        }
    }
    Ok(o)
}

/// A target with `bits` leading zero bits: 2^(256 - bits) - 1.
fn target_with_zero_bits(bits: u32) -> Target {
    Target::from_u256(U256::ONE.shl(256 - bits).wrapping_sub(U256::ONE))
}

fn human(n: f64) -> String {
    match n {
        n if n >= 1e21 => format!("{:.2} Z", n / 1e21),
        n if n >= 1e18 => format!("{:.2} E", n / 1e18),
        n if n >= 1e15 => format!("{:.2} P", n / 1e15),
        n if n >= 1e12 => format!("{:.2} T", n / 1e12),
        n if n >= 1e9 => format!("{:.2} G", n / 1e9),
        n if n >= 1e6 => format!("{:.2} M", n / 1e6),
        n if n >= 1e3 => format!("{:.1} k", n / 1e3),
        n => format!("{n:.0} "),
    }
}

/// Searches with a live progress bar; returns the outcome, attempts and elapsed time.
fn mine_with_bar(
    header: &BlockHeader,
    target: Target,
    expected: f64,
    options: SearchOptions,
    limit: Duration,
) -> (Outcome, u64, Duration) {
    let progress = Progress::default();
    let bar = ProgressBar::new(expected as u64);
    bar.set_style(
        ProgressStyle::with_template(
            "    {spinner} [{bar:40.cyan/blue}] {human_pos:>13} hashes  {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let start = Instant::now();
    let outcome = std::thread::scope(|s| {
        let worker = s.spawn(|| search(header, target, 0, u32::MAX, options, &progress));
        while !worker.is_finished() {
            std::thread::sleep(Duration::from_millis(80));
            let done = progress.hashes.load(Ordering::Relaxed);
            let rate = done as f64 / start.elapsed().as_secs_f64().max(1e-6);
            bar.set_position(done.min(bar.length().unwrap_or(u64::MAX)));
            bar.set_message(format!("{}H/s", human(rate)));
            if start.elapsed() > limit {
                progress.cancel.store(true, Ordering::Relaxed);
            }
        }
        worker.join().unwrap_or(Outcome::Cancelled)
    });
    bar.finish_and_clear();
    (
        outcome,
        progress.hashes.load(Ordering::Relaxed),
        start.elapsed(),
    )
}

fn main() -> ExitCode {
    let o = match parse_args() {
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

    // 1. A real regtest block.
    let params = Network::Regtest.params();
    let mut chain = Chainstate::new(params, ConnectOptions::default());
    let Ok(miner_key) = SecretKey::from_byte_array(sha256(b"Bitcoin, comment ca marche ?")) else {
        return ExitCode::FAILURE;
    };
    let Ok(address) = Address::p2wpkh(&miner_key.public_key(), Network::Regtest) else {
        return ExitCode::FAILURE;
    };
    let now = u32::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
    )
    .unwrap_or(u32::MAX);
    let view = TipView(&chain);
    let mut template = build_template(&view, &Vec::new(), params, &address.script_pubkey(), now);
    let Some(target) = Target::from_compact(template.block.header.bits, params.pow_limit) else {
        return ExitCode::FAILURE;
    };
    println!("1. A REGTEST BLOCK");
    println!(
        "   The template: block {} on top of genesis, one transaction, the coinbase.",
        template.height
    );
    println!(
        "   The coinbase creates {} and pays it to {address}.",
        template.block.txdata[0].output[0].value
    );
    println!("   Nobody else can claim these coins: the address is the miner's key.");
    println!("   Target (nBits {}): {target}", template.block.header.bits);
    println!("   Regtest's target is the easiest possible: about one hash in two wins.");
    let progress = Progress::default();
    // `mine_template` searches the header's nonces, rolling the coinbase's extra nonce if
    // they all fail, and leaves the winning nonce in the header.
    let Outcome::Found(nonce) = mine_template(&mut template, target, options, &progress) else {
        return ExitCode::FAILURE;
    };
    let hash = template.block.block_hash();
    println!(
        "   Found after {} attempt(s): nonce {nonce}",
        progress.hashes.load(Ordering::Relaxed)
    );
    println!("   Block hash {hash}");
    match chain.process_block(template.block.clone()) {
        Ok(outcome) if outcome.invalid.is_empty() => println!(
            "   The node validated it with every consensus rule: height {}.\n",
            chain.height()
        ),
        other => {
            println!("   Rejected: {other:?}");
            return ExitCode::FAILURE;
        }
    }

    // 2. Rising difficulty, on the next block's header.
    println!(
        "2. RISING DIFFICULTY: the same search, with targets that need more leading zero bits"
    );
    let header = template.block.header;
    let mut measured_rate = 0.0;
    for &bits in &o.bits {
        let target = target_with_zero_bits(bits);
        let expected = 2f64.powi(bits as i32);
        println!("   {bits} zero bits: hash <= {target}");
        println!("   expected attempts 2^{bits} = {}", human(expected).trim());
        let (outcome, attempts, elapsed) =
            mine_with_bar(&header, target, expected, options, o.duration);
        let rate = attempts as f64 / elapsed.as_secs_f64().max(1e-6);
        if elapsed > Duration::from_millis(200) {
            measured_rate = rate;
        }
        match outcome {
            Outcome::Found(nonce) => {
                let mut winner = header;
                winner.nonce = nonce;
                // Below a fifth of a second, thread start-up dominates: no rate shown.
                let rate_text = if elapsed > Duration::from_millis(200) {
                    format!(", {}H/s", human(rate))
                } else {
                    String::new()
                };
                println!(
                    "   found nonce {nonce} after {} attempts ({:.2}x the expectation) in {:.2} s{rate_text}",
                    human(attempts as f64).trim(),
                    attempts as f64 / expected,
                    elapsed.as_secs_f64()
                );
                println!("   hash {}\n", winner.block_hash());
            }
            Outcome::Exhausted => {
                println!("   no nonce in 2^32 meets it: a miner would now change the extra nonce\n")
            }
            Outcome::Cancelled => println!(
                "   stopped after {:.0} s ({}H/s): luck was not with us\n",
                elapsed.as_secs_f64(),
                human(rate)
            ),
        }
    }

    // 3. Mainnet.
    if measured_rate == 0.0 {
        measured_rate = measure(options, Duration::from_secs(2)).per_second();
    }
    let hashes = o.mainnet_difficulty * 2f64.powi(32);
    let seconds = hashes / measured_rate;
    println!("3. MAINNET");
    println!(
        "   Difficulty {:.3e}: a block takes about {} hashes on average.",
        o.mainnet_difficulty,
        human(hashes).trim()
    );
    println!(
        "   At {}H/s this machine would need {:.1e} years, on average.",
        human(measured_rate),
        seconds / 3.156e7
    );
    println!(
        "   The whole network finds one every ten minutes: about {}H/s together.\n",
        human(hashes / 600.0)
    );

    // 4. The real block 1.
    println!("4. REPLAYING HISTORY: mainnet block 1, mined on 9 January 2009");
    let block1: Block = match deserialize(&BLOCK_1) {
        Ok(b) => b,
        Err(e) => {
            println!("   cannot decode block 1: {e}");
            return ExitCode::FAILURE;
        }
    };
    let known = block1.header.nonce;
    let Some(target) =
        Target::from_compact(block1.header.bits, Network::Mainnet.params().pow_limit)
    else {
        return ExitCode::FAILURE;
    };
    let start_nonce = known.saturating_sub(1 << 26);
    println!(
        "   Searching from nonce {start_nonce} at difficulty 1 (target {})",
        block1.header.bits
    );
    let mut header = block1.header;
    header.nonce = 0;
    let started = Instant::now();
    let progress = Progress::default();
    match search(&header, target, start_nonce, u32::MAX, options, &progress) {
        Outcome::Found(n) => {
            header.nonce = n;
            println!(
                "   found nonce {n} in {:.2} s (the block says {known}: {})",
                started.elapsed().as_secs_f64(),
                if n == known { "the same" } else { "different!" }
            );
            println!("   hash {}", header.block_hash());
            println!("   In 2009 Satoshi's CPU needed about 2^32 attempts for it; we started just below.");
        }
        other => println!("   not found: {other:?}"),
    }
    ExitCode::SUCCESS
}

/// The active chain's tip as the template builder sees it.
struct TipView<'a>(&'a Chainstate);

impl sou::chain::consensus::AncestorView for TipView<'_> {
    fn tip(&self) -> sou::chain::consensus::AncestorInfo {
        let height = self.0.height();
        self.ancestor(height)
            .unwrap_or(sou::chain::consensus::AncestorInfo {
                hash: self.0.tip(),
                height,
                time: 0,
                bits: Network::Regtest.params().pow_limit_bits(),
            })
    }

    fn ancestor(&self, height: u32) -> Option<sou::chain::consensus::AncestorInfo> {
        let hash = *self.0.active_chain().get(height as usize)?;
        let e = self.0.entry(&hash)?;
        Some(sou::chain::consensus::AncestorInfo {
            hash,
            height,
            time: e.header.time,
            bits: e.header.bits,
        })
    }
}

/// Mainnet block 1 as it was broadcast (215 bytes).
const BLOCK_1: [u8; 215] = hex_literal(
    "010000006fe28c0ab6f1b372c1a6a246ae63f74f931e8365e15a089c68d6190000000000982051fd1e4ba744bbbe680e1fee14677ba1a3c3540bf7b1cdb606e857233e0e61bc6649ffff001d01e362990101000000010000000000000000000000000000000000000000000000000000000000000000ffffffff0704ffff001d0104ffffffff0100f2052a0100000043410496b538e853519c726a2c91e61ec11600ae1390813a627c66fb8be7947be63c52da7589379515d4e0a604f8141781e62294721166bf621e73a82cbf2342c858eeac00000000",
);

const fn hex_literal<const N: usize>(s: &str) -> [u8; N] {
    let b = s.as_bytes();
    let mut out = [0u8; N];
    let mut i = 0;
    while i < N {
        out[i] = (digit(b[2 * i]) << 4) | digit(b[2 * i + 1]);
        i += 1;
    }
    out
}

const fn digit(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        _ => panic!("hex literal"),
    }
}
