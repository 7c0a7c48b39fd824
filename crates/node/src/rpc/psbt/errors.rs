//! Core's words for a PSBT that does not parse.
//!
//! The library refuses what Core refuses, but its [`Error`] does not always name what
//! Core's message names (the map of a duplicate key, how a value failed), and it reads a
//! whole map before checking its records where Core checks each record as it reads it, so
//! when a map holds two faults the two may report different ones. So, once the library
//! has refused a PSBT, [`core_reason`] reads it again the way Core's parser does (`replay`):
//! record by record, from one stream, each check in Core's order, and reports Core's
//! message for the first fault. Core's parser throws `std::ios_base::failure`, whose text
//! the C++ library ends with `: iostream error`; only trailing bytes and Base64 get plain
//! messages.
//!
//! The replay knows version 0 only: of a version 2 PSBT it checks the global map, then
//! says in sou's words that sou does not read version 2. Should it find no fault where
//! the library found one, the library's words are given.
//!
//! References: Core `PSBTInput::Unserialize`, `PSBTOutput::Unserialize`,
//! `PartiallySignedTransaction::Unserialize`, `UnserializeFromVector`,
//! `DeserializeKeyOrigin`, `DeserializeMuSig2ParticipantPubkeys` (src/psbt.h);
//! `DecodeRawPSBT` (src/psbt.cpp).

use std::collections::BTreeSet;

use sou_keys::PublicKey;
use sou_primitives::encoding::{Decode, DecodeError, Reader};
use sou_primitives::{Transaction, TxOut};
use sou_script::interpreter::check_signature_encoding;
use sou_script::VerifyFlags;
use sou_wallet::psbt::{read_legacy_transaction, Error, MAGIC};

const END_OF_DATA: &str = "SpanReader::read(): end of data";
const VALUE_SIZE: &str = "Size of value was not the stated size";
const HD_KEY_PATH: &str = "Invalid length for HD key path";
/// sou's words for a version 2 PSBT whose global map Core accepts.
const VERSION_2: &str = "PSBT version 2 is not supported by sou yet";

/// What the replay of Core's parser found.
enum Replay {
    /// Core's message for the first fault.
    Fault(String),
    /// A version 2 PSBT whose global map is sound: Core reads on, sou cannot.
    Version2,
    /// Nothing Core refuses (the library and the replay disagree).
    Accepted,
}

/// Core's message for a PSBT that does not parse, after `TX decode failed `.
pub(super) fn core_reason(bytes: &[u8], e: &Error) -> String {
    match e {
        Error::Base64 => return "invalid base64".into(),
        Error::TrailingData => return "extra data after PSBT".into(),
        _ => {}
    }
    let text = match replay(bytes) {
        Replay::Fault(message) => message,
        Replay::Version2 => VERSION_2.into(),
        Replay::Accepted => e.to_string(),
    };
    format!("{text}: iostream error")
}

/// Which map a record is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MapKind {
    Global,
    Input,
    Output,
}

impl MapKind {
    fn name(self) -> &'static str {
        match self {
            MapKind::Global => "global",
            MapKind::Input => "input",
            MapKind::Output => "output",
        }
    }

    /// `Input` or `Output`, as Core's messages about MuSig2 and taproot origins start.
    fn context(self) -> &'static str {
        match self {
            MapKind::Input => "Input",
            _ => "Output",
        }
    }
}

/// A DecodeError as Core's stream reads word it.
fn stream_error(e: &DecodeError) -> String {
    match e {
        DecodeError::NonCanonicalCompactSize { .. } => "non-canonical ReadCompactSize()".into(),
        DecodeError::CompactSizeTooLarge { .. } => "ReadCompactSize(): size too large".into(),
        _ => END_OF_DATA.into(),
    }
}

/// What the global map told the rest of the parse.
#[derive(Default)]
struct Global {
    tx: Option<Transaction>,
    version: u32,
    /// The version 2 fields seen, by type (`found_tx_version` ..).
    version_2_fields: BTreeSet<u8>,
}

