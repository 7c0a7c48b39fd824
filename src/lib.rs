//! # sou: Bitcoin, read from the code
//!
//! sou answers three questions with code that runs: how do you pay in bitcoin, how are new
//! coins made, and how does a network of nodes agree on one history. This facade crate
//! re-exports the member crates as modules, and the everyday types at its root.
//!
//! | module | crate | what it holds |
//! | --- | --- | --- |
//! | [`primitives`] | `sou-primitives` | encoding, hashes, amounts, scripts, transactions, blocks, networks |
//! | [`keys`] | `sou-keys` | keys, ECDSA and Schnorr, taproot, BIP32/39, addresses |
//! | [`script`] | `sou-script` | the script interpreter and signature hashes |
//! | [`chain`] | `sou-chain` | consensus rules, UTXO set, block tree and reorganisations |
//! | [`miner`] | `sou-miner` | block templates, the proof-of-work search, regtest chains mined on the spot |
//! | [`wallet`] | `sou-wallet` | coin selection, building and signing payments, PSBT, an HD wallet |
//! | [`mempool`] | `sou-mempool` | relay policy: which transactions a node accepts before a block holds them |
//! | [`p2p`] | `sou-p2p` | the P2P messages nodes exchange and their framing, byte for byte as Core's |
//! | [`node`] | `sou-node` | `soud`: chain state on disk, bitcoind's JSON-RPC, the only crate doing I/O |
//!
//! ```
//! let genesis = sou::Network::Mainnet.params().genesis_block();
//! println!("{}", genesis.block_hash());
//! ```
//!
//! ## A path through it
//!
//! 1. **Bytes**: a block and its transactions, field by field ([`Block`], [`Transaction`];
//!    the book's "Bytes on the wire", the `genesis` example).
//! 2. **Keys**: from a random number to an address ([`SecretKey`], [`Address`]; "Keys and
//!    addresses", the `keys` example).
//! 3. **Pay**: a wallet chooses coins, builds and signs a payment ([`Wallet`],
//!    [`PaymentBuilder`]; "Paying someone", the `pay` example), and the script interpreter
//!    checks it ([`script`]; "Locking and unlocking coins", the `script_trace` example).
//! 4. **Mine**: a template and the proof-of-work search ([`miner`]; "Where new coins come from",
//!    the `mine` example).
//! 5. **Agree**: validation, the chain with the most work, reorganisations ([`chain`];
//!    "How nodes agree", the `reorg` example), a node that Bitcoin Core's tools drive
//!    ([`node`]; "Running a regtest node"), and nodes with no one in charge: blocks and
//!    payments spreading, a split network healing ("A network with no one in charge", the
//!    `network` example).
//!
//! Run an example with `cargo run --release --example NAME`; the book is in `docs/src/`.
//! Each crate's documentation opens with what it teaches, its modules and where to start.
//! `ARCHITECTURE.md`, at the root of the repository, gives the rules every crate keeps
//! (which crate may use which, only sou-node does I/O, `unsafe` only in the SHA-NI
//! kernels, Core's reject reasons) and the files a first reading can skip.

pub use sou_chain as chain;
pub use sou_keys as keys;
pub use sou_mempool as mempool;
pub use sou_miner as miner;
pub use sou_node as node;
pub use sou_p2p as p2p;
pub use sou_primitives as primitives;
pub use sou_script as script;
pub use sou_wallet as wallet;

pub use sou_chain::{BlockError, Chainstate};
pub use sou_keys::{Address, PrivateKey, PublicKey, SecretKey};
pub use sou_miner::{RegtestChain, RegtestError};
pub use sou_primitives::{
    Amount, Block, BlockHash, BlockHeader, CompactTarget, FeeRate, Network, OutPoint, Params,
    Script, Target, Transaction, TxIn, TxOut, Txid, Weight, Witness, Work, Wtxid, U256,
};
pub use sou_wallet::wallet::BlockEvents;
pub use sou_wallet::{AccountKind, PaymentBuilder, Wallet};
