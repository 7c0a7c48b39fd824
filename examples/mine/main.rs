//! Mining, live: how new bitcoins are made.
//!
//! 1. Mine a real regtest block and explain it: template, coinbase, target, winning hash.
//! 2. Mine at rising difficulty (16, 20, 24, 28 leading zero bits), with the live hash rate:
//!    each 4 more bits, 16 times more attempts.
//! 3. What a mainnet block would take at this hash rate.
//! 4. Re-mine the real mainnet block 1 (January 2009) and find its nonce again.
//!
//! Run: `cargo run --release --example mine`
//! Flags: `--threads N`, `--bits 16,20,24,28`, `--duration SECONDS` (per difficulty step),
//! `--kernel portable|fast`, `--mainnet-difficulty D`.
//!
//! With `--rpc URL` it mines for a running node instead (soud or Bitcoin Core's bitcoind),
//! as a pool's software does: ask `getblocktemplate`, build the block the template
//! describes, search the nonce on every core, hand the block back with `submitblock`.
//!
//! Run: `cargo run --release --example mine -- --rpc http://127.0.0.1:18443 --datadir DIR`
//! Flags: `--blocks N` (default 1), `--address ADDR` (default: the example's own key),
//! `--datadir DIR` (reads `DIR/regtest/.cookie`), `--rpc-cookie PATH`,
//! `--rpc-user U --rpc-password P`, `--threads N`, `--kernel portable|fast`.

use std::io::Read as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{json, Value};
use sou::chain::consensus::bip34_height_script;
use sou::chain::{Chainstate, ConnectOptions};
use sou::keys::{Address, SecretKey};
use sou::miner::search::{measure, Progress};
use sou::miner::template::{build_template, coinbase, finish_block};
use sou::miner::{mine_template, search, BlockTemplate, Kernel, Outcome, SearchOptions};
use sou::primitives::encoding::{deserialize, serialize};
use sou::primitives::hashes::sha256;
use sou::{
    Amount, Block, BlockHash, BlockHeader, CompactTarget, Network, Script, Target, Transaction,
    Txid, Wtxid, U256,
};

struct Options {
    threads: usize,
    bits: Vec<u32>,
    duration: Duration,
    kernel: Kernel,
    mainnet_difficulty: f64,
    /// `--rpc`: mine for a node instead of the local tour.
    rpc: Option<RpcOptions>,
}

/// How to reach a node and what to mine for it.
#[derive(Default)]
struct RpcOptions {
    url: String,
    cookie: Option<PathBuf>,
    datadir: Option<PathBuf>,
    user: Option<String>,
    password: Option<String>,
    address: Option<String>,
    blocks: u32,
}

const USAGE: &str = "usage: mine [--threads N] [--kernel portable|fast] [--bits 16,20,24,28] [--duration S] [--mainnet-difficulty D]
       mine --rpc URL [--blocks N] [--address ADDR] [--datadir DIR | --rpc-cookie PATH | --rpc-user U --rpc-password P] [--threads N] [--kernel portable|fast]";

