#!/usr/bin/env python3
"""Headers and blocks fed over P2P, as Core's p2p_invalid_block.py feeds bitcoind.

A `P2PDataStore` peer (the framework's peer that answers `getheaders` and `getdata` from
its own store) announces blocks built with `blocktools` (`create_block`,
`create_coinbase`) and the node fetches them:

1. a valid chain of headers, then blocks: the node's tip follows (`getbestblockhash`);
2. invalid blocks sent unasked: a coinbase paying too much (`bad-cb-amount`), a
   transaction listed twice (CVE-2012-2459, `bad-txns-duplicate`), a wrong merkle root
   (`bad-txnmrklroot`): the tip stays, the reason is in debug.log, the peer is
   disconnected (Core's `MaybePunishNodeForBlock`, `IsBlockMutated`);
3. `headers` whose first header's parent is unknown: the node asks with `getheaders`
   and keeps the peer (Core's `HandleUnconnectingHeaders`);
4. `headers` with 2,001 entries (over `MAX_HEADERS_RESULTS`): the peer is disconnected;
5. throughout, the node keeps serving another peer.

    BITCOIND=target/debug/soud python3 p2p_blocks.py
    BITCOIND=~/.cache/bitcoind/bin/bitcoind python3 p2p_blocks.py
"""

import copy
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import p2p_util  # noqa: E402,F401  (writes config.ini)

from verystable.core.blocktools import create_block, create_coinbase, create_tx_with_script  # noqa: E402
from verystable.core.messages import (  # noqa: E402
    COIN,
    CBlockHeader,
    msg_block,
    MAX_HEADERS_RESULTS,
    msg_headers,
)
from verystable.core.p2p import P2PDataStore, P2PInterface, p2p_lock  # noqa: E402
from verystable.core.script import OP_TRUE  # noqa: E402
from verystable.core.test_framework import BitcoinTestFramework  # noqa: E402
from verystable.core.util import assert_equal  # noqa: E402


