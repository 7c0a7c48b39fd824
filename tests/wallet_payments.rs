//! Wallet-signed payments of every spend type (and fee-bumped replacements), confirmed on a
//! regtest chain that sou's own validation accepts; with `SOU_DUMP_DIR` set, the chains go to
//! `scripts/compare-blocks-with-core.sh`, which asks Bitcoin Core for its verdict too.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

mod support;

use sou::keys::taproot::{ControlBlock, TapTree};
use sou::primitives::hashes::sha256;
use sou::primitives::opcodes::{OP_CHECKMULTISIG, OP_CHECKSIG};
use sou::primitives::script::Builder;
use sou::script::VerifyFlags;
use sou::wallet::sign::{sign_transaction, verify_transaction, x_only, SigningKey, SpendInfo};
use sou::wallet::{AccountKind, PaymentBuilder, Rng, Wallet};
use sou::{
    Address, Amount, FeeRate, Network, OutPoint, Script, SecretKey, Transaction, TxIn, TxOut,
    Witness,
};
use sou_testkit::TestChain;

fn key(round: u8, n: u8) -> SecretKey {
    SecretKey::from_byte_array(sha256(&[round, n])).unwrap()
}

/// One output script per spend type, with what signs it.
fn spend_types(round: u8) -> Vec<(Script, SpendInfo)> {
    let net = Network::Regtest;
    let ms_keys: Vec<SecretKey> = (10..13).map(|n| key(round, n)).collect();
    let mut b = Builder::new().push_int(2);
    for k in &ms_keys {
        b = b.push_slice(&k.public_key().serialize_compressed());
    }
    let ms = b.push_int(3).push_opcode(OP_CHECKMULTISIG).into_script();
    let leaf_key = key(round, 20);
    let leaf = Builder::new()
        .push_slice(&x_only(&leaf_key).serialize())
        .push_opcode(OP_CHECKSIG)
        .into_script();
    let tree = TapTree::leaf(leaf.clone());
    let internal = x_only(&key(round, 21));
    let control_block = ControlBlock::for_tree(&internal, &tree).unwrap().remove(0);
    vec![
        (
            Address::p2pkh(&key(round, 1).public_key(), net).script_pubkey(),
            SpendInfo::P2pkh(SigningKey::new(key(round, 1))),
        ),
        (
            Address::p2sh_p2wpkh(&key(round, 2).public_key(), net)
                .unwrap()
                .script_pubkey(),
            SpendInfo::P2shP2wpkh(SigningKey::new(key(round, 2))),
        ),
        (
            Address::p2wpkh(&key(round, 3).public_key(), net)
                .unwrap()
                .script_pubkey(),
            SpendInfo::P2wpkh(SigningKey::new(key(round, 3))),
        ),
        (
            Address::p2wsh(&ms, net).script_pubkey(),
            SpendInfo::P2wshMultisig {
                witness_script: ms.clone(),
                keys: vec![ms_keys[0].clone(), ms_keys[2].clone()],
            },
        ),
        (
            Address::p2tr(&x_only(&key(round, 4)), None, net)
                .unwrap()
                .script_pubkey(),
            SpendInfo::P2trKeyPath {
                internal_key: key(round, 4),
                merkle_root: None,
            },
        ),
        (
            Address::p2tr(&internal, Some(&tree.merkle_root()), net)
                .unwrap()
                .script_pubkey(),
            SpendInfo::P2trScriptPath {
                leaf_script: leaf,
                control_block,
                keys: vec![leaf_key],
            },
        ),
    ]
}

