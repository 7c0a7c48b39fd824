//! sou's frames against Bitcoin Core's functional test framework, byte for byte.
//!
//! Core's Python test framework (`test/functional/test_framework/messages.py`, shipped
//! on PyPI as `verystable`) has its own serialiser for every message, written
//! independently of Core's C++ and used by Core's tests to talk to `bitcoind`.
//! `verystable_messages.py` builds the messages of `common::fixtures` field by field
//! with it, frames them for regtest with `P2PInterface.build_message`, and prints them;
//! this test compares each with sou's `encode_frame`, and decodes each Python frame with
//! sou's `FrameDecoder`.
//!
//! The Python interpreter is `$SOU_FUNCTIONAL_PYTHON`, else `python3`. Without
//! `verystable` the test prints `SKIPPED` and passes, unless `SOU_FUNCTIONAL_PYTHON` was
//! set: then the missing package is an error, so that CI cannot skip it silently (as in
//! sou-node's `tests/functional.rs`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is a failed test"
)]

mod common;

use std::process::{Command, Stdio};

use common::{fixtures, genesis, regtest_magic};
use sou_p2p::{encode_frame, FrameDecoder};
use sou_primitives::encoding::serialize;

/// The interpreter to use, and whether it was asked for explicitly.
fn python() -> (String, bool) {
    match std::env::var("SOU_FUNCTIONAL_PYTHON") {
        Ok(path) if !path.is_empty() => (path, true),
        _ => ("python3".to_string(), false),
    }
}

/// Whether `python` can import the framework's messages and P2P modules.
fn has_framework(python: &str) -> bool {
    Command::new(python)
        .args(["-c", "import verystable.core.messages, verystable.core.p2p"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn frames_match_cores_functional_test_framework() {
    let (python, explicit) = python();
    if !has_framework(&python) {
        assert!(
            !explicit,
            "SOU_FUNCTIONAL_PYTHON={python} cannot import verystable (pip install verystable)"
        );
        println!(
            "SKIPPED: {python} cannot import verystable (Core's functional test framework: \
             pip install verystable, or set SOU_FUNCTIONAL_PYTHON to a Python that has it)"
        );
        return;
    }
    // Cargo runs integration tests in their package's folder.
    let script = std::env::current_dir()
        .unwrap()
        .join("tests/verystable_messages.py");
    let output = Command::new(&python)
        .arg(&script)
        .arg(hex::encode(serialize(&genesis())))
        .stdin(Stdio::null())
        .output()
        .expect("python starts");
    assert!(
        output.status.success(),
        "{} failed:\n{}",
        script.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    let python_frames: Vec<(&str, Vec<u8>)> = stdout
        .lines()
        .map(|line| {
            let (name, frame) = line.split_once(' ').expect("name and hex");
            (name, hex::decode(frame).expect("hex"))
        })
        .collect();

    let ours = fixtures();
    let names: Vec<&str> = python_frames.iter().map(|(name, _)| *name).collect();
    let expected: Vec<&str> = ours.iter().map(|(name, _)| *name).collect();
    assert_eq!(names, expected, "the script builds the same messages");

    let mut decoder = FrameDecoder::new(regtest_magic());
    for ((name, message), (_, theirs)) in ours.iter().zip(&python_frames) {
        let mine = encode_frame(regtest_magic(), message);
        assert_eq!(
            hex::encode(&mine),
            hex::encode(theirs),
            "{name}: sou's frame (left) differs from the framework's (right)"
        );
        decoder.feed(theirs);
        assert_eq!(
            decoder.next_message().as_ref(),
            Some(&Ok(message.clone())),
            "{name}"
        );
    }
    println!(
        "{} messages match Core's functional test framework byte for byte",
        python_frames.len()
    );
}
