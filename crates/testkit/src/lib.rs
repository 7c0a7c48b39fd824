//! # sou-testkit: regtest chains in a few lines
//!
//! Tests need chains: blocks on top of a tip, coinbases paying a key, coins old enough to
//! spend. [`TestChain`] is a regtest chain (a [`Chainstate`](sou_chain::Chainstate) and
//! the valid blocks it mines: BIP34 height, witness commitment, proof of work at
//! regtest's easiest target, timestamps after the median time past) with a test key and
//! signed P2WPKH spends of its coins, so that a test only says what is special about its
//! block. Breaking a block on purpose is the test's business: build it with
//! [`TestChain::build_block`], change it, and [`mine`] it again. [`Rng`] is a seeded
//! generator for generated cases.
//!
//! Never published: a dev-dependency only. It may use any crate below the crates that
//! test with it: were it to use one, that crate's unit tests would link a second copy of
//! the crate, whose types do not match the first's.

#![allow(
    clippy::expect_used,
    reason = "test support: a failure here is a broken test setup"
)]

use std::ops::{Deref, DerefMut};

use sou_chain::chainstate::{Branch, ProcessOutcome};
use sou_chain::BlockError;
use sou_keys::{ecdsa, Address, Message, SecretKey};
use sou_miner::regtest::{self, RegtestChain};
use sou_miner::template::finish_block;
use sou_primitives::hashes::sha256;
use sou_primitives::network::{Params, REGTEST};
use sou_primitives::{
    Amount, Block, BlockHash, Network, OutPoint, Script, Transaction, TxIn, TxOut, Witness,
};
use sou_script::sighash::{segwit_v0_sighash, SighashType};
use sou_script::PrecomputedTransactionData;

/// A spendable P2WPKH coin of the test key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Funding {
    /// Where it is.
    pub outpoint: OutPoint,
    /// Its value.
    pub value: Amount,
    /// Height of the block that made it.
    pub height: u32,
}

/// A regtest chain with one key that receives every coinbase: sou-miner's
/// [`RegtestChain`] (its `state`, `params()`, ... are reached through it), plus the key,
/// signed spends of its coins, and panics instead of errors.
pub struct TestChain {
    /// The chain that builds and mines the blocks.
    pub regtest: RegtestChain,
    /// The key that coinbases pay (P2WPKH).
    pub key: SecretKey,
}

impl Deref for TestChain {
    type Target = RegtestChain;

    fn deref(&self) -> &RegtestChain {
        &self.regtest
    }
}

impl DerefMut for TestChain {
    fn deref_mut(&mut self) -> &mut RegtestChain {
        &mut self.regtest
    }
}

/// Mines `block` in place: tries nonces from its own until the hash meets its nBits (at
/// regtest's target, one try in two).
pub fn mine(block: &mut Block) {
    regtest::mine(block, &REGTEST).expect("regtest nBits, met within 2^32 nonces");
}

/// Recomputes the merkle root and the witness commitment after transactions changed.
pub fn refresh_commitments(block: &mut Block) {
    finish_block(block);
}

/// The P2WPKH script of `key` on regtest.
fn p2wpkh(key: &SecretKey) -> Script {
    Address::p2wpkh(&key.public_key(), Network::Regtest)
        .expect("compressed key")
        .script_pubkey()
}

impl TestChain {
    /// A chain holding only the regtest genesis block, with a fixed test key.
    pub fn new() -> TestChain {
        TestChain::with_key(
            SecretKey::from_byte_array(sha256(b"sou-testkit key")).expect("valid key"),
        )
    }

    /// A chain whose coinbases pay `key`.
    pub fn with_key(key: SecretKey) -> TestChain {
        TestChain::with_params(&REGTEST, key)
    }

    /// A chain on other regtest-like parameters (e.g. a soft fork buried higher), which
    /// must keep regtest's fixed difficulty.
    pub fn with_params(params: &'static Params, key: SecretKey) -> TestChain {
        TestChain {
            regtest: RegtestChain::with_params(params, p2wpkh(&key))
                .expect("regtest-like parameters"),
            key,
        }
    }

    /// The key's P2WPKH script.
    pub fn script(&self) -> Script {
        p2wpkh(&self.key)
    }

    /// Makes coinbases pay `script` (a wallet's address) instead of the key; `None` goes
    /// back to the key. [`TestChain::spend`] only spends the key's coins.
    pub fn set_payout(&mut self, script: Option<Script>) {
        let script = script.unwrap_or_else(|| self.script());
        self.regtest.set_payout(script);
    }

    /// A valid, mined block on top of `prev` holding `txs` after a coinbase that claims
    /// the subsidy plus `fees` ([`RegtestChain::build_block_on`]).
    pub fn build_block_on(
        &mut self,
        prev: BlockHash,
        txs: Vec<Transaction>,
        fees: Amount,
    ) -> Block {
        self.regtest
            .build_block_on(prev, txs, fees)
            .expect("a known parent, fees in range")
    }

    /// [`TestChain::build_block_on`] the active tip.
    pub fn build_block(&mut self, txs: Vec<Transaction>, fees: Amount) -> Block {
        let tip = self.state.tip();
        self.build_block_on(tip, txs, fees)
    }

