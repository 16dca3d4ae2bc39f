#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_ha_workers.sh - a home agent with `signal-workers = 2`
# (user/daemon/workers.c): Binding Updates go to worker hash(home address),
# which refreshes bindings itself and hands the rest (first registrations)
# back to the event loop, in order.
#
#   rmn: xmreg on l0 (AF_PACKET, no IPv6)  ==  rha: h0, xmip6d HA (virtual home network)
#
# xmreg "paced" sends 3 BUs per node back to back (sequence n, n+1, n+2,
# within MAX_UPDATE_RATE), three times with pauses: the first three are a
# first registration (handed back to the loop) and two refreshes queued
# behind it on the worker, the others refreshes the workers answer. Any
# reordering shows as status 135 (sequence out of window). tcpdump captures
# l0; Python reads every BU and BA from the capture and checks, apart from
# the daemon and xmreg: every BA accepted (status 0), its sequence number
# one of the node's BUs', the BAs of each node in increasing order, and the
# RFC 4285 authenticator (HMAC-SHA1 over CoA, home address and the message,
# with the node's key from the configuration). A burst may find the signal
# ring full (the data plane counts sig_ring_full; a mobile node would
# retransmit): every BU on the wire is answered or counted there. Then the
# daemon's counters (stats show, the summary lines) against the capture:
# their sum over the workers and the loop, and both workers took part.
# Forged BUs (xmreg forge: authenticator wrong) are refused unsigned, from
# the error budget only, and change no binding.
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
# shellcheck source=selftests/lib/reg_rig.sh
. selftests/lib/reg_rig.sh
# shellcheck source=selftests/lib/summary_log.sh
. selftests/lib/summary_log.sh

NODES=1000
PER_PHASE=$((3 * NODES)) # 3 BUs a node, back to back
RATE=10000
FORGED=2000
REG=$XM_REG_BIN

start_ha() {
	xm_reg_conf "$NODES" info "signal-workers = 2;" >"$XM_TMP/rha.conf" &&
		chmod 600 "$XM_TMP/rha.conf" || return 1
	xm_daemon rha "$XM_TMP/rha.conf" "$XM_TMP/rha.log"
	HA_PID=$XM_LAST_PID
	xm_daemon_up "$HA_PID" "$XM_TMP/rha.sock" && grep -q "2 registration workers" "$XM_TMP/rha.log"
}

run_load() {
	xm_bg rmn timeout 120 tcpdump -i l0 -n -U -w "$XM_TMP/l0.pcap" ip6 2>"$XM_TMP/tcpdump.err"
	DUMP_PID=$XM_LAST_PID
	xm_retry 50 0.1 grep -q "listening on" "$XM_TMP/tcpdump.err" || return 1
	xm_exec rmn timeout 60 "$REG" paced l0 "$(xm_mac rha h0)" "$XM_REG_HA" "$XM_REG_COA" "$NODES" \
		"$RATE" "$PER_PHASE,$PER_PHASE,$PER_PHASE" >"$XM_TMP/xmreg.json" || return 1
	cat "$XM_TMP/xmreg.json"
}

# xmreg's own view: every BA it got accepted and authentic (the capture
# checks that every BU was answered or counted as dropped).
xmreg_all_accepted() {
	"$XM_PYTHON" - "$XM_TMP/xmreg.json" "$PER_PHASE" <<'EOF'
import json, sys
ph = [json.loads(l) for l in open(sys.argv[1])]
want = int(sys.argv[2])
print([(p["sent"], p["accepted"], p["statuses"], p["verify_bad"]) for p in ph])
assert len(ph) == 3
assert all(p["sent"] == want and p["accepted"] == p["ba"] > 0 for p in ph)
assert all(p["verify_bad"] == 0 and p["verified"] == p["ba"] for p in ph)
EOF
}

stop_capture() {
	kill -INT "$DUMP_PID" 2>/dev/null
	xm_wait_pid "$DUMP_PID" 10
}

