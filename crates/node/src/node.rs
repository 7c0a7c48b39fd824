//! The node: a chain state on disk, the blocks it is handed, and the blocks it mines.
//!
//! [`Node`] owns sou-chain's [`Chainstate`] over the [`DiskStore`]. It adds what a running
//! node needs around validation: starting from what the disk holds (and reconnecting the
//! blocks written after the last flush), deciding when to flush, the logs Bitcoin Core
//! writes for each block connected or refused, the transaction index, the node's clock
//! (`setmocktime`), and mining blocks on its own tip with sou-miner.
//!
//! References: Core `src/validation.cpp` (`ProcessNewBlock`, `ActivateBestChain`,
//! `FlushStateToDisk`, `UpdateTip`), `src/node/blockstorage.cpp` (`ImportBlocks`),
//! `src/rpc/mining.cpp` (`GenerateBlock`).

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use sou_chain::chainstate::{BlockEntry, ProcessOutcome};
use sou_chain::consensus::{median_time_past, BlockError};
use sou_chain::{ChainError, Chainstate, ConnectOptions};
use sou_miner::search::{search, Outcome, Progress, SearchOptions};
use sou_miner::template::{build_template, BlockTemplate, TransactionSource};
use sou_primitives::network::Params;
use sou_primitives::{Block, BlockHash, BlockHeader, Script, Target};

use crate::blockfiles::FilePos;

mod pool;

use crate::store::{DiskStore, StoreError};
pub use pool::MempoolLoad;

/// A tip older than this keeps the node in initial block download (Core's
/// `DEFAULT_MAX_TIP_AGE`, one day).
const MAX_TIP_AGE: i64 = 24 * 60 * 60;

/// How the node keeps its chain state.
#[derive(Debug, Clone)]
pub struct NodeOptions {
    /// The network's parameters (with any `-testactivationheight` applied).
    pub params: &'static Params,
    /// The folder of the block files (`blocks/`).
    pub blocks_dir: PathBuf,
    /// The database file.
    pub db_path: PathBuf,
    /// `-dbcache` in bytes: the coins cache is flushed when it grows past this.
    pub dbcache_bytes: usize,
    /// Flush at least this often while blocks are connected (Core writes its state about
    /// once an hour; a small node can afford more).
    pub flush_interval: Duration,
    /// `-txindex`.
    pub txindex: bool,
    /// `-fastprune`: small block files.
    pub fastprune: bool,
    /// `-reindex` or `-reindex-chainstate`: rebuild everything from the block files.
    pub reindex: bool,
    /// Check scripts on all cores (`-par` other than 1).
    pub parallel_scripts: bool,
    /// The script execution cache's size in bytes (half of `-maxsigcachesize`, Core
    /// giving the other half to a signature cache).
    pub script_cache_bytes: usize,
    /// The memory pool's settings.
    pub mempool: sou_mempool::pool::PoolOptions,
}

/// Core's `DEFAULT_SCRIPT_EXECUTION_CACHE_BYTES`: half of its 32 MiB of validation caches.
pub const DEFAULT_SCRIPT_CACHE_BYTES: usize = 16 << 20;

/// A failure of the node itself (never a verdict on a block).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NodeError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The saved chain state does not fit together.
    #[error("the chain state on disk is inconsistent: {0}")]
    Inconsistent(String),
    /// The database cannot be opened (damaged, or another program's file).
    #[error("Error opening block database ({0}).\nPlease restart with -reindex or -reindex-chainstate to recover.")]
    OpeningDatabase(StoreError),
    /// The block files do not hold what the database says (Core's start-up check of the
    /// last blocks, `VerifyDB`).
    #[error("Corrupted block database detected ({0}).\nPlease restart with -reindex or -reindex-chainstate to recover.")]
    CorruptBlocks(String),
}

impl From<ChainError<StoreError>> for NodeError {
    fn from(e: ChainError<StoreError>) -> NodeError {
        match e {
            ChainError::Store(e) => NodeError::Store(e),
            other => NodeError::Inconsistent(other.to_string()),
        }
    }
}

