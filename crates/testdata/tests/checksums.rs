//! Every vector file is the one `testdata/README.md` describes: its SHA-256 equals the line
//! in `SHA256SUMS`, and no file is left unlisted (a vector changed or added by mistake
//! shows up here before it changes what another test asserts).

#![allow(clippy::unwrap_used, reason = "test: a panic is a failed test")]

use std::collections::BTreeSet;
use std::path::Path;

use sha2::{Digest, Sha256};

/// Files that describe the vectors rather than being vectors.
const NOT_LISTED: [&str; 3] = ["README.md", "LICENSES.md", "SHA256SUMS"];

fn files_under(root: &Path, dir: &Path, out: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_under(root, &path, out);
        } else {
            let relative = path.strip_prefix(root).unwrap();
            out.insert(relative.to_string_lossy().replace('\\', "/"));
        }
    }
}

#[test]
fn every_vector_file_matches_sha256sums() {
    let sums = sou_testdata::read_to_string("SHA256SUMS");
    let mut listed = BTreeSet::new();
    for (number, line) in sums.lines().enumerate() {
        let (hash, name) = line
            .split_once("  ")
            .unwrap_or_else(|| panic!("SHA256SUMS line {}: not `HASH  NAME`", number + 1));
        let actual = hex::encode(Sha256::digest(sou_testdata::read(name)));
        assert_eq!(actual, hash, "{name}: SHA-256 differs from SHA256SUMS");
        assert!(listed.insert(name.to_string()), "{name} listed twice");
    }
    let mut present = BTreeSet::new();
    let root = sou_testdata::dir();
    files_under(&root, &root, &mut present);
    for name in NOT_LISTED {
        present.remove(name);
    }
    assert_eq!(
        present, listed,
        "files present and files listed in SHA256SUMS differ"
    );
    assert_eq!(listed.len(), 28, "vector files");
}
