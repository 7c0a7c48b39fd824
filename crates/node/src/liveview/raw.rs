//! The raw bytes of a header or a transaction, cut into labelled fields.
//!
//! What a node stores and sends is bytes; the RPC's JSON is one reading of them. The
//! details panel shows both: each field's bytes as they sit in the serialisation
//! (numbers little-endian, hashes in internal order), its name, and what it means, as
//! `examples/genesis.rs` prints the genesis block. The fields are read here with the same
//! [`Reader`] the decoder uses, so the cuts are where the decoder makes them.
//!
//! References: BIP144 "Specification" (marker, flag, witness); Core
//! `src/primitives/transaction.h` (`SerializeTransaction`), `src/primitives/block.h`.

use serde_json::{json, Value};
use sou_primitives::encoding::{DecodeError, Reader};

/// Labelled fields, in order, covering every byte.
struct Fields<'a> {
    reader: Reader<'a>,
    list: Vec<Value>,
}

impl<'a> Fields<'a> {
    fn new(bytes: &'a [u8]) -> Fields<'a> {
        Fields {
            reader: Reader::new(bytes),
            list: Vec::new(),
        }
    }

    /// Records the bytes read by `read` as the field `name`, explained by `note`.
    fn field<T>(
        &mut self,
        name: &str,
        note: &str,
        read: impl FnOnce(&mut Reader<'a>) -> Result<T, DecodeError>,
    ) -> Result<T, DecodeError> {
        let start = self.reader.position();
        let value = read(&mut self.reader)?;
        let bytes = self
            .reader
            .data()
            .get(start..self.reader.position())
            .unwrap_or_default();
        self.list
            .push(json!({ "name": name, "hex": hex::encode(bytes), "note": note }));
        Ok(value)
    }

    fn bytes(&mut self, name: &str, note: &str, len: u64) -> Result<(), DecodeError> {
        let len = usize::try_from(len).unwrap_or(usize::MAX);
        self.field(name, note, |r| r.read_slice(len).map(|_| ()))
    }

    fn count(&mut self, name: &str, note: &str) -> Result<u64, DecodeError> {
        self.field(name, note, Reader::read_compact_size)
    }
}

/// The 80 bytes of a block header, field by field.
pub fn header(bytes: &[u8]) -> Value {
    let mut f = Fields::new(bytes);
    let result: Result<(), DecodeError> = (|| {
        f.bytes("version", "rules the block follows (BIP9 bits)", 4)?;
        f.bytes(
            "previous block",
            "hash of the parent's header: the chain link",
            32,
        )?;
        f.bytes("merkle root", "fingerprint of all the transactions", 32)?;
        f.bytes("time", "set by the miner, seconds since 1970", 4)?;
        f.bytes("bits", "the target, in compact form", 4)?;
        f.bytes(
            "nonce",
            "varied by the miner until the hash met the target",
            4,
        )?;
        Ok(())
    })();
    finish(f, result)
}

/// A transaction's serialisation, field by field (with witnesses when it has some).
pub fn transaction(bytes: &[u8]) -> Value {
    let mut f = Fields::new(bytes);
    let result = (|| {
        f.bytes(
            "version",
            "1, or 2 to enable relative lock times (BIP68)",
            4,
        )?;
        // BIP144: a zero where the input count would be is the marker; a flag follows.
        let segwit = f.reader.data().get(4) == Some(&0);
        if segwit {
            f.bytes("marker", "0x00: witnesses follow the outputs (BIP144)", 1)?;
            f.bytes("flag", "0x01", 1)?;
        }
        let inputs = f.count("input count", "how many coins it spends")?;
        for i in 0..inputs {
            f.bytes(
                &format!("input {i}: txid"),
                "the transaction whose output is spent (internal byte order)",
                32,
            )?;
            f.bytes(&format!("input {i}: vout"), "which of its outputs", 4)?;
            let len = f.count(&format!("input {i}: script length"), "bytes of script_sig")?;
            f.bytes(
                &format!("input {i}: script_sig"),
                "the unlocking script (empty for a segwit spend)",
                len,
            )?;
            f.bytes(
                &format!("input {i}: sequence"),
                "0xffffffff: final; lower: RBF, relative lock time",
                4,
            )?;
        }
        let outputs = f.count("output count", "how many coins it creates")?;
        for o in 0..outputs {
            f.bytes(&format!("output {o}: value"), "satoshis, 8 bytes", 8)?;
            let len = f.count(
                &format!("output {o}: script length"),
                "bytes of script_pubkey",
            )?;
            f.bytes(
                &format!("output {o}: script_pubkey"),
                "the locking script: who may spend it",
                len,
            )?;
        }
        if segwit {
            for i in 0..inputs {
                let items = f.count(&format!("witness {i}: items"), "stack items for input")?;
                for k in 0..items {
                    let len = f.count(&format!("witness {i}.{k}: length"), "bytes")?;
                    f.bytes(&format!("witness {i}.{k}"), "a witness stack item", len)?;
                }
            }
        }
        f.bytes(
            "lock time",
            "0: none; a height below 500,000,000, else a time",
            4,
        )?;
        Ok(())
    })();
    finish(f, result)
}

fn finish(f: Fields<'_>, result: Result<(), DecodeError>) -> Value {
    json!({
        "fields": f.list,
        "error": result.err().map(|e| e.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn genesis_header_fields_cover_80_bytes() {
        let block = sou_primitives::Network::Regtest.params().genesis_block();
        let bytes = sou_primitives::encoding::serialize(&block);
        let header = header(bytes.get(..80).unwrap_or_default());
        let fields = header["fields"].as_array().cloned().unwrap_or_default();
        assert_eq!(fields.len(), 6);
        let total: usize = fields
            .iter()
            .map(|f| f["hex"].as_str().unwrap_or_default().len() / 2)
            .sum();
        assert_eq!(total, 80);
        let tx = transaction(&sou_primitives::encoding::serialize(&block.txdata[0]));
        assert_eq!(tx["error"], Value::Null);
        assert_eq!(tx["fields"][0]["hex"], "01000000");
    }
}
