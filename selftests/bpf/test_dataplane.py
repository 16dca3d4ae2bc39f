#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""
test_dataplane.py - unit tests of the xmip6 BPF programs (xdp_ha, xdp_mn,
tc_ha_egress, tc_mn_egress) with BPF_PROG_TEST_RUN.

Each fixture gives a program, the bindings/config maps, an input frame built
with Scapy, and the expected verdict, output frame, counters and records of
the "signal" ring buffer (Mobility Header hand-up to the daemon). Expected
frames are built here from RFC 2473 / RFC 4443 / RFC 6275 and the xmip6
data-plane spec (see the comments at each builder), never from the BPF code.
The runner (build/selftests/prog_run) loads the skeleton without pinning,
resets the maps before each fixture and prints retval, output, counters and
the bindings map before and after the run: every fixture also checks that
the bindings are unchanged except for a tunnel MTU it expects to be learnt.

bpf_fib_lookup() runs in the runner's network namespace, so the runner runs
in a private namespace (xmdp<pid>) with this topology:

  xa0 (2001:db8:1::1/64, MTU 1500) <-veth-> xa1
      2001:db8:1::2  PERMANENT neighbour, MAC NH_A
      2001:db8:1::3  no neighbour entry
  xb0 (2001:db8:2::1/64, MTU 1400) <-veth-> xb1
      2001:db8:2::2  PERMANENT neighbour, MAC NH_B

  2001:db8:c0a::/48 2001:db8:cafe::/48 2001:db8:a::/48  via 2001:db8:1::2 (xa0)
  2001:db8:c0b::/48 2001:db8:cafd::/48 2001:db8:b::/48  via 2001:db8:1::3 (xa0, NO_NEIGH)
  2001:db8:c0c::/48                    2001:db8:c::/48  via 2001:db8:2::2 (xb0, MTU 1400)

Prints TAP ("ok - ...", "not ok - ...", "# ..."); exits 1 if anything failed.
Environment: XMIP6_BUILD (build directory), XMIP6_VERBOSE=1 (print all diffs).
"""

import atexit
import ipaddress
import json
import os
import random
import signal
import subprocess
import sys

# Scapy prints warnings about routes it cannot resolve; they do not matter here.
import logging

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.layers.inet import IP, TCP, UDP  # noqa: E402
from scapy.layers.inet6 import (  # noqa: E402
    HAO, ICMPv6DestUnreach, ICMPv6EchoRequest, ICMPv6PacketTooBig, IPv6, IPv6ExtHdrDestOpt,
    IPv6ExtHdrFragment, IPv6ExtHdrHopByHop, IPv6ExtHdrRouting, PadN,
)
from scapy.layers.l2 import ARP, Dot1Q, Ether  # noqa: E402
from scapy.packet import Raw  # noqa: E402
from scapy.layers.inet6 import (  # noqa: E402
    ICMPv6MPSol,
    MIP6MH_BA,
    MIP6MH_BRR,
    MIP6MH_BU,
    MIP6MH_CoT,
    MIP6MH_Generic,
    MIP6MH_HoT,
    MIP6MH_HoTI,
)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("XMIP6_BUILD", os.path.join(ROOT, "build"))
RUNNER = os.path.join(BUILD, "selftests", "prog_run")
NS = "xmdp%d" % os.getpid()
VERBOSE = os.environ.get("XMIP6_VERBOSE") == "1"

# ------------------------------------------------------------------ constants

XDP_ABORTED, XDP_DROP, XDP_PASS, XDP_TX, XDP_REDIRECT = 0, 1, 2, 3, 4
TC_ACT_OK, TC_ACT_SHOT, TC_ACT_REDIRECT = 0, 2, 7
XDP_NAMES = {0: "XDP_ABORTED", 1: "XDP_DROP", 2: "XDP_PASS", 3: "XDP_TX", 4: "XDP_REDIRECT"}
TC_NAMES = {-1: "TC_ACT_UNSPEC", 0: "TC_ACT_OK", 2: "TC_ACT_SHOT", 7: "TC_ACT_REDIRECT"}

ROLE_HA, ROLE_MN, ROLE_CN = 1, 2, 3
CFG_F_SIGNAL = 0x1  # XMIP6_CFG_F_SIGNAL
CFG_F_MR = 0x80  # XMIP6_CFG_F_MR
CFG_F_ADMIT = 0x4  # XMIP6_CFG_F_ADMIT
SNAP_TAKEN = 0x1  # XMIP6_SNAP_TAKEN
SNAP_BOUND = 0x2  # XMIP6_SNAP_BOUND
SIG_UNLISTED_BURST = 50  # XMIP6_SIG_UNLISTED_BURST
SIGNAL_F_TUNNELLED = 0x1  # XMIP6_SIGNAL_F_TUNNELLED
SIGNAL_F_HAO_UNBOUND = 0x2  # XMIP6_SIGNAL_F_HAO_UNBOUND
SIGNAL_F_MPS = 0x8  # XMIP6_SIGNAL_F_MPS
MARK_SIGNAL = 0x6d697036  # XMIP6_MARK_SIGNAL, "mip6"
SIGNAL_MAX_LEN = 1280  # XMIP6_SIGNAL_MAX_LEN
SIGNAL_RING_SIZE = 256 * 1024  # XMIP6_SIGNAL_RING_SIZE
TUNNEL_HLIM = 64  # rodata tunnel_hop_limit default
PTB_HLIM = 64
IPV6_MIN_MTU = 1280

# Topology (MACs are locally administered and fixed so outputs are deterministic).
MAC_A0, MAC_A1, MAC_NH_A = "02:00:5e:00:0a:00", "02:00:5e:00:0a:01", "02:00:5e:00:0a:02"
MAC_B0, MAC_B1, MAC_NH_B = "02:00:5e:00:0b:00", "02:00:5e:00:0b:01", "02:00:5e:00:0b:02"
MAC_PEER = "02:00:5e:00:0a:99"  # sender of the frames the XDP programs receive
MAC_OLD = "02:00:5e:00:0a:fe"  # next hop the stack chose before TC egress
MTU_B = 1400

# Home agent side.
HA_ADDR = "2001:db8:1::1"
HOA = "2001:db8:40::100"  # binding -> COA (neighbour known, via xa0)
HOA_NN = "2001:db8:40::200"  # binding -> COA_NN (no neighbour)
HOA_SMALL = "2001:db8:40::300"  # binding -> COA_SMALL (via xb0, MTU 1400)
HOA_EXP = "2001:db8:40::400"  # expired binding
HOA_FUT = "2001:db8:40::500"  # binding expiring in an hour
HOA_NONE = "2001:db8:40::999"  # no binding
COA = "2001:db8:c0a::100"
COA_NN = "2001:db8:c0b::100"
COA_SMALL = "2001:db8:c0c::100"
CN = "2001:db8:cafe::1"
CN_NN = "2001:db8:cafd::1"

# Mobile node side.
MN_COA = "2001:db8:1::1"
MN_COA_B = "2001:db8:2::1"
MN_HA = "2001:db8:a::1"
MN_HA_NN = "2001:db8:b::1"
MN_HA_SMALL = "2001:db8:c::1"


def B(home, coa, ha, **kw):
    d = {"home": home, "coa": coa, "ha": ha}
    d.update(kw)
    return d


HA_CONFIG = {"role": ROLE_HA, "ha_addr": HA_ADDR}
HA_BINDINGS = [
    B(HOA, COA, HA_ADDR),
    B(HOA_NN, COA_NN, HA_ADDR),
    B(HOA_SMALL, COA_SMALL, HA_ADDR),
    B(HOA_EXP, COA, HA_ADDR, expires_in_ms=-2000, lifetime_s=10),
    B(HOA_FUT, COA, HA_ADDR, expires_in_ms=3600 * 1000, lifetime_s=3600),
]
MN_CONFIG = {"role": ROLE_MN, "ha_addr": MN_HA}
MN_BINDINGS = [B(HOA, MN_COA, MN_HA)]

# Interface indexes in the namespace (filled by netns_create()).
IFINDEX = {}

# ------------------------------------------------------------------ TAP

N_PASS = 0
N_FAIL = 0


def tap(ok, desc, diag=(), skip=None):
    global N_PASS, N_FAIL
    if skip is not None:
        print("ok - %s # SKIP %s" % (desc, skip))
        N_PASS += 1
    elif ok:
        print("ok - %s" % desc)
        N_PASS += 1
    else:
        print("not ok - %s" % desc)
        N_FAIL += 1
    if not ok or VERBOSE:
        for line in diag:
            print("#   %s" % line)
    sys.stdout.flush()


# ------------------------------------------------------------------ netns


def sh(*args, check=True):
    r = subprocess.run(args, capture_output=True, text=True)
    if check and r.returncode != 0:
        raise RuntimeError("%s: %s" % (" ".join(args), r.stderr.strip()))
    return r


NS_CREATED = False


def netns_delete():
    global NS_CREATED
    if NS_CREATED:
        sh("ip", "netns", "delete", NS, check=False)
        NS_CREATED = False


def netns_create():
    global NS_CREATED
    sh("ip", "netns", "add", NS)
    NS_CREATED = True
    ip = ("ip", "-n", NS)
    nsx = ("ip", "netns", "exec", NS)
    sh(*nsx, "sysctl", "-qw", "net.ipv6.conf.default.accept_dad=0",
       "net.ipv6.conf.default.forwarding=1", "net.ipv6.conf.all.forwarding=1")
    sh(*ip, "link", "set", "lo", "up")
    sh(*ip, "link", "add", "xa0", "address", MAC_A0, "type", "veth",
       "peer", "name", "xa1", "address", MAC_A1)
    sh(*ip, "link", "add", "xb0", "address", MAC_B0, "mtu", str(MTU_B), "type", "veth",
       "peer", "name", "xb1", "address", MAC_B1, "mtu", str(MTU_B))
    sh(*nsx, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1")
    for dev in ("xa0", "xa1", "xb0", "xb1"):
        sh(*ip, "link", "set", dev, "up")
    sh(*ip, "-6", "addr", "add", "2001:db8:1::1/64", "dev", "xa0", "nodad")
    sh(*ip, "-6", "addr", "add", "2001:db8:2::1/64", "dev", "xb0", "nodad")
    sh(*ip, "-6", "neigh", "replace", "2001:db8:1::2", "lladdr", MAC_NH_A, "dev", "xa0",
       "nud", "permanent")
    sh(*ip, "-6", "neigh", "replace", "2001:db8:2::2", "lladdr", MAC_NH_B, "dev", "xb0",
       "nud", "permanent")
    routes = [
        ("2001:db8:c0a::/48", "2001:db8:1::2", "xa0"),
        ("2001:db8:cafe::/48", "2001:db8:1::2", "xa0"),
        ("2001:db8:a::/48", "2001:db8:1::2", "xa0"),
        ("2001:db8:c0b::/48", "2001:db8:1::3", "xa0"),
        ("2001:db8:cafd::/48", "2001:db8:1::3", "xa0"),
        ("2001:db8:b::/48", "2001:db8:1::3", "xa0"),
        ("2001:db8:c0c::/48", "2001:db8:2::2", "xb0"),
        ("2001:db8:c::/48", "2001:db8:2::2", "xb0"),
    ]
    for prefix, via, dev in routes:
        sh(*ip, "-6", "route", "add", prefix, "via", via, "dev", dev)
    # The MACs the FIB will return are the ones we asked for.
    links = json.loads(sh(*ip, "-j", "link", "show").stdout)
    macs = {link["ifname"]: link.get("address") for link in links}
    IFINDEX.update({link["ifname"]: link["ifindex"] for link in links})
    if macs.get("xa0") != MAC_A0 or macs.get("xb0") != MAC_B0:
        raise RuntimeError("unexpected interface MACs: %s" % macs)


def on_signal(signum, frame):
    raise SystemExit(128 + signum)


# ------------------------------------------------------------------ runner


def run_fixtures(fixtures, env=None):
    """Runs the fixtures (dicts) in the namespace; returns one result per fixture.
    env: more environment for prog_run (PROG_RUN_BINDING_COUNTERS)."""
    r = subprocess.run(["nsenter", "--net=/run/netns/" + NS, RUNNER],
                       input=json.dumps(fixtures), capture_output=True, text=True, timeout=600,
                       env=dict(os.environ, **(env or {})))
    results = [json.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]
    if r.returncode != 0 or len(results) != len(fixtures):
        raise RuntimeError("prog_run exited %d with %d/%d results: %s"
                           % (r.returncode, len(results), len(fixtures), r.stderr.strip()[-2000:]))
    return results


# ------------------------------------------------------------------ expected frames
#
# Everything below follows the RFCs and the spec, written independently of
# bpf/: the outer header of IPv6-in-IPv6 (RFC 2473 section 3.1, RFC 6275
# sections 10.4.2/11.3.1), the Packet Too Big error (RFC 4443 sections 2.4
# and 3.2) and the xmip6 rules (tc/flow label copy, hop limits, MACs).


def ip6_bytes(frame):
    """The IPv6 packet of an Ethernet frame."""
    return bytes(frame)[14:]


def with_hlim(ip6, delta):
    """An IPv6 packet with its hop limit (byte 7, RFC 8200 section 3) changed."""
    b = bytearray(ip6)
    b[7] = (b[7] + delta) & 0xff
    return bytes(b)


def encap(inner, src, dst, tc, fl, eth_src, eth_dst):
    """Ethernet / outer IPv6 (nh 41, hop limit 64) / inner packet bytes."""
    return bytes(Ether(dst=eth_dst, src=eth_src) /
                 IPv6(src=src, dst=dst, nh=41, hlim=TUNNEL_HLIM, tc=tc, fl=fl) /
                 Raw(inner))


def decap(inner, eth_src, eth_dst):
    return bytes(Ether(dst=eth_dst, src=eth_src, type=0x86dd) / Raw(inner))


def ptb(frame_in, src, mtu):
    """ICMPv6 Packet Too Big to the invoking packet's source, MACs swapped,
    quoting as much of it as fits in 1280 bytes (RFC 4443 section 2.4 (c))."""
    eth = Ether(frame_in)
    orig = ip6_bytes(frame_in)
    quote = orig[:IPV6_MIN_MTU - 40 - 8]
    out = bytes(Ether(dst=eth.src, src=eth.dst) /
                IPv6(src=src, dst=IPv6(orig).src, hlim=PTB_HLIM) /
                ICMPv6PacketTooBig(mtu=mtu) / Raw(quote))
    assert len(out) == 14 + IPV6_MIN_MTU
    return out


def payload(n):
    """n deterministic payload bytes."""
    return bytes((i * 7 + 3) & 0xff for i in range(n))


def udp_packet(src, dst, hlim=64, tc=0, fl=0, sport=4000, dport=5000, size=None, data_len=64):
    """An IPv6/UDP packet; size = total IPv6 length if given."""
    if size is not None:
        data_len = size - 40 - 8
    return IPv6(src=src, dst=dst, hlim=hlim, tc=tc, fl=fl) / UDP(sport=sport, dport=dport) / \
        Raw(payload(data_len))


def frame(pkt, src=MAC_PEER, dst=MAC_A0):
    return bytes(Ether(src=src, dst=dst) / pkt)


# Masks: parts of the output the spec leaves open, zeroed on both sides.


def outer_label(b):
    return ((b[15] & 0x0f) << 16) | (b[16] << 8) | b[17]


def mask_label(b):
    b = bytearray(b)
    b[15] &= 0xf0
    b[16] = b[17] = 0
    return bytes(b)


def mask_macs(b):
    return bytes(12) + bytes(b[12:])


def mask_label_and_macs(b):
    return mask_macs(mask_label(b))


# ------------------------------------------------------------------ fixtures

UNTOUCHED = "untouched"


class Fx:
    """One program run. learnt = {home: tunnel MTU} for bindings whose tunnel
    MTU the run must set (expiring now + XMIP6_TUNNEL_MTU_AGE_S); every other
    field of every binding must be left exactly as it was. gso_size makes the
    TC input skb a GSO one; kernel_gap names what BPF_PROG_TEST_RUN cannot
    do: a run ending in exactly internal_error then prints a "# skip" line.
    signals lists the records the run must leave in the signal ring, in
    order, as Sig(); None skips that check. mark is the TC skb's mark and
    repeat the test run's repeat count. admit lists the home addresses of the
    HA's "admit" map (its mobile-nodes list), prefixes the (prefix, router's
    home address) pairs of its "prefixes" map (NEMO). ctr = {home: (to_mn packets,
    to_mn bytes, from_mn packets, from_mn bytes)} is what "binding_ctr" must
    hold after the run (every other home address: nothing); None: nothing
    unless the fixture expects a forwarding verdict (FORWARD_STATS)."""

    def __init__(self, desc, prog, data, verdict, stats, out=UNTOUCHED, ifname="xa0",
                 bindings=None, config=None, mask=None, check=None, meta=0, skip_einval=None,
                 learnt=None, gso_size=0, kernel_gap=None, signals=(), mark=0, repeat=0,
                 admit=None, nh_gen=0, runs=1, nh_keep=False, ctr=None, nh_flags=0,
                 prefixes=None, mr_prefixes=None, if_mac=UNTOUCHED):
        self.desc = desc
        self.prog = prog
        self.data = bytes(data)
        self.verdict = verdict
        self.stats = stats
        self.out = self.data if out is UNTOUCHED else (None if out is None else bytes(out))
        self.ifname = ifname
        self.bindings = bindings
        self.config = config
        self.mask = mask
        self.check = check
        self.meta = meta
        self.skip_einval = skip_einval  # SKIP reason if the kernel refuses the run
        self.learnt = learnt or {}
        self.gso_size = gso_size
        self.kernel_gap = kernel_gap
        self.signals = None if signals is None else list(signals)
        self.mark = mark
        self.repeat = repeat
        self.admit = admit
        self.nh_gen = nh_gen
        self.runs = runs
        self.nh_keep = nh_keep
        self.ctr = ctr
        self.ctr_none = False  # not even an entry of zeros in "binding_ctr"
        self.nh_flags = nh_flags
        self.prefixes = prefixes
        self.mr_prefixes = mr_prefixes
        self.if_mac = if_mac  # "if_macs" entry: the interface's own unless given, None: none
        # prefixes without the copy of their router's binding (bpf/nemo.h): as written by hand
        self.prefix_by_home = False

    def json(self):
        d = {"name": self.desc, "prog": self.prog, "data": self.data.hex(),
             "ifname": self.ifname}
        if self.bindings is not None:
            d["bindings"] = self.bindings
        if self.config is not None:
            d["config"] = self.config
        if self.meta:
            d["meta"] = self.meta
        if self.gso_size:
            d["gso_size"] = self.gso_size
        if self.mark:
            d["mark"] = self.mark
        if self.repeat:
            d["repeat"] = self.repeat
        if self.admit is not None:
            d["admit"] = self.admit
        if self.nh_gen:
            d["nh_gen"] = self.nh_gen
        if self.runs > 1:
            d["runs"] = self.runs
        if self.nh_keep:
            d["nh_keep"] = True
        if self.nh_flags:
            d["nh_flags"] = self.nh_flags
        if self.prefixes is not None:
            d["prefixes"] = [{"prefix": p, "home": h} for p, h in self.prefixes]
        if self.mr_prefixes is not None:
            d["mr_prefixes"] = [{"prefix": p, "home": h} for p, h in self.mr_prefixes]
        if self.if_mac is not UNTOUCHED:
            d["if_mac"] = self.if_mac
        if self.prefix_by_home:
            d["prefix_by_home"] = True
        return d


class Sig:
    """An expected signal record: the IPv6 packet the daemon must get, the
    interface it arrived on and the XMIP6_SIGNAL_F_* flags; snap, the
    binding the HA program must put with it (headers/xmip6.h struct
    xmip6_signal_snap) as {"flags", "home", "coa", "seq"} (only "flags" when
    it found none), None for none taken."""

    def __init__(self, packet, ifname="xa0", flags=0, snap=None):
        self.packet = bytes(packet)
        self.snap = snap
        self.ifname = ifname
        self.flags = flags


# rx_ns is CLOCK_MONOTONIC_COARSE at reception, drained right after the run.
RX_NS_MAX_AGO = 10 * 10**9


def check_signals(expected, got):
    """Compares the drained records with the expected Sig list."""
    errs = []
    if len(got) != len(expected):
        errs.append("signal records: expected %d got %d" % (len(expected), len(got)))
    for i, (exp, rec) in enumerate(zip(expected, got)):
        packet = bytes.fromhex(rec["packet"])
        want = {"ifindex": IFINDEX[exp.ifname], "len": len(exp.packet), "flags": exp.flags}
        for k, v in want.items():
            if rec[k] != v:
                errs.append("signal record %d: %s expected %d got %d" % (i, k, v, rec[k]))
        if not 0 <= rec["rx_ns_ago"] < RX_NS_MAX_AGO:
            errs.append("signal record %d: rx_ns %d is %+.3f s from the drain, not just before"
                        % (i, rec["rx_ns"], rec["rx_ns_ago"] / 1e9))
        snap = exp.snap or {"flags": 0}
        got_snap = {k: rec.get("snap_" + k) for k in snap}
        if got_snap != snap:
            errs.append("signal record %d: binding with it %s, expected %s" % (i, got_snap, snap))
        if snap["flags"] and not 0 <= rec["snap_at_ns_ago"] < RX_NS_MAX_AGO:
            errs.append("signal record %d: the binding's read time is %+.3f s from the drain"
                        % (i, rec["snap_at_ns_ago"] / 1e9))
        if packet != exp.packet:
            errs.append("signal record %d: packet differs from the expected IPv6 packet "
                        "(offsets below count a 14-byte Ethernet header in front):" % i)
            eth = bytes(Ether(src=MAC_PEER, dst=MAC_A0, type=0x86dd))
            errs += frame_diff(eth + exp.packet, eth + packet)
            break
    return errs


def verdict_name(prog, v):
    names = XDP_NAMES if prog.startswith("xdp") else TC_NAMES
    return names.get(v, str(v))


def show(b):
    try:
        return Ether(b).show(dump=True).splitlines()
    except Exception as e:  # noqa: BLE001 - a diff must never crash the test
        return ["(cannot dissect: %s) %s" % (e, b.hex())]


def frame_diff(exp, got):
    lines = []
    n = min(len(exp), len(got))
    first = next((i for i in range(n) if exp[i] != got[i]), n)
    lines.append("length expected %d got %d, first difference at byte %d" %
                 (len(exp), len(got), first))
    lo = max(0, first - 8)
    lines.append("expected[%d:]: %s" % (lo, exp[lo:lo + 32].hex()))
    lines.append("got     [%d:]: %s" % (lo, got[lo:lo + 32].hex()))
    exp_show, got_show = show(exp), show(got)
    lines.append("---- expected (Scapy)")
    lines += [s[:160] for s in exp_show[:80]]
    lines.append("---- got (Scapy)")
    lines += [s[:160] for s in got_show[:80]]
    return lines


TUNNEL_MTU_AGE_NS = 600 * 10**9  # XMIP6_TUNNEL_MTU_AGE_S (RFC 8201 section 4)
# The BPF side stamps with the coarse clock (up to a tick behind CLOCK_MONOTONIC)
# before prog_run reads the map, so "now + 600 s" is at most 600 s from then.
AGE_SLACK_NS = 5 * 10**9


def addr(a):
    return ipaddress.IPv6Address(a).compressed


def check_bindings(learnt, res):
    """The bindings after the run: as before, except that each home address
    in learnt has that tunnel_mtu, valid for XMIP6_TUNNEL_MTU_AGE_S from now."""
    errs = []
    before = {addr(b["home"]): b for b in res.get("bindings_before", [])}
    after = {addr(b["home"]): b for b in res.get("bindings_after", [])}
    learnt = {addr(h): m for h, m in learnt.items()}
    if set(before) != set(after):
        errs.append("bindings map keys changed: before %s after %s"
                    % (sorted(before), sorted(after)))
    for home in sorted(learnt):
        if home not in before:
            errs.append("fixture error: no binding %s to learn into" % home)
    for home in sorted(set(before) & set(after)):
        b, a = before[home], after[home]
        same = [k for k in b if k != "tunnel_mtu_expires_in_ns"]
        if home in learnt:
            same = [k for k in same if k not in ("tunnel_mtu", "tunnel_mtu_expires_ns")]
            if a["tunnel_mtu"] != learnt[home]:
                errs.append("binding %s: tunnel_mtu expected %d got %d (was %d)"
                            % (home, learnt[home], a["tunnel_mtu"], b["tunnel_mtu"]))
            rel = a["tunnel_mtu_expires_in_ns"]
            if not (a["tunnel_mtu_expires_ns"] and
                    TUNNEL_MTU_AGE_NS - AGE_SLACK_NS <= rel <= TUNNEL_MTU_AGE_NS):
                errs.append("binding %s: tunnel_mtu_expires_ns expected now + 600 s, got %d "
                            "(now %+.3f s; before the run now %+.3f s)"
                            % (home, a["tunnel_mtu_expires_ns"], rel / 1e9,
                               b["tunnel_mtu_expires_in_ns"] / 1e9))
        for k in same:
            if a[k] != b[k]:
                errs.append("binding %s: %s changed from %s to %s" % (home, k, b[k], a[k]))
    return errs


def kernel_gap_hit(fx, res):
    """True when a kernel_gap fixture ran into it: the test run cannot build
    the skb, so the program's last helper call failed (internal_error)."""
    if not fx.kernel_gap or res["err"] != 0 or res["retval"] != TC_ACT_SHOT:
        return False
    return {k: v for k, v in res["stats"].items() if v} == {"internal_error": 1}


