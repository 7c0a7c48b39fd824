//! The descriptor RPCs of Core's `util` category: what a descriptor is
//! (`getdescriptorinfo`) and which addresses it pays to (`deriveaddresses`).
//!
//! Both read the text with [`Descriptor::parse`], whose errors are Core's messages, passed
//! on with `RPC_INVALID_ADDRESS_OR_KEY` (-5). `deriveaddresses` demands the checksum, as a
//! guard against typing errors in something that decides where coins go;
//! `getdescriptorinfo` computes it, for the text as written.
//!
//! A multipath descriptor (BIP389, `xpub/<0;1>/*`) stands for several: `getdescriptorinfo`
//! describes the first and lists them all in `multipath_expansion`; `deriveaddresses`
//! returns one list of addresses per descriptor, in the order of the multipath values.
//!
//! What sou's descriptors do not read yet (miniscript, `musig()`, `unused()`) is refused
//! with a message of sou's own, where Core answers.
//!
//! References: Core `src/rpc/output_script.cpp` (`getdescriptorinfo`, `DeriveAddresses`,
//! `deriveaddresses`), `src/rpc/util.cpp` (`ParseRange`, `ParseDescriptorRange`).

use serde_json::{json, Value};
use sou_keys::Address;
use sou_primitives::{opcodes, Script};
use sou_wallet::descriptor::{input_checksum, Descriptor};

use crate::rpc::dispatch::Shared;
use crate::rpc::params::{self, get};
use crate::rpc::RpcError;

/// The most indexes one call derives (Core `ParseDescriptorRange`: `high >= low + 1000000`
/// is refused).
const MAX_RANGE: i64 = 1_000_000;

/// `getdescriptorinfo "descriptor"`: the descriptor in its public form with checksum, the
/// checksum of the text given, and whether it is ranged, solvable and holds secret keys.
pub fn getdescriptorinfo(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let text = params::string(&p[0])?;
    let all = parse(text, shared, false)?;
    let descriptor = first(&all);
    let mut info = serde_json::Map::new();
    info.insert("descriptor".into(), json!(descriptor.to_string()));
    if all.len() > 1 {
        let expansion: Vec<String> = all.iter().map(ToString::to_string).collect();
        info.insert("multipath_expansion".into(), json!(expansion));
    }
    // The text parsed, so its checksum part is right: a checksum exists.
    info.insert(
        "checksum".into(),
        json!(input_checksum(text).unwrap_or_default()),
    );
    info.insert("isrange".into(), json!(descriptor.is_range()));
    info.insert("issolvable".into(), json!(descriptor.is_solvable()));
    info.insert(
        "hasprivatekeys".into(),
        json!(descriptor.has_private_keys()),
    );
    Ok(Value::Object(info))
}

/// `deriveaddresses "descriptor" ( range )`: the addresses of the descriptor's scripts, at
/// each index of the range for a ranged one (`end` alone means `[0,end]`).
pub fn deriveaddresses(shared: &Shared, p: &[Value]) -> Result<Value, RpcError> {
    let text = params::string(&p[0])?;
    // Core reads the range before the descriptor, so a bad range is reported first.
    let (begin, end) = match get(p, 1) {
        Some(range) => descriptor_range(range)?,
        None => (0, 0),
    };
    let all = parse(text, shared, true)?;
    let descriptor = first(&all);
    // Core counts the parameters, not the non-null ones: an explicit `null` range is
    // still "specified" for an un-ranged descriptor, and gives index 0 of a ranged one.
    if !descriptor.is_range() && p.len() > 1 {
        return Err(RpcError::invalid_parameter(
            "Range should not be specified for an un-ranged descriptor",
        ));
    }
    if descriptor.is_range() && p.len() == 1 {
        return Err(RpcError::invalid_parameter(
            "Range must be specified for a ranged descriptor",
        ));
    }
    let lists = all
        .iter()
        .map(|d| derive_addresses(d, begin, end, shared))
        .collect::<Result<Vec<_>, _>>()?;
    // One descriptor: its list; several (multipath): a list of lists.
    Ok(match <[Value; 1]>::try_from(lists) {
        Ok([only]) => only,
        Err(lists) => Value::Array(lists),
    })
}

