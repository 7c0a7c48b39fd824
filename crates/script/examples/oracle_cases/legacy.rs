//! Legacy and segwit v0 spends: a script built from fragments, spent bare, through P2SH,
//! P2WSH or P2SH-P2WSH; a P2WPKH or P2SH-P2WPKH key spend; or a witness program of a
//! future version. Signatures are made over the script code each signature opcode hashes
//! (legacy `SignatureHash` or BIP143), then the output spent and the spender's scriptSig
//! and witness are written, and sometimes disturbed.

use sou_primitives::hashes::{hash160, sha256};
use sou_primitives::opcodes::*;
use sou_primitives::{Amount, OutPoint, Script, Transaction, TxIn, TxOut, Txid, Witness};
use sou_script::sighash::{legacy_sighash, segwit_v0_sighash, SighashType};
use sou_script::{PrecomputedTransactionData, SigVersion, VerifyFlags};

use crate::ecdsa::{ec_key, ecdsa_hash_type, ecdsa_signature, pubkey_bytes, EcKey};
use crate::fragment::{fragment, tx_context, Item, Lock};
use crate::script_bytes::{mutate_script, op, push, push_direct, random_item, script_sig_of};
use crate::{Case, Rng};

/// Where the generated script goes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum SpendKind {
    Bare,
    P2sh,
    P2wsh,
    P2shP2wsh,
    P2wpkh,
    P2shP2wpkh,
    /// A witness program of another version or length (future soft forks).
    OtherWitness,
}

impl SpendKind {
    fn name(self) -> &'static str {
        match self {
            SpendKind::Bare => "bare",
            SpendKind::P2sh => "p2sh",
            SpendKind::P2wsh => "p2wsh",
            SpendKind::P2shP2wsh => "p2sh-p2wsh",
            SpendKind::P2wpkh => "p2wpkh",
            SpendKind::P2shP2wpkh => "p2sh-p2wpkh",
            SpendKind::OtherWitness => "witness-other",
        }
    }
}

/// Random flags, in the combinations VerifyScript accepts: CLEANSTACK needs P2SH and
/// WITNESS, WITNESS needs P2SH (Core asserts on the others).
fn legacy_flags(rng: &mut Rng) -> VerifyFlags {
    let mut f = match rng.below(8) {
        0 => VerifyFlags::NONE,
        1 => VerifyFlags::P2SH,
        2 => VerifyFlags::CONSENSUS,
        3 => VerifyFlags::STANDARD,
        4 => VerifyFlags::P2SH | VerifyFlags::WITNESS,
        _ => {
            let percent = [20, 50, 80][rng.below(3)];
            let mut f = VerifyFlags::NONE;
            for (_, flag) in VerifyFlags::NAMED {
                if rng.chance(percent) {
                    f |= *flag;
                }
            }
            f
        }
    };
    if f.contains(VerifyFlags::CLEANSTACK) {
        if rng.chance(70) {
            f |= VerifyFlags::P2SH | VerifyFlags::WITNESS;
        } else {
            f = f & !VerifyFlags::CLEANSTACK;
        }
    }
    if f.contains(VerifyFlags::WITNESS) && !f.contains(VerifyFlags::P2SH) {
        if rng.chance(70) {
            f |= VerifyFlags::P2SH;
        } else {
            f = f & !(VerifyFlags::WITNESS | VerifyFlags::CLEANSTACK);
        }
    }
    f
}

/// `0 <program>`: a witness v0 output.
pub(crate) fn v0(program: &[u8]) -> Vec<u8> {
    [&[0x00, program.len() as u8][..], program].concat()
}

/// `HASH160 <hash> EQUAL`: a P2SH output for `redeem`.
fn p2sh(redeem: &[u8]) -> Vec<u8> {
    let mut s = vec![OP_HASH160.to_u8(), 20];
    s.extend(hash160(redeem));
    s.push(OP_EQUAL.to_u8());
    s
}

