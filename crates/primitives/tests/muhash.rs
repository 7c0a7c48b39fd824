//! MuHash3072 against Bitcoin Core: the vectors of Core's `muhash_tests`
//! (`src/test/crypto_tests.cpp`, Core v31.99), its randomised identities run on fixed
//! tables, and the empty set's hash as Core's `gettxoutsetinfo muhash` shows it.

#![allow(clippy::unwrap_used, reason = "test code")]

use sou_primitives::encoding::{deserialize, serialize};
use sou_primitives::hashes::muhash::MuHash3072;

/// Core's `FromInt(i)`: the set holding one 32-byte element, `i` followed by 31 zeros.
fn from_int(i: u8) -> MuHash3072 {
    let mut element = [0u8; 32];
    element[0] = i;
    let mut hash = MuHash3072::new();
    hash.insert(&element);
    hash
}

/// Hex of the bytes as Core's `uint256::GetHex` shows them: last byte first.
fn display_hex(bytes: [u8; 32]) -> String {
    let mut reversed = bytes;
    reversed.reverse();
    hex::encode(reversed)
}

/// Core's `uint256{"10d3..."}` literals are in display order (its consteval constructor
/// reads the string from the end, like `GetHex` writes it).
const ZERO_TIMES_ONE_OVER_TWO: &str =
    "10d312b100cbd32ada024a6646e40d3482fcff103668d2625f10002a607d5863";

#[test]
fn core_vector_multiply_then_divide() {
    // acc = FromInt(0); acc *= FromInt(1); acc /= FromInt(2);
    let mut acc = from_int(0);
    acc.combine(&from_int(1));
    acc.subtract(&from_int(2));
    assert_eq!(display_hex(acc.finalize()), ZERO_TIMES_ONE_OVER_TWO);
}

#[test]
fn core_vector_insert_then_remove() {
    // acc2 = FromInt(0); acc2.Insert({1, 0, ...}); acc2.Remove({2, 0, ...});
    let mut acc = from_int(0);
    let mut one = [0u8; 32];
    one[0] = 1;
    let mut two = [0u8; 32];
    two[0] = 2;
    acc.insert(&one).remove(&two);
    assert_eq!(display_hex(acc.finalize()), ZERO_TIMES_ONE_OVER_TWO);
}

/// The numerator of `FromInt(1) *= FromInt(2)`, 384 little-endian bytes, from Core's
/// `ser_exp`. The literal goes on with the denominator, one: `01` and 383 zero bytes.
const ONE_TIMES_TWO_NUMERATOR: &str = "1fa093295ea30a6a3acdc7b3f770fa538eff537528e990e2910e40bbcfd7f6696b1256901929094694b56316de342f593303dd12ac43e06dce1be1ff8301c845beb15468fff0ef002dbf80c29f26e6452bccc91b5cb9437ad410d2a67ea847887fa3c6a6553309946880fe20db2c73fe0641adbd4e86edfee0d9f8cd0ee1230898873dc13ed8ddcaf045c80faa082774279007a2253f8922ee3ef361d378a6af3ddaf180b190ac97e556888c36b3d1fb1c85aab9ccd46e3deaeb7b7cf5db067a7e9ff86b658cf3acd6662bbcce37232daa753c48b794356c020090c831a8304416e2aa7ad633c0ddb2f11be1be316a81be7f7e472071c042cb68faef549c221ebff209273638b741aba5a81675c45a5fa92fea4ca821d7a324cb1e1a2ccd3b76c4228ec8066dad2a5df6e1bd0de45c7dd5de8070bdb46db6c554cf9aefc9b7b2bbf9f75b1864d9f95005314593905c0109b71f703d49944ae94477b51dac10a816bb6d1c700bafabc8bd86fac8df24be519a2f2836b16392e18036cb13e48c5c";

fn denominator_one() -> String {
    format!("01{}", "00".repeat(383))
}

#[test]
fn core_vector_serialization_round_trip() {
    let mut product = from_int(1);
    product.combine(&from_int(2));
    let bytes = serialize(&product);
    assert_eq!(bytes.len(), MuHash3072::SERIALIZED_LEN);
    assert_eq!(
        hex::encode(&bytes),
        format!("{ONE_TIMES_TWO_NUMERATOR}{}", denominator_one())
    );
    // Deserialising gives back a state with the same hash.
    let decoded: MuHash3072 = deserialize(&bytes).unwrap();
    assert_eq!(decoded.finalize(), product.finalize());
    assert_eq!(serialize(&decoded), bytes);
}

