//! The keys this test holds, the coins they lock, and the transactions that spend them:
//! signed here with sou's wallet crate and checked by sou's interpreter before either node
//! sees them.

use sou_keys::taproot::{ControlBlock, TapTree};
use sou_keys::{Address, SecretKey, XOnlyPublicKey};
use sou_primitives::hashes::sha256;
use sou_primitives::{Amount, Network, OutPoint, Script, Transaction, TxIn, TxOut, Witness};
use sou_script::{PrecomputedTransactionData, VerifyFlags};
use sou_wallet::{sign, SigningKey, SpendInfo};

fn secret(name: &str) -> SecretKey {
    SecretKey::from_byte_array(sha256(format!("sou vs_bitcoind {name}").as_bytes())).unwrap()
}

fn x_only(key: &SecretKey) -> XOnlyPublicKey {
    key.public_key().x_only_public_key().0
}

/// The keys this test holds, and the scripts they lock.
pub(crate) struct Keys {
    pub(crate) wpkh: SigningKey,
    pub(crate) pkh: SigningKey,
    pub(crate) sh_wpkh: SigningKey,
    pub(crate) tr: SecretKey,
    pub(crate) multisig: [SecretKey; 2],
    leaf: SecretKey,
    tree_internal: SecretKey,
}

impl Keys {
    pub(crate) fn new() -> Keys {
        Keys {
            wpkh: SigningKey::new(secret("p2wpkh")),
            pkh: SigningKey::new(secret("p2pkh")),
            sh_wpkh: SigningKey::new(secret("p2sh-p2wpkh")),
            tr: secret("p2tr key path"),
            multisig: [secret("multisig 1"), secret("multisig 2")],
            leaf: secret("p2tr leaf"),
            tree_internal: secret("p2tr internal"),
        }
    }

    pub(crate) fn p2wpkh(&self) -> Address {
        Address::p2wpkh(&self.wpkh.public, Network::Regtest).unwrap()
    }
    pub(crate) fn p2pkh(&self) -> Address {
        Address::p2pkh(&self.pkh.public, Network::Regtest)
    }
    pub(crate) fn p2sh_p2wpkh(&self) -> Address {
        Address::p2sh_p2wpkh(&self.sh_wpkh.public, Network::Regtest).unwrap()
    }
    pub(crate) fn p2tr(&self) -> Address {
        Address::p2tr(&x_only(&self.tr), None, Network::Regtest).unwrap()
    }

    /// `2 <key1> <key2> 2 OP_CHECKMULTISIG`.
    pub(crate) fn multisig_script(&self) -> Script {
        let mut bytes = vec![0x52];
        for key in &self.multisig {
            bytes.push(33);
            bytes.extend_from_slice(&key.public_key().serialize_compressed());
        }
        bytes.extend_from_slice(&[0x52, 0xae]);
        Script::from_bytes(bytes)
    }
    pub(crate) fn p2wsh_multisig(&self) -> Address {
        Address::p2wsh(&self.multisig_script(), Network::Regtest)
    }

    /// Two leaves: `<leaf key> OP_CHECKSIG` (the one spent) and `OP_RETURN`.
    pub(crate) fn tree(&self) -> TapTree {
        let mut checksig = vec![32];
        checksig.extend_from_slice(&x_only(&self.leaf).serialize());
        checksig.push(0xac);
        TapTree::Branch(
            Box::new(TapTree::leaf(Script::from_bytes(checksig))),
            Box::new(TapTree::leaf(Script::from_bytes(vec![0x6a]))),
        )
    }
    pub(crate) fn p2tr_tree(&self) -> Address {
        let root = self.tree().merkle_root();
        Address::p2tr(&x_only(&self.tree_internal), Some(&root), Network::Regtest).unwrap()
    }
    pub(crate) fn script_path(&self) -> SpendInfo {
        let tree = self.tree();
        let control = ControlBlock::for_tree(&x_only(&self.tree_internal), &tree)
            .unwrap()
            .remove(0);
        SpendInfo::P2trScriptPath {
            leaf_script: tree.leaves().remove(0).script,
            control_block: control,
            keys: vec![self.leaf.clone()],
        }
    }
}

/// P2WSH of `OP_TRUE`: anyone spends it with the script as the only witness item.
pub(crate) fn op_true_script() -> Script {
    Script::from_bytes(vec![0x51])
}

/// A coin: where, what it is, how to spend it (`None`: witness `[OP_TRUE]`).
#[derive(Clone)]
pub(crate) struct Coin {
    pub(crate) outpoint: OutPoint,
    pub(crate) output: TxOut,
    pub(crate) spend: Option<SpendInfo>,
}

pub(crate) fn coin_of(tx: &Transaction, vout: u32, spend: Option<SpendInfo>) -> Coin {
    Coin {
        outpoint: OutPoint::new(tx.compute_txid(), vout),
        output: tx.output[vout as usize].clone(),
        spend,
    }
}

pub(crate) fn pay(address: &Address, sat: i64) -> TxOut {
    TxOut {
        value: Amount::from_sat(sat),
        script_pubkey: address.script_pubkey(),
    }
}

/// A transaction spending `coins` to `outputs`, signed (version 2, final lock time).
pub(crate) fn spend(coins: &[&Coin], outputs: Vec<TxOut>) -> Transaction {
    spend_with(coins, outputs, 2, 0)
}

pub(crate) fn spend_with(
    coins: &[&Coin],
    outputs: Vec<TxOut>,
    version: u32,
    lock_time: u32,
) -> Transaction {
    let mut tx = Transaction {
        version,
        input: coins
            .iter()
            .map(|c| TxIn {
                previous_output: c.outpoint,
                script_sig: Script::new(),
                // Opts in to replacement (BIP125) and leaves the lock time enforced.
                sequence: 0xffff_fffd,
                witness: Witness::new(),
            })
            .collect(),
        output: outputs,
        lock_time,
    };
    let spent: Vec<TxOut> = coins.iter().map(|c| c.output.clone()).collect();
    let precomputed = PrecomputedTransactionData::new(&tx, spent.clone());
    for (index, coin) in coins.iter().enumerate() {
        match &coin.spend {
            Some(info) => sign::sign_input(&mut tx, index, info, &precomputed).unwrap(),
            None => tx.input[index].witness = Witness::from_items([op_true_script().into_bytes()]),
        }
    }
    sign::verify_transaction(&tx, &spent, VerifyFlags::STANDARD).unwrap();
    tx
}

/// An unsigned transaction (for blocks that must fail before scripts run).
pub(crate) fn unsigned(outpoints: &[OutPoint], outputs: Vec<TxOut>) -> Transaction {
    Transaction {
        version: 2,
        input: outpoints
            .iter()
            .map(|o| TxIn {
                previous_output: *o,
                script_sig: Script::new(),
                sequence: 0xffff_ffff,
                witness: Witness::new(),
            })
            .collect(),
        output: outputs,
        lock_time: 0,
    }
}
