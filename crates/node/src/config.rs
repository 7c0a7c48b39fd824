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

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Component, Path, PathBuf};

use serde_json::Value;
use sou_primitives::Network;
use thiserror::Error;

use crate::datadir::{self, DataDir};
use crate::options::{
    self, OptionSpec, Support, DISALLOW_ELISION, DISALLOW_NEGATION, NETWORK_ONLY, SENSITIVE,
};

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

impl Config {
    /// Parses `bitcoind`'s command line (`argv` without the program name), as Core's
    /// `ArgsManager::ParseParameters`. Does not read any file.
    pub fn from_args<I: IntoIterator<Item = String>>(args: I) -> Result<Config, ConfigError> {
        Config::parse(options::BITCOIND_OPTIONS, Program::Daemon, args)
    }

    /// Parses `bitcoin-cli`'s command line: its own options, then the RPC method and its
    /// arguments ([`Config::command`]).
    pub fn from_cli_args<I: IntoIterator<Item = String>>(args: I) -> Result<Config, ConfigError> {
        Config::parse(options::BITCOIN_CLI_OPTIONS, Program::Cli, args)
    }

    fn parse<I: IntoIterator<Item = String>>(
        table: &'static [OptionSpec],
        program: Program,
        args: I,
    ) -> Result<Config, ConfigError> {
        let mut config = Config {
            table,
            program,
            forced: BTreeMap::new(),
            command_line: BTreeMap::new(),
            rw_settings: BTreeMap::new(),
            ro_config: BTreeMap::new(),
            sections: Vec::new(),
            command: Vec::new(),
            unexpected_token: None,
            section: String::new(),
            network: Network::Mainnet,
            config_path: None,
            early_log: Vec::new(),
            console_warnings: Vec::new(),
        };
        let args: Vec<String> = args.into_iter().collect();
        // bitcoind checks every argument for a leading dash after reading its files
        // (ParseArgs), so a token even after `-` is reported; remember the first.
        config.unexpected_token = args.iter().find(|arg| !arg.starts_with('-')).cloned();

        let mut iter = args.into_iter();
        while let Some(arg) = iter.next() {
            // `-` alone ends the options (bitcoin-tx reads stdin after it).
            if arg == "-" {
                break;
            }
            let (key, value) = match arg.split_once('=') {
                Some((key, value)) => (key.to_owned(), Some(value.to_owned())),
                None => (arg.clone(), None),
            };
            if !key.starts_with('-') {
                // The first non-option starts the command: bitcoin-cli's method and its
                // arguments, which may themselves start with a dash (`-1`).
                config.command.push(arg);
                config.command.extend(iter.by_ref());
                break;
            }
            // `--foo` is `-foo`; then drop the dash.
            let key = key.strip_prefix("--").map_or(&key[1..], |rest| {
                // Keep the second dash only when there was nothing after it ("--").
                if rest.is_empty() {
                    &key[1..]
                } else {
                    rest
                }
            });
            let info = interpret_key(key);
            let spec = config.spec(&info.name);
            // Unknown options, and options with a section (`-regtest.port=1`), are only
            // valid in a file.
            let Some(spec) = spec.filter(|_| info.section.is_empty()) else {
                return Err(ConfigError::ParseArgs(format!("Invalid parameter {arg}")));
            };
            let value = interpret_value(&info, value.as_deref(), spec.flags, &mut config.early_log)
                .map_err(ConfigError::ParseArgs)?;
            config
                .command_line
                .entry(info.name)
                .or_default()
                .push(value);
        }

        // -includeconf belongs in a file; only -noincludeconf may be given here.
        if let Some(values) = config.command_line.get("includeconf") {
            if let Some(first) = span_values(values).first() {
                return Err(ConfigError::ParseArgs(format!(
                    "-includeconf cannot be used from commandline; -includeconf={}",
                    write_json(first, 0)
                )));
            }
        }
        config.network = config.chain_type().unwrap_or(Network::Mainnet);
        Ok(config)
    }

    /// Reads `bitcoin.conf` (or `-conf=`) and the files it includes, selects the network,
    /// and checks the data directory, as Core's `InitConfig` does for `bitcoind` and
    /// `AppInitRPC` for `bitcoin-cli`. Messages for `debug.log` are kept in
    /// [`Config::early_log`], warnings for the terminal in [`Config::console_warnings`].
    pub fn read_config_files(&mut self) -> Result<(), ConfigError> {
        if let Some(given) = self.missing_datadir() {
            return Err(ConfigError::DataDirNotFound(given));
        }
        // Remember where the configuration would come from before the file can move the
        // data directory (a `datadir=` line), to notice a bitcoin.conf left unused.
        let orig_datadir = self.datadir_base();
        let orig_config_path = self.abs_base_path(self.conf_arg());

        self.read_config_files_inner()
            .map_err(ConfigError::ReadConfig)?;

        // SelectParams(GetChainType()): now the network's section applies.
        let network = self.chain_type()?;
        self.network = network;
        self.section = network.core_name().to_owned();

        if self.program == Program::Daemon {
            self.check_ignored_conf(orig_datadir, orig_config_path)?;
            if let Some(token) = &self.unexpected_token {
                return Err(ConfigError::UnexpectedToken(token.clone()));
            }
        }
        Ok(())
    }