#[test]
fn core_vector_numerator_above_the_modulus() {
    // A numerator of 2^3072 - 1 (every byte 0xff), larger than p: it is reduced before
    // use, to 2^3072 - 1 - p = 1103716. Core compares `HexStr(out4)`, the bytes in their
    // stored order (not reversed).
    let bytes = hex::decode(format!("{}{}", "ff".repeat(384), denominator_one())).unwrap();
    let overflowed: MuHash3072 = deserialize(&bytes).unwrap();
    assert_eq!(
        hex::encode(overflowed.finalize()),
        "3a31e6903aff0de9f62f9a9f7f8b861de76ce2cda09822b90014319ae5dc2271"
    );
    // Serialising keeps the unreduced value, as Core's does.
    assert_eq!(serialize(&overflowed), bytes);
}

#[test]
fn truncated_state_is_refused() {
    let bytes = serialize(&from_int(7));
    assert!(deserialize::<MuHash3072>(&bytes[..MuHash3072::SERIALIZED_LEN - 1]).is_err());
}

#[test]
fn empty_set_as_gettxoutsetinfo_shows_it() {
    // `bitcoin-cli -regtest gettxoutsetinfo muhash` on a fresh regtest node (only the
    // genesis block, whose coinbase never enters the UTXO set), Core v31.99.
    assert_eq!(
        display_hex(MuHash3072::new().finalize()),
        "dd5ad2a105c2d29495f577245c357409002329b9f4d6182c0af3dc2f462555c8"
    );
    // The same bytes: SHA-256 of the number one, 384 little-endian bytes.
    let mut one = [0u8; 384];
    one[0] = 1;
    assert_eq!(
        MuHash3072::new().finalize(),
        sou_primitives::hashes::sha256(&one)
    );
}

/// Core's first randomised identity on fixed tables instead of `m_rng`: four operations
/// (bit 2 chooses divide or multiply, bits 0-1 the element) give the same hash in the
/// four orders `table[i ^ order]`.
#[test]
fn core_identity_order_does_not_matter() {
    // A small linear congruential generator stands in for Core's test RNG.
    let mut state = 0x2545_f491_u32;
    let mut next = || {
        state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        u8::try_from((state >> 16) & 7).unwrap()
    };
    let mut checked = 0;
    for _ in 0..10 {
        let table = [next(), next(), next(), next()];
        let mut first = None;
        for order in 0..4 {
            let mut acc = MuHash3072::new();
            for i in 0..4 {
                let t = table[i ^ order];
                if t & 4 != 0 {
                    acc.subtract(&from_int(t & 3));
                } else {
                    acc.combine(&from_int(t & 3));
                }
            }
            let out = acc.finalize();
            match first {
                None => first = Some(out),
                Some(expected) => assert_eq!(out, expected, "table {table:?}, order {order}"),
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 40);
}

/// Core's second identity: z = X * Y / (Y * X) is the empty set.
#[test]
fn core_identity_product_over_itself_is_empty() {
    let empty = MuHash3072::new().finalize();
    for (x, y) in [(0, 0), (3, 9), (15, 4), (7, 7)] {
        let x = from_int(x);
        let mut y = from_int(y);
        let mut z = MuHash3072::new();
        z.combine(&x);
        z.combine(&y);
        y.combine(&x);
        z.subtract(&y);
        assert_eq!(z.finalize(), empty);
    }
}

#[test]
fn insert_and_remove_commute() {
    let elements: [&[u8]; 4] = [b"", b"a", b"coin", &[0u8; 100]];
    let mut forward = MuHash3072::new();
    for e in elements {
        forward.insert(e);
    }
    let mut backward = MuHash3072::new();
    for e in elements.iter().rev() {
        backward.insert(e);
    }
    assert_eq!(forward.finalize(), backward.finalize());
    // Removing what was inserted returns to the empty set; inserting twice is not a no-op.
    for e in elements {
        forward.remove(e);
    }
    assert_eq!(forward.finalize(), MuHash3072::new().finalize());
    let mut twice = MuHash3072::new();
    twice.insert(b"a").insert(b"a");
    let mut once = MuHash3072::new();
    once.insert(b"a");
    assert_ne!(twice.finalize(), once.finalize());
}
