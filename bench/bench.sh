#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh - `make bench`: the xmip6 data-plane benchmarks.
#
#   cost   per-packet cost of every program path (BPF_PROG_TEST_RUN)
#   live   what each device under test adds per packet over an XDP drop at
#          its ingress, through a veth rig: xmip6 HA encap and decap (1 and
#          BENCH_LIVE_BIG bindings, all of them in use, and BENCH_ACTIVE of
#          them in use), kernel IPv6 forwarding, plain XDP redirect, a naive
#          XDP encap (bench.bpf.c), kernel seg6 encap. The HA is deployed as
#          in production: an xmip6d home agent per instance keeps its
#          next-hop cache on (BENCH_DAEMON=0: xmip6ctl alone, the cache off)
#   scale  HA encap, live and cost, with 1 .. 1,000,000 bindings
#   profile  perf samples of HA encap (1 and BENCH_LIVE_BIG bindings, all
#          and BENCH_ACTIVE of them in use), HA decap, kernel forwarding, seg6
#   register authenticated home registrations per second (xmip6d HA) and
#          BU -> BA latency (bench/xmreg.c)
#   handover 20 moves in the demo's roaming rig (bench/handover.sh)
#   cluster  registrations/s and BU -> BA through home agents sharing their
#          binding cache in etcd: one HA alone, one in a cluster, three
#          (bench/cluster.sh; skipped, saying why, without etcd)
#   failover the interruption of a 2,000 packets/s stream to a registered
#          home address when the VRRP master home agent's xmip6d is killed
#          (-9) and when its link goes down, and the Binding Updates the
#          mobile node sent meanwhile (bench/failover.sh; skipped, saying
#          why, without etcd or keepalived)
#
# Sections run in the order of BENCH_SECTIONS (default "cost live scale
# profile register handover cluster failover") and are independent: what cannot run here
# says why ("bench: live: seg6: skipped: ...") and the rest still runs; a
# section that fails is reported, its rigs are removed and the next one
# runs (exit status 1 at the end). A new section is a function bench_NAME
# that appends JSON lines to $XB_RAW (one object per measurement, "item":
# NAME) plus its part in bench/report.py. Results:
# build/bench/results.{json,csv,txt} and build/bench/scale.png; the table is
# printed at the end.
#
# Root; it creates its own namespaces (xmb<pid>-*), uses 2001:db8::/32 only,
# and removes everything on exit or Ctrl-C. Every traffic run is bounded in
# time (xmbench live stops after BENCH_SECONDS).
#
# Environment: BENCH_OUT (results directory, build/bench), BENCH_SECTIONS, BENCH_RUNS (cost runs, default 5),
# BENCH_TC_RUNS (5, rounds over the TC paths), BENCH_BCTR_RUNS (counters on/off pairs, BENCH_RUNS),
# BENCH_BCTR_BINDINGS (65536), BENCH_REPEAT (1000000), BENCH_ROUNDS (live and scale
# rounds, 4), BENCH_SECONDS (per live run, 2), BENCH_LIVE_BIG (1000000),
# BENCH_ACTIVE (10000: the working set of the extra live rows, home
# addresses in use out of BENCH_LIVE_BIG; 0: no such rows), BENCH_DAEMON
# (1), BENCH_SCALE ("1 1000 100000 1000000"), BENCH_FRAME_LEN (live frame
# octets, 78; 64..128), BENCH_GEN ("packet": the AF_PACKET generator even
# where live frames work), BENCH_CPU (the CPU of every live run, 1),
# BENCH_REG_NODES ("100000"), BENCH_REG_SECONDS (3), BENCH_REG_WINDOW (128),
# BENCH_REG_TARGET (100000: the open loops' 100 %),
# BENCH_REG_WORKERS ("1 2": signal-workers, one on one CPU, more on all),
# BENCH_REG_FORGE (forged BUs a second from a second generator, none),
# BENCH_REG_PERF (set: perf record the HA daemon), BENCH_HO_MOVES (20),
# BENCH_HO_GAP_MS (10), BENCH_HO_DWELL (1), BENCH_CLUSTER_NODES (3000),
# BENCH_CLUSTER_SECONDS (3), BENCH_FAILOVER_ROUNDS (3).
set -u

# shellcheck source=scripts/topology.sh
. "$(dirname "$0")/../scripts/topology.sh"

XB_BIN=$XM_BUILD/bench/xmbench
XB_OUT=${BENCH_OUT:-$XM_BUILD/bench}
XB_RAW=$XB_OUT/raw.jsonl
XB_SECTIONS=${BENCH_SECTIONS:-cost live scale profile register handover cluster failover}
XB_RUNS=${BENCH_RUNS:-5}
XB_TC_RUNS=${BENCH_TC_RUNS:-5}
XB_REPEAT=${BENCH_REPEAT:-1000000}
XB_ROUNDS=${BENCH_ROUNDS:-4}
XB_SECONDS=${BENCH_SECONDS:-2}
XB_BIG=${BENCH_LIVE_BIG:-1000000}
XB_ACTIVE=${BENCH_ACTIVE:-10000}
XB_DAEMON=${BENCH_DAEMON:-1}
XB_SCALE=${BENCH_SCALE:-1 1000 100000 1000000}
XB_CPU=${BENCH_CPU:-$(($(nproc) > 1 ? 1 : 0))}
export BENCH_FRAME_LEN=${BENCH_FRAME_LEN:-78}

