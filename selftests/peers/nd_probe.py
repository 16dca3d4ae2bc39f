#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""
nd_probe.py - a node on a link asking for a neighbour, built from RFC 4861.

  nd_probe.py ns IFACE SRC TARGET [TRIES]
      a multicast Neighbor Solicitation (to TARGET's solicited-node group,
      hop limit 255, Source Link-Layer Address option) from SRC, once a
      second up to TRIES times (the proxy may wait up to a second, RFC 4861
      7.2.8); exit 0 and print the answering NA's link-layer address when an
      NA for TARGET comes back, else exit 1.
"""
import sys

from scapy.all import (AsyncSniffer, Ether, IPv6, ICMPv6ND_NA, ICMPv6ND_NS,
                       ICMPv6NDOptDstLLAddr, ICMPv6NDOptSrcLLAddr, get_if_hwaddr,
                       in6_getnsma, in6_getnsmac, inet_ntop, inet_pton, sendp)
from socket import AF_INET6


def ns(iface, src, target, tries):
    mac = get_if_hwaddr(iface)
    group = in6_getnsma(inet_pton(AF_INET6, target))
    frame = (Ether(src=mac, dst=in6_getnsmac(group)) /
             IPv6(src=src, dst=inet_ntop(AF_INET6, group), hlim=255) /
             ICMPv6ND_NS(tgt=target) / ICMPv6NDOptSrcLLAddr(lladdr=mac))

    def is_answer(p):
        return (ICMPv6ND_NA in p and p[IPv6].hlim == 255 and
                p[ICMPv6ND_NA].tgt == target and p[Ether].src != mac)

    sniffer = AsyncSniffer(iface=iface, lfilter=is_answer, count=1, timeout=tries + 1)
    sniffer.start()
    for _ in range(tries):
        sendp(frame, iface=iface, verbose=0)
        sniffer.join(timeout=1)
        if sniffer.results:
            break
    if sniffer.running:
        sniffer.stop()
    if not sniffer.results:
        return 1
    na = sniffer.results[0]
    tlla = na[ICMPv6NDOptDstLLAddr].lladdr if ICMPv6NDOptDstLLAddr in na else na[Ether].src
    print(tlla)
    return 0


if __name__ == "__main__":
    if sys.argv[1] != "ns":
        sys.exit(__doc__)
    sys.exit(ns(sys.argv[2], sys.argv[3], sys.argv[4],
                int(sys.argv[5]) if len(sys.argv) > 5 else 3))
