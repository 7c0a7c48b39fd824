//! How big a transaction will be before it is signed.
//!
//! A fee is a rate times a size, but the size depends on the signatures, which depend on
//! the transaction, fee included. Wallets break the circle by predicting each input's
//! size from its type: a P2WPKH input always carries one signature and one compressed
//! public key, a taproot key-path input one 64-byte Schnorr signature. Core does this by
//! signing with dummy signatures (`DummySignatureCreator`, `CalculateMaximumSignedTxSize`);
//! sou counts the bytes directly, per type.
//!
//! Sizes are in *weight units* (BIP141): bytes outside the witness count four times,
//! witness bytes once, and a virtual byte is four weight units, rounded up. The
//! predictions are exact for P2PKH, P2SH-P2WPKH and P2WPKH (the signer always makes
//! 70-byte DER signatures, see [`sou_keys::ecdsa::sign_full_length`]) and for taproot
//! key-path spends (a Schnorr signature is always 64 bytes); for multisig and script
//! paths they assume every signature is present, an upper bound.
//!
//! The dust threshold follows Core's `GetDustThreshold`: an output is dust when its value
//! is below what creating and then spending it costs at the dust relay fee rate (3 sat/vB):
//! nodes refuse to relay such outputs, which would cost the network more than they hold.

use sou_primitives::encoding::compact_size_len;
use sou_primitives::{Amount, FeeRate, Script, TxOut, Weight};

/// A DER ECDSA signature as the signer makes them (70 bytes), plus its sighash byte.
pub const ECDSA_SIG_LEN: usize = 71;
/// A compressed public key.
pub const PUBKEY_LEN: usize = 33;
/// A BIP340 signature with `SIGHASH_DEFAULT` (no sighash byte).
pub const SCHNORR_SIG_LEN: usize = 64;

/// What spending an output takes, as far as its size goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputKind {
    /// Pay-to-pubkey-hash with a compressed key: `<sig> <pubkey>` in the scriptSig.
    P2pkh,
    /// P2WPKH nested in P2SH: the redeem script in the scriptSig, sig and key in the witness.
    P2shP2wpkh,
    /// Native segwit v0 pay-to-witness-pubkey-hash.
    P2wpkh,
    /// P2WSH `m`-of-`n` multisig over compressed keys.
    P2wshMultisig {
        /// Signatures required.
        required: usize,
        /// Keys in the script.
        keys: usize,
    },
    /// Taproot key path (BIP341): one Schnorr signature.
    P2trKeyPath,
    /// Taproot script path: signatures for the leaf, the leaf script, the control block.
    P2trScriptPath {
        /// Length of the leaf script.
        script_len: usize,
        /// Length of the control block (33 + 32 per tree level).
        control_block_len: usize,
        /// Schnorr signatures the leaf consumes.
        signatures: usize,
    },
}

impl InputKind {
    /// The scriptSig the input will carry, in bytes.
    pub fn script_sig_len(&self) -> usize {
        match self {
            // push(sig) push(pubkey)
            InputKind::P2pkh => 1 + ECDSA_SIG_LEN + 1 + PUBKEY_LEN,
            // push(OP_0 <20-byte hash>)
            InputKind::P2shP2wpkh => 1 + 22,
            _ => 0,
        }
    }

    /// The witness the input will carry, in bytes (weight units), with its item count;
    /// zero when it has none.
    pub fn witness_len(&self) -> usize {
        fn items(lens: &[usize]) -> usize {
            compact_size_len(lens.len() as u64)
                + lens
                    .iter()
                    .map(|&l| compact_size_len(l as u64) + l)
                    .sum::<usize>()
        }
        match *self {
            InputKind::P2pkh => 0,
            InputKind::P2shP2wpkh | InputKind::P2wpkh => items(&[ECDSA_SIG_LEN, PUBKEY_LEN]),
            InputKind::P2wshMultisig { required, keys } => {
                // OP_m <key>... OP_n OP_CHECKMULTISIG; the extra empty item is the
                // CHECKMULTISIG dummy (BIP147 makes it empty).
                let script = 1 + keys * (1 + PUBKEY_LEN) + 2;
                let mut lens = vec![0];
                lens.extend(std::iter::repeat_n(ECDSA_SIG_LEN, required));
                lens.push(script);
                items(&lens)
            }
            InputKind::P2trKeyPath => items(&[SCHNORR_SIG_LEN]),
            InputKind::P2trScriptPath {
                script_len,
                control_block_len,
                signatures,
            } => {
                let mut lens = vec![SCHNORR_SIG_LEN; signatures];
                lens.push(script_len);
                lens.push(control_block_len);
                items(&lens)
            }
        }
    }

