#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# cluster.sh RAW - `make bench` section cluster (bench/bench.sh): home
# registrations through home agents sharing their binding cache in etcd
# (docs/cluster.md), side by side in one run:
#
#   alone     one xmip6d home agent without a cluster section
#   cluster1  the same home agent in a cluster (3-member etcd, TLS)
#   cluster3  three home agents of one cluster, one generator each
#             (bench/xmreg.c, XMREG_FIRST: disjoint thirds of the nodes),
#             all talking to member e1 (the same endpoint list)
#   cluster3-spread  the same, haI's endpoint list starting at member eI:
#             each member serves one home agent's requests and watch
#
# For each: every node registers once, then the sustained rate (closed loop,
# BENCH_REG_WINDOW outstanding, BENCH_CLUSTER_SECONDS) and the BU -> BA
# latency in an open loop at 10 % of that rate (p50, p99). One JSON line
# per case ("item": "cluster") appended to RAW, with the exact commands,
# and where the CPU went over the generators' run: the CPU seconds of etcd's
# leader, of its followers, of the home agents (/proc/PID/stat), of the
# generators (their shell's `times`), each per BA received, and how many of
# the machine's CPUs were busy (/proc/stat, whatever ran).
# The etcd cluster and the rig are selftests/lib/cluster_rig.sh's (etcd
# data in /dev/shm); each home agent also has a direct link from its
# generator, as in the register section (scripts/topology.sh xm_reg_rig).
#
# With BENCH_CLUSTER_BASE=PATH (another build's xmip6d, e.g. the commit
# before a change), cluster1 and cluster3 run again with that daemon, as
# cases cluster1-base and cluster3-base: before and after in one run.
#
# With BENCH_CLUSTER_ETCD_PERF=LOAD (s, m, l or xl), etcd alone: `etcdctl
# check perf --load LOAD` (60 s of puts from etcdctl's own gRPC clients, no
# home agent) on the same members after the cases, as case etcd-perf-LOAD:
# the writes per second the members take on this machine, and their CPU.
#
# Environment: BENCH_CLUSTER_NODES (3000), BENCH_CLUSTER_SECONDS (3),
# BENCH_REG_WINDOW (64), BENCH_CLUSTER_BASE (none), BENCH_CLUSTER_ETCD_PERF
# (none).
set -u
cd "$(dirname "$0")/.." || exit 1
RAW=$1
# shellcheck source=selftests/lib/cluster_rig.sh
. selftests/lib/cluster_rig.sh

N=${BENCH_CLUSTER_NODES:-3000}
SECS=${BENCH_CLUSTER_SECONDS:-3}
WINDOW=${BENCH_REG_WINDOW:-64}
REG=$XM_BUILD/bench/xmreg
COA=2001:db8:c0a::100
declare -A GEN_OUT

for t in etcd etcdctl openssl; do
	if ! command -v "$t" >/dev/null; then
		"$XM_PYTHON" -c 'import json,sys; print(json.dumps({"item": "skip", "section": "cluster", "what": "all", "why": sys.argv[1]}))' \
			"$t not installed (Debian etcd-server, etcd-client, openssl)" >>"$RAW"
		echo "bench: cluster: skipped: $t not installed" >&2
		exit 0
	fi
done

# gen_link I: generator namespace gI straight to haI (h0), as xm_reg_rig.
gen_link() {
	local i=$1
	xm_add_ns "g$i" && xm_link "g$i" l0 "ha$i" h0 &&
		xm_exec "g$i" sysctl -qw net.ipv6.conf.l0.disable_ipv6=1 &&
		xm_addr "ha$i" h0 2001:db8:c0a::1/64 &&
		ip -n "$(xm_ns "ha$i")" -6 neigh add "$COA" lladdr "$(xm_mac "g$i" l0)" dev h0 \
			nud permanent
}

# body NAME FIRST: what goes in home-agent besides the rig's lines: the
# binding cache's size, the cluster NAME ("": none) with its endpoints from
# member FIRST on, xmreg's N mobile nodes.
body() {
	echo "  max-bindings = $((N + 16));"
	[ -n "$1" ] && cl_cluster_group "$1" "$2"
	"$REG" conf "$N" | sed 's/^/  /'
}

