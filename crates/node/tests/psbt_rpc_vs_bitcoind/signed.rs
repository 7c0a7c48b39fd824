//! PSBTs that sou's wallet signed for real: every output type it signs, spent by one to
//! three inputs, with some keys' signatures left out, sighash types set, UTXOs dropped or
//! doubled, so that `finalizepsbt` and `analyzepsbt` meet complete, incomplete and
//! mismatched inputs, and `combinepsbt` merges copies signed by different keys.

use serde_json::{json, Value};
use sou_keys::{Address, PublicKey, SecretKey};
use sou_primitives::opcodes::OP_CHECKMULTISIG;
use sou_primitives::script::Builder;
use sou_primitives::{Amount, Network, OutPoint, Script, Transaction, TxIn, TxOut, Txid, Witness};
use sou_script::SighashType;
use sou_wallet::psbt::{Nonces, Psbt, UpdateData, XOnlyKey};

use crate::generator::Gen;
use crate::Compare;

/// PSBTs signed per run.
const CASES: usize = 120;

/// The output types the wallet's signer handles.
#[derive(Debug, Clone, Copy)]
enum Kind {
    P2pk,
    P2pkh,
    P2wpkh,
    P2shP2wpkh,
    P2sh2of3,
    P2wsh2of3,
    P2shP2wsh1of2,
    P2tr,
}

const KINDS: [Kind; 8] = [
    Kind::P2pk,
    Kind::P2pkh,
    Kind::P2wpkh,
    Kind::P2shP2wpkh,
    Kind::P2sh2of3,
    Kind::P2wsh2of3,
    Kind::P2shP2wsh1of2,
    Kind::P2tr,
];

pub(crate) fn keys() -> Vec<SecretKey> {
    (1..=3u8)
        .map(|i| SecretKey::from_byte_array([i; 32]).expect("a valid key"))
        .collect()
}

fn multisig(m: i64, keys: &[PublicKey]) -> Script {
    let mut b = Builder::new().push_int(m);
    for k in keys {
        b = b.push_slice(&k.serialize_compressed());
    }
    b.push_int(keys.len() as i64)
        .push_opcode(OP_CHECKMULTISIG)
        .into_script()
}

/// The output script of `kind`, with the scripts behind it.
fn output_for(kind: Kind, keys: &[SecretKey]) -> (Script, Vec<Script>) {
    let pks: Vec<PublicKey> = keys.iter().map(SecretKey::public_key).collect();
    let net = Network::Regtest;
    match kind {
        Kind::P2pk => (
            Builder::new()
                .push_slice(&pks[0].serialize_compressed())
                .push_opcode(sou_primitives::opcodes::OP_CHECKSIG)
                .into_script(),
            vec![],
        ),
        Kind::P2pkh => (Address::p2pkh(&pks[0], net).script_pubkey(), vec![]),
        Kind::P2wpkh => (
            Address::p2wpkh(&pks[1], net).unwrap().script_pubkey(),
            vec![],
        ),
        Kind::P2shP2wpkh => {
            let inner = Address::p2wpkh(&pks[2], net).unwrap().script_pubkey();
            (Address::p2sh(&inner, net).script_pubkey(), vec![inner])
        }
        Kind::P2sh2of3 => {
            let ms = multisig(2, &pks);
            (Address::p2sh(&ms, net).script_pubkey(), vec![ms])
        }
        Kind::P2wsh2of3 => {
            let ms = multisig(2, &pks);
            (Address::p2wsh(&ms, net).script_pubkey(), vec![ms])
        }
        Kind::P2shP2wsh1of2 => {
            let ms = multisig(1, &pks[1..]);
            let wsh = Address::p2wsh(&ms, net).script_pubkey();
            (Address::p2sh(&wsh, net).script_pubkey(), vec![ms, wsh])
        }
        Kind::P2tr => {
            let internal = keys[0].keypair().x_only_public_key().0;
            (
                Address::p2tr(&internal, None, net).unwrap().script_pubkey(),
                vec![],
            )
        }
    }
}

