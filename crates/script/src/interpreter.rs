//! The script interpreter: running a coin's lock against its key.
//!
//! Script is a small stack language. Spending an output runs the spender's `script_sig`,
//! then the output's `script_pubkey` on the stack it left, and succeeds if the top value is
//! true. Later soft forks layered more on top, each turned on by a [`VerifyFlags`] bit:
//!
//! 1. **P2SH (BIP16)**: if the `script_pubkey` is `HASH160 <h> EQUAL`, the last push of the
//!    `script_sig` is itself a script (the redeem script), run on the rest of the stack.
//! 2. **Segwit v0 (BIP141)**: a `script_pubkey` `0 <20 or 32 bytes>` is a witness program;
//!    the spend's data come from the input's witness, and P2WPKH runs an implied P2PKH
//!    script while P2WSH runs the witness's last item, whose SHA-256 is the program.
//! 3. **Taproot (BIP341/342)**: `1 <32 bytes>` is an output key; a single witness item is
//!    a Schnorr signature for it, more items reveal a script and a control block proving it
//!    is committed to, and the script runs under tapscript's rules (no `CHECKMULTISIG`,
//!    `CHECKSIGADD`, `OP_SUCCESSx` making any script valid, a signature budget tied to the
//!    witness size).
//!
//! The evaluation loop follows Core's `EvalScript` step for step, in the same order of
//! checks, because the order decides *which* error a failing script reports and, in a few
//! places (disabled opcodes in unexecuted branches, the op count), whether it fails at all.
//!
//! References: Core `src/script/interpreter.cpp` (`EvalScript`, `VerifyScript`,
//! `VerifyWitnessProgram`, `ExecuteWitnessScript`, `GenericTransactionSignatureChecker`);
//! BIP16, BIP62, BIP65, BIP66, BIP112, BIP141, BIP143, BIP146, BIP147, BIP341, BIP342.

use sou_keys::taproot::{tap_branch_hash, tap_leaf_hash, TapNodeHash};
use sou_primitives::encoding::{compact_size_len, var_bytes_len};
use sou_primitives::hashes::{hash160, ripemd160, sha256, sha256d};
use sou_primitives::opcodes::*;
use sou_primitives::script::{encode_script_num, MAX_SCRIPT_ELEMENT_SIZE, MAX_SCRIPT_SIZE};
use sou_primitives::{Script, Transaction, TxOut, Witness};

use crate::num::{cast_to_bool, ScriptNum};
use crate::sighash::{
    core_get_op, legacy_sighash, segwit_v0_sighash, taproot_sighash, PrecomputedTransactionData,
    SigVersion, TaprootContext, SIGHASH_DEFAULT,
};
use crate::trace::{NoTrace, Step, Tracer};
use crate::{ScriptError, VerifyFlags};

/// The stack: byte strings, top last.
pub type Stack = Vec<Vec<u8>>;

/// Most items the main and alt stacks may hold together.
pub const MAX_STACK_SIZE: usize = 1000;
/// Most non-push operations in a legacy or segwit v0 script.
pub const MAX_OPS_PER_SCRIPT: usize = 201;
/// Most keys in one `OP_CHECKMULTISIG`.
pub const MAX_PUBKEYS_PER_MULTISIG: i64 = 20;
/// Lock times from here on are Unix times, below it block heights.
pub const LOCKTIME_THRESHOLD: i64 = 500_000_000;
/// BIP342: each executed signature check costs this much of the budget.
const VALIDATION_WEIGHT_PER_SIGOP_PASSED: i64 = 50;
/// BIP342: the budget is the witness size plus this.
const VALIDATION_WEIGHT_OFFSET: i64 = 50;
/// BIP341: the first byte of an annex.
const ANNEX_TAG: u8 = 0x50;
/// BIP342's leaf version.
const TAPSCRIPT_LEAF_VERSION: u8 = 0xc0;
/// BIP68 sequence bits.
const SEQUENCE_LOCKTIME_DISABLE_FLAG: i64 = 1 << 31;
const SEQUENCE_LOCKTIME_TYPE_FLAG: i64 = 1 << 22;
const SEQUENCE_LOCKTIME_MASK: i64 = 0x0000_ffff;

/// What signature and lock-time opcodes ask of the spending transaction.
pub trait SignatureChecker {
    /// ECDSA: `sig` with its sighash byte, against `pubkey`, for `script_code`.
    fn check_ecdsa_signature(
        &self,
        sig: &[u8],
        pubkey: &[u8],
        script_code: &[u8],
        sigversion: SigVersion,
    ) -> bool;
    /// Schnorr (BIP340) with the BIP341 sighash; errors carry Core's reasons.
    fn check_schnorr_signature(
        &self,
        sig: &[u8],
        pubkey: &[u8],
        sigversion: SigVersion,
        ctx: &TaprootContext,
    ) -> Result<(), ScriptError>;
    /// BIP65: is the transaction's lock time at least `lock_time`, of the same kind?
    fn check_lock_time(&self, lock_time: i64) -> bool;
    /// BIP112: does this input's sequence satisfy `sequence`?
    fn check_sequence(&self, sequence: i64) -> bool;
}

/// A checker for scripts run outside any transaction: every signature and lock check
/// fails (Core `BaseSignatureChecker`).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoTransaction;

impl SignatureChecker for NoTransaction {
    fn check_ecdsa_signature(&self, _: &[u8], _: &[u8], _: &[u8], _: SigVersion) -> bool {
        false
    }
    fn check_schnorr_signature(
        &self,
        _: &[u8],
        _: &[u8],
        _: SigVersion,
        _: &TaprootContext,
    ) -> Result<(), ScriptError> {
        Err(ScriptError::SchnorrSig)
    }
    fn check_lock_time(&self, _: i64) -> bool {
        false
    }
    fn check_sequence(&self, _: i64) -> bool {
        false
    }
}

/// Checks signatures against one input of a transaction
/// (Core `GenericTransactionSignatureChecker`).
#[derive(Debug, Clone, Copy)]
pub struct TransactionChecker<'a> {
    tx: &'a Transaction,
    input_index: usize,
    amount: i64,
    precomputed: &'a PrecomputedTransactionData,
}

impl<'a> TransactionChecker<'a> {
    /// A checker for input `input_index`, spending `amount` satoshis.
    pub fn new(
        tx: &'a Transaction,
        input_index: usize,
        amount: i64,
        precomputed: &'a PrecomputedTransactionData,
    ) -> TransactionChecker<'a> {
        TransactionChecker {
            tx,
            input_index,
            amount,
            precomputed,
        }
    }
}

/// An x-only key from 32 bytes that are the x coordinate of a curve point.
fn xonly(bytes: &[u8]) -> Option<secp256k1::XOnlyPublicKey> {
    secp256k1::XOnlyPublicKey::from_byte_array(bytes.try_into().ok()?).ok()
}

