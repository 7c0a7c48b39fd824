//! The HD wallet against the BIP84 and BIP86 reference addresses, then on a regtest
//! chain: mining to it, maturity, paying, confirming, refusing a double spend, reorgs.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    reason = "test code: small indexes, failures are test failures"
)]

use sou_keys::bip39::{Language, Mnemonic};
use sou_keys::{Address, SecretKey};
use sou_primitives::hashes::sha256;
use sou_primitives::{Amount, FeeRate, Network, TxOut};
use sou_script::VerifyFlags;
use sou_testkit::TestChain;
use sou_wallet::sign::verify_transaction;
use sou_wallet::{AccountKind, Error, PaymentBuilder, Rng, Wallet};

const ABANDON: &str =
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

fn wallet(network: Network) -> Wallet {
    let mnemonic = Mnemonic::parse_in(Language::English, ABANDON).expect("valid mnemonic");
    Wallet::from_mnemonic(&mnemonic, "", network).expect("wallet")
}

#[test]
fn bip84_and_bip86_reference_addresses() {
    // The BIPs' test vectors: receive /0/0 and /0/1, then change /1/0.
    let vectors = [
        (
            AccountKind::Bip84,
            [
                "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu",
                "bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g",
                "bc1q8c6fshw2dlwun7ekn9qwf37cu2rn755upcp6el",
            ],
        ),
        (
            AccountKind::Bip86,
            [
                "bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr",
                "bc1p4qhjn9zdvkux4e44uhx8tc55attvtyu358kutcqkudyccelu0was9fqzwh",
                "bc1p3qkhfews2uk44qtvauqyr2ttdsw7svhkl9nkm9s9c3x4ax5h60wqwruhk7",
            ],
        ),
    ];
    let mut w = wallet(Network::Mainnet);
    for (kind, [first, second, change]) in vectors {
        assert_eq!(w.next_address(kind).unwrap().to_string(), first);
        assert_eq!(w.next_address(kind).unwrap().to_string(), second);
        let script = w.next_change_script(kind).unwrap();
        assert_eq!(
            Address::from_script(&script, Network::Mainnet)
                .unwrap()
                .to_string(),
            change
        );
    }
}

/// Bob's P2WPKH script, the payee of these tests.
fn bob() -> sou_primitives::Script {
    let key = SecretKey::from_byte_array(sha256(b"bob"))
        .unwrap()
        .public_key();
    Address::p2wpkh(&key, Network::Regtest)
        .unwrap()
        .script_pubkey()
}

/// A regtest chain whose coinbases pay a fresh address of the wallet.
fn funded(blocks: u32) -> (TestChain, Wallet) {
    let mut chain = TestChain::new();
    let mut w = wallet(Network::Regtest);
    let address = w.next_address(AccountKind::Bip84).unwrap();
    chain.set_payout(Some(address.script_pubkey()));
    for _ in 0..blocks {
        let block = chain.build_block(vec![], Amount::ZERO);
        let height = chain.state.height() + 1;
        chain
            .state
            .process_block(block.clone())
            .expect("valid block");
        w.apply_block(&block, height).unwrap();
    }
    chain.set_payout(None);
    w.set_time(i64::from(u32::MAX)); // far ahead of regtest's clock: no anti-fee-sniping
    (chain, w)
}

fn confirm(
    chain: &mut TestChain,
    w: &mut Wallet,
    txs: Vec<sou_primitives::Transaction>,
    fees: Amount,
) {
    let block = chain.build_block(txs, fees);
    let height = chain.state.height() + 1;
    chain
        .state
        .process_block(block.clone())
        .expect("the chain accepts the block");
    w.apply_block(&block, height).unwrap();
}

