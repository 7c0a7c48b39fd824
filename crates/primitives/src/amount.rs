//! Amounts of bitcoin, counted in satoshis.
//!
//! One bitcoin is 100,000,000 satoshis, and consensus only ever sees whole satoshis: an
//! output's value is a signed 64-bit integer in the transaction. It is signed because
//! Core's `CAmount` is: a hostile transaction can carry a negative value, and rejecting it
//! with Core's reason (`bad-txns-vout-negative`) needs to see it as negative. Valid money
//! lies between zero and [`Amount::MAX_MONEY`], 21 million bitcoin, a sanity bound above
//! the true supply (20,999,999.9769 BTC) that every sum is checked against, since the
//! value-overflow incident of 2010 (CVE-2010-5139) minted 184 billion bitcoin through an
//! unchecked addition.
//!
//! Arithmetic is checked: `checked_add` and friends return `None` on overflow, and there
//! are no panicking operators. [`Amount`] displays and parses in BTC with 8 decimals.
//!
//! References: Core `src/consensus/amount.h` (`CAmount`, `COIN`, `MAX_MONEY`,
//! `MoneyRange`), `src/util/moneystr.cpp` (`FormatMoney`, `ParseMoney`).

use core::fmt;
use core::str::FromStr;

use thiserror::Error;

/// A number of satoshis, possibly negative (see the module documentation).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Amount(i64);

impl Amount {
    /// Nothing.
    pub const ZERO: Amount = Amount(0);
    /// One satoshi, the smallest unit.
    pub const ONE_SAT: Amount = Amount(1);
    /// One bitcoin (Core `COIN`).
    pub const ONE_BTC: Amount = Amount(100_000_000);
    /// 21 million bitcoin, the bound every value and sum must respect (Core `MAX_MONEY`).
    pub const MAX_MONEY: Amount = Amount(21_000_000 * 100_000_000);

    /// From a number of satoshis.
    pub const fn from_sat(sat: i64) -> Amount {
        Amount(sat)
    }

    /// From whole bitcoin, or `None` if that overflows.
    pub const fn from_int_btc(btc: i64) -> Option<Amount> {
        match btc.checked_mul(100_000_000) {
            Some(sat) => Some(Amount(sat)),
            None => None,
        }
    }

    /// The number of satoshis.
    pub const fn to_sat(self) -> i64 {
        self.0
    }

    /// True when below zero.
    pub const fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// True when `0 <= self <= MAX_MONEY` (Core `MoneyRange`).
    pub const fn is_valid_money(self) -> bool {
        self.0 >= 0 && self.0 <= Self::MAX_MONEY.0
    }

    /// `self + rhs`, or `None` on overflow.
    pub const fn checked_add(self, rhs: Amount) -> Option<Amount> {
        match self.0.checked_add(rhs.0) {
            Some(v) => Some(Amount(v)),
            None => None,
        }
    }

    /// `self - rhs`, or `None` on overflow.
    pub const fn checked_sub(self, rhs: Amount) -> Option<Amount> {
        match self.0.checked_sub(rhs.0) {
            Some(v) => Some(Amount(v)),
            None => None,
        }
    }

    /// `self * rhs`, or `None` on overflow.
    pub const fn checked_mul(self, rhs: i64) -> Option<Amount> {
        match self.0.checked_mul(rhs) {
            Some(v) => Some(Amount(v)),
            None => None,
        }
    }

    /// `self / rhs` rounded toward zero, or `None` when `rhs` is zero.
    pub const fn checked_div(self, rhs: i64) -> Option<Amount> {
        match self.0.checked_div(rhs) {
            Some(v) => Some(Amount(v)),
            None => None,
        }
    }

    /// The sum of `amounts`, or `None` if any partial sum overflows.
    pub fn checked_sum<I: IntoIterator<Item = Amount>>(amounts: I) -> Option<Amount> {
        amounts
            .into_iter()
            .try_fold(Amount::ZERO, |acc, a| acc.checked_add(a))
    }

    /// Formats as BTC with exactly 8 decimals, without unit (Core `FormatMoney` keeps at
    /// least 2 decimals; sou always shows all 8 so columns line up).
    pub fn to_btc_string(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        format!("{sign}{}.{:08}", abs / 100_000_000, abs % 100_000_000)
    }

