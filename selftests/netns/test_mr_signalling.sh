#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_mr_signalling.sh - a mobile router (RFC 3963) against an independent
# home agent, on the roaming rig:
#
#   CN --- R1 ----- R2 brvisit 2001:db8:20::/64  (radvd)
#           | brhome 2001:db8:1::/64
#           +-- HA: no xmip6d; selftests/peers/nemo_ha_peer.py (Scapy)
#   MR eth0 at R2 (SLAAC care-of address); lan0 -- H1 eth0, the mobile
#   network 2001:db8:50::/64 (radvd on lan0, H1 by SLAAC)
#
# The peer decodes the MR's Binding Updates itself: R set (section 4.1), one
# Mobile Network Prefix option per prefix at 8n+4 (section 4.3), the MN-HA
# authenticator (RFC 4285) right and last. Its answers: a BA without R
# (section 5.3: a failure for the networks), BA 141 (refused, named in the
# log), each followed by no new BU before max-timeout (no busy retry); then
# an accepting BA with R: registered. Then the data plane without a real
# home agent: H1's ping to the CN leaves the MR reverse-tunnelled (outer CoA
# -> HA, inner H1 -> CN, seen by tcpdump at the HA), and a packet the
# "HA" tunnels to the CoA for H1 reaches H1 decapsulated (tcpdump on H1).
# The forwarding sysctls are on while the MR runs and restored after. In
# implicit mode the BU carries R and no prefix. TAP.
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
XM_TOPO=roam
# shellcheck source=scripts/topology.sh
. scripts/topology.sh
# shellcheck source=scripts/nemo_rig.sh
. scripts/nemo_rig.sh
# shellcheck source=selftests/lib/tap.sh
. selftests/lib/tap.sh

KEY=00112233445566778899aabbccddeeff
MNP1=$NEMO_MNP
MNP2=2001:db8:51:8000::/49
H1_ADDR=
MAX_TIMEOUT=4

write_mr_conf() {
	nemo_mr_conf "$KEY" "$1" debug \
		"{ interface = \"lan0\"; prefix = \"$MNP1\"; }, { interface = \"lan0\"; prefix = \"$MNP2\"; }" \
		"initial-timeout-ms = 1000; max-timeout = $MAX_TIMEOUT;"
}

# The mobile network: lan0 on the MR, H1 behind it.
network_up() {
	xm_add_ns h1 &&
		xm_link mn lan0 h1 eth0 &&
		xm_addr mn lan0 "2001:db8:50::1/64" &&
		xm_exec h1 sysctl -qw net.ipv6.conf.eth0.accept_ra=1 net.ipv6.conf.eth0.autoconf=1
}

# radvd on lan0 (the MR forwards once xmip6d runs), H1 by SLAAC.
lan_radvd() { nemo_radvd_start && xm_retry 100 0.1 h1_has_address; }

h1_has_address() {
	H1_ADDR=$(ip -n "$(xm_ns h1)" -6 -o addr show dev eth0 scope global |
		awk '{print $4}' | cut -d/ -f1 | grep '^2001:db8:50:' | head -n 1)
	[ -n "$H1_ADDR" ]
}

# The HA's kernel has no Mobile IPv6: the Home Address option would draw a
# Parameter Problem for every BU. The peer reads the wire, not the stack.
ha_quiet() { xm_exec ha ip6tables -A INPUT -d "$XM_HA_ADDR" -m ipv6header --header dst -j DROP; }

peer_start() {
	: >"$XM_TMP/bus.json"
	xm_bg ha timeout 120 "$XM_PYTHON" selftests/peers/nemo_ha_peer.py --iface "$XM_HA_IF" \
		--ha "$XM_HA_ADDR" --hoa "$XM_HOA" --spi 256 --key "$KEY" --answers "$1" \
		--out "$XM_TMP/bus.json" --wait 110 >"$XM_TMP/peer.out" 2>"$XM_TMP/peer.err"
	xm_retry 100 0.1 grep -q listening "$XM_TMP/peer.out"
}

