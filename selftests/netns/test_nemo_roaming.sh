#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_nemo_roaming.sh - a mobile router (RFC 3963) carries a network of two
# hosts between two foreign routers and home, end to end with xmip6d on
# both sides (scripts/nemo_rig.sh draws the rig):
#
#   CN --- R1 ----- R2 2001:db8:20::/64 | R3 2001:db8:30::/64 (radvd)
#           | home link 2001:db8:1::/64 (radvd): HA (xmip6d home-agent)
#   MR (xmip6d mobile-router) eth0 roams; lan0 2001:db8:50::/64 (radvd):
#   H1, H2 by SLAAC.
#
# Explicit mode: the MR registers at R2 (the HA's "prefixes" map, read with
# bpftool, holds the prefix for its home address), both hosts reach the CN
# through the tunnel; a TCP stream CN -> H1 and a 50/s ping H2 -> CN run
# while the MR moves R2 -> R3 -> R2 -> home; after each move the MR is
# registered again (deregistered at home) and both flows go on; the stream's
# sha256 is checked, the interruption of each move reported. At home the HA
# tunnels nothing to the prefix. Implicit mode: the MR restarted with no
# prefix in its BUs registers at R2, the HA takes the prefix from its own
# configuration, H1 and the CN talk through the tunnel; home again. DHAAD:
# the MR restarted without home-agent finds the HA at R2 with a Request
# carrying R, answered with R (RFC 3963 section 7), and registers. A router
# that drops the MR's RS at link-up (ip6tables at R3, as radvd does while
# its bridge is not yet running) gets more RS at once, 4 and more (RFC
# 4861's pace would send 3 in 8 s); once R3 hears, the MR registers. TAP.
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
XM_TOPO=roam
# shellcheck source=scripts/topology.sh
. scripts/topology.sh
# shellcheck source=scripts/nemo_rig.sh
. scripts/nemo_rig.sh
# shellcheck source=selftests/lib/tap.sh
. selftests/lib/tap.sh

KEY=00112233445566778899aabbccddeeff
STREAM_BYTES=2400000 # about 20 s at 120 kB/s

bul() { xm_dctl mn -j bul show | jget "d['bul'][0]$1"; }
state_is() { [ "$(bul "['state']")" = "$1" ]; }
registered_in() {
	local s c
	s=$(bul "['state']") && c=$(bul "['care_of_addr']") || return 1
	echo "state $s coa $c"
	[ "$s" = registered ] && [ "${c#"$1"}" != "$c" ]
}
stat_of() { xm_dctl "$1" -j stats show | jget "d['dataplane']['$2']"; }

start_routers() {
	xm_radvd_start r2 "$XM_VISIT_BRIDGE" "$XM_VISIT_PREFIX" &&
		xm_radvd_start r3 "$XM_VISIT_BRIDGE" "$XM_VISIT3_PREFIX" &&
		xm_radvd_start r1 "$XM_R1_BRIDGE" "$XM_HOME_PREFIX" home
}

start_daemons() { xm_start_daemon ha HA_PID && xm_start_daemon mn MR_PID; }

# bpftool's dump of the HA's pinned "prefixes": NEMO_MNP to the MR's home
# address, with flags @1 (1: from the HA's configuration, implicit mode).
ha_prefix_is() {
	local out
	out=$(bpftool -j map dump pinned "$(xm_pin ha)/prefixes") || return 1
	"$XM_PYTHON" - "$out" "$XM_HOA" "$NEMO_MNP" "$1" <<'EOF'
import ipaddress, json, sys
got = []
for e in json.loads(sys.argv[1]):
    k = bytes(int(x, 16) for x in e["key"])
    v = bytes(int(x, 16) for x in e["value"])
    got.append(("%s/%d" % (ipaddress.IPv6Address(k[4:20]), int.from_bytes(k[:4], "little")),
                str(ipaddress.IPv6Address(v[:16])), int.from_bytes(v[16:20], "little")))
print(got)
sys.exit(0 if got == [(sys.argv[3], sys.argv[2], int(sys.argv[4]))] else 1)
EOF
}
ha_prefix_none() {
	local n
	n=$(bpftool -j map dump pinned "$(xm_pin ha)/prefixes" | jget "len(d)") || return 1
	echo "HA prefixes: $n"
	[ "$n" = 0 ]
}

hosts_reach_cn() {
	xm_retry 20 0.3 xm_ping_ok h1 1 "$XM_CN_ADDR" >/dev/null && xm_ping_ok h1 3 "$XM_CN_ADDR" &&
		xm_retry 20 0.3 xm_ping_ok h2 1 "$XM_CN_ADDR" >/dev/null && xm_ping_ok h2 3 "$XM_CN_ADDR"
}