/// Core's `CPubKey` validity: the length its first byte announces.
fn pubkey_len_ok(pubkey: &[u8]) -> bool {
    match pubkey.first() {
        Some(2 | 3) => pubkey.len() == 33,
        Some(4 | 6 | 7) => pubkey.len() == 65,
        _ => false,
    }
}

impl SignatureChecker for TransactionChecker<'_> {
    fn check_ecdsa_signature(
        &self,
        sig: &[u8],
        pubkey: &[u8],
        script_code: &[u8],
        sigversion: SigVersion,
    ) -> bool {
        if !pubkey_len_ok(pubkey) {
            return false;
        }
        let Some((&hash_type, der)) = sig.split_last() else {
            return false;
        };
        let hash_type = i32::from(hash_type);
        let sighash = match sigversion {
            SigVersion::WitnessV0 => segwit_v0_sighash(
                script_code,
                self.tx,
                self.input_index,
                hash_type,
                self.amount,
                self.precomputed,
            ),
            _ => legacy_sighash(script_code, self.tx, self.input_index, hash_type),
        };
        // Consensus accepts lax DER and high S (Core `CPubKey::Verify`).
        let Ok(key) = secp256k1::PublicKey::from_slice(pubkey) else {
            return false;
        };
        let Ok(mut signature) = secp256k1::ecdsa::Signature::from_der_lax(der) else {
            return false;
        };
        signature.normalize_s();
        secp256k1::SECP256K1
            .verify_ecdsa(secp256k1::Message::from_digest(sighash.0), &signature, &key)
            .is_ok()
    }

    fn check_schnorr_signature(
        &self,
        sig: &[u8],
        pubkey: &[u8],
        sigversion: SigVersion,
        ctx: &TaprootContext,
    ) -> Result<(), ScriptError> {
        let (sig, hash_type) = match sig.len() {
            64 => (sig, SIGHASH_DEFAULT),
            65 => match sig.split_last() {
                Some((&SIGHASH_DEFAULT, _)) => return Err(ScriptError::SchnorrSigHashtype),
                Some((&t, rest)) => (rest, t),
                None => return Err(ScriptError::SchnorrSigSize),
            },
            _ => return Err(ScriptError::SchnorrSigSize),
        };
        let sighash = taproot_sighash(
            self.tx,
            self.input_index,
            hash_type,
            sigversion,
            self.precomputed,
            ctx,
        )
        .ok_or(ScriptError::SchnorrSigHashtype)?;
        let key = xonly(pubkey).ok_or(ScriptError::SchnorrSig)?;
        let sig: [u8; 64] = sig.try_into().map_err(|_| ScriptError::SchnorrSigSize)?;
        let signature = secp256k1::schnorr::Signature::from_byte_array(sig);
        secp256k1::SECP256K1
            .verify_schnorr(&signature, &sighash.0, &key)
            .map_err(|_| ScriptError::SchnorrSig)
    }

    fn check_lock_time(&self, lock_time: i64) -> bool {
        let tx_lock = i64::from(self.tx.lock_time);
        // Heights compare with heights, times with times.
        if (tx_lock < LOCKTIME_THRESHOLD) != (lock_time < LOCKTIME_THRESHOLD) {
            return false;
        }
        if lock_time > tx_lock {
            return false;
        }
        // A final input would let the transaction be mined before its lock time.
        self.tx.input[self.input_index].sequence != u32::MAX
    }

    fn check_sequence(&self, sequence: i64) -> bool {
        let tx_sequence = i64::from(self.tx.input[self.input_index].sequence);
        if self.tx.version < 2 || tx_sequence & SEQUENCE_LOCKTIME_DISABLE_FLAG != 0 {
            return false;
        }
        let mask = SEQUENCE_LOCKTIME_TYPE_FLAG | SEQUENCE_LOCKTIME_MASK;
        let (tx_masked, masked) = (tx_sequence & mask, sequence & mask);
        if (tx_masked < SEQUENCE_LOCKTIME_TYPE_FLAG) != (masked < SEQUENCE_LOCKTIME_TYPE_FLAG) {
            return false;
        }
        masked <= tx_masked
    }
}

/// Taproot state of one execution (Core `ScriptExecutionData`).
#[derive(Debug, Clone, Copy, Default)]
pub struct ExecutionData {
    /// What the sighash needs.
    pub taproot: TaprootContext,
    /// Tapscript's remaining signature budget.
    pub validation_weight_left: i64,
}

/// The `OP_IF` nesting, as a count of levels and the position of the first false one
/// (Core's `ConditionStack`: O(1) per operation).
#[derive(Default)]
struct ConditionStack {
    size: usize,
    first_false: Option<usize>,
}

impl ConditionStack {
    fn all_true(&self) -> bool {
        self.first_false.is_none()
    }
    fn push(&mut self, value: bool) {
        if !value && self.first_false.is_none() {
            self.first_false = Some(self.size);
        }
        self.size += 1;
    }
    fn pop(&mut self) {
        self.size -= 1;
        if self.first_false == Some(self.size) {
            self.first_false = None;
        }
    }
    fn toggle_top(&mut self) {
        match self.first_false {
            None => self.first_false = Some(self.size - 1),
            Some(pos) if pos == self.size - 1 => self.first_false = None,
            Some(_) => {}
        }
    }
}

/// BIP342 `OP_SUCCESSx`: opcodes that make a tapscript succeed at once, reserved for
/// future soft forks (Core `IsOpSuccess`).
pub fn is_op_success(opcode: u8) -> bool {
    matches!(opcode, 80 | 98 | 126..=129 | 131..=134 | 137..=138 | 141..=142 | 149..=153 | 187..=254)
}

/// The shortest push of `data` is the one `opcode` is (Core `CheckMinimalPush`).
fn is_minimal_push(data: &[u8], opcode: u8) -> bool {
    match data.len() {
        0 => opcode == OP_0.to_u8(),
        1 if (1..=16).contains(&data[0]) || data[0] == 0x81 => false,
        n @ 1..=75 => usize::from(opcode) == n,
        256.. if data.len() > 0xffff => true,
        76..=255 => opcode == OP_PUSHDATA1.to_u8(),
        _ => opcode == OP_PUSHDATA2.to_u8(),
    }
}

/// BIP66 strict DER with a trailing sighash byte (Core `IsValidSignatureEncoding`).
///
/// ```text
/// 0x30 [total-len] 0x02 [R-len] [R] 0x02 [S-len] [S] [sighash]
/// ```
/// Integers are positive and minimal: no leading 0x00 unless the next byte has its top bit.
pub fn is_valid_signature_encoding(sig: &[u8]) -> bool {
    let n = sig.len();
    if !(9..=73).contains(&n) || sig[0] != 0x30 || usize::from(sig[1]) != n - 3 {
        return false;
    }
    let len_r = usize::from(sig[3]);
    if 5 + len_r >= n {
        return false;
    }
    let len_s = usize::from(sig[5 + len_r]);
    if len_r + len_s + 7 != n || sig[2] != 0x02 || len_r == 0 || sig[4] & 0x80 != 0 {
        return false;
    }
    if len_r > 1 && sig[4] == 0 && sig[5] & 0x80 == 0 {
        return false;
    }
    if sig[len_r + 4] != 0x02 || len_s == 0 || sig[len_r + 6] & 0x80 != 0 {
        return false;
    }
    !(len_s > 1 && sig[len_r + 6] == 0 && sig[len_r + 7] & 0x80 == 0)
}

