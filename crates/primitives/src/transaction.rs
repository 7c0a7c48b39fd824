//! Spending coins: outpoints, inputs, outputs, witnesses and transactions.
//!
//! Bitcoin keeps no balances. Every coin is an output of an earlier transaction, and a
//! transaction spends coins by naming them (the txid of the transaction that made them and
//! the output's index, an [`OutPoint`]) and proving it may, then creates new coins. A
//! [`TxIn`] spends one coin, a [`TxOut`] creates one, and the difference between what is
//! spent and what is created is the fee that the miner collects.
//!
//! Segregated witness (BIP141) moved the proofs (signatures, keys) out of the part that the
//! txid covers, into a per-input [`Witness`]. BIP144 serialises such a transaction with a
//! marker byte `0x00` (read by old software as "zero inputs") and a flag byte `0x01` after
//! the version, then the witnesses after the outputs. The txid hashes the old form, so it
//! no longer changes when a signature is re-encoded; the wtxid hashes the full form.
//!
//! Weight (BIP141) prices witness bytes at one unit and other bytes at four, with a block
//! limit of 4,000,000 units; the virtual size is the weight divided by four, rounded up.
//!
//! References: BIP141 "Transaction ID", "Transaction size calculations"; BIP144
//! "Serialization"; Core `src/primitives/transaction.h` (`SerializeTransaction`,
//! `UnserializeTransaction`), `src/consensus/validation.h` (`GetTransactionWeight`).

use core::fmt;

use crate::amount::Amount;
use crate::encoding::{
    compact_size_len, decode_list, encode_list, list_len, write_compact_size, Decode, DecodeError,
    Encode, Reader, WriteBytes,
};
use crate::hashes::batch::{Pieces, Sha256dLanes};
use crate::hashes::{Sha256Engine, Txid, Wtxid};
use crate::script::Script;

/// How many weight units a non-witness byte costs (BIP141 `WITNESS_SCALE_FACTOR`).
pub const WITNESS_SCALE_FACTOR: usize = 4;

/// The sequence number that opts out of BIP68 relative locks and, on every input, of
/// `lock_time` (Core `CTxIn::SEQUENCE_FINAL`).
pub const SEQUENCE_FINAL: u32 = 0xffff_ffff;

/// Where [`Transaction::lock_time`] changes meaning: below it the lock time is a block
/// height, from it on a Unix time (Core `LOCKTIME_THRESHOLD`). 500,000,000 blocks would take
/// some 9,500 years, and 500,000,000 seconds after 1970 fell in November 1985, so neither
/// reading can be mistaken for the other. `OP_CHECKLOCKTIMEVERIFY` (BIP65) compares only
/// lock times of the same kind.
pub const LOCKTIME_THRESHOLD: u32 = 500_000_000;

/// BIP68 relative lock times, read from an input's [`TxIn::sequence`] in version 2+
/// transactions:
///
/// ```text
/// bit 31      bit 22                  bits 15..0
///  disable     type: 0 blocks,         value: how many blocks, or how many
///              1 units of 512 s        512-second units, after the coin
/// ```
///
/// With this bit set the sequence carries no relative lock (and `OP_CHECKSEQUENCEVERIFY`'s
/// operand asks for none): Core `CTxIn::SEQUENCE_LOCKTIME_DISABLE_FLAG`.
pub const SEQUENCE_LOCKTIME_DISABLE_FLAG: u32 = 1 << 31;
/// With this bit set the relative lock counts time, in units of
/// 2^[`SEQUENCE_LOCKTIME_GRANULARITY`] seconds; without it, blocks (Core
/// `CTxIn::SEQUENCE_LOCKTIME_TYPE_FLAG`).
pub const SEQUENCE_LOCKTIME_TYPE_FLAG: u32 = 1 << 22;
/// The bits holding the lock's value (Core `CTxIn::SEQUENCE_LOCKTIME_MASK`); the bits
/// between it and the type flag are free for other uses.
pub const SEQUENCE_LOCKTIME_MASK: u32 = 0x0000_ffff;
/// Time-based relative locks count in units of 2^9 = 512 seconds, so 16 bits reach
/// about 388 days (Core `CTxIn::SEQUENCE_LOCKTIME_GRANULARITY`).
pub const SEQUENCE_LOCKTIME_GRANULARITY: u32 = 9;

/// A reference to a transaction output: which transaction, which output.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct OutPoint {
    /// The transaction that created the output.
    pub txid: Txid,
    /// The output's position in that transaction.
    pub vout: u32,
}

