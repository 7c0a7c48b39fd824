//! Compact blocks (BIP152) at work: short ids, a block made compact, a block rebuilt.
//!
//! The messages themselves are in [`messages::compact`](crate::messages::compact); this
//! module holds what a node does with them, as functions of values:
//!
//! 1. **Short ids.** A `cmpctblock` names each transaction by 6 bytes: the low 48 bits of
//!    SipHash-2-4 of its wtxid, keyed by the first 16 bytes of SHA256(header ‖ nonce)
//!    ([`ShortIdKey`]). The header and the sender's random nonce change the key for every
//!    block and every sender, so nobody can grind two transactions with the same short id
//!    ahead of time and jam relay with them.
//! 2. **Sending** ([`HeaderAndShortIds::from_block`]). Core prefills the coinbase alone
//!    (the receiver cannot have it) and gives every other transaction a short id.
//! 3. **Receiving** ([`PartialBlock`]). The receiver lays out one slot per transaction,
//!    puts the prefilled ones in place, then hashes each transaction of its mempool (and
//!    of any other store of recent transactions) with the block's key and fills the slots
//!    whose short id matches. What is left, it asks for with `getblocktxn`
//!    ([`PartialBlock::missing`]) and completes with the `blocktxn` answer
//!    ([`PartialBlock::fill`]). A collision (two ids the same, or a wrong transaction
//!    matched) shows as a block whose merkle root does not match its header
//!    ([`is_block_mutated`]); the receiver then asks for the full block.
//!
//! Core sorts the outcomes in two: a message no honest peer sends
//! ([`ReconstructionError::is_peer_fault`], `READ_STATUS_INVALID`, the peer is punished)
//! and bad luck (`READ_STATUS_FAILED`, the full block is fetched instead).
//!
//! References: BIP152 "Short transaction ID calculation", "Specification for version 2";
//! Core `CBlockHeaderAndShortTxIDs`, `PartiallyDownloadedBlock::InitData`, `FillBlock`
//! (src/blockencodings.cpp), `IsBlockMutated` (src/validation.cpp).

use std::collections::HashMap;
use std::sync::Arc;

use siphasher::sip::SipHasher24;
use sou_primitives::encoding::serialize;
use sou_primitives::hashes::sha256;
use sou_primitives::{Block, BlockHeader, Transaction, Wtxid};
use thiserror::Error;

use crate::error::MessageError;
use crate::messages::compact::{HeaderAndShortIds, PrefilledTransaction, ShortId};

/// Most transactions a block can hold: its weight limit over the lightest transaction
/// (Core `MAX_BLOCK_WEIGHT / MIN_SERIALIZABLE_TRANSACTION_WEIGHT`, 4,000,000 / 40).
pub const MAX_BLOCK_TRANSACTIONS: usize = 4_000_000 / 40;

/// The SipHash-2-4 key of a compact block's short ids (Core `FillShortTxIDSelector`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShortIdKey {
    k0: u64,
    k1: u64,
}

impl ShortIdKey {
    /// The key of a block sent with `nonce`: SHA256 of the 80-byte header and the nonce
    /// (8 bytes, little-endian), whose first two little-endian 64-bit words are k0 and k1.
    pub fn new(header: &BlockHeader, nonce: u64) -> ShortIdKey {
        let mut data = serialize(header);
        data.extend_from_slice(&nonce.to_le_bytes());
        let hash = sha256(&data);
        let word = |i: usize| {
            let mut bytes = [0u8; 8];
            bytes.copy_from_slice(&hash[8 * i..8 * i + 8]);
            u64::from_le_bytes(bytes)
        };
        ShortIdKey {
            k0: word(0),
            k1: word(1),
        }
    }

    /// A key from its two words, as Core's `PresaltedSipHasher(k0, k1)`.
    pub const fn from_words(k0: u64, k1: u64) -> ShortIdKey {
        ShortIdKey { k0, k1 }
    }

