"""Serialise P2P messages with Bitcoin Core's functional test framework.

Run by vs_verystable.rs with the Python that has PyPI's `verystable` (Core's
test/functional/test_framework, ~v28). Builds the same messages as
tests/common/mod.rs, field by field, frames each for regtest with
P2PInterface.build_message, and prints one line per message: its name and the frame
in hex. The only input is the regtest genesis block in hex (argv[1]).
"""

import base64
import socket
import sys

from verystable.core.messages import (
    MSG_BLOCK, MSG_CMPCT_BLOCK, MSG_FILTERED_BLOCK, MSG_TX, MSG_WITNESS_FLAG, MSG_WTX,
    NODE_NETWORK, NODE_NETWORK_LIMITED, NODE_WITNESS,
    BlockTransactions, BlockTransactionsRequest, CAddress, CBlock, CBlockHeader, CInv,
    COutPoint, CTransaction, CTxIn, CTxInWitness, CTxOut, HeaderAndShortIDs,
    PrefilledTransaction, from_hex,
    msg_addr, msg_addrv2, msg_block, msg_blocktxn, msg_cmpctblock, msg_feefilter,
    msg_getaddr, msg_getblocks, msg_getblocktxn, msg_getdata, msg_getheaders,
    msg_headers, msg_inv, msg_mempool, msg_notfound, msg_ping, msg_pong, msg_sendaddrv2,
    msg_sendcmpct, msg_sendheaders, msg_sendtxrcncl, msg_tx, msg_verack, msg_version, msg_wtxidrelay,
)
from verystable.core.p2p import P2PInterface


def h(byte):
    """The uint256 whose 32 little-endian bytes are all `byte`."""
    return int.from_bytes(bytes([byte]) * 32, "little")


def segwit_tx():
    tx = CTransaction()
    tx.version = 2
    tx.vin = [CTxIn(COutPoint(h(0x11), 1), b"", 0xfffffffd)]
    tx.vout = [
        CTxOut(49_990_000, bytes([0x00, 0x14]) + b"\xab" * 20),
        CTxOut(10_000, bytes([0x6a, 0x01, 0x2a])),
    ]
    tx.wit.vtxinwit = [CTxInWitness()]
    tx.wit.vtxinwit[0].scriptWitness.stack = [b"\x30" * 71, b"\x02" * 33]
    tx.nLockTime = 101
    return tx


def legacy_tx():
    tx = CTransaction()
    tx.version = 1
    tx.vin = [CTxIn(COutPoint(h(0x22), 0), b"\x51", 0xffffffff)]
    tx.vout = [CTxOut(5_000_000_000, b"\x51")]
    tx.nLockTime = 0
    return tx


def header():
    hdr = CBlockHeader()
    hdr.nVersion = 0x20000000
    hdr.hashPrevBlock = h(0x33)
    hdr.hashMerkleRoot = h(0x44)
    hdr.nTime = 1_700_000_000
    hdr.nBits = 0x207fffff
    hdr.nNonce = 7
    return hdr


def v1_addr(time, services, ip, port):
    a = CAddress()
    a.time, a.nServices, a.ip, a.port = time, services, ip, port
    return a


def v2_addr(n, net, ip, port):
    a = CAddress()
    a.time = 1_700_000_000 + n
    a.nServices = NODE_NETWORK | NODE_WITNESS
    a.net, a.ip, a.port = net, ip, port
    return a


