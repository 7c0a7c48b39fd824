//! # sou-mempool: what a node relays
//!
//! A block may hold any transaction consensus allows, and every node must accept it. A
//! node's *mempool* (the unconfirmed transactions it keeps and passes on) is its own
//! choice: it applies a stricter *policy*, the same at Core's defaults on almost every
//! node, so that relaying, which costs the sender nothing, cannot be turned against the
//! network. A transaction policy refuses is still valid: a miner may put it in a block,
//! and every node accepts that block. Policy is not consensus.
//!
//! This crate holds Core's policy as pure functions of values, with Core's reject strings
//! (what `testmempoolaccept` prints in `reject-reason`), and the pool itself as Core v31.99
//! keeps it, without any I/O: the node hands it the chain's coins and tip.
//!
//! | module | what it holds |
//! | --- | --- |
//! | [`policy`] | the constants, [`PolicyOptions`], output templates ([`is_standard`]), dust ([`get_dust_threshold`], [`is_dust`]) and the rules of a transaction alone ([`is_standard_tx`]) |
//! | [`inputs`] | what may be spent and how: [`are_inputs_standard`], [`is_witness_standard`] |
//! | [`prechecks`] | the checks before scripts in Core's order: [`check_alone`], [`check_with_coins`] |
//! | [`error`] | [`PolicyError`]: the reason, Core's string, Core's result class; [`Rejection`], any refusal as Core reports it |
//! | [`pool`] | the pool: [`pool::Mempool`], acceptance of one transaction or a package in Core's order, replacement, TRUC, eviction, blocks and reorganisations |
//! | [`cluster`] | the cluster mempool's algorithms: [`cluster::linearize`], [`cluster::chunks`], feerate diagrams ([`cluster::compare_diagrams`]) |
//! | [`persist`] | `mempool.dat`, the pool saved across a restart, in Core's format: [`persist::SavedMempool`] |
//!
//! ```
//! use sou_mempool::{is_standard_tx, PolicyOptions};
//! use sou_primitives::{Amount, OutPoint, Script, Transaction, TxIn, TxOut, Txid, Witness};
//!
//! // Version 4 means nothing yet: valid in a block, but not relayed.
//! let tx = Transaction {
//!     version: 4,
//!     input: vec![TxIn {
//!         previous_output: OutPoint::new(Txid::from_byte_array([1; 32]), 0),
//!         script_sig: Script::new(),
//!         sequence: 0xffff_ffff,
//!         witness: Witness::new(),
//!     }],
//!     output: vec![TxOut { value: Amount::from_sat(1000), script_pubkey: Script::p2pkh(&[7; 20]) }],
//!     lock_time: 0,
//! };
//! let err = is_standard_tx(&tx, &PolicyOptions::default()).unwrap_err();
//! assert_eq!(err.reject_reason(), "version");
//! ```
//!
//! References: Core `src/policy/policy.{h,cpp}`, `src/policy/ephemeral_policy.cpp`,
//! `src/policy/truc_policy.cpp`, `MemPoolAccept::PreChecks` (src/validation.cpp).

pub mod cluster;
pub mod error;
pub mod inputs;
pub mod persist;
pub mod policy;
pub mod pool;
pub mod prechecks;

pub use error::{PolicyError, RejectKind, Rejection};
pub use inputs::{are_inputs_standard, is_witness_standard};
pub use policy::{
    dust_outputs, get_dust_threshold, is_dust, is_standard, is_standard_tx, PolicyOptions,
    DEFAULT_BYTES_PER_SIGOP, DEFAULT_MIN_RELAY_TX_FEE, DUST_RELAY_TX_FEE, MAX_OP_RETURN_RELAY,
    MAX_P2SH_SIGOPS, MAX_STANDARD_SCRIPTSIG_SIZE, MAX_STANDARD_TX_SIGOPS_COST,
    MAX_STANDARD_TX_WEIGHT, MAX_TX_LEGACY_SIGOPS, MIN_STANDARD_TX_NONWITNESS_SIZE,
    STANDARD_SCRIPT_VERIFY_FLAGS, TX_MAX_STANDARD_VERSION, TX_MIN_STANDARD_VERSION,
};
pub use prechecks::{check_alone, check_with_coins, sigop_adjusted_vsize, Checked};
