//! The live view: a web page, served by `soud -liveview[=PORT]`, that draws what the node
//! holds as it changes: the block tree with its forks, the mempool, the peers.
//!
//! In a talk the audience should see what the speaker's commands do without reading JSON:
//! a block arrives and the tree grows; a payment waits in the mempool, then leaves it when
//! a block confirms it; `invalidateblock` leaves a branch behind and the tip moves to
//! another. No Bitcoin node has this built in (an explorer needs an indexer of its own);
//! here the node serves it from what it already knows.
//!
//! How it works:
//!
//! - [`Events`] is a broadcast channel held in [`Shared`]. The node sends on it when the
//!   tip moves ([`Shared::notify_tip`]) and when the pool may have changed (after an RPC
//!   call that changed its sequence number, after a transaction from a peer). Nothing is
//!   sent, and the pool is not even looked at, while no page is open. Blocks and
//!   transactions that come from peers, and blocks announced to them, are sent as lines
//!   of the peers' feed (`"kind": "peer"`), which a page shows without a new snapshot.
//! - The pool logs why each transaction left it (Core's removal reasons); each snapshot
//!   takes the log, so a page shows what left in the last seconds and why. `generate*`
//!   tells [`Events`] how many nonces each block took, for the mining panel.
//! - The page listens on `/events` (server-sent events, which a browser's `EventSource`
//!   reconnects by itself when the node restarts) and on each event fetches `/api/state`,
//!   a snapshot of the recent tree, the pool, the next block's template and the peers
//!   ([`state`]). A click fetches `/api/tx/TXID` or `/api/block/HASH`, the RPC's own
//!   JSON with the raw bytes cut into labelled fields ([`details`], [`raw`]).
//! - The page itself (`page.html`, `page.css`, `page.js`) is embedded in the binary: no
//!   build step, no outside assets. Everything that comes from the chain is written into
//!   the page as text (`textContent`), never as HTML, so a coinbase holding `<script>`
//!   shows as those characters.
//!
//! The server listens on 127.0.0.1 only, without authentication: it shows what the node
//! knows and changes nothing. Its port is `-liveview=PORT`, or the RPC port plus 1000
//! (19443 on regtest) for a bare `-liveview`.

pub mod details;
pub mod raw;
pub mod state;

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};
use sou_mempool::pool::Removed;
use sou_primitives::{Amount, BlockHash, Txid};
use tokio::sync::broadcast;

use crate::config::Config;
use crate::rpc::dispatch::Shared;

/// The page, its style and its script, embedded at build time.
const PAGE_HTML: &str = include_str!("page.html");
const PAGE_CSS: &str = include_str!("page.css");
const PAGE_JS: &str = include_str!("page.js");

/// How long a transaction that left the pool stays drawn, with the reason it left.
pub const LEFT_SHOWN_FOR: Duration = Duration::from_secs(10);

/// At most this many departed transactions are drawn (a block confirming thousands).
pub const LEFT_LISTED: usize = 300;

/// How many lines the peers' feed keeps.
pub const ACTIVITY_LISTED: usize = 12;

/// How many of the node's own blocks the mining panel lists.
pub const MINED_LISTED: usize = 8;

/// How long the hash rate is measured for.
pub const HASH_RATE_SAMPLE: Duration = Duration::from_millis(300);

/// How far the live view's port is from the RPC port when `-liveview` names none.
pub const PORT_OFFSET: u16 = 1000;

/// What the node tells open pages: a short JSON line per change.
pub struct Events {
    sender: broadcast::Sender<String>,
    /// The pool's sequence number when it was last announced.
    mempool_seen: AtomicU64,
    /// Fees of blocks already read (a block's fees never change).
    block_fees: Mutex<HashMap<BlockHash, Amount>>,
    /// Transactions that left the pool lately, newest last, with when the view learnt it.
    left: Mutex<VecDeque<(Instant, Removed)>>,
    /// Set when a page opens with none open before: the pool's removals logged until then
    /// are old news, dropped at the next snapshot.
    stale_removals: AtomicBool,
    /// The blocks this node mined, newest last, and the totals since it started.
    mined: Mutex<Mined>,
    /// This machine's hash rate, measured the first time a page asks.
    hash_rate: std::sync::OnceLock<f64>,
    /// The last blocks and transactions that came from peers or went to them, newest last.
    activity: Mutex<VecDeque<Value>>,
}

