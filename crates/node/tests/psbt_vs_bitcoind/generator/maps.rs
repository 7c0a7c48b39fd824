//! The records of each map: the global map (the unsigned transaction, extended keys, the
//! version), an input's (UTXOs, signatures, scripts, BIP32 origins, preimages, taproot and
//! MuSig2 records) and an output's, plus proprietary and unknown records for any map.

use sou_primitives::encoding::serialize;
use sou_primitives::hashes::{hash160, ripemd160, sha256, sha256d};
use sou_primitives::{Script, Transaction};

use super::values::{
    bad_ecdsa_key, compressed_key, compressed_or_bad, ecdsa_key, ecdsa_signature, key_origin,
    keyed, leaf_hash, proprietary_key, script, tap_key_origin, tap_tree, txout_bytes, unknown_key,
    witness, x_only, Gen, OFF_CURVE,
};
use super::{previous_tx, Record, BAD, GLOBAL_TYPES, INPUT_TYPES, OUTPUT_TYPES};

fn legacy(tx: &Transaction) -> Vec<u8> {
    let mut out = Vec::new();
    tx.encode_without_witness(&mut out);
    out
}

/// The global map.
pub(crate) fn global_map(g: &mut Gen, unsigned: &Transaction) -> Vec<Record> {
    let mut map = Vec::new();
    if !g.chance(2) {
        let mut tx = unsigned.clone();
        if g.chance(1) {
            if let Some(input) = tx.input.first_mut() {
                input.script_sig = Script::from_bytes(vec![0x51]);
            }
        }
        let key = if g.chance(1) {
            vec![0x00, 0x01]
        } else {
            vec![0x00]
        };
        let mut value = legacy(&tx);
        if g.chance(1) {
            value.push(0);
        }
        map.push((key, value));
    }
    if g.chance(30) {
        for _ in 0..1 + g.upto(2) {
            let bad = g.chance(BAD);
            let depth = g.below(4) as u8;
            // A master key (depth 0) names no parent and no child number, or Core voids it.
            let parent_and_child = if depth == 0 && !(bad && g.chance(50)) {
                vec![0; 8]
            } else {
                g.bytes(8)
            };
            let key_bad = bad && g.chance(50);
            let mut xpub = [
                g.pick(&[
                    [0x04, 0x35, 0x87, 0xcf],
                    [0x04, 0x88, 0xb2, 0x1e],
                    [1, 2, 3, 4],
                ])
                .to_vec(),
                vec![depth],
                parent_and_child,
                g.bytes(32),
                compressed_or_bad(g, key_bad),
            ]
            .concat();
            if bad && g.chance(50) {
                xpub.pop();
            }
            let origin_bad = bad && g.chance(30);
            let origin = key_origin(g, origin_bad);
            map.push((keyed(0x01, &xpub), origin.clone()));
            // A twin Core's set counts as the same key: same public key and chain code,
            // another version, depth, parent or child number; same origin or not.
            if g.chance(30) {
                let mut twin = xpub.clone();
                // Another version; or another parent or child number below the master.
                let at = if depth == 0 { g.below(4) } else { g.below(13) } as usize;
                twin[at] ^= 1 + g.below(255) as u8;
                let origin = if g.chance(70) {
                    origin
                } else {
                    key_origin(g, false)
                };
                map.push((keyed(0x01, &twin), origin));
            }
        }
    }
    if g.chance(8) {
        let version: u32 = if g.chance(70) { 0 } else { g.pick(&[1, 2, 3]) };
        let value = if g.chance(BAD) {
            vec![0; 3]
        } else {
            version.to_le_bytes().to_vec()
        };
        map.push((vec![0xfb], value));
    }
    if g.chance(2) {
        map.push((
            vec![g.pick(&[0x02, 0x03, 0x04, 0x05, 0x06])],
            vec![2, 0, 0, 0],
        ));
    }
    push_extra(g, &mut map, GLOBAL_TYPES);
    map
}

/// Proprietary and unknown records, for any map.
fn push_extra(g: &mut Gen, map: &mut Vec<Record>, known: &[u8]) {
    if g.chance(20) {
        for _ in 0..1 + g.upto(2) {
            let bad = g.chance(BAD);
            map.push((proprietary_key(g, bad), g.some_bytes(0, 4)));
        }
    }
    if g.chance(20) {
        for _ in 0..1 + g.upto(2) {
            let bad = g.chance(BAD);
            map.push((unknown_key(g, known, bad), g.some_bytes(0, 4)));
        }
    }
}