    /// The whole 64-bit SipHash-2-4 of the wtxid's 32 bytes (internal order).
    pub fn siphash(&self, wtxid: &Wtxid) -> u64 {
        use std::hash::Hasher;
        let mut hasher = SipHasher24::new_with_keys(self.k0, self.k1);
        hasher.write(wtxid.as_byte_array());
        hasher.finish()
    }

    /// The short id of the transaction with this wtxid: the hash's low 48 bits.
    pub fn short_id(&self, wtxid: &Wtxid) -> ShortId {
        ShortId::from_siphash(self.siphash(wtxid))
    }
}

impl HeaderAndShortIds {
    /// The compact form of `block` as Core sends it: the coinbase prefilled, every other
    /// transaction by its short id under `nonce` (which should be random). Refused for a
    /// block without transactions or with more than 65,535.
    pub fn from_block(block: &Block, nonce: u64) -> Result<HeaderAndShortIds, MessageError> {
        let Some((coinbase, rest)) = block.txdata.split_first() else {
            return Err(MessageError::IndexOverflow {
                what: "cmpctblock of a block without transactions",
            });
        };
        let key = ShortIdKey::new(&block.header, nonce);
        let short_ids = rest
            .iter()
            .map(|tx| key.short_id(&tx.compute_wtxid()))
            .collect();
        let prefilled = vec![PrefilledTransaction {
            index: 0,
            tx: coinbase.clone(),
        }];
        HeaderAndShortIds::new(block.header, nonce, short_ids, prefilled)
    }

    /// The key of this block's short ids.
    pub fn short_id_key(&self) -> ShortIdKey {
        ShortIdKey::new(self.header(), self.nonce())
    }

    /// How many transactions the block has: short ids plus prefilled.
    pub fn block_tx_count(&self) -> usize {
        self.short_ids().len() + self.prefilled_txs().len()
    }
}

/// Why a compact block could not become a block.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ReconstructionError {
    /// The header's `bits` are zero (Core's `IsNull` header).
    #[error("compact block with a null header")]
    NullHeader,
    /// Neither short ids nor prefilled transactions.
    #[error("compact block without transactions")]
    NoTransactions,
    /// More transactions than a block can hold.
    #[error("compact block of {count} transactions, more than a block holds")]
    TooManyTransactions {
        /// Short ids plus prefilled.
        count: usize,
    },
    /// A prefilled transaction with neither inputs nor outputs (Core's `IsNull`).
    #[error("prefilled transaction {index} is empty")]
    EmptyPrefilled {
        /// Its index in the block.
        index: u16,
    },
    /// A prefilled transaction placed beyond the block's transactions: some slot would
    /// have neither a short id nor a prefilled transaction.
    #[error("prefilled transaction at index {index}, beyond the block's {count}")]
    PrefilledOutOfRange {
        /// The index claimed.
        index: u16,
        /// Short ids plus prefilled.
        count: usize,
    },
    /// Two transactions of the block share a short id: they cannot be told apart.
    #[error("two transactions of the compact block share a short id")]
    ShortIdCollision,
    /// `blocktxn` brought another number of transactions than were missing.
    #[error("{found} transactions sent for {expected} missing")]
    WrongTransactionCount {
        /// How many were missing.
        expected: usize,
        /// How many came.
        found: usize,
    },
    /// The rebuilt block does not match its header's merkle root or its witness
    /// commitment: a short id matched the wrong transaction.
    #[error("the rebuilt block does not match its header")]
    Mutated,
}

impl ReconstructionError {
    /// True for a message no honest peer sends (Core's `READ_STATUS_INVALID`: the peer is
    /// punished); false for bad luck (`READ_STATUS_FAILED`: the full block is fetched).
    pub fn is_peer_fault(&self) -> bool {
        !matches!(self, Self::ShortIdCollision | Self::Mutated)
    }
}

/// What offering a candidate did to its slot.
enum Offer {
    Nothing,
    Filled,
    Emptied,
}