/// What the node's own mining did: each block's attempts against the expectation.
#[derive(Debug, Default)]
pub(crate) struct Mined {
    /// The last [`MINED_LISTED`] blocks: height, hash, attempts, expected attempts.
    pub(crate) recent: VecDeque<(u32, BlockHash, u64, f64)>,
    /// Blocks mined since start.
    pub(crate) blocks: u64,
    /// Nonces tried for them.
    pub(crate) attempts: u64,
    /// The attempts their targets made expected, summed.
    pub(crate) expected: f64,
}

impl Default for Events {
    fn default() -> Events {
        Events::new()
    }
}

impl Events {
    /// A channel with no page listening.
    pub fn new() -> Events {
        // A slow page that misses events only misses refreshes: the next one is a full
        // snapshot.
        let (sender, _) = broadcast::channel(64);
        Events {
            sender,
            mempool_seen: AtomicU64::new(0),
            block_fees: Mutex::new(HashMap::new()),
            left: Mutex::new(VecDeque::new()),
            stale_removals: AtomicBool::new(true),
            mined: Mutex::new(Mined::default()),
            hash_rate: std::sync::OnceLock::new(),
            activity: Mutex::new(VecDeque::new()),
        }
    }

    /// True while at least one page listens.
    pub fn is_watched(&self) -> bool {
        self.sender.receiver_count() > 0
    }

    fn send(&self, kind: &str, detail: Value) {
        if self.is_watched() {
            let _ = self
                .sender
                .send(json!({ "kind": kind, "detail": detail }).to_string());
        }
    }

    /// The tip moved to `tip` at `height` (called by [`Shared::notify_tip`]).
    pub fn tip_moved(&self, tip: &BlockHash, height: u32) {
        self.send("tip", json!({ "hash": tip.to_string(), "height": height }));
    }

    /// The node mined a block (`generate*`): `attempts` nonces tried where its target made
    /// `expected` the average.
    pub fn block_mined(&self, height: u32, hash: BlockHash, attempts: u64, expected: f64) {
        let mut mined = self.mined.lock().unwrap_or_else(|p| p.into_inner());
        if mined.recent.len() >= MINED_LISTED {
            mined.recent.pop_front();
        }
        mined.recent.push_back((height, hash, attempts, expected));
        mined.blocks += 1;
        mined.attempts = mined.attempts.saturating_add(attempts);
        mined.expected += expected;
    }

