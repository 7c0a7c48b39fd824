//! The blockchain RPCs: reading the block tree, the active chain and the coins, and moving
//! the tip by hand (`invalidateblock`, `reconsiderblock`, `preciousblock`).
//!
//! References: Core `src/rpc/blockchain.cpp`.

use serde_json::{json, Map, Value};
use sou_chain::chainstate::{BlockEntry, BlockStatus};
use sou_chain::coinstats::UtxoStats;
use sou_chain::consensus::block_script_flags;
use sou_chain::CoinsStore;
use sou_primitives::{BlockHash, OutPoint, Target};

use crate::node::Node;
use crate::rpc::dispatch::Shared;
use crate::rpc::format::{self, BlockContext};
use crate::rpc::params::{self, get};
use crate::rpc::{codes, RpcError};

/// Core's `RPC_MISC_ERROR` for failures of the node itself (disk).
fn internal(e: impl std::fmt::Display) -> RpcError {
    RpcError::new(codes::RPC_DATABASE_ERROR, e.to_string())
}

fn not_found() -> RpcError {
    RpcError::invalid_address_or_key("Block not found")
}

/// The fields of a block's index entry that RPCs show.
pub fn block_context(node: &Node, hash: &BlockHash, entry: &BlockEntry) -> BlockContext {
    let chain = node.chain();
    let active = chain.is_active(hash);
    let tip_height = chain.height();
    BlockContext {
        height: entry.height,
        confirmations: if active {
            i64::from(tip_height) - i64::from(entry.height) + 1
        } else {
            -1
        },
        median_time: node.median_time_past(hash),
        chain_work: entry.chain_work,
        n_tx: u64::from(entry.tx_count),
        next: if active {
            chain.active_chain().get(entry.height as usize + 1).copied()
        } else {
            None
        },
    }
}

/// The target a header's bits encode, as Core's `GetTarget` shows it.
pub fn target_hex(node: &Node, bits: sou_primitives::CompactTarget) -> String {
    let target = Target::from_compact(bits, node.params().pow_limit)
        .map(|t| t.to_u256())
        .unwrap_or_default();
    hex::encode(target.to_be_bytes())
}

pub fn getblockcount(shared: &Shared, _: &[Value]) -> Result<Value, RpcError> {
    Ok(shared.node().chain().height().into())
}

pub fn getbestblockhash(shared: &Shared, _: &[Value]) -> Result<Value, RpcError> {
    Ok(shared.node().chain().tip().to_string().into())
}

pub fn getblockhash(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let height = params::int32(&p[0])?;
    let node = shared.node();
    let hash = usize::try_from(height)
        .ok()
        .and_then(|h| node.chain().active_chain().get(h))
        .ok_or_else(|| RpcError::invalid_parameter("Block height out of range"))?;
    Ok(hash.to_string().into())
}

pub fn getdifficulty(shared: &Shared, _: &[Value]) -> Result<Value, RpcError> {
    let node = shared.node();
    let tip = node.chain().tip();
    let bits = node
        .chain()
        .entry(&tip)
        .map(|e| e.header.bits)
        .ok_or_else(not_found)?;
    Ok(format::double(format::difficulty(bits)))
}

pub fn getblockheader(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let hash = params::block_hash(&p[0], "hash")?;
    let verbose = match get(p, 1) {
        None => true,
        Some(v) => params::boolean(v)?,
    };
    let node = shared.node();
    let entry = node.chain().entry(&hash).ok_or_else(not_found)?;
    if !verbose {
        return Ok(hex::encode(sou_primitives::encoding::serialize(&entry.header)).into());
    }
    Ok(format::header(
        &entry.header,
        &block_context(&node, &hash, entry),
    ))
}

pub fn getblock(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let hash = params::block_hash(&p[0], "blockhash")?;
    let verbosity = params::verbosity(get(p, 1), 1, true)?;
    let mut node = shared.node();
    let entry = node.chain().entry(&hash).cloned().ok_or_else(not_found)?;
    if !entry.has_data {
        return Err(RpcError::misc("Block not available (not fully downloaded)"));
    }
    let block = node
        .chain_mut()
        .block(&hash)
        .map_err(internal)?
        .ok_or_else(|| RpcError::misc("Block not found on disk"))?;
    let verbosity = u8::try_from(verbosity.clamp(0, 3)).unwrap_or(3);
    // Undo data exists for blocks connected once (fees and prevouts at verbosity 2 and 3).
    let undo = if verbosity >= 2 && entry.status == BlockStatus::Valid && entry.height > 0 {
        node.chain_mut().undo(&hash).map_err(internal)?
    } else {
        None
    };
    let context = block_context(&node, &hash, &entry);
    format::block(&block, &context, verbosity, undo.as_ref(), shared.network)
}

