//! Regtest chains in a few lines: blocks built and mined on the spot.
//!
//! Regtest is the network Bitcoin Core keeps for testing (`-regtest`). Its rules are
//! mainnet's, every soft fork active from block 1, but its proof-of-work limit is so high
//! that one header hash in two meets it, and its difficulty never adjusts
//! (`fPowNoRetargeting`). A block is mined in a few
//! microseconds on one core, so a program can make a chain of a hundred blocks as Core's
//! `generatetoaddress` does, and then pay, fork and reorganise on it.
//!
//! [`RegtestChain`] keeps a [`Chainstate`] and builds valid blocks on any block it knows:
//!
//! - the coinbase ([`coinbase_with_extra_nonce`]) pushes the height (BIP34), pays the
//!   subsidy plus the fees it is told to the chain's payout script, and commits to the
//!   block's witnesses (BIP141);
//! - the header takes a time after the median time past of the previous 11 blocks, the
//!   nBits the difficulty rules ask for ([`next_work_required`]), and a nonce found by
//!   [`mine`].
//!
//! Nothing here skips a rule: [`RegtestChain::mine_block`] hands the block to the chain
//! state, which validates it as it would a peer's. To test a rule, build a block with
//! [`RegtestChain::build_block`], break it, call [`finish_block`] and [`mine`] again, and
//! give it to [`RegtestChain::state`] yourself.
//!
//! ```
//! use sou_miner::regtest::RegtestChain;
//! use sou_primitives::{Amount, Script};
//!
//! // Coinbases pay an `OP_TRUE` script: anyone may spend them.
//! let mut chain = RegtestChain::new(Script::from_bytes(vec![0x51]));
//! let block = chain.mine_block(vec![], Amount::ZERO)?;
//! assert_eq!(chain.state.height(), 1);
//! assert_eq!(chain.state.tip(), block.block_hash());
//! # Ok::<(), sou_miner::regtest::RegtestError>(())
//! ```
//!
//! References: Core `src/rpc/mining.cpp` (`generateBlocks`), `src/node/miner.cpp`
//! (`BlockAssembler::CreateNewBlock`), `src/kernel/chainparams.cpp` (`CRegTestParams`);
//! BIP34, BIP141.

use std::convert::Infallible;

use sou_chain::consensus::{block_subsidy, median_time_past, next_work_required, AncestorView};
use sou_chain::store::ChainError;
use sou_chain::versionbits::VERSIONBITS_TOP_BITS;
use sou_chain::{BlockError, Chainstate, ConnectOptions};
use sou_primitives::block::BlockHeader;
use sou_primitives::network::{Params, REGTEST};
use sou_primitives::pow::Target;
use sou_primitives::{Amount, Block, BlockHash, CompactTarget, Network, Script, Transaction};
use thiserror::Error;

use crate::template::{coinbase_with_extra_nonce, finish_block};

/// Why a regtest block could not be built, mined or connected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum RegtestError {
    /// The network adjusts its difficulty: mining it on the spot could take years.
    #[error("{network} adjusts its difficulty: only a chain that never does is mined on the spot")]
    Retargets {
        /// The network of the parameters given.
        network: Network,
    },
    /// The block to build on is not in the chain state.
    #[error("unknown parent block {0}")]
    UnknownParent(BlockHash),
    /// Subsidy plus fees overflows.
    #[error("the subsidy {subsidy} plus fees {fees} overflows")]
    CoinbaseValue {
        /// The block subsidy at the new height.
        subsidy: Amount,
        /// The fees the coinbase was to claim.
        fees: Amount,
    },
    /// The header's nBits is not a target under the network's limit.
    #[error("nBits {0} is not a valid target")]
    BadBits(CompactTarget),
    /// None of the 2^32 header nonces meets the target.
    #[error("no header nonce meets nBits {0}")]
    NoNonce(CompactTarget),
    /// The chain state rejected the block.
    #[error("block {hash} rejected: {error}")]
    Rejected {
        /// The block.
        hash: BlockHash,
        /// The rule it breaks.
        error: BlockError,
    },
    /// The chain state failed on its own data.
    #[error(transparent)]
    Chain(ChainError<Infallible>),
}

/// A regtest chain that mines its own blocks, paying every coinbase to one script.
#[derive(Debug)]
pub struct RegtestChain {
    /// The chain state the blocks are processed by: ask it about the chain, or give it
    /// blocks of your own.
    pub state: Chainstate,
    payout: Script,
    /// The last block time this chain used: block times only go forward, one second a
    /// block, even when blocks are built on an older fork.
    time: u32,
}

