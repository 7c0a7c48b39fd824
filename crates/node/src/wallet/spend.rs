//! Paying from a wallet: which coins, which change, which fee, and the signatures.
//!
//! A payment goes as Core's `CreateTransaction`: the coins that may be spent (mature,
//! and confirmed or our own unconfirmed change: *trusted*), the fee rate (the caller's,
//! else `settxfee`/`-paytxfee`, else a fee estimate, which regtest never has, so
//! `-fallbackfee`, which is zero unless set: then the payment is refused), a change
//! script from the active internal descriptor, and sou-wallet's
//! [`PaymentBuilder`] to choose the coins (Branch and Bound, knapsack, single random
//! draw, by waste) and lay out the transaction with Core's anti-fee-sniping lock time.
//! Each input is signed with the key its descriptor gives at the coin's index.
//!
//! A fee bump (BIP125, `bumpfee`) keeps the inputs and outputs and takes the extra fee
//! from the change ([`UnsignedPayment::replacing`]).
//!
//! A PSBT gets what a signer needs for each input of ours: the spent output (the whole
//! previous transaction for a legacy input), the redeem script of a P2SH-P2WPKH input,
//! the internal key of a taproot one.
//!
//! References: Core `src/wallet/spend.cpp` (`CreateTransactionInternal`,
//! `AvailableCoins`), `src/wallet/fees.cpp` (`GetMinimumFeeRate`),
//! `src/wallet/feebumper.cpp`, `src/wallet/wallet.cpp` (`FillPSBT`).

use sou_keys::PublicKey;
use sou_primitives::{Amount, FeeRate, OutPoint, Script, Transaction, Txid};
use sou_wallet::builder::LockTimePolicy;
use sou_wallet::descriptor::Descriptor;
use sou_wallet::psbt::{KeySource, Psbt, TapKeySource, XOnlyKey};
use sou_wallet::sign::Nonces;
use sou_wallet::{PaymentBuilder, Rng, SpendInfo, SpendableCoin, UnsignedPayment};

use super::descriptor_wallet::{ChainView, DescriptorWallet};
use super::{OutputType, WalletOptions};

/// The fee rate a fee bump adds by default (Core `WALLET_INCREMENTAL_RELAY_FEE`, 5
/// sat/vB: more than nodes ask, to be safe should they ask more one day).
pub const WALLET_INCREMENTAL_RELAY_FEE: FeeRate = FeeRate::from_sat_per_kvb(5000);

/// Why a payment could not be made: Core's message, and its RPC code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpendError {
    /// Core's code (-6 for what `CreateTransaction` refuses, -4, -5, -8 otherwise).
    pub code: i32,
    /// Core's message.
    pub message: String,
}

impl SpendError {
    fn new(code: i32, message: impl Into<String>) -> SpendError {
        SpendError {
            code,
            message: message.into(),
        }
    }

    /// `RPC_WALLET_INSUFFICIENT_FUNDS` (-6), the code of every `CreateTransaction` refusal.
    fn funds(message: impl Into<String>) -> SpendError {
        SpendError::new(-6, message)
    }

    /// `RPC_WALLET_ERROR` (-4).
    pub fn wallet(message: impl Into<String>) -> SpendError {
        SpendError::new(-4, message)
    }
}

/// What to pay (the parameters of `sendtoaddress`, `sendmany`, `send`,
/// `walletcreatefundedpsbt`).
#[derive(Debug, Clone, Default)]
pub struct PaymentRequest {
    /// Scripts and amounts.
    pub recipients: Vec<(Script, Amount)>,
    /// An `OP_RETURN` output's data.
    pub data: Option<Vec<u8>>,
    /// The caller's fee rate (`fee_rate`, sat/vB), if any.
    pub fee_rate: Option<FeeRate>,
    /// BIP125 signalling (`replaceable`); the wallet's `-walletrbf` when `None`.
    pub rbf: Option<bool>,
    /// Inputs the payment must spend.
    pub inputs: Vec<OutPoint>,
    /// Whether to add more coins than `inputs` (`add_inputs`).
    pub add_inputs: bool,
    /// The change's address type (`change_type`).
    pub change_type: Option<OutputType>,
    /// A change script given by the caller (`changeAddress`).
    pub change_script: Option<Script>,
    /// A fixed lock time (`locktime`).
    pub lock_time: Option<u32>,
    /// Spend coins without private keys too (a PSBT for another signer).
    pub watch_only: bool,
}

/// Where the tip is, for the anti-fee-sniping lock time.
#[derive(Debug, Clone, Copy)]
pub struct TipInfo {
    /// Height of the tip.
    pub height: u32,
    /// Its timestamp.
    pub time: u32,
    /// The node's clock.
    pub now: i64,
}

