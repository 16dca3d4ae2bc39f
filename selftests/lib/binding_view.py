# SPDX-License-Identifier: GPL-2.0
"""
binding_view.py - the checks of test_binding_view.sh on its captures of
`xmip6ctl binding show`: files in $XM_TMP, each NAME with NAME.t holding the
CLOCK_MONOTONIC nanoseconds before it started and after it ended.

  binding_view.py same json|text A B   A and B say the same; only age and
                                       remaining may differ, by the seconds
                                       between the captures
  binding_view.py text_of_json J T     the table T is the JSON J as
                                       docs/control-protocol.md says
  binding_view.py values J             J holds what the test asked for
                                       (names and times from the environment)
"""
import ipaddress
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ctl_table import binding_cells, table, traffic_cells  # noqa: E402

NS = 10**9
TMP = os.environ["XM_TMP"]
TIMED = ("age", "remaining", "Age", "Remaining")
TITLES = ["Home Address", "Care-of Address", "Home Agent", "Lifetime", "Remaining", "Seq",
          "Flags", "Age", "State", "To MN pkts/bytes", "From MN pkts/bytes"]


def read(name):
    return open(os.path.join(TMP, name)).read()


def when(name):
    t0, t1 = read(name + ".t").split()
    return int(t0), int(t1)


def slack(a, b):
    """How far the ages (or remaining times) of two captures may be apart:
    the whole seconds from the start of the first to the end of the last,
    plus one for rounding each down (or up)."""
    (a0, a1), (b0, b1) = when(a), when(b)
    return 1 + (max(a1, b1) - min(a0, b0)) // NS


def close(x, y, tol):
    if isinstance(x, str) and isinstance(y, str) and x.isdigit() and y.isdigit():
        x, y = int(x), int(y)
    if isinstance(x, int) and isinstance(y, int) and not isinstance(x, bool):
        return abs(x - y) <= tol
    return x == y


def same_cells(names, x, y, tol):
    """Two rows, as (name, value) pairs in order: equal, timed ones within @tol."""
    assert len(x) == len(y), (x, y)
    for name, cx, cy in zip(names, x, y):
        ok = close(cx, cy, tol) if name in TIMED else cx == cy
        assert ok, (name, x, y, tol)


def same(mode, a, b):
    tol = slack(a, b)
    if mode == "json":
        ja, jb = json.loads(read(a)), json.loads(read(b))
        assert list(ja) == ["bindings"] and list(jb) == ["bindings"], (ja, jb)
        assert len(ja["bindings"]) == len(jb["bindings"]), (ja, jb)
        for x, y in zip(ja["bindings"], jb["bindings"]):
            assert list(x) == list(y), (x, y)  # the same members in the same order
            same_cells(list(x), list(x.values()), list(y.values()), tol)
    else:
        (ta, ra), (tb, rb) = table(read(a)), table(read(b))
        assert ta == tb, (ta, tb)
        assert len(ra) == len(rb), (ra, rb)
        for x, y in zip(ra, rb):
            same_cells(ta, x, y, tol)
    print("%s and %s: the same, age and remaining within %d s" % (a, b, tol))


def text_of_json(js, txt):
    tol = slack(js, txt)
    rows = json.loads(read(js))["bindings"]
    titles, got = table(read(txt))
    assert titles == TITLES, titles
    want = [binding_cells(b) + [b["state"]] + traffic_cells(b) for b in rows]
    assert len(got) == len(want), (got, want)
    for g, w in zip(got, want):
        same_cells(titles, g, w, tol)
    print("%s is %s as a table" % (txt, js))


def values(name):
    env = os.environ
    t0, t1 = when(name)
    rows = json.loads(read(name))["bindings"]
    hoas = [r["home_addr"] for r in rows]
    assert hoas == sorted(hoas, key=ipaddress.IPv6Address), hoas
    assert sorted(hoas) == sorted([env["XM_HOA"], env["MOVED_HOA"], env["STATIC_HOA"]]), hoas
    by = {r["home_addr"]: r for r in rows}

    mn = by[env["XM_HOA"]]  # registered by the MN's Binding Update (A and H set)
    assert mn["care_of_addr"] == env["XM_COA"] and mn["ha_addr"] == env["XM_HA_ADDR"], mn
    assert mn["flags"] == "AH" and mn["state"] == "registered" and not mn["expired"], mn
    assert 0 < mn["remaining"] <= mn["lifetime"], mn

    st = by[env["STATIC_HOA"]]  # binding add without a lifetime
    assert st["care_of_addr"] == env["STATIC_COA"] and st["ha_addr"] == env["XM_HA_ADDR"], st
    assert st["lifetime"] is None and st["remaining"] is None and not st["expired"], st
    assert st["flags"] == "-" and st["state"] == "static" and st["sequence"] == 0, st

    mv = by[env["MOVED_HOA"]]  # binding add, then again with another CoA
    life = int(env["MOVED_LIFETIME"])
    assert mv["care_of_addr"] == env["MOVED_COA2"] and mv["ha_addr"] == env["XM_HA_ADDR"], mv
    assert mv["lifetime"] == life and mv["flags"] == "-" and mv["state"] == "registered", mv
    # Registered again after T_READD0: the seconds left, rounded up.
    lo = life - (t1 - int(env["T_READD0"])) // NS
    assert lo <= mv["remaining"] <= life, (mv, lo, life)
    # First registered between T_ADD0 and T_ADD1: the age counts from there.
    lo = (t0 - int(env["T_ADD1"])) // NS
    hi = (t1 - int(env["T_ADD0"])) // NS
    assert 2 <= lo <= mv["age"] <= hi, (mv, lo, hi)
    print("%s: as asked (remaining %d s, age %d s)" % (name, mv["remaining"], mv["age"]))


if __name__ == "__main__":
    {"same": same, "text_of_json": text_of_json, "values": values}[sys.argv[1]](*sys.argv[2:])
