//! Fingerprints of the UTXO set, as Bitcoin Core's `gettxoutsetinfo` reports them.
//!
//! Two nodes that followed the same chain hold the same unspent coins. Hashing the whole
//! set lets them (or a person comparing them) check that without exchanging gigabytes,
//! and lets a node that starts from a UTXO snapshot (assumeutxo) check the snapshot
//! against a hash compiled into the software. Core offers two such hashes, and a few
//! counts beside them, in [`UtxoStats`]:
//!
//! - **`hash_serialized_3`**: double SHA-256 of every coin serialised one after the other
//!   in a fixed order, the order of Core's coins database (keyed by txid bytes, then
//!   output index). Any change means hashing everything again. assumeutxo commits to it.
//! - **`muhash`**: the [`MuHash3072`] of the set of serialised coins, which does not
//!   depend on order and follows the chain block by block: connecting a block inserts
//!   the coins it creates and removes the coins it spends ([`apply_coin_hash`],
//!   [`remove_coin_hash`]), as Core's `coinstatsindex` does.
//!
//! Both hash the same serialisation of each coin (Core `TxOutSer`):
//!
//! ```text
//!   txid (32 bytes) | vout (u32 LE) | height << 1 | coinbase (u32 LE) | value (i64 LE) | script (CompactSize + bytes)
//! ```
//!
//! Beside the hashes come `txouts` (coins), `transactions` (distinct txids with a coin
//! left), `total_amount` and `bogosize`, a size measure that ignores how a database
//! stores coins: 50 bytes of fixed fields per coin plus its script.
//!
//! References: Core `src/kernel/coinstats.cpp` (`ComputeUTXOStats`, `ApplyHash`,
//! `TxOutSer`, `GetBogoSize`, `ApplyCoinHash`, `RemoveCoinHash`), `src/rpc/blockchain.cpp`
//! (`gettxoutsetinfo`), `src/txdb.cpp` (the `'C' | txid | VARINT(vout)` database key).

use core::borrow::Borrow;
use core::fmt;
use core::str::FromStr;

use rayon::prelude::*;
use sou_primitives::encoding::{Encode, WriteBytes};
use sou_primitives::hashes::muhash::MuHash3072;
use sou_primitives::hashes::{HexError, Sha256Engine};
use sou_primitives::{Amount, OutPoint, Script, Txid};

use crate::consensus::Coin;

/// Coins per MuHash batch when the set is hashed on several threads: large enough that
/// joining partial hashes (one multiplication each) costs nothing next to the inserts.
const MUHASH_BATCH: usize = 4096;

/// A 32-byte UTXO set hash, shown as Core shows its `uint256`s: last byte first.
///
/// The bytes are kept in the order the hash function produced them, as [`Txid`] keeps
/// its own, and [`fmt::Display`] / [`FromStr`] use the reversed hex of Core's RPC.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct UtxoSetHash([u8; 32]);

impl UtxoSetHash {
    /// From the 32 bytes in hash output order.
    pub const fn from_byte_array(bytes: [u8; 32]) -> UtxoSetHash {
        UtxoSetHash(bytes)
    }

    /// The 32 bytes in hash output order.
    pub const fn to_byte_array(self) -> [u8; 32] {
        self.0
    }
}

impl fmt::Display for UtxoSetHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for byte in self.0.iter().rev() {
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for UtxoSetHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UtxoSetHash({self})")
    }
}

impl FromStr for UtxoSetHash {
    type Err = HexError;

    /// Parses the reversed hex that `gettxoutsetinfo` prints.
    fn from_str(s: &str) -> Result<UtxoSetHash, HexError> {
        // The same 64 reversed hex digits as a txid: reuse its parser.
        let as_txid: Txid = s.parse()?;
        Ok(UtxoSetHash(as_txid.to_byte_array()))
    }
}

/// What `gettxoutsetinfo` reports about the UTXO set, less what depends on the node
/// (height, best block, disk size): Core's `CCoinsStats` as `ComputeUTXOStats` fills it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UtxoStats {
    /// Unspent outputs (`txouts`).
    pub txouts: u64,
    /// 50 bytes per coin plus its script's length (`bogosize`, Core `GetBogoSize`).
    pub bogosize: u64,
    /// The sum of all coins' values (`total_amount`), or `None` if it overflowed, as
    /// Core's `std::optional` total (for which the RPC then answers with an error). A
    /// set built by validating blocks never overflows: it holds at most 21 million BTC.
    pub total_amount: Option<Amount>,
    /// Distinct transactions with at least one unspent output (`transactions`).
    pub transactions: u64,
    /// Double SHA-256 of every coin's serialisation in database order
    /// (`hash_serialized_3`).
    pub hash_serialized_3: UtxoSetHash,
    /// MuHash3072 of the set of coin serialisations (`muhash`).
    pub muhash: UtxoSetHash,
}

