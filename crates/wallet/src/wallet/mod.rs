//! An HD wallet: one mnemonic, endless addresses, and the coins they receive.
//!
//! A BIP39 mnemonic becomes a seed, the seed a BIP32 master key, and the master key two
//! *accounts*: BIP84 for native segwit (P2WPKH) addresses and BIP86 for taproot (P2TR)
//! ones. Each account gives out a fresh address for every payment it receives and
//! watches a window of addresses past the last used one, so that a wallet restored from
//! its mnemonic finds its coins again.
//!
//! The wallet does not validate blocks: [`Wallet::apply_block`] reads blocks the caller
//! vouches for (a validating chain hands them over in order) and
//! [`Wallet::disconnect_block`] undoes one in a reorganisation. It tracks three balances:
//! *confirmed* coins it may spend, *unconfirmed* outputs of its transactions not yet in a
//! block, and *immature* coinbase outputs, which consensus lets no one spend before 100
//! confirmations (Core `COINBASE_MATURITY`; Core's own wallet waits for 101). A coin
//! spent by a transaction of the wallet, even unconfirmed, is never offered again:
//! spending it twice is refused.
//!
//! How the files divide the work:
//!
//! | file | what it holds |
//! | --- | --- |
//! | `mod.rs` | [`Wallet`], made from a mnemonic or a seed |
//! | `accounts.rs` | [`AccountKind`], the key chains, new addresses, the gap limit |
//! | `blocks.rs` | following the chain: [`Wallet::apply_block`], [`Wallet::disconnect_block`] |
//! | `coins.rs` | [`WalletCoin`], pending transactions, [`Balance`], the coins a payment may spend |
//! | `spend.rs` | paying: build, sign, send, PSBT, bump the fee |
//!
//! References: BIP32, BIP39, BIP44, BIP84, BIP86; Core `src/wallet/`.

mod accounts;
mod blocks;
mod coins;
mod spend;

use std::collections::{BTreeMap, HashMap};

use sou_keys::bip32::{Fingerprint, Xpriv};
use sou_keys::bip39::Mnemonic;
use sou_keys::NetworkKind;
use sou_primitives::{Network, OutPoint, Script, Transaction, Txid};

use crate::Error;
use accounts::KeyChain;

pub use accounts::{AccountKind, KeyOrigin, DEFAULT_GAP_LIMIT};
pub use blocks::BlockEvents;
pub use coins::{Balance, WalletCoin};

/// An HD wallet with a BIP84 and a BIP86 account.
pub struct Wallet {
    network: Network,
    fingerprint: Fingerprint,
    gap_limit: u32,
    /// Per account, the receive then the change chain.
    chains: [[KeyChain; 2]; 2],
    scripts: HashMap<Script, KeyOrigin>,
    coins: BTreeMap<OutPoint, WalletCoin>,
    /// Coins spent by an unconfirmed transaction of the wallet, and by which.
    spent_by: HashMap<OutPoint, Txid>,
    pending: HashMap<Txid, Transaction>,
    /// Coins spent in blocks, kept to restore them if the block is disconnected.
    spent_in_block: HashMap<OutPoint, (WalletCoin, u32)>,
    tip_height: u32,
    tip_time: u32,
    clock: Option<i64>,
}

impl std::fmt::Debug for Wallet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wallet")
            .field("network", &self.network)
            .field("fingerprint", &self.fingerprint)
            .field("coins", &self.coins.len())
            .field("tip_height", &self.tip_height)
            .finish_non_exhaustive()
    }
}

impl Wallet {
    /// The wallet of `mnemonic` with `passphrase` (often empty) on `network`.
    pub fn from_mnemonic(
        mnemonic: &Mnemonic,
        passphrase: &str,
        network: Network,
    ) -> Result<Wallet, Error> {
        Wallet::from_seed(mnemonic.to_seed(passphrase).as_bytes(), network)
    }

    /// The wallet of a BIP32 seed.
    pub fn from_seed(seed: &[u8], network: Network) -> Result<Wallet, Error> {
        let master = Xpriv::new_master(NetworkKind::of(network), seed)?;
        let coin = u32::from(network != Network::Mainnet);
        let chain = |kind, change| KeyChain::new(&master, kind, coin, change);
        let mut wallet = Wallet {
            network,
            fingerprint: master.fingerprint(),
            gap_limit: DEFAULT_GAP_LIMIT,
            chains: [
                [chain(AccountKind::Bip84, 0)?, chain(AccountKind::Bip84, 1)?],
                [chain(AccountKind::Bip86, 0)?, chain(AccountKind::Bip86, 1)?],
            ],
            scripts: HashMap::new(),
            coins: BTreeMap::new(),
            spent_by: HashMap::new(),
            pending: HashMap::new(),
            spent_in_block: HashMap::new(),
            tip_height: 0,
            tip_time: 0,
            clock: None,
        };
        wallet.fill_gaps()?;
        Ok(wallet)
    }

    /// Uses `now` as the current time (for anti-fee-sniping) instead of the system clock.
    pub fn set_time(&mut self, now: i64) {
        self.clock = Some(now);
    }

    /// The network.
    pub fn network(&self) -> Network {
        self.network
    }

    /// The master key's fingerprint.
    pub fn fingerprint(&self) -> Fingerprint {
        self.fingerprint
    }

    /// Height of the last block applied.
    pub fn tip_height(&self) -> u32 {
        self.tip_height
    }
}