# The verdicts that forward a packet of a binding (headers/xmip6.h
# "binding_ctr"): a fixture expecting none of them must leave no counter.
FORWARD_STATS = {"ha_encap_fwd", "ha_encap_stack", "ha_decap_fwd", "ha_decap_stack",
                 "ha_decap_reencap", "ha_local_encap", "mn_decap", "mn_encap",
                 "cn_hao_accept", "cn_rh2_insert"}


def check_ctr(fx, res):
    """The per-binding counters after the run against fx.ctr (see Fx)."""
    want = fx.ctr
    if want is None:
        if FORWARD_STATS & {k for k, v in fx.stats.items() if v}:
            return []
        want = {}
    want = {addr(h): tuple(v) for h, v in want.items()}
    got = {addr(c["home"]): (c["to_mn_packets"], c["to_mn_bytes"], c["from_mn_packets"],
                             c["from_mn_bytes"]) for c in res.get("binding_ctr_after", [])}
    if fx.ctr_none and res.get("binding_ctr_after"):
        return ["binding_ctr: expected no entry at all (counters off), got %d"
                % len(res["binding_ctr_after"])]
    got = {h: v for h, v in got.items() if any(v)}
    if got == want:
        return []
    return ["binding_ctr (to_mn packets, bytes, from_mn packets, bytes): expected %s got %s"
            % (sorted(want.items()), sorted(got.items()))]


def evaluate(fx, res, stat_names):
    """Returns (ok, diagnostics, skip reason or None)."""
    diag = []
    if res["err"] != 0:
        if fx.skip_einval and res["err"] == -22:
            return True, [], fx.skip_einval
        return False, ["test run failed: err %d" % res["err"]], None
    got = bytes.fromhex(res["data_out"])
    ok = True
    if res["retval"] != fx.verdict:
        ok = False
        diag.append("verdict expected %s got %s" % (verdict_name(fx.prog, fx.verdict),
                                                     verdict_name(fx.prog, res["retval"])))
    stats = res["stats"]
    for name in fx.stats:
        if name not in stat_names:
            raise KeyError("fixture %r names unknown counter %s" % (fx.desc, name))
    for name in stat_names:
        want = fx.stats.get(name, 0)
        if stats[name] != want:
            ok = False
            diag.append("counter %s expected +%d got +%d" % (name, want, stats[name]))
    if fx.out is not None:
        exp_cmp, got_cmp = fx.out, got
        if fx.mask:
            exp_cmp, got_cmp = fx.mask(fx.out), fx.mask(got)
        if exp_cmp != got_cmp:
            ok = False
            diag.append("output frame differs%s:" % (" (after masking)" if fx.mask else ""))
            diag += frame_diff(exp_cmp, got_cmp)
    if fx.check:
        errs = fx.check(got)
        if errs:
            ok = False
            diag += errs
    errs = check_bindings(fx.learnt, res) + check_ctr(fx, res)
    if errs:
        ok = False
        diag += errs
    if fx.signals is not None:
        errs = check_signals(fx.signals, res["signals"])
        if errs:
            ok = False
            diag += errs
    if not ok:
        diag.append("input: %s" % fx.data.hex()[:400])
    return ok, diag, None


def check_label_nonzero(b):
    if len(b) < 18 or outer_label(b) == 0:
        return ["outer flow label is 0 (must be a non-zero hash when the inner label is 0)"]
    return []


# ---- xdp_ha


def xdp_ha_fixtures():
    fx = []
    H = dict(bindings=HA_BINDINGS, config=HA_CONFIG)

    # Forward path: packets to a home address are tunnelled to the CoA.
    inner = udp_packet(CN, HOA, hlim=64, tc=0xb8, fl=0xabcde)
    f = frame(inner)
    exp = encap(with_hlim(bytes(inner), -1), HA_ADDR, COA, 0xb8, 0xabcde, MAC_A0, MAC_NH_A)
    fx.append(Fx("xdp_ha: to a home address, FIB egress = ingress: encapsulated, XDP_TX",
                 "xdp_ha", f, XDP_TX, {"ha_encap_fwd": 1}, exp, **H))

    f = frame(inner, dst=MAC_B0)
    fx.append(Fx("xdp_ha: to a home address, FIB egress != ingress: encapsulated, XDP_REDIRECT",
                 "xdp_ha", f, XDP_REDIRECT, {"ha_encap_fwd": 1}, exp, ifname="xb0", **H))

    inner = IPv6(src=CN, dst=HOA, hlim=17, tc=0x03, fl=0x1) / TCP(sport=443, dport=51000,
                                                                    flags="PA") / Raw(payload(300))
    exp = encap(with_hlim(bytes(inner), -1), HA_ADDR, COA, 0x03, 0x1, MAC_A0, MAC_NH_A)
    fx.append(Fx("xdp_ha: TCP to a home address, tc 0x03 fl 1 hlim 17: encapsulated, XDP_TX",
                 "xdp_ha", frame(inner), XDP_TX, {"ha_encap_fwd": 1}, exp, **H))

    inner = IPv6(src=CN, dst=HOA, hlim=2) / ICMPv6EchoRequest(id=7, seq=1, data=payload(56))
    exp = encap(with_hlim(bytes(inner), -1), HA_ADDR, COA, 0, 0, MAC_A0, MAC_NH_A)
    fx.append(Fx("xdp_ha: echo request, hop limit 2, flow label 0: encapsulated, label hashed",
                 "xdp_ha", frame(inner), XDP_TX, {"ha_encap_fwd": 1}, exp,
                 mask=mask_label, check=check_label_nonzero, **H))

    # Flow label 0: a per-flow hash (checked across fixtures in label_checks()).
    for tag, sport in (("flow A", 1000), ("flow A again", 1000), ("flow A, other port", 1001)):
        inner = udp_packet(CN, HOA, hlim=64, tc=0, fl=0, sport=sport, dport=2000)
        exp = encap(with_hlim(bytes(inner), -1), HA_ADDR, COA, 0, 0, MAC_A0, MAC_NH_A)
        fx.append(Fx("xdp_ha: flow label 0 (%s): encapsulated, outer label non-zero" % tag,
                     "xdp_ha", frame(inner), XDP_TX, {"ha_encap_fwd": 1}, exp,
                     mask=mask_label, check=check_label_nonzero, **H))

    inner = udp_packet(CN, HOA_FUT, hlim=64, fl=0x54321)
    exp = encap(with_hlim(bytes(inner), -1), HA_ADDR, COA, 0, 0x54321, MAC_A0, MAC_NH_A)
    fx.append(Fx("xdp_ha: binding expiring in the future: encapsulated, XDP_TX",
                 "xdp_ha", frame(inner), XDP_TX, {"ha_encap_fwd": 1}, exp, **H))

    # No neighbour for the CoA's next hop: the stack resolves it.
    inner = udp_packet(CN, HOA_NN, hlim=64, tc=0x20, fl=0x77777)
    f = frame(inner)
    exp = encap(with_hlim(bytes(inner), -1), HA_ADDR, COA_NN, 0x20, 0x77777, MAC_PEER, MAC_A0)
    fx.append(Fx("xdp_ha: CoA next hop without neighbour: encapsulated, original MACs, XDP_PASS",
                 "xdp_ha", f, XDP_PASS, {"ha_encap_stack": 1}, exp, **H))

    # Hop limit: the stack sends Time Exceeded.
    for hlim in (1, 0):
        f = frame(udp_packet(CN, HOA, hlim=hlim))
        fx.append(Fx("xdp_ha: to a home address with hop limit %d: XDP_PASS untouched" % hlim,
                     "xdp_ha", f, XDP_PASS, {"ha_hop_limit": 1}, **H))

    # Too big for the tunnel: Packet Too Big with the tunnel MTU.
    f = frame(udp_packet(CN, HOA_SMALL, size=MTU_B - 40 + 1, fl=0x12))
    fx.append(Fx("xdp_ha: %d bytes to a CoA behind MTU %d: Packet Too Big mtu %d, XDP_TX"
                 % (MTU_B - 39, MTU_B, MTU_B - 40),
                 "xdp_ha", f, XDP_TX, {"ha_ptb_sent": 1}, ptb(f, HA_ADDR, MTU_B - 40), **H))
    inner = udp_packet(CN, HOA_SMALL, size=MTU_B - 40, fl=0x12)
    exp = encap(with_hlim(bytes(inner), -1), HA_ADDR, COA_SMALL, 0, 0x12, MAC_B0, MAC_NH_B)
    fx.append(Fx("xdp_ha: %d bytes to a CoA behind MTU %d: fits, encapsulated, XDP_REDIRECT"
                 % (MTU_B - 40, MTU_B),
                 "xdp_ha", frame(inner), XDP_REDIRECT, {"ha_encap_fwd": 1}, exp, **H))
    f = frame(IPv6(src=CN, dst=HOA, hlim=30) / TCP(sport=80, dport=40000, flags="A") /
              Raw(payload(1500 - 40 - 20 - 39)))
    fx.append(Fx("xdp_ha: 1461 bytes to a CoA behind MTU 1500: Packet Too Big mtu 1460, XDP_TX",
                 "xdp_ha", f, XDP_TX, {"ha_ptb_sent": 1}, ptb(f, HA_ADDR, 1460), **H))

    # Not ours.
    f = frame(udp_packet(CN, HOA_NONE))
    fx.append(Fx("xdp_ha: to an address without binding: XDP_PASS untouched",
                 "xdp_ha", f, XDP_PASS, {"rx_no_binding": 1}, **H))
    f = frame(udp_packet(CN, HOA_NONE), dst=MAC_B0)
    fx.append(Fx("xdp_ha: no binding, empty map: XDP_PASS untouched",
                 "xdp_ha", f, XDP_PASS, {"rx_no_binding": 1}, ifname="xb0", config=HA_CONFIG))
    mc_bind = HA_BINDINGS + [B("ff0e::1", COA, HA_ADDR), B("ff02::1", COA, HA_ADDR),
                             B("fe80::1", COA, HA_ADDR)]
    f = frame(udp_packet(CN, "ff0e::1"), dst="33:33:00:00:00:01")
    fx.append(Fx("xdp_ha: global multicast destination (even with a binding): XDP_PASS untouched",
                 "xdp_ha", f, XDP_PASS, {"rx_not_unicast": 1}, bindings=mc_bind,
                 config=HA_CONFIG))
    f = frame(udp_packet("fe80::2", "ff02::1", hlim=255))
    fx.append(Fx("xdp_ha: ff02::1 in a unicast MAC frame: XDP_PASS untouched",
                 "xdp_ha", f, XDP_PASS, {"rx_not_unicast": 1}, bindings=mc_bind,
                 config=HA_CONFIG))
    f = frame(udp_packet("fe80::2", "fe80::1"))
    fx.append(Fx("xdp_ha: link-local destination (even with a binding): XDP_PASS untouched",
                 "xdp_ha", f, XDP_PASS, {"rx_not_unicast": 1}, bindings=mc_bind,
                 config=HA_CONFIG))
    f = frame(udp_packet(CN, HOA_EXP))
    fx.append(Fx("xdp_ha: expired binding: treated as none, XDP_PASS untouched",
                 "xdp_ha", f, XDP_PASS, {"expired_binding": 1, "rx_no_binding": 1}, **H))

    # Reverse tunnel: CoA -> HA carrying HoA -> CN.
    def rev(inner, src=COA, dst=HA_ADDR, hlim=60, mac_dst=MAC_A0):
        return frame(IPv6(src=src, dst=dst, nh=41, hlim=hlim) / inner, dst=mac_dst)

    inner = udp_packet(HOA, CN, hlim=64, fl=0x11111)
    exp = decap(with_hlim(bytes(inner), -1), MAC_A0, MAC_NH_A)
    fx.append(Fx("xdp_ha: reverse tunnel from the CoA, FIB egress = ingress: decapsulated, XDP_TX",
                 "xdp_ha", rev(inner), XDP_TX, {"ha_decap_fwd": 1}, exp, **H))
    fx.append(Fx("xdp_ha: reverse tunnel from the CoA, FIB egress != ingress: XDP_REDIRECT",
                 "xdp_ha", rev(inner, mac_dst=MAC_B0), XDP_REDIRECT, {"ha_decap_fwd": 1}, exp,
                 ifname="xb0", **H))
    inner = udp_packet(HOA, CN_NN, hlim=64)
    f = rev(inner)
    fx.append(Fx("xdp_ha: reverse tunnel, CN next hop without neighbour: decapsulated, XDP_PASS",
                 "xdp_ha", f, XDP_PASS, {"ha_decap_stack": 1},
                 decap(bytes(inner), MAC_PEER, MAC_A0), **H))
    inner = udp_packet(HOA, CN, hlim=1)
    f = rev(inner)
    fx.append(Fx("xdp_ha: reverse tunnel, inner hop limit 1: decapsulated, XDP_PASS",
                 "xdp_ha", f, XDP_PASS, {"ha_decap_stack": 1},
                 decap(bytes(inner), MAC_PEER, MAC_A0), **H))
    # Mobile node to mobile node (RFC 6275 sections 10.4.5, 10.4.2): out of
    # the first tunnel, into the second binding's, hop limit decremented once.
    inner = udp_packet(HOA, HOA_SMALL, hlim=64, tc=0x28, fl=0x2468a)
    exp = encap(with_hlim(bytes(inner), -1), HA_ADDR, COA_SMALL, 0x28, 0x2468a, MAC_B0, MAC_NH_B)
    fx.append(Fx("xdp_ha: reverse tunnel to another bound home address: re-tunnelled to its "
                 "CoA, XDP_REDIRECT", "xdp_ha", rev(inner), XDP_REDIRECT,
                 {"ha_decap_reencap": 1, "ha_encap_fwd": 1}, exp, **H))
    inner = udp_packet(HOA, HOA_NN, hlim=64, fl=0x13579)
    exp = encap(with_hlim(bytes(inner), -1), HA_ADDR, COA_NN, 0, 0x13579, MAC_PEER, MAC_A0)
    fx.append(Fx("xdp_ha: reverse tunnel to a bound home address, its CoA without neighbour: "
                 "re-tunnelled, XDP_PASS", "xdp_ha", rev(inner), XDP_PASS,
                 {"ha_decap_reencap": 1, "ha_encap_stack": 1}, exp, **H))
    inner = udp_packet(HOA_NN, HOA, hlim=64, fl=0x97531)
    exp = encap(with_hlim(bytes(inner), -1), HA_ADDR, COA, 0, 0x97531, MAC_A0, MAC_NH_A)
    fx.append(Fx("xdp_ha: reverse tunnel from one mobile node to another on the same link: "
                 "re-tunnelled, XDP_TX", "xdp_ha", rev(inner, src=COA_NN), XDP_TX,
                 {"ha_decap_reencap": 1, "ha_encap_fwd": 1}, exp, **H))
    inner = udp_packet(HOA, HOA_SMALL, hlim=1)
    fx.append(Fx("xdp_ha: reverse tunnel to a bound home address, inner hop limit 1: "
                 "decapsulated, XDP_PASS for Time Exceeded", "xdp_ha", rev(inner), XDP_PASS,
                 {"ha_decap_reencap": 1, "ha_hop_limit": 1},
                 decap(bytes(inner), MAC_PEER, MAC_A0), **H))
    f = rev(udp_packet(HOA, CN), src="2001:db8:c0a::666")
    fx.append(Fx("xdp_ha: reverse tunnel from another source than the CoA: XDP_DROP",
                 "xdp_ha", f, XDP_DROP, {"ha_spoofed_coa": 1}, None, **H))
    f = rev(udp_packet(HOA_NONE, CN))
    fx.append(Fx("xdp_ha: tunnel to our HA address from an unbound inner source: XDP_DROP",
                 "xdp_ha", f, XDP_DROP, {"ha_tunnel_no_binding": 1}, None, **H))
    f = rev(udp_packet(HOA_EXP, CN))
    fx.append(Fx("xdp_ha: tunnel to our HA address, inner source's binding expired: XDP_DROP",
                 "xdp_ha", f, XDP_DROP, {"ha_tunnel_no_binding": 1, "expired_binding": 1},
                 None, **H))
    f = rev(udp_packet(HOA_NONE, CN), dst="2001:db8:99::1")
    fx.append(Fx("xdp_ha: tunnel to another address from an unbound inner source: XDP_PASS",
                 "xdp_ha", f, XDP_PASS, {"rx_no_binding": 1}, **H))
    f = frame(IPv6(src=COA, dst=HA_ADDR, nh=41) / Raw(bytes(IPv6(src=HOA, dst=CN))[:20]))
    fx.append(Fx("xdp_ha: tunnel packet with a truncated inner header: XDP_DROP",
                 "xdp_ha", f, XDP_DROP, {"rx_malformed": 1}, None, **H))
    inner = bytes(udp_packet(HOA, CN, data_len=100))[:40 + 30]
    f = frame(IPv6(src=COA, dst=HA_ADDR, nh=41) / Raw(inner))
    fx.append(Fx("xdp_ha: tunnel packet whose inner payload length exceeds the frame: XDP_DROP",
                 "xdp_ha", f, XDP_DROP, {"rx_malformed": 1}, None, **H))

    # Truncated and garbage frames.
    for n in (0, 1, 13):
        fx.append(Fx("xdp_ha: %d-byte frame: XDP_DROP" % n, "xdp_ha", payload(n), XDP_DROP,
                     {"rx_malformed": 1}, None, meta=16, skip_einval=(
                         "kernel refuses XDP test runs with < ETH_HLEN bytes of data"), **H))
    eth6 = bytes(Ether(src=MAC_PEER, dst=MAC_A0, type=0x86dd))
    full = bytes(udp_packet(CN, HOA))
    fx.append(Fx("xdp_ha: EtherType IPv6 without IPv6 header: XDP_DROP", "xdp_ha", eth6,
                 XDP_DROP, {"rx_malformed": 1}, None, **H))
    fx.append(Fx("xdp_ha: EtherType IPv6 with 39 bytes of header: XDP_DROP", "xdp_ha",
                 eth6 + full[:39], XDP_DROP, {"rx_malformed": 1}, None, **H))
    bad = bytearray(full)
    bad[0] = (4 << 4) | (bad[0] & 0x0f)
    fx.append(Fx("xdp_ha: IPv6 header with version 4: XDP_DROP", "xdp_ha", eth6 + bytes(bad),
                 XDP_DROP, {"rx_malformed": 1}, None, **H))
    f = frame(IPv6(src=CN, dst=HOA, plen=200, nh=17) / Raw(payload(100)))
    fx.append(Fx("xdp_ha: payload length larger than the frame: XDP_DROP", "xdp_ha", f,
                 XDP_DROP, {"rx_malformed": 1}, None, **H))
    f = frame(IPv6(src=CN, dst=HOA, plen=0, nh=0) / Raw(payload(64)))
    fx.append(Fx("xdp_ha: payload length 0 (jumbogram): XDP_PASS untouched", "xdp_ha", f,
                 XDP_PASS, {"rx_jumbo": 1}, **H))
    f = bytes(Ether(src=MAC_PEER, dst="ff:ff:ff:ff:ff:ff") /
              ARP(op=1, hwsrc=MAC_PEER, psrc="192.0.2.1", pdst="192.0.2.2"))
    fx.append(Fx("xdp_ha: ARP: XDP_PASS untouched", "xdp_ha", f, XDP_PASS,
                 {"rx_not_ipv6": 1}, **H))
    f = bytes(Ether(src=MAC_PEER, dst=MAC_A0) / IP(src="192.0.2.1", dst="192.0.2.2") /
              UDP(sport=1, dport=2) / Raw(payload(20)))
    fx.append(Fx("xdp_ha: IPv4: XDP_PASS untouched", "xdp_ha", f, XDP_PASS,
                 {"rx_not_ipv6": 1}, **H))
    f = bytes(Ether(src=MAC_PEER, dst=MAC_A0) / Dot1Q(vlan=10) / udp_packet(CN, HOA))
    fx.append(Fx("xdp_ha: VLAN-tagged IPv6 to a home address: XDP_PASS untouched", "xdp_ha", f,
                 XDP_PASS, {"rx_not_ipv6": 1}, **H))
    return fx


