#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""
test_ro_dataplane.py - unit tests of route optimisation in the xmip6 BPF
programs (RFC 6275 sections 6.3, 6.4, 9.3.1, 9.3.2, 11.3.1, 11.3.3) with
BPF_PROG_TEST_RUN: xdp_cn, tc_cn_egress, and the RO parts of xdp_mn and
tc_mn_egress.

Reuses test_dataplane.py (its namespace and topology, runner, fixture class,
evaluation and Scapy helpers). Expected frames are built here with Scapy from
the RFC layouts: the type 2 Routing header (section 6.4: Hdr Ext Len 2, type
2, Segments Left 1, the home address) and the Destination Options header
with PadN(2) and the Home Address option (section 6.3, 24 octets). Upper-
layer checksums of the outputs are verified with an independent one's
complement sum over the pseudo-header with the home address in it.

Prints TAP; exits 1 if anything failed.
"""

import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "peers"))
import test_dataplane as td  # noqa: E402
from test_dataplane import (  # noqa: E402
    B, Fx, Sig, frame, payload, udp_packet, ptb, encap, mask_macs,
    XDP_DROP, XDP_PASS, TC_ACT_OK, TC_ACT_REDIRECT, TC_ACT_SHOT,
    MAC_A0, MAC_B0, MAC_NH_A, MAC_NH_B, MAC_OLD, MTU_B,
    CFG_F_SIGNAL, MARK_SIGNAL, SIGNAL_MAX_LEN, ROLE_MN,
    HOA, HOA_NN, HOA_SMALL, HOA_EXP, HOA_NONE, COA, COA_NN, COA_SMALL, CN,
    MN_COA, MN_HA,
)
from scapy.layers.inet import TCP, UDP  # noqa: E402
from scapy.layers.inet6 import (  # noqa: E402
    HAO, ICMPv6EchoRequest, ICMPv6ND_NS, IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrHopByHop,
    IPv6ExtHdrRouting, PadN, MIP6MH_BU, MIP6MH_HoTI,
)
from scapy.layers.l2 import Ether  # noqa: E402
from scapy.packet import Raw  # noqa: E402

ROLE_CN = 3
CFG_F_RO = 0x2  # XMIP6_CFG_F_RO
SIGNAL_F_HAO_UNBOUND = 0x2  # XMIP6_SIGNAL_F_HAO_UNBOUND
SIGNAL_F_MPA = 0x4  # XMIP6_SIGNAL_F_MPA
RO_EXT = 24
GSO_GAP = td.GSO_GAP

# Correspondent node: its own address (on xa0) and its binding cache.
CN_SELF = "2001:db8:1::1"
COA_OTHER = "2001:db8:c0a::999"
CN_CONFIG = {"role": ROLE_CN}
CN_SIG = {"role": ROLE_CN, "flags": CFG_F_SIGNAL}
NO_HA = "::"
CN_BINDINGS = [
    B(HOA, COA, NO_HA),
    B(HOA_NN, COA_NN, NO_HA),
    B(HOA_SMALL, COA_SMALL, NO_HA),
    B(HOA_EXP, COA, NO_HA, expires_in_ms=-2000, lifetime_s=10),
]

# Mobile node: a home binding and route optimisation with CN (via xa0) and
# CN_SMALL (via xb0, MTU 1400).
CN_SMALL = "2001:db8:c0c::1"
MN_RO_CONFIG = {"role": ROLE_MN, "ha_addr": MN_HA, "flags": CFG_F_RO}
MN_CONFIG = {"role": ROLE_MN, "ha_addr": MN_HA}
MN_BINDINGS = [B(HOA, MN_COA, MN_HA)]
HOA2 = "2001:db8:40::101"


def R(home, peer, coa, **kw):
    d = {"home": home, "peer": peer, "coa": coa}
    d.update(kw)
    return d


class RoFx(Fx):
    """A fixture with "ro" and "peers" map contents; peers_exp lists the
    peers the run must leave: (home, peer, packets, ms), ms > 0: last seen
    less than ms ago (just written), ms < 0: at least -ms ago (left alone)."""

    def __init__(self, *args, ro=None, peers=None, peers_exp=(), csum=None, **kw):
        super().__init__(*args, **kw)
        self.ro = ro
        self.peers = peers
        self.peers_exp = list(peers_exp)
        self.csum = csum  # (home address, "src" | "dst"): checksum to verify in the output

    def json(self):
        d = super().json()
        if self.ro is not None:
            d["ro"] = self.ro
        if self.peers is not None:
            d["peers"] = self.peers
        return d


# ------------------------------------------------------------------ independent checks


def csum_ok(src, dst, nh, l4):
    """RFC 8200 section 8.1: the one's complement sum over the pseudo-header
    (src, dst, upper-layer length, next header) and the upper-layer packet,
    checksum included, is 0xffff."""
    import ipaddress
    data = (ipaddress.IPv6Address(src).packed + ipaddress.IPv6Address(dst).packed +
            struct.pack("!I", len(l4)) + b"\0\0\0" + bytes([nh]) + l4)
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s == 0xffff


def check_csum(fx, got):
    """The output's upper-layer checksum is valid with the home address in
    the pseudo-header: as destination (RH2 out of the CN) or source (HAO out
    of the MN), i.e. the sender's checksum was left as it was."""
    home, which = fx.csum
    ip = got[14:54]
    plen = struct.unpack("!H", ip[4:6])[0]
    src, dst = IPv6(ip).src, IPv6(ip).dst
    ext = got[54:54 + RO_EXT]
    nh = ext[0]
    l4 = got[54 + RO_EXT:54 + plen]
    if which == "dst":
        dst = home
    else:
        src = home
    if not csum_ok(src, dst, nh, l4):
        return ["upper-layer checksum (next header %d) invalid with %s as %s" % (nh, home, which)]
    return []


