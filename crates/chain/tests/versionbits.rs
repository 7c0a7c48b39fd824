//! BIP9's state machine on chains built in memory: Core's `versionbits_tests.cpp`
//! scenarios (DEFINED → STARTED → LOCKED_IN → ACTIVE, FAILED by timeout, a minimum
//! activation height holding LOCKED_IN), the statistics `getdeploymentinfo` shows, and
//! the versions a miner puts in its blocks, on regtest's `testdummy`.

use sou_chain::consensus::{AncestorInfo, AncestorView};
use sou_chain::versionbits::{
    compute_block_version, gbt_status, info, signals, state_for, state_since_height_for,
    state_statistics_for, Deployment, ThresholdState, VERSIONBITS_TOP_BITS,
};
use sou_primitives::network::Bip9Deployment;
use sou_primitives::{BlockHash, CompactTarget, Network};

use ThresholdState::{Active, Defined, Failed, LockedIn, Started};

/// A chain of blocks given by (time, version), heights from 0.
#[derive(Default)]
struct Chain(Vec<(u32, i32)>);

impl Chain {
    /// Core's `VersionBitsTester::Mine`: adds blocks until the chain holds `len` of them
    /// (the tip at height `len - 1`).
    fn mine(&mut self, len: usize, time: u32, version: i32) -> &mut Self {
        while self.0.len() < len {
            self.0.push((time, version));
        }
        self
    }

    /// The height of the next block: the one whose state the scenarios ask for.
    fn next_height(&self) -> u32 {
        u32::try_from(self.0.len()).expect("test chains are short")
    }
}

impl AncestorView for Chain {
    fn tip(&self) -> AncestorInfo {
        let height = self
            .next_height()
            .checked_sub(1)
            .expect("a chain with blocks");
        self.ancestor(height).expect("the tip is in the chain")
    }

    fn ancestor(&self, height: u32) -> Option<AncestorInfo> {
        self.0
            .get(height as usize)
            .map(|&(time, version)| AncestorInfo {
                hash: BlockHash::ZERO,
                height,
                time,
                bits: CompactTarget::from_consensus(0x207fffff),
                version,
            })
    }
}

/// Core's virtual clock: one block every ten minutes from Nov 14 2014.
fn test_time(height: u32) -> u32 {
    1_415_926_536 + 600 * height
}

/// Core's test deployment: bit 8, periods of 1000 blocks, 900 to lock in, started at
/// `test_time(10000)` and timing out at `test_time(20000)`.
fn normal() -> Bip9Deployment {
    Bip9Deployment {
        bit: 8,
        start_time: i64::from(test_time(10_000)),
        timeout: i64::from(test_time(20_000)),
        min_activation_height: 0,
        threshold: 900,
        period: 1000,
    }
}

/// The same, not active before height 15000 even once locked in.
fn delayed() -> Bip9Deployment {
    Bip9Deployment {
        min_activation_height: 15_000,
        ..normal()
    }
}

/// A step of a scenario: mine up to `len` blocks at `time` with version bits `bits`
/// (on top of 0x20000000), then expect the next block's state and since-height, for the
/// normal deployment and the delayed one.
struct Step {
    len: usize,
    time: u32,
    bits: i32,
    state: ThresholdState,
    since: u32,
    state_delayed: ThresholdState,
    since_delayed: u32,
}

/// Steps where the delayed deployment behaves as the normal one.
const fn same(len: usize, time: u32, bits: i32, state: ThresholdState, since: u32) -> Step {
    Step {
        len,
        time,
        bits,
        state,
        since,
        state_delayed: state,
        since_delayed: since,
    }
}

