//! `peers.dat`: the address manager as Bitcoin Core saves it between runs.
//!
//! A node that forgot every address at each restart would depend on whoever it was told
//! to connect to. Core writes its address manager to `peers.dat` every fifteen minutes
//! and at shutdown, and reads it back at start; sou reads and writes the same file, so a
//! data directory moves between the two nodes with its addresses.
//!
//! The file is the network's magic, then the address manager, then the double SHA-256 of
//! both. The address manager is (Core `AddrManImpl::Serialize`):
//! - a format byte (4 today) and a compatibility byte (32 + the oldest format able to
//!   read the file: a reader refuses a file whose oldest format is newer than it knows);
//! - the secret key that places addresses in buckets, so no one can aim at a bucket;
//! - the number of "new" addresses (heard of) and "tried" ones (connected to once);
//! - the number of new buckets, XORed with 2^30 (so that pre-2014 readers refuse it);
//! - every new address, then every tried one: the address as `addrv2` carries it with a
//!   disk-format tag before it, the peer that told us of it, the last successful
//!   connection and the failed attempts since;
//! - for each new bucket, the indexes of the new addresses in it, then the asmap
//!   version (zero without `-asmap`).
//!
//! sou keeps no buckets (its address manager is a bounded map), so it writes one bucket
//! holding every new address: on reading, Core sees the bucket count differ from its
//! own and places each address itself, exactly as after an asmap change. Reading a
//! file, a new address that no bucket refers to is dropped, as Core drops it.
//!
//! `anchors.dat`, in the same envelope, holds the addresses of the (at most two)
//! block-relay-only peers a node had when it stopped cleanly: the next start connects to
//! them first, so that an attacker who fills the address manager while the node is down
//! does not choose all its peers ([`encode_anchors`], [`decode_anchors`]).
//!
//! References: Core `AddrManImpl::Serialize`/`Unserialize` (src/addrman.cpp),
//! `AddrInfo` (src/addrman_impl.h), `CAddress`'s disk format (src/protocol.h),
//! `SerializeDB`/`DeserializeDB`, `LoadAddrman`, `DumpAnchors` and `ReadAnchors`
//! (src/addrdb.cpp).

use std::collections::BTreeSet;

use sou_primitives::encoding::{Reader, WriteBytes};
use sou_primitives::hashes::sha256d;
use sou_primitives::DecodeError;

use super::{AddrV2, AddrV2Message};
use crate::error::MessageError;
use crate::ServiceFlags;

/// The format sou writes and the newest it reads (Core `Format::V4_MULTIPORT`).
pub const FILE_FORMAT: u8 = 4;
/// The first format whose addresses are in BIP155 form (Core `Format::V3_BIP155`).
const FORMAT_BIP155: u8 = 3;
/// The first format with the bucket count XORed (Core `Format::V1_DETERMINISTIC`).
const FORMAT_DETERMINISTIC: u8 = 1;
/// The first format ending with the asmap version (Core `Format::V2_ASMAP`).
const FORMAT_ASMAP: u8 = 2;
/// Added to the oldest compatible format in the second byte (Core
/// `INCOMPATIBILITY_BASE`: the byte was once the key's length, 32).
const INCOMPATIBILITY_BASE: u8 = 32;
/// The most new addresses a file may hold (Core: 1,024 buckets of 64).
pub const MAX_NEW: i32 = 1_024 * 64;
/// The most tried addresses a file may hold (Core: 256 buckets of 64).
pub const MAX_TRIED: i32 = 256 * 64;
/// The fixed low bits of an address's disk-format tag (Core `DISK_VERSION_INIT`).
const DISK_VERSION_INIT: u32 = 220_000;
/// The low bits a reader ignores (Core `DISK_VERSION_IGNORE_MASK`).
const DISK_VERSION_IGNORE_MASK: u32 = 0x0007_ffff;
/// The tag bit of an address in BIP155 form (Core `DISK_VERSION_ADDRV2`).
const DISK_VERSION_ADDRV2: u32 = 1 << 29;

/// One address of the manager, with what the manager knows of it (Core `AddrInfo`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAddress {
    /// The address, its port, services and when it was last said to be up.
    pub address: AddrV2Message,
    /// The peer that told us of it (the address itself when added by hand).
    pub source: AddrV2,
    /// The last successful connection to it (Unix seconds, 0 for never).
    pub last_success: i64,
    /// Failed connection attempts since the last success.
    pub attempts: i32,
}

/// The contents of a `peers.dat`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeersFile {
    /// The address manager's secret bucketing key (Core `nKey`).
    pub key: [u8; 32],
    /// Addresses heard of.
    pub new: Vec<StoredAddress>,
    /// Addresses connected to at least once.
    pub tried: Vec<StoredAddress>,
}

