//! Shared by the block tests: hands their blocks to `scripts/compare-blocks-with-core.sh`.

use sou::Block;
use sou_testkit::TestChain;

/// With `SOU_DUMP_DIR` set, writes the active chain and `block` as hex lines, and sou's
/// verdict beside them, for `scripts/compare-blocks-with-core.sh`.
#[allow(
    dead_code,
    reason = "each test binary uses its own part of this module"
)]
pub fn dump(chain: &TestChain, block: &Block, verdict: &str) {
    // Core's regtest knows only its own parameters.
    if chain.params() != sou::Network::Regtest.params() {
        return;
    }
    write_case(&chain.state.active_chain()[1..], chain, block, verdict);
}

/// Like [`dump`], for a `block` that is already the tip `tip` of `chain`'s active chain:
/// the chain below it, then the block.
#[allow(
    dead_code,
    reason = "each test binary uses its own part of this module"
)]
pub fn dump_chain_then(chain: &TestChain, block: &Block, verdict: &str, tip: sou::BlockHash) {
    let active = chain.state.active_chain();
    let below = active
        .iter()
        .position(|h| *h == tip)
        .unwrap_or(active.len());
    write_case(&active[1..below], chain, block, verdict);
}

/// The blocks `before`, then `block`, one hex line each, and the verdict.
fn write_case(before: &[sou::BlockHash], chain: &TestChain, block: &Block, verdict: &str) {
    let Some(dir) = std::env::var_os("SOU_DUMP_DIR") else {
        return;
    };
    let mut lines: Vec<String> = before
        .iter()
        .map(|h| {
            hex::encode(sou::primitives::encoding::serialize(
                chain.state.block_ref(h).unwrap(),
            ))
        })
        .collect();
    lines.push(hex::encode(sou::primitives::encoding::serialize(block)));
    let name = format!("{}", block.block_hash());
    let dir = std::path::Path::new(&dir);
    std::fs::write(dir.join(format!("{name}.hex")), lines.join("\n") + "\n").unwrap();
    std::fs::write(dir.join(format!("{name}.sou")), verdict).unwrap();
}
