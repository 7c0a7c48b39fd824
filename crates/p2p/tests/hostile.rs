//! Hostile input: truncated and padded payloads, lying counts, broken frames, garbage.
//! Every case gives a typed error, never a panic, and nothing is allocated from a claimed
//! length.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

mod common;

use common::{fixtures, regtest_magic};
use sou_p2p::frame::{checksum, MAX_PROTOCOL_MESSAGE_LENGTH};
use sou_p2p::{
    encode_frame, BlockTransactionsRequest, Command, FrameDecoder, HeaderAndShortIds, MessageError,
    NetworkMessage, PrefilledTransaction,
};
use sou_primitives::encoding::write_compact_size;
use sou_primitives::{BlockHash, DecodeError, Network};

fn decode(command: &str, payload: &[u8]) -> Result<NetworkMessage, MessageError> {
    NetworkMessage::decode(&Command::new(command).unwrap(), payload)
}

/// A CompactSize followed by `rest`.
fn with_count(count: u64, rest: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    write_compact_size(&mut out, count);
    out.extend_from_slice(rest);
    out
}

/// A frame header with any fields.
fn header(magic: [u8; 4], command: [u8; 12], length: u32, check: [u8; 4]) -> Vec<u8> {
    [&magic[..], &command, &length.to_le_bytes(), &check].concat()
}

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next().to_le_bytes()[0]).collect()
    }
}

#[test]
fn every_truncated_payload_is_an_error() {
    let mut cases = 0;
    for (name, message) in fixtures() {
        if name == "unknown" {
            continue; // kept raw: any bytes are a valid unknown payload
        }
        let payload = message.encode_payload();
        for len in 0..payload.len() {
            let result = NetworkMessage::decode(&message.command(), &payload[..len]);
            // BIP37: a version without its last byte (relay) is still a version.
            if name == "version" && len == payload.len() - 1 {
                assert!(result.is_ok());
                continue;
            }
            let error = result.expect_err(&format!("{name} cut to {len} bytes"));
            assert!(!error.is_fatal(), "{name}: {error}");
            cases += 1;
        }
    }
    assert!(cases > 1_000, "{cases} truncations tried");
}

#[test]
fn every_payload_with_a_trailing_byte_is_an_error() {
    for (name, message) in fixtures() {
        if name == "unknown" {
            continue;
        }
        let mut payload = message.encode_payload();
        payload.push(0);
        assert_eq!(
            NetworkMessage::decode(&message.command(), &payload),
            Err(MessageError::Decode(DecodeError::TrailingBytes {
                count: 1
            })),
            "{name}"
        );
    }
}

#[test]
fn counts_over_the_protocol_limits_are_refused_before_any_item() {
    for (command, count, what, max) in [
        ("inv", 50_001, "inv", 50_000),
        ("getdata", 50_001, "getdata", 50_000),
        ("notfound", 50_001, "notfound", 50_000),
        ("headers", 2_001, "headers", 2_000),
        ("addr", 1_001, "addr", 1_000),
        ("addrv2", 1_001, "addrv2", 1_000),
    ] {
        assert_eq!(
            decode(command, &with_count(count, &[])),
            Err(MessageError::TooMany { what, count, max }),
            "{command}"
        );
    }
    // A locator of 102 hashes, after the version field.
    let payload = [&0i32.to_le_bytes()[..], &with_count(102, &[])].concat();
    for command in ["getheaders", "getblocks"] {
        assert_eq!(
            decode(command, &payload),
            Err(MessageError::TooMany {
                what: "locator",
                count: 102,
                max: 101
            })
        );
    }
}

