#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_tunnel_netns.sh - the bidirectional tunnel end to end, in namespaces:
#
#   CN --- R1 --- R2 --- MN (care-of address 2001:db8:20::100)
#           |
#           HA (home link 2001:db8:1::/64, home address 2001:db8:1::100)
#
# xmip6 on the HA (role ha) and on the MN (role mn) with a static binding;
# no kernel MIP6 and no ip6_tunnel. Prints TAP lines ("ok - ...",
# "not ok - ...", "# ..." diagnostics); exits non-zero when anything failed.
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=scripts/topology.sh
. scripts/topology.sh

# shellcheck source=selftests/lib/tap.sh
. selftests/lib/tap.sh

# -- helpers -----------------------------------------------------------------

# ctr ROLE NAME...: current sum of the named counters (xmip6ctl -j stats).
ctr() { xm_stat "$@"; }

# ctr_at_least ROLE MIN NAME...: the counters' sum reached MIN.
ctr_at_least() {
	local role=$1 min=$2 v
	shift 2
	v=$(ctr "$role" "$@") && [ "$v" -ge "$min" ]
}

# grew_by NAME BEFORE AFTER MIN: AFTER - BEFORE >= MIN.
grew_by() {
	local d=$(($3 - $2))
	echo "$1: $2 -> $3 (+$d, want >= $4)"
	[ "$d" -ge "$4" ]
}

# -- checks --------------------------------------------------------------------

check_build() {
	[ -x "$XM_CTL_BIN" ] || { echo "$XM_CTL_BIN missing: run make"; return 1; }
	command -v bpftool && command -v tcpdump && command -v tshark &&
		command -v socat && "$XM_PYTHON" -c 'import scapy.layers.inet6'
}

check_baseline() {
	xm_ping_ok cn 3 "$XM_R2_R1_ADDR" && xm_ping_ok cn 3 "$XM_COA" &&
		xm_ping_ok mn 3 -I "$XM_COA" "$XM_CN_ADDR"
}

check_attach() {
	xm_attach_ha && xm_attach_mn || return 1
	xm_ctl ha status
	xm_ctl mn status
	xm_exec ha ip -d link show dev "$XM_HA_IF" | grep -q 'xdp' ||
		{ echo "no XDP program on the HA's $XM_HA_IF"; return 1; }
	xm_exec mn ip -d link show dev "$XM_MN_IF" | grep -q 'xdp' ||
		{ echo "no XDP program on the MN's $XM_MN_IF"; return 1; }
	# XDP and TC egress: two pinned bpf_links per instance.
	HA_LINKS=$(xm_link_ids ha | xargs)
	MN_LINKS=$(xm_link_ids mn | xargs)
	echo "HA links: $HA_LINKS; MN links: $MN_LINKS"
	[ "$(echo "$HA_LINKS" | wc -w)" -ge 2 ] && [ "$(echo "$MN_LINKS" | wc -w)" -ge 2 ]
}

check_binding_show() {
	local out
	out=$(xm_ctl ha binding show) || return 1
	echo "$out"
	echo "$out" | grep -q "$XM_HOA" && echo "$out" | grep -q "$XM_COA"
}

check_tcp() { xm_tcp_check "$1" "$2" 2097152; }

# Capture on the R1-R2 link while pinging both ways.
CAP=
capture_tunnel() {
	CAP=$XM_TMP/r1r2.pcap
	xm_capture_start r1 "$XM_R1_R2_IF" "$CAP" ip6 || {
		cat "$CAP.log"
		return 1
	}
	xm_ping_ok cn 3 "$XM_HOA" >/dev/null
	xm_ping_ok mn 3 -I "$XM_HOA" "$XM_CN_ADDR" >/dev/null
	xm_capture_stop 0
	[ -s "$CAP" ]
}

# tunnel_fields: "outer_src outer_dst nxt inner_src inner_dst" per packet.
tunnel_fields() {
	tshark -r "$CAP" -T fields -E separator=' ' -E aggregator=' ' \
		-e ipv6.src -e ipv6.dst -e ipv6.nxt 2>/dev/null |
		awk 'NF >= 6 { print $1, $3, $5, $2, $4 }'
}

