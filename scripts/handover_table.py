#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""handover_table.py - the per-handover table of the demos (scripts/demo.sh,
scripts/demo_nemo.sh).

  handover_table.py MOVES PING LOG [--ro] [--tcp yes|no]

MOVES: one line per move, "N FROM TO T0 LOGLINE" (TO "flap": the link went
down and up on FROM); PING: `ping -D` output; LOG: the moving node's xmip6d
log, LOGLINE the number of its lines before the move. Per move: the time to
detect it and to register (from the log), the longest gap between echo
replies in the move's window and the replies missing (errors are not
replies). --ro adds the time to route-optimise again, and --tcp a column
saying whether the TCP stream survived.
"""
import argparse
import re


def replies(path):
    """(time, icmp_seq) of each echo reply."""
    out = []
    for line in open(path):
        m = re.match(r"\[(\d+\.\d+)\] \d+ bytes from .*icmp_seq=(\d+)", line)
        if m:
            out.append((float(m.group(1)), int(m.group(2))))
    return out


def times(seg, to, ro):
    """Detection, registration and (with @ro) route optimisation, from the log."""
    det = reg = "?"
    rot = "-"
    for line in seg:
        m = re.search(r"route optimisation with \S+: bound via .* in (\d+) ms", line)
        if ro and m and rot == "-":
            rot = m.group(1)
        m = re.search(r"movement detected in (\d+) ms", line)
        if m and det == "?":
            det = m.group(1)
        m = re.search(r"(?:registered \S+ via|deregistered from) .* in (\d+) ms", line)
        if m and reg == "?":
            reg = m.group(1)
        if reg != "?" and (not ro or rot != "-" or to == "r1"):
            break
    return det, reg, rot


def gap_lost(pings, t0, t1):
    """The longest gap between replies in [t0 - 0.5, t1), and the replies missing."""
    win = [p for p in pings if t0 - 0.5 <= p[0] < t1]
    gap, lost = 0.0, 0
    for a, b in zip(win, win[1:]):
        if b[1] - a[1] > 1:
            gap = max(gap, b[0] - a[0])
            lost += b[1] - a[1] - 1
    return gap, lost, bool(win)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("moves")
    p.add_argument("ping")
    p.add_argument("log")
    p.add_argument("--ro", action="store_true")
    p.add_argument("--tcp")
    a = p.parse_args()
    moves = [line.split() for line in open(a.moves)]
    pings = replies(a.ping)
    log = open(a.log).read().splitlines()
    name = lambda r: "home" if r == "r1" else r.upper()  # noqa: E731
    head = ["#", "move", "detect ms", "register ms"] + (["RO ms"] if a.ro else []) + \
        ["interruption ms", "pings lost"] + (["TCP up"] if a.tcp else [])
    widths = [3, 10, 10, 12] + ([9] if a.ro else []) + [16, 12] + ([9] if a.tcp else [])
    fmt = "   " + " ".join("%%%s%ds" % ("-" if i < 2 else "", w) for i, w in enumerate(widths))
    print(fmt % tuple(head))
    for i, (n, frm, to, t0, mark) in enumerate(moves):
        t0 = float(t0)
        t1 = float(moves[i + 1][3]) if i + 1 < len(moves) else t0 + 5
        det, reg, rot = times(log[int(mark):], to, a.ro)
        gap, lost, any_reply = gap_lost(pings, t0, t1)
        if to == "flap":
            # Same link: no Binding Update expected.
            move = "flap@" + frm
            det = "no move" if reg == "?" else det
            reg = "no BU" if reg == "?" else reg
        else:
            move = name(frm) + "->" + name(to)
        row = [n, move, det, reg] + ([rot] if a.ro else []) + \
            ["%.0f" % (gap * 1000), str(lost)] + ([a.tcp] if a.tcp else [])
        print(fmt % tuple(row))
        if not any_reply:
            print("   (no ping reply in this window)")


if __name__ == "__main__":
    main()
