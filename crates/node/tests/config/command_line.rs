//! The command line as bitcoind reads it: unknown and forbidden options, dashes, negation,
//! booleans and integers read like Core's, help and version, loose tokens, and which
//! network the options (or the file) select.

use sou_primitives::Network;

use crate::{error, load, parse, TempDir};

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
