//! Differential testing against Bitcoin Core (a development tool, not run in CI).
//!
//! Generates random spends, valid and subtly broken, writes them in the batch format of
//! core-oracle (Bitcoin Core's `VerifyScript` as a command, `script --batch`), and writes
//! sou's own verdict for each.
//! `scripts/compare-with-core.sh` runs both and reports every case where sou and Core
//! disagree on the verdict or the error name.
//!
//! What it generates (MODE):
//!
//! - `legacy`: a generated script spent bare, through P2SH, P2WSH or P2SH-P2WSH, and
//!   P2WPKH or P2SH-P2WPKH key spends, plus witness programs of future versions. Scripts are
//!   built from fragments (P2PK, P2PKH, CHECKMULTISIG with random m, n and dummy, CLTV and
//!   CSV aimed near the transaction's lock time and sequence, hash locks, IF/NOTIF with
//!   minimal or other selectors, arithmetic, stack shuffles, any opcode at all), then
//!   sometimes disturbed: an opcode or OP_CODESEPARATOR slipped in, a push cut short or too
//!   large, too many operations, a stack too deep, a script too long. Numbers are minimal or
//!   not, sometimes longer than any opcode reads; signatures are real (so that valid spends
//!   come in volume) or broken in one DER field (lengths, negative or padded R and S,
//!   high S, hash type, empty); public keys compressed, uncompressed, hybrid, truncated,
//!   empty. Flags are random sets of all 21, as VerifyScript allows them.
//! - `taproot`: key-path and tapscript spends.
//! - `all` (the default): each case one or the other, at random.
//! - `opcodes`: a sweep rather than a draw: every opcode alone, on every stack of up to
//!   three items from a few telling shapes, spent bare, through P2WSH and as a tapscript,
//!   under consensus and standard flags (N caps it; all of it is 397,824 cases). Which
//!   check a handler makes first shows here.
//!
//! Run: `cargo run --release -p sou-script --example oracle_cases -- N SEED OUT_DIR [MODE]`.
//! It writes `cases.txt` (the oracle's input), `sou.txt` (`valid OK` or `invalid NAME` per
//! case) and `kinds.txt` (the kind of spend per case).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    clippy::too_many_lines,
    reason = "development tool"
)]

use std::fmt::Write as _;
use std::io::Write as _;

use sou_keys::taproot::{tap_leaf_hash, ControlBlock, TapTree};
use sou_keys::{schnorr, Keypair, SecretKey};
use sou_primitives::encoding::serialize;
use sou_primitives::hashes::{hash160, ripemd160, sha256, sha256d};
use sou_primitives::opcodes::*;
use sou_primitives::script::{encode_script_num, Builder};
use sou_primitives::{Amount, OutPoint, Script, Transaction, TxIn, TxOut, Txid, Witness};
use sou_script::sighash::{legacy_sighash, segwit_v0_sighash, taproot_sighash, TaprootContext};
use sou_script::{verify_input, PrecomputedTransactionData, SigVersion, VerifyFlags};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
    /// Up to `max - 1` random bytes.
    fn some_bytes(&mut self, max: usize) -> Vec<u8> {
        let n = self.below(max);
        self.bytes(n)
    }
}

/// One generated spend: input `index` of `tx`, spending `spent[index]`, under `flags`.
struct Case {
    tx: Transaction,
    index: usize,
    spent: Vec<TxOut>,
    flags: VerifyFlags,
    /// What kind of spend it is (`bare`, `p2sh`, ..., `tapscript`), for the summary.
    kind: &'static str,
}

// ---------------------------------------------------------------------------------------
// Taproot and tapscript spends
// ---------------------------------------------------------------------------------------

fn key(rng: &mut Rng) -> Keypair {
    loop {
        if let Ok(k) = SecretKey::from_slice(&rng.bytes(32)) {
            return k.keypair();
        }
    }
}

/// One tapscript with the keys it checks, in the order the witness must provide
/// signatures (last pushed first).
struct Leaf {
    script: Script,
    signers: Vec<Keypair>,
    /// Extra witness items below the signatures (e.g. an IF selector, a preimage).
    extra: Vec<Vec<u8>>,
}

const SUCCESS_OPS: [u8; 6] = [0x50, 0x62, 0x7e, 0x89, 0xbb, 0xfe];

fn random_leaf(rng: &mut Rng) -> Leaf {
    let (k1, k2, k3) = (key(rng), key(rng), key(rng));
    let x = |k: &Keypair| k.x_only_public_key().0.serialize();
    let mut b = Builder::new();
    let (signers, extra) = match rng.below(10) {
        0 => {
            b = b.push_slice(&x(&k1)).push_opcode(OP_CHECKSIG);
            (vec![k1], vec![])
        }
        1 => {
            b = b
                .push_slice(&x(&k1))
                .push_opcode(OP_CHECKSIGVERIFY)
                .push_slice(&x(&k2))
                .push_opcode(OP_CHECKSIG);
            (vec![k2, k1], vec![])
        }
        2 => {
            b = b
                .push_slice(&x(&k1))
                .push_opcode(OP_CHECKSIG)
                .push_slice(&x(&k2))
                .push_opcode(OP_CHECKSIGADD)
                .push_slice(&x(&k3))
                .push_opcode(OP_CHECKSIGADD)
                .push_int(2)
                .push_opcode(OP_NUMEQUAL);
            (vec![k3, k2, k1], vec![])
        }
        3 => {
            b = b
                .push_opcode(OP_IF)
                .push_slice(&x(&k1))
                .push_opcode(OP_CHECKSIG)
                .push_opcode(OP_ELSE)
                .push_slice(&x(&k2))
                .push_opcode(OP_CHECKSIG)
                .push_opcode(OP_ENDIF);
            let selector = match rng.below(4) {
                0 => vec![],
                1 => vec![2],
                2 => vec![1, 0],
                _ => vec![1],
            };
            let signer = if selector.is_empty() { k2 } else { k1 };
            (vec![signer], vec![selector])
        }
        4 => {
            let n = rng.below(20) as i64;
            let op = if rng.chance(50) {
                OP_CHECKSEQUENCEVERIFY
            } else {
                OP_CHECKLOCKTIMEVERIFY
            };
            b = b
                .push_int(n)
                .push_opcode(op)
                .push_opcode(OP_DROP)
                .push_slice(&x(&k1))
                .push_opcode(OP_CHECKSIG);
            (vec![k1], vec![])
        }
        5 => {
            let preimage = rng.some_bytes(40);
            b = b
                .push_opcode(OP_SHA256)
                .push_slice(&sha256(&preimage))
                .push_opcode(OP_EQUALVERIFY)
                .push_slice(&x(&k1))
                .push_opcode(OP_CHECKSIG);
            let given = if rng.chance(80) {
                preimage
            } else {
                rng.bytes(3)
            };
            (vec![k1], vec![given])
        }
        6 => {
            // Unknown key types and empty keys.
            let pubkey = match rng.below(3) {
                0 => vec![],
                1 => rng.bytes(33),
                _ => {
                    let mut b = rng.some_bytes(64);
                    b.push(1);
                    b
                }
            };
            b = b.push_slice(&pubkey).push_opcode(OP_CHECKSIG);
            (vec![k1], vec![])
        }
        7 => {
            // Many signature checks: exceeds the budget unless the witness is large.
            let n = 1 + rng.below(12);
            for _ in 0..n {
                b = b
                    .push_opcode(OP_DUP)
                    .push_slice(&x(&k1))
                    .push_opcode(OP_CHECKSIGVERIFY);
            }
            b = b.push_opcode(OP_DROP).push_int(1);
            (vec![k1], vec![])
        }
        8 => {
            b = b
                .push_slice(&x(&k1))
                .push_int(1)
                .push_opcode(OP_CHECKMULTISIG);
            (vec![k1], vec![])
        }
        _ => {
            // Random opcodes around a checksig.
            for _ in 0..rng.below(6) {
                let op = [
                    0x00, 0x51, 0x52, 0x61, 0x69, 0x75, 0x76, 0x7c, 0x87, 0x93, 0xb0, 0xb3, 0xab,
                    0x63, 0x68, 0x4f,
                ][rng.below(16)];
                b = b.push_opcode(Opcode::from_u8(op));
            }
            b = b.push_slice(&x(&k1)).push_opcode(OP_CHECKSIG);
            (vec![k1], vec![])
        }
    };
    let mut bytes = b.into_script().into_bytes();
    // Sprinkle OP_CODESEPARATOR and, rarely, an OP_SUCCESSx.
    if rng.chance(25) {
        let at = instruction_boundary(&bytes, rng);
        bytes.insert(at, 0xab);
    }
    if rng.chance(8) {
        let at = instruction_boundary(&bytes, rng);
        bytes.insert(at, SUCCESS_OPS[rng.below(SUCCESS_OPS.len())]);
    }
    Leaf {
        script: Script::from_bytes(bytes),
        signers,
        extra,
    }
}

