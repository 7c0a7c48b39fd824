//! The rules that need the spent outputs: standard inputs, standard witnesses, and the
//! pre-script checks in Core's order.

use sou_chain::consensus::Coin;
use sou_mempool::{
    are_inputs_standard, check_alone, check_with_coins, is_witness_standard, PolicyOptions,
    RejectKind,
};
use sou_primitives::opcodes::{OP_CHECKMULTISIG, OP_CHECKSIG, OP_DROP, OP_RETURN};
use sou_primitives::{Amount, OutPoint, Script, Transaction, TxIn, TxOut, Txid, Witness};

fn out(value: i64, script_pubkey: Script) -> TxOut {
    TxOut {
        value: Amount::from_sat(value),
        script_pubkey,
    }
}

fn p2wpkh() -> Script {
    Script::new_witness_program(0, &[0x11; 20]).expect("20 bytes")
}

fn spend(script_sig: Script, witness: Witness) -> Transaction {
    Transaction {
        version: 2,
        input: vec![TxIn {
            previous_output: OutPoint::new(Txid::from_byte_array([1; 32]), 0),
            script_sig,
            sequence: 0xffff_fffd,
            witness,
        }],
        output: vec![out(90_000, p2wpkh())],
        lock_time: 0,
    }
}

fn inputs_reason(tx: &Transaction, prev: &TxOut) -> String {
    match are_inputs_standard(tx, &[prev]) {
        Ok(()) => "ok".into(),
        Err(e) => e.to_string(),
    }
}

fn witness_ok(tx: &Transaction, prev: &TxOut) -> bool {
    is_witness_standard(tx, &[prev]).is_ok()
}

/// A redeem script with `n` CHECKSIGs.
fn checksigs(n: usize) -> Vec<u8> {
    vec![OP_CHECKSIG.to_u8(); n]
}

fn p2sh_of(redeem: &[u8]) -> Script {
    Script::p2sh(&sou_primitives::hashes::hash160(redeem))
}

#[test]
fn input_templates() {
    let tx = spend(Script::new(), Witness::new());
    assert_eq!(inputs_reason(&tx, &out(1, p2wpkh())), "ok");
    assert_eq!(
        inputs_reason(&tx, &out(1, Script::from_bytes(vec![0x51]))),
        "input 0 script unknown"
    );
    let v2 = Script::new_witness_program(2, &[0; 32]).expect("32 bytes");
    assert_eq!(
        inputs_reason(&tx, &out(1, v2)),
        "input 0 witness program is undefined"
    );
    let anchor = Script::from_bytes(vec![0x51, 0x02, 0x4e, 0x73]);
    assert_eq!(inputs_reason(&tx, &out(1, anchor)), "ok");
}

#[test]
fn p2sh_redeem_scripts() {
    let redeem = checksigs(15);
    let prev = out(1, p2sh_of(&redeem));
    let tx = spend(
        Script::builder().push_slice(&redeem).into_script(),
        Witness::new(),
    );
    assert_eq!(inputs_reason(&tx, &prev), "ok");
    let redeem = checksigs(16);
    let prev = out(1, p2sh_of(&redeem));
    let tx = spend(
        Script::builder().push_slice(&redeem).into_script(),
        Witness::new(),
    );
    assert_eq!(
        inputs_reason(&tx, &prev),
        "p2sh redeemscript sigops exceed limit (input 0: 16 > 15)"
    );
    // A 1-of-15 CHECKMULTISIG counts 15 accurately; with a non-small-int before it, 20.
    let mut ms = vec![0x51];
    ms.extend(std::iter::repeat_n(0x00, 14));
    ms.extend([0x5f, OP_CHECKMULTISIG.to_u8()]);
    let prev = out(1, p2sh_of(&ms));
    let tx = spend(
        Script::builder().push_slice(&ms).into_script(),
        Witness::new(),
    );
    assert_eq!(inputs_reason(&tx, &prev), "ok");
    let empty = spend(Script::new(), Witness::new());
    assert_eq!(
        inputs_reason(&empty, &prev),
        "input 0 P2SH redeemscript missing"
    );
    let bad = spend(Script::from_bytes(vec![0x4c]), Witness::new());
    assert_eq!(
        inputs_reason(&bad, &prev),
        "p2sh scriptsig malformed (input 0: Opcode missing or not understood)"
    );
}

