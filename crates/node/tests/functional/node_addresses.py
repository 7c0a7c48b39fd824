#!/usr/bin/env python3
"""The address manager on disk: `peers.dat`, driven by Bitcoin Core's functional framework.

A node remembers the addresses of other nodes across restarts in `peers.dat`, in a format
Core defines (its `AddrMan` serialisation between the network's magic and a double
SHA-256). This script checks that soud keeps, refuses and replaces that file exactly as
bitcoind does, with bitcoind's start-up messages:

1. addresses added with `addpeeraddress` (one of them marked tried) survive a restart;
2. a hand-made file of the oldest format still read (1, with no address in it) loads;
3. damaged files stop the start with "Invalid or corrupt peers.dat (...)", the reason
   being Core's: a compatibility byte below 32, a cut file, another network's magic, a
   wrong checksum, address counts out of range, a zero bucketing key;
4. a file from a future, incompatible format is moved to `peers.dat.bak` and a new one
   started;
5. a missing file is created again.

    BITCOIND=target/debug/soud python3 node_addresses.py
    BITCOIND=~/.cache/bitcoind/bin/bitcoind python3 node_addresses.py
"""

import os
import re
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import p2p_util  # noqa: E402,F401  (writes config.ini)

from verystable.core.messages import MAGIC_BYTES, hash256, ser_uint256  # noqa: E402
from verystable.core.test_framework import BitcoinTestFramework  # noqa: E402
from verystable.core.test_node import ErrorMatch  # noqa: E402
from verystable.core.util import assert_equal  # noqa: E402

# Core's address tables: 1,024 "new" buckets and 256 "tried" ones, 64 places each.
NEW_PLACES = 1024 * 64
TRIED_PLACES = 256 * 64


def peers_file(*, fmt=1, lowest=1, magic="regtest", key=7, new_count=0, tried_count=0,
               buckets=1024, cut=0, checksum=None):
    """An address manager holding no address, in the file format `fmt`, altered as asked."""
    body = MAGIC_BYTES[magic]
    body += struct.pack("<BB", fmt, (32 + lowest) % 256)
    body += ser_uint256(key)
    body += struct.pack("<iii", new_count, tried_count, buckets ^ (1 << 30))
    body += struct.pack("<i", 0) * buckets  # every bucket empty
    data = body + (checksum or hash256(body))
    return data[:len(data) - cut]


class NodeAddressesTest(BitcoinTestFramework):
    def set_test_params(self):
        self.num_nodes = 1
        self.setup_clean_chain = True

    def refused(self, reason):
        """Starts the node on the file in place, expecting Core's message for `reason` (a
        regular expression)."""
        path = re.escape(str(self.peers_dat))
        self.nodes[0].assert_start_raises_init_error(
            expected_msg=(
                f"Error: Invalid or corrupt peers.dat \\({reason}\\). If you believe this is a "
                "bug, please report it to .+\\. As a workaround, you can move the file "
                f"\\(\"{path}\"\\) out of the way \\(rename, move, or delete\\) to have a new "
                "one created on the next start."
            ),
            match=ErrorMatch.FULL_REGEX,
        )

    def write(self, data):
        with open(self.peers_dat, "wb") as f:
            f.write(data)

    def run_test(self):
        node = self.nodes[0]
        self.peers_dat = node.chain_path / "peers.dat"

        self.log.info("Addresses added by hand survive a restart")
        added = [("8.8.8.8", 8333, False), ("9.9.9.9", 18444, True), ("2a01:4f8::1", 8333, False)]
        for address, port, tried in added:
            assert_equal(node.addpeeraddress(address, port, tried), {"success": True})
        before = sorted(node.getnodeaddresses(0), key=lambda a: (a["address"], a["port"]))
        assert_equal(len(before), 3)
        with node.assert_debug_log(["Loaded 3 addresses from peers.dat"]):
            self.restart_node(0)
        after = sorted(self.nodes[0].getnodeaddresses(0), key=lambda a: (a["address"], a["port"]))
        assert_equal(after, before)

        self.log.info("A file of the oldest readable format, with no address, loads")
        self.stop_node(0)
        self.write(peers_file())
        with self.nodes[0].assert_debug_log(["Loaded 0 addresses from peers.dat"]):
            self.start_node(0)
        assert_equal(self.nodes[0].getnodeaddresses(0), [])
        self.stop_node(0)

        self.log.info("Damaged files stop the start, each with Core's reason")
        damaged = [
            (peers_file(lowest=-32),
             "Corrupted addrman database: The compat value \\(0\\) is lower than the "
             "expected minimum value 32.: .+"),
            (peers_file(cut=1), "AutoFile::read: end of file.*"),
            (peers_file(magic="mainnet"), "Invalid network magic number"),
            (peers_file(checksum=b"\x5a" * 32), "Checksum mismatch, data corrupted"),
            (peers_file(tried_count=-1),
             f"Corrupt AddrMan serialization: nTried=-1, should be in \\[0, {TRIED_PLACES}\\]:.*"),
            (peers_file(new_count=NEW_PLACES + 1),
             f"Corrupt AddrMan serialization: nNew={NEW_PLACES + 1}, should be in "
             f"\\[0, {NEW_PLACES}\\]:.*"),
            (peers_file(key=0), "Corrupt data. Consistency check failed with code -16: .*"),
        ]
        for data, reason in damaged:
            self.write(data)
            self.refused(reason)
            # The file is left as it was, for its owner to look at.
            with open(self.peers_dat, "rb") as f:
                assert_equal(f.read(), data)

        self.log.info("A file of a future format is set aside, and a new one begun")
        future = peers_file(fmt=9, lowest=9)
        self.write(future)
        backup = str(self.peers_dat) + ".bak"
        assert not os.path.exists(backup)
        with self.nodes[0].assert_debug_log([
            f'Creating new peers.dat because the file version was not compatible ("{self.peers_dat}"). '
            "Original backed up to peers.dat.bak",
        ]):
            self.start_node(0)
        assert_equal(self.nodes[0].getnodeaddresses(0), [])
        with open(backup, "rb") as f:
            assert_equal(f.read(), future)
        self.stop_node(0)

        self.log.info("A missing file is created again")
        os.remove(self.peers_dat)
        with self.nodes[0].assert_debug_log([
            f'Creating peers.dat because the file was not found ("{self.peers_dat}")',
        ]):
            self.start_node(0)
        assert os.path.exists(self.peers_dat)
        assert_equal(self.nodes[0].getnodeaddresses(0), [])


if __name__ == "__main__":
    NodeAddressesTest(__file__).main()
