//! Bitcoin Core's `tx_valid.json` and `tx_invalid.json` with the semantics of its
//! `transaction_tests.cpp`:
//!
//! - the third column of `tx_valid` lists flags to *exclude*: the transaction must verify
//!   with every other flag, still verify when any one more flag (or a random set) is
//!   removed, and fail if any one excluded flag is put back ("flags are maximal");
//! - `tx_invalid` lists the flags under which it must fail; with any one of them removed
//!   it must verify ("flags are minimal"); `BADTX` rows must fail `CheckTransaction`.

#![allow(
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    reason = "test code"
)]

use std::collections::HashMap;

use serde_json::Value;
use sou::chain::check_transaction;
use sou::primitives::encoding::deserialize;
use sou::script::asm::parse_asm;
use sou::script::{verify_input_with, PrecomputedTransactionData, ScriptError, VerifyFlags};
use sou::{Amount, OutPoint, Transaction, TxOut, Txid};
use sou_testdata::json;

/// WITNESS needs P2SH, CLEANSTACK needs WITNESS (Core `TrimFlags`).
fn trim(mut flags: VerifyFlags) -> VerifyFlags {
    if !flags.contains(VerifyFlags::P2SH) {
        flags = flags & !VerifyFlags::WITNESS;
    }
    if !flags.contains(VerifyFlags::WITNESS) {
        flags = flags & !VerifyFlags::CLEANSTACK;
    }
    flags
}

/// CLEANSTACK implies WITNESS implies P2SH (Core `FillFlags`).
fn fill(mut flags: VerifyFlags) -> VerifyFlags {
    if flags.contains(VerifyFlags::CLEANSTACK) {
        flags |= VerifyFlags::WITNESS;
    }
    if flags.contains(VerifyFlags::WITNESS) {
        flags |= VerifyFlags::P2SH;
    }
    flags
}

/// Every distinct trimmed set of `flags` minus one flag (Core `ExcludeIndividualFlags`).
fn exclude_individual_flags(flags: VerifyFlags) -> Vec<VerifyFlags> {
    let mut out: Vec<VerifyFlags> = VerifyFlags::NAMED
        .iter()
        .map(|(_, f)| trim(flags & !*f))
        .filter(|f| *f != flags)
        .collect();
    out.sort();
    out.dedup();
    out
}

struct Case {
    label: String,
    tx: Transaction,
    precomputed: PrecomputedTransactionData,
}

impl Case {
    /// Core's `CheckTxScripts`: the verdict of the first failing input, or Ok.
    fn verify(&self, flags: VerifyFlags) -> Result<(), (usize, ScriptError)> {
        (0..self.tx.input.len()).try_for_each(|i| {
            verify_input_with(&self.tx, i, &self.precomputed, flags).map_err(|e| {
                match e.script_error() {
                    Some(error) => (i, error),
                    None => panic!("{}: input {i}: {e}", self.label),
                }
            })
        })
    }
}

/// Parses a row; `None` for comments.
fn case(row: &Value) -> Option<(Case, String)> {
    let row = row.as_array().unwrap();
    let Value::Array(prevouts) = &row[0] else {
        return None;
    };
    let label = serde_json::to_string(row).unwrap();
    let tx: Transaction = deserialize(&hex::decode(row[1].as_str().unwrap()).unwrap()).unwrap();
    let mut spent: HashMap<OutPoint, TxOut> = HashMap::new();
    for p in prevouts {
        let txid: Txid = p[0].as_str().unwrap().parse().unwrap();
        let vout = p[1].as_i64().unwrap() as u32; // -1 stands for 0xffffffff
        let script_pubkey =
            parse_asm(p[2].as_str().unwrap()).unwrap_or_else(|e| panic!("{label}: {e}"));
        let value = Amount::from_sat(p.get(3).and_then(Value::as_i64).unwrap_or(0));
        spent.insert(
            OutPoint::new(txid, vout),
            TxOut {
                value,
                script_pubkey,
            },
        );
    }
    let spent_outputs: Vec<TxOut> = tx
        .input
        .iter()
        .map(|i| spent[&i.previous_output].clone())
        .collect();
    let precomputed = PrecomputedTransactionData::new(&tx, spent_outputs);
    Some((
        Case {
            label,
            tx,
            precomputed,
        },
        row[2].as_str().unwrap().to_owned(),
    ))
}

#[test]
fn tx_valid() {
    let rows = json("core/tx_valid.json");
    let mut rng = 0x7a11_d000_0000_0001u64;
    let mut tests = 0;
    for row in rows.as_array().unwrap() {
        let Some((case, excluded)) = case(row) else {
            continue;
        };
        let label = &case.label;
        assert_eq!(check_transaction(&case.tx), Ok(()), "{label}");
        let excluded = VerifyFlags::parse(&excluded).unwrap();
        assert_eq!(!excluded, fill(!excluded), "bad test flags: {label}");
        assert_eq!(case.verify(!excluded), Ok(()), "{label}");
        for (name, flag) in VerifyFlags::NAMED {
            assert_eq!(
                case.verify(trim(!(excluded | *flag))),
                Ok(()),
                "{label} with {name} unset"
            );
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            let random = VerifyFlags::from_bits(rng as u32);
            assert_eq!(
                case.verify(trim(!(excluded | random))),
                Ok(()),
                "{label} with random flags {random}"
            );
        }
        for flags in exclude_individual_flags(excluded) {
            assert!(
                case.verify(!flags).is_err(),
                "too many flags unset: {label} ({flags} excluded)"
            );
        }
        tests += 1;
    }
    assert_eq!(tests, 121);
}

#[test]
fn tx_invalid() {
    let rows = json("core/tx_invalid.json");
    let (mut tests, mut badtx) = (0, 0);
    for row in rows.as_array().unwrap() {
        let Some((case, flags)) = case(row) else {
            continue;
        };
        let label = &case.label;
        tests += 1;
        if check_transaction(&case.tx).is_err() {
            assert_eq!(flags, "BADTX", "{label}: fails CheckTransaction");
            badtx += 1;
            continue;
        }
        assert_ne!(flags, "BADTX", "{label}: passes CheckTransaction");
        let flags = VerifyFlags::parse(&flags).unwrap();
        assert_eq!(flags, fill(flags), "bad test flags: {label}");
        assert!(case.verify(flags).is_err(), "{label}");
        for fewer in exclude_individual_flags(flags) {
            assert_eq!(
                case.verify(fewer),
                Ok(()),
                "too many flags set: {label} ({fewer})"
            );
        }
    }
    assert_eq!(tests, 93);
    assert!(badtx > 0);
}
