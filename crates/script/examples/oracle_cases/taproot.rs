//! Taproot spends (BIP341, BIP342): a key-path signature by the tweaked output key, or a
//! tapscript leaf revealed with its control block.
//!
//! Leaves come in ten shapes (CHECKSIG, CHECKSIGVERIFY chains, a CHECKSIGADD threshold,
//! IF/ELSE, time locks, a hash lock, unknown key types, too many signature checks for the
//! witness's budget, the disabled CHECKMULTISIG, random opcodes), sometimes with an
//! OP_CODESEPARATOR or an OP_SUCCESSx slipped in. Signatures use every hash type, valid or
//! not, and are sometimes empty or one bit off; the control block, the annex and the
//! witness items are sometimes disturbed.

use sou_keys::taproot::{tap_leaf_hash, ControlBlock, TapTree};
use sou_keys::{schnorr, Keypair, SecretKey};
use sou_primitives::hashes::sha256;
use sou_primitives::opcodes::*;
use sou_primitives::script::Builder;
use sou_primitives::{Amount, OutPoint, Script, Transaction, TxIn, TxOut, Txid, Witness};
use sou_script::sighash::{taproot_sighash, SighashType, TaprootContext};
use sou_script::{PrecomputedTransactionData, SigVersion, VerifyFlags};

use crate::script_bytes::instruction_boundary;
use crate::{Case, Rng};

pub(crate) fn key(rng: &mut Rng) -> Keypair {
    loop {
        if let Ok(k) = SecretKey::from_slice(&rng.bytes(32)) {
            return k.keypair();
        }
    }
}

/// One tapscript with the keys it checks, in the order the witness must provide
/// signatures (last pushed first).
struct Leaf {
    script: Script,
    signers: Vec<Keypair>,
    /// Extra witness items below the signatures (e.g. an IF selector, a preimage).
    extra: Vec<Vec<u8>>,
}

const SUCCESS_OPS: [u8; 6] = [0x50, 0x62, 0x7e, 0x89, 0xbb, 0xfe];

fn random_leaf(rng: &mut Rng) -> Leaf {
    let (k1, k2, k3) = (key(rng), key(rng), key(rng));
    let x = |k: &Keypair| k.x_only_public_key().0.serialize();
    let mut b = Builder::new();
    let (signers, extra) = match rng.below(10) {
        0 => {
            b = b.push_slice(&x(&k1)).push_opcode(OP_CHECKSIG);
            (vec![k1], vec![])
        }
        1 => {
            b = b
                .push_slice(&x(&k1))
                .push_opcode(OP_CHECKSIGVERIFY)
                .push_slice(&x(&k2))
                .push_opcode(OP_CHECKSIG);
            (vec![k2, k1], vec![])
        }
        2 => {
            b = b
                .push_slice(&x(&k1))
                .push_opcode(OP_CHECKSIG)
                .push_slice(&x(&k2))
                .push_opcode(OP_CHECKSIGADD)
                .push_slice(&x(&k3))
                .push_opcode(OP_CHECKSIGADD)
                .push_int(2)
                .push_opcode(OP_NUMEQUAL);
            (vec![k3, k2, k1], vec![])
        }
        3 => {
            b = b
                .push_opcode(OP_IF)
                .push_slice(&x(&k1))
                .push_opcode(OP_CHECKSIG)
                .push_opcode(OP_ELSE)
                .push_slice(&x(&k2))
                .push_opcode(OP_CHECKSIG)
                .push_opcode(OP_ENDIF);
            let selector = match rng.below(4) {
                0 => vec![],
                1 => vec![2],
                2 => vec![1, 0],
                _ => vec![1],
            };
            let signer = if selector.is_empty() { k2 } else { k1 };
            (vec![signer], vec![selector])
        }
        4 => {
            let n = rng.below(20) as i64;
            let op = if rng.chance(50) {
                OP_CHECKSEQUENCEVERIFY
            } else {
                OP_CHECKLOCKTIMEVERIFY
            };
            b = b
                .push_int(n)
                .push_opcode(op)
                .push_opcode(OP_DROP)
                .push_slice(&x(&k1))
                .push_opcode(OP_CHECKSIG);
            (vec![k1], vec![])
        }
        5 => {
            let preimage = rng.some_bytes(40);
            b = b
                .push_opcode(OP_SHA256)
                .push_slice(&sha256(&preimage))
                .push_opcode(OP_EQUALVERIFY)
                .push_slice(&x(&k1))
                .push_opcode(OP_CHECKSIG);
            let given = if rng.chance(80) {
                preimage
            } else {
                rng.bytes(3)
            };
            (vec![k1], vec![given])
        }
        6 => {
            // Unknown key types and empty keys.
            let pubkey = match rng.below(3) {
                0 => vec![],
                1 => rng.bytes(33),
                _ => {
                    let mut b = rng.some_bytes(64);
                    b.push(1);
                    b
                }
            };
            b = b.push_slice(&pubkey).push_opcode(OP_CHECKSIG);
            (vec![k1], vec![])
        }
        7 => {
            // Many signature checks: exceeds the budget unless the witness is large.
            let n = 1 + rng.below(12);
            for _ in 0..n {
                b = b
                    .push_opcode(OP_DUP)
                    .push_slice(&x(&k1))
                    .push_opcode(OP_CHECKSIGVERIFY);
            }
            b = b.push_opcode(OP_DROP).push_int(1);
            (vec![k1], vec![])
        }
        8 => {
            b = b
                .push_slice(&x(&k1))
                .push_int(1)
                .push_opcode(OP_CHECKMULTISIG);
            (vec![k1], vec![])
        }
        _ => {
            // Random opcodes around a checksig.
            for _ in 0..rng.below(6) {
                let op = [
                    0x00, 0x51, 0x52, 0x61, 0x69, 0x75, 0x76, 0x7c, 0x87, 0x93, 0xb0, 0xb3, 0xab,
                    0x63, 0x68, 0x4f,
                ][rng.below(16)];
                b = b.push_opcode(Opcode::from_u8(op));
            }
            b = b.push_slice(&x(&k1)).push_opcode(OP_CHECKSIG);
            (vec![k1], vec![])
        }
    };
    let mut bytes = b.into_script().into_bytes();
    // Sprinkle OP_CODESEPARATOR and, rarely, an OP_SUCCESSx.
    if rng.chance(25) {
        let at = instruction_boundary(&bytes, rng);
        bytes.insert(at, 0xab);
    }
    if rng.chance(8) {
        let at = instruction_boundary(&bytes, rng);
        bytes.insert(at, SUCCESS_OPS[rng.below(SUCCESS_OPS.len())]);
    }
    Leaf {
        script: Script::from_bytes(bytes),
        signers,
        extra,
    }
}

