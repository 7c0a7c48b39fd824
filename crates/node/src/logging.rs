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

use std::collections::HashMap;
use std::fmt::{self, Write as _};
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, Once, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

use thiserror::Error;
use tracing::field::{Field, Visit};
use tracing::{Event, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::prelude::*;

use crate::config::{Config, PathArg};
use crate::datadir::{self, DataDir};
use crate::rpc::RpcError;

/// Core's debug categories, in Core's (alphabetical) order: the names `-debug=` accepts,
/// the keys of the `logging` RPC's answer, the `tracing` targets sou's code uses. (Core's
/// `lock` category exists only in builds with lock-contention debugging.)
pub const CATEGORIES: [&str; 29] = [
    "addrman",
    "bench",
    "blockstorage",
    "cmpctblock",
    "coindb",
    "estimatefee",
    "http",
    "i2p",
    "ipc",
    "kernel",
    "leveldb",
    "mempool",
    "mempoolrej",
    "net",
    "privatebroadcast",
    "proxy",
    "prune",
    "qt",
    "rand",
    "reindex",
    "rpc",
    "scan",
    "selectcoins",
    "tor",
    "txpackages",
    "txreconciliation",
    "validation",
    "walletdb",
    "zmq",
];

const ALL_CATEGORIES: u64 = (1 << CATEGORIES.len()) - 1;

/// The levels a user may choose with `-loglevel`, as Core lists them.
const USER_LEVELS: &str = "info, debug, trace";

/// What a line is for, from the noisiest (Core's `util::log::Level`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LogLevel {
    /// Detail for developers (`tracing::trace!`).
    Trace,
    /// Noisy but usable (`tracing::debug!`).
    Debug,
    /// The default (`tracing::info!`).
    Info,
    /// Something is wrong but the node goes on (`tracing::warn!`).
    Warning,
    /// Something failed (`tracing::error!`).
    Error,
}

impl LogLevel {
    /// Core's name for the level.
    pub const fn name(self) -> &'static str {
        match self {
            LogLevel::Trace => "trace",
            LogLevel::Debug => "debug",
            LogLevel::Info => "info",
            LogLevel::Warning => "warning",
            LogLevel::Error => "error",
        }
    }

    fn from_tracing(level: tracing::Level) -> LogLevel {
        match level {
            tracing::Level::TRACE => LogLevel::Trace,
            tracing::Level::DEBUG => LogLevel::Debug,
            tracing::Level::INFO => LogLevel::Info,
            tracing::Level::WARN => LogLevel::Warning,
            tracing::Level::ERROR => LogLevel::Error,
        }
    }

    // Core's GetLogLevel.
    fn parse(name: &str) -> Option<LogLevel> {
        [
            LogLevel::Trace,
            LogLevel::Debug,
            LogLevel::Info,
            LogLevel::Warning,
            LogLevel::Error,
        ]
        .into_iter()
        .find(|level| level.name() == name)
    }

    // A level the user may set: no higher than info (warnings and errors always show).
    fn parse_user(name: &str) -> Option<LogLevel> {
        LogLevel::parse(name).filter(|level| *level <= LogLevel::Info)
    }

    fn to_u8(self) -> u8 {
        match self {
            LogLevel::Trace => 0,
            LogLevel::Debug => 1,
            LogLevel::Info => 2,
            LogLevel::Warning => 3,
            LogLevel::Error => 4,
        }
    }

    fn from_u8(value: u8) -> LogLevel {
        match value {
            0 => LogLevel::Trace,
            1 => LogLevel::Debug,
            2 => LogLevel::Info,
            3 => LogLevel::Warning,
            _ => LogLevel::Error,
        }
    }
}

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

// The result of Core's GetLogCategory.
enum CategoryName {
    Mask(u64),
    // "libevent": accepted with a warning, means nothing.
    Deprecated,
    Unknown,
}

fn category_mask(name: &str) -> CategoryName {
    if name.is_empty() || name == "1" || name == "all" {
        return CategoryName::Mask(ALL_CATEGORIES);
    }
    if let Some(index) = category_index(name) {
        return CategoryName::Mask(1 << index);
    }
    if name == "libevent" {
        return CategoryName::Deprecated;
    }
    CategoryName::Unknown
}

fn category_index(name: &str) -> Option<usize> {
    CATEGORIES.iter().position(|category| *category == name)
}

fn deprecated_category_warning(name: &str) -> String {
    format!("The logging category `{name}` is deprecated, does nothing, and will be removed in a future version")
}

