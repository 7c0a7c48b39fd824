//! MuSig2 records (BIP373), which sou carries between the parties but does not use.
//!
//! MuSig2 (BIP327) lets several signers make one Schnorr signature for a key that
//! aggregates theirs, so a taproot output can be a multisig that looks like any single
//! key. Signing takes two rounds: each participant first publishes a nonce, then a partial
//! signature; a PSBT carries both, and the list of participants behind each aggregate key.
//! sou has no MuSig2 signer. It reads, checks, merges and writes these records exactly as
//! Core does, so that a PSBT on its way between MuSig2 signers passes through unchanged.
//!
//! A nonce or partial signature is keyed by whose it is ([`MuSig2Participant`]): the
//! participant's key, the aggregate key (both compressed, 33 bytes), and for a script-path
//! spend the hash of the leaf whose script holds the aggregate key.
//!
//! References: BIP373 "MuSig2 PSBT Fields"; Core `PSBT_IN_MUSIG2_PARTICIPANT_PUBKEYS`,
//! `DeserializeMuSig2ParticipantPubkeys`, `DeserializeMuSig2ParticipantDataIdentifier`
//! (src/psbt.h).

use std::collections::BTreeMap;

use sou_keys::taproot::TapNodeHash;
use sou_keys::PublicKey;

use super::raw::write_record;
use super::Error;

/// A compressed public key, as MuSig2 records hold them: 33 bytes, a point on the curve.
pub type CompressedKey = [u8; 33];

/// Whose MuSig2 nonce or partial signature a record holds (BIP373 key data of
/// `PSBT_IN_MUSIG2_PUB_NONCE` and `PSBT_IN_MUSIG2_PARTIAL_SIG`).
///
/// Fields are in the order Core sorts them (its maps are keyed by the aggregate key and
/// leaf hash, then by participant), so a map of these iterates in Core's record order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MuSig2Participant {
    /// The aggregate key the participant signs for.
    pub aggregate_key: CompressedKey,
    /// The leaf whose script holds the aggregate key; `None` for the key path. Core
    /// writes an all-zero hash as none at all, so it reads as `None` here.
    pub leaf_hash: Option<TapNodeHash>,
    /// The participant's own key.
    pub participant_key: CompressedKey,
}

/// A 33-byte key that is a point (Core `CPubKey::IsFullyValid` on a compressed key: the
/// first byte `02` or `03`, then an x on the curve).
pub(super) fn compressed_key(bytes: &[u8], key_type: u8) -> Result<CompressedKey, Error> {
    let key: CompressedKey = bytes
        .try_into()
        .map_err(|_| Error::InvalidPublicKey(key_type))?;
    PublicKey::from_slice(&key).map_err(|_| Error::InvalidPublicKey(key_type))?;
    Ok(key)
}

/// `PSBT_IN_MUSIG2_PARTICIPANT_PUBKEYS` and `PSBT_OUT_MUSIG2_PARTICIPANT_PUBKEYS`: the
/// aggregate key in the key, the participants' keys one after another in the value (none
/// is allowed), kept in the order listed.
pub(super) fn parse_participants(
    key: &[u8],
    value: &[u8],
) -> Result<(CompressedKey, Vec<CompressedKey>), Error> {
    let key_type = key[0];
    if key.len() != 34 {
        return Err(Error::InvalidKey {
            key_type,
            len: key.len(),
        });
    }
    let aggregate = compressed_key(&key[1..], key_type)?;
    if value.len() % 33 != 0 {
        return Err(Error::InvalidValue(key_type));
    }
    let participants = value
        .chunks_exact(33)
        .map(|k| compressed_key(k, key_type))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((aggregate, participants))
}

pub(super) fn write_participants(
    out: &mut Vec<u8>,
    key_type: u8,
    participants: &BTreeMap<CompressedKey, Vec<CompressedKey>>,
) {
    for (aggregate, keys) in participants {
        let key = [&[key_type][..], aggregate].concat();
        write_record(out, &key, &keys.concat());
    }
}

impl MuSig2Participant {
    /// The key data of a nonce or partial signature record: the participant's key, the
    /// aggregate key, then perhaps a leaf hash (67 or 99 bytes with the type byte).
    pub(super) fn parse(key: &[u8]) -> Result<MuSig2Participant, Error> {
        let key_type = key[0];
        if !(key.len() == 67 || key.len() == 99) {
            return Err(Error::InvalidKey {
                key_type,
                len: key.len(),
            });
        }
        let participant_key = compressed_key(&key[1..34], key_type)?;
        let aggregate_key = compressed_key(&key[34..67], key_type)?;
        let leaf_hash = key
            .get(67..)
            .and_then(|h| <[u8; 32]>::try_from(h).ok())
            .filter(|h| *h != [0; 32])
            .map(TapNodeHash);
        Ok(MuSig2Participant {
            aggregate_key,
            leaf_hash,
            participant_key,
        })
    }

    /// The record's key, as Core writes it: no leaf hash for the key path.
    pub(super) fn key(&self, key_type: u8) -> Vec<u8> {
        let mut key = vec![key_type];
        key.extend_from_slice(&self.participant_key);
        key.extend_from_slice(&self.aggregate_key);
        if let Some(hash) = self.leaf_hash.filter(|h| h.0 != [0; 32]) {
            key.extend_from_slice(&hash.0);
        }
        key
    }
}