def check_peers(fx, res):
    errs = []
    got = {(td.addr(p["home"]), td.addr(p["peer"])): p for p in res.get("peers_after", [])}
    want = {(td.addr(h), td.addr(c)): (n, age) for h, c, n, age in fx.peers_exp}
    if set(got) != set(want):
        errs.append("peers after the run: expected %s got %s" % (sorted(want), sorted(got)))
        return errs
    for k, (n, age_ms) in want.items():
        p = got[k]
        if p["packets"] != n:
            errs.append("peer %s: packets expected %d got %d" % (k, n, p["packets"]))
        ago = p["last_seen_ago_ns"]
        if age_ms > 0 and not 0 <= ago < age_ms * 10**6:
            errs.append("peer %s: last seen %.3f s ago, expected under %d ms (refreshed)"
                        % (k, ago / 1e9, age_ms))
        if age_ms < 0 and ago < -age_ms * 10**6:
            errs.append("peer %s: last seen %.3f s ago, expected at least %d ms (not refreshed)"
                        % (k, ago / 1e9, -age_ms))
    return errs


# ------------------------------------------------------------------ builders (RFC layouts)


def rh2(home, nh=None, segleft=1):
    """RFC 6275 section 6.4: type 2 Routing header, one address."""
    kw = {} if nh is None else {"nh": nh}
    return IPv6ExtHdrRouting(type=2, segleft=segleft, addresses=[home], **kw)


def doh_hao(home, nh=None):
    """RFC 6275 section 6.3: Destination Options, PadN(2) + Home Address option."""
    kw = {} if nh is None else {"nh": nh}
    return IPv6ExtHdrDestOpt(autopad=0, options=[PadN(optlen=2, optdata=b"\0\0"),
                                                 HAO(hoa=home)], **kw)


def l4_of(pkt):
    """The upper-layer bytes of an IPv6 packet without extension headers."""
    return bytes(pkt)[40:]


def upper(kind, src, dst, n=64):
    """An upper-layer packet (UDP, TCP or ICMPv6 echo) whose checksum uses src/dst."""
    if kind == "UDP":
        p = IPv6(src=src, dst=dst) / UDP(sport=4000, dport=5000) / Raw(payload(n))
    elif kind == "TCP":
        p = IPv6(src=src, dst=dst) / TCP(sport=443, dport=51000, flags="PA") / Raw(payload(n))
    else:
        p = IPv6(src=src, dst=dst) / ICMPv6EchoRequest(id=7, seq=3, data=payload(n))
    return IPv6(bytes(p)).nh, l4_of(p)


def builder_checks():
    import ipaddress
    hoa = ipaddress.IPv6Address(HOA).packed
    got = bytes(rh2(HOA, nh=17))
    want = bytes([17, 2, 2, 1, 0, 0, 0, 0]) + hoa
    td.tap(got == want, "builder: Scapy's type 2 Routing header is the RFC 6275 6.4 layout",
           ["got %s want %s" % (got.hex(), want.hex())])
    got = bytes(doh_hao(HOA, nh=17))
    want = bytes([17, 2, 1, 2, 0, 0, 0xc9, 16]) + hoa
    td.tap(got == want, "builder: Scapy's DOH with PadN(2) + HAO is the RFC 6275 6.3 layout",
           ["got %s want %s" % (got.hex(), want.hex())])
    nh, l4 = upper("UDP", HOA, CN)
    bad = bytearray(l4)
    bad[-1] ^= 1
    td.tap(csum_ok(HOA, CN, nh, l4) and not csum_ok(COA, CN, nh, l4) and
           not csum_ok(HOA, CN, nh, bytes(bad)),
           "builder: checksum checker accepts the right pseudo-header only")


# ------------------------------------------------------------------ tc_cn_egress


