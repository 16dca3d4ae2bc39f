#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""
seeds.py OUTDIR - seed corpora for the libFuzzer targets in selftests/fuzz:
valid messages built with Scapy (independently of xmip6's own builders),
one directory per target under OUTDIR.
"""
import os
import sys

from scapy.layers.inet6 import (
    ICMPv6HAADReply, ICMPv6MPAdv, ICMPv6MPSol, ICMPv6ND_NA, ICMPv6ND_NS, ICMPv6ND_RA,
    ICMPv6NDOptDstLLAddr, ICMPv6NDOptHAInfo, ICMPv6NDOptMTU, ICMPv6NDOptPrefixInfo,
    ICMPv6NDOptSrcLLAddr, ICMPv6NDOptUnknown, IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrRouting,
    HAO, PadN)
from scapy.layers.inet6 import (
    MIP6MH_BA, MIP6MH_BE, MIP6MH_BRR, MIP6MH_BU, MIP6MH_CoT, MIP6MH_CoTI, MIP6MH_HoT,
    MIP6MH_HoTI, MIP6OptAltCoA, MIP6OptBindingAuthData, MIP6OptBRAdvice,
    MIP6OptNonceIndices)

HOA = "2001:db8:1::100"
COA = "2001:db8:20::abcd"
HA = "2001:db8:1::a"
CN = "2001:db8:c::1"


def mh_messages():
    return {
        "bu_home": MIP6MH_BU(seq=7, flags="AH", mhtime=150),
        "bu_cn": MIP6MH_BU(seq=1000, flags="A", mhtime=100, options=[
            MIP6OptNonceIndices(olen=4, hni=5, coni=6),
            MIP6OptBindingAuthData(olen=12, authenticator=int.from_bytes(b"\x05" * 12, "big"))]),
        "bu_altcoa": MIP6MH_BU(seq=3, flags="AH", mhtime=10, options=[MIP6OptAltCoA(acoa=COA)]),
        "ba": MIP6MH_BA(status=0, seq=7, mhtime=150, options=[MIP6OptBRAdvice(rinter=10)]),
        "ba_135": MIP6MH_BA(status=135, seq=9),
        "be": MIP6MH_BE(status=1, ha=HOA),
        "brr": MIP6MH_BRR(),
        "hoti": MIP6MH_HoTI(cookie=b"\x01" * 8),
        "coti": MIP6MH_CoTI(cookie=b"\x02" * 8),
        "hot": MIP6MH_HoT(index=3, cookie=b"\x01" * 8, token=b"\x03" * 8),
        "cot": MIP6MH_CoT(index=4, cookie=b"\x02" * 8, token=b"\x04" * 8),
    }


def nd_messages():
    """fuzz_nd: the selector octet (see fuzz_nd.c), then the NS or NA."""
    mac = "02:00:00:00:00:42"
    return {
        # bit 0 source ::, destination 2 (solicited-node group), hop limit 255
        "ns_dad": (0x05, ICMPv6ND_NS(tgt=HOA)),
        "ns_dad_slla": (0x05, ICMPv6ND_NS(tgt=HOA) / ICMPv6NDOptSrcLLAddr(lladdr=mac)),
        "ns_resolution": (0x04, ICMPv6ND_NS(tgt=HOA) / ICMPv6NDOptSrcLLAddr(lladdr=mac)),
        # from fe80::1 to a unicast address of ours (3), solicited
        "na_solicited": (0x06, ICMPv6ND_NA(tgt=HOA, R=0, S=1, O=1) / ICMPv6NDOptDstLLAddr(lladdr=mac)),
        # to all-nodes (1), unsolicited
        "na_unsolicited": (0x02, ICMPv6ND_NA(tgt=HOA, R=1, S=0, O=1) / ICMPv6NDOptDstLLAddr(lladdr=mac)),
        "na_ha": (0x02, ICMPv6ND_NA(tgt=HA, S=0, O=1) / ICMPv6NDOptDstLLAddr(lladdr=mac)
                  / ICMPv6NDOptUnknown(type=200, len=2, data=b"\x00" * 14)),
    }


def mpd_messages():
    """fuzz_mpd: selector 0 MPS packet, 1 MPA packet, 2 MPS, 3 MPA (fuzz_mpd.c)."""
    pio = ICMPv6NDOptPrefixInfo(prefix="2001:db8:1::", prefixlen=64, L=1, A=1,
                                validlifetime=86400, preferredlifetime=14400)
    mps = ICMPv6MPSol(id=0x1234)
    mpa = ICMPv6MPAdv(id=0x1234) / pio
    many = ICMPv6MPAdv(id=77, flags=3) \
        / ICMPv6NDOptPrefixInfo(prefix="2001:db8:99::", prefixlen=48, validlifetime=60) \
        / ICMPv6NDOptMTU(mtu=1400) \
        / ICMPv6NDOptUnknown(type=3, len=5, data=b"\x40" + b"\x00" * 37) \
        / ICMPv6NDOptPrefixInfo(prefix="2001:db8:1::ff", prefixlen=64, validlifetime=7200,
                                preferredlifetime=3600) \
        / ICMPv6NDOptUnknown(type=250, len=1, data=b"\xff" * 6) \
        / ICMPv6NDOptPrefixInfo(prefix="2001:db8:2::", prefixlen=200)
    return {
        "mps_pkt": (0x00, IPv6(src=COA, dst=HA) / IPv6ExtHdrDestOpt(options=[HAO(hoa=HOA)]) / mps),
        # Scapy takes the HAO into the checksum only when it is the sole
        # option: sum this one over the home address itself (RFC 6275 6.3).
        "mps_pkt_padn": (0x04, IPv6(src=COA, dst=HA) / IPv6ExtHdrDestOpt(
            options=[PadN(optdata=b"\0\0"), HAO(hoa=HOA)]) / ICMPv6MPSol(
                id=0x1234, cksum=IPv6(bytes(IPv6(src=HOA, dst=HA) / mps))[ICMPv6MPSol].cksum)),
        "mpa_pkt": (0x01, IPv6(src=HA, dst=COA) / IPv6ExtHdrRouting(type=2, addresses=[HOA]) / mpa),
        "mpa_pkt_many": (0x05, IPv6(src=HA, dst=COA) / IPv6ExtHdrRouting(type=2, addresses=[HOA])
                         / many),
        "mps": (0x02, mps),
        "mpa": (0x03, mpa),
        "mpa_many": (0x03, many),
        "mpa_no_pio": (0x03, ICMPv6MPAdv(id=5) / ICMPv6NDOptMTU(mtu=1280)),
    }


def config_seeds():
    """fuzz_config: every setting of each section at least once."""
    key = "404142434445464748494a4b4c4d4e4f"
    return {
        "minimal_mn": 'mobile-node = { home-address = "2001:db8:1::100";'
                      ' home-agent = "2001:db8:1::a"; interfaces = ["eth0"]; };\n',
        "mn_all": 'log-level = "debug"; log = "syslog"; pin-dir = "/sys/fs/bpf/x";\n'
                  'control-socket = "/run/x.sock";\n'
                  'mobile-node = {\n home-address = "2001:db8:1::100"; home-prefix-length = 56;\n'
                  ' home-agent = "2001:db8:1::a"; interfaces = [ "eth0", "wlan0" ];\n'
                  ' lifetime = 600; spi = 3000000000L; key = "%s"; key-length = 16;\n'
                  ' link-local-compat = true; initial-timeout-ms = 1500; max-timeout = 32;\n'
                  ' xdp-mode = "generic";\n'
                  ' route-optimization = [ "2001:db8:c::/48", "2001:db8:d::1" ];\n'
                  ' route-optimization-lifetime = 200;\n};\n' % key,
        "mn_prefix": 'mobile-node = { home-prefix = "2001:db8:1::/64"; interfaces = [ "eth0" ];'
                     ' route-optimization = "all"; };\n',
        "ha_all": 'home-agent = {\n address = "2001:db8:1::a"; home-prefix = "2001:db8:1::/64";\n'
                  ' interfaces = [ "eth0", "eth1" ]; home-link = "eth0"; max-lifetime = 600;\n'
                  ' max-bindings = 100; refresh-interval = 300; dad = false; require-auth = false;\n'
                  ' timestamp-window = 30; accept-unlisted = true; preference = -5;\n'
                  ' xdp-mode = "native";\n mobile-nodes = (\n'
                  '  { home-address = "2001:db8:1::100"; spi = 256; key = "%s"; enabled = false;\n'
                  '    care-of-filter = [ "2001:db8:20::/48", "::/0" ]; max-lifetime = 60; },\n'
                  '  { home-address = "2001:db8:1::101"; spi = 257; key-length = 20; },\n'
                  '  { home-address = "2001:db8:1::102"; }\n );\n};\n' % key,
        "mr_all": 'mobile-router = {\n home-address = "2001:db8:1::100";'
                  ' home-agent = "2001:db8:1::a"; interfaces = [ "eth0", "wwan0" ];\n'
                  ' spi = 256; key = "%s"; max-timeout = 8;\n'
                  ' mobile-networks = ( { interface = "lan0"; prefix = "2001:db8:50::/64"; },\n'
                  '  { interface = "lan1"; prefix = "2001:db8:51:8000::/49"; } );\n'
                  ' mode = "implicit";\n};\n' % key,
        "cn_all": 'correspondent-node = { interfaces = [ "eth0" ]; max-lifetime = 12;'
                  ' max-bindings = 10; nonce-interval = 1; nonce-lifetime = 3; kcn-interval = 0;'
                  ' refresh-request = false; refresh-before = 6; xdp-mode = "generic"; };\n',
    }


def write(outdir, target, name, data):
    d = os.path.join(outdir, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(bytes(data))


def main():
    out = sys.argv[1]
    for name, mh in mh_messages().items():
        write(out, "fuzz_mh", name, mh)
        # The daemon's view: the whole packet, with a HAO on BUs, an RH2 on BAs.
        if name.startswith("bu"):
            pkt = IPv6(src=COA, dst=HA) / IPv6ExtHdrDestOpt(options=[HAO(hoa=HOA)]) / mh
        elif name.startswith("ba"):
            pkt = IPv6(src=HA, dst=COA) / IPv6ExtHdrRouting(type=2, addresses=[HOA]) / mh
        else:
            pkt = IPv6(src=CN, dst=HOA) / mh
        write(out, "fuzz_sig", name, pkt)
    for name, (sel, msg) in nd_messages().items():
        write(out, "fuzz_nd", name, bytes([sel]) + bytes(msg))
    for name, (sel, msg) in mpd_messages().items():
        write(out, "fuzz_mpd", name, bytes([sel]) + bytes(msg))
    write(out, "fuzz_mh", "hao_dstopts", IPv6ExtHdrDestOpt(options=[PadN(optdata=b"\0\0"), HAO(hoa=HOA)]))
    write(out, "fuzz_mh", "rt2", IPv6ExtHdrRouting(type=2, addresses=[HOA]))

    ra = ICMPv6ND_RA(H=1, routerlifetime=1800) / ICMPv6NDOptSrcLLAddr(lladdr="02:00:00:00:00:01") \
        / ICMPv6NDOptMTU(mtu=1500) / ICMPv6NDOptHAInfo(pref=10, lifetime=1800) \
        / ICMPv6NDOptPrefixInfo(prefix="2001:db8:1::", prefixlen=64, R=1)
    write(out, "fuzz_icmp6", "ra", b"\x01" + bytes(ra))
    write(out, "fuzz_icmp6", "ra_plain", b"\x01" + bytes(ICMPv6ND_RA() / ICMPv6NDOptPrefixInfo(
        prefix="2001:db8:20::", prefixlen=64)))
    write(out, "fuzz_icmp6", "dhaad_reply", b"\x00" + bytes(ICMPv6HAADReply(id=7, addresses=[HA, "2001:db8:1::b"])))
    write(out, "fuzz_icmp6", "mpa", b"\x01" + bytes(ICMPv6MPAdv(id=7) / ICMPv6NDOptPrefixInfo(prefix="2001:db8:1::")))

    # fuzz_config skips inputs naming key-file: the examples mention it in
    # comments, which go.
    examples = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "examples")
    for f in sorted(os.listdir(examples)):
        with open(os.path.join(examples, f), "rb") as src:
            data = b"".join(l for l in src.readlines() if b"key-file" not in l)
        if b"include" not in data:
            write(out, "fuzz_config", f, data)
    for name, text in config_seeds().items():
        write(out, "fuzz_config", name, text.encode())

    reqs = [b'{"command":"echo","args":{"a":[1,2,{"b":null}]}}',
            b'{"command":"fail"}', b'{"command":"nope","args":[]}', b'{"command":1}']
    for i, r in enumerate(reqs):
        write(out, "fuzz_ctl", "request%d" % i, b"\x01" + r + b"\n")
    replies = [b'{"status":0,"result":{"x":1}}', b'{"status":-22,"error":"refused"}', b'{"status":0}']
    for i, r in enumerate(replies):
        write(out, "fuzz_ctl", "reply%d" % i, b"\x00" + r + b"\n")


if __name__ == "__main__":
    main()