    /// Runs `read` over what the node mined.
    pub(crate) fn with_mined<T>(&self, read: impl FnOnce(&Mined) -> T) -> T {
        read(&self.mined.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// This machine's hash rate (hashes per second on all cores), measured once, for
    /// [`HASH_RATE_SAMPLE`], the first time a page asks: a block's attempts on regtest
    /// take microseconds, too few to time.
    pub(crate) fn hash_rate(&self) -> f64 {
        *self.hash_rate.get_or_init(|| {
            sou_miner::search::measure(
                sou_miner::search::SearchOptions::default(),
                HASH_RATE_SAMPLE,
            )
            .per_second()
        })
    }

    /// A new block came from `peer` (whole, or `compact`ly as BIP152 sends it).
    pub fn block_from_peer(&self, peer: u64, height: u32, hash: &BlockHash, compact: bool) {
        let how = if compact { "cmpctblock" } else { "block" };
        self.peer_activity(peer, "in", "block", Some(height), &hash.to_string(), how);
    }

    /// A block was announced to `peer` (`how`: the message that carried it).
    pub fn block_to_peer(&self, peer: u64, height: u32, hash: &BlockHash, how: &str) {
        self.peer_activity(peer, "out", "block", Some(height), &hash.to_string(), how);
    }

    /// A transaction from `peer` entered the pool.
    pub fn tx_from_peer(&self, peer: u64, txid: &Txid) {
        self.peer_activity(peer, "in", "tx", None, &txid.to_string(), "tx");
    }

    /// One line of the peers' feed: told to open pages at once, kept for later snapshots.
    fn peer_activity(
        &self,
        peer: u64,
        direction: &str,
        what: &str,
        height: Option<u32>,
        id: &str,
        how: &str,
    ) {
        if !self.is_watched() {
            return;
        }
        let at_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
        let line = json!({
            "peer": peer,
            "dir": direction,
            "what": what,
            "height": height,
            "id": id,
            "short": state::short(id),
            "how": how,
            "at_ms": at_ms,
        });
        {
            let mut activity = self.activity.lock().unwrap_or_else(|p| p.into_inner());
            if activity.len() >= ACTIVITY_LISTED {
                activity.pop_front();
            }
            activity.push_back(line.clone());
        }
        self.send("peer", line);
    }

    /// The peers' feed, newest first.
    pub(crate) fn activity(&self) -> Vec<Value> {
        let activity = self.activity.lock().unwrap_or_else(|p| p.into_inner());
        activity.iter().rev().cloned().collect()
    }

    /// The pool changed: a transaction from a peer was accepted.
    pub fn mempool_changed(&self) {
        self.send("mempool", Value::Null);
    }

    /// After an RPC call: tells the pages if the pool's sequence number moved since it
    /// was last told (a cheap check, and none at all while no page listens).
    pub fn after_call(&self, shared: &Shared) {
        if !self.is_watched() {
            return;
        }
        let sequence = shared.node().mempool().sequence();
        if self.mempool_seen.swap(sequence, Ordering::Relaxed) != sequence {
            self.mempool_changed();
        }
    }

    fn subscribe(&self) -> broadcast::Receiver<String> {
        if !self.is_watched() {
            self.stale_removals.store(true, Ordering::Relaxed);
        }
        self.sender.subscribe()
    }

    /// Takes in the removals the pool logged since the last snapshot, and returns those of
    /// the last [`LEFT_SHOWN_FOR`], newest first.
    pub(crate) fn removals(&self, fresh: Vec<Removed>) -> Vec<(Duration, Removed)> {
        let now = Instant::now();
        let mut left = self.left.lock().unwrap_or_else(|p| p.into_inner());
        if !self.stale_removals.swap(false, Ordering::Relaxed) {
            left.extend(fresh.into_iter().map(|r| (now, r)));
        }
        while left
            .front()
            .is_some_and(|(at, _)| now.duration_since(*at) > LEFT_SHOWN_FOR)
            || left.len() > LEFT_LISTED
        {
            left.pop_front();
        }
        left.iter()
            .rev()
            .map(|(at, r)| (now.duration_since(*at), *r))
            .collect()
    }

    /// The fees of `hash`, if known without reading the block.
    pub(crate) fn cached_fees(&self, hash: &BlockHash) -> Option<Amount> {
        self.block_fees
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(hash)
            .copied()
    }

    pub(crate) fn remember_fees(&self, hash: BlockHash, fees: Amount) {
        self.block_fees
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(hash, fees);
    }
}

/// The address to serve on, if `-liveview` is set: `-liveview=PORT`, or the RPC port plus
/// [`PORT_OFFSET`] for `-liveview` alone (or `-liveview=1`).
pub fn address(config: &Config, rpc_port: u16) -> Result<Option<SocketAddr>, String> {
    if !config.get_bool("liveview", false) {
        return Ok(None);
    }
    let value = config.get("liveview").unwrap_or_default();
    let port = match value.as_str() {
        "" | "1" => rpc_port.saturating_add(PORT_OFFSET),
        other => other
            .parse::<u16>()
            .ok()
            .filter(|p| *p != 0)
            .ok_or_else(|| format!("Invalid port specified in -liveview: '{other}'"))?,
    };
    Ok(Some(SocketAddr::from(([127, 0, 0, 1], port))))
}

/// Binds the live view's address (before the node says it is ready, so that a busy port
/// is an error at start, as for RPC).
pub async fn bind(address: SocketAddr) -> Result<tokio::net::TcpListener, String> {
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|e| format!("Unable to bind the live view on {address}: {e}"))?;
    tracing::info!("Live view on http://{address}/");
    Ok(listener)
}

/// Serves the live view on `listener` until the node stops.
pub async fn serve(listener: tokio::net::TcpListener, shared: Arc<Shared>) {
    let app = Router::new()
        .route("/", get(page))
        .route("/page.css", get(css))
        .route("/page.js", get(script))
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
        .route("/events", get(events))
        .route("/api/state", get(api_state))
        .route("/api/tx/{txid}", get(api_tx))
        .route("/api/tx/{txid}/{block}", get(api_tx_in_block))
        .route("/api/block/{hash}", get(api_block))
        .with_state(shared.clone());
    let stopping = async move { shared.stopped().await };
    if let Err(e) = axum::serve(listener, app)
        .with_graceful_shutdown(stopping)
        .await
    {
        tracing::warn!("live view server failed: {e}");
    }
}

fn text(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

async fn page() -> Response {
    text("text/html; charset=utf-8", PAGE_HTML)
}

async fn css() -> Response {
    text("text/css; charset=utf-8", PAGE_CSS)
}

async fn script() -> Response {
    text("text/javascript; charset=utf-8", PAGE_JS)
}

async fn events(
    State(shared): State<Arc<Shared>>,
) -> Sse<impl futures_util::Stream<Item = Result<Event, Infallible>>> {
    let receiver = shared.live.subscribe();
    // The first event makes the page fetch a snapshot at once (also after a reconnect).
    // `retry`: a page whose node restarted tries again after a second, not the default three.
    let hello = futures_util::stream::once(async {
        Ok(Event::default()
            .retry(Duration::from_secs(1))
            .data("{\"kind\":\"hello\"}"))
    });
    let changes = futures_util::stream::unfold(receiver, |mut receiver| async move {
        let data = match receiver.recv().await {
            Ok(line) => line,
            // Missed events: one refresh covers them.
            Err(broadcast::error::RecvError::Lagged(_)) => "{\"kind\":\"lagged\"}".to_string(),
            Err(broadcast::error::RecvError::Closed) => return None,
        };
        Some((Ok(Event::default().data(data)), receiver))
    });
    Sse::new(futures_util::StreamExt::chain(hello, changes))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(10)))
}

