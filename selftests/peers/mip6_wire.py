# SPDX-License-Identifier: GPL-2.0
"""
mip6_wire.py - the small wire helpers the independent Scapy peers
and the Python tests share: address packing, the Mobility Header checksum
of RFC 6275 section 6.1.1 and the option walk of section 6.2.1, written
here from the RFC, never taken from xmip6's C code.
"""
import socket
import struct

IPPROTO_MH = 135


def a6(addr):
    return socket.inet_pton(socket.AF_INET6, addr)


def n6(raw):
    return socket.inet_ntop(socket.AF_INET6, raw)


def csum(data):
    """RFC 1071 one's complement sum, complemented."""
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def mh_checksum(src, dst, mh):
    """Section 6.1.1: pseudo-header (src, dst, length, 135), Checksum field as zero."""
    mh = mh[:4] + b"\0\0" + mh[6:]
    return csum(a6(src) + a6(dst) + struct.pack("!IxxxB", len(mh), IPPROTO_MH) + mh)


def with_checksum(mh, src, dst):
    """mh with its Checksum field filled in for the pseudo-header (src, dst)."""
    return mh[:4] + struct.pack("!H", mh_checksum(src, dst, mh)) + mh[6:]


def options_of(mh, start):
    """(type, offset, data) of each mobility option from @start, Pad1 skipped."""
    out, pos = [], start
    while pos < len(mh):
        t = mh[pos]
        if t == 0:
            pos += 1
            continue
        if pos + 2 > len(mh):
            break
        ln = mh[pos + 1]
        out.append((t, pos, mh[pos + 2:pos + 2 + ln]))
        pos += 2 + ln
    return out
