#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_roam_leave_home.sh - a mobile node that starts at home leaves it and
# comes back (RFC 6275 sections 11.5.1, 11.5.4, 11.7.1), on the roaming rig:
#
#   CN --- R1 ----- R2 brvisit 2001:db8:20::/64  (radvd)
#           |  \--- R3 brvisit 2001:db8:30::/64  (radvd)
#           | brhome 2001:db8:1::/64 (radvd, home prefix, H bit)
#           +-- HA
#   MN eth0: plugged into the home link first, then moved to R2, then home.
#
# At home the kernel's SLAAC puts the home prefix on-link on eth0. Once the
# MN is on R2's link the home agent is no longer a neighbour: the BU must go
# out through R2 at once, with no Neighbor Solicitation for the home agent's
# address on the foreign link (tcpdump on R2's side of the link, read by tshark),
# and the kernel's own table must no longer hold the home prefix on-link.
# Back home, the prefix is on-link again and the MN deregisters. TAP output.
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
# The roaming test's rig and helpers: bul, ha_coa, registered_in, state_is,
# start_routers, write_configs (its main does not run when sourced).
# shellcheck source=selftests/netns/test_roaming.sh
. selftests/netns/test_roaming.sh

# The capture's bound: the BU must be on the wire this soon after the move
# (the issue's 1-2 s from the foreign RA, plus SLAAC's DAD of the new CoA).
BU_WITHIN_S=4

# The kernel's table on the MN: a route for the home prefix straight on eth0.
home_onlink() {
	ip -n "$(xm_ns mn)" -6 route show "$XM_HOME_PREFIX" dev "$XM_MN_IF" | grep -q .
}

home_slaac() {
	ip -n "$(xm_ns mn)" -6 addr show dev "$XM_MN_IF" scope global |
		grep -q "inet6 2001:db8:1:.*dynamic"
}

# Plugged into the home link before xmip6d starts: SLAAC on the home prefix.
start_at_home() {
	xm_roam_move r1 || return 1
	# Nothing left from R2, where the rig plugs the MN first.
	ip -n "$(xm_ns mn)" -6 addr flush dev "$XM_MN_IF" scope global &&
		ip -n "$(xm_ns mn)" -6 route flush dev "$XM_MN_IF" proto ra || return 1
	xm_retry 100 0.1 home_slaac || return 1
	xm_retry 50 0.1 home_onlink || return 1
	ip -n "$(xm_ns mn)" -6 route show dev "$XM_MN_IF"
	ip -n "$(xm_ns mn)" -6 addr show dev "$XM_MN_IF" scope global |
		grep -q "inet6 2001:db8:20:" && return 1
	start_daemons || return 1
	xm_retry 100 0.1 state_is home
}

leave_home() {
	# On R2's side of the foreign link: what the MN sends there and the BA
	# R2 forwards to it (the MN's XDP takes the BA before a capture on eth0).
	XM_CAPTURE_COUNT=5000 xm_capture_start r2 "$XM_VISIT_BRIDGE" "$XM_TMP/leave.pcap" ip6 ||
		return 1
	T_MOVE=$(date +%s.%N)
	xm_roam_move r2 || return 1
	xm_retry 150 0.1 registered_in 2001:db8:20:
}

# The BU (MH type 5) from the CoA to the HA, and the BA back: from the wire.
bu_on_wire_soon() {
	local first
	kill "$XM_CAPTURE_PID" 2>/dev/null
	xm_capture_stop 3
	tshark -r "$XM_TMP/leave.pcap" -Y "mip6.mhtype == 5 || mip6.mhtype == 6" \
		-T fields -e frame.time_epoch -e ipv6.src -e ipv6.dst -e mip6.mhtype 2>&1 | head -n 6
	first=$(tshark -r "$XM_TMP/leave.pcap" -Y "mip6.mhtype == 5 && ipv6.dst == $XM_HA_ADDR" \
		-T fields -e frame.time_epoch 2>/dev/null | head -n 1)
	[ -n "$first" ] || { echo "no BU on the wire"; return 1; }
	tshark -r "$XM_TMP/leave.pcap" -Y "mip6.mhtype == 6 && ipv6.src == $XM_HA_ADDR" \
		-T fields -e frame.time_epoch 2>/dev/null | grep -q . || { echo "no BA"; return 1; }
	"$XM_PYTHON" -c 'import sys; d = float(sys.argv[1]) - float(sys.argv[2]); print("first BU %.2f s after the move" % d); sys.exit(0 if d <= float(sys.argv[3]) else 1)' \
		"$first" "$T_MOVE" "$BU_WITHIN_S"
}

# Section 11.5.1: away, the home agent is reached through the router; no
# multicast NS for its address on the foreign link.
no_ns_for_ha() {
	local n
	n=$(tshark -r "$XM_TMP/leave.pcap" \
		-Y "icmpv6.type == 135 && icmpv6.nd.ns.target_address == $XM_HA_ADDR && frame.time_epoch > $T_MOVE" \
		-T fields -e frame.time_epoch -e ipv6.src 2>/dev/null | tee /dev/stderr | wc -l)
	echo "NS for $XM_HA_ADDR on the foreign link: $n"
	[ "$n" = 0 ]
}

not_onlink_away() {
	ip -n "$(xm_ns mn)" -6 route show dev "$XM_MN_IF"
	! home_onlink && ip -n "$(xm_ns mn)" -6 route get "$XM_HA_ADDR" | grep -q " via "
}

# test_roaming.sh's go_home and deregistered, and the prefix on-link again.
back_home() {
	go_home && xm_retry 50 0.1 home_onlink && deregistered
}

main() {
	roam_start tshark
	t_fatal "MN starts at home: home prefix on-link, state home" start_at_home
	t "moved to R2: registered in R2's prefix" leave_home
	t "BU and BA on the wire, the BU within ${BU_WITHIN_S} s of the move" bu_on_wire_soon
	t "no Neighbor Solicitation for the home agent on the foreign link" no_ns_for_ha
	t "away: the home prefix is not on-link, the HA is reached via R2" not_onlink_away
	t "back home: home prefix on-link again, deregistered" back_home
	finish
}

[ "${BASH_SOURCE[0]}" = "$0" ] && main
