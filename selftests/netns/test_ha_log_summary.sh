#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_ha_log_summary.sh - at log level info the home agent writes one
# summary line a second, not a line per registration (user/daemon/summary.c):
# new bindings are events (rate-limited lines), refreshes are only counted.
#
#   rmn: xmreg on l0 (AF_PACKET, no IPv6)  ==  rha: h0, xmip6d HA (virtual home network)
#
# bench/xmreg.c's "paced" mode sends NODES first registrations, then
# REFRESHES refreshes, at RATE a second (each node below MAX_UPDATE_RATE).
# tshark on l0 counts the BAs (type 6, by status) independently of the
# daemon; the summary lines' counts must equal them, and the refreshes must
# add no more lines than the seconds they took and a few. Then, with a
# 4-second max-lifetime, EXPIRING nodes register once and their bindings
# expire: more than one tick's share of the expiry walk (HA_WALK_BATCH in
# user/roles/ha_cache.c), all removed and counted in the summaries.
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
# shellcheck source=selftests/lib/reg_rig.sh
. selftests/lib/reg_rig.sh
# shellcheck source=selftests/lib/summary_log.sh
. selftests/lib/summary_log.sh

NODES=50
REFRESHES=500
RATE=100 # 2 BUs a second a node: below MAX_UPDATE_RATE (3)
EXPIRING=1200 # over two ticks of the expiry walk (512 a tick)
REG=$XM_REG_BIN

# start_ha NODES LOG [HA_SETTING]
start_ha() {
	xm_reg_conf "$1" info "${3:-}" >"$XM_TMP/rha.conf" && chmod 600 "$XM_TMP/rha.conf" || return 1
	xm_daemon rha "$XM_TMP/rha.conf" "$2"
	HA_PID=$XM_LAST_PID
	xm_daemon_up "$HA_PID" "$XM_TMP/rha.sock"
}

stop_ha() {
	kill -TERM "$HA_PID" && xm_wait_pid "$HA_PID" 10 || return 1
	xm_ctl rha unload >/dev/null
	rm -f "$XM_TMP/rha.sock"
}

restart_ha() { stop_ha && start_ha "$EXPIRING" "$XM_TMP/rha2.log" "max-lifetime = 4;"; }

bindings_in_map() { xm_ctl rha -j binding show | jget "len(d['bindings'])"; }
no_binding_left() { [ "$(bindings_in_map)" = 0 ]; }

# EXPIRING first registrations granted 4 s: all in the map, then all gone
# within a few walks, each counted once as removed.
bindings_expire() {
	local n removed
	xm_exec rmn timeout 60 "$REG" paced l0 "$(xm_mac rha h0)" "$XM_REG_HA" "$XM_REG_COA" "$EXPIRING" 600 \
		"$EXPIRING" >"$XM_TMP/xmreg2.json" || return 1
	cat "$XM_TMP/xmreg2.json"
	n=$(jget "d['accepted']" <"$XM_TMP/xmreg2.json")
	echo "accepted: $n of $EXPIRING"
	[ "$n" = "$EXPIRING" ] || {
		# A BU lost on the way in shows here (the signal ring full).
		xm_ctl rha -j stats show | jget "d['dataplane']"
		return 1
	}
	xm_retry 150 0.2 no_binding_left || {
		echo "bindings left: $(bindings_in_map)"
		return 1
	}
	sleep 1.5 # the last second's summary
	removed=$(grep -oE "[0-9]+ removed" "$XM_TMP/rha2.log" | awk '{ s += $1 } END { print s + 0 }')
	echo "summaries: $removed removed"
	[ "$removed" = "$EXPIRING" ]
}

# The BAs on the wire, by tshark: "total accepted".
wire_bas() {
	tshark -r "$XM_TMP/l0.pcap" -Y 'mip6.mhtype == 6' -T fields -e mip6.ba.status 2>/dev/null |
		awk '{ n++; if ($1 == 0) a++ } END { printf "%d %d\n", n, a }'
}

run_load() {
	xm_bg rmn timeout 60 tcpdump -i l0 -n -U -w "$XM_TMP/l0.pcap" ip6 2>"$XM_TMP/tcpdump.err"
	DUMP_PID=$XM_LAST_PID
	xm_retry 50 0.1 grep -q "listening on" "$XM_TMP/tcpdump.err" || return 1
	# First registrations, then note where the log is, then the refreshes.
	xm_exec rmn timeout 60 "$REG" paced l0 "$(xm_mac rha h0)" "$XM_REG_HA" "$XM_REG_COA" "$NODES" "$RATE" \
		"$NODES,$REFRESHES" >"$XM_TMP/xmreg.json" || return 1
	cat "$XM_TMP/xmreg.json"
}

