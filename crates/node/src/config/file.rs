//! `bitcoin.conf`: the file, its `[network]` sections and the files it includes with
//! `includeconf`, the choice of the network, and the checks of the data directory.
//!
//! References: Core `ArgsManager::ReadConfigFiles`, `ReadConfigStream` and
//! `GetConfigOptions` (src/common/config.cpp), `InitConfig` (src/common/init.cpp),
//! `AbsPathForConfigVal` (src/common/args.cpp).
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Component, Path, PathBuf};

use super::args::{interpret_key, interpret_value};
use super::lookup::{negated_count, setting_to_string};
use super::{Config, ConfigError, EarlyLogLine, Program, SectionInfo, BITCOIN_CONF_FILENAME};

impl Config {
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
}

// AbsPathForConfigVal: `path` under `base` unless absolute (or empty, meaning disabled).
pub(super) fn abs_path_in(base: &Path, path: PathBuf) -> PathBuf {
    if path.is_absolute() || path.as_os_str().is_empty() {
        return path;
    }
    base.join(path)
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
