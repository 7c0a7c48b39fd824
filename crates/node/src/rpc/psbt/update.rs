//! `utxoupdatepsbt`: what the chain and the caller's descriptors know, added to a PSBT.
//!
//! Core's `ProcessPSBT` without keys: each input that has no non-witness UTXO gets the
//! output it spends from the UTXO set when that output is segwit (a legacy input needs the
//! whole previous transaction, which only `-txindex` or the mempool could give); then
//! every input that is not final is run through the keyless signer (`solve`), which adds
//! the scripts and key origins the descriptors know, and so is every output. Last, whole
//! previous transactions are dropped if no input needs one.
//!
//! References: Core `utxoupdatepsbt`, `ProcessPSBT` (src/rpc/rawtransaction.cpp),
//! `EvalDescriptorStringOrObject` (src/rpc/util.cpp), `RemoveUnnecessaryTransactions`,
//! `UpdatePSBTOutput` (src/psbt.cpp).

use serde_json::Value;
use sou_chain::CoinsStore;
use sou_keys::bip32::Fingerprint;
use sou_primitives::hashes::hash160;
use sou_primitives::{OutPoint, Script, Transaction, TxOut, Txid};
use sou_wallet::descriptor::{Descriptor, DescriptorKey};
use sou_wallet::psbt::{KeySource, Psbt};

use super::solve::{self, Creator, Outcome, Provider};
use crate::rpc::dispatch::Shared;
use crate::rpc::params::{self, get};
use crate::rpc::{output_script, RpcError};

// ---- Where the spent outputs come from: the only places that reach the node.

/// The whole transaction `txid`, for an input that spends one of its outputs (Core
/// `ProcessPSBT`): from `-txindex` when it is on, then from the pool; what is found becomes
/// the input's non-witness UTXO.
fn transaction_for_psbt(shared: &Shared, txid: &Txid) -> Option<Transaction> {
    let mut node = shared.node();
    if node.txindex() {
        let indexed = node
            .chain()
            .store()
            .indexed_transaction(txid)
            .ok()
            .flatten();
        if let Some(block_hash) = indexed {
            let block = node.chain_mut().block(&block_hash).ok().flatten();
            let found =
                block.and_then(|b| b.txdata.into_iter().find(|tx| tx.compute_txid() == *txid));
            if found.is_some() {
                return found;
            }
        }
    }
    node.mempool()
        .get(txid)
        .map(|entry| entry.tx.as_ref().clone())
}

/// The coin `outpoint` names, for an input whose transaction was not found whole (Core
/// `FindCoins`, through the pool's view of the coins): an output of a pool transaction,
/// else the active chain's UTXO set as `gettxout` reads it (whether a pool transaction
/// spends it is not asked, as in Core).
fn coin_for_psbt(shared: &Shared, outpoint: &OutPoint) -> Option<TxOut> {
    let mut node = shared.node();
    if let Some(output) = node.mempool().output(outpoint) {
        return Some(output.clone());
    }
    let coin = node.chain_mut().store_mut().coin(outpoint).ok().flatten();
    coin.map(|coin| coin.output)
}

/// Core `IsSegWitOutput`: a witness program, or a P2SH whose redeem script, known to the
/// provider, is one.
fn is_segwit_output(provider: &Provider, script: &Script) -> bool {
    if script.witness_program().is_some() {
        return true;
    }
    if script.is_p2sh() {
        let hash = &script.as_bytes()[2..22];
        return provider
            .scripts
            .iter()
            .any(|s| hash160(s.as_bytes())[..] == *hash && s.witness_program().is_some());
    }
    false
}

/// What the descriptors of `utxoupdatepsbt` tell (Core `EvalDescriptorStringOrObject`):
/// the redeem and witness scripts of `sh()` and `wsh()`, public keys with their origins,
/// and the internal key of `tr(KEY)`, at every index of the range.
///
/// Not yet as Core: the origins of keys derived from an extended key (the library does
/// not expose the derivation steps after the `xpub`), and `tr()` script trees.
fn provider_from(shared: &Shared, value: Option<&Value>) -> Result<Provider, RpcError> {
    let mut provider = Provider::default();
    let Some(list) = value.and_then(Value::as_array) else {
        return Ok(provider);
    };
    for item in list {
        let (text, range) = match item {
            Value::String(s) => (s.as_str(), None),
            Value::Object(o) => {
                let desc = o.get("desc").filter(|d| !d.is_null()).ok_or_else(|| {
                    RpcError::invalid_parameter("Descriptor needs to be provided in scan object")
                })?;
                (
                    params::string(desc)?,
                    o.get("range").filter(|r| !r.is_null()),
                )
            }
            _ => {
                return Err(RpcError::invalid_parameter(
                    "Scan object needs to be either a string or an object",
                ))
            }
        };
        let (mut begin, mut end) = (0u32, 1000u32);
        if let Some(range) = range {
            (begin, end) = output_script::descriptor_range(range)?;
        }
        let all = Descriptor::parse_multipath(text, shared.network, false)
            .map_err(|e| RpcError::invalid_address_or_key(e.to_string()))?;
        if !all.first().is_some_and(Descriptor::is_range) {
            (begin, end) = (0, 0);
        }
        let cannot_derive = || {
            RpcError::invalid_address_or_key(format!(
                "Cannot derive script without private keys: '{text}'"
            ))
        };
        for index in begin..=end {
            for descriptor in &all {
                let derived = descriptor.derive(index).map_err(|_| cannot_derive())?;
                collect_scripts(&derived, &mut provider);
                if let Descriptor::Tr { key, tree } = descriptor {
                    // Core keeps a taproot key as the even point of its x coordinate.
                    let bytes = key.public_key_at(index).map_err(|_| cannot_derive())?;
                    let Some(x) = bytes.get(1..33) else {
                        continue;
                    };
                    let even = [&[0x02], x].concat();
                    if let Some(source) = constant_key_origin(key, &even) {
                        provider.keys.push((even, source));
                    }
                    let output = descriptor
                        .script_pubkeys_at(index)
                        .map_err(|_| cannot_derive())?;
                    let program = output.first().and_then(|o| o.as_bytes().get(2..34));
                    if let (None, Some(program)) = (tree, program) {
                        provider.taproot.push((
                            program.try_into().unwrap_or_default(),
                            x.try_into().unwrap_or_default(),
                        ));
                    }
                    continue;
                }
                for key in descriptor.keys() {
                    let pubkey = key.public_key_at(index).map_err(|_| cannot_derive())?;
                    if let Some(source) = constant_key_origin(key, &pubkey) {
                        provider.keys.push((pubkey, source));
                    }
                }
            }
        }
    }
    Ok(provider)
}

