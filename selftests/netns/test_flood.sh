#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# xmip6-test: serial (a flood at full speed: it takes the machine)
#
# test_flood.sh - a flood of forged Binding Updates at the home agent
# (RFC 6275 section 15.1) while a legitimate mobile node moves and
# registers. The forgeries are complete home registrations (H, A, HAO,
# timestamp, RFC 4285 authenticator, right MH checksum) signed with random
# keys from random spoofed sources, built with Scapy (flood_frames.py) and
# replayed by flood_tool as fast as one core sends, on a second link into
# the HA. Two kinds, one phase each:
#
#   unlisted   random home addresses the HA does not serve;
#   spoof-hoa  the mobile node's own home address and SPI, wrong keys.
#
# During each phase the MN moves between two care-of addresses every
# MOVE_EVERY seconds, MOVES times; every move is a registration that must
# reach the HA. The flood lasts until the last move is done (a move that
# does not register takes MOVE_DEADLINE), so every move is made under it.
# Measured and printed: the flood rate, the share of the MN's moves the HA
# took (and how long each took), the MN's BUs answered, the XDP and daemon
# counters. Checked: the flood really ran, the moves registered in time
# (all of them when the forgeries name unlisted home addresses, which XDP
# keeps out of the daemon's ring; at least half when they name the MN's own,
# which only the HMAC can refuse), no binding lost, the ring buffer
# overflow counted and survived, the unauthenticated refusals rate-limited
# (no reflection), and MAX_UPDATE_RATE kept by the MN and enforced by the HA
# on an authentic node that sends too fast.
#
#   CN --- R1 --- R2 --- MN eth0 (CoA 2001:db8:20::100 <-> 2001:db8:21::100)
#           +-- HA eth0 (home link)
#               HA eth9 --- atk0 ATK (2001:db8:66::/48, the forgeries' sources)
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
XM_TOPO=daemon
# shellcheck source=scripts/topology.sh
. scripts/topology.sh
# shellcheck source=selftests/lib/tap.sh
. selftests/lib/tap.sh

KEY_MN=00112233445566778899aabbccddeeff
# 5 moves a phase (3 needed), a move a second, each one BU, within
# MAX_UPDATE_RATE (3 a second, RFC 6275 11.8): about 6 s of flood at the
# rate one core sends (a million forgeries or more, 100,000 needed).
MOVES=${XMIP6_FLOOD_MOVES:-5}
FLOOD_MAX=${XMIP6_FLOOD_MAX:-50000000}
MOVE_EVERY=${XMIP6_FLOOD_MOVE_EVERY:-1}
MOVE_DEADLINE=4 # seconds a move may take to register: first BU and two retransmissions
# The flood's bound: 1 s to fill the queues, then every move at its deadline.
FLOOD_SECONDS=$((1 + MOVES * MOVE_DEADLINE + 2))
ATK_HA_ADDR=2001:db8:66::a
ATK_ADDR=2001:db8:66::1
ATK_PREFIX=2001:db8:66::/48
ATK_IF=atk0
HA_ATK_IF=eth9
FLOOD_TOOL=$XM_BUILD/selftests/flood_tool
CUR_COA=$XM_COA # where the MN is

attacker_up() {
	xm_add_ns atk && xm_link atk "$ATK_IF" ha "$HA_ATK_IF" &&
		xm_addr atk "$ATK_IF" "$ATK_ADDR/64" && xm_addr ha "$HA_ATK_IF" "$ATK_HA_ADDR/64" &&
		ip -n "$(xm_ns ha)" -6 route add "$ATK_PREFIX" via "$ATK_ADDR" dev "$HA_ATK_IF" &&
		xm_exec atk sysctl -qw net.ipv6.conf.all.forwarding=0
}

start_daemons() {
	xm_start_daemon ha HA_PID && xm_start_daemon mn MN_PID && kill -0 "$HA_PID"
}

make_both_frames() {
	local pid rc=0
	make_frames unlisted &
	pid=$!
	make_frames spoof-hoa || rc=1
	wait "$pid" || rc=1
	return "$rc"
}

make_frames() {
	local kind=$1 mac
	mac=$(ip -n "$(xm_ns ha)" -j link show "$HA_ATK_IF" | jget "d[0]['address']") || return 1
	"$XM_PYTHON" selftests/peers/flood_frames.py --out "$XM_TMP/$kind.frames" --count 2048 \
		--kind "$kind" --ha "$XM_HA_ADDR" --home-prefix "$XM_HOME_PREFIX" \
		--src-prefix "$ATK_PREFIX" --hoa "$XM_HOA" --dst-mac "$mac" &&
		[ -s "$XM_TMP/$kind.frames" ]
}