/// Why a `peers.dat` was not read. The messages are Core's, as `LoadAddrman` shows
/// them inside "Invalid or corrupt peers.dat (...)".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeersFileError {
    /// The file belongs to another network.
    #[error("Invalid network magic number")]
    Magic,
    /// The trailing hash does not match.
    #[error("Checksum mismatch, data corrupted")]
    Checksum,
    /// The file ends early.
    #[error("AutoFile::read: end of file: iostream error")]
    Truncated,
    /// The compatibility byte is below its base.
    #[error("Corrupted addrman database: The compat value ({0}) is lower than the expected minimum value 32.: iostream error")]
    Compat(u8),
    /// Written by a newer program in a format this one cannot read. Core then moves the
    /// file to `peers.dat.bak` and starts afresh rather than refusing to start.
    #[error("Unsupported format of addrman database: {format}. It is compatible with formats >={lowest}, but the maximum supported by this version of Bitcoin Core is 4.")]
    Unsupported {
        /// The file's format.
        format: u8,
        /// The oldest format able to read it.
        lowest: u8,
    },
    /// More new addresses than the buckets hold.
    #[error("Corrupt AddrMan serialization: nNew={0}, should be in [0, 65536]: iostream error")]
    NewCount(i32),
    /// More tried addresses than the buckets hold.
    #[error("Corrupt AddrMan serialization: nTried={0}, should be in [0, 16384]: iostream error")]
    TriedCount(i32),
    /// An address's disk-format tag is neither v1 nor BIP155.
    #[error("Unsupported CAddress disk format version: iostream error")]
    AddressFormat,
    /// A length or count written in more bytes than it needs, or too large.
    #[error("{0}: iostream error")]
    Encoding(&'static str),
    /// Core's consistency check of the loaded manager failed with this code
    /// (`AddrManImpl::CheckAddrman`): -1 for a tried address never connected to, -5 for
    /// an address listed twice, -8 for a negative last success, -16 for a zero key.
    #[error("Corrupt data. Consistency check failed with code {0}: iostream error")]
    Consistency(i32),
    /// An address that cannot be read (a known network with the wrong length, too long).
    #[error("{0}: iostream error")]
    Address(MessageError),
}

impl From<DecodeError> for PeersFileError {
    fn from(e: DecodeError) -> Self {
        match e {
            DecodeError::NonCanonicalCompactSize { .. } => {
                PeersFileError::Encoding("non-canonical ReadCompactSize()")
            }
            DecodeError::CompactSizeTooLarge { .. } => {
                PeersFileError::Encoding("ReadCompactSize(): size too large")
            }
            _ => PeersFileError::Truncated,
        }
    }
}

impl From<MessageError> for PeersFileError {
    fn from(e: MessageError) -> Self {
        match e {
            MessageError::Decode(e) => e.into(),
            other => PeersFileError::Address(other),
        }
    }
}

impl PeersFile {
    /// The file's bytes for the network whose frames start with `magic`.
    pub fn encode(&self, magic: [u8; 4]) -> Vec<u8> {
        let mut out = Vec::new();
        out.write_bytes(&magic);
        out.push(FILE_FORMAT);
        out.push(INCOMPATIBILITY_BASE + FILE_FORMAT);
        out.write_bytes(&self.key);
        write_count(&mut out, self.new.len());
        write_count(&mut out, self.tried.len());
        // One bucket for all new addresses: a count other than Core's 1,024 makes the
        // reader place each address by its own key (see the module's notes).
        let buckets: i32 = if self.new.is_empty() { 0 } else { 1 };
        out.write_bytes(&(buckets ^ (1 << 30)).to_le_bytes());
        for entry in self.new.iter().chain(&self.tried) {
            encode_entry(&mut out, entry);
        }
        if buckets == 1 {
            write_count(&mut out, self.new.len());
            for index in 0..self.new.len() {
                write_count(&mut out, index);
            }
        }
        out.write_bytes(&[0u8; 32]);
        let checksum = sha256d(&out);
        out.write_bytes(&checksum);
        out
    }

