//! Connecting a regtest block of 2,000 P2WPKH spends: scripts verified sequentially vs
//! across all cores with `rayon` (target: at least 1.8x on 2 cores), and the sequential
//! time per input against the raw secp256k1 verification of one such signature (target:
//! under 1.25x). Then the same block when the mempool had checked every transaction
//! already (all in the script execution cache, as for a block of relayed transactions),
//! against the rayon time. Run: `cargo bench --bench connect`.

use std::hint::black_box;

use criterion::Criterion;
use secp256k1::SECP256K1;
use sou::chain::chainstate::{connect_block, ConnectOptions};
use sou::chain::connect::connect_block_cached;
use sou::chain::ScriptCache;
use sou::keys::{ecdsa, Message};
use sou::{Amount, Block, TxOut};
use sou_testkit::{Funding, TestChain};

mod support;

const GROUP: &str = "connect";
const SPENDS: usize = 2000;

/// A chain whose tip holds 2,000 mature P2WPKH coins, and a block spending them all.
fn setup() -> (TestChain, Block) {
    let mut chain = TestChain::new();
    let coins = chain.mine_empty(101);
    let each = 2_400_000i64;
    let split = chain.spend(
        &coins[0],
        (0..SPENDS)
            .map(|_| TxOut {
                value: Amount::from_sat(each),
                script_pubkey: chain.script(),
            })
            .collect(),
    );
    let fee = Amount::from_sat(coins[0].value.to_sat() - each * SPENDS as i64);
    let txid = split.compute_txid();
    chain.mine_block(vec![split], fee).expect("valid split");
    let spends = (0..SPENDS)
        .map(|i| {
            let coin = Funding {
                outpoint: sou::OutPoint::new(txid, i as u32),
                value: Amount::from_sat(each),
                height: 102,
            };
            chain.spend(
                &coin,
                vec![TxOut {
                    value: Amount::from_sat(each - 1000),
                    script_pubkey: chain.script(),
                }],
            )
        })
        .collect();
    let block = chain.build_block(spends, Amount::from_sat(1000 * SPENDS as i64));
    (chain, block)
}

fn bench(c: &mut Criterion) {
    let (chain, block) = setup();
    let hash = block.block_hash();
    let params = sou::Network::Regtest.params();
    let mut g = c.benchmark_group(GROUP);
    g.sample_size(10);
    for (name, parallel) in [
        ("block_2000_p2wpkh_sequential", false),
        ("block_2000_p2wpkh_rayon", true),
    ] {
        let options = ConnectOptions {
            parallel_scripts: parallel,
            ..Default::default()
        };
        g.bench_function(name, |b| {
            b.iter(|| {
                let mut utxo = chain.state.utxo().clone();
                connect_block(
                    black_box(&block),
                    &hash,
                    &chain.active_view(),
                    None,
                    &mut utxo,
                    params,
                    options,
                )
                .expect("valid block")
            })
        });
    }
    // Every transaction noted by the pool under the block's flags (the notes are taken
    // as the block connects, so each round notes them again, outside the timing).
    let flags = sou::chain::consensus::block_script_flags(chain.state.height() + 1, &hash, params);
    let cache = ScriptCache::new([7; 32], SPENDS * 2);
    g.bench_function("block_2000_p2wpkh_cached", |b| {
        b.iter_batched(
            || {
                for tx in &block.txdata[1..] {
                    cache.insert(&tx.compute_wtxid(), flags);
                }
            },
            |()| {
                // Cloned inside the timing, as in the rounds above.
                let mut utxo = chain.state.utxo().clone();
                connect_block_cached(
                    black_box(&block),
                    &hash,
                    &chain.active_view(),
                    None,
                    &mut utxo,
                    params,
                    ConnectOptions::default(),
                    Some(&cache),
                )
                .expect("valid block")
            },
            criterion::BatchSize::PerIteration,
        )
    });
    // The raw check of one input's signature: parse key and signature, verify.
    let witness: Vec<&[u8]> = block.txdata[1].input[0].witness.iter().collect();
    let (sig, pk) = (witness[0].to_vec(), witness[1].to_vec());
    let msg = Message::from_digest([7; 32]);
    let key = sou::PublicKey::from_slice(&pk).expect("pk");
    let _ = ecdsa::verify(
        &msg,
        &ecdsa::Signature::from_der(&sig[..sig.len() - 1]).expect("sig"),
        &key,
    );
    let digest = {
        use sou::script::sighash::{segwit_v0_sighash, SighashType};
        let code = sou::Script::from_bytes(
            [&[0x76, 0xa9, 0x14][..], &key.pubkey_hash().0, &[0x88, 0xac]].concat(),
        );
        let pre = sou::script::PrecomputedTransactionData::new(&block.txdata[1], vec![]);
        let amount = Amount::from_sat(2_400_000);
        segwit_v0_sighash(
            code.as_bytes(),
            &block.txdata[1],
            0,
            SighashType::ALL,
            amount,
            &pre,
        )
        .0
    };
    g.sample_size(50);
    g.bench_function("raw_secp256k1_verify", |b| {
        b.iter(|| {
            let k = secp256k1::PublicKey::from_slice(black_box(&pk)).expect("pk");
            let s = secp256k1::ecdsa::Signature::from_der(&sig[..sig.len() - 1]).expect("sig");
            SECP256K1
                .verify_ecdsa(secp256k1::Message::from_digest(digest), &s, &k)
                .expect("valid")
        })
    });
    g.finish();
}

fn median_ns(name: &str) -> Option<f64> {
    support::median_ns(GROUP, name)
}

fn main() {
    support::run(bench);
    if let (Some(seq), Some(par), Some(raw)) = (
        median_ns("block_2000_p2wpkh_sequential"),
        median_ns("block_2000_p2wpkh_rayon"),
        median_ns("raw_secp256k1_verify"),
    ) {
        println!(
            "\nmedians: sequential {:.1} ms, rayon on {} threads {:.1} ms: speed-up {:.2}x",
            seq / 1e6,
            rayon::current_num_threads(),
            par / 1e6,
            seq / par
        );
        println!(
            "per input (sequential) {:.2} us vs raw verify {:.2} us: ratio {:.3}",
            seq / SPENDS as f64 / 1e3,
            raw / 1e3,
            seq / SPENDS as f64 / raw
        );
        if let Some(cached) = median_ns("block_2000_p2wpkh_cached") {
            println!(
                "scripts already checked by the mempool: {:.1} ms, {:.1}x faster than rayon",
                cached / 1e6,
                par / cached
            );
        }
    }
}
