//! An HD wallet: one mnemonic, endless addresses, and the coins they receive.
//!
//! A BIP39 mnemonic becomes a seed, the seed a BIP32 master key, and the master key two
//! *accounts*, each a tree of keys at a standard path:
//!
//! - BIP84, `m/84'/coin'/0'`: native segwit v0 (P2WPKH, `bc1q…`) addresses;
//! - BIP86, `m/86'/coin'/0'`: taproot key-path (P2TR, `bc1p…`) addresses,
//!
//! where `coin` is 0 on mainnet and 1 on the test networks (SLIP44). Each account has a
//! *receive* chain (`…/0/i`, addresses given out) and a *change* chain (`…/1/i`, where
//! payments send their change). A new address is the next index never given out nor
//! seen receiving coins, so no address is used twice. To find its coins after a restore, a wallet watches every
//! address up to `gap limit` (20, BIP44) past the last one that received anything.
//!
//! The wallet does not validate blocks: [`Wallet::apply_block`] reads blocks the caller
//! vouches for (a validating chain hands them over in order) and
//! [`Wallet::disconnect_block`] undoes one in a reorganisation. It tracks three balances:
//! *confirmed* coins it may spend, *unconfirmed* outputs of its transactions not yet in a
//! block, and *immature* coinbase outputs, which consensus lets no one spend before 100
//! confirmations (Core `COINBASE_MATURITY`; Core's own wallet waits for 101). A coin
//! spent by a transaction of the wallet, even unconfirmed, is never offered again:
//! spending it twice is refused.

use std::collections::{BTreeMap, HashMap};

use sou_keys::bip32::{ChildNumber, DerivationPath, Fingerprint, Xpriv};
use sou_keys::bip39::Mnemonic;
use sou_keys::{Address, Keypair, NetworkKind, SecretKey};
use sou_primitives::network::COINBASE_MATURITY;
use sou_primitives::{Amount, Block, FeeRate, Network, OutPoint, Script, Transaction, TxOut, Txid};
use sou_script::VerifyFlags;

use crate::builder::{
    LockTimePolicy, PaymentBuilder, SpendableCoin, UnsignedPayment, SEQUENCE_RBF,
};
use crate::psbt::{KeySource, Nonces, Psbt};
use crate::sign::{self, SigningKey, SpendInfo};
use crate::size::InputKind;
use crate::{Error, Rng};

/// BIP44's gap limit: addresses watched past the last used one.
pub const DEFAULT_GAP_LIMIT: u32 = 20;

/// The two account types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AccountKind {
    /// BIP84: P2WPKH.
    Bip84,
    /// BIP86: P2TR, key path only.
    Bip86,
}

impl AccountKind {
    /// The BIP43 purpose field.
    pub fn purpose(self) -> u32 {
        match self {
            AccountKind::Bip84 => 84,
            AccountKind::Bip86 => 86,
        }
    }

    /// How its outputs are spent.
    pub fn input_kind(self) -> InputKind {
        match self {
            AccountKind::Bip84 => InputKind::P2wpkh,
            AccountKind::Bip86 => InputKind::P2trKeyPath,
        }
    }

    fn slot(self) -> usize {
        match self {
            AccountKind::Bip84 => 0,
            AccountKind::Bip86 => 1,
        }
    }
}

/// Where a key of the wallet sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyOrigin {
    /// Which account.
    pub account: AccountKind,
    /// The change chain (`…/1/i`) or the receive chain (`…/0/i`).
    pub change: bool,
    /// The index on the chain.
    pub index: u32,
}

/// A coin of the wallet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalletCoin {
    /// Where it is.
    pub outpoint: OutPoint,
    /// The output.
    pub output: TxOut,
    /// Which key it pays.
    pub origin: KeyOrigin,
    /// Height of its block; `None` while unconfirmed.
    pub height: Option<u32>,
    /// True for a coinbase output.
    pub coinbase: bool,
}

/// The wallet's balances.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Balance {
    /// Confirmed and spendable.
    pub confirmed: Amount,
    /// Outputs of the wallet's transactions still waiting for a block.
    pub unconfirmed: Amount,
    /// Coinbase outputs under 100 confirmations.
    pub immature: Amount,
}

