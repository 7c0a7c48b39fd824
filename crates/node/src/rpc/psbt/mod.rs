//! The PSBT RPCs that need no wallet: creating (`createpsbt`, `converttopsbt`), reading
//! (`decodepsbt`, `analyzepsbt`), updating from the chain (`utxoupdatepsbt`), combining
//! (`combinepsbt`, `joinpsbts`) and finalizing (`finalizepsbt`) a partially signed
//! transaction (BIP174), answering as bitcoind does.
//!
//! A PSBT travels as Base64 text. Every handler parses it with [`Psbt::deserialize`]
//! (errors: `TX decode failed <Core's reason>`, code -22), calls the library's role, and
//! writes the result back as Base64. What "signing without keys" decides (whether an
//! input can be finalized, what it lacks) is `solve`, Core's `SignPSBTInput`.
//!
//! | file | what it holds |
//! | --- | --- |
//! | `mod.rs` | parsing; `createpsbt`, `converttopsbt`, `decodepsbt`, `combinepsbt`, `joinpsbts`, `finalizepsbt` |
//! | `decode.rs` | `decodepsbt`'s JSON |
//! | `errors.rs` | Core's words for a PSBT that does not parse |
//! | `solve.rs` | the keyless signer: final scripts, what an input lacks |
//! | `analyze.rs` | `analyzepsbt` |
//! | `update.rs` | `utxoupdatepsbt`, and the one place that looks up coins |
//!
//! PSBT version 2 (BIP370): `createpsbt` and `converttopsbt` write it, as Core does by
//! default, but the library reads version 0 only, so the other methods refuse a version 2
//! PSBT where Core reads it.
//!
//! References: Core `src/rpc/rawtransaction.cpp` (`decodepsbt` .. `analyzepsbt`,
//! `ProcessPSBT`), `src/node/psbt.cpp` (`AnalyzePSBT`), `src/psbt.cpp`.

mod analyze;
mod decode;
mod errors;
mod solve;
mod update;

use serde_json::{Map, Value};
use sou_primitives::Transaction;
use sou_wallet::psbt::{base64, version_2_creator_bytes, Psbt};

use crate::rpc::dispatch::Shared;
use crate::rpc::params::{self, get};
use crate::rpc::{rawtransaction, RpcError};

pub use analyze::analyzepsbt;
use solve::{Creator, Outcome, Provider};
pub use update::utxoupdatepsbt;

/// Core `DecodeBase64PSBT`, with its errors.
fn parse(value: &Value) -> Result<Psbt, RpcError> {
    let text = params::string(value)?;
    let failed = |reason: String| RpcError::deserialization(format!("TX decode failed {reason}"));
    let bytes = base64::decode(text).ok_or_else(|| failed("invalid base64".into()))?;
    Psbt::deserialize(&bytes).map_err(|e| failed(errors::core_reason(&bytes, &e)))
}

/// `decodepsbt "psbt"`.
pub fn decodepsbt(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let psbt = parse(&p[0])?;
    decode::psbt_to_json(&psbt, shared.network)
}

/// The base64 strings of `txs`, each a PSBT.
fn parse_list(value: &Value) -> Result<Vec<Psbt>, RpcError> {
    let list = value.as_array().cloned().unwrap_or_default();
    list.iter().map(parse).collect()
}

/// `combinepsbt ["psbt",...]`: Core's `CombinePSBTs`.
pub fn combinepsbt(_: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    if p[0].as_array().is_some_and(Vec::is_empty) {
        return Err(RpcError::invalid_parameter(
            "Parameter 'txs' cannot be empty",
        ));
    }
    let mut all = parse_list(&p[0])?.into_iter();
    let mut merged = all.next().ok_or_else(|| RpcError::misc("no PSBT"))?;
    for other in all {
        merged.combine(other).map_err(|_| {
            RpcError::invalid_parameter("PSBTs not compatible (different transactions)")
        })?;
    }
    Ok(merged.to_base64().into())
}

/// Core `FinalizePSBT`: finalizes every input it can; true if all are.
fn finalize_all(psbt: &mut Psbt) -> bool {
    let txdata = solve::precompute(psbt);
    let mut complete = true;
    for index in 0..psbt.inputs.len() {
        let sighash = psbt.inputs[index].sighash_type.map(|t| t.to_u32());
        let outcome = solve::sign_input(
            psbt,
            index,
            &Provider::default(),
            &Creator::Existing(&txdata),
            sighash,
            true,
            None,
        );
        complete &= outcome == Outcome::Ok;
    }
    complete
}

/// The network transaction of a PSBT whose inputs are all complete (Core's extraction in
/// `FinalizeAndExtractPSBT`): each input's final scripts, even none, where
/// [`Psbt::extract_tx`] wants a final field: an output that needs no script (`OP_TRUE`)
/// is complete with an empty scriptSig and witness.
fn extract(psbt: &Psbt) -> Transaction {
    let mut tx = psbt.unsigned_tx.clone();
    for (txin, input) in tx.input.iter_mut().zip(&psbt.inputs) {
        txin.script_sig = input.final_script_sig.clone().unwrap_or_default();
        txin.witness = input.final_script_witness.clone().unwrap_or_default();
    }
    tx
}

/// `finalizepsbt "psbt" ( extract )`.
pub fn finalizepsbt(_: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let mut psbt = parse(&p[0])?;
    let extract_tx = match get(p, 1) {
        None => true,
        Some(v) => params::boolean(v)?,
    };
    let complete = finalize_all(&mut psbt);
    let mut result = Map::new();
    if complete && extract_tx {
        let bytes = sou_primitives::encoding::serialize(&extract(&psbt));
        result.insert("hex".into(), hex::encode(bytes).into());
    } else {
        result.insert("psbt".into(), psbt.to_base64().into());
    }
    result.insert("complete".into(), complete.into());
    Ok(Value::Object(result))
}