/// Core's `GetMinimumFeeRate` without estimates: the caller's rate, else
/// `settxfee`/`-paytxfee`, else `-fallbackfee`; none of them is Core's refusal.
pub fn fee_rate(
    wallet: &DescriptorWallet,
    options: &WalletOptions,
    requested: Option<FeeRate>,
) -> Result<FeeRate, SpendError> {
    let rate = requested
        .or(wallet.pay_tx_fee)
        .or((options.pay_tx_fee != FeeRate::ZERO).then_some(options.pay_tx_fee))
        .or((options.fallback_fee != FeeRate::ZERO).then_some(options.fallback_fee))
        .ok_or_else(|| {
            SpendError::funds(
                "Fee estimation failed. Fallbackfee is disabled. Wait a few blocks or enable -fallbackfee.",
            )
        })?;
    if rate < FeeRate::MIN_RELAY {
        return Err(SpendError::funds(format!(
            "Fee rate ({}) is lower than the minimum fee rate setting ({})",
            sat_per_vb_text(rate),
            sat_per_vb_text(FeeRate::MIN_RELAY)
        )));
    }
    Ok(rate)
}

/// `1.000 sat/vB`, as Core's `CFeeRate::ToString(FeeEstimateMode::SAT_VB)`.
pub fn sat_per_vb_text(rate: FeeRate) -> String {
    let kvb = rate.to_sat_per_kvb();
    format!("{}.{:03} sat/vB", kvb / 1000, kvb % 1000)
}

impl DescriptorWallet {
    /// What the signer needs for an output of ours.
    pub fn spend_info_for(&self, script: &Script) -> Option<SpendInfo> {
        let (position, index) = self.is_mine(script)?;
        self.spkms.get(position)?.spend_info(index)
    }

    /// The size class of an input spending an output of ours.
    fn input_kind_for(&self, script: &Script) -> Option<sou_wallet::InputKind> {
        let (position, _) = self.is_mine(script)?;
        self.spkms.get(position)?.input_kind()
    }

    /// The coins a payment may spend (Core `AvailableCoins` with its defaults): mature,
    /// trusted, of a type the wallet signs (or, for a PSBT, any of the four types).
    pub fn spendable_coins(&self, view: ChainView<'_>, watch_only: bool) -> Vec<SpendableCoin> {
        self.coins(view)
            .into_iter()
            .filter(|c| !c.immature() && c.trusted)
            .filter_map(|c| {
                let script = &c.output.script_pubkey;
                let kind = self.input_kind_for(script)?;
                let signable = self.spend_info_for(script).is_some();
                (signable || watch_only).then_some(SpendableCoin {
                    outpoint: c.outpoint,
                    output: c.output,
                    kind,
                })
            })
            .collect()
    }

    /// The change type of a payment (Core `TransactionChangeType`): `-changetype` or the
    /// caller's, else bech32m when a recipient is taproot and the wallet has it, else
    /// bech32, else the wallet's default type.
    fn change_type(&self, request: &PaymentRequest, options: &WalletOptions) -> OutputType {
        if let Some(t) = request.change_type.or(options.change_type) {
            return t;
        }
        let taproot = request.recipients.iter().any(|(s, _)| s.is_p2tr());
        if taproot && self.active_spkm(OutputType::Bech32m, true).is_some() {
            return OutputType::Bech32m;
        }
        if self.active_spkm(OutputType::Bech32, true).is_some() {
            return OutputType::Bech32;
        }
        options.address_type
    }

    /// The next change script of `output_type`, without handing it out yet.
    fn peek_change(&self, output_type: OutputType) -> Option<(Script, usize)> {
        let position = self.active_spkm(output_type, true)?;
        let spkm = self.spkms.get(position)?;
        let script = spkm.scripts_at(spkm.next_index).ok()?.into_iter().next()?;
        Some((script, position))
    }

