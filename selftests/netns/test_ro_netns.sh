#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_ro_netns.sh - route optimisation end to end, in namespaces
# (RFC 6275 sections 6.3, 6.4, 9.3.1, 9.3.2, 11.3.1, 11.3.3):
#
#   CN --- R1 --- R2 --- MN (care-of address 2001:db8:20::100)
#           |
#           HA (home link 2001:db8:1::/64, home address 2001:db8:1::100)
#
# xmip6 on the CN (role cn, a static binding HoA -> CoA), the MN (role mn,
# a home binding, an "ro" entry for the CN and XMIP6_CFG_F_RO) and the HA
# (role ha, so that anything not route-optimised would still get through the
# tunnel, and show up as such in the captures). No daemon: static state
# through xmip6ctl. Prints TAP; exits non-zero when anything failed.
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=scripts/topology.sh
. scripts/topology.sh
# shellcheck source=selftests/lib/tap.sh
. selftests/lib/tap.sh

ctr() { xm_stat "$@"; }

# grew_by NAME BEFORE AFTER MIN: AFTER - BEFORE >= MIN.
grew_by() {
	local d=$(($3 - $2))
	echo "$1: $2 -> $3 (+$d, want >= $4)"
	[ "$d" -ge "$4" ]
}

check_build() {
	[ -x "$XM_CTL_BIN" ] || { echo "$XM_CTL_BIN missing: run make"; return 1; }
	command -v bpftool && command -v tcpdump && command -v tshark &&
		command -v socat && command -v ethtool && "$XM_PYTHON" -c "import socket"
}

check_attach() {
	xm_attach_ha && xm_attach_mn || return 1
	xm_ctl cn attach "$XM_CN_IF" role cn || return 1
	xm_exec cn ip -d link show dev "$XM_CN_IF" | grep -q 'xdp' ||
		{ echo "no XDP program on the CN's $XM_CN_IF"; return 1; }
	xm_ctl cn status
	# The CN's XDP sees forwarded GSO packets from R1 only as segments;
	# GRO and an XDP program on R1's side keep the veth in NAPI mode.
	xm_peer_napi r1 "$XM_R1_CN_IF"
}

check_state() {
	xm_bind_static || return 1
	# CN binding cache entry (ha_addr: the CN's own address, as xmip6d does).
	xm_ctl cn binding add "$XM_HOA" "$XM_COA" ha "$XM_CN_ADDR" || return 1
	xm_ctl mn ro add home "$XM_HOA" peer "$XM_CN_ADDR" coa "$XM_COA" || return 1
	xm_ctl mn ro enable || return 1
	xm_ctl mn ro show && xm_ctl cn binding show || return 1
	xm_ctl mn -j ro show | grep -q "$XM_CN_ADDR"
}

check_ro_cli() {
	local out
	xm_ctl mn ro add home "$XM_HOA" peer 2001:db8:c::99 coa "$XM_COA" lifetime 60 || return 1
	out=$(xm_ctl mn ro show) || return 1
	echo "$out"
	echo "$out" | grep -q '2001:db8:c::99' || return 1
	xm_ctl mn ro del home "$XM_HOA" peer 2001:db8:c::99 || return 1
	out=$(xm_ctl mn -j ro show) || return 1
	echo "$out"
	! echo "$out" | grep -q '2001:db8:c::99' || return 1
	# Deleting what is not there fails.
	! xm_ctl mn ro del home "$XM_HOA" peer 2001:db8:c::99
}

CAP=
capture() {
	CAP=$XM_TMP/r1r2.pcap
	xm_capture_start r1 "$XM_R1_R2_IF" "$CAP" ip6 || { cat "$CAP.log"; return 1; }
	xm_ping_ok cn 3 "$XM_HOA" >/dev/null
	xm_ping_ok mn 3 -I "$XM_HOA" "$XM_CN_ADDR" >/dev/null
	xm_capture_stop 0
	[ -s "$CAP" ]
}

fields() {
	tshark -r "$CAP" -T fields -E separator=' ' -E aggregator=, -e ipv6.src -e ipv6.dst \
		-e ipv6.nxt -e ipv6.routing.type -e ipv6.routing.segleft \
		-e ipv6.routing.mipv6.home_address -e ipv6.opt.mipv6.home_address 2>/dev/null
}

# CN -> MN: to the CoA, next header 43, RH2 type 2 segleft 1 holding the HoA.
check_cap_rh2() {
	local n
	fields | sort | uniq -c
	n=$(fields | awk -v s="$XM_CN_ADDR" -v d="$XM_COA" -v h="$XM_HOA" \
		'$1 == s && $2 == d && $3 == 43 && $4 == 2 && $5 == 1 && $6 == h' | grep -c .)
	echo "$n packets $XM_CN_ADDR -> $XM_COA with an RH2 for $XM_HOA"
	[ "$n" -ge 3 ]
}

