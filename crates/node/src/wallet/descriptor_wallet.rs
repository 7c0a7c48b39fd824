//! One descriptor wallet: its descriptors, the transactions that concern it, and the coins
//! and balances that follow from them.
//!
//! A wallet knows three things, all kept in its file:
//!
//! - its **descriptors** ([`DescriptorSpkm`]), each with the window of scripts computed so
//!   far; a map from script to (descriptor, index) answers "is this output mine?" (Core
//!   `IsMine`);
//! - the **transactions** that pay one of its scripts or spend one of its coins
//!   ([`WalletTx`]), each confirmed in a block of the active chain or not;
//! - how far it has read the chain (`best_block`), to catch up when loaded.
//!
//! Coins and balances are not stored: they follow from the transactions and from where
//! each one is (Core's `CWalletTx` state): confirmed at some depth, waiting in the
//! node's mempool (depth 0), or neither (replaced, or conflicting with the chain: depth
//! -1, "inactive"). An output of ours is a coin while no confirmed or mempool transaction
//! spends it; an unconfirmed coin is *trusted* when its transaction is ours throughout
//! (every input spends a trusted coin of ours, Core `CachedTxIsTrusted`), so the wallet
//! spends its own change before it confirms but never a stranger's unconfirmed payment.
//! A coinbase output is *immature* until 100 blocks are built on it (the wallet waits one
//! more than consensus, as Core's `GetBlocksToMaturity` does).
//!
//! References: Core `src/wallet/wallet.cpp` (`AddToWalletIfInvolvingMe`,
//! `blockConnected`, `blockDisconnected`), `src/wallet/receive.cpp` (`GetBalance`,
//! `CachedTxIsTrusted`), `src/wallet/transaction.h` (`TxState`).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use serde_json::{json, Value};
use sou_keys::bip32::{ChildNumber, DerivationPath, Xpriv};
use sou_keys::{Address, NetworkKind};
use sou_mempool::pool::Mempool;
use sou_primitives::encoding::{deserialize, serialize};
use sou_primitives::Txid;
use sou_primitives::{Amount, Block, BlockHash, Network, OutPoint, Script, Transaction, TxOut};
use sou_wallet::descriptor::Descriptor;

use super::db::{Batch, WalletDb};
use super::spkm::{DescriptorSpkm, OutputType};
use super::WalletError;

/// Blocks a coinbase output waits before the wallet spends it (Core `COINBASE_MATURITY`).
pub const COINBASE_MATURITY: i64 = 100;

/// Where a confirmed transaction is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockRef {
    /// The block.
    pub hash: BlockHash,
    /// Its height.
    pub height: u32,
    /// Its timestamp.
    pub time: i64,
    /// The transaction's position in it.
    pub index: usize,
}

/// A transaction that concerns the wallet (Core `CWalletTx`).
#[derive(Debug, Clone)]
pub struct WalletTx {
    /// The transaction.
    pub tx: Arc<Transaction>,
    /// Its txid.
    pub txid: Txid,
    /// The block of the active chain holding it, if any.
    pub block: Option<BlockRef>,
    /// When the wallet first saw it (Core `nTimeReceived`).
    pub time_received: i64,
    /// The transaction that replaced it (`bumpfee`).
    pub replaced_by: Option<Txid>,
    /// The transaction it replaced.
    pub replaces: Option<Txid>,
    /// Order of arrival, for `listtransactions`.
    pub order: u64,
}

impl WalletTx {
    /// Core's `GetTxTime`: when received, or the block time if earlier.
    pub fn time(&self) -> i64 {
        match self.block {
            Some(b) => self.time_received.min(b.time),
            None => self.time_received,
        }
    }

    fn to_json(&self) -> Value {
        json!({
            "hex": hex::encode(serialize(self.tx.as_ref())),
            "block": self.block.map(|b| json!({
                "hash": b.hash.to_string(), "height": b.height, "time": b.time, "index": b.index,
            })),
            "time": self.time_received,
            "replaced_by": self.replaced_by.map(|t| t.to_string()),
            "replaces": self.replaces.map(|t| t.to_string()),
            "order": self.order,
        })
    }

