//! BIP174's test vectors, every one: the invalid PSBTs are refused, the valid ones
//! round-trip byte for byte in binary and Base64, the four "fails signer checks" cases
//! parse but stop the signer, and the creator → updater → signer → combiner → finalizer
//! → extractor sequence produces the BIP's bytes at every step.
//! The data files name their source: bitcoin/bips, bip-0174.mediawiki.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    reason = "test code"
)]

use sou_keys::bip32::{DerivationPath, Xpriv};
use sou_keys::{PrivateKey, PublicKey, SecretKey};
use sou_primitives::encoding::deserialize;
use sou_primitives::network::TESTNET3;
use sou_primitives::{Amount, OutPoint, Script, Transaction, TxIn, TxOut, Txid, Witness};
use sou_script::VerifyFlags;
use sou_wallet::psbt::{base64, Error, KeySource, Nonces, Psbt, UpdateData};
use sou_wallet::sign::verify_transaction;

const INVALID: &str = include_str!("data/bip174_invalid.txt");
const VALID: &str = include_str!("data/bip174_valid.txt");
const ROLES: &str = include_str!("data/bip174_roles.txt");

fn rows(data: &str) -> impl Iterator<Item = Vec<&str>> {
    data.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| l.split('\t').collect())
}

fn role(name: &str) -> Vec<Vec<&'static str>> {
    rows(ROLES)
        .filter(|r| r[0] == name)
        .map(|r| r[1..].to_vec())
        .collect()
}

fn one(name: &str) -> &'static str {
    role(name)[0][0]
}

