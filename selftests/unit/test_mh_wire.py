#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Wire-format test of user/wire/mh.c and user/wire/auth.c against independent builders.

* Every message the C code builds (through build/selftests/mh_tool) is compared
  byte for byte with the same message built by Scapy's MIPv6 classes, options
  with explicit olen= (Scapy's defaults for Nonce Indices and BAD are wrong).
* MH checksums are computed here with our own one's-complement helper, with the
  HoA from the HAO as source and the HoA from the RH2 as destination (Scapy
  uses the CoA after a re-parse).
* Known-answer vectors (RR tokens, Kbm, BAD authenticator, RFC 4285 MN-HA
  authenticator, checksums) are recomputed with hmac/hashlib, not the C code.
* The C parser is fed Scapy-built good and bad messages.
* tshark decodes a pcap of full IPv6 packets (HAO, RH2) with no malformed
  packet and no warning or error expert item.
* The C unit tests (build/selftests/mh_unit) are run by selftests/run.sh itself.

Needs Debian's python3-scapy (hence /usr/bin/python3) and tshark; no root.
Prints TAP lines, exits 1 on any failure.
"""
import hashlib
import hmac
import os
import struct
import subprocess
import sys
import tempfile

import warnings

warnings.filterwarnings("ignore")
from scapy.layers.inet6 import (  # noqa: E402
    HAO,
    IPv6,
    IPv6ExtHdrDestOpt,
    IPv6ExtHdrRouting,
    MIP6MH_BA,
    MIP6MH_BE,
    MIP6MH_BRR,
    MIP6MH_BU,
    MIP6MH_CoT,
    MIP6MH_CoTI,
    MIP6MH_Generic,
    MIP6MH_HoT,
    MIP6MH_HoTI,
    MIP6OptAltCoA,
    MIP6OptBindingAuthData,
    MIP6OptBRAdvice,
    MIP6OptMsgAuth,
    MIP6OptNonceIndices,
    MIP6OptReplayProtection,
    PadN,
    Pad1,
)
from scapy.layers.l2 import Ether  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "peers"))
from mip6_wire import a6, mh_checksum, with_checksum  # noqa: E402
from scapy.packet import Raw  # noqa: E402
from scapy.utils import wrpcap  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("XMIP6_BUILD", os.path.join(ROOT, "build"))
TOOL = os.path.join(BUILD, "selftests", "mh_tool")

HOA = "2001:db8:aaaa::100"
COA = "2001:db8:ffff:1::abcd"
HA = "2001:db8:aaaa::1"
CN = "2001:db8:cccc::1"
MNHA_KEY = bytes.fromhex("404142434445464748494a4b4c4d4e4f")
KCN = bytes.fromhex("000102030405060708090a0b0c0d0e0f10111213")
HOME_NONCE = bytes.fromhex("0102030405060708")
CAREOF_NONCE = bytes.fromhex("1112131415161718")
TS = 0xE93C7F0080000000  # 2024-01-01T00:00:00.5Z, NTP format

failures = 0


def tap(ok, what, diag=None):
    global failures
    print("%s - %s" % ("ok" if ok else "not ok", what))
    if not ok:
        failures += 1
        if diag:
            for line in str(diag).splitlines():
                print("# " + line)
    sys.stdout.flush()
    return ok


def zero_checksum(mh):
    return mh[:4] + b"\0\0" + mh[6:]


def hmac_sha1(key, data):
    return hmac.new(key, data, hashlib.sha1).digest()


def tool(*args):
    out = subprocess.run([TOOL] + [str(a) for a in args], capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError("mh_tool %s: %s" % (" ".join(map(str, args)), out.stderr.strip()))
    return out.stdout.strip()


def c_build(*args):
    return bytes.fromhex(tool("build", *args))


def c_parse(mh, *args):
    lines = tool("parse", mh.hex(), *args).splitlines()
    head, name = lines[0].split(" name=", 1)
    info = dict(kv.split("=", 1) for kv in head.split())
    info["name"] = name
    for line in lines[1:]:
        if not line.startswith("opt "):
            info.update(kv.split("=", 1) for kv in line.split())
    info["opts"] = [dict(kv.split("=", 1) for kv in line.split()[1:])
                    for line in lines if line.startswith("opt ")]
    return info


def same(c_bytes, py_bytes, what):
    return tap(c_bytes == py_bytes, what, "C:     %s\nscapy: %s" % (c_bytes.hex(), py_bytes.hex()))


def bu_flags(f):
    """Scapy splits the BU flags word: 7 named bits (A is the MSB) + 9 reserved."""
    return dict(flags=f >> 9, reserved=f & 0x1FF)


def ba_flags(f):
    return dict(flags=f >> 5, res2=f & 0x1F)


def mnha_auth(coa, hoa, mh_to_spi):
    return hmac_sha1(MNHA_KEY, a6(coa) + a6(hoa) + zero_checksum(mh_to_spi))[:12]


# ---------------------------------------------------------------------------


def test_vectors():
    bu = bytes.fromhex("3b0305000000 0007 f000 0064 0100 0310 20010db8ffff0001000000000000abcd"
                       .replace(" ", ""))
    tap(mh_checksum(HOA, HA, bu) == 0x3F89 and mh_checksum(COA, HA, bu) == 0x3F65,
        "vector (python): BU checksum 0x3f89 with the HoA, 0x3f65 with the CoA")
    ba = bytes.fromhex("3b0106000000 0080 0007 0064 0202005a".replace(" ", ""))
    tap(mh_checksum(HA, HOA, ba) == 0x0958 and mh_checksum(HA, COA, ba) == 0x0934,
        "vector (python): BA checksum 0x0958 with the HoA, 0x0934 with the CoA")

    htoken = hmac_sha1(KCN, a6(HOA) + HOME_NONCE + b"\0")[:8]
    ctoken = hmac_sha1(KCN, a6(COA) + CAREOF_NONCE + b"\1")[:8]
    kbm = hashlib.sha1(htoken + ctoken).digest()
    kbm0 = hashlib.sha1(htoken).digest()
    tap(htoken.hex() == "dace4c163acadbe3" and ctoken.hex() == "a202956cd090ee54",
        "vector (python): RR keygen tokens")
    tap(kbm.hex() == "e083ce8e094d1dc8d6edb379297dd4499764231f"
        and kbm0.hex() == "97c997fe19078de85bc076bf1e8db1d6aea7b82c",
        "vector (python): RR Kbm and de-registration Kbm")
    c_tokens = (tool("token", KCN.hex(), HOA, HOME_NONCE.hex(), "home"),
                tool("token", KCN.hex(), COA, CAREOF_NONCE.hex(), "careof"))
    tap(c_tokens == (htoken.hex(), ctoken.hex()), "C keygen tokens match python", c_tokens)
    c_kbm = (tool("kbm", htoken.hex(), ctoken.hex()), tool("kbm", htoken.hex()))
    tap(c_kbm == (kbm.hex(), kbm0.hex()), "C Kbm (both kinds) matches python", c_kbm)

    mh_data = bytes.fromhex("3b030500000003e880000064040400050006050c")
    authenticator = hmac_sha1(kbm, a6(COA) + a6(CN) + mh_data)[:12]
    tap(authenticator.hex() == "05aa1d4451a0d0e14b3e587d", "vector (python): RR BAD authenticator")
    final = with_checksum(mh_data + authenticator, HOA, CN)
    tap(final.hex() == "3b03050074d703e880000064040400050006050c05aa1d4451a0d0e14b3e587d",
        "vector (python): RR BU final bytes with the checksum over the HoA")
    scapy_bu = bytes(MIP6MH_BU(seq=1000, **bu_flags(0x8000), mhtime=100, cksum=0, options=[
        MIP6OptNonceIndices(olen=4, hni=5, coni=6),
        MIP6OptBindingAuthData(olen=12, authenticator=int.from_bytes(authenticator, "big"))]))
    same(with_checksum(scapy_bu, HOA, CN), final, "scapy builds the same RR BU")
    c_bu = c_build("bu", "seq=1000", "flags=0x8000", "lifetime=100", "ni=5,6", "bad",
                   "kbm=" + kbm.hex(), "coa=" + COA, "cn=" + CN, "src=" + HOA, "dst=" + CN)
    same(c_bu, final, "C builds, signs and checksums the RR BU like the vector")
    tap(tool("verify", final.hex(), "kbm=" + kbm.hex(), "coa=" + COA, "cn=" + CN) == "0",
        "C verifies the python-computed BAD authenticator")

    mh_to_spi = bytes.fromhex("3b03050000000007c00000640009110100000100")
    auth = mnha_auth(COA, HOA, mh_to_spi)
    tap(auth.hex() == "469823deb1e61012f9da8f91", "vector (python): RFC 4285 MN-HA authenticator")
    scapy_bu = bytes(MIP6MH_BU(seq=7, **bu_flags(0xC000), mhtime=100, cksum=0, options=[
        MIP6OptMsgAuth(olen=17, subtype=1, mspi=256, authdata=auth)]))
    c_bu = c_build("bu", "seq=7", "flags=0xc000", "lifetime=100", "auth=256",
                   "key=" + MNHA_KEY.hex(), "coa=" + COA, "hoa=" + HOA)
    same(c_bu, scapy_bu, "C MN-HA BU equals scapy's with the python authenticator")
    tap(tool("verify", with_checksum(scapy_bu, HOA, HA).hex(), "key=" + MNHA_KEY.hex(),
             "coa=" + COA, "hoa=" + HOA) == "0",
        "C verifies the scapy-built MN-HA BU (checksum set)")
    tap(tool("verify", scapy_bu.hex(), "key=" + MNHA_KEY.hex(), "coa=" + HOA, "hoa=" + COA)
        == str(-13), "C rejects it with CoA and HoA swapped (-EACCES)")


def option_offsets_aligned(pkt, start):
    """Walk a re-parsed scapy MH: every option at its class's x*n+y offset."""
    pos = start
    for opt in pkt.options:
        x, y = getattr(opt, "x", 0), getattr(opt, "y", 0)
        if x and pos % x != y:
            return False
        pos += len(bytes(opt))
    return True


def test_against_scapy():
    cookie, token = bytes(range(1, 9)), bytes(range(0x10, 0x18))
    cases = [
        ("BU A H L K + Alternate CoA",
         ["bu", "seq=7", "flags=0xf000", "lifetime=100", "acoa=" + COA],
         MIP6MH_BU(seq=7, **bu_flags(0xF000), mhtime=100,
                   options=[MIP6OptAltCoA(olen=16, acoa=COA)])),
        ("BU R flag, ACoA + Nonce Indices + timestamp",
         ["bu", "seq=65535", "flags=0x8400", "lifetime=0", "acoa=" + COA, "ni=1,2",
          "ts=%d" % TS],
         MIP6MH_BU(seq=65535, **bu_flags(0x8400), mhtime=0, options=[
             MIP6OptAltCoA(olen=16, acoa=COA), MIP6OptNonceIndices(olen=4, hni=1, coni=2),
             MIP6OptReplayProtection(olen=8, timestamp=TS)])),
        ("BA K + Binding Refresh Advice",
         ["ba", "status=0", "flags=0x80", "seq=7", "lifetime=100", "bra=90"],
         MIP6MH_BA(status=0, **ba_flags(0x80), seq=7, mhtime=100,
                   options=[MIP6OptBRAdvice(olen=2, rinter=90)])),
        ("BA status 146 R flag, no options",
         ["ba", "status=146", "flags=0x40", "seq=9", "lifetime=0"],
         MIP6MH_BA(status=146, **ba_flags(0x40), seq=9, mhtime=0)),
        ("BE status 1 with the home address",
         ["be", "status=1", "home_addr=" + HOA], MIP6MH_BE(status=1, ha=HOA)),
        ("BE status 2, no home address", ["be", "status=2"], MIP6MH_BE(status=2)),
        ("BRR", ["brr"], MIP6MH_BRR()),
        ("HoTI", ["hoti", "cookie=" + cookie.hex()], MIP6MH_HoTI(cookie=cookie)),
        ("CoTI", ["coti", "cookie=" + cookie.hex()], MIP6MH_CoTI(cookie=cookie)),
        ("HoT", ["hot", "nonce_index=258", "cookie=" + cookie.hex(), "token=" + token.hex()],
         MIP6MH_HoT(index=258, cookie=cookie, token=token)),
        ("CoT", ["cot", "nonce_index=7", "cookie=" + cookie.hex(), "token=" + token.hex()],
         MIP6MH_CoT(index=7, cookie=cookie, token=token)),
    ]
    for what, args, pkt in cases:
        pkt.cksum = 0
        c_mh = c_build(*args)
        same(c_mh, bytes(pkt), "scapy: " + what)
        info = c_parse(with_checksum(bytes(pkt), HOA, HA), "src=" + HOA, "dst=" + HA)
        tap(info["result"] == "0" and int(info["type"]) == pkt.mhtype,
            "C parses scapy's " + what, info)

    # Timestamp + AUTH after BRA: scapy's autopad (4n+1) lands on the same offsets as ours.
    c_ba = c_build("ba", "status=0", "flags=0x80", "seq=7", "lifetime=100", "bra=90",
                   "ts=%d" % TS, "auth=4096", "key=" + MNHA_KEY.hex(), "coa=" + COA,
                   "hoa=" + HOA)
    to_spi = c_ba[:36]
    pkt = MIP6MH_BA(status=0, **ba_flags(0x80), seq=7, mhtime=100, cksum=0, options=[
        MIP6OptBRAdvice(olen=2, rinter=90), MIP6OptReplayProtection(olen=8, timestamp=TS),
        MIP6OptMsgAuth(olen=17, subtype=1, mspi=4096, authdata=mnha_auth(COA, HOA, to_spi))])
    same(c_ba, bytes(pkt), "scapy: BA BRA + timestamp + MN-HA AUTH (python authenticator)")

    # BRA + AUTH only: scapy puts AUTH at 17 (4n+1) and pads after it; we use 21 (8n+5)
    # so nothing follows AUTH. Build scapy's twin with explicit padding, check alignment.
    c_ba = c_build("ba", "status=0", "flags=0x80", "seq=7", "lifetime=100", "bra=90",
                   "auth=4096", "key=" + MNHA_KEY.hex(), "coa=" + COA, "hoa=" + HOA)
    to_spi = c_ba[:28]
    pkt = MIP6MH_BA(status=0, **ba_flags(0x80), seq=7, mhtime=100, cksum=0, autopad=0,
                    options=[MIP6OptBRAdvice(olen=2, rinter=90), PadN(optdata=b"\0" * 3),
                             MIP6OptMsgAuth(olen=17, subtype=1, mspi=4096,
                                            authdata=mnha_auth(COA, HOA, to_spi))])
    same(c_ba, bytes(pkt), "scapy (explicit PadN(3)): BA BRA + AUTH at 8n+5")
    tap(option_offsets_aligned(MIP6MH_BA(c_ba), 12) and len(c_ba) == 40,
        "scapy re-parse: every option of that BA meets its x*n+y rule, AUTH ends it")

    # Extension headers.
    doh = bytes.fromhex(tool("hao", 135, HOA))
    same(doh, bytes(IPv6ExtHdrDestOpt(nh=135, options=[HAO(hoa=HOA)])),
         "scapy: Destination Options header with PadN + HAO (8n+6)")
    rt2 = bytes.fromhex(tool("rt2", 135, HOA))
    same(rt2, bytes(IPv6ExtHdrRouting(nh=135, type=2, addresses=[HOA])),
         "scapy: type 2 routing header")
    parsed = IPv6ExtHdrRouting(rt2)
    tap(parsed.segleft == 1 and parsed.len == 2 and parsed.addresses == [HOA],
        "scapy re-parse of the RH2: Segments Left 1, Hdr Ext Len 2, the HoA")


def test_parse_results():
    good = bytes(MIP6MH_BU(seq=1, **bu_flags(0x8000), mhtime=1, cksum=0))
    cases = [
        ("good BU", with_checksum(good, HOA, HA), "0", "-1"),
        ("BU, checksum over the CoA", with_checksum(good, COA, HA), "1", "-1"),
        ("BU, Payload Proto 6", with_checksum(bytes(MIP6MH_BU(
            nh=6, seq=1, mhtime=1, cksum=0)), HOA, HA), "2", "0"),
        ("BA, Header Len 0", with_checksum(bytes(MIP6MH_Generic(
            mhtype=6, len=0, cksum=0, msg=b"\0\0")), HOA, HA), "3", "1"),
        ("HoT, Header Len 1", with_checksum(bytes(MIP6MH_Generic(
            mhtype=3, len=1, cksum=0, msg=b"\0" * 10)), HOA, HA), "3", "1"),
        ("MH Type 8", with_checksum(bytes(MIP6MH_Generic(
            mhtype=8, len=1, cksum=0, msg=b"\0" * 10)), HOA, HA), "4", "-1"),
        ("BU with scapy's default Nonce Indices (olen 16)", with_checksum(bytes(MIP6MH_BU(
            seq=1, mhtime=1, cksum=0, options=[MIP6OptNonceIndices(hni=1, coni=2)])),
            HOA, HA), "5", "-1"),
        ("BU with scapy's default BAD (olen 16)", with_checksum(bytes(MIP6MH_BU(
            seq=1, mhtime=1, cksum=0, options=[MIP6OptBindingAuthData()])), HOA, HA),
         "5", "-1"),
        ("BU with a truncated Alternate CoA", with_checksum(bytes(MIP6MH_BU(
            seq=1, mhtime=1, cksum=0, autopad=0, len=2,
            options=[Pad1(), Pad1(), MIP6OptAltCoA(olen=16, acoa=COA)]))[:24], HOA, HA),
         "5", "-1"),
    ]
    for what, mh, result, pointer in cases:
        info = c_parse(mh, "src=" + HOA, "dst=" + HA)
        tap(info["result"] == result and info["pointer"] == pointer,
            "C parse of scapy's %s: %s (pointer %s)" % (what, info.get("name"), pointer), info)
    info = c_parse(with_checksum(bytes(MIP6MH_BU(seq=1, mhtime=1, cksum=0, options=[
        MIP6OptAltCoA(olen=16, acoa=COA), MIP6OptNonceIndices(olen=4, hni=1, coni=2),
        MIP6OptBindingAuthData(olen=12, authenticator=1)])), HOA, HA), "src=" + HOA,
        "dst=" + HA)
    tap(info["result"] == "0" and info["bad_last"] == "1" and info["misaligned"] == "0"
        and [o["type"] for o in info["opts"] if o["type"] not in ("0", "1")] == ["3", "4", "5"],
        "C walks scapy's ACoA + NI + BAD: aligned, BAD last", info)


def tshark(pcap, *args):
    out = subprocess.run(["tshark", "-n", "-r", pcap] + list(args), capture_output=True,
                         text=True)
    return out.returncode, out.stdout


def test_tshark():
    kbm = hashlib.sha1(hmac_sha1(KCN, a6(HOA) + HOME_NONCE + b"\0")[:8]
                       + hmac_sha1(KCN, a6(COA) + CAREOF_NONCE + b"\1")[:8]).digest()
    key = ["key=" + MNHA_KEY.hex(), "coa=" + COA, "hoa=" + HOA]
    cookie, token = "0102030405060708", "1011121314151617"
    # (description, src, dst, extension header, MH, checksum src, checksum dst)
    doh = bytes.fromhex(tool("hao", 135, HOA))
    rt2 = bytes.fromhex(tool("rt2", 135, HOA))
    packets = [
        ("home registration BU (HAO, timestamp, MN-HA AUTH)", COA, HA, doh,
         ["bu", "seq=7", "flags=0xc000", "lifetime=100", "ts=%d" % TS, "auth=256"] + key,
         HOA, HA),
        ("BU with Alternate CoA (HAO)", COA, HA, doh,
         ["bu", "seq=8", "flags=0xf000", "lifetime=100", "acoa=" + COA], HOA, HA),
        ("BA (RH2, BRA, timestamp, MN-HA AUTH)", HA, COA, rt2,
         ["ba", "status=0", "flags=0x80", "seq=7", "lifetime=100", "bra=90", "ts=%d" % TS,
          "auth=256"] + key, HA, HOA),
        ("BA status 146 (RH2)", HA, COA, rt2,
         ["ba", "status=146", "seq=7", "lifetime=0"], HA, HOA),
        ("RR BU to the CN (HAO, NI, BAD)", COA, CN, doh,
         ["bu", "seq=1000", "flags=0x8000", "lifetime=100", "ni=5,6", "bad",
          "kbm=" + kbm.hex(), "coa=" + COA, "cn=" + CN], HOA, CN),
        ("BE status 1", CN, COA, b"", ["be", "status=1", "home_addr=" + HOA], CN, COA),
        ("BRR", HA, HOA, b"", ["brr"], HA, HOA),
        ("HoTI", HOA, CN, b"", ["hoti", "cookie=" + cookie], HOA, CN),
        ("CoTI", COA, CN, b"", ["coti", "cookie=" + cookie], COA, CN),
        ("HoT", CN, HOA, b"", ["hot", "nonce_index=5", "cookie=" + cookie, "token=" + token],
         CN, HOA),
        ("CoT", CN, COA, b"", ["cot", "nonce_index=6", "cookie=" + cookie, "token=" + token],
         CN, COA),
    ]
    frames = []
    checks_ok = True
    for what, src, dst, ext, args, csrc, cdst in packets:
        mh = c_build(*args, "src=" + csrc, "dst=" + cdst)
        if mh_checksum(csrc, cdst, mh) != struct.unpack("!H", mh[4:6])[0]:
            checks_ok = False
            print("# checksum differs for " + what)
        nh = 43 if ext == rt2 else 60 if ext else 135  # routing, dest opts, MH
        frames.append(Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
                      / IPv6(src=src, dst=dst, nh=nh, hlim=64) / Raw(ext + mh))
    tap(checks_ok, "C checksums equal python's (HoA from HAO / RH2 in the pseudo-header)")

    with tempfile.TemporaryDirectory() as tmp:
        pcap = os.path.join(tmp, "mh.pcap")
        wrpcap(pcap, frames)
        rc, out = tshark(pcap, "-T", "fields", "-e", "frame.number", "-e", "mip6.mhtype",
                         "-e", "ipv6.opt.mipv6.home_address",
                         "-e", "ipv6.routing.mipv6.home_address", "-E", "separator=|")
        rows = [line.split("|") for line in out.splitlines()]
        want = ["5", "5", "6", "6", "5", "7", "0", "1", "2", "3", "4"]
        tap(rc == 0 and [r[1] for r in rows] == want,
            "tshark decodes all %d packets as the right MH types" % len(frames), out)
        tap(all(r[2] == HOA for r in rows if r[1] == "5")
            and all(r[3] == HOA for r in rows if r[1] == "6"),
            "tshark finds the HoA in the HAO of every BU and the RH2 of every BA", out)
        rc, out = tshark(pcap, "-Y", "_ws.malformed || _ws.expert.severity >= 6291456",
                         "-T", "fields", "-e", "frame.number", "-e", "_ws.expert.message")
        tap(rc == 0 and not out.strip(), "tshark: no malformed packet, no warning/error",
            out)
        rc, out = tshark(pcap, "-Y", "_ws.expert", "-T", "fields", "-e", "frame.number",
                         "-e", "_ws.expert.message")
        for line in out.splitlines():
            print("# tshark expert note/chat: " + line)
        rc, out = tshark(pcap, "-T", "fields", "-e", "mip6.bu.seqnr", "-e", "mip6.ba.status",
                         "-e", "mip6.auth.mobility_spi", "-e", "mip6.ni.hni", "-e",
                         "mip6.ni.cni", "-e", "mip6.bra.interval", "-e", "mip6.acoa.acoa",
                         "-E", "separator=|")
        rows = [line.split("|") for line in out.splitlines()]
        tap(rc == 0 and rows[0][0] == "7" and rows[0][2] == "256" and rows[2][1] == "0"
            and rows[2][5] == "90" and rows[3][1] == "146" and rows[4][3:5] == ["5", "6"]
            and rows[1][6] == COA,
            "tshark reads back sequence, status, SPI, nonce indices, BRA, Alternate CoA", out)


def main():
    if not os.access(TOOL, os.X_OK):
        print("not ok - %s not built (make first)" % TOOL)
        return 1
    for test in (test_vectors, test_against_scapy, test_parse_results, test_tshark):
        try:
            test()
        except Exception as e:  # one broken step must not hide the others
            tap(False, "%s raised %s: %s" % (test.__name__, type(e).__name__, e))
    print("# test_mh_wire: %s" % ("all passed" if not failures else "%d failed" % failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
