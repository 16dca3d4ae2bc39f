#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_sd_notify.sh - xmip6d as the systemd unit runs it (dist/xmip6d.service.in),
# without systemd: a home agent in a namespace of the test's,
#  - with exactly the capabilities of the unit's CapabilityBoundingSet
#    (setpriv: bounding set, no inheritable), it starts, attaches XDP (the
#    kernel's `ip link` says so) and runs with that effective set
#    (/proc/PID/status CapEff against the bit numbers of linux/capability.h);
#    without any one of them it refuses to start, saying why on stderr;
#  - it tells a NOTIFY_SOCKET listener (a Python datagram socket that takes
#    the sender's PID from SCM_CREDENTIALS, as systemd does for
#    NotifyAccess=main) READY=1 once running, RELOADING=1 (with
#    MONOTONIC_USEC) then READY=1 around SIGHUP, STOPPING=1 on SIGTERM, each
#    from the daemon's own PID;
#  - with JOURNAL_STREAM naming its stderr, every line starts with its
#    syslog priority ("<5>" for the notice "running", RFC 5424 severities).
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
# shellcheck source=scripts/topology.sh
. scripts/topology.sh
# shellcheck source=selftests/lib/tap.sh
. selftests/lib/tap.sh

KEY=00112233445566778899aabbccddeeff
UNIT_IN=dist/xmip6d.service.in
# linux/capability.h
declare -A CAP_BIT=([CAP_NET_ADMIN]=12 [CAP_NET_RAW]=13 [CAP_SYS_ADMIN]=21 [CAP_PERFMON]=38
	[CAP_BPF]=39)

unit_caps() { sed -n 's/^CapabilityBoundingSet=//p' "$UNIT_IN"; }

# setpriv's list: "+bpf,+net_admin,..." for the capabilities given.
setpriv_caps() {
	local c out=
	for c in "$@"; do
		c=${c#CAP_}
		out+=",+${c,,}"
	done
	echo "${out#,}"
}

rig_up() {
	xm_add_ns ha || return 1
	ip -n "$(xm_ns ha)" link add eth0 type veth peer name eth1 &&
		ip -n "$(xm_ns ha)" link set eth0 up && ip -n "$(xm_ns ha)" link set eth1 up &&
		xm_addr ha eth0 "$XM_HA_ADDR/64" && xm_write_confs "$KEY" info
}

notify_start() {
	: >"$XM_TMP/notify.txt"
	rm -f "$XM_TMP/notify.sock"
	xm_bg - timeout 120 "$XM_PYTHON" -c '
import socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
s.bind(sys.argv[1])
out = open(sys.argv[2], "a")
while True:
    msg, anc, _, _ = s.recvmsg(4096, socket.CMSG_SPACE(12))
    pid = 0
    for level, kind, data in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
            pid = struct.unpack("iII", data[:12])[0]
    out.write("%d %s\n" % (pid, msg.decode(errors="replace").replace("\n", " ")))
    out.flush()
' "$XM_TMP/notify.sock" "$XM_TMP/notify.txt"
	xm_retry 50 0.1 test -S "$XM_TMP/notify.sock"
}

# daemon_start NAME CAPS...: the home agent with only CAPS, NOTIFY_SOCKET and
# JOURNAL_STREAM set, stderr in $XM_TMP/NAME.err; sets D_PID (nsenter and
# setpriv exec: the daemon's own PID).
daemon_start() {
	local name=$1 err
	shift
	err=$XM_TMP/$name.err
	: >"$err"
	rm -f "$XM_TMP/ha.sock"
	NOTIFY_SOCKET=$XM_TMP/notify.sock JOURNAL_STREAM=$(stat -c '%d:%i' "$err") \
		nsenter --net="/run/netns/$(xm_ns ha)" \
		setpriv --inh-caps=-all --bounding-set="-all,$(setpriv_caps "$@")" -- \
		"$XM_D_BIN" -c "$XM_TMP/ha.conf" </dev/null >/dev/null 2>>"$err" &
	D_PID=$!
	XM_PIDS+=("$D_PID")
}

notified() { grep -q "^$D_PID $1" "$XM_TMP/notify.txt"; }

runs_with_unit_caps() {
	local caps want=0 c eff
	read -ra caps <<<"$(unit_caps)"
	echo "unit: ${caps[*]}"
	[ "${#caps[@]}" -gt 0 ] || return 1
	for c in "${caps[@]}"; do
		[ -n "${CAP_BIT[$c]:-}" ] || { echo "unknown capability $c"; return 1; }
		want=$((want | 1 << CAP_BIT[$c]))
	done
	daemon_start good "${caps[@]}"
	xm_retry 100 0.1 notified READY=1 || { cat "$XM_TMP/good.err"; return 1; }
	eff=$(sed -n 's/^CapEff:[[:space:]]*//p' "/proc/$D_PID/status")
	printf 'CapEff %s, want %016x\n' "$eff" "$want"
	[ $((16#$eff)) -eq "$want" ] || return 1
	test -S "$XM_TMP/ha.sock" && ip -n "$(xm_ns ha)" -d link show eth0 | grep -q 'prog/xdp'
}

reload_notifies() {
	local before
	before=$(grep -c "^$D_PID READY=1" "$XM_TMP/notify.txt")
	kill -HUP "$D_PID" || return 1
	xm_retry 100 0.1 xm_lines_above "$before" "$XM_TMP/notify.txt" "^$D_PID READY=1"
	cat "$XM_TMP/notify.txt"
	# RELOADING=1 (with its clock) comes after the first READY=1, before the next.
	grep -A1 "^$D_PID RELOADING=1 MONOTONIC_USEC=[0-9]" "$XM_TMP/notify.txt" |
		grep -q "^$D_PID READY=1" &&
		grep -n "^$D_PID" "$XM_TMP/notify.txt" | head -1 | grep -q 'READY=1'
}

stop_notifies() {
	kill -TERM "$D_PID" || return 1
	xm_wait_pid "$D_PID" 20 || return 1
	xm_retry 50 0.1 notified STOPPING=1
}

stderr_has_priorities() {
	cat "$XM_TMP/good.err"
	grep -q '^<5>xmip6d: running' "$XM_TMP/good.err" &&
		! grep -qv '^<[0-7]>xmip6d: ' "$XM_TMP/good.err"
}

# Without CAP: exit 1, the reason on stderr, no READY=1.
needs_cap() {
	local without=$1 caps=() c rc
	for c in $(unit_caps); do
		[ "$c" = "$without" ] || caps+=("$c")
	done
	"$XM_CTL_BIN" -p "$(xm_pin ha)" unload >/dev/null 2>&1
	daemon_start "no_$without" "${caps[@]}"
	xm_wait_pid "$D_PID" 30
	rc=$?
	echo "exit $rc"
	cat "$XM_TMP/no_$without.err"
	[ "$rc" = 1 ] && ! notified READY=1 && grep -qiE 'not permitted|denied' "$XM_TMP/no_$without.err"
}

xm_init
command -v setpriv >/dev/null || xm_die "setpriv (util-linux) missing"
t_fatal "a namespace with one interface" rig_up
t_fatal "a NOTIFY_SOCKET listener" notify_start
t_fatal "with the unit's capabilities only: READY=1, attached, CapEff that set" runs_with_unit_caps
t "SIGHUP: RELOADING=1 then READY=1 from the daemon's PID" reload_notifies
t "SIGTERM: STOPPING=1, exit 0" stop_notifies
t "stderr as the journal: every line has its priority" stderr_has_priorities
for cap in $(unit_caps); do
	t "without $cap the start fails, saying why" needs_cap "$cap"
done
finish