bul_state() { xm_dctl mn -j bul show | jget "d['bul'][0]['state']"; }
registered() { [ "$(bul_state 2>/dev/null)" = registered ]; }
ha_coa() {
	xm_dctl ha -j binding show home-address "$XM_HOA" | jget "d['bindings'][0]['care_of_addr']"
}
# During the flood, from the pinned binding cache (what the data plane uses),
# not through the daemon it floods.
map_coa_is() {
	[ "$(xm_ctl ha -j binding show home-address "$XM_HOA" 2>/dev/null |
		jget "d['bindings'][0]['care_of_addr']" 2>/dev/null)" = "$1" ]
}
# until_ns DEADLINE_NS CMD...: CMD until it succeeds or the clock passes DEADLINE_NS.
until_ns() {
	local deadline=$1
	shift
	while [ "$(date +%s%N)" -lt "$deadline" ]; do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}
# A daemon counter: stat ROLE PYTHON_EXPR_ON_d
stat() { xm_dctl "$1" -j stats show | jget "$2"; }

# Move the MN to care-of address $1 (the other one goes), through router $2.
move_to() {
	local to=$1 via=$2 from=$3
	# One ip process a move (-force: the address may be gone already), so
	# that quick moves stay quick on a loaded machine.
	printf '%s\n' "addr del $from/64 dev $XM_MN_IF" \
		"addr add $to/64 dev $XM_MN_IF nodad" \
		"route replace default via $via dev $XM_MN_IF" |
		ip -6 -n "$(xm_ns mn)" -force -batch - >/dev/null 2>&1
	# (The route is replaced after the address: it needs it on-link.)
	ip -n "$(xm_ns mn)" -6 route show default dev "$XM_MN_IF" | grep -q "via $via "
}

# The counters a phase compares, on one line: the MN's BUs sent and BAs
# accepted; the HA's records to the daemon, ring-full drops, unauthenticated
# refusals held back and BUs over MAX_UPDATE_RATE.
phase_counters() {
	local mn ha
	mn=$(xm_dctl mn -j stats show) || return 1
	ha=$(xm_dctl ha -j stats show) || return 1
	XM_MN=$mn XM_HA=$ha "$XM_PYTHON" -c '
import json, os
m, h = json.loads(os.environ["XM_MN"]), json.loads(os.environ["XM_HA"])
print(m["messages"]["tx"]["BU"], m["ba_status"]["received"]["accepted"],
      h["dataplane"]["sig_to_daemon"], h["dataplane"]["sig_ring_full"],
      h["icmpv6"]["errors_ratelimited"], h["drops"]["update_rate"])'
}

