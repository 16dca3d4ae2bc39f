#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_binding_ctr.sh - per-binding packet and byte counters (headers/xmip6.h
# "binding_ctr") through a real home agent and mobile node:
#
#   CN --- R1 ------------- R2 --- MN eth0 (CoA 2001:db8:20::100)
#           | brhome (home link)    MN eth1 (home link, when home)
#           +-- HA eth0 (xmip6d, metrics on [::1]:9618, metrics-top-bindings 2)
#
# Checked:
#  - CN pings the home address: the HA's and the MN's counters
#    (`xmip6ctl -j binding show`, daemon and pinned maps) grow by exactly
#    the tunnel packets and inner bytes tcpdump saw between R2 and the MN,
#    each direction (selftests/lib/tunnel_count.py, Scapy);
#  - the table shows them in its two traffic columns;
#  - the MN comes home and deregisters: its binding and its counter slot
#    (bpftool on the pinned "binding_slots") are gone; it leaves again and
#    registers: counters from 0, then exactly what the next pings add;
#  - three more bindings carrying known traffic: the metrics endpoint
#    shows the two with the most bytes, four series per family, values
#    equal to `xmip6ctl -j binding show`.
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
XM_TOPO=daemon
# shellcheck source=scripts/topology.sh
. scripts/topology.sh
# shellcheck source=selftests/lib/tap.sh
. selftests/lib/tap.sh

KEY=8899aabbccddeeff0011223344556677
METRICS="http://[::1]:9618/metrics"
PINGS=5
PING_SIZE=200
TOP=2
# Static bindings with traffic of known sizes: A and B outweigh the MN's.
HOA_A=2001:db8:1::a1
HOA_B=2001:db8:1::a2
HOA_C=2001:db8:1::a3

write_conf() {
	xm_write_confs "$KEY" info || return 1
	sed -i "1i metrics-listen = \"[::1]:9618\";\nmetrics-top-bindings = $TOP;" \
		"$XM_TMP/ha.conf" &&
		sed -i "s|interfaces = \[ \"$XM_MN_IF\" \];|interfaces = [ \"$XM_MN_IF\", \"$XM_MN_HOME_IF\" ];|" \
			"$XM_TMP/mn.conf" &&
		grep -q "metrics-top-bindings = $TOP;" "$XM_TMP/ha.conf" &&
		grep -q "\"$XM_MN_HOME_IF\"" "$XM_TMP/mn.conf"
}

bul_is() { [ "$(xm_dctl mn -j bul show | jget "d['bul'][0]['state']")" = "$1" ]; }

# ctr ROLE HOA [ctl options]: "to_pkts to_bytes from_pkts from_bytes" of a
# binding as `xmip6ctl -j binding show` gives it (-p: the pinned maps).
ctr() {
	local role=$1 hoa=$2 json
	if [ "${3:-}" = maps ]; then
		json=$(xm_ctl "$role" -j binding show home-address "$hoa")
	else
		json=$(xm_dctl "$role" -j binding show home-address "$hoa")
	fi || return 1
	echo "$json" | jget "' '.join(str(d['bindings'][0][k]) for k in ('to_mn_packets', 'to_mn_bytes', 'from_mn_packets', 'from_mn_bytes'))"
}

# diff4 "A" "B": B - A, element by element.
diff4() {
	local -a a b
	read -ra a <<<"$1"
	read -ra b <<<"$2"
	echo "$((b[0] - a[0])) $((b[1] - a[1])) $((b[2] - a[2])) $((b[3] - a[3]))"
}

sniffed() {
	"$XM_PYTHON" selftests/lib/tunnel_count.py "$1" "$XM_HOA" |
		jget "'%d %d %d %d' % tuple(d['to_mn'] + d['from_mn'])"
}

counts_are_sniffed() {
	local ha0 mn0 ham0 ha1 mn1 ham1 wire
	ha0=$(ctr ha "$XM_HOA") && mn0=$(ctr mn "$XM_HOA" maps) && ham0=$(ctr ha "$XM_HOA" maps) ||
		return 1
	# The echo requests and replies, tunnelled, between R2 and the MN.
	XM_CAPTURE_COUNT=$((2 * PINGS)) xm_capture_start r2 "$XM_R2_VISIT_IF" "$XM_TMP/tun.pcap" \
		ip6 and ip6[6] == 41 || return 1
	xm_ping_ok cn "$PINGS" -s "$PING_SIZE" "$XM_HOA" >/dev/null || return 1
	xm_capture_stop 10
	ha1=$(ctr ha "$XM_HOA") && mn1=$(ctr mn "$XM_HOA" maps) && ham1=$(ctr ha "$XM_HOA" maps) ||
		return 1
	wire=$(sniffed "$XM_TMP/tun.pcap") || return 1
	echo "tcpdump: $wire; HA: $(diff4 "$ha0" "$ha1") (maps $(diff4 "$ham0" "$ham1")); MN: $(diff4 "$mn0" "$mn1")"
	# Echo requests of PING_SIZE octets of data: 40 + 8 + PING_SIZE each.
	[ "$wire" = "$PINGS $((PINGS * (48 + PING_SIZE))) $PINGS $((PINGS * (48 + PING_SIZE)))" ] &&
		[ "$(diff4 "$ha0" "$ha1")" = "$wire" ] && [ "$(diff4 "$ham0" "$ham1")" = "$wire" ] &&
		[ "$(diff4 "$mn0" "$mn1")" = "$wire" ]
}

