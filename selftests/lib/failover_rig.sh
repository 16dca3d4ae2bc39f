# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034 # the test and the bench read its variables
#
# failover_rig.sh - the rig of the VRRP failover (docs/cluster.md,
# "Failover"), shared by selftests/netns/test_failover.sh and `make bench`
# section failover (bench/failover.sh): two home agents share one virtual
# home agent address by VRRPv3 (keepalived, native_ipv6, 0.1 s adverts,
# unicast between them; deploy/keepalived/) and their bindings through a
# 3-member etcd cluster (selftests/lib/cluster_rig.sh's members, TLS).
#
#   st (etcd 2001:db8:e::1-3) --- r --- hl (bridge, 2001:db8:f::/64)
#                                 |       |- ha1 eth0 2001:db8:f::1
#   cn 2001:db8:d::100 -----------|       '- ha2 eth0 2001:db8:f::2
#   mn (CoA 2001:db8:c::100) -----'       VIP 2001:db8:f::a (VRRP)
#
# r routes the virtual home prefix 2001:db8:1::/64 to the VIP. The mobile
# node of the stream is an xmip6d mobile node (home agent: the VIP), which
# decapsulates in XDP. fo_stream_across runs a numbered UDP stream
# (peers/stream.py) from the CN to a home address across an action (kill -9
# of the master's xmip6d, the master's link down) and captures what the MN
# sends meanwhile. A caller sources this file alone, from the repository's
# top: it brings cluster_rig.sh (and so topology.sh and tap.sh); cl_init
# first, as for the cluster tests.

# shellcheck source=selftests/lib/cluster_rig.sh
. selftests/lib/cluster_rig.sh

FO_VIP=2001:db8:f::a
FO_HOME_PREFIX=2001:db8:1::/64
FO_HOA1=2001:db8:1::201
FO_HOA2=2001:db8:1::202
FO_COA=2001:db8:c::100
FO_CN=2001:db8:d::100
FO_KEY=0f1e2d3c4b5a69788796a5b4c3d2e1f0
FO_PPS=${FO_PPS:-2000}
FO_STREAM_S=${FO_STREAM_S:-4}
declare -A FO_HA_PID
export XMIP6CTL=$XM_CTL_BIN # for xmip6d-vrrp.sh

fo_other() { [ "$1" = ha1 ] && echo ha2 || echo ha1; }

# fo_ha_link_up HA: HA's eth0 up with its address and default route (what
# a link down flushed: IPv6 drops the addresses of a link that goes down).
fo_ha_link_up() {
	local ha=$1
	ip -n "${XM_PFX}$ha" link set eth0 up || return 1
	ip -n "${XM_PFX}$ha" -6 addr replace "$(cl_ha_addr "$ha")/64" dev eth0 nodad &&
		ip -n "${XM_PFX}$ha" -6 route replace default via 2001:db8:f::ff
}

fo_topo_up() {
	local r i
	XM_ROLES="st r ha1 ha2 mn cn"
	for r in $XM_ROLES; do
		xm_add_ns "$r" || return 1
	done
	xm_exec r sysctl -qw net.ipv6.conf.all.forwarding=1 && cl_store_link || return 1
	ip -n "${XM_PFX}r" link add hl type bridge forward_delay 0 mcast_snooping 0 &&
		ip -n "${XM_PFX}r" link set hl up && xm_addr r hl 2001:db8:f::ff/64 || return 1
	for i in 1 2; do
		xm_exec "ha$i" sysctl -qw net.ipv6.conf.all.forwarding=1 || return 1
		xm_link r "p$i" "ha$i" eth0 && ip -n "${XM_PFX}r" link set "p$i" master hl &&
			xm_peer_napi r "p$i" && fo_ha_link_up "ha$i" &&
			bridge -n "${XM_PFX}r" link set dev "p$i" flood off || return 1
	done
	# No unknown-unicast flooding to the home agents: when a port goes down
	# the bridge forgets its MACs and would flood the frames still sent to
	# the old master to the other one, whose XDP program (it runs before
	# any MAC filter on a veth) would tunnel them: a failover that a real
	# switch and NIC (which drops frames for another MAC) do not have.
	ip -n "${XM_PFX}r" -6 route add "$FO_HOME_PREFIX" via "$FO_VIP" || return 1
	xm_link r m0 mn eth0 && xm_addr r m0 2001:db8:c::1/64 && xm_addr mn eth0 "$FO_COA/64" &&
		ip -n "${XM_PFX}mn" -6 route add default via 2001:db8:c::1 || return 1
	xm_link r c0 cn eth0 && xm_addr r c0 2001:db8:d::1/64 && xm_addr cn eth0 "$FO_CN/64" &&
		ip -n "${XM_PFX}cn" -6 route add default via 2001:db8:d::1 || return 1
	xm_peer_napi r m0 && xm_wait_links_up
}

