//! Two branches, one history: a reorganisation and a double spend on regtest.
//!
//! Nodes follow the valid chain with the most work. This example builds a regtest chain,
//! pays Bob in block 102, then mines a competing branch from block 101 where the same coin
//! pays Mallory instead. While the branches tie, the node keeps the one it saw first; as
//! soon as Mallory's branch has more work, it disconnects block 102 and connects hers:
//! Bob's payment is gone. That is why merchants wait for confirmations.
//!
//! Run: `cargo run --release --example reorg`.

use std::process::ExitCode;

use sou::chain::chainstate::ProcessOutcome;
use sou::{Amount, Block, BlockHash, OutPoint, TxOut};
use sou_testkit::TestChain;

fn short(hash: &BlockHash) -> String {
    hash.to_string()[..16].to_owned()
}

fn describe(chain: &TestChain, label: &str, outcome: &ProcessOutcome) {
    let tip = chain.state.tip();
    let work = chain
        .state
        .entry(&tip)
        .map(|e| e.chain_work.log2())
        .unwrap_or_default();
    println!("{label}");
    for hash in &outcome.disconnected {
        println!("    disconnected {}...", short(hash));
    }
    for hash in &outcome.connected {
        println!("    connected    {}...", short(hash));
    }
    println!(
        "    tip: height {} {}... (chain work 2^{work:.4})",
        chain.state.height(),
        short(&tip)
    );
}

fn main() -> ExitCode {
    let mut chain = TestChain::new();
    let coins = chain.mine_empty(101);
    println!("Mined 101 regtest blocks: the coinbase of block 1 (50 BTC) can now be spent.\n");
    let coin = &coins[0];
    let to = |label: &[u8]| TxOut {
        value: Amount::from_sat(4_999_990_000),
        script_pubkey: sou::Script::from_bytes(
            [&[0x00, 0x14][..], &sou::primitives::hashes::hash160(label)].concat(),
        ),
    };
    let fork_point = chain.state.tip();

    // Branch A: Bob is paid in block 102.
    let pay_bob = chain.spend(coin, vec![to(b"bob")]);
    let bob_txid = pay_bob.compute_txid();
    let a102 = chain.build_block(vec![pay_bob], Amount::from_sat(10_000));
    let Ok(outcome) = chain.state.process_block(a102) else {
        return ExitCode::FAILURE;
    };
    describe(
        &chain,
        "Block 102 pays Bob with the coin of block 1:",
        &outcome,
    );

    // Branch B, from 101: the same coin pays Mallory.
    let pay_mallory = chain.spend(coin, vec![to(b"mallory")]);
    let mallory_txid = pay_mallory.compute_txid();
    let b102: Block = chain.build_block_on(fork_point, vec![pay_mallory], Amount::from_sat(10_000));
    let b102_hash = b102.block_hash();
    let Ok(outcome) = chain.state.process_block(b102) else {
        return ExitCode::FAILURE;
    };
    describe(
        &chain,
        "\nMallory mines 102' on 101, spending the same coin: equal work, the first seen stays:",
        &outcome,
    );

    let b103 = chain.build_block_on(b102_hash, vec![], Amount::ZERO);
    let Ok(outcome) = chain.state.process_block(b103) else {
        return ExitCode::FAILURE;
    };
    describe(
        &chain,
        "\nMallory mines 103' on 102': her branch has more work, the node reorganises:",
        &outcome,
    );

    let bob_paid = chain
        .state
        .utxo()
        .get(&OutPoint::new(bob_txid, 0))
        .is_some();
    let mallory_paid = chain
        .state
        .utxo()
        .get(&OutPoint::new(mallory_txid, 0))
        .is_some();
    println!("\nBob's output unspent in the UTXO set: {bob_paid}; Mallory's: {mallory_paid}.");
    println!("Bob's payment had one confirmation, and one block was enough to undo it.");
    println!("Each further confirmation makes such a race exponentially less likely to succeed.");
    if mallory_paid && !bob_paid {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
