//! Two branches, one history: a reorganisation and a double spend on regtest.
//!
//! Nodes follow the valid chain with the most work. This example builds a regtest chain,
//! pays Bob in block 102, then mines a competing branch from block 101 where the same coin
//! pays Mallory instead. While the branches tie, the node keeps the one it saw first; as
//! soon as Mallory's branch has more work, it disconnects block 102 and connects hers:
//! Bob's payment is gone. That is why merchants wait for confirmations.
//!
//! Run: `cargo run --release --example reorg`.

use std::error::Error;
use std::process::ExitCode;

use sou::chain::chainstate::ProcessOutcome;
use sou::primitives::hashes::{hash160, sha256};
use sou::wallet::sign::sign_transaction;
use sou::wallet::{SigningKey, SpendInfo};
use sou::{Address, Amount, BlockHash, Network, OutPoint, RegtestChain, Script, SecretKey};
use sou::{Transaction, TxIn, TxOut, Witness};

/// What each payment leaves to its miner.
const FEE: Amount = Amount::from_sat(10_000);

fn short(hash: &BlockHash) -> String {
    hash.to_string()[..16].to_owned()
}

fn describe(chain: &RegtestChain, label: &str, outcome: &ProcessOutcome) {
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
    for (hash, error) in &outcome.invalid {
        println!("    invalid      {}...: {error}", short(hash));
    }
    println!(
        "    tip: height {} {}... (chain work 2^{work:.4})",
        chain.state.height(),
        short(&tip)
    );
}

/// A stand-in for `name`'s address: a P2WPKH output whose 20-byte program is the hash of
/// the name, not of a key (no one will spend it here).
fn address_of(name: &[u8]) -> Script {
    Script::from_bytes([&[0x00, 0x14][..], &hash160(name)].concat())
}

/// Spends `coin` (a P2WPKH output of `key`) to `to`, less [`FEE`], signed by the wallet's
/// signer.
fn pay(
    key: &SecretKey,
    coin: &(OutPoint, TxOut),
    to: Script,
) -> Result<Transaction, Box<dyn Error>> {
    let (outpoint, spent) = coin;
    let value = spent
        .value
        .checked_sub(FEE)
        .ok_or("the coin cannot pay the fee")?;
    let mut tx = Transaction {
        version: 2,
        input: vec![TxIn {
            previous_output: *outpoint,
            script_sig: Script::new(),
            // Replaceable (BIP125), as wallets sign by default.
            sequence: 0xffff_fffd,
            witness: Witness::new(),
        }],
        output: vec![TxOut {
            value,
            script_pubkey: to,
        }],
        lock_time: 0,
    };
    let signer = SpendInfo::P2wpkh(SigningKey::new(key.clone()));
    sign_transaction(&mut tx, &[(spent.clone(), signer)])?;
    Ok(tx)
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn Error>> {
    // One key receives every coinbase and spends block 1's twice. It comes from a fixed
    // phrase (the one sou's own test chains mine to), so the hashes are the book's.
    let key = SecretKey::from_byte_array(sha256(b"sou-testkit key"))?;
    let miner = Address::p2wpkh(&key.public_key(), Network::Regtest)?;
    let mut chain = RegtestChain::new(miner.script_pubkey());
    let blocks = chain.mine_empty_blocks(101)?;
    println!("Mined 101 regtest blocks: the coinbase of block 1 (50 BTC) can now be spent.\n");
    let coinbase = &blocks.first().ok_or("no block mined")?.txdata[0];
    let coin = (
        OutPoint::new(coinbase.compute_txid(), 0),
        coinbase.output[0].clone(),
    );
    let fork_point = chain.state.tip();

    // Branch A: Bob is paid in block 102.
    let pay_bob = pay(&key, &coin, address_of(b"bob"))?;
    let bob_txid = pay_bob.compute_txid();
    let a102 = chain.build_block(vec![pay_bob], FEE)?;
    let outcome = chain.state.process_block(a102)?;
    describe(
        &chain,
        "Block 102 pays Bob with the coin of block 1:",
        &outcome,
    );

    // Branch B, from 101: the same coin pays Mallory.
    let pay_mallory = pay(&key, &coin, address_of(b"mallory"))?;
    let mallory_txid = pay_mallory.compute_txid();
    let b102 = chain.build_block_on(fork_point, vec![pay_mallory], FEE)?;
    let b102_hash = b102.block_hash();
    let outcome = chain.state.process_block(b102)?;
    describe(
        &chain,
        "\nMallory mines 102' on 101, spending the same coin: equal work, the first seen stays:",
        &outcome,
    );

    let b103 = chain.build_block_on(b102_hash, vec![], Amount::ZERO)?;
    let outcome = chain.state.process_block(b103)?;
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
    if !mallory_paid || bob_paid {
        return Err("the chain did not move to Mallory's branch".into());
    }
    println!("Bob's payment had one confirmation, and one block was enough to undo it.");
    println!("Each further confirmation makes such a race exponentially less likely to succeed.");
    Ok(())
}