# check_capture OUTER_SRC OUTER_DST INNER_SRC INNER_DST
check_capture() {
	local n
	tshark -r "$CAP" 2>/dev/null | head -n 20
	tunnel_fields | sort | uniq -c
	n=$(tunnel_fields | grep -c "^$1 $2 41 $3 $4\$")
	echo "$n packets $1 -> $2 next header 41 carrying $3 -> $4"
	[ "$n" -ge 3 ] || return 1
	# And nothing from that flow in the clear on this link.
	n=$(tshark -r "$CAP" -T fields -E separator=' ' -E aggregator=' ' \
		-e ipv6.src -e ipv6.dst -e ipv6.nxt 2>/dev/null |
		awk -v s="$3" -v d="$4" '$1 == s && $2 == d' | grep -c .)
	echo "$n packets $3 -> $4 not tunnelled"
	[ "$n" -eq 0 ]
}

check_counters() {
	local out n=10 ha_e0 ha_d0 mn_d0 mn_e0 ha_e1 ha_d1 mn_d1 mn_e1 rc=0
	ha_e0=$(ctr ha ha_encap_fwd ha_encap_stack) &&
		ha_d0=$(ctr ha ha_decap_fwd ha_decap_stack) &&
		mn_d0=$(ctr mn mn_decap) && mn_e0=$(ctr mn mn_encap) || return 1
	out=$(xm_ping_ok cn "$n" "$XM_HOA") || rc=1
	echo "$out" | tail -n 3
	ha_e1=$(ctr ha ha_encap_fwd ha_encap_stack) &&
		ha_d1=$(ctr ha ha_decap_fwd ha_decap_stack) &&
		mn_d1=$(ctr mn mn_decap) && mn_e1=$(ctr mn mn_encap) || return 1
	grew_by "HA ha_encap_fwd+ha_encap_stack" "$ha_e0" "$ha_e1" "$n" || rc=1
	grew_by "HA ha_decap_fwd+ha_decap_stack" "$ha_d0" "$ha_d1" "$n" || rc=1
	grew_by "MN mn_decap" "$mn_d0" "$mn_d1" "$n" || rc=1
	grew_by "MN mn_encap" "$mn_e0" "$mn_e1" "$n" || rc=1
	[ "$rc" -eq 0 ] || xm_ctl ha stats show
	return "$rc"
}

check_ha_local() {
	local out e0 e1 rc=0
	e0=$(ctr ha ha_local_encap) || return 1
	out=$(xm_ping_ok ha 3 "$XM_HOA") || rc=1
	echo "$out" | tail -n 3
	echo "HA neighbour entry for the home address:"
	xm_exec ha ip -6 neigh show "$XM_HOA" dev "$XM_HA_IF"
	e1=$(ctr ha ha_local_encap) || return 1
	grew_by "HA ha_local_encap" "$e0" "$e1" 3 || rc=1
	return "$rc"
}

check_spoof() {
	local n=5 s0 s1 d0 d1 mac rc=0
	s0=$(ctr ha ha_spoofed_coa) && d0=$(ctr ha ha_decap_fwd ha_decap_stack) ||
		return 1
	mac=$(xm_exec r1 cat "/sys/class/net/$XM_R1_R2_IF/address") || return 1
	xm_exec r2 timeout 30 "$XM_PYTHON" - "$XM_R2_R1_IF" "$mac" "$n" \
		"$XM_HA_ADDR" "$XM_HOA" "$XM_CN_ADDR" <<'EOF' || return 1
import sys
from scapy.layers.inet6 import IPv6, ICMPv6EchoRequest
from scapy.layers.l2 import Ether
from scapy.sendrecv import sendp
iface, mac, n, ha, hoa, cn = sys.argv[1:]
p = (Ether(dst=mac) / IPv6(src="2001:db8:20::99", dst=ha) /
     IPv6(src=hoa, dst=cn) / ICMPv6EchoRequest(id=0x5a5a, seq=1))
sendp(p, iface=iface, count=int(n), verbose=False)
print("sent %s spoofed tunnel packets: %s" % (n, p.summary()))
EOF
	xm_retry 20 0.1 ctr_at_least ha $((s0 + n)) ha_spoofed_coa
	s1=$(ctr ha ha_spoofed_coa) && d1=$(ctr ha ha_decap_fwd ha_decap_stack) ||
		return 1
	grew_by "HA ha_spoofed_coa" "$s0" "$s1" "$n" || rc=1
	echo "HA ha_decap_fwd+ha_decap_stack: $d0 -> $d1 (want unchanged)"
	[ "$d1" -eq "$d0" ] || rc=1
	return "$rc"
}