def tc_cn_fixtures():
    fx = []
    C = dict(bindings=CN_BINDINGS, config=CN_CONFIG)
    for kind in ("UDP", "TCP", "ICMPv6"):
        nh, l4 = upper(kind, CN_SELF, HOA, 200)
        pkt = IPv6(src=CN_SELF, dst=HOA, nh=nh, hlim=33, tc=0x28, fl=0x1234) / Raw(l4)
        f = frame(pkt, src=MAC_A0, dst=MAC_OLD)
        exp = bytes(Ether(src=MAC_A0, dst=MAC_NH_A) /
                    IPv6(src=CN_SELF, dst=COA, nh=43, hlim=33, tc=0x28, fl=0x1234) /
                    rh2(HOA, nh=nh) / Raw(l4))
        fx.append(RoFx("tc_cn_egress: %s to a bound home address: RH2 inserted, to the CoA, "
                       "checksum as the sender's, TC_ACT_OK" % kind, "tc_cn_egress", f,
                       TC_ACT_OK, {"cn_rh2_insert": 1}, exp, csum=(HOA, "dst"),
                       check=None, **C))
    nh, l4 = upper("UDP", CN_SELF, HOA)
    f = frame(IPv6(src=CN_SELF, dst=HOA, nh=nh) / Raw(l4), src=MAC_B0, dst=MAC_OLD)
    exp = bytes(Ether(src=MAC_A0, dst=MAC_NH_A) / IPv6(src=CN_SELF, dst=COA, nh=43) /
                rh2(HOA, nh=nh) / Raw(l4))
    fx.append(RoFx("tc_cn_egress: CoA behind another device: RH2 inserted, TC_ACT_REDIRECT",
                   "tc_cn_egress", f, TC_ACT_REDIRECT, {"cn_rh2_insert": 1}, exp,
                   ifname="xb0", csum=(HOA, "dst"), **C))
    nh, l4 = upper("UDP", CN_SELF, HOA_NN)
    f = frame(IPv6(src=CN_SELF, dst=HOA_NN, nh=nh) / Raw(l4), src=MAC_A0, dst=MAC_OLD)
    exp = bytes(Ether(src=MAC_A0, dst=MAC_OLD) / IPv6(src=CN_SELF, dst=COA_NN, nh=43) /
                rh2(HOA_NN, nh=nh) / Raw(l4))
    fx.append(RoFx("tc_cn_egress: CoA next hop without neighbour: RH2 inserted, "
                   "TC_ACT_REDIRECT (redirect_neigh, MACs not compared)", "tc_cn_egress", f,
                   TC_ACT_REDIRECT, {"cn_rh2_insert": 1}, exp, mask=mask_macs, **C))

    f = frame(udp_packet(CN_SELF, HOA_NONE), src=MAC_A0, dst=MAC_OLD)
    fx.append(RoFx("tc_cn_egress: no binding: untouched", "tc_cn_egress", f, TC_ACT_OK,
                   {"tc_pass": 1}, **C))
    f = frame(udp_packet(CN_SELF, HOA_EXP), src=MAC_A0, dst=MAC_OLD)
    fx.append(RoFx("tc_cn_egress: expired binding: untouched", "tc_cn_egress", f, TC_ACT_OK,
                   {"tc_pass": 1, "expired_binding": 1}, **C))
    f = frame(IPv6(src=CN_SELF, dst=HOA, hlim=255) / ICMPv6ND_NS(tgt=HOA), src=MAC_A0,
              dst=MAC_OLD)
    fx.append(RoFx("tc_cn_egress: Neighbor Solicitation to a bound address: untouched",
                   "tc_cn_egress", f, TC_ACT_OK, {"tc_nd_pass": 1}, **C))
    f = frame(IPv6(src=CN_SELF, dst=HOA) / IPv6ExtHdrHopByHop() / UDP() / Raw(payload(8)),
              src=MAC_A0, dst=MAC_OLD)
    fx.append(RoFx("tc_cn_egress: Hop-by-Hop header present: untouched", "tc_cn_egress", f,
                   TC_ACT_OK, {"ro_ext_pass": 1}, **C))
    f = frame(IPv6(src=CN_SELF, dst=HOA) / rh2(HOA) / UDP() / Raw(payload(8)),
              src=MAC_A0, dst=MAC_OLD)
    fx.append(RoFx("tc_cn_egress: Routing header already present (daemon's BA): untouched",
                   "tc_cn_egress", f, TC_ACT_OK, {"ro_ext_pass": 1}, **C))
    f = frame(td.hot(src=CN_SELF, dst=HOA), src=MAC_A0, dst=MAC_OLD)
    fx.append(RoFx("tc_cn_egress: unmarked Home Test to a bound home address: untouched "
                   "(goes through the HA, RFC 6275 5.2.5)", "tc_cn_egress", f, TC_ACT_OK,
                   {"tc_pass": 1}, **C))
    f = frame(udp_packet(CN_SELF, HOA), src=MAC_A0, dst=MAC_OLD)
    fx.append(RoFx("tc_cn_egress: daemon's signalling mark: untouched", "tc_cn_egress", f,
                   TC_ACT_OK, {"tc_signal_bypass": 1}, mark=MARK_SIGNAL, **C))
    f = frame(udp_packet("fe80::1", "ff02::1"), src=MAC_A0, dst="33:33:00:00:00:01")
    fx.append(RoFx("tc_cn_egress: multicast: untouched", "tc_cn_egress", f, TC_ACT_OK,
                   {"tc_pass": 1}, **C))

    # MTU: the CoA is behind the 1400-byte link xb0.
    size = MTU_B - RO_EXT + 1
    f = frame(udp_packet(CN_SELF, HOA_SMALL, size=size), src=MAC_B0, dst=MAC_OLD)
    fx.append(RoFx("tc_cn_egress: %d bytes, CoA behind MTU %d: Packet Too Big mtu %d looped "
                   "to the stack, TC_ACT_REDIRECT" % (size, MTU_B, MTU_B - RO_EXT),
                   "tc_cn_egress", f, TC_ACT_REDIRECT, {"cn_ptb_local": 1},
                   ptb(f, COA_SMALL, MTU_B - RO_EXT), ifname="xb0", **C))
    pkt = udp_packet(CN_SELF, HOA_SMALL, size=size - 1)
    f = frame(pkt, src=MAC_B0, dst=MAC_OLD)
    exp = bytes(Ether(src=MAC_B0, dst=MAC_NH_B) / IPv6(src=CN_SELF, dst=COA_SMALL, nh=43) /
                rh2(HOA_SMALL, nh=17) / Raw(l4_of(pkt)))
    fx.append(RoFx("tc_cn_egress: %d bytes, CoA behind MTU %d: fits with the RH2, TC_ACT_OK"
                   % (size - 1, MTU_B), "tc_cn_egress", f, TC_ACT_OK, {"cn_rh2_insert": 1},
                   exp, ifname="xb0", csum=(HOA_SMALL, "dst"), **C))
    pkt = td.gso_tcp(CN_SELF, HOA, 1300)
    f = frame(pkt, src=MAC_A0, dst=MAC_OLD)
    exp = bytes(Ether(src=MAC_A0, dst=MAC_NH_A) / IPv6(src=CN_SELF, dst=COA, nh=43, fl=0x9a) /
                rh2(HOA, nh=6) / Raw(l4_of(pkt)))
    fx.append(RoFx("tc_cn_egress: TCP GSO skb, gso_size 1300: no PTB, RH2 inserted",
                   "tc_cn_egress", f, TC_ACT_OK, {"cn_rh2_insert": 1, "ro_gso": 1}, exp,
                   gso_size=1300, kernel_gap=GSO_GAP, **C))
    return fx