# fo_ha_conf HA [FILE SOCKET CLUSTER]: HA's xmip6d.conf in FILE
# ($XM_TMP/HA.conf), its control socket SOCKET ($XM_TMP/HA.sock), in the
# rig's etcd cluster CLUSTER ("home"; "": none, a home agent alone).
fo_ha_conf() {
	local ha=$1 file=${2:-$XM_TMP/$1.conf} sock=${3:-$XM_TMP/$1.sock} cluster=${4-home}
	(
		umask 077
		cat >"$file" <<EOC
log-level = "info";
pin-dir = "$(xm_pin "$ha")";
control-socket = "$sock";
metrics-listen = "[::1]:9618";
home-agent = {
  address = "$FO_VIP";
  home-prefix = "$FO_HOME_PREFIX";
  interfaces = [ "eth0" ];
  home-link = "";
  dad = false;
  timestamp-window = 30;
$([ -z "$cluster" ] || cl_cluster_group "$cluster")
  mobile-nodes = (
    { home-address = "$FO_HOA1"; spi = 257; key = "$FO_KEY"; },
    { home-address = "$FO_HOA2"; spi = 258; key = "$FO_KEY"; }
  );
};
EOC
	)
}

fo_mn_conf() {
	(
		umask 077
		cat >"$XM_TMP/mn.conf" <<EOC
log-level = "info";
pin-dir = "$(xm_pin mn)";
control-socket = "$XM_TMP/mn.sock";
mobile-node = {
  home-address = "$FO_HOA1";
  home-agent = "$FO_VIP";
  interfaces = [ "eth0" ];
  lifetime = 600;
  spi = 257;
  key = "$FO_KEY";
};
EOC
	)
}

# fo_mn_bound: the MN's BUL entry is bound: registered with the VIP.
fo_mn_bound() {
	local st
	st=$(xm_dctl mn -j bul show | jget "d['bul'][0]['state']") || return 1
	echo "MN BUL state: $st"
	[ "$st" = registered ]
}

fo_start_mn() {
	local pid
	fo_mn_conf && xm_start_daemon mn pid && xm_retry 100 0.1 fo_mn_bound
}

fo_ka_conf() {
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
	unicast_src_ip $(cl_ha_addr "$ha")
	unicast_peer {
		$(cl_ha_addr "$(fo_other "$ha")")
	}
	virtual_ipaddress {
		$FO_VIP/64 dev eth0
	}
	track_file {
		xmip6d
	}
}
EOC
}

# fo_start_ka HA PRIO: keepalived (VRRP only, no fork) in HA's namespace.
fo_start_ka() {
	local ha=$1
	fo_ka_conf "$ha" "$2" || return 1
	echo 254 >"$XM_TMP/$ha.track"
	xm_bg "$ha" keepalived --vrrp -n -l -D -f "$XM_TMP/ka-$ha.conf" \
		-p "$XM_TMP/ka-$ha.pid" -r "$XM_TMP/ka-$ha.vrrp.pid" \
		>>"$XM_TMP/ka-$ha.log" 2>&1
	xm_retry 50 0.1 grep -q 'Startup complete\|Entering BACKUP\|entering FAULT' "$XM_TMP/ka-$ha.log"
}

