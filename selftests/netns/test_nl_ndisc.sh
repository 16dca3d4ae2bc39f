#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_nl_ndisc.sh - user/net/nl.c (rtnetlink) and user/net/ndisc.c (Neighbor
# Discovery) through selftests/nd_tool, in namespaces, checked with tools
# that share no code with them: ip, sysctl, tcpdump + tshark, Scapy.
#
#   B (b0) ------- (a0) A (a1) ------- (c0) C
#   2001:db8:1::b/64     2001:db8:1::a/64
#
# A plays the home agent: nd_tool runs there. B is the home link's other
# node (it answers, captures, and owns addresses); C sits on a second link
# of A. Prints TAP lines; exits non-zero when anything failed.
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=scripts/topology.sh
. scripts/topology.sh

XM_ROLES="a b c"
ND_TOOL=${ND_TOOL:-$XM_BUILD/selftests/nd_tool}
A_ADDR=2001:db8:1::a
B_ADDR=2001:db8:1::b
PROXY_HOA=2001:db8:1::100 # answered by A's proxy entry
NOPROXY_HOA=2001:db8:1::101 # nobody's
UNA_HOA=2001:db8:1::150
PERM_ADDR=2001:db8:1::200
DAD_HOA=2001:db8:1::400
DAD_TWIN=2001:db8:7::400 # same solicited-node group as DAD_HOA
RETRANS=300 # ms, a0's RetransTimer: the length of one DAD probe
SCAPY_RETRANS=1000 # ms, the same while Scapy (slow to react) answers

# shellcheck source=selftests/lib/tap.sh
. selftests/lib/tap.sh

# -- helpers -----------------------------------------------------------------

nd() {
	local role=$1
	shift
	xm_exec "$role" timeout 20 "$ND_TOOL" "$@"
}

# expect_eq WHAT GOT WANT
expect_eq() {
	if [ "$2" != "$3" ]; then
		echo "$1: got '$2', want '$3'"
		return 1
	fi
}

mac_of() { ip -n "$(xm_ns "$1")" -br link show dev "$2" | awk '{print $3}'; }
lladdr_of() {
	ip -n "$(xm_ns "$1")" -6 -o addr show dev "$2" scope link |
		awk '{sub("/.*", "", $4); print $4; exit}'
}
has_lladdr() { [ -n "$(lladdr_of "$1" "$2")" ]; }

# expect_fail WANT_STDERR CMD...: CMD exits 1 with exactly that one line.
expect_fail() {
	local want=$1 err rc
	shift
	err=$("$@" 2>&1 >/dev/null)
	rc=$?
	echo "exit $rc, stderr: $err"
	[ "$rc" -eq 1 ] && [ "$err" = "$want" ]
}

# tshark_fields FILE FILTER FIELD...: one comma-separated line per packet.
tshark_fields() {
	local file=$1 filter=$2 f args=()
	shift 2
	for f in "$@"; do
		args+=(-e "$f")
	done
	tshark -n -r "$file" -Y "$filter" -T fields -E separator=, -E occurrence=a \
		-E aggregator=';' "${args[@]}" 2>/dev/null
}

# no_expert FILE: tshark's expert analysis flags nothing (bad checksums,
# malformed options) at warning level or above.
no_expert() {
	local out
	out=$(tshark -n -r "$1" -q -z expert,warn 2>&1) || return 1
	if echo "$out" | grep -qiE '^(Errors|Warns) \('; then
		echo "$out"
		return 1
	fi
}

