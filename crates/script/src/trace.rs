//! Watching a script run, step by step.
//!
//! The interpreter reports each instruction to a [`Tracer`]: where it is, which opcode,
//! whether it ran (an unexecuted `IF` branch is skipped), and the stack before and after.
//! [`NoTrace`] reports nothing and sets [`Tracer::ENABLED`] to `false`, so the
//! interpreter does not even copy the stack: with it the hooks compile away.

use sou_primitives::opcodes::Opcode;

use crate::sighash::SigVersion;

/// One executed instruction.
#[derive(Debug)]
pub struct Step<'a> {
    /// Byte offset of the instruction in its script.
    pub position: usize,
    /// The opcode (push opcodes included).
    pub opcode: Opcode,
    /// False in a branch not taken (only flow control runs there).
    pub executed: bool,
    /// Which kind of script is running.
    pub sigversion: SigVersion,
    /// The main stack before the instruction.
    pub stack_before: &'a [Vec<u8>],
    /// The main stack after it.
    pub stack_after: &'a [Vec<u8>],
    /// The alt stack after it.
    pub altstack: &'a [Vec<u8>],
}

/// Receives each step of a script's execution.
pub trait Tracer {
    /// Whether steps are reported at all; `false` lets the interpreter skip the work.
    const ENABLED: bool = true;
    /// Called after each instruction.
    fn step(&mut self, step: &Step<'_>);
}

/// The tracer that records nothing, at no cost.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoTrace;

impl Tracer for NoTrace {
    const ENABLED: bool = false;
    #[inline(always)]
    fn step(&mut self, _: &Step<'_>) {}
}

/// A tracer that keeps every step as text lines, for teaching and debugging.
///
/// Pushes show their size, long items are abbreviated to their first and last bytes, and
/// a new script (the byte position going back) starts with a marker line.
#[derive(Debug, Default)]
pub struct TextTrace {
    /// One line per step.
    pub lines: Vec<String>,
    last_position: Option<usize>,
}

/// An item as hex, abbreviated past 12 bytes: `30440220..4b01(72)`.
fn show_item(item: &[u8]) -> String {
    let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    match item.len() {
        0 => "[]".to_owned(),
        n if n <= 12 => hex(item),
        n => format!("{}..{}({n})", hex(&item[..4]), hex(&item[n - 2..])),
    }
}

fn show(stack: &[Vec<u8>]) -> String {
    let items: Vec<String> = stack.iter().map(|item| show_item(item)).collect();
    format!("[{}]", items.join(" "))
}

impl Tracer for TextTrace {
    fn step(&mut self, step: &Step<'_>) {
        if self.last_position.is_some_and(|last| step.position <= last) {
            self.lines.push("---- next script ----".to_owned());
        }
        self.last_position = Some(step.position);
        let op = step.opcode.to_u8();
        let name = if (1..=0x4b).contains(&op) {
            format!("PUSH {op} bytes")
        } else {
            step.opcode.name().to_owned()
        };
        let skipped = if step.executed { "" } else { " (skipped)" };
        self.lines.push(format!(
            "{:>4}  {:<18}{skipped} {} -> {}",
            step.position,
            name,
            show(step.stack_before),
            show(step.stack_after)
        ));
    }
}
