//! Paying, measured: building and signing a 100-input P2WPKH payment and a 100-input P2TR
//! payment, per input, against raw secp256k1 signing in the same run (target under 1.5x);
//! and coin selection over a 10,000-coin wallet (target under 50 ms).
//!
//! Run: `cargo bench --bench wallet`. After criterion's report, medians are read back and
//! printed as ratios.

use std::hint::black_box;

use criterion::Criterion;
use secp256k1::{Message as RawMessage, SECP256K1};
use sou::keys::{Address, SecretKey};
use sou::primitives::hashes::sha256;
use sou::wallet::select::{select_coins, Candidate, SelectionParams};
use sou::wallet::{InputKind, PaymentBuilder, Rng, SigningKey, SpendInfo, SpendableCoin};
use sou::{Amount, FeeRate, Network, OutPoint, Txid};

mod support;

const GROUP: &str = "wallet";
const INPUTS: usize = 100;

struct Coins {
    coins: Vec<SpendableCoin>,
    infos: Vec<SpendInfo>,
}

fn coins(taproot: bool) -> Coins {
    let mut coins = Vec::new();
    let mut infos = Vec::new();
    for i in 0..INPUTS {
        let secret =
            SecretKey::from_byte_array(sha256(&(i as u64).to_le_bytes())).expect("valid key");
        let (script, kind, info) = if taproot {
            let keypair = secret.keypair();
            let internal = keypair.x_only_public_key().0;
            let script = Address::p2tr(&internal, None, Network::Regtest)
                .expect("tweak")
                .script_pubkey();
            let tweaked = keypair.tap_tweak(None).expect("tweak");
            (
                script,
                InputKind::P2trKeyPath,
                SpendInfo::P2trTweaked(tweaked),
            )
        } else {
            let key = SigningKey::new(secret);
            let script = Address::p2wpkh(&key.public, Network::Regtest)
                .expect("compressed")
                .script_pubkey();
            (script, InputKind::P2wpkh, SpendInfo::P2wpkh(key))
        };
        coins.push(SpendableCoin {
            outpoint: OutPoint::new(Txid::from_byte_array(sha256(&[i as u8, 1])), i as u32),
            output: sou::TxOut {
                value: Amount::from_sat(1_000_000 + i as i64),
                script_pubkey: script,
            },
            kind,
        });
        infos.push(info);
    }
    Coins { coins, infos }
}

fn pay_all(c: &Coins) -> sou::Transaction {
    let mut builder = PaymentBuilder::new(FeeRate::from_sat_per_vb(5))
        .pay(
            c.coins[0].output.script_pubkey.clone(),
            Amount::from_sat(90_000_000),
        )
        .change_to(
            c.coins[1].output.script_pubkey.clone(),
            c.coins[1].kind.clone(),
        );
    for coin in &c.coins {
        builder = builder.must_spend(coin.outpoint);
    }
    let unsigned = builder
        .build(&c.coins, &mut Rng::seeded(1))
        .expect("builds");
    unsigned
        .sign(|coin| {
            let i = c.coins.iter().position(|x| x.outpoint == coin.outpoint)?;
            Some(c.infos[i].clone())
        })
        .expect("signs")
}

fn bench(c: &mut Criterion) {
    let p2wpkh = coins(false);
    let p2tr = coins(true);
    let raw_key = secp256k1::SecretKey::from_byte_array(sha256(b"raw")).expect("valid key");
    let raw_keypair = raw_key.keypair(SECP256K1);
    let msgs: Vec<RawMessage> = (0..INPUTS as u8)
        .map(|i| RawMessage::from_digest(sha256(&[i])))
        .collect();
    let digests: Vec<[u8; 32]> = (0..INPUTS as u8).map(|i| sha256(&[i])).collect();

    let mut g = c.benchmark_group(GROUP);
    g.sample_size(20);
    g.bench_function("raw_ecdsa_sign_low_r_x100", |b| {
        b.iter(|| {
            msgs.iter()
                .map(|m| SECP256K1.sign_ecdsa_low_r(black_box(*m), &raw_key))
                .collect::<Vec<_>>()
        })
    });
    g.bench_function("raw_ecdsa_sign_x100", |b| {
        b.iter(|| {
            msgs.iter()
                .map(|m| SECP256K1.sign_ecdsa(black_box(*m), &raw_key))
                .collect::<Vec<_>>()
        })
    });
    g.bench_function("raw_schnorr_sign_x100", |b| {
        b.iter(|| {
            digests
                .iter()
                .map(|d| SECP256K1.sign_schnorr_with_aux_rand(black_box(d), &raw_keypair, &[7; 32]))
                .collect::<Vec<_>>()
        })
    });
    g.bench_function("p2wpkh_pay_100_inputs", |b| {
        b.iter(|| pay_all(black_box(&p2wpkh)))
    });
    g.bench_function("p2tr_pay_100_inputs", |b| {
        b.iter(|| pay_all(black_box(&p2tr)))
    });

    // A 10,000-coin P2WPKH wallet of random sizes; a target no subset is likely to hit exactly,
    // so Branch and Bound uses its whole budget before the fallbacks run.
    let mut rng = Rng::seeded(42);
    let candidates: Vec<Candidate> = (0..10_000)
        .map(|_| Candidate {
            value: Amount::from_sat(10_000 + rng.below(100_000_000) as i64),
            input_weight: InputKind::P2wpkh.weight(),
        })
        .collect();
    let params = SelectionParams {
        target: Amount::from_sat(1_234_567_891),
        fee_rate: FeeRate::from_sat_per_vb(8),
        long_term_fee_rate: FeeRate::from_sat_per_vb(10),
        change_fee: Amount::from_sat(8 * 31),
        cost_of_change: Amount::from_sat(8 * 31 + 10 * 68),
        min_viable_change: Amount::from_sat(681),
        min_change_target: Amount::from_sat(600_000),
    };
    g.bench_function("select_10000_coins", |b| {
        b.iter(|| {
            select_coins(black_box(&candidates), &params, &mut Rng::seeded(3)).expect("selects")
        })
    });
    g.finish();
}

fn main() {
    support::run(bench);
    let m = |name: &str| support::median_ns(GROUP, name);
    if let (Some(low_r), Some(plain), Some(schnorr), Some(wpkh), Some(tr), Some(select)) = (
        m("raw_ecdsa_sign_low_r_x100"),
        m("raw_ecdsa_sign_x100"),
        m("raw_schnorr_sign_x100"),
        m("p2wpkh_pay_100_inputs"),
        m("p2tr_pay_100_inputs"),
        m("select_10000_coins"),
    ) {
        let per = |ns: f64| ns / INPUTS as f64 / 1000.0;
        println!("\nPer input (median), against raw secp256k1 signing in this run:");
        println!("  P2WPKH build+sign {:.1} us/input = {:.2}x raw low-R ECDSA sign ({:.1} us), {:.2}x plain ECDSA sign ({:.1} us)",
            per(wpkh), wpkh / low_r, per(low_r), wpkh / plain, per(plain));
        println!(
            "  P2TR   build+sign {:.1} us/input = {:.2}x raw Schnorr sign ({:.1} us)",
            per(tr),
            tr / schnorr,
            per(schnorr)
        );
        println!(
            "  Coin selection over 10,000 coins: {:.2} ms (target under 50 ms)",
            select / 1e6
        );
    }
}