# The Scapy peer, independent of nd_tool: it answers A's DAD probe.
write_peer() {
	cat >"$XM_TMP/nd_peer.py" <<'EOF'
"""nd_peer.py IFACE MODE TARGET HLIM SRC READY [GO]

MODE na-on-ns: when a DAD NS for TARGET arrives, multicast an NA for it
               (Override set, hop limit HLIM) from SRC.
     ns-on-ns: when a DAD NS for TARGET arrives, send a DAD NS for it too
               (another node doing DAD at the same time).
     na-on-go: once file GO exists, send three NAs for TARGET, 100 ms apart.
READY is created once the peer listens. Prints "answered" after sending.
"""
import os
import socket
import sys
import time

from scapy.arch import get_if_hwaddr
from scapy.config import conf
from scapy.layers.inet6 import ICMPv6ND_NA, ICMPv6ND_NS, ICMPv6NDOptDstLLAddr, IPv6
from scapy.layers.l2 import Ether
from scapy.sendrecv import sniff
from scapy.utils6 import in6_getnsma, in6_getnsmac

iface, mode, target, hlim, src, ready = sys.argv[1:7]
go = sys.argv[7] if len(sys.argv) > 7 else None
mac = get_if_hwaddr(iface)
tgt = socket.inet_pton(socket.AF_INET6, target)
snma = socket.inet_ntop(socket.AF_INET6, in6_getnsma(tgt))

if mode == "ns-on-ns":
    pkt = (Ether(src=mac, dst=in6_getnsmac(in6_getnsma(tgt))) /
           IPv6(src="::", dst=snma, hlim=255) / ICMPv6ND_NS(tgt=target))
else:
    pkt = (Ether(src=mac, dst="33:33:00:00:00:01") /
           IPv6(src=src, dst="ff02::1", hlim=int(hlim)) /
           ICMPv6ND_NA(tgt=target, R=0, S=0, O=1) / ICMPv6NDOptDstLLAddr(lladdr=mac))
out = conf.L2socket(iface=iface)


def touch(path):
    open(path, "w").close()


def dad_ns(p):
    return (p.haslayer(ICMPv6ND_NS) and p[IPv6].src == "::"
            and p[ICMPv6ND_NS].tgt == target)


if mode == "na-on-go":
    touch(ready)
    for _ in range(100):
        if os.path.exists(go):
            break
        time.sleep(0.1)
    else:
        sys.exit("no go")
    for _ in range(3):
        out.send(pkt)
        time.sleep(0.1)
else:
    got = sniff(iface=iface, filter="icmp6", lfilter=dad_ns, count=1, timeout=15,
                started_callback=lambda: touch(ready))
    if not got:
        sys.exit("no DAD NS seen")
    out.send(pkt)
print("answered", flush=True)
EOF
}

# peer_start ROLE IFACE MODE TARGET HLIM: start the Scapy peer, wait until it
# listens. Sets PEER_PID and PEER_OUT.
peer_start() {
	local role=$1 iface=$2 mode=$3 target=$4 hlim=$5 src
	src=$(lladdr_of "$role" "$iface")
	PEER_OUT=$XM_TMP/peer.$T_N.out
	rm -f "$XM_TMP/peer.ready" "$XM_TMP/peer.go"
	xm_bg "$role" timeout 30 "$XM_PYTHON" "$XM_TMP/nd_peer.py" "$iface" "$mode" \
		"$target" "$hlim" "$src" "$XM_TMP/peer.ready" "$XM_TMP/peer.go" \
		>"$PEER_OUT" 2>&1
	PEER_PID=$XM_LAST_PID
	xm_retry 200 0.1 test -e "$XM_TMP/peer.ready" || {
		echo "Scapy peer did not start"
		cat "$PEER_OUT"
		return 1
	}
}

peer_answered() {
	xm_wait_pid "$PEER_PID" 10
	cat "$PEER_OUT"
	grep -qx answered "$PEER_OUT"
}

# -- setup -------------------------------------------------------------------

setup() {
	local r
	for r in $XM_ROLES; do
		xm_add_ns "$r" || return 1
	done
	xm_link a a0 b b0 && xm_link a a1 c c0 || return 1
	xm_addr a a0 "$A_ADDR/64" && xm_addr b b0 "$B_ADDR/64" || return 1
	# A answers NS for proxied addresses at once (no random proxy delay).
	xm_exec a sysctl -qw net.ipv6.conf.all.forwarding=1 net.ipv6.conf.all.proxy_ndp=1 \
		net.ipv6.neigh.a0.proxy_delay=0 || return 1
	xm_wait_links_up || return 1
	xm_retry 50 0.1 has_lladdr a a0 &&
		xm_retry 50 0.1 has_lladdr b b0 &&
		xm_retry 50 0.1 has_lladdr c c0 || return 1
	A_MAC=$(mac_of a a0)
	A_LL=$(lladdr_of a a0)
	echo "A a0 $A_MAC $A_LL"
	[ -x "$ND_TOOL" ] || { echo "$ND_TOOL missing (run make)"; return 1; }
	write_peer
}

# -- link-layer address ------------------------------------------------------

check_lladdr() {
	local got
	got=$(nd a lladdr a0) || return 1
	expect_eq "lladdr a0" "$got" "$A_MAC"
}

# -- proxy NDP ---------------------------------------------------------------