impl OutPoint {
    /// The outpoint a coinbase input names: all-zero txid, index `0xffffffff`
    /// (Core `COutPoint::SetNull`).
    pub const NULL: OutPoint = OutPoint {
        txid: Txid::ZERO,
        vout: u32::MAX,
    };

    /// An outpoint.
    pub const fn new(txid: Txid, vout: u32) -> OutPoint {
        OutPoint { txid, vout }
    }

    /// True for the coinbase marker [`OutPoint::NULL`].
    pub fn is_null(&self) -> bool {
        *self == OutPoint::NULL
    }
}

impl fmt::Display for OutPoint {
    /// `txid:vout`, the form wallets and explorers use.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.txid, self.vout)
    }
}

impl fmt::Debug for OutPoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OutPoint({self})")
    }
}

impl Encode for OutPoint {
    #[inline]
    fn encode_to<W: WriteBytes + ?Sized>(&self, w: &mut W) {
        let mut buf = [0u8; 36];
        buf[..32].copy_from_slice(self.txid.as_byte_array());
        buf[32..].copy_from_slice(&self.vout.to_le_bytes());
        w.write_bytes(&buf);
    }
    #[inline]
    fn encoded_len(&self) -> usize {
        36
    }
}

impl Decode for OutPoint {
    #[inline]
    fn decode_from(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(OutPoint {
            txid: Txid::decode_from(r)?,
            vout: r.read_u32_le()?,
        })
    }
}

/// The witness stack of one input (BIP141): a list of byte strings.
///
/// Stored as the items' serialisation (each with its CompactSize length, without the
/// leading count) in one buffer: decoding a block allocates once per witness, not once per
/// item, and encoding is a single copy.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Witness {
    /// `item_count` items, each `CompactSize(len) || bytes`, always canonical.
    encoded: Vec<u8>,
    item_count: usize,
}

impl Witness {
    /// An empty witness.
    pub const fn new() -> Witness {
        Witness {
            encoded: Vec::new(),
            item_count: 0,
        }
    }

    /// A witness holding `items`, bottom of the stack first.
    pub fn from_items<I, T>(items: I) -> Witness
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        let mut w = Witness::new();
        for item in items {
            w.push(item.as_ref());
        }
        w
    }

    /// Appends an item on top.
    pub fn push(&mut self, item: &[u8]) {
        write_compact_size(&mut self.encoded, item.len() as u64);
        self.encoded.extend_from_slice(item);
        self.item_count += 1;
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.item_count
    }

    /// True when there are no items.
    pub fn is_empty(&self) -> bool {
        self.item_count == 0
    }

    /// The items, bottom first.
    pub fn iter(&self) -> WitnessIter<'_> {
        WitnessIter {
            rest: &self.encoded,
        }
    }

    /// The item at `index` (0 = bottom), if any.
    pub fn get(&self, index: usize) -> Option<&[u8]> {
        self.iter().nth(index)
    }

    /// The top item, if any.
    pub fn last(&self) -> Option<&[u8]> {
        self.iter().last()
    }

    /// The items as owned vectors.
    pub fn to_vec(&self) -> Vec<Vec<u8>> {
        self.iter().map(<[u8]>::to_vec).collect()
    }
}

/// Iterator over a [`Witness`]'s items.
#[derive(Debug, Clone)]
pub struct WitnessIter<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for WitnessIter<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        if self.rest.is_empty() {
            return None;
        }
        // The buffer only ever holds canonical items written by `push` or checked by
        // `decode_from`, so re-reading them cannot fail; stop cleanly if it somehow did.
        let mut r = Reader::new(self.rest);
        let item = r.read_var_bytes().ok()?;
        self.rest = &self.rest[r.position()..];
        Some(item)
    }
}

impl fmt::Debug for Witness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Witness[")?;
        for (i, item) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            crate::hashes::write_hex(f, item.iter().copied())?;
        }
        f.write_str("]")
    }
}

impl Encode for Witness {
    #[inline]
    fn encode_to<W: WriteBytes + ?Sized>(&self, w: &mut W) {
        write_compact_size(w, self.item_count as u64);
        w.write_bytes(&self.encoded);
    }
    #[inline]
    fn encoded_len(&self) -> usize {
        compact_size_len(self.item_count as u64) + self.encoded.len()
    }
}

impl Decode for Witness {
    fn decode_from(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        // Each item is at least its one-byte length.
        let item_count = r.read_count("witness items", 1)?;
        let start = r.position();
        for _ in 0..item_count {
            r.read_var_bytes()?;
        }
        // The items were just validated in place: copy their span in one go.
        let encoded = r.data()[start..r.position()].to_vec();
        Ok(Witness {
            encoded,
            item_count,
        })
    }
}

