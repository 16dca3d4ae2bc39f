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
#   st (etcd 2001:db8:e::1-3) --- r --- hl (bridge, 2001:db8:f::/64)
#                                 |       |- ha1 eth0 2001:db8:f::1
#   cn 2001:db8:d::100 -----------|       '- ha2 eth0 2001:db8:f::2
#   mn (CoA 2001:db8:c::100) -----'       VIP 2001:db8:f::a (VRRP)
#
# r routes the virtual home prefix 2001:db8:1::/64 to the VIP. The mobile
# node of the stream is an xmip6d mobile node (home agent: the VIP), which
# decapsulates in XDP; a second home address is registered by an
# independent Scapy peer (mip6_peer.py) in the CN's namespace.
# xmip6-test: serial
# TAP output.
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
# The etcd cluster (certificates, members, etcdctl): the cluster tests' rig,
# which brings topology.sh and tap.sh.
# shellcheck source=selftests/lib/cluster_rig.sh
. selftests/lib/cluster_rig.sh

VIP=2001:db8:f::a
HOME_PREFIX=2001:db8:1::/64
HOA1=2001:db8:1::201
HOA2=2001:db8:1::202
COA=2001:db8:c::100
CN=2001:db8:d::100
KEY=0f1e2d3c4b5a69788796a5b4c3d2e1f0
PPS=2000
STREAM_S=4
declare -A HA_PID
export XMIP6CTL=$XM_CTL_BIN # for xmip6d-vrrp.sh

ha_addr() { echo "2001:db8:f::${1#ha}"; }
other() { [ "$1" = ha1 ] && echo ha2 || echo ha1; }

topo_up() {
	local r i
	XM_ROLES="st r ha1 ha2 mn cn"
	for r in $XM_ROLES; do
		xm_add_ns "$r" || return 1
	done
	xm_exec r sysctl -qw net.ipv6.conf.all.forwarding=1 && cl_store_link || return 1
	ip -n "$(xm_ns r)" link add hl type bridge forward_delay 0 mcast_snooping 0 &&
		ip -n "$(xm_ns r)" link set hl up && xm_addr r hl 2001:db8:f::ff/64 || return 1
	for i in 1 2; do
		xm_exec "ha$i" sysctl -qw net.ipv6.conf.all.forwarding=1 || return 1
		xm_link r "p$i" "ha$i" eth0 && ip -n "$(xm_ns r)" link set "p$i" master hl &&
			xm_peer_napi r "p$i" && xm_addr "ha$i" eth0 "$(ha_addr "ha$i")/64" &&
			bridge -n "$(xm_ns r)" link set dev "p$i" flood off &&
			ip -n "$(xm_ns "ha$i")" -6 route add default via 2001:db8:f::ff || return 1
	done
	# No unknown-unicast flooding to the home agents: when a port goes down
	# the bridge forgets its MACs and would flood the frames still sent to
	# the old master to the other one, whose XDP program (it runs before
	# any MAC filter on a veth) would tunnel them: a failover that a real
	# switch and NIC (which drops frames for another MAC) do not have.
	ip -n "$(xm_ns r)" -6 route add "$HOME_PREFIX" via "$VIP" || return 1
	xm_link r m0 mn eth0 && xm_addr r m0 2001:db8:c::1/64 && xm_addr mn eth0 "$COA/64" &&
		ip -n "$(xm_ns mn)" -6 route add default via 2001:db8:c::1 || return 1
	xm_link r c0 cn eth0 && xm_addr r c0 2001:db8:d::1/64 && xm_addr cn eth0 "$CN/64" &&
		ip -n "$(xm_ns cn)" -6 route add default via 2001:db8:d::1 || return 1
	xm_peer_napi r m0 && xm_wait_links_up
}

ha_conf() {
	local ha=$1
	(
		umask 077
		cat >"$XM_TMP/$ha.conf" <<EOC
log-level = "info";
pin-dir = "$(xm_pin "$ha")";
control-socket = "$XM_TMP/$ha.sock";
metrics-listen = "[::1]:9618";
home-agent = {
  address = "$VIP";
  home-prefix = "$HOME_PREFIX";
  interfaces = [ "eth0" ];
  home-link = "";
  dad = false;
  timestamp-window = 30;
$(cl_cluster_group home)
  mobile-nodes = (
    { home-address = "$HOA1"; spi = 257; key = "$KEY"; },
    { home-address = "$HOA2"; spi = 258; key = "$KEY"; }
  );
};
EOC
	)
}

