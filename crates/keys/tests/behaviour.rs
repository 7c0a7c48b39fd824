//! What the vector files do not cover: low-R grinding, strict DER, French input forms,
//! mnemonic errors, WIF on every network, and secrets that never print.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers: a panic is a failed test with its message"
)]

use sou_keys::bip32::{ChildNumber, DerivationPath, Xpriv};
use sou_keys::bip39::{Language, Mnemonic};
use sou_keys::{ecdsa, schnorr, Address, Error, Message, NetworkKind, PrivateKey, SecretKey};
use sou_primitives::hashes::sha256;
use sou_primitives::Network;
use unicode_normalization::UnicodeNormalization;

fn key(n: u8) -> SecretKey {
    SecretKey::from_byte_array(sha256(&[n])).unwrap()
}

#[test]
fn ecdsa_signatures_are_low_r_low_s_strict_der_and_deterministic() {
    for i in 0..64u8 {
        let sk = key(i);
        let msg = Message::from_digest(sha256(&[i, 0xaa]));
        let sig = ecdsa::sign(&msg, &sk);
        let der = sig.to_der();
        // Low R and low S: neither integer needs a sign-padding byte, so DER takes at most
        // 2 + (2 + 32) + (2 + 32) = 70 bytes.
        assert!(sig.to_compact()[0] < 0x80, "r is not low");
        assert!(der.len() <= 70, "{} bytes", der.len());
        assert!(sig.is_low_s());
        assert_eq!(ecdsa::Signature::from_der(&der).unwrap(), sig);
        assert_eq!(ecdsa::verify(&msg, &sig, &sk.public_key()), Ok(()));
        assert_eq!(ecdsa::sign(&msg, &sk), sig, "RFC6979 is deterministic");
        let other = Message::from_digest(sha256(&[i, 0xbb]));
        assert_eq!(
            ecdsa::verify(&other, &sig, &sk.public_key()),
            Err(Error::IncorrectSignature)
        );
    }
    // Without grinding about half the signatures have a high r (72 bytes with sighash).
    let high_r = (0..64u8)
        .filter(|&i| {
            ecdsa::sign_without_grinding(&Message::from_digest(sha256(&[i])), &key(i)).to_compact()
                [0]
                >= 0x80
        })
        .count();
    assert!(high_r > 10, "{high_r}");
}

#[test]
fn strict_der_refuses_what_lax_der_accepts() {
    let sig = ecdsa::sign(&Message::from_digest([7; 32]), &key(1));
    let der = sig.to_der();
    // Pad r with a superfluous zero byte: BER-valid, not DER.
    let r_len = usize::from(der[3]);
    let mut padded = vec![0x30, der[1] + 1, 0x02, der[3] + 1, 0x00];
    padded.extend_from_slice(&der[4..4 + r_len]);
    padded.extend_from_slice(&der[4 + r_len..]);
    assert_eq!(
        ecdsa::Signature::from_der(&padded),
        Err(Error::InvalidSignature)
    );
    assert_eq!(ecdsa::Signature::from_der_lax(&padded).unwrap(), sig);
}

#[test]
fn schnorr_signs_any_message_length() {
    let kp = key(3).keypair();
    for len in [0usize, 1, 32, 100] {
        let msg = vec![0x5a; len];
        let sig = schnorr::sign(&msg, &kp, &[0; 32]);
        assert_eq!(
            schnorr::verify(&sig, &msg, &kp.x_only_public_key().0),
            Ok(())
        );
        let random = schnorr::sign_random(&msg, &kp).unwrap();
        assert_eq!(
            schnorr::verify(&random, &msg, &kp.x_only_public_key().0),
            Ok(())
        );
    }
}

#[test]
fn french_mnemonics_round_trip_in_every_form() {
    let entropy = [0x9c; 32];
    let mnemonic = Mnemonic::from_entropy(&entropy, Language::French).unwrap();
    let phrase = mnemonic.phrase();
    assert_eq!(phrase.split(' ').count(), 24);
    let seed = mnemonic.to_seed("mot de passe été");
    // NFKD (as stored), NFC (as typed on most keyboards), and without accents.
    let nfc: String = phrase.nfc().collect();
    let bare: String = phrase
        .chars()
        .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
        .collect();
    assert!(
        phrase.chars().any(|c| ('\u{300}'..='\u{36f}').contains(&c)),
        "expected accented words"
    );
    for form in [phrase.as_str(), nfc.as_str(), bare.as_str()] {
        let parsed = Mnemonic::parse_in(Language::French, form).unwrap();
        assert_eq!(parsed.entropy(), entropy);
        // The passphrase is normalised too: NFC and NFKD give the same seed.
        let nfc_pass: String = "mot de passe été".nfc().collect();
        assert_eq!(parsed.to_seed(&nfc_pass), seed);
        assert_eq!(Mnemonic::parse(form).unwrap().language(), Language::French);
    }
    // Stripped of accents, the 2,048 French words stay distinct.
    let mut bare_words: Vec<String> = Language::French
        .words()
        .iter()
        .map(|w| {
            w.chars()
                .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
                .collect()
        })
        .collect();
    bare_words.sort();
    bare_words.dedup();
    assert_eq!(bare_words.len(), 2048);
}

