//! Networks and their chain parameters.
//!
//! The same software runs several independent Bitcoin networks. Each has its own genesis
//! block (the hard-coded first block every node starts from), its own magic bytes so that
//! peers of different networks never mix, its own ports, address prefixes and proof-of-work
//! rules:
//!
//! - **mainnet**, the real one;
//! - **testnet3** (2012) and **testnet4** (BIP94, 2024), public test networks whose coins
//!   are worthless, with a rule letting anyone mine a minimum-difficulty block after 20
//!   minutes without one;
//! - **signet** (BIP325), a test network whose blocks must also be signed by a known key,
//!   so its chain stays orderly; this is the default signet;
//! - **regtest**, a private network for local experiments: the easiest target, no
//!   retargeting, every soft fork active from the start.
//!
//! Soft forks that activated long ago are *buried*: instead of replaying how miners
//! signalled them, Core hard-codes the height from which each applies (BIP90). BIP16
//! (P2SH) is older than that scheme: Core applies it from genesis, skipping the one
//! historic block that broke it, and likewise exempts one mainnet block from taproot.
//!
//! A soft fork still being deployed is a [`Bip9Deployment`]: miners signal readiness with
//! a bit of the block version, and once enough blocks of one period do, the rules lock in
//! (BIP9; the state machine is `sou_chain::versionbits`). Core keeps one such deployment
//! for testing the machinery, `testdummy` on bit 28: never started on the public
//! networks, started from genesis on regtest with 144-block periods.
//!
//! References: Core `src/kernel/chainparams.cpp`, `src/consensus/params.h`
//! (`BIP9Deployment`); BIP9, BIP90, BIP94, BIP325.

use core::fmt;
use core::str::FromStr;

use thiserror::Error;

use crate::amount::Amount;
use crate::block::{compute_merkle_root, Block, BlockHeader};
use crate::hashes::{BlockHash, TxMerkleNode};
use crate::opcodes::OP_CHECKSIG;
use crate::pow::{CompactTarget, Target, U256};
use crate::script::{Builder, Script};
use crate::transaction::{OutPoint, Transaction, TxIn, TxOut, Witness, SEQUENCE_FINAL};

/// One of the networks sou knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Network {
    /// The Bitcoin network.
    Mainnet,
    /// The third public test network (2012).
    Testnet3,
    /// The fourth public test network (BIP94, 2024).
    Testnet4,
    /// The default signet (BIP325).
    Signet,
    /// A private regression-test network.
    Regtest,
}

impl Network {
    /// Every network, in the order above.
    pub const ALL: [Network; 5] = [
        Network::Mainnet,
        Network::Testnet3,
        Network::Testnet4,
        Network::Signet,
        Network::Regtest,
    ];

    /// The network's parameters.
    pub fn params(self) -> &'static Params {
        match self {
            Network::Mainnet => &MAINNET,
            Network::Testnet3 => &TESTNET3,
            Network::Testnet4 => &TESTNET4,
            Network::Signet => &SIGNET,
            Network::Regtest => &REGTEST,
        }
    }

    /// Core's name for it (`-chain=`): `main`, `test`, `testnet4`, `signet`, `regtest`.
    pub const fn core_name(self) -> &'static str {
        match self {
            Network::Mainnet => "main",
            Network::Testnet3 => "test",
            Network::Testnet4 => "testnet4",
            Network::Signet => "signet",
            Network::Regtest => "regtest",
        }
    }
}

impl fmt::Display for Network {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.core_name())
    }
}

/// A string that names no network.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown network {0:?}: expected main, test, testnet4, signet or regtest")]
pub struct UnknownNetwork(pub String);

impl FromStr for Network {
    type Err = UnknownNetwork;

    /// Accepts Core's names and the usual long forms (`mainnet`, `bitcoin`, `testnet3`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "main" | "mainnet" | "bitcoin" => Ok(Network::Mainnet),
            "test" | "testnet" | "testnet3" => Ok(Network::Testnet3),
            "testnet4" => Ok(Network::Testnet4),
            "signet" => Ok(Network::Signet),
            "regtest" => Ok(Network::Regtest),
            other => Err(UnknownNetwork(other.to_owned())),
        }
    }
}

/// How a soft fork's rules are switched on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activation {
    /// From this height on (buried deployments; 0 means always).
    Height(u32),
    /// By BIP9 miner signalling, still evaluated from the chain (Core keeps taproot this
    /// way on testnet3).
    VersionBits(Bip9Deployment),
}