/// S at most n/2 (Core `IsLowDERSignature`, after a valid encoding).
fn is_low_s(sig: &[u8]) -> bool {
    let der = &sig[..sig.len().saturating_sub(1)];
    match secp256k1::ecdsa::Signature::from_der_lax(der) {
        Ok(s) => {
            let mut normalized = s;
            normalized.normalize_s();
            normalized == s
        }
        Err(_) => false,
    }
}

fn check_signature_encoding(sig: &[u8], flags: VerifyFlags) -> Result<(), ScriptError> {
    // An empty signature is a compact way to fail a check on purpose.
    if sig.is_empty() {
        return Ok(());
    }
    let strict = VerifyFlags::DERSIG | VerifyFlags::LOW_S | VerifyFlags::STRICTENC;
    if (flags & strict) != VerifyFlags::NONE && !is_valid_signature_encoding(sig) {
        return Err(ScriptError::SigDer);
    }
    if flags.contains(VerifyFlags::LOW_S) && !is_low_s(sig) {
        return Err(ScriptError::SigHighS);
    }
    if flags.contains(VerifyFlags::STRICTENC) {
        // The sighash byte without its ANYONECANPAY bit (0x80).
        let base = sig[sig.len() - 1] & 0x7f;
        if !(1..=3).contains(&base) {
            return Err(ScriptError::SigHashtype);
        }
    }
    Ok(())
}

fn check_pubkey_encoding(
    pubkey: &[u8],
    flags: VerifyFlags,
    sigversion: SigVersion,
) -> Result<(), ScriptError> {
    let compressed = pubkey.len() == 33 && matches!(pubkey[0], 2 | 3);
    let uncompressed = pubkey.len() == 65 && pubkey[0] == 4;
    if flags.contains(VerifyFlags::STRICTENC) && !compressed && !uncompressed {
        return Err(ScriptError::PubkeyType);
    }
    if flags.contains(VerifyFlags::WITNESS_PUBKEYTYPE)
        && sigversion == SigVersion::WitnessV0
        && !compressed
    {
        return Err(ScriptError::WitnessPubkeyType);
    }
    Ok(())
}

/// Removes every occurrence of `pattern` that starts at an instruction boundary and
/// returns the count (Core `FindAndDelete`, applied to signatures in legacy scripts).
fn find_and_delete(script: &mut Vec<u8>, pattern: &[u8]) -> usize {
    if pattern.is_empty() {
        return 0;
    }
    let mut found = 0;
    let mut result = Vec::with_capacity(script.len());
    let (mut pc, mut kept_from) = (0usize, 0usize);
    loop {
        result.extend_from_slice(&script[kept_from..pc]);
        while script.len() - pc >= pattern.len() && script[pc..].starts_with(pattern) {
            pc += pattern.len();
            found += 1;
        }
        kept_from = pc;
        match core_get_op(script, pc) {
            Ok((_, next)) => pc = next,
            Err(_) => break,
        }
    }
    if found > 0 {
        result.extend_from_slice(&script[kept_from..]);
        *script = result;
    }
    found
}

/// A signature pushed as Core's `CScript() << sig` would (the FindAndDelete pattern).
fn push_pattern(data: &[u8]) -> Vec<u8> {
    Script::builder()
        .push_slice_non_minimal(data)
        .into_script()
        .into_bytes()
}

fn stack_top(stack: &[Vec<u8>], depth: usize) -> Result<&Vec<u8>, ScriptError> {
    stack
        .len()
        .checked_sub(depth)
        .and_then(|i| stack.get(i))
        .ok_or(ScriptError::InvalidStackOperation)
}

fn pop(stack: &mut Stack) -> Result<Vec<u8>, ScriptError> {
    stack.pop().ok_or(ScriptError::InvalidStackOperation)
}

fn num(item: &[u8], flags: VerifyFlags) -> Result<i64, ScriptError> {
    ScriptNum::decode(item, flags.contains(VerifyFlags::MINIMALDATA), 4)
}

/// One checksig in legacy or segwit v0 script (Core `EvalChecksigPreTapscript`).
#[allow(clippy::too_many_arguments)]
fn checksig_pre_tapscript<C: SignatureChecker + ?Sized>(
    sig: &[u8],
    pubkey: &[u8],
    script_code: &[u8],
    flags: VerifyFlags,
    checker: &C,
    sigversion: SigVersion,
) -> Result<bool, ScriptError> {
    let mut code = script_code.to_vec();
    if sigversion == SigVersion::Base {
        let found = find_and_delete(&mut code, &push_pattern(sig));
        if found > 0 && flags.contains(VerifyFlags::CONST_SCRIPTCODE) {
            return Err(ScriptError::SigFindAndDelete);
        }
    }
    check_signature_encoding(sig, flags)?;
    check_pubkey_encoding(pubkey, flags, sigversion)?;
    let ok = checker.check_ecdsa_signature(sig, pubkey, &code, sigversion);
    if !ok && flags.contains(VerifyFlags::NULLFAIL) && !sig.is_empty() {
        return Err(ScriptError::NullFail);
    }
    Ok(ok)
}