mn_conf() {
	(
		umask 077
		cat >"$XM_TMP/mn.conf" <<EOC
log-level = "info";
pin-dir = "$(xm_pin mn)";
control-socket = "$XM_TMP/mn.sock";
mobile-node = {
  home-address = "$HOA1";
  home-agent = "$VIP";
  interfaces = [ "eth0" ];
  lifetime = 600;
  spi = 257;
  key = "$KEY";
};
EOC
	)
}

# The MN's BUL entry is bound: registered with the VIP.
mn_bound() {
	local st
	st=$(xm_dctl mn -j bul show | jget "d['bul'][0]['state']") || return 1
	echo "MN BUL state: $st"
	[ "$st" = registered ]
}

start_mn() {
	local pid
	mn_conf && xm_start_daemon mn pid && xm_retry 100 0.1 mn_bound
}

ka_conf() {
	local ha=$1 prio=$2
	cat >"$XM_TMP/ka-$ha.conf" <<EOC
global_defs {
	router_id $ha
	vrrp_garp_master_delay 0
	vrrp_garp_master_repeat 3
}
track_file xmip6d {
	file "$XM_TMP/$ha.track"
	weight 0
}
vrrp_instance home_agent {
	state BACKUP
	nopreempt
	interface eth0
	virtual_router_id 42
	priority $prio
	native_ipv6
	advert_int 0.1
	unicast_src_ip $(ha_addr "$ha")
	unicast_peer {
		$(ha_addr "$(other "$ha")")
	}
	virtual_ipaddress {
		$VIP/64 dev eth0
	}
	track_file {
		xmip6d
	}
}
EOC
}

# start_ka HA PRIO: keepalived (VRRP only, no fork) in HA's namespace.
start_ka() {
	local ha=$1
	ka_conf "$ha" "$2" || return 1
	echo 254 >"$XM_TMP/$ha.track"
	xm_bg "$ha" keepalived --vrrp -n -l -D -f "$XM_TMP/ka-$ha.conf" \
		-p "$XM_TMP/ka-$ha.pid" -r "$XM_TMP/ka-$ha.vrrp.pid" \
		>>"$XM_TMP/ka-$ha.log" 2>&1
	xm_retry 50 0.1 grep -q 'Startup complete\|Entering BACKUP\|entering FAULT' "$XM_TMP/ka-$ha.log"
}

# start_ha HA: xmip6d under deploy/keepalived/xmip6d-vrrp.sh (ready: its
# control socket answers and its metrics say the store is up); HA_PID is
# xmip6d's own PID (the wrapper's child), read back from the kernel.
start_ha() {
	local ha=$1 w
	ha_conf "$ha" || return 1
	rm -f "$XM_TMP/$ha.sock"
	xm_bg - nsenter --net="/run/netns/$(xm_ns "$ha")" \
		env XMIP6_METRICS="http://[::1]:9618/metrics" deploy/keepalived/xmip6d-vrrp.sh "$XM_TMP/$ha.track" "$XM_TMP/$ha.sock" \
		"$XM_D_BIN" -c "$XM_TMP/$ha.conf" </dev/null >>"$XM_TMP/$ha.log" 2>&1
	w=$XM_LAST_PID
	xm_retry 100 0.1 test -S "$XM_TMP/$ha.sock" || return 1
	HA_PID[$ha]=$(pgrep -P "$w" -x xmip6d)
	echo "$ha: xmip6d ${HA_PID[$ha]} under wrapper $w"
	[ -n "${HA_PID[$ha]}" ]
}

# master: the home agent holding the VIP (the kernel's addresses), or none.
master() {
	local ha
	for ha in ha1 ha2; do
		ip -n "$(xm_ns "$ha")" -6 -o addr show dev eth0 2>/dev/null | grep -q " $VIP/" &&
			{ echo "$ha"; return 0; }
	done
	echo none
}
master_is() {
	local m
	m=$(master)
	echo "VIP on: $m (want $1)"
	[ "$m" = "$1" ]
}

# r_sends_to HA: the router's neighbour entry for the VIP has HA's MAC
# (where r now sends the home prefix's traffic).
r_sends_to() {
	local want got
	want=$(xm_mac "$1" eth0)
	got=$(ip -n "$(xm_ns r)" -6 neigh show "$VIP" dev hl)
	echo "r: $got (want $1's $want)"
	echo "$got" | grep -q "lladdr $want "
}