impl Activation {
    /// The height from which the rules apply, when it is fixed.
    pub const fn height(self) -> Option<u32> {
        match self {
            Activation::Height(h) => Some(h),
            Activation::VersionBits(_) => None,
        }
    }
}

/// A BIP9 deployment: which version bit signals it, and when (Core `BIP9Deployment`).
///
/// Times are compared with the median time past of the last block of a period, so that
/// every block of a period shares one state. `start_time` also takes two markers:
/// [`Bip9Deployment::ALWAYS_ACTIVE`] and [`Bip9Deployment::NEVER_ACTIVE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bip9Deployment {
    /// The version bit (0 to 28).
    pub bit: u8,
    /// Median time past from which signalling counts.
    pub start_time: i64,
    /// Median time past after which it fails if not locked in.
    pub timeout: i64,
    /// The earliest height at which it may activate (BIP341's "minimum activation
    /// height", added for taproot's Speedy Trial); activation still waits for a period
    /// boundary.
    pub min_activation_height: u32,
    /// Signalling blocks needed in one period.
    pub threshold: u32,
    /// Blocks in a signalling period.
    pub period: u32,
}

impl Bip9Deployment {
    /// `timeout` meaning "never times out" (Core `NO_TIMEOUT`).
    pub const NO_TIMEOUT: i64 = i64::MAX;
    /// `start_time` meaning "active from genesis, no signalling" (Core `ALWAYS_ACTIVE`).
    pub const ALWAYS_ACTIVE: i64 = -1;
    /// `start_time` meaning "never active" (Core `NEVER_ACTIVE`): the deployment is
    /// present in the code but not deployed on this network, and RPCs leave it out.
    pub const NEVER_ACTIVE: i64 = -2;

    /// Can it ever become active here (Core `DeploymentEnabled`)?
    pub const fn is_enabled(&self) -> bool {
        self.start_time != Self::NEVER_ACTIVE
    }

    /// The version bit as a mask (Core `VersionBitsConditionChecker::Mask`); 0 for a bit
    /// beyond the 32 of a version.
    pub const fn mask(&self) -> u32 {
        match 1u32.checked_shl(self.bit as u32) {
            Some(mask) => mask,
            None => 0,
        }
    }
}

/// The soft forks whose rules depend on height, and their exceptions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deployments {
    /// The one block where BIP16 (P2SH) is not enforced, if any (BIP16 applies from
    /// genesis everywhere else; Core `script_flag_exceptions`).
    pub bip16_exception: Option<BlockHash>,
    /// BIP34: coinbase starts with the block height; also rejects version 1 blocks.
    pub bip34_height: u32,
    /// The hash of the block at `bip34_height` (Core `BIP34Hash`), where known.
    pub bip34_hash: Option<BlockHash>,
    /// BIP65: `OP_CHECKLOCKTIMEVERIFY`; rejects version 3 and lower blocks.
    pub bip65_height: u32,
    /// BIP66: strict DER signatures; rejects version 2 and lower blocks.
    pub bip66_height: u32,
    /// BIP68, BIP112, BIP113 ("CSV"): relative locks and median-time-past locktimes.
    pub csv_height: u32,
    /// BIP141/143/147: segregated witness.
    pub segwit_height: u32,
    /// BIP340-342: taproot.
    pub taproot: Activation,
    /// The one block exempt from taproot's rules, if any (checked with P2SH and WITNESS
    /// only; Core `script_flag_exceptions`).
    pub taproot_exception: Option<BlockHash>,
    /// BIP9 `testdummy` (bit 28): a deployment with no rules, to exercise version bits
    /// (Core `DEPLOYMENT_TESTDUMMY`).
    pub testdummy: Bip9Deployment,
}

