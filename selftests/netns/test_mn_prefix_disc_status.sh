#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_mn_prefix_disc_status.sh - a Binding Acknowledgement with status 1
# ("accepted but prefix discovery necessary") makes the mobile node solicit
# its home prefix (RFC 6275 section 11.7.3): a Mobile Prefix Solicitation
# (ICMPv6 146) from the care-of address to the home agent, with the home
# address in a Home Address option (section 11.4.2), seen by tcpdump on the
# visited link and read by tshark. The MN's file names its home agent and
# home address, so nothing else would start prefix discovery.
#
# The virtual home network rig of test_xmip6d_vhn.sh, whose home agent is
# not started: the BA is built and signed with Scapy there. TAP output.
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
# The rig, configs and the Scapy BA (its main does not run when sourced).
# shellcheck source=selftests/netns/test_xmip6d_vhn.sh
. selftests/netns/test_xmip6d_vhn.sh

# Not an ICMPv6 error quoting one (the HA's kernel, without xmip6d, refuses
# the Home Address option: Parameter Problem).
MPS_FILTER="icmpv6.type == 146 && ipv6.src == $XM_COA && ipv6.dst == $XM_HA_ADDR && !(ipv6.src == $XM_HA_ADDR)"

bu_in_flight() { [ "$(bul "['state']")" = registering ]; }

mn_registering() {
	start_mn || return 1
	xm_retry 50 0.1 bu_in_flight
}

mps_count() {
	tshark -r "$XM_TMP/mps.pcap" -Y "$MPS_FILTER" -T fields -e ipv6.opt.mipv6.home_address \
		2>/dev/null | grep -c "^$VHN_HOA\$"
}

no_mps_before() {
	xm_capture_start r2 "$XM_R2_VISIT_IF" "$XM_TMP/mps.pcap" ip6 || return 1
	# The BUs' backoff runs meanwhile; nothing solicits a prefix.
	sleep 1
	[ "$(mps_count)" = 0 ]
}

mps_seen() { [ "$(mps_count)" -ge 1 ]; }

status1_solicits() {
	scapy_ba_accepted 1 || return 1
	xm_retry 50 0.1 mps_seen || { echo "no MPS with the home address from the CoA"; return 1; }
	tshark -r "$XM_TMP/mps.pcap" -Y "$MPS_FILTER" -T fields -e frame.time_epoch \
		-e ipv6.src -e ipv6.dst -e ipv6.opt.mipv6.home_address 2>/dev/null
}

main() {
	xm_init
	[ -x "$XM_D_BIN" ] || { echo "1..0 # SKIP $XM_D_BIN not built"; exit 0; }
	command -v tshark >/dev/null || { echo "1..0 # SKIP tshark not installed"; exit 0; }
	t_fatal "topology comes up" xm_topo_up
	write_configs
	t_fatal "MN starts, BU in flight (no home agent running)" mn_registering
	t "no Mobile Prefix Solicitation before the BA" no_mps_before
	t "BA status 1 accepted: an MPS from the CoA with the home address follows" status1_solicits
	finish
}

[ "${BASH_SOURCE[0]}" = "$0" ] && main