mr_start() {
	rm -f "$XM_TMP/mn.sock"
	xm_daemon mn "$XM_TMP/mn.conf" "$XM_TMP/mn.log"
	MR_PID=$XM_LAST_PID
	xm_retry 50 0.1 test -S "$XM_TMP/mn.sock" && kill -0 "$MR_PID"
}

mr_stop() { kill -TERM "$MR_PID" 2>/dev/null && xm_reap "$MR_PID" 10; }

# bu N EXPR: EXPR (Python, b = the N-th BU the peer saw, from 0) printed.
bu() {
	"$XM_PYTHON" - "$XM_TMP/bus.json" "$1" "$2" <<'EOF'
import json, sys
bus = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
b = bus[int(sys.argv[2])]
print(eval(sys.argv[3]))
EOF
}
bus_seen() { [ "$(grep -c . "$XM_TMP/bus.json")" -ge "$1" ]; }

# ---- the Binding Update ---------------------------------------------------------------------

first_bu() {
	xm_retry 150 0.1 bus_seen 1 || return 1
	head -n 1 "$XM_TMP/bus.json"
	[ "$(bu 0 "b['r'] and b['a'] and b['h'] and b['hoa'] == '$XM_HOA'")" = True ]
}

bu_mnps() {
	local want
	want="[{'prefix': '2001:db8:50::', 'len': 64}, {'prefix': '2001:db8:51:8000::', 'len': 49}]"
	bu 0 "[{'prefix': m['prefix'], 'len': m['len']} for m in b['mnp']]"
	[ "$(bu 0 "[{'prefix': m['prefix'], 'len': m['len']} for m in b['mnp']] == $want and all(m['optlen'] == 18 for m in b['mnp'])")" = True ]
}

bu_aligned() {
	bu 0 "[m['offset'] for m in b['mnp']]"
	[ "$(bu 0 "not b['mnp_misaligned'] and len(b['mnp']) == 2")" = True ]
}

bu_auth() {
	bu 0 "(b['checksum_ok'], b['auth_ok'], b['auth_last'], b['auth_spi'], b['options'])"
	[ "$(bu 0 "b['checksum_ok'] and b['auth_ok'] and b['auth_last'] and b['auth_spi'] == 256")" = True ]
}

# ---- the answers --------------------------------------------------------------------------------

# After the answer to BU N, the next BU comes no sooner than max-timeout
# (less a second for clocks): the answer stopped the back-off at 1, 2 s.
waited_after() {
	local n=$1 gap
	xm_retry 150 0.1 bus_seen $((n + 2)) || return 1
	gap=$(bu $((n + 1)) "b['t'] - $(bu "$n" "b['answered_t']")")
	echo "next BU ${gap} s after the answer to BU $n"
	"$XM_PYTHON" -c "import sys; sys.exit(0 if $gap >= $MAX_TIMEOUT - 1 else 1)"
}

no_r_refused() {
	xm_dctl mn -j stats show | jget "{k: v for k, v in d['drops'].items() if v}"
	grep "BA" "$XM_TMP/mn.log" | tail -n 5
	cat "$XM_TMP/peer.err"
	grep -q "accepted BU seq .* without the R flag" "$XM_TMP/mn.log" || return 1
	[ "$(xm_dctl mn -j bul show | jget "d['bul'][0]['state']")" = registering ]
}

status_141_named() { grep -q "home agent refused BU seq .*: 141 Invalid Prefix; trying again in $MAX_TIMEOUT s" "$XM_TMP/mn.log"; }

registered() { [ "$(xm_dctl mn -j bul show | jget "d['bul'][0]['state']")" = registered ]; }

bul_shows_router() {
	local out
	out=$(xm_dctl mn -j bul show | jget "(d['bul'][0]['mobile_router'], d['bul'][0]['mode'], d['bul'][0]['mobile_network_prefixes'])") || return 1
	echo "$out"
	[ "$out" = "(True, 'explicit', ['2001:db8:50::/64', '2001:db8:51:8000::/49'])" ]
}