/// Runs a scenario from an empty chain, checking every step (named by its index), and
/// that the always- and never-active variants stay ACTIVE and FAILED since 0.
fn run(name: &str, steps: &[Step]) {
    let always = Bip9Deployment {
        start_time: Bip9Deployment::ALWAYS_ACTIVE,
        ..normal()
    };
    let never = Bip9Deployment {
        start_time: Bip9Deployment::NEVER_ACTIVE,
        ..normal()
    };
    let mut chain = Chain::default();
    // Before any block: the genesis block is DEFINED by definition.
    assert_eq!(state_for(&chain, 0, &normal()), Defined, "{name}: genesis");
    assert_eq!(state_since_height_for(&chain, 0, &normal()), 0);
    for (i, step) in steps.iter().enumerate() {
        chain.mine(step.len, step.time, VERSIONBITS_TOP_BITS | step.bits);
        let h = chain.next_height();
        let at = format!("{name}: step {i} (next height {h})");
        assert_eq!(state_for(&chain, h, &normal()), step.state, "{at}");
        assert_eq!(
            state_since_height_for(&chain, h, &normal()),
            step.since,
            "{at}: since"
        );
        assert_eq!(
            state_for(&chain, h, &delayed()),
            step.state_delayed,
            "{at}: delayed"
        );
        assert_eq!(
            state_since_height_for(&chain, h, &delayed()),
            step.since_delayed,
            "{at}: delayed since"
        );
        assert_eq!(state_for(&chain, h, &always), Active, "{at}: always");
        assert_eq!(state_since_height_for(&chain, h, &always), 0, "{at}");
        assert_eq!(state_for(&chain, h, &never), Failed, "{at}: never");
        assert_eq!(state_since_height_for(&chain, h, &never), 0, "{at}");
    }
}

#[test]
fn started_with_the_timeout_then_failed() {
    // period:  0 (0-999)   1 (1000-1999)   2 (2000-)
    //          DEFINED     STARTED         FAILED
    // The first period ends at the start time and the timeout together: the next one
    // starts; it ends past the timeout with no signalling, so it fails, and signalling
    // afterwards changes nothing.
    run(
        "timeout",
        &[
            same(1, test_time(1), 0x100, Defined, 0),
            same(11, test_time(11), 0x100, Defined, 0),
            same(989, test_time(989), 0x100, Defined, 0),
            same(999, test_time(20_000), 0x100, Defined, 0),
            same(1000, test_time(20_000), 0, Started, 1000),
            same(1999, test_time(30_001), 0, Started, 1000),
            same(2000, test_time(30_002), 0x100, Failed, 2000),
            same(2001, test_time(30_003), 0x100, Failed, 2000),
            same(2999, test_time(30_004), 0x100, Failed, 2000),
            same(3000, test_time(30_005), 0x100, Failed, 2000),
            same(4000, test_time(30_006), 0x100, Failed, 2000),
        ],
    );
}

#[test]
fn one_signal_short_of_the_threshold_fails() {
    // period 2 (2000-2999) has 899 signalling blocks of 1000, one short of 900, and ends
    // past the timeout.
    run(
        "899 of 1000",
        &[
            same(1, test_time(1), 0, Defined, 0),
            // One second more and the period would have started.
            same(1000, test_time(10_000) - 1, 0x100, Defined, 0),
            same(2000, test_time(10_000), 0x100, Started, 2000),
            same(2051, test_time(10_010), 0, Started, 2000),
            same(2950, test_time(10_020), 0x100, Started, 2000),
            same(3000, test_time(20_000), 0, Failed, 3000),
            same(4000, test_time(20_010), 0x100, Failed, 3000),
        ],
    );
}

/// The steps after LOCKED_IN at 3000, where the delayed deployment waits for 15000.
fn locked_in_then_active(steps: &mut Vec<Step>) {
    steps.extend([
        same(3999, test_time(30_001), 0, LockedIn, 3000),
        // A period later the normal one is active; the delayed one stays locked in.
        Step {
            len: 4000,
            time: test_time(30_002),
            bits: 0,
            state: Active,
            since: 4000,
            state_delayed: LockedIn,
            since_delayed: 3000,
        },
        Step {
            len: 14_333,
            time: test_time(30_003),
            bits: 0,
            state: Active,
            since: 4000,
            state_delayed: LockedIn,
            since_delayed: 3000,
        },
        // From the period of height 15000 on, both are.
        Step {
            len: 15_000,
            time: test_time(40_000),
            bits: 0,
            state: Active,
            since: 4000,
            state_delayed: Active,
            since_delayed: 15_000,
        },
        Step {
            len: 24_000,
            time: test_time(40_000),
            bits: 0,
            state: Active,
            since: 4000,
            state_delayed: Active,
            since_delayed: 15_000,
        },
    ]);
}

#[test]
fn locked_in_in_the_period_that_times_out() {
    // period:  1 DEFINED   2 STARTED (all 1000 signal)   3 LOCKED_IN   4 ACTIVE
    // The signalling period ends past the timeout, but the count is checked first.
    let mut steps = vec![
        same(1, test_time(1), 0, Defined, 0),
        same(1000, test_time(10_000) - 1, 0x101, Defined, 0),
        same(2000, test_time(10_000), 0x101, Started, 2000),
        same(2999, test_time(30_000), 0x100, Started, 2000),
        same(3000, test_time(30_000), 0x100, LockedIn, 3000),
    ];
    locked_in_then_active(&mut steps);
    run("lock-in at timeout", &steps);
}

