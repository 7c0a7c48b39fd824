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
#[derive(Debug, Default)]
pub struct TextTrace {
    /// One line per step.
    pub lines: Vec<String>,
}

fn show(stack: &[Vec<u8>]) -> String {
    let items: Vec<String> = stack
        .iter()
        .map(|item| {
            if item.is_empty() {
                "[]".to_owned()
            } else {
                item.iter().map(|b| format!("{b:02x}")).collect()
            }
        })
        .collect();
    format!("[{}]", items.join(" "))
}

impl Tracer for TextTrace {
    fn step(&mut self, step: &Step<'_>) {
        let skipped = if step.executed { "" } else { " (not executed)" };
        self.lines.push(format!(
            "{:>4}  {:<22}{skipped} {} -> {}",
            step.position,
            step.opcode.name(),
            show(step.stack_before),
            show(step.stack_after)
        ));
    }
}
