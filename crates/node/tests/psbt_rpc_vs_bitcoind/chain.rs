//! `utxoupdatepsbt` of coins both nodes know: bitcoind mines one block paying to each
//! descriptor below, soud receives the same blocks, and PSBTs spending the coinbase
//! outputs (and an output that does not exist) are updated by both, without descriptors,
//! then with them.
//!
//! ```text
//! genesis -- b1 (wpkh) -- b2 (pkh) -- ... -- b8 (raw OP_TRUE)    on both chains
//! ```

use serde_json::{json, Value};
use sou_primitives::hashes::hash160;

use crate::generator::Gen;
use crate::signed::keys;
use crate::support::bitcoind::Bitcoind;
use crate::support::TestNode;
use crate::Compare;

/// PSBTs updated per run.
const CASES: usize = 60;

/// The descriptors the blocks pay to, with their checksums from bitcoind.
fn descriptors(core: &Bitcoind) -> Vec<String> {
    let keys = keys();
    let pk = |i: usize| hex::encode(keys[i].public_key().serialize_compressed());
    let xonly = hex::encode(keys[0].keypair().x_only_public_key().0.serialize());
    let fingerprint = hex::encode(&hash160(&keys[1].public_key().serialize_compressed())[..4]);
    [
        format!("wpkh({})", pk(0)),
        format!("pkh([{fingerprint}/44h/1h/0h/0/5]{})", pk(1)),
        format!("sh(wpkh({}))", pk(2)),
        format!(
            "wsh(multi(1,{},[d34db33f/48h/1h/0h/2h/0/1]{}))",
            pk(0),
            pk(1)
        ),
        format!("sh(multi(2,{},{}))", pk(1), pk(2)),
        format!("sh(wsh(sortedmulti(1,{},{})))", pk(2), pk(0)),
        format!("tr({xonly})"),
        "raw(51)".to_string(),
    ]
    .into_iter()
    .map(|d| {
        let info = core.call("getdescriptorinfo", json!([d])).unwrap();
        format!("{d}#{}", info["checksum"].as_str().unwrap())
    })
    .collect()
}

/// Mines one block per descriptor on bitcoind and hands each to soud; returns the
/// coinbase txids, in the descriptors' order.
fn mine(core: &Bitcoind, sou: &TestNode, descriptors: &[String]) -> Vec<String> {
    let mut txids = Vec::new();
    for d in descriptors {
        let hashes = core
            .call("generatetodescriptor", json!([1, d]))
            .unwrap_or_else(|e| panic!("generatetodescriptor {d}: {e:?}"));
        let hash = hashes[0].as_str().unwrap().to_string();
        let raw = core.call("getblock", json!([hash, 0])).unwrap();
        let answer = sou.call("submitblock", json!([raw])).unwrap();
        assert!(answer.is_null(), "soud refused block {hash}: {answer}");
        let block = core.call("getblock", json!([hash, 1])).unwrap();
        txids.push(block["tx"][0].as_str().unwrap().to_string());
    }
    assert_eq!(
        core.call("getbestblockhash", json!([])).unwrap(),
        sou.call("getbestblockhash", json!([])).unwrap(),
        "the chains differ"
    );
    txids
}

pub(crate) fn compare(cmp: &mut Compare<'_>, core: &Bitcoind, sou: &TestNode) {
    let descriptors = descriptors(core);
    let txids = mine(core, sou, &descriptors);
    let mut g = Gen(0x0c0_1175);
    // Addresses of the descriptors that have one, to pay to: utxoupdatepsbt fills in
    // what the descriptors know of an output too.
    let addresses: Vec<String> = descriptors[..6]
        .iter()
        .map(|d| {
            let list = core.call("deriveaddresses", json!([d])).unwrap();
            list[0].as_str().unwrap().to_string()
        })
        .collect();
    for _ in 0..CASES {
        let mut inputs: Vec<Value> = (0..1 + g.upto(2))
            .map(|_| {
                let i = g.below(txids.len() as u64) as usize;
                // Output 1 of a coinbase is its witness commitment (OP_RETURN).
                json!({"txid": txids[i], "vout": g.pick(&[0, 0, 0, 1])})
            })
            .collect();
        inputs.dedup();
        if g.chance(15) {
            inputs.push(json!({"txid": hex::encode(g.array::<32>()), "vout": 0}));
        }
        let n = addresses.len() as u64;
        let a = addresses[g.below(n) as usize].as_str();
        let b = addresses[g.below(n) as usize].as_str();
        let outputs = if a == b {
            json!([{ a: 1 }])
        } else {
            json!([{ a: 1 }, { b: 2 }])
        };
        let Ok(Value::String(psbt)) =
            core.call("createpsbt", json!([inputs, outputs, 0, true, 2, 0]))
        else {
            continue;
        };
        cmp.check("utxoupdatepsbt", json!([psbt]));
        let mut some = Vec::new();
        for d in &descriptors {
            if !g.chance(60) {
                continue;
            }
            some.push(if g.chance(30) {
                json!({"desc": d, "range": g.pick(&[0, 5])})
            } else {
                json!(d)
            });
        }
        let updated = cmp.ask("utxoupdatepsbt", json!([psbt, some]));
        if let Ok(Value::String(updated)) = updated {
            cmp.read_all(&updated);
        }
    }
    // Bad descriptors and scan objects.
    for bad in [
        json!(["nodescriptor"]),
        json!([{"range": 1}]),
        json!([5]),
        json!([{"desc": descriptors[0], "range": [3, 1]}]),
        json!([{"desc": descriptors[0], "range": -1}]),
    ] {
        let psbt = core
            .call("createpsbt", json!([[], [{"data": "00"}], 0, true, 2, 0]))
            .unwrap();
        cmp.check("utxoupdatepsbt", json!([psbt, bad]));
    }
}
