//! Blocks: a header that commits to a list of transactions.
//!
//! A block is an 80-byte [`BlockHeader`] followed by its transactions, the first of which is
//! the coinbase that pays the miner. The header commits to the transactions through the
//! *merkle root*: txids are hashed in pairs, level by level, until one hash remains, so
//! that changing any transaction changes the root and so the block hash that proof of work
//! was spent on. Segwit (BIP141) adds a second tree over wtxids, whose root the coinbase
//! commits to in an `OP_RETURN` output, because old nodes had to keep accepting headers of
//! the old shape.
//!
//! Satoshi's merkle tree duplicates the last hash of an odd level. That makes two different
//! transaction lists share one root (CVE-2012-2459): `[a, b, c]` and `[a, b, c, c]`.
//! [`Block::compute_merkle_root`] reports such a *mutated* list as Core's
//! `ComputeMerkleRoot` does, so that validation can refuse it without marking the header
//! itself invalid.
//!
//! References: BIP141 "Commitment structure"; Core `src/primitives/block.h`,
//! `src/consensus/merkle.cpp` (`ComputeMerkleRoot`, `BlockWitnessMerkleRoot`),
//! `src/consensus/validation.h` (`GetWitnessCommitmentIndex`, `GetBlockWeight`).

use crate::encoding::{
    compact_size_len, decode_list, encode_list, Decode, DecodeError, Encode, Reader, WriteBytes,
};
use crate::hashes::batch::Sha256dLanes;
use crate::hashes::{sha256d, BlockHash, TxMerkleNode, WitnessMerkleNode};
use crate::pow::CompactTarget;
use crate::transaction::{decode_with_spans, Transaction, TxIds, Weight, WITNESS_SCALE_FACTOR};

/// The header of a block: 80 bytes, the part that proof of work hashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BlockHeader {
    /// Block version; since BIP9 its top bits signal soft-fork readiness.
    pub version: i32,
    /// Hash of the previous block's header: the chain link.
    pub prev_blockhash: BlockHash,
    /// Root of the merkle tree of the block's txids.
    pub merkle_root: TxMerkleNode,
    /// Miner's timestamp, seconds since 1970 (must exceed the median of the last 11).
    pub time: u32,
    /// The proof-of-work target in compact form ("nBits").
    pub bits: CompactTarget,
    /// The number miners vary to search for a hash below the target.
    pub nonce: u32,
}

impl BlockHeader {
    /// Serialised size.
    pub const SIZE: usize = 80;

    /// The 80 serialised bytes.
    pub fn to_bytes(&self) -> [u8; 80] {
        let mut out = [0u8; 80];
        out[0..4].copy_from_slice(&self.version.to_le_bytes());
        out[4..36].copy_from_slice(self.prev_blockhash.as_byte_array());
        out[36..68].copy_from_slice(self.merkle_root.as_byte_array());
        out[68..72].copy_from_slice(&self.time.to_le_bytes());
        out[72..76].copy_from_slice(&self.bits.to_consensus().to_le_bytes());
        out[76..80].copy_from_slice(&self.nonce.to_le_bytes());
        out
    }

    /// Hashes the header: the block's name, and the number proof of work must bring under
    /// the target.
    pub fn block_hash(&self) -> BlockHash {
        BlockHash::from_byte_array(sha256d(&self.to_bytes()))
    }
}

impl Encode for BlockHeader {
    fn encode_to<W: WriteBytes + ?Sized>(&self, w: &mut W) {
        w.write_bytes(&self.to_bytes());
    }
    fn encoded_len(&self) -> usize {
        Self::SIZE
    }
}

impl Decode for BlockHeader {
    fn decode_from(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(BlockHeader {
            version: r.read_i32_le()?,
            prev_blockhash: BlockHash::decode_from(r)?,
            merkle_root: TxMerkleNode::decode_from(r)?,
            time: r.read_u32_le()?,
            bits: CompactTarget::from_consensus(r.read_u32_le()?),
            nonce: r.read_u32_le()?,
        })
    }
}

