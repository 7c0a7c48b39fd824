//! Compact block relay (BIP152): new blocks in a few kilobytes, often without a round trip.
//!
//! A peer that already has most of a block's transactions in its mempool need not
//! download them again. After the handshake each side says it understands compact blocks,
//! version 2 (`sendcmpct`, announce off). Then:
//!
//! - **Low bandwidth.** New blocks are announced as today (`headers`); a peer near the tip
//!   that wants the one new block asks `getdata(MSG_CMPCT_BLOCK)` and gets a `cmpctblock`.
//! - **High bandwidth.** A node picks the (up to three) peers that last gave it a new block
//!   first and sends each `sendcmpct` with announce on; they then push every new block as
//!   `cmpctblock` at once, instead of a header (Core `MaybeSetPeerAsAnnouncingHeaderAndIDs`).
//!   The oldest of four is sent announce off.
//!
//! Receiving a `cmpctblock`, the node fills its slots from the mempool
//! ([`sou_p2p::PartialBlock`]); what is missing it asks with `getblocktxn` and gets in
//! `blocktxn`; when the short ids collide or the block does not match its header it falls
//! back to `getdata` of the full block. It serves a peer's `getblocktxn` from its stored
//! blocks, and treats a request for transactions a block does not have as Core does:
//! misbehaviour ("getblocktxn with out-of-bounds tx indices").
//!
//! The pool is searched first, then the transactions kept aside for this purpose
//! (recent orphans, refused and replaced transactions: see `txrelay`).
//!
//! A high-bandwidth peer gets a new block on our tip as soon as its proof of work and
//! contents are checked, before it is connected (Core's `NewPoWValidBlock`): each hop
//! adds a check of the header and merkle root, not a whole validation.
//!
//! Differences from Core: a compact block waiting for `blocktxn` is not timed
//! out on its own (the full block can still come from another peer); at most one
//! compact block is rebuilt per peer at a time.
//!
//! References: BIP152; Core `PeerManagerImpl::ProcessMessage` (`sendcmpct`, `cmpctblock`,
//! `getblocktxn`, `blocktxn`), `ProcessCompactBlockTxns`, `SendBlockTransactions`,
//! `MaybeSetPeerAsAnnouncingHeaderAndIDs`, `BlockChecked`, `SendMessages`
//! (src/net_processing.cpp).

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use sou_p2p::messages::compact::{BlockTransactions, BlockTransactionsRequest, HeaderAndShortIds};
use sou_p2p::messages::handshake::{SendCmpct, CMPCTBLOCKS_VERSION, SHORT_IDS_BLOCKS_VERSION};
use sou_p2p::{Inventory, NetworkMessage, PartialBlock};
use sou_primitives::{Block, BlockHash};

use super::connection::{misbehaving, send, Disconnect};
use super::peers::Peer;
use super::sync::{self, SyncState};
use super::Net;
use crate::node::Node;
use crate::rpc::dispatch::Shared;

/// Peers asked to announce blocks as `cmpctblock` (BIP152: "at most three").
pub const MAX_HIGH_BANDWIDTH_PEERS: usize = 3;
/// Blocks deeper than this are served whole rather than compact (Core
/// `MAX_CMPCTBLOCK_DEPTH`).
pub const MAX_CMPCTBLOCK_DEPTH: u32 = 5;
/// `getblocktxn` for blocks deeper than this gets the full block (Core
/// `MAX_BLOCKTXN_DEPTH`).
pub const MAX_BLOCKTXN_DEPTH: u32 = 10;

/// What one peer said of compact blocks, and what we said to it.
#[derive(Debug, Default)]
struct PeerCompact {
    /// It sent `sendcmpct` version 2: it can send us compact blocks (Core
    /// `m_provides_cmpctblocks`).
    provides: bool,
    /// Its last `sendcmpct` had announce on: it wants new blocks as `cmpctblock`
    /// (`getpeerinfo`'s `bip152_hb_from`).
    high_bandwidth_from: bool,
    /// We sent it `sendcmpct` with announce on (`bip152_hb_to`).
    high_bandwidth_to: bool,
    /// The last tip announced to it (Core `pindexBestHeaderSent`).
    best_sent: Option<BlockHash>,
    /// The compact block being rebuilt from what it sent, waiting for `blocktxn`.
    partial: Option<(BlockHash, PartialBlock)>,
}

