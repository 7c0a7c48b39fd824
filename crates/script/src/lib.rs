//! # sou-script: locking and unlocking coins
//!
//! Every coin is locked by a script, and spent by providing data that makes the script
//! succeed. This crate judges such spends exactly as Bitcoin Core does: the same opcodes,
//! limits, verification flags, error for error, and the signature hashes that signatures
//! commit to.
//!
//! | module | what it holds |
//! | --- | --- |
//! | [`interpreter`] | [`verify_input`] and [`verify_script`] (P2SH, segwit v0, taproot key and script paths), [`eval_script`] (Core's `EvalScript`, check for check), the [`SignatureChecker`](interpreter::SignatureChecker) trait with a checker over a transaction and one over none |
//! | [`sighash`] | what a signature commits to: legacy (with Core's script-code quirks), BIP143, BIP341/342, and the sighash type; [`PrecomputedTransactionData`] makes hashing every input of a transaction linear |
//! | [`sigcache`] | [`SignatureCache`](sigcache::SignatureCache): valid signatures verified once, looked up by the checker ([`verify_input_cached`]); the salted, bounded [`SaltedCache`](sigcache::SaltedCache) under it |
//! | [`flags`] | [`VerifyFlags`] with Core's bit positions: the consensus and the standard rule sets |
//! | [`error`] | [`ScriptError`], one variant per Core error, named as in Core's vector files; [`InputError`], a caller's mistake, never a script verdict |
//! | [`num`] | script numbers: minimal encoding, the 4-byte limit |
//! | [`trace`] | step-by-step tracing for teaching ([`TextTrace`](trace::TextTrace)), free when unused |
//! | [`asm`] | Core's test assembly (`"DUP HASH160 0x14 0x.. EQUALVERIFY"`) |
//!
//! Start with the [`interpreter`] module's documentation: how P2SH, segwit and taproot
//! layer on the original language, and its files in the order a spend meets them. The
//! `script_trace` example runs a P2PKH and a multisig spend step by step.
//!
//! What the crate promises:
//!
//! - Verdicts and error names equal Core's: checked on Core's vector files, and against
//!   Core's own `VerifyScript` by `scripts/compare-with-core.sh`.
//! - Signature verification is libsecp256k1's; consensus ECDSA parses lax DER and
//!   normalises S, as Core's `CPubKey::Verify` does.
//! - [`NoTrace`](trace::NoTrace) costs nothing: the interpreter copies stacks only for a
//!   tracer that is enabled.
//!
//! ```
//! use sou_primitives::{Script, Witness};
//! use sou_script::{asm::parse_asm, interpreter::{verify_script, NoTransaction}, VerifyFlags, ScriptError};
//!
//! // 2 + 3 = 5, with no signature involved.
//! let lock = parse_asm("ADD 5 EQUAL").unwrap();
//! let key = parse_asm("2 3").unwrap();
//! assert_eq!(verify_script(&key, &lock, &Witness::new(), VerifyFlags::STANDARD, &NoTransaction), Ok(()));
//! let wrong = parse_asm("2 2").unwrap();
//! assert_eq!(verify_script(&wrong, &lock, &Witness::new(), VerifyFlags::STANDARD, &NoTransaction),
//!            Err(ScriptError::EvalFalse));
//! ```

pub mod asm;
pub mod error;
pub mod flags;
pub mod interpreter;
pub mod num;
pub mod sigcache;
pub mod sighash;
pub mod trace;

pub use error::{InputError, ScriptError};
pub use flags::VerifyFlags;
pub use interpreter::{
    eval_script, verify_input, verify_input_cached, verify_input_with, verify_script,
    verify_script_traced,
};
pub use sighash::{PrecomputedTransactionData, SigVersion, Sighash, SighashType};
