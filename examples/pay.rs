//! How you pay in bitcoin, from twelve words to a confirmed payment.
//!
//! Alice writes down a mnemonic (French or English); her wallet turns it into keys and
//! gives her an address. On an in-process regtest chain, a block pays its reward to that
//! address; the coin must wait 100 blocks before it can be spent. Then Alice pays Bob: her
//! wallet chooses coins, estimates the fee, adds change, signs each input, checks every
//! signature with the script interpreter as a node would, and a new block confirms the
//! payment. Every step prints what it did and why.
//!
//! Run: `cargo run --release --example pay` (add `--lang fr` for a French mnemonic,
//! `--random` for a fresh one instead of the fixed example phrase).

use std::error::Error;
use std::process::ExitCode;

use sou::keys::bip39::{Language, Mnemonic};
use sou::primitives::hashes::sha256;
use sou::script::VerifyFlags;
use sou::wallet::sign::verify_transaction;
use sou::wallet::{Algorithm, InputKind, Rng};
use sou::{AccountKind, BlockEvents, PaymentBuilder, Wallet};
use sou::{Address, Amount, Block, FeeRate, Network, RegtestChain, SecretKey, Transaction};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Mines a block holding `txs` on the tip, connects it (the chain state validates it, or
/// the error says why not) and shows it to both wallets.
fn connect(
    chain: &mut RegtestChain,
    wallets: &mut [&mut Wallet],
    txs: Vec<Transaction>,
    fees: Amount,
) -> Result<(Block, Vec<BlockEvents>), Box<dyn Error>> {
    let block = chain.mine_block(txs, fees)?;
    let height = chain.state.height();
    let mut events = Vec::new();
    for w in wallets.iter_mut() {
        events.push(w.apply_block(&block, height)?);
    }
    Ok((block, events))
}

fn run() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let french = args.windows(2).any(|w| w[0] == "--lang" && w[1] == "fr");
    let language = if french {
        Language::French
    } else {
        Language::English
    };
    let mnemonic = if args.iter().any(|a| a == "--random") {
        Mnemonic::generate(12, language)?
    } else {
        // 128 bits of entropy from a fixed phrase, so the output can be followed in the book.
        Mnemonic::from_entropy(
            &sha256(b"sou: Bitcoin, comment ca marche ?")[..16],
            language,
        )?
    };

    println!("1. Alice's wallet");
    println!(
        "   Mnemonic ({}): {}",
        if french { "French" } else { "English" },
        mnemonic.phrase().as_str()
    );
    println!("   These 12 words are 128 random bits plus a checksum (BIP39). Stretched by");
    println!("   PBKDF2 into a seed, they become the root of a key tree (BIP32).");
    let mut alice = Wallet::from_mnemonic(&mnemonic, "", Network::Regtest)?;
    let address = alice.next_address(AccountKind::Bip84)?;
    println!("   First receiving address (BIP84, m/84'/1'/0'/0/0): {address}");
    println!("   It is the hash of a public key: paying it locks coins that only a signature");
    println!("   by the matching private key can unlock (P2WPKH, native segwit).\n");

    let bob_mnemonic = Mnemonic::from_entropy(&sha256(b"bob")[..16], Language::English)?;
    let mut bob = Wallet::from_mnemonic(&bob_mnemonic, "", Network::Regtest)?;
    let bob_address = bob.next_address(AccountKind::Bip86)?;

    // Block 1 pays Alice; the blocks after it pay a miner, whose key comes from a fixed
    // phrase (the one sou's own test chains mine to) so that the hashes are the book's.
    let miner_key = SecretKey::from_byte_array(sha256(b"sou-testkit key"))?;
    let miner = Address::p2wpkh(&miner_key.public_key(), Network::Regtest)?;
    let mut chain = RegtestChain::new(address.script_pubkey());
    let (block, _) = connect(
        &mut chain,
        &mut [&mut alice, &mut bob],
        vec![],
        Amount::ZERO,
    )?;
    chain.set_payout(miner.script_pubkey());
    println!("2. Coins from a block");
    println!(
        "   Block 1 ({}) pays its reward, 50 BTC, to Alice's address.",
        block.block_hash()
    );
    let b = alice.balance();
    println!(
        "   Balance: confirmed {}, immature {}",
        b.confirmed, b.immature
    );
    println!("   A block reward cannot be spent for 100 blocks: if the block were replaced in a");
    println!(
        "   reorganisation, the coins would vanish, and so would every payment made with them."
    );
    for _ in 0..99 {
        connect(
            &mut chain,
            &mut [&mut alice, &mut bob],
            vec![],
            Amount::ZERO,
        )?;
    }
    let b = alice.balance();
    println!(
        "   99 blocks later (height {}): confirmed {}, immature {}\n",
        chain.state.height(),
        b.confirmed,
        b.immature
    );

    println!("3. Paying Bob 1.5 BTC at 5 sat/vB");
    println!("   Bob's address (BIP86, taproot): {bob_address}");
    // A clock just after the chain's last block: the wallet believes it is up to date.
    let tip_time = chain
        .state
        .entry(&chain.state.tip())
        .map_or(0, |e| e.header.time);
    alice.set_time(i64::from(tip_time) + 600);
    let rate = FeeRate::from_sat_per_vb(5);
    let payment =
        PaymentBuilder::new(rate).pay(bob_address.script_pubkey(), Amount::from_sat(150_000_000));
    // Coin selection and the change's place are random in a real wallet (Core's too);
    // a fixed seed keeps this run the one the book shows, `--random` draws from the OS.
    let mut rng = if args.iter().any(|a| a == "--random") {
        Rng::from_os()?
    } else {
        Rng::seeded(1)
    };
    let unsigned = alice.build_payment(payment, &mut rng)?;
    let tx = alice.sign(&unsigned)?;
    let txid = tx.compute_txid();
    println!(
        "   Coin selection ({}) chose {} coin(s) worth {}.",
        match unsigned.algorithm {
            Some(Algorithm::BranchAndBound) => "Branch and Bound, an exact match without change",
            Some(Algorithm::Knapsack) => "knapsack: no exact match, so change comes back",
            Some(Algorithm::SingleRandomDraw) =>
                "single random draw: no exact match, so change comes back",
            _ => "the coins named by the payment",
        },
        unsigned.spent.len(),
        Amount::from_sat(unsigned.spent.iter().map(|c| c.output.value.to_sat()).sum())
    );
    for (i, (input, coin)) in tx.input.iter().zip(&unsigned.spent).enumerate() {
        println!(
            "   input {i}: spends {} ({}), sequence {:#010x}",
            input.previous_output, coin.output.value, input.sequence
        );
        println!(
            "            witness: signature ({} bytes) and public key ({} bytes)",
            input.witness.get(0).map_or(0, <[u8]>::len),
            input.witness.get(1).map_or(0, <[u8]>::len)
        );
    }
    for (i, output) in tx.output.iter().enumerate() {
        let to = Address::from_script(&output.script_pubkey, Network::Regtest)
            .map_or_else(|_| "?".to_owned(), |a| a.to_string());
        let role = if unsigned.change_index == Some(i) {
            "change, back to a new address of Alice's, of the same type as Bob's"
        } else {
            "to Bob"
        };
        println!("   output {i}: {} to {to} ({role})", output.value);
    }
    println!(
        "   Fee: {} for {} vbytes ({} weight units; estimated before signing: {})",
        unsigned.fee,
        tx.vsize(),
        tx.weight().to_wu(),
        unsigned.estimated_weight.to_wu()
    );
    println!("   The fee is what the inputs hold minus what the outputs pay: nobody writes it");
    println!("   down, miners collect it. Sequence 0xfffffffd signals that Alice may replace the");
    println!(
        "   payment with a higher fee (BIP125); lock time {} ties it to the next block,",
        tx.lock_time
    );
    println!("   so a miner cannot re-mine the tip to steal its fees (anti-fee-sniping).");
    println!("   txid: {txid}\n");

    println!("4. Verifying, as every node will");
    verify_transaction(&tx, &unsigned.spent_outputs(), VerifyFlags::STANDARD)?;
    println!("   Each input's signature checked by the script interpreter: valid.");
    alice.add_unconfirmed(&tx)?;
    bob.add_unconfirmed(&tx)?;
    let (a, b) = (alice.balance(), bob.balance());
    println!(
        "   Sent. Alice: confirmed {}, unconfirmed change {}",
        a.confirmed, a.unconfirmed
    );
    println!(
        "         Bob:   unconfirmed {} (not final until a block includes it)",
        b.unconfirmed
    );
    match alice.add_unconfirmed(&double_spend_of(&alice, &unsigned, &mut rng)?) {
        Err(e) => println!("   A second payment with the same coin is refused: {e}\n"),
        Ok(_) => return Err("the wallet accepted a second payment of a spent coin".into()),
    }

    println!("5. Confirmation");
    let (block, _) = connect(
        &mut chain,
        &mut [&mut alice, &mut bob],
        vec![tx],
        unsigned.fee,
    )?;
    println!(
        "   Block {} ({}) includes the payment; the miner claims the fee.",
        chain.state.height(),
        block.block_hash()
    );
    let (a, b) = (alice.balance(), bob.balance());
    println!(
        "   Alice: confirmed {}, immature {}",
        a.confirmed, a.immature
    );
    println!("   Bob:   confirmed {}", b.confirmed);
    println!("   Bob is paid: the chain holds an output only his key can spend.");
    Ok(())
}

/// Another payment of the coin Alice just spent, signed by her own keys.
fn double_spend_of(
    alice: &Wallet,
    spent: &sou::wallet::UnsignedPayment,
    rng: &mut Rng,
) -> Result<Transaction, Box<dyn Error>> {
    let coin = spent.spent[0].clone();
    let again = PaymentBuilder::new(FeeRate::from_sat_per_vb(50))
        .pay(
            coin.output.script_pubkey.clone(),
            Amount::from_sat(100_000_000),
        )
        .change_to(coin.output.script_pubkey.clone(), InputKind::P2wpkh)
        .build(&[coin], rng)?;
    Ok(alice.sign(&again)?)
}