# bpftool's dump of the pinned map: each prefix to the home address.
prefixes_map() {
	local out
	out=$(bpftool -j map dump pinned "$(xm_pin mn)/mr_prefixes") || return 1
	echo "$out"
	"$XM_PYTHON" - "$out" "$XM_HOA" <<'EOF'
import ipaddress, json, sys
got = set()
for e in json.loads(sys.argv[1]):
    k = bytes(int(x, 16) for x in e["key"])
    v = bytes(int(x, 16) for x in e["value"])
    plen = int.from_bytes(k[:4], "little")
    got.add((str(ipaddress.IPv6Address(k[4:20])), plen, str(ipaddress.IPv6Address(v))))
want = {("2001:db8:50::", 64, sys.argv[2]), ("2001:db8:51:8000::", 49, sys.argv[2])}
print(got)
sys.exit(0 if got == want else 1)
EOF
}

sysctl_of() { xm_exec mn sysctl -n "net.ipv6.conf.$1.$2"; }
forwarding_on() {
	echo "all.forwarding $(sysctl_of all forwarding), eth0.accept_ra $(sysctl_of eth0 accept_ra)"
	[ "$(sysctl_of all forwarding)" = 1 ] && [ "$(sysctl_of "$XM_MN_IF" accept_ra)" = 2 ]
}
forwarding_restored() {
	echo "all.forwarding $(sysctl_of all forwarding), eth0.accept_ra $(sysctl_of eth0 accept_ra)"
	[ "$(sysctl_of all forwarding)" = 0 ] && [ "$(sysctl_of "$XM_MN_IF" accept_ra)" = 1 ]
}

# ---- the data plane ------------------------------------------------------------------------------

coa() { xm_dctl mn -j bul show | jget "d['bul'][0]['care_of_addr']"; }
mstat() { xm_dctl mn -j stats show | jget "d['dataplane']['$1']"; }

# captured ROLE IF BPF DISPLAY CMD...: tcpdump on ROLE's IF (filter BPF)
# while CMD runs; prints how many captured packets tshark matches to DISPLAY.
captured() {
	local role=$1 dev=$2 bpf=$3 display=$4 file=$XM_TMP/cap-$1.pcap
	shift 4
	XM_CAPTURE_COUNT=2 xm_capture_start "$role" "$dev" "$file" "$bpf" || return 1
	"$@" >/dev/null
	xm_capture_stop 5
	tshark -r "$file" -Y "$display" -T fields -e frame.number 2>/dev/null | grep -c .
}

# H1 -> CN leaves the MR in the tunnel: outer CoA -> HA, inner H1 -> CN.
reverse_tunnelled() {
	local c n
	c=$(coa) || return 1
	n=$(captured ha "$XM_HA_IF" "ip6 and src host $c and dst host $XM_HA_ADDR and ip6[6] == 41" \
		"ipv6.src == $H1_ADDR && ipv6.dst == $XM_CN_ADDR && icmpv6.type == 128" \
		xm_exec h1 ping -6 -c 3 -i 0.2 -W 1 "$XM_CN_ADDR")
	echo "echo requests from H1 in the tunnel: $n"
	[ "$n" -ge 1 ]
}

# tunnel_send ROLE SRC COA H PORT COUNT: from ROLE, COUNT packets SRC -> COA
# carrying UDP CN -> H (port PORT), sent through the kernel's route.
tunnel_send() {
	xm_exec "$1" "$XM_PYTHON" - "$2" "$3" "$XM_CN_ADDR" "$4" "$5" "$6" <<'EOF'
import socket, sys, time
from scapy.layers.inet import UDP
from scapy.layers.inet6 import IPv6
from scapy.packet import Raw
src, coa, cn, h, port, count = sys.argv[1:7]
pkt = IPv6(src=src, dst=coa) / IPv6(src=cn, dst=h, hlim=64) / \
    UDP(sport=int(port), dport=int(port)) / Raw(b"nemo")
with socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW) as s:
    for _ in range(int(count)):
        s.sendto(bytes(pkt), (coa, 0))
        time.sleep(0.2)
EOF
}

