//! Every option `bitcoind` knows, and what sou does with each.
//!
//! Bitcoin Core registers each command-line option once, with a few flags that change how
//! it is parsed (`ArgsManager::AddArg`). Anything not registered is refused on the command
//! line (`Invalid parameter -foo`) and skipped with a warning in `bitcoin.conf`. To be a
//! drop-in, sou must know exactly the same names with the same flags, even for features it
//! does not have: a `bitcoin.conf` written for Core, or the functional test framework's
//! command line, must not make `soud` stop.
//!
//! The flags that matter for parsing:
//!
//! - [`DISALLOW_NEGATION`]: `-nodatadir` is an error, not "no datadir";
//! - [`DISALLOW_ELISION`]: `-loglevel` without `=value` is an error;
//! - [`NETWORK_ONLY`]: on a test network, a value in the top part of `bitcoin.conf` does
//!   not apply; it must sit in the network's section (`[regtest]`) or on the command line,
//!   so one file can serve mainnet and regtest without both listening on the same port;
//! - [`SENSITIVE`]: the value is masked (`****`) when the configuration is logged.
//!
//! Each [`OptionSpec`] also says whether sou honours the option ([`Support`]); options
//! sou does not implement are accepted and reported once in `debug.log`.
//!
//! References: Core `SetupServerArgs` (src/init.cpp), `AddLoggingArgs` (src/init/common.cpp),
//! `SetupChainParamsBaseOptions` (src/chainparamsbase.cpp), `SetupHelpOptions`
//! (src/common/args.cpp), `WalletInit::AddWalletOptions` (src/wallet/init.cpp),
//! `SetupCliArgs` (src/bitcoin-cli.cpp); checked against `bitcoind -help -help-debug` of
//! v31.99 (the ZMQ and wallet options, hidden in a build without them, are registered
//! either way).

/// No parsing flag.
pub const NONE: u16 = 0;
/// `-nofoo` is refused: "Negating of -foo is meaningless and therefore forbidden".
pub const DISALLOW_NEGATION: u16 = 0x20;
/// `-foo` without a value is refused: "Can not set -foo with no value".
pub const DISALLOW_ELISION: u16 = 0x40;
/// Shown by `-help` only together with `-help-debug`.
pub const DEBUG_ONLY: u16 = 0x100;
/// On a network other than main, ignored in the top section of `bitcoin.conf`.
pub const NETWORK_ONLY: u16 = 0x200;
/// Masked when the configuration is written to `debug.log`.
pub const SENSITIVE: u16 = 0x400;

/// The heading an option is listed under in `-help` (Core's `OptionsCategory`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    /// "Options:"
    Options,
    /// "Connection options:"
    Connection,
    /// "Wallet options:"
    Wallet,
    /// "Wallet debugging/testing options:"
    WalletDebugTest,
    /// "ZeroMQ notification options:"
    Zmq,
    /// "Debugging/Testing options:"
    DebugTest,
    /// "Chain selection options:"
    ChainParams,
    /// "Node relay options:"
    NodeRelay,
    /// "Block creation options:"
    BlockCreation,
    /// "RPC server options:"
    Rpc,
    /// "CLI Commands:" (bitcoin-cli only)
    CliCommands,
    /// "IPC interprocess connection options:"
    Ipc,
    /// Known but never listed: GUI options shared through `bitcoin.conf`, removed options
    /// kept to print a friendlier message, and the `-h`/`-?` spellings of `-help`.
    Hidden,
}

impl Category {
    /// The heading Core prints above the category in `-help`, if it prints one.
    pub const fn heading(self) -> Option<&'static str> {
        match self {
            Category::Options => Some("Options:"),
            Category::Connection => Some("Connection options:"),
            Category::Wallet => Some("Wallet options:"),
            Category::WalletDebugTest => Some("Wallet debugging/testing options:"),
            Category::Zmq => Some("ZeroMQ notification options:"),
            Category::DebugTest => Some("Debugging/Testing options:"),
            Category::ChainParams => Some("Chain selection options:"),
            Category::NodeRelay => Some("Node relay options:"),
            Category::BlockCreation => Some("Block creation options:"),
            Category::Rpc => Some("RPC server options:"),
            Category::CliCommands => Some("CLI Commands:"),
            Category::Ipc => Some("IPC interprocess connection options:"),
            Category::Hidden => None,
        }
    }
}