# MN -> CN: from the CoA, next header 60 with a HAO naming the HoA.
check_cap_hao() {
	local n
	n=$(fields | awk -v s="$XM_COA" -v d="$XM_CN_ADDR" -v h="$XM_HOA" \
		'$1 == s && $2 == d && $3 == 60 && index($0, h)' | grep -c .)
	echo "$n packets $XM_COA -> $XM_CN_ADDR with a HAO for $XM_HOA"
	[ "$n" -ge 3 ]
}

check_cap_no_tunnel() {
	local n
	n=$(fields | awk '$3 == 41 || $1 ~ /,/' | grep -c .)
	echo "$n IPv6-in-IPv6 packets on the R1-R2 link"
	n=$((n + $(fields | awk -v h="$XM_HOA" '$1 == h || $2 == h' | grep -c .)))
	echo "$n packets in all with the HoA in the clear or tunnelled"
	[ "$n" -eq 0 ]
}

check_counters() {
	local n=10 i0 a0 h0 r0 i1 a1 h1 r1 rc=0
	i0=$(ctr cn cn_rh2_insert) && a0=$(ctr cn cn_hao_accept) &&
		h0=$(ctr mn mn_hao_insert) && r0=$(ctr mn mn_rh2_accept) || return 1
	xm_ping_ok cn "$n" "$XM_HOA" | tail -n 2 || rc=1
	i1=$(ctr cn cn_rh2_insert) && a1=$(ctr cn cn_hao_accept) &&
		h1=$(ctr mn mn_hao_insert) && r1=$(ctr mn mn_rh2_accept) || return 1
	grew_by "CN cn_rh2_insert" "$i0" "$i1" "$n" || rc=1
	grew_by "CN cn_hao_accept" "$a0" "$a1" "$n" || rc=1
	grew_by "MN mn_hao_insert" "$h0" "$h1" "$n" || rc=1
	grew_by "MN mn_rh2_accept" "$r0" "$r1" "$n" || rc=1
	return "$rc"
}

# check_tcp DIR PORT: 4 MiB over TCP, CN <-> HoA, sha256 compared.
check_tcp() { xm_tcp_check "$1" "$2" 4194304; }

# check_tcp_gso ROLE COUNTER DIR PORT: the transfer works and the role's TC
# egress gave GSO packets their extension header (ro_gso grows).
check_tcp_gso() {
	local role=$1 g0 g1
	g0=$(ctr "$role" ro_gso) || return 1
	check_tcp "$3" "$4" || return 1
	g1=$(ctr "$role" ro_gso) || return 1
	grew_by "$role ro_gso" "$g0" "$g1" 1
}

check_no_tunnel_counters() {
	local e d
	e=$(ctr mn mn_encap) && d=$(ctr mn mn_decap) || return 1
	echo "MN mn_encap $e mn_decap $d (want 0: nothing went through the tunnel)"
	[ "$e" -eq 0 ] && [ "$d" -eq 0 ]
}

# MTU: the CN's link at 1400, so that a full-size packet + 24 does not fit.
# TCP always builds GSO skbs (their gso_size shrinks by 24 and they fit),
# except for one of at most an MSS: the client first sends 1320 bytes alone
# (TCP_NODELAY), a 1380- or 1392-byte packet that tc_cn_egress answers with
# a PTB (mtu 1376); TCP lowers its MSS, retransmits, and the rest follows.
check_mtu_tcp() {
	local port=5003 src rx pid p0 p1 want got
	ip -n "$(xm_ns cn)" link set "$XM_CN_IF" mtu 1400 &&
		ip -n "$(xm_ns r1)" link set "$XM_R1_CN_IF" mtu 1400 || return 1
	src=$XM_TMP/tcp.4194304.data # written by check_tcp (xm_tcp_check)
	rx=$XM_TMP/tcp.rx.$port
	want=$(sha256sum <"$src" | cut -d' ' -f1)
	p0=$(ctr cn cn_ptb_local) || return 1
	xm_bg mn timeout 30 socat -u "TCP6-LISTEN:$port,bind=[$XM_HOA],reuseaddr" "CREATE:$rx"
	pid=$XM_LAST_PID
	xm_retry 50 0.1 sh -c "ip netns exec '$(xm_ns mn)' ss -Hltn 'sport = :$port' | grep -q ." ||
		{ echo "server did not listen"; return 1; }
	xm_exec cn timeout 30 "$XM_PYTHON" - "$XM_HOA" "$port" "$src" <<'EOF' || return 1
import socket, sys, time
host, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
data = open(path, "rb").read()
s = socket.create_connection((host, port), timeout=20)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
s.sendall(data[:1320])
time.sleep(0.5)
s.sendall(data[1320:])
s.shutdown(socket.SHUT_WR)
s.close()
EOF
	xm_wait_pid "$pid" 15 || { echo "server exit status $?"; return 1; }
	got=$(sha256sum <"$rx" | cut -d' ' -f1)
	echo "sent $(wc -c <"$src") bytes sha256 $want, received $(wc -c <"$rx") sha256 $got"
	p1=$(ctr cn cn_ptb_local) || return 1
	xm_exec cn ip -6 route get "$XM_HOA"
	grew_by "CN cn_ptb_local during the transfer" "$p0" "$p1" 1 || return 1
	xm_exec cn ip -6 route get "$XM_HOA" | grep -q 'mtu 1376' && [ "$want" = "$got" ]
}

