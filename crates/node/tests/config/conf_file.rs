//! `bitcoin.conf` as bitcoind reads it: sections and `network.` prefixes, comments,
//! precedence over and under the command line, options that apply only in a network's
//! section, warnings and errors with Core's messages, `includeconf`, `-conf`, and the
//! options sou ignores or refuses.

use std::fs;

use sou_node::config::Config;
use sou_primitives::Network;

use crate::{args, error, load, parse, TempDir};

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
    let config = load(&dir, &["-blocksxor=0", "-txindex", "-proxyrandomize=0"]).unwrap();
    assert_eq!(
        config.ignored_options(),
        ["blocksxor", "maxuploadtarget", "proxyrandomize"]
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
