//! The `bitcoincore-rpc` crate (0.19) driving `soud` with cookie authentication: mining,
//! typed reads of blocks, headers, coins and chain tips, `getblockchaininfo`, and
//! invalidate/reconsider; the same checks against `bitcoind` when it is at hand.

use std::path::Path;
use std::str::FromStr;

use bitcoincore_rpc::bitcoin::{self, Address, BlockHash, Network};
use bitcoincore_rpc::json::{GetChainTipsResultStatus, ScriptPubkeyType};
use bitcoincore_rpc::{Auth, Client, RpcApi};
use serde_json::{json, Value};

use crate::core_node::CoreNode;
use crate::skipped;
use crate::support::{TestNode, BURN_ADDRESS};

/// A `bitcoincore-rpc` client with the node's cookie, as a user would configure it.
fn crate_client(url: &str, cookie: &Path) -> Client {
    Client::new(url, Auth::CookieFile(cookie.to_path_buf())).expect("the cookie file reads")
}

fn soud_client(node: &TestNode) -> Client {
    crate_client(&node.url(), &node.datadir.join("regtest").join(".cookie"))
}

fn burn_address() -> Address {
    Address::from_str(BURN_ADDRESS)
        .unwrap()
        .require_network(Network::Regtest)
        .unwrap()
}

/// Mines 101 blocks on a fresh chain through the crate; their hashes, height 1 first.
fn mine_101(rpc: &Client) -> Vec<BlockHash> {
    assert_eq!(rpc.get_block_count().unwrap(), 0, "a fresh chain");
    let hashes = rpc.generate_to_address(101, &burn_address()).unwrap();
    assert_eq!(hashes.len(), 101);
    hashes
}

