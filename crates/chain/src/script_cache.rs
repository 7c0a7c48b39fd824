//! The script execution cache: a transaction's scripts checked once, not twice.
//!
//! A node usually sees a transaction twice: loose, when a peer relays it into the
//! mempool, and again inside the block that confirms it. Checking its signatures is
//! the bulk of the work both times. So when the mempool has verified every input of a
//! transaction under the script flags the next block will use, it notes the pair
//! (wtxid, flags); when a block arrives, a transaction whose pair is noted skips its
//! script checks, and the note is dropped (it will not be needed again). The block then
//! connects in the time of its coin lookups: a new block spreads faster across the
//! network, which is why Core keeps this cache (`g_scriptExecutionCache`).
//!
//! The wtxid commits to every script and witness of the transaction, and its inputs'
//! outpoints fix the coins they spend (amounts and scripts the signatures sign), so a
//! noted pair means the same checks would pass again. Notes are hashed with a secret
//! salt, as Core does, so that nobody can aim transactions at one entry; the cache holds
//! a bounded number of them and forgets the oldest first.
//!
//! When a transaction misses (the flags changed, or the note was forgotten), its
//! signatures may still be known: the pool also keeps each valid signature it verified
//! (sou-script's `SignatureCache`), which a block's checks look up and use up.
//!
//! References: Core `CheckInputScripts` and `ValidationCache` (src/validation.cpp,
//! src/validation.h), `MemPoolAccept::ConsensusScriptChecks`.

use sou_primitives::hashes::sha256;
use sou_primitives::Wtxid;
use sou_script::sigcache::{SaltedCache, SignatureCache, SignatureCacheUse};
use sou_script::VerifyFlags;

/// Entries kept by default: Core gives its script execution cache 16 MiB of 32-byte
/// entries.
pub const DEFAULT_SCRIPT_CACHE_ENTRIES: usize = 16 * 1024 * 1024 / 32;

/// Transactions whose scripts passed under given flags (see the module's notes), and
/// beside them the signatures verified on the way (Core keeps the two in its
/// `ValidationCache`).
#[derive(Debug)]
pub struct ScriptCache {
    transactions: SaltedCache,
    signatures: SignatureCache,
}

impl ScriptCache {
    /// An empty cache of at most `capacity` transactions and as many signatures, its keys
    /// salted with `salt` (which should be secret and random: sou-node draws it from the
    /// system).
    pub fn new(salt: [u8; 32], capacity: usize) -> ScriptCache {
        // The signatures' salt is derived, so that the two sets never share a key.
        let signature_salt = sha256(&[&salt[..], b"signatures"].concat());
        ScriptCache {
            transactions: SaltedCache::new(salt, capacity),
            signatures: SignatureCache::new(signature_salt, capacity),
        }
    }

    /// Notes that every input of `wtxid` passed its scripts under `flags`.
    pub fn insert(&self, wtxid: &Wtxid, flags: VerifyFlags) {
        self.transactions
            .insert(&[wtxid.as_byte_array(), &flags.bits().to_le_bytes()]);
    }

    /// True if `wtxid` was noted under `flags`; the note is dropped (a block uses it once).
    pub fn take(&self, wtxid: &Wtxid, flags: VerifyFlags) -> bool {
        self.transactions
            .contains(&[wtxid.as_byte_array(), &flags.bits().to_le_bytes()], true)
    }

    /// The signature cache, for a checker: `store` while accepting a transaction, not
    /// while connecting a block (which uses up what it finds).
    pub fn signatures(&self, store: bool) -> SignatureCacheUse<'_> {
        SignatureCacheUse {
            cache: &self.signatures,
            store,
        }
    }

    /// How many transactions are noted.
    pub fn len(&self) -> usize {
        self.transactions.len()
    }

    /// True when no transaction is noted.
    pub fn is_empty(&self) -> bool {
        self.transactions.is_empty()
    }

    /// How many signatures are held.
    pub fn signature_count(&self) -> usize {
        self.signatures.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wtxid(n: u8) -> Wtxid {
        Wtxid::from_byte_array([n; 32])
    }

    #[test]
    fn a_note_serves_once_and_only_under_its_flags() {
        let cache = ScriptCache::new([9; 32], 10);
        let flags = VerifyFlags::P2SH | VerifyFlags::WITNESS;
        cache.insert(&wtxid(1), flags);
        assert!(!cache.take(&wtxid(1), VerifyFlags::P2SH));
        assert!(!cache.take(&wtxid(2), flags));
        assert!(cache.take(&wtxid(1), flags));
        assert!(!cache.take(&wtxid(1), flags), "used once");
    }

    #[test]
    fn the_oldest_notes_go_first() {
        let cache = ScriptCache::new([9; 32], 3);
        let flags = VerifyFlags::P2SH;
        for n in 0..5 {
            cache.insert(&wtxid(n), flags);
        }
        assert_eq!(cache.len(), 3);
        assert!(!cache.take(&wtxid(0), flags));
        assert!(!cache.take(&wtxid(1), flags));
        assert!(cache.take(&wtxid(4), flags));
        // A taken key left behind in the order evicts nothing when its turn comes.
        cache.insert(&wtxid(5), flags);
        cache.insert(&wtxid(6), flags);
        assert!(cache.take(&wtxid(6), flags));
    }
}
