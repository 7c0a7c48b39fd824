//! Properties: decode(encode(x)) == x for generated transactions and blocks, the computed
//! sizes agree with the bytes, and arbitrary bytes never make a decoder panic.

#![allow(
    clippy::cast_possible_truncation,
    reason = "random test data keeps the low bits"
)]

use proptest::collection::vec;
use proptest::prelude::*;
use sou_primitives::encoding::{deserialize, serialize, Encode};
use sou_primitives::hashes::{TxMerkleNode, Txid};
use sou_primitives::{
    Amount, Block, BlockHash, BlockHeader, CompactTarget, OutPoint, Script, Transaction, TxIn,
    TxOut, Witness,
};

fn script() -> impl Strategy<Value = Script> {
    prop_oneof![
        4 => vec(any::<u8>(), 0..40),
        1 => vec(any::<u8>(), 250..300), // crosses the 3-byte CompactSize boundary
    ]
    .prop_map(Script::from_bytes)
}

fn witness() -> impl Strategy<Value = Witness> {
    vec(vec(any::<u8>(), 0..80), 0..4).prop_map(Witness::from_items)
}

fn txin() -> impl Strategy<Value = TxIn> {
    (
        any::<[u8; 32]>(),
        any::<u32>(),
        script(),
        any::<u32>(),
        witness(),
    )
        .prop_map(|(txid, vout, script_sig, sequence, witness)| TxIn {
            previous_output: OutPoint::new(Txid::from_byte_array(txid), vout),
            script_sig,
            sequence,
            witness,
        })
}

fn txout() -> impl Strategy<Value = TxOut> {
    (any::<i64>(), script()).prop_map(|(sat, script_pubkey)| TxOut {
        value: Amount::from_sat(sat),
        script_pubkey,
    })
}

/// Transactions with at least one input: with none, the legacy form is ambiguous with the
/// BIP144 marker (Core has the same limit), which `zero_inputs` below covers.
fn transaction() -> impl Strategy<Value = Transaction> {
    (
        any::<u32>(),
        vec(txin(), 1..5),
        vec(txout(), 0..5),
        any::<u32>(),
    )
        .prop_map(|(version, input, output, lock_time)| Transaction {
            version,
            input,
            output,
            lock_time,
        })
}

fn block() -> impl Strategy<Value = Block> {
    (
        any::<i32>(),
        any::<[u8; 32]>(),
        any::<[u8; 32]>(),
        any::<u32>(),
        any::<u32>(),
        any::<u32>(),
        vec(transaction(), 0..6),
    )
        .prop_map(|(version, prev, merkle, time, bits, nonce, txdata)| Block {
            header: BlockHeader {
                version,
                prev_blockhash: BlockHash::from_byte_array(prev),
                merkle_root: TxMerkleNode::from_byte_array(merkle),
                time,
                bits: CompactTarget::from_consensus(bits),
                nonce,
            },
            txdata,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn transactions_round_trip(tx in transaction()) {
        let bytes = serialize(&tx);
        prop_assert_eq!(bytes.len(), tx.encoded_len());
        prop_assert_eq!(deserialize::<Transaction>(&bytes), Ok(tx.clone()));
        let mut legacy = Vec::new();
        tx.encode_without_witness(&mut legacy);
        prop_assert_eq!(legacy.len(), tx.base_size());
        prop_assert_eq!(tx.weight().to_wu() as usize, 3 * tx.base_size() + bytes.len());
        if !tx.has_witness() {
            prop_assert_eq!(legacy, bytes);
        }
    }

    #[test]
    fn blocks_round_trip(block in block()) {
        let bytes = serialize(&block);
        prop_assert_eq!(bytes.len(), block.encoded_len());
        prop_assert_eq!(deserialize::<Block>(&bytes), Ok(block));
    }

    #[test]
    fn zero_inputs(version in any::<u32>(), lock_time in any::<u32>()) {
        let tx = Transaction { version, input: vec![], output: vec![], lock_time };
        prop_assert_eq!(deserialize::<Transaction>(&serialize(&tx)), Ok(tx));
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in vec(any::<u8>(), 0..400)) {
        let _ = deserialize::<Transaction>(&bytes);
        let _ = deserialize::<Block>(&bytes);
        let script = Script::from_bytes(bytes);
        let _ = script.to_asm_string();
        let _ = script.instructions().count();
    }

    #[test]
    fn whatever_decodes_re_encodes_identically(bytes in vec(any::<u8>(), 0..200)) {
        // Prefix a plausible version and segwit marker so that many cases get far.
        let bytes = [&[2, 0, 0, 0, 0, 1][..], &bytes].concat();
        if let Ok(tx) = deserialize::<Transaction>(&bytes) {
            prop_assert_eq!(serialize(&tx), bytes);
        }
    }
}
