//! # sou-miner: how new coins are made
//!
//! New bitcoins appear in one place only: the first transaction of each block, the
//! coinbase, which may pay its miner the block subsidy plus the fees of the transactions
//! the block includes. To make a block count, a miner must find a header whose hash falls
//! under the network's target: proof that it spent, on average, a known amount of work.
//!
//! - [`template`]: choose transactions from a [`TransactionSource`] by package fee rate
//!   (a child can pay for its parent) within the weight and sigop limits, then build the
//!   coinbase (BIP34 height, extra nonce, witness commitment) and the header (version
//!   bits, a time after the median time past, the required nBits).
//! - [`search`](mod@search): try nonces on all cores until the hash meets the target,
//!   with a [`Progress`] to watch and cancel; [`mine_template`] rolls the coinbase's extra
//!   nonce when the header's 2^32 nonces run out.
//! - [`kernel`]: the SHA-256 work itself, one header and many nonces: [`HeaderHasher`]
//!   hashes the header's first block once, and [`Kernel`] is the `sha2` crate's
//!   compression or a hand-written SHA-NI kernel.
//! - [`regtest`]: a regtest chain built and mined on the spot, for examples and tests
//!   that need blocks to pay from, fork and reorganise.
//!
//! Start with [`template`], then [`search`](mod@search); the `mine` example mines real
//! regtest blocks and explains each step. A first reading can skip the `x86` part of
//! [`kernel`]: the crate's only `unsafe` code, entered after run-time detection of the
//! SHA extensions, and tested to give what the portable path gives.
//!
//! What the crate promises:
//!
//! - The miner judges nothing itself: a template is built by sou-chain's rules alone
//!   (subsidy, difficulty, median time past, version bits), over any view of the chain
//!   below, and passes sou-chain's `check_block` and `contextual_check_block` (tested).
//! - Every kernel gives [`BlockHeader::block_hash`](sou_primitives::BlockHeader::block_hash),
//!   and every kernel's scan stops at the nonce a brute-force search stops at (tested on
//!   real and random headers, with targets that tie on the top word).

pub mod kernel;
pub mod regtest;
pub mod search;
pub mod template;

pub use kernel::{HeaderHasher, Kernel};
pub use regtest::{RegtestChain, RegtestError};
pub use search::{mine_template, search, Outcome, Progress, SearchOptions};
pub use template::{build_template, BlockTemplate, Candidate, TransactionSource};