fn parse_args() -> Result<Options, String> {
    let mut o = Options {
        threads: 0,
        bits: vec![16, 20, 24, 28],
        duration: Duration::from_secs(30),
        kernel: Kernel::best(),
        // Mainnet difficulty in late 2025; pass today's value with --mainnet-difficulty.
        mainnet_difficulty: 1.5e14,
        rpc: None,
    };
    let mut rpc = RpcOptions {
        blocks: 1,
        ..RpcOptions::default()
    };
    // Flags of one mode given in the other are mistakes worth reporting.
    let (mut local_flags, mut rpc_flags) = (Vec::new(), Vec::new());
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || it.next().cloned().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--bits" | "--difficulty" | "--duration" | "--mainnet-difficulty" => {
                local_flags.push(flag.clone())
            }
            "--rpc" | "--rpc-cookie" | "--datadir" | "--rpc-user" | "--rpc-password"
            | "--address" | "--blocks" => rpc_flags.push(flag.clone()),
            _ => {}
        }
        match flag.as_str() {
            "--rpc" => {
                let url = value()?;
                rpc.url = if url.contains("://") {
                    url
                } else {
                    format!("http://{url}")
                };
            }
            "--rpc-cookie" => rpc.cookie = Some(PathBuf::from(value()?)),
            "--datadir" => rpc.datadir = Some(PathBuf::from(value()?)),
            "--rpc-user" => rpc.user = Some(value()?),
            "--rpc-password" => rpc.password = Some(value()?),
            "--address" => rpc.address = Some(value()?),
            "--blocks" => rpc.blocks = value()?.parse().map_err(|e| format!("--blocks: {e}"))?,
            "--threads" => o.threads = value()?.parse().map_err(|e| format!("--threads: {e}"))?,
            "--bits" | "--difficulty" => {
                o.bits = value()?
                    .split(',')
                    .map(|b| b.trim().parse().map_err(|e| format!("--bits: {e}")))
                    .collect::<Result<_, _>>()?;
                if o.bits.iter().any(|&b| b == 0 || b > 60) {
                    return Err("--bits: between 1 and 60 leading zero bits".into());
                }
            }
            "--duration" => {
                let seconds: f64 = value()?.parse().map_err(|e| format!("--duration: {e}"))?;
                o.duration =
                    Duration::try_from_secs_f64(seconds).map_err(|e| format!("--duration: {e}"))?;
            }
            "--kernel" => {
                o.kernel = match value()?.as_str() {
                    "portable" => Kernel::Portable,
                    "fast" => Kernel::Fast,
                    other => return Err(format!("--kernel: portable or fast, not {other}")),
                }
            }
            "--mainnet-difficulty" => {
                o.mainnet_difficulty = value()?
                    .parse()
                    .map_err(|e| format!("--mainnet-difficulty: {e}"))?
            }
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown flag {other}\n{USAGE}")),
        }
    }
    if rpc.url.is_empty() {
        if let Some(flag) = rpc_flags.first() {
            return Err(format!("{flag} only works with --rpc URL"));
        }
    } else {
        if let Some(flag) = local_flags.first() {
            return Err(format!("{flag} is for the local tour, not for --rpc"));
        }
        if rpc.user.is_some() != rpc.password.is_some() {
            return Err("--rpc-user and --rpc-password go together".into());
        }
        if rpc.blocks == 0 {
            return Err("--blocks: at least 1".into());
        }
        o.rpc = Some(rpc);
    }
    Ok(o)
}

/// A target with `bits` leading zero bits: 2^(256 - bits) - 1.
fn target_with_zero_bits(bits: u32) -> Target {
    Target::from_u256(U256::ONE.shl(256 - bits).wrapping_sub(U256::ONE))
}

fn human(n: f64) -> String {
    match n {
        n if n >= 1e21 => format!("{:.2} Z", n / 1e21),
        n if n >= 1e18 => format!("{:.2} E", n / 1e18),
        n if n >= 1e15 => format!("{:.2} P", n / 1e15),
        n if n >= 1e12 => format!("{:.2} T", n / 1e12),
        n if n >= 1e9 => format!("{:.2} G", n / 1e9),
        n if n >= 1e6 => format!("{:.2} M", n / 1e6),
        n if n >= 1e3 => format!("{:.1} k", n / 1e3),
        n => format!("{n:.0} "),
    }
}

