//! Text that is no PSBT: not Base64, Base64 of something else, a PSBT cut short, far too
//! long, or a parameter of the wrong type. Each answer is Core's error, recorded here so
//! that the test runs without bitcoind too.

use serde_json::{json, Value};

use crate::support::TestNode;
use crate::Compare;

/// (method, params, Core's code and message) as bitcoind v31.99 answers.
fn cases() -> Vec<(&'static str, Value, i64, String)> {
    let end = "TX decode failed SpanReader::read(): end of data: iostream error".to_string();
    // A megabyte of Base64 that decodes to no PSBT.
    let huge = "A".repeat(1 << 20);
    // A PSBT claiming a 4 GB unsigned transaction.
    let claims_huge = crate::support::base64_encode(&[
        0x70, 0x73, 0x62, 0x74, 0xff, 0x01, 0x00, 0xfe, 0xff, 0xff, 0xff, 0xff,
    ]);
    let not_base64 = "TX decode failed invalid base64".to_string();
    let not_string = "JSON value of type number is not of expected type string".to_string();
    vec![
        ("decodepsbt", json!(["not base64!"]), -22, not_base64.clone()),
        ("decodepsbt", json!(["cHNidP8"]), -22, not_base64.clone()),
        ("decodepsbt", json!([""]), -22, end.clone()),
        (
            "decodepsbt",
            json!(["AAAAAAAA"]),
            -22,
            "TX decode failed Invalid PSBT magic bytes: iostream error".into(),
        ),
        (
            "decodepsbt",
            json!(["cHNidP8="]),
            -22,
            "TX decode failed Separator is missing at the end of the global map: iostream error"
                .into(),
        ),
        (
            "decodepsbt",
            json!(["cHNidP8AAA=="]),
            -22,
            "TX decode failed No unsigned transaction was provided: iostream error".into(),
        ),
        (
            "analyzepsbt",
            json!(["cHNidP8BAAoCAAAAAAAAAAAAAAA="]),
            -22,
            "TX decode failed extra data after PSBT".into(),
        ),
        (
            "decodepsbt",
            json!([huge]),
            -22,
            "TX decode failed Invalid PSBT magic bytes: iostream error".into(),
        ),
        (
            "finalizepsbt",
            json!([claims_huge]),
            -22,
            "TX decode failed ReadCompactSize(): size too large: iostream error".into(),
        ),
        ("combinepsbt", json!([["x"]]), -22, not_base64.clone()),
        (
            "combinepsbt",
            json!([[]]),
            -8,
            "Parameter 'txs' cannot be empty".into(),
        ),
        (
            "decodepsbt",
            json!([123]),
            -3,
            "Wrong type passed:\n{\n    \"Position 1 (psbt)\": \"JSON value of type number is not of expected type string\"\n}".into(),
        ),
        (
            "joinpsbts",
            json!([["cHNidP8="]]),
            -8,
            "At least two PSBTs are required to join PSBTs.".into(),
        ),
        ("converttopsbt", json!(["zz"]), -22, "TX decode failed".into()),
        ("converttopsbt", json!([""]), -22, "TX decode failed".into()),
        ("utxoupdatepsbt", json!(["%%%"]), -22, not_base64),
        ("combinepsbt", json!([[1]]), -3, not_string.clone()),
        ("joinpsbts", json!([[1, 2]]), -3, not_string.clone()),
        // The descriptors are read before the PSBT.
        ("utxoupdatepsbt", json!(["%%%", [{"desc": 5}]]), -3, not_string),
    ]
}

/// The cases, compared with bitcoind.
pub(crate) fn compare(cmp: &mut Compare<'_>) {
    for (method, params, _, _) in cases() {
        cmp.check(method, params);
    }
}

#[test]
fn hostile_text_gets_cores_errors() {
    let sou = TestNode::start(&[]);
    for (method, params, code, message) in cases() {
        let answer = sou.call(method, params.clone());
        let e = answer.expect_err(method);
        assert_eq!((e.code, &e.message), (code, &message), "{method} {params}");
    }
}
