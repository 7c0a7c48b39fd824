//! The evaluation loop (Core `EvalScript`): read an instruction, apply the checks every
//! instruction meets (push size, op count, disabled opcodes), then push data or run the
//! opcode's family in [`super::ops`].
//!
//! What one run needs is split in two. A [`Context`] is fixed for the run: the rules
//! (flags, signature version), the checker and the script. A [`Machine`] is what opcodes
//! change: the two stacks, the `IF` nesting, the op count, where the script code of a
//! signature starts, and tapscript's signature budget.

use sou_primitives::opcodes::*;
use sou_primitives::script::{MAX_SCRIPT_ELEMENT_SIZE, MAX_SCRIPT_SIZE};

use crate::num::ScriptNum;
use crate::sighash::{core_get_op, SigVersion};
use crate::trace::{Step, Tracer};
use crate::{ScriptError, VerifyFlags};

use super::encoding::is_minimal_push;
use super::{ops, ExecutionData, SignatureChecker, Stack, MAX_OPS_PER_SCRIPT, MAX_STACK_SIZE};

/// What stays fixed while a script runs.
pub(super) struct Context<'a, C: ?Sized> {
    /// The rules in force.
    pub(super) flags: VerifyFlags,
    /// Answers signature and lock-time questions about the spending transaction.
    pub(super) checker: &'a C,
    /// Which script rules apply: legacy, segwit v0 or tapscript.
    pub(super) sigversion: SigVersion,
    /// The whole script being run.
    pub(super) script: &'a [u8],
}

impl<'a, C: ?Sized> Context<'a, C> {
    /// What a legacy or segwit v0 signature signs: the script from the last executed
    /// `OP_CODESEPARATOR` (or its start) on.
    pub(super) fn script_code(&self, machine: &Machine<'_>) -> &'a [u8] {
        &self.script[machine.code_start..]
    }
}

/// What opcodes change while a script runs.
pub(super) struct Machine<'a> {
    /// The main stack, the caller's: it carries over from `script_sig` to `script_pubkey`.
    pub(super) stack: &'a mut Stack,
    /// The alt stack, empty at the start of each script.
    pub(super) altstack: Stack,
    /// The `IF`/`ELSE`/`ENDIF` nesting.
    pub(super) exec: ConditionStack,
    /// Non-push operations so far, keys of `CHECKMULTISIG` included (legacy and v0 only).
    pub(super) op_count: usize,
    /// Where the script code starts (after the last executed `OP_CODESEPARATOR`).
    pub(super) code_start: usize,
    /// Taproot sighash data and tapscript's signature budget.
    pub(super) execdata: &'a mut ExecutionData,
}

/// The `OP_IF` nesting, as a count of levels and the position of the first false one
/// (Core's `ConditionStack`: O(1) per operation).
#[derive(Default)]
pub(super) struct ConditionStack {
    size: usize,
    first_false: Option<usize>,
}

impl ConditionStack {
    /// Is every enclosing branch taken (so the current instruction runs)?
    pub(super) fn all_true(&self) -> bool {
        self.first_false.is_none()
    }
    /// No `IF` is open.
    pub(super) fn is_empty(&self) -> bool {
        self.size == 0
    }
    pub(super) fn push(&mut self, value: bool) {
        if !value && self.first_false.is_none() {
            self.first_false = Some(self.size);
        }
        self.size += 1;
    }
    /// Closes the innermost level; the caller checked one is open.
    pub(super) fn pop(&mut self) {
        self.size -= 1;
        if self.first_false == Some(self.size) {
            self.first_false = None;
        }
    }
    /// `OP_ELSE` on the innermost level; the caller checked one is open.
    pub(super) fn toggle_top(&mut self) {
        match self.first_false {
            None => self.first_false = Some(self.size - 1),
            Some(pos) if pos == self.size - 1 => self.first_false = None,
            Some(_) => {}
        }
    }
}

/// The item `depth` places from the top (1 is the top), or INVALID_STACK_OPERATION.
pub(super) fn stack_top(stack: &[Vec<u8>], depth: usize) -> Result<&Vec<u8>, ScriptError> {
    stack
        .len()
        .checked_sub(depth)
        .and_then(|i| stack.get(i))
        .ok_or(ScriptError::InvalidStackOperation)
}

/// Removes the top item, or INVALID_STACK_OPERATION.
pub(super) fn pop(stack: &mut Stack) -> Result<Vec<u8>, ScriptError> {
    stack.pop().ok_or(ScriptError::InvalidStackOperation)
}