/// MuSig2 participants (`0x1a` in inputs, `0x08` in outputs).
fn musig2_participants(g: &mut Gen, key_type: u8, aggregates: &[[u8; 33]]) -> Record {
    let bad = g.chance(BAD);
    let aggregate = if bad && g.chance(50) {
        keyed(0x02, &OFF_CURVE)
    } else {
        g.pick(aggregates).to_vec()
    };
    let mut value: Vec<u8> = (0..g.upto(3)).flat_map(|_| compressed_key(g)).collect();
    if bad {
        value.push(0x02);
    }
    (keyed(key_type, &aggregate), value)
}

/// The key of a MuSig2 nonce or partial signature: participant, aggregate, perhaps a leaf
/// hash, sometimes all zero.
fn musig2_key(g: &mut Gen, key_type: u8, aggregates: &[[u8; 33]], leaves: &[[u8; 32]]) -> Vec<u8> {
    let bad = g.chance(BAD);
    let mut key = vec![key_type];
    let participant_bad = bad && g.chance(50);
    key.extend(compressed_or_bad(g, participant_bad));
    key.extend_from_slice(&g.pick(aggregates));
    match g.below(4) {
        0 => key.extend_from_slice(&[0; 32]),
        1 => key.extend_from_slice(&leaf_hash(g, leaves)),
        _ => {}
    }
    if bad && g.chance(50) {
        key.pop();
    }
    key
}

/// One input map.
pub(crate) fn input_map(
    g: &mut Gen,
    previous: Option<&Transaction>,
    xonly_pool: &[[u8; 32]],
    leaves: &[[u8; 32]],
    aggregates: &[[u8; 33]],
) -> Vec<Record> {
    let mut map: Vec<Record> = Vec::new();
    if let Some(prev) = previous {
        if g.chance(60) {
            let tx = if g.chance(BAD) {
                previous_tx(g)
            } else {
                prev.clone()
            };
            map.push((vec![0x00], serialize(&tx)));
        }
    }
    if g.chance(40) {
        let mut value = txout_bytes(g);
        if g.chance(BAD) {
            value.push(0);
        }
        map.push((vec![0x01], value));
    }
    if g.chance(30) {
        for _ in 0..1 + g.upto(2) {
            let bad = g.chance(BAD);
            let key = if bad && g.chance(50) {
                bad_ecdsa_key(g)
            } else {
                ecdsa_key(g)
            };
            map.push((keyed(0x02, &key), ecdsa_signature(g, bad)));
        }
    }
    if g.chance(25) {
        let value: u32 = g.pick(&[1, 2, 3, 0x81, 0x83, 0, 0x4000_0001]);
        map.push((vec![0x03], value.to_le_bytes().to_vec()));
    }
    for key_type in [0x04, 0x05, 0x07] {
        if g.chance(25) {
            map.push((vec![key_type], script(g)));
        }
    }
    if g.chance(20) {
        let bad = g.chance(BAD);
        map.push((vec![0x08], witness(g, bad)));
    }
    if g.chance(30) {
        for _ in 0..1 + g.upto(2) {
            let bad = g.chance(BAD);
            let key = if bad && g.chance(50) {
                bad_ecdsa_key(g)
            } else {
                ecdsa_key(g)
            };
            map.push((keyed(0x06, &key), key_origin(g, bad)));
        }
    }
    if g.chance(15) {
        for _ in 0..1 + g.upto(2) {
            let preimage = g.some_bytes(0, 40);
            let (key_type, mut hash) = match g.below(4) {
                0 => (0x0a, ripemd160(&preimage).to_vec()),
                1 => (0x0b, sha256(&preimage).to_vec()),
                2 => (0x0c, hash160(&preimage).to_vec()),
                _ => (0x0d, sha256d(&preimage).to_vec()),
            };
            // Core does not check that the preimage hashes to the key's hash.
            if g.chance(30) {
                hash[0] ^= 1;
            }
            if g.chance(BAD) {
                hash.push(0);
            }
            map.push((keyed(key_type, &hash), preimage));
        }
    }
    if g.chance(2) {
        map.push((
            vec![g.pick(&[0x0e, 0x0f, 0x10, 0x11, 0x12])],
            vec![1, 0, 0, 0],
        ));
    }
    if g.chance(20) {
        let len = if g.chance(BAD) {
            g.pick(&[63, 66])
        } else {
            g.pick(&[64, 65])
        };
        map.push((vec![0x13], g.bytes(len)));
    }
    if g.chance(20) {
        for _ in 0..1 + g.upto(2) {
            let bad = g.chance(BAD);
            let mut key = [
                vec![0x14],
                x_only(g, xonly_pool).to_vec(),
                leaf_hash(g, leaves).to_vec(),
            ]
            .concat();
            if bad && g.chance(50) {
                key.push(0);
            }
            let len = if bad { 63 } else { g.pick(&[64, 65]) };
            map.push((key, g.bytes(len)));
        }
    }
    if g.chance(20) {
        // Some leaves share a script and version, to be grouped by it.
        let shared = [script(g), vec![g.pick(&[0xc0, 0xc1, 0x02])]].concat();
        for _ in 0..1 + g.upto(3) {
            let bad = g.chance(BAD);
            // Core does not bound the control block's length.
            let levels = if g.chance(2) { 129 } else { g.upto(3) };
            let mut control_block = g.bytes(33 + 32 * levels);
            if bad && g.chance(50) {
                control_block.push(0);
            }
            let value = if bad {
                Vec::new()
            } else if g.chance(50) {
                shared.clone()
            } else {
                [script(g), vec![g.pick(&[0xc0, 0xc1, 0x02])]].concat()
            };
            map.push((keyed(0x15, &control_block), value));
        }
    }
    if g.chance(25) {
        for _ in 0..1 + g.upto(2) {
            let bad = g.chance(BAD);
            let mut key = keyed(0x16, &x_only(g, xonly_pool));
            if bad && g.chance(30) {
                key.push(0);
            }
            map.push((key, tap_key_origin(g, leaves, bad)));
        }
    }
    if g.chance(25) {
        let value = match g.below(10) {
            0 => vec![0; 32],
            1 if g.chance(BAD * 5) => compressed_key(g).to_vec(),
            _ => x_only(g, xonly_pool).to_vec(),
        };
        map.push((vec![0x17], value));
    }
    if g.chance(20) {
        let value = if g.chance(15) {
            vec![0; 32]
        } else {
            leaf_hash(g, leaves).to_vec()
        };
        map.push((vec![0x18], value));
    }
    if g.chance(10) {
        map.push(musig2_participants(g, 0x1a, aggregates));
    }
    if g.chance(10) {
        for _ in 0..1 + g.upto(2) {
            let len = if g.chance(BAD) { 65 } else { 66 };
            map.push((musig2_key(g, 0x1b, aggregates, leaves), g.bytes(len)));
        }
    }
    if g.chance(10) {
        for _ in 0..1 + g.upto(2) {
            let len = if g.chance(BAD) { 33 } else { 32 };
            map.push((musig2_key(g, 0x1c, aggregates, leaves), g.bytes(len)));
        }
    }
    push_extra(g, &mut map, INPUT_TYPES);
    map
}

