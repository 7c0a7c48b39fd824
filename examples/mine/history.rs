//! Step 4: history replayed. Mainnet block 1 was mined on 9 January 2009 at difficulty 1;
//! searching its header's nonces again finds the very nonce the block carries.

use std::time::Instant;

use sou::miner::search::Progress;
use sou::miner::{search, Outcome, SearchOptions};
use sou::primitives::encoding::deserialize;
use sou::{Block, Network, Target};

/// Mainnet block 1 as it was broadcast (215 bytes).
///
/// Hex, decoded when the step runs: the library's compile-time hex parser is private and
/// reads only 32-byte hashes (`BlockHash::from_display_hex_const` is its public face).
const BLOCK_1_HEX: &str = "010000006fe28c0ab6f1b372c1a6a246ae63f74f931e8365e15a089c68d6190000000000982051fd1e4ba744bbbe680e1fee14677ba1a3c3540bf7b1cdb606e857233e0e61bc6649ffff001d01e362990101000000010000000000000000000000000000000000000000000000000000000000000000ffffffff0704ffff001d0104ffffffff0100f2052a0100000043410496b538e853519c726a2c91e61ec11600ae1390813a627c66fb8be7947be63c52da7589379515d4e0a604f8141781e62294721166bf621e73a82cbf2342c858eeac00000000";

/// Searches block 1's nonce again, starting 2^26 below it.
pub(crate) fn replay_block_1(options: SearchOptions) -> Result<(), String> {
    println!("4. REPLAYING HISTORY: mainnet block 1, mined on 9 January 2009");
    let bytes = hex::decode(BLOCK_1_HEX).map_err(|e| format!("block 1 is not valid hex: {e}"))?;
    let block1: Block = deserialize(&bytes).map_err(|e| format!("cannot decode block 1: {e}"))?;
    let known = block1.header.nonce;
    let bits = block1.header.bits;
    let target = Target::from_compact(bits, Network::Mainnet.params().pow_limit)
        .ok_or_else(|| format!("block 1's nBits {bits} is not a valid mainnet target"))?;
    let start_nonce = known.saturating_sub(1 << 26);
    println!("   Searching from nonce {start_nonce} at difficulty 1 (target {bits})");
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
            Ok(())
        }
        other => Err(format!(
            "no nonce from {start_nonce} up meets block 1's target ({other:?}), \
             yet the block says {known}"
        )),
    }
}
