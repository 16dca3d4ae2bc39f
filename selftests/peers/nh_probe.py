#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""
nh_probe.py - which next hop a home agent's tunnelled packets take, packet
by packet, for test_nexthop.sh.

  nh_probe.py send DST PORT PPS SECONDS [--until FILE AFTER]
        UDP to DST:PORT, paced; each datagram carries its sequence number
        and the CLOCK_MONOTONIC nanoseconds it was sent at (8 + 8 octets,
        big endian), then 16 octets of "n", "e" in the stream's last one;
        prints the count sent. With --until, the stream goes on until FILE
        exists and AFTER more datagrams have been sent (a change made while
        it flows is always followed by AFTER packets, however late a
        loaded machine runs it), and stops at SECONDS anyway.
  nh_probe.py sink [--end] PORT SECONDS IFNAME...
        AF_PACKET on each IFNAME for SECONDS: every IPv6-in-IPv6 frame whose
        inner packet is UDP to PORT from `send`; prints one JSON object per
        frame: {"if", "dmac", "seq", "sent_ns"}. With --end, done
        TAIL_S (0.3 s) after the stream's last datagram (marked "e")
        arrives (frames still on the way, reordered, come in meanwhile),
        or at SECONDS if it never does.
  nh_probe.py stamp NH_STATE_PIN CMD...
        CLOCK_MONOTONIC ns, then CMD run, then CLOCK_MONOTONIC ns again;
        then for WATCH_S (0.5 s) the pinned "nh_state" map (bpftool) for
        the generations xmip6d starts after t0: prints {"t0": .., "t1": ..,
        "rc": .., "bumps": [gen_ns, ...]}.

CLOCK_MONOTONIC is one clock for all network namespaces, and the clock of
xmip6d's nh_state.gen_ns: the test compares the three.
"""
import json
import os
import select
import socket
import struct
import subprocess
import sys
import time

from stream import paced

ETH_P_ALL = 0x0003


def send(dst, port, pps, seconds, until=None, after=0):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    total = int(pps * seconds)
    stop = None  # the last sequence number, once FILE exists
    count = 0
    for seq in paced(pps, seconds):
        if until is not None and stop is None and os.path.exists(until):
            stop = seq + after - 1
        end = seq == total - 1 or seq == stop
        try:
            s.sendto(struct.pack("!QQ", seq, time.monotonic_ns()) + (b"e" if end else b"n") * 16,
                     (dst, port))
        except OSError:
            pass  # no route for a moment: counted as missing by the sink
        count = seq + 1
        if end:
            break
    print(count)


def parse(frame, port):
    """(dmac, seq, sent_ns, end) of an IPv6-in-IPv6 frame carrying our UDP, or None."""
    if len(frame) < 14 + 40 + 40 + 8 + 16 or frame[12:14] != b"\x86\xdd":
        return None
    outer = frame[14:54]
    if outer[6] != 41:
        return None
    inner = frame[54:94]
    if inner[0] >> 4 != 6 or inner[6] != 17:
        return None
    udp = frame[94:102]
    if struct.unpack("!H", udp[2:4])[0] != port:
        return None
    seq, sent = struct.unpack("!QQ", frame[102:118])
    return frame[0:6].hex(":"), seq, sent, frame[118:119] == b"e"


TAIL_S = 0.3


def sink(port, seconds, ifnames, end=False):
    socks = {}
    for name in ifnames:
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        s.bind((name, 0))
        s.setblocking(False)
        socks[s] = name
    deadline = time.monotonic() + seconds
    out = []
    while time.monotonic() < deadline:
        ready, _, _ = select.select(list(socks), [], [], 0.1)
        for s in ready:
            while True:
                try:
                    frame, addr = s.recvfrom(2048)
                except BlockingIOError:
                    break
                if addr[2] == socket.PACKET_OUTGOING:
                    continue
                p = parse(frame, port)
                if p:
                    out.append({"if": socks[s], "dmac": p[0], "seq": p[1], "sent_ns": p[2]})
                    if end and p[3]:
                        deadline = min(deadline, time.monotonic() + TAIL_S)
    for o in out:
        print(json.dumps(o))


WATCH_S = 0.5


def nh_state(pin):
    out = subprocess.run(["bpftool", "-j", "map", "lookup", "pinned", pin, "key", "0", "0", "0",
                          "0"], capture_output=True, text=True, check=True).stdout
    return json.loads(out)["formatted"]["value"]


def stamp(pin, cmd):
    before = nh_state(pin)["gen_ns"]
    t0 = time.monotonic_ns()
    rc = subprocess.call(cmd)
    t1 = time.monotonic_ns()
    bumps = []
    end = time.monotonic() + WATCH_S
    while time.monotonic() < end:
        ns = nh_state(pin)["gen_ns"]
        if ns != before and ns not in bumps:
            bumps.append(ns)
        time.sleep(0.002)
    print(json.dumps({"t0": t0, "t1": t1, "rc": rc, "bumps": bumps}))
    return rc


def main(argv):
    if len(argv) == 8 and argv[0] == "send" and argv[5] == "--until":
        send(argv[1], int(argv[2]), float(argv[3]), float(argv[4]), argv[6], int(argv[7]))
    elif len(argv) == 5 and argv[0] == "send":
        send(argv[1], int(argv[2]), float(argv[3]), float(argv[4]))
    elif len(argv) >= 5 and argv[0] == "sink" and argv[1] == "--end":
        sink(int(argv[2]), float(argv[3]), argv[4:], True)
    elif len(argv) >= 4 and argv[0] == "sink":
        sink(int(argv[1]), float(argv[2]), argv[3:])
    elif len(argv) >= 3 and argv[0] == "stamp":
        return stamp(argv[1], argv[2:])
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
