//! The mining RPCs: templates for outside miners (BIP22/BIP23), taking their blocks back,
//! and mining on the node itself (`generatetoaddress` and friends, for regtest).
//!
//! References: Core `src/rpc/mining.cpp`; BIP22 (`getblocktemplate`, `submitblock`),
//! BIP23 (proposals), BIP9 ("rules").

use serde_json::{json, Map, Value};
use sou_chain::ChainError;
use sou_keys::Address;
use sou_miner::template::finish_block;
use sou_primitives::encoding::{deserialize, serialize};
use sou_primitives::pow::Work;
use sou_primitives::{Block, BlockHeader, Script, Transaction};
use sou_wallet::descriptor::{Descriptor, Error as DescriptorError};

use crate::node::{BlockVerdict, Node};
use crate::rpc::blockchain::target_hex;
use crate::rpc::dispatch::Shared;
use crate::rpc::format;
use crate::rpc::params::{self, get};
use crate::rpc::{codes, RpcError};

/// Core's `DEFAULT_MAX_TRIES` for the generate methods.
const DEFAULT_MAX_TRIES: u64 = 1_000_000;

fn internal(e: impl std::fmt::Display) -> RpcError {
    RpcError::new(codes::RPC_DATABASE_ERROR, e.to_string())
}

/// The script an address pays to, with Core's error for a bad one.
fn address_script(text: &str, shared: &Shared) -> Result<Script, RpcError> {
    Address::parse(text, shared.network)
        .map(|a| a.script_pubkey())
        .map_err(|_| RpcError::invalid_address_or_key("Error: Invalid address"))
}

/// The script a descriptor pays to (Core `getScriptFromDescriptor`): not ranged; of
/// `combo()`'s scripts, P2WPKH if it has four, else P2PKH.
fn descriptor_script(text: &str, shared: &Shared) -> Result<Script, RpcError> {
    let descriptor = Descriptor::parse(text, shared.network, false).map_err(|e| match e {
        // Core parses it, then refuses the several descriptors as a bad parameter.
        DescriptorError::Multipath => RpcError::invalid_parameter(e.to_string()),
        _ => RpcError::invalid_address_or_key(e.to_string()),
    })?;
    if descriptor.is_range() {
        return Err(RpcError::invalid_parameter(
            "Ranged descriptor not accepted. Maybe pass through deriveaddresses first?",
        ));
    }
    let scripts = descriptor
        .script_pubkeys_at(0)
        .map_err(|e| RpcError::invalid_address_or_key(e.to_string()))?;
    let chosen = match scripts.len() {
        4 => scripts.get(2),
        2 => scripts.get(1),
        _ => scripts.first(),
    };
    chosen.cloned().ok_or_else(|| {
        RpcError::invalid_address_or_key("Cannot derive script without private keys")
    })
}

fn max_tries(p: &[Value], index: usize) -> Result<u64, RpcError> {
    match get(p, index) {
        None => Ok(DEFAULT_MAX_TRIES),
        Some(v) => Ok(u64::try_from(params::int(v)?).unwrap_or(0)),
    }
}

/// Tells the live view that the node mined `block` on its tip with `attempts` nonces.
fn note_mined(shared: &Shared, node: &Node, block: &Block, attempts: u64) {
    let expected = Work::from_compact(block.header.bits).log2().exp2();
    let height = node.chain().height() + 1;
    shared
        .live
        .block_mined(height, block.block_hash(), attempts, expected);
}

/// Mines `count` blocks paying `payout` (Core `generateBlocks`).
fn generate(
    shared: &Shared,
    payout: &Script,
    count: i64,
    mut tries: u64,
) -> Result<Value, RpcError> {
    let mut hashes = Vec::new();
    for _ in 0..count.max(0) {
        if shared.is_stopping() {
            break;
        }
        // The node is locked block by block, as Core takes cs_main per block: other calls
        // are answered while a long generate runs.
        let mut node = shared.node();
        let candidates = node.mempool_candidates();
        let before = tries;
        let Some(block) = node
            .mine_block(payout, &candidates, &mut tries)
            .map_err(internal)?
        else {
            break;
        };
        let hash = block.block_hash();
        note_mined(shared, &node, &block, before - tries);
        match node.submit_block(block).map_err(internal)? {
            BlockVerdict::Accepted(_) => {}
            _ => {
                return Err(RpcError::new(
                    codes::RPC_INTERNAL_ERROR,
                    "ProcessNewBlock, block not accepted",
                ))
            }
        }
        shared.notify_tip(&node);
        hashes.push(Value::from(hash.to_string()));
    }
    Ok(Value::Array(hashes))
}