/// Refuses parameters whose difficulty adjusts: only at a limit that never moves does a
/// nonce take a few tries.
fn check_never_retargets(params: &Params) -> Result<(), RegtestError> {
    if params.no_retargeting {
        Ok(())
    } else {
        Err(RegtestError::Retargets {
            network: params.network,
        })
    }
}

impl RegtestChain {
    /// A chain on regtest holding only its genesis block, whose coinbases pay `payout`.
    pub fn new(payout: Script) -> RegtestChain {
        RegtestChain {
            state: Chainstate::new(&REGTEST, ConnectOptions::default()),
            payout,
            time: REGTEST.genesis_block().header.time,
        }
    }

    /// A chain on regtest-like parameters (a soft fork buried at another height, say),
    /// which must keep regtest's fixed difficulty.
    pub fn with_params(
        params: &'static Params,
        payout: Script,
    ) -> Result<RegtestChain, RegtestError> {
        check_never_retargets(params)?;
        Ok(RegtestChain {
            state: Chainstate::new(params, ConnectOptions::default()),
            payout,
            time: params.genesis_block().header.time,
        })
    }

    /// The chain's parameters.
    pub fn params(&self) -> &'static Params {
        self.state.params()
    }

    /// The script the coinbases pay.
    pub fn payout(&self) -> &Script {
        &self.payout
    }

    /// Makes the next coinbases pay `payout`.
    pub fn set_payout(&mut self, payout: Script) {
        self.payout = payout;
    }

    /// A valid, mined block on top of `prev` (any block the state knows, not only the
    /// tip): a coinbase claiming the subsidy plus `fees`, then `txs`. Not processed: give
    /// it to [`RegtestChain::state`], or change it first.
    ///
    /// `fees` is taken on trust: if `txs` pay less, the chain state will reject the block
    /// (`bad-cb-amount`).
    pub fn build_block_on(
        &mut self,
        prev: BlockHash,
        txs: Vec<Transaction>,
        fees: Amount,
    ) -> Result<Block, RegtestError> {
        let params = self.state.params();
        check_never_retargets(params)?;
        let view = self
            .state
            .branch(prev)
            .ok_or(RegtestError::UnknownParent(prev))?;
        let parent = view.tip();
        let height = parent.height + 1;
        // After the median time past, which a block's time must exceed (Core
        // `ContextualCheckBlockHeader`, `time-too-old`), and never behind this chain's own
        // clock. A median of u32 header times fits a u32.
        let mtp = u32::try_from(median_time_past(&view, parent.height)).unwrap_or(u32::MAX);
        self.time = self.time.max(mtp).saturating_add(1);
        let subsidy = block_subsidy(height, params);
        let value = subsidy
            .checked_add(fees)
            .ok_or(RegtestError::CoinbaseValue { subsidy, fees })?;
        // The time as the 4-byte extra nonce: blocks at one height on two branches get
        // different coinbases, so their coins are different coins, as two miners' would be.
        let coinbase =
            coinbase_with_extra_nonce(height, &self.time.to_le_bytes(), value, &self.payout);
        let mut txdata = vec![coinbase];
        txdata.extend(txs);
        let mut block = Block {
            header: BlockHeader {
                // BIP9's top bits with no deployment's bit: these blocks vote for nothing
                // (a test of signalling sets the version and mines again).
                version: VERSIONBITS_TOP_BITS,
                prev_blockhash: prev,
                merkle_root: Default::default(),
                time: self.time,
                bits: next_work_required(&view, self.time, params),
                nonce: 0,
            },
            txdata,
        };
        finish_block(&mut block);
        mine(&mut block, params)?;
        Ok(block)
    }

    /// [`RegtestChain::build_block_on`] the active tip.
    pub fn build_block(
        &mut self,
        txs: Vec<Transaction>,
        fees: Amount,
    ) -> Result<Block, RegtestError> {
        let tip = self.state.tip();
        self.build_block_on(tip, txs, fees)
    }

    /// Builds a block on the tip, as [`RegtestChain::build_block`], and connects it: the
    /// block returned is the new tip. Fails if the chain state rejects it.
    pub fn mine_block(
        &mut self,
        txs: Vec<Transaction>,
        fees: Amount,
    ) -> Result<Block, RegtestError> {
        let block = self.build_block(txs, fees)?;
        let hash = block.block_hash();
        let outcome = self
            .state
            .process_block(block.clone())
            .map_err(|error| match error {
                ChainError::Invalid(error) => RegtestError::Rejected { hash, error },
                other => RegtestError::Chain(other),
            })?;
        // A block that passes its own checks can still fail while being connected (a
        // script, a missing coin): the chain state reports that in the outcome.
        if let Some((_, error)) = outcome.invalid.into_iter().find(|(h, _)| *h == hash) {
            return Err(RegtestError::Rejected { hash, error });
        }
        Ok(block)
    }

    /// Mines `n` blocks with only a coinbase on the tip (Core's `generatetoaddress` with an
    /// empty mempool).
    pub fn mine_empty_blocks(&mut self, n: u32) -> Result<Vec<Block>, RegtestError> {
        (0..n)
            .map(|_| self.mine_block(vec![], Amount::ZERO))
            .collect()
    }
}

