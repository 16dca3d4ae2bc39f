#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""nemo_ha_peer.py - an independent home agent for a mobile router's tests.

Sniffs the Binding Updates sent to --ha on --iface and decodes each one here
(RFC 6275 section 6.1.7, RFC 3963 section 4.1 R flag and 4.3 Mobile Network
Prefix options, RFC 4285 MN-HA authenticator), writing one JSON line per BU
to --out. The first BUs are answered, one answer each from --answers, by a
Binding Acknowledgement built here: "0R" accepted with R set, "0" accepted
without R, "141" refused with that status. Later BUs are only recorded.
Nothing in it comes from the code under test.

  nemo_ha_peer.py --iface eth0 --ha H --hoa A --spi N --key HEX
                  --answers 0,141,0R --out FILE --wait S
"""
import argparse
import hashlib
import hmac
import json
import socket
import struct
import sys
import time

from scapy.config import conf  # noqa: E402
from scapy.layers.inet6 import IPv6  # noqa: E402
from scapy.packet import Raw  # noqa: E402
from scapy.sendrecv import sniff  # noqa: E402

from mip6_wire import a6, mh_checksum, n6, options_of  # noqa: E402
conf.verb = 0

MH_BU, MH_BA = 5, 6
OPT_MNP, OPT_AUTH, OPT_MESG_ID = 6, 9, 10
BA_F_ROUTER = 0x40  # RFC 3963 section 4.2


def mnha_mac(key, coa, hoa, to_spi):
    """RFC 4285 section 5: First(96, HMAC_SHA1(key, CoA | HoA | MH up to the SPI))."""
    return hmac.new(key, a6(coa) + a6(hoa) + to_spi, hashlib.sha1).digest()[:12]


def decode_bu(pkt, a):
    """The BU in @pkt (IPv6 from the CoA, HAO, MH) as a dict."""
    ip = pkt[IPv6]
    out = {"t": time.time(), "src": ip.src, "dst": ip.dst}
    nh, data, hoa = ip.nh, bytes(ip.payload), None
    while nh in (0, 43, 60):
        ln = (data[1] + 1) * 8
        if nh == 60:  # the HAO, option 201, in a Destination Options header
            pos = 2
            while pos + 2 <= ln:
                t = data[pos]
                if t == 0:
                    pos += 1
                    continue
                if t == 201:
                    hoa = n6(data[pos + 2:pos + 18])
                pos += 2 + data[pos + 1]
        nh, data = data[0], data[ln:]
    if nh != 135 or len(data) < 12 or data[2] != MH_BU:
        return None
    mh = data[:(data[1] + 1) * 8]
    out["hoa"] = hoa
    out["checksum_ok"] = mh_checksum(hoa or ip.src, ip.dst, mh) == struct.unpack("!H", mh[4:6])[0]
    out["seq"], flags, units = struct.unpack("!HHH", mh[6:12])
    out["flags"] = flags
    out["a"], out["h"] = bool(flags & 0x8000), bool(flags & 0x4000)
    out["r"] = bool(flags & 0x0400)  # RFC 3963 section 4.1
    out["lifetime"] = units * 4
    out["mnp"], out["options"], out["mnp_misaligned"] = [], [], False
    opts = options_of(mh, 12)
    last = None
    for t, pos, odata in opts:
        if t == 1:
            continue
        out["options"].append(t)
        last = t
        if t == OPT_MNP:
            # Reserved, Prefix Length, Prefix; at 8n+4 (RFC 3963 section 4.3).
            out["mnp"].append({"prefix": n6(odata[2:18]), "len": odata[1],
                               "offset": pos, "optlen": len(odata)})
            out["mnp_misaligned"] |= pos % 8 != 4
        if t == OPT_AUTH:
            key = bytes.fromhex(a.key)
            spi = struct.unpack("!I", odata[1:5])[0]
            to_spi = mh[:4] + b"\0\0" + mh[6:pos + 7]
            out["auth_spi"] = spi
            out["auth_ok"] = odata[5:17] == mnha_mac(key, ip.src, hoa or ip.src, to_spi)
    out["auth_last"] = last == OPT_AUTH
    return out


def build_ba(a, bu, status, r_flag):
    """A BA for @bu: status, R as asked, the BU's lifetime (0 for a refusal), MN-HA auth."""
    units = bu["lifetime"] // 4 if status < 128 else 0
    body = bytes([status, BA_F_ROUTER if r_flag else 0]) + struct.pack("!HH", bu["seq"], units)
    opts = b""
    off = 6 + len(body)  # 12
    # AUTH at 8n+5 (its 4n+1 rule), so that it ends the MH on 8 octets.
    need = (5 - (off + len(opts))) % 8
    opts += bytes([1, need - 2]) + b"\0" * (need - 2) if need >= 2 else b"\0" * need
    auth_at = off + len(opts)
    opts += bytes([OPT_AUTH, 17, 1]) + struct.pack("!I", a.spi) + b"\0" * 12
    mh = bytearray(bytes([59, (off + len(opts)) // 8 - 1, MH_BA, 0, 0, 0]) + body + opts)
    mac = mnha_mac(bytes.fromhex(a.key), bu["src"], a.hoa, bytes(mh[:auth_at + 7]))
    mh[auth_at + 7:auth_at + 19] = mac
    # Pseudo-header: from the HA to the home address in the RH2 (section 6.1.1).
    mh[4:6] = struct.pack("!H", mh_checksum(a.ha, a.hoa, bytes(mh)))
    rt2 = bytes([135, 2, 2, 1, 0, 0, 0, 0]) + a6(a.hoa)
    return IPv6(src=a.ha, dst=bu["src"], nh=43) / Raw(rt2 + bytes(mh))


def send_l3(pkt):
    """Through the kernel (IPPROTO_RAW: the header as built): its route and neighbour cache."""
    with socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW) as s:
        s.sendto(bytes(pkt), (pkt[IPv6].dst, 0))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--iface", default="eth0")
    p.add_argument("--ha", required=True)
    p.add_argument("--hoa", required=True)
    p.add_argument("--spi", type=int, default=256)
    p.add_argument("--key", required=True)
    p.add_argument("--answers", default="0R")
    p.add_argument("--out", required=True)
    p.add_argument("--wait", type=float, default=30.0)
    a = p.parse_args()
    answers = [x for x in a.answers.split(",") if x]
    out = open(a.out, "a", buffering=1)

    def take(pkt):
        bu = decode_bu(pkt, a)
        if bu is None:
            return
        if answers:
            spec = answers.pop(0)
            status = int(spec.rstrip("R"))
            bu["answered_t"] = time.time()
            send_l3(build_ba(a, bu, status, spec.endswith("R")))
            bu["answered"] = spec
        out.write(json.dumps(bu) + "\n")

    print("listening", flush=True)
    sniff(iface=a.iface, filter="ip6 and dst host %s" % a.ha, prn=take, store=False,
          timeout=a.wait)
    return 0


if __name__ == "__main__":
    sys.exit(main())
