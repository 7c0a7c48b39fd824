//! What signature and lock-time opcodes ask of the spending transaction.
//!
//! The interpreter judges scripts; whether a signature signs *this* transaction, or a lock
//! time has passed for it, is a question it hands to a [`SignatureChecker`]. Scripts run
//! outside any transaction use [`NoTransaction`], where every such check fails;
//! [`TransactionChecker`] answers for one input of a real transaction.
//!
//! References: Core `BaseSignatureChecker`, `GenericTransactionSignatureChecker`
//! (`src/script/interpreter.cpp`).

use sou_primitives::transaction::{
    LOCKTIME_THRESHOLD, SEQUENCE_FINAL, SEQUENCE_LOCKTIME_DISABLE_FLAG, SEQUENCE_LOCKTIME_MASK,
    SEQUENCE_LOCKTIME_TYPE_FLAG,
};
use sou_primitives::{Amount, Transaction};

use crate::sigcache::SignatureCacheUse;
use crate::sighash::{
    legacy_sighash, segwit_v0_sighash, taproot_sighash, PrecomputedTransactionData, SigVersion,
    SighashType, TaprootContext,
};
use crate::ScriptError;

use super::encoding::{pubkey_len_ok, xonly};

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
    amount: Amount,
    precomputed: &'a PrecomputedTransactionData,
    cache: Option<SignatureCacheUse<'a>>,
}

impl<'a> TransactionChecker<'a> {
    /// A checker for input `input_index`, which spends an output worth `amount` (BIP143
    /// signatures commit to it).
    pub fn new(
        tx: &'a Transaction,
        input_index: usize,
        amount: Amount,
        precomputed: &'a PrecomputedTransactionData,
    ) -> TransactionChecker<'a> {
        TransactionChecker {
            tx,
            input_index,
            amount,
            precomputed,
            cache: None,
        }
    }

    /// The same checker consulting `cache` (Core `CachingTransactionSignatureChecker`).
    pub fn with_cache(mut self, cache: Option<SignatureCacheUse<'a>>) -> TransactionChecker<'a> {
        self.cache = cache;
        self
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
        let Some((&hash_byte, der)) = sig.split_last() else {
            return false;
        };
        let hash_type = SighashType::from_sig_byte(hash_byte);
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
        if let Some(c) = self.cache {
            if c.cache.contains_ecdsa(&sighash.0, pubkey, der, !c.store) {
                return true;
            }
        }
        signature.normalize_s();
        let valid = secp256k1::SECP256K1
            .verify_ecdsa(secp256k1::Message::from_digest(sighash.0), &signature, &key)
            .is_ok();
        if let Some(c) = self.cache.filter(|c| valid && c.store) {
            c.cache.insert_ecdsa(&sighash.0, pubkey, der);
        }
        valid
    }

    fn check_schnorr_signature(
        &self,
        sig: &[u8],
        pubkey: &[u8],
        sigversion: SigVersion,
        ctx: &TaprootContext,
    ) -> Result<(), ScriptError> {
        // 64 bytes sign with DEFAULT; a 65th byte names another type, never DEFAULT
        // (BIP341 "Signature validation rules"), so that each signature has one encoding.
        let (sig, hash_type) = match sig.len() {
            64 => (sig, SighashType::DEFAULT),
            65 => match sig.split_last() {
                Some((&0x00, _)) => return Err(ScriptError::SchnorrSigHashtype),
                Some((&t, rest)) => (rest, SighashType::from_sig_byte(t)),
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
        if let Some(c) = self.cache {
            if c.cache.contains_schnorr(&sighash.0, pubkey, &sig, !c.store) {
                return Ok(());
            }
        }
        let signature = secp256k1::schnorr::Signature::from_byte_array(sig);
        secp256k1::SECP256K1
            .verify_schnorr(&signature, &sighash.0, &key)
            .map_err(|_| ScriptError::SchnorrSig)?;
        if let Some(c) = self.cache.filter(|c| c.store) {
            c.cache.insert_schnorr(&sighash.0, pubkey, &sig);
        }
        Ok(())
    }

    fn check_lock_time(&self, lock_time: i64) -> bool {
        // Script numbers are i64 (CLTV reads 5 bytes); the u32 constants widen losslessly.
        let threshold = i64::from(LOCKTIME_THRESHOLD);
        let tx_lock = i64::from(self.tx.lock_time);
        // Heights compare with heights, times with times.
        if (tx_lock < threshold) != (lock_time < threshold) {
            return false;
        }
        if lock_time > tx_lock {
            return false;
        }
        // A final input would let the transaction be mined before its lock time.
        self.tx.input[self.input_index].sequence != SEQUENCE_FINAL
    }

    fn check_sequence(&self, sequence: i64) -> bool {
        // As in `check_lock_time`, the u32 sequence bits widen losslessly to i64.
        let disable = i64::from(SEQUENCE_LOCKTIME_DISABLE_FLAG);
        let type_flag = i64::from(SEQUENCE_LOCKTIME_TYPE_FLAG);
        let tx_sequence = i64::from(self.tx.input[self.input_index].sequence);
        if self.tx.version < 2 || tx_sequence & disable != 0 {
            return false;
        }
        let mask = type_flag | i64::from(SEQUENCE_LOCKTIME_MASK);
        let (tx_masked, masked) = (tx_sequence & mask, sequence & mask);
        if (tx_masked < type_flag) != (masked < type_flag) {
            return false;
        }
        masked <= tx_masked
    }
}
