#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_roaming_vertical.sh - vertical handover: the MN has a "wired" eth0
# (at R2, 2001:db8:20::/64) listed first and a "wireless" eth1 (at R3,
# 2001:db8:30::/64) second. Unplugging eth0 moves the binding to eth1's
# care-of address; plugging it back moves it back (the preference order).
# A TCP stream to the home address survives both; the wireless care-of
# address, whose router is still there, is not removed. TAP output.
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
XM_ROAM_WIFI=1
# The roaming test's helpers (its main does not run when sourced).
# shellcheck source=selftests/netns/test_roaming.sh
. selftests/netns/test_roaming.sh

write_vertical_configs() {
	write_configs
	sed -i "s/interfaces = \[ \"$XM_MN_IF\" \];/interfaces = [ \"$XM_MN_IF\", \"$XM_MN_HOME_IF\" ];/" \
		"$XM_TMP/mn.conf"
	grep -q "\"$XM_MN_HOME_IF\"" "$XM_TMP/mn.conf"
}

wireless_has_coa() {
	ip -n "$(xm_ns mn)" -6 addr show dev "$XM_MN_HOME_IF" scope global | grep -q "2001:db8:30:"
}

unplug_wired() {
	ip -n "$(xm_ns "$XM_ROAM_AT")" link set "$XM_MN_PORT" down || return 1
	wait_registered_in 2001:db8:30: || return 1
	tcp_established
}

plug_wired() {
	ip -n "$(xm_ns "$XM_ROAM_AT")" link set "$XM_MN_PORT" up || return 1
	wait_registered_in 2001:db8:20: || return 1
	tcp_established
}

# The home address route follows the interface in use.
source_route_on() {
	local out
	out=$(ip -n "$(xm_ns mn)" -6 route get "$XM_CN_ADDR") || return 1
	echo "$out"
	echo "$out" | grep -q "dev $1 .*src $XM_HOA "
}

main() {
	xm_init
	[ -x "$XM_D_BIN" ] || { echo "1..0 # SKIP $XM_D_BIN not built"; exit 0; }
	command -v radvd >/dev/null || { echo "1..0 # SKIP radvd not installed"; exit 0; }
	t_fatal "roaming topology with a second MN interface comes up" xm_topo_up
	t_fatal "MN config lists eth0 then eth1" write_vertical_configs
	t_fatal "radvd on R2, R3 and the home link" start_routers
	t_fatal "HA and MN daemons start" start_daemons
	t_fatal "MN registers the wired (first) interface's address" wait_registered_in 2001:db8:20:
	t "the wireless interface has its own SLAAC address" xm_retry 50 0.1 wireless_has_coa
	t "home address route through the wired interface" source_route_on "$XM_MN_IF"
	t_fatal "TCP stream CN -> home address starts" tcp_start
	t "wired unplugged: binding moves to the wireless care-of address, TCP alive" unplug_wired
	t "home address route through the wireless interface" source_route_on "$XM_MN_HOME_IF"
	t "CN reaches the home address over the wireless interface" xm_ping_ok cn 3 "$XM_HOA"
	t "wired back: binding returns to it (preference order), TCP alive" plug_wired
	t "the wireless care-of address stays (its router is alive)" wireless_has_coa
	t "TCP stream complete after two vertical handovers, sha256 equal" tcp_done
	finish
}

[ "${BASH_SOURCE[0]}" = "$0" ] && main
