//! JSON-RPC requests that `soud` must refuse or treat with care, answered byte for byte as
//! bitcoind answers them: bodies that are not JSON or not calls, parameters of the wrong
//! type, count or name, unknown methods, notifications and batches.

use serde_json::json;

use crate::support::{TestNode, BURN_ADDRESS};
use crate::{assert_reply, basic, help, post, request, GENESIS};

#[test]
fn malformed_json_is_a_parse_error() {
    let node = TestNode::start(&[]);
    // Core's reply keeps the request's id, `null` when none could be read.
    let parse_error =
        r#"{"result":null,"error":{"code":-32700,"message":"Parse error"},"id":null}"#;
    for body in [
        "{not json",
        "",
        "{\"method\":",
        "[1, 2",
        "{\"id\":1,\"method\":\"getblockcount\"} {\"id\":2}",
        "\u{1}",
    ] {
        assert_reply(&node, body, 500, parse_error);
    }
    // Bytes that are not UTF-8.
    let reply = request(
        node.rpc_port,
        "POST",
        Some(&basic(&node.cookie().unwrap())),
        b"{\"method\":\"\xff\xfe\"}",
    );
    assert_eq!(
        (reply.status, reply.body.as_str()),
        (500, format!("{parse_error}\n").as_str())
    );
    // The node is still there.
    assert_eq!(node.rpc("getblockcount", json!([])), 0);
}

#[test]
fn json_that_is_not_a_request_object_or_batch() {
    let node = TestNode::start(&[]);
    let top_level = r#"{"result":null,"error":{"code":-32700,"message":"Top-level object parse error"},"id":null}"#;
    for body in ["\"hello\"", "42", "null", "true"] {
        assert_reply(&node, body, 500, top_level);
    }
}

#[test]
fn request_objects_that_are_not_calls() {
    let node = TestNode::start(&[]);
    let cases = [
        (
            r#"{"id":1}"#,
            r#"{"result":null,"error":{"code":-32600,"message":"Missing method"},"id":1}"#,
        ),
        (
            r#"{"jsonrpc":"2.0","id":1}"#,
            r#"{"jsonrpc":"2.0","error":{"code":-32600,"message":"Missing method"},"id":1}"#,
        ),
        // No id at all: the reply has none either.
        (
            r#"{"jsonrpc":"2.0"}"#,
            r#"{"jsonrpc":"2.0","error":{"code":-32600,"message":"Missing method"}}"#,
        ),
        (
            r#"{"id":1,"method":5}"#,
            r#"{"result":null,"error":{"code":-32600,"message":"Method must be a string"},"id":1}"#,
        ),
        (
            r#"{"id":1,"method":"getblockhash","params":"x"}"#,
            r#"{"result":null,"error":{"code":-32600,"message":"Params must be an array or object"},"id":1}"#,
        ),
        (
            r#"{"jsonrpc":"3.0","id":1,"method":"getblockcount"}"#,
            r#"{"result":null,"error":{"code":-32600,"message":"JSON-RPC version not supported"},"id":1}"#,
        ),
        (
            r#"{"jsonrpc":2,"id":1,"method":"getblockcount"}"#,
            r#"{"result":null,"error":{"code":-32600,"message":"jsonrpc field must be a string"},"id":1}"#,
        ),
    ];
    for (body, expected) in cases {
        assert_reply(&node, body, 400, expected);
    }
    // A 1.0 call without an id is answered, without an id.
    assert_reply(
        &node,
        r#"{"method":"getblockcount"}"#,
        200,
        r#"{"result":0,"error":null}"#,
    );
    // null params are no params.
    assert_reply(
        &node,
        r#"{"jsonrpc":"2.0","id":"a","method":"getblockcount","params":null}"#,
        200,
        r#"{"jsonrpc":"2.0","result":0,"id":"a"}"#,
    );
}

/// A key given twice: UniValue keeps every pair and `find_value` finds the first.
#[test]
fn a_member_given_twice_counts_once_as_first_given() {
    let node = TestNode::start(&[]);
    assert_reply(
        &node,
        r#"{"id":1,"method":"getblockcount","id":2}"#,
        200,
        r#"{"result":0,"error":null,"id":1}"#,
    );
}

