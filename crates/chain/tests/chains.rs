//! sou-chain on real chains: mainnet blocks 0-255 fully validated from genesis, btcd's
//! reorganisation test chain, and a regtest chain mined by Bitcoin Core with a fork Core
//! reorganises onto; plus Core's `pow_tests.cpp` retarget values.

#![allow(
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    reason = "test code"
)]

use sou_chain::chainstate::{disconnect_block, BlockStatus, Failure};
use sou_chain::consensus::{
    block_subsidy, calculate_next_work_required, contextual_check_block_header, next_work_required,
    AncestorInfo, AncestorView,
};
use sou_chain::{Chainstate, ConnectOptions};
use sou_primitives::encoding::deserialize;
use sou_primitives::network::{MAINNET, REGTEST};
use sou_primitives::{Amount, Block, BlockHash, CompactTarget, Network};

fn blocks(relative: &str) -> Vec<Block> {
    sou_testdata::hex_lines(relative)
        .iter()
        .map(|bytes| deserialize(bytes).unwrap())
        .collect()
}

#[test]
fn mainnet_blocks_0_to_255_connect_with_full_validation() {
    let chain = blocks("blocks/mainnet_blocks_0-255.hex");
    for parallel in [true, false] {
        let mut state = Chainstate::new(
            &MAINNET,
            ConnectOptions {
                parallel_scripts: parallel,
                ..Default::default()
            },
        );
        state.set_clock(1_700_000_000);
        for (height, block) in chain.iter().enumerate().skip(1) {
            let outcome = state
                .process_block(block.clone())
                .unwrap_or_else(|e| panic!("block {height}: {e}"));
            assert!(
                outcome.invalid.is_empty(),
                "block {height}: {:?}",
                outcome.invalid
            );
            assert_eq!(outcome.tip, block.block_hash(), "block {height}");
        }
        assert_eq!(state.height(), 255);
        // 255 coinbases of 50 BTC; the 7 payments in the range move value without fees.
        assert_eq!(
            state.utxo().total_value(),
            Amount::from_sat(255 * 50 * 100_000_000)
        );
        // Every output created in blocks 1-255, less the 7 the payments spent.
        let created: usize = chain[1..]
            .iter()
            .flat_map(|b| &b.txdata)
            .map(|t| t.output.len())
            .sum();
        assert_eq!(state.utxo().len(), created - 7);
    }
}

#[test]
fn disconnect_then_reconnect_restores_the_utxo_set_exactly() {
    let chain = blocks("blocks/mainnet_blocks_0-255.hex");
    let mut state = Chainstate::new(&MAINNET, ConnectOptions::default());
    state.set_clock(1_700_000_000);
    for block in &chain[1..] {
        state.process_block(block.clone()).unwrap();
    }
    let full = state.utxo().clone();
    // Disconnect 100 blocks (through all seven payments at 170-248), then reconnect.
    let mut undone = Vec::new();
    for _ in 0..100 {
        undone.push(state.disconnect_tip().unwrap());
    }
    assert_eq!(state.height(), 155);
    assert_eq!(
        state.utxo().total_value(),
        Amount::from_sat(155 * 50 * 100_000_000)
    );
    let outcome = state.activate_best_chain().unwrap();
    assert_eq!(outcome.connected.len(), 100);
    assert_eq!(
        state.utxo(),
        &full,
        "UTXO set differs after disconnect and reconnect"
    );
    // Disconnecting with undo data that does not fit the block is refused.
    let mut utxo = full.clone();
    assert!(disconnect_block(&chain[248], &Default::default(), &mut utxo).is_err());
}

#[test]
fn btcd_reorg_chain() {
    // Shape: 0 - 1 - 2 - 3 - 4 and 2 - 3A - 4A - 5A; blocks 4 and 5A spend block 2's
    // coinbase, so coinbase maturity is 1 here, as in btcd's test.
    let main = blocks("blocks/reorg_blk_0_to_4.hex");
    let side: Vec<Block> = ["reorg_blk_3A.hex", "reorg_blk_4A.hex", "reorg_blk_5A.hex"]
        .iter()
        .flat_map(|f| blocks(&format!("blocks/{f}")))
        .collect();
    let mut state = Chainstate::new(
        &MAINNET,
        ConnectOptions {
            coinbase_maturity: 1,
            ..Default::default()
        },
    );
    state.set_clock(1_700_000_000);
    for block in &main[1..] {
        state.process_block(block.clone()).unwrap();
    }
    assert_eq!(state.tip(), main[4].block_hash());
    let before = state.utxo().clone();
    // 3A and 4A: a branch with no more work than the active one; nothing moves.
    for block in &side[..2] {
        let outcome = state.process_block(block.clone()).unwrap();
        assert!(outcome.connected.is_empty() && outcome.disconnected.is_empty());
        assert_eq!(state.tip(), main[4].block_hash());
    }
    // 5A: the side branch now has more work: reorganise.
    let outcome = state.process_block(side[2].clone()).unwrap();
    assert_eq!(
        outcome.disconnected,
        vec![main[4].block_hash(), main[3].block_hash()]
    );
    assert_eq!(
        outcome.connected,
        side.iter().map(Block::block_hash).collect::<Vec<_>>()
    );
    assert!(outcome.invalid.is_empty());
    assert_eq!(state.tip(), side[2].block_hash());
    assert_eq!(state.height(), 5);
    assert_ne!(state.utxo(), &before);
}

