//! From a method name and its parameters to a handler, as Core's `CRPCTable::execute`.
//!
//! Every call goes the same way: find the method's row in [`help::METHODS`] (unknown:
//! `Method not found`), turn named parameters into positions, check the count and the JSON
//! types, then run the handler. Handlers read like table rows: parse the parameters, ask
//! the node, shape the result with [`format`](crate::rpc::format).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Instant;

use serde_json::Value;
use sou_primitives::{BlockHash, Network};

use crate::logging::LogHandle;
use crate::node::Node;
use crate::rpc::auth::RpcAuth;
use crate::rpc::mempool;
use crate::rpc::output_script;
use crate::rpc::{
    bans, blockchain, blockstats, codes, control, help, mining, net, psbt, rawtransaction, RpcError,
};

/// What every handler may use: the node, and the server's own state.
pub struct Shared {
    /// The node, locked by each handler for as long as it needs it.
    pub node: Mutex<Node>,
    /// Who may call.
    pub auth: RpcAuth,
    /// The network served.
    pub network: Network,
    /// When the node started (`uptime`).
    pub started: Instant,
    /// The logs, for the `logging` method.
    pub log: Option<LogHandle>,
    /// The path of `debug.log` (`getrpcinfo`).
    pub log_path: Option<PathBuf>,
    /// Where `mempool.dat` goes (`None` with `-persistmempool=0`).
    pub mempool_path: Option<PathBuf>,
    /// `-persistmempoolv1`: write the unobfuscated version 1 of the file.
    pub persist_mempool_v1: bool,
    /// The peers.
    pub net: crate::p2p::Net,
    /// What open live-view pages are told (`-liveview`).
    pub live: crate::liveview::Events,
    /// `-stopatheight`: the node stops once its tip reaches this height (0: never).
    pub stop_at_height: AtomicU32,
    /// Set by `stop`.
    stopping: AtomicBool,
    /// Set once the RPC listeners are bound.
    serving: AtomicBool,
    stop_signal: tokio::sync::Notify,
    /// The tip and its height, signalled whenever it changes (`waitfornewblock`).
    tip: Mutex<(BlockHash, u32)>,
    tip_changed: Condvar,
    /// Calls running now, for `getrpcinfo`.
    active: Mutex<BTreeMap<u64, (String, Instant)>>,
    next_call: AtomicU64,
}

impl Shared {
    /// The shared state of a server for `node`.
    pub fn new(
        node: Node,
        auth: RpcAuth,
        log: Option<LogHandle>,
        log_path: Option<PathBuf>,
        mempool_path: Option<PathBuf>,
        persist_mempool_v1: bool,
    ) -> Shared {
        let network = node.params().network;
        let tip = (node.chain().tip(), node.chain().height());
        Shared {
            node: Mutex::new(node),
            auth,
            network,
            started: Instant::now(),
            log,
            log_path,
            mempool_path,
            persist_mempool_v1,
            net: crate::p2p::Net::new(network),
            live: crate::liveview::Events::new(),
            stop_at_height: AtomicU32::new(0),
            stopping: AtomicBool::new(false),
            serving: AtomicBool::new(false),
            stop_signal: tokio::sync::Notify::new(),
            tip: Mutex::new(tip),
            tip_changed: Condvar::new(),
            active: Mutex::new(BTreeMap::new()),
            next_call: AtomicU64::new(0),
        }
    }

    /// The node, locked. A handler that panicked while holding it left the chain state as
    /// its last completed step made it, which is consistent: carry on.
    pub fn node(&self) -> MutexGuard<'_, Node> {
        self.node
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Asks the server and the node to stop (the `stop` method, or a signal).
    pub fn request_stop(&self) {
        // The peers close as soon as they hear of the stop: which of them are anchors is
        // noted first (Core reads them in `StopNodes`, before letting them go).
        self.net.note_anchors();
        self.stopping.store(true, Ordering::SeqCst);
        self.stop_signal.notify_waiters();
        self.tip_changed.notify_all();
    }

