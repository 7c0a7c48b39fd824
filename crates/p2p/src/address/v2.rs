//! BIP155 addresses (`addrv2`).

use std::net::{Ipv4Addr, Ipv6Addr};

use sou_primitives::encoding::{write_compact_size, Reader, WriteBytes};

use crate::error::MessageError;
use crate::ServiceFlags;

/// The longest address an `addrv2` entry may carry (Core `CNetAddr::MAX_ADDRV2_SIZE`).
pub const MAX_ADDRV2_SIZE: usize = 512;

/// A BIP155 network address: the network id decides the length.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AddrV2 {
    /// Network 1, 4 bytes.
    Ipv4(Ipv4Addr),
    /// Network 2, 16 bytes.
    Ipv6(Ipv6Addr),
    /// Network 4, a Tor v3 ed25519 public key, 32 bytes.
    TorV3([u8; 32]),
    /// Network 5, an I2P destination's SHA-256, 32 bytes.
    I2p([u8; 32]),
    /// Network 6, a CJDNS IPv6 address (fc00::/8), 16 bytes.
    Cjdns([u8; 16]),
    /// Another network id (Tor v2's retired 3, or one from the future), kept as read;
    /// Core reads past it and does not gossip it.
    Unknown {
        /// The BIP155 network id.
        network: u8,
        /// The address bytes, at most [`MAX_ADDRV2_SIZE`].
        bytes: Vec<u8>,
    },
}

impl AddrV2 {
    /// BIP155 network id of IPv4.
    pub const IPV4: u8 = 1;
    /// BIP155 network id of IPv6.
    pub const IPV6: u8 = 2;
    /// BIP155 network id of Tor v3.
    pub const TORV3: u8 = 4;
    /// BIP155 network id of I2P.
    pub const I2P: u8 = 5;
    /// BIP155 network id of CJDNS.
    pub const CJDNS: u8 = 6;

    /// The BIP155 network id.
    pub fn network_id(&self) -> u8 {
        match self {
            AddrV2::Ipv4(_) => Self::IPV4,
            AddrV2::Ipv6(_) => Self::IPV6,
            AddrV2::TorV3(_) => Self::TORV3,
            AddrV2::I2p(_) => Self::I2P,
            AddrV2::Cjdns(_) => Self::CJDNS,
            AddrV2::Unknown { network, .. } => *network,
        }
    }

    /// The address bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        match self {
            AddrV2::Ipv4(ip) => ip.octets().to_vec(),
            AddrV2::Ipv6(ip) => ip.octets().to_vec(),
            AddrV2::TorV3(key) => key.to_vec(),
            AddrV2::I2p(hash) => hash.to_vec(),
            AddrV2::Cjdns(ip) => ip.to_vec(),
            AddrV2::Unknown { bytes, .. } => bytes.clone(),
        }
    }

    /// The length a known network's addresses must have (Core
    /// `SetNetFromBIP155Network`).
    fn expected_len(network: u8) -> Option<usize> {
        match network {
            Self::IPV4 => Some(4),
            Self::IPV6 | Self::CJDNS => Some(16),
            Self::TORV3 | Self::I2P => Some(32),
            _ => None,
        }
    }

    pub(crate) fn encode_to<W: WriteBytes + ?Sized>(&self, w: &mut W) {
        let bytes = self.to_bytes();
        w.write_bytes(&[self.network_id()]);
        write_compact_size(w, bytes.len() as u64);
        w.write_bytes(&bytes);
    }

    pub(crate) fn decode_from(r: &mut Reader<'_>) -> Result<AddrV2, MessageError> {
        let network = r.read_u8()?;
        let length = r.read_compact_size()?;
        let Some(len) = usize::try_from(length)
            .ok()
            .filter(|&n| n <= MAX_ADDRV2_SIZE)
        else {
            return Err(MessageError::AddrV2TooLong { length });
        };
        if let Some(expected) = Self::expected_len(network) {
            if len != expected {
                return Err(MessageError::AddrV2Length {
                    network,
                    length,
                    expected,
                });
            }
        }
        let bytes = r.read_slice(len)?;
        Ok(match network {
            Self::IPV4 => AddrV2::Ipv4(Ipv4Addr::from(array(bytes, network, length)?)),
            Self::IPV6 => AddrV2::Ipv6(Ipv6Addr::from(array::<16>(bytes, network, length)?)),
            Self::CJDNS => AddrV2::Cjdns(array(bytes, network, length)?),
            Self::TORV3 => AddrV2::TorV3(array(bytes, network, length)?),
            Self::I2P => AddrV2::I2p(array(bytes, network, length)?),
            network => AddrV2::Unknown {
                network,
                bytes: bytes.to_vec(),
            },
        })
    }
}

/// The address bytes of a known network, whose length was checked above.
fn array<const N: usize>(bytes: &[u8], network: u8, length: u64) -> Result<[u8; N], MessageError> {
    bytes.try_into().map_err(|_| MessageError::AddrV2Length {
        network,
        length,
        expected: N,
    })
}

/// An `addrv2` entry (Core `CAddress` in `V2_NETWORK` format).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AddrV2Message {
    /// When the node was last seen, seconds since 1970.
    pub time: u32,
    /// Its services; a CompactSize on the wire, of any 64-bit value.
    pub services: ServiceFlags,
    /// Its network address.
    pub addr: AddrV2,
    /// Its port (big-endian on the wire).
    pub port: u16,
}

impl AddrV2Message {
    /// The smallest serialised entry: time, 1-byte services, network id, a 0 length,
    /// port.
    pub(crate) const MIN_SIZE: usize = 4 + 1 + 1 + 1 + 2;

    pub(crate) fn encode_to<W: WriteBytes + ?Sized>(&self, w: &mut W) {
        w.write_bytes(&self.time.to_le_bytes());
        write_compact_size(w, self.services.to_bits());
        self.addr.encode_to(w);
        w.write_bytes(&self.port.to_be_bytes());
    }

    pub(crate) fn decode_from(r: &mut Reader<'_>) -> Result<AddrV2Message, MessageError> {
        let time = r.read_u32_le()?;
        // Service bits are a number, not a length: no MAX_SIZE check
        // (Core `CompactSizeFormatter<false>`).
        let services = ServiceFlags::from_bits(r.read_compact_size_unbounded()?);
        let addr = AddrV2::decode_from(r)?;
        let port = u16::from_be_bytes(r.read_array()?);
        Ok(AddrV2Message {
            time,
            services,
            addr,
            port,
        })
    }
}
