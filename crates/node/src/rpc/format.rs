//! The JSON shapes of Core's RPC results: blocks, headers, transactions, scripts.
//!
//! A client written for bitcoind reads results by field name and, more often than one
//! would hope, by field order and number formatting: amounts always carry 8 decimals
//! (`50.00000000`), difficulties are printed with 16 significant digits
//! (`4.656542373906925e-10`), and a field is either present or absent under the same
//! conditions as in Core (`address` only for scripts that have one, `fee` only when the
//! spent coins are known). The functions here build those values from plain data (a
//! script, a transaction, a block and what the chain knows about it), so that RPC
//! handlers only look things up and call them, and tests can compare the output with
//! recorded bitcoind answers field by field.
//!
//! | function | Core |
//! | --- | --- |
//! | [`amount`] | `ValueFromAmount` |
//! | [`double`] | `UniValue::setFloat` (`std::setprecision(16)`) |
//! | [`script_pubkey`] | `ScriptToUniv` with hex and address |
//! | [`decode_script`] | the `decodescript` RPC |
//! | [`transaction`] | `TxToUniv` (`decoderawtransaction`, `getrawtransaction`, `getblock` 2-3) |
//! | [`header`] | `blockheaderToJSON` (`getblockheader`) |
//! | [`block`] | `blockToJSON` (`getblock`) |
//! | [`difficulty`] | `GetDifficulty` |
//!
//! ```
//! use sou_node::rpc::format::{amount, double};
//! use sou_primitives::Amount;
//!
//! assert_eq!(amount(Amount::from_sat(5_000_000_000)).to_string(), "50.00000000");
//! assert_eq!(double(4.656542373906925e-10).to_string(), "4.656542373906925e-10");
//! assert_eq!(double(1.0).to_string(), "1");
//! ```
//!
//! Object keys keep insertion order (serde_json's `preserve_order`), and numbers are
//! written as text where Core's formatting matters (serde_json's `arbitrary_precision`).
//!
//! References: Core `src/core_io.cpp` (`ValueFromAmount`, `ScriptToUniv`, `TxToUniv`),
//! `src/rpc/blockchain.cpp` (`blockheaderToJSON`, `coinbaseTxToJSON`, `blockToJSON`,
//! `GetDifficulty`, `getblock`), `src/rpc/rawtransaction.cpp` (`decodescript`),
//! `src/univalue/lib/univalue.cpp` (`setFloat`).

use serde_json::{Map, Number, Value};
use sou_chain::chainstate::BlockUndo;
use sou_chain::consensus::Coin;
use sou_keys::Address;
use sou_primitives::encoding::serialize;
use sou_primitives::hashes::{hash160, sha256};
use sou_primitives::opcodes::{OP_0, OP_CHECKSIGADD, OP_NOP10};
use sou_primitives::script::{Builder, Instruction, MAX_SCRIPT_ELEMENT_SIZE};
use sou_primitives::standard::{solver, ScriptType, Solution};
use sou_primitives::{Amount, Block, BlockHash, BlockHeader, CompactTarget, Network, Script};
use sou_primitives::{Transaction, Work};
use sou_script::asm::script_to_asm_str;
use sou_wallet::descriptor::{add_checksum, Descriptor};

use super::{codes, RpcError};

/// An amount as Core prints it: BTC with exactly 8 decimals, `-` for negatives
/// (`ValueFromAmount`). The number's text is kept as is, so `50.00000000` stays
/// `50.00000000` rather than becoming `50.0`.
pub fn amount(value: Amount) -> Value {
    Value::Number(Number::from_string_unchecked(value.to_btc_string()))
}

/// A floating-point number as Core's UniValue prints it: `std::setprecision(16)` in the
/// default float format, which is C's `%.16g`.
///
/// `%.16g` rounds to 16 significant digits, then writes plain decimals when the exponent
/// lies in `-4..16` and scientific notation otherwise, dropping trailing zeros either
/// way: `1`, `0.0001`, `4.656542373906925e-10`. Infinities and NaN have no JSON form
/// (Core refuses them), and give `null`.
pub fn double(value: f64) -> Value {
    match format_g16(value) {
        Some(text) => Value::Number(Number::from_string_unchecked(text)),
        None => Value::Null,
    }
}