    /// Notes that the RPC listeners are bound.
    pub fn set_serving(&self) {
        self.serving.store(true, Ordering::SeqCst);
    }

    /// True once the RPC listeners are bound.
    pub fn is_serving(&self) -> bool {
        self.serving.load(Ordering::SeqCst)
    }

    /// True once a stop was requested.
    pub fn is_stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    /// Resolves when a stop is requested.
    pub async fn stopped(&self) {
        loop {
            let notified = self.stop_signal.notified();
            if self.is_stopping() {
                return;
            }
            notified.await;
        }
    }

    /// Tells waiting calls that the tip may have moved.
    pub fn notify_tip(&self, node: &Node) {
        let mut tip = self.tip.lock().unwrap_or_else(|p| p.into_inner());
        let now = (node.chain().tip(), node.chain().height());
        if *tip != now {
            *tip = now;
            self.tip_changed.notify_all();
            self.live.tip_moved(&now.0, now.1);
            self.net.tx_relay().tip_changed();
            for (peer, how) in crate::p2p::relay::announce_tip(&self.net, node) {
                self.live.block_to_peer(peer, now.1, &now.0, how);
            }
            // Core's `KernelNotifications::blockTip` with `-stopatheight`.
            let stop_at = self.stop_at_height.load(Ordering::Relaxed);
            if stop_at > 0 && now.1 >= stop_at {
                self.request_stop();
            }
        }
    }

    /// Waits until `done(tip, height)` holds, a stop is requested, or `timeout_ms` passed
    /// (0: no limit); returns the tip then.
    pub fn wait_for_tip(
        &self,
        timeout_ms: u64,
        mut done: impl FnMut(&BlockHash, u32) -> bool,
    ) -> (BlockHash, u32) {
        let deadline =
            (timeout_ms > 0).then(|| Instant::now() + std::time::Duration::from_millis(timeout_ms));
        let mut tip = self.tip.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if done(&tip.0, tip.1) || self.is_stopping() {
                return *tip;
            }
            match deadline {
                None => {
                    tip = self
                        .tip_changed
                        .wait(tip)
                        .unwrap_or_else(|p| p.into_inner());
                }
                Some(deadline) => {
                    let now = Instant::now();
                    if now >= deadline {
                        return *tip;
                    }
                    tip = self
                        .tip_changed
                        .wait_timeout(tip, deadline - now)
                        .unwrap_or_else(|p| p.into_inner())
                        .0;
                }
            }
        }
    }

    /// The calls running now, with how long each has run (`getrpcinfo`).
    pub fn active_calls(&self) -> Vec<(String, u128)> {
        let active = self.active.lock().unwrap_or_else(|p| p.into_inner());
        active
            .values()
            .map(|(method, started)| (method.clone(), started.elapsed().as_micros()))
            .collect()
    }
}

/// Runs one call: Core's `CRPCTable::execute` and `RPCMethod::HandleRequest`.
pub fn call(
    shared: &Shared,
    method_name: &str,
    params: Value,
    wallet: Option<&str>,
) -> Result<Value, RpcError> {
    let method = help::method(method_name)
        .ok_or_else(|| RpcError::new(codes::RPC_METHOD_NOT_FOUND, "Method not found"))?;
    let params: Vec<Value> = match params {
        Value::Array(list) => list,
        Value::Object(named) => help::named_to_positional(method, &named)?,
        _ => Vec::new(),
    };
    help::check_params(method, &params)?;
    let id = shared.next_call.fetch_add(1, Ordering::Relaxed);
    shared
        .active
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(id, (method.name.to_string(), Instant::now()));
    let result = run(shared, method.name, &params, wallet);
    shared.live.after_call(shared);
    // Transactions the call put in the pool (sendrawtransaction, a wallet's payment) go
    // out to the peers once the node is unlocked.
    let announcements = shared.node().take_announcements();
    for tx in announcements {
        crate::p2p::txrelay::announce(shared, &tx, None);
    }
    shared
        .active
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .remove(&id);
    result
}

