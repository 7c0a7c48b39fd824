//! Signing inputs: proving, input by input, the right to spend.
//!
//! Each output type asks for its proof in its own place and shape:
//!
//! | type | scriptSig | witness | signature hash |
//! | --- | --- | --- | --- |
//! | P2PKH | `<sig> <pubkey>` | none | legacy |
//! | P2SH-P2WPKH | `<0 <hash160(pubkey)>>` | `<sig> <pubkey>` | BIP143 |
//! | P2WPKH | empty | `<sig> <pubkey>` | BIP143 |
//! | P2WSH multisig | empty | `<> <sig>… <witness script>` | BIP143 |
//! | P2TR key path | empty | `<sig>` with the tweaked key | BIP341 |
//! | P2TR script path | empty | `<sig>… <leaf script> <control block>` | BIP342 |
//!
//! ECDSA signatures are Core's (RFC6979, low R, low S) and always 70 bytes of DER (see
//! [`sou_keys::ecdsa::sign_full_length`]), so fee estimates are exact. Schnorr signatures
//! use [`SighashType::DEFAULT`] and fresh auxiliary randomness, as BIP340 recommends.
//! Core's counterpart is `ProduceSignature` in `src/script/sign.cpp`.

use sou_keys::taproot::{tap_leaf_hash, ControlBlock, TapNodeHash};
use sou_keys::{ecdsa, schnorr, Keypair, Message, PublicKey, SecretKey, XOnlyPublicKey};
use sou_primitives::opcodes::OP_0;
use sou_primitives::script::{Builder, Instruction};
use sou_primitives::Amount;
use sou_primitives::{Script, Transaction, TxOut, Witness};
use sou_script::sighash::{
    legacy_sighash, segwit_v0_sighash, taproot_sighash, Sighash, SighashType, TaprootContext,
};
use sou_script::{PrecomputedTransactionData, SigVersion, VerifyFlags};

use crate::size::InputKind;
use crate::Error;

/// A secret key with its public key computed once (signing many inputs with one key
/// should not redo the curve multiplication each time).
#[derive(Debug, Clone)]
pub struct SigningKey {
    /// The secret key.
    pub secret: SecretKey,
    /// Its compressed public key.
    pub public: PublicKey,
}

impl SigningKey {
    /// Computes the public key of `secret`.
    pub fn new(secret: SecretKey) -> SigningKey {
        let public = secret.public_key();
        SigningKey { secret, public }
    }
}

/// Which ECDSA nonces the signer uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nonces {
    /// Plain RFC6979, as BIP174's test signer.
    Rfc6979,
    /// RFC6979 ground to low R and a 70-byte DER, as the wallet signs (see
    /// [`ecdsa::sign_full_length`]): sizes match the fee estimate.
    Wallet,
}

/// What the signer needs to spend one output.
#[derive(Debug, Clone)]
pub enum SpendInfo {
    /// P2PKH with a compressed key.
    P2pkh(SigningKey),
    /// P2WPKH nested in P2SH.
    P2shP2wpkh(SigningKey),
    /// Native P2WPKH.
    P2wpkh(SigningKey),
    /// P2WSH over a `multi(m, …)` witness script, with the keys this signer holds (at
    /// least `m` of them to complete the input).
    P2wshMultisig {
        /// `OP_m <key>… OP_n OP_CHECKMULTISIG`.
        witness_script: Script,
        /// Secret keys for some of the script's public keys.
        keys: Vec<SecretKey>,
    },
    /// Taproot key path: the internal key, tweaked here with the tree's root (BIP86
    /// outputs have no tree).
    P2trKeyPath {
        /// The internal secret key.
        internal_key: SecretKey,
        /// The script tree root, if the output commits to one.
        merkle_root: Option<TapNodeHash>,
    },
    /// Taproot key path with the output key's key pair, already tweaked (wallets cache
    /// it: tweaking costs about as much as signing).
    P2trTweaked(Keypair),
    /// Taproot script path through one tapscript leaf.
    P2trScriptPath {
        /// The leaf script (leaf version `0xc0`).
        leaf_script: Script,
        /// The leaf's control block.
        control_block: ControlBlock,
        /// Secret keys for x-only keys the leaf checks.
        keys: Vec<SecretKey>,
    },
}

