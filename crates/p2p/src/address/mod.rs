//! Peer addresses: where other nodes can be reached.
//!
//! Nodes find each other by gossip. A node asks with `getaddr`, and peers answer with
//! `addr` (up to 1,000 entries, each an IPv6 address, IPv4 mapped into it, a port, the
//! services offered and when the node was last seen), or, once both sides sent
//! `sendaddrv2`, with `addrv2` (BIP155), whose variable-length addresses also carry
//! Tor v3, I2P and CJDNS.
//!
//! [`Address`] is the 26-byte form inside `version` (services, IP, port: Core's
//! `CService` serialised after its service bits, without a time); [`TimedAddress`] an
//! `addr` entry; [`AddrV2Message`] an `addrv2` entry, holding an [`AddrV2`].
//!
//! References: BIP155; Core `CNetAddr::SerializeV1Array`, `UnserializeV2Stream`,
//! `SetNetFromBIP155Network` (src/netaddress.h, .cpp), `CAddress` (src/protocol.h),
//! `MAX_ADDR_TO_SEND` (src/net_processing.cpp).

pub mod peers_dat;
mod v2;

use std::net::{Ipv4Addr, Ipv6Addr};

pub use v2::{AddrV2, AddrV2Message, MAX_ADDRV2_SIZE};

use sou_primitives::encoding::{Reader, WriteBytes};
use sou_primitives::DecodeError;

use crate::ServiceFlags;

/// The most addresses one `addr` or `addrv2` may carry (Core `MAX_ADDR_TO_SEND`).
pub const MAX_ADDR_TO_SEND: usize = 1_000;

/// A node's services, IP and port, as `version` carries them (Core: service bits, then
/// `CService` in the v1 encoding).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Address {
    /// The services the node offers.
    pub services: ServiceFlags,
    /// The IP; an IPv4 address is mapped (`::ffff:a.b.c.d`), as Core serialises it.
    pub ip: Ipv6Addr,
    /// The TCP port (serialised big-endian, unlike every other integer).
    pub port: u16,
}

impl Address {
    /// Serialised size: 8 + 16 + 2.
    pub const SIZE: usize = 26;

    /// The all-zero address Core sends for itself in `version` (`CService{}`), with
    /// `services`.
    pub fn unspecified(services: ServiceFlags) -> Address {
        Address {
            services,
            ip: Ipv6Addr::UNSPECIFIED,
            port: 0,
        }
    }

    /// An IPv4 address, mapped into IPv6 as Core's v1 encoding does.
    pub fn from_ipv4(services: ServiceFlags, ip: Ipv4Addr, port: u16) -> Address {
        Address {
            services,
            ip: ip.to_ipv6_mapped(),
            port,
        }
    }

    pub(crate) fn encode_to<W: WriteBytes + ?Sized>(&self, w: &mut W) {
        w.write_bytes(&self.services.to_bits().to_le_bytes());
        w.write_bytes(&self.ip.octets());
        w.write_bytes(&self.port.to_be_bytes());
    }

    pub(crate) fn decode_from(r: &mut Reader<'_>) -> Result<Address, DecodeError> {
        let services = ServiceFlags::from_bits(r.read_u64_le()?);
        let ip = Ipv6Addr::from(r.read_array::<16>()?);
        let port = u16::from_be_bytes(r.read_array()?);
        Ok(Address { services, ip, port })
    }
}

/// An `addr` entry: when the node was last seen, and its [`Address`] (Core `CAddress` in
/// `V1_NETWORK` format).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimedAddress {
    /// Seconds since 1970, as a `uint32_t`.
    pub time: u32,
    /// Services, IP, port.
    pub address: Address,
}

impl TimedAddress {
    /// Serialised size: 4 + 26.
    pub const SIZE: usize = 30;

    pub(crate) fn encode_to<W: WriteBytes + ?Sized>(&self, w: &mut W) {
        w.write_bytes(&self.time.to_le_bytes());
        self.address.encode_to(w);
    }

    pub(crate) fn decode_from(r: &mut Reader<'_>) -> Result<TimedAddress, DecodeError> {
        Ok(TimedAddress {
            time: r.read_u32_le()?,
            address: Address::decode_from(r)?,
        })
    }
}