/// Searches with a live progress bar; returns the outcome, attempts and elapsed time.
fn mine_with_bar(
    header: &BlockHeader,
    target: Target,
    expected: f64,
    options: SearchOptions,
    limit: Duration,
) -> (Outcome, u64, Duration) {
    let progress = Progress::default();
    let bar = ProgressBar::new(expected as u64);
    bar.set_style(
        ProgressStyle::with_template(
            "    {spinner} [{bar:40.cyan/blue}] {human_pos:>13} hashes  {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let start = Instant::now();
    let outcome = std::thread::scope(|s| {
        let worker = s.spawn(|| search(header, target, 0, u32::MAX, options, &progress));
        while !worker.is_finished() {
            std::thread::sleep(Duration::from_millis(80));
            let done = progress.hashes.load(Ordering::Relaxed);
            let rate = done as f64 / start.elapsed().as_secs_f64().max(1e-6);
            bar.set_position(done.min(bar.length().unwrap_or(u64::MAX)));
            bar.set_message(format!("{}H/s", human(rate)));
            if start.elapsed() > limit {
                progress.cancel.store(true, Ordering::Relaxed);
            }
        }
        worker.join().unwrap_or(Outcome::Cancelled)
    });
    bar.finish_and_clear();
    (
        outcome,
        progress.hashes.load(Ordering::Relaxed),
        start.elapsed(),
    )
}

fn main() -> ExitCode {
    let o = match parse_args() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let options = SearchOptions {
        kernel: o.kernel,
        threads: o.threads,
    };
    let threads = if o.threads == 0 {
        rayon::current_num_threads()
    } else {
        o.threads
    };
    println!("sou miner: {threads} threads, kernel {}\n", o.kernel.name());
    if let Some(rpc) = &o.rpc {
        return match mine_for_node(rpc, options, threads) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        };
    }

    // 1. A real regtest block.
    let params = Network::Regtest.params();
    let mut chain = Chainstate::new(params, ConnectOptions::default());
    let Ok(address) = miner_address(Network::Regtest) else {
        return ExitCode::FAILURE;
    };
    let now = u32::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
    )
    .unwrap_or(u32::MAX);
    let Some(view) = chain.branch(chain.tip()) else {
        eprintln!("error: the chain has no tip");
        return ExitCode::FAILURE;
    };
    let mut template = build_template(&view, &Vec::new(), params, &address.script_pubkey(), now);
    let Some(target) = Target::from_compact(template.block.header.bits, params.pow_limit) else {
        return ExitCode::FAILURE;
    };
    println!("1. A REGTEST BLOCK");
    println!(
        "   The template: block {} on top of genesis, one transaction, the coinbase.",
        template.height
    );
    println!(
        "   The coinbase creates {} and pays it to {address}.",
        template.block.txdata[0].output[0].value
    );
    println!("   Nobody else can claim these coins: the address is the miner's key.");
    println!("   Target (nBits {}): {target}", template.block.header.bits);
    println!("   Regtest's target is the easiest possible: about one hash in two wins.");
    let progress = Progress::default();
    // `mine_template` searches the header's nonces, rolling the coinbase's extra nonce if
    // they all fail, and leaves the winning nonce in the header.
    let Outcome::Found(nonce) = mine_template(&mut template, target, options, &progress) else {
        return ExitCode::FAILURE;
    };
    let hash = template.block.block_hash();
    println!(
        "   Found after {} attempt(s): nonce {nonce}",
        progress.hashes.load(Ordering::Relaxed)
    );
    println!("   Block hash {hash}");
    match chain.process_block(template.block.clone()) {
        Ok(outcome) if outcome.invalid.is_empty() => println!(
            "   The node validated it with every consensus rule: height {}.\n",
            chain.height()
        ),
        other => {
            println!("   Rejected: {other:?}");
            return ExitCode::FAILURE;
        }
    }

    // 2. Rising difficulty, on the next block's header.
    println!(
        "2. RISING DIFFICULTY: the same search, with targets that need more leading zero bits"
    );
    let header = template.block.header;
    let mut measured_rate = 0.0;
    for &bits in &o.bits {
        let target = target_with_zero_bits(bits);
        let expected = 2f64.powi(bits as i32);
        println!("   {bits} zero bits: hash <= {target}");
        println!("   expected attempts 2^{bits} = {}", human(expected).trim());
        let (outcome, attempts, elapsed) =
            mine_with_bar(&header, target, expected, options, o.duration);
        let rate = attempts as f64 / elapsed.as_secs_f64().max(1e-6);
        if elapsed > Duration::from_millis(200) {
            measured_rate = rate;
        }
        match outcome {
            Outcome::Found(nonce) => {
                let mut winner = header;
                winner.nonce = nonce;
                // Below a fifth of a second, thread start-up dominates: no rate shown.
                let rate_text = if elapsed > Duration::from_millis(200) {
                    format!(", {}H/s", human(rate))
                } else {
                    String::new()
                };
                println!(
                    "   found nonce {nonce} after {} attempts, all threads together ({:.2}x the expectation) in {:.2} s{rate_text}",
                    human(attempts as f64).trim(),
                    attempts as f64 / expected,
                    elapsed.as_secs_f64()
                );
                println!("   hash {}\n", winner.block_hash());
            }
            Outcome::Exhausted => {
                println!("   no nonce in 2^32 meets it: a miner would now change the extra nonce\n")
            }
            Outcome::Cancelled => println!(
                "   stopped after {:.0} s ({}H/s): luck was not with us\n",
                elapsed.as_secs_f64(),
                human(rate)
            ),
        }
    }

    // 3. Mainnet.
    if measured_rate == 0.0 {
        measured_rate = measure(options, Duration::from_secs(2)).per_second();
    }
    let hashes = o.mainnet_difficulty * 2f64.powi(32);
    let seconds = hashes / measured_rate;
    println!("3. MAINNET");
    println!(
        "   Difficulty {:.3e}: a block takes about {} hashes on average.",
        o.mainnet_difficulty,
        human(hashes).trim()
    );
    println!(
        "   At {}H/s this machine would need {:.1e} years, on average.",
        human(measured_rate),
        seconds / 3.156e7
    );
    println!(
        "   The whole network finds one every ten minutes: about {}H/s together.\n",
        human(hashes / 600.0)
    );

    // 4. The real block 1.
    println!("4. REPLAYING HISTORY: mainnet block 1, mined on 9 January 2009");
    let block1: Block = match deserialize(&BLOCK_1) {
        Ok(b) => b,
        Err(e) => {
            println!("   cannot decode block 1: {e}");
            return ExitCode::FAILURE;
        }
    };
    let known = block1.header.nonce;
    let Some(target) =
        Target::from_compact(block1.header.bits, Network::Mainnet.params().pow_limit)
    else {
        return ExitCode::FAILURE;
    };
    let start_nonce = known.saturating_sub(1 << 26);
    println!(
        "   Searching from nonce {start_nonce} at difficulty 1 (target {})",
        block1.header.bits
    );
    let mut header = block1.header;
    header.nonce = 0;
    let started = Instant::now();
    let progress = Progress::default();
    match search(&header, target, start_nonce, u32::MAX, options, &progress) {
        Outcome::Found(n) => {
            header.nonce = n;
            println!(
                "   found nonce {n} in {:.2} s (the block says {known}: {})",
                started.elapsed().as_secs_f64(),
                if n == known { "the same" } else { "different!" }
            );
            println!("   hash {}", header.block_hash());
            println!("   In 2009 Satoshi's CPU needed about 2^32 attempts for it; we started just below.");
        }
        other => println!("   not found: {other:?}"),
    }
    ExitCode::SUCCESS
}