fn instruction_boundary(bytes: &[u8], rng: &mut Rng) -> usize {
    let script = Script::from_slice(bytes);
    let mut boundaries = vec![0];
    let mut it = script.instructions();
    while let Some(Ok(_)) = it.next() {
        boundaries.push(it.position());
    }
    boundaries[rng.below(boundaries.len())]
}

/// Opcode index of the last OP_CODESEPARATOR before the `n`-th signature check, in a
/// straight-line reading of the script (u32::MAX if none).
fn codesep_before_nth_checksig(script: &Script, n: usize) -> u32 {
    let mut last = u32::MAX;
    let mut seen = 0;
    for (i, ins) in script.instructions().enumerate() {
        let Ok(ins) = ins else { break };
        let op = ins.opcode().to_u8();
        if op == 0xab {
            last = i as u32;
        }
        if matches!(op, 0xac | 0xad | 0xba) {
            if seen == n {
                return last;
            }
            seen += 1;
        }
    }
    last
}

fn hash_type(rng: &mut Rng) -> u8 {
    [0, 0, 0, 1, 2, 3, 0x81, 0x82, 0x83, 4, 0x84, 0x80][rng.below(12)]
}

fn sign(
    rng: &mut Rng,
    tx: &Transaction,
    index: usize,
    pre: &PrecomputedTransactionData,
    ctx: &TaprootContext,
    sigversion: SigVersion,
    keypair: &Keypair,
) -> Vec<u8> {
    let ht = hash_type(rng);
    // Invalid hash types still need some message to sign: sign the default one.
    let digest = taproot_sighash(tx, index, ht, sigversion, pre, ctx)
        .or_else(|| taproot_sighash(tx, index, 0, sigversion, pre, ctx))
        .map(|s| s.0)
        .unwrap_or([0; 32]);
    let mut sig = schnorr::sign(&digest, keypair, &[rng.next() as u8; 32])
        .to_byte_array()
        .to_vec();
    if ht != 0 || rng.chance(5) {
        sig.push(ht);
    }
    if rng.chance(8) {
        let i = rng.below(sig.len());
        sig[i] ^= 1 << rng.below(8);
    }
    sig
}

fn random_flags(rng: &mut Rng) -> VerifyFlags {
    match rng.below(6) {
        0 => VerifyFlags::CONSENSUS,
        1 => VerifyFlags::STANDARD,
        2 => VerifyFlags::P2SH | VerifyFlags::WITNESS,
        3 => VerifyFlags::P2SH | VerifyFlags::WITNESS | VerifyFlags::TAPROOT,
        4 => {
            VerifyFlags::STANDARD
                & !(VerifyFlags::DISCOURAGE_OP_SUCCESS
                    | VerifyFlags::DISCOURAGE_UPGRADABLE_PUBKEYTYPE)
        }
        _ => {
            let mut f = VerifyFlags::from_bits(rng.next() as u32)
                | VerifyFlags::P2SH
                | VerifyFlags::WITNESS;
            if rng.chance(80) {
                f |= VerifyFlags::TAPROOT;
            }
            f
        }
    }
}

fn taproot_case(rng: &mut Rng) -> Case {
    let inputs = 1 + rng.below(3);
    let index = rng.below(inputs);
    let internal = key(rng);
    let leaves: Vec<Leaf> = (0..1 + rng.below(3)).map(|_| random_leaf(rng)).collect();
    let script_path = rng.chance(70);
    let tree = if script_path || rng.chance(50) {
        let mut nodes: Vec<TapTree> = leaves
            .iter()
            .map(|l| TapTree::Leaf {
                version: 0xc0,
                script: l.script.clone(),
            })
            .collect();
        while nodes.len() > 1 {
            let b = nodes.pop().unwrap();
            let a = nodes.pop().unwrap();
            nodes.push(TapTree::Branch(Box::new(a), Box::new(b)));
        }
        nodes.pop()
    } else {
        None
    };
    let root = tree.as_ref().map(TapTree::merkle_root);
    let (output_key, _) =
        sou_keys::taproot::tweak_public_key(&internal.x_only_public_key().0, root.as_ref())
            .unwrap();
    let mut spent: Vec<TxOut> = (0..inputs)
        .map(|_| TxOut {
            value: Amount::from_sat(1000 + rng.below(100_000) as i64),
            script_pubkey: Script::from_bytes(
                [
                    &[0x51, 0x20][..],
                    &key(rng).x_only_public_key().0.serialize(),
                ]
                .concat(),
            ),
        })
        .collect();
    spent[index].script_pubkey =
        Script::from_bytes([&[0x51, 0x20][..], &output_key.serialize()].concat());
    let mut tx = Transaction {
        version: if rng.chance(80) { 2 } else { 1 },
        input: (0..inputs)
            .map(|_| TxIn {
                previous_output: OutPoint::new(
                    Txid::from_byte_array(sha256(&rng.bytes(8))),
                    rng.below(4) as u32,
                ),
                script_sig: Script::new(),
                sequence: [0xffff_ffff, 0xffff_fffe, 0xffff_fffd, 5, 0x0040_0003][rng.below(5)],
                witness: Witness::new(),
            })
            .collect(),
        output: (0..rng.below(3))
            .map(|_| TxOut {
                value: Amount::from_sat(rng.below(5000) as i64),
                script_pubkey: Script::from_bytes(rng.some_bytes(30)),
            })
            .collect(),
        lock_time: [0, 3, 15, 600_000_000][rng.below(4)],
    };
    let pre = PrecomputedTransactionData::new(&tx, spent.clone());
    let annex = rng.chance(15).then(|| {
        let mut a = vec![0x50];
        a.extend(rng.some_bytes(20));
        a
    });
    let mut ctx = TaprootContext {
        codeseparator_pos: u32::MAX,
        ..Default::default()
    };
    if let Some(a) = &annex {
        let mut e = sou_primitives::hashes::Sha256Engine::new();
        sou_primitives::encoding::write_var_bytes(&mut e, a);
        ctx.annex_hash = Some(e.finish());
    }
    let mut items: Vec<Vec<u8>> = Vec::new();
    if let (true, Some(tree)) = (script_path, tree.as_ref()) {
        let which = rng.below(leaves.len());
        let leaf = &leaves[which];
        ctx.tapleaf_hash = Some(tap_leaf_hash(0xc0, &leaf.script).0);
        items.extend(leaf.extra.iter().cloned());
        // Signatures: the signer list is in witness order (deepest first).
        let count = leaf.signers.len();
        for (k, signer) in leaf.signers.iter().enumerate() {
            ctx.codeseparator_pos = codesep_before_nth_checksig(&leaf.script, count - 1 - k);
            let sig = if rng.chance(10) {
                vec![]
            } else {
                sign(rng, &tx, index, &pre, &ctx, SigVersion::Tapscript, signer)
            };
            items.push(sig);
        }
        items.push(leaf.script.as_bytes().to_vec());
        let blocks = ControlBlock::for_tree(&internal.x_only_public_key().0, tree).unwrap();
        let mut control = blocks[which].serialize();
        match rng.below(12) {
            0 => control[0] ^= 1,
            1 => control[0] = [0xc2, 0xc4, 0xfe, 0x52][rng.below(4)] | (control[0] & 1),
            2 => control.truncate(control.len() - 1),
            3 => control.extend(rng.bytes(32)),
            _ => {}
        }
        items.push(control);
    } else {
        let tweaked = internal.tap_tweak(root.as_ref()).unwrap();
        items.push(sign(
            rng,
            &tx,
            index,
            &pre,
            &ctx,
            SigVersion::Taproot,
            &tweaked,
        ));
    }
    if let Some(a) = annex {
        items.push(a);
    }
    if rng.chance(4) && !items.is_empty() {
        let i = rng.below(items.len());
        items.remove(i);
    }
    tx.input[index].witness = Witness::from_items(&items);
    // Other inputs get a random witness so the transaction has one everywhere.
    for (i, input) in tx.input.iter_mut().enumerate() {
        if i != index {
            input.witness = Witness::from_items([rng.bytes(64)]);
        }
    }
    let flags = random_flags(rng);
    Case {
        tx,
        index,
        spent,
        flags,
        kind: if script_path {
            "tapscript"
        } else {
            "taproot-key"
        },
    }
}

