#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_roam_return_home.sh - a mobile node returning home resolves its home
# agent's link-layer address without its home address (RFC 6275 section
# 11.5.4), on the roaming rig:
#
#   CN --- R1 ----- R2 brvisit 2001:db8:20::/64  (radvd)
#           | brhome 2001:db8:1::/64 (radvd, home prefix, H bit)
#           +-- HA (home0 is R1's port towards it)
#   MN eth0: registered at R2, then moved home.
#
# Until the deregistration BA the home agent still defends the home address
# and tunnels what is sent to it, so a Neighbor Solicitation from the home
# address would be answered into the tunnel: the MN must solicit the home
# agent from the unspecified address (the HA answers to all-nodes). Two
# captures, both running before the move: on the MN's eth0 (everything it
# sends, after its TC programs) and on R1's port towards the HA (the BA).
# Between the move and the BA no NS may leave the MN from the home address;
# the NS from :: for the HA, the deregistration BU and BA must be on the
# wire; at home afterwards the CN reaches the home address directly, and the
# HA has let go of it (section 10.3.2). Then away and home again with the
# HA's answers kept from the MN (R1's bridge floods no multicast to its
# port): the MN asks again from ::, sends no BU meanwhile, and deregisters
# once an answer gets through. TAP.
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
# The roaming test's rig and helpers: registered_in, start_daemons,
# start_routers, write_configs, go_home, deregistered, direct_at_home.
# shellcheck source=selftests/netns/test_roaming.sh
. selftests/netns/test_roaming.sh

T_MOVE=
T_BA=

captures_start() {
	XM_CAPTURE_COUNT=5000 xm_capture_start mn "$XM_MN_IF" "$XM_TMP/mn.pcap" ip6 || return 1
	MN_CAP_PID=$XM_CAPTURE_PID
	XM_CAPTURE_COUNT=5000 xm_capture_start r1 "$XM_R1_HOME_IF" "$XM_TMP/ha.pcap" ip6 ||
		return 1
	HA_CAP_PID=$XM_CAPTURE_PID
}

captures_stop() {
	kill "$MN_CAP_PID" "$HA_CAP_PID" 2>/dev/null
	XM_CAPTURE_PID=$MN_CAP_PID xm_capture_stop 3
	XM_CAPTURE_PID=$HA_CAP_PID xm_capture_stop 3
}

move_home() {
	captures_start || return 1
	T_MOVE=$(date +%s.%N)
	go_home && deregistered
	captures_stop
}

# tshark FILE FILTER FIELDS...: one line per matching packet.
fields() {
	local file=$1 filter=$2
	shift 2
	tshark -r "$file" -Y "$filter" -T fields "${@/#/-e}" 2>/dev/null
}

# The deregistration BA (lifetime 0) from the HA to the home address, seen
# on R1's port towards the HA: its time ends the window.
dereg_on_wire() {
	local bu
	bu=$(fields "$XM_TMP/mn.pcap" "mip6.mhtype == 5 && ipv6.src == $XM_HOA && ipv6.dst == $XM_HA_ADDR && mip6.bu.lifetime == 0 && frame.time_epoch > $T_MOVE" frame.time_epoch | head -n 1)
	T_BA=$(fields "$XM_TMP/ha.pcap" "mip6.mhtype == 6 && ipv6.src == $XM_HA_ADDR && ipv6.dst == $XM_HOA && frame.time_epoch > $T_MOVE" frame.time_epoch | head -n 1)
	echo "move $T_MOVE, first deregistration BU ${bu:-none}, BA ${T_BA:-none}"
	[ -n "$bu" ] && [ -n "$T_BA" ]
}

# Section 11.5.4: no Neighbor Solicitation from the home address, for any
# target, between the move and the BA.
no_ns_from_hoa() {
	local n
	[ -n "$T_BA" ] || return 1
	n=$(fields "$XM_TMP/mn.pcap" "icmpv6.type == 135 && ipv6.src == $XM_HOA && frame.time_epoch > $T_MOVE && frame.time_epoch < $T_BA" frame.time_epoch icmpv6.nd.ns.target_address |
		tee /dev/stderr | wc -l)
	echo "NS from the home address before the BA: $n"
	[ "$n" = 0 ]
}

# ... but one from :: for the home agent's address, before the first BU.
ns_from_unspecified() {
	local ns bu
	ns=$(fields "$XM_TMP/mn.pcap" "icmpv6.type == 135 && ipv6.src == :: && icmpv6.nd.ns.target_address == $XM_HA_ADDR && frame.time_epoch > $T_MOVE" frame.time_epoch | head -n 1)
	bu=$(fields "$XM_TMP/mn.pcap" "mip6.mhtype == 5 && ipv6.src == $XM_HOA && frame.time_epoch > $T_MOVE" frame.time_epoch | head -n 1)
	echo "NS from :: for $XM_HA_ADDR at ${ns:-none}, first BU at ${bu:-none}"
	[ -n "$ns" ] && [ -n "$bu" ] &&
		"$XM_PYTHON" -c 'import sys; sys.exit(0 if float(sys.argv[1]) < float(sys.argv[2]) else 1)' "$ns" "$bu"
}

# The kernel's neighbour entry for the HA holds the HA's own MAC.
ha_neighbour() {
	local mac
	mac=$(ip -n "$(xm_ns ha)" link show dev "$XM_HA_IF" | awk '/link\/ether/ {print $2}')
	ip -n "$(xm_ns mn)" -6 neigh show "$XM_HA_ADDR" dev "$XM_MN_IF"
	ip -n "$(xm_ns mn)" -6 neigh show "$XM_HA_ADDR" dev "$XM_MN_IF" | grep -qi "lladdr $mac"
}

