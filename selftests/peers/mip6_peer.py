#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""mip6_peer.py - an independent Mobile IPv6 peer for the xmip6d tests.

Builds Binding Updates with Scapy (HAO, RFC 4285 MN-HA authenticator and
timestamp computed here with hmac/hashlib, MH checksum computed here), sends
one, and reports the answer it sniffs (BA, BE or ICMPv6 error) as JSON,
with the answer's MH checksum and MN-HA authenticator checked here too.
Nothing in it comes from the code under test.

  mip6_peer.py bu --coa C --ha H --hoa A --seq N [--lifetime S] [--flags AH]
               [--spi N --key HEX] [--timestamp now|none|SECONDS_OFFSET]
               [--alt-coa A] [--nonce-indices HOME,COA] [--mh-type N]
               [--mnp PREFIX/LEN ...] [--mnp-raw HEX ...] [--tail-raw HEX]
               [--payload-proto N] [--short-hdr-len] [--bad-checksum]
               [--save FILE] [--replay FILE [--to-other-ha]] [--wait S] [--count N]

With --count N it sends N BUs back to back (sequence numbers N, N+1, ...,
fresh timestamps) and reports every answer: {"answers": [...], "sent": N};
--seq-step 0 keeps the sequence number (fresh timestamps all the same),
--identical sends N copies of the first BU (a replay in the same burst).

A mobile router (NEMO, RFC 3963): --flags AHR sets the Mobile Router flag
(section 4.1), each --mnp adds a Mobile Network Prefix option (section 4.3:
type 6, length 18, Reserved, Prefix Length, Prefix; at 8n+4), each
--mnp-raw the option bytes as given (malformed ones: another length, prefix
length 0 or > 128), --tail-raw bytes after the last option (an option
running past the end of the message). The BA's flags are in "ba_flags".

