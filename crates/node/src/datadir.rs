//! The data directory: where a node keeps everything it writes.
//!
//! A node's state lives in one directory, by default `~/.bitcoin` on Linux,
//! `~/Library/Application Support/Bitcoin` on macOS and `%LOCALAPPDATA%\Bitcoin` on
//! Windows (or `-datadir=`, which must already exist). Mainnet uses it directly; every
//! other network gets a subdirectory (`regtest/`, `signet/`, `testnet3/`, `testnet4/`), so
//! one directory can hold several networks side by side, sharing one `bitcoin.conf`:
//!
//! ```text
//! ~/.bitcoin/
//!   bitcoin.conf        read-only configuration (config::Config)
//!   wallets/            created with a new datadir, for mainnet wallets
//!   regtest/
//!     .lock             held while a node runs: a second node must not share the files
//!     .cookie           RPC password for local clients, while the node runs
//!     bitcoind.pid      the node's process id, while it runs
//!     debug.log         the log (logging)
//!     settings.json     settings the node writes (wallets to load at startup)
//!     blocks/           raw blocks (blk*.dat) and their index; blocks/.lock too
//!     wallets/          wallets
//! ```
//!
//! [`DataDir`] computes these paths from a [`Config`] (honouring `-debuglogfile`,
//! `-rpccookiefile`, `-pid`, `-settings`, `-walletdir`, relative paths taken from the
//! network's directory), creates the directories and takes the lock.
//!
//! References: Core `GetDefaultDataDir` (src/common/args.cpp), `ArgsManager::GetDataDir`,
//! `InitConfig` (src/common/init.cpp), `LockDirectory` (src/init.cpp,
//! src/util/fs_helpers.cpp), `CBaseChainParams` (src/chainparamsbase.cpp).

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

use sou_primitives::Network;
use thiserror::Error;

use crate::config::{Config, PathArg, BITCOIN_SETTINGS_FILENAME};

/// The name Core gives itself in messages (`CLIENT_NAME`). Messages a drop-in must match
/// word for word, such as the lock error the functional tests expect, keep it.
pub const CLIENT_NAME: &str = "Bitcoin Core";

/// The lock file's name, in the network directory and in `blocks/`.
pub const LOCK_FILENAME: &str = ".lock";
/// The default cookie file's name (`-rpccookiefile`).
pub const COOKIE_FILENAME: &str = ".cookie";
/// The default pid file's name (`-pid`).
pub const PID_FILENAME: &str = "bitcoind.pid";
/// The default log file's name (`-debuglogfile`).
pub const DEBUG_LOG_FILENAME: &str = "debug.log";

/// Why the data directory cannot be used. `Display` is `bitcoind`'s message (printed after
/// `Error: `, exit status 1).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum DataDirError {
    /// `-datadir` names no directory.
    #[error("Specified data directory \"{0}\" does not exist.")]
    NotFound(String),
    /// The lock file cannot be created.
    #[error("Cannot write to directory '{}'; check permissions.", .0.display())]
    NotWritable(PathBuf),
    /// Another process holds the lock.
    #[error("Cannot obtain a lock on directory {}. {CLIENT_NAME} is probably already running.", .0.display())]
    Locked(PathBuf),
    /// A directory cannot be created.
    #[error("filesystem error: cannot create directories: {source} [{}]", .path.display())]
    Create {
        /// The directory.
        path: PathBuf,
        /// What the system said.
        source: io::Error,
    },
}

