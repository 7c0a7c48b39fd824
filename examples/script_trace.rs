//! Watching Script unlock coins, one opcode at a time.
//!
//! Two classic spends, traced step by step with the stacks before and after each
//! instruction: a P2PKH payment (prove you own the key whose hash the output names) and a
//! bare 2-of-3 multisig (two signatures out of three keys). Both are real transactions,
//! signed here and verified under Bitcoin Core's standard rules.
//!
//! Run: `cargo run --release --example script_trace`.

use std::process::ExitCode;

use sou::keys::{ecdsa, Message, SecretKey};
use sou::primitives::hashes::sha256;
use sou::primitives::opcodes::{OP_2, OP_3, OP_CHECKMULTISIG};
use sou::primitives::script::Builder;
use sou::script::interpreter::TransactionChecker;
use sou::script::sighash::{legacy_sighash, SighashType};
use sou::script::trace::TextTrace;
use sou::script::{verify_script_traced, PrecomputedTransactionData, VerifyFlags};
use sou::{Address, Amount, Network, OutPoint, Script, Transaction, TxIn, TxOut, Witness};

fn key(label: &str) -> Result<SecretKey, sou::keys::Error> {
    SecretKey::from_byte_array(sha256(label.as_bytes()))
}

/// A transaction spending `funding:0` to a throwaway output.
fn spend_of(funding: &Transaction) -> Transaction {
    Transaction {
        version: 2,
        input: vec![TxIn {
            previous_output: OutPoint::new(funding.compute_txid(), 0),
            script_sig: Script::new(),
            sequence: 0xffff_fffe,
            witness: Witness::new(),
        }],
        output: vec![TxOut {
            value: Amount::from_sat(49_000),
            script_pubkey: Script::from_bytes(vec![0x51]),
        }],
        lock_time: 0,
    }
}

fn funding(script_pubkey: Script) -> Transaction {
    Transaction {
        version: 2,
        input: vec![TxIn {
            previous_output: OutPoint::new(sou::Txid::from_byte_array([7; 32]), 0),
            ..Default::default()
        }],
        output: vec![TxOut {
            value: Amount::from_sat(50_000),
            script_pubkey,
        }],
        lock_time: 0,
    }
}

/// An ECDSA signature with SIGHASH_ALL for the legacy input 0 of `tx`.
fn sign(tx: &Transaction, script_code: &Script, key: &SecretKey) -> Vec<u8> {
    let sighash = legacy_sighash(script_code.as_bytes(), tx, 0, SighashType::ALL);
    let mut sig = ecdsa::sign(&Message::from_digest(sighash.0), key).to_der();
    sig.push(0x01);
    sig
}

fn run(title: &str, tx: &Transaction, spent: &TxOut) -> bool {
    let pre = PrecomputedTransactionData::new(tx, vec![spent.clone()]);
    let checker = TransactionChecker::new(tx, 0, spent.value, &pre);
    let mut trace = TextTrace::default();
    let input = &tx.input[0];
    let result = verify_script_traced(
        &input.script_sig,
        &spent.script_pubkey,
        &input.witness,
        VerifyFlags::STANDARD,
        &checker,
        &mut trace,
    );
    println!("{title}");
    println!("  script_sig:    {}", input.script_sig);
    println!("  script_pubkey: {}", spent.script_pubkey);
    println!("  (stacks bottom to top; items in hex, [] is empty = false)");
    for line in &trace.lines {
        println!("  {line}");
    }
    println!("  verdict: {:?}\n", result);
    result.is_ok()
}

fn main() -> ExitCode {
    let (Ok(alice), Ok(bob), Ok(carol)) = (key("alice"), key("bob"), key("carol")) else {
        return ExitCode::FAILURE;
    };

    // 1. P2PKH: the output names hash160(public key); the spender shows key and signature.
    let address = Address::p2pkh(&alice.public_key(), Network::Regtest);
    let lock = address.script_pubkey();
    let fund = funding(lock.clone());
    let mut tx = spend_of(&fund);
    let sig = sign(&tx, &lock, &alice);
    tx.input[0].script_sig = Builder::new()
        .push_slice(&sig)
        .push_slice(&alice.public_key().serialize_compressed())
        .into_script();
    println!("Alice received 0.0005 BTC at {address}.");
    let p2pkh_ok = run(
        "P2PKH: the script_sig pushes <sig> <pubkey>; the lock checks the key's hash, then the signature.",
        &tx,
        &fund.output[0],
    );

    // 2. Bare 2-of-3 multisig: any two of Alice, Bob and Carol.
    let keys = [&alice, &bob, &carol];
    let mut builder = Builder::new().push_opcode(OP_2);
    for k in keys {
        builder = builder.push_slice(&k.public_key().serialize_compressed());
    }
    let lock = builder
        .push_opcode(OP_3)
        .push_opcode(OP_CHECKMULTISIG)
        .into_script();
    let fund = funding(lock.clone());
    let mut tx = spend_of(&fund);
    let (sig_a, sig_c) = (sign(&tx, &lock, &alice), sign(&tx, &lock, &carol));
    // The leading empty push feeds CHECKMULTISIG's extra pop (a 2009 bug, now a rule:
    // BIP147 wants it empty). Signatures go in the order of their keys.
    tx.input[0].script_sig = Builder::new()
        .push_slice(&[])
        .push_slice(&sig_a)
        .push_slice(&sig_c)
        .into_script();
    let multisig_ok = run(
        "2-of-3 multisig: CHECKMULTISIG walks the keys in order, matching Alice's then Carol's signature.",
        &tx,
        &fund.output[0],
    );
    if p2pkh_ok && multisig_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
