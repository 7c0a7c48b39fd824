//! One regtest block per reject reason, each built valid by sou-testkit and then broken in
//! exactly one way; the test asserts Bitcoin Core's reject reason. Then reorganisations:
//! a 3-deep one, and one onto a branch that turns out invalid.
//!
//! Every test starts from a chain of 101 blocks, so block 1's coinbase is spendable:
//!
//! ```text
//!   genesis - 1 - 2 - ... - 101        (coinbase of 1 mature at 101)
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use sou::chain::chainstate::Failure;
use sou::chain::BlockError;
use sou::primitives::block::BlockHeader;
use sou::{Amount, Block, OutPoint, Script, TxOut, Txid, Witness};
use sou_testkit::{mine, refresh_commitments, Funding, TestChain};

mod support;

/// A chain of 101 blocks and the coins of its first coinbases.
fn chain() -> (TestChain, Vec<Funding>) {
    let mut chain = TestChain::new();
    let coins = chain.mine_empty(101);
    (chain, coins)
}

fn pay(chain: &TestChain, value: i64) -> TxOut {
    TxOut {
        value: Amount::from_sat(value),
        script_pubkey: chain.script(),
    }
}

/// Processes `block` and returns Core's reject reason.
fn reason(chain: &mut TestChain, block: Block) -> String {
    let verdict = reason_of(chain, block.clone());
    support::dump(chain, &block, &verdict);
    verdict
}

fn reason_of(chain: &mut TestChain, block: Block) -> String {
    match chain.state.process_block(block) {
        Err(e) => e
            .into_block_error()
            .expect("a verdict on the block")
            .reject_reason()
            .into_owned(),
        Ok(outcome) => match outcome.invalid.first() {
            Some((_, e)) => e.reject_reason().into_owned(),
            None => panic!("block accepted: {outcome:?}"),
        },
    }
}

/// Re-mines after a change to the header or transactions.
fn remine(mut block: Block, refresh: bool) -> Block {
    if refresh {
        refresh_commitments(&mut block);
    }
    block.header.nonce = 0;
    mine(&mut block);
    block
}

/// The witness commitment is an OP_RETURN output: provably unspendable, so never a coin.
#[test]
fn spending_an_op_return_output_spends_a_missing_coin() {
    let (mut chain, _) = chain();
    let tip = chain.state.tip();
    let coinbase = &chain.state.block_ref(&tip).unwrap().txdata[0];
    assert!(coinbase.output[1].script_pubkey.is_unspendable());
    let commitment = Funding {
        outpoint: OutPoint::new(coinbase.compute_txid(), 1),
        value: Amount::ZERO,
        height: chain.state.height(),
    };
    assert!(chain.state.utxo().get(&commitment.outpoint).is_none());
    let tx = chain.spend(&commitment, vec![pay(&chain, 0)]);
    let block = chain.build_block(vec![tx], Amount::ZERO);
    assert_eq!(reason(&mut chain, block), "bad-txns-inputs-missingorspent");
}

#[test]
fn a_valid_spend_is_accepted() {
    let (mut chain, coins) = chain();
    let tx = chain.spend(&coins[0], vec![pay(&chain, 4_999_990_000)]);
    let outcome = chain
        .mine_block(vec![tx], Amount::from_sat(10_000))
        .unwrap();
    assert!(outcome.invalid.is_empty());
    assert_eq!(chain.state.height(), 102);
}

#[test]
fn high_hash() {
    let (mut chain, _) = chain();
    let mut block = chain.build_block(vec![], Amount::ZERO);
    let target =
        sou::Target::from_compact(block.header.bits, sou::Network::Regtest.params().pow_limit)
            .unwrap();
    while target.is_met_by(block.block_hash()) {
        block.header.nonce += 1;
    }
    assert_eq!(reason(&mut chain, block), "high-hash");
}

#[test]
fn bad_diffbits() {
    let (mut chain, _) = chain();
    let mut block = chain.build_block(vec![], Amount::ZERO);
    block.header.bits = sou::CompactTarget::from_consensus(0x207f_fffe);
    assert_eq!(reason(&mut chain, remine(block, false)), "bad-diffbits");
}

#[test]
fn time_too_old_and_too_new() {
    let (mut chain, _) = chain();
    let mut block = chain.build_block(vec![], Amount::ZERO);
    let tip = chain.state.entry(&chain.state.tip()).unwrap().header;
    // The median of the last 11 blocks is 5 blocks back; the test chain adds 1 s a block.
    block.header.time = tip.time - 5;
    assert_eq!(
        reason(&mut chain, remine(block.clone(), false)),
        "time-too-old"
    );
    block.header.time = u32::MAX;
    assert_eq!(reason(&mut chain, remine(block, false)), "time-too-new");
}

