//! Blocks built here rather than by soud: mined by hand on any parent, and broken one rule
//! at a time, to check that both nodes give the same verdict on each.

use serde_json::json;
use sou_chain::consensus::{bip34_height_script, block_subsidy};
use sou_keys::Address;
use sou_miner::template::{coinbase, finish_block};
use sou_primitives::encoding::serialize;
use sou_primitives::network::REGTEST;
use sou_primitives::{
    Amount, Block, BlockHash, CompactTarget, OutPoint, Script, Target, Transaction, Txid, Witness,
};
use sou_script::PrecomputedTransactionData;
use sou_wallet::{sign, SpendInfo};

use crate::coins::{coin_of, pay, spend, unsigned, Coin, Keys};
use crate::compare::Pair;
use crate::questions::compare_blocks;
use crate::BURN;

/// One bitcoin in satoshis, what most transactions in the broken blocks pay.
const BTC_SAT: i64 = 100_000_000;

/// Tries nonces until the header meets its target (one try in two on regtest).
fn mine(block: &mut Block) {
    let target = Target::from_compact(block.header.bits, REGTEST.pow_limit).unwrap();
    while !target.is_met_by(block.header.block_hash()) {
        block.header.nonce = block.header.nonce.wrapping_add(1);
    }
}

/// Changes the nonce until the header misses its target.
fn unmine(block: &mut Block) {
    let target = Target::from_compact(block.header.bits, REGTEST.pow_limit).unwrap();
    while target.is_met_by(block.header.block_hash()) {
        block.header.nonce = block.header.nonce.wrapping_add(1);
    }
}

/// A block on `parent` (at `height - 1`) paying `payout`, with `txs`, mined.
pub(crate) fn child_block(
    parent: &Block,
    height: u32,
    payout: &Address,
    txs: Vec<Transaction>,
) -> Block {
    let subsidy = block_subsidy(height, &REGTEST);
    let mut block = Block {
        header: parent.header,
        txdata: vec![coinbase(height, 7, subsidy, &payout.script_pubkey())],
    };
    block.header.prev_blockhash = parent.block_hash();
    block.header.time = parent.header.time + 1;
    block.txdata.extend(txs);
    finish_block(&mut block);
    mine(&mut block);
    block
}

/// Recomputes the commitments and mines again after a change.
fn remake(mut block: Block) -> Block {
    finish_block(&mut block);
    mine(&mut block);
    block
}