// ---------------------------------------------------------------------------------------
// Legacy and segwit v0 spends
// ---------------------------------------------------------------------------------------

/// A secp256k1 key pair for ECDSA.
struct EcKey {
    secret: secp256k1::SecretKey,
    public: secp256k1::PublicKey,
}

fn ec_key(rng: &mut Rng) -> EcKey {
    loop {
        if let Ok(secret) = secp256k1::SecretKey::from_byte_array(rng.bytes(32).try_into().unwrap())
        {
            let public = secp256k1::PublicKey::from_secret_key(secp256k1::SECP256K1, &secret);
            return EcKey { secret, public };
        }
    }
}

/// A public key as a script pushes it: mostly compressed, else one of the encodings
/// STRICTENC, WITNESS_PUBKEYTYPE or `CPubKey`'s length check treat apart.
fn pubkey_bytes(rng: &mut Rng, key: &EcKey) -> Vec<u8> {
    let compressed = key.public.serialize();
    let uncompressed = key.public.serialize_uncompressed();
    let odd = uncompressed[64] & 1;
    let mut out = match rng.below(100) {
        0..70 => compressed.to_vec(),
        70..82 => uncompressed.to_vec(),
        // Hybrid (0x06 even y, 0x07 odd y): valid for consensus, refused by STRICTENC.
        82..86 => [&[0x06 | odd][..], &uncompressed[1..]].concat(),
        86..88 => [&[0x07 - odd][..], &uncompressed[1..]].concat(),
        88..90 => compressed[..32].to_vec(),
        90..91 => [&compressed[..], &[0x01]].concat(),
        91..92 => [&[0x02][..], &uncompressed[1..]].concat(),
        92..93 => [&[0x04][..], &compressed[1..]].concat(),
        93..95 => Vec::new(),
        95..96 => [&[0x05][..], &compressed[1..]].concat(),
        _ => [&[0x02 | (rng.next() as u8 & 1)][..], &rng.bytes(32)].concat(),
    };
    if rng.chance(1) {
        out = rng.some_bytes(70);
    }
    out
}

/// One item the spender provides, bottom of the stack first.
#[derive(Clone)]
enum Item {
    Data(Vec<u8>),
    /// An ECDSA signature by key `key` for the `ordinal`-th signature opcode of the script
    /// (in a straight reading of it).
    Sig {
        key: usize,
        ordinal: usize,
        /// Bytes the script also pushes, to be replaced by the signature once made: legacy
        /// signature hashes delete the signature from the script first (`FindAndDelete`),
        /// so such a script can still be signed.
        placeholder: Option<Vec<u8>>,
    },
}

/// A script fragment and what unlocks it.
struct Lock {
    script: Vec<u8>,
    /// Bottom first: the last item is on top when the fragment starts.
    items: Vec<Item>,
    /// How many signature opcodes (CHECKSIG, CHECKMULTISIG and their VERIFY forms) it holds.
    sig_ops: usize,
}

fn op(script: &mut Vec<u8>, o: Opcode) {
    script.push(o.to_u8());
}

/// The shortest push of `data` (an `OP_N` where one exists).
fn push(script: &mut Vec<u8>, data: &[u8]) {
    script.extend(Builder::new().push_slice(data).into_script().into_bytes());
}

/// `CScript() << data`: a length-prefixed push even for small numbers.
fn push_direct(script: &mut Vec<u8>, data: &[u8]) {
    script.extend(
        Builder::new()
            .push_slice_non_minimal(data)
            .into_script()
            .into_bytes(),
    );
}

/// A push of `data` that is usually minimal, sometimes a longer form MINIMALDATA refuses.
fn push_styled(rng: &mut Rng, script: &mut Vec<u8>, data: &[u8]) {
    let len = data.len() as u32;
    match rng.below(100) {
        0..6 => push_direct(script, data),
        6..8 if len <= 0xff => {
            script.extend([OP_PUSHDATA1.to_u8(), len as u8]);
            script.extend(data);
        }
        8..9 => {
            script.push(OP_PUSHDATA2.to_u8());
            script.extend(&(len as u16).to_le_bytes());
            script.extend(data);
        }
        9..10 => {
            script.push(OP_PUSHDATA4.to_u8());
            script.extend(&len.to_le_bytes());
            script.extend(data);
        }
        _ => push(script, data),
    }
}

/// A number as a script encodes it: mostly minimal, else padded with a zero byte (fine
/// without MINIMALDATA), negative zero, or longer than any opcode reads.
fn num_bytes(rng: &mut Rng, n: i64) -> Vec<u8> {
    let mut b = encode_script_num(n);
    match rng.below(100) {
        0..6 => {
            // Move the sign bit into a new last byte.
            let sign = b.last().map_or(0, |l| l & 0x80);
            if let Some(last) = b.last_mut() {
                *last &= 0x7f;
            }
            b.push(sign);
        }
        6..8 if n == 0 => b = vec![[0x00, 0x80, 0x00][rng.below(3)]; 1 + rng.below(2)],
        8..11 => {
            while b.len() < 5 + rng.below(3) {
                b.insert(0, rng.next() as u8 | 1);
            }
        }
        _ => {}
    }
    b
}

/// Pushes the number `n`: an `OP_N` or a push of [`num_bytes`].
fn push_num(rng: &mut Rng, script: &mut Vec<u8>, n: i64) {
    let b = num_bytes(rng, n);
    if b == encode_script_num(n) && rng.chance(92) {
        script.extend(Builder::new().push_int(n).into_script().into_bytes());
    } else {
        push_styled(rng, script, &b);
    }
}

/// The spending transaction's lock time, version and sequence, chosen before the script so
/// that lock-time checks can aim near them.
#[derive(Clone, Copy)]
struct TxContext {
    version: u32,
    lock_time: u32,
    sequence: u32,
}

fn tx_context(rng: &mut Rng) -> TxContext {
    let version = [1, 2, 2, 2, 2, 0, 3, 0xffff_ffff, 0x8000_0000][rng.below(9)];
    let lock_time = match rng.below(6) {
        0 => 0,
        1 => rng.below(1000) as u32,
        2 => 499_999_999,
        3 => 500_000_000 + rng.below(1000) as u32,
        4 => 1_700_000_000,
        _ => rng.next() as u32,
    };
    let sequence = match rng.below(9) {
        0 => 0xffff_ffff,
        1 => 0xffff_fffe,
        2 => 0xffff_fffd,
        3 | 4 => rng.below(1000) as u32,
        5 => (1 << 22) | rng.below(1000) as u32,
        6 => (1 << 31) | rng.below(1000) as u32,
        7 => (rng.below(1000) as u32) | (rng.next() as u32 & 0x7fbf_0000),
        _ => rng.next() as u32,
    };
    TxContext {
        version,
        lock_time,
        sequence,
    }
}

fn hash_op(rng: &mut Rng, data: &[u8]) -> (Opcode, Vec<u8>) {
    match rng.below(5) {
        0 => (OP_RIPEMD160, ripemd160(data).to_vec()),
        1 => {
            use sha1::Digest;
            (OP_SHA1, sha1::Sha1::digest(data).to_vec())
        }
        2 => (OP_SHA256, sha256(data).to_vec()),
        3 => (OP_HASH160, hash160(data).to_vec()),
        _ => (OP_HASH256, sha256d(data).to_vec()),
    }
}

