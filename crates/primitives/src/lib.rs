//! # sou-primitives: Bitcoin's data, byte for byte
//!
//! Everything a Bitcoin node exchanges is one of a few kinds of value: amounts, scripts,
//! transactions, blocks. This crate defines them and their *consensus encoding*, the
//! exact bytes every node hashes and so must agree on, plus the parameters that tell one
//! network from another. It does no I/O and judges nothing: whether a transaction is
//! *valid* is decided above, in sou-script and sou-chain.
//!
//! | module | what it holds |
//! | --- | --- |
//! | [`encoding`] | [`Encode`]/[`Decode`], CompactSize, hostile-input limits |
//! | [`hashes`] | sha256d, hash160, tagged hashes; [`Txid`], [`Wtxid`], [`BlockHash`] |
//! | [`amount`] | [`Amount`] in satoshis, `MAX_MONEY` |
//! | [`opcodes`], [`script`] | [`Script`] bytes, instructions, builder, ASM |
//! | [`standard`] | output templates (`Solver`): [`standard::ScriptType`] and what they pay to |
//! | [`transaction`] | [`OutPoint`], [`TxIn`], [`TxOut`], [`Witness`], [`Transaction`] |
//! | [`block`] | [`BlockHeader`], [`Block`], merkle roots, witness commitment |
//! | [`pow`] | [`CompactTarget`] (nBits), [`Target`], [`Work`] |
//! | [`network`] | [`Network`] and its [`Params`], genesis blocks |
//!
//! ```
//! use sou_primitives::{Block, Network, encoding::{deserialize, serialize}};
//!
//! let genesis: Block = Network::Mainnet.params().genesis_block();
//! assert_eq!(
//!     genesis.block_hash().to_string(),
//!     "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"
//! );
//! let bytes = serialize(&genesis);
//! assert_eq!(bytes.len(), 285);
//! assert_eq!(deserialize::<Block>(&bytes), Ok(genesis));
//! ```

pub mod amount;
pub mod block;
pub mod encoding;
pub mod hashes;
pub mod network;
pub mod opcodes;
pub mod pow;
pub mod script;
pub mod standard;
pub mod transaction;

pub use amount::{Amount, FeeRate};
pub use block::{Block, BlockHeader};
pub use encoding::{Decode, DecodeError, Encode};
pub use hashes::{BlockHash, TxMerkleNode, Txid, WitnessMerkleNode, Wtxid};
pub use network::{AddressParams, Network, Params};
pub use pow::{CompactTarget, Target, Work, U256};
pub use script::Script;
pub use transaction::{OutPoint, Transaction, TxIds, TxIn, TxOut, Weight, Witness};