impl UtxoStats {
    /// Scans a UTXO set as Core's `ComputeUTXOStats` does, computing both hashes.
    ///
    /// The coins may come in any order (a `HashMap` iterates in none): they are sorted
    /// into Core's order first. Owned pairs and the `(&OutPoint, &Coin)` of
    /// [`UtxoSet::iter`](crate::UtxoSet::iter) are both accepted. Each outpoint should
    /// appear once, as in a set. The MuHash is computed on all cores, the serialised
    /// hash alongside it.
    pub fn compute<I, O, C>(coins: I) -> UtxoStats
    where
        I: IntoIterator<Item = (O, C)>,
        O: Borrow<OutPoint> + Sync,
        C: Borrow<Coin> + Sync,
    {
        let mut coins: Vec<(O, C)> = coins.into_iter().collect();
        // Core walks its coins database, whose keys are 'C' | txid | VARINT(vout), in
        // byte order: so by the txid's 32 bytes as stored (not as displayed). Within one
        // txid the VARINT bytes would misorder indices from 16,512 up, but Core gathers a
        // transaction's coins into a `std::map<uint32_t, Coin>` first (`ApplyHash`), which
        // orders them by number.
        coins.sort_unstable_by(|(a, _), (b, _)| {
            let (a, b) = (a.borrow(), b.borrow());
            (a.txid.as_byte_array(), a.vout).cmp(&(b.txid.as_byte_array(), b.vout))
        });
        let (serialized, muhash) = rayon::join(|| scan_in_order(&coins), || muhash_of(&coins));
        UtxoStats {
            muhash: UtxoSetHash(muhash.finalize()),
            ..serialized
        }
    }
}

/// The counts and `hash_serialized_3` of coins already in Core's order; `muhash` is left
/// at its default for the caller.
fn scan_in_order<O: Borrow<OutPoint>, C: Borrow<Coin>>(coins: &[(O, C)]) -> UtxoStats {
    let mut engine = Sha256Engine::new();
    let mut txouts = 0u64;
    let mut bogosize_total = 0u64;
    let mut total_amount = Some(Amount::ZERO);
    let mut transactions = 0u64;
    let mut previous_txid = None;
    for (outpoint, coin) in coins {
        let (outpoint, coin) = (outpoint.borrow(), coin.borrow());
        // Core's `ApplyStats` counts a transaction each time the txid changes.
        if previous_txid != Some(outpoint.txid) {
            transactions += 1;
            previous_txid = Some(outpoint.txid);
        }
        txouts += 1;
        bogosize_total = bogosize_total.saturating_add(bogosize(&coin.output.script_pubkey));
        total_amount = total_amount.and_then(|total| total.checked_add(coin.output.value));
        serialize_coin(outpoint, coin, &mut engine);
    }
    UtxoStats {
        txouts,
        bogosize: bogosize_total,
        total_amount,
        transactions,
        hash_serialized_3: UtxoSetHash(engine.finish_double()),
        muhash: UtxoSetHash::default(),
    }
}

/// The MuHash of the coins, batch by batch on rayon's threads: multiplication is
/// associative and commutative, so partial products join in any grouping.
fn muhash_of<O, C>(coins: &[(O, C)]) -> MuHash3072
where
    O: Borrow<OutPoint> + Sync,
    C: Borrow<Coin> + Sync,
{
    coins
        .par_chunks(MUHASH_BATCH)
        .map(|batch| {
            let mut hash = MuHash3072::new();
            let mut buffer = Vec::with_capacity(128);
            for (outpoint, coin) in batch {
                buffer.clear();
                serialize_coin(outpoint.borrow(), coin.borrow(), &mut buffer);
                hash.insert(&buffer);
            }
            hash
        })
        .reduce(MuHash3072::new, |mut a, b| {
            a.combine(&b);
            a
        })
}

/// Writes one coin as both UTXO set hashes see it (Core `TxOutSer`): the outpoint, then
/// `height << 1 | is_coinbase` as a 32-bit little-endian number, then the output.
///
/// Core keeps the height in 31 bits, so the shift loses nothing for real coins; a height
/// from 2^31 up loses its top bit here as it would there.
pub fn serialize_coin<W: WriteBytes + ?Sized>(outpoint: &OutPoint, coin: &Coin, w: &mut W) {
    outpoint.encode_to(w);
    let code = (coin.height << 1) | u32::from(coin.is_coinbase);
    w.write_bytes(&code.to_le_bytes());
    coin.output.encode_to(w);
}