/// Reads `bytes` as Core's parser does and returns Core's message for the first fault.
fn replay(bytes: &[u8]) -> Replay {
    let Some(rest) = bytes.strip_prefix(&MAGIC[..]) else {
        return Replay::Fault(if bytes.len() < MAGIC.len() {
            END_OF_DATA.into()
        } else {
            "Invalid PSBT magic bytes".into()
        });
    };
    let mut s = Reader::new(rest);
    let mut global = Global::default();
    if let Err(message) = read_map(&mut s, MapKind::Global, 0, &mut global) {
        return Replay::Fault(message);
    }
    if let Some(message) = global_checks(&global) {
        return Replay::Fault(message);
    }
    if global.version == 2 {
        return Replay::Version2;
    }
    let Some(tx) = global.tx.clone() else {
        return Replay::Accepted;
    };
    // Core reads as many maps as the transaction has inputs, then outputs, while bytes
    // remain, and then counts them.
    let counts = [
        (MapKind::Input, tx.input.len(), "inputs"),
        (MapKind::Output, tx.output.len(), "outputs"),
    ];
    for (kind, count, what) in counts {
        let mut read = 0;
        while s.remaining() > 0 && read < count {
            if let Err(message) = read_map(&mut s, kind, read, &mut global) {
                return Replay::Fault(message);
            }
            read += 1;
        }
        if read != count {
            return Replay::Fault(format!(
                "{}s provided does not match the number of {what} in transaction.",
                kind.context(),
            ));
        }
    }
    Replay::Accepted
}

/// Core's checks at the end of the global map of a version 0 or 1 PSBT.
fn global_checks(global: &Global) -> Option<String> {
    match global.version {
        0 => {
            if global.tx.is_none() {
                return Some("No unsigned transaction was provided".into());
            }
            let name = |t: u8| match t {
                0x02 => "PSBT_GLOBAL_TX_VERSION",
                0x03 => "PSBT_GLOBAL_FALLBACK_LOCKTIME",
                0x04 => "PSBT_GLOBAL_INPUT_COUNT",
                0x05 => "PSBT_GLOBAL_OUTPUT_COUNT",
                _ => "PSBT_GLOBAL_TX_MODIFIABLE",
            };
            global
                .version_2_fields
                .first()
                .map(|t| format!("{} is not allowed in PSBTv0", name(*t)))
        }
        1 => Some("There is no PSBT version 1".into()),
        _ => {
            let has = |t: u8| global.version_2_fields.contains(&t);
            if !has(0x02) {
                Some("PSBT_GLOBAL_TX_VERSION is required in PSBTv2".into())
            } else if !has(0x04) {
                Some("PSBT_GLOBAL_INPUT_COUNT is required in PSBTv2".into())
            } else if !has(0x05) {
                Some("PSBT_GLOBAL_OUTPUT_COUNT is required in PSBTv2".into())
            } else if global.tx.is_some() {
                Some("PSBT_GLOBAL_UNSIGNED_TX is not allowed in PSBTv2".into())
            } else {
                None
            }
        }
    }
}