/// The reads a wallet or an explorer makes, typed and decoded.
fn check_reads(rpc: &Client, hashes: &[BlockHash]) {
    let tip = hashes[100];
    assert_eq!(rpc.get_block_count().unwrap(), 101);
    assert_eq!(rpc.get_best_block_hash().unwrap(), tip);
    for (i, hash) in hashes.iter().enumerate() {
        assert_eq!(
            rpc.get_block_hash(i as u64 + 1).unwrap(),
            *hash,
            "height {}",
            i + 1
        );
    }
    let genesis = rpc.get_block_hash(0).unwrap();
    assert_eq!(
        genesis.to_string(),
        "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206"
    );

    // getblock 0, decoded by rust-bitcoin: the bytes hash to the hash asked for, link to
    // the parent, and commit to their transactions.
    for height in [1usize, 50, 101] {
        let hash = hashes[height - 1];
        let block = rpc.get_block(&hash).unwrap();
        assert_eq!(block.block_hash(), hash, "height {height}");
        let parent = if height == 1 {
            genesis
        } else {
            hashes[height - 2]
        };
        assert_eq!(block.header.prev_blockhash, parent);
        assert!(block.check_merkle_root(), "height {height}");
        assert_eq!(block.txdata.len(), 1);
        assert!(block.txdata[0].is_coinbase());
        assert_eq!(
            block.txdata[0].output[0].script_pubkey,
            burn_address().script_pubkey()
        );
        // BIP34: the coinbase starts with the height. rust-bitcoin reads a pushed number
        // only, and Core writes heights 1 to 16 as OP_1..OP_16.
        if height > 16 {
            assert_eq!(block.bip34_block_height().unwrap(), height as u64);
        }
    }

    // getblock 1 and getblockheader true, typed.
    let info = rpc.get_block_info(&hashes[49]).unwrap();
    assert_eq!(info.hash, hashes[49]);
    assert_eq!(info.height, 50);
    assert_eq!(info.confirmations, 52);
    assert_eq!(info.n_tx, 1);
    assert_eq!(info.tx.len(), 1);
    assert_eq!(info.previousblockhash, Some(hashes[48]));
    assert_eq!(info.nextblockhash, Some(hashes[50]));
    assert_eq!(info.bits, "207fffff");
    let header = rpc.get_block_header_info(&hashes[49]).unwrap();
    assert_eq!(header.hash, hashes[49]);
    assert_eq!(header.height, 50);
    assert_eq!(header.confirmations, 52);
    assert_eq!(header.merkle_root, info.merkleroot);
    assert_eq!(header.previous_block_hash, Some(hashes[48]));
    assert_eq!(header.next_block_hash, Some(hashes[50]));
    assert_eq!(header.chainwork, info.chainwork);
    let tip_header = rpc.get_block_header_info(&tip).unwrap();
    assert_eq!(tip_header.confirmations, 1);
    assert_eq!(tip_header.next_block_hash, None);
    // getblockheader false, decoded.
    let raw_header = rpc.get_block_header(&hashes[49]).unwrap();
    assert_eq!(raw_header.block_hash(), hashes[49]);

    // gettxout: the first coinbase is mature at 101 blocks.
    let coinbase = info_txid(rpc, &hashes[0]);
    let out = rpc
        .get_tx_out(&coinbase, 0, None)
        .unwrap()
        .expect("unspent");
    assert_eq!(out.bestblock, tip);
    assert_eq!(out.confirmations, 101);
    assert_eq!(out.value, bitcoin::Amount::from_btc(50.0).unwrap());
    assert!(out.coinbase);
    assert_eq!(
        out.script_pub_key.type_,
        Some(ScriptPubkeyType::Witness_v0_KeyHash)
    );
    assert_eq!(
        out.script_pub_key.hex,
        burn_address().script_pubkey().to_bytes()
    );
    assert_eq!(
        out.script_pub_key
            .address
            .clone()
            .map(|a| a.assume_checked().to_string()),
        Some(BURN_ADDRESS.to_string())
    );
    // No such output: null, which the crate turns into `None`.
    assert!(rpc.get_tx_out(&coinbase, 7, None).unwrap().is_none());

    // An error comes back as Core's code and message.
    match rpc.get_block_hash(1000) {
        Err(bitcoincore_rpc::Error::JsonRpc(bitcoincore_rpc::jsonrpc::error::Error::Rpc(e))) => {
            assert_eq!(e.code, -8);
            assert_eq!(e.message, "Block height out of range");
        }
        other => panic!("getblockhash 1000: {other:?}"),
    }
}

fn info_txid(rpc: &Client, hash: &BlockHash) -> bitcoin::Txid {
    rpc.get_block_info(hash).unwrap().tx[0]
}

/// `getblockchaininfo` through the crate. The crate first asks `getnetworkinfo` for the
/// server's version and, below 190000 (0.19.0), expects the 0.18 layout
/// (`bip9_softforks`): a server must report a Core-like version for it to work.
fn check_blockchain_info(rpc: &Client, hashes: &[BlockHash]) {
    let version = rpc.version().unwrap();
    let info = rpc.get_blockchain_info().unwrap_or_else(|e| {
        panic!(
            "getblockchaininfo through bitcoincore-rpc (getnetworkinfo version {version}): {e:?}"
        )
    });
    assert_eq!(info.chain, Network::Regtest);
    assert_eq!(info.blocks, 101);
    assert_eq!(info.headers, 101);
    assert_eq!(info.best_block_hash, hashes[100]);
    assert!(!info.initial_block_download);
    assert!(!info.pruned);
    assert!(info.size_on_disk > 0);
    // 102 blocks of work 2 each on regtest: 0xcc.
    assert_eq!(info.chain_work.last(), Some(&0xcc));
}

