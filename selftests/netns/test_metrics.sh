#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_metrics.sh - the Prometheus endpoint (metrics-listen), read by a real
# Prometheus server:
#
#   CN --- R1 ------------- R2 --- MN
#           | brhome (home link 2001:db8:1::/64)
#           +-- HA eth0 (xmip6d, metrics on [::1]:9617; Prometheus on [::1]:9090)
#
# The CN namespace plays the mobile nodes (selftests/peers/mip6_peer.py and
# bu_rtt.py: Scapy BUs with RFC 4285 authenticators). Checked:
#  - metrics-listen on an address the node lacks fails the start, saying so;
#  - a raw scrape passes `promtool check metrics`; unknown paths get 404,
#    POST 405, a 64 KiB header 431 (or a closed connection), never a page;
#  - Prometheus (Debian's package, in the HA's namespace, scraping every
#    second) sees the target up; after a registration, a refresh, a stale
#    sequence number and an unknown MH type, its query API gives the BA
#    statuses and the Binding Error the Scapy peer saw, the home agent's
#    binding, a BU->BA histogram that counts every BA, and every data-plane
#    counter between two `xmip6ctl -j stats show` read around its scrape;
#  - 100 junk connections (tried: the endpoint holds 16, the backlog some
#    more) and 5 slowloris clients on the endpoint leave the
#    BU->BA median (tcpdump, 20 home addresses at 50 BUs/s) within 1 ms of
#    the median without them, every BU answered; the endpoint serves again
#    after. (A loop held up by HTTP work would shift every answer, the
#    median with them; the tail of 100 answers is the busy machine's
#    scheduling, whatever the endpoint does.)
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
XM_TOPO=daemon
# shellcheck source=scripts/topology.sh
. scripts/topology.sh
# shellcheck source=selftests/lib/tap.sh
. selftests/lib/tap.sh
# shellcheck source=selftests/lib/bu_rtt.sh
. selftests/lib/bu_rtt.sh

KEY=0f1e2d3c4b5a69788796a5b4c3d2e1f0
SPI_BASE=300
NHOAS=20
HOAS=$(seq -f '2001:db8:1::%g' 300 319 | paste -sd,)
COUNT=100     # BUs a measurement: 2 s at 50 BUs/s, each home address at 2.5/s
INTERVAL=0.02 # (under MAX_UPDATE_RATE: 3 a second for one home address)
METRICS="http://[::1]:9617"
PROM="http://[::1]:9090"

http() { ip netns exec "$(xm_ns ha)" "$XM_PYTHON" selftests/peers/http_peer.py "$@"; }
peer() {
	ip netns exec "$(xm_ns cn)" "$XM_PYTHON" selftests/peers/mip6_peer.py bu \
		--coa "$XM_CN_ADDR" --ha "$XM_HA_ADDR" --hoa "$XM_HOA" "$@"
}

