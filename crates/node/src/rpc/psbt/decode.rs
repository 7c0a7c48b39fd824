//! `decodepsbt`: a PSBT as Core's `decodepsbt` describes it, record by record.
//!
//! Every record the parser kept is shown, those of a final input too (Core keeps them in
//! memory and leaves them out only when writing). Keyed records come in Core's map
//! order: partial signatures by the hash160 of their key (`CKeyID`), leaf scripts grouped
//! by script and leaf version with their control blocks shortest first.
//!
//! References: Core `decodepsbt` (src/rpc/rawtransaction.cpp), `ScriptToUniv`,
//! `SighashToStr` (src/core_io.cpp), `WriteHDKeypath` (src/util/bip32.cpp).

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};
use sou_keys::bip32::DerivationPath;
use sou_primitives::encoding::Reader;
use sou_primitives::hashes::hash160;
use sou_primitives::{Amount, Network, Script, TxOut};
use sou_script::asm::script_to_asm_str;
use sou_wallet::psbt::{Input, KeySource, Output, PreimageHash, Psbt, TapKeySource, XOnlyKey};

use crate::rpc::format::{self, TxOptions};
use crate::rpc::RpcError;

/// The whole answer of `decodepsbt`.
pub(super) fn psbt_to_json(psbt: &Psbt, network: Network) -> Result<Value, RpcError> {
    let mut result = Map::new();
    result.insert(
        "tx".into(),
        format::transaction(&psbt.unsigned_tx, network, &TxOptions::default())?,
    );
    result.insert("global_xpubs".into(), global_xpubs(psbt));
    result.insert("psbt_version".into(), psbt.version.into());
    result.insert("proprietary".into(), proprietary(&psbt.unknown));
    result.insert("unknown".into(), unknown(&psbt.unknown));

    // The fee is shown only when every input's spent output is known and every amount,
    // and every running sum, is within `MAX_MONEY` (Core's "hack to just not show fee").
    let mut total_in = Some(Amount::ZERO);
    let mut inputs = Vec::with_capacity(psbt.inputs.len());
    for (index, input) in psbt.inputs.iter().enumerate() {
        let spent = psbt.spent_output(index);
        total_in = money_sum(total_in, spent.as_ref().map(|o| o.value));
        inputs.push(input_to_json(input, network)?);
    }
    result.insert("inputs".into(), Value::Array(inputs));
    let mut total_out = Some(Amount::ZERO);
    let mut outputs = Vec::with_capacity(psbt.outputs.len());
    for (output, txout) in psbt.outputs.iter().zip(&psbt.unsigned_tx.output) {
        outputs.push(output_to_json(output, network));
        total_out = money_sum(total_out, Some(txout.value));
    }
    result.insert("outputs".into(), Value::Array(outputs));
    if let (Some(inputs), Some(outputs)) = (total_in, total_out) {
        let fee = Amount::from_sat(inputs.to_sat() - outputs.to_sat());
        result.insert("fee".into(), format::amount(fee));
    }
    Ok(Value::Object(result))
}

/// `sum + value` if both it and `value` are within `MoneyRange`.
pub(super) fn money_sum(sum: Option<Amount>, value: Option<Amount>) -> Option<Amount> {
    let (sum, value) = (sum?, value?);
    let total = Amount::from_sat(sum.to_sat().checked_add(value.to_sat())?);
    (value.is_valid_money() && total.is_valid_money()).then_some(total)
}

fn global_xpubs(psbt: &Psbt) -> Value {
    // Core keeps them by origin (fingerprint, shorter paths first, then path), then by
    // public key and chain code (the last 33 bytes, then the 32 before them).
    let mut xpubs: Vec<(&Vec<u8>, &KeySource)> = psbt.xpubs.iter().collect();
    xpubs.sort_by_key(|(xpub, source)| {
        let path: Vec<u32> = source.path.as_slice().iter().map(|c| c.to_u32()).collect();
        (
            source.fingerprint.0,
            path.len(),
            path,
            xpub.get(45..).map(<[u8]>::to_vec),
            xpub.get(13..45).map(<[u8]>::to_vec),
        )
    });
    let list = xpubs
        .into_iter()
        .map(|(xpub, source)| {
            json!({
                "xpub": sou_keys::base58::encode_check(xpub),
                "master_fingerprint": hex::encode(source.fingerprint.0),
                "path": hd_keypath(&source.path),
            })
        })
        .collect();
    Value::Array(list)
}

