//! The signer and the input finalizer: what an input's output asks for, signatures for
//! it, and the scriptSig and witness they make.
//!
//! Before signing anything, the signer checks that the scripts an input carries hash to
//! the output it spends (Core's `SignPSBTInput` through `ProduceSignature`). Signatures
//! come from [`crate::sign`], the wallet's one signer; the finalizer then places them as
//! [`crate::sign`]'s table says each output type wants them.

use sou_keys::SecretKey;
use sou_primitives::hashes::{hash160, sha256};
use sou_primitives::opcodes::OP_0;
use sou_primitives::script::{Builder, Instruction};
use sou_primitives::{Script, TxOut, Witness};
use sou_script::sighash::{taproot_sighash, Sighash, TaprootContext};
use sou_script::{PrecomputedTransactionData, SigVersion, SighashType};

use super::{Error, Input, Nonces, Psbt, XOnlyKey};
use crate::sign::{
    ecdsa_sighash, ecdsa_signature, p2wpkh_script_code, parse_multisig, schnorr_signature,
};

/// What a signer found behind an input's output.
enum Spend {
    /// A script the legacy sighash signs.
    Legacy {
        script_code: Script,
        /// What the script names its keys by (see [`key_ids`]).
        key_ids: Vec<Vec<u8>>,
    },
    /// A segwit v0 program (P2WPKH or P2WSH, perhaps inside P2SH), signed with BIP143.
    SegwitV0 {
        script_code: Script,
        /// What the script names its keys by (see [`key_ids`]).
        key_ids: Vec<Vec<u8>>,
    },
    /// A taproot output spent through its key path.
    TaprootKey,
}

impl Psbt {
    /// What signing input `index` involves; refuses scripts that do not match.
    fn spend(&self, index: usize) -> Result<(TxOut, Spend), Error> {
        let input = &self.inputs[index];
        let utxo = self.spent_output(index).ok_or(Error::MissingUtxo(index))?;
        let from_witness_utxo = input.non_witness_utxo.is_none();
        let mut script = utxo.script_pubkey.clone();
        if script.is_p2sh() {
            let redeem = input
                .redeem_script
                .as_ref()
                .ok_or(Error::MissingRedeemScript(index))?;
            if script.as_bytes()[2..22] != hash160(redeem.as_bytes()) {
                return Err(Error::RedeemScriptMismatch(index));
            }
            script = redeem.clone();
        }
        let spend = match script.witness_program() {
            Some((0, program)) if program.len() == 20 => {
                // The guard checked the length, so the error cannot occur.
                let unknown = Error::UnsupportedWitnessProgram {
                    input: index,
                    version: 0,
                };
                let key_hash: &[u8; 20] = program.try_into().map_err(|_| unknown)?;
                Spend::SegwitV0 {
                    script_code: p2wpkh_script_code(key_hash),
                    key_ids: vec![program.to_vec()],
                }
            }
            Some((0, program)) if program.len() == 32 => {
                let ws = input
                    .witness_script
                    .as_ref()
                    .ok_or(Error::MissingWitnessScript(index))?;
                if program != sha256(ws.as_bytes()) {
                    return Err(Error::WitnessScriptMismatch(index));
                }
                Spend::SegwitV0 {
                    script_code: ws.clone(),
                    key_ids: key_ids(ws),
                }
            }
            Some((1, _)) if script.is_p2tr() && utxo.script_pubkey.is_p2tr() => Spend::TaprootKey,
            Some((version, _)) => {
                return Err(Error::UnsupportedWitnessProgram {
                    input: index,
                    version,
                })
            }
            None => {
                if from_witness_utxo {
                    return Err(Error::WitnessUtxoForNonWitness(index));
                }
                Spend::Legacy {
                    key_ids: key_ids(&script),
                    script_code: script,
                }
            }
        };
        Ok((utxo, spend))
    }

    /// Checks every input's scripts as a signer would before signing anything.
    pub fn check_inputs(&self) -> Result<(), Error> {
        self.check_shape()?;
        (0..self.inputs.len()).try_for_each(|i| self.spend(i).map(|_| ()))
    }