    /// Builds and processes a block on the tip; a block that fails while connected is in
    /// the outcome's `invalid`, for the test to inspect.
    pub fn mine_block(
        &mut self,
        txs: Vec<Transaction>,
        fees: Amount,
    ) -> Result<ProcessOutcome, BlockError> {
        let block = self.build_block(txs, fees);
        self.state.process_block(block).map_err(|e| {
            e.into_block_error()
                .expect("in-memory chain data is consistent")
        })
    }

    /// Mines `n` empty blocks; returns the coinbase coins they made.
    pub fn mine_empty(&mut self, n: u32) -> Vec<Funding> {
        (0..n)
            .map(|_| {
                let block = self.build_block(vec![], Amount::ZERO);
                let height = self.state.height() + 1;
                let outpoint = OutPoint::new(block.txdata[0].compute_txid(), 0);
                let value = block.txdata[0].output[0].value;
                self.state.process_block(block).expect("valid test block");
                Funding {
                    outpoint,
                    value,
                    height,
                }
            })
            .collect()
    }

    /// A transaction spending `coin` (the key's P2WPKH) to `outputs`, signed.
    pub fn spend(&self, coin: &Funding, outputs: Vec<TxOut>) -> Transaction {
        self.spend_with(coin, outputs, |tx| tx)
    }

    /// Like [`TestChain::spend`], letting `adjust` change the transaction before signing.
    pub fn spend_with(
        &self,
        coin: &Funding,
        outputs: Vec<TxOut>,
        adjust: impl FnOnce(Transaction) -> Transaction,
    ) -> Transaction {
        let tx = Transaction {
            version: 2,
            input: vec![TxIn {
                previous_output: coin.outpoint,
                script_sig: Script::new(),
                sequence: 0xffff_fffd,
                witness: Witness::new(),
            }],
            output: outputs,
            lock_time: 0,
        };
        let mut tx = adjust(tx);
        let spent = TxOut {
            value: coin.value,
            script_pubkey: self.script(),
        };
        let pre = PrecomputedTransactionData::new(&tx, vec![spent]);
        let pk = self.key.public_key();
        // BIP143: a P2WPKH input signs the P2PKH script of its key.
        let code = Script::p2pkh(&pk.pubkey_hash().0);
        let sighash =
            segwit_v0_sighash(code.as_bytes(), &tx, 0, SighashType::ALL, coin.value, &pre);
        let mut sig = ecdsa::sign(&Message::from_digest(sighash.0), &self.key).to_der();
        sig.push(1);
        tx.input[0].witness = Witness::from_items([sig, pk.serialize_compressed().to_vec()]);
        tx
    }
}

impl TestChain {
    /// A chain for node benches, as the blocks above genesis: 101 empty blocks, a block
    /// fanning one coinbase out to `strands` coins, then `blocks` blocks of `strands`
    /// payments, each spending the previous block's coin of its strand.
    pub fn strand_blocks(blocks: usize, strands: usize) -> Vec<Block> {
        let mut chain = TestChain::new();
        let coinbases = chain.mine_empty(101);
        let strand_count = i64::try_from(strands).expect("a bench-sized count");
        let per_strand = coinbases[0].value.to_sat() / strand_count - 10_000;
        let fan = chain.spend(
            &coinbases[0],
            (0..strands)
                .map(|_| TxOut {
                    value: Amount::from_sat(per_strand),
                    script_pubkey: chain.script(),
                })
                .collect(),
        );
        let fan_fee = coinbases[0].value.to_sat() - per_strand * strand_count;
        let fan_txid = fan.compute_txid();
        chain
            .mine_block(vec![fan], Amount::from_sat(fan_fee))
            .expect("fan-out block");
        let mut coins: Vec<Funding> = (0..strands)
            .map(|i| Funding {
                outpoint: OutPoint::new(fan_txid, u32::try_from(i).expect("few outputs")),
                value: Amount::from_sat(per_strand),
                height: 102,
            })
            .collect();
        for _ in 0..blocks {
            let height = chain.state.height() + 1;
            let txs: Vec<Transaction> = coins
                .iter()
                .map(|coin| {
                    chain.spend(
                        coin,
                        vec![TxOut {
                            value: Amount::from_sat(coin.value.to_sat() - 1_000),
                            script_pubkey: chain.script(),
                        }],
                    )
                })
                .collect();
            coins = txs
                .iter()
                .zip(&coins)
                .map(|(tx, coin)| Funding {
                    outpoint: OutPoint::new(tx.compute_txid(), 0),
                    value: Amount::from_sat(coin.value.to_sat() - 1_000),
                    height,
                })
                .collect();
            chain
                .mine_block(txs, Amount::from_sat(1_000 * strand_count))
                .expect("valid block");
        }
        chain.state.active_chain()[1..]
            .iter()
            .map(|hash| {
                chain
                    .state
                    .block_ref(hash)
                    .expect("a block of the active chain is kept")
                    .clone()
            })
            .collect()
    }

    /// The active chain as the consensus rules see it, for calling them directly.
    pub fn active_view(&self) -> Branch<'_> {
        self.state
            .branch(self.state.tip())
            .expect("the tip is in the tree")
    }
}

impl Default for TestChain {
    fn default() -> Self {
        TestChain::new()
    }
}

/// A small deterministic generator (xorshift64) for generated test cases: the same seed
/// gives the same cases on every run and every machine.
#[derive(Debug, Clone)]
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next_u64() % n as u64).unwrap_or(0)
    }
}
