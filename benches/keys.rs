//! Signing and verifying through sou-keys against calling `secp256k1` directly, in the same
//! run: the wrapper must cost under 5%. Also BIP32 derivation of 1,000 child keys.
//!
//! Run: `cargo bench --bench keys`. After criterion's report, medians are read back and
//! printed as ratios (sou / raw).

use std::hint::black_box;

use criterion::Criterion;
use secp256k1::{Message as RawMessage, SECP256K1};
use sou::keys::bip32::{ChildNumber, Xpriv};
use sou::keys::{ecdsa, schnorr, Message, NetworkKind, SecretKey};
use sou::primitives::hashes::sha256;

mod support;

const GROUP: &str = "keys";

fn bench(c: &mut Criterion) {
    let secret = SecretKey::from_byte_array(sha256(b"bench key")).expect("valid key");
    let raw_secret =
        secp256k1::SecretKey::from_byte_array(secret.secret_bytes()).expect("valid key");
    let digest = sha256(b"bench message");
    let msg = Message::from_digest(digest);
    let raw_msg = RawMessage::from_digest(digest);
    let public = secret.public_key();
    let raw_public = raw_secret.public_key(SECP256K1);
    let keypair = secret.keypair();
    let raw_keypair = raw_secret.keypair(SECP256K1);
    let sig = ecdsa::sign(&msg, &secret);
    let raw_sig = SECP256K1.sign_ecdsa_low_r(raw_msg, &raw_secret);
    let ssig = schnorr::sign(&digest, &keypair, &[1; 32]);
    let raw_ssig = SECP256K1.sign_schnorr_with_aux_rand(&digest, &raw_keypair, &[1; 32]);
    let (xonly, _) = keypair.x_only_public_key();

    // Low-R grinding retries a deterministic number of times per message (two on average):
    // sign a rotating set of 64 messages so the figure is that average.
    let digests: Vec<[u8; 32]> = (0..64u8).map(|i| sha256(&[i])).collect();
    let msgs: Vec<Message> = digests.iter().map(|d| Message::from_digest(*d)).collect();
    let raw_msgs: Vec<RawMessage> = digests
        .iter()
        .map(|d| RawMessage::from_digest(*d))
        .collect();

    let mut g = c.benchmark_group(GROUP);
    g.bench_function("ecdsa_sign/raw", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % 64;
            SECP256K1.sign_ecdsa_low_r(black_box(raw_msgs[i]), &raw_secret)
        })
    });
    g.bench_function("ecdsa_sign/sou", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % 64;
            ecdsa::sign(black_box(&msgs[i]), &secret)
        })
    });
    g.bench_function("ecdsa_verify/raw", |b| {
        b.iter(|| SECP256K1.verify_ecdsa(black_box(raw_msg), &raw_sig, &raw_public))
    });
    g.bench_function("ecdsa_verify/sou", |b| {
        b.iter(|| ecdsa::verify(black_box(&msg), &sig, &public))
    });
    g.bench_function("schnorr_sign/raw", |b| {
        b.iter(|| SECP256K1.sign_schnorr_with_aux_rand(black_box(&digest), &raw_keypair, &[1; 32]))
    });
    g.bench_function("schnorr_sign/sou", |b| {
        b.iter(|| schnorr::sign(black_box(&digest), &keypair, &[1; 32]))
    });
    g.bench_function("schnorr_verify/raw", |b| {
        b.iter(|| SECP256K1.verify_schnorr(&raw_ssig, black_box(&digest), &xonly))
    });
    g.bench_function("schnorr_verify/sou", |b| {
        b.iter(|| schnorr::verify(&ssig, black_box(&digest), &xonly))
    });
    let master = Xpriv::new_master(NetworkKind::Main, &[7; 32]).expect("valid seed");
    g.sample_size(20);
    g.bench_function("bip32_derive_1000", |b| {
        b.iter(|| {
            for i in 0..1000 {
                black_box(
                    master
                        .derive_child(ChildNumber::from_u32(i))
                        .expect("valid child"),
                );
            }
        })
    });
    g.finish();
}

fn median_ns(name: &str) -> Option<f64> {
    support::median_ns(GROUP, name)
}

fn main() {
    support::run(bench);
    println!("\nmedians, sou against raw secp256k1:");
    for op in [
        "ecdsa_sign",
        "ecdsa_verify",
        "schnorr_sign",
        "schnorr_verify",
    ] {
        if let (Some(raw), Some(sou)) = (
            median_ns(&format!("{op}_raw")),
            median_ns(&format!("{op}_sou")),
        ) {
            println!(
                "  {op:<15} raw {:>8.2} us  sou {:>8.2} us  ratio {:.3}",
                raw / 1e3,
                sou / 1e3,
                sou / raw
            );
        }
    }
    if let Some(t) = median_ns("bip32_derive_1000") {
        println!(
            "  bip32: 1,000 child keys in {:.2} ms ({:.1} us each)",
            t / 1e6,
            t / 1e6
        );
    }
}