    // ArgsManager::ReadConfigFiles; the error is the text after
    // "Error reading configuration file: ".
    fn read_config_files_inner(&mut self) -> Result<(), String> {
        self.ro_config.clear();
        self.sections.clear();
        // Relative paths (the file, its includes) hang off the data directory as it was
        // before the file could change it: Core caches that path until the files are read.
        let base = self.datadir_base().unwrap_or_default();
        let conf_path = abs_path_in(&base, self.conf_arg());
        self.config_path = Some(conf_path.clone());

        // An empty path means -noconf.
        if !conf_path.as_os_str().is_empty() {
            if conf_path.is_dir() {
                return Err(format!(
                    "Config file \"{}\" is a directory.",
                    conf_path.display()
                ));
            }
            match fs::File::open(&conf_path) {
                Ok(file) => {
                    let name = conf_path.display().to_string();
                    self.read_config_stream(BufReader::new(file), &name)?;
                    self.read_included_files(&base)?;
                }
                // A missing default file is fine; one named with -conf must be readable.
                Err(_) if self.is_set("conf") => {
                    return Err(format!(
                        "specified config file \"{}\" could not be opened.",
                        conf_path.display()
                    ));
                }
                Err(_) => {}
            }
        }

        // The file may have set datadir=.
        if let Some(given) = self.missing_datadir() {
            return Err(format!(
                "specified data directory \"{given}\" does not exist."
            ));
        }
        Ok(())
    }

    fn read_included_files(&mut self, base: &Path) -> Result<(), String> {
        // -noincludeconf on the command line turns includes off (the parser refused
        // any other -includeconf there).
        if self.command_line.contains_key("includeconf") {
            return Ok(());
        }
        let chain = self.chain_type_string()?;
        let mut names = Vec::new();
        // The network has not been selected yet, so look at both sections by hand:
        // `[regtest] includeconf=` and top-level `includeconf=`.
        let chain_count = self.collect_includes(&chain, 0, &mut names);
        let default_count = self.collect_includes("", 0, &mut names);

        for name in &names {
            let path = abs_path_in(base, PathBuf::from(name));
            if path.is_dir() {
                return Err(format!(
                    "Included config file \"{}\" is a directory.",
                    path.display()
                ));
            }
            match fs::File::open(&path) {
                Ok(file) => {
                    self.read_config_stream(BufReader::new(file), name)?;
                    self.early_log.push(EarlyLogLine {
                        warning: false,
                        message: format!("Included configuration file {name}"),
                    });
                }
                Err(_) => return Err(format!("Failed to include configuration file {name}")),
            }
        }

        // Includes are one level deep: lines added by included files are reported and
        // otherwise ignored.
        let mut nested = Vec::new();
        self.collect_includes(&chain, chain_count, &mut nested);
        self.collect_includes("", default_count, &mut nested);
        let chain_final = self.chain_type_string()?;
        if chain_final != chain {
            // An included file changed the network: its section's includes are nested too.
            self.collect_includes(&chain_final, 0, &mut nested);
        }
        for name in nested {
            self.console_warnings.push(format!(
                "warning: -includeconf cannot be used from included files; ignoring -includeconf={name}"
            ));
        }
        Ok(())
    }

    // Appends the section's includeconf values from index `skip` on (after the last
    // negation), and returns how many values the section has.
    fn collect_includes(&self, section: &str, skip: usize, out: &mut Vec<String>) -> usize {
        let Some(values) = self
            .ro_config
            .get(section)
            .and_then(|map| map.get("includeconf"))
        else {
            return 0;
        };
        let start = skip.max(negated_count(values));
        for value in values.iter().skip(start) {
            out.push(setting_to_string(value).unwrap_or_default());
        }
        values.len()
    }

    // ArgsManager::ReadConfigStream over GetConfigOptions.
    fn read_config_stream(&mut self, reader: impl BufRead, file_name: &str) -> Result<(), String> {
        let options = parse_config_lines(reader, file_name, &mut self.sections)?;
        for (name, value) in options {
            let info = interpret_key(&name);
            if info.name == "conf" {
                return Err("conf cannot be set in the configuration file; use includeconf= if you want to include additional config files".to_owned());
            }
            if info.name == "reindex" {
                self.early_log.push(EarlyLogLine {
                    warning: true,
                    message: "reindex=1 is set in the configuration file, which will significantly slow down startup. Consider removing or commenting out this option for better performance, unless there is currently a condition which makes rebuilding the indexes necessary".to_owned(),
                });
            }
            match self.spec(&info.name) {
                Some(spec) => {
                    let value =
                        interpret_value(&info, Some(&value), spec.flags, &mut self.early_log)?;
                    self.ro_config
                        .entry(info.section)
                        .or_default()
                        .entry(info.name)
                        .or_default()
                        .push(value);
                }
                // Both bitcoind and bitcoin-cli read their files with ignore_invalid_keys:
                // a file shared with other programs may hold their options.
                None => self.early_log.push(EarlyLogLine {
                    warning: true,
                    message: format!("Ignoring unknown configuration value {name}"),
                }),
            }
        }
        Ok(())
    }