# fo_ka_backups HA: how many times HA's keepalived entered BACKUP (its log).
fo_ka_backups() { grep -c 'Entering BACKUP STATE' "$XM_TMP/ka-$1.log"; }

# fo_start_ha HA: xmip6d under deploy/keepalived/xmip6d-vrrp.sh (ready: its
# control socket answers and its metrics say the store is up); FO_HA_PID is
# xmip6d's own PID (the wrapper's child), read back from the kernel.
fo_start_ha() {
	local ha=$1 w
	fo_ha_conf "$ha" || return 1
	rm -f "$XM_TMP/$ha.sock"
	xm_bg - nsenter --net="/run/netns/${XM_PFX}$ha" \
		env XMIP6_METRICS="http://[::1]:9618/metrics" deploy/keepalived/xmip6d-vrrp.sh "$XM_TMP/$ha.track" "$XM_TMP/$ha.sock" \
		"$XM_D_BIN" -c "$XM_TMP/$ha.conf" </dev/null >>"$XM_TMP/$ha.log" 2>&1
	w=$XM_LAST_PID
	xm_retry 100 0.1 test -S "$XM_TMP/$ha.sock" || return 1
	FO_HA_PID[$ha]=$(pgrep -P "$w" -x xmip6d)
	echo "$ha: xmip6d ${FO_HA_PID[$ha]} under wrapper $w"
	[ -n "${FO_HA_PID[$ha]}" ]
}

# fo_ha_ready HA: HA's track file says ready (0): its control socket
# answered and its metrics say etcd is up (xmip6d-vrrp.sh).
fo_ha_ready() { grep -qx 0 "$XM_TMP/$1.track"; }

# fo_master: the home agent holding the VIP (the kernel's addresses), or none.
fo_master() {
	local ha
	for ha in ha1 ha2; do
		ip -n "${XM_PFX}$ha" -6 -o addr show dev eth0 2>/dev/null | grep -q " $FO_VIP/" &&
			{ echo "$ha"; return 0; }
	done
	echo none
}
fo_master_is() {
	local m
	m=$(fo_master)
	echo "VIP on: $m (want $1)"
	[ "$m" = "$1" ]
}

# fo_r_sends_to HA: the router's neighbour entry for the VIP has HA's MAC
# (where r now sends the home prefix's traffic).
fo_r_sends_to() {
	local want got
	want=$(xm_mac "$1" eth0)
	got=$(ip -n "${XM_PFX}r" -6 neigh show "$FO_VIP" dev hl)
	echo "r: $got (want $1's $want)"
	echo "$got" | grep -q "lladdr $want "
}

# fo_map_has HA HOA [COA]: HA's pinned map binds HOA to COA (default: the
# xmip6d mobile node's).
fo_map_has() {
	local got
	got=$(xm_ctl "$1" -j binding show |
		jget "' '.join(b['care_of_addr'] for b in d['bindings'] if b['home_addr'] == '$2')") ||
		return 1
	echo "$1: $2 -> '$got'"
	[ "$got" = "${3:-$FO_COA}" ]
}

# fo_tunnelled_by: each home agent's to_mn packet counter of HOA1's binding
# (its own data plane's count, read from its pinned map).
fo_tunnelled_by() {
	local ha n
	for ha in ha1 ha2; do
		n=$(xm_ctl "$ha" -j binding show |
			jget "sum(b.get('to_mn_packets', 0) for b in d['bindings'] if b['home_addr'] == '$FO_HOA1')")
		printf '%s=%s ' "$ha" "$n"
	done
}

