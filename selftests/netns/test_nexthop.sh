#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_nexthop.sh - the home agent's next-hop cache (headers/xmip6.h
# "nexthops") follows the kernel: after a route change, a neighbour's new
# link-layer address, the egress link going down and coming back, and a
# policy rule by source added and removed, tunnelled packets take the new
# next hop. Checked packet by packet at the
# sink, not on the daemon's word.
#
#   gen g0 ---- h0 HA h1 ---- sa sink     CoA 2001:db8:c0a::100 via a::2 (sa)
#                     h2 ---- sb sink                            or b::2 (sb)
#
# A numbered stream (selftests/peers/nh_probe.py: each UDP datagram carries
# its sequence number and the CLOCK_MONOTONIC time it was sent) goes from
# gen to the home address; xdp_ha on h0 tunnels it to the CoA, and the sink
# records which interface and destination MAC each tunnelled frame came
# with. Each change is run by `nh_probe.py stamp`, which notes the monotonic
# time before (t0) and after (t1) the `ip` command; xmip6d notes when it
# made the cache stale (nh_state.gen_ns, same clock: read with bpftool).
#
# What is asserted, robust on a loaded machine:
#  - every packet sent before t0 took the old next hop, and every packet
#    sent after gen_ns the new one (no timing assumption: a packet that
#    reaches XDP after the bump looks its route up again);
#  - the daemon's reaction, gen_ns - t1, and the packets' own switch time,
#    the send time of the last packet through the old next hop minus t1,
#    are below a generous NH_BOUND_MS (500 ms; the scheduler of a loaded
#    2-core machine, not the code, makes up most of that) and printed: the
#    target is 10 ms (issue 17), which the printed figures show.
# ECMP is the kernel's: a slot holds the path bpf_fib_lookup() chose for its
# (source, destination), so no ECMP case here.
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
# shellcheck source=scripts/topology.sh
. scripts/topology.sh
# shellcheck source=selftests/lib/tap.sh
. selftests/lib/tap.sh

XM_ROLES="gen ha sink"
HA_ADDR=2001:db8:c::1
GEN_ADDR=2001:db8:c::2
HOA=2001:db8:40::100
COA=2001:db8:c0a::100
NH_A=2001:db8:a::2
NH_B=2001:db8:b::2
BOGUS_MAC=02:00:5e:00:0b:99
PORT=7017
PPS=1000
# Per change: 300 packets or more before it (forwarded_since), then the
# stream goes on until the change is made and AFTER_N more are sent
# (nh_probe.py send --until): it judges however late a loaded machine runs
# the change. STREAM_MAX_S bounds it (15,000 packets at most).
AFTER_N=300
STREAM_MAX_S=15
NH_BOUND_MS=${NH_BOUND_MS:-500}


ha_conf() {
	(umask 077 && cat >"$XM_TMP/ha.conf") <<EOF
log-level = "info";
pin-dir = "$(xm_pin ha)";
control-socket = "$XM_TMP/ha.sock";
home-agent = {
  address = "$HA_ADDR";
  home-prefix = "2001:db8:40::/64";
  interfaces = [ "h0" ];
  home-link = "";
  dad = false;
  mobile-nodes = ( { home-address = "$HOA"; spi = 256; key = "00112233445566778899aabbccddeeff"; } );
};
EOF
}