#[test]
fn every_spend_type_confirms() {
    for round in 0..4u8 {
        let mut chain = TestChain::new();
        let mnemonic = sou::keys::bip39::Mnemonic::from_entropy(
            &[round; 16],
            sou::keys::bip39::Language::English,
        )
        .unwrap();
        let mut wallet = Wallet::from_mnemonic(&mnemonic, "", Network::Regtest).unwrap();
        wallet.set_time(i64::from(u32::MAX));
        let coins = chain.mine_empty(101);

        // Block 102: the test key funds one output of each type, and two wallet addresses.
        let types = spend_types(round);
        let mut outputs: Vec<TxOut> = types
            .iter()
            .enumerate()
            .map(|(i, (script, _))| TxOut {
                value: Amount::from_sat(100_000_000 + i as i64 * 1_000 + i64::from(round)),
                script_pubkey: script.clone(),
            })
            .collect();
        for kind in [AccountKind::Bip84, AccountKind::Bip86] {
            outputs.push(TxOut {
                value: Amount::from_sat(500_000_000),
                script_pubkey: wallet.next_address(kind).unwrap().script_pubkey(),
            });
        }
        let total: i64 = outputs.iter().map(|o| o.value.to_sat()).sum();
        let fee = coins[0].value.to_sat() - total;
        let funding = chain.spend(&coins[0], outputs);
        let funding_txid = funding.compute_txid();
        let block = chain.build_block(vec![funding], Amount::from_sat(fee));
        chain.state.process_block(block.clone()).unwrap();
        for h in 1..=102u32 {
            let hash = chain.state.active_chain()[h as usize];
            let b = chain.state.block_ref(&hash).unwrap().clone();
            wallet.apply_block(&b, h).unwrap();
        }

        // Block 103: one transaction spends the six typed outputs; the wallet pays from its
        // P2WPKH and P2TR coins with change.
        let inputs: Vec<(TxOut, SpendInfo)> = types
            .into_iter()
            .enumerate()
            .map(|(i, (script, info))| {
                (
                    TxOut {
                        value: Amount::from_sat(100_000_000 + i as i64 * 1_000 + i64::from(round)),
                        script_pubkey: script,
                    },
                    info,
                )
            })
            .collect();
        let mut sweep = Transaction {
            version: 2,
            input: (0..inputs.len() as u32)
                .map(|vout| TxIn {
                    previous_output: OutPoint::new(funding_txid, vout),
                    script_sig: Script::new(),
                    sequence: 0xffff_fffd,
                    witness: Witness::new(),
                })
                .collect(),
            output: vec![TxOut {
                value: Amount::from_sat(599_990_000),
                script_pubkey: Address::p2wpkh(&key(round, 99).public_key(), Network::Regtest)
                    .unwrap()
                    .script_pubkey(),
            }],
            lock_time: 102,
        };
        sign_transaction(&mut sweep, &inputs).unwrap();
        let spent: Vec<TxOut> = inputs.iter().map(|(o, _)| o.clone()).collect();
        verify_transaction(&sweep, &spent, VerifyFlags::CONSENSUS).unwrap();
        let sweep_fee = spent.iter().map(|o| o.value.to_sat()).sum::<i64>() - 599_990_000;

        let bob = Address::p2tr(&x_only(&key(round, 98)), None, Network::Regtest)
            .unwrap()
            .script_pubkey();
        let payment = PaymentBuilder::new(FeeRate::from_sat_per_vb(3 + u64::from(round)))
            .pay(bob, Amount::from_sat(700_000_000));
        let (paid, unsigned) = wallet
            .send(payment, &mut Rng::seeded(u64::from(round)))
            .unwrap();
        assert_eq!(paid.input.len(), 2, "both wallet coins are needed");
        // Odd rounds replace the payment by a higher-fee one before it confirms.
        let (paid, fee) = if round % 2 == 1 {
            let (replacement, bumped) = wallet
                .bump_fee(paid.compute_txid(), FeeRate::from_sat_per_vb(25))
                .unwrap();
            (replacement, bumped.fee)
        } else {
            (paid, unsigned.fee)
        };

        let block = chain.build_block(
            vec![sweep, paid],
            Amount::from_sat(sweep_fee + fee.to_sat()),
        );
        chain
            .state
            .process_block(block.clone())
            .unwrap_or_else(|e| panic!("round {round}: {e}"));
        wallet.apply_block(&block, 103).unwrap();
        assert_eq!(wallet.pending().count(), 0);
        // The chain up to 102, then block 103, for Core's verdict.
        let tip = chain.state.tip();
        support::dump_chain_then(&chain, &block, "valid", tip);
    }
}
