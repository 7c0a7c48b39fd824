#!/usr/bin/env python3
"""Anchors: the block-relay-only peers a node remembers across a clean restart.

An attacker who fills a node's address manager while it is down could choose all of its
peers at the next start. So at a clean shutdown a node that picks its own peers (no
`-connect`) writes the addresses of its block-relay-only peers to `anchors.dat`, at most
two, and at the next start it reads the file, deletes it, and tries those peers first.
This script, with Bitcoin Core's functional framework, checks that soud does so as
bitcoind does:

1. a fresh node has no `anchors.dat`; the start says "0 block-relay-only anchors will be
   tried for connections.";
2. with two block-relay-only peers and three inbound ones, a clean stop writes the file,
   which holds the two outbound addresses (127.0.0.1 and their ports) and none of the
   inbound ones;
3. the next start reads it ("Loaded 2 addresses from "anchors.dat"") and deletes it;
4. a node told whom to connect to (`-connect=0`) neither reads nor writes anchors: the
   file of the last stop stays as it was.

    BITCOIND=target/debug/soud python3 node_anchors.py
    BITCOIND=~/.cache/bitcoind/bin/bitcoind python3 node_anchors.py
"""

import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import p2p_util  # noqa: E402,F401  (writes config.ini)

from verystable.core.p2p import P2PInterface  # noqa: E402
from verystable.core.test_framework import BitcoinTestFramework  # noqa: E402
from verystable.core.util import assert_equal  # noqa: E402


def loopback_entry(port):
    """How an IPv4 loopback address with `port` reads inside the file: BIP155's network
    id 1, length 4, 127.0.0.1, then the port big-endian."""
    return bytes([1, 4, 127, 0, 0, 1]) + struct.pack(">H", port)


class NodeAnchorsTest(BitcoinTestFramework):
    def set_test_params(self):
        self.num_nodes = 1
        self.setup_clean_chain = True
        # No `connect=0` in bitcoin.conf: the node picks its own peers.
        self.disable_autoconnect = False

    def run_test(self):
        node = self.nodes[0]
        anchors = node.chain_path / "anchors.dat"

        self.log.info("A fresh node has no anchors")
        assert not os.path.exists(anchors)
        with open(node.debug_log_path, encoding="utf-8") as f:
            assert "0 block-relay-only anchors will be tried for connections." in f.read()

        self.log.info("Two block-relay-only peers and three inbound ones")
        for i in range(2):
            node.add_outbound_p2p_connection(
                P2PInterface(), p2p_idx=i, connection_type="block-relay-only")
        for _ in range(3):
            node.add_p2p_connection(P2PInterface())
        outbound, inbound = [], []
        for peer in node.getpeerinfo():
            port = int(peer["addr"].rsplit(":", 1)[1])
            if peer["connection_type"] == "block-relay-only":
                outbound.append(port)
            else:
                inbound.append(port)
        assert_equal((len(outbound), len(inbound)), (2, 3))

        self.log.info("A clean stop writes the outbound ones to anchors.dat")
        with node.assert_debug_log([
            "Flush 2 outbound block-relay-only peer addresses to anchors.dat started",
        ]):
            self.stop_node(0)
        with open(anchors, "rb") as f:
            data = f.read()
        for port in outbound:
            assert loopback_entry(port) in data
        for port in inbound:
            assert loopback_entry(port) not in data

        self.log.info("The next start reads the file and deletes it")
        with node.assert_debug_log([
            'Loaded 2 addresses from "anchors.dat"',
            "2 block-relay-only anchors will be tried for connections.",
        ]):
            self.start_node(0)
        self.wait_until(lambda: not os.path.exists(anchors))

        self.log.info("A node told whom to connect to neither reads nor writes anchors")
        node.add_outbound_p2p_connection(
            P2PInterface(), p2p_idx=5, connection_type="block-relay-only")
        self.stop_node(0)
        with open(anchors, "rb") as f:
            one = f.read()
        self.start_node(0, extra_args=["-connect=0"])
        node.add_outbound_p2p_connection(
            P2PInterface(), p2p_idx=6, connection_type="block-relay-only")
        with node.assert_debug_log([], unexpected_msgs=["DumpAnchors"]):
            self.stop_node(0)
        with open(anchors, "rb") as f:
            assert_equal(f.read(), one)


if __name__ == "__main__":
    NodeAnchorsTest(__file__).main()
