//! Paying from the wallet: build, sign, hand over, replace.
//!
//! [`Wallet::build_payment`] turns a [`PaymentBuilder`] into a payment from the wallet's
//! coins: confirmed coins first, its unconfirmed change only if they fall short; change
//! to a new change address of the account that matches the recipients (taproot if one
//! of them is, as Core chooses, P2WPKH otherwise); and Core's anti-fee-sniping lock
//! time, the tip's height, so that a miner gains nothing by mining the last block again
//! to take its fees. [`Wallet::send`] then signs, checks every input under the standard
//! script flags and records the payment as pending: what a wallet does before it
//! broadcasts.
//!
//! For another signer, [`Wallet::to_psbt`] writes the payment as a PSBT (BIP174) with
//! each key's origin, and [`Wallet::sign_psbt`] signs the inputs that are the wallet's.
//! [`Wallet::bump_fee`] replaces a pending payment by one paying a higher fee (BIP125),
//! taking the difference from its change.
//!
//! References: Core `src/wallet/spend.cpp` (`CreateTransaction`, `DiscourageFeeSniping`),
//! `src/wallet/feebumper.cpp`; BIP125, BIP174, BIP371.

use sou_keys::SecretKey;
use sou_primitives::{FeeRate, Script, Transaction, Txid};
use sou_script::VerifyFlags;

use super::{AccountKind, Wallet};
use crate::builder::{
    LockTimePolicy, PaymentBuilder, SpendableCoin, UnsignedPayment, SEQUENCE_RBF,
};
use crate::psbt::{Nonces, Psbt};
use crate::sign;
use crate::{Error, Rng};

impl Wallet {
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
        let change_script = self.peek_change_script(kind);
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
                    input.tap_internal_key = Some(key.public.x_only_public_key().0.into());
                }
            }
        }
        for (output, txout) in psbt.outputs.iter_mut().zip(&payment.tx.output) {
            if let Some((key, origin)) = self.key_of(&txout.script_pubkey) {
                output
                    .bip32_derivation
                    .insert(key.public.to_bytes(), self.key_source(&origin));
                if origin.account == AccountKind::Bip86 {
                    output.tap_internal_key = Some(key.public.x_only_public_key().0.into());
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