# Addresses of the rig (see also bench/xmbench.c).
XB_HA_ADDR=2001:db8:1::1
XB_COA=2001:db8:c0a::100
XB_HOA_PREFIX=2001:db8:40::/64
XB_NH=2001:db8:2::2
XB_CN_PREFIX=2001:db8:cafe::/48

# shellcheck disable=SC2034 # read by topology.sh (xm_cleanup)
# (hab: the HA's second instance, the one with many bindings)
XM_ROLES="cost gen ha hab sink rmn rha"
declare -A XB_FILLED=() # bindings in each HA instance's map
declare -A XB_DPID=()   # the xmip6d of each HA instance
XB_WRAP=()              # command prefix for xmbench live (the profile section's perf)
XB_GEN=                 # the live generator, chosen once (xb_live_gen)
XB_SEG6_SKIP=           # why seg6 cannot run here, when it cannot

xb_log() { echo "bench: $*" >&2; }

# xb_skip SECTION WHAT REASON: say why something is not measured, and record it.
xb_skip() {
	xb_log "$1: ${2:+$2: }skipped: $3"
	"$XM_PYTHON" -c 'import json, sys
print(json.dumps({"item": "skip", "section": sys.argv[1], "what": sys.argv[2],
                  "reason": sys.argv[3]}))' "$@" >>"$XB_RAW"
}

# xb_run CMD...: run a measuring command, record it, append its output.
xb_run() {
	printf '{"item":"cmd","cmd":"%s"}\n' "$*" >>"$XB_RAW"
	xm_fg timeout 300 "$@" >>"$XB_RAW"
}

# ---- cost ---------------------------------------------------------------

# One namespace with the routes and neighbours the FIB lookups need.
xb_cost_ns() {
	local ns p
	xm_add_ns cost || return 1
	ns=$(xm_ns cost)
	xm_exec cost sysctl -qw net.ipv6.conf.all.forwarding=1 || return 1
	ip -n "$ns" link add c0 type veth peer name c1 &&
		ip -n "$ns" link set c0 up && ip -n "$ns" link set c1 up &&
		ip -n "$ns" -6 addr add 2001:db8:1::1/64 dev c0 nodad &&
		ip -n "$ns" -6 neigh add 2001:db8:1::2 lladdr 02:00:5e:00:0a:02 dev c0 \
			nud permanent || return 1
	for p in 2001:db8:c0a::/48 2001:db8:cafe::/48 2001:db8:a::/48; do
		ip -n "$ns" -6 route add "$p" via 2001:db8:1::2 || return 1
	done
}

bench_cost() {
	local p r
	xb_log "cost: per-packet cost, repeat $XB_REPEAT, $XB_RUNS runs (TC: $XB_TC_RUNS)"
	[ -e "/run/netns/$(xm_ns cost)" ] || xb_cost_ns || return 1
	for p in pass ha_encap naive_encap lookup ha_decap mn_decap cn_hao_accept mn_rh2_accept \
		fib_lookup ha_prefix_encap ha_prefix_encap_100k mr_decap; do
		xb_run ip netns exec "$(xm_ns cost)" "$XB_BIN" cost "$p" 1 "$XB_REPEAT" \
			"$XB_RUNS" || return 1
	done
	# TC: rounds interleaved over the paths (one run of each a round), so
	# that a busy minute of the machine lands on every path, not on one;
	# each run alternates the path with tc_nop and takes their median runs
	# (xmbench.c tc_interleaved()).
	for ((r = 0; r < XB_TC_RUNS; r++)); do
		for p in mn_encap mr_encap ha_local_encap cn_rh2_insert; do
			xb_run ip netns exec "$(xm_ns cost)" "$XB_BIN" cost "$p" 1 \
				"$XB_REPEAT" 1 || return 1
		done
	done
	bench_cost_bctr
}

# What the per-binding counters cost (bpf/bctr.h): the HA paths loaded
# with them (the default) and without (binding-counters = false), with 1
# and BENCH_BCTR_BINDINGS bindings (65536) spread over, on and off
# interleaved, one run each a time so that a change of load hits both;
# BENCH_BCTR_RUNS (BENCH_RUNS) pairs. Tagged "series":"bctr" in the raw
# lines: the table above takes its rows from its own runs only.
bench_cost_bctr() {
	local p n r bc
	xb_log "cost: per-binding counters on/off, ${BENCH_BCTR_RUNS:-$XB_RUNS} pairs"
	for p in ha_encap ha_decap; do
		for n in 1 "${BENCH_BCTR_BINDINGS:-65536}"; do
			for ((r = 0; r < ${BENCH_BCTR_RUNS:-$XB_RUNS}; r++)); do
				for bc in 1 0; do
					xb_run env BENCH_SERIES=bctr \
						BENCH_BINDING_COUNTERS=$bc ip netns exec \
						"$(xm_ns cost)" "$XB_BIN" cost "$p" "$n" \
						"$XB_REPEAT" 1 || return 1
				done
			done
		done
	done
}

# ---- live ---------------------------------------------------------------
#
#   gen g0 ========== h0  HA  h1 ========== s0 sink
#   xmbench live          device under test    xdp_count
#   (live frames or       on h0 / in the HA
#    AF_PACKET)
#
# Each device under test (DUT) is timed against the floor: xdp_count on h0
# itself, counting and dropping what the generator sends (same generator,
# same veth, same frames). What the DUT adds per packet is
# 1/pps(DUT) - 1/pps(floor) of the same round (bench/report.py); rounds
# interleave every case, and the report takes the median. Every live run
# is pinned to CPU BENCH_CPU: the generator, both veth hops (NAPI runs
# where the frames are sent), the DUT and the sink then share one CPU.
#
#   drop, drop_tunnel  the floor, for udp and for tunnel frames
#   forward       kernel IPv6 forwarding h0 -> h1
#   redirect      bench.bpf.c xdp_redirect: new MACs, redirect to h1
#   naive_encap   bench.bpf.c xdp_naive_encap: IPv6-in-IPv6, fixed header
#   ha_encap      xmip6 xdp_ha, packets to the home addresses (udp frames)
#   ha_decap      xmip6 xdp_ha, reverse tunnel from the CoA (tunnel frames)
#   seg6          kernel `encap seg6 mode encap` route, where the kernel has it

