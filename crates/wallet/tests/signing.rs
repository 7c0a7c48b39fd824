//! Every spend type the signer knows, signed and then verified input by input by the
//! script interpreter with the full consensus flags (and the standard ones), with the
//! size estimate checked against the signed weight.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    reason = "test code: small indexes, failures are test failures"
)]

use sou_keys::taproot::{ControlBlock, TapTree};
use sou_keys::{Address, SecretKey};
use sou_primitives::hashes::sha256;
use sou_primitives::opcodes::{OP_CHECKMULTISIG, OP_CHECKSIG};
use sou_primitives::script::Builder;
use sou_primitives::{Amount, Network, OutPoint, Script, Transaction, TxIn, TxOut, Txid, Witness};
use sou_script::VerifyFlags;
use sou_wallet::sign::{sign_transaction, verify_transaction, x_only, SigningKey, SpendInfo};
use sou_wallet::size::{tx_weight, InputKind};

fn key(n: u8) -> SecretKey {
    SecretKey::from_byte_array(sha256(&[n])).expect("valid key")
}

fn multisig_2_of_3() -> (Script, Vec<SecretKey>) {
    let keys: Vec<SecretKey> = (10..13).map(key).collect();
    let mut b = Builder::new().push_int(2);
    for k in &keys {
        b = b.push_slice(&k.public_key().serialize_compressed());
    }
    (
        b.push_int(3).push_opcode(OP_CHECKMULTISIG).into_script(),
        keys,
    )
}

/// One output of each type, the way to spend it, and its size class.
fn spends() -> Vec<(Script, SpendInfo)> {
    let net = Network::Regtest;
    let (ms, ms_keys) = multisig_2_of_3();
    let leaf_key = key(20);
    let leaf = Builder::new()
        .push_slice(&x_only(&leaf_key).serialize())
        .push_opcode(OP_CHECKSIG)
        .into_script();
    let tree = TapTree::leaf(leaf.clone());
    let internal = x_only(&key(21));
    let control_block = ControlBlock::for_tree(&internal, &tree)
        .expect("tree")
        .remove(0);
    vec![
        (
            Address::p2pkh(&key(1).public_key(), net).script_pubkey(),
            SpendInfo::P2pkh(SigningKey::new(key(1))),
        ),
        (
            Address::p2sh_p2wpkh(&key(2).public_key(), net)
                .expect("compressed")
                .script_pubkey(),
            SpendInfo::P2shP2wpkh(SigningKey::new(key(2))),
        ),
        (
            Address::p2wpkh(&key(3).public_key(), net)
                .expect("compressed")
                .script_pubkey(),
            SpendInfo::P2wpkh(SigningKey::new(key(3))),
        ),
        (
            Address::p2wsh(&ms, net).script_pubkey(),
            // Keys 1 and 3 of the three: CHECKMULTISIG must still find them in order.
            SpendInfo::P2wshMultisig {
                witness_script: ms.clone(),
                keys: vec![ms_keys[2].clone(), ms_keys[0].clone()],
            },
        ),
        (
            Address::p2tr(&x_only(&key(4)), None, net)
                .expect("tweak")
                .script_pubkey(),
            SpendInfo::P2trKeyPath {
                internal_key: key(4),
                merkle_root: None,
            },
        ),
        (
            Address::p2tr(&internal, Some(&tree.merkle_root()), net)
                .expect("tweak")
                .script_pubkey(),
            SpendInfo::P2trScriptPath {
                leaf_script: leaf,
                control_block,
                keys: vec![leaf_key],
            },
        ),
    ]
}

fn unsigned(n: usize) -> Transaction {
    Transaction {
        version: 2,
        input: (0..n)
            .map(|i| TxIn {
                previous_output: OutPoint::new(
                    Txid::from_byte_array(sha256(&[i as u8, 0xee])),
                    i as u32,
                ),
                script_sig: Script::new(),
                sequence: 0xffff_fffd,
                witness: Witness::new(),
            })
            .collect(),
        output: vec![TxOut {
            value: Amount::from_sat(10_000),
            script_pubkey: Address::p2wpkh(&key(9).public_key(), Network::Regtest)
                .expect("key")
                .script_pubkey(),
        }],
        lock_time: 0,
    }
}

#[test]
fn each_type_alone_verifies_with_an_exact_or_upper_estimate() {
    for (script, info) in spends() {
        let kind = info.kind();
        let mut tx = unsigned(1);
        let spent = vec![TxOut {
            value: Amount::from_sat(50_000),
            script_pubkey: script,
        }];
        sign_transaction(&mut tx, &[(spent[0].clone(), info)]).expect("signs");
        verify_transaction(&tx, &spent, VerifyFlags::CONSENSUS)
            .expect("valid under consensus flags");
        verify_transaction(&tx, &spent, VerifyFlags::STANDARD).expect("valid under standard flags");
        let estimate = tx_weight(std::slice::from_ref(&kind), &[&tx.output[0].script_pubkey]);
        let actual = tx.weight();
        match kind {
            InputKind::P2wshMultisig { .. } | InputKind::P2trScriptPath { .. } => {
                assert!(estimate >= actual, "{kind:?}: {estimate} < {actual}")
            }
            _ => assert_eq!(estimate, actual, "{kind:?}"),
        }
    }
}

#[test]
fn all_types_in_one_transaction() {
    let spends = spends();
    let mut tx = unsigned(spends.len());
    let inputs: Vec<(TxOut, SpendInfo)> = spends
        .into_iter()
        .enumerate()
        .map(|(i, (script, info))| {
            (
                TxOut {
                    value: Amount::from_sat(20_000 + i as i64),
                    script_pubkey: script,
                },
                info,
            )
        })
        .collect();
    let kinds: Vec<InputKind> = inputs.iter().map(|(_, i)| i.kind()).collect();
    sign_transaction(&mut tx, &inputs).expect("signs");
    let spent: Vec<TxOut> = inputs.iter().map(|(o, _)| o.clone()).collect();
    verify_transaction(&tx, &spent, VerifyFlags::CONSENSUS).expect("valid");
    // A signature commits to the amounts: a wrong amount breaks the segwit inputs.
    let mut wrong = spent.clone();
    wrong[2].value = Amount::from_sat(1);
    assert!(verify_transaction(&tx, &wrong, VerifyFlags::CONSENSUS).is_err());
    assert!(tx_weight(&kinds, &[&tx.output[0].script_pubkey]) >= tx.weight());
}

#[test]
fn multisig_needs_two_keys() {
    let (ms, keys) = multisig_2_of_3();
    let mut tx = unsigned(1);
    let spent = TxOut {
        value: Amount::from_sat(50_000),
        script_pubkey: Address::p2wsh(&ms, Network::Regtest).script_pubkey(),
    };
    let info = SpendInfo::P2wshMultisig {
        witness_script: ms,
        keys: vec![keys[1].clone()],
    };
    assert!(matches!(
        sign_transaction(&mut tx, &[(spent, info)]),
        Err(sou_wallet::Error::NotEnoughKeys {
            required: 2,
            have: 1,
            ..
        })
    ));
}
