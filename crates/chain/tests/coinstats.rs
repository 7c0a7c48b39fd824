//! The UTXO set's statistics and hashes equal Bitcoin Core's `gettxoutsetinfo`, along
//! Core's own regtest chain, through its reorganisation, and on a block with a
//! many-output transaction.
//!
//! ```text
//!   0 - 1 - 2 - ... - 50 - ... - 100 - 101 - 102              regtest_main_1-102.hex
//!                                   \
//!                                    101' - 102' - 103'        regtest_fork_101-103.hex
//!                                                     \
//!                                                      104'    BLOCK_104 below
//! ```
//!
//! Heights checked: 0, 1, 2, 50, 100, 101, 102 on the main branch; after 101' and 102'
//! the tip stays at 102 (equal work, first seen wins); 103' reorganises onto the fork;
//! 104' spends block 101''s P2WPKH output into nine outputs (one `OP_RETURN`, one empty
//! script of zero value) and spends one of them again in the same block.
//!
//! How the expected values were obtained (Bitcoin Core v31.99.0, `bitcoind -version`:
//! "Bitcoin Core daemon version v31.99.0-unk", the build in `~/.cache/bitcoind/bin`):
//!
//! 1. `bitcoind -regtest -datadir=$(mktemp -d) -rpcport=<free port> -listen=0 -server=1`;
//! 2. for each line of `testdata/blocks/regtest_main_1-102.hex`, then of
//!    `regtest_fork_101-103.hex`: `bitcoin-cli -regtest -stdin submitblock` (null for
//!    every main block, "inconclusive" for 101' and 102'), and at each height above
//!    `bitcoin-cli -regtest gettxoutsetinfo hash_serialized_3` and
//!    `bitcoin-cli -regtest gettxoutsetinfo muhash` (no coinstatsindex, so `transactions`
//!    is reported and every field is computed by scanning the set);
//! 3. block 104': two transactions built by hand and signed with
//!    `signrawtransactionwithkey` (key 1, whose P2WPKH output `0014751e76e8...` block
//!    101' created), mined with
//!    `generateblock "raw(0014751e76e8199196d454941c45d1b3a323f1433bd6)" '[A, B]'`,
//!    its bytes taken with `getblock <hash> 0`, then `gettxoutsetinfo` as above;
//! 4. `bitcoin-cli -regtest stop`, and the datadir removed.

#![allow(clippy::unwrap_used, reason = "test code")]

use std::collections::HashMap;

use sou_chain::coinstats::{apply_coin_hash, remove_coin_hash, UtxoSetHash, UtxoStats};
use sou_chain::consensus::Coin;
use sou_chain::{Chainstate, ConnectOptions};
use sou_primitives::encoding::deserialize;
use sou_primitives::hashes::muhash::MuHash3072;
use sou_primitives::network::REGTEST;
use sou_primitives::{Amount, Block, OutPoint, Script, TxOut, Txid};

fn blocks(relative: &str) -> Vec<Block> {
    sou_testdata::hex_lines(relative)
        .iter()
        .map(|bytes| deserialize(bytes).unwrap())
        .collect()
}

