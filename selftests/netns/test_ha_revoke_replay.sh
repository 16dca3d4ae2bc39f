#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_ha_revoke_replay.sh - the home agent's bookkeeping when bindings go
# away behind a Binding Update:
#
#   * replay: an independent mobile node (mip6_peer.py, Scapy, in the CN
#     namespace) registers and keeps its BU; after its deregistration,
#     after an operator's binding del and after a daemon restart the
#     captured BU is sent again: BA 144 (RFC 4285 section 6, the status
#     ha.c answers a stale timestamp with) and nothing rebuilt. The
#     timestamp window is 60 s, so only the replay state can refuse them.
#   * binding del in the pinned map (xmip6ctl -p) while the daemon runs:
#     a new registration gets BA 0, not 130, when the map has room again,
#     and the proxy entry goes; deleted while no daemon ran: the proxy
#     entry goes at start.
#   * SIGHUP: a mobile node removed from the list, or with another key,
#     loses its binding and proxy entry; one left alone keeps it; a changed
#     max-bindings is refused as a restart would refuse it.
#
# Bindings are read from the pinned map (xmip6ctl -p), proxy entries from
# the kernel's table (ip -6 neigh show proxy): not the daemon's word.
#
#   CN (peer MNs) --- R1 --- brhome --- HA
#
# TAP output.
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
XM_TOPO=daemon
# shellcheck source=scripts/topology.sh
. scripts/topology.sh
# shellcheck source=selftests/lib/tap.sh
. selftests/lib/tap.sh

KEY_PEER=0f1e2d3c4b5a69788796a5b4c3d2e1f0
KEY_NEW=00112233445566778899aabbccddeeff
HOA0=2001:db8:1::200 # SPI 257; the replay peer
HOA1=2001:db8:1::201 # SPI 258
HOA2=2001:db8:1::202 # SPI 259
HOA3=2001:db8:1::203 # SPI 260

