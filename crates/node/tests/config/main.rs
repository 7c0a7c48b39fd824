//! `soud`'s configuration against `bitcoind` v31.99's behaviour: option syntax,
//! `bitcoin.conf`, precedence, network selection, the data directory, logging options and
//! RPC authentication.
//!
//! Where a test pins a message, the message was checked by running the real binary in a
//! fresh directory (`D=$(mktemp -d)`), as the comment above it shows; every such run
//! exited with status 1 and printed `Error: <message>` on stderr.

// Helpers outside #[test] functions unwrap too: a failure there is a failed test.
#![allow(clippy::unwrap_used)]

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use sou_node::config::{Config, ConfigError, PathArg};
use sou_node::datadir::{DataDir, DataDirError};
use sou_node::logging::{LogOptions, LoggingError};
use sou_node::rpc::auth::{rpcauth_hash, RpcAuth, COOKIE_USER};
use sou_primitives::Network;

/// A fresh directory under the system's temporary directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("sou-config-{}-{n}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        fs::write(&path, text).unwrap();
        path
    }

    fn datadir_arg(&self) -> String {
        format!("-datadir={}", self.0.display())
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

fn parse(list: &[&str]) -> Result<Config, ConfigError> {
    Config::from_args(args(list))
}

/// Parses the command line and reads the configuration files of `dir`.
fn load(dir: &TempDir, list: &[&str]) -> Result<Config, ConfigError> {
    let mut all = vec![dir.datadir_arg()];
    all.extend(args(list));
    let mut config = Config::from_args(all)?;
    config.read_config_files()?;
    Ok(config)
}

fn error(result: Result<Config, ConfigError>) -> String {
    match result {
        Ok(_) => panic!("expected an error"),
        Err(e) => {
            assert_eq!(e.exit_code(), 1);
            e.to_string()
        }
    }
}

// ---- command-line syntax ----

#[test]
fn unknown_option_is_refused_with_cores_message() {
    // bitcoind -datadir=$D -foo
    assert_eq!(
        error(parse(&["-foo"])),
        "Error parsing command line arguments: Invalid parameter -foo"
    );
    // bitcoind -datadir=$D --foo=1 (the whole argument is quoted back)
    assert_eq!(
        error(parse(&["--foo=1"])),
        "Error parsing command line arguments: Invalid parameter --foo=1"
    );
    // bitcoind -datadir=$D -regtest.port=1 (sections only in files)
    assert_eq!(
        error(parse(&["-regtest.port=1"])),
        "Error parsing command line arguments: Invalid parameter -regtest.port=1"
    );
    // upnp was removed from Core (v29): no longer an option.
    assert!(parse(&["-upnp=0"]).is_err());
}

#[test]
fn forbidden_negation_and_elision() {
    // bitcoind -datadir=$D -nodatadir
    assert_eq!(
        error(parse(&["-nodatadir"])),
        "Error parsing command line arguments: Negating of -datadir is meaningless and therefore forbidden"
    );
    // bitcoind -datadir=$D -loglevel
    assert_eq!(
        error(parse(&["-loglevel"])),
        "Error parsing command line arguments: Can not set -loglevel with no value. Please specify value with -loglevel=value."
    );
    // bitcoind -datadir=$D -includeconf=x
    assert_eq!(
        error(parse(&["-includeconf=x"])),
        "Error parsing command line arguments: -includeconf cannot be used from commandline; -includeconf=\"x\""
    );
    assert!(parse(&["-noincludeconf"]).is_ok());
}

#[test]
fn dashes_negation_and_values() {
    let config = parse(&[
        "--regtest",
        "-nolisten",
        "-server",
        "-rpcport=1",
        "-rpcport=2",
        "-debug=net",
        "-debug=rpc",
    ])
    .unwrap();
    assert!(config.get_bool("regtest", false));
    assert!(!config.get_bool("listen", true));
    assert!(config.is_negated("listen"));
    assert_eq!(config.get("listen").as_deref(), Some("0"));
    // A bare switch is the empty string, which reads as true.
    assert_eq!(config.get("server").as_deref(), Some(""));
    assert!(config.get_bool("server", false));
    // On the command line the last value wins; lists keep every value.
    assert_eq!(config.get("rpcport").as_deref(), Some("2"));
    assert_eq!(config.get_all("debug"), ["net", "rpc"]);
    assert!(!config.is_set("txindex"));
    assert_eq!(config.get_int("dbcache", 450), 450);
}

#[test]
fn booleans_and_integers_read_like_core() {
    // Core reads a boolean's value as a number: -txindex=true is false (PR12713).
    let config = parse(&[
        "-txindex=true",
        "-blocksonly=2",
        "-dbcache=12abc",
        "-par=-3",
        "-maxmempool=x",
    ])
    .unwrap();
    assert!(!config.get_bool("txindex", true));
    assert!(config.get_bool("blocksonly", false));
    assert_eq!(config.get_int("dbcache", 0), 12);
    assert_eq!(config.get_int("par", 0), -3);
    assert_eq!(config.get_int("maxmempool", 300), 0);
    assert_eq!(sou_node::config::atoi(" +7 "), 7);
    assert_eq!(sou_node::config::atoi("+-7"), 0);
    assert_eq!(sou_node::config::atoi("99999999999999999999"), i64::MAX);
    assert_eq!(sou_node::config::atoi("-99999999999999999999"), i64::MIN);
}

#[test]
fn double_negative_is_true_with_a_warning() {
    let config = parse(&["-nolisten=0"]).unwrap();
    assert!(config.get_bool("listen", false));
    let warning = &config.early_log()[0];
    assert!(warning.warning);
    assert_eq!(
        warning.message,
        "Parsed potentially confusing double-negative -listen=0"
    );
}

#[test]
fn negation_drops_earlier_list_values() {
    let config = parse(&["-addnode=a", "-noaddnode", "-addnode=b"]).unwrap();
    assert_eq!(config.get_all("addnode"), ["b"]);
    let config = parse(&["-addnode=a", "-noaddnode"]).unwrap();
    assert!(config.get_all("addnode").is_empty());
    assert!(config.is_negated("addnode"));
}

#[test]
fn help_and_version() {
    for flag in ["-h", "-?", "-help", "-help-debug", "--help"] {
        assert!(parse(&[flag]).unwrap().help_requested(), "{flag}");
    }
    assert!(parse(&["-version"]).unwrap().version_requested());
    assert!(!parse(&["-version=0"]).unwrap().version_requested());
    assert!(!parse(&[]).unwrap().help_requested());
}

#[test]
fn loose_tokens_are_refused_after_the_files_are_read() {
    let dir = TempDir::new("token");
    // bitcoind -datadir=$D -regtest junk
    assert_eq!(
        error(load(&dir, &["-regtest", "junk"])),
        "Command line contains unexpected token 'junk', see bitcoind -h for a list of options."
    );
    // Options after the token are not parsed, so an unknown one there is no parse error.
    assert_eq!(
        error(load(&dir, &["junk", "-foo"])),
        "Command line contains unexpected token 'junk', see bitcoind -h for a list of options."
    );
}

// ---- networks ----

#[test]
fn network_selection() {
    let dir = TempDir::new("network");
    assert_eq!(load(&dir, &[]).unwrap().network(), Network::Mainnet);
    assert_eq!(
        load(&dir, &["-regtest"]).unwrap().network(),
        Network::Regtest
    );
    assert_eq!(
        load(&dir, &["-testnet4"]).unwrap().network(),
        Network::Testnet4
    );
    assert_eq!(load(&dir, &["-signet"]).unwrap().network(), Network::Signet);
    assert_eq!(
        load(&dir, &["-testnet"]).unwrap().network(),
        Network::Testnet3
    );
    assert_eq!(
        load(&dir, &["-chain=test"]).unwrap().network(),
        Network::Testnet3
    );
    assert_eq!(
        load(&dir, &["-chain=regtest"]).unwrap().network(),
        Network::Regtest
    );
    // -noregtest counts as not given.
    assert_eq!(
        load(&dir, &["-regtest", "-noregtest"]).unwrap().network(),
        Network::Mainnet
    );
    // bitcoind -datadir=$D -regtest -testnet4
    assert_eq!(
        error(load(&dir, &["-regtest", "-testnet4"])),
        "Invalid combination of -regtest, -signet, -testnet, -testnet4 and -chain. Can use at most one."
    );
    // bitcoind -datadir=$D -chain=foo
    assert_eq!(error(load(&dir, &["-chain=foo"])), "Unknown chain foo.");
    // Core's names only: no aliases.
    assert_eq!(
        error(load(&dir, &["-chain=mainnet"])),
        "Unknown chain mainnet."
    );
}

#[test]
fn network_from_the_file_and_conflicts_with_the_command_line() {
    let dir = TempDir::new("network-file");
    dir.write("bitcoin.conf", "regtest=1\n");
    assert_eq!(load(&dir, &[]).unwrap().network(), Network::Regtest);
    assert!(load(&dir, &["-testnet4"]).is_err());
    dir.write("bitcoin.conf", "chain=signet\n");
    assert_eq!(load(&dir, &[]).unwrap().network(), Network::Signet);
    // A network in a section does not select the network.
    dir.write("bitcoin.conf", "[regtest]\nregtest=1\n");
    assert_eq!(load(&dir, &[]).unwrap().network(), Network::Mainnet);
}

// ---- bitcoin.conf ----

#[test]
fn sections_prefixes_comments_and_precedence() {
    let dir = TempDir::new("sections");
    dir.write(
        "bitcoin.conf",
        "# a comment\n\
         regtest=1\n\
         server=1   # trailing comment\n\
         \tdbcache = 100 \n\
         dbcache=200\n\
         uacomment=top\n\
         rpcport=1111\n\
         regtest.uacomment=prefixed\n\
         [main]\n\
         rpcport=8888\n\
         [regtest]\n\
         rpcport=2222\n\
         port=3333\n\
         uacomment=section\n\
         addnode=10.0.0.1\n\
         addnode=10.0.0.2\n",
    );
    let config = load(&dir, &[]).unwrap();
    assert_eq!(config.network(), Network::Regtest);
    assert!(config.get_bool("server", false));
    // In a file the first value wins (Core keeps this for compatibility).
    assert_eq!(config.get("dbcache").as_deref(), Some("100"));
    // The network's section (and `regtest.` lines) beat the top; the first of them wins.
    assert_eq!(config.get("uacomment").as_deref(), Some("prefixed"));
    assert_eq!(config.get("rpcport").as_deref(), Some("2222"));
    assert_eq!(config.get("port").as_deref(), Some("3333"));
    assert_eq!(config.get_all("addnode"), ["10.0.0.1", "10.0.0.2"]);
    // The command line beats both.
    let config = load(&dir, &["-rpcport=4444", "-dbcache=5"]).unwrap();
    assert_eq!(config.get("rpcport").as_deref(), Some("4444"));
    assert_eq!(config.get("dbcache").as_deref(), Some("5"));
    assert!(config.check_parameters().unwrap().is_empty());
    // The file's arguments as Core logs them (sorted, section last, values as JSON).
    let lines = config.log_args_lines();
    assert_eq!(lines[0], "Config file arg: dbcache=\"100\"");
    assert!(lines.contains(&"Config file arg: [regtest] rpcport=\"2222\"".to_owned()));
    assert!(lines.contains(&"Config file arg: [regtest] uacomment=\"prefixed\"".to_owned()));
    assert!(lines.contains(&"Command-line arg: rpcport=\"4444\"".to_owned()));
}

#[test]
fn network_only_options_at_the_top_do_not_apply_off_mainnet() {
    let dir = TempDir::new("network-only");
    dir.write(
        "bitcoin.conf",
        "regtest=1\nrpcport=1234\nport=5555\nserver=1\n",
    );
    let config = load(&dir, &[]).unwrap();
    assert_eq!(config.get("rpcport"), None);
    assert_eq!(config.get("port"), None);
    assert!(config.get_bool("server", false));
    // bitcoind -datadir=$D -listen=0 -printtoconsole=0, same file
    assert_eq!(
        config.check_parameters().unwrap_err().to_string(),
        "Config setting for -port only applied on regtest network when in [regtest] section.\n\
         Config setting for -rpcport only applied on regtest network when in [regtest] section.\n"
    );
    // Given on the command line too, -port is no longer a mistake.
    let config = load(&dir, &["-port=5555"]).unwrap();
    assert_eq!(config.unsuitable_section_only_args(), ["-rpcport"]);
    // On mainnet the top of the file is mainnet's.
    dir.write("bitcoin.conf", "rpcport=1234\n");
    let config = load(&dir, &[]).unwrap();
    assert_eq!(config.get("rpcport").as_deref(), Some("1234"));
    assert!(config.check_parameters().is_ok());
    // A negation at the top applies even to network-only options (a Core quirk).
    dir.write("bitcoin.conf", "regtest=1\nnoconnect=1\n");
    let config = load(&dir, &[]).unwrap();
    assert!(config.is_negated("connect"));
}

#[test]
fn unknown_sections_and_keys_are_warnings() {
    let dir = TempDir::new("unknown");
    let conf = dir.write(
        "bitcoin.conf",
        "chain=regtest\nfoo.bar=1\nnosuchoption=1\n[regtest]\nlisten=0\n[foo]\nx=1\n[test]\n",
    );
    let config = load(&dir, &[]).unwrap();
    // bitcoind -datadir=$D -printtoconsole=0, with a file like this one ([foo] on line 7
    // there), printed "Warning: $D/bitcoin.conf:2 Section [foo] is not recognized.\n
    // $D/bitcoin.conf:7 Section [foo] is not recognized.\n" and a blank line.
    let shown = conf.display();
    assert_eq!(
        config.check_parameters().unwrap(),
        [format!(
            "{shown}:2 Section [foo] is not recognized.\n{shown}:6 Section [foo] is not recognized.\n"
        )]
    );
    let messages: Vec<&str> = config
        .early_log()
        .iter()
        .map(|l| l.message.as_str())
        .collect();
    assert!(messages.contains(&"Ignoring unknown configuration value foo.bar"));
    assert!(messages.contains(&"Ignoring unknown configuration value nosuchoption"));
    assert!(messages.contains(&"Ignoring unknown configuration value foo.x"));
}

#[test]
fn configuration_file_errors() {
    let dir = TempDir::new("conf-errors");
    let cases = [
        // bitcoind -datadir=$D, with each file
        ("-regtest=1\n", "parse error on line 1: -regtest=1, options in configuration file must be specified without leading -"),
        ("regtest=1\nfoo\n", "parse error on line 2: foo"),
        ("regtest=1\nnofoo\n", "parse error on line 2: nofoo, if you intended to specify a negated option, use nofoo=1 instead"),
        ("regtest=1\nrpcpassword=ab#c\n", "parse error on line 2, using # in rpcpassword can be ambiguous and should be avoided"),
        ("regtest=1\nconf=x\n", "conf cannot be set in the configuration file; use includeconf= if you want to include additional config files"),
        ("regtest=1\nincludeconf=nothere.conf\n", "Failed to include configuration file nothere.conf"),
        ("regtest=1\nloglevel\n", "parse error on line 2: loglevel"),
        ("regtest=1\nloglevel=\nnodatadir=1\n", "Negating of -datadir is meaningless and therefore forbidden"),
    ];
    for (text, expected) in cases {
        dir.write("bitcoin.conf", text);
        assert_eq!(
            error(load(&dir, &[])),
            format!("Error reading configuration file: {expected}"),
            "{text:?}"
        );
    }
    // bitcoind -datadir=$D with includeconf=dir.conf, a directory
    fs::create_dir_all(dir.path().join("dir.conf")).unwrap();
    dir.write("bitcoin.conf", "regtest=1\nincludeconf=dir.conf\n");
    assert_eq!(
        error(load(&dir, &[])),
        format!(
            "Error reading configuration file: Included config file \"{}\" is a directory.",
            dir.path().join("dir.conf").display()
        )
    );
    // bitcoind -datadir=$D -conf=$D
    let arg = format!("-conf={}", dir.path().display());
    assert_eq!(
        error(load(&dir, &[&arg])),
        format!(
            "Error reading configuration file: Config file \"{}\" is a directory.",
            dir.path().display()
        )
    );
    // bitcoind -datadir=$D -conf=/nonexistent.conf
    assert_eq!(
        error(load(&dir, &["-conf=/nonexistent.conf"])),
        "Error reading configuration file: specified config file \"/nonexistent.conf\" could not be opened."
    );
    // A datadir= line is checked after the file is read...
    let conf = dir.write("bitcoin.conf", "regtest=1\ndatadir=/nonexistent/sou\n");
    let mut config = Config::from_args(args(&[&format!("-conf={}", conf.display())])).unwrap();
    assert_eq!(
        config.read_config_files().unwrap_err().to_string(),
        "Error reading configuration file: specified data directory \"/nonexistent/sou\" does not exist."
    );
    // ...but the command line's -datadir beats it: bitcoind -datadir=$D with
    // datadir=/nonexist in $D/bitcoin.conf started and logged "Using data directory $D/regtest".
    let config = load(&dir, &[]).unwrap();
    assert_eq!(config.datadir_base().as_deref(), Some(dir.path()));
}

#[test]
fn missing_datadir() {
    // bitcoind -datadir=/nonexistent/x
    let mut config = parse(&["-datadir=/nonexistent/x"]).unwrap();
    assert_eq!(
        config.read_config_files().unwrap_err().to_string(),
        "Specified data directory \"/nonexistent/x\" does not exist."
    );
}

#[test]
fn includeconf_one_level_from_the_main_file() {
    let dir = TempDir::new("include");
    dir.write(
        "bitcoin.conf",
        "regtest=1\nincludeconf=a.conf\n[regtest]\nincludeconf=b.conf\n",
    );
    dir.write("a.conf", "uacomment=from-a\nincludeconf=c.conf\n");
    dir.write("b.conf", "[regtest]\nrpcport=7777\n");
    dir.write("c.conf", "dbcache=1\n");
    let config = load(&dir, &[]).unwrap();
    assert_eq!(config.get("uacomment").as_deref(), Some("from-a"));
    assert_eq!(config.get("rpcport").as_deref(), Some("7777"));
    // Nested includes are not read, and Core says so on stderr.
    assert_eq!(config.get("dbcache"), None);
    assert_eq!(
        config.console_warnings(),
        ["warning: -includeconf cannot be used from included files; ignoring -includeconf=c.conf"]
    );
    let messages: Vec<&str> = config
        .early_log()
        .iter()
        .map(|l| l.message.as_str())
        .collect();
    assert!(messages.contains(&"Included configuration file b.conf"));
    assert!(messages.contains(&"Included configuration file a.conf"));
    // -noincludeconf turns them off.
    let config = load(&dir, &["-noincludeconf"]).unwrap();
    assert_eq!(config.get("uacomment"), None);
}

#[test]
fn conf_path_options() {
    let dir = TempDir::new("conf-path");
    dir.write("other.conf", "regtest=1\n");
    let config = load(&dir, &["-conf=other.conf"]).unwrap();
    assert_eq!(config.network(), Network::Regtest);
    assert_eq!(
        config.config_file_path(),
        Some(dir.path().join("other.conf").as_path())
    );
    dir.write("bitcoin.conf", "regtest=1\n");
    let config = load(&dir, &["-noconf"]).unwrap();
    assert_eq!(config.network(), Network::Mainnet);
    assert_eq!(config.config_file_path(), None);
}

#[test]
fn bitcoin_conf_hidden_by_another_file_is_an_error() {
    let dir = TempDir::new("ignored-conf");
    dir.write("bitcoin.conf", "regtest=1\n");
    dir.write("other.conf", "regtest=1\n");
    let other = dir.path().join("other.conf");
    let arg = format!("-conf={}", other.display());
    let message = error(load(&dir, &[&arg]));
    let base = dir.path().display();
    assert_eq!(
        message,
        format!(
            "Data directory \"{base}\" contains a \"bitcoin.conf\" file which is ignored, because a different configuration file \"{o}\" from command line argument \"-conf={o}\" is being used instead. Possible ways to address this would be to:\n\
             - Delete or rename the \"bitcoin.conf\" file in data directory \"{base}\".\n\
             - Change datadir= or conf= options to specify one configuration file, not two, and use includeconf= to include any other configuration files.\n\
             - Set allowignoredconf=1 option to treat this condition as a warning, not an error.",
            o = other.display()
        )
    );
    assert!(load(&dir, &[&arg, "-allowignoredconf"]).is_ok());
}

#[test]
fn ignored_options_are_listed() {
    let dir = TempDir::new("ignored");
    dir.write("bitcoin.conf", "regtest=1\n[regtest]\nmaxuploadtarget=5\n");
    let config = load(&dir, &["-blocksxor=0", "-txindex", "-v2transport=0"]).unwrap();
    assert_eq!(
        config.ignored_options(),
        ["blocksxor", "maxuploadtarget", "v2transport"]
    );
}

#[test]
fn refused_options() {
    let dir = TempDir::new("refused");
    // -daemon is honoured (the node goes on in a child process): not refused.
    let config = load(&dir, &["-regtest", "-daemon"]).unwrap();
    assert!(config.check_parameters().is_ok());
    let config = load(&dir, &["-regtest", "-daemon=0", "-prune=0"]).unwrap();
    assert!(config.check_parameters().is_ok());
    let config = load(&dir, &["-regtest", "-prune=550"]).unwrap();
    assert!(config.check_parameters().is_err());
}

#[test]
fn soft_and_forced_settings() {
    let mut config = parse(&["-listen=1"]).unwrap();
    assert!(!config.soft_set("listen", "0"));
    assert!(config.soft_set("dnsseed", "0"));
    assert!(!config.get_bool("dnsseed", true));
    config.force_set("listen", "0");
    assert!(!config.get_bool("listen", true));
}

// ---- settings.json ----

#[test]
fn settings_file_round_trip() {
    let dir = TempDir::new("settings");
    let mut config = load(&dir, &["-regtest"]).unwrap();
    let datadir = DataDir::from_config(&config).unwrap();
    datadir.create().unwrap();
    config.read_settings_file(&datadir).unwrap();
    config.write_settings_file(&datadir).unwrap();
    let path = dir.path().join("regtest/settings.json");
    // As bitcoind v31.99 writes it on its first start.
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "{\n    \"_warning_\": \"This file is automatically generated and updated by Bitcoin Core. Please do not edit this file while the node is running, as any changes might be ignored or overwritten.\"\n}\n"
    );
    config.set_rw_setting("wallet", serde_json::json!(["w1", "w2"]));
    config.write_settings_file(&datadir).unwrap();
    let mut again = load(&dir, &["-regtest"]).unwrap();
    again.read_settings_file(&datadir).unwrap();
    assert_eq!(again.get_all("wallet"), ["w1", "w2"]);

    fs::write(&path, "{\"a\": 1, \"a\": 2}").unwrap();
    let err = again.read_settings_file(&datadir).unwrap_err().to_string();
    assert_eq!(
        err,
        format!(
            "Settings file could not be read:\n- Found duplicate key a in settings file {}",
            path.display()
        )
    );
    fs::write(&path, "[1]").unwrap();
    assert!(again.read_settings_file(&datadir).is_err());
}