/// Map `index` of its kind, record by record, up to its separator (Core's `Unserialize`
/// loops); for an input, the non-witness UTXO is then checked against the outpoint.
fn read_map(
    s: &mut Reader<'_>,
    kind: MapKind,
    index: usize,
    global: &mut Global,
) -> Result<(), String> {
    let mut keys: BTreeSet<Vec<u8>> = BTreeSet::new();
    let mut non_witness_utxo = None;
    loop {
        if s.remaining() == 0 {
            let which = match kind {
                MapKind::Global => "the global map",
                MapKind::Input => "an input map",
                MapKind::Output => "an output map",
            };
            return Err(format!("Separator is missing at the end of {which}"));
        }
        let key = s.read_var_bytes().map_err(|e| stream_error(&e))?;
        if key.is_empty() {
            break;
        }
        if !keys.insert(key.to_vec()) {
            return Err(format!(
                "Duplicate Key, {} key \"{}\" already provided",
                kind.name(),
                hex::encode(key)
            ));
        }
        let key_type = Reader::new(key)
            .read_compact_size()
            .map_err(|e| stream_error(&e))?;
        // Types from 0xfd on (several bytes) are unknown to every map.
        let key_type = u8::try_from(key_type).unwrap_or(0xff);
        if key_type == 0xfc {
            let mut k = Reader::new(&key[1..]);
            k.read_var_bytes()
                .and_then(|_| k.read_compact_size())
                .map_err(|e| stream_error(&e))?;
        }
        check_key(kind, key_type, key)?;
        let utxo = read_value(s, kind, key_type, global)?;
        if utxo.is_some() {
            non_witness_utxo = utxo;
        }
    }
    let outpoint = global
        .tx
        .as_ref()
        .and_then(|tx| tx.input.get(index))
        .map(|txin| txin.previous_output);
    if let (MapKind::Input, Some(utxo), Some(outpoint)) = (kind, non_witness_utxo, outpoint) {
        if utxo.compute_txid() != outpoint.txid {
            return Err("Non-witness UTXO does not match outpoint hash".into());
        }
        if outpoint.vout as usize >= utxo.output.len() {
            return Err("Input specifies output index that does not exist".into());
        }
    }
    Ok(())
}

