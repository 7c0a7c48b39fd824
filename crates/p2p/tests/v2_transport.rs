//! The v2 handshake and packet stream of `V2Transport`: two sides agreeing byte by byte,
//! a hand-built peer sending decoys and odd packets, and hostile streams that must end
//! in an error, never a panic or a large allocation.

#![allow(clippy::unwrap_used, reason = "test: a panic is a failed test")]

use secp256k1::ellswift::ElligatorSwift;
use secp256k1::{Secp256k1, SecretKey};
use sou_p2p::v2::{Bip324Cipher, V2Error, V2Transport, MAX_CONTENTS_LEN, MAX_GARBAGE_LEN};
use sou_p2p::{encode_frame, FrameDecoder, NetworkMessage};

const REGTEST_MAGIC: [u8; 4] = [0xfa, 0xbf, 0xb5, 0xda];

fn key(byte: u8) -> SecretKey {
    SecretKey::from_byte_array([byte; 32]).unwrap()
}

/// Moves bytes both ways until neither side has anything to send.
fn exchange(a: &mut V2Transport, b: &mut V2Transport, chunk: usize) {
    for _ in 0..10 {
        let (to_b, to_a) = (a.take_outgoing(), b.take_outgoing());
        if to_a.is_empty() && to_b.is_empty() {
            return;
        }
        for piece in to_b.chunks(chunk) {
            b.feed(piece);
        }
        for piece in to_a.chunks(chunk) {
            a.feed(piece);
        }
    }
}

fn drain(side: &mut V2Transport) -> Vec<Result<NetworkMessage, V2Error>> {
    std::iter::from_fn(|| side.next_message()).collect()
}

#[test]
fn two_sides_agree_for_any_garbage_and_chunking() {
    for (garbage_len, chunk) in [(0, 1), (1, 7), (15, 1000), (16, 3), (MAX_GARBAGE_LEN, 64)] {
        let garbage = vec![0xab; garbage_len];
        let mut alice = V2Transport::new(REGTEST_MAGIC, true, key(1), [2; 32], garbage.clone());
        let mut bob = V2Transport::new(REGTEST_MAGIC, false, key(3), [4; 32], garbage);
        alice.send_message(&NetworkMessage::Ping(1));
        alice.send_message(&NetworkMessage::Verack);
        bob.send_message(&NetworkMessage::Pong(2));
        exchange(&mut alice, &mut bob, chunk);
        assert_eq!(
            drain(&mut bob),
            vec![Ok(NetworkMessage::Ping(1)), Ok(NetworkMessage::Verack)],
            "garbage {garbage_len}"
        );
        assert_eq!(drain(&mut alice), vec![Ok(NetworkMessage::Pong(2))]);
        assert!(alice.is_established() && bob.is_established());
        assert_eq!(alice.session_id(), bob.session_id());
        assert!(alice.session_id().is_some());
        // After the handshake, each message is one packet.
        bob.send_message(&NetworkMessage::SendHeaders);
        alice.feed(&bob.take_outgoing());
        assert_eq!(alice.next_message(), Some(Ok(NetworkMessage::SendHeaders)));
    }
}

#[test]
fn responder_hands_a_v1_version_back() {
    let version_frame = encode_frame(REGTEST_MAGIC, &NetworkMessage::Verack);
    // A v1 stream opens with magic + "version\0\0\0\0\0"; fake one from a verack frame.
    let mut stream = REGTEST_MAGIC.to_vec();
    stream.extend_from_slice(b"version\0\0\0\0\0");
    stream.extend_from_slice(&version_frame[16..]);
    let mut responder = V2Transport::new(REGTEST_MAGIC, false, key(5), [6; 32], vec![1; 100]);
    for byte in &stream[..15] {
        responder.feed(&[*byte]);
        assert!(!responder.has_outgoing(), "still undecided: sends nothing");
    }
    responder.feed(&stream[15..]);
    assert!(responder.is_v1());
    assert!(!responder.has_outgoing());
    assert_eq!(responder.next_message(), None);
    assert_eq!(responder.v1_fallback(), Some(stream.clone()));
    assert_eq!(responder.v1_fallback(), None);
    // The bytes go on to a v1 decoder.
    let mut decoder = FrameDecoder::new(REGTEST_MAGIC);
    decoder.feed(&stream);
    assert!(decoder.next_frame().is_some());
}

#[test]
fn responder_refuses_v1_of_another_network() {
    let mainnet = [0xf9, 0xbe, 0xb4, 0xd9];
    let mut stream = mainnet.to_vec();
    stream.extend_from_slice(b"version\0\0\0\0\0");
    stream.extend_from_slice(&[0; 100]);
    let mut responder = V2Transport::new(REGTEST_MAGIC, false, key(5), [6; 32], Vec::new());
    responder.feed(&stream);
    assert_eq!(
        responder.next_message(),
        Some(Err(V2Error::V1WrongNetwork { magic: mainnet }))
    );
}

