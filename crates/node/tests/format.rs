//! sou's RPC results against bitcoind's, field by field and key by key.
//!
//! `tests/data/format/` holds what a real bitcoind answered (see its README): `getblock`
//! at every verbosity and `getblockheader` for blocks of the regtest chain in
//! `testdata/blocks` (main chain, the fork Core reorganised onto, and the main blocks it
//! left), `decoderawtransaction` of their transactions and of transactions signed by
//! bitcoind with every sighash type, `decodescript` of scripts of every type, and the
//! scripts `generatetodescriptor` paid to (or the errors it gave).
//!
//! The chain is rebuilt here from the block files: heights, chain work, median times and
//! the coins each block spent (its undo data) are computed by walking it. Only what
//! depends on where the tip was when bitcoind answered (confirmations, the next block)
//! is taken from bitcoind's answer.
//!
//! ```text
//! genesis - 1 - ... - 100 - 101 - 102            main (recorded first, then stale)
//!                        \
//!                         101' - 102' - 103'     fork: Core reorganises onto it
//! ```

use std::collections::HashMap;

use serde_json::Value;
use sou_chain::chainstate::BlockUndo;
use sou_chain::consensus::Coin;
use sou_node::rpc::format::{self, BlockContext, TxOptions};
use sou_primitives::encoding::deserialize;
use sou_primitives::{Block, BlockHash, Network, OutPoint, Script, Transaction, Work};
use sou_wallet::descriptor::{descriptor_checksum, Descriptor};

const NETWORK: Network = Network::Regtest;

/// The recorded cases of one RPC.
fn cases(name: &str) -> Vec<Value> {
    // Cargo runs integration tests in their package's folder.
    let path = format!("tests/data/format/{name}");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    match serde_json::from_str(&text) {
        Ok(Value::Array(cases)) => cases,
        other => panic!("{path}: not a JSON array: {other:?}"),
    }
}

fn str_field<'a>(case: &'a Value, key: &str) -> &'a str {
    case[key]
        .as_str()
        .unwrap_or_else(|| panic!("case without {key}: {case}"))
}

/// Asserts exact equality: same keys in the same order, same number text, same strings.
/// A failure names the case and the JSON path of the first difference.
fn assert_same(label: &str, expected: &Value, actual: &Value) {
    if let Some(difference) = first_difference(expected, actual) {
        panic!("{label}: {difference}");
    }
}

/// Where `actual` first differs from `expected`. serde_json's own `==` would not do: it
/// ignores key order.
fn first_difference(expected: &Value, actual: &Value) -> Option<String> {
    fn walk(path: &str, expected: &Value, actual: &Value) -> Result<(), String> {
        match (expected, actual) {
            (Value::Object(e), Value::Object(a)) => {
                let ek: Vec<_> = e.keys().collect();
                let ak: Vec<_> = a.keys().collect();
                if ek != ak {
                    return Err(format!("{path}: keys {ek:?}, sou has {ak:?}"));
                }
                for (k, v) in e {
                    walk(&format!("{path}.{k}"), v, &a[k])?;
                }
                Ok(())
            }
            (Value::Array(e), Value::Array(a)) => {
                if e.len() != a.len() {
                    return Err(format!("{path}: {} items, sou has {}", e.len(), a.len()));
                }
                for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                    walk(&format!("{path}[{i}]"), ev, av)?;
                }
                Ok(())
            }
            // Numbers compare as text: `50.00000000` is not `50.0`.
            (Value::Number(e), Value::Number(a)) if e.to_string() == a.to_string() => Ok(()),
            (e, a) if e == a && !e.is_number() => Ok(()),
            (e, a) => Err(format!("{path}: bitcoind {e}, sou {a}")),
        }
    }
    walk("$", expected, actual).err()
}