# ------------------------------------------------------------------ xdp_cn


def hao_packet(src, home, dst=CN_SELF, kind="UDP", n=64, fl=0x77):
    nh, l4 = upper(kind, home, dst, n)
    return IPv6(src=src, dst=dst, nh=60, fl=fl) / doh_hao(home, nh=nh) / Raw(l4), nh, l4


def xdp_cn_fixtures():
    fx = []
    C = dict(bindings=CN_BINDINGS, config=CN_CONFIG)
    S = dict(bindings=CN_BINDINGS, config=CN_SIG)
    for kind in ("UDP", "TCP", "ICMPv6"):
        pkt, nh, l4 = hao_packet(COA, HOA, kind=kind)
        exp = frame(IPv6(src=HOA, dst=CN_SELF, nh=nh, fl=0x77) / Raw(l4))
        fx.append(RoFx("xdp_cn: %s with HAO from the bound CoA: source = home address, DOH "
                       "removed, XDP_PASS" % kind, "xdp_cn", frame(pkt), XDP_PASS,
                       {"cn_hao_accept": 1}, exp, **S))
    # The HAO in a DOH that also holds another option: overwritten with PadN.
    nh, l4 = upper("UDP", HOA, CN_SELF)
    other = bytes([0x1e, 6]) + payload(6)  # option type 00011110: skip if unknown
    doh = bytes([nh, 3, 1, 2, 0, 0, 0xc9, 16]) + td.ipaddress.IPv6Address(HOA).packed + other
    pkt = IPv6(src=COA, dst=CN_SELF, nh=60) / Raw(doh + l4)
    exp_doh = bytes([nh, 3, 1, 2, 0, 0, 1, 16]) + bytes(16) + other
    exp = frame(IPv6(src=HOA, dst=CN_SELF, nh=60) / Raw(exp_doh + l4))
    fx.append(RoFx("xdp_cn: HAO in a DOH with another option: source restored, HAO -> PadN "
                   "in place, XDP_PASS", "xdp_cn", frame(pkt), XDP_PASS, {"cn_hao_accept": 1},
                   exp, **C))
    pkt = IPv6(src=COA, dst=CN_SELF) / IPv6ExtHdrHopByHop(nh=60) / Raw(bytes(doh_hao(HOA, nh)) +
                                                                     l4)
    exp = frame(IPv6(src=HOA, dst=CN_SELF) / IPv6ExtHdrHopByHop(nh=60) /
                Raw(bytes([nh, 2, 1, 2, 0, 0, 1, 16]) + bytes(16) + l4))
    fx.append(RoFx("xdp_cn: DOH with HAO behind a Hop-by-Hop header: source restored, HAO -> "
                   "PadN in place, XDP_PASS", "xdp_cn", frame(pkt), XDP_PASS,
                   {"cn_hao_accept": 1}, exp, **C))

    pkt, _, _ = hao_packet(COA, HOA_NONE)
    fx.append(RoFx("xdp_cn: HAO without binding: XDP_DROP, handed up flagged HAO_UNBOUND",
                   "xdp_cn", frame(pkt), XDP_DROP, {"cn_hao_unbound": 1}, None,
                   signals=[Sig(bytes(pkt), flags=SIGNAL_F_HAO_UNBOUND)], **S))
    fx.append(RoFx("xdp_cn: HAO without binding, no daemon: XDP_DROP, no record", "xdp_cn",
                   frame(pkt), XDP_DROP, {"cn_hao_unbound": 1}, None, signals=[], **C))
    pkt, _, _ = hao_packet(COA_OTHER, HOA)
    fx.append(RoFx("xdp_cn: HAO from another CoA than the binding's: XDP_DROP, handed up "
                   "flagged HAO_UNBOUND", "xdp_cn", frame(pkt), XDP_DROP, {"cn_hao_unbound": 1},
                   None, signals=[Sig(bytes(pkt), flags=SIGNAL_F_HAO_UNBOUND)], **S))
    pkt, _, _ = hao_packet(COA, HOA_EXP)
    fx.append(RoFx("xdp_cn: HAO whose binding expired: XDP_DROP, handed up", "xdp_cn",
                   frame(pkt), XDP_DROP, {"cn_hao_unbound": 1, "expired_binding": 1}, None,
                   signals=[Sig(bytes(pkt), flags=SIGNAL_F_HAO_UNBOUND)], **S))
    pkt, _, _ = hao_packet(COA_OTHER, HOA, n=1400)
    fx.append(RoFx("xdp_cn: %d-byte packet, HAO unbound: record truncated to %d"
                   % (len(bytes(pkt)), SIGNAL_MAX_LEN), "xdp_cn", frame(pkt), XDP_DROP,
                   {"cn_hao_unbound": 1}, None,
                   signals=[Sig(bytes(pkt)[:SIGNAL_MAX_LEN], flags=SIGNAL_F_HAO_UNBOUND)], **S))
    for what, bad in (("multicast", "ff0e::1"), ("link-local", "fe80::1"), ("loopback", "::1"),
                      ("unspecified", "::")):
        pkt, _, _ = hao_packet(COA, bad)
        fx.append(RoFx("xdp_cn: HAO with a %s address: XDP_DROP, no record" % what, "xdp_cn",
                       frame(pkt), XDP_DROP, {"cn_hao_invalid": 1}, None, signals=[], **S))

    bu = IPv6(src=COA, dst=CN_SELF) / doh_hao(HOA_NONE) / MIP6MH_BU(seq=9, flags="A", mhtime=5)
    fx.append(RoFx("xdp_cn: BU with HAO (no binding yet): to the daemon, not dropped as unbound",
                   "xdp_cn", frame(bu), XDP_DROP, {"sig_to_daemon": 1}, None,
                   signals=[Sig(bytes(bu))], **S))
    fx.append(RoFx("xdp_cn: BU with HAO, no daemon: XDP_PASS", "xdp_cn", frame(bu), XDP_PASS,
                   {"sig_no_daemon": 1}, **C))
    hoti = IPv6(src=HOA, dst=CN_SELF) / MIP6MH_HoTI(cookie=td.COOKIE)
    fx.append(RoFx("xdp_cn: HoTI: to the daemon", "xdp_cn", frame(hoti), XDP_DROP,
                   {"sig_to_daemon": 1}, None, signals=[Sig(bytes(hoti))], **S))

    pkt = IPv6(src=COA, dst=CN_SELF) / rh2(HOA) / UDP() / Raw(payload(16))
    fx.append(RoFx("xdp_cn: type 2 Routing header at a correspondent: XDP_DROP", "xdp_cn",
                   frame(pkt), XDP_DROP, {"cn_rh2_drop": 1}, None, **S))
    fx.append(RoFx("xdp_cn: plain UDP: XDP_PASS untouched", "xdp_cn",
                   frame(udp_packet(HOA, CN_SELF)), XDP_PASS, {"rx_no_binding": 1}, **C))
    fx.append(RoFx("xdp_cn: multicast destination: XDP_PASS untouched", "xdp_cn",
                   frame(udp_packet(COA, "ff02::1"), dst="33:33:00:00:00:01"), XDP_PASS,
                   {"rx_not_unicast": 1}, **C))
    # Truncations and malformed options.
    nh, l4 = upper("UDP", HOA, CN_SELF)
    hao_bytes = bytes(doh_hao(HOA, nh))
    pkt = IPv6(src=COA, dst=CN_SELF, nh=60) / Raw(hao_bytes[:16])
    fx.append(RoFx("xdp_cn: DOH cut short by the payload length: XDP_DROP", "xdp_cn",
                   frame(pkt), XDP_DROP, {"rx_malformed": 1}, None, **C))
    bad = bytearray(hao_bytes)
    bad[7] = 14  # HAO Opt Data Len must be 16 (section 6.3)
    pkt = IPv6(src=COA, dst=CN_SELF, nh=60) / Raw(bytes(bad) + l4)
    fx.append(RoFx("xdp_cn: HAO with Opt Data Len 14: XDP_DROP malformed", "xdp_cn",
                   frame(pkt), XDP_DROP, {"rx_malformed": 1}, None, **C))
    bad = bytearray(hao_bytes)
    bad[3] = 40  # PadN running past the header
    pkt = IPv6(src=COA, dst=CN_SELF, nh=60) / Raw(bytes(bad) + l4)
    fx.append(RoFx("xdp_cn: option running past its DOH: XDP_DROP malformed", "xdp_cn",
                   frame(pkt), XDP_DROP, {"rx_malformed": 1}, None, **C))
    f = frame(IPv6(src=COA, dst=CN_SELF, nh=60, plen=200) / Raw(hao_bytes))
    fx.append(RoFx("xdp_cn: payload length beyond the frame: XDP_DROP", "xdp_cn", f, XDP_DROP,
                   {"rx_malformed": 1}, None, **C))
    return fx


