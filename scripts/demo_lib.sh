# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# demo_lib.sh - what the demos share (scripts/demo.sh, scripts/demo_nemo.sh,
# scripts/demo-static.sh): a bold step title, an indented line, a failure
# that shows the tails of the MN's (or MR's) and HA's logs, the checks
# before a start, and the TCP stream's result. Source it after
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

# demo_tcp_result CLIENT SERVER: wait for the stream's two ends; then sent
# and got (the first 16 hex digits of each sha256), bytes (what arrived)
# and tcp_ok (yes: the client ended well and the two are equal).
# shellcheck disable=SC2034 # sent, got, bytes and tcp_ok are for the demos
demo_tcp_result() {
	local client_rc
	xm_wait_pid "$1" 60
	client_rc=$?
	xm_wait_pid "$2" 10
	sent=$(sha256sum <"$XM_TMP/stream.data" | cut -c1-16)
	got=$(sha256sum <"$XM_TMP/stream.rx" | cut -c1-16)
	bytes=$(stat -c %s "$XM_TMP/stream.rx" 2>/dev/null || echo 0)
	tcp_ok=no
	[ "$client_rc" = 0 ] && [ "$sent" = "$got" ] && tcp_ok=yes
}

# The moving node's (role mn) home entry in its Binding Update List: a key
# of it; whether its state is @1; whether it is registered with a care-of
# address starting with @1. A daemon's data-plane counter @2 of role @1.
bul() { xm_dctl mn -j bul show | jget "d['bul'][0]$1"; }
state_is() { [ "$(bul "['state']" 2>/dev/null)" = "$1" ]; }
coa_in() {
	local c
	c=$(bul "['care_of_addr']" 2>/dev/null) && state_is registered && [ "${c#"$1"}" != "$c" ]
}
dp_stat() { xm_dctl "$1" -j stats show | jget "d['dataplane']['$2']"; }

# demo_start PREFIX: root, the binaries and the tools the roaming demos use,
# then xm_init with PREFIX for the namespaces' names.
demo_start() {
	local tool
	[ "$(id -u)" -eq 0 ] || fail "run as root (namespaces, BPF)"
	[ -x "$XM_CTL_BIN" ] && [ -x "$XM_D_BIN" ] || fail "xmip6ctl/xmip6d missing: run make"
	for tool in bpftool ethtool socat radvd ping; do
		command -v "$tool" >/dev/null || fail "$tool is not installed (scripts/install-deps.sh)"
	done
	xm_init "$1"
}
