"""The framework's usual set-up, unchanged: a cached 199-block chain, then one block more.

Most of Core's functional tests do not start from an empty chain: the framework mines a
199-block chain once (`setup_clean_chain = False`), caches the data directory, copies it
for each test, starts the node on the copy and mines one block with the current time.
That path restarts the node on a directory another run wrote, waits for it with
`getmempoolinfo`, and syncs with `getrawmempool` and `getbestblockhash`. This test walks
soud through it with no override of the framework, then mines and reorganises a little.

    BITCOIND=target/debug/soud python3 cached_chain.py
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from node_basics import BURN_ADDRESS  # noqa: E402  (also writes the framework's config.ini)

from verystable.core.test_framework import BitcoinTestFramework  # noqa: E402
from verystable.core.util import assert_equal  # noqa: E402


class CachedChainTest(BitcoinTestFramework):
    def set_test_params(self):
        self.num_nodes = 1
        # The framework's default: start from its cached chain.
        self.setup_clean_chain = False

    def run_test(self):
        node = self.nodes[0]
        self.log.info("The cached chain (199 blocks) plus the framework's fresh block")
        assert_equal(node.getblockcount(), 200)
        assert_equal(node.getblockchaininfo()["initialblockdownload"], False)

        self.log.info("The framework's generate (generatetoaddress, then sync_all)")
        hashes = self.generate(node, 5)
        assert_equal(node.getblockcount(), 205)
        assert_equal(node.getbestblockhash(), hashes[-1])

        self.log.info("A small reorg: invalidate two blocks, mine three on the other side")
        node.invalidateblock(hashes[-2])
        assert_equal(node.getblockcount(), 203)
        branch = node.generatetoaddress(3, BURN_ADDRESS, invalid_call=False)
        assert_equal(node.getbestblockhash(), branch[-1])
        node.reconsiderblock(hashes[-2])
        # The other branch has more work (206 > 205): it stays active.
        assert_equal(node.getbestblockhash(), branch[-1])
        assert_equal(node.getblockcount(), 206)


if __name__ == "__main__":
    CachedChainTest(__file__).main()
