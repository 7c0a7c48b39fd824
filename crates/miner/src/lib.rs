//! # sou-miner: how new coins are made
//!
//! New bitcoins appear in one place only: the first transaction of each block, the
//! coinbase, which may pay its miner the block subsidy plus the fees of the transactions
//! the block includes. To make a block count, a miner must find a header whose hash falls
//! under the network's target: proof that it spent, on average, a known amount of work.
//!
//! - [`template`]: choose transactions (a child can pay for its parent), build the
//!   coinbase and header.
//! - [`search`](mod@search): try nonces on all cores until the hash meets the target.
//! - [`kernel`]: the SHA-256 work itself, one or two nonces at a time.
//!
//! The miner judges nothing itself: its templates are checked with sou-chain's rules.

pub mod kernel;
pub mod search;
pub mod template;

pub use kernel::{HeaderHasher, Kernel};
pub use search::{mine_template, search, Outcome, Progress, SearchOptions};
pub use template::{build_template, BlockTemplate, Candidate, TransactionSource};