/// A random stack item: small numbers, empty, 0x80, garbage, sometimes long.
fn random_item(rng: &mut Rng) -> Vec<u8> {
    match rng.below(10) {
        0 => Vec::new(),
        1 => vec![1],
        2 => vec![0x80],
        3 => vec![0],
        4 => encode_script_num(rng.below(40) as i64 - 10),
        5 => {
            let n = rng.below(300) as i64 - 100;
            num_bytes(rng, n)
        }
        6 => rng.some_bytes(80),
        7 => {
            let n = 5 + rng.below(4);
            rng.bytes(n)
        }
        8 if rng.chance(10) => rng.bytes(521),
        _ => rng.some_bytes(10),
    }
}

/// Any non-push opcode, disabled, reserved and unassigned ones included.
fn random_opcode(rng: &mut Rng) -> u8 {
    match rng.below(10) {
        0..3 => 0x4f + rng.below(0x100 - 0x4f) as u8,
        // The stack, numbers and flow control are where ordering matters most.
        3..6 => 0x61 + rng.below(0x3f) as u8,
        6..8 => 0x8b + rng.below(0x22) as u8,
        _ => 0xa6 + rng.below(0x14) as u8,
    }
}

fn fragment(rng: &mut Rng, keys: &[EcKey], cx: TxContext, depth: u32) -> Lock {
    let mut s = Vec::new();
    let mut items = Vec::new();
    let mut sig_ops = 1;
    let k = rng.below(keys.len());
    match rng.below(16) {
        // <pubkey> CHECKSIG, sometimes after a push of the very signature given.
        0..3 => {
            let placeholder = rng.chance(15).then(|| rng.bytes(72));
            if let Some(p) = &placeholder {
                push_direct(&mut s, p);
                op(&mut s, OP_DROP);
            }
            push(&mut s, &pubkey_bytes(rng, &keys[k]));
            op(&mut s, OP_CHECKSIG);
            items.push(Item::Sig {
                key: k,
                ordinal: 0,
                placeholder,
            });
        }
        // DUP HASH160 <hash> EQUALVERIFY CHECKSIG
        3..5 => {
            let pk = pubkey_bytes(rng, &keys[k]);
            op(&mut s, OP_DUP);
            op(&mut s, OP_HASH160);
            let hash = if rng.chance(95) {
                hash160(&pk)
            } else {
                hash160(&rng.bytes(33))
            };
            push(&mut s, &hash);
            op(&mut s, OP_EQUALVERIFY);
            op(&mut s, OP_CHECKSIG);
            items.push(Item::Sig {
                key: k,
                ordinal: 0,
                placeholder: None,
            });
            items.push(Item::Data(pk));
        }
        // m <pubkey>... n CHECKMULTISIG
        5..8 => {
            let n = match rng.below(20) {
                0 => 0,
                1 => 4 + rng.below(17) as i64,
                2 => [21, -1, 0x7fff_ffff][rng.below(3)],
                _ => 1 + rng.below(3) as i64,
            };
            let m = match rng.below(20) {
                0 => n + 1,
                1 => -1,
                _ => rng.below(n.clamp(0, 20) as usize + 1) as i64,
            };
            push_num(rng, &mut s, m);
            let key_ids: Vec<usize> = (0..n.clamp(0, 20)).map(|_| rng.below(keys.len())).collect();
            for &id in &key_ids {
                push(&mut s, &pubkey_bytes(rng, &keys[id]));
            }
            push_num(rng, &mut s, n);
            if rng.chance(20) {
                op(&mut s, OP_CHECKMULTISIGVERIFY);
                op(&mut s, OP_1);
            } else {
                op(&mut s, OP_CHECKMULTISIG);
            }
            // The dummy, which NULLDUMMY wants empty.
            items.push(Item::Data(match rng.below(20) {
                0 => vec![0],
                1 => vec![1],
                2 => rng.some_bytes(4),
                _ => Vec::new(),
            }));
            // Signatures in key order, for an increasing choice of keys.
            let mut chosen: Vec<usize> = (0..key_ids.len()).collect();
            while chosen.len() > m.max(0) as usize {
                let drop = rng.below(chosen.len());
                chosen.remove(drop);
            }
            if rng.chance(10) {
                chosen.reverse();
            }
            for &i in &chosen {
                items.push(Item::Sig {
                    key: key_ids[i],
                    ordinal: 0,
                    placeholder: None,
                });
            }
            if rng.chance(5) {
                items.push(Item::Data(Vec::new()));
            }
        }
        // <n> CHECKLOCKTIMEVERIFY DROP <pubkey> CHECKSIG
        8 => {
            let lt = i64::from(cx.lock_time);
            let n = match rng.below(8) {
                0..4 => lt - rng.below(3) as i64,
                4 => lt + 1,
                5 => {
                    if lt < 500_000_000 {
                        500_000_000 + rng.below(10) as i64
                    } else {
                        rng.below(10) as i64
                    }
                }
                6 => -1 - rng.below(3) as i64,
                _ => (rng.next() % (1 << 40)) as i64,
            };
            push_num(rng, &mut s, n);
            op(&mut s, OP_CHECKLOCKTIMEVERIFY);
            if rng.chance(90) {
                op(&mut s, OP_DROP);
            }
            push(&mut s, &pubkey_bytes(rng, &keys[k]));
            op(&mut s, OP_CHECKSIG);
            items.push(Item::Sig {
                key: k,
                ordinal: 0,
                placeholder: None,
            });
        }
        // <n> CHECKSEQUENCEVERIFY DROP <pubkey> CHECKSIG
        9 => {
            let seq = i64::from(cx.sequence);
            let masked = seq & 0x0040_ffff;
            let n = match rng.below(8) {
                0..3 => masked - rng.below(3) as i64,
                3 => masked + 1,
                4 => masked ^ (1 << 22),
                5 => (1 << 31) | rng.below(100) as i64,
                6 => -1 - rng.below(3) as i64,
                _ => (rng.next() % (1 << 40)) as i64,
            };
            push_num(rng, &mut s, n);
            op(&mut s, OP_CHECKSEQUENCEVERIFY);
            if rng.chance(90) {
                op(&mut s, OP_DROP);
            }
            push(&mut s, &pubkey_bytes(rng, &keys[k]));
            op(&mut s, OP_CHECKSIG);
            items.push(Item::Sig {
                key: k,
                ordinal: 0,
                placeholder: None,
            });
        }
        // <hash op> <digest> EQUAL: a preimage reveal
        10 => {
            sig_ops = 0;
            let preimage = rng.some_bytes(40);
            let (hop, digest) = hash_op(rng, &preimage);
            op(&mut s, hop);
            push(&mut s, &digest);
            op(&mut s, OP_EQUAL);
            items.push(Item::Data(if rng.chance(80) {
                preimage
            } else {
                rng.some_bytes(40)
            }));
        }
        // IF <a> ELSE <b> ENDIF, with a selector that may not be minimal.
        11 | 12 if depth == 0 => {
            let a = fragment(rng, keys, cx, depth + 1);
            let mut b = fragment(rng, keys, cx, depth + 1);
            for item in &mut b.items {
                if let Item::Sig { ordinal, .. } = item {
                    *ordinal += a.sig_ops;
                }
            }
            let notif = rng.chance(30);
            op(&mut s, if notif { OP_NOTIF } else { OP_IF });
            s.extend(&a.script);
            if rng.chance(92) {
                op(&mut s, OP_ELSE);
            }
            s.extend(&b.script);
            if rng.chance(3) {
                op(&mut s, OP_ELSE);
            }
            if rng.chance(97) {
                op(&mut s, OP_ENDIF);
            }
            let take_a = rng.chance(50);
            let truth = take_a != notif;
            let selector = if truth {
                match rng.below(12) {
                    0 => vec![2],
                    1 => vec![1, 0],
                    2 => vec![0, 1],
                    3 => vec![0x81],
                    _ => vec![1],
                }
            } else {
                match rng.below(12) {
                    0 => vec![0],
                    1 => vec![0x80],
                    2 => vec![0, 0],
                    _ => Vec::new(),
                }
            };
            items = if take_a { a.items } else { b.items };
            items.push(Item::Data(selector));
            sig_ops = a.sig_ops + b.sig_ops;
        }
        // Arithmetic on numbers the spender gives, some not minimal or too long.
        11..14 => {
            sig_ops = 0;
            let value = |rng: &mut Rng| match rng.below(10) {
                0 => 0x7fff_ffff - rng.below(3) as i64,
                1 => -0x7fff_ffff + rng.below(3) as i64,
                2 => (rng.next() % (1 << 33)) as i64,
                _ => rng.below(600) as i64 - 300,
            };
            let x = value(rng);
            items.push(Item::Data(num_bytes(rng, x)));
            let (o, expected) = match rng.below(4) {
                0 => {
                    let o =
                        [OP_1ADD, OP_1SUB, OP_NEGATE, OP_ABS, OP_NOT, OP_0NOTEQUAL][rng.below(6)];
                    let r = match o {
                        OP_1ADD => x + 1,
                        OP_1SUB => x - 1,
                        OP_NEGATE => -x,
                        OP_ABS => x.abs(),
                        OP_NOT => i64::from(x == 0),
                        _ => i64::from(x != 0),
                    };
                    (o, r)
                }
                1 => {
                    let (lo, hi) = (value(rng), value(rng));
                    push_num(rng, &mut s, lo);
                    push_num(rng, &mut s, hi);
                    (OP_WITHIN, i64::from(lo <= x && x < hi))
                }
                _ => {
                    let y = value(rng);
                    push_num(rng, &mut s, y);
                    let o = [
                        OP_ADD,
                        OP_SUB,
                        OP_BOOLAND,
                        OP_BOOLOR,
                        OP_NUMEQUAL,
                        OP_NUMNOTEQUAL,
                        OP_LESSTHAN,
                        OP_GREATERTHAN,
                        OP_LESSTHANOREQUAL,
                        OP_GREATERTHANOREQUAL,
                        OP_MIN,
                        OP_MAX,
                    ][rng.below(12)];
                    let r = match o {
                        OP_ADD => x + y,
                        OP_SUB => x - y,
                        OP_BOOLAND => i64::from(x != 0 && y != 0),
                        OP_BOOLOR => i64::from(x != 0 || y != 0),
                        OP_NUMEQUAL => i64::from(x == y),
                        OP_NUMNOTEQUAL => i64::from(x != y),
                        OP_LESSTHAN => i64::from(x < y),
                        OP_GREATERTHAN => i64::from(x > y),
                        OP_LESSTHANOREQUAL => i64::from(x <= y),
                        OP_GREATERTHANOREQUAL => i64::from(x >= y),
                        OP_MIN => x.min(y),
                        _ => x.max(y),
                    };
                    (o, r)
                }
            };
            op(&mut s, o);
            push_num(rng, &mut s, expected);
            op(
                &mut s,
                [OP_NUMEQUAL, OP_EQUAL, OP_NUMEQUALVERIFY][rng.below(3)],
            );
            if s.last() == Some(&OP_NUMEQUALVERIFY.to_u8()) {
                op(&mut s, OP_1);
            }
        }
        // PICK / ROLL and other stack shuffles on few items, n given by either side.
        14 => {
            sig_ops = 0;
            for _ in 0..rng.below(4) {
                items.push(Item::Data(random_item(rng)));
            }
            if rng.chance(50) {
                let n = rng.below(5) as i64 - 1;
                push_num(rng, &mut s, n);
            } else {
                items.push(Item::Data(random_item(rng)));
            }
            let stack_ops = [
                OP_PICK,
                OP_ROLL,
                OP_PICK,
                OP_ROLL,
                OP_2DROP,
                OP_2DUP,
                OP_3DUP,
                OP_2OVER,
                OP_2ROT,
                OP_2SWAP,
                OP_IFDUP,
                OP_DEPTH,
                OP_NIP,
                OP_OVER,
                OP_ROT,
                OP_SWAP,
                OP_TUCK,
                OP_SIZE,
                OP_TOALTSTACK,
                OP_FROMALTSTACK,
            ];
            op(&mut s, stack_ops[rng.below(stack_ops.len())]);
            for _ in 0..rng.below(3) {
                s.push(random_opcode(rng));
            }
        }
        // Any opcodes at all on random items.
        _ => {
            for _ in 0..rng.below(5) {
                items.push(Item::Data(random_item(rng)));
            }
            for _ in 0..1 + rng.below(8) {
                match rng.below(10) {
                    0..5 => s.push(random_opcode(rng)),
                    5..7 => {
                        let n = rng.below(20) as i64 - 2;
                        push_num(rng, &mut s, n);
                    }
                    7 => push(&mut s, &random_item(rng)),
                    8 => op(&mut s, [OP_IF, OP_NOTIF, OP_ELSE, OP_ENDIF][rng.below(4)]),
                    _ => s.push(rng.next() as u8),
                }
            }
            sig_ops = s
                .iter()
                .filter(|&&b| (OP_CHECKSIG.to_u8()..=OP_CHECKMULTISIGVERIFY.to_u8()).contains(&b))
                .count();
        }
    }
    Lock {
        script: s,
        items,
        sig_ops,
    }
}

