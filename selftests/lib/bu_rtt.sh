# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# bu_rtt.sh - BU->BA round trips timed by tcpdump in the CN's namespace,
# outside the code under test (selftests/peers/bu_rtt.py), for the shell
# tests that check that something never delays signalling. Source it after
# scripts/topology.sh, with the rig's home agent serving NHOAS home
# addresses HOAS (comma-separated), SPIs SPI_BASE + index, key KEY.
#
#   bu_rtt send|rtt ARGS...   bu_rtt.py in the CN's namespace
#   bu_rtt_measure NAME       COUNT refreshes, one every INTERVAL seconds,
#                             first sequence number SEQ (advanced); the round
#                             trips in $XM_TMP/NAME.json
#   bu_rtt_summary NAME       one line: sent, answered, p50, p99, max
#   bu_rtt_within BASE WITH Q every BU of both measurements answered, and the
#                             Q round trip (p95_ms, p99_ms) of WITH within
#                             1 ms of BASE's
#   bu_rtt_rounds FN          FN 1, FN 2, ... until one passes, ROUNDS times
#                             at most (a loaded machine may spoil a pair of
#                             measurements, not three)

SEQ=${SEQ:-10}

bu_rtt() { ip netns exec "${XM_PFX}cn" "$XM_PYTHON" selftests/peers/bu_rtt.py "$@"; }

bu_rtt_measure() {
	local name=$1
	XM_CAPTURE_COUNT=$((4 * COUNT)) xm_capture_start cn "$XM_CN_IF" "$XM_TMP/$name.pcap" \
		ip6 and host "$XM_HA_ADDR" || return 1
	bu_rtt send --coa "$XM_CN_ADDR" --ha "$XM_HA_ADDR" --hoas "$HOAS" \
		--spi-base "$SPI_BASE" --key "$KEY" --first-seq "$SEQ" --count "$COUNT" \
		--interval "$INTERVAL" || return 1
	SEQ=$((SEQ + COUNT / NHOAS + 1))
	# The last BAs: until the capture holds one from the HA for every BU,
	# 2 s at most (far more than any answer takes; what is later is
	# counted as unanswered).
	xm_retry 40 0.05 bas_captured "$XM_TMP/$name.pcap" "$COUNT"
	xm_capture_stop 0
	kill -INT "$XM_CAPTURE_PID" 2>/dev/null
	wait "$XM_CAPTURE_PID" 2>/dev/null
	"$XM_PYTHON" selftests/peers/bu_rtt.py rtt --pcap "$XM_TMP/$name.pcap" \
		--coa "$XM_CN_ADDR" --ha "$XM_HA_ADDR" >"$XM_TMP/$name.json"
}

# bas_captured PCAP N: N packets or more from the HA in PCAP other than
# ICMPv6 (neighbour discovery): its BAs (RFC 6275 6.1.8, after a type 2
# routing header). bu_rtt.py rtt pairs them with the BUs afterwards.
bas_captured() {
	[ "$(tcpdump -n -r "$1" "src host $XM_HA_ADDR and not icmp6" 2>/dev/null | wc -l)" -ge "$2" ]
}

bu_rtt_summary() {
	jget "'sent %d answered %d p50 %.3f ms p99 %.3f ms max %.3f ms' % (d['sent'], \
d['answered'], d.get('p50_ms', -1), d.get('p99_ms', -1), d.get('max_ms', -1))" <"$XM_TMP/$1.json"
}

bu_rtt_within() {
	"$XM_PYTHON" -c 'import json, sys
b, w = (json.load(open(f)) for f in sys.argv[1:3])
q, n = sys.argv[3], int(sys.argv[4])
print("%s: %.3f ms without, %.3f ms with" % (q, b.get(q, -1), w.get(q, -1)))
sys.exit(not (b["sent"] == b["answered"] == w["sent"] == w["answered"] == n and
              w[q] <= b[q] + 1.0))' "$XM_TMP/$1.json" "$XM_TMP/$2.json" "$3" "$COUNT"
}

bu_rtt_rounds() {
	local r
	for r in $(seq 1 "${ROUNDS:-3}"); do
		"$1" "$r" && return 0
	done
	return 1
}