#[test]
fn counts_within_limits_but_beyond_the_bytes_are_refused() {
    // 50,000 entries claimed, one present: refused before reserving 1.8 MB.
    let one = [0u8; 36];
    assert_eq!(
        decode("inv", &with_count(50_000, &one)),
        Err(MessageError::Decode(DecodeError::TooManyItems {
            what: "inv",
            count: 50_000,
            remaining: 36,
            min_item_len: 36
        }))
    );
    // A block claiming 2^25 transactions, and a cmpctblock claiming 2^25 short ids.
    let block = [&[0u8; 80][..], &with_count(1 << 25, &[])].concat();
    assert!(matches!(
        decode("block", &block),
        Err(MessageError::Decode(DecodeError::TooManyItems { .. }))
    ));
    let cmpct = [&[0u8; 88][..], &with_count(1 << 25, &[])].concat();
    assert!(matches!(
        decode("cmpctblock", &cmpct),
        Err(MessageError::Decode(DecodeError::TooManyItems { .. }))
    ));
    // A count above MAX_SIZE is refused as a length.
    assert_eq!(
        decode(
            "blocktxn",
            &[&[0u8; 32][..], &with_count(u64::MAX, &[])].concat()
        ),
        Err(MessageError::Decode(DecodeError::CompactSizeTooLarge {
            value: u64::MAX
        }))
    );
}

#[test]
fn field_limits_give_typed_errors() {
    let Some((_, NetworkMessage::Version(version))) = fixtures().into_iter().next() else {
        panic!("the first fixture is a version message");
    };
    // A 257-byte user agent (Core: "String length limit exceeded").
    let mut long = version.clone();
    long.user_agent = vec![b'a'; 257];
    assert_eq!(
        decode("version", &NetworkMessage::Version(long).encode_payload()),
        Err(MessageError::UserAgentTooLong { length: 257 })
    );
    // 256 is allowed.
    let mut longest = version.clone();
    longest.user_agent = vec![b'a'; 256];
    let payload = NetworkMessage::Version(longest.clone()).encode_payload();
    assert_eq!(
        decode("version", &payload),
        Ok(NetworkMessage::Version(longest))
    );
    // relay = 2.
    let mut payload = NetworkMessage::Version(version).encode_payload();
    *payload.last_mut().unwrap() = 2;
    assert_eq!(
        decode("version", &payload),
        Err(MessageError::NotABool {
            what: "version relay",
            value: 2
        })
    );
    // sendcmpct announce = 2 (BIP152: "MUST have a value of either 1 or 0").
    assert_eq!(
        decode("sendcmpct", &[2, 2, 0, 0, 0, 0, 0, 0, 0]),
        Err(MessageError::NotABool {
            what: "sendcmpct announce",
            value: 2
        })
    );
    // A header followed by a transaction count of 1.
    let headers = with_count(1, &[&[0u8; 80][..], &[1]].concat());
    assert_eq!(
        decode("headers", &headers),
        Err(MessageError::HeaderTxCount { index: 0, count: 1 })
    );
}

#[test]
fn addrv2_lengths_are_checked_per_network() {
    let entry = |network: u8, length: u64, bytes: &[u8]| {
        let mut e = vec![0, 0, 0, 0, 1, network];
        write_compact_size(&mut e, length);
        e.extend_from_slice(bytes);
        e.extend_from_slice(&[0x20, 0x8d]);
        with_count(1, &e)
    };
    // Core: "BIP155 IPv4 address with length 5 (should be 4)".
    assert_eq!(
        decode("addrv2", &entry(1, 5, &[1; 5])),
        Err(MessageError::AddrV2Length {
            network: 1,
            length: 5,
            expected: 4
        })
    );
    assert_eq!(
        decode("addrv2", &entry(4, 16, &[1; 16])),
        Err(MessageError::AddrV2Length {
            network: 4,
            length: 16,
            expected: 32
        })
    );
    // Core: "Address too long: 513 > 512", before reading the bytes.
    assert_eq!(
        decode("addrv2", &entry(200, 513, &[])),
        Err(MessageError::AddrV2TooLong { length: 513 })
    );
    // An unknown network of 512 bytes is read past and kept.
    assert!(decode("addrv2", &entry(200, 512, &[7; 512])).is_ok());
}