pub fn getblockchaininfo(shared: &Shared, _: &[Value]) -> Result<Value, RpcError> {
    let mut node = shared.node();
    let tip = node.chain().tip();
    let progress = node.verification_progress(&tip);
    let chain = node.chain();
    let tip = chain.tip();
    let entry = chain.entry(&tip).ok_or_else(not_found)?;
    let mut r = Map::new();
    r.insert("chain".into(), node.params().network.core_name().into());
    r.insert("blocks".into(), chain.height().into());
    r.insert("headers".into(), node.best_header().1.into());
    r.insert("bestblockhash".into(), tip.to_string().into());
    r.insert(
        "bits".into(),
        format!("{:08x}", entry.header.bits.to_consensus()).into(),
    );
    r.insert("target".into(), target_hex(&node, entry.header.bits).into());
    r.insert(
        "difficulty".into(),
        format::double(format::difficulty(entry.header.bits)),
    );
    r.insert("time".into(), entry.header.time.into());
    r.insert("mediantime".into(), node.median_time_past(&tip).into());
    r.insert("verificationprogress".into(), format::double(progress));
    r.insert(
        "initialblockdownload".into(),
        node.is_initial_block_download().into(),
    );
    r.insert(
        "chainwork".into(),
        hex::encode(entry.chain_work.to_u256().to_be_bytes()).into(),
    );
    r.insert("size_on_disk".into(), node.size_on_disk().into());
    r.insert("pruned".into(), false.into());
    if let Some(challenge) = node.params().signet_challenge {
        r.insert("signet_challenge".into(), hex::encode(challenge).into());
    }
    r.insert("warnings".into(), json!([]));
    Ok(Value::Object(r))
}

pub fn getchaintips(shared: &Shared, _: &[Value]) -> Result<Value, RpcError> {
    let node = shared.node();
    let chain = node.chain();
    // Tips: blocks that are no one's parent (plus the active tip, which may have
    // invalid children).
    let parents: std::collections::HashSet<BlockHash> = chain
        .entries()
        .filter(|(_, e)| e.height > 0)
        .map(|(_, e)| e.header.prev_blockhash)
        .collect();
    let mut tips: Vec<(BlockHash, &BlockEntry)> = chain
        .entries()
        .filter(|(h, _)| !parents.contains(h) || **h == chain.tip())
        .map(|(h, e)| (*h, e))
        .collect();
    tips.sort_by(|a, b| b.1.height.cmp(&a.1.height).then(a.0.cmp(&b.0)));
    let mut out = Vec::new();
    for (hash, entry) in tips {
        // Walk down to the active chain for the branch length.
        let mut fork = hash;
        let mut fork_height = entry.height;
        while !chain.is_active(&fork) {
            match chain.entry(&fork) {
                Some(e) if e.height > 0 => {
                    fork = e.header.prev_blockhash;
                    fork_height = e.height - 1;
                }
                _ => break,
            }
        }
        let status = if chain.is_active(&hash) {
            "active"
        } else if entry.is_failed() {
            "invalid"
        } else if !all_data_to_genesis(&node, &hash) {
            "headers-only"
        } else if entry.status == BlockStatus::Valid {
            "valid-fork"
        } else {
            "valid-headers"
        };
        out.push(json!({
            "height": entry.height,
            "hash": hash.to_string(),
            "branchlen": entry.height - fork_height,
            "status": status,
        }));
    }
    Ok(Value::Array(out))
}

/// Core's `HaveNumChainTxs`: the block and every ancestor have their data.
fn all_data_to_genesis(node: &Node, hash: &BlockHash) -> bool {
    let chain = node.chain();
    let mut cursor = *hash;
    loop {
        let Some(entry) = chain.entry(&cursor) else {
            return false;
        };
        if !entry.has_data {
            return false;
        }
        if entry.height == 0 || chain.is_active(&cursor) {
            return true;
        }
        cursor = entry.header.prev_blockhash;
    }
}

