//! Building a payment: from "pay this address that much" to an unsigned transaction.
//!
//! [`PaymentBuilder`] follows Core's `CreateTransactionInternal` (`src/wallet/spend.cpp`):
//!
//! 1. **Outputs.** Each recipient gets an output; an amount under its script's dust
//!    threshold is refused, since nodes would not relay it. An optional `OP_RETURN`
//!    output carries up to 80 bytes of data.
//! 2. **Fees.** The fee is the rate (sat/vB) times the signed virtual size, which is
//!    predicted before signing (see [`crate::size`]).
//! 3. **Coins.** [`crate::select`] chooses inputs whose value, less their own fees,
//!    covers the amounts and the fee of the other bytes.
//! 4. **Change.** What is left goes back to the wallet's change script, at a random
//!    position among the outputs, unless it is too small to be worth spending: then it
//!    is left to the miner and the transaction is changeless.
//! 5. **Signals.** Every input's sequence is `0xfffffffd`, opting in to replacement by a
//!    higher fee (BIP125), unless RBF is turned off (`0xfffffffe`, which still lets the
//!    lock time apply). The lock time is the current height, as Core sets it against
//!    *fee sniping*: a miner who re-mines the tip to steal its fees cannot include this
//!    transaction, which is only valid in the next block. One time in ten it is set up
//!    to 99 blocks further back, so that delayed transactions do not stand out; when the
//!    tip is older than eight hours (the wallet is behind), it is zero.

use sou_primitives::opcodes::OP_RETURN;
use sou_primitives::script::Builder;
use sou_primitives::transaction::SEQUENCE_FINAL;
use sou_primitives::{Amount, FeeRate, OutPoint, Script, Transaction, TxIn, TxOut, Witness};
use sou_script::PrecomputedTransactionData;

use crate::select::{self, Candidate, SelectionParams};
use crate::sign::{self, SpendInfo};
use crate::size::{self, InputKind};
use crate::{Algorithm, Error, Rng};

/// BIP125's largest sequence that signals replaceability (Core `MAX_BIP125_RBF_SEQUENCE`).
pub const SEQUENCE_RBF: u32 = 0xffff_fffd;
/// The largest sequence that keeps the lock time active (Core `MAX_SEQUENCE_NONFINAL`).
pub const SEQUENCE_NONFINAL: u32 = SEQUENCE_FINAL - 1;
/// The most `OP_RETURN` data Core relayed by default for a decade (`MAX_OP_RETURN_RELAY`
/// of 83 script bytes).
pub const MAX_DATA_LEN: usize = 80;
/// How old the tip may be for anti-fee-sniping (Core `MAX_ANTI_FEE_SNIPING_TIP_AGE`).
pub const MAX_ANTI_FEE_SNIPING_TIP_AGE: i64 = 8 * 60 * 60;

/// A coin the builder may spend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpendableCoin {
    /// Where it is.
    pub outpoint: OutPoint,
    /// The output itself.
    pub output: TxOut,
    /// How it will be spent, for the size estimate.
    pub kind: InputKind,
}

/// How to set the lock time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockTimePolicy {
    /// Core's anti-fee-sniping (see the module documentation).
    AntiFeeSniping {
        /// Height of the wallet's tip.
        tip_height: u32,
        /// Timestamp of the tip block.
        tip_time: u32,
        /// The current Unix time.
        now: i64,
    },
    /// This exact lock time.
    Fixed(u32),
}

/// A payment being described; [`PaymentBuilder::build`] turns it into a transaction.
#[derive(Debug, Clone)]
pub struct PaymentBuilder {
    recipients: Vec<TxOut>,
    data: Option<Vec<u8>>,
    fee_rate: FeeRate,
    rbf: bool,
    lock_time: LockTimePolicy,
    change: Option<(Script, InputKind)>,
    must_spend: Vec<OutPoint>,
    long_term_fee_rate: FeeRate,
    discard_fee_rate: FeeRate,
    dust_relay_fee_rate: FeeRate,
    max_fee: Amount,
}

/// Core's `DEFAULT_TRANSACTION_MAXFEE` (`-maxtxfee`): 0.1 BTC, a guard against a fee rate
/// typed in the wrong unit.
pub const DEFAULT_MAX_FEE: Amount = Amount::from_sat(10_000_000);