/// A transaction input: the coin it spends and the proof that it may.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct TxIn {
    /// The coin spent.
    pub previous_output: OutPoint,
    /// The unlocking script (empty for native segwit spends).
    pub script_sig: Script,
    /// Relative lock (BIP68), RBF signal (BIP125), or [`SEQUENCE_FINAL`].
    pub sequence: u32,
    /// The segregated witness (BIP141); not part of the txid.
    pub witness: Witness,
}

impl TxIn {
    /// The smallest serialised input: outpoint, empty script, sequence.
    pub const MIN_ENCODED_LEN: usize = 36 + 1 + 4;

    fn encode_base<W: WriteBytes + ?Sized>(&self, w: &mut W) {
        self.previous_output.encode_to(w);
        self.script_sig.encode_to(w);
        w.write_bytes(&self.sequence.to_le_bytes());
    }

    fn base_len(&self) -> usize {
        36 + self.script_sig.encoded_len() + 4
    }
}

impl Encode for TxIn {
    /// The input without its witness, which BIP144 serialises apart.
    fn encode_to<W: WriteBytes + ?Sized>(&self, w: &mut W) {
        self.encode_base(w);
    }
    fn encoded_len(&self) -> usize {
        self.base_len()
    }
}

impl Decode for TxIn {
    fn decode_from(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(TxIn {
            previous_output: OutPoint::decode_from(r)?,
            script_sig: Script::decode_from(r)?,
            sequence: r.read_u32_le()?,
            witness: Witness::new(),
        })
    }
}

/// A transaction output: an amount locked by a script.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct TxOut {
    /// The amount (possibly out of range in an invalid transaction).
    pub value: Amount,
    /// The locking script.
    pub script_pubkey: Script,
}

impl TxOut {
    /// The smallest serialised output: value and empty script.
    pub const MIN_ENCODED_LEN: usize = 8 + 1;
}

impl Encode for TxOut {
    fn encode_to<W: WriteBytes + ?Sized>(&self, w: &mut W) {
        w.write_bytes(&self.value.to_sat().to_le_bytes());
        self.script_pubkey.encode_to(w);
    }
    fn encoded_len(&self) -> usize {
        8 + self.script_pubkey.encoded_len()
    }
}

impl Decode for TxOut {
    fn decode_from(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(TxOut {
            value: Amount::from_sat(r.read_i64_le()?),
            script_pubkey: Script::decode_from(r)?,
        })
    }
}

/// A transaction.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Transaction {
    /// Version; 2 and above enable BIP68 relative locks. Core keeps it as `uint32_t`.
    pub version: u32,
    /// The coins spent.
    pub input: Vec<TxIn>,
    /// The coins created.
    pub output: Vec<TxOut>,
    /// Earliest block height (below 500,000,000) or time when it may be mined.
    pub lock_time: u32,
}

impl Transaction {
    /// True if any input carries a witness; only then is the BIP144 form used
    /// (Core `CTransaction::HasWitness`).
    pub fn has_witness(&self) -> bool {
        self.input.iter().any(|i| !i.witness.is_empty())
    }

    /// True for a coinbase: exactly one input, spending the null outpoint
    /// (Core `CTransaction::IsCoinBase`).
    pub fn is_coinbase(&self) -> bool {
        self.input.len() == 1 && self.input[0].previous_output.is_null()
    }

    /// Writes the legacy serialisation, without witnesses: what the txid hashes.
    pub fn encode_without_witness<W: WriteBytes + ?Sized>(&self, w: &mut W) {
        w.write_bytes(&self.version.to_le_bytes());
        encode_list(w, &self.input);
        encode_list(w, &self.output);
        w.write_bytes(&self.lock_time.to_le_bytes());
    }

    /// The size without witnesses (BIP141 "base size"; Core `TX_NO_WITNESS` size).
    pub fn base_size(&self) -> usize {
        4 + list_len(&self.input) + list_len(&self.output) + 4
    }

    /// The full serialised size, witnesses included (BIP141 "total size").
    pub fn total_size(&self) -> usize {
        self.encoded_len()
    }

    /// Weight: base size × 3 + total size (BIP141; Core `GetTransactionWeight`).
    pub fn weight(&self) -> Weight {
        Weight::from_wu((self.base_size() * (WITNESS_SCALE_FACTOR - 1) + self.total_size()) as u64)
    }