# flood_phase KIND: flood while the MN makes its MOVES moves (at most
# FLOOD_SECONDS); writes $XM_TMP/KIND.result (one line of numbers) and
# KIND.summary (for the log).
flood_phase() {
	local kind=$1 flood_pid moves=0 ok=0 t0 t1 ms lat="" ctl_ms=-
	local before after fl fl_sent fl_pps fl_secs d
	before=$(phase_counters) || return 1
	xm_bg atk "$FLOOD_TOOL" "$ATK_IF" "$XM_TMP/$kind.frames" "$FLOOD_SECONDS" "$FLOOD_MAX" \
		>"$XM_TMP/$kind.flood.json"
	flood_pid=$XM_LAST_PID
	sleep 1 # let the flood fill whatever queue it fills
	while kill -0 "$flood_pid" 2>/dev/null && ((moves < MOVES)); do
		if [ "$CUR_COA" = "$XM_COA" ]; then
			move_to "$XM_COA2" "$XM_R2_VISIT2_ADDR" "$XM_COA" || return 1
			CUR_COA=$XM_COA2
		else
			move_to "$XM_COA" "$XM_R2_VISIT_ADDR" "$XM_COA2" || return 1
			CUR_COA=$XM_COA
		fi
		moves=$((moves + 1))
		t0=$(date +%s%N)
		if until_ns $((t0 + MOVE_DEADLINE * 1000000000)) map_coa_is "$CUR_COA"; then
			t1=$(date +%s%N)
			ms=$(((t1 - t0) / 1000000))
			ok=$((ok + 1))
			lat="$lat $ms"
			sleep "$(awk -v ms="$ms" -v e="$MOVE_EVERY" 'BEGIN { s = e - ms / 1000; print (s > 0 ? s : 0) }')"
		else
			lat="$lat -"
		fi
		if ((moves == 1)); then
			t0=$(date +%s%N)
			xm_dctl ha -j stats show >/dev/null || return 1
			ctl_ms=$((($(date +%s%N) - t0) / 1000000))
		fi
	done
	kill -TERM "$flood_pid" 2>/dev/null # the moves are done: so is the flood
	xm_wait_pid "$flood_pid" 20 || return 1
	after=$(phase_counters) || return 1
	# mn_bu mn_ba_accepted to_daemon ring_full refusals_held_back update_rate
	read -ra d <<<"$(paste -d' ' <(tr ' ' '\n' <<<"$after") <(tr ' ' '\n' <<<"$before") |
		awk '{ printf "%d ", $1 - $2 }')"
	fl=$(jget "'%d %.0f %d' % (d['sent'], d['pps'], -(-d['seconds'] // 1))" \
		<"$XM_TMP/$kind.flood.json") || return 1
	read -r fl_sent fl_pps fl_secs <<<"$fl"
	# flood_sent flood_pps moves moves_ok, the counter deltas above, then
	# the flood's seconds (rounded up)
	echo "$fl_sent $fl_pps $moves $ok ${d[*]} $fl_secs" >"$XM_TMP/$kind.result"
	echo "$kind flood: $fl_sent forged BUs at $fl_pps pps for $fl_secs s;" \
		"MN moves registered $ok/$moves (ms:$lat); MN BUs ${d[0]}, accepted BAs ${d[1]};" \
		"HA XDP to daemon ${d[2]}, ring full ${d[3]}; unauthenticated refusals not sent" \
		"${d[4]}; control socket answered in $ctl_ms ms" >"$XM_TMP/$kind.summary"
	cat "$XM_TMP/$kind.summary"
}

field() { cut -d' ' -f"$2" <"$XM_TMP/$1.result"; }

flood_was_real() {
	local sent
	sent=$(field "$1" 1)
	echo "forged BUs sent: $sent"
	[ "$sent" -ge 100000 ]
}

# moves_registered KIND all|half: that share of the MN's moves registered
# within MOVE_DEADLINE (the first BU or one of its first two retransmissions).
moves_registered() {
	local moves ok
	moves=$(field "$1" 3)
	ok=$(field "$1" 4)
	echo "moves registered within ${MOVE_DEADLINE} s: $ok of $moves"
	[ "$moves" -ge 3 ] || return 1
	if [ "$2" = all ]; then
		[ "$ok" = "$moves" ]
	else
		[ $((ok * 2)) -ge "$moves" ]
	fi
}

# Whatever the flood cost, the MN's last care-of address is registered
# within its backoff (BUs at 0, 1, 3, 7, 15 s) once the flood is over.
final_coa_registered() {
	until_ns $(($(date +%s%N) + 16000000000)) map_coa_is "$CUR_COA"
}

binding_kept() {
	kill -0 "$HA_PID" "$MN_PID" && xm_retry 50 0.1 registered &&
		xm_retry 10 0.5 xm_ping_ok cn 3 "$XM_HOA"
}

refusals_limited() {
	local sent limited secs
	sent=$(stat ha "d['ba_status']['sent']['not_home_agent'] + d['ba_status']['sent']['auth_fail']") ||
		return 1
	limited=$(field "$1" 9)
	secs=$(field "$1" 11)
	echo "BA 133/146 sent in all: $sent; unauthenticated refusals held back this phase: $limited"
	# 10 a second at most, shared with ICMPv6 errors (daemon_error_allowed).
	[ "$limited" -gt 0 ] && [ "$sent" -le $(((secs + 5) * 10 * 2 + 10)) ]
}