pub fn generatetoaddress(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let count = params::int32(&p[0])?;
    let payout = address_script(params::string(&p[1])?, shared)?;
    generate(shared, &payout, count, max_tries(p, 2)?)
}

pub fn generatetodescriptor(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let count = params::int32(&p[0])?;
    let payout = descriptor_script(params::string(&p[1])?, shared)?;
    generate(shared, &payout, count, max_tries(p, 2)?)
}

pub fn generateblock(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let output = params::string(&p[0])?;
    let payout = match address_script(output, shared) {
        Ok(script) => script,
        Err(_) => descriptor_script(output, shared).map_err(|_| {
            RpcError::invalid_address_or_key("Error: Invalid address or descriptor")
        })?,
    };
    let Some(entries) = p[1].as_array() else {
        return Err(RpcError::type_error("Expected type array"));
    };
    let mut txs: Vec<Transaction> = Vec::new();
    for entry in entries {
        let text = params::string(entry)?;
        if text.len() == 64 && hex::decode(text).is_ok() {
            // A txid: the transaction must come from the mempool, which sou does not
            // have yet.
            return Err(RpcError::invalid_address_or_key(format!(
                "Transaction {text} not in mempool."
            )));
        }
        let tx = hex::decode(text)
            .ok()
            .and_then(|bytes| deserialize::<Transaction>(&bytes).ok())
            .ok_or_else(|| {
                RpcError::deserialization(format!(
                    "Transaction decode failed for {text}. Make sure the tx has at least one input."
                ))
            })?;
        txs.push(tx);
    }
    let submit = match get(p, 2) {
        None => true,
        Some(v) => params::boolean(v)?,
    };
    let mut node = shared.node();
    // The template's coinbase claims the subsidy only: the given transactions' fees are
    // left to the miner, as in Core's generateblock.
    let mut template = node.template(&payout, &sou_miner::template::NoTransactions);
    template.block.txdata.extend(txs);
    finish_block(&mut template.block);
    match node.chain_mut().test_block_validity(&template.block, false) {
        Ok(()) => {}
        Err(ChainError::Invalid(e)) => {
            return Err(RpcError::new(
                codes::RPC_VERIFY_ERROR,
                format!("TestBlockValidity failed: {}, {e}", e.reject_reason()),
            ))
        }
        Err(e) => return Err(internal(e)),
    }
    let mut tries = DEFAULT_MAX_TRIES;
    let block = node
        .mine(template.block, &mut tries)
        .ok_or_else(|| RpcError::misc("Failed to make block."))?;
    let hash = block.block_hash();
    if submit {
        note_mined(shared, &node, &block, DEFAULT_MAX_TRIES - tries);
    }
    let mut result = Map::new();
    result.insert("hash".into(), hash.to_string().into());
    if submit {
        match node.submit_block(block).map_err(internal)? {
            BlockVerdict::Accepted(_) => {}
            _ => {
                return Err(RpcError::new(
                    codes::RPC_INTERNAL_ERROR,
                    "ProcessNewBlock, block not accepted",
                ))
            }
        }
        shared.notify_tip(&node);
    } else {
        result.insert("hex".into(), hex::encode(serialize(&block)).into());
    }
    Ok(Value::Object(result))
}

