//! Coin selection and the payment builder, without a chain.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    reason = "test code: small indexes, failures are test failures"
)]

use sou_keys::{Address, SecretKey};
use sou_primitives::hashes::sha256;
use sou_primitives::{Amount, FeeRate, Network, OutPoint, Script, TxOut, Txid, Weight};
use sou_script::VerifyFlags;
use sou_wallet::select::{self, branch_and_bound, select_coins, Candidate, SelectionParams};
use sou_wallet::sign::{verify_transaction, SigningKey, SpendInfo};
use sou_wallet::size::dust_threshold;
use sou_wallet::{Algorithm, Error, InputKind, LockTimePolicy, PaymentBuilder, Rng, SpendableCoin};

/// A P2WPKH input with a 72-byte signature: 272 weight units, 68 vbytes.
const P2WPKH_INPUT: Weight = Weight::from_wu(272);

fn key(n: u32) -> SecretKey {
    SecretKey::from_byte_array(sha256(&n.to_le_bytes())).expect("valid key")
}

fn p2wpkh(n: u32) -> Script {
    Address::p2wpkh(&key(n).public_key(), Network::Regtest)
        .expect("key")
        .script_pubkey()
}

fn p2tr(n: u32) -> Script {
    let xonly = key(n).keypair().x_only_public_key().0;
    Address::p2tr(&xonly, None, Network::Regtest)
        .expect("key")
        .script_pubkey()
}

/// Coins `i` of `values`, P2WPKH to key `i` (or P2TR for `taproot`).
fn coins(values: &[i64], taproot: bool) -> Vec<SpendableCoin> {
    values
        .iter()
        .enumerate()
        .map(|(i, &v)| SpendableCoin {
            outpoint: OutPoint::new(Txid::from_byte_array(sha256(&(i as u32).to_be_bytes())), 0),
            output: TxOut {
                value: Amount::from_sat(v),
                script_pubkey: if taproot {
                    p2tr(i as u32)
                } else {
                    p2wpkh(i as u32)
                },
            },
            kind: if taproot {
                InputKind::P2trKeyPath
            } else {
                InputKind::P2wpkh
            },
        })
        .collect()
}

fn signer(coin: &SpendableCoin) -> Option<SpendInfo> {
    let i = (0..10_000u32).find(|&i| {
        coin.output.script_pubkey == p2wpkh(i) || coin.output.script_pubkey == p2tr(i)
    })?;
    Some(if coin.output.script_pubkey.is_p2tr() {
        SpendInfo::P2trKeyPath {
            internal_key: key(i),
            merkle_root: None,
        }
    } else {
        SpendInfo::P2wpkh(SigningKey::new(key(i)))
    })
}

fn params(target: i64, fee_rate: FeeRate) -> SelectionParams {
    SelectionParams {
        target: Amount::from_sat(target),
        fee_rate,
        long_term_fee_rate: FeeRate::from_sat_per_vb(10),
        change_fee: Amount::from_sat(31),
        cost_of_change: Amount::from_sat(31 + 68),
        min_viable_change: Amount::from_sat(294),
        min_change_target: Amount::from_sat(50_031),
    }
}

#[test]
fn branch_and_bound_finds_exact_changeless_sets() {
    // At a zero fee rate effective values are the values.
    let values = [100_000, 200_000, 300_000, 400_000, 150_000];
    let candidates: Vec<Candidate> = values
        .iter()
        .map(|&v| Candidate {
            value: Amount::from_sat(v),
            input_weight: P2WPKH_INPUT,
        })
        .collect();
    for target in [350_000, 500_000, 1_000_000, 1_150_000] {
        let found = branch_and_bound(&candidates, &params(target, FeeRate::ZERO))
            .expect("an exact match exists");
        let sum: i64 = found.iter().map(|&i| values[i]).sum();
        assert!(sum >= target && sum <= target + 99, "{target}: {sum}");
    }
    // 50,000 away from any subset sum, beyond the cost of change: no changeless answer.
    assert_eq!(
        branch_and_bound(&candidates, &params(1_200_000, FeeRate::ZERO)),
        None
    );
    // Past the window by one satoshi: 350,000 + 99 + 1 is too far above 350,000 - 100.
    assert_eq!(
        branch_and_bound(&candidates, &params(349_900, FeeRate::ZERO)),
        None
    );
    assert!(branch_and_bound(&candidates, &params(349_901, FeeRate::ZERO)).is_some());
}

