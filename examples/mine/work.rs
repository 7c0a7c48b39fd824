//! A `getblocktemplate` answer (BIP22, BIP23) read into [`Work`], and the block it
//! describes built from it: our coinbase first, then the node's transactions byte for
//! byte, under a header made from the template's fields.
//!
//! Each transaction is checked against the txid and wtxid the node gives, and the witness
//! commitment recomputed against the node's: a difference means we misread the template.

use serde_json::Value;
use sou::miner::template::{coinbase, finish_block};
use sou::miner::BlockTemplate;
use sou::primitives::encoding::deserialize;
use sou::{Amount, Block, BlockHash, BlockHeader, CompactTarget, Script, Transaction, Txid, Wtxid};

/// One transaction of a template, as BIP22 lists it.
pub(crate) struct TemplateTx {
    pub(crate) tx: Transaction,
    pub(crate) fee: Amount,
    pub(crate) sigops: u64,
}

/// The fields of a `getblocktemplate` answer that a block is made from.
pub(crate) struct Work {
    pub(crate) height: u32,
    pub(crate) previous: BlockHash,
    pub(crate) version: i32,
    pub(crate) curtime: u32,
    pub(crate) mintime: u32,
    pub(crate) bits: CompactTarget,
    /// The target as the node spells it (BIP22 `target`), to check our expansion.
    pub(crate) target: Option<String>,
    pub(crate) coinbase_value: Amount,
    /// BIP22 `coinbaseaux`: bytes the coinbase scriptSig must carry (Core sends none now).
    pub(crate) coinbase_aux: Vec<u8>,
    /// BIP141 / BIP23: the coinbase output committing to the witnesses, if any.
    pub(crate) witness_commitment: Option<Script>,
    pub(crate) transactions: Vec<TemplateTx>,
}

fn field<'a>(t: &'a Value, name: &str) -> Result<&'a Value, String> {
    t.get(name).ok_or(format!("the template has no {name:?}"))
}

fn field_str<'a>(t: &'a Value, name: &str) -> Result<&'a str, String> {
    field(t, name)?
        .as_str()
        .ok_or(format!("template field {name:?} is not a string"))
}

fn field_u64(t: &Value, name: &str) -> Result<u64, String> {
    field(t, name)?.as_u64().ok_or(format!(
        "template field {name:?} is not a non-negative integer"
    ))
}

fn field_u32(t: &Value, name: &str) -> Result<u32, String> {
    u32::try_from(field_u64(t, name)?)
        .map_err(|_| format!("template field {name:?} exceeds 32 bits"))
}

/// A field BIP22 lets the node leave out: `None` when absent or null. When present it must
/// be well formed: a malformed one is an error, never read as absent.
fn optional<'a>(t: &'a Value, name: &str) -> Option<&'a Value> {
    t.get(name).filter(|v| !v.is_null())
}

fn hex_field(text: &str, name: &str) -> Result<Vec<u8>, String> {
    hex::decode(text).map_err(|e| format!("template field {name:?} is not hex: {e}"))
}

impl Work {
    /// Reads a template, checking each transaction's ids against the ones the node gives.
    pub(crate) fn parse(t: &Value) -> Result<Work, String> {
        let bits = u32::from_str_radix(field_str(t, "bits")?, 16)
            .map_err(|e| format!("template field \"bits\": {e}"))?;
        let coinbase_value = i64::try_from(field_u64(t, "coinbasevalue")?)
            .map_err(|_| "template field \"coinbasevalue\" is too large".to_owned())?;
        let mut coinbase_aux = Vec::new();
        if let Some(aux) = optional(t, "coinbaseaux") {
            let aux = aux
                .as_object()
                .ok_or("template field \"coinbaseaux\" is not an object")?;
            for (name, value) in aux {
                let text = value
                    .as_str()
                    .ok_or(format!("coinbaseaux {name:?} is not a string"))?;
                coinbase_aux.extend(hex_field(text, "coinbaseaux")?);
            }
        }
        let witness_commitment = match t.get("default_witness_commitment") {
            None | Some(Value::Null) => None,
            Some(v) => {
                let text = v
                    .as_str()
                    .ok_or("default_witness_commitment is not a string")?;
                Some(Script::from_bytes(hex_field(
                    text,
                    "default_witness_commitment",
                )?))
            }
        };
        let mut transactions = Vec::new();
        for (i, entry) in field(t, "transactions")?
            .as_array()
            .ok_or("template field \"transactions\" is not a list")?
            .iter()
            .enumerate()
        {
            let bytes = hex_field(field_str(entry, "data")?, "data")?;
            let tx: Transaction = deserialize(&bytes)
                .map_err(|e| format!("template transaction {i} does not decode: {e}"))?;
            let txid: Txid = field_str(entry, "txid")?
                .parse()
                .map_err(|e| format!("template transaction {i}: txid: {e:?}"))?;
            if tx.compute_txid() != txid {
                return Err(format!(
                    "template transaction {i}: data does not hash to txid {txid}"
                ));
            }
            if let Some(hash) = optional(entry, "hash") {
                let hash = hash.as_str().ok_or(format!(
                    "template transaction {i}: \"hash\" is not a string"
                ))?;
                let wtxid: Wtxid = hash
                    .parse()
                    .map_err(|e| format!("template transaction {i}: hash: {e:?}"))?;
                if tx.compute_wtxid() != wtxid {
                    return Err(format!(
                        "template transaction {i}: data does not hash to wtxid {wtxid}"
                    ));
                }
            }
            // BIP22: a node that does not know a fee or sigop count leaves it out.
            let fee = match optional(entry, "fee") {
                None => 0,
                Some(fee) => fee.as_i64().ok_or(format!(
                    "template transaction {i}: \"fee\" is not an integer"
                ))?,
            };
            let sigops = match optional(entry, "sigops") {
                None => 0,
                Some(_) => field_u64(entry, "sigops")
                    .map_err(|e| format!("template transaction {i}: {e}"))?,
            };
            transactions.push(TemplateTx {
                tx,
                fee: Amount::from_sat(fee),
                sigops,
            });
        }
        Ok(Work {
            height: field_u32(t, "height")?,
            previous: field_str(t, "previousblockhash")?
                .parse()
                .map_err(|e| format!("template field \"previousblockhash\": {e:?}"))?,
            version: i32::try_from(
                field(t, "version")?
                    .as_i64()
                    .ok_or("template field \"version\" is not an integer")?,
            )
            .map_err(|_| "template field \"version\" exceeds 32 bits".to_owned())?,
            curtime: field_u32(t, "curtime")?,
            mintime: match optional(t, "mintime") {
                None => 0,
                Some(_) => field_u32(t, "mintime")?,
            },
            bits: CompactTarget::from_consensus(bits),
            target: optional(t, "target")
                .map(|v| {
                    v.as_str()
                        .map(str::to_owned)
                        .ok_or("template field \"target\" is not a string")
                })
                .transpose()?,
            coinbase_value: Amount::from_sat(coinbase_value),
            coinbase_aux,
            witness_commitment,
            transactions,
        })
    }

