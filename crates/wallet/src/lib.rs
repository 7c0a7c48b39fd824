//! # sou-wallet: how you pay
//!
//! Paying in bitcoin means writing a transaction that spends coins you control and
//! creates outputs for the people you pay, then proving, input by input, that you may
//! spend those coins. This crate does each step the way Bitcoin Core's wallet does:
//!
//! | module | step |
//! | --- | --- |
//! | [`size`] | predict the signed weight of each kind of input ([`InputKind`]), to know the fee before signing; dust limits (Core's `GetDustThreshold`) |
//! | [`select`] | choose coins: Branch and Bound, knapsack and single random draw, scored by waste; or name the shortfall |
//! | [`builder`] | assemble the payment ([`PaymentBuilder`]): recipients, change, fee rate, dust, BIP125 sequences, anti-fee-sniping lock time, `OP_RETURN` data, coins that must be spent |
//! | [`sign`] | sign P2PKH, P2SH-P2WPKH, P2WPKH, P2WSH multisig, P2TR key and script paths ([`SpendInfo`]), and verify the result with sou-script |
//! | [`psbt`] | hand a transaction between signers: every BIP174 role, binary and Base64, BIP371's taproot fields |
//! | [`descriptor`] | output descriptors (BIP380-386): checksums, key origins and extended keys, parsing, expanding a ranged descriptor at a child index, inferring from scripts |
//! | [`wallet`] | an HD wallet ([`Wallet`]: BIP39 seed, BIP84 and BIP86 accounts, gap limit) that follows blocks, keeps pending transactions, pays, bumps fees (BIP125) and signs PSBTs |
//!
//! Start with the example below (a coin, a payment, a signature), then [`Wallet`]; the
//! `pay` example goes from twelve words to a confirmed payment.
//!
//! The wallet does not validate blocks and does not depend on sou-chain: it reads the
//! blocks it is handed (by a validating chain, a node, or a test) for outputs that pay
//! its scripts, checks its own signatures with sou-script, and leaves every consensus
//! verdict to whoever owns the chain.
//!
//! What the crate promises:
//!
//! - The estimated weight equals the signed weight for P2PKH, P2SH-P2WPKH, P2WPKH and
//!   P2TR key-path inputs (its ECDSA signatures are always 70-byte DER) and bounds it for
//!   the others, so the fee is never below the rate times the signed virtual size.
//! - A coin spent by a pending transaction of the wallet is never selected again.
//! - [`Rng`] (xorshift, seeded from the operating system or from a fixed seed) only
//!   chooses coins and orders outputs; keys and Schnorr nonces never come from it. The
//!   clock (for anti-fee-sniping) can be set with [`Wallet::set_time`].
//!
//! ```
//! use sou_keys::{Address, SecretKey};
//! use sou_primitives::{Amount, FeeRate, Network, OutPoint, TxOut, Txid};
//! use sou_script::VerifyFlags;
//! use sou_wallet::{sign, InputKind, PaymentBuilder, Rng, SigningKey, SpendInfo, SpendableCoin};
//!
//! // A coin of 0.01 BTC locked to our key (P2WPKH).
//! let key = SigningKey::new(SecretKey::from_byte_array([1; 32])?);
//! let ours = Address::p2wpkh(&key.public, Network::Regtest)?.script_pubkey();
//! let coin = SpendableCoin {
//!     outpoint: OutPoint::new(Txid::from_byte_array([7; 32]), 0),
//!     output: TxOut { value: Amount::from_sat(1_000_000), script_pubkey: ours.clone() },
//!     kind: InputKind::P2wpkh,
//! };
//! // Pay 0.004 BTC at 2 sat/vB, change back to us.
//! let bob = Address::p2wpkh(&SecretKey::from_byte_array([2; 32])?.public_key(), Network::Regtest)?;
//! let payment = PaymentBuilder::new(FeeRate::from_sat_per_vb(2))
//!     .pay(bob.script_pubkey(), Amount::from_sat(400_000))
//!     .change_to(ours, InputKind::P2wpkh)
//!     .build(&[coin], &mut Rng::seeded(1))?;
//! let tx = payment.sign(|_| Some(SpendInfo::P2wpkh(key.clone())))?;
//! sign::verify_transaction(&tx, &payment.spent_outputs(), VerifyFlags::STANDARD)?;
//! assert_eq!(tx.weight(), payment.estimated_weight); // the estimate is exact
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod builder;
pub mod descriptor;
pub mod psbt;
pub mod select;
pub mod sign;
pub mod size;
pub mod wallet;

pub use builder::{LockTimePolicy, PaymentBuilder, SpendableCoin, UnsignedPayment};
pub use select::{Algorithm, Selection};
pub use sign::{SigningKey, SpendInfo};
pub use size::InputKind;
pub use wallet::{AccountKind, Balance, Wallet};