# Both ways through the tunnel: the MR reverse-tunnelled and decapsulated, the
# HA took the prefix to the tunnel and took the hosts' packets out of it.
through_tunnel() {
	local e0 d0 he0 hd0 e1 d1 he1 hd1
	e0=$(stat_of mn mr_encap) && d0=$(stat_of mn mr_decap) &&
		he0=$(stat_of ha ha_prefix_encap) && hd0=$(stat_of ha ha_prefix_decap) || return 1
	# After the MR's restart the hosts have a default route again only
	# from radvd's next RA (<= MaxRtrAdvInterval, 4 s): while the MR's
	# xmip6d was down its forwarding was off and radvd advertised it with
	# Router Lifetime 0.
	xm_retry 60 0.2 nemo_hosts_addressed || { echo "H1/H2 without a default route"; return 1; }
	xm_ping_ok h1 5 "$XM_CN_ADDR" >/dev/null && xm_ping_ok cn 5 "$NEMO_H2" >/dev/null || return 1
	e1=$(stat_of mn mr_encap) && d1=$(stat_of mn mr_decap) &&
		he1=$(stat_of ha ha_prefix_encap) && hd1=$(stat_of ha ha_prefix_decap) || return 1
	echo "MR mr_encap +$((e1 - e0)) mr_decap +$((d1 - d0)); HA ha_prefix_encap +$((he1 - he0)) ha_prefix_decap +$((hd1 - hd0))"
	[ $((e1 - e0)) -ge 10 ] && [ $((d1 - d0)) -ge 10 ] && [ $((he1 - he0)) -ge 10 ] &&
		[ $((hd1 - hd0)) -ge 10 ]
}

rx_size() { stat -c %s "$XM_TMP/stream.rx" 2>/dev/null || echo 0; }
rx_grew_beyond() { [ "$(rx_size)" -gt "$1" ]; }
# Echo replies (not errors) H2 had after time @1.
pings_since() {
	[ "$(awk -v t="$1" -F'[][]' '/bytes from/ && $2 > t' "$XM_TMP/ping.txt" | wc -l)" -ge 5 ]
}

# move TO: the MR's link to R2, R3 or home (r1); registered there (or home,
# deregistered); H1's stream and H2's ping go on.
move() {
	local to=$1 from=$XM_ROAM_AT mark t0 grew
	mark=$(wc -l <"$XM_TMP/mn.log")
	t0=$(date +%s.%N)
	grew=$(rx_size)
	xm_roam_move "$to" || return 1
	case $to in
	r1) xm_retry 150 0.1 state_is home || return 1 ;;
	r2) xm_retry 150 0.1 registered_in 2001:db8:20: || return 1 ;;
	r3) xm_retry 150 0.1 registered_in 2001:db8:30: || return 1 ;;
	esac
	echo "$((++MOVES)) $from $to $t0 $mark" >>"$XM_TMP/moves"
	[ "$FLOWS" = 1 ] || return 0
	xm_retry 100 0.1 rx_grew_beyond "$grew" || { echo "the stream to H1 stalled"; return 1; }
	xm_retry 100 0.1 pings_since "$t0" || { echo "H2's ping did not resume"; return 1; }
	echo "H1 has $(rx_size) bytes; H2's ping answered again"
}

table() {
	nemo_table "$XM_TMP/moves" "$XM_TMP/ping.txt" "$XM_TMP/mn.log"
	# Every move's window has replies after the move (the table says how long the gap was).
	[ "$(grep -c "no ping reply" <(nemo_table "$XM_TMP/moves" "$XM_TMP/ping.txt" "$XM_TMP/mn.log"))" = 0 ]
}

direct_at_home() {
	local before after
	before=$(stat_of ha ha_prefix_encap) || return 1
	xm_retry 20 0.3 xm_ping_ok cn 1 "$NEMO_H1" >/dev/null && xm_ping_ok cn 5 "$NEMO_H1" || return 1
	after=$(stat_of ha ha_prefix_encap) || return 1
	echo "tunnelled to the prefix while home: $((after - before))"
	[ "$after" -eq "$before" ]
}

flows_start() {
	xm_tcp_stream_start "$STREAM_BYTES" h1 "$NEMO_H1" && nemo_ping_start 60 && FLOWS=1
}

implicit_restart() {
	kill -TERM "$MR_PID" 2>/dev/null && xm_reap "$MR_PID" 10
	nemo_write_confs "$KEY" implicit debug || return 1
	xm_start_daemon mn MR_PID && xm_retry 100 0.1 state_is home
}

# dhaad_restart: the MR restarted at home without `home-agent`: it finds
# its home agent by DHAAD (RFC 3963 section 7) when it next leaves.
dhaad_restart() {
	kill -TERM "$MR_PID" 2>/dev/null && xm_reap "$MR_PID" 10
	sed -i '/^  home-agent = /d' "$XM_TMP/mn.conf" && ! grep -q "home-agent" "$XM_TMP/mn.conf" ||
		return 1
	: >"$XM_TMP/mn.log"
	xm_start_daemon mn MR_PID && xm_retry 100 0.1 state_is home
}