#[test]
fn locked_in_with_exactly_the_threshold() {
    // period 2 (2000-2999): 50 blocks signal another bit, 900 ours, 50 another: exactly
    // 900, enough.
    let mut steps = vec![
        same(1, test_time(1), 0, Defined, 0),
        same(1000, test_time(10_000) - 1, 0x101, Defined, 0),
        same(2000, test_time(10_000), 0x101, Started, 2000),
        same(2050, test_time(10_010), 0x200, Started, 2000),
        same(2950, test_time(10_020), 0x100, Started, 2000),
        same(2999, test_time(19_999), 0x200, Started, 2000),
        same(3000, test_time(29_999), 0x200, LockedIn, 3000),
    ];
    locked_in_then_active(&mut steps);
    run("900 of 1000", &steps);
}

#[test]
fn defined_and_started_for_several_periods_then_failed() {
    run(
        "several periods",
        &[
            same(999, test_time(999), 0, Defined, 0),
            same(1000, test_time(1000), 0, Defined, 0),
            same(2000, test_time(2000), 0, Defined, 0),
            same(3000, test_time(10_000), 0, Started, 3000),
            same(4000, test_time(10_000), 0, Started, 3000),
            same(5000, test_time(10_000), 0, Started, 3000),
            same(5999, test_time(20_000), 0, Started, 3000),
            same(6000, test_time(20_000), 0, Failed, 6000),
            same(7000, test_time(20_000), 0x100, Failed, 6000),
            // However much it is signalled afterwards.
            same(24_000, test_time(20_000), 0x100, Failed, 6000),
        ],
    );
}

/// Regtest's blocks as bitcoind's `generatetoaddress` mines them: a second apart from
/// the genesis time, each with the version [`compute_block_version`] gives.
fn regtest_chain(len: usize) -> Chain {
    let params = Network::Regtest.params();
    let genesis = params.genesis_block().header;
    let mut chain = Chain(vec![(genesis.time, genesis.version)]);
    while chain.0.len() < len {
        let version = compute_block_version(&chain, params);
        let time = chain.tip().time + 1;
        chain.0.push((time, version));
    }
    chain
}

#[test]
fn regtest_testdummy_activates_in_four_periods() {
    // height:  0 ... 143 | 144 ... 287 | 288 ... 431 | 432 ...
    // state:   DEFINED   | STARTED     | LOCKED_IN   | ACTIVE
    // version: 0x20000000| 0x30000000  | 0x30000000  | 0x20000000
    let params = Network::Regtest.params();
    let testdummy = &params.deployments.testdummy;
    let chain = regtest_chain(600);
    let expect = |height: u32| match height {
        0..=143 => (Defined, 0),
        144..=287 => (Started, 144),
        288..=431 => (LockedIn, 288),
        _ => (Active, 432),
    };
    for height in 0..=600 {
        let (state, since) = expect(height);
        assert_eq!(
            state_for(&chain, height, testdummy),
            state,
            "height {height}"
        );
        assert_eq!(
            state_since_height_for(&chain, height, testdummy),
            since,
            "height {height}"
        );
        // Genesis keeps its version 1.
        if let Some(block) = chain.ancestor(height).filter(|_| height > 0) {
            let signalling = matches!(state, Started | LockedIn);
            assert_eq!(signals(block.version, testdummy), signalling, "{height}");
            let version = if signalling { 0x3000_0000 } else { 0x2000_0000 };
            assert_eq!(block.version, version, "height {height}");
        }
    }
}

