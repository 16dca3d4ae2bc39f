#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""bu_rtt.py - Binding Update round trips, measured outside the code under test.

  bu_rtt.py send --coa C --ha H --hoas A1,A2,... --spi-base N --key HEX
                 --first-seq S --count N --interval SECONDS
      N authentic BUs (mip6_peer.py's builder: HAO, RFC 4285 timestamp and
      authenticator, MH checksum, all Scapy and hashlib), the home addresses
      taken in turn (spi-base + index), paced by --interval, sequence numbers
      S, S+1, ... per home address.
  bu_rtt.py rtt --pcap FILE --coa C --ha H
      Pair every BU in a capture (tcpdump, kernel timestamps) with the BA
      that echoes its home address (type 2 routing header) and sequence
      number; print {"sent": n, "answered": n, "rtt_ms": [...], "p50_ms",
      "p95_ms", "p99_ms", "max_ms"}.
"""
import argparse
import json
import math
import struct
import sys
import time

from scapy.config import conf  # noqa: E402
from scapy.layers.inet6 import IPv6  # noqa: E402
from scapy.utils import rdpcap  # noqa: E402

from mip6_peer import build_bu, packet_of  # noqa: E402
from mip6_wire import n6  # noqa: E402

conf.verb = 0
MH = 135


def mh_of(pkt):
    """(MH octets, type 2 routing header address or None, HAO address or None)."""
    ip = pkt[IPv6]
    nh, data = ip.nh, bytes(ip.payload)
    rt2 = hao = None
    while nh in (0, 43, 60):
        ln = (data[1] + 1) * 8
        if nh == 43 and data[2] == 2:
            rt2 = n6(data[8:24])
        if nh == 60:
            pos = 2
            while pos + 2 <= ln:
                if data[pos] == 0:
                    pos += 1
                    continue
                if data[pos] == 0xC9:  # Home Address option (RFC 6275 6.3)
                    hao = n6(data[pos + 2:pos + 18])
                pos += 2 + data[pos + 1]
        nh, data = data[0], data[ln:]
    return (data if nh == MH else None), rt2, hao


def send_bus(a):
    hoas = a.hoas.split(",")
    sock = conf.L3socket6() if hasattr(conf, "L3socket6") else conf.L3socket()
    t0 = time.monotonic()
    for i in range(a.count):
        k = i % len(hoas)
        bu = argparse.Namespace(
            coa=a.coa, ha=a.ha, hoa=hoas[k], seq=(a.first_seq + i // len(hoas)) % 65536,
            lifetime=400, flags="AH", spi=a.spi_base + k, key=a.key, timestamp="now",
            alt_coa=None, mh_type=5, payload_proto=59, short_hdr_len=False,
            bad_checksum=False)
        sock.send(packet_of(bu, build_bu(bu)))
        # Paced from the start: a late send does not shift the ones after it.
        wait = t0 + (i + 1) * a.interval - time.monotonic()
        if wait > 0:
            time.sleep(wait)
    sock.close()
    return 0


def percentile(sorted_ms, q):
    """Nearest-rank percentile."""
    return sorted_ms[max(0, math.ceil(q / 100 * len(sorted_ms)) - 1)]


def rtt(a):
    sent, rtts = {}, []
    for p in rdpcap(a.pcap):
        if not p.haslayer(IPv6):
            continue
        mh, rt2, hao = mh_of(p)
        if mh is None or len(mh) < 12:
            continue
        ip = p[IPv6]
        if mh[2] == 5 and ip.src == a.coa and ip.dst == a.ha and hao:
            seq = struct.unpack("!H", mh[6:8])[0]
            sent.setdefault((hao, seq), float(p.time))
        elif mh[2] == 6 and ip.src == a.ha and ip.dst == a.coa and rt2:
            seq = struct.unpack("!H", mh[8:10])[0]
            t = sent.pop((rt2, seq), None)
            if t is not None:
                rtts.append((float(p.time) - t) * 1000)
    n = len(rtts) + len(sent)
    s = sorted(rtts)
    out = {"sent": n, "answered": len(rtts), "rtt_ms": [round(x, 3) for x in rtts]}
    if s:
        out.update(p50_ms=percentile(s, 50), p95_ms=percentile(s, 95), p99_ms=percentile(s, 99),
                   max_ms=s[-1])
    print(json.dumps(out))
    return 0


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("send")
    s.add_argument("--coa", required=True)
    s.add_argument("--ha", required=True)
    s.add_argument("--hoas", required=True)
    s.add_argument("--spi-base", type=int, required=True)
    s.add_argument("--key", required=True)
    s.add_argument("--first-seq", type=int, default=1)
    s.add_argument("--count", type=int, default=1)
    s.add_argument("--interval", type=float, default=0.05)
    r = sub.add_parser("rtt")
    r.add_argument("--pcap", required=True)
    r.add_argument("--coa", required=True)
    r.add_argument("--ha", required=True)
    a = p.parse_args()
    return send_bus(a) if a.cmd == "send" else rtt(a)


if __name__ == "__main__":
    sys.exit(main())
