#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Test of user/wire/sigio.c (Mobility Header packets in and out without kernel MIP6).

Driven through build/selftests/sig_tool; every expected packet is built here
with Scapy, and every MH checksum is computed here with our own one's
complement sum (HoA from the HAO as source, HoA from the RH2 as destination):
Scapy gets the pseudo-header wrong once a HAO is re-parsed (RFC 6275 section 6.1.1: the HAO swaps the source).

* parse: Scapy-built packets (HAO, RH2, Hop-by-Hop, several headers, bad
  ones), truncated at every length, payload length off by one, 8 and 9
  extension headers.
* build: byte for byte against Scapy for BU + HAO, BA + RH2, plain MH and
  RH2 + HAO, with the checksum recomputed independently.
* send: two network namespaces joined by two veth pairs. sig_tool sends from
  the first; tcpdump captures on the second; tshark decodes. The packets must
  arrive exactly as sig_tool builds them, and they must leave through the
  second pair, where only the "fwmark 0x6d697036" rule (XMIP6_MARK_SIGNAL)
  sends them, while an unmarked ping leaves through the first. A packet from
  an address that an "ip rule from" routes through the second pair shows the
  source reaches the route lookup.
* param-problem: ICMPv6 Parameter Problem about Scapy-built packets, decoded
  by tshark (type 4, code, pointer, checksum Good), quoting the start of the
  invoking packet within 1280 octets, from its destination to its source.

