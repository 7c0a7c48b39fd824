//! Bytes from Bitcoin Core's own C++ unit tests: the `addr`/`addrv2` streams of
//! src/test/netbase_tests.cpp (`caddress_serialize_v1`, `caddress_serialize_v2`) and the
//! BIP155 address rows of src/test/net_tests.cpp (`cnetaddr_unserialize_v2`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

use std::net::{Ipv4Addr, Ipv6Addr};

use sou_p2p::{
    AddrV2, AddrV2Message, Address, Command, MessageError, NetworkMessage, ServiceFlags,
    TimedAddress,
};
use sou_primitives::DecodeError;

/// netbase_tests.cpp `stream_addrv1_hex`, an `addr` payload of three entries.
const STREAM_ADDRV1_HEX: &str = concat!(
    "03",
    "61bc6649",
    "0000000000000000",
    "00000000000000000000000000000001",
    "0000",
    "79627683",
    "0100000000000000",
    "00000000000000000000000000000001",
    "00f1",
    "ffffffff",
    "4804000000000000",
    "00000000000000000000000000000001",
    "f1f2",
);

/// netbase_tests.cpp `stream_addrv2_hex`, the same entries as an `addrv2` payload.
const STREAM_ADDRV2_HEX: &str = concat!(
    "03",
    "61bc6649",
    "00",
    "02",
    "10",
    "00000000000000000000000000000001",
    "0000",
    "79627683",
    "01",
    "02",
    "10",
    "00000000000000000000000000000001",
    "00f1",
    "ffffffff",
    "fd4804",
    "02",
    "10",
    "00000000000000000000000000000001",
    "f1f2",
);

/// netbase_tests.cpp `fixture_addresses`: (time, services, port), all at `::1`.
fn fixture() -> [(u32, ServiceFlags, u16); 3] {
    [
        (0x4966_bc61, ServiceFlags::NONE, 0),
        (0x8376_6279, ServiceFlags::NETWORK, 0x00f1),
        (
            0xffff_ffff,
            ServiceFlags::WITNESS | ServiceFlags::COMPACT_FILTERS | ServiceFlags::NETWORK_LIMITED,
            0xf1f2,
        ),
    ]
}

fn decode(command: &str, payload: &[u8]) -> Result<NetworkMessage, MessageError> {
    NetworkMessage::decode(&Command::new(command).unwrap(), payload)
}

#[test]
fn addr_matches_cores_v1_stream() {
    let message = NetworkMessage::Addr(
        fixture()
            .into_iter()
            .map(|(time, services, port)| TimedAddress {
                time,
                address: Address {
                    services,
                    ip: Ipv6Addr::LOCALHOST,
                    port,
                },
            })
            .collect(),
    );
    assert_eq!(hex::encode(message.encode_payload()), STREAM_ADDRV1_HEX);
    let bytes = hex::decode(STREAM_ADDRV1_HEX).unwrap();
    assert_eq!(decode("addr", &bytes), Ok(message));
}

#[test]
fn addrv2_matches_cores_v2_stream() {
    let message = NetworkMessage::AddrV2(
        fixture()
            .into_iter()
            .map(|(time, services, port)| AddrV2Message {
                time,
                services,
                addr: AddrV2::Ipv6(Ipv6Addr::LOCALHOST),
                port,
            })
            .collect(),
    );
    assert_eq!(hex::encode(message.encode_payload()), STREAM_ADDRV2_HEX);
    let bytes = hex::decode(STREAM_ADDRV2_HEX).unwrap();
    assert_eq!(decode("addrv2", &bytes), Ok(message));
}

/// One row of net_tests.cpp `cnetaddr_unserialize_v2`: the network id, length and
/// address bytes, and what sou reads.
struct Row {
    hex: &'static str,
    expected: Result<AddrV2, MessageError>,
}