    fn from_json(v: &Value) -> Option<WalletTx> {
        let bytes = hex::decode(v["hex"].as_str()?).ok()?;
        let tx: Transaction = deserialize(&bytes).ok()?;
        let block = match &v["block"] {
            Value::Null => None,
            b => Some(BlockRef {
                hash: b["hash"].as_str()?.parse().ok()?,
                height: u32::try_from(b["height"].as_u64()?).ok()?,
                time: b["time"].as_i64()?,
                index: usize::try_from(b["index"].as_u64()?).ok()?,
            }),
        };
        let txid_of = |x: &Value| x.as_str().and_then(|s| s.parse().ok());
        Some(WalletTx {
            txid: tx.compute_txid(),
            tx: Arc::new(tx),
            block,
            time_received: v["time"].as_i64().unwrap_or(0),
            replaced_by: txid_of(&v["replaced_by"]),
            replaces: txid_of(&v["replaces"]),
            order: v["order"].as_u64().unwrap_or(0),
        })
    }
}

/// The wallet's settings chosen at creation (Core's wallet flags).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flags {
    /// No private keys, ever: a watch-only wallet (`WALLET_FLAG_DISABLE_PRIVATE_KEYS`).
    pub disable_private_keys: bool,
    /// Created without descriptors (`WALLET_FLAG_BLANK_WALLET`).
    pub blank: bool,
    /// Keep track of reused addresses (`WALLET_FLAG_AVOID_REUSE`); recorded only.
    pub avoid_reuse: bool,
}

/// What the wallet needs to know of the chain and the pool to tell a transaction's depth.
#[derive(Clone, Copy)]
pub struct ChainView<'a> {
    /// Height of the active tip.
    pub tip_height: u32,
    /// The node's pool.
    pub mempool: &'a Mempool,
}

impl ChainView<'_> {
    /// Confirmations: from 1 in the tip's block, 0 in the pool, -1 neither (Core's
    /// `GetTxDepthInMainChain`, without the negative depths of block conflicts).
    pub fn depth(&self, wtx: &WalletTx) -> i64 {
        match wtx.block {
            Some(b) => i64::from(self.tip_height) - i64::from(b.height) + 1,
            None if self.mempool.contains(&wtx.txid) => 0,
            None => -1,
        }
    }
}

/// A coin of the wallet (Core `COutput`).
#[derive(Debug, Clone)]
pub struct WalletCoin {
    /// Where it is.
    pub outpoint: OutPoint,
    /// The output.
    pub output: TxOut,
    /// Confirmations (0: in the pool).
    pub depth: i64,
    /// Its transaction is a coinbase.
    pub coinbase: bool,
    /// Spendable now without trusting a stranger (see the module documentation).
    pub trusted: bool,
    /// Which descriptor and index its script comes from.
    pub origin: (usize, u32),
}

impl WalletCoin {
    /// A coinbase output still waiting (Core `IsImmatureCoinBase`).
    pub fn immature(&self) -> bool {
        self.coinbase && COINBASE_MATURITY + 1 - self.depth > 0
    }
}

/// The balances of `getbalances` (Core `Balance`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Balances {
    /// Confirmed, or our own unconfirmed change.
    pub trusted: Amount,
    /// Unconfirmed payments from others.
    pub untrusted_pending: Amount,
    /// Coinbase outputs not yet mature.
    pub immature: Amount,
}

/// What a new wallet starts from.
#[derive(Debug, Clone, Copy)]
pub struct NewWallet<'a> {
    /// Its flags.
    pub flags: Flags,
    /// The BIP32 seed of its keys, unless blank or watch-only.
    pub seed: Option<&'a [u8]>,
    /// `-keypool`.
    pub keypool: u32,
    /// The time now (its birth).
    pub now: i64,
    /// The chain's tip: a new wallet has read the chain up to here.
    pub tip: (BlockHash, u32),
}