#[test]
fn bad_version() {
    let (mut chain, _) = chain();
    let mut block = chain.build_block(vec![], Amount::ZERO);
    block.header.version = 1;
    assert_eq!(
        reason(&mut chain, remine(block, false)),
        "bad-version(0x00000001)"
    );
}

#[test]
fn bad_txnmrklroot() {
    let (mut chain, _) = chain();
    let mut block = chain.build_block(vec![], Amount::ZERO);
    block.txdata[0].lock_time = 1;
    assert_eq!(reason(&mut chain, remine(block, false)), "bad-txnmrklroot");
}

#[test]
fn bad_txns_duplicate_cve_2012_2459() {
    // [cb, a, b] and [cb, a, b, b] share a merkle root: the second is a mutation.
    let (mut chain, coins) = chain();
    let a = chain.spend(&coins[0], vec![pay(&chain, 4_999_990_000)]);
    let b = chain.spend(&coins[1], vec![pay(&chain, 4_999_990_000)]);
    let mut block = chain.build_block(vec![a, b], Amount::from_sat(20_000));
    let last = block.txdata[2].clone();
    block.txdata.push(last);
    assert_eq!(block.compute_merkle_root().root, block.header.merkle_root);
    assert_eq!(reason(&mut chain, block), "bad-txns-duplicate");
}

#[test]
fn coinbase_rules() {
    let (mut chain, coins) = chain();
    // Missing: a spend first.
    let spend = chain.spend(&coins[0], vec![pay(&chain, 4_999_990_000)]);
    let mut block = chain.build_block(vec![], Amount::ZERO);
    block.txdata.insert(0, spend);
    assert_eq!(reason(&mut chain, remine(block, true)), "bad-cb-missing");
    // Multiple.
    let mut block = chain.build_block(vec![], Amount::ZERO);
    let second = block.txdata[0].clone();
    block.txdata.push(second);
    assert_eq!(reason(&mut chain, remine(block, true)), "bad-cb-multiple");
    // Paying more than the subsidy.
    let mut block = chain.build_block(vec![], Amount::ZERO);
    block.txdata[0].output[0].value = block.txdata[0].output[0]
        .value
        .checked_add(Amount::ONE_SAT)
        .unwrap();
    assert_eq!(reason(&mut chain, remine(block, true)), "bad-cb-amount");
    // The wrong BIP34 height.
    let mut block = chain.build_block(vec![], Amount::ZERO);
    block.txdata[0].input[0].script_sig = Script::builder().push_int(7).push_int(0).into_script();
    assert_eq!(reason(&mut chain, remine(block, true)), "bad-cb-height");
    // A script_sig of one byte.
    let mut block = chain.build_block(vec![], Amount::ZERO);
    block.txdata[0].input[0].script_sig = Script::from_bytes(vec![0x51]);
    assert_eq!(reason(&mut chain, remine(block, true)), "bad-cb-length");
}

#[test]
fn bad_txns_inputs_missingorspent() {
    let (mut chain, _) = chain();
    let ghost = Funding {
        outpoint: OutPoint::new(Txid::from_byte_array([9; 32]), 0),
        value: Amount::ONE_BTC,
        height: 1,
    };
    let tx = chain.spend(&ghost, vec![pay(&chain, 90_000_000)]);
    let block = chain.build_block(vec![tx], Amount::ZERO);
    assert_eq!(reason(&mut chain, block), "bad-txns-inputs-missingorspent");
}

#[test]
fn bad_txns_premature_spend_of_coinbase() {
    let (mut chain, coins) = chain();
    // The last coinbase has one confirmation.
    let young = coins.last().unwrap();
    let tx = chain.spend(young, vec![pay(&chain, 4_999_990_000)]);
    let block = chain.build_block(vec![tx], Amount::from_sat(10_000));
    assert_eq!(
        reason(&mut chain, block),
        "bad-txns-premature-spend-of-coinbase"
    );
}

#[test]
fn bad_txns_in_belowout_and_negative_output() {
    let (mut chain, coins) = chain();
    let tx = chain.spend(&coins[0], vec![pay(&chain, 5_000_000_001)]);
    let block = chain.build_block(vec![tx], Amount::ZERO);
    assert_eq!(reason(&mut chain, block), "bad-txns-in-belowout");
    let tx = chain.spend(&coins[0], vec![pay(&chain, -1)]);
    let block = chain.build_block(vec![tx], Amount::ZERO);
    assert_eq!(reason(&mut chain, block), "bad-txns-vout-negative");
}