/// Block 104', mined by Core's `generateblock` on top of 103' (see the module docs).
/// Coinbase to P2WPKH of key 1; transaction A spends 101''s P2WPKH output into nine
/// outputs: P2WPKH, P2WPKH (spent by B), P2PKH, P2SH, `OP_RETURN "hello world"`, bare
/// 1-of-1 multisig, P2TR, an empty script of zero value, and change; transaction B spends
/// A:1 into P2WSH and P2WPKH. The coinbase claims no fees, so 0.0002 BTC go unclaimed.
const BLOCK_104: &str = concat!(
    "00000020486cf6325249780d939eabed609fcf565cbe07ddbbd94a5c48feb82c91122c089d63ef5c0f4c7ca151397be7",
    "3d99cfa4ce97e01d57ebfdac3090fc703314c6343ef60c6bffff7f200500000003020000000001010000000000000000",
    "000000000000000000000000000000000000000000000000ffffffff020168feffffff0200f2052a0100000016001475",
    "1e76e8199196d454941c45d1b3a323f1433bd60000000000000000266a24aa21a9ed433d54d57744372ea357a9e14022",
    "c67f91cfc790ca55f00ccf215860c191a675012000000000000000000000000000000000000000000000000000000000",
    "000000006700000002000000000101ac39c0638c24c114efbd79e97825822f2ba20fc7687e4fbb6c26af8ace9c976a00",
    "00000000fdffffff0900ca9a3b00000000160014751e76e8199196d454941c45d1b3a323f1433bd600ca9a3b00000000",
    "160014751e76e8199196d454941c45d1b3a323f1433bd60065cd1d000000001976a914751e76e8199196d454941c45d1",
    "b3a323f1433bd688ac0065cd1d0000000017a91411111111111111111111111111111111111111118700000000000000",
    "000d6a0b68656c6c6f20776f726c6400a3e111000000002551210279be667ef9dcbbac55a06295ce870b07029bfcdb2d",
    "ce28d959f2815b16f8179851ae00a3e11100000000225120222222222222222222222222222222222222222222222222",
    "222222222222222200000000000000000050a0705300000000160014751e76e8199196d454941c45d1b3a323f1433bd6",
    "02473044022068f2daa599f9c2bf6ab380d5edbc2e44a0f86bcc0ef33706873a6ab72bbc9ace02203a3342d9aea513ad",
    "082aae8723e2d7f4b513101e5153f754d840eac06815a73301210279be667ef9dcbbac55a06295ce870b07029bfcdb2d",
    "ce28d959f2815b16f8179800000000020000000001017ad623471856aeb35000bb168009d3eed40795194479a071dac2",
    "27131324be0e0100000000fdffffff020046c32300000000220020333333333333333333333333333333333333333333",
    "3333333333333333333333f05cd71700000000160014751e76e8199196d454941c45d1b3a323f1433bd6024730440220",
    "049fb476059d92ca0eee09d7d1f27b5c866df39b784f40d27204c3d015348114022021649aee3820e41f4fb050e4d7aa",
    "0458045ad85dad9624ea94aa31c22256960101210279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f281",
    "5b16f8179800000000",
);

/// One `gettxoutsetinfo` answer, its fields as Core printed them.
struct Expected {
    height: u32,
    bestblock: &'static str,
    txouts: u64,
    bogosize: u64,
    transactions: u64,
    total_amount: &'static str,
    hash_serialized_3: &'static str,
    muhash: &'static str,
}

/// Core's answers on the main branch, at heights 0, 1, 2, 50, 100, 101 and 102.
const MAIN: [Expected; 7] = [
    Expected {
        height: 0,
        bestblock: "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206",
        txouts: 0,
        bogosize: 0,
        transactions: 0,
        total_amount: "0.00000000",
        hash_serialized_3: "56944c5d3f98413ef45cf54545538103cc9f298e0575820ad3591376e2e0f65d",
        muhash: "dd5ad2a105c2d29495f577245c357409002329b9f4d6182c0af3dc2f462555c8",
    },
    Expected {
        height: 1,
        bestblock: "31b0dcf01ab0d6c9b08114901cf2827cbefbf89f59d034bf81a9c4a97ab74d9a",
        txouts: 1,
        bogosize: 72,
        transactions: 1,
        total_amount: "50.00000000",
        hash_serialized_3: "06ea0b22c5a7509a7a828a5732ce54ca07ed3125f7f3ec33d431dd3b87186831",
        muhash: "2e9b3d213eaab088f2127ecc3171ffcba98aeb58c6fb252e196cd9180ab7a264",
    },
    Expected {
        height: 2,
        bestblock: "01e3608277817f52503e43c4b8de9609c68b90de6a67e272af06dd1f69df951b",
        txouts: 2,
        bogosize: 144,
        transactions: 2,
        total_amount: "100.00000000",
        hash_serialized_3: "b31a73942a6792b662d743608fa1fb06e2e6ac03ef1220534b614269191a7037",
        muhash: "45256bff56716ec22ae9478d35cb3542afb2ba4fa2e258853c38a05c3d50b14d",
    },
    Expected {
        height: 50,
        bestblock: "64bb8bfbaae5485dc5f1cb054b500b2a4a9d4b79d9795254a4102d23b993402d",
        txouts: 50,
        bogosize: 3600,
        transactions: 50,
        total_amount: "2500.00000000",
        hash_serialized_3: "34639429a3a16aec31695cbf615f139e5ca4ec5cada327936d1c96439b4b7210",
        muhash: "8e68940cd08a3ea44d7dbca26eac54dd38cef637d65895646914dafb669320cf",
    },
    Expected {
        height: 100,
        bestblock: "2d06643c463ab640917f8ecb30befeb54b5cb31b7ea3a9b8d781b9661a9266cc",
        txouts: 100,
        bogosize: 7200,
        transactions: 100,
        total_amount: "5000.00000000",
        hash_serialized_3: "deb3c889205b8071b5bb5b575ac31063bd848f77088f604b7f8b0cd5c1b23c1b",
        muhash: "df6def80a7f163c8c36e631793e077630d987f4033b42cd40281c1b6ac6ae082",
    },
    Expected {
        height: 101,
        bestblock: "50fe7d72f99ab81e4b13bb7e4a3206d9299983e8dbd6d206a5637dd1a0d7e55d",
        txouts: 101,
        bogosize: 7272,
        transactions: 101,
        total_amount: "5050.00000000",
        hash_serialized_3: "9bffebefa5835a42790a6712b12be97f72088a307c82c3466973e938ab2463c8",
        muhash: "02c0f84a6aae1f8611bfa037106702876c8f9afea4c94538df1e75f1eb922e66",
    },
    Expected {
        height: 102,
        bestblock: "41e7d4633227d161638313d92769fca420372f372be0c310bc7bda2cda26903f",
        txouts: 102,
        bogosize: 7344,
        transactions: 102,
        total_amount: "5100.00000000",
        hash_serialized_3: "0d1b8d8f467eca9a300a00e7f2144150d26c2aeb4f4deb4d1871d666856f8c0c",
        muhash: "1757b636a890cdd383425b5acfa36217f1704ea29b9a606db6a42f8b57091207",
    },
];