#[test]
fn getdeploymentinfo_fields_along_regtest() {
    let params = Network::Regtest.params();
    let testdummy = &params.deployments.testdummy;
    let chain = regtest_chain(600);

    // The last DEFINED block: the next one starts.
    let at_143 = info(&chain, 143, testdummy);
    assert_eq!(
        (at_143.current_state, at_143.next_state, at_143.since),
        (Defined, Started, 0)
    );
    assert_eq!((at_143.stats, at_143.active_since), (None, None));

    // 57 blocks into the first STARTED period, all signalling.
    let at_200 = info(&chain, 200, testdummy);
    assert_eq!((at_200.current_state, at_200.since), (Started, 144));
    let stats = at_200.stats.expect("statistics while started");
    assert_eq!(
        (stats.period, stats.elapsed, stats.count, stats.threshold),
        (144, 57, 57, 108)
    );
    assert!(stats.possible);
    assert_eq!(stats.signalling, vec![true; 57]);

    // The last LOCKED_IN block: active from the next, with no threshold shown.
    let at_431 = info(&chain, 431, testdummy);
    assert_eq!(
        (at_431.current_state, at_431.next_state, at_431.since),
        (LockedIn, Active, 288)
    );
    assert_eq!(at_431.active_since, Some(432));
    let stats = at_431.stats.expect("statistics while locked in");
    assert_eq!((stats.elapsed, stats.count, stats.threshold), (144, 144, 0));
    assert!(!stats.possible);

    let at_599 = info(&chain, 599, testdummy);
    assert_eq!((at_599.current_state, at_599.since), (Active, 432));
    assert_eq!((at_599.stats, at_599.active_since), (None, Some(432)));
}

#[test]
fn statistics_count_and_say_when_the_threshold_is_out_of_reach() {
    let params = Network::Regtest.params();
    let testdummy = &params.deployments.testdummy;
    // 144 blocks of DEFINED, then a period where the first block signals, then 36 that
    // do not: 37 misses would leave at most 107 of 144, one short of 108.
    let mut chain = regtest_chain(144);
    chain.mine(145, 1_296_700_000, 0x3000_0000);
    chain.mine(181, 1_296_700_001, 0x2000_0000);
    let stats = state_statistics_for(&chain, 180, testdummy);
    assert_eq!((stats.elapsed, stats.count), (37, 1));
    assert!(stats.possible, "36 misses leave exactly 108");
    assert_eq!(stats.signalling.len(), 37);
    assert!(stats.signalling[0] && !stats.signalling[1..].iter().any(|&s| s));
    chain.mine(182, 1_296_700_002, 0x2000_0000);
    let stats = state_statistics_for(&chain, 181, testdummy);
    assert_eq!((stats.elapsed, stats.count), (38, 1));
    assert!(!stats.possible);
    // A version with the bit but other top bits does not count.
    chain.mine(183, 1_296_700_003, 0x7000_0000);
    assert_eq!(state_statistics_for(&chain, 182, testdummy).count, 1);
}

#[test]
fn block_versions_and_template_status_on_regtest() {
    let params = Network::Regtest.params();
    // Genesis's child and the rest of the first period: DEFINED, no bit.
    let chain = regtest_chain(143);
    assert_eq!(compute_block_version(&chain, params), 0x2000_0000);
    let status = gbt_status(&chain, params);
    assert!(status.signalling.is_empty() && status.active.is_empty());
    // Height 144 starts: signal.
    let chain = regtest_chain(144);
    assert_eq!(compute_block_version(&chain, params), 0x3000_0000);
    assert_eq!(
        gbt_status(&chain, params).signalling,
        [Deployment::TestDummy]
    );
    // Height 288 is locked in: still signal.
    let chain = regtest_chain(288);
    assert_eq!(compute_block_version(&chain, params), 0x3000_0000);
    assert_eq!(
        gbt_status(&chain, params).locked_in,
        [Deployment::TestDummy]
    );
    // Height 432 is active: the bit is free again, and the rule is listed.
    let chain = regtest_chain(432);
    assert_eq!(compute_block_version(&chain, params), 0x2000_0000);
    assert_eq!(gbt_status(&chain, params).active, [Deployment::TestDummy]);
}

#[test]
fn public_networks_never_start_testdummy() {
    for network in [
        Network::Mainnet,
        Network::Testnet3,
        Network::Testnet4,
        Network::Signet,
    ] {
        let params = network.params();
        let testdummy = Deployment::TestDummy.params(params);
        assert!(!testdummy.is_enabled(), "{network}");
        assert_eq!(testdummy.bit, 28);
        let chain = regtest_chain(300);
        assert_eq!(state_for(&chain, 300, testdummy), Failed, "{network}");
        assert_eq!(compute_block_version(&chain, params), 0x2000_0000);
    }
    let regtest = Network::Regtest.params().deployments.testdummy;
    assert!(regtest.is_enabled());
    assert_eq!(
        (
            regtest.start_time,
            regtest.timeout,
            regtest.threshold,
            regtest.period
        ),
        (0, i64::MAX, 108, 144)
    );
}
