//! `analyzepsbt`: how far a PSBT is from a transaction, input by input.
//!
//! Core's `AnalyzePSBT`: each input has its spent output or not, is final (its scripts
//! verify) or not, and else lacks something the keyless signer (`solve`) reports: public
//! keys, a redeem or witness script, signatures. The next role is the earliest any input
//! needs. When every spent output is known, the fee is shown, and the size the transaction
//! will have once signed, from a run with dummy signatures.
//!
//! References: Core `analyzepsbt` (src/rpc/rawtransaction.cpp), `AnalyzePSBT`
//! (src/node/psbt.cpp), `PSBTRoleName` (src/psbt.cpp), `GetVirtualTransactionSize`
//! (src/policy/policy.cpp).

use serde_json::{json, Map, Value};
use sou_chain::consensus::transaction_sigop_cost;
use sou_primitives::{Amount, TxOut};
use sou_script::VerifyFlags;
use sou_wallet::psbt::Psbt;

use super::solve::{self, Creator, Missing, Outcome, Provider};
use super::{decode, extract};
use crate::rpc::dispatch::Shared;
use crate::rpc::format;
use crate::rpc::RpcError;

/// `analyzepsbt "psbt"`: Core's `AnalyzePSBT`.
pub fn analyzepsbt(_: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let mut psbt = super::parse(&p[0])?;
    let txdata = solve::precompute(&psbt);
    let mut total_in = Some(Amount::ZERO);
    let mut calc_fee = true;
    let mut inputs = Vec::with_capacity(psbt.inputs.len());
    let mut next_all = Role::Extractor;
    for index in 0..psbt.inputs.len() {
        let mut entry = Map::new();
        let utxo = solve::utxo(&psbt, index);
        let has_utxo = utxo.is_some();
        let mut next = Role::Extractor;
        let mut is_final = false;
        let mut missing = Missing::default();
        match &utxo {
            Some(out) => {
                total_in = decode::money_sum(total_in, Some(out.value));
                if total_in.is_none() {
                    return Ok(invalid(format!(
                        "PSBT is not valid. Input {index} has invalid value"
                    )));
                }
                if out.script_pubkey.is_unspendable() {
                    return Ok(invalid(format!(
                        "PSBT is not valid. Input {index} spends unspendable output"
                    )));
                }
            }
            None => {
                next = Role::Updater;
                calc_fee = false;
            }
        }
        if !solve::signed_and_verified(&psbt, index, Some(&txdata)) {
            let outcome = solve::sign_input(
                &mut psbt,
                index,
                &Provider::default(),
                &Creator::Existing(&txdata),
                None,
                true,
                Some(&mut missing),
            );
            next = if outcome == Outcome::Ok {
                Role::Finalizer
            } else if missing.pubkeys.is_empty()
                && missing.redeem_script.is_none()
                && missing.witness_script.is_none()
                && !missing.sigs.is_empty()
            {
                Role::Signer
            } else {
                Role::Updater
            };
            if outcome == Outcome::Ok {
                missing = Missing::default();
            }
        } else if has_utxo {
            is_final = true;
        }
        entry.insert("has_utxo".into(), has_utxo.into());
        entry.insert("is_final".into(), is_final.into());
        entry.insert("next".into(), next.name().into());
        let missing_json = missing_to_json(&missing);
        if !missing_json.is_empty() {
            entry.insert("missing".into(), Value::Object(missing_json));
        }
        next_all = next_all.min(next);
        inputs.push(Value::Object(entry));
    }
    let mut result = Map::new();
    if !inputs.is_empty() {
        result.insert("inputs".into(), Value::Array(inputs));
    }
    if calc_fee {
        let total_out = psbt
            .unsigned_tx
            .output
            .iter()
            .try_fold(Amount::ZERO, |sum, o| {
                decode::money_sum(Some(sum), Some(o.value))
            });
        let (Some(total_in), Some(total_out)) = (total_in, total_out) else {
            return Ok(invalid("PSBT is not valid. Output amount invalid".into()));
        };
        let fee = Amount::from_sat(total_in.to_sat() - total_out.to_sat());
        if let Some(vsize) = estimate_vsize(&mut psbt) {
            result.insert("estimated_vsize".into(), vsize.into());
            // Core `CFeeRate(fee, size).GetFeePerK()`: satoshis per 1000 vbytes, rounded
            // down (toward minus infinity for a negative fee).
            let size = i64::try_from(vsize).unwrap_or(i64::MAX).max(1);
            let per_k = fee.to_sat().saturating_mul(1000).div_euclid(size);
            result.insert(
                "estimated_feerate".into(),
                format::amount(Amount::from_sat(per_k)),
            );
        }
        result.insert("fee".into(), format::amount(fee));
    }
    result.insert("next".into(), next_all.name().into());
    Ok(Value::Object(result))
}

/// The size of the transaction once signed: every input finalized, with dummy
/// signatures where the PSBT has none (Core's estimate in `AnalyzePSBT`).
fn estimate_vsize(psbt: &mut Psbt) -> Option<u64> {
    for index in 0..psbt.inputs.len() {
        let outcome = solve::sign_input(
            psbt,
            index,
            &Provider::default(),
            &Creator::Dummy,
            None,
            true,
            None,
        );
        if outcome != Outcome::Ok {
            return None;
        }
    }
    let tx = extract(psbt);
    let spent: Option<Vec<TxOut>> = (0..psbt.inputs.len())
        .map(|i| solve::utxo(psbt, i))
        .collect();
    let spent = spent?;
    let spent: Vec<&TxOut> = spent.iter().collect();
    let sigop_cost = transaction_sigop_cost(&tx, &spent, VerifyFlags::STANDARD);
    // Core `GetVirtualTransactionSize`: the weight, or 20 per unit of signature operation
    // cost if that is more (`-bytespersigop`), in virtual bytes rounded up.
    const BYTES_PER_SIGOP: u64 = 20;
    let weight = tx.weight().to_wu().max(sigop_cost * BYTES_PER_SIGOP);
    Some(weight.div_ceil(4))
}

/// An `analyzepsbt` answer for a PSBT it finds invalid (Core `PSBTAnalysis::SetInvalid`).
fn invalid(error: String) -> Value {
    json!({"next": Role::Creator.name(), "error": error})
}

fn missing_to_json(missing: &Missing) -> Map<String, Value> {
    let mut m = Map::new();
    let ids = |list: &[[u8; 20]]| -> Value {
        list.iter().map(|id| Value::from(hex::encode(id))).collect()
    };
    if !missing.pubkeys.is_empty() {
        m.insert("pubkeys".into(), ids(&missing.pubkeys));
    }
    if let Some(h) = missing.redeem_script {
        m.insert("redeemscript".into(), hex::encode(h).into());
    }
    if let Some(h) = missing.witness_script {
        m.insert("witnessscript".into(), hex::encode(h).into());
    }
    if !missing.sigs.is_empty() {
        m.insert("signatures".into(), ids(&missing.sigs));
    }
    m
}

/// BIP174's roles, in the order a PSBT meets them (Core `PSBTRole`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Role {
    Creator,
    Updater,
    Signer,
    Finalizer,
    Extractor,
}

impl Role {
    fn name(self) -> &'static str {
        match self {
            Role::Creator => "creator",
            Role::Updater => "updater",
            Role::Signer => "signer",
            Role::Finalizer => "finalizer",
            Role::Extractor => "extractor",
        }
    }
}