/// A built, unsigned payment.
#[derive(Debug, Clone)]
pub struct UnsignedPayment {
    /// The transaction, inputs without scriptSigs or witnesses.
    pub tx: Transaction,
    /// The coins spent, in input order.
    pub spent: Vec<SpendableCoin>,
    /// The fee it pays.
    pub fee: Amount,
    /// Its predicted weight once signed.
    pub estimated_weight: u64,
    /// Which output is the change, if any.
    pub change_index: Option<usize>,
    /// Which algorithm chose the coins (`None` when the preset coins were enough).
    pub algorithm: Option<Algorithm>,
}

impl UnsignedPayment {
    /// Predicted virtual size once signed.
    pub fn estimated_vsize(&self) -> u64 {
        self.estimated_weight.div_ceil(4)
    }

    /// The outputs the inputs spend, in order.
    pub fn spent_outputs(&self) -> Vec<TxOut> {
        self.spent.iter().map(|c| c.output.clone()).collect()
    }

    /// Signs every input with the keys `keys` gives for each spent coin.
    pub fn sign(
        &self,
        keys: impl Fn(&SpendableCoin) -> Option<SpendInfo>,
    ) -> Result<Transaction, Error> {
        let mut tx = self.tx.clone();
        let precomputed = PrecomputedTransactionData::new(&tx, self.spent_outputs());
        for (index, coin) in self.spent.iter().enumerate() {
            let info = keys(coin).ok_or(Error::UnknownCoin(coin.outpoint))?;
            sign::sign_input(&mut tx, index, &info, &precomputed)?;
        }
        Ok(tx)
    }
}

impl PaymentBuilder {
    /// An empty payment at `fee_rate` (at least 1 sat/vB, Core's minimum relay rate),
    /// with RBF on and a lock time of zero until [`PaymentBuilder::lock_time`] says
    /// otherwise.
    pub fn new(fee_rate: FeeRate) -> PaymentBuilder {
        PaymentBuilder {
            recipients: Vec::new(),
            data: None,
            fee_rate,
            rbf: true,
            lock_time: LockTimePolicy::Fixed(0),
            change: None,
            must_spend: Vec::new(),
            long_term_fee_rate: select::DEFAULT_LONG_TERM_FEE_RATE,
            discard_fee_rate: select::DEFAULT_DISCARD_FEE_RATE,
            dust_relay_fee_rate: FeeRate::DUST_RELAY,
            max_fee: DEFAULT_MAX_FEE,
        }
    }

    /// Pays `amount` to `script_pubkey` (an address's [`sou_keys::Address::script_pubkey`]).
    pub fn pay(mut self, script_pubkey: Script, amount: Amount) -> PaymentBuilder {
        self.recipients.push(TxOut {
            value: amount,
            script_pubkey,
        });
        self
    }

    /// Adds an `OP_RETURN` output carrying `data` (at most 80 bytes).
    pub fn data(mut self, data: &[u8]) -> PaymentBuilder {
        self.data = Some(data.to_vec());
        self
    }

    /// Signals BIP125 replaceability (the default) or not.
    pub fn rbf(mut self, rbf: bool) -> PaymentBuilder {
        self.rbf = rbf;
        self
    }

    /// How to set the lock time.
    pub fn lock_time(mut self, policy: LockTimePolicy) -> PaymentBuilder {
        self.lock_time = policy;
        self
    }

    /// Where change goes, and how it would later be spent (for its cost).
    pub fn change_to(mut self, script: Script, kind: InputKind) -> PaymentBuilder {
        self.change = Some((script, kind));
        self
    }

    /// Spends this coin whatever the selection decides.
    pub fn must_spend(mut self, outpoint: OutPoint) -> PaymentBuilder {
        self.must_spend.push(outpoint);
        self
    }

    /// The long-term fee rate for the waste metric (default 10 sat/vB).
    pub fn long_term_fee_rate(mut self, rate: FeeRate) -> PaymentBuilder {
        self.long_term_fee_rate = rate;
        self
    }

    /// The fee rate under which change is not worth keeping (default 10 sat/vB).
    pub fn discard_fee_rate(mut self, rate: FeeRate) -> PaymentBuilder {
        self.discard_fee_rate = rate;
        self
    }

    /// The coins named with [`PaymentBuilder::must_spend`].
    pub fn preset_coins(&self) -> impl Iterator<Item = &OutPoint> {
        self.must_spend.iter()
    }

    /// The recipients' scripts.
    pub fn recipient_scripts(&self) -> impl Iterator<Item = &Script> {
        self.recipients.iter().map(|o| &o.script_pubkey)
    }

    /// The largest fee the payment may pay (default 0.1 BTC, as Core's `-maxtxfee`).
    pub fn max_fee(mut self, max: Amount) -> PaymentBuilder {
        self.max_fee = max;
        self
    }

