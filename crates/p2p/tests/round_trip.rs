//! Every message type survives encode → decode, alone and framed, whether its frame
//! arrives in one read, a byte at a time, or glued to others.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

mod common;

use common::{fixtures, regtest_magic};
use sou_p2p::{
    encode_frame, AddrV2, AddrV2Message, Command, FrameDecoder, Inventory, NetworkMessage,
    RawFrame, ServiceFlags,
};

/// The message types `fixtures` must cover: every variant sou knows, and one unknown.
const EXPECTED: [&str; 25] = [
    "version",
    "verack",
    "wtxidrelay",
    "sendaddrv2",
    "sendheaders",
    "sendcmpct",
    "feefilter",
    "ping",
    "pong",
    "inv",
    "getdata",
    "notfound",
    "getheaders",
    "getblocks",
    "headers",
    "block",
    "tx",
    "addr",
    "addrv2",
    "getaddr",
    "mempool",
    "cmpctblock",
    "getblocktxn",
    "blocktxn",
    "unknown",
];

#[test]
fn fixtures_cover_every_message_type() {
    let names: Vec<&str> = fixtures().iter().map(|(name, _)| *name).collect();
    assert_eq!(names, EXPECTED);
    for (name, message) in fixtures() {
        if name != "unknown" {
            assert_eq!(message.command_str(), name);
        }
    }
}

#[test]
fn every_payload_round_trips() {
    for (name, message) in fixtures() {
        let payload = message.encode_payload();
        let decoded = NetworkMessage::decode(&message.command(), &payload)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(decoded, message, "{name}");
        assert_eq!(decoded.encode_payload(), payload, "{name} re-encodes");
    }
}

#[test]
fn every_frame_round_trips_in_one_read() {
    for (name, message) in fixtures() {
        let mut decoder = FrameDecoder::new(regtest_magic());
        decoder.feed(&encode_frame(regtest_magic(), &message));
        assert_eq!(decoder.next_message(), Some(Ok(message)), "{name}");
        assert_eq!(decoder.next_message(), None, "{name}: nothing left");
        assert_eq!(decoder.buffered(), 0, "{name}");
    }
}

#[test]
fn frames_fed_a_byte_at_a_time_come_out_whole_and_in_order() {
    let messages: Vec<NetworkMessage> = fixtures().into_iter().map(|(_, m)| m).collect();
    let stream: Vec<u8> = messages
        .iter()
        .flat_map(|m| encode_frame(regtest_magic(), m))
        .collect();
    let mut decoder = FrameDecoder::new(regtest_magic());
    let mut received = Vec::new();
    for byte in &stream {
        decoder.feed(std::slice::from_ref(byte));
        while let Some(message) = decoder.next_message() {
            received.push(message.unwrap());
        }
    }
    assert_eq!(received, messages);
}

#[test]
fn glued_frames_come_out_of_one_read() {
    let messages: Vec<NetworkMessage> = fixtures().into_iter().map(|(_, m)| m).collect();
    let stream: Vec<u8> = messages
        .iter()
        .flat_map(|m| encode_frame(regtest_magic(), m))
        .collect();
    let mut decoder = FrameDecoder::new(regtest_magic());
    // Reads of 1,000 bytes, as a socket might deliver them.
    let mut received = Vec::new();
    for chunk in stream.chunks(1_000) {
        decoder.feed(chunk);
        while let Some(message) = decoder.next_message() {
            received.push(message.unwrap());
        }
    }
    assert_eq!(received, messages);
}

#[test]
fn raw_frames_keep_the_command_and_payload() {
    let frame = RawFrame {
        command: Command::new("filterclear").unwrap(),
        payload: Vec::new(),
    };
    let mut decoder = FrameDecoder::new(regtest_magic());
    decoder.feed(&frame.encode(regtest_magic()));
    assert_eq!(decoder.next_frame(), Some(Ok(frame)));

    // A 12-character type fills the field with no zero byte at all.
    let full = RawFrame {
        command: Command::new("abcdefghijkl").unwrap(),
        payload: vec![1, 2, 3],
    };
    let bytes = full.encode(regtest_magic());
    assert_eq!(&bytes[4..16], b"abcdefghijkl");
    decoder.feed(&bytes);
    assert_eq!(decoder.next_frame(), Some(Ok(full.clone())));
    assert_eq!(decoder.next_message(), None, "nothing left after the frame");
    assert_eq!(
        NetworkMessage::decode(&full.command, &full.payload),
        Ok(NetworkMessage::Unknown {
            command: full.command,
            payload: full.payload
        })
    );
}

#[test]
fn verack_frame_is_the_known_bytes() {
    // Mainnet verack: magic, "verack" and six zero bytes, length 0, SHA256d("")[..4].
    let frame = encode_frame(
        sou_primitives::Network::Mainnet.params().magic,
        &NetworkMessage::Verack,
    );
    assert_eq!(
        hex::encode(frame),
        "f9beb4d976657261636b000000000000000000005df6e0e2"
    );
}

#[test]
fn unknown_inventory_types_and_addrv2_networks_are_kept() {
    let inv = NetworkMessage::Inv(vec![Inventory::Unknown {
        inv_type: 0x4000_0003,
        hash: [9; 32],
    }]);
    let decoded = NetworkMessage::decode(&inv.command(), &inv.encode_payload()).unwrap();
    assert_eq!(decoded, inv);

    // Tor v2 (network 3) is retired; Core reads past it, sou keeps it as unknown.
    let addr = NetworkMessage::AddrV2(vec![AddrV2Message {
        time: 0,
        services: ServiceFlags::from_bits(u64::MAX),
        addr: AddrV2::Unknown {
            network: 3,
            bytes: vec![7; 10],
        },
        port: 9050,
    }]);
    let decoded = NetworkMessage::decode(&addr.command(), &addr.encode_payload()).unwrap();
    assert_eq!(decoded, addr);
}

#[test]
fn version_without_relay_byte_means_relay() {
    let Some((_, NetworkMessage::Version(mut version))) = fixtures().into_iter().next() else {
        panic!("the first fixture is a version message");
    };
    version.relay = true;
    let mut payload = NetworkMessage::Version(version.clone()).encode_payload();
    payload.pop();
    let decoded = NetworkMessage::decode(&Command::new("version").unwrap(), &payload).unwrap();
    assert_eq!(decoded, NetworkMessage::Version(version));
}

#[test]
fn service_flag_names_follow_core() {
    let flags = ServiceFlags::NETWORK
        | ServiceFlags::WITNESS
        | ServiceFlags::NETWORK_LIMITED
        | ServiceFlags::P2P_V2
        | ServiceFlags::from_bits(1 << 24);
    assert_eq!(
        flags.names(),
        [
            "NETWORK",
            "WITNESS",
            "NETWORK_LIMITED",
            "P2P_V2",
            "UNKNOWN[2^24]"
        ]
    );
    assert_eq!(flags.to_string(), "0000000001000c09");
    assert!(flags.has(ServiceFlags::WITNESS | ServiceFlags::NETWORK));
}
