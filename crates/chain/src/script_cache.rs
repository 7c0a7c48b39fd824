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
//! References: Core `CheckInputScripts` and `ValidationCache` (src/validation.cpp,
//! src/validation.h), `MemPoolAccept::ConsensusScriptChecks`.

use std::collections::{HashSet, VecDeque};
use std::sync::{Mutex, PoisonError};

use sou_primitives::hashes::sha256;
use sou_primitives::Wtxid;
use sou_script::VerifyFlags;

/// Entries kept by default: Core gives its script execution cache 16 MiB of 32-byte
/// entries.
pub const DEFAULT_SCRIPT_CACHE_ENTRIES: usize = 16 * 1024 * 1024 / 32;

/// Transactions whose scripts passed under given flags (see the module's notes).
#[derive(Debug)]
pub struct ScriptCache {
    salt: [u8; 32],
    capacity: usize,
    entries: Mutex<Entries>,
}

#[derive(Debug, Default)]
struct Entries {
    set: HashSet<[u8; 32]>,
    order: VecDeque<[u8; 32]>,
}

impl ScriptCache {
    /// An empty cache of at most `capacity` entries, its keys salted with `salt` (which
    /// should be secret and random: sou-node draws it from the system).
    pub fn new(salt: [u8; 32], capacity: usize) -> ScriptCache {
        ScriptCache {
            salt,
            capacity,
            entries: Mutex::new(Entries::default()),
        }
    }

    fn key(&self, wtxid: &Wtxid, flags: VerifyFlags) -> [u8; 32] {
        let mut data = Vec::with_capacity(68);
        data.extend_from_slice(&self.salt);
        data.extend_from_slice(wtxid.as_byte_array());
        data.extend_from_slice(&flags.bits().to_le_bytes());
        sha256(&data)
    }

    /// Notes that every input of `wtxid` passed its scripts under `flags`.
    pub fn insert(&self, wtxid: &Wtxid, flags: VerifyFlags) {
        if self.capacity == 0 {
            return;
        }
        let key = self.key(wtxid, flags);
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if !entries.set.insert(key) {
            return;
        }
        entries.order.push_back(key);
        // Taken keys linger in `order`: sweep them out before it grows past twice the
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

    /// True if `wtxid` was noted under `flags`; the note is dropped (a block uses it once).
    pub fn take(&self, wtxid: &Wtxid, flags: VerifyFlags) -> bool {
        let key = self.key(wtxid, flags);
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        // The key stays in `order` until its turn comes: removing it there would cost a
        // scan, and a stale key in `order` only evicts nothing when it comes up.
        entries.set.remove(&key)
    }

    /// How many transactions are noted.
    pub fn len(&self) -> usize {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .set
            .len()
    }

    /// True when nothing is noted.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
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
