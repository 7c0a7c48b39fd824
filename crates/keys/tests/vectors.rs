//! sou-keys against the BIPs' and Bitcoin Core's vectors in `testdata/`: every
//! entry of every file, each failure naming its row, counts asserted.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers: a panic is a failed test with its message"
)]

use serde_json::Value;
use sou_keys::bech32::{self, Variant};
use sou_keys::bip32::{self, ChildNumber, DerivationPath, Extended, Xpriv};
use sou_keys::bip39::{Language, Mnemonic};
use sou_keys::taproot::{
    tap_leaf_hash, tap_tweak_hash, tweak_public_key, ControlBlock, TapNodeHash, TapTree,
};
use sou_keys::{
    base58, schnorr, Address, Error, NetworkKind, PrivateKey, SecretKey, XOnlyPublicKey,
};
use sou_primitives::{Network, Script};
use sou_testdata::json;

fn chain(name: &str) -> Network {
    match name {
        "main" => Network::Mainnet,
        "testnet4" => Network::Testnet4,
        "signet" => Network::Signet,
        "regtest" => Network::Regtest,
        other => panic!("unknown chain {other}"),
    }
}

#[test]
fn base58_encode_decode() {
    let rows = json("core/base58_encode_decode.json");
    let rows = rows.as_array().unwrap();
    for row in rows {
        let bytes = hex::decode(row[0].as_str().unwrap()).unwrap();
        let text = row[1].as_str().unwrap();
        assert_eq!(base58::encode(&bytes), text, "{row}");
        assert_eq!(base58::decode(text).unwrap(), bytes, "{row}");
    }
    assert_eq!(rows.len(), 21);
}

#[test]
fn key_io_valid() {
    let rows = json("core/key_io_valid.json");
    let rows = rows.as_array().unwrap();
    for row in rows {
        let (s, expected, meta) = (row[0].as_str().unwrap(), row[1].as_str().unwrap(), &row[2]);
        let network = chain(meta["chain"].as_str().unwrap());
        let params = network.params();
        if meta["isPrivkey"].as_bool().unwrap() {
            let key = PrivateKey::from_wif(s, params).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(hex::encode(key.secret.secret_bytes()), expected, "{s}");
            assert_eq!(
                key.compressed,
                meta["isCompressed"].as_bool().unwrap(),
                "{s}"
            );
            assert_eq!(key.to_wif(), s, "{s}: re-encoding");
            assert!(
                Address::parse(s, network).is_err(),
                "{s}: a key is not an address"
            );
        } else {
            let address = Address::parse(s, network).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(
                hex::encode(address.script_pubkey().as_bytes()),
                expected,
                "{s}"
            );
            assert_eq!(address.to_string(), s, "{s}: re-encoding");
            let script = Script::from_bytes(hex::decode(expected).unwrap());
            assert_eq!(
                Address::from_script(&script, network).unwrap(),
                address,
                "{s}: from script"
            );
            if meta["tryCaseFlip"].as_bool() == Some(true) {
                let flipped: String = s
                    .chars()
                    .map(|c| {
                        if c.is_ascii_lowercase() {
                            c.to_ascii_uppercase()
                        } else {
                            c.to_ascii_lowercase()
                        }
                    })
                    .collect();
                assert_eq!(
                    Address::parse(&flipped, network).unwrap(),
                    address,
                    "{flipped}"
                );
            }
            assert!(
                PrivateKey::from_wif(s, params).is_err(),
                "{s}: an address is not a key"
            );
        }
    }
    assert_eq!(rows.len(), 70);
}

#[test]
fn key_io_invalid() {
    let rows = json("core/key_io_invalid.json");
    let rows = rows.as_array().unwrap();
    for row in rows {
        let s = row[0].as_str().unwrap();
        for network in [
            Network::Mainnet,
            Network::Testnet4,
            Network::Signet,
            Network::Regtest,
        ] {
            assert!(
                Address::parse(s, network).is_err(),
                "{s} parsed as an address on {network}"
            );
            assert!(
                PrivateKey::from_wif(s, network.params()).is_err(),
                "{s} parsed as a key on {network}"
            );
        }
    }
    assert_eq!(rows.len(), 70);
}

