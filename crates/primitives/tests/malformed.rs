//! Malformed input: one test per way bytes can be wrong, each asserting the exact error.

use sou_primitives::encoding::{deserialize, serialize, DecodeError, MAX_SIZE};
use sou_primitives::script::{Instruction, PushPastEnd};
use sou_primitives::{Block, Network, Transaction};

/// version 1 | 1 input (null-ish outpoint, empty script, final) | 1 output (0 sat, OP_TRUE) | lock 0
fn legacy_tx() -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(&1u32.to_le_bytes());
    b.push(1);
    b.extend_from_slice(&[0x11; 32]);
    b.extend_from_slice(&0u32.to_le_bytes());
    b.push(0);
    b.extend_from_slice(&u32::MAX.to_le_bytes());
    b.push(1);
    b.extend_from_slice(&0i64.to_le_bytes());
    b.extend_from_slice(&[1, 0x51]);
    b.extend_from_slice(&0u32.to_le_bytes());
    b
}

/// The same transaction in BIP144 form with `flags` and the given witness bytes.
fn segwit_tx(flags: u8, witness: &[u8]) -> Vec<u8> {
    let legacy = legacy_tx();
    let (body, lock) = legacy.split_at(legacy.len() - 4);
    let mut b = body[..4].to_vec();
    b.extend_from_slice(&[0x00, flags]);
    b.extend_from_slice(&body[4..]);
    b.extend_from_slice(witness);
    b.extend_from_slice(lock);
    b
}

#[test]
fn well_formed_examples_decode() {
    let tx: Transaction = deserialize(&legacy_tx()).expect("legacy");
    assert!(!tx.has_witness());
    let bytes = segwit_tx(1, &[1, 1, 0xaa]);
    let tx: Transaction = deserialize(&bytes).expect("segwit");
    assert_eq!(tx.input[0].witness.to_vec(), vec![vec![0xaa]]);
    assert_eq!(serialize(&tx), bytes);
}

#[test]
fn truncated_data() {
    let bytes = legacy_tx();
    // Cut inside the lock time: the last field needs 4 bytes and finds 3.
    assert_eq!(
        deserialize::<Transaction>(&bytes[..bytes.len() - 1]),
        Err(DecodeError::UnexpectedEnd {
            needed: 4,
            remaining: 3
        })
    );
    // A header cut at 79 bytes: the nonce needs 4 and finds 3.
    let genesis = serialize(&Network::Mainnet.params().genesis_block());
    assert_eq!(
        deserialize::<Block>(&genesis[..79]),
        Err(DecodeError::UnexpectedEnd {
            needed: 4,
            remaining: 3
        })
    );
    // Every shorter prefix of the genesis block fails with a clear error, none panics.
    for len in 0..genesis.len() {
        match deserialize::<Block>(&genesis[..len]) {
            Err(DecodeError::UnexpectedEnd { .. } | DecodeError::TooManyItems { .. }) => {}
            other => panic!("prefix of {len} bytes: {other:?}"),
        }
    }
}

#[test]
fn trailing_bytes() {
    let mut bytes = legacy_tx();
    bytes.extend_from_slice(&[0xde, 0xad]);
    assert_eq!(
        deserialize::<Transaction>(&bytes),
        Err(DecodeError::TrailingBytes { count: 2 })
    );
    let mut genesis = serialize(&Network::Mainnet.params().genesis_block());
    genesis.push(0);
    assert_eq!(
        deserialize::<Block>(&genesis),
        Err(DecodeError::TrailingBytes { count: 1 })
    );
}