/// Core's answers after the reorganisation onto 103', and after 104'.
const FORK: [Expected; 2] = [
    Expected {
        height: 103,
        bestblock: "082c12912cb8fe485c4ad9bbdd07be5c56cf9f60edab9e930d78495232f66c48",
        txouts: 103,
        bogosize: 7416,
        transactions: 103,
        total_amount: "5150.00000000",
        hash_serialized_3: "b0b363ab87368608a0d5fa1f50e7fd5374aacf35dae44bb04c781ac6ae2c4d24",
        muhash: "bc30b773ea09eefbbff87d3b78553e7294b51e035a937e82a4a3f449f543d928",
    },
    Expected {
        height: 104,
        bestblock: "13c9291880a060d4ba5600ac1662e8defbd62b263546e77d68f977ee7b99cf96",
        txouts: 112,
        bogosize: 8085,
        transactions: 105,
        total_amount: "5199.99980000",
        hash_serialized_3: "a69ffe0a1dad61a0c477eec3b20674965dc5c6b05dd2db992dde23efd93a1d14",
        muhash: "75794ca5150b59393f0390691b6609ce882415a9db69c3bb850c8a6f6ec6ed43",
    },
];

fn block_104() -> Block {
    deserialize(&hex::decode(BLOCK_104).unwrap()).unwrap()
}

/// Asserts that sou's tip and UTXO statistics are Core's answer `e`.
fn check(state: &Chainstate, e: &Expected) {
    assert_eq!(state.height(), e.height);
    assert_eq!(state.tip().to_string(), e.bestblock, "height {}", e.height);
    let expected = UtxoStats {
        txouts: e.txouts,
        bogosize: e.bogosize,
        total_amount: Some(Amount::from_btc_str(e.total_amount).unwrap()),
        transactions: e.transactions,
        hash_serialized_3: e.hash_serialized_3.parse().unwrap(),
        muhash: e.muhash.parse().unwrap(),
    };
    let stats = UtxoStats::compute(state.utxo().iter());
    assert_eq!(stats, expected, "height {}", e.height);
    // Shown as Core shows them.
    assert_eq!(stats.hash_serialized_3.to_string(), e.hash_serialized_3);
    assert_eq!(stats.muhash.to_string(), e.muhash);
}

/// sou's chain state after block 103' (the reorganisation), and the number of Core
/// answers compared on the way.
fn state_after_reorg() -> (Chainstate, usize) {
    let main = blocks("blocks/regtest_main_1-102.hex");
    let fork = blocks("blocks/regtest_fork_101-103.hex");
    let mut state = Chainstate::new(&REGTEST, ConnectOptions::default());
    let mut compared = 0;
    check(&state, &MAIN[0]);
    compared += 1;
    for (block, height) in main.iter().zip(1u32..) {
        let outcome = state.process_block(block.clone()).unwrap();
        assert!(outcome.invalid.is_empty(), "block {height}");
        if let Some(e) = MAIN.iter().find(|e| e.height == height) {
            check(&state, e);
            compared += 1;
        }
    }
    // 101' and 102' bring the fork level with the main branch: the tip stays at 102.
    for block in &fork[..2] {
        state.process_block(block.clone()).unwrap();
        check(&state, &MAIN[6]);
        compared += 1;
    }
    // 103' has more work: disconnect 102 and 101, connect 101', 102', 103'.
    let outcome = state.process_block(fork[2].clone()).unwrap();
    assert_eq!(outcome.disconnected.len(), 2);
    check(&state, &FORK[0]);
    compared += 1;
    (state, compared)
}