check_map_dump() {
	local out
	out=$(bpftool map dump pinned "$(xm_pin ha)/bindings" 2>&1)
	echo "$out" | head -n 30
	echo "$out" | grep -q care_of_addr && echo "$out" | grep -q ha_addr
}

check_cli_exits() {
	local i
	for i in 1 2 3; do
		xm_ctl ha status >/dev/null && xm_ctl ha binding show >/dev/null &&
			xm_ctl mn stats show >/dev/null && xm_ctl mn binding show >/dev/null ||
			return 1
	done
	# No xmip6 process is left: the programs live in the pinned links.
	if pgrep -x xmip6ctl >/dev/null; then
		echo "note: some xmip6ctl process runs (maybe another test run)"
	fi
	xm_ping_ok cn 3 "$XM_HOA" && xm_ping_ok mn 3 -I "$XM_HOA" "$XM_CN_ADDR"
}

check_mtu_ptb() {
	local out rc=1 i
	ip -n "$(xm_ns r1)" link set "$XM_R1_R2_IF" mtu 1400 &&
		ip -n "$(xm_ns r2)" link set "$XM_R2_R1_IF" mtu 1400 || return 1
	# The first packets make R1 return a PTB (1400) for the tunnel to the HA;
	# then the HA must tell the CN 1400 - 40 = 1360.
	for i in 1 2 3; do
		out=$(xm_exec cn ping -n -c 3 -i 0.3 -w 3 -s 1400 -M "do" "$XM_HOA" 2>&1)
		echo "$out"
		xm_exec cn ip -6 route get "$XM_HOA"
		if echo "$out" | grep -q 'mtu=1360' ||
			xm_exec cn ip -6 route get "$XM_HOA" | grep -q 'mtu 1360'; then
			rc=0
			break
		fi
	done
	xm_ctl ha stats show | grep -Ei 'ptb|pmtu|no_route|error' || true
	return "$rc"
}

check_mtu_small() {
	xm_ping_ok cn 3 -s 1300 -M "do" "$XM_HOA"
}

check_mtu_restore() {
	ip -n "$(xm_ns r1)" link set "$XM_R1_R2_IF" mtu 1500 &&
		ip -n "$(xm_ns r2)" link set "$XM_R2_R1_IF" mtu 1500
}

check_binding_del() {
	xm_ctl ha binding del "$XM_HOA" || return 1
	xm_ctl ha binding show
	xm_ping_fails cn "$XM_HOA"
}

check_binding_readd() {
	xm_ctl ha binding add "$XM_HOA" "$XM_COA" || return 1
	xm_ping_ok cn 3 "$XM_HOA"
}

