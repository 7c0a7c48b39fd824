//! Where the 21 million come from: the subsidy schedule, epoch by epoch.
//!
//! Each block's coinbase may create the block subsidy: 50 BTC at first, halved every
//! 210,000 blocks (about four years). The amounts are whole satoshis and halving is a
//! right shift, so fractions are dropped, and after 33 halvings the subsidy is zero. The
//! numbers below come from `sou::chain::consensus::block_subsidy`, the function block
//! validation uses.
//!
//! Run: `cargo run --release --example supply`.

use sou::chain::consensus::block_subsidy;
use sou::{Amount, Network};

fn main() {
    let params = Network::Mainnet.params();
    let interval = params.subsidy_halving_interval;
    println!("epoch  first block   subsidy per block     created in the epoch        total so far");
    let mut total = Amount::ZERO;
    for epoch in 0..34u32 {
        let height = epoch * interval;
        let subsidy = block_subsidy(height, params);
        let created = subsidy
            .checked_mul(i64::from(interval))
            .unwrap_or(Amount::MAX_MONEY);
        total = total.checked_add(created).unwrap_or(Amount::MAX_MONEY);
        println!(
            "{epoch:>5}  {height:>11}  {:>18}  {:>24}  {:>21}",
            subsidy.to_btc_string(),
            created.to_btc_string(),
            total.to_btc_string()
        );
        if subsidy == Amount::ZERO {
            break;
        }
    }
    println!("\nEvery bitcoin that will ever exist: {total}");
    println!(
        "That is {} satoshis less than 21 million: the halvings drop fractions of a satoshi.",
        Amount::MAX_MONEY.to_sat() - total.to_sat()
    );
    println!(
        "The last satoshis are mined around block {}, in about the year 2140.",
        33 * interval - 1
    );
}