/// Tries header nonces, from the block's own upwards (wrapping), until the block's hash
/// meets its nBits under `params`' proof-of-work limit. At regtest's limit one try in
/// two succeeds; the search fails only after all 2^32.
pub fn mine(block: &mut Block, params: &Params) -> Result<(), RegtestError> {
    let bits = block.header.bits;
    let target = Target::from_compact(bits, params.pow_limit).ok_or(RegtestError::BadBits(bits))?;
    let start = block.header.nonce;
    while !target.is_met_by(block.header.block_hash()) {
        block.header.nonce = block.header.nonce.wrapping_add(1);
        if block.header.nonce == start {
            return Err(RegtestError::NoNonce(bits));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sou_primitives::network::MAINNET;

    fn op_true() -> Script {
        Script::from_bytes(vec![0x51])
    }

    #[test]
    fn blocks_on_a_fork_connect_and_reorganise() {
        //   0 - 1 - 2          active after two blocks
        //        \
        //         2' - 3'      more work: the chain moves over
        let mut chain = RegtestChain::new(op_true());
        let one = chain.mine_block(vec![], Amount::ZERO).expect("block 1");
        let two = chain.mine_block(vec![], Amount::ZERO).expect("block 2");
        let fork = chain
            .build_block_on(one.block_hash(), vec![], Amount::ZERO)
            .expect("block 2'");
        // Same height, later time: a different coinbase.
        assert_ne!(fork.txdata[0].compute_txid(), two.txdata[0].compute_txid());
        let fork_hash = fork.block_hash();
        chain.state.process_block(fork).expect("2' accepted");
        assert_eq!(
            chain.state.tip(),
            two.block_hash(),
            "equal work: first seen stays"
        );
        let three = chain
            .build_block_on(fork_hash, vec![], Amount::ZERO)
            .expect("block 3'");
        chain
            .state
            .process_block(three.clone())
            .expect("3' accepted");
        assert_eq!(chain.state.tip(), three.block_hash());
        assert_eq!(chain.state.height(), 3);
    }

    #[test]
    fn user_mistakes_are_errors() {
        assert_eq!(
            RegtestChain::with_params(&MAINNET, op_true()).err(),
            Some(RegtestError::Retargets {
                network: Network::Mainnet
            })
        );
        let mut chain = RegtestChain::new(op_true());
        let nowhere = BlockHash::from_byte_array([7; 32]);
        assert_eq!(
            chain.build_block_on(nowhere, vec![], Amount::ZERO).err(),
            Some(RegtestError::UnknownParent(nowhere))
        );
        assert!(matches!(
            chain.build_block(vec![], Amount::from_sat(i64::MAX)),
            Err(RegtestError::CoinbaseValue { .. })
        ));
        // Claiming fees no transaction pays: the chain state refuses the coinbase.
        let Err(RegtestError::Rejected { error, .. }) =
            chain.mine_block(vec![], Amount::from_sat(1))
        else {
            panic!("an overpaying coinbase was accepted")
        };
        assert_eq!(error.reject_reason(), "bad-cb-amount");
        assert_eq!(chain.state.height(), 0);
    }

    #[test]
    fn mine_keeps_a_nonce_that_already_works() {
        let mut chain = RegtestChain::new(op_true());
        let mut block = chain.build_block(vec![], Amount::ZERO).expect("block 1");
        let nonce = block.header.nonce;
        mine(&mut block, &REGTEST).expect("mined");
        assert_eq!(block.header.nonce, nonce);
        block.header.bits = CompactTarget::from_consensus(0x2100_0000);
        assert_eq!(
            mine(&mut block, &REGTEST),
            Err(RegtestError::BadBits(block.header.bits))
        );
    }
}