    /// Reads a file's bytes for the network whose frames start with `magic` (Core
    /// `DeserializeDB`): what follows the checksum is ignored, as Core reads no further.
    pub fn decode(bytes: &[u8], magic: [u8; 4]) -> Result<PeersFile, PeersFileError> {
        let mut r = Reader::new(bytes);
        if r.read_array::<4>()? != magic {
            return Err(PeersFileError::Magic);
        }
        let format = r.read_u8()?;
        let compat = r.read_u8()?;
        if compat < INCOMPATIBILITY_BASE {
            return Err(PeersFileError::Compat(compat));
        }
        let lowest = compat - INCOMPATIBILITY_BASE;
        if lowest > FILE_FORMAT {
            return Err(PeersFileError::Unsupported { format, lowest });
        }
        let key = r.read_array::<32>()?;
        let new_count = r.read_i32_le()?;
        let tried_count = r.read_i32_le()?;
        let mut buckets = r.read_i32_le()?;
        if format >= FORMAT_DETERMINISTIC {
            buckets ^= 1 << 30;
        }
        if !(0..=MAX_NEW).contains(&new_count) {
            return Err(PeersFileError::NewCount(new_count));
        }
        if !(0..=MAX_TRIED).contains(&tried_count) {
            return Err(PeersFileError::TriedCount(tried_count));
        }
        let bip155 = format >= FORMAT_BIP155;
        let mut new = Vec::new();
        for _ in 0..new_count {
            new.push(decode_entry(&mut r, bip155)?);
        }
        let mut tried = Vec::new();
        for _ in 0..tried_count {
            tried.push(decode_entry(&mut r, bip155)?);
        }
        // Which new addresses some bucket holds; the others are dropped, as Core
        // prunes entries left with no reference.
        let mut referenced = BTreeSet::new();
        for _ in 0..buckets.max(0) {
            let entries = r.read_i32_le()?;
            for _ in 0..entries.max(0) {
                let index = r.read_i32_le()?;
                if (0..new_count).contains(&index) {
                    referenced.insert(index);
                }
            }
        }
        if format >= FORMAT_ASMAP {
            r.read_array::<32>()?;
        }
        let hashed = r.position();
        let checksum = r.read_array::<32>()?;
        if sha256d(&bytes[..hashed]) != checksum {
            return Err(PeersFileError::Checksum);
        }
        let new: Vec<StoredAddress> = new
            .into_iter()
            .zip(0..)
            .filter(|(_, i)| referenced.contains(i))
            .map(|(entry, _)| entry)
            .collect();
        check_consistency(&key, &new, &tried)?;
        Ok(PeersFile { key, new, tried })
    }
}

/// The checks of Core's `CheckAddrman` that a file can fail (Core runs it on every
/// load): first each address's (a tried one never connected to, a negative time, one
/// listed twice), then the key.
fn check_consistency(
    key: &[u8; 32],
    new: &[StoredAddress],
    tried: &[StoredAddress],
) -> Result<(), PeersFileError> {
    let mut seen = BTreeSet::new();
    let entries = new
        .iter()
        .map(|e| (e, false))
        .chain(tried.iter().map(|e| (e, true)));
    for (entry, is_tried) in entries {
        if is_tried && entry.last_success == 0 {
            return Err(PeersFileError::Consistency(-1));
        }
        let address = &entry.address;
        if !seen.insert((
            address.addr.network_id(),
            address.addr.to_bytes(),
            address.port,
        )) {
            return Err(PeersFileError::Consistency(-5));
        }
        if entry.last_success < 0 {
            return Err(PeersFileError::Consistency(-8));
        }
    }
    if *key == [0; 32] {
        return Err(PeersFileError::Consistency(-16));
    }
    Ok(())
}

/// A count as Core's `int`.
fn write_count(out: &mut Vec<u8>, n: usize) {
    let n = i32::try_from(n).unwrap_or(i32::MAX);
    out.write_bytes(&n.to_le_bytes());
}

/// One `AddrInfo` in format 4: the tagged address, its source, last success, attempts.
fn encode_entry(out: &mut Vec<u8>, entry: &StoredAddress) {
    encode_disk_address(out, &entry.address);
    entry.source.encode_to(out);
    out.write_bytes(&entry.last_success.to_le_bytes());
    out.write_bytes(&entry.attempts.to_le_bytes());
}

/// One `AddrInfo`: in formats before 3, addresses and sources are 16-byte IPv6 forms;
/// from 3 on, each address's tag says which form it takes and sources are BIP155.
fn decode_entry(r: &mut Reader<'_>, bip155: bool) -> Result<StoredAddress, PeersFileError> {
    let address = decode_disk_address(r, bip155)?;
    let source = if bip155 {
        AddrV2::decode_from(r)?
    } else {
        from_legacy(r.read_array::<16>()?)
    };
    let last_success = r.read_i64_le()?;
    let attempts = r.read_i32_le()?;
    Ok(StoredAddress {
        address,
        source,
        last_success,
        attempts,
    })
}