/// One checksig in tapscript (Core `EvalChecksigTapscript`); the order of checks is
/// consensus.
fn checksig_tapscript<C: SignatureChecker + ?Sized>(
    sig: &[u8],
    pubkey: &[u8],
    execdata: &mut ExecutionData,
    flags: VerifyFlags,
    checker: &C,
) -> Result<bool, ScriptError> {
    let success = !sig.is_empty();
    if success {
        execdata.validation_weight_left -= VALIDATION_WEIGHT_PER_SIGOP_PASSED;
        if execdata.validation_weight_left < 0 {
            return Err(ScriptError::TapscriptValidationWeight);
        }
    }
    match pubkey.len() {
        0 => return Err(ScriptError::TapscriptEmptyPubkey),
        32 => {
            if success {
                checker.check_schnorr_signature(
                    sig,
                    pubkey,
                    SigVersion::Tapscript,
                    &execdata.taproot,
                )?;
            }
        }
        _ => {
            if flags.contains(VerifyFlags::DISCOURAGE_UPGRADABLE_PUBKEYTYPE) {
                return Err(ScriptError::DiscourageUpgradablePubkeyType);
            }
        }
    }
    Ok(success)
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
    let mut pc = 0usize;
    let mut code_start = 0usize;
    let mut exec = ConditionStack::default();
    let mut altstack: Stack = Vec::new();
    let mut op_count = 0usize;
    let mut opcode_pos: u32 = 0;
    execdata.taproot.codeseparator_pos = u32::MAX;

    while pc < script.len() {
        let executing = exec.all_true();
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
            op_count += 1;
            if op_count > MAX_OPS_PER_SCRIPT {
                return Err(ScriptError::OpCount);
            }
        }
        // CVE-2010-5137: disabled everywhere, even in a branch not taken.
        if matches!(
            Opcode::from_u8(opcode),
            OP_CAT
                | OP_SUBSTR
                | OP_LEFT
                | OP_RIGHT
                | OP_INVERT
                | OP_AND
                | OP_OR
                | OP_XOR
                | OP_2MUL
                | OP_2DIV
                | OP_MUL
                | OP_DIV
                | OP_MOD
                | OP_LSHIFT
                | OP_RSHIFT
        ) {
            return Err(ScriptError::DisabledOpcode);
        }
        if opcode == OP_CODESEPARATOR.to_u8()
            && sigversion == SigVersion::Base
            && flags.contains(VerifyFlags::CONST_SCRIPTCODE)
        {
            return Err(ScriptError::OpCodeSeparator);
        }
        let before = if T::ENABLED {
            Some(stack.clone())
        } else {
            None
        };

        if executing && opcode <= OP_PUSHDATA4.to_u8() {
            if require_minimal && !is_minimal_push(push, opcode) {
                return Err(ScriptError::MinimalData);
            }
            stack.push(push.to_vec());
        } else if executing || (OP_IF.to_u8()..=OP_ENDIF.to_u8()).contains(&opcode) {
            execute_opcode(
                Opcode::from_u8(opcode),
                stack,
                &mut altstack,
                &mut exec,
                executing,
                flags,
                checker,
                sigversion,
                execdata,
                &script[code_start..],
                &mut op_count,
            )?;
            if opcode == OP_CODESEPARATOR.to_u8() {
                code_start = pc;
                execdata.taproot.codeseparator_pos = opcode_pos;
            }
        }
        if stack.len() + altstack.len() > MAX_STACK_SIZE {
            return Err(ScriptError::StackSize);
        }
        if let Some(before) = before {
            tracer.step(&Step {
                position,
                opcode: Opcode::from_u8(opcode),
                executed: executing || (OP_IF.to_u8()..=OP_ENDIF.to_u8()).contains(&opcode),
                sigversion,
                stack_before: &before,
                stack_after: stack,
                altstack: &altstack,
            });
        }
        opcode_pos = opcode_pos.wrapping_add(1);
    }
    if !exec.all_true() || exec.size != 0 {
        return Err(ScriptError::UnbalancedConditional);
    }
    Ok(())
}

fn bool_item(value: bool) -> Vec<u8> {
    if value {
        vec![1]
    } else {
        Vec::new()
    }
}

