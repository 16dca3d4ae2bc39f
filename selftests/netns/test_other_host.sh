#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_other_host.sh - a home agent behind a bridge that floods unknown
# unicast does not tunnel frames addressed to another host (bpf/l2.h):
#
#   CN eth0 --- br0 (bridge, namespace "lan") --- HA eth0 (promiscuous)
#                                                 HA eth1 --- COA eth0
#
# HA: xmip6 role ha on eth0 (2001:db8:1::1), a static binding of the home
# address 2001:db8:1::100 to the care-of address 2001:db8:2::100. The CN
# sends, with Scapy, UDP to the home address in frames to a MAC nobody has
# (the bridge floods them to every port, the HA's promiscuous eth0 takes
# them) and then in frames to the HA's own MAC. At the care-of side tcpdump
# must see only the second lot, IPv6-in-IPv6, and the HA's rx_other_host
# counter must have taken the first. Bounded: 2 x 5 frames.
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=scripts/topology.sh
. scripts/topology.sh
# shellcheck source=selftests/lib/tap.sh
. selftests/lib/tap.sh

XM_ROLES="lan cn ha coa"
HA=2001:db8:1::1
CN=2001:db8:1::50
HOA=2001:db8:1::100
COA=2001:db8:2::100
MAC_OTHER=02:00:5e:00:0a:77 # on nobody's interface: never learnt, flooded
N=5

ctr() { xm_stat ha "$@"; }

ctr_at_least() {
	local min=$1 v
	shift
	v=$(ctr "$@") && [ "$v" -ge "$min" ]
}

check_build() {
	[ -x "$XM_CTL_BIN" ] || { echo "$XM_CTL_BIN missing: run make"; return 1; }
	command -v tcpdump && command -v tshark && "$XM_PYTHON" -c 'import scapy.layers.inet6'
}

topo_up() {
	local r
	for r in $XM_ROLES; do
		xm_add_ns "$r" || return 1
	done
	ip -n "$(xm_ns lan)" link add br0 type bridge || return 1
	ip -n "$(xm_ns lan)" link set br0 up || return 1
	xm_link lan pcn cn eth0 && xm_link lan pha ha eth0 && xm_link ha eth1 coa eth0 ||
		return 1
	ip -n "$(xm_ns lan)" link set pcn master br0 &&
		ip -n "$(xm_ns lan)" link set pha master br0 || return 1
	ip -n "$(xm_ns ha)" link set eth0 promisc on || return 1
	xm_exec ha sysctl -qw net.ipv6.conf.all.forwarding=1 || return 1
	xm_addr cn eth0 "$CN/64" && xm_addr ha eth0 "$HA/64" &&
		xm_addr ha eth1 2001:db8:2::1/64 && xm_addr coa eth0 "$COA/64" || return 1
	ip -n "$(xm_ns coa)" -6 route add default via 2001:db8:2::1 || return 1
	# Redirected frames need NAPI on the receiving veth (scripts/topology.sh).
	xm_peer_napi coa eth0 || return 1
	xm_wait_links_up && xm_ping_ok ha 2 "$COA" && xm_ping_ok cn 2 "$HA"
}

attach() {
	xm_ctl ha attach eth0 role ha address "$HA" &&
		xm_ctl ha binding add "$HOA" "$COA" || return 1
	xm_exec ha ip -d link show dev eth0 | grep -q xdp
}

check_if_macs() {
	local mac
	mac=$(xm_mac ha eth0) && xm_if_macs_holds ha eth0 "$mac"
}

# send DST_MAC DPORT: N UDP datagrams CN -> home address in frames to DST_MAC.
send() {
	xm_exec cn timeout 30 "$XM_PYTHON" - "$1" "$2" "$N" "$CN" "$HOA" <<'EOF'
import sys
from scapy.layers.inet import UDP
from scapy.layers.inet6 import IPv6
from scapy.layers.l2 import Ether
from scapy.packet import Raw
from scapy.sendrecv import sendp
mac, dport, n, src, dst = sys.argv[1:]
p = Ether(dst=mac) / IPv6(src=src, dst=dst) / UDP(sport=4000, dport=int(dport)) / Raw(b"x" * 64)
sendp(p, iface="eth0", count=int(n), verbose=False)
print("sent %s: %s" % (n, p.summary()))
EOF
}

CAP=
OTHER0=
ENC0=
capture_both() {
	CAP=$XM_TMP/coa.pcap
	OTHER0=$(ctr rx_other_host) && ENC0=$(ctr ha_encap_fwd ha_encap_stack) || return 1
	XM_CAPTURE_COUNT=$N xm_capture_start coa eth0 "$CAP" ip6 proto 41 || return 1
	send "$MAC_OTHER" 7001 || return 1
	xm_retry 50 0.1 ctr_at_least $((OTHER0 + N)) rx_other_host || {
		echo "rx_other_host: $OTHER0 -> $(ctr rx_other_host), want +$N"
		return 1
	}
	ENC1=$(ctr ha_encap_fwd ha_encap_stack) || return 1
	send "$(xm_mac ha eth0)" 7002 || return 1
	# The capture stops by itself at N packets.
	xm_wait_pid "$XM_CAPTURE_PID" 20 >/dev/null 2>&1
	xm_capture_stop 0
	return 0
}

# tunnelled DPORT: packets in the capture, IPv6-in-IPv6 HA -> CoA, to DPORT.
tunnelled() {
	tshark -r "$CAP" -T fields -E separator='|' -E aggregator=',' \
		-e ipv6.src -e ipv6.dst -e ipv6.nxt -e udp.dstport 2>/dev/null |
		awk -F'|' -v ha="$HA" -v coa="$COA" -v p="$1" \
			'index($1, ha ",") == 1 && index($2, coa ",") == 1 && $3 ~ /^41,/ &&
			 $4 == p { n++ } END { print n + 0 }'
}

check_other_not_tunnelled() {
	local n1 other
	other=$(ctr rx_other_host) || return 1
	echo "rx_other_host: $OTHER0 -> $other; ha_encap_*: $ENC0 -> $ENC1 while those were sent"
	n1=$(tunnelled 7001)
	echo "at the CoA: $n1 tunnelled packets for the other host's frames (want 0)"
	[ "$ENC1" -eq "$ENC0" ] && [ "$n1" -eq 0 ]
}

check_ours_tunnelled() {
	local n2 enc2
	tshark -r "$CAP" 2>/dev/null | head -n 12
	enc2=$(ctr ha_encap_fwd ha_encap_stack) || return 1
	n2=$(tunnelled 7002)
	echo "at the CoA: $n2 tunnelled packets for frames to the HA's MAC (want $N);" \
		"ha_encap_*: $ENC1 -> $enc2"
	[ "$n2" -eq "$N" ] && [ $((enc2 - ENC1)) -ge "$N" ]
}

xm_init
echo "# namespaces ${XM_PFX}{lan,cn,ha,coa}"
t_fatal "build and tools present" check_build
t_fatal "topology: CN and HA (eth0 promiscuous) on a bridge, CoA behind the HA" topo_up
t_fatal "xmip6 role ha on eth0, binding $HOA -> $COA" attach
t "if_macs holds eth0's MAC at its ifindex (bpftool)" check_if_macs
t_fatal "$N frames to $MAC_OTHER, then $N to the HA's MAC, captured at the CoA" capture_both
t "frames for another host: not tunnelled (nothing at the CoA), rx_other_host +$N" \
	check_other_not_tunnelled
t "frames to the HA's MAC: $N tunnelled HA -> CoA" check_ours_tunnelled
finish
