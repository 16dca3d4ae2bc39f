#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# demo_nemo.sh - a vehicle network: a mobile router (NEMO, RFC 3963)
# carries two hosts between two visited networks and home, while a
# correspondent streams to one host and the other pings it:
#
#   CN --- R1 ----- R2 (visited 2001:db8:20::/64, radvd)
#           |  \--- R3 (visited 2001:db8:30::/64, radvd)
#           | home link 2001:db8:1::/64 (radvd, H bit)
#           +-- HA (xmip6d home-agent; the MR's entry: mobile-router, prefixes)
#   MR (xmip6d mobile-router): eth0 moves R2 -> R3 -> R2 -> home;
#   lan0 2001:db8:50::/64 (radvd): H1, H2 (the vehicle's hosts, SLAAC)
#
# The hosts never see a move: their prefix and router stay the same. The MR
# notices each move from RAs, registers its care-of address with the R flag
# and its Mobile Network Prefix; the HA tunnels the whole prefix to it. For
# each handover the demo prints the time to detect the move, to register,
# the interruption of H2's 50-per-second ping, the pings lost, and whether
# H1's TCP stream survived: the same table as scripts/demo.sh. Everything
# lives in namespaces it creates and removes (also on Ctrl-C). About a minute.
#
# Usage: scripts/demo_nemo.sh     (root; `make demo-nemo` builds first)
set -u
cd "$(dirname "$0")/.." || exit 1
XM_TOPO=roam
# shellcheck source=scripts/topology.sh
. scripts/topology.sh
# shellcheck source=scripts/nemo_rig.sh
. scripts/nemo_rig.sh
# shellcheck source=scripts/demo_lib.sh
. scripts/demo_lib.sh

KEY=00112233445566778899aabbccddeeff
STREAM_BYTES=2400000 # paced at 120 kB/s: about 20 s
MOVES="r3 r2 r3 r1"

demo_start "xmnemo$$-"

step "Building the network (namespaces ${XM_PFX}*)"
cat <<EOF
   CN $XM_CN_ADDR --- R1 --- R2  visited network $XM_VISIT_PREFIX
                       |  \\-- R3  visited network $XM_VISIT3_PREFIX
                       +-- home link $XM_HOME_PREFIX: HA $XM_HA_ADDR
   The vehicle: a mobile router (home address $XM_HOA) whose eth0 moves
   between R2, R3 and home, and behind it, on lan0, the mobile network
   $NEMO_MNP with two hosts, H1 and H2.
EOF
nemo_rig_up || fail "could not build the topology"
say "R1 sends $NEMO_MNP to the HA; the HA's kernel to the MR's home address"
say "(used while the MR is at home; away, the HA's XDP tunnels the prefix first)."

step "Routers advertise (radvd)"
xm_radvd_start r2 "$XM_VISIT_BRIDGE" "$XM_VISIT_PREFIX" &&
	xm_radvd_start r3 "$XM_VISIT_BRIDGE" "$XM_VISIT3_PREFIX" &&
	xm_radvd_start r1 "$XM_R1_BRIDGE" "$XM_HOME_PREFIX" home || fail "radvd did not start"

step "Starting xmip6d: the home agent and the mobile router"
nemo_write_confs "$KEY" explicit info || fail "could not write the configurations"
say "The HA's entry for the router:"
grep -A1 "home-address = \"$XM_HOA\"" "$XM_TMP/ha.conf" | sed 's/^/      /; s/key = "[0-9a-f]*"/key = "..."/'
say "The router's configuration:"
sed -n '/mobile-router/,$p' "$XM_TMP/mn.conf" | sed 's/^/      /; s/key = "[0-9a-f]*"/key = "..."/'
xm_daemon ha "$XM_TMP/ha.conf" "$XM_TMP/ha.log"
xm_retry 50 0.1 test -S "$XM_TMP/ha.sock" || fail "HA daemon did not start"
xm_daemon mn "$XM_TMP/mn.conf" "$XM_TMP/mn.log"
xm_retry 50 0.1 test -S "$XM_TMP/mn.sock" || fail "MR daemon did not start"
xm_retry 150 0.1 coa_in 2001:db8:20: || fail "the MR did not register at R2"
say "Registered at R2 with the R flag and its prefix (the MR's log):"
grep -E "mobile network|registered" "$XM_TMP/mn.log" | sed 's/^xmip6d: /      /'
say "The MR forwards (it set these, and puts them back when it stops):"
grep -E "net.ipv6.conf" "$XM_TMP/mn.log" | sed 's/^xmip6d: /      /'
say "The HA's prefixes map (bpftool map dump pinned .../prefixes):"
bpftool map dump pinned "$(xm_pin ha)/prefixes" | sed 's/^/      /'

