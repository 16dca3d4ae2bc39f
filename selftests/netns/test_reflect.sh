#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_reflect.sh - the home agent and the mobile node as reflector,
# amplifier or log sink (RFC 6275 section 15.1, RFC 4443 section 2.4 (f)).
# Scapy floods (selftests/peers/reflect_peer.py), bounded in count, and what
# came back counted on the wire (tcpdump, parsed again by the peer) and in
# the daemons' logs:
#
#   - rogue RAs on the home link: only those with the H bit make home
#     agents, and at most 16 of them (the Home Agents List is bounded);
#   - DHAAD Requests from one source (a victim's address) and from random
#     sources, with the list the rogue RAs grew: replies rate-limited per
#     source and in all, each at most 176 octets, fewer octets out than in;
#     a mobile node's request during the flood is still answered;
#   - MPS with a Home Address option for an unbound home address: no MPA,
#     log lines bounded;
#   - forged BAs and Binding Errors at the mobile node: log lines bounded;
#   - BUs at the mobile node: its BA 131 refusals rate-limited;
#   - the mobile node's captured BU replayed at the home agent: its signed
#     refusals rate-limited, and the mobile node moving during the replay
#     still registers.
#
#   CN --- R1 --- R2 --- MN eth0 (CoA)
#           +-- HA eth0 (home link, bridge) --- MN eth1 (rogue RAs)
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
XM_TOPO=daemon
# shellcheck source=scripts/topology.sh
. scripts/topology.sh
# shellcheck source=selftests/lib/tap.sh
. selftests/lib/tap.sh

KEY=00112233445566778899aabbccddeeff
ANYCAST=2001:db8:1:0:fdff:ffff:ffff:fffe
FLOOD=400       # packets a flood
LINES_A_SEC=20  # per log class (LOG_PACKET_LINES)
ERRORS_A_SEC=10 # error replies, all of them (ERROR_RATE)
REPLIES_A_SEC=10
REPLIES_PER_SOURCE=3 # a second
REPLY_MAX=176 # IPv6 header, DHAAD Reply with 8 addresses
FLOOD_TOOL=$XM_BUILD/selftests/flood_tool
export XM_CAPTURE_COUNT=100000

peer() { "$XM_PYTHON" selftests/peers/reflect_peer.py "$@"; }
peer_in() {
	local role=$1
	shift
	xm_exec "$role" "$XM_PYTHON" selftests/peers/reflect_peer.py "$@"
}

bul_state() { xm_dctl mn -j bul show | jget "d['bul'][0]['state']"; }
registered() { [ "$(bul_state 2>/dev/null)" = registered ]; }
ha_coa_is() {
	[ "$(xm_dctl ha -j binding show home-address "$XM_HOA" 2>/dev/null |
		jget "d['bindings'][0]['care_of_addr']" 2>/dev/null)" = "$1" ]
}

start() {
	xm_write_confs "$KEY" info || return 1
	xm_capture_start mn "$XM_MN_IF" "$XM_TMP/mn-bu.pcap" ip6 || return 1
	xm_start_daemon ha HA_PID && xm_start_daemon mn MN_PID || return 1
	xm_retry 100 0.1 registered || return 1
	sleep 0.5
	kill "$XM_CAPTURE_PID" 2>/dev/null
	xm_capture_stop 2
}

# Seconds a flood took, from the peer's JSON.
secs() { echo "$1" | jget "int(d['seconds']) + 1"; }
# Log lines of ROLE matching RE after line FROM.
# Lines matching $3 in role $1's log after its line $2 (0 is an answer, not a failure).
lines_after() { tail -n +"$(($2 + 1))" "$XM_TMP/$1.log" | grep -c -E "$3" || true; }
log_len() { wc -l <"$XM_TMP/$1.log"; }
# From the peer's count of PCAP: packets/octets/largest of KIND SRC DST.
wire() { peer count "$1" | jget "d.get('$2', {}).get('$3', 0)"; }

# At most LINES_A_SEC lines a second of one class, and one summary line a second.
lines_bounded() {
	local n=$1 s=$2
	echo "log lines: $n in a flood of $s s"
	[ "$n" -le $((LINES_A_SEC * (s + 2))) ]
}

rogue_ras() {
	local n
	# 40 with the H bit, 10 without (each naming its own router address).
	peer_in mn ras "$XM_MN_HOME_IF" 1 40 1 && peer_in mn ras "$XM_MN_HOME_IF" 256 10 0 ||
		return 1
	xm_retry 50 0.1 sh -c "[ \$($XM_CTL_BIN -s $XM_TMP/ha.sock -j home-agents show |
		$XM_PYTHON -c 'import json,sys; print(len(json.load(sys.stdin)[\"home_agents\"]))') -ge 17 ]" ||
		return 1
	sleep 1
	n=$(xm_dctl ha -j home-agents show | jget "len(d['home_agents'])") || return 1
	echo "Home Agents List: $n entries with ourselves"
	[ "$n" -le 17 ] && ! xm_dctl ha -j home-agents show | grep -q "2001:db8:1::1:10[0-9]"
}