xb_mac() { ip -n "$(xm_ns "$1")" -br link show dev "$2" | awk '{print $3}'; }

xb_live_rig() {
	local ha err
	[ -e "/run/netns/$(xm_ns ha)" ] && return 0
	xm_add_ns gen && xm_add_ns ha && xm_add_ns sink || return 1
	ha=$(xm_ns ha)
	# "hab", the HA's second instance, lives in the HA's namespace: a second
	# name for it lets xm_ctl, xm_stat and xm_cleanup find it there.
	touch "/run/netns/$(xm_ns hab)" &&
		mount --bind "/run/netns/$ha" "/run/netns/$(xm_ns hab)" || return 1
	XM_NETNS+=("$(xm_ns hab)")
	xm_exec ha sysctl -qw net.ipv6.conf.all.forwarding=1 || return 1
	xm_link gen g0 ha h0 && xm_link ha h1 sink s0 || return 1
	xm_exec ha ethtool -K h0 gro on >/dev/null || return 1
	ip -n "$ha" -6 addr add 2001:db8:c::1/64 dev h0 nodad &&
		ip -n "$ha" -6 addr add 2001:db8:2::1/64 dev h1 nodad &&
		ip -n "$ha" -6 addr add "$XB_HA_ADDR/128" dev lo &&
		ip -n "$(xm_ns sink)" -6 addr add "$XB_NH/64" dev s0 nodad &&
		ip -n "$ha" -6 neigh add "$XB_NH" lladdr "$(xb_mac sink s0)" dev h1 \
			nud permanent &&
		ip -n "$ha" -6 route add 2001:db8:c0a::/48 via "$XB_NH" &&
		ip -n "$ha" -6 route add "$XB_HOA_PREFIX" via "$XB_NH" &&
		ip -n "$ha" -6 route add "$XB_CN_PREFIX" via "$XB_NH" || return 1
	xm_retry 50 0.1 xm_ns_ready gen && xm_retry 50 0.1 xm_ns_ready ha &&
		xm_retry 50 0.1 xm_ns_ready sink || return 1
	# seg6: an lwt encap route is refused where the kernel has no seg6 lwt.
	XB_SEG6_SKIP=
	if err=$(ip -n "$ha" sr tunsrc set "$XB_HA_ADDR" 2>&1 &&
		ip -n "$ha" -6 route add 2001:db8:77::1/128 encap seg6 mode encap segs \
			"$XB_COA" dev h1 2>&1); then
		ip -n "$ha" -6 route del 2001:db8:77::1/128
	else
		XB_SEG6_SKIP="no seg6 lwt in this kernel (ip: ${err//$'\n'/ })"
	fi
}

# xb_live_gen: choose the generator once for the whole run (every ratio
# compares runs of one generator): live frames where the kernel runs them,
# else AF_PACKET, and say which and why.
xb_live_gen() {
	local err
	[ -n "$XB_GEN" ] && return 0
	if [ "${BENCH_GEN:-}" = packet ]; then
		XB_GEN=packet
		xb_skip live "live frames" "BENCH_GEN=packet; using the AF_PACKET generator"
	elif err=$(BENCH_GEN=live xm_fg timeout 60 taskset -c "$XB_CPU" "$XB_BIN" live probe udp \
		"$(xm_ns gen)" g0 "$(xb_mac ha h0)" "$(xm_ns ha)" h0 1 0.2 2>&1 >/dev/null); then
		XB_GEN=live
		xb_log "live: generator: live frames (BPF_F_TEST_XDP_LIVE_FRAMES)"
	else
		XB_GEN=packet
		case $err in
		*"Operation not permitted"*) err="kernel refuses BPF_F_TEST_XDP_LIVE_FRAMES (EPERM)" ;;
		*) err="live frames failed (${err//$'\n'/ })" ;;
		esac
		xb_skip live "live frames" "$err; using the AF_PACKET generator"
	fi
	export BENCH_GEN=$XB_GEN
	printf '{"item":"generator","gen":"%s"}\n' "$XB_GEN" >>"$XB_RAW"
}

# The instance that holds N bindings: "ha" for one, "hab" for more, so
# that the two live side by side and take turns on h0 (each its own pin
# dir, both in the HA's namespace).
xb_inst_of() { if [ "$1" = 1 ]; then echo ha; else echo hab; fi; }

# xb_nh_gen INST: the generation of INST's next-hop cache (0: off, or an
# instance without one).
xb_nh_gen() {
	bpftool -j map dump pinned "$(xm_pin "$1")/nh_state" 2>/dev/null | "$XM_PYTHON" -c '
import json, sys
try:
    d = json.load(sys.stdin)
    print(int(d[0].get("formatted", d[0])["value"]["gen"]))
except (ValueError, LookupError, TypeError, AttributeError):
    print(0)'
}

xb_nh_on() { [ "$(xb_nh_gen "$1")" != 0 ]; }