/// One output map.
pub(crate) fn output_map(
    g: &mut Gen,
    xonly_pool: &[[u8; 32]],
    leaves: &[[u8; 32]],
    aggregates: &[[u8; 33]],
) -> Vec<Record> {
    let mut map: Vec<Record> = Vec::new();
    for key_type in [0x00, 0x01] {
        if g.chance(25) {
            map.push((vec![key_type], script(g)));
        }
    }
    if g.chance(30) {
        for _ in 0..1 + g.upto(2) {
            let bad = g.chance(BAD);
            let key = if bad && g.chance(50) {
                bad_ecdsa_key(g)
            } else {
                ecdsa_key(g)
            };
            map.push((keyed(0x02, &key), key_origin(g, bad)));
        }
    }
    if g.chance(2) {
        map.push((vec![g.pick(&[0x03, 0x04])], vec![0; 8]));
    }
    if g.chance(25) {
        let value = if g.chance(10) {
            vec![0; 32]
        } else {
            x_only(g, xonly_pool).to_vec()
        };
        map.push((vec![0x05], value));
    }
    if g.chance(20) {
        let bad = g.chance(BAD * 2);
        map.push((vec![0x06], tap_tree(g, bad)));
    }
    if g.chance(25) {
        for _ in 0..1 + g.upto(2) {
            let bad = g.chance(BAD);
            map.push((
                keyed(0x07, &x_only(g, xonly_pool)),
                tap_key_origin(g, leaves, bad),
            ));
        }
    }
    if g.chance(10) {
        map.push(musig2_participants(g, 0x08, aggregates));
    }
    push_extra(g, &mut map, OUTPUT_TYPES);
    map
}