# b_resolves ADDR: B's neighbour entry for ADDR ends up with A's MAC.
b_resolves() {
	local out
	xm_exec b ping -n -c 1 -W 1 "$1" >/dev/null 2>&1
	out=$(ip -n "$(xm_ns b)" -6 neigh show "$1" dev b0)
	echo "B: $out"
	echo "$out" | grep -q "lladdr $A_MAC"
}

check_proxy_add() {
	local out
	nd a proxy-add a0 "$PROXY_HOA" || return 1
	nd a proxy-add a0 "$PROXY_HOA" || return 1 # replaces
	out=$(ip -n "$(xm_ns a)" -6 neigh show proxy dev a0)
	echo "A proxy: $out"
	echo "$out" | grep -qx "$PROXY_HOA proxy *"
}

check_proxy_answers() {
	# Control: nobody answers for an address without a proxy entry.
	if b_resolves "$NOPROXY_HOA"; then
		echo "resolved $NOPROXY_HOA without a proxy entry"
		return 1
	fi
	xm_retry 3 0.2 b_resolves "$PROXY_HOA"
}

check_proxy_del() {
	local out
	nd a proxy-del a0 "$PROXY_HOA" || return 1
	out=$(ip -n "$(xm_ns a)" -6 neigh show proxy dev a0)
	echo "A proxy: $out"
	[ -z "$out" ] || return 1
	# ...and the kernel stops answering for it.
	ip -n "$(xm_ns b)" -6 neigh flush dev b0 to "$PROXY_HOA"
	! b_resolves "$PROXY_HOA"
}

check_proxy_del_enoent() {
	expect_fail "nd_tool: proxy-del: No such file or directory" nd a proxy-del a0 "$PROXY_HOA"
}

# -- permanent neighbour -----------------------------------------------------

a_neigh() { ip -n "$(xm_ns a)" -6 neigh show "$PERM_ADDR" dev a0; }

check_neigh_perm() {
	local out mac=02:00:00:00:02:00 cap=$XM_TMP/perm.pcap
	nd a neigh-perm a0 "$PERM_ADDR" "$mac" || return 1
	out=$(a_neigh)
	echo "A: $out"
	echo "$out" | grep -qx "$PERM_ADDR lladdr $mac PERMANENT *" || return 1
	# The kernel uses it: an echo request goes to that MAC, unsolicited.
	xm_capture_start b b0 "$cap" icmp6 || return 1
	xm_exec a ping -n -c 1 -W 1 "$PERM_ADDR" >/dev/null 2>&1
	xm_capture_stop 1
	tcpdump -n -e -r "$cap" 2>/dev/null | tee "$cap.txt"
	grep -q "> $mac, .*echo request" "$cap.txt" && ! grep -q "who has $PERM_ADDR" "$cap.txt"
}

check_neigh_replace() {
	local out
	nd a neigh-perm a0 "$PERM_ADDR" || return 1 # A's own MAC, replacing
	out=$(a_neigh)
	echo "A: $out"
	echo "$out" | grep -qx "$PERM_ADDR lladdr $A_MAC PERMANENT *"
}

check_neigh_del() {
	nd a neigh-del a0 "$PERM_ADDR" || return 1
	[ -z "$(a_neigh)" ] &&
		expect_fail "nd_tool: neigh-del: No such file or directory" nd a neigh-del a0 "$PERM_ADDR"
}

# -- addresses ---------------------------------------------------------------

a_addr() { ip -n "$(xm_ns a)" -6 -o addr show dev a0 to "$1"; }
a_route() { ip -n "$(xm_ns a)" -6 route show "$1" dev a0; }

check_addr_flags() {
	local out
	nd a addr-add a0 2001:db8:5::1/64 nodad noprefixroute || return 1
	out=$(a_addr 2001:db8:5::1/128)
	echo "ip: $out"
	echo "$out" | grep -q "inet6 2001:db8:5::1/64 scope global nodad noprefixroute" || return 1
	[ -z "$(a_route 2001:db8:5::/64)" ] || { echo "prefix route despite noprefixroute"; return 1; }
	out=$(nd a addr-dump a0 | grep " 2001:db8:5::1/64 ")
	echo "nd_tool: $out"
	echo "$out" | grep -Eq "scope=global flags=([a-z,]*,)?nodad,.*noprefixroute"
}