# xb_inst_daemon INST N: start xmip6d as the home agent of INST, as it is
# deployed: it attaches xdp_ha to h0 with room for N bindings and follows
# the kernel's routes and neighbours (user/roles/nexthop.c), which keeps
# the next-hop cache's generation and its lease current (bpf/fib.h: with
# no daemon the cache is off and every packet does a FIB lookup). A
# virtual home network with no mobile nodes configured: the bench writes
# the bindings itself (xmbench fill), no BU is ever sent. Pinned to a CPU
# other than the live runs' so that its ticks and its expiry walk do not
# run on the measured CPU.
xb_inst_daemon() {
	local inst=$1 n=$2 conf=$XM_TMP/$1.conf cpu
	cat >"$conf" <<EOC || return 1
pin-dir = "$(xm_pin "$inst")";
control-socket = "$XM_TMP/$inst.sock";
home-agent = {
  address = "$XB_HA_ADDR";
  home-prefix = "$XB_HOA_PREFIX";
  interfaces = [ "h0" ];
  max-bindings = $n;
};
EOC
	chmod 600 "$conf"
	rm -f "$XM_TMP/$inst.sock"
	xm_daemon "$inst" "$conf" "$XM_TMP/$inst-$n.log"
	XB_DPID[$inst]=$XM_LAST_PID
	cpu=$(((XB_CPU + 1) % $(nproc)))
	taskset -apc "$cpu" "$XM_LAST_PID" >/dev/null 2>&1
	if ! xm_retry 600 0.1 test -S "$XM_TMP/$inst.sock" || ! xm_retry 100 0.1 xb_nh_on "$inst"; then
		xb_log "xmip6d ($inst, max-bindings $n) did not start, or its next-hop cache stayed off:"
		tail -n 5 "$XM_TMP/$inst-$n.log" >&2
		return 1
	fi
	printf '{"item":"cmd","cmd":"xmip6d -c %s.conf (HA, max-bindings %s, pinned to CPU %s)"}\n' \
		"$inst" "$n" "$cpu" >>"$XB_RAW"
}

xb_inst_daemon_stop() {
	local pid=${XB_DPID[$1]:-}
	unset "XB_DPID[$1]"
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null
	xm_wait_pid "$pid" 10
	rm -f "$XM_TMP/$1.sock"
}

# xb_inst_attach INST N: INST on h0 with exactly N bindings (a fresh
# instance, with its daemon, filled once, when it held another number).
xb_inst_attach() {
	local inst=$1 n=$2
	[ "${XB_FILLED[$inst]:-}" = "$n" ] || xb_unload "$inst" || return 1
	if [ "$XB_DAEMON" = 1 ] && [ -z "${XB_DPID[$inst]:-}" ]; then
		xb_inst_daemon "$inst" "$n" || return 1
	else
		xm_ctl "$inst" attach h0 role ha address "$XB_HA_ADDR" max-bindings "$n" \
			>/dev/null || return 1
	fi
	if [ "${XB_FILLED[$inst]:-}" != "$n" ]; then
		xb_run "$XB_BIN" fill "$(xm_pin "$inst")/bindings" "$n" "$XB_COA" \
			"$XB_HA_ADDR" || return 1
		XB_FILLED[$inst]=$n
		printf '{"item":"map","bindings":%s,"map":%s}\n' "$n" \
			"$(bpftool -j map show pinned "$(xm_pin "$inst")/bindings")" >>"$XB_RAW"
	fi
}

# xb_unload INST: remove an HA instance (its bindings map goes with it)
# and its daemon.
xb_unload() {
	unset "XB_FILLED[$1]"
	xb_inst_daemon_stop "$1"
	[ -e "$(xm_pin "$1")" ] || return 0
	xm_ctl "$1" unload >/dev/null
}

# xb_live_case CASE N [ACTIVE]: prepare the HA for CASE (N bindings for
# ha_*, of which the traffic uses ACTIVE: a working set, labelled
# CASE_ws), run once, undo.
xb_live_case() {
	local c=$1 n=$2 active=${3:-$2} label=$1 ha kind=udp sink_ns sink_dev=s0 hoa inst=''
	local counter='' before=0 after miss0=0 miss1=0 rc=0
	[ "$active" = "$n" ] || label=${c}_ws
	ha=$(xm_ns ha)
	sink_ns=$(xm_ns sink)
	case $c in
	drop) sink_ns=$ha sink_dev=h0 ;;
	drop_tunnel) sink_ns=$ha sink_dev=h0 kind=tunnel ;;
	forward) ;;
	redirect | naive_encap)
		xb_run "$XB_BIN" attach "$c" "$ha" h0 h1 "$(xb_mac sink s0)" || return 1
		;;
	ha_encap | ha_decap)
		inst=$(xb_inst_of "$n")
		counter=${c}_fwd
		[ "$c" = ha_decap ] && kind=tunnel
		xb_inst_attach "$inst" "$n" || return 1
		before=$(xm_stat "$inst" "$counter") && miss0=$(xm_stat "$inst" nh_miss) || return 1
		;;
	seg6)
		hoa=$("$XB_BIN" hoa 0)
		ip -n "$ha" -6 route add "$hoa/128" encap seg6 mode encap segs "$XB_COA" \
			dev h1 || return 1
		;;
	*) return 1 ;;
	esac
	xb_run "${XB_WRAP[@]}" taskset -c "$XB_CPU" "$XB_BIN" live "$label" "$kind" "$(xm_ns gen)" \
		g0 "$(xb_mac ha h0)" "$sink_ns" "$sink_dev" "$n" "$XB_SECONDS" "$active" || rc=1
	if [ -n "$counter" ]; then
		# nh_miss: packets that found no live next-hop slot and did a FIB
		# lookup (all of them when the cache is off); nh_gen: its state.
		after=$(xm_stat "$inst" "$counter") && miss1=$(xm_stat "$inst" nh_miss) || rc=1
		printf '{"item":"live_check","case":"%s","bindings":%s,"counter":"%s","delta":%s,"nh_miss":%s,"nh_gen":%s}\n' \
			"$label" "$n" "$counter" "$((after - before))" "$((miss1 - miss0))" \
			"$(xb_nh_gen "$inst")" >>"$XB_RAW"
	fi
	case $c in
	ha_encap | ha_decap) xm_ctl "$inst" detach h0 >/dev/null || rc=1 ;;
	seg6) ip -n "$ha" -6 route del "$hoa/128" || rc=1 ;;
	redirect | naive_encap) ip -n "$ha" link set dev h0 xdpdrv off || rc=1 ;;
	esac
	return "$rc"
}

