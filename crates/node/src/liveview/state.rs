//! The snapshot a page draws (`/api/state`): the recent block tree, the pool, the next
//! block's template, mining, the peers and what travelled between them.
//!
//! The tree is every block known at the last [`HEIGHTS`] heights, the active chain's and
//! the others', each marked `active` (on the chain the node follows), `stale` (valid, or
//! not yet checked, but on a branch with less work), `invalid` (it or an ancestor broke a
//! rule, or was invalidated by hand) or `header` (only its header is known). The pool is
//! listed best first as a block would take it (Core's mining order), with the part that
//! fits in the next block marked: that is the template a miner would build now. Beside it,
//! `left`: the transactions that left the pool in the last seconds, with Core's removal
//! reason (`block`, `replaced`, `conflict`, `sizelimit`, `expiry`, `reorg`) and the word a
//! page shows for it. `mining` holds the next block's target (Core
//! `GetNextWorkRequired`), the attempts it makes expected (the block's work,
//! 2^256 / (target + 1)), this machine's hash rate, and the blocks this node mined with
//! the nonces each took. `activity` is the peers' feed: blocks and transactions that came
//! from a peer or were announced to one, newest first.

use serde_json::{json, Map, Value};
use sou_chain::chainstate::BlockStatus;
use sou_chain::consensus::{block_subsidy, next_work_required};
use sou_mempool::pool::{RemovalReason, Removed};
use sou_primitives::pow::Work;
use sou_primitives::{Amount, BlockHash};

use crate::node::Node;
use crate::rpc::blockchain::target_hex;
use crate::rpc::dispatch::Shared;

/// How many heights of the tree a snapshot holds, counting down from the highest known.
pub const HEIGHTS: u32 = 20;

/// At most this many pool transactions are listed (best first); the counts cover all.
pub const MAX_POOL_LISTED: usize = 5_000;

/// A block's weight limit less what Core keeps for the coinbase (`-blockreservedweight`,
/// 8,000 by default): what a template's transactions may weigh.
const TEMPLATE_WEIGHT: u64 = 4_000_000 - 8_000;

/// The whole snapshot.
pub fn snapshot(shared: &Shared) -> Value {
    let mut out = Map::new();
    // Measured once, before the node is locked.
    let hash_rate = shared.live.hash_rate();
    {
        let mut node = shared.node();
        out.insert("network".into(), node.params().network.core_name().into());
        out.insert("now".into(), node.now().into());
        out.insert(
            "tip".into(),
            json!({
                "hash": node.chain().tip().to_string(),
                "height": node.chain().height(),
            }),
        );
        out.insert("blocks".into(), blocks(shared, &mut node));
        let removals = node.take_mempool_removals();
        let mut pool = mempool(&node);
        pool["left"] = left(shared.live.removals(removals));
        out.insert("mempool".into(), pool);
        out.insert("mining".into(), mining(shared, &node, hash_rate));
    }
    out.insert("peers".into(), peers(shared));
    out.insert("activity".into(), Value::Array(shared.live.activity()));
    Value::Object(out)
}

/// The tree's recent part, lowest height first.
fn blocks(shared: &Shared, node: &mut Node) -> Value {
    let top = node
        .chain()
        .entries()
        .map(|(_, e)| e.height)
        .max()
        .unwrap_or(0);
    let bottom = top.saturating_sub(HEIGHTS - 1);
    let mut recent: Vec<(BlockHash, u32)> = node
        .chain()
        .entries()
        .filter(|(_, e)| e.height >= bottom)
        .map(|(h, e)| (*h, e.height))
        .collect();
    recent.sort_by_key(|(hash, height)| (*height, node.chain().entry(hash).map(|e| e.sequence)));
    let mut list = Vec::new();
    for (hash, _) in recent {
        let fees = fees(shared, node, &hash);
        let Some(entry) = node.chain().entry(&hash) else {
            continue;
        };
        let status = if entry.is_failed() {
            "invalid"
        } else if node.chain().is_active(&hash) {
            "active"
        } else if entry.status == BlockStatus::Header {
            "header"
        } else {
            "stale"
        };
        let text = hash.to_string();
        list.push(json!({
            "hash": text,
            "short": short(&text),
            "parent": entry.header.prev_blockhash.to_string(),
            "height": entry.height,
            "txs": entry.tx_count,
            "time": entry.header.time,
            "fees": fees.map(Amount::to_sat),
            "status": status,
        }));
    }
    Value::Array(list)
}

/// The end of a hash, as a person reads it aloud: the start of a block hash is zeros.
pub fn short(hash: &str) -> String {
    let start = hash.len().saturating_sub(8);
    hash.get(start..).unwrap_or(hash).to_string()
}

/// What the block's coinbase claims beyond the subsidy: its fees (for a valid block;
/// a miner may claim less than it could). Read once per block, then remembered.
fn fees(shared: &Shared, node: &mut Node, hash: &BlockHash) -> Option<Amount> {
    if let Some(fees) = shared.live.cached_fees(hash) {
        return Some(fees);
    }
    let entry = node.chain().entry(hash)?;
    if !entry.has_data {
        return None;
    }
    let height = entry.height;
    let block = node.chain_mut().block(hash).ok()??;
    let claimed = block
        .txdata
        .first()?
        .output
        .iter()
        .try_fold(0i64, |sum, out| sum.checked_add(out.value.to_sat()))?;
    let subsidy = block_subsidy(height, node.params()).to_sat();
    let fees = Amount::from_sat(claimed.saturating_sub(subsidy).max(0));
    shared.live.remember_fees(*hash, fees);
    Some(fees)
}

