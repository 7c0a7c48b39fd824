//! Precedence and lookups: which value an option has when the command line,
//! `settings.json` and the file's sections all say something, and the getters built on
//! that answer; also the checks and the `debug.log` listing that read the merged settings.
//!
//! References: Core `common::GetSetting`, `GetSettingsList` and `MergeSettings`
//! (src/common/settings.cpp); `ArgsManager::GetArg`, `GetArgs`, `GetBoolArg`, `GetIntArg`,
//! `GetPathArg`, `GetChainArg`, `GetUnsuitableSectionOnlyArgs` and `LogArgs`
//! (src/common/args.cpp); `AppInitParameterInteraction` (src/init.cpp).
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;
use sou_primitives::Network;

use super::args::{atoi, interpret_bool};
use super::file::{abs_path_in, lexically_normal};
use super::json::write_json;
use super::{
    Config, ConfigError, EarlyLogLine, PathArg, SectionInfo, Source, BITCOIN_CONF_FILENAME,
};
use crate::datadir;
use crate::options::{self, OptionSpec, Support, NETWORK_ONLY, SENSITIVE};

impl Config {
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

    pub(super) fn spec(&self, name: &str) -> Option<&'static OptionSpec> {
        options::find(self.table, name)
    }

    pub(super) fn missing_datadir(&self) -> Option<String> {
        match self.get_path("datadir") {
            PathArg::Path(_) if self.datadir_base().is_none() => {
                Some(self.get("datadir").unwrap_or_default())
            }
            _ => None,
        }
    }

    // -conf, default bitcoin.conf; empty for -noconf.
    pub(super) fn conf_arg(&self) -> PathBuf {
        match self.get_path("conf") {
            PathArg::Disabled => PathBuf::new(),
            PathArg::Unset => PathBuf::from(BITCOIN_CONF_FILENAME),
            PathArg::Path(path) => path,
        }
    }

    // AbsPathForConfigVal(.., net_specific=false): relative paths hang off the data
    // directory; empty stays empty.
    pub(super) fn abs_base_path(&self, path: PathBuf) -> PathBuf {
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
    pub(super) fn chain_type_string(&self) -> Result<String, String> {
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

    pub(super) fn chain_type(&self) -> Result<Network, ConfigError> {
        let name = self.chain_type_string().map_err(ConfigError::Chain)?;
        network_from_core_name(&name)
            .ok_or_else(|| ConfigError::Chain(format!("Unknown chain {name}.")))
    }
}

/// The network of a Core chain name: exactly `main`, `test`, `testnet4`, `signet`,
/// `regtest` (Core's `ChainTypeFromString` takes no aliases).
pub fn network_from_core_name(name: &str) -> Option<Network> {
    Network::ALL
        .into_iter()
        .find(|network| network.core_name() == name)
}

// Core's SettingToString.
pub(super) fn setting_to_string(value: &Value) -> Option<String> {
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
pub(super) fn negated_count(values: &[Value]) -> usize {
    values
        .iter()
        .rposition(|value| *value == Value::Bool(false))
        .map_or(0, |i| i + 1)
}

pub(super) fn span_values(values: &[Value]) -> &[Value] {
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