/// `haystack` with every `from` replaced by `to`.
fn replace_all(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut i = 0;
    while i < haystack.len() {
        if !from.is_empty() && haystack[i..].starts_with(from) {
            out.extend(to);
            i += from.len();
        } else {
            out.push(haystack[i]);
            i += 1;
        }
    }
    out
}

/// Signature opcodes end at CHECKMULTISIGVERIFY (0xaf).
fn is_sig_op(b: u8) -> bool {
    (OP_CHECKSIG.to_u8()..=OP_CHECKMULTISIGVERIFY.to_u8()).contains(&b)
}

/// The script a signature for the `ordinal`-th signature opcode commits to: what follows
/// the last OP_CODESEPARATOR before it, in a straight reading (branches not followed).
fn script_code(script: &[u8], ordinal: usize) -> Vec<u8> {
    let parsed = Script::from_slice(script);
    let mut it = parsed.instructions();
    let (mut start, mut seen) = (0, 0);
    while let Some(Ok(ins)) = it.next() {
        let o = ins.opcode().to_u8();
        if o == OP_CODESEPARATOR.to_u8() {
            start = it.position();
        }
        if is_sig_op(o) {
            if seen == ordinal {
                break;
            }
            seen += 1;
        }
    }
    script[start..].to_vec()
}

