//! The script execution cache as connecting a block uses it: a transaction noted under
//! the block's script flags has its scripts skipped (once); one not noted, or noted
//! under other flags, is checked as always.
//!
//! The spend below carries a broken signature, so that whether its scripts ran shows in
//! the verdict. A note is a promise that they passed, which is why only the node's own
//! mempool writes them. Beside the notes, the signatures a checker verified while
//! storing are looked up (and used up) by the block's checks.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

use std::sync::Arc;

use sou::chain::consensus::block_script_flags;
use sou::chain::ScriptCache;
use sou::primitives::network::REGTEST;
use sou::script::{verify_input_cached, PrecomputedTransactionData, VerifyFlags};
use sou::{Amount, BlockHash, Transaction, TxOut};
use sou_testkit::TestChain;

/// A chain of 101 blocks with a cache, a signed spend of its first coin, and the output
/// that coin is.
fn chain_and_spend() -> (TestChain, Arc<ScriptCache>, Transaction, TxOut) {
    let mut chain = TestChain::new();
    let coins = chain.mine_empty(101);
    let cache = Arc::new(ScriptCache::new([7; 32], 100));
    chain.state.set_script_cache(Arc::clone(&cache));
    let pay = TxOut {
        value: Amount::from_sat(coins[0].value.to_sat() - 1_000),
        script_pubkey: chain.script(),
    };
    let tx = chain.spend(&coins[0], vec![pay]);
    let spent = TxOut {
        value: coins[0].value,
        script_pubkey: chain.script(),
    };
    (chain, cache, tx, spent)
}

/// [`chain_and_spend`] with the spend's signature broken.
fn chain_and_bad_spend() -> (TestChain, Arc<ScriptCache>, Transaction) {
    let (chain, cache, mut tx, _) = chain_and_spend();
    let mut items: Vec<Vec<u8>> = tx.input[0].witness.iter().map(<[u8]>::to_vec).collect();
    // The signature's last byte before the sighash type.
    let at = items[0].len() - 2;
    items[0][at] ^= 1;
    tx.input[0].witness = sou::Witness::from_items(items);
    (chain, cache, tx)
}

/// The flags of the block after the tip.
fn next_flags(chain: &TestChain) -> VerifyFlags {
    block_script_flags(chain.state.height() + 1, &BlockHash::ZERO, &REGTEST)
}

/// True when a block holding `tx` on the tip is refused for a script.
fn refused_for_its_script(chain: &mut TestChain, tx: Transaction) -> bool {
    let block = chain.build_block(vec![tx], Amount::from_sat(1_000));
    let outcome = chain.state.process_block(block).unwrap();
    outcome.invalid.iter().any(|(_, e)| {
        e.reject_reason()
            .starts_with("block-script-verify-flag-failed")
    })
}

#[test]
fn a_transaction_not_noted_is_checked() {
    let (mut chain, cache, tx) = chain_and_bad_spend();
    assert!(cache.is_empty());
    assert!(refused_for_its_script(&mut chain, tx));
}

#[test]
fn a_note_under_other_flags_does_not_count() {
    let (mut chain, cache, tx) = chain_and_bad_spend();
    cache.insert(&tx.compute_wtxid(), VerifyFlags::P2SH);
    assert!(refused_for_its_script(&mut chain, tx));
    assert_eq!(cache.len(), 1, "left as it was");
}

#[test]
fn a_note_under_the_blocks_flags_skips_the_scripts_once() {
    let (mut chain, cache, tx) = chain_and_bad_spend();
    let flags = next_flags(&chain);
    cache.insert(&tx.compute_wtxid(), flags);
    assert!(!refused_for_its_script(&mut chain, tx.clone()));
    assert!(cache.is_empty(), "the note is used up");
    assert_eq!(chain.state.height(), 102);
}

#[test]
fn signatures_verified_before_are_used_up_by_the_block() {
    let (mut chain, cache, tx, spent) = chain_and_spend();
    // As the pool checks it: the valid signature is kept.
    let precomputed = PrecomputedTransactionData::new(&tx, vec![spent]);
    let flags = next_flags(&chain);
    verify_input_cached(&tx, 0, &precomputed, flags, Some(cache.signatures(true))).unwrap();
    assert_eq!(cache.signature_count(), 1);
    // No note for the transaction: the block checks its script, and finds the signature.
    assert!(!refused_for_its_script(&mut chain, tx));
    assert_eq!(chain.state.height(), 102);
    assert_eq!(cache.signature_count(), 0, "used up by the block");
}
