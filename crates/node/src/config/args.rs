//! The command line: `-name`, `-name=value`, `--name=value` and `-noname` words turned
//! into settings, as Core's `ArgsManager::ParseParameters` (src/common/args.cpp).
//!
//! Also the syntax the command line shares with `bitcoin.conf`: a key's section and
//! negation (Core's `InterpretKey`), a value's checks (`InterpretValue`), and numbers read
//! as C's `atoi` (`LocaleIndependentAtoi`).
use std::collections::BTreeMap;

use serde_json::Value;
use sou_primitives::Network;

use super::json::write_json;
use super::lookup::span_values;
use super::{Config, ConfigError, EarlyLogLine, Program};
use crate::options::{self, OptionSpec, DISALLOW_ELISION, DISALLOW_NEGATION};

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
}

// ---- keys and values ----

pub(super) struct KeyInfo {
    pub(super) name: String,
    pub(super) section: String,
    pub(super) negated: bool,
}

// Core's InterpretKey: "section.name", "noname", "section.noname".
pub(super) fn interpret_key(key: &str) -> KeyInfo {
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
pub(super) fn interpret_value(
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
pub(super) fn interpret_bool(value: &str) -> bool {
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
