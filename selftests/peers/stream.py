#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""
stream.py - a numbered UDP stream for loss measurements.

  stream.py send DST PORT PPS SECONDS     paced; prints the count sent, and
                                          on stderr "stall_s S": the longest
                                          time between two sends (a sender
                                          held up by the machine catches up
                                          in a burst, which queues may drop)
  stream.py recv BIND PORT SECONDS [SILENCE [COUNT]]
                                          until SILENCE s (default 2) of
                                          silence after the first packet (the
                                          sender is done), at most SECONDS +
                                          10 s after it; with COUNT (what the
                                          sender sends: PPS x SECONDS), 0.5 s
                                          of silence once number COUNT - 1
                                          is in (a SILENCE longer than an
                                          outage need not end the stream);
                                          prints JSON: received, unique,
                                          highest sequence, missing, the
                                          longest run of consecutive missing
                                          numbers ("longest_hole") and the
                                          longest time between two arrivals
                                          ("max_silence_s")
Every datagram carries its sequence number (8 octets, big endian), from 0.
"""
import json
import socket
import struct
import sys
import time


def paced(pps, seconds):
    """Sequence numbers 0, 1, ... at PPS a second for SECONDS (nh_probe.py too)."""
    total = int(pps * seconds)
    start = time.monotonic()
    seq = 0
    while seq < total:
        # Catch up to where the clock says we should be, then sleep a little.
        due = int((time.monotonic() - start) * pps) + 1
        while seq < min(due, total):
            yield seq
            seq += 1
        time.sleep(0.0005)


def send(dst, port, pps, seconds):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    count = 0
    last = None
    stall = 0.0
    for seq in paced(pps, seconds):
        now = time.monotonic()
        if last is not None:
            stall = max(stall, now - last)
        last = now
        s.sendto(struct.pack("!Q", seq) + b"x" * 56, (dst, port))
        count = seq + 1
    print(count)
    print("stall_s %.4f" % stall, file=sys.stderr)


def recv(bind, port, seconds, silence=2.0, count=0):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    # SO_RCVBUF is capped at net.core.rmem_max (~208 KiB: 30 ms at 10,000
    # packets/s); a receiver descheduled longer on a loaded machine would
    # count its own drops as the tunnel's. We are root: force 8 MiB.
    SO_RCVBUFFORCE = getattr(socket, "SO_RCVBUFFORCE", 33)
    try:
        s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 8 << 20)
    except PermissionError:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    s.bind((bind, port))
    seen = set()
    received = 0
    first = None
    last = None
    max_silence = 0.0
    s.settimeout(seconds + 10)
    while True:
        try:
            data = s.recv(2048)
        except socket.timeout:
            break
        now = time.monotonic()
        if first is None:
            first = now
            s.settimeout(silence)
        else:
            max_silence = max(max_silence, now - last)
        last = now
        received += 1
        seq = struct.unpack("!Q", data[:8])[0]
        seen.add(seq)
        # The last number is in: only stragglers (reordered) may follow.
        if count and seq == count - 1:
            s.settimeout(min(silence, 0.5))
        # Not "SECONDS after the first packet": a receiver descheduled near
        # the end would find the last packets queued in its buffer, read
        # them after that instant and leave them uncounted. The sender ends
        # the stream; this is only the bound.
        if now - first > seconds + 10:
            break
    top = max(seen) if seen else -1
    hole = run = 0
    for seq in range(top + 1):
        run = 0 if seq in seen else run + 1
        hole = max(hole, run)
    print(json.dumps({"received": received, "unique": len(seen), "highest": top,
                      "missing": top + 1 - len(seen), "longest_hole": hole,
                      "max_silence_s": round(max_silence, 4)}))


if __name__ == "__main__":
    if sys.argv[1] == "send":
        send(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]))
    else:
        recv(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]),
             float(sys.argv[5]) if len(sys.argv) > 5 else 2.0,
             int(sys.argv[6]) if len(sys.argv) > 6 else 0)
