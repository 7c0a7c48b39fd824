//! The BIPs' test vectors, every one: BIP174's invalid PSBTs are refused (seven for the
//! exact reason), the valid ones round-trip byte for byte in binary and Base64 (two come
//! back as Core writes them, their non-witness UTXOs without witnesses), the four "fails
//! signer checks" cases parse but stop the signer; BIP371's taproot vectors likewise; and
//! RFC 4648's Base64 examples.

use sou_keys::SecretKey;
use sou_wallet::psbt::{base64, Error, Nonces, Psbt};

use crate::{rows, INVALID, VALID, VALID_AS_CORE_WRITES};

#[test]
fn invalid_psbts_are_refused() {
    let mut count = 0;
    for row in rows(INVALID) {
        let (title, b64) = (row[0], row[1]);
        let result = Psbt::from_base64(b64);
        assert!(result.is_err(), "{title}: parsed as {result:?}");
        count += 1;
    }
    assert_eq!(count, 19);
}

#[test]
fn valid_psbts_round_trip() {
    let (mut valid, mut signer_fails, mut rewritten) = (0, 0, 0);
    for row in rows(VALID) {
        let (kind, title, b64) = (row[0], row[1], row[2]);
        let psbt = Psbt::from_base64(b64).unwrap_or_else(|e| panic!("{title}: {e}"));
        // What Core writes: the vector itself, or for two of them the same PSBT with its
        // non-witness UTXO in the legacy form.
        let as_core_writes = rows(VALID_AS_CORE_WRITES).find(|r| r[0] == title);
        match as_core_writes {
            None => {
                assert_eq!(psbt.to_base64(), b64, "{title}");
                assert_eq!(
                    Psbt::deserialize(&psbt.serialize()).unwrap(),
                    psbt,
                    "{title}"
                );
            }
            Some(core) => {
                assert_eq!(psbt.to_base64(), core[1], "{title}");
                let utxo = psbt.inputs[0].non_witness_utxo.as_ref().unwrap();
                assert!(utxo.input.iter().any(|i| !i.witness.is_empty()), "{title}");
                // Written once, the PSBT then passes through unchanged.
                let again = Psbt::from_base64(core[1]).unwrap();
                assert_eq!(again.to_base64(), core[1], "{title}");
                rewritten += 1;
            }
        }
        match kind {
            "valid" => valid += 1,
            "signer-fails" => {
                // A signer checks the scripts before signing anything, whatever its keys.
                assert!(psbt.check_inputs().is_err(), "{title}");
                let mut copy = psbt.clone();
                let key = SecretKey::from_byte_array([1; 32]).unwrap();
                assert!(copy.sign(&[key], Nonces::Rfc6979).is_err(), "{title}");
                signer_fails += 1;
            }
            other => panic!("unknown kind {other}"),
        }
    }
    assert_eq!((valid, signer_fails, rewritten), (10, 4, 2));
}

#[test]
fn the_specific_refusals() {
    let reasons: Vec<(String, Error)> = rows(INVALID)
        .map(|r| (r[0].to_string(), Psbt::from_base64(r[1]).unwrap_err()))
        .collect();
    let reason = |title: &str| &reasons.iter().find(|(t, _)| t == title).unwrap().1;
    assert_eq!(
        *reason("Network transaction, not PSBT format"),
        Error::BadMagic
    );
    assert!(matches!(
        reason("PSBT missing outputs"),
        Error::MapCount {
            what: "outputs",
            ..
        }
    ));
    assert_eq!(
        *reason("PSBT where one input has a filled scriptSig in the unsigned tx"),
        Error::UnsignedTxHasScripts
    );
    assert_eq!(
        *reason("PSBT where inputs and outputs are provided but without an unsigned tx"),
        Error::MissingUnsignedTx
    );
    assert!(matches!(
        reason("PSBT with duplicate keys in an input"),
        Error::DuplicateKey(_)
    ));
    assert!(matches!(
        reason("PSBT with invalid global transaction typed key"),
        Error::InvalidKey {
            key_type: 0,
            len: 2
        }
    ));
    assert!(matches!(
        reason("PSBT with invalid input sighash type typed key"),
        Error::InvalidKey {
            key_type: 3,
            len: 2
        }
    ));
}

#[test]
fn base64_matches_rfc4648() {
    for (plain, encoded) in [
        ("", ""),
        ("f", "Zg=="),
        ("fo", "Zm8="),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="),
        ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ] {
        assert_eq!(base64::encode(plain.as_bytes()), encoded);
        assert_eq!(base64::decode(encoded).unwrap(), plain.as_bytes());
    }
    for bad in ["Zg=", "Zg==Zg==", "Z===", "Zm9v!A==", "Zm9"] {
        assert_eq!(base64::decode(bad), None, "{bad}");
    }
}

#[test]
fn bip371_taproot_fields() {
    let (mut invalid, mut valid) = (0, 0);
    for row in rows(include_str!("../data/bip371.txt")) {
        let (kind, title, data) = (row[0], row[1], row[2]);
        let bytes = match data.split_once(':') {
            Some(("b64", b)) => base64::decode(b).unwrap(),
            Some(("hex", h)) => hex::decode(h).unwrap(),
            _ => panic!("{title}: unknown encoding"),
        };
        match kind {
            "invalid" => {
                assert!(Psbt::deserialize(&bytes).is_err(), "{title}");
                invalid += 1;
            }
            "valid" => {
                let psbt = Psbt::deserialize(&bytes).unwrap_or_else(|e| panic!("{title}: {e}"));
                assert_eq!(
                    hex::encode(psbt.serialize()),
                    hex::encode(&bytes),
                    "{title}"
                );
                valid += 1;
            }
            other => panic!("unknown kind {other}"),
        }
    }
    assert_eq!((invalid, valid), (11, 6));
}