pub fn submitblock(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let bytes = params::hex_bytes(&p[0], "hexdata")
        .map_err(|_| RpcError::deserialization("Block decode failed"))?;
    let block: Block =
        deserialize(&bytes).map_err(|_| RpcError::deserialization("Block decode failed"))?;
    let hash = block.block_hash();
    let mut node = shared.node();
    let mut block = block;
    add_witness_nonce(&node, &mut block);
    if let Some(entry) = node.chain().entry(&hash) {
        if entry.is_failed() {
            return Ok("duplicate-invalid".into());
        }
        if entry.has_data {
            return Ok("duplicate".into());
        }
    }
    let verdict = node.submit_block(block).map_err(internal)?;
    shared.notify_tip(&node);
    Ok(match verdict {
        BlockVerdict::Duplicate => "duplicate".into(),
        BlockVerdict::Invalid(e) => e.reject_reason().into_owned().into(),
        BlockVerdict::Accepted(outcome) => {
            if let Some((_, e)) = outcome.invalid.iter().find(|(h, _)| *h == hash) {
                e.reject_reason().into_owned().into()
            } else if outcome.connected.contains(&hash) {
                Value::Null
            } else {
                "inconclusive".into()
            }
        }
    })
}

/// Core's `UpdateUncommittedBlockStructures`: a block committing to witnesses whose
/// coinbase lacks the witness reserved value gets the default one (32 zero bytes), which
/// miners may leave out; it changes no txid and so not the block's hash.
fn add_witness_nonce(node: &Node, block: &mut Block) {
    let Some(prev) = node.chain().entry(&block.header.prev_blockhash) else {
        return;
    };
    if prev.height + 1 < node.params().deployments.segwit_height {
        return;
    }
    if block.witness_commitment_index().is_none() {
        return;
    }
    let input = block.txdata.first_mut().and_then(|cb| cb.input.first_mut());
    if let Some(input) = input.filter(|i| i.witness.is_empty()) {
        input.witness = sou_primitives::Witness::from_items([[0u8; 32]]);
    }
}

pub fn submitheader(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let header: BlockHeader = params::hex_bytes(&p[0], "hexdata")
        .ok()
        .and_then(|bytes| deserialize(&bytes).ok())
        .ok_or_else(|| RpcError::deserialization("Block header decode failed"))?;
    let mut node = shared.node();
    if node.chain().entry(&header.prev_blockhash).is_none() {
        return Err(RpcError::new(
            codes::RPC_VERIFY_ERROR,
            format!(
                "Must submit previous header ({}) first",
                header.prev_blockhash
            ),
        ));
    }
    node.submit_header(&header)
        .map_err(|e| RpcError::new(codes::RPC_VERIFY_ERROR, e.reject_reason().into_owned()))?;
    Ok(Value::Null)
}

/// Core's `GetNetworkHashPS(120, -1)`: work done over the last 120 blocks per second of
/// the time they span.
fn network_hash_ps(node: &Node) -> f64 {
    let chain = node.chain();
    let height = chain.height();
    if height == 0 {
        return 0.0;
    }
    let lookup = 120u32.min(height);
    let active = chain.active_chain();
    let (Some(tip), Some(first)) = (
        chain.entry(&active[height as usize]),
        chain.entry(&active[(height - lookup) as usize]),
    ) else {
        return 0.0;
    };
    let times = (height - lookup..=height)
        .filter_map(|h| chain.entry(&active[h as usize]))
        .map(|e| i64::from(e.header.time));
    let (min, max) = times.fold((i64::MAX, i64::MIN), |(lo, hi), t| (lo.min(t), hi.max(t)));
    if min == max {
        return 0.0;
    }
    let work = u256_to_f64(tip.chain_work.to_u256()) - u256_to_f64(first.chain_work.to_u256());
    work / (max - min) as f64
}

fn u256_to_f64(value: sou_primitives::U256) -> f64 {
    value
        .to_be_bytes()
        .iter()
        .fold(0.0, |acc, byte| acc * 256.0 + f64::from(*byte))
}