def messages(genesis_hex):
    genesis = from_hex(CBlock(), genesis_hex)
    services = NODE_NETWORK | NODE_WITNESS
    out = []

    version = msg_version()
    version.nVersion = 70016
    version.nServices = services
    version.nTime = 1_700_000_000
    version.addrTo = v1_addr(0, NODE_NETWORK, "127.0.0.1", 18444)
    version.addrFrom = v1_addr(0, services, "0.0.0.0", 0)
    version.nNonce = 0x0123456789abcdef
    version.strSubVer = "/sou:0.1.0/"
    version.nStartingHeight = 123
    version.relay = 1
    out.append(("version", version))
    out.append(("verack", msg_verack()))
    out.append(("wtxidrelay", msg_wtxidrelay()))
    out.append(("sendaddrv2", msg_sendaddrv2()))
    out.append(("sendheaders", msg_sendheaders()))
    out.append(("sendcmpct", msg_sendcmpct(announce=True, version=2)))
    out.append(("feefilter", msg_feefilter(1_000)))
    out.append(("ping", msg_ping(0x1122334455667788)))
    out.append(("pong", msg_pong(0x1122334455667788)))
    out.append(("inv", msg_inv([CInv(MSG_TX, h(1)), CInv(MSG_WTX, h(2)), CInv(MSG_BLOCK, h(3))])))
    out.append(("getdata", msg_getdata([
        CInv(MSG_TX | MSG_WITNESS_FLAG, h(4)),
        CInv(MSG_BLOCK | MSG_WITNESS_FLAG, h(5)),
        CInv(MSG_CMPCT_BLOCK, h(6)),
        CInv(MSG_FILTERED_BLOCK, h(7)),
    ])))
    out.append(("notfound", msg_notfound([CInv(MSG_WTX, h(8))])))
    getheaders = msg_getheaders()
    getheaders.locator.vHave = [h(9), h(10), h(11)]
    getheaders.hashstop = 0
    out.append(("getheaders", getheaders))
    getblocks = msg_getblocks()
    getblocks.locator.vHave = [h(12)]
    getblocks.hashstop = h(13)
    out.append(("getblocks", getblocks))
    out.append(("headers", msg_headers([CBlockHeader(genesis), header()])))
    out.append(("block", msg_block(genesis)))
    out.append(("tx", msg_tx(segwit_tx())))
    out.append(("addr", msg_addr()))
    out[-1][1].addrs = [
        v1_addr(1_700_000_001, services, "1.2.3.4", 8333),
        v1_addr(1_700_000_002, NODE_NETWORK_LIMITED | NODE_WITNESS, "203.0.113.9", 18444),
    ]
    addrv2 = msg_addrv2()
    # Tor v3: the 32-byte key, then a 2-byte checksum and the version byte, in base32;
    # the framework serialises only the key. I2P: the 32-byte hash, unpadded base32.
    onion = base64.b32encode(bytes([0x55]) * 32 + b"\0\0\x03").decode().lower() + ".onion"
    i2p = base64.b32encode(bytes([0x66]) * 32).decode().rstrip("=").lower() + ".b32.i2p"
    addrv2.addrs = [
        v2_addr(1, CAddress.NET_IPV4, "1.2.3.4", 8333),
        v2_addr(2, CAddress.NET_IPV6, "2001:db8::1", 8333),
        v2_addr(3, CAddress.NET_TORV3, onion, 9050),
        v2_addr(4, CAddress.NET_I2P, i2p, 0),
        v2_addr(5, CAddress.NET_CJDNS, "fc00::1", 8333),
    ]
    out.append(("addrv2", addrv2))
    out.append(("getaddr", msg_getaddr()))
    out.append(("mempool", msg_mempool()))
    compact = HeaderAndShortIDs()
    compact.header = header()
    compact.nonce = 0x0102030405060708
    compact.shortids = [1, 0x0000ffffffffffff]
    compact.prefilled_txn = [PrefilledTransaction(0, legacy_tx()), PrefilledTransaction(3, segwit_tx())]
    # Version 2 compact blocks (Core's only one) carry prefilled transactions with witnesses.
    compact.use_witness = True
    out.append(("cmpctblock", msg_cmpctblock(compact.to_p2p())))
    getblocktxn = msg_getblocktxn()
    getblocktxn.block_txn_request = BlockTransactionsRequest(h(14))
    getblocktxn.block_txn_request.from_absolute([1, 2, 5, 300])
    out.append(("getblocktxn", getblocktxn))
    blocktxn = msg_blocktxn()
    blocktxn.block_transactions = BlockTransactions(h(15), [segwit_tx(), legacy_tx()])
    out.append(("blocktxn", blocktxn))
    # A type sou does not know (BIP330's sendtxrcncl), kept by sou as raw bytes.
    unknown = msg_sendtxrcncl()
    unknown.version = 1
    unknown.salt = 0x0123456789abcdef
    out.append(("unknown", unknown))
    return out


def main():
    conn = P2PInterface()
    conn.peer_connect_helper("0", 0, "regtest", 1)
    for name, message in messages(sys.argv[1]):
        print(name, conn.build_message(message).hex())


if __name__ == "__main__":
    main()
