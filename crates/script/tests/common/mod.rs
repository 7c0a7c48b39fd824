//! Helpers shared by the vector tests (included with `mod common`).

#![allow(
    dead_code,
    clippy::unwrap_used,
    reason = "test helpers: a panic is a failed test"
)]

pub use sou_testdata::json;

/// xorshift64*, for reproducible "random" flag sets.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}