pub fn getmininginfo(shared: &Shared, _: &[Value]) -> Result<Value, RpcError> {
    let node = shared.node();
    let chain = node.chain();
    let tip = chain.tip();
    let entry = chain.entry(&tip).ok_or_else(|| RpcError::misc("no tip"))?;
    let bits = entry.header.bits;
    let next = node.template(&Script::new(), &sou_miner::template::NoTransactions);
    let next_bits = next.block.header.bits;
    Ok(json!({
        "blocks": chain.height(),
        "bits": format!("{:08x}", bits.to_consensus()),
        "difficulty": format::double(format::difficulty(bits)),
        "target": target_hex(&node, bits),
        "networkhashps": format::double(network_hash_ps(&node)),
        "pooledtx": node.mempool().len(),
        "blockmintxfee": format::amount(sou_primitives::Amount::from_sat(1)),
        "chain": node.params().network.core_name(),
        "next": {
            "height": chain.height() + 1,
            "bits": format!("{:08x}", next_bits.to_consensus()),
            "difficulty": format::double(format::difficulty(next_bits)),
            "target": target_hex(&node, next_bits),
        },
        "warnings": [],
    }))
}

pub fn getblocktemplate(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let request = get(p, 0).cloned().unwrap_or_else(|| json!({}));
    let Some(request) = request.as_object() else {
        return Err(RpcError::type_error("Expected type object"));
    };
    let mode = match request.get("mode") {
        None | Some(Value::Null) => "template",
        Some(Value::String(m)) => m.as_str(),
        Some(_) => return Err(RpcError::invalid_parameter("Invalid mode")),
    };
    let mut node = shared.node();
    if mode == "proposal" {
        let data = request
            .get("data")
            .and_then(Value::as_str)
            .ok_or_else(|| RpcError::invalid_parameter("Missing data String key for proposal"))?;
        let block: Block = hex::decode(data)
            .ok()
            .and_then(|bytes| deserialize(&bytes).ok())
            .ok_or_else(|| RpcError::deserialization("Block decode failed"))?;
        let hash = block.block_hash();
        if let Some(entry) = node.chain().entry(&hash) {
            return Ok(if entry.is_failed() {
                "duplicate-invalid"
            } else if entry.has_data && entry.status == sou_chain::chainstate::BlockStatus::Valid {
                "duplicate"
            } else {
                "duplicate-inconclusive"
            }
            .into());
        }
        if block.header.prev_blockhash != node.chain().tip() {
            return Ok("inconclusive-not-best-prevblk".into());
        }
        return match node.chain_mut().test_block_validity(&block, false) {
            Ok(()) => Ok(Value::Null),
            Err(ChainError::Invalid(e)) => Ok(e.reject_reason().into_owned().into()),
            Err(e) => Err(internal(e)),
        };
    }
    if mode != "template" {
        return Err(RpcError::invalid_parameter("Invalid mode"));
    }
    let rules: Vec<String> = request
        .get("rules")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    if !rules.iter().any(|r| r == "segwit") {
        return Err(RpcError::invalid_parameter(
            "getblocktemplate must be called with the segwit rule set (call with {\"rules\": [\"segwit\"]})",
        ));
    }
    let candidates = node.mempool_candidates();
    let template = node.template(&Script::new(), &candidates);
    let tip = node.chain().tip();
    let block = &template.block;
    let coinbase_value = block.txdata[0].output[0].value;
    let commitment = block
        .witness_commitment_index()
        .map(|i| hex::encode(block.txdata[0].output[i].script_pubkey.as_bytes()));
    let mtp = node.median_time_past(&tip);
    // BIP9 "Getblocktemplate changes": deployments under way are offered in
    // `vbavailable` (name to bit), active ones join `rules`. A rule written with `!`
    // changes what a block may contain: its bit is left out of the default version for
    // a client that did not list it, and once active such a client is refused.
    let branch = node
        .chain()
        .branch(tip)
        .ok_or_else(|| RpcError::misc("no tip"))?;
    let gbt = sou_chain::versionbits::gbt_status(&branch, node.params());
    let rule_name = |d: sou_chain::versionbits::Deployment| {
        if d.gbt_optional_rule() {
            d.name().to_string()
        } else {
            format!("!{}", d.name())
        }
    };
    let client_knows = |d: sou_chain::versionbits::Deployment| rules.iter().any(|r| r == d.name());
    // The bits are masks of bit 28 or lower: the same pattern as an i32.
    let mask = |d: sou_chain::versionbits::Deployment| d.params(node.params()).mask() as i32;
    let mut version = block.header.version;
    let mut vbavailable = Map::new();
    for &d in &gbt.signalling {
        vbavailable.insert(rule_name(d), d.params(node.params()).bit.into());
        if !d.gbt_optional_rule() && !client_knows(d) {
            version &= !mask(d);
        }
    }
    for &d in &gbt.locked_in {
        version |= mask(d);
        vbavailable.insert(rule_name(d), d.params(node.params()).bit.into());
        if !d.gbt_optional_rule() && !client_knows(d) {
            version &= !mask(d);
        }
    }
    let mut block_rules = vec!["csv".to_string(), "!segwit".into(), "taproot".into()];
    for &d in &gbt.active {
        block_rules.push(rule_name(d));
        if !d.gbt_optional_rule() && !client_knows(d) {
            return Err(RpcError::invalid_parameter(format!(
                "Support for '{}' rule requires explicit client support",
                d.name()
            )));
        }
    }
    let mut r = Map::new();
    r.insert("capabilities".into(), json!(["proposal"]));
    r.insert("version".into(), version.into());
    r.insert("rules".into(), json!(block_rules));
    r.insert("vbavailable".into(), Value::Object(vbavailable));
    r.insert("vbrequired".into(), 0.into());
    r.insert("previousblockhash".into(), tip.to_string().into());
    r.insert("transactions".into(), template_transactions(&node, block));
    r.insert("coinbaseaux".into(), json!({}));
    r.insert("coinbasevalue".into(), coinbase_value.to_sat().into());
    r.insert(
        "longpollid".into(),
        format!("{tip}{}", node.transactions_updated()).into(),
    );
    r.insert("target".into(), target_hex(&node, block.header.bits).into());
    r.insert("mintime".into(), (mtp + 1).into());
    r.insert(
        "mutable".into(),
        json!(["time", "transactions", "prevblock"]),
    );
    r.insert("noncerange".into(), "00000000ffffffff".into());
    r.insert("sigoplimit".into(), 80_000.into());
    r.insert("sizelimit".into(), 4_000_000.into());
    r.insert("weightlimit".into(), 4_000_000.into());
    r.insert("curtime".into(), block.header.time.into());
    r.insert(
        "bits".into(),
        format!("{:08x}", block.header.bits.to_consensus()).into(),
    );
    r.insert("height".into(), template.height.into());
    if let Some(commitment) = commitment {
        r.insert("default_witness_commitment".into(), commitment.into());
    }
    Ok(Value::Object(r))
}

