//! `createpsbt` and `converttopsbt` of generated inputs and outputs, in both PSBT
//! versions, and with parameters Core refuses: a bad txid, vout or sequence, a duplicated
//! or unknown address, a bad amount, a bad version, a transaction that is no transaction
//! or that carries signatures.

use serde_json::{json, Value};
use sou_keys::Address;
use sou_primitives::{Amount, Network, Script, Witness};

use crate::generator::Gen;
use crate::signed::keys;
use crate::Compare;

/// Calls of each kind per run.
const CASES: usize = 150;

fn addresses() -> Vec<String> {
    let keys = keys();
    let net = Network::Regtest;
    let pk = keys[0].public_key();
    let internal = keys[1].keypair().x_only_public_key().0;
    vec![
        Address::p2pkh(&pk, net).to_string(),
        Address::p2wpkh(&pk, net).unwrap().to_string(),
        Address::p2sh_p2wpkh(&pk, net).unwrap().to_string(),
        Address::p2wsh(&Script::from_bytes(vec![0x51]), net).to_string(),
        Address::p2tr(&internal, None, net).unwrap().to_string(),
    ]
}

fn input(g: &mut Gen) -> Value {
    let txid = hex::encode(g.array::<32>());
    match g.below(12) {
        0 => json!({"txid": "zz", "vout": 0}),
        1 => json!({"txid": txid}),
        2 => json!({"txid": txid, "vout": -1}),
        3 => json!({"txid": txid, "vout": 1, "sequence": -5}),
        4 => json!({"txid": txid, "vout": 1, "sequence": 4_294_967_296u64}),
        5 | 6 => {
            json!({"txid": txid, "vout": g.below(4), "sequence": g.pick(&[0u64, 1, 0xffff_fffe, 0xffff_ffff])})
        }
        _ => json!({"txid": txid, "vout": g.below(4)}),
    }
}

fn outputs(g: &mut Gen, addresses: &[String]) -> Value {
    let mut list = Vec::new();
    for _ in 0..1 + g.upto(2) {
        let address = addresses[g.below(addresses.len() as u64) as usize].clone();
        let amount = match g.below(14) {
            0 => json!(-1),
            1 => json!("0.000000001"),
            2 => json!(21_000_001),
            3 => json!("abc"),
            _ => json!(format!("0.{:08}", g.below(100_000_000))),
        };
        list.push(match g.below(15) {
            0 => json!({"data": hex::encode(g.some_bytes(0, 20))}),
            1 => json!({"data": "zz"}),
            2 => json!({"bcrt1qnotanaddress": 1}),
            _ => json!({ address: amount }),
        });
    }
    if g.chance(5) {
        return json!({});
    }
    Value::Array(list)
}

pub(crate) fn compare(cmp: &mut Compare<'_>, seed: u64) {
    let addresses = addresses();
    let mut g = Gen(seed ^ 0xc4ea7e);
    for _ in 0..CASES {
        let inputs: Vec<Value> = (0..g.upto(3)).map(|_| input(&mut g)).collect();
        let outs = outputs(&mut g, &addresses);
        let mut params = vec![Value::Array(inputs), outs];
        let tail = [
            json!(g.pick(&[0u64, 1, 500_000_000, 0xffff_ffff])),
            json!(g.pick(&[true, false])),
            json!(g.pick(&[1i64, 2, 3, 4, 0, -1])),
            json!(g.pick(&[0i64, 2, 2, 0, 1, 3, -1])),
        ];
        params.extend(tail.into_iter().take(g.upto(4)));
        let created = cmp.ask("createpsbt", Value::Array(params.clone()));
        // The same transaction through createrawtransaction and converttopsbt.
        if let Ok(hex) = cmp
            .core
            .call("createrawtransaction", Value::Array(params[..2].to_vec()))
        {
            let hex = hex.as_str().unwrap().to_string();
            let version = [json!(0), json!(2), json!(7), json!(null)][g.below(4) as usize].clone();
            cmp.check("converttopsbt", json!([hex, false, null, version]));
            cmp.check("converttopsbt", json!([hex, true, g.pick(&[true, false])]));
            cmp.check("converttopsbt", json!([hex]));
        }
        if let Ok(Value::String(b64)) = created {
            // A version 2 PSBT is read by Core only (a known difference, see `main.rs`).
            cmp.read_all(&b64);
        }
    }
    // Outputs of amounts no transaction may have (negative, above 21 million BTC): the fee
    // goes unshown, and analyzepsbt calls the PSBT invalid once its inputs are known.
    for value in [-5i64, 2_100_000_000_000_001, i64::MAX, 0] {
        let mut tx = crate::generator::previous_tx(&mut g);
        for input in &mut tx.input {
            input.script_sig = Script::new();
            input.witness = Witness::new();
        }
        tx.output[0].value = Amount::from_sat(value);
        let hex = hex::encode(sou_primitives::encoding::serialize(&tx));
        if let Ok(Value::String(b64)) = cmp.ask("converttopsbt", json!([hex, false, true, 0])) {
            cmp.read_all(&b64);
        }
    }
    // Transactions with signatures: refused unless permitsigdata.
    let mut g = Gen(seed ^ 0x51);
    for _ in 0..20 {
        let tx = crate::generator::previous_tx(&mut g);
        let hex = hex::encode(sou_primitives::encoding::serialize(&tx));
        cmp.check("converttopsbt", json!([hex]));
        cmp.check("converttopsbt", json!([hex, true, null, 0]));
        cmp.check("converttopsbt", json!([hex, true, false, 0]));
    }
}