/// C's `%.16g`.
fn format_g16(x: f64) -> Option<String> {
    const PRECISION: i32 = 16;
    if !x.is_finite() {
        return None;
    }
    if x == 0.0 {
        return Some(if x.is_sign_negative() { "-0" } else { "0" }.to_owned());
    }
    // Rounding to 16 significant digits first decides the exponent: 9.9999999999999999
    // becomes 1.000000000000000e1, exponent 1.
    let scientific = format!("{:.*e}", (PRECISION - 1) as usize, x);
    let (mantissa, exponent) = scientific.split_once('e')?;
    let exponent: i32 = exponent.parse().ok()?;
    if (-4..PRECISION).contains(&exponent) {
        // In this range the exponent is at most 15 and at least -4: 0 to 19 decimals.
        let decimals = (PRECISION - 1 - exponent) as usize;
        Some(trim_fraction_zeros(&format!("{x:.decimals$}")).to_owned())
    } else {
        let sign = if exponent < 0 { '-' } else { '+' };
        let mantissa = trim_fraction_zeros(mantissa);
        Some(format!("{mantissa}e{sign}{:02}", exponent.unsigned_abs()))
    }
}

/// `1.2500` → `1.25`, `2.000` → `2`; text without a point is left alone.
fn trim_fraction_zeros(text: &str) -> &str {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        text
    }
}

/// How much harder than the easiest mainnet target (`0x1d00ffff`) a target is, as a
/// float for display (Core `GetDifficulty`).
pub fn difficulty(bits: CompactTarget) -> f64 {
    bits.difficulty()
}

/// The `scriptPubKey` object of an output (Core `ScriptToUniv` with hex and address):
/// `asm`, `desc`, `hex`, `address` when the script has one, and `type`.
pub fn script_pubkey(script: &Script, network: Network) -> Value {
    Value::Object(script_to_univ(script, network, true))
}

/// Core `ScriptToUniv(script, out, include_hex, include_address = true)`.
///
/// A pay-to-pubkey script has a destination in Core (the key) but no address, so Core
/// leaves `address` out for it; the descriptor (`pk(...)`) names the key instead.
fn script_to_univ(script: &Script, network: Network, include_hex: bool) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("asm".into(), script_to_asm_str(script, false).into());
    out.insert(
        "desc".into(),
        Descriptor::infer(script, network).to_string().into(),
    );
    if include_hex {
        out.insert("hex".into(), hex::encode(script.as_bytes()).into());
    }
    let script_type = ScriptType::of(script);
    if let Some(address) = address_of(script, script_type, network) {
        out.insert("address".into(), address.to_string().into());
    }
    out.insert("type".into(), script_type.name().into());
    out
}

/// The address RPCs show for a script: Core's `ExtractDestination` succeeds for these
/// templates only.
fn address_of(script: &Script, script_type: ScriptType, network: Network) -> Option<Address> {
    match script_type {
        ScriptType::PubKeyHash
        | ScriptType::ScriptHash
        | ScriptType::WitnessV0KeyHash
        | ScriptType::WitnessV0ScriptHash
        | ScriptType::WitnessV1Taproot
        | ScriptType::Anchor
        | ScriptType::WitnessUnknown => Address::from_script(script, network).ok(),
        ScriptType::NonStandard
        | ScriptType::PubKey
        | ScriptType::Multisig
        | ScriptType::NullData => None,
    }
}

