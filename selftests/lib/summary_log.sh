# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# summary_log.sh - the home agent's once-a-second summary lines at log level
# info (user/daemon/summary.c), added up, for the tests that compare them
# with what the wire carried.
#
#   summary_sums LOG   one line: BAs sent, accepted, bindings new, refreshed,
#                      summed over LOG's summary lines

SUMMARY_RE='last [0-9.]+ s: [0-9]+ BU received'

summary_sums() {
	grep -E "$SUMMARY_RE" "$1" | "$XM_PYTHON" -c '
import re, sys
s = [0, 0, 0, 0]
for line in sys.stdin:
    m = re.search(r"(\d+) BA sent", line)
    s[0] += int(m.group(1)) if m else 0
    m = re.search(r"\baccepted (\d+)", line)
    s[1] += int(m.group(1)) if m else 0
    m = re.search(r"bindings (\d+) new, (\d+) refreshed", line)
    if m:
        s[2] += int(m.group(1))
        s[3] += int(m.group(2))
print(*s)'
}