fn json_reply(result: Result<Value, (StatusCode, String)>) -> Response {
    match result {
        Ok(value) => (
            [
                (header::CONTENT_TYPE, "application/json"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            value.to_string(),
        )
            .into_response(),
        Err((status, message)) => (status, message).into_response(),
    }
}

/// Runs `work` on a blocking thread: it locks the node, which a long RPC call may hold.
async fn blocking(
    shared: Arc<Shared>,
    work: impl FnOnce(&Shared) -> Result<Value, (StatusCode, String)> + Send + 'static,
) -> Response {
    let result = tokio::task::spawn_blocking(move || work(&shared)).await;
    match result {
        Ok(result) => json_reply(result),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

async fn api_state(State(shared): State<Arc<Shared>>) -> Response {
    blocking(shared, |shared| Ok(state::snapshot(shared))).await
}

async fn api_tx(State(shared): State<Arc<Shared>>, Path(txid): Path<String>) -> Response {
    blocking(shared, move |shared| {
        details::transaction(shared, &txid, None)
    })
    .await
}

async fn api_tx_in_block(
    State(shared): State<Arc<Shared>>,
    Path((txid, block)): Path<(String, String)>,
) -> Response {
    blocking(shared, move |shared| {
        details::transaction(shared, &txid, Some(&block))
    })
    .await
}

async fn api_block(State(shared): State<Arc<Shared>>, Path(hash): Path<String>) -> Response {
    blocking(shared, move |shared| details::block(shared, &hash)).await
}
