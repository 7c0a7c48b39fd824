//! Soft forks by height: which rules a block at a given height obeys.
//!
//! Bitcoin's rules grew by soft forks. Once one has been active long enough, Core buries
//! it: its activation becomes a fixed height in the network's parameters
//! (`Params::deployments`), no longer a vote (BIP90). [`block_script_flags`] turns those
//! heights into the flags a block's scripts are checked with: DERSIG (BIP66),
//! CHECKLOCKTIMEVERIFY (BIP65), CHECKSEQUENCEVERIFY (BIP112) and NULLDUMMY (BIP147, with
//! segwit). P2SH, WITNESS and TAPROOT apply to every block, as no block of the chain
//! breaks them, except two, named by hash, from before those rules were enforced: one
//! breaks P2SH and one breaks taproot.
//!
//! References: Core `src/validation.cpp` (`GetBlockScriptFlags`),
//! `src/kernel/chainparams.cpp`; BIP90.

use sou_primitives::network::Params;
use sou_primitives::BlockHash;
use sou_script::VerifyFlags;

/// Is a buried deployment active for a block at `height`?
pub(super) fn active_at(height: u32, activation_height: u32) -> bool {
    height >= activation_height
}

/// The script flags for a block (Core `GetBlockScriptFlags`): P2SH, WITNESS and TAPROOT
/// everywhere (no earlier block breaks them but the two exceptions), the others from
/// their buried heights.
pub fn block_script_flags(height: u32, hash: &BlockHash, params: &Params) -> VerifyFlags {
    let d = &params.deployments;
    let mut flags = if d.bip16_exception.as_ref() == Some(hash) {
        VerifyFlags::NONE
    } else if d.taproot_exception.as_ref() == Some(hash) {
        VerifyFlags::P2SH | VerifyFlags::WITNESS
    } else {
        VerifyFlags::P2SH | VerifyFlags::WITNESS | VerifyFlags::TAPROOT
    };
    if active_at(height, d.bip66_height) {
        flags |= VerifyFlags::DERSIG;
    }
    if active_at(height, d.bip65_height) {
        flags |= VerifyFlags::CHECKLOCKTIMEVERIFY;
    }
    if active_at(height, d.csv_height) {
        flags |= VerifyFlags::CHECKSEQUENCEVERIFY;
    }
    if active_at(height, d.segwit_height) {
        flags |= VerifyFlags::NULLDUMMY;
    }
    flags
}
