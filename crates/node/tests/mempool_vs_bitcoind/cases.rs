//! The cases: transactions spending the funded coins, varied over the standardness rules
//! by a seeded generator, one family of rules per case in turn.

use sou_chain::consensus::transaction_sigop_cost;
use sou_mempool::{get_dust_threshold, sigop_adjusted_vsize, PolicyOptions};
use sou_primitives::opcodes::{OP_CHECKMULTISIG, OP_NOP, OP_RETURN};
use sou_primitives::{Amount, Script, Transaction, TxIn, TxOut, Witness};
use sou_wallet::{Rng, SigningKey};

use crate::coins::{unlock_all, wpkh_script, Funded, Kind};

/// The families, one per case in turn.
pub(crate) const FAMILIES: [&str; 13] = [
    "plain",
    "version",
    "outputs",
    "dust",
    "op_return",
    "scriptsig",
    "witness",
    "size",
    "fee",
    "sigops",
    "truc",
    "consensus",
    "bip54",
];

/// One case: the transaction and the coins its inputs spend.
pub(crate) struct Case {
    pub(crate) family: &'static str,
    pub(crate) tx: Transaction,
    pub(crate) coins: Vec<Funded>,
}

fn pick<'a, T>(rng: &mut Rng, items: &'a [T]) -> &'a T {
    &items[rng.below(items.len() as u64) as usize]
}

fn bytes(rng: &mut Rng, len: usize) -> Vec<u8> {
    (0..len).map(|_| rng.next_u64() as u8).collect()
}

fn op_return(len: usize) -> Script {
    let b = Script::builder().push_opcode(OP_RETURN);
    if len == 0 {
        b.into_script()
    } else {
        b.push_slice(&vec![0x42; len]).into_script()
    }
}

fn bare_multisig(m: i64, n: usize) -> Script {
    let mut b = Script::builder().push_int(m);
    for i in 0..n {
        let mut key = [0x03; 33];
        key[1] = i as u8;
        b = b.push_slice(&key);
    }
    b.push_int(n as i64)
        .push_opcode(OP_CHECKMULTISIG)
        .into_script()
}

/// An output script of any kind, standard or not.
fn random_script(rng: &mut Rng) -> Script {
    match rng.below(13) {
        0 => Script::new_witness_program(0, &bytes(rng, 20)).expect("20 bytes"),
        1 => Script::p2pkh(&[9; 20]),
        2 => Script::p2sh(&[8; 20]),
        3 => Script::new_witness_program(0, &bytes(rng, 32)).expect("32 bytes"),
        4 => Script::new_witness_program(1, &bytes(rng, 32)).expect("32 bytes"),
        5 => Script::from_bytes(vec![0x51, 0x02, 0x4e, 0x73]),
        6 => {
            let version = 2 + rng.below(15) as u8;
            let len = 2 + rng.below(39) as usize;
            Script::new_witness_program(version, &bytes(rng, len)).expect("2 to 40 bytes")
        }
        7 => {
            let n = 1 + rng.below(4) as usize;
            bare_multisig(1 + rng.below(n as u64) as i64, n)
        }
        8 => Script::builder()
            .push_slice(&[0x02; 33])
            .push_opcode(sou_primitives::opcodes::OP_CHECKSIG)
            .into_script(),
        9 => op_return(*pick(rng, &[0, 1, 20, 80, 81, 300])),
        10 => Script::new_witness_program(0, &bytes(rng, 25)).expect("25 bytes"),
        11 => {
            let len = 1 + rng.below(30) as usize;
            Script::from_bytes(bytes(rng, len))
        }
        _ => Script::from_bytes(vec![0x51]),
    }
}

/// A value for `script`: often at its dust threshold or one below, sometimes zero.
fn random_value(rng: &mut Rng, script: &Script, options: &PolicyOptions) -> i64 {
    let probe = TxOut {
        value: Amount::ZERO,
        script_pubkey: script.clone(),
    };
    let threshold = get_dust_threshold(&probe, options.dust_relay_fee).to_sat();
    match rng.below(6) {
        0 => 0,
        1 => (threshold - 1).max(0),
        2 => threshold,
        _ => 1_000 + rng.below(200_000) as i64,
    }
}

