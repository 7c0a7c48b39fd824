//! Cases where sou once named a different error than Bitcoin Core, each kept with Core's
//! own verdict.
//!
//! `scripts/compare-with-core.sh` feeds thousands of generated spends to Core's
//! `VerifyScript` (core-oracle: libbitcoinkernel built as a command) and to sou, and
//! compares verdict and error name. Each disagreement it found is fixed in sou and pinned
//! here: the scripts in Core's test assembly, the flags, and the line Core printed (tabs
//! shown as spaces), quoted from `core-oracle script --batch`.
//!
//! A spend is built as Core's `script_tests.cpp` builds one (a crediting transaction paying
//! the `script_pubkey`, a spending transaction carrying the `script_sig` and witness). To
//! judge the cases again with Core, print them in the oracle's batch format:
//!
//! ```text
//! SOU_ORACLE_BATCH=1 cargo test -p sou-script --test core_differential -- --nocapture \
//!   oracle_batch | grep -v '^test\|^running\|^$' > cases.txt
//! core-oracle script --batch cases.txt
//! ```

#![allow(clippy::unwrap_used, reason = "test code")]

use sou_primitives::encoding::serialize;
use sou_primitives::{Amount, OutPoint, Script, Transaction, TxIn, TxOut, Witness};
use sou_script::asm::parse_asm;
use sou_script::{verify_input, VerifyFlags};

/// One spend and the error Core names for it.
struct CoreCase {
    /// Core's test assembly (`sou_script::asm`).
    script_sig: &'static str,
    script_pubkey: &'static str,
    /// Hex witness items, bottom first.
    witness: &'static [&'static str],
    /// Core's flag names, comma separated.
    flags: &'static str,
    amount: i64,
    /// Core's `ScriptError` name, `OK` when valid.
    core: &'static str,
}

impl CoreCase {
    /// The spending transaction and the output it spends.
    fn spend(&self) -> (Transaction, TxOut) {
        let script_sig = parse_asm(self.script_sig).unwrap();
        let script_pubkey = parse_asm(self.script_pubkey).unwrap();
        let witness = Witness::from_items(self.witness.iter().map(|h| hex::decode(h).unwrap()));
        let spent = TxOut {
            value: Amount::from_sat(self.amount),
            script_pubkey,
        };
        // Core's `BuildCreditingTransaction`: coinbase-like input, one output.
        let credit = Transaction {
            version: 1,
            input: vec![TxIn {
                previous_output: OutPoint::NULL,
                script_sig: Script::from_bytes(vec![0x00, 0x00]),
                sequence: u32::MAX,
                witness: Witness::new(),
            }],
            output: vec![spent.clone()],
            lock_time: 0,
        };
        // Core's `BuildSpendingTransaction`.
        let spend = Transaction {
            version: 1,
            input: vec![TxIn {
                previous_output: OutPoint::new(credit.compute_txid(), 0),
                script_sig,
                sequence: u32::MAX,
                witness,
            }],
            output: vec![TxOut {
                value: spent.value,
                script_pubkey: Script::new(),
            }],
            lock_time: 0,
        };
        (spend, spent)
    }

    fn check(&self) {
        let (tx, spent) = self.spend();
        let flags = VerifyFlags::parse(self.flags).unwrap();
        let got = verify_input(&tx, 0, &[spent], flags)
            .map_err(|e| e.script_error().unwrap_or_else(|| panic!("{e}")))
            .map_or_else(|e| e.name(), |()| "OK");
        assert_eq!(
            got, self.core,
            "{} / {} under {}",
            self.script_sig, self.script_pubkey, self.flags
        );
    }

    /// The line `core-oracle script --batch` reads: `TX_HEX INPUT FLAGS SPK_HEX:AMOUNT`.
    fn oracle_line(&self) -> String {
        let (tx, spent) = self.spend();
        format!(
            "{} 0 {} {}:{}",
            hex::encode(serialize(&tx)),
            self.flags,
            hex::encode(spent.script_pubkey.as_bytes()),
            spent.value.to_sat()
        )
    }
}

/// A 58-byte item: as a number far longer than the 4 bytes PICK and ROLL read.
const ITEM_58: &str = "0x3a 0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f30313233343536373839";

/// Found by `compare-with-core.sh` on legacy spends: ROLL with one item on the stack, an
/// item no number reads. Core's `EvalScript` checks `stack.size() < 2` before it reads n
/// (interpreter.cpp, `case OP_PICK: case OP_ROLL:`); sou read n first and named SCRIPTNUM.
///
/// Core: `invalid INVALID_STACK_OPERATION api=n/a Operation not valid with the current stack size`
const ROLL_ONE_ITEM: CoreCase = CoreCase {
    script_sig: ITEM_58,
    script_pubkey: "ROLL NOP10 6",
    witness: &[],
    flags: "P2SH,MINIMALDATA,CHECKLOCKTIMEVERIFY",
    amount: 0,
    core: "INVALID_STACK_OPERATION",
};

/// The same with PICK, which shares the handler.
///
/// Core: `invalid INVALID_STACK_OPERATION api=n/a Operation not valid with the current stack size`
const PICK_ONE_ITEM: CoreCase = CoreCase {
    script_sig: ITEM_58,
    script_pubkey: "PICK",
    witness: &[],
    flags: "MINIMALDATA",
    amount: 0,
    core: "INVALID_STACK_OPERATION",
};

/// The order inside the handler: with two items, n is read (and fails) before its range is
/// checked, so a non-minimal n under MINIMALDATA is SCRIPTNUM even though it is also out of
/// range.
///
/// Core: `invalid SCRIPTNUM api=n/a Script number overflowed or is non-minimally encoded`
const PICK_NON_MINIMAL_N: CoreCase = CoreCase {
    script_sig: "7 0x02 0x0500",
    script_pubkey: "PICK",
    witness: &[],
    flags: "MINIMALDATA",
    amount: 0,
    core: "SCRIPTNUM",
};

const ALL: &[&CoreCase] = &[&ROLL_ONE_ITEM, &PICK_ONE_ITEM, &PICK_NON_MINIMAL_N];

#[test]
fn roll_checks_stack_size_before_reading_n() {
    ROLL_ONE_ITEM.check();
}

#[test]
fn pick_checks_stack_size_before_reading_n() {
    PICK_ONE_ITEM.check();
}

#[test]
fn pick_reads_n_before_checking_its_range() {
    PICK_NON_MINIMAL_N.check();
}

/// Every case makes a well-formed line for `core-oracle script --batch` (transaction, input,
/// flags, spent outputs), printed when `SOU_ORACLE_BATCH` is set (see the module docs).
#[test]
fn oracle_batch() {
    let print = std::env::var_os("SOU_ORACLE_BATCH").is_some();
    for case in ALL {
        let line = case.oracle_line();
        assert_eq!(line.split(' ').count(), 4, "{line}");
        if print {
            println!("{line}");
        }
    }
}