# The capture, read by Python alone (the pcap records parsed here: tcpdump
# writes the classic format): BUs and BAs, sequence numbers, order, MACs.
# Its last line, "BUs BAs nodes", is for the counters' checks.
wire_checks() {
	"$XM_PYTHON" - "$XM_TMP/l0.pcap" "$XM_TMP/rha.conf" "$((3 * PER_PHASE))" \
		"$(xm_stat rha sig_ring_full)" >"$XM_TMP/wire.txt" <<'EOF'
import hashlib, hmac, ipaddress, re, struct, sys
pcap, conf, want, ring_full = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
keys = {}
for m in re.finditer(r'home-address = "([^"]+)"; spi = (\d+); key = "([0-9a-f]+)"', open(conf).read()):
    keys[ipaddress.IPv6Address(m.group(1)).packed] = bytes.fromhex(m.group(3))

def frames(path):
    data = open(path, "rb").read()
    endian = "<" if data[:4] == b"\xd4\xc3\xb2\xa1" else ">"
    off = 24
    while off + 16 <= len(data):
        incl = struct.unpack(endian + "I", data[off + 8:off + 12])[0]
        yield data[off + 16:off + 16 + incl]
        off += 16 + incl

def walk(ip):
    """(MH offset, HAO, RH2 address) of an IPv6 packet."""
    nh, off, hao, rt2 = ip[6], 40, None, None
    while nh in (0, 43, 60):
        hlen = (ip[off + 1] + 1) * 8
        if nh == 43 and ip[off + 2] == 2:
            rt2 = ip[off + 8:off + 24]
        if nh == 60:
            o = off + 2
            while o < off + hlen:
                if ip[o] == 0:
                    o += 1
                    continue
                if ip[o] == 201:
                    hao = ip[o + 2:o + 18]
                o += 2 + ip[o + 1]
        nh, off = ip[off], off + hlen
    return (off if nh == 135 else None), hao, rt2

def auth_ok(mh, coa, hoa):
    """RFC 4285: the MN-HA option last; First(96, HMAC-SHA1(CoA | HoA | MH to its SPI))."""
    end = (mh[1] + 1) * 8
    o = 12
    while o < end:
        if mh[o] == 0:
            o += 1
            continue
        if mh[o] == 9 and mh[o + 2] == 1:
            data = bytearray(mh[:o + 7])
            data[4:6] = b"\0\0"
            mac = hmac.new(keys[hoa], coa + hoa + bytes(data), hashlib.sha1).digest()[:12]
            return mac == mh[o + 7:o + 19]
        o += 2 + mh[o + 1]
    return False

bus, bas = {}, {}
bad = []
for raw in frames(pcap):
    if len(raw) < 54 or raw[12:14] != b"\x86\xdd":
        continue
    ip = raw[14:]
    off, hao, rt2 = walk(ip)
    if off is None:
        continue
    mh, dst = ip[off:], ip[24:40]
    if mh[2] == 5 and hao:
        bus.setdefault(hao, []).append(struct.unpack("!H", mh[6:8])[0])
    elif mh[2] == 6 and rt2:
        status, seq = mh[6], struct.unpack("!H", mh[8:10])[0]
        bas.setdefault(rt2, []).append(seq)
        if status != 0 or not auth_ok(mh, dst, rt2):
            bad.append((str(ipaddress.IPv6Address(rt2)), seq, status))
n_bu = sum(map(len, bus.values()))
n_ba = sum(map(len, bas.values()))
print(f"# BUs {n_bu} from {len(bus)} nodes, BAs {n_ba}, sig_ring_full {ring_full}, bad BAs {len(bad)} {bad[:5]}")
assert n_bu == want and not bad and n_ba > 0
assert n_ba + ring_full == n_bu, "a BU neither answered nor counted as dropped"
for hoa, seqs in bus.items():
    got = bas.get(hoa, [])
    assert got == sorted(got) and len(set(got)) == len(got) and set(got) <= set(seqs), \
        (ipaddress.IPv6Address(hoa), seqs, got)
print("# every node: one BA per BU answered, in the order of its BUs")
print(n_bu, n_ba, len(bas))
EOF
	local rc=$?
	grep '^#' "$XM_TMP/wire.txt"
	return $rc
}

stats() { xm_dctl rha -j stats show; }