/// A block being rebuilt from a compact block (Core `PartiallyDownloadedBlock`).
#[derive(Debug, Clone)]
pub struct PartialBlock {
    header: BlockHeader,
    /// One slot per transaction of the block, filled or not.
    slots: Vec<Option<Arc<Transaction>>>,
    prefilled: usize,
    found: usize,
    /// The slot of each short id.
    by_short_id: HashMap<u64, usize>,
    /// The wtxid each slot was filled with, to tell a second match from a duplicate.
    filled_by: HashMap<usize, Wtxid>,
    /// How many of `found` came from the extra transactions (Core's "at least": a
    /// second match found there takes one off, whichever source filled the slot).
    from_extra: usize,
}

impl PartialBlock {
    /// Lays out `compact`'s transactions and fills what `candidates` (mempool
    /// transactions, by wtxid) provide (Core `InitData`). A short id matched by two
    /// different candidates is left empty, to be asked for.
    pub fn new<I>(
        compact: &HeaderAndShortIds,
        candidates: I,
    ) -> Result<PartialBlock, ReconstructionError>
    where
        I: IntoIterator<Item = (Wtxid, Arc<Transaction>)>,
    {
        PartialBlock::with_extra(compact, candidates, std::iter::empty())
    }

    /// [`PartialBlock::new`], then the `extra` transactions a node keeps for this
    /// purpose (Core's `vExtraTxnForCompact`: recent orphans, refused and replaced
    /// transactions, which a miner may have seen and kept), searched after the pool.
    pub fn with_extra<I, J>(
        compact: &HeaderAndShortIds,
        candidates: I,
        extra: J,
    ) -> Result<PartialBlock, ReconstructionError>
    where
        I: IntoIterator<Item = (Wtxid, Arc<Transaction>)>,
        J: IntoIterator<Item = (Wtxid, Arc<Transaction>)>,
    {
        if compact.header().bits.to_consensus() == 0 {
            return Err(ReconstructionError::NullHeader);
        }
        let count = compact.block_tx_count();
        if count == 0 {
            return Err(ReconstructionError::NoTransactions);
        }
        if count > MAX_BLOCK_TRANSACTIONS {
            return Err(ReconstructionError::TooManyTransactions { count });
        }
        let mut slots: Vec<Option<Arc<Transaction>>> = vec![None; count];
        for prefilled in compact.prefilled_txs() {
            let index = prefilled.index;
            if prefilled.tx.input.is_empty() && prefilled.tx.output.is_empty() {
                return Err(ReconstructionError::EmptyPrefilled { index });
            }
            // The messages hold absolute, increasing indexes, so an index below `count`
            // leaves room for a short id in every slot before it.
            let slot = slots
                .get_mut(usize::from(index))
                .ok_or(ReconstructionError::PrefilledOutOfRange { index, count })?;
            *slot = Some(Arc::new(prefilled.tx.clone()));
        }
        // The short ids fill the free slots in order.
        let mut by_short_id: HashMap<u64, usize> = HashMap::with_capacity(count);
        let mut free = slots
            .iter()
            .enumerate()
            .filter(|(_, s)| s.is_none())
            .map(|(i, _)| i);
        for id in compact.short_ids() {
            let Some(slot) = free.next() else {
                break;
            };
            if by_short_id.insert(id.to_u64(), slot).is_some() {
                return Err(ReconstructionError::ShortIdCollision);
            }
        }
        let mut partial = PartialBlock {
            header: *compact.header(),
            slots,
            prefilled: compact.prefilled_txs().len(),
            found: 0,
            by_short_id,
            filled_by: HashMap::new(),
            from_extra: 0,
        };
        let key = compact.short_id_key();
        for (wtxid, tx) in candidates {
            if partial.found == partial.by_short_id.len() {
                // Core stops here too: a later candidate could reveal a collision, but
                // the merkle root will.
                break;
            }
            partial.offer(key.short_id(&wtxid).to_u64(), wtxid, tx);
        }
        for (wtxid, tx) in extra {
            if partial.found == partial.by_short_id.len() {
                break;
            }
            match partial.offer(key.short_id(&wtxid).to_u64(), wtxid, tx) {
                Offer::Filled => partial.from_extra += 1,
                Offer::Emptied => partial.from_extra = partial.from_extra.saturating_sub(1),
                Offer::Nothing => {}
            }
        }
        Ok(partial)
    }