A BA's MN-HA authenticator is checked over the care-of address the BU's
authenticator covered (--alt-coa when given, RFC 4285 section 5):
"auth_ok"; "auth_coa" names the address it verifies over ("alt-coa",
"coa" or null).
"""
import argparse
import hashlib
import hmac
import json
import struct
import sys
import time

from scapy.config import conf  # noqa: E402
from scapy.layers.inet6 import IPv6, IPv6ExtHdrDestOpt, HAO  # noqa: E402
from scapy.packet import Raw  # noqa: E402
from scapy.sendrecv import AsyncSniffer, send  # noqa: E402

from mip6_wire import a6, mh_checksum, n6, options_of  # noqa: E402
conf.verb = 0

NTP_EPOCH_OFFSET = 2208988800  # 1900-01-01 to 1970-01-01


def ntp_now(offset=0.0):
    t = time.time() + offset
    sec = int(t) + NTP_EPOCH_OFFSET
    frac = int((t - int(t)) * (1 << 32)) & 0xFFFFFFFF
    return (sec << 32) | frac


def pad_to(opts, align, rem):
    """PadN/Pad1 so that the next option starts at align*n+rem (offset from MH start)."""
    cur = len(opts)
    need = (rem - cur) % align
    if need == 1:
        return opts + b"\0"
    if need >= 2:
        return opts + bytes([1, need - 2]) + b"\0" * (need - 2)
    return opts


def build_bu(a):
    flags = 0
    for ch in a.flags:
        flags |= {"A": 0x8000, "H": 0x4000, "L": 0x2000, "K": 0x1000, "R": 0x0400}[ch]
    lifetime_units = a.lifetime // 4
    body = struct.pack("!HHH", a.seq, flags, lifetime_units)
    # MH: Payload Proto, Header Len, Type, Reserved, Checksum, then the BU body.
    opts = b""
    off = 6 + len(body)  # options start at 12
    if a.alt_coa:
        opts = pad_to(opts, 8, (6 - off) % 8)  # 8n+6
        opts += bytes([3, 16]) + a6(a.alt_coa)
    nonces = getattr(a, "nonce_indices", None)  # flood_frames/bu_rtt name none
    if nonces:  # RFC 6275 section 6.2.6, alignment 2n
        home, coa = (int(x) for x in nonces.split(","))
        opts = pad_to(opts, 2, (-off) % 2)
        opts += bytes([4, 4]) + struct.pack("!HH", home, coa)
    for prefix in getattr(a, "mnp", None) or []:  # RFC 3963 section 4.3, 8n+4
        addr, plen = prefix.split("/")
        opts = pad_to(opts, 8, (4 - off) % 8)
        opts += bytes([6, 18, 0, int(plen)]) + a6(addr)
    for raw in getattr(a, "mnp_raw", None) or []:
        opts = pad_to(opts, 8, (4 - off) % 8)
        opts += bytes.fromhex(raw)
    if a.timestamp != "none" and a.key:
        offset = 0.0 if a.timestamp == "now" else float(a.timestamp)
        ts = ntp_now(offset)
        opts = pad_to(opts, 8, (2 - off) % 8)  # 8n+2
        opts += bytes([10, 8]) + struct.pack("!Q", ts)
    auth_at = None
    if a.key:
        opts = pad_to(opts, 4, (1 - off) % 4)  # 4n+1
        auth_at = off + len(opts)
        opts += bytes([9, 17, 1]) + struct.pack("!I", a.spi) + b"\0" * 12
    tail = getattr(a, "tail_raw", None)
    if tail:
        opts += bytes.fromhex(tail)
    opts = pad_to(opts, 8, (-off) % 8)  # the MH is a multiple of 8 octets
    total = off + len(opts)
    hdr_len = total // 8 - 1
    if a.short_hdr_len:
        hdr_len = 0
    mh = bytearray(bytes([a.payload_proto, hdr_len, a.mh_type, 0, 0, 0]) + body + opts)
    coa = a.alt_coa or a.coa
    if auth_at is not None:
        to_spi = bytes(mh[:auth_at + 7])
        key = bytes.fromhex(a.key)
        mac = hmac.new(key, a6(coa) + a6(a.hoa) + to_spi, hashlib.sha1).digest()[:12]
        mh[auth_at + 7:auth_at + 19] = mac
    ck = mh_checksum(a.hoa if a.hoa else a.coa, a.ha, bytes(mh))
    if a.bad_checksum:
        ck ^= 0x5A5A
    mh[4:6] = struct.pack("!H", ck)
    return bytes(mh)


def mnha_mac(a, coa, mobility_data):
    """RFC 4285 section 5: First(96, HMAC_SHA1(key, CoA | HoA | MH data))."""
    key = bytes.fromhex(a.key)
    return hmac.new(key, a6(coa) + a6(a.hoa) + mobility_data, hashlib.sha1).digest()[:12]


def check_ba_auth(out, a, to_spi, odata):
    """The BA's authenticator (@odata: subtype, SPI, MAC) over the BU's care-of address."""
    mac = odata[5:17]
    out["auth_ok"] = mac == mnha_mac(a, a.alt_coa or a.coa, to_spi)
    out["auth_coa"] = None
    for name, coa in (("alt-coa", a.alt_coa), ("coa", a.coa)):
        if coa and mac == mnha_mac(a, coa, to_spi):
            out["auth_coa"] = name
            break
    out["auth_spi"] = struct.unpack("!I", odata[1:5])[0]


def parse_answer(raw, a):
    """Decode the IPv6 packet @raw (an answer to us) without the code under test."""
    pkt = IPv6(raw)
    out = {"src": pkt.src, "dst": pkt.dst, "hlim": pkt.hlim}
    nh, data = pkt.nh, bytes(pkt.payload)
    rt2 = None
    while nh in (0, 43, 60):
        ln = (data[1] + 1) * 8
        if nh == 43 and data[2] == 2:
            out["rt2_segleft"] = data[3]
            rt2 = n6(data[8:24])
            out["rt2"] = rt2
        nh, data = data[0], data[ln:]
    if nh == 58:
        out["icmp_type"], out["icmp_code"] = data[0], data[1]
        out["icmp_pointer"] = struct.unpack("!I", data[4:8])[0]
        out["icmp_quote_len"] = len(data) - 8
        out["icmp_total_len"] = len(raw)
        return out
    if nh != 135:
        out["nh"] = nh
        return out
    mh = data[:(data[1] + 1) * 8]
    out["mh_type"] = mh[2]
    out["checksum_ok"] = mh_checksum(pkt.src, rt2 or pkt.dst, mh) == struct.unpack(
        "!H", mh[4:6])[0]
    if mh[2] == 6:  # BA
        out["status"] = mh[6]
        out["ba_flags"] = mh[7]
        out["seq"], units = struct.unpack("!HH", mh[8:12])
        out["lifetime"] = units * 4
        opts = options_of(mh, 12)
        out["options"] = [t for t, _, _ in opts if t != 1]
        for t, pos, odata in opts:
            if t == 10:
                out["timestamp"] = struct.unpack("!Q", odata)[0]
            if t == 2:
                out["refresh"] = struct.unpack("!H", odata)[0] * 4
            if t == 9 and a.key:
                check_ba_auth(out, a, mh[:4] + b"\0\0" + mh[6:pos + 7], odata)
    elif mh[2] == 7:  # BE
        out["status"] = mh[6]
        out["be_home_addr"] = n6(mh[8:24])
    return out


def packet_of(a, mh):
    if a.hoa and a.hoa != a.coa:
        return IPv6(src=a.coa, dst=a.ha, nh=60) / IPv6ExtHdrDestOpt(
            nh=135, options=[HAO(hoa=a.hoa)]) / Raw(mh)
    return IPv6(src=a.coa, dst=a.ha, nh=135) / Raw(mh)


def is_answer(a, p):
    return p.haslayer(IPv6) and p[IPv6].src == a.ha and p[IPv6].dst == a.coa and \
        p[IPv6].nh != 6


def burst(a):
    """--count N: N BUs at once, every answer within --wait."""
    pkts = []
    first = a.seq
    for i in range(a.count):
        a.seq = (first + i * a.seq_step) % 65536
        pkts.append(pkts[0] if a.identical and pkts else packet_of(a, build_bu(a)))
    sniffer = AsyncSniffer(iface=a.iface, filter="ip6 and src host %s" % a.ha,
                           lfilter=lambda p: is_answer(a, p), timeout=a.wait, store=True)
    sniffer.start()
    time.sleep(0.3)
    send(pkts)
    sniffer.join()
    answers = [parse_answer(bytes(p[IPv6]), a) for p in sniffer.results]
    print(json.dumps({"answers": answers, "sent": len(pkts)}))
    return 0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("cmd", choices=["bu"])
    p.add_argument("--coa", required=True)
    p.add_argument("--ha", required=True)
    p.add_argument("--hoa")
    p.add_argument("--seq", type=int, default=1)
    p.add_argument("--lifetime", type=int, default=400)
    p.add_argument("--flags", default="AH")
    p.add_argument("--spi", type=int, default=256)
    p.add_argument("--key")
    p.add_argument("--timestamp", default="now")
    p.add_argument("--alt-coa")
    p.add_argument("--nonce-indices", help="HOME,COA: a Nonce Indices option")
    p.add_argument("--mh-type", type=int, default=5)
    p.add_argument("--mnp", action="append", help="PREFIX/LEN: a Mobile Network Prefix option")
    p.add_argument("--mnp-raw", action="append", help="HEX: option bytes as they are")
    p.add_argument("--tail-raw", help="HEX: bytes after the last option")
    p.add_argument("--payload-proto", type=int, default=59)
    p.add_argument("--short-hdr-len", action="store_true")
    p.add_argument("--bad-checksum", action="store_true")
    p.add_argument("--save")
    p.add_argument("--replay")
    p.add_argument("--to-other-ha", action="store_true",
                   help="with --replay: the MH checksum for --ha (a BU captured elsewhere)")
    p.add_argument("--iface", default="eth0")
    p.add_argument("--wait", type=float, default=3.0)
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--seq-step", type=int, default=1)
    p.add_argument("--identical", action="store_true")
    a = p.parse_args()
    if a.count > 1:
        return burst(a)

    if a.replay:
        with open(a.replay, "rb") as f:
            mh = f.read()
        if a.to_other_ha:
            # The same BU to another home agent: the MN-HA authenticator
            # does not cover the HA's address (RFC 4285 section 5, checksum
            # zeroed), the MH checksum does: recomputed as anyone could.
            mh = bytearray(mh)
            mh[4:6] = b"\0\0"
            mh[4:6] = struct.pack("!H", mh_checksum(a.hoa or a.coa, a.ha, bytes(mh)))
            mh = bytes(mh)
    else:
        mh = build_bu(a)
    if a.save:
        with open(a.save, "wb") as f:
            f.write(mh)
    pkt = packet_of(a, mh)
    sniffer = AsyncSniffer(iface=a.iface, filter="ip6 and src host %s" % a.ha,
                           lfilter=lambda p: is_answer(a, p), count=1, timeout=a.wait,
                           store=True)
    sniffer.start()
    time.sleep(0.3)
    send(pkt)
    sniffer.join()
    got = sniffer.results
    if not got:
        print(json.dumps({"answer": None, "sent": bytes(pkt).hex()}))
        return 0
    raw = bytes(got[0][IPv6])
    ans = parse_answer(raw, a)
    ans["sent"] = bytes(pkt).hex()
    print(json.dumps({"answer": ans}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
