//! Coin selection: which coins to spend for a payment.
//!
//! A wallet holds coins of many sizes and a payment needs some of them. Every input
//! costs a fee, so a coin's *effective value* is its value minus the fee of spending it
//! at the current rate; coins worth less than that are left alone. The selection must
//! cover the *target* (the amounts paid plus the fee for the transaction's other bytes),
//! and whatever it selects beyond the target either becomes a change output (which
//! costs fees now, and again when it is spent) or, when it is small, goes to the miner.
//!
//! Bitcoin Core measures a selection by its **waste**: what its inputs cost now above
//! what they would cost at a long-term fee rate, plus either the cost of the change
//! output or the excess given up to fees. sou runs Core's algorithms and keeps the
//! selection with the least waste (Core `ChooseSelectionResult`):
//!
//! - [`branch_and_bound`] (Core `SelectCoinsBnB`, after Murch's thesis, 2016): a
//!   depth-first search for a set of coins whose effective value lands between the target
//!   and the target plus the cost of change, so that no change output is needed at all.
//! - [`knapsack`] (Core `KnapsackSolver`): random subsets approaching the target plus a
//!   change target, the wallet's historical algorithm.
//! - [`single_random_draw`] (Core `SelectCoinsSRD`): coins in random order until they
//!   cover the target plus a change floor; hard to fingerprint.
//!
//! When the coins cannot cover the target, the error names the shortfall.

use sou_primitives::{Amount, FeeRate, Weight};

use crate::size::fee_for;
use crate::{Error, Rng};

/// Core's `TOTAL_TRIES`: the search budget of Branch and Bound.
pub const BNB_TOTAL_TRIES: usize = 100_000;
/// Core's `CHANGE_LOWER`: the smallest change the knapsack and single random draw aim for.
pub const CHANGE_LOWER: Amount = Amount::from_sat(50_000);
/// Core's `CHANGE_UPPER`: the largest random change target.
pub const CHANGE_UPPER: Amount = Amount::from_sat(1_000_000);
/// Core's default long-term fee rate (`-consolidatefeerate`, 10 sat/vB).
pub const DEFAULT_LONG_TERM_FEE_RATE: FeeRate = FeeRate::from_sat_per_vb(10);
/// Core's default discard fee rate (`-discardfee`, 10 sat/vB, used as it is when no fee
/// estimates exist): change worth less than spending it at this rate is given to fees.
pub const DEFAULT_DISCARD_FEE_RATE: FeeRate = FeeRate::from_sat_per_vb(10);
/// Knapsack's random passes (Core `ApproximateBestSubset` with 1000 iterations).
const KNAPSACK_ITERATIONS: usize = 1000;

/// A coin offered to the selection: its value and the weight of the input spending it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    /// The coin's value.
    pub value: Amount,
    /// Weight of the signed input that would spend it (as
    /// [`InputKind::weight`](crate::InputKind::weight) gives it).
    pub input_weight: Weight,
}

/// What a selection must achieve, and at what prices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SelectionParams {
    /// Amounts paid plus the fee of every byte that is not an input.
    pub target: Amount,
    /// The fee rate of this transaction.
    pub fee_rate: FeeRate,
    /// The rate at which the wallet expects to spend coins in the long run.
    pub long_term_fee_rate: FeeRate,
    /// The fee of adding a change output at `fee_rate`.
    pub change_fee: Amount,
    /// The change output's fee plus the fee of spending it later (Core `m_cost_of_change`).
    pub cost_of_change: Amount,
    /// Change smaller than this is given to the miner (Core `min_viable_change`).
    pub min_viable_change: Amount,
    /// The change the knapsack aims for (Core `m_min_change_target`, see
    /// [`change_target`]).
    pub min_change_target: Amount,
}

/// Which algorithm found a selection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// Branch and Bound: an exact match, no change.
    BranchAndBound,
    /// The knapsack solver.
    Knapsack,
    /// Single random draw.
    SingleRandomDraw,
}

/// A chosen set of coins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    /// Indexes into the candidates.
    pub indexes: Vec<usize>,
    /// The algorithm that chose them.
    pub algorithm: Algorithm,
    /// Their total value.
    pub value: Amount,
    /// Their total effective value (value less the fees of their inputs).
    pub effective_value: Amount,
    /// The change output's value, or `None` when the excess goes to fees.
    pub change: Option<Amount>,
    /// Core's waste metric (lower is better): can be negative, when spending now is
    /// cheaper than the long-term rate.
    pub waste: Amount,
}