/// Executes one non-push opcode (or a flow-control opcode in a branch not taken).
#[allow(clippy::too_many_arguments, clippy::too_many_lines)]
fn execute_opcode<C: SignatureChecker + ?Sized>(
    op: Opcode,
    stack: &mut Stack,
    altstack: &mut Stack,
    exec: &mut ConditionStack,
    executing: bool,
    flags: VerifyFlags,
    checker: &C,
    sigversion: SigVersion,
    execdata: &mut ExecutionData,
    script_code: &[u8],
    op_count: &mut usize,
) -> Result<(), ScriptError> {
    let minimal = flags.contains(VerifyFlags::MINIMALDATA);
    match op {
        // ( -- n)
        OP_1NEGATE | OP_1 | OP_2 | OP_3 | OP_4 | OP_5 | OP_6 | OP_7 | OP_8 | OP_9 | OP_10
        | OP_11 | OP_12 | OP_13 | OP_14 | OP_15 | OP_16 => {
            let n = op.small_int().unwrap_or_default();
            stack.push(encode_script_num(n));
        }
        OP_NOP => {}
        // (n -- n): the lock time must have passed; BIP65 reads a 5-byte number because
        // lock times go up to 2^32 - 1.
        OP_CHECKLOCKTIMEVERIFY => {
            if flags.contains(VerifyFlags::CHECKLOCKTIMEVERIFY) {
                let lock_time = ScriptNum::decode(stack_top(stack, 1)?, minimal, 5)?;
                if lock_time < 0 {
                    return Err(ScriptError::NegativeLocktime);
                }
                if !checker.check_lock_time(lock_time) {
                    return Err(ScriptError::UnsatisfiedLocktime);
                }
            }
        }
        // (n -- n): the input's relative lock (BIP68) must be at least n.
        OP_CHECKSEQUENCEVERIFY => {
            if flags.contains(VerifyFlags::CHECKSEQUENCEVERIFY) {
                let sequence = ScriptNum::decode(stack_top(stack, 1)?, minimal, 5)?;
                if sequence < 0 {
                    return Err(ScriptError::NegativeLocktime);
                }
                // With the disable bit set the operand asks for nothing (future use).
                if sequence & SEQUENCE_LOCKTIME_DISABLE_FLAG == 0
                    && !checker.check_sequence(sequence)
                {
                    return Err(ScriptError::UnsatisfiedLocktime);
                }
            }
        }
        OP_NOP1 | OP_NOP4 | OP_NOP5 | OP_NOP6 | OP_NOP7 | OP_NOP8 | OP_NOP9 | OP_NOP10 => {
            if flags.contains(VerifyFlags::DISCOURAGE_UPGRADABLE_NOPS) {
                return Err(ScriptError::DiscourageUpgradableNops);
            }
        }
        // <cond> IF ... [ELSE ...] ENDIF
        OP_IF | OP_NOTIF => {
            let mut value = false;
            if executing {
                let top = stack_top(stack, 1)?;
                if sigversion == SigVersion::Tapscript
                    && (top.len() > 1 || (top.len() == 1 && top[0] != 1))
                {
                    return Err(ScriptError::TapscriptMinimalIf);
                }
                if sigversion == SigVersion::WitnessV0
                    && flags.contains(VerifyFlags::MINIMALIF)
                    && (top.len() > 1 || (top.len() == 1 && top[0] != 1))
                {
                    return Err(ScriptError::MinimalIf);
                }
                value = cast_to_bool(top) != (op == OP_NOTIF);
                stack.pop();
            }
            exec.push(value);
        }
        OP_ELSE => {
            if exec.size == 0 {
                return Err(ScriptError::UnbalancedConditional);
            }
            exec.toggle_top();
        }
        OP_ENDIF => {
            if exec.size == 0 {
                return Err(ScriptError::UnbalancedConditional);
            }
            exec.pop();
        }
        // (true -- ) or fail
        OP_VERIFY => {
            if !cast_to_bool(stack_top(stack, 1)?) {
                return Err(ScriptError::Verify);
            }
            stack.pop();
        }
        OP_RETURN => return Err(ScriptError::OpReturn),
        // (x -- ) main to alt
        OP_TOALTSTACK => {
            let x = pop(stack)?;
            altstack.push(x);
        }
        // ( -- x) alt to main
        OP_FROMALTSTACK => {
            let x = altstack
                .pop()
                .ok_or(ScriptError::InvalidAltstackOperation)?;
            stack.push(x);
        }
        // (x1 x2 -- )
        OP_2DROP => {
            stack_top(stack, 2)?;
            stack.truncate(stack.len() - 2);
        }
        // (x1 x2 -- x1 x2 x1 x2)
        OP_2DUP => {
            let (a, b) = (stack_top(stack, 2)?.clone(), stack_top(stack, 1)?.clone());
            stack.push(a);
            stack.push(b);
        }
        // (x1 x2 x3 -- x1 x2 x3 x1 x2 x3)
        OP_3DUP => {
            let items = [
                stack_top(stack, 3)?.clone(),
                stack_top(stack, 2)?.clone(),
                stack_top(stack, 1)?.clone(),
            ];
            stack.extend(items);
        }
        // (x1 x2 x3 x4 -- x1 x2 x3 x4 x1 x2)
        OP_2OVER => {
            let (a, b) = (stack_top(stack, 4)?.clone(), stack_top(stack, 3)?.clone());
            stack.push(a);
            stack.push(b);
        }
        // (x1 x2 x3 x4 x5 x6 -- x3 x4 x5 x6 x1 x2)
        OP_2ROT => {
            stack_top(stack, 6)?;
            let at = stack.len() - 6;
            let moved: Vec<Vec<u8>> = stack.drain(at..at + 2).collect();
            stack.extend(moved);
        }
        // (x1 x2 x3 x4 -- x3 x4 x1 x2)
        OP_2SWAP => {
            stack_top(stack, 4)?;
            let n = stack.len();
            stack.swap(n - 4, n - 2);
            stack.swap(n - 3, n - 1);
        }
        // (x -- x x) if x is true
        OP_IFDUP => {
            let top = stack_top(stack, 1)?;
            if cast_to_bool(top) {
                let copy = top.clone();
                stack.push(copy);
            }
        }
        // ( -- depth)
        OP_DEPTH => stack.push(encode_script_num(stack.len() as i64)),
        // (x -- )
        OP_DROP => {
            pop(stack)?;
        }
        // (x -- x x)
        OP_DUP => {
            let top = stack_top(stack, 1)?.clone();
            stack.push(top);
        }
        // (x1 x2 -- x2)
        OP_NIP => {
            stack_top(stack, 2)?;
            let at = stack.len() - 2;
            stack.remove(at);
        }
        // (x1 x2 -- x1 x2 x1)
        OP_OVER => {
            let x = stack_top(stack, 2)?.clone();
            stack.push(x);
        }
        // (xn ... x0 n -- xn ... x0 xn), ROLL also removes xn
        OP_PICK | OP_ROLL => {
            // Core (`EvalScript`) checks for two items before it reads n: a lone item that
            // is not a number fails INVALID_STACK_OPERATION, not SCRIPTNUM.
            stack_top(stack, 2)?;
            let n = num(stack_top(stack, 1)?, flags)?;
            stack.pop();
            let depth = usize::try_from(n).map_err(|_| ScriptError::InvalidStackOperation)?;
            if depth >= stack.len() {
                return Err(ScriptError::InvalidStackOperation);
            }
            let at = stack.len() - 1 - depth;
            let x = if op == OP_ROLL {
                stack.remove(at)
            } else {
                stack[at].clone()
            };
            stack.push(x);
        }
        // (x1 x2 x3 -- x2 x3 x1)
        OP_ROT => {
            stack_top(stack, 3)?;
            let n = stack.len();
            stack.swap(n - 3, n - 2);
            stack.swap(n - 2, n - 1);
        }
        // (x1 x2 -- x2 x1)
        OP_SWAP => {
            stack_top(stack, 2)?;
            let n = stack.len();
            stack.swap(n - 2, n - 1);
        }
        // (x1 x2 -- x2 x1 x2)
        OP_TUCK => {
            stack_top(stack, 2)?;
            let top = stack_top(stack, 1)?.clone();
            let at = stack.len() - 2;
            stack.insert(at, top);
        }
        // (x -- x size)
        OP_SIZE => {
            let size = stack_top(stack, 1)?.len() as i64;
            stack.push(encode_script_num(size));
        }
        // (x1 x2 -- bool)
        OP_EQUAL | OP_EQUALVERIFY => {
            let equal = stack_top(stack, 2)? == stack_top(stack, 1)?;
            stack.truncate(stack.len() - 2);
            stack.push(bool_item(equal));
            if op == OP_EQUALVERIFY {
                if !equal {
                    return Err(ScriptError::EqualVerify);
                }
                stack.pop();
            }
        }
        // (in -- out)
        OP_1ADD | OP_1SUB | OP_NEGATE | OP_ABS | OP_NOT | OP_0NOTEQUAL => {
            let a = num(stack_top(stack, 1)?, flags)?;
            let result = match op {
                OP_1ADD => a + 1,
                OP_1SUB => a - 1,
                OP_NEGATE => -a,
                OP_ABS => a.abs(),
                OP_NOT => i64::from(a == 0),
                _ => i64::from(a != 0),
            };
            stack.pop();
            stack.push(encode_script_num(result));
        }
        // (x1 x2 -- out)
        OP_ADD
        | OP_SUB
        | OP_BOOLAND
        | OP_BOOLOR
        | OP_NUMEQUAL
        | OP_NUMEQUALVERIFY
        | OP_NUMNOTEQUAL
        | OP_LESSTHAN
        | OP_GREATERTHAN
        | OP_LESSTHANOREQUAL
        | OP_GREATERTHANOREQUAL
        | OP_MIN
        | OP_MAX => {
            let a = num(stack_top(stack, 2)?, flags)?;
            let b = num(stack_top(stack, 1)?, flags)?;
            let result = match op {
                OP_ADD => a + b,
                OP_SUB => a - b,
                OP_BOOLAND => i64::from(a != 0 && b != 0),
                OP_BOOLOR => i64::from(a != 0 || b != 0),
                OP_NUMEQUAL | OP_NUMEQUALVERIFY => i64::from(a == b),
                OP_NUMNOTEQUAL => i64::from(a != b),
                OP_LESSTHAN => i64::from(a < b),
                OP_GREATERTHAN => i64::from(a > b),
                OP_LESSTHANOREQUAL => i64::from(a <= b),
                OP_GREATERTHANOREQUAL => i64::from(a >= b),
                OP_MIN => a.min(b),
                _ => a.max(b),
            };
            stack.truncate(stack.len() - 2);
            stack.push(encode_script_num(result));
            if op == OP_NUMEQUALVERIFY {
                if result == 0 {
                    return Err(ScriptError::NumEqualVerify);
                }
                stack.pop();
            }
        }
        // (x min max -- bool): min <= x < max
        OP_WITHIN => {
            let x = num(stack_top(stack, 3)?, flags)?;
            let min = num(stack_top(stack, 2)?, flags)?;
            let max = num(stack_top(stack, 1)?, flags)?;
            stack.truncate(stack.len() - 3);
            stack.push(bool_item(min <= x && x < max));
        }
        // (in -- hash)
        OP_RIPEMD160 | OP_SHA1 | OP_SHA256 | OP_HASH160 | OP_HASH256 => {
            let data = stack_top(stack, 1)?;
            let hash: Vec<u8> = match op {
                OP_RIPEMD160 => ripemd160(data).to_vec(),
                OP_SHA1 => {
                    use sha1::Digest;
                    sha1::Sha1::digest(data).to_vec()
                }
                OP_SHA256 => sha256(data).to_vec(),
                OP_HASH160 => hash160(data).to_vec(),
                _ => sha256d(data).to_vec(),
            };
            stack.pop();
            stack.push(hash);
        }
        // Signatures hash the script from the last executed OP_CODESEPARATOR on; the caller
        // moves that start.
        OP_CODESEPARATOR => {}
        // (sig pubkey -- bool)
        OP_CHECKSIG | OP_CHECKSIGVERIFY => {
            let sig = stack_top(stack, 2)?.clone();
            let pubkey = stack_top(stack, 1)?.clone();
            let ok = match sigversion {
                SigVersion::Tapscript => {
                    checksig_tapscript(&sig, &pubkey, execdata, flags, checker)?
                }
                _ => {
                    checksig_pre_tapscript(&sig, &pubkey, script_code, flags, checker, sigversion)?
                }
            };
            stack.truncate(stack.len() - 2);
            stack.push(bool_item(ok));
            if op == OP_CHECKSIGVERIFY {
                if !ok {
                    return Err(ScriptError::CheckSigVerify);
                }
                stack.pop();
            }
        }
        // (sig n pubkey -- n + success), tapscript only
        OP_CHECKSIGADD => {
            if sigversion != SigVersion::Tapscript {
                return Err(ScriptError::BadOpcode);
            }
            let sig = stack_top(stack, 3)?.clone();
            let n = num(stack_top(stack, 2)?, flags)?;
            let pubkey = stack_top(stack, 1)?.clone();
            let ok = checksig_tapscript(&sig, &pubkey, execdata, flags, checker)?;
            stack.truncate(stack.len() - 3);
            stack.push(encode_script_num(n + i64::from(ok)));
        }
        // (dummy [sig ...] m [pubkey ...] n -- bool)
        OP_CHECKMULTISIG | OP_CHECKMULTISIGVERIFY => {
            if sigversion == SigVersion::Tapscript {
                return Err(ScriptError::TapscriptCheckMultisig);
            }
            let ok = checkmultisig(stack, flags, checker, sigversion, script_code, op_count)?;
            stack.push(bool_item(ok));
            if op == OP_CHECKMULTISIGVERIFY {
                if !ok {
                    return Err(ScriptError::CheckMultisigVerify);
                }
                stack.pop();
            }
        }
        _ => return Err(ScriptError::BadOpcode),
    }
    Ok(())
}