// ---- data directory ----

#[test]
fn datadir_paths() {
    let dir = TempDir::new("paths");
    let config = load(
        &dir,
        &[
            "-regtest",
            "-debuglogfile=my.log",
            "-norpccookiefile",
            "-pid=/tmp/x.pid",
        ],
    )
    .unwrap();
    let datadir = DataDir::from_config(&config).unwrap();
    let net = dir.path().join("regtest");
    assert_eq!(datadir.base(), dir.path());
    assert_eq!(datadir.net(), net);
    assert_eq!(datadir.blocks(), net.join("blocks"));
    assert_eq!(datadir.debug_log(), Some(net.join("my.log").as_path()));
    assert_eq!(datadir.cookie_file(), None);
    assert_eq!(datadir.pid_file(), Some(Path::new("/tmp/x.pid")));
    assert_eq!(
        datadir.settings_file(),
        Some(net.join("settings.json").as_path())
    );
    assert_eq!(datadir.lock_file(), net.join(".lock"));

    let config = load(&dir, &[]).unwrap();
    let datadir = DataDir::from_config(&config).unwrap();
    assert_eq!(datadir.net(), dir.path());
    assert_eq!(
        datadir.cookie_file(),
        Some(dir.path().join(".cookie").as_path())
    );
    assert_eq!(config.get_path("debuglogfile"), PathArg::Unset);
}