/// The compact-block state of every peer and our high-bandwidth choice.
#[derive(Debug, Default)]
pub struct CompactRelay {
    peers: HashMap<u64, PeerCompact>,
    /// Peers we asked for high-bandwidth announcements, the one that gave us a block
    /// first most recently last (Core `lNodesAnnouncingHeaderAndIDs`).
    announcing: VecDeque<u64>,
    /// The height of the last block relayed before being connected (Core
    /// `m_highest_fast_announce`): once per height.
    highest_fast_announce: u32,
}

impl CompactRelay {
    /// Forgets a peer that left.
    pub fn peer_gone(&mut self, peer: u64) {
        self.peers.remove(&peer);
        self.announcing.retain(|p| *p != peer);
    }

    /// `getpeerinfo`'s `bip152_hb_to` and `bip152_hb_from`.
    pub fn high_bandwidth(&self, peer: u64) -> (bool, bool) {
        self.peers.get(&peer).map_or((false, false), |p| {
            (p.high_bandwidth_to, p.high_bandwidth_from)
        })
    }

    /// True once the peer sent `sendcmpct` version 2.
    pub fn provides(&self, peer: u64) -> bool {
        self.peers.get(&peer).is_some_and(|p| p.provides)
    }

    fn peer(&mut self, peer: u64) -> &mut PeerCompact {
        self.peers.entry(peer).or_default()
    }

    /// Adds `peer` to the high-bandwidth peers, the most recent last, keeping at most
    /// three and, when an inbound one comes, the last outbound one among them (Core
    /// `MaybeSetPeerAsAnnouncingHeaderAndIDs`). `None` when nothing is to be sent (the
    /// peer sends no compact blocks, or was chosen already and only moves last);
    /// otherwise it is to be sent announce on, and the peer dropped, if any, announce off.
    fn choose_high_bandwidth(
        &mut self,
        peer: u64,
        inbound: bool,
        is_inbound: impl Fn(u64) -> Option<bool>,
    ) -> Option<Option<u64>> {
        if !self.provides(peer) {
            return None;
        }
        if let Some(at) = self.announcing.iter().position(|p| *p == peer) {
            self.announcing.remove(at);
            self.announcing.push_back(peer);
            return None;
        }
        let outbound = self
            .announcing
            .iter()
            .filter(|p| is_inbound(**p) == Some(false))
            .count();
        // An inbound peer must not push out our last outbound one: move that one second.
        if inbound
            && self.announcing.len() >= MAX_HIGH_BANDWIDTH_PEERS
            && outbound == 1
            && self.announcing.front().and_then(|p| is_inbound(*p)) == Some(false)
        {
            self.announcing.swap(0, 1);
        }
        self.peer(peer).high_bandwidth_to = true;
        self.announcing.push_back(peer);
        if self.announcing.len() <= MAX_HIGH_BANDWIDTH_PEERS {
            return Some(None);
        }
        let dropped = self.announcing.pop_front();
        if let Some(dropped) = dropped {
            self.peer(dropped).high_bandwidth_to = false;
        }
        Some(dropped)
    }
}

/// The handshake is done: tell the peer we can send version-2 compact blocks, without
/// asking it to announce with them yet (Core, on `verack`).
pub fn on_handshake(shared: &Shared, peer: &Peer, version: i32) {
    if version >= SHORT_IDS_BLOCKS_VERSION {
        send(peer, shared, &sendcmpct(false));
    }
}

fn sendcmpct(announce: bool) -> NetworkMessage {
    NetworkMessage::SendCmpct(SendCmpct {
        announce,
        version: CMPCTBLOCKS_VERSION,
    })
}