# xb_live_spec CASE[:N[:ACTIVE]]: xb_live_case of a case list's item.
xb_live_spec() {
	local spec
	IFS=: read -r -a spec <<<"$1"
	xb_live_case "${spec[0]}" "${spec[1]:-1}" ${spec[2]:+"${spec[2]}"}
}

# xb_live_ready SECTION: the rig and the generator; says so when SECTION
# cannot have seg6.
xb_live_ready() {
	xb_live_rig && xb_live_gen || return 1
	[ -z "$XB_SEG6_SKIP" ] || xb_skip "$1" seg6 "$XB_SEG6_SKIP"
}

# xb_round SECTION R: mark the start of a round (report.py pairs each case
# with the floor of its own round).
xb_round() { printf '{"item":"round","section":"%s","round":%s}\n' "$1" "$2" >>"$XB_RAW"; }

bench_live() {
	local r c cases="drop forward redirect naive_encap ha_encap:1 ha_encap:$XB_BIG"
	local ws=''
	# The working set: ACTIVE of the BIG bindings carry the traffic (the
	# worst case, every binding in turn, is the one the target judges).
	[ "$XB_ACTIVE" -gt 0 ] && [ "$XB_ACTIVE" -lt "$XB_BIG" ] && ws=1
	[ -z "$ws" ] || cases+=" ha_encap:$XB_BIG:$XB_ACTIVE"
	cases+=" drop_tunnel ha_decap:1 ha_decap:$XB_BIG"
	[ -z "$ws" ] || cases+=" ha_decap:$XB_BIG:$XB_ACTIVE"
	xb_live_ready live || return 1
	[ -n "$XB_SEG6_SKIP" ] || cases+=" seg6"
	xb_log "live: $XB_ROUNDS rounds of: $cases; ${XB_SECONDS}s each, ${BENCH_FRAME_LEN}-octet frames, generator $XB_GEN, CPU $XB_CPU, $([ "$XB_DAEMON" = 1 ] && echo "HA by xmip6d" || echo "HA by xmip6ctl alone: next-hop cache off")"
	for ((r = 0; r < XB_ROUNDS; r++)); do
		xb_round live "$r"
		for c in $cases; do
			xb_live_spec "$c" || return 1
		done
	done
}

# ---- scale --------------------------------------------------------------
#
# HA encap with 1 .. 1,000,000 bindings, traffic spread evenly over all of
# them: the live added cost (each round with its own floor) and the cost
# section's figure.

bench_scale() {
	local n r p
	xb_log "scale: bindings $XB_SCALE"
	[ -e "/run/netns/$(xm_ns cost)" ] || xb_cost_ns || return 1
	xb_live_rig && xb_live_gen || return 1
	for n in $XB_SCALE; do
		xb_run ip netns exec "$(xm_ns cost)" "$XB_BIN" cost ha_encap "$n" "$XB_REPEAT" \
			"$XB_RUNS" || return 1
		# The bindings map's lookup alone at n, and one random line of a
		# table that large (bench.bpf.c xdp_lookup, xdp_touch).
		for p in lookup touch; do
			xb_run ip netns exec "$(xm_ns cost)" "$XB_BIN" cost "$p" "$n" \
				"$XB_REPEAT" "$XB_RUNS" || return 1
		done
		for ((r = 0; r < XB_ROUNDS; r++)); do
			xb_round "scale" "$r"
			xb_live_case drop 1 && xb_live_case ha_encap "$n" || return 1
		done
	done
	# Leave no 1,000,000-binding map to the sections after this one.
	xb_unload hab
}

# ---- profile ------------------------------------------------------------
#
# Where the time goes: perf samples (cpu-clock; this machine may have no
# hardware counters) on the CPU of the live runs while the generator,
# pinned there, drives the case; the whole path of a packet is on that CPU.
# The summary counts the samples of that xmbench run and that CPU's
# ksoftirqd only.