    // The "bitcoin.conf ignored" check of Core's InitConfig.
    fn check_ignored_conf(
        &mut self,
        orig_datadir: Option<PathBuf>,
        orig_config_path: PathBuf,
    ) -> Result<(), ConfigError> {
        let Some(base) = self.datadir_base() else {
            return Ok(());
        };
        let base_config = base.join(BITCOIN_CONF_FILENAME);
        if !base_config.exists() {
            return Ok(());
        }
        if orig_config_path.as_os_str().is_empty() {
            self.early_log.push(EarlyLogLine {
                warning: false,
                message: format!(
                    "Data directory {} contains a {} file which is explicitly ignored using -noconf.",
                    quoted(&base.display().to_string()),
                    quoted(BITCOIN_CONF_FILENAME)
                ),
            });
            return Ok(());
        }
        if same_file(&orig_config_path, &base_config) {
            return Ok(());
        }
        let cli_config_path = self.get("conf").unwrap_or_default();
        let source = if cli_config_path.is_empty() {
            let orig = orig_datadir.unwrap_or_default();
            format!("data directory {}", quoted(&orig.display().to_string()))
        } else {
            format!(
                "command line argument {}",
                quoted(&format!("-conf={cli_config_path}"))
            )
        };
        let base_q = quoted(&base.display().to_string());
        let conf_q = quoted(BITCOIN_CONF_FILENAME);
        let mut message = format!(
            "Data directory {base_q} contains a {conf_q} file which is ignored, because a different configuration file {} from {source} is being used instead. Possible ways to address this would be to:\n\
             - Delete or rename the {conf_q} file in data directory {base_q}.\n\
             - Change datadir= or conf= options to specify one configuration file, not two, and use includeconf= to include any other configuration files.",
            quoted(&orig_config_path.display().to_string()),
        );
        if self.get_bool("allowignoredconf", false) {
            self.early_log.push(EarlyLogLine {
                warning: true,
                message,
            });
            Ok(())
        } else {
            message.push_str(
                "\n- Set allowignoredconf=1 option to treat this condition as a warning, not an error.",
            );
            Err(ConfigError::IgnoredConfFile(message))
        }
    }

    /// Reads `settings.json` (unless `-nosettings`), as Core's `ReadSettingsFile`. A missing
    /// file is fine. Its values rank between the command line and `bitcoin.conf`.
    pub fn read_settings_file(&mut self, datadir: &DataDir) -> Result<(), ConfigError> {
        let Some(path) = datadir.settings_file() else {
            return Ok(());
        };
        self.rw_settings = read_settings(path).map_err(ConfigError::SettingsRead)?;
        let unknown: Vec<String> = self
            .rw_settings
            .keys()
            .filter(|key| self.spec(&interpret_key(key).name).is_none())
            .cloned()
            .collect();
        for key in unknown {
            self.early_log.push(EarlyLogLine {
                warning: true,
                message: format!("Ignoring unknown rw_settings value {key}"),
            });
        }
        Ok(())
    }

    /// Writes `settings.json` back (unless `-nosettings`), as Core does at every start:
    /// its warning comment, then the read-write settings.
    pub fn write_settings_file(&self, datadir: &DataDir) -> Result<(), ConfigError> {
        let Some(path) = datadir.settings_file() else {
            return Ok(());
        };
        write_settings(path, &self.rw_settings)
            .map_err(|detail| ConfigError::SettingsWrite(vec![detail]))
    }

    /// Sets a read-write setting (kept in `settings.json` by the next
    /// [`Config::write_settings_file`]), as wallets' `load_on_startup` does.
    pub fn set_rw_setting(&mut self, name: &str, value: Value) {
        self.rw_settings.insert(name.to_owned(), value);
    }

    /// The read-write setting `name`, as found in `settings.json`.
    pub fn rw_setting(&self, name: &str) -> Option<&Value> {
        self.rw_settings.get(name)
    }

    /// The checks of Core's `AppInitParameterInteraction` that concern the configuration
    /// itself. Returns the warnings `bitcoind` prints as `Warning: <text>` (and logs), or
    /// the error that stops it:
    ///
    /// - network-only options set only at the top of the file while on a test network;
    /// - sections of the file that name no network (a warning);
    /// - options sou refuses (`-daemon`, `-daemonwait`, `-prune` other than 0).
    pub fn check_parameters(&self) -> Result<Vec<String>, ConfigError> {
        let mut warnings = Vec::new();
        // Removed options Core still knows, to say they do nothing.
        if self.is_set("checkpoints") {
            warnings.push("Option '-checkpoints' is set but checkpoints were removed. This option has no effect.".to_owned());
        }
        if self.is_set("limitancestorsize") {
            warnings.push("Option '-limitancestorsize' is given but ancestor size limits have been replaced with cluster size limits (see -limitclustersize). This option has no effect.".to_owned());
        }
        if self.is_set("limitdescendantsize") {
            warnings.push("Option '-limitdescendantsize' is given but descendant size limits have been replaced with cluster size limits (see -limitclustersize). This option has no effect.".to_owned());
        }

        let unsuitable = self.unsuitable_section_only_args();
        if !unsuitable.is_empty() {
            return Err(ConfigError::NetworkOnlyInDefaultSection {
                args: unsuitable,
                network: self.network.core_name().to_owned(),
            });
        }

        let unrecognized: String = self
            .unrecognized_sections()
            .iter()
            .map(|section| {
                format!(
                    "{}:{} Section [{}] is not recognized.\n",
                    section.file, section.line, section.name
                )
            })
            .collect();
        if !unrecognized.is_empty() {
            warnings.push(unrecognized);
        }

        for spec in self.table {
            if spec.support == Support::Refused && self.get_bool(spec.name, false) {
                return Err(ConfigError::Refused(format!(
                    "-{} is not supported by sou; start soud in the background with your shell or a service manager instead",
                    spec.name
                )));
            }
        }
        let prune = self.get_int("prune", 0);
        if prune != 0 {
            return Err(ConfigError::Refused(format!(
                "Pruning is not supported by sou (-prune={prune}); every block is kept, use -prune=0"
            )));
        }
        Ok(warnings)
    }