    /// Virtual size in vbytes: weight / 4, rounded up.
    pub fn vsize(&self) -> u64 {
        self.weight().to_vbytes_ceil()
    }

    /// Hashes the transaction without witnesses. This serialises and hashes every byte.
    pub fn compute_txid(&self) -> Txid {
        let mut engine = Sha256Engine::new();
        self.encode_without_witness(&mut engine);
        Txid::from_byte_array(engine.finish_double())
    }

    /// Hashes the full serialisation (BIP141). For a transaction without witnesses this is
    /// the txid, and is computed as such.
    pub fn compute_wtxid(&self) -> Wtxid {
        if !self.has_witness() {
            return Wtxid::from_byte_array(self.compute_txid().to_byte_array());
        }
        let mut engine = Sha256Engine::new();
        self.encode_to(&mut engine);
        Wtxid::from_byte_array(engine.finish_double())
    }

    /// The sum of the output values, or `None` if it overflows.
    pub fn total_output_value(&self) -> Option<Amount> {
        Amount::checked_sum(self.output.iter().map(|o| o.value))
    }
}

impl Encode for Transaction {
    /// The BIP144 form when any input has a witness, the legacy form otherwise
    /// (Core `SerializeTransaction` with witnesses allowed).
    fn encode_to<W: WriteBytes + ?Sized>(&self, w: &mut W) {
        if !self.has_witness() {
            return self.encode_without_witness(w);
        }
        w.write_bytes(&self.version.to_le_bytes());
        // Marker: an empty input list, which no valid legacy transaction has; then flags.
        w.write_bytes(&[0x00, 0x01]);
        encode_list(w, &self.input);
        encode_list(w, &self.output);
        for input in &self.input {
            input.witness.encode_to(w);
        }
        w.write_bytes(&self.lock_time.to_le_bytes());
    }

    fn encoded_len(&self) -> usize {
        let base = self.base_size();
        if !self.has_witness() {
            return base;
        }
        base + 2
            + self
                .input
                .iter()
                .map(|i| i.witness.encoded_len())
                .sum::<usize>()
    }
}

impl Decode for Transaction {
    /// Reads either form, exactly as Core's `UnserializeTransaction` does.
    ///
    /// Core reads the input list first. If it is empty, the next byte is the BIP144 flag
    /// byte: zero means "really no inputs" (and then, quirk kept, no outputs are read
    /// either); non-zero means the input and output lists follow. Flag bit 1 announces the
    /// witnesses, which may not all be empty; any other flag bit is an error.
    fn decode_from(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(decode_with_spans(r)?.0)
    }
}

/// Where the parts of a decoded transaction lie in the input.
pub(crate) struct Spans {
    /// Offset of the version.
    start: usize,
    /// Offsets of the input and output lists, which the txid hashes.
    body: (usize, usize),
    /// Offset just after the lock time.
    end: usize,
    /// Whether the BIP144 form was read.
    pub(crate) witness: bool,
}

impl Spans {
    /// What the txid hashes: the legacy serialisation. For a transaction read in the legacy
    /// form that is all its bytes; for a BIP144 one, the version, the input and output
    /// lists, and the lock time, skipping the marker, flag and witnesses.
    pub(crate) fn txid_message<'a>(&self, data: &'a [u8]) -> Pieces<'a> {
        if self.witness {
            Pieces::three(
                &data[self.start..self.start + 4],
                &data[self.body.0..self.body.1],
                &data[self.end - 4..self.end],
            )
        } else {
            Pieces::one(&data[self.start..self.end])
        }
    }

    /// What the wtxid hashes: every byte read.
    pub(crate) fn wtxid_message<'a>(&self, data: &'a [u8]) -> Pieces<'a> {
        Pieces::one(&data[self.start..self.end])
    }

    /// Queues the messages for this transaction's ids, tagged for [`TxIds::set`] with
    /// `slot`: one message (both ids) without witnesses, two with them.
    pub(crate) fn push_messages<'a, F: FnMut(usize, [u8; 32])>(
        &self,
        data: &'a [u8],
        lanes: &mut Sha256dLanes<'a, F>,
        slot: usize,
    ) {
        if self.witness {
            lanes.push(3 * slot + TxIds::TXID, self.txid_message(data));
            lanes.push(3 * slot + TxIds::WTXID, self.wtxid_message(data));
        } else {
            lanes.push(3 * slot + TxIds::BOTH, self.txid_message(data));
        }
    }
}