impl Balance {
    /// All three together.
    pub fn total(&self) -> Amount {
        Amount::from_sat(
            self.confirmed.to_sat() + self.unconfirmed.to_sat() + self.immature.to_sat(),
        )
    }
}

/// What a block changed for the wallet.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BlockEvents {
    /// New coins.
    pub received: Vec<OutPoint>,
    /// Coins spent.
    pub spent: Vec<OutPoint>,
    /// Transactions of the wallet dropped because the block spends their inputs.
    pub conflicted: Vec<Txid>,
}

struct Derived {
    key: SigningKey,
    /// BIP86: the output key pair, tweaked once here.
    tweaked: Option<Keypair>,
    script: Script,
}

struct KeyChain {
    xpriv: Xpriv,
    derived: Vec<Derived>,
    /// Indexes below this were given out.
    issued: u32,
    /// The highest index that received a coin.
    used: Option<u32>,
}

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
        let chain = |kind: AccountKind, change: u32| -> Result<KeyChain, Error> {
            let path: DerivationPath = vec![
                ChildNumber::hardened(kind.purpose())?,
                ChildNumber::hardened(coin)?,
                ChildNumber::hardened(0)?,
                ChildNumber::normal(change)?,
            ]
            .into();
            Ok(KeyChain {
                xpriv: master.derive_path(&path)?,
                derived: Vec::new(),
                issued: 0,
                used: None,
            })
        };
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

    /// Watches `gap_limit` addresses past the last used one on each chain.
    pub fn set_gap_limit(&mut self, gap_limit: u32) -> Result<(), Error> {
        self.gap_limit = gap_limit.max(1);
        self.fill_gaps()
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

    fn fill_gaps(&mut self) -> Result<(), Error> {
        for kind in [AccountKind::Bip84, AccountKind::Bip86] {
            for change in [false, true] {
                let chain = &self.chains[kind.slot()][usize::from(change)];
                let want = chain.issued.max(chain.used.map_or(0, |u| u + 1)) + self.gap_limit;
                for index in u32::try_from(chain.derived.len()).unwrap_or(u32::MAX)..want {
                    self.derive(kind, change, index)?;
                }
            }
        }
        Ok(())
    }

    fn derive(&mut self, kind: AccountKind, change: bool, index: u32) -> Result<(), Error> {
        let chain = &mut self.chains[kind.slot()][usize::from(change)];
        let child = chain.xpriv.derive_child(ChildNumber::normal(index)?)?;
        let key = SigningKey::new(child.secret_key.clone());
        let (script, tweaked) = match kind {
            AccountKind::Bip84 => (
                Address::p2wpkh(&key.public, self.network)?.script_pubkey(),
                None,
            ),
            AccountKind::Bip86 => {
                let internal = key.public.x_only_public_key().0;
                let tweaked = key.secret.keypair().tap_tweak(None)?;
                (
                    Address::p2tr(&internal, None, self.network)?.script_pubkey(),
                    Some(tweaked),
                )
            }
        };
        self.scripts.insert(
            script.clone(),
            KeyOrigin {
                account: kind,
                change,
                index,
            },
        );
        chain.derived.push(Derived {
            key,
            tweaked,
            script,
        });
        Ok(())
    }

    fn issue(&mut self, kind: AccountKind, change: bool) -> Result<Script, Error> {
        let chain = &mut self.chains[kind.slot()][usize::from(change)];
        let index = chain.issued;
        chain.issued += 1;
        self.fill_gaps()?;
        let chain = &self.chains[kind.slot()][usize::from(change)];
        Ok(chain.derived[index as usize].script.clone())
    }

    /// A new receiving address of the account: the next index never given out.
    pub fn next_address(&mut self, kind: AccountKind) -> Result<Address, Error> {
        let script = self.issue(kind, false)?;
        Ok(Address::from_script(&script, self.network)?)
    }

    /// A new change script of the account.
    pub fn next_change_script(&mut self, kind: AccountKind) -> Result<Script, Error> {
        self.issue(kind, true)
    }

    /// The derivation path of a key of the wallet.
    pub fn derivation_path(&self, origin: &KeyOrigin) -> DerivationPath {
        let coin = u32::from(self.network != Network::Mainnet);
        let hardened = |i: u32| ChildNumber::from_u32(i | ChildNumber::HARDENED);
        vec![
            hardened(origin.account.purpose()),
            hardened(coin),
            hardened(0),
            ChildNumber::from_u32(u32::from(origin.change)),
            ChildNumber::from_u32(origin.index),
        ]
        .into()
    }

    /// Whose script this is, if the wallet watches it.
    pub fn origin_of(&self, script: &Script) -> Option<KeyOrigin> {
        self.scripts.get(script).copied()
    }

    /// How to sign for a coin paying `script`, if the wallet holds its key.
    pub fn spend_info(&self, script: &Script) -> Option<SpendInfo> {
        let (derived, origin) = self.derived_of(script)?;
        Some(match (&derived.tweaked, origin.account) {
            (Some(tweaked), AccountKind::Bip86) => SpendInfo::P2trTweaked(tweaked.clone()),
            _ => SpendInfo::P2wpkh(derived.key.clone()),
        })
    }

    /// A key received a coin: as Core's descriptor wallets do (`MarkUnusedAddresses`),
    /// every index up to it counts as given out, so no used address is offered again,
    /// and the watched window moves past it.
    fn mark_used(&mut self, origin: KeyOrigin) -> Result<(), Error> {
        let chain = &mut self.chains[origin.account.slot()][usize::from(origin.change)];
        if chain.used.is_none_or(|u| u < origin.index) {
            chain.used = Some(origin.index);
            chain.issued = chain.issued.max(origin.index + 1);
            self.fill_gaps()?;
        }
        Ok(())
    }

    /// Reads a block at `height` (the caller's chain has validated and connected it):
    /// coins paying the wallet arrive, coins it spends leave, and transactions of the
    /// wallet that it contradicts are dropped.
    pub fn apply_block(&mut self, block: &Block, height: u32) -> Result<BlockEvents, Error> {
        let mut events = BlockEvents::default();
        for tx in &block.txdata {
            let txid = tx.compute_txid();
            if !tx.is_coinbase() {
                for input in &tx.input {
                    let outpoint = input.previous_output;
                    if let Some(other) = self.spent_by.get(&outpoint).copied() {
                        if other != txid {
                            self.drop_pending(other);
                            events.conflicted.push(other);
                        }
                    }
                    if let Some(coin) = self.coins.remove(&outpoint) {
                        self.spent_by.remove(&outpoint);
                        self.spent_in_block.insert(outpoint, (coin, height));
                        events.spent.push(outpoint);
                    }
                }
            }
            self.pending.remove(&txid);
            events
                .received
                .extend(self.add_outputs(tx, txid, Some(height))?);
        }
        self.tip_height = height;
        self.tip_time = block.header.time;
        Ok(events)
    }

    /// Undoes [`Wallet::apply_block`] for the tip block at `height` in a reorganisation:
    /// its coins go, the coins it spent come back, and the wallet's own transactions in
    /// it wait again, unconfirmed.
    pub fn disconnect_block(&mut self, block: &Block, height: u32) -> Result<(), Error> {
        let mut mine = Vec::new();
        for tx in block.txdata.iter().rev() {
            let txid = tx.compute_txid();
            let mut touches = false;
            for (vout, _) in (0u32..).zip(&tx.output) {
                touches |= self.coins.remove(&OutPoint::new(txid, vout)).is_some();
            }
            if !tx.is_coinbase() {
                for input in &tx.input {
                    if let Some((coin, h)) = self.spent_in_block.remove(&input.previous_output) {
                        if h == height {
                            self.coins.insert(input.previous_output, coin);
                            touches = true;
                        }
                    }
                }
                if touches {
                    mine.push(tx.clone());
                }
            }
        }
        self.tip_height = height.saturating_sub(1);
        for tx in mine.into_iter().rev() {
            // Back to waiting for a block, as in a node's mempool; one that conflicts
            // with a payment made since is dropped, as a mempool would.
            match self.add_unconfirmed(&tx) {
                Ok(_) | Err(Error::AlreadySpent(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Forgets a pending transaction that can no longer confirm, and the pending
    /// transactions that spend its outputs, which cannot either.
    fn drop_pending(&mut self, txid: Txid) {
        let mut doomed = vec![txid];
        while let Some(txid) = doomed.pop() {
            let Some(tx) = self.pending.remove(&txid) else {
                continue;
            };
            for input in &tx.input {
                if self.spent_by.get(&input.previous_output) == Some(&txid) {
                    self.spent_by.remove(&input.previous_output);
                }
            }
            for (vout, _) in (0u32..).zip(&tx.output) {
                let outpoint = OutPoint::new(txid, vout);
                self.coins.remove(&outpoint);
                doomed.extend(self.spent_by.remove(&outpoint));
            }
        }
    }

    /// Adds the outputs of `tx` that pay the wallet, confirmed at `height` or pending.
    fn add_outputs(
        &mut self,
        tx: &Transaction,
        txid: Txid,
        height: Option<u32>,
    ) -> Result<Vec<OutPoint>, Error> {
        let mut added = Vec::new();
        for (vout, output) in (0u32..).zip(&tx.output) {
            if let Some(origin) = self.origin_of(&output.script_pubkey) {
                let outpoint = OutPoint::new(txid, vout);
                let coin = WalletCoin {
                    outpoint,
                    output: output.clone(),
                    origin,
                    height,
                    coinbase: tx.is_coinbase(),
                };
                self.coins.insert(outpoint, coin);
                self.mark_used(origin)?;
                added.push(outpoint);
            }
        }
        Ok(added)
    }

    /// Records a transaction of the wallet that is not yet in a block (just sent, or
    /// received unconfirmed). Refuses one that spends a coin another transaction of the
    /// wallet already spends. Returns whether the transaction concerns the wallet.
    pub fn add_unconfirmed(&mut self, tx: &Transaction) -> Result<bool, Error> {
        let txid = tx.compute_txid();
        if self.pending.contains_key(&txid) {
            return Ok(true);
        }
        for input in &tx.input {
            let outpoint = input.previous_output;
            let spent_elsewhere = self
                .spent_by
                .get(&outpoint)
                .is_some_and(|other| *other != txid);
            if spent_elsewhere || self.spent_in_block.contains_key(&outpoint) {
                return Err(Error::AlreadySpent(outpoint));
            }
        }
        let mut touches = false;
        for input in &tx.input {
            if self.coins.contains_key(&input.previous_output) {
                self.spent_by.insert(input.previous_output, txid);
                touches = true;
            }
        }
        touches |= !self.add_outputs(tx, txid, None)?.is_empty();
        if touches {
            self.pending.insert(txid, tx.clone());
        }
        Ok(touches)
    }

    /// Every coin the wallet holds, spent by a pending transaction or not.
    pub fn coins(&self) -> impl Iterator<Item = &WalletCoin> {
        self.coins.values()
    }

    /// The wallet's unconfirmed transactions.
    pub fn pending(&self) -> impl Iterator<Item = &Transaction> {
        self.pending.values()
    }

    fn is_mature(&self, coin: &WalletCoin) -> bool {
        match coin.height {
            Some(h) => !coin.coinbase || self.tip_height.saturating_sub(h) + 1 >= COINBASE_MATURITY,
            None => false,
        }
    }

    /// Confirmed, unconfirmed and immature balances; coins already spent by a pending
    /// transaction count in none of them.
    pub fn balance(&self) -> Balance {
        let mut b = Balance::default();
        for coin in self
            .coins
            .values()
            .filter(|c| !self.spent_by.contains_key(&c.outpoint))
        {
            let slot = match coin.height {
                None => &mut b.unconfirmed,
                Some(_) if self.is_mature(coin) => &mut b.confirmed,
                Some(_) => &mut b.immature,
            };
            *slot = Amount::from_sat(slot.to_sat() + coin.output.value.to_sat());
        }
        b
    }

    /// Coins a new payment may spend: confirmed, mature, and not spent already.
    pub fn spendable_coins(&self) -> Vec<SpendableCoin> {
        self.coins_where(|c| self.is_mature(c))
    }

    /// Spendable coins plus *trusted* unconfirmed ones: outputs of the wallet's own
    /// pending transactions that spend only the wallet's coins (its change). No one else
    /// can double-spend their parents, so Core spends them too when confirmed coins fall
    /// short (`-spendzeroconfchange`).
    pub fn spendable_coins_with_change(&self) -> Vec<SpendableCoin> {
        self.coins_where(|c| self.is_mature(c) || self.is_trusted_change(c))
    }

    fn is_trusted_change(&self, coin: &WalletCoin) -> bool {
        let txid = coin.outpoint.txid;
        coin.height.is_none()
            && self.pending.get(&txid).is_some_and(|tx| {
                tx.input
                    .iter()
                    .all(|i| self.spent_by.get(&i.previous_output) == Some(&txid))
            })
    }

    fn coins_where(&self, eligible: impl Fn(&WalletCoin) -> bool) -> Vec<SpendableCoin> {
        self.coins
            .values()
            .filter(|c| eligible(c) && !self.spent_by.contains_key(&c.outpoint))
            .map(|c| SpendableCoin {
                outpoint: c.outpoint,
                output: c.output.clone(),
                kind: c.origin.account.input_kind(),
            })
            .collect()
    }

    /// Builds `payment` from the wallet's coins (confirmed ones, then its unconfirmed
    /// change if needed), with change to a new change address
    /// (taproot when a recipient is taproot, as Core chooses, else P2WPKH) and Core's
    /// anti-fee-sniping lock time.
    pub fn build_payment(
        &mut self,
        payment: PaymentBuilder,
        rng: &mut Rng,
    ) -> Result<UnsignedPayment, Error> {
        for outpoint in payment.preset_coins() {
            if self.spent_by.contains_key(outpoint) {
                return Err(Error::AlreadySpent(*outpoint));
            }
            if self.spent_in_block.contains_key(outpoint) {
                return Err(Error::AlreadySpent(*outpoint));
            }
        }
        let kind = if payment.recipient_scripts().any(Script::is_p2tr) {
            AccountKind::Bip86
        } else {
            AccountKind::Bip84
        };
        // Peek at the next change script; it is only taken if the payment has change.
        let chain = &self.chains[kind.slot()][1];
        let change_script = chain.derived[chain.issued as usize].script.clone();
        let now = self.clock.unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        });
        let payment = payment
            .change_to(change_script, kind.input_kind())
            .lock_time(LockTimePolicy::AntiFeeSniping {
                tip_height: self.tip_height,
                tip_time: self.tip_time,
                now,
            });
        // Confirmed coins first; the wallet's unconfirmed change only if they fall short
        // (Core's selection stages, in brief).
        let unsigned = match payment.build(&self.spendable_coins(), rng) {
            Err(Error::InsufficientFunds { .. }) | Err(Error::UnknownCoin(_)) => {
                payment.build(&self.spendable_coins_with_change(), rng)?
            }
            result => result?,
        };
        if unsigned.change_index.is_some() {
            self.issue(kind, true)?;
        }
        Ok(unsigned)
    }

    /// Signs a payment built from the wallet's coins.
    pub fn sign(&self, payment: &UnsignedPayment) -> Result<Transaction, Error> {
        payment.sign(|coin| self.spend_info(&coin.output.script_pubkey))
    }

    /// The payment as a PSBT (BIP174), for another signer or a later step: each input
    /// carries the output it spends and its key's origin (BIP32 fingerprint and path),
    /// P2TR inputs their internal key (BIP371), and the change output its origin too.
    pub fn to_psbt(&self, payment: &UnsignedPayment) -> Psbt {
        let mut psbt = Psbt::from_unsigned_tx(payment.tx.clone());
        for (input, coin) in psbt.inputs.iter_mut().zip(&payment.spent) {
            input.witness_utxo = Some(coin.output.clone());
            if let Some((key, origin)) = self.key_of(&coin.output.script_pubkey) {
                input
                    .bip32_derivation
                    .insert(key.public.to_bytes(), self.key_source(&origin));
                if origin.account == AccountKind::Bip86 {
                    input.tap_internal_key = Some(key.public.x_only_public_key().0.serialize());
                }
            }
        }
        for (output, txout) in psbt.outputs.iter_mut().zip(&payment.tx.output) {
            if let Some((key, origin)) = self.key_of(&txout.script_pubkey) {
                output
                    .bip32_derivation
                    .insert(key.public.to_bytes(), self.key_source(&origin));
                if origin.account == AccountKind::Bip86 {
                    output.tap_internal_key = Some(key.public.x_only_public_key().0.serialize());
                }
            }
        }
        psbt
    }

    /// Signs every input of `psbt` that spends a coin of the wallet; returns how many
    /// signatures were added.
    pub fn sign_psbt(&self, psbt: &mut Psbt) -> Result<usize, Error> {
        let keys: Vec<SecretKey> = (0..psbt.inputs.len())
            .filter_map(|i| psbt.spent_output(i))
            .filter_map(|out| self.key_of(&out.script_pubkey))
            .map(|(key, _)| key.secret.clone())
            .collect();
        Ok(psbt.sign(&keys, Nonces::Wallet)?)
    }

    fn key_of(&self, script: &Script) -> Option<(&SigningKey, KeyOrigin)> {
        self.derived_of(script).map(|(d, origin)| (&d.key, origin))
    }

    /// The derived key behind a script of the wallet, and where it sits.
    fn derived_of(&self, script: &Script) -> Option<(&Derived, KeyOrigin)> {
        let origin = self.origin_of(script)?;
        let derived = self.chains[origin.account.slot()][usize::from(origin.change)]
            .derived
            .get(origin.index as usize)?;
        Some((derived, origin))
    }

    fn key_source(&self, origin: &KeyOrigin) -> KeySource {
        KeySource {
            fingerprint: self.fingerprint,
            path: self.derivation_path(origin),
        }
    }

    /// Replaces a pending payment by the same payment at a higher fee rate (BIP125),
    /// taking the extra fee from its change, as Core's `bumpfee` does. The new fee pays
    /// at least `rate` and at least the old fee plus Core's incremental relay fee (1
    /// sat/vB) for the whole transaction: relay rules ask a replacement to pay for its
    /// own bandwidth. The old payment, and anything spending its outputs, is forgotten.
    ///
    /// Returns the signed replacement, which is now pending, and the unsigned payment it
    /// was signed from (its fee, spent coins and estimated weight), as [`Wallet::send`]
    /// does. The fee arithmetic is the builder's ([`UnsignedPayment::replacing`]).
    pub fn bump_fee(
        &mut self,
        txid: Txid,
        rate: FeeRate,
    ) -> Result<(Transaction, UnsignedPayment), Error> {
        let old = self
            .pending
            .get(&txid)
            .cloned()
            .ok_or(Error::NotReplaceable(txid))?;
        if old.input.iter().any(|i| i.sequence > SEQUENCE_RBF) {
            return Err(Error::NotReplaceable(txid));
        }
        let spent: Vec<SpendableCoin> = old
            .input
            .iter()
            .map(|i| {
                let coin = self
                    .coins
                    .get(&i.previous_output)
                    .ok_or(Error::UnknownCoin(i.previous_output))?;
                Ok(SpendableCoin {
                    outpoint: coin.outpoint,
                    output: coin.output.clone(),
                    kind: coin.origin.account.input_kind(),
                })
            })
            .collect::<Result<_, Error>>()?;
        let change_index = old
            .output
            .iter()
            .position(|o| {
                self.origin_of(&o.script_pubkey)
                    .is_some_and(|origin| origin.change)
            })
            .ok_or(Error::NothingToBump(txid))?;
        let replacement = UnsignedPayment::replacing(&old, spent, change_index, rate)?;
        let signed = self.sign(&replacement)?;
        sign::verify_transaction(&signed, &replacement.spent_outputs(), VerifyFlags::STANDARD)?;
        self.drop_pending(txid);
        self.add_unconfirmed(&signed)?;
        Ok((signed, replacement))
    }

    /// Builds, signs, verifies every input under the standard script flags, and records
    /// the payment as pending: what a wallet does before broadcasting.
    pub fn send(
        &mut self,
        payment: PaymentBuilder,
        rng: &mut Rng,
    ) -> Result<(Transaction, UnsignedPayment), Error> {
        let unsigned = self.build_payment(payment, rng)?;
        let tx = self.sign(&unsigned)?;
        sign::verify_transaction(&tx, &unsigned.spent_outputs(), VerifyFlags::STANDARD)?;
        self.add_unconfirmed(&tx)?;
        Ok((tx, unsigned))
    }
}
