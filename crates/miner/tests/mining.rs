//! sou-miner: the real mainnet block 1 re-mined, templates that pass sou-chain's full
//! validation, package selection and limits, kernels in agreement, prompt cancellation.

#![allow(
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    reason = "test code"
)]

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use sou_chain::consensus::{check_block, contextual_check_block, CheckBlockOptions};
use sou_miner::search::Progress;
use sou_miner::template::{build_template, Candidate};
use sou_miner::{search, HeaderHasher, Kernel, Outcome, RegtestChain, SearchOptions};
use sou_primitives::encoding::deserialize;
use sou_primitives::hashes::sha256;
use sou_primitives::{
    Amount, Block, Network, OutPoint, Script, Target, Transaction, TxIn, TxOut, Witness,
};

fn mainnet_block_1() -> Block {
    let blocks = sou_testdata::hex_lines("blocks/mainnet_blocks_0-255.hex");
    deserialize(&blocks[1]).unwrap()
}

#[test]
fn remines_mainnet_block_1() {
    let block = mainnet_block_1();
    let known = block.header.nonce;
    assert_eq!(known, 2_573_394_689);
    let target =
        Target::from_compact(block.header.bits, Network::Mainnet.params().pow_limit).unwrap();
    let mut header = block.header;
    header.nonce = 0;
    for kernel in [Kernel::Portable, Kernel::Fast] {
        let options = SearchOptions { kernel, threads: 0 };
        let outcome = search(
            &header,
            target,
            known - (1 << 20),
            known + 1000,
            options,
            &Progress::default(),
        );
        assert_eq!(outcome, Outcome::Found(known), "{kernel:?}");
    }
}

#[test]
fn kernels_agree_on_random_headers() {
    // xorshift64 from a fixed seed: the same headers on every run.
    let mut state: u64 = 0x1234_5678_9abc_def1;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..200 {
        let mut header = mainnet_block_1().header;
        header.version = next() as i32;
        header.time = next() as u32;
        header.bits = sou_primitives::CompactTarget::from_consensus(next() as u32);
        header.prev_blockhash = sou_primitives::BlockHash::from_byte_array([next() as u8; 32]);
        let hasher = HeaderHasher::new(&header);
        let n = next() as u32;
        let pair = hasher.hash_two([n, n ^ 1]);
        for (nonce, got) in [n, n ^ 1].into_iter().zip(pair) {
            header.nonce = nonce;
            assert_eq!(got, header.block_hash().to_byte_array());
            assert_eq!(hasher.hash(nonce), got);
        }
        // Both kernels' scans stop at the first nonce a brute-force search stops at. The
        // target is one of the range's own hashes, so ties on the top word happen.
        let lo = n.min(u32::MAX - 64);
        let hashes: Vec<[u8; 32]> = (lo..=lo + 64)
            .map(|nonce| {
                header.nonce = nonce;
                header.block_hash().to_byte_array()
            })
            .collect();
        let mut target = hashes[next() as usize % hashes.len()];
        if next() % 2 == 0 {
            target[next() as usize % 28] ^= 0xff;
        }
        let first = (lo..=lo + 64)
            .zip(&hashes)
            .find(|(_, h)| sou_miner::kernel::meets_target(h, &target))
            .map(|(nonce, _)| nonce);
        for kernel in [Kernel::Portable, Kernel::Fast] {
            let (found, tried) = hasher.scan(kernel, &target, lo, lo + 64);
            assert_eq!(found, first, "{kernel:?}");
            assert_eq!(tried, u64::from(first.unwrap_or(lo + 64) - lo) + 1);
        }
    }
}

/// `OP_TRUE` in P2WSH: coins anyone may spend by showing the script, no signature. These
/// tests are about choosing transactions, not signing them (and sou-testkit, which signs,
/// is built on this crate).
fn anyone_can_spend() -> Script {
    Script::new_witness_program(0, &sha256(&[0x51])).unwrap()
}

/// A transaction spending `coin` (an [`anyone_can_spend`] output) to `outputs`.
fn spend(coin: &OutPoint, outputs: Vec<TxOut>) -> Transaction {
    Transaction {
        version: 2,
        input: vec![TxIn {
            previous_output: *coin,
            script_sig: Script::new(),
            sequence: u32::MAX,
            witness: Witness::from_items([[0x51]]),
        }],
        output: outputs,
        lock_time: 0,
    }
}

/// A regtest chain of 103 blocks paying [`anyone_can_spend`]; the first four coinbases
/// can be spent in the next block (100 confirmations).
fn mature_chain() -> (RegtestChain, Vec<OutPoint>) {
    let mut chain = RegtestChain::new(anyone_can_spend());
    let blocks = chain.mine_empty_blocks(103).unwrap();
    let coins = blocks
        .iter()
        .map(|b| OutPoint::new(b.txdata[0].compute_txid(), 0))
        .collect();
    (chain, coins)
}

