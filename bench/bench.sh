#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh - `make bench`: the xmip6 data-plane benchmarks.
#
#   cost   per-packet cost of every program path (BPF_PROG_TEST_RUN)
#   live   packets per second through a veth rig: (a) xmip6 HA encap,
#          (b) kernel IPv6 forwarding, (c) kernel seg6 encap, (d) XDP ceiling
#   scale  (a) and the HA encap cost with 1 .. 1,000,000 bindings
#   profile  perf samples of (a), (b), (c)
#   register authenticated home registrations per second (xmip6d HA) and
#          BU -> BA latency (bench/xmreg.c)
#   handover 20 moves in the demo's roaming rig (bench/handover.sh)
#
# Sections run in the order of BENCH_SECTIONS (default "cost live scale
# profile register handover");
# a new one is a function bench_NAME that appends JSON lines to $XB_RAW
# (one object per measurement, "item": NAME) plus its part in
# bench/report.py. Results: build/bench/results.{json,csv,txt} and
# build/bench/scale.png; the table is printed at the end.
#
# Root; it creates its own namespaces (xmb<pid>-*), uses 2001:db8::/32 only,
# and removes everything on exit or Ctrl-C (scripts/topology.sh). Every
# traffic run is bounded in time (xmbench live stops after SECONDS).
#
# Environment: BENCH_SECTIONS, BENCH_RUNS (cost runs, default 5),
# BENCH_TC_RUNS (3), BENCH_REPEAT (1000000), BENCH_ROUNDS (live rounds, 5),
# BENCH_SECONDS (per live run, 2), BENCH_SCALE ("1 1000 100000 1000000"),
# BENCH_FRAME_LEN (live frame octets, 78; 64..128), BENCH_REG_NODES ("1000
# 10000"), BENCH_REG_SECONDS (3), BENCH_REG_WINDOW (64), BENCH_REG_PERF (set:
# perf record the HA daemon), BENCH_HO_MOVES (20), BENCH_HO_GAP_MS (10),
# BENCH_HO_DWELL (1).
set -u

# shellcheck source=scripts/topology.sh
. "$(dirname "$0")/../scripts/topology.sh"

XB_BIN=$XM_BUILD/bench/xmbench
XB_OUT=$XM_BUILD/bench
XB_RAW=$XB_OUT/raw.jsonl
XB_SECTIONS=${BENCH_SECTIONS:-cost live scale profile register handover}
XB_RUNS=${BENCH_RUNS:-5}
XB_TC_RUNS=${BENCH_TC_RUNS:-3}
XB_REPEAT=${BENCH_REPEAT:-1000000}
XB_ROUNDS=${BENCH_ROUNDS:-5}
XB_SECONDS=${BENCH_SECONDS:-2}
XB_SCALE=${BENCH_SCALE:-1 1000 100000 1000000}
export BENCH_FRAME_LEN=${BENCH_FRAME_LEN:-78}

# Addresses of the rig (see also bench/xmbench.c).
XB_HA_ADDR=2001:db8:1::1
XB_COA=2001:db8:c0a::100
XB_HOA_PREFIX=2001:db8:40::/64
XB_NH=2001:db8:2::2

# shellcheck disable=SC2034 # read by topology.sh (xm_cleanup)
XM_ROLES="cost gen ha sink rmn rha"
XB_FILLED=0 # bindings in the HA instance's map
XB_WRAP=()  # command prefix for xmbench live (the profile section's perf)

xb_log() { echo "bench: $*" >&2; }

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
	local p
	xb_log "cost: per-packet cost, repeat $XB_REPEAT, $XB_RUNS runs (TC: $XB_TC_RUNS)"
	[ -e "/run/netns/$(xm_ns cost)" ] || xb_cost_ns || return 1
	for p in pass ha_encap ha_decap mn_decap cn_hao_accept mn_rh2_accept fib_lookup; do
		xb_run ip netns exec "$(xm_ns cost)" "$XB_BIN" cost "$p" 1 "$XB_REPEAT" \
			"$XB_RUNS" || return 1
	done
	for p in mn_encap ha_local_encap cn_rh2_insert; do
		xb_run ip netns exec "$(xm_ns cost)" "$XB_BIN" cost "$p" 1 "$XB_REPEAT" \
			"$XB_TC_RUNS" || return 1
	done
}