    /// True when the input has a witness.
    pub fn is_segwit(&self) -> bool {
        !matches!(self, InputKind::P2pkh)
    }

    /// The input's weight, without the witness-count byte a non-segwit input takes in a
    /// segwit transaction (see [`tx_weight`], which adds it).
    pub fn weight(&self) -> Weight {
        let script_sig = self.script_sig_len();
        // outpoint (36), scriptSig with its length, sequence (4)
        let base = 36 + compact_size_len(script_sig as u64) + script_sig + 4;
        Weight::from_wu((base * 4 + self.witness_len()) as u64)
    }

    /// The kind of a standard output script, when the wallet knows how to spend it with
    /// a single key (multisig and script paths need more than the script to say).
    pub fn of_script(script: &Script) -> Option<InputKind> {
        if script.is_p2pkh() {
            Some(InputKind::P2pkh)
        } else if script.is_p2wpkh() {
            Some(InputKind::P2wpkh)
        } else if script.is_p2tr() {
            Some(InputKind::P2trKeyPath)
        } else {
            None
        }
    }
}

/// The fee for `weight` at `rate`, rounded up to whole virtual bytes and satoshis.
pub(crate) fn fee_for(rate: FeeRate, weight: Weight) -> Amount {
    rate.fee_for_weight(weight.to_wu())
}

/// The weight of an output.
pub fn output_weight(script_pubkey: &Script) -> Weight {
    // value (8), scriptPubKey with its length; all outside the witness
    let bytes = 8 + compact_size_len(script_pubkey.len() as u64) + script_pubkey.len();
    Weight::from_wu(4 * bytes as u64)
}

/// The weight of a transaction with these inputs and outputs, once signed: version and
/// lock time, the counts, and for a segwit transaction the marker and flag bytes plus
/// an empty witness (one byte) for each input without one.
pub fn tx_weight(inputs: &[InputKind], output_scripts: &[&Script]) -> Weight {
    let segwit = inputs.iter().any(InputKind::is_segwit);
    // version and lock time (4 + 4), the two counts
    let mut wu = 4 * (4 + 4) as u64;
    wu += 4
        * (compact_size_len(inputs.len() as u64) + compact_size_len(output_scripts.len() as u64))
            as u64;
    // Sizes of scripts in memory: no sum comes near 2^64 weight units.
    wu += inputs.iter().map(|k| k.weight().to_wu()).sum::<u64>();
    wu += output_scripts
        .iter()
        .map(|s| output_weight(s).to_wu())
        .sum::<u64>();
    if segwit {
        // marker and flag, and an empty witness for each input without one
        wu += 2 + inputs.iter().filter(|k| !k.is_segwit()).count() as u64;
    }
    Weight::from_wu(wu)
}

/// Core's `GetDustThreshold`: the smallest value worth creating for this output script,
/// the cost at `dust_relay` (3 sat/vB by default) of the output plus a typical input
/// spending it (148 bytes, or 67 virtual bytes for a witness program): 546 sat for P2PKH,
/// 294 for P2WPKH, 330 for P2TR.
/// Unspendable outputs (`OP_RETURN`) have no threshold.
pub fn dust_threshold(script_pubkey: &Script, dust_relay: FeeRate) -> Amount {
    if script_pubkey.is_unspendable() {
        return Amount::ZERO;
    }
    let output = 8 + compact_size_len(script_pubkey.len() as u64) + script_pubkey.len();
    let spend = if script_pubkey.witness_program().is_some() {
        32 + 4 + 1 + 107 / 4 + 4
    } else {
        32 + 4 + 1 + 107 + 4
    };
    dust_relay.fee_for_vsize((output + spend) as u64)
}

/// True when `output` is dust at `dust_relay`.
pub fn is_dust(output: &TxOut, dust_relay: FeeRate) -> bool {
    output.value < dust_threshold(&output.script_pubkey, dust_relay)
}
