//! The node's log, `debug.log`, in Bitcoin Core's format.
//!
//! A node runs unattended, so its log is how one learns what it did: which blocks it
//! connected, which peers came and went, why a transaction was refused. Core writes one
//! line per event, stamped with the time, to `<datadir>/<network>/debug.log` and (unless
//! `-daemon`) to the terminal:
//!
//! ```text
//! 2026-11-30T03:49:07Z Using data directory /tmp/x/regtest          always-on line
//! 2026-11-30T03:49:07Z [warning] Invalid -rpcauth argument.         warning
//! 2026-11-30T03:49:07.123456Z [net] Added connection peer=0          -debug=net, -logtimemicros
//! 2026-11-30T03:49:07Z [msghand] [net:trace] received: ping          -logthreadnames, -loglevel=trace
//! ```
//!
//! Informational lines, warnings and errors are always written. Debug lines belong to a
//! *category* (`net`, `mempool`, `rpc`, ...) and are written only when the category is
//! switched on, with `-debug=net` (repeatable), `-debug=1`/`-debug=all` for every
//! category, minus `-debugexclude=...`; the `logging` RPC changes the set while the node
//! runs ([`LogHandle::logging_rpc`]). `-loglevel=trace` (or `-loglevel=net:trace`) lets
//! the categories' trace lines through too.
//!
//! # The convention for sou's code
//!
//! Log with `tracing`; the *target* is Core's category name, the level maps one to one:
//!
//! ```text
//! tracing::info!("Using data directory {}", path.display());        // always written
//! tracing::warn!("Invalid -rpcauth argument.");                     // "[warning] ..."
//! tracing::error!("Unable to start HTTP server.");                  // "[error] ..."
//! tracing::debug!(target: "net", "Added connection peer={id}");     // "[net] ...", with -debug=net
//! tracing::trace!(target: "net", "received: {cmd} peer={id}");      // "[net:trace] ...", with -loglevel=trace
//! ```
//!
//! Debug and trace events whose target is not one of [`CATEGORIES`] (other crates, or
//! sou code that forgot its target) are dropped: Core has no uncategorised debug lines.
//!
//! References: Core `BCLog::Logger` (src/logging.cpp, src/logging.h), `util::log`
//! (src/util/log.h), `init::SetLoggingOptions`, `SetLoggingCategories`, `SetLoggingLevel`,
//! `StartLogging` (src/init/common.cpp), the `logging` RPC (src/rpc/node.cpp).

// The tests build `LogOptions` by hand.
#[cfg(test)]
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, Once, RwLock};

use thiserror::Error;
use tracing_subscriber::prelude::*;

use crate::config::{Config, PathArg};
use crate::datadir::{self, DataDir};
use crate::rpc::RpcError;

mod category;
mod format;
mod layer;
mod options;

pub use category::{LogLevel, CATEGORIES};
pub use format::{format_line, iso8601, Entry};
pub use options::LogOptions;

use category::{
    category_index, category_mask, deprecated_category_warning, CategoryName, USER_LEVELS,
};
use layer::{now, open_append, shrink_debug_file, CoreLayer, Logger};

/// Why logging cannot start. `Display` is `bitcoind`'s message (after `Error: `; exit
/// status 1).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum LoggingError {
    /// `-debug=foo` or `-debugexclude=foo` with an unknown category.
    #[error("Unsupported logging category {option}={value}.")]
    UnsupportedCategory {
        /// `-debug` or `-debugexclude`.
        option: &'static str,
        /// What the user wrote.
        value: String,
    },
    /// `-loglevel=foo` with no such level (or `warning`/`error`, which cannot be chosen).
    #[error("Unsupported global logging level -loglevel={0}. Valid values: {USER_LEVELS}.")]
    UnsupportedGlobalLevel(String),
    /// `-loglevel=cat:level` with an unknown category or level.
    #[error("Unsupported category-specific logging level -loglevel={0}. Expected -loglevel=<category>:<loglevel>. Valid categories: {cats}. Valid loglevels: {USER_LEVELS}.", cats = CATEGORIES.join(", "))]
    UnsupportedCategoryLevel(String),
    /// The log file cannot be opened for appending.
    #[error("Could not open debug log file {}", .0.display())]
    OpenFile(PathBuf),
}

// The logger events go to. Replaced by each `init`, so a process can run a node, stop
// it and run another (tests do); `tracing` allows one global subscriber per process.
static CURRENT: RwLock<Option<Arc<Logger>>> = RwLock::new(None);
// Entries logged before `init`, written when it runs (Core buffers up to 1 MB).
static EARLY: Mutex<Vec<Entry>> = Mutex::new(Vec::new());
const EARLY_LIMIT: usize = 1_000_000;
static INSTALL: Once = Once::new();

/// Installs sou's `tracing` subscriber, so that lines logged before [`init`] are kept and
/// written first (only informational lines and above: no category is enabled yet).
/// [`init`] calls it; call it earlier to keep earlier lines. Does nothing if the process
/// already has another global subscriber.
pub fn install() {
    INSTALL.call_once(|| {
        let _ =
            tracing::subscriber::set_global_default(tracing_subscriber::registry().with(CoreLayer));
    });
}