    /// The outputs the payment asks for, data output last.
    fn fixed_outputs(&self) -> Result<Vec<TxOut>, Error> {
        if self.recipients.is_empty() && self.data.is_none() {
            return Err(Error::NoRecipients);
        }
        let mut outputs = Vec::new();
        for (index, out) in self.recipients.iter().enumerate() {
            if !out.value.is_valid_money() {
                return Err(Error::InvalidAmount(out.value));
            }
            let threshold = size::dust_threshold(&out.script_pubkey, self.dust_relay_fee_rate);
            if out.value < threshold {
                return Err(Error::Dust {
                    index,
                    amount: out.value,
                    threshold,
                });
            }
            outputs.push(out.clone());
        }
        if let Some(data) = &self.data {
            if data.len() > MAX_DATA_LEN {
                return Err(Error::DataTooLarge(data.len()));
            }
            let script = Builder::new()
                .push_opcode(OP_RETURN)
                .push_slice(data)
                .into_script();
            outputs.push(TxOut {
                value: Amount::ZERO,
                script_pubkey: script,
            });
        }
        Ok(outputs)
    }

    /// Chooses coins among `coins` and builds the unsigned transaction.
    pub fn build(&self, coins: &[SpendableCoin], rng: &mut Rng) -> Result<UnsignedPayment, Error> {
        let outputs = self.fixed_outputs()?;
        // The coins' total must be money, which bounds every sum below.
        Amount::checked_sum(coins.iter().map(|c| c.output.value))
            .filter(|t| t.is_valid_money() && coins.iter().all(|c| !c.output.value.is_negative()))
            .ok_or(Error::InvalidAmount(Amount::MAX_MONEY))?;
        let paid = Amount::checked_sum(outputs.iter().map(|o| o.value))
            .filter(|a| a.is_valid_money())
            .ok_or(Error::InvalidAmount(Amount::MAX_MONEY))?;

        if self.fee_rate < FeeRate::MIN_RELAY {
            return Err(Error::FeeRateTooLow(self.fee_rate));
        }
        let count = i64::try_from(self.recipients.len().max(1)).unwrap_or(1);
        let average_payment = Amount::from_sat(paid.to_sat() / count);

        // Coins the caller insists on, then the rest for the selection.
        let mut preset = Vec::new();
        for outpoint in &self.must_spend {
            let coin = coins
                .iter()
                .find(|c| c.outpoint == *outpoint)
                .ok_or(Error::UnknownCoin(*outpoint))?;
            if !preset.contains(coin) {
                preset.push(coin.clone());
            }
        }
        let pool: Vec<&SpendableCoin> = coins.iter().filter(|c| !preset.contains(c)).collect();

        // The fee of everything but the inputs: header, counts, outputs, and the
        // segwit marker when any coin could need a witness.
        let any_segwit = coins.iter().any(|c| c.kind.is_segwit());
        let owned_scripts: Vec<Script> = outputs.iter().map(|o| o.script_pubkey.clone()).collect();
        let out_scripts: Vec<&Script> = owned_scripts.iter().collect();
        let base_weight = size::tx_weight(&[], &out_scripts) + if any_segwit { 2 } else { 0 };
        // Without a change script, change is priced as a P2WPKH output, and a payment
        // that would need it is refused rather than giving the excess to the miner.
        let template = (
            Builder::new()
                .push_opcode(sou_primitives::opcodes::OP_0)
                .push_slice(&[0; 20])
                .into_script(),
            InputKind::P2wpkh,
        );
        let (change_script, change_kind) = match &self.change {
            Some((s, k)) => (s, k),
            None => (&template.0, &template.1),
        };
        let change_weight = size::output_weight(change_script);
        let change_fee = self.fee_rate.fee_for_weight(change_weight);
        let change_spend_fee = self.discard_fee_rate.fee_for_weight(change_kind.weight());
        let change_dust = size::dust_threshold(change_script, self.dust_relay_fee_rate);
        let min_viable_change =
            Amount::from_sat((change_spend_fee.to_sat() + 1).max(change_dust.to_sat()));
        let preset_fee: i64 = preset
            .iter()
            .map(|c| self.fee_rate.fee_for_weight(c.kind.weight()).to_sat())
            .sum();
        let preset_value: i64 = preset.iter().map(|c| c.output.value.to_sat()).sum();
        let target =
            paid.to_sat() + self.fee_rate.fee_for_weight(base_weight).to_sat() + preset_fee
                - preset_value;

        let mut selected: Vec<SpendableCoin> = preset;
        let mut algorithm = None;
        if target > 0 || selected.is_empty() {
            let candidates: Vec<Candidate> = pool
                .iter()
                .map(|c| Candidate {
                    value: c.output.value,
                    input_weight: c.kind.weight(),
                })
                .collect();
            let params = SelectionParams {
                target: Amount::from_sat(target.max(0)),
                fee_rate: self.fee_rate,
                long_term_fee_rate: self.long_term_fee_rate,
                change_fee,
                cost_of_change: Amount::from_sat(change_fee.to_sat() + change_spend_fee.to_sat()),
                min_viable_change,
                // Core bases it on the average payment (`GenerateChangeTarget`).
                min_change_target: select::change_target(average_payment, change_fee, rng),
            };
            let selection = select::select_coins(&candidates, &params, rng)?;
            algorithm = Some(selection.algorithm);
            selected.extend(selection.indexes.iter().map(|&i| pool[i].clone()));
        }
        // Core shuffles the inputs so their order tells nothing about the wallet.
        rng.shuffle(&mut selected);

        let kinds: Vec<InputKind> = selected.iter().map(|c| c.kind.clone()).collect();
        let input_value = Amount::checked_sum(selected.iter().map(|c| c.output.value))
            .ok_or(Error::InvalidAmount(Amount::MAX_MONEY))?;
        let weight_without_change = size::tx_weight(&kinds, &out_scripts);
        let fee_without_change = self.fee_rate.fee_for_weight(weight_without_change);
        let excess = input_value.to_sat() - paid.to_sat() - fee_without_change.to_sat();
        if excess < 0 {
            return Err(Error::InsufficientFunds {
                needed: Amount::from_sat(paid.to_sat() + fee_without_change.to_sat()),
                available: input_value,
                shortfall: Amount::from_sat(-excess),
            });
        }
        let mut outputs = outputs;
        let mut change_index = None;
        let mut weight = weight_without_change;
        let mut with_change: Vec<&Script> = out_scripts.clone();
        with_change.push(change_script);
        let weight_with_change = size::tx_weight(&kinds, &with_change);
        let change = input_value.to_sat()
            - paid.to_sat()
            - self.fee_rate.fee_for_weight(weight_with_change).to_sat();
        if change >= min_viable_change.to_sat() {
            if self.change.is_none() {
                return Err(Error::NoChangeScript);
            }
            let position = usize::try_from(rng.below(outputs.len() as u64 + 1)).unwrap_or(0);
            outputs.insert(
                position,
                TxOut {
                    value: Amount::from_sat(change),
                    script_pubkey: change_script.clone(),
                },
            );
            change_index = Some(position);
            weight = weight_with_change;
        }
        let output_value = Amount::checked_sum(outputs.iter().map(|o| o.value))
            .ok_or(Error::InvalidAmount(Amount::MAX_MONEY))?;
        let fee = Amount::from_sat(input_value.to_sat() - output_value.to_sat());
        if fee > self.max_fee {
            return Err(Error::FeeTooHigh {
                fee,
                max: self.max_fee,
            });
        }

        let sequence = if self.rbf {
            SEQUENCE_RBF
        } else {
            SEQUENCE_NONFINAL
        };
        let tx = Transaction {
            version: 2,
            input: selected
                .iter()
                .map(|c| TxIn {
                    previous_output: c.outpoint,
                    script_sig: Script::new(),
                    sequence,
                    witness: Witness::new(),
                })
                .collect(),
            output: outputs,
            lock_time: self.choose_lock_time(rng),
        };
        Ok(UnsignedPayment {
            tx,
            spent: selected,
            fee,
            estimated_weight: weight,
            change_index,
            algorithm,
        })
    }

    /// Core's `DiscourageFeeSniping`.
    fn choose_lock_time(&self, rng: &mut Rng) -> u32 {
        match self.lock_time {
            LockTimePolicy::Fixed(n) => n,
            LockTimePolicy::AntiFeeSniping {
                tip_height,
                tip_time,
                now,
            } => {
                if tip_height == 0 || i64::from(tip_time) < now - MAX_ANTI_FEE_SNIPING_TIP_AGE {
                    // Behind the network: a constant leaks no "how far behind" fingerprint.
                    return 0;
                }
                let mut lock_time = tip_height;
                if rng.below(10) == 0 {
                    lock_time =
                        lock_time.saturating_sub(u32::try_from(rng.below(100)).unwrap_or(0));
                }
                lock_time
            }
        }
    }
}