#[test]
fn bad_txns_nonfinal() {
    let (mut chain, coins) = chain();
    let tx = chain.spend_with(&coins[0], vec![pay(&chain, 4_999_990_000)], |mut tx| {
        tx.lock_time = 500; // a height far above 102, with a non-final sequence
        tx
    });
    let block = chain.build_block(vec![tx], Amount::from_sat(10_000));
    assert_eq!(reason(&mut chain, block), "bad-txns-nonfinal");
}

#[test]
fn bip68_relative_lock() {
    // Version 2, sequence 150: the coin of block 1 may be spent 150 blocks after it, at
    // height 151; block 102 is too early.
    let (mut chain, coins) = chain();
    let tx = chain.spend_with(&coins[0], vec![pay(&chain, 4_999_990_000)], |mut tx| {
        tx.input[0].sequence = 150;
        tx
    });
    let block = chain.build_block(vec![tx.clone()], Amount::from_sat(10_000));
    assert_eq!(reason(&mut chain, block), "bad-txns-nonfinal");
    chain.mine_empty(49);
    let outcome = chain
        .mine_block(vec![tx], Amount::from_sat(10_000))
        .unwrap();
    assert!(outcome.invalid.is_empty(), "{outcome:?}");
    assert_eq!(chain.state.height(), 151);
}

#[test]
fn bad_blk_sigops() {
    let (mut chain, _) = chain();
    let mut block = chain.build_block(vec![], Amount::ZERO);
    // 20,001 legacy CHECKSIGs cost 80,004 > 80,000.
    block.txdata[0].output.push(TxOut {
        value: Amount::ZERO,
        script_pubkey: Script::from_bytes(vec![0xac; 20_001]),
    });
    assert_eq!(reason(&mut chain, remine(block, true)), "bad-blk-sigops");
}

#[test]
fn witness_commitment_rules() {
    let (mut chain, coins) = chain();
    let tx = chain.spend(&coins[0], vec![pay(&chain, 4_999_990_000)]);
    let fee = Amount::from_sat(10_000);
    // The commitment does not match.
    let mut block = chain.build_block(vec![tx.clone()], fee);
    let mut commitment = block.txdata[0].output[1].script_pubkey.clone().into_bytes();
    commitment[10] ^= 1;
    block.txdata[0].output[1].script_pubkey = Script::from_bytes(commitment);
    block.header.merkle_root = block.compute_merkle_root().root;
    assert_eq!(
        reason(&mut chain, remine(block, false)),
        "bad-witness-merkle-match"
    );
    // The reserved value is two items.
    let mut block = chain.build_block(vec![tx.clone()], fee);
    block.txdata[0].input[0].witness = Witness::from_items([[0u8; 32], [0u8; 32]]);
    block.header.merkle_root = block.compute_merkle_root().root;
    assert_eq!(
        reason(&mut chain, remine(block, false)),
        "bad-witness-nonce-size"
    );
    // Witness data and no commitment.
    let mut block = chain.build_block(vec![tx], fee);
    block.txdata[0].output.truncate(1);
    block.txdata[0].input[0].witness = Witness::new();
    assert_eq!(
        reason(&mut chain, remine(block, true)),
        "unexpected-witness"
    );
}

#[test]
fn bad_blk_weight() {
    let (mut chain, coins) = chain();
    // A 4 MB witness: cheap in bytes without witness, too heavy in weight.
    let mut tx = chain.spend(&coins[0], vec![pay(&chain, 4_999_990_000)]);
    let mut items: Vec<Vec<u8>> = tx.input[0].witness.to_vec();
    items.insert(0, vec![0; 4_000_000]);
    tx.input[0].witness = Witness::from_items(items);
    let block = chain.build_block(vec![tx], Amount::from_sat(10_000));
    assert_eq!(reason(&mut chain, block), "bad-blk-weight");
}

#[test]
fn script_failure() {
    let (mut chain, coins) = chain();
    let mut tx = chain.spend(&coins[0], vec![pay(&chain, 4_999_990_000)]);
    // Flip a byte inside the signature's S value.
    let mut items = tx.input[0].witness.to_vec();
    items[0][40] ^= 1;
    tx.input[0].witness = Witness::from_items(items);
    let block = chain.build_block(vec![tx], Amount::from_sat(10_000));
    assert_eq!(
        reason(&mut chain, block),
        "block-script-verify-flag-failed (Script evaluated without error but finished with a false/empty top stack element)"
    );
}

