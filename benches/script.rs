//! Script verification cost against the raw secp256k1 check of the same signature, in the
//! same run (target: interpreter and sighash overhead under 10%), and linear hashing: the
//! per-input time of a 1,000-input transaction must stay flat against a 10-input one.
//!
//! The raw baseline does what any verifier must: parse the public key and the signature
//! from their bytes, then verify against the sighash. Run: `cargo bench --bench script`.

use std::hint::black_box;

use criterion::Criterion;
use secp256k1::SECP256K1;
use sou::keys::{ecdsa, schnorr, Message, SecretKey};
use sou::primitives::hashes::sha256;
use sou::script::sighash::{segwit_v0_sighash, taproot_sighash, SighashType, TaprootContext};
use sou::script::{verify_input_with, PrecomputedTransactionData, SigVersion, VerifyFlags};
use sou::{Address, Amount, Network, OutPoint, Script, Transaction, TxIn, TxOut, Txid, Witness};

mod support;

const GROUP: &str = "script";

enum Kind {
    P2wpkh,
    P2trKeyPath,
}

/// A transaction with `n` inputs of one kind, all signed, with its spent outputs.
fn signed_tx(n: usize, kind: &Kind) -> (Transaction, Vec<TxOut>) {
    let keys: Vec<SecretKey> = (0..n)
        .map(|i| SecretKey::from_byte_array(sha256(&(i as u64).to_le_bytes())).expect("key"))
        .collect();
    let spent: Vec<TxOut> = keys
        .iter()
        .map(|k| {
            let pk = k.public_key();
            let address = match kind {
                Kind::P2wpkh => Address::p2wpkh(&pk, Network::Regtest).expect("compressed"),
                Kind::P2trKeyPath => {
                    Address::p2tr(&pk.x_only_public_key().0, None, Network::Regtest).expect("tweak")
                }
            };
            TxOut {
                value: Amount::from_sat(100_000),
                script_pubkey: address.script_pubkey(),
            }
        })
        .collect();
    let mut tx = Transaction {
        version: 2,
        input: (0..n)
            .map(|i| TxIn {
                previous_output: OutPoint::new(
                    Txid::from_byte_array(sha256(&[i as u8, (i >> 8) as u8])),
                    i as u32,
                ),
                script_sig: Script::new(),
                sequence: 0xffff_fffd,
                witness: Witness::new(),
            })
            .collect(),
        output: vec![TxOut {
            value: Amount::from_sat(50_000 * n as i64),
            script_pubkey: spent[0].script_pubkey.clone(),
        }],
        lock_time: 0,
    };
    let pre = PrecomputedTransactionData::new(&tx, spent.clone());
    for (i, key) in keys.iter().enumerate() {
        tx.input[i].witness = match kind {
            Kind::P2wpkh => {
                let pk = key.public_key();
                let code = Script::from_bytes(
                    [&[0x76, 0xa9, 0x14][..], &pk.pubkey_hash().0, &[0x88, 0xac]].concat(),
                );
                let amount = Amount::from_sat(100_000);
                let h = segwit_v0_sighash(code.as_bytes(), &tx, i, SighashType::ALL, amount, &pre);
                let mut sig = ecdsa::sign(&Message::from_digest(h.0), key).to_der();
                sig.push(1);
                Witness::from_items([sig, pk.serialize_compressed().to_vec()])
            }
            Kind::P2trKeyPath => {
                let h = taproot_sighash(
                    &tx,
                    i,
                    SighashType::DEFAULT,
                    SigVersion::Taproot,
                    &pre,
                    &TaprootContext::default(),
                )
                .expect("sighash");
                let kp = key.keypair().tap_tweak(None).expect("tweak");
                Witness::from_items([schnorr::sign(&h.0, &kp, &[0; 32]).to_byte_array()])
            }
        };
    }
    (tx, spent)
}

/// A tracer that counts steps: enabled, so the interpreter copies the stack for it.
struct StepCounter(usize);

impl sou::script::trace::Tracer for StepCounter {
    fn step(&mut self, _: &sou::script::trace::Step<'_>) {
        self.0 += 1;
    }
}

