//! Messages with fixed field values, shared by the round-trip test and the comparison
//! with Core's functional test framework (`verystable_messages.py` builds the same ones).

#![allow(dead_code, reason = "each test file uses part of the fixtures")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

use std::net::{Ipv4Addr, Ipv6Addr};

use sou_p2p::messages::compact::ShortId;
use sou_p2p::{
    AddrV2, AddrV2Message, Address, BlockLocator, BlockTransactions, BlockTransactionsRequest,
    Command, HeaderAndShortIds, Inventory, LocatorRequest, NetworkMessage, PrefilledTransaction,
    SendCmpct, ServiceFlags, TimedAddress, VersionMessage,
};
use sou_primitives::{
    Amount, Block, BlockHash, BlockHeader, CompactTarget, Network, OutPoint, Script, Transaction,
    TxIn, TxMerkleNode, TxOut, Txid, Witness, Wtxid,
};

/// Regtest's magic, which every comparison frames with.
pub fn regtest_magic() -> [u8; 4] {
    Network::Regtest.params().magic
}

/// A hash whose 32 bytes are all `byte` (Python: `bytes([byte]) * 32`).
pub fn hash(byte: u8) -> [u8; 32] {
    [byte; 32]
}

/// A segwit transaction: one input with a two-item witness, two outputs.
pub fn segwit_tx() -> Transaction {
    Transaction {
        version: 2,
        input: vec![TxIn {
            previous_output: OutPoint::new(Txid::from_byte_array(hash(0x11)), 1),
            script_sig: Script::from_bytes(Vec::new()),
            sequence: 0xffff_fffd,
            witness: Witness::from_items([vec![0x30; 71], vec![0x02; 33]]),
        }],
        output: vec![
            TxOut {
                value: Amount::from_sat(49_990_000),
                script_pubkey: Script::from_bytes([vec![0x00, 0x14], vec![0xab; 20]].concat()),
            },
            TxOut {
                value: Amount::from_sat(10_000),
                script_pubkey: Script::from_bytes(vec![0x6a, 0x01, 0x2a]),
            },
        ],
        lock_time: 101,
    }
}

/// A legacy transaction: one input with a script signature, one output.
pub fn legacy_tx() -> Transaction {
    Transaction {
        version: 1,
        input: vec![TxIn {
            previous_output: OutPoint::new(Txid::from_byte_array(hash(0x22)), 0),
            script_sig: Script::from_bytes(vec![0x51]),
            sequence: 0xffff_ffff,
            witness: Witness::default(),
        }],
        output: vec![TxOut {
            value: Amount::from_sat(5_000_000_000),
            script_pubkey: Script::from_bytes(vec![0x51]),
        }],
        lock_time: 0,
    }
}

/// A header with every field set to something recognisable.
pub fn header() -> BlockHeader {
    BlockHeader {
        version: 0x2000_0000,
        prev_blockhash: BlockHash::from_byte_array(hash(0x33)),
        merkle_root: TxMerkleNode::from_byte_array(hash(0x44)),
        time: 1_700_000_000,
        bits: CompactTarget::from_consensus(0x207f_ffff),
        nonce: 7,
    }
}

/// Regtest's genesis block.
pub fn genesis() -> Block {
    Network::Regtest.params().genesis_block()
}

/// The compact block in the comparison: two short ids, the coinbase and one other
/// transaction prefilled at indexes 0 and 3.
pub fn compact_block() -> HeaderAndShortIds {
    HeaderAndShortIds::new(
        header(),
        0x0102_0304_0506_0708,
        vec![
            ShortId::from_siphash(1),
            ShortId::from_siphash(0x0000_ffff_ffff_ffff),
        ],
        vec![
            PrefilledTransaction {
                index: 0,
                tx: legacy_tx(),
            },
            PrefilledTransaction {
                index: 3,
                tx: segwit_tx(),
            },
        ],
    )
    .unwrap()
}

