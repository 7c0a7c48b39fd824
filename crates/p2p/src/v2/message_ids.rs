//! One-byte message types: BIP324's short ids.
//!
//! A v1 frame spends 12 bytes naming its message type. A v2 packet's contents start with
//! one byte instead: a number from the table below for the common types, or 0 followed
//! by the 12-byte name as in v1 for the rest (`version`, `verack`, `sendheaders`,
//! `wtxidrelay`, `sendaddrv2`, `getaddr`, ...).
//!
//! References: BIP324 "v2 Bitcoin P2P message structure" and its `message_type_ids.md`;
//! Core `V2_MESSAGE_IDS` (src/net.cpp).

/// Core's `V2_MESSAGE_IDS`: index `i` is the message type of short id `i`; an empty
/// string is an id with no type (0 means "12 bytes follow", 29 to 36 are unassigned).
pub const V2_MESSAGE_IDS: [&str; 38] = [
    "", // 0: the 12-byte message type follows, as in v1
    "addr",
    "block",
    "blocktxn",
    "cmpctblock",
    "feefilter",
    "filteradd",
    "filterclear",
    "filterload",
    "getblocks",
    "getblocktxn",
    "getdata",
    "getheaders",
    "headers",
    "inv",
    "mempool",
    "merkleblock",
    "notfound",
    "ping",
    "pong",
    "sendcmpct",
    "tx",
    "getcfilters",
    "cfilter",
    "getcfheaders",
    "cfheaders",
    "getcfcheckpt",
    "cfcheckpt",
    "addrv2",
    "", // 29 to 36: not assigned
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "feature", // 37
];

/// The message type of short id `id`, if it has one (never for 0).
pub fn message_type(id: u8) -> Option<&'static str> {
    match V2_MESSAGE_IDS.get(usize::from(id)) {
        Some(name) if !name.is_empty() => Some(name),
        _ => None,
    }
}

/// The short id of a message type, if it has one.
pub fn short_id(message_type: &str) -> Option<u8> {
    if message_type.is_empty() {
        return None;
    }
    let index = V2_MESSAGE_IDS
        .iter()
        .position(|&name| name == message_type)?;
    // The table has 38 entries.
    u8::try_from(index).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_round_trips() {
        assert_eq!(short_id("addr"), Some(1));
        assert_eq!(short_id("tx"), Some(21));
        assert_eq!(short_id("addrv2"), Some(28));
        assert_eq!(short_id("feature"), Some(37));
        assert_eq!(short_id("version"), None);
        assert_eq!(short_id(""), None);
        assert_eq!(message_type(0), None);
        assert_eq!(message_type(29), None);
        assert_eq!(message_type(38), None);
        assert_eq!(message_type(255), None);
        for id in 1..=255u8 {
            if let Some(name) = message_type(id) {
                assert_eq!(short_id(name), Some(id));
            }
        }
    }
}
