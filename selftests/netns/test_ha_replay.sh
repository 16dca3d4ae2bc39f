#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_ha_replay.sh - RFC 4285 replay protection outlives the binding and
# the daemon (issue 15 item 7). An independent mobile node (mip6_peer.py,
# Scapy, in the CN namespace) registers and keeps its Binding Update; after
# its deregistration, after an operator's binding del and after a daemon
# restart, the captured BU is sent again: it must draw BA 144 (RFC 4285
# section 6, as ha.c answers a stale timestamp) and rebuild nothing: no
# binding in the pinned map, no proxy entry in the kernel's table.
#
#   CN (peer MN) --- R1 --- brhome --- HA
#
# The timestamp window is 60 s, so the replays are inside it: only the
# replay state can refuse them. TAP output.
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
XM_TOPO=daemon
# shellcheck source=scripts/topology.sh
. scripts/topology.sh
# shellcheck source=selftests/lib/tap.sh
. selftests/lib/tap.sh

KEY_PEER=0f1e2d3c4b5a69788796a5b4c3d2e1f0
PEER_HOA=2001:db8:1::200

peer() {
	ip netns exec "$(xm_ns cn)" "$XM_PYTHON" selftests/peers/mip6_peer.py bu \
		--coa "$XM_CN_ADDR" --ha "$XM_HA_ADDR" --hoa "$PEER_HOA" --spi 257 \
		--key "$KEY_PEER" "$@"
}

# peer_status WANT ARGS...: the peer's answer is a BA with status WANT.
peer_status() {
	local want=$1 out got
	shift
	out=$(peer "$@") || return 1
	echo "$out"
	got=$(echo "$out" | jget "(d['answer'] or {}).get('status')") || return 1
	[ "$got" = "$want" ]
}

# From the pinned map (xmip6ctl -p), not the daemon's word.
map_bindings() {
	xm_ctl ha -j binding show | jget "len([b for b in d['bindings'] if b['home_addr']=='$PEER_HOA'])"
}
proxy_has() { ip -n "$(xm_ns ha)" -6 neigh show proxy | grep -q "^$PEER_HOA "; }
nothing_rebuilt() {
	local n
	n=$(map_bindings) && echo "bindings for $PEER_HOA: $n" && [ "$n" = 0 ] && ! proxy_has
}

# After an operator's binding del the proxy entry is item 5's (the daemon
# following the map): only the map is checked here.
replay_refused_map() {
	peer_status 144 --replay "$XM_TMP/$1" || return 1
	[ "$(map_bindings)" = 0 ]
}

write_config() {
	umask 077
	cat >"$XM_TMP/ha.conf" <<EOF
pin-dir = "$(xm_pin ha)";
control-socket = "$XM_TMP/ha.sock";
home-agent = {
  address = "$XM_HA_ADDR";
  home-prefix = "$XM_HOME_PREFIX";
  interfaces = [ "$XM_HA_IF" ];
  home-link = "$XM_HA_IF";
  dad = false;
  timestamp-window = 60;
  mobile-nodes = ( { home-address = "$PEER_HOA"; spi = 257; key = "$KEY_PEER"; } );
};
EOF
}

start_ha() {
	xm_daemon ha "$XM_TMP/ha.conf" "$XM_TMP/ha.log"
	HA_PID=$XM_LAST_PID
	xm_retry 50 0.1 test -S "$XM_TMP/ha.sock" && kill -0 "$HA_PID"
}

registers() {
	peer_status 0 --seq "$1" --save "$XM_TMP/$2" || return 1
	[ "$(map_bindings)" = 1 ] && xm_retry 20 0.1 proxy_has
}

deregisters() {
	peer_status 0 --seq "$1" --lifetime 0 || return 1
	xm_retry 20 0.1 nothing_rebuilt
}

replay_refused() {
	peer_status 144 --replay "$XM_TMP/$1" || return 1
	nothing_rebuilt
}

# The operator deletes the binding in the pinned map, the daemon running.
operator_del() {
	xm_ctl ha binding del "$PEER_HOA" || return 1
	[ "$(map_bindings)" = 0 ]
}

restart_ha() {
	kill -TERM "$HA_PID" && xm_wait_pid "$HA_PID" 5 && start_ha
}

main() {
	xm_init
	[ -x "$XM_D_BIN" ] || { echo "1..0 # SKIP $XM_D_BIN not built"; exit 0; }
	t_fatal "topology (daemon variant) comes up" xm_topo_up
	write_config
	t_fatal "HA daemon starts" start_ha
	t_fatal "peer registers: BA 0, binding in the map, proxy entry" registers 10 bu10.bin
	t "peer deregisters: binding and proxy entry gone" deregisters 11
	t "BU replayed after deregistration: BA 144, nothing rebuilt" replay_refused bu10.bin
	t "peer registers again with a fresh BU" registers 12 bu12.bin
	t "operator binding del: the binding is gone from the map" operator_del
	t "BU replayed after binding del: BA 144, no binding rebuilt" replay_refused_map bu12.bin
	t "HA daemon restarts" restart_ha
	t "BU replayed after the restart: BA 144, no binding rebuilt" replay_refused_map bu12.bin
	t "BU from before the deregistration, after the restart: BA 144" replay_refused_map bu10.bin
	t "a fresh BU still registers after the restart" registers 13 bu13.bin
	finish
}

[ "${BASH_SOURCE[0]}" = "$0" ] && main