/// Everything that distinguishes one network from another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Params {
    /// Which network.
    pub network: Network,
    /// First four bytes of every P2P message ("pchMessageStart").
    pub magic: [u8; 4],
    /// Default P2P port.
    pub default_port: u16,
    /// The genesis block's hash, checked against [`Params::genesis_block`] in tests.
    pub genesis_hash: BlockHash,
    /// The easiest target a block may have.
    pub pow_limit: Target,
    /// Blocks between subsidy halvings.
    pub subsidy_halving_interval: u32,
    /// Intended seconds between blocks (600).
    pub pow_target_spacing: u32,
    /// Seconds a retarget period should take (two weeks; one day on regtest).
    pub pow_target_timespan: u32,
    /// Testnet rule: a block more than 20 minutes after its parent may use the pow limit.
    pub allow_min_difficulty_blocks: bool,
    /// Regtest: the target never changes.
    pub no_retargeting: bool,
    /// BIP94 (testnet4): retarget from the first block of the period, and timewarp fix.
    pub enforce_bip94: bool,
    /// Soft-fork activation.
    pub deployments: Deployments,
    /// How addresses and keys are written on this network.
    pub addresses: AddressParams,
    /// Signet: the script every block must satisfy (BIP325).
    pub signet_challenge: Option<&'static [u8]>,
}

/// The prefixes that tell which network an address or key belongs to.
///
/// Base58 strings start with a version byte (mainnet P2PKH addresses start with `1`
/// because their version is 0); segwit addresses start with a human-readable part
/// (`bc1...`). All test networks share the testnet prefixes; regtest has its own HRP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddressParams {
    /// Base58 version byte of P2PKH addresses.
    pub p2pkh_prefix: u8,
    /// Base58 version byte of P2SH addresses.
    pub p2sh_prefix: u8,
    /// Base58 version byte of WIF private keys.
    pub wif_prefix: u8,
    /// BIP32 version bytes of extended public keys (`xpub`, `tpub`).
    pub xpub_prefix: [u8; 4],
    /// BIP32 version bytes of extended private keys (`xprv`, `tprv`).
    pub xprv_prefix: [u8; 4],
    /// Bech32 human-readable part of segwit addresses.
    pub bech32_hrp: &'static str,
}

/// Mainnet's prefixes.
const MAINNET_ADDRESSES: AddressParams = AddressParams {
    p2pkh_prefix: 0,
    p2sh_prefix: 5,
    wif_prefix: 128,
    xpub_prefix: [0x04, 0x88, 0xb2, 0x1e],
    xprv_prefix: [0x04, 0x88, 0xad, 0xe4],
    bech32_hrp: "bc",
};

/// The prefixes of testnet3, testnet4 and signet.
const TEST_ADDRESSES: AddressParams = AddressParams {
    p2pkh_prefix: 111,
    p2sh_prefix: 196,
    wif_prefix: 239,
    xpub_prefix: [0x04, 0x35, 0x87, 0xcf],
    xprv_prefix: [0x04, 0x35, 0x83, 0x94],
    bech32_hrp: "tb",
};

/// Blocks in a difficulty period: two weeks of ten-minute blocks.
pub const DIFFICULTY_ADJUSTMENT_INTERVAL: u32 = 2016;

/// Confirmations before a coinbase output may be spent (Core `COINBASE_MATURITY`).
pub const COINBASE_MATURITY: u32 = 100;

impl Params {
    /// Blocks between retargets (`pow_target_timespan / pow_target_spacing`).
    pub const fn difficulty_adjustment_interval(&self) -> u32 {
        self.pow_target_timespan / self.pow_target_spacing
    }

    /// The pow limit in compact form, the nBits of a minimum-difficulty block.
    pub fn pow_limit_bits(&self) -> CompactTarget {
        self.pow_limit.to_compact()
    }

    /// The genesis block, built as Core's `CreateGenesisBlock` does.
    pub fn genesis_block(&self) -> Block {
        match self.network {
            Network::Mainnet => satoshi_genesis(1_231_006_505, 2_083_236_893, 0x1d00ffff),
            Network::Testnet3 => satoshi_genesis(1_296_688_602, 414_098_458, 0x1d00ffff),
            Network::Signet => satoshi_genesis(1_598_918_400, 52_613_770, 0x1e0377ae),
            Network::Regtest => satoshi_genesis(1_296_688_602, 2, 0x207fffff),
            Network::Testnet4 => genesis(
                TESTNET4_MESSAGE,
                // A pay-to-pubkey output to 33 zero bytes: no key, so unspendable.
                Builder::new()
                    .push_slice(&[0; 33])
                    .push_opcode(OP_CHECKSIG)
                    .into_script(),
                1_714_777_860,
                393_743_547,
                0x1d00ffff,
            ),
        }
    }
}

/// The headline Satoshi put in the first coinbase.
const SATOSHI_MESSAGE: &[u8] =
    b"The Times 03/Jan/2009 Chancellor on brink of second bailout for banks";

