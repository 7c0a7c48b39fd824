//! The questions asked of both nodes about the chain they share: its summary and tips,
//! every block at every verbosity, every transaction and script decoded.

use std::collections::BTreeSet;

use serde_json::json;
use sou_keys::Address;
use sou_primitives::encoding::serialize;
use sou_primitives::{Block, Network};

use crate::coins::{op_true_script, Keys};
use crate::compare::Pair;

/// The chain's summary, its tips, the mining and deployment state, the UTXO set's hashes.
pub(crate) fn compare_summaries(pair: &mut Pair) {
    let tip = pair.both("getbestblockhash", json!([]));
    pair.both("getblockcount", json!([]));
    pair.both("getblockchaininfo", json!([]));
    pair.both("getchaintips", json!([]));
    pair.both("getdifficulty", json!([]));
    pair.both("getmininginfo", json!([]));
    pair.both("getdeploymentinfo", json!([]));
    pair.both("getdeploymentinfo", json!([tip]));
    let genesis = pair.both("getblockhash", json!([0]));
    pair.both("getdeploymentinfo", json!([genesis]));
    for hash_type in ["hash_serialized_3", "muhash", "none"] {
        pair.both("gettxoutsetinfo", json!([hash_type]));
    }
}

/// `getblock` at verbosity 0 to 3 and `getblockheader` both ways, for each block.
pub(crate) fn compare_blocks(pair: &mut Pair, hashes: &[String]) {
    for hash in hashes {
        for verbosity in [0, 1, 2, 3] {
            pair.both("getblock", json!([hash, verbosity]));
        }
        pair.both("getblockheader", json!([hash, true]));
        pair.both("getblockheader", json!([hash, false]));
    }
}

/// `decoderawtransaction` of every transaction (and the non-witness form of those with
/// witnesses), `decodescript` of every distinct output script, of some input scripts, and
/// of the redeem, witness and leaf scripts used.
pub(crate) fn decode_everything(pair: &mut Pair, blocks: &[Block], keys: &Keys) {
    let mut scripts: BTreeSet<Vec<u8>> = BTreeSet::new();
    for block in blocks {
        for tx in &block.txdata {
            let full = hex::encode(serialize(tx));
            pair.both("decoderawtransaction", json!([full]));
            if tx.has_witness() && !tx.is_coinbase() {
                let mut bare = Vec::new();
                tx.encode_without_witness(&mut bare);
                pair.both("decoderawtransaction", json!([hex::encode(bare), false]));
            }
            for output in &tx.output {
                scripts.insert(output.script_pubkey.as_bytes().to_vec());
            }
            for input in &tx.input {
                if !input.script_sig.is_empty() {
                    scripts.insert(input.script_sig.as_bytes().to_vec());
                }
            }
        }
    }
    scripts.insert(keys.multisig_script().into_bytes());
    scripts.insert(op_true_script().into_bytes());
    for leaf in keys.tree().leaves() {
        scripts.insert(leaf.script.into_bytes());
    }
    scripts.insert(
        Address::p2wpkh(&keys.sh_wpkh.public, Network::Regtest)
            .unwrap()
            .script_pubkey()
            .into_bytes(),
    );
    scripts.insert(Vec::new());
    for script in scripts {
        pair.both("decodescript", json!([hex::encode(script)]));
    }
}
