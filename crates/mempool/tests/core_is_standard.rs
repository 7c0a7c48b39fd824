//! Core's own unit test of `IsStandardTx`, ported step by step: `test_IsStandard` in
//! src/test/transaction_tests.cpp (v31.99). Each step changes the transaction it builds
//! and asserts the verdict, so the steps run in Core's order on one transaction.

use sou_mempool::{is_standard_tx, PolicyOptions};
use sou_primitives::opcodes::{
    OP_0, OP_1, OP_16, OP_1NEGATE, OP_ADD, OP_CHECKSIG, OP_NOP, OP_RESERVED, OP_RETURN, OP_TRUE,
    OP_VERIFY,
};
use sou_primitives::{Amount, FeeRate, OutPoint, Script, Transaction, TxIn, TxOut, Txid, Witness};

/// The 40-byte payload Core's test pushes (`04678a…3f4cef38`).
const PAYLOAD: &str =
    "04678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38";

fn payload() -> Vec<u8> {
    hex::decode(PAYLOAD).expect("hex")
}

fn verdict(tx: &Transaction, options: &PolicyOptions) -> String {
    match is_standard_tx(tx, options) {
        Ok(()) => "ok".to_string(),
        Err(e) => e.reject_reason().into_owned(),
    }
}

fn with_datacarrier(bytes: usize) -> PolicyOptions {
    PolicyOptions {
        max_datacarrier_bytes: Some(bytes),
        ..PolicyOptions::default()
    }
}

fn p2pkh() -> Script {
    Script::p2pkh(&[0x5a; 20])
}

fn op_return_of(pushes: &[&[u8]]) -> Script {
    pushes
        .iter()
        .fold(Script::builder().push_opcode(OP_RETURN), |b, p| {
            b.push_slice(p)
        })
        .into_script()
}

#[test]
fn core_test_is_standard() {
    let d = PolicyOptions::default();
    let mut t = Transaction {
        version: 2,
        input: vec![TxIn {
            previous_output: OutPoint::new(Txid::from_byte_array([3; 32]), 1),
            script_sig: Script::builder().push_slice(&[0; 65]).into_script(),
            sequence: 0xffff_ffff,
            witness: Witness::new(),
        }],
        output: vec![TxOut {
            value: Amount::from_sat(90_000_000),
            script_pubkey: p2pkh(),
        }],
        lock_time: 0,
    };
    assert_eq!(verdict(&t, &d), "ok");

    // One dust output is allowed; a second is not.
    t.output.push(TxOut {
        value: Amount::ZERO,
        script_pubkey: p2pkh(),
    });
    assert_eq!(verdict(&t, &d), "ok");
    t.output[0].value = Amount::from_sat(545);
    assert_eq!(verdict(&t, &d), "dust");
    t.output[0].value = Amount::from_sat(546);
    assert_eq!(verdict(&t, &d), "ok");

    for version in [u32::MAX, 0, 4] {
        t.version = version;
        assert_eq!(verdict(&t, &d), "version", "version {version}");
    }
    t.version = 1;
    assert_eq!(verdict(&t, &d), "ok");
    t.version = 2;

    // An odd dust rate: 182 x 3702 / 1000 = 673.8, rounded up to 674.
    let odd = PolicyOptions {
        dust_relay_fee: FeeRate::from_sat_per_kvb(3702),
        ..d
    };
    t.output[0].value = Amount::from_sat(673);
    assert_eq!(verdict(&t, &odd), "dust");
    t.output[0].value = Amount::from_sat(674);
    assert_eq!(verdict(&t, &odd), "ok");

    t.output[0].script_pubkey = Script::builder().push_opcode(OP_1).into_script();
    assert_eq!(verdict(&t, &d), "scriptpubkey");

    // An 83-byte data carrier, at and one byte over the limit.
    t.output[0].script_pubkey = op_return_of(&[&[payload(), payload()].concat()]);
    assert_eq!(t.output[0].script_pubkey.len(), 83);
    assert_eq!(verdict(&t, &with_datacarrier(83)), "ok");
    assert_eq!(verdict(&t, &with_datacarrier(82)), "datacarrier");

    // Any pushes, even OP_RESERVED, which `IsPushOnly` counts as one.
    t.output[0].script_pubkey = op_return_of(&[&[]]);
    assert_eq!(verdict(&t, &d), "ok");
    t.output[0].script_pubkey = op_return_of(&[&[0], &[1]]);
    assert_eq!(verdict(&t, &d), "ok");
    let mut b = Script::builder()
        .push_opcode(OP_RETURN)
        .push_opcode(OP_RESERVED)
        .push_int(-1)
        .push_int(0)
        .push_slice(&[1]);
    for n in 2..=16 {
        b = b.push_int(n);
    }
    t.output[0].script_pubkey = b.into_script();
    assert_eq!(verdict(&t, &d), "ok");
    t.output[0].script_pubkey = Script::from_bytes(vec![0x6a, 0x6a]);
    assert_eq!(verdict(&t, &d), "scriptpubkey");
    t.output.truncate(1);
    t.output[0].script_pubkey = Script::from_bytes(vec![0x6a]);
    assert_eq!(verdict(&t, &d), "ok");

    // Several data carriers share one budget.
    let long = op_return_of(&[&[payload(), payload()].concat()]);
    t.output = vec![
        TxOut {
            value: Amount::ZERO,
            script_pubkey: long.clone(),
        };
        2
    ];
    assert_eq!(verdict(&t, &d), "ok");
    assert_eq!(verdict(&t, &with_datacarrier(166)), "ok");
    assert_eq!(verdict(&t, &with_datacarrier(165)), "datacarrier");

    // scriptSig: 1,650 bytes pass, 1,651 do not.
    t.output = vec![TxOut {
        value: Amount::MAX_MONEY,
        script_pubkey: p2pkh(),
    }];
    t.input[0].script_sig = Script::builder().push_slice(&[0; 1647]).into_script();
    assert_eq!(verdict(&t, &d), "ok");
    t.input[0].script_sig = Script::builder().push_slice(&[0; 1648]).into_script();
    assert_eq!(verdict(&t, &d), "scriptsig-size");

    // Every kind of push, then one op that is not.
    let pushes = Script::builder()
        .push_opcode(OP_TRUE)
        .push_opcode(OP_0)
        .push_opcode(OP_1NEGATE)
        .push_opcode(OP_16)
        .push_slice(&[0; 75])
        .push_slice(&[0; 235])
        .push_slice(&[0; 1234])
        .push_int(9)
        .into_script();
    t.input[0].script_sig = pushes.clone();
    assert_eq!(verdict(&t, &d), "ok");
    for op in [OP_NOP, OP_VERIFY, OP_ADD, OP_CHECKSIG] {
        let mut bytes = pushes.as_bytes().to_vec();
        bytes[0] = op.to_u8();
        t.input[0].script_sig = Script::from_bytes(bytes);
        assert_eq!(verdict(&t, &d), "scriptsig-not-pushonly", "{op:?}");
    }

    // 2,438 inputs of 41 bytes and a 30-byte output: exactly 400,000 weight units.
    t.input = vec![
        TxIn {
            script_sig: Script::new(),
            ..t.input[0].clone()
        };
        2438
    ];
    t.output[0].script_pubkey = op_return_of(&[&[0; 19]]);
    assert_eq!(t.weight().to_wu(), 400_000);
    assert_eq!(verdict(&t, &d), "ok");
    t.output[0].script_pubkey = op_return_of(&[&[0; 20]]);
    assert_eq!(t.weight().to_wu(), 400_004);
    assert_eq!(verdict(&t, &d), "tx-size");
}