#[test]
fn selection_falls_back_when_no_exact_match() {
    let values = [100_000, 200_000, 300_000, 400_000, 150_000];
    let candidates: Vec<Candidate> = values
        .iter()
        .map(|&v| Candidate {
            value: Amount::from_sat(v),
            input_weight: P2WPKH_INPUT,
        })
        .collect();
    let mut rng = Rng::seeded(7);
    let p = params(1_010_000, FeeRate::from_sat_per_vb(1));
    let s = select_coins(&candidates, &p, &mut rng).expect("enough coins");
    assert_ne!(s.algorithm, Algorithm::BranchAndBound);
    assert!(s.effective_value >= p.target);
    assert!(s.change.is_some());
    // Far too much: the error says by how much.
    match select_coins(
        &candidates,
        &params(2_000_000, FeeRate::from_sat_per_vb(1)),
        &mut rng,
    ) {
        Err(Error::InsufficientFunds {
            shortfall,
            available,
            ..
        }) => {
            assert_eq!(available, Amount::from_sat(1_150_000 - 5 * 68));
            assert_eq!(shortfall, Amount::from_sat(850_000 + 5 * 68));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn uneconomic_coins_are_left_alone() {
    // At 50 sat/vB a P2WPKH input costs 3,400 sat: a 3,000 sat coin is worth less than nothing.
    let candidates = [Candidate {
        value: Amount::from_sat(3_000),
        input_weight: InputKind::P2wpkh.weight(),
    }];
    assert!(matches!(
        select_coins(
            &candidates,
            &params(1, FeeRate::from_sat_per_vb(50)),
            &mut Rng::seeded(1)
        ),
        Err(Error::InsufficientFunds { .. })
    ));
}

#[test]
fn ten_thousand_coins() {
    let mut rng = Rng::seeded(99);
    let candidates: Vec<Candidate> = (0..10_000)
        .map(|_| Candidate {
            value: Amount::from_sat(1_000 + rng.below(10_000_000) as i64),
            input_weight: P2WPKH_INPUT,
        })
        .collect();
    let p = params(123_456_789, FeeRate::from_sat_per_vb(4));
    let s = select_coins(&candidates, &p, &mut rng).expect("selects");
    assert!(s.effective_value >= p.target);
    let mut unique = s.indexes.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), s.indexes.len());
}

#[test]
fn dust_thresholds_match_core() {
    let rate = FeeRate::DUST_RELAY;
    let pkh = Address::p2pkh(&key(1).public_key(), Network::Regtest).script_pubkey();
    assert_eq!(dust_threshold(&pkh, rate), Amount::from_sat(546));
    assert_eq!(dust_threshold(&p2wpkh(1), rate), Amount::from_sat(294));
    assert_eq!(dust_threshold(&p2tr(1), rate), Amount::from_sat(330));
    let sh = Address::p2sh(&pkh, Network::Regtest).script_pubkey();
    assert_eq!(dust_threshold(&sh, rate), Amount::from_sat(540));
    assert_eq!(
        dust_threshold(&Script::from_bytes(vec![0x6a, 0x01, 0x00]), rate),
        Amount::ZERO
    );
}

#[test]
fn payments_sign_to_their_estimate() {
    for taproot in [false, true] {
        let coins = coins(
            &[40_000, 75_000, 120_000, 500_000, 1_000_000, 33_333],
            taproot,
        );
        for (seed, amount) in [
            (1u64, 50_000i64),
            (2, 400_000),
            (3, 1_100_000),
            (4, 160_000),
        ] {
            let rate = FeeRate::from_sat_per_kvb(1_000 + seed * 3_333);
            let payment = PaymentBuilder::new(rate)
                .pay(p2wpkh(5000), Amount::from_sat(amount))
                .change_to(p2tr(5001), InputKind::P2trKeyPath);
            let unsigned = payment
                .build(&coins, &mut Rng::seeded(seed))
                .expect("builds");
            let tx = unsigned.sign(signer).expect("signs");
            verify_transaction(&tx, &unsigned.spent_outputs(), VerifyFlags::STANDARD)
                .expect("valid");
            assert_eq!(tx.weight(), unsigned.estimated_weight, "exact estimate");
            let fee = unsigned
                .spent_outputs()
                .iter()
                .map(|o| o.value.to_sat())
                .sum::<i64>()
                - tx.output.iter().map(|o| o.value.to_sat()).sum::<i64>();
            assert_eq!(Amount::from_sat(fee), unsigned.fee);
            assert!(
                unsigned.fee >= rate.fee_for_vsize(tx.vsize()),
                "fee below the rate"
            );
            if let Some(i) = unsigned.change_index {
                assert_eq!(tx.output[i].script_pubkey, p2tr(5001));
            } else {
                // Changeless: the excess given to the miner is below the cost of change.
                assert!(
                    unsigned.fee.to_sat() - rate.fee_for_vsize(tx.vsize()).to_sat() < 1_000_000
                );
            }
        }
    }
}

#[test]
fn signals_lock_time_and_data() {
    let coins = coins(&[1_000_000], false);
    let base = || {
        PaymentBuilder::new(FeeRate::from_sat_per_vb(2))
            .pay(p2wpkh(77), Amount::from_sat(10_000))
            .change_to(p2wpkh(78), InputKind::P2wpkh)
    };
    let unsigned = base().build(&coins, &mut Rng::seeded(1)).unwrap();
    assert!(
        unsigned.tx.input.iter().all(|i| i.sequence == 0xffff_fffd),
        "RBF by default"
    );
    let unsigned = base()
        .rbf(false)
        .build(&coins, &mut Rng::seeded(1))
        .unwrap();
    assert!(unsigned.tx.input.iter().all(|i| i.sequence == 0xffff_fffe));

    // Anti-fee-sniping: the tip height, sometimes up to 99 lower; 0 behind the network.
    let mut heights = Vec::new();
    for seed in 0..200 {
        let policy = LockTimePolicy::AntiFeeSniping {
            tip_height: 800_000,
            tip_time: 1_700_000_000,
            now: 1_700_000_600,
        };
        heights.push(
            base()
                .lock_time(policy)
                .build(&coins, &mut Rng::seeded(seed))
                .unwrap()
                .tx
                .lock_time,
        );
    }
    assert!(heights
        .iter()
        .all(|&h| (800_000 - 99..=800_000).contains(&h)));
    let at_tip = heights.iter().filter(|&&h| h == 800_000).count();
    assert!(at_tip > 150 && at_tip < 200, "{at_tip} of 200 at the tip");
    let stale = LockTimePolicy::AntiFeeSniping {
        tip_height: 800_000,
        tip_time: 1_700_000_000,
        now: 1_700_000_000 + 8 * 3600 + 1,
    };
    assert_eq!(
        base()
            .lock_time(stale)
            .build(&coins, &mut Rng::seeded(1))
            .unwrap()
            .tx
            .lock_time,
        0
    );

    // An OP_RETURN output: zero value, data pushed after OP_RETURN.
    let unsigned = base()
        .data(b"sou: comment ca marche")
        .build(&coins, &mut Rng::seeded(1))
        .unwrap();
    let data_out = unsigned
        .tx
        .output
        .iter()
        .find(|o| o.script_pubkey.is_unspendable())
        .expect("data output");
    assert_eq!(data_out.value, Amount::ZERO);
    assert_eq!(
        &data_out.script_pubkey.as_bytes()[2..],
        b"sou: comment ca marche"
    );
    assert_eq!(
        base()
            .data(&[0; 81])
            .build(&coins, &mut Rng::seeded(1))
            .unwrap_err(),
        Error::DataTooLarge(81)
    );
}

#[test]
fn refuses_dust_and_missing_change() {
    let pay = |rate: FeeRate| {
        PaymentBuilder::new(rate)
            .pay(p2wpkh(1), Amount::from_sat(10_000))
            .change_to(p2wpkh(2), InputKind::P2wpkh)
    };
    let few = coins(&[1_000_000], false);
    assert_eq!(
        pay(FeeRate::from_sat_per_kvb(999))
            .build(&few, &mut Rng::seeded(1))
            .unwrap_err(),
        Error::FeeRateTooLow(FeeRate::from_sat_per_kvb(999))
    );
    // 1,000 sat/vB is a typo for 1 sat/vB more often than not: Core's 0.1 BTC cap stops it.
    let many = coins(&[100_000_000; 3], false);
    assert!(pay(FeeRate::from_sat_per_vb(1_000))
        .build(&many, &mut Rng::seeded(1))
        .is_ok());
    assert!(matches!(
        pay(FeeRate::from_sat_per_vb(1_000))
            .pay(p2wpkh(3), Amount::from_sat(10_000))
            .pay(p2wpkh(4), Amount::from_sat(10_000))
            .max_fee(Amount::from_sat(100_000))
            .build(&many, &mut Rng::seeded(1)),
        Err(Error::FeeTooHigh { .. })
    ));
    let coins = coins(&[1_000_000], false);
    let err = PaymentBuilder::new(FeeRate::from_sat_per_vb(1))
        .pay(p2wpkh(1), Amount::from_sat(293))
        .build(&coins, &mut Rng::seeded(1));
    assert_eq!(
        err.unwrap_err(),
        Error::Dust {
            index: 0,
            amount: Amount::from_sat(293),
            threshold: Amount::from_sat(294)
        }
    );
    let err = PaymentBuilder::new(FeeRate::from_sat_per_vb(1))
        .pay(p2wpkh(1), Amount::from_sat(10_000))
        .build(&coins, &mut Rng::seeded(1));
    assert_eq!(err.unwrap_err(), Error::NoChangeScript);
    assert_eq!(
        PaymentBuilder::new(FeeRate::ZERO)
            .build(&coins, &mut Rng::seeded(1))
            .unwrap_err(),
        Error::NoRecipients
    );
    // Without change, a payment can still go out when the coins match it closely.
    let fee = FeeRate::from_sat_per_vb(1).fee_for_weight(40 + 2 + 124 + 271); // header, marker, output, input
    let exact = PaymentBuilder::new(FeeRate::from_sat_per_vb(1))
        .pay(p2wpkh(1), Amount::from_sat(1_000_000 - fee.to_sat()))
        .build(&coins, &mut Rng::seeded(1))
        .unwrap();
    assert_eq!(exact.change_index, None);
    let _ = select::CHANGE_LOWER;
}

const CENT: i64 = 1_000_000;

/// Coins of these values at a zero fee rate (effective value = value), as in Core's
/// `coinselector_tests`.
fn pool(cents: &[f64]) -> Vec<Candidate> {
    cents
        .iter()
        .map(|&c| Candidate {
            value: Amount::from_sat((c * CENT as f64) as i64),
            input_weight: P2WPKH_INPUT,
        })
        .collect()
}

fn bnb_values(pool: &[Candidate], target: i64, cost_of_change: i64) -> Option<Vec<i64>> {
    let mut p = params(target, FeeRate::ZERO);
    p.long_term_fee_rate = FeeRate::ZERO;
    p.cost_of_change = Amount::from_sat(cost_of_change);
    let mut values: Vec<i64> = branch_and_bound(pool, &p)?
        .iter()
        .map(|&i| pool[i].value.to_sat() / (CENT / 100))
        .collect();
    values.sort_unstable_by(|a, b| b.cmp(a));
    Some(values)
}

#[test]
fn branch_and_bound_matches_cores_known_outcomes() {
    // Core's `bnb_search_test`, "Known Outcome tests" (values in hundredths of a cent).
    assert_eq!(bnb_values(&[], CENT, CENT / 2), None);
    let mut coins = pool(&[1.0, 2.0, 3.0, 4.0]);
    assert_eq!(bnb_values(&coins, CENT, CENT / 2), Some(vec![100]));
    assert_eq!(bnb_values(&coins, 2 * CENT, CENT / 2), Some(vec![200]));
    assert_eq!(bnb_values(&coins, 5 * CENT, CENT / 2), Some(vec![300, 200]));
    assert_eq!(bnb_values(&coins, 11 * CENT, CENT / 2), None);
    assert_eq!(bnb_values(&coins, 9 * CENT / 10, CENT / 2), Some(vec![100]));
    assert_eq!(bnb_values(&coins, 9 * CENT / 10, 0), None);
    coins.extend(pool(&[5.0]));
    assert_eq!(
        bnb_values(&coins, 10 * CENT, CENT / 2),
        Some(vec![400, 300, 200, 100])
    );
    assert_eq!(bnb_values(&coins, CENT / 4, CENT / 2), None);

    // "Same value early bailout": 50,000 coins of 5 cents must not hide 7+7+7+7+2.
    let mut coins = pool(&[7.0, 7.0, 7.0, 7.0, 2.0]);
    coins.extend(std::iter::repeat_n(
        Candidate {
            value: Amount::from_sat(5 * CENT),
            input_weight: P2WPKH_INPUT,
        },
        50_000,
    ));
    assert_eq!(
        bnb_values(&coins, 30 * CENT, 5_000),
        Some(vec![700, 700, 700, 700, 200])
    );

    // "Select 1 Cent with pool of only greater than 5 Cent": never a solution.
    let coins = pool(&(5..=20).map(f64::from).collect::<Vec<_>>());
    assert_eq!(bnb_values(&coins, CENT, 2 * CENT), None);
}

#[test]
fn knapsack_matches_cores_known_outcomes() {
    // Core's `knapsack_solver_test`: from 1, 2, 5, 10 and 20 cents with a 1 cent change
    // target, 34 cents is best made as 20+10+5, and 7 cents as 5+2.
    let coins = pool(&[1.0, 2.0, 5.0, 10.0, 20.0]);
    for seed in 0..20 {
        let mut p = params(34 * CENT, FeeRate::ZERO);
        p.min_change_target = Amount::from_sat(CENT);
        let chosen = select::knapsack(&coins, &p, &mut Rng::seeded(seed)).unwrap();
        assert_eq!(
            chosen.iter().map(|&i| coins[i].value.to_sat()).sum::<i64>(),
            35 * CENT
        );
        p.target = Amount::from_sat(7 * CENT);
        let chosen = select::knapsack(&coins, &p, &mut Rng::seeded(seed)).unwrap();
        let mut values: Vec<i64> = chosen
            .iter()
            .map(|&i| coins[i].value.to_sat() / CENT)
            .collect();
        values.sort_unstable();
        assert_eq!(values, vec![2, 5]);
    }
}

#[test]
fn generated_payments_keep_their_promises() {
    // 300 random wallets and payments over the four single-key types: every payment
    // balances, pays at least its rate, leaves no dust, signs to its estimate, verifies.
    let mut rng = Rng::seeded(2026);
    let kinds = [
        InputKind::P2pkh,
        InputKind::P2shP2wpkh,
        InputKind::P2wpkh,
        InputKind::P2trKeyPath,
    ];
    let script_for = |kind: &InputKind, n: u32| match kind {
        InputKind::P2pkh => Address::p2pkh(&key(n).public_key(), Network::Regtest).script_pubkey(),
        InputKind::P2shP2wpkh => Address::p2sh_p2wpkh(&key(n).public_key(), Network::Regtest)
            .unwrap()
            .script_pubkey(),
        InputKind::P2wpkh => p2wpkh(n),
        _ => p2tr(n),
    };
    let (mut built, mut changeless) = (0, 0);
    for case in 0..300u32 {
        let count = 1 + rng.below(12) as u32;
        let coins: Vec<(SpendableCoin, SpendInfo)> = (0..count)
            .map(|i| {
                let n = case * 100 + i;
                let kind = kinds[rng.below(4) as usize].clone();
                let info = match kind {
                    InputKind::P2pkh => SpendInfo::P2pkh(SigningKey::new(key(n))),
                    InputKind::P2shP2wpkh => SpendInfo::P2shP2wpkh(SigningKey::new(key(n))),
                    InputKind::P2wpkh => SpendInfo::P2wpkh(SigningKey::new(key(n))),
                    _ => SpendInfo::P2trKeyPath {
                        internal_key: key(n),
                        merkle_root: None,
                    },
                };
                let coin = SpendableCoin {
                    outpoint: OutPoint::new(Txid::from_byte_array(sha256(&n.to_le_bytes())), n % 7),
                    output: TxOut {
                        value: Amount::from_sat(5_000 + rng.below(3_000_000) as i64),
                        script_pubkey: script_for(&kind, n),
                    },
                    kind,
                };
                (coin, info)
            })
            .collect();
        let spendable: Vec<SpendableCoin> = coins.iter().map(|(c, _)| c.clone()).collect();
        let rate = FeeRate::from_sat_per_kvb(1_000 + rng.below(60_000));
        let mut payment = PaymentBuilder::new(rate);
        for r in 0..1 + rng.below(3) as u32 {
            let to = script_for(&kinds[rng.below(4) as usize], 1_000_000 + case * 10 + r);
            payment = payment.pay(to, Amount::from_sat(1_000 + rng.below(2_000_000) as i64));
        }
        let change_kind = kinds[rng.below(4) as usize].clone();
        payment = payment.change_to(script_for(&change_kind, 2_000_000 + case), change_kind);
        if rng.below(4) == 0 {
            payment = payment.data(&case.to_le_bytes());
        }
        let unsigned = match payment.build(&spendable, &mut Rng::seeded(u64::from(case))) {
            Ok(u) => u,
            Err(Error::InsufficientFunds { .. } | Error::Dust { .. }) => continue,
            Err(e) => panic!("case {case}: {e}"),
        };
        let tx = unsigned
            .sign(|c| {
                coins
                    .iter()
                    .find(|(x, _)| x.outpoint == c.outpoint)
                    .map(|(_, i)| i.clone())
            })
            .unwrap();
        verify_transaction(&tx, &unsigned.spent_outputs(), VerifyFlags::STANDARD).unwrap();
        let inputs: i64 = unsigned
            .spent_outputs()
            .iter()
            .map(|o| o.value.to_sat())
            .sum();
        let outputs: i64 = tx.output.iter().map(|o| o.value.to_sat()).sum();
        assert_eq!(inputs - outputs, unsigned.fee.to_sat(), "case {case}");
        assert_eq!(tx.weight(), unsigned.estimated_weight, "case {case}");
        assert!(
            unsigned.fee >= rate.fee_for_vsize(tx.vsize()),
            "case {case}"
        );
        assert!(
            tx.output
                .iter()
                .all(|o| o.value >= dust_threshold(&o.script_pubkey, FeeRate::DUST_RELAY)),
            "case {case}"
        );
        built += 1;
        changeless += usize::from(unsigned.change_index.is_none());
    }
    assert!(built > 150, "{built} payments built");
    assert!(changeless > 0, "no changeless payment among {built}");
}