#[test]
fn regtest_chain_mined_by_core_and_its_fork() {
    let main = blocks("blocks/regtest_main_1-102.hex");
    let fork = blocks("blocks/regtest_fork_101-103.hex");
    let mut state = Chainstate::new(&REGTEST, ConnectOptions::default());
    for (i, block) in main.iter().enumerate() {
        let outcome = state
            .process_block(block.clone())
            .unwrap_or_else(|e| panic!("block {}: {e}", i + 1));
        assert!(
            outcome.invalid.is_empty(),
            "block {}: {:?}",
            i + 1,
            outcome.invalid
        );
    }
    assert_eq!(state.height(), 102);
    // The fork from block 100 carries the same spend in 101' and grows to 103': Core
    // reorganises onto it, and so does sou.
    let mut last = None;
    for block in &fork {
        last = Some(state.process_block(block.clone()).unwrap());
    }
    let outcome = last.unwrap();
    assert_eq!(state.tip(), fork[2].block_hash());
    assert_eq!(state.height(), 103);
    assert_eq!(outcome.disconnected.len(), 2);
    assert!(outcome.invalid.is_empty());
    assert_eq!(
        state.entry(&main[101].block_hash()).unwrap().status,
        BlockStatus::Valid
    );
}

fn info(height: u32, time: u32, bits: u32) -> AncestorInfo {
    AncestorInfo {
        hash: BlockHash::ZERO,
        height,
        time,
        bits: CompactTarget::from_consensus(bits),
        version: 0x2000_0000,
    }
}

#[test]
fn retargets_match_core_pow_tests() {
    // (last height, last time, last bits, first block time, expected) from pow_tests.cpp.
    let cases = [
        (32_255, 1_262_152_739, 0x1d00ffff, 1_261_130_161, 0x1d00d86a),
        (2_015, 1_233_061_996, 0x1d00ffff, 1_231_006_505, 0x1d00ffff),
        (68_543, 1_279_297_671, 0x1c05a3f4, 1_279_008_237, 0x1c0168fd),
        (46_367, 1_269_211_443, 0x1c387f6f, 1_263_163_443, 0x1d00e1fd),
    ];
    let params = Network::Mainnet.params();
    for (height, time, bits, first_time, expected) in cases {
        let last = info(height, time, bits);
        let first = info(height - 2015, first_time, bits);
        assert_eq!(
            calculate_next_work_required(&last, &first, params).to_consensus(),
            expected,
            "height {height}"
        );
    }
}

#[test]
fn subsidy_halves_and_stops() {
    let p = Network::Mainnet.params();
    assert_eq!(block_subsidy(0, p), Amount::from_sat(50 * 100_000_000));
    assert_eq!(
        block_subsidy(209_999, p),
        Amount::from_sat(50 * 100_000_000)
    );
    assert_eq!(
        block_subsidy(210_000, p),
        Amount::from_sat(25 * 100_000_000)
    );
    assert_eq!(block_subsidy(6_929_999, p), Amount::ONE_SAT);
    assert_eq!(block_subsidy(6_930_000, p), Amount::ZERO);
    assert_eq!(block_subsidy(64 * 210_000, p), Amount::ZERO);
    // Sum over all epochs: the 21 million cap is never quite reached.
    let total: i64 = (0..64)
        .map(|e| block_subsidy(e * 210_000, p).to_sat() * 210_000)
        .sum();
    assert_eq!(Amount::from_sat(total).to_string(), "20999999.97690000 BTC");
}

/// A chain of headers given by (time, bits), heights from 0.
struct Headers(Vec<(u32, u32)>);

impl AncestorView for Headers {
    fn tip(&self) -> AncestorInfo {
        self.ancestor((self.0.len() - 1) as u32).unwrap()
    }
    fn ancestor(&self, height: u32) -> Option<AncestorInfo> {
        self.0
            .get(height as usize)
            .map(|&(time, bits)| info(height, time, bits))
    }
}

