#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_restart.sh - hitless restart: `kill -9` of xmip6d, home
# agent and then mobile node, in the middle of a 10,000 packets/s UDP
# stream from the CN through the tunnel to the home address; each daemon is
# restarted from its config at once. The data plane and the binding cache
# live in pinned BPF objects, so no packet and no binding may be lost, and
# the registration goes on where it was: the HA keeps care-of address and
# sequence number, the restarted MN takes up its registration from its map,
# and its next Binding Update (after a move) carries the next sequence
# number and is accepted without a rejection (BA 135).
#
#   CN --- R1 --- R2 --- MN eth0 (2001:db8:20::100, HoA 2001:db8:1::100)
#           +-- HA (home link)
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
XM_TOPO=daemon
# shellcheck source=scripts/topology.sh
. scripts/topology.sh
# shellcheck source=selftests/lib/tap.sh
. selftests/lib/tap.sh

KEY_MN=00112233445566778899aabbccddeeff
PPS=${XMIP6_RESTART_PPS:-10000}
SECONDS_STREAM=6
PORT=7009

start_ha() { xm_start_daemon ha HA_PID; }
start_mn() { xm_start_daemon mn MN_PID; }

bul_state() { xm_dctl mn -j bul show | jget "d['bul'][0]['state']"; }
registered() { [ "$(bul_state 2>/dev/null)" = registered ]; }
ha_binding() {
	xm_dctl ha -j binding show home-address "$XM_HOA" |
		jget "'%s %s' % (d['bindings'][0]['care_of_addr'], d['bindings'][0]['sequence'])"
}
ha_coa_is() { [ "$(ha_binding 2>/dev/null | cut -d' ' -f1)" = "$1" ]; }
ba_135() { xm_dctl ha -j stats show | jget "d['ba_status']['sent']['seq_out_of_window']"; }

kill9_ha_keeps_binding() {
	local before after
	before=$(ha_binding) || return 1
	kill -KILL "$HA_PID" && wait "$HA_PID" 2>/dev/null
	start_ha || return 1
	after=$(ha_binding) || return 1
	echo "HA binding before: $before, after the restart: $after"
	[ -n "$before" ] && [ "$before" = "$after" ]
}

kill9_mn_keeps_registration() {
	local before after mn_seq
	before=$(ha_binding) || return 1
	kill -KILL "$MN_PID" && wait "$MN_PID" 2>/dev/null
	start_mn || return 1
	# It goes on with the binding it left in its map: no new BU needed.
	xm_retry 50 0.1 registered || return 1
	mn_seq=$(xm_dctl mn -j bul show | jget "d['bul'][0]['sequence']") || return 1
	after=$(ha_binding) || return 1
	echo "HA binding before $before, after the MN's restart $after; the MN's sequence $mn_seq"
	[ "$before" = "$after" ] && [ "$mn_seq" = "${after#* }" ]
}

# After the restarts, the MN moves: its next BU carries the next sequence
# number and is accepted at once (no BA 135, no retransmission needed).
next_bu_accepted() {
	local seq0 seq1 rej0 rej1
	seq0=$(ha_binding | cut -d' ' -f2) || return 1
	rej0=$(ba_135) || return 1
	ip -n "$(xm_ns mn)" -6 addr del "$XM_COA/64" dev "$XM_MN_IF" &&
		ip -n "$(xm_ns mn)" -6 addr add "$XM_COA2/64" dev "$XM_MN_IF" nodad &&
		ip -n "$(xm_ns mn)" -6 route replace default via "$XM_R2_VISIT2_ADDR" dev "$XM_MN_IF" ||
		return 1
	xm_retry 50 0.1 ha_coa_is "$XM_COA2" || return 1
	seq1=$(ha_binding | cut -d' ' -f2) || return 1
	rej1=$(ba_135) || return 1
	echo "sequence $seq0 -> $seq1 at the new CoA; BA 135 sent: $rej0 -> $rej1"
	[ "$seq1" = $((seq0 + 1)) ] && [ "$rej1" = "$rej0" ]
}

stream_start() {
	xm_bg mn "$XM_PYTHON" selftests/peers/stream.py recv "$XM_HOA" "$PORT" "$SECONDS_STREAM" 2 \
		$((PPS * SECONDS_STREAM)) >"$XM_TMP/recv.json"
	RECV_PID=$XM_LAST_PID
	xm_retry 50 0.1 sh -c "ip netns exec '$(xm_ns mn)' ss -Hlun 'sport = :$PORT' | grep -q ." ||
		return 1
	xm_bg cn "$XM_PYTHON" selftests/peers/stream.py send "$XM_HOA" "$PORT" "$PPS" "$SECONDS_STREAM" \
		>"$XM_TMP/sent.txt"
}

stream_lost_nothing() {
	local sent got missing
	xm_wait_pid "$RECV_PID" $((SECONDS_STREAM + 25)) || return 1
	sent=$(cat "$XM_TMP/sent.txt")
	got=$(jget "d['unique']" <"$XM_TMP/recv.json")
	missing=$(jget "d['missing']" <"$XM_TMP/recv.json")
	echo "sent $sent at $PPS/s, received $got unique, missing $missing" |
		tee "$XM_TMP/result.txt"
	[ -n "$sent" ] && [ "$sent" -ge $((PPS * SECONDS_STREAM * 9 / 10)) ] &&
		[ "$got" = "$sent" ] && [ "$missing" = 0 ]
}

main() {
	xm_init
	[ -x "$XM_D_BIN" ] || { echo "1..0 # SKIP $XM_D_BIN not built"; exit 0; }
	t_fatal "topology (daemon variant) comes up" xm_topo_up
	xm_write_confs "$KEY_MN" info
	xm_exec ha sysctl -qw "net.ipv6.neigh.$XM_HA_IF.retrans_time_ms=300"
	t_fatal "HA daemon starts" start_ha
	t_fatal "MN daemon starts" start_mn
	t_fatal "MN registers" xm_retry 50 0.1 registered
	t_fatal "CN reaches the home address" xm_retry 10 0.5 xm_ping_ok cn 3 "$XM_HOA"
	t_fatal "a ${PPS}/s UDP stream CN -> home address for ${SECONDS_STREAM} s starts" stream_start
	sleep 1.5
	t "kill -9 of the HA mid-stream, restarted: the binding (CoA, sequence) is kept" \
		kill9_ha_keeps_binding
	sleep 1
	t "kill -9 of the MN mid-stream, restarted: it goes on with its registration" \
		kill9_mn_keeps_registration
	t "the stream lost no packet across both restarts" stream_lost_nothing
	[ -s "$XM_TMP/result.txt" ] && diag <"$XM_TMP/result.txt"
	t "the restarted MN's next BU (new CoA) takes the next sequence number, accepted" \
		next_bu_accepted
	finish
}

main
