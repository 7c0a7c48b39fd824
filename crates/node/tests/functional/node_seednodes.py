#!/usr/bin/env python3
"""Seed nodes: whom a node asks for addresses when it knows none, as bitcoind does.

A node that picks its own peers (no `-connect`) and finds its address manager empty asks
a `-seednode` for addresses: a short "addr-fetch" connection, closed once the addresses
came. If the manager holds addresses but none of them answers, it asks a seed node after
ten seconds. This script, with Bitcoin Core's functional framework, checks that soud:

1. without `-seednode`, asks nobody (no "adding seednode" line);
2. with an empty address manager, adds the seed node at once ("Empty addrman, adding
   seednode (...) to addrfetch");
3. with addresses that never answer, adds it after ten seconds ("Couldn't connect to
   peers from addrman after 10 seconds. Adding seednode (...) to addrfetch");
4. with a real node as its seed, opens an `addr-fetch` connection to it.

    BITCOIND=target/debug/soud python3 node_seednodes.py
    BITCOIND=~/.cache/bitcoind/bin/bitcoind python3 node_seednodes.py
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import p2p_util  # noqa: E402,F401  (writes config.ini)

from verystable.core.test_framework import BitcoinTestFramework  # noqa: E402
from verystable.core.util import p2p_port  # noqa: E402

EMPTY = "Empty addrman, adding seednode"
LATER = "Couldn't connect to peers from addrman after 10 seconds. Adding seednode"


class NodeSeedNodesTest(BitcoinTestFramework):
    def set_test_params(self):
        self.num_nodes = 2
        self.setup_clean_chain = True
        # No `connect=0`: the nodes pick their own peers.
        self.disable_autoconnect = False

    def setup_network(self):
        # Two nodes, not connected to each other.
        self.setup_nodes()

    def run_test(self):
        node = self.nodes[0]

        self.log.info("Without -seednode, nobody is asked")
        with node.assert_debug_log(expected_msgs=[], unexpected_msgs=[EMPTY, LATER], timeout=5):
            self.restart_node(0)

        self.log.info("An empty address manager asks the seed node at once")
        with node.assert_debug_log([f"{EMPTY} (0.0.0.1) to addrfetch"], timeout=10):
            self.restart_node(0, extra_args=["-seednode=0.0.0.1"])

        self.log.info("Addresses that never answer: the seed node after ten seconds")
        for i in range(5):
            node.addpeeraddress(f"{130 + i}.{20 + i}.1.1", 8333 + i)
        with node.assert_debug_log([f"{LATER} (0.0.0.2) to addrfetch"],
                                   unexpected_msgs=[EMPTY], timeout=25):
            self.restart_node(0, extra_args=["-seednode=0.0.0.2"])

        self.log.info("A real node as the seed: an addr-fetch connection to it")
        seed = f"127.0.0.1:{p2p_port(1)}"
        self.restart_node(0, extra_args=[f"-seednode={seed}"])
        self.wait_until(lambda: any(
            p["connection_type"] == "addr-fetch" and p["addr"] == seed
            for p in self.nodes[0].getpeerinfo()
        ), timeout=30)


if __name__ == "__main__":
    NodeSeedNodesTest(__file__).main()