# bu HOA SEQ: a BU to the VIP from an independent mobile node in the CN's
# namespace (care-of address CN: the MN namespace's XDP program takes
# whatever Mobility Header reaches it to its daemon); BA 0 with a valid
# authenticator.
bu() {
	local out
	out=$(ip netns exec "$(xm_ns cn)" "$XM_PYTHON" selftests/peers/mip6_peer.py bu \
		--coa "$CN" --ha "$VIP" --hoa "$1" --seq "$2" --spi $((256 + ${1##*::20})) \
		--key "$KEY" --wait 4) || return 1
	echo "$out"
	echo "$out" | jget "(lambda a: bool(a and a['status'] == 0 and a['auth_ok']))(d['answer'])" |
		grep -qx True
}

# map_has HA HOA [COA]: HA's pinned map binds HOA to COA (default: the
# xmip6d mobile node's).
map_has() {
	local got
	got=$(xm_ctl "$1" -j binding show |
		jget "' '.join(b['care_of_addr'] for b in d['bindings'] if b['home_addr'] == '$2')") ||
		return 1
	echo "$1: $2 -> '$got'"
	[ "$got" = "${3:-$COA}" ]
}

# tunnelled_by: each home agent's to_mn packet counter of HOA1's binding
# (its own data plane's count, read from its pinned map).
tunnelled_by() {
	local ha n
	for ha in ha1 ha2; do
		n=$(xm_ctl "$ha" -j binding show |
			jget "sum(b.get('to_mn_packets', 0) for b in d['bindings'] if b['home_addr'] == '$HOA1')")
		printf '%s=%s ' "$ha" "$n"
	done
}

# stream_across HOA ACTION...: 2,000 packets/s for STREAM_S s from the CN to
# HOA, received on the mobile node's tunnel; ACTION runs 1.5 s in (the
# stream is flowing), which leaves 2.5 s for a failover of well under 1 s
# and the stream's tail after it. The MN's link
# is captured meanwhile: every packet the MN sends; MN_MH counts its
# Mobility Header messages (tshark's mip6 dissector).
stream_across() {
	local hoa=$1 rx tag=$RANDOM
	shift
	rx=$XM_TMP/rx.$tag
	XM_CAPTURE_COUNT=100 xm_capture_start mn eth0 "$XM_TMP/mnout.$tag.pcap" \
		ip6 and src host "$COA" || return 1
	xm_bg mn timeout 30 "$XM_PYTHON" selftests/peers/stream.py recv "$hoa" 5001 "$STREAM_S" 2 $((PPS * STREAM_S)) \
		>"$rx"
	local rpid=$XM_LAST_PID
	xm_retry 50 0.1 sh -c "ip netns exec '$(xm_ns mn)' ss -Hlun 'sport = :5001' | grep -q ." ||
		return 1
	xm_bg cn timeout 30 "$XM_PYTHON" selftests/peers/stream.py send "$hoa" 5001 "$PPS" "$STREAM_S" \
		>"$rx.sent" 2>"$rx.stall"
	local spid=$XM_LAST_PID
	tunnelled_by >"$XM_TMP/by.before"
	sleep 1.5
	"$@" || { echo "action failed: $*"; return 1; }
	xm_wait_pid "$spid" 30
	xm_wait_pid "$rpid" 30
	xm_capture_stop 0
	STREAM=$(cat "$rx")
	STALL=$(awk '$1 == "stall_s" { print $2 }' "$rx.stall")
	# Mobility Header messages among them, as tshark dissects them.
	MN_MH=$(tshark -n -r "$XM_TMP/mnout.$tag.pcap" -Y mip6 2>/dev/null | wc -l)
	echo "sent $(cat "$rx.sent"), received: $STREAM"
	echo "tunnelled to the MN: before $(cat "$XM_TMP/by.before"), after $(tunnelled_by)"
	echo "the MN sent:"
	tshark -n -r "$XM_TMP/mnout.$tag.pcap" 2>/dev/null
	[ -n "$STREAM" ]
}

# hole_ok: the stream's longest hole, in packets from the receiver's
# sequence numbers, is at most 1 s of them, less what the sender itself was
# held up by the machine (STALL: it then sends the missed packets in one
# burst, which the queues on the way may drop: a hole that is not the
# failover's); and the stream got past the failover (its last packets came).
hole_ok() {
	local hole high allowed
	hole=$(echo "$STREAM" | jget "d['longest_hole']")
	high=$(echo "$STREAM" | jget "d['highest']")
	allowed=$("$XM_PYTHON" -c "print($PPS + int(${STALL:-0} * $PPS))")
	echo "longest hole $hole packets ($(echo "$STREAM" | jget "round(d['longest_hole'] / $PPS, 3)") s)," \
		"the sender's longest stall ${STALL:-?} s: at most $allowed allowed; highest $high"
	[ "$hole" -le "$allowed" ] && [ "$high" -ge $((PPS * STREAM_S - PPS / 10)) ]
}
no_bu() { echo "Mobility Header messages from the MN: $MN_MH"; [ "$MN_MH" = 0 ]; }

kill_master_daemon() {
	local m
	m=$(master)
	KILLED=$m
	[ "$m" != none ] && kill -KILL "${HA_PID[$m]}"
}

link_down_master() {
	local m
	m=$(master)
	DOWNED=$m
	[ "$m" != none ] && ip -n "$(xm_ns "$m")" link set eth0 down
}

etcd_up() {
	cl_certs && cl_etcd_start 1 && cl_etcd_start 2 && cl_etcd_start 3 &&
		xm_retry 100 0.2 cl_healthy
}

# shared HA HOA: HA's map holds HOA's binding (from etcd), within 5 s.
shared() { xm_retry 50 0.1 map_has "$1" "$2"; }

main() {
	cl_init "xm$$-"
	[ -x "$XM_D_BIN" ] || { echo "1..0 # SKIP $XM_D_BIN not built"; exit 0; }
	command -v keepalived >/dev/null || { echo "1..0 # SKIP keepalived missing (Debian: keepalived)"; exit 0; }
	t_fatal "topology comes up" topo_up
	t_fatal "a 3-member etcd cluster (TLS, client certificates) is healthy" etcd_up
	t_fatal "keepalived on both home agents" eval 'start_ka ha1 150 && start_ka ha2 100'
	t_fatal "xmip6d on ha1 (under xmip6d-vrrp.sh), ready" start_ha ha1
	t_fatal "... ha1 takes the VIP" xm_retry 50 0.1 master_is ha1
	t_fatal "xmip6d on ha2, ready" start_ha ha2
	t "... ha2 stays backup (nopreempt, lower priority)" eval 'sleep 1; master_is ha1'
	t_fatal "an xmip6d MN registers $HOA1 with the VIP" start_mn
	t_fatal "... ha2 holds the binding too (etcd)" shared ha2 "$HOA1"

	t "stream 2,000 pkt/s to $HOA1, kill -9 of the master's xmip6d" stream_across "$HOA1" kill_master_daemon
	t "... the VIP moved to the other home agent" master_is "$(other "${KILLED:-ha1}")"
	t "... the router sends to it" r_sends_to "$(other "${KILLED:-ha1}")"
	t "... the stream's longest hole is at most 1 s" hole_ok
	t "... the MN sent nothing (no Binding Update)" no_bu

	local back=${KILLED:-ha1} serving
	serving=$(other "$back")
	t "while $back is down, a Scapy MN registers $HOA2 through the VIP ($serving): BA 0" \
		bu "$HOA2" 1
	t_fatal "$back's xmip6d restarts (xmip6d-vrrp.sh)" start_ha "$back"
	t "... when its control socket first answers it holds $HOA2 (caught up from etcd)" \
		map_has "$back" "$HOA2" "$CN"
	t "... and $HOA1" map_has "$back" "$HOA1"
	t "... its track file says ready (0) once etcd is up in its metrics" \
		xm_retry 50 0.1 grep -qx 0 "$XM_TMP/$back.track"
	t "... it stays backup: $serving keeps the VIP" eval "sleep 1; master_is $serving"

	t "stream 2,000 pkt/s to $HOA1, the master's link down" stream_across "$HOA1" link_down_master
	t "... the VIP moved to the other home agent" master_is "$(other "${DOWNED:-ha2}")"
	t "... the router sends to it" r_sends_to "$(other "${DOWNED:-ha2}")"
	t "... the stream's longest hole is at most 1 s" hole_ok
	t "... the MN sent nothing (no Binding Update)" no_bu
	finish
}

[ "${BASH_SOURCE[0]}" = "$0" ] && main
