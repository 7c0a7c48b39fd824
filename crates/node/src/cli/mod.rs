//! `sou rpc`: a command-line RPC client that behaves like `bitcoin-cli`.
//!
//! `bitcoin-cli getblock <hash> 2` turns its words into a JSON-RPC request,
//! `{"method":"getblock","params":["<hash>",2],"id":"1","jsonrpc":"2.0"}`, sends it to the
//! node over HTTP with the node's credentials, and prints the answer. The subtle part is
//! the conversion of words to JSON: a command line holds only strings, but `2` must reach
//! the node as a number while a label `"2"` must stay a string. Core keeps a table of the
//! parameters that are JSON ([`RPC_CONVERT_PARAMS`], Core's `vRPCConvertParams`); every
//! other parameter is sent as a string, as typed.
//!
//! The rest follows `bitcoin-cli` too:
//!
//! - `-named`: `name=value` words become an object of named parameters; words without
//!   `=` (or whose name is unknown and whose position expects a string) are collected in
//!   `args`.
//! - Credentials: `-rpcuser`/`-rpcpassword`, else the node's cookie file
//!   (`<datadir>/<network>/.cookie`, or `-rpccookiefile`); `-stdinrpcpass` reads the
//!   password from standard input, `-stdin` more arguments, one per line.
//! - Where: `-rpcconnect=host[:port]`, `-rpcport` (default the network's), `-rpcwallet=NAME`
//!   (the `/wallet/NAME` endpoint), `-rpcwait[=timeout]` to retry until the node answers.
//! - Output: a string result raw, other results as JSON indented by 2 (Core's layout, empty
//!   arrays as `[` newline `]`), nothing for `null`; an RPC error as `error code: N` /
//!   `error message:` / the message on stderr, with exit status |N| (so `-8` exits 8);
//!   other failures as `error: ...` with status 1.
//!
//! [`run`] does all of it and returns what to print, so tests need no process.
//!
//! References: Core `src/bitcoin-cli.cpp` (`AppInitRPC`, `CommandLineRPC`, `CallRPC`,
//! `ConnectAndCallRPC`, `ParseResult`, `ParseError`), `src/rpc/client.cpp`
//! (`vRPCConvertParams`, `RPCConvertValues`, `RPCConvertNamedValues`),
//! `src/rpc/request.cpp` (`JSONRPCRequestObj`, `GetAuthCookie`), `src/common/url.cpp`
//! (`UrlEncode`), `src/util/strencodings.cpp` (`SplitHostPort`).

use std::io::BufRead;

use serde_json::Value;

use crate::config::{Config, ConfigError};
use crate::options::{self, BITCOIN_CLI_OPTIONS};

mod convert;
mod http;
mod output;

pub use convert::{
    convert_named, convert_positional, ConvertParam, ParamFormat, Params, RPC_CONVERT_PARAMS,
};
pub use http::{request_body, split_host_port, url_encode};
pub use output::{format_error, format_result};

use http::connect_and_call;

/// `RPC_IN_WARMUP`: the node is starting; `-rpcwait` keeps waiting.
const RPC_IN_WARMUP: i64 = -28;
/// `RPC_WALLET_NOT_SPECIFIED`: several wallets are loaded and none was named.
const RPC_WALLET_NOT_SPECIFIED: i64 = -19;
/// bitcoin-cli's default `-rpcclienttimeout`, in seconds.
const DEFAULT_HTTP_CLIENT_TIMEOUT: i64 = 900;

/// What one `bitcoin-cli` run prints, and its exit status.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CliOutput {
    /// Text for standard output.
    pub stdout: String,
    /// Text for standard error.
    pub stderr: String,
    /// The exit status.
    pub exit_code: u8,
}

impl CliOutput {
    fn failure(stderr: String) -> CliOutput {
        CliOutput {
            stdout: String::new(),
            stderr,
            exit_code: 1,
        }
    }
}

// Why a call failed: a connection problem (retried under -rpcwait) or anything else.
enum CallError {
    Connection(String),
    Other(String),
}

/// Runs one `bitcoin-cli` invocation: `args` without the program name, `stdin` for
/// `-stdin`, `-stdinrpcpass` and `-stdinwalletpassphrase`, `program` the name to show in
/// help and hints (`bitcoin-cli`, `sou rpc`).
pub fn run(program: &str, args: Vec<String>, stdin: &mut dyn BufRead) -> CliOutput {
    let no_args = args.is_empty();
    // AppInitRPC.
    let mut config = match Config::from_cli_args(args) {
        Ok(config) => config,
        Err(error) => return CliOutput::failure(format!("{error}\n")),
    };
    if no_args || config.help_requested() || config.version_requested() {
        let mut stdout = format!(
            "sou RPC client version v{} ({program}, after bitcoin-cli v31.99)\n",
            env!("CARGO_PKG_VERSION")
        );
        if !config.version_requested() {
            stdout.push_str(&usage(program, config.is_set("help-debug")));
        }
        let mut out = CliOutput {
            stdout,
            ..CliOutput::default()
        };
        if no_args {
            out.stderr = "Error: too few parameters\n".to_owned();
            out.exit_code = 1;
        }
        return out;
    }
    if let Err(error) = config.read_config_files() {
        // bitcoin-cli prints "Error: " before these, but not before a file's error.
        let text = match error {
            ConfigError::ReadConfig(_) => format!("{error}\n"),
            _ => format!("Error: {error}\n"),
        };
        return CliOutput::failure(text);
    }
    let mut out = CliOutput::default();
    match command_line_rpc(program, &mut config, stdin, &mut out.stderr) {
        Ok((text, code)) => {
            if !text.is_empty() {
                if code == 0 {
                    out.stdout.push_str(&text);
                    out.stdout.push('\n');
                } else {
                    out.stderr.push_str(&text);
                    out.stderr.push('\n');
                }
            }
            out.exit_code = code;
        }
        Err(message) => {
            out.stderr.push_str(&format!("error: {message}\n"));
            out.exit_code = 1;
        }
    }
    out
}