# ---- live ---------------------------------------------------------------
#
#   gen g0 ---- h0 HA h1 ---- s0 sink
#   xdp_gen      (a) xmip6 xdp_ha   xdp_count
#   redirect     (b) forwarding
#   into g0      (c) seg6 encap route per home address
#                (d) xdp_ceiling (redirect h0 -> h1)

xb_mac() { ip -n "$(xm_ns "$1")" -br link show dev "$2" | awk '{print $3}'; }

xb_live_rig() {
	local ha
	[ -e "/run/netns/$(xm_ns ha)" ] && return 0
	xm_add_ns gen && xm_add_ns ha && xm_add_ns sink || return 1
	ha=$(xm_ns ha)
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
		ip -n "$ha" sr tunsrc set "$XB_HA_ADDR" || return 1
	xm_retry 50 0.1 xm_ns_ready gen && xm_retry 50 0.1 xm_ns_ready ha &&
		xm_retry 50 0.1 xm_ns_ready sink
}

# xb_live_case CASE BINDINGS: prepare the HA for CASE, run once, undo.
xb_live_case() {
	local c=$1 n=$2 ha hoa rc=0 before after
	ha=$(xm_ns ha)
	case $c in
	xmip6)
		xm_ctl ha attach h0 role ha address "$XB_HA_ADDR" max-bindings "$n" \
			>/dev/null || return 1
		if [ "$XB_FILLED" != "$n" ]; then
			xb_run "$XB_BIN" fill "$(xm_pin ha)/bindings" "$n" "$XB_COA" \
				"$XB_HA_ADDR" || return 1
			XB_FILLED=$n
		fi
		;;
	seg6)
		hoa=$("$XB_BIN" hoa 0)
		ip -n "$ha" -6 route add "$hoa/128" encap seg6 mode encap segs "$XB_COA" \
			dev h1 || return 1
		;;
	ceiling)
		xb_run "$XB_BIN" ceiling "$ha" h0 h1 "$(xb_mac sink s0)" || return 1
		;;
	esac
	before=$(xb_encap_count)
	xb_run "${XB_WRAP[@]}" "$XB_BIN" live "$c" "$(xm_ns gen)" g0 "$(xb_mac ha h0)" "$(xm_ns sink)" s0 \
		"$n" "$XB_SECONDS" || rc=1
	after=$(xb_encap_count)
	printf '{"item":"live_check","case":"%s","bindings":%s,"ha_encap_fwd":%s}\n' \
		"$c" "$n" "$((after - before))" >>"$XB_RAW"
	case $c in
	xmip6) xm_ctl ha detach h0 >/dev/null || rc=1 ;;
	seg6) ip -n "$ha" -6 route del "$hoa/128" || rc=1 ;;
	ceiling) ip -n "$ha" link set dev h0 xdpdrv off || rc=1 ;;
	esac
	return "$rc"
}

# ha_encap_fwd of the HA instance, 0 when none is loaded.
xb_encap_count() {
	[ -e "$(xm_pin ha)" ] || { echo 0; return; }
	xm_stat ha ha_encap_fwd 2>/dev/null || echo 0
}

bench_live() {
	local r c
	xb_log "live: $XB_ROUNDS rounds x 4 cases, ${XB_SECONDS}s each, ${BENCH_FRAME_LEN}-octet frames"
	xb_live_rig || return 1
	for ((r = 0; r < XB_ROUNDS; r++)); do
		for c in xmip6 forward seg6 ceiling; do
			xb_live_case "$c" 1 || return 1
		done
	done
}

# ---- scale --------------------------------------------------------------

bench_scale() {
	local n r
	xb_log "scale: bindings $XB_SCALE"
	[ -e "/run/netns/$(xm_ns cost)" ] || xb_cost_ns || return 1
	xb_live_rig || return 1
	for n in $XB_SCALE; do
		xb_run ip netns exec "$(xm_ns cost)" "$XB_BIN" cost ha_encap "$n" "$XB_REPEAT" \
			"$XB_RUNS" || return 1
		# A fresh instance with room for n bindings.
		xb_unload || return 1
		for ((r = 0; r < XB_ROUNDS; r++)); do
			xb_live_case xmip6 "$n" || return 1
		done
		printf '{"item":"map","bindings":%s,"map":%s}\n' "$n" \
			"$(bpftool -j map show pinned "$(xm_pin ha)/bindings")" >>"$XB_RAW"
		xb_unload || return 1
	done
}