fn verify_all(tx: &Transaction, pre: &PrecomputedTransactionData) {
    for i in 0..tx.input.len() {
        verify_input_with(tx, i, pre, VerifyFlags::STANDARD).expect("valid input");
    }
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group(GROUP);
    // P2WPKH: sou's full input verification vs parse + verify of the same ECDSA signature.
    let (tx, spent) = signed_tx(1, &Kind::P2wpkh);
    let pre = PrecomputedTransactionData::new(&tx, spent.clone());
    let items: Vec<&[u8]> = tx.input[0].witness.iter().collect();
    let (sig, pk) = (items[0].to_vec(), items[1].to_vec());
    let code = Script::from_bytes(
        [
            &[0x76, 0xa9, 0x14][..],
            &sou::PublicKey::from_slice(&pk).expect("pk").pubkey_hash().0,
            &[0x88, 0xac],
        ]
        .concat(),
    );
    let amount = Amount::from_sat(100_000);
    let digest = segwit_v0_sighash(code.as_bytes(), &tx, 0, SighashType::ALL, amount, &pre).0;
    g.bench_function("p2wpkh_raw", |b| {
        b.iter(|| {
            let key = secp256k1::PublicKey::from_slice(black_box(&pk)).expect("pk");
            let s = secp256k1::ecdsa::Signature::from_der(&sig[..sig.len() - 1]).expect("sig");
            SECP256K1
                .verify_ecdsa(secp256k1::Message::from_digest(digest), &s, &key)
                .expect("valid")
        })
    });
    g.bench_function("p2wpkh_sou", |b| {
        b.iter(|| verify_input_with(black_box(&tx), 0, &pre, VerifyFlags::STANDARD))
    });

    // P2TR key path.
    let (tx, spent) = signed_tx(1, &Kind::P2trKeyPath);
    let pre = PrecomputedTransactionData::new(&tx, spent.clone());
    let sig: [u8; 64] = tx.input[0]
        .witness
        .get(0)
        .expect("sig")
        .try_into()
        .expect("64 bytes");
    let program: [u8; 32] = spent[0].script_pubkey.as_bytes()[2..]
        .try_into()
        .expect("32 bytes");
    let digest = taproot_sighash(
        &tx,
        0,
        SighashType::DEFAULT,
        SigVersion::Taproot,
        &pre,
        &TaprootContext::default(),
    )
    .expect("sighash")
    .0;
    g.bench_function("p2tr_raw", |b| {
        b.iter(|| {
            let key = secp256k1::XOnlyPublicKey::from_byte_array(black_box(program)).expect("key");
            let s = secp256k1::schnorr::Signature::from_byte_array(sig);
            SECP256K1.verify_schnorr(&s, &digest, &key).expect("valid")
        })
    });
    g.bench_function("p2tr_sou", |b| {
        b.iter(|| verify_input_with(black_box(&tx), 0, &pre, VerifyFlags::STANDARD))
    });

    // The tracer hook: an arithmetic-heavy script with no tracer (the default) and with a
    // tracer that only counts steps. The difference is what tracing costs; with `NoTrace`
    // the hook compiles away.
    let script = sou::script::asm::parse_asm(&"1 ADD ".repeat(100)).expect("asm");
    let start = Script::from_bytes(vec![0x51]);
    g.bench_function("eval_200_ops_no_trace", |b| {
        b.iter(|| {
            sou::script::verify_script(
                &start,
                black_box(&script),
                &Witness::new(),
                VerifyFlags::NONE,
                &sou::script::interpreter::NoTransaction,
            )
        })
    });
    g.bench_function("eval_200_ops_counting_trace", |b| {
        b.iter(|| {
            let mut counter = StepCounter(0);
            sou::script::verify_script_traced(
                &start,
                black_box(&script),
                &Witness::new(),
                VerifyFlags::NONE,
                &sou::script::interpreter::NoTransaction,
                &mut counter,
            )
        })
    });

    // Linear hashing: whole transactions of 10 and 1,000 P2WPKH inputs.
    for n in [10usize, 1000] {
        let (tx, spent) = signed_tx(n, &Kind::P2wpkh);
        g.sample_size(if n > 100 { 10 } else { 50 });
        g.bench_function(format!("p2wpkh_tx_{n}_inputs"), |b| {
            b.iter(|| {
                let pre = PrecomputedTransactionData::new(black_box(&tx), spent.clone());
                verify_all(&tx, &pre)
            })
        });
    }
    g.finish();
}

fn median_ns(name: &str) -> Option<f64> {
    support::median_ns(GROUP, name)
}

fn main() {
    support::run(bench);
    println!("\nmedians:");
    for kind in ["p2wpkh", "p2tr"] {
        if let (Some(raw), Some(sou)) = (
            median_ns(&format!("{kind}_raw")),
            median_ns(&format!("{kind}_sou")),
        ) {
            println!(
                "  {kind:<7} raw {:>7.2} us  sou {:>7.2} us  overhead {:+.1}%",
                raw / 1e3,
                sou / 1e3,
                (sou / raw - 1.0) * 100.0
            );
        }
    }
    if let (Some(none), Some(counting)) = (
        median_ns("eval_200_ops_no_trace"),
        median_ns("eval_200_ops_counting_trace"),
    ) {
        println!(
            "  200-op script: no tracer {:.2} us, counting tracer {:.2} us (tracing costs {:.1}x)",
            none / 1e3,
            counting / 1e3,
            counting / none
        );
    }
    if let (Some(t10), Some(t1000)) = (
        median_ns("p2wpkh_tx_10_inputs"),
        median_ns("p2wpkh_tx_1000_inputs"),
    ) {
        let (per10, per1000) = (t10 / 10.0, t1000 / 1000.0);
        println!(
            "  per input: 10-input tx {:.2} us, 1,000-input tx {:.2} us (ratio {:.3})",
            per10 / 1e3,
            per1000 / 1e3,
            per1000 / per10
        );
    }
}