# dhaad_found: the MR asked with R and took the HA from a Reply with R (its
# log and the HA's), then registered there.
dhaad_found() {
	grep "DHAAD" "$XM_TMP/mn.log" "$XM_TMP/ha.log"
	grep -q "DHAAD: home agent $XM_HA_ADDR " "$XM_TMP/mn.log" &&
		grep -q "DHAAD Reply id .* home agent(s), R$" "$XM_TMP/ha.log" &&
		! grep -q "without R: not for a mobile router" "$XM_TMP/mn.log"
}

# R3 as radvd is when its bridge came up with the MR's link a moment ago:
# it drops Router Solicitations ("received RS ... but brvisit is not
# ready") and advertises nothing yet. ip6tables in R3's namespace counts and
# drops the RS, and drops R3's RAs.
r3_deaf() {
	xm_exec r3 ip6tables -A INPUT -p ipv6-icmp --icmpv6-type router-solicitation -j DROP &&
		xm_exec r3 ip6tables -A OUTPUT -p ipv6-icmp --icmpv6-type router-advertisement -j DROP
}
r3_hears() { xm_exec r3 ip6tables -F INPUT && xm_exec r3 ip6tables -F OUTPUT; }
# RS that reached R3 (the DROP rule's packet count) at least @1.
r3_rs_at_least() {
	local n
	n=$(xm_exec r3 ip6tables -L INPUT -v -x -n | awk '/DROP/ {print $1}')
	echo "R3 dropped ${n:-?} RS"
	[ "${n:-0}" -ge "$1" ]
}

# unanswered_rs: the MR at R3 while R3 drops every RS: with its first RS
# lost, it solicits again, more than RFC 4861's 3 RS in all (a mobile node
# that waited RTR_SOLICITATION_INTERVAL, 4 s, sent 3 and then waited for an
# unsolicited RA: the ~1 s movement detection radvd gave it). R3 hears
# again: the MR registers there.
unanswered_rs() {
	r3_deaf || return 1
	xm_roam_move r3 || { r3_hears; return 1; }
	xm_retry 100 0.1 r3_rs_at_least 4
	local ok=$?
	r3_hears || return 1
	[ "$ok" = 0 ] && xm_retry 150 0.1 registered_in 2001:db8:30:
}

implicit_no_mnp_sent() {
	# The MR's own words: implicit mode; and the HA: no prefix came in the BU,
	# its configured one registered (flag 1).
	grep -q "mobile network .* (implicit mode)" "$XM_TMP/mn.log" && ha_prefix_is 1
}

main() {
	MOVES=0
	FLOWS=0
	xm_init
	: >"$XM_TMP/moves"
	[ -x "$XM_D_BIN" ] || { echo "1..0 # SKIP $XM_D_BIN not built"; exit 0; }
	for tool in radvd bpftool socat; do
		command -v "$tool" >/dev/null || { echo "1..0 # SKIP $tool not installed"; exit 0; }
	done
	t_fatal "the NEMO rig comes up (roaming rig, lan0 with H1 and H2)" nemo_rig_up
	nemo_write_confs "$KEY" explicit debug
	t_fatal "radvd on R2, R3 and the home link" start_routers
	t_fatal "HA and MR daemons start" start_daemons
	t_fatal "radvd on the MR's lan0: H1 and H2 by SLAAC" nemo_lan_up
	t_fatal "explicit: the MR registers at R2" xm_retry 150 0.1 registered_in 2001:db8:20:
	t "the HA's prefixes map: the mobile network to the MR's home address" ha_prefix_is 0
	t_fatal "H1 and H2 reach the CN" hosts_reach_cn
	t "both ways through the tunnel (MR and HA counters)" through_tunnel
	t_fatal "TCP stream CN -> H1 starts; H2 pings the CN 50/s" flows_start
	t "move 1: R2 -> R3, registered; the stream and the ping go on" move r3
	t "move 2: R3 -> R2, registered; the stream and the ping go on" move r2
	t "move 3: R2 -> home, deregistered; the stream and the ping go on" move r1
	FLOWS=0
	t "the TCP stream to H1 complete, sha256 equal" xm_tcp_stream_done
	t "per handover: the ping came back after every move" table
	t "at home: no prefix at the HA" ha_prefix_none
	t "at home: the CN reaches H1 without the tunnel" direct_at_home
	t_fatal "implicit: the MR restarted, at home" implicit_restart
	t_fatal "implicit: the MR registers at R2" move r2
	t "implicit: no prefix in the BU, the HA registered its configured one" implicit_no_mnp_sent
	t "implicit: both ways through the tunnel" through_tunnel
	t "implicit: home again, deregistered" move r1
	t_fatal "DHAAD: the MR restarted at home without home-agent" dhaad_restart
	t "DHAAD: at R2 it finds the HA and registers" move r2
	t "... by a Request with R answered with R (MR and HA logs)" dhaad_found
	t "DHAAD: home again, deregistered" move r1
	t "first RS unanswered: the MR solicits again (4 RS to R3), registers at R3" unanswered_rs
	finish
}

[ "${BASH_SOURCE[0]}" = "$0" ] && main