# fo_stream_across HOA ACTION...: FO_PPS packets/s for FO_STREAM_S s from
# the CN to HOA, received on the mobile node's tunnel; ACTION runs 1.5 s in
# (the stream is flowing), which leaves the rest for a failover of well
# under 1 s and the stream's tail after it. The MN's link is captured
# meanwhile: every packet the MN sends. Sets FO_STREAM (stream.py's JSON:
# longest_hole, missing, ...), FO_STALL (the sender's longest stall, s),
# FO_MN_MH (the MN's Mobility Header messages) and FO_MN_BU (its Binding
# Updates, MH type 5), both as tshark's mip6 dissector reads them.
fo_stream_across() {
	local hoa=$1 rx tag=$RANDOM pcap
	shift
	rx=$XM_TMP/rx.$tag
	pcap=$XM_TMP/mnout.$tag.pcap
	XM_CAPTURE_COUNT=100 xm_capture_start mn eth0 "$pcap" ip6 and src host "$FO_COA" || return 1
	xm_bg mn timeout 30 "$XM_PYTHON" selftests/peers/stream.py recv "$hoa" 5001 "$FO_STREAM_S" 2 \
		$((FO_PPS * FO_STREAM_S)) >"$rx"
	local rpid=$XM_LAST_PID
	xm_retry 50 0.1 sh -c "ip netns exec '${XM_PFX}mn' ss -Hlun 'sport = :5001' | grep -q ." ||
		return 1
	xm_bg cn timeout 30 "$XM_PYTHON" selftests/peers/stream.py send "$hoa" 5001 "$FO_PPS" "$FO_STREAM_S" \
		>"$rx.sent" 2>"$rx.stall"
	local spid=$XM_LAST_PID
	fo_tunnelled_by >"$XM_TMP/by.before"
	sleep 1.5
	"$@" || { echo "action failed: $*"; return 1; }
	xm_wait_pid "$spid" 30
	xm_wait_pid "$rpid" 30
	xm_capture_stop 0
	FO_STREAM=$(cat "$rx")
	FO_SENT=$(cat "$rx.sent")
	FO_STALL=$(awk '$1 == "stall_s" { print $2 }' "$rx.stall")
	FO_MN_MH=$(tshark -n -r "$pcap" -Y mip6 2>/dev/null | wc -l)
	FO_MN_BU=$(tshark -n -r "$pcap" -Y 'mip6.mhtype == 5' 2>/dev/null | wc -l)
	echo "sent $FO_SENT, received: $FO_STREAM"
	echo "tunnelled to the MN: before $(cat "$XM_TMP/by.before"), after $(fo_tunnelled_by)"
	echo "the MN sent:"
	tshark -n -r "$pcap" 2>/dev/null
	[ -n "$FO_STREAM" ]
}

# The actions: FO_KILLED / FO_DOWNED name the home agent acted on.
fo_kill_master_daemon() {
	local m
	m=$(fo_master)
	FO_KILLED=$m
	[ "$m" != none ] && kill -KILL "${FO_HA_PID[$m]}"
}

fo_link_down_master() {
	local m
	m=$(fo_master)
	FO_DOWNED=$m
	[ "$m" != none ] && ip -n "${XM_PFX}$m" link set eth0 down
}

fo_etcd_up() {
	cl_certs && cl_etcd_start 1 && cl_etcd_start 2 && cl_etcd_start 3 &&
		xm_retry 100 0.2 cl_healthy
}

# fo_setup: the rig, etcd, keepalived on both home agents (ha1 priority
# 150), xmip6d on ha1 (it takes the VIP), then on ha2 (backup), the xmip6d
# mobile node registered with the VIP and its binding in ha2's map too.
fo_setup() {
	fo_topo_up && fo_etcd_up && fo_start_ka ha1 150 && fo_start_ka ha2 100 &&
		fo_start_ha ha1 && xm_retry 50 0.1 fo_master_is ha1 && fo_start_ha ha2 &&
		fo_start_mn && xm_retry 50 0.1 fo_map_has ha2 "$FO_HOA1"
}