/// The example's own miner: a P2WPKH address of a key anyone can rebuild (fine for regtest
/// coins, never for real ones).
fn miner_address(network: Network) -> Result<Address, String> {
    let key = SecretKey::from_byte_array(sha256(b"Bitcoin, comment ca marche ?"))
        .map_err(|e| format!("miner key: {e}"))?;
    Address::p2wpkh(&key.public_key(), network).map_err(|e| format!("miner address: {e}"))
}

// ---------------------------------------------------------------------------------------
// --rpc: mining for a node with getblocktemplate (BIP22, BIP23) and submitblock.
// ---------------------------------------------------------------------------------------

/// A JSON-RPC client: each call is one HTTP POST with Basic authentication, as
/// `bitcoin-cli` sends it.
struct Rpc {
    url: String,
    authorization: String,
    agent: ureq::Agent,
}

impl Rpc {
    /// Credentials: `--rpc-user`/`--rpc-password`, else the cookie the node wrote at startup
    /// (`__cookie__:<random password>`, readable only by the node's user: whoever can read
    /// it may drive the node).
    fn connect(o: &RpcOptions) -> Result<(Rpc, String), String> {
        let (credentials, source) = match (&o.user, &o.password) {
            (Some(user), Some(password)) => (format!("{user}:{password}"), format!("user {user}")),
            _ => {
                let path = match (&o.cookie, &o.datadir) {
                    (Some(path), _) => path.clone(),
                    (None, Some(dir)) => dir.join("regtest").join(".cookie"),
                    (None, None) => {
                        let home = std::env::var_os("HOME")
                            .ok_or("no --rpc-cookie, --datadir or HOME to find the cookie")?;
                        PathBuf::from(home).join(".bitcoin/regtest/.cookie")
                    }
                };
                let text = std::fs::read_to_string(&path).map_err(|e| {
                    format!(
                        "cannot read the cookie {}: {e}\n(is the node running? \
                         pass --datadir, --rpc-cookie or --rpc-user/--rpc-password)",
                        path.display()
                    )
                })?;
                (text.trim().to_owned(), format!("cookie {}", path.display()))
            }
        };
        let rpc = Rpc {
            url: o.url.clone(),
            authorization: format!(
                "Basic {}",
                sou::wallet::psbt::base64::encode(credentials.as_bytes())
            ),
            agent: ureq::AgentBuilder::new()
                .timeout(Duration::from_secs(120))
                .build(),
        };
        Ok((rpc, source))
    }

