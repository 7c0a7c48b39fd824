//! The signature cache: a signature verified once is not verified again.
//!
//! Verifying a signature is the costliest step of running a script, and a node meets the
//! same signatures more than once: a transaction tested (`testmempoolaccept`, or the fee
//! check `sendrawtransaction` runs first) and then accepted, or accepted into the
//! mempool and then met in a block whose flags differ from those the mempool noted (so
//! the whole-transaction cache misses). Core keeps every valid (sighash, public key,
//! signature) it verified while accepting a transaction; a later check of the same
//! triple answers from the cache, and a block's check uses the entry up.
//!
//! Only successes are kept, and only under a key hashed with a secret salt, so that
//! nobody can aim at one entry. [`SaltedCache`] is that bounded, salted set of hashes; the
//! script execution cache of sou-chain is built on it too.
//!
//! References: Core `SignatureCache` and `CachingTransactionSignatureChecker`
//! (src/script/sigcache.h, .cpp).

use std::collections::{HashSet, VecDeque};
use std::sync::{Mutex, PoisonError};

use sou_primitives::encoding::WriteBytes;
use sou_primitives::hashes::Sha256Engine;

/// A bounded set of salted 32-byte hashes, the oldest forgotten first.
pub struct SaltedCache {
    /// SHA-256 after the salt, written twice to fill one 64-byte block (as Core's
    /// caches do): each key starts from this midstate, one compression saved.
    salted: Sha256Engine,
    capacity: usize,
    entries: Mutex<Entries>,
}

impl std::fmt::Debug for SaltedCache {
    // The salt stays out of logs and panics: it is the cache's secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SaltedCache")
            .field("capacity", &self.capacity)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Default)]
struct Entries {
    set: HashSet<[u8; 32]>,
    order: VecDeque<[u8; 32]>,
}

impl SaltedCache {
    /// An empty set of at most `capacity` entries, keys salted with `salt` (secret and
    /// random: sou-node draws it from the system).
    pub fn new(salt: [u8; 32], capacity: usize) -> SaltedCache {
        let mut salted = Sha256Engine::new();
        salted.write_bytes(&salt);
        salted.write_bytes(&salt);
        SaltedCache {
            salted,
            capacity,
            entries: Mutex::new(Entries::default()),
        }
    }

    /// The salted hash of `parts`, each prefixed with its length so that no two lists of
    /// parts hash alike.
    fn key(&self, parts: &[&[u8]]) -> [u8; 32] {
        let mut engine = self.salted.clone();
        for part in parts {
            let len = u32::try_from(part.len()).unwrap_or(u32::MAX);
            engine.write_bytes(&len.to_le_bytes());
            engine.write_bytes(part);
        }
        engine.finish()
    }

    /// Adds the entry made of `parts`.
    pub fn insert(&self, parts: &[&[u8]]) {
        if self.capacity == 0 {
            return;
        }
        let key = self.key(parts);
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if !entries.set.insert(key) {
            return;
        }
        entries.order.push_back(key);
        // Removed keys linger in `order`: sweep them before it grows past twice the
        // capacity, so that memory stays bounded however the cache is used.
        if entries.order.len() > 2 * self.capacity {
            let Entries { set, order } = &mut *entries;
            order.retain(|k| set.contains(k));
        }
        while entries.set.len() > self.capacity {
            match entries.order.pop_front() {
                Some(oldest) => {
                    entries.set.remove(&oldest);
                }
                None => break,
            }
        }
    }

    /// True if the entry made of `parts` is present; with `erase`, it is removed.
    pub fn contains(&self, parts: &[&[u8]], erase: bool) -> bool {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        // An empty cache (a node in initial download, its pool empty) costs no hashing.
        if entries.set.is_empty() {
            return false;
        }
        let key = self.key(parts);
        if erase {
            entries.set.remove(&key)
        } else {
            entries.set.contains(&key)
        }
    }

    /// How many entries are held.
    pub fn len(&self) -> usize {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .set
            .len()
    }

    /// True when nothing is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Valid signatures already verified (see the module's notes).
#[derive(Debug)]
pub struct SignatureCache {
    entries: SaltedCache,
}

/// Entries kept by default: Core gives its signature cache 16 MiB of 32-byte entries.
pub const DEFAULT_SIGNATURE_CACHE_ENTRIES: usize = 16 * 1024 * 1024 / 32;

/// How a checker uses the cache: a transaction being accepted stores what it verifies; a
/// block only looks, and uses up what it finds (it will not meet it again).
#[derive(Debug, Clone, Copy)]
pub struct SignatureCacheUse<'a> {
    /// The cache.
    pub cache: &'a SignatureCache,
    /// Store verified signatures (true) or use up the entries found (false).
    pub store: bool,
}

impl SignatureCache {
    /// An empty cache of at most `capacity` signatures, keys salted with `salt`.
    pub fn new(salt: [u8; 32], capacity: usize) -> SignatureCache {
        SignatureCache {
            entries: SaltedCache::new(salt, capacity),
        }
    }

    /// True if the ECDSA `signature` (as the script gave it, sighash byte off) by
    /// `pubkey` over `sighash` was verified before; erased when `erase`.
    pub fn contains_ecdsa(
        &self,
        sighash: &[u8; 32],
        pubkey: &[u8],
        signature: &[u8],
        erase: bool,
    ) -> bool {
        self.entries
            .contains(&[b"E", sighash, pubkey, signature], erase)
    }

    /// Notes a valid ECDSA signature.
    pub fn insert_ecdsa(&self, sighash: &[u8; 32], pubkey: &[u8], signature: &[u8]) {
        self.entries.insert(&[b"E", sighash, pubkey, signature]);
    }

    /// True if the BIP340 `signature` by the x-only `pubkey` over `sighash` was verified
    /// before; erased when `erase`.
    pub fn contains_schnorr(
        &self,
        sighash: &[u8; 32],
        pubkey: &[u8],
        signature: &[u8],
        erase: bool,
    ) -> bool {
        self.entries
            .contains(&[b"S", sighash, pubkey, signature], erase)
    }

    /// Notes a valid BIP340 signature.
    pub fn insert_schnorr(&self, sighash: &[u8; 32], pubkey: &[u8], signature: &[u8]) {
        self.entries.insert(&[b"S", sighash, pubkey, signature]);
    }

    /// How many signatures are held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when nothing is held.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_bounded_and_the_oldest_go_first() {
        let cache = SaltedCache::new([9; 32], 3);
        for n in 0u8..5 {
            cache.insert(&[&[n]]);
        }
        assert_eq!(cache.len(), 3);
        assert!(!cache.contains(&[&[0]], false));
        assert!(cache.contains(&[&[4]], false));
        assert!(cache.contains(&[&[4]], true));
        assert!(!cache.contains(&[&[4]], false), "erased");
        // Parts are length-prefixed: [1, 2] and [1], [2] are different entries.
        cache.insert(&[&[1, 2]]);
        assert!(!cache.contains(&[&[1], &[2]], false));
    }

    #[test]
    fn ecdsa_and_schnorr_entries_do_not_mix() {
        let cache = SignatureCache::new([1; 32], 10);
        cache.insert_ecdsa(&[2; 32], &[3; 33], &[4; 70]);
        assert!(!cache.contains_schnorr(&[2; 32], &[3; 33], &[4; 70], false));
        assert!(cache.contains_ecdsa(&[2; 32], &[3; 33], &[4; 70], false));
        assert!(!cache.contains_ecdsa(&[2; 32], &[3; 33], &[5; 70], false));
    }
}
