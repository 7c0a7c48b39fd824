//! One line of `debug.log`: an [`Entry`] formatted as Core formats it (timestamp,
//! thread, source location, `[category:level]` prefix, the escaped message).
//!
//! References: Core `BCLog::Logger::Format`, `GetLogPrefix` and `LogTimestampStr`
//! (src/logging.cpp), `FormatISO8601DateTime` (src/util/time.cpp).
use std::fmt::Write as _;

use super::{LogLevel, LogOptions, CATEGORIES};

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