/// A `CAddress` in its disk form, BIP155 (Core `CAddress::V2_DISK`): the format tag,
/// then the address as `addrv2` carries it.
fn encode_disk_address(out: &mut Vec<u8>, address: &AddrV2Message) {
    out.write_bytes(&(DISK_VERSION_INIT | DISK_VERSION_ADDRV2).to_le_bytes());
    address.encode_to(out);
}

/// A `CAddress` in its disk form: its tag says whether the pre-BIP155 form follows (a
/// 16-byte IPv6 address) or BIP155's, which a reader takes only when `bip155`.
fn decode_disk_address(r: &mut Reader<'_>, bip155: bool) -> Result<AddrV2Message, PeersFileError> {
    let tag = r.read_u32_le()? & !DISK_VERSION_IGNORE_MASK;
    Ok(match tag {
        0 => {
            let time = r.read_u32_le()?;
            let services = ServiceFlags::from_bits(r.read_u64_le()?);
            let addr = from_legacy(r.read_array::<16>()?);
            let port = u16::from_be_bytes(r.read_array()?);
            AddrV2Message {
                time,
                services,
                addr,
                port,
            }
        }
        DISK_VERSION_ADDRV2 if bip155 => AddrV2Message::decode_from(r)?,
        _ => return Err(PeersFileError::AddressFormat),
    })
}

/// The bytes of an `anchors.dat` holding `anchors`, for the network whose frames start
/// with `magic` (Core `DumpAnchors`).
pub fn encode_anchors(anchors: &[AddrV2Message], magic: [u8; 4]) -> Vec<u8> {
    let mut out = Vec::new();
    out.write_bytes(&magic);
    sou_primitives::encoding::write_compact_size(&mut out, anchors.len() as u64);
    for anchor in anchors {
        encode_disk_address(&mut out, anchor);
    }
    let checksum = sha256d(&out);
    out.write_bytes(&checksum);
    out
}

/// The addresses of an `anchors.dat` (Core `ReadAnchors`, which drops the whole file on
/// any fault).
pub fn decode_anchors(bytes: &[u8], magic: [u8; 4]) -> Result<Vec<AddrV2Message>, PeersFileError> {
    let mut r = Reader::new(bytes);
    if r.read_array::<4>()? != magic {
        return Err(PeersFileError::Magic);
    }
    let count = r.read_compact_size()?;
    let mut anchors = Vec::new();
    for _ in 0..count {
        // Each address takes bytes: a false count runs out of them, not of memory.
        anchors.push(decode_disk_address(&mut r, true)?);
    }
    let hashed = r.position();
    let checksum = r.read_array::<32>()?;
    if sha256d(&bytes[..hashed]) != checksum {
        return Err(PeersFileError::Checksum);
    }
    Ok(anchors)
}

