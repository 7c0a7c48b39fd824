//! Settings from the command line and `bitcoin.conf`, read the way `bitcoind` reads them.
//!
//! A node is configured from several places at once: the command line, the configuration
//! file `bitcoin.conf` (and the files it includes), and `settings.json`, which the node
//! itself writes (wallets to load at startup). Core merges them with fixed rules, and
//! scripts, test frameworks and users rely on those rules, so sou follows them to the
//! letter:
//!
//! - **Syntax.** `-name`, `-name=value`, `--name=value` (one extra dash is dropped) and
//!   `-noname` (negation: the setting becomes `false`, and earlier values of a list are
//!   dropped). The first argument that does not start with `-` ends the options.
//!   Unknown names are an error on the command line but only a warning in a file, so that
//!   one `bitcoin.conf` can serve several programs.
//! - **Precedence.** Values forced by the program, then the command line, then
//!   `settings.json`, then the network's section of the file (`[regtest]`, or a
//!   `regtest.name=` line), then the top of the file. Within the command line the *last*
//!   value wins; within a file the *first* one does (an old quirk Core keeps).
//! - **Network-only options** ([`NETWORK_ONLY`]): on any network but main, a value at the
//!   top of the file does not apply (and `bitcoind` refuses to start, see
//!   [`Config::check_parameters`]). This keeps a shared file from making regtest listen
//!   on mainnet's ports.
//! - **Network selection.** `-regtest`, `-signet`, `-testnet`, `-testnet4` or `-chain=NAME`,
//!   at most one of them, from the command line or the top of the file.
//!
//! The order of a `soud` start, as Core's `bitcoind` does it (`ParseArgs`, `InitConfig`,
//! `AppInitParameterInteraction`):
//!
//! ```text
//! Config::from_args(argv)           ParseParameters: syntax, unknown options
//! config.read_config_files()        bitcoin.conf, includeconf, the network, the datadir
//! -help / -version                  print and exit 0
//! DataDir::from_config, create()    the directories, with wallets/ (InitConfig)
//! config.read_settings_file(..)     settings.json, then write it back
//! config.check_parameters()         network-only misuse, unknown sections, refused options
//! logging::init(..), DataDir::lock  (AppInitMain)
//! ```
//!
//! Every [`ConfigError`] makes `bitcoind` print `Error: <message>` on stderr and exit with
//! status 1 ([`ConfigError::exit_code`]).
//!
//! References: Core `ArgsManager` (src/common/args.cpp, src/common/config.cpp),
//! `common::GetSetting` and `GetSettingsList` (src/common/settings.cpp), `InitConfig`
//! (src/common/init.cpp), `ParseArgs` (src/bitcoind.cpp).
//!
//! [`NETWORK_ONLY`]: crate::options::NETWORK_ONLY

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use serde_json::Value;
use sou_primitives::Network;
use thiserror::Error;

use crate::options::OptionSpec;

mod args;
mod file;
mod json;
mod lookup;
mod settings;

pub use args::atoi;
pub use file::lexically_normal;
pub use json::{write_json, write_json_indented};
pub use lookup::network_from_core_name;

/// The default name of the configuration file, in the data directory.
pub const BITCOIN_CONF_FILENAME: &str = "bitcoin.conf";
/// The default name of the read-write settings file, in the network's directory.
pub const BITCOIN_SETTINGS_FILENAME: &str = "settings.json";

