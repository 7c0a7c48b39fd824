//! The output descriptor vectors of BIP380-386, every row run.
//!
//! `testdata/descriptors/bip380-386.tsv` lists each BIP's "Test Vectors" in order, with
//! what Bitcoin Core's `getdescriptorinfo` answers for it. A valid descriptor must parse
//! (on mainnet: the BIPs use `xpub`, WIF and addresses of mainnet), give exactly the
//! listed scripts (at child indexes 0, 1 and 2 when it is ranged), print as Core prints
//! it and report Core's `isrange`, `issolvable` and `hasprivatekeys`; an invalid one must
//! be refused with Core's message. BIP380's key expressions are run inside `pk()`, which
//! accepts every kind of key.

use std::path::PathBuf;

use sou_primitives::Network;
use sou_wallet::descriptor::Descriptor;

/// The vector file, from `SOU_VECTORS` if set (as `sou-testdata` reads it), else the
/// repository's `testdata/`.
fn vectors() -> String {
    let dir = std::env::var_os("SOU_VECTORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata"));
    let path = dir.join("descriptors/bip380-386.tsv");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// One row of the file (see its header).
struct Row<'a> {
    line: usize,
    bip: &'a str,
    valid: bool,
    key: bool,
    text: &'a str,
    scripts: Vec<&'a str>,
    core: &'a str,
    flags: &'a str,
}

fn rows(file: &str) -> Vec<Row<'_>> {
    file.lines()
        .enumerate()
        .filter(|(_, l)| !l.starts_with('#') && !l.is_empty())
        .map(|(i, l)| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 8, "line {}: eight fields", i + 1);
            Row {
                line: i + 1,
                bip: f[0],
                valid: f[1] == "valid",
                key: f[2] == "key",
                text: f[3],
                scripts: f[4].split_whitespace().collect(),
                core: f[6],
                flags: f[7],
            }
        })
        .collect()
}

/// Checks one valid row; its scripts only for whole descriptors (BIP380's key rows list
/// none, and some need hardened steps below an `xpub`).
fn check_valid(row: &Row<'_>, name: &str, d: &Descriptor) {
    assert_eq!(d.to_string(), row.core, "{name}: public form");
    let flags = format!(
        "range={} solvable={} private={}",
        u8::from(d.is_range()),
        u8::from(d.is_solvable()),
        u8::from(d.has_private_keys())
    );
    assert_eq!(flags, row.flags, "{name}");
    if !row.key {
        assert_eq!(d.is_range(), row.scripts.len() > 1, "{name}: is_range");
    }
    for (index, want) in (0u32..).zip(&row.scripts) {
        let got = d
            .script_pubkeys_at(index)
            .unwrap_or_else(|e| panic!("{name}: index {index}: {e}"));
        assert_eq!(got.len(), 1, "{name}");
        assert_eq!(
            hex::encode(got[0].as_bytes()),
            *want,
            "{name}: index {index}"
        );
        // The concrete descriptor at the index gives the same script.
        let concrete = d.derive(index).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!concrete.is_range(), "{name}");
        assert_eq!(concrete.script_pubkeys_at(0).ok(), Some(got), "{name}");
    }
    // The printed form parses back, checksum required, and prints the same.
    let again = Descriptor::parse(row.core, Network::Mainnet, true)
        .unwrap_or_else(|e| panic!("{name}: {} does not parse back: {e}", row.core));
    assert_eq!(again.to_string(), row.core, "{name}");
}

#[test]
fn bip380_to_386_vectors() {
    let file = vectors();
    let rows = rows(&file);
    let (mut valid, mut invalid) = (0, 0);
    for row in &rows {
        let name = format!("line {} (BIP{}) {}", row.line, row.bip, row.text);
        let text = if row.key {
            format!("pk({})", row.text)
        } else {
            row.text.to_owned()
        };
        match (Descriptor::parse(&text, Network::Mainnet, false), row.valid) {
            (Ok(d), true) => {
                check_valid(row, &name, &d);
                valid += 1;
            }
            (Err(e), false) => {
                assert_eq!(format!("error: {e}"), row.core, "{name}");
                invalid += 1;
            }
            (Ok(d), false) => panic!("{name}: accepted as {d}"),
            (Err(e), true) => panic!("{name}: {e}"),
        }
    }
    // BIP380: 2 checksum + 21 key rows valid, 6 + 15 invalid; BIP381: 17 + 4;
    // BIP382: 12 + 11; BIP383: 9 + 4; BIP385: 4 + 6; BIP386: 5 + 5.
    assert_eq!((valid, invalid), (70, 51));
}