rig_up() {
	local ha
	xm_add_ns gen && xm_add_ns ha && xm_add_ns sink || return 1
	ha=$(xm_ns ha)
	xm_exec ha sysctl -qw net.ipv6.conf.all.forwarding=1 || return 1
	xm_link gen g0 ha h0 && xm_link ha h1 sink sa && xm_link ha h2 sink sb || return 1
	# A veth takes redirected frames only when its peer runs XDP.
	xm_peer_napi sink sa && xm_peer_napi sink sb && xm_peer_napi gen g0 || return 1
	xm_addr gen g0 "$GEN_ADDR/64" && xm_addr ha h0 "$HA_ADDR/64" &&
		xm_addr ha h1 2001:db8:a::1/64 && xm_addr ha h2 2001:db8:b::1/64 &&
		xm_addr sink sa "$NH_A/64" && xm_addr sink sb "$NH_B/64" || return 1
	ip -n "$(xm_ns gen)" -6 route add 2001:db8:40::/64 via "$HA_ADDR" || return 1
	ip -n "$ha" -6 neigh replace "$NH_A" lladdr "$(xm_mac sink sa)" dev h1 nud permanent &&
		ip -n "$ha" -6 neigh replace "$NH_B" lladdr "$(xm_mac sink sb)" dev h2 nud permanent &&
		ip -n "$ha" -6 route add 2001:db8:c0a::/48 via "$NH_A" dev h1 metric 100 || return 1
	xm_retry 50 0.1 xm_ns_ready gen && xm_retry 50 0.1 xm_ns_ready ha &&
		xm_retry 50 0.1 xm_ns_ready sink
}

daemon_up() {
	ha_conf
	xm_start_daemon ha HA_PID || return 1
	xm_dctl ha binding add "$HOA" "$COA"
}

# The cache's generation record, as the data plane reads it.
nh_field() {
	bpftool -j map lookup pinned "$(xm_pin ha)/nh_state" key 0 0 0 0 |
		jget "d['formatted']['value']['$1']"
}

cache_on() {
	local gen
	gen=$(nh_field gen) || return 1
	echo "nh_state.gen $gen"
	[ "$gen" -gt 0 ]
}

# forwarded_since COUNT N: N more packets tunnelled in XDP than COUNT.
forwarded_since() { [ "$(xm_stat ha ha_encap_fwd)" -ge $(($1 + $2)) ]; }

# The sink's frames, one JSON object a line (see nh_probe.py).
sink_file() { echo "$XM_TMP/$1.frames"; }

# check_switch NAME OLD NEW: the assertions above on the recorded frames.
check_switch() {
	"$XM_PYTHON" - "$XM_TMP/$1.frames" "$XM_TMP/$1.stamp" "$2" "$3" "$NH_BOUND_MS" \
		"${NO_DAEMON:-0}" <<'EOF'
import json, sys
frames_f, stamp_f, old, new, bound, no_daemon = sys.argv[1:7]
bound = float(bound)
frames = [json.loads(l) for l in open(frames_f) if l.strip()]
st = json.load(open(stamp_f))
t0, t1 = st["t0"], st["t1"]
if no_daemon == "1":
    # Cache off: every packet XDP sees after the change looks it up.
    st["bumps"] = [t1]
elif not st["bumps"]:
    print("xmip6d started no generation within 0.5 s of the change")
    sys.exit(1)
# The last generation the change caused: one change can be several events
# (a link going down: the link, its routes, its neighbours).
gen_ns = max(st["bumps"])
path = lambda f: "%s/%s" % (f["if"], f["dmac"])
bad = []
if st["rc"] != 0:
    bad.append("the change command failed (rc %d)" % st["rc"])
before = [f for f in frames if f["sent_ns"] < t0]
after = [f for f in frames if f["sent_ns"] > gen_ns]
for f in before:
    if path(f) != old:
        bad.append("seq %d sent before the change took %s" % (f["seq"], path(f)))
for f in after:
    if path(f) != new:
        bad.append("seq %d sent after the cache went stale took %s" % (f["seq"], path(f)))
old_after = [f["sent_ns"] for f in frames if path(f) == old and f["sent_ns"] >= t1]
switch_ms = (max(old_after) - t1) / 1e6 if old_after else 0.0
react_ms = (gen_ns - t1) / 1e6
print("%d frames: %d sent before the change, %d after the last bump; command %.1f ms; "
      "xmip6d's bumps at %s ms after it returned; last packet on the old next hop sent "
      "%.2f ms after it (target 10 ms, bound %g ms)"
      % (len(frames), len(before), len(after), (t1 - t0) / 1e6,
         ", ".join("%.2f" % ((b - t1) / 1e6) for b in st["bumps"]), switch_ms, bound))
if len(before) < 100 or len(after) < 100:
    bad.append("too few frames around the change to judge (%d before, %d after)"
               % (len(before), len(after)))
if react_ms > bound or switch_ms > bound:
    bad.append("switch slower than %g ms" % bound)
for b in bad[:10]:
    print(b)
sys.exit(1 if bad else 0)
EOF
}