#[test]
fn bip54_legacy_sigop_limit() {
    // 2,500 sigops across the inputs pass; 2,501 do not. A bare script of 200 CHECKSIGs is
    // non-standard anyway, but BIP54's count comes first.
    let bare = out(1, Script::from_bytes(checksigs(200)));
    let mut tx = spend(Script::new(), Witness::new());
    tx.input = vec![tx.input[0].clone(); 12];
    let push_sigs = |n: usize| Script::builder().push_slice(&checksigs(n)).into_script();
    let prevs = vec![&bare; 12];
    assert_eq!(
        are_inputs_standard(&tx, &prevs).map_err(|e| e.to_string()),
        Err("input 0 script unknown".to_string())
    );
    // A push of CHECKSIG bytes is data, not sigops; a bare CHECKSIG in a scriptSig counts.
    tx.input[0].script_sig = push_sigs(100);
    tx.input[1].script_sig = Script::from_bytes(vec![0xac; 101]);
    assert_eq!(
        are_inputs_standard(&tx, &prevs).map_err(|e| e.to_string()),
        Err("non-witness sigops exceed bip54 limit".to_string())
    );
    tx.input[1].script_sig = Script::from_bytes(vec![0xac; 100]);
    assert_eq!(
        are_inputs_standard(&tx, &prevs).map_err(|e| e.to_string()),
        Err("input 0 script unknown".to_string())
    );
}

#[test]
fn p2wsh_witness_limits() {
    let prev = out(
        1,
        Script::new_witness_program(0, &[0; 32]).expect("32 bytes"),
    );
    let with = |items: Vec<Vec<u8>>| spend(Script::new(), Witness::from_items(items));
    assert!(witness_ok(&with(vec![vec![0; 80], vec![0; 3600]]), &prev));
    assert!(!witness_ok(&with(vec![vec![0; 81], vec![0; 10]]), &prev));
    assert!(!witness_ok(&with(vec![vec![0; 10], vec![0; 3601]]), &prev));
    let mut items = vec![vec![]; 100];
    items.push(vec![0x51]);
    assert!(witness_ok(&with(items.clone()), &prev));
    items.insert(0, vec![]);
    assert!(!witness_ok(&with(items), &prev));
    // An empty witness is never bloated.
    assert!(witness_ok(&spend(Script::new(), Witness::new()), &prev));
}

#[test]
fn taproot_witness_limits() {
    let prev = out(
        1,
        Script::new_witness_program(1, &[0; 32]).expect("32 bytes"),
    );
    let with = |items: Vec<Vec<u8>>| spend(Script::new(), Witness::from_items(items));
    let control = vec![0xc0; 33];
    assert!(witness_ok(&with(vec![vec![0; 64]]), &prev));
    // Annex: a last item starting 0x50, when there are at least two.
    assert!(!witness_ok(&with(vec![vec![0; 64], vec![0x50]]), &prev));
    assert!(witness_ok(&with(vec![vec![0x50]]), &prev));
    // Tapscript inputs up to 80 bytes; another leaf version has no limit.
    let leaf = vec![OP_DROP.to_u8(), 0x51];
    assert!(witness_ok(
        &with(vec![vec![0; 80], leaf.clone(), control.clone()]),
        &prev
    ));
    assert!(!witness_ok(
        &with(vec![vec![0; 81], leaf.clone(), control]),
        &prev
    ));
    assert!(witness_ok(
        &with(vec![vec![0; 81], leaf.clone(), vec![0xc2; 33]]),
        &prev
    ));
    assert!(!witness_ok(&with(vec![leaf, vec![]]), &prev));
}

#[test]
fn witness_where_none_belongs() {
    let w = Witness::from_items([vec![1u8]]);
    assert!(!witness_ok(
        &spend(Script::new(), w.clone()),
        &out(1, Script::p2pkh(&[0; 20]))
    ));
    let anchor = out(1, Script::from_bytes(vec![0x51, 0x02, 0x4e, 0x73]));
    assert!(!witness_ok(&spend(Script::new(), w.clone()), &anchor));
    // P2SH-P2WPKH: the redeem script is a witness program, so a witness belongs.
    let program = p2wpkh();
    let prev = out(1, p2sh_of(program.as_bytes()));
    let sig = Script::builder()
        .push_slice(program.as_bytes())
        .into_script();
    assert!(witness_ok(&spend(sig, w.clone()), &prev));
    assert!(!witness_ok(&spend(Script::new(), w), &prev));
}

fn coin(value: i64, script_pubkey: Script) -> Coin {
    Coin {
        output: out(value, script_pubkey),
        height: 1,
        is_coinbase: false,
    }
}

fn checked(tx: &Transaction, coin: &Coin) -> String {
    let opts = PolicyOptions::default();
    match check_alone(tx, &opts).and_then(|()| check_with_coins(tx, &[coin], 200, &opts)) {
        Ok(c) => format!("ok {} {}", c.fee.to_sat(), c.vsize),
        Err(e) => e.reject_reason().into_owned(),
    }
}