#[test]
fn oversize_compact_size() {
    // The output script claims MAX_SIZE + 1 bytes: refused before looking for them.
    let mut bytes = legacy_tx();
    let script_len_at = bytes.len() - 4 - 2;
    bytes.splice(
        script_len_at..script_len_at + 1,
        [0xfe, 0x01, 0x00, 0x00, 0x02],
    );
    assert_eq!(
        deserialize::<Transaction>(&bytes),
        Err(DecodeError::CompactSizeTooLarge {
            value: MAX_SIZE + 1
        })
    );
    // 2^32 inputs in a 13-byte message.
    let mut bytes = 1u32.to_le_bytes().to_vec();
    bytes.extend_from_slice(&[0xff, 0, 0, 0, 0, 1, 0, 0, 0]);
    assert_eq!(
        deserialize::<Transaction>(&bytes),
        Err(DecodeError::CompactSizeTooLarge { value: 1 << 32 })
    );
    // A 10-byte message claiming 2^25 inputs (the largest count Core reads) fails at once,
    // without reserving room for 2^25 inputs.
    let mut bytes = 1u32.to_le_bytes().to_vec();
    bytes.extend_from_slice(&[0xfe, 0x00, 0x00, 0x00, 0x02, 0x00]);
    assert_eq!(bytes.len(), 10);
    assert_eq!(
        deserialize::<Transaction>(&bytes),
        Err(DecodeError::TooManyItems {
            what: "inputs",
            count: MAX_SIZE,
            remaining: 1,
            min_item_len: 41
        })
    );
}

#[test]
fn non_canonical_compact_size() {
    // The input count 1 written as 0xfd 0x01 0x00.
    let mut bytes = legacy_tx();
    bytes.splice(4..5, [0xfd, 0x01, 0x00]);
    assert_eq!(
        deserialize::<Transaction>(&bytes),
        Err(DecodeError::NonCanonicalCompactSize {
            value: 1,
            encoded_len: 3
        })
    );
}

#[test]
fn segwit_marker_with_a_flag_other_than_one() {
    // Flag 2: inputs and outputs are read, then the unknown bit is refused.
    assert_eq!(
        deserialize::<Transaction>(&segwit_tx(2, &[])),
        Err(DecodeError::UnknownOptionalData { flags: 2 })
    );
    // Flag 3: the witnesses of bit 1 are read, then bit 2 is refused.
    assert_eq!(
        deserialize::<Transaction>(&segwit_tx(3, &[1, 1, 0xaa])),
        Err(DecodeError::UnknownOptionalData { flags: 2 })
    );
}

#[test]
fn witness_flag_with_every_witness_empty() {
    assert_eq!(
        deserialize::<Transaction>(&segwit_tx(1, &[0])),
        Err(DecodeError::SuperfluousWitnessRecord)
    );
}

#[test]
fn zero_inputs_and_flag_zero_reads_no_outputs() {
    // Core's decoder quirk, kept: after an empty input list a zero flag byte means the
    // transaction has no inputs and no outputs, and the lock time follows at once.
    let bytes = [1, 0, 0, 0, 0x00, 0x00, 7, 0, 0, 0];
    let tx: Transaction = deserialize(&bytes).expect("decodes");
    assert!(tx.input.is_empty() && tx.output.is_empty());
    assert_eq!(tx.lock_time, 7);
    assert_eq!(serialize(&tx), bytes);
}

#[test]
fn a_script_push_running_past_the_end() {
    // An output script `OP_DUP PUSHDATA1 0xff 0xaa`: the push claims 255 bytes, 1 is there.
    // The transaction is well formed (scripts are opaque bytes to the encoding) and keeps
    // the bytes as they are; walking the script reports the bad push where it starts.
    let mut bytes = legacy_tx();
    let script_at = bytes.len() - 4 - 2;
    bytes.splice(script_at..script_at + 2, [4, 0x76, 0x4c, 0xff, 0xaa]);
    let tx: Transaction = deserialize(&bytes).expect("decodes");
    assert_eq!(serialize(&tx), bytes);
    let script = &tx.output[0].script_pubkey;
    let steps: Vec<_> = script.instructions().collect();
    assert_eq!(steps.len(), 2);
    assert!(matches!(steps[0], Ok(Instruction::Op(_))));
    assert_eq!(
        steps[1],
        Err(PushPastEnd {
            position: 1,
            opcode: sou_primitives::opcodes::OP_PUSHDATA1,
            needed: 256,
            available: 2
        })
    );
    assert_eq!(script.to_asm_string(), "OP_DUP [error]");
}

#[test]
fn block_claiming_more_transactions_than_bytes() {
    let mut bytes = serialize(&Network::Mainnet.params().genesis_block());
    bytes[80] = 0xfd;
    bytes.splice(81..81, [0xff, 0xff]);
    assert!(matches!(
        deserialize::<Block>(&bytes),
        Err(DecodeError::TooManyItems {
            what: "transactions",
            count: 0xffff,
            ..
        })
    ));
}
