#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_mn_iface.sh - a registered mobile node whose interface changes under
# it keeps its data plane, on the roaming rig (test_roaming.sh):
#
#   CN --- R1 --- R2 brvisit 2001:db8:20::/64 (radvd) --- MN eth0
#           +-- HA (home link 2001:db8:1::/64)
#
# 1. eth0 takes another MAC address (a randomised address on a new network):
#    the MN's XDP program tells its own frames from another host's by the
#    if_macs map (bpf/l2.h), which must follow; tunnelled pings from the CN
#    to the home address still arrive, and rx_other_host does not take them.
# 2. eth0 is deleted and created again (a USB modem re-plugged: a new
#    ifindex): xmip6d attaches XDP and TC to the new device, movement
#    detection solicits a router on it, the node registers again and the
#    pings arrive. TAP output.
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
# The roaming rig and helpers: registered_in, start_daemons, roam_start.
# shellcheck source=selftests/netns/test_roaming.sh
. selftests/netns/test_roaming.sh

NEW_MAC=02:00:5e:10:20:30

mn_ifindex() { xm_exec mn cat "/sys/class/net/$XM_MN_IF/ifindex"; }

# The if_macs entry of the MN's eth0 holds MAC (bpftool, the pinned map).
if_macs_holds() { xm_if_macs_holds mn "$XM_MN_IF" "$1"; }

# Pings CN -> home address through the HA's tunnel, none taken for another host's.
pings_arrive() {
	local other0 other1
	other0=$(xm_stat mn rx_other_host) || return 1
	xm_retry 20 0.5 xm_ping_ok cn 2 "$XM_HOA" >/dev/null || return 1
	xm_ping_ok cn 5 "$XM_HOA" || return 1
	other1=$(xm_stat mn rx_other_host) || return 1
	echo "rx_other_host $other0 -> $other1"
	[ "$other1" = "$other0" ]
}

registered_pings() { wait_registered_in 2001:db8:20: && pings_arrive; }

mac_changed() {
	local old
	old=$(xm_mac mn "$XM_MN_IF") || return 1
	ip -n "$(xm_ns mn)" link set dev "$XM_MN_IF" address "$NEW_MAC" || return 1
	echo "eth0: $old -> $(xm_mac mn "$XM_MN_IF")"
	# R2 learnt the old address: it must ask again (as a new network would).
	ip -n "$(xm_ns r2)" neigh flush dev "$XM_VISIT_BRIDGE"
	xm_retry 50 0.1 if_macs_holds "$NEW_MAC" && registered_pings
}

xdp_on_eth0() { xm_exec mn ip -d link show dev "$XM_MN_IF" | grep -q "prog/xdp"; }

recreated() {
	local before after
	before=$(mn_ifindex) || return 1
	ip -n "$(xm_ns mn)" link del "$XM_MN_IF" || return 1
	xm_roam_mn_link r2 || return 1
	after=$(mn_ifindex) || return 1
	echo "eth0: ifindex $before -> $after"
	[ "$after" != "$before" ] || return 1
	xm_retry 50 0.1 xdp_on_eth0 || { echo "no XDP program on the new eth0"; return 1; }
	xm_retry 50 0.1 if_macs_holds "$(xm_mac mn "$XM_MN_IF")" || return 1
	grep -q "re-)created as ifindex $after" "$XM_TMP/mn.log" || {
		echo "no re-attach in the MN's log"
		return 1
	}
	registered_pings
}

main() {
	roam_start
	t_fatal "HA and MN daemons start" start_daemons
	t_fatal "MN registered in R2's prefix, CN's pings reach the home address" registered_pings
	t "eth0's MAC changed: if_macs follows, pings still arrive" mac_changed
	t "eth0 deleted and created again: data plane re-attached, registered, pings arrive" recreated
	finish
}

[ "${BASH_SOURCE[0]}" = "$0" ] && main
