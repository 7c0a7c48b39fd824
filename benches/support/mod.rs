//! What every bench's summary needs: criterion's median for one benchmark of this run,
//! read back from the estimates criterion writes under the target directory.

use std::path::PathBuf;

/// The median time, in nanoseconds, of benchmark `name` in `group`, if it ran.
pub fn median_ns(group: &str, name: &str) -> Option<f64> {
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    let path = dir
        .join("criterion")
        .join(group)
        .join(name)
        .join("new/estimates.json");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    json["median"]["point_estimate"].as_f64()
}

/// Runs `bench` with the command line's criterion options, then criterion's summary; the
/// caller prints its ratios afterwards.
pub fn run(bench: impl FnOnce(&mut criterion::Criterion)) {
    let mut c = criterion::Criterion::default().configure_from_args();
    bench(&mut c);
    c.final_summary();
}