    /// Builds (unsigned) the payment `request` at `rate` (Core
    /// `CreateTransactionInternal`), and hands out the change script if it is used.
    pub fn create_transaction(
        &mut self,
        view: ChainView<'_>,
        request: &PaymentRequest,
        rate: FeeRate,
        options: &WalletOptions,
        tip: TipInfo,
    ) -> Result<UnsignedPayment, SpendError> {
        let mut builder = PaymentBuilder::new(rate)
            .rbf(request.rbf.unwrap_or(options.rbf))
            .max_fee(options.max_tx_fee)
            .lock_time(match request.lock_time {
                Some(t) => LockTimePolicy::Fixed(t),
                None => LockTimePolicy::AntiFeeSniping {
                    tip_height: tip.height,
                    tip_time: tip.time,
                    now: tip.now,
                },
            });
        for (script, amount) in &request.recipients {
            builder = builder.pay(script.clone(), *amount);
        }
        if let Some(data) = &request.data {
            builder = builder.data(data);
        }
        let change_type = self.change_type(request, options);
        let change = match &request.change_script {
            Some(script) => Some((script.clone(), None)),
            None => self
                .peek_change(change_type)
                .map(|(script, position)| (script, Some(position))),
        };
        if let Some((script, _)) = &change {
            let kind = self
                .input_kind_for(script)
                .unwrap_or(sou_wallet::InputKind::P2wpkh);
            builder = builder.change_to(script.clone(), kind);
        }
        let all = self.spendable_coins(view, request.watch_only);
        let mut coins = Vec::new();
        for outpoint in &request.inputs {
            let coin = all
                .iter()
                .find(|c| c.outpoint == *outpoint)
                .cloned()
                .ok_or_else(|| {
                    SpendError::new(
                        -8,
                        format!("Input not found. UTXO ({}:{}) is not part of the wallet or is already spent.", outpoint.txid, outpoint.vout),
                    )
                })?;
            builder = builder.must_spend(coin.outpoint);
            coins.push(coin);
        }
        if request.inputs.is_empty() || request.add_inputs {
            coins = all;
        }
        let mut rng = Rng::from_os().map_err(|e| SpendError::wallet(e.to_string()))?;
        let payment = builder.build(&coins, &mut rng).map_err(payment_error)?;
        if payment.change_index.is_some() && matches!(change, Some((_, Some(_)))) {
            // The change script peeked at is now used: hand it out for good.
            self.new_script(change_type, true)
                .map_err(|e| SpendError::wallet(e.to_string()))?;
        }
        Ok(payment)
    }

    /// Signs every input of `payment` (all must be ours, with keys).
    pub fn sign_payment(&self, payment: &UnsignedPayment) -> Result<Transaction, SpendError> {
        payment
            .sign(|coin| self.spend_info_for(&coin.output.script_pubkey))
            .map_err(|e| SpendError::wallet(format!("Signing transaction failed: {e}")))
    }

    /// The coins a wallet transaction spends, when every one is an output of ours.
    pub fn spent_coins(&self, tx: &Transaction) -> Option<Vec<SpendableCoin>> {
        tx.input
            .iter()
            .map(|input| {
                let output = self.output(&input.previous_output)?.clone();
                let kind = self.input_kind_for(&output.script_pubkey)?;
                Some(SpendableCoin {
                    outpoint: input.previous_output,
                    output,
                    kind,
                })
            })
            .collect()
    }

