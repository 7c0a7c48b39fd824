//! Hostile length prefixes never make the decoder allocate more than the input could
//! justify. A counting allocator watches every allocation made while decoding.
//!
//! This file holds a single test: the allocator counts for the whole process. A global
//! allocator is an `unsafe` trait, hence the one exception to the workspace lint.

#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use sou_primitives::encoding::{deserialize, serialize};
use sou_primitives::{Block, Network, Transaction};

struct Counting;

static LARGEST: AtomicUsize = AtomicUsize::new(0);
static TOTAL: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        TOTAL.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: forwards the caller's layout unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` with this layout in `alloc` above.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Decodes `bytes` as `T` and returns (largest single allocation, total allocated).
fn allocations_while_decoding<T: sou_primitives::Decode>(bytes: &[u8]) -> (usize, usize) {
    LARGEST.store(0, Ordering::Relaxed);
    TOTAL.store(0, Ordering::Relaxed);
    let _ = deserialize::<T>(bytes);
    (
        LARGEST.load(Ordering::Relaxed),
        TOTAL.load(Ordering::Relaxed),
    )
}

#[test]
fn hostile_counts_do_not_allocate() {
    let version = 1u32.to_le_bytes();
    let mut cases: Vec<(&str, Vec<u8>, bool)> = Vec::new();

    // 2^25 inputs claimed by a 10-byte transaction.
    cases.push((
        "inputs",
        [&version[..], &[0xfe, 0, 0, 0, 2, 0]].concat(),
        false,
    ));
    // One input whose script claims 32 MiB, then 20 bytes.
    let mut tx = [&version[..], &[1], &[0; 36], &[0xfe, 0, 0, 0, 2]].concat();
    tx.extend_from_slice(&[0; 20]);
    cases.push(("script", tx, false));
    // A segwit transaction whose witness claims 2^25 items.
    let mut tx = [&version[..], &[0, 1, 1], &[0; 36], &[0], &[0xff; 4], &[0]].concat();
    tx.extend_from_slice(&[0xfe, 0, 0, 0, 2, 0, 0, 0]);
    cases.push(("witness items", tx, false));
    // A witness item claiming 32 MiB.
    let mut tx = [&version[..], &[0, 1, 1], &[0; 36], &[0], &[0xff; 4], &[0]].concat();
    tx.extend_from_slice(&[1, 0xfe, 0, 0, 0, 2, 0, 0, 0]);
    cases.push(("witness item", tx, false));
    // A block header followed by a claim of 2^25 transactions.
    let mut block = serialize(&Network::Mainnet.params().genesis_block())[..80].to_vec();
    block.extend_from_slice(&[0xfe, 0, 0, 0, 2, 0, 0, 0, 0, 0]);
    cases.push(("transactions", block, true));

    for (what, bytes, is_block) in cases {
        let (largest, total) = if is_block {
            allocations_while_decoding::<Block>(&bytes)
        } else {
            allocations_while_decoding::<Transaction>(&bytes)
        };
        assert!(
            largest <= 8 * bytes.len() && total <= 16 * bytes.len(),
            "{what}: {} input bytes made allocations of up to {largest} bytes ({total} in all)",
            bytes.len()
        );
    }
}
