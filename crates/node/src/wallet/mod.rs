//! The node's wallets: descriptor wallets as Bitcoin Core keeps them, one file each.
//!
//! A wallet here is what Core calls a *descriptor wallet*: a set of output descriptors
//! (`wpkh([fp/84h/1h/0h]tprv.../0/*)` and its kin) that say which scripts are its own,
//! the transactions that pay or spend them, and nothing else. Coins, balances and
//! addresses all follow from those. A wallet made from a seed (a BIP39 mnemonic, English
//! or French; the BIP32 seed of its words with an empty passphrase) has eight: for each
//! of the four address types (legacy `pkh`, p2sh-segwit `sh(wpkh)`, bech32 `wpkh`,
//! bech32m `tr`) one for receiving and one for change, under the BIP44/49/84/86
//! accounts. `importdescriptors` adds more, with or without private keys.
//!
//! The parts:
//!
//! - [`spkm`]: one descriptor and its window of scripts ([`DescriptorSpkm`], Core's
//!   `DescriptorScriptPubKeyMan`), and the four [`OutputType`]s;
//! - [`descriptor_wallet`]: a wallet ([`DescriptorWallet`]): its descriptors, its
//!   transactions and where they are (a block, the pool, neither), coins and balances;
//! - [`db`]: its file, `<walletdir>/NAME/wallet.redb`, written in one transaction per
//!   change so that a crash loses nothing that was answered;
//! - [`spend`]: paying (coin selection and the payment with sou-wallet's
//!   [`PaymentBuilder`](sou_wallet::PaymentBuilder), signing), bumping a fee;
//! - [`chain`]: how the node tells its wallets about blocks connected and disconnected
//!   (`Node::update_wallets`, called after every move of the tip), how a loaded wallet
//!   catches up, `rescanblockchain`, and loading wallets at start;
//! - here, [`WalletManager`]: the loaded wallets by name, the wallet options, and
//!   `settings.json`'s list of wallets to load at start.
//!
//! The RPC methods are in `rpc::wallet`, split as Core's `src/wallet/rpc/` files.
//!
//! What differs from Core, and why:
//!
//! - The file is redb, not SQLite (`getwalletinfo` says `"format": "redb"`): the node's
//!   database is redb already, and one library for both is enough.
//! - A wallet's private descriptors hold the account's `tprv` with its origin
//!   (`[fp/84h/1h/0h]tprv.../0/*`) where Core writes the master key and the whole path:
//!   the same keys, the public form is Core's exactly, and deriving a script costs two
//!   steps instead of five.
//! - An unconfirmed transaction that is neither in the pool nor in a block (replaced, or
//!   conflicting) no longer holds the coins it spends; Core keeps them spent until
//!   `abandontransaction`, which sou does not have. A payment the pool refuses is not
//!   recorded and the call fails with the pool's reason (Core records it, and answers).
//! - No fee estimator (regtest has none either): `conf_target` and `estimate_mode` are
//!   read and ignored; the rate is `fee_rate`, else `settxfee`/`-paytxfee`, else
//!   `-fallbackfee`.
//! - Not implemented, refused with a clear message: encryption (`passphrase`), legacy
//!   wallets, external signers, subtracting the fee from the amounts paid, new `outputs`
//!   in `bumpfee`, bumping a payment without change. PSBTs are version 0 (sou-wallet
//!   reads no other).
//!
//! References: Core `src/wallet/wallet.cpp`, `src/wallet/load.cpp` (`LoadWallets`),
//! `src/wallet/walletutil.cpp`, `src/wallet/scriptpubkeyman.cpp`.

pub mod chain;
pub mod db;
pub mod descriptor_wallet;
pub mod spend;
pub mod spkm;

use std::path::{Path, PathBuf};

use serde_json::Value;
use sou_primitives::{FeeRate, Network};

pub use descriptor_wallet::{Balances, ChainView, DescriptorWallet, Flags, WalletCoin, WalletTx};
pub use spkm::{DescriptorSpkm, OutputType};

/// Core's `DEFAULT_KEYPOOL_SIZE`.
pub const DEFAULT_KEYPOOL_SIZE: u32 = 1000;

/// What can go wrong with a wallet, each with Core's RPC code and message where Core has
/// one ([`WalletError::rpc_code`], `Display`).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WalletError {
    /// The file failed.
    #[error(transparent)]
    Db(#[from] db::DbError),
    /// The file holds something the wallet cannot read.
    #[error("wallet corrupted: {0}")]
    Corrupt(String),
    /// A descriptor failed to parse or expand.
    #[error("{0}")]
    Descriptor(#[from] sou_wallet::descriptor::Error),
    /// A key failed to derive.
    #[error("{0}")]
    Keys(#[from] sou_keys::Error),
    /// No active descriptor of that type (a blank or watch-only wallet).
    #[error("Error: This wallet has no available keys")]
    NoDescriptor(OutputType, bool),
    /// `createwallet` of a name whose file exists.
    #[error("Failed to create database path '{0}'. Database already exists.")]
    AlreadyExists(String),
    /// `loadwallet` of a name without a file.
    #[error(
        "Wallet file verification failed. Failed to load database path '{0}'. Path does not exist."
    )]
    NotFound(String),
    /// `loadwallet` of a loaded wallet.
    #[error("Wallet \"{0}\" is already loaded.")]
    AlreadyLoaded(String),
    /// A wallet other than a loaded one named.
    #[error("Requested wallet does not exist or is not loaded")]
    NotLoaded,
    /// Wallets are disabled (`-disablewallet`).
    #[error("Method not found (disabled)")]
    Disabled,
    /// A failure creating the folder.
    #[error("{0}")]
    Io(String),
}

