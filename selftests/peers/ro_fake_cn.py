#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""ro_fake_cn.py - a scripted correspondent node for selftests/netns/test_ro.sh.

Answers the mobile node's return routability and Binding Updates with
messages built here, byte by byte, from RFC 6275 (sections 5.2.5, 6.1,
9.5) and RFC 6275 section 5.2's formulas, sharing no code with xmip6: HoT and CoT
with keygen tokens from its own Kcn, and a Binding Acknowledgement per BU
with the next status of --statuses (e.g. 135,136,0,0). It checks each BU's
Binding Authorization Data itself. After the first accepting BA it sends
a Binding Refresh Request; after the second, a Binding Error status 2.

Every event is one JSON line on --log. Runs until --timeout seconds.

  ro_fake_cn.py --iface eth0 --addr CN --log FILE --statuses 135,136,0,0
"""
import argparse
import hashlib
import hmac
import json
import os
import struct
import sys
import time

sys.path.insert(0, "/usr/lib/python3/dist-packages")
from scapy.config import conf  # noqa: E402
from scapy.layers.inet6 import IPv6, IPv6ExtHdrRouting  # noqa: E402
from scapy.packet import Raw  # noqa: E402
from scapy.sendrecv import AsyncSniffer, send  # noqa: E402

from mip6_wire import a6, mh_checksum, n6  # noqa: E402
conf.verb = 0
MH = 135
KCN = os.urandom(20)
NONCE = os.urandom(8)
NONCE_INDEX = 7








def finish_mh(mh, src, dst):
    """Header Len from the length, then the checksum."""
    mh = bytearray(mh)
    assert len(mh) % 8 == 0
    mh[1] = len(mh) // 8 - 1
    mh[4:6] = b"\0\0"
    mh[4:6] = struct.pack("!H", mh_checksum(src, dst, bytes(mh)))
    return bytes(mh)


def token(addr, care_of):
    m = a6(addr) + NONCE + (b"\x01" if care_of else b"\x00")
    return hmac.new(KCN, m, hashlib.sha1).digest()[:8]


def authenticator(kbm, coa, cn, mh_without_auth):
    """First(96, HMAC_SHA1(Kbm, care-of address | correspondent | MH data))."""
    data = bytearray(mh_without_auth)
    data[4:6] = b"\0\0"
    return hmac.new(kbm, a6(coa) + a6(cn) + bytes(data), hashlib.sha1).digest()[:12]


def walk(raw):
    """(src, dst, hao, rt2, mh bytes) of an IPv6 packet, or None if no MH."""
    nh, src, dst = raw[6], n6(raw[8:24]), n6(raw[24:40])
    off, hao, rt2 = 40, None, None
    for _ in range(8):
        if nh == MH:
            return src, dst, hao, rt2, raw[off:]
        if nh not in (0, 43, 60):
            return None
        hlen = (raw[off + 1] + 1) * 8
        h = raw[off:off + hlen]
        if nh == 60:
            pos = 2
            while pos < len(h):
                if h[pos] == 0:
                    pos += 1
                    continue
                if h[pos] == 0xC9:
                    hao = n6(h[pos + 2:pos + 18])
                pos += 2 + h[pos + 1]
        if nh == 43 and h[2] == 2:
            rt2 = n6(h[8:24])
        nh, off = h[0], off + hlen
    return None


def options(mh, start):
    out, pos = {}, start
    while pos < len(mh):
        t = mh[pos]
        if t == 0:
            pos += 1
            continue
        out.setdefault(t, (pos, mh[pos + 2:pos + 2 + mh[pos + 1]]))
        pos += 2 + mh[pos + 1]
    return out


class FakeCN:
    def __init__(self, args):
        self.a = args
        self.statuses = [int(s) for s in args.statuses.split(",") if s]
        self.tokens = {}  # "home"/"coa" -> (addr, token)
        self.accepted = 0
        self.logf = open(args.log, "a", buffering=1)

    def log(self, **ev):
        ev["t"] = round(time.time(), 3)
        self.logf.write(json.dumps(ev) + "\n")

    def send_mh(self, dst, mh, rt2=None):
        pkt = IPv6(src=self.a.addr, dst=dst, hlim=64)
        if rt2:
            pkt = pkt / IPv6ExtHdrRouting(nh=MH, type=2, addresses=[rt2])
        else:
            pkt.nh = MH
        send(pkt / Raw(mh))

    def test(self, src, mh, home):
        cookie = mh[8:16]
        tok = token(src, not home)
        self.tokens["home" if home else "coa"] = (src, tok)
        body = struct.pack("!BBBBHH", 59, 0, 3 if home else 4, 0, 0, NONCE_INDEX)
        self.send_mh(src, finish_mh(body + cookie + tok, self.a.addr, src))
        self.log(ev="hoti" if home else "coti", src=src, cookie=cookie.hex())

    def ba(self, coa, hoa, seq, status, lifetime, kbm):
        head = struct.pack("!BBBBHBBHH", 59, 0, 6, 0, 0, status, 0, seq, lifetime)
        if kbm is None:
            mh = head + b"\x01\x02\0\0"  # PadN(4) to 16
        else:
            mh = head + b"\x01\x04\0\0\0\0" + b"\x05\x0c"  # PadN(6): BAD at 18 = 8n+2
            mh = bytearray(mh + b"\0" * 12)
            mh[1] = len(mh) // 8 - 1
            mh[-12:] = authenticator(kbm, coa, self.a.addr, bytes(mh[:-12]))
        self.send_mh(coa, finish_mh(mh, self.a.addr, hoa), rt2=hoa)

    def bu(self, src, hao, mh):
        seq, flags, lifetime = struct.unpack("!HHH", mh[6:12])
        opts = options(mh, 12)
        ev = {"ev": "bu", "src": src, "hao": hao, "seq": seq, "flags": flags,
              "lifetime": lifetime, "bad_ok": False, "bad_last": False}
        ni, bad = opts.get(4), opts.get(5)
        if ni:
            ev["hni"], ev["coni"] = struct.unpack("!HH", ni[1])
        home, coa = self.tokens.get("home"), self.tokens.get("coa")
        kbm = None
        if home and coa and hao == home[0] and src == coa[0]:
            kbm = hashlib.sha1(home[1] + coa[1]).digest()
        if bad and kbm:
            ev["bad_last"] = bad[0] + 14 == len(mh)
            ev["bad_ok"] = hmac.compare_digest(
                authenticator(kbm, src, self.a.addr, mh[:-12]), bad[1])
        status = self.statuses.pop(0) if self.statuses else 0
        ev["answer"] = status
        self.log(**ev)
        if status == 135:
            self.ba(src, hao, (seq + 100) & 0xFFFF, 135, 0, kbm)
        elif status in (136, 137, 138):
            self.ba(src, hao, seq, status, 0, None)
        else:
            self.ba(src, hao, seq, status, lifetime, kbm)
        if status == 0:
            self.accepted += 1
            time.sleep(0.5)
            if self.accepted == 1:
                # Section 9.5.5: please refresh. To the home address, through
                # the HA (xmip6d's MN drops a BRR that carries an RH2).
                self.send_mh(hao, finish_mh(struct.pack("!BBBBHH", 59, 0, 0, 0, 0, 0),
                                            self.a.addr, hao))
                self.log(ev="brr")
            elif self.accepted == 2:
                be = struct.pack("!BBBBHBB", 59, 0, 7, 0, 0, 2, 0) + a6(hao)
                self.send_mh(src, finish_mh(be, self.a.addr, src))
                self.log(ev="be", status=2)

    def handle(self, p):
        raw = bytes(p[IPv6])
        w = walk(raw)
        if not w:
            return
        src, dst, hao, rt2, mh = w
        if dst != self.a.addr or len(mh) < 8:
            return
        t = mh[2]
        if t == 1 and not hao:
            self.test(src, mh, True)
        elif t == 2 and not hao:
            self.test(src, mh, False)
        elif t == 5 and hao:
            self.bu(src, hao, mh)
        else:
            self.log(ev="other", mhtype=t, src=src, hao=hao)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iface", required=True)
    ap.add_argument("--addr", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--statuses", default="0")
    ap.add_argument("--timeout", type=float, default=120)
    a = ap.parse_args()
    cn = FakeCN(a)
    sn = AsyncSniffer(iface=a.iface, filter="ip6 and dst host %s" % a.addr, prn=cn.handle,
                      store=False)
    sn.start()
    time.sleep(1)
    cn.log(ev="ready")
    try:
        time.sleep(a.timeout)
    finally:
        sn.stop()


if __name__ == "__main__":
    main()
