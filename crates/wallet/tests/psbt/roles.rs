//! BIP174's roles in turn: creator → updater → signer → combiner → finalizer → extractor
//! produces the BIP's bytes at every step and a transaction the interpreter accepts; every
//! ECDSA output type goes through them; the signer and the finalizer refuse what they must;
//! and no mutated PSBT makes a role panic.

use sou_keys::bip32::{DerivationPath, Xpriv};
use sou_keys::{PrivateKey, PublicKey, SecretKey};
use sou_primitives::encoding::deserialize;
use sou_primitives::network::TESTNET3;
use sou_primitives::{Amount, OutPoint, Script, Transaction, TxIn, TxOut, Txid, Witness};
use sou_script::{SighashType, VerifyFlags};
use sou_wallet::psbt::{base64, Error, KeySource, Nonces, Psbt, UpdateData};
use sou_wallet::sign::verify_transaction;

use crate::{one, psbt_hex, role, rows, VALID};

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
    psbt.set_sighash_type(SighashType::ALL);
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
    // ALL|ANYONECANPAY, but the signatures say ALL.
    psbt.inputs[0].sighash_type = Some(SighashType::ALL_ANYONECANPAY);
    assert_eq!(psbt.finalize(), Err(Error::CannotFinalize(0)));
}

#[test]
fn the_signer_refuses_an_undefined_ecdsa_sighash_type() {
    // The signature would end with byte 0x04, which no parser would read back.
    let mut psbt = psbt_hex("sighash-all");
    let four = SighashType::from_u32(4);
    psbt.set_sighash_type(four);
    let keys: Vec<SecretKey> = role("signer-a-key")
        .iter()
        .map(|r| PrivateKey::from_wif(r[0], &TESTNET3).unwrap().secret)
        .collect();
    assert_eq!(
        psbt.sign(&keys, Nonces::Rfc6979),
        Err(Error::InvalidSighashType {
            input: 0,
            sighash_type: four
        })
    );
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