/// The result of `decodescript`: the script as an output (`asm`, `desc`, `address`,
/// `type`, without `hex`), then what it would look like wrapped.
///
/// `p2sh` is the P2SH address of the script, given when the script could serve as a
/// redeem script: not when it is itself a P2SH, taproot, anchor, unknown witness or data
/// script, when it holds an invalid opcode or a push over 520 bytes, starts with
/// `OP_RETURN`, or uses `OP_CHECKSIGADD` or an `OP_SUCCESSx` (tapscript-only opcodes).
///
/// `segwit` is the script moved into a version 0 witness program, given when it could be:
/// a key or key hash becomes P2WPKH, a multisig or non-standard script becomes P2WSH.
/// Scripts holding an uncompressed key, and witness programs themselves, are not wrapped.
///
/// Not yet as Core: a non-standard script that is valid, sane miniscript (say
/// `<key> OP_CHECKSIGVERIFY <n> OP_CHECKSEQUENCEVERIFY`) gets `wsh(<miniscript>)` as its
/// segwit `desc` in Core; sou, which does not decode miniscript yet, gives the P2WSH
/// `addr(...)` that Core gives for every other non-standard script.
pub fn decode_script(script: &Script, network: Network) -> Value {
    let mut r = script_to_univ(script, network, false);
    let solution = solver(script);
    if !can_wrap_p2sh(script, solution.script_type()) {
        return Value::Object(r);
    }
    r.insert(
        "p2sh".into(),
        Address::p2sh(script, network).to_string().into(),
    );
    let segwit = match &solution {
        Solution::PubKey { pubkey } if pubkey.len() == 33 => Some(p2wpkh(&hash160(pubkey))),
        Solution::PubKeyHash { hash } => Some(p2wpkh(hash)),
        Solution::Multisig { pubkeys, .. } if pubkeys.iter().all(|k| k.len() == 33) => {
            Some(p2wsh(script))
        }
        Solution::NonStandard => Some(p2wsh(script)),
        _ => None,
    };
    if let Some(segwit_script) = segwit {
        let mut sr = script_to_univ(&segwit_script, network, true);
        // Core infers this descriptor knowing the witness script, so a multisig shows as
        // `wsh(multi(...))` rather than as the P2WSH address.
        if let Solution::Multisig { .. } = solution {
            let inner = Descriptor::infer(script, network).to_string_without_checksum();
            if let Some(desc) = add_checksum(&format!("wsh({inner})")) {
                sr.insert("desc".into(), desc.into());
            }
        }
        sr.insert(
            "p2sh-segwit".into(),
            Address::p2sh(&segwit_script, network).to_string().into(),
        );
        r.insert("segwit".into(), Value::Object(sr));
    }
    Value::Object(r)
}

/// `decodescript`'s `can_wrap`: the script could be a P2SH redeem script.
fn can_wrap_p2sh(script: &Script, script_type: ScriptType) -> bool {
    match script_type {
        ScriptType::Multisig
        | ScriptType::NonStandard
        | ScriptType::PubKey
        | ScriptType::PubKeyHash
        | ScriptType::WitnessV0KeyHash
        | ScriptType::WitnessV0ScriptHash => {}
        ScriptType::NullData
        | ScriptType::ScriptHash
        | ScriptType::WitnessUnknown
        | ScriptType::WitnessV1Taproot
        | ScriptType::Anchor => return false,
    }
    if script.is_unspendable() {
        return false;
    }
    // Core `CScript::HasValidOps`, then no opcode that only tapscript gives a meaning.
    script.instructions().all(|item| match item {
        Ok(Instruction::Push { data, .. }) => data.len() <= MAX_SCRIPT_ELEMENT_SIZE,
        Ok(Instruction::Op(op)) => op <= OP_NOP10 && op != OP_CHECKSIGADD && !op.is_op_success(),
        Err(_) => false,
    })
}

fn p2wpkh(hash: &[u8; 20]) -> Script {
    Builder::new()
        .push_opcode(OP_0)
        .push_slice(hash)
        .into_script()
}

fn p2wsh(witness_script: &Script) -> Script {
    Builder::new()
        .push_opcode(OP_0)
        .push_slice(&sha256(witness_script.as_bytes()))
        .into_script()
}