    /// The selected network. Final after [`Config::read_config_files`]; before it, what the
    /// command line alone says (main when it says nothing, or something invalid).
    pub fn network(&self) -> Network {
        self.network
    }

    /// The value of option `name` (without the dash): `None` when unset, `"0"` when
    /// negated, `""` for a bare `-name`.
    pub fn get(&self, name: &str) -> Option<String> {
        setting_to_string(&self.setting(name))
    }

    /// Every value of a list option (`-addnode`, `-rpcauth`, `-debug`), in Core's order:
    /// command line first, then the file's network section, then its top section.
    pub fn get_all(&self, name: &str) -> Vec<String> {
        self.settings_list(name)
            .iter()
            .map(|value| setting_to_string(value).unwrap_or_default())
            .collect()
    }

    /// A boolean option: `-name` and `-name=1` are true, `-noname` and `-name=0` false,
    /// and (Core's rule) any other value is read as a number, so `-name=true` is false.
    pub fn get_bool(&self, name: &str, default: bool) -> bool {
        match self.setting(name) {
            Value::Null => default,
            Value::Bool(b) => b,
            other => interpret_bool(&setting_to_string(&other).unwrap_or_default()),
        }
    }

    /// An integer option, parsed like C's `atoi` (leading digits; 0 when there are none;
    /// saturating), as Core's `LocaleIndependentAtoi`.
    pub fn get_int(&self, name: &str, default: i64) -> i64 {
        match self.setting(name) {
            Value::Null => default,
            Value::Bool(b) => i64::from(b),
            other => atoi(&setting_to_string(&other).unwrap_or_default()),
        }
    }

    /// Whether option `name` is set (negation counts as set).
    pub fn is_set(&self, name: &str) -> bool {
        !self.setting(name).is_null()
    }

    /// Whether option `name` is negated (`-noname`, or `noname=1` in a file).
    pub fn is_negated(&self, name: &str) -> bool {
        self.setting(name) == Value::Bool(false)
    }

    /// A path option, as Core's `GetPathArg`.
    pub fn get_path(&self, name: &str) -> PathArg {
        let value = self.setting(name);
        if value == Value::Bool(false) {
            return PathArg::Disabled;
        }
        match setting_to_string(&value) {
            None => PathArg::Unset,
            Some(text) if text.is_empty() => PathArg::Unset,
            Some(text) => PathArg::Path(lexically_normal(Path::new(&text))),
        }
    }

    /// Options the user set that Core knows but sou does not implement, without dashes.
    /// The node writes one warning line per option to `debug.log`.
    pub fn ignored_options(&self) -> Vec<String> {
        self.table
            .iter()
            .filter(|spec| spec.support == Support::Ignored && self.is_set(spec.name))
            .map(|spec| spec.name.to_owned())
            .collect()
    }

    /// Whether `-help`, `-h`, `-?` or `-help-debug` was given.
    pub fn help_requested(&self) -> bool {
        ["?", "h", "help", "help-debug"]
            .iter()
            .any(|name| self.spec(name).is_some() && self.is_set(name))
    }

    /// Whether `-version` was given (and not `-version=0`).
    pub fn version_requested(&self) -> bool {
        self.get_bool("version", false)
    }

    /// The arguments after the options: `bitcoin-cli`'s method and its parameters.
    pub fn command(&self) -> &[String] {
        &self.command
    }

    /// Sets `name` unless the user did, as Core's `SoftSetArg` (for parameter interactions:
    /// `-connect` implies `-dnsseed=0`). Returns whether it was set.
    pub fn soft_set(&mut self, name: &str, value: &str) -> bool {
        if self.is_set(name) {
            return false;
        }
        self.force_set(name, value);
        true
    }

    /// Sets `name` over anything the user said, as Core's `ForceSetArg`.
    pub fn force_set(&mut self, name: &str, value: &str) {
        self.forced
            .insert(name.to_owned(), Value::String(value.to_owned()));
    }

    /// The configuration file in use, once [`Config::read_config_files`] ran; `None` with
    /// `-noconf`. It need not exist.
    pub fn config_file_path(&self) -> Option<&Path> {
        self.config_path
            .as_deref()
            .filter(|path| !path.as_os_str().is_empty())
    }

    /// Lines for `debug.log` gathered while reading the configuration (warnings about
    /// unknown keys, included files), in order.
    pub fn early_log(&self) -> &[EarlyLogLine] {
        &self.early_log
    }

    /// Warnings Core prints straight to stderr while reading files (nested `includeconf`).
    pub fn console_warnings(&self) -> &[String] {
        &self.console_warnings
    }

    /// The sections of the files that name no network ([`Config::check_parameters`] warns).
    pub fn unrecognized_sections(&self) -> Vec<SectionInfo> {
        const KNOWN: [&str; 5] = ["regtest", "signet", "test", "testnet4", "main"];
        self.sections
            .iter()
            .filter(|section| !KNOWN.contains(&section.name.as_str()))
            .cloned()
            .collect()
    }

    /// Network-only options (with their dash) set only at the top of the file while a test
    /// network is selected: Core's `GetUnsuitableSectionOnlyArgs`.
    pub fn unsuitable_section_only_args(&self) -> Vec<String> {
        if self.section.is_empty() || self.section == "main" {
            return Vec::new();
        }
        let mut names: Vec<&str> = self
            .table
            .iter()
            .filter(|spec| spec.has(NETWORK_ONLY))
            .map(|spec| spec.name)
            .collect();
        names.sort_unstable();
        names
            .into_iter()
            .filter(|name| self.only_default_section_setting(name))
            .map(|name| format!("-{name}"))
            .collect()
    }

