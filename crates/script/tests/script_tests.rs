//! Bitcoin Core's `script_tests.json`, every row, with the exact expected error and the
//! semantics of Core's `DoTest` (`src/test/script_tests.cpp`): a crediting transaction
//! pays the `script_pubkey`, a spending transaction carries the `script_sig` and witness;
//! CLEANSTACK implies P2SH and WITNESS; then 16 random sets of flags, removed from a passing
//! test or added to a failing one, must not change the verdict.

#![allow(
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    reason = "test code"
)]

mod common;

use serde_json::Value;
use sou_keys::taproot::{tap_leaf_hash, tweak_public_key, ControlBlock, TapTree};
use sou_keys::SecretKey;
use sou_primitives::{Amount, OutPoint, Script, Transaction, TxIn, TxOut, Witness};
use sou_script::asm::parse_asm;
use sou_script::interpreter::{verify_script, TransactionChecker};
use sou_script::{PrecomputedTransactionData, ScriptError, VerifyFlags};

fn crediting_tx(script_pubkey: &Script, value: Amount) -> Transaction {
    Transaction {
        version: 1,
        input: vec![TxIn {
            previous_output: OutPoint::NULL,
            script_sig: Script::from_bytes(vec![0x00, 0x00]),
            sequence: u32::MAX,
            witness: Witness::new(),
        }],
        output: vec![TxOut {
            value,
            script_pubkey: script_pubkey.clone(),
        }],
        lock_time: 0,
    }
}

fn spending_tx(script_sig: &Script, witness: &Witness, credit: &Transaction) -> Transaction {
    Transaction {
        version: 1,
        input: vec![TxIn {
            previous_output: OutPoint::new(credit.compute_txid(), 0),
            script_sig: script_sig.clone(),
            sequence: u32::MAX,
            witness: witness.clone(),
        }],
        output: vec![TxOut {
            value: credit.output[0].value,
            script_pubkey: Script::new(),
        }],
        lock_time: 0,
    }
}

fn run(
    script_sig: &Script,
    script_pubkey: &Script,
    witness: &Witness,
    flags: VerifyFlags,
    value: Amount,
) -> Result<(), ScriptError> {
    let credit = crediting_tx(script_pubkey, value);
    let spend = spending_tx(script_sig, witness, &credit);
    let precomputed = PrecomputedTransactionData::new(&spend, credit.output.clone());
    let checker = TransactionChecker::new(&spend, 0, value, &precomputed);
    verify_script(script_sig, script_pubkey, witness, flags, &checker)
}

/// Core's `keys.key0`: the secret key 1, whose x-only public key is G's x coordinate.
fn key0_xonly() -> sou_keys::XOnlyPublicKey {
    let mut one = [0u8; 32];
    one[31] = 1;
    SecretKey::from_byte_array(one)
        .unwrap()
        .keypair()
        .x_only_public_key()
        .0
}

#[test]
fn script_tests_json() {
    let rows = common::json("core/script_tests.json");
    let mut rng = common::Rng(0x5c41_7e57_0000_0001);
    let (mut tests, mut comments) = (0, 0);
    for row in rows.as_array().unwrap() {
        let row = row.as_array().unwrap();
        if row.len() == 1 {
            comments += 1;
            continue;
        }
        let label = serde_json::to_string(row).unwrap();
        let mut pos = 0;
        let mut witness_items: Vec<Vec<u8>> = Vec::new();
        let mut value = Amount::ZERO;
        let mut tapscript: Option<Script> = None;
        if let Value::Array(wit) = &row[0] {
            let (amount, items) = wit.split_last().unwrap();
            value = Amount::from_sat((amount.as_f64().unwrap() * 1e8).round() as i64);
            for item in items {
                let item = item.as_str().unwrap();
                if let Some(text) = item.strip_prefix("#SCRIPT#") {
                    let script = parse_asm(text).unwrap();
                    witness_items.push(script.as_bytes().to_vec());
                    tapscript = Some(script);
                } else if item == "#CONTROLBLOCK#" {
                    let tree = TapTree::leaf(tapscript.clone().unwrap());
                    let block = &ControlBlock::for_tree(&key0_xonly(), &tree).unwrap()[0];
                    witness_items.push(block.serialize());
                } else {
                    witness_items.push(hex::decode(item).unwrap());
                }
            }
            pos = 1;
        }
        let witness = Witness::from_items(&witness_items);
        let script_sig =
            parse_asm(row[pos].as_str().unwrap()).unwrap_or_else(|e| panic!("{label}: {e}"));
        let spk_text = row[pos + 1].as_str().unwrap();
        let script_pubkey = if spk_text == "0x51 0x20 #TAPROOTOUTPUT#" {
            let leaf = tap_leaf_hash(0xc0, tapscript.as_ref().unwrap());
            let (output, _) = tweak_public_key(&key0_xonly(), Some(&leaf)).unwrap();
            Script::from_bytes([&[0x51, 0x20][..], &output.serialize()].concat())
        } else {
            parse_asm(spk_text).unwrap_or_else(|e| panic!("{label}: {e}"))
        };
        let mut flags = VerifyFlags::parse(row[pos + 2].as_str().unwrap()).unwrap();
        let expected = row[pos + 3].as_str().unwrap();
        if flags.contains(VerifyFlags::CLEANSTACK) {
            flags |= VerifyFlags::P2SH | VerifyFlags::WITNESS;
        }
        let result = run(&script_sig, &script_pubkey, &witness, flags, value);
        let got = result.map_or_else(|e| e.name(), |()| "OK");
        assert_eq!(got, expected, "{label}");

        let expect_ok = expected == "OK";
        for _ in 0..16 {
            let extra = VerifyFlags::from_bits((rng.next() & 0xffff) as u32);
            let combined = if expect_ok {
                flags & !extra
            } else {
                flags | extra
            };
            let cleanstack_ok = !combined.contains(VerifyFlags::CLEANSTACK)
                || combined.contains(VerifyFlags::P2SH | VerifyFlags::WITNESS);
            let witness_ok =
                !combined.contains(VerifyFlags::WITNESS) || combined.contains(VerifyFlags::P2SH);
            if !cleanstack_ok || !witness_ok {
                continue;
            }
            let verdict = run(&script_sig, &script_pubkey, &witness, combined, value).is_ok();
            assert_eq!(verdict, expect_ok, "{label} with flags {combined}");
        }
        tests += 1;
    }
    assert_eq!((tests, comments), (1222, 51));
}