table_shows() {
	local out c
	out=$(xm_dctl ha binding show) || return 1
	echo "$out"
	c=$(ctr ha "$XM_HOA") || return 1
	read -r tp tb fp fb <<<"$c"
	echo "$out" | head -1 | grep -q 'To MN pkts/bytes  *From MN pkts/bytes' &&
		echo "$out" | grep "^$XM_HOA " | grep -q " $tp/$tb  *$fp/$fb\$"
}

# bpftool_slots HOA: the counter slots (headers/xmip6.h "binding_slots",
# read by bpftool from the pinned map itself) that HOA holds, one a line;
# from here: `ip netns exec` would mount another /sys, without the bpffs.
bpftool_slots() {
	bpftool -j map dump pinned "$(xm_pin ha)/binding_slots" |
		"$XM_PYTHON" -c '
import ipaddress, json, sys
for e in json.load(sys.stdin):
    f = e.get("formatted")
    key = f["key"] if f else int.from_bytes(bytes(int(b, 16) for b in e["key"]), "little")
    val = f["value"] if f else e["value"]
    if not f:
        val = bytes(int(b, 16) for b in val)
    elif isinstance(val, dict):
        val = bytes(val["in6_u"]["u6_addr8"])
    if ipaddress.IPv6Address(bytes(val)) == ipaddress.IPv6Address(sys.argv[1]):
        print(key)' "$1"
}

has_ctr_entry() { [ "$(bpftool_slots "$1" | wc -l)" = 1 ]; }
no_ctr_entry() {
	local out
	out=$(bpftool_slots "$1") || return 1
	echo "bpftool: slots of $1: ${out:-none}"
	[ -z "$out" ]
}

ha_no_binding() {
	[ "$(xm_dctl ha -j binding show home-address "$XM_HOA" | jget "len(d['bindings'])")" = 0 ]
}

go_home() {
	has_ctr_entry "$XM_HOA" || return 1
	ip -n "$(xm_ns mn)" -6 addr flush dev "$XM_MN_IF" scope global &&
		ip -n "$(xm_ns mn)" link set "$XM_MN_IF" down &&
		ip -n "$(xm_ns mn)" -6 addr add "$XM_HOA/64" dev "$XM_MN_HOME_IF" nodad &&
		ip -n "$(xm_ns mn)" -6 route replace default via "$XM_R1_HOME_ADDR" \
			dev "$XM_MN_HOME_IF" || return 1
	xm_retry 50 0.2 bul_is home && xm_retry 50 0.1 ha_no_binding && no_ctr_entry "$XM_HOA"
}

leave_again() {
	ip -n "$(xm_ns mn)" -6 addr del "$XM_HOA/64" dev "$XM_MN_HOME_IF" &&
		ip -n "$(xm_ns mn)" link set "$XM_MN_IF" up &&
		ip -n "$(xm_ns mn)" -6 addr add "$XM_COA/64" dev "$XM_MN_IF" nodad &&
		ip -n "$(xm_ns mn)" -6 route replace default via "$XM_R2_VISIT_ADDR" dev "$XM_MN_IF" ||
		return 1
	xm_retry 100 0.2 bul_is registered || return 1
	local c
	c=$(ctr ha "$XM_HOA") && echo "HA after re-registration: $c" && [ "$c" = "0 0 0 0" ]
}

counts_from_zero() {
	local c n=3
	xm_retry 10 0.5 xm_ping_ok cn 1 "$XM_HOA" >/dev/null || return 1
	c=$(ctr ha "$XM_HOA") || return 1
	read -r tp _ fp _ <<<"$c"
	xm_ping_ok cn "$n" "$XM_HOA" >/dev/null || return 1
	c=$(ctr ha "$XM_HOA") && echo "HA: $c (before $tp $fp)" || return 1
	read -r tp2 tb2 fp2 fb2 <<<"$c"
	# Each answered echo request of 56 octets: 104 octets a packet, each way.
	[ "$tp2" = "$((tp + n))" ] && [ "$fp2" = "$((fp + n))" ] &&
		[ "$tb2" = "$((tp2 * 104))" ] && [ "$fb2" = "$((fp2 * 104))" ]
}

# More bindings, with traffic from the CN of known sizes (their CoAs answer
# nothing: only the HA's tunnelling matters).
more_bindings() {
	local spec hoa size
	for spec in "$HOA_A 1000" "$HOA_B 600" "$HOA_C 100"; do
		read -r hoa size <<<"$spec"
		xm_dctl ha binding add "$hoa" "2001:db8:20::${hoa##*::}" || return 1
		# Exactly 3 echo requests (-W, not -w: no more sent while none is answered).
		xm_exec cn timeout 10 ping -n -c 3 -i 0.2 -W 1 -s "$size" "$hoa" >/dev/null 2>&1
		xm_retry 20 0.2 ctr_to_mn_is "$hoa" 3 || return 1
	done
}