    /// The configuration as Core's `ArgsManager::LogArgs` writes it to `debug.log`:
    /// `Config file arg: [regtest] port="18444"`, `Command-line arg: datadir="/tmp/x"`,
    /// with sensitive values as `****`.
    pub fn log_args_lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for (section, args) in &self.ro_config {
            self.log_args_prefix(&mut lines, "Config file arg:", section, args);
        }
        for (name, value) in &self.rw_settings {
            lines.push(format!(
                "Setting file arg: {name} = {}",
                write_json(value, 0)
            ));
        }
        self.log_args_prefix(&mut lines, "Command-line arg:", "", &self.command_line);
        lines
    }

    fn log_args_prefix(
        &self,
        lines: &mut Vec<String>,
        prefix: &str,
        section: &str,
        args: &BTreeMap<String, Vec<Value>>,
    ) {
        let section_str = if section.is_empty() {
            String::new()
        } else {
            format!("[{section}] ")
        };
        for (name, values) in args {
            let Some(spec) = self.spec(name) else {
                continue;
            };
            for value in values {
                let shown = if spec.has(SENSITIVE) {
                    "****".to_owned()
                } else {
                    write_json(value, 0)
                };
                lines.push(format!("{prefix} {section_str}{name}={shown}"));
            }
        }
    }

    /// The data directory without the network part: `-datadir` made absolute, or the
    /// platform default. `None` when `-datadir` names no directory.
    pub fn datadir_base(&self) -> Option<PathBuf> {
        match self.get_path("datadir") {
            PathArg::Path(path) => {
                let absolute = std::path::absolute(&path).unwrap_or(path);
                absolute.is_dir().then_some(absolute)
            }
            PathArg::Unset | PathArg::Disabled => Some(datadir::default_datadir()),
        }
    }

    /// The network's data directory (`<datadir>/regtest`); the base itself for main.
    pub fn datadir_net(&self) -> Option<PathBuf> {
        let base = self.datadir_base()?;
        let sub = datadir::network_subdir(self.network);
        Some(if sub.is_empty() { base } else { base.join(sub) })
    }

    // ---- internals ----

    fn spec(&self, name: &str) -> Option<&'static OptionSpec> {
        options::find(self.table, name)
    }

    fn missing_datadir(&self) -> Option<String> {
        match self.get_path("datadir") {
            PathArg::Path(_) if self.datadir_base().is_none() => {
                Some(self.get("datadir").unwrap_or_default())
            }
            _ => None,
        }
    }

    // -conf, default bitcoin.conf; empty for -noconf.
    fn conf_arg(&self) -> PathBuf {
        match self.get_path("conf") {
            PathArg::Disabled => PathBuf::new(),
            PathArg::Unset => PathBuf::from(BITCOIN_CONF_FILENAME),
            PathArg::Path(path) => path,
        }
    }

    // AbsPathForConfigVal(.., net_specific=false): relative paths hang off the data
    // directory; empty stays empty.
    fn abs_base_path(&self, path: PathBuf) -> PathBuf {
        abs_path_in(&self.datadir_base().unwrap_or_default(), path)
    }

    // Core's UseDefaultSection.
    fn use_default_section(&self, name: &str) -> bool {
        self.section == "main" || !self.spec(name).is_some_and(|spec| spec.has(NETWORK_ONLY))
    }

    fn setting(&self, name: &str) -> Value {
        get_setting(
            self,
            &self.section,
            name,
            !self.use_default_section(name),
            false,
        )
    }

    fn settings_list(&self, name: &str) -> Vec<Value> {
        get_settings_list(self, &self.section, name, !self.use_default_section(name))
    }

    // Calls `f` with each source's values for `name`, highest precedence first
    // (common::MergeSettings).
    fn merge(&self, section: &str, name: &str, mut f: impl FnMut(&[Value], Source)) {
        if let Some(value) = self.forced.get(name) {
            f(std::slice::from_ref(value), Source::Forced);
        }
        if let Some(values) = self.command_line.get(name) {
            f(values, Source::CommandLine);
        }
        if let Some(value) = self.rw_settings.get(name) {
            f(std::slice::from_ref(value), Source::RwSettings);
        }
        if !section.is_empty() {
            if let Some(values) = self.ro_config.get(section).and_then(|map| map.get(name)) {
                f(values, Source::ConfigNetworkSection);
            }
        }
        if let Some(values) = self.ro_config.get("").and_then(|map| map.get(name)) {
            f(values, Source::ConfigDefaultSection);
        }
    }

    // common::OnlyHasDefaultSectionSetting.
    fn only_default_section_setting(&self, name: &str) -> bool {
        let mut has_default = false;
        let mut has_other = false;
        self.merge(&self.section, name, |span, source| {
            if span_is_empty(span) {
                return;
            }
            if source == Source::ConfigDefaultSection {
                has_default = true;
            } else {
                has_other = true;
            }
        });
        has_default && !has_other
    }

    // ArgsManager::GetChainArg, without the error for an unknown name.
    fn chain_type_string(&self) -> Result<String, String> {
        let net = |name: &str| -> bool {
            match get_setting(self, "", name, false, true) {
                Value::Null => false,
                Value::Bool(b) => b,
                other => interpret_bool(&setting_to_string(&other).unwrap_or_default()),
            }
        };
        let regtest = net("regtest");
        let signet = net("signet");
        let testnet = net("testnet");
        let testnet4 = net("testnet4");
        let chain = setting_to_string(&get_setting(self, "", "chain", false, false));
        let count = usize::from(chain.is_some())
            + usize::from(regtest)
            + usize::from(signet)
            + usize::from(testnet)
            + usize::from(testnet4);
        if count > 1 {
            return Err("Invalid combination of -regtest, -signet, -testnet, -testnet4 and -chain. Can use at most one.".to_owned());
        }
        Ok(match chain {
            Some(name) => name,
            None if regtest => "regtest".to_owned(),
            None if signet => "signet".to_owned(),
            None if testnet => "test".to_owned(),
            None if testnet4 => "testnet4".to_owned(),
            None => "main".to_owned(),
        })
    }

    fn chain_type(&self) -> Result<Network, ConfigError> {
        let name = self.chain_type_string().map_err(ConfigError::Chain)?;
        network_from_core_name(&name)
            .ok_or_else(|| ConfigError::Chain(format!("Unknown chain {name}.")))
    }
}