/// Core's checks of a key, before its value is read: its size, version 2 fields of a
/// version 0 input or output, and the public keys it holds.
fn check_key(kind: MapKind, key_type: u8, key: &[u8]) -> Result<(), String> {
    let len = key.len();
    let exact = |size: usize, name: &str| {
        if len == size {
            Ok(())
        } else {
            Err(format!("Size of key was not {size} for the type {name}"))
        }
    };
    let pubkey = |bytes: &[u8], message: &str| {
        if PublicKey::from_slice(bytes).is_ok() {
            Ok(())
        } else {
            Err(message.to_string())
        }
    };
    let keyed_pubkey = |what: &str| {
        if len != 34 && len != 66 {
            return Err(format!(
                "Size of key was not the expected size for the type {what}"
            ));
        }
        pubkey(&key[1..], "Invalid pubkey")
    };
    let not_allowed = |size_name: &str, message: &str| {
        exact(1, size_name)?;
        Err(message.to_string())
    };
    match (kind, key_type) {
        (MapKind::Global, 0x00) => exact(1, "Global Unsigned TX"),
        (MapKind::Global, 0x01) => {
            exact(79, "Global XPUB")?;
            // Core's `CExtPubKey::Decode` voids a master key (depth 0) that names a parent
            // or child number, which then is no valid public key.
            let xpub = &key[1..];
            let orphan = xpub[4] == 0 && xpub[5..13] != [0; 8];
            if orphan {
                return Err("Invalid pubkey".into());
            }
            pubkey(&xpub[45..], "Invalid pubkey")
        }
        (MapKind::Global, 0x02) => exact(1, "Global Transaction Version"),
        (MapKind::Global, 0x03) => exact(1, "Global Fallback Locktime"),
        (MapKind::Global, 0x04) => exact(1, "Global Input Count"),
        (MapKind::Global, 0x05) => exact(1, "Global Output Count"),
        (MapKind::Global, 0x06) => exact(1, "Global TX Modifiable Flags"),
        (MapKind::Global, 0xfb) => exact(1, "Global PSBT Version"),
        (MapKind::Input, 0x00) => exact(1, "Input Non-witness UTXO"),
        (MapKind::Input, 0x01) => exact(1, "Input Witness UTXO"),
        (MapKind::Input, 0x02) => keyed_pubkey("partial signature pubkey"),
        (MapKind::Input, 0x03) => exact(1, "Input Sighash Type"),
        (MapKind::Input, 0x04) => exact(1, "Input redeemScript"),
        (MapKind::Input, 0x05) => exact(1, "Input witnessScript"),
        (MapKind::Input, 0x06) | (MapKind::Output, 0x02) => keyed_pubkey("BIP32 keypath"),
        (MapKind::Input, 0x07) => exact(1, "Input Final scriptSig"),
        (MapKind::Input, 0x08) => exact(1, "Input Final scriptWitness"),
        (MapKind::Input, 0x0a) => exact(21, "Input RIPEMD160 Preimage"),
        (MapKind::Input, 0x0b) => exact(33, "Input SHA256 Preimage"),
        (MapKind::Input, 0x0c) => exact(21, "Input Hash160 Preimage"),
        (MapKind::Input, 0x0d) => exact(33, "Input Hash256 Preimage"),
        (MapKind::Input, 0x0e) => not_allowed(
            "Input Previous TXID",
            "Previous txid is not allowed in PSBTv0",
        ),
        (MapKind::Input, 0x0f) => not_allowed(
            "Input Previous Output's Index",
            "Previous output's index is not allowed in PSBTv0",
        ),
        (MapKind::Input, 0x10) => {
            not_allowed("Input Sequence", "Sequence is not allowed in PSBTv0")
        }
        (MapKind::Input, 0x11) => not_allowed(
            "Input Required Time Based Locktime",
            "Required time based locktime is not allowed in PSBTv0",
        ),
        (MapKind::Input, 0x12) => not_allowed(
            "Input Required Height Based Locktime",
            "Required height based locktime is not allowed in PSBTv0",
        ),
        (MapKind::Input, 0x13) => exact(1, "Input Taproot Key Path Signature"),
        (MapKind::Input, 0x14) => exact(65, "Input Taproot Script Path Signature"),
        (MapKind::Input, 0x15) => {
            if len < 34 {
                Err("Input Taproot leaf script key is not at least 34 bytes".into())
            } else if !(len - 2).is_multiple_of(32) {
                Err("Input Taproot leaf script key's control block size is not valid".into())
            } else {
                Ok(())
            }
        }
        (MapKind::Input, 0x16) => exact(33, "Input Taproot BIP32 Keypath"),
        (MapKind::Input, 0x17) => exact(1, "Input Taproot Internal Key"),
        (MapKind::Input, 0x18) => exact(1, "Input Taproot Merkle Root"),
        (MapKind::Input, 0x1a) | (MapKind::Output, 0x08) => {
            let name = format!("{} MuSig2 Participants Pubkeys", kind.context());
            exact(34, &name)?;
            let message = format!("{} musig2 aggregate pubkey is invalid", kind.context());
            pubkey(&key[1..], &message)
        }
        (MapKind::Input, 0x1b | 0x1c) => {
            if len != 67 && len != 99 {
                let what = if key_type == 0x1b {
                    "pubnonce"
                } else {
                    "partial sig"
                };
                return Err(format!(
                    "Input musig2 {what} key is not expected size of 67 or 99 bytes"
                ));
            }
            pubkey(&key[34..67], "musig2 aggregate pubkey is invalid")?;
            pubkey(&key[1..34], "musig2 participant pubkey is invalid")
        }
        (MapKind::Output, 0x00) => exact(1, "Output redeemScript"),
        (MapKind::Output, 0x01) => exact(1, "Output witnessScript"),
        (MapKind::Output, 0x03) => {
            not_allowed("Output Amount", "Output amount is not allowed in PSBTv0")
        }
        (MapKind::Output, 0x04) => {
            not_allowed("Output Script", "Output script is not allowed in PSBTv0")
        }
        (MapKind::Output, 0x05) => exact(1, "Output Taproot Internal Key"),
        (MapKind::Output, 0x06) => exact(1, "Output Taproot Tree Key"),
        (MapKind::Output, 0x07) => exact(33, "Output Taproot BIP32 Keypath"),
        _ => Ok(()),
    }
}

/// Core `UnserializeFromVector` of a value of `size` bytes: the stated length, then the
/// value read from the stream itself, which must end where the length said.
fn fixed_value(s: &mut Reader<'_>, size: usize) -> Result<(), String> {
    let stated = s.read_compact_size().map_err(|e| stream_error(&e))?;
    s.read_slice(size).map_err(|e| stream_error(&e))?;
    if stated != size as u64 {
        return Err(VALUE_SIZE.into());
    }
    Ok(())
}