/// Why the configuration cannot be used. `Display` is the text `bitcoind` prints after
/// `Error: `; every variant exits with status 1.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The command line is malformed (`ArgsManager::ParseParameters`): an unknown option,
    /// a forbidden negation or elision, `-includeconf` on the command line.
    #[error("Error parsing command line arguments: {0}")]
    ParseArgs(String),
    /// `-datadir` on the command line names no directory (`CheckDataDirOption`).
    #[error("Specified data directory \"{0}\" does not exist.")]
    DataDirNotFound(String),
    /// `bitcoin.conf` or an included file is malformed or cannot be read
    /// (`ArgsManager::ReadConfigFiles`).
    #[error("Error reading configuration file: {0}")]
    ReadConfig(String),
    /// The network options conflict or name an unknown chain (`ArgsManager::GetChainType`).
    #[error("{0}")]
    Chain(String),
    /// The data directory holds a `bitcoin.conf` that another configuration file hides.
    #[error("{0}")]
    IgnoredConfFile(String),
    /// An argument that is not an option (`bitcoind` takes no commands).
    #[error(
        "Command line contains unexpected token '{0}', see bitcoind -h for a list of options."
    )]
    UnexpectedToken(String),
    /// Network-only options set only at the top of `bitcoin.conf` while on a test network.
    /// Core prints one line per option, each ending in a newline.
    #[error("{}", unsuitable_message(.args, .network))]
    NetworkOnlyInDefaultSection {
        /// The options, with their dash, in Core's order (sorted).
        args: Vec<String>,
        /// Core's name of the network (`regtest`).
        network: String,
    },
    /// An option sou knows but cannot honour, switched on (`-daemon`, `-prune=550`).
    #[error("{0}")]
    Refused(String),
    /// `settings.json` cannot be read (`ArgsManager::ReadSettingsFile`).
    #[error("Settings file could not be read:\n{}", unordered_list(.0))]
    SettingsRead(Vec<String>),
    /// `settings.json` cannot be written (`ArgsManager::WriteSettingsFile`).
    #[error("Settings file could not be written:\n{}", unordered_list(.0))]
    SettingsWrite(Vec<String>),
}

impl ConfigError {
    /// The process exit status `bitcoind` uses for this error: `EXIT_FAILURE`.
    pub fn exit_code(&self) -> u8 {
        1
    }
}

fn unsuitable_message(args: &[String], network: &str) -> String {
    args.iter()
        .map(|arg| {
            format!("Config setting for {arg} only applied on {network} network when in [{network}] section.\n")
        })
        .collect()
}

// Core's MakeUnorderedList: one "- item" per line.
fn unordered_list(items: &[String]) -> String {
    items
        .iter()
        .map(|item| format!("- {item}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Which program's rules apply: `bitcoind`'s or `bitcoin-cli`'s. They share the parser and
/// the configuration file, but only the daemon refuses loose tokens (the client's are the
/// RPC method and its arguments) and checks for a hidden `bitcoin.conf`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Program {
    Daemon,
    Cli,
}

/// Where a setting came from, highest precedence first (Core's `Source`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Forced,
    CommandLine,
    RwSettings,
    ConfigNetworkSection,
    ConfigDefaultSection,
}

impl Source {
    fn is_config_file(self) -> bool {
        matches!(
            self,
            Source::ConfigNetworkSection | Source::ConfigDefaultSection
        )
    }
}

/// A section header seen in a configuration file, for the "not recognized" warning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionInfo {
    /// The section's name (`regtest`, or `foo` for a `foo.bar=1` line).
    pub name: String,
    /// The file, as Core names it: the full path of the main file, the `includeconf=`
    /// value of an included one.
    pub file: String,
    /// The line number, from 1.
    pub line: usize,
}

/// A line for `debug.log` produced before logging could start. Core buffers such lines and
/// writes them first; [`crate::logging::init`] does the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EarlyLogLine {
    /// `true` for a warning (`[warning] ` prefix), `false` for an ordinary line.
    pub warning: bool,
    /// The text.
    pub message: String,
}

/// A path-valued option: unset, disabled by negation (`-nodebuglogfile`), or a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathArg {
    /// Neither set nor negated (or set to the empty string): use the default.
    Unset,
    /// Negated: the feature is off.
    Disabled,
    /// A path, lexically normalised, without a trailing separator.
    Path(PathBuf),
}

/// The merged configuration of one `bitcoind` (or `bitcoin-cli`) run.
#[derive(Debug, Clone)]
pub struct Config {
    table: &'static [OptionSpec],
    program: Program,
    forced: BTreeMap<String, Value>,
    command_line: BTreeMap<String, Vec<Value>>,
    rw_settings: BTreeMap<String, Value>,
    // Section "" is the top of the file; others are network names (or anything else the
    // user wrote, which only produces a warning).
    ro_config: BTreeMap<String, BTreeMap<String, Vec<Value>>>,
    sections: Vec<SectionInfo>,
    command: Vec<String>,
    unexpected_token: Option<String>,
    // Core's m_network: "" until the network is selected, then its name.
    section: String,
    network: Network,
    config_path: Option<PathBuf>,
    early_log: Vec<EarlyLogLine>,
    console_warnings: Vec<String>,
}

impl fmt::Display for SectionInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{} [{}]", self.file, self.line, self.name)
    }
}
