//! Steps 2 and 3: what difficulty means. Each leading zero bit the target demands doubles
//! the expected number of attempts; the hash rate measured on the way says what a mainnet
//! block would cost this machine.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use sou::miner::search::{measure, Progress};
use sou::miner::{search, Outcome, SearchOptions};
use sou::{BlockHeader, Target, U256};

/// A target with `bits` leading zero bits: 2^(256 - bits) - 1.
fn target_with_zero_bits(bits: u32) -> Target {
    Target::from_u256(U256::ONE.shl(256 - bits).wrapping_sub(U256::ONE))
}

/// `n` with an SI prefix: `1.50 M`, `65.5 k`, `256 ` (the unit follows).
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
) -> Result<(Outcome, u64, Duration), String> {
    let progress = Progress::default();
    let bar = ProgressBar::new(expected as u64);
    let style = ProgressStyle::with_template(
        "    {spinner} [{bar:40.cyan/blue}] {human_pos:>13} hashes  {msg}",
    )
    .unwrap_or_else(|e| {
        eprintln!("warning: progress bar template: {e}; using indicatif's default bar");
        ProgressStyle::default_bar()
    });
    bar.set_style(style.progress_chars("=> "));
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
        worker.join()
    });
    bar.finish_and_clear();
    let outcome = outcome.map_err(|_| "the nonce search panicked (its message is above)")?;
    Ok((
        outcome,
        progress.hashes.load(Ordering::Relaxed),
        start.elapsed(),
    ))
}

/// Step 2: the same header searched for targets with more and more leading zero bits,
/// each search stopped after `limit`. Returns the hash rate measured (0 if every search
/// was too short to measure one).
pub(crate) fn rising_difficulty(
    header: &BlockHeader,
    zero_bits: &[u32],
    limit: Duration,
    options: SearchOptions,
) -> Result<f64, String> {
    println!(
        "2. RISING DIFFICULTY: the same search, with targets that need more leading zero bits"
    );
    let mut measured_rate = 0.0;
    for &bits in zero_bits {
        let target = target_with_zero_bits(bits);
        let expected = 2f64.powi(bits as i32);
        println!("   {bits} zero bits: hash <= {target}");
        println!("   expected attempts 2^{bits} = {}", human(expected).trim());
        let (outcome, attempts, elapsed) = mine_with_bar(header, target, expected, options, limit)?;
        let rate = attempts as f64 / elapsed.as_secs_f64().max(1e-6);
        if elapsed > Duration::from_millis(200) {
            measured_rate = rate;
        }
        match outcome {
            Outcome::Found(nonce) => {
                let mut winner = *header;
                winner.nonce = nonce;
                // Below a fifth of a second, thread start-up dominates: no rate shown.
                let rate_text = if elapsed > Duration::from_millis(200) {
                    format!(", {}H/s", human(rate))
                } else {
                    String::new()
                };
                println!(
                    "   found nonce {nonce} after {} attempts, all threads together ({:.2}x the expectation) in {:.2} s{rate_text}",
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
    Ok(measured_rate)
}

/// Step 3: a mainnet block at `difficulty`, at this machine's rate (measured for two
/// seconds if step 2 measured none) and at the whole network's.
pub(crate) fn mainnet(difficulty: f64, measured_rate: f64, options: SearchOptions) {
    let measured_rate = if measured_rate == 0.0 {
        measure(options, Duration::from_secs(2)).per_second()
    } else {
        measured_rate
    };
    // Difficulty D means D times the work of difficulty 1, which takes 2^32 hashes on
    // average.
    let hashes = difficulty * 2f64.powi(32);
    let seconds = hashes / measured_rate;
    println!("3. MAINNET");
    println!(
        "   Difficulty {:.3e}: a block takes about {} hashes on average.",
        difficulty,
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
}
