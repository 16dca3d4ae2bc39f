#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_failover.sh - two home agents share one virtual home agent address
# by VRRPv3 (keepalived, native_ipv6, 0.1 s adverts, unicast between them;
# deploy/keepalived/) and their bindings through a 3-member etcd cluster
# (docs/cluster.md). A UDP stream of 2,000 packets/s from the correspondent
# to a registered home address:
#
#   - kill -9 of the master's xmip6d (deploy/keepalived/xmip6d-vrrp.sh
#     turns its exit into a keepalived fault at once): the address moves to
#     the other home agent, which tunnels from the binding it has from etcd;
#   - the new master's link down: the address moves back;
# each time the stream's longest hole, read from the receiver's sequence
# numbers (peers/stream.py), is at most 1 s (2,000 packets), and the
# mobile node sends nothing (tcpdump on its link: no Binding Update).
# A restarted home agent holds every binding, one registered while it was
# down included, before it may take the address (its track file says
# fault until its control socket answers and its metrics say etcd is up;
# nopreempt keeps it backup).
#
# The rig (selftests/lib/failover_rig.sh): r routes the virtual home
# prefix to the VIP; the mobile node of the stream is an xmip6d mobile
# node (home agent: the VIP), which decapsulates in XDP; a second home
# address is registered by an
# independent Scapy peer (mip6_peer.py) in the CN's namespace.
# TAP output.
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
# The two home agents, keepalived, etcd and the stream: the failover rig,
# shared with `make bench` section failover (bench/failover.sh); it brings
# cluster_rig.sh, topology.sh and tap.sh.
# shellcheck source=selftests/lib/failover_rig.sh
. selftests/lib/failover_rig.sh

# bu HOA SEQ: a BU to the VIP from an independent mobile node in the CN's
# namespace (care-of address CN: the MN namespace's XDP program takes
# whatever Mobility Header reaches it to its daemon); BA 0 with a valid
# authenticator.
bu() {
	local out
	out=$(ip netns exec "$(xm_ns cn)" "$XM_PYTHON" selftests/peers/mip6_peer.py bu \
		--coa "$FO_CN" --ha "$FO_VIP" --hoa "$1" --seq "$2" --spi $((256 + ${1##*::20})) \
		--key "$FO_KEY" --wait 4) || return 1
	echo "$out"
	echo "$out" | jget "(lambda a: bool(a and a['status'] == 0 and a['auth_ok']))(d['answer'])" |
		grep -qx True
}

# hole_ok: the stream's longest hole, in packets from the receiver's
# sequence numbers, is at most 1 s of them, less what the sender itself was
# held up by the machine (FO_STALL: it then sends the missed packets in one
# burst, which the queues on the way may drop: a hole that is not the
# failover's); and the stream got past the failover (its last packets came).
hole_ok() {
	local hole high allowed
	hole=$(echo "$FO_STREAM" | jget "d['longest_hole']")
	high=$(echo "$FO_STREAM" | jget "d['highest']")
	allowed=$("$XM_PYTHON" -c "print($FO_PPS + int(${FO_STALL:-0} * $FO_PPS))")
	echo "longest hole $hole packets ($(echo "$FO_STREAM" | jget "round(d['longest_hole'] / $FO_PPS, 3)") s)," \
		"the sender's longest stall ${FO_STALL:-?} s: at most $allowed allowed; highest $high"
	[ "$hole" -le "$allowed" ] && [ "$high" -ge $((FO_PPS * FO_STREAM_S - FO_PPS / 10)) ]
}
no_bu() { echo "Mobility Header messages from the MN: $FO_MN_MH"; [ "$FO_MN_MH" = 0 ]; }

# shared HA HOA: HA's map holds HOA's binding (from etcd), within 5 s.
shared() { xm_retry 50 0.1 fo_map_has "$1" "$2"; }

main() {
	cl_init "xm$$-"
	[ -x "$XM_D_BIN" ] || { echo "1..0 # SKIP $XM_D_BIN not built"; exit 0; }
	command -v keepalived >/dev/null || { echo "1..0 # SKIP keepalived missing (Debian: keepalived)"; exit 0; }
	t_fatal "topology comes up" fo_topo_up
	t_fatal "a 3-member etcd cluster (TLS, client certificates) is healthy" fo_etcd_up
	t_fatal "keepalived on both home agents" eval 'fo_start_ka ha1 150 && fo_start_ka ha2 100'
	t_fatal "xmip6d on ha1 (under xmip6d-vrrp.sh), ready" fo_start_ha ha1
	t_fatal "... ha1 takes the VIP" xm_retry 50 0.1 fo_master_is ha1
	t_fatal "xmip6d on ha2, ready" fo_start_ha ha2
	t "... ha2 stays backup (nopreempt, lower priority)" eval 'sleep 1; fo_master_is ha1'
	t_fatal "an xmip6d MN registers $FO_HOA1 with the VIP" fo_start_mn
	t_fatal "... ha2 holds the binding too (etcd)" shared ha2 "$FO_HOA1"

	t "stream 2,000 pkt/s to $FO_HOA1, kill -9 of the master's xmip6d" fo_stream_across "$FO_HOA1" fo_kill_master_daemon
	t "... the VIP moved to the other home agent" fo_master_is "$(fo_other "${FO_KILLED:-ha1}")"
	t "... the router sends to it" fo_r_sends_to "$(fo_other "${FO_KILLED:-ha1}")"
	t "... the stream's longest hole is at most 1 s" hole_ok
	t "... the MN sent nothing (no Binding Update)" no_bu

	local back=${FO_KILLED:-ha1} serving
	serving=$(fo_other "$back")
	t "while $back is down, a Scapy MN registers $FO_HOA2 through the VIP ($serving): BA 0" \
		bu "$FO_HOA2" 1
	t_fatal "$back's xmip6d restarts (xmip6d-vrrp.sh)" fo_start_ha "$back"
	t "... when its control socket first answers it holds $FO_HOA2 (caught up from etcd)" \
		fo_map_has "$back" "$FO_HOA2" "$FO_CN"
	t "... and $FO_HOA1" fo_map_has "$back" "$FO_HOA1"
	t "... its track file says ready (0) once etcd is up in its metrics" \
		xm_retry 50 0.1 fo_ha_ready "$back"
	t "... it stays backup: $serving keeps the VIP" eval "sleep 1; fo_master_is $serving"

	t "stream 2,000 pkt/s to $FO_HOA1, the master's link down" fo_stream_across "$FO_HOA1" fo_link_down_master
	t "... the VIP moved to the other home agent" fo_master_is "$(fo_other "${FO_DOWNED:-ha2}")"
	t "... the router sends to it" fo_r_sends_to "$(fo_other "${FO_DOWNED:-ha2}")"
	t "... the stream's longest hole is at most 1 s" hole_ok
	t "... the MN sent nothing (no Binding Update)" no_bu
	finish
}

[ "${BASH_SOURCE[0]}" = "$0" ] && main
