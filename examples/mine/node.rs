//! `--rpc`: mining for a node, as a pool's software does. The node chooses what to mine
//! (`getblocktemplate`), the miner builds the block and finds the nonce, and hands the
//! block back (`submitblock`); the node's tip then says whether it took it.

use std::sync::atomic::Ordering;
use std::time::Instant;

use serde_json::{json, Value};
use sou::chain::consensus::bip34_height_script;
use sou::keys::Address;
use sou::miner::search::Progress;
use sou::miner::{mine_template, Outcome, SearchOptions};
use sou::primitives::encoding::serialize;
use sou::{Network, Target};

use crate::args::RpcOptions;
use crate::miner_address;
use crate::rpc::Rpc;
use crate::work::Work;

/// `--rpc`: getblocktemplate, build, mine, submitblock, `o.blocks` times.
pub(crate) fn mine_for_node(
    o: &RpcOptions,
    options: SearchOptions,
    threads: usize,
) -> Result<(), String> {
    let (rpc, source) = Rpc::connect(o)?;
    let info = rpc.call("getblockchaininfo", json!([]))?;
    let chain = info
        .get("chain")
        .and_then(Value::as_str)
        .ok_or("getblockchaininfo: the answer names no \"chain\"")?;
    let network: Network = chain
        .parse()
        .map_err(|e| format!("getblockchaininfo: {e}"))?;
    let params = network.params();
    let address = match &o.address {
        Some(text) => {
            Address::parse(text, network).map_err(|e| format!("--address {text}: {e}"))?
        }
        None => miner_address(network)?,
    };
    let payout = address.script_pubkey();
    println!("MINING FOR A NODE: {}", o.url);
    println!("   Logged in with the {source}.");
    println!(
        "   The node runs {chain}; its chain has {} blocks, tip {}.",
        info.get("blocks").unwrap_or(&Value::Null),
        info.get("bestblockhash")
            .and_then(Value::as_str)
            .unwrap_or("?")
    );
    println!("   Our coinbases pay {address}.");
    println!("   The node chooses what to mine (parent, transactions, time, target);");
    println!("   the miner builds the block, finds the nonce, and hands the block back.\n");

    for round in 1..=o.blocks {
        let first = round == 1;
        let template = rpc.call("getblocktemplate", json!([{"rules": ["segwit"]}]))?;
        let work = Work::parse(&template)?;
        let target = Target::from_compact(work.bits, params.pow_limit).ok_or(format!(
            "bits {} is not a valid target on {chain}",
            work.bits
        ))?;
        if let Some(given) = &work.target {
            if *given != target.to_string() {
                return Err(format!(
                    "bits {} expands to {target}, the node says {given}",
                    work.bits
                ));
            }
        }
        let mut block = work.build(&payout)?;
        if first {
            println!("BLOCK {round} of {}", o.blocks);
            println!(
                "1. getblocktemplate {{\"rules\":[\"segwit\"]}}: the node describes the next block"
            );
            println!(
                "   height            {:<12} BIP34: the coinbase must start with this number",
                work.height
            );
            println!("   previousblockhash {}", work.previous);
            println!("                                  the tip we build on: our block extends it");
            // BIP9: the top three bits 001 mark a version-bits header; each lower bit set
            // signals readiness for one soft fork.
            let signalled: Vec<String> = (0..29)
                .filter(|bit| work.version & (1 << bit) != 0)
                .map(|bit| bit.to_string())
                .collect();
            println!(
                "   version           {:#010x}   BIP9: top bits 001; {}",
                work.version,
                if signalled.is_empty() {
                    "no soft fork signalled".to_owned()
                } else {
                    format!("signalling bit(s) {}", signalled.join(", "))
                }
            );
            println!("   curtime           {:<12} the node's clock; at least mintime {} (median of the last 11 + 1)", work.curtime, work.mintime);
            println!(
                "   bits              {:<12} the target, packed in 4 bytes; expanded:",
                work.bits.to_string()
            );
            println!("   target            {target}");
            println!("                                  a block hash, read as a number, must be at most this");
            println!(
                "   coinbasevalue     {:<12} satoshis = {}: subsidy plus fees, ours to claim",
                work.coinbase_value.to_sat(),
                work.coinbase_value
            );
            println!(
                "   transactions      {:<12} from the node's mempool, to include byte for byte",
                work.transactions.len()
            );
            for t in &work.transactions {
                println!("      {} fee {}", t.tx.compute_txid(), t.fee);
            }
            match &work.witness_commitment {
                Some(c) => {
                    println!(
                        "   default_witness_commitment {}",
                        hex::encode(c.as_bytes())
                    );
                    println!("                                  BIP141: OP_RETURN aa21a9ed + hash of all wtxids and the reserved value");
                }
                None => println!("   no default_witness_commitment: a block without segwit"),
            }
            let cb = &block.block.txdata[0];
            println!("2. Build the block");
            // The scriptSig is height, coinbaseaux (if any), then the extra nonce push.
            let script_sig = cb.input[0].script_sig.as_bytes();
            let height_len = bip34_height_script(work.height).len();
            let nonce_at = script_sig.len().saturating_sub(9);
            let (height_push, rest) = script_sig.split_at(height_len.min(nonce_at));
            let (aux, extra_nonce) = rest.split_at(nonce_at.saturating_sub(height_len));
            println!(
                "   coinbase scriptSig {} {}{}{}: the height {} as a script number (BIP34),",
                hex::encode(height_push),
                hex::encode(aux),
                if aux.is_empty() { "" } else { " " },
                hex::encode(extra_nonce),
                work.height
            );
            if !aux.is_empty() {
                println!(
                    "                                  then the template's coinbaseaux bytes,"
                );
            }
            println!("                                  then a push of 8 bytes of extra nonce, ours to vary");
            println!("   coinbase output 0: {} to {address}", cb.output[0].value);
            if let Some(out) = cb.output.get(1) {
                println!(
                    "   coinbase output 1: {} to the witness commitment",
                    out.value
                );
                println!("   coinbase witness: 32 zero bytes, the reserved value the commitment hashes in");
            }
            if let Some(ours) = block.block.compute_witness_commitment() {
                println!(
                    "   witness commitment recomputed from the transactions: {}",
                    hex::encode(ours)
                );
                println!("                                  the same as the node's: we read the template right");
            }
            println!(
                "   merkle root {}: commits to all {} transaction(s)",
                block.block.header.merkle_root,
                block.block.txdata.len()
            );
            println!(
                "   header: version, previous hash, merkle root, time, bits, nonce = 80 bytes to hash"
            );
        }
        let progress = Progress::default();
        let started = Instant::now();
        let Outcome::Found(nonce) = mine_template(&mut block, target, options, &progress) else {
            return Err("the search stopped without a nonce".into());
        };
        let elapsed = started.elapsed();
        let attempts = progress.hashes.load(Ordering::Relaxed);
        let hash = block.block.block_hash();
        let hex_block = hex::encode(serialize(&block.block));
        if first {
            println!("3. Search nonces on {threads} threads until the hash is at most the target");
            println!(
                "   nonce {nonce} (extra nonce {}) after {attempts} attempt(s), {:.3} s",
                block.extra_nonce,
                elapsed.as_secs_f64()
            );
            println!("   hash {hash}");
            println!(
                "4. submitblock <{} bytes, hex>: the node checks every rule",
                hex_block.len() / 2
            );
        }
        let answer = rpc.call("submitblock", json!([hex_block]))?;
        if !answer.is_null() {
            // BIP22: null means accepted; a string is the reason for refusing it.
            return Err(format!(
                "block {hash} at height {} rejected: {answer}",
                work.height
            ));
        }
        let best = rpc.call("getbestblockhash", json!([]))?;
        let best = best
            .as_str()
            .ok_or(format!("getbestblockhash: not a block hash: {best}"))?;
        if first {
            println!("   answer: null, which BIP22 defines as accepted (a refusal is a reason, like \"bad-txnmrklroot\")");
            println!("   getbestblockhash {best}");
            if best == hash.to_string() {
                println!("   the node's tip is now our block.\n");
            }
        } else {
            println!(
                "BLOCK {round} of {}: height {}, nonce {nonce}, hash {hash}, submitblock: null (accepted)",
                o.blocks, work.height
            );
        }
        if best != hash.to_string() {
            return Err(format!("the node accepted {hash} but its tip is {best}"));
        }
    }
    let info = rpc.call("getblockchaininfo", json!([]))?;
    if o.blocks > 1 {
        println!();
    }
    let height = info
        .get("blocks")
        .and_then(Value::as_u64)
        .ok_or("getblockchaininfo: the answer has no \"blocks\" count")?;
    let plural = if height == 1 { "" } else { "s" };
    println!(
        "Done: the node's chain has {height} block{plural}, {} of them mined here.",
        o.blocks
    );
    Ok(())
}