# Whether the flood above outran the daemon depends on how fast this machine
# sends against how fast it reads (printed above). The overflow itself is
# made certain: the HA's daemon is held (SIGSTOP) while twice as many
# forgeries as the ring has records arrive (its size from bpftool: it grows
# with max-bindings, user/dp/attach.c; a record is a struct xmip6_signal,
# headers/xmip6.h: 16 octets, the binding read with it 128, the packet's
# room, and its 8-byte header). XDP must count what it cannot
# queue, and the daemon must go on once released.
ring_overflow_survived() {
	local full0 full1 bytes maxlen frames rc=0
	bytes=$(xm_map_entries ha signal) || return 1
	maxlen=$(awk '$2 == "XMIP6_SIGNAL_MAX_LEN" { print $3 }' headers/xmip6.h)
	frames=$((2 * bytes / (16 + 128 + maxlen + 8) + 1000))
	full0=$(stat ha "d['dataplane']['sig_ring_full']") || return 1
	kill -STOP "$HA_PID" || return 1
	xm_exec atk "$FLOOD_TOOL" "$ATK_IF" "$XM_TMP/spoof-hoa.frames" 20 "$frames" || rc=1
	kill -CONT "$HA_PID"
	[ "$rc" = 0 ] || { echo "flood_tool failed"; return 1; }
	full1=$(stat ha "d['dataplane']['sig_ring_full']") || return 1
	echo "flood phase: ring full $(field spoof-hoa 8); a ring of $bytes bytes, $frames" \
		"forged BUs to the held daemon: ring full $full0 -> $full1"
	[ "$full1" -gt "$full0" ] && kill -0 "$HA_PID"
}

# quiet_for SECONDS: wait (at most 5 tries) until the HA has received no
# Binding Update for SECONDS.
quiet_for() {
	local i rx0 rx1
	for i in 1 2 3 4 5; do
		rx0=$(stat ha "d['messages']['rx']['BU']") || return 1
		sleep "$1"
		rx1=$(stat ha "d['messages']['rx']['BU']") || return 1
		[ "$rx0" = "$rx1" ] && return 0
		echo "try $i: the HA received $((rx1 - rx0)) BU(s) in $1 s; waiting again"
	done
	return 1
}

# bus_counted ACC0 DROP0 N: the HA has accepted or dropped N BUs since.
bus_counted() {
	local acc drop
	acc=$(stat ha "d['ba_status']['sent']['accepted']") || return 1
	drop=$(stat ha "d['drops']['update_rate']") || return 1
	[ $((acc - $1 + drop - $2)) -ge "$3" ]
}

# An authentic node that sends faster than MAX_UPDATE_RATE: 8 BUs for the MN's
# home address, fresh sequence numbers and timestamps, back to back from the
# MN's namespace (mip6_peer.py --count, Scapy): the HA accepts 3 and drops the
# other 5 unanswered, counted. (The BAs go to the MN's daemon, whose XDP takes
# them before any sniffer: the HA's counters tell.)
update_rate_enforced() {
	local seq0 acc0 acc1 drop0 drop1 coa
	# The HA counts every authentic BU for the home address in the last
	# second (10 % jitter allowed): the MN's own last BU (the moves before
	# this check) would take one of the three places. Start once the HA
	# has received no BU for 1.2 s.
	quiet_for 1.2 || return 1
	coa=$(ha_coa) || return 1
	seq0=$(xm_dctl ha -j binding show home-address "$XM_HOA" |
		jget "d['bindings'][0]['sequence']") || return 1
	acc0=$(stat ha "d['ba_status']['sent']['accepted']") || return 1
	drop0=$(stat ha "d['drops']['update_rate']") || return 1
	xm_exec mn "$XM_PYTHON" selftests/peers/mip6_peer.py bu --coa "$coa" --ha "$XM_HA_ADDR" \
		--hoa "$XM_HOA" --seq $(((seq0 + 100) % 65536)) --lifetime 600 --flags AH \
		--spi 256 --key "$KEY_MN" --timestamp now --count 8 --wait 1 >/dev/null || return 1
	# All 8 counted, accepted or dropped (bounded: 2 s).
	xm_retry 20 0.1 bus_counted "$acc0" "$drop0" 8 || true
	acc1=$(stat ha "d['ba_status']['sent']['accepted']") || return 1
	drop1=$(stat ha "d['drops']['update_rate']") || return 1
	echo "8 authentic BUs back to back: accepted $((acc1 - acc0)), dropped by the rate" \
		"$((drop1 - drop0))"
	[ $((acc1 - acc0)) = 3 ] && [ $((drop1 - drop0)) = 5 ]
}