/// What sou does with an option.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Support {
    /// sou honours it as Core does (on regtest, some trivially: there are no DNS seeds to
    /// query, so `-dnsseed=0` is already true).
    Implemented,
    /// Accepted so that Core's configuration files and scripts work, but without effect;
    /// the node writes one warning line to `debug.log` when it is set.
    Ignored,
    /// Accepted when switched off; switching it on is an error, because sou cannot do what
    /// it asks (`-daemon` would fork the process).
    Refused,
}

/// One registered option.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OptionSpec {
    /// The name, without the leading dash.
    pub name: &'static str,
    /// A combination of [`DISALLOW_NEGATION`], [`DISALLOW_ELISION`], [`DEBUG_ONLY`],
    /// [`NETWORK_ONLY`], [`SENSITIVE`].
    pub flags: u16,
    /// Where `-help` lists it.
    pub category: Category,
    /// Whether sou honours it.
    pub support: Support,
}

impl OptionSpec {
    /// Whether `flag` is among the option's flags.
    pub const fn has(&self, flag: u16) -> bool {
        self.flags & flag != 0
    }
}

const fn opt(name: &'static str, flags: u16, category: Category, support: Support) -> OptionSpec {
    OptionSpec {
        name,
        flags,
        category,
        support,
    }
}

use Category::*;
use Support::*;