pub(crate) fn decode_with_spans(r: &mut Reader<'_>) -> Result<(Transaction, Spans), DecodeError> {
    let start = r.position();
    let version = r.read_u32_le()?;
    let mut flags = 0u8;
    let mut body_start = r.position();
    let mut input: Vec<TxIn> = decode_list(r, "inputs", TxIn::MIN_ENCODED_LEN)?;
    let mut output = Vec::new();
    if input.is_empty() {
        flags = r.read_u8()?;
        if flags != 0 {
            body_start = r.position();
            input = decode_list(r, "inputs", TxIn::MIN_ENCODED_LEN)?;
            output = decode_list(r, "outputs", TxOut::MIN_ENCODED_LEN)?;
        }
    } else {
        output = decode_list(r, "outputs", TxOut::MIN_ENCODED_LEN)?;
    }
    let body_end = r.position();
    let witness = flags & 1 != 0;
    if witness {
        flags ^= 1;
        for txin in &mut input {
            txin.witness = Witness::decode_from(r)?;
        }
        if input.iter().all(|i| i.witness.is_empty()) {
            return Err(DecodeError::SuperfluousWitnessRecord);
        }
    }
    if flags != 0 {
        return Err(DecodeError::UnknownOptionalData { flags });
    }
    let lock_time = r.read_u32_le()?;
    let tx = Transaction {
        version,
        input,
        output,
        lock_time,
    };
    let spans = Spans {
        start,
        body: (body_start, body_end),
        end: r.position(),
        witness,
    };
    Ok((tx, spans))
}

/// A transaction's two ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TxIds {
    /// The id without witnesses.
    pub txid: Txid,
    /// The id with witnesses (equal to the txid's bytes without them).
    pub wtxid: Wtxid,
}

impl TxIds {
    pub(crate) const PLACEHOLDER: TxIds = TxIds {
        txid: Txid::ZERO,
        wtxid: Wtxid::ZERO,
    };
    // Tags of hashed messages: `3 * slot + kind`.
    const BOTH: usize = 0;
    const TXID: usize = 1;
    const WTXID: usize = 2;

    /// Stores a digest tagged by [`Spans::push_messages`] for slot 0.
    pub(crate) fn set(&mut self, tag: usize, digest: [u8; 32]) {
        match tag % 3 {
            Self::BOTH => {
                self.txid = Txid::from_byte_array(digest);
                self.wtxid = Wtxid::from_byte_array(digest);
            }
            Self::TXID => self.txid = Txid::from_byte_array(digest),
            _ => self.wtxid = Wtxid::from_byte_array(digest),
        }
    }
}

impl Transaction {
    /// Decodes a transaction and computes its txid and wtxid from the bytes just read.
    ///
    /// A node receives transactions as bytes; since decoding accepts only the canonical
    /// serialisation, those bytes are exactly what [`Transaction::compute_txid`] would
    /// rebuild, and hashing them in place skips re-serialising every field (the txid
    /// hashes the version, the input and output lists, and the lock time, which lie in three
    /// runs of the input; the wtxid the whole of it).
    pub fn decode_with_ids(r: &mut Reader<'_>) -> Result<(Transaction, TxIds), DecodeError> {
        let (tx, spans) = decode_with_spans(r)?;
        let mut ids = TxIds::PLACEHOLDER;
        let mut lanes = Sha256dLanes::new(|tag, digest| ids.set(tag, digest));
        spans.push_messages(r.data(), &mut lanes, 0);
        lanes.finish();
        Ok((tx, ids))
    }
}

/// Weight units (BIP141): what the block limit of 4,000,000 counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Weight(u64);

impl Weight {
    /// Nothing.
    pub const ZERO: Weight = Weight(0);
    /// The largest weight of a valid block (Core `MAX_BLOCK_WEIGHT`).
    pub const MAX_BLOCK: Weight = Weight(4_000_000);

    /// From weight units.
    pub const fn from_wu(wu: u64) -> Weight {
        Weight(wu)
    }

    /// In weight units.
    pub const fn to_wu(self) -> u64 {
        self.0
    }

    /// In virtual bytes, rounded up (Core `GetVirtualTransactionSize` without sigop cost).
    pub const fn to_vbytes_ceil(self) -> u64 {
        self.0.div_ceil(WITNESS_SCALE_FACTOR as u64)
    }

    /// `self + rhs`, or `None` on overflow.
    pub const fn checked_add(self, rhs: Weight) -> Option<Weight> {
        match self.0.checked_add(rhs.0) {
            Some(w) => Some(Weight(w)),
            None => None,
        }
    }
}

impl fmt::Display for Weight {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} WU", self.0)
    }
}
