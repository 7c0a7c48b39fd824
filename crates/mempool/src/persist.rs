//! `mempool.dat`: the mempool saved across a restart, in Bitcoin Core's format.
//!
//! A mempool lives in memory. Were it lost at every restart, a node would forget the
//! transactions it was relaying (its own payments among them) until peers announced them
//! again, and the fee bumps its user gave with `prioritisetransaction` would be gone. So
//! Core writes the pool to `<datadir>/<chain>/mempool.dat` when it stops (and on
//! `savemempool`) and offers it back to its own acceptance rules when it starts (and on
//! `importmempool`): every transaction is checked again, against the chain as it now is,
//! and those no longer valid or older than `-mempoolexpiry` are dropped.
//!
//! The file, after a header, holds three parts ([`SavedMempool`]):
//!
//! ```text
//! version            u64 LE      1, or 2 when an obfuscation key follows
//! key                8 bytes     version 2 only, with a CompactSize length (always 08)
//! ---- from here on, version 2 XORs every byte with key[file offset % 8] ----
//! entry count        u64 LE      not a CompactSize
//! entries            per entry: transaction (with witnesses), time (i64 LE, seconds
//!                    since the Unix epoch it entered the pool), fee delta (i64 LE, sat)
//! fee deltas         CompactSize count, then (txid, i64 delta) pairs sorted by txid
//!                    bytes: the `prioritisetransaction` deltas of txids not in the pool
//! unbroadcast        CompactSize count, then txids sorted by their bytes: our own
//!                    transactions no peer has asked for yet
//! ```
//!
//! Version 2 (Core 27 and later, the default) XORs the body with a random 8-byte key
//! ([`Obfuscation`], the scheme Core also applies to its block files and databases) so
//! that the bytes of a transaction never lie in the file as they are on the wire, where a
//! program scanning files (an antivirus) might recognise and alter them. Version 1 is the
//! plain body, which Core still reads and writes with `-persistmempoolv1`.
//!
//! Loading, Core's `LoadMempool` takes each entry in file order: it adds the entry's delta
//! to its `mapDeltas` (as `prioritisetransaction` would), drops the entry if older than
//! `-mempoolexpiry`, else offers it to `AcceptToMemoryPool` with its saved time (the
//! current time for `importmempool`'s default `use_current_time`). Then it adds the fee
//! deltas, and marks unbroadcast the listed txids now in the pool. Writing, `DumpMempool`
//! takes the pool in mining order, parents first, each with its delta, then what is left
//! of `mapDeltas` ([`SavedMempool::from_pool`] leaves out the same txids).
//!
//! [`SavedMempool::to_bytes`] writes either version, [`SavedMempool::from_bytes`] reads
//! both and refuses anything Core would not load in full, and
//! [`SavedMempool::from_bytes_lenient`] keeps what Core keeps from a damaged file: Core
//! offers each transaction to the pool as it reads it, so the entries before a fault stay
//! in the pool, the parts after it are lost, and bytes after the last part are ignored.
//! Reading never panics, and never reserves memory for a count the input cannot hold.
//! The files themselves are read and written by sou-node.
//!
//! References: Core `LoadMempool`, `DumpMempool` (src/node/mempool_persist.cpp);
//! `Obfuscation` (src/util/obfuscation.h); `AutoFile::detail_fread`, `AutoFile::write_buffer`
//! (src/streams.cpp), which XOR at the file offset.

use std::collections::{BTreeMap, BTreeSet};

use sou_primitives::encoding::{write_compact_size, write_var_bytes, Decode, Encode, Reader};
use sou_primitives::{Amount, DecodeError, Transaction, Txid};

/// The version without an obfuscation key (Core's `MEMPOOL_DUMP_VERSION_NO_XOR_KEY`).
pub const MEMPOOL_DUMP_VERSION_NO_XOR_KEY: u64 = 1;

/// The version with an obfuscation key, Core's default (`MEMPOOL_DUMP_VERSION`).
pub const MEMPOOL_DUMP_VERSION: u64 = 2;

