//! Debug categories and log levels: Core's list of categories ([`CATEGORIES`]), the
//! levels of a line ([`LogLevel`]), and the names `-debug=` and `-loglevel=` accept.
//!
//! References: Core `BCLog::LogFlags`, `GetLogCategory` and `LogCategoryToStr`
//! (src/logging.cpp), `util::log::Level` (src/util/log.h).

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

pub(super) const ALL_CATEGORIES: u64 = (1 << CATEGORIES.len()) - 1;

/// The levels a user may choose with `-loglevel`, as Core lists them.
pub(super) const USER_LEVELS: &str = "info, debug, trace";

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

    pub(super) fn from_tracing(level: tracing::Level) -> LogLevel {
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
    pub(super) fn parse_user(name: &str) -> Option<LogLevel> {
        LogLevel::parse(name).filter(|level| *level <= LogLevel::Info)
    }

    pub(super) fn to_u8(self) -> u8 {
        match self {
            LogLevel::Trace => 0,
            LogLevel::Debug => 1,
            LogLevel::Info => 2,
            LogLevel::Warning => 3,
            LogLevel::Error => 4,
        }
    }

    pub(super) fn from_u8(value: u8) -> LogLevel {
        match value {
            0 => LogLevel::Trace,
            1 => LogLevel::Debug,
            2 => LogLevel::Info,
            3 => LogLevel::Warning,
            _ => LogLevel::Error,
        }
    }
}

// The result of Core's GetLogCategory.
pub(super) enum CategoryName {
    Mask(u64),
    // "libevent": accepted with a warning, means nothing.
    Deprecated,
    Unknown,
}

pub(super) fn category_mask(name: &str) -> CategoryName {
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

pub(super) fn category_index(name: &str) -> Option<usize> {
    CATEGORIES.iter().position(|category| *category == name)
}

pub(super) fn deprecated_category_warning(name: &str) -> String {
    format!("The logging category `{name}` is deprecated, does nothing, and will be removed in a future version")
}