#[test]
fn bech32_checksums() {
    let v = json("bech32/bech32_vectors.json");
    let mut counted = 0;
    for (list, variant) in [
        ("bech32_valid", Variant::Bech32),
        ("bech32m_valid", Variant::Bech32m),
    ] {
        for entry in v[list].as_array().unwrap() {
            let s = entry["string"].as_str().unwrap();
            let decoded = bech32::decode(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            // No string is valid in both encodings: the variant found is the only one.
            assert_eq!(decoded.variant, variant, "{s}");
            counted += 1;
        }
    }
    for list in ["bech32_invalid", "bech32m_invalid"] {
        for entry in v[list].as_array().unwrap() {
            let bytes = hex::decode(entry["string_hex"].as_str().unwrap()).unwrap();
            assert!(bech32::decode_bytes(&bytes).is_err(), "{entry} decoded");
            counted += 1;
        }
    }
    assert_eq!(counted, 7 + 7 + 12 + 14);
}

fn network_for(address: &str) -> Network {
    if address.to_ascii_lowercase().starts_with("tb1") {
        Network::Testnet3
    } else {
        Network::Mainnet
    }
}

/// The error each BIP350 reason must produce.
fn expected_error(reason: &str, err: &Error) -> bool {
    match reason {
        "Invalid human-readable part" => matches!(err, Error::WrongHrp { .. }),
        r if r.starts_with("Invalid checksum (") => {
            matches!(err, Error::WrongChecksumVariant { .. })
        }
        "Invalid checksum" => matches!(err, Error::Bech32Checksum),
        "Invalid character in checksum" => matches!(err, Error::Bech32InvalidCharacter { .. }),
        "Invalid witness version" => matches!(err, Error::InvalidWitnessVersion { .. }),
        r if r.starts_with("Invalid program length") => {
            matches!(err, Error::InvalidWitnessProgramLength { .. })
        }
        "Mixed case" => matches!(err, Error::Bech32MixedCase),
        "zero padding of more than 4 bits" | "Non-zero padding in 8-to-5 conversion" => {
            matches!(err, Error::Bech32InvalidPadding)
        }
        "Empty data section" => matches!(err, Error::Bech32EmptyData),
        other => panic!("reason not mapped: {other}"),
    }
}

#[test]
fn segwit_addresses() {
    let v = json("bech32/bech32_vectors.json");
    let mut counted = 0;
    for list in ["segwit_valid", "bip173_segwit_valid"] {
        for entry in v[list].as_array().unwrap() {
            let s = entry["address"].as_str().unwrap();
            let result = Address::parse(s, network_for(s));
            if entry["valid_under_bip350"].as_bool() == Some(false) {
                assert!(
                    matches!(result, Err(Error::WrongChecksumVariant { .. })),
                    "{s}: Bech32 for version 1+ must be refused, got {result:?}"
                );
            } else {
                let address = result.unwrap_or_else(|e| panic!("{s}: {e}"));
                assert_eq!(
                    hex::encode(address.script_pubkey().as_bytes()),
                    entry["scriptPubKey"].as_str().unwrap(),
                    "{s}"
                );
                assert_eq!(address.to_string(), s.to_ascii_lowercase(), "{s}");
            }
            counted += 1;
        }
    }
    for list in ["segwit_invalid", "bip173_segwit_invalid"] {
        for entry in v[list].as_array().unwrap() {
            let s = entry["address"].as_str().unwrap();
            let reason = entry["reason"].as_str().unwrap();
            for network in [Network::Mainnet, Network::Testnet3] {
                assert!(
                    Address::parse(s, network).is_err(),
                    "{s} accepted on {network}"
                );
            }
            let err = Address::parse(s, network_for(s)).unwrap_err();
            assert!(expected_error(reason, &err), "{s}: {reason:?} gave {err:?}");
            counted += 1;
        }
    }
    assert_eq!(counted, 8 + 6 + 15 + 10);
}

#[test]
fn bip32_derivations() {
    let v = json("bip32/bip32_vectors.json");
    let mut chains = 0;
    for vector in v["valid"].as_array().unwrap() {
        let seed = hex::decode(vector["seed_hex"].as_str().unwrap()).unwrap();
        let master = Xpriv::new_master(NetworkKind::Main, &seed).unwrap();
        for c in vector["chains"].as_array().unwrap() {
            let path_text = c["path"].as_str().unwrap();
            let steps: Vec<ChildNumber> = c["path_indices"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| ChildNumber::from_u32(u32::try_from(i.as_u64().unwrap()).unwrap()))
                .collect();
            let path = DerivationPath::from(steps.clone());
            assert_eq!(
                path_text.parse::<DerivationPath>().unwrap(),
                path,
                "{path_text}"
            );
            let xprv = master.derive_path(&path).unwrap();
            assert_eq!(
                xprv.to_string(),
                c["ext_prv"].as_str().unwrap(),
                "{path_text}"
            );
            assert_eq!(
                xprv.to_xpub().to_string(),
                c["ext_pub"].as_str().unwrap(),
                "{path_text}"
            );
            assert_eq!(
                c["ext_prv"].as_str().unwrap().parse::<Xpriv>().unwrap(),
                xprv
            );
            // Where the last step is normal, the parent xpub derives the same child.
            if let Some((last, parent_steps)) = steps.split_last() {
                let parent = master
                    .derive_path(&DerivationPath::from(parent_steps.to_vec()))
                    .unwrap();
                let from_public = parent.to_xpub().derive_child(*last);
                if last.is_hardened() {
                    assert!(matches!(from_public, Err(Error::HardenedFromPublic { .. })));
                } else {
                    assert_eq!(
                        from_public.unwrap().to_string(),
                        c["ext_pub"].as_str().unwrap()
                    );
                }
            }
            chains += 1;
        }
    }
    assert_eq!(chains, 17);

    let invalid = v["invalid"].as_array().unwrap();
    for entry in invalid {
        let key = entry["key"].as_str().unwrap();
        let reason = entry["reason"].as_str().unwrap();
        let err = bip32::decode_extended(key).unwrap_err();
        let expected = match reason {
            "pubkey version / prvkey mismatch" | "prvkey version / pubkey mismatch" => {
                matches!(err, Error::ExtendedKeyPrefixMismatch { .. })
            }
            r if r.starts_with("invalid pubkey prefix")
                || r.starts_with("invalid prvkey prefix") =>
            {
                matches!(err, Error::ExtendedKeyPrefixMismatch { .. })
            }
            r if r.starts_with("invalid pubkey 02") => matches!(err, Error::InvalidPublicKey),
            r if r.starts_with("private key") => matches!(err, Error::InvalidSecretKey),
            "unknown extended key version" => {
                matches!(err, Error::UnknownExtendedKeyVersion { .. })
            }
            "zero depth with non-zero parent fingerprint" => {
                matches!(err, Error::ZeroDepthWithParent)
            }
            "zero depth with non-zero index" => matches!(err, Error::ZeroDepthWithIndex),
            "invalid checksum" => matches!(err, Error::Base58Checksum),
            other => panic!("reason not mapped: {other}"),
        };
        assert!(expected, "{key}: {reason:?} gave {err:?}");
        let _ = Extended::Private; // the enum is part of the API under test
    }
    assert_eq!(invalid.len(), 16);
}

#[test]
fn bip39_english_and_french() {
    let v = json("bip39/vectors.json");
    for (name, language) in [("english", Language::English), ("french", Language::French)] {
        let rows = v[name].as_array().unwrap();
        for row in rows {
            let entropy = hex::decode(row[0].as_str().unwrap()).unwrap();
            let phrase = row[1].as_str().unwrap();
            let mnemonic = Mnemonic::from_entropy(&entropy, language).unwrap();
            assert_eq!(mnemonic.phrase().as_str(), phrase, "{name} {}", row[0]);
            let parsed = Mnemonic::parse_in(language, phrase).unwrap();
            assert_eq!(parsed.entropy(), entropy.as_slice(), "{phrase}");
            let seed = mnemonic.to_seed("TREZOR");
            assert_eq!(
                hex::encode(seed.as_bytes()),
                row[2].as_str().unwrap(),
                "{phrase}"
            );
            let master = Xpriv::new_master(NetworkKind::Main, seed.as_bytes()).unwrap();
            assert_eq!(master.to_string(), row[3].as_str().unwrap(), "{phrase}");
        }
        assert_eq!(rows.len(), 24, "{name}");
    }
}

#[test]
fn bip340_sign_and_verify() {
    let text = sou_testdata::read_to_string("bip340/test-vectors.csv");
    let mut rows = 0;
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.trim_end_matches('\r').split(',').collect();
        let (index, secret, public, aux, msg, sig, ok) =
            (f[0], f[1], f[2], f[3], f[4], f[5], f[6] == "TRUE");
        let msg = hex::decode(msg).unwrap();
        let sig_bytes: [u8; 64] = hex::decode(sig).unwrap().try_into().unwrap();
        if !secret.is_empty() {
            let key = SecretKey::from_slice(&hex::decode(secret).unwrap()).unwrap();
            let keypair = key.keypair();
            assert_eq!(
                hex::encode_upper(keypair.x_only_public_key().0.serialize()),
                public,
                "row {index}"
            );
            let aux: [u8; 32] = hex::decode(aux).unwrap().try_into().unwrap();
            let made = schnorr::sign(&msg, &keypair, &aux);
            assert_eq!(made.to_byte_array(), sig_bytes, "row {index}: signature");
        }
        let verdict =
            XOnlyPublicKey::from_byte_array(hex::decode(public).unwrap().try_into().unwrap())
                .map(|pk| {
                    schnorr::verify(&schnorr::Signature::from_byte_array(sig_bytes), &msg, &pk)
                        .is_ok()
                })
                .unwrap_or(false);
        assert_eq!(verdict, ok, "row {index}: verification");
        rows += 1;
    }
    assert_eq!(rows, 19);
}

