//! What the options say about logging ([`LogOptions`]): the file, the console, the
//! timestamps, the categories and levels, checked before anything is opened.
//!
//! References: Core `init::SetLoggingOptions`, `SetLoggingCategories` and
//! `SetLoggingLevel` (src/init/common.cpp).
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::category::{category_mask, deprecated_category_warning, CategoryName, ALL_CATEGORIES};
use super::{LogLevel, LoggingError};
use crate::config::Config;
use crate::datadir::DataDir;

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
    /// `-loglevel=<category>:<level>` overrides, by index in [`CATEGORIES`](super::CATEGORIES).
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
