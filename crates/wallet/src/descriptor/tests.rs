//! Unit tests of the descriptor module; the BIP vectors run in `tests/descriptors.rs`.

use super::*;

use sou_keys::Address;
use sou_primitives::opcodes::OP_CHECKSIG;
use sou_primitives::script::Builder;

use super::parse::decode_hex;
use sou_primitives::Network;

const KEY: &str = "03a34b99f22c790c4e36b2b3c2c35a36db06226e41c692fc82b8b56ac1c540c5bd";

#[test]
fn checksums_of_bip380() {
    // BIP380 "Test Vectors".
    assert_eq!(
        descriptor_checksum("raw(deadbeef)").as_deref(),
        Some("89f8spxm")
    );
    assert!(Descriptor::parse("raw(deadbeef)#89f8spxm", Network::Regtest, true).is_ok());
    let err = |t: &str| {
        Descriptor::parse(t, Network::Regtest, true)
            .unwrap_err()
            .to_string()
    };
    assert_eq!(err("raw(deadbeef)"), "Missing checksum");
    assert_eq!(
        err("raw(deadbeef)#"),
        "Expected 8 character checksum, not 0 characters"
    );
    assert_eq!(
        err("raw(deadbeef)#89f8spxmx"),
        "Expected 8 character checksum, not 9 characters"
    );
    assert_eq!(
        err("raw(deedbeef)#89f8spxm"),
        "Provided checksum '89f8spxm' does not match computed checksum 'xj8ljs75'"
    );
    assert_eq!(err("raw(deadbeef)##9f8spxm"), "Multiple '#' symbols");
    assert_eq!(err("raw(Ü)#00000000"), "Invalid characters in payload");
}

#[test]
fn input_checksum_is_of_the_text_as_written() {
    // Upper-case hex is kept in the input's checksum, lowered in the printed descriptor.
    let written = "raw(DEADBEEF)";
    assert_eq!(input_checksum(written), descriptor_checksum(written));
    assert_ne!(
        input_checksum(written),
        descriptor_checksum("raw(deadbeef)")
    );
    assert_eq!(
        input_checksum("raw(deadbeef)#89f8spxm").as_deref(),
        Some("89f8spxm")
    );
    assert_eq!(input_checksum("raw(deadbeef)#89f8spxq"), None);
    assert_eq!(input_checksum("raw(Ü)"), None);
}

#[test]
fn keys_in_their_contexts() {
    let parse = |t: &str| Descriptor::parse(t, Network::Regtest, false);
    let uncompressed = "04a34b99f22c790c4e36b2b3c2c35a36db06226e41c692fc82b8b56ac1c540c5bd5b8dec5235a0fa8722476c7709c02559e3aa73aa03918ba2d492eea75abea235";
    assert!(parse(&format!("pkh({uncompressed})")).is_ok());
    assert_eq!(
        parse(&format!("wpkh({uncompressed})"))
            .unwrap_err()
            .to_string(),
        "wpkh(): Uncompressed keys are not allowed"
    );
    assert_eq!(
        parse("pk( 02aa)").unwrap_err().to_string(),
        "pk(): Key ' 02aa' is invalid due to whitespace"
    );
    assert_eq!(
        parse("pk()").unwrap_err().to_string(),
        "pk(): No key provided"
    );
    assert_eq!(
        parse("pk(02aa)").unwrap_err().to_string(),
        "pk(): Pubkey '02aa' is invalid"
    );
    assert_eq!(
        parse("pk(nokey)").unwrap_err().to_string(),
        "pk(): key 'nokey' is not valid"
    );
    assert_eq!(
        parse(&format!("sh(sh(pk({KEY})))"))
            .unwrap_err()
            .to_string(),
        "Can only have sh() at top level"
    );
    assert_eq!(
        parse("foo(1)").unwrap_err().to_string(),
        "'foo(1)' is not a valid descriptor function"
    );
    assert_eq!(parse(&format!("pk({KEY}),x")), Err(Error::TrailingText));
    // An x-only key in tr() is the even-y point; it prints as 32 bytes.
    let x = &KEY[2..];
    let tr = parse(&format!("tr({x})")).unwrap();
    assert!(tr.to_string().starts_with(&format!("tr({x})#")));
    assert_eq!(
        parse(&format!("pk({x})")).unwrap_err().to_string(),
        format!("pk(): Pubkey '{x}' is invalid")
    );
}

#[test]
fn inferred_descriptors_round_trip() {
    let p2pk = Builder::new()
        .push_slice(&decode_hex(KEY).unwrap())
        .push_opcode(OP_CHECKSIG)
        .into_script();
    let d = Descriptor::infer(&p2pk, Network::Regtest);
    assert_eq!(d.to_string_without_checksum(), format!("pk({KEY})"));
    assert_eq!(d.script_pubkey().unwrap(), p2pk);
    let reparsed = Descriptor::parse(&d.to_string(), Network::Regtest, true).unwrap();
    assert_eq!(reparsed, d);
    let empty = Descriptor::infer(&Script::new(), Network::Regtest);
    assert_eq!(empty.to_string_without_checksum(), "raw()");
}

