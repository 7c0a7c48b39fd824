//! The database's tables, and the bytes of their keys and values.
//!
//! redb stores bytes; the layout of each key and value is the store's own, drawn in
//! the comment of the function that writes it. A coin's key is its txid then its output
//! index *big endian*, so that the table iterates in Core's order: by txid, then index.
//! Values carry no version of their own: the whole layout has one ([`VERSION`], kept in
//! `meta`), and a database of another version is refused when opened.
//!
//! Every decoder returns `None` on bytes it does not expect, and the caller reports the
//! database corrupt: a damaged file must not turn into a wrong coin.
//!
//! References: Core `src/txdb.cpp` (`CCoinsViewDB`), `src/undo.h` (`CTxUndo`,
//! `CBlockUndo`).

use redb::TableDefinition;
use sou_chain::chainstate::{BlockEntry, BlockStatus, BlockUndo, Failure};
use sou_chain::consensus::Coin;
use sou_primitives::encoding::{deserialize, serialize, write_compact_size, Reader};
use sou_primitives::pow::{Work, U256};
use sou_primitives::{BlockHeader, OutPoint, TxOut, Txid};

pub(super) const BLOCK_INDEX: TableDefinition<&[u8; 32], &[u8]> =
    TableDefinition::new("block_index");
pub(super) const BLOCK_POS: TableDefinition<&[u8; 32], (u32, u64)> =
    TableDefinition::new("block_pos");
pub(super) const COINS: TableDefinition<&[u8; 36], &[u8]> = TableDefinition::new("coins");
pub(super) const UNDO: TableDefinition<&[u8; 32], &[u8]> = TableDefinition::new("undo");
pub(super) const TXINDEX: TableDefinition<&[u8; 32], &[u8; 32]> = TableDefinition::new("txindex");
pub(super) const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");

/// `meta` keys.
pub(super) const META_COINS_TIP: &str = "coins_tip";
pub(super) const META_FILES_END: &str = "files_end";
pub(super) const META_VERSION: &str = "version";
/// The layout of the tables; a database of another version is refused.
pub(super) const VERSION: u32 = 1;

/// The key of a coin: txid bytes then the output index big endian, so that the table's
/// order is Core's (by txid, then index).
pub(super) fn outpoint_key(outpoint: &OutPoint) -> [u8; 36] {
    let mut key = [0u8; 36];
    key[..32].copy_from_slice(outpoint.txid.as_byte_array());
    key[32..].copy_from_slice(&outpoint.vout.to_be_bytes());
    key
}

pub(super) fn outpoint_from_key(key: &[u8; 36]) -> OutPoint {
    let mut txid = [0u8; 32];
    txid.copy_from_slice(&key[..32]);
    let vout = u32::from_be_bytes([key[32], key[33], key[34], key[35]]);
    OutPoint::new(Txid::from_byte_array(txid), vout)
}

/// A coin: height (4 bytes), coinbase flag (1), then the output in consensus encoding.
pub(super) fn encode_coin(coin: &Coin) -> Vec<u8> {
    let mut out = Vec::with_capacity(16 + coin.output.script_pubkey.len());
    out.extend_from_slice(&coin.height.to_le_bytes());
    out.push(u8::from(coin.is_coinbase));
    out.extend_from_slice(&serialize(&coin.output));
    out
}

pub(super) fn decode_coin(bytes: &[u8]) -> Option<Coin> {
    let (height, rest) = bytes.split_first_chunk::<4>()?;
    let (flag, output) = rest.split_first()?;
    Some(Coin {
        output: deserialize::<TxOut>(output).ok()?,
        height: u32::from_le_bytes(*height),
        is_coinbase: *flag != 0,
    })
}

/// Undo data: per transaction after the coinbase, a count of coins, then each coin
/// prefixed by its length.
pub(super) fn encode_undo(undo: &BlockUndo) -> Vec<u8> {
    let mut out = Vec::new();
    write_compact_size(&mut out, undo.spent.len() as u64);
    for coins in &undo.spent {
        write_compact_size(&mut out, coins.len() as u64);
        for coin in coins {
            let bytes = encode_coin(coin);
            write_compact_size(&mut out, bytes.len() as u64);
            out.extend_from_slice(&bytes);
        }
    }
    out
}

pub(super) fn decode_undo(bytes: &[u8]) -> Option<BlockUndo> {
    let mut reader = Reader::new(bytes);
    // Counts are bounded by the bytes left (at least one byte per item).
    let txs = reader.read_compact_size().ok()?;
    if txs > reader.remaining() as u64 {
        return None;
    }
    let mut spent = Vec::new();
    for _ in 0..txs {
        let n = reader.read_compact_size().ok()?;
        if n > reader.remaining() as u64 {
            return None;
        }
        let mut coins = Vec::new();
        for _ in 0..n {
            coins.push(decode_coin(reader.read_var_bytes().ok()?)?);
        }
        spent.push(coins);
    }
    reader.finish().ok()?;
    Some(BlockUndo { spent })
}

/// A tree entry: header (80), height (4), chain work (32, big endian), status (1),
/// failure (1), has data (1), transaction count (4). The arrival order is not kept: a
/// loaded tree orders arrivals afresh, as Core does.
pub(super) fn encode_entry(entry: &BlockEntry) -> Vec<u8> {
    let mut out = serialize(&entry.header);
    out.extend_from_slice(&entry.height.to_le_bytes());
    out.extend_from_slice(&entry.chain_work.to_u256().to_be_bytes());
    out.push(match entry.status {
        BlockStatus::Header => 0,
        BlockStatus::Data => 1,
        BlockStatus::Valid => 2,
    });
    out.push(match entry.failure {
        None => 0,
        Some(Failure::Invalid) => 1,
        Some(Failure::InvalidParent) => 2,
    });
    out.push(u8::from(entry.has_data));
    out.extend_from_slice(&entry.tx_count.to_le_bytes());
    out
}

pub(super) fn decode_entry(bytes: &[u8]) -> Option<BlockEntry> {
    let mut reader = Reader::new(bytes);
    let header: BlockHeader = deserialize(reader.read_slice(80).ok()?).ok()?;
    let height = reader.read_u32_le().ok()?;
    let work = Work::from_u256(U256::from_be_bytes(reader.read_array::<32>().ok()?));
    let status = match reader.read_u8().ok()? {
        0 => BlockStatus::Header,
        1 => BlockStatus::Data,
        2 => BlockStatus::Valid,
        _ => return None,
    };
    let failure = match reader.read_u8().ok()? {
        0 => None,
        1 => Some(Failure::Invalid),
        2 => Some(Failure::InvalidParent),
        _ => return None,
    };
    let has_data = reader.read_u8().ok()? != 0;
    let tx_count = reader.read_u32_le().ok()?;
    reader.finish().ok()?;
    Some(BlockEntry {
        header,
        height,
        chain_work: work,
        status,
        failure,
        has_data,
        tx_count,
        sequence: 0,
    })
}
