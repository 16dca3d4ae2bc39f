# SPDX-License-Identifier: GPL-2.0
"""
tunnel_count.py PCAP HOA - the IPv6-in-IPv6 packets (RFC 2473) of a capture
that carry traffic of home address HOA, counted as headers/xmip6.h
"binding_ctr" counts them, from what is on the wire: Scapy's dissection,
not xmip6's code. Prints {"to_mn": [packets, bytes], "from_mn": [...]}
where a packet is to_mn when its inner destination is HOA and from_mn when
its inner source is, and bytes are the inner packets' lengths (40 + the
inner Payload Length: the capture may be truncated).
"""
import ipaddress
import json
import logging
import sys

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.layers.inet6 import IPv6  # noqa: E402
from scapy.utils import rdpcap  # noqa: E402


def main(path, hoa):
    hoa = ipaddress.IPv6Address(hoa)
    out = {"to_mn": [0, 0], "from_mn": [0, 0]}
    for p in rdpcap(path):
        if IPv6 not in p or p[IPv6].nh != 41:
            continue
        inner = p[IPv6].payload
        if not isinstance(inner, IPv6):
            continue
        n = 40 + inner.plen
        if ipaddress.IPv6Address(inner.dst) == hoa:
            out["to_mn"][0] += 1
            out["to_mn"][1] += n
        elif ipaddress.IPv6Address(inner.src) == hoa:
            out["from_mn"][0] += 1
            out["from_mn"][1] += n
    print(json.dumps(out))


if __name__ == "__main__":
    main(*sys.argv[1:])