/// How much of each input `transaction` shows (Core `TxVerbosity`, details levels).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TxVerbosity {
    /// Inputs and outputs, and the fee when the spent coins are given.
    #[default]
    ShowDetails,
    /// Also each input's spent coin as `prevout` (`getblock` verbosity 3).
    ShowDetailsAndPrevout,
}

/// What [`transaction`] knows beyond the transaction itself.
#[derive(Debug, Clone, Copy, Default)]
pub struct TxOptions<'a> {
    /// The block holding it, shown as `blockhash`.
    pub block_hash: Option<BlockHash>,
    /// Whether to add the serialised transaction as `hex`.
    pub include_hex: bool,
    /// The coins its inputs spend, in input order (from the block's undo data); `None`
    /// for a coinbase or when unknown. With them the result has a `fee`.
    pub spent: Option<&'a [Coin]>,
    /// Whether the spent coins are shown per input.
    pub verbosity: TxVerbosity,
}

/// Core's message when undo data does not fit its block.
const UNDO_UNREADABLE: &str = "Undo data expected but can't be read. This could be due to disk corruption or a conflict with a pruning event.";

/// A transaction as Core's RPCs show it (`TxToUniv`): `txid`, `hash`, `version`, `size`,
/// `vsize`, `weight`, `locktime`, `vin`, `vout`, then `fee`, `blockhash` and `hex` when
/// asked for.
///
/// Each input shows `coinbase` (its script as hex) for a coinbase, else the outpoint and
/// `scriptSig`, whose `asm` decodes signature hash types; then `txinwitness` if it has a
/// witness, `prevout` at [`TxVerbosity::ShowDetailsAndPrevout`] with spent coins, and
/// `sequence`.
///
/// Fails when `spent` does not hold one coin per input, or when the fee is out of range:
/// the coins do not belong to this transaction.
pub fn transaction(
    tx: &Transaction,
    network: Network,
    options: &TxOptions<'_>,
) -> Result<Value, RpcError> {
    let internal = |message: &str| RpcError::new(codes::RPC_INTERNAL_ERROR, message);
    if options
        .spent
        .is_some_and(|coins| coins.len() != tx.input.len())
    {
        return Err(internal(UNDO_UNREADABLE));
    }
    let mut entry = Map::new();
    entry.insert("txid".into(), tx.compute_txid().to_string().into());
    entry.insert("hash".into(), tx.compute_wtxid().to_string().into());
    entry.insert("version".into(), tx.version.into());
    entry.insert("size".into(), tx.total_size().into());
    entry.insert("vsize".into(), tx.vsize().into());
    entry.insert("weight".into(), tx.weight().to_wu().into());
    entry.insert("locktime".into(), tx.lock_time.into());

    let is_coinbase = tx.is_coinbase();
    let mut vin = Vec::with_capacity(tx.input.len());
    for (i, input) in tx.input.iter().enumerate() {
        let mut item = Map::new();
        if is_coinbase {
            item.insert(
                "coinbase".into(),
                hex::encode(input.script_sig.as_bytes()).into(),
            );
        } else {
            item.insert("txid".into(), input.previous_output.txid.to_string().into());
            item.insert("vout".into(), input.previous_output.vout.into());
            let mut script_sig = Map::new();
            script_sig.insert(
                "asm".into(),
                script_to_asm_str(&input.script_sig, true).into(),
            );
            script_sig.insert(
                "hex".into(),
                hex::encode(input.script_sig.as_bytes()).into(),
            );
            item.insert("scriptSig".into(), Value::Object(script_sig));
        }
        if !input.witness.is_empty() {
            let stack: Vec<Value> = input
                .witness
                .iter()
                .map(|w| Value::from(hex::encode(w)))
                .collect();
            item.insert("txinwitness".into(), Value::Array(stack));
        }
        let coin = options.spent.and_then(|coins| coins.get(i));
        if let (Some(coin), TxVerbosity::ShowDetailsAndPrevout) = (coin, options.verbosity) {
            let mut prevout = Map::new();
            prevout.insert("generated".into(), coin.is_coinbase.into());
            prevout.insert("height".into(), coin.height.into());
            prevout.insert("value".into(), amount(coin.output.value));
            prevout.insert(
                "scriptPubKey".into(),
                script_pubkey(&coin.output.script_pubkey, network),
            );
            item.insert("prevout".into(), Value::Object(prevout));
        }
        item.insert("sequence".into(), input.sequence.into());
        vin.push(Value::Object(item));
    }
    entry.insert("vin".into(), Value::Array(vin));

    let vout = tx
        .output
        .iter()
        .enumerate()
        .map(|(n, output)| {
            let mut item = Map::new();
            item.insert("value".into(), amount(output.value));
            item.insert("n".into(), n.into());
            item.insert(
                "scriptPubKey".into(),
                script_pubkey(&output.script_pubkey, network),
            );
            Value::Object(item)
        })
        .collect();
    entry.insert("vout".into(), Value::Array(vout));

    if let Some(coins) = options.spent {
        let total_in = Amount::checked_sum(coins.iter().map(|c| c.output.value));
        let fee = total_in
            .zip(tx.total_output_value())
            .and_then(|(inputs, outputs)| inputs.checked_sub(outputs))
            .filter(|fee| fee.is_valid_money())
            .ok_or_else(|| {
                internal("fee out of range: the spent coins do not fit the transaction")
            })?;
        entry.insert("fee".into(), amount(fee));
    }
    if let Some(hash) = options.block_hash {
        entry.insert("blockhash".into(), hash.to_string().into());
    }
    if options.include_hex {
        entry.insert("hex".into(), hex::encode(serialize(tx)).into());
    }
    Ok(Value::Object(entry))
}

