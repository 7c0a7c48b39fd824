//! # sou-chain: how nodes agree
//!
//! Every node checks every transaction and block by the same rules, so that all honest
//! nodes reach the same verdicts without trusting each other. This crate keeps those
//! rules as pure functions of values ([`consensus`]), apart from the state they are
//! applied to.
//!
//! [`chainstate`] applies them to a growing chain: the block tree, the active chain with
//! its UTXO set, and reorganisations.

pub mod chainstate;
pub mod coinstats;
pub mod connect;
pub mod consensus;
pub mod store;
pub mod versionbits;

pub use chainstate::{Chainstate, ConnectOptions, UtxoSet};
pub use consensus::{check_block, check_transaction, BlockError, BlockErrorKind, TxError};
pub use store::{ChainError, ChainStore, CoinsOverlay, CoinsStore, MemoryStore};