    /// Calls `method`; the result, or the node's error as a message.
    fn call(&self, method: &str, params: Value) -> Result<Value, String> {
        let body = json!({"jsonrpc": "1.0", "id": "mine", "method": method, "params": params});
        let response = match self
            .agent
            .post(&self.url)
            .set("Content-Type", "application/json")
            .set("Authorization", &self.authorization)
            .send_string(&body.to_string())
        {
            Ok(response) => response,
            Err(ureq::Error::Status(401, _)) => {
                return Err(format!(
                "{method}: the node refused our credentials (HTTP 401): wrong cookie or password"
            ))
            }
            // bitcoind answers a failed call with HTTP 500 (or 404 for an unknown method)
            // and the error in the JSON body.
            Err(ureq::Error::Status(_, response)) => response,
            Err(ureq::Error::Transport(e)) if e.kind() == ureq::ErrorKind::ConnectionFailed => {
                return Err(format!(
                    "cannot connect to {}: is the node running, with its RPC on that port?",
                    self.url
                ))
            }
            Err(ureq::Error::Transport(e)) => return Err(format!("{method}: {e}")),
        };
        let status = response.status();
        let mut text = String::new();
        // Not `into_string`: it stops at 10 MB, and a template's transactions may be more.
        response
            .into_reader()
            .read_to_string(&mut text)
            .map_err(|e| format!("{method}: reading the answer: {e}"))?;
        let reply: Value = serde_json::from_str(&text)
            .map_err(|e| format!("{method}: HTTP {status}, not a JSON-RPC answer ({e}): {text}"))?;
        match reply.get("error") {
            Some(error) if !error.is_null() => Err(format!(
                "{method} failed: {} (code {})",
                error.get("message").and_then(Value::as_str).unwrap_or("?"),
                error.get("code").unwrap_or(&Value::Null)
            )),
            _ => Ok(reply.get("result").cloned().unwrap_or(Value::Null)),
        }
    }
}

/// One transaction of a template, as BIP22 lists it.
struct TemplateTx {
    tx: Transaction,
    fee: Amount,
    sigops: u64,
}

/// The fields of a `getblocktemplate` answer that a block is made from.
struct Work {
    height: u32,
    previous: BlockHash,
    version: i32,
    curtime: u32,
    mintime: u32,
    bits: CompactTarget,
    /// The target as the node spells it (BIP22 `target`), to check our expansion.
    target: Option<String>,
    coinbase_value: Amount,
    /// BIP22 `coinbaseaux`: bytes the coinbase scriptSig must carry (Core sends none now).
    coinbase_aux: Vec<u8>,
    /// BIP141 / BIP23: the coinbase output committing to the witnesses, if any.
    witness_commitment: Option<Script>,
    transactions: Vec<TemplateTx>,
}

fn field<'a>(t: &'a Value, name: &str) -> Result<&'a Value, String> {
    t.get(name).ok_or(format!("the template has no {name:?}"))
}

fn field_str<'a>(t: &'a Value, name: &str) -> Result<&'a str, String> {
    field(t, name)?
        .as_str()
        .ok_or(format!("template field {name:?} is not a string"))
}

fn field_u64(t: &Value, name: &str) -> Result<u64, String> {
    field(t, name)?.as_u64().ok_or(format!(
        "template field {name:?} is not a non-negative integer"
    ))
}

fn field_u32(t: &Value, name: &str) -> Result<u32, String> {
    u32::try_from(field_u64(t, name)?)
        .map_err(|_| format!("template field {name:?} exceeds 32 bits"))
}

fn hex_field(text: &str, name: &str) -> Result<Vec<u8>, String> {
    hex::decode(text).map_err(|e| format!("template field {name:?} is not hex: {e}"))
}

