#!/usr/bin/env python3
"""A node's first steps, driven by Bitcoin Core's own functional test framework.

Core's functional tests start `bitcoind` as a child process, talk to it over JSON-RPC and
read its data directory. `soud` claims to be a drop-in for `bitcoind` on regtest, so the
same framework should drive it unchanged. This test uses the framework as PyPI's
`verystable` package ships it (Core ~v28, as `verystable.core`) and walks a node through:

1. start on an empty regtest data directory (the framework writes `bitcoin.conf`);
2. mine 101 blocks with `generatetoaddress` and read `getblockchaininfo`;
3. `invalidateblock` the tip, then a block deeper down, and `reconsiderblock` both;
4. restart the node (`stop_node`, `start_node`): the tip, and a block marked invalid,
   survive on disk;
5. stop.

Run it against any binary with the command line of `bitcoind`:

    BITCOIND=target/debug/soud python3 node_basics.py
    BITCOIND=~/.cache/bitcoind/bin/bitcoind python3 node_basics.py

The framework wants a `config.ini` (written by Core's build); when none is given with
`--configfile`, a minimal one is written to a temporary file. See README.md beside this
file.
"""

import atexit
import os
import sys
import tempfile

# Keys of Core's test/config.ini.in that the v28 framework reads. No wallet, no
# bitcoin-cli: the test talks to the node over RPC only.
CONFIG_INI = """\
[environment]
CLIENT_NAME=Bitcoin Core
CLIENT_BUGREPORT=https://github.com/bitcoin/bitcoin/issues
PACKAGE_BUGREPORT=https://github.com/bitcoin/bitcoin/issues
SRCDIR={here}
BUILDDIR={here}
EXEEXT=

[components]
ENABLE_WALLET=false
ENABLE_CLI=false
ENABLE_BITCOIN_UTIL=false
ENABLE_WALLET_TOOL=false
ENABLE_EXTERNAL_SIGNER=false
ENABLE_ZMQ=false
ENABLE_USDT_TRACEPOINTS=false
USE_SQLITE=false
USE_BDB=false
"""


def _ensure_configfile():
    """Points the framework at a config.ini unless the command line names one."""
    if any(arg.startswith("--configfile") for arg in sys.argv[1:]):
        return
    handle, path = tempfile.mkstemp(prefix="sou_functional_", suffix=".ini")
    with os.fdopen(handle, "w", encoding="utf8") as f:
        f.write(CONFIG_INI.format(here=os.path.dirname(os.path.abspath(__file__))))
    atexit.register(os.remove, path)
    sys.argv.append(f"--configfile={path}")


_ensure_configfile()

from verystable.core.address import (  # noqa: E402
    ADDRESS_BCRT1_P2WSH_OP_TRUE,
    ADDRESS_BCRT1_UNSPENDABLE,
)
from verystable.core.test_framework import BitcoinTestFramework  # noqa: E402
from verystable.core.util import assert_equal, assert_raises_rpc_error  # noqa: E402

# A witness program of zeros (nobody can spend it), and P2WSH of OP_TRUE (anybody can):
# two payouts, so that a competing branch gets blocks of its own.
BURN_ADDRESS = ADDRESS_BCRT1_UNSPENDABLE
OTHER_ADDRESS = ADDRESS_BCRT1_P2WSH_OP_TRUE