// The cases below were checked against Bitcoin Core v31.99 (`getdescriptorinfo`,
// `deriveaddresses` on mainnet).

const XPUB: &str = "xpub6ERApfZwUNrhLCkDtcHTcxd75RbzS1ed54G1LkBUHQVHQKqhMkhgbmJbZRkrgZw4koxb5JaHWkY4ALHY2grBGRjaDMzQLcgJvLJuZZvRcEL";
const XPRV: &str = "xprvA1RpRA33e1JQ7ifknakTFpgNXPmW2YvmhqLQYMmrj4xJXXWYpDPS3xz7iAxn8L39njGVyuoseXzU6rcxFLJ8HFsTjSyQbLYnMpCqE2VbFWc";
const B: &str = "669b8afcec803a0d323e9a17f3ea8e68e8abe5a278020a929adbec52421adbd0";
const C: &str = "0260b2003c386519fc9eadf2b5cf124dd8eea4c4e68d5e154050a9346ea98ce600";

fn main(text: &str) -> Descriptor {
    Descriptor::parse(text, Network::Mainnet, false).unwrap()
}

/// The addresses of the scripts at `index` that have one (P2PK has none).
fn addresses(d: &Descriptor, index: u32) -> Vec<String> {
    d.script_pubkeys_at(index)
        .unwrap()
        .iter()
        .filter_map(|s| Address::from_script(s, Network::Mainnet).ok())
        .map(|a| a.to_string())
        .collect()
}

#[test]
fn combo_gives_four_scripts_for_a_compressed_key_and_two_otherwise() {
    let wif = "L4rK1yDtCWekvXuE6oXD9jCYfFNV2cWRpVuPLBcCU2z8TrisoyY1";
    let d = main(&format!("combo({wif})"));
    assert_eq!(
        d.to_string(),
        format!("combo({KEY})#jjh3jqzg"),
        "the secret is printed as its public key"
    );
    assert!(d.has_private_keys() && d.is_solvable() && !d.is_range());
    assert_eq!(d.script_pubkeys_at(0).unwrap().len(), 4);
    assert_eq!(
        addresses(&d, 0),
        [
            "1F3sAm6ZtwLAUnj7d38pGFxtP3RVEvtsbV",
            "bc1qngw83fg8dz0k749cg7k3emc7v98wy0c74dlrkd",
            "3DnW8JGpPViEZdpqat8qky1zc26EKbXnmM"
        ]
    );
    assert_eq!(d.script_pubkey(), Err(Error::SeveralScripts));
    let uncompressed = main("combo(5KYZdUEo39z3FPrtuX2QbbwGnNP5zTd7yyr2SC1j299sBCnWjss)");
    assert_eq!(uncompressed.script_pubkeys_at(0).unwrap().len(), 2);
    assert_eq!(
        addresses(&uncompressed, 0),
        ["1HZwkjkeaoZfTSaJxDw6aKkxp45agDiEzN"]
    );
    let ranged = main(&format!("combo({XPUB}/0/*)"));
    assert_eq!(
        addresses(&ranged, 1),
        [
            "1Q3AxN32AGZffSTE1vQqRrRQzLz5N1dKBs",
            "bc1qlj6q3kwqtv7af02veey7nsn3x5x3uehd4qclpc",
            "32oU1ksmK8HU1VVfEzFybVmvK2gkZ7KFNb"
        ]
    );
    assert_eq!(ranged.script_pubkey(), Err(Error::Ranged));
    assert_eq!(
        parse_err(&format!("sh(combo({KEY}))")),
        "Can only have combo() at top level"
    );
}

fn parse_err(text: &str) -> String {
    Descriptor::parse(text, Network::Mainnet, false)
        .unwrap_err()
        .to_string()
}

