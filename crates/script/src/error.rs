//! Why a script fails, one variant per error of Bitcoin Core's `ScriptError`.
//!
//! [`ScriptError::name`] gives the spelling of Core's test vectors (`EVAL_FALSE`,
//! `NULLFAIL`, ...), so a failing test names the same error Core would.
//!
//! [`InputError`] wraps it for [`verify_input`](crate::verify_input), whose caller can also
//! get the call wrong (an input the transaction does not have, spent outputs missing):
//! those mistakes are ours, not the script's, and have no Core name.
//!
//! References: Core `src/script/script_error.h`, `src/test/script_tests.cpp` (`script_errors`).

use thiserror::Error;

/// A script verification failure (Core `ScriptError`, less `OK`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Error)]
#[non_exhaustive]
pub enum ScriptError {
    /// An error Core does not classify.
    #[error("unknown error")]
    UnknownError,
    /// The script ran but left a false (or no) value on top.
    #[error("script evaluated without error but finished with a false/empty top stack element")]
    EvalFalse,
    /// `OP_RETURN` was executed.
    #[error("OP_RETURN was encountered")]
    OpReturn,
    /// A number operand too long or not minimally encoded.
    #[error("script number overflow or non-minimal encoding")]
    ScriptNum,
    /// A script over 10,000 bytes.
    #[error("script is too big")]
    ScriptSize,
    /// A push of more than 520 bytes.
    #[error("push value size limit exceeded")]
    PushSize,
    /// More than 201 non-push operations.
    #[error("operation limit exceeded")]
    OpCount,
    /// More than 1,000 items on the stacks.
    #[error("stack size limit exceeded")]
    StackSize,
    /// A multisig signature count out of range.
    #[error("signature count negative or greater than pubkey count")]
    SigCount,
    /// A multisig key count out of range.
    #[error("pubkey count negative or limit exceeded")]
    PubkeyCount,
    /// `OP_VERIFY` on false.
    #[error("script failed an OP_VERIFY operation")]
    Verify,
    /// `OP_EQUALVERIFY` on unequal values.
    #[error("script failed an OP_EQUALVERIFY operation")]
    EqualVerify,
    /// `OP_CHECKMULTISIGVERIFY` failed.
    #[error("script failed an OP_CHECKMULTISIGVERIFY operation")]
    CheckMultisigVerify,
    /// `OP_CHECKSIGVERIFY` failed.
    #[error("script failed an OP_CHECKSIGVERIFY operation")]
    CheckSigVerify,
    /// `OP_NUMEQUALVERIFY` failed.
    #[error("script failed an OP_NUMEQUALVERIFY operation")]
    NumEqualVerify,
    /// An unknown or reserved opcode executed, or a malformed push.
    #[error("opcode missing or not understood")]
    BadOpcode,
    /// A disabled opcode (CVE-2010-5137), even unexecuted.
    #[error("attempted to use a disabled opcode")]
    DisabledOpcode,
    /// Too few stack items for an operation.
    #[error("operation not valid with the current stack size")]
    InvalidStackOperation,
    /// Too few altstack items.
    #[error("operation not valid with the current altstack size")]
    InvalidAltstackOperation,
    /// `OP_IF` without `OP_ENDIF`, or the reverse.
    #[error("invalid OP_IF construction")]
    UnbalancedConditional,
    /// A negative lock time or sequence operand.
    #[error("negative locktime")]
    NegativeLocktime,
    /// The transaction's lock time or sequence does not satisfy the script.
    #[error("locktime requirement not satisfied")]
    UnsatisfiedLocktime,
    /// An undefined sighash type (STRICTENC).
    #[error("signature hash type missing or not understood")]
    SigHashtype,
    /// A signature not in strict DER (BIP66).
    #[error("non-canonical DER signature")]
    SigDer,
    /// A push not in its shortest form (MINIMALDATA).
    #[error("data push larger than necessary")]
    MinimalData,
    /// A `script_sig` with non-push operations.
    #[error("only push operators allowed in signatures")]
    SigPushOnly,
    /// A signature with high S (LOW_S).
    #[error("non-canonical signature: S value is unnecessarily high")]
    SigHighS,
    /// A non-empty dummy element for `OP_CHECKMULTISIG` (NULLDUMMY, BIP147).
    #[error("dummy CHECKMULTISIG argument must be zero")]
    SigNullDummy,
    /// A public key in neither compressed nor uncompressed form (STRICTENC).
    #[error("public key is neither compressed or uncompressed")]
    PubkeyType,
    /// More than one item left on the stack (CLEANSTACK).
    #[error("stack size must be exactly one after execution")]
    CleanStack,
    /// An `OP_IF` argument other than empty or `01` (MINIMALIF).
    #[error("OP_IF/NOTIF argument must be minimal")]
    MinimalIf,
    /// A failed signature check with a non-empty signature (NULLFAIL).
    #[error("signature must be zero for failed CHECK(MULTI)SIG operation")]
    NullFail,
    /// An upgradable NOP executed (policy).
    #[error("NOPx reserved for soft-fork upgrades")]
    DiscourageUpgradableNops,
    /// An unknown witness version (policy).
    #[error("witness version reserved for soft-fork upgrades")]
    DiscourageUpgradableWitnessProgram,
    /// An unknown taproot leaf version (policy).
    #[error("taproot version reserved for soft-fork upgrades")]
    DiscourageUpgradableTaprootVersion,
    /// An `OP_SUCCESSx` opcode (policy).
    #[error("OP_SUCCESSx reserved for soft-fork upgrades")]
    DiscourageOpSuccess,
    /// An unknown tapscript public key type (policy).
    #[error("public key version reserved for soft-fork upgrades")]
    DiscourageUpgradablePubkeyType,
    /// A version 0 program neither 20 nor 32 bytes.
    #[error("witness program has incorrect length")]
    WitnessProgramWrongLength,
    /// A witness program spent with an empty witness.
    #[error("witness program was passed an empty witness")]
    WitnessProgramWitnessEmpty,
    /// The witness does not match the program.
    #[error("witness program hash mismatch")]
    WitnessProgramMismatch,
    /// A native witness spend with a non-empty `script_sig`.
    #[error("witness requires empty scriptSig")]
    WitnessMalleated,
    /// A P2SH-wrapped witness spend whose `script_sig` is not a single push.
    #[error("witness requires only-redeemscript scriptSig")]
    WitnessMalleatedP2sh,
    /// A witness where none is expected.
    #[error("witness provided for non-witness script")]
    WitnessUnexpected,
    /// An uncompressed key in segwit v0 (policy).
    #[error("using non-compressed keys in segwit")]
    WitnessPubkeyType,
    /// A Schnorr signature neither 64 nor 65 bytes.
    #[error("invalid Schnorr signature size")]
    SchnorrSigSize,
    /// An invalid Schnorr sighash type.
    #[error("invalid Schnorr signature hash type")]
    SchnorrSigHashtype,
    /// A Schnorr signature that does not verify.
    #[error("invalid Schnorr signature")]
    SchnorrSig,
    /// A control block of the wrong size.
    #[error("invalid Taproot control block size")]
    TaprootWrongControlSize,
    /// Too many signature checks for the witness size.
    #[error("too much signature validation relative to witness weight")]
    TapscriptValidationWeight,
    /// `OP_CHECKMULTISIG` in tapscript.
    #[error("OP_CHECKMULTISIG(VERIFY) is not available in tapscript")]
    TapscriptCheckMultisig,
    /// An `OP_IF` argument other than empty or `01` in tapscript (consensus).
    #[error("OP_IF/NOTIF argument must be minimal in tapscript")]
    TapscriptMinimalIf,
    /// An empty public key in tapscript.
    #[error("empty public key in tapscript")]
    TapscriptEmptyPubkey,
    /// `OP_CODESEPARATOR` in legacy script under CONST_SCRIPTCODE (policy).
    #[error("using OP_CODESEPARATOR in non-witness script")]
    OpCodeSeparator,
    /// A signature found and deleted from its script code under CONST_SCRIPTCODE (policy).
    #[error("signature is found in scriptCode")]
    SigFindAndDelete,
}

