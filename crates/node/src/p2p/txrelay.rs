//! Transaction relay: how a payment spreads from the node it was sent to, to every miner.
//!
//! A node that accepts a transaction into its pool announces it to its peers with an
//! `inv`; a peer that lacks it answers `getdata`, gets the `tx`, checks it against its own
//! pool and announces it in turn. Since BIP339 peers that both send `wtxidrelay` name
//! transactions by wtxid (`MSG_WTX`), so that a copy with a mangled witness cannot be
//! confused with the original; other peers use the txid. A peer may ask for nothing
//! below a fee rate (`feefilter`, BIP133) or for no transactions at all (`relay` false in
//! its `version`, as `-blocksonly` nodes send).
//!
//! A transaction whose parents the pool does not know is an *orphan*: it is kept for a
//! while (at most [`MAX_ORPHANS`], for [`ORPHAN_EXPIRY_SECS`]) and its parents are asked
//! from the peer that sent it; when a parent enters the pool its orphans are tried again.
//! A transaction the pool refused is remembered until the next block, so that it is not
//! downloaded again from every peer announcing it (Core's `m_lazy_recent_rejects`).
//!
//! The last [`DEFAULT_EXTRA_TXN`] transactions a peer sent that did not stay in the pool
//! (refused the first time, orphans, or replaced by a peer's replacement) are kept aside
//! (`-blockreconstructionextratxn`): a miner may have taken one of them, and a compact
//! block then rebuilds without asking for it (Core's `vExtraTxnForCompact`).
//!
//! sou announces at once where Core waits a random few seconds to blur where a
//! transaction came from (its "trickle"); on a regtest network of a few nodes speed reads
//! better than privacy.
//!
//! References: Core `PeerManagerImpl::ProcessMessage` (`tx`, `inv`, `feefilter`,
//! `mempool`), `ProcessGetData`, `RelayTransaction`, `SendMessages` (transaction
//! announcements), src/node/txorphanage.cpp; BIP35, BIP133, BIP339.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;

use sou_mempool::RejectKind;
use sou_p2p::{Inventory, NetworkMessage};
use sou_primitives::{Amount, Transaction, Txid, Witness, Wtxid};

use super::connection::{send, Disconnect};
use super::peers::Peer;
use crate::rpc::dispatch::Shared;

/// Most orphans kept (Core's former `DEFAULT_MAX_ORPHAN_TRANSACTIONS`).
pub const MAX_ORPHANS: usize = 100;
/// How long an orphan waits for its parents (Core `ORPHAN_TX_EXPIRE_TIME`, 20 minutes).
pub const ORPHAN_EXPIRY_SECS: i64 = 20 * 60;
/// Most refused transactions remembered between blocks.
const MAX_RECENT_REJECTS: usize = 120_000;
/// Most transactions remembered per peer as known to it.
const MAX_KNOWN_PER_PEER: usize = 50_000;
/// Most transactions asked of one peer and not yet received (Core
/// `MAX_PEER_TX_ANNOUNCEMENTS`): announcements beyond it are ignored.
const MAX_PEER_TX_ANNOUNCEMENTS: usize = 5_000;
/// Most items in one `getdata` (Core `MAX_GETDATA_SZ`).
const MAX_GETDATA_SZ: usize = 1_000;

/// Transactions kept aside for compact blocks (Core
/// `DEFAULT_BLOCK_RECONSTRUCTION_EXTRA_TXN`).
pub const DEFAULT_EXTRA_TXN: usize = 100;
/// A transaction this large is not kept aside (Core's bound on its memory use, here on
/// its serialised size).
const MAX_EXTRA_TX_SIZE: usize = 100_000;

/// An orphan: the transaction, who sent it, and until when it is kept.
#[derive(Debug)]
struct Orphan {
    tx: Arc<Transaction>,
    from: u64,
    expires: i64,
}

