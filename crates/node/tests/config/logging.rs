//! Logging: the `-debug`, `-debugexclude` and `-loglevel` options with Core's categories
//! and messages, and `debug.log` itself as bitcoind writes it, with the `logging` RPC.

use std::fs;

use sou_node::datadir::DataDir;
use sou_node::logging::{LogOptions, LoggingError};

use crate::{load, TempDir};

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