fn usage(program: &str, show_debug: bool) -> String {
    format!(
        "\n{program} sends one command to a running sou node (soud) or bitcoind, like bitcoin-cli.\n\
         \n\
         Use the \"help\" command to list all commands. Use \"help <command>\" to show help for that command.\n\
         The -named option allows you to specify parameters using the key=value format.\n\
         \n\
         Usage: {program} [options] <command> [params]\n\
         or:    {program} [options] -named <command> [name=value]...\n\
         or:    {program} [options] help\n\
         or:    {program} [options] help <command>\n\
         \n{}",
        options::help_listing(BITCOIN_CLI_OPTIONS, show_debug)
    )
}

// Core's CommandLineRPC: Ok((text, status)) or Err(message for "error: ").
fn command_line_rpc(
    program: &str,
    config: &mut Config,
    stdin: &mut dyn BufRead,
    stderr: &mut String,
) -> Result<(String, u8), String> {
    let mut args: Vec<String> = config.command().to_vec();
    if config.get_bool("stdinrpcpass", false) {
        let password = read_line(stdin)
            .ok_or("-stdinrpcpass specified but failed to read from standard input")?;
        config.force_set("rpcpassword", &password);
    }
    if config.get_bool("stdinwalletpassphrase", false) {
        if !args
            .first()
            .is_some_and(|method| method.starts_with("walletpassphrase"))
        {
            return Err(
                "-stdinwalletpassphrase is only applicable for walletpassphrase(change)".to_owned(),
            );
        }
        let passphrase = read_line(stdin)
            .ok_or("-stdinwalletpassphrase specified but failed to read from standard input")?;
        args.insert(1, passphrase);
    }
    if config.get_bool("stdin", false) {
        while let Some(line) = read_line(stdin) {
            args.push(line);
        }
    }

    // The client-side commands (-getinfo and friends), at most one of them.
    let cli_commands: Vec<&str> = BITCOIN_CLI_OPTIONS
        .iter()
        .filter(|spec| spec.category == options::Category::CliCommands && config.is_set(spec.name))
        .map(|spec| spec.name)
        .collect();
    if cli_commands.len() > 1 {
        let names: Vec<String> = cli_commands.iter().map(|name| format!("-{name}")).collect();
        return Err(format!(
            "Only one of {} may be specified.",
            names.join(", ")
        ));
    }
    if let Some(name) = cli_commands
        .iter()
        .find(|name| config.get_bool(name, false))
    {
        return Err(format!(
            "-{name} is not supported by {program}; call the RPC methods it combines instead"
        ));
    }

    let Some((method, params)) = args.split_first() else {
        return Err("too few parameters (need at least command)".to_owned());
    };
    let wallet = if config.is_negated("rpcwallet") {
        None
    } else {
        config.get("rpcwallet")
    };
    let endpoint = match wallet {
        Some(name) => format!("/wallet/{}", url_encode(&name)),
        None => "/".to_owned(),
    };
    let reply = connect_and_call(program, config, method, params, &endpoint, stderr)?;
    let error = reply.get("error").unwrap_or(&Value::Null);
    if error.is_null() {
        let result = reply.get("result").unwrap_or(&Value::Null);
        Ok((format_result(result).unwrap_or_default(), 0))
    } else {
        Ok(format_error(error, program))
    }
}

fn read_line(stdin: &mut dyn BufRead) -> Option<String> {
    let mut line = String::new();
    match stdin.read_line(&mut line) {
        Ok(0) | Err(_) => None,
        Ok(_) => {
            if line.ends_with('\n') {
                line.pop();
            }
            Some(line)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_rows_are_unique() {
        // A position may have several names: the members of an options object can also
        // be given as named parameters (`scanblocks 5 options`, `5 filter_false_positives`),
        // and a name may sit at two positions (`send 1 conf_target`, `send 4 conf_target`).
        // By position, or by name, the first row counts, as in Core's lookups.
        for (i, a) in RPC_CONVERT_PARAMS.iter().enumerate() {
            for b in RPC_CONVERT_PARAMS.iter().skip(i + 1) {
                assert!(a != b, "{} {} {} listed twice", a.method, a.index, a.name);
            }
        }
        assert_eq!(RPC_CONVERT_PARAMS.len(), 321);
    }

    #[test]
    fn host_and_port() {
        let split = |s: &str| split_host_port(s);
        assert_eq!(split("127.0.0.1"), Some(("127.0.0.1".to_owned(), 0)));
        assert_eq!(
            split("127.0.0.1:8332"),
            Some(("127.0.0.1".to_owned(), 8332))
        );
        assert_eq!(split("[::1]:8332"), Some(("::1".to_owned(), 8332)));
        assert_eq!(split("::1"), Some(("::1".to_owned(), 0)));
        assert_eq!(split("[::1]"), Some(("::1".to_owned(), 0)));
        assert_eq!(split("127.0.0.1:99999"), None);
        assert_eq!(split("127.0.0.1:0"), None);
        assert_eq!(split("127.0.0.1:x"), None);
        assert_eq!(split("host:"), None);
    }

    #[test]
    fn url_encoding() {
        assert_eq!(url_encode("w1"), "w1");
        assert_eq!(url_encode("my wallet/é"), "my%20wallet%2F%C3%A9");
        assert_eq!(url_encode(""), "");
    }
}