// AbsPathForConfigVal: `path` under `base` unless absolute (or empty, meaning disabled).
fn abs_path_in(base: &Path, path: PathBuf) -> PathBuf {
    if path.is_absolute() || path.as_os_str().is_empty() {
        return path;
    }
    base.join(path)
}

/// The network of a Core chain name: exactly `main`, `test`, `testnet4`, `signet`,
/// `regtest` (Core's `ChainTypeFromString` takes no aliases).
pub fn network_from_core_name(name: &str) -> Option<Network> {
    Network::ALL
        .into_iter()
        .find(|network| network.core_name() == name)
}

// ---- keys and values ----

struct KeyInfo {
    name: String,
    section: String,
    negated: bool,
}

// Core's InterpretKey: "section.name", "noname", "section.noname".
fn interpret_key(key: &str) -> KeyInfo {
    let (section, rest) = match key.split_once('.') {
        Some((section, rest)) => (section.to_owned(), rest),
        None => (String::new(), key),
    };
    let (name, negated) = match rest.strip_prefix("no") {
        Some(name) => (name.to_owned(), true),
        None => (rest.to_owned(), false),
    };
    KeyInfo {
        name,
        section,
        negated,
    }
}

// Core's InterpretValue: a negation is `false` (or `true` for the double negative
// `-nofoo=0`); anything else is the string given, "" when none.
fn interpret_value(
    key: &KeyInfo,
    value: Option<&str>,
    flags: u16,
    log: &mut Vec<EarlyLogLine>,
) -> Result<Value, String> {
    if key.negated {
        if flags & DISALLOW_NEGATION != 0 {
            return Err(format!(
                "Negating of -{} is meaningless and therefore forbidden",
                key.name
            ));
        }
        if let Some(value) = value {
            if !interpret_bool(value) {
                log.push(EarlyLogLine {
                    warning: true,
                    message: format!(
                        "Parsed potentially confusing double-negative -{}={value}",
                        key.name
                    ),
                });
                return Ok(Value::Bool(true));
            }
        }
        return Ok(Value::Bool(false));
    }
    match value {
        Some(value) => Ok(Value::String(value.to_owned())),
        None if flags & DISALLOW_ELISION != 0 => Err(format!(
            "Can not set -{0} with no value. Please specify value with -{0}=value.",
            key.name
        )),
        None => Ok(Value::String(String::new())),
    }
}

// Core's InterpretBool: empty is true, otherwise a number, non-zero is true.
fn interpret_bool(value: &str) -> bool {
    value.is_empty() || atoi(value) != 0
}

/// C's `atoi` as Core's `LocaleIndependentAtoi<int64_t>` implements it: surrounding white
/// space skipped, an optional sign, the longest run of digits; 0 when there are none,
/// saturated on overflow. `"12abc"` is 12, `"true"` is 0.
pub fn atoi(text: &str) -> i64 {
    let trimmed = text.trim_matches(|c| " \x0c\n\r\t\x0b".contains(c));
    let (negative, digits) = if let Some(rest) = trimmed.strip_prefix('+') {
        if rest.starts_with('-') {
            return 0;
        }
        (false, rest)
    } else if let Some(rest) = trimmed.strip_prefix('-') {
        (true, rest)
    } else {
        (false, trimmed)
    };
    let run: &str = digits
        .find(|c: char| !c.is_ascii_digit())
        .map_or(digits, |end| &digits[..end]);
    if run.is_empty() {
        return 0;
    }
    let mut acc: i64 = 0;
    for digit in run.bytes() {
        let d = i64::from(digit - b'0');
        let next = acc.checked_mul(10).and_then(|a| {
            if negative {
                a.checked_sub(d)
            } else {
                a.checked_add(d)
            }
        });
        match next {
            Some(n) => acc = n,
            None => return if negative { i64::MIN } else { i64::MAX },
        }
    }
    acc
}

// Core's SettingToString.
fn setting_to_string(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::Bool(false) => Some("0".to_owned()),
        Value::Bool(true) => Some("1".to_owned()),
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(s.clone()),
        other => Some(write_json(other, 0)),
    }
}

// A SettingsSpan: the values after the last negation count.
fn negated_count(values: &[Value]) -> usize {
    values
        .iter()
        .rposition(|value| *value == Value::Bool(false))
        .map_or(0, |i| i + 1)
}

fn span_values(values: &[Value]) -> &[Value] {
    values.get(negated_count(values)..).unwrap_or(&[])
}

fn span_last_negated(values: &[Value]) -> bool {
    values.last() == Some(&Value::Bool(false))
}

