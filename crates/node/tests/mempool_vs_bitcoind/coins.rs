//! The coins the cases spend: one of each kind of output, paid by a funding transaction
//! bitcoind mines with `generateblock`, and how to unlock each.

use sou_chain::consensus::Coin;
use sou_keys::taproot::{tweak_public_key, ControlBlock, TapTree};
use sou_keys::SecretKey;
use sou_primitives::hashes::{hash160, sha256};
use sou_primitives::opcodes::{OP_CHECKMULTISIG, OP_CHECKSIG, OP_DROP};
use sou_primitives::{Script, Transaction, TxOut, Witness};
use sou_script::PrecomputedTransactionData;
use sou_wallet::{sign, SigningKey, SpendInfo};

/// The kinds of coin a case may spend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// P2WPKH, signed.
    Wpkh,
    /// P2PKH, signed.
    Pkh,
    /// P2SH-P2WPKH, signed.
    ShWpkh,
    /// P2TR key path, signed.
    Tr,
    /// P2TR with one leaf, `OP_DROP OP_TRUE`, spent by its script path.
    TrDropTrue,
    /// P2WSH of `OP_TRUE`: witness `[OP_TRUE]`.
    WshTrue,
    /// P2SH of `OP_TRUE`: scriptSig `<OP_TRUE>`.
    ShTrue,
    /// P2SH of 15 `CHECKSIG`s: at the limit, fails only its scripts.
    ShSigops15,
    /// The same as [`Kind::ShSigops15`], one of the many coins that reach BIP54's limit.
    ShSigops15Batch,
    /// P2SH of 16 `CHECKSIG`s: over the P2SH sigop limit.
    ShSigops16,
    /// Pay to anchor: empty scriptSig and witness.
    Anchor,
    /// Bare 1-of-2 multisig (a made-up signature: fails its scripts).
    BareMultisig,
    /// Bare `OP_TRUE`: a non-standard script.
    BareTrue,
    /// A witness v2 program: not yet defined.
    WitnessV2,
    /// A coinbase output too young to spend.
    ImmatureCoinbase,
}

/// The kinds the funding transaction pays (the immature coinbase aside).
pub(crate) const FUNDED: [Kind; 13] = [
    Kind::Wpkh,
    Kind::Pkh,
    Kind::ShWpkh,
    Kind::Tr,
    Kind::TrDropTrue,
    Kind::WshTrue,
    Kind::ShTrue,
    Kind::ShSigops15,
    Kind::ShSigops16,
    Kind::Anchor,
    Kind::BareMultisig,
    Kind::BareTrue,
    Kind::WitnessV2,
];

/// How many [`Kind::ShSigops15Batch`] coins the funding transaction pays: 15 sigops
/// each, so 166 of them stay within BIP54's 2,500 and 167 do not.
pub(crate) const BATCH: usize = 170;

/// The one key of this test.
pub(crate) fn key() -> SigningKey {
    let bytes = sha256(b"sou mempool_vs_bitcoind key");
    SigningKey::new(SecretKey::from_byte_array(bytes).expect("a valid key"))
}

/// `OP_0 <hash160(key)>`: where the chain's coinbases pay.
pub(crate) fn wpkh_script(key: &SigningKey) -> Script {
    let hash = hash160(&key.public.serialize_compressed());
    Script::new_witness_program(0, &hash).expect("20 bytes")
}

/// The one-leaf tree of [`Kind::TrDropTrue`].
fn drop_true_tree() -> TapTree {
    TapTree::leaf(Script::from_bytes(vec![OP_DROP.to_u8(), 0x51]))
}

fn checksigs(n: usize) -> Vec<u8> {
    vec![OP_CHECKSIG.to_u8(); n]
}

fn redeem_script(kind: Kind, key: &SigningKey) -> Option<Vec<u8>> {
    Some(match kind {
        Kind::ShWpkh => wpkh_script(key).into_bytes(),
        Kind::ShTrue => vec![0x51],
        Kind::ShSigops15 | Kind::ShSigops15Batch => checksigs(15),
        Kind::ShSigops16 => checksigs(16),
        _ => return None,
    })
}