#[test]
fn testnet_minimum_difficulty_rule() {
    let params = Network::Testnet3.params();
    // Heights 0..=2020: a retarget at 2016 to 0x1c0fffff, then two normal blocks and two
    // minimum-difficulty exceptions.
    let mut chain: Vec<(u32, u32)> = (0..2016)
        .map(|h| (1_000_000 + 600 * h, 0x1d00ffff))
        .collect();
    chain.push((chain[2015].0 + 600, 0x1c0fffff));
    chain.push((chain[2016].0 + 600, 0x1c0fffff));
    chain.push((chain[2017].0 + 600, 0x1c0fffff));
    chain.push((chain[2018].0 + 1300, 0x1d00ffff));
    chain.push((chain[2019].0 + 1300, 0x1d00ffff));
    let view = Headers(chain);
    let last_time = view.tip().time;
    // More than 20 minutes after the parent: the easiest target.
    assert_eq!(
        next_work_required(&view, last_time + 1201, params).to_consensus(),
        0x1d00ffff
    );
    // Otherwise: the last target that was not a minimum-difficulty exception.
    assert_eq!(
        next_work_required(&view, last_time + 600, params).to_consensus(),
        0x1c0fffff
    );
    // Mainnet has no such rule.
    assert_eq!(
        next_work_required(&view, last_time + 5000, Network::Mainnet.params()).to_consensus(),
        0x1d00ffff
    );
}

#[test]
fn testnet4_bip94() {
    let params = Network::Testnet4.params();
    // BIP94 retargets from the first block of the period: here 0x1c0fffff, while the last
    // block (a minimum-difficulty exception) carries the easiest target.
    let mut chain: Vec<(u32, u32)> = (0..2016)
        .map(|h| (1_000_000 + 600 * h, 0x1c0fffff))
        .collect();
    chain[2015].1 = 0x1d00ffff;
    let view = Headers(chain);
    let bits = next_work_required(&view, view.tip().time + 600, params);
    // The period took 2015 x 600 s against 2016 x 600: 0x0fffff x 1_209_000 / 1_209_600
    // = 1_048_054.8, truncated to 0x0ffdf6, under the same exponent.
    assert_eq!(bits.to_consensus(), 0x1c0f_fdf6);
    // Without BIP94 the last block's target would be the base.
    assert_ne!(
        next_work_required(&view, view.tip().time + 600, Network::Testnet3.params()),
        bits
    );
    // The timewarp rule: the first block of a period may not be dated more than 10 minutes
    // before its parent.
    let header = sou_primitives::BlockHeader {
        version: 0x2000_0000,
        prev_blockhash: BlockHash::ZERO,
        merkle_root: Default::default(),
        time: view.tip().time - 601,
        bits,
        nonce: 0,
    };
    let err = contextual_check_block_header(&header, &view, params, 2_000_000_000).unwrap_err();
    assert_eq!(err.reject_reason(), "time-timewarp-attack");
}

#[test]
fn headers_first_then_blocks_in_any_order() {
    let chain = blocks("blocks/mainnet_blocks_0-255.hex");
    let mut state = Chainstate::new(&MAINNET, ConnectOptions::default());
    state.set_clock(1_700_000_000);
    for block in &chain[1..=10] {
        state.accept_header(&block.header).unwrap();
    }
    // Blocks 10 down to 2 arrive first: nothing can connect until block 1 does.
    for block in chain[2..=10].iter().rev() {
        let outcome = state.process_block(block.clone()).unwrap();
        assert!(outcome.connected.is_empty());
        assert_eq!(state.height(), 0);
    }
    let outcome = state.process_block(chain[1].clone()).unwrap();
    assert_eq!(outcome.connected.len(), 10);
    assert_eq!(state.tip(), chain[10].block_hash());
    // A block whose parent is unknown is refused with Core's reason.
    assert_eq!(
        state
            .process_block(chain[20].clone())
            .unwrap_err()
            .into_block_error()
            .unwrap()
            .reject_reason(),
        "prev-blk-not-found"
    );
}

/// Core's regtest chain 1-102 and its fork 101'-103' (from block 100):
///
/// ```text
///   ... 100 - 101 - 102            mined first
///          \
///           101' - 102' - 103'     the fork, one block longer
/// ```
fn core_regtest_chains() -> (Vec<Block>, Vec<Block>) {
    (
        blocks("blocks/regtest_main_1-102.hex"),
        blocks("blocks/regtest_fork_101-103.hex"),
    )
}

