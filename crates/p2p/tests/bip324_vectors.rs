//! BIP324's test vectors: packet encoding (keys, session id, garbage terminators and the
//! ciphertext of a numbered packet), and the ElligatorSwift vectors that libsecp256k1's
//! public API can check (decoding, the forward map of the inverse vectors, the x-only
//! ECDH). The files and their origin are in `testdata/README.md`.

#![allow(clippy::unwrap_used, reason = "test: a panic is a failed test")]

use secp256k1::ellswift::ElligatorSwift;
use secp256k1::{PublicKey, Secp256k1, SecretKey};
use sou_p2p::v2::{ecdh_secret, Bip324Cipher, EXPANSION};

/// Mainnet's message start: the vectors' HKDF salt.
const MAINNET_MAGIC: [u8; 4] = [0xf9, 0xbe, 0xb4, 0xd9];

/// A CSV file's rows as maps from column name to field.
fn rows(file: &str) -> Vec<std::collections::HashMap<String, String>> {
    let text = sou_testdata::read_to_string(file);
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    lines
        .map(|line| {
            let fields: Vec<&str> = line.split(',').collect();
            assert_eq!(fields.len(), header.len(), "{file}: {line:.40}");
            header
                .iter()
                .zip(fields)
                .map(|(name, field)| (name.to_string(), field.to_string()))
                .collect()
        })
        .collect()
}

fn bytes<const N: usize>(hex_text: &str) -> [u8; N] {
    hex::decode(hex_text).unwrap().try_into().unwrap()
}

#[test]
fn packet_encoding_vectors() {
    let rows = rows("bip324/packet_encoding_test_vectors.csv");
    assert_eq!(rows.len(), 7, "rows");
    for (number, row) in rows.iter().enumerate() {
        let name = format!("row {number} (in_idx {})", row["in_idx"]);
        let secret_key = SecretKey::from_byte_array(bytes(&row["in_priv_ours"])).unwrap();
        let ours: [u8; 64] = bytes(&row["in_ellswift_ours"]);
        let theirs: [u8; 64] = bytes(&row["in_ellswift_theirs"]);
        let initiating = &row["in_initiating"] == "1";
        let mut cipher = Bip324Cipher::new(&secret_key, &ours, &theirs, initiating, MAINNET_MAGIC);
        assert_eq!(
            hex::encode(cipher.session_id()),
            row["out_session_id"],
            "{name}: session id"
        );
        assert_eq!(
            hex::encode(cipher.send_garbage_terminator()),
            row["mid_send_garbage_terminator"],
            "{name}: send terminator"
        );
        assert_eq!(
            hex::encode(cipher.recv_garbage_terminator()),
            row["mid_recv_garbage_terminator"],
            "{name}: receive terminator"
        );

        // Move to the numbered packet with empty decoys, as Core's test does.
        let index: u32 = row["in_idx"].parse().unwrap();
        let dummies: Vec<Vec<u8>> = (0..index).map(|_| cipher.encrypt(&[], &[], true)).collect();
        let multiply: usize = row["in_multiply"].parse().unwrap();
        let contents = hex::decode(&row["in_contents"]).unwrap().repeat(multiply);
        let aad = hex::decode(&row["in_aad"]).unwrap();
        let ignore = &row["in_ignore"] == "1";
        let ciphertext = cipher.encrypt(&contents, &aad, ignore);
        assert_eq!(ciphertext.len(), contents.len() + EXPANSION, "{name}");
        if row["out_ciphertext"].is_empty() {
            let tail = hex::decode(&row["out_ciphertext_endswith"]).unwrap();
            assert!(ciphertext.ends_with(&tail), "{name}: ciphertext ends with");
        } else {
            assert_eq!(
                hex::encode(&ciphertext),
                row["out_ciphertext"],
                "{name}: ciphertext"
            );
        }

        // The peer (same secret, other role) opens it, after the decoys.
        let secret = ecdh_secret(&secret_key, &ours, &theirs, initiating);
        let mut peer = Bip324Cipher::from_shared_secret(&secret, !initiating, MAINNET_MAGIC);
        assert_eq!(peer.session_id(), cipher.session_id());
        assert_eq!(
            peer.recv_garbage_terminator(),
            cipher.send_garbage_terminator()
        );
        for dummy in &dummies {
            assert_eq!(peer.decrypt_length(dummy[..3].try_into().unwrap()), 0);
            assert_eq!(peer.decrypt(&dummy[3..], &[]), Ok((true, Vec::new())));
        }
        let mut tampered_peer =
            Bip324Cipher::from_shared_secret(&secret, !initiating, MAINNET_MAGIC);
        for dummy in &dummies {
            tampered_peer.decrypt_length(dummy[..3].try_into().unwrap());
            tampered_peer.decrypt(&dummy[3..], &[]).unwrap();
        }
        let length = peer.decrypt_length(ciphertext[..3].try_into().unwrap());
        assert_eq!(length as usize, contents.len(), "{name}: length");
        assert_eq!(
            peer.decrypt(&ciphertext[3..], &aad),
            Ok((ignore, contents.clone())),
            "{name}: decrypt"
        );
        // One bit changed in the sealed part: refused.
        let mut damaged = ciphertext[3..].to_vec();
        let middle = damaged.len() / 2;
        damaged[middle] ^= 1;
        tampered_peer.decrypt_length(ciphertext[..3].try_into().unwrap());
        assert!(
            tampered_peer.decrypt(&damaged, &aad).is_err(),
            "{name}: damaged"
        );
    }
}

