//! The running logger and the `tracing` layer that feeds it: the logger decides which
//! lines to write (Core's `WillLogCategoryLevel`) and writes them to the terminal and
//! `debug.log`; the layer turns each `tracing` event into an entry for it.
//!
//! References: Core `BCLog::Logger::LogPrintStr`, `WillLogCategoryLevel` and
//! `ShrinkDebugFile` (src/logging.cpp).
use std::collections::HashMap;
use std::fmt::{self, Write as _};
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, AtomicU8, Ordering};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use tracing::field::{Field, Visit};
use tracing::{Event, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer};

use super::category::category_index;
use super::{format_line, Entry, LogLevel, LogOptions, CURRENT, EARLY, EARLY_LIMIT};

/// The running logger: the options and the open file. Shared by the `tracing` layer and
/// every [`LogHandle`].
#[derive(Debug)]
pub(super) struct Logger {
    pub(super) options: LogOptions,
    pub(super) categories: AtomicU64,
    pub(super) level: AtomicU8,
    pub(super) category_levels: Mutex<HashMap<usize, LogLevel>>,
    pub(super) mocktime: AtomicI64,
    pub(super) file: Mutex<Option<File>>,
    pub(super) reopen: AtomicBool,
}

impl Logger {
    // Core's WillLogCategoryLevel: info and above always; below only for an enabled
    // category at or above its level.
    pub(super) fn will_log(&self, category: Option<usize>, level: LogLevel) -> bool {
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

    pub(super) fn write(&self, entry: &Entry) {
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

    pub(super) fn info(&self, message: String) {
        self.write(&self.entry(None, LogLevel::Info, message));
    }

    pub(super) fn warning(&self, message: String) {
        self.write(&self.entry(None, LogLevel::Warning, message));
    }
}

pub(super) fn open_append(path: &Path) -> std::io::Result<File> {
    OpenOptions::new().create(true).append(true).open(path)
}

pub(super) fn now() -> (i64, u32) {
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
pub(super) fn shrink_debug_file(path: &Path) {
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

// The `tracing` side: decides per event (the categories change at run time, so every
// call site is asked each time) and writes through the current logger.
pub(super) struct CoreLayer;

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
