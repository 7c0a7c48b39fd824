//! A descriptor script-pubkey manager: one descriptor and the scripts it stands for.
//!
//! A ranged descriptor such as `wpkh([fp/84h/1h/0h]tprv.../0/*)` stands for one script per
//! child index. The wallet cannot recognise a payment to a script it has not computed, so
//! it keeps a window of scripts ahead of the last one handed out: Core's keypool, 1,000
//! by default (`-keypool`). `range` is the window computed so far, `next_index` the next
//! child `getnewaddress` hands out; a payment seen to a script inside the window marks
//! every index up to it as used and moves the window on (Core `TopUp`,
//! `MarkUnusedAddresses`), which is how a wallet restored from its words finds coins
//! paid to any of its first thousand addresses.
//!
//! References: Core `DescriptorScriptPubKeyMan` (src/wallet/scriptpubkeyman.cpp),
//! `WalletDescriptor` (src/wallet/walletutil.h).

use sou_keys::SecretKey;
use sou_primitives::Script;
use sou_wallet::descriptor::{Descriptor, Error as DescriptorError};
use sou_wallet::{InputKind, SpendInfo};

/// The four address types of Core's descriptor wallets (`OutputType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OutputType {
    /// P2PKH, `pkh()` (BIP44 paths).
    Legacy,
    /// P2WPKH inside P2SH, `sh(wpkh())` (BIP49).
    P2shSegwit,
    /// P2WPKH, `wpkh()` (BIP84).
    Bech32,
    /// P2TR key path, `tr()` (BIP86).
    Bech32m,
}

impl OutputType {
    /// All four, in Core's order (`OUTPUT_TYPES`).
    pub const ALL: [OutputType; 4] = [
        OutputType::Legacy,
        OutputType::P2shSegwit,
        OutputType::Bech32,
        OutputType::Bech32m,
    ];

    /// Core's name (`FormatOutputType`).
    pub fn name(self) -> &'static str {
        match self {
            OutputType::Legacy => "legacy",
            OutputType::P2shSegwit => "p2sh-segwit",
            OutputType::Bech32 => "bech32",
            OutputType::Bech32m => "bech32m",
        }
    }

    /// Core's `ParseOutputType` (`unknown` is refused too: a wallet cannot make one).
    pub fn parse(name: &str) -> Option<OutputType> {
        OutputType::ALL.into_iter().find(|t| t.name() == name)
    }

    /// The BIP43 purpose of its account path.
    pub fn purpose(self) -> u32 {
        match self {
            OutputType::Legacy => 44,
            OutputType::P2shSegwit => 49,
            OutputType::Bech32 => 84,
            OutputType::Bech32m => 86,
        }
    }

    /// The descriptor function around the key (`sh(wpkh(` closes twice).
    pub fn wrap(self, key: &str) -> String {
        match self {
            OutputType::Legacy => format!("pkh({key})"),
            OutputType::P2shSegwit => format!("sh(wpkh({key}))"),
            OutputType::Bech32 => format!("wpkh({key})"),
            OutputType::Bech32m => format!("tr({key})"),
        }
    }

    /// The type of a descriptor's scripts, when it is one of the four.
    pub fn of(descriptor: &Descriptor) -> Option<OutputType> {
        match descriptor {
            Descriptor::Pkh(_) => Some(OutputType::Legacy),
            Descriptor::Sh(inner) if matches!(**inner, Descriptor::Wpkh(_)) => {
                Some(OutputType::P2shSegwit)
            }
            Descriptor::Wpkh(_) => Some(OutputType::Bech32),
            Descriptor::Tr { tree: None, .. } => Some(OutputType::Bech32m),
            _ => None,
        }
    }
}

/// One descriptor of a wallet with its window of computed scripts (Core's
/// `WalletDescriptor` with its manager's state).
#[derive(Debug, Clone)]
pub struct DescriptorSpkm {
    /// The descriptor as the wallet keeps it: with its secrets if it has any, without
    /// checksum.
    pub text: String,
    /// The same, parsed.
    pub descriptor: Descriptor,
    /// When its keys were made or imported (UNIX time), for `listdescriptors`.
    pub timestamp: i64,
    /// First index of the window (0 for most).
    pub range_start: u32,
    /// One past the last index computed (Core's `range_end`, exclusive); 1 for a
    /// descriptor that is not ranged.
    pub range_end: u32,
    /// The next index `getnewaddress` hands out.
    pub next_index: u32,
    /// For the wallet's own descriptors: which address type it gives, and whether for
    /// change (`internal`). Core calls them the active descriptors.
    pub active: Option<(OutputType, bool)>,
}