class NodeBasicsTest(BitcoinTestFramework):
    def set_test_params(self):
        self.num_nodes = 1
        self.setup_clean_chain = True

    def run_test(self):
        node = self.nodes[0]

        self.log.info("The framework's own start-up waited on getmempoolinfo: an empty pool")
        assert_equal(node.getmempoolinfo()["loaded"], True)
        assert_equal(node.getrawmempool(), [])

        self.log.info("A fresh regtest node holds only the genesis block")
        info = node.getblockchaininfo()
        assert_equal(info["chain"], "regtest")
        assert_equal(info["blocks"], 0)
        assert_equal(info["headers"], 0)
        genesis = node.getblockhash(0)
        assert_equal(info["bestblockhash"], genesis)
        # Regtest's genesis block (Core's chainparams.cpp, CRegTestParams).
        assert_equal(genesis, "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206")

        self.log.info("Mine 101 blocks: the first coinbase matures")
        hashes = node.generatetoaddress(101, BURN_ADDRESS, invalid_call=False)
        assert_equal(len(hashes), 101)
        assert_equal(len(set(hashes)), 101)
        info = node.getblockchaininfo()
        assert_equal(info["blocks"], 101)
        assert_equal(info["headers"], 101)
        assert_equal(info["bestblockhash"], hashes[-1])
        assert_equal(info["initialblockdownload"], False)
        assert_equal(info["pruned"], False)
        assert_equal(node.getblockcount(), 101)
        assert_equal(node.getbestblockhash(), hashes[-1])
        for height in (1, 50, 101):
            assert_equal(node.getblockhash(height), hashes[height - 1])
            block = node.getblock(hashes[height - 1])
            assert_equal(block["height"], height)
            assert_equal(block["confirmations"], 102 - height)
        # 50 BTC until the first halving at 150 on regtest: 101 coinbases in the UTXO set.
        txouts = node.gettxoutsetinfo()
        assert_equal(txouts["height"], 101)
        assert_equal(txouts["txouts"], 101)
        assert_equal(txouts["total_amount"], 101 * 50)
        assert_raises_rpc_error(-8, "Block height out of range", node.getblockhash, 102)

        self.log.info("invalidateblock on the tip steps back one block")
        tip = hashes[-1]
        node.invalidateblock(tip)
        assert_equal(node.getblockcount(), 100)
        assert_equal(node.getbestblockhash(), hashes[-2])
        tips = {t["hash"]: t for t in node.getchaintips()}
        assert_equal(tips[tip]["status"], "invalid")
        assert_equal(tips[tip]["height"], 101)
        assert_equal(tips[hashes[-2]]["status"], "active")
        assert_equal(node.getblock(tip)["confirmations"], -1)

        self.log.info("reconsiderblock brings it back")
        node.reconsiderblock(tip)
        assert_equal(node.getbestblockhash(), tip)
        assert_equal(node.getblockcount(), 101)
        assert_equal([t["status"] for t in node.getchaintips()], ["active"])

        self.log.info("Invalidate deeper, mine a shorter branch, reconsider: the longer chain wins")
        fork_point = hashes[89]  # height 90
        node.invalidateblock(fork_point)
        assert_equal(node.getblockcount(), 89)
        branch = node.generatetoaddress(3, OTHER_ADDRESS, invalid_call=False)
        assert_equal(node.getblockcount(), 92)
        assert_equal(node.getbestblockhash(), branch[-1])
        tips = {t["hash"]: t for t in node.getchaintips()}
        assert_equal(tips[tip]["status"], "invalid")
        assert_equal(tips[branch[-1]]["status"], "active")
        assert_equal(tips[branch[-1]]["branchlen"], 0)
        node.reconsiderblock(fork_point)
        assert_equal(node.getbestblockhash(), tip)
        assert_equal(node.getblockcount(), 101)
        tips = {t["hash"]: t for t in node.getchaintips()}
        assert_equal(tips[branch[-1]]["status"], "valid-fork")
        assert_equal(tips[branch[-1]]["height"], 92)
        assert_equal(tips[branch[-1]]["branchlen"], 3)
        assert_equal(node.getblock(branch[0])["confirmations"], -1)

        self.log.info("Mark the tip invalid again, then restart the node")
        node.invalidateblock(tip)
        before = node.getblockchaininfo()
        assert_equal(before["blocks"], 100)
        self.restart_node(0)
        node = self.nodes[0]

        self.log.info("The tip, and the block marked invalid, survive the restart")
        after = node.getblockchaininfo()
        for field in ("chain", "blocks", "headers", "bestblockhash", "chainwork",
                      "difficulty", "time", "mediantime"):
            assert_equal(after[field], before[field])
        tips = {t["hash"]: t for t in node.getchaintips()}
        assert_equal(tips[tip]["status"], "invalid")
        assert_equal(tips[branch[-1]]["status"], "valid-fork")
        node.reconsiderblock(tip)
        assert_equal(node.getbestblockhash(), tip)
        assert_equal(node.gettxoutsetinfo()["txouts"], 101)

        self.log.info("Restart once more: the reconsidered tip is kept")
        self.stop_node(0)
        self.start_node(0)
        node = self.nodes[0]
        assert_equal(node.getbestblockhash(), tip)
        assert_equal(node.getblockcount(), 101)
        assert_equal(node.getblockchaininfo()["headers"], 101)


if __name__ == "__main__":
    NodeBasicsTest(__file__).main()