/// Opcode index of the last OP_CODESEPARATOR before the `n`-th signature check, in a
/// straight-line reading of the script (u32::MAX if none).
fn codesep_before_nth_checksig(script: &Script, n: usize) -> u32 {
    let mut last = u32::MAX;
    let mut seen = 0;
    for (i, ins) in script.instructions().enumerate() {
        let Ok(ins) = ins else { break };
        let op = ins.opcode().to_u8();
        if op == 0xab {
            last = i as u32;
        }
        if matches!(op, 0xac | 0xad | 0xba) {
            if seen == n {
                return last;
            }
            seen += 1;
        }
    }
    last
}

fn hash_type(rng: &mut Rng) -> u8 {
    [0, 0, 0, 1, 2, 3, 0x81, 0x82, 0x83, 4, 0x84, 0x80][rng.below(12)]
}

fn sign(
    rng: &mut Rng,
    tx: &Transaction,
    index: usize,
    pre: &PrecomputedTransactionData,
    ctx: &TaprootContext,
    sigversion: SigVersion,
    keypair: &Keypair,
) -> Vec<u8> {
    let ht = hash_type(rng);
    // Invalid hash types still need some message to sign: sign the default one.
    let typed = SighashType::from_sig_byte(ht);
    let digest = taproot_sighash(tx, index, typed, sigversion, pre, ctx)
        .or_else(|| taproot_sighash(tx, index, SighashType::DEFAULT, sigversion, pre, ctx))
        .map(|s| s.0)
        .unwrap_or([0; 32]);
    let mut sig = schnorr::sign(&digest, keypair, &[rng.next() as u8; 32])
        .to_byte_array()
        .to_vec();
    if ht != 0 || rng.chance(5) {
        sig.push(ht);
    }
    if rng.chance(8) {
        let i = rng.below(sig.len());
        sig[i] ^= 1 << rng.below(8);
    }
    sig
}

fn random_flags(rng: &mut Rng) -> VerifyFlags {
    match rng.below(6) {
        0 => VerifyFlags::CONSENSUS,
        1 => VerifyFlags::STANDARD,
        2 => VerifyFlags::P2SH | VerifyFlags::WITNESS,
        3 => VerifyFlags::P2SH | VerifyFlags::WITNESS | VerifyFlags::TAPROOT,
        4 => {
            VerifyFlags::STANDARD
                & !(VerifyFlags::DISCOURAGE_OP_SUCCESS
                    | VerifyFlags::DISCOURAGE_UPGRADABLE_PUBKEYTYPE)
        }
        _ => {
            let mut f = VerifyFlags::from_bits(rng.next() as u32)
                | VerifyFlags::P2SH
                | VerifyFlags::WITNESS;
            if rng.chance(80) {
                f |= VerifyFlags::TAPROOT;
            }
            f
        }
    }
}