# Section 10.3.2: once the deregistration is accepted, the HA stops defending
# the home address (no proxy entry in its kernel's table) and the MN's own
# advertisement takes over: R1's entry for it holds the MN's MAC.
ha_let_go() {
	local mn_mac
	mn_mac=$(ip -n "$(xm_ns mn)" link show dev "$XM_MN_IF" | awk '/link\/ether/ {print $2}')
	ip -n "$(xm_ns ha)" -6 neigh show proxy
	ip -n "$(xm_ns ha)" -6 neigh show proxy | grep -q "$XM_HOA " && return 1
	ip -n "$(xm_ns r1)" -6 neigh show "$XM_HOA"
	ip -n "$(xm_ns r1)" -6 neigh show "$XM_HOA" dev "$XM_R1_BRIDGE" | grep -qi "lladdr $mn_mac"
}

# ---- the HA's answer lost: the MN asks again, still from :: ----------------

# R1's bridge stops flooding multicast from its ports to the MN's port: the
# HA's answer to a solicitation from :: (an NA to all-nodes) no longer gets
# there, while R1's own RAs (from the bridge itself) still do. Set before
# the port comes up at home, so not even the first answer passes.
home_without_flood() {
	local r1
	r1=$(xm_ns r1)
	ip -n "$(xm_ns "$XM_ROAM_AT")" link set "$XM_MN_PORT" netns "$r1" || return 1
	XM_ROAM_AT=r1
	ip -n "$r1" link set "$XM_MN_PORT" master "$XM_R1_BRIDGE" &&
		ip -n "$r1" link set dev "$XM_MN_PORT" type bridge_slave mcast_flood off &&
		xm_roam_plug r1
}

away_again() { xm_roam_move r2 && wait_registered_in 2001:db8:20:; }

ns_from_unspec_count() {
	fields "$XM_TMP/lost.pcap" "icmpv6.type == 135 && ipv6.src == :: && icmpv6.nd.ns.target_address == $XM_HA_ADDR && frame.time_epoch > $T_MOVE" frame.time_epoch | wc -l
}
asked_twice() { [ "$(ns_from_unspec_count)" -ge 2 ]; }

ha_binding_gone() {
	[ "$(xm_dctl ha -j binding show home-address "$XM_HOA" | jget "len(d['bindings'])")" = 0 ]
}

# Home with the answers lost: the MN solicits from :: again (RetransTimer,
# doubling), sends no BU and no NS from the home address meanwhile; once an
# answer gets through it deregisters.
home_answer_lost() {
	local n bu hoa_ns t_home
	XM_CAPTURE_COUNT=5000 xm_capture_start mn "$XM_MN_IF" "$XM_TMP/lost.pcap" ip6 || return 1
	T_MOVE=$(date +%s.%N)
	home_without_flood || return 1
	xm_retry 100 0.1 asked_twice || { echo "fewer than 2 NS from ::"; return 1; }
	state_is deregistering || { bul "['state']"; return 1; }
	bu=$(fields "$XM_TMP/lost.pcap" "mip6.mhtype == 5 && frame.time_epoch > $T_MOVE" frame.time_epoch | wc -l)
	echo "NS from :: so far: $(ns_from_unspec_count), BUs: $bu"
	[ "$bu" = 0 ] || return 1
	ip -n "$(xm_ns r1)" link set dev "$XM_MN_PORT" type bridge_slave mcast_flood on || return 1
	xm_retry 100 0.1 state_is home || return 1
	# The BA came before the MN said "home" (its capture cannot see the BA,
	# which XDP takes).
	t_home=$(date +%s.%N)
	xm_retry 50 0.1 ha_binding_gone || return 1
	kill "$XM_CAPTURE_PID" 2>/dev/null
	xm_capture_stop 3
	n=$(ns_from_unspec_count)
	hoa_ns=$(fields "$XM_TMP/lost.pcap" "icmpv6.type == 135 && ipv6.src == $XM_HOA && frame.time_epoch > $T_MOVE && frame.time_epoch < $t_home" frame.time_epoch | wc -l)
	echo "NS from :: in all: $n; NS from the home address before the BA: $hoa_ns"
	grep "did not answer a Neighbor Solicitation" "$XM_TMP/mn.log" | tail -n 2
	[ "$hoa_ns" = 0 ]
}

main() {
	roam_start tshark
	t_fatal "HA and MN daemons start" start_daemons
	t_fatal "MN registers a care-of address in R2's prefix" wait_registered_in 2001:db8:20:
	t_fatal "MN moves home and deregisters" move_home
	t "deregistration BU from the home address and its BA on the wire" dereg_on_wire
	t "no Neighbor Solicitation from the home address before the BA" no_ns_from_hoa
	t "the home agent solicited from :: before the first BU" ns_from_unspecified
	t "the MN's neighbour entry for the HA holds the HA's address" ha_neighbour
	t "CN reaches the home address directly, no tunnel" direct_at_home
	t "the HA no longer proxies the home address; R1 has the MN's MAC for it" ha_let_go
	t_fatal "away again: registered in R2's prefix" away_again
	t "home, the HA's answers lost: asked again from ::, no BU; deregistered once answered" \
		home_answer_lost
	finish
}

[ "${BASH_SOURCE[0]}" = "$0" ] && main
