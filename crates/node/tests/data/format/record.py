#!/usr/bin/env python3
"""Records bitcoind's RPC answers that crates/node/tests/format.rs compares sou against.

Starts a throw-away regtest bitcoind, feeds it the regtest chain of testdata/blocks,
asks it to describe blocks, headers, transactions, scripts and descriptors, writes each
answer verbatim (bitcoind's own JSON text, numbers untouched) into the JSON files next to
this script, and stops bitcoind whatever happens.

Usage: record.py [BIN_DIR]   (default ~/.cache/bitcoind/bin, holding bitcoind and bitcoin-cli)
"""

import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "../../../../.."))
BLOCKS = os.path.join(REPO, "testdata/blocks")
BIN = os.path.expanduser(sys.argv[1] if len(sys.argv) > 1 else "~/.cache/bitcoind/bin")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Node:
    def __init__(self):
        self.datadir = tempfile.mkdtemp(prefix="sou-format-")
        self.rpcport = free_port()
        self.port = free_port()
        self.auth = ["-rpcuser=sou", "-rpcpassword=sou"]
        self.proc = subprocess.Popen(
            [os.path.join(BIN, "bitcoind"), "-regtest", "-datadir=" + self.datadir,
             "-rpcport=%d" % self.rpcport, "-port=%d" % self.port, "-listen=0",
             "-printtoconsole=0", "-disablewallet"] + self.auth,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.cli_raw("-rpcwait", "getblockcount")

    def cli_raw(self, *args, check=True):
        """Runs bitcoin-cli; returns (exit code, stdout text, stderr text)."""
        p = subprocess.run(
            [os.path.join(BIN, "bitcoin-cli"), "-regtest", "-datadir=" + self.datadir,
             "-rpcport=%d" % self.rpcport] + self.auth + list(args),
            capture_output=True, text=True)
        if check and p.returncode != 0:
            raise RuntimeError("bitcoin-cli %s: %s" % (" ".join(args), p.stderr))
        return p.returncode, p.stdout.strip(), p.stderr.strip()

    def text(self, *args):
        """The result's JSON text exactly as bitcoind wrote it (strings get quoted)."""
        _, out, _ = self.cli_raw(*args)
        try:
            json.loads(out)
            return out
        except ValueError:
            return json.dumps(out)

    def json(self, *args):
        return json.loads(self.text(*args))

    def error(self, *args):
        """For a call expected to fail: its error code and message, else None."""
        status, _, err = self.cli_raw(*args, check=False)
        if status == 0:
            return None
        # bitcoin-cli prints "error code: N\nerror message:\nMESSAGE" (stripped here).
        head, _, message = err.partition("error message:")
        return {"code": int(head.split("error code:")[1]), "message": message.lstrip("\n")}

    def stop(self):
        try:
            self.cli_raw("stop", check=False)
            self.proc.wait(timeout=60)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            shutil.rmtree(self.datadir, ignore_errors=True)


def write_cases(name, cases):
    """Writes [{...fields..., "result": <raw JSON text>}] keeping bitcoind's text."""
    lines = []
    for case in cases:
        fields = ['"%s": %s' % (k, json.dumps(v)) for k, v in case.items() if k != "result"]
        if "result" in case:
            fields.append('"result": %s' % case["result"])
        lines.append("  {" + ", ".join(fields) + "}")
    with open(os.path.join(HERE, name), "w") as f:
        f.write("[\n" + ",\n".join(lines) + "\n]\n")
    print("%s: %d cases" % (name, len(cases)))


# --- small helpers to build scripts and transactions -------------------------------------

def push(data):
    n = len(data)
    if n < 0x4c:
        return bytes([n]) + data
    if n <= 0xff:
        return bytes([0x4c, n]) + data
    return bytes([0x4d]) + n.to_bytes(2, "little") + data


def compact(n):
    if n < 0xfd:
        return bytes([n])
    return bytes([0xfd]) + n.to_bytes(2, "little")


def tx_bytes(inputs, outputs, version=2, locktime=0):
    """inputs: [(txid_hex, vout, script_sig, sequence)], outputs: [(sat, script)]."""
    out = version.to_bytes(4, "little") + compact(len(inputs))
    for txid, vout, script_sig, sequence in inputs:
        out += bytes.fromhex(txid)[::-1] + vout.to_bytes(4, "little")
        out += compact(len(script_sig)) + script_sig + sequence.to_bytes(4, "little")
    out += compact(len(outputs))
    for sat, script in outputs:
        out += sat.to_bytes(8, "little", signed=True) + compact(len(script)) + script
    return out + locktime.to_bytes(4, "little")


B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def wif(secret, compressed=True):
    payload = bytes([0xef]) + secret.to_bytes(32, "big") + (b"\x01" if compressed else b"")
    data = payload + hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    n = int.from_bytes(data, "big")
    s = ""
    while n:
        n, r = divmod(n, 58)
        s = B58[r] + s
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + s


def record(node):
    blocks_main = open(os.path.join(BLOCKS, "regtest_main_1-102.hex")).read().split()
    blocks_fork = open(os.path.join(BLOCKS, "regtest_fork_101-103.hex")).read().split()
    for b in blocks_main:
        node.cli_raw("submitblock", b)
    assert node.json("getblockcount") == 102

    block_cases, header_cases, tx_cases = [], [], []
    seen_txs = set()

    def record_block(label, height=None, blockhash=None):
        blockhash = blockhash or node.json("getblockhash", str(height))
        for verbosity in range(4):
            block_cases.append({"label": label, "hash": blockhash, "verbosity": verbosity,
                                "result": node.text("getblock", blockhash, str(verbosity))})
        header_cases.append({"label": label, "hash": blockhash,
                             "result": node.text("getblockheader", blockhash, "true")})
        for tx in node.json("getblock", blockhash, "2")["tx"]:
            if tx["hex"] not in seen_txs:
                seen_txs.add(tx["hex"])
                tx_cases.append({"label": label + " tx " + tx["txid"], "hex": tx["hex"],
                                 "result": node.text("decoderawtransaction", tx["hex"])})

    for h in [0, 1, 2, 50, 100, 101, 102]:
        record_block("main %d" % h, height=h)
    stale = {h: node.json("getblockhash", str(h)) for h in (101, 102)}

    # --- keys and the scripts they lock ---------------------------------------------------
    def pubkey(w):
        d = node.json("getdescriptorinfo", "pk(%s)" % w)["descriptor"]
        return d[3:d.index(")")]

    k = [wif(s) for s in (1, 2, 3)] + [wif(4, compressed=False)]
    pk = [bytes.fromhex(pubkey(w)) for w in k]

    def spk_of(desc):
        addr = node.json("deriveaddresses", node.json("getdescriptorinfo", desc)["descriptor"])[0]
        return bytes.fromhex(node.json("validateaddress", addr)["scriptPubKey"])

    p2pkh = [spk_of("pkh(%s)" % p.hex()) for p in pk]
    p2pk = push(pk[1]) + b"\xac"
    ms = node.json("createmultisig", "2", json.dumps([p.hex() for p in pk[:3]]), "legacy")
    ms_redeem = bytes.fromhex(ms["redeemScript"])
    ms_p2sh = bytes.fromhex(node.json("validateaddress", ms["address"])["scriptPubKey"])
    wms = node.json("createmultisig", "1", json.dumps([p.hex() for p in pk[1:3]]), "bech32")
    wms_script = bytes.fromhex(wms["redeemScript"])
    p2wsh = bytes.fromhex(node.json("validateaddress", wms["address"])["scriptPubKey"])
    p2wpkh = [spk_of("wpkh(%s)" % p.hex()) for p in pk[:3]]
    p2sh_p2wpkh = spk_of("sh(wpkh(%s))" % pk[0].hex())
    p2tr = spk_of("tr(%s)" % pk[2].hex())
    anchor = bytes.fromhex("51024e73")
    witness_v2 = bytes([0x52, 0x10]) + bytes(range(16))
    bare_multisig = bytes([0x51]) + push(pk[0]) + push(pk[1]) + bytes([0x52, 0xae])

    # --- signed transactions: every kind of input, each sighash type ---------------------
    prev = "11" * 32
    spends = [  # (scriptPubKey, extra prevtx fields)
        (p2pkh[0], {}),
        (p2pk, {}),
        (ms_p2sh, {"redeemScript": ms_redeem.hex()}),
        (p2sh_p2wpkh, {"redeemScript": p2wpkh[0].hex(), "amount": 1}),
        (p2wsh, {"witnessScript": wms_script.hex(), "amount": 2}),
        (p2pkh[3], {}),
        (p2wpkh[1], {"amount": 3}),
    ]
    outputs = [(10000, s) for s in (p2pkh[0], ms_p2sh, p2wpkh[0], p2wsh, p2tr, witness_v2,
                                    bare_multisig, p2pk)]
    outputs += [(0, anchor), (0, b"\x6a" + push(b"sou format test"))]
    inputs = [(prev, i, b"", 0xfffffffd) for i in range(len(spends))]
    unsigned = tx_bytes(inputs, outputs, locktime=101).hex()
    prevtxs = [dict({"txid": prev, "vout": i, "scriptPubKey": s.hex()}, **extra)
               for i, (s, extra) in enumerate(spends)]
    signed_txs = []
    for sighash in ["ALL", "NONE", "SINGLE", "ALL|ANYONECANPAY", "NONE|ANYONECANPAY",
                    "SINGLE|ANYONECANPAY"]:
        r = node.json("signrawtransactionwithkey", unsigned, json.dumps(k), json.dumps(prevtxs),
                      sighash)
        assert r["complete"], r
        signed_txs.append(r["hex"])
        tx_cases.append({"label": "signed " + sighash, "hex": r["hex"],
                         "result": node.text("decoderawtransaction", r["hex"])})

    # Script sigs that only look like signatures, or break off.
    p2pkh_sig = bytes.fromhex(node.json("decoderawtransaction", signed_txs[0])
                              ["vin"][0]["scriptSig"]["hex"])
    der = p2pkh_sig[1:p2pkh_sig[0]]  # the first push, without its sighash byte
    odd = [
        push(der + b"\x00") + push(pk[0]),         # undefined sighash byte 0
        push(der + b"\x04"),                       # undefined sighash byte 4
        push(der + b"\x84"),                       # 4 | ANYONECANPAY
        push(der + b"\x81") + push(der + b"\x83"),
        b"\x6a" + push(der + b"\x01"),             # behind OP_RETURN: not decoded
        push(b"\x31" + der[1:] + b"\x01"),         # not DER
        b"\x00" + push(der + b"\x02") + push(ms_redeem),
        push(bytes.fromhex("0100")) + push(b"\xff\xff\xff\x7f") + push(b"\xff\xff\xff\xff"),
        push(bytes(5)) + b"\x4f\x51\x60",
        b"\x76\x4c",                               # PUSHDATA1 without its length
        push(der + b"\x01")[:-3],                  # a signature push cut short
    ]
    hand = tx_bytes([(prev, i, s, 0xffffffff) for i, s in enumerate(odd)],
                    [(5000000000, p2pkh[0]), (-1, b""), (2100000000000000, b"\x51")],
                    version=1, locktime=500000000).hex()
    tx_cases.append({"label": "hand-built script sigs", "hex": hand,
                     "result": node.text("decoderawtransaction", hand)})
    # Version 3 and the largest version, which Core shows unsigned.
    for version in (3, 0xffffffff):
        h = tx_bytes([(prev, 0, b"\x51", 0)], [(1, p2tr)], version=version).hex()
        tx_cases.append({"label": "version %d" % version, "hex": h,
                         "result": node.text("decoderawtransaction", h)})

    # --- decodescript -------------------------------------------------------------------
    not_on_curve = b"\x02" + b"\xff" * 32
    scripts = [
        ("empty", b""),
        ("p2pk compressed", p2pk),
        ("p2pk uncompressed", push(pk[3]) + b"\xac"),
        ("p2pk hybrid", push(b"\x06" + pk[3][1:]) + b"\xac"),
        ("p2pk not on curve", push(not_on_curve) + b"\xac"),
        ("p2pkh", p2pkh[0]),
        ("p2pkh uncompressed", p2pkh[3]),
        ("p2sh", ms_p2sh),
        ("p2wpkh", p2wpkh[0]),
        ("p2wsh", p2wsh),
        ("p2tr", p2tr),
        ("p2tr not on curve", b"\x51\x20" + b"\xff" * 32),
        ("anchor", anchor),
        ("witness v2", witness_v2),
        ("witness v16 40 bytes", b"\x60\x28" + bytes(40)),
        ("witness v1 2 bytes", b"\x51\x02\x00\x00"),
        ("witness v0 21 bytes", b"\x00\x15" + bytes(21)),
        ("op_return", b"\x6a"),
        ("op_return data", b"\x6a" + push(b"hello") + b"\x51\x4f"),
        ("op_return not push only", b"\x6a\x76"),
        ("multisig 2 of 3", ms_redeem),
        ("multisig 1 of 2 in p2wsh", wms_script),
        ("multisig with uncompressed", bytes([0x51]) + push(pk[0]) + push(pk[3]) + b"\x52\xae"),
        ("multisig with hybrid", bytes([0x51]) + push(b"\x07" + pk[3][1:]) + b"\x51\xae"),
        ("multisig 1 of 20, keys not on curve",
         b"\x51" + push(not_on_curve) * 20 + push(b"\x14") + b"\xae"),
        ("multisig count not minimal", b"\x51" + push(pk[0]) + push(b"\x01") + b"\xae"),
        ("multisig m > n", b"\x52" + push(pk[0]) + b"\x51\xae"),
        ("op_true", b"\x51"),
        ("numbers", b"\x00\x4f\x51\x60" + push(b"\x11") + push(b"\x80") + push(b"\x00\x80")
         + push(b"\xff\xff\xff\xff") + push(bytes(5))),
        ("truncated push", b"\x76\x05\xaa\xbb"),
        ("truncated pushdata2", b"\x4d\x01"),
        ("cltv csv nop10", b"\x51\xb1\xb2\xb9"),
        ("checksigadd", b"\x51\xba"),
        ("op_success", b"\x51\x50"),
        ("op_ver", b"\x62"),
        ("unknown opcode", b"\x51\xbb"),
        ("invalid opcode", b"\xff"),
        ("push over 520 bytes", push(bytes(521))),
        ("push of 520 bytes", push(bytes(520)) + b"\x75\x51"),
        ("script sig p2pkh", bytes.fromhex(node.json("decoderawtransaction", signed_txs[0])
                                            ["vin"][0]["scriptSig"]["hex"])),
        ("script sig multisig", bytes.fromhex(node.json("decoderawtransaction", signed_txs[3])
                                               ["vin"][2]["scriptSig"]["hex"])),
        ("hash lock", b"\xa8" + push(bytes(32)) + b"\x87"),
    ]
    script_cases = [{"label": label, "hex": s.hex(), "result": node.text("decodescript", s.hex())}
                    for label, s in scripts]

    # --- the fork: Core reorganises onto 101'-103' ----------------------------------------
    for b in blocks_fork:
        node.cli_raw("submitblock", b)
    assert node.json("getblockcount") == 103
    for h in (100, 101, 102, 103):
        record_block("fork %d" % h, height=h)
    for h, blockhash in stale.items():
        record_block("stale main %d" % h, blockhash=blockhash)

    # --- descriptors: checksums, and what generatetodescriptor pays to --------------------
    x_only = pk[2][1:].hex()
    descriptors = [
        "pk(%s)" % pk[0].hex(),
        "pk(%s)" % pk[3].hex(),
        "pk(%s)" % k[0],
        "pk(%s)" % k[3],
        "pkh(%s)" % pk[1].hex(),
        "pkh(%s)" % k[3],
        "wpkh(%s)" % pk[2].hex(),
        "wpkh(%s)" % k[1],
        "sh(wpkh(%s))" % pk[0].hex(),
        "sh(pkh(%s))" % k[0],
        "sh(pk(%s))" % pk[3].hex(),
        "sh(multi(2,%s,%s))" % (pk[0].hex(), k[3]),
        "multi(1,%s,%s)" % (pk[0].hex(), pk[1].hex()),
        "tr(%s)" % pk[2].hex(),
        "tr(%s)" % x_only,
        "tr(%s)" % k[1],
        "rawtr(%s)" % x_only,
        "addr(%s)" % node.json("deriveaddresses",
                               node.json("getdescriptorinfo", "wpkh(%s)" % pk[0].hex())
                               ["descriptor"])[0],
        "addr(bcrt1pfeesnyr2tx)",
        "raw(6a0568656c6c6f)",
        "raw(51)",
        # Failures, with Core's messages.
        "raw()",
        "raw(6a0)",
        "addr(bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4)",
        "pk()",
        "pk( %s)" % pk[0].hex(),
        "pk(02aa)",
        "pk(%s)" % x_only,
        "pk(nokey)",
        "pk(%s)" % ("06" + pk[3][1:].hex()),
        "wpkh(%s)" % pk[3].hex(),
        "wpkh(%s)" % k[3],
        "tr(%s)" % pk[3].hex(),
        "sh(sh(pk(%s)))" % pk[0].hex(),
        "sh(addr(bcrt1pfeesnyr2tx))",
        "sh(raw(51))",
        "sh(abc)",
        "pkh(wpkh(%s))" % pk[0].hex(),
        "foo(%s)" % pk[0].hex(),
        "pk(%s),pk(%s)" % (pk[0].hex(), pk[1].hex()),
        "pk(%s)x" % pk[0].hex(),
        "multi(0,%s)" % pk[0].hex(),
        "multi(2,%s)" % pk[0].hex(),
        "multi(x,%s)" % pk[0].hex(),
        "multi(1,%s,%s,%s,%s)" % tuple(p.hex() for p in pk),
        "rawtr(%s,%s)" % (x_only, x_only),
        "pk(%s)#aaaaaaaa" % pk[0].hex(),
        "pk(%s)#aaaa" % pk[0].hex(),
        "pk(%s)#a#b" % pk[0].hex(),
    ]
    desc_cases = []
    for d in descriptors:
        case = {"descriptor": d}
        info_error = node.error("getdescriptorinfo", d)
        if info_error is None:
            case["checksum"] = node.json("getdescriptorinfo", d)["checksum"]
        gen_error = node.error("generatetodescriptor", "1", d)
        if gen_error is None:
            tip = node.json("getbestblockhash")
            coinbase = node.json("getblock", tip, "2")["tx"][0]
            case["script_pubkey"] = coinbase["vout"][0]["scriptPubKey"]["hex"]
        else:
            case["error"] = gen_error
        desc_cases.append(case)

    write_cases("getblock.json", block_cases)
    write_cases("getblockheader.json", header_cases)
    write_cases("decoderawtransaction.json", tx_cases)
    write_cases("decodescript.json", script_cases)
    write_cases("descriptors.json", desc_cases)
    with open(os.path.join(HERE, "VERSION"), "w") as f:
        f.write(subprocess.run([os.path.join(BIN, "bitcoind"), "-version"], capture_output=True,
                               text=True).stdout.splitlines()[0] + "\n")


def main():
    node = Node()
    try:
        record(node)
    finally:
        node.stop()


if __name__ == "__main__":
    main()
