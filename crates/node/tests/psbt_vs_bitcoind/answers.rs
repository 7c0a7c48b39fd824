//! Reading the answers: a PSBT's records listed, to show where sou's and Core's bytes
//! part, and tallied by type, to show which records the comparison saw written.

use std::collections::BTreeMap;

use sou_primitives::encoding::Reader;

use crate::generator::{GLOBAL_TYPES, INPUT_TYPES, OUTPUT_TYPES};

/// A PSBT's records as a list of lines (`input 0: 16aabb…: 40 bytes`), to show where two
/// answers part.
fn records(bytes: &[u8]) -> Vec<String> {
    let mut lines = Vec::new();
    let mut r = Reader::new(bytes.get(5..).unwrap_or_default());
    let mut map = 0;
    while r.remaining() > 0 {
        let Ok(key) = r.read_var_bytes() else { break };
        if key.is_empty() {
            map += 1;
            lines.push(format!("-- end of map {map}"));
            continue;
        }
        let Ok(value) = r.read_var_bytes() else { break };
        lines.push(format!(
            "map {map}: key {}: value {} ({} bytes)",
            hex::encode(key),
            hex::encode(&value[..value.len().min(12)]),
            value.len()
        ));
    }
    lines
}

/// Counts the key types of the records a PSBT with `inputs` input maps holds, by map kind:
/// which record types the comparison has seen written.
pub(crate) fn tally(bytes: &[u8], inputs: usize, seen: &mut BTreeMap<(usize, String), u64>) {
    let mut r = Reader::new(bytes.get(5..).unwrap_or_default());
    let mut map = 0;
    while let Ok(key) = r.read_var_bytes() {
        if key.is_empty() {
            map += 1;
            continue;
        }
        let Ok(_) = r.read_var_bytes() else { break };
        let (kind, known) = match map {
            0 => (0, GLOBAL_TYPES),
            m if m <= inputs => (1, INPUT_TYPES),
            _ => (2, OUTPUT_TYPES),
        };
        let key_type = if known.contains(&key[0]) {
            format!("{:02x}", key[0])
        } else {
            "unknown".to_string()
        };
        *seen.entry((kind, key_type)).or_default() += 1;
    }
}

/// The first lines where two record lists differ.
pub(crate) fn first_difference(sou: &[u8], core: &[u8]) -> String {
    let (a, b) = (records(sou), records(core));
    let at = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let show = |l: &[String]| {
        l.iter()
            .skip(at)
            .take(3)
            .cloned()
            .collect::<Vec<_>>()
            .join(" | ")
    };
    format!("record {at}: sou [{}] core [{}]", show(&a), show(&b))
}