/// `sendcmpct`: a version other than 2 is ignored (Core speaks only compact blocks with
/// witnesses); version 2 says the peer can send them, and whether it wants ours pushed.
pub fn on_sendcmpct(shared: &Shared, peer: &Peer, message: SendCmpct) {
    if message.version != CMPCTBLOCKS_VERSION {
        return;
    }
    let mut relay = shared.net.compact();
    let state = relay.peer(peer.id);
    state.provides = true;
    state.high_bandwidth_from = message.announce;
}

/// Asks `peer` to announce new blocks as `cmpctblock` (Core
/// `MaybeSetPeerAsAnnouncingHeaderAndIDs`). Called when the peer gave us a new block
/// first.
fn set_high_bandwidth(shared: &Shared, peer: &Peer) {
    // A -blocksonly node's mempool cannot rebuild compact blocks.
    if shared.net.blocks_only() {
        return;
    }
    let peers = shared.net.peers().list();
    let is_inbound = |id: u64| peers.iter().find(|p| p.id == id).map(|p| p.is_inbound());
    let chosen = shared
        .net
        .compact()
        .choose_high_bandwidth(peer.id, peer.is_inbound(), is_inbound);
    let Some(dropped) = chosen else {
        return;
    };
    tracing::debug!(target: "cmpctblock", "asking peer={} for high-bandwidth compact blocks", peer.id);
    send(peer, shared, &sendcmpct(true));
    if let Some(stop) = dropped.and_then(|id| peers.iter().find(|p| p.id == id)) {
        send(stop, shared, &sendcmpct(false));
    }
}

/// A block from `peer` was accepted. When no other block is awaited from it and the node
/// is out of initial download, the peer is a fast source of blocks: ask it for
/// high-bandwidth relay (Core `BlockChecked`).
pub fn block_accepted(shared: &Shared, peer: &Peer, nothing_in_flight: bool) {
    if !nothing_in_flight || shared.node().is_initial_block_download() {
        return;
    }
    set_high_bandwidth(shared, peer);
}

/// A new block on the tip, checked but not yet connected (Core's `NewPoWValidBlock`):
/// sent at once as `cmpctblock` to each high-bandwidth peer that has its parent and not
/// it, a round trip and a validation earlier than the announcement after connection
/// (which then passes over these peers). Once per height, and only with segwit active
/// (the compact block's short ids cover witnesses).
pub fn relay_before_connecting(
    net: &Net,
    chain: &sou_chain::Chainstate<crate::store::DiskStore>,
    block: &Block,
    hash: &BlockHash,
) {
    let Some(entry) = chain.entry(hash) else {
        return;
    };
    if entry.height < chain.params().deployments.segwit_height {
        return;
    }
    let parent = block.header.prev_blockhash;
    // The peers and what they have, read before the compact-block state is locked (no
    // other lock is taken while it is held).
    let peers: Vec<(Arc<Peer>, Option<BlockHash>)> = net
        .peers()
        .list()
        .into_iter()
        .filter_map(|peer| {
            let (done, best_known) = {
                let stats = peer.stats();
                (
                    stats.handshake_done,
                    stats.best_known.map(|(known, _)| known),
                )
            };
            done.then_some((peer, best_known))
        })
        .collect();
    let has = |known: Option<BlockHash>, block: &BlockHash| {
        known.is_some_and(|k| chain.descends_from(&k, block))
    };
    let mut targets = Vec::new();
    {
        let mut relay = net.compact();
        if entry.height <= relay.highest_fast_announce {
            return;
        }
        relay.highest_fast_announce = entry.height;
        for (peer, best_known) in peers {
            let state = relay.peer(peer.id);
            if state.high_bandwidth_from
                && !has(best_known, hash)
                && !has(state.best_sent, hash)
                && (has(best_known, &parent) || has(state.best_sent, &parent))
            {
                state.best_sent = Some(*hash);
                targets.push(peer);
            }
        }
    }
    if targets.is_empty() {
        return;
    }
    let compact = match HeaderAndShortIds::from_block(block, super::handshake::random_nonce()) {
        Ok(compact) => NetworkMessage::CmpctBlock(compact),
        Err(e) => {
            tracing::debug!(target: "cmpctblock", "cannot make a compact block: {e}");
            return;
        }
    };
    let frame = sou_p2p::encode_frame(net.magic(), &compact);
    for peer in targets {
        tracing::debug!(target: "net", "PeerManager::NewPoWValidBlock sending header-and-ids {hash} to peer={}", peer.id);
        peer.queue(compact.command_str(), frame.clone());
    }
}

