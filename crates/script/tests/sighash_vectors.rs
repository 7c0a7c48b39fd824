//! Signature hashes against Core's `sighash.json` (every row), the BIP143 worked examples
//! (every signature record: intermediate hashes, sighash, and the signature verifies), and
//! the BIP341 key-path spending vectors (intermediate hashes, message, sighash, and the
//! exact witness when signing with the given key and aux rand).

#![allow(
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    reason = "test code"
)]

mod common;

use sou_keys::taproot::TapNodeHash;
use sou_keys::{schnorr, SecretKey};
use sou_primitives::encoding::deserialize;
use sou_primitives::{Amount, Script, Transaction, TxOut};
use sou_script::interpreter::verify_input_with;
use sou_script::sighash::{
    legacy_sighash, segwit_v0_sighash, taproot_sig_msg, taproot_sighash, SighashType,
    TaprootContext,
};
use sou_script::{PrecomputedTransactionData, SigVersion, VerifyFlags};

#[test]
fn sighash_json() {
    let rows = common::json("core/sighash.json");
    let mut count = 0;
    for row in rows.as_array().unwrap().iter().skip(1) {
        let tx: Transaction = deserialize(&hex::decode(row[0].as_str().unwrap()).unwrap()).unwrap();
        let script = hex::decode(row[1].as_str().unwrap()).unwrap();
        let index = row[2].as_u64().unwrap() as usize;
        // Core's `int nHashType`, negative values included: the same 32 bits.
        let hash_type = SighashType::from_u32(row[3].as_i64().unwrap() as i32 as u32);
        let expected = row[4].as_str().unwrap();
        assert_eq!(
            legacy_sighash(&script, &tx, index, hash_type).to_string(),
            expected,
            "{row}"
        );
        count += 1;
    }
    assert_eq!(count, 500);
}

#[test]
fn bip143_examples() {
    let v = common::json("bip143/bip143_examples.json");
    let mut records = 0;
    for example in v["examples"].as_array().unwrap() {
        let name = example["name"].as_str().unwrap();
        let signed: Transaction =
            deserialize(&hex::decode(example["signed_tx"].as_str().unwrap()).unwrap()).unwrap();
        // The sighash covers no witness: where the BIP gives no unsigned form, strip them.
        let tx: Transaction = match example["unsigned_tx"].as_str() {
            Some(hex) => deserialize(&hex::decode(hex).unwrap()).unwrap(),
            None => {
                let mut tx = signed.clone();
                tx.input
                    .iter_mut()
                    .for_each(|i| i.witness = sou_primitives::Witness::new());
                tx
            }
        };
        assert_eq!(
            signed.compute_txid().to_string(),
            example["signed_txid"].as_str().unwrap(),
            "{name}"
        );
        assert_eq!(
            signed.compute_wtxid().to_string(),
            example["signed_wtxid"].as_str().unwrap(),
            "{name}"
        );
        let cache = PrecomputedTransactionData::new(&tx, Vec::new());
        for sig in example["signatures"].as_array().unwrap() {
            let index = sig["input_index"].as_u64().unwrap() as usize;
            let hash_type = SighashType::from_u32(sig["sighash_type"].as_u64().unwrap() as u32);
            // scriptCode is given with its CompactSize prefix, as it sits in the preimage.
            let code_with_len = hex::decode(sig["scriptCode"].as_str().unwrap()).unwrap();
            let (_, prefix_len) =
                sou_primitives::encoding::deserialize_partial::<Script>(&code_with_len).unwrap();
            assert_eq!(prefix_len, code_with_len.len(), "{name}");
            let code: Script = deserialize(&code_with_len).unwrap();
            let amount = Amount::from_sat(sig["amount_sat"].as_i64().unwrap());
            let got = segwit_v0_sighash(code.as_bytes(), &tx, index, hash_type, amount, &cache);
            assert_eq!(
                hex::encode(got.0),
                sig["sighash"].as_str().unwrap(),
                "{name} input {index} type {hash_type:?}"
            );
            // The intermediate hashes, where the hash type uses them.
            let [prevouts, sequence, outputs] = cache.bip143_hashes();
            let zero = "0".repeat(64);
            let expect = |field: &str, full: [u8; 32]| {
                let want = sig[field].as_str().unwrap();
                assert!(
                    want == hex::encode(full) || want == zero || field == "hashOutputs",
                    "{name} {field}"
                );
            };
            expect("hashPrevouts", prevouts);
            expect("hashSequence", sequence);
            expect("hashOutputs", outputs);
            // The signature verifies against that sighash.
            if let (Some(pk), Some(der)) = (sig["public_key"].as_str(), sig["signature"].as_str()) {
                let der = hex::decode(der).unwrap();
                let key = sou_keys::PublicKey::from_slice(&hex::decode(pk).unwrap()).unwrap();
                // Consensus accepts high S (these examples have some): normalise as Core does.
                let mut parsed =
                    sou_keys::ecdsa::Signature::from_der(&der[..der.len() - 1]).unwrap();
                parsed.normalize_s();
                let msg = sou_keys::Message::from_digest(got.0);
                assert_eq!(
                    sou_keys::ecdsa::verify(&msg, &parsed, &key),
                    Ok(()),
                    "{name} input {index}"
                );
            }
            records += 1;
        }
        // Every segwit input of the signed transaction verifies under the consensus rules.
        let spent: Vec<TxOut> = example["prevouts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| TxOut {
                value: Amount::from_sat(p["amount_sat"].as_i64().unwrap()),
                script_pubkey: Script::from_bytes(
                    hex::decode(p["scriptPubKey"].as_str().unwrap()).unwrap(),
                ),
            })
            .collect();
        // The second "No FindAndDelete" example lists no spent outputs: its one input spends
        // the P2WSH of its witness script, with the amount of its signature record.
        let spent = if spent.is_empty() {
            let witness_script = signed.input[0].witness.last().unwrap();
            let program = sou_primitives::hashes::sha256(witness_script);
            vec![TxOut {
                value: Amount::from_sat(example["signatures"][0]["amount_sat"].as_i64().unwrap()),
                script_pubkey: Script::from_bytes([&[0x00, 0x20][..], &program].concat()),
            }]
        } else {
            spent
        };
        let precomputed = PrecomputedTransactionData::new(&signed, spent);
        for index in 0..signed.input.len() {
            assert_eq!(
                verify_input_with(&signed, index, &precomputed, VerifyFlags::CONSENSUS),
                Ok(()),
                "{name}: input {index} of the signed transaction"
            );
        }
    }
    assert_eq!(records, 14);
}

