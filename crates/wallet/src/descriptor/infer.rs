//! From an output script back to a descriptor ([`Descriptor::infer`]): the `desc` field
//! Core's RPCs print for every output.
//!
//! Without keys or scripts from elsewhere, only what the script itself shows can be
//! written: keys it holds (`pk`, `multi`, `rawtr`), else its address (`addr`), else its
//! bytes (`raw`).
//!
//! References: Core `src/script/descriptor.cpp` (`InferDescriptor`, `InferScript`,
//! `InferPubkey`).

use sou_keys::{Address, XOnlyPublicKey};
use sou_primitives::standard::{solver, Solution};
use sou_primitives::{Network, Script};

use super::{Descriptor, DescriptorKey};

impl Descriptor {
    /// The most precise descriptor of `script` that needs no outside knowledge (Core
    /// `InferDescriptor` with an empty signing provider): the `desc` Core's RPCs print.
    ///
    /// Only templates that carry their keys can be more than an address: `pk()` for
    /// pay-to-pubkey, `multi()` for bare multisig, `rawtr()` for a taproot output key on
    /// the curve. Hashes hide what they commit to, so P2PKH, P2SH and the v0 witness
    /// programs become `addr()`, as do anchors and unknown witness versions. A hybrid key,
    /// data outputs and anything non-standard are `raw()`.
    pub fn infer(script: &Script, network: Network) -> Descriptor {
        let non_hybrid = |k: &[u8]| matches!(k.first(), Some(0x02..=0x04));
        let key = |k: &[u8]| DescriptorKey::constant(k.to_vec(), false);
        match solver(script) {
            Solution::PubKey { pubkey } if non_hybrid(pubkey) => {
                return Descriptor::Pk(key(pubkey));
            }
            Solution::Multisig { required, pubkeys } if pubkeys.iter().all(|k| non_hybrid(k)) => {
                return Descriptor::Multi {
                    threshold: u32::from(required),
                    keys: pubkeys.iter().map(|k| key(k)).collect(),
                    sorted: false,
                };
            }
            Solution::WitnessV1Taproot { output_key }
                if XOnlyPublicKey::from_byte_array(*output_key).is_ok() =>
            {
                let mut bytes = vec![0x02];
                bytes.extend_from_slice(output_key);
                return Descriptor::RawTr(DescriptorKey::constant(bytes, true));
            }
            // The templates Core's `ExtractDestination` gives an address.
            Solution::PubKeyHash { .. }
            | Solution::ScriptHash { .. }
            | Solution::WitnessV0KeyHash { .. }
            | Solution::WitnessV0ScriptHash { .. }
            | Solution::WitnessV1Taproot { .. }
            | Solution::Anchor
            | Solution::WitnessUnknown { .. } => {
                if let Ok(address) = Address::from_script(script, network) {
                    return Descriptor::Addr(address);
                }
            }
            _ => {}
        }
        Descriptor::Raw(script.clone())
    }
}
