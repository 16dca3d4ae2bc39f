# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# demo_lib.sh - what the demos print with (scripts/demo.sh,
# scripts/demo_nemo.sh): a bold step title, an indented line, and a failure
# that shows the tails of the MN's (or MR's) and HA's logs. Source it after
# scripts/topology.sh.

if [ -t 1 ]; then
	B=$(printf '\033[1m')
	N=$(printf '\033[0m')
else
	B=
	N=
fi

step() {
	echo
	echo "${B}== $*${N}"
}

say() { echo "   $*"; }

fail() {
	echo "demo failed: $*" >&2
	for f in "$XM_TMP"/mn.log "$XM_TMP"/ha.log; do
		[ -f "$f" ] && { echo "--- $f" >&2; tail -n 15 "$f" >&2; }
	done
	exit 1
}