/// A signed (or partly signed) PSBT from `g`, and a copy signed by the other keys.
fn make(g: &mut Gen, keys: &[SecretKey]) -> (Psbt, Psbt) {
    let n = 1 + g.upto(2);
    let kinds: Vec<Kind> = (0..n).map(|_| g.pick(&KINDS)).collect();
    let mut scripts = Vec::new();
    let prev = Transaction {
        version: 2,
        input: vec![TxIn {
            previous_output: OutPoint::new(Txid::from_byte_array(g.array()), 0),
            script_sig: Script::from_bytes(vec![0x51]),
            sequence: 0xffff_ffff,
            witness: Witness::new(),
        }],
        output: kinds
            .iter()
            .map(|&k| {
                let (spk, behind) = output_for(k, keys);
                scripts.extend(behind);
                TxOut {
                    value: Amount::from_sat(100_000 + g.below(100_000) as i64),
                    script_pubkey: spk,
                }
            })
            .collect(),
        lock_time: 0,
    };
    let txid = prev.compute_txid();
    let pay_to = Address::p2wpkh(&keys[0].public_key(), Network::Regtest)
        .unwrap()
        .script_pubkey();
    let spend = Transaction {
        version: 2,
        input: (0..n)
            .map(|i| TxIn {
                previous_output: OutPoint::new(txid, i as u32),
                script_sig: Script::new(),
                sequence: 0xffff_fffd,
                witness: Witness::new(),
            })
            .collect(),
        output: (0..1 + g.upto(1))
            .map(|_| TxOut {
                value: Amount::from_sat(50_000 + g.below(40_000) as i64),
                script_pubkey: pay_to.clone(),
            })
            .collect(),
        lock_time: 0,
    };
    let mut psbt = Psbt::from_unsigned_tx(spend);
    psbt.update(&UpdateData {
        transactions: vec![prev.clone()],
        scripts,
        keys: vec![],
    });
    for (input, kind) in psbt.inputs.iter_mut().zip(&kinds) {
        if let Kind::P2tr = kind {
            input.tap_internal_key = Some(XOnlyKey::from(keys[0].keypair().x_only_public_key().0));
        }
        if g.chance(15) {
            input.sighash_type = Some(SighashType::from_u32(g.pick(&[1, 2, 3, 0x81, 0x83])));
        }
        if g.chance(10) {
            input.non_witness_utxo = Some(prev.clone());
        }
        if g.chance(8) {
            input.non_witness_utxo = None;
            input.witness_utxo = None;
        }
    }
    let mut other = psbt.clone();
    let (mine, theirs): (Vec<SecretKey>, Vec<SecretKey>) =
        keys.iter().cloned().partition(|_| g.chance(60));
    let _ = psbt.sign(&mine, Nonces::Rfc6979);
    let _ = other.sign(&theirs, Nonces::Rfc6979);
    (psbt, other)
}

/// A PSBT as Core decodes it, its inputs and outputs (with their maps) sorted, so that
/// two `joinpsbts` answers, shuffled at random, can be compared.
fn sorted(cmp: &Compare<'_>, b64: &str) -> Value {
    let mut d = cmp.core.call("decodepsbt", json!([b64])).unwrap();
    let vin = d["tx"]["vin"].as_array().cloned().unwrap_or_default();
    let inputs = d["inputs"].as_array().cloned().unwrap_or_default();
    let mut ins: Vec<(String, Value)> = vin
        .iter()
        .zip(inputs)
        .map(|(v, i)| (format!("{}:{}", v["txid"], v["vout"]), json!([v, i])))
        .collect();
    ins.sort_by(|a, b| a.0.cmp(&b.0));
    let vout = d["tx"]["vout"].as_array().cloned().unwrap_or_default();
    let outputs = d["outputs"].as_array().cloned().unwrap_or_default();
    let mut outs: Vec<String> = vout
        .iter()
        .zip(outputs)
        .map(|(v, o)| {
            let mut v = v.clone();
            v["n"] = json!(0);
            json!([v, o]).to_string()
        })
        .collect();
    outs.sort();
    for field in ["txid", "hash", "vin", "vout"] {
        d["tx"][field] = Value::Null;
    }
    d["inputs"] = Value::Null;
    d["outputs"] = Value::Null;
    json!([d, ins.into_iter().map(|(_, v)| v).collect::<Vec<_>>(), outs])
}

/// `joinpsbts` of `list`: errors must be Core's, and a joined PSBT must hold what Core's
/// holds, in whatever order.
fn join(cmp: &mut Compare<'_>, list: &[String]) {
    let params = json!([list]);
    let core = cmp.core.call("joinpsbts", params.clone());
    let sou = cmp.sou.call("joinpsbts", params.clone());
    let same = match (&core, &sou) {
        (Ok(c), Ok(s)) => sorted(cmp, c.as_str().unwrap()) == sorted(cmp, s.as_str().unwrap()),
        (Err(c), Err(s)) => (c.code, &c.message) == (s.code, &s.message),
        _ => false,
    };
    cmp.tally("joinpsbts", &params, &core, &sou, same);
}

pub(crate) fn compare(cmp: &mut Compare<'_>, seed: u64) {
    let keys = keys();
    let mut g = Gen(seed ^ 0x5157);
    let mut previous = String::new();
    for case in 0..CASES {
        let (a, b) = make(&mut g, &keys);
        let (a, b) = (a.to_base64(), b.to_base64());
        if case % 4 == 0 {
            join(cmp, &[a.clone(), previous.clone()]);
            join(cmp, &[a.clone(), b.clone()]);
            join(cmp, std::slice::from_ref(&a));
        }
        previous = a.clone();
        cmp.read_all(&a);
        cmp.check("combinepsbt", json!([[a, b]]));
        if let Ok(combined) = cmp.core.call("combinepsbt", json!([[a, b]])) {
            let combined = combined.as_str().unwrap().to_string();
            cmp.check("finalizepsbt", json!([combined]));
            cmp.check("analyzepsbt", json!([combined]));
        }
    }
}