fn out(value: i64, script_pubkey: Script) -> TxOut {
    TxOut {
        value: Amount::from_sat(value),
        script_pubkey,
    }
}

/// Builds case number `index` from the funded `all_coins`.
pub(crate) fn make_case(
    index: usize,
    rng: &mut Rng,
    all_coins: &[Funded],
    key: &SigningKey,
    options: &PolicyOptions,
) -> Case {
    let family = FAMILIES[index % FAMILIES.len()];
    let (batch, coins): (Vec<Funded>, Vec<Funded>) = all_coins
        .iter()
        .cloned()
        .partition(|c| c.kind == Kind::ShSigops15Batch);
    let coins = &coins[..];
    let signed_kinds = [Kind::Wpkh, Kind::Pkh, Kind::ShWpkh, Kind::Tr];
    let by_kind = |kind: Kind| {
        coins
            .iter()
            .find(|c| c.kind == kind)
            .expect("funded")
            .clone()
    };
    // Inputs: mostly signed coins, so that a case can be accepted.
    let mut inputs = vec![by_kind(*pick(rng, &signed_kinds))];
    if matches!(family, "scriptsig" | "witness") && rng.below(2) == 0 {
        inputs = vec![pick(rng, coins).clone()];
    }
    if family == "plain" || rng.below(4) == 0 {
        let other = pick(rng, coins).clone();
        if !inputs.iter().any(|c| c.outpoint == other.outpoint) {
            inputs.push(other);
        }
    }
    let mut outputs = Vec::new();
    let mut version = 2;
    let mut fee = 2_000 + rng.below(5_000) as i64;
    match family {
        "version" => version = *pick(rng, &[0, 1, 2, 3, 4, 0x7fff_ffff, u32::MAX]),
        "outputs" | "dust" | "plain" => {
            for _ in 0..1 + rng.below(3) {
                let script = random_script(rng);
                let value = random_value(rng, &script, options);
                outputs.push(out(value, script));
            }
            if family == "dust" && rng.below(2) == 0 {
                fee = 0;
            }
        }
        "op_return" => {
            for _ in 0..1 + rng.below(4) {
                let len = *pick(rng, &[0, 1, 75, 80, 83, 200, 1_000, 30_000, 50_000]);
                outputs.push(out(0, op_return(len)));
            }
        }
        "bip54" => {
            // 15 sigops per input: 166 inputs make 2,490, 167 make 2,505.
            inputs = batch[..165 + rng.below(4) as usize].to_vec();
            fee = 100_000;
        }
        "truc" => {
            // Version 3 around TRUC's 10,000 virtual bytes.
            version = 3;
            fee = 20_000;
            let len = 9_800 + rng.below(200) as usize;
            outputs.push(out(0, op_return(len)));
        }
        "sigops" => {
            let n = 190 + rng.below(20) as usize;
            for _ in 0..n {
                outputs.push(out(1_000, bare_multisig(1, 1 + rng.below(3) as usize)));
            }
        }
        "size" => {
            // Below and around 65 non-witness bytes: an anchor or P2SH OP_TRUE input and
            // one small OP_RETURN; or far above the weight limit.
            if rng.below(3) == 0 {
                outputs.push(out(0, op_return(60_000 + rng.below(50_000) as usize)));
            } else {
                inputs = vec![by_kind(*pick(
                    rng,
                    &[Kind::Anchor, Kind::ShTrue, Kind::Wpkh],
                ))];
                let len = 1 + rng.below(8) as usize;
                outputs.push(out(0, op_return(len)));
                fee = -1;
            }
        }
        _ => {}
    }
    let total_in: i64 = inputs.iter().map(|c| c.coin.output.value.to_sat()).sum();
    let mut tx = Transaction {
        version,
        input: inputs
            .iter()
            .map(|c| TxIn {
                previous_output: c.outpoint,
                script_sig: Script::new(),
                sequence: 0xffff_fffd,
                witness: Witness::new(),
            })
            .collect(),
        output: outputs,
        lock_time: 0,
    };
    let paid: i64 = tx.output.iter().map(|o| o.value.to_sat()).sum();
    // Change, unless the case gives everything to fees.
    if fee >= 0 {
        let change = (total_in - paid - fee).max(0);
        tx.output.push(out(change, wpkh_script(key)));
    }
    unlock_all(&mut tx, &inputs, key);
    if family == "fee" {
        // Exactly the minimum relay fee for the signed size, or one satoshi less.
        let spent: Vec<&TxOut> = inputs.iter().map(|c| &c.coin.output).collect();
        let cost = transaction_sigop_cost(&tx, &spent, sou_mempool::STANDARD_SCRIPT_VERIFY_FLAGS);
        let vsize = sigop_adjusted_vsize(tx.weight().to_wu(), cost, options.bytes_per_sigop);
        let required = options.min_relay_fee.fee_for_vsize(vsize).to_sat();
        let fee = required - rng.below(2) as i64;
        let last = tx.output.len() - 1;
        tx.output[last].value = Amount::from_sat(total_in - fee);
        unlock_all(&mut tx, &inputs, key);
    }
    match family {
        "scriptsig" => mutate_script_sig(rng, &mut tx),
        "witness" => mutate_witness(rng, &mut tx),
        "consensus" => break_consensus(rng, &mut tx, total_in),
        _ => {}
    }
    Case {
        family,
        tx,
        coins: inputs,
    }
}