/// A candidate with its fees worked out (Core `OutputGroup`).
#[derive(Debug, Clone, Copy)]
struct Coin {
    index: usize,
    effective: i64,
    fee: i64,
    long_term_fee: i64,
}

/// Core's `GenerateChangeTarget`: a random change target between 50,000 sat and
/// twice the payment (at most 1,000,000 sat), so that change amounts do not give away
/// which output is the change.
pub fn change_target(payment: Amount, change_fee: Amount, rng: &mut Rng) -> Amount {
    let (payment, lower, upper) = (
        payment.to_sat(),
        CHANGE_LOWER.to_sat(),
        CHANGE_UPPER.to_sat(),
    );
    let extra = if payment <= lower / 2 {
        lower
    } else {
        let upper = payment.saturating_mul(2).min(upper);
        let span = u64::try_from(upper - lower).unwrap_or(0).max(1);
        lower + i64::try_from(rng.below(span)).unwrap_or(0)
    };
    Amount::from_sat(change_fee.to_sat().saturating_add(extra))
}

impl Coin {
    /// Candidate `index` priced at the selection's rates.
    fn priced(index: usize, c: &Candidate, params: &SelectionParams) -> Coin {
        let fee = fee_for(params.fee_rate, c.input_weight).to_sat();
        Coin {
            index,
            effective: c.value.to_sat() - fee,
            fee,
            long_term_fee: fee_for(params.long_term_fee_rate, c.input_weight).to_sat(),
        }
    }
}

fn coins(candidates: &[Candidate], params: &SelectionParams) -> Vec<Coin> {
    candidates
        .iter()
        .enumerate()
        .map(|(index, c)| Coin::priced(index, c, params))
        // Coins that cost more to spend than they hold only make a payment poorer.
        .filter(|coin| coin.effective > 0)
        .collect()
}

/// Branch and Bound over `candidates` (Core `SelectCoinsBnB`): indexes of a changeless
/// selection with the least waste found within [`BNB_TOTAL_TRIES`] steps, or `None`.
pub fn branch_and_bound(candidates: &[Candidate], params: &SelectionParams) -> Option<Vec<usize>> {
    let mut pool = coins(candidates, params);
    bnb(&mut pool, params).map(|sel| sel.into_iter().map(|i| pool[i].index).collect())
}

fn bnb(pool: &mut [Coin], params: &SelectionParams) -> Option<Vec<usize>> {
    let target = params.target.to_sat();
    let upper = target + params.cost_of_change.to_sat();
    pool.sort_by_key(|c| std::cmp::Reverse(c.effective));
    let mut available: i64 = pool.iter().map(|c| c.effective).sum();
    if available < target || pool.is_empty() {
        return None;
    }
    // When fees are high now, a larger waste only grows deeper in the tree: prune on it.
    let fee_rate_high = pool[0].fee > pool[0].long_term_fee;
    let (mut value, mut waste) = (0i64, 0i64);
    let mut best_waste = i64::MAX;
    let mut selected: Vec<usize> = Vec::new();
    let mut best: Option<Vec<usize>> = None;
    let mut index = 0usize;
    for _ in 0..BNB_TOTAL_TRIES {
        let mut backtrack = false;
        if value + available < target || value > upper || (waste > best_waste && fee_rate_high) {
            // Cannot reach the target, or overshot it, or already worse than the best.
            backtrack = true;
        } else if value >= target {
            // A solution: its waste counts the excess given up to fees.
            let total = waste + (value - target);
            if total <= best_waste {
                best_waste = total;
                best = Some(selected.clone());
            }
            backtrack = true;
        } else if index >= pool.len() {
            backtrack = true;
        }
        if backtrack {
            let Some(&last) = selected.last() else {
                break; // the whole tree is explored
            };
            // Put back the coins skipped after the last included one, then exclude it.
            while index > last + 1 {
                index -= 1;
                available += pool[index].effective;
            }
            index = last;
            value -= pool[index].effective;
            waste -= pool[index].fee - pool[index].long_term_fee;
            selected.pop();
            // `index` now points at the excluded coin; the step below moves past it.
        } else {
            let coin = pool[index];
            available -= coin.effective;
            // Skip a coin equal to the one just excluded: that branch was explored.
            let same_as_excluded = index > 0
                && !selected.is_empty()
                && selected.last() != Some(&(index - 1))
                && pool[index - 1].effective == coin.effective
                && pool[index - 1].fee == coin.fee;
            if !same_as_excluded {
                selected.push(index);
                value += coin.effective;
                waste += coin.fee - coin.long_term_fee;
            }
        }
        index += 1;
    }
    best
}