#[test]
fn parameters_of_the_wrong_type() {
    let node = TestNode::start(&[]);
    // Checked against the method's declared types before it runs: -3, every mismatch.
    assert_reply(
        &node,
        r#"{"id":1,"method":"getblockhash","params":["x"]}"#,
        500,
        r#"{"result":null,"error":{"code":-3,"message":"Wrong type passed:\n{\n    \"Position 1 (height)\": \"JSON value of type string is not of expected type number\"\n}"},"id":1}"#,
    );
    assert_reply(
        &node,
        r#"{"id":1,"method":"getblockheader","params":[5,"x"]}"#,
        500,
        r#"{"result":null,"error":{"code":-3,"message":"Wrong type passed:\n{\n    \"Position 1 (blockhash)\": \"JSON value of type number is not of expected type string\",\n    \"Position 2 (verbose)\": \"JSON value of type string is not of expected type bool\"\n}"},"id":1}"#,
    );
    // A required parameter left out of named parameters is a null of the wrong type.
    assert_reply(
        &node,
        r#"{"id":1,"method":"getblock","params":{"verbosity":1}}"#,
        500,
        r#"{"result":null,"error":{"code":-3,"message":"Wrong type passed:\n{\n    \"Position 1 (blockhash)\": \"JSON value of type null is not of expected type string\"\n}"},"id":1}"#,
    );
    // The right type, a bad value: the handler's own error.
    assert_reply(
        &node,
        r#"{"id":1,"method":"getblock","params":["00"]}"#,
        500,
        r#"{"result":null,"error":{"code":-8,"message":"blockhash must be of length 64 (not 2, for '00')"},"id":1}"#,
    );
    assert_reply(
        &node,
        r#"{"id":1,"method":"getblockhash","params":[-1]}"#,
        500,
        r#"{"result":null,"error":{"code":-8,"message":"Block height out of range"},"id":1}"#,
    );
}