/// What the node knows about a block beyond its bytes: its place in the block tree and
/// in the active chain (the fields of Core's `CBlockIndex` that RPCs show).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockContext {
    /// Its height.
    pub height: u32,
    /// Blocks from it to the tip inclusive when it is in the active chain (the tip has
    /// 1); -1 when it is not (Core `ComputeNextBlockAndDepth`).
    pub confirmations: i64,
    /// Median time of it and its 10 ancestors (Core `GetMedianTimePast`).
    pub median_time: i64,
    /// Total work of the chain up to and including it.
    pub chain_work: Work,
    /// Its number of transactions.
    pub n_tx: u64,
    /// The next block in the active chain, if it is in the active chain and not the tip.
    pub next: Option<BlockHash>,
}

/// A header as `getblockheader` shows it (Core `blockheaderToJSON`).
///
/// `previousblockhash` is left out at height 0 only, and `nextblockhash` unless the
/// context has one. `target` is the 256-bit number `bits` encodes.
pub fn header(header: &BlockHeader, context: &BlockContext) -> Value {
    Value::Object(header_fields(header, context))
}

fn header_fields(header: &BlockHeader, context: &BlockContext) -> Map<String, Value> {
    let mut r = Map::new();
    r.insert("hash".into(), header.block_hash().to_string().into());
    r.insert("confirmations".into(), context.confirmations.into());
    r.insert("height".into(), context.height.into());
    r.insert("version".into(), header.version.into());
    // Core prints the signed version with `%08x`: its two's complement bits.
    r.insert(
        "versionHex".into(),
        format!("{:08x}", header.version).into(),
    );
    r.insert("merkleroot".into(), header.merkle_root.to_string().into());
    r.insert("time".into(), header.time.into());
    r.insert("mediantime".into(), context.median_time.into());
    r.insert("nonce".into(), header.nonce.into());
    r.insert(
        "bits".into(),
        format!("{:08x}", header.bits.to_consensus()).into(),
    );
    r.insert(
        "target".into(),
        header.bits.expand().value.to_string().into(),
    );
    r.insert("difficulty".into(), double(difficulty(header.bits)));
    r.insert("chainwork".into(), context.chain_work.to_string().into());
    r.insert("nTx".into(), context.n_tx.into());
    // Only the genesis block has no parent in the block tree.
    if context.height > 0 {
        r.insert(
            "previousblockhash".into(),
            header.prev_blockhash.to_string().into(),
        );
    }
    if let Some(next) = context.next {
        r.insert("nextblockhash".into(), next.to_string().into());
    }
    r
}