/// A loaded descriptor wallet.
#[derive(Debug)]
pub struct DescriptorWallet {
    /// The name it was loaded by (its folder under the wallet directory).
    pub name: String,
    /// The network of its keys and addresses.
    pub network: Network,
    db: WalletDb,
    /// Creation flags.
    pub flags: Flags,
    /// Its descriptors.
    pub spkms: Vec<DescriptorSpkm>,
    scripts: HashMap<Script, (usize, u32)>,
    /// The transactions that concern it.
    pub txs: HashMap<Txid, WalletTx>,
    spenders: HashMap<OutPoint, Vec<Txid>>,
    /// Labels by address.
    pub labels: BTreeMap<String, String>,
    /// The last block read (hash, height).
    pub best_block: Option<(BlockHash, u32)>,
    /// When the wallet was created (UNIX time).
    pub birth: i64,
    /// `-keypool`: how many scripts each ranged descriptor keeps ahead.
    pub keypool: u32,
    /// `settxfee`, in memory only as in Core (`m_pay_tx_fee`).
    pub pay_tx_fee: Option<sou_primitives::FeeRate>,
    next_order: u64,
    seen_in_mempool: HashSet<Txid>,
    pending: Batch,
}

impl DescriptorWallet {
    fn empty(name: &str, network: Network, db: WalletDb, keypool: u32) -> DescriptorWallet {
        DescriptorWallet {
            name: name.to_string(),
            network,
            db,
            flags: Flags::default(),
            spkms: Vec::new(),
            scripts: HashMap::new(),
            txs: HashMap::new(),
            spenders: HashMap::new(),
            labels: BTreeMap::new(),
            best_block: None,
            birth: 0,
            keypool,
            pay_tx_fee: None,
            next_order: 0,
            seen_in_mempool: HashSet::new(),
            pending: Batch::default(),
        }
    }

    /// Creates the wallet's file at `path`; with a seed, the eight descriptors of Core's
    /// descriptor wallets derived from it (see [`DescriptorWallet::add_seed_descriptors`]),
    /// all written in the first transaction.
    pub fn create(
        name: &str,
        path: &Path,
        network: Network,
        new: NewWallet<'_>,
    ) -> Result<DescriptorWallet, WalletError> {
        let NewWallet {
            flags,
            seed,
            keypool,
            now,
            tip,
        } = new;
        let db = WalletDb::create(path)?;
        let mut wallet = DescriptorWallet::empty(name, network, db, keypool);
        wallet.flags = flags;
        wallet.birth = now;
        wallet.best_block = Some(tip);
        wallet
            .pending
            .meta
            .push(("flags".into(), flags_json(flags)));
        wallet.pending.meta.push(("birth".into(), json!(now)));
        wallet.pending.meta.push(("version".into(), json!(1)));
        wallet.note_best_block();
        if let Some(seed) = seed {
            wallet.add_seed_descriptors(seed, now)?;
        }
        wallet.save()?;
        Ok(wallet)
    }

