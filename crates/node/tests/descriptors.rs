//! `getdescriptorinfo` and `deriveaddresses` over RPC against soud: each case's answer, or
//! error code and message, as recorded from bitcoind v31.99.0 on regtest with the same
//! request. `descriptors_vs_bitcoind/` compares a thousand generated descriptors live.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

mod support;

use serde_json::{json, Value};
use sou_wallet::descriptor::add_checksum;
use support::TestNode;

const KEY: &str = "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";
const UNCOMPRESSED: &str = "0479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8";
const TPUB: &str = "tpubD6NzVbkrYhZ4WaWSyoBvQwbpLkojyoTZPRsgXELWz3Popb3qkjcJyJUGLnL4qHHoQvao8ESaAstxYSnhyswJ76uZPStJRJCTKvosUCJZL5B";
const WIF: &str = "cVt4o7BGAig1UXywgGSmARhxMdzP5qvQsxKkSsc1XEkw3tDTQFpy";

/// The text with its checksum appended.
fn ck(text: &str) -> String {
    add_checksum(text).expect("descriptor characters")
}

/// The error's code and message, failing the test on success.
fn error(node: &TestNode, method: &str, params: Value) -> (i64, String) {
    let e = node
        .call(method, params.clone())
        .expect_err(&format!("{method} {params} should fail"));
    (e.code, e.message)
}

#[test]
fn getdescriptorinfo_answers_as_bitcoind() {
    let node = TestNode::start(&[]);
    // Help's example: upper-case hex is lowered in `descriptor`, kept in the input's
    // `checksum`, and the fields come in Core's order.
    let info = node.rpc(
        "getdescriptorinfo",
        json!(["wpkh([d34db33f/84h/0h/0h]0279be667ef9dcbbac55a06295Ce870b07029Bfcdb2dce28d959f2815b16f81798)"]),
    );
    assert_eq!(
        info.to_string(),
        json!({
            "descriptor": "wpkh([d34db33f/84h/0h/0h]0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798)#5fp02c75",
            "checksum": "qwlqgth7",
            "isrange": false,
            "issolvable": true,
            "hasprivatekeys": false,
        })
        .to_string()
    );
    // A WIF key is shown as its public key, and counts as a private key.
    let info = node.rpc("getdescriptorinfo", json!([format!("combo({WIF})")]));
    assert_eq!(
        info["descriptor"],
        "combo(039b6347398505f5ec93826dc61c19f47c66c0283ee9be980e29ce325a0f4679ef)#fapluqgq"
    );
    assert_eq!(info["checksum"], "2726peer");
    assert_eq!(info["hasprivatekeys"], true);
    let info = node.rpc("getdescriptorinfo", json!([format!("wpkh({TPUB}/0/*)")]));
    assert_eq!(info["isrange"], true);
    let info = node.rpc("getdescriptorinfo", json!(["raw(6a)"]));
    assert_eq!(info["issolvable"], false);

    // Errors: parameters checked before the handler, then the descriptor's own.
    assert_eq!(
        error(&node, "getdescriptorinfo", json!([5])),
        (
            -3,
            "Wrong type passed:\n{\n    \"Position 1 (descriptor)\": \"JSON value of type number is not of expected type string\"\n}".to_string()
        )
    );
    let (code, message) = error(&node, "getdescriptorinfo", json!([]));
    assert_eq!(code, -1);
    assert!(message.starts_with("getdescriptorinfo \"descriptor\"\n\nAnalyses a descriptor.\n"));
    assert_eq!(
        error(&node, "getdescriptorinfo", json!([format!("pk({KEY})#1")])),
        (
            -5,
            "Expected 8 character checksum, not 1 characters".to_string()
        )
    );
}