# stats show and the summary lines against the wire's count: the sum over
# the workers and the loop; each worker refreshed bindings, the loop made
# the first registrations.
counters_sum() {
	local bu ba nodes
	read -r bu ba nodes < <(tail -1 "$XM_TMP/wire.txt") || return 1
	stats >"$XM_TMP/stats.json" || return 1
	"$XM_PYTHON" - "$XM_TMP/stats.json" "$ba" "$nodes" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
want, nodes = int(sys.argv[2]), int(sys.argv[3])
w = d["workers"]
acc = d["ba_status"]["sent"]["accepted"]
print("accepted", acc, "rx BU", d["messages"]["rx"]["BU"], "workers", w)
assert acc == want and d["messages"]["rx"]["BU"] == want
assert len(w) == 2 and all(x["bindings_refreshed"] > 0 for x in w)
# The workers' BAs are theirs; the loop sent the first registrations' and
# whatever the workers handed back.
assert sum(x["ba_sent"] for x in w) + sum(x["handed_back"] for x in w) == want
assert sum(x["handed_back"] for x in w) >= nodes
EOF
}

summaries_complete() {
	local bu ba nodes
	read -r bu ba nodes < <(tail -1 "$XM_TMP/wire.txt") || return 1
	[ "$(summary_sums "$XM_TMP/rha.log")" = "$ba $ba $nodes $((ba - nodes))" ]
}

summary_counts() {
	xm_retry 30 0.2 summaries_complete
	local rc=$?
	echo "summaries: BA accepted new refreshed = $(summary_sums "$XM_TMP/rha.log"); wire: $(tail -1 "$XM_TMP/wire.txt")"
	return $rc
}

# Forged BUs on the workers: refused (146) unsigned, within the error
# budget (10 a second with a burst of as many, split between the workers),
# counted; no binding changes (the sequence numbers stay the last accepted).
forged_refused() {
	local before after
	before=$(xm_ctl rha -j binding show | jget "sorted((b['home_addr'], b['sequence']) for b in d['bindings'])") ||
		return 1
	xm_exec rmn timeout 30 "$REG" forge l0 "$(xm_mac rha h0)" "$XM_REG_HA" "$XM_REG_COA" "$NODES" \
		2000 1 >"$XM_TMP/forge.json" || return 1
	cat "$XM_TMP/forge.json"
	after=$(xm_ctl rha -j binding show | jget "sorted((b['home_addr'], b['sequence']) for b in d['bindings'])") ||
		return 1
	stats >"$XM_TMP/stats2.json" || return 1
	"$XM_PYTHON" - "$XM_TMP/forge.json" "$XM_TMP/stats2.json" "$FORGED" <<'EOF'
import json, sys
f = json.load(open(sys.argv[1]))
d = json.load(open(sys.argv[2]))
sent = d["ba_status"]["sent"]
print("forge", f, "auth_fail sent", sent.get("auth_fail"), "kept back", d["icmpv6"]["errors_ratelimited"])
assert f["sent"] >= int(sys.argv[3]) // 2 and f["answered_valid_mac"] == 0 and f["accepted"] == 0
assert f["answered"] == sent["auth_fail"] and 1 <= f["answered"] <= 30
assert sent["auth_fail"] + d["icmpv6"]["errors_ratelimited"] == f["sent"]
EOF
	[ $? = 0 ] && [ "$before" = "$after" ]
}

# binding del through the daemon with workers running (it waits for them
# to be idle first, ha_cache.c): the binding leaves the map.
binding_del_with_workers() {
	local hoa=2001:db8:100::1
	xm_dctl rha binding del "$hoa" || return 1
	xm_ctl rha -j binding show | jget "'$hoa' not in [b['home_addr'] for b in d['bindings']]" | grep -qx True
}

main() {
	reg_rig_begin
	t_fatal "home agent with 2 registration workers" start_ha
	t_fatal "$NODES nodes, 3 phases of 3 BUs each back to back" run_load
	t "xmreg: every BU answered, accepted, its BA authentic" xmreg_all_accepted
	stop_capture
	t "capture: one accepted, authentic BA per BU, each node's in order" wire_checks
	t "stats show: the loop's and the workers' counts add up to the wire's" counters_sum
	t "summary lines: accepted, new and refreshed as on the wire" summary_counts
	t "forged BUs refused unsigned within the error budget, no binding changed" forged_refused
	t "binding del through the daemon: the binding goes" binding_del_with_workers
	finish
}

main