#[test]
fn the_comparison_sees_order_and_number_text() {
    let parse = |t: &str| serde_json::from_str::<Value>(t).expect("JSON");
    let same = parse(r#"{"a": 50.00000000, "b": [1, "x"]}"#);
    assert_eq!(first_difference(&same, &same.clone()), None);
    let reordered = parse(r#"{"b": [1, "x"], "a": 50.00000000}"#);
    assert!(first_difference(&same, &reordered).is_some_and(|d| d.contains("keys")));
    let renumbered = parse(r#"{"a": 50.0, "b": [1, "x"]}"#);
    assert!(first_difference(&same, &renumbered).is_some_and(|d| d.starts_with("$.a")));
    let shorter = parse(r#"{"a": 50.00000000, "b": [1]}"#);
    assert!(first_difference(&same, &shorter).is_some_and(|d| d.starts_with("$.b")));
}

/// A block of the recorded chain and what walking the chain tells about it.
struct Entry {
    block: Block,
    height: u32,
    chain_work: Work,
    median_time: i64,
}

/// Every block of the test chain by hash, and every output they create.
struct Chain {
    blocks: HashMap<BlockHash, Entry>,
    coins: HashMap<OutPoint, Coin>,
}

impl Chain {
    fn load() -> Chain {
        let mut raw = vec![NETWORK.params().genesis_block()];
        for file in [
            "blocks/regtest_main_1-102.hex",
            "blocks/regtest_fork_101-103.hex",
        ] {
            for bytes in sou_testdata::hex_lines(file) {
                raw.push(deserialize::<Block>(&bytes).expect("a block mined by Core"));
            }
        }
        let mut chain = Chain {
            blocks: HashMap::new(),
            coins: HashMap::new(),
        };
        // Each file lists parents before children, so every parent is known in time.
        for block in raw {
            let parent = chain.blocks.get(&block.header.prev_blockhash);
            let (height, parent_work) = match parent {
                Some(p) => (p.height + 1, p.chain_work),
                None => (0, Work::ZERO),
            };
            let chain_work = parent_work
                .checked_add(Work::from_compact(block.header.bits))
                .expect("regtest work is small");
            // Median time past: the median of this block's time and its 10 ancestors'.
            let mut times = vec![i64::from(block.header.time)];
            let mut cursor = block.header.prev_blockhash;
            while times.len() < 11 {
                let Some(ancestor) = chain.blocks.get(&cursor) else {
                    break;
                };
                times.push(i64::from(ancestor.block.header.time));
                cursor = ancestor.block.header.prev_blockhash;
            }
            times.sort_unstable();
            let median_time = times[times.len() / 2];
            for tx in &block.txdata {
                let txid = tx.compute_txid();
                for (vout, output) in tx.output.iter().enumerate() {
                    let coin = Coin {
                        output: output.clone(),
                        height,
                        is_coinbase: tx.is_coinbase(),
                    };
                    let vout = u32::try_from(vout).expect("a block holds fewer outputs");
                    chain.coins.insert(OutPoint::new(txid, vout), coin);
                }
            }
            let entry = Entry {
                block,
                height,
                chain_work,
                median_time,
            };
            chain.blocks.insert(entry.block.block_hash(), entry);
        }
        chain
    }

    fn entry(&self, hash: &str) -> &Entry {
        let hash: BlockHash = hash.parse().expect("a block hash");
        self.blocks
            .get(&hash)
            .unwrap_or_else(|| panic!("{hash} is not in the test chain"))
    }

    /// The coins each transaction after the coinbase spent (what Core's undo file holds).
    fn undo(&self, block: &Block) -> BlockUndo {
        let spent = block
            .txdata
            .iter()
            .skip(1)
            .map(|tx| {
                tx.input
                    .iter()
                    .map(|input| self.coins[&input.previous_output].clone())
                    .collect()
            })
            .collect();
        BlockUndo { spent }
    }

    /// The block's context: walked from the chain, except what depends on the tip at
    /// recording time, taken from bitcoind's answer.
    fn context(&self, entry: &Entry, answer: &Value) -> BlockContext {
        BlockContext {
            height: entry.height,
            confirmations: answer["confirmations"].as_i64().expect("confirmations"),
            median_time: entry.median_time,
            chain_work: entry.chain_work,
            n_tx: entry.block.txdata.len() as u64,
            next: answer["nextblockhash"]
                .as_str()
                .map(|h| h.parse().expect("a block hash")),
        }
    }
}

#[test]
fn getblock_matches_bitcoind() {
    let chain = Chain::load();
    let cases = cases("getblock.json");
    for case in &cases {
        let label = format!(
            "{} verbosity {}",
            str_field(case, "label"),
            case["verbosity"]
        );
        let entry = chain.entry(str_field(case, "hash"));
        let expected = &case["result"];
        let verbosity = case["verbosity"]
            .as_u64()
            .and_then(|v| u8::try_from(v).ok());
        let verbosity = verbosity.expect("a verbosity");
        // Verbosity 0 is a bare hex string: the tip-dependent fields are unused there.
        let context = match verbosity {
            0 => chain.context(entry, &serde_json::json!({"confirmations": 0})),
            _ => chain.context(entry, expected),
        };
        let undo = chain.undo(&entry.block);
        let actual = format::block(&entry.block, &context, verbosity, Some(&undo), NETWORK)
            .unwrap_or_else(|e| panic!("{label}: {e}"));
        assert_same(&label, expected, &actual);
    }
    // 13 blocks (7 main, 4 after the reorganisation, 2 stale), 4 verbosities each.
    assert_eq!(cases.len(), 13 * 4);
}

#[test]
fn getblockheader_matches_bitcoind() {
    let chain = Chain::load();
    let cases = cases("getblockheader.json");
    for case in &cases {
        let label = str_field(case, "label");
        let entry = chain.entry(str_field(case, "hash"));
        let expected = &case["result"];
        let actual = format::header(&entry.block.header, &chain.context(entry, expected));
        assert_same(label, expected, &actual);
    }
    assert_eq!(cases.len(), 13);
}

#[test]
fn decoderawtransaction_matches_bitcoind() {
    let cases = cases("decoderawtransaction.json");
    for case in &cases {
        let label = str_field(case, "label");
        let bytes = hex::decode(str_field(case, "hex")).expect("hex");
        let tx: Transaction = deserialize(&bytes).unwrap_or_else(|e| panic!("{label}: {e}"));
        // decoderawtransaction: no block, no hex, no spent coins.
        let actual = format::transaction(&tx, NETWORK, &TxOptions::default())
            .unwrap_or_else(|e| panic!("{label}: {e}"));
        assert_same(label, &case["result"], &actual);
    }
    // 11 block transactions, 6 signed (one per sighash type), 1 hand-built, 2 versions.
    assert_eq!(cases.len(), 20);
}

#[test]
fn decodescript_matches_bitcoind() {
    let cases = cases("decodescript.json");
    for case in &cases {
        let label = str_field(case, "label");
        let script = Script::from_bytes(hex::decode(str_field(case, "hex")).expect("hex"));
        assert_same(
            label,
            &case["result"],
            &format::decode_script(&script, NETWORK),
        );
    }
    assert_eq!(cases.len(), 42);
}

#[test]
fn descriptors_match_generatetodescriptor() {
    let cases = cases("descriptors.json");
    let (mut paid, mut refused) = (0, 0);
    for case in &cases {
        let text = str_field(case, "descriptor");
        if let Some(checksum) = case["checksum"].as_str() {
            let body = text.split('#').next().unwrap_or(text);
            assert_eq!(
                descriptor_checksum(body).as_deref(),
                Some(checksum),
                "{text}"
            );
        }
        let parsed = Descriptor::parse(text, NETWORK, false);
        match (case["script_pubkey"].as_str(), &case["error"]) {
            (Some(script_hex), _) => {
                let descriptor = parsed.unwrap_or_else(|e| panic!("{text}: {e}"));
                let script = descriptor
                    .script_pubkey()
                    .unwrap_or_else(|e| panic!("{text}: {e}"));
                assert_eq!(hex::encode(script.as_bytes()), script_hex, "{text}");
                paid += 1;
            }
            (None, error) => {
                let message = error["message"].as_str().expect("an error message");
                // generatetodescriptor reports parse errors as RPC_INVALID_ADDRESS_OR_KEY.
                assert_eq!(error["code"].as_i64(), Some(-5), "{text}");
                match parsed {
                    Err(e) => assert_eq!(e.to_string(), message, "{text}"),
                    Ok(d) => panic!("{text}: bitcoind refused it ({message}), sou read {d}"),
                }
                refused += 1;
            }
        }
    }
    assert_eq!((paid, refused), (21, 28));
}

#[test]
fn inferred_descriptors_reparse_to_the_same_script() {
    // Every `desc` bitcoind printed for an output is a descriptor sou reads back into
    // that very output script.
    for case in cases("decodescript.json") {
        let label = str_field(&case, "label");
        let desc = str_field(&case["result"], "desc");
        let script_hex = str_field(&case, "hex");
        let parsed = Descriptor::parse(desc, NETWORK, true);
        // Inference copies keys without checking they are points; parsing checks, in
        // Core as here.
        // And Core prints the empty script as `raw()`, which its parser refuses.
        if label == "empty" {
            assert_eq!(
                parsed.map_err(|e| e.to_string()),
                Err("Raw script is not hex".into())
            );
            continue;
        }
        if label.contains("not on curve") && !desc.starts_with("addr(") {
            assert!(
                matches!(&parsed, Err(e) if e.to_string().contains("is invalid")),
                "{label}: {parsed:?}"
            );
            continue;
        }
        let descriptor = parsed.unwrap_or_else(|e| panic!("{label}: {e}"));
        let script = descriptor
            .script_pubkey()
            .unwrap_or_else(|e| panic!("{label}: {e}"));
        assert_eq!(hex::encode(script.as_bytes()), script_hex, "{label}");
    }
}
