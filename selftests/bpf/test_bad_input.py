#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""
test_bad_input.py - every xmip6 BPF program (xdp_ha, xdp_mn, xdp_cn,
tc_ha_egress, tc_mn_egress, tc_cn_egress) under bad input, through
BPF_PROG_TEST_RUN.

One table: each row is a description, a program, an input frame built here
with Scapy, the maps it runs against, the exact verdict, the exact counters
that move (every other counter must stay at 0), the signal ring records
(none unless listed) and, where the program forwards or rewrites the frame,
the exact output frame. Categories: truncated headers, long and looping
extension-header chains (the walk is bounded: IPV6_EXT_MAX = 4), fragments,
wrong lengths, jumbograms and minimum frames, VLAN tags, and multicast /
link-local misuse.

Reuses test_dataplane.py (namespace and topology, runner, Fx, evaluate())
and the RFC 6275 builders of test_ro_dataplane.py. Expected frames follow
RFC 2473, RFC 2675, RFC 4291, RFC 6275 and RFC 8200, never the BPF code.

Prints TAP; exits 1 if anything failed.
"""

import ipaddress
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "peers"))
import test_dataplane as td  # noqa: E402
import test_ro_dataplane as trd  # noqa: E402
from test_dataplane import (  # noqa: E402
    Fx, Sig, payload, udp_packet, encap, decap, with_hlim,
    XDP_DROP, XDP_PASS, XDP_TX, TC_ACT_OK, TC_ACT_SHOT,
    MAC_A0, MAC_PEER, MAC_NH_A, MAC_OLD,
    HA_ADDR, HOA, HOA_NONE, COA, CN, MN_COA, MN_HA,
    HA_BINDINGS, MN_BINDINGS, CFG_F_SIGNAL,
)
from test_ro_dataplane import (  # noqa: E402
    RoFx, R, rh2, doh_hao, CN_SELF, CN_BINDINGS, SIGNAL_F_HAO_UNBOUND, MN_RO_CONFIG,
)
from scapy.layers.inet import UDP  # noqa: E402
from scapy.layers.inet6 import (  # noqa: E402
    HAO, IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrFragment, IPv6ExtHdrHopByHop, IPv6ExtHdrRouting,
)
from scapy.layers.l2 import Dot1AD, Dot1Q, Ether  # noqa: E402
from scapy.packet import Raw  # noqa: E402
from scapy.layers.inet6 import (  # noqa: E402
    ICMPv6ND_NS, Jumbo, MIP6MH_BA, MIP6MH_BU, MIP6MH_HoT, MIP6MH_HoTI,
)

HA_SIG = dict(td.HA_CONFIG, flags=CFG_F_SIGNAL)
MN_SIG = dict(td.MN_CONFIG, flags=CFG_F_SIGNAL)
CN_SIG = {"role": trd.ROLE_CN, "flags": CFG_F_SIGNAL}
ENV = {
    "xdp_ha": dict(bindings=HA_BINDINGS, config=HA_SIG),
    "tc_ha_egress": dict(bindings=HA_BINDINGS, config=td.HA_CONFIG),
    "xdp_mn": dict(bindings=MN_BINDINGS, config=MN_SIG),
    "tc_mn_egress": dict(bindings=MN_BINDINGS, config=td.MN_CONFIG),
    "xdp_cn": dict(bindings=CN_BINDINGS, config=CN_SIG),
    "tc_cn_egress": dict(bindings=CN_BINDINGS, config={"role": trd.ROLE_CN}),
}
XDP_PROGS = ("xdp_ha", "xdp_mn", "xdp_cn")
TC_PROGS = ("tc_ha_egress", "tc_mn_egress", "tc_cn_egress")
# A packet each program would rewrite (bound), as (src, dst): HA and CN to
# the home address, MN from it.
BOUND = {
    "xdp_ha": (CN, HOA), "tc_ha_egress": (HA_ADDR, HOA),
    "xdp_mn": (CN, MN_COA), "tc_mn_egress": (HOA, CN),
    "xdp_cn": (COA, CN_SELF), "tc_cn_egress": (CN_SELF, HOA),
}
FL = 0x4b1d  # a non-zero flow label: the tunnel copies it (no hash to mask)
TOOK = {"sig_to_daemon": 1}
NOB = {"rx_no_binding": 1}
MAL = {"rx_malformed": 1}
SHORT = "kernel refuses test runs with less than an Ethernet header"

ROWS = []


def row(desc, prog, data, verdict, stats, out=None, signals=(), cls=Fx, **kw):
    """One table row. out: the expected output frame (None: not compared, for
    drops; td.UNTOUCHED: the input); signals: the expected ring records."""
    env = dict(ENV[prog])
    env.update(kw)
    ROWS.append(cls("%s: %s" % (prog, desc), prog, data, verdict, stats, out, signals=signals,
                    **env))


def frame(pkt, src=MAC_PEER, dst=MAC_A0):
    """An Ethernet frame (EtherType IPv6) around an IPv6 packet or its bytes."""
    return bytes(Ether(src=src, dst=dst, type=0x86dd)) + bytes(pkt)


def tx(data, dst=MAC_OLD):
    """A frame as the stack hands it to TC egress (old next hop MAC), or
    with dst the next hop's MAC the FIB gives: an expected TC output."""
    return frame(data, src=MAC_A0, dst=dst)


def ip6_rewrite(pkt, plen=None, nh=None, src=None, dst=None):
    """The 40-byte IPv6 header of pkt with fields replaced (Scapy)."""
    h = IPv6(bytes(pkt)[:40])
    h.remove_payload()
    if plen is not None:
        h.plen = plen
    if nh is not None:
        h.nh = nh
    if src is not None:
        h.src = src
    if dst is not None:
        h.dst = dst
    return bytes(h)[:40]