/// True when `peer` was sent `tip` (or a block after it) already, as a compact block
/// before connection.
pub fn sent_already(
    net: &Net,
    chain: &sou_chain::Chainstate<crate::store::DiskStore>,
    peer: u64,
    tip: &BlockHash,
) -> bool {
    net.compact()
        .peers
        .get(&peer)
        .and_then(|p| p.best_sent)
        .is_some_and(|sent| chain.descends_from(&sent, tip))
}

/// Called by [`relay::announce_tip`](super::relay::announce_tip) for each peer that lacks
/// the new tip: a high-bandwidth peer that has its parent gets it as `cmpctblock` (true:
/// announced here); the others get the usual `headers` or `inv` (false). Notes the tip as
/// announced either way.
pub fn announce(net: &Net, node: &Node, peer: &Arc<Peer>, best_known: Option<BlockHash>) -> bool {
    let chain = node.chain();
    let tip = chain.tip();
    let Some(parent) = chain.entry(&tip).map(|e| e.header.prev_blockhash) else {
        return false;
    };
    let wants_compact = {
        let mut relay = net.compact();
        let state = relay.peer(peer.id);
        let has =
            |known: Option<BlockHash>| known.is_some_and(|k| chain.descends_from(&k, &parent));
        let has_parent = has(best_known) || has(state.best_sent);
        state.best_sent = Some(tip);
        state.high_bandwidth_from && has_parent
    };
    if !wants_compact {
        return false;
    }
    // The block is read from disk, which needs the node's lock that our caller holds:
    // the announcement goes out from a blocking task as soon as the lock is free.
    let Some((handle, shared)) = net.started.get() else {
        return false;
    };
    let shared = shared.clone();
    let peer = Arc::clone(peer);
    handle.spawn_blocking(move || {
        let Some(shared) = shared.upgrade() else {
            return;
        };
        let block = shared.node().chain_mut().block(&tip);
        match block {
            Ok(Some(block)) => {
                tracing::debug!(target: "net", "sending header-and-ids {tip} to peer={}", peer.id);
                send_compact(&shared, &peer, &block);
            }
            _ => tracing::debug!(target: "net", "cannot load block {tip} to announce"),
        }
    });
    true
}

/// Sends `block` as a `cmpctblock` with a fresh nonce.
fn send_compact(shared: &Shared, peer: &Peer, block: &Block) {
    match HeaderAndShortIds::from_block(block, super::handshake::random_nonce()) {
        Ok(compact) => send(peer, shared, &NetworkMessage::CmpctBlock(compact)),
        Err(e) => tracing::debug!(target: "cmpctblock", "cannot make a compact block: {e}"),
    }
}

/// `getdata(MSG_CMPCT_BLOCK)`: a block near the tip as `cmpctblock`, an older one whole
/// with witnesses (Core `ProcessGetBlockData`); false when we do not have it.
pub fn serve_getdata(shared: &Shared, peer: &Peer, hash: &BlockHash) -> bool {
    let (block, near_tip) = {
        let mut node = shared.node();
        let tip_height = node.chain().height();
        let near_tip = node
            .chain()
            .entry(hash)
            .is_some_and(|e| e.height.saturating_add(MAX_CMPCTBLOCK_DEPTH) >= tip_height);
        match node.chain_mut().block(hash) {
            Ok(Some(block)) => (block, near_tip),
            Ok(None) => return false,
            Err(e) => {
                tracing::error!("Cannot load block {hash} from disk: {e}");
                return false;
            }
        }
    };
    if near_tip {
        send_compact(shared, peer, &block);
    } else {
        send(peer, shared, &NetworkMessage::Block(block));
    }
    true
}

