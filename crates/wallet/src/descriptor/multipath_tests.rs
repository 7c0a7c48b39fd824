//! Multipath descriptors (BIP389) against Core's own cases: `CheckMultipath` and the
//! multipath `CheckUnparsable` rows of Core's `src/test/descriptor_tests.cpp` (line
//! numbers cited per row), minus those needing miniscript or `musig()`. BIP389 lists no
//! test vectors of its own.

use sou_primitives::Network;

use super::{Descriptor, Error};

/// The secret and public texts, the public form of each expansion, and each expansion's
/// scripts at indexes 0, 1, ... (Core's `expanded_pubs` and `scripts`).
type Case = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static [&'static str]],
);

include!("multipath_cases.rs");

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn core_check_multipath() {
    for (prv, pub_text, expanded, scripts) in VALID {
        for text in [prv, pub_text] {
            let all = Descriptor::parse_multipath(text, Network::Mainnet, false)
                .unwrap_or_else(|e| panic!("{text}: {e}"));
            let shown: Vec<String> = all.iter().map(|d| d.to_string_without_checksum()).collect();
            assert_eq!(shown, *expanded, "{text}");
            // One text for several descriptors: `parse` wants exactly one.
            assert_eq!(
                Descriptor::parse(text, Network::Mainnet, false),
                Err(Error::Multipath)
            );
        }
        // Scripts from the secret form, which can derive hardened steps.
        let all = Descriptor::parse_multipath(prv, Network::Mainnet, false).unwrap();
        for (descriptor, at_index) in all.iter().zip(scripts.iter()) {
            for (index, script) in at_index.iter().enumerate() {
                let index = u32::try_from(index).unwrap();
                let got = descriptor.script_pubkeys_at(index).unwrap();
                assert_eq!(got.len(), 1, "{prv} at {index}");
                assert_eq!(hex(got[0].as_bytes()), *script, "{prv} at {index}");
            }
        }
    }
    assert_eq!(VALID.len(), 9);
}

#[test]
fn core_check_unparsable_multipath() {
    for (prv, pub_text, error) in INVALID {
        for text in [prv, pub_text] {
            let got = Descriptor::parse_multipath(text, Network::Mainnet, false)
                .map(|_| ())
                .map_err(|e| e.to_string());
            assert_eq!(got, Err((*error).to_owned()), "{text}");
        }
    }
    assert_eq!(INVALID.len(), 13);
}

#[test]
fn multipath_step_rules() {
    let xpub = "xpub661MyMwAqRbcFW31YEwpkMuc5THy2PSt5bDMsktWQcFF8syAmRUapSCGu8ED9W6oDMSgv6Zz8idoc4a6mr8BDzTJY47LJhkJ8UB7WEGuduB";
    let parse = |body: &str| {
        Descriptor::parse_multipath(body, Network::Mainnet, false)
            .map(|all| {
                all.iter()
                    .map(|d| d.to_string_without_checksum())
                    .collect::<Vec<_>>()
            })
            .map_err(|e| e.to_string())
    };
    // Hardened values, and the same number with and without the marker, are distinct.
    assert_eq!(
        parse(&format!("pkh({xpub}/<1;1'>)")),
        Ok(vec![format!("pkh({xpub}/1)"), format!("pkh({xpub}/1')")])
    );
    assert_eq!(
        parse(&format!("pkh({xpub}/<1h;1h>)")),
        Err("pkh(): Duplicated key path value 2147483649 in multipath specifier".to_owned())
    );
    // A key without a multipath step is the same in every expansion.
    let expanded = parse(&format!("sh(multi(1,{xpub}/<0;1>/*,{xpub}/7))")).unwrap();
    assert_eq!(expanded.len(), 2);
    assert!(expanded.iter().all(|d| d.contains(&format!("{xpub}/7"))));
    // A descriptor without multipath gives a list of one.
    assert_eq!(parse(&format!("pkh({xpub})")).map(|v| v.len()), Ok(1));
}