# ------------------------------------------------------------------ tc_mn_egress


def tc_mn_fixtures():
    fx = []
    ro = [R(HOA, CN, MN_COA), R(HOA, CN_SMALL, MN_COA)]
    M = dict(bindings=MN_BINDINGS, config=MN_RO_CONFIG, ro=ro)
    for kind in ("UDP", "TCP", "ICMPv6"):
        nh, l4 = upper(kind, HOA, CN, 300)
        pkt = IPv6(src=HOA, dst=CN, nh=nh, hlim=20, tc=0x10, fl=0x4242) / Raw(l4)
        f = frame(pkt, src=MAC_A0, dst=MAC_OLD)
        exp = bytes(Ether(src=MAC_A0, dst=MAC_NH_A) /
                    IPv6(src=MN_COA, dst=CN, nh=60, hlim=20, tc=0x10, fl=0x4242) /
                    doh_hao(HOA, nh=nh) / Raw(l4))
        fx.append(RoFx("tc_mn_egress RO: %s to a route-optimised CN: from the CoA with a HAO, "
                       "checksum as the sender's, TC_ACT_OK" % kind, "tc_mn_egress", f,
                       TC_ACT_OK, {"mn_hao_insert": 1}, exp, csum=(HOA, "src"), **M))
    inner = udp_packet(HOA, CN, fl=0x31)
    f = frame(inner, src=MAC_A0, dst=MAC_OLD)
    tunnelled = encap(bytes(inner), MN_COA, MN_HA, 0, 0x31, MAC_A0, MAC_NH_A)
    fx.append(RoFx("tc_mn_egress: ro entry but XMIP6_CFG_F_RO clear: tunnelled, peers "
                   "untouched", "tc_mn_egress", f, TC_ACT_OK, {"mn_encap": 1}, tunnelled,
                   bindings=MN_BINDINGS, config=MN_CONFIG, ro=ro))
    fx.append(RoFx("tc_mn_egress RO: ro entry expired: tunnelled, peer recorded",
                   "tc_mn_egress", f, TC_ACT_OK,
                   {"mn_encap": 1, "mn_ro_expired": 1, "mn_peer_new": 1}, tunnelled,
                   bindings=MN_BINDINGS, config=MN_RO_CONFIG,
                   ro=[R(HOA, CN, MN_COA, expires_in_ms=-1000, lifetime_s=10)],
                   peers_exp=[(HOA, CN, 1, 1000)]))
    fx.append(RoFx("tc_mn_egress RO: ro entry expiring in an hour: HAO inserted",
                   "tc_mn_egress", f, TC_ACT_OK, {"mn_hao_insert": 1},
                   bytes(Ether(src=MAC_A0, dst=MAC_NH_A) / IPv6(src=MN_COA, dst=CN, nh=60,
                                                                fl=0x31) /
                         doh_hao(HOA, nh=17) / Raw(l4_of(inner))),
                   bindings=MN_BINDINGS, config=MN_RO_CONFIG,
                   ro=[R(HOA, CN, MN_COA, expires_in_ms=3600 * 1000, lifetime_s=3600)]))
    fx.append(RoFx("tc_mn_egress RO: no ro entry: tunnelled, new peer recorded",
                   "tc_mn_egress", f, TC_ACT_OK, {"mn_encap": 1, "mn_peer_new": 1}, tunnelled,
                   bindings=MN_BINDINGS, config=MN_RO_CONFIG, ro=[R(HOA, CN_SMALL, MN_COA)],
                   peers_exp=[(HOA, CN, 1, 1000)]))
    fx.append(RoFx("tc_mn_egress RO: known peer last seen 5 s ago: tunnelled, refreshed",
                   "tc_mn_egress", f, TC_ACT_OK, {"mn_encap": 1}, tunnelled,
                   bindings=MN_BINDINGS, config=MN_RO_CONFIG,
                   peers=[{"home": HOA, "peer": CN, "first_seen_ago_ms": 9000,
                           "last_seen_ago_ms": 5000, "packets": 3}],
                   peers_exp=[(HOA, CN, 4, 1000)]))
    fx.append(RoFx("tc_mn_egress RO: known peer seen 300 ms ago: tunnelled, not rewritten",
                   "tc_mn_egress", f, TC_ACT_OK, {"mn_encap": 1}, tunnelled,
                   bindings=MN_BINDINGS, config=MN_RO_CONFIG,
                   peers=[{"home": HOA, "peer": CN, "first_seen_ago_ms": 9000,
                           "last_seen_ago_ms": 300, "packets": 3}],
                   peers_exp=[(HOA, CN, 3, -300)]))
    pkt = IPv6(src=HOA, dst=CN, fl=0x31) / IPv6ExtHdrHopByHop() / UDP() / Raw(payload(8))
    f = frame(pkt, src=MAC_A0, dst=MAC_OLD)
    fx.append(RoFx("tc_mn_egress RO: Hop-by-Hop header: tunnelled instead", "tc_mn_egress", f,
                   TC_ACT_OK, {"mn_encap": 1, "ro_ext_pass": 1},
                   encap(bytes(pkt), MN_COA, MN_HA, 0, 0x31, MAC_A0, MAC_NH_A), **M))
    hoti = IPv6(src=HOA, dst=CN, fl=0x31) / MIP6MH_HoTI(cookie=td.COOKIE)
    f = frame(hoti, src=MAC_A0, dst=MAC_OLD)
    fx.append(RoFx("tc_mn_egress RO: unmarked HoTI to a route-optimised CN: tunnelled "
                   "(RFC 6275 5.2.5)", "tc_mn_egress", f, TC_ACT_OK, {"mn_encap": 1},
                   encap(bytes(hoti), MN_COA, MN_HA, 0, 0x31, MAC_A0, MAC_NH_A), **M))
    f = frame(udp_packet("2001:db8:1::1", CN), src=MAC_A0, dst=MAC_OLD)
    fx.append(RoFx("tc_mn_egress RO: source not a home address: untouched, no peer",
                   "tc_mn_egress", f, TC_ACT_OK, {"tc_pass": 1}, **M))
    size = MTU_B - RO_EXT + 1
    f = frame(udp_packet(HOA, CN_SMALL, size=size), src=MAC_B0, dst=MAC_OLD)
    fx.append(RoFx("tc_mn_egress RO: %d bytes to a CN behind MTU %d: Packet Too Big mtu %d, "
                   "TC_ACT_REDIRECT" % (size, MTU_B, MTU_B - RO_EXT), "tc_mn_egress", f,
                   TC_ACT_REDIRECT, {"mn_ptb_local": 1}, ptb(f, CN_SMALL, MTU_B - RO_EXT),
                   ifname="xb0", **M))
    pkt = udp_packet(HOA, CN_SMALL, size=size - 1)
    f = frame(pkt, src=MAC_B0, dst=MAC_OLD)
    exp = bytes(Ether(src=MAC_B0, dst=MAC_NH_B) / IPv6(src=MN_COA, dst=CN_SMALL, nh=60) /
                doh_hao(HOA, nh=17) / Raw(l4_of(pkt)))
    fx.append(RoFx("tc_mn_egress RO: %d bytes to a CN behind MTU %d: fits, HAO inserted"
                   % (size - 1, MTU_B), "tc_mn_egress", f, TC_ACT_OK, {"mn_hao_insert": 1},
                   exp, ifname="xb0", csum=(HOA, "src"), **M))
    return fx


