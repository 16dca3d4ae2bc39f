#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# handover.sh OUT_JSONL - handover timing, run by `make bench` (section
# handover): the demo's roaming rig (XM_TOPO=roam, scripts/topology.sh), the
# MN's link moved BENCH_HO_MOVES times between R2 and R3, with the timings of
# every move appended to OUT_JSONL as {"item": "handover", ...} lines.
#
# Sources, all on the same clock (CLOCK_REALTIME, microseconds):
#   link up      `ip -ts monitor link` in the MN's namespace (LOWER_UP of eth0)
#   detected     the MN daemon's "movement detected" log line, timestamped as
#                it is written (its stderr is a FIFO read by a stamper)
#   BU sent,     tcpdump on the MN's eth0: the BU (IPv6 + Destination Options
#   BA received  with the HAO) out, the BA (IPv6 + type 2 routing header) in
#   BA processed the daemon's "registered ... in N ms" log line
#   data         UDP datagrams with sequence numbers from the CN to the home
#                address every BENCH_HO_GAP_MS; the receiver on the MN stamps
#                each one; interruption = the longest gap around the move,
#                lost = the sequence numbers that never came.
# Root; namespaces xmbh<pid>-*, removed with every process on exit/Ctrl-C.
set -u
cd "$(dirname "$0")/.." || exit 1
XM_TOPO=roam
# shellcheck source=scripts/topology.sh
. scripts/topology.sh

OUT=${1:?usage: handover.sh OUT_JSONL}
MOVES=${BENCH_HO_MOVES:-20}
GAP_MS=${BENCH_HO_GAP_MS:-10}
DWELL=${BENCH_HO_DWELL:-1}
KEY=00112233445566778899aabbccddeeff
UDP_PORT=5002

bul() { xm_dctl mn -j bul show | jget "d['bul'][0]$1"; }
coa_in() { bul "['care_of_addr']" 2>/dev/null | grep -q "^$1"; }
registered_in() { coa_in "$1" && [ "$(bul "['state']" 2>/dev/null)" = registered ]; }

# stamp FILE: every line of stdin, prefixed with the time it arrived.
stamp() {
	# Unbuffered: a line is stamped when read(2) returns it, not when a
	# block of them has been read ahead.
	"$XM_PYTHON" -c 'import sys, time
out, raw = open(sys.argv[1], "w", buffering=1), sys.stdin.buffer.raw
while True:
    line = raw.readline()
    if not line:
        break
    out.write("%.6f %s" % (time.time(), line.decode(errors="replace")))' "$1"
}

configs() { xm_write_confs "$KEY" info; }

start() {
	local secs r
	xm_topo_up || return 1
	xm_radvd_start r2 "$XM_VISIT_BRIDGE" "$XM_VISIT_PREFIX" &&
		xm_radvd_start r3 "$XM_VISIT_BRIDGE" "$XM_VISIT3_PREFIX" &&
		xm_radvd_start r1 "$XM_R1_BRIDGE" "$XM_HOME_PREFIX" home || return 1
	configs
	xm_daemon ha "$XM_TMP/ha.conf" "$XM_TMP/ha.log"
	xm_retry 50 0.1 test -S "$XM_TMP/ha.sock" || return 1
	mkfifo "$XM_TMP/mn.fifo" || return 1
	stamp "$XM_TMP/mn.log" <"$XM_TMP/mn.fifo" &
	XM_PIDS+=("$!")
	xm_daemon mn "$XM_TMP/mn.conf" "$XM_TMP/mn.fifo"
	xm_retry 50 0.1 test -S "$XM_TMP/mn.sock" || return 1
	xm_retry 100 0.1 registered_in 2001:db8:20: || return 1

	ip -n "$(xm_ns mn)" -ts monitor link dev "$XM_MN_IF" >"$XM_TMP/link.txt" &
	XM_PIDS+=("$!")
	ip netns exec "$(xm_ns mn)" timeout 600 tcpdump -U -n -s 200 -i "$XM_MN_IF" \
		-w "$XM_TMP/mh.pcap" 'ip6 and (ip6[6] == 60 or ip6[6] == 43)' 2>/dev/null &
	XM_PIDS+=("$!")
	# The MN's XDP program takes the BA before any tap on eth0: it is seen
	# on the routers' visited bridges, one veth hop earlier.
	for r in r2 r3; do
		ip netns exec "$(xm_ns "$r")" timeout 600 tcpdump -U -n -s 200 -i "$XM_VISIT_BRIDGE" \
			-w "$XM_TMP/ba-$r.pcap" 'ip6 and ip6[6] == 43' 2>/dev/null &
		XM_PIDS+=("$!")
	done
	# The UDP stream: bounded by the number of moves.
	secs=$((MOVES * (DWELL + 3) + 20))
	xm_bg mn timeout "$secs" "$XM_PYTHON" -c 'import socket, sys, time
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.bind(("::", int(sys.argv[1])))
out = open(sys.argv[2], "w", buffering=1)
while True:
    d = s.recv(64)
    out.write("%.6f %s\n" % (time.time(), int.from_bytes(d[:8], "big")))' \
		"$UDP_PORT" "$XM_TMP/udp.rx" || return 1
	xm_bg cn timeout "$secs" "$XM_PYTHON" -c 'import socket, sys, time
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
gap, n, t0 = float(sys.argv[3]) / 1000, 0, time.monotonic()
out = open(sys.argv[4], "w")
while True:
    try:
        s.sendto(n.to_bytes(8, "big") + bytes(56), (sys.argv[1], int(sys.argv[2])))
    except OSError:
        pass
    out.write("%.6f %d\n" % (time.time(), n))
    n += 1
    time.sleep(max(0, t0 + n * gap - time.monotonic()))' \
		"$XM_HOA" "$UDP_PORT" "$GAP_MS" "$XM_TMP/udp.tx" || return 1
	sleep 1
}