    /// Reads the wallet at `path`.
    pub fn load(
        name: &str,
        path: &Path,
        network: Network,
        keypool: u32,
    ) -> Result<DescriptorWallet, WalletError> {
        let db = WalletDb::open(path)?;
        let contents = db.read_all()?;
        let mut wallet = DescriptorWallet::empty(name, network, db, keypool);
        let corrupt = |what: &str| WalletError::Corrupt(format!("{name}: {what}"));
        for (key, value) in &contents.meta {
            match key.as_str() {
                "flags" => {
                    wallet.flags = Flags {
                        disable_private_keys: value["disable_private_keys"] == true,
                        blank: value["blank"] == true,
                        avoid_reuse: value["avoid_reuse"] == true,
                    }
                }
                "birth" => wallet.birth = value.as_i64().unwrap_or(0),
                "best_block" => {
                    let hash = value["hash"].as_str().and_then(|s| s.parse().ok());
                    let height = value["height"].as_u64().and_then(|h| u32::try_from(h).ok());
                    wallet.best_block = hash.zip(height);
                }
                _ => {}
            }
        }
        for record in &contents.descriptors {
            let spkm = spkm_from_json(record, network).ok_or_else(|| corrupt("a descriptor"))?;
            wallet.insert_spkm(spkm)?;
        }
        for record in &contents.transactions {
            let wtx = WalletTx::from_json(record).ok_or_else(|| corrupt("a transaction"))?;
            wallet.next_order = wallet.next_order.max(wtx.order + 1);
            wallet.index_spends(&wtx);
            wallet.txs.insert(wtx.txid, wtx);
        }
        wallet.labels = contents.labels.into_iter().collect();
        // Loading recomputes the windows; nothing new to write but a grown window.
        wallet.save()?;
        Ok(wallet)
    }

    /// Core's `SetupDescriptorScriptPubKeyMans`: for each of the four address types an
    /// external and an internal (change) descriptor under the BIP44/49/84/86 account
    /// `m/purpose'/coin'/0'`, the coin type 1 off mainnet. The key is written as the
    /// account's `tprv` with its origin, `wpkh([fp/84h/1h/0h]tprv.../0/*)`: the public
    /// form is Core's exactly; Core's private form writes the master key with the whole
    /// path instead, which describes the same keys.
    pub fn add_seed_descriptors(&mut self, seed: &[u8], now: i64) -> Result<(), WalletError> {
        let master = Xpriv::new_master(NetworkKind::of(self.network), seed)?;
        let fingerprint = master.fingerprint();
        let coin = u32::from(self.network != Network::Mainnet);
        for output_type in OutputType::ALL {
            let path = DerivationPath::from(vec![
                ChildNumber::hardened(output_type.purpose())?,
                ChildNumber::hardened(coin)?,
                ChildNumber::hardened(0)?,
            ]);
            let account = master.derive_path(&path)?;
            for internal in [false, true] {
                let key = format!(
                    "[{fingerprint}/{}h/{coin}h/0h]{account}/{}/*",
                    output_type.purpose(),
                    u8::from(internal)
                );
                let text = output_type.wrap(&key);
                let descriptor = Descriptor::parse(&text, self.network, false)?;
                self.add_descriptor(DescriptorSpkm {
                    text,
                    descriptor,
                    timestamp: now,
                    range_start: 0,
                    range_end: 0,
                    next_index: 0,
                    active: Some((output_type, internal)),
                })?;
            }
        }
        Ok(())
    }

    /// Adds a descriptor (or replaces one with the same public text), computes its
    /// window, and queues it for writing. An active one takes the place of the previous
    /// active descriptor of its type and chain.
    pub fn add_descriptor(&mut self, spkm: DescriptorSpkm) -> Result<usize, WalletError> {
        if let Some(active) = spkm.active {
            for other in &mut self.spkms {
                if other.active == Some(active) {
                    other.active = None;
                    self.pending
                        .descriptors
                        .push((other.id(), spkm_to_json(other)));
                }
            }
        }
        self.insert_spkm(spkm)
    }

    /// Puts `spkm` in the list (in place of one with the same id) and computes its window:
    /// from `range_start` to the larger of the stored end and `next_index + keypool`.
    fn insert_spkm(&mut self, mut spkm: DescriptorSpkm) -> Result<usize, WalletError> {
        let id = spkm.id();
        let existing = self.spkms.iter().position(|s| s.id() == id);
        if let Some(old) = existing.and_then(|i| self.spkms.get(i)) {
            spkm.next_index = spkm.next_index.max(old.next_index);
            spkm.range_end = spkm.range_end.max(old.range_end);
        }
        let stored_end = spkm.range_end;
        spkm.range_end = spkm.range_start;
        spkm.top_up(self.keypool);
        spkm.range_end = spkm.range_end.max(stored_end);
        let position = match existing {
            Some(i) => {
                self.spkms[i] = spkm;
                i
            }
            None => {
                self.spkms.push(spkm);
                self.spkms.len() - 1
            }
        };
        let spkm = &self.spkms[position];
        for index in spkm.range_start..spkm.range_end {
            for script in spkm.scripts_at(index)? {
                self.scripts.insert(script, (position, index));
            }
        }
        self.pending
            .descriptors
            .push((spkm.id(), spkm_to_json(spkm)));
        Ok(position)
    }