impl ScriptError {
    /// Core's name in its test vectors, e.g. `"EVAL_FALSE"`.
    pub const fn name(self) -> &'static str {
        use ScriptError::*;
        match self {
            UnknownError => "UNKNOWN_ERROR",
            EvalFalse => "EVAL_FALSE",
            OpReturn => "OP_RETURN",
            ScriptNum => "SCRIPTNUM",
            ScriptSize => "SCRIPT_SIZE",
            PushSize => "PUSH_SIZE",
            OpCount => "OP_COUNT",
            StackSize => "STACK_SIZE",
            SigCount => "SIG_COUNT",
            PubkeyCount => "PUBKEY_COUNT",
            Verify => "VERIFY",
            EqualVerify => "EQUALVERIFY",
            CheckMultisigVerify => "CHECKMULTISIGVERIFY",
            CheckSigVerify => "CHECKSIGVERIFY",
            NumEqualVerify => "NUMEQUALVERIFY",
            BadOpcode => "BAD_OPCODE",
            DisabledOpcode => "DISABLED_OPCODE",
            InvalidStackOperation => "INVALID_STACK_OPERATION",
            InvalidAltstackOperation => "INVALID_ALTSTACK_OPERATION",
            UnbalancedConditional => "UNBALANCED_CONDITIONAL",
            NegativeLocktime => "NEGATIVE_LOCKTIME",
            UnsatisfiedLocktime => "UNSATISFIED_LOCKTIME",
            SigHashtype => "SIG_HASHTYPE",
            SigDer => "SIG_DER",
            MinimalData => "MINIMALDATA",
            SigPushOnly => "SIG_PUSHONLY",
            SigHighS => "SIG_HIGH_S",
            SigNullDummy => "SIG_NULLDUMMY",
            PubkeyType => "PUBKEYTYPE",
            CleanStack => "CLEANSTACK",
            MinimalIf => "MINIMALIF",
            NullFail => "NULLFAIL",
            DiscourageUpgradableNops => "DISCOURAGE_UPGRADABLE_NOPS",
            DiscourageUpgradableWitnessProgram => "DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM",
            DiscourageUpgradableTaprootVersion => "DISCOURAGE_UPGRADABLE_TAPROOT_VERSION",
            DiscourageOpSuccess => "DISCOURAGE_OP_SUCCESS",
            DiscourageUpgradablePubkeyType => "DISCOURAGE_UPGRADABLE_PUBKEYTYPE",
            WitnessProgramWrongLength => "WITNESS_PROGRAM_WRONG_LENGTH",
            WitnessProgramWitnessEmpty => "WITNESS_PROGRAM_WITNESS_EMPTY",
            WitnessProgramMismatch => "WITNESS_PROGRAM_MISMATCH",
            WitnessMalleated => "WITNESS_MALLEATED",
            WitnessMalleatedP2sh => "WITNESS_MALLEATED_P2SH",
            WitnessUnexpected => "WITNESS_UNEXPECTED",
            WitnessPubkeyType => "WITNESS_PUBKEYTYPE",
            SchnorrSigSize => "SCHNORR_SIG_SIZE",
            SchnorrSigHashtype => "SCHNORR_SIG_HASHTYPE",
            SchnorrSig => "SCHNORR_SIG",
            TaprootWrongControlSize => "TAPROOT_WRONG_CONTROL_SIZE",
            TapscriptValidationWeight => "TAPSCRIPT_VALIDATION_WEIGHT",
            TapscriptCheckMultisig => "TAPSCRIPT_CHECKMULTISIG",
            TapscriptMinimalIf => "TAPSCRIPT_MINIMALIF",
            TapscriptEmptyPubkey => "TAPSCRIPT_EMPTY_PUBKEY",
            OpCodeSeparator => "OP_CODESEPARATOR",
            SigFindAndDelete => "SIG_FINDANDDELETE",
        }
    }

    /// Core's message for it (`ScriptErrorString`), which block reject reasons quote:
    /// `block-script-verify-flag-failed (<message>)`.
    pub const fn core_message(self) -> &'static str {
        use ScriptError::*;
        match self {
            UnknownError => "unknown error",
            EvalFalse => {
                "Script evaluated without error but finished with a false/empty top stack element"
            }
            Verify => "Script failed an OP_VERIFY operation",
            EqualVerify => "Script failed an OP_EQUALVERIFY operation",
            CheckMultisigVerify => "Script failed an OP_CHECKMULTISIGVERIFY operation",
            CheckSigVerify => "Script failed an OP_CHECKSIGVERIFY operation",
            NumEqualVerify => "Script failed an OP_NUMEQUALVERIFY operation",
            ScriptSize => "Script is too big",
            PushSize => "Push value size limit exceeded",
            OpCount => "Operation limit exceeded",
            StackSize => "Stack size limit exceeded",
            SigCount => "Signature count negative or greater than pubkey count",
            PubkeyCount => "Pubkey count negative or limit exceeded",
            BadOpcode => "Opcode missing or not understood",
            DisabledOpcode => "Attempted to use a disabled opcode",
            InvalidStackOperation => "Operation not valid with the current stack size",
            InvalidAltstackOperation => "Operation not valid with the current altstack size",
            OpReturn => "OP_RETURN was encountered",
            UnbalancedConditional => "Invalid OP_IF construction",
            NegativeLocktime => "Negative locktime",
            UnsatisfiedLocktime => "Locktime requirement not satisfied",
            SigHashtype => "Signature hash type missing or not understood",
            SigDer => "Non-canonical DER signature",
            MinimalData => "Data push larger than necessary",
            SigPushOnly => "Only push operators allowed in signatures",
            SigHighS => "Non-canonical signature: S value is unnecessarily high",
            SigNullDummy => "Dummy CHECKMULTISIG argument must be zero",
            MinimalIf => "OP_IF/NOTIF argument must be minimal",
            NullFail => "Signature must be zero for failed CHECK(MULTI)SIG operation",
            DiscourageUpgradableNops => "NOPx reserved for soft-fork upgrades",
            DiscourageUpgradableWitnessProgram => "Witness version reserved for soft-fork upgrades",
            DiscourageUpgradableTaprootVersion => "Taproot version reserved for soft-fork upgrades",
            DiscourageOpSuccess => "OP_SUCCESSx reserved for soft-fork upgrades",
            DiscourageUpgradablePubkeyType => "Public key version reserved for soft-fork upgrades",
            PubkeyType => "Public key is neither compressed or uncompressed",
            CleanStack => "Stack size must be exactly one after execution",
            WitnessProgramWrongLength => "Witness program has incorrect length",
            WitnessProgramWitnessEmpty => "Witness program was passed an empty witness",
            WitnessProgramMismatch => "Witness program hash mismatch",
            WitnessMalleated => "Witness requires empty scriptSig",
            WitnessMalleatedP2sh => "Witness requires only-redeemscript scriptSig",
            WitnessUnexpected => "Witness provided for non-witness script",
            WitnessPubkeyType => "Using non-compressed keys in segwit",
            SchnorrSigSize => "Invalid Schnorr signature size",
            SchnorrSigHashtype => "Invalid Schnorr signature hash type",
            SchnorrSig => "Invalid Schnorr signature",
            TaprootWrongControlSize => "Invalid Taproot control block size",
            TapscriptValidationWeight => "Too much signature validation relative to witness weight",
            TapscriptCheckMultisig => "OP_CHECKMULTISIG(VERIFY) is not available in tapscript",
            TapscriptMinimalIf => "OP_IF/NOTIF argument must be minimal in tapscript",
            TapscriptEmptyPubkey => "Empty public key in tapscript",
            OpCodeSeparator => "Using OP_CODESEPARATOR in non-witness script",
            SigFindAndDelete => "Signature is found in scriptCode",
            ScriptNum => "Script number overflowed or is non-minimally encoded",
        }
    }

    /// Every variant, in Core's order.
    pub const ALL: &'static [ScriptError] = {
        use ScriptError::*;
        &[
            UnknownError,
            EvalFalse,
            OpReturn,
            ScriptNum,
            ScriptSize,
            PushSize,
            OpCount,
            StackSize,
            SigCount,
            PubkeyCount,
            Verify,
            EqualVerify,
            CheckMultisigVerify,
            CheckSigVerify,
            NumEqualVerify,
            BadOpcode,
            DisabledOpcode,
            InvalidStackOperation,
            InvalidAltstackOperation,
            UnbalancedConditional,
            NegativeLocktime,
            UnsatisfiedLocktime,
            SigHashtype,
            SigDer,
            MinimalData,
            SigPushOnly,
            SigHighS,
            SigNullDummy,
            PubkeyType,
            CleanStack,
            MinimalIf,
            NullFail,
            DiscourageUpgradableNops,
            DiscourageUpgradableWitnessProgram,
            DiscourageUpgradableTaprootVersion,
            DiscourageOpSuccess,
            DiscourageUpgradablePubkeyType,
            WitnessProgramWrongLength,
            WitnessProgramWitnessEmpty,
            WitnessProgramMismatch,
            WitnessMalleated,
            WitnessMalleatedP2sh,
            WitnessUnexpected,
            WitnessPubkeyType,
            SchnorrSigSize,
            SchnorrSigHashtype,
            SchnorrSig,
            TaprootWrongControlSize,
            TapscriptValidationWeight,
            TapscriptCheckMultisig,
            TapscriptMinimalIf,
            TapscriptEmptyPubkey,
            OpCodeSeparator,
            SigFindAndDelete,
        ]
    };

    /// The variant with Core's test-vector name, if any.
    pub fn from_name(name: &str) -> Option<ScriptError> {
        Self::ALL.iter().copied().find(|e| e.name() == name)
    }
}

/// Why [`verify_input`](crate::verify_input) or [`verify_input_with`](crate::verify_input_with)
/// did not accept an input: the script's verdict, or a mistake in the call that left no
/// script to judge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Error)]
#[non_exhaustive]
pub enum InputError {
    /// The input's scripts fail, with Core's error.
    #[error(transparent)]
    Script(#[from] ScriptError),
    /// The caller named an input the transaction does not have.
    #[error("input {index} asked for, but the transaction has {inputs} inputs")]
    NoSuchInput {
        /// The index asked for.
        index: usize,
        /// How many inputs the transaction has.
        inputs: usize,
    },
    /// The spent outputs given do not cover the input: one per input is needed, since
    /// taproot signatures commit to all of them.
    #[error("no spent output for input {index}: one per input is needed")]
    MissingSpentOutput {
        /// The input.
        index: usize,
    },
}

impl InputError {
    /// The script's verdict, if the input could be judged at all.
    pub fn script_error(self) -> Option<ScriptError> {
        match self {
            InputError::Script(error) => Some(error),
            _ => None,
        }
    }
}