    /// Parses an amount in BTC, e.g. `"0.5"`, `"21000000"`, `"0.00000001"`.
    ///
    /// At most 8 decimals, an optional leading `-`, and the magnitude at most
    /// [`Amount::MAX_MONEY`], as Core's `ParseMoney` requires.
    pub fn from_btc_str(s: &str) -> Result<Amount, ParseAmountError> {
        let (negative, digits) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let (whole, frac) = match digits.split_once('.') {
            Some((w, f)) => (w, f),
            None => (digits, ""),
        };
        if whole.is_empty() && frac.is_empty() {
            return Err(ParseAmountError::Empty);
        }
        if frac.len() > 8 {
            return Err(ParseAmountError::TooPrecise);
        }
        let all_digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
        if !all_digits(whole) || !all_digits(frac) {
            return Err(ParseAmountError::InvalidCharacter);
        }
        // Strip leading zeros so that "0000000000000000000001" is not an overflow.
        let whole = whole.trim_start_matches('0');
        if whole.len() > 8 {
            return Err(ParseAmountError::OutOfRange);
        }
        let whole_btc: i64 = if whole.is_empty() {
            0
        } else {
            whole
                .parse()
                .map_err(|_| ParseAmountError::InvalidCharacter)?
        };
        // The first decimal counts 10,000,000 satoshis, the eighth one.
        let mut frac_sat: i64 = 0;
        let mut scale: i64 = 10_000_000;
        for b in frac.bytes() {
            frac_sat += i64::from(b - b'0') * scale;
            scale /= 10;
        }
        // At most 8 whole digits: this cannot overflow an i64.
        let sat = whole_btc * 100_000_000 + frac_sat;
        if sat > Amount::MAX_MONEY.0 {
            return Err(ParseAmountError::OutOfRange);
        }
        Ok(Amount(if negative { -sat } else { sat }))
    }
}

/// A fee rate, kept as Core keeps it (`CFeeRate`): satoshis per 1000 virtual bytes.
///
/// Wallets speak in sat/vB; Core's policy constants (the 1 sat/vB minimum relay fee, the
/// 3 sat/vB dust relay fee) are sat/kvB values, and keeping that unit lets a rate of
/// 1.5 sat/vB be exact. [`FeeRate::fee_for_vsize`] rounds up, as Core's wallet does
/// (`CFeeRate::GetFee`), so that a transaction paid with it never falls below the rate.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct FeeRate(u64);

impl FeeRate {
    /// Nothing per byte.
    pub const ZERO: FeeRate = FeeRate(0);
    /// 1 sat/vB: the floor sou's wallet pays, and its step when it bumps a fee. It was
    /// Core's default minimum relay fee (`DEFAULT_MIN_RELAY_TX_FEE`) for years; the Core
    /// version sou follows (v31.99) relays from 0.1 sat/vB, which sou-mempool's
    /// `DEFAULT_MIN_RELAY_TX_FEE` holds. Paying at least this is never refused for its fee
    /// rate by either.
    pub const MIN_RELAY: FeeRate = FeeRate(1000);
    /// Core's dust relay fee rate, 3 sat/vB (`DUST_RELAY_TX_FEE`).
    pub const DUST_RELAY: FeeRate = FeeRate(3000);

    /// From satoshis per virtual byte.
    pub const fn from_sat_per_vb(sat_per_vb: u64) -> FeeRate {
        FeeRate(sat_per_vb.saturating_mul(1000))
    }

    /// From satoshis per 1000 virtual bytes (Core's unit).
    pub const fn from_sat_per_kvb(sat_per_kvb: u64) -> FeeRate {
        FeeRate(sat_per_kvb)
    }

    /// Satoshis per 1000 virtual bytes.
    pub const fn to_sat_per_kvb(self) -> u64 {
        self.0
    }

    /// The fee for `vsize` virtual bytes, rounded up to a whole satoshi.
    pub const fn fee_for_vsize(self, vsize: u64) -> Amount {
        let fee = (self.0 as u128 * vsize as u128).div_ceil(1000);
        // Saturates: no real rate and size come near 2^63 satoshis.
        #[allow(
            clippy::cast_possible_truncation,
            reason = "checked against i64::MAX just above"
        )]
        if fee > i64::MAX as u128 {
            Amount(i64::MAX)
        } else {
            Amount(fee as i64)
        }
    }

    /// The fee for a weight (in weight units: a virtual byte is four of them, rounded up).
    pub const fn fee_for_weight(self, weight: u64) -> Amount {
        self.fee_for_vsize(weight.div_ceil(4))
    }
}

impl fmt::Display for FeeRate {
    /// `2.5 sat/vB`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (whole, frac) = (self.0 / 1000, self.0 % 1000);
        if frac == 0 {
            write!(f, "{whole} sat/vB")
        } else {
            let frac = format!("{frac:03}");
            write!(f, "{whole}.{} sat/vB", frac.trim_end_matches('0'))
        }
    }
}

impl fmt::Debug for FeeRate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FeeRate({} sat/kvB)", self.0)
    }
}