#[test]
fn datadir_is_created_and_locked_once() {
    let dir = TempDir::new("lock");
    let config = load(&dir, &["-regtest"]).unwrap();
    let datadir = DataDir::from_config(&config).unwrap();
    datadir.create().unwrap();
    assert!(dir.path().join("regtest/wallets").is_dir());
    assert!(dir.path().join("regtest/blocks").is_dir());
    let lock = datadir.lock().unwrap();
    assert!(dir.path().join("regtest/.lock").exists());
    assert!(dir.path().join("regtest/blocks/.lock").exists());
    // bitcoind -datadir=$D -regtest while another bitcoind runs there
    let second = datadir.lock().unwrap_err();
    assert!(matches!(second, DataDirError::Locked(_)));
    assert_eq!(
        second.to_string(),
        format!(
            "Cannot obtain a lock on directory {}. Bitcoin Core is probably already running.",
            dir.path().join("regtest").display()
        )
    );
    drop(lock);
    assert!(datadir.lock().is_ok());
}

// ---- logging options ----

fn log_options(dir: &TempDir, list: &[&str]) -> Result<LogOptions, LoggingError> {
    let config = load(dir, list).unwrap();
    let datadir = DataDir::from_config(&config).unwrap();
    LogOptions::from_config(&config, &datadir)
}

