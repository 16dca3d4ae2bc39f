#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_startup_log.sh - with log = "syslog", why xmip6d failed to start is
# always on its stderr, syslog or not.
#
# Each run is in a private mount namespace whose /dev is a directory of the
# test's: /dev/null and, when a check wants one, /dev/log as a datagram
# socket read by a Python listener (the independent witness of what reached
# syslog). Without it glibc's syslog() has nowhere to write and says nothing.
#  - a configuration naming an interface that does not exist, with and
#    without -d, no syslog socket: exit 1 and the reason on stderr;
#  - the same with a syslog socket: the reason in both places;
#  - a good start: stderr has everything up to "running" and nothing after
#    (the "stopping" line reaches syslog only).
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
# shellcheck source=scripts/topology.sh
. scripts/topology.sh
# shellcheck source=selftests/lib/tap.sh
. selftests/lib/tap.sh

KEY=00112233445566778899aabbccddeeff

# conf NAME IFACE: the rig's home agent (xm_write_confs) on IFACE, logging to syslog.
conf() {
	XM_HA_IF=$2 xm_write_confs "$KEY" info || return 1
	(umask 077 && sed '1i log = "syslog";' "$XM_TMP/ha.conf" >"$XM_TMP/$1.conf")
}

# The /dev the daemon sees: /dev/null (bound in the private namespace) only.
make_dev() {
	rm -rf "$XM_TMP/dev"
	mkdir "$XM_TMP/dev" && touch "$XM_TMP/dev/null"
}

# syslog_start: a listener on $XM_TMP/dev/log (the daemon's /dev/log),
# every datagram a line of $XM_TMP/syslog.txt.
syslog_start() {
	: >"$XM_TMP/syslog.txt"
	xm_bg - timeout 60 "$XM_PYTHON" -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
out = open(sys.argv[2], "a")
while True:
    out.write(s.recv(65536).decode(errors="replace").rstrip("\n") + "\n")
    out.flush()
' "$XM_TMP/dev/log" "$XM_TMP/syslog.txt"
	SYSLOG_PID=$XM_LAST_PID
	xm_retry 50 0.1 test -S "$XM_TMP/dev/log"
}

syslog_stop() {
	kill "$SYSLOG_PID" 2>/dev/null
	wait "$SYSLOG_PID" 2>/dev/null
	return 0
}

# daemon_in_ns NAME ARGS...: xmip6d -c NAME.conf ARGS in the HA's network
# namespace and a private mount namespace whose /dev is $XM_TMP/dev; its
# stderr in $XM_TMP/NAME.err. Runs in the background; sets D_PID.
daemon_in_ns() {
	local name=$1
	shift
	xm_bg - timeout 60 unshare -m --propagation private bash -c '
		dev=$1 ns=$2 out=$3
		shift 3
		mount --bind /dev/null "$dev/null" && mount --rbind "$dev" /dev || exit 99
		exec nsenter --net="/run/netns/$ns" "$@" </dev/null >"$out.out" 2>"$out.err"
	' _ "$XM_TMP/dev" "$(xm_ns ha)" "$XM_TMP/$name" "$XM_D_BIN" -c "$XM_TMP/$name.conf" "$@"
	D_PID=$XM_LAST_PID
}

# fails_visibly NAME ARGS...: a start that fails; exit 1, the reason on stderr.
fails_visibly() {
	local name=$1 rc
	shift
	daemon_in_ns "$name" "$@"
	xm_wait_pid "$D_PID" 30
	rc=$?
	echo "exit status $rc; stderr:"
	cat "$XM_TMP/$name.err"
	[ "$rc" = 1 ] && grep -q 'interface nosuch0: no such device' "$XM_TMP/$name.err"
}

no_syslog_fails_visibly() { make_dev && fails_visibly "$@"; }

both_places() {
	make_dev && syslog_start || return 1
	fails_visibly bad
	local rc=$?
	syslog_stop
	echo "syslog got:"
	cat "$XM_TMP/syslog.txt"
	[ "$rc" = 0 ] && grep -q 'xmip6d.*interface nosuch0: no such device' "$XM_TMP/syslog.txt"
}

# A good start: stderr up to "running", syslog all of it.
stderr_until_running() {
	local rc=0
	make_dev && syslog_start || return 1
	daemon_in_ns good
	xm_daemon_up "$D_PID" "$XM_TMP/ha.sock" || rc=1
	kill -TERM "$D_PID" 2>/dev/null
	xm_wait_pid "$D_PID" 10 || rc=1
	xm_retry 20 0.1 grep -q stopping "$XM_TMP/syslog.txt"
	syslog_stop
	echo "stderr:"
	cat "$XM_TMP/good.err"
	echo "syslog:"
	cat "$XM_TMP/syslog.txt"
	[ "$rc" = 0 ] && grep -q running "$XM_TMP/good.err" && ! grep -q stopping "$XM_TMP/good.err" &&
		grep -q running "$XM_TMP/syslog.txt" && grep -q stopping "$XM_TMP/syslog.txt"
}

rig_up() {
	xm_add_ns ha || return 1
	ip -n "$(xm_ns ha)" link add eth0 type veth peer name eth1 &&
		ip -n "$(xm_ns ha)" link set eth0 up && ip -n "$(xm_ns ha)" link set eth1 up &&
		xm_addr ha eth0 "$XM_HA_ADDR/64"
}

xm_init
t_fatal "a namespace with one interface" rig_up
conf bad nosuch0
conf good eth0
t "no syslog socket, -d: a failed start says why on stderr" no_syslog_fails_visibly bad -d
t "no syslog socket, no -d: a failed start says why on stderr" no_syslog_fails_visibly bad
t "with a syslog socket: the reason on stderr and in syslog" both_places
t "a good start: stderr until running, syslog alone after" stderr_until_running
finish