    /// Moves a descriptor's window on after `next_index` changed.
    fn top_up(&mut self, position: usize) -> Result<(), WalletError> {
        let keypool = self.keypool;
        let Some(spkm) = self.spkms.get_mut(position) else {
            return Ok(());
        };
        let added = spkm.top_up(keypool);
        for index in added {
            for script in self.spkms[position].scripts_at(index)? {
                self.scripts.insert(script, (position, index));
            }
        }
        let spkm = &self.spkms[position];
        self.pending
            .descriptors
            .push((spkm.id(), spkm_to_json(spkm)));
        Ok(())
    }

    /// Which descriptor and index `script` comes from (Core `IsMine`).
    pub fn is_mine(&self, script: &Script) -> Option<(usize, u32)> {
        self.scripts.get(script).copied()
    }

    /// The active descriptor of `output_type` for receiving or change.
    pub fn active_spkm(&self, output_type: OutputType, internal: bool) -> Option<usize> {
        self.spkms
            .iter()
            .position(|s| s.active == Some((output_type, internal)))
    }

    /// Whether the wallet may hold private keys.
    pub fn has_private_keys(&self) -> bool {
        !self.flags.disable_private_keys
    }

    /// Hands out the next script of the active descriptor (`getnewaddress`,
    /// `getrawchangeaddress`, change of a payment).
    pub fn new_script(
        &mut self,
        output_type: OutputType,
        internal: bool,
    ) -> Result<Script, WalletError> {
        let position = self
            .active_spkm(output_type, internal)
            .ok_or(WalletError::NoDescriptor(output_type, internal))?;
        let spkm = &mut self.spkms[position];
        let index = spkm.next_index;
        let script = spkm
            .scripts_at(index)?
            .into_iter()
            .next()
            .ok_or(WalletError::NoDescriptor(output_type, internal))?;
        spkm.next_index = index.saturating_add(1);
        self.top_up(position)?;
        Ok(script)
    }

    /// An address of the network for `script`.
    pub fn address(&self, script: &Script) -> Option<Address> {
        Address::from_script(script, self.network).ok()
    }

    /// Whether `tx` concerns the wallet: it pays one of its scripts or spends one of its
    /// outputs (Core `IsMine(tx) || IsFromMe(tx)`).
    pub fn is_relevant(&self, tx: &Transaction) -> bool {
        tx.output
            .iter()
            .any(|o| self.scripts.contains_key(&o.script_pubkey))
            || tx
                .input
                .iter()
                .any(|i| self.output_is_mine(&i.previous_output))
    }

    /// Whether the output `outpoint` names is one of ours.
    pub fn output_is_mine(&self, outpoint: &OutPoint) -> bool {
        self.txs
            .get(&outpoint.txid)
            .and_then(|w| w.tx.output.get(outpoint.vout as usize))
            .is_some_and(|o| self.scripts.contains_key(&o.script_pubkey))
    }

    /// The output `outpoint` names, if it is one of a wallet transaction.
    pub fn output(&self, outpoint: &OutPoint) -> Option<&TxOut> {
        self.txs
            .get(&outpoint.txid)
            .and_then(|w| w.tx.output.get(outpoint.vout as usize))
    }

    fn index_spends(&mut self, wtx: &WalletTx) {
        if wtx.tx.is_coinbase() {
            return;
        }
        for input in &wtx.tx.input {
            let list = self.spenders.entry(input.previous_output).or_default();
            if !list.contains(&wtx.txid) {
                list.push(wtx.txid);
            }
        }
    }