#[test]
fn debug_categories() {
    let dir = TempDir::new("log");
    let net = 1 << 13;
    let rpc = 1 << 20;
    let opts = log_options(&dir, &["-regtest"]).unwrap();
    assert_eq!(opts.categories, 0);
    assert!(
        opts.print_to_console,
        "bitcoind prints to the console unless -daemon"
    );
    assert!(opts.shrink);
    assert_eq!(opts.file, Some(dir.path().join("regtest/debug.log")));
    assert_eq!(
        log_options(&dir, &["-debug=net", "-debug=rpc"])
            .unwrap()
            .categories,
        net | rpc
    );
    let all = log_options(&dir, &["-debug"]).unwrap().categories;
    assert_eq!(all.count_ones(), 29);
    assert_eq!(
        log_options(&dir, &["-debug=1", "-debugexclude=net"])
            .unwrap()
            .categories,
        all & !net
    );
    assert_eq!(log_options(&dir, &["-debug=all"]).unwrap().categories, all);
    // Categories before -debug=0 (or none) are dropped; after it they count.
    assert_eq!(
        log_options(&dir, &["-debug=rpc", "-debug=0", "-debug=net"])
            .unwrap()
            .categories,
        net
    );
    assert_eq!(log_options(&dir, &["-nodebug"]).unwrap().categories, 0);
    let libevent = log_options(&dir, &["-debug=libevent"]).unwrap();
    assert_eq!(libevent.warnings.len(), 1);
    assert!(log_options(&dir, &["-nodebuglogfile"])
        .unwrap()
        .file
        .is_none());
}