/// Asks for the one block `wanted` as a compact block when Core would: the peer sends
/// them, it is the only block in flight, it builds on our tip, and we are near the tip
/// with a mempool to rebuild it from (Core's "direct fetch" in `ProcessHeadersMessage`).
pub fn prefer_compact(
    shared: &Shared,
    peer: &Peer,
    wanted: Vec<Inventory>,
    in_flight: usize,
) -> Vec<Inventory> {
    let [Inventory::WitnessBlock(hash)] = wanted.as_slice() else {
        return wanted;
    };
    if in_flight != 1 || shared.net.blocks_only() || !shared.net.compact().provides(peer.id) {
        return wanted;
    }
    let node = shared.node();
    let on_tip = node
        .chain()
        .entry(hash)
        .is_some_and(|e| e.header.prev_blockhash == node.chain().tip());
    if !on_tip || node.is_initial_block_download() {
        return wanted;
    }
    vec![Inventory::CompactBlock(*hash)]
}

/// `getblocktxn`: the transactions asked for, from the stored block (Core
/// `SendBlockTransactions`); an index beyond the block is misbehaviour.
pub fn on_getblocktxn(
    shared: &Shared,
    peer: &Peer,
    request: &BlockTransactionsRequest,
) -> Result<(), Disconnect> {
    let hash = request.block_hash();
    let (block, deep) = {
        let mut node = shared.node();
        let tip_height = node.chain().height();
        let Some(entry) = node.chain().entry(&hash).filter(|e| e.has_data).cloned() else {
            tracing::debug!(target: "net", "Peer {} sent us a getblocktxn for a block we don't have", peer.id);
            return Ok(());
        };
        let deep = entry.height.saturating_add(MAX_BLOCKTXN_DEPTH) < tip_height;
        match node.chain_mut().block(&hash) {
            Ok(Some(block)) => (block, deep),
            Ok(None) => return Ok(()),
            Err(e) => {
                tracing::error!("Cannot load block {hash} from disk: {e}");
                return Ok(());
            }
        }
    };
    if deep {
        // Core answers with the whole block, so that asking for old blocks' transactions
        // costs the asker as much bandwidth as it costs us disk reads.
        tracing::debug!(target: "net", "Peer {} sent us a getblocktxn for a block > {MAX_BLOCKTXN_DEPTH} deep", peer.id);
        send(peer, shared, &NetworkMessage::Block(block));
        return Ok(());
    }
    let mut transactions = Vec::with_capacity(request.indexes().len());
    for &index in request.indexes() {
        match block.txdata.get(usize::from(index)) {
            Some(tx) => transactions.push(tx.clone()),
            None => return misbehaving(peer, "getblocktxn with out-of-bounds tx indices".into()),
        }
    }
    tracing::debug!(
        target: "cmpctblock",
        "Peer {} sent us a GETBLOCKTXN for block {hash}, sending a BLOCKTXN with {} txns.",
        peer.id,
        transactions.len()
    );
    send(
        peer,
        shared,
        &NetworkMessage::BlockTxn(BlockTransactions {
            block_hash: hash,
            transactions,
        }),
    );
    Ok(())
}

/// Whether segwit's witness commitment applies to a block on `parent`.
fn segwit_after(node: &Node, parent: &BlockHash) -> bool {
    let height = node.chain().entry(parent).map_or(0, |e| e.height);
    height.saturating_add(1) >= node.params().deployments.segwit_height
}

/// Asks for the whole block with witnesses, the fallback when a compact block fails.
fn fetch_full(shared: &Shared, peer: &Peer, hash: BlockHash) {
    send(
        peer,
        shared,
        &NetworkMessage::GetData(vec![Inventory::WitnessBlock(hash)]),
    );
}

/// What to do with a `cmpctblock`, decided with the node locked.
enum Next {
    Nothing,
    /// Treat it as a `headers` announcement.
    Headers,
    /// Fetch the whole block.
    FetchFull,
    /// Rebuilt: hand it on as a `block`.
    Block(Block),
    /// Ask for the missing transactions; the block waits for them.
    Ask(PartialBlock),
    Misbehaving(String),
}