impl Work {
    /// Reads a template, checking each transaction's ids against the ones the node gives.
    fn parse(t: &Value) -> Result<Work, String> {
        let bits = u32::from_str_radix(field_str(t, "bits")?, 16)
            .map_err(|e| format!("template field \"bits\": {e}"))?;
        let coinbase_value = i64::try_from(field_u64(t, "coinbasevalue")?)
            .map_err(|_| "template field \"coinbasevalue\" is too large".to_owned())?;
        let mut coinbase_aux = Vec::new();
        if let Some(aux) = t.get("coinbaseaux").and_then(Value::as_object) {
            for (name, value) in aux {
                let text = value
                    .as_str()
                    .ok_or(format!("coinbaseaux {name:?} is not a string"))?;
                coinbase_aux.extend(hex_field(text, "coinbaseaux")?);
            }
        }
        let witness_commitment = match t.get("default_witness_commitment") {
            None | Some(Value::Null) => None,
            Some(v) => {
                let text = v
                    .as_str()
                    .ok_or("default_witness_commitment is not a string")?;
                Some(Script::from_bytes(hex_field(
                    text,
                    "default_witness_commitment",
                )?))
            }
        };
        let mut transactions = Vec::new();
        for (i, entry) in field(t, "transactions")?
            .as_array()
            .ok_or("template field \"transactions\" is not a list")?
            .iter()
            .enumerate()
        {
            let bytes = hex_field(field_str(entry, "data")?, "data")?;
            let tx: Transaction = deserialize(&bytes)
                .map_err(|e| format!("template transaction {i} does not decode: {e}"))?;
            let txid: Txid = field_str(entry, "txid")?
                .parse()
                .map_err(|e| format!("template transaction {i}: txid: {e:?}"))?;
            if tx.compute_txid() != txid {
                return Err(format!(
                    "template transaction {i}: data does not hash to txid {txid}"
                ));
            }
            if let Some(hash) = entry.get("hash").and_then(Value::as_str) {
                let wtxid: Wtxid = hash
                    .parse()
                    .map_err(|e| format!("template transaction {i}: hash: {e:?}"))?;
                if tx.compute_wtxid() != wtxid {
                    return Err(format!(
                        "template transaction {i}: data does not hash to wtxid {wtxid}"
                    ));
                }
            }
            let fee = entry.get("fee").and_then(Value::as_i64).unwrap_or(0);
            let sigops = entry.get("sigops").and_then(Value::as_u64).unwrap_or(0);
            transactions.push(TemplateTx {
                tx,
                fee: Amount::from_sat(fee),
                sigops,
            });
        }
        Ok(Work {
            height: field_u32(t, "height")?,
            previous: field_str(t, "previousblockhash")?
                .parse()
                .map_err(|e| format!("template field \"previousblockhash\": {e:?}"))?,
            version: i32::try_from(
                field(t, "version")?
                    .as_i64()
                    .ok_or("template field \"version\" is not an integer")?,
            )
            .map_err(|_| "template field \"version\" exceeds 32 bits".to_owned())?,
            curtime: field_u32(t, "curtime")?,
            mintime: field_u32(t, "mintime").unwrap_or(0),
            bits: CompactTarget::from_consensus(bits),
            target: t.get("target").and_then(Value::as_str).map(str::to_owned),
            coinbase_value: Amount::from_sat(coinbase_value),
            coinbase_aux,
            witness_commitment,
            transactions,
        })
    }

