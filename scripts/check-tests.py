#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""check-tests.py - what `make lint` checks in the shell tests.

xm_retry TRIES DELAY CMD... runs CMD again on every try, but the shell
expands a "$(...)" among CMD's words once, before the first try: a check
written `xm_retry 50 0.1 test "$(count)" -gt 3` tests one stale value 50
times and passes or fails by the timing of its first try. The condition
goes in a function that xm_retry calls instead. Prints each such call as
FILE:LINE and exits 1 if there is one.
"""
import re
import sys
from pathlib import Path

RETRY = re.compile(r"\bxm_retry\s+\S+\s+\S+\s+(.*)")
# A test of a value: "$(...)" there (not arithmetic, not a namespace's
# fixed name) is the stale value. "sh -c '...'" and functions see theirs afresh.
STALE = re.compile(r"(test|\[)\s.*\$\((?!\(|xm_ns )")


def logical_lines(text):
    """(first line number, line) with backslash continuations joined."""
    start, buf = None, ""
    for n, line in enumerate(text.splitlines(), 1):
        if start is None:
            start = n
        if line.endswith("\\"):
            buf += line[:-1] + " "
            continue
        yield start, buf + line
        start, buf = None, ""
    if buf:
        yield start, buf


def main(paths):
    bad = 0
    for path in paths:
        for n, line in logical_lines(Path(path).read_text()):
            m = RETRY.search(line)
            if m and STALE.match(m.group(1)):
                print("%s:%d: xm_retry expands \"$(...)\" once, not on every try: "
                      "put the condition in a function" % (path, n))
                bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
