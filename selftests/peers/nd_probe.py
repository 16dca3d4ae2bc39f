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
  nd_probe.py uns IFACE SRC TARGET MAC [TRIES]
      the same as a unicast reachability probe (RFC 4861 7.3.1): to TARGET
      itself at link-layer address MAC; exit 1 also when a Redirect comes
      back instead (the NS forwarded rather than answered).
  nd_probe.py ll IFACE SRC TARGET MAC
      an Echo Request from SRC to link-local TARGET sent to link-layer
      address MAC (where the proxy's NA points); exit 1 when, within 2 s,
      that node sends a Redirect or forwards the packet back onto the link
      (RFC 6275 10.4.2); prints what came back.
  nd_probe.py dhaad IFACE SRC ANYCAST ID [TRIES [R]]
      a DHAAD Request (RFC 6275 6.5) from SRC to the home-agents ANYCAST
      address, once a second up to TRIES times, with the Mobile Router
      flag when R is 1 (RFC 3963 7.1; Scapy's default sets it, so it is
      always given here); exit 0 and print the home agents of the Reply
      with identifier ID, then "R=" and the Reply's flag, else exit 1.
"""
import sys
import time

from scapy.arch import get_if_hwaddr
from scapy.layers.inet6 import (
    ICMPv6EchoRequest, ICMPv6HAADReply, ICMPv6HAADRequest, ICMPv6ND_Redirect, IPv6, ICMPv6ND_NA,
    ICMPv6ND_NS, ICMPv6NDOptDstLLAddr, ICMPv6NDOptSrcLLAddr,
)
from scapy.layers.l2 import Ether
from scapy.pton_ntop import inet_ntop, inet_pton
from scapy.sendrecv import AsyncSniffer, send, sendp
from scapy.utils6 import in6_getnsma, in6_getnsmac
from socket import AF_INET6


def first_answer(iface, is_answer, send_once, tries):
    """Send once a second until is_answer() matches a received frame."""
    sniffer = AsyncSniffer(iface=iface, lfilter=is_answer, count=1, timeout=tries + 1)
    sniffer.start()
    for _ in range(tries):
        send_once()
        sniffer.join(timeout=1)
        if sniffer.results:
            break
    if sniffer.running:
        sniffer.stop()
    return sniffer.results[0] if sniffer.results else None


def link_local(iface, src, target, dst_mac):
    mac = get_if_hwaddr(iface)
    frame = (Ether(src=mac, dst=dst_mac) / IPv6(src=src, dst=target, hlim=64) /
             ICMPv6EchoRequest(id=0x1504, data=b"10.4.2"))

    def from_it(p):
        return IPv6 in p and p[Ether].src == dst_mac

    sniffer = AsyncSniffer(iface=iface, lfilter=from_it, timeout=2)
    sniffer.start()
    time.sleep(0.2)
    sendp(frame, iface=iface, verbose=0)
    sniffer.join()
    bad = 0
    for p in sniffer.results:
        print(p.summary())
        if ICMPv6ND_Redirect in p or (ICMPv6EchoRequest in p and p[IPv6].dst == target):
            bad += 1
    return 1 if bad else 0


def dhaad(iface, src, anycast, ident, tries, r=0):
    def is_answer(p):
        return ICMPv6HAADReply in p and p[ICMPv6HAADReply].id == ident

    reply = first_answer(iface, is_answer,
                         lambda: send(IPv6(src=src, dst=anycast) /
                                      ICMPv6HAADRequest(id=ident, R=r), verbose=0), tries)
    if reply is None:
        return 1
    print(" ".join(reply[ICMPv6HAADReply].addresses), "R=%d" % reply[ICMPv6HAADReply].R)
    return 0


def ns(iface, src, target, tries, dst_mac=None):
    mac = get_if_hwaddr(iface)
    group = in6_getnsma(inet_pton(AF_INET6, target))
    dst = target if dst_mac else inet_ntop(AF_INET6, group)
    frame = (Ether(src=mac, dst=dst_mac or in6_getnsmac(group)) /
             IPv6(src=src, dst=dst, hlim=255) /
             ICMPv6ND_NS(tgt=target) / ICMPv6NDOptSrcLLAddr(lladdr=mac))

    def is_answer(p):
        if ICMPv6ND_Redirect in p and p[ICMPv6ND_Redirect].dst == target:
            return True
        return (ICMPv6ND_NA in p and p[IPv6].hlim == 255 and
                p[ICMPv6ND_NA].tgt == target and p[Ether].src != mac)

    na = first_answer(iface, is_answer, lambda: sendp(frame, iface=iface, verbose=0), tries)
    if na is None or ICMPv6ND_NA not in na:
        print("redirected" if na is not None else "no answer")
        return 1
    tlla = na[ICMPv6NDOptDstLLAddr].lladdr if ICMPv6NDOptDstLLAddr in na else na[Ether].src
    print(tlla)
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "ns":
        sys.exit(ns(sys.argv[2], sys.argv[3], sys.argv[4],
                    int(sys.argv[5]) if len(sys.argv) > 5 else 3))
    if sys.argv[1] == "uns":
        sys.exit(ns(sys.argv[2], sys.argv[3], sys.argv[4],
                    int(sys.argv[6]) if len(sys.argv) > 6 else 3, sys.argv[5]))
    if sys.argv[1] == "ll":
        sys.exit(link_local(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]))
    if sys.argv[1] == "dhaad":
        sys.exit(dhaad(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]),
                       int(sys.argv[6]) if len(sys.argv) > 6 else 3,
                       int(sys.argv[7]) if len(sys.argv) > 7 else 0))
    sys.exit(__doc__)