/// A coin's contribution to `bogosize` (Core `GetBogoSize`): 32 bytes of txid, 4 of
/// output index, 4 of height and coinbase flag, 8 of value, 2 of script length, then the
/// script. A measure of the set that does not depend on any database's compression.
pub fn bogosize(script_pubkey: &Script) -> u64 {
    const FIXED: u64 = 32 + 4 + 4 + 8 + 2;
    // A script's length always fits in 64 bits.
    FIXED.saturating_add(u64::try_from(script_pubkey.len()).unwrap_or(u64::MAX))
}

/// Inserts a coin into a running UTXO set MuHash (Core `ApplyCoinHash`), for a coin a
/// block creates.
pub fn apply_coin_hash(muhash: &mut MuHash3072, outpoint: &OutPoint, coin: &Coin) {
    let mut buffer = Vec::with_capacity(128);
    serialize_coin(outpoint, coin, &mut buffer);
    muhash.insert(&buffer);
}

/// Removes a coin from a running UTXO set MuHash (Core `RemoveCoinHash`), for a coin a
/// block spends.
pub fn remove_coin_hash(muhash: &mut MuHash3072, outpoint: &OutPoint, coin: &Coin) {
    let mut buffer = Vec::with_capacity(128);
    serialize_coin(outpoint, coin, &mut buffer);
    muhash.remove(&buffer);
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "test code")]
mod tests {
    use super::*;
    use sou_primitives::TxOut;

    fn coin(value: i64, script: &[u8], height: u32, is_coinbase: bool) -> Coin {
        Coin {
            output: TxOut {
                value: Amount::from_sat(value),
                script_pubkey: Script::from(script.to_vec()),
            },
            height,
            is_coinbase,
        }
    }

    #[test]
    fn coin_serialization_layout() {
        let txid = Txid::from_byte_array([0xab; 32]);
        let mut bytes = Vec::new();
        serialize_coin(
            &OutPoint::new(txid, 2),
            &coin(5_000, &[0x51], 300, true),
            &mut bytes,
        );
        let mut expected = vec![0xab; 32];
        expected.extend_from_slice(&2u32.to_le_bytes());
        expected.extend_from_slice(&601u32.to_le_bytes()); // 300 << 1 | 1
        expected.extend_from_slice(&5_000i64.to_le_bytes());
        expected.extend_from_slice(&[1, 0x51]);
        assert_eq!(bytes, expected);
    }

    #[test]
    fn empty_set() {
        let stats = UtxoStats::compute(Vec::<(OutPoint, Coin)>::new());
        assert_eq!(stats.txouts, 0);
        assert_eq!(stats.transactions, 0);
        assert_eq!(stats.total_amount, Some(Amount::ZERO));
        // Double SHA-256 of nothing, shown reversed.
        assert_eq!(
            stats.hash_serialized_3.to_string(),
            "56944c5d3f98413ef45cf54545538103cc9f298e0575820ad3591376e2e0f65d"
        );
    }

    #[test]
    fn order_is_txid_bytes_then_vout_number() {
        // Txid A is smaller stored, txid B is smaller displayed. Vouts 16,511 and 16,512
        // would swap under the database's VARINT byte order; Core's map keeps them numeric.
        let mut a = [0u8; 32];
        a[31] = 0xff;
        let mut b = [0u8; 32];
        b[0] = 0x01;
        let (a, b) = (Txid::from_byte_array(a), Txid::from_byte_array(b));
        let c = coin(1, &[0x51], 1, false);
        let points = [
            OutPoint::new(b, 0),
            OutPoint::new(a, 16_512),
            OutPoint::new(a, 16_511),
            OutPoint::new(a, 0),
        ];
        let stats = UtxoStats::compute(points.iter().map(|p| (*p, c.clone())));
        let mut engine = Sha256Engine::new();
        for p in [points[3], points[2], points[1], points[0]] {
            serialize_coin(&p, &c, &mut engine);
        }
        assert_eq!(
            stats.hash_serialized_3.to_byte_array(),
            engine.finish_double()
        );
        assert_eq!(stats.transactions, 2);
        assert_eq!(stats.txouts, 4);
        assert_eq!(stats.bogosize, 4 * 51);
    }

    #[test]
    fn total_overflow_is_none() {
        let c = coin(i64::MAX, &[], 1, false);
        let txid = Txid::from_byte_array([1; 32]);
        let stats =
            UtxoStats::compute([(OutPoint::new(txid, 0), &c), (OutPoint::new(txid, 1), &c)]);
        assert_eq!(stats.total_amount, None);
        assert_eq!(stats.txouts, 2);
    }

    #[test]
    fn hash_parses_and_displays_reversed() {
        let shown = "06ea0b22c5a7509a7a828a5732ce54ca07ed3125f7f3ec33d431dd3b87186831";
        let hash: UtxoSetHash = shown.parse().unwrap();
        assert_eq!(hash.to_string(), shown);
        assert_eq!(hash.to_byte_array()[0], 0x31);
        assert!("06ea".parse::<UtxoSetHash>().is_err());
    }
}
