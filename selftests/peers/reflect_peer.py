# SPDX-License-Identifier: GPL-2.0
"""
reflect_peer.py - floods that try to use a home agent or a mobile node as a
reflector, an amplifier or a log sink (test_reflect.sh), and the counts of
what came back on the wire. Packets are built with Scapy from RFC 6275
(sections 6.1, 6.5-6.8, 7.4) and RFC 4861; nothing is taken from xmip6.

  ras IFACE FIRST COUNT H          COUNT RAs from link-local fe80::1:FIRST...,
                                   H bit H (0/1), each naming its own global
                                   address 2001:db8:1::1:N (PIO with R)
  dhaad SRC|spoof DST COUNT        COUNT DHAAD Requests (spoof: random sources
                                   in 2001:db8:c::/64); prints JSON: sent,
                                   octets (IPv6 header and all), seconds
  dhaad-frames SRC|spoof DST COUNT FILE SRC_MAC DST_MAC
                                   the same requests as Ethernet frames in
                                   FILE for selftests/tools/flood_tool.c (2
                                   octets of length, big endian, then the
                                   frame); prints JSON: frames, octets (IPv6)
  dhaad-once SRC DST ID TRIES      a mobile node's request, sent again after 1 s
                                   until answered; prints the reply's addresses
  mps SRC HA HOA COUNT             COUNT MPS with a Home Address option
  mh be|ba|bu SRC DST COUNT        COUNT Binding Errors / BAs / home BUs
  replay PCAP HA COUNT             the first BU to HA in PCAP, resent COUNT times
  count PCAP                       JSON: per (kind, src, dst) the packets and
                                   octets; kinds dhaad-reply, mpa, ba, be
"""
import json
import random
import socket
import struct
import sys
import time

from scapy.config import conf
from scapy.layers.inet6 import (
    IPv6, IPv6ExtHdrDestOpt, ICMPv6HAADRequest, ICMPv6ND_RA, ICMPv6NDOptHAInfo,
    ICMPv6NDOptPrefixInfo, ICMPv6MPSol, HAO, MIP6MH_BA, MIP6MH_BE, MIP6MH_BU,
)
from scapy.layers.l2 import Ether
from scapy.packet import Raw
from scapy.sendrecv import send, sendp
from scapy.utils import rdpcap

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from mip6_wire import a6, csum, n6  # noqa: E402

conf.verb = 0
IPPROTO_MH = 135


def ras(ifc, first, count, h):
    mac = open("/sys/class/net/%s/address" % ifc).read().strip()
    frames = []
    for i in range(first, first + count):
        ra = (IPv6(src="fe80::1:%x" % i, dst="ff02::1", hlim=255)
              / ICMPv6ND_RA(H=h, routerlifetime=600)
              / ICMPv6NDOptHAInfo(pref=0xffff, lifetime=600)  # preference -1
              / ICMPv6NDOptPrefixInfo(prefixlen=64, L=1, A=0, R=1,
                                      prefix="2001:db8:1::1:%x" % i))
        frames.append(Ether(src=mac, dst="33:33:00:00:00:01") / ra)
    sendp(frames, iface=ifc, inter=0.002)


def flood(pkts):
    t0 = time.monotonic()
    send(pkts)
    print(json.dumps({"sent": len(pkts), "octets": sum(len(bytes(p)) for p in pkts),
                      "seconds": round(time.monotonic() - t0, 3)}))


def rand_src():
    return "2001:db8:c::%x:%x" % (random.getrandbits(16), random.getrandbits(16))


def dhaad_requests(src, dst, count):
    return [IPv6(src=rand_src() if src == "spoof" else src, dst=dst)
            / ICMPv6HAADRequest(id=random.getrandbits(16), R=0) for _ in range(count)]


def dhaad(src, dst, count):
    flood(dhaad_requests(src, dst, count))


def dhaad_frames(src, dst, count, path, src_mac, dst_mac):
    # Scapy is too slow a sender on a loaded machine for a flood (400
    # requests took 17 s): it only builds them, flood_tool sends.
    octets = 0
    with open(path, "wb") as f:
        for p in dhaad_requests(src, dst, count):
            ip = bytes(p)
            octets += len(ip)
            frame = bytes(Ether(src=src_mac, dst=dst_mac) / p)
            f.write(struct.pack("!H", len(frame)) + frame)
    print(json.dumps({"frames": count, "octets": octets}))