/// The template's transactions as `getblocktemplate` lists them (Core `TxToJSON` in
/// `getblocktemplate`): data, ids, the positions (from 1) of the parents in the list, fee,
/// sigop cost and weight.
fn template_transactions(node: &Node, block: &sou_primitives::Block) -> Value {
    let pool = node.mempool();
    let positions: std::collections::HashMap<sou_primitives::Txid, usize> = block
        .txdata
        .iter()
        .enumerate()
        .skip(1)
        .map(|(i, tx)| (tx.compute_txid(), i))
        .collect();
    let list: Vec<Value> = block
        .txdata
        .iter()
        .skip(1)
        .map(|tx| {
            let txid = tx.compute_txid();
            let mut depends: Vec<usize> = tx
                .input
                .iter()
                .filter_map(|i| positions.get(&i.previous_output.txid).copied())
                .collect();
            depends.sort_unstable();
            depends.dedup();
            let entry = pool.get(&txid);
            json!({
                "data": hex::encode(sou_primitives::encoding::serialize(tx)),
                "txid": txid.to_string(),
                "hash": tx.compute_wtxid().to_string(),
                "depends": depends,
                "fee": entry.map_or(0, |e| e.fee.to_sat()),
                "sigops": entry.map_or(0, |e| e.sigop_cost),
                "weight": tx.weight().to_wu(),
            })
        })
        .collect();
    Value::Array(list)
}
