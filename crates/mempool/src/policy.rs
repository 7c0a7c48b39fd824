//! Standard transactions: the shapes a node relays, whatever a block may hold.
//!
//! Consensus says which transactions a block may contain; every node must agree on it or
//! the chain splits. *Policy* says which unconfirmed transactions this node keeps in its
//! mempool and passes on to peers. It is stricter, and each node may set it differently,
//! because a transaction refused by policy can still be mined and every node will accept
//! the block. The stricter rules protect the relay network, which is free to use:
//!
//! - **Denial of service**: a huge transaction, a long scriptSig, or a script that asks for
//!   many signature checks costs every relaying node work that the sender does not pay
//!   for in proportion ([`MAX_STANDARD_TX_WEIGHT`], [`MAX_STANDARD_SCRIPTSIG_SIZE`]).
//! - **Upgrade hooks**: by relaying only known output templates ([`is_standard`]), no node
//!   helps spread a spend of a script whose meaning a future soft fork might change.
//! - **The UTXO set**: every unspent output is stored by every node forever. An output
//!   worth less than the fee to spend it ([`is_dust`]) will likely never be spent, so
//!   policy refuses to create it; data goes in provably unspendable `OP_RETURN` outputs,
//!   which are never stored.
//! - **Malleability and old bugs**: a scriptSig must only push data, so a third party
//!   cannot add operations and change the txid; a transaction of 64 bytes without its
//!   witness could pass for an inner node of a merkle tree (CVE-2017-12842).
//!
//! [`is_standard_tx`] applies the rules that need the transaction alone, in Core's order,
//! with Core's reasons: `version`, `tx-size`, `scriptsig-size`, `scriptsig-not-pushonly`,
//! `scriptpubkey`, `datacarrier`, `bare-multisig`, `dust`. [`PolicyOptions`] holds the
//! settings a node operator may change (`-datacarriersize`, `-permitbaremultisig`,
//! `-dustrelayfee`, `-minrelaytxfee`), at Core's defaults.
//!
//! References: Core `src/policy/policy.{h,cpp}` (`IsStandard`, `IsStandardTx`,
//! `GetDustThreshold`, `IsDust`, `GetDust`).

use sou_primitives::standard::{solver, ScriptType, Solution};
use sou_primitives::transaction::WITNESS_SCALE_FACTOR;
use sou_primitives::{Amount, FeeRate, Script, Transaction, TxOut};
use sou_script::VerifyFlags;

use crate::error::PolicyError;