fn psbt_hex(name: &str) -> Psbt {
    Psbt::deserialize(&hex::decode(one(name)).unwrap()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn invalid_psbts_are_refused() {
    let mut count = 0;
    for row in rows(INVALID) {
        let (title, b64) = (row[0], row[1]);
        let result = Psbt::from_base64(b64);
        assert!(result.is_err(), "{title}: parsed as {result:?}");
        count += 1;
    }
    assert_eq!(count, 19);
}

#[test]
fn valid_psbts_round_trip() {
    let (mut valid, mut signer_fails) = (0, 0);
    for row in rows(VALID) {
        let (kind, title, b64) = (row[0], row[1], row[2]);
        let psbt = Psbt::from_base64(b64).unwrap_or_else(|e| panic!("{title}: {e}"));
        assert_eq!(psbt.to_base64(), b64, "{title}");
        assert_eq!(
            Psbt::deserialize(&psbt.serialize()).unwrap(),
            psbt,
            "{title}"
        );
        match kind {
            "valid" => valid += 1,
            "signer-fails" => {
                // A signer checks the scripts before signing anything, whatever its keys.
                assert!(psbt.check_inputs().is_err(), "{title}");
                let mut copy = psbt.clone();
                let key = SecretKey::from_byte_array([1; 32]).unwrap();
                assert!(copy.sign(&[key], Nonces::Rfc6979).is_err(), "{title}");
                signer_fails += 1;
            }
            other => panic!("unknown kind {other}"),
        }
    }
    assert_eq!((valid, signer_fails), (10, 4));
}

#[test]
fn the_specific_refusals() {
    let reasons: Vec<(String, Error)> = rows(INVALID)
        .map(|r| (r[0].to_string(), Psbt::from_base64(r[1]).unwrap_err()))
        .collect();
    let reason = |title: &str| &reasons.iter().find(|(t, _)| t == title).unwrap().1;
    assert_eq!(
        *reason("Network transaction, not PSBT format"),
        Error::BadMagic
    );
    assert!(matches!(
        reason("PSBT missing outputs"),
        Error::MapCount {
            what: "outputs",
            ..
        }
    ));
    assert_eq!(
        *reason("PSBT where one input has a filled scriptSig in the unsigned tx"),
        Error::UnsignedTxHasScripts
    );
    assert_eq!(
        *reason("PSBT where inputs and outputs are provided but without an unsigned tx"),
        Error::MissingUnsignedTx
    );
    assert!(matches!(
        reason("PSBT with duplicate keys in an input"),
        Error::DuplicateKey(_)
    ));
    assert!(matches!(
        reason("PSBT with invalid global transaction typed key"),
        Error::InvalidKey {
            key_type: 0,
            len: 2
        }
    ));
    assert!(matches!(
        reason("PSBT with invalid input sighash type typed key"),
        Error::InvalidKey {
            key_type: 3,
            len: 2
        }
    ));
}

#[test]
fn base64_matches_rfc4648() {
    for (plain, encoded) in [
        ("", ""),
        ("f", "Zg=="),
        ("fo", "Zm8="),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="),
        ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ] {
        assert_eq!(base64::encode(plain.as_bytes()), encoded);
        assert_eq!(base64::decode(encoded).unwrap(), plain.as_bytes());
    }
    for bad in ["Zg=", "Zg==Zg==", "Z===", "Zm9v!A==", "Zm9"] {
        assert_eq!(base64::decode(bad), None, "{bad}");
    }
}

#[test]
fn creator_updater_signer_combiner_finalizer_extractor() {
    // Creator.
    let tx = Transaction {
        version: 2,
        input: role("creator-input")
            .iter()
            .map(|r| {
                let mut txid = hex::decode(r[0]).unwrap();
                txid.reverse();
                TxIn {
                    previous_output: OutPoint::new(
                        Txid::from_byte_array(txid.try_into().unwrap()),
                        r[1].parse().unwrap(),
                    ),
                    script_sig: Script::new(),
                    sequence: 0xffff_ffff,
                    witness: Witness::new(),
                }
            })
            .collect(),
        output: role("creator-output")
            .iter()
            .map(|r| TxOut {
                value: Amount::from_sat(r[1].parse().unwrap()),
                script_pubkey: Script::from_bytes(hex::decode(r[0]).unwrap()),
            })
            .collect(),
        lock_time: 0,
    };
    let mut psbt = Psbt::from_unsigned_tx(tx);
    assert_eq!(hex::encode(psbt.serialize()), one("created"));

    // Updater.
    let master: Xpriv = one("master").parse().unwrap();
    let data = UpdateData {
        transactions: role("updater-tx")
            .iter()
            .map(|r| deserialize(&hex::decode(r[0]).unwrap()).unwrap())
            .collect(),
        scripts: role("updater-script")
            .iter()
            .map(|r| Script::from_bytes(hex::decode(r[0]).unwrap()))
            .collect(),
        keys: role("updater-key")
            .iter()
            .map(|r| {
                let path: DerivationPath = r[1].parse().unwrap();
                // The keys are the master's: check it, then record the origin.
                let derived = master.derive_path(&path).unwrap().secret_key.public_key();
                let pk = PublicKey::from_slice(&hex::decode(r[0]).unwrap()).unwrap();
                assert_eq!(derived, pk);
                (
                    pk,
                    KeySource {
                        fingerprint: master.fingerprint(),
                        path,
                    },
                )
            })
            .collect(),
    };
    psbt.update(&data);
    assert_eq!(hex::encode(psbt.serialize()), one("updated"));
    psbt.set_sighash_type(1);
    assert_eq!(hex::encode(psbt.serialize()), one("sighash-all"));

    // Two signers, each with two keys, sign copies.
    let keys = |name: &str| -> Vec<SecretKey> {
        role(name)
            .iter()
            .map(|r| PrivateKey::from_wif(r[0], &TESTNET3).unwrap().secret)
            .collect()
    };
    let mut a = psbt.clone();
    assert_eq!(a.sign(&keys("signer-a-key"), Nonces::Rfc6979).unwrap(), 2);
    assert_eq!(hex::encode(a.serialize()), one("signed-a"));
    let mut b = psbt.clone();
    assert_eq!(b.sign(&keys("signer-b-key"), Nonces::Rfc6979).unwrap(), 2);
    assert_eq!(hex::encode(b.serialize()), one("signed-b"));

    // Combiner, in either order.
    let mut combined = a.clone();
    combined.combine(b.clone()).unwrap();
    assert_eq!(hex::encode(combined.serialize()), one("combined"));
    let mut other_way = b;
    other_way.combine(a).unwrap();
    assert_eq!(other_way, combined);
    assert_eq!(psbt_hex("combined"), combined);

    // Finalizer and extractor.
    assert!(matches!(combined.extract_tx(), Err(Error::NotFinalized(0))));
    combined.finalize().unwrap();
    assert_eq!(hex::encode(combined.serialize()), one("finalized"));
    let tx = combined.extract_tx().unwrap();
    assert_eq!(
        hex::encode(sou_primitives::encoding::serialize(&tx)),
        one("extracted")
    );
    // And the script interpreter accepts every input under the consensus flags.
    let spent: Vec<TxOut> = (0..tx.input.len())
        .map(|i| combined.spent_output(i).unwrap())
        .collect();
    verify_transaction(&tx, &spent, VerifyFlags::CONSENSUS).unwrap();
}

#[test]
fn combiner_keeps_unknown_records_in_key_order() {
    let mut a = psbt_hex("unknown-a");
    a.combine(psbt_hex("unknown-b")).unwrap();
    assert_eq!(hex::encode(a.serialize()), one("unknown-combined"));
    // A different transaction cannot be combined.
    let mut c = psbt_hex("unknown-a");
    assert_eq!(
        c.combine(psbt_hex("created")),
        Err(Error::DifferentTransactions)
    );
}

#[test]
fn hostile_bytes_never_panic() {
    // Every valid vector, mutated 2,000 times each (flipped, dropped, inserted bytes and
    // truncations): parsing, and every role on what parses, returns instead of panicking.
    let mut seed = 0x5eed_u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for row in rows(VALID) {
        let bytes = base64::decode(row[2]).unwrap();
        for _ in 0..2_000 {
            let mut m = bytes.clone();
            for _ in 0..1 + next() % 3 {
                let at = (next() % m.len() as u64) as usize;
                match next() % 4 {
                    0 => m[at] ^= 1 << (next() % 8),
                    1 => {
                        m.remove(at);
                    }
                    2 => m.insert(at, next() as u8),
                    _ => m.truncate(at.max(5)),
                }
            }
            if let Ok(mut psbt) = Psbt::deserialize(&m) {
                let _ = psbt.check_inputs();
                let _ = psbt.sign(
                    &[SecretKey::from_byte_array([3; 32]).unwrap()],
                    Nonces::Rfc6979,
                );
                let _ = psbt.finalize();
                let _ = psbt.extract_tx();
                let _ = Psbt::deserialize(&psbt.serialize());
            }
        }
    }
}

#[test]
fn the_finalizer_refuses_signatures_of_another_sighash_type() {
    let mut psbt = psbt_hex("combined");
    psbt.inputs[0].sighash_type = Some(0x81); // ALL|ANYONECANPAY, but the signatures say ALL
    assert_eq!(psbt.finalize(), Err(Error::CannotFinalize(0)));
}

#[test]
fn bip371_taproot_fields() {
    let (mut invalid, mut valid) = (0, 0);
    for row in rows(include_str!("data/bip371.txt")) {
        let (kind, title, data) = (row[0], row[1], row[2]);
        let bytes = match data.split_once(':') {
            Some(("b64", b)) => base64::decode(b).unwrap(),
            Some(("hex", h)) => hex::decode(h).unwrap(),
            _ => panic!("{title}: unknown encoding"),
        };
        match kind {
            "invalid" => {
                assert!(Psbt::deserialize(&bytes).is_err(), "{title}");
                invalid += 1;
            }
            "valid" => {
                let psbt = Psbt::deserialize(&bytes).unwrap_or_else(|e| panic!("{title}: {e}"));
                assert_eq!(
                    hex::encode(psbt.serialize()),
                    hex::encode(&bytes),
                    "{title}"
                );
                valid += 1;
            }
            other => panic!("unknown kind {other}"),
        }
    }
    assert_eq!((invalid, valid), (11, 6));
}

#[test]
fn every_ecdsa_type_through_the_roles() {
    use sou_keys::Address;
    use sou_primitives::hashes::sha256;
    use sou_primitives::opcodes::{OP_0, OP_CHECKMULTISIG};
    use sou_primitives::script::Builder;
    use sou_primitives::Network;

    let key = |n: u8| SecretKey::from_byte_array(sha256(&[n, 174])).unwrap();
    let net = Network::Regtest;
    let wpkh_redeem = Builder::new()
        .push_opcode(OP_0)
        .push_slice(&key(2).public_key().pubkey_hash().0)
        .into_script();
    let mut ms = Builder::new().push_int(2);
    for n in 4..7 {
        ms = ms.push_slice(&key(n).public_key().serialize_compressed());
    }
    let multisig = ms.push_int(3).push_opcode(OP_CHECKMULTISIG).into_script();
    let scripts = [
        Address::p2pkh(&key(1).public_key(), net).script_pubkey(),
        Address::p2sh_p2wpkh(&key(2).public_key(), net)
            .unwrap()
            .script_pubkey(),
        Address::p2wpkh(&key(3).public_key(), net)
            .unwrap()
            .script_pubkey(),
        Address::p2wsh(&multisig, net).script_pubkey(),
        Address::p2sh(&multisig, net).script_pubkey(),
    ];
    // A previous transaction paying each script, then one spending them all.
    let funding = Transaction {
        version: 2,
        input: vec![TxIn {
            previous_output: OutPoint::new(Txid::from_byte_array([9; 32]), 0),
            script_sig: Script::from_bytes(vec![0x51]),
            sequence: 0,
            witness: Witness::new(),
        }],
        output: scripts
            .iter()
            .map(|s| TxOut {
                value: Amount::from_sat(1_000_000),
                script_pubkey: s.clone(),
            })
            .collect(),
        lock_time: 0,
    };
    let txid = funding.compute_txid();
    let spend = Transaction {
        version: 2,
        input: (0..scripts.len() as u32)
            .map(|vout| TxIn {
                previous_output: OutPoint::new(txid, vout),
                script_sig: Script::new(),
                sequence: 0xffff_fffd,
                witness: Witness::new(),
            })
            .collect(),
        output: vec![TxOut {
            value: Amount::from_sat(4_990_000),
            script_pubkey: scripts[2].clone(),
        }],
        lock_time: 0,
    };
    let mut psbt = Psbt::from_unsigned_tx(spend);
    psbt.update(&UpdateData {
        transactions: vec![funding],
        scripts: vec![wpkh_redeem, multisig],
        keys: vec![],
    });
    // Legacy inputs carry the whole previous transaction, segwit ones the output alone.
    assert!(psbt.inputs[0].non_witness_utxo.is_some() && psbt.inputs[4].non_witness_utxo.is_some());
    assert!(psbt.inputs[1].witness_utxo.is_some() && psbt.inputs[3].witness_utxo.is_some());
    // Two signers for the multisigs; the first also holds the single keys.
    let mut a = Psbt::from_base64(&psbt.to_base64()).unwrap();
    a.sign(&[key(1), key(2), key(3), key(4)], Nonces::Wallet)
        .unwrap();
    assert!(matches!(
        a.clone().finalize(),
        Err(Error::CannotFinalize(3))
    ));
    let mut b = psbt.clone();
    b.sign(&[key(6)], Nonces::Wallet).unwrap();
    a.combine(b).unwrap();
    a.finalize().unwrap();
    let tx = a.extract_tx().unwrap();
    let spent: Vec<TxOut> = (0..tx.input.len())
        .map(|i| a.spent_output(i).unwrap())
        .collect();
    verify_transaction(&tx, &spent, VerifyFlags::STANDARD).unwrap();
}