/// Why a string is not an amount.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ParseAmountError {
    /// No digits.
    #[error("empty amount")]
    Empty,
    /// Something other than digits, one `.` and a leading `-`.
    #[error("invalid character in amount")]
    InvalidCharacter,
    /// More than 8 decimals: finer than a satoshi.
    #[error("more than 8 decimals: finer than one satoshi")]
    TooPrecise,
    /// More than 21 million BTC.
    #[error("amount out of range: above 21 million BTC")]
    OutOfRange,
}

impl fmt::Display for Amount {
    /// `1.50000000 BTC`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} BTC", self.to_btc_string())
    }
}

impl fmt::Debug for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Amount({} sat)", self.0)
    }
}

impl FromStr for Amount {
    type Err = ParseAmountError;

    /// Parses BTC, with or without a trailing `" BTC"`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.strip_suffix(" BTC").unwrap_or(s);
        Amount::from_btc_str(s)
    }
}

#[cfg(test)]
#[allow(
    clippy::cast_possible_truncation,
    reason = "test data generators keep the low bits"
)]
mod tests {
    use super::*;

    #[test]
    fn fee_rates_round_up_like_core() {
        let rate = FeeRate::from_sat_per_kvb(1500);
        assert_eq!(rate.fee_for_vsize(141), Amount::from_sat(212)); // 211.5 rounds up
        assert_eq!(FeeRate::MIN_RELAY.fee_for_vsize(110), Amount::from_sat(110));
        assert_eq!(
            FeeRate::from_sat_per_vb(2).fee_for_weight(561),
            Amount::from_sat(282)
        );
        assert_eq!(rate.to_string(), "1.5 sat/vB");
        assert_eq!(FeeRate::from_sat_per_vb(10).to_string(), "10 sat/vB");
        assert_eq!(FeeRate::from_sat_per_kvb(1010).to_string(), "1.01 sat/vB");
    }

    #[test]
    fn display_has_eight_decimals() {
        assert_eq!(Amount::from_sat(150_000_000).to_string(), "1.50000000 BTC");
        assert_eq!(Amount::ONE_SAT.to_string(), "0.00000001 BTC");
        assert_eq!(Amount::from_sat(-1).to_string(), "-0.00000001 BTC");
        assert_eq!(Amount::MAX_MONEY.to_btc_string(), "21000000.00000000");
        assert_eq!(
            Amount::from_sat(i64::MIN).to_btc_string(),
            "-92233720368.54775808"
        );
    }

    #[test]
    fn parse_is_exact_and_bounded() {
        assert_eq!("0.5".parse(), Ok(Amount::from_sat(50_000_000)));
        assert_eq!("1.50000000 BTC".parse(), Ok(Amount::from_sat(150_000_000)));
        assert_eq!(".00000001".parse(), Ok(Amount::ONE_SAT));
        assert_eq!("21000000".parse(), Ok(Amount::MAX_MONEY));
        assert_eq!("-0.1".parse(), Ok(Amount::from_sat(-10_000_000)));
        assert_eq!("00000000000000000000001".parse(), Ok(Amount::ONE_BTC));
        assert_eq!(
            "21000000.00000001".parse::<Amount>(),
            Err(ParseAmountError::OutOfRange)
        );
        assert_eq!(
            "0.000000001".parse::<Amount>(),
            Err(ParseAmountError::TooPrecise)
        );
        assert_eq!(
            "1e8".parse::<Amount>(),
            Err(ParseAmountError::InvalidCharacter)
        );
        assert_eq!("".parse::<Amount>(), Err(ParseAmountError::Empty));
        assert_eq!(".".parse::<Amount>(), Err(ParseAmountError::Empty));
        assert_eq!(
            "1.2.3".parse::<Amount>(),
            Err(ParseAmountError::InvalidCharacter)
        );
    }

    #[test]
    fn arithmetic_is_checked() {
        let max = Amount::from_sat(i64::MAX);
        assert_eq!(max.checked_add(Amount::ONE_SAT), None);
        assert_eq!(
            Amount::from_sat(i64::MIN).checked_sub(Amount::ONE_SAT),
            None
        );
        assert_eq!(
            Amount::ONE_BTC.checked_mul(3),
            Some(Amount::from_sat(300_000_000))
        );
        assert_eq!(Amount::ONE_BTC.checked_div(0), None);
        assert_eq!(
            Amount::checked_sum([Amount::ONE_BTC, Amount::ONE_SAT]),
            Some(Amount::from_sat(100_000_001))
        );
        assert_eq!(Amount::checked_sum([max, max]), None);
        assert!(Amount::MAX_MONEY.is_valid_money());
        assert!(!Amount::from_sat(-1).is_valid_money());
        assert!(!Amount::MAX_MONEY
            .checked_add(Amount::ONE_SAT)
            .is_some_and(Amount::is_valid_money));
    }
}
