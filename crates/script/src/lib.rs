//! # sou-script: locking and unlocking coins
//!
//! Every coin is locked by a script, and spent by providing data that makes the script
//! succeed. This crate judges such spends exactly as Bitcoin Core does: the same opcodes,
//! limits, verification flags, error for error, and the signature hashes that signatures
//! commit to.
//!
//! | module | what it holds |
//! | --- | --- |
//! | [`interpreter`] | [`verify_input`], [`verify_script`], [`eval_script`], signature checkers |
//! | [`sighash`] | legacy, BIP143 and BIP341 signature hashes, precomputed per transaction |
//! | [`flags`] | [`VerifyFlags`]: consensus and policy rule sets |
//! | [`error`] | [`ScriptError`], one variant per Core error; [`InputError`] for [`verify_input`] |
//! | [`num`] | script numbers |
//! | [`trace`] | step-by-step tracing for teaching, free when unused |
//! | [`asm`] | Core's test assembly (`"DUP HASH160 0x14 0x.. EQUALVERIFY"`) |
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
pub mod sighash;
pub mod trace;

pub use error::{InputError, ScriptError};
pub use flags::VerifyFlags;
pub use interpreter::{
    eval_script, verify_input, verify_input_with, verify_script, verify_script_traced,
};
pub use sighash::{PrecomputedTransactionData, SigVersion, Sighash};
