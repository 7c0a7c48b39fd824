//! What Core accepts and refuses when it reads a PSBT, where the BIPs' vectors are silent:
//! x-only keys off the curve, partial signatures, global extended keys, version 2 fields,
//! key types, proprietary keys, preimages.

use sou_keys::taproot::TapNodeHash;
use sou_keys::SecretKey;
use sou_primitives::{Amount, Script, TxOut};
use sou_script::ScriptError;
use sou_wallet::psbt::{Error, Nonces, PreimageHash, Psbt, XOnlyKey};

use crate::{keys_of, point, psbt_hex, OFF_CURVE};

#[test]
fn x_only_keys_off_the_curve_pass_through_as_in_core() {
    // Core reads every taproot x-only key unchecked (`XOnlyPubKey`, src/psbt.h), so a PSBT
    // naming 32 bytes that are no point's x parses, and writes back byte for byte. The
    // records go in through the unknown maps, in Core's order (their key types ascend).
    let leaf_hash = [7; 32];
    let origin = [&[0x00][..], &[0xaa; 4], &0x8000_0056_u32.to_le_bytes()].concat();
    let mut psbt = psbt_hex("created");
    let input = &mut psbt.inputs[0].unknown;
    // PSBT_IN_TAP_SCRIPT_SIG: the key, then the leaf hash; a 64-byte signature.
    input.insert([&[0x14][..], &OFF_CURVE, &leaf_hash].concat(), vec![1; 64]);
    // PSBT_IN_TAP_BIP32_DERIVATION, PSBT_IN_TAP_INTERNAL_KEY.
    input.insert([&[0x16][..], &OFF_CURVE].concat(), origin.clone());
    input.insert(vec![0x17], OFF_CURVE.to_vec());
    let output = &mut psbt.outputs[0].unknown;
    // PSBT_OUT_TAP_INTERNAL_KEY, PSBT_OUT_TAP_BIP32_DERIVATION.
    output.insert(vec![0x05], OFF_CURVE.to_vec());
    output.insert([&[0x07][..], &OFF_CURVE].concat(), origin);
    let bytes = psbt.serialize();

    let parsed = Psbt::deserialize(&bytes).unwrap();
    assert_eq!(parsed.serialize(), bytes);
    let key = XOnlyKey::from_byte_array(OFF_CURVE);
    let (input, output) = (&parsed.inputs[0], &parsed.outputs[0]);
    assert_eq!(input.tap_internal_key, Some(key));
    assert!(input
        .tap_script_sigs
        .contains_key(&(key, TapNodeHash(leaf_hash))));
    assert!(input.tap_bip32_derivation.contains_key(&key));
    assert_eq!(output.tap_internal_key, Some(key));
    assert!(output.tap_bip32_derivation.contains_key(&key));
    assert!(input.unknown.is_empty() && output.unknown.is_empty());
    // Whoever needs the point finds there is none; x = 1 is a point's x.
    assert_eq!(key.to_public_key(), Err(sou_keys::Error::InvalidPublicKey));
    let mut one = [0; 32];
    one[31] = 1;
    let point = XOnlyKey::from_byte_array(one).to_public_key().unwrap();
    assert_eq!(point.serialize(), one);
    // Nor does the signer: no secret key has it, so nothing is signed (Core finds no key
    // either). The input spends a P2PKH output, so give it a P2TR one.
    let mut unsigned = parsed.clone();
    unsigned.inputs[0].non_witness_utxo = None;
    unsigned.inputs[0].witness_utxo = Some(TxOut {
        value: Amount::from_sat(1_000),
        script_pubkey: Script::from_bytes([&[0x51, 0x20][..], &[2; 32]].concat()),
    });
    unsigned.inputs[1].witness_utxo = unsigned.inputs[0].witness_utxo.clone();
    let secret = SecretKey::from_byte_array([1; 32]).unwrap();
    assert_eq!(unsigned.sign(&[secret], Nonces::Rfc6979), Ok(0));
}

#[test]
fn partial_signatures_are_checked_as_core_checks_them() {
    // Core refuses a PSBT_IN_PARTIAL_SIG record whose key is no public key, or whose
    // signature is empty or fails `CheckSignatureEncoding` under DERSIG and STRICTENC.
    let combined = psbt_hex("combined");
    let (pk, sig) = combined.inputs[0].partial_sigs.iter().next().unwrap();
    let with_record = |pk: &[u8], sig: &[u8]| {
        let mut psbt = combined.clone();
        psbt.inputs[0]
            .partial_sigs
            .insert(pk.to_vec(), sig.to_vec());
        Psbt::deserialize(&psbt.serialize())
    };
    let replaced = |at: usize, byte: u8| {
        let mut s = sig.clone();
        s[at] = byte;
        s
    };
    let last = sig.len() - 1;
    // The vector's own signature, and the same with other defined sighash bytes.
    assert!(with_record(pk, sig).is_ok());
    for defined in [0x02, 0x03, 0x81, 0x83] {
        assert!(
            with_record(pk, &replaced(last, defined)).is_ok(),
            "{defined:#04x}"
        );
    }
    // Not DER: the sequence tag is not 0x30.
    assert_eq!(
        with_record(pk, &replaced(0, 0x31)),
        Err(Error::InvalidPartialSig(ScriptError::SigDer))
    );
    // DER, but sighash bytes that name no type.
    for undefined in [0x00, 0x04, 0x80, 0x84, 0xff] {
        assert_eq!(
            with_record(pk, &replaced(last, undefined)),
            Err(Error::InvalidPartialSig(ScriptError::SigHashtype)),
            "{undefined:#04x}"
        );
    }
    assert_eq!(with_record(pk, &[]), Err(Error::EmptyPartialSig));
    // Keys of the right length that are no public key: no point has x = 5, and a 33-byte
    // key cannot start with 0x04.
    let off_curve = [&[0x02][..], &OFF_CURVE].concat();
    assert_eq!(
        with_record(&off_curve, sig),
        Err(Error::InvalidPublicKey(0x02))
    );
    let mut wrong_prefix = pk.clone();
    wrong_prefix[0] = 0x04;
    assert_eq!(
        with_record(&wrong_prefix, sig),
        Err(Error::InvalidPublicKey(0x02))
    );
    assert_eq!(
        Error::InvalidPartialSig(ScriptError::SigDer).to_string(),
        "invalid partial signature: non-canonical DER signature"
    );
}