pub fn getdeploymentinfo(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let node = shared.node();
    let hash = match get(p, 0) {
        Some(v) => params::block_hash(v, "blockhash")?,
        None => node.chain().tip(),
    };
    let entry = node.chain().entry(&hash).ok_or_else(not_found)?;
    let branch = node.chain().branch(hash).ok_or_else(not_found)?;
    let params = node.params();
    let d = &params.deployments;
    // The script flags of this block itself (Core `GetBlockScriptFlags(*blockindex)`),
    // the deployments' states as of the block after it.
    let flags = block_script_flags(entry.height, &hash, params);
    let mut names: Vec<String> = flags.to_string().split(',').map(str::to_string).collect();
    names.retain(|n| !n.is_empty() && n != "NONE");
    names.sort();
    let next = entry.height + 1;
    let buried = |height: u32| {
        json!({
            "type": "buried",
            "active": next >= height,
            "height": height,
        })
    };
    let mut deployments = Map::new();
    deployments.insert("bip34".into(), buried(d.bip34_height));
    deployments.insert("bip66".into(), buried(d.bip66_height));
    deployments.insert("bip65".into(), buried(d.bip65_height));
    deployments.insert("csv".into(), buried(d.csv_height));
    deployments.insert("segwit".into(), buried(d.segwit_height));
    // BIP9 deployments, as Core's `SoftForkDescPushBack`: those never active on this
    // network are left out; `bit`, `statistics` and `signalling` appear only while the
    // bit is being counted (STARTED, LOCKED_IN).
    for deployment in sou_chain::versionbits::Deployment::ALL {
        let dep = deployment.params(params);
        if !dep.is_enabled() {
            continue;
        }
        let info = sou_chain::versionbits::info(&branch, entry.height, dep);
        let mut bip9 = Map::new();
        if info.stats.is_some() {
            bip9.insert("bit".into(), dep.bit.into());
        }
        bip9.insert("start_time".into(), dep.start_time.into());
        bip9.insert("timeout".into(), dep.timeout.into());
        bip9.insert(
            "min_activation_height".into(),
            dep.min_activation_height.into(),
        );
        bip9.insert("status".into(), info.current_state.name().into());
        bip9.insert("since".into(), info.since.into());
        bip9.insert("status_next".into(), info.next_state.name().into());
        if let Some(stats) = &info.stats {
            let mut statistics = Map::new();
            statistics.insert("period".into(), stats.period.into());
            statistics.insert("elapsed".into(), stats.elapsed.into());
            statistics.insert("count".into(), stats.count.into());
            if stats.threshold > 0 || stats.possible {
                statistics.insert("threshold".into(), stats.threshold.into());
                statistics.insert("possible".into(), stats.possible.into());
            }
            bip9.insert("statistics".into(), Value::Object(statistics));
            let signalling: String = stats
                .signalling
                .iter()
                .map(|&s| if s { '#' } else { '-' })
                .collect();
            bip9.insert("signalling".into(), signalling.into());
        }
        let mut rv = Map::new();
        rv.insert("type".into(), "bip9".into());
        // Active when the rules apply to the next block (the height may be its own).
        let mut active = false;
        if let Some(height) = info.active_since {
            rv.insert("height".into(), height.into());
            active = height <= next;
        }
        rv.insert("active".into(), active.into());
        rv.insert("bip9".into(), Value::Object(bip9));
        deployments.insert(deployment.name().into(), Value::Object(rv));
    }
    Ok(json!({
        "hash": hash.to_string(),
        "height": entry.height,
        "script_flags": names,
        "deployments": deployments,
    }))
}

pub fn gettxout(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let txid = params::txid(&p[0], "txid")?;
    let vout = params::uint32(&p[1])?;
    let include_mempool = get(p, 2).map(params::boolean).transpose()?.unwrap_or(true);
    let mut node = shared.node();
    let outpoint = OutPoint::new(txid, vout);
    // With the pool (Core's `CCoinsViewMemPool`): an output of a pool transaction counts,
    // with no confirmation; one a pool transaction spends does not.
    let pooled = include_mempool
        .then(|| node.mempool().output(&outpoint).cloned())
        .flatten();
    if include_mempool && node.mempool().spender(&outpoint).is_some() {
        return Ok(Value::Null);
    }
    let coin = match pooled {
        Some(output) => Some(sou_chain::consensus::Coin {
            output,
            height: sou_mempool::pool::MEMPOOL_HEIGHT,
            is_coinbase: false,
        }),
        None if include_mempool && node.mempool().contains(&txid) => None,
        None => node
            .chain_mut()
            .store_mut()
            .coin(&outpoint)
            .map_err(internal)?,
    };
    let Some(coin) = coin else {
        return Ok(Value::Null);
    };
    let tip = node.chain().tip();
    let confirmations = if coin.height == sou_mempool::pool::MEMPOOL_HEIGHT {
        0
    } else {
        i64::from(node.chain().height()) - i64::from(coin.height) + 1
    };
    Ok(json!({
        "bestblock": tip.to_string(),
        "confirmations": confirmations,
        "value": format::amount(coin.output.value),
        "scriptPubKey": format::script_pubkey(&coin.output.script_pubkey, shared.network),
        "coinbase": coin.is_coinbase,
    }))
}