/// `cmpctblock`: accept its header, then rebuild the block from the mempool if we asked
/// for it or the peer is one of our high-bandwidth peers (Core's `CMPCTBLOCK` handler).
pub fn on_cmpctblock(
    shared: &Arc<Shared>,
    peer: &Arc<Peer>,
    state: &mut SyncState,
    compact: HeaderAndShortIds,
) -> Result<(), Disconnect> {
    if shared.net.blocks_only() {
        tracing::debug!(target: "cmpctblock", "peer={} sent us a compact block even though we are blocksonly!", peer.id);
        return Ok(());
    }
    let (provides, high_bandwidth_to) = {
        let mut relay = shared.net.compact();
        let p = relay.peer(peer.id);
        (p.provides, p.high_bandwidth_to)
    };
    if !provides {
        tracing::debug!(target: "cmpctblock", "peer={} sent us a compact block despite never having sent us a SENDCMPCT!", peer.id);
        return Ok(());
    }
    let header = *compact.header();
    let hash = header.block_hash();
    let requested = state.is_in_flight(&hash);
    // Taken before the node's lock, which `on_tx` never holds while it holds this one.
    let extra = shared.net.tx_relay().extra();
    let next = {
        let mut node = shared.node();
        if node.chain().entry(&header.prev_blockhash).is_none() {
            // Does not connect: `headers` asks for what links it to our chain.
            Next::Headers
        } else {
            match node.submit_header(&header) {
                // Core `MaybePunishNodeForBlock` with `via_compact_block`: a header
                // relayed before its block was checked may be bad through no fault of
                // the peer (BIP152 allows it), so only a broken header is punished.
                Err(e) if punishable(&e) => Next::Misbehaving(format!(
                    "invalid header via cmpctblock, {}",
                    e.reject_reason()
                )),
                Err(_) => Next::Nothing,
                Ok(_) => decide(&node, peer, &compact, requested, high_bandwidth_to, extra),
            }
        }
    };
    let height = shared.node().chain().entry(&hash).map(|e| e.height);
    if let Some(height) = height {
        // The peer has this block (Core `UpdateBlockAvailability`).
        let mut stats = peer.stats();
        if stats.best_known.is_none_or(|(_, h)| height > h) {
            stats.best_known = Some((hash, height));
        }
    }
    if let (Next::FetchFull | Next::Ask(_), Some(height)) = (&next, height) {
        // Awaited from this peer now: it times out like any block asked for.
        state.expect(hash, height);
    }
    match next {
        Next::Nothing => Ok(()),
        Next::Headers => sync::on_headers(shared, peer, state, &[header]),
        Next::FetchFull => {
            fetch_full(shared, peer, hash);
            Ok(())
        }
        Next::Block(block) => sync::on_block_via(shared, peer, state, block, true),
        Next::Ask(partial) => {
            let request = BlockTransactionsRequest::new(hash, partial.missing());
            shared.net.compact().peer(peer.id).partial = Some((hash, partial));
            match request {
                Ok(request) => send(peer, shared, &NetworkMessage::GetBlockTxn(request)),
                // `missing` increases by construction.
                Err(_) => fetch_full(shared, peer, hash),
            }
            Ok(())
        }
        Next::Misbehaving(why) => {
            forget(shared, peer, state, hash)?;
            misbehaving(peer, why)
        }
    }
}

/// Stops awaiting the block from this peer (Core `RemoveBlockRequest`).
fn forget(
    shared: &Arc<Shared>,
    peer: &Arc<Peer>,
    state: &mut SyncState,
    hash: BlockHash,
) -> Result<(), Disconnect> {
    if !state.is_in_flight(&hash) {
        return Ok(());
    }
    sync::on_notfound(shared, peer, state, &[Inventory::WitnessBlock(hash)])
}