/// `OP_CHECKMULTISIG`, leaving the stack without its arguments (Core's loop: keys and
/// signatures are matched in order, and one extra item is consumed, a bug kept as
/// consensus that BIP147 requires to be empty).
fn checkmultisig<C: SignatureChecker + ?Sized>(
    stack: &mut Stack,
    flags: VerifyFlags,
    checker: &C,
    sigversion: SigVersion,
    script_code: &[u8],
    op_count: &mut usize,
) -> Result<bool, ScriptError> {
    let mut i = 1usize;
    let key_count = num(stack_top(stack, i)?, flags)?;
    if !(0..=MAX_PUBKEYS_PER_MULTISIG).contains(&key_count) {
        return Err(ScriptError::PubkeyCount);
    }
    let mut keys_left = usize::try_from(key_count).map_err(|_| ScriptError::PubkeyCount)?;
    *op_count += keys_left;
    if *op_count > MAX_OPS_PER_SCRIPT {
        return Err(ScriptError::OpCount);
    }
    i += 1;
    let mut ikey = i;
    // With NULLFAIL, the stack position of the last key: items above it are checked.
    let mut ikey2 = keys_left + 2;
    i += keys_left;
    let sig_count = num(stack_top(stack, i)?, flags)?;
    if sig_count < 0 || sig_count > key_count {
        return Err(ScriptError::SigCount);
    }
    let mut sigs_left = usize::try_from(sig_count).map_err(|_| ScriptError::SigCount)?;
    i += 1;
    let mut isig = i;
    i += sigs_left;
    if stack.len() < i {
        return Err(ScriptError::InvalidStackOperation);
    }
    let mut code = script_code.to_vec();
    if sigversion == SigVersion::Base {
        for k in 0..sigs_left {
            let sig = stack_top(stack, isig + k)?.clone();
            let found = find_and_delete(&mut code, &push_pattern(&sig));
            if found > 0 && flags.contains(VerifyFlags::CONST_SCRIPTCODE) {
                return Err(ScriptError::SigFindAndDelete);
            }
        }
    }
    let mut success = true;
    while success && sigs_left > 0 {
        let sig = stack_top(stack, isig)?;
        let pubkey = stack_top(stack, ikey)?;
        check_signature_encoding(sig, flags)?;
        check_pubkey_encoding(pubkey, flags, sigversion)?;
        if checker.check_ecdsa_signature(sig, pubkey, &code, sigversion) {
            isig += 1;
            sigs_left -= 1;
        }
        ikey += 1;
        keys_left -= 1;
        // More signatures left than keys: they cannot all match.
        if sigs_left > keys_left {
            success = false;
        }
    }
    // Pop the arguments; with NULLFAIL, a failed check requires every signature empty.
    while i > 1 {
        i -= 1;
        if !success
            && flags.contains(VerifyFlags::NULLFAIL)
            && ikey2 == 0
            && !stack_top(stack, 1)?.is_empty()
        {
            return Err(ScriptError::NullFail);
        }
        ikey2 = ikey2.saturating_sub(1);
        stack.pop();
    }
    // The extra item.
    let dummy = stack_top(stack, 1)?;
    if flags.contains(VerifyFlags::NULLDUMMY) && !dummy.is_empty() {
        return Err(ScriptError::SigNullDummy);
    }
    stack.pop();
    Ok(success)
}

/// The size of a witness as serialised (BIP342's budget counts it).
fn witness_size(witness: &Witness) -> usize {
    compact_size_len(witness.len() as u64)
        + witness
            .iter()
            .map(|item| var_bytes_len(item.len()))
            .sum::<usize>()
}