# The rig's home agent with its mobile node and NHOAS more for bu_rtt.py, and
# the metrics endpoint on the namespace's loopback.
write_conf() {
	local i
	(
		umask 077
		{
			cat <<EOF
log-level = "info";
pin-dir = "$(xm_pin ha)";
control-socket = "$XM_TMP/ha.sock";
metrics-listen = "[::1]:9617";
home-agent = {
  address = "$XM_HA_ADDR";
  home-prefix = "$XM_HOME_PREFIX";
  interfaces = [ "$XM_HA_IF" ];
  home-link = "$XM_HA_IF";
  mobile-nodes = (
    { home-address = "$XM_HOA"; spi = 256; key = "$KEY"; },
EOF
			for i in $(seq 0 $((NHOAS - 1))); do
				printf '    { home-address = "2001:db8:1::%d"; spi = %d; key = "%s"; }%s\n' \
					$((300 + i)) $((SPI_BASE + i)) "$KEY" \
					"$([ "$i" -lt $((NHOAS - 1)) ] && echo ,)"
			done
			echo '  );'
			echo '};'
		} >"$XM_TMP/ha.conf"
	)
}

# An address the node does not have: the start fails, and says why.
refused_without_address() {
	local rc=0
	sed 's|^metrics-listen = .*|metrics-listen = "[2001:db8:ffff::1]:9617";|' "$XM_TMP/ha.conf" \
		>"$XM_TMP/noaddr.conf" && chmod 0600 "$XM_TMP/noaddr.conf" || return 1
	timeout 30 nsenter --net="/run/netns/$(xm_ns ha)" "$XM_D_BIN" -c "$XM_TMP/noaddr.conf" \
		</dev/null >"$XM_TMP/noaddr.log" 2>&1 || rc=$?
	cat "$XM_TMP/noaddr.log"
	[ "$rc" = 1 ] && grep -q 'metrics: cannot listen on \[2001:db8:ffff::1\]:9617' "$XM_TMP/noaddr.log"
}

start_ha() {
	xm_start_daemon ha HA_PID || return 1
	# What is measured is the daemon's own waiting: other processes on a
	# loaded machine must not decide its wake-ups (SCHED_FIFO for the event
	# loop's thread; the HTTP thread, started before, keeps SCHED_OTHER).
	chrt -f -p 10 "$HA_PID"
}

# ---- the endpoint itself ----------------------------------------------------------------------

status_is() { # status_is WANT ARGS...: http get ARGS answered WANT (a list: 431|0)
	local want=$1 out
	shift
	out=$(http get "$@") || return 1
	echo "$*: $out"
	echo "$out" | jget "d['status']" | grep -Eqx "$want"
}

raw_scrape_valid() {
	xm_retry 50 0.1 status_is 200 "$METRICS/metrics" --out "$XM_TMP/raw.txt" || return 1
	grep -c '^xmip6_' "$XM_TMP/raw.txt" | sed 's/^/samples: /'
	grep -q '^# TYPE xmip6_bu_ba_latency_seconds histogram$' "$XM_TMP/raw.txt" &&
		grep -q '^xmip6_dataplane_sig_to_daemon_total ' "$XM_TMP/raw.txt" || return 1
	if ! command -v promtool >/dev/null; then
		echo "promtool missing: format checked by Prometheus's own scrape below only"
		return 0
	fi
	promtool check metrics <"$XM_TMP/raw.txt"
}

bad_requests_refused() {
	status_is 404 "$METRICS/" && status_is 404 "$METRICS/metrics/../etc" &&
		status_is 405 "$METRICS/metrics" --method POST &&
		status_is '431|413|0' "$METRICS/metrics" --header-octets 65536 &&
		status_is 200 "$METRICS/metrics"
}

# ---- Prometheus -------------------------------------------------------------------------------

PROM_PID=
start_prometheus() {
	cat >"$XM_TMP/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: xmip6d
    static_configs:
      - targets: ['[::1]:9617']
EOF
	mkdir -p "$XM_TMP/prom"
	# Bounded by the file (run.sh's 900 s; xm_cleanup kills it by PID): a
	# shorter bound ends it before the last checks on a loaded machine.
	xm_bg ha timeout 900 prometheus --config.file="$XM_TMP/prometheus.yml" \
		--storage.tsdb.path="$XM_TMP/prom" --storage.tsdb.retention.time=10m \
		--web.listen-address="[::1]:9090" --log.level=warn \
		>"$XM_TMP/prometheus.log" 2>&1
	PROM_PID=$XM_LAST_PID
	xm_retry 100 0.2 target_up
}

target_up() {
	kill -0 "$PROM_PID" 2>/dev/null || return 1
	http targets "$PROM" 2>/dev/null | jget "[t['health'] for t in d] == ['up']" | grep -qx True
}

# prom EXPR: the query's vector, {"name{labels}": [time, "value"]}.
prom() { http query "$PROM" "$1"; }

# prom_value SAMPLE: one sample's value from the last scrape.
prom_value() {
	prom "$1" | jget "list(d.values())[0][1] if len(d) == 1 else 'none'"
}

# ---- registrations ----------------------------------------------------------------------------

# The peer's answers, one per line: "BA STATUS" or "BE STATUS".
register() {
	local out
	: >"$XM_TMP/answers"
	for args in "--seq 10" "--seq 11" "--seq 5" "--seq 12 --mh-type 99"; do
		# shellcheck disable=SC2086 # the words are the peer's options
		out=$(peer --spi 256 --key "$KEY" $args) || return 1
		echo "$out" | jget "'%s %s' % ({6: 'BA', 7: 'BE'}.get((d['answer'] or {}).get('mh_type')), \
(d['answer'] or {}).get('status'))" >>"$XM_TMP/answers"
	done
	cat "$XM_TMP/answers"
	# RFC 6275 section 6.1.8: 0 accepted, 135 sequence number out of window;
	# section 6.1.9: Binding Error status 2, unrecognized MH type.
	[ "$(paste -sd, "$XM_TMP/answers")" = "BA 0,BA 0,BA 135,BE 2" ]
}

# Prometheus has a scrape taken after the epoch second $1.
# A scrape that began after $1 is in Prometheus: the time of its sample
# (timestamp()), not the query's own evaluation time.
scraped_after() {
	prom 'timestamp(xmip6_build_info)' | jget "float(list(d.values())[0][1]) > $1" |
		grep -qx True
}

ba_statuses_match() {
	local acc old be bindings
	acc=$(prom_value 'xmip6_ba_sent_total{status="accepted"}')
	old=$(prom_value 'xmip6_ba_sent_total{status="seq_out_of_window"}')
	be=$(prom_value 'xmip6_be_sent_total{status="unknown_mh_type"}')
	bindings=$(prom_value 'xmip6_bindings{role="ha"}')
	echo "Prometheus: accepted $acc, seq_out_of_window $old, BE unknown_mh_type $be, bindings $bindings"
	[ "$acc" = 2 ] && [ "$old" = 1 ] && [ "$be" = 1 ] && [ "$bindings" = 1 ] &&
		[ "$(xm_dctl ha -j binding show | jget "len(d['bindings'])")" = 1 ]
}

# A scrape may serve the event loop's last snapshot when the loop is slow
# to answer (a busy machine): wait for a scrape that holds every answer the
# peer saw; a wrong count never matches.
ba_statuses_seen() {
	local t0
	t0=$(date +%s.%N)
	xm_retry 50 0.2 scraped_after "$t0" && xm_retry 20 0.5 ba_statuses_match
}

daemon_counters_agree() {
	local ctl sum count
	ctl=$(xm_dctl ha -j stats show) || return 1
	sum=$(prom 'sum(xmip6_ba_sent_total)' | jget "list(d.values())[0][1]")
	count=$(prom_value xmip6_bu_ba_latency_seconds_count)
	echo "BAs: xmip6ctl $(echo "$ctl" | jget "sum(d['ba_status']['sent'].values())"), \
Prometheus $sum, histogram count $count"
	[ "$sum" = "$(echo "$ctl" | jget "sum(d['ba_status']['sent'].values())")" ] &&
		[ "$count" = "$sum" ] &&
		[ "$(prom_value 'xmip6_mh_received_total{type="BU"}')" = \
			"$(echo "$ctl" | jget "d['messages']['rx']['BU']")" ]
}

# Every data-plane counter: xmip6ctl before <= Prometheus <= xmip6ctl after,
# with a scrape between the two reads (multicast ND may move some meanwhile).
dataplane_counters_agree() {
	local t0
	xm_ctl ha -j stats show >"$XM_TMP/before.json" || return 1
	t0=$(date +%s.%N)
	xm_retry 50 0.2 scraped_after "$t0" || return 1
	prom '{__name__=~"xmip6_dataplane_.*"}' >"$XM_TMP/prom.json" || return 1
	xm_ctl ha -j stats show >"$XM_TMP/after.json" || return 1
	"$XM_PYTHON" - "$XM_TMP/before.json" "$XM_TMP/prom.json" "$XM_TMP/after.json" <<'EOF'
import json, sys
before, prom, after = (json.load(open(f)) for f in sys.argv[1:])
bad = []
for name in before:
    got = prom.get("xmip6_dataplane_%s_total" % name)
    if got is None or not before[name] <= int(got[1]) <= after[name]:
        bad.append((name, before[name], got, after[name]))
extra = set(prom) - {"xmip6_dataplane_%s_total" % n for n in before}
print("%d counters compared, sig_to_daemon %s" % (len(before), prom.get(
    "xmip6_dataplane_sig_to_daemon_total")))
if bad or extra:
    print("disagree:", bad, "unknown:", sorted(extra))
sys.exit(bool(bad or extra))
EOF
}

# ---- bad clients never delay signalling ------------------------------------------------------

register_all() {
	bu_rtt send --coa "$XM_CN_ADDR" --ha "$XM_HA_ADDR" --hoas "$HOAS" \
		--spi-base "$SPI_BASE" --key "$KEY" --first-seq 1 --count "$NHOAS" \
		--interval 0.1 || return 1
	xm_retry 50 0.2 all_bound
}
all_bound() { [ "$(xm_dctl ha -j binding show | jget "len(d['bindings'])")" = $((NHOAS + 1)) ]; }

junk_is_open() {
	[ -f "$XM_TMP/junk.status" ] &&
		jget "d['open'] >= 16" <"$XM_TMP/junk.status" | grep -qx True
}

JUNK_PID=
junk_start() {
	rm -f "$XM_TMP/junk.status"
	xm_bg ha timeout 60 "$XM_PYTHON" selftests/peers/http_peer.py junk ::1 9617 \
		--conns 100 --slowloris 5 --seconds 30 --status "$XM_TMP/junk.status"
	JUNK_PID=$XM_LAST_PID
	xm_retry 50 0.1 junk_is_open
}

junk_stop() {
	kill "$JUNK_PID" 2>/dev/null
	wait "$JUNK_PID" 2>/dev/null
	return 0
}

rtt_pair() {
	local r=$1
	bu_rtt_measure "base$r" || return 1
	echo "round $r without junk: $(bu_rtt_summary "base$r")"
	junk_start || { junk_stop; return 1; }
	bu_rtt_measure "junk$r" || { junk_stop; return 1; }
	echo "round $r with junk ($(cat "$XM_TMP/junk.status")): $(bu_rtt_summary "junk$r")"
	junk_stop
	bu_rtt_within "base$r" "junk$r" p50_ms
}

# Idle junk connections are closed after CLIENT_TIMEOUT_S (10 s); once the
# clients are gone the endpoint answers at once.
serves_after_junk() {
	xm_retry 50 0.2 status_is 200 "$METRICS/metrics" && xm_retry 50 0.2 target_up
}

xm_init
t_fatal "topology up" xm_topo_up
write_conf
t "metrics-listen on an address the node lacks: the start fails with the reason" \
	refused_without_address
t_fatal "the home agent starts with metrics-listen" start_ha
t "a raw scrape: the text format (promtool check metrics)" raw_scrape_valid
t "unknown paths 404, POST 405, a 64 KiB header refused (431 or closed)" bad_requests_refused
t_fatal "Prometheus scrapes xmip6d (target up)" start_prometheus
t_fatal "the Scapy peer: BA 0, BA 0 (refresh), BA 135 (old sequence), BE 2 (MH type 99)" register
t "Prometheus: BA statuses, the Binding Error and the binding the peer saw" ba_statuses_seen
t "Prometheus: BAs and BUs as xmip6ctl -j stats show counts them; the histogram counts every BA" \
	daemon_counters_agree
t "Prometheus: every data-plane counter between two xmip6ctl -j stats show around its scrape" \
	dataplane_counters_agree
t_fatal "$NHOAS more Scapy mobile nodes registered" register_all
t "100 junk connections tried and 5 slowloris clients on the endpoint: BU->BA median within 1 ms, every BU answered" \
	bu_rtt_rounds rtt_pair
t "the endpoint and Prometheus's target serve again once the junk is gone" serves_after_junk
t "the home agent still runs" kill -0 "$HA_PID"
finish
