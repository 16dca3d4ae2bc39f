#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# failover.sh RAW - `make bench` section failover (bench/bench.sh): how long
# a stream to a registered home address is interrupted when the home agent
# carrying it fails, with two home agents behind a VRRPv3 virtual address
# (keepalived) sharing their bindings in etcd (docs/cluster.md, "Failover").
# The rig is selftests/lib/failover_rig.sh's, as test_failover.sh runs it.
#
# Each of BENCH_FAILOVER_ROUNDS rounds (3) has two events, each across a UDP
# stream of 2,000 packets/s for 4 s from the correspondent to the xmip6d
# mobile node's home address (peers/stream.py, every datagram numbered):
#
#   kill  kill -9 of the master's xmip6d (xmip6d-vrrp.sh: keepalived fault
#         at once); then its xmip6d restarts and is ready (caught up from
#         etcd) before the next event;
#   link  the master's link down; then up again, and its keepalived back
#         in BACKUP before the next event.
#
# One "failover" line per event appended to RAW: the longest run of missing
# sequence numbers at the receiver (packets, and ms at the stream's rate),
# the packets lost, the receiver's longest silence, the sender's longest
# stall (a sender held up by the machine), the Binding Updates and Mobility
# Header messages the mobile node sent meanwhile (tshark on its link), and
# which home agent held the VIP before and after. Skipped, saying why,
# without etcd or keepalived.
set -u
cd "$(dirname "$0")/.." || exit 1
RAW=$1
ROUNDS=${BENCH_FAILOVER_ROUNDS:-3}
# shellcheck source=selftests/lib/failover_rig.sh
. selftests/lib/failover_rig.sh

for t in etcd etcdctl openssl keepalived tshark tcpdump; do
	if ! command -v "$t" >/dev/null; then
		"$XM_PYTHON" -c 'import json,sys; print(json.dumps({"item": "skip", "section": "failover", "what": "all", "reason": sys.argv[1]}))' \
			"$t not installed (Debian: etcd-server, etcd-client, openssl, keepalived, tshark, tcpdump)" >>"$RAW"
		echo "bench: failover: skipped: $t not installed" >&2
		exit 0
	fi
done

# record ROUND EVENT FROM: one "failover" line from the last stream.
record() {
	"$XM_PYTHON" - "$1" "$2" "$3" "$(fo_master)" "$FO_PPS" "$FO_SENT" "${FO_STALL:-0}" \
		"$FO_MN_BU" "$FO_MN_MH" "$FO_STREAM" >>"$RAW" <<'PY'
import json, sys
rnd, event, src, dst, pps, sent, stall, bus, mh, stream = sys.argv[1:]
s = json.loads(stream)
pps = int(pps)
print(json.dumps({"item": "failover", "round": int(rnd), "event": event, "from": src,
                  "to": dst, "pps": pps, "sent": int(sent), "received": s["unique"],
                  "lost": int(sent) - s["unique"], "hole_packets": s["longest_hole"],
                  "interruption_ms": round(s["longest_hole"] * 1000.0 / pps, 1),
                  "max_silence_ms": round(s["max_silence_s"] * 1000.0, 1),
                  "sender_stall_ms": round(float(stall) * 1000.0, 1),
                  "mn_bu": int(bus), "mn_mh": int(mh)}))
PY
}

# kill_round R: kill -9 of the master's xmip6d across a stream, then its
# restart (ready: caught up from etcd, its track file 0).
kill_round() {
	local from
	from=$(fo_master)
	fo_stream_across "$FO_HOA1" fo_kill_master_daemon >>"$XM_TMP/streams.log" 2>&1 &&
		record "$1" kill "$from" || return 1
	fo_start_ha "$FO_KILLED" >>"$XM_TMP/streams.log" 2>&1 &&
		xm_retry 100 0.1 fo_ha_ready "$FO_KILLED" >/dev/null
}

# backup_again HA N: HA's keepalived entered BACKUP more than N times.
backup_again() { [ "$(fo_ka_backups "$1")" -gt "$2" ]; }

# link_round R: the master's link down across a stream, then up, and its
# keepalived in BACKUP again (nopreempt: the other keeps the VIP).
link_round() {
	local from n
	from=$(fo_master)
	n=$(fo_ka_backups "$from")
	fo_stream_across "$FO_HOA1" fo_link_down_master >>"$XM_TMP/streams.log" 2>&1 &&
		record "$1" link "$from" || return 1
	fo_ha_link_up "$FO_DOWNED" &&
		xm_retry 100 0.1 backup_again "$FO_DOWNED" "$n" &&
		xm_retry 100 0.1 fo_map_has "$FO_DOWNED" "$FO_HOA1" >/dev/null
}

bench() {
	local r
	[ -x "$XM_D_BIN" ] || { echo "bench: failover: $XM_D_BIN missing" >&2; return 1; }
	printf '{"item":"cmd","cmd":"%s"}\n' \
		"bench/failover.sh: stream.py send HOA 5001 $FO_PPS $FO_STREAM_S across kill -9 / link down, $ROUNDS rounds" \
		>>"$RAW"
	if ! fo_setup >"$XM_TMP/setup.log" 2>&1; then
		echo "bench: failover: the rig did not come up:" >&2
		tail -n 20 "$XM_TMP/setup.log" >&2
		return 1
	fi
	echo "bench: failover: $ROUNDS rounds of kill -9 and link down, $FO_PPS packets/s" >&2
	for ((r = 0; r < ROUNDS; r++)); do
		if ! kill_round "$r" || ! link_round "$r"; then
			echo "bench: failover: round $r failed:" >&2
			tail -n 30 "$XM_TMP/streams.log" >&2
			return 1
		fi
	done
}

cl_init "xmbf$$-"
bench
