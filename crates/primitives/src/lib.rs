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
//! | [`transaction`] | [`OutPoint`], [`TxIn`], [`TxOut`], [`Witness`], [`Transaction`], [`Weight`]; txid and wtxid |
//! | [`block`] | [`BlockHeader`], [`Block`], merkle roots (with CVE-2012-2459's mutation flag), the witness commitment |
//! | [`encoding`] | [`Encode`] into any [`WriteBytes`](encoding::WriteBytes) sink (a `Vec<u8>` or a hash engine), [`Decode`] from a [`Reader`](encoding::Reader) over a byte slice, CompactSize, hostile-input limits |
//! | [`hashes`] | sha256, sha256d, hash160, tagged hashes, a streaming SHA-256 engine; [`Txid`], [`Wtxid`], [`BlockHash`] shown in reversed hex; [`MuHash3072`](hashes::muhash::MuHash3072), a hash of a set |
//! | [`amount`] | [`Amount`] in satoshis, signed like Core's `CAmount`, up to [`Amount::MAX_MONEY`]; [`FeeRate`] |
//! | [`opcodes`], [`script`] | opcode names; [`Script`] as bytes, its instructions, a builder, ASM |
//! | [`standard`] | the standard output templates (Core's `Solver`) and what each pays to |
//! | [`pow`] | [`U256`], [`CompactTarget`] (nBits), [`Target`], [`Work`] |
//! | [`network`] | [`Network`] and its [`Params`]: genesis blocks, buried soft forks, BIP9 deployments |
//!
//! Start with [`transaction`] (a coin is an output, spending names it), then [`block`] and
//! [`encoding`]; [`Block::decode_with_ids`] decodes a received block with all its ids.
//!
//! What the crate promises:
//!
//! - Decoding never panics and never allocates more than the remaining input could hold:
//!   a list's claimed count is checked against the bytes left before any allocation.
//! - Decoding accepts only canonical bytes (CompactSize, BIP144 flags as Core reads
//!   them), so whatever decodes re-encodes to exactly the same bytes, and hashing the
//!   bytes received gives the same ids as hashing the value.
//! - A [`Script`] is opaque bytes: a malformed push survives a round trip and is reported
//!   only when its instructions are walked.
//!
//! A first reading can skip the SHA-256 speed code: the two-lane hashing inside
//! [`hashes`] (`hashes/batch.rs`) and the SHA-NI building blocks it shares with
//! sou-miner's kernel (`hashes::shani`, x86-64 only). They are the crate's only `unsafe`
//! code, entered after run-time CPU feature detection and tested against the plain `sha2`
//! path; nothing else depends on how they compute.
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