# Then ping: 1376 bytes fit, 1400 bytes are refused locally with mtu=1376.
check_mtu_ping() {
	local out
	xm_ping_ok cn 3 -s 1328 -M "do" "$XM_HOA" || return 1
	out=$(xm_exec cn ping -n -c 1 -w 2 -s 1352 -M "do" "$XM_HOA" 2>&1)
	echo "$out"
	echo "$out" | grep -Eq 'mtu(=|: )1376'
}

check_mtu_restore() {
	ip -n "$(xm_ns cn)" link set "$XM_CN_IF" mtu 1500 &&
		ip -n "$(xm_ns r1)" link set "$XM_R1_CN_IF" mtu 1500
}

# Without the CN's binding, its replies go to the HoA through the HA: the
# RH2 path stops (and HAO packets are dropped as unbound), so the MN's RO
# entry goes too and everything returns to the tunnel.
check_ro_off() {
	xm_ctl cn binding del "$XM_HOA" && xm_ctl mn ro del home "$XM_HOA" peer "$XM_CN_ADDR" ||
		return 1
	# The first packets wait for neighbour resolution on the home link.
	xm_exec cn ping -n -c 2 -w 3 "$XM_HOA" >/dev/null
	xm_exec mn ping -n -c 2 -w 3 -I "$XM_HOA" "$XM_CN_ADDR" >/dev/null
	xm_ping_ok cn 3 "$XM_HOA" && xm_ping_ok mn 3 -I "$XM_HOA" "$XM_CN_ADDR" || return 1
	local e
	e=$(ctr mn mn_encap) || return 1
	echo "MN mn_encap $e (want > 0 now)"
	[ "$e" -gt 0 ]
}

check_peers() {
	local out
	out=$(xm_ctl mn peers show) || return 1
	echo "$out"
	echo "$out" | grep -q "$XM_CN_ADDR" && xm_ctl mn -j peers show | grep -q "$XM_CN_ADDR"
}

check_unload() {
	xm_ctl cn unload && xm_ctl mn unload && xm_ctl ha unload || return 1
	! [ -e "$(xm_pin cn)" ] && ! [ -e "$(xm_pin mn)" ]
}

# -- main ----------------------------------------------------------------------

xm_init "xr$$-"
echo "# namespaces ${XM_PFX}{$(echo "$XM_ROLES" | tr ' ' ,)}, xmip6ctl $XM_CTL_BIN"

t_fatal "build and tools present" check_build
t_fatal "topology: CN, R1, HA, R2, MN" xm_topo_up
t_fatal "attach CN (role cn), HA (role ha), MN (role mn)" check_attach
t_fatal "static state: home binding, CN binding $XM_HOA -> $XM_COA, MN ro entry, RO on" \
	check_state
t "xmip6ctl ro add/show/del on the MN's pinned maps" check_ro_cli

t "ping CN -> home address: 5 of 5 replies" xm_ping_ok cn 5 "$XM_HOA"
t "ping home address -> CN: 5 of 5 replies" xm_ping_ok mn 5 -I "$XM_HOA" "$XM_CN_ADDR"
if capture; then
	t "R1-R2 link: CN -> MN packets go to the CoA with an RH2 (type 2, segleft 1, HoA)" \
		check_cap_rh2
	t "R1-R2 link: MN -> CN packets come from the CoA with a HAO naming the HoA" \
		check_cap_hao
	t "R1-R2 link: no IPv6-in-IPv6, no packet with the HoA in an IPv6 header" \
		check_cap_no_tunnel
else
	not_ok "capture on the R1-R2 link"
fi
t "counters: 10 pings grow cn_rh2_insert, cn_hao_accept, mn_hao_insert, mn_rh2_accept" \
	check_counters
t "TCP 4 MiB CN -> MN, sha256 matches, CN TC egress saw GSO packets (ro_gso)" \
	check_tcp_gso cn ro_gso to_mn 5001
t "TCP 4 MiB MN -> CN, sha256 matches, MN TC egress saw GSO packets (ro_gso)" \
	check_tcp_gso mn ro_gso to_cn 5002
t "nothing went through the MN's tunnel (mn_encap, mn_decap 0)" check_no_tunnel_counters

t "MTU: CN link 1400, TCP CN -> MN: a lone full-size segment meets a PTB (mtu 1376, \
cn_ptb_local), the transfer completes, sha256 matches" check_mtu_tcp
t "MTU: then ping -s 1328 -M do works and -s 1352 is refused locally with mtu 1376" check_mtu_ping
t "MTU: restored" check_mtu_restore

t "CN binding and MN ro entry removed: both ways work through the tunnel again" \
	check_ro_off
t "peers show lists the CN (recorded while tunnelled with RO on)" check_peers
t "unload removes the pin directories" check_unload

finish