/// Signature opcodes end at CHECKMULTISIGVERIFY (0xaf).
fn is_sig_op(b: u8) -> bool {
    (OP_CHECKSIG.to_u8()..=OP_CHECKMULTISIGVERIFY.to_u8()).contains(&b)
}

/// The script a signature for the `ordinal`-th signature opcode commits to: what follows
/// the last OP_CODESEPARATOR before it, in a straight reading (branches not followed).
fn script_code(script: &[u8], ordinal: usize) -> Vec<u8> {
    let parsed = Script::from_slice(script);
    let mut it = parsed.instructions();
    let (mut start, mut seen) = (0, 0);
    while let Some(Ok(ins)) = it.next() {
        let o = ins.opcode().to_u8();
        if o == OP_CODESEPARATOR.to_u8() {
            start = it.position();
        }
        if is_sig_op(o) {
            if seen == ordinal {
                break;
            }
            seen += 1;
        }
    }
    script[start..].to_vec()
}

/// secp256k1's group order n, big-endian (for high-S signatures: s' = n - s).
const CURVE_ORDER: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
    0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41,
];

fn order_minus(s: &[u8; 32]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let mut d = i16::from(CURVE_ORDER[i]) - i16::from(s[i]) - borrow;
        borrow = i16::from(d < 0);
        if d < 0 {
            d += 256;
        }
        out[i] = d as u8;
    }
    out
}

/// A DER integer: big-endian, no leading zeros, a 0x00 in front if the top bit is set.
fn der_int(x: &[u8]) -> Vec<u8> {
    let first = x.iter().position(|&b| b != 0).unwrap_or(x.len() - 1);
    let mut v = x[first..].to_vec();
    if v[0] & 0x80 != 0 {
        v.insert(0, 0);
    }
    v
}

fn der(r: &[u8], s: &[u8]) -> Vec<u8> {
    let mut out = vec![0x30, (r.len() + s.len() + 4) as u8, 0x02, r.len() as u8];
    out.extend(r);
    out.extend([0x02, s.len() as u8]);
    out.extend(s);
    out
}

fn ecdsa_hash_type(rng: &mut Rng) -> u8 {
    [
        1,
        1,
        1,
        1,
        1,
        1,
        2,
        3,
        0x81,
        0x82,
        0x83,
        0,
        4,
        0x80,
        0x84,
        0x41,
        0xff,
        rng.next() as u8,
    ][rng.below(18)]
}