/// A block as `getblock` shows it at `verbosity` (Core `blockToJSON`, and the block's hex
/// at verbosity 0).
///
/// Verbosity 1 lists the txids; 2 shows each transaction (with `fee` when `undo` is
/// given, coinbase excepted); 3 and above also each input's `prevout`. Before `tx` come
/// the header fields, the sizes (`strippedsize`, `size`, `weight`) and `coinbase_tx`, a
/// summary of the coinbase transaction.
///
/// Fails when `undo` does not fit the block (one list of coins per transaction after the
/// coinbase, one coin per input), or the block has no coinbase to summarise.
pub fn block(
    block: &Block,
    context: &BlockContext,
    verbosity: u8,
    undo: Option<&BlockUndo>,
    network: Network,
) -> Result<Value, RpcError> {
    let internal = |message: &str| RpcError::new(codes::RPC_INTERNAL_ERROR, message);
    if verbosity == 0 {
        return Ok(hex::encode(serialize(block)).into());
    }
    let mut r = header_fields(&block.header, context);
    r.insert("strippedsize".into(), block.base_size().into());
    r.insert("size".into(), block.total_size().into());
    r.insert("weight".into(), block.weight().to_wu().into());
    let coinbase = block
        .txdata
        .first()
        .and_then(coinbase_summary)
        .ok_or_else(|| internal("the block has no well-formed coinbase transaction"))?;
    r.insert("coinbase_tx".into(), coinbase);

    let txs = if verbosity == 1 {
        block
            .txdata
            .iter()
            .map(|tx| Value::from(tx.compute_txid().to_string()))
            .collect()
    } else {
        let tx_verbosity = if verbosity == 2 {
            TxVerbosity::ShowDetails
        } else {
            TxVerbosity::ShowDetailsAndPrevout
        };
        if undo.is_some_and(|u| u.spent.len() + 1 != block.txdata.len()) {
            return Err(internal(UNDO_UNREADABLE));
        }
        let mut txs = Vec::with_capacity(block.txdata.len());
        for (i, tx) in block.txdata.iter().enumerate() {
            // The coinbase spends no coins; undo data starts with the second transaction.
            let spent = match (undo, i.checked_sub(1)) {
                (Some(u), Some(j)) => u.spent.get(j).map(Vec::as_slice),
                _ => None,
            };
            let options = TxOptions {
                block_hash: None,
                include_hex: true,
                spent,
                verbosity: tx_verbosity,
            };
            txs.push(transaction(tx, network, &options)?);
        }
        txs
    };
    r.insert("tx".into(), Value::Array(txs));
    Ok(Value::Object(r))
}