class P2PBlocksTest(BitcoinTestFramework):
    def set_test_params(self):
        self.num_nodes = 1
        self.setup_clean_chain = True

    def new_peer(self):
        """A P2PDataStore connected to the node, knowing every block sent so far."""
        # Filled before connecting, so that it answers the node's first getheaders:
        # Core sends no other getheaders to a peer for two minutes while one is
        # unanswered (MaybeSendGetHeaders).
        peer = P2PDataStore()
        peer.block_store = dict(self.store)
        if self.store:
            peer.last_block_hash = self.tip
        return self.nodes[0].add_p2p_connection(peer)

    def next_block(self, *, nValue=50, txlist=None):
        """A block on the current tip (not yet sent)."""
        block = create_block(self.tip, create_coinbase(self.height + 1, nValue=nValue),
                             self.block_time, txlist=txlist)
        self.block_time += 1
        block.solve()
        return block

    def build_chain(self, count):
        """`count` blocks in a row on the current tip (not yet sent; the tip stays)."""
        saved = (self.tip, self.height)
        blocks = []
        for _ in range(count):
            block = self.next_block()
            blocks.append(block)
            self.tip, self.height = block.sha256, self.height + 1
        self.tip, self.height = saved
        return blocks

    def accepted(self, blocks):
        for block in blocks:
            self.store[block.sha256] = block
        self.tip = blocks[-1].sha256
        self.height += len(blocks)

    def check_bystander(self):
        """The well-behaved peer still gets answers."""
        self.bystander.sync_with_ping(timeout=10)
        assert self.bystander.is_connected

    def send_bad_block(self, peer, block, *, logs):
        """Sends `block` unasked; it must be refused with `logs` in debug.log and the
        peer disconnected. Returns a fresh peer for the next step."""
        node = self.nodes[0]
        tip = node.getbestblockhash()
        with node.assert_debug_log(logs, timeout=5):
            peer.send_message(msg_block(block))
        assert_equal(node.getbestblockhash(), tip)
        # Core: Misbehaving, the inbound peer is disconnected (MaybePunishNodeForBlock
        # from BlockChecked, or 'mutated block' on IsBlockMutated).
        peer.wait_for_disconnect(timeout=10)
        self.check_bystander()
        return self.new_peer()

    def peer_id(self, peer):
        """The node's id for the connection of `peer` (getpeerinfo, by our address)."""
        sockname = peer._transport.get_extra_info("socket").getsockname()
        ours = f"{sockname[0]}:{sockname[1]}"
        return [p for p in self.nodes[0].getpeerinfo() if p["addr"] == ours][0]["id"]

    def run_test(self):
        node = self.nodes[0]
        self.store = {}
        self.tip = int(node.getbestblockhash(), 16)
        self.height = 0
        self.block_time = int(time.time()) - 2000
        self.bystander = node.add_p2p_connection(P2PInterface())
        peer = self.new_peer()

        self.log.info("A valid chain: headers announced, blocks asked for and accepted")
        blocks = self.build_chain(10)
        peer.send_blocks_and_test(blocks, node, success=True)
        self.accepted(blocks)
        assert_equal(node.getbestblockhash(), blocks[-1].hash)
        assert_equal(node.getblockcount(), 10)

        self.log.info("One more block, sent unasked (force_send): accepted")
        block = self.next_block()
        peer.send_blocks_and_test([block], node, success=True, force_send=True)
        self.accepted([block])

        self.log.info("Mature a coinbase: 100 more blocks by headers first")
        blocks = self.build_chain(100)
        peer.send_blocks_and_test(blocks, node, success=True)
        self.accepted(blocks)
        assert_equal(node.getblockcount(), 111)
        self.check_bystander()
        # The coinbase of block 1 pays 50 to OP_TRUE: spendable now.
        spendable = self.store[int(node.getblockhash(1), 16)].vtx[0]

        self.log.info("A coinbase paying too much: bad-cb-amount, peer disconnected")
        bad = self.next_block(nValue=100)
        peer = self.send_bad_block(
            peer, bad,
            # Core: "ConnectTip: ConnectBlock <hash> failed, bad-cb-amount, coinbase pays
            # too much (actual=10000000000 vs limit=5000000000)".
            logs=[f"ConnectTip: ConnectBlock {bad.hash} failed, bad-cb-amount, coinbase pays too much",
                  "(actual=10000000000 vs limit=5000000000)"])
        tips = {t["hash"]: t["status"] for t in node.getchaintips()}
        assert_equal(tips.get(bad.hash), "invalid")

        self.log.info("A transaction listed twice (CVE-2012-2459): bad-txns-duplicate")
        tx1 = create_tx_with_script(spendable, 0, script_sig=bytes([OP_TRUE]), amount=50 * COIN)
        tx2 = create_tx_with_script(tx1, 0, script_sig=bytes([OP_TRUE]), amount=50 * COIN)
        good = self.next_block(txlist=[tx1, tx2])
        dup = copy.deepcopy(good)
        dup.vtx.append(tx2)
        assert_equal(dup.calc_merkle_root(), good.hashMerkleRoot)
        dup.rehash()
        assert_equal(dup.hash, good.hash)
        peer = self.send_bad_block(
            peer, dup,
            # Core: "Block mutated: bad-txns-duplicate, duplicate transaction", then
            # "Received mutated block from peer=N", "Misbehaving: peer=N: mutated block".
            logs=["Block mutated: bad-txns-duplicate, duplicate transaction"])
        # The mutation says nothing of the block itself: the right one is accepted.
        peer.send_blocks_and_test([good], node, success=True, force_send=True)
        self.accepted([good])

        self.log.info("A wrong merkle root: bad-txnmrklroot, peer disconnected")
        bad = self.next_block()
        bad.hashMerkleRoot ^= 1
        bad.solve()
        peer = self.send_bad_block(
            peer, bad,
            # Core: "Block mutated: bad-txnmrklroot, hashMerkleRoot mismatch".
            logs=["Block mutated: bad-txnmrklroot, hashMerkleRoot mismatch"])

        self.log.info("Unconnected headers: the node asks for the missing ones, keeps the peer")
        orphan_parent, orphan = self.build_chain(2)
        with p2p_lock:
            peer.last_message.pop("getheaders", None)
        peer.send_message(msg_headers([CBlockHeader(orphan)]))
        peer.wait_for_getheaders(timeout=10)
        peer.sync_with_ping(timeout=10)
        assert peer.is_connected
        assert_equal(node.getbestblockhash(), self.store[self.tip].hash)
        # Once told the parent, the node takes both.
        peer.send_blocks_and_test([orphan_parent, orphan], node, success=True)
        self.accepted([orphan_parent, orphan])
        self.check_bystander()

        self.log.info("An oversized headers message (2,001): peer disconnected")
        saved_time = self.block_time
        headers = [CBlockHeader(b) for b in self.build_chain(MAX_HEADERS_RESULTS + 1)]
        self.block_time = saved_time

        peer_id = self.peer_id(peer)
        # Core: "Misbehaving: peer=N: headers message size = 2001".
        with node.assert_debug_log([f"Misbehaving: peer={peer_id}: headers message size = 2001"],
                                   timeout=10):
            peer.send_message(msg_headers(headers))
            peer.wait_for_disconnect(timeout=10)
        assert_equal(node.getbestblockhash(), self.store[self.tip].hash)

        self.log.info("A peer connected afterwards syncs normally; the bystander was served")
        self.check_bystander()
        peer = self.new_peer()
        block = self.next_block()
        peer.send_blocks_and_test([block], node, success=True)
        self.accepted([block])
        assert_equal(node.getblockcount(), self.height)


if __name__ == "__main__":
    P2PBlocksTest(__file__).main()