/// The smallest entry: a 10-byte transaction (version, an empty input list, a zero flag
/// byte, which Core's reader takes as "no outputs either", lock time) and two `i64`s.
const MIN_ENTRY_LEN: usize = 10 + 8 + 8;

/// A mempool as its file holds it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SavedMempool {
    /// The pool's transactions, in the order written (Core writes them best mining score
    /// first, parents before children, which is also an order they can be accepted in).
    pub entries: Vec<SavedEntry>,
    /// Core's `mapDeltas` without the txids of [`SavedMempool::entries`] (whose deltas
    /// travel with them, `DumpMempool` erases them here): deltas given with
    /// `prioritisetransaction` to transactions the node has not seen, or no longer has.
    /// Sorted by txid bytes, as Core's `std::map<Txid, CAmount>` is.
    pub fee_deltas: BTreeMap<Txid, Amount>,
    /// Transactions of this node's own (sent with `sendrawtransaction`, a wallet) that no
    /// peer has requested yet, to announce again after the restart
    /// (Core's `m_unbroadcast_txids`).
    pub unbroadcast: BTreeSet<Txid>,
}

/// One transaction of a saved pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedEntry {
    /// The transaction, written with its witnesses.
    pub tx: Transaction,
    /// When it entered the pool, in seconds since the Unix epoch (Core's `nTime`); at load
    /// an entry older than `-mempoolexpiry` (336 hours) is dropped.
    pub time: i64,
    /// Its `prioritisetransaction` delta (Core's `nFeeDelta`): added to the fee it pays
    /// when the miner and eviction rank it, not to what it pays.
    pub fee_delta: Amount,
}

/// Why a mempool file could not be read; each says where the reading stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PersistError {
    /// The file is shorter than its version, or than its key.
    #[error("header: {0}")]
    Header(DecodeError),
    /// A version other than 1 or 2. Core returns at once and loads nothing.
    #[error("unknown mempool file version {version}, expected {MEMPOOL_DUMP_VERSION_NO_XOR_KEY} or {MEMPOOL_DUMP_VERSION}")]
    UnknownVersion {
        /// The version read.
        version: u64,
    },
    /// A version 2 key of another length (Core: "Obfuscation key size should be exactly 8
    /// bytes long").
    #[error(
        "obfuscation key size should be exactly {} bytes long, found {len}",
        Obfuscation::KEY_SIZE
    )]
    KeySize {
        /// The length read.
        len: u64,
    },
    /// The entry count is missing.
    #[error("entry count: {0}")]
    EntryCount(DecodeError),
    /// An entry could not be read: the file ends early, or the count is a lie.
    #[error("entry {index} of {count}: {source}")]
    Entry {
        /// Which entry, from 0.
        index: u64,
        /// How many the file announced.
        count: u64,
        /// What was wrong.
        source: DecodeError,
    },
    /// The fee deltas could not be read.
    #[error("fee deltas: {0}")]
    FeeDeltas(DecodeError),
    /// The unbroadcast set could not be read.
    #[error("unbroadcast txids: {0}")]
    Unbroadcast(DecodeError),
    /// Bytes after the unbroadcast set. Core ignores them; [`SavedMempool::from_bytes`]
    /// does not, as no file Core writes has any.
    #[error("{count} trailing bytes after the unbroadcast txids")]
    TrailingBytes {
        /// How many.
        count: usize,
    },
}

/// What [`SavedMempool::from_bytes_lenient`] read: the parts Core's `LoadMempool` would
/// have used, and the fault that stopped it, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LenientLoad {
    /// The entries read before the fault; the fee deltas if the file got past them, the
    /// unbroadcast set if it got past that.
    pub mempool: SavedMempool,
    /// Where reading stopped (never [`PersistError::TrailingBytes`]: Core ignores them).
    pub error: Option<PersistError>,
    /// Bytes after the unbroadcast set, ignored.
    pub trailing: usize,
}