impl SpendInfo {
    /// The size class of the input this signs.
    pub fn kind(&self) -> InputKind {
        match self {
            SpendInfo::P2pkh(_) => InputKind::P2pkh,
            SpendInfo::P2shP2wpkh(_) => InputKind::P2shP2wpkh,
            SpendInfo::P2wpkh(_) => InputKind::P2wpkh,
            SpendInfo::P2wshMultisig { witness_script, .. } => {
                let (required, keys) =
                    parse_multisig(witness_script).map_or((0, 0), |(m, k)| (m, k.len()));
                InputKind::P2wshMultisig { required, keys }
            }
            SpendInfo::P2trKeyPath { .. } | SpendInfo::P2trTweaked(_) => InputKind::P2trKeyPath,
            SpendInfo::P2trScriptPath {
                leaf_script,
                control_block,
                ..
            } => InputKind::P2trScriptPath {
                script_len: leaf_script.len(),
                control_block_len: control_block.serialize().len(),
                signatures: leaf_keys(leaf_script).len(),
            },
        }
    }
}

/// `OP_m <33-byte key>… OP_n OP_CHECKMULTISIG`: `m` and the keys.
pub fn parse_multisig(script: &Script) -> Option<(usize, Vec<PublicKey>)> {
    let ops: Vec<Instruction<'_>> = script.instructions().collect::<Result<_, _>>().ok()?;
    let small_int = |i: &Instruction<'_>| {
        let op = i.opcode().to_u8();
        (0x51..=0x60).contains(&op).then(|| usize::from(op - 0x50))
    };
    let (first, rest) = ops.split_first()?;
    let (last, middle) = rest.split_last()?;
    if last.opcode().to_u8() != 0xae {
        return None;
    }
    let (n_op, key_ops) = middle.split_last()?;
    let (m, n) = (small_int(first)?, small_int(n_op)?);
    let keys = key_ops
        .iter()
        .map(|i| match i {
            Instruction::Push { data, .. } if data.len() == 33 => PublicKey::from_slice(data).ok(),
            _ => None,
        })
        .collect::<Option<Vec<_>>>()?;
    (keys.len() == n && m <= n && m > 0).then_some((m, keys))
}

/// The x-only keys a tapscript leaf pushes (32-byte pushes), in script order.
fn leaf_keys(script: &Script) -> Vec<[u8; 32]> {
    script
        .instructions()
        .filter_map(|i| match i {
            Ok(Instruction::Push { data, .. }) if data.len() == 32 => data.try_into().ok(),
            _ => None,
        })
        .collect()
}

/// The script code BIP143 signs for a P2WPKH program: the P2PKH script of its key hash
/// (BIP143 "Specification", item 5).
pub(crate) fn p2wpkh_script_code(key_hash: &[u8; 20]) -> Script {
    Script::p2pkh(key_hash)
}

/// The hash an ECDSA signature of input `index` commits to: BIP143's for a segwit v0
/// spend (`amount` is the value spent), the legacy one otherwise.
pub(crate) fn ecdsa_sighash(
    tx: &Transaction,
    index: usize,
    script_code: &Script,
    amount: Amount,
    segwit: bool,
    hash_type: SighashType,
    precomputed: &PrecomputedTransactionData,
) -> Sighash {
    if segwit {
        segwit_v0_sighash(
            script_code.as_bytes(),
            tx,
            index,
            hash_type,
            amount,
            precomputed,
        )
    } else {
        legacy_sighash(script_code.as_bytes(), tx, index, hash_type)
    }
}

/// An ECDSA signature of `digest` by `key` as a script pushes it: DER, then the sighash
/// type's byte. The wallet's and the PSBT signer's signatures are all made here.
pub(crate) fn ecdsa_signature(
    digest: &Sighash,
    key: &SecretKey,
    hash_type: SighashType,
    nonces: Nonces,
) -> Vec<u8> {
    let msg = Message::from_digest(digest.0);
    let sig = match nonces {
        Nonces::Rfc6979 => ecdsa::sign_without_grinding(&msg, key),
        Nonces::Wallet => ecdsa::sign_full_length(&msg, key),
    };
    let mut bytes = sig.to_der();
    bytes.push(hash_type.to_sig_byte());
    bytes
}

