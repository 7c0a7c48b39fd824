//! Damaged files at start: a block file cut short, overwritten or gone, a database
//! damaged in several ways. `soud` must refuse with a message or serve the saved chain (or
//! a consistent prefix of it), never panic; `-reindex` must rebuild from the block files.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::support::{free_port, TestNode, BURN_ADDRESS};
use crate::{basic, try_request, GENESIS, LIMIT};

/// A `soud` started on a damaged data directory, which may refuse to start.
enum Start {
    /// It exited before answering RPC.
    Refused { status: ExitStatus, stderr: String },
    /// It answers RPC.
    Running(Soud),
}

/// A running `soud`, killed on drop if still running.
struct Soud {
    child: Option<Child>,
    datadir: PathBuf,
    port: u16,
}

impl Soud {
    fn start(datadir: &Path, extra: &[&str]) -> Start {
        let port = free_port();
        let mut child = Command::new(env!("CARGO_BIN_EXE_soud"))
            .args([
                "-regtest".to_string(),
                format!("-datadir={}", datadir.display()),
                format!("-rpcport={port}"),
                format!("-port={}", free_port()),
                "-listen=0".to_string(),
            ])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("soud starts");
        let started = Instant::now();
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                let mut stderr = String::new();
                let _ = child.stderr.take().unwrap().read_to_string(&mut stderr);
                return Start::Refused { status, stderr };
            }
            let mut soud = Soud {
                child: None,
                datadir: datadir.to_path_buf(),
                port,
            };
            if soud.call("getblockcount", json!([])).is_ok() {
                soud.child = Some(child);
                return Start::Running(soud);
            }
            if started.elapsed() > LIMIT {
                let _ = child.kill();
                let _ = child.wait();
                panic!("soud neither answered RPC nor exited within {LIMIT:?}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn call(&self, method: &str, params: Value) -> Result<Value, (i64, String)> {
        let cookie = std::fs::read_to_string(self.datadir.join("regtest").join(".cookie"))
            .unwrap_or_default();
        let body = json!({"id": 1, "method": method, "params": params}).to_string();
        let reply = try_request(
            self.port,
            "POST",
            Some(&basic(cookie.trim())),
            body.as_bytes(),
        )
        .map_err(|e| (0, e))?;
        let value: Value =
            serde_json::from_str(&reply.body).map_err(|_| (0, reply.body.clone()))?;
        if value["error"].is_null() {
            Ok(value["result"].clone())
        } else {
            Err((
                value["error"]["code"].as_i64().unwrap_or(0),
                value["error"]["message"].as_str().unwrap_or("").to_string(),
            ))
        }
    }

    fn rpc(&self, method: &str, params: Value) -> Value {
        self.call(method, params.clone())
            .unwrap_or_else(|e| panic!("{method} {params}: {e:?}"))
    }

    /// Stops it with `stop`: its exit status and standard error.
    fn stop(mut self) -> (ExitStatus, String) {
        let _ = self.call("stop", json!([]));
        let mut child = self.child.take().unwrap();
        let started = Instant::now();
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                let mut stderr = String::new();
                let _ = child.stderr.take().unwrap().read_to_string(&mut stderr);
                return (status, stderr);
            }
            if started.elapsed() > LIMIT {
                let _ = child.kill();
                let _ = child.wait();
                panic!("soud did not stop within {LIMIT:?}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Soud {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The chain a node had before its files were damaged.
struct Saved {
    /// Block hashes by height, genesis first.
    hashes: Vec<String>,
    /// `gettxoutsetinfo`'s hash of the UTXO set.
    utxo_hash: Value,
}

/// A node with 101 blocks, stopped cleanly (everything flushed), and its chain.
fn stopped_node_with_101_blocks() -> (TestNode, Saved) {
    let mut node = TestNode::start(&[]);
    let mut hashes = vec![GENESIS.to_string()];
    let mined = node.rpc("generatetoaddress", json!([101, BURN_ADDRESS]));
    hashes.extend(
        mined
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h.as_str().unwrap().to_string()),
    );
    let utxo_hash = node.rpc("gettxoutsetinfo", json!([]))["hash_serialized_3"].clone();
    let (status, stderr) = node.stop();
    assert!(status.success(), "{stderr}");
    (node, Saved { hashes, utxo_hash })
}

/// Checks the chain of a running node and returns its height: every block of the active
/// chain reads back as the block its header says (Core's `ReadBlock` refuses a block whose
/// hash is not the one asked for) and links to the one below it; below height `agree`,
/// the blocks are the saved ones.
fn assert_consistent(soud: &Soud, saved: &Saved, agree: usize, what: &str) -> usize {
    let count = soud.rpc("getblockcount", json!([])).as_u64().unwrap();
    let tip = usize::try_from(count).unwrap();
    let best = soud.rpc("getbestblockhash", json!([]));
    assert_eq!(
        soud.rpc("getblockhash", json!([count])),
        best,
        "{what}: getblockhash of the height and getbestblockhash differ"
    );
    let mut below = Value::Null;
    for height in 0..=tip {
        let hash = soud.rpc("getblockhash", json!([height]));
        if let Some(saved_hash) = saved.hashes.get(height).filter(|_| height < agree) {
            assert_eq!(
                hash, **saved_hash,
                "{what}: height {height} is not the saved block"
            );
        }
        let header = soud.rpc("getblockheader", json!([hash]));
        assert_eq!(header["height"], height, "{what}: {hash}");
        if height > 0 {
            assert_eq!(
                header["previousblockhash"], below,
                "{what}: height {height}"
            );
        }
        let shown = hash.as_str().unwrap();
        // The bytes on file: their header must hash to the hash asked for.
        match soud.call("getblock", json!([hash, 0])) {
            Ok(raw) => {
                let bytes = hex::decode(raw.as_str().unwrap()).unwrap();
                assert_eq!(
                    block_hash_of(&bytes),
                    shown,
                    "{what}: getblock {shown} 0 (height {height}) answers the bytes of another block"
                );
            }
            Err(e) => panic!(
                "{what}: block {shown} at height {height} of the active chain cannot be read: {e:?}"
            ),
        }
        // Decoded: the same header as the block tree's.
        let block = soud.rpc("getblock", json!([hash, 1]));
        for key in ["hash", "height", "merkleroot", "time", "nonce", "bits"] {
            assert_eq!(
                block[key], header[key],
                "{what}: getblock {shown} (height {height}) answers another block ({key})"
            );
        }
        below = hash;
    }
    tip
}

/// The hash of a serialized block, in display hex: SHA-256 twice over its 80-byte header.
fn block_hash_of(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let header = bytes.get(..80).expect("at least a header");
    let mut hash = Sha256::digest(Sha256::digest(header)).to_vec();
    hash.reverse();
    hex::encode(hash)
}

/// Runs `check`; a panic becomes its message's first lines.
fn failure_of(check: impl FnOnce()) -> Option<String> {
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(check));
    outcome.err().map(|e| {
        let message = e
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        message.lines().take(8).collect::<Vec<_>>().join("\n    ")
    })
}

/// A start on damaged files: a refusal must say why (exit non-zero, a message on standard
/// error, no panic); a start must serve the saved chain or a prefix of it, every block readable, and
/// all of it (the same coins too) when `whole`. Stopping then exits 0 without a panic.
fn check_start(datadir: &Path, saved: &Saved, whole: bool, what: &str) {
    match Soud::start(datadir, &[]) {
        Start::Refused { status, stderr } => {
            assert!(!stderr.contains("panicked"), "soud panicked: {stderr}");
            assert!(!status.success(), "exited with success without serving");
            // bitcoind prints e.g. "Corrupted block database detected.\nPlease restart
            // with -reindex or -reindex-chainstate to recover."; soud prints "Error: ...".
            assert!(!stderr.trim().is_empty(), "no message on standard error");
        }
        Start::Running(soud) => {
            let height = assert_consistent(&soud, saved, usize::MAX, what);
            if whole {
                assert_whole(&soud, saved, height, what);
            }
            let (status, stderr) = soud.stop();
            assert!(!stderr.contains("panicked"), "soud panicked: {stderr}");
            assert!(status.success(), "{status} {stderr}");
        }
    }
}

/// All the saved blocks, and the same coins.
fn assert_whole(soud: &Soud, saved: &Saved, height: usize, what: &str) {
    assert_eq!(height + 1, saved.hashes.len(), "{what}: blocks lost");
    assert_eq!(
        soud.rpc("gettxoutsetinfo", json!([]))["hash_serialized_3"],
        saved.utxo_hash,
        "{what}: other coins"
    );
}

/// `-reindex` (Core's advice after damage) rebuilds a consistent chain from the block
/// files: the saved blocks below `agree`, and (when `whole`) all of them with their coins.
fn check_reindex(datadir: &Path, saved: &Saved, agree: usize, whole: bool, what: &str) {
    match Soud::start(datadir, &["-reindex"]) {
        Start::Refused { status, stderr } => {
            panic!("-reindex refused to start ({status}): {stderr}")
        }
        Start::Running(soud) => {
            let height = assert_consistent(&soud, saved, agree, what);
            if whole {
                assert_whole(&soud, saved, height, what);
            }
            let (status, stderr) = soud.stop();
            assert!(!stderr.contains("panicked"), "soud panicked: {stderr}");
            assert!(status.success(), "{status} {stderr}");
        }
    }
}

/// Both checks on a damaged data directory, every failure reported.
fn check_damaged(node: &TestNode, saved: &Saved, agree: usize, whole: bool, what: &str) {
    let mut failures = Vec::new();
    if let Some(f) = failure_of(|| check_start(&node.datadir, saved, whole, what)) {
        failures.push(format!("{what}, start: {f}"));
    }
    let reindexed = format!("{what}, then -reindex");
    if let Some(f) = failure_of(|| check_reindex(&node.datadir, saved, agree, whole, &reindexed)) {
        failures.push(format!("{reindexed}: {f}"));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Where each record of a block file starts (magic, size, block).
fn record_offsets(bytes: &[u8]) -> Vec<usize> {
    let mut offsets = Vec::new();
    let mut at = 0;
    while let Some(size) = bytes.get(at + 4..at + 8) {
        offsets.push(at);
        let size = u32::from_le_bytes(size.try_into().unwrap()) as usize;
        at += 8 + size;
    }
    offsets
}

fn blk0(node: &TestNode) -> PathBuf {
    node.datadir
        .join("regtest")
        .join("blocks")
        .join("blk00000.dat")
}

/// The block file cut in the middle of the chain: Core refuses to start ("Corrupted block
/// database detected"); a node that starts must not claim blocks it cannot read.
#[test]
fn truncated_block_file_at_start() {
    let (node, saved) = stopped_node_with_101_blocks();
    let path = blk0(&node);
    let bytes = std::fs::read(&path).unwrap();
    let offsets = record_offsets(&bytes);
    assert_eq!(offsets.len(), 102);
    // Cut inside the record of block 60.
    let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    file.set_len((offsets[60] + 50) as u64).unwrap();
    drop(file);
    check_damaged(&node, &saved, 60, false, "blk00000.dat cut in block 60");
}

/// A block's header overwritten in the file (its nonce), in one of the last six blocks:
/// the block on file is not the block the index names. Core's start-up check
/// (`VerifyDB`, `-checkblocks=6`) reads the last six blocks, finds "GetHash() doesn't
/// match index" and refuses to start ("Corrupted block database detected").
#[test]
fn overwritten_block_header_in_block_file() {
    let (node, saved) = stopped_node_with_101_blocks();
    let path = blk0(&node);
    let mut bytes = std::fs::read(&path).unwrap();
    let offsets = record_offsets(&bytes);
    // The nonce: header bytes 76..80, after the 8 bytes of magic and size.
    let nonce = offsets[99] + 8 + 76;
    bytes[nonce..nonce + 4].copy_from_slice(&[0xde, 0xad, 0xbe, 0xef]);
    std::fs::write(&path, &bytes).unwrap();
    check_damaged(&node, &saved, 99, false, "block 99's nonce overwritten");
}

/// A record's magic and size overwritten with garbage: the block cannot be read at all.
#[test]
fn overwritten_record_header_in_block_file() {
    let (node, saved) = stopped_node_with_101_blocks();
    let path = blk0(&node);
    let mut bytes = std::fs::read(&path).unwrap();
    let offsets = record_offsets(&bytes);
    let at = offsets[101];
    bytes[at..at + 8].copy_from_slice(&[0x55; 8]);
    std::fs::write(&path, &bytes).unwrap();
    check_damaged(
        &node,
        &saved,
        101,
        false,
        "block 101's record header overwritten",
    );
}

/// The block file gone entirely.
#[test]
fn missing_block_file_at_start() {
    let (node, saved) = stopped_node_with_101_blocks();
    std::fs::remove_file(blk0(&node)).unwrap();
    check_damaged(&node, &saved, 0, false, "blk00000.dat removed");
}

/// The database damaged in several ways. Each start must refuse with a message (exit
/// non-zero, no panic) or come back with the very chain that was saved; and `-reindex`
/// must rebuild it from the intact block files.
#[test]
fn corrupted_database_at_start() {
    const PAGE: usize = 4096;
    type Damage = fn(&mut Vec<u8>);
    let damages: [(&str, Damage); 6] = [
        ("header overwritten", |db| db[..512].fill(0xff)),
        ("zeroed", |db| db.fill(0)),
        ("truncated to half", |db| db.truncate(db.len() / 2)),
        ("emptied", |db| db.clear()),
        ("one byte flipped in every used page", |db| {
            for page in (PAGE..db.len()).step_by(PAGE) {
                if db[page..(page + PAGE).min(db.len())]
                    .iter()
                    .any(|b| *b != 0)
                {
                    db[page + 100] ^= 0xff;
                }
            }
        }),
        ("the start of every used page overwritten", |db| {
            for page in (PAGE..db.len()).step_by(PAGE) {
                if db[page..(page + PAGE).min(db.len())]
                    .iter()
                    .any(|b| *b != 0)
                {
                    db[page..page + 16].fill(0x5a);
                }
            }
        }),
    ];
    let mut failures = Vec::new();
    for (what, damage) in damages {
        let (node, saved) = stopped_node_with_101_blocks();
        let path = node
            .datadir
            .join("regtest")
            .join("chainstate")
            .join("sou.redb");
        let mut db = std::fs::read(&path).unwrap();
        damage(&mut db);
        std::fs::write(&path, &db).unwrap();
        let what = format!("database {what}");
        if let Some(f) = failure_of(|| check_start(&node.datadir, &saved, true, &what)) {
            failures.push(format!("{what}, start: {f}"));
        }
        let reindexed = format!("{what}, then -reindex");
        if let Some(f) =
            failure_of(|| check_reindex(&node.datadir, &saved, usize::MAX, true, &reindexed))
        {
            failures.push(format!("{reindexed}: {f}"));
        }
    }
    assert!(
        failures.is_empty(),
        "damaged databases:\n{}",
        failures.join("\n")
    );
}