#[test]
fn mnemonic_errors_name_the_problem() {
    let good = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
    assert!(Mnemonic::parse(good).is_ok());
    let typo = good.replace("about", "abuot");
    assert_eq!(
        Mnemonic::parse_in(Language::English, &typo),
        Err(Error::UnknownWord {
            word: "abuot".into(),
            position: 12
        })
    );
    let swapped = good.replace("about", "above");
    assert_eq!(
        Mnemonic::parse_in(Language::English, &swapped),
        Err(Error::MnemonicChecksum)
    );
    assert_eq!(Mnemonic::parse(&swapped), Err(Error::MnemonicChecksum));
    assert_eq!(
        Mnemonic::parse("abandon about"),
        Err(Error::InvalidWordCount { count: 2 })
    );
    assert_eq!(
        Mnemonic::from_entropy(&[0; 15], Language::English),
        Err(Error::InvalidEntropyLength { bits: 120 })
    );
    let fresh = Mnemonic::generate(24, Language::English).unwrap();
    assert_eq!(Mnemonic::parse(&fresh.phrase()).unwrap(), fresh);
}

#[test]
fn paths_and_public_derivation() {
    let path: DerivationPath = "m/84h/0'/0H/0/1".parse().unwrap();
    assert_eq!(path.to_string(), "m/84'/0'/0'/0/1");
    for bad in ["", "m/", "84'/0", "m/x", "m/2147483648", "m/1''", "n/0"] {
        assert!(bad.parse::<DerivationPath>().is_err(), "{bad}");
    }
    assert!(ChildNumber::normal(1 << 31).is_err());
    let master = Xpriv::new_master(NetworkKind::Test, &[1; 32]).unwrap();
    let account = master.derive_path(&"m/84'/1'/0'".parse().unwrap()).unwrap();
    let xpub = account.to_xpub();
    assert!(xpub.to_string().starts_with("tpub"));
    let by_private = account.derive_path(&"m/0/7".parse().unwrap()).unwrap();
    let by_public = xpub.derive_path(&"m/0/7".parse().unwrap()).unwrap();
    assert_eq!(by_private.to_xpub(), by_public);
    assert!(matches!(
        xpub.derive_path(&"m/0'".parse().unwrap()),
        Err(Error::HardenedFromPublic { child: 0x8000_0000 })
    ));
}

#[test]
fn wif_on_every_network() {
    for network in Network::ALL {
        for compressed in [true, false] {
            let key = PrivateKey {
                secret: key(9),
                compressed,
                network: NetworkKind::of(network),
            };
            let wif = key.to_wif();
            assert_eq!(PrivateKey::from_wif(&wif, network.params()).unwrap(), key);
            let other = if network == Network::Mainnet {
                Network::Regtest
            } else {
                Network::Mainnet
            };
            assert!(matches!(
                PrivateKey::from_wif(&wif, other.params()),
                Err(Error::WrongNetworkPrefix { .. })
            ));
        }
    }
}

#[test]
fn addresses_of_another_network_are_refused_with_their_own_error() {
    let pk = key(5).public_key();
    let main = Address::p2wpkh(&pk, Network::Mainnet).unwrap().to_string();
    assert_eq!(
        Address::parse(&main, Network::Regtest),
        Err(Error::WrongNetwork {
            expected: Network::Regtest
        })
    );
    let legacy = Address::p2pkh(&pk, Network::Testnet4).to_string();
    assert_eq!(
        Address::parse(&legacy, Network::Mainnet),
        Err(Error::WrongNetwork {
            expected: Network::Mainnet
        })
    );
    assert!(Address::p2wpkh(&pk.uncompressed(), Network::Mainnet).is_err());
    let regtest = Address::p2tr(&pk.x_only_public_key().0, None, Network::Regtest)
        .unwrap()
        .to_string();
    assert!(regtest.starts_with("bcrt1p"));
    assert_eq!(
        Address::parse(&regtest, Network::Regtest)
            .unwrap()
            .to_string(),
        regtest
    );
}

#[test]
fn secrets_never_print() {
    let sk = key(1);
    let secret_hex = hex::encode(sk.secret_bytes());
    let master = Xpriv::new_master(NetworkKind::Main, &[3; 32]).unwrap();
    let mnemonic = Mnemonic::from_entropy(&[0; 16], Language::English).unwrap();
    let printed = format!(
        "{sk:?} {:?} {master:?} {mnemonic:?} {:?} {:?}",
        sk.keypair(),
        mnemonic.to_seed(""),
        PrivateKey {
            secret: sk.clone(),
            compressed: true,
            network: NetworkKind::Main
        }
    );
    assert!(!printed.contains(&secret_hex), "{printed}");
    assert!(!printed.contains(&hex::encode(master.secret_key.secret_bytes())));
    assert!(!printed.contains("abandon"));
    assert!(printed.contains("<redacted>"));
}

#[test]
fn witness_programs_with_and_without_addresses() {
    let script = |hex: &str| sou_primitives::Script::from_bytes(hex::decode(hex).unwrap());
    // Version 0 has programs of 20 and 32 bytes only (Core `Solver`: 25 bytes is
    // NONSTANDARD); a later version has an address at any length from 2 to 40.
    let v0_25 = script(&format!("0019{}", "11".repeat(25)));
    assert!(matches!(
        Address::from_script(&v0_25, Network::Regtest),
        Err(Error::NoAddressForScript)
    ));
    let v1_2 = script("51024e73");
    assert_eq!(
        Address::from_script(&v1_2, Network::Regtest)
            .unwrap()
            .to_string(),
        "bcrt1pfeesnyr2tx"
    );
}