def strip_first_ext(pkt, n, src=None, dst=None):
    """RFC 6275 sections 6.3/6.4 processing: the n-octet extension header
    right behind the IPv6 header removed, its Next Header taken over, the
    payload length shrunk, and the home address put in src or dst."""
    b = bytes(pkt)
    plen = int.from_bytes(b[4:6], "big")
    return ip6_rewrite(b, plen=plen - n, nh=b[40], src=src, dst=dst) + b[40 + n:]


def insert_first_ext(pkt, ext, nh, src=None, dst=None):
    """ext inserted right behind the IPv6 header (RFC 8200 section 4.1 order)."""
    b = bytes(pkt)
    plen = int.from_bytes(b[4:6], "big")
    return ip6_rewrite(b, plen=plen + len(ext), nh=nh, src=src, dst=dst) + bytes(ext) + b[40:]


def ha_tunnelled(inner, trailer=b""):
    """xdp_ha: RFC 2473 encapsulation HA -> CoA after the hop limit decrement
    (section 3.1); bytes behind the inner payload stay behind the packet."""
    b = bytes(inner)
    tc = (b[0] & 0x0f) << 4 | b[1] >> 4
    fl = (b[1] & 0x0f) << 16 | b[2] << 8 | b[3]
    return encap(with_hlim(b, -1), HA_ADDR, COA, tc, fl, MAC_A0, MAC_NH_A) + trailer