/// An arithmetic operand: at most 4 bytes, minimal if `flags` say so.
pub(super) fn num(item: &[u8], flags: VerifyFlags) -> Result<i64, ScriptError> {
    ScriptNum::decode(item, flags.contains(VerifyFlags::MINIMALDATA), 4)
}

/// Script's true (`1`) and false (the empty string).
pub(super) fn bool_item(value: bool) -> Vec<u8> {
    if value {
        vec![1]
    } else {
        Vec::new()
    }
}

/// Flow control runs even in a branch not taken: it is what finds the branch's end.
fn is_flow_control(opcode: u8) -> bool {
    (OP_IF.to_u8()..=OP_ENDIF.to_u8()).contains(&opcode)
}

/// Runs `script` on `stack` (Core `EvalScript`), reporting each step to `tracer`.
pub fn eval_script<C: SignatureChecker + ?Sized, T: Tracer>(
    stack: &mut Stack,
    script: &[u8],
    flags: VerifyFlags,
    checker: &C,
    sigversion: SigVersion,
    execdata: &mut ExecutionData,
    tracer: &mut T,
) -> Result<(), ScriptError> {
    let legacy_limits = matches!(sigversion, SigVersion::Base | SigVersion::WitnessV0);
    if legacy_limits && script.len() > MAX_SCRIPT_SIZE {
        return Err(ScriptError::ScriptSize);
    }
    let require_minimal = flags.contains(VerifyFlags::MINIMALDATA);
    let ctx = Context {
        flags,
        checker,
        sigversion,
        script,
    };
    let mut m = Machine {
        stack,
        altstack: Vec::new(),
        exec: ConditionStack::default(),
        op_count: 0,
        code_start: 0,
        execdata,
    };
    let mut pc = 0usize;
    let mut opcode_pos: u32 = 0;
    m.execdata.taproot.codeseparator_pos = u32::MAX;

    while pc < script.len() {
        let executing = m.exec.all_true();
        let (op, next) = core_get_op(script, pc).map_err(|_| ScriptError::BadOpcode)?;
        let position = pc;
        pc = next;
        let opcode = op.opcode;
        let push = &script[op.data.0..op.data.1];
        if push.len() > MAX_SCRIPT_ELEMENT_SIZE {
            return Err(ScriptError::PushSize);
        }
        // OP_RESERVED (0x50) and the small integers do not count.
        if legacy_limits && opcode > OP_16.to_u8() {
            m.op_count += 1;
            if m.op_count > MAX_OPS_PER_SCRIPT {
                return Err(ScriptError::OpCount);
            }
        }
        // CVE-2010-5137: disabled everywhere, even in a branch not taken.
        if Opcode::from_u8(opcode).is_disabled() {
            return Err(ScriptError::DisabledOpcode);
        }
        if opcode == OP_CODESEPARATOR.to_u8()
            && sigversion == SigVersion::Base
            && flags.contains(VerifyFlags::CONST_SCRIPTCODE)
        {
            return Err(ScriptError::OpCodeSeparator);
        }
        let before = if T::ENABLED {
            Some(m.stack.clone())
        } else {
            None
        };

        if executing && opcode <= OP_PUSHDATA4.to_u8() {
            if require_minimal && !is_minimal_push(push, opcode) {
                return Err(ScriptError::MinimalData);
            }
            m.stack.push(push.to_vec());
        } else if executing || is_flow_control(opcode) {
            ops::execute(Opcode::from_u8(opcode), &ctx, &mut m)?;
            if opcode == OP_CODESEPARATOR.to_u8() {
                m.code_start = pc;
                m.execdata.taproot.codeseparator_pos = opcode_pos;
            }
        }
        if m.stack.len() + m.altstack.len() > MAX_STACK_SIZE {
            return Err(ScriptError::StackSize);
        }
        if let Some(before) = before {
            tracer.step(&Step {
                position,
                opcode: Opcode::from_u8(opcode),
                executed: executing || is_flow_control(opcode),
                sigversion,
                stack_before: &before,
                stack_after: m.stack,
                altstack: &m.altstack,
            });
        }
        opcode_pos = opcode_pos.wrapping_add(1);
    }
    if !m.exec.all_true() || !m.exec.is_empty() {
        return Err(ScriptError::UnbalancedConditional);
    }
    Ok(())
}