/// Every option of `bitcoind` v31.99, by category, alphabetical within one (the order of
/// `-help`).
pub static BITCOIND_OPTIONS: &[OptionSpec] = &[
    // Options
    opt("alertnotify", NONE, Options, Implemented),
    opt("allowignoredconf", NONE, Options, Implemented),
    opt("assumevalid", NONE, Options, Implemented),
    opt("blockfilterindex", NONE, Options, Implemented),
    opt("blocknotify", NONE, Options, Implemented),
    opt("blockreconstructionextratxn", NONE, Options, Implemented),
    opt("blocksdir", NONE, Options, Ignored),
    opt("blocksonly", NONE, Options, Implemented),
    opt("blocksxor", NONE, Options, Ignored),
    opt("coinstatsindex", NONE, Options, Implemented),
    opt("conf", NONE, Options, Implemented),
    opt("daemon", NONE, Options, Implemented),
    opt("daemonwait", NONE, Options, Implemented),
    opt("datadir", DISALLOW_NEGATION, Options, Implemented),
    opt("dbbatchsize", DEBUG_ONLY, Options, Ignored),
    opt("dbcache", NONE, Options, Implemented),
    opt("debuglogfile", NONE, Options, Implemented),
    opt("help", NONE, Options, Implemented),
    opt("includeconf", NONE, Options, Implemented),
    opt("loadblock", NONE, Options, Implemented),
    opt("maxmempool", NONE, Options, Implemented),
    opt("mempoolexpiry", NONE, Options, Ignored),
    opt("minimumchainwork", DEBUG_ONLY, Options, Implemented),
    opt("par", NONE, Options, Implemented),
    opt("persistmempool", NONE, Options, Implemented),
    opt("persistmempoolv1", NONE, Options, Ignored),
    opt("pid", NONE, Options, Implemented),
    opt("prevoutfetchthreads", NONE, Options, Ignored),
    opt("prune", NONE, Options, Implemented),
    opt("reindex", NONE, Options, Implemented),
    opt("reindex-chainstate", NONE, Options, Implemented),
    opt("settings", NONE, Options, Implemented),
    opt("shutdownnotify", NONE, Options, Implemented),
    opt("startupnotify", NONE, Options, Implemented),
    opt("txindex", NONE, Options, Implemented),
    opt("txospenderindex", NONE, Options, Ignored),
    opt("version", NONE, Options, Implemented),
    // Connection
    opt("addnode", NETWORK_ONLY, Connection, Implemented),
    opt("asmap", NONE, Connection, Ignored),
    opt("bantime", NONE, Connection, Implemented),
    opt("bind", NETWORK_ONLY, Connection, Implemented),
    opt("cjdnsreachable", NONE, Connection, Ignored),
    opt("connect", NETWORK_ONLY, Connection, Implemented),
    opt("discover", NONE, Connection, Implemented),
    opt("dns", NONE, Connection, Ignored),
    opt("dnsseed", NONE, Connection, Implemented),
    opt("externalip", NONE, Connection, Ignored),
    opt("fixedseeds", NONE, Connection, Implemented),
    opt("forcednsseed", NONE, Connection, Ignored),
    opt("i2pacceptincoming", NONE, Connection, Ignored),
    opt("i2psam", NONE, Connection, Ignored),
    opt("listen", NONE, Connection, Implemented),
    opt("listenonion", NONE, Connection, Ignored),
    opt("maxconnections", NONE, Connection, Implemented),
    opt("maxreceivebuffer", NONE, Connection, Ignored),
    opt("maxsendbuffer", NONE, Connection, Ignored),
    opt("maxuploadtarget", NONE, Connection, Ignored),
    opt("natpmp", NONE, Connection, Implemented),
    opt("networkactive", NONE, Connection, Implemented),
    opt("onion", NONE, Connection, Ignored),
    opt("onlynet", NONE, Connection, Ignored),
    opt("peerblockfilters", NONE, Connection, Implemented),
    opt("peerbloomfilters", NONE, Connection, Ignored),
    opt("peertimeout", DEBUG_ONLY, Connection, Implemented),
    opt("port", NETWORK_ONLY, Connection, Implemented),
    opt("proxy", DISALLOW_ELISION, Connection, Ignored),
    opt("proxyrandomize", NONE, Connection, Ignored),
    opt("seednode", NONE, Connection, Implemented),
    opt("timeout", NONE, Connection, Implemented),
    opt("torcontrol", NONE, Connection, Ignored),
    opt("torpassword", SENSITIVE, Connection, Ignored),
    opt("txreconciliation", DEBUG_ONLY, Connection, Ignored),
    opt("v2transport", NONE, Connection, Implemented),
    opt("whitebind", NONE, Connection, Ignored),
    opt("whitelist", NONE, Connection, Implemented),
    // Wallet
    opt("addresstype", NONE, Wallet, Ignored),
    opt("avoidpartialspends", NONE, Wallet, Ignored),
    opt("changetype", NONE, Wallet, Ignored),
    opt("consolidatefeerate", NONE, Wallet, Ignored),
    opt("disablewallet", NONE, Wallet, Implemented),
    opt("discardfee", NONE, Wallet, Ignored),
    opt("fallbackfee", NONE, Wallet, Implemented),
    opt("keypool", NONE, Wallet, Implemented),
    opt("maxapsfee", NONE, Wallet, Ignored),
    opt("maxtxfee", NONE, Wallet, Ignored),
    opt("mintxfee", NONE, Wallet, Ignored),
    opt("signer", NONE, Wallet, Ignored),
    opt("spendzeroconfchange", NONE, Wallet, Ignored),
    opt("txconfirmtarget", NONE, Wallet, Ignored),
    opt("wallet", NETWORK_ONLY, Wallet, Implemented),
    opt("walletbroadcast", NONE, Wallet, Ignored),
    opt("walletdir", NETWORK_ONLY, Wallet, Implemented),
    opt("walletnotify", NONE, Wallet, Ignored),
    opt("walletrbf", NONE, Wallet, Ignored),
    // WalletDebugTest
    opt("unsafesqlitesync", DEBUG_ONLY, WalletDebugTest, Ignored),
    opt("walletcrosschain", DEBUG_ONLY, WalletDebugTest, Ignored),
    opt(
        "walletrejectlongchains",
        DEBUG_ONLY,
        WalletDebugTest,
        Ignored,
    ),
    // Zmq
    opt("zmqpubhashblock", NONE, Zmq, Ignored),
    opt("zmqpubhashblockhwm", NONE, Zmq, Ignored),
    opt("zmqpubhashtx", NONE, Zmq, Ignored),
    opt("zmqpubhashtxhwm", NONE, Zmq, Ignored),
    opt("zmqpubrawblock", NONE, Zmq, Ignored),
    opt("zmqpubrawblockhwm", NONE, Zmq, Ignored),
    opt("zmqpubrawtx", NONE, Zmq, Ignored),
    opt("zmqpubrawtxhwm", NONE, Zmq, Ignored),
    opt("zmqpubsequence", NONE, Zmq, Ignored),
    opt("zmqpubsequencehwm", NONE, Zmq, Ignored),
    // DebugTest
    opt("acceptstalefeeestimates", DEBUG_ONLY, DebugTest, Ignored),
    opt("capturemessages", DEBUG_ONLY, DebugTest, Ignored),
    opt("checkaddrman", DEBUG_ONLY, DebugTest, Ignored),
    opt("checkblockindex", DEBUG_ONLY, DebugTest, Ignored),
    opt("checkblocks", DEBUG_ONLY, DebugTest, Implemented),
    opt("checklevel", DEBUG_ONLY, DebugTest, Implemented),
    opt("checkmempool", DEBUG_ONLY, DebugTest, Implemented),
    opt("debug", NONE, DebugTest, Implemented),
    opt("debugexclude", NONE, DebugTest, Implemented),
    opt("deprecatedrpc", DEBUG_ONLY, DebugTest, Ignored),
    opt("fastprune", DEBUG_ONLY, DebugTest, Implemented),
    opt("help-debug", NONE, DebugTest, Implemented),
    opt("limitancestorcount", DEBUG_ONLY, DebugTest, Ignored),
    opt("limitclustercount", DEBUG_ONLY, DebugTest, Ignored),
    opt("limitclustersize", DEBUG_ONLY, DebugTest, Ignored),
    opt("limitdescendantcount", DEBUG_ONLY, DebugTest, Ignored),
    opt("logips", NONE, DebugTest, Ignored),
    opt(
        "loglevel",
        DISALLOW_NEGATION | DISALLOW_ELISION | DEBUG_ONLY,
        DebugTest,
        Implemented,
    ),
    opt("loglevelalways", NONE, DebugTest, Implemented),
    opt("logratelimit", NONE, DebugTest, Ignored),
    opt("logsourcelocations", NONE, DebugTest, Implemented),
    opt("logthreadnames", NONE, DebugTest, Implemented),
    opt("logtimemicros", DEBUG_ONLY, DebugTest, Implemented),
    opt("logtimestamps", NONE, DebugTest, Implemented),
    opt("maxsigcachesize", DEBUG_ONLY, DebugTest, Implemented),
    opt("maxtipage", DEBUG_ONLY, DebugTest, Ignored),
    opt("mocktime", DEBUG_ONLY, DebugTest, Implemented),
    opt("printpriority", DEBUG_ONLY, DebugTest, Ignored),
    opt("printtoconsole", NONE, DebugTest, Implemented),
    opt("shrinkdebugfile", NONE, DebugTest, Implemented),
    opt("stopafterblockimport", DEBUG_ONLY, DebugTest, Ignored),
    opt("stopatheight", DEBUG_ONLY, DebugTest, Implemented),
    opt("test", DEBUG_ONLY, DebugTest, Ignored),
    opt("testactivationheight", DEBUG_ONLY, DebugTest, Implemented),
    opt("uacomment", NONE, DebugTest, Implemented),
    // ChainParams
    opt("chain", NONE, ChainParams, Implemented),
    opt("regtest", DEBUG_ONLY, ChainParams, Implemented),
    opt("signet", NONE, ChainParams, Implemented),
    opt("signetchallenge", DISALLOW_NEGATION, ChainParams, Ignored),
    opt("signetseednode", DISALLOW_NEGATION, ChainParams, Ignored),
    opt("testnet", NONE, ChainParams, Implemented),
    opt("testnet4", NONE, ChainParams, Implemented),
    opt("vbparams", DEBUG_ONLY, ChainParams, Ignored),
    // NodeRelay
    opt("acceptnonstdtxn", DEBUG_ONLY, NodeRelay, Implemented),
    opt("bytespersigop", NONE, NodeRelay, Ignored),
    opt("datacarrier", NONE, NodeRelay, Ignored),
    opt("datacarriersize", NONE, NodeRelay, Ignored),
    opt("dustrelayfee", DEBUG_ONLY, NodeRelay, Ignored),
    opt("incrementalrelayfee", DEBUG_ONLY, NodeRelay, Ignored),
    opt("minrelaytxfee", NONE, NodeRelay, Ignored),
    opt("permitbaremultisig", NONE, NodeRelay, Ignored),
    opt("privatebroadcast", NONE, NodeRelay, Ignored),
    opt("whitelistforcerelay", NONE, NodeRelay, Ignored),
    opt("whitelistrelay", NONE, NodeRelay, Ignored),
    // BlockCreation
    opt("blockmaxweight", DEBUG_ONLY, BlockCreation, Ignored),
    opt("blockmintxfee", NONE, BlockCreation, Ignored),
    opt("blockreservedweight", NONE, BlockCreation, Ignored),
    opt("blockversion", DEBUG_ONLY, BlockCreation, Ignored),
    // Rpc
    opt("rest", NONE, Rpc, Ignored),
    opt("rpcallowip", NONE, Rpc, Implemented),
    opt("rpcauth", SENSITIVE, Rpc, Implemented),
    opt("rpcbind", NETWORK_ONLY, Rpc, Implemented),
    opt("rpccookiefile", NONE, Rpc, Implemented),
    opt("rpccookieperms", NONE, Rpc, Implemented),
    opt("rpcdoccheck", DEBUG_ONLY, Rpc, Ignored),
    opt("rpcpassword", SENSITIVE, Rpc, Implemented),
    opt("rpcport", NETWORK_ONLY, Rpc, Implemented),
    opt("rpcservertimeout", DEBUG_ONLY, Rpc, Implemented),
    opt("rpcthreads", NONE, Rpc, Implemented),
    opt("rpcuser", SENSITIVE, Rpc, Implemented),
    opt("rpcwhitelist", NONE, Rpc, Ignored),
    opt("rpcwhitelistdefault", NONE, Rpc, Ignored),
    opt("rpcworkqueue", DEBUG_ONLY, Rpc, Implemented),
    opt("server", NONE, Rpc, Implemented),
    // sou's own, not Core's: the live view of the block tree, the mempool and the peers.
    opt("liveview", NONE, Rpc, Implemented),
    // Hidden
    opt("?", NONE, Hidden, Implemented),
    opt("checkpoints", NONE, Hidden, Ignored),
    opt("choosedatadir", NONE, Hidden, Ignored),
    opt("dbcrashratio", NONE, Hidden, Ignored),
    opt("forcecompactdb", NONE, Hidden, Ignored),
    opt("h", NONE, Hidden, Implemented),
    opt("lang", NONE, Hidden, Ignored),
    opt("limitancestorsize", NONE, Hidden, Ignored),
    opt("limitdescendantsize", NONE, Hidden, Ignored),
    opt("min", NONE, Hidden, Ignored),
    opt("resetguisettings", NONE, Hidden, Ignored),
    opt("splash", NONE, Hidden, Ignored),
    opt("uiplatform", NONE, Hidden, Ignored),
];

