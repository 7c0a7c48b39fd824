//! The facade's public API, used as a library user would: everything through `sou::`.

use sou::primitives::encoding::{deserialize, serialize};
use sou::primitives::opcodes::{OP_CHECKSIG, OP_DUP, OP_EQUALVERIFY, OP_HASH160};
use sou::primitives::script::Builder;
use sou::{
    Amount, Block, BlockHash, Network, OutPoint, Script, Transaction, TxIn, TxOut, Txid, Witness,
};

#[test]
fn build_serialise_and_read_back_a_payment() {
    let p2pkh: Script = Builder::new()
        .push_opcode(OP_DUP)
        .push_opcode(OP_HASH160)
        .push_slice(&[0xab; 20])
        .push_opcode(OP_EQUALVERIFY)
        .push_opcode(OP_CHECKSIG)
        .into_script();
    let funding: Txid = "f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16"
        .parse()
        .expect("hex");
    let tx = Transaction {
        version: 2,
        input: vec![TxIn {
            previous_output: OutPoint::new(funding, 0),
            script_sig: Script::new(),
            sequence: 0xffff_fffd,
            witness: Witness::from_items([vec![0x30; 71], vec![0x02; 33]]),
        }],
        output: vec![TxOut {
            value: "0.5".parse::<Amount>().expect("amount"),
            script_pubkey: p2pkh,
        }],
        lock_time: 0,
    };
    let bytes = serialize(&tx);
    let back: Transaction = deserialize(&bytes).expect("decodes");
    assert_eq!(back, tx);
    // 4 version + 2 marker/flag + 41 input + 1+34 output (+1 count each) + 4 lock time
    // + 107 witness bytes.
    assert_eq!(tx.base_size(), 4 + 1 + 41 + 1 + 34 + 4);
    assert_eq!(tx.total_size(), tx.base_size() + 2 + 1 + 1 + 71 + 1 + 33);
    assert_eq!(
        tx.vsize(),
        (3 * tx.base_size() as u64 + tx.total_size() as u64).div_ceil(4)
    );
    assert_ne!(
        tx.compute_txid().to_byte_array(),
        tx.compute_wtxid().to_byte_array()
    );
}

#[test]
fn every_network_from_its_name() {
    for name in ["main", "test", "testnet4", "signet", "regtest"] {
        let network: Network = name.parse().expect("known network");
        let genesis: Block = network.params().genesis_block();
        let hash: BlockHash = genesis.block_hash();
        assert_eq!(hash, network.params().genesis_hash, "{name}");
    }
    assert!("moon".parse::<Network>().is_err());
}

#[test]
fn from_mnemonic_to_address_through_the_facade() {
    use sou::keys::bip32::Xpriv;
    use sou::keys::bip39::Mnemonic;
    use sou::keys::NetworkKind;
    use sou::Address;

    let mnemonic = Mnemonic::parse(
        "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
    )
    .expect("valid mnemonic");
    let master =
        Xpriv::new_master(NetworkKind::Main, mnemonic.to_seed("").as_bytes()).expect("master");
    // BIP86's first receiving address for this mnemonic.
    let key = master
        .derive_path(&"m/86'/0'/0'/0/0".parse().expect("path"))
        .expect("derives")
        .secret_key
        .public_key();
    let address = Address::p2tr(&key.x_only_public_key().0, None, Network::Mainnet).expect("tweak");
    assert_eq!(
        address.to_string(),
        "bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr"
    );
    assert_eq!(
        Address::parse(&address.to_string(), Network::Mainnet),
        Ok(address)
    );
}

#[test]
fn a_regtest_chain_through_the_facade() {
    // Coinbases pay `OP_TRUE`: anyone may spend them.
    let op_true = Script::from_bytes(vec![0x51]);
    let mut chain = sou::RegtestChain::new(op_true.clone());
    let blocks = chain.mine_empty_blocks(3).expect("regtest blocks");
    assert_eq!(chain.state.height(), 3);
    assert_eq!(
        Some(chain.state.tip()),
        blocks.last().map(Block::block_hash)
    );
    // A mistake is an error, not a panic: mainnet's difficulty cannot be mined on the spot.
    assert!(matches!(
        sou::RegtestChain::with_params(Network::Mainnet.params(), op_true),
        Err(sou::RegtestError::Retargets {
            network: Network::Mainnet
        })
    ));
}
