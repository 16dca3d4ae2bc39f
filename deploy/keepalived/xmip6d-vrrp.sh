#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# xmip6d-vrrp.sh TRACK_FILE SOCKET XMIP6D [ARGS...] - run xmip6d and tell
# keepalived (a track_file with weight 0, keepalived.conf.example) whether
# this home agent may hold the virtual home agent address:
#
#   254 (fault)  from the start until the daemon answers on its control
#                socket SOCKET: attached, and with a cluster section done
#                with its first read of etcd (docs/cluster.md); with
#                XMIP6_METRICS=URL (its metrics endpoint) also until it
#                reports xmip6_cluster_store_up 1, so that a home agent
#                restarted while etcd is unreachable stays out (at the
#                price of no takeover by it until etcd is back);
#   0 (ok)       while it runs;
#   254 (fault)  the moment it exits, however (kill -9 included: the shell's
#                wait returns at once), so the address moves to another home
#                agent within one VRRP advertisement interval.
#
# keepalived reads the file on every write (inotify). Exits with xmip6d's
# status; the supervisor (systemd, the kubelet) restarts it.
set -u
track=$1
sock=$2
shift 2
ctl=${XMIP6CTL:-xmip6ctl}

echo 254 >"$track"
"$@" &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null' TERM INT HUP
ready() {
	"$ctl" -s "$sock" stats show >/dev/null 2>&1 || return 1
	[ -z "${XMIP6_METRICS:-}" ] ||
		curl -gsf --max-time 2 "$XMIP6_METRICS" | grep -qxE 'xmip6_cluster_store_up(\{\})? 1'
}
until ready; do
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
kill -0 "$pid" 2>/dev/null && echo 0 >"$track"
while :; do
	wait "$pid"
	rc=$?
	# A trapped signal ends wait early: wait again while xmip6d runs.
	kill -0 "$pid" 2>/dev/null || break
done
echo 254 >"$track"
exit "$rc"