/// Core `WriteHDKeypath`: `m`, then `/n` per step, `h` after a hardened one.
fn hd_keypath(path: &DerivationPath) -> String {
    let mut text = String::from("m");
    for step in path.as_slice() {
        let n = step.to_u32();
        text.push_str(&format!("/{}", n & 0x7fff_ffff));
        if n >> 31 == 1 {
            text.push('h');
        }
    }
    text
}

/// Core `ScriptToUniv(script, out)` without address: `asm`, `hex`, `type` (the descriptor
/// comes with the address).
fn script_without_address(script: &Script, network: Network) -> Value {
    let mut value = format::script_pubkey(script, network);
    if let Some(map) = value.as_object_mut() {
        map.shift_remove("desc");
        map.shift_remove("address");
    }
    value
}

/// A key origin as the `bip32_derivs` lists show it.
fn derivation(pubkey: &[u8], source: &KeySource) -> Value {
    json!({
        "pubkey": hex::encode(pubkey),
        "master_fingerprint": hex::encode(source.fingerprint.0),
        "path": hd_keypath(&source.path),
    })
}

/// A taproot key origin, with the leaves it signs in.
fn tap_derivation(xonly: [u8; 32], source: &TapKeySource) -> Value {
    let leaves: Vec<Value> = source
        .leaf_hashes
        .iter()
        .map(|h| hex::encode(h.0).into())
        .collect();
    json!({
        "pubkey": hex::encode(xonly),
        "master_fingerprint": hex::encode(source.source.fingerprint.0),
        "path": hd_keypath(&source.source.path),
        "leaf_hashes": leaves,
    })
}

/// Core `SighashToStr`: the name of the low byte's type, or nothing.
fn sighash_name(byte: u8) -> &'static str {
    match byte {
        0x01 => "ALL",
        0x81 => "ALL|ANYONECANPAY",
        0x02 => "NONE",
        0x82 => "NONE|ANYONECANPAY",
        0x03 => "SINGLE",
        0x83 => "SINGLE|ANYONECANPAY",
        _ => "",
    }
}

fn input_to_json(input: &Input, network: Network) -> Result<Value, RpcError> {
    let mut r = Map::new();
    if let Some(utxo) = &input.witness_utxo {
        r.insert("witness_utxo".into(), txout_to_json(utxo, network));
    }
    if let Some(tx) = &input.non_witness_utxo {
        r.insert(
            "non_witness_utxo".into(),
            format::transaction(tx, network, &TxOptions::default())?,
        );
    }
    if !input.partial_sigs.is_empty() {
        let mut sigs: Vec<(&Vec<u8>, &Vec<u8>)> = input.partial_sigs.iter().collect();
        sigs.sort_by_key(|(pk, _)| hash160(pk));
        let map: Map<String, Value> = sigs
            .into_iter()
            .map(|(pk, sig)| (hex::encode(pk), hex::encode(sig).into()))
            .collect();
        r.insert("partial_signatures".into(), Value::Object(map));
    }
    if let Some(sighash) = input.sighash_type {
        let low = sighash.to_u32().to_le_bytes()[0];
        r.insert("sighash".into(), sighash_name(low).into());
    }
    scripts_and_origins(
        &mut r,
        [&input.redeem_script, &input.witness_script],
        &input.bip32_derivation,
        network,
    );
    if let Some(s) = input.final_script_sig.as_ref().filter(|s| !s.is_empty()) {
        r.insert(
            "final_scriptSig".into(),
            json!({"asm": script_to_asm_str(s, true), "hex": hex::encode(s.as_bytes())}),
        );
    }
    if let Some(w) = input
        .final_script_witness
        .as_ref()
        .filter(|w| !w.is_empty())
    {
        let items: Vec<Value> = w.iter().map(|i| hex::encode(i).into()).collect();
        r.insert("final_scriptwitness".into(), Value::Array(items));
    }
    preimages(&mut r, &input.preimages);
    if let Some(sig) = &input.tap_key_sig {
        r.insert("taproot_key_path_sig".into(), hex::encode(sig).into());
    }
    if !input.tap_script_sigs.is_empty() {
        let list = input
            .tap_script_sigs
            .iter()
            .map(|((xonly, leaf), sig)| {
                json!({
                    "pubkey": hex::encode(xonly.to_byte_array()),
                    "leaf_hash": hex::encode(leaf.0),
                    "sig": hex::encode(sig),
                })
            })
            .collect();
        r.insert("taproot_script_path_sigs".into(), Value::Array(list));
    }
    if !input.tap_scripts.is_empty() {
        r.insert("taproot_scripts".into(), tap_scripts(input));
    }
    tap_origins(&mut r, &input.tap_bip32_derivation);
    internal_key(&mut r, input.tap_internal_key);
    if let Some(root) = input.tap_merkle_root {
        r.insert("taproot_merkle_root".into(), hex::encode(root.0).into());
    }
    participants(&mut r, &input.musig2_participants);
    if !input.musig2_pub_nonces.is_empty() {
        let list = input
            .musig2_pub_nonces
            .iter()
            .map(|(who, nonce)| musig2_entry(who, "pubnonce", nonce))
            .collect();
        r.insert("musig2_pubnonces".into(), Value::Array(list));
    }
    if !input.musig2_partial_sigs.is_empty() {
        let list = input
            .musig2_partial_sigs
            .iter()
            .map(|(who, sig)| musig2_entry(who, "partial_sig", sig))
            .collect();
        r.insert("musig2_partial_sigs".into(), Value::Array(list));
    }
    extra_records(&mut r, &input.unknown);
    Ok(Value::Object(r))
}