pub fn gettxoutsetinfo(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let hash_type = match get(p, 0) {
        None => "hash_serialized_3".to_string(),
        Some(v) => params::string(v)?.to_string(),
    };
    if !matches!(hash_type.as_str(), "hash_serialized_3" | "muhash" | "none") {
        return Err(RpcError::invalid_parameter(format!(
            "'{hash_type}' is not a valid hash_type"
        )));
    }
    if get(p, 1).is_some() {
        return Err(RpcError::invalid_parameter(
            "Querying specific block heights requires coinstatsindex",
        ));
    }
    let node = shared.node();
    let coins = node.chain().store().all_coins().map_err(internal)?;
    let stats = UtxoStats::compute(coins);
    let tip = node.chain().tip();
    let mut r = Map::new();
    r.insert("height".into(), node.chain().height().into());
    r.insert("bestblock".into(), tip.to_string().into());
    r.insert("txouts".into(), stats.txouts.into());
    r.insert("bogosize".into(), stats.bogosize.into());
    match hash_type.as_str() {
        "hash_serialized_3" => {
            r.insert(
                "hash_serialized_3".into(),
                stats.hash_serialized_3.to_string().into(),
            );
        }
        "muhash" => {
            r.insert("muhash".into(), stats.muhash.to_string().into());
        }
        _ => {}
    }
    let total = stats
        .total_amount
        .ok_or_else(|| RpcError::misc("Unable to read UTXO set"))?;
    r.insert("total_amount".into(), format::amount(total));
    r.insert("transactions".into(), stats.transactions.into());
    r.insert("disk_size".into(), node.coins_db_size().into());
    Ok(Value::Object(r))
}

fn with_tip_move(
    shared: &Shared,
    p: &[Value],
    action: impl FnOnce(&mut Node, &BlockHash) -> Result<(), crate::node::NodeError>,
) -> Result<Value, RpcError> {
    let hash = params::block_hash(&p[0], "blockhash")?;
    let mut node = shared.node();
    if node.chain().entry(&hash).is_none() {
        return Err(not_found());
    }
    action(&mut node, &hash)
        .map_err(|e| RpcError::new(codes::RPC_DATABASE_ERROR, e.to_string()))?;
    shared.notify_tip(&node);
    Ok(Value::Null)
}

pub fn invalidateblock(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    with_tip_move(shared, p, |node, hash| node.invalidate_block(hash))
}

pub fn reconsiderblock(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    with_tip_move(shared, p, |node, hash| node.reconsider_block(hash))
}

pub fn preciousblock(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    with_tip_move(shared, p, |node, hash| node.precious_block(hash))
}

fn tip_json(tip: (BlockHash, u32)) -> Value {
    json!({ "hash": tip.0.to_string(), "height": tip.1 })
}

fn timeout(p: &[Value], index: usize) -> Result<u64, RpcError> {
    match get(p, index) {
        None => Ok(0),
        Some(v) => {
            let ms = params::int(v)?;
            if ms < 0 {
                return Err(RpcError::invalid_parameter("Negative timeout"));
            }
            Ok(u64::try_from(ms).unwrap_or(0))
        }
    }
}

pub fn waitfornewblock(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let ms = timeout(p, 0)?;
    let current = match get(p, 1) {
        Some(v) => params::block_hash(v, "current_tip")?,
        None => shared.node().chain().tip(),
    };
    Ok(tip_json(shared.wait_for_tip(ms, |tip, _| *tip != current)))
}

pub fn waitforblock(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let hash = params::block_hash(&p[0], "blockhash")?;
    let ms = timeout(p, 1)?;
    Ok(tip_json(shared.wait_for_tip(ms, |tip, _| *tip == hash)))
}

pub fn waitforblockheight(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let height = params::int32(&p[0])?;
    let ms = timeout(p, 1)?;
    Ok(tip_json(
        shared.wait_for_tip(ms, |_, h| i64::from(h) >= height),
    ))
}

pub fn verifychain(shared: &Shared, _: &[Value]) -> Result<Value, RpcError> {
    // Every block on the active chain was fully validated when connected, and the coins
    // on disk are written only in consistent batches: reading the tip back checks the
    // store answers.
    let mut node = shared.node();
    let tip = node.chain().tip();
    let ok = node.chain_mut().block(&tip).map_err(internal)?.is_some();
    Ok(ok.into())
}

pub fn pruneblockchain(_shared: &Shared, _: &[Value]) -> Result<Value, RpcError> {
    Err(RpcError::misc(
        "Cannot prune blocks because node is not in prune mode.",
    ))
}