check_addr_replace() {
	local out
	# Replacing is not EEXIST; without noprefixroute the route comes back.
	nd a addr-add a0 2001:db8:5::1/64 nodad || return 1
	out=$(a_addr 2001:db8:5::1/128)
	echo "ip: $out"
	[ "$(echo "$out" | grep -c .)" -eq 1 ] && ! echo "$out" | grep -q noprefixroute &&
		[ -n "$(a_route 2001:db8:5::/64)" ]
}

check_addr_dad() {
	local out
	# Without nodad the kernel runs DAD: tentative, with its prefix route.
	xm_exec a sysctl -qw net.ipv6.conf.a0.accept_dad=1 || return 1
	nd a addr-add a0 2001:db8:6::1/64 || return 1
	out=$(a_addr 2001:db8:6::1/128)
	echo "ip: $out"
	xm_exec a sysctl -qw net.ipv6.conf.a0.accept_dad=0
	echo "$out" | grep -q "2001:db8:6::1/64 scope global tentative" &&
		! echo "$out" | grep -q nodad && [ -n "$(a_route 2001:db8:6::/64)" ]
}

check_addr_dump() {
	local mine theirs
	mine=$(nd a addr-dump a0 | awk '{print $2}' | sort) || return 1
	theirs=$(ip -n "$(xm_ns a)" -6 -o addr show dev a0 | awk '{print $4}' | sort)
	echo "nd_tool: $mine"
	echo "ip: $theirs"
	[ -n "$mine" ] && [ "$mine" = "$theirs" ] || return 1
	# All interfaces: a1's link-local too, and nothing of a0 twice.
	mine=$(nd a addr-dump) || return 1
	echo "$mine" | grep -q "^a1 fe80:" && echo "$mine" | grep -q "^lo ::1/128 scope=host" &&
		[ -z "$(echo "$mine" | sort | uniq -d)" ]
}

check_addr_del() {
	nd a addr-del a0 2001:db8:5::1/64 && nd a addr-del a0 2001:db8:6::1/64 || return 1
	[ -z "$(a_addr 2001:db8:5::1/128)$(a_addr 2001:db8:6::1/128)" ] &&
		expect_fail "nd_tool: addr-del: Cannot assign requested address" \
			nd a addr-del a0 2001:db8:5::1/64 &&
		expect_fail "nd_tool: addr-add: No such device" nd a addr-add 99999 2001:db8:5::1/64
}

check_lladdr_lo() {
	expect_fail "nd_tool: lladdr: Operation not supported" nd a lladdr lo
}

# -- unsolicited NA ----------------------------------------------------------

check_una() {
	local cap=$XM_TMP/una.pcap fields out want
	# B holds a stale entry for the address with another MAC: an
	# unsolicited NA updates existing entries only (RFC 4861 7.2.5).
	ip -n "$(xm_ns b)" -6 neigh replace "$UNA_HOA" lladdr 02:00:00:00:00:99 dev b0 nud stale ||
		return 1
	# Only NAs to all-nodes: A's kernel answers B's NS for A's own link-local
	# address (B's entry for it may be probed now) with a unicast NA that
	# would take one of the two places (a pair run at 19:31Z).
	XM_CAPTURE_COUNT=2 xm_capture_start b b0 "$cap" src host "$A_LL" and dst host ff02::1 \
		and icmp6 and 'ip6[40] == 136' || return 1
	nd a una a0 "$UNA_HOA" && nd a una a0 "$NOPROXY_HOA" router || return 1
	xm_capture_stop 3
	fields=(ipv6.src ipv6.dst ipv6.hlim icmpv6.code icmpv6.nd.na.flag.r icmpv6.nd.na.flag.s
		icmpv6.nd.na.flag.o icmpv6.nd.na.target_address icmpv6.opt.type icmpv6.opt.linkaddr
		icmpv6.checksum.status)
	out=$(tshark_fields "$cap" "icmpv6.type == 136" "${fields[@]}")
	echo "${fields[*]}"
	echo "$out"
	want="$A_LL,ff02::1,255,0,0,0,1,$UNA_HOA,2,$A_MAC,1
$A_LL,ff02::1,255,0,1,0,1,$NOPROXY_HOA,2,$A_MAC,1"
	expect_eq "NAs" "$out" "$want" && no_expert "$cap"
}

check_una_cache() {
	local out
	out=$(ip -n "$(xm_ns b)" -6 neigh show "$UNA_HOA" dev b0)
	echo "B: $out"
	echo "$out" | grep -q "lladdr $A_MAC"
}