/// The relay's memory: orphans, recent refusals, and what each peer is known to have.
#[derive(Debug)]
pub struct TxRelay {
    orphans: HashMap<Wtxid, Orphan>,
    orphan_order: VecDeque<Wtxid>,
    recent_rejects: HashSet<[u8; 32]>,
    known: HashMap<u64, HashSet<[u8; 32]>>,
    /// What each peer was asked for and has not sent yet.
    requested: HashMap<u64, HashSet<[u8; 32]>>,
    /// Recent transactions that did not stay in the pool, oldest first, for compact
    /// blocks.
    extra: VecDeque<(Wtxid, Arc<Transaction>)>,
    /// How many `extra` keeps (`-blockreconstructionextratxn`).
    extra_max: usize,
}

impl Default for TxRelay {
    fn default() -> TxRelay {
        TxRelay {
            orphans: HashMap::new(),
            orphan_order: VecDeque::new(),
            recent_rejects: HashSet::new(),
            known: HashMap::new(),
            requested: HashMap::new(),
            extra: VecDeque::new(),
            extra_max: DEFAULT_EXTRA_TXN,
        }
    }
}

impl TxRelay {
    /// Sets how many transactions are kept aside for compact blocks
    /// (`-blockreconstructionextratxn`; 0 keeps none).
    pub fn set_extra_max(&mut self, max: usize) {
        self.extra_max = max;
        while self.extra.len() > max {
            self.extra.pop_front();
        }
    }

    /// Keeps `tx` aside for compact blocks, forgetting the oldest beyond the limit (Core
    /// `AddToCompactExtraTransactions`).
    pub fn add_extra(&mut self, tx: Arc<Transaction>) {
        if self.extra_max == 0 || tx.total_size() >= MAX_EXTRA_TX_SIZE {
            return;
        }
        if self.extra.len() >= self.extra_max {
            self.extra.pop_front();
        }
        self.extra.push_back((tx.compute_wtxid(), tx));
    }

    /// The transactions kept aside, oldest first.
    pub fn extra(&self) -> Vec<(Wtxid, Arc<Transaction>)> {
        self.extra.iter().cloned().collect()
    }

    /// Forgets the refusals: a new block may make them valid (Core resets its filter when
    /// the tip changes).
    pub fn tip_changed(&mut self) {
        self.recent_rejects.clear();
    }

    /// Forgets a peer that left.
    pub fn peer_gone(&mut self, peer: u64) {
        self.known.remove(&peer);
        self.requested.remove(&peer);
        self.orphans.retain(|_, o| o.from != peer);
        let orphans = &self.orphans;
        self.orphan_order.retain(|w| orphans.contains_key(w));
    }

    /// Notes that `peer` has (or was told of) the transaction with these ids.
    fn mark_known(&mut self, peer: u64, txid: &Txid, wtxid: &Wtxid) {
        let known = self.known.entry(peer).or_default();
        if known.len() >= MAX_KNOWN_PER_PEER {
            known.clear();
        }
        known.insert(*txid.as_byte_array());
        known.insert(*wtxid.as_byte_array());
    }

    fn is_known(&self, peer: u64, hash: &[u8; 32]) -> bool {
        self.known.get(&peer).is_some_and(|k| k.contains(hash))
    }

    fn reject(&mut self, hash: [u8; 32]) {
        if self.recent_rejects.len() >= MAX_RECENT_REJECTS {
            self.recent_rejects.clear();
        }
        self.recent_rejects.insert(hash);
    }

    /// Keeps an orphan, evicting the oldest when full and dropping the expired.
    fn add_orphan(&mut self, tx: Arc<Transaction>, from: u64, now: i64) {
        let wtxid = tx.compute_wtxid();
        if self.orphans.contains_key(&wtxid) {
            return;
        }
        self.orphans.retain(|_, o| o.expires > now);
        while self.orphans.len() >= MAX_ORPHANS {
            match self.orphan_order.pop_front() {
                Some(oldest) => {
                    self.orphans.remove(&oldest);
                }
                None => break,
            }
        }
        let orphans = &self.orphans;
        self.orphan_order.retain(|w| orphans.contains_key(w));
        self.orphans.insert(
            wtxid,
            Orphan {
                tx,
                from,
                expires: now + ORPHAN_EXPIRY_SECS,
            },
        );
        self.orphan_order.push_back(wtxid);
    }