/// Core's default data directory for this platform (`GetDefaultDataDir`).
pub fn default_datadir() -> PathBuf {
    if cfg!(windows) {
        // An existing datadir in the old place (Roaming) is kept; new ones go to Local.
        let roaming = std::env::var_os("APPDATA").map(|dir| PathBuf::from(dir).join("Bitcoin"));
        if let Some(legacy) = roaming.filter(|path| path.exists()) {
            return legacy;
        }
        let local = std::env::var_os("LOCALAPPDATA")
            .map(PathBuf::from)
            .unwrap_or_default();
        return local.join("Bitcoin");
    }
    let home = std::env::var_os("HOME")
        .filter(|home| !home.is_empty())
        .map_or_else(|| PathBuf::from("/"), PathBuf::from);
    if cfg!(target_os = "macos") {
        home.join("Library/Application Support/Bitcoin")
    } else {
        home.join(".bitcoin")
    }
}

/// The network's subdirectory (`CBaseChainParams::DataDir`): empty for main, and
/// `testnet3` (not `test`) for the third testnet.
pub const fn network_subdir(network: Network) -> &'static str {
    match network {
        Network::Mainnet => "",
        Network::Testnet3 => "testnet3",
        Network::Testnet4 => "testnet4",
        Network::Signet => "signet",
        Network::Regtest => "regtest",
    }
}

/// The network's default RPC port (`CBaseChainParams::RPCPort`).
pub const fn default_rpc_port(network: Network) -> u16 {
    match network {
        Network::Mainnet => 8332,
        Network::Testnet3 => 18332,
        Network::Testnet4 => 48332,
        Network::Signet => 38332,
        Network::Regtest => 18443,
    }
}

/// The paths of one node's files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataDir {
    network: Network,
    base: PathBuf,
    net: PathBuf,
    blocks: PathBuf,
    walletdir: Option<PathBuf>,
    debug_log: Option<PathBuf>,
    cookie: Option<PathBuf>,
    pid: Option<PathBuf>,
    settings: Option<PathBuf>,
}

impl DataDir {
    /// The paths for `config` (after [`Config::read_config_files`], which selected the
    /// network). Touches nothing on disk but checks that `-datadir` exists.
    pub fn from_config(config: &Config) -> Result<DataDir, DataDirError> {
        let base = config
            .datadir_base()
            .ok_or_else(|| DataDirError::NotFound(config.get("datadir").unwrap_or_default()))?;
        let network = config.network();
        let sub = network_subdir(network);
        let net = if sub.is_empty() {
            base.clone()
        } else {
            base.join(sub)
        };
        // AbsPathForConfigVal: relative paths hang off the network directory.
        let in_net = |arg: PathArg, default: &str| -> Option<PathBuf> {
            match arg {
                PathArg::Disabled => None,
                PathArg::Unset => Some(net.join(default)),
                PathArg::Path(path) if path.is_absolute() => Some(path),
                PathArg::Path(path) => Some(net.join(path)),
            }
        };
        let walletdir = match config.get_path("walletdir") {
            PathArg::Path(path) => Some(path),
            PathArg::Unset | PathArg::Disabled => None,
        };
        Ok(DataDir {
            network,
            blocks: net.join("blocks"),
            walletdir,
            debug_log: in_net(config.get_path("debuglogfile"), DEBUG_LOG_FILENAME),
            cookie: in_net(config.get_path("rpccookiefile"), COOKIE_FILENAME),
            pid: in_net(config.get_path("pid"), PID_FILENAME),
            settings: in_net(config.get_path("settings"), BITCOIN_SETTINGS_FILENAME),
            base,
            net,
        })
    }

    /// Creates the directories, as Core's `InitConfig` and `GetBlocksDirPath` do: a new
    /// data directory (and a new network directory) gets a `wallets/` subdirectory, so that
    /// wallets never mix with the node's files; `blocks/` always. Directories are private
    /// to the user (mode 0700), as Core's umask makes them.
    pub fn create(&self) -> Result<(), DataDirError> {
        if !self.base.exists() {
            create_private_dir(&self.base.join("wallets"))?;
        }
        if !self.net.exists() {
            create_private_dir(&self.net.join("wallets"))?;
        }
        create_private_dir(&self.blocks)
    }