#[test]
fn coinbase_coins_mature_after_100_confirmations() {
    let coin = 50 * 100_000_000;
    let (mut chain, mut w) = funded(99);
    // The first coinbase has 99 confirmations: none of it may be spent yet.
    assert_eq!(w.balance().immature, Amount::from_sat(99 * coin));
    assert_eq!(w.balance().confirmed, Amount::ZERO);
    assert!(w.spendable_coins().is_empty());
    confirm(&mut chain, &mut w, vec![], Amount::ZERO);
    // Now 100: spendable in the next block, which the chain confirms.
    assert_eq!(w.balance().confirmed, Amount::from_sat(coin));
    assert_eq!(w.balance().immature, Amount::from_sat(98 * coin));
    let to = bob();
    let payment =
        PaymentBuilder::new(FeeRate::from_sat_per_vb(2)).pay(to, Amount::from_sat(coin / 2));
    let (tx, unsigned) = w
        .send(payment, &mut Rng::seeded(3))
        .expect("pays with the mature coin");
    confirm(&mut chain, &mut w, vec![tx], unsigned.fee);
}

#[test]
fn pay_confirm_and_refuse_a_double_spend() {
    let (mut chain, mut w) = funded(101);
    let mut rng = Rng::seeded(1);
    let to = bob();
    let rate = FeeRate::from_sat_per_vb(5);
    let payment = PaymentBuilder::new(rate).pay(to.clone(), Amount::from_sat(1_2345_6789));
    let (tx, unsigned) = w.send(payment, &mut rng).expect("pays");
    // Signed size is the estimate, fee is at least the rate, RBF signalled.
    assert_eq!(tx.weight(), unsigned.estimated_weight);
    assert!(unsigned.fee >= rate.fee_for_vsize(tx.vsize()));
    assert!(tx.input.iter().all(|i| i.sequence == 0xffff_fffd));
    let spent: Vec<TxOut> = unsigned.spent_outputs();
    verify_transaction(&tx, &spent, VerifyFlags::CONSENSUS).unwrap();
    let before = w.balance();
    assert!(
        before.unconfirmed > Amount::ZERO,
        "change waits for a block"
    );

    // The same coin again: refused.
    let again = PaymentBuilder::new(rate)
        .pay(to.clone(), Amount::from_sat(1000))
        .must_spend(tx.input[0].previous_output);
    assert_eq!(
        w.build_payment(again, &mut rng).unwrap_err(),
        Error::AlreadySpent(tx.input[0].previous_output)
    );

    confirm(&mut chain, &mut w, vec![tx.clone()], unsigned.fee);
    let after = w.balance();
    assert_eq!(after.unconfirmed, Amount::ZERO);
    let paid_and_fee = Amount::from_sat(1_2345_6789 + unsigned.fee.to_sat());
    // Everything mined to the wallet, less what left (block 102 paid the test key).
    assert_eq!(
        after.confirmed.to_sat() + after.immature.to_sat(),
        101 * 50 * 100_000_000 - paid_and_fee.to_sat()
    );
    // Spending the confirmed-spent coin is refused too.
    let again = PaymentBuilder::new(rate)
        .pay(to, Amount::from_sat(1000))
        .must_spend(tx.input[0].previous_output);
    assert!(w.build_payment(again, &mut rng).is_err());
}