def dhaad_once(src, dst, ident, tries):
    # A plain ICMPv6 socket, as a mobile node would use: the kernel fills
    # in the checksum and hands back every ICMPv6 message that arrives.
    sock = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    sock.bind((src, 0))
    sock.settimeout(1)
    req = struct.pack("!BBHHH", 144, 0, 0, ident, 0)  # section 6.5
    for _ in range(tries):
        sock.sendto(req, (dst, 0))
        deadline = time.monotonic() + 1
        while time.monotonic() < deadline:
            try:
                m = sock.recv(2048)
            except socket.timeout:
                break
            if len(m) >= 8 and m[0] == 145 and struct.unpack("!H", m[4:6])[0] == ident:
                print([n6(m[8 + 16 * i:24 + 16 * i]) for i in range((len(m) - 8) // 16)])
                return 0
    return 1


def mps_checksum(hoa, ha, icmp):
    # Section 6.3: the pseudo-header holds the home address, not the source.
    b = a6(hoa) + a6(ha) + struct.pack("!IxxxB", len(icmp), 58) + icmp[:2] + b"\0\0" + icmp[4:]
    return csum(b)


def mps(src, ha, hoa, count):
    pkts = []
    for _ in range(count):
        icmp = bytearray(bytes(ICMPv6MPSol(id=random.getrandbits(16), cksum=0)))
        icmp[2:4] = struct.pack("!H", mps_checksum(hoa, ha, bytes(icmp)))
        pkts.append(IPv6(src=src, dst=ha, nh=60)
                    / IPv6ExtHdrDestOpt(nh=58, options=[HAO(hoa=hoa)]) / Raw(bytes(icmp)))
    flood(pkts)


def mh(kind, src, dst, count):
    # Scapy fills in the MH checksum over (src, dst) (section 6.1.1).
    make = {
        "be": lambda i: MIP6MH_BE(status=1, ha="2001:db8:1::dead"),
        "ba": lambda i: MIP6MH_BA(status=0, seq=i, mhtime=100),
        "bu": lambda i: MIP6MH_BU(seq=i, flags="AH", mhtime=100),
    }[kind]
    flood([IPv6(src=src, dst=dst) / make(i & 0xffff) for i in range(count)])


def first_bu(pcap, ha):
    for p in rdpcap(pcap):
        if IPv6 not in p or p[IPv6].dst != ha:
            continue
        nh, data = p[IPv6].nh, bytes(p[IPv6].payload)
        while nh in (0, 43, 60):
            nh, data = data[0], data[(data[1] + 1) * 8:]
        if nh == IPPROTO_MH and data[2] == 5:
            return IPv6(bytes(p[IPv6]))
    return None


def replay(pcap, ha, count):
    bu = first_bu(pcap, ha)
    if bu is None:
        sys.exit("no BU to %s in %s" % (ha, pcap))
    flood([bu] * count)


def kind_of(nh, data):
    while nh in (0, 43, 60):
        nh, data = data[0], data[(data[1] + 1) * 8:]
    if nh == 58 and data[0] == 145:
        return "dhaad-reply"
    if nh == 58 and data[0] == 147:
        return "mpa"
    if nh == IPPROTO_MH and len(data) > 2 and data[2] in (6, 7):
        return "ba" if data[2] == 6 else "be"
    return None


def count(pcap):
    out = {}
    for p in rdpcap(pcap):
        if IPv6 not in p:
            continue
        ip = p[IPv6]
        kind = kind_of(ip.nh, bytes(ip.payload))
        if not kind:
            continue
        key = "%s %s %s" % (kind, ip.src, ip.dst)
        n, octets, biggest = out.get(key, (0, 0, 0))
        size = 40 + ip.plen
        out[key] = (n + 1, octets + size, max(biggest, size))
    print(json.dumps({k: {"packets": v[0], "octets": v[1], "largest": v[2]}
                      for k, v in out.items()}))


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "ras":
        ras(args[0], int(args[1]), int(args[2]), int(args[3]))
    elif cmd == "dhaad":
        dhaad(args[0], args[1], int(args[2]))
    elif cmd == "dhaad-frames":
        dhaad_frames(args[0], args[1], int(args[2]), args[3], args[4], args[5])
    elif cmd == "dhaad-once":
        return dhaad_once(args[0], args[1], int(args[2]), int(args[3]))
    elif cmd == "mps":
        mps(args[0], args[1], args[2], int(args[3]))
    elif cmd == "mh":
        mh(args[0], args[1], args[2], int(args[3]))
    elif cmd == "replay":
        replay(args[0], args[1], int(args[2]))
    elif cmd == "count":
        count(args[0])
    else:
        sys.exit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