#[test]
fn ellswift_decode_vectors() {
    let rows = rows("bip324/ellswift_decode_test_vectors.csv");
    assert_eq!(rows.len(), 76, "rows");
    for (number, row) in rows.iter().enumerate() {
        let key = PublicKey::from_ellswift(ElligatorSwift::from_array(bytes(&row["ellswift"])));
        let serialized = key.serialize();
        assert_eq!(hex::encode(&serialized[1..]), row["x"], "row {number}: x");
        let odd = serialized[0] == 0x03;
        assert_eq!(odd, &row["odd_y"] == "1", "row {number}: y parity");
    }
}

/// The inverse map (x to encodings) is not public in libsecp256k1; each listed encoding
/// `u || t` must decode back to `x`, the forward direction.
#[test]
fn xswiftec_inverse_vectors_decode_forward() {
    let rows = rows("bip324/xswiftec_inv_test_vectors.csv");
    assert_eq!(rows.len(), 32, "rows");
    let mut checked = 0;
    for (number, row) in rows.iter().enumerate() {
        for case in 0..8 {
            let t = &row[&format!("case{case}_t")];
            if t.is_empty() {
                continue;
            }
            let encoding: [u8; 64] = bytes(&format!("{}{t}", row["u"]));
            let key = PublicKey::from_ellswift(ElligatorSwift::from_array(encoding));
            assert_eq!(
                hex::encode(&key.serialize()[1..]),
                row["x"],
                "row {number} case {case}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 98, "encodings checked");
}

#[test]
fn ellswift_xdh_vectors() {
    let rows = rows("bip324/ellswift_xdh_test_vectors.csv");
    assert_eq!(rows.len(), 7, "rows");
    for (number, row) in rows.iter().enumerate() {
        let secret_key = SecretKey::from_byte_array(bytes(&row["priv_ours"])).unwrap();
        let secret = ecdh_secret(
            &secret_key,
            &bytes(&row["ellswift_ours"]),
            &bytes(&row["ellswift_theirs"]),
            &row["initiating"] == "1",
        );
        assert_eq!(hex::encode(secret), row["shared_secret"], "row {number}");
    }
}

/// Our ElligatorSwift encodings decode to our public key (libsecp256k1 round trip).
#[test]
fn our_encodings_decode_to_our_key() {
    let secp = Secp256k1::new();
    for byte in 1..=8u8 {
        let secret_key = SecretKey::from_byte_array([byte; 32]).unwrap();
        let encoding = ElligatorSwift::from_seckey(&secp, secret_key, Some([byte; 32]));
        assert_eq!(
            PublicKey::from_ellswift(encoding),
            PublicKey::from_secret_key(&secp, &secret_key)
        );
    }
}