roam() {
	local i to prefix
	for ((i = 1; i <= MOVES; i++)); do
		if ((i % 2)); then to=r3 prefix=2001:db8:30:; else to=r2 prefix=2001:db8:20:; fi
		echo "$i $XM_ROAM_AT $to $(date +%s.%N)" >>"$XM_TMP/moves"
		xm_roam_move "$to" || return 1
		xm_retry 100 0.05 registered_in "$prefix" || return 1
		sleep "$DWELL"
	done
}

analyse() {
	"$XM_PYTHON" - "$XM_TMP" "$OUT" <<'EOF'
import json, re, sys
from scapy.layers.inet6 import IPv6
from scapy.utils import rdpcap
tmp, out = sys.argv[1], sys.argv[2]
moves = [l.split() for l in open(tmp + "/moves")]
# ip -ts monitor: "[2026-11-23T12:40:01.123456] 2: eth0@if9: <...,UP,LOWER_UP> ..."
import datetime
ups = []
for l in open(tmp + "/link.txt"):
    m = re.match(r"\[(\S+)\]\s.*<([^>]*)>", l)
    if m and "LOWER_UP" in m.group(2).split(","):
        t = datetime.datetime.fromisoformat(m.group(1))
        ups.append(t.timestamp())
log = []
for l in open(tmp + "/mn.log"):
    t, _, msg = l.partition(" ")
    log.append((float(t), msg))
bus, bas = [], []
pkts = [p for f in ("mh", "ba-r2", "ba-r3") for p in rdpcap(tmp + "/" + f + ".pcap")]
for p in pkts:
    ip = p[IPv6]
    nh, data = ip.nh, bytes(ip.payload)
    while nh in (0, 43, 60) and len(data) > 2:
        nh, data = data[0], data[(data[1] + 1) * 8:]
    if nh == 135 and len(data) > 2:
        (bus if data[2] == 5 else bas if data[2] == 6 else []).append(float(p.time))
bus.sort()
bas.sort()
rx = [(float(t), int(s)) for t, s in (l.split() for l in open(tmp + "/udp.rx"))]
for i, (n, frm, to, t0) in enumerate(moves):
    t0 = float(t0)
    t1 = float(moves[i + 1][3]) if i + 1 < len(moves) else t0 + 5
    first = lambda xs, a=t0: next((x for x in xs if a <= x < t1), None)
    up = first(ups)
    det = next(((t, m) for t, m in log if t0 <= t < t1 and "movement detected" in m), None)
    reg = next(((t, m) for t, m in log if t0 <= t < t1 and re.search(r"^\S+ registered ", m)), None)
    bu = first(bus, up if up is not None else t0)
    ba = first(bas, bu) if bu else None
    win = [r for r in rx if t0 - 0.2 <= r[0] < t1]
    gap, lost = 0.0, 0
    for a, b in zip(win, win[1:]):
        if b[1] - a[1] > 1 or b[0] - a[0] > gap:
            gap = max(gap, b[0] - a[0])
        if b[1] - a[1] > 1:
            lost += b[1] - a[1] - 1
    after = next((r[0] for r in rx if up is not None and r[0] >= up), None)
    ms = lambda a, b: round((b - a) * 1000, 3) if a is not None and b is not None else None
    rec = {"item": "handover", "move": int(n), "from": frm, "to": to,
           "link_up_to_detected_ms": ms(up, det and det[0]),
           "link_up_to_bu_ms": ms(up, bu),
           "detected_to_bu_ms": ms(det and det[0], bu),
           "bu_to_ba_ms": ms(bu, ba),
           "ba_to_processed_ms": ms(ba, reg and reg[0]),
           "detected_to_processed_ms": ms(det and det[0], reg and reg[0]),
           "daemon_detect_ms": int(re.search(r"detected in (\d+) ms", det[1]).group(1))
           if det else None,
           "daemon_register_ms": int(re.search(r"in (\d+) ms", reg[1]).group(1))
           if reg else None,
           "interruption_ms": round(gap * 1000, 1), "lost": lost,
           "move_to_link_up_ms": ms(t0, up), "link_up_to_data_ms": ms(up, after)}
    print(json.dumps(rec), file=open(out, "a"))
print("handover: %d moves analysed" % len(moves), file=sys.stderr)
EOF
}

[ "$(id -u)" -eq 0 ] || xm_die "needs root"
for tool in radvd tcpdump; do
	command -v "$tool" >/dev/null || xm_die "$tool missing (scripts/install-deps.sh)"
done
xm_init "xmbh$$-"
: >"$XM_TMP/moves"
start || xm_die "the roaming rig did not come up (logs in $XM_TMP)"
roam || xm_die "a move did not register"
sleep 0.5
# Stop the capture and the monitors (their files must be complete) first.
for pid in "${XM_PIDS[@]}"; do
	case $(ps -o comm= -p "$pid" 2>/dev/null) in
	tcpdump | ip | timeout) kill -TERM "$pid" 2>/dev/null ;;
	esac
done
sleep 1
cp "$XM_TMP/mn.log" "$XM_TMP/moves" "$(dirname "$OUT")/" 2>/dev/null
analyse