/// The heaviest transaction relayed, a tenth of a block (Core `MAX_STANDARD_TX_WEIGHT`):
/// signature hashing of legacy inputs is quadratic in the transaction's size.
pub const MAX_STANDARD_TX_WEIGHT: u64 = 400_000;
/// The smallest non-witness size relayed: one more than 64, the size of a merkle tree's
/// inner node (Core `MIN_STANDARD_TX_NONWITNESS_SIZE`, CVE-2017-12842).
pub const MIN_STANDARD_TX_NONWITNESS_SIZE: usize = 65;
/// The longest scriptSig relayed (Core `MAX_STANDARD_SCRIPTSIG_SIZE`): enough for a
/// 15-of-15 P2SH multisig with compressed keys (1,627 bytes) and a little more.
pub const MAX_STANDARD_SCRIPTSIG_SIZE: usize = 1650;
/// Most sigops a P2SH redeem script may count, accurately (Core `MAX_P2SH_SIGOPS`).
pub const MAX_P2SH_SIGOPS: u64 = 15;
/// Most sigop cost of a relayed transaction, a fifth of a block's (Core
/// `MAX_STANDARD_TX_SIGOPS_COST`).
pub const MAX_STANDARD_TX_SIGOPS_COST: u64 = sou_chain::consensus::MAX_BLOCK_SIGOPS_COST / 5;
/// Most legacy (non-witness) sigops the inputs of a transaction may execute, counted as
/// BIP54 counts them (Core `MAX_TX_LEGACY_SIGOPS`).
pub const MAX_TX_LEGACY_SIGOPS: u64 = 2_500;
/// Virtual bytes a sigop is charged as, for fee rates (Core `DEFAULT_BYTES_PER_SIGOP`).
pub const DEFAULT_BYTES_PER_SIGOP: u64 = 20;
/// Default `-minrelaytxfee`: 100 sat/kvB, 0.1 sat/vB (Core `DEFAULT_MIN_RELAY_TX_FEE`).
pub const DEFAULT_MIN_RELAY_TX_FEE: FeeRate = FeeRate::from_sat_per_kvb(100);
/// Default `-dustrelayfee`, the rate that defines dust: 3 sat/vB (Core `DUST_RELAY_TX_FEE`).
pub const DUST_RELAY_TX_FEE: FeeRate = FeeRate::from_sat_per_kvb(3000);
/// Default `-datacarriersize`: bytes of `OP_RETURN` output scripts a transaction may hold
/// in all, as large as the largest standard transaction allows (Core `MAX_OP_RETURN_RELAY`).
#[allow(
    clippy::cast_possible_truncation,
    reason = "400,000 fits a usize of 32 bits"
)]
pub const MAX_OP_RETURN_RELAY: usize = (MAX_STANDARD_TX_WEIGHT as usize) / WITNESS_SCALE_FACTOR;
/// Most dust outputs a transaction may have: one, as ephemeral dust spent in the same
/// package (Core `MAX_DUST_OUTPUTS_PER_TX`).
pub const MAX_DUST_OUTPUTS_PER_TX: usize = 1;
/// Lowest transaction version relayed (Core `TX_MIN_STANDARD_VERSION`).
pub const TX_MIN_STANDARD_VERSION: u32 = 1;
/// Highest transaction version relayed: 3, TRUC (Core `TX_MAX_STANDARD_VERSION`).
pub const TX_MAX_STANDARD_VERSION: u32 = 3;
/// Bare multisig outputs are relayed by default (Core `DEFAULT_PERMIT_BAREMULTISIG`).
pub const DEFAULT_PERMIT_BAREMULTISIG: bool = true;
/// The script rules a relayed transaction must meet, consensus plus policy (Core
/// `STANDARD_SCRIPT_VERIFY_FLAGS`).
pub const STANDARD_SCRIPT_VERIFY_FLAGS: VerifyFlags = VerifyFlags::STANDARD;
/// The script rules every transaction must meet (Core `MANDATORY_SCRIPT_VERIFY_FLAGS`).
pub const MANDATORY_SCRIPT_VERIFY_FLAGS: VerifyFlags = VerifyFlags::CONSENSUS;

/// What a node operator may set about relay, at Core's defaults
/// (Core `MemPoolOptions`, src/kernel/mempool_options.h).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PolicyOptions {
    /// Bytes of `OP_RETURN` scripts allowed per transaction, `None` for none at all
    /// (`-datacarrier=0`).
    pub max_datacarrier_bytes: Option<usize>,
    /// Relay bare multisig outputs (`-permitbaremultisig`).
    pub permit_bare_multisig: bool,
    /// The rate that defines dust (`-dustrelayfee`).
    pub dust_relay_fee: FeeRate,
    /// The lowest fee rate relayed (`-minrelaytxfee`).
    pub min_relay_fee: FeeRate,
    /// Virtual bytes per sigop (`-bytespersigop`).
    pub bytes_per_sigop: u64,
}

impl Default for PolicyOptions {
    fn default() -> PolicyOptions {
        PolicyOptions {
            max_datacarrier_bytes: Some(MAX_OP_RETURN_RELAY),
            permit_bare_multisig: DEFAULT_PERMIT_BAREMULTISIG,
            dust_relay_fee: DUST_RELAY_TX_FEE,
            min_relay_fee: DEFAULT_MIN_RELAY_TX_FEE,
            bytes_per_sigop: DEFAULT_BYTES_PER_SIGOP,
        }
    }
}

/// The template of an output script, if policy relays outputs of it (Core `IsStandard`):
/// any template but non-standard, and a bare multisig only up to 3 keys.
///
/// The multisig limit is policy's, not consensus's: a 20-key bare multisig is valid, but
/// its keys sit in the UTXO set forever, so Core relays at most x-of-3 (P2SH and P2WSH
/// hide the keys behind a hash until the coin is spent).
pub fn is_standard(script_pubkey: &Script) -> Result<ScriptType, ScriptType> {
    match solver(script_pubkey) {
        Solution::NonStandard => Err(ScriptType::NonStandard),
        // The solver has already required 1 <= m <= n; policy adds n <= 3.
        Solution::Multisig { required, pubkeys } => {
            let n = pubkeys.len();
            if (1..=3).contains(&n) && required >= 1 && usize::from(required) <= n {
                Ok(ScriptType::Multisig)
            } else {
                Err(ScriptType::Multisig)
            }
        }
        solution => Ok(solution.script_type()),
    }
}