fn rows() -> Vec<Row> {
    let bytes32 = |hex: &str| -> [u8; 32] { hex::decode(hex).unwrap().try_into().unwrap() };
    let v6 = |hex: &str| -> Ipv6Addr {
        Ipv6Addr::from(<[u8; 16]>::try_from(hex::decode(hex).unwrap()).unwrap())
    };
    let length = |network, length, expected| {
        Err(MessageError::AddrV2Length {
            network,
            length,
            expected,
        })
    };
    vec![
        Row {
            hex: "010401020304",
            expected: Ok(AddrV2::Ipv4(Ipv4Addr::new(1, 2, 3, 4))),
        },
        // Core: "BIP155 IPv4 address with length 5 (should be 4)".
        Row {
            hex: "01050102030400",
            expected: length(1, 5, 4),
        },
        // Core: "Address too long: 513 > 512".
        Row {
            hex: "01fd010201020304",
            expected: Err(MessageError::AddrV2TooLong { length: 513 }),
        },
        Row {
            hex: "02100102030405060708090a0b0c0d0e0f10",
            expected: Ok(AddrV2::Ipv6(v6("0102030405060708090a0b0c0d0e0f10"))),
        },
        // Core reads these three as valid bytes of an address it will not gossip
        // (internal, IPv4 or Tor v2 embedded in IPv6); sou keeps the bytes, and leaves
        // that judgement to the address manager.
        Row {
            hex: "0210fd6b88c08724ca978112ca1bbdcafac2",
            expected: Ok(AddrV2::Ipv6(v6("fd6b88c08724ca978112ca1bbdcafac2"))),
        },
        Row {
            hex: "021000000000000000000000ffff01020304",
            expected: Ok(AddrV2::Ipv6(v6("00000000000000000000ffff01020304"))),
        },
        Row {
            hex: "0210fd87d87eeb430102030405060708090a",
            expected: Ok(AddrV2::Ipv6(v6("fd87d87eeb430102030405060708090a"))),
        },
        // Core: "BIP155 IPv6 address with length 4 (should be 16)".
        Row {
            hex: "020400",
            expected: length(2, 4, 16),
        },
        // Tor v2 (network 3) is retired: read past, kept as unknown.
        Row {
            hex: "030af1f2f3f4f5f6f7f8f9fa",
            expected: Ok(AddrV2::Unknown {
                network: 3,
                bytes: hex::decode("f1f2f3f4f5f6f7f8f9fa").unwrap(),
            }),
        },
        Row {
            hex: "042079bcc625184b05194975c28b66b66b0469f7f6556fb1ac3189a79b40dda32f1f",
            expected: Ok(AddrV2::TorV3(bytes32(
                "79bcc625184b05194975c28b66b66b0469f7f6556fb1ac3189a79b40dda32f1f",
            ))),
        },
        // Core: "BIP155 TORv3 address with length 0 (should be 32)".
        Row {
            hex: "040000",
            expected: length(4, 0, 32),
        },
        Row {
            hex: "0520a2894dabaec08c0051a481a6dac88b64f98232ae42d4b6fd2fa81952dfe36a87",
            expected: Ok(AddrV2::I2p(bytes32(
                "a2894dabaec08c0051a481a6dac88b64f98232ae42d4b6fd2fa81952dfe36a87",
            ))),
        },
        // Core: "BIP155 I2P address with length 3 (should be 32)".
        Row {
            hex: "050300",
            expected: length(5, 3, 32),
        },
        Row {
            hex: "0610fc000001000200030004000500060007",
            expected: Ok(AddrV2::Cjdns(
                v6("fc000001000200030004000500060007").octets(),
            )),
        },
        // Not in fc00::/8: Core reads it as an invalid CJDNS address; sou keeps the bytes.
        Row {
            hex: "0610aa000001000200030004000500060007",
            expected: Ok(AddrV2::Cjdns(
                v6("aa000001000200030004000500060007").octets(),
            )),
        },
        // Core: "BIP155 CJDNS address with length 1 (should be 16)".
        Row {
            hex: "060100",
            expected: length(6, 1, 16),
        },
        // Core: "Address too long: 33554432 > 512" (an unknown network, MAX_SIZE bytes).
        Row {
            hex: "aafe00000002",
            expected: Err(MessageError::AddrV2TooLong {
                length: 0x0200_0000,
            }),
        },
    ]
}

#[test]
fn bip155_rows_read_as_core_reads_them() {
    let rows = rows();
    assert_eq!(rows.len(), 17);
    for (i, row) in rows.into_iter().enumerate() {
        // One addrv2 entry: count, time, services 0, the address, port 8333.
        let payload = hex::decode(format!("010000000000{}208d", row.hex)).unwrap();
        let got = decode("addrv2", &payload).map(|m| match m {
            NetworkMessage::AddrV2(mut entries) => entries.remove(0).addr,
            other => panic!("row {i}: decoded as {other:?}"),
        });
        assert_eq!(got, row.expected, "row {i}: {}", row.hex);
    }
    // Core: "end of data" (an IPv4 address of two bytes where four are announced).
    assert_eq!(
        decode("addrv2", &hex::decode("01000000000001040102").unwrap()),
        Err(MessageError::Decode(DecodeError::UnexpectedEnd {
            needed: 4,
            remaining: 2
        }))
    );
}
