#!/usr/bin/env python3
"""Transactions relayed over P2P, as Core's p2p_*.py and mempool tests send them.

`P2PInterface` peers send transactions built by the framework's `MiniWallet` (its
anyone-can-spend taproot output, so no node wallet is needed):

1. a transaction sent by one peer enters the pool (`getrawmempool`), is announced to a
   second peer by wtxid (`inv` of `MSG_WTX`, BIP339) and served on its `getdata`;
2. a transaction announced by `inv` is asked for with `getdata` and accepted;
3. an orphan (its parent unknown) is kept, its parent asked for, and both enter the
   pool once the parent arrives;
4. a transaction the pool refuses (non-standard version) is not asked for again when
   another peer announces it, while a new one announced with it is;
5. a `-blocksonly` node says `relay=0` in its `version` and disconnects a peer that
   sends a transaction, or announces one.

MiniWallet finds its coins with `scantxoutset`; the script mines to its address and
gives it the coinbases itself, from `getblock`.

    BITCOIND=target/debug/soud python3 p2p_transactions.py
    BITCOIND=~/.cache/bitcoind/bin/bitcoind python3 p2p_transactions.py
"""

import os
import sys
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import p2p_util  # noqa: E402,F401  (writes config.ini)

from verystable.core.messages import (  # noqa: E402
    CInv,
    MSG_TX,
    MSG_TYPE_MASK,
    MSG_WTX,
    msg_inv,
    msg_tx,
)
from verystable.core.p2p import P2PInterface, p2p_lock  # noqa: E402
from verystable.core.test_framework import BitcoinTestFramework  # noqa: E402
from verystable.core.util import assert_equal  # noqa: E402
from verystable.core.wallet import MiniWallet  # noqa: E402


class ChainWallet(MiniWallet):
    """MiniWallet without `scantxoutset`: its coins are the coinbases it mined here."""

    def rescan_utxos(self, *, include_mempool=True):
        self._utxos = []

    def mine(self, test, count):
        node = self._test_node
        hashes = test.generatetoaddress(node, count, self.get_address())
        for block_hash in hashes:
            block = node.getblock(block_hash, 2)
            coinbase = block["tx"][0]
            self._utxos.append(self._create_utxo(
                txid=coinbase["txid"], vout=0, value=Decimal(str(coinbase["vout"][0]["value"])),
                height=block["height"], coinbase=True, confirmations=1))
        return hashes


class TxPeer(P2PInterface):
    """Records the `getdata` it receives and serves the transactions it was given."""

    def __init__(self):
        super().__init__()
        self.tx_store = {}
        self.getdata_hashes = []

    def on_getdata(self, message):
        for inv in message.inv:
            self.getdata_hashes.append(inv.hash)
            tx = self.tx_store.get(inv.hash)
            if tx is not None and (inv.type & MSG_TYPE_MASK) in (MSG_TX, MSG_WTX):
                self.send_message(msg_tx(tx))