/// The origin Core gives a key written as a public key (`ConstPubkeyProvider`, perhaps
/// inside `OriginPubkeyProvider`): the origin written before it, or else the key's own
/// hash160 as fingerprint and an empty path. `None` for a key derived from an extended
/// key, whose derivation steps the library does not expose.
fn constant_key_origin(key: &DescriptorKey, pubkey: &[u8]) -> Option<KeySource> {
    let text = key.to_string();
    let bare = text.rsplit(']').next().unwrap_or_default();
    if ["xpub", "tpub", "xprv", "tprv"]
        .iter()
        .any(|p| bare.starts_with(p))
    {
        return None;
    }
    Some(match key.origin() {
        Some(origin) => KeySource {
            fingerprint: origin.fingerprint,
            path: origin.path.clone().into(),
        },
        None => {
            let id = hash160(pubkey);
            KeySource {
                fingerprint: Fingerprint([id[0], id[1], id[2], id[3]]),
                path: Vec::new().into(),
            }
        }
    })
}

/// The inner scripts of `sh()` and `wsh()`, at every level.
fn collect_scripts(descriptor: &Descriptor, provider: &mut Provider) {
    if let Descriptor::Sh(inner) | Descriptor::Wsh(inner) = descriptor {
        if let Ok(scripts) = inner.script_pubkeys_at(0) {
            provider.scripts.extend(scripts);
        }
        collect_scripts(inner, provider);
    }
}

/// `utxoupdatepsbt "psbt" ( descriptors )`: Core's `ProcessPSBT` without signing.
pub fn utxoupdatepsbt(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let provider = provider_from(shared, get(p, 1))?;
    let mut psbt = super::parse(&p[0])?;
    for index in 0..psbt.inputs.len() {
        if psbt.inputs[index].non_witness_utxo.is_some() {
            continue;
        }
        let outpoint = psbt.unsigned_tx.input[index].previous_output;
        if let Some(tx) = transaction_for_psbt(shared, &outpoint.txid) {
            psbt.inputs[index].non_witness_utxo = Some(tx);
        } else if let Some(coin) = coin_for_psbt(shared, &outpoint) {
            if is_segwit_output(&provider, &coin.script_pubkey) {
                psbt.inputs[index].witness_utxo = Some(coin);
            }
        }
    }
    let txdata = solve::precompute(&psbt);
    for index in 0..psbt.inputs.len() {
        let input = &psbt.inputs[index];
        if input
            .final_script_sig
            .as_ref()
            .is_some_and(|s| !s.is_empty())
            || input
                .final_script_witness
                .as_ref()
                .is_some_and(|w| !w.is_empty())
        {
            continue;
        }
        let outcome = solve::sign_input(
            &mut psbt,
            index,
            &provider,
            &Creator::Existing(&txdata),
            None,
            false,
            None,
        );
        if outcome == Outcome::SighashMismatch {
            return Err(RpcError::deserialization(
                "Specified sighash value does not match value stored in PSBT",
            ));
        }
    }
    for index in 0..psbt.outputs.len() {
        solve::update_output(&mut psbt, index, &provider, &txdata);
    }
    remove_unnecessary_transactions(&mut psbt);
    Ok(psbt.to_base64().into())
}

/// Core `RemoveUnnecessaryTransactions`: when every input spends a segwit v1+ output
/// (known from its witness UTXO) without ANYONECANPAY, the whole previous transactions are
/// not needed: BIP341 signatures commit to every spent amount.
fn remove_unnecessary_transactions(psbt: &mut Psbt) {
    let droppable = psbt.inputs.iter().all(|input| {
        let v1_plus = input
            .witness_utxo
            .as_ref()
            .and_then(|u| u.script_pubkey.witness_program())
            .is_some_and(|(version, _)| version != 0);
        let anyone_can_pay = input
            .sighash_type
            .is_some_and(|t| t.to_u32() & 0x80 == 0x80);
        v1_plus && !anyone_can_pay
    });
    if droppable {
        for input in &mut psbt.inputs {
            input.non_witness_utxo = None;
        }
    }
}