#[test]
fn deriveaddresses_answers_as_bitcoind() {
    let node = TestNode::start(&[]);
    let ranged = ck(&format!("wpkh({TPUB}/0/*)"));
    let first_two = json!([
        "bcrt1qm90ugl4d48jv8n6e5t9ln6t9zlpm5th68x4f8g",
        "bcrt1ql7zg7ukh3dwr25ex2zn9jse926f27xy2jz58tm"
    ]);
    assert_eq!(node.rpc("deriveaddresses", json!([ranged, 1])), first_two);
    assert_eq!(
        node.rpc("deriveaddresses", json!([ranged, [0, 1]])),
        first_two
    );
    // A `null` range derives index 0 of a ranged descriptor.
    assert_eq!(
        node.rpc("deriveaddresses", json!([ranged, null])),
        json!([first_two[0]])
    );
    // combo(): P2PKH, P2WPKH and P2SH-P2WPKH of a compressed key (P2PK has no address);
    // P2PKH only of an uncompressed one.
    assert_eq!(
        node.rpc("deriveaddresses", json!([ck(&format!("combo({KEY})"))])),
        json!([
            "mrCDrCybB6J1vRfbwM5hemdJz73FwDBC8r",
            "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080",
            "2NAUYAHhujozruyzpsFRP63mbrdaU5wnEpN"
        ])
    );
    assert_eq!(
        node.rpc(
            "deriveaddresses",
            json!([ck(&format!("combo({UNCOMPRESSED})"))])
        ),
        json!(["mtoKs9V381UAhUia3d7Vb9GNak8Qvmcsme"])
    );
    assert_eq!(
        node.rpc(
            "deriveaddresses",
            json!([ck(&format!("wpkh({TPUB}/*)")), [2147483647, 2147483647]])
        ),
        json!(["bcrt1qu08f34w3ze5egfrr8vkt6f2yc292khqz3v5ygz"])
    );

    let fails = |params: Value, code: i64, message: &str| {
        assert_eq!(
            error(&node, "deriveaddresses", params.clone()),
            (code, message.to_string()),
            "{params}"
        );
    };
    let unranged = ck(&format!("wpkh({KEY})"));
    fails(json!([format!("wpkh({KEY})")]), -5, "Missing checksum");
    fails(
        json!([unranged, null]),
        -8,
        "Range should not be specified for an un-ranged descriptor",
    );
    fails(
        json!([unranged, 0]),
        -8,
        "Range should not be specified for an un-ranged descriptor",
    );
    fails(
        json!([ranged]),
        -8,
        "Range must be specified for a ranged descriptor",
    );
    fails(
        json!({ "descriptor": ranged }),
        -8,
        "Range must be specified for a ranged descriptor",
    );
    fails(
        json!([ranged, "2"]),
        -8,
        "Range must be specified as end or as [begin,end]",
    );
    fails(json!([ranged, 1.5]), -1, "JSON integer out of range");
    fails(
        json!([ranged, 2147483648_u64]),
        -8,
        "End of range is too high",
    );
    fails(json!([ranged, -1]), -8, "End of range is too high");
    fails(
        json!([ranged, [3, 1]]),
        -8,
        "Range specified as [begin,end] must not have begin after end",
    );
    fails(json!([ranged, [0, 1000000]]), -8, "Range is too large");
    fails(
        json!([ranged, [-2, 1]]),
        -8,
        "Range should be greater or equal than 0",
    );
    fails(
        json!([ck(&format!("wpkh({TPUB}/1h/*)")), [0, 1]]),
        -5,
        "Cannot derive script without private keys",
    );
    fails(
        json!([ck(&format!("pk({KEY})"))]),
        -5,
        "Descriptor does not have a corresponding address",
    );
    fails(
        json!([ck("raw(6a)")]),
        -5,
        "Descriptor does not have a corresponding address",
    );
}

#[test]
fn multipath_descriptors_expand_as_in_bitcoind() {
    let node = TestNode::start(&[]);
    // BIP389: `<0;1>` stands for the receiving and the change chain. `descriptor` is the
    // first expansion, `multipath_expansion` lists them all, between it and `checksum`.
    let text = format!("wpkh({TPUB}/<0;1>/*)");
    let info = node.rpc("getdescriptorinfo", json!([text]));
    assert_eq!(
        info.to_string(),
        json!({
            "descriptor": format!("wpkh({TPUB}/0/*)#efr7m7hr"),
            "multipath_expansion": [
                format!("wpkh({TPUB}/0/*)#efr7m7hr"),
                format!("wpkh({TPUB}/1/*)#gaxlxt8m"),
            ],
            "checksum": "0pfxqzvr",
            "isrange": true,
            "issolvable": true,
            "hasprivatekeys": false,
        })
        .to_string()
    );
    // One list of addresses per path, in the order the values are written.
    let addresses = node.rpc("deriveaddresses", json!([ck(&text), [0, 1]]));
    assert_eq!(
        addresses,
        json!([
            [
                "bcrt1qm90ugl4d48jv8n6e5t9ln6t9zlpm5th68x4f8g",
                "bcrt1ql7zg7ukh3dwr25ex2zn9jse926f27xy2jz58tm"
            ],
            [
                "bcrt1qku54ue2l7t7cftu2p6lghrufr6vzc99h0fwffz",
                "bcrt1q9klcdx4zrgf7m95zhpwfm0lalk92a2rh3swq85"
            ]
        ])
    );
    // The keys of one multi() must list as many paths.
    assert_eq!(
        error(
            &node,
            "getdescriptorinfo",
            json!([format!("sh(multi(1,{TPUB}/<0;1>,{TPUB}/<0;1;2>))")])
        ),
        (
            -5,
            "multi(): Multipath derivation paths have mismatched lengths".to_string()
        )
    );
}