/// Blocks that break one rule each, built on the tip from soud's own template; each sent
/// twice. Both nodes must give the same verdict each time.
///
/// Returns the valid block the broken ones were made from (not submitted).
pub(crate) fn broken_blocks(
    pair: &mut Pair,
    keys: &Keys,
    mined: &[Block],
    spendable: &Coin,
    spent: &Coin,
) -> Block {
    let tip_block = mined.last().unwrap();
    let base = pair.template(BURN, &[]);
    let height = pair.sou.rpc("getblockcount", json!([])).as_u64().unwrap() as u32 + 1;
    let mut cases: Vec<(&str, Block)> = Vec::new();

    let mut b = base.clone();
    b.txdata[0].output[0].value = Amount::from_sat(b.txdata[0].output[0].value.to_sat() + 1);
    cases.push(("coinbase pays one satoshi too much", remake(b)));

    let mut b = base.clone();
    b.header.merkle_root = sou_primitives::TxMerkleNode::from_byte_array([0x11; 32]);
    mine(&mut b);
    cases.push(("wrong merkle root", b));

    let missing = unsigned(
        &[OutPoint::new(Txid::from_byte_array([0x42; 32]), 0)],
        vec![pay(&keys.p2wpkh(), BTC_SAT)],
    );
    let mut b = base.clone();
    b.txdata.push(missing);
    cases.push(("spends a coin that never existed", remake(b)));

    let again = unsigned(&[spent.outpoint], vec![pay(&keys.p2wpkh(), BTC_SAT)]);
    let mut b = base.clone();
    b.txdata.push(again);
    cases.push(("spends a coin spent in block 111", remake(b)));

    let mut b = base.clone();
    let both_spend = spend(&[spendable], vec![pay(&keys.p2pkh(), BTC_SAT)]);
    let both_spend2 = spend(&[spendable], vec![pay(&keys.p2tr(), BTC_SAT)]);
    b.txdata.push(both_spend);
    b.txdata.push(both_spend2);
    cases.push(("two transactions spend the same coin", remake(b)));

    let mut b = base.clone();
    let mut wrong_key = spendable.clone();
    wrong_key.spend = Some(SpendInfo::P2wpkh(keys.pkh.clone()));
    let mut tx = unsigned(&[spendable.outpoint], vec![pay(&keys.p2pkh(), BTC_SAT)]);
    let precomputed = PrecomputedTransactionData::new(&tx, vec![spendable.output.clone()]);
    sign::sign_input(&mut tx, 0, wrong_key.spend.as_ref().unwrap(), &precomputed).unwrap();
    b.txdata.push(tx);
    cases.push(("P2WPKH witness with another key", remake(b)));

    let mut b = base.clone();
    let mut tx = spend(&[spendable], vec![pay(&keys.p2pkh(), BTC_SAT)]);
    tx.output[0].value = Amount::from_sat(BTC_SAT - 1); // the signature no longer matches
    b.txdata.push(tx);
    cases.push(("signature over other outputs", remake(b)));

    let mut b = base.clone();
    b.txdata.push(unsigned(
        &[spendable.outpoint],
        vec![pay(&keys.p2pkh(), spendable.output.value.to_sat() + 1)],
    ));
    cases.push(("outputs exceed inputs", remake(b)));

    let mut b = base.clone();
    let young = coin_of(&tip_block.txdata[0], 0, None);
    b.txdata.push(unsigned(
        &[young.outpoint],
        vec![pay(&keys.p2pkh(), BTC_SAT)],
    ));
    cases.push(("spends a coinbase 1 block old", remake(b)));

    let mut b = base.clone();
    let mut tx = unsigned(&[spendable.outpoint], vec![pay(&keys.p2pkh(), BTC_SAT)]);
    tx.lock_time = 1_000;
    tx.input[0].sequence = 0;
    b.txdata.push(tx);
    cases.push(("lock time in the future", remake(b)));

    let mut b = base.clone();
    let mut script = b.txdata[0].input[0].script_sig.clone().into_bytes();
    let right = bip34_height_script(height).len();
    script.splice(..right, bip34_height_script(height + 1).into_bytes());
    b.txdata[0].input[0].script_sig = Script::from_bytes(script);
    cases.push(("coinbase names the wrong height", remake(b)));

    let mut b = base.clone();
    let second = b.txdata[0].clone();
    b.txdata.push(second);
    cases.push(("two coinbases", remake(b)));

    let mut b = base.clone();
    b.txdata.remove(0);
    b.txdata
        .push(spend(&[spendable], vec![pay(&keys.p2pkh(), BTC_SAT)]));
    cases.push(("no coinbase", remake(b)));

    // [coinbase, x, y, y]: the same merkle root as [coinbase, x, y] (CVE-2012-2459).
    let mut b = base.clone();
    let missing = |byte| OutPoint::new(Txid::from_byte_array([byte; 32]), 0);
    let y = unsigned(&[missing(0x44)], vec![pay(&keys.p2pkh(), BTC_SAT)]);
    b.txdata.push(unsigned(
        &[missing(0x43)],
        vec![pay(&keys.p2pkh(), BTC_SAT)],
    ));
    b.txdata.push(y.clone());
    b.txdata.push(y);
    cases.push(("the last transaction twice (merkle mutation)", remake(b)));

    let mut b = base.clone();
    let commitment = b.witness_commitment_index().unwrap();
    let mut bad = b.txdata[0].output[commitment]
        .script_pubkey
        .clone()
        .into_bytes();
    let last = bad.len() - 1;
    bad[last] ^= 1;
    b.txdata[0].output[commitment].script_pubkey = Script::from_bytes(bad);
    b.txdata
        .push(spend(&[spendable], vec![pay(&keys.p2pkh(), BTC_SAT)]));
    b.header.merkle_root = b.compute_merkle_root().root;
    mine(&mut b);
    cases.push(("wrong witness commitment", b));

    let mut b = base.clone();
    unmine(&mut b);
    cases.push(("hash above the target", b));

    let mut b = base.clone();
    b.header.prev_blockhash = BlockHash::from_byte_array([0x42; 32]);
    mine(&mut b);
    cases.push(("unknown parent", b));

    let mut b = base.clone();
    b.header.bits = CompactTarget::from_consensus(0x207f_fffe);
    mine(&mut b);
    cases.push(("wrong nBits", b));

    let mut b = base.clone();
    b.header.time = tip_block.header.time.saturating_sub(3_600);
    mine(&mut b);
    cases.push(("time before the median of the last 11", b));

    let mut b = base.clone();
    b.header.time = base.header.time + 3 * 3_600;
    mine(&mut b);
    cases.push(("time three hours ahead", b));

    let mut b = base.clone();
    b.header.version = 1;
    mine(&mut b);
    cases.push(("version 1 after BIP34/65/66", b));

    for (what, block) in &cases {
        let hex = hex::encode(serialize(block));
        let first = pair.both("submitblock", json!([hex]));
        let second = pair.both("submitblock", json!([hex]));
        println!(
            "  broken block {}, {what}: bitcoind says {first} then {second}",
            block.block_hash()
        );
    }

    // The broken blocks that reached the block index are tips now; their headers and any
    // data kept must read the same.
    let hashes: Vec<String> = cases
        .iter()
        .map(|(_, b)| b.block_hash().to_string())
        .collect();
    compare_blocks(pair, &hashes);

    base
}

/// A valid block whose coinbase lacks the witness reserved value: Core's submitblock fills
/// it in (`UpdateUncommittedBlockStructures`) and takes the block. Last, as a different
/// verdict forks the two nodes.
pub(crate) fn uncommitted_coinbase(pair: &mut Pair, base: &Block) {
    let mut b = base.clone();
    b.txdata[0].input[0].witness = Witness::new();
    let verdict = pair.both("submitblock", json!([hex::encode(serialize(&b))]));
    println!("coinbase without its witness reserved value: bitcoind says {verdict}");
    pair.both("getbestblockhash", json!([]));
}