use sou_primitives::{Amount, FeeRate, OutPoint};
use sou_script::ScriptError;
use thiserror::Error;

/// Everything that can stop a payment.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Error {
    /// The coins cannot cover the payment and its fee.
    #[error("insufficient funds: need {needed}, have {available} to spend (short by {shortfall})")]
    InsufficientFunds {
        /// Amounts paid plus fees.
        needed: Amount,
        /// Effective value of the spendable coins (value less the fee to spend each).
        available: Amount,
        /// What is missing.
        shortfall: Amount,
    },
    /// An output below its dust threshold (Core: "Transaction amount too small").
    #[error("output {index} pays {amount}, below the dust threshold of {threshold}")]
    Dust {
        /// Which recipient.
        index: usize,
        /// Its amount.
        amount: Amount,
        /// The smallest amount nodes relay for its script type.
        threshold: Amount,
    },
    /// A payment with nothing to pay.
    #[error("a payment needs at least one recipient or data output")]
    NoRecipients,
    /// A fee rate under the minimum relay rate: nodes would not relay the payment.
    #[error("fee rate {0} is below the minimum relay fee rate of 1 sat/vB")]
    FeeRateTooLow(FeeRate),
    /// A fee above the payment's maximum (Core: "Fee exceeds maximum configured").
    #[error("fee {fee} exceeds the maximum of {max}")]
    FeeTooHigh {
        /// The fee the payment would pay.
        fee: Amount,
        /// The maximum.
        max: Amount,
    },
    /// A negative or out-of-range amount.
    #[error("invalid amount {0}")]
    InvalidAmount(Amount),
    /// `OP_RETURN` data above the relay limit.
    #[error("OP_RETURN data of {0} bytes: at most 80 are relayed")]
    DataTooLarge(usize),
    /// No change destination was given and the payment needs change.
    #[error("the payment needs a change output and no change script was given")]
    NoChangeScript,
    /// Not a pending transaction of the wallet that signals replaceability (BIP125).
    #[error("{0} is not a replaceable pending transaction of this wallet")]
    NotReplaceable(sou_primitives::Txid),
    /// A payment without change to take a higher fee from.
    #[error("{0} has no change output to pay a higher fee from")]
    NothingToBump(sou_primitives::Txid),
    /// The coin is already spent by another transaction of this wallet.
    #[error("{0} is already spent")]
    AlreadySpent(OutPoint),
    /// The coin is not one the wallet can spend (unknown, immature or unconfirmed).
    #[error("{0} is not a spendable coin of this wallet")]
    UnknownCoin(OutPoint),
    /// The spent output of an input is unknown.
    #[error("the output spent by input {index} is unknown")]
    MissingSpentOutput {
        /// The input.
        index: usize,
    },
    /// A multisig or tapscript input without enough keys to complete it.
    #[error("input {index} needs {required} signatures, the signer holds {have} keys")]
    NotEnoughKeys {
        /// The input.
        index: usize,
        /// Signatures required.
        required: usize,
        /// Keys present.
        have: usize,
    },
    /// A script the signer does not know how to satisfy.
    #[error("unsupported script")]
    UnsupportedScript,
    /// A signed input that fails script verification.
    #[error("input {index} fails verification: {error}")]
    Script {
        /// The input.
        index: usize,
        /// Core's script error.
        error: ScriptError,
    },
    /// A PSBT error.
    #[error(transparent)]
    Psbt(#[from] psbt::Error),
    /// A key error (derivation, tweak, randomness).
    #[error(transparent)]
    Keys(#[from] sou_keys::Error),
}

/// The wallet's random numbers: xorshift64* seeded from the operating system, or from a
/// fixed seed for reproducible tests. Coin selection and output order only need
/// unpredictability against observers, not cryptographic strength; keys and Schnorr
/// nonces never come from here.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// Seeded from the operating system.
    pub fn from_os() -> Result<Rng, Error> {
        let mut seed = [0u8; 8];
        getrandom::getrandom(&mut seed).map_err(|_| sou_keys::Error::NoRandomness)?;
        Ok(Rng::seeded(u64::from_le_bytes(seed)))
    }

    /// A fixed seed: the same choices on every run.
    pub fn seeded(seed: u64) -> Rng {
        // Zero is xorshift's fixed point.
        Rng(seed ^ 0x9e37_79b9_7f4a_7c15)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        // Multiply-shift: unbiased enough for selection, and never divides by zero.
        u64::try_from((u128::from(self.next_u64()) * u128::from(n.max(1))) >> 64).unwrap_or(0)
    }

    /// Fisher-Yates shuffle (Core `Shuffle`).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = usize::try_from(self.below(i as u64 + 1)).unwrap_or(0);
            items.swap(i, j);
        }
    }
}
