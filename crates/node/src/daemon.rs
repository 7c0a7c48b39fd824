//! `soud`'s life: from bitcoind's command line to a running node, and back to a clean exit.
//!
//! Start-up follows Core's `AppInit` order: parse the command line and `bitcoin.conf`
//! (refusing unknown options with bitcoind's message and exit status), pick the network
//! and its data directory, take the directory's lock, open the logs, load the chain state
//! (reconnecting what the block files hold beyond the last flush), import `-loadblock`
//! files, set up RPC authentication (the `.cookie`), and serve RPC until `stop` or a
//! signal. Shutdown flushes the chain state, removes the cookie and the pid file, and
//! exits 0 with nothing on standard error.
//!
//! References: Core `src/bitcoind.cpp` (`AppInit`), `src/init.cpp` (`AppInitMain`,
//! `Shutdown`).

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use sou_primitives::network::Params;
use sou_primitives::Network;

use crate::config::Config;
use crate::datadir::{DataDir, DirLock};
use crate::node::{Node, NodeOptions};
use crate::rpc::auth::RpcAuth;
use crate::rpc::dispatch::Shared;

/// Core's default `-dbcache`, in MiB.
const DEFAULT_DBCACHE_MIB: i64 = 450;

/// Prints `Error: ...` on standard error as bitcoind does, and says to exit with 1.
fn fail(message: impl std::fmt::Display) -> ExitCode {
    let _ = writeln!(std::io::stderr(), "Error: {message}");
    ExitCode::FAILURE
}

/// The RPC port of a network when `-rpcport` is not given (Core's `BaseParams`).
pub fn default_rpc_port(network: Network) -> u16 {
    match network {
        Network::Mainnet => 8332,
        Network::Testnet3 => 18332,
        Network::Testnet4 => 48332,
        Network::Signet => 38332,
        Network::Regtest => 18443,
    }
}

/// The network's parameters with `-testactivationheight=name@height` applied (regtest
/// only, as Core).
fn params_for(config: &Config) -> Result<&'static Params, String> {
    let network = config.network();
    let overrides = config.get_all("testactivationheight");
    if overrides.is_empty() {
        return Ok(network.params());
    }
    if network != Network::Regtest {
        return Err("-testactivationheight is only available on regtest".into());
    }
    let mut params = network.params().clone();
    for entry in overrides {
        let Some((name, height)) = entry.split_once('@') else {
            return Err(format!(
                "Invalid format ({entry}) for -testactivationheight=name@height."
            ));
        };
        let height: u32 = height.parse().map_err(|_| {
            format!("Invalid height value ({entry}) for -testactivationheight=name@height.")
        })?;
        let d = &mut params.deployments;
        match name {
            "segwit" => d.segwit_height = height,
            "bip34" => d.bip34_height = height,
            "dersig" => d.bip66_height = height,
            "cltv" => d.bip65_height = height,
            "csv" => d.csv_height = height,
            _ => {
                return Err(format!(
                    "Invalid name ({name}) for -testactivationheight=name@height."
                ))
            }
        }
    }
    // Parameters live as long as the process: one leak at start-up.
    Ok(Box::leak(Box::new(params)))
}

/// Runs `soud` with bitcoind's arguments (without the program name).
pub fn run(args: Vec<String>) -> ExitCode {
    let args_for_child = args.clone();
    let mut config = match Config::from_args(args) {
        Ok(config) => config,
        Err(e) => return fail(e),
    };
    if let Err(e) = config.read_config_files() {
        return fail(e);
    }
    if config.help_requested() {
        println!(
            "sou daemon version v{}\n\nUsage:  soud [options]   Start sou's node (bitcoind's options)\n\n{}",
            env!("CARGO_PKG_VERSION"),
            crate::options::help_listing(
                crate::options::BITCOIND_OPTIONS,
                config.get_bool("help-debug", false)
            )
        );
        return ExitCode::SUCCESS;
    }
    if config.version_requested() {
        println!("sou daemon version v{}", env!("CARGO_PKG_VERSION"));
        return ExitCode::SUCCESS;
    }
    let warnings = match config.check_parameters() {
        Ok(w) => w,
        Err(e) => return fail(e),
    };
    let datadir = match DataDir::from_config(&config) {
        Ok(d) => d,
        Err(e) => return fail(e),
    };
    if let Err(e) = datadir.create() {
        return fail(e);
    }
    let lock = match datadir.lock() {
        Ok(lock) => lock,
        Err(e) => return fail(e),
    };
    if config.get_bool("daemon", false) || config.get_bool("daemonwait", false) {
        // The node runs on in a child process; this one only says whether it started.
        drop(lock);
        return daemonize(&config, &datadir, args_for_child);
    }
    let log = match crate::logging::init(&config, &datadir) {
        Ok(log) => Some(log),
        Err(e) => return fail(e),
    };
    // `logging::init` wrote the version, the data directory, the configuration and one
    // line per option sou accepts but ignores.
    for warning in warnings {
        tracing::warn!("{warning}");
    }
    let daemon = match Daemon::open(config, datadir, lock, log) {
        Ok(daemon) => daemon,
        Err(message) => {
            tracing::error!("{message}");
            return fail(message);
        }
    };
    match daemon.serve() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!("{message}");
            fail(message)
        }
    }
}

