//! Serving the chain to peers and announcing new tips.
//!
//! A peer syncing from us sends `getheaders`: we find the first hash of its locator on
//! our active chain (their fork point; genesis when none matches) and answer with up to
//! 2,000 headers after it, or up to its stop hash. It then asks for blocks with
//! `getdata`, answered with the stored `block` (with witnesses for `MSG_WITNESS_BLOCK`,
//! stripped for `MSG_BLOCK`) or `notfound`. When our tip moves, each peer that does not
//! already have it hears of it: as `headers` if it sent `sendheaders` (BIP130), else as
//! an `inv` of the tip.
//!
//! References: Core `PeerManagerImpl::ProcessMessage` (`getheaders`), `ProcessGetData`,
//! `SendMessages` (block announcements), src/net_processing.cpp.

use std::sync::Arc;

use sou_p2p::messages::sync::MAX_HEADERS_RESULTS;
use sou_p2p::{Inventory, LocatorRequest, NetworkMessage};
use sou_primitives::{Block, BlockHash, Witness};

use super::connection::{send, Disconnect};
use super::peers::{Peer, SEND_BUFFER_BYTES};
use super::Net;
use crate::node::Node;
use crate::rpc::dispatch::Shared;

/// At most this many new blocks are announced as `headers`; more, and only the tip goes,
/// as an `inv` (Core `MAX_BLOCKS_TO_ANNOUNCE`).
const MAX_BLOCKS_TO_ANNOUNCE: usize = 8;

/// `getheaders`: headers after the locator's fork point on our active chain.
pub fn on_getheaders(
    shared: &Arc<Shared>,
    peer: &Arc<Peer>,
    request: &LocatorRequest,
) -> Result<(), Disconnect> {
    let headers = {
        let node = shared.node();
        let chain = node.chain();
        // Core `FindForkInGlobalIndex`: the first locator hash on the active chain.
        let fork = request
            .locator
            .hashes
            .iter()
            .find(|h| chain.is_active(h))
            .and_then(|h| chain.entry(h))
            .map_or(0, |e| e.height);
        let start = usize::try_from(fork)
            .unwrap_or(usize::MAX)
            .saturating_add(1);
        let mut headers = Vec::new();
        for hash in chain.active_chain().iter().skip(start) {
            let Some(entry) = chain.entry(hash) else {
                break;
            };
            headers.push(entry.header);
            if headers.len() >= MAX_HEADERS_RESULTS || *hash == request.hash_stop {
                break;
            }
        }
        let stop = if request.hash_stop == BlockHash::ZERO {
            "end".to_string()
        } else {
            request.hash_stop.to_string()
        };
        // Core logs the height it starts from.
        tracing::debug!(
            target: "net",
            "getheaders {} to {stop} from peer={}",
            fork.saturating_add(1),
            peer.id
        );
        headers
    };
    send(peer, shared, &NetworkMessage::Headers(headers));
    Ok(())
}

/// The block without its witnesses, for a peer asking with `MSG_BLOCK`.
fn strip_witnesses(mut block: Block) -> Block {
    for tx in &mut block.txdata {
        for input in &mut tx.input {
            input.witness = Witness::default();
        }
    }
    block
}

/// How long serving `getdata` waits for a peer to read what was queued before giving up
/// on it.
const SEND_STALL_LIMIT: std::time::Duration = std::time::Duration::from_secs(60);

