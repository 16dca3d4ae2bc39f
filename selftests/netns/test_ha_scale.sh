#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_ha_scale.sh - a home agent with 100,000 mobile nodes (issue 18; the
# "admit" map held 65,536 and such a home agent did not start):
#   - it starts (virtual home network, configuration generated here by
#     selftests/tools/gen_ha_config.py);
#   - the signalling admission map holds every listed home address, read
#     back with bpftool and compared with the addresses Python computes;
#   - SIGHUP with one node less: that address leaves the map, no other;
#   - a restart on the pinned maps with the full list: all of them again.
# Timing is the curve's (selftests/tools/config_curve.sh), not this test's:
# the bounds here only keep a stuck daemon from hanging the run.
# TAP output.
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
# shellcheck source=scripts/topology.sh
. scripts/topology.sh
# shellcheck source=selftests/lib/tap.sh
. selftests/lib/tap.sh

N=100000
GEN=selftests/tools/gen_ha_config.py

write_config() {
	timeout 300 "$XM_PYTHON" "$GEN" "$1" "$XM_TMP/ha.conf" --iface eth0 \
		--top "pin-dir = \"$(xm_pin ha)\";" --top "control-socket = \"$XM_TMP/ha.sock\";" \
		--top 'log-level = "notice";'
}

rig_up() {
	xm_add_ns ha && xm_add_ns r1 && xm_link ha eth0 r1 home0 &&
		xm_addr ha eth0 2001:db8:1::ffff:1/64
}

start_ha() {
	: >"$XM_TMP/ha.log"
	xm_daemon ha "$XM_TMP/ha.conf" "$XM_TMP/ha.log"
	HA_PID=$XM_LAST_PID
	xm_retry 1200 0.1 grep -qs running "$XM_TMP/ha.log" && kill -0 "$HA_PID"
}

# admit_is COUNT [MISSING]: the admit map holds exactly the home addresses
# of nodes 0..COUNT-1 (COUNT+1 of them but MISSING, when given).
admit_is() {
	timeout 300 bpftool -j map dump pinned "$(xm_pin ha)/admit" >"$XM_TMP/admit.json" ||
		return 1
	"$XM_PYTHON" - "$XM_TMP/admit.json" "$@" <<'EOF'
import ipaddress, json, sys
sys.path.insert(0, "selftests/tools")
import gen_ha_config as g
rows = json.load(open(sys.argv[1]))
got = set()
for r in rows:
    key = r["key"]
    octets = bytes(int(x, 16) for x in key) if isinstance(key, list) else None
    got.add(str(ipaddress.IPv6Address(octets)))
count = int(sys.argv[2])
missing = int(sys.argv[3]) if len(sys.argv) > 3 else None
want = {g.home_address(i) for i in range(count + (missing is not None))}
if missing is not None:
    want.discard(g.home_address(missing))
print("admit map: %d entries; want %d; extra %s; absent %s"
      % (len(got), len(want), sorted(got - want)[:3], sorted(want - got)[:3]))
sys.exit(0 if got == want else 1)
EOF
}

RELOADED="configuration reloaded\|reload refused"
reloads() { grep -c -- "$RELOADED" "$XM_TMP/ha.log"; }

# SIGHUP with all nodes but node K (not the last: its line ends with a comma).
hup_without() {
	local k=$1 n
	write_config "$N" || return 1
	sed -i "/\"$("$XM_PYTHON" -c "import sys; sys.path.insert(0, 'selftests/tools'); \
import gen_ha_config as g; print(g.home_address($k))")\";/d" "$XM_TMP/ha.conf"
	n=$(reloads)
	echo "node $k removed: $(grep -c home-address "$XM_TMP/ha.conf") entries; HUP to $HA_PID"
	kill -HUP "$HA_PID" || return 1
	xm_retry 1200 0.1 xm_lines_above "$n" "$XM_TMP/ha.log" "$RELOADED"
	kill -0 "$HA_PID" || echo "the daemon is gone"
	tail -n 3 "$XM_TMP/ha.log"
	grep -q "configuration reloaded" "$XM_TMP/ha.log" && admit_is "$((N - 1))" "$k"
}

restart_full() {
	write_config "$N" || return 1
	xm_stop_pid "$HA_PID"
	start_ha && tail -n 2 "$XM_TMP/ha.log" && admit_is "$N"
}

main() {
	xm_init
	[ -x "$XM_D_BIN" ] || { echo "1..0 # SKIP $XM_D_BIN not built"; exit 0; }
	command -v bpftool >/dev/null || { echo "1..0 # SKIP bpftool missing"; exit 0; }
	t_fatal "namespaces and link" rig_up
	t_fatal "$N nodes generated" write_config "$N"
	t_fatal "a home agent with $N mobile nodes starts" start_ha
	t "the admit map holds each of their home addresses, no other" admit_is "$N"
	t "SIGHUP with one node less: its address leaves the map, no other" \
		hup_without "$((RANDOM % (N - 1)))"
	t "restart on the pinned maps with all $N: each is in the map again" restart_full
	finish
}

main