impl Kind {
    /// The output script of a coin of this kind.
    pub(crate) fn script_pubkey(self, key: &SigningKey) -> Script {
        if let Some(redeem) = redeem_script(self, key) {
            return Script::p2sh(&hash160(&redeem));
        }
        let pubkey = key.public.serialize_compressed();
        match self {
            Kind::Wpkh | Kind::ImmatureCoinbase => wpkh_script(key),
            Kind::Pkh => Script::p2pkh(&hash160(&pubkey)),
            Kind::Tr => {
                let internal = key.public.x_only_public_key().0;
                let (output, _) = tweak_public_key(&internal, None).expect("a valid tweak");
                Script::new_witness_program(1, &output.serialize()).expect("32 bytes")
            }
            Kind::TrDropTrue => {
                let internal = key.public.x_only_public_key().0;
                let root = drop_true_tree().merkle_root();
                let (output, _) = tweak_public_key(&internal, Some(&root)).expect("a valid tweak");
                Script::new_witness_program(1, &output.serialize()).expect("32 bytes")
            }
            Kind::WshTrue => Script::new_witness_program(0, &sha256(&[0x51])).expect("32 bytes"),
            Kind::Anchor => Script::from_bytes(vec![0x51, 0x02, 0x4e, 0x73]),
            Kind::BareMultisig => Script::builder()
                .push_int(1)
                .push_slice(&pubkey)
                .push_slice(&[0x02; 33])
                .push_int(2)
                .push_opcode(OP_CHECKMULTISIG)
                .into_script(),
            Kind::BareTrue => Script::from_bytes(vec![0x51]),
            Kind::WitnessV2 => Script::new_witness_program(2, &[7; 32]).expect("32 bytes"),
            _ => unreachable!("P2SH kinds returned above"),
        }
    }

    /// The wallet's signer for this kind, if it has one.
    fn spend_info(self, key: &SigningKey) -> Option<SpendInfo> {
        Some(match self {
            Kind::Wpkh | Kind::ImmatureCoinbase => SpendInfo::P2wpkh(key.clone()),
            Kind::Pkh => SpendInfo::P2pkh(key.clone()),
            Kind::ShWpkh => SpendInfo::P2shP2wpkh(key.clone()),
            Kind::Tr => SpendInfo::P2trKeyPath {
                internal_key: key.secret.clone(),
                merkle_root: None,
            },
            _ => return None,
        })
    }

    /// The scriptSig and witness of a coin needing no signature (or a made-up one).
    fn unlock(self, key: &SigningKey) -> (Script, Witness) {
        let push = |data: &[u8]| Script::builder().push_slice(data).into_script();
        match self {
            Kind::WshTrue => (Script::new(), Witness::from_items([vec![0x51u8]])),
            Kind::TrDropTrue => {
                let internal = key.public.x_only_public_key().0;
                let tree = drop_true_tree();
                let control = ControlBlock::for_tree(&internal, &tree)
                    .expect("a valid tweak")
                    .remove(0);
                let leaf = tree.leaves().remove(0).script.into_bytes();
                let items = [vec![7u8; 20], leaf, control.serialize()];
                (Script::new(), Witness::from_items(items))
            }
            Kind::BareMultisig => (
                Script::builder()
                    .push_int(0)
                    .push_slice(&[0x30; 71])
                    .into_script(),
                Witness::new(),
            ),
            Kind::BareTrue | Kind::Anchor | Kind::WitnessV2 => (Script::new(), Witness::new()),
            _ => (
                push(&redeem_script(self, key).unwrap_or_default()),
                Witness::new(),
            ),
        }
    }
}

/// A coin a case may spend: its kind, where it is, and the coin as the UTXO set holds it.
#[derive(Debug, Clone)]
pub(crate) struct Funded {
    pub(crate) kind: Kind,
    pub(crate) outpoint: sou_primitives::OutPoint,
    pub(crate) coin: Coin,
}

/// Signs (or unlocks) every input of `tx`; `coins[i]` is what input `i` spends.
pub(crate) fn unlock_all(tx: &mut Transaction, coins: &[Funded], key: &SigningKey) {
    let spent: Vec<TxOut> = coins.iter().map(|c| c.coin.output.clone()).collect();
    let precomputed = PrecomputedTransactionData::new(tx, spent);
    for (index, funded) in coins.iter().enumerate() {
        match funded.kind.spend_info(key) {
            Some(info) => sign::sign_input(tx, index, &info, &precomputed).expect("signs"),
            None => {
                let (script_sig, witness) = funded.kind.unlock(key);
                tx.input[index].script_sig = script_sig;
                tx.input[index].witness = witness;
            }
        }
    }
}