/// The testnet4 genesis message: a date and a recent mainnet block hash, proof that the
/// network did not exist before then.
const TESTNET4_MESSAGE: &[u8] =
    b"03/May/2024 000000000000000000001ebd58c244970b3aa9d783bb001011fbe8ea8e98e00e";

/// Satoshi's uncompressed public key that the genesis coinbase pays.
const SATOSHI_PUBKEY: [u8; 65] = [
    0x04, 0x67, 0x8a, 0xfd, 0xb0, 0xfe, 0x55, 0x48, 0x27, 0x19, 0x67, 0xf1, 0xa6, 0x71, 0x30, 0xb7,
    0x10, 0x5c, 0xd6, 0xa8, 0x28, 0xe0, 0x39, 0x09, 0xa6, 0x79, 0x62, 0xe0, 0xea, 0x1f, 0x61, 0xde,
    0xb6, 0x49, 0xf6, 0xbc, 0x3f, 0x4c, 0xef, 0x38, 0xc4, 0xf3, 0x55, 0x04, 0xe5, 0x1e, 0xc1, 0x12,
    0xde, 0x5c, 0x38, 0x4d, 0xf7, 0xba, 0x0b, 0x8d, 0x57, 0x8a, 0x4c, 0x70, 0x2b, 0x6b, 0xf1, 0x1d,
    0x5f,
];

fn satoshi_genesis(time: u32, nonce: u32, bits: u32) -> Block {
    let output = Builder::new()
        .push_slice(&SATOSHI_PUBKEY)
        .push_opcode(OP_CHECKSIG)
        .into_script();
    genesis(SATOSHI_MESSAGE, output, time, nonce, bits)
}

fn genesis(message: &[u8], output_script: Script, time: u32, nonce: u32, bits: u32) -> Block {
    // The script_sig pushes 486604799 (0x1d00ffff, the nBits of the time), the number 4,
    // and the message, with Core's plain `<<` pushes.
    let script_sig = Builder::new()
        .push_int(486_604_799)
        .push_slice_non_minimal(&[4])
        .push_slice_non_minimal(message)
        .into_script();
    let coinbase = Transaction {
        version: 1,
        input: vec![TxIn {
            previous_output: OutPoint::NULL,
            script_sig,
            sequence: SEQUENCE_FINAL,
            witness: Witness::new(),
        }],
        output: vec![TxOut {
            value: Amount::from_sat(50 * 100_000_000),
            script_pubkey: output_script,
        }],
        lock_time: 0,
    };
    let merkle_root = TxMerkleNode::from_byte_array(
        compute_merkle_root(vec![coinbase.compute_txid().to_byte_array()]).root,
    );
    Block {
        header: BlockHeader {
            version: 1,
            prev_blockhash: BlockHash::ZERO,
            merkle_root,
            time,
            bits: CompactTarget::from_consensus(bits),
            nonce,
        },
        txdata: vec![coinbase],
    }
}

const fn pow_limit(leading_zero_bytes: usize, first: [u8; 3], rest: u8) -> Target {
    // Pow limits are written as a few leading zero bytes, a 3-byte head, then filler.
    let mut be = [rest; 32];
    let mut i = 0;
    while i < leading_zero_bytes {
        be[i] = 0;
        i += 1;
    }
    be[leading_zero_bytes] = first[0];
    be[leading_zero_bytes + 1] = first[1];
    be[leading_zero_bytes + 2] = first[2];
    let mut limbs = [0u64; 4];
    let mut l = 0;
    while l < 4 {
        let mut v = 0u64;
        let mut b = 0;
        while b < 8 {
            v = (v << 8) | be[8 * (3 - l) + b] as u64;
            b += 1;
        }
        limbs[l] = v;
        l += 1;
    }
    Target::from_u256(U256::from_limbs(limbs))
}

const MAINNET_TESTNET_LIMIT: Target = pow_limit(4, [0xff, 0xff, 0xff], 0xff);

/// `testdummy` as Core defines it on the public networks: bit 28, never started, with
/// the network's threshold out of 2016 blocks.
const fn testdummy_never_active(threshold: u32) -> Bip9Deployment {
    Bip9Deployment {
        bit: 28,
        start_time: Bip9Deployment::NEVER_ACTIVE,
        timeout: Bip9Deployment::NO_TIMEOUT,
        min_activation_height: 0,
        threshold,
        period: 2016,
    }
}

