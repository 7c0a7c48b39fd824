//! The rules of a transaction alone: output templates, dust, and `is_standard_tx` with
//! each reason at its boundary.

use sou_mempool::{
    get_dust_threshold, is_dust, is_standard, is_standard_tx, PolicyOptions, DUST_RELAY_TX_FEE,
    MAX_OP_RETURN_RELAY,
};
use sou_primitives::opcodes::{OP_CHECKMULTISIG, OP_RETURN};
use sou_primitives::standard::ScriptType;
use sou_primitives::{Amount, FeeRate, OutPoint, Script, Transaction, TxIn, TxOut, Txid, Witness};

fn p2wpkh() -> Script {
    Script::new_witness_program(0, &[0x11; 20]).expect("20-byte program")
}

fn multisig(m: i64, n: usize) -> Script {
    let mut b = Script::builder().push_int(m);
    for i in 0..n {
        let mut key = [0x02; 33];
        key[1] = u8::try_from(i).expect("few keys");
        b = b.push_slice(&key);
    }
    b.push_int(i64::try_from(n).expect("few keys"))
        .push_opcode(OP_CHECKMULTISIG)
        .into_script()
}

fn op_return(data_len: usize) -> Script {
    Script::builder()
        .push_opcode(OP_RETURN)
        .push_slice(&vec![0xab; data_len])
        .into_script()
}

fn out(value: i64, script_pubkey: Script) -> TxOut {
    TxOut {
        value: Amount::from_sat(value),
        script_pubkey,
    }
}

/// One input with `script_sig`, the given outputs.
fn tx_with(script_sig: Script, output: Vec<TxOut>) -> Transaction {
    Transaction {
        version: 2,
        input: vec![TxIn {
            previous_output: OutPoint::new(Txid::from_byte_array([1; 32]), 0),
            script_sig,
            sequence: 0xffff_fffd,
            witness: Witness::new(),
        }],
        output,
        lock_time: 0,
    }
}

fn reason(tx: &Transaction, options: &PolicyOptions) -> String {
    match is_standard_tx(tx, options) {
        Ok(()) => "ok".to_string(),
        Err(e) => e.reject_reason().into_owned(),
    }
}

#[test]
fn output_templates() {
    let std = |s: &Script| is_standard(s);
    assert_eq!(std(&p2wpkh()), Ok(ScriptType::WitnessV0KeyHash));
    assert_eq!(std(&Script::p2pkh(&[1; 20])), Ok(ScriptType::PubKeyHash));
    assert_eq!(std(&Script::p2sh(&[1; 20])), Ok(ScriptType::ScriptHash));
    let p2tr = Script::new_witness_program(1, &[3; 32]).expect("32 bytes");
    assert_eq!(std(&p2tr), Ok(ScriptType::WitnessV1Taproot));
    let anchor = Script::from_bytes(vec![0x51, 0x02, 0x4e, 0x73]);
    assert_eq!(std(&anchor), Ok(ScriptType::Anchor));
    let v2 = Script::new_witness_program(2, &[3; 32]).expect("32 bytes");
    assert_eq!(std(&v2), Ok(ScriptType::WitnessUnknown));
    let v0_odd = Script::new_witness_program(0, &[3; 25]).expect("25 bytes");
    assert_eq!(std(&v0_odd), Err(ScriptType::NonStandard));
    let pubkey = Script::builder()
        .push_slice(&[0x03; 33])
        .push_opcode(sou_primitives::opcodes::OP_CHECKSIG)
        .into_script();
    assert_eq!(std(&pubkey), Ok(ScriptType::PubKey));
    assert_eq!(std(&op_return(80)), Ok(ScriptType::NullData));
    assert_eq!(std(&Script::new()), Err(ScriptType::NonStandard));
    assert_eq!(
        std(&Script::from_bytes(vec![0x51])),
        Err(ScriptType::NonStandard)
    );
}

#[test]
fn bare_multisig_up_to_three_keys() {
    for n in 1..=3 {
        for m in 1..=n {
            assert_eq!(
                is_standard(&multisig(i64::try_from(m).expect("small"), n)),
                Ok(ScriptType::Multisig),
                "{m}-of-{n}"
            );
        }
    }
    assert_eq!(is_standard(&multisig(1, 4)), Err(ScriptType::Multisig));
    assert_eq!(is_standard(&multisig(2, 16)), Err(ScriptType::Multisig));
    // 0-of-n and 3-of-2 do not even match the template.
    assert_eq!(is_standard(&multisig(0, 2)), Err(ScriptType::NonStandard));
    assert_eq!(is_standard(&multisig(3, 2)), Err(ScriptType::NonStandard));
}

