//! Scripts written byte by byte: the shortest push or a longer form MINIMALDATA refuses,
//! numbers minimal or not, random stack items and opcodes, and the rare changes that
//! break a whole script or scriptSig (an opcode slipped in, a push cut short, too many
//! operations, a stack too deep, a script too long).

use sou_primitives::opcodes::*;
use sou_primitives::script::{encode_script_num, Builder};
use sou_primitives::Script;

use crate::Rng;

pub(crate) fn op(script: &mut Vec<u8>, o: Opcode) {
    script.push(o.to_u8());
}

/// The shortest push of `data` (an `OP_N` where one exists).
pub(crate) fn push(script: &mut Vec<u8>, data: &[u8]) {
    script.extend(Builder::new().push_slice(data).into_script().into_bytes());
}

/// `CScript() << data`: a length-prefixed push even for small numbers.
pub(crate) fn push_direct(script: &mut Vec<u8>, data: &[u8]) {
    script.extend(
        Builder::new()
            .push_slice_non_minimal(data)
            .into_script()
            .into_bytes(),
    );
}

/// A push of `data` that is usually minimal, sometimes a longer form MINIMALDATA refuses.
fn push_styled(rng: &mut Rng, script: &mut Vec<u8>, data: &[u8]) {
    let len = data.len() as u32;
    match rng.below(100) {
        0..6 => push_direct(script, data),
        6..8 if len <= 0xff => {
            script.extend([OP_PUSHDATA1.to_u8(), len as u8]);
            script.extend(data);
        }
        8..9 => {
            script.push(OP_PUSHDATA2.to_u8());
            script.extend(&(len as u16).to_le_bytes());
            script.extend(data);
        }
        9..10 => {
            script.push(OP_PUSHDATA4.to_u8());
            script.extend(&len.to_le_bytes());
            script.extend(data);
        }
        _ => push(script, data),
    }
}

/// A number as a script encodes it: mostly minimal, else padded with a zero byte (fine
/// without MINIMALDATA), negative zero, or longer than any opcode reads.
pub(crate) fn num_bytes(rng: &mut Rng, n: i64) -> Vec<u8> {
    let mut b = encode_script_num(n);
    match rng.below(100) {
        0..6 => {
            // Move the sign bit into a new last byte.
            let sign = b.last().map_or(0, |l| l & 0x80);
            if let Some(last) = b.last_mut() {
                *last &= 0x7f;
            }
            b.push(sign);
        }
        6..8 if n == 0 => b = vec![[0x00, 0x80, 0x00][rng.below(3)]; 1 + rng.below(2)],
        8..11 => {
            while b.len() < 5 + rng.below(3) {
                b.insert(0, rng.next() as u8 | 1);
            }
        }
        _ => {}
    }
    b
}

/// Pushes the number `n`: an `OP_N` or a push of [`num_bytes`].
pub(crate) fn push_num(rng: &mut Rng, script: &mut Vec<u8>, n: i64) {
    let b = num_bytes(rng, n);
    if b == encode_script_num(n) && rng.chance(92) {
        script.extend(Builder::new().push_int(n).into_script().into_bytes());
    } else {
        push_styled(rng, script, &b);
    }
}

pub(crate) fn instruction_boundary(bytes: &[u8], rng: &mut Rng) -> usize {
    let script = Script::from_slice(bytes);
    let mut boundaries = vec![0];
    let mut it = script.instructions();
    while let Some(Ok(_)) = it.next() {
        boundaries.push(it.position());
    }
    boundaries[rng.below(boundaries.len())]
}

/// A random stack item: small numbers, empty, 0x80, garbage, sometimes long.
pub(crate) fn random_item(rng: &mut Rng) -> Vec<u8> {
    match rng.below(10) {
        0 => Vec::new(),
        1 => vec![1],
        2 => vec![0x80],
        3 => vec![0],
        4 => encode_script_num(rng.below(40) as i64 - 10),
        5 => {
            let n = rng.below(300) as i64 - 100;
            num_bytes(rng, n)
        }
        6 => rng.some_bytes(80),
        7 => {
            let n = 5 + rng.below(4);
            rng.bytes(n)
        }
        8 if rng.chance(10) => rng.bytes(521),
        _ => rng.some_bytes(10),
    }
}

/// Any non-push opcode, disabled, reserved and unassigned ones included.
pub(crate) fn random_opcode(rng: &mut Rng) -> u8 {
    match rng.below(10) {
        0..3 => 0x4f + rng.below(0x100 - 0x4f) as u8,
        // The stack, numbers and flow control are where ordering matters most.
        3..6 => 0x61 + rng.below(0x3f) as u8,
        6..8 => 0x8b + rng.below(0x22) as u8,
        _ => 0xa6 + rng.below(0x14) as u8,
    }
}

/// Rare changes to a whole script: an opcode slipped in, a separator, a push cut short,
/// a push too large, too many operations, a stack too deep, a script too long.
pub(crate) fn mutate_script(rng: &mut Rng, script: &mut Vec<u8>) {
    match rng.below(100) {
        0..7 => {
            let at = instruction_boundary(script, rng);
            script.insert(at, random_opcode(rng));
        }
        7..15 => {
            let at = instruction_boundary(script, rng);
            script.insert(at, OP_CODESEPARATOR.to_u8());
        }
        15..17 => {
            // 0x4c, 0x4d, 0x4e: OP_PUSHDATA1/2/4 with too few bytes after them.
            let cut: &[u8] = [
                &[0x05, 0x01, 0x02][..],
                &[0x4c],
                &[0x4d, 0xff],
                &[0x4e, 1, 0, 0],
            ][rng.below(4)];
            script.extend(cut);
        }
        17 => {
            let mut big = Vec::new();
            let n = 520 + rng.below(2);
            push(&mut big, &rng.bytes(n));
            op(&mut big, OP_DROP);
            script.splice(0..0, big);
        }
        18 => {
            let nops = vec![OP_NOP.to_u8(); 195 + rng.below(10)];
            script.splice(0..0, nops);
        }
        19 => {
            // Small-number pushes do not count as operations.
            let deep = vec![OP_1.to_u8(); 995 + rng.below(10)];
            script.splice(0..0, deep);
        }
        20 => {
            let mut long = Vec::new();
            for _ in 0..19 + rng.below(2) {
                push(&mut long, &[7; 520]);
                op(&mut long, OP_DROP);
            }
            script.splice(0..0, long);
        }
        _ => {}
    }
}

/// A script_sig pushing `items` (bottom first), sometimes with a non-push opcode or a
/// push cut short.
pub(crate) fn script_sig_of(rng: &mut Rng, items: &[Vec<u8>]) -> Vec<u8> {
    let mut s = Vec::new();
    for item in items {
        push_styled(rng, &mut s, item);
    }
    match rng.below(100) {
        0..2 => {
            let at = instruction_boundary(&s, rng);
            s.insert(
                at,
                [OP_NOP, OP_DUP, OP_DROP, OP_CHECKSIG, OP_NOP10, OP_RESERVED][rng.below(6)].to_u8(),
            );
        }
        2 => s.extend([0x4c]),
        _ => {}
    }
    s
}