/// Core's XOR obfuscation with an 8-byte key (`Obfuscation` in src/util/obfuscation.h).
///
/// Byte `i` of a file is XORed with `key[i % 8]`, counting from the start of the file, not
/// from where obfuscation begins: Core's `AutoFile` passes its file position as the key
/// offset. The all-zero key changes nothing (Core's "no obfuscation").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Obfuscation([u8; Obfuscation::KEY_SIZE]);

impl Obfuscation {
    /// The key's length (Core's `Obfuscation::KEY_SIZE`).
    pub const KEY_SIZE: usize = 8;

    /// The obfuscation with `key`, in file order.
    pub const fn new(key: [u8; Self::KEY_SIZE]) -> Obfuscation {
        Obfuscation(key)
    }

    /// The key, in file order.
    pub const fn key(self) -> [u8; Self::KEY_SIZE] {
        self.0
    }

    /// Whether this key changes anything (Core's `operator bool`).
    pub fn is_active(self) -> bool {
        self.0 != [0; Self::KEY_SIZE]
    }

    /// XORs `data`, which lies at `offset` in its file, in place; applying it twice gives
    /// the bytes back.
    pub fn apply(self, data: &mut [u8], offset: u64) {
        // offset % 8 < 8, so the narrowing keeps the whole value.
        #[allow(
            clippy::cast_possible_truncation,
            reason = "a value below 8 fits in usize"
        )]
        let start = (offset % Self::KEY_SIZE as u64) as usize;
        let key = self.0.iter().cycle().skip(start);
        for (byte, k) in data.iter_mut().zip(key) {
            *byte ^= k;
        }
    }
}

impl SavedMempool {
    /// What `DumpMempool` saves of a pool: its `entries` (in mining order, parents first),
    /// the node's whole `map_deltas` less the txids of `entries` (whose deltas travel
    /// with them), and its `unbroadcast` txids.
    pub fn from_pool(
        entries: Vec<SavedEntry>,
        mut map_deltas: BTreeMap<Txid, Amount>,
        unbroadcast: BTreeSet<Txid>,
    ) -> SavedMempool {
        for entry in &entries {
            map_deltas.remove(&entry.tx.compute_txid());
        }
        SavedMempool {
            entries,
            fee_deltas: map_deltas,
            unbroadcast,
        }
    }

    /// The file Core's `DumpMempool` writes for this pool: version 2 obfuscated with `key`
    /// (Core draws a random one each time), or version 1 when `key` is `None`
    /// (Core's `-persistmempoolv1`).
    ///
    /// Given Core's entries, deltas and key, the bytes are Core's. The entries are written
    /// in the order given; [`SavedMempool::fee_deltas`] as given, so a caller following
    /// `DumpMempool` leaves out the txids of the entries.
    pub fn to_bytes(&self, key: Option<[u8; Obfuscation::KEY_SIZE]>) -> Vec<u8> {
        let mut out = Vec::new();
        match key {
            None => MEMPOOL_DUMP_VERSION_NO_XOR_KEY.encode_to(&mut out),
            Some(key) => {
                MEMPOOL_DUMP_VERSION.encode_to(&mut out);
                // Core serialises the key as a byte vector: CompactSize 8, then the key.
                write_var_bytes(&mut out, &key);
            }
        }
        let body_start = out.len();
        // usize to u64 never truncates on the targets Rust supports (at most 64 bits).
        (self.entries.len() as u64).encode_to(&mut out);
        for entry in &self.entries {
            entry.tx.encode_to(&mut out);
            entry.time.encode_to(&mut out);
            entry.fee_delta.to_sat().encode_to(&mut out);
        }
        write_compact_size(&mut out, self.fee_deltas.len() as u64);
        for (txid, delta) in &self.fee_deltas {
            txid.encode_to(&mut out);
            delta.to_sat().encode_to(&mut out);
        }
        write_compact_size(&mut out, self.unbroadcast.len() as u64);
        for txid in &self.unbroadcast {
            txid.encode_to(&mut out);
        }
        if let Some(key) = key {
            Obfuscation::new(key).apply(&mut out[body_start..], body_start as u64);
        }
        out
    }