    /// Signer: adds a signature for every input whose script names one of `keys` (a
    /// public key, or its hash for P2PKH and P2WPKH; the tweaked output key for P2TR key
    /// paths, given the internal key). Uses the input's sighash type, `ALL` by default
    /// (`DEFAULT` for taproot). Returns how many signatures were added.
    pub fn sign(&mut self, keys: &[SecretKey], nonces: Nonces) -> Result<usize, Error> {
        self.check_shape()?;
        let spent: Option<Vec<TxOut>> = (0..self.inputs.len())
            .map(|i| self.spent_output(i))
            .collect();
        let precomputed =
            PrecomputedTransactionData::new(&self.unsigned_tx, spent.unwrap_or_default());
        let mut added = 0;
        for index in 0..self.inputs.len() {
            if self.inputs[index].is_final() {
                continue;
            }
            let (utxo, spend) = self.spend(index)?;
            let (script_code, key_ids, segwit) = match spend {
                Spend::TaprootKey => {
                    added += self.sign_taproot_key(index, keys, &precomputed)?;
                    continue;
                }
                Spend::Legacy {
                    script_code,
                    key_ids,
                } => (script_code, key_ids, false),
                Spend::SegwitV0 {
                    script_code,
                    key_ids,
                } => (script_code, key_ids, true),
            };
            let hash_type = self.inputs[index].sighash_type.unwrap_or(SighashType::ALL);
            // The signature ends with the type's byte, and a parser (this one, Core's)
            // refuses a partial signature whose byte is no defined type (STRICTENC): such
            // a signature would make the PSBT unreadable.
            if !SighashType::from_sig_byte(hash_type.to_sig_byte()).is_defined() {
                return Err(Error::InvalidSighashType {
                    input: index,
                    sighash_type: hash_type,
                });
            }
            let digest = ecdsa_sighash(
                &self.unsigned_tx,
                index,
                &script_code,
                utxo.value,
                segwit,
                hash_type,
                &precomputed,
            );
            added += self.add_ecdsa_signatures(index, &key_ids, &digest, hash_type, keys, nonces);
        }
        Ok(added)
    }

    /// Adds to input `index` a signature of `digest` by every key of `keys` that the
    /// input's script names and that has not signed yet; returns how many were added.
    fn add_ecdsa_signatures(
        &mut self,
        index: usize,
        key_ids: &[Vec<u8>],
        digest: &Sighash,
        hash_type: SighashType,
        keys: &[SecretKey],
        nonces: Nonces,
    ) -> usize {
        let mut added = 0;
        for key in keys {
            let pk = key.public_key();
            let serialized = pk.serialize_compressed().to_vec();
            let named_here = key_ids
                .iter()
                .any(|n| *n == serialized || n[..] == pk.pubkey_hash().0[..]);
            let input = &mut self.inputs[index];
            if !named_here || input.partial_sigs.contains_key(&serialized) {
                continue;
            }
            let sig = ecdsa_signature(digest, key, hash_type, nonces);
            input.partial_sigs.insert(serialized, sig);
            added += 1;
        }
        added
    }

    /// Signs taproot input `index` through its key path with the key of `keys` whose
    /// x-only key is the input's internal key, tweaked by its merkle root.
    fn sign_taproot_key(
        &mut self,
        index: usize,
        keys: &[SecretKey],
        precomputed: &PrecomputedTransactionData,
    ) -> Result<usize, Error> {
        let input = &self.inputs[index];
        let (Some(internal), None) = (input.tap_internal_key, &input.tap_key_sig) else {
            return Ok(0);
        };
        let root = input.tap_merkle_root;
        let hash_type = input.sighash_type.unwrap_or(SighashType::DEFAULT);
        let mut added = 0;
        for key in keys {
            let keypair = key.keypair();
            // Compared as bytes: an internal key that is no point matches no secret key,
            // and the input goes unsigned, as in Core (`CreateSchnorrSig` finds no key).
            if XOnlyKey::from(keypair.x_only_public_key().0) != internal {
                continue;
            }
            let tweaked = keypair.tap_tweak(root.as_ref())?;
            let digest = self.taproot_key_sighash(index, hash_type, precomputed)?;
            self.inputs[index].tap_key_sig = Some(schnorr_signature(&digest, &tweaked, hash_type)?);
            added += 1;
        }
        Ok(added)
    }

    /// BIP341's signature hash for a key-path spend of input `index`.
    fn taproot_key_sighash(
        &self,
        index: usize,
        hash_type: SighashType,
        precomputed: &PrecomputedTransactionData,
    ) -> Result<Sighash, Error> {
        // BIP341 commits to every output the transaction spends, not only this one's.
        if let Some(missing) = (0..self.inputs.len()).find(|&i| self.spent_output(i).is_none()) {
            return Err(Error::MissingUtxo(missing));
        }
        taproot_sighash(
            &self.unsigned_tx,
            index,
            hash_type,
            SigVersion::Taproot,
            precomputed,
            &TaprootContext::default(),
        )
        .ok_or(Error::InvalidSighashType {
            input: index,
            sighash_type: hash_type,
        })
    }

