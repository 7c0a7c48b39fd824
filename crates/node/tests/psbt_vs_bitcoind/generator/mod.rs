//! The PSBT generator: from a seed, version 0 PSBTs holding records of every type, valid,
//! at an edge, or broken, in the mix `main.rs` describes.
//!
//! [`generate`] draws a transaction and the transactions it spends, fills the global, input
//! and output maps (`maps.rs`) with records whose values come from `values.rs`, shuffles
//! each map, and now and then mutates the whole.

mod maps;
mod values;

use std::collections::BTreeSet;

use sou_primitives::{Amount, OutPoint, Script, Transaction, TxIn, TxOut, Txid, Witness};

use maps::{global_map, input_map, output_map};
pub(crate) use values::Gen;
use values::{compressed_key, var_bytes};

/// The key types each map knows in version 0 (BIP174, BIP371, BIP373), proprietary
/// included, and the version 2 fields (BIP370) that a version 0 PSBT may not hold.
pub(crate) const GLOBAL_TYPES: &[u8] = &[0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0xfb, 0xfc];
pub(crate) const INPUT_TYPES: &[u8] = &[
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10,
    0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x1a, 0x1b, 0x1c, 0xfc,
];
pub(crate) const OUTPUT_TYPES: &[u8] =
    &[0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0xfc];

/// How often each record kind is broken, in percent.
pub(crate) const BAD: u64 = 2;

/// One record: key and value.
pub(crate) type Record = (Vec<u8>, Vec<u8>);

/// A transaction some inputs spend, in witness form when it has witnesses.
pub(crate) fn previous_tx(g: &mut Gen) -> Transaction {
    let with_witness = g.chance(40);
    Transaction {
        version: g.pick(&[1, 2]),
        input: (0..1 + g.upto(1))
            .map(|_| TxIn {
                previous_output: OutPoint::new(Txid::from_byte_array(g.array()), g.below(4) as u32),
                script_sig: Script::from_bytes(g.some_bytes(0, 10)),
                sequence: 0xffff_ffff,
                witness: if with_witness {
                    Witness::from_items([g.some_bytes(1, 11)])
                } else {
                    Witness::new()
                },
            })
            .collect(),
        output: (0..1 + g.upto(2))
            .map(|_| TxOut {
                value: Amount::from_sat(g.below(1_000_000) as i64),
                script_pubkey: Script::from_bytes(g.some_bytes(0, 25)),
            })
            .collect(),
        lock_time: 0,
    }
}

/// A map's bytes: its records, then the separator.
fn write_map(out: &mut Vec<u8>, map: &[Record]) {
    for (key, value) in map {
        out.extend(var_bytes(key));
        out.extend(var_bytes(value));
    }
    out.push(0);
}

/// Shuffles a map's records, and drops repeated keys (which both refuse) but one time in
/// a hundred.
fn settle(g: &mut Gen, map: &mut Vec<Record>) {
    g.shuffle(map);
    if !g.chance(1) {
        let mut seen = BTreeSet::new();
        map.retain(|(k, _)| seen.insert(k.clone()));
    }
}

/// The next PSBT.
pub(crate) fn generate(g: &mut Gen) -> Vec<u8> {
    let xonly_pool: Vec<[u8; 32]> = (0..3).map(|_| g.array()).collect();
    let leaves: Vec<[u8; 32]> = (0..3).map(|_| g.array()).collect();
    let aggregates: Vec<[u8; 33]> = (0..2).map(|_| compressed_key(g)).collect();

    let inputs = g.upto(3);
    let mut previous: Vec<Option<Transaction>> = Vec::new();
    let mut unsigned = Transaction {
        version: g.pick(&[1, 2, 3, 0xffff_ffff]),
        input: Vec::new(),
        output: Vec::new(),
        lock_time: g.pick(&[0, 100, 500_000_000, 0xffff_ffff]),
    };
    for _ in 0..inputs {
        let prev = g.chance(60).then(|| previous_tx(g));
        let outpoint = match &prev {
            // Now and then an index past the transaction's outputs.
            Some(tx) => OutPoint::new(
                tx.compute_txid(),
                if g.chance(BAD) {
                    tx.output.len() as u32
                } else {
                    g.below(tx.output.len() as u64) as u32
                },
            ),
            None => OutPoint::new(Txid::from_byte_array(g.array()), g.below(3) as u32),
        };
        unsigned.input.push(TxIn {
            previous_output: outpoint,
            script_sig: Script::new(),
            sequence: g.pick(&[0xffff_ffff, 0xffff_fffd, 0]),
            witness: Witness::new(),
        });
        previous.push(prev);
    }
    for _ in 0..g.upto(3) {
        unsigned.output.push(TxOut {
            value: Amount::from_sat(g.below(100_000_000) as i64),
            script_pubkey: Script::from_bytes(g.some_bytes(0, 34)),
        });
    }

    let mut out = b"psbt\xff".to_vec();
    let mut global = global_map(g, &unsigned);
    settle(g, &mut global);
    write_map(&mut out, &global);
    let mut maps = Vec::new();
    for prev in &previous {
        maps.push(input_map(
            g,
            prev.as_ref(),
            &xonly_pool,
            &leaves,
            &aggregates,
        ));
    }
    for _ in 0..unsigned.output.len() {
        maps.push(output_map(g, &xonly_pool, &leaves, &aggregates));
    }
    // Now and then a map too few or too many.
    if g.chance(BAD) {
        if g.chance(50) {
            maps.pop();
        } else {
            maps.push(Vec::new());
        }
    }
    for mut map in maps {
        settle(g, &mut map);
        write_map(&mut out, &map);
    }
    if g.chance(5) {
        mutate(g, &mut out);
    }
    out
}

/// One random change: a bit flipped, a byte dropped or inserted, or the end cut off.
fn mutate(g: &mut Gen, bytes: &mut Vec<u8>) {
    let at = 5 + g.below(bytes.len() as u64 - 5) as usize;
    match g.below(4) {
        0 => bytes[at] ^= 1 << g.below(8),
        1 => {
            bytes.remove(at);
        }
        2 => bytes.insert(at, g.next() as u8),
        _ => bytes.truncate(at),
    }
}