/// Core `UnserializeFromVector` of a value that decodes itself from the stream.
fn decoded_value<T>(
    s: &mut Reader<'_>,
    decode: impl FnOnce(&mut Reader<'_>) -> Result<T, DecodeError>,
) -> Result<T, String> {
    let stated = s.read_compact_size().map_err(|e| stream_error(&e))?;
    let before = s.remaining();
    let value = decode(s).map_err(|e| stream_error(&e))?;
    if (before - s.remaining()) as u64 != stated {
        return Err(VALUE_SIZE.into());
    }
    Ok(value)
}

/// A length-prefixed byte string (`s >> vector`).
fn bytes_value<'a>(s: &mut Reader<'a>) -> Result<&'a [u8], String> {
    s.read_var_bytes().map_err(|e| stream_error(&e))
}

/// Core `DeserializeKeyOrigin`: a fingerprint and path of `length` bytes, from the stream.
fn key_origin(s: &mut Reader<'_>, length: u64) -> Result<(), String> {
    if length == 0 || !length.is_multiple_of(4) {
        return Err(HD_KEY_PATH.into());
    }
    let length = usize::try_from(length).map_err(|_| END_OF_DATA.to_string())?;
    s.read_slice(length).map_err(|e| stream_error(&e))?;
    Ok(())
}

/// Reads a record's value as Core does, with Core's checks; returns the transaction of a
/// non-witness UTXO.
fn read_value(
    s: &mut Reader<'_>,
    kind: MapKind,
    key_type: u8,
    global: &mut Global,
) -> Result<Option<Transaction>, String> {
    match (kind, key_type) {
        (MapKind::Global, 0x00) => {
            let tx = decoded_value(s, read_legacy_transaction)?;
            if tx.input.iter().any(|i| !i.script_sig.is_empty()) {
                return Err(
                    "Unsigned tx does not have empty scriptSigs and scriptWitnesses.".into(),
                );
            }
            global.tx = Some(tx);
        }
        (MapKind::Global, 0x01) => {
            let length = s.read_compact_size().map_err(|e| stream_error(&e))?;
            key_origin(s, length)?;
        }
        (MapKind::Global, 0x02 | 0x03) => {
            fixed_value(s, 4)?;
            global.version_2_fields.insert(key_type);
        }
        (MapKind::Global, 0x04 | 0x05) => {
            decoded_value(s, |r| r.read_compact_size())?;
            global.version_2_fields.insert(key_type);
        }
        (MapKind::Global, 0x06) => {
            fixed_value(s, 1)?;
            global.version_2_fields.insert(key_type);
        }
        (MapKind::Global, 0xfb) => {
            let version = decoded_value(s, |r| r.read_u32_le())?;
            global.version = version;
            if version > 2 {
                return Err("Unsupported version number".into());
            }
        }
        (MapKind::Input, 0x00) => {
            return decoded_value(s, Transaction::decode_from).map(Some);
        }
        (MapKind::Input, 0x01) => {
            decoded_value(s, TxOut::decode_from)?;
        }
        (MapKind::Input, 0x02) => {
            let sig = bytes_value(s)?;
            let flags = VerifyFlags::DERSIG | VerifyFlags::STRICTENC;
            if sig.is_empty() || check_signature_encoding(sig, flags).is_err() {
                return Err("Signature is not a valid encoding".into());
            }
        }
        (MapKind::Input, 0x03) => fixed_value(s, 4)?,
        (MapKind::Input, 0x06) | (MapKind::Output, 0x02) => {
            let length = s.read_compact_size().map_err(|e| stream_error(&e))?;
            key_origin(s, length)?;
        }
        (MapKind::Input, 0x08) => {
            decoded_value(s, |r| {
                let items = r.read_count("witness items", 1)?;
                (0..items).try_for_each(|_| r.read_var_bytes().map(|_| ()))
            })?;
        }
        (MapKind::Input, 0x13 | 0x14) => {
            let sig = bytes_value(s)?;
            let path = if key_type == 0x13 { "key" } else { "script" };
            if sig.len() < 64 {
                return Err(format!(
                    "Input Taproot {path} path signature is shorter than 64 bytes"
                ));
            }
            if sig.len() > 65 {
                return Err(format!(
                    "Input Taproot {path} path signature is longer than 65 bytes"
                ));
            }
        }
        (MapKind::Input, 0x15) => {
            if bytes_value(s)?.is_empty() {
                return Err("Input Taproot leaf script must be at least 1 byte".into());
            }
        }
        (MapKind::Input, 0x16) | (MapKind::Output, 0x07) => {
            let length = s.read_compact_size().map_err(|e| stream_error(&e))?;
            let before = s.remaining();
            let count = s.read_compact_size().map_err(|e| stream_error(&e))?;
            for _ in 0..count {
                s.read_array::<32>().map_err(|e| stream_error(&e))?;
            }
            let hashes = (before - s.remaining()) as u64;
            if hashes > length {
                return Err(format!(
                    "{} Taproot BIP32 keypath has an invalid length",
                    kind.context()
                ));
            }
            key_origin(s, length - hashes)?;
        }
        (MapKind::Input, 0x17 | 0x18 | 0x1c) | (MapKind::Output, 0x05) => fixed_value(s, 32)?,
        (MapKind::Input, 0x1a) | (MapKind::Output, 0x08) => {
            let value = bytes_value(s)?;
            for participant in value.chunks_exact(33) {
                if PublicKey::from_slice(participant).is_err() {
                    return Err(format!(
                        "{} musig2 participant pubkey is invalid",
                        kind.context()
                    ));
                }
            }
            if value.len() % 33 != 0 {
                return Err(format!(
                    "{} musig2 participants pubkeys value size is not a multiple of 33",
                    kind.context()
                ));
            }
        }
        (MapKind::Input, 0x1b) => {
            if bytes_value(s)?.len() != 66 {
                return Err("Input musig2 pubnonce value is not 66 bytes".into());
            }
        }
        (MapKind::Output, 0x06) => tap_tree(bytes_value(s)?)?,
        _ => {
            bytes_value(s)?;
        }
    }
    Ok(None)
}