/// The PSBT version a `psbt_version` parameter asks for: 2 by default, else 0 or 2.
fn psbt_version(value: Option<&Value>) -> Result<u32, RpcError> {
    let version = match value {
        None => 2,
        Some(v) => params::uint32(v)?,
    };
    if version != 0 && version != 2 {
        return Err(RpcError::invalid_parameter(
            "The PSBT version can only be 2 or 0",
        ));
    }
    Ok(version)
}

/// A new PSBT of `version` for `tx`, as Base64.
fn create(tx: Transaction, version: u32) -> Value {
    if version == 2 {
        base64::encode(&version_2_creator_bytes(&tx)).into()
    } else {
        Psbt::from_unsigned_tx(tx).to_base64().into()
    }
}

/// `createpsbt inputs outputs ( locktime replaceable version psbt_version )`: the
/// transaction `createrawtransaction` builds, as a new PSBT.
pub fn createpsbt(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    // Core reads the transaction version as a `uint32_t` before building anything.
    if let Some(version) = get(p, 4) {
        params::uint32(version)?;
    }
    let raw = rawtransaction::createrawtransaction(shared, &p[..p.len().min(5)])?;
    let bytes =
        hex::decode(raw.as_str().unwrap_or_default()).map_err(|e| RpcError::misc(e.to_string()))?;
    // Written without witness, as it has none: read it so, for a transaction without
    // inputs would read otherwise.
    let tx = rawtransaction::decode_tx(&bytes, false, true)
        .ok_or_else(|| RpcError::misc("createrawtransaction wrote no transaction"))?;
    let version = psbt_version(get(p, 5))?;
    Ok(create(tx, version))
}

/// `converttopsbt "hexstring" ( permitsigdata iswitness psbt_version )`.
pub fn converttopsbt(_: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let text = params::string(&p[0])?;
    let permit_sig_data = match get(p, 1) {
        None => false,
        Some(v) => params::boolean(v)?,
    };
    let (try_witness, try_no_witness) = match get(p, 2) {
        None => (true, true),
        Some(v) => {
            let witness = params::boolean(v)?;
            (witness, !witness)
        }
    };
    let mut tx = hex::decode(text)
        .ok()
        .and_then(|bytes| rawtransaction::decode_tx(&bytes, try_witness, try_no_witness))
        .ok_or_else(|| RpcError::deserialization("TX decode failed"))?;
    for input in &mut tx.input {
        if (!input.script_sig.is_empty() || !input.witness.is_empty()) && !permit_sig_data {
            return Err(RpcError::deserialization(
                "Inputs must not have scriptSigs and scriptWitnesses",
            ));
        }
        input.script_sig = Default::default();
        input.witness = Default::default();
    }
    let version = psbt_version(get(p, 3))?;
    Ok(create(tx, version))
}

/// `joinpsbts ["psbt",...]`: the inputs and outputs of several PSBTs in one, shuffled.
pub fn joinpsbts(_: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let list = p[0].as_array().cloned().unwrap_or_default();
    if list.len() <= 1 {
        return Err(RpcError::invalid_parameter(
            "At least two PSBTs are required to join PSBTs.",
        ));
    }
    let all = parse_list(&p[0])?;
    let best_version = all.iter().map(|p| p.unsigned_tx.version).fold(1, u32::max);
    let best_lock_time = all
        .iter()
        .map(|p| p.unsigned_tx.lock_time)
        .fold(u32::MAX, u32::min);
    let mut inputs = Vec::new();
    let mut outputs = Vec::new();
    let mut joined = Psbt::from_unsigned_tx(Transaction {
        version: best_version,
        input: Vec::new(),
        output: Vec::new(),
        lock_time: best_lock_time,
    });
    for psbt in all {
        for (txin, mut input) in psbt.unsigned_tx.input.into_iter().zip(psbt.inputs) {
            if inputs
                .iter()
                .any(|(t, _): &(sou_primitives::TxIn, _)| t.previous_output == txin.previous_output)
            {
                return Err(RpcError::invalid_parameter(format!(
                    "Input {}:{} exists in multiple PSBTs",
                    txin.previous_output.txid, txin.previous_output.vout
                )));
            }
            input.partial_sigs.clear();
            input.final_script_sig = None;
            input.final_script_witness = None;
            inputs.push((txin, input));
        }
        outputs.extend(psbt.unsigned_tx.output.into_iter().zip(psbt.outputs));
        // Core keeps the unknown global records of the PSBTs joined, the first of each
        // key, but neither their extended keys nor their proprietary records: it merges
        // them into a PSBT it then does not write.
        for (k, v) in psbt.unknown {
            if k.first() != Some(&0xfc) {
                joined.unknown.entry(k).or_insert(v);
            }
        }
    }
    let mut rng = sou_wallet::Rng::from_os().map_err(|e| RpcError::misc(e.to_string()))?;
    rng.shuffle(&mut inputs);
    rng.shuffle(&mut outputs);
    for (txin, input) in inputs {
        joined.unsigned_tx.input.push(txin);
        joined.inputs.push(input);
    }
    for (txout, output) in outputs {
        joined.unsigned_tx.output.push(txout);
        joined.outputs.push(output);
    }
    Ok(joined.to_base64().into())
}
