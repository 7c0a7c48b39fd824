//! Coins anyone can spend, for tests that need transactions but no keys: block rewards
//! paid to a P2WSH output whose witness script is `OP_TRUE`, spent by giving the script as
//! the witness (a standard spend).

use serde_json::{json, Value};
use sou_keys::Address;
use sou_primitives::encoding::serialize;
use sou_primitives::{Amount, Network, OutPoint, Script, Transaction, TxIn, TxOut, Txid, Witness};

/// The witness script of every coin here.
pub fn op_true() -> Script {
    Script::from_bytes(vec![0x51])
}

/// The regtest address paying to [`op_true`] behind P2WSH.
pub fn address() -> String {
    Address::p2wsh(&op_true(), Network::Regtest).to_string()
}

/// Spends `outpoint` (worth `value`) to one output back to [`address`], paying `fee`.
pub fn spend(outpoint: OutPoint, value: Amount, fee: Amount) -> Transaction {
    spend_to(outpoint, value, fee, 1)
}

/// Spends `outpoint` (worth `value`) to `outputs` equal outputs back to [`address`],
/// paying `fee`.
pub fn spend_to(outpoint: OutPoint, value: Amount, fee: Amount, outputs: u64) -> Transaction {
    let share = (value.to_sat() - fee.to_sat()) / i64::try_from(outputs).unwrap();
    Transaction {
        version: 2,
        input: vec![TxIn {
            previous_output: outpoint,
            script_sig: Script::new(),
            sequence: 0xffff_fffd,
            witness: Witness::from_items([op_true().as_bytes().to_vec()]),
        }],
        output: (0..outputs)
            .map(|_| TxOut {
                value: Amount::from_sat(share),
                script_pubkey: Address::p2wsh(&op_true(), Network::Regtest).script_pubkey(),
            })
            .collect(),
        lock_time: 0,
    }
}

/// The coinbase output of the block at `height`, as `rpc` reports it.
pub fn coinbase_coin(rpc: &dyn Fn(&str, Value) -> Value, height: u64) -> (OutPoint, Amount) {
    let hash = rpc("getblockhash", json!([height]));
    let block = rpc("getblock", json!([hash, 2]));
    let coinbase = &block["tx"][0];
    let txid: Txid = coinbase["txid"].as_str().unwrap().parse().unwrap();
    // Amounts print with 8 decimals: the digits without the point are the satoshis.
    let text = coinbase["vout"][0]["value"].to_string().replace('.', "");
    (
        OutPoint::new(txid, 0),
        Amount::from_sat(text.parse().unwrap()),
    )
}

/// True if `txid` is in the pool `rpc` reports.
pub fn in_pool(rpc: &dyn Fn(&str, Value) -> Value, txid: &Txid) -> bool {
    rpc("getrawmempool", json!([]))
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t.as_str() == Some(txid.to_string().as_str()))
}

/// The transaction in hex, as RPCs take it.
pub fn hex_of(tx: &Transaction) -> String {
    hex::encode(serialize(tx))
}
