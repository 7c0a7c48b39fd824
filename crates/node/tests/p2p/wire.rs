//! soud's side of a connection, message by message, against a peer played by the test
//! with sou-p2p: the handshake in Core's order, answers to `ping`, `getheaders` and
//! `getdata`, and the disconnections Core makes (a wrong magic, an oversized frame, a
//! handshake not finished within `-peertimeout`), while a bad checksum only drops the
//! message.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use serde_json::json;
use sou_p2p::{
    encode_frame, Address, BlockLocator, FrameDecoder, Inventory, LocatorRequest, NetworkMessage,
    ServiceFlags, VersionMessage, PROTOCOL_VERSION,
};
use sou_primitives::{BlockHash, Network};

use crate::sou_pair::listening_node;
use crate::support::{TestNode, BURN_ADDRESS};
use crate::{wait_until, WAIT};

/// The test's end of a connection to a node.
pub struct RawPeer {
    stream: TcpStream,
    decoder: FrameDecoder,
}

impl RawPeer {
    /// Connects and completes the handshake (as a BIP339 peer that wants transactions).
    pub fn handshake(node: &TestNode) -> RawPeer {
        let mut peer = RawPeer::connect(node);
        peer.send(&NetworkMessage::Version(VersionMessage {
            relay: true,
            ..version()
        }));
        peer.receive_until(|m| matches!(m, NetworkMessage::Verack));
        peer.send(&NetworkMessage::WtxidRelay);
        peer.send(&NetworkMessage::Verack);
        peer.receive_until(|m| matches!(m, NetworkMessage::GetHeaders(_)));
        peer
    }

