# SPDX-License-Identifier: GPL-2.0
"""
ctl_table.py - xmip6ctl's tables read back, and what a binding row of
docs/control-protocol.md ("binding-show") should look like in one, written
from that document for the shell tests that check xmip6ctl's output
(test_ctl_socket.sh, test_binding_view.sh).
"""


def table(text):
    """A table read back by the columns of its title line: (titles, rows of cells)."""
    lines = text.rstrip("\n").split("\n")
    head = lines[0]
    titles = [t.strip() for t in head.split("  ") if t.strip()]
    starts, pos = [], 0
    for t in titles:
        starts.append(head.index(t, pos))
        pos = starts[-1] + len(t)
    ends = starts[1:] + [None]
    return titles, [[line[s:e].strip() for s, e in zip(starts, ends)] for line in lines[1:]]


def num(v, null):
    """A JSON value as its cell: null as @null, other numbers to a tenth."""
    if v is None:
        return null
    if isinstance(v, float):
        return "%.1f" % v
    return str(v)


def binding_cells(b):
    """A binding row as the table shows it, up to Age (State is optional)."""
    rem = "expired" if b["expired"] else num(b["remaining"], "infinite")
    return [b["home_addr"], b["care_of_addr"], b["ha_addr"], num(b["lifetime"], "infinite"),
            rem, str(b["sequence"]), b["flags"], str(b["age"])]


def traffic_cells(b):
    """A binding row's traffic columns (headers/xmip6.h "binding_ctr"): PACKETS/BYTES."""
    return ["%d/%d" % (b["to_mn_packets"], b["to_mn_bytes"]),
            "%d/%d" % (b["from_mn_packets"], b["from_mn_bytes"])]