#[test]
fn pre_checks_in_order() {
    let prev = coin(100_000, p2wpkh());
    let w = Witness::from_items([vec![0u8; 71], vec![2u8; 33]]);
    let tx = spend(Script::new(), w.clone());
    assert_eq!(tx.base_size(), 82);
    assert_eq!(checked(&tx, &prev), "ok 10000 110");
    // Consensus first: no outputs.
    let mut empty = tx.clone();
    empty.output.clear();
    assert_eq!(checked(&empty, &prev), "bad-txns-vout-empty");
    // 65 non-witness bytes pass, 64 do not.
    let mut small = tx.clone();
    small.output[0].script_pubkey = Script::from_bytes(vec![0x6a, 0x01, 0x01]);
    small.output[0].value = Amount::ZERO;
    assert_eq!(small.base_size(), 63);
    assert_eq!(checked(&small, &prev), "tx-size-small");
    small.output[0].script_pubkey = Script::from_bytes(vec![0x6a, 0x02, 1, 1]);
    assert_eq!(checked(&small, &prev), "tx-size-small");
    small.output[0].script_pubkey = Script::from_bytes(vec![0x6a, 0x03, 1, 1, 1]);
    assert_eq!(small.base_size(), 65);
    assert!(checked(&small, &prev).starts_with("ok"));
    // A coinbase coin too young.
    let young = Coin {
        height: 150,
        is_coinbase: true,
        ..prev.clone()
    };
    assert_eq!(checked(&tx, &young), "bad-txns-premature-spend-of-coinbase");
    // Ephemeral dust: allowed at zero fee only.
    let mut dusty = tx.clone();
    dusty.output.push(out(0, p2wpkh()));
    assert_eq!(checked(&dusty, &prev), "dust");
    dusty.output[0].value = Amount::from_sat(100_000);
    // At zero fee it passes the dust rule, only to miss the relay fee: alone it is never
    // relayed, only in a package with the child that spends its dust.
    assert_eq!(checked(&dusty, &prev), "min relay fee not met");
    let e = check_with_coins(&tx, &[&young], 200, &PolicyOptions::default()).unwrap_err();
    assert_eq!(e.kind(), RejectKind::PrematureSpend);
    // A coin the caller could not find.
    let e = check_with_coins(&tx, &[], 200, &PolicyOptions::default()).unwrap_err();
    assert_eq!(e.reject_reason(), "bad-txns-inputs-missingorspent");
}

#[test]
fn min_relay_fee_and_sigop_cost() {
    let w = Witness::from_items([vec![0u8; 71], vec![2u8; 33]]);
    let tx = spend(Script::new(), w);
    // 110 vbytes at 0.1 sat/vB: 11 sat.
    let fee_of = |fee: i64| checked(&tx, &coin(90_000 + fee, p2wpkh()));
    assert_eq!(fee_of(11), "ok 11 110");
    assert_eq!(fee_of(10), "min relay fee not met");
    // Bare multisig outputs cost 80 sigops each (20 x 4), the P2WPKH input 1: 199 outputs
    // make 15,921, 200 make 16,001, above 16,000.
    let mut heavy = spend(
        Script::new(),
        Witness::from_items([vec![0u8; 71], vec![2; 33]]),
    );
    let ms = {
        let mut b = Script::builder().push_int(1);
        b = b.push_slice(&[0x02; 33]);
        b.push_int(1).push_opcode(OP_CHECKMULTISIG).into_script()
    };
    heavy.output = vec![out(1000, ms); 199];
    let prev = coin(10_000_000, p2wpkh());
    let r = checked(&heavy, &prev);
    assert!(r.starts_with("ok"), "{r}");
    heavy
        .output
        .push(out(1000, Script::from_bytes(vec![OP_RETURN.to_u8(), 0xac])));
    assert!(checked(&heavy, &prev).starts_with("scriptpubkey"));
    heavy.output.pop();
    heavy.output.push(heavy.output[0].clone());
    assert_eq!(checked(&heavy, &prev), "bad-txns-too-many-sigops");
}

#[test]
fn truc_size() {
    let prev = coin(10_000_000, p2wpkh());
    let mut tx = spend(
        Script::new(),
        Witness::from_items([vec![0u8; 71], vec![2; 33]]),
    );
    tx.version = 3;
    tx.output
        .push(out(0, Script::from_bytes(vec![0x6a, 0x4d, 0x10, 0x27])));
    tx.output[1].script_pubkey = Script::builder()
        .push_opcode(OP_RETURN)
        .push_slice(&vec![0; 9_800])
        .into_script();
    tx.output[1].value = Amount::ZERO;
    let r = checked(&tx, &prev);
    assert!(r.starts_with("ok"), "{r}");
    tx.output[1].script_pubkey = Script::builder()
        .push_opcode(OP_RETURN)
        .push_slice(&vec![0; 9_900])
        .into_script();
    assert_eq!(checked(&tx, &prev), "TRUC-violation");
    tx.version = 2;
    assert!(checked(&tx, &prev).starts_with("ok"));
}
