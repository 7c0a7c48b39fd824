//! Every opcode on every small stack: a sweep in a fixed order rather than a random draw,
//! so that which check each opcode's handler makes first shows up as an error name.

use sou_keys::taproot::{ControlBlock, TapTree};
use sou_keys::Keypair;
use sou_primitives::hashes::sha256;
use sou_primitives::{Amount, OutPoint, Script, Transaction, TxIn, TxOut, Txid, Witness};
use sou_script::VerifyFlags;

use crate::legacy::v0;
use crate::script_bytes::push;
use crate::Case;

/// Stack items that tell the checks apart: zero, one, two, a non-minimal one, negative
/// zero, a 5-byte number (too long for arithmetic, fine for CLTV and CSV).
const SWEEP_ITEMS: [&[u8]; 6] = [&[], &[1], &[2], &[1, 0], &[0x80], &[1, 0, 0, 0, 1]];
/// Stacks of up to three of them: 1 + 6 + 36 + 216.
const SWEEP_STACKS: usize = 259;
const SWEEP_CONTEXTS: [&str; 3] = ["bare", "p2wsh", "tapscript"];

/// Case `i` of the sweep: one opcode (all 256) run on one small stack, spent bare, through
/// P2WSH or as a tapscript leaf, under consensus or standard flags. The script is only the
/// opcode (a push opcode with nothing after it is a push cut short), so whichever check a
/// handler makes first decides the error.
pub(crate) fn sweep_case(i: usize, internal: &Keypair) -> Case {
    let opcode = (i % 256) as u8;
    let mut rest = i / 256;
    let mut stack_index = rest % SWEEP_STACKS;
    rest /= SWEEP_STACKS;
    let flags = [VerifyFlags::CONSENSUS, VerifyFlags::STANDARD][rest % 2];
    let context = SWEEP_CONTEXTS[(rest / 2) % SWEEP_CONTEXTS.len()];
    // Stack number k (in 0..259) as a count of items and their digits in base 6.
    let mut items: Vec<Vec<u8>> = Vec::new();
    let mut size = 0;
    while stack_index >= 6usize.pow(size) {
        stack_index -= 6usize.pow(size);
        size += 1;
    }
    for _ in 0..size {
        items.push(SWEEP_ITEMS[stack_index % 6].to_vec());
        stack_index /= 6;
    }
    let script = vec![opcode];
    let (script_sig, witness, script_pubkey) = match context {
        "bare" => {
            let mut sig = Vec::new();
            for item in &items {
                push(&mut sig, item);
            }
            (sig, Vec::new(), script)
        }
        "p2wsh" => {
            let spk = v0(&sha256(&script));
            items.push(script);
            (Vec::new(), items, spk)
        }
        _ => {
            let tree = TapTree::leaf(Script::from_bytes(script.clone()));
            let x = internal.x_only_public_key().0;
            let (output, _) =
                sou_keys::taproot::tweak_public_key(&x, Some(&tree.merkle_root())).unwrap();
            let control = ControlBlock::for_tree(&x, &tree).unwrap()[0].serialize();
            items.push(script);
            items.push(control);
            let spk = [&[0x51, 0x20][..], &output.serialize()].concat();
            (Vec::new(), items, spk)
        }
    };
    let spent = vec![TxOut {
        value: Amount::from_sat(10_000),
        script_pubkey: Script::from_bytes(script_pubkey),
    }];
    let tx = Transaction {
        version: 2,
        input: vec![TxIn {
            previous_output: OutPoint::new(Txid::from_byte_array(sha256(&[opcode])), 0),
            script_sig: Script::from_bytes(script_sig),
            sequence: 1,
            witness: Witness::from_items(&witness),
        }],
        output: vec![TxOut {
            value: Amount::from_sat(9_000),
            script_pubkey: Script::new(),
        }],
        lock_time: 1,
    };
    Case {
        tx,
        index: 0,
        spent,
        flags,
        kind: context,
    }
}

/// How many cases the sweep has.
pub(crate) const SWEEP_CASES: usize = 256 * SWEEP_STACKS * 2 * SWEEP_CONTEXTS.len();
