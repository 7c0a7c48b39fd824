//! BIP174's test vectors, every one: the invalid PSBTs are refused, the valid ones
//! round-trip byte for byte in binary and Base64 (two come back as Core writes them,
//! their non-witness UTXOs without witnesses), the four "fails signer checks" cases
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
use sou_keys::taproot::TapNodeHash;
use sou_keys::{PrivateKey, PublicKey, SecretKey};
use sou_primitives::encoding::deserialize;
use sou_primitives::network::TESTNET3;
use sou_primitives::{Amount, OutPoint, Script, Transaction, TxIn, TxOut, Txid, Witness};
use sou_script::{ScriptError, SighashType, VerifyFlags};
use sou_wallet::psbt::{
    base64, Error, KeySource, MuSig2Participant, Nonces, PreimageHash, Psbt, UpdateData, XOnlyKey,
};
use sou_wallet::sign::verify_transaction;

const INVALID: &str = include_str!("../data/bip174_invalid.txt");
const VALID: &str = include_str!("../data/bip174_valid.txt");
const VALID_AS_CORE_WRITES: &str = include_str!("../data/bip174_valid_as_core_writes.txt");
const ROLES: &str = include_str!("../data/bip174_roles.txt");

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
    let (mut valid, mut signer_fails, mut rewritten) = (0, 0, 0);
    for row in rows(VALID) {
        let (kind, title, b64) = (row[0], row[1], row[2]);
        let psbt = Psbt::from_base64(b64).unwrap_or_else(|e| panic!("{title}: {e}"));
        // What Core writes: the vector itself, or for two of them the same PSBT with its
        // non-witness UTXO in the legacy form.
        let as_core_writes = rows(VALID_AS_CORE_WRITES).find(|r| r[0] == title);
        match as_core_writes {
            None => {
                assert_eq!(psbt.to_base64(), b64, "{title}");
                assert_eq!(
                    Psbt::deserialize(&psbt.serialize()).unwrap(),
                    psbt,
                    "{title}"
                );
            }
            Some(core) => {
                assert_eq!(psbt.to_base64(), core[1], "{title}");
                let utxo = psbt.inputs[0].non_witness_utxo.as_ref().unwrap();
                assert!(utxo.input.iter().any(|i| !i.witness.is_empty()), "{title}");
                // Written once, the PSBT then passes through unchanged.
                let again = Psbt::from_base64(core[1]).unwrap();
                assert_eq!(again.to_base64(), core[1], "{title}");
                rewritten += 1;
            }
        }
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
    assert_eq!((valid, signer_fails, rewritten), (10, 4, 2));
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

/// 32 bytes that are no point's x: `5^3 + 7` is not a square modulo p.
const OFF_CURVE: [u8; 32] = {
    let mut x = [0; 32];
    x[31] = 5;
    x
};

#[test]
fn x_only_keys_off_the_curve_pass_through_as_in_core() {
    // Core reads every taproot x-only key unchecked (`XOnlyPubKey`, src/psbt.h), so a PSBT
    // naming 32 bytes that are no point's x parses, and writes back byte for byte. The
    // records go in through the unknown maps, in Core's order (their key types ascend).
    let leaf_hash = [7; 32];
    let origin = [&[0x00][..], &[0xaa; 4], &0x8000_0056_u32.to_le_bytes()].concat();
    let mut psbt = psbt_hex("created");
    let input = &mut psbt.inputs[0].unknown;
    // PSBT_IN_TAP_SCRIPT_SIG: the key, then the leaf hash; a 64-byte signature.
    input.insert([&[0x14][..], &OFF_CURVE, &leaf_hash].concat(), vec![1; 64]);
    // PSBT_IN_TAP_BIP32_DERIVATION, PSBT_IN_TAP_INTERNAL_KEY.
    input.insert([&[0x16][..], &OFF_CURVE].concat(), origin.clone());
    input.insert(vec![0x17], OFF_CURVE.to_vec());
    let output = &mut psbt.outputs[0].unknown;
    // PSBT_OUT_TAP_INTERNAL_KEY, PSBT_OUT_TAP_BIP32_DERIVATION.
    output.insert(vec![0x05], OFF_CURVE.to_vec());
    output.insert([&[0x07][..], &OFF_CURVE].concat(), origin);
    let bytes = psbt.serialize();

    let parsed = Psbt::deserialize(&bytes).unwrap();
    assert_eq!(parsed.serialize(), bytes);
    let key = XOnlyKey::from_byte_array(OFF_CURVE);
    let (input, output) = (&parsed.inputs[0], &parsed.outputs[0]);
    assert_eq!(input.tap_internal_key, Some(key));
    assert!(input
        .tap_script_sigs
        .contains_key(&(key, TapNodeHash(leaf_hash))));
    assert!(input.tap_bip32_derivation.contains_key(&key));
    assert_eq!(output.tap_internal_key, Some(key));
    assert!(output.tap_bip32_derivation.contains_key(&key));
    assert!(input.unknown.is_empty() && output.unknown.is_empty());
    // Whoever needs the point finds there is none; x = 1 is a point's x.
    assert_eq!(key.to_public_key(), Err(sou_keys::Error::InvalidPublicKey));
    let mut one = [0; 32];
    one[31] = 1;
    let point = XOnlyKey::from_byte_array(one).to_public_key().unwrap();
    assert_eq!(point.serialize(), one);
    // Nor does the signer: no secret key has it, so nothing is signed (Core finds no key
    // either). The input spends a P2PKH output, so give it a P2TR one.
    let mut unsigned = parsed.clone();
    unsigned.inputs[0].non_witness_utxo = None;
    unsigned.inputs[0].witness_utxo = Some(TxOut {
        value: Amount::from_sat(1_000),
        script_pubkey: Script::from_bytes([&[0x51, 0x20][..], &[2; 32]].concat()),
    });
    unsigned.inputs[1].witness_utxo = unsigned.inputs[0].witness_utxo.clone();
    let secret = SecretKey::from_byte_array([1; 32]).unwrap();
    assert_eq!(unsigned.sign(&[secret], Nonces::Rfc6979), Ok(0));
}

#[test]
fn an_all_zero_internal_key_means_none_as_in_core() {
    // Core reads an all-zero internal key, then treats it as absent (`IsNull`): it does
    // not merge it and does not write it back.
    let created = psbt_hex("created");
    let mut psbt = created.clone();
    psbt.inputs[0].unknown.insert(vec![0x17], vec![0; 32]);
    psbt.outputs[0].unknown.insert(vec![0x05], vec![0; 32]);
    let parsed = Psbt::deserialize(&psbt.serialize()).unwrap();
    assert_eq!(parsed.inputs[0].tap_internal_key, None);
    assert_eq!(parsed.outputs[0].tap_internal_key, None);
    assert_eq!(parsed.serialize(), created.serialize());
    // Set by hand, it is not written either, and a combined copy's real key replaces it.
    let zero = XOnlyKey::from_byte_array([0; 32]);
    let mut by_hand = created.clone();
    by_hand.inputs[0].tap_internal_key = Some(zero);
    by_hand.outputs[0].tap_internal_key = Some(zero);
    assert_eq!(by_hand.serialize(), created.serialize());
    let real = XOnlyKey::from(sou_wallet::sign::x_only(
        &SecretKey::from_byte_array([1; 32]).unwrap(),
    ));
    let mut other = created.clone();
    other.inputs[0].tap_internal_key = Some(real);
    by_hand.combine(other).unwrap();
    assert_eq!(by_hand.inputs[0].tap_internal_key, Some(real));
}

#[test]
fn partial_signatures_are_checked_as_core_checks_them() {
    // Core refuses a PSBT_IN_PARTIAL_SIG record whose key is no public key, or whose
    // signature is empty or fails `CheckSignatureEncoding` under DERSIG and STRICTENC.
    let combined = psbt_hex("combined");
    let (pk, sig) = combined.inputs[0].partial_sigs.iter().next().unwrap();
    let with_record = |pk: &[u8], sig: &[u8]| {
        let mut psbt = combined.clone();
        psbt.inputs[0]
            .partial_sigs
            .insert(pk.to_vec(), sig.to_vec());
        Psbt::deserialize(&psbt.serialize())
    };
    let replaced = |at: usize, byte: u8| {
        let mut s = sig.clone();
        s[at] = byte;
        s
    };
    let last = sig.len() - 1;
    // The vector's own signature, and the same with other defined sighash bytes.
    assert!(with_record(pk, sig).is_ok());
    for defined in [0x02, 0x03, 0x81, 0x83] {
        assert!(
            with_record(pk, &replaced(last, defined)).is_ok(),
            "{defined:#04x}"
        );
    }
    // Not DER: the sequence tag is not 0x30.
    assert_eq!(
        with_record(pk, &replaced(0, 0x31)),
        Err(Error::InvalidPartialSig(ScriptError::SigDer))
    );
    // DER, but sighash bytes that name no type.
    for undefined in [0x00, 0x04, 0x80, 0x84, 0xff] {
        assert_eq!(
            with_record(pk, &replaced(last, undefined)),
            Err(Error::InvalidPartialSig(ScriptError::SigHashtype)),
            "{undefined:#04x}"
        );
    }
    assert_eq!(with_record(pk, &[]), Err(Error::EmptyPartialSig));
    // Keys of the right length that are no public key: no point has x = 5, and a 33-byte
    // key cannot start with 0x04.
    let off_curve = [&[0x02][..], &OFF_CURVE].concat();
    assert_eq!(
        with_record(&off_curve, sig),
        Err(Error::InvalidPublicKey(0x02))
    );
    let mut wrong_prefix = pk.clone();
    wrong_prefix[0] = 0x04;
    assert_eq!(
        with_record(&wrong_prefix, sig),
        Err(Error::InvalidPublicKey(0x02))
    );
    assert_eq!(
        Error::InvalidPartialSig(ScriptError::SigDer).to_string(),
        "invalid partial signature: non-canonical DER signature"
    );
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
fn bip371_taproot_fields() {
    let (mut invalid, mut valid) = (0, 0);
    for row in rows(include_str!("../data/bip371.txt")) {
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

/// The keys of map `index` of a PSBT (0: global, then inputs, then outputs), in the order
/// written.
fn keys_of(bytes: &[u8], index: usize) -> Vec<Vec<u8>> {
    let mut r = sou_primitives::encoding::Reader::new(&bytes[5..]);
    let mut maps = vec![Vec::new()];
    while r.remaining() > 0 {
        let key = r.read_var_bytes().unwrap();
        if key.is_empty() {
            maps.push(Vec::new());
            continue;
        }
        r.read_var_bytes().unwrap();
        maps.last_mut().unwrap().push(key.to_vec());
    }
    maps.swap_remove(index)
}

/// A compressed public key of secret `n`.
fn point(n: u8) -> [u8; 33] {
    SecretKey::from_byte_array([n; 32])
        .unwrap()
        .public_key()
        .serialize_compressed()
}

#[test]
fn records_are_written_in_cores_order() {
    // Core writes an output's proprietary records after its BIP32 keys and before its
    // taproot fields, MuSig2 records after the taproot ones, unknown records last.
    let origin = [&[0xaa; 4][..], &1u32.to_le_bytes()].concat();
    let mut psbt = psbt_hex("created");
    let output = &mut psbt.outputs[0].unknown;
    output.insert(vec![0xfb, 0x01], vec![1]);
    output.insert([&[0x08][..], &point(1)].concat(), point(3).to_vec());
    output.insert(
        [&[0x07][..], &[5; 32]].concat(),
        [&[0][..], &origin].concat(),
    );
    output.insert(vec![0x05], vec![5; 32]);
    output.insert(vec![0xfc, 0x03, b's', b'o', b'u', 0x00], vec![2]);
    output.insert([&[0x02][..], &point(4)].concat(), origin.clone());
    let parsed = Psbt::deserialize(&psbt.serialize()).unwrap();
    let types: Vec<u8> = keys_of(&parsed.serialize(), 3)
        .iter()
        .map(|k| k[0])
        .collect();
    assert_eq!(types, [0x02, 0xfc, 0x05, 0x07, 0x08, 0xfb]);
    // An aggregate key that is no point: the MuSig2 record is refused.
    let mut bad = psbt.clone();
    bad.outputs[0]
        .unknown
        .insert([&[0x08, 0x02][..], &OFF_CURVE].concat(), vec![]);
    assert_eq!(
        Psbt::deserialize(&bad.serialize()),
        Err(Error::InvalidPublicKey(0x08))
    );
}

#[test]
fn values_core_holds_as_none_are_neither_read_nor_written() {
    // Empty scripts and witnesses, an all-zero merkle root, a witness UTXO of amount -1
    // (`CTxOut::IsNull`): Core reads them, then does not write them.
    let created = psbt_hex("created");
    let mut psbt = created.clone();
    let input = &mut psbt.inputs[0].unknown;
    for key_type in [0x04, 0x05, 0x07] {
        input.insert(vec![key_type], vec![]);
    }
    input.insert(vec![0x08], vec![0x00]);
    input.insert(vec![0x18], vec![0; 32]);
    input.insert(
        vec![0x01],
        [&(-1i64).to_le_bytes()[..], &[0x01, 0x51]].concat(),
    );
    for key_type in [0x00, 0x01] {
        psbt.outputs[1].unknown.insert(vec![key_type], vec![]);
    }
    let parsed = Psbt::deserialize(&psbt.serialize()).unwrap();
    let input = &parsed.inputs[0];
    assert_eq!(input.redeem_script, None);
    assert_eq!(input.witness_script, None);
    assert_eq!(input.final_script_sig, None);
    assert_eq!(input.final_script_witness, None);
    assert_eq!(input.tap_merkle_root, None);
    assert_eq!(input.witness_utxo, None);
    assert_eq!(parsed.outputs[1].redeem_script, None);
    assert_eq!(parsed.serialize(), created.serialize());
    // Set by hand, they are not written either.
    let mut by_hand = created.clone();
    by_hand.inputs[0].redeem_script = Some(Script::new());
    by_hand.inputs[0].final_script_witness = Some(Witness::new());
    by_hand.inputs[0].tap_merkle_root = Some(TapNodeHash([0; 32]));
    by_hand.outputs[0].witness_script = Some(Script::new());
    assert_eq!(by_hand.serialize(), created.serialize());
    assert!(!by_hand.inputs[0].is_final());
}

#[test]
fn a_final_input_is_written_without_what_signed_it() {
    // Core writes a final input's UTXOs, final scriptSig and witness, proprietary and
    // unknown records, and nothing else, though it keeps the rest in memory.
    let combined = psbt_hex("combined");
    let mut psbt = combined.clone();
    psbt.inputs[1].final_script_witness = Some(Witness::from_items([[1u8; 3]]));
    psbt.inputs[1]
        .unknown
        .insert(vec![0xfc, 0x00, 0x00], vec![]);
    let bytes = psbt.serialize();
    let types: Vec<u8> = keys_of(&bytes, 2).iter().map(|k| k[0]).collect();
    assert_eq!(types, [0x01, 0x08, 0xfc]);
    let parsed = Psbt::deserialize(&bytes).unwrap();
    assert!(parsed.inputs[1].partial_sigs.is_empty());
    // Read back in, the signatures a final input still carries stay in memory.
    let mut record = psbt.clone();
    record.inputs[1].final_script_witness = None;
    record.inputs[1]
        .unknown
        .insert(vec![0x08], vec![0x01, 0x01, 0x51]);
    let reread = Psbt::deserialize(&record.serialize()).unwrap();
    assert!(reread.inputs[1].is_final());
    assert_eq!(
        reread.inputs[1].partial_sigs,
        combined.inputs[1].partial_sigs
    );
    assert_eq!(keys_of(&reread.serialize(), 2).len(), 3);
}

#[test]
fn taproot_leaf_hashes_are_a_set() {
    // Core keeps a key's leaf hashes in a `std::set<uint256>`: sorted, each once.
    let (a, b) = ([1; 32], [2; 32]);
    let origin = [&[0xaa; 4][..], &7u32.to_le_bytes()].concat();
    let mut psbt = psbt_hex("created");
    let value = [&[3][..], &b, &a, &b, &origin].concat();
    psbt.inputs[0]
        .unknown
        .insert([&[0x16][..], &[9; 32]].concat(), value);
    let parsed = Psbt::deserialize(&psbt.serialize()).unwrap();
    let source = &parsed.inputs[0].tap_bip32_derivation[&XOnlyKey::from_byte_array([9; 32])];
    let hashes: Vec<TapNodeHash> = source.leaf_hashes.iter().copied().collect();
    assert_eq!(hashes, [TapNodeHash(a), TapNodeHash(b)]);
    let written = parsed.serialize();
    let expected = [&[2][..], &a, &b, &origin].concat();
    let at = written
        .windows(expected.len())
        .position(|w| w == expected.as_slice());
    assert!(at.is_some());
}

#[test]
fn global_extended_keys_as_core_keeps_them() {
    // Core checks an extended key's public key and, at depth 0, that it names no parent
    // or child; keys them by origin (fingerprint, shorter paths first, then path); and
    // within one origin counts two keys with the same public key and chain code as one.
    let xpub = |version: u8, depth: u8, child: u8, key: [u8; 33]| -> Vec<u8> {
        [
            &[0x04, 0x35, 0x87, version][..],
            &[depth],
            &[0; 4],
            &[0, 0, 0, child],
            &[0x11; 32],
            &key,
        ]
        .concat()
    };
    let origin = |path: &[u32]| -> Vec<u8> {
        let mut v = vec![0xaa; 4];
        for step in path {
            v.extend_from_slice(&step.to_le_bytes());
        }
        v
    };
    let record = |xpub: &[u8]| [&[0x01][..], xpub].concat();
    let mut psbt = psbt_hex("created");
    // Depth 1 with a path of two steps: Core does not compare them.
    psbt.unknown
        .insert(record(&xpub(0xcf, 1, 1, point(1))), origin(&[1, 2]));
    psbt.unknown
        .insert(record(&xpub(0xcf, 1, 1, point(2))), origin(&[9]));
    // The same key and chain code as the first, another version, same origin: one.
    psbt.unknown
        .insert(record(&xpub(0xd0, 1, 1, point(1))), origin(&[1, 2]));
    let parsed = Psbt::deserialize(&psbt.serialize()).unwrap();
    assert_eq!(parsed.xpubs.len(), 2);
    let written: Vec<Vec<u8>> = keys_of(&parsed.serialize(), 0)
        .into_iter()
        .filter(|k| k[0] == 0x01)
        .collect();
    // The shorter path [9] before [1, 2]; the first read of the twins stays.
    assert_eq!(
        written,
        [
            record(&xpub(0xcf, 1, 1, point(2))),
            record(&xpub(0xcf, 1, 1, point(1)))
        ]
    );
    // A master key with a child number is no key to Core.
    let mut orphan = psbt_hex("created");
    orphan
        .unknown
        .insert(record(&xpub(0xcf, 0, 1, point(1))), origin(&[]));
    assert_eq!(
        Psbt::deserialize(&orphan.serialize()),
        Err(Error::InvalidPublicKey(0x01))
    );
}

#[test]
fn what_core_refuses_and_accepts_beyond_the_bips_vectors() {
    let created = psbt_hex("created");
    let with = |map: usize, key: Vec<u8>, value: Vec<u8>| {
        let mut psbt = created.clone();
        match map {
            0 => psbt.unknown.insert(key, value),
            1 => psbt.inputs[0].unknown.insert(key, value),
            _ => psbt.outputs[0].unknown.insert(key, value),
        };
        Psbt::deserialize(&psbt.serialize())
    };
    // PSBT version 2's fields, in a version 0 PSBT.
    assert_eq!(
        with(0, vec![0x02], vec![2, 0, 0, 0]),
        Err(Error::Version2Field(0x02))
    );
    assert_eq!(
        with(1, vec![0x10], vec![0; 4]),
        Err(Error::Version2Field(0x10))
    );
    assert_eq!(
        with(2, vec![0x03], vec![0; 8]),
        Err(Error::Version2Field(0x03))
    );
    // Key types are CompactSizes: canonical, at most 2^25.
    for bad in [vec![0xfd, 0x10, 0x00], vec![0xfd], vec![0xfe, 1, 0, 0, 2]] {
        assert_eq!(
            with(1, bad.clone(), vec![]),
            Err(Error::InvalidKeyType(bad))
        );
    }
    let long_type = with(1, vec![0xfd, 0x00, 0x01, 0xaa], vec![1]).unwrap();
    assert_eq!(long_type.inputs[0].unknown.len(), 1);
    // A proprietary key needs its identifier and subtype.
    assert!(with(2, vec![0xfc, 0x00, 0x00], vec![]).is_ok());
    for bad in [
        vec![0xfc],
        vec![0xfc, 0x02, b'a'],
        vec![0xfc, 0x00, 0xfd, 0x01],
    ] {
        assert_eq!(
            with(2, bad.clone(), vec![]),
            Err(Error::InvalidProprietaryKey(bad))
        );
    }
    // A preimage that does not hash to its key: Core does not check.
    let parsed = with(1, [&[0x0b][..], &[0; 32]].concat(), b"abc".to_vec()).unwrap();
    let (hash, preimage) = parsed.inputs[0].preimages.iter().next().unwrap();
    assert!(!hash.matches(preimage));
    assert!(PreimageHash::Sha256(sou_primitives::hashes::sha256(b"abc")).matches(b"abc"));
}

#[test]
fn musig2_records_pass_through_as_in_core() {
    // BIP373: a nonce keyed with an all-zero leaf hash is the key-path nonce, written with
    // no leaf hash; records are ordered by aggregate key, leaf hash, then participant.
    let (aggregate, first, second) = (point(1), point(2), point(3));
    let nonce_key =
        |participant: [u8; 33], leaf: &[u8]| [&[0x1b][..], &participant, &aggregate, leaf].concat();
    let mut psbt = psbt_hex("created");
    let input = &mut psbt.inputs[0].unknown;
    input.insert(nonce_key(second, &[0; 32]), vec![2; 66]);
    input.insert(nonce_key(first, &[]), vec![1; 66]);
    input.insert(nonce_key(first, &[7; 32]), vec![3; 66]);
    input.insert([&[0x1a][..], &aggregate].concat(), [first, second].concat());
    let parsed = Psbt::deserialize(&psbt.serialize()).unwrap();
    let input = &parsed.inputs[0];
    assert_eq!(input.musig2_participants[&aggregate], [first, second]);
    let who = MuSig2Participant {
        aggregate_key: aggregate,
        leaf_hash: None,
        participant_key: second,
    };
    assert_eq!(input.musig2_pub_nonces[&who], [2; 66]);
    assert_eq!(
        keys_of(&parsed.serialize(), 1),
        [
            [&[0x1a][..], &aggregate].concat(),
            nonce_key(first, &[]),
            nonce_key(second, &[]),
            nonce_key(first, &[7; 32]),
        ]
    );
    // A nonce is 66 bytes.
    let mut short = psbt_hex("created");
    short.inputs[0]
        .unknown
        .insert(nonce_key(first, &[]), vec![1; 65]);
    assert_eq!(
        Psbt::deserialize(&short.serialize()),
        Err(Error::InvalidValue(0x1b))
    );
}