#[test]
fn bip341_key_path_spending() {
    let v = common::json("bip341/wallet-test-vectors.json");
    let mut inputs = 0;
    for case in v["keyPathSpending"].as_array().unwrap() {
        let tx: Transaction =
            deserialize(&hex::decode(case["given"]["rawUnsignedTx"].as_str().unwrap()).unwrap())
                .unwrap();
        let spent: Vec<TxOut> = case["given"]["utxosSpent"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| TxOut {
                value: Amount::from_sat(u["amountSats"].as_i64().unwrap()),
                script_pubkey: Script::from_bytes(
                    hex::decode(u["scriptPubKey"].as_str().unwrap()).unwrap(),
                ),
            })
            .collect();
        let cache = PrecomputedTransactionData::new(&tx, spent.clone());
        let inter = &case["intermediary"];
        assert_eq!(
            hex::encode(cache.sha_amounts().unwrap()),
            inter["hashAmounts"].as_str().unwrap()
        );
        assert_eq!(
            hex::encode(cache.sha_outputs()),
            inter["hashOutputs"].as_str().unwrap()
        );
        assert_eq!(
            hex::encode(cache.sha_prevouts()),
            inter["hashPrevouts"].as_str().unwrap()
        );
        assert_eq!(
            hex::encode(cache.sha_scriptpubkeys().unwrap()),
            inter["hashScriptPubkeys"].as_str().unwrap()
        );
        assert_eq!(
            hex::encode(cache.sha_sequences()),
            inter["hashSequences"].as_str().unwrap()
        );

        let mut signed = tx.clone();
        for spending in case["inputSpending"].as_array().unwrap() {
            let given = &spending["given"];
            let index = given["txinIndex"].as_u64().unwrap() as usize;
            let hash_byte = given["hashType"].as_u64().unwrap() as u8;
            let hash_type = SighashType::from_sig_byte(hash_byte);
            let secret = SecretKey::from_slice(
                &hex::decode(given["internalPrivkey"].as_str().unwrap()).unwrap(),
            )
            .unwrap();
            let merkle_root = given["merkleRoot"]
                .as_str()
                .map(|h| TapNodeHash(hex::decode(h).unwrap().try_into().unwrap()));
            let ctx = TaprootContext::default();
            let msg =
                taproot_sig_msg(&tx, index, hash_type, SigVersion::Taproot, &cache, &ctx).unwrap();
            let sighash =
                taproot_sighash(&tx, index, hash_type, SigVersion::Taproot, &cache, &ctx).unwrap();
            let want = &spending["intermediary"];
            assert_eq!(
                hex::encode(&msg),
                want["sigMsg"].as_str().unwrap(),
                "input {index}"
            );
            assert_eq!(
                hex::encode(sighash.0),
                want["sigHash"].as_str().unwrap(),
                "input {index}"
            );
            let keypair = secret.keypair();
            assert_eq!(
                hex::encode(keypair.x_only_public_key().0.serialize()),
                want["internalPubkey"].as_str().unwrap()
            );
            let tweaked = keypair.tap_tweak(merkle_root.as_ref()).unwrap();
            assert_eq!(
                hex::encode(tweaked.secret_key().secret_bytes()),
                want["tweakedPrivkey"].as_str().unwrap()
            );
            // The BIP's signatures use an all-zero auxiliary random value.
            let sig = schnorr::sign(&sighash.0, &tweaked, &[0; 32]);
            let mut item = sig.to_byte_array().to_vec();
            if hash_type != SighashType::DEFAULT {
                item.push(hash_byte);
            }
            let expected_witness: Vec<String> = spending["expected"]["witness"]
                .as_array()
                .unwrap()
                .iter()
                .map(|w| w.as_str().unwrap().to_owned())
                .collect();
            assert_eq!(
                vec![hex::encode(&item)],
                expected_witness,
                "input {index}: witness"
            );
            signed.input[index].witness = sou_primitives::Witness::from_items([item]);
            inputs += 1;
        }
        // The BIP's fully signed transaction carries the same taproot witnesses (its two
        // other inputs are signed with the legacy and BIP143 algorithms), and every one of
        // its inputs verifies.
        let full: Transaction = deserialize(
            &hex::decode(case["auxiliary"]["fullySignedTx"].as_str().unwrap()).unwrap(),
        )
        .unwrap();
        for spending in case["inputSpending"].as_array().unwrap() {
            let index = spending["given"]["txinIndex"].as_u64().unwrap() as usize;
            assert_eq!(
                full.input[index].witness, signed.input[index].witness,
                "input {index}"
            );
        }
        let precomputed = PrecomputedTransactionData::new(&full, spent);
        for index in 0..full.input.len() {
            assert_eq!(
                verify_input_with(&full, index, &precomputed, VerifyFlags::STANDARD),
                Ok(()),
                "input {index}"
            );
        }
    }
    assert_eq!(inputs, 7);
}