    /// The block the template describes, nonce 0, ready for [`mine_template`]:
    /// - the coinbase: scriptSig = BIP34 height, `coinbaseaux`, 8 bytes of extra nonce;
    ///   output 0 = `coinbasevalue` to us; output 1 = `default_witness_commitment`;
    ///   witness = the 32-byte reserved value (zeros), which the commitment hashes in;
    /// - then the template's transactions, byte for byte, in the template's order;
    /// - the header from `version`, `previousblockhash`, `curtime`, `bits`, and the merkle
    ///   root of all the txids.
    fn build(&self, payout: &Script) -> Result<BlockTemplate, String> {
        let mut cb = coinbase(self.height, 0, self.coinbase_value, payout);
        if !self.coinbase_aux.is_empty() {
            // `coinbase` writes height then extra nonce (a 0x08 push and 8 bytes): the aux
            // bytes go between, so that the extra nonce stays last for `set_extra_nonce`.
            let mut script = cb.input[0].script_sig.clone().into_bytes();
            let at = script.len().saturating_sub(9);
            script.splice(at..at, self.coinbase_aux.iter().copied());
            cb.input[0].script_sig = Script::from_bytes(script);
        }
        // A coinbase scriptSig holds 2 to 100 bytes (Core `CheckTransaction`, "bad-cb-length").
        let script_len = cb.input[0].script_sig.len();
        if !(2..=100).contains(&script_len) {
            return Err(format!(
                "coinbase scriptSig would be {script_len} bytes (2 to 100 allowed)"
            ));
        }
        match &self.witness_commitment {
            Some(commitment) => cb.output[1].script_pubkey = commitment.clone(),
            None => {
                // No segwit: neither the commitment output nor a coinbase witness.
                cb.output.truncate(1);
                cb.input[0].witness = Default::default();
            }
        }
        let mut block = Block {
            header: BlockHeader {
                version: self.version,
                prev_blockhash: self.previous,
                merkle_root: Default::default(),
                time: self.curtime,
                bits: self.bits,
                nonce: 0,
            },
            txdata: std::iter::once(cb)
                .chain(self.transactions.iter().map(|t| t.tx.clone()))
                .collect(),
        };
        // Merkle root, and the witness commitment recomputed from the transactions: it
        // must come out as the node's, or we misread the template.
        finish_block(&mut block);
        if let (Some(given), Some(index)) =
            (&self.witness_commitment, block.witness_commitment_index())
        {
            let ours = &block.txdata[0].output[index].script_pubkey;
            if ours != given {
                return Err(format!(
                    "our witness commitment {} differs from the node's {}",
                    hex::encode(ours.as_bytes()),
                    hex::encode(given.as_bytes())
                ));
            }
        }
        let fees = self
            .transactions
            .iter()
            .try_fold(Amount::ZERO, |sum, t| sum.checked_add(t.fee))
            .ok_or("template fees overflow")?;
        Ok(BlockTemplate {
            weight: block.weight(),
            block,
            height: self.height,
            fees,
            sigop_cost: self.transactions.iter().map(|t| t.sigops).sum(),
            extra_nonce: 0,
        })
    }
}

/// `--rpc`: getblocktemplate, build, mine, submitblock, `o.blocks` times.
fn mine_for_node(o: &RpcOptions, options: SearchOptions, threads: usize) -> Result<(), String> {
    let (rpc, source) = Rpc::connect(o)?;
    let info = rpc.call("getblockchaininfo", json!([]))?;
    let chain = info.get("chain").and_then(Value::as_str).unwrap_or("?");
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
        let best = best.as_str().unwrap_or("?");
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
    let height = info.get("blocks").and_then(Value::as_u64).unwrap_or(0);
    let plural = if height == 1 { "" } else { "s" };
    println!(
        "Done: the node's chain has {height} block{plural}, {} of them mined here.",
        o.blocks
    );
    Ok(())
}

/// The active chain's tip as the template builder sees it.
/// Mainnet block 1 as it was broadcast (215 bytes).
const BLOCK_1: [u8; 215] = hex_literal(
    "010000006fe28c0ab6f1b372c1a6a246ae63f74f931e8365e15a089c68d6190000000000982051fd1e4ba744bbbe680e1fee14677ba1a3c3540bf7b1cdb606e857233e0e61bc6649ffff001d01e362990101000000010000000000000000000000000000000000000000000000000000000000000000ffffffff0704ffff001d0104ffffffff0100f2052a0100000043410496b538e853519c726a2c91e61ec11600ae1390813a627c66fb8be7947be63c52da7589379515d4e0a604f8141781e62294721166bf621e73a82cbf2342c858eeac00000000",
);

const fn hex_literal<const N: usize>(s: &str) -> [u8; N] {
    let b = s.as_bytes();
    let mut out = [0u8; N];
    let mut i = 0;
    while i < N {
        out[i] = (digit(b[2 * i]) << 4) | digit(b[2 * i + 1]);
        i += 1;
    }
    out
}

const fn digit(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        _ => panic!("hex literal"),
    }
}