/// What the options say about logging (Core's `SetLoggingOptions`, `SetLoggingCategories`
/// and `SetLoggingLevel`), checked but not yet acting on anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogOptions {
    /// `-debuglogfile`, resolved; `None` with `-nodebuglogfile`.
    pub file: Option<PathBuf>,
    /// `-printtoconsole` (default: on unless `-daemon`).
    pub print_to_console: bool,
    /// `-logtimestamps` (default on).
    pub timestamps: bool,
    /// `-logtimemicros`.
    pub time_micros: bool,
    /// `-logthreadnames`.
    pub thread_names: bool,
    /// `-logsourcelocations`.
    pub source_locations: bool,
    /// `-loglevelalways`: every line gets `[category:level]`.
    pub always_category_level: bool,
    /// `-shrinkdebugfile` (default: on when no category is enabled).
    pub shrink: bool,
    /// Enabled categories, bit `i` for `CATEGORIES[i]`.
    pub categories: u64,
    /// `-loglevel=<level>`: the lowest level written for enabled categories (default debug).
    pub level: LogLevel,
    /// `-loglevel=<category>:<level>` overrides, by index in [`CATEGORIES`].
    pub category_levels: HashMap<usize, LogLevel>,
    /// Warnings to log once logging starts (deprecated category names).
    pub warnings: Vec<String>,
}

impl LogOptions {
    /// Reads and checks the logging options. Nothing is opened, so an invalid
    /// `-debug=foo` stops the node before it writes anything (as Core, which buffers its
    /// early lines and drops them on such an error).
    pub fn from_config(config: &Config, datadir: &DataDir) -> Result<LogOptions, LoggingError> {
        let mut warnings = Vec::new();

        // -debug=0 or -debug=none drops the categories given before it.
        let debug = config.get_all("debug");
        let start = debug
            .iter()
            .rposition(|name| name == "0" || name == "none")
            .map_or(0, |i| i + 1);
        let mut categories = 0u64;
        for name in debug.iter().skip(start) {
            match category_mask(name) {
                CategoryName::Mask(mask) => categories |= mask,
                CategoryName::Deprecated => warnings.push(deprecated_category_warning(name)),
                CategoryName::Unknown => {
                    return Err(LoggingError::UnsupportedCategory {
                        option: "-debug",
                        value: name.clone(),
                    })
                }
            }
        }
        for name in config.get_all("debugexclude") {
            match category_mask(&name) {
                CategoryName::Mask(mask) => categories &= !mask,
                CategoryName::Deprecated => warnings.push(deprecated_category_warning(&name)),
                CategoryName::Unknown => {
                    return Err(LoggingError::UnsupportedCategory {
                        option: "-debugexclude",
                        value: name,
                    })
                }
            }
        }

        let mut level = LogLevel::Debug;
        let mut category_levels = HashMap::new();
        for text in config.get_all("loglevel") {
            // Core looks for the colon from the fourth character on.
            let has_colon = text.char_indices().any(|(i, c)| i >= 3 && c == ':');
            if !has_colon {
                level = LogLevel::parse_user(&text)
                    .ok_or_else(|| LoggingError::UnsupportedGlobalLevel(text.clone()))?;
                continue;
            }
            let parts: Vec<&str> = text.split(':').collect();
            let [category, level_name] = parts.as_slice() else {
                return Err(LoggingError::UnsupportedCategoryLevel(text.clone()));
            };
            let chosen = LogLevel::parse_user(level_name)
                .ok_or_else(|| LoggingError::UnsupportedCategoryLevel(text.clone()))?;
            match category_mask(category) {
                // Core stores a level for "all" under a key no line ever has: no effect.
                CategoryName::Mask(ALL_CATEGORIES) => {}
                CategoryName::Mask(mask) => {
                    let index = usize::try_from(mask.trailing_zeros()).unwrap_or(0);
                    category_levels.insert(index, chosen);
                }
                CategoryName::Deprecated => warnings.push(deprecated_category_warning(category)),
                CategoryName::Unknown => {
                    return Err(LoggingError::UnsupportedCategoryLevel(text.clone()))
                }
            }
        }

        let file = if config.is_negated("debuglogfile") {
            None
        } else {
            datadir.debug_log().map(Path::to_path_buf)
        };
        Ok(LogOptions {
            file,
            print_to_console: config.get_bool("printtoconsole", !config.get_bool("daemon", false)),
            timestamps: config.get_bool("logtimestamps", true),
            time_micros: config.get_bool("logtimemicros", false),
            thread_names: config.get_bool("logthreadnames", false),
            source_locations: config.get_bool("logsourcelocations", false),
            always_category_level: config.get_bool("loglevelalways", false),
            shrink: config.get_bool("shrinkdebugfile", categories == 0),
            categories,
            level,
            category_levels,
            warnings,
        })
    }
}