/// A signature for `digest` of the hash type `hash_type`: valid, or broken in one field.
fn ecdsa_signature(rng: &mut Rng, digest: [u8; 32], key: &EcKey, hash_type: u8) -> Vec<u8> {
    let sig = secp256k1::SECP256K1.sign_ecdsa(secp256k1::Message::from_digest(digest), &key.secret);
    let compact = sig.serialize_compact();
    let r: [u8; 32] = compact[..32].try_into().unwrap();
    let s: [u8; 32] = compact[32..].try_into().unwrap();
    let (mut r_int, mut s_int) = (der_int(&r), der_int(&s));
    let mut out = match rng.below(100) {
        0..68 => der(&r_int, &s_int),
        68..72 => der(&r_int, &der_int(&order_minus(&s))),
        // Padding: a needless leading zero.
        72..74 => {
            r_int.insert(0, 0);
            der(&r_int, &s_int)
        }
        74..76 => {
            s_int.insert(0, 0);
            der(&r_int, &s_int)
        }
        // Negative: the top bit set without the zero in front.
        76..78 => {
            if r_int[0] == 0 {
                r_int.remove(0);
            } else {
                r_int[0] |= 0x80;
            }
            der(&r_int, &s_int)
        }
        78..79 => {
            if s_int[0] == 0 {
                s_int.remove(0);
            } else {
                s_int[0] |= 0x80;
            }
            der(&r_int, &s_int)
        }
        79..81 => {
            let mut d = der(&r_int, &s_int);
            d[1] = d[1].wrapping_add([1, 0xff][rng.below(2)]);
            d
        }
        81..83 => {
            let mut d = der(&r_int, &s_int);
            d[3] = d[3].wrapping_add([1, 0xff][rng.below(2)]);
            d
        }
        83..84 => {
            let mut d = der(&r_int, &s_int);
            let at = 5 + r_int.len();
            d[at] = d[at].wrapping_add([1, 0xff][rng.below(2)]);
            d
        }
        84..85 => {
            let mut d = der(&r_int, &s_int);
            let at = [0, 2, 4 + r_int.len()][rng.below(3)];
            d[at] ^= 1;
            d
        }
        85..86 => {
            let mut d = der(&r_int, &s_int);
            d.push(rng.next() as u8);
            d
        }
        86..87 => {
            let mut d = der(&r_int, &s_int);
            d.truncate(d.len() - 1 - rng.below(8));
            d
        }
        // A valid encoding of a wrong signature.
        87..89 => {
            let i = rng.below(32);
            let mut r2 = r;
            r2[i] ^= 1 << rng.below(8);
            der(&der_int(&r2), &s_int)
        }
        89..91 => return Vec::new(),
        91..92 => Vec::new(),
        92..93 => der(&[], &s_int),
        93..94 => {
            r_int.splice(0..0, [0; 4]);
            s_int.splice(0..0, [0; 4]);
            der(&r_int, &s_int)
        }
        94..96 => {
            // Signed as one hash type, labelled another.
            let d = der(&r_int, &s_int);
            return [d, vec![ecdsa_hash_type(rng) ^ 0x02]].concat();
        }
        96..97 => rng.some_bytes(75),
        _ => der(&r_int, &s_int),
    };
    out.push(hash_type);
    out
}

/// Where the generated script goes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum SpendKind {
    Bare,
    P2sh,
    P2wsh,
    P2shP2wsh,
    P2wpkh,
    P2shP2wpkh,
    /// A witness program of another version or length (future soft forks).
    OtherWitness,
}

impl SpendKind {
    fn name(self) -> &'static str {
        match self {
            SpendKind::Bare => "bare",
            SpendKind::P2sh => "p2sh",
            SpendKind::P2wsh => "p2wsh",
            SpendKind::P2shP2wsh => "p2sh-p2wsh",
            SpendKind::P2wpkh => "p2wpkh",
            SpendKind::P2shP2wpkh => "p2sh-p2wpkh",
            SpendKind::OtherWitness => "witness-other",
        }
    }
}

/// Random flags, in the combinations VerifyScript accepts: CLEANSTACK needs P2SH and
/// WITNESS, WITNESS needs P2SH (Core asserts on the others).
fn legacy_flags(rng: &mut Rng) -> VerifyFlags {
    let mut f = match rng.below(8) {
        0 => VerifyFlags::NONE,
        1 => VerifyFlags::P2SH,
        2 => VerifyFlags::CONSENSUS,
        3 => VerifyFlags::STANDARD,
        4 => VerifyFlags::P2SH | VerifyFlags::WITNESS,
        _ => {
            let percent = [20, 50, 80][rng.below(3)];
            let mut f = VerifyFlags::NONE;
            for (_, flag) in VerifyFlags::NAMED {
                if rng.chance(percent) {
                    f |= *flag;
                }
            }
            f
        }
    };
    if f.contains(VerifyFlags::CLEANSTACK) {
        if rng.chance(70) {
            f |= VerifyFlags::P2SH | VerifyFlags::WITNESS;
        } else {
            f = f & !VerifyFlags::CLEANSTACK;
        }
    }
    if f.contains(VerifyFlags::WITNESS) && !f.contains(VerifyFlags::P2SH) {
        if rng.chance(70) {
            f |= VerifyFlags::P2SH;
        } else {
            f = f & !(VerifyFlags::WITNESS | VerifyFlags::CLEANSTACK);
        }
    }
    f
}

/// Rare changes to a whole script: an opcode slipped in, a separator, a push cut short,
/// a push too large, too many operations, a stack too deep, a script too long.
fn mutate_script(rng: &mut Rng, script: &mut Vec<u8>) {
    match rng.below(100) {
        0..7 => {
            let at = instruction_boundary(script, rng);
            script.insert(at, random_opcode(rng));
        }
        7..15 => {
            let at = instruction_boundary(script, rng);
            script.insert(at, OP_CODESEPARATOR.to_u8());
        }
        15..17 => {
            // 0x4c, 0x4d, 0x4e: OP_PUSHDATA1/2/4 with too few bytes after them.
            let cut: &[u8] = [
                &[0x05, 0x01, 0x02][..],
                &[0x4c],
                &[0x4d, 0xff],
                &[0x4e, 1, 0, 0],
            ][rng.below(4)];
            script.extend(cut);
        }
        17 => {
            let mut big = Vec::new();
            let n = 520 + rng.below(2);
            push(&mut big, &rng.bytes(n));
            op(&mut big, OP_DROP);
            script.splice(0..0, big);
        }
        18 => {
            let nops = vec![OP_NOP.to_u8(); 195 + rng.below(10)];
            script.splice(0..0, nops);
        }
        19 => {
            // Small-number pushes do not count as operations.
            let deep = vec![OP_1.to_u8(); 995 + rng.below(10)];
            script.splice(0..0, deep);
        }
        20 => {
            let mut long = Vec::new();
            for _ in 0..19 + rng.below(2) {
                push(&mut long, &[7; 520]);
                op(&mut long, OP_DROP);
            }
            script.splice(0..0, long);
        }
        _ => {}
    }
}

/// A script_sig pushing `items` (bottom first), sometimes with a non-push opcode or a
/// push cut short.
fn script_sig_of(rng: &mut Rng, items: &[Vec<u8>]) -> Vec<u8> {
    let mut s = Vec::new();
    for item in items {
        push_styled(rng, &mut s, item);
    }
    match rng.below(100) {
        0..2 => {
            let at = instruction_boundary(&s, rng);
            s.insert(
                at,
                [OP_NOP, OP_DUP, OP_DROP, OP_CHECKSIG, OP_NOP10, OP_RESERVED][rng.below(6)].to_u8(),
            );
        }
        2 => s.extend([0x4c]),
        _ => {}
    }
    s
}

/// `0 <program>`: a witness v0 output.
fn v0(program: &[u8]) -> Vec<u8> {
    [&[0x00, program.len() as u8][..], program].concat()
}

/// `HASH160 <hash> EQUAL`: a P2SH output for `redeem`.
fn p2sh(redeem: &[u8]) -> Vec<u8> {
    let mut s = vec![OP_HASH160.to_u8(), 20];
    s.extend(hash160(redeem));
    s.push(OP_EQUAL.to_u8());
    s
}

/// `haystack` with every `from` replaced by `to`.
fn replace_all(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut i = 0;
    while i < haystack.len() {
        if !from.is_empty() && haystack[i..].starts_with(from) {
            out.extend(to);
            i += from.len();
        } else {
            out.push(haystack[i]);
            i += 1;
        }
    }
    out
}

