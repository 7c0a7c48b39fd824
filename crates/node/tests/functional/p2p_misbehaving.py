#!/usr/bin/env python3
"""Hostile peers, as Core's p2p_invalid_messages.py and p2p_timeouts.py send them.

Each misbehaving peer is dropped or ignored as Core does, and throughout a well-behaved
peer (the bystander) keeps getting answers: `pong` to its `ping`, `headers` to its
`getheaders`.

1. garbage bytes instead of a `version`: disconnected;
2. a frame with another network's magic: disconnected ("Header error: Wrong
   MessageStart");
3. a frame with a bad checksum: that message dropped, the connection stays ("Header
   error: Wrong checksum");
4. a frame declaring 4,000,001 bytes (over `MAX_PROTOCOL_MESSAGE_LENGTH`): disconnected
   ("Header error: Size too large");
5. `inv` with 50,000 entries (`MAX_INV_SZ`): served as usual, at most 5,000 of them
   asked for (`MAX_PEER_TX_ANNOUNCEMENTS`); 50,001: `Misbehaving`, disconnected;
6. `addr` with 1,000 entries (`MAX_ADDR_TO_SEND`): kept; 1,001: disconnected;
7. with `-peertimeout=3`, a peer that sends nothing, and one that sends `version` but
   never `verack`: both disconnected after the timeout.

    BITCOIND=target/debug/soud python3 p2p_misbehaving.py
    BITCOIND=~/.cache/bitcoind/bin/bitcoind python3 p2p_misbehaving.py
"""

import hashlib
import os
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import p2p_util  # noqa: E402,F401  (writes the framework's config.ini)

from verystable.core.messages import (  # noqa: E402
    CAddress,
    MSG_WTX,
    msg_addr,
    msg_getheaders,
    msg_ping,
    ser_compact_size,
    ser_string,
)
from verystable.core.p2p import P2PInterface, p2p_lock  # noqa: E402
from verystable.core.test_framework import BitcoinTestFramework  # noqa: E402
from verystable.core.util import assert_equal  # noqa: E402
from node_basics import BURN_ADDRESS  # noqa: E402

MAX_INV_SZ = 50_000
MAX_ADDR_TO_SEND = 1_000
MAX_PROTOCOL_MESSAGE_LENGTH = 4_000_000
MAX_PEER_TX_ANNOUNCEMENTS = 5_000


class msg_unrecognized:
    """A message type no node knows (as Core's p2p_invalid_messages.py)."""
    msgtype = b"badmsg"

    def __init__(self, *, str_data):
        self.str_data = str_data.encode() if not isinstance(str_data, bytes) else str_data

    def serialize(self):
        return ser_string(self.str_data)

    def __repr__(self):
        return "{}(data={})".format(self.msgtype, self.str_data)


def raw_inv(peer, count):
    """The frame of an `inv` of `count` distinct MSG_WTX entries: the bytes of
    `peer.build_message(msg_inv([CInv(MSG_WTX, 0x1000 + i) for i in range(count)]))`,
    made without the framework's per-entry serialization, which takes some twenty
    seconds for 50,000 entries while the network thread runs."""
    kind = struct.pack("<I", MSG_WTX)
    payload = ser_compact_size(count) + b"".join(
        kind + (0x1000 + i).to_bytes(32, "little") for i in range(count))
    checksum = hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    return (peer.magic_bytes + b"inv".ljust(12, b"\x00") + len(payload).to_bytes(4, "little")
            + checksum + payload)


class CountingPeer(P2PInterface):
    """Counts the inventory the node asks it for."""

    def __init__(self):
        super().__init__()
        self.requested = 0
        self.getdata_count = 0

    def on_getdata(self, message):
        self.requested += len(message.inv)
        self.getdata_count += 1


class NoVerackPeer(P2PInterface):
    """Sends its version and never a verack (Core's p2p_timeouts.py)."""

    def on_version(self, message):
        pass


