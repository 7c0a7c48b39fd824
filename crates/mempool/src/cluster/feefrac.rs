//! [`FeeFrac`]: a fee and a size, whose ratio is a feerate.

use std::cmp::Ordering;
use std::ops::{Add, AddAssign, Sub, SubAssign};

/// A fee and a size, whose ratio is a feerate, compared without division (Core's `FeeFrac`,
/// src/util/feefrac.h).
///
/// Dividing would round: 1000 sat in 3 vbytes and 333 sat in 1 vbyte are not the same
/// feerate, and a mempool that thought so could accept a replacement that pays less. So two
/// feerates `a.fee / a.size` and `b.fee / b.size` are compared as `a.fee * b.size` against
/// `b.fee * a.size`, in `i128`, where the product of two `i64` cannot overflow.
///
/// The sum of two `FeeFrac`s is the fee and size of the two sets together, which is what
/// merging two chunks, or drawing a diagram point by point, needs. Sums saturate at the
/// `i64` bounds where Core's would overflow (Core's callers guarantee they cannot; a sum of
/// real fees is below 21 million bitcoin).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct FeeFrac {
    /// The fee, in satoshis (a modified fee may be zero or negative).
    pub fee: i64,
    /// The size: virtual bytes, or as in Core's mempool, sigop-adjusted weight units.
    pub size: i64,
}

impl FeeFrac {
    /// A fee and a size.
    pub const fn new(fee: i64, size: i64) -> FeeFrac {
        FeeFrac { fee, size }
    }

    /// Whether this is the empty `FeeFrac` (size 0): the total of no transactions, or the
    /// start of every diagram (Core `FeeFrac::IsEmpty`).
    pub const fn is_empty(&self) -> bool {
        self.size == 0
    }

    /// Compares the feerates `fee / size` by cross-multiplying (Core's `ByRatio`).
    ///
    /// As in Core, nothing special is done for an empty `FeeFrac`: its cross products are
    /// both zero, so it compares `Equal` to every feerate, neither higher nor lower.
    pub fn cmp_rate(&self, other: &FeeFrac) -> Ordering {
        let lhs = i128::from(self.fee) * i128::from(other.size);
        let rhs = i128::from(other.fee) * i128::from(self.size);
        lhs.cmp(&rhs)
    }
}

impl Add for FeeFrac {
    type Output = FeeFrac;
    fn add(self, other: FeeFrac) -> FeeFrac {
        FeeFrac {
            fee: self.fee.saturating_add(other.fee),
            size: self.size.saturating_add(other.size),
        }
    }
}

impl Sub for FeeFrac {
    type Output = FeeFrac;
    fn sub(self, other: FeeFrac) -> FeeFrac {
        FeeFrac {
            fee: self.fee.saturating_sub(other.fee),
            size: self.size.saturating_sub(other.size),
        }
    }
}

impl AddAssign for FeeFrac {
    fn add_assign(&mut self, other: FeeFrac) {
        *self = *self + other;
    }
}

impl SubAssign for FeeFrac {
    fn sub_assign(&mut self, other: FeeFrac) {
        *self = *self - other;
    }
}