#[test]
fn core_dust_thresholds_by_type() {
    let d = PolicyOptions::default();
    let dust_at = |script: Script| {
        // The threshold T: T passes, T - 1 is a second dust output.
        let spare = TxOut {
            value: Amount::ZERO,
            script_pubkey: script.clone(),
        };
        let tx = |value: i64| Transaction {
            version: 2,
            input: vec![TxIn {
                previous_output: OutPoint::new(Txid::from_byte_array([3; 32]), 1),
                script_sig: Script::new(),
                sequence: 0xffff_ffff,
                witness: Witness::new(),
            }],
            output: vec![
                TxOut {
                    value: Amount::from_sat(value),
                    script_pubkey: script.clone(),
                },
                spare.clone(),
            ],
            lock_time: 0,
        };
        let lowest = (0..2_000).find(|v| verdict(&tx(*v), &d) == "ok");
        assert_eq!(
            verdict(&tx(lowest.expect("some value passes") - 1), &d),
            "dust"
        );
        lowest
    };
    let p2pk = |key: &[u8]| {
        Script::builder()
            .push_slice(key)
            .push_opcode(OP_CHECKSIG)
            .into_script()
    };
    assert_eq!(dust_at(p2pk(&[0x02; 33])), Some(576));
    assert_eq!(dust_at(p2pk(&[0x04; 65])), Some(672));
    assert_eq!(dust_at(Script::p2pkh(&[0; 20])), Some(546));
    assert_eq!(dust_at(Script::p2sh(&[0; 20])), Some(540));
    let program =
        |v: u8, len: usize| Script::new_witness_program(v, &vec![0; len]).expect("program");
    assert_eq!(dust_at(program(0, 20)), Some(294));
    assert_eq!(dust_at(program(0, 32)), Some(330));
    // An x-only key need not be on the curve for the template.
    assert_eq!(dust_at(program(1, 32)), Some(330));
    for version in 1..=16 {
        assert_eq!(dust_at(program(version, 2)), Some(240), "version {version}");
    }
}
