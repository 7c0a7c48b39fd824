//! Headers-first sync: learn the peer's chain of headers, then fetch the blocks we lack.
//!
//! Right after the handshake we send `getheaders` with a locator of our best header:
//! hashes back to genesis, dense near the tip and ever sparser, so that the peer finds
//! where our chains part however far apart they are. It answers with up to 2,000 headers
//! after that point; each goes to the chain state's `accept_header` (proof of work,
//! timestamps, the parent known), and a full batch means there are more, so we ask again
//! from its last header. The blocks of headers we lack are asked for with
//! `getdata(MSG_WITNESS_BLOCK)`, at most [`BLOCKS_IN_FLIGHT`] at a time from one peer, in
//! height order, and handed to the node as `submitblock` does as they come.
//!
//! With several peers, each block is asked of one peer at a time ([`InFlight`], Core's
//! `mapBlocksInFlight`), so the peers share the download, and only blocks within
//! [`BLOCK_DOWNLOAD_WINDOW`] of the tip are asked for, so that one slow peer cannot make
//! the node hold a huge stretch of blocks it cannot connect yet. When a peer could ask for
//! more but for the window, the peer holding the block at the window's start is
//! *stalling* the download: if that block has not come [`BLOCK_STALLING_TIMEOUT`] later,
//! the staller is disconnected and the others take over its blocks.
//!
//! References: Core `PeerManagerImpl::ProcessHeadersMessage`, `FindNextBlocksToDownload`,
//! `CChain::GetLocator` (src/net_processing.cpp, src/chain.cpp).

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;

use sou_chain::Chainstate;
use sou_p2p::messages::sync::MAX_HEADERS_RESULTS;
use sou_p2p::{BlockLocator, Inventory, LocatorRequest, NetworkMessage};
use sou_primitives::{Block, BlockHash, BlockHeader};

use super::connection::{misbehaving, send, Disconnect};
use super::peers::Peer;
use super::unix_now;
use crate::node::BlockVerdict;
use crate::rpc::dispatch::Shared;
use crate::store::DiskStore;

/// Blocks asked of one peer and not yet received (Core `MAX_BLOCKS_IN_TRANSIT_PER_PEER`).
pub const BLOCKS_IN_FLIGHT: usize = 16;

/// How far past the tip blocks are asked for (Core `BLOCK_DOWNLOAD_WINDOW`).
pub const BLOCK_DOWNLOAD_WINDOW: u32 = 1024;

/// How long the block at the window's start may keep the others waiting (Core
/// `BLOCK_STALLING_TIMEOUT_DEFAULT`).
pub const BLOCK_STALLING_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

/// Which peer each block in flight was asked of, and since when, across all peers.
#[derive(Debug, Default)]
pub struct InFlight {
    blocks: std::collections::HashMap<BlockHash, (u64, std::time::Instant)>,
    /// Peers found stalling the download, with when it was noticed.
    stalling: std::collections::HashMap<u64, std::time::Instant>,
}

impl InFlight {
    /// Forgets a peer that left: its blocks may be asked of others.
    pub fn peer_gone(&mut self, peer: u64) {
        self.blocks.retain(|_, (p, _)| *p != peer);
        self.stalling.remove(&peer);
    }

    /// True if `peer` was found stalling and has not delivered in time since.
    pub fn is_stalling(&self, peer: u64) -> bool {
        self.stalling
            .get(&peer)
            .is_some_and(|since| since.elapsed() > BLOCK_STALLING_TIMEOUT)
    }
}

/// A peer that has not sent a block asked of it within this is disconnected (Core's
/// `BLOCK_DOWNLOAD_TIMEOUT_BASE`: one block interval, ten minutes).
pub const BLOCK_DOWNLOAD_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// What a connection remembers of its sync.
#[derive(Debug, Default)]
pub struct SyncState {
    /// Blocks to ask for, lowest first.
    to_fetch: VecDeque<BlockHash>,
    /// Blocks asked for, with their heights.
    in_flight: Vec<(BlockHash, u32)>,
    /// When the oldest block in flight was asked for (or the last one arrived since).
    waiting_since: Option<std::time::Instant>,
    /// Everything in the two lists above.
    queued: HashSet<BlockHash>,
    /// Set by the handshake: send the first ping now.
    pub ping_requested: bool,
}

impl SyncState {
    /// True when the block was asked of this peer and has not come yet.
    pub fn is_in_flight(&self, hash: &BlockHash) -> bool {
        self.in_flight.iter().any(|(h, _)| h == hash)
    }

    /// Counts a block asked of this peer outside the headers sync (the transactions of a
    /// compact block, or the full block after one failed), so that it times out alike.
    pub fn expect(&mut self, hash: BlockHash, height: u32) {
        if self.is_in_flight(&hash) {
            return;
        }
        if self.in_flight.is_empty() {
            self.waiting_since = Some(std::time::Instant::now());
        }
        self.in_flight.push((hash, height));
        self.queued.insert(hash);
    }