#[test]
fn invalidate_and_reconsider_move_the_tip_as_core_does() {
    let (main, fork) = core_regtest_chains();
    let mut state = Chainstate::new(&REGTEST, ConnectOptions::default());
    let mut utxo_at_100 = None;
    for block in &main {
        state.process_block(block.clone()).unwrap();
        if state.height() == 100 {
            utxo_at_100 = Some(state.utxo().clone());
        }
    }
    let tip_102 = main[101].block_hash();
    // invalidateblock 101: back to 100, with 100's coins exactly.
    let outcome = state.invalidate_block(&main[100].block_hash()).unwrap();
    assert_eq!(outcome.disconnected, vec![tip_102, main[100].block_hash()]);
    assert_eq!(state.height(), 100);
    assert_eq!(Some(state.utxo()), utxo_at_100.as_ref());
    assert_eq!(
        state.entry(&tip_102).unwrap().failure,
        Some(Failure::InvalidParent)
    );
    // The invalid block is refused if offered again, as Core's "duplicate-invalid".
    let again = state.process_block(main[100].clone()).unwrap_err();
    assert_eq!(
        again.into_block_error().unwrap().reject_reason(),
        "duplicate-invalid"
    );
    // reconsiderblock 102 clears its ancestors too: back to 102.
    let outcome = state.reconsider_block(&tip_102).unwrap();
    assert_eq!(outcome.connected.len(), 2);
    assert_eq!(state.tip(), tip_102);
    // The fork takes over (more work); invalidating its first block returns to 102.
    for block in &fork {
        state.process_block(block.clone()).unwrap();
    }
    assert_eq!(state.tip(), fork[2].block_hash());
    state.invalidate_block(&fork[0].block_hash()).unwrap();
    assert_eq!(state.tip(), tip_102);
    state.reconsider_block(&fork[0].block_hash()).unwrap();
    assert_eq!(state.tip(), fork[2].block_hash());
    // Genesis cannot be invalidated.
    assert!(state.invalidate_block(&REGTEST.genesis_hash).is_err());
}

#[test]
fn equal_work_goes_to_the_first_arrived_and_preciousblock_overrides() {
    //   ... 100 - 101 - 102      arrived first: stays active
    //          \
    //           101' - 102'      same work, arrived later
    let (main, fork) = core_regtest_chains();
    let mut state = Chainstate::new(&REGTEST, ConnectOptions::default());
    for block in main.iter().chain(&fork[..2]) {
        state.process_block(block.clone()).unwrap();
    }
    let (a, b) = (main[101].block_hash(), fork[1].block_hash());
    assert_eq!(
        state.entry(&a).unwrap().chain_work,
        state.entry(&b).unwrap().chain_work
    );
    assert_eq!(state.tip(), a, "first arrived wins a tie");
    let outcome = state.precious_block(&b).unwrap();
    assert_eq!(state.tip(), b);
    assert_eq!(outcome.disconnected.len(), 2);
    state.precious_block(&a).unwrap();
    assert_eq!(state.tip(), a, "the latest preciousblock wins");
    // A block with less work than the tip is not made precious.
    let outcome = state.precious_block(&fork[0].block_hash()).unwrap();
    assert!(outcome.connected.is_empty());
    assert_eq!(state.tip(), a);
}

#[test]
fn a_saved_tree_and_store_load_to_the_same_chain() {
    let (main, fork) = core_regtest_chains();
    let mut state = Chainstate::new(&REGTEST, ConnectOptions::default());
    for block in &main[..101] {
        state.process_block(block.clone()).unwrap();
    }
    let changed = state.take_changed();
    assert_eq!(changed.len(), 102, "genesis and 101 blocks");
    assert!(state.take_changed().is_empty());
    // Block 102 arrives and is connected; the saved state is still at 101.
    let saved_store = state.store().clone();
    let saved_tip = state.tip();
    state.accept_block(&main[101]).unwrap();
    let mut loaded = Chainstate::load(
        &REGTEST,
        ConnectOptions::default(),
        saved_store,
        changed,
        saved_tip,
    )
    .unwrap();
    assert_eq!(loaded.tip(), saved_tip);
    assert_eq!(loaded.height(), 101);
    // The reloaded chain goes on as the original: 102 and the fork.
    for block in main[101..].iter().chain(&fork) {
        loaded.process_block(block.clone()).unwrap();
    }
    assert_eq!(loaded.tip(), fork[2].block_hash());
    // A saved tip that is not in the tree is refused.
    assert!(Chainstate::load(
        &REGTEST,
        ConnectOptions::default(),
        sou_chain::MemoryStore::new(),
        Vec::new(),
        saved_tip
    )
    .is_err());
}