/// A number that is not an integer, or does not fit: UniValue's `getInt` throws a
/// `std::runtime_error`, which Core's `JSONRPCExec` turns into RPC_MISC_ERROR (-1).
#[test]
fn numbers_that_are_not_integers_of_the_right_size() {
    let node = TestNode::start(&[]);
    for height in ["1.5", "99999999999", "1e3"] {
        assert_reply(
            &node,
            &format!(r#"{{"id":1,"method":"getblockhash","params":[{height}]}}"#),
            500,
            r#"{"result":null,"error":{"code":-1,"message":"JSON integer out of range"},"id":1}"#,
        );
    }
}

#[test]
fn wrong_parameter_counts_answer_with_the_help() {
    let node = TestNode::start(&[]);
    for (method, params) in [
        ("getblockhash", json!([])),
        ("getblockhash", json!([0, 1])),
        ("getblockcount", json!([1])),
        ("getblock", json!([GENESIS, 1, 2])),
    ] {
        let reply = post(
            &node,
            &json!({"id": 1, "method": method, "params": params}).to_string(),
        );
        assert_eq!(reply.status, 500, "{method} {params}");
        let error = &reply.json()["error"];
        assert_eq!(error["code"], -1, "{method} {params}");
        let message = error["message"].as_str().unwrap();
        assert_eq!(message, help(&node, method), "{method} {params}");
    }
    // The help opens with Core's signature line and its sections.
    let text = help(&node, "getblockhash");
    assert!(text.starts_with("getblockhash height\n\n"), "{text}");
    assert!(
        text.contains("\nArguments:\n1. height    (numeric, required) "),
        "{text}"
    );
    assert!(text.contains("\n\nResult:\n\"hex\"    (string) "), "{text}");
}

#[test]
fn unknown_methods() {
    let node = TestNode::start(&[]);
    // JSON-RPC 1.0: an HTTP error as well.
    assert_reply(
        &node,
        r#"{"id":1,"method":"nosuch","params":[]}"#,
        404,
        r#"{"result":null,"error":{"code":-32601,"message":"Method not found"},"id":1}"#,
    );
    // JSON-RPC 2.0: HTTP 200, the error in the body.
    assert_reply(
        &node,
        r#"{"jsonrpc":"2.0","id":1,"method":"nosuch","params":[]}"#,
        200,
        r#"{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":1}"#,
    );
}

#[test]
fn notifications_run_and_get_no_reply() {
    let node = TestNode::start(&[]);
    for body in [
        r#"{"jsonrpc":"2.0","method":"getblockcount","params":[]}"#,
        r#"{"jsonrpc":"2.0","method":"nosuch","params":[]}"#,
        r#"{"jsonrpc":"2.0","method":"getblockhash","params":["x"]}"#,
    ] {
        let reply = post(&node, body);
        assert_eq!((reply.status, reply.body.as_str()), (204, ""), "{body}");
    }
    // A notification is still executed.
    let reply = post(
        &node,
        &json!({"jsonrpc": "2.0", "method": "generatetoaddress", "params": [2, BURN_ADDRESS]})
            .to_string(),
    );
    assert_eq!(reply.status, 204);
    assert_eq!(node.rpc("getblockcount", json!([])), 2);
    // A 2.0 request with `"id": null` is not a notification.
    assert_reply(
        &node,
        r#"{"jsonrpc":"2.0","id":null,"method":"getblockcount"}"#,
        200,
        r#"{"jsonrpc":"2.0","result":2,"id":null}"#,
    );
}

#[test]
fn batches_answer_each_call_always_with_200() {
    let node = TestNode::start(&[]);
    // One of each: a 2.0 call, an unknown 1.0 method, a notification (no reply), a wrong
    // type, a missing method, named parameters, a notification that fails (no reply), the
    // wrong number of parameters.
    let batch = json!([
        {"jsonrpc": "2.0", "id": 1, "method": "getblockcount"},
        {"id": 2, "method": "nosuch"},
        {"jsonrpc": "2.0", "method": "getblockcount"},
        {"jsonrpc": "2.0", "id": 3, "method": "getblockhash", "params": ["x"]},
        {"id": 4},
        {"jsonrpc": "2.0", "id": 5, "method": "getblockhash", "params": {"height": 0}},
        {"jsonrpc": "2.0", "method": "nosuch"},
        {"id": "six", "method": "getblockhash", "params": [0, 1]}
    ]);
    let reply = post(&node, &batch.to_string());
    assert_eq!(reply.status, 200);
    let expected = json!([
        {"jsonrpc": "2.0", "result": 0, "id": 1},
        {"result": null, "error": {"code": -32601, "message": "Method not found"}, "id": 2},
        {"jsonrpc": "2.0", "error": {"code": -3, "message": "Wrong type passed:\n{\n    \"Position 1 (height)\": \"JSON value of type string is not of expected type number\"\n}"}, "id": 3},
        {"result": null, "error": {"code": -32600, "message": "Missing method"}, "id": 4},
        {"jsonrpc": "2.0", "result": GENESIS, "id": 5},
        {"result": null, "error": {"code": -1, "message": help(&node, "getblockhash")}, "id": "six"}
    ]);
    assert_eq!(reply.json(), expected);
    // Key order too, as bitcoind writes it.
    assert_eq!(reply.body, format!("{expected}\n"));

    // An empty batch: an empty array (not 204, for old clients).
    assert_reply(&node, "[]", 200, "[]");
    // Only notifications: no content.
    let reply = post(
        &node,
        r#"[{"jsonrpc":"2.0","method":"getblockcount"},{"jsonrpc":"2.0","method":"nosuch"}]"#,
    );
    assert_eq!((reply.status, reply.body.as_str()), (204, ""));
}

/// A batch member that is not an object is answered `Invalid Request object` with the id
/// the request state has then: `null` at the start of a batch.
#[test]
fn batch_members_that_are_not_objects() {
    let node = TestNode::start(&[]);
    assert_reply(
        &node,
        "[5]",
        200,
        r#"[{"result":null,"error":{"code":-32600,"message":"Invalid Request object"},"id":null}]"#,
    );
    assert_reply(
        &node,
        r#"[5,{"id":1,"method":"getblockcount"}]"#,
        200,
        r#"[{"result":null,"error":{"code":-32600,"message":"Invalid Request object"},"id":null},{"result":0,"error":null,"id":1}]"#,
    );
}

#[test]
fn named_parameters() {
    let node = TestNode::start(&[]);
    assert_reply(
        &node,
        r#"{"id":1,"method":"getblockhash","params":{"height":0}}"#,
        200,
        &format!(r#"{{"result":"{GENESIS}","error":null,"id":1}}"#),
    );
    assert_reply(
        &node,
        r#"{"id":1,"method":"getblockhash","params":{"heigth":0}}"#,
        500,
        r#"{"result":null,"error":{"code":-8,"message":"Unknown named parameter heigth"},"id":1}"#,
    );
    assert_reply(
        &node,
        r#"{"id":1,"method":"getblockhash","params":{"height":0,"foo":1}}"#,
        500,
        r#"{"result":null,"error":{"code":-8,"message":"Unknown named parameter foo"},"id":1}"#,
    );
    // In any order; `args` gives the first positions.
    let by_name = node.rpc("getblock", json!({"verbosity": 0, "blockhash": GENESIS}));
    let by_position = node.rpc("getblock", json!([GENESIS, 0]));
    assert_eq!(by_name, by_position);
    let with_args = node.rpc("getblock", json!({"args": [GENESIS], "verbosity": 0}));
    assert_eq!(with_args, by_position);
    assert_reply(
        &node,
        &json!({"id": 1, "method": "getblock", "params": {"args": [GENESIS], "blockhash": GENESIS}}).to_string(),
        500,
        r#"{"result":null,"error":{"code":-8,"message":"Parameter blockhash specified twice both as positional and named argument"},"id":1}"#,
    );
}