/// What became of a block handed to the node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockVerdict {
    /// Stored, and the chain moved as the outcome says (possibly not at all: a side branch).
    Accepted(ProcessOutcome),
    /// Already known (with its data).
    Duplicate,
    /// Refused for breaking a rule.
    Invalid(BlockError),
}

/// The node's chain: the chain state on disk and everything around it.
#[derive(Debug)]
pub struct Node {
    chain: Chainstate<DiskStore>,
    options: NodeOptions,
    last_flush: Instant,
    /// `setmocktime`: the node's clock, or `None` for the system's.
    mocktime: Option<i64>,
    /// Latched to false once the tip is recent (Core's `m_cached_is_ibd`).
    in_ibd: std::cell::Cell<bool>,
    /// Transactions from genesis up to a block, once computed (Core's `m_chain_tx_count`).
    chain_tx: HashMap<BlockHash, u64>,
    /// The best header, once found (Core's `m_best_header`); `None` after the tree's marks
    /// changed, to be found again.
    best_header: std::cell::Cell<Option<(BlockHash, u32)>>,
    /// Core's mempool counter `nTransactionsUpdated`, which its templates' `longpollid`
    /// ends with: 1 for the tip loaded at start, then one per block connected.
    updates: u64,
    /// The unconfirmed transactions.
    mempool: sou_mempool::pool::Mempool,
    /// Set while `invalidateblock` moves the tip: the pool takes the blocks back one by one.
    invalidating: bool,
    /// This node's own transactions entered the pool, to announce to the peers.
    announcements: Vec<std::sync::Arc<sou_primitives::Transaction>>,
    /// The active chain as the pool reads it, until the tip moves.
    active_view: std::cell::RefCell<Option<std::sync::Arc<pool::ActiveChain>>>,
    /// The loaded wallets, told of every move of the tip (see `crate::wallet::chain`).
    pub(crate) wallets: crate::wallet::WalletManager,
    /// Told of each new block that extends the tip once checked, before it is connected.
    pow_valid_hook: Option<PowValidHook>,
}

/// What [`Node::set_pow_valid_hook`] takes: the chain state (the tip still the block's
/// parent), the block and its hash.
pub type PowValidFn = dyn Fn(&Chainstate<DiskStore>, &Block, &BlockHash) + Send + Sync;

/// The hook, shareable and printable.
#[derive(Clone)]
struct PowValidHook(std::sync::Arc<PowValidFn>);

impl std::fmt::Debug for PowValidHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PowValidHook")
    }
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

