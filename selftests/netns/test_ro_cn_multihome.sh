#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_ro_cn_multihome.sh - a correspondent with two interfaces sends route-
# optimised packets by the route to the care-of address (RFC 6275 sections
# 6.4, 9.3.2), not by the device its stack chose for the home address:
#
#   R1 cn0 ---- eth0 CN eth1 ---- eth0 MN
#   2001:db8:c::1   |   2001:db8:20::1   2001:db8:20::100 (care-of address)
#                   2001:db8:c::2
#
# The CN is a host (forwarding off): its route to the home address
# 2001:db8:1::100 goes by eth0 through R1, the care-of address is on-link on
# eth1. xmip6 on the CN (role cn, on eth0, a static binding HoA -> CoA), none
# on the MN, which only captures. The checks are the wire (Scapy on the
# MN's capture) and the CN kernel's own neighbour table. Prints TAP.
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=scripts/topology.sh
. scripts/topology.sh
# shellcheck source=selftests/lib/tap.sh
. selftests/lib/tap.sh

COUNT=20 # UDP datagrams the CN sends to the home address
PORT=9
CN_COA_IF=eth1
CN_COA_SIDE=2001:db8:20::1

rig_up() {
	xm_add_ns cn && xm_add_ns r1 && xm_add_ns mn || return 1
	xm_link cn "$XM_CN_IF" r1 "$XM_R1_CN_IF" && xm_link cn "$CN_COA_IF" mn "$XM_MN_IF" ||
		return 1
	xm_addr cn "$XM_CN_IF" "$XM_CN_ADDR/64" && xm_addr r1 "$XM_R1_CN_IF" "$XM_R1_CN_ADDR/64" &&
		xm_addr cn "$CN_COA_IF" "$CN_COA_SIDE/64" && xm_addr mn "$XM_MN_IF" "$XM_COA/64" ||
		return 1
	ip -n "$(xm_ns cn)" -6 route add "$XM_HOME_PREFIX" via "$XM_R1_CN_ADDR" dev "$XM_CN_IF" ||
		return 1
	xm_exec cn sysctl -qw net.ipv6.conf.all.forwarding=0 || return 1
	xm_retry 50 0.1 xm_ns_ready cn && xm_retry 50 0.1 xm_ns_ready mn || return 1
	# The stack's own choice for each address, as the test assumes it.
	xm_exec cn ip -6 route get "$XM_HOA" | grep -q "dev $XM_CN_IF" &&
		xm_exec cn ip -6 route get "$XM_COA" | grep -q "dev $CN_COA_IF"
}

cn_attach() {
	xm_ctl cn attach "$XM_CN_IF" role cn || return 1
	xm_ctl cn binding add "$XM_HOA" "$XM_COA" ha "$XM_CN_ADDR"
}

# COUNT datagrams from the CN to the home address, 50 ms apart.
send_udp() {
	xm_exec cn timeout 20 "$XM_PYTHON" - "$XM_HOA" "$PORT" "$COUNT" <<'EOF'
import socket, sys, time
dst, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
for i in range(n):
    s.sendto(b"ro-multihome %03d" % i, (dst, port))
    time.sleep(0.05)
EOF
}

# What the MN's link carried: every datagram, to the care-of address, with a
# type 2 routing header (Hdr Ext Len 2, Segments Left 1) holding the home
# address, and a UDP checksum over the home address (RFC 8200 section 8.1).
check_wire() {
	"$XM_PYTHON" - "$1" "$XM_CN_ADDR" "$XM_COA" "$XM_HOA" "$COUNT" <<'EOF'
import sys
from scapy.compat import raw
from scapy.layers.inet import UDP
from scapy.layers.inet6 import IPv6, IPv6ExtHdrRouting, in6_chksum
from scapy.utils import rdpcap
pcap, cn, coa, hoa, n = sys.argv[1:6]
seen = set()
for p in rdpcap(pcap):
    if IPv6 not in p or UDP not in p or p[IPv6].src != cn:
        continue
    ip, rh = p[IPv6], p.getlayer(IPv6ExtHdrRouting)
    if ip.dst != coa or rh is None or rh.type != 2 or rh.segleft != 1 or rh.len != 2 \
            or list(rh.addresses) != [hoa]:
        sys.exit("not a route-optimised packet: " + p.summary())
    u = p[UDP]
    pseudo = IPv6(src=cn, dst=hoa) / UDP(raw(u))
    if in6_chksum(17, pseudo, raw(u)[:6] + b"\0\0" + raw(u)[8:]) != u.chksum:
        sys.exit("UDP checksum not over the home address: " + p.summary())
    seen.add(bytes(u.payload))
print("%d of %s datagrams at the care-of address with an RH2" % (len(seen), n))
sys.exit(0 if len(seen) == int(n) else 1)
EOF
}

ro_by_coa_route() {
	local pcap=$XM_TMP/mn.pcap
	# All of IPv6: libpcap's udp misses UDP behind an RH2.
	xm_capture_start mn "$XM_MN_IF" "$pcap" ip6 and not icmp6 || return 1
	send_udp || return 1
	xm_retry 50 0.1 sh -c "[ \$(tcpdump -r '$pcap' 2>/dev/null | wc -l) -ge $COUNT ]"
	xm_capture_stop 1
	check_wire "$pcap"
}

# The CN never looked for the care-of address on the home address's link.
no_neigh_on_wrong_link() {
	local out
	out=$(xm_exec cn ip -6 neigh show dev "$XM_CN_IF" to "$XM_COA")
	echo "eth0: ${out:-none}"
	[ -z "$out" ] || return 1
	xm_exec cn ip -6 neigh show dev "$CN_COA_IF" to "$XM_COA" | grep -qE 'REACHABLE|STALE|DELAY|PROBE'
}

counted() {
	local n
	n=$(xm_stat cn cn_rh2_insert) || return 1
	echo "cn_rh2_insert $n, want >= $COUNT"
	[ "$n" -ge "$COUNT" ]
}

main() {
	xm_init
	[ -x "$XM_CTL_BIN" ] || { echo "1..0 # SKIP $XM_CTL_BIN missing: run make"; exit 0; }
	t_fatal "CN with two interfaces: HoA route by eth0, CoA on-link on eth1" rig_up
	t_fatal "CN attached (role cn), binding HoA -> CoA" cn_attach
	t "route-optimised UDP leaves by the route to the CoA: all $COUNT at the MN with an RH2" \
		ro_by_coa_route
	t "no neighbour entry for the CoA on the home address's device" no_neigh_on_wrong_link
	t "every datagram counted as an RH2 insertion" counted
	finish
}

[ "${BASH_SOURCE[0]}" = "$0" ] && main