/// Runs a witness script on its stack (Core `ExecuteWitnessScript`).
fn execute_witness_script<C: SignatureChecker + ?Sized, T: Tracer>(
    stack: &[&[u8]],
    script: &[u8],
    flags: VerifyFlags,
    sigversion: SigVersion,
    checker: &C,
    execdata: &mut ExecutionData,
    tracer: &mut T,
) -> Result<(), ScriptError> {
    if sigversion == SigVersion::Tapscript {
        // An OP_SUCCESSx anywhere makes the script succeed unread; a malformed push before
        // it fails first.
        let mut pc = 0;
        while pc < script.len() {
            let (op, next) = core_get_op(script, pc).map_err(|_| ScriptError::BadOpcode)?;
            if is_op_success(op.opcode) {
                if flags.contains(VerifyFlags::DISCOURAGE_OP_SUCCESS) {
                    return Err(ScriptError::DiscourageOpSuccess);
                }
                return Ok(());
            }
            pc = next;
        }
        if stack.len() > MAX_STACK_SIZE {
            return Err(ScriptError::StackSize);
        }
    }
    if stack
        .iter()
        .any(|item| item.len() > MAX_SCRIPT_ELEMENT_SIZE)
    {
        return Err(ScriptError::PushSize);
    }
    let mut stack: Stack = stack.iter().map(|item| item.to_vec()).collect();
    eval_script(
        &mut stack, script, flags, checker, sigversion, execdata, tracer,
    )?;
    if stack.len() != 1 {
        return Err(ScriptError::CleanStack);
    }
    if !stack.last().is_some_and(|top| cast_to_bool(top)) {
        return Err(ScriptError::EvalFalse);
    }
    Ok(())
}

/// Checks that the control block and leaf commit to the output key `program`
/// (BIP341 `VerifyTaprootCommitment`).
fn verify_taproot_commitment(control: &[u8], program: &[u8], leaf_hash: &TapNodeHash) -> bool {
    let (Some(internal), Some(output)) = (xonly(&control[1..33]), xonly(program)) else {
        return false;
    };
    let mut node = *leaf_hash;
    for sibling in control[33..].chunks_exact(32) {
        let mut hash = [0u8; 32];
        hash.copy_from_slice(sibling);
        node = tap_branch_hash(&node, &TapNodeHash(hash));
    }
    let tweak = sou_keys::taproot::tap_tweak_hash(&internal, Some(&node));
    let Ok(tweak) = secp256k1::Scalar::from_be_bytes(tweak) else {
        return false;
    };
    let parity = if control[0] & 1 == 1 {
        secp256k1::Parity::Odd
    } else {
        secp256k1::Parity::Even
    };
    internal.tweak_add_check(secp256k1::SECP256K1, &output, parity, tweak)
}

/// Verifies a witness program (Core `VerifyWitnessProgram`).
#[allow(clippy::too_many_arguments)]
fn verify_witness_program<C: SignatureChecker + ?Sized, T: Tracer>(
    witness: &Witness,
    version: u8,
    program: &[u8],
    flags: VerifyFlags,
    checker: &C,
    is_p2sh: bool,
    tracer: &mut T,
) -> Result<(), ScriptError> {
    let mut stack: Vec<&[u8]> = witness.iter().collect();
    let mut execdata = ExecutionData::default();
    if version == 0 {
        if program.len() == 32 {
            // P2WSH: the last item is the script, its SHA-256 the program.
            let script = stack.pop().ok_or(ScriptError::WitnessProgramWitnessEmpty)?;
            if sha256(script)[..] != program[..] {
                return Err(ScriptError::WitnessProgramMismatch);
            }
            return execute_witness_script(
                &stack,
                script,
                flags,
                SigVersion::WitnessV0,
                checker,
                &mut execdata,
                tracer,
            );
        }
        if program.len() == 20 {
            // P2WPKH: signature and key, checked by the implied P2PKH script.
            if stack.len() != 2 {
                return Err(ScriptError::WitnessProgramMismatch);
            }
            let script = Script::builder()
                .push_opcode(OP_DUP)
                .push_opcode(OP_HASH160)
                .push_slice(program)
                .push_opcode(OP_EQUALVERIFY)
                .push_opcode(OP_CHECKSIG)
                .into_script();
            return execute_witness_script(
                &stack,
                script.as_bytes(),
                flags,
                SigVersion::WitnessV0,
                checker,
                &mut execdata,
                tracer,
            );
        }
        return Err(ScriptError::WitnessProgramWrongLength);
    }
    if version == 1 && program.len() == 32 && !is_p2sh {
        if !flags.contains(VerifyFlags::TAPROOT) {
            return Ok(());
        }
        if stack.is_empty() {
            return Err(ScriptError::WitnessProgramWitnessEmpty);
        }
        // An annex: a last item starting 0x50 when there are at least two.
        if stack.len() >= 2 && stack.last().and_then(|a| a.first()) == Some(&ANNEX_TAG) {
            let annex = stack.pop().unwrap_or_default();
            let mut engine = sou_primitives::hashes::Sha256Engine::new();
            sou_primitives::encoding::write_var_bytes(&mut engine, annex);
            execdata.taproot.annex_hash = Some(engine.finish());
        }
        if stack.len() == 1 {
            // Key path: one Schnorr signature for the output key.
            return checker.check_schnorr_signature(
                stack[0],
                program,
                SigVersion::Taproot,
                &execdata.taproot,
            );
        }
        // Script path.
        let control = stack.pop().unwrap_or_default();
        let script = stack.pop().unwrap_or_default();
        if control.len() < 33 || control.len() > 33 + 32 * 128 || (control.len() - 33) % 32 != 0 {
            return Err(ScriptError::TaprootWrongControlSize);
        }
        let leaf_version = control[0] & 0xfe;
        let leaf_hash = tap_leaf_hash(leaf_version, &Script::from_slice(script));
        if !verify_taproot_commitment(control, program, &leaf_hash) {
            return Err(ScriptError::WitnessProgramMismatch);
        }
        execdata.taproot.tapleaf_hash = Some(leaf_hash.0);
        if leaf_version == TAPSCRIPT_LEAF_VERSION {
            // The budget counts the whole witness, annex and control block included.
            execdata.validation_weight_left =
                witness_size(witness) as i64 + VALIDATION_WEIGHT_OFFSET;
            return execute_witness_script(
                &stack,
                script,
                flags,
                SigVersion::Tapscript,
                checker,
                &mut execdata,
                tracer,
            );
        }
        if flags.contains(VerifyFlags::DISCOURAGE_UPGRADABLE_TAPROOT_VERSION) {
            return Err(ScriptError::DiscourageUpgradableTaprootVersion);
        }
        return Ok(());
    }
    // Pay-to-anchor (`1 <4e73>`) is exempt from the policy below.
    if !is_p2sh && version == 1 && program == [0x4e, 0x73] {
        return Ok(());
    }
    if flags.contains(VerifyFlags::DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM) {
        return Err(ScriptError::DiscourageUpgradableWitnessProgram);
    }
    Ok(())
}