    /// Takes out the orphans spending an output of `parent`.
    fn children_of(&mut self, parent: &Txid) -> Vec<(Arc<Transaction>, u64)> {
        let found: Vec<Wtxid> = self
            .orphans
            .iter()
            .filter(|(_, o)| o.tx.input.iter().any(|i| i.previous_output.txid == *parent))
            .map(|(w, _)| *w)
            .collect();
        found
            .into_iter()
            .filter_map(|w| self.orphans.remove(&w))
            .map(|o| (o.tx, o.from))
            .collect()
    }

    /// How many orphans are kept.
    pub fn orphan_count(&self) -> usize {
        self.orphans.len()
    }
}

/// Announces a transaction now in the pool to every peer that wants transactions, does
/// not have it, and does not filter its fee rate out (Core `RelayTransaction` and the
/// announcement part of `SendMessages`).
pub fn announce(shared: &Shared, tx: &Transaction, except: Option<u64>) {
    if shared.net.blocks_only() {
        return;
    }
    let txid = tx.compute_txid();
    let wtxid = tx.compute_wtxid();
    let (fee, vsize) = {
        let node = shared.node();
        match node.mempool().get(&txid) {
            Some(entry) => (entry.fee, entry.vsize),
            None => return,
        }
    };
    let peers = shared.net.peers().list();
    let mut relay = shared.net.tx_relay();
    for peer in peers {
        if Some(peer.id) == except {
            relay.mark_known(peer.id, &txid, &wtxid);
            continue;
        }
        let (ready, wtxid_relay, fee_filter) = {
            let stats = peer.stats();
            (
                stats.handshake_done && stats.relay && peer.connection_type.relays_transactions(),
                stats.wtxid_relay,
                stats.fee_filter,
            )
        };
        if !ready {
            continue;
        }
        let hash = if wtxid_relay {
            *wtxid.as_byte_array()
        } else {
            *txid.as_byte_array()
        };
        if relay.is_known(peer.id, &hash) {
            continue;
        }
        // BIP133: the peer's minimum, per 1,000 virtual bytes, rounded up as Core's
        // `CFeeRate::GetFee`.
        let wanted = (i128::from(fee_filter) * i128::from(vsize) + 999) / 1000;
        if i128::from(fee.to_sat()) < wanted {
            continue;
        }
        relay.mark_known(peer.id, &txid, &wtxid);
        let item = if wtxid_relay {
            Inventory::WitnessTxid(wtxid)
        } else {
            Inventory::Tx(txid)
        };
        send(&peer, shared, &NetworkMessage::Inv(vec![item]));
    }
}

/// The transaction items of an `inv`: those not known are asked for (by wtxid from a
/// BIP339 peer, by txid with witnesses from another).
pub fn on_inv(
    shared: &Arc<Shared>,
    peer: &Arc<Peer>,
    items: &[Inventory],
) -> Result<(), Disconnect> {
    let wtxid_relay = peer.stats().wtxid_relay;
    let mut wanted = Vec::new();
    for item in items {
        let hash = match item {
            // A peer announcing by the other kind of id than agreed is ignored, as Core.
            Inventory::WitnessTxid(w) if wtxid_relay => *w.as_byte_array(),
            Inventory::Tx(t) if !wtxid_relay => *t.as_byte_array(),
            _ => continue,
        };
        if shared.net.blocks_only() {
            return Err(Disconnect(format!(
                "transaction ({}) inv sent in violation of protocol",
                hex_id(&hash)
            )));
        }
        let have = {
            let node = shared.node();
            let pool = node.mempool();
            match item {
                Inventory::WitnessTxid(w) => pool.get_by_wtxid(w).is_some(),
                Inventory::Tx(t) => pool.contains(t),
                _ => true,
            }
        };
        let mut relay = shared.net.tx_relay();
        let known = relay.recent_rejects.contains(&hash)
            || relay.orphans.keys().any(|w| w.as_byte_array() == &hash);
        relay.known.entry(peer.id).or_default().insert(hash);
        let requested = relay.requested.entry(peer.id).or_default();
        if !have && !known && requested.len() < MAX_PEER_TX_ANNOUNCEMENTS && requested.insert(hash)
        {
            wanted.push(match item {
                Inventory::WitnessTxid(w) => Inventory::WitnessTxid(*w),
                Inventory::Tx(t) => Inventory::WitnessTx(*t),
                other => *other,
            });
        }
    }
    for batch in wanted.chunks(MAX_GETDATA_SZ) {
        send(peer, shared, &NetworkMessage::GetData(batch.to_vec()));
    }
    Ok(())
}