# ---- frames for another host (bpf/l2.h)

MAC_OTHER = "02:00:5e:00:0a:77"  # another host on the link, seen by a flooding bridge


def other_host_fixtures():
    """A unicast frame to another link-layer address than the interface's
    ("if_macs") is the kernel's PACKET_OTHERHOST: passed untouched, counted
    rx_other_host, before anything else looks at it; group frames and
    interfaces without an entry are as before."""
    fx = []
    H = dict(bindings=HA_BINDINGS, config=HA_CONFIG)
    M = dict(bindings=MN_BINDINGS, config=MN_CONFIG)
    inner = udp_packet(CN, HOA, hlim=64, fl=0x1234)
    tunnelled = encap(with_hlim(bytes(inner), -1), HA_ADDR, COA, 0, 0x1234, MAC_A0, MAC_NH_A)
    fx.append(Fx("other host: xdp_ha, to a home address for another MAC: XDP_PASS untouched",
                 "xdp_ha", frame(inner, dst=MAC_OTHER), XDP_PASS, {"rx_other_host": 1}, **H))
    fx.append(Fx("other host: xdp_ha, the same to our MAC: encapsulated, XDP_TX",
                 "xdp_ha", frame(inner), XDP_TX, {"ha_encap_fwd": 1}, tunnelled, **H))
    fx.append(Fx("other host: xdp_ha, reverse tunnel for another MAC: XDP_PASS untouched",
                 "xdp_ha", frame(IPv6(src=COA, dst=HA_ADDR, nh=41) / udp_packet(HOA, CN),
                                 dst=MAC_OTHER), XDP_PASS, {"rx_other_host": 1}, **H))
    f = frame(IPv6(src=CN, dst=HOA, plen=200, nh=17) / Raw(payload(100)), dst=MAC_OTHER)
    fx.append(Fx("other host: xdp_ha, malformed, for another MAC: XDP_PASS (the stack drops it)",
                 "xdp_ha", f, XDP_PASS, {"rx_other_host": 1}, **H))
    mc = frame(udp_packet(CN, "ff0e::1"), dst="33:33:00:00:00:01")
    fx.append(Fx("other host: xdp_ha, multicast MAC: as before (rx_not_unicast)",
                 "xdp_ha", mc, XDP_PASS, {"rx_not_unicast": 1}, **H))
    fx.append(Fx("other host: xdp_ha, no if_macs entry, another MAC: not filtered, XDP_TX",
                 "xdp_ha", frame(inner, dst=MAC_OTHER), XDP_TX,
                 {"ha_encap_fwd": 1, "rx_mac_unknown": 1}, tunnelled, if_mac=None, **H))
    fx.append(Fx("other host: xdp_ha, entry says another address (changed): XDP_PASS",
                 "xdp_ha", frame(inner), XDP_PASS, {"rx_other_host": 1}, if_mac=MAC_OTHER,
                 **H))
    fx.append(Fx("other host: xdp_ha, on xb0 to xb0's MAC: encapsulated, XDP_REDIRECT",
                 "xdp_ha", frame(inner, dst=MAC_B0), XDP_REDIRECT, {"ha_encap_fwd": 1},
                 tunnelled, ifname="xb0", **H))
    fx.append(Fx("other host: xdp_ha, on xb0 to xa0's MAC: XDP_PASS untouched",
                 "xdp_ha", frame(inner), XDP_PASS, {"rx_other_host": 1}, ifname="xb0", **H))
    tun = frame(IPv6(src=MN_HA, dst=MN_COA, nh=41, hlim=50) / udp_packet(CN, HOA),
                dst=MAC_OTHER)
    fx.append(Fx("other host: xdp_mn, tunnel from our HA for another MAC: XDP_PASS untouched",
                 "xdp_mn", tun, XDP_PASS, {"rx_other_host": 1}, **M))
    fx.append(Fx("other host: xdp_cn, for another MAC: XDP_PASS untouched",
                 "xdp_cn", frame(udp_packet(CN, HOA), dst=MAC_OTHER), XDP_PASS,
                 {"rx_other_host": 1}, config={"role": ROLE_CN}))
    fx.append(Fx("other host: xdp_cn, the same to our MAC: as before",
                 "xdp_cn", frame(udp_packet(CN, HOA)), XDP_PASS, {"rx_no_binding": 1},
                 config={"role": ROLE_CN}))
    return fx


# ---- xdp_mn


def xdp_mn_fixtures():
    fx = []
    M = dict(bindings=MN_BINDINGS, config=MN_CONFIG)

    def tun(inner, src=MN_HA, dst=MN_COA):
        return frame(IPv6(src=src, dst=dst, nh=41, hlim=50) / inner)

    inner = udp_packet(CN, HOA, hlim=40, tc=0x10, fl=0x2468)
    fx.append(Fx("xdp_mn: tunnel from our HA to our CoA: decapsulated, hop limit kept, XDP_PASS",
                 "xdp_mn", tun(inner), XDP_PASS, {"mn_decap": 1},
                 decap(bytes(inner), MAC_PEER, MAC_A0), **M))
    inner = IPv6(src=CN, dst=HOA, hlim=1) / ICMPv6EchoRequest(id=1, seq=2)
    fx.append(Fx("xdp_mn: tunnelled echo request with inner hop limit 1: decapsulated, XDP_PASS",
                 "xdp_mn", tun(inner), XDP_PASS, {"mn_decap": 1},
                 decap(bytes(inner), MAC_PEER, MAC_A0), **M))
    fx.append(Fx("xdp_mn: tunnel from another source than our HA: XDP_DROP",
                 "xdp_mn", tun(udp_packet(CN, HOA), src="2001:db8:a::66"), XDP_DROP,
                 {"mn_tunnel_bad_src": 1}, None, **M))
    fx.append(Fx("xdp_mn: tunnel from our HA to another address than our CoA: XDP_DROP",
                 "xdp_mn", tun(udp_packet(CN, HOA), dst="2001:db8:1::77"), XDP_DROP,
                 {"mn_tunnel_bad_src": 1}, None, **M))
    fx.append(Fx("xdp_mn: non-tunnel packet to the home address: XDP_PASS untouched",
                 "xdp_mn", frame(udp_packet(CN, HOA)), XDP_PASS, {"rx_no_binding": 1}, **M))
    fx.append(Fx("xdp_mn: tunnel whose inner destination has no binding: XDP_PASS untouched",
                 "xdp_mn", tun(udp_packet(CN, HOA_NONE)), XDP_PASS, {"rx_no_binding": 1}, **M))
    fx.append(Fx("xdp_mn: tunnel to a home address whose binding expired: XDP_PASS untouched",
                 "xdp_mn", tun(udp_packet(CN, HOA)), XDP_PASS,
                 {"rx_no_binding": 1, "expired_binding": 1},
                 bindings=[B(HOA, MN_COA, MN_HA, expires_in_ms=-2000)], config=MN_CONFIG))
    f = frame(IPv6(src=MN_HA, dst=MN_COA, nh=41) / Raw(bytes(IPv6(src=CN, dst=HOA))[:39]))
    fx.append(Fx("xdp_mn: tunnel packet with a truncated inner header: XDP_DROP",
                 "xdp_mn", f, XDP_DROP, {"rx_malformed": 1}, None, **M))
    f = bytes(Ether(src=MAC_PEER, dst=MAC_A0) / IP(src="192.0.2.1", dst="192.0.2.2"))
    fx.append(Fx("xdp_mn: IPv4: XDP_PASS untouched", "xdp_mn", f, XDP_PASS,
                 {"rx_not_ipv6": 1}, **M))
    return fx


# ---- a mobile router (RFC 3963): its networks through the MN's tunnel (bpf/mr.h)

MR_NET = "2001:db8:50::/64"
MR_HOST = "2001:db8:50::77"


def mr_fixtures():
    """xdp_mn decapsulates for a host in a Mobile Network Prefix, tc_mn_egress
    reverse-tunnels what such a host sends; both only with XMIP6_CFG_F_MR and
    the router's binding, counted on the router's home address."""
    fx = []
    mr_cfg = dict(MN_CONFIG, flags=CFG_F_MR)
    R = dict(bindings=MN_BINDINGS, config=mr_cfg, mr_prefixes=[(MR_NET, HOA)])

    def tun(inner, src=MN_HA, dst=MN_COA):
        return frame(IPv6(src=src, dst=dst, nh=41, hlim=50) / inner)

    inner = udp_packet(CN, MR_HOST, hlim=40, fl=0x77)
    n = len(bytes(inner))
    fx.append(Fx("xdp_mn MR: tunnel from our HA for a host in our prefix: decapsulated, "
                 "XDP_PASS for the kernel to forward", "xdp_mn", tun(inner), XDP_PASS,
                 {"mr_decap": 1}, decap(bytes(inner), MAC_PEER, MAC_A0),
                 ctr={HOA: (1, n, 0, 0)}, **R))
    fx.append(Fx("xdp_mn MR: the same without XMIP6_CFG_F_MR (a mobile node): XDP_PASS untouched",
                 "xdp_mn", tun(inner), XDP_PASS, {"rx_no_binding": 1}, bindings=MN_BINDINGS,
                 config=MN_CONFIG, mr_prefixes=[(MR_NET, HOA)]))
    fx.append(Fx("xdp_mn MR: tunnel for a host in our prefix from another source: XDP_DROP",
                 "xdp_mn", tun(inner, src="2001:db8:a::66"), XDP_DROP,
                 {"mn_tunnel_bad_src": 1}, None, **R))
    fx.append(Fx("xdp_mn MR: tunnel for an address in no prefix: XDP_PASS untouched",
                 "xdp_mn", tun(udp_packet(CN, "2001:db8:51::1")), XDP_PASS,
                 {"rx_no_binding": 1}, **R))
    fx.append(Fx("xdp_mn MR: our binding expired (at home): XDP_PASS untouched",
                 "xdp_mn", tun(inner), XDP_PASS, {"rx_no_binding": 1, "expired_binding": 1},
                 bindings=[B(HOA, MN_COA, MN_HA, expires_in_ms=-2000)], config=mr_cfg,
                 mr_prefixes=[(MR_NET, HOA)]))

    inner = udp_packet(MR_HOST, CN, hlim=63, tc=0x28, fl=0x12345)
    f = frame(inner, src=MAC_A0, dst=MAC_OLD)
    exp = encap(bytes(inner), MN_COA, MN_HA, 0x28, 0x12345, MAC_A0, MAC_NH_A)
    fx.append(Fx("tc_mn_egress MR: forwarded from a host in our prefix: reverse-tunnelled "
                 "CoA -> HA, TC_ACT_OK", "tc_mn_egress", f, TC_ACT_OK,
                 {"mr_encap": 1, "mn_encap": 1}, exp, ctr={HOA: (0, 0, 1, len(bytes(inner)))},
                 **R))
    fx.append(Fx("tc_mn_egress MR: the same without XMIP6_CFG_F_MR: TC_ACT_OK untouched",
                 "tc_mn_egress", f, TC_ACT_OK, {"tc_pass": 1}, bindings=MN_BINDINGS,
                 config=MN_CONFIG, mr_prefixes=[(MR_NET, HOA)]))
    f = frame(udp_packet("2001:db8:51::1", CN), src=MAC_A0, dst=MAC_OLD)
    fx.append(Fx("tc_mn_egress MR: from an address in no prefix: TC_ACT_OK untouched",
                 "tc_mn_egress", f, TC_ACT_OK, {"tc_pass": 1}, **R))
    return fx


# ---- tc_mn_egress / tc_ha_egress


def tc_fixtures():
    fx = []
    M = dict(bindings=MN_BINDINGS, config=MN_CONFIG)

    inner = udp_packet(HOA, CN, hlim=64, tc=0x28, fl=0x12345)
    f = frame(inner, src=MAC_A0, dst=MAC_OLD)
    exp = encap(bytes(inner), MN_COA, MN_HA, 0x28, 0x12345, MAC_A0, MAC_NH_A)
    fx.append(Fx("tc_mn_egress: from the home address, FIB egress = skb dev: encapsulated, "
                 "TC_ACT_OK", "tc_mn_egress", f, TC_ACT_OK, {"mn_encap": 1}, exp, **M))
    fx.append(Fx("tc_mn_egress: from the home address, FIB egress != skb dev: encapsulated, "
                 "TC_ACT_REDIRECT", "tc_mn_egress", f, TC_ACT_REDIRECT, {"mn_encap": 1}, exp,
                 ifname="xb0", **M))
    inner = udp_packet(HOA, CN, hlim=1, fl=0)
    f = frame(inner, src=MAC_A0, dst=MAC_OLD)
    exp = encap(bytes(inner), MN_COA, MN_HA, 0, 0, MAC_A0, MAC_NH_A)
    fx.append(Fx("tc_mn_egress: flow label 0, hop limit 1: encapsulated unchanged, label hashed",
                 "tc_mn_egress", f, TC_ACT_OK, {"mn_encap": 1}, exp, mask=mask_label,
                 check=check_label_nonzero, **M))
    inner = udp_packet(HOA, CN, fl=0x5)
    f = frame(inner, src=MAC_A0, dst=MAC_OLD)
    exp = encap(bytes(inner), MN_COA, MN_HA_NN, 0, 0x5, MAC_A0, MAC_OLD)
    fx.append(Fx("tc_mn_egress: HA next hop without neighbour: encapsulated, TC_ACT_REDIRECT "
                 "(MACs not compared)", "tc_mn_egress", f, TC_ACT_REDIRECT, {"mn_encap": 1},
                 exp, mask=mask_macs, bindings=[B(HOA, MN_COA, MN_HA_NN)], config=MN_CONFIG))
    f = frame(udp_packet("2001:db8:1::1", CN), src=MAC_A0, dst=MAC_OLD)
    fx.append(Fx("tc_mn_egress: source is not a home address: TC_ACT_OK untouched",
                 "tc_mn_egress", f, TC_ACT_OK, {"tc_pass": 1}, **M))
    f = frame(udp_packet(HOA, CN), src=MAC_A0, dst=MAC_OLD)
    fx.append(Fx("tc_mn_egress: home address whose binding expired: TC_ACT_OK untouched",
                 "tc_mn_egress", f, TC_ACT_OK, {"tc_pass": 1, "expired_binding": 1},
                 bindings=[B(HOA, MN_COA, MN_HA, expires_in_ms=-2000)], config=MN_CONFIG))
    f = bytes(Ether(src=MAC_A0, dst="ff:ff:ff:ff:ff:ff") /
              ARP(op=1, hwsrc=MAC_A0, psrc="192.0.2.1", pdst="192.0.2.2"))
    fx.append(Fx("tc_mn_egress: ARP: TC_ACT_OK untouched", "tc_mn_egress", f, TC_ACT_OK,
                 {"tc_pass": 1}, **M))
    small = dict(bindings=[B(HOA, MN_COA_B, MN_HA_SMALL)], config=MN_CONFIG, ifname="xb0")
    f = frame(udp_packet(HOA, CN, size=MTU_B - 40 + 1), src=MAC_B0, dst=MAC_OLD)
    fx.append(Fx("tc_mn_egress: %d bytes, HA behind MTU %d: Packet Too Big mtu %d to the "
                 "home address, TC_ACT_REDIRECT" % (MTU_B - 39, MTU_B, MTU_B - 40),
                 "tc_mn_egress", f, TC_ACT_REDIRECT, {"mn_ptb_local": 1},
                 ptb(f, MN_HA_SMALL, MTU_B - 40), **small))
    inner = udp_packet(HOA, CN, size=MTU_B - 40, fl=0x9)
    f = frame(inner, src=MAC_B0, dst=MAC_OLD)
    exp = encap(bytes(inner), MN_COA_B, MN_HA_SMALL, 0, 0x9, MAC_B0, MAC_NH_B)
    fx.append(Fx("tc_mn_egress: %d bytes, HA behind MTU %d: fits, encapsulated, TC_ACT_OK"
                 % (MTU_B - 40, MTU_B), "tc_mn_egress", f, TC_ACT_OK, {"mn_encap": 1}, exp,
                 **small))

    H = dict(bindings=HA_BINDINGS, config=HA_CONFIG)
    inner = IPv6(src=HA_ADDR, dst=HOA, hlim=64, fl=0xfedcb) / ICMPv6EchoRequest(id=3, seq=4)
    f = frame(inner, src=MAC_A0, dst=MAC_OLD)
    exp = encap(bytes(inner), HA_ADDR, COA, 0, 0xfedcb, MAC_A0, MAC_NH_A)
    fx.append(Fx("tc_ha_egress: to a home address: encapsulated, hop limit kept, TC_ACT_OK",
                 "tc_ha_egress", f, TC_ACT_OK, {"ha_local_encap": 1}, exp, **H))
    inner = udp_packet(CN, HOA, hlim=1, tc=0xb8, fl=0x4321)
    f = frame(inner, src=MAC_B0, dst=MAC_OLD)
    exp = encap(bytes(inner), HA_ADDR, COA, 0xb8, 0x4321, MAC_A0, MAC_NH_A)
    fx.append(Fx("tc_ha_egress: forwarded to a home address, hop limit 1, other dev: "
                 "encapsulated, TC_ACT_REDIRECT", "tc_ha_egress", f, TC_ACT_REDIRECT,
                 {"ha_local_encap": 1}, exp, ifname="xb0", **H))
    f = frame(udp_packet(HA_ADDR, HOA_NONE), src=MAC_A0, dst=MAC_OLD)
    fx.append(Fx("tc_ha_egress: to an address without binding: TC_ACT_OK untouched",
                 "tc_ha_egress", f, TC_ACT_OK, {"tc_pass": 1}, **H))
    f = frame(udp_packet(HA_ADDR, HOA_EXP), src=MAC_A0, dst=MAC_OLD)
    fx.append(Fx("tc_ha_egress: to a home address whose binding expired: TC_ACT_OK untouched",
                 "tc_ha_egress", f, TC_ACT_OK, {"tc_pass": 1, "expired_binding": 1}, **H))
    f = frame(udp_packet("fe80::1", "ff02::1", hlim=255), src=MAC_A0, dst="33:33:00:00:00:01")
    fx.append(Fx("tc_ha_egress: multicast: TC_ACT_OK untouched", "tc_ha_egress", f, TC_ACT_OK,
                 {"tc_pass": 1}, **H))
    f = bytes(Ether(src=MAC_A0, dst=MAC_OLD) / IP(src="192.0.2.1", dst="192.0.2.2"))
    fx.append(Fx("tc_ha_egress: IPv4: TC_ACT_OK untouched", "tc_ha_egress", f, TC_ACT_OK,
                 {"tc_pass": 1}, **H))
    return fx