/// One log entry, before formatting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Index in [`CATEGORIES`]; `None` for the always-on lines.
    pub category: Option<usize>,
    /// The level.
    pub level: LogLevel,
    /// Seconds and microseconds since 1970.
    pub time: (i64, u32),
    /// The node's mock time (`setmocktime`), 0 when none.
    pub mocktime: i64,
    /// The thread's name.
    pub thread: String,
    /// `(file, line, function)` for `-logsourcelocations`.
    pub source: (String, u32, String),
    /// The message.
    pub message: String,
}

/// Formats `entry` as Core's `BCLog::Logger::Format`: timestamp, `[thread] `,
/// `[file:line] [function] `, the `[category:level] ` prefix, the message with control
/// characters escaped, and a newline.
pub fn format_line(options: &LogOptions, entry: &Entry) -> String {
    let mut line = String::new();
    if options.timestamps {
        let (secs, micros) = entry.time;
        line.push_str(&iso8601(secs));
        if options.time_micros {
            line.pop();
            let _ = write!(line, ".{micros:06}Z");
        }
        if entry.mocktime > 0 {
            let _ = write!(line, " (mocktime: {})", iso8601(entry.mocktime));
        }
        line.push(' ');
    }
    if options.thread_names {
        let name = if entry.thread.is_empty() {
            "unknown"
        } else {
            &entry.thread
        };
        let _ = write!(line, "[{name}] ");
    }
    if options.source_locations {
        let (file, number, function) = &entry.source;
        let file = file.strip_prefix("./").unwrap_or(file);
        let _ = write!(line, "[{file}:{number}] [{function}] ");
    }
    line.push_str(&prefix(
        options.always_category_level,
        entry.category,
        entry.level,
    ));
    escape_into(&mut line, &entry.message);
    if !line.ends_with('\n') {
        line.push('\n');
    }
    line
}

// Core's GetLogPrefix: a categorised line shows its category, and its level unless it is
// debug (implied); an uncategorised line shows its level unless it is info (implied).
fn prefix(always: bool, category: Option<usize>, level: LogLevel) -> String {
    let has_category = always || category.is_some();
    if !has_category && level == LogLevel::Info {
        return String::new();
    }
    let mut s = String::from("[");
    if has_category {
        s.push_str(
            category
                .and_then(|i| CATEGORIES.get(i))
                .copied()
                .unwrap_or("all"),
        );
    }
    if always || !has_category || level != LogLevel::Debug {
        if has_category {
            s.push(':');
        }
        s.push_str(level.name());
    }
    s.push_str("] ");
    s
}

// Core's LogEscapeMessage: control characters (but newline) and DEL as \xNN, so a
// message cannot carry terminal escape sequences.
fn escape_into(out: &mut String, message: &str) {
    for c in message.chars() {
        let code = u32::from(c);
        if (code >= 32 || c == '\n') && code != 0x7f {
            out.push(c);
        } else {
            let _ = write!(out, "\\x{code:02x}");
        }
    }
}

/// `secs` since 1970 as `YYYY-MM-DDThh:mm:ssZ` (Core's `FormatISO8601DateTime`).
pub fn iso8601(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rest = secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm: shift
// the year to start in March so the leap day comes last, then count 400-year eras).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The running logger: the options and the open file. Shared by the `tracing` layer and
/// every [`LogHandle`].
#[derive(Debug)]
struct Logger {
    options: LogOptions,
    categories: AtomicU64,
    level: AtomicU8,
    category_levels: Mutex<HashMap<usize, LogLevel>>,
    mocktime: AtomicI64,
    file: Mutex<Option<File>>,
    reopen: AtomicBool,
}

impl Logger {
    // Core's WillLogCategoryLevel: info and above always; below only for an enabled
    // category at or above its level.
    fn will_log(&self, category: Option<usize>, level: LogLevel) -> bool {
        if level >= LogLevel::Info {
            return true;
        }
        let Some(index) = category else {
            return false;
        };
        if self.categories.load(Ordering::Relaxed) & (1 << index) == 0 {
            return false;
        }
        let threshold = self
            .category_levels
            .lock()
            .ok()
            .and_then(|levels| levels.get(&index).copied())
            .unwrap_or_else(|| LogLevel::from_u8(self.level.load(Ordering::Relaxed)));
        level >= threshold
    }

    fn write(&self, entry: &Entry) {
        let line = format_line(&self.options, entry);
        if self.options.print_to_console {
            let mut stdout = std::io::stdout().lock();
            let _ = stdout.write_all(line.as_bytes());
            let _ = stdout.flush();
        }
        if let Ok(mut file) = self.file.lock() {
            if self.reopen.swap(false, Ordering::Relaxed) {
                if let Some(path) = &self.options.file {
                    if let Ok(new_file) = open_append(path) {
                        *file = Some(new_file);
                    }
                }
            }
            if let Some(file) = file.as_mut() {
                let _ = file.write_all(line.as_bytes());
            }
        }
    }

    fn entry(&self, category: Option<usize>, level: LogLevel, message: String) -> Entry {
        Entry {
            category,
            level,
            time: now(),
            mocktime: self.mocktime.load(Ordering::Relaxed),
            thread: thread_name(),
            source: (String::new(), 0, String::new()),
            message,
        }
    }

    fn info(&self, message: String) {
        self.write(&self.entry(None, LogLevel::Info, message));
    }

    fn warning(&self, message: String) {
        self.write(&self.entry(None, LogLevel::Warning, message));
    }
}

fn open_append(path: &Path) -> std::io::Result<File> {
    OpenOptions::new().create(true).append(true).open(path)
}

fn now() -> (i64, u32) {
    let elapsed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let secs = i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX);
    (secs, elapsed.subsec_micros())
}