#[test]
fn insufficient_funds_names_the_shortfall() {
    let (_chain, mut w) = funded(101);
    let to = bob();
    let payment = PaymentBuilder::new(FeeRate::from_sat_per_vb(1))
        .pay(to, Amount::from_sat(101 * 100_000_000));
    match w.build_payment(payment, &mut Rng::seeded(2)) {
        Err(Error::InsufficientFunds { shortfall, .. }) => {
            // Two mature coins of 50 BTC less their input fees, against 101 BTC plus fees.
            assert!(
                shortfall > Amount::from_sat(100_000_000)
                    && shortfall < Amount::from_sat(100_001_000),
                "{shortfall:?}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_reorg_returns_a_payment_to_pending_and_a_conflicting_block_drops_it() {
    let (mut chain, mut w) = funded(101);
    let mut rng = Rng::seeded(4);
    let bob = bob();
    let rate = FeeRate::from_sat_per_vb(3);
    let (tx, unsigned) = w
        .send(
            PaymentBuilder::new(rate).pay(bob.clone(), Amount::from_sat(700_000_000)),
            &mut rng,
        )
        .unwrap();
    let fork_point = chain.state.tip();
    let block_a = chain.build_block(vec![tx.clone()], unsigned.fee);
    chain.state.process_block(block_a.clone()).unwrap();
    w.apply_block(&block_a, 102).unwrap();
    assert_eq!(w.pending().count(), 0);

    // A longer branch without the payment: the wallet follows the chain's reorg.
    let b1 = chain.build_block_on(fork_point, vec![], Amount::ZERO);
    chain.state.process_block(b1.clone()).unwrap();
    let b2 = chain.build_block_on(b1.block_hash(), vec![], Amount::ZERO);
    chain.state.process_block(b2.clone()).unwrap();
    assert_eq!(chain.state.tip(), b2.block_hash());
    w.disconnect_block(&block_a, 102).unwrap();
    assert_eq!(w.pending().count(), 1, "the payment waits again");
    w.apply_block(&b1, 102).unwrap();
    w.apply_block(&b2, 103).unwrap();

    // Someone with the same keys spends the same coin differently, and a block
    // confirms that: the wallet's payment can never confirm now.
    let coin = unsigned.spent[0].clone();
    let conflicting = PaymentBuilder::new(FeeRate::from_sat_per_vb(20))
        .pay(bob, Amount::from_sat(100_000_000))
        .change_to(
            w.next_change_script(AccountKind::Bip84).unwrap(),
            sou_wallet::InputKind::P2wpkh,
        )
        .build(std::slice::from_ref(&coin), &mut rng)
        .unwrap();
    let double_spend = w.sign(&conflicting).unwrap();
    assert_eq!(
        w.add_unconfirmed(&double_spend).unwrap_err(),
        Error::AlreadySpent(coin.outpoint)
    );
    let block = chain.build_block(vec![double_spend.clone()], conflicting.fee);
    chain.state.process_block(block.clone()).unwrap();
    let events = w.apply_block(&block, 104).unwrap();
    assert_eq!(events.conflicted, vec![tx.compute_txid()]);
    assert_eq!(w.pending().count(), 0);
    assert_eq!(w.balance().unconfirmed, Amount::ZERO);
    // The balance now reflects the double spend: 101 coinbases less 1 BTC and its fee.
    let b = w.balance();
    assert_eq!(
        b.confirmed.to_sat() + b.immature.to_sat(),
        101 * 50 * 100_000_000 - 100_000_000 - conflicting.fee.to_sat()
    );
}

#[test]
fn a_payment_through_a_psbt() {
    // Coins on both accounts: the P2WPKH coinbases, then a payment to the taproot account.
    let (mut chain, mut w) = funded(101);
    let mut rng = Rng::seeded(5);
    let taproot = w.next_address(AccountKind::Bip86).unwrap().script_pubkey();
    let (tx, unsigned) = w
        .send(
            PaymentBuilder::new(FeeRate::from_sat_per_vb(2))
                .pay(taproot, Amount::from_sat(2_000_000_000)),
            &mut rng,
        )
        .unwrap();
    confirm(&mut chain, &mut w, vec![tx], unsigned.fee);

    // Spend both kinds at once, through the PSBT roles, and let the chain judge.
    let bob = bob();
    let coins = w.spendable_coins();
    let p2tr = coins
        .iter()
        .find(|c| c.output.script_pubkey.is_p2tr())
        .unwrap()
        .outpoint;
    let p2wpkh = coins
        .iter()
        .find(|c| c.output.script_pubkey.is_p2wpkh())
        .unwrap()
        .outpoint;
    let payment = PaymentBuilder::new(FeeRate::from_sat_per_vb(4))
        .pay(bob, Amount::from_sat(6_000_000_000))
        .must_spend(p2tr)
        .must_spend(p2wpkh);
    let unsigned = w.build_payment(payment, &mut rng).unwrap();
    let psbt = w.to_psbt(&unsigned);
    let mut psbt = sou_wallet::psbt::Psbt::from_base64(&psbt.to_base64()).unwrap();
    assert_eq!(w.sign_psbt(&mut psbt).unwrap(), 2);
    psbt.finalize().unwrap();
    let tx = psbt.extract_tx().unwrap();
    assert_eq!(tx.weight(), unsigned.estimated_weight);
    verify_transaction(&tx, &unsigned.spent_outputs(), VerifyFlags::STANDARD).unwrap();
    w.add_unconfirmed(&tx).unwrap();
    confirm(&mut chain, &mut w, vec![tx], unsigned.fee);
    assert_eq!(w.pending().count(), 0);
}

#[test]
fn a_restored_wallet_finds_coins_within_the_gap_limit() {
    let mut original = wallet(Network::Regtest);
    let addresses: Vec<Address> = (0..61)
        .map(|_| original.next_address(AccountKind::Bip84).unwrap())
        .collect();
    let mut chain = TestChain::new();
    let mut blocks = Vec::new();
    // Coins at receive indexes 15 and 30 (within 20 of each other), then 60 (30 beyond).
    for index in [15, 30, 60] {
        chain.set_payout(Some(addresses[index].script_pubkey()));
        let block = chain.build_block(vec![], Amount::ZERO);
        chain.state.process_block(block.clone()).unwrap();
        blocks.push(block);
    }
    let mut restored = wallet(Network::Regtest);
    for (height, block) in (1u32..).zip(&blocks) {
        restored.apply_block(block, height).unwrap();
    }
    let mut found: Vec<u32> = restored.coins().map(|c| c.origin.index).collect();
    found.sort_unstable();
    assert_eq!(found, vec![15, 30], "index 60 lies beyond the gap limit");
    // With a wider gap the coin at 60 is found too.
    let mut wide = wallet(Network::Regtest);
    wide.set_gap_limit(40).unwrap();
    for (height, block) in (1u32..).zip(&blocks) {
        wide.apply_block(block, height).unwrap();
    }
    assert_eq!(wide.coins().count(), 3);
    // As in Core, the next address comes after the highest one seen in use.
    assert_eq!(
        restored.next_address(AccountKind::Bip84).unwrap(),
        addresses[31]
    );
}

#[test]
fn a_double_spend_of_a_confirmed_payment_is_refused_and_children_fall_with_their_parent() {
    let (mut chain, mut w) = funded(101);
    let mut rng = Rng::seeded(8);
    let rate = FeeRate::from_sat_per_vb(2);
    let (paid, unsigned) = w
        .send(
            PaymentBuilder::new(rate).pay(bob(), Amount::from_sat(100_000_000)),
            &mut rng,
        )
        .unwrap();
    // Re-signing the same coin to another payee, after the first payment confirmed.
    let coin = unsigned.spent[0].clone();
    let again = PaymentBuilder::new(rate)
        .pay(bob(), Amount::from_sat(200_000_000))
        .change_to(
            coin.output.script_pubkey.clone(),
            sou_wallet::InputKind::P2wpkh,
        )
        .build(std::slice::from_ref(&coin), &mut rng)
        .unwrap();
    let double_spend = w.sign(&again).unwrap();
    confirm(&mut chain, &mut w, vec![paid], unsigned.fee);
    assert_eq!(
        w.add_unconfirmed(&double_spend).unwrap_err(),
        Error::AlreadySpent(coin.outpoint)
    );

    // A pending payment, a pending child spending its change, then a block confirming a
    // conflict of the parent: both are dropped.
    let (parent, parent_payment) = w
        .send(
            PaymentBuilder::new(rate).pay(bob(), Amount::from_sat(300_000_000)),
            &mut rng,
        )
        .unwrap();
    let change = parent_payment.change_index.expect("change");
    let child_payment = PaymentBuilder::new(rate)
        .pay(bob(), Amount::from_sat(50_000_000))
        .must_spend(sou_primitives::OutPoint::new(
            parent.compute_txid(),
            change as u32,
        ))
        .change_to(
            w.next_change_script(AccountKind::Bip84).unwrap(),
            sou_wallet::InputKind::P2wpkh,
        );
    let unconfirmed_change = sou_wallet::SpendableCoin {
        outpoint: sou_primitives::OutPoint::new(parent.compute_txid(), change as u32),
        output: parent.output[change].clone(),
        kind: sou_wallet::InputKind::P2wpkh,
    };
    let child = child_payment
        .build(&[unconfirmed_change], &mut rng)
        .unwrap();
    let child_tx = w.sign(&child).unwrap();
    w.add_unconfirmed(&child_tx).unwrap();
    assert_eq!(w.pending().count(), 2);
    let parent_coin = parent_payment.spent[0].clone();
    let conflict = PaymentBuilder::new(FeeRate::from_sat_per_vb(9))
        .pay(bob(), Amount::from_sat(400_000_000))
        .change_to(
            parent_coin.output.script_pubkey.clone(),
            sou_wallet::InputKind::P2wpkh,
        )
        .build(std::slice::from_ref(&parent_coin), &mut rng)
        .unwrap();
    let conflict_tx = w.sign(&conflict).unwrap();
    confirm(&mut chain, &mut w, vec![conflict_tx], conflict.fee);
    assert_eq!(w.pending().count(), 0, "the parent and its child are gone");
    assert_eq!(w.balance().unconfirmed, Amount::ZERO);
}

#[test]
fn unconfirmed_change_pays_when_confirmed_coins_fall_short() {
    // One mature coin: a first payment leaves its change unconfirmed, and a second payment
    // can only be made from that change.
    let (mut chain, mut w) = funded(100);
    let mut rng = Rng::seeded(11);
    let rate = FeeRate::from_sat_per_vb(2);
    let (first, first_payment) = w
        .send(
            PaymentBuilder::new(rate).pay(bob(), Amount::from_sat(1_000_000_000)),
            &mut rng,
        )
        .unwrap();
    assert!(w.spendable_coins().is_empty());
    assert_eq!(w.spendable_coins_with_change().len(), 1);
    let (second, second_payment) = w
        .send(
            PaymentBuilder::new(rate).pay(bob(), Amount::from_sat(500_000_000)),
            &mut rng,
        )
        .unwrap();
    assert_eq!(second.input[0].previous_output.txid, first.compute_txid());
    // A node takes both in one block, parent first.
    confirm(
        &mut chain,
        &mut w,
        vec![first, second],
        Amount::from_sat(first_payment.fee.to_sat() + second_payment.fee.to_sat()),
    );
    assert_eq!(w.pending().count(), 0);
}

#[test]
fn a_stuck_payment_is_bumped_by_replacement() {
    let (mut chain, mut w) = funded(101);
    let mut rng = Rng::seeded(12);
    let (slow, slow_payment) = w
        .send(
            PaymentBuilder::new(FeeRate::from_sat_per_vb(1))
                .pay(bob(), Amount::from_sat(300_000_000)),
            &mut rng,
        )
        .unwrap();
    let (fast, bumped) = w
        .bump_fee(slow.compute_txid(), FeeRate::from_sat_per_vb(20))
        .unwrap();
    let fast = &fast;
    // Same coins, same payee, more fee, taken from the change.
    assert_eq!(
        fast.input
            .iter()
            .map(|i| i.previous_output)
            .collect::<Vec<_>>(),
        slow.input
            .iter()
            .map(|i| i.previous_output)
            .collect::<Vec<_>>()
    );
    assert!(bumped.fee >= FeeRate::from_sat_per_vb(20).fee_for_vsize(fast.vsize()));
    assert!(bumped.fee.to_sat() >= slow_payment.fee.to_sat() + fast.vsize() as i64);
    assert_eq!(fast.weight(), bumped.estimated_weight);
    assert_eq!(
        w.pending().map(|t| t.compute_txid()).collect::<Vec<_>>(),
        vec![fast.compute_txid()]
    );
    // A small bump still pays the incremental relay fee on top of the old fee.
    let (again_tx, again) = w
        .bump_fee(fast.compute_txid(), FeeRate::from_sat_per_vb(1))
        .unwrap();
    assert_eq!(
        again.fee.to_sat(),
        bumped.fee.to_sat() + again_tx.vsize() as i64
    );
    confirm(&mut chain, &mut w, vec![again_tx.clone()], again.fee);
    assert_eq!(w.pending().count(), 0);
    // Only pending, replaceable payments can be bumped.
    assert_eq!(
        w.bump_fee(slow.compute_txid(), FeeRate::from_sat_per_vb(30))
            .unwrap_err(),
        Error::NotReplaceable(slow.compute_txid())
    );
}