    /// Reads a whole file of either version; any fault, and any byte after the last part,
    /// is an error.
    pub fn from_bytes(bytes: &[u8]) -> Result<SavedMempool, PersistError> {
        let load = SavedMempool::from_bytes_lenient(bytes);
        if let Some(error) = load.error {
            return Err(error);
        }
        if load.trailing != 0 {
            return Err(PersistError::TrailingBytes {
                count: load.trailing,
            });
        }
        Ok(load.mempool)
    }

    /// Reads a file as Core's `LoadMempool` does, keeping what it would keep.
    ///
    /// Core reads the parts in order and acts on each as it goes, so a fault loses only
    /// what follows it:
    /// - a short header, an unknown version, a key not 8 bytes long: nothing;
    /// - a fault in the entries (the file ends, an announced count larger than the file
    ///   holds, a transaction that does not decode): the entries before it;
    /// - a fault in the fee deltas: the entries; in the unbroadcast set: the entries and
    ///   the deltas;
    /// - bytes after the unbroadcast set: ignored (counted in [`LenientLoad::trailing`]).
    ///
    /// A txid listed twice in the deltas keeps its first delta (`std::map::insert` does
    /// not replace), and the deltas and txids may come in any order.
    pub fn from_bytes_lenient(bytes: &[u8]) -> LenientLoad {
        let mut mempool = SavedMempool::default();
        let mut trailing = 0;
        let error = read_into(bytes, &mut mempool, &mut trailing).err();
        LenientLoad {
            mempool,
            error,
            trailing,
        }
    }

    /// The obfuscation key of a file: `None` for version 1.
    pub fn obfuscation_key(
        bytes: &[u8],
    ) -> Result<Option<[u8; Obfuscation::KEY_SIZE]>, PersistError> {
        let mut r = Reader::new(bytes);
        read_header(&mut r).map(|key| key.map(Obfuscation::key))
    }
}

/// Reads the version and, for version 2, the key.
fn read_header(r: &mut Reader<'_>) -> Result<Option<Obfuscation>, PersistError> {
    let version = r.read_u64_le().map_err(PersistError::Header)?;
    match version {
        MEMPOOL_DUMP_VERSION_NO_XOR_KEY => Ok(None),
        MEMPOOL_DUMP_VERSION => {
            // Core reads a byte vector (its length at most MAX_SIZE), then checks its size.
            let len = r.read_compact_size().map_err(PersistError::Header)?;
            if len != Obfuscation::KEY_SIZE as u64 {
                return Err(PersistError::KeySize { len });
            }
            let key = r.read_array().map_err(PersistError::Header)?;
            Ok(Some(Obfuscation::new(key)))
        }
        version => Err(PersistError::UnknownVersion { version }),
    }
}

/// Reads `bytes` into `mempool` part by part, as `LoadMempool` does, stopping at the first
/// fault; sets `trailing` once every part is read.
fn read_into(
    bytes: &[u8],
    mempool: &mut SavedMempool,
    trailing: &mut usize,
) -> Result<(), PersistError> {
    let mut header = Reader::new(bytes);
    let obfuscation = read_header(&mut header)?;
    let body_start = header.position();
    let mut body = bytes.get(body_start..).unwrap_or_default().to_vec();
    if let Some(obfuscation) = obfuscation {
        obfuscation.apply(&mut body, body_start as u64);
    }
    let mut r = Reader::new(&body);

    // A u64, not a CompactSize, and not bounded by Core: it reads until the count is
    // reached or the file ends. Memory is reserved only for what the bytes could hold.
    let count = r.read_u64_le().map_err(PersistError::EntryCount)?;
    let fits = r.remaining() / MIN_ENTRY_LEN;
    mempool
        .entries
        .reserve(usize::try_from(count).unwrap_or(usize::MAX).min(fits));
    for index in 0..count {
        let entry = read_entry(&mut r).map_err(|source| PersistError::Entry {
            index,
            count,
            source,
        })?;
        mempool.entries.push(entry);
    }

    // Core reads the whole map before applying any of it.
    mempool.fee_deltas = read_fee_deltas(&mut r).map_err(PersistError::FeeDeltas)?;
    mempool.unbroadcast = read_txid_set(&mut r).map_err(PersistError::Unbroadcast)?;
    *trailing = r.remaining();
    Ok(())
}