spi_of() { echo $((257 + 16#${1##*::2})); }

# peer HOA ARGS...: one BU for HOA from the CN namespace; the answer JSON.
peer() {
	local hoa=$1
	shift
	ip netns exec "$(xm_ns cn)" "$XM_PYTHON" selftests/peers/mip6_peer.py bu \
		--coa "$XM_CN_ADDR" --ha "$XM_HA_ADDR" --hoa "$hoa" --spi "$(spi_of "$hoa")" \
		--key "$KEY_PEER" "$@"
}

# peer_status WANT HOA ARGS...: the answer is a BA with status WANT.
peer_status() {
	local want=$1 out got
	shift
	out=$(peer "$@") || return 1
	echo "$out"
	got=$(echo "$out" | jget "(d['answer'] or {}).get('status')") || return 1
	[ "$got" = "$want" ]
}

# map_count HOA N: the pinned map holds N bindings for HOA (a failed query
# is neither 0 nor 1).
map_count() {
	local n
	n=$(xm_ctl ha -j binding show | jget "len([b for b in d['bindings'] if b['home_addr']=='$1'])") &&
		echo "bindings for $1 in the map: $n" && [ "$n" = "$2" ]
}
map_has() { map_count "$1" 1; }
map_lacks() { map_count "$1" 0; }
proxy_has() { ip -n "$(xm_ns ha)" -6 neigh show proxy | grep -q "^$1 "; }
gone() { map_lacks "$1" && ! proxy_has "$1"; }
bound() { map_has "$1" && proxy_has "$1"; }

# write_config MAX-BINDINGS ENTRY...: ENTRY is HOA or HOA=KEY.
write_config() {
	local max=$1 e hoa key entries=""
	shift
	for e in "$@"; do
		hoa=${e%%=*}
		key=$KEY_PEER
		[ "$e" != "$hoa" ] && key=${e#*=}
		entries="$entries${entries:+,
    }{ home-address = \"$hoa\"; spi = $(spi_of "$hoa"); key = \"$key\"; }"
	done
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
  max-bindings = $max;
  timestamp-window = 60;
  mobile-nodes = ( $entries );
};
EOF
}

start_ha() { xm_start_daemon ha HA_PID; }
stop_ha() { kill -TERM "$HA_PID" && xm_wait_pid "$HA_PID" 5; }
restart_ha() { stop_ha && start_ha; }

# registers HOA SEQ [SAVE]: BA 0, binding and proxy entry.
registers() {
	peer_status 0 "$1" --seq "$2" ${3:+--save "$XM_TMP/$3"} || return 1
	xm_retry 20 0.1 bound "$1"
}

deregisters() {
	peer_status 0 "$1" --seq "$2" --lifetime 0 || return 1
	xm_retry 20 0.1 gone "$1"
}

# replay_refused HOA FILE: BA 144 and no binding rebuilt.
replay_refused() {
	peer_status 144 "$1" --replay "$XM_TMP/$2" || return 1
	map_lacks "$1"
}

# burst_statuses HOA WANT ARGS...: a burst of BUs (mip6_peer.py --count):
# the answers' "status:seq" in the order they came are WANT, and the
# pinned map's binding then has the sequence of the first.
burst_statuses() {
	local hoa=$1 want=$2 out got seq
	shift 2
	out=$(peer "$hoa" "$@") || return 1
	echo "$out"
	got=$(echo "$out" | jget "' '.join('%s:%s' % (a.get('status'), a.get('seq')) for a in d['answers'])") ||
		return 1
	echo "answers: $got (want $want)"
	[ "$got" = "$want" ] || return 1
	seq=$(xm_ctl ha -j binding show |
		jget "[b['sequence'] for b in d['bindings'] if b['home_addr']=='$hoa'][0]") || return 1
	echo "the map's sequence: $seq"
	[ "$seq" = "$(echo "$want" | cut -d' ' -f1 | cut -d: -f2)" ]
}

# The operator deletes a binding in the pinned map, behind the daemon.
map_del() { xm_ctl ha binding del "$1" && map_lacks "$1"; }

# Proxy entries are the daemon's to follow: within its 10 s full walk.
proxy_follows_map() { xm_retry 150 0.1 gone "$1"; }

RELOADED="configuration reloaded\|reload refused"
reloads() { grep -c -- "$RELOADED" "$XM_TMP/ha.log"; }

# SIGHUP; wait for the daemon's answer in its log (N+1-th reload line),
# counted afresh on every try.
hup() {
	local n
	n=$(reloads)
	kill -HUP "$HA_PID" &&
		xm_retry 50 0.1 xm_lines_above "$n" "$XM_TMP/ha.log" "$RELOADED"
}

revoked_on_hup() {
	write_config 3 "$HOA1=$KEY_NEW" "$HOA2" "$HOA3" && hup || return 1
	xm_retry 20 0.1 gone "$HOA0" && xm_retry 20 0.1 gone "$HOA1" && xm_retry 20 0.1 bound "$HOA3"
}

max_bindings_hup_refused() {
	write_config 4 "$HOA1=$KEY_NEW" "$HOA2" "$HOA3" && hup || return 1
	tail -n 3 "$XM_TMP/ha.log"
	tail -n 3 "$XM_TMP/ha.log" | grep -F "reload refused ($(xm_pin ha)/bindings exists with max-bindings 3: it cannot be resized to 4 without unloading the instance)"
}

# ... the words a restart with that file prints.
restart_says_the_same() {
	local msg
	stop_ha || return 1
	xm_daemon ha "$XM_TMP/ha.conf" "$XM_TMP/ha2.log"
	xm_wait_pid "$XM_LAST_PID" 10
	cat "$XM_TMP/ha2.log"
	msg=$(grep -F "exists with max-bindings" "$XM_TMP/ha2.log") || return 1
	grep -qF "reload refused (${msg#xmip6d: })" "$XM_TMP/ha.log"
}

main() {
	xm_init
	[ -x "$XM_D_BIN" ] || { echo "1..0 # SKIP $XM_D_BIN not built"; exit 0; }
	t_fatal "topology (daemon variant) comes up" xm_topo_up
	write_config 3 "$HOA0" "$HOA1" "$HOA2" "$HOA3"
	t_fatal "HA daemon starts" start_ha

	# Item 7: replay after the binding is gone.
	t_fatal "peer registers: BA 0, binding in the map, proxy entry" registers "$HOA0" 10 bu10.bin
	t "peer deregisters: binding and proxy entry gone" deregisters "$HOA0" 11
	t "BU replayed after deregistration: BA 144, nothing rebuilt" replay_refused "$HOA0" bu10.bin
	t "peer registers again with a fresh BU" registers "$HOA0" 12 bu12.bin
	t "binding del in the pinned map, daemon running" map_del "$HOA0"
	t "BU replayed after binding del: BA 144, no binding rebuilt" replay_refused "$HOA0" bu12.bin
	t "the daemon follows the map: the proxy entry goes" proxy_follows_map "$HOA0"
	t "HA daemon restarts" restart_ha
	t "BU replayed after the restart: BA 144, no binding rebuilt" replay_refused "$HOA0" bu12.bin
	t "BU from before the deregistration, after the restart: BA 144" replay_refused "$HOA0" bu10.bin
	t "a fresh BU still registers after the restart" registers "$HOA0" 13
	# A refresh is written with the drain's others, before its BA leaves
	# (user/dp/refresh.c): what comes in the same drain sees it.
	t "a BU and two copies back to back: BA 0, then 144 for each copy" \
		burst_statuses "$HOA0" "0:20 144:20 144:20" --seq 20 --count 3 --identical
	sleep 1 # MAX_UPDATE_RATE's window
	t "two BUs of one sequence number back to back: BA 0, then 135 with it" \
		burst_statuses "$HOA0" "0:21 135:21" --seq 21 --count 2 --seq-step 0

	# Item 5: the count follows the map; stale proxy entries go.
	t "two more nodes register: max-bindings 3 reached" \
		eval 'registers "$HOA1" 1 && registers "$HOA2" 1'
	t "binding del in the pinned map frees a slot" map_del "$HOA2"
	t "the next node gets BA 0 (not 130) in the freed slot" registers "$HOA3" 1
	t "... and the deleted one's proxy entry is gone" proxy_follows_map "$HOA2"
	t "HA daemon stops" stop_ha
	t "binding del in the pinned map with no daemon" map_del "$HOA1"
	t "HA daemon starts again" start_ha
	t "the proxy entry left by it is removed at start" xm_retry 50 0.1 gone "$HOA1"
	t "the node registers again" registers "$HOA1" 2

	# Item 5: SIGHUP revocation.
	t "SIGHUP: node removed and node with a new key revoked, the other kept" revoked_on_hup
	t "the revoked node's old key is refused: BA 146" peer_status 146 "$HOA1" --seq 3
	t "SIGHUP changing max-bindings refused" max_bindings_hup_refused
	t "... with the words a restart prints" restart_says_the_same
	finish
}

[ "${BASH_SOURCE[0]}" = "$0" ] && main