/// The serialised size of an output: 8 value bytes, the script's length as a
/// CompactSize, the script.
fn serialized_output_size(output: &TxOut) -> u64 {
    let len = output.script_pubkey.len() as u64;
    let prefix = match len {
        0..=252 => 1,
        253..=0xffff => 3,
        0x1_0000..=0xffff_ffff => 5,
        _ => 9,
    };
    8 + prefix + len
}

/// The least value an output must carry not to be dust at `dust_relay_fee` (Core
/// `GetDustThreshold`): the fee, at that rate, to create the output and later spend it.
///
/// Core does not look at what the spend will really cost. It assumes a spend the size of
/// a P2PKH input, 148 bytes (outpoint 36, script length 1, a 107-byte signature and key,
/// sequence 4), or for any witness program a P2WPKH input with its 107 witness bytes
/// discounted to 26: 67 virtual bytes. So a P2PKH output (34 bytes) is dust below
/// 182 x 3 = 546 sat, a P2WPKH output (31 bytes) below 98 x 3 = 294 sat, and a P2TR
/// output (43 bytes) below 330 sat, though its key-path spend is smaller. An unspendable
/// output (`OP_RETURN`) has threshold 0: it never enters the UTXO set.
pub fn get_dust_threshold(output: &TxOut, dust_relay_fee: FeeRate) -> Amount {
    if output.script_pubkey.is_unspendable() {
        return Amount::ZERO;
    }
    let spend = if output.script_pubkey.witness_program().is_some() {
        32 + 4 + 1 + (107 / WITNESS_SCALE_FACTOR as u64) + 4
    } else {
        32 + 4 + 1 + 107 + 4
    };
    dust_relay_fee.fee_for_vsize(serialized_output_size(output) + spend)
}

/// True if `output` is worth less than its dust threshold (Core `IsDust`).
pub fn is_dust(output: &TxOut, dust_relay_fee: FeeRate) -> bool {
    output.value < get_dust_threshold(output, dust_relay_fee)
}

/// The indexes of the dust outputs of `tx` (Core `GetDust`).
pub fn dust_outputs(tx: &Transaction, dust_relay_fee: FeeRate) -> Vec<usize> {
    tx.output
        .iter()
        .enumerate()
        .filter(|(_, o)| is_dust(o, dust_relay_fee))
        .map(|(i, _)| i)
        .collect()
}

/// The standardness rules that need the transaction alone (Core `IsStandardTx`), in
/// Core's order: the first broken one is the reason.
pub fn is_standard_tx(tx: &Transaction, options: &PolicyOptions) -> Result<(), PolicyError> {
    // Versions above 3 are left free for future soft forks to give a meaning to.
    if !(TX_MIN_STANDARD_VERSION..=TX_MAX_STANDARD_VERSION).contains(&tx.version) {
        return Err(PolicyError::Version {
            version: tx.version,
        });
    }
    // Legacy signature hashing costs O(inputs x size): cap the size.
    let weight = tx.weight().to_wu();
    if weight > MAX_STANDARD_TX_WEIGHT {
        return Err(PolicyError::TxSize { weight });
    }
    for (input, txin) in tx.input.iter().enumerate() {
        let size = txin.script_sig.len();
        if size > MAX_STANDARD_SCRIPTSIG_SIZE {
            return Err(PolicyError::ScriptSigSize { input, size });
        }
        // Only pushes: anything else lets a relaying node rewrite the scriptSig (and the
        // txid) without invalidating the signatures.
        if !txin.script_sig.is_push_only() {
            return Err(PolicyError::ScriptSigNotPushOnly { input });
        }
    }
    let mut datacarrier_left = options.max_datacarrier_bytes.unwrap_or(0);
    for (output, txout) in tx.output.iter().enumerate() {
        let script_type =
            is_standard(&txout.script_pubkey).map_err(|_| PolicyError::ScriptPubKey { output })?;
        match script_type {
            ScriptType::NullData => {
                let size = txout.script_pubkey.len();
                if size > datacarrier_left {
                    return Err(PolicyError::Datacarrier {
                        output,
                        size,
                        left: datacarrier_left,
                    });
                }
                datacarrier_left -= size;
            }
            ScriptType::Multisig if !options.permit_bare_multisig => {
                return Err(PolicyError::BareMultisig { output });
            }
            _ => {}
        }
    }
    // One dust output is allowed, as ephemeral dust: the mempool later requires the
    // transaction to pay no fee and a child in its package to spend that output.
    let count = dust_outputs(tx, options.dust_relay_fee).len();
    if count > MAX_DUST_OUTPUTS_PER_TX {
        return Err(PolicyError::Dust { count });
    }
    Ok(())
}