fn legacy_case(rng: &mut Rng) -> Case {
    let keys: Vec<EcKey> = (0..3).map(|_| ec_key(rng)).collect();
    let cx = tx_context(rng);
    let kind = match rng.below(100) {
        0..30 => SpendKind::Bare,
        30..50 => SpendKind::P2sh,
        50..70 => SpendKind::P2wsh,
        70..80 => SpendKind::P2shP2wsh,
        80..90 => SpendKind::P2wpkh,
        90..96 => SpendKind::P2shP2wpkh,
        _ => SpendKind::OtherWitness,
    };

    // The script and its unlocking items.
    let mut lock = fragment(rng, &keys, cx, 0);
    if rng.chance(20) {
        let second = fragment(rng, &keys, cx, 0);
        let mut script = lock.script.clone();
        if rng.chance(90) {
            op(&mut script, OP_VERIFY);
        }
        script.extend(&second.script);
        let mut items: Vec<Item> = second
            .items
            .iter()
            .cloned()
            .map(|item| match item {
                Item::Sig {
                    key,
                    ordinal,
                    placeholder,
                } => Item::Sig {
                    key,
                    ordinal: ordinal + lock.sig_ops,
                    placeholder,
                },
                data => data,
            })
            .collect();
        items.extend(lock.items);
        lock = Lock {
            script,
            items,
            sig_ops: lock.sig_ops + second.sig_ops,
        };
    }
    mutate_script(rng, &mut lock.script);
    let mut items = lock.items;
    match rng.below(100) {
        0..4 if !items.is_empty() => {
            let i = rng.below(items.len());
            items.remove(i);
        }
        4..8 => items.insert(0, Item::Data(random_item(rng))),
        8..10 if items.len() >= 2 => {
            let (i, j) = (rng.below(items.len()), rng.below(items.len()));
            items.swap(i, j);
        }
        10..12 if !items.is_empty() => {
            let i = rng.below(items.len());
            items[i] = Item::Data(random_item(rng));
        }
        _ => {}
    }
    // P2WPKH spends a key, not a script.
    let wpkh_key = rng.below(keys.len());
    let wpkh_pubkey = pubkey_bytes(rng, &keys[wpkh_key]);
    if matches!(kind, SpendKind::P2wpkh | SpendKind::P2shP2wpkh) {
        items = vec![
            Item::Sig {
                key: wpkh_key,
                ordinal: 0,
                placeholder: None,
            },
            Item::Data(wpkh_pubkey.clone()),
        ];
        match rng.below(20) {
            0 => {
                items.pop();
            }
            1 => items.push(Item::Data(random_item(rng))),
            _ => {}
        }
    }
    let mut script = lock.script;
    let wpkh_program = if rng.chance(97) {
        hash160(&wpkh_pubkey)
    } else {
        hash160(&rng.bytes(33))
    };
    let p2wpkh_code = {
        let mut c = vec![OP_DUP.to_u8(), OP_HASH160.to_u8()];
        push(&mut c, &wpkh_program);
        c.extend([OP_EQUALVERIFY.to_u8(), OP_CHECKSIG.to_u8()]);
        c
    };

    // The transaction, without the spender's data yet. Neither legacy nor BIP143 signature
    // hashes read the output spent, so its script can wait until the signatures are made.
    let inputs = 1 + rng.below(3);
    let index = rng.below(inputs);
    let amount = rng.next() % 10_000_000_000;
    let mut spent: Vec<TxOut> = (0..inputs)
        .map(|_| TxOut {
            value: Amount::from_sat((rng.next() % 100_000_000) as i64),
            script_pubkey: Script::from_bytes(match rng.below(3) {
                0 => Vec::new(),
                1 => rng.some_bytes(30),
                _ => p2sh(&rng.bytes(5)),
            }),
        })
        .collect();
    spent[index] = TxOut {
        value: Amount::from_sat(amount as i64),
        script_pubkey: Script::new(),
    };
    let mut tx = Transaction {
        version: cx.version,
        input: (0..inputs)
            .map(|i| TxIn {
                previous_output: OutPoint::new(
                    Txid::from_byte_array(sha256(&rng.bytes(8))),
                    rng.below(4) as u32,
                ),
                script_sig: Script::new(),
                sequence: if i == index {
                    cx.sequence
                } else {
                    rng.next() as u32
                },
                witness: Witness::new(),
            })
            .collect(),
        output: (0..rng.below(4))
            .map(|_| TxOut {
                value: Amount::from_sat(rng.below(5000) as i64),
                script_pubkey: Script::from_bytes(rng.some_bytes(30)),
            })
            .collect(),
        lock_time: cx.lock_time,
    };
    let pre = PrecomputedTransactionData::new(&tx, spent.clone());

    // Signatures, over the script code each signature opcode would hash.
    let (executed, sigversion) = match kind {
        SpendKind::Bare | SpendKind::P2sh => (script.clone(), SigVersion::Base),
        SpendKind::P2wsh | SpendKind::P2shP2wsh => (script.clone(), SigVersion::WitnessV0),
        SpendKind::P2wpkh | SpendKind::P2shP2wpkh => (p2wpkh_code, SigVersion::WitnessV0),
        SpendKind::OtherWitness => (Vec::new(), SigVersion::WitnessV0),
    };
    let mut in_script: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
    let items: Vec<Vec<u8>> = items
        .into_iter()
        .map(|item| match item {
            Item::Data(d) => d,
            Item::Sig {
                key,
                ordinal,
                placeholder,
            } => {
                let mut code = script_code(&executed, ordinal);
                let placeholder = placeholder.map(|p| {
                    let mut pushed = Vec::new();
                    push_direct(&mut pushed, &p);
                    pushed
                });
                if let Some(p) = &placeholder {
                    code = replace_all(&code, p, &[]);
                }
                let hash_type = ecdsa_hash_type(rng);
                let signer = if rng.chance(3) {
                    &keys[(key + 1) % keys.len()]
                } else {
                    &keys[key]
                };
                let digest = if sigversion == SigVersion::Base {
                    legacy_sighash(&code, &tx, index, i32::from(hash_type))
                } else {
                    let signed_amount = if rng.chance(3) { amount + 1 } else { amount };
                    segwit_v0_sighash(
                        &code,
                        &tx,
                        index,
                        i32::from(hash_type),
                        signed_amount as i64,
                        &pre,
                    )
                };
                let sig = ecdsa_signature(rng, digest.0, signer, hash_type);
                if let Some(p) = placeholder {
                    let mut pushed = Vec::new();
                    push_direct(&mut pushed, &sig);
                    in_script.push((p, pushed));
                }
                sig
            }
        })
        .collect();
    for (placeholder, sig) in &in_script {
        script = replace_all(&script, placeholder, sig);
    }

    // The output spent.
    let other_program = {
        let version = rng.below(17) as u8;
        let len = match rng.below(4) {
            0 => 2 + rng.below(39),
            1 => 32,
            2 => 20,
            _ => [2, 40, 25][rng.below(3)],
        };
        let mut program = rng.bytes(len);
        if version == 1 && len == 2 && rng.chance(50) {
            program = vec![0x4e, 0x73];
        }
        let version_op = if version == 0 { 0 } else { 0x50 + version };
        [&[version_op, len as u8][..], &program].concat()
    };
    let wsh_script = if rng.chance(97) {
        script.clone()
    } else {
        [&script[..], &[OP_NOP.to_u8()]].concat()
    };
    let script_pubkey = match kind {
        SpendKind::Bare => script.clone(),
        SpendKind::P2sh => p2sh(&script),
        SpendKind::P2wsh => v0(&sha256(&wsh_script)),
        SpendKind::P2shP2wsh => p2sh(&v0(&sha256(&wsh_script))),
        SpendKind::P2wpkh => v0(&wpkh_program),
        SpendKind::P2shP2wpkh => p2sh(&v0(&wpkh_program)),
        SpendKind::OtherWitness if rng.chance(70) => other_program.clone(),
        SpendKind::OtherWitness => p2sh(&other_program),
    };
    spent[index].script_pubkey = Script::from_bytes(script_pubkey);

    // The spender's data: script_sig pushes and witness items.
    let (script_sig, witness_items): (Vec<u8>, Vec<Vec<u8>>) = match kind {
        SpendKind::Bare => (script_sig_of(rng, &items), Vec::new()),
        SpendKind::P2sh => {
            let mut all = items;
            all.push(script);
            (script_sig_of(rng, &all), Vec::new())
        }
        SpendKind::P2wsh => {
            let mut w = items;
            w.push(wsh_script);
            (Vec::new(), w)
        }
        SpendKind::P2shP2wsh => {
            let mut w = items;
            w.push(wsh_script.clone());
            let redeem = v0(&sha256(&wsh_script));
            let mut sig = Vec::new();
            push_direct(&mut sig, &redeem);
            (sig, w)
        }
        SpendKind::P2wpkh => (Vec::new(), items),
        SpendKind::P2shP2wpkh => {
            let mut sig = Vec::new();
            push_direct(&mut sig, &v0(&wpkh_program));
            (sig, items)
        }
        SpendKind::OtherWitness => {
            let sig = if spent[index].script_pubkey.is_p2sh() {
                let mut sig = Vec::new();
                push_direct(&mut sig, &other_program);
                sig
            } else {
                Vec::new()
            };
            (sig, (0..rng.below(3)).map(|_| random_item(rng)).collect())
        }
    };
    let mut script_sig = script_sig;
    let mut witness_items = witness_items;
    match rng.below(100) {
        // A witness where none belongs, or a script_sig where none belongs.
        0..3 => witness_items.push(random_item(rng)),
        3..6 => {
            let extra = random_item(rng);
            let mut pushed = Vec::new();
            push(&mut pushed, &extra);
            script_sig.splice(0..0, pushed);
        }
        6..8 => witness_items.clear(),
        8..9 if !witness_items.is_empty() => {
            let i = rng.below(witness_items.len());
            witness_items[i] = rng.bytes(521);
        }
        _ => {}
    }
    tx.input[index].script_sig = Script::from_bytes(script_sig);
    tx.input[index].witness = Witness::from_items(&witness_items);
    for (i, input) in tx.input.iter_mut().enumerate() {
        if i != index && rng.chance(30) {
            input.witness = Witness::from_items([rng.bytes(71), rng.bytes(33)]);
        }
    }
    Case {
        tx,
        index,
        spent,
        flags: legacy_flags(rng),
        kind: kind.name(),
    }
}