    /// The block the template describes, nonce 0, ready for [`mine_template`]:
    /// - the coinbase: scriptSig = BIP34 height, `coinbaseaux`, 8 bytes of extra nonce;
    ///   output 0 = `coinbasevalue` to us; output 1 = `default_witness_commitment`;
    ///   witness = the 32-byte reserved value (zeros), which the commitment hashes in;
    /// - then the template's transactions, byte for byte, in the template's order;
    /// - the header from `version`, `previousblockhash`, `curtime`, `bits`, and the merkle
    ///   root of all the txids.
    pub(crate) fn build(&self, payout: &Script) -> Result<BlockTemplate, String> {
        let mut cb = coinbase(self.height, 0, self.coinbase_value, payout);
        if !self.coinbase_aux.is_empty() {
            // `coinbase` writes height then extra nonce (a 0x08 push and 8 bytes): the aux
            // bytes go between, so that the extra nonce stays last for `set_extra_nonce`.
            let mut script = cb.input[0].script_sig.clone().into_bytes();
            let at = script.len().saturating_sub(9);
            script.splice(at..at, self.coinbase_aux.iter().copied());
            cb.input[0].script_sig = Script::from_bytes(script);
        }
        // A coinbase scriptSig holds 2 to 100 bytes (Core `CheckTransaction`, "bad-cb-length").
        let script_len = cb.input[0].script_sig.len();
        if !(2..=100).contains(&script_len) {
            return Err(format!(
                "coinbase scriptSig would be {script_len} bytes (2 to 100 allowed)"
            ));
        }
        match &self.witness_commitment {
            Some(commitment) => cb.output[1].script_pubkey = commitment.clone(),
            None => {
                // No segwit: neither the commitment output nor a coinbase witness.
                cb.output.truncate(1);
                cb.input[0].witness = Default::default();
            }
        }
        let mut block = Block {
            header: BlockHeader {
                version: self.version,
                prev_blockhash: self.previous,
                merkle_root: Default::default(),
                time: self.curtime,
                bits: self.bits,
                nonce: 0,
            },
            txdata: std::iter::once(cb)
                .chain(self.transactions.iter().map(|t| t.tx.clone()))
                .collect(),
        };
        // Merkle root, and the witness commitment recomputed from the transactions: it
        // must come out as the node's, or we misread the template.
        finish_block(&mut block);
        if let Some(given) = &self.witness_commitment {
            // BIP141: an output whose script starts OP_RETURN, push 36, aa21a9ed.
            let index = block.witness_commitment_index().ok_or(format!(
                "the node's default_witness_commitment {} is not a BIP141 commitment output",
                hex::encode(given.as_bytes())
            ))?;
            let ours = &block.txdata[0].output[index].script_pubkey;
            if ours != given {
                return Err(format!(
                    "our witness commitment {} differs from the node's {}",
                    hex::encode(ours.as_bytes()),
                    hex::encode(given.as_bytes())
                ));
            }
        }
        let fees = self
            .transactions
            .iter()
            .try_fold(Amount::ZERO, |sum, t| sum.checked_add(t.fee))
            .ok_or("template fees overflow")?;
        Ok(BlockTemplate {
            weight: block.weight(),
            block,
            height: self.height,
            fees,
            sigop_cost: self.transactions.iter().map(|t| t.sigops).sum(),
            extra_nonce: 0,
        })
    }
}