#[test]
fn logging_option_errors() {
    let dir = TempDir::new("log-errors");
    // bitcoind -datadir=$D -regtest -debug=foo -listen=0 -rpcport=0
    assert_eq!(
        log_options(&dir, &["-regtest", "-debug=foo"])
            .unwrap_err()
            .to_string(),
        "Unsupported logging category -debug=foo."
    );
    assert_eq!(
        log_options(&dir, &["-debugexclude=foo"])
            .unwrap_err()
            .to_string(),
        "Unsupported logging category -debugexclude=foo."
    );
    assert_eq!(
        log_options(&dir, &["-loglevel=warning"])
            .unwrap_err()
            .to_string(),
        "Unsupported global logging level -loglevel=warning. Valid values: info, debug, trace."
    );
    let err = log_options(&dir, &["-loglevel=net:loud"])
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("Unsupported category-specific logging level -loglevel=net:loud. Expected -loglevel=<category>:<loglevel>. Valid categories: addrman, bench, blockstorage,"));
    assert!(err.ends_with(", walletdb, zmq. Valid loglevels: info, debug, trace."));
    assert!(log_options(&dir, &["-loglevel=trace", "-loglevel=net:debug"]).is_ok());
}

// ---- RPC authentication ----

fn basic(user: &str, password: &str) -> String {
    use base64::Engine as _;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
    )
}

