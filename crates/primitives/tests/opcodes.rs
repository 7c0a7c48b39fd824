//! The opcode classes the interpreter relies on, checked against the lists in their
//! sources: CVE-2010-5137's disabled opcodes and BIP342's `OP_SUCCESSx`.

use sou_primitives::opcodes::Opcode;

fn all_opcodes() -> impl Iterator<Item = Opcode> {
    (0..=u8::MAX).map(Opcode::from_u8)
}

#[test]
fn fifteen_opcodes_are_disabled_by_name() {
    let disabled: Vec<&str> = all_opcodes()
        .filter(|op| op.is_disabled())
        .map(Opcode::name)
        .collect();
    assert_eq!(
        disabled,
        [
            "OP_CAT",
            "OP_SUBSTR",
            "OP_LEFT",
            "OP_RIGHT",
            "OP_INVERT",
            "OP_AND",
            "OP_OR",
            "OP_XOR",
            "OP_2MUL",
            "OP_2DIV",
            "OP_MUL",
            "OP_DIV",
            "OP_MOD",
            "OP_LSHIFT",
            "OP_RSHIFT",
        ]
    );
}

#[test]
fn op_success_is_bip342s_list() {
    // BIP342: "80, 98, 126-129, 131-134, 137-138, 141-142, 149-153, 187-254".
    let mut expected = vec![80u8, 98];
    for range in [
        126..=129,
        131..=134,
        137..=138,
        141..=142,
        149..=153,
        187..=254,
    ] {
        expected.extend(range);
    }
    let success: Vec<u8> = all_opcodes()
        .filter(|op| op.is_op_success())
        .map(Opcode::to_u8)
        .collect();
    assert_eq!(success, expected);
    assert_eq!(success.len(), 87);
}

#[test]
fn every_disabled_opcode_is_an_op_success_in_tapscript() {
    // Tapscript gives the disabled bytes back to future soft forks.
    assert!(all_opcodes()
        .filter(|op| op.is_disabled())
        .all(|op| op.is_op_success()));
}