// Core names its main thread "init"; Rust's is "main".
fn thread_name() -> String {
    match std::thread::current().name() {
        Some("main") => "init".to_owned(),
        Some(name) => name.to_owned(),
        None => String::new(),
    }
}

// Core's ShrinkDebugFile: past 11 MB, keep the last 10 MB.
fn shrink_debug_file(path: &Path) {
    const KEEP: u64 = 10_000_000;
    let Ok(size) = std::fs::metadata(path).map(|m| m.len()) else {
        return;
    };
    if size <= KEEP / 10 * 11 {
        return;
    }
    let Ok(mut file) = File::open(path) else {
        return;
    };
    let mut tail = Vec::new();
    if file.seek(SeekFrom::End(-10_000_000)).is_ok() && file.read_to_end(&mut tail).is_ok() {
        let _ = std::fs::write(path, tail);
    }
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

// The `tracing` side: decides per event (the categories change at run time, so every
// call site is asked each time) and writes through the current logger.
struct CoreLayer;

fn event_category(metadata: &Metadata<'_>) -> Option<usize> {
    category_index(metadata.target())
}

impl<S: Subscriber> Layer<S> for CoreLayer {
    fn register_callsite(&self, _: &'static Metadata<'static>) -> tracing::subscriber::Interest {
        tracing::subscriber::Interest::sometimes()
    }

    fn enabled(&self, metadata: &Metadata<'_>, _: Context<'_, S>) -> bool {
        let level = LogLevel::from_tracing(*metadata.level());
        match CURRENT.read().ok().and_then(|current| current.clone()) {
            Some(logger) => logger.will_log(event_category(metadata), level),
            // Before init no category is on: only lines that are always written.
            None => level >= LogLevel::Info,
        }
    }

    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let metadata = event.metadata();
        let mut visitor = MessageVisitor::default();
        event.record(&mut visitor);
        let level = LogLevel::from_tracing(*metadata.level());
        let category = event_category(metadata);
        let source = (
            metadata.file().unwrap_or("").to_owned(),
            metadata.line().unwrap_or(0),
            metadata.module_path().unwrap_or("").to_owned(),
        );
        match CURRENT.read().ok().and_then(|current| current.clone()) {
            Some(logger) => {
                if !logger.will_log(category, level) {
                    return;
                }
                let mut entry = logger.entry(category, level, visitor.finish());
                entry.source = source;
                logger.write(&entry);
            }
            None => {
                if level < LogLevel::Info {
                    return;
                }
                let entry = Entry {
                    category,
                    level,
                    time: now(),
                    mocktime: 0,
                    thread: thread_name(),
                    source,
                    message: visitor.finish(),
                };
                if let Ok(mut early) = EARLY.lock() {
                    let used: usize = early.iter().map(|e| e.message.len()).sum();
                    if used + entry.message.len() <= EARLY_LIMIT {
                        early.push(entry);
                    }
                }
            }
        }
    }
}

// The event's message, then its other fields as ` key=value`.
#[derive(Default)]
struct MessageVisitor {
    message: String,
    fields: String,
}

impl MessageVisitor {
    fn finish(mut self) -> String {
        self.message.push_str(&self.fields);
        self.message
    }
}

impl Visit for MessageVisitor {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else {
            let _ = write!(self.fields, " {}={}", field.name(), value);
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else {
            let _ = write!(self.fields, " {}={:?}", field.name(), value);
        }
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