    /// Input finalizer: builds the scriptSig and witness of every input that has enough
    /// signatures, and clears what they replace (BIP174 keeps only the UTXOs and unknown
    /// records). Fails on the first input it cannot complete.
    pub fn finalize(&mut self) -> Result<(), Error> {
        self.check_shape()?;
        for index in 0..self.inputs.len() {
            if self.inputs[index].is_final() {
                continue;
            }
            let (_, spend) = self.spend(index)?;
            let input = &self.inputs[index];
            // BIP174: signatures must use the sighash type the input asks for.
            if let Some(wanted) = input.sighash_type {
                let signed_with =
                    |sig: &Vec<u8>| sig.last().map(|&b| SighashType::from_sig_byte(b));
                let ecdsa_ok = input
                    .partial_sigs
                    .values()
                    .all(|sig| signed_with(sig) == Some(wanted));
                let schnorr_ok = input
                    .tap_key_sig
                    .as_ref()
                    .is_none_or(|sig| match sig.len() {
                        64 => wanted == SighashType::DEFAULT,
                        _ => signed_with(sig) == Some(wanted),
                    });
                if !ecdsa_ok || !schnorr_ok {
                    return Err(Error::CannotFinalize(index));
                }
            }
            let sigs_for = |keys: &[Vec<u8>], required: usize| -> Option<Vec<Vec<u8>>> {
                let sigs: Vec<Vec<u8>> = keys
                    .iter()
                    .filter_map(|k| input.partial_sigs.get(k).cloned())
                    .take(required)
                    .collect();
                (sigs.len() == required).then_some(sigs)
            };
            // P2PKH and P2WPKH name a key hash: the signature whose key hashes to it.
            let single = |keys: &[Vec<u8>]| -> Option<(Vec<u8>, Vec<u8>)> {
                let hash = keys.first()?;
                input
                    .partial_sigs
                    .iter()
                    .find(|(k, _)| hash160(k)[..] == hash[..])
                    .map(|(k, s)| (k.clone(), s.clone()))
            };
            let (script_sig, witness): (Option<Script>, Option<Witness>) = match &spend {
                Spend::TaprootKey => {
                    let sig = input
                        .tap_key_sig
                        .clone()
                        .ok_or(Error::CannotFinalize(index))?;
                    (None, Some(Witness::from_items([sig])))
                }
                Spend::Legacy {
                    script_code,
                    key_ids,
                } => {
                    let mut b = Builder::new();
                    if let Some((m, _)) = parse_multisig(script_code) {
                        let sigs = sigs_for(key_ids, m).ok_or(Error::CannotFinalize(index))?;
                        b = b.push_opcode(OP_0);
                        for s in &sigs {
                            b = b.push_slice(s);
                        }
                    } else if script_code.is_p2pkh() {
                        let (pk, sig) = single(key_ids).ok_or(Error::CannotFinalize(index))?;
                        b = b.push_slice(&sig).push_slice(&pk);
                    } else {
                        return Err(Error::CannotFinalize(index));
                    }
                    if let Some(redeem) = &input.redeem_script {
                        b = b.push_slice(redeem.as_bytes());
                    }
                    (Some(b.into_script()), None)
                }
                Spend::SegwitV0 { key_ids, .. } => {
                    let witness = if let Some(ws) = &input.witness_script {
                        let (m, _) = parse_multisig(ws).ok_or(Error::CannotFinalize(index))?;
                        let sigs = sigs_for(key_ids, m).ok_or(Error::CannotFinalize(index))?;
                        let mut items = vec![Vec::new()];
                        items.extend(sigs);
                        items.push(ws.as_bytes().to_vec());
                        Witness::from_items(items)
                    } else {
                        let (pk, sig) = single(key_ids).ok_or(Error::CannotFinalize(index))?;
                        Witness::from_items([sig, pk])
                    };
                    let script_sig = input
                        .redeem_script
                        .as_ref()
                        .map(|r| Builder::new().push_slice(r.as_bytes()).into_script());
                    (script_sig, Some(witness))
                }
            };
            let input = &mut self.inputs[index];
            *input = Input {
                non_witness_utxo: input.non_witness_utxo.take(),
                witness_utxo: input.witness_utxo.take(),
                final_script_sig: script_sig,
                final_script_witness: witness,
                unknown: std::mem::take(&mut input.unknown),
                ..Input::default()
            };
        }
        Ok(())
    }
}

/// What a script names its keys by, in order: the key hash (`hash160` of the public key)
/// for P2PKH, whose script holds no key, and otherwise every public key it pushes (33 or
/// 65 bytes). A P2WPKH program is a key hash too (see `Psbt::spend`). The signer matches a
/// key against either form; the finalizer finds the signature whose key hashes to a hash.
fn key_ids(script: &Script) -> Vec<Vec<u8>> {
    if script.is_p2pkh() {
        return vec![script.as_bytes()[3..23].to_vec()];
    }
    script
        .instructions()
        .filter_map(|i| match i {
            Ok(Instruction::Push { data, .. }) if data.len() == 33 || data.len() == 65 => {
                Some(data.to_vec())
            }
            _ => None,
        })
        .collect()
}