/// Every message type sou knows, plus an unknown one, each with its name in the
/// Python script.
pub fn fixtures() -> Vec<(&'static str, NetworkMessage)> {
    let services = ServiceFlags::NETWORK | ServiceFlags::WITNESS;
    vec![
        (
            "version",
            NetworkMessage::Version(VersionMessage {
                version: 70016,
                services,
                timestamp: 1_700_000_000,
                addr_recv: Address::from_ipv4(
                    ServiceFlags::NETWORK,
                    Ipv4Addr::new(127, 0, 0, 1),
                    18444,
                ),
                // The Python framework writes its own address as IPv4 0.0.0.0
                // (`::ffff:0.0.0.0`); Core writes `CService{}` (all zeros).
                addr_from: Address::from_ipv4(services, Ipv4Addr::UNSPECIFIED, 0),
                nonce: 0x0123_4567_89ab_cdef,
                user_agent: b"/sou:0.1.0/".to_vec(),
                start_height: 123,
                relay: true,
            }),
        ),
        ("verack", NetworkMessage::Verack),
        ("wtxidrelay", NetworkMessage::WtxidRelay),
        ("sendaddrv2", NetworkMessage::SendAddrV2),
        ("sendheaders", NetworkMessage::SendHeaders),
        (
            "sendcmpct",
            NetworkMessage::SendCmpct(SendCmpct {
                announce: true,
                version: 2,
            }),
        ),
        (
            "feefilter",
            NetworkMessage::FeeFilter(Amount::from_sat(1_000)),
        ),
        ("ping", NetworkMessage::Ping(0x1122_3344_5566_7788)),
        ("pong", NetworkMessage::Pong(0x1122_3344_5566_7788)),
        (
            "inv",
            NetworkMessage::Inv(vec![
                Inventory::Tx(Txid::from_byte_array(hash(1))),
                Inventory::WitnessTxid(Wtxid::from_byte_array(hash(2))),
                Inventory::Block(BlockHash::from_byte_array(hash(3))),
            ]),
        ),
        (
            "getdata",
            NetworkMessage::GetData(vec![
                Inventory::WitnessTx(Txid::from_byte_array(hash(4))),
                Inventory::WitnessBlock(BlockHash::from_byte_array(hash(5))),
                Inventory::CompactBlock(BlockHash::from_byte_array(hash(6))),
                Inventory::FilteredBlock(BlockHash::from_byte_array(hash(7))),
            ]),
        ),
        (
            "notfound",
            NetworkMessage::NotFound(vec![Inventory::WitnessTxid(Wtxid::from_byte_array(hash(
                8,
            )))]),
        ),
        (
            "getheaders",
            NetworkMessage::GetHeaders(LocatorRequest {
                // The Python framework writes 0 where Core writes 70016; nobody reads it.
                locator: BlockLocator {
                    version: 0,
                    hashes: vec![
                        BlockHash::from_byte_array(hash(9)),
                        BlockHash::from_byte_array(hash(10)),
                        BlockHash::from_byte_array(hash(11)),
                    ],
                },
                hash_stop: BlockHash::ZERO,
            }),
        ),
        (
            "getblocks",
            NetworkMessage::GetBlocks(LocatorRequest {
                locator: BlockLocator {
                    version: 0,
                    hashes: vec![BlockHash::from_byte_array(hash(12))],
                },
                hash_stop: BlockHash::from_byte_array(hash(13)),
            }),
        ),
        (
            "headers",
            NetworkMessage::Headers(vec![genesis().header, header()]),
        ),
        ("block", NetworkMessage::Block(genesis())),
        ("tx", NetworkMessage::Tx(segwit_tx())),
        (
            "addr",
            NetworkMessage::Addr(vec![
                TimedAddress {
                    time: 1_700_000_001,
                    address: Address::from_ipv4(services, Ipv4Addr::new(1, 2, 3, 4), 8333),
                },
                TimedAddress {
                    time: 1_700_000_002,
                    address: Address::from_ipv4(
                        ServiceFlags::NETWORK_LIMITED | ServiceFlags::WITNESS,
                        Ipv4Addr::new(203, 0, 113, 9),
                        18444,
                    ),
                },
            ]),
        ),
        (
            "addrv2",
            NetworkMessage::AddrV2(vec![
                addrv2(1, AddrV2::Ipv4(Ipv4Addr::new(1, 2, 3, 4)), 8333),
                addrv2(
                    2,
                    AddrV2::Ipv6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1)),
                    8333,
                ),
                addrv2(3, AddrV2::TorV3(hash(0x55)), 9050),
                addrv2(4, AddrV2::I2p(hash(0x66)), 0),
                addrv2(
                    5,
                    AddrV2::Cjdns(Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 1).octets()),
                    8333,
                ),
            ]),
        ),
        ("getaddr", NetworkMessage::GetAddr),
        ("mempool", NetworkMessage::Mempool),
        ("cmpctblock", NetworkMessage::CmpctBlock(compact_block())),
        (
            "getblocktxn",
            NetworkMessage::GetBlockTxn(
                BlockTransactionsRequest::new(
                    BlockHash::from_byte_array(hash(14)),
                    vec![1, 2, 5, 300],
                )
                .unwrap(),
            ),
        ),
        (
            "blocktxn",
            NetworkMessage::BlockTxn(BlockTransactions {
                block_hash: BlockHash::from_byte_array(hash(15)),
                transactions: vec![segwit_tx(), legacy_tx()],
            }),
        ),
        (
            "unknown",
            NetworkMessage::Unknown {
                command: Command::new("sendtxrcncl").unwrap(),
                payload: vec![1, 0, 0, 0, 0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x01],
            },
        ),
    ]
}

/// An `addrv2` entry whose services are NODE_NETWORK | NODE_WITNESS and time
/// 1,700,000,000 plus `n`.
fn addrv2(n: u32, addr: AddrV2, port: u16) -> AddrV2Message {
    AddrV2Message {
        time: 1_700_000_000 + n,
        services: ServiceFlags::NETWORK | ServiceFlags::WITNESS,
        addr,
        port,
    }
}
