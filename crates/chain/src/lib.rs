//! # sou-chain: how nodes agree
//!
//! Every node checks every transaction and block by the same rules, so that all honest
//! nodes reach the same verdicts without trusting each other. This crate keeps those
//! rules as pure functions of values ([`consensus`]), apart from the state they are
//! applied to.
//!
//! So far it holds the context-free transaction checks; block validation, the UTXO set
//! and reorganisations come next (see ARCHITECTURE.md).

pub mod consensus;

pub use consensus::{check_transaction, TxError};
