//! Moving the tip by hand, and checking a block without keeping it: the `invalidateblock`,
//! `reconsiderblock` and `preciousblock` RPCs, and `TestBlockValidity` for templates.
//!
//! References: Core `src/validation.cpp` (`InvalidateBlock`, `ResetBlockFailureFlags`,
//! `PreciousBlock`, `TestBlockValidity`).

use sou_primitives::block::Block;
use sou_primitives::pow::Work;
use sou_primitives::BlockHash;

use super::{BlockEntry, Branch, Chainstate, ChainstateError, ProcessOutcome};
use crate::connect::connect_block;
use crate::consensus::{
    check_block, contextual_check_block, contextual_check_block_header, AncestorView, BlockError,
    CheckBlockOptions,
};
use crate::store::{ChainError, ChainStore, CoinsOverlay};

impl<S: ChainStore> Chainstate<S> {
    /// Checks a block built on the tip as if it were to be connected, without storing or
    /// connecting it (Core `TestBlockValidity`: `getblocktemplate` proposals,
    /// `generateblock`). `check_pow` is off for a block not mined yet.
    pub fn test_block_validity(
        &mut self,
        block: &Block,
        check_pow: bool,
    ) -> Result<(), ChainError<S::Error>> {
        let tip = self.tip();
        if block.header.prev_blockhash != tip {
            return Err(BlockError::PrevBlockNotFound {
                prev: block.header.prev_blockhash,
            }
            .into());
        }
        let hash = block.block_hash();
        let branch = Branch {
            tree: &self.tree,
            tip,
        };
        contextual_check_block_header(&block.header, &branch, self.params, self.now())?;
        check_block(
            block,
            self.params,
            CheckBlockOptions {
                pow: check_pow,
                merkle_root: true,
            },
        )?;
        contextual_check_block(block, &branch, self.params)?;
        let hash_at_bip34 = branch
            .ancestor(self.params.deployments.bip34_height)
            .map(|a| a.hash);
        let mut overlay = CoinsOverlay::new(&mut self.store);
        connect_block(
            block,
            &hash,
            &branch,
            hash_at_bip34,
            &mut overlay,
            self.params,
            self.options,
        )?;
        Ok(())
    }

    /// Marks a block invalid by hand, with its descendants, and leaves the active chain
    /// below it (Core `InvalidateBlock`, the `invalidateblock` RPC); then moves to the
    /// best branch still valid.
    pub fn invalidate_block(
        &mut self,
        hash: &BlockHash,
    ) -> Result<ProcessOutcome, ChainError<S::Error>> {
        let height = self
            .tree
            .entries
            .get(hash)
            .ok_or(ChainstateError::UnknownBlock(*hash))?
            .height;
        if height == 0 {
            return Err(ChainstateError::CannotDisconnectGenesis.into());
        }
        let mut disconnected = Vec::new();
        if self.tree.is_active(hash, height) {
            while self.height() >= height {
                disconnected.push(self.disconnect_tip()?);
            }
        }
        self.mark_failed(hash);
        let mut outcome = self.activate_best_chain()?;
        disconnected.append(&mut outcome.disconnected);
        outcome.disconnected = disconnected;
        Ok(outcome)
    }

    /// Clears the invalid marks of a block, its descendants and its ancestors, so that they
    /// are checked again (Core `ResetBlockFailureFlags`, the `reconsiderblock` RPC); then
    /// moves to the best valid branch.
    pub fn reconsider_block(
        &mut self,
        hash: &BlockHash,
    ) -> Result<ProcessOutcome, ChainError<S::Error>> {
        if !self.tree.entries.contains_key(hash) {
            return Err(ChainstateError::UnknownBlock(*hash).into());
        }
        let mut cleared = self.descendants(hash);
        let mut cursor = Some(*hash);
        while let Some(h) = cursor {
            cleared.push(h);
            cursor = self
                .tree
                .entries
                .get(&h)
                .filter(|e| e.height > 0)
                .map(|e| e.header.prev_blockhash);
        }
        for h in cleared {
            if self.tree.entries.get(&h).is_some_and(BlockEntry::is_failed) {
                if let Some(e) = self.touch(&h) {
                    e.failure = None;
                }
            }
        }
        self.activate_best_chain()
    }

    /// Treats a block as if it had arrived before the other blocks of equal work, so that
    /// its branch wins a tie (Core `PreciousBlock`, the `preciousblock` RPC).
    pub fn precious_block(
        &mut self,
        hash: &BlockHash,
    ) -> Result<ProcessOutcome, ChainError<S::Error>> {
        let work = self
            .tree
            .entries
            .get(hash)
            .ok_or(ChainstateError::UnknownBlock(*hash))?
            .chain_work;
        let tip_work = self
            .tree
            .entries
            .get(&self.tip())
            .map_or(Work::ZERO, |e| e.chain_work);
        if work < tip_work {
            // Less work than the tip: nothing to prefer.
            return Ok(ProcessOutcome::at(self.tip()));
        }
        if tip_work > self.precious_work {
            // The tip moved on since the last call: start the reverse numbering afresh.
            self.precious_sequence = -1;
        }
        self.precious_work = tip_work;
        let sequence = self.precious_sequence;
        self.precious_sequence = self.precious_sequence.saturating_sub(1);
        if let Some(e) = self.touch(hash) {
            e.sequence = sequence;
        }
        self.activate_best_chain()
    }
}
