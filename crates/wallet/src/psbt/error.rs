//! Why a PSBT was refused, or a role could not do its part.

use sou_primitives::encoding::DecodeError;
use thiserror::Error;

/// Why a PSBT was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Error {
    /// The data does not start with `psbt\xff`.
    #[error("invalid PSBT magic bytes")]
    BadMagic,
    /// Not Base64.
    #[error("invalid base64")]
    Base64,
    /// The bytes end early, or a length is wrong.
    #[error("malformed PSBT: {0}")]
    Decode(#[from] DecodeError),
    /// A key appears twice in one map.
    #[error("duplicate key {0:02x?}")]
    DuplicateKey(Vec<u8>),
    /// A known key type with key data of the wrong size.
    #[error("invalid key for type {key_type:#04x} ({len} bytes)")]
    InvalidKey {
        /// The key type.
        key_type: u8,
        /// The key's length, type byte included.
        len: usize,
    },
    /// A known value that does not parse.
    #[error("invalid value for key type {0:#04x}")]
    InvalidValue(u8),
    /// No unsigned transaction in the global map.
    #[error("no unsigned transaction")]
    MissingUnsignedTx,
    /// The unsigned transaction has scriptSigs or witnesses.
    #[error("the unsigned transaction must have empty scriptSigs and witnesses")]
    UnsignedTxHasScripts,
    /// Not as many input or output maps as the transaction has inputs or outputs.
    #[error("{what}: {maps} maps for {expected} in the transaction")]
    MapCount {
        /// Inputs or outputs.
        what: &'static str,
        /// Maps present.
        maps: usize,
        /// Maps expected.
        expected: usize,
    },
    /// A PSBT version this program does not know.
    #[error("unsupported PSBT version {0}")]
    UnsupportedVersion(u32),
    /// A non-witness UTXO that is not the transaction the input spends from.
    #[error("input {0}: the non-witness UTXO does not match the outpoint")]
    UtxoMismatch(usize),
    /// Bytes after the last map.
    #[error("trailing data after the PSBT")]
    TrailingData,
    /// Combining PSBTs of different transactions.
    #[error("cannot combine PSBTs of different transactions")]
    DifferentTransactions,
    /// An input without the output it spends.
    #[error("input {0}: the spent output is unknown")]
    MissingUtxo(usize),
    /// A witness UTXO given for an input that is not segwit: nothing in a legacy
    /// signature would commit to its amount.
    #[error("input {0}: a witness UTXO for a non-witness spend")]
    WitnessUtxoForNonWitness(usize),
    /// A P2SH output spent without its redeem script.
    #[error("input {0}: the redeem script of the P2SH output is missing")]
    MissingRedeemScript(usize),
    /// A redeem script that does not hash to the P2SH output.
    #[error("input {0}: the redeem script does not match the scriptPubKey")]
    RedeemScriptMismatch(usize),
    /// A P2WSH output spent without its witness script.
    #[error("input {0}: the witness script of the P2WSH output is missing")]
    MissingWitnessScript(usize),
    /// A witness script that does not hash to the P2WSH program.
    #[error("input {0}: the witness script does not match the witness program")]
    WitnessScriptMismatch(usize),
    /// A witness program the signer does not know how to spend: a future witness
    /// version, a version 0 program of neither 20 nor 32 bytes, or taproot inside P2SH.
    #[error("input {input}: no signer for a witness version {version} program of this form")]
    UnsupportedWitnessProgram {
        /// The input.
        input: usize,
        /// The program's witness version.
        version: u8,
    },
    /// A sighash type BIP341 refuses for this input: not a defined type, or
    /// `SIGHASH_SINGLE` without an output at the input's index.
    #[error("input {input}: invalid taproot sighash type {sighash_type:#04x}")]
    InvalidSighashType {
        /// The input.
        input: usize,
        /// The type asked for.
        sighash_type: u32,
    },
    /// An input the finalizer cannot complete.
    #[error("input {0} cannot be finalized")]
    CannotFinalize(usize),
    /// Extracting before every input is final.
    #[error("input {0} is not finalized")]
    NotFinalized(usize),
    /// A signing error.
    #[error(transparent)]
    Keys(#[from] sou_keys::Error),
}
