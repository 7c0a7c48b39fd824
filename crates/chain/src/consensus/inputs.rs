//! Spending coins: what a transaction's inputs must hold (Core `Consensus::CheckTxInputs`).
//!
//! Once a transaction's coins are looked up in the UTXO set, each is a [`Coin`]: an
//! output, the height of the block that created it, and whether a coinbase did. The
//! caller has found every coin (or rejected the block, `bad-txns-inputs-missingorspent`);
//! [`check_tx_inputs`] then asks that a coinbase's coins have waited 100 blocks
//! (`COINBASE_MATURITY`: a reorganisation could erase a young coinbase, and every
//! payment from it), that each input value and their sum are within 21 million BTC, and
//! that they cover the outputs. What is left over is the fee, which the miner may claim.
//!
//! References: Core `src/consensus/tx_verify.cpp` (`Consensus::CheckTxInputs`),
//! `src/coins.h` (`Coin`).

use sou_primitives::{Amount, Transaction, TxOut, Txid};

use super::BlockError;

/// A coin in the UTXO set: an output and where it was created.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Coin {
    /// The output.
    pub output: TxOut,
    /// Height of the block that created it.
    pub height: u32,
    /// Created by a coinbase (spendable only after 100 blocks).
    pub is_coinbase: bool,
}

/// Core's `Consensus::CheckTxInputs`: every coin exists and is mature, values are in
/// range, and inputs cover outputs. Returns the fee.
pub fn check_tx_inputs(
    tx: &Transaction,
    txid: Txid,
    coins: &[&Coin],
    spend_height: u32,
    coinbase_maturity: u32,
) -> Result<Amount, BlockError> {
    let mut value_in = Amount::ZERO;
    for (input, coin) in coins.iter().enumerate() {
        if coin.is_coinbase && spend_height.saturating_sub(coin.height) < coinbase_maturity {
            return Err(BlockError::PrematureSpendOfCoinbase {
                txid,
                input,
                coin_height: coin.height,
                depth: spend_height.saturating_sub(coin.height),
            });
        }
        value_in = value_in
            .checked_add(coin.output.value)
            .filter(|v| v.is_valid_money() && coin.output.value.is_valid_money())
            .ok_or(BlockError::InputValuesOutOfRange { txid })?;
    }
    // CheckTransaction bounded every output and their sum.
    let value_out = tx.total_output_value().unwrap_or(Amount::MAX_MONEY);
    if value_in < value_out {
        return Err(BlockError::InBelowOut {
            txid,
            value_in,
            value_out,
        });
    }
    let fee = value_in
        .checked_sub(value_out)
        .filter(|f| f.is_valid_money())
        .ok_or(BlockError::FeeOutOfRange { txid })?;
    Ok(fee)
}