/// The version line Core writes first (`LogPackageVersion`).
fn version_line() -> String {
    format!(
        "sou version v{} (soud, a Bitcoin Core v31.99 drop-in)",
        env!("CARGO_PKG_VERSION")
    )
}

/// Starts logging for a node: checks the options ([`LogOptions::from_config`]), shrinks
/// and opens `debug.log` (appending, after five empty lines that set this run apart, as
/// Core), and writes, in Core's order: the lines the configuration gathered while being
/// read, the version line, lines logged before this call, the privacy notice, the data
/// directories, the configuration file, every option as `Config file arg:` /
/// `Command-line arg:` (passwords masked), and one warning per option sou ignores.
pub fn init(config: &Config, datadir: &DataDir) -> Result<LogHandle, LoggingError> {
    let options = LogOptions::from_config(config, datadir)?;
    let file = match &options.file {
        Some(path) => {
            if options.shrink {
                shrink_debug_file(path);
            }
            let mut file = open_append(path).map_err(|_| LoggingError::OpenFile(path.clone()))?;
            let _ = file.write_all(b"\n\n\n\n\n");
            Some(file)
        }
        None => None,
    };
    let logger = Arc::new(Logger {
        categories: AtomicU64::new(options.categories),
        level: AtomicU8::new(options.level.to_u8()),
        category_levels: Mutex::new(options.category_levels.clone()),
        mocktime: AtomicI64::new(0),
        file: Mutex::new(file),
        reopen: AtomicBool::new(false),
        options,
    });
    install();

    for line in config.early_log() {
        if line.warning {
            logger.warning(line.message.clone());
        } else {
            logger.info(line.message.clone());
        }
    }
    logger.info(version_line());
    let early = EARLY
        .lock()
        .map(|mut early| std::mem::take(&mut *early))
        .unwrap_or_default();
    for entry in &early {
        logger.write(entry);
    }
    for warning in &logger.options.warnings {
        logger.warning(warning.clone());
    }
    logger.info(
        "Log output may contain privacy-sensitive information. Be cautious when sharing logs."
            .to_owned(),
    );
    if !logger.options.timestamps {
        logger.info(format!("Startup time: {}", iso8601(now().0)));
    }
    logger.info(format!(
        "Default data directory {}",
        datadir::default_datadir().display()
    ));
    logger.info(format!("Using data directory {}", datadir.net().display()));
    match config.config_file_path() {
        None => logger.info("Config file: <disabled>".to_owned()),
        Some(path) if path.is_dir() => logger.warning(format!(
            "Config file: {} (is directory, not file)",
            path.display()
        )),
        Some(path) if path.exists() => logger.info(format!("Config file: {}", path.display())),
        Some(path) if matches!(config.get_path("conf"), PathArg::Path(_)) => {
            logger.warning(format!(
                "The specified config file {} does not exist",
                path.display()
            ))
        }
        Some(path) => logger.info(format!(
            "Config file: {} (not found, skipping)",
            path.display()
        )),
    }
    for line in config.log_args_lines() {
        logger.info(line);
    }
    for name in config.ignored_options() {
        logger.warning(format!(
            "Option -{name} is accepted for compatibility with Bitcoin Core but ignored by sou"
        ));
    }

    if let Ok(mut current) = CURRENT.write() {
        *current = Some(Arc::clone(&logger));
    }
    Ok(LogHandle { logger })
}

/// A handle on the running logger, for the `logging` and `setmocktime` RPCs and SIGHUP.
#[derive(Debug, Clone)]
pub struct LogHandle {
    logger: Arc<Logger>,
}

impl LogHandle {
    /// Every category with whether its debug lines are written, in Core's order: the
    /// answer of `logging` without arguments.
    pub fn categories(&self) -> Vec<(&'static str, bool)> {
        let mask = self.logger.categories.load(Ordering::Relaxed);
        CATEGORIES
            .iter()
            .enumerate()
            .map(|(i, name)| (*name, mask & (1 << i) != 0))
            .collect()
    }

    /// Switches category `name` on (`all`, `1` or `""` for every one). `false` for an
    /// unknown name.
    pub fn enable_category(&self, name: &str) -> bool {
        self.change_category(name, true)
    }

    /// Switches category `name` off (`all`, `1` or `""` for every one). `false` for an
    /// unknown name.
    pub fn disable_category(&self, name: &str) -> bool {
        self.change_category(name, false)
    }

    fn change_category(&self, name: &str, enable: bool) -> bool {
        match category_mask(name) {
            CategoryName::Mask(mask) => {
                if enable {
                    self.logger.categories.fetch_or(mask, Ordering::Relaxed);
                } else {
                    self.logger.categories.fetch_and(!mask, Ordering::Relaxed);
                }
                true
            }
            CategoryName::Deprecated => {
                self.logger.warning(deprecated_category_warning(name));
                true
            }
            CategoryName::Unknown => false,
        }
    }