fn span_is_empty(values: &[Value]) -> bool {
    values.is_empty() || span_last_negated(values)
}

// common::GetSetting. Its quirks are Core's, kept for compatibility:
// - a negation at the top of the file applies even to network-only options;
// - within a file the first value wins, elsewhere the last one;
// - for the network options, negations are skipped (`-noregtest` cannot undo a file's
//   `regtest=1`).
fn get_setting(
    config: &Config,
    section: &str,
    name: &str,
    ignore_default_section: bool,
    get_chain_type: bool,
) -> Value {
    let mut result = Value::Null;
    let mut done = false;
    config.merge(section, name, |span, source| {
        if done {
            return;
        }
        let never_ignore_negated = span_last_negated(span);
        let reverse_precedence = source.is_config_file() && !get_chain_type;
        if ignore_default_section && source == Source::ConfigDefaultSection && !never_ignore_negated
        {
            return;
        }
        if get_chain_type && span_last_negated(span) {
            return;
        }
        if !span_is_empty(span) {
            let values = span_values(span);
            let chosen = if reverse_precedence {
                values.first()
            } else {
                values.last()
            };
            if let Some(value) = chosen {
                result = value.clone();
            }
            done = true;
        } else if span_last_negated(span) {
            result = Value::Bool(false);
            done = true;
        }
    });
    result
}

// common::GetSettingsList. A negation on the command line drops earlier command-line
// values and the file's values; but values after the negation bring the file's values
// back ("zombies", Core's words), which Core keeps for compatibility.
fn get_settings_list(
    config: &Config,
    section: &str,
    name: &str,
    ignore_default_section: bool,
) -> Vec<Value> {
    let mut result = Vec::new();
    let mut done = false;
    let mut prev_negated_empty = false;
    config.merge(section, name, |span, source| {
        let add_zombie_config_values = source.is_config_file() && !prev_negated_empty;
        if ignore_default_section && source == Source::ConfigDefaultSection {
            return;
        }
        if !done || add_zombie_config_values {
            for value in span_values(span) {
                match value {
                    Value::Array(items) => result.extend(items.iter().cloned()),
                    other => result.push(other.clone()),
                }
            }
        }
        done |= negated_count(span) > 0 || source == Source::Forced;
        prev_negated_empty |= span_last_negated(span) && result.is_empty();
    });
    result
}

// ---- configuration file syntax ----

// Core's GetConfigOptions: `name=value` lines, `[section]` headers, `#` comments.
// Returns (prefixed name, value) pairs; records sections for the warning.
fn parse_config_lines(
    reader: impl BufRead,
    file_name: &str,
    sections: &mut Vec<SectionInfo>,
) -> Result<Vec<(String, String)>, String> {
    const PATTERN: &[char] = &[' ', '\t', '\r', '\n'];
    let mut options = Vec::new();
    let mut prefix = String::new();
    for (index, line) in reader.split(b'\n').enumerate() {
        let line_number = index + 1;
        let bytes = line.map_err(|e| format!("could not read {file_name}: {e}"))?;
        let mut text = String::from_utf8_lossy(&bytes).into_owned();
        let mut used_hash = false;
        if let Some(pos) = text.find('#') {
            text.truncate(pos);
            used_hash = true;
        }
        let text = text.trim_matches(PATTERN);
        if text.is_empty() {
            continue;
        }
        if text.len() >= 2 && text.starts_with('[') && text.ends_with(']') {
            let name = &text[1..text.len() - 1];
            sections.push(SectionInfo {
                name: name.to_owned(),
                file: file_name.to_owned(),
                line: line_number,
            });
            prefix = format!("{name}.");
        } else if text.starts_with('-') {
            return Err(format!("parse error on line {line_number}: {text}, options in configuration file must be specified without leading -"));
        } else if let Some((name, value)) = text.split_once('=') {
            let name = format!("{prefix}{}", name.trim_matches(PATTERN));
            let value = value.trim_matches(PATTERN).to_owned();
            if used_hash && name.contains("rpcpassword") {
                return Err(format!("parse error on line {line_number}, using # in rpcpassword can be ambiguous and should be avoided"));
            }
            // A dotted name beyond the section prefix names a section too
            // (`regtest.port=1`), for the unknown-section warning.
            if let Some(pos) = name.rfind('.') {
                if prefix.len() <= pos {
                    sections.push(SectionInfo {
                        name: name[..pos].to_owned(),
                        file: file_name.to_owned(),
                        line: line_number,
                    });
                }
            }
            options.push((name, value));
        } else {
            let mut error = format!("parse error on line {line_number}: {text}");
            if text.len() >= 2 && text.starts_with("no") {
                error.push_str(&format!(
                    ", if you intended to specify a negated option, use {text}=1 instead"
                ));
            }
            return Err(error);
        }
    }
    Ok(options)
}

// ---- settings.json ----

const SETTINGS_WARNING_KEY: &str = "_warning_";