/// A peer built by hand from `Bip324Cipher`, to send what `V2Transport` never does.
struct HandPeer {
    cipher: Bip324Cipher,
}

impl HandPeer {
    /// Opens a connection to `responder` with `garbage`; returns the peer and the bytes
    /// it sends up to its garbage terminator (included).
    fn connect(responder: &mut V2Transport, garbage: &[u8]) -> (HandPeer, Vec<u8>) {
        let secp = Secp256k1::new();
        let secret_key = key(9);
        let ours = ElligatorSwift::from_seckey(&secp, secret_key, None).to_array();
        let mut hello = ours.to_vec();
        hello.extend_from_slice(garbage);
        responder.feed(&hello);
        let reply = responder.take_outgoing();
        let theirs: [u8; 64] = reply[..64].try_into().unwrap();
        let cipher = Bip324Cipher::new(&secret_key, &ours, &theirs, true, REGTEST_MAGIC);
        let terminator = cipher.send_garbage_terminator().to_vec();
        (HandPeer { cipher }, terminator)
    }
}

fn ping_contents(nonce: u64) -> Vec<u8> {
    let mut contents = vec![18u8]; // short id of "ping"
    contents.extend_from_slice(&nonce.to_le_bytes());
    contents
}

#[test]
fn decoys_are_dropped_and_the_garbage_authenticated() {
    let garbage = b"some garbage".to_vec();
    let mut responder = V2Transport::new(REGTEST_MAGIC, false, key(5), [6; 32], Vec::new());
    let (mut peer, mut stream) = HandPeer::connect(&mut responder, &garbage);
    // First packet (a decoy) carries the garbage as AAD; the version packet none.
    stream.extend(peer.cipher.encrypt(b"decoy", &garbage, true));
    stream.extend(peer.cipher.encrypt(b"future version data", b"", false));
    stream.extend(peer.cipher.encrypt(&[0; 300], b"", true));
    stream.extend(peer.cipher.encrypt(&ping_contents(77), b"", false));
    // A long-form message type: 0 then "verack" padded to 12 bytes.
    stream.extend(peer.cipher.encrypt(b"\0verack\0\0\0\0\0\0", b"", false));
    responder.feed(&stream);
    assert_eq!(
        drain(&mut responder),
        vec![Ok(NetworkMessage::Ping(77)), Ok(NetworkMessage::Verack)]
    );
    assert!(responder.is_established());
}

#[test]
fn garbage_not_authenticated_is_refused() {
    let mut responder = V2Transport::new(REGTEST_MAGIC, false, key(5), [6; 32], Vec::new());
    let (mut peer, mut stream) = HandPeer::connect(&mut responder, b"real garbage");
    stream.extend(peer.cipher.encrypt(b"", b"other garbage", false));
    responder.feed(&stream);
    assert_eq!(responder.next_message(), Some(Err(V2Error::Decryption)));
    assert!(responder.next_message().unwrap().unwrap_err().is_fatal());
}

#[test]
fn a_changed_bit_is_refused() {
    // The version packet takes bytes 0-19 (length 0-2, header 3, tag 4-19), the ping's
    // length 20-22.
    for position in [0usize, 1, 2, 3, 10, 19, 20, 22, 23, 30, 48] {
        let mut responder = V2Transport::new(REGTEST_MAGIC, false, key(5), [6; 32], Vec::new());
        let (mut peer, mut stream) = HandPeer::connect(&mut responder, b"");
        let start = stream.len();
        stream.extend(peer.cipher.encrypt(b"", b"", false));
        stream.extend(peer.cipher.encrypt(&ping_contents(1), b"", false));
        stream[start + position] ^= 0x04;
        responder.feed(&stream);
        // A changed length byte may make the packet look longer: then it waits, or is
        // refused as too long; never accepted.
        match responder.next_message() {
            None => assert!(
                position < 3 || (20..23).contains(&position),
                "byte {position}"
            ),
            Some(result) => assert!(result.is_err(), "byte {position}: {result:?}"),
        }
    }
}

#[test]
fn unknown_short_id_drops_only_that_message() {
    let mut responder = V2Transport::new(REGTEST_MAGIC, false, key(5), [6; 32], Vec::new());
    let (mut peer, mut stream) = HandPeer::connect(&mut responder, b"");
    stream.extend(peer.cipher.encrypt(b"", b"", false));
    stream.extend(peer.cipher.encrypt(&[200, 1, 2], b"", false));
    stream.extend(peer.cipher.encrypt(&[], b"", false));
    stream.extend(peer.cipher.encrypt(&[0, b'x'], b"", false));
    stream.extend(peer.cipher.encrypt(&ping_contents(5), b"", false));
    responder.feed(&stream);
    let results = drain(&mut responder);
    assert_eq!(results.len(), 4);
    assert_eq!(results[0], Err(V2Error::UnknownShortId(200)));
    assert_eq!(results[1], Err(V2Error::MissingMessageType));
    assert_eq!(results[2], Err(V2Error::MissingMessageType));
    assert!(results[..3]
        .iter()
        .all(|r| !r.as_ref().unwrap_err().is_fatal()));
    assert_eq!(results[3], Ok(NetworkMessage::Ping(5)));
}