    /// Records `tx` if it concerns the wallet (Core `AddToWalletIfInvolvingMe`), with its
    /// block or none; marks the indexes it pays as used. True if something changed.
    pub fn add_if_relevant(
        &mut self,
        tx: &Arc<Transaction>,
        block: Option<BlockRef>,
        now: i64,
    ) -> Result<bool, WalletError> {
        let txid = tx.compute_txid();
        if let Some(existing) = self.txs.get_mut(&txid) {
            if existing.block == block || block.is_none() {
                return Ok(false);
            }
            existing.block = block;
            let record = existing.to_json();
            self.pending
                .transactions
                .push((*txid.as_byte_array(), record));
            return Ok(true);
        }
        if !self.is_relevant(tx) {
            return Ok(false);
        }
        // Paying an index at or past the next one marks the ones before it used.
        let mut used: Vec<(usize, u32)> = Vec::new();
        for output in &tx.output {
            if let Some((position, index)) = self.is_mine(&output.script_pubkey) {
                used.push((position, index));
            }
        }
        for (position, index) in used {
            if let Some(spkm) = self.spkms.get_mut(position) {
                if index >= spkm.next_index && spkm.is_range() {
                    spkm.next_index = index.saturating_add(1);
                    self.top_up(position)?;
                }
            }
        }
        let wtx = WalletTx {
            tx: Arc::clone(tx),
            txid,
            block,
            time_received: now,
            replaced_by: None,
            replaces: None,
            order: self.next_order,
        };
        self.next_order += 1;
        self.index_spends(&wtx);
        self.pending
            .transactions
            .push((*txid.as_byte_array(), wtx.to_json()));
        self.txs.insert(txid, wtx);
        Ok(true)
    }

    /// Notes that `new` replaced `old` (`bumpfee`).
    pub fn mark_replaced(&mut self, old: Txid, new: Txid) {
        if let Some(w) = self.txs.get_mut(&old) {
            w.replaced_by = Some(new);
            self.pending
                .transactions
                .push((*old.as_byte_array(), w.to_json()));
        }
        if let Some(w) = self.txs.get_mut(&new) {
            w.replaces = Some(old);
            self.pending
                .transactions
                .push((*new.as_byte_array(), w.to_json()));
        }
    }

    /// A block joined the active chain (Core `blockConnected`).
    pub fn block_connected(
        &mut self,
        block: &Block,
        hash: BlockHash,
        height: u32,
        now: i64,
    ) -> Result<(), WalletError> {
        let time = i64::from(block.header.time);
        for (index, tx) in block.txdata.iter().enumerate() {
            let known = self.txs.contains_key(&tx.compute_txid());
            if known || self.is_relevant(tx) {
                let block_ref = Some(BlockRef {
                    hash,
                    height,
                    time,
                    index,
                });
                self.add_if_relevant(&Arc::new(tx.clone()), block_ref, now)?;
            }
        }
        self.best_block = Some((hash, height));
        self.note_best_block();
        Ok(())
    }

    /// A block left the active chain (Core `blockDisconnected`): its transactions are
    /// unconfirmed again, and the node's pool takes them back if it can.
    pub fn block_disconnected(&mut self, hash: &BlockHash, prev: (BlockHash, u32)) {
        for wtx in self.txs.values_mut() {
            if wtx.block.is_some_and(|b| b.hash == *hash) {
                wtx.block = None;
                self.pending
                    .transactions
                    .push((*wtx.txid.as_byte_array(), wtx.to_json()));
            }
        }
        self.best_block = Some(prev);
        self.note_best_block();
    }

