//! Step 1: a real regtest block, mined and validated. The template names the parent and
//! holds one transaction, the coinbase, which creates the new coins and pays them to the
//! miner; the search finds a nonce under the target; the chain checks every rule.

use std::sync::atomic::Ordering;
use std::time::{SystemTime, UNIX_EPOCH};

use sou::chain::{Chainstate, ConnectOptions};
use sou::miner::search::Progress;
use sou::miner::template::{build_template, NoTransactions};
use sou::miner::{mine_template, Outcome, SearchOptions};
use sou::{BlockHeader, Network, Target};

use crate::miner_address;

/// Mines block 1 of a fresh regtest chain, has the chain validate it, and returns its
/// header for step 2 to search again.
pub(crate) fn mine_regtest_block(options: SearchOptions) -> Result<BlockHeader, String> {
    let params = Network::Regtest.params();
    let mut chain = Chainstate::new(params, ConnectOptions::default());
    let address = miner_address(Network::Regtest)?;
    let now = unix_time()?;
    let view = chain.branch(chain.tip()).ok_or("the chain has no tip")?;
    let mut template = build_template(
        &view,
        &NoTransactions,
        params,
        &address.script_pubkey(),
        now,
    );
    let bits = template.block.header.bits;
    let target = Target::from_compact(bits, params.pow_limit)
        .ok_or_else(|| format!("the template's nBits {bits} is not a valid regtest target"))?;
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
    println!("   Target (nBits {bits}): {target}");
    println!("   Regtest's target is the easiest possible: about one hash in two wins.");
    let progress = Progress::default();
    // `mine_template` searches the header's nonces, rolling the coinbase's extra nonce if
    // they all fail, and leaves the winning nonce in the header.
    let nonce = match mine_template(&mut template, target, options, &progress) {
        Outcome::Found(nonce) => nonce,
        other => {
            return Err(format!(
                "the search for a regtest block ended without a nonce: {other:?}"
            ))
        }
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
        Ok(outcome) => {
            let reasons: Vec<String> = outcome
                .invalid
                .iter()
                .map(|(block, error)| format!("{block}: {error}"))
                .collect();
            return Err(format!(
                "the chain found our block invalid: {}",
                reasons.join("; ")
            ));
        }
        Err(e) => return Err(format!("the chain refused our block {hash}: {e}")),
    }
    Ok(template.block.header)
}

/// Seconds since 1970, as a header's 32-bit time holds them.
fn unix_time() -> Result<u32, String> {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|_| "the system clock is set before 1970")?
        .as_secs();
    u32::try_from(seconds).map_err(|_| {
        format!("the system clock ({seconds} s since 1970) is past 2106, beyond a header's time")
    })
}