impl Node {
    /// Opens the chain state on disk: loads the saved block tree and coins, then connects
    /// the blocks the block files hold beyond the last flush (all of them for `-reindex`),
    /// as Core's start-up and `ImportBlocks` do.
    pub fn open(options: NodeOptions) -> Result<Node, NodeError> {
        let params = options.params;
        let opened = crate::store::catch_quietly(|| {
            DiskStore::open(
                &options.db_path,
                &options.blocks_dir,
                params.magic,
                options.fastprune,
                options.reindex,
            )
        })
        .unwrap_or_else(|| {
            Err(StoreError::Corrupt {
                path: options.db_path.clone(),
                what: "database (reading it crashed the database library)".into(),
            })
        });
        let (mut store, saved) = opened.map_err(NodeError::OpeningDatabase)?;
        let connect = ConnectOptions {
            parallel_scripts: options.parallel_scripts,
            ..ConnectOptions::default()
        };
        let start = if options.reindex {
            FilePos::default()
        } else {
            saved.files_end
        };
        // Blocks on file that the database does not know: all of them for a reindex, those
        // written after the last flush otherwise.
        let (records, end) = store.unindexed_records(start)?;
        store
            .truncate_files(end)
            .map_err(|e| NodeError::CorruptBlocks(e.to_string()))?;
        let mut chain = match saved.coins_tip {
            Some(tip) => Chainstate::load(params, connect, store, saved.entries, tip)
                .map_err(|e| NodeError::Inconsistent(e.to_string()))?,
            None => Chainstate::with_store(params, connect, store)?,
        };
        verify_last_blocks(&mut chain)?;
        let pool_options = options.mempool.clone();
        let mut node = Node {
            chain,
            options,
            last_flush: Instant::now(),
            mocktime: None,
            in_ibd: std::cell::Cell::new(true),
            chain_tx: HashMap::new(),
            updates: 1,
            best_header: std::cell::Cell::new(None),
            mempool: sou_mempool::pool::Mempool::new(pool_options),
            active_view: std::cell::RefCell::new(None),
            invalidating: false,
            announcements: Vec::new(),
            wallets: crate::wallet::WalletManager::default(),
            pow_valid_hook: None,
        };
        // The script execution cache, salted with a secret (Core draws its nonce at start):
        // what the pool checks, a block confirming it does not check again.
        let mut salt = [0u8; 32];
        if getrandom::getrandom(&mut salt).is_ok() {
            // 32-byte entries, at least two (Core's CuckooCache `setup_bytes`).
            let bytes = node.options.script_cache_bytes;
            let entries = (bytes / 32).max(2);
            tracing::info!(
                "Using {} MiB out of {} MiB requested for script execution cache, able to store {entries} elements",
                (entries * 32) >> 20,
                bytes >> 20
            );
            node.chain
                .set_script_cache(std::sync::Arc::new(sou_chain::ScriptCache::new(
                    salt, entries,
                )));
        }
        if !records.is_empty() {
            tracing::info!(
                "Loading {} block(s) from the block files{}",
                records.len(),
                if node.options.reindex {
                    " (reindex)"
                } else {
                    " written after the last flush"
                }
            );
        }
        node.import(records)?;
        node.chain.store_mut().forget_unstored_records();
        // Whatever better branch has its data (a crash between accepting and connecting).
        let outcome = node.chain.activate_best_chain()?;
        node.after_connect(&outcome)?;
        node.flush()?;
        Ok(node)
    }

    /// Hands blocks read from files to the chain, parents first: a block whose parent is
    /// not known yet waits for it (Core's `LoadExternalBlockFile` does the same).
    pub fn import(&mut self, blocks: Vec<Block>) -> Result<(), NodeError> {
        let mut waiting: HashMap<BlockHash, Vec<Block>> = HashMap::new();
        let mut queue: Vec<Block> = Vec::new();
        for block in blocks {
            let prev = block.header.prev_blockhash;
            if self.chain.entry(&prev).is_none() {
                waiting.entry(prev).or_default().push(block);
                continue;
            }
            queue.push(block);
            while let Some(next) = queue.pop() {
                let hash = next.block_hash();
                self.submit_block(next)?;
                if let Some(children) = waiting.remove(&hash) {
                    queue.extend(children);
                }
            }
        }
        Ok(())
    }

    /// The chain state.
    pub fn chain(&self) -> &Chainstate<DiskStore> {
        &self.chain
    }

    /// The chain state, to read blocks and undo data from its store.
    pub fn chain_mut(&mut self) -> &mut Chainstate<DiskStore> {
        &mut self.chain
    }