#[test]
fn parallel_and_sequential_script_checks_agree() {
    use sou::chain::chainstate::{connect_block, ConnectOptions};
    let (mut chain, coins) = chain();
    chain.mine_empty(3); // coins of heights 1-4 are then mature
                         // Four spends; the second and fourth carry a broken signature.
    let txs: Vec<_> = coins[..4]
        .iter()
        .enumerate()
        .map(|(i, coin)| {
            let mut tx = chain.spend(coin, vec![pay(&chain, 4_999_990_000)]);
            if i % 2 == 1 {
                let mut items = tx.input[0].witness.to_vec();
                items[0][40] ^= 1;
                tx.input[0].witness = Witness::from_items(items);
            }
            tx
        })
        .collect();
    let expected_txid = txs[1].compute_txid();
    let block = chain.build_block(txs, Amount::from_sat(40_000));
    let params = sou::Network::Regtest.params();
    let verdicts: Vec<BlockError> = [true, false]
        .into_iter()
        .map(|parallel| {
            let mut utxo = chain.state.utxo().clone();
            let options = ConnectOptions {
                parallel_scripts: parallel,
                ..Default::default()
            };
            let err = connect_block(
                &block,
                &block.block_hash(),
                &chain.active_view(),
                None,
                &mut utxo,
                params,
                options,
            )
            .unwrap_err()
            .into_block_error()
            .unwrap();
            assert_eq!(
                &utxo,
                chain.state.utxo(),
                "a failed connection leaves the UTXO set unchanged"
            );
            err
        })
        .collect();
    assert_eq!(verdicts[0], verdicts[1]);
    assert!(
        matches!(verdicts[0], BlockError::Script { txid, input: 0, .. } if txid == expected_txid),
        "{:?}",
        verdicts[0]
    );
}

#[test]
fn three_deep_reorg() {
    //   ... - 101 - A1 - A2 - A3          active, then overtaken
    //            \
    //             B1 - B2 - B3 - B4       more work: disconnect A3, A2, A1; connect B1..B4
    let (mut chain, _) = chain();
    let fork = chain.state.tip();
    let a: Vec<Block> = (0..3)
        .map(|_| {
            let b = chain.build_block(vec![], Amount::ZERO);
            chain.state.process_block(b.clone()).unwrap();
            b
        })
        .collect();
    let mut prev = fork;
    let mut b = Vec::new();
    for i in 0..4 {
        let block = chain.build_block_on(prev, vec![], Amount::ZERO);
        prev = block.block_hash();
        let outcome = chain.state.process_block(block.clone()).unwrap();
        if i < 3 {
            assert_eq!(
                chain.state.tip(),
                a[2].block_hash(),
                "B{} must not win yet",
                i + 1
            );
        } else {
            assert_eq!(
                outcome.disconnected,
                a.iter().rev().map(Block::block_hash).collect::<Vec<_>>()
            );
            assert_eq!(outcome.connected.len(), 4);
        }
        b.push(block);
    }
    assert_eq!(chain.state.tip(), b[3].block_hash());
    assert_eq!(chain.state.height(), 105);
}

#[test]
fn reorg_onto_an_invalid_branch_returns_to_the_valid_one() {
    //   ... - 101 - A1 - A2                  active
    //            \
    //             B1 - B2* - B3              B2 overpays its coinbase: found only when
    //                                        connecting; B2, B3 marked invalid, back to A2
    let (mut chain, _) = chain();
    let fork = chain.state.tip();
    for _ in 0..2 {
        chain.mine_block(vec![], Amount::ZERO).unwrap();
    }
    let a2 = chain.state.tip();
    let utxo_before = chain.state.utxo().clone();
    let b1 = chain.build_block_on(fork, vec![], Amount::ZERO);
    chain.state.process_block(b1.clone()).unwrap();
    let mut b2 = chain.build_block_on(b1.block_hash(), vec![], Amount::ZERO);
    b2.txdata[0].output[0].value = Amount::from_sat(5_000_000_001);
    let b2 = remine(b2, true);
    chain.state.process_block(b2.clone()).unwrap();
    let b3 = chain.build_block_on(b2.block_hash(), vec![], Amount::ZERO);
    let outcome = chain.state.process_block(b3.clone()).unwrap();
    assert_eq!(outcome.invalid.len(), 1);
    assert_eq!(outcome.invalid[0].0, b2.block_hash());
    assert_eq!(outcome.invalid[0].1.reject_reason(), "bad-cb-amount");
    assert!(matches!(
        outcome.invalid[0].1,
        BlockError::BadCoinbaseAmount { .. }
    ));
    assert_eq!(chain.state.tip(), a2);
    assert_eq!(
        chain.state.utxo(),
        &utxo_before,
        "back on A2 with its exact UTXO set"
    );
    assert_eq!(
        chain.state.entry(&b2.block_hash()).unwrap().failure,
        Some(Failure::Invalid)
    );
    assert_eq!(
        chain.state.entry(&b3.block_hash()).unwrap().failure,
        Some(Failure::InvalidParent)
    );
    // A child of the invalid branch is refused at once (its proof of work is checked
    // first, as in Core, so it is a properly mined block).
    let b4 = chain.build_block_on(b3.block_hash(), vec![], Amount::ZERO);
    let b4_header: BlockHeader = b4.header;
    assert_eq!(
        chain
            .state
            .accept_header(&b4_header)
            .unwrap_err()
            .reject_reason(),
        "bad-prevblk"
    );
}