# What the "HA" tunnels to the CoA for H1 reaches H1, decapsulated.
decapsulated_to_h1() {
	local c n
	c=$(coa) || return 1
	n=$(captured h1 eth0 "ip6 and dst host $H1_ADDR and udp port 7777" \
		"ipv6.src == $XM_CN_ADDR && ipv6.dst == $H1_ADDR && udp.dstport == 7777 && !ipv6.nxt == 41" \
		tunnel_send ha "$XM_HA_ADDR" "$c" "$H1_ADDR" 7777 2)
	echo "tunnelled packets reaching H1 decapsulated: $n"
	[ "$n" -ge 1 ]
}

# A tunnelled packet for H1 from another source than the HA is dropped.
spoofed_tunnel_dropped() {
	local c before
	c=$(coa) || return 1
	before=$(mstat mn_tunnel_bad_src) || return 1
	tunnel_send r2 "$XM_R2_VISIT_ADDR" "$c" "$H1_ADDR" 7778 3 || return 1
	xm_retry 30 0.1 bad_src_above "$before"
}
bad_src_above() {
	local n
	n=$(mstat mn_tunnel_bad_src) && echo "mn_tunnel_bad_src $1 -> $n" &&
		[ "$n" -gt "$1" ]
}

implicit_bu() {
	mr_stop
	# A fresh registration, not the binding a restart would go on with.
	xm_ctl mn binding del "$XM_HOA" || return 1
	: >"$XM_TMP/bus.json"
	write_mr_conf implicit
	mr_start || return 1
	xm_retry 150 0.1 bus_seen 1 || return 1
	head -n 1 "$XM_TMP/bus.json"
	[ "$(bu 0 "b['r'] and b['mnp'] == [] and b['auth_ok']")" = True ]
}

main() {
	xm_init
	[ -x "$XM_D_BIN" ] || { echo "1..0 # SKIP $XM_D_BIN not built"; exit 0; }
	for tool in radvd tshark bpftool ip6tables; do
		command -v "$tool" >/dev/null || { echo "1..0 # SKIP $tool not installed"; exit 0; }
	done
	t_fatal "roaming topology comes up" xm_topo_up
	t_fatal "radvd on R2" xm_radvd_start r2 "$XM_VISIT_BRIDGE" "$XM_VISIT_PREFIX"
	t_fatal "the mobile network: lan0 and H1" network_up
	t_fatal "the HA's kernel drops what the peer answers" ha_quiet
	t_fatal "the Scapy home agent listens" peer_start "0,141,0R"
	write_mr_conf explicit
	t_fatal "xmip6d mobile-router starts" mr_start
	t "forwarding on, accept_ra 2 on the roaming interface" forwarding_on
	t_fatal "radvd on lan0, H1 has an address in the prefix by SLAAC" lan_radvd
	t_fatal "a BU from the care-of address with R, A, H and the home address" first_bu
	t "one Mobile Network Prefix option per prefix, length 18" bu_mnps
	t "each Mobile Network Prefix option at 8n+4" bu_aligned
	t "checksum and MN-HA authenticator right, AUTH last" bu_auth
	t "BA without R: not registered (RFC 3963 5.3), logged" no_r_refused
	t "after the BA without R: no BU before max-timeout" waited_after 0
	t "BA 141 logged with its name" status_141_named
	t "after BA 141: no BU before max-timeout" waited_after 1
	t_fatal "BA 0 with R: registered" xm_retry 100 0.1 registered
	t "bul show: a mobile router, explicit, its two prefixes" bul_shows_router
	t "mr_prefixes (bpftool): both prefixes to the home address" prefixes_map
	t "H1 -> CN reverse-tunnelled from the CoA to the HA" reverse_tunnelled
	t "tunnelled from the HA for H1: decapsulated, forwarded to H1" decapsulated_to_h1
	t "tunnelled for H1 from another source: dropped, counted" spoofed_tunnel_dropped
	t "implicit mode: R set, no Mobile Network Prefix option" implicit_bu
	mr_stop
	t "sysctls restored when the MR stops" forwarding_restored
	finish
}

[ "${BASH_SOURCE[0]}" = "$0" ] && main