    /// Unconfirms the transactions of blocks that are no longer in the active chain
    /// (`active(hash, height)`), after a restart or an unload during a reorganisation.
    pub fn forget_inactive_blocks(&mut self, active: impl Fn(&BlockHash, u32) -> bool) {
        for wtx in self.txs.values_mut() {
            if let Some(b) = wtx.block {
                if !active(&b.hash, b.height) {
                    wtx.block = None;
                    self.pending
                        .transactions
                        .push((*wtx.txid.as_byte_array(), wtx.to_json()));
                }
            }
        }
    }

    /// Sets the last block read.
    pub fn set_best_block(&mut self, best: (BlockHash, u32)) {
        self.best_block = Some(best);
        self.note_best_block();
    }

    fn note_best_block(&mut self) {
        if let Some((hash, height)) = self.best_block {
            self.pending.meta.push((
                "best_block".into(),
                json!({"hash": hash.to_string(), "height": height}),
            ));
        }
    }

    /// Picks up the pool's transactions that concern the wallet and that it has not
    /// looked at yet (Core learns them by `transactionAddedToMempool`).
    pub fn sync_mempool(&mut self, mempool: &Mempool, now: i64) -> Result<(), WalletError> {
        let fresh: Vec<Arc<Transaction>> = mempool
            .entries()
            .filter(|e| !self.seen_in_mempool.contains(&e.txid))
            .map(|e| Arc::clone(&e.tx))
            .collect();
        // Forget what left the pool, so the set stays the pool's size; a transaction
        // coming back (a reorganisation) is looked at again, which changes nothing.
        self.seen_in_mempool.retain(|txid| mempool.contains(txid));
        for tx in fresh {
            self.seen_in_mempool.insert(tx.compute_txid());
            self.add_if_relevant(&tx, None, now)?;
        }
        self.save()
    }

    /// Sets a label.
    pub fn set_label(&mut self, address: &str, label: &str) {
        self.labels.insert(address.to_string(), label.to_string());
        self.pending
            .labels
            .push((address.to_string(), label.to_string()));
    }