ctr_to_mn_is() {
	local c
	c=$(ctr ha "$1") && read -r tp _ <<<"$c" && [ "$tp" = "$2" ]
}

metrics_top() {
	local page want got
	page=$(ip netns exec "$(xm_ns ha)" "$XM_PYTHON" -c 'import sys,urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())' "$METRICS") ||
		return 1
	echo "$page" | grep '^xmip6_binding_'
	got=$(echo "$page" | grep '^xmip6_binding_' | sort)
	want=$(for hoa in "$HOA_A" "$HOA_B"; do
		c=$(ctr ha "$hoa") || exit 1
		read -r tp tb fp fb <<<"$c"
		echo "xmip6_binding_packets_total{home_address=\"$hoa\",direction=\"to_mn\"} $tp"
		echo "xmip6_binding_packets_total{home_address=\"$hoa\",direction=\"from_mn\"} $fp"
		echo "xmip6_binding_bytes_total{home_address=\"$hoa\",direction=\"to_mn\"} $tb"
		echo "xmip6_binding_bytes_total{home_address=\"$hoa\",direction=\"from_mn\"} $fb"
	done | sort) || return 1
	[ "$(echo "$got" | wc -l)" = $((4 * TOP)) ] && [ "$got" = "$want" ] &&
		[ "$(echo "$page" | grep -c "^# TYPE xmip6_binding_[a-z]*_total counter$")" = 2 ]
}

# binding-counters = false: refused on SIGHUP (taken at load), then taken
# by a restart: the HA's data plane stops counting (its counts for the
# binding stay as they were) while the MN's, still on, count the pings.
counters_off_reload() {
	sed -i '1i binding-counters = false;' "$XM_TMP/ha.conf" && kill -HUP "$HA_PID" &&
		xm_retry 50 0.1 grep -q "reload refused (pin-dir, control-socket, binding-counters" \
			"$XM_TMP/ha.log"
}

counters_off_restart() {
	local ha0 mn0 ha1 mn1
	xm_stop_pid "$HA_PID" 5 && xm_start_daemon ha HA_PID || return 1
	xm_retry 20 0.5 xm_ping_ok cn 1 "$XM_HOA" >/dev/null || return 1
	ha0=$(ctr ha "$XM_HOA") && mn0=$(ctr mn "$XM_HOA") || return 1
	xm_ping_ok cn 3 "$XM_HOA" >/dev/null || return 1
	ha1=$(ctr ha "$XM_HOA") && mn1=$(ctr mn "$XM_HOA") || return 1
	echo "HA: $ha0 -> $ha1; MN: $mn0 -> $mn1"
	# JSON null (None here): not counted, rather than a 0 that looks measured.
	[ "$ha0" = "None None None None" ] && [ "$ha1" = "$ha0" ] &&
		[ "$(diff4 "$mn0" "$mn1" | cut -d' ' -f1)" -ge 3 ]
}

# ... and the table says so in its traffic columns.
table_says_off() {
	local out
	out=$(xm_dctl ha binding show) || return 1
	echo "$out"
	echo "$out" | grep "^$XM_HOA " | grep -q " off  *off\$"
}

main() {
	xm_init
	[ -x "$XM_D_BIN" ] || { echo "1..0 # SKIP $XM_D_BIN not built"; exit 0; }
	t_fatal "topology (daemon variant) comes up" xm_topo_up
	t_fatal "configs: metrics on [::1]:9618, top $TOP bindings; MN with its home link" write_conf
	t_fatal "HA daemon starts" xm_start_daemon ha HA_PID
	t_fatal "MN daemon starts" xm_start_daemon mn MN_PID
	t_fatal "MN registers" xm_retry 100 0.1 bul_is registered
	xm_retry 10 0.5 xm_ping_ok cn 1 "$XM_HOA" >/dev/null
	t "$PINGS pings of $PING_SIZE octets: HA and MN counters = tcpdump's tunnel packets and inner bytes, each way" \
		counts_are_sniffed
	t "binding show: the traffic columns hold the JSON's counters" table_shows
	t "MN home, deregistered: binding and counter entry gone (bpftool)" go_home
	t "MN away again, registered: its counters start at 0" leave_again
	t "then they count exactly the next pings" counts_from_zero
	t "three more bindings with 3 packets each of known sizes" more_bindings
	t "metrics: the $TOP bindings with the most bytes, 4 series each family, = binding show" \
		metrics_top
	t "binding-counters = false on SIGHUP: refused, restart needed" counters_off_reload
	t "restarted with binding-counters = false: the HA no longer counts, the MN does" \
		counters_off_restart
	t "binding show with binding-counters = false: the traffic columns say off" table_says_off
	finish
}

main