    /// Takes the exclusive locks on the network directory and on `blocks/` (creating the
    /// `.lock` files), held until the returned value is dropped. A second node on the same
    /// directory gets [`DataDirError::Locked`].
    pub fn lock(&self) -> Result<DirLock, DataDirError> {
        let net = lock_directory(&self.net)?;
        let blocks = lock_directory(&self.blocks)?;
        Ok(DirLock {
            _files: vec![net, blocks],
        })
    }

    /// The network these paths are for.
    pub fn network(&self) -> Network {
        self.network
    }

    /// The data directory without the network part (`GetDataDirBase`).
    pub fn base(&self) -> &Path {
        &self.base
    }

    /// The network's directory (`GetDataDirNet`): `<base>/regtest`, or the base for main.
    pub fn net(&self) -> &Path {
        &self.net
    }

    /// `<net>/blocks`.
    pub fn blocks(&self) -> &Path {
        &self.blocks
    }

    /// Where wallets live (Core's `GetWalletDir`): `-walletdir` as given, or `<net>/wallets`
    /// when that directory exists, else `<net>` itself (a datadir from before wallets had
    /// their own directory). `None` when `-walletdir` names no directory.
    pub fn wallets(&self) -> Option<PathBuf> {
        match &self.walletdir {
            Some(path) => path.is_dir().then(|| path.clone()),
            None => {
                let wallets = self.net.join("wallets");
                Some(if wallets.is_dir() {
                    wallets
                } else {
                    self.net.clone()
                })
            }
        }
    }

    /// `<net>/.lock`.
    pub fn lock_file(&self) -> PathBuf {
        self.net.join(LOCK_FILENAME)
    }

    /// The log file: `-debuglogfile` or `<net>/debug.log`; `None` with `-nodebuglogfile`.
    pub fn debug_log(&self) -> Option<&Path> {
        self.debug_log.as_deref()
    }

    /// The RPC cookie: `-rpccookiefile` or `<net>/.cookie`; `None` with
    /// `-norpccookiefile`.
    pub fn cookie_file(&self) -> Option<&Path> {
        self.cookie.as_deref()
    }

    /// The pid file: `-pid` or `<net>/bitcoind.pid`; `None` with `-nopid`.
    pub fn pid_file(&self) -> Option<&Path> {
        self.pid.as_deref()
    }

    /// `settings.json`: `-settings` or `<net>/settings.json`; `None` with `-nosettings`.
    pub fn settings_file(&self) -> Option<&Path> {
        self.settings.as_deref()
    }
}

/// Locks held on a data directory; dropping it releases them (the files stay, as Core's).
#[derive(Debug)]
pub struct DirLock {
    _files: Vec<File>,
}

// util::LockDirectory: create the lock file if needed, then try to lock it without
// waiting.
fn lock_directory(dir: &Path) -> Result<File, DataDirError> {
    let path = dir.join(LOCK_FILENAME);
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|_| DataDirError::NotWritable(dir.to_owned()))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(_) => Err(DataDirError::Locked(dir.to_owned())),
    }
}

fn create_private_dir(path: &Path) -> Result<(), DataDirError> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(path).map_err(|source| DataDirError::Create {
        path: path.to_owned(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subdirectories_and_ports_are_cores() {
        assert_eq!(network_subdir(Network::Mainnet), "");
        assert_eq!(network_subdir(Network::Testnet3), "testnet3");
        assert_eq!(network_subdir(Network::Regtest), "regtest");
        assert_eq!(default_rpc_port(Network::Regtest), 18443);
        assert_eq!(default_rpc_port(Network::Signet), 38332);
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn default_is_dot_bitcoin_under_home() {
        let home = std::env::var_os("HOME").filter(|h| !h.is_empty());
        let expected = home
            .map_or_else(|| PathBuf::from("/"), PathBuf::from)
            .join(".bitcoin");
        assert_eq!(default_datadir(), expected);
    }
}