# ------------------------------------------------------------------ xdp_mn


def xdp_mn_fixtures():
    fx = []
    M = dict(bindings=MN_BINDINGS, config=MN_CONFIG)
    for kind in ("UDP", "TCP", "ICMPv6"):
        nh, l4 = upper(kind, CN, HOA)
        pkt = IPv6(src=CN, dst=MN_COA, nh=43, fl=0x5) / rh2(HOA, nh=nh) / Raw(l4)
        exp = frame(IPv6(src=CN, dst=HOA, nh=nh, fl=0x5) / Raw(l4))
        fx.append(RoFx("xdp_mn: %s with an RH2 for our home address: consumed, destination = "
                       "home address, XDP_PASS" % kind, "xdp_mn", frame(pkt), XDP_PASS,
                       {"mn_rh2_accept": 1}, exp, **M))
    nh, l4 = upper("UDP", CN, HOA)
    pkt = IPv6(src=CN, dst=MN_COA) / rh2(HOA_NONE, nh=nh) / Raw(l4)
    fx.append(RoFx("xdp_mn: RH2 naming another address: XDP_DROP", "xdp_mn", frame(pkt),
                   XDP_DROP, {"rh2_bad": 1}, None, **M))
    pkt = IPv6(src=CN, dst=MN_COA) / rh2(HOA, nh=nh, segleft=0) / Raw(l4)
    fx.append(RoFx("xdp_mn: RH2 with Segments Left 0: XDP_DROP", "xdp_mn", frame(pkt),
                   XDP_DROP, {"rh2_bad": 1}, None, **M))
    pkt = IPv6(src=CN, dst=MN_COA) / IPv6ExtHdrRouting(nh=nh, type=2, segleft=1,
                                                      addresses=[HOA, HOA2]) / Raw(l4)
    fx.append(RoFx("xdp_mn: RH2 with Hdr Ext Len 4: XDP_DROP", "xdp_mn", frame(pkt),
                   XDP_DROP, {"rh2_bad": 1}, None, **M))
    pkt = IPv6(src=CN, dst=MN_COA) / rh2(HOA, nh=nh) / Raw(l4)
    fx.append(RoFx("xdp_mn: RH2 for a home address whose binding expired: XDP_DROP",
                   "xdp_mn", frame(pkt), XDP_DROP, {"rh2_bad": 1, "expired_binding": 1}, None,
                   bindings=[B(HOA, MN_COA, MN_HA, expires_in_ms=-1000)], config=MN_CONFIG))
    pkt = IPv6(src=CN, dst=MN_COA, nh=43) / Raw(bytes(rh2(HOA, nh=nh))[:16])
    fx.append(RoFx("xdp_mn: RH2 cut short by the payload length: XDP_DROP", "xdp_mn",
                   frame(pkt), XDP_DROP, {"rx_malformed": 1}, None, **M))
    pkt = IPv6(src=CN, dst=MN_COA) / IPv6ExtHdrRouting(nh=nh, type=0, segleft=0,
                                                      addresses=[HOA]) / Raw(l4)
    fx.append(RoFx("xdp_mn: Routing header type 0, Segments Left 0: XDP_PASS untouched",
                   "xdp_mn", frame(pkt), XDP_PASS, {"rx_no_binding": 1}, **M))
    # RFC 6275 sections 6.4, 11.3.3: the RH2 is consumed for an MPA as for
    # any packet; the daemon gets it whole (11.4.3: it checks the RH2), and
    # the stack never sees the RH2 it would answer with Parameter Problem.
    icmp = bytes([147, 0, 0, 0, 0, 7, 0, 0])
    mpa = IPv6(src=MN_HA, dst=MN_COA) / rh2(HOA, nh=58) / Raw(icmp)
    fx.append(RoFx("xdp_mn: Mobile Prefix Advertisement with an RH2: to the daemon whole "
                   "(XMIP6_SIGNAL_F_MPA), XDP_DROP", "xdp_mn", frame(mpa), XDP_DROP,
                   {"mn_rh2_daemon": 1, "sig_to_daemon": 1}, None,
                   signals=[Sig(bytes(mpa), flags=SIGNAL_F_MPA)],
                   bindings=MN_BINDINGS, config=dict(MN_CONFIG, flags=CFG_F_SIGNAL)))
    fx.append(RoFx("xdp_mn: Mobile Prefix Advertisement with an RH2, no daemon: RH2 "
                   "consumed, destination = home address, XDP_PASS", "xdp_mn", frame(mpa),
                   XDP_PASS, {"mn_rh2_accept": 1},
                   frame(IPv6(src=MN_HA, dst=HOA, nh=58) / Raw(icmp)), **M))
    ba = td.ba_rh2(src=CN, coa=MN_COA, hoa=HOA)
    fx.append(RoFx("xdp_mn: BA with RH2 from a CN: still to the daemon first", "xdp_mn",
                   frame(ba), XDP_DROP, {"sig_to_daemon": 1}, None, signals=[Sig(bytes(ba))],
                   bindings=MN_BINDINGS, config=dict(MN_CONFIG, flags=CFG_F_SIGNAL)))
    return fx