fn output_to_json(output: &Output, network: Network) -> Value {
    let mut r = Map::new();
    scripts_and_origins(
        &mut r,
        [&output.redeem_script, &output.witness_script],
        &output.bip32_derivation,
        network,
    );
    internal_key(&mut r, output.tap_internal_key);
    if let Some(tree) = output.tap_tree.as_ref().filter(|t| !t.is_empty()) {
        let list = tree
            .iter()
            .map(|leaf| {
                json!({
                    "depth": leaf.depth,
                    "leaf_ver": leaf.leaf_version,
                    "script": hex::encode(leaf.script.as_bytes()),
                })
            })
            .collect();
        r.insert("taproot_tree".into(), Value::Array(list));
    }
    tap_origins(&mut r, &output.tap_bip32_derivation);
    participants(&mut r, &output.musig2_participants);
    extra_records(&mut r, &output.unknown);
    Value::Object(r)
}

fn txout_to_json(utxo: &TxOut, network: Network) -> Value {
    json!({
        "amount": format::amount(utxo.value),
        "scriptPubKey": format::script_pubkey(&utxo.script_pubkey, network),
    })
}

/// The four preimage maps, each present only when it has entries.
fn preimages(r: &mut Map<String, Value>, all: &BTreeMap<PreimageHash, Vec<u8>>) {
    let names = [
        "ripemd160_preimages",
        "sha256_preimages",
        "hash160_preimages",
        "hash256_preimages",
    ];
    for (kind, name) in names.iter().enumerate() {
        let map: Map<String, Value> = all
            .iter()
            .filter(|(hash, _)| preimage_kind(hash) == kind)
            .map(|(hash, preimage)| (hex::encode(hash.as_bytes()), hex::encode(preimage).into()))
            .collect();
        if !map.is_empty() {
            r.insert((*name).into(), Value::Object(map));
        }
    }
}

fn preimage_kind(hash: &PreimageHash) -> usize {
    match hash {
        PreimageHash::Ripemd160(_) => 0,
        PreimageHash::Sha256(_) => 1,
        PreimageHash::Hash160(_) => 2,
        PreimageHash::Hash256(_) => 3,
    }
}

/// Leaf scripts grouped as Core keys them: by (script, leaf version), with every control
/// block of each, shortest first.
fn tap_scripts(input: &Input) -> Value {
    let mut grouped: BTreeMap<(Vec<u8>, u8), Vec<&Vec<u8>>> = BTreeMap::new();
    for (control_block, (script, leaf_version)) in &input.tap_scripts {
        grouped
            .entry((script.as_bytes().to_vec(), *leaf_version))
            .or_default()
            .push(control_block);
    }
    let list = grouped
        .into_iter()
        .map(|((script, leaf_version), mut blocks)| {
            blocks.sort_by(|a, b| a.len().cmp(&b.len()).then(a.cmp(b)));
            let blocks: Vec<Value> = blocks.iter().map(|b| hex::encode(b).into()).collect();
            json!({
                "script": hex::encode(script),
                "leaf_ver": leaf_version,
                "control_blocks": blocks,
            })
        })
        .collect();
    Value::Array(list)
}

