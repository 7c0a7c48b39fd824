//! The block subsidy: how new bitcoins come into being.
//!
//! A coinbase may pay its miner the block's fees plus a subsidy of new coins: 50 BTC at
//! first, halved every 210,000 blocks (about four years; every 150 on regtest), so that
//! the supply approaches 21 million BTC. The halving is a right shift of the amount in
//! satoshis. The shift reaches zero after 33 halvings; past 63 it would be undefined
//! in C++, so Core returns zero from the 64th on.
//!
//! References: Core `src/validation.cpp` (`GetBlockSubsidy`).

use sou_primitives::network::Params;
use sou_primitives::Amount;

/// New coins per block: 50 BTC, halved every `subsidy_halving_interval` blocks, zero
/// after 64 halvings where the shift would be undefined (Core `GetBlockSubsidy`).
pub fn block_subsidy(height: u32, params: &Params) -> Amount {
    let halvings = height / params.subsidy_halving_interval;
    if halvings >= 64 {
        return Amount::ZERO;
    }
    let initial = 50 * Amount::ONE_BTC.to_sat();
    Amount::from_sat(initial >> halvings)
}