#[test]
fn compact_block_indexes_must_fit_16_bits_and_increase() {
    // getblocktxn: gaps 65535 then 0 make index 65536.
    let mut payload = vec![0u8; 32];
    write_compact_size(&mut payload, 2);
    write_compact_size(&mut payload, 65_535);
    write_compact_size(&mut payload, 0);
    assert_eq!(
        decode("getblocktxn", &payload),
        Err(MessageError::IndexOverflow {
            what: "getblocktxn indexes"
        })
    );
    // A cmpctblock whose first prefilled index is 65536.
    let mut payload = vec![0u8; 88];
    write_compact_size(&mut payload, 0);
    write_compact_size(&mut payload, 1);
    write_compact_size(&mut payload, 65_536);
    payload.extend_from_slice(&sou_primitives::encoding::serialize(&common::legacy_tx()));
    assert_eq!(
        decode("cmpctblock", &payload),
        Err(MessageError::IndexOverflow {
            what: "cmpctblock prefilled"
        })
    );
    // Values that could not be encoded are refused when built.
    assert!(BlockTransactionsRequest::new(BlockHash::ZERO, vec![3, 3]).is_err());
    let tx = |index| PrefilledTransaction {
        index,
        tx: common::legacy_tx(),
    };
    assert!(HeaderAndShortIds::new(common::header(), 0, vec![], vec![tx(2), tx(1)]).is_err());
}

#[test]
fn wrong_magic_is_fatal_and_stays_so() {
    let mainnet = Network::Mainnet.params().magic;
    let mut decoder = FrameDecoder::new(regtest_magic());
    decoder.feed(&encode_frame(mainnet, &NetworkMessage::Verack));
    let expected = MessageError::BadMagic {
        expected: regtest_magic(),
        found: mainnet,
    };
    assert_eq!(decoder.next_message(), Some(Err(expected.clone())));
    assert!(expected.is_fatal());
    // Later bytes, even a good frame, are discarded: the peer must be dropped.
    decoder.feed(&encode_frame(regtest_magic(), &NetworkMessage::Verack));
    assert_eq!(decoder.buffered(), 0);
    assert_eq!(decoder.next_message(), Some(Err(expected)));
}

#[test]
fn an_oversized_frame_is_refused_from_its_header_alone() {
    let mut decoder = FrameDecoder::new(regtest_magic());
    let mut command = [0u8; 12];
    command[..5].copy_from_slice(b"block");
    decoder.feed(&header(
        regtest_magic(),
        command,
        MAX_PROTOCOL_MESSAGE_LENGTH + 1,
        [0; 4],
    ));
    assert_eq!(
        decoder.next_frame(),
        Some(Err(MessageError::Oversized {
            command: "block".to_string(),
            length: 4_000_001
        }))
    );
    assert_eq!(decoder.buffered(), 0);

    // Exactly the limit is accepted: the decoder waits for the payload.
    let mut decoder = FrameDecoder::new(regtest_magic());
    decoder.feed(&header(
        regtest_magic(),
        command,
        MAX_PROTOCOL_MESSAGE_LENGTH,
        [0; 4],
    ));
    assert_eq!(decoder.next_frame(), None);

    // u32::MAX, the largest a header can claim.
    let mut decoder = FrameDecoder::new(regtest_magic());
    decoder.feed(&header(regtest_magic(), command, u32::MAX, [0; 4]));
    assert!(matches!(
        decoder.next_frame(),
        Some(Err(MessageError::Oversized {
            length: u32::MAX,
            ..
        }))
    ));
}

#[test]
fn a_bad_checksum_drops_one_message_and_the_stream_goes_on() {
    let mut bad = encode_frame(regtest_magic(), &NetworkMessage::Ping(1));
    bad[20] ^= 0xff;
    let mut decoder = FrameDecoder::new(regtest_magic());
    decoder.feed(&bad);
    decoder.feed(&encode_frame(regtest_magic(), &NetworkMessage::Pong(1)));
    let good = checksum(&1u64.to_le_bytes());
    let mut expected = good;
    expected[0] ^= 0xff;
    let error = decoder.next_message().unwrap().unwrap_err();
    assert_eq!(
        error,
        MessageError::BadChecksum {
            command: "ping".to_string(),
            length: 8,
            expected,
            found: good
        }
    );
    // Core's own wording, "expected" being what the payload hashes to.
    assert_eq!(
        error.to_string(),
        format!(
            "Wrong checksum (ping, 8 bytes), expected {} was {}",
            hex::encode(good),
            hex::encode(expected)
        )
    );
    assert!(!error.is_fatal());
    assert_eq!(decoder.next_message(), Some(Ok(NetworkMessage::Pong(1))));
}