/// BIP373's participants of each MuSig2 aggregate key, when there are any.
fn participants(r: &mut Map<String, Value>, all: &BTreeMap<[u8; 33], Vec<[u8; 33]>>) {
    if all.is_empty() {
        return;
    }
    let list = all
        .iter()
        .map(|(aggregate, keys)| {
            let keys: Vec<Value> = keys.iter().map(|k| hex::encode(k).into()).collect();
            json!({"aggregate_pubkey": hex::encode(aggregate), "participant_pubkeys": keys})
        })
        .collect();
    r.insert("musig2_participant_pubkeys".into(), Value::Array(list));
}

/// The redeem and witness scripts and the key origins, the fields inputs and outputs
/// share, each when present.
fn scripts_and_origins(
    r: &mut Map<String, Value>,
    [redeem, witness]: [&Option<Script>; 2],
    origins: &BTreeMap<Vec<u8>, KeySource>,
    network: Network,
) {
    for (name, script) in [("redeem_script", redeem), ("witness_script", witness)] {
        if let Some(s) = script.as_ref().filter(|s| !s.is_empty()) {
            r.insert(name.into(), script_without_address(s, network));
        }
    }
    if !origins.is_empty() {
        let list = origins
            .iter()
            .map(|(pk, source)| derivation(pk, source))
            .collect();
        r.insert("bip32_derivs".into(), Value::Array(list));
    }
}

/// The origins of x-only keys, when there are any.
fn tap_origins(r: &mut Map<String, Value>, origins: &BTreeMap<XOnlyKey, TapKeySource>) {
    if !origins.is_empty() {
        let list = origins
            .iter()
            .map(|(xonly, source)| tap_derivation(xonly.to_byte_array(), source))
            .collect();
        r.insert("taproot_bip32_derivs".into(), Value::Array(list));
    }
}

/// The taproot internal key, when there is one.
fn internal_key(r: &mut Map<String, Value>, key: Option<XOnlyKey>) {
    if let Some(key) = key {
        r.insert(
            "taproot_internal_key".into(),
            hex::encode(key.to_byte_array()).into(),
        );
    }
}

fn musig2_entry(who: &sou_wallet::psbt::MuSig2Participant, field: &str, data: &[u8]) -> Value {
    let mut m = Map::new();
    m.insert(
        "participant_pubkey".into(),
        hex::encode(who.participant_key).into(),
    );
    m.insert(
        "aggregate_pubkey".into(),
        hex::encode(who.aggregate_key).into(),
    );
    if let Some(leaf) = who.leaf_hash {
        m.insert("leaf_hash".into(), hex::encode(leaf.0).into());
    }
    m.insert(field.into(), hex::encode(data).into());
    Value::Object(m)
}

/// The `proprietary` list and the `unknown` object of an input or output map, each only
/// when it has entries.
fn extra_records(r: &mut Map<String, Value>, records: &BTreeMap<Vec<u8>, Vec<u8>>) {
    if let Value::Array(list) = proprietary(records) {
        if !list.is_empty() {
            r.insert("proprietary".into(), Value::Array(list));
        }
    }
    if let Value::Object(map) = unknown(records) {
        if !map.is_empty() {
            r.insert("unknown".into(), Value::Object(map));
        }
    }
}

/// Proprietary records (type `0xfc`): identifier, subtype, the whole key, the value.
fn proprietary(records: &BTreeMap<Vec<u8>, Vec<u8>>) -> Value {
    let list = records
        .iter()
        .filter(|(k, _)| k.first() == Some(&0xfc))
        .map(|(key, value)| {
            // The parser checked that the identifier and subtype are there.
            let mut r = Reader::new(key.get(1..).unwrap_or_default());
            let identifier = r.read_var_bytes().map(<[u8]>::to_vec).unwrap_or_default();
            let subtype = r.read_compact_size().unwrap_or_default();
            json!({
                "identifier": hex::encode(identifier),
                "subtype": subtype,
                "key": hex::encode(key),
                "value": hex::encode(value),
            })
        })
        .collect();
    Value::Array(list)
}

/// Records of unknown types, key to value.
fn unknown(records: &BTreeMap<Vec<u8>, Vec<u8>>) -> Value {
    let map: Map<String, Value> = records
        .iter()
        .filter(|(k, _)| k.first() != Some(&0xfc))
        .map(|(k, v)| (hex::encode(k), hex::encode(v).into()))
        .collect();
    Value::Object(map)
}
