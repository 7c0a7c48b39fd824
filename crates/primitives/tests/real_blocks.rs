//! Real blocks from `testdata/blocks` (mainnet, testnet, btcd's test chain and a regtest
//! chain Core mined): each decodes and re-encodes byte for byte, and its
//! header hash, merkle root and witness commitment agree with what it carries.

use sou_primitives::encoding::{deserialize, serialize};
use sou_primitives::script::Instruction;
use sou_primitives::{Block, BlockHash, Network, Script, Txid, Weight, Wtxid};
use sou_testdata::{hex_lines, read, read_to_string, MODERN_MAINNET_BLOCK, TESTNET_BLOCK};

/// Decodes, re-encodes and checks the block's own commitments; returns the block.
fn check_block(label: &str, bytes: &[u8]) -> Block {
    let block: Block = deserialize(bytes).unwrap_or_else(|e| panic!("{label}: {e}"));
    // The ids hashed from the received bytes (two lanes) equal the ids of the
    // re-serialised transactions (one at a time).
    let (same, ids) = Block::decode_with_ids(bytes).unwrap_or_else(|e| panic!("{label}: {e}"));
    assert_eq!(same, block, "{label}: decode_with_ids decodes differently");
    for (i, (tx, id)) in block.txdata.iter().zip(&ids).enumerate() {
        assert_eq!(id.txid, tx.compute_txid(), "{label}: txid of tx {i}");
        assert_eq!(id.wtxid, tx.compute_wtxid(), "{label}: wtxid of tx {i}");
    }
    assert_eq!(serialize(&block), bytes, "{label}: re-encoding differs");
    assert_eq!(block.total_size(), bytes.len(), "{label}: total size");
    let merkle = block.compute_merkle_root();
    assert_eq!(
        merkle.root, block.header.merkle_root,
        "{label}: merkle root"
    );
    assert!(!merkle.mutated, "{label}: merkle tree reported as mutated");
    if block.txdata.iter().any(|tx| tx.has_witness()) {
        let committed = block
            .witness_commitment()
            .unwrap_or_else(|| panic!("{label}: no commitment"));
        assert_eq!(
            block.compute_witness_commitment(),
            Some(committed),
            "{label}: witness commitment"
        );
    }
    block
}

/// The height a BIP34 coinbase starts with: its first push, as a script number.
fn bip34_height(block: &Block) -> i64 {
    let script_sig: &Script = &block.txdata[0].input[0].script_sig;
    match script_sig.instructions().next() {
        Some(Ok(Instruction::Push { data, .. })) => data
            .iter()
            .rev()
            .fold(0i64, |acc, b| (acc << 8) | i64::from(*b)),
        Some(Ok(Instruction::Op(op))) => op.small_int().expect("OP_1..OP_16"),
        other => panic!("coinbase starts with {other:?}"),
    }
}

#[test]
fn mainnet_blocks_0_to_255_round_trip_and_link() {
    let blocks = hex_lines("blocks/mainnet_blocks_0-255.hex");
    let hashes = read_to_string("blocks/mainnet_blocks_0-255.hashes");
    let hashes: Vec<(usize, BlockHash)> = hashes
        .lines()
        .map(|l| {
            let (h, hash) = l.split_once(' ').expect("height hash");
            (h.parse().expect("height"), hash.parse().expect("hash"))
        })
        .collect();
    assert_eq!(blocks.len(), 256);
    assert_eq!(hashes.len(), 256);

    let mut prev = BlockHash::ZERO;
    let mut multi_tx = Vec::new();
    for (height, bytes) in blocks.iter().enumerate() {
        let label = format!("mainnet block {height}");
        let block = check_block(&label, bytes);
        assert_eq!(hashes[height].0, height);
        assert_eq!(block.block_hash(), hashes[height].1, "{label}: hash");
        assert_eq!(block.header.prev_blockhash, prev, "{label}: does not link");
        assert!(
            block.txdata[0].is_coinbase(),
            "{label}: first tx is not a coinbase"
        );
        assert_eq!(
            block.weight(),
            Weight::from_wu(4 * bytes.len() as u64),
            "{label}: weight"
        );
        if block.txdata.len() > 1 {
            multi_tx.push(height);
        }
        prev = block.block_hash();
    }
    assert_eq!(multi_tx, [170, 181, 182, 183, 187, 221, 248]);

    // Block 0 is exactly the genesis block sou builds from the chain parameters.
    let genesis = Network::Mainnet.params().genesis_block();
    assert_eq!(serialize(&genesis), blocks[0]);

    // Block 170 holds the first payment between people: Satoshi to Hal Finney.
    let block170: Block = deserialize(&blocks[170]).expect("decodes");
    let payment = &block170.txdata[1];
    let txid: Txid = "f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16"
        .parse()
        .expect("hex");
    assert_eq!(payment.compute_txid(), txid);
    assert_eq!(
        payment.compute_wtxid().to_byte_array(),
        txid.to_byte_array()
    );
    assert_eq!(
        payment.input[0].previous_output.to_string(),
        "0437cd7f8525ceed2324359c2d0ba26006d92d856a9c20fa0241106ee5a597c9:0"
    );
    assert_eq!(payment.output[0].value.to_string(), "10.00000000 BTC");
    assert_eq!(payment.output[1].value.to_string(), "40.00000000 BTC");
}