/// Core's `KnapsackSolver`: indexes of a selection near `target + min_change_target`.
pub fn knapsack(
    candidates: &[Candidate],
    params: &SelectionParams,
    rng: &mut Rng,
) -> Option<Vec<usize>> {
    let mut pool = coins(candidates, params);
    rng.shuffle(&mut pool);
    let target = params.target.to_sat();
    let change_target = params.min_change_target.to_sat();
    let mut applicable: Vec<Coin> = Vec::new();
    let mut total_lower = 0i64;
    let mut lowest_larger: Option<Coin> = None;
    for coin in pool {
        if coin.effective == target {
            return Some(vec![coin.index]);
        } else if coin.effective < target + change_target {
            applicable.push(coin);
            total_lower += coin.effective;
        } else if lowest_larger.is_none_or(|l| coin.effective < l.effective) {
            lowest_larger = Some(coin);
        }
    }
    if total_lower == target {
        return Some(applicable.iter().map(|c| c.index).collect());
    }
    if total_lower < target {
        return lowest_larger.map(|c| vec![c.index]);
    }
    applicable.sort_by_key(|c| std::cmp::Reverse(c.effective));
    let (mut best, mut best_value) = approximate_best_subset(&applicable, total_lower, target, rng);
    if best_value != target && total_lower >= target + change_target {
        (best, best_value) =
            approximate_best_subset(&applicable, total_lower, target + change_target, rng);
    }
    // A single larger coin beats a subset that misses the change target, or costs more.
    if let Some(larger) = lowest_larger {
        if (best_value != target && best_value < target + change_target)
            || larger.effective <= best_value
        {
            return Some(vec![larger.index]);
        }
    }
    Some(
        applicable
            .iter()
            .zip(best)
            .filter(|(_, keep)| *keep)
            .map(|(c, _)| c.index)
            .collect(),
    )
}

/// Core's `ApproximateBestSubset`: random inclusion passes, then greedy completion,
/// remembering the smallest total at or above `target`.
///
/// Subsets are bitsets and the first pass draws its 64 coin choices per word at once (as
/// Core's `randbool` draws its bits), then walks only the chosen coins: the random choice
/// never becomes a branch the processor must guess, which makes 10,000-coin wallets
/// several times faster without changing what is computed.
fn approximate_best_subset(
    coins: &[Coin],
    total_lower: i64,
    target: i64,
    rng: &mut Rng,
) -> (Vec<bool>, i64) {
    let n = coins.len();
    let words = n.div_ceil(64);
    let word_mask = |w: usize| -> u64 {
        let bits = (n - w * 64).min(64);
        if bits == 64 {
            u64::MAX
        } else {
            (1u64 << bits) - 1
        }
    };
    let mut best: Vec<u64> = (0..words).map(word_mask).collect();
    let mut best_value = total_lower;
    let mut included = vec![0u64; words];
    for _ in 0..KNAPSACK_ITERATIONS {
        if best_value == target {
            break;
        }
        included.fill(0);
        let mut total = 0i64;
        let mut reached = false;
        // Pass 0: each coin with probability 1/2. Pass 1, only if that fell short: every
        // coin left out, in order.
        for pass in 0..2 {
            if reached {
                break;
            }
            for w in 0..words {
                let mut pick = if pass == 0 {
                    rng.next_u64()
                } else {
                    !included[w]
                } & word_mask(w);
                while pick != 0 {
                    let bit = pick.trailing_zeros();
                    pick &= pick - 1;
                    let effective = coins[w * 64 + bit as usize].effective;
                    total += effective;
                    if total >= target {
                        // Enough: remember it if it is the closest yet, then try
                        // without this coin.
                        reached = true;
                        if total < best_value {
                            best_value = total;
                            best.copy_from_slice(&included);
                            best[w] |= 1 << bit;
                        }
                        total -= effective;
                    } else {
                        included[w] |= 1 << bit;
                    }
                }
            }
        }
    }
    let best = (0..n).map(|i| best[i / 64] >> (i % 64) & 1 == 1).collect();
    (best, best_value)
}