// common::ReadSettings; the errors are Core's details.
fn read_settings(path: &Path) -> Result<BTreeMap<String, Value>, Vec<String>> {
    if !path.exists() {
        return Ok(BTreeMap::new());
    }
    let shown = path.display();
    let text = fs::read_to_string(path)
        .map_err(|_| vec![format!("{shown}. Please check permissions.")])?;
    let value: Value = serde_json::from_str(&text).map_err(|_| {
        vec![format!("Settings file {shown} does not contain valid JSON. This may be caused by a crash, power loss, full disk, or storage error, and can be fixed by removing the file, which will reset settings to default values.")]
    })?;
    let Value::Object(object) = value else {
        return Err(vec![format!(
            "Found non-object value {} in settings file {shown}",
            write_json(&value, 0)
        )]);
    };
    // A JSON map keeps one value per key; list the keys again to catch duplicates.
    let keys: TopLevelKeys = serde_json::from_str(&text).map_err(|e| vec![e.to_string()])?;
    let mut seen = BTreeSet::new();
    for key in keys.0 {
        if !seen.insert(key.clone()) {
            return Err(vec![format!(
                "Found duplicate key {key} in settings file {shown}"
            )]);
        }
    }
    let mut values: BTreeMap<String, Value> = object.into_iter().collect();
    values.remove(SETTINGS_WARNING_KEY);
    Ok(values)
}

// common::WriteSettings, through a temporary file renamed over the old one.
fn write_settings(path: &Path, values: &BTreeMap<String, Value>) -> Result<(), String> {
    let mut object = serde_json::Map::new();
    object.insert(
        SETTINGS_WARNING_KEY.to_owned(),
        Value::String("This file is automatically generated and updated by Bitcoin Core. Please do not edit this file while the node is running, as any changes might be ignored or overwritten.".to_owned()),
    );
    for (key, value) in values {
        object.insert(key.clone(), value.clone());
    }
    let text = format!("{}\n", write_json_indented(&Value::Object(object), 4, 1));
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    fs::write(&tmp, text).map_err(|_| {
        format!(
            "Error: Unable to open settings file {} for writing",
            tmp.display()
        )
    })?;
    fs::rename(&tmp, path).map_err(|_| {
        format!(
            "Failed renaming settings file {} to {}\n",
            tmp.display(),
            path.display()
        )
    })
}

// The keys of a JSON object, in order and with repetitions.
struct TopLevelKeys(Vec<String>);

impl<'de> serde::Deserialize<'de> for TopLevelKeys {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeysVisitor;
        impl<'de> serde::de::Visitor<'de> for KeysVisitor {
            type Value = TopLevelKeys;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<TopLevelKeys, A::Error> {
                let mut keys = Vec::new();
                while let Some((key, _)) = map.next_entry::<String, serde::de::IgnoredAny>()? {
                    keys.push(key);
                }
                Ok(TopLevelKeys(keys))
            }
        }
        deserializer.deserialize_map(KeysVisitor)
    }
}

// ---- JSON as Core writes it ----

/// A JSON value written as Core's `UniValue::write(indent)`: compact with `indent` 0,
/// otherwise one member per line (empty containers too: `[` newline `]`). Strings escape
/// control characters, `"`, `\` and DEL (`\u007f`), and nothing else; numbers keep their
/// text (`1.50` stays `1.50`). `bitcoin-cli` prints results with indent 2.
pub fn write_json(value: &Value, indent: usize) -> String {
    write_json_indented(value, indent, 0)
}

/// `UniValue::write(indent, level)`: as [`write_json`], starting `level` steps in.
pub fn write_json_indented(value: &Value, indent: usize, level: usize) -> String {
    let mut out = String::new();
    write_value(&mut out, value, indent, level);
    out
}

fn write_value(out: &mut String, value: &Value, indent: usize, level: usize) {
    // UniValue treats level 0 as 1 for the members' indentation.
    let level = level.max(1);
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            if indent > 0 {
                out.push('\n');
            }
            for (i, item) in items.iter().enumerate() {
                push_indent(out, indent * level);
                write_value(out, item, indent, level + 1);
                if i + 1 != items.len() {
                    out.push(',');
                }
                if indent > 0 {
                    out.push('\n');
                }
            }
            push_indent(out, indent * (level - 1));
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            if indent > 0 {
                out.push('\n');
            }
            for (i, (key, item)) in map.iter().enumerate() {
                push_indent(out, indent * level);
                write_string(out, key);
                out.push(':');
                if indent > 0 {
                    out.push(' ');
                }
                write_value(out, item, indent, level + 1);
                if i + 1 != map.len() {
                    out.push(',');
                }
                if indent > 0 {
                    out.push('\n');
                }
            }
            push_indent(out, indent * (level - 1));
            out.push('}');
        }
    }
}

fn push_indent(out: &mut String, spaces: usize) {
    out.extend(std::iter::repeat_n(' ', spaces));
}

// UniValue's escape table (univalue_escapes.h).
fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{08}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{0c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if u32::from(c) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

// ---- paths ----

// std::quoted, as fs::quoted prints paths in messages: in double quotes, with `"` and `\`
// escaped by a backslash.
fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

// fs::equivalent: the same file on disk. Unreadable paths are not equivalent.
fn same_file(a: &Path, b: &Path) -> bool {
    match (fs::canonicalize(a), fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// `path` without `.` components, with `dir/..` pairs folded and no trailing separator,
/// as `std::filesystem::path::lexically_normal` followed by Core's trailing-slash removal.
pub fn lexically_normal(path: &Path) -> PathBuf {
    let mut parts: Vec<Component<'_>> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match parts.last() {
                Some(Component::Normal(_)) => {
                    parts.pop();
                }
                // `/..` is `/`.
                Some(Component::RootDir) | Some(Component::Prefix(_)) => {}
                _ => parts.push(component),
            },
            other => parts.push(other),
        }
    }
    if parts.is_empty() {
        return PathBuf::from(".");
    }
    parts.iter().collect()
}

impl fmt::Display for SectionInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{} [{}]", self.file, self.line, self.name)
    }
}
