//! Service flags: what a node offers its peers.
//!
//! A node advertises a bit field of services in its `version` message and in every
//! address it gossips: whether it serves the whole chain (`NODE_NETWORK`) or only the last
//! 288 blocks (`NODE_NETWORK_LIMITED`, BIP159), whether it serves witness data
//! (`NODE_WITNESS`, BIP144), and so on. They are unauthenticated claims: a node uses them
//! to choose whom to ask, never as proof.
//!
//! References: Core `enum ServiceFlags` (src/protocol.h), `serviceFlagsToStr`.

use std::fmt;
use std::ops::{BitOr, BitOrAssign};

/// A set of service bits (Core `ServiceFlags`, a `uint64_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct ServiceFlags(u64);

impl ServiceFlags {
    /// No services (Core `NODE_NONE`).
    pub const NONE: ServiceFlags = ServiceFlags(0);
    /// Serves the complete block chain (Core `NODE_NETWORK`, bit 0).
    pub const NETWORK: ServiceFlags = ServiceFlags(1 << 0);
    /// Serves BIP37 bloom-filtered connections (Core `NODE_BLOOM`, bit 2; BIP111).
    pub const BLOOM: ServiceFlags = ServiceFlags(1 << 2);
    /// Serves blocks and transactions with witnesses (Core `NODE_WITNESS`, bit 3; BIP144).
    pub const WITNESS: ServiceFlags = ServiceFlags(1 << 3);
    /// Serves BIP157/158 compact block filters (Core `NODE_COMPACT_FILTERS`, bit 6).
    pub const COMPACT_FILTERS: ServiceFlags = ServiceFlags(1 << 6);
    /// Serves only the last 288 blocks (Core `NODE_NETWORK_LIMITED`, bit 10; BIP159).
    pub const NETWORK_LIMITED: ServiceFlags = ServiceFlags(1 << 10);
    /// Speaks BIP324's encrypted transport (Core `NODE_P2P_V2`, bit 11).
    pub const P2P_V2: ServiceFlags = ServiceFlags(1 << 11);

    /// The flags from their 64-bit field.
    pub const fn from_bits(bits: u64) -> ServiceFlags {
        ServiceFlags(bits)
    }

    /// The 64-bit field.
    pub const fn to_bits(self) -> u64 {
        self.0
    }

    /// True if every bit of `other` is set here.
    pub const fn has(self, other: ServiceFlags) -> bool {
        self.0 & other.0 == other.0
    }

    /// Core's names for the set bits, unknown bits as `UNKNOWN[2^n]`
    /// (Core `serviceFlagsToStr`, as `getpeerinfo` shows them).
    pub fn names(self) -> Vec<String> {
        (0..64)
            .filter(|bit| self.0 & (1u64 << bit) != 0)
            .map(|bit| match bit {
                0 => "NETWORK".to_string(),
                2 => "BLOOM".to_string(),
                3 => "WITNESS".to_string(),
                6 => "COMPACT_FILTERS".to_string(),
                10 => "NETWORK_LIMITED".to_string(),
                11 => "P2P_V2".to_string(),
                n => format!("UNKNOWN[2^{n}]"),
            })
            .collect()
    }
}

impl BitOr for ServiceFlags {
    type Output = ServiceFlags;
    fn bitor(self, rhs: ServiceFlags) -> ServiceFlags {
        ServiceFlags(self.0 | rhs.0)
    }
}

impl BitOrAssign for ServiceFlags {
    fn bitor_assign(&mut self, rhs: ServiceFlags) {
        self.0 |= rhs.0;
    }
}

impl fmt::Display for ServiceFlags {
    /// The 16-hex-digit form of `getpeerinfo`'s `services`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}