/// Verifies that `script_sig` and `witness` unlock `script_pubkey` (Core `VerifyScript`).
pub fn verify_script<C: SignatureChecker + ?Sized>(
    script_sig: &Script,
    script_pubkey: &Script,
    witness: &Witness,
    flags: VerifyFlags,
    checker: &C,
) -> Result<(), ScriptError> {
    verify_script_traced(
        script_sig,
        script_pubkey,
        witness,
        flags,
        checker,
        &mut NoTrace,
    )
}

/// [`verify_script`], reporting every executed step to `tracer`.
pub fn verify_script_traced<C: SignatureChecker + ?Sized, T: Tracer>(
    script_sig: &Script,
    script_pubkey: &Script,
    witness: &Witness,
    flags: VerifyFlags,
    checker: &C,
    tracer: &mut T,
) -> Result<(), ScriptError> {
    if flags.contains(VerifyFlags::SIGPUSHONLY) && !script_sig.is_push_only() {
        return Err(ScriptError::SigPushOnly);
    }
    let mut execdata = ExecutionData::default();
    let mut stack: Stack = Vec::new();
    eval_script(
        &mut stack,
        script_sig.as_bytes(),
        flags,
        checker,
        SigVersion::Base,
        &mut execdata,
        tracer,
    )?;
    let stack_copy = if flags.contains(VerifyFlags::P2SH) {
        stack.clone()
    } else {
        Vec::new()
    };
    eval_script(
        &mut stack,
        script_pubkey.as_bytes(),
        flags,
        checker,
        SigVersion::Base,
        &mut execdata,
        tracer,
    )?;
    if !stack.last().is_some_and(|top| cast_to_bool(top)) {
        return Err(ScriptError::EvalFalse);
    }
    let mut had_witness = false;
    if flags.contains(VerifyFlags::WITNESS) {
        if let Some((version, program)) = script_pubkey.witness_program() {
            had_witness = true;
            if !script_sig.is_empty() {
                return Err(ScriptError::WitnessMalleated);
            }
            verify_witness_program(witness, version, program, flags, checker, false, tracer)?;
            // The witness program left its own verdict; keep one item for CLEANSTACK.
            stack.truncate(1);
        }
    }
    if flags.contains(VerifyFlags::P2SH) && script_pubkey.is_p2sh() {
        if !script_sig.is_push_only() {
            return Err(ScriptError::SigPushOnly);
        }
        stack = stack_copy;
        // The script_sig pushed at least the redeem script: the P2SH hash matched it.
        let redeem = Script::from_bytes(pop(&mut stack)?);
        eval_script(
            &mut stack,
            redeem.as_bytes(),
            flags,
            checker,
            SigVersion::Base,
            &mut execdata,
            tracer,
        )?;
        if !stack.last().is_some_and(|top| cast_to_bool(top)) {
            return Err(ScriptError::EvalFalse);
        }
        if flags.contains(VerifyFlags::WITNESS) {
            if let Some((version, program)) = redeem.witness_program() {
                had_witness = true;
                let only_redeem = Script::builder()
                    .push_slice_non_minimal(redeem.as_bytes())
                    .into_script();
                if *script_sig != only_redeem {
                    return Err(ScriptError::WitnessMalleatedP2sh);
                }
                verify_witness_program(witness, version, program, flags, checker, true, tracer)?;
                stack.truncate(1);
            }
        }
    }
    if flags.contains(VerifyFlags::CLEANSTACK) && stack.len() != 1 {
        return Err(ScriptError::CleanStack);
    }
    if flags.contains(VerifyFlags::WITNESS) && !had_witness && !witness.is_empty() {
        return Err(ScriptError::WitnessUnexpected);
    }
    Ok(())
}

/// Verifies input `input_index` of `tx`, given every output it spends (one per input, in
/// order: taproot signatures commit to all of them), under `flags`.
pub fn verify_input(
    tx: &Transaction,
    input_index: usize,
    spent_outputs: &[TxOut],
    flags: VerifyFlags,
) -> Result<(), ScriptError> {
    let precomputed = PrecomputedTransactionData::new(tx, spent_outputs.to_vec());
    verify_input_with(tx, input_index, &precomputed, flags)
}

/// [`verify_input`] with the per-transaction hashes computed once by the caller, so that
/// checking all N inputs costs O(N).
pub fn verify_input_with(
    tx: &Transaction,
    input_index: usize,
    precomputed: &PrecomputedTransactionData,
    flags: VerifyFlags,
) -> Result<(), ScriptError> {
    let input = tx.input.get(input_index).ok_or(ScriptError::UnknownError)?;
    let spent = precomputed
        .spent_output(input_index)
        .ok_or(ScriptError::UnknownError)?;
    let checker = TransactionChecker::new(tx, input_index, spent.value.to_sat(), precomputed);
    verify_script(
        &input.script_sig,
        &spent.script_pubkey,
        &input.witness,
        flags,
        &checker,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_pushes() {
        assert!(is_minimal_push(&[], 0));
        assert!(!is_minimal_push(&[5], 1));
        assert!(!is_minimal_push(&[0x81], 1));
        assert!(is_minimal_push(&[0x82], 1));
        assert!(is_minimal_push(&[0; 75], 75));
        assert!(!is_minimal_push(&[0; 75], 0x4c));
        assert!(is_minimal_push(&[0; 76], 0x4c));
        assert!(is_minimal_push(&[0; 256], 0x4d));
        assert!(!is_minimal_push(&[0; 255], 0x4d));
    }

    #[test]
    fn find_and_delete_matches_core_cases() {
        // From Core's script_tests.cpp (script_FindAndDelete).
        let cases: &[(&str, &str, &str, usize)] = &[
            ("0302ff030302ff03", "0302ff03", "", 2),
            ("0302ff030302ff03", "02", "0302ff030302ff03", 0),
            ("0302ff030302ff03", "ff", "0302ff030302ff03", 0),
            ("0302ff030302ff03", "03", "02ff0302ff03", 2),
            ("02feed5169", "feed51", "02feed5169", 0),
            ("02feed5169", "02feed51", "69", 1),
            ("516902feed5169", "feed51", "516902feed5169", 0),
            ("516902feed5169", "02feed51", "516969", 1),
            ("00000000", "00", "", 4),
            ("0003feed", "03feed", "00", 1),
            ("0003feed", "00", "03feed", 1),
        ];
        for (script, pattern, expected, count) in cases {
            let mut s = hex_bytes(script);
            assert_eq!(
                find_and_delete(&mut s, &hex_bytes(pattern)),
                *count,
                "{script} - {pattern}"
            );
            assert_eq!(s, hex_bytes(expected), "{script} - {pattern}");
        }
    }

    fn hex_bytes(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap_or(0))
            .collect()
    }
}
