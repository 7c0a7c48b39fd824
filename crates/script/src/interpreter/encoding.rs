//! How signatures, public keys and pushes must be written.
//!
//! Consensus once accepted whatever OpenSSL parsed, and each way of writing the same
//! signature or number differently is a way to change a transaction's id without its
//! owner (malleability). BIP66 made strict DER consensus; BIP62's other rules (low S,
//! minimal pushes, defined sighash types, known key formats) are policy flags, and
//! BIP143 made compressed keys a policy rule in segwit v0.
//!
//! References: Core `IsValidSignatureEncoding`, `IsLowDERSignature`,
//! `CheckSignatureEncoding`, `CheckPubKeyEncoding`, `CheckMinimalPush`
//! (`src/script/interpreter.cpp`); BIP62, BIP66, BIP143 ("Restrictions on public key type").

use sou_primitives::opcodes::{OP_0, OP_PUSHDATA1, OP_PUSHDATA2};

use crate::sighash::{SigVersion, SighashType};
use crate::{ScriptError, VerifyFlags};

/// An x-only key from 32 bytes that are the x coordinate of a curve point.
pub(super) fn xonly(bytes: &[u8]) -> Option<secp256k1::XOnlyPublicKey> {
    secp256k1::XOnlyPublicKey::from_byte_array(bytes.try_into().ok()?).ok()
}

/// Core's `CPubKey` validity: the length its first byte announces.
pub(super) fn pubkey_len_ok(pubkey: &[u8]) -> bool {
    match pubkey.first() {
        Some(2 | 3) => pubkey.len() == 33,
        Some(4 | 6 | 7) => pubkey.len() == 65,
        _ => false,
    }
}

/// The shortest push of `data` is the one `opcode` is (Core `CheckMinimalPush`).
pub(super) fn is_minimal_push(data: &[u8], opcode: u8) -> bool {
    match data.len() {
        0 => opcode == OP_0.to_u8(),
        1 if (1..=16).contains(&data[0]) || data[0] == 0x81 => false,
        n @ 1..=75 => usize::from(opcode) == n,
        256.. if data.len() > 0xffff => true,
        76..=255 => opcode == OP_PUSHDATA1.to_u8(),
        _ => opcode == OP_PUSHDATA2.to_u8(),
    }
}

/// The shortest DER signature with its sighash byte: one-byte R and S.
const DER_MIN_LEN: usize = 9;
/// The longest: 33-byte R and S (a 0x00 before a top bit set).
const DER_MAX_LEN: usize = 73;
/// Where the fixed fields sit (see [`is_valid_signature_encoding`]).
const SEQUENCE_TAG_AT: usize = 0;
const TOTAL_LEN_AT: usize = 1;
const R_TAG_AT: usize = 2;
const R_LEN_AT: usize = 3;
const R_AT: usize = 4;
/// Bytes that are neither R nor S: the sequence tag and total length, R's tag and
/// length, S's tag and length, and the sighash byte.
const FRAMING_LEN: usize = 7;
/// Bytes the total length does not count: the sequence tag, the length itself, the sighash.
const UNCOUNTED_LEN: usize = 3;
const SEQUENCE_TAG: u8 = 0x30;
const INTEGER_TAG: u8 = 0x02;

/// BIP66 strict DER with a trailing sighash byte (Core `IsValidSignatureEncoding`).
///
/// ```text
/// at:  0     1            2     3        4     4+R    5+R      6+R  6+R+S
///      0x30  [total-len]  0x02  [R-len]  [R]   0x02   [S-len]  [S]  [sighash]
/// ```
/// Integers are positive and minimal: no leading 0x00 unless the next byte has its top bit.
/// Every read below comes after the length check that keeps it inside `sig`.
pub fn is_valid_signature_encoding(sig: &[u8]) -> bool {
    let n = sig.len();
    if !(DER_MIN_LEN..=DER_MAX_LEN).contains(&n)
        || sig[SEQUENCE_TAG_AT] != SEQUENCE_TAG
        || usize::from(sig[TOTAL_LEN_AT]) != n - UNCOUNTED_LEN
    {
        return false;
    }
    let len_r = usize::from(sig[R_LEN_AT]);
    let s_tag_at = R_AT + len_r;
    let s_len_at = s_tag_at + 1;
    let s_at = s_len_at + 1;
    if s_len_at >= n {
        return false;
    }
    let len_s = usize::from(sig[s_len_at]);
    if len_r + len_s + FRAMING_LEN != n || sig[R_TAG_AT] != INTEGER_TAG || len_r == 0 {
        return false;
    }
    // R is not negative, and has no needless leading zero.
    if sig[R_AT] & 0x80 != 0 || (len_r > 1 && sig[R_AT] == 0 && sig[R_AT + 1] & 0x80 == 0) {
        return false;
    }
    if sig[s_tag_at] != INTEGER_TAG || len_s == 0 || sig[s_at] & 0x80 != 0 {
        return false;
    }
    // Nor has S.
    !(len_s > 1 && sig[s_at] == 0 && sig[s_at + 1] & 0x80 == 0)
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

/// The encoding rules `flags` ask of an ECDSA signature with its sighash byte (Core
/// `CheckSignatureEncoding`): strict DER under DERSIG, LOW_S or STRICTENC, S at most n/2
/// under LOW_S, a defined sighash type under STRICTENC. An empty signature passes, as a
/// script may use one to fail a check on purpose.
///
/// The interpreter asks this of every signature a `CHECKSIG` meets; a PSBT parser asks it
/// of partial signatures, with DERSIG and STRICTENC, as Core's does.
pub fn check_signature_encoding(sig: &[u8], flags: VerifyFlags) -> Result<(), ScriptError> {
    // An empty signature is a compact way to fail a check on purpose.
    let Some(&hash_type) = sig.last() else {
        return Ok(());
    };
    let strict = VerifyFlags::DERSIG | VerifyFlags::LOW_S | VerifyFlags::STRICTENC;
    if (flags & strict) != VerifyFlags::NONE && !is_valid_signature_encoding(sig) {
        return Err(ScriptError::SigDer);
    }
    if flags.contains(VerifyFlags::LOW_S) && !is_low_s(sig) {
        return Err(ScriptError::SigHighS);
    }
    if flags.contains(VerifyFlags::STRICTENC) && !SighashType::from_sig_byte(hash_type).is_defined()
    {
        return Err(ScriptError::SigHashtype);
    }
    Ok(())
}

/// The key formats `flags` allow (Core `CheckPubKeyEncoding`).
pub(super) fn check_pubkey_encoding(
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
    fn der_offsets() {
        // 0x30 len 0x02 1 R 0x02 1 S sighash: the shortest valid signature.
        let shortest = [0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x01];
        assert!(is_valid_signature_encoding(&shortest));
        let mut negative_r = shortest;
        negative_r[R_AT] = 0x81;
        assert!(!is_valid_signature_encoding(&negative_r));
        let mut wrong_total = shortest;
        wrong_total[TOTAL_LEN_AT] = 0x07;
        assert!(!is_valid_signature_encoding(&wrong_total));
        // R padded with a needless zero.
        let padded_r = [0x30, 0x07, 0x02, 0x02, 0x00, 0x01, 0x02, 0x01, 0x01, 0x01];
        assert!(!is_valid_signature_encoding(&padded_r));
    }
}