    /// Core's `feebumper::PreconditionChecks` and the replacement (unsigned) of `txid`
    /// at `rate`, or at the old rate plus [`WALLET_INCREMENTAL_RELAY_FEE`] when `None`.
    pub fn bump_fee(
        &self,
        view: ChainView<'_>,
        txid: Txid,
        rate: Option<FeeRate>,
    ) -> Result<(UnsignedPayment, Amount), SpendError> {
        let wtx = self
            .txs
            .get(&txid)
            .ok_or_else(|| SpendError::new(-5, "Invalid or non-wallet transaction id"))?;
        // Core's `PreconditionChecks`, in its order and with its result codes.
        let outpoints = (0..wtx.tx.output.len())
            .filter_map(|vout| u32::try_from(vout).ok())
            .map(|vout| OutPoint::new(txid, vout));
        let wallet_spend = outpoints.clone().any(|outpoint| {
            self.spenders_of(&outpoint)
                .iter()
                .filter_map(|t| self.txs.get(t))
                .any(|w| w.replaced_by.is_none() && view.depth(w) >= 0)
        });
        if wallet_spend {
            return Err(SpendError::new(
                -8,
                "Transaction has descendants in the wallet",
            ));
        }
        if outpoints
            .clone()
            .any(|o| view.mempool.spender(&o).is_some())
        {
            return Err(SpendError::new(
                -8,
                "Transaction has descendants in the mempool",
            ));
        }
        // Core's depth is 0 for a transaction neither confirmed nor conflicting with a
        // block, in the pool or not (sou's -1): only a confirmed one is refused here.
        if view.depth(wtx) > 0 {
            return Err(SpendError::wallet(
                "Transaction has been mined, or is conflicted with a mined transaction",
            ));
        }
        if !wtx.tx.input.iter().any(|i| i.sequence < 0xffff_fffe) {
            return Err(SpendError::wallet("Transaction is not BIP 125 replaceable"));
        }
        if let Some(by) = wtx.replaced_by {
            return Err(SpendError::wallet(format!(
                "Cannot bump transaction {txid} which was already bumped by transaction {by}"
            )));
        }
        let spent = self.spent_coins(&wtx.tx).ok_or_else(|| {
            SpendError::wallet("Transaction contains inputs that don't belong to this wallet")
        })?;
        let change_index = wtx
            .tx
            .output
            .iter()
            .position(|o| self.is_change(&o.script_pubkey))
            .ok_or_else(|| {
                SpendError::wallet(
                    "Unable to create transaction. Transaction does not have a change output",
                )
            })?;
        let input_value = Amount::checked_sum(spent.iter().map(|c| c.output.value));
        let output_value = wtx.tx.total_output_value();
        let old_fee = input_value
            .zip(output_value)
            .and_then(|(i, o)| i.checked_sub(o))
            .unwrap_or(Amount::ZERO);
        let vsize = wtx.tx.vsize().max(1);
        let old_rate = u64::try_from(old_fee.to_sat())
            .unwrap_or(0)
            .saturating_mul(1000)
            / vsize;
        // Core's `EstimateFeeRate`: the old rate, one satoshi per kvB more for its
        // rounding, plus the wallet's incremental relay fee.
        let rate = rate.unwrap_or_else(|| {
            FeeRate::from_sat_per_kvb(old_rate + 1 + WALLET_INCREMENTAL_RELAY_FEE.to_sat_per_kvb())
        });
        let payment = UnsignedPayment::replacing(&wtx.tx, spent, change_index, rate).map_err(
            |e| match e {
                sou_wallet::Error::InsufficientFunds { .. } => {
                    SpendError::wallet("Change output is too small to bump the fee")
                }
                other => SpendError::wallet(other.to_string()),
            },
        )?;
        Ok((payment, old_fee))
    }

    /// Adds what the wallet knows to `psbt` (spent outputs, redeem scripts, taproot
    /// internal keys, and with `bip32derivs` the keys' BIP32 origins, of inputs and of
    /// outputs that are ours) and, if `sign`, signs the inputs it has keys for (Core
    /// `FillPSBT`). Returns whether every input is complete after finalizing (`finalize`).
    pub fn fill_psbt(
        &self,
        psbt: &mut Psbt,
        sign: bool,
        finalize: bool,
        bip32derivs: bool,
    ) -> Result<bool, String> {
        if bip32derivs {
            for (output, txout) in psbt.outputs.iter_mut().zip(&psbt.unsigned_tx.output) {
                let Some((position, child)) = self.is_mine(&txout.script_pubkey) else {
                    continue;
                };
                let Some(spkm) = self.spkms.get(position) else {
                    continue;
                };
                if let Some((public, source)) = key_record(spkm, child) {
                    if OutputType::of(&spkm.descriptor) == Some(OutputType::Bech32m) {
                        let xonly: XOnlyKey = public.x_only_public_key().0.into();
                        output.tap_internal_key.get_or_insert(xonly);
                        output.tap_bip32_derivation.insert(
                            xonly,
                            TapKeySource {
                                leaf_hashes: Default::default(),
                                source,
                            },
                        );
                    } else {
                        output.bip32_derivation.insert(public.to_bytes(), source);
                    }
                }
            }
        }
        let mut keys = Vec::new();
        let mut ours = Vec::new();
        for index in 0..psbt.inputs.len() {
            let Some(outpoint) = psbt.unsigned_tx.input.get(index).map(|i| i.previous_output)
            else {
                continue;
            };
            let from_wallet = self.txs.get(&outpoint.txid);
            let spent = psbt.spent_output(index).or_else(|| {
                from_wallet.and_then(|w| w.tx.output.get(outpoint.vout as usize).cloned())
            });
            let Some(spent) = spent else { continue };
            let Some((position, child)) = self.is_mine(&spent.script_pubkey) else {
                continue;
            };
            let Some(spkm) = self.spkms.get(position) else {
                continue;
            };
            let input = &mut psbt.inputs[index];
            let output_type = OutputType::of(&spkm.descriptor);
            if input.witness_utxo.is_none() && input.non_witness_utxo.is_none() {
                match (output_type, from_wallet) {
                    (Some(OutputType::Legacy), Some(w)) => {
                        input.non_witness_utxo = Some(w.tx.as_ref().clone())
                    }
                    _ => input.witness_utxo = Some(spent.clone()),
                }
            }
            if let Ok(Descriptor::Sh(inner)) = spkm.descriptor.derive(child) {
                if let Ok(redeem) = inner.script_pubkey() {
                    input.redeem_script.get_or_insert(redeem);
                }
            }
            if output_type == Some(OutputType::Bech32m) && input.tap_internal_key.is_none() {
                let key = spkm
                    .descriptor
                    .keys()
                    .first()
                    .map(|k| k.public_key_at(child));
                if let Some(Ok(bytes)) = key {
                    if let Ok(public) = PublicKey::from_slice(&bytes) {
                        input.tap_internal_key = Some(public.x_only_public_key().0.into());
                    }
                }
            }
            if bip32derivs {
                if let Some((public, source)) = key_record(spkm, child) {
                    if output_type == Some(OutputType::Bech32m) {
                        input.tap_bip32_derivation.insert(
                            public.x_only_public_key().0.into(),
                            TapKeySource {
                                leaf_hashes: Default::default(),
                                source,
                            },
                        );
                    } else {
                        input.bip32_derivation.insert(public.to_bytes(), source);
                    }
                }
            }
            if sign {
                if let Some(secret) = spkm.secret_at(child) {
                    ours.push(index);
                    keys.push(secret);
                }
            }
        }
        if sign && !keys.is_empty() {
            // sou-wallet's signer wants every input's spent output; the inputs of others
            // (maybe unknown) are set aside, marked final, while it signs ours.
            let others: Vec<_> = (0..psbt.inputs.len())
                .filter(|i| !ours.contains(i) && !psbt.inputs[*i].is_final())
                .map(|i| (i, psbt.inputs[i].clone()))
                .collect();
            for (index, _) in &others {
                psbt.inputs[*index].final_script_sig = Some(Script::from_bytes(vec![0x51]));
            }
            let signed = psbt.sign(&keys, Nonces::Wallet);
            for (index, input) in others {
                psbt.inputs[index] = input;
            }
            signed.map_err(|e| e.to_string())?;
        }
        if finalize {
            finalize_what_can_be(psbt);
        }
        Ok(psbt.inputs.iter().all(|i| i.is_final()))
    }
}