# ---- tunnel path MTU (RFC 2473 section 7.1, RFC 8201)
#
# A Packet Too Big about one of our tunnel packets quotes (RFC 4443 section
# 3.2) the outer header we built, then the inner one. The node at the tunnel
# entry remembers that MTU in the binding and answers later senders whose
# packets no longer fit in it with its own Packet Too Big (tunnel MTU - 40).

ROUTER = "2001:db8:c0a::fe"  # a router on the tunnel path, source of the PTBs
PTB_QUOTE_MAX = IPV6_MIN_MTU - 40 - 8  # RFC 4443 section 2.4 (c)
TUNNEL_QUOTE_MIN = 8 + 40 + 40  # ICMPv6 header + outer + inner IPv6 header


def tunnel_packet(outer_src, outer_dst, inner, nh=41):
    """The tunnel packet a PTB complains about: outer header + inner packet."""
    return bytes(IPv6(src=outer_src, dst=outer_dst, nh=nh, hlim=TUNNEL_HLIM, fl=0x1234) /
                 Raw(bytes(inner)))


def ptb_about(dst, quoted, mtu, src=ROUTER, code=0, quote_len=PTB_QUOTE_MAX, mac_dst=MAC_A0,
              icmp=None):
    """Ethernet / IPv6 src -> dst / ICMPv6 Packet Too Big (or icmp, another
    ICMPv6 error layer) quoting the first quote_len bytes of quoted."""
    err = ICMPv6PacketTooBig(code=code, mtu=mtu) if icmp is None else icmp
    return frame(IPv6(src=src, dst=dst, hlim=60) / err / Raw(quoted[:quote_len]), dst=mac_dst)


def learnt_binding(home, coa, ha, mtu, expires_in_ms):
    return B(home, coa, ha, tunnel_mtu=mtu, tunnel_mtu_expires_in_ms=expires_in_ms)


def with_learnt(bindings, home, mtu, expires_in_ms):
    """bindings with home's tunnel MTU set to mtu, valid for expires_in_ms."""
    return [dict(b, tunnel_mtu=mtu, tunnel_mtu_expires_in_ms=expires_in_ms)
            if b["home"] == home else b for b in bindings]


VALID_MS = 300 * 1000  # a learnt MTU still valid for 5 minutes
EXPIRED_MS = -1000  # a learnt MTU that aged out a second ago


def xdp_ha_pmtu_fixtures():
    fx = []
    H = dict(bindings=HA_BINDINGS, config=HA_CONFIG)
    tun = tunnel_packet(HA_ADDR, COA, udp_packet(CN, HOA, size=1400, fl=0x12))
    learn = "xdp_ha: Packet Too Big to ha_addr about our tunnel packet to %s" % HOA

    fx.append(Fx("%s, mtu 1400: XDP_PASS untouched, binding learns tunnel MTU 1400 for 600 s"
                 % learn, "xdp_ha", ptb_about(HA_ADDR, tun, 1400), XDP_PASS,
                 {"tunnel_pmtu_learned": 1}, learnt={HOA: 1400}, **H))
    fx.append(Fx("%s, mtu 1000: learnt as 1280 (never below the IPv6 minimum)" % learn,
                 "xdp_ha", ptb_about(HA_ADDR, tun, 1000), XDP_PASS,
                 {"tunnel_pmtu_learned": 1}, learnt={HOA: IPV6_MIN_MTU}, **H))
    fx.append(Fx("%s, mtu 0: learnt as 1280" % learn, "xdp_ha", ptb_about(HA_ADDR, tun, 0),
                 XDP_PASS, {"tunnel_pmtu_learned": 1}, learnt={HOA: IPV6_MIN_MTU}, **H))
    fx.append(Fx("%s, quote of exactly 80 bytes (outer + inner header): learnt" % learn,
                 "xdp_ha", ptb_about(HA_ADDR, tun, 1400, quote_len=80), XDP_PASS,
                 {"tunnel_pmtu_learned": 1}, learnt={HOA: 1400}, **H))
    f = ptb_about(HA_ADDR, tunnel_packet(HA_ADDR, COA, udp_packet(CN, HOA_FUT, size=1400)), 1300)
    fx.append(Fx("xdp_ha: PTB mtu 1300 quoting inner destination %s (same CoA as %s): only "
                 "that binding learns 1300" % (HOA_FUT, HOA), "xdp_ha", f, XDP_PASS,
                 {"tunnel_pmtu_learned": 1}, learnt={HOA_FUT: 1300}, **H))

    valid = dict(bindings=with_learnt(HA_BINDINGS, HOA, 1400, VALID_MS), config=HA_CONFIG)
    fx.append(Fx("%s, mtu 1300, learnt 1400 still valid: lowered to 1300, 600 s again" % learn,
                 "xdp_ha", ptb_about(HA_ADDR, tun, 1300), XDP_PASS,
                 {"tunnel_pmtu_learned": 1}, learnt={HOA: 1300}, **valid))
    fx.append(Fx("%s, mtu 1450, learnt 1400 still valid: binding unchanged (not raised, "
                 "lifetime not extended)" % learn, "xdp_ha", ptb_about(HA_ADDR, tun, 1450),
                 XDP_PASS, {"tunnel_pmtu_learned": 1}, **valid))
    expired = dict(bindings=with_learnt(HA_BINDINGS, HOA, 1400, EXPIRED_MS), config=HA_CONFIG)
    fx.append(Fx("%s, mtu 1450, learnt 1400 aged out: learns 1450 for 600 s" % learn,
                 "xdp_ha", ptb_about(HA_ADDR, tun, 1450), XDP_PASS,
                 {"tunnel_pmtu_learned": 1}, learnt={HOA: 1450}, **expired))

    # Not about our tunnel: ordinary traffic to ha_addr (no binding), binding unchanged.
    no = "xdp_ha: not about our tunnel, ordinary packet, XDP_PASS untouched"
    nob = {"rx_no_binding": 1}
    cases = [
        ("PTB whose quoted outer source is not ha_addr",
         ptb_about(HA_ADDR, tunnel_packet(CN, COA, udp_packet(CN, HOA, size=1400)), 1400), nob),
        ("PTB whose quoted outer destination is another binding's CoA",
         ptb_about(HA_ADDR, tunnel_packet(HA_ADDR, COA_NN, udp_packet(CN, HOA, size=1400)),
                   1400), nob),
        ("PTB whose quoted outer next header is 17, not 41",
         ptb_about(HA_ADDR, tunnel_packet(HA_ADDR, COA, udp_packet(CN, HOA, size=1400), nh=17),
                   1400), nob),
        ("PTB about our tunnel packet sent to another address than ha_addr",
         ptb_about("2001:db8:1::5", tun, 1400), nob),
        ("ICMPv6 type 2 code 1 about our tunnel packet",
         ptb_about(HA_ADDR, tun, 1400, code=1), nob),
        ("Destination Unreachable about our tunnel packet",
         ptb_about(HA_ADDR, tun, 0, icmp=ICMPv6DestUnreach(code=3)), nob),
        ("PTB about our tunnel packet quoting only 79 bytes",
         ptb_about(HA_ADDR, tun, 1400, quote_len=TUNNEL_QUOTE_MIN - 8 - 1), nob),
        ("PTB whose quoted inner destination has no binding",
         ptb_about(HA_ADDR, tunnel_packet(HA_ADDR, COA, udp_packet(CN, HOA_NONE, size=1400)),
                   1400), nob),
        ("PTB whose quoted inner destination's binding expired",
         ptb_about(HA_ADDR, tunnel_packet(HA_ADDR, COA, udp_packet(CN, HOA_EXP, size=1400)),
                   1400), {"rx_no_binding": 1, "expired_binding": 1}),
        ("PTB about a reverse-tunnel packet CoA -> HA (inner source is the home address)",
         ptb_about(HA_ADDR, tunnel_packet(COA, HA_ADDR, udp_packet(HOA, CN, size=1400)), 1400),
         nob),
    ]
    for what, f, stats in cases:
        fx.append(Fx("%s: %s" % (what, no), "xdp_ha", f, XDP_PASS, stats, **H))
    # The ICMPv6 message ends where the IPv6 payload ends (RFC 8200 section 3):
    # bytes after it in the frame (link padding, trailers) are no quote.
    f = ptb_about(HA_ADDR, tun, 1400, quote_len=72) + tun[72:80]
    fx.append(Fx("PTB about our tunnel packet whose payload length leaves a 72-byte quote, "
                 "8 more bytes after it in the frame: %s" % no, "xdp_ha", f, XDP_PASS, nob, **H))

    # Sending with a learnt tunnel MTU: the FIB's path MTU is 1500, only the learnt one limits.
    f = frame(udp_packet(CN, HOA, size=1361, fl=0x21))
    fx.append(Fx("xdp_ha: 1361 bytes to a home address, learnt tunnel MTU 1400 (link 1500): "
                 "Packet Too Big mtu 1360, XDP_TX", "xdp_ha", f, XDP_TX, {"ha_ptb_sent": 1},
                 ptb(f, HA_ADDR, 1360), **valid))
    inner = udp_packet(CN, HOA, size=1360, fl=0x21)
    exp = encap(with_hlim(bytes(inner), -1), HA_ADDR, COA, 0, 0x21, MAC_A0, MAC_NH_A)
    fx.append(Fx("xdp_ha: 1360 bytes to a home address, learnt tunnel MTU 1400: fits, "
                 "encapsulated, XDP_TX", "xdp_ha", frame(inner), XDP_TX, {"ha_encap_fwd": 1}, exp,
                 **valid))
    inner = udp_packet(CN, HOA, size=1361, fl=0x21)
    exp = encap(with_hlim(bytes(inner), -1), HA_ADDR, COA, 0, 0x21, MAC_A0, MAC_NH_A)
    fx.append(Fx("xdp_ha: 1361 bytes to a home address, learnt tunnel MTU 1400 aged out: "
                 "encapsulated, XDP_TX", "xdp_ha", frame(inner), XDP_TX, {"ha_encap_fwd": 1},
                 exp, **expired))
    return fx


def xdp_mn_pmtu_fixtures():
    fx = []
    M = dict(bindings=MN_BINDINGS, config=MN_CONFIG)
    tun = tunnel_packet(MN_COA, MN_HA, udp_packet(HOA, CN, size=1400, fl=0x34))
    learn = "xdp_mn: Packet Too Big to our CoA about our reverse-tunnel packet from %s" % HOA

    fx.append(Fx("%s, mtu 1400: XDP_PASS untouched, binding learns tunnel MTU 1400 for 600 s"
                 % learn, "xdp_mn", ptb_about(MN_COA, tun, 1400), XDP_PASS,
                 {"tunnel_pmtu_learned": 1}, learnt={HOA: 1400}, **M))
    fx.append(Fx("%s, mtu 1200: learnt as 1280" % learn, "xdp_mn", ptb_about(MN_COA, tun, 1200),
                 XDP_PASS, {"tunnel_pmtu_learned": 1}, learnt={HOA: IPV6_MIN_MTU}, **M))
    fx.append(Fx("%s, quote of exactly 80 bytes: learnt" % learn, "xdp_mn",
                 ptb_about(MN_COA, tun, 1400, quote_len=80), XDP_PASS,
                 {"tunnel_pmtu_learned": 1}, learnt={HOA: 1400}, **M))
    valid = dict(bindings=[learnt_binding(HOA, MN_COA, MN_HA, 1400, VALID_MS)], config=MN_CONFIG)
    fx.append(Fx("%s, mtu 1300, learnt 1400 still valid: lowered to 1300" % learn, "xdp_mn",
                 ptb_about(MN_COA, tun, 1300), XDP_PASS, {"tunnel_pmtu_learned": 1},
                 learnt={HOA: 1300}, **valid))
    fx.append(Fx("%s, mtu 1450, learnt 1400 still valid: binding unchanged" % learn, "xdp_mn",
                 ptb_about(MN_COA, tun, 1450), XDP_PASS, {"tunnel_pmtu_learned": 1}, **valid))
    expired = dict(bindings=[learnt_binding(HOA, MN_COA, MN_HA, 1400, EXPIRED_MS)],
                   config=MN_CONFIG)
    fx.append(Fx("%s, mtu 1450, learnt 1400 aged out: learns 1450" % learn, "xdp_mn",
                 ptb_about(MN_COA, tun, 1450), XDP_PASS, {"tunnel_pmtu_learned": 1},
                 learnt={HOA: 1450}, **expired))

    no = "xdp_mn: not about our tunnel, ordinary packet, XDP_PASS untouched"
    nob = {"rx_no_binding": 1}
    cases = [
        ("PTB whose quoted inner packet goes TO the home address (source %s)" % CN,
         ptb_about(MN_COA, tunnel_packet(MN_COA, MN_HA, udp_packet(CN, HOA, size=1400)), 1400)),
        ("PTB about our tunnel packet sent to another address than our CoA",
         ptb_about(MN_COA_B, tun, 1400)),
        ("PTB quoting a tunnel packet from our HA to our CoA",
         ptb_about(MN_COA, tunnel_packet(MN_HA, MN_COA, udp_packet(HOA, CN, size=1400)), 1400)),
        ("PTB whose quoted outer destination is another HA",
         ptb_about(MN_COA, tunnel_packet(MN_COA, MN_HA_NN, udp_packet(HOA, CN, size=1400)),
                   1400)),
        ("PTB whose quoted outer source is not our CoA",
         ptb_about(MN_COA, tunnel_packet(MN_COA_B, MN_HA, udp_packet(HOA, CN, size=1400)),
                   1400)),
        ("PTB whose quoted outer next header is 17, not 41",
         ptb_about(MN_COA, tunnel_packet(MN_COA, MN_HA, udp_packet(HOA, CN, size=1400), nh=17),
                   1400)),
        ("ICMPv6 type 2 code 1 about our tunnel packet", ptb_about(MN_COA, tun, 1400, code=1)),
        ("PTB about our tunnel packet quoting only 79 bytes",
         ptb_about(MN_COA, tun, 1400, quote_len=TUNNEL_QUOTE_MIN - 8 - 1)),
    ]
    for what, f in cases:
        fx.append(Fx("%s: %s" % (what, no), "xdp_mn", f, XDP_PASS, nob, **M))
    return fx


def tc_pmtu_fixtures():
    fx = []
    valid = dict(bindings=[learnt_binding(HOA, MN_COA, MN_HA, 1400, VALID_MS)], config=MN_CONFIG)
    expired = dict(bindings=[learnt_binding(HOA, MN_COA, MN_HA, 1400, EXPIRED_MS)],
                   config=MN_CONFIG)
    f = frame(udp_packet(HOA, CN, size=1361, fl=0x56), src=MAC_A0, dst=MAC_OLD)
    fx.append(Fx("tc_mn_egress: 1361 bytes, learnt tunnel MTU 1400 (link 1500): Packet Too Big "
                 "mtu 1360 from the HA to the home address, TC_ACT_REDIRECT", "tc_mn_egress", f,
                 TC_ACT_REDIRECT, {"mn_ptb_local": 1}, ptb(f, MN_HA, 1360), **valid))
    inner = udp_packet(HOA, CN, size=1360, fl=0x56)
    exp = encap(bytes(inner), MN_COA, MN_HA, 0, 0x56, MAC_A0, MAC_NH_A)
    fx.append(Fx("tc_mn_egress: 1360 bytes, learnt tunnel MTU 1400: fits, encapsulated, "
                 "TC_ACT_OK", "tc_mn_egress", frame(inner, src=MAC_A0, dst=MAC_OLD), TC_ACT_OK,
                 {"mn_encap": 1}, exp, **valid))
    inner = udp_packet(HOA, CN, size=1361, fl=0x56)
    exp = encap(bytes(inner), MN_COA, MN_HA, 0, 0x56, MAC_A0, MAC_NH_A)
    fx.append(Fx("tc_mn_egress: 1361 bytes, learnt tunnel MTU 1400 aged out: encapsulated, "
                 "TC_ACT_OK", "tc_mn_egress", frame(inner, src=MAC_A0, dst=MAC_OLD), TC_ACT_OK,
                 {"mn_encap": 1}, exp, **expired))

    valid = dict(bindings=with_learnt(HA_BINDINGS, HOA, 1400, VALID_MS), config=HA_CONFIG)
    expired = dict(bindings=with_learnt(HA_BINDINGS, HOA, 1400, EXPIRED_MS), config=HA_CONFIG)
    f = frame(udp_packet(HA_ADDR, HOA, size=1361, fl=0x78), src=MAC_A0, dst=MAC_OLD)
    fx.append(Fx("tc_ha_egress: 1361 bytes to a home address, learnt tunnel MTU 1400: Packet "
                 "Too Big mtu 1360 from the CoA, TC_ACT_REDIRECT", "tc_ha_egress", f,
                 TC_ACT_REDIRECT, {"ha_ptb_sent": 1}, ptb(f, COA, 1360), **valid))
    inner = udp_packet(HA_ADDR, HOA, size=1360, fl=0x78)
    exp = encap(bytes(inner), HA_ADDR, COA, 0, 0x78, MAC_A0, MAC_NH_A)
    fx.append(Fx("tc_ha_egress: 1360 bytes to a home address, learnt tunnel MTU 1400: fits, "
                 "encapsulated, TC_ACT_OK", "tc_ha_egress", frame(inner, src=MAC_A0, dst=MAC_OLD),
                 TC_ACT_OK, {"ha_local_encap": 1}, exp, **valid))
    inner = udp_packet(HA_ADDR, HOA, size=1361, fl=0x78)
    exp = encap(bytes(inner), HA_ADDR, COA, 0, 0x78, MAC_A0, MAC_NH_A)
    fx.append(Fx("tc_ha_egress: 1361 bytes to a home address, learnt tunnel MTU 1400 aged out: "
                 "encapsulated, TC_ACT_OK", "tc_ha_egress", frame(inner, src=MAC_A0, dst=MAC_OLD),
                 TC_ACT_OK, {"ha_local_encap": 1}, exp, **expired))
    return fx


