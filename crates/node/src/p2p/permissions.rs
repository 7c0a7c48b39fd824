//! Peer permissions (`-whitelist`): what an operator lets trusted addresses do.
//!
//! A node defends itself against its peers: it disconnects and discourages one that
//! breaks the rules, refuses banned addresses, rate-limits what it accepts. A node's own
//! infrastructure (a miner behind it, a test harness) should not be treated so. Core
//! lets the operator name such peers with `-whitelist=[permissions@]IP[/netmask]`; the
//! permissions are `noban` (never disconnected or discouraged for misbehaving, accepted
//! even when banned; it brings `download`), `relay`, `forcerelay`, `mempool`,
//! `download`, `addr` and `bloomfilter`, and a whitelist entry without any gets Core's
//! implicit set (`noban`, `relay`, `mempool`). They apply to inbound connections from the
//! addresses.
//!
//! sou acts on `noban`; the others are recorded and shown in `getpeerinfo`.
//!
//! References: Core `src/net_permissions.{h,cpp}`, `PeerManagerImpl::MaybeDiscourageAndDisconnect`.

use std::net::IpAddr;

use super::banman::Subnet;

/// A set of permissions (Core `NetPermissionFlags`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Permissions(u8);

impl Permissions {
    /// `bloomfilter`.
    pub const BLOOMFILTER: Permissions = Permissions(1);
    /// `noban`.
    pub const NOBAN: Permissions = Permissions(1 << 1);
    /// `forcerelay`.
    pub const FORCERELAY: Permissions = Permissions(1 << 2);
    /// `relay`.
    pub const RELAY: Permissions = Permissions(1 << 3);
    /// `mempool`.
    pub const MEMPOOL: Permissions = Permissions(1 << 4);
    /// `download`.
    pub const DOWNLOAD: Permissions = Permissions(1 << 5);
    /// `addr`.
    pub const ADDR: Permissions = Permissions(1 << 6);

    /// Core's names, in the order `getpeerinfo` lists them.
    const NAMES: [(&'static str, Permissions); 7] = [
        ("bloomfilter", Permissions::BLOOMFILTER),
        ("noban", Permissions::NOBAN),
        ("forcerelay", Permissions::FORCERELAY),
        ("relay", Permissions::RELAY),
        ("mempool", Permissions::MEMPOOL),
        ("download", Permissions::DOWNLOAD),
        ("addr", Permissions::ADDR),
    ];

    /// The bits as a number, to keep in an atomic.
    pub fn to_bits(self) -> u8 {
        self.0
    }

    /// From [`Permissions::to_bits`].
    pub fn from_bits(bits: u8) -> Permissions {
        Permissions(bits & 0x7f)
    }

    /// True if every permission of `other` is here.
    pub fn contains(self, other: Permissions) -> bool {
        self.0 & other.0 == other.0
    }

    /// Both sets.
    pub fn union(self, other: Permissions) -> Permissions {
        Permissions(self.0 | other.0)
    }

    /// The names, as `getpeerinfo` shows them.
    pub fn names(self) -> Vec<&'static str> {
        Self::NAMES
            .iter()
            .filter(|(_, p)| self.contains(*p))
            .map(|(name, _)| *name)
            .collect()
    }
}

/// One `-whitelist` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhitelistEntry {
    /// The addresses it covers.
    pub subnet: Subnet,
    /// What they may do.
    pub permissions: Permissions,
}

/// Parses `-whitelist=[permissions@]IP[/netmask]` (Core `NetWhitelistPermissions::TryParse`),
/// with Core's init errors.
pub fn parse_whitelist(text: &str) -> Result<WhitelistEntry, String> {
    let (names, net) = match text.split_once('@') {
        Some((names, net)) => (Some(names), net),
        None => (None, text),
    };
    let mut permissions = Permissions::default();
    match names {
        // No permission named: Core's implicit set, with its default -whitelistrelay
        // (`noban` brings `download`).
        None => {
            permissions = Permissions::NOBAN
                .union(Permissions::DOWNLOAD)
                .union(Permissions::RELAY)
                .union(Permissions::MEMPOOL);
        }
        Some(names) => {
            for name in names.split(',').filter(|n| !n.is_empty()) {
                let named = match name {
                    "all" => Permissions::NAMES
                        .iter()
                        .fold(Permissions::default(), |acc, (_, p)| acc.union(*p)),
                    // `download` comes with `noban` in Core (noban implies download).
                    "noban" => Permissions::NOBAN.union(Permissions::DOWNLOAD),
                    "forcerelay" => Permissions::FORCERELAY.union(Permissions::RELAY),
                    "bloom" => Permissions::BLOOMFILTER,
                    // Connection directions (inbound is what sou applies them to).
                    "in" | "out" => Permissions::default(),
                    other => Permissions::NAMES
                        .iter()
                        .find(|(n, _)| *n == other)
                        .map(|(_, p)| *p)
                        .ok_or_else(|| format!("Invalid P2P permission: '{other}'"))?,
                };
                permissions = permissions.union(named);
            }
        }
    }
    let subnet = Subnet::parse(net)
        .ok_or_else(|| format!("Invalid netmask specified in -whitelist: '{net}'"))?;
    Ok(WhitelistEntry {
        subnet,
        permissions,
    })
}

/// The permissions `entries` give `ip`.
pub fn permissions_for(entries: &[WhitelistEntry], ip: IpAddr) -> Permissions {
    entries
        .iter()
        .filter(|e| e.subnet.contains(ip))
        .fold(Permissions::default(), |acc, e| acc.union(e.permissions))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitelist_entries_parse_as_cores() {
        let implicit = parse_whitelist("127.0.0.1").unwrap();
        assert_eq!(
            implicit.permissions.names(),
            ["noban", "relay", "mempool", "download"]
        );
        let named = parse_whitelist("noban,relay@10.0.0.0/8").unwrap();
        assert_eq!(named.permissions.names(), ["noban", "relay", "download"]);
        assert!(named.subnet.contains("10.1.2.3".parse().unwrap()));
        assert_eq!(
            parse_whitelist("nope@127.0.0.1").unwrap_err(),
            "Invalid P2P permission: 'nope'"
        );
        assert_eq!(
            parse_whitelist("noban@not-an-ip").unwrap_err(),
            "Invalid netmask specified in -whitelist: 'not-an-ip'"
        );
        let entries = [named];
        assert!(permissions_for(&entries, "10.9.9.9".parse().unwrap()).contains(Permissions::NOBAN));
        assert_eq!(
            permissions_for(&entries, "11.0.0.1".parse().unwrap()),
            Permissions::default()
        );
    }
}