    /// Puts a candidate whose short id is `id` in its slot, if the block has one; a
    /// second candidate for the same slot empties it (Core: "If we find two mempool txn
    /// that match the short id, just request it").
    fn offer(&mut self, id: u64, wtxid: Wtxid, tx: Arc<Transaction>) -> Offer {
        let Some(&slot) = self.by_short_id.get(&id) else {
            return Offer::Nothing;
        };
        match self.filled_by.get(&slot) {
            None => {
                self.filled_by.insert(slot, wtxid);
                if let Some(s) = self.slots.get_mut(slot) {
                    *s = Some(tx);
                }
                self.found += 1;
                Offer::Filled
            }
            // The same transaction offered twice (pool and recent ones): no conflict.
            Some(first) if *first == wtxid => Offer::Nothing,
            Some(_) => match self.slots.get_mut(slot).and_then(Option::take) {
                Some(_) => {
                    self.found -= 1;
                    Offer::Emptied
                }
                None => Offer::Nothing,
            },
        }
    }

    /// The block's header.
    pub fn header(&self) -> &BlockHeader {
        &self.header
    }

    /// The indexes of the transactions still missing, increasing: what `getblocktxn`
    /// asks for.
    pub fn missing(&self) -> Vec<u16> {
        self.slots
            .iter()
            .enumerate()
            .filter(|(_, s)| s.is_none())
            // At most `MAX_BLOCK_TRANSACTIONS` slots and a 16-bit count from the message:
            // every index fits.
            .filter_map(|(i, _)| u16::try_from(i).ok())
            .collect()
    }

    /// How many transactions were prefilled.
    pub fn prefilled_count(&self) -> usize {
        self.prefilled
    }

    /// How many transactions the candidates provided (the pool and the extra ones).
    pub fn found_count(&self) -> usize {
        self.found
    }

    /// How many of those at least came from the extra transactions.
    pub fn extra_count(&self) -> usize {
        self.from_extra
    }

    /// The block, with `missing` in the empty slots in order (Core `FillBlock`); checked
    /// against its header's merkle root and, with `check_witness`, its witness
    /// commitment.
    pub fn fill(
        self,
        missing: Vec<Transaction>,
        check_witness: bool,
    ) -> Result<Block, ReconstructionError> {
        let expected = self.slots.iter().filter(|s| s.is_none()).count();
        if missing.len() != expected {
            return Err(ReconstructionError::WrongTransactionCount {
                expected,
                found: missing.len(),
            });
        }
        let mut missing = missing.into_iter();
        let mut txdata = Vec::with_capacity(self.slots.len());
        for slot in self.slots {
            match slot {
                Some(tx) => txdata.push(Arc::unwrap_or_clone(tx)),
                // Counted above: there is one for each empty slot.
                None => txdata.extend(missing.next()),
            }
        }
        let block = Block {
            header: self.header,
            txdata,
        };
        if is_block_mutated(&block, check_witness) {
            return Err(ReconstructionError::Mutated);
        }
        Ok(block)
    }
}