pub(crate) fn taproot_case(rng: &mut Rng) -> Case {
    let inputs = 1 + rng.below(3);
    let index = rng.below(inputs);
    let internal = key(rng);
    let leaves: Vec<Leaf> = (0..1 + rng.below(3)).map(|_| random_leaf(rng)).collect();
    let script_path = rng.chance(70);
    let tree = if script_path || rng.chance(50) {
        let mut nodes: Vec<TapTree> = leaves
            .iter()
            .map(|l| TapTree::Leaf {
                version: 0xc0,
                script: l.script.clone(),
            })
            .collect();
        while nodes.len() > 1 {
            let b = nodes.pop().unwrap();
            let a = nodes.pop().unwrap();
            nodes.push(TapTree::Branch(Box::new(a), Box::new(b)));
        }
        nodes.pop()
    } else {
        None
    };
    let root = tree.as_ref().map(TapTree::merkle_root);
    let (output_key, _) =
        sou_keys::taproot::tweak_public_key(&internal.x_only_public_key().0, root.as_ref())
            .unwrap();
    let mut spent: Vec<TxOut> = (0..inputs)
        .map(|_| TxOut {
            value: Amount::from_sat(1000 + rng.below(100_000) as i64),
            script_pubkey: Script::from_bytes(
                [
                    &[0x51, 0x20][..],
                    &key(rng).x_only_public_key().0.serialize(),
                ]
                .concat(),
            ),
        })
        .collect();
    spent[index].script_pubkey =
        Script::from_bytes([&[0x51, 0x20][..], &output_key.serialize()].concat());
    let mut tx = Transaction {
        version: if rng.chance(80) { 2 } else { 1 },
        input: (0..inputs)
            .map(|_| TxIn {
                previous_output: OutPoint::new(
                    Txid::from_byte_array(sha256(&rng.bytes(8))),
                    rng.below(4) as u32,
                ),
                script_sig: Script::new(),
                sequence: [0xffff_ffff, 0xffff_fffe, 0xffff_fffd, 5, 0x0040_0003][rng.below(5)],
                witness: Witness::new(),
            })
            .collect(),
        output: (0..rng.below(3))
            .map(|_| TxOut {
                value: Amount::from_sat(rng.below(5000) as i64),
                script_pubkey: Script::from_bytes(rng.some_bytes(30)),
            })
            .collect(),
        lock_time: [0, 3, 15, 600_000_000][rng.below(4)],
    };
    let pre = PrecomputedTransactionData::new(&tx, spent.clone());
    let annex = rng.chance(15).then(|| {
        let mut a = vec![0x50];
        a.extend(rng.some_bytes(20));
        a
    });
    let mut ctx = TaprootContext {
        codeseparator_pos: u32::MAX,
        ..Default::default()
    };
    if let Some(a) = &annex {
        let mut e = sou_primitives::hashes::Sha256Engine::new();
        sou_primitives::encoding::write_var_bytes(&mut e, a);
        ctx.annex_hash = Some(e.finish());
    }
    let mut items: Vec<Vec<u8>> = Vec::new();
    if let (true, Some(tree)) = (script_path, tree.as_ref()) {
        let which = rng.below(leaves.len());
        let leaf = &leaves[which];
        ctx.tapleaf_hash = Some(tap_leaf_hash(0xc0, &leaf.script).0);
        items.extend(leaf.extra.iter().cloned());
        // Signatures: the signer list is in witness order (deepest first).
        let count = leaf.signers.len();
        for (k, signer) in leaf.signers.iter().enumerate() {
            ctx.codeseparator_pos = codesep_before_nth_checksig(&leaf.script, count - 1 - k);
            let sig = if rng.chance(10) {
                vec![]
            } else {
                sign(rng, &tx, index, &pre, &ctx, SigVersion::Tapscript, signer)
            };
            items.push(sig);
        }
        items.push(leaf.script.as_bytes().to_vec());
        let blocks = ControlBlock::for_tree(&internal.x_only_public_key().0, tree).unwrap();
        let mut control = blocks[which].serialize();
        match rng.below(12) {
            0 => control[0] ^= 1,
            1 => control[0] = [0xc2, 0xc4, 0xfe, 0x52][rng.below(4)] | (control[0] & 1),
            2 => control.truncate(control.len() - 1),
            3 => control.extend(rng.bytes(32)),
            _ => {}
        }
        items.push(control);
    } else {
        let tweaked = internal.tap_tweak(root.as_ref()).unwrap();
        items.push(sign(
            rng,
            &tx,
            index,
            &pre,
            &ctx,
            SigVersion::Taproot,
            &tweaked,
        ));
    }
    if let Some(a) = annex {
        items.push(a);
    }
    if rng.chance(4) && !items.is_empty() {
        let i = rng.below(items.len());
        items.remove(i);
    }
    tx.input[index].witness = Witness::from_items(&items);
    // Other inputs get a random witness so the transaction has one everywhere.
    for (i, input) in tx.input.iter_mut().enumerate() {
        if i != index {
            input.witness = Witness::from_items([rng.bytes(64)]);
        }
    }
    let flags = random_flags(rng);
    Case {
        tx,
        index,
        spent,
        flags,
        kind: if script_path {
            "tapscript"
        } else {
            "taproot-key"
        },
    }
}