#[test]
fn dust_thresholds_by_output_type() {
    let rate = DUST_RELAY_TX_FEE;
    let threshold = |s: Script| get_dust_threshold(&out(0, s), rate).to_sat();
    // (34 + 148) x 3 and (31 + 67) x 3, the two figures Core's comment gives.
    assert_eq!(threshold(Script::p2pkh(&[1; 20])), 546);
    assert_eq!(threshold(p2wpkh()), 294);
    assert_eq!(threshold(Script::p2sh(&[1; 20])), 540);
    assert_eq!(
        threshold(Script::new_witness_program(0, &[1; 32]).expect("p2wsh")),
        330
    );
    assert_eq!(
        threshold(Script::new_witness_program(1, &[1; 32]).expect("p2tr")),
        330
    );
    assert_eq!(
        threshold(Script::from_bytes(vec![0x51, 0x02, 0x4e, 0x73])),
        240
    );
    assert_eq!(threshold(op_return(10)), 0);
    // A script over 10,000 bytes is unspendable too.
    assert_eq!(threshold(Script::from_bytes(vec![0x51; 10_001])), 0);
    // 253 bytes of script: a 3-byte length prefix.
    assert_eq!(
        threshold(Script::from_bytes(vec![0x51; 253])),
        (8 + 3 + 253 + 148) * 3
    );
    // The boundary: dust strictly below the threshold.
    assert!(is_dust(&out(545, Script::p2pkh(&[1; 20])), rate));
    assert!(!is_dust(&out(546, Script::p2pkh(&[1; 20])), rate));
    assert!(is_dust(&out(293, p2wpkh()), rate));
    assert!(!is_dust(&out(294, p2wpkh()), rate));
    // At a rate of 0, nothing is dust; rounding is up.
    assert!(!is_dust(&out(0, p2wpkh()), FeeRate::ZERO));
    assert_eq!(
        get_dust_threshold(&out(0, p2wpkh()), FeeRate::from_sat_per_kvb(1)).to_sat(),
        1
    );
}

#[test]
fn version_bounds() {
    let opts = PolicyOptions::default();
    let mut tx = tx_with(Script::new(), vec![out(1000, p2wpkh())]);
    for (version, want) in [
        (0, "version"),
        (1, "ok"),
        (2, "ok"),
        (3, "ok"),
        (4, "version"),
        (u32::MAX, "version"),
    ] {
        tx.version = version;
        assert_eq!(reason(&tx, &opts), want, "version {version}");
    }
}

#[test]
fn weight_bound() {
    let opts = PolicyOptions::default();
    // A base size of exactly 100,000 bytes weighs 400,000: allowed; one more byte is not.
    let mut tx = tx_with(
        Script::new(),
        vec![out(1000, p2wpkh()), out(0, op_return(0))],
    );
    // Past 65,535 bytes each byte of data adds one byte of script and of transaction.
    tx.output[1].script_pubkey = op_return(70_000);
    let fit = 70_000 + (100_000 - tx.base_size());
    tx.output[1].script_pubkey = op_return(fit);
    assert_eq!(tx.weight().to_wu(), 400_000);
    assert_eq!(reason(&tx, &opts), "ok");
    tx.output[1].script_pubkey = op_return(fit + 1);
    assert_eq!(tx.weight().to_wu(), 400_004);
    assert_eq!(reason(&tx, &opts), "tx-size");
}

