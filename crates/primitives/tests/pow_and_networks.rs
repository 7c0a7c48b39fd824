//! nBits against Core's `arith_uint256_tests.cpp` (`bignum_SetCompact`), and every network's
//! genesis block against the hash Core asserts in `chainparams.cpp`.

use sou_primitives::encoding::{serialize, write_compact_size};
use sou_primitives::hashes::sha256d;
use sou_primitives::network::Activation;
use sou_primitives::pow::{ExpandedCompact, U256};
use sou_primitives::{CompactTarget, Network, Target, Work};

/// (nBits, value as 64 hex digits, GetCompact(negative) of the value, negative, overflow).
/// The rows of Core's `bignum_SetCompact` test, in its order.
const SET_COMPACT: &[(u32, &str, u32, bool, bool)] = &[
    (0x00000000, "0", 0, false, false),
    (0x00123456, "0", 0, false, false),
    (0x01003456, "0", 0, false, false),
    (0x02000056, "0", 0, false, false),
    (0x03000000, "0", 0, false, false),
    (0x04000000, "0", 0, false, false),
    (0x00923456, "0", 0, false, false),
    (0x01803456, "0", 0, false, false),
    (0x02800056, "0", 0, false, false),
    (0x03800000, "0", 0, false, false),
    (0x04800000, "0", 0, false, false),
    (0x01123456, "12", 0x01120000, false, false),
    (0x01fedcba, "7e", 0x01fe0000, true, false),
    (0x02123456, "1234", 0x02123400, false, false),
    (0x03123456, "123456", 0x03123456, false, false),
    (0x04123456, "12345600", 0x04123456, false, false),
    (0x04923456, "12345600", 0x04923456, true, false),
    (0x05009234, "92340000", 0x05009234, false, false),
    (
        0x20123456,
        "1234560000000000000000000000000000000000000000000000000000000000",
        0x20123456,
        false,
        false,
    ),
];

#[test]
fn set_compact_matches_core() {
    for &(bits, hex_value, compact, negative, overflow) in SET_COMPACT {
        let e = CompactTarget::from_consensus(bits).expand();
        assert_eq!(
            e.value.to_string(),
            format!("{hex_value:0>64}"),
            "{bits:#010x}"
        );
        assert_eq!(
            (e.negative, e.overflow),
            (negative, overflow),
            "{bits:#010x} flags"
        );
        assert_eq!(
            e.value.to_compact(negative).to_consensus(),
            compact,
            "{bits:#010x} GetCompact"
        );
    }
    // Core's last row checks only the flags.
    let ExpandedCompact {
        negative, overflow, ..
    } = CompactTarget::from_consensus(0xff123456).expand();
    assert_eq!((negative, overflow), (false, true));
    // "Make sure that we don't generate compacts with the 0x00800000 bit set."
    assert_eq!(
        U256::from_u64(0x80).to_compact(false).to_consensus(),
        0x02008000
    );
}

#[test]
fn derive_target_refuses_what_core_refuses() {
    let limit = Network::Mainnet.params().pow_limit;
    let ok = |bits: u32| Target::from_compact(CompactTarget::from_consensus(bits), limit);
    assert!(ok(0x1d00ffff).is_some());
    assert_eq!(
        ok(0x1d00ffff).map(Target::to_compact),
        Some(CompactTarget::from_consensus(0x1d00ffff))
    );
    assert!(ok(0x1d010000).is_none(), "easier than the pow limit");
    assert!(ok(0x1d80ffff).is_none(), "negative");
    assert!(ok(0x1d000000).is_none(), "zero");
    assert!(ok(0x23000001).is_none(), "overflow");
    assert_eq!(
        Work::from_compact(CompactTarget::from_consensus(0x1d80ffff)),
        Work::ZERO
    );
    assert_eq!(
        Work::from_compact(CompactTarget::from_consensus(0xff123456)),
        Work::ZERO
    );
}

#[test]
fn every_genesis_block_hashes_to_cores_constant() {
    let expected = [
        (
            Network::Mainnet,
            "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f",
            "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b",
        ),
        (
            Network::Testnet3,
            "000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943",
            "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b",
        ),
        (
            Network::Testnet4,
            "00000000da84f2bafbbc53dee25a72ae507ff4914b867c565be350b0da8bf043",
            "7aa0a7ae1e223414cb807e40cd57e667b718e42aaf9306db9102fe28912b7b4e",
        ),
        (
            Network::Signet,
            "00000008819873e925422c1ff0f99f7cc9bbb232af63a077a480a3633bee1ef6",
            "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b",
        ),
        (
            Network::Regtest,
            "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206",
            "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b",
        ),
    ];
    for (network, hash, merkle) in expected {
        let params = network.params();
        let genesis = params.genesis_block();
        assert_eq!(genesis.block_hash().to_string(), hash, "{network}");
        assert_eq!(params.genesis_hash.to_string(), hash, "{network} params");
        assert_eq!(
            genesis.header.merkle_root.to_string(),
            merkle,
            "{network} merkle root"
        );
        assert_eq!(
            genesis.txdata[0].compute_txid().to_string(),
            merkle,
            "{network} coinbase txid"
        );
        // Every genesis block meets its own network's pow limit.
        let target =
            Target::from_compact(genesis.header.bits, params.pow_limit).expect("valid nBits");
        assert!(
            target.is_met_by(genesis.block_hash()),
            "{network} proof of work"
        );
        assert_eq!(network.core_name().parse::<Network>(), Ok(network));
    }
}

#[test]
fn chain_parameters() {
    let bits = |n: Network| n.params().pow_limit_bits().to_consensus();
    assert_eq!(bits(Network::Mainnet), 0x1d00ffff);
    assert_eq!(bits(Network::Testnet4), 0x1d00ffff);
    assert_eq!(bits(Network::Signet), 0x1e0377ae);
    assert_eq!(bits(Network::Regtest), 0x207fffff);
    assert_eq!(
        Network::Regtest.params().pow_limit.to_string(),
        "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
    );

    // The signet magic is the start of sha256d(challenge with its length prefix) (BIP325).
    let signet = Network::Signet.params();
    let challenge = signet.signet_challenge.expect("signet has a challenge");
    assert_eq!(
        hex::encode(challenge),
        "512103ad5e0edad18cb1f0fc0d28a3d4f1f3e445640337489abb10404f2d1e086be430210359ef5021964fe22d6f8e05b2463c9540ce96883fe3b278760f048f5189f2e6c452ae"
    );
    let mut prefixed = Vec::new();
    write_compact_size(&mut prefixed, challenge.len() as u64);
    prefixed.extend_from_slice(challenge);
    assert_eq!(sha256d(&prefixed)[..4], signet.magic);

    let main = Network::Mainnet.params();
    assert_eq!(main.difficulty_adjustment_interval(), 2016);
    assert_eq!(main.deployments.segwit_height, 481_824);
    assert_eq!(main.deployments.taproot.height(), Some(709_632));
    assert!(matches!(
        Network::Testnet3.params().deployments.taproot,
        Activation::VersionBits(_)
    ));
    assert_eq!(Network::Regtest.params().deployments.segwit_height, 0);
    let hrps: Vec<_> = Network::ALL
        .iter()
        .map(|n| n.params().addresses.bech32_hrp)
        .collect();
    assert_eq!(hrps, ["bc", "tb", "tb", "tb", "bcrt"]);
    assert_eq!(
        serialize(&Network::Mainnet.params().genesis_block()).len(),
        285
    );
}