/// `notfound`: the peer has not the transactions it announced; ask others if they come.
pub fn on_notfound(shared: &Shared, peer: &Peer, items: &[Inventory]) {
    let mut relay = shared.net.tx_relay();
    if let Some(requested) = relay.requested.get_mut(&peer.id) {
        for item in items {
            match item {
                Inventory::Tx(t) | Inventory::WitnessTx(t) => {
                    requested.remove(t.as_byte_array());
                }
                Inventory::WitnessTxid(w) => {
                    requested.remove(w.as_byte_array());
                }
                _ => {}
            }
        }
    }
}

/// The ids Core prints, byte-reversed hex.
fn hex_id(hash: &[u8; 32]) -> String {
    let mut reversed = *hash;
    reversed.reverse();
    hex::encode(reversed)
}

/// `tx`: into the pool; relayed if accepted, kept as an orphan if its parents are missing
/// (which are then asked for), remembered if refused.
pub fn on_tx(shared: &Arc<Shared>, peer: &Arc<Peer>, tx: Transaction) -> Result<(), Disconnect> {
    let txid = tx.compute_txid();
    let wtxid = tx.compute_wtxid();
    if shared.net.blocks_only() {
        return Err(Disconnect(
            "transaction sent in violation of protocol".to_string(),
        ));
    }
    {
        let mut relay = shared.net.tx_relay();
        relay.mark_known(peer.id, &txid, &wtxid);
        if let Some(requested) = relay.requested.get_mut(&peer.id) {
            requested.remove(txid.as_byte_array());
            requested.remove(wtxid.as_byte_array());
        }
    }
    let mut todo: VecDeque<(Arc<Transaction>, u64)> = VecDeque::from([(Arc::new(tx), peer.id)]);
    // The first is new; the others are orphans tried again (Core's `first_time_failure`).
    let mut first_time = true;
    while let Some((tx, from)) = todo.pop_front() {
        let first = std::mem::take(&mut first_time);
        let txid = tx.compute_txid();
        let wtxid = tx.compute_wtxid();
        let (result, now) = {
            let mut node = shared.node();
            if node.mempool().get_by_wtxid(&wtxid).is_some() {
                continue;
            }
            let now = node.now();
            let result = node.accept_to_mempool(Arc::clone(&tx), false);
            node.log_from_peer(&result, from);
            (result, now)
        };
        if let sou_mempool::pool::TxOutcome::Valid { replaced, .. } = &result.outcome {
            let mut relay = shared.net.tx_relay();
            for old in replaced {
                relay.add_extra(Arc::clone(old));
            }
        }
        if result.is_valid() {
            shared.live.mempool_changed();
            shared.live.tx_from_peer(from, &txid);
            announce(shared, &tx, Some(from));
            let children = shared.net.tx_relay().children_of(&txid);
            todo.extend(children);
            continue;
        }
        let Some(rejection) = result.rejection() else {
            continue;
        };
        if rejection.kind == RejectKind::MissingInputs {
            let parents: Vec<Txid> = {
                let node = shared.node();
                let mut parents: Vec<Txid> = tx
                    .input
                    .iter()
                    .map(|i| i.previous_output.txid)
                    .filter(|p| !node.mempool().contains(p))
                    .collect();
                parents.sort();
                parents.dedup();
                parents
            };
            let mut relay = shared.net.tx_relay();
            if first && !relay.orphans.contains_key(&wtxid) {
                relay.add_extra(Arc::clone(&tx));
            }
            // A parent refused already will not come: neither will this one enter.
            if parents
                .iter()
                .any(|p| relay.recent_rejects.contains(p.as_byte_array()))
            {
                relay.reject(*wtxid.as_byte_array());
                continue;
            }
            relay.add_orphan(Arc::clone(&tx), from, now);
            drop(relay);
            tracing::debug!(target: "mempool", "stored orphan tx {txid} (wtxid={wtxid})");
            if from == peer.id {
                let wanted: Vec<Inventory> =
                    parents.into_iter().map(Inventory::WitnessTx).collect();
                if !wanted.is_empty() {
                    send(peer, shared, &NetworkMessage::GetData(wanted));
                }
            }
        } else {
            let mut relay = shared.net.tx_relay();
            if first {
                relay.add_extra(Arc::clone(&tx));
            }
            relay.reject(*wtxid.as_byte_array());
        }
    }
    Ok(())
}

