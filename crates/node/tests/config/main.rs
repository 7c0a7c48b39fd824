//! `soud`'s configuration against `bitcoind` v31.99's behaviour: option syntax,
//! `bitcoin.conf`, precedence, network selection, the data directory, logging options and
//! RPC authentication.
//!
//! Where a test pins a message, the message was checked by running the real binary in a
//! fresh directory (`D=$(mktemp -d)`), as the comment above it shows; every such run
//! exited with status 1 and printed `Error: <message>` on stderr.

// Helpers outside #[test] functions unwrap too: a failure there is a failed test.
#![allow(clippy::unwrap_used)]

mod command_line;
mod conf_file;
mod datadir;
mod logging;
mod rpc_auth;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use sou_node::config::{Config, ConfigError};

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
