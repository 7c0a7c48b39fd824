//! JSON as Core writes it (`UniValue::write`, src/univalue/lib/univalue_write.cpp): for
//! `settings.json` and for `bitcoin-cli`'s output.

use serde_json::Value;

/// A JSON value written as Core's `UniValue::write(indent)`: compact with `indent` 0,
/// otherwise one member per line (empty containers too: `[` newline `]`). Strings escape
/// control characters, `"`, `\` and DEL (`\u007f`), and nothing else; numbers keep their
/// text (`1.50` stays `1.50`). `bitcoin-cli` prints results with indent 2.
pub fn write_json(value: &Value, indent: usize) -> String {
    write_json_indented(value, indent, 0)
}

/// `UniValue::write(indent, level)`: as [`write_json`], starting `level` steps in.
pub fn write_json_indented(value: &Value, indent: usize, level: usize) -> String {
    let mut out = String::new();
    write_value(&mut out, value, indent, level);
    out
}

fn write_value(out: &mut String, value: &Value, indent: usize, level: usize) {
    // UniValue treats level 0 as 1 for the members' indentation.
    let level = level.max(1);
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            if indent > 0 {
                out.push('\n');
            }
            for (i, item) in items.iter().enumerate() {
                push_indent(out, indent * level);
                write_value(out, item, indent, level + 1);
                if i + 1 != items.len() {
                    out.push(',');
                }
                if indent > 0 {
                    out.push('\n');
                }
            }
            push_indent(out, indent * (level - 1));
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            if indent > 0 {
                out.push('\n');
            }
            for (i, (key, item)) in map.iter().enumerate() {
                push_indent(out, indent * level);
                write_string(out, key);
                out.push(':');
                if indent > 0 {
                    out.push(' ');
                }
                write_value(out, item, indent, level + 1);
                if i + 1 != map.len() {
                    out.push(',');
                }
                if indent > 0 {
                    out.push('\n');
                }
            }
            push_indent(out, indent * (level - 1));
            out.push('}');
        }
    }
}

fn push_indent(out: &mut String, spaces: usize) {
    out.extend(std::iter::repeat_n(' ', spaces));
}

// UniValue's escape table (univalue_escapes.h).
fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{08}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{0c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if u32::from(c) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