# ------------------------------------------------------------------ main


def report(fixtures, results, stat_names):
    for fx, res in zip(fixtures, results):
        if td.kernel_gap_hit(fx, res):
            print("# skip - %s: %s" % (fx.desc, fx.kernel_gap))
            continue
        ok, diag, skip = td.evaluate(fx, res, stat_names)
        if res["err"] == 0:
            got = bytes.fromhex(res["data_out"])
            errs = check_peers(fx, res)
            if fx.csum and not errs:
                errs = check_csum(fx, got)
            if errs:
                ok = False
                diag += errs
        td.tap(ok, fx.desc, diag, skip)


# ------------------------------------------------------------------ per-binding counters


def cn_ctr_fixtures():
    """The correspondent's "binding_ctr" (headers/xmip6.h): RUNS packets
    each, counted with their route optimisation header (the RH2 it adds,
    the HAO it receives), as the packets are on the wire."""
    fx = []
    n = td.RUNS
    C = dict(bindings=CN_BINDINGS, config=CN_CONFIG, runs=n)
    nh, l4 = upper("UDP", CN_SELF, HOA, 300)
    f = frame(IPv6(src=CN_SELF, dst=HOA, nh=nh, fl=0x5) / Raw(l4), src=MAC_A0, dst=MAC_OLD)
    out = IPv6(src=CN_SELF, dst=COA, nh=43, fl=0x5) / rh2(HOA, nh=nh) / Raw(l4)
    fx.append(RoFx("binding_ctr: tc_cn_egress RH2 x%d: to_mn, %d bytes each" % (n, len(out)),
                   "tc_cn_egress", f, TC_ACT_OK, {"cn_rh2_insert": n},
                   bytes(Ether(src=MAC_A0, dst=MAC_NH_A) / out),
                   ctr={HOA: (n, n * len(out), 0, 0)}, **C))
    pkt, nh, l4 = hao_packet(COA, HOA, n=200)
    fx.append(RoFx("binding_ctr: xdp_cn HAO from the bound CoA x%d: from_mn, %d bytes each"
                   % (n, len(pkt)), "xdp_cn", frame(pkt), XDP_PASS, {"cn_hao_accept": n},
                   frame(IPv6(src=HOA, dst=CN_SELF, nh=nh, fl=0x77) / Raw(l4)),
                   ctr={HOA: (0, 0, n, n * len(pkt))}, **C))
    pkt, _, _ = hao_packet(COA_NN, HOA)
    fx.append(RoFx("binding_ctr: xdp_cn HAO from another CoA: not counted", "xdp_cn",
                   frame(pkt), XDP_DROP, {"cn_hao_unbound": n}, None, ctr={}, signals=None,
                   **C))
    return fx


def main():
    stat_names = td.start("test_ro_dataplane")
    if stat_names is None:
        return 1
    builder_checks()
    fixtures = tc_cn_fixtures() + xdp_cn_fixtures() + tc_mn_fixtures() + xdp_mn_fixtures()
    fixtures += cn_ctr_fixtures()
    results = td.run_fixtures([fx.json() for fx in fixtures])
    report(fixtures, results, stat_names)

    seeds = [fx.data for fx in fixtures if fx.prog.startswith("xdp") and len(fx.data) >= 14]
    td.fuzz("xdp_cn", 300, seeds, (XDP_DROP, XDP_PASS), 0, CN_BINDINGS, CN_CONFIG)
    tc_seeds = [fx.data for fx in fixtures if fx.prog.startswith("tc")]
    td.fuzz("tc_cn_egress", 100, tc_seeds, (TC_ACT_OK, TC_ACT_SHOT, TC_ACT_REDIRECT), 14,
            CN_BINDINGS, CN_CONFIG)
    return td.finish()


if __name__ == "__main__":
    td.run_main("test_ro_dataplane", main)