def doh_raw(opts, nh=17):
    """A Destination Options header holding the option octets opts, padded
    to a multiple of 8 octets with Pad1 or PadN (RFC 8200 section 4.2)."""
    n = (-(2 + len(opts))) % 8
    tail = b"" if not n else (b"\0" if n == 1 else bytes([1, n - 2]) + bytes(n - 2))
    body = bytes(opts) + tail
    return bytes([nh, (2 + len(body)) // 8 - 1]) + body


PADN4 = bytes([1, 4, 0, 0, 0, 0])  # PadN, 4 octets of data
PADN0 = bytes([1, 0])
PAD1 = bytes([0])


def chain(src, dst, exts, upper):
    p = IPv6(src=src, dst=dst, fl=FL)
    for e in exts:
        p = p / e
    return p / upper


def bu(seq=9):
    return MIP6MH_BU(seq=seq, flags="AH", mhtime=25)


def ba(seq=9):
    return MIP6MH_BA(status=0, seq=seq, mhtime=25)


def udp(n=32):
    return UDP(sport=4000, dport=5000) / Raw(payload(n))


def tunnel(outer_src, outer_dst, inner, plen=None, trailer=b""):
    kw = {} if plen is None else {"plen": plen}
    return frame(IPv6(src=outer_src, dst=outer_dst, nh=41, hlim=50, **kw) /
                 Raw(bytes(inner) + trailer))


# ------------------------------------------------------------------ truncated headers


def truncated_rows():
    eth6 = bytes(Ether(src=MAC_PEER, dst=MAC_A0, type=0x86dd))
    for prog in XDP_PROGS:
        row("13-byte frame (shorter than Ethernet): XDP_DROP", prog, payload(13), XDP_DROP, MAL,
            meta=16, skip_einval=SHORT)
        src, dst = BOUND[prog]
        full = bytes(udp_packet(src, dst))
        row("Ethernet + 39 bytes of IPv6 header: XDP_DROP", prog, eth6 + full[:39], XDP_DROP,
            MAL)
        row("payload length 100 in a frame with 60 bytes of payload: XDP_DROP", prog,
            frame(IPv6(src=src, dst=dst, nh=17, plen=100) / Raw(payload(60))), XDP_DROP, MAL)
    for prog in TC_PROGS:
        src, dst = BOUND[prog]
        row("payload length 100 in an skb with 60 bytes of payload: TC_ACT_SHOT", prog,
            tx(IPv6(src=src, dst=dst, nh=17, plen=100, fl=FL) / Raw(payload(60))), TC_ACT_SHOT,
            MAL)

    # An extension header longer than what is left of the payload (RFC 8200
    # section 4: its length field is authoritative, the payload length too).
    short_doh = Raw(bytes([17, 2]) + bytes(14))  # says 24 octets, 16 given
    p = IPv6(src=COA, dst=HA_ADDR, nh=60, plen=16) / short_doh
    row("Destination Options of 24 octets in a 16-octet payload, to ha_addr: XDP_DROP",
        "xdp_ha", frame(p), XDP_DROP, MAL)
    p = IPv6(src=CN, dst=HOA, nh=60, plen=16, fl=FL) / short_doh
    row("the same to a bound home address: tunnelled as it is (a router does not parse "
        "destination options, RFC 8200 section 4)", "xdp_ha", frame(p), XDP_TX,
        {"ha_encap_fwd": 1}, ha_tunnelled(p))
    p = IPv6(src=CN, dst=MN_COA, nh=60, plen=16) / short_doh
    row("Destination Options of 24 octets in a 16-octet payload: XDP_DROP", "xdp_mn",
        frame(p), XDP_DROP, MAL)
    p = IPv6(src=COA, dst=CN_SELF, nh=0, plen=8) / Raw(bytes([17, 1]) + bytes(6))
    row("Hop-by-Hop header of 16 octets in an 8-octet payload: XDP_DROP", "xdp_cn", frame(p),
        XDP_DROP, MAL)

    # Truncated Destination Options holding a Home Address option.
    hao24 = bytes(doh_hao(HOA, nh=17))
    p = IPv6(src=COA, dst=HA_ADDR, nh=60, plen=16) / Raw(hao24[:16])
    row("BU-bound DOH with a HAO cut to 16 of 24 octets by the payload length: XDP_DROP",
        "xdp_ha", frame(p), XDP_DROP, MAL)
    p = IPv6(src=CN, dst=MN_COA, nh=60, plen=16) / Raw(hao24[:16])
    row("DOH with a HAO cut to 16 of 24 octets: XDP_DROP", "xdp_mn", frame(p), XDP_DROP, MAL)
    p = IPv6(src=COA, dst=CN_SELF, nh=60, plen=16) / Raw(hao24[:16])
    row("DOH with a HAO cut to 16 of 24 octets: XDP_DROP", "xdp_cn", frame(p), XDP_DROP, MAL)
    # Hdr Ext Len 1 (16 octets) but the HAO in it needs 24: option overruns.
    p = IPv6(src=COA, dst=CN_SELF, nh=60) / Raw(bytes([17, 1, 0xc9, 16]) +
                                                ipaddress.IPv6Address(HOA).packed[:12] +
                                                bytes(udp_packet(HOA, CN_SELF))[40:])
    row("16-octet DOH whose HAO runs 8 octets past it: XDP_DROP", "xdp_cn", frame(p), XDP_DROP,
        MAL)

    # Truncated type 2 Routing header.
    rh24 = bytes(rh2(HOA, nh=17))
    p = IPv6(src=CN, dst=MN_COA, nh=43, plen=16) / Raw(rh24[:16])
    row("RH2 cut to 16 of 24 octets by the payload length: XDP_DROP", "xdp_mn", frame(p),
        XDP_DROP, MAL)
    p = IPv6(src=COA, dst=CN_SELF, nh=43, plen=16) / Raw(rh24[:16])
    row("RH2 cut to 16 of 24 octets: XDP_DROP", "xdp_cn", frame(p), XDP_DROP, MAL)

    # Truncated inner header of IPv6-in-IPv6 (RFC 2473: the inner packet is
    # the outer payload, so it must end within it, not in link padding).
    inner = udp_packet(HOA, CN, fl=FL)
    row("reverse tunnel from the CoA, inner header cut to 20 octets by the frame: XDP_DROP",
        "xdp_ha", tunnel(COA, HA_ADDR, bytes(inner)[:20]), XDP_DROP, MAL)
    row("reverse tunnel from the CoA, outer payload length 20 (inner header cut), the rest of "
        "the inner packet behind it as padding: XDP_DROP", "xdp_ha",
        tunnel(COA, HA_ADDR, inner, plen=20), XDP_DROP, MAL)
    row("reverse tunnel from the CoA, inner payload running 8 octets past the outer payload: "
        "XDP_DROP", "xdp_ha", tunnel(COA, HA_ADDR, inner, plen=len(inner) - 8), XDP_DROP, MAL)
    inner = udp_packet(CN, HOA, fl=FL)
    row("tunnel from our HA, inner header cut to 39 octets by the frame: XDP_DROP", "xdp_mn",
        tunnel(MN_HA, MN_COA, bytes(inner)[:39]), XDP_DROP, MAL)
    row("tunnel from our HA, outer payload length 20 (inner header cut), the rest behind it "
        "as padding: XDP_DROP", "xdp_mn", tunnel(MN_HA, MN_COA, inner, plen=20), XDP_DROP, MAL)
    row("tunnel from our HA, inner payload running 8 octets past the outer payload: XDP_DROP",
        "xdp_mn", tunnel(MN_HA, MN_COA, inner, plen=len(inner) - 8), XDP_DROP, MAL)
    hot = IPv6(src=CN, dst=HOA) / MIP6MH_HoT(index=3, cookie=td.COOKIE, token=td.TOKEN)
    row("tunnelled Home Test whose last 8 octets lie past the outer payload: XDP_DROP, no "
        "record", "xdp_mn", tunnel(MN_HA, MN_COA, hot, plen=len(hot) - 8), XDP_DROP, MAL)


# ------------------------------------------------------------------ long and looping chains


def chain_rows():
    d = IPv6ExtHdrDestOpt  # empty: PadN(6) filling 8 octets
    p = chain(COA, HA_ADDR, [d(), d(), d(), d()], bu())
    row("4 Destination Options headers (IPV6_EXT_MAX) + BU to ha_addr: handed to the daemon",
        "xdp_ha", frame(p), XDP_DROP, TOOK, signals=[Sig(p)])
    p = chain(COA, HA_ADDR, [d(), d(), d(), d(), d()], bu())
    row("5 Destination Options headers + BU to ha_addr: past the bound, not signalling, "
        "XDP_PASS untouched (ha_addr has no binding)", "xdp_ha", frame(p), XDP_PASS, NOB,
        td.UNTOUCHED)
    p = chain(COA, HA_ADDR, [d(nh=60)] * 12, bu())
    row("12 Destination Options headers chained to each other + BU: XDP_PASS untouched",
        "xdp_ha", frame(p), XDP_PASS, NOB, td.UNTOUCHED)
    p = chain(COA, HA_ADDR, [IPv6ExtHdrHopByHop(), IPv6ExtHdrHopByHop(), d()], bu())
    row("Hop-by-Hop twice (RFC 8200 4.3: only first) + BU: not signalling, XDP_PASS untouched",
        "xdp_ha", frame(p), XDP_PASS, NOB, td.UNTOUCHED)
    p = IPv6(src=COA, dst=HA_ADDR, nh=60, fl=FL) / Raw(doh_raw(PADN4 * 41, nh=135)) / bu()
    row("one 248-octet Destination Options header of 41 PadN + BU: handed to the daemon",
        "xdp_ha", frame(p), XDP_DROP, TOOK, signals=[Sig(p)])
    p = chain(CN, HOA, [d()] * 7, udp())
    row("7 Destination Options headers to a bound home address: tunnelled as it is",
        "xdp_ha", frame(p), XDP_TX, {"ha_encap_fwd": 1}, ha_tunnelled(p))
    # The daemon's 1280-octet record bound applies after the walk.
    p = chain(COA, HA_ADDR, [d(nh=60)] * 3, Raw(bytes([60, 0]) + bytes(6)))
    row("4 Destination Options headers whose last names Destination Options again and the "
        "payload ends: bound reached, XDP_PASS untouched", "xdp_ha", frame(p), XDP_PASS, NOB,
        td.UNTOUCHED)
    p = IPv6(src=COA, dst=HA_ADDR, nh=60) / Raw((bytes([60, 0]) + bytes(6)) * 3)
    row("3 Destination Options headers naming Destination Options, then the payload ends: "
        "XDP_DROP", "xdp_ha", frame(p), XDP_DROP, MAL)

    p = chain(MN_HA, MN_COA, [d(), d(), d(), d()], ba())
    row("4 Destination Options headers + BA: handed to the daemon", "xdp_mn", frame(p),
        XDP_DROP, TOOK, signals=[Sig(p)])
    p = chain(MN_HA, MN_COA, [d(), d(), d(), d(), d()], ba())
    row("5 Destination Options headers + BA: past the bound, XDP_PASS untouched", "xdp_mn",
        frame(p), XDP_PASS, NOB, td.UNTOUCHED)
    p = chain(CN, MN_COA, [IPv6ExtHdrHopByHop()] * 3, udp())
    row("3 Hop-by-Hop headers + UDP: XDP_PASS untouched", "xdp_mn", frame(p), XDP_PASS, NOB,
        td.UNTOUCHED)
    p = chain(CN, MN_COA, [d()] * 5, rh2(HOA) / udp())
    row("5 Destination Options headers + RH2 for our home address: not first, left to the "
        "stack, XDP_PASS untouched", "xdp_mn", frame(p), XDP_PASS, NOB, td.UNTOUCHED)
    p = chain(CN, MN_COA, [IPv6ExtHdrHopByHop()], rh2(HOA) / udp())
    row("Hop-by-Hop + RH2 for our home address: RH2 only consumed when first, XDP_PASS "
        "untouched", "xdp_mn", frame(p), XDP_PASS, NOB, td.UNTOUCHED)

    p = chain(COA, CN_SELF, [doh_hao(HOA), d(), d(), d()], udp())
    exp = frame(strip_first_ext(p, 24, src=HOA))
    row("DOH with HAO from the bound CoA, then 3 more Destination Options: HAO's DOH removed, "
        "source restored, XDP_PASS", "xdp_cn", frame(p), XDP_PASS, {"cn_hao_accept": 1}, exp)
    p = chain(COA, CN_SELF, [d(), d(), d(), d(), doh_hao(HOA)], udp())
    row("HAO in the 5th Destination Options header: past the bound, XDP_PASS untouched "
        "(the stack answers Parameter Problem)", "xdp_cn", frame(p), XDP_PASS, NOB,
        td.UNTOUCHED)
    p = chain(COA, CN_SELF, [d(), doh_hao(HOA)], udp())
    row("HAO in the second Destination Options header: only the first is looked at, "
        "XDP_PASS untouched", "xdp_cn", frame(p), XDP_PASS, NOB, td.UNTOUCHED)
    hao18 = bytes([0xc9, 16]) + ipaddress.IPv6Address(HOA).packed
    l4 = bytes(udp_packet(HOA, CN_SELF))[40:]
    p = IPv6(src=COA, dst=CN_SELF, nh=60, fl=FL) / Raw(doh_raw(PADN0 * 4 + PAD1 * 4 + hao18) +
                                                       l4)
    row("HAO behind 8 pad options (DOH_OPT_MAX): not looked at, XDP_PASS untouched",
        "xdp_cn", frame(p), XDP_PASS, NOB, td.UNTOUCHED)
    p = IPv6(src=COA, dst=CN_SELF, nh=60, fl=FL) / Raw(doh_raw(PADN0 * 5 + PAD1 * 2 + hao18) +
                                                       l4)
    exp = frame(strip_first_ext(p, 32, src=HOA))
    row("HAO as the 8th option behind 7 pad options: found; the DOH holds nothing else, so "
        "removed, source restored, XDP_PASS",
        "xdp_cn", frame(p), XDP_PASS, {"cn_hao_accept": 1}, exp)
    p = chain(COA, CN_SELF, [IPv6ExtHdrHopByHop(), IPv6ExtHdrHopByHop(), doh_hao(HOA)], udp())
    row("Hop-by-Hop twice + DOH with HAO: walk stops at the second, XDP_PASS untouched",
        "xdp_cn", frame(p), XDP_PASS, NOB, td.UNTOUCHED)
    p = chain(HOA, CN_SELF, [d()] * 5, MIP6MH_HoTI(cookie=td.COOKIE))
    row("5 Destination Options headers + HoTI: not signalling, XDP_PASS untouched", "xdp_cn",
        frame(p), XDP_PASS, NOB, td.UNTOUCHED)


# ------------------------------------------------------------------ fragments


def frag(offset=0, m=1, nh=None, id=0x1234):
    kw = {} if nh is None else {"nh": nh}
    return IPv6ExtHdrFragment(offset=offset, m=m, id=id, **kw)


def fragment_rows():
    # RFC 6275 6.3: the HAO's DOH comes before the Fragment header, so every
    # fragment carries it and is restored on its own.
    for what, f in (("first fragment", frag(0, 1)), ("later fragment (offset 64)", frag(8, 1)),
                    ("atomic fragment", frag(0, 0))):
        p = IPv6(src=COA, dst=CN_SELF, fl=FL) / doh_hao(HOA) / f / udp(40)
        row("%s with a HAO before the Fragment header, bound CoA: DOH removed, source "
            "restored, XDP_PASS" % what, "xdp_cn", frame(p), XDP_PASS, {"cn_hao_accept": 1},
            frame(strip_first_ext(p, 24, src=HOA)))
    p = IPv6(src=COA, dst=CN_SELF, fl=FL) / frag(0, 1) / doh_hao(HOA) / udp(40)
    row("first fragment with the HAO behind the Fragment header: for the stack after "
        "reassembly, XDP_PASS untouched", "xdp_cn", frame(p), XDP_PASS, NOB, td.UNTOUCHED)
    p = IPv6(src=COA, dst=CN_SELF, fl=FL) / doh_hao(HOA_NONE) / frag(0, 1) / bu()
    row("first fragment of a BU with a HAO, no binding: not a whole MH, dropped as unbound "
        "and handed up flagged HAO_UNBOUND only", "xdp_cn", frame(p), XDP_DROP,
        {"cn_hao_unbound": 1}, signals=[Sig(p, flags=SIGNAL_F_HAO_UNBOUND)])
    p = IPv6(src=HOA, dst=CN_SELF, fl=FL) / frag(0, 0) / MIP6MH_HoTI(cookie=td.COOKIE)
    row("HoTI in an atomic fragment: not signalling, XDP_PASS untouched", "xdp_cn", frame(p),
        XDP_PASS, NOB, td.UNTOUCHED)
    p = IPv6(src=COA, dst=CN_SELF, fl=FL) / rh2(HOA) / frag(0, 1) / udp(40)
    row("first fragment with an RH2: XDP_DROP", "xdp_cn", frame(p), XDP_DROP,
        {"cn_rh2_drop": 1})

    for what, f in (("first fragment", frag(0, 1)), ("later fragment (offset 64)", frag(8, 0))):
        p = IPv6(src=CN, dst=MN_COA, fl=FL) / rh2(HOA) / f / udp(40)
        row("%s with an RH2 for our home address: RH2 consumed, destination = home address, "
            "XDP_PASS" % what, "xdp_mn", frame(p), XDP_PASS, {"mn_rh2_accept": 1},
            frame(strip_first_ext(p, 24, dst=HOA)))
    p = IPv6(src=CN, dst=MN_COA, fl=FL) / rh2(HOA) / frag(0, 1) / ba()
    row("first fragment of a BA behind its RH2: not a whole MH, no record; RH2 consumed, "
        "XDP_PASS", "xdp_mn", frame(p), XDP_PASS, {"mn_rh2_accept": 1},
        frame(strip_first_ext(p, 24, dst=HOA)))
    p = IPv6(src=MN_HA, dst=MN_COA, fl=FL) / frag(0, 1) / ba()
    row("first fragment of a BA: not signalling, XDP_PASS untouched", "xdp_mn", frame(p),
        XDP_PASS, NOB, td.UNTOUCHED)
    inner = IPv6(src=CN, dst=HOA, fl=FL) / frag(0, 1) / \
        MIP6MH_HoT(index=3, cookie=td.COOKIE, token=td.TOKEN)
    row("tunnelled first fragment of a Home Test: decapsulated, no record, XDP_PASS",
        "xdp_mn", tunnel(MN_HA, MN_COA, inner), XDP_PASS, {"mn_decap": 1},
        decap(bytes(inner), MAC_PEER, MAC_A0))

    for what, f in (("initial fragment", frag(0, 1)), ("atomic fragment", frag(0, 0))):
        p = IPv6(src=COA, dst=HA_ADDR, fl=FL) / f / bu()
        row("BU in an %s to ha_addr: not signalling, XDP_PASS untouched" % what, "xdp_ha",
            frame(p), XDP_PASS, NOB, td.UNTOUCHED)
    p = IPv6(src=COA, dst=HA_ADDR, fl=FL) / IPv6ExtHdrDestOpt(options=[HAO(hoa=HOA)]) / \
        frag(0, 1) / bu()
    row("BU with its HAO before the Fragment header (first fragment): not signalling, "
        "XDP_PASS untouched", "xdp_ha", frame(p), XDP_PASS, NOB, td.UNTOUCHED)
    p = IPv6(src=CN, dst=HOA, fl=FL) / frag(8, 0) / Raw(payload(48))
    row("later fragment to a bound home address: tunnelled", "xdp_ha", frame(p), XDP_TX,
        {"ha_encap_fwd": 1}, ha_tunnelled(p))

    p = IPv6(src=CN_SELF, dst=HOA, fl=FL) / frag(0, 1) / udp(40)
    exp = tx(insert_first_ext(p, rh2(HOA, nh=44), 43, dst=COA), dst=MAC_NH_A)
    row("first fragment to a bound home address: RH2 inserted before the Fragment header "
        "(unfragmentable part), TC_ACT_OK", "tc_cn_egress", tx(p), TC_ACT_OK,
        {"cn_rh2_insert": 1}, exp)
    p = IPv6(src=HOA, dst=CN, fl=FL) / frag(8, 0) / Raw(payload(48))
    exp = tx(insert_first_ext(p, doh_hao(HOA, nh=44), 60, src=MN_COA), dst=MAC_NH_A)
    row("RO: later fragment from the home address: DOH with HAO inserted before the Fragment "
        "header (RFC 6275 6.3), TC_ACT_OK", "tc_mn_egress", tx(p), TC_ACT_OK,
        {"mn_hao_insert": 1}, exp, cls=RoFx, config=MN_RO_CONFIG, ro=[R(HOA, CN, MN_COA)])
    p = IPv6(src=HA_ADDR, dst=HOA, fl=FL) / frag(0, 1) / udp(40)
    row("first fragment to a bound home address: tunnelled, TC_ACT_OK", "tc_ha_egress", tx(p),
        TC_ACT_OK, {"ha_local_encap": 1}, encap(bytes(p), HA_ADDR, COA, 0, FL, MAC_A0,
                                                  MAC_NH_A))


# ------------------------------------------------------------------ wrong lengths


def length_rows():
    l4 = bytes(udp_packet(HOA, CN_SELF))[40:]
    hoa = ipaddress.IPv6Address(HOA).packed
    for n in (0, 18):
        p = IPv6(src=COA, dst=CN_SELF, nh=60) / Raw(doh_raw(bytes([1, 2, 0, 0, 0xc9, n]) +
                                                            (hoa + bytes(2))[:n]) + l4)
        row("HAO with Opt Data Len %d (section 6.3: 16): XDP_DROP" % n, "xdp_cn", frame(p),
            XDP_DROP, MAL)
    p = IPv6(src=COA, dst=CN_SELF, nh=60) / Raw(bytes([17, 5, 1, 2, 0, 0, 0xc9, 16]) + hoa +
                                                bytes([1, 4, 0, 0, 0, 0, 0xc9, 16]) + hoa + l4)
    row("two HAOs in one DOH: XDP_DROP", "xdp_cn", frame(p), XDP_DROP, MAL)
    p = IPv6(src=COA, dst=CN_SELF, nh=60) / Raw(bytes([17, 0, 1, 5]) + bytes(4) + l4)
    row("PadN of 5 in an 8-octet DOH (overruns by 1): XDP_DROP", "xdp_cn", frame(p), XDP_DROP,
        MAL)
    p = IPv6(src=COA, dst=CN_SELF, nh=60) / Raw(bytes([17, 0, 0, 0, 0, 0, 1, 1]) + l4)
    row("Pad1 x4 then PadN of 1 ending one octet past an 8-octet DOH: XDP_DROP", "xdp_cn",
        frame(p), XDP_DROP, MAL)
    p = IPv6(src=COA, dst=HA_ADDR, nh=60) / Raw(bytes([135, 0, 1, 200]) + bytes(4) +
                                                bytes(bu()))
    row("BU behind a DOH whose PadN overruns it: the walk goes by Hdr Ext Len, the daemon "
        "checks options (RFC 6275 9.2): record", "xdp_ha", frame(p), XDP_DROP, TOOK,
        signals=[Sig(p)])

    for what, h in (("Hdr Ext Len 4 (two addresses)",
                     IPv6ExtHdrRouting(type=2, segleft=1, addresses=[HOA, HOA])),
                    ("Hdr Ext Len 0 (no address)", Raw(bytes([17, 0, 2, 1, 0, 0, 0, 0]))),
                    ("Segments Left 0", rh2(HOA, segleft=0)),
                    ("Segments Left 2", rh2(HOA, segleft=2))):
        if isinstance(h, IPv6ExtHdrRouting):
            h.nh = 17
        p = IPv6(src=CN, dst=MN_COA, nh=43) / h / udp()
        row("RH2 with %s: XDP_DROP" % what, "xdp_mn", frame(p), XDP_DROP, {"rh2_bad": 1})

    # Payload length shorter than the frame: link padding, allowed (RFC 8200
    # section 3: the payload length says where the packet ends).
    pad = bytes(range(1, 11))
    p = udp_packet(CN, HOA, fl=FL)
    row("10 octets behind the payload: tunnelled, the 10 octets stay behind the packet "
        "(outer payload length covers the inner packet only)", "xdp_ha", frame(p) + pad,
        XDP_TX, {"ha_encap_fwd": 1}, ha_tunnelled(p, pad))
    p = chain(COA, HA_ADDR, [IPv6ExtHdrDestOpt(options=[HAO(hoa=HOA)])], bu())
    row("BU with 10 octets behind the payload: record of the IPv6 packet only", "xdp_ha",
        frame(p) + pad, XDP_DROP, TOOK, signals=[Sig(p)])
    inner = udp_packet(CN, HOA, fl=FL)
    row("tunnel from our HA with 10 octets behind the outer payload: decapsulated, the octets "
        "stay behind", "xdp_mn", tunnel(MN_HA, MN_COA, inner) + pad, XDP_PASS,
        {"mn_decap": 1}, decap(bytes(inner) + pad, MAC_PEER, MAC_A0))
    p = IPv6(src=CN, dst=MN_COA, fl=FL) / rh2(HOA) / udp()
    row("RH2 for our home address with 10 octets behind the payload: consumed, octets stay "
        "behind", "xdp_mn", frame(p) + pad, XDP_PASS, {"mn_rh2_accept": 1},
        frame(strip_first_ext(p, 24, dst=HOA)) + pad)
    p, _, _ = trd.hao_packet(COA, HOA, fl=FL)
    row("HAO from the bound CoA with 10 octets behind the payload: restored, octets stay "
        "behind", "xdp_cn", frame(p) + pad, XDP_PASS, {"cn_hao_accept": 1},
        frame(strip_first_ext(p, 24, src=HOA)) + pad)
    p = IPv6(src=CN, dst=MN_COA, nh=43) / rh2(HOA, nh=58)
    row("RH2 for our home address naming ICMPv6 with no ICMPv6 octet in the payload, a "
        "Mobile Prefix Advertisement type (147) in the padding: consumed as data, not left "
        "for the daemon", "xdp_mn", frame(p) + bytes([147]) + bytes(5), XDP_PASS,
        {"mn_rh2_accept": 1}, frame(strip_first_ext(p, 24, dst=HOA)) + bytes([147]) + bytes(5))
    p = IPv6(src=HA_ADDR, dst=HOA, fl=FL) / udp()
    row("10 octets behind the payload: tunnelled with them inside the outer payload (the "
        "skb length counts)", "tc_ha_egress", tx(p) + pad, TC_ACT_OK, {"ha_local_encap": 1},
        encap(bytes(p) + pad, HA_ADDR, COA, 0, FL, MAC_A0, MAC_NH_A))


# ------------------------------------------------------------------ jumbograms, minimum frames


def jumbo(src, dst):
    """RFC 2675: payload length 0, Hop-by-Hop with a Jumbo Payload option
    (here with a length no 60-octet frame can hold: it is not ours to check)."""
    return IPv6(src=src, dst=dst, plen=0, fl=FL) / \
        IPv6ExtHdrHopByHop(nh=17, options=[Jumbo(jumboplen=70000)]) / udp(24)


def empty(src, dst, nh=59):
    """A 40-octet IPv6 packet: payload length 0, No Next Header (RFC 8200 4.7)."""
    return IPv6(src=src, dst=dst, nh=nh, plen=0, fl=FL)


def size_rows():
    for prog in XDP_PROGS + TC_PROGS:
        src, dst = BOUND[prog]
        f = frame(jumbo(src, dst)) if prog.startswith("xdp") else tx(jumbo(src, dst))
        row("jumbogram (payload length 0, Jumbo Payload option): passed untouched", prog, f,
            XDP_PASS if prog.startswith("xdp") else TC_ACT_OK, {"rx_jumbo": 1}, td.UNTOUCHED)
    pad6 = bytes(6)
    p = empty(CN, HOA)
    row("54-octet frame, 40-octet packet (No Next Header) to a bound home address: "
        "tunnelled", "xdp_ha", frame(p), XDP_TX, {"ha_encap_fwd": 1}, ha_tunnelled(p))
    row("60-octet frame (padded), 40-octet packet to a bound home address: tunnelled, the "
        "padding behind", "xdp_ha", frame(p) + pad6, XDP_TX, {"ha_encap_fwd": 1},
        ha_tunnelled(p, pad6))
    p = empty(COA, HA_ADDR, nh=135)
    row("40-octet packet naming a Mobility Header, to ha_addr: record of 40 octets (the "
        "daemon answers, section 9.2)", "xdp_ha", frame(p) + pad6, XDP_DROP, TOOK,
        signals=[Sig(p)])
    p = empty(CN, MN_COA)
    row("60-octet padded frame, 40-octet packet to the CoA: XDP_PASS untouched", "xdp_mn",
        frame(p) + pad6, XDP_PASS, NOB, td.UNTOUCHED)
    inner = empty(CN, HOA)
    row("tunnel from our HA with a 40-octet inner packet: decapsulated", "xdp_mn",
        tunnel(MN_HA, MN_COA, inner), XDP_PASS, {"mn_decap": 1},
        decap(bytes(inner), MAC_PEER, MAC_A0))
    p = empty(COA, CN_SELF)
    row("60-octet padded frame, 40-octet packet: XDP_PASS untouched", "xdp_cn",
        frame(p) + pad6, XDP_PASS, NOB, td.UNTOUCHED)
    p = empty(COA, CN_SELF, nh=60)
    row("40-octet packet naming Destination Options, padded to 60: XDP_DROP", "xdp_cn",
        frame(p) + pad6, XDP_DROP, MAL)
    p = empty(HA_ADDR, HOA)
    row("40-octet packet to a bound home address: tunnelled", "tc_ha_egress", tx(p),
        TC_ACT_OK, {"ha_local_encap": 1}, encap(bytes(p), HA_ADDR, COA, 0, FL, MAC_A0,
                                                  MAC_NH_A))
    p = empty(HOA, CN)
    row("40-octet packet from the home address: reverse-tunnelled", "tc_mn_egress", tx(p),
        TC_ACT_OK, {"mn_encap": 1}, encap(bytes(p), MN_COA, MN_HA, 0, FL, MAC_A0, MAC_NH_A))
    p = empty(CN_SELF, HOA)
    row("40-octet packet to a bound home address: RH2 inserted (payload length 24)",
        "tc_cn_egress", tx(p), TC_ACT_OK, {"cn_rh2_insert": 1},
        tx(insert_first_ext(p, rh2(HOA, nh=59), 43, dst=COA), dst=MAC_NH_A))


# ------------------------------------------------------------------ VLAN tags


def vlan_rows():
    # The 8021q device above the interface handles tagged frames: XDP sees
    # them first and leaves them to it (RFC-less, defined: rx_not_ipv6).
    for prog in XDP_PROGS + TC_PROGS:
        src, dst = BOUND[prog]
        p = udp_packet(src, dst, fl=FL)
        xdp = prog.startswith("xdp")
        for what, tag in (("802.1Q", Dot1Q(vlan=10)),
                          ("QinQ (802.1ad 0x88a8 + 802.1Q)", Dot1AD(vlan=100) / Dot1Q(vlan=10))):
            f = bytes(Ether(src=MAC_PEER if xdp else MAC_A0, dst=MAC_A0 if xdp else MAC_OLD) /
                      tag / p)
            row("%s-tagged IPv6 that would be rewritten: passed untouched" % what, prog, f,
                XDP_PASS if xdp else TC_ACT_OK, {"rx_not_ipv6" if xdp else "tc_pass": 1},
                td.UNTOUCHED)


# ------------------------------------------------------------------ multicast / link-local


def scope_rows():
    bad = (("multicast", "ff0e::1"), ("link-local", "fe80::1"), ("unspecified", "::"),
           ("loopback", "::1"))
    for what, a in bad:
        p, _, _ = trd.hao_packet(COA, a, fl=FL)
        row("HAO with %s %s home address: XDP_DROP, no record (section 9.3.1)"
            % ("an" if what[0] in "aeiou" else "a", what), "xdp_cn", frame(p), XDP_DROP,
            {"cn_hao_invalid": 1})
    p = chain(COA, HA_ADDR, [IPv6ExtHdrDestOpt(options=[HAO(hoa="ff0e::1")])], bu())
    row("BU whose HAO names a multicast home address: to the daemon, which rejects it "
        "(section 9.2)", "xdp_ha", frame(p), XDP_DROP, TOOK, signals=[Sig(p)])
    p = chain(CN, MN_COA, [doh_hao("ff0e::1")], udp())
    row("HAO with a multicast home address at a mobile node: XDP_DROP (section 9.3.1), handed "
        "up flagged HAO_UNBOUND (the daemon answers no error about it)", "xdp_mn", frame(p),
        XDP_DROP, {"mn_hao_unbound": 1}, signals=[Sig(p, flags=SIGNAL_F_HAO_UNBOUND)])
    for what, a in bad[:2]:
        p = IPv6(src=CN, dst=MN_COA) / rh2(a, nh=17) / udp()
        row("RH2 whose address is %s: XDP_DROP" % what, "xdp_mn", frame(p), XDP_DROP,
            {"rh2_bad": 1})
    p = IPv6(src=CN, dst=MN_COA) / rh2("ff0e::1", nh=17) / udp()
    row("RH2 whose address is multicast: XDP_DROP", "xdp_cn", frame(p), XDP_DROP,
        {"cn_rh2_drop": 1})

    # Sources that must not be forwarded (RFC 4291 2.5.2, 2.5.3, 2.5.6, 2.7):
    # the stack drops them or answers Destination Unreachable, XDP leaves them.
    for what, a in bad:
        p = udp_packet(a, HOA, fl=FL)
        row("%s source to a bound home address: not tunnelled, XDP_PASS untouched" % what,
            "xdp_ha", frame(p), XDP_PASS, {"rx_bad_src": 1}, td.UNTOUCHED)
    for prog in ("tc_ha_egress", "tc_cn_egress"):
        for what, a in bad[:2]:
            p = udp_packet(a, HOA, fl=FL)
            row("%s source to a bound home address: not rewritten, TC_ACT_OK untouched" % what,
                prog, tx(p), TC_ACT_OK, {"rx_bad_src": 1}, td.UNTOUCHED)
    p = udp_packet("fe80::99", CN_SELF, fl=FL)
    row("link-local source, no HAO: XDP_PASS untouched", "xdp_cn", frame(p), XDP_PASS, NOB,
        td.UNTOUCHED)
    p, _, _ = trd.hao_packet("fe80::99", HOA, fl=FL)
    row("HAO from a link-local source: not the binding's CoA, XDP_DROP, handed up as unbound",
        "xdp_cn", frame(p), XDP_DROP, {"cn_hao_unbound": 1},
        signals=[Sig(p, flags=SIGNAL_F_HAO_UNBOUND)])

    p = chain("ff0e::1", HA_ADDR, [IPv6ExtHdrDestOpt(options=[HAO(hoa=HOA)])], bu())
    row("BU from a multicast source to ha_addr: to the daemon, which discards it (user/wire/sigio.c)",
        "xdp_ha", frame(p), XDP_DROP, TOOK, signals=[Sig(p)])
    p = IPv6(src="ff0e::1", dst=MN_COA, fl=FL) / ba()
    row("BA from a multicast source: to the daemon, which discards it (user/wire/sigio.c)", "xdp_mn",
        frame(p), XDP_DROP, TOOK, signals=[Sig(p)])
    inner = udp_packet("ff0e::1", CN, fl=FL)
    row("tunnel to ha_addr whose inner source is multicast: XDP_DROP", "xdp_ha",
        tunnel(COA, HA_ADDR, inner), XDP_DROP, {"ha_tunnel_no_binding": 1})
    inner = udp_packet(HOA, "ff0e::1", fl=FL)
    row("reverse tunnel from the CoA to a multicast inner destination: decapsulated, left to "
        "the stack", "xdp_ha", tunnel(COA, HA_ADDR, inner), XDP_PASS, {"ha_decap_stack": 1},
        decap(bytes(inner), MAC_PEER, MAC_A0))
    inner = udp_packet(HOA, "fe80::1", fl=FL)
    row("reverse tunnel from the CoA to a link-local inner destination: decapsulated, left "
        "to the stack", "xdp_ha", tunnel(COA, HA_ADDR, inner), XDP_PASS,
        {"ha_decap_stack": 1}, decap(bytes(inner), MAC_PEER, MAC_A0))
    inner = udp_packet("ff0e::1", HOA, fl=FL)
    row("tunnel from our HA whose inner source is multicast: decapsulated for the stack "
        "(which drops it, RFC 4291 2.7)", "xdp_mn", tunnel(MN_HA, MN_COA, inner), XDP_PASS,
        {"mn_decap": 1}, decap(bytes(inner), MAC_PEER, MAC_A0))

    # Someone else's tunnel packet to a bound home address is a packet like
    # any other: tunnelled on to the CoA (RFC 2473 section 4 nests).
    inner = udp_packet(CN, "2001:db8:77::1", fl=FL)
    outer = IPv6(src="2001:db8:77::2", dst=HOA, nh=41, hlim=50, fl=FL) / Raw(bytes(inner))
    row("IPv6-in-IPv6 from a third party to a bound home address: tunnelled on, XDP_TX",
        "xdp_ha", frame(outer), XDP_TX, {"ha_encap_fwd": 1}, ha_tunnelled(outer))
    # Neighbor Discovery is link-scoped (RFC 4861): a unicast probe of a
    # bound home address is the proxy's to answer, never tunnelled.
    ns = IPv6(src="2001:db8:40::1", dst=HOA, hlim=255) / ICMPv6ND_NS(tgt=HOA)
    row("unicast Neighbor Solicitation (hop limit 255) to a bound home address: XDP_PASS "
        "untouched (proxy ND)", "xdp_ha", frame(ns), XDP_PASS, {"rx_nd_pass": 1},
        td.UNTOUCHED)

    for prog, stats in (("xdp_ha", {"rx_not_unicast": 1}), ("xdp_mn", NOB),
                        ("xdp_cn", {"rx_not_unicast": 1})):
        src = COA
        for dst, mac in (("ff02::1", "33:33:00:00:00:01"), ("ff0e::1", MAC_A0)):
            p = chain(src, dst, [IPv6ExtHdrDestOpt(options=[HAO(hoa=HOA)])], bu())
            row("BU to %s (%s MAC): not signalling, XDP_PASS untouched"
                % (dst, "multicast" if mac != MAC_A0 else "unicast"), prog,
                frame(p, dst=mac), XDP_PASS, stats, td.UNTOUCHED)


# ------------------------------------------------------------------ main


def report(fixtures, results, stat_names):
    for fx, res in zip(fixtures, results):
        try:
            ok, diag, skip = td.evaluate(fx, res, stat_names)
        except KeyError as e:
            ok, diag, skip = False, [str(e)], None
        if ok and skip is None and res["err"] == 0 and isinstance(fx, RoFx):
            errs = trd.check_peers(fx, res)
            if errs:
                ok, diag = False, errs
        td.tap(ok, fx.desc, diag, skip)


def main():
    stat_names = td.start("test_bad_input")
    if stat_names is None:
        return 1
    for build in (truncated_rows, chain_rows, fragment_rows, length_rows, size_rows, vlan_rows,
                  scope_rows):
        build()
    results = td.run_fixtures([fx.json() for fx in ROWS])
    report(ROWS, results, stat_names)
    return td.finish()


if __name__ == "__main__":
    td.run_main("test_bad_input", main)