/// Core's checks of an output's taproot tree (`PSBT_OUT_TAP_TREE`): leaves of depth at
/// most 128 with a valid leaf version, making a complete tree in depth-first order
/// (`TaprootBuilder`).
fn tap_tree(value: &[u8]) -> Result<(), String> {
    if value.is_empty() {
        return Err("Output Taproot tree must not be empty".into());
    }
    let mut r = Reader::new(value);
    // Which depths hold a subtree still waiting for its sibling (Core's `m_branch`).
    let mut branch: Vec<bool> = Vec::new();
    let mut valid = true;
    while r.remaining() > 0 {
        let depth = r.read_u8().map_err(|e| stream_error(&e))?;
        let leaf_version = r.read_u8().map_err(|e| stream_error(&e))?;
        r.read_var_bytes().map_err(|e| stream_error(&e))?;
        if depth > 128 {
            return Err(
                "Output Taproot tree has as leaf greater than Taproot maximum depth".into(),
            );
        }
        if leaf_version & !0xfe != 0 {
            return Err("Output Taproot tree has a leaf with an invalid leaf version".into());
        }
        if !valid {
            continue;
        }
        // Core `TaprootBuilder::Insert`: a leaf above an unfinished deeper branch breaks
        // depth-first order; a leaf pairs with a waiting sibling and moves up.
        let mut d = usize::from(depth);
        if d + 1 < branch.len() {
            valid = false;
            continue;
        }
        while valid && branch.len() > d && branch[d] {
            branch.pop();
            if d == 0 {
                valid = false;
            } else {
                d -= 1;
            }
        }
        if valid {
            if branch.len() <= d {
                branch.resize(d + 1, false);
            }
            branch[d] = true;
        }
    }
    if valid && (branch.is_empty() || branch == [true]) {
        Ok(())
    } else {
        Err("Output Taproot tree is malformed".into())
    }
}
