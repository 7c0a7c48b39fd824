//! Accounts and addresses: which keys the wallet derives, and how many it watches.
//!
//! From its master key the wallet derives two *accounts*, each a tree of keys at a
//! standard path (BIP43: the first level names the scheme):
//!
//! - BIP84, `m/84'/coin'/0'`: native segwit v0 (P2WPKH, `bc1q…`) addresses;
//! - BIP86, `m/86'/coin'/0'`: taproot key-path (P2TR, `bc1p…`) addresses,
//!
//! where `coin` is 0 on mainnet and 1 on the test networks (SLIP44). Each account has a
//! *receive* chain (`…/0/i`, addresses given out) and a *change* chain (`…/1/i`, where
//! payments send their change). A new address is the next index never given out nor
//! seen receiving coins, so no address is used twice.
//!
//! A restored wallet knows nothing of the addresses it gave out, so it watches every
//! address up to the *gap limit* ([`DEFAULT_GAP_LIMIT`], 20, BIP44) past the last one
//! that received anything; each coin found moves the window on. Every key is derived
//! once and kept with its output script (a BIP86 key with its tweaked key pair, the
//! output key of BIP341), so matching a block's outputs is a map lookup
//! ([`Wallet::origin_of`]).
//!
//! References: BIP32, BIP43, BIP44, BIP84, BIP86, SLIP44; Core `MarkUnusedAddresses`
//! (src/wallet/wallet.cpp).

use sou_keys::bip32::{ChildNumber, DerivationPath, Xpriv};
use sou_keys::{Address, Keypair};
use sou_primitives::{Network, Script};

use super::Wallet;
use crate::psbt::KeySource;
use crate::sign::{SigningKey, SpendInfo};
use crate::size::InputKind;
use crate::Error;

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

    /// Where the account's chains sit in the wallet's `chains`.
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

/// A key derived once, with its output script.
struct Derived {
    key: SigningKey,
    /// BIP86: the output key pair, tweaked once here.
    tweaked: Option<Keypair>,
    script: Script,
}

/// One chain of an account, receive or change: the keys derived on it so far.
pub(super) struct KeyChain {
    xpriv: Xpriv,
    derived: Vec<Derived>,
    /// Indexes below this were given out.
    issued: u32,
    /// The highest index that received a coin.
    used: Option<u32>,
}

impl KeyChain {
    /// The chain `m/purpose'/coin'/0'/change` of an account, no key derived yet.
    pub(super) fn new(
        master: &Xpriv,
        kind: AccountKind,
        coin: u32,
        change: u32,
    ) -> Result<KeyChain, Error> {
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
    }
}

impl Wallet {
    /// Watches `gap_limit` addresses past the last used one on each chain.
    pub fn set_gap_limit(&mut self, gap_limit: u32) -> Result<(), Error> {
        self.gap_limit = gap_limit.max(1);
        self.fill_gaps()
    }

    /// Derives keys until each chain watches `gap_limit` addresses past the last one
    /// given out or used.
    pub(super) fn fill_gaps(&mut self) -> Result<(), Error> {
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

    /// Derives key `index` of a chain and watches its output script.
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

    /// Gives out the next index of a chain: a script never given out before.
    pub(super) fn issue(&mut self, kind: AccountKind, change: bool) -> Result<Script, Error> {
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

    /// The change script [`Wallet::next_change_script`] would give, without taking it.
    pub(super) fn peek_change_script(&self, kind: AccountKind) -> Script {
        let chain = &self.chains[kind.slot()][1];
        chain.derived[chain.issued as usize].script.clone()
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
    pub(super) fn mark_used(&mut self, origin: KeyOrigin) -> Result<(), Error> {
        let chain = &mut self.chains[origin.account.slot()][usize::from(origin.change)];
        if chain.used.is_none_or(|u| u < origin.index) {
            chain.used = Some(origin.index);
            chain.issued = chain.issued.max(origin.index + 1);
            self.fill_gaps()?;
        }
        Ok(())
    }

    /// The key behind a script of the wallet, and where it sits.
    pub(super) fn key_of(&self, script: &Script) -> Option<(&SigningKey, KeyOrigin)> {
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

    /// A key's origin as a PSBT records it: the master fingerprint and the path.
    pub(super) fn key_source(&self, origin: &KeyOrigin) -> KeySource {
        KeySource {
            fingerprint: self.fingerprint,
            path: self.derivation_path(origin),
        }
    }
}