# BPF_PROG_TEST_RUN takes gso_size from the context but leaves gso_type 0, and
# bpf_skb_adjust_room() refuses to grow a GSO skb that is not TCP GSO
# (net/core/filter.c bpf_skb_net_grow: -ENOTSUPP), so encapsulating a GSO
# skb cannot be run here; the Packet Too Big path trims the skb first, which
# ends GSO, and runs fine.
GSO_GAP = ("BPF_PROG_TEST_RUN cannot set gso_type, so bpf_skb_adjust_room() refuses the "
           "GSO skb (-ENOTSUPP) and the program counts internal_error; no Packet Too Big "
           "was sent, i.e. the per-segment length check let it through")


def gso_tcp(src, dst, gso_size, segs=2, options=b"", fl=0x9a):
    return IPv6(src=src, dst=dst, fl=fl) / TCP(sport=443, dport=40000, flags="A",
                                               options=[("NOP", None)] * len(options)) / \
        Raw(payload(segs * gso_size))


def gso_fixtures():
    """GSO skbs are checked per segment: IPv6 + TCP header (with options) or
    UDP header + gso_size, plus the tunnel header, against the tunnel MTU."""
    fx = []
    M = dict(bindings=[learnt_binding(HOA, MN_COA, MN_HA, 1400, VALID_MS)], config=MN_CONFIG)
    H = dict(bindings=with_learnt(HA_BINDINGS, HOA, 1400, VALID_MS), config=HA_CONFIG)
    cases = [
        # (what, inner packet, gso_size, segment length)
        ("TCP", gso_tcp(HOA, CN, 1301), 1301, 40 + 20 + 1301),
        ("TCP with 12 bytes of options", gso_tcp(HOA, CN, 1289, options=bytes(12)), 1289,
         40 + 32 + 1289),
        ("UDP", IPv6(src=HOA, dst=CN, fl=0x9b) / UDP(sport=1, dport=2) / Raw(payload(2 * 1313)),
         1313, 40 + 8 + 1313),
    ]
    for what, inner, gso, seg in cases:
        f = frame(inner, src=MAC_A0, dst=MAC_OLD)
        fx.append(Fx("tc_mn_egress: %s GSO skb of %d bytes, gso_size %d (%d-byte segments), "
                     "learnt tunnel MTU 1400: Packet Too Big mtu 1360, TC_ACT_REDIRECT"
                     % (what, len(bytes(inner)), gso, seg), "tc_mn_egress", f, TC_ACT_REDIRECT,
                     {"mn_ptb_local": 1}, ptb(f, MN_HA, 1360), gso_size=gso, **M))
    f = frame(gso_tcp(HA_ADDR, HOA, 1301), src=MAC_A0, dst=MAC_OLD)
    fx.append(Fx("tc_ha_egress: TCP GSO skb, gso_size 1301 (1361-byte segments), learnt tunnel "
                 "MTU 1400: Packet Too Big mtu 1360 from the CoA, TC_ACT_REDIRECT",
                 "tc_ha_egress", f, TC_ACT_REDIRECT, {"ha_ptb_sent": 1}, ptb(f, COA, 1360),
                 gso_size=1301, **H))
    fits = [
        ("tc_mn_egress", "TCP", gso_tcp(HOA, CN, 1300), 1300, 40 + 20 + 1300, M, MN_COA, MN_HA,
         {"mn_encap": 1}),
        ("tc_mn_egress", "TCP with 12 bytes of options", gso_tcp(HOA, CN, 1288, options=bytes(12)),
         1288, 40 + 32 + 1288, M, MN_COA, MN_HA, {"mn_encap": 1}),
        ("tc_ha_egress", "TCP", gso_tcp(HA_ADDR, HOA, 1300), 1300, 40 + 20 + 1300, H, HA_ADDR,
         COA, {"ha_local_encap": 1}),
    ]
    for prog, what, inner, gso, seg, kw, src, dst, stats in fits:
        exp = encap(bytes(inner), src, dst, 0, 0x9a, MAC_A0, MAC_NH_A)
        fx.append(Fx("%s: %s GSO skb of %d bytes, gso_size %d (%d-byte segments), learnt tunnel "
                     "MTU 1400: fits, encapsulated, TC_ACT_OK" % (prog, what, len(bytes(inner)),
                                                                  gso, seg),
                     prog, frame(inner, src=MAC_A0, dst=MAC_OLD), TC_ACT_OK, stats, exp,
                     gso_size=gso, kernel_gap=GSO_GAP, **kw))
    return fx


NH_F_SRC_FREE = 0x1  # headers/xmip6.h XMIP6_NH_F_SRC_FREE
NH_FWD = {"ha_encap_fwd", "ha_decap_fwd", "ha_local_encap", "mn_encap"}
NH_STACK = {"ha_encap_stack", "ha_decap_stack"}


def nh_cache_fixtures(fixtures):
    """The same forwarding fixtures with the next-hop cache on (a daemon's
    generation in "nh_state"), each run three times on one CPU, each run on
    the frame as given: the first
    run misses and fills the slot from its FIB lookup, the other two take
    the next hop from the slot. The output frame (MACs, egress, verdict)
    must be the one the FIB gave. A next hop without neighbour (NO_NEIGH)
    is never cached: every run misses."""
    out = []
    for fx in fixtures:
        if fx.repeat or fx.runs > 1 or fx.signals is None or fx.signals:
            continue
        fwd = sum(fx.stats.get(k, 0) for k in NH_FWD)
        stack = sum(fx.stats.get(k, 0) for k in NH_STACK)
        if set(fx.stats) - NH_FWD - NH_STACK - {"ha_decap_reencap"} or \
                (fwd, stack) not in ((1, 0), (0, 1)):
            continue
        if fx.prog.startswith("tc") and fx.mask is mask_macs:
            fwd, stack = 0, 1  # no neighbour: bpf_redirect_neigh(), never cached
        if fx.stats.get("ha_decap_stack") and fx.out is not None and fx.out[21] <= 1:
            continue  # inner hop limit 1: handed up before any lookup
        stats = {k: 3 * v for k, v in fx.stats.items()}
        stats.update({"nh_miss": 1, "nh_fill": 1} if fwd else {"nh_miss": 3})
        c = Fx(fx.desc + " [next-hop cache on, 3 runs]", fx.prog, fx.data, fx.verdict, stats,
               fx.out, ifname=fx.ifname, bindings=fx.bindings, config=fx.config,
               mask=fx.mask, check=fx.check, meta=fx.meta, runs=3, admit=fx.admit, nh_gen=7)
        out.append(c)
    return out


def nh_mtu_fixtures():
    """A slot knows the longest packet its route took, and the route's MTU
    once a longer one was refused: a packet that fits fills the slot, a
    longer one is looked up again and answered Packet Too Big with the
    route's MTU (MTU 1400 towards COA_SMALL), the next too long one is
    answered from the slot, and one that fits still goes."""
    H = dict(bindings=HA_BINDINGS, config=HA_CONFIG, nh_gen=9)
    small = udp_packet(CN, HOA_SMALL, size=100, fl=0x12)
    exp = encap(with_hlim(bytes(small), -1), HA_ADDR, COA_SMALL, 0, 0x12, MAC_B0, MAC_NH_B)
    big = frame(udp_packet(CN, HOA_SMALL, size=MTU_B - 40 + 1, fl=0x12))
    fits = udp_packet(CN, HOA_SMALL, size=MTU_B - 40, fl=0x12)
    exp_fits = encap(with_hlim(bytes(fits), -1), HA_ADDR, COA_SMALL, 0, 0x12, MAC_B0, MAC_NH_B)
    tag = "xdp_ha, next-hop cache: "
    return [
        Fx(tag + "a short packet fills the slot", "xdp_ha", frame(small), XDP_REDIRECT,
           {"ha_encap_fwd": 1, "nh_miss": 1, "nh_fill": 1}, exp, **H),
        Fx(tag + "a longer one than the slot saw: looked up, Packet Too Big mtu %d"
           % (MTU_B - 40), "xdp_ha", big, XDP_TX, {"ha_ptb_sent": 1, "nh_miss": 1},
           ptb(big, HA_ADDR, MTU_B - 40), nh_keep=True, **H),
        Fx(tag + "too long again: Packet Too Big from the slot, no lookup", "xdp_ha", big,
           XDP_TX, {"ha_ptb_sent": 1}, ptb(big, HA_ADDR, MTU_B - 40), nh_keep=True, **H),
        Fx(tag + "%d bytes fit: looked up once, then from the slot" % (MTU_B - 40), "xdp_ha",
           frame(fits), XDP_REDIRECT, {"ha_encap_fwd": 2, "nh_miss": 1}, exp_fits,
           nh_keep=True, runs=2, **H),
    ]


def nh_src_free_fixtures():
    """Reverse-tunnel packets from two home addresses (both bound to COA)
    to one correspondent. With XMIP6_NH_F_SRC_FREE (no rule or route looks
    at sources) the slot is keyed without the source: the first packet
    fills it, the second takes its next hop from it. Without the flag each
    source has its own slot: two fills."""
    hoa2 = "2001:db8:40::600"
    binds = HA_BINDINGS + [B(hoa2, COA, HA_ADDR)]
    out = []
    for flags, gen, tag, second in (
            (NH_F_SRC_FREE, 11, "source-free tables", {"ha_decap_fwd": 1}),
            (0, 12, "source-specific tables",
             {"ha_decap_fwd": 1, "nh_miss": 1, "nh_fill": 1})):
        for i, (hoa, stats) in enumerate((
                (HOA, {"ha_decap_fwd": 1, "nh_miss": 1, "nh_fill": 1}), (hoa2, second))):
            inner = udp_packet(hoa, CN, hlim=64, fl=0x11111)
            f = frame(IPv6(src=COA, dst=HA_ADDR, nh=41, hlim=60) / inner, dst=MAC_A0)
            exp = decap(with_hlim(bytes(inner), -1), MAC_A0, MAC_NH_A)
            out.append(Fx("xdp_ha, next-hop cache, %s: reverse tunnel from home address %s to "
                          "the CN: %s" % (tag, hoa, "one lookup, slot filled" if "nh_fill" in stats
                                          else "the slot of the other home address, no lookup"),
                          "xdp_ha", f, XDP_TX, stats, exp, bindings=binds, config=HA_CONFIG,
                          nh_gen=gen, nh_flags=flags, nh_keep=i > 0))
    return out


def label_checks(fixtures, results):
    """The outer label for an inner label of 0 is a per-flow hash (RFC 6438)."""
    labels = {}
    for fx, res in zip(fixtures, results):
        if "flow label 0 (" in fx.desc and res["err"] == 0:
            labels[fx.desc.split("(")[1].split(")")[0]] = outer_label(bytes.fromhex(
                res["data_out"]))
    a, a2, b = labels.get("flow A"), labels.get("flow A again"), labels.get("flow A, other port")
    diag = ["labels: %s" % {k: hex(v) for k, v in labels.items()}]
    tap(a is not None and a == a2, "xdp_ha: same flow, same outer flow label", diag)
    tap(a is not None and b is not None and a != b,
        "xdp_ha: other source port, other outer flow label", diag)


# ---- Mobility Header signalling (the "signal" ring buffer)
#
# The stack without kernel MIP6 answers a Home Address option or a type 2
# routing header with Parameter Problem and has no Mobility Header (next
# header 135, RFC 6275 section 6.1) handler, so the XDP programs hand
# Mobility Header packets to the daemon: the HA those to ha_addr, the MN those
# to any unicast address, and those its HA tunnels to it (the inner packet,
# flag TUNNELLED). With XMIP6_CFG_F_SIGNAL the frame is dropped once copied;
# without it, it goes to the stack as before. Extension headers before the
# Mobility Header: Hop-by-Hop (first only), Destination Options, Routing
# (exhausted, or type 2); four at most (RFC 8200 section 4.1 order: HBH,
# DestOpt, Routing, DestOpt). Anything else is ordinary traffic.

HA_SIG = dict(HA_CONFIG, flags=CFG_F_SIGNAL)
MN_SIG = dict(MN_CONFIG, flags=CFG_F_SIGNAL)
# One ring record: BPF_RINGBUF_HDR_SZ (8, uapi linux/bpf.h) + struct
# xmip6_signal (4 + 2 + 2 + 8, the binding read with it: 8 + 16 + 4 + 4 + 64 +
# 32, then 1280), rounded up to 8 bytes.
SIGNAL_RECORD = 4 + 2 + 2 + 8 + (8 + 16 + 4 + 4 + 64 + 32) + SIGNAL_MAX_LEN
RING_RECORDS = SIGNAL_RING_SIZE // ((8 + SIGNAL_RECORD + 7) // 8 * 8)

COOKIE = bytes.fromhex("1122334455667788")
TOKEN = bytes.fromhex("99aabbccddeeff00")