/// Whether a header refused in a compact block costs the peer (Core
/// `MaybePunishNodeForBlock` with `via_compact_block`): a header broken in itself, or on
/// a missing or invalid parent, does; a consensus fault, a block found invalid before or
/// one dated ahead does not.
fn punishable(error: &sou_chain::consensus::BlockError) -> bool {
    use sou_chain::consensus::BlockErrorKind;
    matches!(
        error.kind(),
        BlockErrorKind::InvalidHeader | BlockErrorKind::InvalidPrev | BlockErrorKind::MissingPrev
    )
}

/// The heart of the `cmpctblock` handler, with the header accepted and the node locked.
fn decide(
    node: &Node,
    peer: &Peer,
    compact: &HeaderAndShortIds,
    requested: bool,
    high_bandwidth_to: bool,
    extra: Vec<(sou_primitives::Wtxid, Arc<sou_primitives::Transaction>)>,
) -> Next {
    let hash = compact.header().block_hash();
    let chain = node.chain();
    let Some(entry) = chain.entry(&hash) else {
        return Next::Nothing;
    };
    if entry.has_data {
        return Next::Nothing;
    }
    if !requested && !high_bandwidth_to {
        tracing::debug!(target: "cmpctblock", "peer={}, not marked as high-bandwidth, sent us an unsolicited compact block!", peer.id);
        return Next::Nothing;
    }
    let tip = chain.entry(&chain.tip());
    if tip.is_some_and(|t| entry.chain_work <= t.chain_work) {
        // We know something better; our mempool will not help.
        return if requested {
            Next::FetchFull
        } else {
            Next::Nothing
        };
    }
    let tip_height = tip.map_or(0, |t| t.height);
    if entry.height > tip_height.saturating_add(2) {
        // Far ahead of us: the mempool will not have its transactions.
        return if requested {
            Next::FetchFull
        } else {
            Next::Headers
        };
    }
    let pool = node
        .mempool()
        .entries()
        .map(|e| (e.wtxid, Arc::clone(&e.tx)));
    let partial = match PartialBlock::with_extra(compact, pool, extra) {
        Ok(partial) => partial,
        Err(e) if e.is_peer_fault() => {
            return Next::Misbehaving(format!("invalid compact block ({e})"));
        }
        Err(e) => {
            tracing::debug!(target: "cmpctblock", "compact block {hash} from peer={} failed: {e}", peer.id);
            return Next::FetchFull;
        }
    };
    tracing::debug!(
        target: "cmpctblock",
        "Initialized PartiallyDownloadedBlock for block {hash} using a cmpctblock of {} bytes",
        NetworkMessage::CmpctBlock(compact.clone()).encode_payload().len()
    );
    if partial.missing().is_empty() {
        let (prefilled, found, extra) = (
            partial.prefilled_count(),
            partial.found_count(),
            partial.extra_count(),
        );
        return match partial.fill(Vec::new(), segwit_after(node, &entry.header.prev_blockhash)) {
            Ok(block) => {
                tracing::debug!(target: "cmpctblock", "Successfully reconstructed block {hash} with {prefilled} txn prefilled, {found} txn from mempool (incl at least {extra} from extra pool) and 0 txn (0 bytes) requested");
                Next::Block(block)
            }
            Err(e) => {
                tracing::debug!(target: "cmpctblock", "compact block {hash} from peer={} failed: {e}", peer.id);
                Next::FetchFull
            }
        };
    }
    Next::Ask(partial)
}