    /// The network's parameters.
    pub fn params(&self) -> &'static Params {
        self.options.params
    }

    /// Whether `-txindex` is on.
    pub fn txindex(&self) -> bool {
        self.options.txindex
    }

    /// The node's clock: the mock time if set, else the system's.
    pub fn now(&self) -> i64 {
        self.mocktime.unwrap_or_else(unix_now)
    }

    /// `setmocktime`: `0` goes back to the system clock.
    pub fn set_mocktime(&mut self, time: i64) {
        self.mocktime = (time != 0).then_some(time);
        self.chain.set_clock(self.mocktime);
    }

    /// Core's `IsInitialBlockDownload`: true until the tip is less than a day old (the
    /// minimum chain work is zero on the test networks), then false for good.
    pub fn is_initial_block_download(&self) -> bool {
        if self.in_ibd.get() {
            let tip = self.chain.tip();
            let recent = self
                .chain
                .entry(&tip)
                .is_some_and(|e| i64::from(e.header.time) > self.now() - MAX_TIP_AGE);
            if recent {
                tracing::info!("Leaving InitialBlockDownload (latching to false)");
                self.in_ibd.set(false);
            }
        }
        self.in_ibd.get()
    }

    /// Bytes of block files (`size_on_disk`).
    pub fn size_on_disk(&self) -> u64 {
        self.chain.store().files().total_size()
    }

    /// Bytes of the database file (`gettxoutsetinfo`'s `disk_size`).
    pub fn coins_db_size(&self) -> u64 {
        std::fs::metadata(&self.options.db_path).map_or(0, |m| m.len())
    }

    /// The mock time, if set.
    pub fn mocktime(&self) -> Option<i64> {
        self.mocktime
    }

    /// Takes in a block (Core `ProcessNewBlock`): checks it, stores it, moves to the best
    /// valid chain; logs what happened as Core does.
    pub fn submit_block(&mut self, block: Block) -> Result<BlockVerdict, NodeError> {
        let hash = block.block_hash();
        if self.chain.entry(&hash).is_some_and(|e| e.has_data) {
            return Ok(BlockVerdict::Duplicate);
        }
        let started = Instant::now();
        // Core signals `NewPoWValidBlock` only for a block on the tip, out of initial
        // download: the relay of a new block, not of a catch-up.
        let hook = self
            .pow_valid_hook
            .clone()
            .filter(|_| !self.is_initial_block_download());
        let result = self.chain.process_block_with(block, |chain, block, hash| {
            if let Some(hook) = hook.filter(|_| chain.tip() == block.header.prev_blockhash) {
                (hook.0)(chain, block, hash);
            }
        });
        self.note_header(&hash);
        match result {
            Ok(outcome) => {
                self.after_connect(&outcome)?;
                tracing::debug!(
                    target: "bench",
                    "- Block {hash} processed in {:.2}ms",
                    started.elapsed().as_secs_f64() * 1e3
                );
                Ok(BlockVerdict::Accepted(outcome))
            }
            Err(ChainError::Invalid(e)) => {
                tracing::info!(
                    "ERROR: ProcessNewBlock: AcceptBlock FAILED ({}, {e})",
                    e.reject_reason()
                );
                Ok(BlockVerdict::Invalid(e))
            }
            Err(other) => Err(other.into()),
        }
    }

    /// Sets what to call with each new block that builds on the tip, once its proof of
    /// work and contents are checked and before it is connected (Core's
    /// `NewPoWValidBlock`), out of initial download: the peer-to-peer layer sends it on
    /// to its high-bandwidth compact-block peers from there.
    pub fn set_pow_valid_hook(&mut self, hook: std::sync::Arc<PowValidFn>) {
        self.pow_valid_hook = Some(PowValidHook(hook));
    }

    /// Takes in a header alone (`submitheader`, Core `ProcessNewBlockHeaders`).
    pub fn submit_header(&mut self, header: &BlockHeader) -> Result<BlockHash, BlockError> {
        let result = self.chain.accept_header(header);
        if let Ok(hash) = &result {
            self.note_header(hash);
        }
        if let Err(e) = &result {
            tracing::info!("ERROR: AcceptBlockHeader: {}, {e}", e.reject_reason());
        }
        result
    }

    /// `invalidateblock`.
    pub fn invalidate_block(&mut self, hash: &BlockHash) -> Result<(), NodeError> {
        let outcome = self.chain.invalidate_block(hash)?;
        self.best_header.set(None);
        self.invalidating = true;
        tracing::info!("InvalidateBlock: block {hash} marked invalid by hand");
        self.after_connect(&outcome)
    }

    /// `reconsiderblock`.
    pub fn reconsider_block(&mut self, hash: &BlockHash) -> Result<(), NodeError> {
        let outcome = self.chain.reconsider_block(hash)?;
        self.best_header.set(None);
        self.after_connect(&outcome)
    }

    /// `preciousblock`.
    pub fn precious_block(&mut self, hash: &BlockHash) -> Result<(), NodeError> {
        let outcome = self.chain.precious_block(hash)?;
        self.after_connect(&outcome)
    }

    /// Logs the moves of the tip, indexes transactions, flushes when it is time.
    fn after_connect(&mut self, outcome: &ProcessOutcome) -> Result<(), NodeError> {
        if !outcome.invalid.is_empty() {
            self.best_header.set(None);
        }
        for (hash, error) in &outcome.invalid {
            tracing::info!(
                "ERROR: ConnectTip: ConnectBlock {hash} failed, {}, {error}",
                error.reject_reason()
            );
            if let Some(entry) = self.chain.entry(hash) {
                tracing::info!(
                    "InvalidChainFound: invalid block={hash}  height={}  log2_work={:.6}  date='{}'",
                    entry.height,
                    entry.chain_work.log2(),
                    crate::logging::iso8601(i64::from(entry.header.time))
                );
            }
        }
        for hash in &outcome.disconnected {
            // Core's DisconnectTip logs the tip it steps back to.
            if let Some(prev) = self.chain.entry(hash).map(|e| e.header.prev_blockhash) {
                self.log_update_tip(&prev);
            }
        }
        for hash in &outcome.connected {
            self.updates += 1;
            if self.options.txindex {
                if let Some(block) = self.chain.block(hash).map_err(NodeError::Store)? {
                    let txids: Vec<_> = block.txdata.iter().map(|tx| tx.compute_txid()).collect();
                    self.chain.store_mut().index_transactions(*hash, &txids);
                }
            }
            self.log_update_tip(hash);
        }
        self.update_mempool(outcome)?;
        self.update_wallets(outcome)?;
        // Core's UpdateIBDStatus, after the tip moved: latch out of initial block download.
        self.is_initial_block_download();
        if !outcome.connected.is_empty() || !outcome.disconnected.is_empty() {
            self.maybe_flush()?;
        }
        Ok(())
    }

    /// The most-work header not known to be invalid (Core's `m_best_header`); the active
    /// tip among headers of equal work.
    pub fn best_header(&self) -> (BlockHash, u32) {
        if let Some(best) = self.best_header.get() {
            return best;
        }
        let tip = self.chain.tip();
        let mut best = (tip, self.chain.entry(&tip));
        for (hash, entry) in self.chain.entries() {
            if entry.is_failed() {
                continue;
            }
            if best.1.is_none_or(|b| entry.chain_work > b.chain_work) {
                best = (*hash, Some(entry));
            }
        }
        let best = (best.0, best.1.map_or(0, |e| e.height));
        self.best_header.set(Some(best));
        best
    }

    /// Takes a newly accepted header into account for the best header.
    fn note_header(&self, hash: &BlockHash) {
        let (Some(best), Some(entry)) = (self.best_header.get(), self.chain.entry(hash)) else {
            return;
        };
        let more_work = self
            .chain
            .entry(&best.0)
            .is_none_or(|b| entry.chain_work > b.chain_work);
        if more_work && !entry.is_failed() {
            self.best_header.set(Some((*hash, entry.height)));
        }
    }

    /// Core's `GuessVerificationProgress`: the share of all transactions up to now that the
    /// chain up to `hash` holds, estimated from the network's recorded transaction rate.
    pub fn verification_progress(&mut self, hash: &BlockHash) -> f64 {
        let chain_tx = self.chain_tx_count(hash);
        let Some(entry) = self.chain.entry(hash) else {
            return 0.0;
        };
        if chain_tx == 0 {
            return 0.0;
        }
        let data = chain_tx_data(self.params().network);
        let now = self.now();
        let block_time = i64::from(entry.header.time);
        let (_, best_height) = self.best_header();
        // Near the tip, count from the best header's height rather than the miner's
        // clock, so that the value is exactly 1 when caught up.
        let block_time = if (now - block_time).abs() <= 2 * 60 * 60 && best_height >= entry.height {
            now - i64::from(best_height - entry.height)
                * i64::from(self.params().pow_target_spacing)
        } else {
            block_time
        };
        let total = if chain_tx <= data.tx_count {
            data.tx_count as f64 + (now - data.time) as f64 * data.tx_rate
        } else {
            chain_tx as f64 + (now - block_time) as f64 * data.tx_rate
        };
        (chain_tx as f64 / total).min(1.0)
    }

    /// Core's `nTransactionsUpdated` (the end of a template's `longpollid`).
    pub fn transactions_updated(&self) -> u64 {
        self.updates + self.mempool.updates()
    }

    /// Transactions in the chain from genesis up to and including `hash` (Core's
    /// `m_chain_tx_count`, the `tx=` of its log lines).
    pub fn chain_tx_count(&mut self, hash: &BlockHash) -> u64 {
        // Walk down to a block already counted, then count back up.
        let mut path = Vec::new();
        let mut cursor = *hash;
        let mut base = 0;
        while let Some(entry) = self.chain.entry(&cursor) {
            if let Some(count) = self.chain_tx.get(&cursor) {
                base = *count;
                break;
            }
            path.push((cursor, u64::from(entry.tx_count)));
            if entry.height == 0 {
                break;
            }
            cursor = entry.header.prev_blockhash;
        }
        for (block, count) in path.into_iter().rev() {
            base += count;
            self.chain_tx.insert(block, base);
        }
        base
    }

    /// Core's `UpdateTip` log line for a new tip.
    fn log_update_tip(&mut self, hash: &BlockHash) {
        let chain_tx = self.chain_tx_count(hash);
        let progress = self.verification_progress(hash);
        let Some(entry) = self.chain.entry(hash) else {
            return;
        };
        let store = self.chain.store();
        tracing::info!(
            "UpdateTip: new best={hash} height={} version=0x{:08x} log2_work={:.6} tx={} date='{}' progress={progress:.6} cache={:.1}MiB({}txo)",
            entry.height,
            entry.header.version,
            entry.chain_work.log2(),
            chain_tx,
            crate::logging::iso8601(i64::from(entry.header.time)),
            store.cache_bytes() as f64 / 1_048_576.0,
            store.cached_coins()
        );
    }

    /// Flushes when the coins cache passed `-dbcache` or the interval passed.
    pub fn maybe_flush(&mut self) -> Result<(), NodeError> {
        if self.chain.store().cache_bytes() > self.options.dbcache_bytes
            || self.last_flush.elapsed() >= self.options.flush_interval
        {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes the chain state to disk (Core `FlushStateToDisk`).
    pub fn flush(&mut self) -> Result<(), NodeError> {
        let changed: Vec<(BlockHash, BlockEntry)> = self.chain.take_changed();
        let tip = self.chain.tip();
        let coins = self.chain.store().cached_coins();
        self.chain.store_mut().flush(&changed, &tip)?;
        self.last_flush = Instant::now();
        tracing::debug!(
            target: "coindb",
            "Flushed {} block index entries and {coins} cached coins at tip {tip}",
            changed.len()
        );
        Ok(())
    }

    /// The median time past of a block (Core `GetMedianTimePast`).
    pub fn median_time_past(&self, hash: &BlockHash) -> i64 {
        match (self.chain.branch(*hash), self.chain.entry(hash)) {
            (Some(branch), Some(entry)) => median_time_past(&branch, entry.height),
            _ => 0,
        }
    }

    /// A block template on the tip paying `payout`, with `candidates` from the mempool.
    pub fn template<S: TransactionSource + ?Sized>(
        &self,
        payout: &Script,
        candidates: &S,
    ) -> BlockTemplate {
        let branch = self
            .chain
            .branch(self.chain.tip())
            .expect("the tip is in the tree");
        let now = u32::try_from(self.now().max(0)).unwrap_or(u32::MAX);
        build_template(&branch, candidates, self.params(), payout, now)
    }

    /// Mines one block on the tip paying `payout`, trying at most `max_tries` nonces (Core
    /// `GenerateBlock`): `None` when the tries ran out.
    pub fn mine_block<S: TransactionSource + ?Sized>(
        &mut self,
        payout: &Script,
        candidates: &S,
        max_tries: &mut u64,
    ) -> Result<Option<Block>, NodeError> {
        let template = self.template(payout, candidates);
        Ok(self.mine(template.block, max_tries))
    }

    /// Searches `block`'s nonce, trying at most `max_tries` nonces, which it decreases by
    /// the tries used: `None` when they ran out (or the bits encode no valid target).
    pub fn mine(&self, mut block: Block, max_tries: &mut u64) -> Option<Block> {
        let target = Target::from_compact(block.header.bits, self.params().pow_limit)?;
        if *max_tries == 0 {
            return None;
        }
        // Core tries nonces 0, 1, 2, ... and counts each try against `max_tries`; on regtest
        // the first few nearly always do. The search runs on all cores, and is counted as
        // if it had gone in order.
        let last = u32::try_from(max_tries.saturating_sub(1)).unwrap_or(u32::MAX);
        let progress = Progress::default();
        match search(
            &block.header,
            target,
            0,
            last,
            SearchOptions::default(),
            &progress,
        ) {
            Outcome::Found(nonce) => {
                *max_tries = max_tries.saturating_sub(u64::from(nonce) + 1);
                block.header.nonce = nonce;
                Some(block)
            }
            Outcome::Exhausted | Outcome::Cancelled => {
                *max_tries = max_tries.saturating_sub(u64::from(last) + 1);
                None
            }
        }
    }
}

/// How many blocks below the tip are read back at start (Core's `-checkblocks` default).
const CHECK_BLOCKS: usize = 6;

/// Core's start-up `VerifyDB` at its lightest: the last blocks of the active chain are read
/// back from the block files and must be the blocks the tree names.
fn verify_last_blocks(chain: &mut Chainstate<DiskStore>) -> Result<(), NodeError> {
    let last: Vec<BlockHash> = chain
        .active_chain()
        .iter()
        .rev()
        .take(CHECK_BLOCKS)
        .copied()
        .collect();
    for hash in last {
        match chain.block(&hash) {
            Ok(Some(_)) => {}
            Ok(None) => {
                return Err(NodeError::CorruptBlocks(format!(
                    "block {hash} of the active chain has no data"
                )))
            }
            Err(e) => return Err(NodeError::CorruptBlocks(e.to_string())),
        }
    }
    Ok(())
}

/// What Core's chain parameters record of a network's transaction history, to estimate
/// verification progress (`ChainTxData`).
struct ChainTxData {
    /// When the count was taken (UNIX time).
    time: i64,
    /// Transactions up to then.
    tx_count: u64,
    /// Transactions per second since.
    tx_rate: f64,
}

/// Core v31's `chainTxData` of each network (src/kernel/chainparams.cpp).
fn chain_tx_data(network: sou_primitives::Network) -> ChainTxData {
    use sou_primitives::Network;
    match network {
        Network::Mainnet => ChainTxData {
            time: 1_772_055_173,
            tx_count: 1_315_805_869,
            tx_rate: 5.401_110_064_961_22,
        },
        Network::Testnet3 => ChainTxData {
            time: 1_772_051_651,
            tx_count: 536_108_416,
            tx_rate: 0.026_914_790_162_571_17,
        },
        Network::Testnet4 => ChainTxData {
            time: 1_772_013_387,
            tx_count: 14_191_421,
            tx_rate: 0.018_485_795_795_284_12,
        },
        Network::Signet => ChainTxData {
            time: 1_772_055_248,
            tx_count: 28_676_833,
            tx_rate: 0.067_366_234_363_389_29,
        },
        // Regtest: no history, a non-zero rate "to make it testable", as Core says.
        Network::Regtest => ChainTxData {
            time: 0,
            tx_count: 0,
            tx_rate: 0.001,
        },
    }
}