def bu_hao(src=COA, dst=HA_ADDR, hoa=HOA, seq=7, lifetime=100):
    """Home registration from the care-of address (RFC 6275 section 11.7.1):
    Destination Options with the Home Address option (section 6.3), then a
    Binding Update with A and H (section 6.1.7)."""
    return IPv6(src=src, dst=dst, fl=0x3a3a) / IPv6ExtHdrDestOpt(options=[HAO(hoa=hoa)]) / \
        MIP6MH_BU(seq=seq, flags="AH", mhtime=lifetime // 4)


def ba_rh2(src=MN_HA, coa=MN_COA, hoa=HOA, seq=7):
    """Binding Acknowledgement to the care-of address with a type 2 routing
    header holding the home address (RFC 6275 sections 6.1.8, 6.4)."""
    return IPv6(src=src, dst=coa) / IPv6ExtHdrRouting(type=2, segleft=1, addresses=[hoa]) / \
        MIP6MH_BA(status=0, seq=seq, mhtime=25)


def hot(src=CN, dst=HOA, fl=0x2b2b):
    return IPv6(src=src, dst=dst, fl=fl) / MIP6MH_HoT(index=3, cookie=COOKIE, token=TOKEN)


def mh_of_len(src, dst, total):
    """An IPv6 packet of total bytes: IPv6 header + one Mobility Header."""
    return IPv6(src=src, dst=dst) / MIP6MH_Generic(mhtype=5, msg=payload(total - 40 - 6))


def builder_checks():
    """The Scapy layers the fixtures rely on, against the RFC 6275 layouts."""
    hoa = ipaddress.IPv6Address(HOA).packed
    got = bytes(bu_hao())[40:64]
    # Next Header 135, Hdr Ext Len 2; PadN (4 bytes) to 8n+6; HAO type 201 length 16.
    want = bytes.fromhex("87020102" "0000" "c910") + hoa
    tap(got == want, "Scapy builds the Home Address option as RFC 6275 section 6.3 lays it out",
        ["got %s" % got.hex(), "want %s" % want.hex()])
    got = bytes(ba_rh2())[40:64]
    # Next Header 135, Hdr Ext Len 2, Routing Type 2, Segments Left 1, Reserved, Home Address.
    want = bytes.fromhex("87020201" "00000000") + hoa
    tap(got == want and IPv6(bytes(ba_rh2())).dst == addr(MN_COA),
        "Scapy builds the type 2 routing header as RFC 6275 section 6.4 lays it out, "
        "destination left as the care-of address", ["got %s" % got.hex(), "want %s" % want.hex()])
    p = bytes(mh_of_len(CN, HA_ADDR, SIGNAL_MAX_LEN))
    tap(len(p) == SIGNAL_MAX_LEN and p[6] == 135 and p[41] == (SIGNAL_MAX_LEN - 40) // 8 - 1,
        "mh_of_len(1280): 1280 bytes, one Mobility Header of 1240 bytes", ["%s" % p[:48].hex()])


def signal_ha_fixtures():
    fx = []
    H = dict(bindings=HA_BINDINGS, config=HA_SIG)
    took = {"sig_to_daemon": 1}
    nob = {"rx_no_binding": 1}

    bu = bu_hao()
    fx.append(Fx("xdp_ha, SIGNAL: BU with a Home Address option to ha_addr: XDP_DROP, one "
                 "record holding the IPv6 packet", "xdp_ha", frame(bu), XDP_DROP, took,
                 signals=[Sig(bu)], **H))
    fx.append(Fx("xdp_ha, SIGNAL: the same BU arriving on xb0: the record names xb0", "xdp_ha",
                 frame(bu, dst=MAC_B0), XDP_DROP, took, ifname="xb0", signals=[Sig(bu, "xb0")],
                 **H))
    fx.append(Fx("xdp_ha, no SIGNAL: BU with a Home Address option to ha_addr: XDP_PASS "
                 "untouched, no record", "xdp_ha", frame(bu), XDP_PASS, {"sig_no_daemon": 1},
                 bindings=HA_BINDINGS, config=HA_CONFIG))
    p = IPv6(src=HOA, dst=HA_ADDR) / MIP6MH_BU(seq=8, flags="AH", mhtime=0)
    fx.append(Fx("xdp_ha, SIGNAL: deregistration BU from home, no extension header: record",
                 "xdp_ha", frame(p), XDP_DROP, took, signals=[Sig(p)], **H))
    p = IPv6(src=COA, dst=HA_ADDR) / IPv6ExtHdrHopByHop() / \
        IPv6ExtHdrDestOpt(options=[HAO(hoa=HOA)]) / MIP6MH_BU(seq=9, flags="AH", mhtime=25)
    fx.append(Fx("xdp_ha, SIGNAL: Hop-by-Hop + Destination Options + MH: record", "xdp_ha",
                 frame(p), XDP_DROP, took, signals=[Sig(p)], **H))

    def chain(*ext):
        p = IPv6(src=COA, dst=HA_ADDR)
        for e in ext:
            p = p / e
        return p / MIP6MH_BU(seq=10, flags="AH", mhtime=25)

    rh0 = IPv6ExtHdrRouting(type=0, segleft=0, addresses=[CN])
    four = chain(IPv6ExtHdrHopByHop(), IPv6ExtHdrDestOpt(), rh0,
                 IPv6ExtHdrDestOpt(options=[HAO(hoa=HOA)]))
    fx.append(Fx("xdp_ha, SIGNAL: 4 extension headers (HBH, DestOpt, exhausted Routing, "
                 "DestOpt with HAO) + MH: record", "xdp_ha", frame(four), XDP_DROP, took,
                 signals=[Sig(four)], **H))
    five = chain(IPv6ExtHdrHopByHop(), IPv6ExtHdrDestOpt(), rh0, IPv6ExtHdrDestOpt(),
                 IPv6ExtHdrDestOpt(options=[HAO(hoa=HOA)]))
    fx.append(Fx("xdp_ha, SIGNAL: 5 extension headers + MH: not signalling, XDP_PASS untouched "
                 "(rx_no_binding: ha_addr has none)", "xdp_ha", frame(five), XDP_PASS, nob, **H))
    p = chain(IPv6ExtHdrDestOpt(), IPv6ExtHdrHopByHop())
    fx.append(Fx("xdp_ha, SIGNAL: Hop-by-Hop after Destination Options + MH: not signalling "
                 "(RFC 8200 section 4.3), XDP_PASS untouched", "xdp_ha", frame(p), XDP_PASS, nob,
                 **H))
    p = chain(IPv6ExtHdrFragment(id=0x1234))
    fx.append(Fx("xdp_ha, SIGNAL: Fragment header + MH: not signalling, XDP_PASS untouched",
                 "xdp_ha", frame(p), XDP_PASS, nob, **H))
    p = chain(IPv6ExtHdrRouting(type=0, segleft=1, addresses=[CN]))
    fx.append(Fx("xdp_ha, SIGNAL: type 0 Routing header with Segments Left 1 + MH (in transit): "
                 "not signalling, XDP_PASS untouched", "xdp_ha", frame(p), XDP_PASS, nob, **H))
    p = bu_hao(dst="2001:db8:1::5")
    fx.append(Fx("xdp_ha, SIGNAL: BU to another address than ha_addr: not signalling, XDP_PASS "
                 "untouched", "xdp_ha", frame(p), XDP_PASS, nob, **H))
    p = hot()
    exp = encap(with_hlim(bytes(p), -1), HA_ADDR, COA, 0, 0x2b2b, MAC_A0, MAC_NH_A)
    fx.append(Fx("xdp_ha, SIGNAL: Home Test from a correspondent to a bound home address: "
                 "tunnelled like any packet, XDP_TX, no record", "xdp_ha", frame(p), XDP_TX,
                 {"ha_encap_fwd": 1}, exp, **H))
    inner = IPv6(src=HOA, dst=CN, fl=0x4c4c) / MIP6MH_HoTI(cookie=COOKIE)
    f = frame(IPv6(src=COA, dst=HA_ADDR, nh=41, hlim=60) / inner)
    fx.append(Fx("xdp_ha, SIGNAL: reverse-tunnelled Home Test Init to a correspondent: "
                 "decapsulated and forwarded, no record", "xdp_ha", f, XDP_TX,
                 {"ha_decap_fwd": 1}, decap(with_hlim(bytes(inner), -1), MAC_A0, MAC_NH_A), **H))

    # Truncated: the walk ends at the payload length, not at the frame's end.
    mh = bytes(MIP6MH_BU(seq=11, flags="AH", mhtime=25))
    p = IPv6(src=COA, dst=HA_ADDR, nh=60, plen=16) / Raw(bytes([135, 2]) + bytes(14))
    fx.append(Fx("xdp_ha, SIGNAL: Destination Options of 24 bytes in a 16-byte payload: "
                 "XDP_DROP", "xdp_ha", frame(p), XDP_DROP, {"rx_malformed": 1}, **H))
    p = IPv6(src=COA, dst=HA_ADDR, nh=60, plen=8) / Raw(bytes([135, 1]) + bytes(14) + mh)
    fx.append(Fx("xdp_ha, SIGNAL: Destination Options of 16 bytes, payload length 8, the rest "
                 "of it and a BU in the frame behind: XDP_DROP", "xdp_ha", frame(p), XDP_DROP,
                 {"rx_malformed": 1}, **H))
    p = IPv6(src=COA, dst=HA_ADDR, nh=0) / Raw(bytes([135, 0, 0, 0]))
    fx.append(Fx("xdp_ha, SIGNAL: 4-byte Hop-by-Hop header: XDP_DROP", "xdp_ha", frame(p),
                 XDP_DROP, {"rx_malformed": 1}, **H))
    p = IPv6(src=COA, dst=HA_ADDR, nh=135) / Raw(mh[:4])
    fx.append(Fx("xdp_ha, SIGNAL: 4-byte Mobility Header: record all the same (the daemon "
                 "answers it, RFC 6275 section 9.2)", "xdp_ha", frame(p), XDP_DROP, took,
                 signals=[Sig(p)], **H))

    # Size: a record holds XMIP6_SIGNAL_MAX_LEN bytes of packet.
    p = mh_of_len(COA, HA_ADDR, SIGNAL_MAX_LEN)
    fx.append(Fx("xdp_ha, SIGNAL: %d-byte MH packet: record of %d bytes" % (
        SIGNAL_MAX_LEN, SIGNAL_MAX_LEN), "xdp_ha", frame(p), XDP_DROP, took, signals=[Sig(p)],
        **H))
    p = mh_of_len(COA, HA_ADDR, SIGNAL_MAX_LEN + 1)
    fx.append(Fx("xdp_ha, SIGNAL: %d-byte MH packet: XDP_DROP, sig_too_long, no record"
                 % (SIGNAL_MAX_LEN + 1), "xdp_ha", frame(p), XDP_DROP, {"sig_too_long": 1}, **H))
    fx.append(Fx("xdp_ha, no SIGNAL: %d-byte MH packet: XDP_PASS untouched" % (
        SIGNAL_MAX_LEN + 1), "xdp_ha", frame(p), XDP_PASS, {"sig_no_daemon": 1},
        bindings=HA_BINDINGS, config=HA_CONFIG))

    # Admission (XMIP6_CFG_F_ADMIT): signalling for a home address neither
    # listed in "admit" nor bound goes to the daemon at the unlisted rate
    # only; the bucket starts full (XMIP6_SIG_UNLISTED_BURST) and a test run
    # is too short for it to refill.
    A = dict(bindings=HA_BINDINGS, config=dict(HA_SIG, flags=CFG_F_SIGNAL | CFG_F_ADMIT),
             admit=[HOA_NONE])
    unlisted = "2001:db8:40::dead"
    burst = SIG_UNLISTED_BURST
    p = bu_hao(hoa=HOA_NONE)
    fx.append(Fx("xdp_ha, SIGNAL+ADMIT: BU x100 for a listed, unbound home address: 100 "
                 "records", "xdp_ha", frame(p), XDP_DROP, {"sig_to_daemon": 100}, signals=None,
                 repeat=100, **A))
    fx.append(Fx("xdp_ha, SIGNAL+ADMIT: BU x100 for a bound, unlisted home address: 100 "
                 "records", "xdp_ha", frame(bu), XDP_DROP, {"sig_to_daemon": 100},
                 signals=None, repeat=100, **A))
    p = IPv6(src=HOA_NONE, dst=HA_ADDR) / MIP6MH_BU(seq=8, flags="AH", mhtime=0)
    fx.append(Fx("xdp_ha, SIGNAL+ADMIT: deregistration from home, listed source, no HAO: "
                 "record, with no binding for its source", "xdp_ha", frame(p), XDP_DROP, took,
                 signals=[Sig(p, snap={"flags": SNAP_TAKEN, "home": HOA_NONE})], **A))
    p = bu_hao(hoa=unlisted)
    fx.append(Fx("xdp_ha, SIGNAL+ADMIT: BU x100 for an unlisted, unbound home address: %d "
                 "records (the burst), %d sig_unlisted_drop" % (burst, 100 - burst), "xdp_ha",
                 frame(p), XDP_DROP, {"sig_to_daemon": burst, "sig_unlisted_drop": 100 - burst},
                 signals=None, repeat=100, **A))
    p = IPv6(src=unlisted, dst=HA_ADDR) / MIP6MH_BU(seq=8, flags="AH", mhtime=0)
    fx.append(Fx("xdp_ha, SIGNAL+ADMIT: x60 from an unlisted source, no HAO: %d records, %d "
                 "dropped" % (burst, 60 - burst), "xdp_ha", frame(p), XDP_DROP,
                 {"sig_to_daemon": burst, "sig_unlisted_drop": 60 - burst}, signals=None,
                 repeat=60, **A))
    p = bu_hao(hoa=HOA_EXP)
    fx.append(Fx("xdp_ha, SIGNAL+ADMIT: BU x60 for an expired binding, unlisted: counts as "
                 "unbound, %d records, %d dropped" % (burst, 60 - burst), "xdp_ha", frame(p),
                 XDP_DROP, {"sig_to_daemon": burst, "sig_unlisted_drop": 60 - burst,
                            "expired_binding": 60}, signals=None, repeat=60, **A))
    p = IPv6(src=COA, dst=HA_ADDR) / IPv6ExtHdrDestOpt(options=[HAO(hoa=HOA_NONE)]) / \
        MIP6MH_BU(seq=9, flags="AH", mhtime=25)
    fx.append(Fx("xdp_ha, SIGNAL+ADMIT: listed HAO behind PadN at another offset: record, "
                 "with no binding for the HAO's address", "xdp_ha", frame(p), XDP_DROP, took,
                 signals=[Sig(p, snap={"flags": SNAP_TAKEN, "home": HOA_NONE})], **A))
    # The binding goes up with the BU (headers/xmip6.h struct
    # xmip6_signal_snap): the daemon's lookup, done here.
    bound = [dict(b, sequence=41) if b["home"] == HOA else b for b in HA_BINDINGS]
    p = bu_hao(hoa=HOA, seq=42)
    fx.append(Fx("xdp_ha, SIGNAL+ADMIT: BU for a listed, bound home address: record, with "
                 "its binding as the maps hold it (care-of address, sequence)", "xdp_ha",
                 frame(p), XDP_DROP, took,
                 signals=[Sig(p, snap={"flags": SNAP_TAKEN | SNAP_BOUND, "home": HOA,
                                       "coa": COA, "seq": 41})],
                 bindings=bound, config=A["config"], admit=[HOA_NONE, HOA]))
    p = bu_hao(hoa=HOA_EXP, seq=43)
    fx.append(Fx("xdp_ha, SIGNAL+ADMIT: BU for a listed home address whose binding expired, "
                 "not yet removed: record, with the binding as the map holds it (the daemon's "
                 "lookup would find it)", "xdp_ha", frame(p), XDP_DROP, took,
                 signals=[Sig(p, snap={"flags": SNAP_TAKEN | SNAP_BOUND, "home": HOA_EXP,
                                       "coa": COA, "seq": 0})],
                 bindings=bound, config=A["config"], admit=[HOA_NONE, HOA_EXP]))
    p = bu_hao(hoa=HOA, seq=42)
    fx.append(Fx("xdp_ha, SIGNAL without ADMIT: BU for a bound home address: record, no "
                 "binding with it (the program did not look the HAO up)", "xdp_ha", frame(p),
                 XDP_DROP, took, signals=[Sig(p)], bindings=bound, config=HA_SIG))
    p = bu_hao(hoa=unlisted)
    fx.append(Fx("xdp_ha, SIGNAL without ADMIT: BU x100 for an unlisted home address: 100 "
                 "records", "xdp_ha", frame(p), XDP_DROP, {"sig_to_daemon": 100}, signals=None,
                 repeat=100, bindings=HA_BINDINGS, config=HA_SIG, admit=[HOA_NONE]))

    # A ring nobody reads fills up: later packets are dropped and counted.
    n = 300
    fx.append(Fx("xdp_ha, SIGNAL: the same BU %d times into a %d KiB ring: %d records (%d-byte "
                 "records), %d sig_ring_full" % (n, SIGNAL_RING_SIZE // 1024, RING_RECORDS,
                                                 SIGNAL_RECORD, n - RING_RECORDS),
                 "xdp_ha", frame(bu), XDP_DROP,
                 {"sig_to_daemon": RING_RECORDS, "sig_ring_full": n - RING_RECORDS},
                 signals=[Sig(bu)] * RING_RECORDS, repeat=n, **H))
    return fx


def signal_mn_fixtures():
    fx = []
    M = dict(bindings=MN_BINDINGS, config=MN_SIG)
    took = {"sig_to_daemon": 1}
    nob = {"rx_no_binding": 1}

    ba = ba_rh2()
    fx.append(Fx("xdp_mn, SIGNAL: BA with a type 2 routing header to the CoA: XDP_DROP, one "
                 "record holding the IPv6 packet", "xdp_mn", frame(ba), XDP_DROP, took,
                 signals=[Sig(ba)], **M))
    fx.append(Fx("xdp_mn, no SIGNAL: BA with a type 2 routing header: XDP_PASS untouched",
                 "xdp_mn", frame(ba), XDP_PASS, {"sig_no_daemon": 1}, bindings=MN_BINDINGS,
                 config=MN_CONFIG))
    p = IPv6(src=CN, dst=MN_COA) / MIP6MH_CoT(index=4, cookie=COOKIE, token=TOKEN)
    fx.append(Fx("xdp_mn, SIGNAL: Care-of Test, no extension header: record", "xdp_mn",
                 frame(p), XDP_DROP, took, signals=[Sig(p)], **M))
    p = IPv6(src=MN_HA, dst=HOA) / MIP6MH_BRR()
    fx.append(Fx("xdp_mn, SIGNAL: Binding Refresh Request to the home address: record",
                 "xdp_mn", frame(p), XDP_DROP, took, signals=[Sig(p)], **M))
    p = IPv6(src="fe80::1", dst="fe80::2") / MIP6MH_BRR()
    fx.append(Fx("xdp_mn, SIGNAL: MH to a link-local unicast address: record", "xdp_mn",
                 frame(p), XDP_DROP, took, signals=[Sig(p)], **M))
    p = IPv6(src=MN_HA, dst="ff02::1") / MIP6MH_BRR()
    fx.append(Fx("xdp_mn, SIGNAL: MH to ff02::1: not signalling, XDP_PASS untouched", "xdp_mn",
                 frame(p, dst="33:33:00:00:00:01"), XDP_PASS, nob, **M))
    p = IPv6(src=MN_HA, dst=MN_COA) / IPv6ExtHdrHopByHop() / IPv6ExtHdrDestOpt() / \
        MIP6MH_BA(status=0, seq=3, mhtime=25)
    fx.append(Fx("xdp_mn, SIGNAL: Hop-by-Hop + Destination Options + MH: record", "xdp_mn",
                 frame(p), XDP_DROP, took, signals=[Sig(p)], **M))
    p = IPv6(src=MN_HA, dst=MN_COA) / IPv6ExtHdrRouting(type=0, segleft=1, addresses=[CN]) / \
        MIP6MH_BRR()
    fx.append(Fx("xdp_mn, SIGNAL: type 0 Routing header with Segments Left 1 + MH: not "
                 "signalling, XDP_PASS untouched", "xdp_mn", frame(p), XDP_PASS, nob, **M))
    p = IPv6(src=MN_HA, dst=MN_COA, nh=43, plen=16) / Raw(bytes([135, 2, 2, 1]) + bytes(12))
    fx.append(Fx("xdp_mn, SIGNAL: routing header of 24 bytes in a 16-byte payload: XDP_DROP",
                 "xdp_mn", frame(p), XDP_DROP, {"rx_malformed": 1}, **M))
    f = frame(udp_packet(CN, MN_COA))
    fx.append(Fx("xdp_mn, SIGNAL: UDP to the CoA: XDP_PASS untouched, no record", "xdp_mn", f,
                 XDP_PASS, nob, **M))

    # Through the tunnel from our HA: the inner packet goes up, flagged.
    def tun(inner, src=MN_HA, dst=MN_COA):
        return frame(IPv6(src=src, dst=dst, nh=41, hlim=50) / inner)

    TUN = SIGNAL_F_TUNNELLED
    inner = hot()
    fx.append(Fx("xdp_mn, SIGNAL: Home Test tunnelled by our HA: XDP_DROP, record of the inner "
                 "packet, flag TUNNELLED", "xdp_mn", tun(inner), XDP_DROP, took,
                 signals=[Sig(inner, flags=TUN)], **M))
    fx.append(Fx("xdp_mn, no SIGNAL: Home Test tunnelled by our HA: decapsulated, XDP_PASS",
                 "xdp_mn", tun(inner), XDP_PASS, {"sig_no_daemon": 1},
                 decap(bytes(inner), MAC_PEER, MAC_A0), bindings=MN_BINDINGS, config=MN_CONFIG))
    p = IPv6(src=CN, dst=HOA) / IPv6ExtHdrHopByHop() / IPv6ExtHdrDestOpt() / \
        MIP6MH_HoT(index=5, cookie=COOKIE, token=TOKEN)
    fx.append(Fx("xdp_mn, SIGNAL: tunnelled Hop-by-Hop + Destination Options + MH: record of "
                 "the inner packet, flag TUNNELLED", "xdp_mn", tun(p), XDP_DROP, took,
                 signals=[Sig(p, flags=TUN)], **M))
    p = mh_of_len(CN, HOA, SIGNAL_MAX_LEN)
    fx.append(Fx("xdp_mn, SIGNAL: tunnelled %d-byte MH packet: record" % SIGNAL_MAX_LEN,
                 "xdp_mn", tun(p), XDP_DROP, took, signals=[Sig(p, flags=TUN)], **M))
    p = mh_of_len(CN, HOA, SIGNAL_MAX_LEN + 1)
    fx.append(Fx("xdp_mn, SIGNAL: tunnelled %d-byte MH packet: XDP_DROP, sig_too_long"
                 % (SIGNAL_MAX_LEN + 1), "xdp_mn", tun(p), XDP_DROP, {"sig_too_long": 1}, **M))
    fx.append(Fx("xdp_mn, SIGNAL: tunnelled MH from another source than our HA: XDP_DROP, no "
                 "record", "xdp_mn", tun(inner, src="2001:db8:a::66"), XDP_DROP,
                 {"mn_tunnel_bad_src": 1}, **M))
    fx.append(Fx("xdp_mn, SIGNAL: tunnelled MH whose inner destination has no binding: XDP_PASS "
                 "untouched", "xdp_mn", tun(hot(dst=HOA_NONE)), XDP_PASS, nob, **M))
    p = IPv6(src=CN, dst=HOA, nh=60, plen=8) / Raw(bytes([135, 1]) + bytes(14))
    fx.append(Fx("xdp_mn, SIGNAL: tunnelled packet whose Destination Options run past its "
                 "payload: XDP_DROP", "xdp_mn", tun(p), XDP_DROP, {"rx_malformed": 1}, **M))
    inner = udp_packet(CN, HOA, hlim=40, fl=0x2469)
    fx.append(Fx("xdp_mn, SIGNAL: tunnelled UDP: decapsulated, XDP_PASS, no record", "xdp_mn",
                 tun(inner), XDP_PASS, {"mn_decap": 1}, decap(bytes(inner), MAC_PEER, MAC_A0),
                 **M))
    return fx


def doh_hao(home):
    """RFC 6275 section 6.3: Destination Options, PadN(2) + Home Address option."""
    return IPv6ExtHdrDestOpt(autopad=0, options=[PadN(optlen=2, optdata=b"\0\0"),
                                                 HAO(hoa=home)])


def hao_unbound_fixtures():
    """A Home Address option without a binding at the HA (to its own address)
    and the MN: dropped, handed up flagged HAO_UNBOUND for the daemon's Binding
    Error status 1 (RFC 6275 sections 9.3.1, 9.3.3), never to the stack's
    Parameter Problem. With a binding from its CoA the option stays as it was."""
    fx = []
    H = dict(bindings=HA_BINDINGS, config=HA_SIG)
    M = dict(bindings=MN_BINDINGS, config=MN_SIG)
    UNB = SIGNAL_F_HAO_UNBOUND
    ha_unb, mn_unb = {"ha_hao_unbound": 1}, {"mn_hao_unbound": 1}

    p = IPv6(src=COA, dst=HA_ADDR) / doh_hao(HOA_NONE) / UDP(sport=7, dport=9) / Raw(payload(40))
    fx.append(Fx("xdp_ha: UDP to ha_addr, HAO without binding: XDP_DROP, record flagged "
                 "HAO_UNBOUND", "xdp_ha", frame(p), XDP_DROP, ha_unb, None,
                 signals=[Sig(p, flags=UNB)], **H))
    fx.append(Fx("xdp_ha, no SIGNAL: HAO without binding to ha_addr: XDP_DROP all the same",
                 "xdp_ha", frame(p), XDP_DROP, ha_unb, None, bindings=HA_BINDINGS,
                 config=HA_CONFIG))
    p = IPv6(src="2001:db8:c0a::666", dst=HA_ADDR) / doh_hao(HOA) / \
        ICMPv6EchoRequest(id=3, seq=1)
    fx.append(Fx("xdp_ha: echo to ha_addr, HAO of a binding from another CoA: XDP_DROP, record",
                 "xdp_ha", frame(p), XDP_DROP, ha_unb, None, signals=[Sig(p, flags=UNB)], **H))
    p = IPv6(src=COA, dst=HA_ADDR) / IPv6ExtHdrHopByHop() / doh_hao(HOA_EXP) / \
        UDP(sport=7, dport=9)
    fx.append(Fx("xdp_ha: Hop-by-Hop + HAO of an expired binding to ha_addr: XDP_DROP, record",
                 "xdp_ha", frame(p), XDP_DROP, {"ha_hao_unbound": 1, "expired_binding": 1},
                 None, signals=[Sig(p, flags=UNB)], **H))
    p = IPv6(src=COA, dst=HA_ADDR) / doh_hao(HOA_NONE) / UDP(sport=7, dport=9) / \
        Raw(payload(1400))
    fx.append(Fx("xdp_ha: 1456-byte packet with a HAO without binding: record of its first "
                 "%d bytes" % SIGNAL_MAX_LEN, "xdp_ha", frame(p), XDP_DROP, ha_unb, None,
                 signals=[Sig(bytes(p)[:SIGNAL_MAX_LEN], flags=UNB)], **H))
    p = IPv6(src=COA, dst=HA_ADDR) / doh_hao(HOA) / UDP(sport=7, dport=9)
    fx.append(Fx("xdp_ha: HAO of the binding from its CoA: XDP_PASS untouched, no record",
                 "xdp_ha", frame(p), XDP_PASS, {"rx_no_binding": 1}, **H))
    p = IPv6(src=COA, dst=CN) / doh_hao(HOA_NONE) / UDP(sport=7, dport=9)
    fx.append(Fx("xdp_ha: HAO without binding to another node: not ours, XDP_PASS untouched",
                 "xdp_ha", frame(p), XDP_PASS, {"rx_no_binding": 1}, **H))
    p = IPv6(src=COA, dst=HA_ADDR) / IPv6ExtHdrDestOpt(
        autopad=0, options=[HAO(hoa=HOA_NONE, optlen=18), PadN(optlen=2, optdata=b"\0\0")]) / \
        UDP(sport=7, dport=9)
    fx.append(Fx("xdp_ha: HAO of length 18 to ha_addr: XDP_DROP malformed, no record",
                 "xdp_ha", frame(p), XDP_DROP, {"rx_malformed": 1}, None, **H))

    p = IPv6(src=CN, dst=MN_COA) / doh_hao(HOA_NONE) / UDP(sport=7, dport=9) / Raw(payload(40))
    fx.append(Fx("xdp_mn: UDP to the CoA with a HAO: XDP_DROP, record flagged HAO_UNBOUND",
                 "xdp_mn", frame(p), XDP_DROP, mn_unb, None, signals=[Sig(p, flags=UNB)], **M))
    p = IPv6(src=CN, dst=HOA) / doh_hao(HOA_NONE) / ICMPv6EchoRequest(id=4, seq=2)
    fx.append(Fx("xdp_mn: echo to the home address with a HAO: XDP_DROP, record", "xdp_mn",
                 frame(p), XDP_DROP, mn_unb, None, signals=[Sig(p, flags=UNB)], **M))
    fx.append(Fx("xdp_mn, no SIGNAL: echo with a HAO: XDP_DROP all the same", "xdp_mn",
                 frame(p), XDP_DROP, mn_unb, None, bindings=MN_BINDINGS, config=MN_CONFIG))
    p = IPv6(src=CN, dst=MN_COA) / IPv6ExtHdrDestOpt() / UDP(sport=7, dport=9)
    fx.append(Fx("xdp_mn: Destination Options without a HAO: XDP_PASS untouched", "xdp_mn",
                 frame(p), XDP_PASS, {"rx_no_binding": 1}, **M))
    return fx


def mps_fixtures():
    """A Mobile Prefix Solicitation to the HA from a binding's care-of address,
    its home address in a Home Address option (RFC 6275 section 11.4.3):
    dropped and handed up whole, flagged MPS, for the daemon's MPA; the
    stack, without MIP6, would answer the option with Parameter Problem."""
    fx = []
    H = dict(bindings=HA_BINDINGS, config=HA_SIG)
    mps = IPv6(src=COA, dst=HA_ADDR) / doh_hao(HOA) / ICMPv6MPSol(id=777)
    fx.append(Fx("xdp_ha: MPS with the HAO of a binding from its CoA: XDP_DROP, record "
                 "flagged MPS", "xdp_ha", frame(mps), XDP_DROP,
                 {"ha_mps_daemon": 1, "sig_to_daemon": 1}, None,
                 signals=[Sig(mps, flags=SIGNAL_F_MPS)], **H))
    fx.append(Fx("xdp_ha, no SIGNAL: the same MPS: XDP_PASS untouched (no daemon to answer)",
                 "xdp_ha", frame(mps), XDP_PASS, {"rx_no_binding": 1}, bindings=HA_BINDINGS,
                 config=HA_CONFIG))
    p = IPv6(src="2001:db8:c0a::666", dst=HA_ADDR) / doh_hao(HOA) / ICMPv6MPSol(id=778)
    fx.append(Fx("xdp_ha: MPS with the HAO of a binding from another CoA: XDP_DROP, record "
                 "flagged HAO_UNBOUND (Binding Error, no MPA)", "xdp_ha", frame(p), XDP_DROP,
                 {"ha_hao_unbound": 1}, None, signals=[Sig(p, flags=SIGNAL_F_HAO_UNBOUND)], **H))
    p = IPv6(src=COA, dst=CN) / doh_hao(HOA) / ICMPv6MPSol(id=779)
    fx.append(Fx("xdp_ha: MPS with a bound HAO to another node: not ours, XDP_PASS untouched",
                 "xdp_ha", frame(p), XDP_PASS, {"rx_no_binding": 1}, **H))
    # The payload ends with the Destination Options header: the ICMPv6 type
    # octet behind it is link padding, not an MPS.
    raw = bytearray(bytes(mps))
    raw[4:6] = (len(doh_hao(HOA))).to_bytes(2, "big")
    f = bytes(Ether(src=MAC_PEER, dst=MAC_A0, type=0x86DD) / Raw(bytes(raw)))
    fx.append(Fx("xdp_ha: MPS type octet in link padding after the payload: XDP_PASS untouched",
                 "xdp_ha", f, XDP_PASS, {"rx_no_binding": 1}, **H))
    return fx


def signal_tc_fixtures():
    """The daemon's own signalling (SO_MARK XMIP6_MARK_SIGNAL) leaves untouched."""
    fx = []
    M = dict(bindings=MN_BINDINGS, config=MN_SIG)
    H = dict(bindings=HA_BINDINGS, config=HA_SIG)
    bu = IPv6(src=HOA, dst=MN_HA, fl=0x5d5d) / MIP6MH_BU(seq=12, flags="AH", mhtime=0)
    f = frame(bu, src=MAC_A0, dst=MAC_OLD)
    fx.append(Fx("tc_mn_egress: deregistration BU from the home address, mark "
                 "XMIP6_MARK_SIGNAL: TC_ACT_OK untouched", "tc_mn_egress", f, TC_ACT_OK,
                 {"tc_signal_bypass": 1}, mark=MARK_SIGNAL, **M))
    exp = encap(bytes(bu), MN_COA, MN_HA, 0, 0x5d5d, MAC_A0, MAC_NH_A)
    fx.append(Fx("tc_mn_egress: the same BU without the mark: reverse-tunnelled, TC_ACT_OK",
                 "tc_mn_egress", f, TC_ACT_OK, {"mn_encap": 1}, exp, **M))
    fx.append(Fx("tc_mn_egress: the same BU with mark XMIP6_MARK_SIGNAL ^ 1: reverse-tunnelled",
                 "tc_mn_egress", f, TC_ACT_OK, {"mn_encap": 1}, exp, mark=MARK_SIGNAL ^ 1, **M))
    ba = IPv6(src=HA_ADDR, dst=HOA, fl=0x6e6e) / MIP6MH_BA(status=0, seq=12, mhtime=0)
    f = frame(ba, src=MAC_A0, dst=MAC_OLD)
    fx.append(Fx("tc_ha_egress: BA to a bound home address, mark XMIP6_MARK_SIGNAL: TC_ACT_OK "
                 "untouched", "tc_ha_egress", f, TC_ACT_OK, {"tc_signal_bypass": 1},
                 mark=MARK_SIGNAL, **H))
    exp = encap(bytes(ba), HA_ADDR, COA, 0, 0x6e6e, MAC_A0, MAC_NH_A)
    fx.append(Fx("tc_ha_egress: the same BA without the mark: tunnelled, TC_ACT_OK",
                 "tc_ha_egress", f, TC_ACT_OK, {"ha_local_encap": 1}, exp, **H))
    f = bytes(Ether(src=MAC_A0, dst=MAC_OLD) / IP(src="192.0.2.1", dst="192.0.2.2"))
    fx.append(Fx("tc_ha_egress: IPv4 with mark XMIP6_MARK_SIGNAL: counted as the bypass, "
                 "TC_ACT_OK untouched", "tc_ha_egress", f, TC_ACT_OK, {"tc_signal_bypass": 1},
                 mark=MARK_SIGNAL, **H))
    return fx


# ------------------------------------------------------------------ fuzzing

FUZZ_SEED = 0x6d697036


def fuzz_frames(rng, n, seeds, min_len=0):
    """n frames: random bytes, random after an IPv6 EtherType, random after
    a valid IPv6 header, and valid frames with a few bytes changed."""
    out = []
    for i in range(n):
        kind = i % 4
        size = rng.randrange(min_len, 201) if rng.random() < 0.8 else rng.randrange(1400, 1515)
        if kind == 0:
            b = bytes(rng.getrandbits(8) for _ in range(size))
        elif kind == 1:
            b = bytes(Ether(src=MAC_PEER, dst=MAC_A0, type=0x86dd)) + \
                bytes(rng.getrandbits(8) for _ in range(max(0, size - 14)))
        elif kind == 2:
            body = bytes(rng.getrandbits(8) for _ in range(max(0, size - 54)))
            dst = rng.choice([HOA, HOA_NN, HOA_SMALL, HA_ADDR, MN_COA, CN, "ff02::1"])
            nh = rng.choice([41, 17, 6, 58, 0, 43, 60, 135])
            plen = len(body) if rng.random() < 0.7 else rng.randrange(0, 65536)
            b = frame(IPv6(src=rng.choice([CN, COA, HOA, MN_HA]), dst=dst, nh=nh, plen=plen,
                           hlim=rng.randrange(256)) / Raw(body))
        else:
            b = bytearray(rng.choice(seeds))
            # Half of the time keep Ethernet and two IPv6 headers intact so
            # that the deep paths (encap, decap, PTB) see random contents.
            lo = 14 + 80 if len(b) > 14 + 80 and rng.random() < 0.5 else 0
            for _ in range(rng.randrange(1, 5)):
                if len(b) > lo:
                    b[rng.randrange(lo, len(b))] = rng.getrandbits(8)
            if rng.random() < 0.3 and len(b) > 14:
                b = b[:rng.randrange(14, len(b))]
            b = bytes(b)
        out.append(b)
    return out


def fuzz_learnt(res):
    """What a fuzz run may have learnt: only with tunnel_pmtu_learned, at most
    one binding, and never a tunnel MTU under 1280 (RFC 8201 section 4)."""
    if not res["stats"]["tunnel_pmtu_learned"]:
        return {}
    before = {b["home"]: b for b in res["bindings_before"]}
    changed = {b["home"]: b["tunnel_mtu"] for b in res["bindings_after"]
               if b["home"] in before and
               (b["tunnel_mtu"], b["tunnel_mtu_expires_ns"]) !=
               (before[b["home"]]["tunnel_mtu"], before[b["home"]]["tunnel_mtu_expires_ns"])}
    if len(changed) > 1 or any(m < IPV6_MIN_MTU for m in changed.values()):
        return {h: IPV6_MIN_MTU for h in before}  # makes check_bindings complain
    return changed


def fuzz_signal_errors(prog, data, res, signal_on):
    """Each signal record is the IPv6 packet of the frame (the inner one when
    TUNNELLED, on the MN only), of its header's length (HAO_UNBOUND: at most
    SIGNAL_MAX_LEN of it); one per sig_to_daemon, and with signal_on one per
    ha_hao_unbound and mn_hao_unbound."""
    errs = []
    recs = res["signals"]
    st = res["stats"]
    want_n = st["sig_to_daemon"]
    if signal_on:
        want_n += st["ha_hao_unbound"] + st["mn_hao_unbound"]
    if len(recs) != want_n:
        errs.append("%d signal records for sig_to_daemon + *_hao_unbound %d"
                    % (len(recs), want_n))
    for rec in recs:
        tunnelled = rec["flags"] == SIGNAL_F_TUNNELLED
        if rec["flags"] not in (0, SIGNAL_F_TUNNELLED, SIGNAL_F_HAO_UNBOUND) or \
                (tunnelled and prog != "xdp_mn"):
            errs.append("signal record with flags %#x" % rec["flags"])
            continue
        off = 14 + (40 if tunnelled else 0)
        plen = int.from_bytes(data[off + 4:off + 6], "big")
        if rec["flags"] == SIGNAL_F_HAO_UNBOUND:
            plen = min(plen, SIGNAL_MAX_LEN - 40)
        want = data[off:off + 40 + plen]
        if rec["len"] != 40 + plen or len(want) != 40 + plen or \
                bytes.fromhex(rec["packet"]) != want or rec["ifindex"] != IFINDEX["xa0"]:
            errs.append("signal record (len %d) is not the frame's IPv6 packet at %d (%d bytes)"
                        % (rec["len"], off, 40 + plen))
    return errs


EVENT_COUNTERS = ("expired_binding", "ha_decap_reencap", "ha_prefix_encap", "ha_prefix_decap")


def fuzz(prog, count, seeds, verdicts, min_len, bindings, config, ifname="xa0", prefixes=None,
         tag=""):
    rng = random.Random("%d/%s" % (FUZZ_SEED, prog))  # str seeds are stable across runs
    frames = fuzz_frames(rng, count, seeds, min_len)
    fixtures = [Fx("fuzz %s #%d" % (prog, i), prog, b, None, {}, None, ifname=ifname,
                   bindings=bindings, config=config, meta=16 if len(b) < 14 else 0,
                   prefixes=prefixes)
                for i, b in enumerate(frames)]
    results = run_fixtures([fx.json() for fx in fixtures])
    runs = refused = total = 0
    bad, errors = [], []
    seen = {}
    for fx, res in zip(fixtures, results):
        if res["err"] != 0:
            # The kernel refuses XDP runs under ETH_HLEN bytes and skb runs
            # whose IPv4/IPv6 header is truncated: nothing ran.
            if res["err"] == -22 and len(fx.data) < (14 if prog.startswith("xdp") else 54):
                refused += 1
                continue
            errors.append("%s: err %d, input %s" % (fx.desc, res["err"], fx.data.hex()[:200]))
            continue
        runs += 1
        # expired_binding, ha_decap_reencap and ha_prefix_* accompany a
        # verdict counter; every other counter is one.
        s = sum(v for k, v in res["stats"].items() if k not in EVENT_COUNTERS)
        total += s
        for k, v in res["stats"].items():
            if v:
                seen[k] = seen.get(k, 0) + v
        if s != 1 or res["retval"] not in verdicts or res["stats"]["internal_error"]:
            bad.append("%s: verdict %s, counters %s, input %s" % (
                fx.desc, verdict_name(prog, res["retval"]),
                {k: v for k, v in res["stats"].items() if v}, fx.data.hex()[:200]))
        errs = check_bindings(fuzz_learnt(res), res) + fuzz_signal_errors(
            prog, fx.data, res, config.get("flags", 0) & CFG_F_SIGNAL)
        if errs:
            bad.append("%s: %s, input %s" % (fx.desc, "; ".join(errs), fx.data.hex()[:200]))
    diag = ["%d runs, %d short frames refused by the kernel, verdict counter sum %d" %
            (runs, refused, total)] + errors[:10] + bad[:20]
    label = prog + (" (SIGNAL)" if config.get("flags", 0) & CFG_F_SIGNAL else "") + tag
    print("# %s fuzz counters: %s" % (label, ", ".join(
        "%s %d" % kv for kv in sorted(seen.items(), key=lambda kv: -kv[1]))))
    tap(not errors and not bad and total == runs and runs > 0,
        "%s: %d random frames (seed %#x): valid verdict, exactly one verdict counter each, "
        "no internal_error, bindings changed only by tunnel_pmtu_learned, signal records "
        "= sig_to_daemon, each the frame's IPv6 packet" % (label, count, FUZZ_SEED), diag)


# ---- a mobile node is a host: forwarding off


# ---- per-binding counters (headers/xmip6.h "binding_ctr")
#
# Each fixture runs its frame RUNS times: the binding's counters must grow by
# exactly RUNS packets of the inner IPv6 packet's length (len() of the Scapy
# packet, header included), in the direction of the mobile node, and by
# nothing on a drop.

RUNS = 3


def bctr_fixtures():
    fx = []
    H = dict(bindings=HA_BINDINGS, config=HA_CONFIG, runs=RUNS)
    M = dict(bindings=MN_BINDINGS, config=MN_CONFIG, runs=RUNS)

    inner = udp_packet(CN, HOA, hlim=64, fl=0x1, data_len=100)
    exp = encap(with_hlim(bytes(inner), -1), HA_ADDR, COA, 0, 0x1, MAC_A0, MAC_NH_A)
    n = len(bytes(inner))
    fx.append(Fx("binding_ctr: xdp_ha encap x%d: to_mn %d packets, %d bytes" % (RUNS, RUNS, RUNS * n),
                 "xdp_ha", frame(inner), XDP_TX, {"ha_encap_fwd": RUNS}, exp,
                 ctr={HOA: (RUNS, RUNS * n, 0, 0)}, **H))
    inner = udp_packet(CN, HOA_NN, hlim=64, fl=0x2, data_len=10)
    exp = encap(with_hlim(bytes(inner), -1), HA_ADDR, COA_NN, 0, 0x2, MAC_PEER, MAC_A0)
    n = len(bytes(inner))
    fx.append(Fx("binding_ctr: xdp_ha encap to the stack (no neighbour): counted too",
                 "xdp_ha", frame(inner), XDP_PASS, {"ha_encap_stack": RUNS}, exp,
                 ctr={HOA_NN: (RUNS, RUNS * n, 0, 0)}, **H))
    f = frame(udp_packet(CN, HOA_SMALL, size=MTU_B - 40 + 1, fl=0x12))
    fx.append(Fx("binding_ctr: xdp_ha too big for the tunnel (Packet Too Big): not counted",
                 "xdp_ha", f, XDP_TX, {"ha_ptb_sent": RUNS}, ptb(f, HA_ADDR, MTU_B - 40),
                 ctr={}, **H))

    inner = udp_packet(HOA, CN, hlim=64, fl=0x3, data_len=200)
    f = frame(IPv6(src=COA, dst=HA_ADDR, nh=41, hlim=60) / inner)
    n = len(bytes(inner))
    fx.append(Fx("binding_ctr: xdp_ha reverse tunnel x%d: from_mn %d packets, %d bytes"
                 % (RUNS, RUNS, RUNS * n), "xdp_ha", f, XDP_TX, {"ha_decap_fwd": RUNS},
                 decap(with_hlim(bytes(inner), -1), MAC_A0, MAC_NH_A),
                 ctr={HOA: (0, 0, RUNS, RUNS * n)}, **H))
    f = frame(IPv6(src=COA_NN, dst=HA_ADDR, nh=41, hlim=60) / inner)
    fx.append(Fx("binding_ctr: xdp_ha reverse tunnel from another CoA (spoofed): not counted",
                 "xdp_ha", f, XDP_DROP, {"ha_spoofed_coa": RUNS}, None, ctr={}, **H))
    # Mobile node to mobile node: out of one binding's tunnel, into the other's.
    inner = udp_packet(HOA, HOA_SMALL, hlim=64, fl=0x4, data_len=50)
    f = frame(IPv6(src=COA, dst=HA_ADDR, nh=41, hlim=60) / inner)
    exp = encap(with_hlim(bytes(inner), -1), HA_ADDR, COA_SMALL, 0, 0x4, MAC_B0, MAC_NH_B)
    n = len(bytes(inner))
    fx.append(Fx("binding_ctr: xdp_ha mobile node to mobile node: from_mn of one, to_mn of "
                 "the other", "xdp_ha", f, XDP_REDIRECT,
                 {"ha_decap_reencap": RUNS, "ha_encap_fwd": RUNS}, exp,
                 ctr={HOA: (0, 0, RUNS, RUNS * n), HOA_SMALL: (RUNS, RUNS * n, 0, 0)}, **H))

    inner = IPv6(src=HA_ADDR, dst=HOA, hlim=64, fl=0x5) / ICMPv6EchoRequest(id=3, seq=4,
                                                                            data=payload(30))
    f = frame(inner, src=MAC_A0, dst=MAC_OLD)
    n = len(bytes(inner))
    fx.append(Fx("binding_ctr: tc_ha_egress local encap x%d: to_mn" % RUNS, "tc_ha_egress", f,
                 TC_ACT_OK, {"ha_local_encap": RUNS},
                 encap(bytes(inner), HA_ADDR, COA, 0, 0x5, MAC_A0, MAC_NH_A),
                 ctr={HOA: (RUNS, RUNS * n, 0, 0)}, **H))

    inner = udp_packet(CN, HOA, hlim=40, fl=0x6, data_len=300)
    f = frame(IPv6(src=MN_HA, dst=MN_COA, nh=41, hlim=50) / inner)
    n = len(bytes(inner))
    fx.append(Fx("binding_ctr: xdp_mn decap x%d: to_mn" % RUNS, "xdp_mn", f, XDP_PASS,
                 {"mn_decap": RUNS}, decap(bytes(inner), MAC_PEER, MAC_A0),
                 ctr={HOA: (RUNS, RUNS * n, 0, 0)}, **M))
    f = frame(IPv6(src="2001:db8:a::66", dst=MN_COA, nh=41, hlim=50) / inner)
    fx.append(Fx("binding_ctr: xdp_mn tunnel from another source: not counted", "xdp_mn", f,
                 XDP_DROP, {"mn_tunnel_bad_src": RUNS}, None, ctr={}, **M))
    inner = udp_packet(HOA, CN, hlim=64, fl=0x7, data_len=400)
    f = frame(inner, src=MAC_A0, dst=MAC_OLD)
    n = len(bytes(inner))
    fx.append(Fx("binding_ctr: tc_mn_egress reverse tunnel x%d: from_mn" % RUNS, "tc_mn_egress",
                 f, TC_ACT_OK, {"mn_encap": RUNS},
                 encap(bytes(inner), MN_COA, MN_HA, 0, 0x7, MAC_A0, MAC_NH_A),
                 ctr={HOA: (0, 0, RUNS, RUNS * n)}, **M))
    return fx


def bctr_slot_fixtures():
    """The slot is what counts (headers/xmip6.h ctr_slot): none (0), or one
    beyond the array, forwards the same and counts nothing; the second
    says so in binding_ctr_full."""
    fx = []
    inner = udp_packet(CN, HOA, hlim=64, fl=0x8, data_len=100)
    exp = encap(with_hlim(bytes(inner), -1), HA_ADDR, COA, 0, 0x8, MAC_A0, MAC_NH_A)
    for slot, stats, what in ((0, {}, "no slot (0)"),
                              (0x7ffffff0, {"binding_ctr_full": RUNS}, "a slot beyond the array")):
        fx.append(Fx("binding_ctr: xdp_ha encap, %s: forwarded, not counted" % what, "xdp_ha",
                     frame(inner), XDP_TX, dict({"ha_encap_fwd": RUNS}, **stats), exp, ctr={},
                     bindings=[B(HOA, COA, HA_ADDR, ctr_slot=slot)], config=HA_CONFIG,
                     runs=RUNS))
    return fx


def host_fixtures():
    """tc_mn_egress where bpf_fib_lookup() answers FWD_DISABLED (forwarding off)."""
    fx = []
    M = dict(bindings=MN_BINDINGS, config=MN_CONFIG)
    inner = udp_packet(HOA, CN, fl=0x777)
    f = frame(inner, src=MAC_A0, dst=MAC_OLD)
    exp = encap(bytes(inner), MN_COA, MN_HA, 0, 0x777, MAC_A0, MAC_OLD)
    fx.append(Fx("tc_mn_egress, forwarding off: encapsulated, routed by bpf_redirect_neigh "
                 "(TC_ACT_REDIRECT)", "tc_mn_egress", f, TC_ACT_REDIRECT, {"mn_encap": 1}, exp,
                 mask=mask_macs, **M))
    small = dict(bindings=[B(HOA, MN_COA_B, MN_HA_SMALL)], config=MN_CONFIG, ifname="xb0")
    f = frame(udp_packet(HOA, CN, size=MTU_B - 40 + 1), src=MAC_B0, dst=MAC_OLD)
    fx.append(Fx("tc_mn_egress, forwarding off: %d bytes on a %d-byte link: Packet Too Big "
                 "mtu %d from the device MTU" % (MTU_B - 39, MTU_B, MTU_B - 40),
                 "tc_mn_egress", f, TC_ACT_REDIRECT, {"mn_ptb_local": 1},
                 ptb(f, MN_HA_SMALL, MTU_B - 40), **small))
    valid = dict(bindings=[learnt_binding(HOA, MN_COA, MN_HA, 1400, VALID_MS)], config=MN_CONFIG)
    f = frame(udp_packet(HOA, CN, size=1361, fl=0x778), src=MAC_A0, dst=MAC_OLD)
    fx.append(Fx("tc_mn_egress, forwarding off: 1361 bytes on a 1500-byte link, learnt tunnel "
                 "MTU 1400: Packet Too Big mtu 1360", "tc_mn_egress", f, TC_ACT_REDIRECT,
                 {"mn_ptb_local": 1}, ptb(f, MN_HA, 1360), **valid))
    inner = udp_packet(HOA, CN, size=1360, fl=0x778)
    exp = encap(bytes(inner), MN_COA, MN_HA, 0, 0x778, MAC_A0, MAC_OLD)
    fx.append(Fx("tc_mn_egress, forwarding off: 1360 bytes, learnt tunnel MTU 1400: fits, "
                 "encapsulated, TC_ACT_REDIRECT (MACs not compared)", "tc_mn_egress",
                 frame(inner, src=MAC_A0, dst=MAC_OLD), TC_ACT_REDIRECT, {"mn_encap": 1}, exp,
                 mask=mask_macs, **valid))
    return fx


# ---- NEMO (RFC 3963): mobile network prefixes at the home agent

# Router A is HOA (CoA COA, via xa0), router B is HOA_SMALL (CoA COA_SMALL,
# via xb0). Two adjacent /56s, one each; a /48 of A holding a /64 of B;
# a prefix of B holding A's own home address; one of a router without
# binding, one of a router whose binding expired.
MNP_A, MNP_B = "2001:db8:100::/56", "2001:db8:100:100::/56"
MNP_WIDE_A, MNP_NARROW_B = "2001:db8:200::/48", "2001:db8:200:5::/64"
MNP_OVER_HOA_B = "2001:db8:40::/56"
MNP_UNBOUND, MNP_EXPIRED = "2001:db8:300::/56", "2001:db8:301::/56"
HOST_A, HOST_B = "2001:db8:100:ff::7", "2001:db8:100:100::7"
NEMO_PREFIXES = [(MNP_A, HOA), (MNP_B, HOA_SMALL), (MNP_WIDE_A, HOA), (MNP_NARROW_B, HOA_SMALL),
                 (MNP_OVER_HOA_B, HOA_SMALL), (MNP_UNBOUND, HOA_NONE), (MNP_EXPIRED, HOA_EXP)]


def nemo_fixtures():
    fx = []
    N = dict(bindings=HA_BINDINGS, config=HA_CONFIG, prefixes=NEMO_PREFIXES)

    def to(dst, fl):
        return udp_packet(CN, dst, hlim=64, fl=fl)

    # A packet to a host of a mobile network: its router's tunnel, as for
    # the router's home address (RFC 3963 section 6.5), counted on the router.
    for desc, dst, home, coa, verdict, macs, ifname in (
            ("in router A's /56", HOST_A, HOA, COA, XDP_TX, (MAC_A0, MAC_NH_A), "xa0"),
            ("in router B's adjacent /56", HOST_B, HOA_SMALL, COA_SMALL, XDP_REDIRECT,
             (MAC_B0, MAC_NH_B), "xa0"),
            ("in B's /64 inside A's /48: the longest match, B", "2001:db8:200:5::9", HOA_SMALL,
             COA_SMALL, XDP_REDIRECT, (MAC_B0, MAC_NH_B), "xa0"),
            ("in A's /48 outside B's /64: A", "2001:db8:200:6::9", HOA, COA, XDP_TX,
             (MAC_A0, MAC_NH_A), "xa0")):
        inner = to(dst, 0x4242)
        exp = encap(with_hlim(bytes(inner), -1), HA_ADDR, coa, 0, 0x4242, *macs)
        fx.append(Fx("xdp_ha NEMO: to %s %s: tunnelled to the router's CoA" % (dst, desc),
                     "xdp_ha", frame(inner), verdict, {"ha_prefix_encap": 1, "ha_encap_fwd": 1},
                     exp, ctr={home: (1, len(bytes(inner)), 0, 0)}, ifname=ifname, **N))
    inner = to(HOA, 0x4343)
    exp = encap(with_hlim(bytes(inner), -1), HA_ADDR, COA, 0, 0x4343, MAC_A0, MAC_NH_A)
    fx.append(Fx("xdp_ha NEMO: to router A's home address inside B's prefix: the host binding "
                 "wins", "xdp_ha", frame(inner), XDP_TX, {"ha_encap_fwd": 1}, exp,
                 ctr={HOA: (1, len(bytes(inner)), 0, 0)}, **N))
    fx.append(Fx("xdp_ha NEMO: to a prefix whose router has no binding: XDP_PASS untouched",
                 "xdp_ha", frame(to("2001:db8:300::1", 1)), XDP_PASS, {"rx_no_binding": 1},
                 **N))
    fx.append(Fx("xdp_ha NEMO: to a prefix whose router's binding expired: XDP_PASS untouched",
                 "xdp_ha", frame(to("2001:db8:301::1", 1)), XDP_PASS,
                 {"expired_binding": 1, "rx_no_binding": 1}, **N))
    fx.append(Fx("xdp_ha NEMO: to an address in no prefix: XDP_PASS untouched",
                 "xdp_ha", frame(to("2001:db8:400::1", 1)), XDP_PASS, {"rx_no_binding": 1},
                 **N))
    # A Packet Too Big about a tunnelled packet to a host of a mobile network
    # (bpf/pmtu.h): learnt where that prefix's packets read the tunnel MTU,
    # the copy of the router's binding the prefix entry carries (the binding
    # itself unchanged); without a copy, in the router's binding.
    tun = tunnel_packet(HA_ADDR, COA, udp_packet(CN, HOST_A, size=1400, fl=0x12))
    ptb = Fx("xdp_ha NEMO: Packet Too Big about our tunnel packet to %s: XDP_PASS, the "
             "tunnel MTU 1400 learnt for the prefix" % HOST_A, "xdp_ha",
             ptb_about(HA_ADDR, tun, 1400), XDP_PASS, {"tunnel_pmtu_learned": 1}, **N)
    ptb.learnt_by_home = {HOA: 1400}
    fx.append(ptb)

    # Reverse tunnel (RFC 3963 sections 6.4, 9): a source in the router's
    # prefix is accepted from its CoA only.
    def rev(inner, src):
        return frame(IPv6(src=src, dst=HA_ADDR, nh=41, hlim=60) / inner)

    inner = udp_packet(HOST_A, CN, hlim=64, fl=0x5151)
    fx.append(Fx("xdp_ha NEMO: reverse tunnel from router A's CoA, source in its prefix: "
                 "decapsulated, forwarded", "xdp_ha", rev(inner, COA), XDP_TX,
                 {"ha_prefix_decap": 1, "ha_decap_fwd": 1},
                 decap(with_hlim(bytes(inner), -1), MAC_A0, MAC_NH_A),
                 ctr={HOA: (0, 0, 1, len(bytes(inner)))}, **N))
    fx.append(Fx("xdp_ha NEMO: reverse tunnel from router A's CoA, source in router B's "
                 "prefix: XDP_DROP, counted", "xdp_ha", rev(udp_packet(HOST_B, CN), COA),
                 XDP_DROP, {"ha_prefix_spoofed": 1}, None, ctr={}, **N))
    fx.append(Fx("xdp_ha NEMO: reverse tunnel from router A's CoA, source in no prefix: "
                 "XDP_DROP, counted", "xdp_ha", rev(udp_packet("2001:db8:400::1", CN), COA),
                 XDP_DROP, {"ha_tunnel_no_binding": 1}, None, ctr={}, **N))
    inner = udp_packet(HOA_NN, HOST_B, hlim=64, fl=0x6161)
    exp = encap(with_hlim(bytes(inner), -1), HA_ADDR, COA_SMALL, 0, 0x6161, MAC_B0, MAC_NH_B)
    fx.append(Fx("xdp_ha NEMO: reverse tunnel from a mobile node to a host of router B's "
                 "network: re-tunnelled to B's CoA", "xdp_ha", rev(inner, COA_NN), XDP_REDIRECT,
                 {"ha_decap_reencap": 1, "ha_prefix_encap": 1, "ha_encap_fwd": 1}, exp,
                 ctr={HOA_NN: (0, 0, 1, len(bytes(inner))),
                      HOA_SMALL: (1, len(bytes(inner)), 0, 0)}, **N))

    # The HA's own packets to a mobile network (an echo, an ICMPv6 error it
    # sends): tc_ha_egress tunnels them to the router's CoA as xdp_ha does
    # forwarded ones (RFC 3963 section 6.5), hop limit kept.
    for desc, dst, home, coa, verdict, macs, ifname in (
            ("in router A's /56", HOST_A, HOA, COA, TC_ACT_OK, (MAC_A0, MAC_NH_A), "xa0"),
            ("in B's /64 inside A's /48: the longest match, B", "2001:db8:200:5::9", HOA_SMALL,
             COA_SMALL, TC_ACT_REDIRECT, (MAC_B0, MAC_NH_B), "xa0")):
        inner = IPv6(src=HA_ADDR, dst=dst, hlim=64, fl=0x2468) / ICMPv6EchoRequest(id=7, seq=1)
        exp = encap(bytes(inner), HA_ADDR, coa, 0, 0x2468, *macs)
        fx.append(Fx("tc_ha_egress NEMO: the HA's echo to %s %s: tunnelled to the router's CoA"
                      % (dst, desc), "tc_ha_egress", frame(inner, src=MAC_A0, dst=MAC_OLD),
                      verdict, {"ha_prefix_encap": 1, "ha_local_encap": 1}, exp,
                      ctr={home: (1, len(bytes(inner)), 0, 0)}, ifname=ifname, **N))
    err = IPv6(src=HA_ADDR, dst=HOST_A, hlim=64, fl=0x1357) / ICMPv6DestUnreach(code=3) / \
        bytes(udp_packet(HOST_A, "2001:db8:400::1"))[:64]
    fx.append(Fx("tc_ha_egress NEMO: the HA's ICMPv6 error to a host of router A's network: "
                  "tunnelled to A's CoA", "tc_ha_egress", frame(err, src=MAC_A0, dst=MAC_OLD),
                  TC_ACT_OK, {"ha_prefix_encap": 1, "ha_local_encap": 1},
                  encap(bytes(err), HA_ADDR, COA, 0, 0x1357, MAC_A0, MAC_NH_A),
                  ctr={HOA: (1, len(bytes(err)), 0, 0)}, **N))
    for desc, dst, stats in (
            ("whose router has no binding", "2001:db8:300::1", {"tc_pass": 1}),
            ("whose router's binding expired", "2001:db8:301::1",
             {"tc_pass": 1, "expired_binding": 1}),
            ("in no prefix", "2001:db8:400::1", {"tc_pass": 1})):
        f = frame(udp_packet(HA_ADDR, dst), src=MAC_A0, dst=MAC_OLD)
        fx.append(Fx("tc_ha_egress NEMO: to an address %s: TC_ACT_OK untouched" % desc,
                     "tc_ha_egress", f, TC_ACT_OK, stats, ctr={}, **N))
    return fx


# ------------------------------------------------------------------ main


def report(fixtures, results, stat_names):
    for fx, res in zip(fixtures, results):
        if kernel_gap_hit(fx, res):
            print("# skip - %s: %s" % (fx.desc, fx.kernel_gap))
            continue
        ok, diag, skip = evaluate(fx, res, stat_names)
        tap(ok, fx.desc, diag, skip)


def start(name):
    """What every BPF_PROG_TEST_RUN test file does first: root, the runner
    built, the namespace with the topology. Returns the runner's counter
    names, or None after a failing TAP line."""
    if os.geteuid() != 0:
        tap(False, "%s needs root" % name, [])
        return None
    if not os.access(RUNNER, os.X_OK):
        tap(False, "runner %s is built (run make)" % RUNNER, [])
        return None
    stat_names = subprocess.run([RUNNER, "--list-stats"], capture_output=True, text=True,
                                check=True).stdout.split()
    try:
        netns_create()
    except Exception as e:  # noqa: BLE001
        tap(False, "namespace %s with the test topology" % NS, [str(e)])
        return None
    return stat_names


def finish(plan=True):
    """The plan (when the file prints one) and the summary; the exit status."""
    if plan:
        print("1..%d" % (N_PASS + N_FAIL))
    print("# %d passed, %d failed" % (N_PASS, N_FAIL))
    return 1 if N_FAIL else 0


def run_main(name, main):
    """Run main() as a test file's entry point: the namespace goes on any
    exit or signal, a crash is one failing TAP line with its traceback."""
    atexit.register(netns_delete)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, on_signal)
    rc = 1
    try:
        rc = main()
    except SystemExit as e:
        rc = e.code if isinstance(e.code, int) else 1
    except Exception as e:  # noqa: BLE001 - report, clean up, fail
        import traceback
        print("not ok - %s crashed: %s" % (name, e))
        for line in traceback.format_exc().splitlines():
            print("#   " + line)
        rc = 1
    finally:
        netns_delete()
    sys.exit(rc)