/// Every option of `bitcoin-cli` v31.99, which `sou rpc` accepts.
pub static BITCOIN_CLI_OPTIONS: &[OptionSpec] = &[
    // Options
    opt("conf", NONE, Options, Implemented),
    opt("datadir", DISALLOW_NEGATION, Options, Implemented),
    opt("help", NONE, Options, Implemented),
    opt("named", NONE, Options, Implemented),
    opt("rpcclienttimeout", NONE, Options, Implemented),
    opt("rpcconnect", NONE, Options, Implemented),
    opt("rpccookiefile", NONE, Options, Implemented),
    opt(
        "rpcid",
        DISALLOW_NEGATION | DISALLOW_ELISION,
        Options,
        Implemented,
    ),
    opt("rpcpassword", NONE, Options, Implemented),
    // bitcoin-cli registers -rpcport as network-only too: a top-level `rpcport=` in a
    // shared bitcoin.conf does not redirect `bitcoin-cli -regtest`.
    opt("rpcport", NETWORK_ONLY, Options, Implemented),
    opt("rpcuser", NONE, Options, Implemented),
    opt("rpcwait", NONE, Options, Implemented),
    opt("rpcwaittimeout", DISALLOW_NEGATION, Options, Implemented),
    opt("rpcwallet", NONE, Options, Implemented),
    opt("stdin", NONE, Options, Implemented),
    opt("stdinrpcpass", NONE, Options, Implemented),
    opt("stdinwalletpassphrase", NONE, Options, Implemented),
    opt("color", DISALLOW_NEGATION, Options, Ignored),
    opt("version", NONE, Options, Implemented),
    // CLI commands: client-side summaries built from several RPC calls
    opt("addrinfo", NONE, CliCommands, Refused),
    opt("generate", NONE, CliCommands, Refused),
    opt("getinfo", NONE, CliCommands, Refused),
    opt("netinfo", NONE, CliCommands, Refused),
    // Chain selection (SetupChainParamsBaseOptions)
    opt("chain", NONE, ChainParams, Implemented),
    opt("regtest", DEBUG_ONLY, ChainParams, Implemented),
    opt("signet", NONE, ChainParams, Implemented),
    opt("signetchallenge", DISALLOW_NEGATION, ChainParams, Ignored),
    opt("signetseednode", DISALLOW_NEGATION, ChainParams, Ignored),
    opt("testactivationheight", DEBUG_ONLY, DebugTest, Ignored),
    opt("testnet", NONE, ChainParams, Implemented),
    opt("testnet4", NONE, ChainParams, Implemented),
    opt("vbparams", DEBUG_ONLY, ChainParams, Ignored),
    // IPC
    opt("ipcconnect", NONE, Ipc, Refused),
    // Hidden spellings of -help
    opt("h", NONE, Hidden, Implemented),
    opt("?", NONE, Hidden, Implemented),
];