/// The key of a single-key descriptor at `child` with its BIP32 origin, as a PSBT records
/// it.
fn key_record(spkm: &super::DescriptorSpkm, child: u32) -> Option<(PublicKey, KeySource)> {
    let key = spkm.descriptor.keys().into_iter().next()?;
    let public = PublicKey::from_slice(&key.public_key_at(child).ok()?).ok()?;
    let (fingerprint, path) = key.key_origin_at(child)?;
    Some((
        public,
        KeySource {
            fingerprint,
            path: path.into(),
        },
    ))
}

/// Finalizes every input that has its signatures, and leaves the others as they are.
/// sou-wallet's finalizer stops at the first input it cannot complete; that input is set
/// aside (marked final for the moment) and the finalizer runs again, once per input at
/// most.
fn finalize_what_can_be(psbt: &mut Psbt) {
    let mut set_aside = Vec::new();
    for _ in 0..=psbt.inputs.len() {
        if psbt.finalize().is_ok() {
            break;
        }
        // The finalizer goes in order: the first input still not final is the one that
        // failed.
        let Some(index) = psbt.inputs.iter().position(|i| !i.is_final()) else {
            break;
        };
        set_aside.push((index, psbt.inputs[index].clone()));
        psbt.inputs[index].final_script_sig = Some(Script::from_bytes(vec![0x51]));
    }
    for (index, input) in set_aside {
        psbt.inputs[index] = input;
    }
}

/// Core's messages for what `CreateTransaction` refuses.
fn payment_error(e: sou_wallet::Error) -> SpendError {
    use sou_wallet::Error as E;
    match e {
        E::InsufficientFunds { .. } | E::UnknownCoin(_) | E::AlreadySpent(_) => {
            SpendError::funds("Insufficient funds")
        }
        E::Dust { .. } => SpendError::funds("Transaction amount too small"),
        E::FeeTooHigh { .. } => {
            SpendError::funds("Fee exceeds maximum configured by user (e.g. -maxtxfee, maxfeerate)")
        }
        E::NoRecipients => SpendError::new(-8, "Transaction must have at least one recipient"),
        E::InvalidAmount(_) => SpendError::new(-3, "Invalid amount"),
        E::DataTooLarge(_) => SpendError::new(-8, "Data must be at most 80 bytes"),
        E::NoChangeScript => {
            SpendError::funds("Transaction needs a change address, but we can't generate it.")
        }
        other => SpendError::funds(other.to_string()),
    }
}