# A flood of DHAAD Requests from SRC (or "spoof"), captured at the HA.
# Scapy builds the frames (to R1's MAC), flood_tool sends them: from Scapy
# itself 400 requests took 17 s on a loaded machine, a trickle the rate
# limit answers in full, with more octets out than in.
dhaad_flood() {
	local src=$1 pcap=$XM_TMP/dhaad-$1.pcap frames=$XM_TMP/dhaad-$1.frames from built out
	built=$(peer dhaad-frames "$src" "$ANYCAST" "$FLOOD" "$frames" \
		"$(xm_mac cn "$XM_CN_IF")" "$(xm_mac r1 "$XM_R1_CN_IF")") || return 1
	from=$(log_len ha)
	xm_capture_start ha "$XM_HA_IF" "$pcap" ip6 || return 1
	out=$(xm_exec cn "$FLOOD_TOOL" "$XM_CN_IF" "$frames" 20 "$FLOOD") || return 1
	sleep 1
	kill "$XM_CAPTURE_PID" 2>/dev/null
	xm_capture_stop 2
	echo "$built $out"
	# The requests' octets: those flood_tool sent (each once, all of a size).
	FLOOD_S=$(secs "$out") &&
		FLOOD_OCTETS=$(($(echo "$built" | jget "d['octets']") * $(echo "$out" | jget "d['sent']") / FLOOD)) &&
		FLOOD_LINES=$(lines_after ha "$from" "DHAAD Reply id") || return 1
	peer count "$pcap" | jget "{k: v for k, v in d.items() if k.startswith('dhaad')}" |
		tee "$XM_TMP/dhaad-$src.count"
}

reply_totals() {
	"$XM_PYTHON" -c '
import ast, sys
d = ast.literal_eval(open(sys.argv[1]).read())
print(sum(v["packets"] for v in d.values()), sum(v["octets"] for v in d.values()),
      max([v["largest"] for v in d.values()] or [0]))' "$1"
}

# dhaad_bounded SRC A_SEC: the flood's replies at most A_SEC a second, fewer
# octets than the requests, none over REPLY_MAX; its log lines bounded.
dhaad_bounded() {
	local n octets largest
	dhaad_flood "$1" || return 1
	read -r n octets largest < <(reply_totals "$XM_TMP/dhaad-$1.count") || return 1
	echo "replies $n ($octets octets, largest $largest) for $FLOOD requests ($FLOOD_OCTETS octets) in $FLOOD_S s"
	[ "$n" -ge 1 ] && [ "$n" -le $(($2 * (FLOOD_S + 2))) ] && [ "$octets" -le "$FLOOD_OCTETS" ] &&
		[ "$largest" -le "$REPLY_MAX" ] && lines_bounded "$FLOOD_LINES" "$FLOOD_S"
}

# A mobile node's request (from its care-of address, sent again after 1 s
# when unanswered) during a flood from a victim's address: answered, our
# address first (the rogue home agents have preference -1).
dhaad_legit_in_flood() {
	local fl out
	sleep 1 # the per-source windows of the last check are over
	xm_bg cn "$XM_PYTHON" selftests/peers/reflect_peer.py dhaad "$XM_CN_ADDR" "$ANYCAST" 3000
	fl=$XM_LAST_PID
	sleep 0.3
	out=$(peer_in mn dhaad-once "$XM_COA" "$ANYCAST" 4711 4)
	local rc=$?
	xm_wait_pid "$fl" 30 >/dev/null
	echo "reply: $out"
	[ $rc -eq 0 ] && echo "$out" | grep -q "^\['$XM_HA_ADDR'"
}

mps_unbound() {
	local pcap=$XM_TMP/mps.pcap from out s n mpa
	from=$(log_len ha)
	xm_capture_start ha "$XM_HA_IF" "$pcap" ip6 || return 1
	out=$(peer_in cn mps "$XM_CN_ADDR" "$XM_HA_ADDR" 2001:db8:1::301 "$FLOOD") || return 1
	sleep 1
	kill "$XM_CAPTURE_PID" 2>/dev/null
	xm_capture_stop 2
	echo "$out"
	s=$(secs "$out") && n=$(lines_after ha "$from" "MPS from") || return 1
	mpa=$(peer count "$pcap" | jget "sum(v['packets'] for k, v in d.items() if k.startswith('mpa'))")
	echo "MPAs: $mpa"
	[ "$mpa" -eq 0 ] && lines_bounded "$n" "$s"
}

