//! Script fragments for legacy and segwit v0 spends, each with the items that unlock it:
//! P2PK, P2PKH, CHECKMULTISIG with random m, n and dummy, CLTV and CSV aimed near the
//! spending transaction's lock time and sequence, hash locks, IF/NOTIF with minimal or
//! other selectors, arithmetic, stack shuffles, any opcode at all.

use sou_primitives::hashes::{hash160, ripemd160, sha256, sha256d};
use sou_primitives::opcodes::*;

use crate::ecdsa::{pubkey_bytes, EcKey};
use crate::script_bytes::{num_bytes, op, push, push_direct, push_num, random_item, random_opcode};
use crate::Rng;

/// One item the spender provides, bottom of the stack first.
#[derive(Clone)]
pub(crate) enum Item {
    Data(Vec<u8>),
    /// An ECDSA signature by key `key` for the `ordinal`-th signature opcode of the script
    /// (in a straight reading of it).
    Sig {
        key: usize,
        ordinal: usize,
        /// Bytes the script also pushes, to be replaced by the signature once made: legacy
        /// signature hashes delete the signature from the script first (`FindAndDelete`),
        /// so such a script can still be signed.
        placeholder: Option<Vec<u8>>,
    },
}

/// A script fragment and what unlocks it.
pub(crate) struct Lock {
    pub(crate) script: Vec<u8>,
    /// Bottom first: the last item is on top when the fragment starts.
    pub(crate) items: Vec<Item>,
    /// How many signature opcodes (CHECKSIG, CHECKMULTISIG and their VERIFY forms) it holds.
    pub(crate) sig_ops: usize,
}

/// The spending transaction's lock time, version and sequence, chosen before the script so
/// that lock-time checks can aim near them.
#[derive(Clone, Copy)]
pub(crate) struct TxContext {
    pub(crate) version: u32,
    pub(crate) lock_time: u32,
    pub(crate) sequence: u32,
}

pub(crate) fn tx_context(rng: &mut Rng) -> TxContext {
    let version = [1, 2, 2, 2, 2, 0, 3, 0xffff_ffff, 0x8000_0000][rng.below(9)];
    let lock_time = match rng.below(6) {
        0 => 0,
        1 => rng.below(1000) as u32,
        2 => 499_999_999,
        3 => 500_000_000 + rng.below(1000) as u32,
        4 => 1_700_000_000,
        _ => rng.next() as u32,
    };
    let sequence = match rng.below(9) {
        0 => 0xffff_ffff,
        1 => 0xffff_fffe,
        2 => 0xffff_fffd,
        3 | 4 => rng.below(1000) as u32,
        5 => (1 << 22) | rng.below(1000) as u32,
        6 => (1 << 31) | rng.below(1000) as u32,
        7 => (rng.below(1000) as u32) | (rng.next() as u32 & 0x7fbf_0000),
        _ => rng.next() as u32,
    };
    TxContext {
        version,
        lock_time,
        sequence,
    }
}

fn hash_op(rng: &mut Rng, data: &[u8]) -> (Opcode, Vec<u8>) {
    match rng.below(5) {
        0 => (OP_RIPEMD160, ripemd160(data).to_vec()),
        1 => {
            use sha1::Digest;
            (OP_SHA1, sha1::Sha1::digest(data).to_vec())
        }
        2 => (OP_SHA256, sha256(data).to_vec()),
        3 => (OP_HASH160, hash160(data).to_vec()),
        _ => (OP_HASH256, sha256d(data).to_vec()),
    }
}