#[test]
fn stats_equal_core_along_the_chain_through_the_reorg() {
    let (mut state, mut compared) = state_after_reorg();
    let outcome = state.process_block(block_104()).unwrap();
    assert!(outcome.invalid.is_empty());
    check(&state, &FORK[1]);
    compared += 1;
    // Heights 0, 1, 2, 50, 100, 101, 102, then 101' and 102' (still 102), 103', 104'.
    assert_eq!(compared, 11);

    // Owned coins in another order give the same answer: compute sorts them.
    let mut owned: Vec<(OutPoint, Coin)> = state
        .utxo()
        .iter()
        .map(|(outpoint, coin)| (*outpoint, coin.clone()))
        .collect();
    owned.sort_by_key(|(outpoint, _)| std::cmp::Reverse(*outpoint));
    assert_eq!(
        UtxoStats::compute(owned),
        UtxoStats::compute(state.utxo().iter())
    );
}

#[test]
fn muhash_follows_block_104_without_a_rescan() {
    // What Core's coinstatsindex does: keep the set's MuHash, and for each block remove
    // the coins it spends and insert the coins it creates, never rescanning the set.
    let (state, _) = state_after_reorg();
    let before = state.utxo();
    let mut running = MuHash3072::new();
    for (outpoint, coin) in before.iter() {
        apply_coin_hash(&mut running, outpoint, coin);
    }
    assert_eq!(
        UtxoSetHash::from_byte_array(running.finalize()).to_string(),
        FORK[0].muhash
    );
    let block = block_104();
    // Coins created earlier in the same block (B spends A:1).
    let mut created: HashMap<OutPoint, Coin> = HashMap::new();
    let (mut removed, mut inserted) = (0, 0);
    for tx in &block.txdata {
        if !tx.is_coinbase() {
            for input in &tx.input {
                let spent = created
                    .get(&input.previous_output)
                    .or_else(|| before.get(&input.previous_output))
                    .unwrap();
                remove_coin_hash(&mut running, &input.previous_output, spent);
                removed += 1;
            }
        }
        let txid = tx.compute_txid();
        for (vout, output) in (0u32..).zip(&tx.output) {
            // Unspendable outputs never enter the set, so never enter its hash.
            if output.script_pubkey.is_unspendable() {
                continue;
            }
            let outpoint = OutPoint::new(txid, vout);
            let coin = Coin {
                output: output.clone(),
                height: 104,
                is_coinbase: tx.is_coinbase(),
            };
            apply_coin_hash(&mut running, &outpoint, &coin);
            created.insert(outpoint, coin);
            inserted += 1;
        }
    }
    // Spent: 101''s output and A:1. Created: the coinbase's payout, A's eight spendable
    // outputs, B's two.
    assert_eq!((removed, inserted), (2, 11));
    assert_eq!(
        UtxoSetHash::from_byte_array(running.finalize()).to_string(),
        FORK[1].muhash
    );
}

/// 20,000 synthetic coins, three per transaction: the counts come out right at scale.
#[test]
fn twenty_thousand_coins() {
    let mut p2wpkh = vec![0x00, 0x14];
    p2wpkh.extend_from_slice(&[0x42; 20]);
    let coins: Vec<(OutPoint, Coin)> = (0..20_000u32)
        .map(|i| {
            // Three outputs per transaction, as txids from a hash of the counter.
            let txid =
                Txid::from_byte_array(sou_primitives::hashes::sha256(&(i / 3).to_le_bytes()));
            let coin = Coin {
                output: TxOut {
                    value: Amount::from_sat(i64::from(i) + 546),
                    script_pubkey: Script::from(p2wpkh.clone()),
                },
                height: i / 2_000,
                is_coinbase: i % 300 == 0,
            };
            (OutPoint::new(txid, i % 3), coin)
        })
        .collect();
    let stats = UtxoStats::compute(coins.iter().map(|(outpoint, coin)| (outpoint, coin)));
    assert_eq!(stats.txouts, 20_000);
    assert_eq!(stats.transactions, 6_667);
    assert_eq!(stats.bogosize, 20_000 * (50 + 22));
}