#[test]
fn oversized_length_is_refused_before_the_body() {
    let mut responder = V2Transport::new(REGTEST_MAGIC, false, key(5), [6; 32], Vec::new());
    let (mut peer, mut stream) = HandPeer::connect(&mut responder, b"");
    stream.extend(peer.cipher.encrypt(b"", b"", false));
    let huge = vec![0u8; MAX_CONTENTS_LEN as usize + 1];
    let packet = peer.cipher.encrypt(&huge, b"", false);
    // Only the length and a few bytes arrive: refused from the length alone.
    stream.extend_from_slice(&packet[..10]);
    responder.feed(&stream);
    assert_eq!(
        responder.next_message(),
        Some(Err(V2Error::Oversized {
            length: MAX_CONTENTS_LEN + 1,
            max: MAX_CONTENTS_LEN,
        }))
    );
}

#[test]
fn the_largest_contents_are_accepted() {
    let mut responder = V2Transport::new(REGTEST_MAGIC, false, key(5), [6; 32], Vec::new());
    let (mut peer, mut stream) = HandPeer::connect(&mut responder, b"");
    stream.extend(peer.cipher.encrypt(b"", b"", false));
    // An unknown long message type with the largest payload: decoded as Unknown.
    let mut contents = b"\0zzz\0\0\0\0\0\0\0\0\0".to_vec();
    contents.resize(MAX_CONTENTS_LEN as usize, 0);
    stream.extend(peer.cipher.encrypt(&contents, b"", false));
    responder.feed(&stream);
    assert!(matches!(responder.next_message(), Some(Ok(_))));
}

#[test]
fn garbage_without_terminator_ends_the_stream() {
    let mut responder = V2Transport::new(REGTEST_MAGIC, false, key(5), [6; 32], Vec::new());
    // Just below the limit: still waiting.
    let (_, _) = HandPeer::connect(&mut responder, &[0x55; MAX_GARBAGE_LEN + 15]);
    assert_eq!(responder.next_message(), None);
    responder.feed(&[0x55]);
    let limit = MAX_GARBAGE_LEN + 16;
    assert_eq!(
        responder.next_message(),
        Some(Err(V2Error::MissingGarbageTerminator { limit }))
    );
    // More bytes are dropped, not buffered.
    responder.feed(&vec![0x55; 1 << 20]);
    assert!(responder.next_message().unwrap().is_err());
}

#[test]
fn short_garbage_and_silence_wait_without_error() {
    let mut responder = V2Transport::new(REGTEST_MAGIC, false, key(5), [6; 32], Vec::new());
    let (_, terminator) = HandPeer::connect(&mut responder, b"abc");
    assert_eq!(responder.next_message(), None);
    // Half a terminator: still waiting.
    responder.feed(&terminator[..8]);
    assert_eq!(responder.next_message(), None);
    assert!(!responder.is_established());
}

/// Random bytes, fed in random pieces to both roles: an error or a wait, never a panic.
#[test]
fn random_streams_never_panic() {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for round in 0..200 {
        let initiator = round % 2 == 0;
        let mut side = V2Transport::new(REGTEST_MAGIC, initiator, key(5), [6; 32], Vec::new());
        let total = (next() % 6000) as usize;
        let stream: Vec<u8> = (0..total).map(|_| next().to_le_bytes()[0]).collect();
        let mut rest = &stream[..];
        while !rest.is_empty() {
            let take = ((next() % 500) as usize + 1).min(rest.len());
            side.feed(&rest[..take]);
            rest = &rest[take..];
            while let Some(Ok(_)) = side.next_message() {}
        }
    }
}

/// Core's `ShouldReconnectV1`: only an initiator that has received nothing at all.
#[test]
fn reconnect_over_v1_only_when_nothing_came_back() {
    let mut initiator = V2Transport::new(REGTEST_MAGIC, true, key(1), [2; 32], Vec::new());
    assert!(initiator.should_reconnect_v1());
    initiator.feed(&[0]);
    assert!(!initiator.should_reconnect_v1(), "a byte came back");
    let responder = V2Transport::new(REGTEST_MAGIC, false, key(3), [4; 32], Vec::new());
    assert!(
        !responder.should_reconnect_v1(),
        "responders never reconnect"
    );
}