# xb_unload: remove the HA instance (its bindings map goes with it).
xb_unload() {
	XB_FILLED=0
	[ -e "$(xm_pin ha)" ] || return 0
	xm_ctl ha unload >/dev/null
}

# ---- profile ------------------------------------------------------------
#
# Where the time goes: perf samples (cpu-clock; this machine may have no
# hardware counters) on CPU 1 while the generator, pinned there, drives
# (a) and (b). NAPI runs where the frames are sent, so the whole path of a
# packet is on that CPU.

bench_profile() {
	local c n data big=${XB_SCALE##* }
	command -v perf >/dev/null || { xb_log "profile: no perf, skipped"; return 0; }
	xb_log "profile: perf record -e cpu-clock on CPU 1: (a), (b), (c); (a) with $big bindings"
	xb_live_rig || return 1
	for c in xmip6:1 forward:1 seg6:1 xmip6:"$big"; do
		n=${c#*:}
		c=${c%:*}
		data=$XB_OUT/perf-$c-$n.data
		[ "$c" = xmip6 ] && [ "$XB_FILLED" != "$n" ] && { xb_unload || return 1; }
		XB_WRAP=(perf record -q -e cpu-clock -C 1 -g -o "$data" -- taskset -c 1)
		xb_live_case "$c" "$n" || return 1
		XB_WRAP=()
		perf report -i "$data" --stdio --no-children --sort symbol --percent-limit 1 \
			-g none 2>/dev/null | "$XM_PYTHON" -c 'import json, re, sys
rows = []
for line in sys.stdin:
    m = re.match(r"\s*([0-9.]+)%\s+\[.\]\s+(.*\S)", line)
    if m:
        rows.append([float(m.group(1)), m.group(2)])
print(json.dumps({"item": "profile", "case": sys.argv[1], "bindings": int(sys.argv[2]),
                  "top": rows}))' "$c" "$n" \
			>>"$XB_RAW"
	done
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
# 100 % of it for the BU -> BA latency.

XB_REG_BIN=$XM_BUILD/bench/xmreg
XB_REG_NODES=${BENCH_REG_NODES:-1000 10000}
XB_REG_SECONDS=${BENCH_REG_SECONDS:-3}
XB_REG_WINDOW=${BENCH_REG_WINDOW:-64}
XB_REG_COA=2001:db8:c0a::100
XB_REG_HA_PID=
XB_REG_PERF_PID=

xb_reg_rig() {
	local ha
	[ -e "/run/netns/$(xm_ns rha)" ] && return 0
	xm_add_ns rmn && xm_add_ns rha || return 1
	ha=$(xm_ns rha)
	# A home agent is a router (and may then join the home agents' anycast).
	xm_exec rha sysctl -qw net.ipv6.conf.all.forwarding=1 || return 1
	xm_link rmn l0 rha h0 || return 1
	xm_exec rmn sysctl -qw net.ipv6.conf.l0.disable_ipv6=1 || return 1
	ip -n "$ha" -6 addr add 2001:db8:c0a::1/64 dev h0 nodad &&
		ip -n "$ha" -6 addr add "$XB_HA_ADDR/128" dev lo &&
		ip -n "$ha" -6 neigh add "$XB_REG_COA" lladdr "$(xb_mac rmn l0)" dev h0 \
			nud permanent || return 1
	xm_retry 50 0.1 xm_ns_ready rha
}

# xb_reg_ha N: (re)start xmip6d as the HA of N mobile nodes.
xb_reg_ha() {
	local n=$1 conf=$XM_TMP/rha.conf
	xb_reg_ha_stop || return 1
	{
		cat <<EOF
pin-dir = "$(xm_pin rha)";
control-socket = "$XM_TMP/rha.sock";
home-agent = {
  address = "$XB_HA_ADDR";
  home-prefix = "2001:db8:100::/64";
  interfaces = [ "h0" ];
  max-bindings = $((n + 16));
EOF
		"$XB_REG_BIN" conf "$n" | sed 's/^/  /'
		echo "};"
	} >"$conf" || return 1
	chmod 600 "$conf"
	xm_daemon rha "$conf" "$XM_TMP/rha-$n.log"
	XB_REG_HA_PID=$XM_LAST_PID
	xm_retry 300 0.1 test -S "$XM_TMP/rha.sock" || return 1
	printf '{"item":"cmd","cmd":"xmip6d -c rha.conf (%s mobile nodes)"}\n' "$n" >>"$XB_RAW"
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

xb_reg_bindings() {
	xm_dctl rha -j binding show | "$XM_PYTHON" -c 'import json, sys
d = json.load(sys.stdin)
print(len(d["bindings"] if isinstance(d, dict) else d))'
}

# xb_cpu_ticks PID: user + system CPU time of a process, in clock ticks.
xb_cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

bench_register() {
	local n count cpu0 cpu1 full
	[ -x "$XB_REG_BIN" ] || xm_die "$XB_REG_BIN missing: run make bench"
	xb_log "register: nodes $XB_REG_NODES, ${XB_REG_SECONDS}s per phase, window $XB_REG_WINDOW"
	xb_reg_rig || return 1
	for n in $XB_REG_NODES; do
		xb_reg_ha "$n" || return 1
		if [ -n "${BENCH_REG_PERF:-}" ]; then
			perf record -q -e cpu-clock -g -p "$XB_REG_HA_PID" -o "$XB_OUT/perf-register-$n.data" &
			XB_REG_PERF_PID=$!
			XM_PIDS+=("$XB_REG_PERF_PID")
		fi
		cpu0=$(xb_cpu_ticks "$XB_REG_HA_PID")
		xb_run ip netns exec "$(xm_ns rmn)" "$XB_REG_BIN" run l0 "$(xb_mac rha h0)" \
			"$XB_HA_ADDR" "$XB_REG_COA" "$n" "$XB_REG_SECONDS" "$XB_REG_WINDOW" \
			10,50,100 || return 1
		if [ -n "$XB_REG_PERF_PID" ]; then
			kill -INT "$XB_REG_PERF_PID"
			xm_wait_pid "$XB_REG_PERF_PID" 20
			XB_REG_PERF_PID=
		fi
		cpu1=$(xb_cpu_ticks "$XB_REG_HA_PID")
		count=$(xb_reg_bindings) || return 1
		[ "$count" = "$n" ] || xb_log "register: WARNING: the HA holds $count bindings, not $n"
		# BUs the XDP program could not hand up (ring buffer full).
		full=$(xm_stat rha sig_ring_full 2>/dev/null) || full=null
		printf '{"item":"register_check","nodes":%s,"bindings":%s,"ha_cpu_s":%s,"sig_ring_full":%s}\n' \
			"$n" "$count" "$(((cpu1 - cpu0) * 1000 / $(getconf CLK_TCK)))e-3" "$full" >>"$XB_RAW"
		xb_reg_ha_stop || return 1
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

# ---- main ---------------------------------------------------------------

xb_main() {
	local s start
	[ -x "$XB_BIN" ] || xm_die "$XB_BIN missing: run make bench"
	xm_init "xmb$$-"
	mkdir -p "$XB_OUT" || exit 1
	: >"$XB_RAW"
	start=$(date -u +%Y-%m-%dT%H:%M:%SZ)
	for s in $XB_SECTIONS; do
		declare -F "bench_$s" >/dev/null || xm_die "no section $s"
		"bench_$s" || xm_die "section $s failed (partial results in $XB_RAW)"
	done
	xm_cleanup
	"$XM_PYTHON" "$XM_REPO/bench/report.py" --raw "$XB_RAW" --out "$XB_OUT" \
		--started "$start" --command "make bench" --settings \
		"BENCH_SECTIONS='$XB_SECTIONS' BENCH_RUNS=$XB_RUNS BENCH_TC_RUNS=$XB_TC_RUNS BENCH_REPEAT=$XB_REPEAT BENCH_ROUNDS=$XB_ROUNDS BENCH_SECONDS=$XB_SECONDS BENCH_SCALE='$XB_SCALE' BENCH_FRAME_LEN=$BENCH_FRAME_LEN BENCH_REG_NODES='$XB_REG_NODES' BENCH_REG_SECONDS=$XB_REG_SECONDS BENCH_REG_WINDOW=$XB_REG_WINDOW BENCH_HO_MOVES=${BENCH_HO_MOVES:-20} BENCH_HO_GAP_MS=${BENCH_HO_GAP_MS:-10}"
}

xb_main "$@"
