//! From a random number to a bech32 address, step by step.
//!
//! Owning bitcoin means knowing a secret number. This example follows one such number
//! from the entropy a wallet draws, through the words a user writes down (in English and
//! in French), the seed, the BIP32 key tree and the BIP84 path, down to one public key
//! and the address a payer types.
//!
//! Run: `cargo run --release --example keys` (deterministic: the entropy is derived from
//! a fixed phrase so the output can be compared with the book; add `--random` for a fresh
//! wallet).

use std::process::ExitCode;

use sou::keys::bip32::{DerivationPath, Xpriv};
use sou::keys::bip39::{Language, Mnemonic};
use sou::keys::{Address, NetworkKind};
use sou::primitives::hashes::sha256;
use sou::Network;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), sou::keys::Error> {
    let random = std::env::args().any(|a| a == "--random");

    println!("1. ENTROPY: 128 random bits, the only secret a wallet really has.");
    let english = if random {
        Mnemonic::generate(12, Language::English)?
    } else {
        // Fixed for the book: the first 16 bytes of sha256("Bitcoin, comment ça marche ?").
        let digest = sha256("Bitcoin, comment ça marche ?".as_bytes());
        Mnemonic::from_entropy(&digest[..16], Language::English)?
    };
    println!("   {}", hex(english.entropy()));
    if !random {
        println!(
            "   (derived from a fixed phrase so this run is reproducible; --random for a real one)"
        );
    }

    println!(
        "\n2. MNEMONIC (BIP39): the bits plus a 4-bit checksum, cut into 11-bit word numbers."
    );
    println!("   English: {}", english.phrase().as_str());
    let french = Mnemonic::from_entropy(english.entropy(), Language::French)?;
    println!("   Français: {}", nfc(&french.phrase()));
    println!("   Same secret, two word lists: either phrase restores the wallet in its language.");

    println!("\n3. SEED: PBKDF2-HMAC-SHA512(phrase, \"mnemonic\", 2048 rounds) = 64 bytes.");
    let seed = english.to_seed("");
    println!("   {}", hex(&seed.as_bytes()[..32]));
    println!("   {}", hex(&seed.as_bytes()[32..]));
    println!("   (the French phrase gives another seed: the words, not the bits, are hashed)");

    println!(
        "\n4. MASTER KEY (BIP32): HMAC-SHA512(\"Bitcoin seed\", seed) = secret key + chain code."
    );
    let master = Xpriv::new_master(NetworkKind::Main, seed.as_bytes())?;
    println!("   {master}");

    let path: DerivationPath = "m/84'/0'/0'/0/0".parse()?;
    println!("\n5. PATH {path}: purpose 84 (P2WPKH), coin 0 (bitcoin), account 0, receiving chain 0, index 0.");
    println!("   ' marks hardened steps: they need the secret key, so a leaked child cannot expose the account.");
    let account = master.derive_path(&"m/84'/0'/0'".parse()?)?;
    println!(
        "   account xpub, enough to watch every address: {}",
        account.to_xpub()
    );
    let child = master.derive_path(&path)?;

    println!("\n6. PUBLIC KEY: secret · G on secp256k1, compressed to 33 bytes (02/03 = parity of y, then x).");
    let public_key = child.secret_key.public_key();
    println!("   {public_key}");

    println!("\n7. HASH160: RIPEMD-160(SHA-256(public key)), 20 bytes: the address commits to a hash, not the key.");
    println!("   {}", hex(&public_key.pubkey_hash().0));

    println!(
        "\n8. ADDRESS: witness version 0 + the hash, in Bech32 with the mainnet prefix \"bc\"."
    );
    let address = Address::p2wpkh(&public_key, Network::Mainnet)?;
    println!("   {address}");
    println!("   locking script: {}", address.script_pubkey());
    println!(
        "   A payer's wallet turns the address back into that script; only a signature by the"
    );
    println!("   secret key of step 6 can unlock it.");

    let taproot = Address::p2tr(&public_key.x_only_public_key().0, None, Network::Mainnet)?;
    println!(
        "\n   The same key as a taproot output (tweaked with no script tree as in BIP86, Bech32m):"
    );
    println!("   {taproot}");
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Words are stored decomposed (NFKD); terminals show the composed form the same way, but
/// composing keeps copy-paste tidy.
fn nfc(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfc().collect()
}