bench_profile() {
	local c n act data pids sets="ha_encap:1 forward:1 ha_encap:$XB_BIG ha_decap:1"
	command -v perf >/dev/null || { xb_skip profile "" "no perf (linux-perf)"; return 0; }
	xb_live_ready profile || return 1
	[ "$XB_ACTIVE" -gt 0 ] && [ "$XB_ACTIVE" -lt "$XB_BIG" ] && sets+=" ha_encap:$XB_BIG:$XB_ACTIVE"
	[ -n "$XB_SEG6_SKIP" ] || sets+=" seg6:1"
	xb_log "profile: perf record -e cpu-clock on CPU $XB_CPU: $sets"
	for c in $sets; do
		n=${c#*:}
		n=${n%%:*}
		data=$XB_OUT/perf-${c//:/-}.data
		# -D: not the program's load and warm-up (0.3 s), the measurement.
		XB_WRAP=(perf record -q -e cpu-clock -C "$XB_CPU" -g -D 600 -o "$data" --)
		xb_live_spec "$c" || { XB_WRAP=(); return 1; }
		XB_WRAP=()
		# From the run's own line: the label xmbench printed (CASE_ws for
		# a working set), the home addresses in use, and its PID: only
		# the run's own samples count (the CPU also runs other work on a
		# shared machine, other xmbench runs included); its softirq work
		# is charged to it or to ksoftirqd.
		read -r c act pids < <(grep '"item":"live"' "$XB_RAW" | tail -n 1 | "$XM_PYTHON" -c '
import json, sys
r = json.load(sys.stdin)
print(r["case"], r.get("active", r["bindings"]), r["pid"])')
		pids+=,$(pgrep -x "ksoftirqd/$XB_CPU")
		perf report -i "$data" --stdio --no-children --sort symbol --percent-limit 1 \
			--pid "$pids" --percentage relative -g none 2>/dev/null | "$XM_PYTHON" -c 'import json, re, sys
rows = []
for line in sys.stdin:
    m = re.match(r"\s*([0-9.]+)%\s+\[.\]\s+(.*\S)", line)
    if m:
        rows.append([float(m.group(1)), m.group(2)])
print(json.dumps({"item": "profile", "case": sys.argv[1], "bindings": int(sys.argv[2]),
                  "active": int(sys.argv[3]), "top": rows}))' "$c" "$n" "$act" \
			>>"$XB_RAW"
	done
	xb_unload hab
}

# ---- register -----------------------------------------------------------
#
# Authenticated home registrations per second:
#
#   rmn: xmreg on l0 (AF_PACKET)  ==  rha: h0, xmip6d HA (virtual home network)
#
# xmreg simulates N mobile nodes (own home address, SPI, key) behind one
# care-of address; l0 has no IPv6, so the BAs (with a type 2 routing
# header) are seen by xmreg's packet socket and by no IPv6 stack.
# The HA reaches the CoA through a permanent neighbour entry: no ND in the
# measurement. Per N: first registrations, a closed loop (window
# BENCH_REG_WINDOW) for the sustained rate, then open loops at 10, 50 and
# 100 % of BENCH_REG_TARGET (100,000 a second: the goal's load, whatever
# the closed loop reached) for the BU -> BA latency. xmreg stamps a BA when
# the kernel received it (SO_TIMESTAMPNS), not when it got round to it.
#
# The HA acts on at most MAX_UPDATE_RATE (3) BUs a second per home address
# (RFC 6275 section 11.8; user/daemon/ratelimit.h, not configurable), and
# xmreg sends round robin over its nodes: with N nodes that limiter caps
# the rate at 3N/s. The default, 100,000 nodes, puts that cap (300,000/s)
# well above what the daemon does on one core, so the figure is the
# daemon's; report.py prints the cap next to each rate and says which one
# bound it.
#
# Per N, once per BENCH_REG_WORKERS (default "1 2"): signal-workers = 1
# with the HA pinned to the last CPU and xmreg to the first, the one-core
# rate; then more workers on every CPU (the two-core rate here; xmreg
# shares them), one after the other in the same run; report.py prints
# their ratio. BENCH_REG_FORGE=R
# adds xmreg forge (forged BUs, authenticator wrong) at R a second through
# every run: the rate it really offered and the answers to it are recorded.

XB_REG_BIN=$XM_BUILD/bench/xmreg
XB_REG_NODES=${BENCH_REG_NODES:-100000}
XB_REG_MAX_UPDATE_RATE=3 # MIP6_MAX_UPDATE_RATE
XB_REG_SECONDS=${BENCH_REG_SECONDS:-3}
XB_REG_WINDOW=${BENCH_REG_WINDOW:-128}
XB_REG_TARGET=${BENCH_REG_TARGET:-100000}
XB_REG_WORKERS=${BENCH_REG_WORKERS:-1 2}
XB_REG_FORGE=${BENCH_REG_FORGE:-}
XB_REG_FORGE_PID=
XB_REG_COA=2001:db8:c0a::100
XB_REG_HA_PID=
XB_REG_PERF_PID=

# The rig and the HA's configuration are scripts/topology.sh's (xm_reg_rig,
# xm_reg_conf), shared with test_ha_log_summary.sh and bench/reg_pinned.sh.
xb_reg_rig() {
	[ -e "/run/netns/$(xm_ns rha)" ] && return 0
	xm_reg_rig
}

# xb_reg_ha N WORKERS: (re)start xmip6d as the HA of N mobile nodes, with
# signal-workers = WORKERS; one worker: pinned to the last CPU.
xb_reg_ha() {
	local n=$1 w=$2 conf=$XM_TMP/rha.conf t0 cpus
	xb_reg_ha_stop || return 1
	xm_reg_conf "$n" info "signal-workers = $w;" >"$conf" || return 1
	chmod 600 "$conf"
	cpus=$(($(nproc) - 1))
	[ "$w" -gt 1 ] && cpus=0-$cpus
	t0=$(date +%s.%N)
	nsenter --net="/run/netns/$(xm_ns rha)" taskset -c "$cpus" "$XM_D_BIN" -c "$conf" \
		</dev/null >>"$XM_TMP/rha-$n-$w.log" 2>&1 &
	XB_REG_HA_PID=$!
	XM_PIDS+=("$XB_REG_HA_PID")
	# Loading the mobile nodes is linear (seconds for 1,000,000): bounded
	# at 3 minutes all the same.
	if ! xm_retry 1800 0.1 test -S "$XM_TMP/rha.sock"; then
		xb_log "register: xmip6d with $n nodes did not start in 180 s:"
		tail -n 5 "$XM_TMP/rha-$n-$w.log" >&2
		return 1
	fi
	printf '{"item":"cmd","cmd":"taskset -c %s xmip6d -c rha.conf (%s mobile nodes, signal-workers %s)"}\n' \
		"$cpus" "$n" "$w" >>"$XB_RAW"
	printf '{"item":"register_start","nodes":%s,"start_s":%s}\n' "$n" \
		"$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')" >>"$XB_RAW"
}

xb_reg_ha_stop() {
	[ -n "$XB_REG_HA_PID" ] || return 0
	kill -TERM "$XB_REG_HA_PID" 2>/dev/null
	xm_wait_pid "$XB_REG_HA_PID" 10
	XB_REG_HA_PID=
	[ -e "$(xm_pin rha)" ] && xm_ctl rha unload >/dev/null
	rm -f "$XM_TMP/rha.sock"
	return 0
}

# From the pinned maps: the daemon's control socket gives up on a reply of
# 100,000 rows to a reader slowed down by the load (CTL_IO_TIMEOUT_MS).
xb_reg_bindings() {
	xm_ctl rha -j binding show | "$XM_PYTHON" -c 'import json, sys
d = json.load(sys.stdin)
print(len(d["bindings"] if isinstance(d, dict) else d))'
}

# xb_cpu_ticks PID: user + system CPU time of a process, in clock ticks.
xb_cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# Forged BUs through a run (BENCH_REG_FORGE), from a second generator.
xb_reg_forge_start() {
	local n=$1
	[ -n "$XB_REG_FORGE" ] || return 0
	printf '{"item":"cmd","cmd":"xmreg forge l0 ... %s %s"}\n' "$n" "$XB_REG_FORGE" >>"$XB_RAW"
	ip netns exec "$(xm_ns rmn)" timeout 900 "$XB_REG_BIN" forge l0 "$(xb_mac rha h0)" \
		"$XB_HA_ADDR" "$XB_REG_COA" "$n" "$XB_REG_FORGE" 890 >"$XM_TMP/forge.json" &
	XB_REG_FORGE_PID=$!
	XM_PIDS+=("$XB_REG_FORGE_PID")
}

xb_reg_forge_stop() {
	[ -n "$XB_REG_FORGE_PID" ] || return 0
	kill -TERM "$XB_REG_FORGE_PID"
	xm_wait_pid "$XB_REG_FORGE_PID" 10
	XB_REG_FORGE_PID=
	cat "$XM_TMP/forge.json" >>"$XB_RAW"
}

bench_register() {
	local n w count cpu0 cpu1 full t0 t1 gen
	[ -x "$XB_REG_BIN" ] || { xb_log "register: $XB_REG_BIN missing: run make bench"; return 1; }
	xb_log "register: nodes $XB_REG_NODES, workers $XB_REG_WORKERS, ${XB_REG_SECONDS}s per phase, window $XB_REG_WINDOW, latency at 10/50/100 % of $XB_REG_TARGET/s${XB_REG_FORGE:+, forged BUs at $XB_REG_FORGE/s}"
	xb_reg_rig || return 1
	for n in $XB_REG_NODES; do
	for w in $XB_REG_WORKERS; do
		xb_reg_ha "$n" "$w" || return 1
		if [ -n "${BENCH_REG_PERF:-}" ]; then
			perf record -q -e cpu-clock -g -p "$XB_REG_HA_PID" -o "$XB_OUT/perf-register-$n.data" &
			XB_REG_PERF_PID=$!
			XM_PIDS+=("$XB_REG_PERF_PID")
		fi
		cpu0=$(xb_cpu_ticks "$XB_REG_HA_PID")
		t0=$(date +%s%N)
		xb_reg_forge_start "$n"
		gen=(env XMREG_RATE="$XB_REG_TARGET")
		[ "$w" = 1 ] && [ "$(nproc)" -gt 1 ] &&
			gen=(env XMREG_RATE="$XB_REG_TARGET" taskset -c 0)
		xb_run ip netns exec "$(xm_ns rmn)" "${gen[@]}" "$XB_REG_BIN" run l0 "$(xb_mac rha h0)" \
			"$XB_HA_ADDR" "$XB_REG_COA" "$n" "$XB_REG_SECONDS" "$XB_REG_WINDOW" \
			10,50,100 || return 1
		xb_reg_forge_stop
		if [ -n "$XB_REG_PERF_PID" ]; then
			kill -INT "$XB_REG_PERF_PID"
			xm_wait_pid "$XB_REG_PERF_PID" 20
			XB_REG_PERF_PID=
		fi
		cpu1=$(xb_cpu_ticks "$XB_REG_HA_PID")
		t1=$(date +%s%N)
		count=$(xb_reg_bindings) || return 1
		[ "$count" = "$n" ] || xb_log "register: WARNING: the HA holds $count bindings, not $n"
		# BUs the XDP program could not hand up (ring buffer full).
		full=$(xm_stat rha sig_ring_full 2>/dev/null) || full=null
		# After its runs: report.py gives them this check's workers.
		printf '{"item":"register_check","nodes":%s,"workers":%s,"bindings":%s,"wall_s":%s,"ha_cpu_s":%s,"sig_ring_full":%s,"limiter_cap_per_s":%s,"rss_kb":%s,"maps_kb":%s}\n' \
			"$n" "$w" "$count" "$(((t1 - t0) / 1000000))e-3" \
			"$(((cpu1 - cpu0) * 1000 / $(getconf CLK_TCK)))e-3" "$full" \
			"$((n * XB_REG_MAX_UPDATE_RATE))" \
			"$(awk '/VmRSS/ {print $2}' "/proc/$XB_REG_HA_PID/status")" "$(xm_maps_kb rha)" >>"$XB_RAW"
		xb_reg_ha_stop || return 1
	done
	done
}

# ---- handover -----------------------------------------------------------
#
# bench/handover.sh builds the demo's roaming rig in
# its own namespaces (xmbh<pid>-*) and moves the MN's link BENCH_HO_MOVES
# times between R2 and R3; one "handover" line per move.

bench_handover() {
	xb_log "handover: ${BENCH_HO_MOVES:-20} moves R2 <-> R3 (demo rig, radvd)"
	printf '{"item":"cmd","cmd":"%s"}\n' "bench/handover.sh $XB_RAW" >>"$XB_RAW"
	xm_fg timeout 600 "$XM_REPO/bench/handover.sh" "$XB_RAW"
}

# ---- cluster ------------------------------------------------------------
#
# bench/cluster.sh builds its own rig (xmbc<pid>-*: a 3-member etcd with TLS,
# three home agents, a generator per home agent) and appends one "cluster"
# line per case.

bench_cluster() {
	xb_log "cluster: ${BENCH_CLUSTER_NODES:-3000} nodes: one HA alone, one in a cluster, three"
	xm_fg timeout 900 "$XM_REPO/bench/cluster.sh" "$XB_RAW"
}

# ---- failover -----------------------------------------------------------
#
# bench/failover.sh builds its own rig (xmbf<pid>-*: selftests/lib/
# failover_rig.sh, two home agents behind keepalived's VRRP address, a
# 3-member etcd with TLS) and appends one "failover" line per event.

bench_failover() {
	xb_log "failover: ${BENCH_FAILOVER_ROUNDS:-3} rounds of kill -9 and link down of the VRRP master"
	xm_fg timeout 900 "$XM_REPO/bench/failover.sh" "$XB_RAW"
}

# ---- main ---------------------------------------------------------------

# xb_reset: after a failed section, remove every rig and instance so that
# the next section starts clean (each builds what it needs again).
xb_reset() {
	local role
	XB_WRAP=()
	xb_reg_ha_stop
	xb_inst_daemon_stop ha
	xb_inst_daemon_stop hab
	for role in ha hab; do
		[ -e "/run/netns/$(xm_ns ha)" ] && xb_unload "$role"
		rm -rf "$(xm_pin "$role")"
	done
	for role in cost gen hab ha sink rmn rha; do
		ip netns del "$(xm_ns "$role")" 2>/dev/null
	done
	return 0
}

xb_main() {
	local s start failed=()
	[ -x "$XB_BIN" ] || xm_die "$XB_BIN missing: run make bench"
	xm_init "xmb$$-"
	mkdir -p "$XB_OUT" || exit 1
	: >"$XB_RAW"
	start=$(date -u +%Y-%m-%dT%H:%M:%SZ)
	for s in $XB_SECTIONS; do
		if ! declare -F "bench_$s" >/dev/null; then
			xb_log "no section $s"
			failed+=("$s")
		elif ! "bench_$s"; then
			xb_log "$s: FAILED (partial results in $XB_RAW); going on with the next section"
			printf '{"item":"failed","section":"%s"}\n' "$s" >>"$XB_RAW"
			failed+=("$s")
			xb_reset
		fi
	done
	xm_cleanup
	"$XM_PYTHON" "$XM_REPO/bench/report.py" --raw "$XB_RAW" --out "$XB_OUT" \
		--started "$start" --command "make bench" --settings \
		"BENCH_SECTIONS='$XB_SECTIONS' BENCH_RUNS=$XB_RUNS BENCH_TC_RUNS=$XB_TC_RUNS BENCH_REPEAT=$XB_REPEAT BENCH_ROUNDS=$XB_ROUNDS BENCH_SECONDS=$XB_SECONDS BENCH_LIVE_BIG=$XB_BIG BENCH_ACTIVE=$XB_ACTIVE BENCH_DAEMON=$XB_DAEMON BENCH_SCALE='$XB_SCALE' BENCH_FRAME_LEN=$BENCH_FRAME_LEN BENCH_GEN=${XB_GEN:-unused} BENCH_CPU=$XB_CPU BENCH_REG_NODES='$XB_REG_NODES' BENCH_REG_SECONDS=$XB_REG_SECONDS BENCH_REG_WINDOW=$XB_REG_WINDOW BENCH_REG_TARGET=$XB_REG_TARGET BENCH_REG_WORKERS='$XB_REG_WORKERS' BENCH_REG_FORGE=${XB_REG_FORGE:-none} BENCH_HO_MOVES=${BENCH_HO_MOVES:-20} BENCH_HO_GAP_MS=${BENCH_HO_GAP_MS:-10} BENCH_CLUSTER_NODES=${BENCH_CLUSTER_NODES:-3000} BENCH_CLUSTER_SECONDS=${BENCH_CLUSTER_SECONDS:-3} BENCH_FAILOVER_ROUNDS=${BENCH_FAILOVER_ROUNDS:-3}" ||
		failed+=(report)
	[ ${#failed[@]} -eq 0 ] || { xb_log "FAILED: ${failed[*]}"; exit 1; }
}

xb_main "$@"