    /// Writes what changed since the last save, in one transaction.
    pub fn save(&mut self) -> Result<(), WalletError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let batch = std::mem::take(&mut self.pending);
        self.db.write(batch)?;
        Ok(())
    }

    /// Whether an output is spent by a transaction that is confirmed or in the pool.
    pub fn is_spent(&self, outpoint: &OutPoint, view: ChainView<'_>) -> bool {
        self.spenders.get(outpoint).is_some_and(|list| {
            list.iter()
                .filter_map(|t| self.txs.get(t))
                .any(|w| view.depth(w) >= 0)
        })
    }

    /// The wallet transactions spending `outpoint`.
    pub fn spenders_of(&self, outpoint: &OutPoint) -> &[Txid] {
        self.spenders.get(outpoint).map_or(&[], Vec::as_slice)
    }

    /// Core `CachedTxIsTrusted`: confirmed, or in the pool and ours throughout.
    pub fn is_trusted(&self, wtx: &WalletTx, view: ChainView<'_>) -> bool {
        self.trusted_at(wtx, view, 0)
    }

    fn trusted_at(&self, wtx: &WalletTx, view: ChainView<'_>, level: usize) -> bool {
        match view.depth(wtx) {
            d if d >= 1 => return true,
            d if d < 0 => return false,
            _ => {}
        }
        // A long chain of our own unconfirmed payments is unusual; stop looking.
        if level > 100 {
            return false;
        }
        wtx.tx.input.iter().all(|input| {
            let parent = self.txs.get(&input.previous_output.txid);
            parent.is_some_and(|p| {
                p.tx.output
                    .get(input.previous_output.vout as usize)
                    .is_some_and(|o| self.scripts.contains_key(&o.script_pubkey))
                    && self.trusted_at(p, view, level + 1)
            })
        })
    }

    /// Every unspent output of ours in a confirmed or pool transaction (Core
    /// `AvailableCoins` before its filters).
    pub fn coins(&self, view: ChainView<'_>) -> Vec<WalletCoin> {
        let mut coins = Vec::new();
        for wtx in self.txs.values() {
            let depth = view.depth(wtx);
            if depth < 0 {
                continue;
            }
            let trusted = self.is_trusted(wtx, view);
            for (vout, output) in wtx.tx.output.iter().enumerate() {
                let Some(origin) = self.is_mine(&output.script_pubkey) else {
                    continue;
                };
                let Ok(vout) = u32::try_from(vout) else {
                    continue;
                };
                let outpoint = OutPoint::new(wtx.txid, vout);
                if self.is_spent(&outpoint, view) {
                    continue;
                }
                coins.push(WalletCoin {
                    outpoint,
                    output: output.clone(),
                    depth,
                    coinbase: wtx.tx.is_coinbase(),
                    trusted,
                    origin,
                });
            }
        }
        coins.sort_by_key(|c| (std::cmp::Reverse(c.depth), c.outpoint.txid, c.outpoint.vout));
        coins
    }

    /// Core `GetBalance`.
    pub fn balances(&self, view: ChainView<'_>) -> Balances {
        let mut b = Balances::default();
        for coin in self.coins(view) {
            let slot = if coin.immature() {
                &mut b.immature
            } else if coin.trusted {
                &mut b.trusted
            } else {
                &mut b.untrusted_pending
            };
            *slot = slot.checked_add(coin.output.value).unwrap_or(*slot);
        }
        b
    }

    /// What the wallet's outputs in `tx` receive, and what its inputs spend of ours
    /// (Core `CachedTxGetCredit`, `CachedTxGetDebit`).
    pub fn credit_debit(&self, tx: &Transaction) -> (Amount, Amount) {
        let credit = tx
            .output
            .iter()
            .filter(|o| self.scripts.contains_key(&o.script_pubkey))
            .fold(Amount::ZERO, |a, o| a.checked_add(o.value).unwrap_or(a));
        let debit = tx
            .input
            .iter()
            .filter_map(|i| self.output(&i.previous_output))
            .filter(|o| self.scripts.contains_key(&o.script_pubkey))
            .fold(Amount::ZERO, |a, o| a.checked_add(o.value).unwrap_or(a));
        (credit, debit)
    }

    /// Whether an output of ours is change: from one of the internal descriptors (Core
    /// `OutputIsChange`, by the script's descriptor).
    pub fn is_change(&self, script: &Script) -> bool {
        self.is_mine(script)
            .and_then(|(p, _)| self.spkms.get(p))
            .is_some_and(|s| s.active.is_some_and(|(_, internal)| internal))
    }
}

fn flags_json(flags: Flags) -> Value {
    json!({
        "disable_private_keys": flags.disable_private_keys,
        "blank": flags.blank,
        "avoid_reuse": flags.avoid_reuse,
    })
}

fn spkm_to_json(spkm: &DescriptorSpkm) -> Value {
    json!({
        "desc": spkm.text,
        "timestamp": spkm.timestamp,
        "range_start": spkm.range_start,
        "range_end": spkm.range_end,
        "next_index": spkm.next_index,
        "active": spkm.active.map(|(t, internal)| json!({"type": t.name(), "internal": internal})),
    })
}

fn spkm_from_json(v: &Value, network: Network) -> Option<DescriptorSpkm> {
    let text = v["desc"].as_str()?.to_string();
    let descriptor = Descriptor::parse(&text, network, false).ok()?;
    let u = |key: &str| v[key].as_u64().and_then(|n| u32::try_from(n).ok());
    let active = match &v["active"] {
        Value::Null => None,
        a => Some((
            OutputType::parse(a["type"].as_str()?)?,
            a["internal"].as_bool()?,
        )),
    };
    Some(DescriptorSpkm {
        text,
        descriptor,
        timestamp: v["timestamp"].as_i64().unwrap_or(0),
        range_start: u("range_start").unwrap_or(0),
        range_end: u("range_end").unwrap_or(0),
        next_index: u("next_index").unwrap_or(0),
        active,
    })
}