// ---------------------------------------------------------------------------------------
// Every opcode on every small stack
// ---------------------------------------------------------------------------------------

/// Stack items that tell the checks apart: zero, one, two, a non-minimal one, negative
/// zero, a 5-byte number (too long for arithmetic, fine for CLTV and CSV).
const SWEEP_ITEMS: [&[u8]; 6] = [&[], &[1], &[2], &[1, 0], &[0x80], &[1, 0, 0, 0, 1]];
/// Stacks of up to three of them: 1 + 6 + 36 + 216.
const SWEEP_STACKS: usize = 259;
const SWEEP_CONTEXTS: [&str; 3] = ["bare", "p2wsh", "tapscript"];

/// Case `i` of the sweep: one opcode (all 256) run on one small stack, spent bare, through
/// P2WSH or as a tapscript leaf, under consensus or standard flags. The script is only the
/// opcode (a push opcode with nothing after it is a push cut short), so whichever check a
/// handler makes first decides the error.
fn sweep_case(i: usize, internal: &Keypair) -> Case {
    let opcode = (i % 256) as u8;
    let mut rest = i / 256;
    let mut stack_index = rest % SWEEP_STACKS;
    rest /= SWEEP_STACKS;
    let flags = [VerifyFlags::CONSENSUS, VerifyFlags::STANDARD][rest % 2];
    let context = SWEEP_CONTEXTS[(rest / 2) % SWEEP_CONTEXTS.len()];
    // Stack number k (in 0..259) as a count of items and their digits in base 6.
    let mut items: Vec<Vec<u8>> = Vec::new();
    let mut size = 0;
    while stack_index >= 6usize.pow(size) {
        stack_index -= 6usize.pow(size);
        size += 1;
    }
    for _ in 0..size {
        items.push(SWEEP_ITEMS[stack_index % 6].to_vec());
        stack_index /= 6;
    }
    let script = vec![opcode];
    let (script_sig, witness, script_pubkey) = match context {
        "bare" => {
            let mut sig = Vec::new();
            for item in &items {
                push(&mut sig, item);
            }
            (sig, Vec::new(), script)
        }
        "p2wsh" => {
            let spk = v0(&sha256(&script));
            items.push(script);
            (Vec::new(), items, spk)
        }
        _ => {
            let tree = TapTree::leaf(Script::from_bytes(script.clone()));
            let x = internal.x_only_public_key().0;
            let (output, _) =
                sou_keys::taproot::tweak_public_key(&x, Some(&tree.merkle_root())).unwrap();
            let control = ControlBlock::for_tree(&x, &tree).unwrap()[0].serialize();
            items.push(script);
            items.push(control);
            let spk = [&[0x51, 0x20][..], &output.serialize()].concat();
            (Vec::new(), items, spk)
        }
    };
    let spent = vec![TxOut {
        value: Amount::from_sat(10_000),
        script_pubkey: Script::from_bytes(script_pubkey),
    }];
    let tx = Transaction {
        version: 2,
        input: vec![TxIn {
            previous_output: OutPoint::new(Txid::from_byte_array(sha256(&[opcode])), 0),
            script_sig: Script::from_bytes(script_sig),
            sequence: 1,
            witness: Witness::from_items(&witness),
        }],
        output: vec![TxOut {
            value: Amount::from_sat(9_000),
            script_pubkey: Script::new(),
        }],
        lock_time: 1,
    };
    Case {
        tx,
        index: 0,
        spent,
        flags,
        kind: context,
    }
}

/// How many cases the sweep has.
const SWEEP_CASES: usize = 256 * SWEEP_STACKS * 2 * SWEEP_CONTEXTS.len();

/// Which family of spends to generate.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Legacy,
    Taproot,
    All,
    /// Every opcode on every small stack, in order (SEED unused).
    Opcodes,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let count: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(1000);
    let seed: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1);
    let out =
        std::path::PathBuf::from(args.get(3).cloned().unwrap_or_else(|| "/tmp/oracle".into()));
    let mode = match args.get(4).map_or("all", String::as_str) {
        "legacy" => Mode::Legacy,
        "taproot" => Mode::Taproot,
        "all" => Mode::All,
        "opcodes" => Mode::Opcodes,
        other => {
            eprintln!("unknown mode {other:?}: legacy, taproot, all or opcodes");
            std::process::exit(2);
        }
    };
    std::fs::create_dir_all(&out).unwrap();
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let mut cases = String::new();
    let mut verdicts = String::new();
    let mut kinds = String::new();
    let count = if mode == Mode::Opcodes {
        count.min(SWEEP_CASES)
    } else {
        count
    };
    let sweep_key = key(&mut Rng(7));
    for i in 0..count {
        let case = match mode {
            Mode::Legacy => legacy_case(&mut rng),
            Mode::Taproot => taproot_case(&mut rng),
            Mode::All if rng.chance(50) => legacy_case(&mut rng),
            Mode::All => taproot_case(&mut rng),
            Mode::Opcodes => sweep_case(i, &sweep_key),
        };
        let Case {
            tx,
            index,
            spent,
            flags,
            kind,
        } = case;
        // Every case gives one spent output per input: any error is a script verdict.
        let verdict = verify_input(&tx, index, &spent, flags)
            .map_err(|e| e.script_error().unwrap_or_else(|| panic!("{e}")));
        let spent_text: Vec<String> = spent
            .iter()
            .map(|o| {
                format!(
                    "{}:{}",
                    hex::encode(o.script_pubkey.as_bytes()),
                    o.value.to_sat()
                )
            })
            .collect();
        let flag_text = if flags == VerifyFlags::NONE {
            "NONE".to_owned()
        } else {
            flags.to_string()
        };
        writeln!(
            cases,
            "{} {} {} {}",
            hex::encode(serialize(&tx)),
            index,
            flag_text,
            spent_text.join(",")
        )
        .unwrap();
        let name = verdict.map_or_else(|e| e.name(), |()| "OK");
        writeln!(
            verdicts,
            "{} {}",
            if name == "OK" { "valid" } else { "invalid" },
            name
        )
        .unwrap();
        writeln!(kinds, "{kind}").unwrap();
    }
    std::fs::File::create(out.join("cases.txt"))
        .unwrap()
        .write_all(cases.as_bytes())
        .unwrap();
    std::fs::File::create(out.join("sou.txt"))
        .unwrap()
        .write_all(verdicts.as_bytes())
        .unwrap();
    std::fs::File::create(out.join("kinds.txt"))
        .unwrap()
        .write_all(kinds.as_bytes())
        .unwrap();
    println!("{count} cases in {}", out.display());
}