# The summaries of every second with a registration are out, and add up to the wire's count.
summaries_complete() {
	local wire sums
	wire=$(wire_bas) && sums=$(summary_sums "$XM_TMP/rha.log") || return 1
	[ "${wire%% *}" = "${sums%% *}" ]
}

registrations_answered() {
	# xmreg counted the BAs it matched: every BU answered, all accepted.
	"$XM_PYTHON" - "$XM_TMP/xmreg.json" "$NODES" "$REFRESHES" <<'EOF'
import json, sys
ph = [json.loads(l) for l in open(sys.argv[1])]
want = [int(sys.argv[2]), int(sys.argv[3])]
print([(p["sent"], p["accepted"], p["verify_bad"]) for p in ph])
assert [p["sent"] for p in ph] == want and [p["accepted"] for p in ph] == want
assert all(p["verify_bad"] == 0 and p["verified"] == p["ba"] for p in ph)
EOF
}

summary_matches_wire() {
	local wire sums
	kill -INT "$DUMP_PID" 2>/dev/null
	xm_wait_pid "$DUMP_PID" 10
	xm_retry 30 0.2 summaries_complete
	wire=$(wire_bas) && sums=$(summary_sums "$XM_TMP/rha.log") || return 1
	echo "wire: BAs accepted = $wire; summaries: BA accepted new refreshed = $sums"
	read -r w_total w_acc <<<"$wire"
	read -r s_total s_acc s_new s_ref <<<"$sums"
	[ "$w_total" = $((NODES + REFRESHES)) ] && [ "$w_acc" = "$w_total" ] &&
		[ "$s_total" = "$w_total" ] && [ "$s_acc" = "$w_acc" ] &&
		[ "$s_new" = "$NODES" ] && [ "$s_ref" = "$REFRESHES" ]
}

# The refreshes (REFRESHES / RATE seconds) add only summary lines: at most
# one a second, and a few for the seconds the load straddles.
few_lines_for_refreshes() {
	local start=$1 lines other secs=$((REFRESHES / RATE))
	lines=$(tail -n +"$((start + 1))" "$XM_TMP/rha.log")
	other=$(grep -cvE "$SUMMARY_RE" <<<"$lines")
	echo "lines after the first registrations: $(wc -l <<<"$lines") ($other not summaries)"
	echo "$lines" | head -20
	[ "$other" -eq 0 ] && [ "$(grep -cE "$SUMMARY_RE" <<<"$lines")" -le $((secs + 3)) ]
}

# New bindings are events: logged one by one (at most 20 a second, the rest counted).
new_bindings_logged() {
	local n
	n=$(grep -c "home registration: 2001:db8:100::" "$XM_TMP/rha.log")
	echo "new-binding lines: $n"
	[ "$n" -ge 1 ] && [ "$n" -le "$NODES" ]
}

main() {
	local first_lines
	reg_rig_begin
	t_fatal "home agent started at log level info" start_ha "$NODES" "$XM_TMP/rha.log"
	t_fatal "$NODES first registrations, then $REFRESHES refreshes at $RATE/s" run_load
	t "every BU answered, accepted, the BAs authentic" registrations_answered
	t "the summary lines count the BAs tshark saw (by status), new and refreshed" \
		summary_matches_wire
	# Where the log stood after the first registrations' second had its summary.
	first_lines=$(grep -nE "$SUMMARY_RE" "$XM_TMP/rha.log" |
		awk -F: -v n="$NODES" '{ split($0, a, "bindings "); split(a[2], b, " ");
			s += b[1]; if (s >= n) { print $1; exit } }')
	t "$REFRESHES refreshes: no line each, one summary a second" \
		few_lines_for_refreshes "${first_lines:-0}"
	t "new bindings logged as events (rate-limited)" new_bindings_logged
	t_fatal "home agent restarted: $EXPIRING nodes, max-lifetime 4 s" restart_ha
	t "$EXPIRING bindings of 4 s expire, each counted as removed" bindings_expire
	finish
}

main