/// Finds `name` (without the dash) in `table`.
pub fn find(table: &'static [OptionSpec], name: &str) -> Option<&'static OptionSpec> {
    table.iter().find(|spec| spec.name == name)
}

/// Finds `name` (without the dash) among `bitcoind`'s options.
pub fn bitcoind_option(name: &str) -> Option<&'static OptionSpec> {
    find(BITCOIND_OPTIONS, name)
}

/// A short listing of `table` for `-help`: the options under Core's headings, each marked
/// with what sou does with it. (Core's own help texts describe Core; sou lists names.)
pub fn help_listing(table: &'static [OptionSpec], show_debug: bool) -> String {
    let mut out = String::new();
    let mut current: Option<Category> = None;
    for spec in table {
        let Some(heading) = spec.category.heading() else {
            continue;
        };
        if spec.has(DEBUG_ONLY) && !show_debug {
            continue;
        }
        if current != Some(spec.category) {
            if current.is_some() {
                out.push('\n');
            }
            out.push_str(heading);
            out.push_str("\n\n");
            current = Some(spec.category);
        }
        let note = match spec.support {
            Implemented => "",
            Ignored => "  (accepted, ignored by sou)",
            Refused => "  (not supported by sou)",
        };
        out.push_str(&format!("  -{}{}\n", spec.name, note));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_are_unique_in_each_table() {
        for table in [BITCOIND_OPTIONS, BITCOIN_CLI_OPTIONS] {
            let mut seen = HashSet::new();
            for spec in table {
                assert!(seen.insert(spec.name), "duplicate option -{}", spec.name);
                assert!(!spec.name.starts_with('-'), "-{} has a dash", spec.name);
            }
        }
    }

    #[test]
    fn core_flags_of_options_the_parser_cares_about() {
        let flags = |name| bitcoind_option(name).map(|spec| spec.flags);
        assert_eq!(flags("datadir"), Some(DISALLOW_NEGATION));
        assert_eq!(
            flags("loglevel"),
            Some(DISALLOW_NEGATION | DISALLOW_ELISION | DEBUG_ONLY)
        );
        assert_eq!(flags("proxy"), Some(DISALLOW_ELISION));
        for name in [
            "addnode",
            "bind",
            "connect",
            "port",
            "rpcbind",
            "rpcport",
            "wallet",
            "walletdir",
        ] {
            assert_eq!(
                flags(name).map(|f| f & NETWORK_ONLY),
                Some(NETWORK_ONLY),
                "-{name}"
            );
        }
        for name in ["rpcauth", "rpcpassword", "rpcuser", "torpassword"] {
            assert_eq!(
                flags(name).map(|f| f & SENSITIVE),
                Some(SENSITIVE),
                "-{name}"
            );
        }
    }

    #[test]
    fn bitcoind_table_size() {
        // 152 `AddArg` calls reached from SetupServerArgs (three of them hidden: removed
        // options kept for a friendlier message), 10 ZMQ options, 10 hidden names (GUI
        // options, -h, -?), 22 wallet options. -ipcbind exists only in binaries that can
        // listen on IPC, which `bitcoind` v31.99 cannot.
        // Plus sou's own -liveview.
        assert_eq!(BITCOIND_OPTIONS.len(), 195);
        assert!(bitcoind_option("upnp").is_none(), "removed in Core v29");
        assert!(bitcoind_option("ipcbind").is_none());
    }
}