/// A merkle root together with whether the leaf list was *mutated* (CVE-2012-2459): two
/// equal hashes paired at some level, so another list has the same root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MerkleRoot<T> {
    /// The root (all zeros for an empty list, as in Core).
    pub root: T,
    /// True if some level paired two identical hashes.
    pub mutated: bool,
}

/// Computes the merkle root of `leaves` exactly as Core's `ComputeMerkleRoot`.
///
/// Each level hashes adjacent pairs with `sha256d(left || right)`; an odd level pairs its
/// last hash with itself.
pub fn compute_merkle_root(mut level: Vec<[u8; 32]>) -> MerkleRoot<[u8; 32]> {
    let mut mutated = false;
    while level.len() > 1 {
        mutated |= level.chunks_exact(2).any(|pair| pair[0] == pair[1]);
        if level.len() % 2 == 1 {
            if let Some(&last) = level.last() {
                level.push(last);
            }
        }
        let mut buf = [0u8; 64];
        for i in 0..level.len() / 2 {
            buf[..32].copy_from_slice(&level[2 * i]);
            buf[32..].copy_from_slice(&level[2 * i + 1]);
            level[i] = sha256d(&buf);
        }
        level.truncate(level.len() / 2);
    }
    MerkleRoot {
        root: level.first().copied().unwrap_or([0; 32]),
        mutated,
    }
}

/// The prefix of a witness commitment output: `OP_RETURN`, a 36-byte push, and the
/// 4-byte tag `aa21a9ed` (BIP141).
pub const WITNESS_COMMITMENT_HEADER: [u8; 6] = [0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed];

/// The shortest script that can hold a witness commitment (Core `MINIMUM_WITNESS_COMMITMENT`).
pub const MINIMUM_WITNESS_COMMITMENT: usize = 38;

/// `sha256d(witness_root || reserved_value)`, the 32 bytes a coinbase commits to (BIP141).
pub fn compute_witness_commitment(
    witness_root: &WitnessMerkleNode,
    reserved_value: &[u8; 32],
) -> [u8; 32] {
    let mut buf = [0u8; 64];
    buf[..32].copy_from_slice(witness_root.as_byte_array());
    buf[32..].copy_from_slice(reserved_value);
    sha256d(&buf)
}

/// A block: header and transactions.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Block {
    /// The header.
    pub header: BlockHeader,
    /// The transactions, coinbase first.
    pub txdata: Vec<Transaction>,
}

impl Block {
    /// The smallest serialised transaction, as Core's decoder allows: version, an empty
    /// input list, a zero flag byte, lock time.
    const MIN_TX_LEN: usize = 10;

    /// The header's hash.
    pub fn block_hash(&self) -> BlockHash {
        self.header.block_hash()
    }

    /// The merkle root of the txids, with the CVE-2012-2459 mutation flag
    /// (Core `BlockMerkleRoot`).
    pub fn compute_merkle_root(&self) -> MerkleRoot<TxMerkleNode> {
        let leaves = self
            .txdata
            .iter()
            .map(|tx| tx.compute_txid().to_byte_array())
            .collect();
        let MerkleRoot { root, mutated } = compute_merkle_root(leaves);
        MerkleRoot {
            root: TxMerkleNode::from_byte_array(root),
            mutated,
        }
    }

    /// The merkle root of the wtxids, the coinbase's counted as zero
    /// (Core `BlockWitnessMerkleRoot`).
    pub fn compute_witness_root(&self) -> WitnessMerkleNode {
        let leaves = self
            .txdata
            .iter()
            .enumerate()
            .map(|(i, tx)| {
                if i == 0 {
                    [0; 32]
                } else {
                    tx.compute_wtxid().to_byte_array()
                }
            })
            .collect();
        WitnessMerkleNode::from_byte_array(compute_merkle_root(leaves).root)
    }

    /// Index of the coinbase output holding the witness commitment: the *last* output
    /// whose script starts with [`WITNESS_COMMITMENT_HEADER`] and is at least
    /// [`MINIMUM_WITNESS_COMMITMENT`] bytes (Core `GetWitnessCommitmentIndex`).
    pub fn witness_commitment_index(&self) -> Option<usize> {
        let coinbase = self.txdata.first()?;
        coinbase.output.iter().rposition(|out| {
            let s = out.script_pubkey.as_bytes();
            s.len() >= MINIMUM_WITNESS_COMMITMENT && s.starts_with(&WITNESS_COMMITMENT_HEADER)
        })
    }

