#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""flood_frames.py - forged Binding Updates for the flood test (selftests/netns/test_flood.sh),
built with Scapy and mip6_peer.py's independent BU builder, written to a
file that selftests/tools/flood_tool.c replays.

Every frame is a well-formed home registration (H and A set, Replay
Protection timestamp, RFC 4285 MN-HA authenticator, Home Address option,
correct MH checksum) that only the key gives away: the authenticator is
computed with a random key, so the home agent has to do the HMAC to refuse
it. Sources are random addresses in --src-prefix (spoofed).

  flood_frames.py --out FILE --count N --kind unlisted|spoof-hoa
                  --ha ADDR --home-prefix P/64 --src-prefix P/48
                  [--hoa ADDR] [--spi N] --dst-mac MAC [--src-mac MAC]

  unlisted:  random home addresses in the home prefix, none of them served.
  spoof-hoa: the served home address --hoa (and its SPI), a wrong key.
"""
import argparse
import ipaddress
import os
import random
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mip6_peer import build_bu  # noqa: E402
from scapy.layers.inet6 import IPv6, IPv6ExtHdrDestOpt, HAO  # noqa: E402
from scapy.layers.l2 import Ether  # noqa: E402
from scapy.packet import Raw  # noqa: E402


def random_in(prefix, rng):
    net = ipaddress.IPv6Network(prefix)
    host = rng.getrandbits(128 - net.prefixlen) | 1
    return str(net.network_address + host)


def frame(a, hoa, coa, seq, key, spi, rng):
    bu = argparse.Namespace(
        flags="AH", lifetime=600, seq=seq, alt_coa=None, timestamp="now",
        key=key, spi=spi, payload_proto=59, short_hdr_len=False, mh_type=5,
        hoa=hoa, coa=coa, ha=a.ha, bad_checksum=False)
    mh = build_bu(bu)
    pkt = (Ether(dst=a.dst_mac, src=a.src_mac) /
           IPv6(src=coa, dst=a.ha, hlim=64, nh=60) /
           IPv6ExtHdrDestOpt(nh=135, options=[HAO(hoa=hoa)]) / Raw(mh))
    return bytes(pkt)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--count", type=int, default=1024)
    p.add_argument("--kind", choices=("unlisted", "spoof-hoa"), required=True)
    p.add_argument("--ha", required=True)
    p.add_argument("--home-prefix", required=True)
    p.add_argument("--src-prefix", required=True)
    p.add_argument("--hoa")
    p.add_argument("--spi", type=int, default=256)
    p.add_argument("--dst-mac", required=True)
    p.add_argument("--src-mac", default="02:00:00:00:66:01")
    p.add_argument("--seed", type=int, default=6275)
    a = p.parse_args()
    rng = random.Random(a.seed)
    with open(a.out, "wb") as out:
        for i in range(a.count):
            coa = random_in(a.src_prefix, rng)
            key = "%032x" % rng.getrandbits(128)
            if a.kind == "unlisted":
                hoa, spi = random_in(a.home_prefix, rng), 256 + rng.randrange(1 << 16)
            else:
                hoa, spi = a.hoa, a.spi
            f = frame(a, hoa, coa, rng.randrange(1 << 16), key, spi, rng)
            out.write(struct.pack("!H", len(f)) + f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