mn_forged_ba_be() {
	local from out s n_ba n_be
	from=$(log_len mn)
	out=$(peer_in cn mh ba "$XM_CN_ADDR" "$XM_COA" "$FLOOD") || return 1
	echo "$out"
	s=$(secs "$out")
	out=$(peer_in cn mh be "$XM_CN_ADDR" "$XM_COA" "$FLOOD") || return 1
	echo "$out"
	s=$((s + $(secs "$out")))
	sleep 1
	n_ba=$(lines_after mn "$from" "BA seq .* ignored") &&
		n_be=$(lines_after mn "$from" "Binding Error status") || return 1
	echo "BA lines $n_ba, Binding Error lines $n_be"
	grep -E "suppressed" "$XM_TMP/mn.log" | tail -n 3
	[ "$n_ba" -ge 1 ] && [ "$n_be" -ge 1 ] && lines_bounded "$n_ba" "$s" &&
		lines_bounded "$n_be" "$s" && registered && ha_coa_is "$XM_COA"
}

mn_bu_refusals() {
	local pcap=$XM_TMP/mn-ba.pcap out s n
	xm_capture_start mn "$XM_MN_IF" "$pcap" ip6 || return 1
	out=$(peer_in cn mh bu "$XM_CN_ADDR" "$XM_COA" "$FLOOD") || return 1
	sleep 1
	kill "$XM_CAPTURE_PID" 2>/dev/null
	xm_capture_stop 2
	echo "$out"
	s=$(secs "$out")
	n=$(wire "$pcap" "ba $XM_COA $XM_CN_ADDR" packets) || return 1
	echo "BAs from the mobile node: $n for $FLOOD BUs in $s s"
	[ "$n" -ge 1 ] && [ "$n" -le $((ERRORS_A_SEC * (s + 2))) ]
}

ha_replay_refusals() {
	local pcap=$XM_TMP/ha-ba.pcap fl n s
	sleep 1 # a full error bucket
	xm_capture_start ha "$XM_HA_IF" "$pcap" ip6 || return 1
	xm_bg mn "$XM_PYTHON" selftests/peers/reflect_peer.py replay "$XM_TMP/mn-bu.pcap" \
		"$XM_HA_ADDR" 2000 >"$XM_TMP/replay.json"
	fl=$XM_LAST_PID
	sleep 0.3
	# The mobile node moves during the replay: its BU must still be taken.
	ip -n "$(xm_ns mn)" -6 addr add "$XM_COA2/64" dev "$XM_MN_IF" nodad &&
		ip -n "$(xm_ns mn)" -6 route replace default via "$XM_R2_VISIT2_ADDR" dev "$XM_MN_IF" &&
		ip -n "$(xm_ns mn)" -6 addr del "$XM_COA/64" dev "$XM_MN_IF" || return 1
	xm_retry 100 0.1 ha_coa_is "$XM_COA2" || { echo "move not registered"; return 1; }
	xm_wait_pid "$fl" 60 >/dev/null
	sleep 1
	kill "$XM_CAPTURE_PID" 2>/dev/null
	xm_capture_stop 2
	s=$(secs "$(cat "$XM_TMP/replay.json")") &&
		n=$(wire "$pcap" "ba $XM_HA_ADDR $XM_COA" packets) || return 1
	echo "BAs to the replayed BU's care-of address: $n for 2000 copies in $s s"
	[ "$n" -ge 1 ] && [ "$n" -le $((ERRORS_A_SEC * (s + 2))) ]
}

main() {
	xm_init "xmrf$$-"
	[ -x "$XM_D_BIN" ] || {
		echo "1..0 # SKIP $XM_D_BIN not built"
		exit 0
	}
	t_fatal "topology comes up" xm_topo_up
	t_fatal "home agent and mobile node start, the mobile node registers" start
	t "rogue RAs: only those with the H bit listed, at most 16" rogue_ras
	t "DHAAD flood from one source: replies per source bounded, octets out <= in" \
		dhaad_bounded "$XM_CN_ADDR" "$REPLIES_PER_SOURCE"
	t "DHAAD flood from random sources: replies bounded in all, octets out <= in" \
		dhaad_bounded spoof "$REPLIES_A_SEC"
	t "a mobile node's DHAAD Request during a flood is answered" dhaad_legit_in_flood
	t "MPS with a HAO for an unbound home address: no MPA, log lines bounded" mps_unbound
	t "forged BAs and Binding Errors at the mobile node: log lines bounded" mn_forged_ba_be
	t "BUs at the mobile node: its BA refusals rate-limited" mn_bu_refusals
	t "replayed BU at the home agent: signed refusals rate-limited, a move registers" \
		ha_replay_refusals
	finish
}

[ "${BASH_SOURCE[0]}" = "$0" ] && main