def main():
    stat_names = start("test_dataplane")
    if stat_names is None:
        return 1

    builder_checks()
    fixtures = (xdp_ha_fixtures() + xdp_ha_pmtu_fixtures() + xdp_mn_fixtures() +
                xdp_mn_pmtu_fixtures() + tc_fixtures() + tc_pmtu_fixtures() + gso_fixtures() +
                signal_ha_fixtures() + signal_mn_fixtures() + signal_tc_fixtures() +
                hao_unbound_fixtures() + mps_fixtures())
    fixtures += nh_cache_fixtures(xdp_ha_fixtures() + tc_fixtures()) + nh_mtu_fixtures() + \
        nh_src_free_fixtures()
    fixtures += bctr_fixtures() + bctr_slot_fixtures() + nemo_fixtures() + mr_fixtures()
    fixtures += other_host_fixtures()
    results = run_fixtures([fx.json() for fx in fixtures])
    report(fixtures, results, stat_names)
    label_checks(fixtures, results)
    # binding-counters = false: the programs loaded without counting (bpf/bctr.h
    # cfg_binding_counters 0); the same packets, the same verdicts, no entry.
    off = bctr_fixtures()
    for fx in off:
        fx.desc = "[binding-counters off] " + fx.desc
        fx.ctr = {}
        fx.ctr_none = True
    report(off, run_fixtures([fx.json() for fx in off], {"PROG_RUN_BINDING_COUNTERS": "0"}),
           stat_names)
    # Prefix entries without their router's forwarding half (written by hand,
    # or before the router's first binding): the binding by home address,
    # the same verdicts, counters and packets as with the copy above.
    by_home = nemo_fixtures()
    for fx in by_home:
        fx.desc = "[prefixes by home address] " + fx.desc
        fx.prefix_by_home = True
        fx.learnt = getattr(fx, "learnt_by_home", fx.learnt)
    report(by_home, run_fixtures([fx.json() for fx in by_home]), stat_names)

    seeds = [fx.data for fx in fixtures if fx.prog.startswith("xdp") and len(fx.data) >= 14]
    fuzz("xdp_ha", 400, seeds, (XDP_DROP, XDP_PASS, XDP_TX, XDP_REDIRECT), 0,
         HA_BINDINGS, HA_CONFIG)
    fuzz("xdp_mn", 150, seeds, (XDP_DROP, XDP_PASS), 0, MN_BINDINGS, MN_CONFIG)
    fuzz("xdp_ha", 400, seeds, (XDP_DROP, XDP_PASS, XDP_TX, XDP_REDIRECT), 0,
         HA_BINDINGS, HA_SIG)
    fuzz("xdp_mn", 300, seeds, (XDP_DROP, XDP_PASS), 0, MN_BINDINGS, MN_SIG)
    fuzz("xdp_ha", 300, [fx.data for fx in nemo_fixtures()] + seeds[:50],
         (XDP_DROP, XDP_PASS, XDP_TX, XDP_REDIRECT), 0, HA_BINDINGS, HA_CONFIG,
         prefixes=NEMO_PREFIXES, tag=" (NEMO prefixes)")
    tc_seeds = [fx.data for fx in fixtures if fx.prog.startswith("tc")]
    fuzz("tc_mn_egress", 100, tc_seeds, (TC_ACT_OK, TC_ACT_SHOT, TC_ACT_REDIRECT), 14,
         MN_BINDINGS, MN_CONFIG)
    fuzz("tc_ha_egress", 100, tc_seeds, (TC_ACT_OK, TC_ACT_SHOT, TC_ACT_REDIRECT), 14,
         HA_BINDINGS, HA_CONFIG)

    sh("ip", "netns", "exec", NS, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=0",
       "net.ipv6.conf.xa0.forwarding=0", "net.ipv6.conf.xb0.forwarding=0")
    fixtures = host_fixtures()
    report(fixtures, run_fixtures([fx.json() for fx in fixtures]), stat_names)

    return finish(plan=False)


if __name__ == "__main__":
    run_main("test_dataplane", main)
