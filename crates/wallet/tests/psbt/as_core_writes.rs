//! How Core writes a PSBT back: records in its order, values it holds as none left out, a
//! final input without what signed it, an all-zero internal key dropped, leaf hashes as a
//! set, MuSig2 records keyed and ordered as BIP373 and Core do.

use sou_keys::taproot::TapNodeHash;
use sou_keys::SecretKey;
use sou_primitives::{Script, Witness};
use sou_wallet::psbt::{Error, MuSig2Participant, Psbt, XOnlyKey};

use crate::{keys_of, point, psbt_hex, OFF_CURVE};

#[test]
fn an_all_zero_internal_key_means_none_as_in_core() {
    // Core reads an all-zero internal key, then treats it as absent (`IsNull`): it does
    // not merge it and does not write it back.
    let created = psbt_hex("created");
    let mut psbt = created.clone();
    psbt.inputs[0].unknown.insert(vec![0x17], vec![0; 32]);
    psbt.outputs[0].unknown.insert(vec![0x05], vec![0; 32]);
    let parsed = Psbt::deserialize(&psbt.serialize()).unwrap();
    assert_eq!(parsed.inputs[0].tap_internal_key, None);
    assert_eq!(parsed.outputs[0].tap_internal_key, None);
    assert_eq!(parsed.serialize(), created.serialize());
    // Set by hand, it is not written either, and a combined copy's real key replaces it.
    let zero = XOnlyKey::from_byte_array([0; 32]);
    let mut by_hand = created.clone();
    by_hand.inputs[0].tap_internal_key = Some(zero);
    by_hand.outputs[0].tap_internal_key = Some(zero);
    assert_eq!(by_hand.serialize(), created.serialize());
    let real = XOnlyKey::from(sou_wallet::sign::x_only(
        &SecretKey::from_byte_array([1; 32]).unwrap(),
    ));
    let mut other = created.clone();
    other.inputs[0].tap_internal_key = Some(real);
    by_hand.combine(other).unwrap();
    assert_eq!(by_hand.inputs[0].tap_internal_key, Some(real));
}

#[test]
fn records_are_written_in_cores_order() {
    // Core writes an output's proprietary records after its BIP32 keys and before its
    // taproot fields, MuSig2 records after the taproot ones, unknown records last.
    let origin = [&[0xaa; 4][..], &1u32.to_le_bytes()].concat();
    let mut psbt = psbt_hex("created");
    let output = &mut psbt.outputs[0].unknown;
    output.insert(vec![0xfb, 0x01], vec![1]);
    output.insert([&[0x08][..], &point(1)].concat(), point(3).to_vec());
    output.insert(
        [&[0x07][..], &[5; 32]].concat(),
        [&[0][..], &origin].concat(),
    );
    output.insert(vec![0x05], vec![5; 32]);
    output.insert(vec![0xfc, 0x03, b's', b'o', b'u', 0x00], vec![2]);
    output.insert([&[0x02][..], &point(4)].concat(), origin.clone());
    let parsed = Psbt::deserialize(&psbt.serialize()).unwrap();
    let types: Vec<u8> = keys_of(&parsed.serialize(), 3)
        .iter()
        .map(|k| k[0])
        .collect();
    assert_eq!(types, [0x02, 0xfc, 0x05, 0x07, 0x08, 0xfb]);
    // An aggregate key that is no point: the MuSig2 record is refused.
    let mut bad = psbt.clone();
    bad.outputs[0]
        .unknown
        .insert([&[0x08, 0x02][..], &OFF_CURVE].concat(), vec![]);
    assert_eq!(
        Psbt::deserialize(&bad.serialize()),
        Err(Error::InvalidPublicKey(0x08))
    );
}

#[test]
fn values_core_holds_as_none_are_neither_read_nor_written() {
    // Empty scripts and witnesses, an all-zero merkle root, a witness UTXO of amount -1
    // (`CTxOut::IsNull`): Core reads them, then does not write them.
    let created = psbt_hex("created");
    let mut psbt = created.clone();
    let input = &mut psbt.inputs[0].unknown;
    for key_type in [0x04, 0x05, 0x07] {
        input.insert(vec![key_type], vec![]);
    }
    input.insert(vec![0x08], vec![0x00]);
    input.insert(vec![0x18], vec![0; 32]);
    input.insert(
        vec![0x01],
        [&(-1i64).to_le_bytes()[..], &[0x01, 0x51]].concat(),
    );
    for key_type in [0x00, 0x01] {
        psbt.outputs[1].unknown.insert(vec![key_type], vec![]);
    }
    let parsed = Psbt::deserialize(&psbt.serialize()).unwrap();
    let input = &parsed.inputs[0];
    assert_eq!(input.redeem_script, None);
    assert_eq!(input.witness_script, None);
    assert_eq!(input.final_script_sig, None);
    assert_eq!(input.final_script_witness, None);
    assert_eq!(input.tap_merkle_root, None);
    assert_eq!(input.witness_utxo, None);
    assert_eq!(parsed.outputs[1].redeem_script, None);
    assert_eq!(parsed.serialize(), created.serialize());
    // Set by hand, they are not written either.
    let mut by_hand = created.clone();
    by_hand.inputs[0].redeem_script = Some(Script::new());
    by_hand.inputs[0].final_script_witness = Some(Witness::new());
    by_hand.inputs[0].tap_merkle_root = Some(TapNodeHash([0; 32]));
    by_hand.outputs[0].witness_script = Some(Script::new());
    assert_eq!(by_hand.serialize(), created.serialize());
    assert!(!by_hand.inputs[0].is_final());
}