const TAPROOT_BIP9_MAINNET: Bip9Deployment = Bip9Deployment {
    bit: 2,
    start_time: 1_619_222_400,
    timeout: 1_628_640_000,
    min_activation_height: 709_632,
    threshold: 1815,
    period: 2016,
};

/// Mainnet.
pub static MAINNET: Params = Params {
    network: Network::Mainnet,
    magic: [0xf9, 0xbe, 0xb4, 0xd9],
    default_port: 8333,
    genesis_hash: BlockHash::from_display_hex_const(
        "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f",
    ),
    pow_limit: MAINNET_TESTNET_LIMIT,
    subsidy_halving_interval: 210_000,
    pow_target_spacing: 600,
    pow_target_timespan: 14 * 24 * 60 * 60,
    allow_min_difficulty_blocks: false,
    no_retargeting: false,
    enforce_bip94: false,
    deployments: Deployments {
        bip16_exception: Some(BlockHash::from_display_hex_const(
            "00000000000002dc756eebf4f49723ed8d30cc28a5f108eb94b1ba88ac4f9c22",
        )),
        bip34_height: 227_931,
        bip34_hash: Some(BlockHash::from_display_hex_const(
            "000000000000024b89b42a942fe0d9fea3bb44ab7bd1b19115dd6a759c0808b8",
        )),
        bip65_height: 388_381,
        bip66_height: 363_725,
        csv_height: 419_328,
        segwit_height: 481_824,
        // Signalled by BIP9 (Speedy Trial), locked in with a minimum activation height;
        // it activated at exactly that height, so the outcome is buried here.
        taproot: Activation::Height(TAPROOT_BIP9_MAINNET.min_activation_height),
        taproot_exception: Some(BlockHash::from_display_hex_const(
            "0000000000000000000f14c35b2d841e986ab5441de8c585d5ffe55ea1e395ad",
        )),
        // 90%.
        testdummy: testdummy_never_active(1815),
    },
    addresses: MAINNET_ADDRESSES,
    signet_challenge: None,
};

/// Testnet3.
pub static TESTNET3: Params = Params {
    network: Network::Testnet3,
    magic: [0x0b, 0x11, 0x09, 0x07],
    default_port: 18333,
    genesis_hash: BlockHash::from_display_hex_const(
        "000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943",
    ),
    pow_limit: MAINNET_TESTNET_LIMIT,
    subsidy_halving_interval: 210_000,
    pow_target_spacing: 600,
    pow_target_timespan: 14 * 24 * 60 * 60,
    allow_min_difficulty_blocks: true,
    no_retargeting: false,
    enforce_bip94: false,
    deployments: Deployments {
        bip16_exception: Some(BlockHash::from_display_hex_const(
            "00000000dd30457c001f4095d208cc1296b0eed002427aa599874af7a432b105",
        )),
        bip34_height: 21_111,
        bip34_hash: Some(BlockHash::from_display_hex_const(
            "0000000023b3a96d3484e5abb3755c413e7d41500f8e2a5c3f0dd01299cd8ef8",
        )),
        bip65_height: 581_885,
        bip66_height: 330_776,
        csv_height: 770_112,
        segwit_height: 834_624,
        taproot: Activation::VersionBits(Bip9Deployment {
            min_activation_height: 0,
            threshold: 1512,
            ..TAPROOT_BIP9_MAINNET
        }),
        taproot_exception: None,
        // 75%, as test networks use.
        testdummy: testdummy_never_active(1512),
    },
    addresses: TEST_ADDRESSES,
    signet_challenge: None,
};

/// Testnet4 (BIP94).
pub static TESTNET4: Params = Params {
    network: Network::Testnet4,
    magic: [0x1c, 0x16, 0x3f, 0x28],
    default_port: 48333,
    genesis_hash: BlockHash::from_display_hex_const(
        "00000000da84f2bafbbc53dee25a72ae507ff4914b867c565be350b0da8bf043",
    ),
    pow_limit: MAINNET_TESTNET_LIMIT,
    subsidy_halving_interval: 210_000,
    pow_target_spacing: 600,
    pow_target_timespan: 14 * 24 * 60 * 60,
    allow_min_difficulty_blocks: true,
    no_retargeting: false,
    enforce_bip94: true,
    deployments: Deployments {
        testdummy: testdummy_never_active(1512),
        ..ALWAYS_FROM_BLOCK_1
    },
    addresses: TEST_ADDRESSES,
    signet_challenge: None,
};