step "The hosts behind the router: radvd on lan0, SLAAC"
say "radvd.conf on the MR:"
nemo_radvd_conf | sed 's/^/      /'
nemo_lan_up || fail "the hosts took no address"
say "H1 $NEMO_H1, H2 $NEMO_H2; their default router is the MR."

step "Traffic: a TCP stream CN -> H1, H2 pings the CN 50 times a second"
xm_tcp_stream_start "$STREAM_BYTES" h1 "$NEMO_H1" || fail "no TCP data arrives at H1"
nemo_ping_start 60
say "TCP connected; data arriving at H1."
e0=$(dp_stat mn mr_encap)
h0=$(dp_stat ha ha_prefix_encap)
sleep 1
say "in the last second the MR reverse-tunnelled $(($(dp_stat mn mr_encap) - e0)) packets of its network,"
say "and the HA tunnelled $(($(dp_stat ha ha_prefix_encap) - h0)) to it (longest-prefix match on $NEMO_MNP)."

step "Roaming"
: >"$XM_TMP/moves"
n=0
for to in $MOVES; do
	n=$((n + 1))
	from=$XM_ROAM_AT
	mark=$(wc -l <"$XM_TMP/mn.log")
	t0=$(date +%s.%N)
	xm_roam_move "$to" || fail "moving the link to $to"
	case $to in
	r1) xm_retry 150 0.05 state_is home || fail "the MR did not deregister at home" ;;
	r2) xm_retry 150 0.05 coa_in 2001:db8:20: || fail "no registration at R2" ;;
	r3) xm_retry 150 0.05 coa_in 2001:db8:30: || fail "no registration at R3" ;;
	esac
	echo "$n $from $to $t0 $mark" >>"$XM_TMP/moves"
	name=$to
	[ "$to" = r1 ] && name="home"
	if [ "$to" = r1 ]; then
		where="home, deregistered: the HA routes $NEMO_MNP to the MR on the home link"
	else
		where="$(bul "['state']") with care-of address $(bul "['care_of_addr']")"
	fi
	say "handover $n: ${from^^} -> ${name^^}: $where"
	sleep 3
done

step "Waiting for the TCP stream to end"
demo_tcp_result "$XM_TCP_CLIENT" "$XM_TCP_SERVER"
kill "$NEMO_PING" 2>/dev/null
wait "$NEMO_PING" 2>/dev/null

step "Per handover"
nemo_table "$XM_TMP/moves" "$XM_TMP/ping.txt" "$XM_TMP/mn.log"
say ""
say "detect: from the link coming up to the Binding Update (RS, RA, kernel SLAAC);"
say "register: Binding Update to the accepting Binding Acknowledgement (R set);"
say "interruption: longest gap between H2's ping replies around the move (every 20 ms)."
say "H1's TCP: $bytes of $STREAM_BYTES bytes received, sha256 $got... (sent $sent...)"
if [ "$tcp_ok" = yes ]; then
	say "the TCP connection stayed up across every handover; the hosts never moved."
else
	say "the TCP stream did NOT complete"
fi

step "Back home: the HA holds no binding and no prefix; the network is routed directly"
xm_dctl ha binding show | sed 's/^/      /'
say "prefixes: $(bpftool -j map dump pinned "$(xm_pin ha)/prefixes" | jget 'len(d)') entries"
say "Ping from the CN to H1:"
xm_exec cn ping -n -c 3 -i 0.2 -w 3 "$NEMO_H1" | tail -n 2 | sed 's/^/      /'

step "Done; removing the namespaces, daemons, radvd and pinned programs"
xm_cleanup
say "cleaned up."
[ "$tcp_ok" = yes ]