/// The transaction items of a `getdata`: sent from the pool (without witnesses for
/// `MSG_TX`); the others are returned as not found.
pub fn serve(shared: &Shared, peer: &Peer, item: &Inventory) -> bool {
    let found = {
        let mut node = shared.node();
        let (tx, witness) = match item {
            Inventory::Tx(txid) => (node.mempool().get(txid).map(|e| Arc::clone(&e.tx)), false),
            Inventory::WitnessTx(txid) => {
                (node.mempool().get(txid).map(|e| Arc::clone(&e.tx)), true)
            }
            Inventory::WitnessTxid(wtxid) => (
                node.mempool()
                    .get_by_wtxid(wtxid)
                    .map(|e| Arc::clone(&e.tx)),
                true,
            ),
            _ => return false,
        };
        if let Some(tx) = &tx {
            // Asked for, so announced: no longer this node's to rebroadcast.
            node.remove_unbroadcast(&tx.compute_txid());
        }
        tx.map(|tx| (tx, witness))
    };
    let Some((tx, witness)) = found else {
        return false;
    };
    let mut tx = tx.as_ref().clone();
    if !witness {
        for input in &mut tx.input {
            input.witness = Witness::default();
        }
    }
    send(peer, shared, &NetworkMessage::Tx(tx));
    true
}

/// `feefilter` (BIP133): the peer's minimum fee rate for announcements, kept if in range.
pub fn on_feefilter(peer: &Peer, rate: Amount) {
    if (0..=sou_primitives::Amount::MAX_MONEY.to_sat()).contains(&rate.to_sat()) {
        peer.stats().fee_filter = rate.to_sat();
        tracing::debug!(target: "net", "received: feefilter of {} sat/kvB from peer={}", rate.to_sat(), peer.id);
    }
}

/// `mempool` (BIP35): served only to peers allowed bloom filters, which sou does not
/// offer, so the peer is disconnected as Core does.
pub fn on_mempool(peer: &Peer) -> Result<(), Disconnect> {
    Err(Disconnect(format!(
        "mempool request with bloom filters disabled, peer={}",
        peer.id
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sou_primitives::{OutPoint, Script, TxIn, TxOut};

    fn tx(n: u32) -> Arc<Transaction> {
        Arc::new(Transaction {
            version: 2,
            input: vec![TxIn {
                previous_output: OutPoint::new(Txid::from_byte_array([1; 32]), n),
                script_sig: Script::new(),
                sequence: 0,
                witness: Witness::new(),
            }],
            output: vec![TxOut {
                value: Amount::from_sat(1),
                script_pubkey: Script::new(),
            }],
            lock_time: 0,
        })
    }

    #[test]
    fn the_extra_transactions_keep_the_last_ones() {
        let mut relay = TxRelay::default();
        for n in 0..150 {
            relay.add_extra(tx(n));
        }
        let kept = relay.extra();
        assert_eq!(kept.len(), DEFAULT_EXTRA_TXN);
        assert_eq!(kept[0].1, tx(50), "the oldest forgotten first");
        relay.set_extra_max(3);
        assert_eq!(relay.extra()[0].1, tx(147));
        relay.set_extra_max(0);
        relay.add_extra(tx(1));
        assert!(relay.extra().is_empty());
    }
}