# conf HA NAME [FIRST]: HA's configuration for N nodes, in cluster NAME
# ("" alone), talking to member FIRST (default 1).
conf() { cl_conf_write "$1" notice 2001:db8:100::/64 '[ "eth0", "h0" ];' body "$2" "${3:-1}"; }

# start_ha HA NAME [FIRST]
start_ha() {
	local pid
	if ! conf "$1" "$2" "${3:-1}" || ! xm_start_daemon "$1" pid; then
		echo "bench: cluster: $1 did not start:" >&2
		tail -n 5 "$XM_TMP/$1.log" >&2
		return 1
	fi
	CL_PID[$1]=$pid
	xm_retry 1800 0.1 test -S "$XM_TMP/$1.sock"
}

stop_ha() {
	[ -n "${CL_PID[$1]:-}" ] || return 0
	kill -TERM "${CL_PID[$1]}" 2>/dev/null
	xm_wait_pid "${CL_PID[$1]}" 20
	CL_PID[$1]=
	xm_ctl "$1" unload >/dev/null 2>&1
	return 0
}

# gen I FIRST COUNT OUT: xmreg from gI against haI, nodes FIRST.. (COUNT);
# OUT.times: the CPU it used (a subshell's `times`: its children's line).
gen() {
	local i=$1 cmd
	cmd="XMREG_FIRST=$2 xmreg run l0 MAC $(cl_ha_addr "ha$i") $COA $3 $SECS $WINDOW 10"
	printf '{"item":"cmd","cmd":"%s"}\n' "$cmd" >>"$RAW"
	(
		XMREG_FIRST=$2 ip netns exec "$(xm_ns "g$i")" timeout 300 "$REG" run l0 \
			"$(xm_mac "ha$i" h0)" "$(cl_ha_addr "ha$i")" "$COA" "$3" "$SECS" "$WINDOW" 10 >"$4"
		st=$?
		times >"$4.times"
		exit $st
	)
}

# ticks PID: its CPU time, user + system, in clock ticks (0: gone).
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }

# cpu_snap OUT HA...: the time, the machine's CPU counters (/proc/stat's cpu
# line), which etcd member leads (etcd's word), each member's ticks and
# each HA's.
cpu_snap() {
	local out=$1 n
	shift
	{
		echo "machine $(date +%s.%N) $(sed -n 's/^cpu  //p' /proc/stat)"
		echo "leader $(cl_leader 2>/dev/null || echo 0)"
		for n in 1 2 3; do
			echo "etcd$n $(ticks "${CL_EPID[$n]}")"
		done
		for n in "$@"; do
			echo "xmip6d $(ticks "${CL_PID[$n]}")"
		done
	} >"$out"
}