fn read_entry(r: &mut Reader<'_>) -> Result<SavedEntry, DecodeError> {
    Ok(SavedEntry {
        tx: Transaction::decode_from(r)?,
        time: r.read_i64_le()?,
        fee_delta: Amount::from_sat(r.read_i64_le()?),
    })
}

/// Core's `Unserialize(std::map)`: a CompactSize count (at most `MAX_SIZE`), then pairs,
/// the first of a repeated key kept.
fn read_fee_deltas(r: &mut Reader<'_>) -> Result<BTreeMap<Txid, Amount>, DecodeError> {
    let count = r.read_count("count", 32 + 8)?;
    let mut deltas = BTreeMap::new();
    for _ in 0..count {
        let txid = Txid::decode_from(r)?;
        let delta = Amount::from_sat(r.read_i64_le()?);
        deltas.entry(txid).or_insert(delta);
    }
    Ok(deltas)
}

/// Core's `Unserialize(std::set)`: a CompactSize count (at most `MAX_SIZE`), then items.
fn read_txid_set(r: &mut Reader<'_>) -> Result<BTreeSet<Txid>, DecodeError> {
    let count = r.read_count("count", 32)?;
    let mut txids = BTreeSet::new();
    for _ in 0..count {
        txids.insert(Txid::decode_from(r)?);
    }
    Ok(txids)
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    reason = "test code: a panic is a failed test, and the numbers are small"
)]
mod tests {
    use super::*;
    use sou_primitives::encoding::serialize;
    use sou_primitives::{OutPoint, Script, TxIn, TxOut, Witness};

    const KEY: [u8; 8] = [0x5a, 0x01, 0xf0, 0x33, 0x00, 0x9c, 0x7e, 0xe4];

    fn tx(seed: u8, witness: bool) -> Transaction {
        Transaction {
            version: 2,
            input: vec![TxIn {
                previous_output: OutPoint::new(Txid::from_byte_array([seed; 32]), 1),
                script_sig: Script::new(),
                sequence: 0xffff_fffd,
                witness: if witness {
                    Witness::from_items([vec![seed; 72], vec![2; 33]])
                } else {
                    Witness::new()
                },
            }],
            output: vec![TxOut {
                value: Amount::from_sat(10_000 + i64::from(seed)),
                script_pubkey: Script::p2pkh(&[seed; 20]),
            }],
            lock_time: 0,
        }
    }

    fn sample() -> SavedMempool {
        SavedMempool {
            entries: vec![
                SavedEntry {
                    tx: tx(1, true),
                    time: 1_700_000_000,
                    fee_delta: Amount::from_sat(0),
                },
                SavedEntry {
                    tx: tx(2, false),
                    time: 1_700_000_123,
                    fee_delta: Amount::from_sat(-5_000),
                },
            ],
            fee_deltas: BTreeMap::from([
                (Txid::from_byte_array([0xee; 32]), Amount::from_sat(77)),
                (Txid::from_byte_array([0x01; 32]), Amount::from_sat(-1)),
            ]),
            unbroadcast: BTreeSet::from([tx(2, false).compute_txid()]),
        }
    }