/// `blocktxn`: the transactions a `getblocktxn` of ours asked for; with them the block is
/// complete (Core `ProcessCompactBlockTxns`).
pub fn on_blocktxn(
    shared: &Arc<Shared>,
    peer: &Arc<Peer>,
    state: &mut SyncState,
    answer: BlockTransactions,
) -> Result<(), Disconnect> {
    let hash = answer.block_hash;
    let partial = {
        let mut relay = shared.net.compact();
        let p = relay.peer(peer.id);
        match p.partial.take() {
            Some((waiting, partial)) if waiting == hash => Some(partial),
            other => {
                p.partial = other;
                None
            }
        }
    };
    let Some(partial) = partial else {
        tracing::debug!(target: "net", "Peer {} sent us block transactions for block we weren't expecting", peer.id);
        return Ok(());
    };
    let segwit = segwit_after(&shared.node(), &partial.header().prev_blockhash);
    let (prefilled, found, extra) = (
        partial.prefilled_count(),
        partial.found_count(),
        partial.extra_count(),
    );
    let asked = answer.transactions.len();
    let asked_bytes: usize = answer.transactions.iter().map(|tx| tx.total_size()).sum();
    let required: Vec<sou_primitives::Txid> = if asked < 5 {
        answer
            .transactions
            .iter()
            .map(|tx| tx.compute_txid())
            .collect()
    } else {
        Vec::new()
    };
    match partial.fill(answer.transactions, segwit) {
        Ok(block) => {
            tracing::debug!(target: "cmpctblock", "Successfully reconstructed block {hash} with {prefilled} txn prefilled, {found} txn from mempool (incl at least {extra} from extra pool) and {asked} txn ({asked_bytes} bytes) requested");
            for txid in required {
                tracing::debug!(target: "cmpctblock", "Reconstructed block {hash} required tx {txid}");
            }
            sync::on_block_via(shared, peer, state, block, true)
        }
        Err(e) if e.is_peer_fault() => {
            // Core `RemoveBlockRequest`, in case the peer stays (a manual one).
            forget(shared, peer, state, hash)?;
            misbehaving(
                peer,
                format!("invalid compact block/non-matching block transactions ({e})"),
            )
        }
        Err(e) => {
            // Might have collided: fetch the block.
            tracing::debug!(target: "cmpctblock", "compact block {hash} from peer={} failed: {e}", peer.id);
            fetch_full(shared, peer, hash);
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CompactRelay;

    /// A relay where peers 0..10 sent `sendcmpct` version 2; peer 0 is outbound.
    fn relay() -> CompactRelay {
        let mut relay = CompactRelay::default();
        for id in 0..10 {
            relay.peer(id).provides = true;
        }
        relay
    }

    fn inbound(id: u64) -> Option<bool> {
        Some(id != 0)
    }

    #[test]
    fn three_high_bandwidth_peers_the_oldest_dropped() {
        let mut relay = relay();
        relay.peer(42);
        assert_eq!(
            relay.choose_high_bandwidth(42, true, inbound),
            None,
            "no sendcmpct"
        );
        assert_eq!(relay.choose_high_bandwidth(1, true, inbound), Some(None));
        assert_eq!(relay.choose_high_bandwidth(2, true, inbound), Some(None));
        assert_eq!(relay.choose_high_bandwidth(3, true, inbound), Some(None));
        // Chosen again: moves last, nothing sent.
        assert_eq!(relay.choose_high_bandwidth(1, true, inbound), None);
        assert_eq!(relay.choose_high_bandwidth(4, true, inbound), Some(Some(2)));
        assert_eq!(relay.high_bandwidth(2), (false, false));
        assert_eq!(relay.high_bandwidth(4), (true, false));
        assert_eq!(Vec::from(relay.announcing.clone()), vec![3, 1, 4]);
        relay.peer_gone(3);
        assert_eq!(Vec::from(relay.announcing.clone()), vec![1, 4]);
    }

    #[test]
    fn an_inbound_peer_does_not_push_out_the_last_outbound_one() {
        let mut relay = relay();
        for id in [0, 1, 2] {
            assert_eq!(
                relay.choose_high_bandwidth(id, id != 0, inbound),
                Some(None)
            );
        }
        // Peer 0, outbound and oldest, stays: peer 1 goes instead.
        assert_eq!(relay.choose_high_bandwidth(3, true, inbound), Some(Some(1)));
        assert_eq!(Vec::from(relay.announcing.clone()), vec![0, 2, 3]);
        // As long as it is the only outbound one, every inbound newcomer spares it.
        assert_eq!(relay.choose_high_bandwidth(4, true, inbound), Some(Some(2)));
        assert_eq!(Vec::from(relay.announcing.clone()), vec![0, 3, 4]);
    }
}