pub(crate) fn legacy_case(rng: &mut Rng) -> Case {
    let keys: Vec<EcKey> = (0..3).map(|_| ec_key(rng)).collect();
    let cx = tx_context(rng);
    let kind = match rng.below(100) {
        0..30 => SpendKind::Bare,
        30..50 => SpendKind::P2sh,
        50..70 => SpendKind::P2wsh,
        70..80 => SpendKind::P2shP2wsh,
        80..90 => SpendKind::P2wpkh,
        90..96 => SpendKind::P2shP2wpkh,
        _ => SpendKind::OtherWitness,
    };

    // The script and its unlocking items.
    let mut lock = fragment(rng, &keys, cx, 0);
    if rng.chance(20) {
        let second = fragment(rng, &keys, cx, 0);
        let mut script = lock.script.clone();
        if rng.chance(90) {
            op(&mut script, OP_VERIFY);
        }
        script.extend(&second.script);
        let mut items: Vec<Item> = second
            .items
            .iter()
            .cloned()
            .map(|item| match item {
                Item::Sig {
                    key,
                    ordinal,
                    placeholder,
                } => Item::Sig {
                    key,
                    ordinal: ordinal + lock.sig_ops,
                    placeholder,
                },
                data => data,
            })
            .collect();
        items.extend(lock.items);
        lock = Lock {
            script,
            items,
            sig_ops: lock.sig_ops + second.sig_ops,
        };
    }
    mutate_script(rng, &mut lock.script);
    let mut items = lock.items;
    match rng.below(100) {
        0..4 if !items.is_empty() => {
            let i = rng.below(items.len());
            items.remove(i);
        }
        4..8 => items.insert(0, Item::Data(random_item(rng))),
        8..10 if items.len() >= 2 => {
            let (i, j) = (rng.below(items.len()), rng.below(items.len()));
            items.swap(i, j);
        }
        10..12 if !items.is_empty() => {
            let i = rng.below(items.len());
            items[i] = Item::Data(random_item(rng));
        }
        _ => {}
    }
    // P2WPKH spends a key, not a script.
    let wpkh_key = rng.below(keys.len());
    let wpkh_pubkey = pubkey_bytes(rng, &keys[wpkh_key]);
    if matches!(kind, SpendKind::P2wpkh | SpendKind::P2shP2wpkh) {
        items = vec![
            Item::Sig {
                key: wpkh_key,
                ordinal: 0,
                placeholder: None,
            },
            Item::Data(wpkh_pubkey.clone()),
        ];
        match rng.below(20) {
            0 => {
                items.pop();
            }
            1 => items.push(Item::Data(random_item(rng))),
            _ => {}
        }
    }
    let mut script = lock.script;
    let wpkh_program = if rng.chance(97) {
        hash160(&wpkh_pubkey)
    } else {
        hash160(&rng.bytes(33))
    };
    let p2wpkh_code = {
        let mut c = vec![OP_DUP.to_u8(), OP_HASH160.to_u8()];
        push(&mut c, &wpkh_program);
        c.extend([OP_EQUALVERIFY.to_u8(), OP_CHECKSIG.to_u8()]);
        c
    };

    // The transaction, without the spender's data yet. Neither legacy nor BIP143 signature
    // hashes read the output spent, so its script can wait until the signatures are made.
    let inputs = 1 + rng.below(3);
    let index = rng.below(inputs);
    let amount = rng.next() % 10_000_000_000;
    let mut spent: Vec<TxOut> = (0..inputs)
        .map(|_| TxOut {
            value: Amount::from_sat((rng.next() % 100_000_000) as i64),
            script_pubkey: Script::from_bytes(match rng.below(3) {
                0 => Vec::new(),
                1 => rng.some_bytes(30),
                _ => p2sh(&rng.bytes(5)),
            }),
        })
        .collect();
    spent[index] = TxOut {
        value: Amount::from_sat(amount as i64),
        script_pubkey: Script::new(),
    };
    let mut tx = Transaction {
        version: cx.version,
        input: (0..inputs)
            .map(|i| TxIn {
                previous_output: OutPoint::new(
                    Txid::from_byte_array(sha256(&rng.bytes(8))),
                    rng.below(4) as u32,
                ),
                script_sig: Script::new(),
                sequence: if i == index {
                    cx.sequence
                } else {
                    rng.next() as u32
                },
                witness: Witness::new(),
            })
            .collect(),
        output: (0..rng.below(4))
            .map(|_| TxOut {
                value: Amount::from_sat(rng.below(5000) as i64),
                script_pubkey: Script::from_bytes(rng.some_bytes(30)),
            })
            .collect(),
        lock_time: cx.lock_time,
    };
    let pre = PrecomputedTransactionData::new(&tx, spent.clone());

    // Signatures, over the script code each signature opcode would hash.
    let (executed, sigversion) = match kind {
        SpendKind::Bare | SpendKind::P2sh => (script.clone(), SigVersion::Base),
        SpendKind::P2wsh | SpendKind::P2shP2wsh => (script.clone(), SigVersion::WitnessV0),
        SpendKind::P2wpkh | SpendKind::P2shP2wpkh => (p2wpkh_code, SigVersion::WitnessV0),
        SpendKind::OtherWitness => (Vec::new(), SigVersion::WitnessV0),
    };
    let mut in_script: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
    let items: Vec<Vec<u8>> = items
        .into_iter()
        .map(|item| match item {
            Item::Data(d) => d,
            Item::Sig {
                key,
                ordinal,
                placeholder,
            } => {
                let mut code = script_code(&executed, ordinal);
                let placeholder = placeholder.map(|p| {
                    let mut pushed = Vec::new();
                    push_direct(&mut pushed, &p);
                    pushed
                });
                if let Some(p) = &placeholder {
                    code = replace_all(&code, p, &[]);
                }
                let hash_type = ecdsa_hash_type(rng);
                let signer = if rng.chance(3) {
                    &keys[(key + 1) % keys.len()]
                } else {
                    &keys[key]
                };
                let digest = if sigversion == SigVersion::Base {
                    legacy_sighash(&code, &tx, index, SighashType::from_sig_byte(hash_type))
                } else {
                    let signed_amount = if rng.chance(3) { amount + 1 } else { amount };
                    segwit_v0_sighash(
                        &code,
                        &tx,
                        index,
                        SighashType::from_sig_byte(hash_type),
                        Amount::from_sat(signed_amount as i64),
                        &pre,
                    )
                };
                let sig = ecdsa_signature(rng, digest.0, signer, hash_type);
                if let Some(p) = placeholder {
                    let mut pushed = Vec::new();
                    push_direct(&mut pushed, &sig);
                    in_script.push((p, pushed));
                }
                sig
            }
        })
        .collect();
    for (placeholder, sig) in &in_script {
        script = replace_all(&script, placeholder, sig);
    }

    // The output spent.
    let other_program = {
        let version = rng.below(17) as u8;
        let len = match rng.below(4) {
            0 => 2 + rng.below(39),
            1 => 32,
            2 => 20,
            _ => [2, 40, 25][rng.below(3)],
        };
        let mut program = rng.bytes(len);
        if version == 1 && len == 2 && rng.chance(50) {
            program = vec![0x4e, 0x73];
        }
        let version_op = if version == 0 { 0 } else { 0x50 + version };
        [&[version_op, len as u8][..], &program].concat()
    };
    let wsh_script = if rng.chance(97) {
        script.clone()
    } else {
        [&script[..], &[OP_NOP.to_u8()]].concat()
    };
    let script_pubkey = match kind {
        SpendKind::Bare => script.clone(),
        SpendKind::P2sh => p2sh(&script),
        SpendKind::P2wsh => v0(&sha256(&wsh_script)),
        SpendKind::P2shP2wsh => p2sh(&v0(&sha256(&wsh_script))),
        SpendKind::P2wpkh => v0(&wpkh_program),
        SpendKind::P2shP2wpkh => p2sh(&v0(&wpkh_program)),
        SpendKind::OtherWitness if rng.chance(70) => other_program.clone(),
        SpendKind::OtherWitness => p2sh(&other_program),
    };
    spent[index].script_pubkey = Script::from_bytes(script_pubkey);

    // The spender's data: script_sig pushes and witness items.
    let (script_sig, witness_items): (Vec<u8>, Vec<Vec<u8>>) = match kind {
        SpendKind::Bare => (script_sig_of(rng, &items), Vec::new()),
        SpendKind::P2sh => {
            let mut all = items;
            all.push(script);
            (script_sig_of(rng, &all), Vec::new())
        }
        SpendKind::P2wsh => {
            let mut w = items;
            w.push(wsh_script);
            (Vec::new(), w)
        }
        SpendKind::P2shP2wsh => {
            let mut w = items;
            w.push(wsh_script.clone());
            let redeem = v0(&sha256(&wsh_script));
            let mut sig = Vec::new();
            push_direct(&mut sig, &redeem);
            (sig, w)
        }
        SpendKind::P2wpkh => (Vec::new(), items),
        SpendKind::P2shP2wpkh => {
            let mut sig = Vec::new();
            push_direct(&mut sig, &v0(&wpkh_program));
            (sig, items)
        }
        SpendKind::OtherWitness => {
            let sig = if spent[index].script_pubkey.is_p2sh() {
                let mut sig = Vec::new();
                push_direct(&mut sig, &other_program);
                sig
            } else {
                Vec::new()
            };
            (sig, (0..rng.below(3)).map(|_| random_item(rng)).collect())
        }
    };
    let mut script_sig = script_sig;
    let mut witness_items = witness_items;
    match rng.below(100) {
        // A witness where none belongs, or a script_sig where none belongs.
        0..3 => witness_items.push(random_item(rng)),
        3..6 => {
            let extra = random_item(rng);
            let mut pushed = Vec::new();
            push(&mut pushed, &extra);
            script_sig.splice(0..0, pushed);
        }
        6..8 => witness_items.clear(),
        8..9 if !witness_items.is_empty() => {
            let i = rng.below(witness_items.len());
            witness_items[i] = rng.bytes(521);
        }
        _ => {}
    }
    tx.input[index].script_sig = Script::from_bytes(script_sig);
    tx.input[index].witness = Witness::from_items(&witness_items);
    for (i, input) in tx.input.iter_mut().enumerate() {
        if i != index && rng.chance(30) {
            input.witness = Witness::from_items([rng.bytes(71), rng.bytes(33)]);
        }
    }
    Case {
        tx,
        index,
        spent,
        flags: legacy_flags(rng),
        kind: kind.name(),
    }
}
