#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_binding_view.sh - `xmip6ctl binding show` prints the same thing, as a
# table and with -j, whether xmip6d answers it on its control socket (-s) or
# xmip6ctl reads the pinned binding map itself: with -p while the daemon
# runs, and with neither option once the daemon has stopped (its bindings
# stay pinned, its socket is gone).
#
# The bindings are real: the MN registers through the HA by signalling
# (flags AH), and two more are made by `binding add` through the daemon: a
# static one, and one added again with a new care-of address 2 s after the
# first, whose age must count from the first registration. Expected values
# come from what the test asked for and from its own clock; only "age" and
# "remaining" may differ between two captures, by the seconds between them.
#
#   CN --- R1 --- R2 --- MN eth0 (2001:db8:20::100, HoA 2001:db8:1::100)
#           +-- HA (home link)
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
XM_TOPO=daemon
# shellcheck source=scripts/topology.sh
. scripts/topology.sh
# shellcheck source=selftests/lib/tap.sh
. selftests/lib/tap.sh

KEY_MN=00112233445566778899aabbccddeeff
MOVED_HOA=2001:db8:1::200 # added, then added again with another CoA
MOVED_COA1=2001:db8:20::200
MOVED_COA2=2001:db8:21::200
MOVED_LIFETIME=300
STATIC_HOA=2001:db8:1::300 # added without a lifetime
STATIC_COA=2001:db8:20::300

mono_ns() { "$XM_PYTHON" -c 'import time; print(time.monotonic_ns())'; }

registered() { [ "$(xm_dctl mn -j bul show | jget "d['bul'][0]['state']")" = registered ]; }

# The maps, never the daemon: -p, in the HA's network namespace.
maps_show() { xm_ctl ha "$@"; }

# Neither -s nor -p: what an operator types; xmip6ctl picks.
plain_show() {
	XMIP6_SOCKET=$XM_TMP/ha.sock XMIP6_PIN_DIR=$(xm_pin ha) \
		xm_fg timeout 30 nsenter --net="/run/netns/$(xm_ns ha)" "$XM_CTL_BIN" "$@"
}

add_bindings() {
	xm_dctl ha binding add "$STATIC_HOA" "$STATIC_COA" || return 1
	T_ADD0=$(mono_ns)
	xm_dctl ha binding add "$MOVED_HOA" "$MOVED_COA1" lifetime "$MOVED_LIFETIME" || return 1
	T_ADD1=$(mono_ns)
	sleep 2.2
	T_READD0=$(mono_ns)
	xm_dctl ha binding add "$MOVED_HOA" "$MOVED_COA2" lifetime "$MOVED_LIFETIME"
}

# capture NAME CMD...: CMD's output in $XM_TMP/NAME, and when it was taken
# (before it started, after it ended) in $XM_TMP/NAME.t.
capture() {
	local name=$1 t0
	shift
	t0=$(mono_ns)
	"$@" >"$XM_TMP/$name" || return 1
	echo "$t0 $(mono_ns)" >"$XM_TMP/$name.t"
	cat "$XM_TMP/$name"
}

view() { "$XM_PYTHON" selftests/lib/binding_view.py "$@"; }

daemon_values() {
	capture d.json xm_dctl ha -j binding show && view values d.json
}

maps_values() {
	capture m.json maps_show -j binding show && view values m.json
}

json_same_maps() {
	capture d1.json xm_dctl ha -j binding show && capture m1.json maps_show -j binding show &&
		view same json d1.json m1.json
}

text_same_maps() {
	capture d1.txt xm_dctl ha binding show && capture m1.txt maps_show binding show &&
		view same text d1.txt m1.txt
}

text_is_json() {
	capture d2.json xm_dctl ha -j binding show && capture d2.txt xm_dctl ha binding show &&
		view text_of_json d2.json d2.txt &&
		capture m2.json maps_show -j binding show && capture m2.txt maps_show binding show &&
		view text_of_json m2.json m2.txt
}

filters_same() {
	local f
	for f in "home-address $MOVED_HOA" "care-of-address $STATIC_COA" \
		"home-address $XM_HOA care-of-address $XM_COA" \
		"home-address $STATIC_HOA care-of-address $XM_COA"; do
		# shellcheck disable=SC2086 # the words are the arguments
		capture fd.json xm_dctl ha -j binding show $f &&
			capture fm.json maps_show -j binding show $f &&
			view same json fd.json fm.json || return 1
		# shellcheck disable=SC2086
		capture fd.txt xm_dctl ha binding show $f &&
			capture fm.txt maps_show binding show $f &&
			view same text fd.txt fm.txt || return 1
	done
	jget "len(d['bindings'])" <"$XM_TMP/fm.json" | grep -qx 0
}

stop_ha() {
	capture before.json plain_show -j binding show &&
		capture before.txt plain_show binding show || return 1
	kill -TERM "$HA_PID" && xm_reap "$HA_PID" 10
	! [ -e "$XM_TMP/ha.sock" ] && ! xm_dctl ha binding show
}

stopped_same() {
	capture after.json plain_show -j binding show &&
		capture after.txt plain_show binding show &&
		view same json before.json after.json && view same text before.txt after.txt &&
		view values after.json
}

main() {
	xm_init
	[ -x "$XM_D_BIN" ] || { echo "1..0 # SKIP $XM_D_BIN not built"; exit 0; }
	export XM_TMP XM_HOA XM_COA XM_HA_ADDR MOVED_HOA MOVED_COA2 MOVED_LIFETIME STATIC_HOA \
		STATIC_COA
	t_fatal "topology (daemon variant) comes up" xm_topo_up
	xm_write_confs "$KEY_MN" info
	t_fatal "HA daemon starts" xm_start_daemon ha HA_PID
	t_fatal "MN daemon starts" xm_start_daemon mn MN_PID
	t_fatal "MN registers with the HA (signalling)" xm_retry 50 0.1 registered
	t_fatal "binding add through the daemon: a static binding, one re-added with a new CoA" \
		add_bindings
	export T_ADD0 T_ADD1 T_READD0
	t "daemon -j: sorted rows, values as asked (age from the first registration, remaining rounded up, flags '-')" \
		daemon_values
	t "maps -j (-p, daemon running): values as asked" maps_values
	t "-j: the maps print the daemon's object" json_same_maps
	t "table: the maps print the daemon's table" text_same_maps
	t "table = JSON, both ways (infinite, '-', State)" text_is_json
	t "filters (home-address, care-of-address, both, none matching): the same both ways" \
		filters_same
	t_fatal "HA daemon stopped: its socket gone, -s refused" stop_ha
	t "no daemon, no -s/-p: the maps print what the daemon printed, text and -j" stopped_same
	finish
}

main