#[test]
fn a_bad_command_drops_one_message_and_the_stream_goes_on() {
    for raw in [
        *b"ping\0\0\0\0\0\0\0x",     // a byte after the padding
        *b"pi\x01g\0\0\0\0\0\0\0\0", // not printable
        *b"ping\x7f\0\0\0\0\0\0\0",  // DEL
        *b"\xffing\0\0\0\0\0\0\0\0", // not ASCII
    ] {
        let mut decoder = FrameDecoder::new(regtest_magic());
        decoder.feed(&header(regtest_magic(), raw, 0, checksum(&[])));
        decoder.feed(&encode_frame(regtest_magic(), &NetworkMessage::Verack));
        let error = decoder.next_frame().unwrap().unwrap_err();
        assert_eq!(error, MessageError::BadCommand { raw });
        assert!(!error.is_fatal());
        assert_eq!(decoder.next_message(), Some(Ok(NetworkMessage::Verack)));
    }
    assert!(matches!(
        Command::new("thirteenchars"),
        Err(MessageError::InvalidCommandText(_))
    ));
    assert!(Command::new("tab\there").is_err());
}

#[test]
fn a_frame_with_a_malformed_payload_is_a_message_error() {
    // A ping of 7 bytes, correctly framed.
    let frame = sou_p2p::RawFrame {
        command: Command::new("ping").unwrap(),
        payload: vec![0; 7],
    };
    let mut decoder = FrameDecoder::new(regtest_magic());
    decoder.feed(&frame.encode(regtest_magic()));
    let error = decoder.next_message().unwrap().unwrap_err();
    assert!(matches!(
        error,
        MessageError::Decode(DecodeError::UnexpectedEnd { .. })
    ));
    assert!(!error.is_fatal());
}

#[test]
fn garbage_payloads_never_panic() {
    let mut rng = Rng(0x5eed);
    let commands: Vec<Command> = fixtures().iter().map(|(_, m)| m.command()).collect();
    for round in 0..2_000 {
        let len = usize::try_from(rng.next() % 300).unwrap();
        let mut payload = rng.bytes(len);
        // Small counts now and then, so that lists get past their first byte.
        if let Some(first) = payload.first_mut() {
            if round % 2 == 0 {
                *first %= 4;
            }
        }
        for command in &commands {
            if let Ok(message) = NetworkMessage::decode(command, &payload) {
                let encoded = message.encode_payload();
                // The one exception: a version without its relay byte gains it.
                if command.as_str() == "version" && encoded == [&payload[..], &[1]].concat() {
                    continue;
                }
                assert_eq!(encoded, payload, "{command} re-encodes");
            }
        }
    }
}

#[test]
fn mutated_payloads_decode_canonically_or_fail() {
    // Flip each byte of each fixture: whatever still decodes must re-encode to the same
    // bytes (sou accepts only canonical encodings).
    let mut decoded = 0;
    for (name, message) in fixtures() {
        let payload = message.encode_payload();
        for i in 0..payload.len() {
            for flip in [0x01, 0x80, 0xff] {
                let mut mutated = payload.clone();
                mutated[i] ^= flip;
                if let Ok(m) = NetworkMessage::decode(&message.command(), &mutated) {
                    assert_eq!(m.encode_payload(), mutated, "{name} byte {i} ^ {flip:#x}");
                    decoded += 1;
                }
            }
        }
    }
    assert!(decoded > 0);
}

#[test]
fn garbage_streams_never_panic() {
    let mut rng = Rng(0xbad5eed);
    for _ in 0..500 {
        let mut decoder = FrameDecoder::new(regtest_magic());
        // Half the streams start with a valid magic and a small length.
        let len = usize::try_from(rng.next() % 200).unwrap();
        let mut stream = rng.bytes(len);
        if rng.next() % 2 == 0 && stream.len() >= 24 {
            stream[..4].copy_from_slice(&regtest_magic());
            stream[16..20].copy_from_slice(&u32::try_from(rng.next() % 64).unwrap().to_le_bytes());
        }
        for chunk in stream.chunks(7) {
            decoder.feed(chunk);
            let mut steps = 0;
            while let Some(result) = decoder.next_message() {
                steps += 1;
                if result.as_ref().is_err_and(MessageError::is_fatal) || steps > 100 {
                    break;
                }
            }
        }
    }
}