# stream_change NAME OLD NEW CMD...: a stream through the HA, CMD run in
# the HA's namespace once it flows, the sink's frames checked (check_switch);
# OLD and NEW are the "if/mac" of the next hop before and after CMD.
stream_change() {
	local name=$1 old=$2 new=$3 sink_pid send_pid fwd0 changed
	shift 3
	changed=$XM_TMP/$name.changed
	fwd0=$(xm_stat ha ha_encap_fwd) || return 1
	ip netns exec "$(xm_ns sink)" timeout 25 "$XM_PYTHON" selftests/peers/nh_probe.py sink \
		--end "$PORT" $((STREAM_MAX_S + 3)) sa sb >"$(sink_file "$name")" &
	sink_pid=$!
	XM_PIDS+=("$sink_pid")
	sleep 0.3 # the sink's sockets are bound well before the first packet
	xm_bg gen timeout 25 "$XM_PYTHON" selftests/peers/nh_probe.py send "$HOA" "$PORT" \
		"$PPS" "$STREAM_MAX_S" --until "$changed" "$AFTER_N"
	send_pid=$XM_LAST_PID
	# A few hundred packets through the old next hop first, however slowly
	# the generator starts on a loaded machine (bounded: 5 s).
	xm_retry 50 0.1 forwarded_since "$fwd0" 300 || { touch "$changed"; return 1; }
	# nsenter, not ip netns exec: bpftool must see bpffs.
	nsenter --net="/run/netns/$(xm_ns ha)" timeout 20 "$XM_PYTHON" \
		selftests/peers/nh_probe.py stamp "$(xm_pin ha)/nh_state" "$@" >"$XM_TMP/$name.stamp"
	# Every bump is recorded: what the stream sends from now on is "after".
	touch "$changed"
	xm_wait_pid "$send_pid" 25 >/dev/null
	xm_wait_pid "$sink_pid" 25 >/dev/null
	check_switch "$name" "$old" "$new"
}

xm_init xnh$$-
t_fatal "rig: gen -> HA (h1: a::2, h2: b::2) -> sink, XDP on the sink's ends" rig_up
t_fatal "xmip6d home agent up, static binding $HOA -> $COA" daemon_up
t_fatal "the daemon turned the next-hop cache on (nh_state.gen > 0)" cache_on

MAC_A=$(xm_mac sink sa)
MAC_B=$(xm_mac sink sb)
HA=$(xm_ns ha)

t "route change (CoA via a::2 on h1 -> via b::2 on h2): packets move with it" \
	stream_change route "sa/$MAC_A" "sb/$MAC_B" \
	ip -6 route replace 2001:db8:c0a::/48 via "$NH_B" dev h2 metric 100

t "neighbour change (b::2 gets another MAC): packets go to the new MAC" \
	stream_change neigh "sb/$MAC_B" "sb/$BOGUS_MAC" \
	ip -6 neigh replace "$NH_B" lladdr "$BOGUS_MAC" dev h2 nud permanent

# Back to h1 as the preferred path, h2 (with its real MAC) as the backup.
prepare_down() {
	ip -n "$HA" -6 neigh replace "$NH_B" lladdr "$MAC_B" dev h2 nud permanent &&
		ip -n "$HA" -6 route replace 2001:db8:c0a::/48 via "$NH_A" dev h1 metric 100 &&
		ip -n "$HA" -6 route add 2001:db8:c0a::/48 via "$NH_B" dev h2 metric 200
}
t "preferred route via h1 (metric 100), backup via h2 (metric 200)" prepare_down

t "interface down (h1): packets take the backup route via h2" \
	stream_change down "sa/$MAC_A" "sb/$MAC_B" ip link set h1 down