# record CASE HAS OUT...: one "cluster" line from the generators' outputs
# (and OUT.times) and the CPU snapshots $XM_TMP/cpu.0 and cpu.1 around them.
record() {
	local case=$1 has=$2
	shift 2
	"$XM_PYTHON" - "$case" "$has" "$N" "$(getconf CLK_TCK)" "$XM_TMP/cpu.0" "$XM_TMP/cpu.1" \
		"$@" >>"$RAW" <<'PY'
import json, re, sys
case, has, n, hz = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
snaps, outs = sys.argv[5:7], sys.argv[7:]
gens = []
for path in outs:
    with open(path) as f:
        gens.append({r["phase"]: r for r in map(json.loads, filter(str.strip, f))
                     if r.get("item") == "register"})
closed = [g["closed"] for g in gens]
opened = [g["open10"] for g in gens]
def snap(path):
    s = {"xmip6d": 0}
    for line in open(path):
        k, *v = line.split()
        if k == "machine":
            s["t"], cpu = float(v[0]), [int(x) for x in v[1:]]
            s["busy"], s["all"] = sum(cpu) - cpu[3] - cpu[4], sum(cpu)
        elif k == "xmip6d":
            s["xmip6d"] += int(v[0])
        else:
            s[k] = int(v[0])
    return s
a, b = snap(snaps[0]), snap(snaps[1])
lead = "etcd%d" % b["leader"]
cpu = {"etcd_leader": (b.get(lead, 0) - a.get(lead, 0)) / hz,
       "etcd_followers": sum(b["etcd%d" % i] - a["etcd%d" % i] for i in (1, 2, 3)
                             if "etcd%d" % i != lead) / hz,
       "xmip6d": (b["xmip6d"] - a["xmip6d"]) / hz, "xmreg": 0.0}
for path in outs:  # bash's `times`: the children's line, "0m1.234s 0m0.567s"
    kids = open(path + ".times").read().split("\n")[1]
    cpu["xmreg"] += sum(int(m) * 60 + float(s) for m, s in re.findall(r"(\d+)m([\d.]+)s", kids))
bas = sum(g[p]["ba"] for g in gens for p in g)
wall = b["t"] - a["t"]
print(json.dumps({"item": "cluster", "case": case, "home_agents": has, "nodes": n,
                  "cpu_s": {k: round(v, 2) for k, v in cpu.items()},
                  "cpu_ms_per_ba": {k: round(1000 * v / max(bas, 1), 3) for k, v in cpu.items()},
                  "bas": bas, "wall_s": round(wall, 2), "leader": b["leader"],
                  "etcd_members_cpu_s": [round((b["etcd%d" % i] - a["etcd%d" % i]) / hz, 2)
                                         for i in (1, 2, 3)],
                  "machine_busy_cpus": round((b["busy"] - a["busy"]) / hz / wall, 2),
                  "rate_per_s": round(sum(c["rate_per_s"] for c in closed)),
                  "refused": sum(g[p]["refused"] for g in gens for p in g),
                  "statuses": {s: sum(int(g[p]["statuses"].get(s, 0)) for g in gens for p in g)
                               for s in {s for g in gens for p in g for s in g[p]["statuses"]}},
                  "p50_ms": max(o["lat_ms"]["p50"] for o in opened),
                  "p99_ms": max(o["lat_ms"]["p99"] for o in opened),
                  "offered_open_per_s": round(sum(o["offered_per_s"] for o in opened))}))
PY
}

bench() {
	local i
	CL_DATA=$(mktemp -d "/dev/shm/${XM_PFX}etcd.XXXXXX") || return 1
	cl_certs && cl_topo_up || return 1
	for i in 1 2 3; do
		gen_link "$i" || return 1
	done
	cl_etcd_start 1 && cl_etcd_start 2 && cl_etcd_start 3 &&
		xm_retry 100 0.2 cl_healthy || return 1
	echo "bench: cluster: $N nodes, ${SECS}s per phase, window $WINDOW" >&2

	start_ha ha1 "" && cpu_snap "$XM_TMP/cpu.0" ha1 && gen 1 0 "$N" "$XM_TMP/alone.out" &&
		cpu_snap "$XM_TMP/cpu.1" ha1 && stop_ha ha1 || return 1
	record alone 1 "$XM_TMP/alone.out" || return 1

	clustered "" || return 1
	[ -z "${BENCH_CLUSTER_ETCD_PERF:-}" ] || etcd_perf "$BENCH_CLUSTER_ETCD_PERF" || return 1
	[ -z "${BENCH_CLUSTER_BASE:-}" ] && return 0
	printf '{"item":"cmd","cmd":"cases *-base: XMIP6D=%s"}\n' "$BENCH_CLUSTER_BASE" >>"$RAW"
	XM_D_BIN=$BENCH_CLUSTER_BASE clustered -base
}