/// Testnet4 and signet: every buried fork from block 1, taproot always (each sets its own
/// `testdummy` threshold).
const ALWAYS_FROM_BLOCK_1: Deployments = Deployments {
    bip16_exception: None,
    bip34_height: 1,
    bip34_hash: None,
    bip65_height: 1,
    bip66_height: 1,
    csv_height: 1,
    segwit_height: 1,
    taproot: Activation::Height(0),
    taproot_exception: None,
    testdummy: testdummy_never_active(1512),
};

/// The default signet's challenge: a 1-of-2 bare multisig.
const SIGNET_CHALLENGE: [u8; 71] = [
    0x51, 0x21, 0x03, 0xad, 0x5e, 0x0e, 0xda, 0xd1, 0x8c, 0xb1, 0xf0, 0xfc, 0x0d, 0x28, 0xa3, 0xd4,
    0xf1, 0xf3, 0xe4, 0x45, 0x64, 0x03, 0x37, 0x48, 0x9a, 0xbb, 0x10, 0x40, 0x4f, 0x2d, 0x1e, 0x08,
    0x6b, 0xe4, 0x30, 0x21, 0x03, 0x59, 0xef, 0x50, 0x21, 0x96, 0x4f, 0xe2, 0x2d, 0x6f, 0x8e, 0x05,
    0xb2, 0x46, 0x3c, 0x95, 0x40, 0xce, 0x96, 0x88, 0x3f, 0xe3, 0xb2, 0x78, 0x76, 0x0f, 0x04, 0x8f,
    0x51, 0x89, 0xf2, 0xe6, 0xc4, 0x52, 0xae,
];

/// The default signet (BIP325).
pub static SIGNET: Params = Params {
    network: Network::Signet,
    // The first four bytes of sha256d(CompactSize(len) || challenge), checked in tests.
    magic: [0x0a, 0x03, 0xcf, 0x40],
    default_port: 38333,
    genesis_hash: BlockHash::from_display_hex_const(
        "00000008819873e925422c1ff0f99f7cc9bbb232af63a077a480a3633bee1ef6",
    ),
    pow_limit: pow_limit(2, [0x03, 0x77, 0xae], 0x00),
    subsidy_halving_interval: 210_000,
    pow_target_spacing: 600,
    pow_target_timespan: 14 * 24 * 60 * 60,
    allow_min_difficulty_blocks: false,
    no_retargeting: false,
    enforce_bip94: false,
    deployments: Deployments {
        // 90%, as on mainnet.
        testdummy: testdummy_never_active(1815),
        ..ALWAYS_FROM_BLOCK_1
    },
    addresses: TEST_ADDRESSES,
    signet_challenge: Some(&SIGNET_CHALLENGE),
};

/// Regtest.
pub static REGTEST: Params = Params {
    network: Network::Regtest,
    magic: [0xfa, 0xbf, 0xb5, 0xda],
    default_port: 18444,
    genesis_hash: BlockHash::from_display_hex_const(
        "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206",
    ),
    pow_limit: pow_limit(0, [0x7f, 0xff, 0xff], 0xff),
    subsidy_halving_interval: 150,
    pow_target_spacing: 600,
    pow_target_timespan: 24 * 60 * 60,
    allow_min_difficulty_blocks: true,
    no_retargeting: true,
    enforce_bip94: false,
    deployments: Deployments {
        bip16_exception: None,
        bip34_height: 1,
        bip34_hash: None,
        bip65_height: 1,
        bip66_height: 1,
        csv_height: 1,
        segwit_height: 0,
        taproot: Activation::Height(0),
        taproot_exception: None,
        // Started from genesis (median time past is never below 0), never times out;
        // periods of 144 blocks instead of 2016, so that tests reach every state quickly.
        testdummy: Bip9Deployment {
            bit: 28,
            start_time: 0,
            timeout: Bip9Deployment::NO_TIMEOUT,
            min_activation_height: 0,
            // 75%.
            threshold: 108,
            period: 144,
        },
    },
    addresses: AddressParams {
        bech32_hrp: "bcrt",
        ..TEST_ADDRESSES
    },
    signet_challenge: None,
};