# -- DAD probe ---------------------------------------------------------------

# dad TARGET...: the probe's lines, space-separated; DAD_MS its duration.
dad() {
	local start
	start=$(date +%s%N)
	DAD_OUT=$(nd a dad a0 "$@" | tr '\n' ' ')
	DAD_MS=$((($(date +%s%N) - start) / 1000000))
	DAD_OUT=${DAD_OUT% }
	echo "dad $*: '$DAD_OUT' in $DAD_MS ms"
}

check_retrans() {
	local got
	# The kernel keeps it in jiffies: a multiple of 20 ms survives any HZ.
	xm_exec a sysctl -qw net.ipv6.neigh.a0.retrans_time_ms=1240 || return 1
	got=$(nd a retrans a0) && expect_eq "retrans a0" "$got" 1240 || return 1
	xm_exec a sysctl -qw net.ipv6.neigh.a0.retrans_time_ms="$RETRANS" || return 1
	got=$(nd a retrans a0) && expect_eq "retrans a0" "$got" "$RETRANS" || return 1
	# No such interface: RFC 4861's default.
	got=$(nd a retrans 99999) && expect_eq "retrans 99999" "$got" 1000
}

check_dad_free() {
	local cap=$XM_TMP/dad.pcap fields out
	XM_CAPTURE_COUNT=1 xm_capture_start b b0 "$cap" src host :: and icmp6 and \
		'ip6[40] == 135' || return 1
	dad "$DAD_HOA"
	xm_capture_stop 3
	expect_eq "result" "$DAD_OUT" free || return 1
	# It waited the RetransTimer, and not much longer.
	[ "$DAD_MS" -ge "$RETRANS" ] && [ "$DAD_MS" -lt $((RETRANS + 700)) ] || return 1
	fields=(ipv6.src ipv6.dst ipv6.hlim ipv6.plen icmpv6.code icmpv6.nd.ns.target_address
		icmpv6.opt.type icmpv6.checksum.status)
	out=$(tshark_fields "$cap" "icmpv6.type == 135" "${fields[@]}")
	echo "${fields[*]}"
	echo "$out"
	expect_eq "NS" "$out" "::,ff02::1:ff00:400,255,24,0,$DAD_HOA,,1" && no_expert "$cap"
}

check_dad_kernel_owner() {
	xm_exec b ip -6 addr add "$DAD_HOA/64" dev b0 nodad || return 1
	dad "$DAD_HOA"
	xm_exec b ip -6 addr del "$DAD_HOA/64" dev b0
	expect_eq "result" "$DAD_OUT" in-use
}

check_dad_twins() {
	local cap=$XM_TMP/twins.pcap n
	# Two probes share one solicited-node group; only B's address is taken.
	xm_exec b ip -6 addr add "$DAD_HOA/64" dev b0 nodad || return 1
	XM_CAPTURE_COUNT=2 xm_capture_start b b0 "$cap" src host :: and icmp6 and \
		'ip6[40] == 135' || return 1
	dad "$DAD_HOA" "$DAD_TWIN"
	xm_exec b ip -6 addr del "$DAD_HOA/64" dev b0
	xm_capture_stop 3
	n=$(tshark_fields "$cap" "ipv6.src == :: && ipv6.dst == ff02::1:ff00:400" \
		icmpv6.nd.ns.target_address | sort | tr '\n' ' ')
	echo "NS targets: $n"
	expect_eq "results" "$DAD_OUT" "in-use free" &&
		expect_eq "NS targets" "$n" "$DAD_HOA $DAD_TWIN "
}

# a0_retrans MS
a0_retrans() { xm_exec a sysctl -qw net.ipv6.neigh.a0.retrans_time_ms="$1"; }

check_dad_scapy_na() {
	peer_start b b0 na-on-ns "$DAD_HOA" 255 || return 1
	a0_retrans "$SCAPY_RETRANS" || return 1
	dad "$DAD_HOA"
	a0_retrans "$RETRANS"
	peer_answered && expect_eq "result" "$DAD_OUT" in-use
}