    /// The version 1 file of [`sample`], laid out by hand.
    fn sample_v1_by_hand() -> Vec<u8> {
        let pool = sample();
        let mut b = Vec::new();
        b.extend_from_slice(&1u64.to_le_bytes());
        b.extend_from_slice(&2u64.to_le_bytes());
        for e in &pool.entries {
            b.extend_from_slice(&serialize(&e.tx));
            b.extend_from_slice(&e.time.to_le_bytes());
            b.extend_from_slice(&e.fee_delta.to_sat().to_le_bytes());
        }
        // Sorted by txid bytes: 0x01.. before 0xee...
        b.push(2);
        b.extend_from_slice(&[0x01; 32]);
        b.extend_from_slice(&(-1i64).to_le_bytes());
        b.extend_from_slice(&[0xee; 32]);
        b.extend_from_slice(&77i64.to_le_bytes());
        b.push(1);
        b.extend_from_slice(tx(2, false).compute_txid().as_byte_array());
        b
    }

    #[test]
    fn version_1_is_the_plain_layout_and_round_trips() {
        let bytes = sample().to_bytes(None);
        assert_eq!(bytes, sample_v1_by_hand());
        assert_eq!(SavedMempool::from_bytes(&bytes), Ok(sample()));
        assert_eq!(SavedMempool::obfuscation_key(&bytes), Ok(None));
    }

    #[test]
    fn version_2_xors_the_body_at_its_file_offset_and_round_trips() {
        let bytes = sample().to_bytes(Some(KEY));
        let plain = sample_v1_by_hand();
        // Header: version 2, CompactSize 8, the key, all in clear.
        assert_eq!(bytes[..8], 2u64.to_le_bytes());
        assert_eq!(bytes[8], 8);
        assert_eq!(bytes[9..17], KEY);
        // Body: version 1's body, byte i of the file XORed with KEY[i % 8].
        assert_eq!(bytes.len(), plain.len() + 9);
        for (i, (&obfuscated, &clear)) in bytes[17..].iter().zip(&plain[8..]).enumerate() {
            assert_eq!(obfuscated, clear ^ KEY[(17 + i) % 8], "body byte {i}");
        }
        assert_eq!(SavedMempool::from_bytes(&bytes), Ok(sample()));
        assert_eq!(SavedMempool::obfuscation_key(&bytes), Ok(Some(KEY)));
    }

    #[test]
    fn a_zero_key_is_version_2_in_clear() {
        let bytes = sample().to_bytes(Some([0; 8]));
        assert_eq!(bytes[17..], sample_v1_by_hand()[8..]);
        assert_eq!(SavedMempool::from_bytes(&bytes), Ok(sample()));
    }

    #[test]
    fn from_pool_leaves_the_deltas_of_entries_to_the_entries() {
        let pool = sample();
        let in_pool = pool.entries[1].tx.compute_txid();
        let mut map_deltas = pool.fee_deltas.clone();
        map_deltas.insert(in_pool, Amount::from_sat(-5_000));
        let saved = SavedMempool::from_pool(pool.entries.clone(), map_deltas, pool.unbroadcast);
        assert_eq!(saved, sample());
    }