/// `-daemon` and `-daemonwait` (Core's `fork_daemon`): says "Bitcoin Core starting", starts
/// the node again as a child process in its own process group (so that closing the
/// terminal does not stop it), with `-daemon=0`, and returns at once (`-daemon`) or once
/// the child has loaded its chain and written its pid file (`-daemonwait`), exiting 1 if
/// the child stopped first, as Core's parent does.
fn daemonize(config: &Config, datadir: &DataDir, args: Vec<String>) -> ExitCode {
    println!("Bitcoin Core starting");
    let mut child_args: Vec<String> = args
        .into_iter()
        .filter(|a| {
            let name = a.trim_start_matches('-');
            !(name.starts_with("daemon") || name.starts_with("nodaemon"))
        })
        .collect();
    child_args.push("-daemon=0".into());
    child_args.push("-daemonwait=0".into());
    if !config.is_set("printtoconsole") {
        child_args.push("-printtoconsole=0".into());
    }
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(e) => return fail(format!("cannot find the program to start: {e}")),
    };
    let mut command = std::process::Command::new(exe);
    command
        .args(&child_args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        command.process_group(0);
    }
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) => return fail(format!("fork_daemon() failed: {e}")),
    };
    if !config.get_bool("daemonwait", false) {
        return ExitCode::SUCCESS;
    }
    let Some(pid_file) = datadir.pid_file() else {
        return ExitCode::SUCCESS;
    };
    loop {
        if let Ok(Some(_)) = child.try_wait() {
            let _ = writeln!(
                std::io::stderr(),
                "Error during initialization - check debug.log for details"
            );
            return ExitCode::FAILURE;
        }
        if std::fs::read_to_string(pid_file).is_ok_and(|pid| pid.trim() == child.id().to_string()) {
            return ExitCode::SUCCESS;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A node with its chain state loaded and its RPC credentials written, ready to serve.
pub struct Daemon {
    config: Config,
    datadir: DataDir,
    shared: Arc<Shared>,
    /// Held until the daemon is dropped: a second node on the same directory is refused.
    _lock: DirLock,
}

impl Daemon {
    /// Loads the chain state of `datadir` (locked by `lock`) as `config` says, imports
    /// `-loadblock` files, and writes the RPC cookie (Core's `AppInitMain` up to serving).
    pub fn open(
        config: Config,
        datadir: DataDir,
        lock: DirLock,
        log: Option<crate::logging::LogHandle>,
    ) -> Result<Daemon, String> {
        let params = params_for(&config)?;
        let reindex =
            config.get_bool("reindex", false) || config.get_bool("reindex-chainstate", false);
        let dbcache_mib = config.get_int("dbcache", DEFAULT_DBCACHE_MIB).max(4);
        let pool_options = crate::rpc::mempool::pool_options(&config);
        // Core's floor: a full pool must still hold about 40 clusters of the largest size.
        let floor = pool_options.cluster_vbytes * 40;
        if pool_options.max_bytes > 0 && pool_options.max_bytes < floor {
            return Err(format!(
                "-maxmempool must be at least {} MB",
                floor.div_ceil(1_000_000)
            ));
        }
        let options = NodeOptions {
            params,
            blocks_dir: datadir.blocks().to_path_buf(),
            db_path: datadir.net().join("chainstate").join("sou.redb"),
            dbcache_bytes: usize::try_from(dbcache_mib).unwrap_or(450) * 1_048_576,
            flush_interval: Duration::from_secs(60),
            txindex: config.get_bool("txindex", false),
            fastprune: config.get_bool("fastprune", false),
            reindex,
            parallel_scripts: config.get_int("par", 0) != 1,
            // `-maxsigcachesize` (MiB) is shared by Core's two caches: half each.
            script_cache_bytes: match config.get("maxsigcachesize") {
                Some(_) => {
                    let mib = config.get_int("maxsigcachesize", 0).max(0);
                    usize::try_from(mib)
                        .unwrap_or(usize::MAX / 2)
                        .saturating_mul(1 << 20)
                        / 2
                }
                None => crate::node::DEFAULT_SCRIPT_CACHE_BYTES,
            },
            mempool: pool_options,
        };
        tracing::info!("Loading block index...");
        let mut node = Node::open(options).map_err(|e| e.to_string())?;
        if let Some(mocktime) = config.get("mocktime") {
            node.set_mocktime(crate::config::atoi(&mocktime));
        }
        for file in config.get_all("loadblock") {
            tracing::info!("Importing blocks file {file}...");
            let bytes = std::fs::read(&file).map_err(|e| format!("{file}: {e}"))?;
            let blocks = crate::blockfiles::parse_records(&bytes, params.magic);
            node.import(blocks).map_err(|e| e.to_string())?;
        }
        tracing::info!("block tree size = {}", node.chain().entries().count());
        tracing::info!("nBestHeight = {}", node.chain().height());
        let auth = RpcAuth::from_config(&config, &datadir).map_err(|e| e.to_string())?;
        if let Some(pid_file) = datadir.pid_file() {
            let _ = std::fs::write(pid_file, format!("{}\n", std::process::id()));
        }
        let log_path = log.as_ref().and_then(|l| l.file().map(|p| p.to_path_buf()));
        let mempool_path = config
            .get_bool("persistmempool", true)
            .then(|| datadir.net().join("mempool.dat"));
        if let Some(path) = &mempool_path {
            node.load_mempool(path);
        }
        crate::wallet::chain::start(&mut node, &config, &datadir)?;
        let persist_v1 = config.get_bool("persistmempoolv1", false);
        let shared = Arc::new(Shared::new(
            node,
            auth,
            log,
            log_path,
            mempool_path,
            persist_v1,
        ));
        // `-stopatheight`: negative values count as none, as Core's (int) cast of 0 does.
        let stop_at = u32::try_from(config.get_int("stopatheight", 0)).unwrap_or(0);
        shared.stop_at_height.store(stop_at, Ordering::Relaxed);
        Ok(Daemon {
            config,
            datadir,
            shared,
            _lock: lock,
        })
    }

    /// What the RPC handlers share: the node, to use from this process.
    pub fn shared(&self) -> Arc<Shared> {
        self.shared.clone()
    }

    /// Serves RPC until `stop` or a signal, then shuts down: flushes the chain state,
    /// removes the cookie and the pid file (Core's `Shutdown`).
    pub fn serve(&self) -> Result<(), String> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the RPC runtime: {e}"))?;
        let result = runtime.block_on(serve(&self.config, self.shared.clone()));
        tracing::info!("Shutdown: In progress...");
        // Core `StopNodes`: the addresses and the anchors are saved before the peers go.
        self.shared.net.save_addresses();
        self.shared.net.save_anchors();
        self.shared.net.disconnect_all();
        self.shared.net.save_bans();
        if let Some(path) = &self.shared.mempool_path {
            let node = self.shared.node();
            match node.save_mempool(path, self.shared.persist_mempool_v1) {
                Ok(()) => tracing::info!(
                    "Dumped mempool: {} transactions to {}",
                    node.mempool().len(),
                    path.display()
                ),
                Err(e) => tracing::info!("Failed to dump mempool: {e}. Continuing anyway."),
            }
        }
        let flushed = self.shared.node().flush().map_err(|e| e.to_string());
        if let Some(cookie) = self.shared.auth.cookie_file() {
            let _ = std::fs::remove_file(cookie);
        }
        if let Some(pid_file) = self.datadir.pid_file() {
            let _ = std::fs::remove_file(pid_file);
        }
        runtime.shutdown_timeout(Duration::from_secs(5));
        tracing::info!("Shutdown: done");
        result.and(flushed)
    }
}

/// A node serving RPC from a thread of this process (benches and tools that want no
/// separate process): the same command line as `soud`, without logs.
pub struct InProcessNode {
    shared: Arc<Shared>,
    thread: Option<std::thread::JoinHandle<Result<(), String>>>,
}

impl InProcessNode {
    /// Starts a node with bitcoind's `args`; returns once its RPC server is listening.
    pub fn start(args: Vec<String>) -> Result<InProcessNode, String> {
        let mut config = Config::from_args(args).map_err(|e| e.to_string())?;
        config.read_config_files().map_err(|e| e.to_string())?;
        config.check_parameters().map_err(|e| e.to_string())?;
        let datadir = DataDir::from_config(&config).map_err(|e| e.to_string())?;
        datadir.create().map_err(|e| e.to_string())?;
        let lock = datadir.lock().map_err(|e| e.to_string())?;
        let daemon = Daemon::open(config, datadir, lock, None)?;
        let shared = daemon.shared();
        let thread = std::thread::spawn(move || daemon.serve());
        // The listeners are bound by the thread: wait for them (five seconds at most).
        for _ in 0..500 {
            if shared.is_serving() {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        Ok(InProcessNode {
            shared,
            thread: Some(thread),
        })
    }

    /// The node's shared state.
    pub fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// Stops the node and waits for its shutdown.
    pub fn stop(mut self) -> Result<(), String> {
        self.shared.request_stop();
        match self.thread.take().map(std::thread::JoinHandle::join) {
            Some(Ok(result)) => result,
            Some(Err(_)) => Err("the node's thread panicked".into()),
            None => Ok(()),
        }
    }
}

impl Drop for InProcessNode {
    fn drop(&mut self) {
        self.shared.request_stop();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The addresses RPC listens on: `-rpcbind` (with `-rpcallowip`), else loopback.
fn rpc_addresses(config: &Config) -> Result<Vec<SocketAddr>, String> {
    let port = match config.get("rpcport") {
        Some(p) => p
            .parse::<u16>()
            .ok()
            .filter(|p| *p != 0)
            .ok_or_else(|| format!("Invalid port specified in -rpcport: '{p}'"))?,
        None => default_rpc_port(config.network()),
    };
    let binds = config.get_all("rpcbind");
    if binds.is_empty() || config.get_all("rpcallowip").is_empty() {
        if !binds.is_empty() {
            tracing::warn!("Option -rpcbind was ignored because -rpcallowip was not specified, refusing to allow everyone to connect");
        }
        return Ok(vec![
            SocketAddr::from(([127, 0, 0, 1], port)),
            SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, port)),
        ]);
    }
    let mut addresses = Vec::new();
    for bind in binds {
        let address = match bind.parse::<SocketAddr>() {
            Ok(a) => a,
            Err(_) => match bind.parse::<std::net::IpAddr>() {
                Ok(ip) => SocketAddr::new(ip, port),
                Err(_) => return Err(format!("Invalid address in -rpcbind: '{bind}'")),
            },
        };
        addresses.push(address);
    }
    Ok(addresses)
}

async fn serve(config: &Config, shared: Arc<Shared>) -> Result<(), String> {
    let mut listeners = Vec::new();
    if config.get_bool("server", true) {
        for address in rpc_addresses(config)? {
            match tokio::net::TcpListener::bind(address).await {
                Ok(listener) => {
                    tracing::info!(
                        "Binding RPC on address {} port {}",
                        address.ip(),
                        address.port()
                    );
                    listeners.push(listener);
                }
                Err(e) if address.is_ipv6() => {
                    tracing::debug!(target: "http", "Binding RPC on {address} failed: {e}");
                }
                Err(e) => {
                    return Err(format!(
                        "Unable to bind any endpoint for RPC server ({address}: {e})"
                    ))
                }
            }
        }
    }
    let signals = {
        let shared = shared.clone();
        async move {
            wait_for_signal().await;
            shared.request_stop();
        }
    };
    crate::p2p::start(config, &shared).await?;
    let rpc_port = rpc_addresses(config)
        .ok()
        .and_then(|a| a.first().map(SocketAddr::port))
        .unwrap_or_else(|| default_rpc_port(config.network()));
    if let Some(address) = crate::liveview::address(config, rpc_port)? {
        let listener = crate::liveview::bind(address).await?;
        tokio::spawn(crate::liveview::serve(listener, shared.clone()));
    }
    shared.set_serving();
    tracing::info!("init message: Done loading");
    tokio::select! {
        () = crate::rpc::server::serve(listeners, shared.clone()) => {}
        () = signals => {}
    }
    Ok(())
}

#[cfg(unix)]
async fn wait_for_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    match (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) {
        (Ok(mut term), Ok(mut int)) => {
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
            }
        }
        _ => std::future::pending::<()>().await,
    }
}

#[cfg(not(unix))]
async fn wait_for_signal() {
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}