check_dad_scapy_na_hlim() {
	local cap=$XM_TMP/hlim.pcap n
	# The NA does reach A (captured there), and is ignored (RFC 4861 7.1.2).
	XM_CAPTURE_COUNT=1 xm_capture_start a a0 "$cap" icmp6 and 'ip6[40] == 136' and \
		'ip6[7] == 254' || return 1
	peer_start b b0 na-on-ns "$DAD_HOA" 254 || return 1
	a0_retrans "$SCAPY_RETRANS" || return 1
	dad "$DAD_HOA"
	a0_retrans "$RETRANS"
	peer_answered || return 1
	xm_capture_stop 3
	n=$(tshark_fields "$cap" "ipv6.hlim == 254 && icmpv6.nd.na.target_address == $DAD_HOA" \
		icmpv6.type | grep -c .)
	echo "NA with hop limit 254 seen on a0: $n"
	[ "$n" -eq 1 ] && expect_eq "result" "$DAD_OUT" free
}

check_dad_scapy_ns() {
	# Another node doing DAD for the same address at the same time.
	peer_start b b0 ns-on-ns "$DAD_HOA" 255 || return 1
	a0_retrans "$SCAPY_RETRANS" || return 1
	dad "$DAD_HOA"
	a0_retrans "$RETRANS"
	peer_answered && expect_eq "result" "$DAD_OUT" in-use
}

check_dad_ifindex() {
	local p0 p1 r0 r1 joined
	# An NA on a1 answers a probe on a1, not one for the same target on a0.
	xm_exec a sysctl -qw net.ipv6.neigh.a0.retrans_time_ms=2000 \
		net.ipv6.neigh.a1.retrans_time_ms=2000 || return 1
	peer_start c c0 na-on-go "$DAD_HOA" 255 || return 1
	xm_bg a timeout 20 "$ND_TOOL" dad a0 "$DAD_HOA" >"$XM_TMP/dad0.out" 2>&1
	p0=$XM_LAST_PID
	xm_bg a timeout 20 "$ND_TOOL" dad a1 "$DAD_HOA" >"$XM_TMP/dad1.out" 2>&1
	p1=$XM_LAST_PID
	sleep 0.5
	# Meanwhile a0 and a1 are members of the target's solicited-node group.
	joined=$(xm_exec a cat /proc/net/igmp6 | awk '$3 == "ff0200000000000000000001ff000400" {print $2}' |
		sort | tr '\n' ' ')
	touch "$XM_TMP/peer.go"
	xm_wait_pid "$p0" 10
	xm_wait_pid "$p1" 10
	xm_exec a sysctl -qw net.ipv6.neigh.a0.retrans_time_ms="$RETRANS"
	peer_answered || return 1
	r0=$(cat "$XM_TMP/dad0.out")
	r1=$(cat "$XM_TMP/dad1.out")
	echo "groups joined on: $joined; a0: $r0; a1: $r1"
	expect_eq "joined" "$joined" "a0 a1 " && expect_eq a0 "$r0" free && expect_eq a1 "$r1" in-use
}

dad_lines() { [ "$(grep -c . "$1")" -ge "$2" ]; }

check_dad_left_group() {
	local out=$XM_TMP/hold.out pid groups
	# Finishing the probes leaves the group even while the socket lives on.
	xm_bg a timeout 20 "$ND_TOOL" dad a0 "$DAD_HOA" "$DAD_TWIN" hold 2000 >"$out" 2>&1
	pid=$XM_LAST_PID
	xm_retry 20 0.1 dad_lines "$out" 2 || return 1
	groups=$(xm_exec a cat /proc/net/igmp6 | grep ff0200000000000000000001ff000400)
	kill -0 "$pid" || { echo "nd_tool exited early"; return 1; }
	xm_wait_pid "$pid" 5
	cat "$out"
	echo "groups: $groups"
	[ -z "$groups" ] && expect_eq results "$(tr '\n' ' ' <"$out")" "free free "
}

# -- monitor -----------------------------------------------------------------

MON_OUT=
MON_PID=

mon_count() { grep -cE "$1" "$MON_OUT"; }
mon_has() { [ "$(mon_count "$1")" -ge "${2:-1}" ]; }

# mon_expect REGEX [N]: the monitor printed N (default 1) matching lines
# within 3 s.
mon_expect() {
	xm_retry 30 0.1 mon_has "$@" || {
		echo "not ${2:-1} lines matching '$1' in:"
		cat "$MON_OUT"
		return 1
	}
}

mon_start() {
	MON_OUT=$XM_TMP/monitor.$T_N.out
	xm_bg a timeout 30 "$ND_TOOL" monitor 25 "$@" >"$MON_OUT" 2>&1
	MON_PID=$XM_LAST_PID
	mon_expect '^ready$'
}

