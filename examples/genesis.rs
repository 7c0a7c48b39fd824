//! The genesis block, byte by byte.
//!
//! Every Bitcoin node starts from the same first block, written into its code. This
//! example serialises it as the network would, decodes it back, and explains each field:
//! the 80-byte header that proof of work hashes, then the one transaction that created the
//! first 50 bitcoin.
//!
//! Run: `cargo run --release --example genesis` (add `mainnet`, `testnet3`, `testnet4`,
//! `signet` or `regtest` to see another network's genesis block).

use std::process::ExitCode;

use sou::primitives::encoding::{deserialize, serialize};
use sou::primitives::script::Instruction;
use sou::{Block, Network, Target, Work};

fn main() -> ExitCode {
    let network = match std::env::args().nth(1).map(|s| s.parse::<Network>()) {
        None => Network::Mainnet,
        Some(Ok(n)) => n,
        Some(Err(e)) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let params = network.params();

    // What a peer would send: the consensus serialisation.
    let bytes = serialize(&params.genesis_block());
    println!("The {network} genesis block: block 0, the same in every node's code.");
    println!("As sent on the network it is {} bytes:\n", bytes.len());
    for line in bytes.chunks(32) {
        println!("  {}", hex(line));
    }

    // And back: decoding checks every length prefix against the bytes present.
    let block: Block = match deserialize(&bytes) {
        Ok(block) => block,
        Err(e) => {
            eprintln!("the genesis block does not decode: {e}");
            return ExitCode::FAILURE;
        }
    };
    let h = &block.header;
    let raw = &bytes[..80];

    println!("\nHEADER (80 bytes): the part that proof of work hashes");
    field(
        &raw[0..4],
        "version",
        &h.version.to_string(),
        "rules the block follows",
    );
    field(
        &raw[4..36],
        "previous block",
        "(none)",
        "all zeros: nothing came before. Every later header names its parent here: a chain",
    );
    field(
        &raw[36..68],
        "merkle root",
        &h.merkle_root.to_string(),
        "fingerprint of all the transactions: change one and the header changes",
    );
    field(
        &raw[68..72],
        "time",
        &utc(h.time),
        "set by the miner, checked loosely by nodes",
    );
    field(
        &raw[72..76],
        "bits",
        &format!("{:#010x}", h.bits.to_consensus()),
        &format!(
            "the target in compact form: {:#08x} x 256^({:#04x} - 3)",
            h.bits.to_consensus() & 0x00ff_ffff,
            h.bits.to_consensus() >> 24
        ),
    );
    field(
        &raw[76..80],
        "nonce",
        &h.nonce.to_string(),
        "the number the miner varied until the hash fell under the target",
    );

    let hash = block.block_hash();
    println!("\n  block hash = sha256d(header), shown reversed as Bitcoin does:");
    println!("    {hash}");
    if let Some(target) = Target::from_compact(h.bits, params.pow_limit) {
        println!("  target (the hash must be at most this number):");
        println!("    {target}");
        println!(
            "  met: {}. Finding such a hash takes {:.0} attempts on average (2^{:.1}): that is the block's work.",
            target.is_met_by(hash),
            2f64.powf(Work::from_compact(h.bits).log2()),
            Work::from_compact(h.bits).log2()
        );
    }

    let coinbase = &block.txdata[0];
    let input = &coinbase.input[0];
    let output = &coinbase.output[0];
    println!(
        "\nTRANSACTIONS: {} (the coinbase, which creates new coins)",
        block.txdata.len()
    );
    println!("  txid {}", coinbase.compute_txid());
    println!("  (with one transaction, the merkle root is its txid)");
    println!("  input: spends {}", input.previous_output);
    println!("    the null outpoint: no earlier coin is spent, these 50 BTC are new");
    println!("    script_sig: {}", input.script_sig);
    for step in input.script_sig.instructions().flatten() {
        if let Instruction::Push { data, .. } = step {
            if data.len() > 4 && data.iter().all(|b| b.is_ascii_graphic() || *b == b' ') {
                println!("    a coinbase may hold any data; Satoshi put a newspaper headline:");
                println!("      \"{}\"", String::from_utf8_lossy(data));
            }
        }
    }
    println!("  output: {} locked by the script", output.value);
    println!("    {}", output.script_pubkey);
    println!("    \"pay to public key\": only the holder of that key's secret could sign for it");
    println!("    (the genesis coinbase is never added to the coin set: it can never be spent)");
    println!("  lock time: {} (no delay)", coinbase.lock_time);
    println!(
        "\nSize {} bytes, weight {} (no witness data: 4 units a byte).",
        block.total_size(),
        block.weight().to_wu()
    );
    ExitCode::SUCCESS
}

/// One header field: its bytes as stored (little-endian), its value, and what it means.
fn field(raw: &[u8], name: &str, value: &str, meaning: &str) {
    let shown = if raw.len() > 8 {
        format!("{}..{}", hex(&raw[..4]), hex(&raw[raw.len() - 2..]))
    } else {
        hex(raw)
    };
    println!("  {name:<15} {shown:<14} {value}");
    println!("  {:<15} {:<14} {meaning}", "", "");
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A Unix time as a UTC date (days-to-civil conversion, proleptic Gregorian calendar).
fn utc(time: u32) -> String {
    let secs = i64::from(time);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}