    /// True when blocks wait to be asked for.
    pub fn has_queued(&self) -> bool {
        !self.to_fetch.is_empty()
    }

    /// True when blocks are in flight and none arrived for [`BLOCK_DOWNLOAD_TIMEOUT`]
    /// (Core's check in `SendMessages`: "Timeout downloading block").
    pub fn download_timed_out(&self) -> bool {
        !self.in_flight.is_empty()
            && self
                .waiting_since
                .is_some_and(|since| since.elapsed() > BLOCK_DOWNLOAD_TIMEOUT)
    }
}

/// The hash at `height` in the branch ending at `hash`.
fn ancestor(chain: &Chainstate<DiskStore>, hash: BlockHash, height: u32) -> Option<BlockHash> {
    if chain.is_active(&hash) {
        return chain
            .active_chain()
            .get(usize::try_from(height).ok()?)
            .copied();
    }
    let mut cursor = hash;
    loop {
        let entry = chain.entry(&cursor)?;
        if entry.height == height {
            return Some(cursor);
        }
        if entry.height < height {
            return None;
        }
        cursor = entry.header.prev_blockhash;
    }
}

/// A locator of the branch ending at `tip`: the last ten blocks, then steps doubling back
/// to genesis (Core `LocatorEntries`).
pub fn locator(chain: &Chainstate<DiskStore>, tip: BlockHash) -> BlockLocator {
    let mut hashes = Vec::new();
    let Some(mut height) = chain.entry(&tip).map(|e| e.height) else {
        return BlockLocator::new(vec![chain.params().genesis_hash]);
    };
    let mut step = 1;
    let mut cursor = tip;
    loop {
        hashes.push(cursor);
        if height == 0 {
            break;
        }
        height = height.saturating_sub(step);
        match ancestor(chain, cursor, height) {
            Some(next) => cursor = next,
            None => break,
        }
        if hashes.len() > 10 {
            step = step.saturating_mul(2);
        }
    }
    BlockLocator::new(hashes)
}

/// Sends `getheaders` from `from` (our best header when `None`).
fn send_getheaders(shared: &Shared, peer: &Peer, from: Option<BlockHash>) {
    let locator = {
        let node = shared.node();
        // Core starts from the best header's parent, so that the answer is never empty.
        let from = from.unwrap_or_else(|| {
            let best = node.best_header().0;
            node.chain()
                .entry(&best)
                .filter(|e| e.height > 0)
                .map_or(best, |e| e.header.prev_blockhash)
        });
        locator(node.chain(), from)
    };
    let height = locator.hashes.first().map_or(0, |h| {
        shared.node().chain().entry(h).map_or(0, |e| e.height)
    });
    tracing::debug!(target: "net", "getheaders ({height}) {} to peer={}",
        locator.hashes.first().copied().unwrap_or(BlockHash::ZERO), peer.id);
    send(
        peer,
        shared,
        &NetworkMessage::GetHeaders(LocatorRequest {
            locator,
            hash_stop: BlockHash::ZERO,
        }),
    );
}

/// The handshake is done: start syncing headers.
pub fn start(shared: &Shared, peer: &Peer, _state: &mut SyncState) {
    send_getheaders(shared, peer, None);
}

/// `headers`: accept each, fetch the blocks we lack, ask for more after a full batch.
pub fn on_headers(
    shared: &Arc<Shared>,
    peer: &Arc<Peer>,
    state: &mut SyncState,
    headers: &[BlockHeader],
) -> Result<(), Disconnect> {
    let Some(first) = headers.first() else {
        return Ok(());
    };
    let mut node = shared.node();
    if node.chain().entry(&first.prev_blockhash).is_none() {
        // Core `HandleUnconnectingHeaders`: ask for what links them to our chain.
        drop(node);
        send_getheaders(shared, peer, None);
        return Ok(());
    }
    let mut last = None;
    for header in headers {
        if header.prev_blockhash != last.unwrap_or(first.prev_blockhash) {
            return misbehaving(peer, "non-continuous headers sequence".into());
        }
        match node.submit_header(header) {
            Ok(hash) => last = Some(hash),
            Err(e) => {
                return misbehaving(
                    peer,
                    format!("invalid header received, {}", e.reject_reason()),
                )
            }
        }
    }
    let Some(last) = last else {
        return Ok(());
    };
    let Some(last_entry) = node.chain().entry(&last).cloned() else {
        return Ok(());
    };
    {
        let mut stats = peer.stats();
        if stats.best_known.is_none_or(|(_, h)| last_entry.height > h) {
            stats.best_known = Some((last, last_entry.height));
        }
    }
    // Only a branch with at least the work of our tip can become the tip (Core
    // `FindNextBlocksToDownload`).
    let tip_work = node
        .chain()
        .entry(&node.chain().tip())
        .map(|e| e.chain_work);
    if tip_work.is_none_or(|w| last_entry.chain_work >= w) {
        let mut missing = Vec::new();
        let mut cursor = last;
        while let Some(entry) = node.chain().entry(&cursor) {
            if entry.has_data || state.queued.contains(&cursor) || entry.is_failed() {
                break;
            }
            missing.push(cursor);
            cursor = entry.header.prev_blockhash;
        }
        for hash in missing.into_iter().rev() {
            state.queued.insert(hash);
            state.to_fetch.push_back(hash);
        }
    }
    drop(node);
    if headers.len() == MAX_HEADERS_RESULTS {
        send_getheaders(shared, peer, Some(last));
    }
    request_blocks(shared, peer, state);
    Ok(())
}

