//! # sou-testkit: regtest chains in a few lines
//!
//! Tests and examples need chains: blocks on top of a tip, coinbases paying a key, coins
//! old enough to spend. [`TestChain`] keeps a [`Chainstate`] on regtest and builds valid
//! blocks for it (BIP34 height, witness commitment, proof of work at regtest's easiest
//! target, timestamps after the median time past), so that a test only says what is
//! special about its block. Breaking a block on purpose is the test's business: build
//! it with [`TestChain::build_block`], change it, and [`mine`] it again.
//!
//! Never published: a dev-dependency only.

#![allow(
    clippy::expect_used,
    reason = "test support: a failure here is a broken test setup"
)]

use sou_chain::chainstate::{Branch, ProcessOutcome};
use sou_chain::consensus::{bip34_height_script, block_subsidy, median_time_past};
use sou_chain::{BlockError, Chainstate, ConnectOptions};
use sou_keys::{ecdsa, Address, Message, SecretKey};
use sou_primitives::block::{compute_witness_commitment, BlockHeader, WITNESS_COMMITMENT_HEADER};
use sou_primitives::hashes::sha256;
use sou_primitives::network::{Params, REGTEST};
use sou_primitives::pow::Target;
use sou_primitives::{
    Amount, Block, BlockHash, Network, OutPoint, Script, Transaction, TxIn, TxOut, Witness,
};
use sou_script::sighash::segwit_v0_sighash;
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

/// A regtest chain with one key that receives every coinbase.
pub struct TestChain {
    /// The chain state.
    pub state: Chainstate,
    /// The key that coinbases pay (P2WPKH).
    pub key: SecretKey,
    params: &'static Params,
    time: u32,
    payout: Option<Script>,
}

/// Mines `block` in place: tries nonces until the hash meets its nBits (at regtest's
/// target, one try in two).
pub fn mine(block: &mut Block) {
    let target = Target::from_compact(block.header.bits, REGTEST.pow_limit).expect("regtest nBits");
    while !target.is_met_by(block.header.block_hash()) {
        block.header.nonce = block.header.nonce.wrapping_add(1);
    }
}

/// Recomputes the merkle root and the witness commitment after transactions changed.
pub fn refresh_commitments(block: &mut Block) {
    if let Some(index) = block.witness_commitment_index() {
        let reserved = [0u8; 32];
        let commitment = compute_witness_commitment(&block.compute_witness_root(), &reserved);
        let mut script = WITNESS_COMMITMENT_HEADER.to_vec();
        script.extend_from_slice(&commitment);
        block.txdata[0].output[index].script_pubkey = Script::from_bytes(script);
    }
    block.header.merkle_root = block.compute_merkle_root().root;
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
    /// must keep regtest's proof-of-work limit.
    pub fn with_params(params: &'static Params, key: SecretKey) -> TestChain {
        TestChain {
            state: Chainstate::new(params, ConnectOptions::default()),
            key,
            params,
            time: params.genesis_block().header.time,
            payout: None,
        }
    }

    /// The chain's parameters.
    pub fn params(&self) -> &'static Params {
        self.params
    }

    /// The key's P2WPKH script.
    pub fn script(&self) -> Script {
        Address::p2wpkh(&self.key.public_key(), Network::Regtest)
            .expect("compressed key")
            .script_pubkey()
    }

    /// Makes coinbases pay `script` (a wallet's address) instead of the key; `None` goes
    /// back to the key. [`TestChain::spend`] only spends the key's coins.
    pub fn set_payout(&mut self, script: Option<Script>) {
        self.payout = script;
    }

    /// A coinbase for `height` paying `value` to the key (or the payout script), with the BIP34 height, an
    /// extra nonce, and a witness commitment output.
    pub fn coinbase(&self, height: u32, value: Amount, extra_nonce: u32) -> Transaction {
        let mut script_sig = bip34_height_script(height).into_bytes();
        script_sig.extend_from_slice(&[0x04]);
        script_sig.extend_from_slice(&extra_nonce.to_le_bytes());
        Transaction {
            version: 2,
            input: vec![TxIn {
                previous_output: OutPoint::NULL,
                script_sig: Script::from_bytes(script_sig),
                sequence: u32::MAX,
                witness: Witness::from_items([[0u8; 32]]),
            }],
            output: vec![
                TxOut {
                    value,
                    script_pubkey: self.payout.clone().unwrap_or_else(|| self.script()),
                },
                // Filled in by `refresh_commitments` once the transactions are known.
                TxOut {
                    value: Amount::ZERO,
                    script_pubkey: Script::from_bytes(
                        [&WITNESS_COMMITMENT_HEADER[..], &[0; 32]].concat(),
                    ),
                },
            ],
            lock_time: 0,
        }
    }

    /// A valid, mined block on top of `prev` holding `txs` after a coinbase that claims
    /// the subsidy plus `fees`.
    pub fn build_block_on(
        &mut self,
        prev: BlockHash,
        txs: Vec<Transaction>,
        fees: Amount,
    ) -> Block {
        let entry = self.state.entry(&prev).expect("known parent");
        let height = entry.height + 1;
        let view = self.state.branch(prev).expect("known parent");
        // After the median time past, and never going backwards in the test's own clock.
        let mtp = median_time_past(&view, entry.height);
        self.time = self
            .time
            .max(u32::try_from(mtp).unwrap_or(u32::MAX))
            .saturating_add(1);
        let value = block_subsidy(height, &REGTEST)
            .checked_add(fees)
            .expect("fees in range");
        let mut txdata = vec![self.coinbase(height, value, self.time)];
        txdata.extend(txs);
        let mut block = Block {
            header: BlockHeader {
                version: 0x2000_0000,
                prev_blockhash: prev,
                merkle_root: Default::default(),
                time: self.time,
                bits: self.params.pow_limit_bits(),
                nonce: 0,
            },
            txdata,
        };
        refresh_commitments(&mut block);
        mine(&mut block);
        block
    }

    /// [`TestChain::build_block_on`] the active tip.
    pub fn build_block(&mut self, txs: Vec<Transaction>, fees: Amount) -> Block {
        let tip = self.state.tip();
        self.build_block_on(tip, txs, fees)
    }

    /// Builds and processes a block on the tip.
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
        let sighash = segwit_v0_sighash(code.as_bytes(), &tx, 0, 1, coin.value.to_sat(), &pre);
        let mut sig = ecdsa::sign(&Message::from_digest(sighash.0), &self.key).to_der();
        sig.push(1);
        tx.input[0].witness = Witness::from_items([sig, pk.serialize_compressed().to_vec()]);
        tx
    }
}

impl TestChain {
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