# The MN paces itself: six moves within ~200 ms make at most MAX_UPDATE_RATE
# BUs in the first second, none of them dropped by the HA's check, and the
# last care-of address registers once the window opens. On a loaded machine
# the moves themselves may take longer than that second: a sliding one-second
# window of 3 lets at most 3 x (whole seconds of the span + 1) through in it.
mn_paces_bus() {
	local rx0 rx1 drop0 drop1 i t0 final span_ms bound
	rx0=$(stat ha "d['messages']['rx']['BU']") || return 1
	drop0=$(stat ha "d['drops']['update_rate']") || return 1
	t0=$(date +%s%N)
	for i in 1 2 3 4 5 6; do
		if [ "$CUR_COA" = "$XM_COA" ]; then
			move_to "$XM_COA2" "$XM_R2_VISIT2_ADDR" "$XM_COA" && CUR_COA=$XM_COA2
		else
			move_to "$XM_COA" "$XM_R2_VISIT_ADDR" "$XM_COA2" && CUR_COA=$XM_COA
		fi || return 1
		sleep 0.03
	done
	final=$CUR_COA
	# What the HA got within 900 ms of the first move.
	sleep "$(awk -v t0="$t0" -v now="$(date +%s%N)" 'BEGIN { s = 0.9 - (now - t0) / 1e9; print (s > 0 ? s : 0) }')"
	rx1=$(stat ha "d['messages']['rx']['BU']") || return 1
	span_ms=$((($(date +%s%N) - t0) / 1000000))
	bound=$((3 * (span_ms / 1000 + 1)))
	echo "6 moves in $span_ms ms: the HA received $((rx1 - rx0)) BUs (at most $bound)"
	[ $((rx1 - rx0)) -le "$bound" ] || return 1
	until_ns $(($(date +%s%N) + 4000000000)) map_coa_is "$final" || return 1
	drop1=$(stat ha "d['drops']['update_rate']") || return 1
	echo "the last care-of address $final registered; BUs the HA dropped for rate: $((drop1 - drop0))"
	[ "$drop1" = "$drop0" ]
}

main() {
	xm_init
	[ -x "$XM_D_BIN" ] || { echo "1..0 # SKIP $XM_D_BIN not built"; exit 0; }
	[ -x "$FLOOD_TOOL" ] || { echo "1..0 # SKIP $FLOOD_TOOL not built"; exit 0; }
	t_fatal "topology (daemon variant) comes up, attacker link to the HA" \
		eval 'xm_topo_up && attacker_up'
	XM_HA_EXTRA_IFS=$HA_ATK_IF xm_write_confs "$KEY_MN" info
	xm_exec ha sysctl -qw "net.ipv6.neigh.$XM_HA_IF.retrans_time_ms=300"
	# (The two sets side by side: the file runs alone, on every CPU.)
	t_fatal "forged BU frames built with Scapy (2 x 2048)" make_both_frames
	t_fatal "HA and MN daemons start" start_daemons
	t_fatal "MN registers" xm_retry 50 0.1 registered

	t_fatal "flood of BUs for unlisted home addresses, MN moving" flood_phase unlisted
	diag <"$XM_TMP/unlisted.summary"
	t "unlisted: the flood ran (>= 100,000 forged BUs)" flood_was_real unlisted
	t "unlisted: every move of the MN registered within ${MOVE_DEADLINE} s" \
		moves_registered unlisted all
	t "unlisted: refusals to forged BUs rate-limited (no reflection)" refusals_limited unlisted
	t "unlisted: binding kept, data flows" binding_kept

	t_fatal "flood of BUs for the MN's home address with wrong keys, MN moving" \
		flood_phase spoof-hoa
	diag <"$XM_TMP/spoof-hoa.summary"
	t "spoof-hoa: the flood ran (>= 100,000 forged BUs)" flood_was_real spoof-hoa
	# These forgeries reach the daemon (only the HMAC tells them apart):
	# a real BU loses its place in a full ring now and then and is sent
	# again; how often is measured and printed above.
	t "spoof-hoa: at least half the moves registered within ${MOVE_DEADLINE} s" \
		moves_registered spoof-hoa half
	t "spoof-hoa: the MN's last care-of address registered" final_coa_registered
	t "spoof-hoa: ring buffer overflow (daemon held) counted in XDP, HA survived" \
		ring_overflow_survived
	t "spoof-hoa: binding kept, data flows" binding_kept

	t "MAX_UPDATE_RATE: the MN paces its BUs over six quick moves, the last CoA registers" \
		mn_paces_bus
	t "MAX_UPDATE_RATE: an authentic node's 4th+ BU within a second dropped, counted" \
		update_rate_enforced
	finish
}

main