check_detach() {
	local id rc=0
	xm_ctl ha detach "$XM_HA_IF" && xm_ctl mn detach "$XM_MN_IF" || return 1
	for id in $HA_LINKS $MN_LINKS; do
		if bpftool link show id "$id" >/dev/null 2>&1; then
			echo "link $id still exists:"
			bpftool link show id "$id"
			rc=1
		fi
	done
	if xm_exec ha ip -d link show dev "$XM_HA_IF" | grep -q 'prog/xdp'; then
		echo "XDP still attached to the HA's $XM_HA_IF"
		rc=1
	fi
	if xm_exec mn ip -d link show dev "$XM_MN_IF" | grep -q 'prog/xdp'; then
		echo "XDP still attached to the MN's $XM_MN_IF"
		rc=1
	fi
	if [ -n "$(find "$(xm_pin ha)/links" "$(xm_pin mn)/links" -type f 2>/dev/null)" ]; then
		echo "link pins left:"
		find "$(xm_pin ha)/links" "$(xm_pin mn)/links" -type f
		rc=1
	fi
	xm_exec ha bpftool net show dev "$XM_HA_IF"
	xm_exec mn bpftool net show dev "$XM_MN_IF"
	return "$rc"
}

check_unload() {
	xm_ctl ha unload && xm_ctl mn unload || return 1
	! [ -e "$(xm_pin ha)" ] && ! [ -e "$(xm_pin mn)" ]
}

# -- main ----------------------------------------------------------------------

xm_init "xm$$-"
HA_LINKS=
MN_LINKS=
echo "# namespaces ${XM_PFX}{$(echo "$XM_ROLES" | tr ' ' ,)}, xmip6ctl $XM_CTL_BIN"

t_fatal "build and tools present" check_build
t_fatal "topology: CN, R1, HA on the home link, R2, MN in the visited network" xm_topo_up
t_fatal "baseline without xmip6: CN <-> R2 and CN <-> MN care-of address" check_baseline
t "baseline without xmip6: CN -> home address is not reachable" \
	xm_ping_fails cn "$XM_HOA"

t_fatal "attach HA (role ha on the home link) and MN (role mn)" check_attach
t_fatal "static binding $XM_HOA -> $XM_COA added on the HA and the MN" xm_bind_static
t "binding show on the HA lists the home and care-of addresses" check_binding_show

t "ping CN -> home address: 5 of 5 replies" xm_ping_ok cn 5 "$XM_HOA"
t "ping home address -> CN (ping -I $XM_HOA): 5 of 5 replies" \
	xm_ping_ok mn 5 -I "$XM_HOA" "$XM_CN_ADDR"
t "ping HA -> home address (TC egress on the HA): replies, ha_local_encap grows" \
	check_ha_local
t "TCP CN -> home address, 2 MiB CN to MN, sha256 matches" check_tcp to_mn 5001
t "TCP CN -> home address, 2 MiB MN to CN, sha256 matches" check_tcp to_cn 5002

if capture_tunnel; then
	t "R1-R2 link: CN -> HoA is IPv6-in-IPv6 $XM_HA_ADDR -> $XM_COA, next header 41" \
		check_capture "$XM_HA_ADDR" "$XM_COA" "$XM_CN_ADDR" "$XM_HOA"
	t "R1-R2 link: HoA -> CN is IPv6-in-IPv6 $XM_COA -> $XM_HA_ADDR, next header 41" \
		check_capture "$XM_COA" "$XM_HA_ADDR" "$XM_HOA" "$XM_CN_ADDR"
else
	not_ok "capture on the R1-R2 link"
fi

t "counters: 10 pings grow ha_encap_*, ha_decap_*, mn_decap, mn_encap by >= 10" \
	check_counters
t "spoofed reverse tunnel (outer source 2001:db8:20::99) dropped, ha_spoofed_coa counts" \
	check_spoof
t "bpftool map dump of the pinned bindings map names care_of_addr and ha_addr" \
	check_map_dump
t "data plane keeps forwarding after repeated CLI calls have exited" check_cli_exits

t "PMTU: R1-R2 MTU 1400, ping -s 1400 -M do: CN learns mtu 1360 from a PTB" check_mtu_ptb
t "PMTU: ping -s 1300 -M do CN -> home address then works" check_mtu_small
t "PMTU: R1-R2 MTU restored to 1500" check_mtu_restore

t "binding del on the HA: CN -> home address stops" check_binding_del
t "binding re-added on the HA: CN -> home address works again" check_binding_readd

t "detach HA and MN: their bpf_links are gone" check_detach
t "unload removes the pin directories" check_unload

finish
