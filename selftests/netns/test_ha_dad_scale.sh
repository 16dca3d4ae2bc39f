#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_ha_dad_scale.sh - first registrations on a physical home link each
# wait for proxy DAD (RFC 6275 section 10.4.1, a RetransTimer), and many
# wait at once: NODES nodes register together and every one is accepted
# after one probe, none dropped for a full probe table (dad_busy). The
# table held 32 first registrations before (NDISC_MAX_DAD 64): the other
# BUs were dropped for the mobile node to retransmit, seconds later each.
#
#   rmn: xmreg on l0  ==  rha: h0, xmip6d HA; hl0 (home link)  ==  rhome: hh0
#
# xmreg (bench/xmreg.c, "paced") sends NODES first registrations at RATE a
# second and counts the BAs. On the home link tcpdump (in rhome) records
# the probes: tshark counts the DAD NS (from ::, RFC 4862 5.4.2) by target,
# and the kernel's proxy table is read with ip(8). Nobody on the link
# answers, so every probe succeeds after RETRANS_MS.
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
# shellcheck source=selftests/lib/reg_rig.sh
. selftests/lib/reg_rig.sh

NODES=200     # well above the old table's 32; within the kernel's group memberships
RATE=2000     # all within 0.1 s: the probes overlap
RETRANS_MS=300
REG=$XM_REG_BIN

home_link_up() {
	xm_add_ns rhome && xm_link rha hl0 rhome hh0 &&
		xm_addr rha hl0 2001:db8:100::1/64 &&
		xm_exec rha sysctl -qw "net.ipv6.neigh.hl0.retrans_time_ms=$RETRANS_MS" &&
		xm_exec rhome sysctl -qw net.ipv6.conf.hh0.accept_dad=0
}

start_ha() {
	xm_reg_conf "$NODES" info 'home-link = "hl0";' |
		sed 's/interfaces = \[ "h0" \];/interfaces = [ "h0", "hl0" ];/' >"$XM_TMP/rha.conf" &&
		chmod 600 "$XM_TMP/rha.conf" || return 1
	grep -q '"hl0" \]' "$XM_TMP/rha.conf" || return 1
	xm_daemon rha "$XM_TMP/rha.conf" "$XM_TMP/rha.log"
	HA_PID=$XM_LAST_PID
	xm_daemon_up "$HA_PID" "$XM_TMP/rha.sock"
}

register_all() {
	xm_bg rhome timeout 60 tcpdump -i hh0 -n -U -w "$XM_TMP/hh0.pcap" icmp6 2>"$XM_TMP/tcpdump.err"
	DUMP_PID=$XM_LAST_PID
	xm_retry 50 0.1 grep -q "listening on" "$XM_TMP/tcpdump.err" || return 1
	xm_exec rmn timeout 60 "$REG" paced l0 "$(xm_mac rha h0)" "$XM_REG_HA" "$XM_REG_COA" \
		"$NODES" "$RATE" "$NODES" >"$XM_TMP/xmreg.json" || return 1
	cat "$XM_TMP/xmreg.json"
}

every_node_accepted() {
	local n bad
	n=$(jget "d['accepted']" <"$XM_TMP/xmreg.json") &&
		bad=$(jget "d['verify_bad']" <"$XM_TMP/xmreg.json") || return 1
	echo "accepted: $n of $NODES; checksum or authenticator wrong: $bad"
	[ "$n" = "$NODES" ] && [ "$bad" = 0 ]
}

none_dropped_busy() {
	local busy
	busy=$(xm_dctl rha -j stats show | jget "d['drops']['dad_busy']") || return 1
	echo "dad_busy: $busy"
	[ "$busy" = 0 ]
}

# The probes on the wire: one DAD NS from :: for each node's home address.
probes_on_the_wire() {
	local n
	kill -INT "$DUMP_PID" 2>/dev/null
	xm_wait_pid "$DUMP_PID" 10
	n=$(tshark -r "$XM_TMP/hh0.pcap" -Y 'icmpv6.type == 135 && ipv6.src == ::' \
		-T fields -e icmpv6.nd.ns.target_address 2>/dev/null | grep '^2001:db8:100::' |
		sort -u | wc -l)
	echo "home addresses probed (DAD NS from ::): $n"
	[ "$n" = "$NODES" ]
}

proxy_entries() {
	local n
	n=$(ip -n "$(xm_ns rha)" -6 neigh show proxy dev hl0 | grep -c '^2001:db8:100::') || true
	echo "proxy entries on hl0: $n"
	[ "$n" = "$NODES" ]
}

main() {
	reg_rig_begin
	t_fatal "a home link (RetransTimer $RETRANS_MS ms) to a namespace where nobody answers" \
		home_link_up
	t_fatal "home agent started with the home link" start_ha
	t_fatal "$NODES first registrations at $RATE/s" register_all
	t "every node accepted after its probe, the BAs authentic" every_node_accepted
	t "no BU dropped for a full probe table (dad_busy 0)" none_dropped_busy
	t "a DAD NS from :: on the home link for each home address (tshark)" probes_on_the_wire
	t "a proxy entry on the home link for each (ip -6 neigh show proxy)" proxy_entries
	finish
}

main