/// Waits (on a thread allowed to block) until the peer's queue is below
/// [`SEND_BUFFER_BYTES`]; an error when it does not read for [`SEND_STALL_LIMIT`].
fn wait_for_send_buffer(peer: &Peer) -> Result<(), Disconnect> {
    let started = std::time::Instant::now();
    while peer.queued_bytes() > SEND_BUFFER_BYTES {
        if peer.disconnect_requested() {
            return Err(Disconnect("disconnect requested".into()));
        }
        if started.elapsed() > SEND_STALL_LIMIT {
            return Err(Disconnect("peer does not read what we send".into()));
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    Ok(())
}

/// `getdata`: the blocks asked for, from the block files, sent as the peer reads them
/// (Core pauses the same way when its send buffer is full).
pub fn on_getdata(
    shared: &Arc<Shared>,
    peer: &Arc<Peer>,
    items: &[Inventory],
) -> Result<(), Disconnect> {
    let mut not_found = Vec::new();
    for item in items {
        let (hash, witness) = match item {
            Inventory::Block(hash) => (*hash, false),
            Inventory::WitnessBlock(hash) => (*hash, true),
            Inventory::CompactBlock(hash) => {
                wait_for_send_buffer(peer)?;
                if !super::compact::serve_getdata(shared, peer, hash) {
                    not_found.push(*item);
                }
                continue;
            }
            Inventory::Tx(_) | Inventory::WitnessTx(_) | Inventory::WitnessTxid(_) => {
                if !super::txrelay::serve(shared, peer, item) {
                    not_found.push(*item);
                }
                continue;
            }
            other => {
                not_found.push(*other);
                continue;
            }
        };
        wait_for_send_buffer(peer)?;
        let block = {
            let mut node = shared.node();
            node.chain_mut().block(&hash)
        };
        match block {
            Ok(Some(block)) => {
                let block = if witness {
                    block
                } else {
                    strip_witnesses(block)
                };
                send(peer, shared, &NetworkMessage::Block(block));
            }
            Ok(None) => not_found.push(*item),
            Err(e) => {
                tracing::error!("Cannot load block {hash} from disk: {e}");
                not_found.push(*item);
            }
        }
    }
    if !not_found.is_empty() {
        send(peer, shared, &NetworkMessage::NotFound(not_found));
    }
    Ok(())
}

/// Tells every peer that does not have it yet of the new tip (called with the node
/// locked, whenever the tip moved); returns whom it told, and with which message.
pub fn announce_tip(net: &Net, node: &Node) -> Vec<(u64, &'static str)> {
    let mut told = Vec::new();
    let chain = node.chain();
    let tip = chain.tip();
    let Some(tip_entry) = chain.entry(&tip) else {
        return told;
    };
    for peer in net.peers().list() {
        let (done, prefers_headers, best_known) = {
            let stats = peer.stats();
            (
                stats.handshake_done,
                stats.prefers_headers,
                stats.best_known,
            )
        };
        if !done {
            continue;
        }
        if best_known.is_some_and(|(known, _)| chain.descends_from(&known, &tip)) {
            continue;
        }
        // Sent as a compact block before it was connected (Core's `PeerHasHeader` on
        // `pindexBestHeaderSent`).
        if super::compact::sent_already(net, chain, peer.id, &tip) {
            continue;
        }
        // A high-bandwidth BIP152 peer gets the block itself, as `cmpctblock`.
        if super::compact::announce(net, node, &peer, best_known.map(|(known, _)| known)) {
            told.push((peer.id, "cmpctblock"));
            continue;
        }
        // The blocks between what the peer has and the tip, if few.
        let mut new_headers = Vec::new();
        let mut cursor = tip;
        while new_headers.len() <= MAX_BLOCKS_TO_ANNOUNCE {
            let Some(entry) = chain.entry(&cursor) else {
                break;
            };
            if best_known.is_some_and(|(known, _)| known == cursor) || entry.height == 0 {
                break;
            }
            new_headers.push(entry.header);
            cursor = entry.header.prev_blockhash;
        }
        let message = if prefers_headers
            && new_headers.len() <= MAX_BLOCKS_TO_ANNOUNCE
            && best_known.is_some()
        {
            new_headers.reverse();
            NetworkMessage::Headers(new_headers)
        } else if prefers_headers {
            NetworkMessage::Headers(vec![tip_entry.header])
        } else {
            NetworkMessage::Inv(vec![Inventory::Block(tip)])
        };
        tracing::debug!(target: "net", "announcing block {tip} to peer={}", peer.id);
        told.push((
            peer.id,
            match message {
                NetworkMessage::Headers(_) => "headers",
                _ => "inv",
            },
        ));
        peer.queue(
            message.command_str(),
            sou_p2p::encode_frame(net.magic(), &message),
        );
    }
    told
}