# The operator's part after h1 comes back: the kernel dropped its address,
# neighbour and routes with it (keep_addr_on_down=0).
cat >"$XM_TMP/up.sh" <<EOF
ip link set h1 up &&
ip -6 addr add 2001:db8:a::1/64 dev h1 nodad &&
ip -6 neigh replace $NH_A lladdr $MAC_A dev h1 nud permanent &&
ip -6 route replace 2001:db8:c0a::/48 via $NH_A dev h1 metric 100
EOF
t "interface up (h1, address, neighbour and route back): packets return to h1" \
	stream_change up "sb/$MAC_B" "sa/$MAC_A" bash "$XM_TMP/up.sh"

# Source routing: with only the kernel's rules and no source route a slot
# is keyed without the source (nh_state.flags XMIP6_NH_F_SRC_FREE); a
# policy rule for the tunnel's source (the HA address, outer source of
# every tunnelled packet) turns that off, and its packets take the rule's
# table; without the rule they are back on the main table's route.
nh_flags_are() {
	local flags
	flags=$(nh_field flags) || return 1
	echo "nh_state.flags $flags (want $1)"
	[ "$flags" -eq "$1" ]
}
t "only the kernel's rules, no source route: slots keyed without the source (flags 1)" \
	xm_retry 20 0.1 nh_flags_are 1
t "table 100: the CoA via b::2 on h2" \
	ip -n "$HA" -6 route add 2001:db8:c0a::/48 via "$NH_B" dev h2 table 100
t "rule from 2001:db8:c::/64 table 100: the tunnel's packets take table 100 (h2)" \
	stream_change rule_add "sa/$MAC_A" "sb/$MAC_B" \
	ip -6 rule add from 2001:db8:c::/64 table 100 priority 100
t "with the rule: slots keyed with the source (flags 0)" xm_retry 20 0.1 nh_flags_are 0
t "rule removed: the tunnel's packets are back on the main table (h1)" \
	stream_change rule_del "sb/$MAC_B" "sa/$MAC_A" \
	ip -6 rule del from 2001:db8:c::/64 table 100 priority 100
t "rule removed: slots keyed without the source again (flags 1)" \
	xm_retry 20 0.1 nh_flags_are 1

bumps() {
	local n
	n=$(nh_field bumps) || return 1
	echo "generations started by xmip6d: $n"
	[ "$n" -ge 5 ]
}
t "xmip6d started a generation for each change (nh_state.bumps)" bumps

mono_ns() { "$XM_PYTHON" -c 'import time; print(time.monotonic_ns())'; }
lease_over() { [ "$(mono_ns)" -gt "$(nh_field lease_ns)" ]; }

# SIGKILL: no stop hook turns the cache off; its lease runs out instead.
daemon_killed() {
	local left
	left=$(($(nh_field lease_ns) - $(mono_ns)))
	kill -KILL "$HA_PID" && wait "$HA_PID" 2>/dev/null
	echo "lease left when killed: $((left / 1000000)) ms (XMIP6_NH_LEASE_MS 500)"
	[ "$left" -le 500000000 ] && xm_retry 20 0.1 lease_over
}
t "daemon killed (SIGKILL): the cache's lease runs out within 0.5 s" daemon_killed

# check_switch reads NO_DAEMON: with the cache off there is no bump to
# wait for; every packet XDP sees after the change looks its route up.
NO_DAEMON=1
t "no daemon: a route change (h1 -> h2) moves packets at once" \
	stream_change nodaemon "sa/$MAC_A" "sb/$MAC_B" \
	ip -6 route replace 2001:db8:c0a::/48 via "$NH_B" dev h2 metric 100
NO_DAEMON=0

daemon_back() {
	local gen
	xm_start_daemon ha HA_PID || return 1
	gen=$(nh_field gen) || return 1
	echo "nh_state.gen after the restart: $gen"
	[ "$gen" -gt 0 ] && ! lease_over
}
t "daemon restarted: the cache is on again, with a new generation" daemon_back

daemon_down() {
	xm_stop_pid "$HA_PID" 5 || return 1
	local gen
	gen=$(nh_field gen) || return 1
	echo "nh_state.gen after the daemon stopped: $gen"
	[ "$gen" -eq 0 ]
}
t "daemon stopped: the cache is off (every packet looks its route up)" daemon_down

finish
