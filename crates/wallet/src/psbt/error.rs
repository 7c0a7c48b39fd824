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
    /// A key whose type is not a canonical CompactSize of at most 2^25 (Core reads every
    /// type with `ReadCompactSize`).
    #[error("key {0:02x?}: its type is not a canonical CompactSize")]
    InvalidKeyType(Vec<u8>),
    /// A proprietary key (`0xfc`) without its identifier and subtype.
    #[error("proprietary key {0:02x?} has no identifier and subtype")]
    InvalidProprietaryKey(Vec<u8>),
    /// A field of PSBT version 2 (BIP370) in a version 0 PSBT, which Core refuses.
    #[error("key type {0:#04x} is a PSBT version 2 field, not allowed in version 0")]
    Version2Field(u8),
    /// A known value that does not parse.
    #[error("invalid value for key type {0:#04x}")]
    InvalidValue(u8),
    /// Key data of a public key's length that is no public key: its first byte names no
    /// encoding of that length, or the point is not on the curve (Core
    /// `CPubKey::IsFullyValid`).
    #[error("invalid public key in a key of type {0:#04x}")]
    InvalidPublicKey(u8),
    /// An empty partial signature. A script may push one to fail a check on purpose, but
    /// as a record it signs nothing, and Core's parser refuses it.
    #[error("empty partial signature")]
    EmptyPartialSig,
    /// A partial signature a script would refuse under DERSIG and STRICTENC: not strict
    /// DER (`SIG_DER`), or of an undefined sighash type (`SIG_HASHTYPE`), as Core's parser
    /// checks with `CheckSignatureEncoding`.
    #[error("invalid partial signature: {0}")]
    InvalidPartialSig(sou_script::ScriptError),
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
    /// A sighash type the signer cannot use for this input. For a taproot input, one
    /// BIP341 refuses: not a defined type, or `SIGHASH_SINGLE` without an output at the
    /// input's index. For an ECDSA input, one whose signature byte is no defined type, as
    /// a PSBT parser refuses such a partial signature.
    #[error("input {input}: invalid sighash type {sighash_type:#04x} for this input")]
    InvalidSighashType {
        /// The input.
        input: usize,
        /// The type asked for.
        sighash_type: sou_script::SighashType,
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
