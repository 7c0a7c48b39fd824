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
use sou_primitives::{
    Amount, FeeRate, OutPoint, Script, Transaction, TxIn, TxOut, Weight, Witness,
};
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

/// The change step's result: the outputs with the change placed (if any), the weight
/// and fee of the transaction they make.
struct WithChange {
    outputs: Vec<TxOut>,
    change_index: Option<usize>,
    weight: Weight,
    fee: Amount,
}

/// What a change output would cost (see [`PaymentBuilder::build`], step 4).
struct ChangePlan {
    /// Where change goes (a P2WPKH stand-in when the payment has no change script).
    script: Script,
    /// The fee of adding the change output now.
    fee: Amount,
    /// The fee of spending it later, at the discard rate.
    spend_fee: Amount,
    /// Change below this is given to the miner (Core `min_viable_change`).
    min_viable: Amount,
}

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
    pub estimated_weight: Weight,
    /// Which output is the change, if any.
    pub change_index: Option<usize>,
    /// Which algorithm chose the coins (`None` when the preset coins were enough).
    pub algorithm: Option<Algorithm>,
}

impl UnsignedPayment {
    /// Predicted virtual size once signed.
    pub fn estimated_vsize(&self) -> u64 {
        self.estimated_weight.to_vbytes_ceil()
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

impl UnsignedPayment {
    /// A BIP125 replacement of `old`, a payment spending `spent` (in input order), that
    /// pays a fee of at least `rate` and at least `old`'s fee plus Core's incremental
    /// relay fee (1 sat/vB) for its size: relay rules ask a replacement to pay for its own
    /// bandwidth. The extra fee comes from output `change_index`, which must stay above
    /// the dust threshold. The result has the same inputs and outputs, unsigned.
    pub fn replacing(
        old: &Transaction,
        spent: Vec<SpendableCoin>,
        change_index: usize,
        rate: FeeRate,
    ) -> Result<UnsignedPayment, Error> {
        let money = Error::InvalidAmount(Amount::MAX_MONEY);
        let input_value =
            Amount::checked_sum(spent.iter().map(|c| c.output.value)).ok_or(money.clone())?;
        let output_value =
            Amount::checked_sum(old.output.iter().map(|o| o.value)).ok_or(money.clone())?;
        let old_fee = input_value.checked_sub(output_value).ok_or(money.clone())?;
        let vsize = old.vsize();
        let relay_minimum = old_fee
            .checked_add(FeeRate::MIN_RELAY.fee_for_vsize(vsize))
            .ok_or(money.clone())?;
        let new_fee = rate.fee_for_vsize(vsize).max(relay_minimum);
        let extra = new_fee.checked_sub(old_fee).ok_or(money.clone())?;

        let mut tx = old.clone();
        let change = tx
            .output
            .get_mut(change_index)
            .ok_or(Error::NothingToBump(old.compute_txid()))?;
        let reduced = change.value.checked_sub(extra).ok_or(money.clone())?;
        let dust = size::dust_threshold(&change.script_pubkey, FeeRate::DUST_RELAY);
        if reduced < dust {
            let spare = change.value.checked_sub(dust).ok_or(money.clone())?;
            return Err(Error::InsufficientFunds {
                needed: extra,
                available: spare.max(Amount::ZERO),
                shortfall: dust.checked_sub(reduced).ok_or(money)?,
            });
        }
        change.value = reduced;
        for input in &mut tx.input {
            input.script_sig = Script::new();
            input.witness = Witness::new();
        }
        let kinds: Vec<InputKind> = spent.iter().map(|c| c.kind.clone()).collect();
        let scripts: Vec<&Script> = tx.output.iter().map(|o| &o.script_pubkey).collect();
        let estimated_weight = size::tx_weight(&kinds, &scripts);
        Ok(UnsignedPayment {
            tx,
            spent,
            fee: new_fee,
            estimated_weight,
            change_index: Some(change_index),
            algorithm: None,
        })
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

    /// Chooses coins among `coins` and builds the unsigned transaction, in the steps of
    /// the module documentation.
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
        let change = self.change_plan();
        let (selected, algorithm) = self.select_inputs(coins, &outputs, paid, &change, rng)?;
        let with_change = self.add_change(&selected, outputs, paid, &change, rng)?;
        if with_change.fee > self.max_fee {
            return Err(Error::FeeTooHigh {
                fee: with_change.fee,
                max: self.max_fee,
            });
        }
        Ok(self.finish(selected, with_change, algorithm, rng))
    }

    /// What a change output would cost: its fee now, the fee of spending it later, and
    /// so the smallest change worth making. Without a change script, change is priced
    /// as a P2WPKH output, and a payment that would need it is refused rather than
    /// giving the excess to the miner.
    fn change_plan(&self) -> ChangePlan {
        let (script, kind) = match &self.change {
            Some((s, k)) => (s.clone(), k.clone()),
            None => (
                Builder::new()
                    .push_opcode(sou_primitives::opcodes::OP_0)
                    .push_slice(&[0; 20])
                    .into_script(),
                InputKind::P2wpkh,
            ),
        };
        let fee = size::fee_for(self.fee_rate, size::output_weight(&script));
        let spend_fee = size::fee_for(self.discard_fee_rate, kind.weight());
        let dust = size::dust_threshold(&script, self.dust_relay_fee_rate);
        // Change is worth making when spending it costs less than it holds, and it is not dust.
        let min_viable = Amount::from_sat((spend_fee.to_sat() + 1).max(dust.to_sat()));
        ChangePlan {
            script,
            fee,
            spend_fee,
            min_viable,
        }
    }

    /// Step 3: the coins the caller insists on, then what the selection adds to cover
    /// the target, in a random order (Core shuffles the inputs so that their order tells
    /// nothing about the wallet).
    fn select_inputs(
        &self,
        coins: &[SpendableCoin],
        outputs: &[TxOut],
        paid: Amount,
        change: &ChangePlan,
        rng: &mut Rng,
    ) -> Result<(Vec<SpendableCoin>, Option<Algorithm>), Error> {
        let mut preset: Vec<SpendableCoin> = Vec::new();
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
        // segwit marker and flag when any coin could need a witness.
        let any_segwit = coins.iter().any(|c| c.kind.is_segwit());
        let out_scripts: Vec<&Script> = outputs.iter().map(|o| &o.script_pubkey).collect();
        let marker = if any_segwit { 2 } else { 0 };
        let base_weight = Weight::from_wu(size::tx_weight(&[], &out_scripts).to_wu() + marker);
        let preset_fee = Amount::checked_sum(
            preset
                .iter()
                .map(|c| size::fee_for(self.fee_rate, c.kind.weight())),
        );
        let preset_value = Amount::checked_sum(preset.iter().map(|c| c.output.value));
        // What the selection must cover; negative when the preset coins already do.
        let target = paid
            .checked_add(size::fee_for(self.fee_rate, base_weight))
            .zip(preset_fee)
            .and_then(|(t, fee)| t.checked_add(fee))
            .zip(preset_value)
            .and_then(|(t, value)| t.checked_sub(value))
            .ok_or(Error::InvalidAmount(Amount::MAX_MONEY))?;

        let mut selected = preset;
        let mut algorithm = None;
        if target > Amount::ZERO || selected.is_empty() {
            let candidates: Vec<Candidate> = pool
                .iter()
                .map(|c| Candidate {
                    value: c.output.value,
                    input_weight: c.kind.weight(),
                })
                .collect();
            // Core bases the change target on the average payment (`GenerateChangeTarget`).
            let count = i64::try_from(self.recipients.len().max(1)).unwrap_or(1);
            let average_payment = Amount::from_sat(paid.to_sat() / count);
            let params = SelectionParams {
                target: target.max(Amount::ZERO),
                fee_rate: self.fee_rate,
                long_term_fee_rate: self.long_term_fee_rate,
                change_fee: change.fee,
                cost_of_change: change
                    .fee
                    .checked_add(change.spend_fee)
                    .ok_or(Error::InvalidAmount(Amount::MAX_MONEY))?,
                min_viable_change: change.min_viable,
                min_change_target: select::change_target(average_payment, change.fee, rng),
            };
            let selection = select::select_coins(&candidates, &params, rng)?;
            algorithm = Some(selection.algorithm);
            selected.extend(selection.indexes.iter().map(|&i| pool[i].clone()));
        }
        rng.shuffle(&mut selected);
        Ok((selected, algorithm))
    }

    /// Step 4: what the inputs hold beyond the payment and its fee goes back as change,
    /// at a random position, unless it is not worth making; then it goes to the miner.
    fn add_change(
        &self,
        selected: &[SpendableCoin],
        mut outputs: Vec<TxOut>,
        paid: Amount,
        change: &ChangePlan,
        rng: &mut Rng,
    ) -> Result<WithChange, Error> {
        let money = Error::InvalidAmount(Amount::MAX_MONEY);
        let kinds: Vec<InputKind> = selected.iter().map(|c| c.kind.clone()).collect();
        let input_value =
            Amount::checked_sum(selected.iter().map(|c| c.output.value)).ok_or(money.clone())?;
        let mut out_scripts: Vec<&Script> = outputs.iter().map(|o| &o.script_pubkey).collect();
        let weight_without_change = size::tx_weight(&kinds, &out_scripts);
        let needed = paid
            .checked_add(size::fee_for(self.fee_rate, weight_without_change))
            .ok_or(money.clone())?;
        let excess = input_value.checked_sub(needed).ok_or(money.clone())?;
        if excess.is_negative() {
            return Err(Error::InsufficientFunds {
                needed,
                available: input_value,
                shortfall: needed.checked_sub(input_value).ok_or(money)?,
            });
        }
        out_scripts.push(&change.script);
        let weight_with_change = size::tx_weight(&kinds, &out_scripts);
        let change_value = input_value
            .checked_sub(paid)
            .and_then(|v| v.checked_sub(size::fee_for(self.fee_rate, weight_with_change)))
            .ok_or(money.clone())?;
        let (change_index, weight) = if change_value >= change.min_viable {
            if self.change.is_none() {
                return Err(Error::NoChangeScript);
            }
            let position = usize::try_from(rng.below(outputs.len() as u64 + 1)).unwrap_or(0);
            outputs.insert(
                position,
                TxOut {
                    value: change_value,
                    script_pubkey: change.script.clone(),
                },
            );
            (Some(position), weight_with_change)
        } else {
            (None, weight_without_change)
        };
        let output_value =
            Amount::checked_sum(outputs.iter().map(|o| o.value)).ok_or(money.clone())?;
        let fee = input_value.checked_sub(output_value).ok_or(money)?;
        Ok(WithChange {
            outputs,
            change_index,
            weight,
            fee,
        })
    }

    /// Step 5: the transaction, with its replaceability signal and lock time.
    fn finish(
        &self,
        selected: Vec<SpendableCoin>,
        with_change: WithChange,
        algorithm: Option<Algorithm>,
        rng: &mut Rng,
    ) -> UnsignedPayment {
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
            output: with_change.outputs,
            lock_time: self.choose_lock_time(rng),
        };
        UnsignedPayment {
            tx,
            spent: selected,
            fee: with_change.fee,
            estimated_weight: with_change.weight,
            change_index: with_change.change_index,
            algorithm,
        }
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