    /// The 32-byte commitment the coinbase carries, if any.
    pub fn witness_commitment(&self) -> Option<[u8; 32]> {
        let index = self.witness_commitment_index()?;
        let script = self
            .txdata
            .first()?
            .output
            .get(index)?
            .script_pubkey
            .as_bytes();
        script.get(6..38)?.try_into().ok()
    }

    /// The coinbase's witness reserved value: its input witness when that is exactly one
    /// 32-byte item, as BIP141 requires of a block with a commitment.
    pub fn witness_reserved_value(&self) -> Option<[u8; 32]> {
        let witness = &self.txdata.first()?.input.first()?.witness;
        if witness.len() != 1 {
            return None;
        }
        witness.get(0)?.try_into().ok()
    }

    /// The commitment computed from the transactions and the reserved value, to compare
    /// with [`Block::witness_commitment`]; `None` without a well-formed reserved value.
    pub fn compute_witness_commitment(&self) -> Option<[u8; 32]> {
        let reserved = self.witness_reserved_value()?;
        Some(compute_witness_commitment(
            &self.compute_witness_root(),
            &reserved,
        ))
    }

    /// Size without witnesses (Core `TX_NO_WITNESS` serialisation of the block).
    pub fn base_size(&self) -> usize {
        BlockHeader::SIZE
            + compact_size_len(self.txdata.len() as u64)
            + self
                .txdata
                .iter()
                .map(Transaction::base_size)
                .sum::<usize>()
    }

    /// Full serialised size.
    pub fn total_size(&self) -> usize {
        self.encoded_len()
    }

    /// Weight: base size × 3 + total size (Core `GetBlockWeight`).
    pub fn weight(&self) -> Weight {
        Weight::from_wu((self.base_size() * (WITNESS_SCALE_FACTOR - 1) + self.total_size()) as u64)
    }
}

impl Encode for Block {
    fn encode_to<W: WriteBytes + ?Sized>(&self, w: &mut W) {
        self.header.encode_to(w);
        encode_list(w, &self.txdata);
    }
    fn encoded_len(&self) -> usize {
        BlockHeader::SIZE
            + compact_size_len(self.txdata.len() as u64)
            + self.txdata.iter().map(Encode::encoded_len).sum::<usize>()
    }
}

impl Block {
    /// Decodes a block that must take all of `bytes`, computing each transaction's txid and
    /// wtxid from the bytes as read (see [`Transaction::decode_with_ids`]).
    ///
    /// This is how a node should take in a block from the network: validation needs every
    /// id at once (merkle root, witness commitment, UTXO keys).
    pub fn decode_with_ids(bytes: &[u8]) -> Result<(Block, Vec<TxIds>), DecodeError> {
        let mut r = Reader::new(bytes);
        let header = BlockHeader::decode_from(&mut r)?;
        let count = r.read_count("transactions", Self::MIN_TX_LEN)?;
        let mut txdata = Vec::with_capacity(count);
        let mut ids = vec![TxIds::PLACEHOLDER; count];
        // Each transaction's ids are queued for hashing as soon as it is decoded; the
        // hashes come back, two lanes at a time, into their slot of `ids`.
        let mut lanes = Sha256dLanes::new(|tag, digest| ids[tag / 3].set(tag, digest));
        for slot in 0..count {
            let (tx, spans) = decode_with_spans(&mut r)?;
            spans.push_messages(bytes, &mut lanes, slot);
            txdata.push(tx);
        }
        lanes.finish();
        r.finish()?;
        Ok((Block { header, txdata }, ids))
    }
}

impl Decode for Block {
    fn decode_from(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Block {
            header: BlockHeader::decode_from(r)?,
            txdata: decode_list(r, "transactions", Self::MIN_TX_LEN)?,
        })
    }
}