Needs root, Debian's python3-scapy (hence /usr/bin/python3), tcpdump and
tshark. Namespaces sgA<pid>/sgB<pid> are removed on exit, also on failure or
a signal. Prints TAP; exits 1 on any failure.
"""
import atexit
import errno
import json
import os
import signal
import struct
import subprocess
import sys
import tempfile
import time
import warnings

warnings.filterwarnings("ignore")
import logging  # noqa: E402

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.layers.inet import UDP  # noqa: E402
from scapy.layers.inet6 import (  # noqa: E402
    HAO,
    HBHOptUnknown,
    IPv6,
    IPv6ExtHdrDestOpt,
    IPv6ExtHdrFragment,
    IPv6ExtHdrHopByHop,
    IPv6ExtHdrRouting,
    MIP6MH_BA,
    MIP6MH_BRR,
    MIP6MH_BU,
    MIP6MH_Generic,
    PadN,
    RouterAlert,
)
from scapy.packet import Raw  # noqa: E402
from scapy.utils import rdpcap  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "peers"))
from mip6_wire import a6, mh_checksum, with_checksum  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("XMIP6_BUILD", os.path.join(ROOT, "build"))
TOOL = os.path.join(BUILD, "selftests", "sig_tool")

HOA = "2001:db8:aaaa::100"
COA = "2001:db8:ffff:1::abcd"
HA = "2001:db8:aaaa::1"
MARK = 0x6D697036  # XMIP6_MARK_SIGNAL
PROTO_MH, PROTO_DSTOPTS, PROTO_ROUTING, PROTO_HOPOPTS = 135, 60, 43, 0

EBADMSG, EPROTONOSUPPORT = -errno.EBADMSG, -errno.EPROTONOSUPPORT
EINVAL, ENOSPC = -errno.EINVAL, -errno.ENOSPC

# Namespaces: A sends, B captures. Two veth pairs a0-b0 and a1-b1.
PID = os.getpid()
NS_A, NS_B = "sgA%d" % PID, "sgB%d" % PID
MAC = {"a0": "02:53:00:00:00:a0", "b0": "02:53:00:00:00:b0",
       "a1": "02:53:00:00:00:a1", "b1": "02:53:00:00:00:b1"}
A0, B0 = "2001:db8:5::1", "2001:db8:5::2"  # a0 / b0
A1, B1 = "2001:db8:6::1", "2001:db8:6::2"  # a1 / b1
A_SRCRT = "2001:db8:7::1"  # on a0; "ip rule from" it -> table 101 -> a1
FAR = "2001:db8:8::1"  # main table: a0; table 101: a1
MARK_TABLE, SRC_TABLE = 100, 101

count = 0
failures = 0
procs = []  # background processes, killed by PID at exit
netns_made = []


def tap(ok, what, diag=None):
    global count, failures
    count += 1
    print("%s %d - %s" % ("ok" if ok else "not ok", count, what))
    if not ok:
        failures += 1
        if diag is not None:
            for line in str(diag).splitlines()[:40]:
                print("# " + line)
    sys.stdout.flush()
    return ok


# ------------------------------------------------------------------ helpers


def run(args, timeout=30):
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout)


def tool(*args, ns=None):
    cmd = [TOOL] + [str(a) for a in args]
    if ns:
        cmd = ["ip", "netns", "exec", ns] + cmd
    return run(cmd)


def parse(pkt, *extra):
    """sig_tool parse -> (returncode, dict); returncode < 0 means a signal."""
    r = tool("parse", bytes(pkt).hex(), *extra)
    try:
        return r.returncode, json.loads(r.stdout)
    except ValueError:
        return r.returncode, {"ret": None, "stdout": r.stdout, "stderr": r.stderr}


def build(src, dst, mh, hao=None, rt2=None, hlim=None, size=None):
    args = ["build", src, dst]
    for key, val in (("hao", hao), ("rt2", rt2), ("hlim", hlim), ("size", size)):
        if val is not None:
            args += [key, val]
    r = tool(*(args + [mh.hex()]))
    out = r.stdout.strip()
    if r.returncode == 0:
        return bytes.fromhex(out)
    return out


def set_plen(pkt):
    """Payload length made to agree with a (truncated) packet."""
    return pkt[:4] + struct.pack("!H", max(len(pkt) - 40, 0)) + pkt[6:] if len(pkt) >= 40 else pkt


def dstopt_hao(hoa, nh=PROTO_MH):
    return IPv6ExtHdrDestOpt(nh=nh, options=[PadN(optdata=b"\0\0"), HAO(hoa=hoa)])


def rt2_bytes(hoa, nh=PROTO_MH):
    """Type 2 routing header by hand (RFC 6275 6.4): nh, len 2, type 2, segleft 1."""
    return struct.pack("!BBBB4x", nh, 2, 2, 1) + a6(hoa)


def bu_mh(seq=7):
    return bytes(MIP6MH_BU(seq=seq, flags=0, mhtime=100, cksum=0))


def ba_mh(seq=7):
    return bytes(MIP6MH_BA(status=0, seq=seq, mhtime=100, cksum=0))


def brr_mh():
    return bytes(MIP6MH_BRR(cksum=0))


# ------------------------------------------------------------------ parse

def expect_ok(what, pkt, **want):
    rc, info = parse(pkt)
    ok = rc == 0 and info.get("ret") == 0 and all(info.get(k) == v for k, v in want.items())
    return tap(ok, "parse: " + what, {"want": want, "got": info})


def expect_err(what, pkt, err=EBADMSG):
    rc, info = parse(pkt)
    return tap(rc == 1 and info.get("ret") == err, "parse: %s -> %d" % (what, err), info)


def test_parse_good():
    bu = with_checksum(bu_mh(), HOA, HA)
    pkt = bytes(IPv6(src=COA, dst=HA, hlim=61) / dstopt_hao(HOA) / Raw(bu))
    expect_ok("BU with HAO (PadN + HAO)", pkt, src=COA, dst=HA, has_hao=True, hao=HOA,
              has_rt2=False, mh_src=HOA, mh_dst=HA, hop_limit=61, mh_offset=64,
              mh_len=len(bu), mh=bu.hex(), packet_len=len(pkt))

    # Scapy's RH2 layer must equal the header built by hand before we use it.
    tap(bytes(IPv6ExtHdrRouting(nh=PROTO_MH, type=2, addresses=[HOA])) == rt2_bytes(HOA),
        "scapy's IPv6ExtHdrRouting(type=2) equals the hand-built RH2")
    ba = with_checksum(ba_mh(), HA, HOA)
    pkt = bytes(IPv6(src=HA, dst=COA, nh=PROTO_ROUTING) / Raw(rt2_bytes(HOA) + ba))
    expect_ok("BA with RH2", pkt, src=HA, dst=COA, has_hao=False, has_rt2=True, rt2=HOA,
              mh_src=HA, mh_dst=HOA, mh_offset=64, mh_len=len(ba), mh=ba.hex())

    brr = with_checksum(brr_mh(), HA, HOA)
    expect_ok("plain MH (BRR)", IPv6(src=HA, dst=HOA, nh=PROTO_MH) / Raw(brr), has_hao=False,
              has_rt2=False, mh_src=HA, mh_dst=HOA, mh_offset=40, mh_len=8, mh=brr.hex())

    pkt = (IPv6(src=COA, dst=HA) / IPv6ExtHdrHopByHop(options=[RouterAlert()])
           / dstopt_hao(HOA) / Raw(bu))
    expect_ok("Hop-by-Hop (Router Alert) + Destination Options (HAO) + MH", pkt,
              has_hao=True, hao=HOA, mh_src=HOA, mh_dst=HA, mh_offset=72)

    pkt = IPv6(src=COA, dst=HA) / IPv6ExtHdrDestOpt(nh=PROTO_MH, options=[
        PadN(optdata=b"\0" * 4)]) / Raw(bu)
    expect_ok("Destination Options without HAO", pkt, has_hao=False, mh_src=COA,
              mh_dst=HA, mh_offset=48)

    pkt = IPv6(src=COA, dst=HA) / IPv6ExtHdrDestOpt(nh=PROTO_MH, options=[
        HBHOptUnknown(otype=0x1E, optdata=b"\0\0")]) / Raw(bu)
    expect_ok("unknown option of action 00 is skipped", pkt, has_hao=False)

    pkt = bytes(IPv6(src=HA, dst=COA, nh=PROTO_ROUTING) / Raw(rt2_bytes(HOA, PROTO_DSTOPTS))
                / dstopt_hao(COA) / Raw(bu))
    expect_ok("RH2 then HAO: both home addresses in the pseudo-header", pkt, has_hao=True,
              has_rt2=True, hao=COA, rt2=HOA, mh_src=COA, mh_dst=HOA, mh_offset=88)

    pkt = IPv6(src=HA, dst=COA) / IPv6ExtHdrRouting(
        nh=PROTO_MH, type=0, segleft=0, addresses=[HOA]) / Raw(ba)
    expect_ok("routing header type 0 with Segments Left 0 is skipped", pkt, has_rt2=False,
              mh_dst=COA, mh_offset=64)

    pkt = IPv6(src=COA, dst=HA, nh=PROTO_MH) / Raw(bu + b"\0" * 8)
    expect_ok("MH shorter than the packet: mh_len is the rest (mh_parse judges)", pkt,
              mh_len=len(bu) + 8)

    rc, info = parse(IPv6(src=HA, dst=HOA, nh=PROTO_MH) / Raw(brr), "ifindex", "7", "tunnelled")
    tap(rc == 0 and info.get("ifindex") == 7 and info.get("tunnelled") is True,
        "parse: ifindex and tunnelled are passed through", info)


def test_parse_bad():
    bu = with_checksum(bu_mh(), HOA, HA)
    two = IPv6ExtHdrDestOpt(nh=PROTO_MH, options=[HAO(hoa=HOA), PadN(optdata=b"\0\0"),
                                                  HAO(hoa=HOA)])
    expect_err("two HAOs in one Destination Options header",
               IPv6(src=COA, dst=HA) / two / Raw(bu))
    expect_err("two Destination Options headers with a HAO each",
               IPv6(src=COA, dst=HA) / dstopt_hao(HOA, PROTO_DSTOPTS) / dstopt_hao(HOA)
               / Raw(bu))
    for addr, kind in (("ff02::1", "multicast"), ("ff0e::1", "global multicast"),
                       ("fe80::1", "link-local"), ("::1", "loopback"), ("::", "unspecified")):
        expect_err("HAO holding a %s address (%s)" % (kind, addr),
                   IPv6(src=COA, dst=HA) / dstopt_hao(addr) / Raw(bu))
    expect_err("HAO with Option Length 12",
               IPv6(src=COA, dst=HA, nh=PROTO_DSTOPTS)
               / Raw(bytes([PROTO_MH, 1, 0xC9, 12]) + b"\x20" * 12) / Raw(bu))
    expect_err("HAO in a Hop-by-Hop header (unknown there, action 11)",
               IPv6(src=COA, dst=HA) / IPv6ExtHdrHopByHop(
                   nh=PROTO_MH, options=[PadN(optdata=b"\0\0"), HAO(hoa=HOA)]) / Raw(bu))
    expect_err("unknown option of action 10",
               IPv6(src=COA, dst=HA) / IPv6ExtHdrDestOpt(nh=PROTO_MH, options=[
                   HBHOptUnknown(otype=0x9E, optdata=b"\0\0")]) / Raw(bu))
    expect_err("Hop-by-Hop header after Destination Options",
               IPv6(src=COA, dst=HA) / IPv6ExtHdrDestOpt(nh=PROTO_HOPOPTS)
               / IPv6ExtHdrHopByHop(nh=PROTO_MH) / Raw(bu))
    expect_err("option overrunning its header",
               IPv6(src=COA, dst=HA, nh=PROTO_DSTOPTS)
               / Raw(bytes([PROTO_MH, 0, 1, 5, 0, 0, 0, 0])) / Raw(bu))

    ba = with_checksum(ba_mh(), HA, HOA)
    r2 = rt2_bytes(HOA)
    expect_err("RH2 with Segments Left 0", IPv6(src=HA, dst=COA, nh=PROTO_ROUTING)
               / Raw(r2[:3] + b"\0" + r2[4:]) / Raw(ba))
    expect_err("two RH2", IPv6(src=HA, dst=COA, nh=PROTO_ROUTING)
               / Raw(rt2_bytes(HOA, PROTO_ROUTING) + r2) / Raw(ba))
    expect_err("RH2 holding a multicast address", IPv6(src=HA, dst=COA, nh=PROTO_ROUTING)
               / Raw(rt2_bytes("ff02::1")) / Raw(ba))
    expect_err("routing header type 4 with Segments Left 1",
               IPv6(src=HA, dst=COA) / IPv6ExtHdrRouting(
                   nh=PROTO_MH, type=4, segleft=1, addresses=[HOA]) / Raw(ba))

    expect_err("Fragment header", IPv6(src=COA, dst=HA) / IPv6ExtHdrFragment(nh=PROTO_MH)
               / Raw(bu), EPROTONOSUPPORT)
    expect_err("Destination Options then Fragment header",
               IPv6(src=COA, dst=HA) / dstopt_hao(HOA, 44) / IPv6ExtHdrFragment(nh=PROTO_MH)
               / Raw(bu), EPROTONOSUPPORT)
    expect_err("UDP, not an MH", IPv6(src=COA, dst=HA) / UDP() / Raw(bu))
    expect_err("No Next Header (59) after Destination Options",
               IPv6(src=COA, dst=HA) / IPv6ExtHdrDestOpt(nh=59) / Raw(bu))
    good = bytes(IPv6(src=COA, dst=HA, nh=PROTO_MH) / Raw(bu))
    expect_err("IP version 4 in the header", bytes([0x45]) + good[1:])
    expect_err("MH of 1 octet", IPv6(src=COA, dst=HA, nh=PROTO_MH) / Raw(b"\x3b"))
    expect_err("MH of 0 octets", IPv6(src=COA, dst=HA, nh=PROTO_MH))

    pkt = bytes(IPv6(src=COA, dst=HA) / dstopt_hao(HOA) / Raw(bu))
    for delta in (1, -1, 8):
        plen = len(pkt) - 40 + delta
        expect_err("payload length %+d" % delta, pkt[:4] + struct.pack("!H", plen) + pkt[6:])
    expect_err("one octet more than the payload length", pkt + b"\0")
    expect_err("payload length 0 (jumbogram)", pkt[:4] + b"\0\0" + pkt[6:])

    def chain(n):
        p = IPv6(src=COA, dst=HA)
        for _ in range(n - 1):
            p = p / IPv6ExtHdrDestOpt(nh=PROTO_DSTOPTS)
        return p / IPv6ExtHdrDestOpt(nh=PROTO_MH) / Raw(bu)

    expect_ok("8 extension headers (the limit)", chain(8), mh_offset=40 + 8 * 8)
    expect_err("9 extension headers", chain(9))
    hdrs = (bytes(IPv6ExtHdrHopByHop(nh=PROTO_DSTOPTS))
            + b"".join(bytes(IPv6ExtHdrDestOpt(nh=PROTO_DSTOPTS)) for _ in range(5))
            + bytes(IPv6ExtHdrDestOpt(nh=PROTO_ROUTING)) + r2)
    expect_ok("Hop-by-Hop + 6 Destination Options + RH2 (8 headers)",
              IPv6(src=HA, dst=COA, nh=PROTO_HOPOPTS) / Raw(hdrs) / Raw(ba),
              has_rt2=True, mh_offset=40 + 7 * 8 + 24)


def test_truncations():
    bu = with_checksum(bu_mh(), HOA, HA)
    ba = with_checksum(ba_mh(), HA, HOA)
    cases = [
        ("BU + HAO", bytes(IPv6(src=COA, dst=HA) / dstopt_hao(HOA) / Raw(bu)), 64),
        ("BA + RH2", bytes(IPv6(src=HA, dst=COA, nh=PROTO_ROUTING) / Raw(rt2_bytes(HOA))
                           / Raw(ba)), 64),
        ("HbH + DestOpt(HAO) + MH", bytes(IPv6(src=COA, dst=HA)
                                           / IPv6ExtHdrHopByHop(options=[RouterAlert()])
                                           / dstopt_hao(HOA) / Raw(bu)), 72),
    ]
    for what, pkt, mh_off in cases:
        bad_raw, bad_fixed = [], []
        for cut in range(len(pkt)):
            rc, info = parse(pkt[:cut])
            if rc != 1 or info.get("ret") != EBADMSG:
                bad_raw.append((cut, rc, info.get("ret")))
            if cut < 40:
                continue
            rc, info = parse(set_plen(pkt[:cut]))
            if cut < mh_off + 2:
                if rc != 1 or info.get("ret") != EBADMSG:
                    bad_fixed.append((cut, rc, info.get("ret")))
            elif rc != 0 or info.get("mh_len") != cut - mh_off:
                bad_fixed.append((cut, rc, info.get("ret"), info.get("mh_len")))
        tap(not bad_raw, "parse: %s cut at each of %d lengths -> -EBADMSG, no crash"
            % (what, len(pkt)), bad_raw)
        tap(not bad_fixed, "parse: %s cut with payload length fixed: error inside the "
            "headers, MH rest after them" % what, bad_fixed)


# ------------------------------------------------------------------ build

def check_built(what, got, want, mh_off, csrc, cdst):
    """got (C) == want (Scapy), and the MH checksum is ours over csrc/cdst."""
    if not isinstance(got, bytes):
        return tap(False, "build: " + what, got)
    mh = got[mh_off:]
    field = struct.unpack("!H", mh[4:6])[0]
    ok = got == want and field == mh_checksum(csrc, cdst, mh)
    tap(ok, "build: %s equals scapy's, checksum over %s -> %s" % (what, csrc, cdst),
        "C:     %s\nscapy: %s\nfield %04x python %04x" % (
            got.hex(), want.hex(), field, mh_checksum(csrc, cdst, mh)))


def test_build():
    bu, ba, brr = bu_mh(), ba_mh(), brr_mh()
    got = build(COA, HA, bu, hao=HOA)
    want = bytes(IPv6(src=COA, dst=HA, hlim=64) / dstopt_hao(HOA)
                 / Raw(with_checksum(bu, HOA, HA)))
    check_built("BU + HAO", got, want, 64, HOA, HA)
    tap(isinstance(got, bytes) and mh_checksum(COA, HA, got[64:]) != mh_checksum(
        HOA, HA, got[64:]), "build: the CoA would give another checksum (test can fail)")

    got = build(HA, COA, ba, rt2=HOA)
    want = bytes(IPv6(src=HA, dst=COA, hlim=64)
                 / IPv6ExtHdrRouting(nh=PROTO_MH, type=2, addresses=[HOA])
                 / Raw(with_checksum(ba, HA, HOA)))
    check_built("BA + RH2", got, want, 64, HA, HOA)

    got = build(HA, HOA, brr)
    want = bytes(IPv6(src=HA, dst=HOA, hlim=64, nh=PROTO_MH) / Raw(with_checksum(brr, HA, HOA)))
    check_built("plain BRR", got, want, 40, HA, HOA)
    scapy_sum = bytes(IPv6(src=HA, dst=HOA) / MIP6MH_BRR())  # no HAO/RH2: scapy is right
    tap(got == scapy_sum, "build: plain BRR equals scapy's own checksum", scapy_sum.hex())

    got = build(COA, COA, bu, hao=HOA, rt2=HOA)
    want = bytes(IPv6(src=COA, dst=COA, hlim=64)
                 / IPv6ExtHdrRouting(nh=PROTO_DSTOPTS, type=2, addresses=[HOA])
                 / dstopt_hao(HOA) / Raw(with_checksum(bu, HOA, HOA)))
    check_built("RH2 before HAO (RFC 8200 4.1 order)", got, want, 88, HOA, HOA)

    got = build(HA, HOA, brr, hlim=255)
    tap(isinstance(got, bytes) and got[7] == 255, "build: hop limit 255")
    got = build(HA, HOA, brr, hlim=0)
    tap(isinstance(got, bytes) and got[7] == 64, "build: hop limit 0 means 64")
    r = run([TOOL, "build", HA, HOA, "hlim", "256", brr.hex()])
    tap(r.returncode == 2, "sig_tool refuses hop limit 256 (usage)", r.stderr)

    got = build(COA, HA, bu, hao=HOA, size=40 + 24 + len(bu))
    tap(isinstance(got, bytes) and len(got) == 80, "build: a buffer of exactly the size", got)
    got = build(COA, HA, bu, hao=HOA, size=40 + 24 + len(bu) - 1)
    tap(got == "error: " + os.strerror(errno.ENOSPC), "build: one octet short -> -ENOSPC", got)
    got = build(COA, HA, bu[:5])
    tap(got == "error: " + os.strerror(errno.EINVAL), "build: 5-octet MH -> -EINVAL", got)
    got = build(COA, HA, b"\0" * 2049)
    tap(got == "error: " + os.strerror(errno.EINVAL), "build: 2049-octet MH -> -EINVAL", got)

    pkt = build(COA, HA, bu, hao=HOA)
    rc, info = parse(pkt)
    tap(rc == 0 and info["mh_src"] == HOA and info["mh_dst"] == HA and info["src"] == COA,
        "parse(build(BU + HAO)) gives the HoA as checksum source", info)


# ------------------------------------------------------------------ namespaces

def sh(*args, check=True):
    r = run(list(args))
    if check and r.returncode:
        raise RuntimeError("%s: %s" % (" ".join(args), r.stderr.strip()))
    return r


def nsx(ns, *args, check=True):
    return sh("ip", "netns", "exec", ns, *args, check=check)


def cleanup():
    for p in procs:
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(timeout=3)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
    procs.clear()
    for ns in netns_made:
        run(["ip", "netns", "del", ns])
    netns_made.clear()


def on_signal(signum, _frame):
    cleanup()
    sys.exit(128 + signum)


def setup_netns():
    for ns in (NS_A, NS_B):
        sh("ip", "netns", "add", ns)
        netns_made.append(ns)
        sh("ip", "-n", ns, "link", "set", "lo", "up")
        nsx(ns, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0",
            "net.ipv6.conf.default.accept_dad=0", "net.ipv6.conf.all.accept_ra=0",
            "net.ipv6.conf.default.accept_ra=0", "net.ipv6.conf.all.router_solicitations=0",
            "net.ipv6.conf.default.router_solicitations=0")
    for i in "01":
        a, b = "a" + i, "b" + i
        sh("ip", "-n", NS_A, "link", "add", a, "address", MAC[a], "type", "veth", "peer",
           "name", b, "address", MAC[b], "netns", NS_B)
        sh("ip", "-n", NS_A, "link", "set", a, "up")
        sh("ip", "-n", NS_B, "link", "set", b, "up")
    for ns, dev, addr in ((NS_A, "a0", A0 + "/64"), (NS_B, "b0", B0 + "/64"),
                          (NS_A, "a1", A1 + "/64"), (NS_B, "b1", B1 + "/64"),
                          (NS_A, "a0", A_SRCRT + "/128")):
        sh("ip", "-n", ns, "-6", "addr", "add", addr, "dev", dev, "nodad")
    # Static neighbours: no ND traffic in the captures, no resolution delay.
    for ns, addr, mac, dev in ((NS_A, B0, MAC["b0"], "a0"), (NS_B, A0, MAC["a0"], "b0"),
                               (NS_A, B1, MAC["b1"], "a1"), (NS_B, A1, MAC["a1"], "b1"),
                               (NS_A, FAR, MAC["b0"], "a0"), (NS_B, A_SRCRT, MAC["a0"], "b0")):
        sh("ip", "-n", ns, "-6", "neigh", "replace", addr, "lladdr", mac, "dev", dev,
           "nud", "permanent")
    # Marked packets to 2001:db8:5::/64 leave through a1 (the neighbour there is b1's MAC).
    sh("ip", "-n", NS_A, "-6", "route", "add", "2001:db8:5::/64", "dev", "a1",
       "table", str(MARK_TABLE))
    sh("ip", "-n", NS_A, "-6", "neigh", "replace", B0, "lladdr", MAC["b1"], "dev", "a1",
       "nud", "permanent")
    sh("ip", "-n", NS_A, "-6", "rule", "add", "pref", "100", "fwmark", hex(MARK),
       "lookup", str(MARK_TABLE))
    # FAR: a0 by the main table, a1 for packets from A_SRCRT.
    sh("ip", "-n", NS_A, "-6", "route", "add", "2001:db8:8::/64", "dev", "a0")
    sh("ip", "-n", NS_A, "-6", "route", "add", "2001:db8:8::/64", "dev", "a1",
       "table", str(SRC_TABLE))
    sh("ip", "-n", NS_A, "-6", "neigh", "replace", FAR, "lladdr", MAC["b1"], "dev", "a1",
       "nud", "permanent")
    sh("ip", "-n", NS_A, "-6", "rule", "add", "pref", "200", "from", A_SRCRT,
       "lookup", str(SRC_TABLE))
    for _ in range(50):  # bounded wait for carrier
        out = sh("ip", "-n", NS_A, "link", "show").stdout + sh(
            "ip", "-n", NS_B, "link", "show").stdout
        if "state DOWN" not in out and "LOWERLAYERDOWN" not in out:
            break
        time.sleep(0.1)


def capture_start(dev, path):
    log = open(path + ".log", "w")
    p = subprocess.Popen(["ip", "netns", "exec", NS_B, "timeout", "60", "tcpdump", "-n", "-U",
                          "--immediate-mode", "-Z", "root", "-Q", "in", "-i", dev, "-w", path,
                          "ip6 and not src net fe80::/10"],
                         stdout=subprocess.DEVNULL, stderr=log)
    procs.append(p)
    for _ in range(100):
        with open(path + ".log") as f:
            if "listening on" in f.read():
                return p
        if p.poll() is not None:
            break
        time.sleep(0.05)
    raise RuntimeError("tcpdump on %s did not start" % dev)


def capture_stop(p):
    time.sleep(0.3)  # let the last packet cross the veth
    p.send_signal(signal.SIGINT)
    try:
        p.wait(timeout=5)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


def ipv6_frames(path):
    """IPv6 packets of a pcap, as bytes (Ethernet header stripped)."""
    return [bytes(f)[14:] for f in rdpcap(path) if bytes(f)[12:14] == b"\x86\xdd"]


def tshark(path, *args):
    r = run(["tshark", "-n", "-r", path] + list(args))
    return r.returncode, r.stdout


def tshark_clean(path, what):
    rc, verbose = tshark(path, "-V")
    rc2, experts = tshark(path, "-Y", "_ws.malformed || _ws.expert.severity >= 6291456",
                          "-T", "fields", "-e", "frame.number", "-e", "_ws.expert.message")
    tap(rc == 0 and rc2 == 0 and verbose.strip() and "Malformed" not in verbose
        and not experts.strip(), "tshark -V: %s: no malformed packet, no warning or error"
        % what, experts or verbose[-2000:])
    return verbose


# The signalling packets sent from A: (what, args for sig_tool, mh, csrc, cdst).
def sends():
    return [
        ("BU with HAO", [A0, B0, "hao", HOA], bu_mh(1234), HOA, B0),
        ("BA with RH2", [A0, B0, "rt2", HOA], ba_mh(1234), A0, HOA),
        ("plain BRR", [A0, B0], brr_mh(), A0, B0),
    ]


def tx_args(args, mh):
    """sig_tool send/build arguments -> build() keywords."""
    kw = {}
    for i in range(2, len(args), 2):
        kw[args[i]] = args[i + 1]
    return build(args[0], args[1], mh, **kw)


def test_send(tmp):
    pcap0, pcap1 = os.path.join(tmp, "b0.pcap"), os.path.join(tmp, "b1.pcap")
    cap0, cap1 = capture_start("b0", pcap0), capture_start("b1", pcap1)

    expected = []
    for what, args, mh, csrc, cdst in sends():
        r = tool("send", *(args + [mh.hex()]), ns=NS_A)
        try:
            info = json.loads(r.stdout)
        except ValueError:
            info = {"stdout": r.stdout, "stderr": r.stderr}
        tap(r.returncode == 0 and info.get("ret") == 0 and info.get("mark") == MARK,
            "send: %s sent, raw socket SO_MARK 0x%x" % (what, MARK), info)
        expected.append((what, tx_args(args, mh), csrc, cdst))
    r = tool("send", A_SRCRT, FAR, brr_mh().hex(), ns=NS_A)
    tap(r.returncode == 0, "send: BRR from %s to %s" % (A_SRCRT, FAR), r.stdout + r.stderr)
    srcrt = build(A_SRCRT, FAR, brr_mh())
    ping = nsx(NS_A, "ping", "-n", "-c", "1", "-W", "2", B0, check=False)
    tap(ping.returncode == 0, "unmarked ping A -> B answered", ping.stdout)

    pp_cases = param_problem_send()
    capture_stop(cap0)
    capture_stop(cap1)
    on_b0, on_b1 = ipv6_frames(pcap0), ipv6_frames(pcap1)

    mh_on_b0 = [p for p in on_b0 if p[6] != 58]
    tap(not mh_on_b0 and len(on_b1) == 4,
        "marked packets all left through a1 (fwmark rule), none through a0",
        "b0: %s\nb1: %s" % ([p.hex() for p in mh_on_b0], [p.hex() for p in on_b1]))
    tap(any(p[6] == 58 and p[40] == 128 for p in on_b0)
        and not any(p[6] == 58 and p[40] == 128 for p in on_b1),
        "the unmarked ping left through a0 (the fwmark rule is not all-catching)")
    for what, want, csrc, cdst in expected:
        tap(want in on_b1, "send: %s arrived exactly as sig_build_packet laid it out" % what,
            "want %s\ngot  %s" % (want.hex() if isinstance(want, bytes) else want,
                                  [p.hex() for p in on_b1]))
        if isinstance(want, bytes) and want in on_b1:
            got = on_b1[on_b1.index(want)]
            off = 40 + (24 if got[6] != PROTO_MH else 0)
            mh = got[off:]
            tap(struct.unpack("!H", mh[4:6])[0] == mh_checksum(csrc, cdst, mh),
                "send: %s checksum right over %s -> %s (python)" % (what, csrc, cdst))
    tap(srcrt in on_b1, "send: packet from %s took the 'ip rule from' route (a1): the source "
        "reaches the route lookup" % A_SRCRT)

    verbose = tshark_clean(pcap1, "sent MH packets")
    tap(sum(line.strip() == "Mobile IPv6" for line in verbose.splitlines()) == 4,
        "tshark -V decodes 4 Mobility Headers", verbose[-1500:])
    rc, out = tshark(pcap1, "-T", "fields", "-E", "separator=|", "-e", "ipv6.src",
                     "-e", "ipv6.dst", "-e", "mip6.mhtype", "-e", "mip6.bu.seqnr",
                     "-e", "mip6.ba.seqnr", "-e", "ipv6.opt.mipv6.home_address",
                     "-e", "ipv6.routing.mipv6.home_address", "-e", "ipv6.routing.segleft",
                     "-e", "ipv6.hlim")
    rows = [line.split("|") for line in out.splitlines()]
    want = [[A0, B0, "5", "1234", "", HOA, "", "", "64"],
            [A0, B0, "6", "", "1234", "", HOA, "1", "64"],
            [A0, B0, "0", "", "", "", "", "", "64"],
            [A_SRCRT, FAR, "0", "", "", "", "", "", "64"]]
    tap(rc == 0 and rows == want, "tshark fields: addresses, MH type, sequence, HAO, RH2",
        "got  %s\nwant %s" % (rows, want))

    check_param_problems(pcap0, on_b0, pp_cases)


# ------------------------------------------------------------------ param problem

def param_problem_send():
    """Send the Parameter Problems (during the capture); returns what to look for."""
    small = bytes(IPv6(src=B0, dst=A0) / dstopt_hao(HOA)
                  / MIP6MH_BU(nh=6, seq=1, mhtime=1, cksum=0))  # Payload Proto 6
    big = bytes(IPv6(src=B0, dst=A0) / dstopt_hao(HOA)
                / MIP6MH_Generic(mhtype=5, len=193, cksum=0, msg=b"\xa5" * (194 * 8 - 6)))
    cases = [("small BU, Payload Proto 6", small, 0, 64),
             ("1616-octet MH packet, Header Len", big, 0, 65)]
    for what, pkt, code, pointer in cases:
        r = tool("param-problem", pkt.hex(), code, pointer, ns=NS_A)
        tap(r.returncode == 0 and '"ret":0' in r.stdout,
            "param-problem: %s sent" % what, r.stdout + r.stderr)
    mcast_src = bytes(IPv6(src="ff02::1", dst=A0, nh=PROTO_MH) / Raw(brr_mh()))
    r = tool("param-problem", mcast_src.hex(), 0, 0, ns=NS_A)
    tap(r.returncode == 1 and '"ret":%d' % EINVAL in r.stdout,
        "param-problem: none to a multicast source (RFC 4443 2.4 e)", r.stdout)
    mcast_dst = bytes(IPv6(src=B0, dst="ff02::1", nh=PROTO_MH) / Raw(brr_mh()))
    r = tool("param-problem", mcast_dst.hex(), 0, 0, ns=NS_A)
    tap(r.returncode == 1 and '"ret":%d' % EINVAL in r.stdout,
        "param-problem: code 0 about a multicast packet refused", r.stdout)
    r = tool("param-problem", mcast_dst.hex(), 2, 40, ns=NS_A)
    tap(r.returncode == 0, "param-problem: code 2 about a multicast packet sent", r.stdout)
    cases.append(("code 2 about a multicast packet", mcast_dst, 2, 40))
    return cases


def check_param_problems(pcap, frames, cases):
    icmp = [p for p in frames if p[6] == 58 and p[40] == 4]
    tap(len(icmp) == len(cases), "param-problem: %d ICMPv6 type 4 captured, none for the "
        "multicast cases" % len(cases), [p[:48].hex() for p in icmp])
    for (what, orig, code, pointer), got in zip(cases, icmp):
        quote = orig[:1280 - 48]
        src_ok = got[8:24] == a6(A0) if code == 0 else not got[8] == 0xFF
        ok = (len(got) <= 1280 and got[24:40] == a6(B0) and src_ok and got[40] == 4
              and got[41] == code and struct.unpack("!I", got[44:48])[0] == pointer
              and got[48:] == quote)
        tap(ok, "param-problem: %s: code %d pointer %d, from the original destination to "
            "its source, quotes its first %d octets, %d <= 1280 octets"
            % (what, code, pointer, len(quote), len(got)), got[:64].hex())
    tap(len(icmp) >= 2 and len(icmp[1]) == 1280, "param-problem: the long one fills 1280 "
        "octets exactly (RFC 4443 2.4 c)")
    tshark_clean(pcap, "Parameter Problems")
    rc, out = tshark(pcap, "-Y", "icmpv6.type == 4", "-T", "fields", "-E", "separator=|",
                     "-E", "occurrence=f", "-e", "icmpv6.type", "-e", "icmpv6.code",
                     "-e", "icmpv6.pointer", "-e", "icmpv6.checksum.status", "-e", "ipv6.plen")
    rows = [line.split("|") for line in out.splitlines()]
    want = [["4", "0", "64", "1", str(8 + len(cases[0][1]))], ["4", "0", "65", "1", "1240"],
            ["4", "2", "40", "1", str(8 + len(cases[2][1]))]]
    tap(rc == 0 and rows == want, "tshark: type 4, codes, pointers, checksum Good, length",
        "got  %s\nwant %s" % (rows, want))


def main():
    if os.geteuid() != 0:
        print("1..0 # SKIP needs root")
        return 0
    if not os.access(TOOL, os.X_OK):
        print("not ok 1 - %s not built (make first)" % TOOL)
        return 1
    atexit.register(cleanup)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, on_signal)
    for test in (test_parse_good, test_parse_bad, test_truncations, test_build):
        try:
            test()
        except Exception as e:  # one broken step must not hide the others
            tap(False, "%s raised %s: %s" % (test.__name__, type(e).__name__, e))
    try:
        setup_netns()
        with tempfile.TemporaryDirectory(prefix="sigio%d-" % PID) as tmp:
            test_send(tmp)
    except Exception as e:
        tap(False, "namespace tests raised %s: %s" % (type(e).__name__, e))
    finally:
        cleanup()
    print("1..%d" % count)
    print("# test_sigio: %s" % ("all passed" if not failures else "%d failed" % failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