    #[test]
    fn an_empty_pool_is_its_header_and_three_counts() {
        let empty = SavedMempool::default();
        let v1 = empty.to_bytes(None);
        assert_eq!(v1, [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(SavedMempool::from_bytes(&v1), Ok(empty.clone()));
        let v2 = empty.to_bytes(Some(KEY));
        assert_eq!(v2.len(), 17 + 10);
        assert_eq!(SavedMempool::from_bytes(&v2), Ok(empty));
    }

    #[test]
    fn obfuscation_continues_from_any_offset() {
        let clear: Vec<u8> = (0..40).collect();
        let mut whole = clear.clone();
        Obfuscation::new(KEY).apply(&mut whole, 3);
        let mut pieces = clear.clone();
        let (a, b) = pieces.split_at_mut(13);
        Obfuscation::new(KEY).apply(a, 3);
        Obfuscation::new(KEY).apply(b, 16);
        assert_eq!(whole, pieces);
        Obfuscation::new(KEY).apply(&mut whole, 3);
        assert_eq!(whole, clear);
        assert!(!Obfuscation::default().is_active());
    }

    #[test]
    fn an_unknown_version_loads_nothing() {
        for version in [0u64, 3, u64::MAX] {
            let mut bytes = sample().to_bytes(None);
            bytes[..8].copy_from_slice(&version.to_le_bytes());
            assert_eq!(
                SavedMempool::from_bytes(&bytes),
                Err(PersistError::UnknownVersion { version })
            );
            let load = SavedMempool::from_bytes_lenient(&bytes);
            assert_eq!(load.mempool, SavedMempool::default());
        }
    }

    #[test]
    fn a_key_of_another_size_is_refused() {
        let mut bytes = 2u64.to_le_bytes().to_vec();
        bytes.push(7);
        bytes.extend_from_slice(&[1; 7]);
        assert_eq!(
            SavedMempool::from_bytes(&bytes),
            Err(PersistError::KeySize { len: 7 })
        );
        // A length above MAX_SIZE, as Core's ReadCompactSize refuses it.
        let mut bytes = 2u64.to_le_bytes().to_vec();
        bytes.extend_from_slice(&[0xff, 0, 0, 0, 0, 0, 0, 0, 0x10]);
        assert!(matches!(
            SavedMempool::from_bytes(&bytes),
            Err(PersistError::Header(
                DecodeError::CompactSizeTooLarge { .. }
            ))
        ));
    }

    #[test]
    fn every_truncation_is_an_error_and_keeps_the_entries_before_it() {
        for key in [None, Some(KEY)] {
            let pool = sample();
            let bytes = pool.to_bytes(key);
            let header = if key.is_some() { 17 } else { 8 };
            // Where each entry ends: after the entry count, each transaction and two i64s.
            let mut ends = Vec::new();
            let mut end = header + 8;
            for entry in &pool.entries {
                end += serialize(&entry.tx).len() + 16;
                ends.push(end);
            }
            for len in 0..bytes.len() {
                let cut = &bytes[..len];
                assert!(SavedMempool::from_bytes(cut).is_err(), "{len} bytes");
                let load = SavedMempool::from_bytes_lenient(cut);
                assert!(load.error.is_some(), "{len} bytes");
                let kept = ends.iter().filter(|&&end| len >= end).count();
                assert_eq!(load.mempool.entries, pool.entries[..kept], "{len} bytes");
            }
        }
    }

    #[test]
    fn truncation_in_a_later_part_keeps_the_parts_before() {
        let pool = sample();
        let bytes = pool.to_bytes(None);
        // Without the last txid: the unbroadcast set is lost, the deltas kept.
        let load = SavedMempool::from_bytes_lenient(&bytes[..bytes.len() - 1]);
        assert!(matches!(load.error, Some(PersistError::Unbroadcast(_))));
        assert_eq!(load.mempool.entries, pool.entries);
        assert_eq!(load.mempool.fee_deltas, pool.fee_deltas);
        assert!(load.mempool.unbroadcast.is_empty());
        // Without the unbroadcast set and one byte of the deltas: only the entries.
        let load = SavedMempool::from_bytes_lenient(&bytes[..bytes.len() - 34]);
        assert!(matches!(load.error, Some(PersistError::FeeDeltas(_))));
        assert_eq!(load.mempool.entries, pool.entries);
        assert!(load.mempool.fee_deltas.is_empty());
    }

    #[test]
    fn a_huge_entry_count_reads_to_the_end_without_reserving_for_it() {
        let pool = sample();
        let mut bytes = pool.to_bytes(None);
        bytes[8..16].copy_from_slice(&(1u64 << 60).to_le_bytes());
        let load = SavedMempool::from_bytes_lenient(&bytes);
        // The entries are read, then the deltas' bytes are taken for a third entry.
        assert_eq!(load.mempool.entries, pool.entries);
        assert!(matches!(
            load.error,
            Some(PersistError::Entry {
                index: 2,
                count: 0x1000_0000_0000_0000,
                ..
            })
        ));
        assert!(load.mempool.entries.capacity() < 100);
        let empty = [
            1, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        ];
        assert_eq!(
            SavedMempool::from_bytes(&empty),
            Err(PersistError::Entry {
                index: 0,
                count: u64::MAX,
                source: DecodeError::UnexpectedEnd {
                    needed: 4,
                    remaining: 0
                }
            })
        );
    }

    #[test]
    fn huge_delta_and_unbroadcast_counts_are_refused_before_allocating() {
        let mut plain = SavedMempool::default().to_bytes(None);
        // 2^60 deltas: above Core's MAX_SIZE.
        plain.truncate(16);
        plain.extend_from_slice(&[0xff, 0, 0, 0, 0, 0, 0, 0, 0x10, 0]);
        assert!(matches!(
            SavedMempool::from_bytes(&plain),
            Err(PersistError::FeeDeltas(
                DecodeError::CompactSizeTooLarge { .. }
            ))
        ));
        // MAX_SIZE txids in 0 bytes: more than the rest could hold.
        let mut plain = SavedMempool::default().to_bytes(None);
        plain.truncate(17);
        plain.extend_from_slice(&[0xfe, 0, 0, 0, 2]);
        assert!(matches!(
            SavedMempool::from_bytes(&plain),
            Err(PersistError::Unbroadcast(DecodeError::TooManyItems { .. }))
        ));
    }

    #[test]
    fn a_bad_transaction_is_an_entry_error() {
        let pool = sample();
        let mut bytes = pool.to_bytes(None);
        // The first entry's witness flag byte (after version and marker): 0x02 is unknown.
        assert_eq!(bytes[16 + 5], 0x01);
        bytes[16 + 5] = 0x02;
        assert!(matches!(
            SavedMempool::from_bytes(&bytes),
            Err(PersistError::Entry {
                index: 0,
                source: DecodeError::UnknownOptionalData { flags: 2 },
                ..
            })
        ));
    }

    #[test]
    fn trailing_bytes_are_refused_strictly_and_ignored_leniently() {
        for key in [None, Some(KEY)] {
            let mut bytes = sample().to_bytes(key);
            bytes.extend_from_slice(&[0xab; 3]);
            assert_eq!(
                SavedMempool::from_bytes(&bytes),
                Err(PersistError::TrailingBytes { count: 3 })
            );
            let load = SavedMempool::from_bytes_lenient(&bytes);
            assert_eq!(load.mempool, sample());
            assert_eq!((load.error, load.trailing), (None, 3));
        }
    }

    #[test]
    fn repeated_and_unsorted_deltas_keep_the_first_as_core_does() {
        let mut b = 1u64.to_le_bytes().to_vec();
        b.extend_from_slice(&0u64.to_le_bytes());
        b.push(3);
        for (txid, delta) in [(9u8, 5i64), (3, 6), (9, 7)] {
            b.extend_from_slice(&[txid; 32]);
            b.extend_from_slice(&delta.to_le_bytes());
        }
        b.push(2);
        b.extend_from_slice(&[4; 32]);
        b.extend_from_slice(&[4; 32]);
        let pool = SavedMempool::from_bytes(&b).unwrap();
        assert_eq!(
            pool.fee_deltas.into_iter().collect::<Vec<_>>(),
            [
                (Txid::from_byte_array([3; 32]), Amount::from_sat(6)),
                (Txid::from_byte_array([9; 32]), Amount::from_sat(5)),
            ]
        );
        assert_eq!(pool.unbroadcast.len(), 1);
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        // A simple generator; each prefix of a valid file with bytes flipped.
        let base = sample().to_bytes(Some(KEY));
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..2_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let mut bytes = base.clone();
            let at = (state as usize) % bytes.len();
            bytes[at] ^= (state >> 32) as u8 | 1;
            bytes.truncate(bytes.len() - (state >> 40) as usize % 8);
            let _ = SavedMempool::from_bytes(&bytes);
        }
    }
}