/// Breaks or stretches the scriptSig of input 0.
fn mutate_script_sig(rng: &mut Rng, tx: &mut Transaction) {
    let input = &mut tx.input[0];
    let mut sig = input.script_sig.as_bytes().to_vec();
    match rng.below(4) {
        0 => sig.push(OP_NOP.to_u8()),
        1 => sig.insert(0, OP_NOP.to_u8()),
        _ => {
            // One PUSHDATA2 in front, making 1,649 to 1,652 bytes in all.
            let target = 1_649 + rng.below(4) as usize;
            let pad = target - 3 - sig.len();
            let mut push = vec![0x4d];
            push.extend(u16::try_from(pad).expect("under 1,652").to_le_bytes());
            push.extend(vec![0x01; pad]);
            push.extend(&sig);
            sig = push;
        }
    }
    input.script_sig = Script::from_bytes(sig);
}

/// Adds to a witness (or gives one where none belongs).
fn mutate_witness(rng: &mut Rng, tx: &mut Transaction) {
    let index = rng.below(tx.input.len() as u64) as usize;
    let input = &mut tx.input[index];
    let mut items = input.witness.to_vec();
    match rng.below(6) {
        // The first item resized around the 80-byte limits.
        5 if !items.is_empty() => items[0] = vec![0; 79 + rng.below(3) as usize],
        // A would-be annex.
        0 => items.push(vec![0x50, 1, 2]),
        // An item at or past the P2WSH item limit, in front.
        1 => items.insert(0, vec![0; 79 + rng.below(3) as usize]),
        // Many small items in front.
        2 => {
            for _ in 0..99 + rng.below(3) {
                items.insert(0, Vec::new());
            }
        }
        // A whole new last item.
        3 => items.push(vec![0x51]),
        _ => items = vec![vec![1; 1 + rng.below(100) as usize]],
    }
    input.witness = Witness::from_items(items);
}

/// Breaks a rule of consensus that the mempool checks first (`CheckTransaction`,
/// `CheckTxInputs`).
fn break_consensus(rng: &mut Rng, tx: &mut Transaction, total_in: i64) {
    match rng.below(4) {
        0 => tx.input.push(tx.input[0].clone()),
        1 => tx.output[0].value = Amount::from_sat(21_000_000 * 100_000_000 + 1),
        2 => tx.output[0].value = Amount::from_sat(total_in + 1),
        _ => tx.output.clear(),
    }
}