check_monitor_start() {
	ip -n "$(xm_ns a)" link add m0 type veth peer name m1 &&
		ip -n "$(xm_ns a)" link set m1 up || return 1
	mon_start
}

check_monitor_addr() {
	xm_exec a ip -6 addr add 2001:db8:9::1/64 dev m0 nodad &&
		mon_expect '^addr add m0 2001:db8:9::1/64 scope=global flags=nodad' || return 1
	xm_exec a ip -6 addr del 2001:db8:9::1/64 dev m0 &&
		mon_expect '^addr del m0 2001:db8:9::1/64 '
}

check_monitor_link() {
	local up='^link m0 up carrier$' n
	xm_exec a ip link set m0 up && mon_expect "$up" || return 1
	n=$(mon_count "$up")
	xm_exec a ip link set m0 down && mon_expect '^link m0 down no-carrier$' || return 1
	xm_exec a ip link set m0 up && mon_expect "$up" $((n + 1)) || return 1
	! mon_has '^resync$'
}

check_monitor_resync() {
	local i
	xm_stop_pid "$MON_PID"
	# A receive buffer of a few messages, read only after 2 s: the burst
	# overflows it and the monitor reports ENOBUFS as a resync.
	mon_start small || return 1
	for i in $(seq 1 100); do
		echo "addr add 2001:db8:9::$i/64 dev m1 nodad"
	done | xm_exec a ip -batch - || return 1
	mon_expect '^resync$' || return 1
	# ...and goes on reporting.
	xm_exec a ip -6 addr add 2001:db8:9::1:1/64 dev m1 nodad &&
		mon_expect '^addr add m1 2001:db8:9::1:1/64 '
	xm_stop_pid "$MON_PID"
}

# -- main --------------------------------------------------------------------

xm_init "ndt$$-"
t_fatal "namespaces A, B, C with veth links" setup

t "lladdr: the interface's MAC (RTM_GETLINK)" check_lladdr
t "lladdr: lo is not Ethernet, EOPNOTSUPP" check_lladdr_lo
t "proxy-add: ip -6 neigh show proxy lists it (add twice replaces)" check_proxy_add
t "proxy entry: A's kernel answers B's NS for it with A's MAC" check_proxy_answers
t "proxy-del: entry gone, the kernel no longer answers" check_proxy_del
t "proxy-del of an absent entry: ENOENT, one clean line" check_proxy_del_enoent
t "neigh-perm: PERMANENT entry with the MAC, used without NS" check_neigh_perm
t "neigh-perm: replaces the entry (own MAC by default)" check_neigh_replace
t "neigh-del: entry gone, again ENOENT" check_neigh_del
t "addr-add nodad noprefixroute: flags shown by ip and addr-dump, no prefix route" \
	check_addr_flags
t "addr-add again replaces (no EEXIST), flags updated" check_addr_replace
t "addr-add without nodad: tentative, prefix route" check_addr_dad
t "addr-dump agrees with ip -6 addr show" check_addr_dump
t "addr-del: gone; again EADDRNOTAVAIL; unknown ifindex ENODEV" check_addr_del
t "unsolicited NA: ff02::1, hop limit 255, O=1 S=0 R per flag, target, TLLA, checksum" \
	check_una
t "unsolicited NA: B's neighbour cache now points at A's MAC" check_una_cache
t "retrans_time_ms: reads the sysctl value, default 1000" check_retrans
t "DAD free: NS from :: to ff02::1:ff00:400, hop limit 255, no options, RetransTimer" \
	check_dad_free
t "DAD in-use: B's kernel owns the address and answers" check_dad_kernel_owner
t "DAD: two probes sharing a solicited-node group, only one in use" check_dad_twins
t "DAD in-use: Scapy NA (hop limit 255)" check_dad_scapy_na
t "DAD free: Scapy NA with hop limit 254 is ignored" check_dad_scapy_na_hlim
t "DAD in-use: another node's DAD NS for the address (Scapy)" check_dad_scapy_ns
t "DAD: NA on a1 marks the a1 probe only; groups joined per interface" check_dad_ifindex
t "DAD: solicited-node group left after the probes" check_dad_left_group
t "monitor: starts" check_monitor_start
t "monitor: address added and removed" check_monitor_addr
t "monitor: link up, down, up" check_monitor_link
t "monitor: ENOBUFS reported as resync, then events again" check_monitor_resync
finish
