//! # sou-chain: how nodes agree
//!
//! Every node checks every transaction and block by the same rules, so that all honest
//! nodes reach the same verdicts without trusting each other. This crate keeps those
//! rules as pure functions of values ([`consensus`]), apart from the state they are
//! applied to.
//!
//! [`chainstate`] applies them to a growing chain: the block tree, the active chain with
//! its UTXO set, and reorganisations.
//!
//! | module | what it holds |
//! | --- | --- |
//! | [`consensus`] | the rules a header, block or transaction must satisfy, as functions of values: on its own, then against the chain below it (an [`AncestorView`](consensus::AncestorView)); difficulty, median time past, subsidy, script flags, sequence locks, sigops, BIP30; [`TxError`] and [`BlockError`] |
//! | [`connect`] | connecting a block to the coins (with the undo data that reverses it) and disconnecting it, over any coins store; scripts checked on all cores |
//! | [`script_cache`] | [`ScriptCache`]: the transactions whose scripts the mempool checked, skipped when a block confirms them (Core's script execution cache) |
//! | [`store`] | the seams between validation and storage: [`CoinsStore`], [`ChainStore`], their in-memory [`UtxoSet`] and [`MemoryStore`], [`CoinsOverlay`] for trial runs, [`ChainError`] |
//! | [`chainstate`] | [`Chainstate`]: the block tree, the active chain (most work, then earliest arrival), reorganisation, invalid blocks and their descendants, the moves the RPCs make by hand (`invalidateblock`, `reconsiderblock`, `preciousblock`), views of a branch |
//! | [`versionbits`] | BIP9 deployment states, statistics and block versions (Core's `VersionBitsCache`, recomputed from the chain) |
//! | [`coinstats`] | the UTXO set's statistics and fingerprints, as Core's `gettxoutsetinfo` (`hash_serialized_3`, MuHash) |
//!
//! Start with the [`consensus`] module's documentation, which lists the checks in Core's
//! order with the functions and reject reasons, then [`Chainstate::process_block`]. The
//! `reorg` example races two branches with a double spend.
//!
//! What the crate promises:
//!
//! - Reject reasons are Core's: [`BlockError::reject_reason`] is Core's exact string and
//!   [`BlockError::kind`] Core's result class, so a mutated block
//!   ([`BlockErrorKind::Mutated`]) does not mark its header invalid. A block with several
//!   faults is rejected for the first in the order of Core's single-threaded
//!   `ConnectBlock`: each transaction's inputs, then its scripts, then the next
//!   transaction; the coinbase amount last. Checked against Core's own validation by
//!   `scripts/compare-blocks-with-core.sh` on the blocks of the facade's `block_rejects`,
//!   `block_mutations` and `wallet_payments` tests.
//! - One code path whatever holds the data: the in-memory tests and the node on disk run
//!   the same connection code. A store's failure is a [`ChainError::Store`], never a
//!   verdict on the block.
//! - A block that fails to connect leaves the coins as they were; disconnecting blocks
//!   and connecting them again gives a bit-identical UTXO set (tested over 100 mainnet
//!   blocks). Provably unspendable outputs never enter the UTXO set.
//! - Script checks on all cores and one by one give the same verdict: the first failing
//!   input in block order.
//!
//! Deliberately absent: files, databases and networking (sou-node), signet's block
//! signatures. The one outside input is the clock, for the rule that a block may not be
//! dated too far ahead; [`Chainstate::set_clock`] replaces it.

pub mod chainstate;
pub mod coinstats;
pub mod connect;
pub mod consensus;
pub mod script_cache;
pub mod store;
pub mod versionbits;

pub use chainstate::{Chainstate, ConnectOptions, UtxoSet};
pub use consensus::{check_block, check_transaction, BlockError, BlockErrorKind, TxError};
pub use script_cache::ScriptCache;
pub use store::{ChainError, ChainStore, CoinsOverlay, CoinsStore, MemoryStore};