/// The addresses of `descriptor` at `begin..=end` (Core `DeriveAddresses`).
fn derive_addresses(
    descriptor: &Descriptor,
    begin: u32,
    end: u32,
    shared: &Shared,
) -> Result<Value, RpcError> {
    let mut addresses = Vec::new();
    for index in begin..=end {
        let scripts = descriptor.script_pubkeys_at(index).map_err(|_| {
            RpcError::invalid_address_or_key("Cannot derive script without private keys")
        })?;
        let several = scripts.len() > 1;
        for script in &scripts {
            match Address::from_script(script, shared.network) {
                Ok(address) => addresses.push(Value::String(address.to_string())),
                // combo()'s P2PK script has no address; the others of its set do.
                Err(_) if several && is_p2pk(script) => {}
                Err(_) => {
                    return Err(RpcError::invalid_address_or_key(
                        "Descriptor does not have a corresponding address",
                    ))
                }
            }
        }
    }
    Ok(Value::Array(addresses))
}

/// The descriptors the text stands for, one unless it is multipath (Core `Parse`).
fn parse(text: &str, shared: &Shared, require_checksum: bool) -> Result<Vec<Descriptor>, RpcError> {
    Descriptor::parse_multipath(text, shared.network, require_checksum)
        .map_err(|e| RpcError::invalid_address_or_key(e.to_string()))
}

/// The first descriptor, which Core reports on (`descs.at(0)`).
fn first(all: &[Descriptor]) -> &Descriptor {
    all.first()
        .expect("a parsed descriptor stands for at least one")
}

/// `<pubkey> OP_CHECKSIG` with a 33- or 65-byte key (Core's `PubKeyDestination`).
fn is_p2pk(script: &Script) -> bool {
    const OP_CHECKSIG: u8 = opcodes::OP_CHECKSIG.to_u8();
    match script.as_bytes() {
        [33, key @ .., OP_CHECKSIG] => key.len() == 33,
        [65, key @ .., OP_CHECKSIG] => key.len() == 65,
        _ => false,
    }
}

/// The indexes a `range` parameter names, checked as Core's `ParseDescriptorRange` checks
/// them: a number `end` is `[0,end]`; begin at least 0, end below 2^31, fewer than
/// a million indexes.
pub(crate) fn descriptor_range(value: &Value) -> Result<(u32, u32), RpcError> {
    let (low, high) = match value {
        Value::Number(_) => (0, params::int(value)?),
        Value::Array(pair) if pair.len() == 2 && pair.iter().all(Value::is_number) => {
            let low = params::int(&pair[0])?;
            let high = params::int(&pair[1])?;
            if low > high {
                return Err(RpcError::invalid_parameter(
                    "Range specified as [begin,end] must not have begin after end",
                ));
            }
            (low, high)
        }
        _ => {
            return Err(RpcError::invalid_parameter(
                "Range must be specified as end or as [begin,end]",
            ))
        }
    };
    if low < 0 {
        return Err(RpcError::invalid_parameter(
            "Range should be greater or equal than 0",
        ));
    }
    // `high >> 31 != 0` in Core: negative, or 2^31 and above.
    let high = u32::try_from(high)
        .ok()
        .filter(|h| h >> 31 == 0)
        .ok_or_else(|| RpcError::invalid_parameter("End of range is too high"))?;
    // `low` is at most `high` here, so it fits too.
    let low = u32::try_from(low).unwrap_or(high);
    if i64::from(high) >= i64::from(low) + MAX_RANGE {
        return Err(RpcError::invalid_parameter("Range is too large"));
    }
    Ok((low, high))
}