#[test]
fn mined_templates_pass_full_validation() {
    let (mut chain, coins) = mature_chain();
    let payout = anyone_can_spend();
    // A parent paying a low fee and a child paying a high one: the child pays for its parent.
    let parent = spend(
        &coins[0],
        vec![TxOut {
            value: Amount::from_sat(4_999_999_000),
            script_pubkey: payout.clone(),
        }],
    );
    let parent_coin = OutPoint::new(parent.compute_txid(), 0);
    let child = spend(
        &parent_coin,
        vec![TxOut {
            value: Amount::from_sat(4_999_000_000),
            script_pubkey: payout.clone(),
        }],
    );
    let other = spend(
        &coins[1],
        vec![TxOut {
            value: Amount::from_sat(4_999_900_000),
            script_pubkey: payout.clone(),
        }],
    );
    let candidates = vec![
        Candidate {
            tx: child.clone(),
            fee: Amount::from_sat(999_000),
            sigop_cost: 1,
        },
        Candidate {
            tx: other.clone(),
            fee: Amount::from_sat(100_000),
            sigop_cost: 1,
        },
        Candidate {
            tx: parent.clone(),
            fee: Amount::from_sat(1_000),
            sigop_cost: 1,
        },
    ];
    let view = chain.state.branch(chain.state.tip()).unwrap();
    let params = Network::Regtest.params();
    let mut template = build_template(&view, &candidates, params, &payout, 1_700_000_000);
    let txids: Vec<_> = template
        .block
        .txdata
        .iter()
        .map(|t| t.compute_txid())
        .collect();
    // Package (parent + child) first, its parent before the child, then the other one.
    assert_eq!(
        txids[1..],
        [
            parent.compute_txid(),
            child.compute_txid(),
            other.compute_txid()
        ]
    );
    assert_eq!(template.fees, Amount::from_sat(1_100_000));
    check_block(
        &template.block,
        params,
        CheckBlockOptions {
            pow: false,
            merkle_root: true,
        },
    )
    .unwrap();
    contextual_check_block(&template.block, &view, params).unwrap();
    // Mine it and hand it to the chain.
    let target = Target::from_compact(template.block.header.bits, params.pow_limit).unwrap();
    let Outcome::Found(nonce) = search(
        &template.block.header,
        target,
        0,
        u32::MAX,
        SearchOptions::default(),
        &Progress::default(),
    ) else {
        panic!("no nonce")
    };
    template.block.header.nonce = nonce;
    let outcome = chain.state.process_block(template.block.clone()).unwrap();
    assert!(outcome.invalid.is_empty(), "{outcome:?}");
    assert_eq!(chain.state.tip(), template.block.block_hash());
}

#[test]
fn templates_respect_weight_and_sigop_limits() {
    let (chain, coins) = mature_chain();
    let payout = anyone_can_spend();
    // Each candidate claims 30,000 sigop cost: only two fit under 80,000 (400 reserved).
    let candidates: Vec<Candidate> = coins[..4]
        .iter()
        .map(|c| Candidate {
            tx: spend(
                c,
                vec![TxOut {
                    value: Amount::from_sat(4_999_000_000),
                    script_pubkey: payout.clone(),
                }],
            ),
            fee: Amount::from_sat(1_000_000),
            sigop_cost: 30_000,
        })
        .collect();
    let view = chain.state.branch(chain.state.tip()).unwrap();
    let template = build_template(
        &view,
        &candidates,
        Network::Regtest.params(),
        &payout,
        1_700_000_000,
    );
    assert_eq!(template.block.txdata.len(), 3);
    assert!(template.sigop_cost <= 80_000);
    // A 3 MB transaction fits alone; a second one does not.
    let heavy = |c: &OutPoint| {
        let mut tx = spend(
            c,
            vec![TxOut {
                value: Amount::from_sat(4_999_000_000),
                script_pubkey: payout.clone(),
            }],
        );
        tx.output.push(TxOut {
            value: Amount::ZERO,
            script_pubkey: Script::from_bytes(vec![0x6a; 750_000]),
        });
        Candidate {
            tx,
            fee: Amount::from_sat(1_000_000),
            sigop_cost: 0,
        }
    };
    let candidates = vec![heavy(&coins[0]), heavy(&coins[1])];
    let template = build_template(
        &view,
        &candidates,
        Network::Regtest.params(),
        &payout,
        1_700_000_000,
    );
    assert_eq!(template.block.txdata.len(), 2);
    assert!(template.weight <= sou_primitives::Weight::MAX_BLOCK);
}

#[test]
fn cancellation_stops_every_thread_promptly() {
    let header = mainnet_block_1().header;
    let progress = Progress::default();
    let impossible = Target::from_u256(sou_primitives::U256::ZERO);
    // Its own two threads, so that other tests' work on rayon's global pool cannot delay it.
    let options = SearchOptions {
        kernel: Kernel::best(),
        threads: 2,
    };
    let (outcome, stopped_after) = std::thread::scope(|s| {
        let worker = s.spawn(|| search(&header, impossible, 0, u32::MAX, options, &progress));
        std::thread::sleep(Duration::from_millis(200));
        let cancelled_at = Instant::now();
        progress.cancel.store(true, Ordering::Relaxed);
        let outcome = worker.join().unwrap();
        (outcome, cancelled_at.elapsed())
    });
    assert_eq!(outcome, Outcome::Cancelled);
    assert!(progress.hashes.load(Ordering::Relaxed) > 0);
    // Loose on purpose (shared machines): the design target is a few milliseconds.
    assert!(
        stopped_after < Duration::from_millis(100),
        "stopped after {stopped_after:?}"
    );
}
