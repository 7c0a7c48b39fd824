//! How the wallets follow the node's chain, and how they are loaded.
//!
//! After every move of the tip the node calls `Node::update_wallets` with what moved:
//! each disconnected block makes its transactions unconfirmed again (the pool takes
//! them back, so a payment whose block was invalidated waits in the pool again), each
//! connected block is read for transactions that pay or spend the wallets' scripts
//! (Core's `blockDisconnected` and `blockConnected` notifications).
//!
//! A wallet loaded later, or after a crash, catches up from the last block it read: the
//! blocks above it are scanned; if that block is no longer in the active chain (a
//! reorganisation while it was away), its transactions in blocks that left the chain are
//! unconfirmed and the whole chain is scanned again (Core `AttachChain`). Then its own
//! unconfirmed payments go back to the pool, which a `kill -9` may have emptied (Core
//! `ResubmitWalletTransactions`). `rescanblockchain` reads a range of blocks the same way.
//!
//! At start the daemon calls [`start`]: the wallet options, then the wallets named by
//! `-wallet` and by `settings.json` (Core `LoadWallets`).

use std::sync::Arc;

use sou_chain::chainstate::ProcessOutcome;
use sou_primitives::{Amount, BlockHash, FeeRate};

use super::descriptor_wallet::{ChainView, DescriptorWallet, Flags, NewWallet};
use super::{OutputType, WalletError, WalletManager, WalletOptions};
use crate::config::Config;
use crate::datadir::DataDir;
use crate::node::{Node, NodeError};

impl Node {
    /// The loaded wallets.
    pub fn wallets(&self) -> &WalletManager {
        &self.wallets
    }

    /// The loaded wallets, to change.
    pub fn wallets_mut(&mut self) -> &mut WalletManager {
        &mut self.wallets
    }