    /// The `logging ["include"] ["exclude"]` RPC: enables the first list, then disables
    /// the second (so a category in both ends up off), and returns the object of every
    /// category to whether it is on. An unknown name is `RPC_INVALID_PARAMETER`
    /// "unknown logging category NAME"; names before it keep their change, as in Core.
    pub fn logging_rpc(
        &self,
        include: &[String],
        exclude: &[String],
    ) -> Result<serde_json::Value, RpcError> {
        for name in include {
            if !self.enable_category(name) {
                return Err(RpcError::invalid_parameter(format!(
                    "unknown logging category {name}"
                )));
            }
        }
        for name in exclude {
            if !self.disable_category(name) {
                return Err(RpcError::invalid_parameter(format!(
                    "unknown logging category {name}"
                )));
            }
        }
        let mut result = serde_json::Map::new();
        for (name, active) in self.categories() {
            result.insert(name.to_owned(), serde_json::Value::Bool(active));
        }
        Ok(serde_json::Value::Object(result))
    }

    /// Whether a line of `category` (a name from [`CATEGORIES`], or `None` for
    /// uncategorised) at `level` would be written now.
    pub fn will_log(&self, category: Option<&str>, level: LogLevel) -> bool {
        self.logger
            .will_log(category.and_then(category_index), level)
    }

    /// Sets the mock time shown after each timestamp (`setmocktime`; 0 to clear).
    pub fn set_mocktime(&self, secs: i64) {
        self.logger.mocktime.store(secs, Ordering::Relaxed);
    }

    /// Reopens `debug.log` before the next line, after log rotation (SIGHUP, as Core).
    pub fn reopen(&self) {
        self.logger.reopen.store(true, Ordering::Relaxed);
    }

    /// The log file, if one is written.
    pub fn file(&self) -> Option<&Path> {
        self.logger.options.file.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> LogOptions {
        LogOptions {
            file: None,
            print_to_console: false,
            timestamps: true,
            time_micros: false,
            thread_names: false,
            source_locations: false,
            always_category_level: false,
            shrink: false,
            categories: 0,
            level: LogLevel::Debug,
            category_levels: HashMap::new(),
            warnings: Vec::new(),
        }
    }

    fn entry(category: Option<&str>, level: LogLevel, message: &str) -> Entry {
        Entry {
            category: category.and_then(category_index),
            level,
            // 2026-11-30T03:49:07Z
            time: (1_796_010_547, 123_456),
            mocktime: 0,
            thread: "msghand".to_owned(),
            source: ("./net.cpp".to_owned(), 42, "ProcessMessage".to_owned()),
            message: message.to_owned(),
        }
    }

    #[test]
    fn timestamps_as_core() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso8601(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(iso8601(1_796_010_547), "2026-11-30T03:49:07Z");
        let mut opts = options();
        let line = format_line(&opts, &entry(None, LogLevel::Info, "hello"));
        assert_eq!(line, "2026-11-30T03:49:07Z hello\n");
        opts.time_micros = true;
        let line = format_line(&opts, &entry(None, LogLevel::Info, "hello"));
        assert_eq!(line, "2026-11-30T03:49:07.123456Z hello\n");
    }

    #[test]
    fn prefixes_as_core() {
        let opts = options();
        let line = |cat, level| format_line(&opts, &entry(cat, level, "m"));
        assert_eq!(
            line(None, LogLevel::Warning),
            "2026-11-30T03:49:07Z [warning] m\n"
        );
        assert_eq!(
            line(None, LogLevel::Error),
            "2026-11-30T03:49:07Z [error] m\n"
        );
        assert_eq!(
            line(Some("net"), LogLevel::Debug),
            "2026-11-30T03:49:07Z [net] m\n"
        );
        assert_eq!(
            line(Some("net"), LogLevel::Trace),
            "2026-11-30T03:49:07Z [net:trace] m\n"
        );
        assert_eq!(
            line(Some("net"), LogLevel::Info),
            "2026-11-30T03:49:07Z [net:info] m\n"
        );
        let mut always = options();
        always.always_category_level = true;
        let line = |cat, level| format_line(&always, &entry(cat, level, "m"));
        assert_eq!(
            line(None, LogLevel::Info),
            "2026-11-30T03:49:07Z [all:info] m\n"
        );
        assert_eq!(
            line(Some("net"), LogLevel::Debug),
            "2026-11-30T03:49:07Z [net:debug] m\n"
        );
    }

    #[test]
    fn thread_names_source_locations_and_escapes() {
        let mut opts = options();
        opts.thread_names = true;
        opts.source_locations = true;
        opts.timestamps = false;
        let line = format_line(&opts, &entry(Some("net"), LogLevel::Debug, "a\x1bb\x7f\n"));
        assert_eq!(
            line,
            "[msghand] [net.cpp:42] [ProcessMessage] [net] a\\x1bb\\x7f\n"
        );
    }

    #[test]
    fn mocktime_follows_the_timestamp() {
        let opts = options();
        let mut e = entry(None, LogLevel::Info, "m");
        e.mocktime = 951_782_400;
        assert_eq!(
            format_line(&opts, &e),
            "2026-11-30T03:49:07Z (mocktime: 2000-02-29T00:00:00Z) m\n"
        );
    }
}