/// Core's `SelectCoinsSRD`: coins in random order until they cover the target plus
/// [`CHANGE_LOWER`] plus the change output's fee.
pub fn single_random_draw(
    candidates: &[Candidate],
    params: &SelectionParams,
    rng: &mut Rng,
) -> Option<Vec<usize>> {
    let mut pool = coins(candidates, params);
    rng.shuffle(&mut pool);
    let goal = params.target.to_sat() + CHANGE_LOWER.to_sat() + params.change_fee.to_sat();
    let mut total = 0i64;
    let mut chosen = Vec::new();
    for coin in pool {
        total += coin.effective;
        chosen.push(coin.index);
        if total >= goal {
            return Some(chosen);
        }
    }
    None
}

/// Scores `indexes` as Core's `SelectionResult` does: change decided by
/// `min_viable_change`, waste by `RecalculateWaste`.
fn evaluate(
    candidates: &[Candidate],
    params: &SelectionParams,
    indexes: Vec<usize>,
    algorithm: Algorithm,
) -> Selection {
    let (mut value, mut effective, mut waste) = (0i64, 0i64, 0i64);
    for &i in &indexes {
        let coin = Coin::priced(i, &candidates[i], params);
        value += candidates[i].value.to_sat();
        effective += coin.effective;
        waste += coin.fee - coin.long_term_fee;
    }
    let target = params.target.to_sat();
    let change = effective - target - params.change_fee.to_sat();
    let change = (change >= params.min_viable_change.to_sat()).then_some(Amount::from_sat(change));
    waste += match change {
        Some(_) => params.cost_of_change.to_sat(),
        None => effective - target,
    };
    Selection {
        indexes,
        algorithm,
        value: Amount::from_sat(value),
        effective_value: Amount::from_sat(effective),
        change,
        waste: Amount::from_sat(waste),
    }
}

/// Runs every algorithm and keeps the selection with the least waste, preferring more
/// inputs on a tie (Core `ChooseSelectionResult`); fails with the shortfall when the
/// coins' effective value cannot cover the target.
pub fn select_coins(
    candidates: &[Candidate],
    params: &SelectionParams,
    rng: &mut Rng,
) -> Result<Selection, Error> {
    // The candidates come from the caller: their total must be money, which bounds every
    // sum the algorithms make below in plain `i64` satoshis.
    let total = Amount::checked_sum(candidates.iter().map(|c| c.value));
    if !total.is_some_and(Amount::is_valid_money)
        || candidates.iter().any(|c| c.value.is_negative())
    {
        return Err(Error::InvalidAmount(total.unwrap_or(Amount::MAX_MONEY)));
    }
    let available: i64 = coins(candidates, params).iter().map(|c| c.effective).sum();
    let target = params.target.to_sat();
    if available < target {
        return Err(Error::InsufficientFunds {
            needed: params.target,
            available: Amount::from_sat(available),
            shortfall: Amount::from_sat(target - available),
        });
    }
    let mut results = Vec::new();
    if let Some(found) = branch_and_bound(candidates, params) {
        results.push(evaluate(
            candidates,
            params,
            found,
            Algorithm::BranchAndBound,
        ));
    }
    if let Some(found) = knapsack(candidates, params, rng) {
        results.push(evaluate(candidates, params, found, Algorithm::Knapsack));
    }
    if let Some(found) = single_random_draw(candidates, params, rng) {
        results.push(evaluate(
            candidates,
            params,
            found,
            Algorithm::SingleRandomDraw,
        ));
    }
    results
        .into_iter()
        .filter(|s| s.effective_value.to_sat() >= target)
        .min_by(|a, b| {
            a.waste
                .cmp(&b.waste)
                .then(b.indexes.len().cmp(&a.indexes.len()))
        })
        .ok_or(Error::InsufficientFunds {
            needed: params.target,
            available: Amount::from_sat(available),
            shortfall: Amount::ZERO,
        })
}