fn tree_from_json(node: &Value) -> TapTree {
    match node {
        Value::Array(children) => {
            assert_eq!(children.len(), 2);
            TapTree::Branch(
                Box::new(tree_from_json(&children[0])),
                Box::new(tree_from_json(&children[1])),
            )
        }
        leaf => TapTree::Leaf {
            version: u8::try_from(leaf["leafVersion"].as_u64().unwrap()).unwrap(),
            script: Script::from_bytes(hex::decode(leaf["script"].as_str().unwrap()).unwrap()),
        },
    }
}

#[test]
fn bip341_script_pubkeys() {
    let v = json("bip341/wallet-test-vectors.json");
    let cases = v["scriptPubKey"].as_array().unwrap();
    for (i, case) in cases.iter().enumerate() {
        let given = &case["given"];
        let inter = &case["intermediary"];
        let expected = &case["expected"];
        let internal = XOnlyPublicKey::from_byte_array(
            hex::decode(given["internalPubkey"].as_str().unwrap())
                .unwrap()
                .try_into()
                .unwrap(),
        )
        .unwrap();
        let tree = (!given["scriptTree"].is_null()).then(|| tree_from_json(&given["scriptTree"]));
        let root = tree.as_ref().map(TapTree::merkle_root);
        match &inter["merkleRoot"] {
            Value::Null => assert!(root.is_none(), "case {i}"),
            r => assert_eq!(
                hex::encode(root.unwrap().0),
                r.as_str().unwrap(),
                "case {i}: merkle root"
            ),
        }
        if let (Some(tree), Some(hashes)) = (&tree, inter["leafHashes"].as_array()) {
            let leaves = tree.leaves();
            assert_eq!(leaves.len(), hashes.len(), "case {i}");
            for (leaf, h) in leaves.iter().zip(hashes) {
                assert_eq!(
                    hex::encode(tap_leaf_hash(leaf.version, &leaf.script).0),
                    h.as_str().unwrap(),
                    "case {i}"
                );
            }
        }
        assert_eq!(
            hex::encode(tap_tweak_hash(&internal, root.as_ref())),
            inter["tweak"].as_str().unwrap(),
            "case {i}"
        );
        let (output_key, _) = tweak_public_key(&internal, root.as_ref()).unwrap();
        assert_eq!(
            hex::encode(output_key.serialize()),
            inter["tweakedPubkey"].as_str().unwrap(),
            "case {i}"
        );
        let address = Address::p2tr(&internal, root.as_ref(), Network::Mainnet).unwrap();
        assert_eq!(
            hex::encode(address.script_pubkey().as_bytes()),
            expected["scriptPubKey"].as_str().unwrap(),
            "case {i}"
        );
        assert_eq!(
            address.to_string(),
            expected["bip350Address"].as_str().unwrap(),
            "case {i}"
        );
        if let (Some(tree), Some(blocks)) = (&tree, expected["scriptPathControlBlocks"].as_array())
        {
            let made = ControlBlock::for_tree(&internal, tree).unwrap();
            assert_eq!(made.len(), blocks.len(), "case {i}");
            for (cb, want) in made.iter().zip(blocks) {
                let want = want.as_str().unwrap();
                assert_eq!(hex::encode(cb.serialize()), want, "case {i}: control block");
                assert_eq!(
                    ControlBlock::parse(&hex::decode(want).unwrap()).unwrap(),
                    *cb,
                    "case {i}"
                );
            }
        }
        let _: Option<TapNodeHash> = root;
    }
    assert_eq!(cases.len(), 7);
}