fn run(shared: &Shared, name: &str, p: &[Value], w: Option<&str>) -> Result<Value, RpcError> {
    use crate::rpc::wallet::{addresses, backup, coins, spend, transactions, wallet};
    match name {
        // Blockchain
        "getbestblockhash" => blockchain::getbestblockhash(shared, p),
        "getblock" => blockchain::getblock(shared, p),
        "getblockchaininfo" => blockchain::getblockchaininfo(shared, p),
        "getblockcount" => blockchain::getblockcount(shared, p),
        "getblockhash" => blockchain::getblockhash(shared, p),
        "getblockheader" => blockchain::getblockheader(shared, p),
        "getblockstats" => blockstats::getblockstats(shared, p),
        "getchaintips" => blockchain::getchaintips(shared, p),
        "getchaintxstats" => blockstats::getchaintxstats(shared, p),
        "getdeploymentinfo" => blockchain::getdeploymentinfo(shared, p),
        "getdifficulty" => blockchain::getdifficulty(shared, p),
        "gettxout" => blockchain::gettxout(shared, p),
        "gettxoutsetinfo" => blockchain::gettxoutsetinfo(shared, p),
        "invalidateblock" => blockchain::invalidateblock(shared, p),
        "reconsiderblock" => blockchain::reconsiderblock(shared, p),
        "preciousblock" => blockchain::preciousblock(shared, p),
        "waitfornewblock" => blockchain::waitfornewblock(shared, p),
        "waitforblock" => blockchain::waitforblock(shared, p),
        "waitforblockheight" => blockchain::waitforblockheight(shared, p),
        "verifychain" => blockchain::verifychain(shared, p),
        "pruneblockchain" => blockchain::pruneblockchain(shared, p),
        "syncwithvalidationinterfacequeue" => Ok(Value::Null),
        "getmempoolinfo" => mempool::getmempoolinfo(shared, p),
        "getrawmempool" => mempool::getrawmempool(shared, p),
        "getmempoolentry" => mempool::getmempoolentry(shared, p),
        "getmempoolcluster" => mempool::getmempoolcluster(shared, p),
        "getmempoolfeeratediagram" => mempool::getmempoolfeeratediagram(shared, p),
        "gettxspendingprevout" => mempool::gettxspendingprevout(shared, p),
        "getmempoolancestors" => mempool::getmempoolancestors(shared, p),
        "getmempooldescendants" => mempool::getmempooldescendants(shared, p),
        "savemempool" => mempool::savemempool(shared, p),
        "sendrawtransaction" => mempool::sendrawtransaction(shared, p),
        "testmempoolaccept" => mempool::testmempoolaccept(shared, p),
        "submitpackage" => mempool::submitpackage(shared, p),
        "prioritisetransaction" => mempool::prioritisetransaction(shared, p),
        "getprioritisedtransactions" => mempool::getprioritisedtransactions(shared, p),
        // Raw transactions
        "getrawtransaction" => rawtransaction::getrawtransaction(shared, p),
        "decoderawtransaction" => rawtransaction::decoderawtransaction(shared, p),
        "decodescript" => rawtransaction::decodescript(shared, p),
        "createrawtransaction" => rawtransaction::createrawtransaction(shared, p),
        "decodepsbt" => psbt::decodepsbt(shared, p),
        "combinepsbt" => psbt::combinepsbt(shared, p),
        "finalizepsbt" => psbt::finalizepsbt(shared, p),
        "createpsbt" => psbt::createpsbt(shared, p),
        "converttopsbt" => psbt::converttopsbt(shared, p),
        "utxoupdatepsbt" => psbt::utxoupdatepsbt(shared, p),
        "joinpsbts" => psbt::joinpsbts(shared, p),
        "analyzepsbt" => psbt::analyzepsbt(shared, p),
        // Descriptors (Core's `util` category)
        "getdescriptorinfo" => output_script::getdescriptorinfo(shared, p),
        "deriveaddresses" => output_script::deriveaddresses(shared, p),
        // Mining and generating
        "getblocktemplate" => mining::getblocktemplate(shared, p),
        "submitblock" => mining::submitblock(shared, p),
        "submitheader" => mining::submitheader(shared, p),
        "getmininginfo" => mining::getmininginfo(shared, p),
        "generatetoaddress" => mining::generatetoaddress(shared, p),
        "generatetodescriptor" => mining::generatetodescriptor(shared, p),
        "generateblock" => mining::generateblock(shared, p),
        // Control, network, utilities
        "getnetworkinfo" => control::getnetworkinfo(shared, p),
        "getconnectioncount" => net::getconnectioncount(shared, p),
        "getpeerinfo" => net::getpeerinfo(shared, p),
        "addnode" => net::addnode(shared, p),
        "disconnectnode" => net::disconnectnode(shared, p),
        "getnettotals" => net::getnettotals(shared, p),
        "ping" => net::ping(shared, p),
        "getaddednodeinfo" => net::getaddednodeinfo(shared, p),
        "getnodeaddresses" => net::getnodeaddresses(shared, p),
        "addpeeraddress" => net::addpeeraddress(shared, p),
        "addconnection" => net::addconnection(shared, p),
        "setnetworkactive" => net::setnetworkactive(shared, p),
        "setban" => bans::setban(shared, p),
        "listbanned" => bans::listbanned(shared, p),
        "clearbanned" => bans::clearbanned(shared, p),
        "getrpcinfo" => control::getrpcinfo(shared, p),
        "uptime" => control::uptime(shared, p),
        "setmocktime" => control::setmocktime(shared, p),
        "mockscheduler" => control::mockscheduler(shared, p),
        "logging" => control::logging(shared, p),
        "echo" | "echojson" => Ok(Value::Array(p.to_vec())),
        "stop" => control::stop(shared, p),
        "help" => control::help(shared, p),
        // Wallet (the wallet of the `/wallet/NAME` endpoint, or the only one loaded)
        "createwallet" => wallet::createwallet(shared, p),
        "loadwallet" => wallet::loadwallet(shared, p),
        "unloadwallet" => wallet::unloadwallet(shared, w, p),
        "listwallets" => wallet::listwallets(shared, p),
        "getwalletinfo" => wallet::getwalletinfo(shared, w, p),
        "settxfee" => wallet::settxfee(shared, w, p),
        "getnewaddress" => addresses::getnewaddress(shared, w, p),
        "getrawchangeaddress" => addresses::getrawchangeaddress(shared, w, p),
        "getaddressinfo" => addresses::getaddressinfo(shared, w, p),
        "getbalance" => coins::getbalance(shared, w, p),
        "getbalances" => coins::getbalances(shared, w, p),
        "listunspent" => coins::listunspent(shared, w, p),
        "listtransactions" => transactions::listtransactions(shared, w, p),
        "gettransaction" => transactions::gettransaction(shared, w, p),
        "rescanblockchain" => transactions::rescanblockchain(shared, w, p),
        "listdescriptors" => backup::listdescriptors(shared, w, p),
        "importdescriptors" => backup::importdescriptors(shared, w, p),
        "sendtoaddress" => spend::sendtoaddress(shared, w, p),
        "sendmany" => spend::sendmany(shared, w, p),
        "send" => spend::send(shared, w, p),
        "bumpfee" => spend::bumpfee(shared, w, p),
        "psbtbumpfee" => spend::psbtbumpfee(shared, w, p),
        "walletcreatefundedpsbt" => spend::walletcreatefundedpsbt(shared, w, p),
        "walletprocesspsbt" => spend::walletprocesspsbt(shared, w, p),
        "signrawtransactionwithwallet" => spend::signrawtransactionwithwallet(shared, w, p),
        other => Err(RpcError::new(
            codes::RPC_METHOD_NOT_FOUND,
            format!("Method not found ({other} is not implemented by sou yet)"),
        )),
    }
}