pub(crate) fn fragment(rng: &mut Rng, keys: &[EcKey], cx: TxContext, depth: u32) -> Lock {
    let mut s = Vec::new();
    let mut items = Vec::new();
    let mut sig_ops = 1;
    let k = rng.below(keys.len());
    match rng.below(16) {
        // <pubkey> CHECKSIG, sometimes after a push of the very signature given.
        0..3 => {
            let placeholder = rng.chance(15).then(|| rng.bytes(72));
            if let Some(p) = &placeholder {
                push_direct(&mut s, p);
                op(&mut s, OP_DROP);
            }
            push(&mut s, &pubkey_bytes(rng, &keys[k]));
            op(&mut s, OP_CHECKSIG);
            items.push(Item::Sig {
                key: k,
                ordinal: 0,
                placeholder,
            });
        }
        // DUP HASH160 <hash> EQUALVERIFY CHECKSIG
        3..5 => {
            let pk = pubkey_bytes(rng, &keys[k]);
            op(&mut s, OP_DUP);
            op(&mut s, OP_HASH160);
            let hash = if rng.chance(95) {
                hash160(&pk)
            } else {
                hash160(&rng.bytes(33))
            };
            push(&mut s, &hash);
            op(&mut s, OP_EQUALVERIFY);
            op(&mut s, OP_CHECKSIG);
            items.push(Item::Sig {
                key: k,
                ordinal: 0,
                placeholder: None,
            });
            items.push(Item::Data(pk));
        }
        // m <pubkey>... n CHECKMULTISIG
        5..8 => {
            let n = match rng.below(20) {
                0 => 0,
                1 => 4 + rng.below(17) as i64,
                2 => [21, -1, 0x7fff_ffff][rng.below(3)],
                _ => 1 + rng.below(3) as i64,
            };
            let m = match rng.below(20) {
                0 => n + 1,
                1 => -1,
                _ => rng.below(n.clamp(0, 20) as usize + 1) as i64,
            };
            push_num(rng, &mut s, m);
            let key_ids: Vec<usize> = (0..n.clamp(0, 20)).map(|_| rng.below(keys.len())).collect();
            for &id in &key_ids {
                push(&mut s, &pubkey_bytes(rng, &keys[id]));
            }
            push_num(rng, &mut s, n);
            if rng.chance(20) {
                op(&mut s, OP_CHECKMULTISIGVERIFY);
                op(&mut s, OP_1);
            } else {
                op(&mut s, OP_CHECKMULTISIG);
            }
            // The dummy, which NULLDUMMY wants empty.
            items.push(Item::Data(match rng.below(20) {
                0 => vec![0],
                1 => vec![1],
                2 => rng.some_bytes(4),
                _ => Vec::new(),
            }));
            // Signatures in key order, for an increasing choice of keys.
            let mut chosen: Vec<usize> = (0..key_ids.len()).collect();
            while chosen.len() > m.max(0) as usize {
                let drop = rng.below(chosen.len());
                chosen.remove(drop);
            }
            if rng.chance(10) {
                chosen.reverse();
            }
            for &i in &chosen {
                items.push(Item::Sig {
                    key: key_ids[i],
                    ordinal: 0,
                    placeholder: None,
                });
            }
            if rng.chance(5) {
                items.push(Item::Data(Vec::new()));
            }
        }
        // <n> CHECKLOCKTIMEVERIFY DROP <pubkey> CHECKSIG
        8 => {
            let lt = i64::from(cx.lock_time);
            let n = match rng.below(8) {
                0..4 => lt - rng.below(3) as i64,
                4 => lt + 1,
                5 => {
                    if lt < 500_000_000 {
                        500_000_000 + rng.below(10) as i64
                    } else {
                        rng.below(10) as i64
                    }
                }
                6 => -1 - rng.below(3) as i64,
                _ => (rng.next() % (1 << 40)) as i64,
            };
            push_num(rng, &mut s, n);
            op(&mut s, OP_CHECKLOCKTIMEVERIFY);
            if rng.chance(90) {
                op(&mut s, OP_DROP);
            }
            push(&mut s, &pubkey_bytes(rng, &keys[k]));
            op(&mut s, OP_CHECKSIG);
            items.push(Item::Sig {
                key: k,
                ordinal: 0,
                placeholder: None,
            });
        }
        // <n> CHECKSEQUENCEVERIFY DROP <pubkey> CHECKSIG
        9 => {
            let seq = i64::from(cx.sequence);
            let masked = seq & 0x0040_ffff;
            let n = match rng.below(8) {
                0..3 => masked - rng.below(3) as i64,
                3 => masked + 1,
                4 => masked ^ (1 << 22),
                5 => (1 << 31) | rng.below(100) as i64,
                6 => -1 - rng.below(3) as i64,
                _ => (rng.next() % (1 << 40)) as i64,
            };
            push_num(rng, &mut s, n);
            op(&mut s, OP_CHECKSEQUENCEVERIFY);
            if rng.chance(90) {
                op(&mut s, OP_DROP);
            }
            push(&mut s, &pubkey_bytes(rng, &keys[k]));
            op(&mut s, OP_CHECKSIG);
            items.push(Item::Sig {
                key: k,
                ordinal: 0,
                placeholder: None,
            });
        }
        // <hash op> <digest> EQUAL: a preimage reveal
        10 => {
            sig_ops = 0;
            let preimage = rng.some_bytes(40);
            let (hop, digest) = hash_op(rng, &preimage);
            op(&mut s, hop);
            push(&mut s, &digest);
            op(&mut s, OP_EQUAL);
            items.push(Item::Data(if rng.chance(80) {
                preimage
            } else {
                rng.some_bytes(40)
            }));
        }
        // IF <a> ELSE <b> ENDIF, with a selector that may not be minimal.
        11 | 12 if depth == 0 => {
            let a = fragment(rng, keys, cx, depth + 1);
            let mut b = fragment(rng, keys, cx, depth + 1);
            for item in &mut b.items {
                if let Item::Sig { ordinal, .. } = item {
                    *ordinal += a.sig_ops;
                }
            }
            let notif = rng.chance(30);
            op(&mut s, if notif { OP_NOTIF } else { OP_IF });
            s.extend(&a.script);
            if rng.chance(92) {
                op(&mut s, OP_ELSE);
            }
            s.extend(&b.script);
            if rng.chance(3) {
                op(&mut s, OP_ELSE);
            }
            if rng.chance(97) {
                op(&mut s, OP_ENDIF);
            }
            let take_a = rng.chance(50);
            let truth = take_a != notif;
            let selector = if truth {
                match rng.below(12) {
                    0 => vec![2],
                    1 => vec![1, 0],
                    2 => vec![0, 1],
                    3 => vec![0x81],
                    _ => vec![1],
                }
            } else {
                match rng.below(12) {
                    0 => vec![0],
                    1 => vec![0x80],
                    2 => vec![0, 0],
                    _ => Vec::new(),
                }
            };
            items = if take_a { a.items } else { b.items };
            items.push(Item::Data(selector));
            sig_ops = a.sig_ops + b.sig_ops;
        }
        // Arithmetic on numbers the spender gives, some not minimal or too long.
        11..14 => {
            sig_ops = 0;
            let value = |rng: &mut Rng| match rng.below(10) {
                0 => 0x7fff_ffff - rng.below(3) as i64,
                1 => -0x7fff_ffff + rng.below(3) as i64,
                2 => (rng.next() % (1 << 33)) as i64,
                _ => rng.below(600) as i64 - 300,
            };
            let x = value(rng);
            items.push(Item::Data(num_bytes(rng, x)));
            let (o, expected) = match rng.below(4) {
                0 => {
                    let o =
                        [OP_1ADD, OP_1SUB, OP_NEGATE, OP_ABS, OP_NOT, OP_0NOTEQUAL][rng.below(6)];
                    let r = match o {
                        OP_1ADD => x + 1,
                        OP_1SUB => x - 1,
                        OP_NEGATE => -x,
                        OP_ABS => x.abs(),
                        OP_NOT => i64::from(x == 0),
                        _ => i64::from(x != 0),
                    };
                    (o, r)
                }
                1 => {
                    let (lo, hi) = (value(rng), value(rng));
                    push_num(rng, &mut s, lo);
                    push_num(rng, &mut s, hi);
                    (OP_WITHIN, i64::from(lo <= x && x < hi))
                }
                _ => {
                    let y = value(rng);
                    push_num(rng, &mut s, y);
                    let o = [
                        OP_ADD,
                        OP_SUB,
                        OP_BOOLAND,
                        OP_BOOLOR,
                        OP_NUMEQUAL,
                        OP_NUMNOTEQUAL,
                        OP_LESSTHAN,
                        OP_GREATERTHAN,
                        OP_LESSTHANOREQUAL,
                        OP_GREATERTHANOREQUAL,
                        OP_MIN,
                        OP_MAX,
                    ][rng.below(12)];
                    let r = match o {
                        OP_ADD => x + y,
                        OP_SUB => x - y,
                        OP_BOOLAND => i64::from(x != 0 && y != 0),
                        OP_BOOLOR => i64::from(x != 0 || y != 0),
                        OP_NUMEQUAL => i64::from(x == y),
                        OP_NUMNOTEQUAL => i64::from(x != y),
                        OP_LESSTHAN => i64::from(x < y),
                        OP_GREATERTHAN => i64::from(x > y),
                        OP_LESSTHANOREQUAL => i64::from(x <= y),
                        OP_GREATERTHANOREQUAL => i64::from(x >= y),
                        OP_MIN => x.min(y),
                        _ => x.max(y),
                    };
                    (o, r)
                }
            };
            op(&mut s, o);
            push_num(rng, &mut s, expected);
            op(
                &mut s,
                [OP_NUMEQUAL, OP_EQUAL, OP_NUMEQUALVERIFY][rng.below(3)],
            );
            if s.last() == Some(&OP_NUMEQUALVERIFY.to_u8()) {
                op(&mut s, OP_1);
            }
        }
        // PICK / ROLL and other stack shuffles on few items, n given by either side.
        14 => {
            sig_ops = 0;
            for _ in 0..rng.below(4) {
                items.push(Item::Data(random_item(rng)));
            }
            if rng.chance(50) {
                let n = rng.below(5) as i64 - 1;
                push_num(rng, &mut s, n);
            } else {
                items.push(Item::Data(random_item(rng)));
            }
            let stack_ops = [
                OP_PICK,
                OP_ROLL,
                OP_PICK,
                OP_ROLL,
                OP_2DROP,
                OP_2DUP,
                OP_3DUP,
                OP_2OVER,
                OP_2ROT,
                OP_2SWAP,
                OP_IFDUP,
                OP_DEPTH,
                OP_NIP,
                OP_OVER,
                OP_ROT,
                OP_SWAP,
                OP_TUCK,
                OP_SIZE,
                OP_TOALTSTACK,
                OP_FROMALTSTACK,
            ];
            op(&mut s, stack_ops[rng.below(stack_ops.len())]);
            for _ in 0..rng.below(3) {
                s.push(random_opcode(rng));
            }
        }
        // Any opcodes at all on random items.
        _ => {
            for _ in 0..rng.below(5) {
                items.push(Item::Data(random_item(rng)));
            }
            for _ in 0..1 + rng.below(8) {
                match rng.below(10) {
                    0..5 => s.push(random_opcode(rng)),
                    5..7 => {
                        let n = rng.below(20) as i64 - 2;
                        push_num(rng, &mut s, n);
                    }
                    7 => push(&mut s, &random_item(rng)),
                    8 => op(&mut s, [OP_IF, OP_NOTIF, OP_ELSE, OP_ENDIF][rng.below(4)]),
                    _ => s.push(rng.next() as u8),
                }
            }
            sig_ops = s
                .iter()
                .filter(|&&b| (OP_CHECKSIG.to_u8()..=OP_CHECKMULTISIGVERIFY.to_u8()).contains(&b))
                .count();
        }
    }
    Lock {
        script: s,
        items,
        sig_ops,
    }
}