/// The wallet's own ECDSA signature: `ALL`, 70-byte DER.
fn ecdsa_push(digest: &Sighash, key: &SecretKey) -> Vec<u8> {
    ecdsa_signature(digest, key, SighashType::ALL, Nonces::Wallet)
}

/// A BIP340 signature of `digest` as a witness carries it: 64 bytes, plus the sighash
/// type byte unless it is `DEFAULT`. `digest` was computed for `hash_type`, so BIP341
/// accepted the type, and it is one byte.
pub(crate) fn schnorr_signature(
    digest: &Sighash,
    key: &Keypair,
    hash_type: SighashType,
) -> Result<Vec<u8>, sou_keys::Error> {
    let mut sig = schnorr::sign_random(&digest.0, key)?
        .to_byte_array()
        .to_vec();
    if hash_type != SighashType::DEFAULT {
        sig.push(hash_type.to_sig_byte());
    }
    Ok(sig)
}

/// Signs input `index` of `tx`, which spends `spent[index]`, with `ALL` (ECDSA) or
/// `DEFAULT` (Schnorr), and writes its scriptSig and witness.
///
/// `precomputed` must be built from the transaction as it will be signed (outputs final)
/// and every spent output, since taproot signatures commit to all of them.
pub fn sign_input(
    tx: &mut Transaction,
    index: usize,
    info: &SpendInfo,
    precomputed: &PrecomputedTransactionData,
) -> Result<(), Error> {
    let spent = precomputed
        .spent_output(index)
        .ok_or(Error::MissingSpentOutput { index })?
        .clone();
    let amount = spent.value;
    let (script_sig, witness) = match info {
        SpendInfo::P2pkh(key) => {
            let digest = ecdsa_sighash(
                tx,
                index,
                &spent.script_pubkey,
                amount,
                false,
                SighashType::ALL,
                precomputed,
            );
            let script_sig = Builder::new()
                .push_slice(&ecdsa_push(&digest, &key.secret))
                .push_slice(&key.public.serialize_compressed())
                .into_script();
            (script_sig, Witness::new())
        }
        SpendInfo::P2shP2wpkh(key) | SpendInfo::P2wpkh(key) => {
            let pk = key.public;
            let code = p2wpkh_script_code(&pk.pubkey_hash().0);
            let digest = ecdsa_sighash(
                tx,
                index,
                &code,
                amount,
                true,
                SighashType::ALL,
                precomputed,
            );
            let witness = Witness::from_items([
                ecdsa_push(&digest, &key.secret),
                pk.serialize_compressed().to_vec(),
            ]);
            let script_sig = if matches!(info, SpendInfo::P2shP2wpkh(_)) {
                let redeem = Builder::new()
                    .push_opcode(OP_0)
                    .push_slice(&pk.pubkey_hash().0)
                    .into_script();
                Builder::new().push_slice(redeem.as_bytes()).into_script()
            } else {
                Script::new()
            };
            (script_sig, witness)
        }
        SpendInfo::P2wshMultisig {
            witness_script,
            keys,
        } => {
            let (required, pubkeys) =
                parse_multisig(witness_script).ok_or(Error::UnsupportedScript)?;
            let digest = ecdsa_sighash(
                tx,
                index,
                witness_script,
                amount,
                true,
                SighashType::ALL,
                precomputed,
            );
            // CHECKMULTISIG matches signatures to keys in script order.
            let mut items: Vec<Vec<u8>> = vec![Vec::new()];
            for pk in &pubkeys {
                if items.len() > required {
                    break;
                }
                if let Some(key) = keys.iter().find(|k| k.public_key() == *pk) {
                    items.push(ecdsa_push(&digest, key));
                }
            }
            if items.len() <= required {
                return Err(Error::NotEnoughKeys {
                    index,
                    required,
                    have: items.len() - 1,
                });
            }
            items.push(witness_script.as_bytes().to_vec());
            (Script::new(), Witness::from_items(items))
        }
        SpendInfo::P2trKeyPath {
            internal_key,
            merkle_root,
        } => {
            let tweaked = internal_key.keypair().tap_tweak(merkle_root.as_ref())?;
            key_path(tx, index, &tweaked, precomputed)?
        }
        SpendInfo::P2trTweaked(tweaked) => key_path(tx, index, tweaked, precomputed)?,
        SpendInfo::P2trScriptPath {
            leaf_script,
            control_block,
            keys,
        } => {
            let leaf = tap_leaf_hash(control_block.leaf_version, leaf_script);
            let ctx = TaprootContext {
                annex_hash: None,
                tapleaf_hash: Some(leaf.0),
                codeseparator_pos: u32::MAX,
            };
            let digest = taproot_sighash(
                tx,
                index,
                SighashType::DEFAULT,
                SigVersion::Tapscript,
                precomputed,
                &ctx,
            )
            .ok_or(Error::MissingSpentOutput { index })?;
            // The script consumes the stack from the top: the last key's signature is
            // pushed first, so the witness lists signatures in reverse key order.
            let mut items = Vec::new();
            for xonly in leaf_keys(leaf_script).iter().rev() {
                let keypair = keys
                    .iter()
                    .map(SecretKey::keypair)
                    .find(|kp| kp.x_only_public_key().0.serialize() == *xonly);
                match keypair {
                    Some(kp) => items.push(schnorr_signature(&digest, &kp, SighashType::DEFAULT)?),
                    None => items.push(Vec::new()),
                }
            }
            if items.iter().all(Vec::is_empty) {
                return Err(Error::NotEnoughKeys {
                    index,
                    required: 1,
                    have: 0,
                });
            }
            items.push(leaf_script.as_bytes().to_vec());
            items.push(control_block.serialize());
            (Script::new(), Witness::from_items(items))
        }
    };
    let input = &mut tx.input[index];
    input.script_sig = script_sig;
    input.witness = witness;
    Ok(())
}