#[test]
fn global_extended_keys_as_core_keeps_them() {
    // Core checks an extended key's public key and, at depth 0, that it names no parent
    // or child; keys them by origin (fingerprint, shorter paths first, then path); and
    // within one origin counts two keys with the same public key and chain code as one.
    let xpub = |version: u8, depth: u8, child: u8, key: [u8; 33]| -> Vec<u8> {
        [
            &[0x04, 0x35, 0x87, version][..],
            &[depth],
            &[0; 4],
            &[0, 0, 0, child],
            &[0x11; 32],
            &key,
        ]
        .concat()
    };
    let origin = |path: &[u32]| -> Vec<u8> {
        let mut v = vec![0xaa; 4];
        for step in path {
            v.extend_from_slice(&step.to_le_bytes());
        }
        v
    };
    let record = |xpub: &[u8]| [&[0x01][..], xpub].concat();
    let mut psbt = psbt_hex("created");
    // Depth 1 with a path of two steps: Core does not compare them.
    psbt.unknown
        .insert(record(&xpub(0xcf, 1, 1, point(1))), origin(&[1, 2]));
    psbt.unknown
        .insert(record(&xpub(0xcf, 1, 1, point(2))), origin(&[9]));
    // The same key and chain code as the first, another version, same origin: one.
    psbt.unknown
        .insert(record(&xpub(0xd0, 1, 1, point(1))), origin(&[1, 2]));
    let parsed = Psbt::deserialize(&psbt.serialize()).unwrap();
    assert_eq!(parsed.xpubs.len(), 2);
    let written: Vec<Vec<u8>> = keys_of(&parsed.serialize(), 0)
        .into_iter()
        .filter(|k| k[0] == 0x01)
        .collect();
    // The shorter path [9] before [1, 2]; the first read of the twins stays.
    assert_eq!(
        written,
        [
            record(&xpub(0xcf, 1, 1, point(2))),
            record(&xpub(0xcf, 1, 1, point(1)))
        ]
    );
    // A master key with a child number is no key to Core.
    let mut orphan = psbt_hex("created");
    orphan
        .unknown
        .insert(record(&xpub(0xcf, 0, 1, point(1))), origin(&[]));
    assert_eq!(
        Psbt::deserialize(&orphan.serialize()),
        Err(Error::InvalidPublicKey(0x01))
    );
}

#[test]
fn what_core_refuses_and_accepts_beyond_the_bips_vectors() {
    let created = psbt_hex("created");
    let with = |map: usize, key: Vec<u8>, value: Vec<u8>| {
        let mut psbt = created.clone();
        match map {
            0 => psbt.unknown.insert(key, value),
            1 => psbt.inputs[0].unknown.insert(key, value),
            _ => psbt.outputs[0].unknown.insert(key, value),
        };
        Psbt::deserialize(&psbt.serialize())
    };
    // PSBT version 2's fields, in a version 0 PSBT.
    assert_eq!(
        with(0, vec![0x02], vec![2, 0, 0, 0]),
        Err(Error::Version2Field(0x02))
    );
    assert_eq!(
        with(1, vec![0x10], vec![0; 4]),
        Err(Error::Version2Field(0x10))
    );
    assert_eq!(
        with(2, vec![0x03], vec![0; 8]),
        Err(Error::Version2Field(0x03))
    );
    // Key types are CompactSizes: canonical, at most 2^25.
    for bad in [vec![0xfd, 0x10, 0x00], vec![0xfd], vec![0xfe, 1, 0, 0, 2]] {
        assert_eq!(
            with(1, bad.clone(), vec![]),
            Err(Error::InvalidKeyType(bad))
        );
    }
    let long_type = with(1, vec![0xfd, 0x00, 0x01, 0xaa], vec![1]).unwrap();
    assert_eq!(long_type.inputs[0].unknown.len(), 1);
    // A proprietary key needs its identifier and subtype.
    assert!(with(2, vec![0xfc, 0x00, 0x00], vec![]).is_ok());
    for bad in [
        vec![0xfc],
        vec![0xfc, 0x02, b'a'],
        vec![0xfc, 0x00, 0xfd, 0x01],
    ] {
        assert_eq!(
            with(2, bad.clone(), vec![]),
            Err(Error::InvalidProprietaryKey(bad))
        );
    }
    // A preimage that does not hash to its key: Core does not check.
    let parsed = with(1, [&[0x0b][..], &[0; 32]].concat(), b"abc".to_vec()).unwrap();
    let (hash, preimage) = parsed.inputs[0].preimages.iter().next().unwrap();
    assert!(!hash.matches(preimage));
    assert!(PreimageHash::Sha256(sou_primitives::hashes::sha256(b"abc")).matches(b"abc"));
}
