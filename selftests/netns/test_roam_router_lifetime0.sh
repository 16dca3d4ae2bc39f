#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_roam_router_lifetime0.sh - a Router Advertisement with Router
# Lifetime 0 from the current default router is its immediate loss (RFC
# 4861 section 6.3.4; RFC 6275 section 11.5.1: movement), not after missed
# advertisements: the router itself stays up and answers NUD.
#
# The vertical rig: eth0 at R2 (2001:db8:20::/64, listed first), eth1 at
# R3 (2001:db8:30::/64). R2's radvd stops and sends its last RA, lifetime 0
# (tcpdump on R2's link); the BU for eth1's care-of address must be on R3's
# link (tcpdump there) within BU_WITHIN_S of that RA. On the way, the first
# BU asks for no more than the care-of address's valid lifetime (RFC 6275
# section 11.7.1). TAP output.
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
XM_ROAM_WIFI=1
# The roaming tests' helpers (their main does not run when sourced).
# shellcheck source=selftests/netns/test_roaming_vertical.sh
. selftests/netns/test_roaming_vertical.sh

# "Immediate": well under the three missed 0.5 s intervals and NUD (1.8 s).
BU_WITHIN_S=1

# R2's link from before the first registration (its BUs, the last RA), and
# R3's (the BU after the RA).
capture_r2() {
	xm_capture_start r2 "$XM_VISIT_BRIDGE" "$XM_TMP/r2.pcap" ip6 || return 1
	CAP_R2=$XM_CAPTURE_PID
}

# RFC 6275 section 11.7.1: the BU's lifetime is no longer than the care-of
# address's remaining valid lifetime; R2 advertises 60 s (xm_radvd_conf),
# the MN's file asks 600 s.
bu_lifetime_within_valid() {
	local units u
	units=$(tshark -r "$XM_TMP/r2.pcap" -Y "mip6.mhtype == 5 && ipv6.dst == $XM_HA_ADDR" \
		-T fields -e mip6.bu.lifetime 2>/dev/null)
	echo "BU lifetimes (units of 4 s): $units"
	[ -n "$units" ] || return 1
	for u in $units; do
		[ "$u" -gt 0 ] && [ $((u * 4)) -le 60 ] || return 1
	done
}

lifetime0_ra() {
	xm_capture_start r3 "$XM_VISIT_BRIDGE" "$XM_TMP/r3.pcap" ip6 || return 1
	CAP_R3=$XM_CAPTURE_PID
	xm_radvd_stop r2
	wait_registered_in 2001:db8:30:
}

stop_captures() {
	kill "$CAP_R2" "$CAP_R3" 2>/dev/null
	XM_CAPTURE_PID=$CAP_R2 xm_capture_stop 3
	XM_CAPTURE_PID=$CAP_R3 xm_capture_stop 3
}

bu_after_ra() {
	local ra bu
	stop_captures
	ra=$(tshark -r "$XM_TMP/r2.pcap" -Y "icmpv6.type == 134 && icmpv6.nd.ra.router_lifetime == 0" \
		-T fields -e frame.time_epoch 2>/dev/null | head -n 1)
	bu=$(tshark -r "$XM_TMP/r3.pcap" -Y "mip6.mhtype == 5 && ipv6.dst == $XM_HA_ADDR" \
		-T fields -e frame.time_epoch -e ipv6.src 2>/dev/null | grep "2001:db8:30:" | head -n 1)
	echo "RA lifetime 0 at $ra; BU on R3's link: $bu"
	[ -n "$ra" ] && [ -n "$bu" ] || return 1
	"$XM_PYTHON" -c 'import sys; d = float(sys.argv[2]) - float(sys.argv[1]); print("BU %.2f s after the RA" % d); sys.exit(0 if 0 <= d <= float(sys.argv[3]) else 1)' \
		"$ra" "${bu%%[[:space:]]*}" "$BU_WITHIN_S"
}

lost_for_lifetime0() { grep -q "movement: router .* lost (router lifetime 0)" "$XM_TMP/mn.log"; }

main() {
	xm_init
	[ -x "$XM_D_BIN" ] || { echo "1..0 # SKIP $XM_D_BIN not built"; exit 0; }
	command -v radvd >/dev/null || { echo "1..0 # SKIP radvd not installed"; exit 0; }
	command -v tshark >/dev/null || { echo "1..0 # SKIP tshark not installed"; exit 0; }
	t_fatal "roaming topology with a second MN interface comes up" xm_topo_up
	t_fatal "MN config lists eth0 then eth1" write_vertical_configs
	t_fatal "radvd on R2, R3 and the home link" start_routers
	t_fatal "capture on R2's link" capture_r2
	t_fatal "HA and MN daemons start" start_daemons
	t_fatal "MN registers eth0's address (R2)" wait_registered_in 2001:db8:20:
	t "BU lifetime within the care-of address's valid lifetime (60 s, 600 configured)" \
		bu_lifetime_within_valid
	t_fatal "eth1 has its own SLAAC address (R3)" xm_retry 50 0.1 wireless_has_coa
	t "R2 advertises Router Lifetime 0: registered with eth1's address" lifetime0_ra
	t "the BU is on the wire within ${BU_WITHIN_S} s of the RA" bu_after_ra
	t "the MN names the reason: router lifetime 0" lost_for_lifetime0
	finish
}

[ "${BASH_SOURCE[0]}" = "$0" ] && main