    fn connect(node: &TestNode) -> RawPeer {
        let stream = TcpStream::connect(("127.0.0.1", node.p2p_port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        RawPeer {
            stream,
            decoder: FrameDecoder::new(magic()),
        }
    }

    pub fn send(&mut self, message: &NetworkMessage) {
        self.stream
            .write_all(&encode_frame(magic(), message))
            .unwrap();
    }

    /// The next message, or `None` once the node closed the connection; fails the test
    /// after [`WAIT`].
    pub fn receive(&mut self) -> Option<NetworkMessage> {
        let started = Instant::now();
        loop {
            if let Some(message) = self.decoder.next_message() {
                return Some(message.unwrap());
            }
            assert!(started.elapsed() < WAIT, "no message within {WAIT:?}");
            let mut buffer = [0u8; 65536];
            match self.stream.read(&mut buffer) {
                Ok(0) => return None,
                Ok(n) => self.decoder.feed(&buffer[..n]),
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                Err(_) => return None,
            }
        }
    }

    /// Messages until one matches `wanted`, skipping others.
    pub fn receive_until(&mut self, wanted: impl Fn(&NetworkMessage) -> bool) -> NetworkMessage {
        loop {
            let message = self.receive().expect("the connection stays open");
            if wanted(&message) {
                return message;
            }
        }
    }

    /// True once the node closed the connection (within [`WAIT`]).
    pub fn is_closed_by_node(&mut self) -> bool {
        while self.receive().is_some() {}
        true
    }
}

fn magic() -> [u8; 4] {
    Network::Regtest.params().magic
}

fn version() -> VersionMessage {
    VersionMessage {
        version: PROTOCOL_VERSION,
        services: ServiceFlags::NETWORK | ServiceFlags::WITNESS,
        timestamp: 1_700_000_000,
        addr_recv: Address::unspecified(ServiceFlags::NONE),
        addr_from: Address::unspecified(ServiceFlags::NONE),
        nonce: 42,
        user_agent: b"/test:0.1/".to_vec(),
        start_height: 0,
        relay: false,
    }
}

#[test]
fn the_handshake_goes_as_cores_and_requests_are_served() {
    let mut node = listening_node();
    node.rpc("generatetoaddress", json!([3, BURN_ADDRESS]));
    let mut peer = RawPeer::connect(&node);
    peer.send(&NetworkMessage::Version(version()));

    // An inbound node answers with its version, then wtxidrelay, sendaddrv2, verack.
    let Some(NetworkMessage::Version(theirs)) = peer.receive() else {
        panic!("version first");
    };
    assert_eq!(theirs.version, PROTOCOL_VERSION);
    assert_eq!(
        theirs.services,
        ServiceFlags::NETWORK | ServiceFlags::WITNESS | ServiceFlags::P2P_V2
    );
    assert_eq!(theirs.start_height, 3);
    assert_eq!(
        theirs.user_agent,
        format!("/sou:{}/", env!("CARGO_PKG_VERSION")).into_bytes()
    );
    assert_eq!(peer.receive(), Some(NetworkMessage::WtxidRelay));
    assert_eq!(peer.receive(), Some(NetworkMessage::SendAddrV2));
    assert_eq!(peer.receive(), Some(NetworkMessage::Verack));

    // After our verack: sendheaders, and the sync starts with getheaders.
    peer.send(&NetworkMessage::Verack);
    assert_eq!(peer.receive(), Some(NetworkMessage::SendHeaders));
    peer.receive_until(|m| matches!(m, NetworkMessage::GetHeaders(_)));

    // A message with a bad checksum is dropped; the connection goes on.
    let mut bad = encode_frame(magic(), &NetworkMessage::Ping(7));
    let last = bad.len() - 1;
    bad[last] ^= 0xff;
    peer.stream.write_all(&bad).unwrap();

    peer.send(&NetworkMessage::Ping(8));
    assert_eq!(
        peer.receive_until(|m| matches!(m, NetworkMessage::Pong(_))),
        NetworkMessage::Pong(8)
    );

    // getheaders from genesis: the three blocks' headers.
    let genesis = Network::Regtest.params().genesis_hash;
    peer.send(&NetworkMessage::GetHeaders(LocatorRequest {
        locator: BlockLocator::new(vec![genesis]),
        hash_stop: BlockHash::ZERO,
    }));
    let NetworkMessage::Headers(headers) =
        peer.receive_until(|m| matches!(m, NetworkMessage::Headers(_)))
    else {
        unreachable!()
    };
    let hashes: Vec<String> = headers.iter().map(|h| h.block_hash().to_string()).collect();
    let expected: Vec<String> = (1..=3)
        .map(|h| {
            node.rpc("getblockhash", json!([h]))
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(hashes, expected);

    // getdata: the block, and notfound for a block the node has not.
    let unknown = BlockHash::from_byte_array([7; 32]);
    peer.send(&NetworkMessage::GetData(vec![
        Inventory::WitnessBlock(headers[0].block_hash()),
        Inventory::WitnessBlock(unknown),
    ]));
    let NetworkMessage::Block(block) =
        peer.receive_until(|m| matches!(m, NetworkMessage::Block(_)))
    else {
        unreachable!()
    };
    assert_eq!(block.block_hash(), headers[0].block_hash());
    assert_eq!(
        peer.receive_until(|m| matches!(m, NetworkMessage::NotFound(_))),
        NetworkMessage::NotFound(vec![Inventory::WitnessBlock(unknown)])
    );

    // A new block is announced: as `inv`, since this peer sent no `sendheaders`.
    node.rpc("generatetoaddress", json!([1, BURN_ADDRESS]));
    let tip = node.rpc("getbestblockhash", json!([]));
    let NetworkMessage::Inv(items) = peer.receive_until(|m| matches!(m, NetworkMessage::Inv(_)))
    else {
        unreachable!()
    };
    assert_eq!(items.len(), 1);
    assert!(matches!(items[0], Inventory::Block(h) if json!(h.to_string()) == tip));
    node.stop();
}

#[test]
fn an_oversized_frame_ends_the_connection() {
    let mut node = listening_node();
    // After the handshake: a first frame other than `version` would be read as a BIP324
    // key, as Core reads it.
    let mut peer = RawPeer::handshake(&node);
    let mut header = magic().to_vec();
    header.extend_from_slice(b"block\0\0\0\0\0\0\0");
    header.extend_from_slice(&4_000_001u32.to_le_bytes());
    header.extend_from_slice(&[0, 0, 0, 0]);
    peer.stream.write_all(&header).unwrap();
    assert!(peer.is_closed_by_node());
    wait_until("no peers left", || {
        node.rpc("getconnectioncount", json!([])) == json!(0)
    });
    node.stop();
}

#[test]
fn a_silent_peer_is_dropped_after_peertimeout() {
    let mut node = TestNode::start(&["-listen=1", "-bind=127.0.0.1", "-peertimeout=1"]);
    let mut peer = RawPeer::connect(&node);
    let started = Instant::now();
    assert!(peer.is_closed_by_node());
    assert!(started.elapsed() >= Duration::from_secs(1));
    node.stop();
}
