#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""rr_peer.py - an independent mobile node for the correspondent node tests.

Return routability (RFC 6275 section 5.2) and correspondent registrations,
built with Scapy and Python's hmac/hashlib only: nothing comes from the
code under test. Each command prints one JSON document.

  rr_peer.py rr --hoa H --coa C --cn N --state FILE [--only home|care_of]
      HoTI from the home address, CoTI from the care-of address; checks
      the HoT and CoT (type, cookie echo, lengths, tshark's decoding) and
      saves their nonce indices and keygen tokens in FILE (--only: one
      test, the other's saved values kept).
  rr_peer.py bu --hoa H --coa C --cn N --state FILE --seq S [--lifetime L]
      [--flags A] [--from-home] [--alt-coa A] [--no-ni] [--no-bad]
      [--bad-not-last] [--forge] [--home-index I] [--coa-index I]
      [--rr both|home|care_of] [--second-hoa H2 --second-seq S2] [--watch S]
      A Binding Update (HAO from the care-of address, Nonce Indices, Binding
      Authorization Data last, computed here with Kbm from the saved tokens);
      reports the BA (status, sequence, lifetime, its BAD verified here).
      --rr: return routability first, in the same process (the rr command's
      checks reported as "rr"), the BU at once after the answers.
      --second-hoa: then at once the home test and a BU for H2 from the
      same care-of address (reported as "second": "answer", "rr").
      --watch: then what the correspondent sends us during S seconds, as
      "packets".
  rr_peer.py data --hoa H --coa C --cn N [--count K]
      K ICMPv6 echo requests from the care-of address with a HAO; reports
      the Binding Errors and echo replies that come back.
  rr_peer.py raw-mh --coa C --cn N --mh-type T
      A Mobility Header of type T (unknown types too); reports the answer.
  rr_peer.py watch --cn N [--wait S] [--count K] [--ready FILE]
      Reports the packets the correspondent sends us during S seconds
      (FILE is created once the capture runs).
"""
import argparse
import hashlib
import hmac
import json
import os
import struct
import subprocess
import sys
import tempfile
import threading

from scapy.config import conf  # noqa
from scapy.layers.inet6 import IPv6, IPv6ExtHdrDestOpt, HAO, ICMPv6EchoRequest  # noqa
from scapy.packet import Raw  # noqa
from scapy.sendrecv import AsyncSniffer, send  # noqa
from scapy.utils import wrpcap  # noqa

from mip6_wire import a6, mh_checksum, n6, options_of  # noqa: E402
conf.verb = 0

MH_BRR, MH_HOTI, MH_COTI, MH_HOT, MH_COT, MH_BU, MH_BA, MH_BE = range(8)


def keygen_kbm(home_token, care_of_token):
    """Section 5.2.5: Kbm = SHA1(home token | care-of token), or SHA1(home token)."""
    return hashlib.sha1(home_token + (care_of_token or b"")).digest()


def authenticator(kbm, coa, cn, mh_without_auth):
    """First(96, HMAC_SHA1(Kbm, care-of address | correspondent | MH data))."""
    data = mh_without_auth[:4] + b"\0\0" + mh_without_auth[6:]
    return hmac.new(kbm, a6(coa) + a6(cn) + data, hashlib.sha1).digest()[:12]


def pad_to(opts, off, align, rem):
    """Pad1/PadN so that the next option starts at align*n+rem from the MH start."""
    need = (rem - (off + len(opts))) % align
    if need == 1:
        return opts + b"\0"
    if need >= 2:
        return opts + bytes([1, need - 2]) + b"\0" * (need - 2)
    return opts


def mh_header(mh_type, body, opts):
    total = 6 + len(body) + len(opts)
    assert total % 8 == 0, total
    return bytearray(bytes([59, total // 8 - 1, mh_type, 0, 0, 0]) + body + opts)


def parse_ipv6(raw):
    """The IPv6 packet @raw decoded here: addresses, RH2, HAO, upper layer."""
    pkt = IPv6(raw)
    out = {"src": pkt.src, "dst": pkt.dst}
    nh, data = pkt.nh, bytes(pkt.payload)
    while nh in (0, 43, 60) and len(data) >= 8:
        ln = (data[1] + 1) * 8
        if nh == 43 and data[2] == 2:
            out["rt2"] = n6(data[8:24])
            out["rt2_segleft"] = data[3]
        if nh == 60:
            for t, _, odata in options_of(data[:ln], 2):
                if t == 0xC9:
                    out["hao"] = n6(odata)
        nh, data = data[0], data[ln:]
    out["nh"] = nh
    if nh == 58:
        out["icmp_type"] = data[0]
        return out, None
    if nh != 135:
        return out, None
    mh = data[:(data[1] + 1) * 8]
    out["mh_type"] = mh[2]
    out["mh_len"] = len(mh)
    out["checksum_ok"] = mh_checksum(out.get("hao", pkt.src), out.get("rt2", pkt.dst), mh) == \
        struct.unpack("!H", mh[4:6])[0]
    return out, mh


def decode_mh(out, mh, kbm=None, coa=None, cn=None):
    """Fields of the answers a mobile node gets, the BA's BAD checked with @kbm."""
    t = mh[2]
    if t in (MH_HOT, MH_COT) and len(mh) >= 24:
        out["nonce_index"] = struct.unpack("!H", mh[6:8])[0]
        out["cookie"] = mh[8:16].hex()
        out["token"] = mh[16:24].hex()
    elif t == MH_BA:
        out["status"] = mh[6]
        out["ba_flags"] = mh[7]
        out["seq"], units = struct.unpack("!HH", mh[8:12])
        out["lifetime_units"] = units
        opts = options_of(mh, 12)
        out["options"] = [o for o, _, _ in opts if o != 1]
        for o, pos, odata in opts:
            if o == 5:
                out["bad_last"] = pos + 2 + len(odata) == len(mh)
                if kbm is not None:
                    want = authenticator(kbm, coa, cn, mh[:pos + 2])
                    out["bad_ok"] = want == odata and len(odata) == 12
    elif t == MH_BE:
        out["status"] = mh[6]
        out["be_home_addr"] = n6(mh[8:24])
    return out


def tshark_fields(raw, fields):
    """tshark's decoding of one packet (an independent dissector)."""
    with tempfile.NamedTemporaryFile(suffix=".pcap", delete=False) as f:
        path = f.name
    try:
        wrpcap(path, [IPv6(raw)])
        args = ["tshark", "-r", path, "-T", "fields", "-E", "separator=|"]
        for fl in fields:
            args += ["-e", fl]
        res = subprocess.run(args, capture_output=True, text=True, timeout=30, check=False)
        return res.stdout.strip().split("|") if res.returncode == 0 else None
    finally:
        os.unlink(path)


def exchange(pkts, cn, iface, wait, count=1, match=None, ready=None, times=None):
    """Send @pkts, return the raw IPv6 packets from @cn seen within @wait s;
    their capture times go to the list @times if given. Nothing is sent
    (and @ready, a file, is not created) before the capture socket is open,
    however slowly a busy machine starts its thread; the packets go out
    together, through one socket, so a burst stays a burst under load."""
    def lf(p):
        return p.haslayer(IPv6) and p[IPv6].src == cn and (match is None or match(p))

    started = threading.Event()
    sn = AsyncSniffer(iface=iface, filter="ip6 and src host %s" % cn, lfilter=lf,
                      count=count, timeout=wait, store=True, started_callback=started.set)
    sn.start()
    started.wait(30)
    if ready:
        open(ready, "w").close()
    if pkts:
        send(pkts)
    sn.join()
    if times is not None:
        times.extend(float(p.time) for p in (sn.results or []))
    return [bytes(p[IPv6]) for p in (sn.results or [])]


def is_mh(p, types):
    raw = bytes(p[IPv6])
    out, mh = parse_ipv6(raw)
    return mh is not None and mh[2] in types


# ---- commands ----------------------------------------------------------------

def rr_run(a, state, only):
    """HoTI and CoTI (or the @only one), their answers checked except by
    tshark; @state takes the nonce indices and tokens. Returns the report
    and the raw answers for rr_tshark()."""
    res = {"ok": True}
    raws = {}
    for kind, src, t_init, t_ans in (("home", a.hoa, MH_HOTI, MH_HOT),
                                     ("care_of", a.coa, MH_COTI, MH_COT)):
        if only and only != kind:
            continue
        cookie = os.urandom(8)
        mh = mh_header(t_init, b"\0\0" + cookie, b"")
        mh[4:6] = struct.pack("!H", mh_checksum(src, a.cn, bytes(mh)))
        pkt = IPv6(src=src, dst=a.cn, nh=135) / Raw(bytes(mh))
        got = exchange([pkt], a.cn, a.iface, a.wait,
                       match=lambda p, t=t_ans: is_mh(p, (t,)))
        r = {"answered": bool(got)}
        if got:
            out, mh_ans = parse_ipv6(got[0])
            decode_mh(out, mh_ans)
            r.update(out)
            r["dst_ok"] = out["dst"] == src and "rt2" not in out and "hao" not in out
            r["cookie_ok"] = out.get("cookie") == cookie.hex()
            r["cookie_sent"] = cookie.hex()
            r["len_ok"] = out["mh_len"] == 24
            state[kind + "_index"] = out.get("nonce_index")
            state[kind + "_token"] = out.get("token")
            raws[kind] = got[0]
            res["ok"] &= r["dst_ok"] and r["cookie_ok"] and r["len_ok"] and r["checksum_ok"]
        else:
            res["ok"] = False
        res[kind] = r
    return res, raws


def rr_tshark(res, raws):
    """tshark's decoding of each answer agrees (type, nonce index, cookie)."""
    for kind, raw in raws.items():
        r = res[kind]
        t_ans, name = (MH_HOT, "hot") if kind == "home" else (MH_COT, "cot")
        tf = tshark_fields(raw, ["mip6.mhtype", "mip6.%s.nindex" % name,
                                 "mip6.%s.cookie" % name])
        r["tshark"] = tf
        r["tshark_ok"] = bool(tf) and tf[0] == str(t_ans) and \
            tf[1] == str(r.get("nonce_index")) and \
            tf[2].replace(":", "").lower().removeprefix("0x") == r["cookie_sent"]
        res["ok"] &= r["tshark_ok"]


def load_state(a, keep):
    if keep and os.path.exists(a.state):
        with open(a.state) as f:
            return json.load(f)
    return {}


def save_state(a, state):
    with open(a.state, "w") as f:
        json.dump(state, f)


def cmd_rr(a):
    state = load_state(a, a.only)
    res, raws = rr_run(a, state, a.only)
    rr_tshark(res, raws)
    save_state(a, state)
    print(json.dumps(res))
    return 0


def build_bu(a, state):
    """The BU to the correspondent, authenticated as section 5.2.6 says."""
    flags = 0x8000 if "A" in a.flags else 0
    flags |= 0x4000 if "H" in a.flags else 0
    body = struct.pack("!HHH", a.seq & 0xFFFF, flags, a.lifetime // 4)
    off = 12
    opts = b""
    if a.alt_coa:
        opts = pad_to(opts, off, 8, 6)
        opts += bytes([3, 16]) + a6(a.alt_coa)
    hi = a.home_index if a.home_index is not None else state.get("home_index", 0)
    ci = a.coa_index if a.coa_index is not None else state.get("care_of_index", 0)
    if not a.no_ni:
        opts = pad_to(opts, off, 2, 0)
        opts += bytes([4, 4]) + struct.pack("!HH", hi, ci)
    bad_at = None
    if not a.no_bad:
        opts = pad_to(opts, off, 8, 2)
        bad_at = off + len(opts)
        opts += bytes([5, 12]) + b"\0" * 12
    if a.bad_not_last:
        opts += bytes([1, 6]) + b"\0" * 6  # PadN after the BAD
    opts = pad_to(opts, off, 8, 0)
    mh = mh_header(MH_BU, body, opts)
    coa = a.alt_coa or (a.hoa if a.from_home else a.coa)
    dereg = a.lifetime == 0 or coa == a.hoa
    kbm = None
    if state.get("home_token"):
        kbm = keygen_kbm(bytes.fromhex(state["home_token"]),
                         None if dereg else bytes.fromhex(state["care_of_token"]))
    if bad_at is not None and kbm:
        mac = authenticator(kbm, a.hoa if dereg else coa, a.cn, bytes(mh[:bad_at + 2]))
        if a.forge:
            mac = bytes([mac[0] ^ 1]) + mac[1:]
        mh[bad_at + 2:bad_at + 14] = mac
    mh[4:6] = struct.pack("!H", mh_checksum(a.hoa, a.cn, bytes(mh)))
    return bytes(mh), kbm, (a.hoa if dereg else coa)


def bu_exchange(a, state):
    """The BU @a describes, with the tokens in @state; the BA decoded, or None."""
    mh, kbm, reg_coa = build_bu(a, state)
    if a.from_home:
        pkt = IPv6(src=a.hoa, dst=a.cn, nh=135) / Raw(mh)
    else:
        pkt = IPv6(src=a.coa, dst=a.cn, nh=60) / IPv6ExtHdrDestOpt(
            nh=135, options=[HAO(hoa=a.hoa)]) / Raw(mh)
    got = exchange([pkt], a.cn, a.iface, a.wait, match=lambda p: is_mh(p, (MH_BA,)))
    if not got:
        return None
    out, mh_ans = parse_ipv6(got[0])
    return decode_mh(out, mh_ans, kbm, reg_coa, a.cn)


def cmd_bu(a):
    rr = raws = None
    if a.rr:
        # Return routability and the BU in one process, the BU right after
        # the answers: tests with second-scale nonce lifetimes must not lose
        # them to a second Python start-up on a busy machine. tshark's
        # check of the answers comes after the BU.
        only = None if a.rr == "both" else a.rr
        state = load_state(a, only)
        rr, raws = rr_run(a, state, only)
        save_state(a, state)
    else:
        state = load_state(a, True)
    res = {"answer": bu_exchange(a, state)}
    second = None
    if a.second_hoa:
        # Another home address at the same care-of address, at once: its
        # home test, the care-of keygen token reused (section 5.2.5).
        b = argparse.Namespace(**vars(a))
        b.hoa, b.seq = a.second_hoa, a.second_seq
        state2 = dict(state)
        second = rr_run(b, state2, "home")
        res["second"] = {"answer": bu_exchange(b, state2), "rr": second[0]}
    if a.watch:
        res["packets"] = watch(a, a.watch, 0)
    if rr is not None:
        rr_tshark(rr, raws)
        res["rr"] = rr
    if second is not None:
        rr_tshark(*second)
    print(json.dumps(res))
    return 0


def cmd_data(a):
    pkts = [IPv6(src=a.coa, dst=a.cn) / IPv6ExtHdrDestOpt(options=[HAO(hoa=a.hoa)]) /
            ICMPv6EchoRequest(id=0x4d4e, seq=i) for i in range(a.count)]
    times = []
    got = exchange(pkts, a.cn, a.iface, a.wait, count=0, times=times)
    res = {"be": [], "be_max_per_second": 0, "echo_replies": 0, "replies": []}
    be_times = []
    for raw, t in zip(got, times):
        out, mh = parse_ipv6(raw)
        if mh is not None and mh[2] == MH_BE:
            res["be"].append(decode_mh(out, mh))
            be_times.append(t)
        elif out.get("icmp_type") == 129:
            res["echo_replies"] += 1
            res["replies"].append(out)
    # The most Binding Errors that arrived within any one second.
    res["be_max_per_second"] = max(
        (sum(1 for u in be_times if t <= u < t + 1.0) for t in be_times), default=0)
    print(json.dumps(res))
    return 0


def cmd_raw_mh(a):
    mh = mh_header(a.mh_type, b"\0" * 10, b"")
    mh[4:6] = struct.pack("!H", mh_checksum(a.coa, a.cn, bytes(mh)))
    pkt = IPv6(src=a.coa, dst=a.cn, nh=135) / Raw(bytes(mh))
    got = exchange([pkt], a.cn, a.iface, a.wait, match=lambda p: is_mh(p, range(256)))
    if not got:
        print(json.dumps({"answer": None}))
        return 0
    out, mh_ans = parse_ipv6(got[0])
    print(json.dumps({"answer": decode_mh(out, mh_ans)}))
    return 0


def watch(a, wait, count, ready=None):
    res = []
    for raw in exchange([], a.cn, a.iface, wait, count=count, ready=ready):
        out, mh = parse_ipv6(raw)
        res.append(decode_mh(out, mh) if mh is not None else out)
    return res


def cmd_watch(a):
    print(json.dumps({"packets": watch(a, a.wait, a.count, a.ready)}))
    return 0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("cmd", choices=["rr", "bu", "data", "raw-mh", "watch"])
    p.add_argument("--hoa")
    p.add_argument("--coa")
    p.add_argument("--cn", required=True)
    p.add_argument("--state")
    p.add_argument("--only", choices=["home", "care_of"])
    p.add_argument("--rr", choices=["both", "home", "care_of"])
    p.add_argument("--watch", type=float)
    p.add_argument("--second-hoa")
    p.add_argument("--second-seq", type=int, default=1)
    p.add_argument("--ready")
    p.add_argument("--seq", type=int, default=1)
    p.add_argument("--lifetime", type=int, default=400)
    p.add_argument("--flags", default="A")
    p.add_argument("--from-home", action="store_true")
    p.add_argument("--alt-coa")
    p.add_argument("--no-ni", action="store_true")
    p.add_argument("--no-bad", action="store_true")
    p.add_argument("--bad-not-last", action="store_true")
    p.add_argument("--forge", action="store_true")
    p.add_argument("--home-index", type=int)
    p.add_argument("--coa-index", type=int)
    p.add_argument("--mh-type", type=int, default=5)
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--iface", default="eth0")
    p.add_argument("--wait", type=float, default=2.0)
    a = p.parse_args()
    return {"rr": cmd_rr, "bu": cmd_bu, "data": cmd_data, "raw-mh": cmd_raw_mh,
            "watch": cmd_watch}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