#[test]
fn script_sig_size_and_push_only() {
    let opts = PolicyOptions::default();
    let sig_of = |len: usize| {
        // PUSHDATA2 of len - 3 bytes: a script of exactly len bytes.
        Script::builder()
            .push_slice(&vec![1; len - 3])
            .into_script()
    };
    let tx = tx_with(sig_of(1650), vec![out(1000, p2wpkh())]);
    assert_eq!(tx.input[0].script_sig.len(), 1650);
    assert_eq!(reason(&tx, &opts), "ok");
    let tx = tx_with(sig_of(1651), vec![out(1000, p2wpkh())]);
    assert_eq!(reason(&tx, &opts), "scriptsig-size");
    // OP_NOP is not a push; OP_1NEGATE, OP_RESERVED and OP_16 count as pushes.
    let tx = tx_with(Script::from_bytes(vec![0x61]), vec![out(1000, p2wpkh())]);
    assert_eq!(reason(&tx, &opts), "scriptsig-not-pushonly");
    let tx = tx_with(
        Script::from_bytes(vec![0x4f, 0x50, 0x60]),
        vec![out(1000, p2wpkh())],
    );
    assert_eq!(reason(&tx, &opts), "ok");
    // A push running past the end is not push-only.
    let tx = tx_with(Script::from_bytes(vec![0x05, 1]), vec![out(1000, p2wpkh())]);
    assert_eq!(reason(&tx, &opts), "scriptsig-not-pushonly");
    // Size is checked before shape, input by input.
    let mut tx = tx_with(Script::from_bytes(vec![0x61]), vec![out(1000, p2wpkh())]);
    tx.input.push(tx.input[0].clone());
    tx.input[1].script_sig = sig_of(1651);
    assert_eq!(reason(&tx, &opts), "scriptsig-not-pushonly");
}

#[test]
fn output_reasons_in_order() {
    let opts = PolicyOptions::default();
    let no_multisig = PolicyOptions {
        permit_bare_multisig: false,
        ..opts
    };
    let tx = tx_with(Script::new(), vec![out(1000, Script::new())]);
    assert_eq!(reason(&tx, &opts), "scriptpubkey");
    let tx = tx_with(Script::new(), vec![out(1000, multisig(1, 4))]);
    assert_eq!(reason(&tx, &opts), "scriptpubkey");
    let tx = tx_with(Script::new(), vec![out(1000, multisig(1, 3))]);
    assert_eq!(reason(&tx, &opts), "ok");
    assert_eq!(reason(&tx, &no_multisig), "bare-multisig");
    // The first bad output decides, whichever rule it breaks.
    let tx = tx_with(
        Script::new(),
        vec![out(1000, multisig(1, 2)), out(1000, Script::new())],
    );
    assert_eq!(reason(&tx, &no_multisig), "bare-multisig");
    assert_eq!(reason(&tx, &opts), "scriptpubkey");
}

#[test]
fn datacarrier_budget_is_shared() {
    let opts = PolicyOptions::default();
    // Many OP_RETURN outputs are standard in v31 while their scripts fit the budget.
    let tx = tx_with(
        Script::new(),
        vec![
            out(0, op_return(80)),
            out(0, op_return(80)),
            out(1000, p2wpkh()),
        ],
    );
    assert_eq!(reason(&tx, &opts), "ok");
    let small = PolicyOptions {
        max_datacarrier_bytes: Some(83 + 83),
        ..opts
    };
    assert_eq!(reason(&tx, &small), "ok");
    let smaller = PolicyOptions {
        max_datacarrier_bytes: Some(83 + 82),
        ..opts
    };
    assert_eq!(reason(&tx, &smaller), "datacarrier");
    let none = PolicyOptions {
        max_datacarrier_bytes: None,
        ..opts
    };
    assert_eq!(reason(&tx, &none), "datacarrier");
    // A bare OP_RETURN is one byte of the budget.
    let tx = tx_with(
        Script::new(),
        vec![out(0, Script::from_bytes(vec![0x6a])), out(1000, p2wpkh())],
    );
    let one = PolicyOptions {
        max_datacarrier_bytes: Some(1),
        ..opts
    };
    assert_eq!(reason(&tx, &one), "ok");
    assert_eq!(MAX_OP_RETURN_RELAY, 100_000);
}

#[test]
fn one_dust_output_allowed() {
    let opts = PolicyOptions::default();
    let tx = tx_with(Script::new(), vec![out(0, p2wpkh()), out(1000, p2wpkh())]);
    assert_eq!(reason(&tx, &opts), "ok");
    let tx = tx_with(Script::new(), vec![out(0, p2wpkh()), out(293, p2wpkh())]);
    assert_eq!(reason(&tx, &opts), "dust");
    // Dust is checked after every output's template.
    let tx = tx_with(
        Script::new(),
        vec![out(0, p2wpkh()), out(1, p2wpkh()), out(1000, Script::new())],
    );
    assert_eq!(reason(&tx, &opts), "scriptpubkey");
}