# etcd_perf LOAD: etcdctl check perf against the rig's members, its verdict
# lines and the members' CPU seconds as case etcd-perf-LOAD.
etcd_perf() {
	local out=$XM_TMP/perf.out cmd
	cmd="etcdctl check perf --load $1 (3 members, TLS, client certificates)"
	printf '{"item":"cmd","cmd":"%s"}\n' "$cmd" >>"$RAW"
	cpu_snap "$XM_TMP/cpu.0" || return 1
	ip netns exec "$(xm_ns st)" timeout 200 env ETCDCTL_API=3 etcdctl \
		--endpoints "https://[2001:db8:e::1]:2379,https://[2001:db8:e::2]:2379,https://[2001:db8:e::3]:2379" \
		--cacert "$XM_TMP/pki/ca.pem" --cert "$XM_TMP/pki/client.pem" \
		--key "$XM_TMP/pki/client.key" check perf --load "$1" --auto-compact >"$out" 2>&1
	cpu_snap "$XM_TMP/cpu.1" || return 1
	"$XM_PYTHON" - "$1" "$(getconf CLK_TCK)" "$XM_TMP/cpu.0" "$XM_TMP/cpu.1" "$out" \
		>>"$RAW" <<'PY'
import json, re, sys
load, hz, snaps, out = sys.argv[1], int(sys.argv[2]), sys.argv[3:5], sys.argv[5]
def snap(path):
    s = {}
    for line in open(path):
        k, *v = line.split()
        s[k] = [float(x) for x in v]
    return s
a, b = snap(snaps[0]), snap(snaps[1])
wall = b["machine"][0] - a["machine"][0]
text = open(out).read()
m = re.search(r"(\d+) writes/s", text)  # "Throughput is N" or "too low: N"
busy = lambda s: sum(s["machine"][1:]) - s["machine"][4] - s["machine"][5]
print(json.dumps({"item": "etcd_perf", "case": "etcd-perf-" + load,
                  "writes_per_s": int(m.group(1)) if m else None,
                  "verdicts": [l.strip() for l in text.splitlines()
                               if l.startswith(("PASS", "FAIL"))],
                  "etcd_members_cpu_s": [round((b["etcd%d" % i][0] - a["etcd%d" % i][0]) / hz, 2)
                                         for i in (1, 2, 3)],
                  "leader": int(b["leader"][0]), "wall_s": round(wall, 2),
                  "machine_busy_cpus": round((busy(b) - busy(a)) / hz / wall, 2)}))
PY
}

# clustered SUFFIX: cases cluster1SUFFIX, cluster3SUFFIX and
# cluster3-spreadSUFFIX, each in a cluster of its own name (keys not shared
# with another case).
clustered() {
	local sfx=$1 name=${1#-}
	start_ha ha1 "one$name" && cpu_snap "$XM_TMP/cpu.0" ha1 && gen 1 0 "$N" "$XM_TMP/c1.out" &&
		cpu_snap "$XM_TMP/cpu.1" ha1 && stop_ha ha1 || return 1
	record "cluster1$sfx" 1 "$XM_TMP/c1.out" || return 1
	three "cluster3$sfx" "three$name" 1 1 1 &&
		three "cluster3-spread$sfx" "spread$name" 1 2 3
}

# three CASE NAME F1 F2 F3: three home agents in cluster NAME, haI talking
# to member FI, a generator each.
three() {
	local case=$1 name=$2 i third
	shift 2
	third=$((N / 3))
	start_ha ha1 "$name" "$1" && start_ha ha2 "$name" "$2" && start_ha ha3 "$name" "$3" ||
		return 1
	cpu_snap "$XM_TMP/cpu.0" ha1 ha2 ha3 || return 1
	for i in 1 2 3; do
		gen "$i" $(((i - 1) * third)) "$third" "$XM_TMP/c3.$i.out" &
		GEN_OUT[$i]=$!
		XM_PIDS+=("${GEN_OUT[$i]}")
	done
	for i in 1 2 3; do
		xm_wait_pid "${GEN_OUT[$i]}" 300 || return 1
	done
	cpu_snap "$XM_TMP/cpu.1" ha1 ha2 ha3 || return 1
	for i in 1 2 3; do
		stop_ha "ha$i"
	done
	record "$case" 3 "$XM_TMP/c3.1.out" "$XM_TMP/c3.2.out" "$XM_TMP/c3.3.out"
}

xm_init "xmbc$$-"
trap cl_cleanup EXIT
trap 'cl_cleanup; trap - INT; kill -INT $$' INT
trap 'cl_cleanup; exit 143' TERM
bench