#[test]
fn a_final_input_is_written_without_what_signed_it() {
    // Core writes a final input's UTXOs, final scriptSig and witness, proprietary and
    // unknown records, and nothing else, though it keeps the rest in memory.
    let combined = psbt_hex("combined");
    let mut psbt = combined.clone();
    psbt.inputs[1].final_script_witness = Some(Witness::from_items([[1u8; 3]]));
    psbt.inputs[1]
        .unknown
        .insert(vec![0xfc, 0x00, 0x00], vec![]);
    let bytes = psbt.serialize();
    let types: Vec<u8> = keys_of(&bytes, 2).iter().map(|k| k[0]).collect();
    assert_eq!(types, [0x01, 0x08, 0xfc]);
    let parsed = Psbt::deserialize(&bytes).unwrap();
    assert!(parsed.inputs[1].partial_sigs.is_empty());
    // Read back in, the signatures a final input still carries stay in memory.
    let mut record = psbt.clone();
    record.inputs[1].final_script_witness = None;
    record.inputs[1]
        .unknown
        .insert(vec![0x08], vec![0x01, 0x01, 0x51]);
    let reread = Psbt::deserialize(&record.serialize()).unwrap();
    assert!(reread.inputs[1].is_final());
    assert_eq!(
        reread.inputs[1].partial_sigs,
        combined.inputs[1].partial_sigs
    );
    assert_eq!(keys_of(&reread.serialize(), 2).len(), 3);
}

#[test]
fn taproot_leaf_hashes_are_a_set() {
    // Core keeps a key's leaf hashes in a `std::set<uint256>`: sorted, each once.
    let (a, b) = ([1; 32], [2; 32]);
    let origin = [&[0xaa; 4][..], &7u32.to_le_bytes()].concat();
    let mut psbt = psbt_hex("created");
    let value = [&[3][..], &b, &a, &b, &origin].concat();
    psbt.inputs[0]
        .unknown
        .insert([&[0x16][..], &[9; 32]].concat(), value);
    let parsed = Psbt::deserialize(&psbt.serialize()).unwrap();
    let source = &parsed.inputs[0].tap_bip32_derivation[&XOnlyKey::from_byte_array([9; 32])];
    let hashes: Vec<TapNodeHash> = source.leaf_hashes.iter().copied().collect();
    assert_eq!(hashes, [TapNodeHash(a), TapNodeHash(b)]);
    let written = parsed.serialize();
    let expected = [&[2][..], &a, &b, &origin].concat();
    let at = written
        .windows(expected.len())
        .position(|w| w == expected.as_slice());
    assert!(at.is_some());
}

#[test]
fn musig2_records_pass_through_as_in_core() {
    // BIP373: a nonce keyed with an all-zero leaf hash is the key-path nonce, written with
    // no leaf hash; records are ordered by aggregate key, leaf hash, then participant.
    let (aggregate, first, second) = (point(1), point(2), point(3));
    let nonce_key =
        |participant: [u8; 33], leaf: &[u8]| [&[0x1b][..], &participant, &aggregate, leaf].concat();
    let mut psbt = psbt_hex("created");
    let input = &mut psbt.inputs[0].unknown;
    input.insert(nonce_key(second, &[0; 32]), vec![2; 66]);
    input.insert(nonce_key(first, &[]), vec![1; 66]);
    input.insert(nonce_key(first, &[7; 32]), vec![3; 66]);
    input.insert([&[0x1a][..], &aggregate].concat(), [first, second].concat());
    let parsed = Psbt::deserialize(&psbt.serialize()).unwrap();
    let input = &parsed.inputs[0];
    assert_eq!(input.musig2_participants[&aggregate], [first, second]);
    let who = MuSig2Participant {
        aggregate_key: aggregate,
        leaf_hash: None,
        participant_key: second,
    };
    assert_eq!(input.musig2_pub_nonces[&who], [2; 66]);
    assert_eq!(
        keys_of(&parsed.serialize(), 1),
        [
            [&[0x1a][..], &aggregate].concat(),
            nonce_key(first, &[]),
            nonce_key(second, &[]),
            nonce_key(first, &[7; 32]),
        ]
    );
    // A nonce is 66 bytes.
    let mut short = psbt_hex("created");
    short.inputs[0]
        .unknown
        .insert(nonce_key(first, &[]), vec![1; 65]);
    assert_eq!(
        Psbt::deserialize(&short.serialize()),
        Err(Error::InvalidValue(0x1b))
    );
}