class P2PTransactionsTest(BitcoinTestFramework):
    def set_test_params(self):
        self.num_nodes = 1
        self.setup_clean_chain = True

    def run_test(self):
        node = self.nodes[0]
        wallet = ChainWallet(node)
        wallet.mine(self, 10)
        self.generatetoaddress(node, 100, wallet.get_address())

        sender = node.add_p2p_connection(TxPeer())
        receiver = node.add_p2p_connection(TxPeer())
        assert_equal(sender.relay, 1)

        self.log.info("A transaction from one peer: accepted, announced by wtxid to the other")
        tx = wallet.create_self_transfer()
        sender_number = sender_id(node, sender)
        # Core: "AcceptToMemoryPool: peer=N: accepted <txid> (wtxid=<wtxid>) (poolsz 1 txn,
        # 1 kB)" (ProcessValidTx).
        with node.assert_debug_log([f"AcceptToMemoryPool: peer={sender_number}: accepted "
                                    f"{tx['txid']} (wtxid={tx['wtxid']}) (poolsz 1 txn"]):
            sender.send_and_ping(msg_tx(tx["tx"]))
        assert tx["txid"] in node.getrawmempool()
        receiver.wait_for_inv([CInv(MSG_WTX, int(tx["wtxid"], 16))], timeout=30)
        # P2PInterface answers the inv with getdata: the node serves the transaction.
        receiver.wait_for_tx(tx["txid"], timeout=30)
        assert_equal(receiver.last_message["tx"].tx.getwtxid(), tx["wtxid"])
        # The sender is not told of its own transaction.
        with p2p_lock:
            announced = [i.hash for m in [sender.last_message.get("inv")] if m for i in m.inv]
        assert int(tx["wtxid"], 16) not in announced

        self.log.info("A transaction announced by inv (MSG_WTX): asked for, then accepted")
        tx = wallet.create_self_transfer()
        sender.tx_store[int(tx["wtxid"], 16)] = tx["tx"]
        sender.send_message(msg_inv([CInv(MSG_WTX, int(tx["wtxid"], 16))]))
        sender.wait_until(lambda: int(tx["wtxid"], 16) in sender.getdata_hashes, timeout=30)
        self.wait_until(lambda: tx["txid"] in node.getrawmempool(), timeout=30)

        self.log.info("An orphan before its parent: kept, parent asked for, both accepted")
        parent = wallet.create_self_transfer()
        child = wallet.create_self_transfer(utxo_to_spend=parent["new_utxo"])
        with node.assert_debug_log([f"stored orphan tx {child['txid']} (wtxid={child['wtxid']})"]):
            sender.send_and_ping(msg_tx(child["tx"]))
        assert child["txid"] not in node.getrawmempool()
        # The node asks the sender for the missing parent (by txid, MSG_WITNESS_TX).
        sender.wait_until(lambda: int(parent["txid"], 16) in sender.getdata_hashes, timeout=30)
        sender.send_and_ping(msg_tx(parent["tx"]))
        self.wait_until(lambda: {parent["txid"], child["txid"]} <= set(node.getrawmempool()),
                        timeout=10)

        self.log.info("A transaction the pool refuses is not asked for again")
        refused = wallet.create_self_transfer()
        refused["tx"].version = 5  # above TX_MAX_STANDARD_VERSION: "version"
        refused["tx"].rehash()
        refused_wtxid = refused["tx"].getwtxid()
        # Core: "<txid> (wtxid=<wtxid>) from peer=N was not accepted: version"
        # (ProcessInvalidTx, category mempoolrej).
        with node.assert_debug_log([f"{refused['tx'].hash} (wtxid={refused_wtxid}) from "
                                    f"peer={sender_number} was not accepted: version"]):
            sender.send_and_ping(msg_tx(refused["tx"]))
        assert refused["tx"].hash not in node.getrawmempool()
        assert sender.is_connected
        fresh = wallet.create_self_transfer()
        receiver.tx_store[int(fresh["wtxid"], 16)] = fresh["tx"]
        receiver.tx_store[int(refused_wtxid, 16)] = refused["tx"]
        receiver.send_message(msg_inv([CInv(MSG_WTX, int(refused_wtxid, 16)),
                                       CInv(MSG_WTX, int(fresh["wtxid"], 16))]))
        # Both announced together: once the new one is asked for, the refused one would
        # have been too.
        receiver.wait_until(lambda: int(fresh["wtxid"], 16) in receiver.getdata_hashes, timeout=30)
        receiver.sync_with_ping()
        assert int(refused_wtxid, 16) not in receiver.getdata_hashes
        self.wait_until(lambda: fresh["txid"] in node.getrawmempool(), timeout=10)
        assert sender.is_connected and receiver.is_connected

        self.log.info("-blocksonly: relay=0 in version; a peer sending a tx is disconnected")
        self.generatetoaddress(node, 1, wallet.get_address())
        assert_equal(node.getrawmempool(), [])
        node.disconnect_p2ps()
        self.restart_node(0, extra_args=["-blocksonly"])
        peer = node.add_p2p_connection(TxPeer())
        assert_equal(peer.relay, 0)
        tx = wallet.create_self_transfer()
        peer_id = sender_id(node, peer)
        with node.assert_debug_log([f"transaction sent in violation of protocol, "
                                    f"disconnecting peer={peer_id}"]):
            peer.send_message(msg_tx(tx["tx"]))
            peer.wait_for_disconnect(timeout=10)
        assert_equal(node.getrawmempool(), [])

        self.log.info("-blocksonly: a peer announcing a tx is disconnected")
        peer = node.add_p2p_connection(TxPeer())
        peer_id = sender_id(node, peer)
        with node.assert_debug_log([f"transaction ({tx['wtxid']}) inv sent in violation of "
                                    f"protocol, disconnecting peer={peer_id}"]):
            peer.send_message(msg_inv([CInv(MSG_WTX, int(tx["wtxid"], 16))]))
            peer.wait_for_disconnect(timeout=10)
        assert_equal(node.getrawmempool(), [])


def sender_id(node, peer):
    """The node's id for the connection of `peer` (getpeerinfo, by our address)."""
    sockname = peer._transport.get_extra_info("socket").getsockname()
    ours = f"{sockname[0]}:{sockname[1]}"
    return [p for p in node.getpeerinfo() if p["addr"] == ours][0]["id"]


if __name__ == "__main__":
    P2PTransactionsTest(__file__).main()