#[test]
fn bad_txns_bip30() {
    // Before BIP34 two coinbases could be identical, and the second would overwrite the
    // first's unspent outputs (it happened twice on mainnet, blocks 91842 and 91880).
    // Regtest with BIP34 buried at height 1000:
    //   ... - 10 - 11 (coinbase copied from 10)  -> bad-txns-BIP30
    let mut params = sou::Network::Regtest.params().clone();
    params.deployments.bip34_height = 1000;
    let params: &'static sou::Params = Box::leak(Box::new(params));
    let key = sou::SecretKey::from_byte_array([3; 32]).unwrap();
    let mut chain = TestChain::with_params(params, key);
    chain.mine_empty(10);
    let tip = chain.state.tip();
    let copied = chain.state.block_ref(&tip).unwrap().txdata[0].clone();
    let mut block = chain.build_block(vec![], Amount::ZERO);
    block.txdata[0] = copied;
    assert_eq!(reason(&mut chain, remine(block, true)), "bad-txns-BIP30");
}

#[test]
fn bip30_exceptions_and_script_flags_by_height() {
    use sou::chain::consensus::{block_script_flags, enforce_bip30, is_bip30_repeat};
    use sou::script::VerifyFlags;
    let main = sou::Network::Mainnet.params();
    let h91842: sou::BlockHash = "00000000000a4d0a398161ffc163c503763b1f4360639393e0e4c8e300e0caec"
        .parse()
        .unwrap();
    assert!(is_bip30_repeat(91_842, &h91842));
    assert!(!enforce_bip30(91_842, &h91842, None, main));
    assert!(enforce_bip30(91_843, &sou::BlockHash::ZERO, None, main));
    // Once the chain holds Core's BIP34 block, BIP30 is implied, until BIP34_IMPLIES_BIP30_LIMIT.
    let bip34 = main.deployments.bip34_hash;
    assert!(!enforce_bip30(300_000, &sou::BlockHash::ZERO, bip34, main));
    assert!(enforce_bip30(1_983_702, &sou::BlockHash::ZERO, bip34, main));

    let flags = |h| block_script_flags(h, &sou::BlockHash::ZERO, main);
    assert_eq!(
        flags(1),
        VerifyFlags::P2SH | VerifyFlags::WITNESS | VerifyFlags::TAPROOT
    );
    assert!(
        !flags(363_724).contains(VerifyFlags::DERSIG)
            && flags(363_725).contains(VerifyFlags::DERSIG)
    );
    assert!(
        !flags(388_380).contains(VerifyFlags::CHECKLOCKTIMEVERIFY)
            && flags(388_381).contains(VerifyFlags::CHECKLOCKTIMEVERIFY)
    );
    assert!(
        !flags(419_327).contains(VerifyFlags::CHECKSEQUENCEVERIFY)
            && flags(419_328).contains(VerifyFlags::CHECKSEQUENCEVERIFY)
    );
    assert!(
        !flags(481_823).contains(VerifyFlags::NULLDUMMY)
            && flags(481_824).contains(VerifyFlags::NULLDUMMY)
    );
    let bip16_exception = main.deployments.bip16_exception.unwrap();
    assert_eq!(
        block_script_flags(170_060, &bip16_exception, main),
        VerifyFlags::NONE
    );
    let taproot_exception = main.deployments.taproot_exception.unwrap();
    assert_eq!(
        block_script_flags(692_261, &taproot_exception, main)
            & (VerifyFlags::P2SH | VerifyFlags::WITNESS | VerifyFlags::TAPROOT),
        VerifyFlags::P2SH | VerifyFlags::WITNESS
    );
}
