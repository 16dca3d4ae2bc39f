#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# reg_pinned.sh TREE NODES SECONDS WINDOW [LOG_LEVEL] - the registration
# benchmark of `make bench` (bench.sh, section register) for one build,
# with the home agent pinned to CPU 1 and xmreg to CPU 0, so that two
# builds (TREE: a checkout with build/xmip6d, build/xmip6ctl and
# build/bench/xmreg) can be compared side by side in one session:
#
#   for t in /tmp/before /path/to/after; do bench/reg_pinned.sh $t 40000 3 64; done
#
# Prints xmreg's JSON lines ("item": "register", one a phase) and a
# "check" line: the HA's CPU time over the run, sig_ring_full, its log
# lines, RSS, and the pinned maps' bytes_memlock. PERF=FILE records
# `perf record -g` of the daemon; KEEPLOG=FILE keeps its log.
# WORKERS=N sets the HA's signal-workers (default: the setting's default,
# one), HA_CPUS the CPUs it is pinned to (default 1; "0,1" for two cores:
# xmreg stays on CPU 0 and shares it then). FORGE_RATE=R adds a second
# generator (xmreg forge, CPU 0) sending forged BUs (authenticator wrong)
# at R a second through the whole run; its "forge" line counts what it
# sent and the answers it got (none may carry a valid authenticator).
# xmreg's own settings pass through the environment: XMREG_SPIN=1 (poll
# without sleeping: no wake-up of it charged to the HA's core), XMREG_RATE=R
# (the open loops' percentages of R, not of the closed loop's rate).
set -u
TREE=$(cd "$1" && pwd) || exit 2
N=$2 SECS=$3 WIN=$4 LVL=${5:-info}
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2
# The rig from this checkout, the programs from TREE's (xmreg too, unless XMREG names one).
XMREG=${XMREG:-$TREE/build/bench/xmreg} # the same generator for both builds: XMREG=
# shellcheck source=scripts/topology.sh
. scripts/topology.sh
XM_ROLES="rmn rha" # xm_cleanup unloads their instances
XM_D_BIN=$TREE/build/xmip6d
XM_CTL_BIN=$TREE/build/xmip6ctl
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# The event loop's thread alone (its task id is the process's): the serial part.
loop_ticks() { awk '{print $14 + $15}' "/proc/$1/task/$1/stat"; }

xm_init "xr$$-"
xm_reg_rig || exit 1
conf=$XM_TMP/rha.conf
xm_reg_conf "$N" "$LVL" "${WORKERS:+signal-workers = $WORKERS;}" >"$conf" &&
	chmod 600 "$conf" || exit 1
t0=$(date +%s%N)
nsenter --net="/run/netns/$(xm_ns rha)" taskset -c "${HA_CPUS:-1}" "$XM_D_BIN" -c "$conf" </dev/null \
	>"$XM_TMP/ha.log" 2>&1 &
PID=$!
XM_PIDS+=("$PID")
xm_retry 3000 0.1 test -S "$XM_TMP/rha.sock" || {
	cat "$XM_TMP/ha.log"
	exit 1
}
echo "# started in $((($(date +%s%N) - t0) / 1000000)) ms"
c0=$(cpu_ticks "$PID")
m0=$(loop_ticks "$PID")
w0=$(date +%s%N)
if [ -n "${PERF:-}" ]; then
	perf record -q -e cpu-clock -g -p "$PID" -o "$PERF" &
	PERF_PID=$!
	XM_PIDS+=("$PERF_PID")
fi
if [ -n "${FORGE_RATE:-}" ]; then
	ip netns exec "$(xm_ns rmn)" taskset -c 0 timeout 900 "$XMREG" forge l0 "$(xm_mac rha h0)" \
		"$XM_REG_HA" "$XM_REG_COA" "$N" "$FORGE_RATE" 890 >"$XM_TMP/forge.json" &
	FORGE_PID=$!
	XM_PIDS+=("$FORGE_PID")
fi
ip netns exec "$(xm_ns rmn)" taskset -c 0 timeout 900 "$XM_REG_BIN" run l0 "$(xm_mac rha h0)" \
	"$XM_REG_HA" "$XM_REG_COA" "$N" "$SECS" "$WIN" "${PCTS:-10,50,100}"
if [ -n "${PERF:-}" ]; then
	kill -INT "$PERF_PID"
	xm_wait_pid "$PERF_PID" 30
fi
c1=$(cpu_ticks "$PID")
m1=$(loop_ticks "$PID")
w1=$(date +%s%N)
if [ -n "${FORGE_RATE:-}" ]; then
	kill -TERM "$FORGE_PID"
	xm_wait_pid "$FORGE_PID" 10
	cat "$XM_TMP/forge.json"
	# What the daemon counted: refusals sent (the error budget's) and kept back.
	xm_dctl rha -j stats show | "$XM_PYTHON" -c 'import json, sys
d = json.load(sys.stdin)
print(json.dumps({"item": "forge_ha", "auth_fail_sent": d["ba_status"]["sent"].get("auth_fail", 0),
    "errors_ratelimited": d["icmpv6"]["errors_ratelimited"]}))'
fi
printf '{"item":"check","workers":"%s","ha_cpus":"%s","wall_s":%s,"ha_cpu_s":%s,"loop_cpu_s":%s,"sig_ring_full":%s,"log_lines":%s,"rss_kb":%s,"maps_kb":%s}\n' \
	"${WORKERS:-1}" "${HA_CPUS:-1}" "$(((w1 - w0) / 1000000))e-3" "$(((c1 - c0) * 1000 / $(getconf CLK_TCK)))e-3" \
	"$(((m1 - m0) * 1000 / $(getconf CLK_TCK)))e-3" "$(xm_stat rha sig_ring_full)" \
	"$(wc -l <"$XM_TMP/ha.log")" "$(awk '/VmRSS/ {print $2}' "/proc/$PID/status")" "$(xm_maps_kb rha)"
[ -n "${KEEPLOG:-}" ] && cp "$XM_TMP/ha.log" "$KEEPLOG"
kill -TERM "$PID"
xm_wait_pid "$PID" 10