impl WalletError {
    /// Core's RPC code for the error.
    pub fn rpc_code(&self) -> i32 {
        match self {
            WalletError::NotFound(_) | WalletError::NotLoaded => -18,
            WalletError::AlreadyLoaded(_) => -35,
            WalletError::Disabled => -32601,
            WalletError::Db(_) | WalletError::Corrupt(_) | WalletError::Io(_) => -4,
            WalletError::NoDescriptor(..) => -4,
            WalletError::AlreadyExists(_) => -4,
            WalletError::Descriptor(_) | WalletError::Keys(_) => -5,
        }
    }
}

/// The wallet options of the command line (Core `WalletInit::AddWalletOptions`).
#[derive(Debug, Clone)]
pub struct WalletOptions {
    /// `-keypool`.
    pub keypool: u32,
    /// `-fallbackfee`, used when there is no fee estimate (none on regtest); 0 disables.
    pub fallback_fee: FeeRate,
    /// `-paytxfee`.
    pub pay_tx_fee: FeeRate,
    /// `-addresstype`.
    pub address_type: OutputType,
    /// `-changetype`, if set.
    pub change_type: Option<OutputType>,
    /// `-walletrbf` (default true).
    pub rbf: bool,
    /// `-maxtxfee`.
    pub max_tx_fee: sou_primitives::Amount,
}

impl Default for WalletOptions {
    fn default() -> WalletOptions {
        WalletOptions {
            keypool: DEFAULT_KEYPOOL_SIZE,
            fallback_fee: FeeRate::ZERO,
            pay_tx_fee: FeeRate::ZERO,
            address_type: OutputType::Bech32,
            change_type: None,
            rbf: true,
            max_tx_fee: sou_wallet::builder::DEFAULT_MAX_FEE,
        }
    }
}

/// The loaded wallets (Core's `WalletContext`).
#[derive(Debug, Default)]
pub struct WalletManager {
    /// Loaded wallets, in the order loaded (`listwallets`).
    pub wallets: Vec<DescriptorWallet>,
    /// The wallet directory; `None` until the daemon sets it (`-disablewallet` too).
    pub dir: Option<PathBuf>,
    /// `settings.json`, for `load_on_startup`.
    pub settings: Option<PathBuf>,
    /// The network of the node.
    pub network: Option<Network>,
    /// The options.
    pub options: WalletOptions,
}

impl WalletManager {
    /// The wallet loaded as `name`.
    pub fn get(&self, name: &str) -> Option<&DescriptorWallet> {
        self.wallets.iter().find(|w| w.name == name)
    }

    /// The wallet loaded as `name`, to change.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut DescriptorWallet> {
        self.wallets.iter_mut().find(|w| w.name == name)
    }

    /// The file of the wallet `name`: `<walletdir>/NAME/wallet.redb` (an absolute name
    /// is a folder of its own, as in Core).
    pub fn path_of(&self, name: &str) -> Result<PathBuf, WalletError> {
        let dir = self.dir.as_ref().ok_or(WalletError::Disabled)?;
        let folder = if Path::new(name).is_absolute() {
            PathBuf::from(name)
        } else {
            dir.join(name)
        };
        Ok(folder.join("wallet.redb"))
    }

    /// Adds or removes `name` in `settings.json`'s `wallet` list (Core
    /// `UpdateWalletSetting`), for `load_on_startup`.
    pub fn set_load_on_startup(&self, name: &str, load: bool) -> Result<(), WalletError> {
        let Some(path) = &self.settings else {
            return Ok(());
        };
        let mut object = std::fs::read_to_string(path)
            .ok()
            .and_then(|t| serde_json::from_str::<Value>(&t).ok())
            .and_then(|v| v.as_object().cloned())
            .unwrap_or_default();
        let mut list: Vec<Value> = match object.get("wallet") {
            Some(Value::Array(a)) => a.clone(),
            Some(Value::String(s)) => vec![Value::String(s.clone())],
            _ => Vec::new(),
        };
        let entry = Value::String(name.to_string());
        list.retain(|v| *v != entry);
        if load {
            list.push(entry);
        }
        object.insert("wallet".into(), Value::Array(list));
        let text = serde_json::to_string_pretty(&Value::Object(object))
            .map_err(|e| WalletError::Io(e.to_string()))?;
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, format!("{text}\n")).map_err(|e| WalletError::Io(e.to_string()))?;
        std::fs::rename(&tmp, path).map_err(|e| WalletError::Io(e.to_string()))
    }
}