fn key_path(
    tx: &Transaction,
    index: usize,
    tweaked: &Keypair,
    precomputed: &PrecomputedTransactionData,
) -> Result<(Script, Witness), Error> {
    let digest = taproot_sighash(
        tx,
        index,
        SighashType::DEFAULT,
        SigVersion::Taproot,
        precomputed,
        &TaprootContext::default(),
    )
    .ok_or(Error::MissingSpentOutput { index })?;
    Ok((
        Script::new(),
        Witness::from_items([schnorr_signature(&digest, tweaked, SighashType::DEFAULT)?]),
    ))
}

/// Signs every input of `tx`: `inputs[i]` is the output input `i` spends and how.
pub fn sign_transaction(tx: &mut Transaction, inputs: &[(TxOut, SpendInfo)]) -> Result<(), Error> {
    if inputs.len() != tx.input.len() {
        return Err(Error::MissingSpentOutput {
            index: inputs.len().min(tx.input.len()),
        });
    }
    let spent: Vec<TxOut> = inputs.iter().map(|(o, _)| o.clone()).collect();
    // The signature hashes do not cover scriptSigs or witnesses: one precomputation
    // serves every input.
    let precomputed = PrecomputedTransactionData::new(tx, spent);
    for (index, (_, info)) in inputs.iter().enumerate() {
        sign_input(tx, index, info, &precomputed)?;
    }
    Ok(())
}

/// Runs every input of `tx` through the script interpreter under `flags`: the check a
/// node makes before it accepts the transaction. The error names the first failing input.
pub fn verify_transaction(
    tx: &Transaction,
    spent: &[TxOut],
    flags: VerifyFlags,
) -> Result<(), Error> {
    if spent.len() != tx.input.len() {
        return Err(Error::MissingSpentOutput {
            index: spent.len().min(tx.input.len()),
        });
    }
    let precomputed = PrecomputedTransactionData::new(tx, spent.to_vec());
    for index in 0..tx.input.len() {
        sou_script::interpreter::verify_input_with(tx, index, &precomputed, flags).map_err(
            |error| match error.script_error() {
                Some(error) => Error::Script { index, error },
                // The length check above rules out both caller mistakes.
                None => Error::MissingSpentOutput { index },
            },
        )?;
    }
    Ok(())
}

/// The x-only key of a secret key, as a tapscript leaf names it.
pub fn x_only(key: &SecretKey) -> XOnlyPublicKey {
    key.keypair().x_only_public_key().0
}