/// The pool, best first, and the template's part of it.
fn mempool(node: &Node) -> Value {
    let pool = node.mempool();
    let mut txs = Vec::new();
    let mut template_weight = 0u64;
    let mut template_fees = 0i64;
    let mut template_count = 0usize;
    let mut template_full = false;
    for chunk in pool.block_order() {
        // A chunk goes in whole or not at all; once one does not fit, the template is
        // closed (Core's miner tries a few more; the picture does not need them).
        let weight: u64 = chunk
            .txids
            .iter()
            .filter_map(|t| pool.get(t))
            .map(|e| e.weight)
            .sum();
        let in_template = !template_full && template_weight + weight <= TEMPLATE_WEIGHT;
        if in_template {
            template_weight += weight;
            template_count += chunk.txids.len();
        } else {
            template_full = true;
        }
        for txid in &chunk.txids {
            let Some(entry) = pool.get(txid) else {
                continue;
            };
            if in_template {
                template_fees = template_fees.saturating_add(entry.modified_fee());
            }
            if txs.len() < MAX_POOL_LISTED {
                let vsize = entry.vsize.max(1);
                txs.push(json!({
                    "txid": txid.to_string(),
                    "vsize": entry.vsize,
                    "weight": entry.weight,
                    "fee": entry.fee.to_sat(),
                    // sat/vB with two decimals: what wallets show.
                    "rate": (entry.fee.to_sat() as f64 / vsize as f64 * 100.0).round() / 100.0,
                    "template": in_template,
                }));
            }
        }
    }
    json!({
        "count": pool.len(),
        "vsize": pool.total_vsize(),
        "fees": pool.total_fee().to_sat(),
        "sequence": pool.sequence(),
        "listed": txs.len(),
        "txs": txs,
        "template": {
            "count": template_count,
            "weight": template_weight,
            "fees": template_fees,
            "limit": TEMPLATE_WEIGHT,
        },
    })
}

/// What mining the next block takes: its target, the attempts that target makes expected,
/// this machine's hash rate, and the blocks the node mined with their attempts.
fn mining(shared: &Shared, node: &Node, hash_rate: f64) -> Value {
    let chain = node.chain();
    let bits = chain
        .branch(chain.tip())
        .map(|view| {
            next_work_required(
                &view,
                u32::try_from(node.now()).unwrap_or(u32::MAX),
                node.params(),
            )
        })
        .unwrap_or_else(|| node.params().pow_limit_bits());
    let expected = Work::from_compact(bits).log2().exp2();
    let recent: Vec<Value> = shared.live.with_mined(|mined| {
        mined
            .recent
            .iter()
            .rev()
            .map(|(height, hash, attempts, expected)| {
                json!({
                    "height": height,
                    "short": short(&hash.to_string()),
                    "attempts": attempts,
                    "expected": expected,
                })
            })
            .collect()
    });
    let (blocks, attempts, expected_total) = shared
        .live
        .with_mined(|m| (m.blocks, m.attempts, m.expected));
    json!({
        "bits": format!("{:08x}", bits.to_consensus()),
        "target": target_hex(node, bits),
        "difficulty": bits.difficulty(),
        "expected": expected,
        "hashrate": hash_rate,
        "recent": recent,
        "blocks": blocks,
        "attempts": attempts,
        "expected_total": expected_total,
    })
}

/// The transactions that left the pool lately, newest first, each with what a person
/// would call the reason: Core's removal reasons, in words.
fn left(removals: Vec<(std::time::Duration, Removed)>) -> Value {
    let list: Vec<Value> = removals
        .into_iter()
        .map(|(ago, r)| {
            let why = match r.reason {
                RemovalReason::Block => "confirmed",
                RemovalReason::Replaced => "replaced",
                RemovalReason::Conflict => "conflict",
                RemovalReason::SizeLimit => "evicted",
                RemovalReason::Expiry => "expired",
                RemovalReason::Reorg => "reorg",
            };
            let vsize = r.vsize.max(1);
            json!({
                "txid": r.txid.to_string(),
                "reason": r.reason.as_str(),
                "why": why,
                "vsize": r.vsize,
                "fee": r.fee.to_sat(),
                "rate": (r.fee.to_sat() as f64 / vsize as f64 * 100.0).round() / 100.0,
                "ago_ms": u64::try_from(ago.as_millis()).unwrap_or(u64::MAX),
            })
        })
        .collect();
    Value::Array(list)
}

/// The peers, and the best block each is known to have.
fn peers(shared: &Shared) -> Value {
    let list = shared.net.peers().list();
    let peers: Vec<Value> = list
        .iter()
        .map(|peer| {
            let stats = peer.stats();
            let height = stats
                .best_known
                .map(|(_, h)| i64::from(h))
                .unwrap_or(i64::from(stats.starting_height));
            json!({
                "id": peer.id,
                "address": peer.addr_name,
                "inbound": peer.is_inbound(),
                "height": height,
                "subver": stats.subver,
                "ready": stats.handshake_done,
            })
        })
        .collect();
    Value::Array(peers)
}