class P2PMisbehavingTest(BitcoinTestFramework):
    def set_test_params(self):
        self.num_nodes = 1
        self.setup_clean_chain = True

    def check_bystander(self):
        """The well-behaved peer gets a pong and the node's headers."""
        peer = self.bystander
        with p2p_lock:
            peer.last_message.pop("headers", None)
        request = msg_getheaders()
        request.locator.vHave = [self.genesis]
        peer.send_message(request)
        peer.wait_until(lambda: "headers" in peer.last_message
                        and len(peer.last_message["headers"].headers) == self.height, timeout=10)
        peer.sync_with_ping(timeout=10)

    def peer_id(self, peer):
        sockname = peer._transport.get_extra_info("socket").getsockname()
        ours = f"{sockname[0]}:{sockname[1]}"
        return [p for p in self.nodes[0].getpeerinfo() if p["addr"] == ours][0]["id"]

    def logged(self, text):
        with open(self.nodes[0].debug_log_path, encoding="utf-8", errors="replace") as f:
            assert text in f.read(), f"'{text}' not in debug.log"

    def run_test(self):
        node = self.nodes[0]
        self.genesis = int(node.getbestblockhash(), 16)
        self.height = 5
        self.generatetoaddress(node, self.height, BURN_ADDRESS)
        self.bystander = node.add_p2p_connection(P2PInterface())
        self.check_bystander()

        self.log.info("Garbage bytes instead of a version: disconnected")
        peer = node.add_p2p_connection(P2PInterface(), send_version=False, wait_for_verack=False)
        with node.assert_debug_log(["Header error: "]):
            peer.send_raw_message(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" + bytes(range(64)))
            peer.wait_for_disconnect(timeout=10)
        self.check_bystander()

        self.log.info("Another network's magic: disconnected")
        peer = node.add_p2p_connection(P2PInterface())
        peer_id = self.peer_id(peer)
        frame = peer.build_message(msg_unrecognized(str_data="d"))
        with node.assert_debug_log(["Header error: "]):
            peer.send_raw_message(b"\xff" * 4 + frame[4:])
            peer.wait_for_disconnect(timeout=10)
        line = f"Header error: Wrong MessageStart ffffffff received, peer={peer_id}"
        self.logged(line)
        self.check_bystander()

        self.log.info("A bad checksum: the message is dropped, the connection stays")
        peer = node.add_p2p_connection(P2PInterface())
        peer_id = self.peer_id(peer)
        # A ping whose checksum is wrong must not be answered.
        frame = peer.build_message(msg_ping(nonce=0xdead))
        frame = frame[:20] + b"\xff" * 4 + frame[24:]
        peer.send_raw_message(frame)
        peer.sync_with_ping(timeout=10)
        with p2p_lock:
            assert peer.last_message["pong"].nonce != 0xdead
        # Core's own case: "Header error: Wrong checksum (badmsg, 2 bytes), expected
        # 78df0a04 was ffffffff".
        frame = peer.build_message(msg_unrecognized(str_data="d"))
        frame = frame[:20] + b"\xff" * 4 + frame[24:]
        peer.send_raw_message(frame)
        peer.sync_with_ping(timeout=10)
        assert peer.is_connected
        line = f"Header error: Wrong checksum (badmsg, 2 bytes), expected 78df0a04 was ffffffff, peer={peer_id}"
        self.logged(line)
        peer.peer_disconnect()
        peer.wait_for_disconnect()
        self.check_bystander()

        self.log.info("An oversized frame (4,000,001 bytes declared): disconnected")
        peer = node.add_p2p_connection(P2PInterface())
        peer_id = self.peer_id(peer)
        frame = peer.build_message(msg_unrecognized(str_data="d"))
        # Only the header and a little of the payload: the size alone condemns it.
        frame = frame[:16] + (MAX_PROTOCOL_MESSAGE_LENGTH + 1).to_bytes(4, "little") + frame[20:]
        with node.assert_debug_log(["Header error: "]):
            peer.send_raw_message(frame + b"\x00" * 1000)
            peer.wait_for_disconnect(timeout=10)
        line = f"Header error: Size too large (badmsg, 4000001 bytes), peer={peer_id}"
        self.logged(line)
        self.check_bystander()

        self.log.info("inv with 50,000 entries (MAX_INV_SZ): the connection stays")
        peer = node.add_p2p_connection(CountingPeer())
        peer.send_raw_message(raw_inv(peer, MAX_INV_SZ))
        peer.sync_with_ping(timeout=30)
        assert peer.is_connected
        self.check_bystander()
        # Core asks for them after a delay (2 s for an inbound peer), a thousand per
        # getdata, and tracks at most MAX_PEER_TX_ANNOUNCEMENTS of one peer.
        peer.wait_until(lambda: peer.requested > 0, timeout=10)
        peer.sync_with_ping(timeout=10)

        # At most MAX_PEER_TX_ANNOUNCEMENTS, in getdata of 1,000 (MAX_GETDATA_SZ).
        assert peer.requested <= MAX_PEER_TX_ANNOUNCEMENTS, \
            f"{peer.requested} transactions asked for in {peer.getdata_count} getdata"

        self.log.info("inv with 50,001 entries: Misbehaving, disconnected")
        peer_id = self.peer_id(peer)

        # Core: "Misbehaving: peer=N: inv message size = 50001".
        with node.assert_debug_log([f"Misbehaving: peer={peer_id}: inv message size = 50001"],
                                   timeout=10):
            peer.send_raw_message(raw_inv(peer, MAX_INV_SZ + 1))
            peer.wait_for_disconnect(timeout=10)
        self.check_bystander()

        self.log.info("addr with 1,000 entries (MAX_ADDR_TO_SEND): kept; 1,001: disconnected")
        peer = node.add_p2p_connection(P2PInterface())
        peer_id = self.peer_id(peer)

        def addrs(count):
            message = msg_addr()
            for i in range(count):
                addr = CAddress()
                addr.time = int(time.time())
                addr.nServices = 1 | 8  # NODE_NETWORK | NODE_WITNESS
                addr.ip = f"123.{(i >> 16) & 0xff}.{(i >> 8) & 0xff}.{i & 0xff}"
                addr.port = 8333
                message.addrs.append(addr)
            return message
        peer.send_and_ping(addrs(MAX_ADDR_TO_SEND), timeout=10)
        assert peer.is_connected

        # Core: "Misbehaving: peer=N: addr message size = 1001".
        with node.assert_debug_log([f"Misbehaving: peer={peer_id}: addr message size = 1001"],
                                   timeout=10):
            peer.send_message(addrs(MAX_ADDR_TO_SEND + 1))
            peer.wait_for_disconnect(timeout=10)
        self.check_bystander()

        self.log.info("-peertimeout=3: peers that never finish the handshake are dropped")
        self.restart_node(0, extra_args=["-peertimeout=3"])
        node = self.nodes[0]
        silent = node.add_p2p_connection(P2PInterface(), send_version=False, wait_for_verack=False)
        no_verack = node.add_p2p_connection(NoVerackPeer(), wait_for_verack=False)
        self.bystander = node.add_p2p_connection(P2PInterface())
        no_verack.wait_until(lambda: "version" in no_verack.last_message, timeout=10)
        # The node's ids, in the order of connection.
        ids = sorted(p["id"] for p in node.getpeerinfo())
        silent_id, no_verack_id = ids[0], ids[1]
        with node.assert_debug_log([f"version handshake timeout, disconnecting peer={no_verack_id}"],
                                   timeout=15):
            silent.wait_for_disconnect(timeout=15)
            no_verack.wait_for_disconnect(timeout=15)
        line = (f"socket no message in first 3 seconds, never received from peer, never sent "
                f"to peer, disconnecting peer={silent_id}")
        self.logged(line)
        self.check_bystander()
        assert_equal(len(node.getpeerinfo()), 1)


if __name__ == "__main__":
    P2PMisbehavingTest(__file__).main()