#[test]
fn modern_segwit_block() {
    let bytes = read(MODERN_MAINNET_BLOCK);
    let block = check_block("modern block", &bytes);
    assert_eq!(
        block.block_hash(),
        "000000000000000000000c835b2adcaedc20fdf6ee440009c249452c726dafae"
            .parse()
            .expect("hex")
    );
    assert_eq!(
        block.header.prev_blockhash,
        "00000000000000000009c3deb8b5e706d7be57a427f4f03f01c49d5219213b5f"
            .parse()
            .expect("hex")
    );
    assert_eq!(bytes.len(), 1_381_836);
    assert_eq!(block.txdata.len(), 2500);
    assert_eq!(
        block.txdata.iter().filter(|tx| tx.has_witness()).count(),
        2065
    );
    assert_eq!(bip34_height(&block), 702_861);
    assert!(block.weight() <= Weight::MAX_BLOCK);
    assert!(block.base_size() < bytes.len());

    // Txids and wtxids: the merkle root checked above fixes every txid and the witness
    // commitment every wtxid; the two differ exactly for transactions with witnesses.
    for tx in &block.txdata {
        let txid = tx.compute_txid();
        let wtxid = tx.compute_wtxid();
        assert_eq!(
            txid.to_byte_array() == wtxid.to_byte_array(),
            !tx.has_witness()
        );
        assert_eq!(
            tx.weight().to_wu(),
            (3 * tx.base_size() + tx.total_size()) as u64
        );
    }
    let summed: u64 = block.txdata.iter().map(|tx| tx.weight().to_wu()).sum();
    let header_and_count = 4 * (80 + 3); // 2500 transactions take a 3-byte CompactSize
    assert_eq!(block.weight().to_wu(), summed + header_and_count);
    assert!(block.header.bits.difficulty() > 1.0e13);
    let limit = Network::Mainnet.params().pow_limit;
    let target =
        sou_primitives::Target::from_compact(block.header.bits, limit).expect("valid nBits");
    assert!(target.is_met_by(block.block_hash()));
}

#[test]
fn testnet_block() {
    let bytes = read(TESTNET_BLOCK);
    let block = check_block("testnet block", &bytes);
    assert_eq!(
        block.block_hash(),
        "000000000000045e0b1660b6445b5e5c5ab63c9a4f956be7e1e69be04fa4497b"
            .parse()
            .expect("hex")
    );
    assert_eq!(bytes.len(), 4319);
    assert_eq!(block.txdata.len(), 15);
    assert_eq!(block.txdata.iter().filter(|tx| tx.has_witness()).count(), 1);
    assert_eq!(bip34_height(&block), 924_634);
}

#[test]
fn btcd_reorg_test_chain() {
    let expected = [
        (
            "reorg_blk_0_to_4.hex",
            &[
                "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f",
                "00000000ebe5ec3e94d8dfe18100e5c0f3b1955bc6107fbe24d95732b814551b",
                "00000000952ccb1bf9b799fcd0cc654dd48363f76781f8b1c61dbf1696c39f97",
                "00000000bc3589303953766cc9364130cb97bc3749bae170f476d45f1e23f850",
                "000000002f264d6504013e73b9c913de9098d4d771c1bb219af475d2a01b128e",
            ][..],
        ),
        (
            "reorg_blk_3A.hex",
            &["00000000474284d20067a4d33f6a02284e6ef70764a3a26d6a5b9df52ef663dd"][..],
        ),
        (
            "reorg_blk_4A.hex",
            &["00000000551dc04c148242d1f648802577df8cf7d4e1b469211016280204a2bf"][..],
        ),
        (
            "reorg_blk_5A.hex",
            &["00000000195f85184e77c18914bd0febd11278d950f5e4731a38f71ed79f044e"][..],
        ),
    ];
    for (file, hashes) in expected {
        let lines = hex_lines(&format!("blocks/{file}"));
        assert_eq!(lines.len(), hashes.len(), "{file}");
        for (bytes, hash) in lines.iter().zip(hashes) {
            let block = check_block(file, bytes);
            assert_eq!(block.block_hash().to_string(), *hash, "{file}");
        }
    }
}

#[test]
fn regtest_chain_mined_by_core() {
    let main = hex_lines("blocks/regtest_main_1-102.hex");
    let fork = hex_lines("blocks/regtest_fork_101-103.hex");
    assert_eq!((main.len(), fork.len()), (102, 3));
    let mut prev = Network::Regtest.params().genesis_hash;
    let mut by_height = vec![prev];
    for (i, bytes) in main.iter().enumerate() {
        let block = check_block(&format!("regtest block {}", i + 1), bytes);
        assert_eq!(block.header.prev_blockhash, prev);
        assert_eq!(bip34_height(&block), i as i64 + 1);
        prev = block.block_hash();
        by_height.push(prev);
    }
    let mut prev = by_height[100];
    for (i, bytes) in fork.iter().enumerate() {
        let block = check_block(&format!("regtest fork block {}", i + 101), bytes);
        assert_eq!(block.header.prev_blockhash, prev);
        prev = block.block_hash();
    }
    // Block 102 spends block 1's coinbase to P2WPKH, with a witness.
    let block102: Block = deserialize(&main[101]).expect("decodes");
    let spend = &block102.txdata[1];
    assert!(spend.has_witness());
    let coinbase1: Block = deserialize(&main[0]).expect("decodes");
    assert_eq!(
        spend.input[0].previous_output.txid,
        coinbase1.txdata[0].compute_txid()
    );
    assert_ne!(
        spend.compute_wtxid(),
        Wtxid::from_byte_array(spend.compute_txid().to_byte_array())
    );
}