    /// A view of the tip and the pool for the wallets' depths.
    pub fn wallet_view(&self) -> ChainView<'_> {
        ChainView {
            tip_height: self.chain().height(),
            mempool: self.mempool(),
        }
    }

    /// Runs `f` on the wallet `name` and the node: the wallet is first brought up to date
    /// with the pool, and written after `f` (whatever it changed, in one transaction).
    pub fn with_wallet<T>(
        &mut self,
        name: &str,
        f: impl FnOnce(&mut DescriptorWallet, &mut Node) -> T,
    ) -> Result<T, WalletError> {
        let position = self
            .wallets
            .wallets
            .iter()
            .position(|w| w.name == name)
            .ok_or(WalletError::NotLoaded)?;
        // Taken out while `f` runs, so that `f` may use the node freely.
        let mut wallet = self.wallets.wallets.remove(position);
        let now = self.now();
        let synced = wallet.sync_mempool(self.mempool(), now);
        let out = f(&mut wallet, self);
        let saved = wallet.save();
        let at = position.min(self.wallets.wallets.len());
        self.wallets.wallets.insert(at, wallet);
        synced.and(saved)?;
        Ok(out)
    }

    /// Tells every loaded wallet what the tip's move disconnected and connected.
    pub(crate) fn update_wallets(&mut self, outcome: &ProcessOutcome) -> Result<(), NodeError> {
        if self.wallets.wallets.is_empty()
            || (outcome.connected.is_empty() && outcome.disconnected.is_empty())
        {
            return Ok(());
        }
        let now = self.now();
        for hash in &outcome.disconnected {
            let prev = self
                .chain()
                .entry(hash)
                .map(|e| (e.header.prev_blockhash, e.height.saturating_sub(1)));
            if let Some(prev) = prev {
                for wallet in &mut self.wallets.wallets {
                    wallet.block_disconnected(hash, prev);
                }
            }
        }
        for hash in &outcome.connected {
            let Some(height) = self.chain().entry(hash).map(|e| e.height) else {
                continue;
            };
            let Some(block) = self.chain_mut().block(hash).map_err(NodeError::Store)? else {
                continue;
            };
            for wallet in &mut self.wallets.wallets {
                if let Err(e) = wallet.block_connected(&block, *hash, height, now) {
                    tracing::error!("wallet {}: {e}", wallet.name);
                }
            }
        }
        for wallet in &mut self.wallets.wallets {
            if let Err(e) = wallet.save() {
                tracing::error!("wallet {}: {e}", wallet.name);
            }
        }
        Ok(())
    }

    /// Whether `hash` is the active chain's block at `height`.
    fn is_active(&self, hash: &BlockHash, height: u32) -> bool {
        self.chain().active_chain().get(height as usize) == Some(hash)
    }

    /// `createwallet`: a new wallet at the tip (no rescan: fresh keys have no history;
    /// a wallet restored from words finds its coins with `rescanblockchain`).
    pub fn create_wallet(
        &mut self,
        name: &str,
        flags: Flags,
        seed: Option<&[u8]>,
    ) -> Result<(), WalletError> {
        if self.wallets.get(name).is_some() {
            return Err(WalletError::AlreadyLoaded(name.to_string()));
        }
        let path = self.wallets.path_of(name)?;
        if path.exists() {
            let shown = path.parent().unwrap_or(&path).display().to_string();
            return Err(WalletError::AlreadyExists(shown));
        }
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder).map_err(|e| WalletError::Io(e.to_string()))?;
        }
        let network = self.params().network;
        let tip = (self.chain().tip(), self.chain().height());
        let new = NewWallet {
            flags,
            seed,
            keypool: self.wallets.options.keypool,
            now: self.now(),
            tip,
        };
        let wallet = DescriptorWallet::create(name, &path, network, new)?;
        tracing::info!("Wallet \"{name}\" created at {}", path.display());
        self.wallets.wallets.push(wallet);
        Ok(())
    }

    /// `loadwallet`: reads the wallet and brings it up to the tip.
    pub fn load_wallet(&mut self, name: &str) -> Result<(), WalletError> {
        if self.wallets.get(name).is_some() {
            return Err(WalletError::AlreadyLoaded(name.to_string()));
        }
        let path = self.wallets.path_of(name)?;
        if !path.exists() {
            let shown = path.parent().unwrap_or(&path).display().to_string();
            return Err(WalletError::NotFound(shown));
        }
        let network = self.params().network;
        let mut wallet =
            DescriptorWallet::load(name, &path, network, self.wallets.options.keypool)?;
        // Catch up (Core `AttachChain`).
        wallet.forget_inactive_blocks(|hash, height| self.is_active(hash, height));
        let start = match wallet.best_block {
            Some((hash, height)) if self.is_active(&hash, height) => height + 1,
            _ => 0,
        };
        self.scan_blocks(&mut wallet, start, self.chain().height())?;
        wallet.save()?;
        tracing::info!(
            "Wallet \"{name}\" loaded: {} descriptors, {} transactions",
            wallet.spkms.len(),
            wallet.txs.len()
        );
        self.wallets.wallets.push(wallet);
        self.resubmit_wallet_transactions(name);
        Ok(())
    }

    /// `unloadwallet`.
    pub fn unload_wallet(&mut self, name: &str) -> Result<(), WalletError> {
        let position = self
            .wallets
            .wallets
            .iter()
            .position(|w| w.name == name)
            .ok_or(WalletError::NotLoaded)?;
        let mut wallet = self.wallets.wallets.remove(position);
        wallet.save()
    }

    /// Reads the active chain's blocks `start..=stop` for the wallet's transactions.
    fn scan_blocks(
        &mut self,
        wallet: &mut DescriptorWallet,
        start: u32,
        stop: u32,
    ) -> Result<(), WalletError> {
        for height in start..=stop {
            let Some(hash) = self.chain().active_chain().get(height as usize).copied() else {
                break;
            };
            let block = match self.chain_mut().block(&hash) {
                Ok(Some(block)) => block,
                _ => continue,
            };
            // Found by a scan: received when its block was made.
            let time = i64::from(block.header.time);
            wallet.block_connected(&block, hash, height, time)?;
        }
        if start > stop {
            let tip = (self.chain().tip(), self.chain().height());
            wallet.set_best_block(tip);
        }
        Ok(())
    }

    /// `rescanblockchain`: reads blocks `start..=stop` (the tip by default) for the
    /// wallet `name`; returns the heights read.
    pub fn rescan_wallet(
        &mut self,
        name: &str,
        start: u32,
        stop: Option<u32>,
    ) -> Result<(u32, u32), WalletError> {
        let stop = stop.unwrap_or(self.chain().height());
        let position = self
            .wallets
            .wallets
            .iter()
            .position(|w| w.name == name)
            .ok_or(WalletError::NotLoaded)?;
        let mut wallet = self.wallets.wallets.remove(position);
        let best = wallet.best_block;
        let result = self.scan_blocks(&mut wallet, start, stop);
        // A partial rescan does not move the wallet's place in the chain back.
        if let Some(best) = best {
            if best.1 > stop {
                wallet.set_best_block(best);
            }
        }
        let saved = wallet.save();
        self.wallets.wallets.insert(position, wallet);
        result.and(saved)?;
        Ok((start, stop))
    }

    /// Puts the wallet's own unconfirmed payments back in the pool (Core
    /// `ResubmitWalletTransactions`), oldest first so parents come before children.
    pub fn resubmit_wallet_transactions(&mut self, name: &str) {
        let Some(wallet) = self.wallets.get(name) else {
            return;
        };
        let mut waiting: Vec<_> = wallet
            .txs
            .values()
            .filter(|w| w.block.is_none() && w.replaced_by.is_none() && !w.tx.is_coinbase())
            .filter(|w| {
                let (_, debit) = wallet.credit_debit(&w.tx);
                debit > Amount::ZERO
            })
            .map(|w| (w.order, Arc::clone(&w.tx)))
            .collect();
        waiting.sort_by_key(|(order, _)| *order);
        for (_, tx) in waiting {
            if !self.mempool().contains(&tx.compute_txid()) {
                let _ = self.accept_to_mempool(tx, false);
            }
        }
    }
}

