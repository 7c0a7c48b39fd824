//! Decoding the modern mainnet block (1.38 MB, 2,500 transactions) and computing every
//! txid and wtxid, against a baseline measured in the same run: `sha256d` twice over the
//! raw block bytes, about the bytes the ids must hash. The work is hashing; copying and
//! allocating must not dominate it.
//!
//! Run: `cargo bench --bench decode`. After criterion's report, the medians are read back
//! from `target/criterion` and printed as ratios to the baseline.

use std::hint::black_box;

use criterion::{Criterion, Throughput};
use sou::primitives::encoding::deserialize;
use sou::primitives::hashes::sha256d;
use sou::Block;

mod support;

const GROUP: &str = "modern_block";

fn decode_with_ids(bytes: &[u8]) -> usize {
    let (block, ids) = Block::decode_with_ids(bytes).expect("the vector block decodes");
    black_box(&ids);
    block.txdata.len()
}

fn decode_then_compute_ids(bytes: &[u8]) -> usize {
    let block: Block = deserialize(bytes).expect("the vector block decodes");
    let mut n = 0;
    for tx in &block.txdata {
        black_box(tx.compute_txid());
        black_box(tx.compute_wtxid());
        n += 1;
    }
    n
}

fn bench(c: &mut Criterion, bytes: &[u8]) {
    let mut group = c.benchmark_group(GROUP);
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.sample_size(50);
    group.bench_function("baseline_sha256d_twice", |b| {
        b.iter(|| {
            black_box(sha256d(black_box(bytes)));
            black_box(sha256d(black_box(bytes)))
        })
    });
    group.bench_function("decode_txids_wtxids", |b| {
        b.iter(|| decode_with_ids(black_box(bytes)))
    });
    group.bench_function("decode_then_compute_ids", |b| {
        b.iter(|| decode_then_compute_ids(black_box(bytes)))
    });
    group.bench_function("decode_only", |b| {
        b.iter(|| deserialize::<Block>(black_box(bytes)).expect("decodes"))
    });
    group.finish();
}

/// Criterion's median estimate of one benchmark, in nanoseconds.
fn median_ns(name: &str) -> Option<f64> {
    support::median_ns(GROUP, name)
}

fn main() {
    let bytes = sou_testdata::read(sou_testdata::MODERN_MAINNET_BLOCK);
    support::run(|c| bench(c, &bytes));

    let (Some(base), Some(ids), Some(recompute), Some(decode)) = (
        median_ns("baseline_sha256d_twice"),
        median_ns("decode_txids_wtxids"),
        median_ns("decode_then_compute_ids"),
        median_ns("decode_only"),
    ) else {
        return;
    };
    let mb_s = |ns: f64| bytes.len() as f64 / ns * 1e3;
    println!("\nmedians ({} bytes):", bytes.len());
    println!(
        "  baseline sha256d x2      {:>8.3} ms  {:>7.1} MB/s",
        base / 1e6,
        mb_s(base)
    );
    println!(
        "  decode + txids + wtxids  {:>8.3} ms  {:>7.1} MB/s  ratio {:.3}",
        ids / 1e6,
        mb_s(ids),
        ids / base
    );
    println!(
        "  decode, then re-serialise for ids {:>8.3} ms  ratio {:.3}",
        recompute / 1e6,
        recompute / base
    );
    println!(
        "  decode only              {:>8.3} ms  {:>7.1} MB/s  ratio {:.3}",
        decode / 1e6,
        mb_s(decode),
        decode / base
    );
}