/// True when `block`'s transactions are not the ones its header commits to (Core
/// `IsBlockMutated`): the merkle root differs or pairs two equal hashes (CVE-2012-2459);
/// without a coinbase first, a 64-byte transaction could pass for an inner node of the
/// tree; and, with `check_witness`, the witnesses do not match the coinbase's commitment
/// (or are present without one).
pub fn is_block_mutated(block: &Block, check_witness: bool) -> bool {
    let merkle = block.compute_merkle_root();
    if merkle.mutated || merkle.root != block.header.merkle_root {
        return true;
    }
    if !block.txdata.first().is_some_and(Transaction::is_coinbase) {
        return block.txdata.iter().any(|tx| tx.base_size() == 64);
    }
    if check_witness {
        if let Some(committed) = block.witness_commitment() {
            return block.witness_reserved_value().is_none()
                || block.compute_witness_commitment() != Some(committed);
        }
    }
    block.txdata.iter().any(Transaction::has_witness)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests: a panic is a failed test")]

    use super::*;
    use crate::messages::compact::BlockTransactionsRequest;
    use crate::NetworkMessage;
    use sou_primitives::{
        Amount, BlockHash, CompactTarget, OutPoint, Script, TxIn, TxMerkleNode, TxOut, Txid,
        Witness,
    };

    /// A transaction spending `seed`'s outpoint to one output (Core's
    /// `BuildTransactionTestCase` with its own inputs).
    fn tx(seed: u8, witness: bool) -> Transaction {
        Transaction {
            version: 2,
            input: vec![TxIn {
                previous_output: OutPoint::new(Txid::from_byte_array([seed; 32]), 0),
                script_sig: if witness {
                    Script::new()
                } else {
                    Script::from_bytes(vec![0; 10])
                },
                sequence: 0xffff_ffff,
                witness: if witness {
                    Witness::from_items([vec![seed; 3]])
                } else {
                    Witness::default()
                },
            }],
            output: vec![TxOut {
                value: Amount::from_sat(42),
                script_pubkey: Script::from_bytes(vec![0x51]),
            }],
            lock_time: 0,
        }
    }

    fn coinbase() -> Transaction {
        Transaction {
            input: vec![TxIn {
                previous_output: OutPoint::NULL,
                script_sig: Script::from_bytes(vec![1, 1]),
                sequence: 0xffff_ffff,
                witness: Witness::default(),
            }],
            ..tx(0, false)
        }
    }

    /// A block of a coinbase and `n` transactions, its merkle root right.
    fn block(n: u8) -> Block {
        let mut txdata = vec![coinbase()];
        txdata.extend((1..=n).map(|i| tx(i, false)));
        let mut block = Block {
            header: BlockHeader {
                version: 42,
                prev_blockhash: BlockHash::from_byte_array([9; 32]),
                merkle_root: TxMerkleNode::from_byte_array([0; 32]),
                time: 1_700_000_000,
                bits: CompactTarget::from_consensus(0x207f_ffff),
                nonce: 0,
            },
            txdata,
        };
        block.header.merkle_root = block.compute_merkle_root().root;
        block
    }

    fn pool_of(txs: &[Transaction]) -> Vec<(Wtxid, Arc<Transaction>)> {
        txs.iter()
            .map(|t| (t.compute_wtxid(), Arc::new(t.clone())))
            .collect()
    }

    #[test]
    fn siphash_matches_cores_presalted_vector() {
        // Core src/test/hash_tests.cpp: PresaltedSipHasher(0x0706050403020100,
        // 0x0F0E0D0C0B0A0908) of the uint256 whose bytes are 00 01 .. 1f.
        let key = ShortIdKey::from_words(0x0706_0504_0302_0100, 0x0f0e_0d0c_0b0a_0908);
        let bytes: [u8; 32] = std::array::from_fn(|i| u8::try_from(i).unwrap());
        let wtxid = Wtxid::from_byte_array(bytes);
        assert_eq!(key.siphash(&wtxid), 0x7127_512f_72f2_7cce);
        // The short id keeps the low 48 bits, little-endian.
        assert_eq!(key.short_id(&wtxid).to_u64(), 0x512f_72f2_7cce);
        assert_eq!(
            key.short_id(&wtxid).to_bytes(),
            [0xce, 0x7c, 0xf2, 0x72, 0x2f, 0x51]
        );
    }

    #[test]
    fn the_key_is_sha256_of_header_and_nonce() {
        let header = block(0).header;
        let mut data = serialize(&header);
        data.extend_from_slice(&7u64.to_le_bytes());
        let hash = sha256(&data);
        let k0 = u64::from_le_bytes(hash[..8].try_into().unwrap());
        let k1 = u64::from_le_bytes(hash[8..16].try_into().unwrap());
        assert_eq!(ShortIdKey::new(&header, 7), ShortIdKey::from_words(k0, k1));
        assert_ne!(ShortIdKey::new(&header, 7), ShortIdKey::new(&header, 8));
    }

    #[test]
    fn a_block_round_trips_through_a_full_mempool() {
        // Core SimpleRoundTripTest: the coinbase prefilled, the rest from the pool.
        let block = block(2);
        let compact = HeaderAndShortIds::from_block(&block, 1234).unwrap();
        assert_eq!(compact.short_ids().len(), 2);
        assert_eq!(compact.prefilled_txs()[0].index, 0);
        assert_eq!(compact.prefilled_txs()[0].tx, block.txdata[0]);
        // Through the wire and back.
        let message = NetworkMessage::CmpctBlock(compact);
        let bytes = message.encode_payload();
        let NetworkMessage::CmpctBlock(compact) =
            NetworkMessage::decode(&crate::Command::new("cmpctblock").unwrap(), &bytes).unwrap()
        else {
            panic!("a cmpctblock");
        };
        let pool = pool_of(&block.txdata[1..]);
        let partial = PartialBlock::new(&compact, pool).unwrap();
        assert!(partial.missing().is_empty());
        assert_eq!(partial.found_count(), 2);
        assert_eq!(partial.fill(vec![], true).unwrap(), block);
    }

    #[test]
    fn what_the_pool_lacks_is_asked_for_and_filled() {
        let block = block(3);
        let compact = HeaderAndShortIds::from_block(&block, 5).unwrap();
        let pool = pool_of(&[block.txdata[2].clone()]);
        let partial = PartialBlock::new(&compact, pool).unwrap();
        assert_eq!(partial.missing(), vec![1, 3]);
        let request = BlockTransactionsRequest::new(block.block_hash(), partial.missing());
        assert!(request.is_ok());
        // Too few or too many: the peer's fault.
        let short = partial.clone().fill(vec![block.txdata[1].clone()], true);
        assert_eq!(
            short,
            Err(ReconstructionError::WrongTransactionCount {
                expected: 2,
                found: 1
            })
        );
        assert!(short.unwrap_err().is_peer_fault());
        // The wrong transaction: the merkle root says so, and it is bad luck.
        let wrong = partial
            .clone()
            .fill(vec![block.txdata[3].clone(), block.txdata[1].clone()], true);
        assert_eq!(wrong, Err(ReconstructionError::Mutated));
        assert!(!wrong.unwrap_err().is_peer_fault());
        let full = partial
            .fill(vec![block.txdata[1].clone(), block.txdata[3].clone()], true)
            .unwrap();
        assert_eq!(full, block);
    }

    #[test]
    fn extra_transactions_fill_what_the_pool_lacks() {
        // Core ReceiveWithExtraTransactions: one from the pool, one from the extra
        // ones, one still missing; a duplicate across both counts once.
        let block = block(3);
        let compact = HeaderAndShortIds::from_block(&block, 7).unwrap();
        let pool = pool_of(&block.txdata[2..3]);
        let extra = pool_of(&[block.txdata[1].clone(), block.txdata[2].clone()]);
        let partial = PartialBlock::with_extra(&compact, pool, extra).unwrap();
        assert_eq!(partial.missing(), vec![3]);
        assert_eq!((partial.found_count(), partial.extra_count()), (2, 1));
        let full = partial.fill(vec![block.txdata[3].clone()], true).unwrap();
        assert_eq!(full, block);
    }

    #[test]
    fn prefilled_transactions_besides_the_coinbase_take_their_slots() {
        // Core NonCoinbasePreforwardRTTest: transaction 2 prefilled, 0 and 1 by short id.
        let block = block(2);
        let key = ShortIdKey::new(&block.header, 3);
        let compact = HeaderAndShortIds::new(
            block.header,
            3,
            vec![
                key.short_id(&block.txdata[0].compute_wtxid()),
                key.short_id(&block.txdata[1].compute_wtxid()),
            ],
            vec![PrefilledTransaction {
                index: 2,
                tx: block.txdata[2].clone(),
            }],
        )
        .unwrap();
        let partial = PartialBlock::new(&compact, pool_of(&block.txdata[1..2])).unwrap();
        assert_eq!(partial.missing(), vec![0]);
        assert_eq!(partial.prefilled_count(), 1);
        assert_eq!(
            partial.fill(vec![block.txdata[0].clone()], true).unwrap(),
            block
        );
    }

    #[test]
    fn two_candidates_for_one_short_id_leave_the_slot_to_ask_for() {
        let block = block(1);
        let compact = HeaderAndShortIds::from_block(&block, 9).unwrap();
        let wanted = &block.txdata[1];
        let id = compact.short_ids()[0].to_u64();
        // Two different wtxids with one short id take about 2^24 tries to find: offer
        // them under the id directly.
        let mut partial = PartialBlock::new(&compact, vec![]).unwrap();
        assert_eq!(partial.missing(), vec![1]);
        partial.offer(id, wanted.compute_wtxid(), Arc::new(wanted.clone()));
        assert!(partial.missing().is_empty());
        // The same transaction again (from the pool and the recent ones): kept.
        partial.offer(id, wanted.compute_wtxid(), Arc::new(wanted.clone()));
        assert_eq!(partial.found_count(), 1);
        // Another one under the same id: neither can be trusted, the slot is asked for.
        let impostor = tx(77, false);
        partial.offer(id, impostor.compute_wtxid(), Arc::new(impostor));
        assert_eq!(partial.missing(), vec![1]);
        assert_eq!(partial.found_count(), 0);
        // A third does not fill it again.
        let third = tx(78, false);
        partial.offer(id, third.compute_wtxid(), Arc::new(third));
        assert_eq!(partial.missing(), vec![1]);
        assert_eq!(partial.fill(vec![wanted.clone()], true).unwrap(), block);
    }

    #[test]
    fn hostile_compact_blocks_are_errors() {
        let block = block(2);
        let compact = HeaderAndShortIds::from_block(&block, 1).unwrap();
        let ids = compact.short_ids().to_vec();
        let coinbase = PrefilledTransaction {
            index: 0,
            tx: block.txdata[0].clone(),
        };
        // Duplicate short ids: cannot be told apart, so the full block is fetched.
        let dup = HeaderAndShortIds::new(
            block.header,
            1,
            vec![ids[0], ids[0]],
            vec![coinbase.clone()],
        )
        .unwrap();
        assert_eq!(
            PartialBlock::new(&dup, vec![]).unwrap_err(),
            ReconstructionError::ShortIdCollision
        );
        // A prefilled index past the end: some slot has nothing.
        let beyond = HeaderAndShortIds::new(
            block.header,
            1,
            ids.clone(),
            vec![PrefilledTransaction {
                index: 3,
                tx: block.txdata[0].clone(),
            }],
        )
        .unwrap();
        let error = PartialBlock::new(&beyond, vec![]).unwrap_err();
        assert_eq!(
            error,
            ReconstructionError::PrefilledOutOfRange { index: 3, count: 3 }
        );
        assert!(error.is_peer_fault());
        // Nothing at all, an empty prefilled transaction, a null header.
        let empty = HeaderAndShortIds::new(block.header, 1, vec![], vec![]).unwrap();
        assert_eq!(
            PartialBlock::new(&empty, vec![]).unwrap_err(),
            ReconstructionError::NoTransactions
        );
        let null_tx = Transaction {
            input: vec![],
            output: vec![],
            ..tx(1, false)
        };
        let hollow = HeaderAndShortIds::new(
            block.header,
            1,
            ids.clone(),
            vec![PrefilledTransaction {
                index: 0,
                tx: null_tx,
            }],
        )
        .unwrap();
        assert_eq!(
            PartialBlock::new(&hollow, vec![]).unwrap_err(),
            ReconstructionError::EmptyPrefilled { index: 0 }
        );
        let mut null_header = block.header;
        null_header.bits = CompactTarget::from_consensus(0);
        let null = HeaderAndShortIds::new(null_header, 1, ids, vec![coinbase]).unwrap();
        assert_eq!(
            PartialBlock::new(&null, vec![]).unwrap_err(),
            ReconstructionError::NullHeader
        );
    }

    #[test]
    fn huge_claimed_counts_never_allocate() {
        // A cmpctblock claiming 2^32 short ids in a few bytes is refused from its count.
        let mut payload = serialize(&block(0).header);
        payload.extend_from_slice(&0u64.to_le_bytes());
        payload.extend_from_slice(&[0xfe, 0xff, 0xff, 0xff, 0xff]);
        let command = crate::Command::new("cmpctblock").unwrap();
        assert!(NetworkMessage::decode(&command, &payload).is_err());
        // 65,535 short ids and one prefilled: more than 16 bits of indexes.
        let ids = vec![ShortId::from_siphash(1); 65_535];
        let header = block(0).header;
        let prefilled = vec![PrefilledTransaction {
            index: 0,
            tx: coinbase(),
        }];
        assert!(HeaderAndShortIds::new(header, 0, ids, prefilled).is_err());
        // getblocktxn indexes whose gaps overflow 16 bits (Core
        // TransactionsRequestDeserializationOverflowTest).
        let mut payload = vec![0u8; 32];
        payload.extend_from_slice(&[3, 0xfd, 0x00, 0x70, 0xfd, 0xfe, 0x8f, 0x00]);
        let command = crate::Command::new("getblocktxn").unwrap();
        assert!(matches!(
            NetworkMessage::decode(&command, &payload),
            Err(MessageError::IndexOverflow { .. })
        ));
    }

    #[test]
    fn arbitrary_compact_blocks_never_panic() {
        // A xorshift stream drives counts, indexes and ids; every outcome is a value.
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let block = block(3);
        let pool = pool_of(&block.txdata[1..]);
        for _ in 0..2_000 {
            let ids: Vec<ShortId> = (0..next() % 6)
                .map(|_| ShortId::from_siphash(next() % 8))
                .collect();
            let mut index = 0u16;
            let mut prefilled = Vec::new();
            for _ in 0..next() % 4 {
                index = index.saturating_add(u16::try_from(next() % 4).unwrap());
                prefilled.push(PrefilledTransaction {
                    index,
                    tx: block.txdata[0].clone(),
                });
                index = index.saturating_add(1);
            }
            let Ok(compact) = HeaderAndShortIds::new(block.header, next(), ids, prefilled) else {
                continue;
            };
            let Ok(partial) = PartialBlock::new(&compact, pool.clone()) else {
                continue;
            };
            let missing = partial.missing();
            let answer: Vec<Transaction> = (0..(missing.len() + usize::from(next() % 2 == 0)))
                .map(|i| block.txdata[i % 4].clone())
                .collect();
            let _ = partial.fill(answer, next() % 2 == 0);
        }
    }

    #[test]
    fn a_wrong_witness_is_a_mutation() {
        let mut block = block(1);
        block.txdata[1] = tx(1, true);
        block.header.merkle_root = block.compute_merkle_root().root;
        // A witness without a commitment in the coinbase.
        assert!(is_block_mutated(&block, true));
        let plain = super::tests::block(1);
        assert!(!is_block_mutated(&plain, true));
        let mut moved = plain.clone();
        moved.header.merkle_root = TxMerkleNode::from_byte_array([1; 32]);
        assert!(is_block_mutated(&moved, true));
        // CVE-2012-2459: the last transaction repeated keeps the root.
        let mut repeated = super::tests::block(2);
        let last = repeated.txdata[2].clone();
        repeated.txdata.push(last);
        let root = repeated.header.merkle_root;
        assert_eq!(repeated.compute_merkle_root().root, root);
        assert!(is_block_mutated(&repeated, true));
    }
}