impl DescriptorSpkm {
    /// Core's descriptor id: the SHA-256 of the public text, in hex.
    pub fn id(&self) -> String {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(
            self.descriptor.to_string_without_checksum().as_bytes(),
        ))
    }

    /// The public text with its checksum, as `listdescriptors` shows it.
    pub fn public_text(&self) -> String {
        self.descriptor.to_string()
    }

    /// The text with its secrets and checksum (`listdescriptors true`).
    pub fn private_text(&self) -> String {
        sou_wallet::descriptor::add_checksum(&self.text).unwrap_or_else(|| self.text.clone())
    }

    /// Whether it is ranged (`/*`).
    pub fn is_range(&self) -> bool {
        self.descriptor.is_range()
    }

    /// The scripts at child `index`.
    pub fn scripts_at(&self, index: u32) -> Result<Vec<Script>, DescriptorError> {
        self.descriptor.script_pubkeys_at(index)
    }

    /// Grows the window to `next_index + keypool` (Core `TopUp`): the indexes added,
    /// whose scripts the caller learns with [`DescriptorSpkm::scripts_at`].
    pub fn top_up(&mut self, keypool: u32) -> std::ops::Range<u32> {
        if !self.is_range() {
            let old = self.range_end;
            self.range_end = self.range_end.max(1);
            return old..self.range_end;
        }
        let target = self.next_index.saturating_add(keypool.max(1));
        let old = self.range_end;
        if target > old {
            self.range_end = target;
        }
        old..self.range_end
    }

    /// The secret key that signs for the script at `index`, if the descriptor holds one
    /// (its first key: the four types of the wallet have one key each).
    pub fn secret_at(&self, index: u32) -> Option<SecretKey> {
        let key = self.descriptor.keys().into_iter().next()?;
        key.secret_key_at(index).ok().flatten()
    }

    /// What the signer needs to spend the script at `index`, for the four single-key
    /// types; `None` without a secret or for other descriptors.
    pub fn spend_info(&self, index: u32) -> Option<SpendInfo> {
        let secret = self.secret_at(index)?;
        let key = sou_wallet::SigningKey::new(secret.clone());
        Some(match OutputType::of(&self.descriptor)? {
            OutputType::Legacy => SpendInfo::P2pkh(key),
            OutputType::P2shSegwit => SpendInfo::P2shP2wpkh(key),
            OutputType::Bech32 => SpendInfo::P2wpkh(key),
            OutputType::Bech32m => SpendInfo::P2trKeyPath {
                internal_key: secret,
                merkle_root: None,
            },
        })
    }

    /// The size class of an input spending one of its scripts, for the fee estimate.
    pub fn input_kind(&self) -> Option<InputKind> {
        Some(match OutputType::of(&self.descriptor)? {
            OutputType::Legacy => InputKind::P2pkh,
            OutputType::P2shSegwit => InputKind::P2shP2wpkh,
            OutputType::Bech32 => InputKind::P2wpkh,
            OutputType::Bech32m => InputKind::P2trKeyPath,
        })
    }
}

#[cfg(test)]
mod tests {
    use sou_primitives::Network;
    use sou_wallet::descriptor::Descriptor;

    use super::{DescriptorSpkm, OutputType};

    /// BIP84's first test account (its mnemonic is "abandon ... about").
    const ZPUB_ACCOUNT: &str = "[73c5da0a/84h/0h/0h]xpub6CatWdiZiodmUeTDp8LT5or8nmbKNcuyvz7WyksVFkKB4RHwCD3XyuvPEbvqAQY3rAPshWcMLoP2fMFMKHPJ4ZeZXYVUhLv1VMrjPC7PW6V/0/*";

    fn spkm(text: &str) -> DescriptorSpkm {
        DescriptorSpkm {
            text: text.to_string(),
            descriptor: Descriptor::parse(text, Network::Mainnet, false).expect("parses"),
            timestamp: 0,
            range_start: 0,
            range_end: 0,
            next_index: 0,
            active: Some((OutputType::Bech32, false)),
        }
    }

    #[test]
    fn output_types_have_cores_names_and_functions() {
        for t in OutputType::ALL {
            assert_eq!(OutputType::parse(t.name()), Some(t));
            let text = t.wrap(ZPUB_ACCOUNT);
            let parsed = Descriptor::parse(&text, Network::Mainnet, false).expect("parses");
            assert_eq!(OutputType::of(&parsed), Some(t), "{text}");
        }
        assert_eq!(OutputType::parse("unknown"), None);
    }

    #[test]
    fn the_window_runs_keypool_ahead_of_the_next_index() {
        let mut s = spkm(&OutputType::Bech32.wrap(ZPUB_ACCOUNT));
        assert_eq!(s.top_up(20), 0..20);
        assert_eq!(s.top_up(20), 20..20, "nothing to add");
        s.next_index = 5;
        assert_eq!(s.top_up(20), 20..25);
        // BIP84's first receiving address of the account.
        let script = &s.scripts_at(0).expect("derives")[0];
        let address = sou_keys::Address::from_script(script, Network::Mainnet).expect("address");
        assert_eq!(
            address.to_string(),
            "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"
        );
        // No secret in an xpub: nothing to sign with.
        assert!(s.spend_info(0).is_none());
    }
}