/// Queues the blocks between our active chain and the best block the peer has shown us,
/// when that block has more work than our tip (Core's `FindNextBlocksToDownload`, from
/// the peer's `pindexBestKnownBlock`): a heavier branch learnt from a compact block or an
/// announcement, not only from `headers`, gets fetched back to the fork point.
pub fn queue_towards_best_known(shared: &Shared, peer: &Peer, state: &mut SyncState) {
    let Some((best, _)) = peer.stats().best_known else {
        return;
    };
    let node = shared.node();
    let chain = node.chain();
    let (Some(best_entry), Some(tip)) = (chain.entry(&best), chain.entry(&chain.tip())) else {
        return;
    };
    if best_entry.chain_work <= tip.chain_work || best_entry.is_failed() {
        return;
    }
    let mut missing = Vec::new();
    let mut cursor = best;
    // Back to the active chain, at most a window and a half of blocks.
    for _ in 0..(BLOCK_DOWNLOAD_WINDOW as usize * 3 / 2) {
        if chain.is_active(&cursor) {
            break;
        }
        let Some(entry) = chain.entry(&cursor) else {
            break;
        };
        if !entry.has_data && !state.queued.contains(&cursor) {
            missing.push(cursor);
        }
        cursor = entry.header.prev_blockhash;
    }
    for hash in missing.into_iter().rev() {
        state.queued.insert(hash);
        state.to_fetch.push_back(hash);
    }
}

/// Asks for the next blocks, keeping at most [`BLOCKS_IN_FLIGHT`] out, none already
/// asked of another peer, none past the download window (Core
/// `FindNextBlocksToDownload`); notes a staller when the window alone holds us back.
pub fn request_blocks(shared: &Shared, peer: &Peer, state: &mut SyncState) {
    let mut wanted = Vec::new();
    {
        let node = shared.node();
        let mut in_flight = shared.net.blocks_in_flight();
        let window_end = node.chain().height().saturating_add(BLOCK_DOWNLOAD_WINDOW);
        let mut waiting_for: Option<u64> = None;
        let mut window_full = false;
        let mut kept = VecDeque::new();
        while state.in_flight.len() < BLOCKS_IN_FLIGHT {
            let Some(hash) = state.to_fetch.pop_front() else {
                break;
            };
            let Some(entry) = node.chain().entry(&hash).filter(|e| !e.has_data) else {
                state.queued.remove(&hash);
                continue;
            };
            if let Some((other, _)) = in_flight.blocks.get(&hash) {
                if *other != peer.id {
                    waiting_for.get_or_insert(*other);
                    kept.push_back(hash);
                    continue;
                }
            }
            if entry.height > window_end {
                window_full = true;
                kept.push_back(hash);
                break;
            }
            if state.in_flight.is_empty() {
                state.waiting_since = Some(std::time::Instant::now());
            }
            state.in_flight.push((hash, entry.height));
            in_flight
                .blocks
                .insert(hash, (peer.id, std::time::Instant::now()));
            wanted.push(Inventory::WitnessBlock(hash));
        }
        // What others hold stays queued here, to be asked of this peer if they go.
        while let Some(hash) = kept.pop_back() {
            state.to_fetch.push_front(hash);
        }
        if window_full && wanted.is_empty() && state.in_flight.is_empty() {
            if let Some(staller) = waiting_for {
                in_flight
                    .stalling
                    .entry(staller)
                    .or_insert_with(std::time::Instant::now);
            }
        }
    }
    peer.stats().inflight = state.in_flight.iter().map(|(_, h)| *h).collect();
    if !wanted.is_empty() {
        let wanted = super::compact::prefer_compact(shared, peer, wanted, state.in_flight.len());
        send(peer, shared, &NetworkMessage::GetData(wanted));
    }
}