/// invalidateblock and reconsiderblock, and getchaintips in between.
fn check_invalidate_reconsider(rpc: &Client, hashes: &[BlockHash]) {
    //   ... - 99 - 100 - 101          invalidate 100:  ... - 99 (active)
    //                                                         \ 100 - 101 (invalid)
    rpc.invalidate_block(&hashes[99]).unwrap();
    assert_eq!(rpc.get_block_count().unwrap(), 99);
    assert_eq!(rpc.get_best_block_hash().unwrap(), hashes[98]);
    let tips = rpc.get_chain_tips().unwrap();
    assert_eq!(tips.len(), 2, "{tips:?}");
    let active = tips
        .iter()
        .find(|t| t.status == GetChainTipsResultStatus::Active)
        .unwrap();
    assert_eq!(
        (active.height, active.hash, active.branch_length),
        (99, hashes[98], 0)
    );
    let invalid = tips
        .iter()
        .find(|t| t.status == GetChainTipsResultStatus::Invalid)
        .unwrap();
    assert_eq!(
        (invalid.height, invalid.hash, invalid.branch_length),
        (101, hashes[100], 2)
    );
    // The invalidated block is still there to read, off the active chain.
    let header = rpc.get_block_header_info(&hashes[99]).unwrap();
    assert_eq!(header.confirmations, -1);

    rpc.reconsider_block(&hashes[99]).unwrap();
    assert_eq!(rpc.get_best_block_hash().unwrap(), hashes[100]);
    let tips = rpc.get_chain_tips().unwrap();
    assert_eq!(tips.len(), 1, "{tips:?}");
    assert_eq!(tips[0].status, GetChainTipsResultStatus::Active);
    assert_eq!(tips[0].hash, hashes[100]);
}

/// The typed structs against the untyped reply: every field the crate reads is there with
/// the crate's type. (A field the typed structs cannot read would be read here with
/// `call::<Value>`; with bitcoind v31.99 and soud none was needed.)
fn check_untyped(rpc: &Client, hashes: &[BlockHash]) {
    let block: Value = rpc
        .call("getblock", &[json!(hashes[0].to_string()), json!(1)])
        .unwrap();
    for key in [
        "hash",
        "confirmations",
        "size",
        "strippedsize",
        "weight",
        "height",
        "version",
        "versionHex",
        "merkleroot",
        "tx",
        "time",
        "mediantime",
        "nonce",
        "bits",
        "difficulty",
        "chainwork",
        "nTx",
        "previousblockhash",
        "nextblockhash",
    ] {
        assert!(block.get(key).is_some(), "getblock has no {key}: {block}");
    }
    let tips: Value = rpc.call("getchaintips", &[]).unwrap();
    assert_eq!(tips[0]["status"], "active");
}

#[test]
fn bitcoincore_rpc_mines_and_reads_the_chain() {
    let node = TestNode::start(&[]);
    let rpc = soud_client(&node);
    let hashes = mine_101(&rpc);
    check_reads(&rpc, &hashes);
    check_untyped(&rpc, &hashes);
}

#[test]
fn bitcoincore_rpc_get_blockchain_info() {
    let node = TestNode::start(&[]);
    let rpc = soud_client(&node);
    let hashes = mine_101(&rpc);
    check_blockchain_info(&rpc, &hashes);
}

#[test]
fn bitcoincore_rpc_invalidates_and_reconsiders() {
    let node = TestNode::start(&[]);
    let rpc = soud_client(&node);
    let hashes = mine_101(&rpc);
    check_invalidate_reconsider(&rpc, &hashes);
}

/// The same checks against a real bitcoind: they are Core's behaviour, not sou's.
#[test]
fn bitcoincore_rpc_checks_hold_against_bitcoind() {
    let Some(core) = CoreNode::start() else {
        skipped("BITCOIND not set");
        return;
    };
    let rpc = crate_client(&core.url(), &core.cookie_path());
    let hashes = mine_101(&rpc);
    check_reads(&rpc, &hashes);
    check_untyped(&rpc, &hashes);
    check_blockchain_info(&rpc, &hashes);
    check_invalidate_reconsider(&rpc, &hashes);
}