#[test]
fn taproot_trees_and_multi_a() {
    let x = &KEY[2..];
    let multi_a = main(&format!("tr({x},multi_a(1,{XPUB}/*,{B}))"));
    assert!(multi_a.is_range());
    assert_eq!(
        multi_a.to_string(),
        format!("tr({x},multi_a(1,{XPUB}/*,{B}))#xasfdja8")
    );
    assert_eq!(
        addresses(&multi_a, 1),
        ["bc1pz48xarkg4kajnnrlzp3jyclf54zmm0360w5lzc6ynapdt464v39qx6de3j"]
    );
    let sorted = main(&format!("tr({x},sortedmulti_a(2,{XPUB}/*,{B}))"));
    assert_eq!(
        addresses(&sorted, 0),
        ["bc1peep0fmn5rhag5r2fxn6s64mcss93mewsh3ezltyn3qpcl96zj9tsc4f9f2"]
    );
    let tree = format!("tr({x},{{pk({B}),{{pk({C}),pk({XPUB}/7)}}}})");
    let d = main(&tree);
    assert_eq!(d.to_string(), format!("{tree}#ym6wse28"));
    assert_eq!(
        addresses(&d, 0),
        ["bc1pt0cucya3yjwj86z4zg4pfaz3p7gq2ntytz4fjj46quqwlz2k3rusnxhm58"]
    );
    let rawtr = main(&format!("rawtr({XPUB}/*)"));
    assert_eq!(
        addresses(&rawtr, 1),
        ["bc1pvn75686aa2x7m9xxr6tyzvynfxmz7flmll5qw2glve8zs6lmuerseqtk2m"]
    );
    // Core's messages for misplaced or malformed parts.
    assert_eq!(
        parse_err(&format!("tr({x},{{pk({B})}})")),
        "tr(): expected ',' after script expression"
    );
    assert_eq!(
        parse_err(&format!("tr({x},{{pk({B}),pk({C})}},pk({B}))")),
        "tr(): expected ')' after script expression"
    );
    assert_eq!(
        parse_err(&format!("wsh(multi_a(1,{KEY}))")),
        "Can only have multi_a/sortedmulti_a inside tr()"
    );
    assert_eq!(
        parse_err(&format!("tr({x},multi(1,{KEY}))")),
        "Can only have multi/sortedmulti at top level, in sh(), or in wsh()"
    );
    assert_eq!(
        parse_err(&format!("tr({x},multi_a(0,{KEY}))")),
        "Multisig threshold cannot be 0, must be at least 1"
    );
    // 129 nested pairs: deeper than a control block can prove.
    let deep = format!(
        "tr({x},{}pk({B}){})",
        "{".repeat(129),
        format!(",pk({B})}}").repeat(129)
    );
    assert_eq!(parse_err(&deep), "tr() supports at most 128 nesting levels");
}

#[test]
fn hardened_steps_need_the_secret_and_print_with_core_markers() {
    let public = main(&format!("wpkh({XPUB}/1h/*)"));
    assert_eq!(public.to_string(), format!("wpkh({XPUB}/1h/*)#yyfndz5r"));
    assert_eq!(public.script_pubkeys_at(0), Err(Error::NeedsPrivateKey));
    assert_eq!(public.derive(0), Err(Error::NeedsPrivateKey));
    // One marker per key expression: the last hardened step read decides it (Core
    // `ParseKeyPathNum`), and the secret is shown as its xpub.
    let private = main(&format!("pkh([deadbeef/1'/2h]{XPRV}/3h/*')"));
    assert_eq!(
        private.to_string(),
        format!("pkh([deadbeef/1h/2h]{XPUB}/3h/*h)#xlaekma6")
    );
    assert!(private.has_private_keys() && private.is_range());
    assert_eq!(
        addresses(&private, 1),
        ["1Hb68gSnpMwtWVaQeufJCSwzutTZJ3885i"]
    );
    let bip86 = main(&format!("tr({XPRV}/86h/0h/0h/0/*h)"));
    assert_eq!(
        bip86.to_string(),
        format!("tr({XPUB}/86h/0h/0h/0/*h)#pvetk532")
    );
    assert_eq!(
        addresses(&bip86, 0),
        ["bc1pdpg3zqlqrq9gq022ku0rgehht4zrhh5pepfq9d39d77praae679qfjj5x5"]
    );
    // The concrete descriptor at an index holds the derived keys, x-only in taproot.
    let concrete = bip86.derive(0).unwrap();
    assert!(!concrete.is_range() && !concrete.has_private_keys());
    assert_eq!(concrete.script_pubkeys_at(0), bip86.script_pubkeys_at(0));
    assert!(concrete.to_string_without_checksum().len() == "tr()".len() + 64);
    let sorted = main(&format!("wsh(sortedmulti(1,{XPUB}/*,{KEY}))"));
    assert_eq!(
        addresses(&sorted, 1),
        ["bc1qrdskn4ptvrzcvl8ft5308a70dycay8d53cf8q76vlsnta22ncjys282782"]
    );
}

#[test]
fn extended_keys_belong_to_one_network() {
    // Regtest reads tpub/tprv, not xpub (Core `DecodeExtPubKey` with the chain's prefixes).
    let err = Descriptor::parse(&format!("pk({XPUB})"), Network::Regtest, false)
        .unwrap_err()
        .to_string();
    assert_eq!(err, format!("pk(): key '{XPUB}' is not valid"));
    assert_eq!(
        parse_err(&format!("pk({XPUB}/<0;1>/*)")),
        "Multipath descriptor not accepted"
    );
    assert_eq!(
        parse_err(&format!("pk([deadbeef/<0;1>]{XPUB})")),
        "pk(): Key path value '<0;1>' specifies multipath in a section where multipath is not allowed"
    );
}