/// `block`: hand it to the node as `submitblock` does, tell the other peers of a new tip.
pub fn on_block(
    shared: &Arc<Shared>,
    peer: &Arc<Peer>,
    state: &mut SyncState,
    block: Block,
) -> Result<(), Disconnect> {
    on_block_via(shared, peer, state, block, false)
}

/// [`on_block`] for a block that came whole or, `via_compact`, rebuilt from a compact
/// block, whose sender may relay it before checking it (BIP152): only its header's
/// faults are then held against the peer (Core `MaybePunishNodeForBlock`).
pub fn on_block_via(
    shared: &Arc<Shared>,
    peer: &Arc<Peer>,
    state: &mut SyncState,
    block: Block,
    via_compact: bool,
) -> Result<(), Disconnect> {
    let hash = block.block_hash();
    {
        let mut in_flight = shared.net.blocks_in_flight();
        in_flight.blocks.remove(&hash);
        in_flight.stalling.remove(&peer.id);
    }
    let before = state.in_flight.len();
    state.in_flight.retain(|(h, _)| *h != hash);
    if state.in_flight.len() < before {
        state.waiting_since = Some(std::time::Instant::now());
    }
    state.queued.remove(&hash);
    let verdict = {
        let mut node = shared.node();
        let verdict = node.submit_block(block);
        shared.notify_tip(&node);
        let height = node.chain().entry(&hash).map(|e| e.height);
        (verdict, height)
    };
    match verdict {
        (Ok(BlockVerdict::Invalid(e)), _) => {
            // Core `MaybePunishNodeForBlock`: a block dated too far ahead says nothing of
            // the peer's honesty; one already known invalid counts against an outbound
            // peer only; a compact block's faults may be ours (a reconstruction); any
            // other fault counts. A mutated block (its transactions not those its header
            // commits to) is refused before it is processed (`IsBlockMutated`).
            use sou_chain::consensus::BlockErrorKind;
            let excused = match e.kind() {
                BlockErrorKind::TimeFuture => true,
                BlockErrorKind::CachedInvalid => via_compact || peer.is_inbound(),
                BlockErrorKind::Consensus | BlockErrorKind::Mutated => via_compact,
                _ => false,
            };
            if !excused {
                if e.kind() == BlockErrorKind::Mutated {
                    tracing::debug!(
                        target: "validation",
                        "Block mutated: {}, {e}",
                        e.reject_reason()
                    );
                    tracing::debug!(target: "net", "Received mutated block from peer={}", peer.id);
                    misbehaving(peer, "mutated block".into())?;
                } else {
                    misbehaving(peer, format!("invalid block {hash}, {}", e.reject_reason()))?;
                }
            }
        }
        // Stored, then found invalid while connected (Core's `BlockChecked` callback).
        (Ok(BlockVerdict::Accepted(outcome)), _)
            if !via_compact && outcome.invalid.iter().any(|(h, _)| *h == hash) =>
        {
            misbehaving(peer, String::new())?;
        }
        (Ok(BlockVerdict::Accepted(_)), Some(height)) => {
            {
                let mut stats = peer.stats();
                stats.last_block = unix_now();
                stats.synced_blocks = stats.synced_blocks.max(i64::from(height));
                if stats.best_known.is_none_or(|(_, h)| height > h) {
                    stats.best_known = Some((hash, height));
                }
            }
            super::compact::block_accepted(shared, peer, state.in_flight.is_empty());
            shared
                .live
                .block_from_peer(peer.id, height, &hash, via_compact);
        }
        (Err(e), _) => tracing::error!("ProcessNewBlock: {e}"),
        _ => {}
    }
    request_blocks(shared, peer, state);
    Ok(())
}

/// `inv`: a block we do not know means the peer has headers we lack: ask for them.
pub fn on_inv(
    shared: &Arc<Shared>,
    peer: &Arc<Peer>,
    items: &[Inventory],
) -> Result<(), Disconnect> {
    let unknown = {
        let node = shared.node();
        items.iter().any(|item| match item {
            Inventory::Block(hash) | Inventory::WitnessBlock(hash) => {
                node.chain().entry(hash).is_none()
            }
            _ => false,
        })
    };
    if unknown {
        send_getheaders(shared, peer, None);
    }
    Ok(())
}

/// `notfound`: the peer has not the blocks it announced; stop waiting for them.
pub fn on_notfound(
    shared: &Arc<Shared>,
    peer: &Arc<Peer>,
    state: &mut SyncState,
    items: &[Inventory],
) -> Result<(), Disconnect> {
    for item in items {
        if let Inventory::Block(hash) | Inventory::WitnessBlock(hash) = item {
            state.in_flight.retain(|(h, _)| h != hash);
            state.queued.remove(hash);
        }
    }
    request_blocks(shared, peer, state);
    Ok(())
}