/// `coinbase_tx` (Core `coinbaseTxToJSON`): the coinbase's version, lock time, sequence,
/// script and its witness item (the witness commitment's reserved value), which tell
/// mining pools' and explorers' readers what the miner wrote. `None` if the coinbase has
/// no input or more than one witness item, which no valid block has.
fn coinbase_summary(coinbase: &Transaction) -> Option<Value> {
    let input = coinbase.input.first()?;
    let mut r = Map::new();
    r.insert("version".into(), coinbase.version.into());
    r.insert("locktime".into(), coinbase.lock_time.into());
    r.insert("sequence".into(), input.sequence.into());
    r.insert(
        "coinbase".into(),
        hex::encode(input.script_sig.as_bytes()).into(),
    );
    match input.witness.len() {
        0 => {}
        1 => {
            let item = input.witness.get(0)?;
            r.insert("witness".into(), hex::encode(item).into());
        }
        _ => return None,
    }
    Some(Value::Object(r))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_print_like_percent_16g() {
        let cases: &[(f64, &str)] = &[
            (1.0, "1"),
            (0.0, "0"),
            (4.656542373906925e-10, "4.656542373906925e-10"),
            (0.5, "0.5"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (123456789012345.6, "123456789012345.6"),
            (1234567890123456.0, "1234567890123456"),
            (12345678901234567.0, "1.234567890123457e+16"),
            (1e100, "1e+100"),
            (-2.5, "-2.5"),
            (0.1 + 0.2, "0.3"),
            (9.99999999999999999, "10"),
            (1.0 / 3.0, "0.3333333333333333"),
        ];
        for &(x, text) in cases {
            assert_eq!(format_g16(x).as_deref(), Some(text), "{x:e}");
        }
        assert_eq!(double(f64::INFINITY), Value::Null);
    }

    #[test]
    fn amounts_keep_eight_decimals() {
        assert_eq!(
            amount(Amount::from_sat(5_000_000_000)).to_string(),
            "50.00000000"
        );
        assert_eq!(amount(Amount::from_sat(-1)).to_string(), "-0.00000001");
        assert_eq!(amount(Amount::ZERO).to_string(), "0.00000000");
    }

    /// A one-input, one-output transaction spending `value` sats, and the coin it spends.
    fn spend(value: i64, pays: i64) -> (Transaction, Coin) {
        use sou_primitives::{OutPoint, TxIn, TxOut, Txid};
        let script_pubkey = Script::from_bytes(vec![0x51]);
        let tx = Transaction {
            version: 2,
            input: vec![TxIn {
                previous_output: OutPoint::new(Txid::from_byte_array([1; 32]), 0),
                script_sig: Script::new(),
                sequence: 0xffff_fffd,
                witness: sou_primitives::Witness::new(),
            }],
            output: vec![TxOut {
                value: Amount::from_sat(pays),
                script_pubkey: script_pubkey.clone(),
            }],
            lock_time: 0,
        };
        let coin = Coin {
            output: TxOut {
                value: Amount::from_sat(value),
                script_pubkey,
            },
            height: 7,
            is_coinbase: false,
        };
        (tx, coin)
    }

    #[test]
    fn fee_blockhash_and_hex_come_last_in_cores_order() {
        let (tx, coin) = spend(1_000, 900);
        let coins = [coin];
        let options = TxOptions {
            block_hash: Some(BlockHash::from_byte_array([2; 32])),
            include_hex: true,
            spent: Some(&coins),
            verbosity: TxVerbosity::ShowDetailsAndPrevout,
        };
        let v = transaction(&tx, Network::Regtest, &options).expect("coins fit");
        let keys: Vec<_> = v
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default();
        assert_eq!(
            keys,
            [
                "txid",
                "hash",
                "version",
                "size",
                "vsize",
                "weight",
                "locktime",
                "vin",
                "vout",
                "fee",
                "blockhash",
                "hex"
            ]
        );
        assert_eq!(v["fee"].to_string(), "0.00000100");
        let input: Vec<_> = v["vin"][0]
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default();
        assert_eq!(input, ["txid", "vout", "scriptSig", "prevout", "sequence"]);
        assert_eq!(v["vin"][0]["prevout"]["height"], 7);
    }

    #[test]
    fn coins_that_do_not_fit_are_an_error_not_a_panic() {
        let (tx, coin) = spend(1_000, 900);
        let none: [Coin; 0] = [];
        let two = [coin.clone(), coin];
        for coins in [&none[..], &two[..]] {
            let options = TxOptions {
                spent: Some(coins),
                ..TxOptions::default()
            };
            let err = transaction(&tx, Network::Regtest, &options).unwrap_err();
            assert_eq!(err.code, codes::RPC_INTERNAL_ERROR);
        }
        // Outputs worth more than the coin: a negative fee.
        let (tx, coin) = spend(1_000, 2_000);
        let options = TxOptions {
            spent: Some(std::slice::from_ref(&coin)),
            ..TxOptions::default()
        };
        assert!(transaction(&tx, Network::Regtest, &options).is_err());
    }
}