#[test]
fn cookie_authentication() {
    let dir = TempDir::new("cookie");
    let config = load(&dir, &["-regtest"]).unwrap();
    let datadir = DataDir::from_config(&config).unwrap();
    datadir.create().unwrap();
    let mut auth = RpcAuth::from_config(&config, &datadir).unwrap();
    let path = dir.path().join("regtest/.cookie");
    let cookie = fs::read_to_string(&path).unwrap();
    // As bitcoind writes it: "__cookie__:" and 32 random bytes in hex, no newline.
    let (user, password) = cookie.split_once(':').unwrap();
    assert_eq!(user, COOKIE_USER);
    assert_eq!(password.len(), 64);
    assert!(password
        .bytes()
        .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let header = format!("Basic {}", {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(&cookie)
    });
    assert_eq!(auth.check(Some(&header)).as_deref(), Some(COOKIE_USER));
    assert_eq!(auth.check(Some(&basic(COOKIE_USER, "0000"))), None);
    assert_eq!(auth.check(None), None);
    assert_eq!(auth.check(Some("Bearer x")), None);
    assert_eq!(auth.check(Some("Basic !!!")), None);
    auth.remove_cookie();
    assert!(!path.exists());
}

#[test]
fn cookie_permissions_and_disabling() {
    let dir = TempDir::new("cookie-perms");
    let config = load(&dir, &["-regtest", "-rpccookieperms=group"]).unwrap();
    let datadir = DataDir::from_config(&config).unwrap();
    datadir.create().unwrap();
    let _auth = RpcAuth::from_config(&config, &datadir).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(dir.path().join("regtest/.cookie"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o640);
    }
    // bitcoind -rpccookieperms=bad: "[error] Invalid -rpccookieperms=bad; must be one of
    // 'owner', 'group', or 'all'." in debug.log, then "Error: Unable to start HTTP server.
    // See debug log for details."
    let config = load(&dir, &["-regtest", "-rpccookieperms=bad"]).unwrap();
    assert_eq!(
        RpcAuth::from_config(&config, &datadir)
            .unwrap_err()
            .to_string(),
        "Invalid -rpccookieperms=bad; must be one of 'owner', 'group', or 'all'."
    );
    let config = load(&dir, &["-regtest", "-norpccookiefile"]).unwrap();
    let datadir = DataDir::from_config(&config).unwrap();
    let auth = RpcAuth::from_config(&config, &datadir).unwrap();
    assert!(auth.cookie_file().is_none());
    assert!(auth.users().is_empty());
}

#[test]
fn rpcuser_rpcpassword_and_rpcauth() {
    // The salt and hash come from Core's share/rpcauth/rpcauth.py algorithm:
    //   hmac.new(salt.encode(), password.encode(), 'SHA256').hexdigest()
    // and were checked against bitcoind v31.99:
    //   bitcoind -regtest -rpcauth='alice:a2f5...$5f77...' ...
    //   bitcoin-cli -rpcuser=alice -rpcpassword='correct horse battery staple' getblockcount
    // printed 0; with -rpcpassword=wrong, "error: Authorization failed: Incorrect rpcuser
    // or rpcpassword were specified. ...".
    let salt = "a2f5c1e4b7d8096e3f1a2b3c4d5e6f70";
    let hash = "5f77defd4b04c12c3cf4418bffa5e248acfb7fa9dacfa64b0d64068593e645c5";
    assert_eq!(rpcauth_hash(salt, "correct horse battery staple"), hash);

    let dir = TempDir::new("rpcauth");
    let rpcauth = format!("-rpcauth=alice:{salt}${hash}");
    let bob_salt = "00112233445566778899aabbccddeeff";
    let bob = format!("-rpcauth=bob:{bob_salt}${}", rpcauth_hash(bob_salt, "pw"));
    let config = load(
        &dir,
        &["-regtest", "-rpcuser=u", "-rpcpassword=p", &rpcauth, &bob],
    )
    .unwrap();
    let datadir = DataDir::from_config(&config).unwrap();
    datadir.create().unwrap();
    let auth = RpcAuth::from_config(&config, &datadir).unwrap();
    // With a password there is no cookie.
    assert!(auth.cookie_file().is_none());
    assert!(!dir.path().join("regtest/.cookie").exists());
    assert_eq!(auth.check(Some(&basic("u", "p"))).as_deref(), Some("u"));
    assert_eq!(
        auth.check(Some(&basic("alice", "correct horse battery staple")))
            .as_deref(),
        Some("alice")
    );
    assert_eq!(
        auth.check(Some(&basic("bob", "pw"))).as_deref(),
        Some("bob")
    );
    assert_eq!(auth.check(Some(&basic("alice", "pw"))), None);
    assert_eq!(
        auth.check(Some(&basic("u", "correct horse battery staple"))),
        None
    );
    // The password may contain ':' (only the first one separates).
    let config = load(&dir, &["-regtest", "-rpcuser=u", "-rpcpassword=a:b"]).unwrap();
    let auth = RpcAuth::from_config(&config, &datadir).unwrap();
    assert_eq!(auth.check(Some(&basic("u", "a:b"))).as_deref(), Some("u"));

    // bitcoind -rpcauth=bad: "[warning] Invalid -rpcauth argument." in debug.log.
    let config = load(&dir, &["-regtest", "-rpcauth=bad"]).unwrap();
    assert_eq!(
        RpcAuth::from_config(&config, &datadir)
            .unwrap_err()
            .to_string(),
        "Invalid -rpcauth argument."
    );
}

// ---- the log itself ----

#[test]
fn debug_log_lines_and_the_logging_rpc() {
    let dir = TempDir::new("debug-log");
    dir.write(
        "bitcoin.conf",
        "regtest=1\nnosuchoption=1\n[regtest]\nrpcpassword=secret\n",
    );
    let config = load(
        &dir,
        &[
            "-printtoconsole=0",
            "-debug=net",
            "-logthreadnames",
            "-blocksxor=0",
        ],
    )
    .unwrap();
    let datadir = DataDir::from_config(&config).unwrap();
    datadir.create().unwrap();
    let log = sou_node::logging::init(&config, &datadir).unwrap();
    tracing::info!("an always-on line");
    tracing::warn!("a warning");
    tracing::debug!(target: "net", "a net line");
    tracing::debug!(target: "rpc", "an rpc line, not enabled");
    tracing::trace!(target: "net", "a trace line, below the level");
    tracing::debug!("an uncategorised debug line, dropped");

    let categories = log
        .logging_rpc(&["rpc".to_owned()], &["net".to_owned()])
        .unwrap();
    assert_eq!(categories["rpc"], true);
    assert_eq!(categories["net"], false);
    assert_eq!(categories.as_object().unwrap().len(), 29);
    assert_eq!(
        categories
            .as_object()
            .unwrap()
            .keys()
            .next()
            .map(String::as_str),
        Some("addrman")
    );
    tracing::debug!(target: "rpc", "an rpc line, now enabled");
    tracing::debug!(target: "net", "a net line, now disabled");
    let err = log.logging_rpc(&["nosuch".to_owned()], &[]).unwrap_err();
    assert_eq!(
        (err.code, err.message.as_str()),
        (-8, "unknown logging category nosuch")
    );

    let text = fs::read_to_string(dir.path().join("regtest/debug.log")).unwrap();
    // A run starts after five empty lines, as Core's.
    assert!(text.starts_with("\n\n\n\n\n"));
    let lines: Vec<&str> = text.lines().filter(|l| !l.is_empty()).collect();
    // Every line: "YYYY-MM-DDThh:mm:ssZ [thread] ...".
    for line in &lines {
        assert_eq!(line.as_bytes()[10], b'T', "{line}");
        assert_eq!(&line[19..21], "Z ", "{line}");
    }
    let after_stamp = |line: &&str| line[21..].split_once("] ").map(|(_, rest)| rest.to_owned());
    let bodies: Vec<String> = lines.iter().filter_map(after_stamp).collect();
    let has = |needle: &str| bodies.iter().any(|b| b == needle);
    assert!(has(
        "[warning] Ignoring unknown configuration value nosuchoption"
    ));
    assert!(has(
        "Log output may contain privacy-sensitive information. Be cautious when sharing logs."
    ));
    assert!(has(&format!(
        "Using data directory {}",
        dir.path().join("regtest").display()
    )));
    assert!(has(&format!(
        "Config file: {}",
        dir.path().join("bitcoin.conf").display()
    )));
    assert!(has("Config file arg: [regtest] rpcpassword=****"));
    assert!(has("Command-line arg: debug=\"net\""));
    assert!(has("[warning] Option -blocksxor is accepted for compatibility with Bitcoin Core but ignored by sou"));
    assert!(has("an always-on line"));
    assert!(has("[warning] a warning"));
    assert!(has("[net] a net line"));
    assert!(has("[rpc] an rpc line, now enabled"));
    assert!(!text.contains("not enabled"));
    assert!(!text.contains("a trace line"));
    assert!(!text.contains("uncategorised"));
    assert!(!text.contains("now disabled"));
    assert!(!text.contains("secret"));
}