/// A 16-byte pre-BIP155 address: IPv4 when mapped into IPv6 (Core `SetLegacyIPv6`).
fn from_legacy(bytes: [u8; 16]) -> AddrV2 {
    let ip = std::net::Ipv6Addr::from(bytes);
    match ip.to_ipv4_mapped() {
        Some(v4) => AddrV2::Ipv4(v4),
        None => AddrV2::Ipv6(ip),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    const REGTEST: [u8; 4] = [0xfa, 0xbf, 0xb5, 0xda];

    fn entry(last: u8) -> StoredAddress {
        let addr = AddrV2::Ipv4(Ipv4Addr::new(1, 2, 3, last));
        StoredAddress {
            address: AddrV2Message {
                time: 1_700_000_000,
                services: ServiceFlags::from_bits(9),
                addr: addr.clone(),
                port: 8333,
            },
            source: addr,
            last_success: 0,
            attempts: 0,
        }
    }

    fn sample() -> PeersFile {
        let mut tried = entry(9);
        tried.last_success = 1_700_000_100;
        PeersFile {
            key: [7; 32],
            new: vec![entry(1), entry(2)],
            tried: vec![tried],
        }
    }

    #[test]
    fn a_file_round_trips() {
        let file = sample();
        let bytes = file.encode(REGTEST);
        assert_eq!(PeersFile::decode(&bytes, REGTEST), Ok(file));
        let empty = PeersFile {
            key: [1; 32],
            new: vec![],
            tried: vec![],
        };
        assert_eq!(
            PeersFile::decode(&empty.encode(REGTEST), REGTEST),
            Ok(empty)
        );
    }

    #[test]
    fn damage_gives_cores_reasons() {
        let bytes = sample().encode(REGTEST);
        assert_eq!(
            PeersFile::decode(&bytes, [0xf9, 0xbe, 0xb4, 0xd9]),
            Err(PeersFileError::Magic)
        );
        let mut flipped = bytes.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert_eq!(
            PeersFile::decode(&flipped, REGTEST),
            Err(PeersFileError::Checksum)
        );
        for len in 0..bytes.len() {
            assert_eq!(
                PeersFile::decode(&bytes[..len], REGTEST),
                Err(PeersFileError::Truncated),
                "cut at {len}"
            );
        }
        let mut newer = bytes.clone();
        newer[4] = 9;
        newer[5] = INCOMPATIBILITY_BASE + 9;
        assert_eq!(
            PeersFile::decode(&newer, REGTEST),
            Err(PeersFileError::Unsupported {
                format: 9,
                lowest: 9
            })
        );
        let mut counted = bytes.clone();
        counted[38..42].copy_from_slice(&(MAX_NEW + 1).to_le_bytes());
        assert_eq!(
            PeersFile::decode(&counted, REGTEST),
            Err(PeersFileError::NewCount(MAX_NEW + 1))
        );
        let mut tagged = bytes;
        tagged[50..54].copy_from_slice(&(1u32 << 30).to_le_bytes());
        assert_eq!(
            PeersFile::decode(&tagged, REGTEST),
            Err(PeersFileError::AddressFormat)
        );
    }

    #[test]
    fn a_file_core_would_find_inconsistent_is_refused() {
        let mut zero_key = sample();
        zero_key.key = [0; 32];
        let mut never_tried = sample();
        never_tried.tried[0].last_success = 0;
        let mut twice = sample();
        twice.new.push(entry(1));
        for (file, code) in [(zero_key, -16), (never_tried, -1), (twice, -5)] {
            assert_eq!(
                PeersFile::decode(&file.encode(REGTEST), REGTEST),
                Err(PeersFileError::Consistency(code))
            );
        }
    }

    #[test]
    fn damaged_files_are_errors_never_panics() {
        // 20,000 seeded damages of a real file: bytes changed, cut, repeated.
        let good = sample().encode(REGTEST);
        let anchors = encode_anchors(&[entry(1).address, entry(2).address], REGTEST);
        let mut seed = 0x5eed_u64;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            usize::try_from(seed % n.max(1) as u64).unwrap_or(0)
        };
        for round in 0..20_000 {
            let base = if round % 2 == 0 { &good } else { &anchors };
            let mut bytes = base.clone();
            match next(3) {
                0 => {
                    for _ in 0..=next(4) {
                        let at = next(bytes.len());
                        bytes[at] = u8::try_from(next(256)).unwrap_or(0);
                    }
                }
                1 => bytes.truncate(next(bytes.len())),
                _ => {
                    let at = next(bytes.len());
                    let piece = bytes[at..].to_vec();
                    bytes.extend_from_slice(&piece);
                }
            }
            // Whatever the verdict, it comes back as a value.
            let _ = PeersFile::decode(&bytes, REGTEST);
            let _ = decode_anchors(&bytes, REGTEST);
        }
    }

    #[test]
    fn anchors_read_as_core_wrote_them() {
        // bitcoind's anchors.dat after `addconnection 127.0.0.1:29444 block-relay-only`
        // and `stop`: the time and services Core gives a connection it was told to open.
        let core = "fabfb5da01605b032000e1f5050001047f0000017304c940d461f469148067\
                    18eec9fbd7946dc526f58480379b351d4eb2ccc5c9ad05";
        let bytes = hex::decode(core).unwrap();
        let anchors = decode_anchors(&bytes, REGTEST).unwrap();
        let expected = AddrV2Message {
            time: 100_000_000,
            services: ServiceFlags::from_bits(0),
            addr: AddrV2::Ipv4(Ipv4Addr::LOCALHOST),
            port: 29444,
        };
        assert_eq!(anchors, vec![expected.clone()]);
        assert_eq!(encode_anchors(&[expected], REGTEST), bytes);
        assert_eq!(
            decode_anchors(&bytes[..bytes.len() - 1], REGTEST),
            Err(PeersFileError::Truncated)
        );
    }

    #[test]
    fn new_addresses_in_no_bucket_are_dropped() {
        let mut bytes = sample().encode(REGTEST);
        // Point the bucket's second index at the first entry instead.
        let end = bytes.len() - 64;
        bytes[end - 4..end].copy_from_slice(&0i32.to_le_bytes());
        let checksum = sha256d(&bytes[..bytes.len() - 32]);
        let at = bytes.len() - 32;
        bytes[at..].copy_from_slice(&checksum);
        let file = PeersFile::decode(&bytes, REGTEST).map_err(|e| e.to_string());
        assert_eq!(file.map(|f| f.new), Ok(vec![entry(1)]));
    }
}