/// The wallet options and the wallets to load at start (Core `WalletInit` and
/// `LoadWallets`): `-wallet` options, then `settings.json`'s list; a wallet that fails to
/// load is logged and skipped.
pub fn start(node: &mut Node, config: &Config, datadir: &DataDir) -> Result<(), String> {
    if config.get_bool("disablewallet", false) {
        tracing::info!("Wallet disabled!");
        return Ok(());
    }
    let btc_per_kvb = |name: &str| -> Result<FeeRate, String> {
        match config.get(name) {
            None => Ok(FeeRate::ZERO),
            Some(text) => Amount::from_btc_str(&text)
                .ok()
                .filter(|a| !a.is_negative())
                .and_then(|a| u64::try_from(a.to_sat()).ok())
                .map(FeeRate::from_sat_per_kvb)
                .ok_or_else(|| format!("Invalid amount for -{name}=<amount>: '{text}'")),
        }
    };
    let address_type = |name: &str| -> Result<Option<OutputType>, String> {
        match config.get(name) {
            None => Ok(None),
            Some(text) => OutputType::parse(&text)
                .map(Some)
                .ok_or_else(|| format!("Unknown address type '{text}'")),
        }
    };
    let options = WalletOptions {
        keypool: u32::try_from(config.get_int("keypool", i64::from(super::DEFAULT_KEYPOOL_SIZE)))
            .unwrap_or(super::DEFAULT_KEYPOOL_SIZE)
            .max(1),
        fallback_fee: btc_per_kvb("fallbackfee")?,
        pay_tx_fee: btc_per_kvb("paytxfee")?,
        address_type: address_type("addresstype")?.unwrap_or(OutputType::Bech32),
        change_type: address_type("changetype")?,
        rbf: config.get_bool("walletrbf", true),
        max_tx_fee: match config.get("maxtxfee") {
            Some(text) => Amount::from_btc_str(&text)
                .map_err(|_| format!("Invalid amount for -maxtxfee=<amount>: '{text}'"))?,
            None => sou_wallet::builder::DEFAULT_MAX_FEE,
        },
    };
    let dir = datadir
        .wallets()
        .unwrap_or_else(|| datadir.net().join("wallets"));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let manager = node.wallets_mut();
    manager.options = options;
    manager.dir = Some(dir);
    manager.settings = datadir.settings_file().map(|p| p.to_path_buf());
    let mut names: Vec<String> = config.get_all("wallet");
    // settings.json's list (the daemon does not read the file into its configuration).
    let listed = datadir
        .settings_file()
        .and_then(|path| std::fs::read_to_string(path).ok())
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .map(|settings| settings["wallet"].clone())
        .or_else(|| config.rw_setting("wallet").cloned());
    match listed {
        Some(serde_json::Value::Array(list)) => {
            names.extend(list.iter().filter_map(|v| v.as_str().map(str::to_string)))
        }
        Some(serde_json::Value::String(one)) => names.push(one),
        _ => {}
    }
    let mut seen = std::collections::HashSet::new();
    names.retain(|n| seen.insert(n.clone()));
    for name in names {
        // Core's `VerifyWallets`: a wallet that does not exist is skipped with a warning.
        if let Err(e) = node.load_wallet(&name) {
            tracing::warn!("Skipping -wallet \"{name}\": {e}");
        }
    }
    Ok(())
}
