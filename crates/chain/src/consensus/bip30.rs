//! BIP30: no transaction may overwrite coins that are still unspent.
//!
//! Two transactions can share a txid: early coinbases paying the same key the same
//! amount were identical. In 2010 two coinbases repeated earlier ones; the later copy
//! overwrote the earlier one's coins in the UTXO set, and 50 BTC ceased to exist each
//! time. BIP30 (2012) forbids a transaction whose txid still has unspent outputs; the
//! two blocks that broke it before are exempt by name ([`is_bip30_repeat`]).
//!
//! BIP34 then put the height in every coinbase, which makes repeats impossible and the
//! check (a lookup per output) unnecessary, with one gap: a coinbase from before BIP34
//! may happen to start with the push of a future height. The first such height is
//! [`BIP34_IMPLIES_BIP30_LIMIT`], from which BIP30 is checked again
//! ([`enforce_bip30`]).
//!
//! References: Core `src/validation.cpp` (`ConnectBlock`, `IsBIP30Repeat`); BIP30, BIP34.

use sou_primitives::network::Params;
use sou_primitives::BlockHash;

/// The two historic blocks whose coinbases repeat earlier ones (Core `IsBIP30Repeat`):
/// BIP30 is not enforced on them.
pub fn is_bip30_repeat(height: u32, hash: &BlockHash) -> bool {
    (height == 91_842
        && *hash
            == BlockHash::from_display_hex_const(
                "00000000000a4d0a398161ffc163c503763b1f4360639393e0e4c8e300e0caec",
            ))
        || (height == 91_880
            && *hash
                == BlockHash::from_display_hex_const(
                    "00000000000743f190a18c5577a3c2d2a1f610ae9601ac046a38084ccb7cd721",
                ))
}

/// From this height BIP30 is checked again: a pre-BIP34 coinbase could claim it.
pub const BIP34_IMPLIES_BIP30_LIMIT: u32 = 1_983_702;

/// Must BIP30 be checked for a block at `height` (Core's `fEnforceBIP30` logic)?
/// `hash_at_bip34_height` is the hash of this chain's block at the BIP34 height, if any.
pub fn enforce_bip30(
    height: u32,
    hash: &BlockHash,
    hash_at_bip34_height: Option<BlockHash>,
    params: &Params,
) -> bool {
    let mut enforce = !is_bip30_repeat(height, hash);
    // Once BIP34 is active on the known chain, coinbases cannot repeat.
    if let (Some(at), Some(expected)) = (hash_at_bip34_height, params.deployments.bip34_hash) {
        if at == expected {
            enforce = false;
        }
    }
    enforce || height >= BIP34_IMPLIES_BIP30_LIMIT
}
