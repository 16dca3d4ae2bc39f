#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_bench_smoke.sh - `make bench`'s live section runs on this kernel,
# whatever it allows: one short round with each generator (live frames where
# the kernel runs them, and the AF_PACKET one that stands in where it does
# not), and every case either measured or skipped with its reason.
# bench/bench.sh makes its own namespaces (xmb<pid>-*) and removes them.
# Checks only what arrived and how it looks, never how fast:
#  - bench.sh exits 0 and says which generator it used;
#  - one "live" JSON line per case (the two drop floors, kernel forwarding,
#    XDP redirect, naive encap, HA encap and decap with 1 and 1,000
#    bindings), and seg6 measured or skipped with a reason;
#  - frames reached the sink, with the length each DUT makes of a 78-octet
#    frame (118 after an encapsulation, 78 after the decapsulation of a
#    118-octet one), and xdp_ha's counters cover every delivered packet;
#  - the report has the target lines.
# shellcheck disable=SC2317 # checks are called through t()
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
# shellcheck source=scripts/topology.sh
. scripts/topology.sh
# shellcheck source=selftests/lib/tap.sh
. selftests/lib/tap.sh

# run GEN: one round of the live section, 0.2 s a case, into $XM_TMP/GEN.
run() {
	mkdir -p "$XM_TMP/$1" || return 1
	if ! BENCH_OUT=$XM_TMP/$1 BENCH_GEN=${1/auto/} BENCH_SECTIONS=live BENCH_ROUNDS=1 \
		BENCH_SECONDS=0.2 BENCH_LIVE_BIG=1000 xm_fg timeout 120 bench/bench.sh \
		>"$XM_TMP/$1.log" 2>&1; then
		cat "$XM_TMP/$1.log"
		return 1
	fi
	grep -E "bench: live: (generator: live frames|live frames: skipped: .+; using the AF_PACKET generator)" \
		"$XM_TMP/$1.log"
}

# check GEN: the raw lines of that run, read independently of report.py.
check() {
	"$XM_PYTHON" - "$XM_TMP/$1/raw.jsonl" "$1" <<'PY'
import json, sys
raw = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
gen = sys.argv[2]
live = {(r["case"], r["bindings"]): r for r in raw if r.get("item") == "live"}
want = {("drop", 1): 78, ("drop_tunnel", 1): 118, ("forward", 1): 78, ("redirect", 1): 78,
        ("naive_encap", 1): 118, ("ha_encap", 1): 118, ("ha_encap", 1000): 118,
        ("ha_decap", 1): 78, ("ha_decap", 1000): 78}
skips = [r for r in raw if r.get("item") == "skip" and r["what"] == "seg6"]
if skips:
    assert skips[0]["reason"], "seg6 skipped without a reason"
else:
    want[("seg6", 1)] = 142
bad = []
for key, length in want.items():
    r = live.get(key)
    if not r:
        bad.append("%s: no live line" % (key,))
        continue
    if gen == "packet" and r["gen"] != "packet":
        bad.append("%s: generator %s, not packet" % (key, r["gen"]))
    if r["delivered"] <= 0 or abs(r["delivered_len"] - length) > 0.5:
        bad.append("%s: %d delivered, %.1f octets, want %d" % (key, r["delivered"],
                                                              r["delivered_len"], length))
for c in (r for r in raw if r.get("item") == "live_check"):
    d = live[(c["case"], c["bindings"])]["delivered"]
    if c["delta"] < d:
        bad.append("%s %d: %s grew by %d for %d delivered" % (c["case"], c["bindings"],
                                                              c["counter"], c["delta"], d))
print("\n".join(bad) or "%d cases, %d skipped" % (len(want), len(skips)))
sys.exit(1 if bad else 0)
PY
}

report_has_targets() {
	grep -E "^target HA encap / kernel forwarding >= 3.0: .* (PASS|MISS)$" \
		"$XM_TMP/$1/results.txt" &&
		grep -E "^target HA decap, 1,000 / 1 binding >= 0.9: .* (PASS|MISS)$" \
			"$XM_TMP/$1/results.txt"
}

xm_init "xmbt$$-"
[ -x "$XM_BUILD/bench/xmbench" ] ||
	{ echo "1..0 # SKIP $XM_BUILD/bench/xmbench not built (make test builds it)"; exit 0; }
for gen in auto packet; do
	t_fatal "bench live section ($gen generator): exit 0, generator named" run "$gen"
	t "bench live section ($gen): every case measured or skipped with a reason, frames as expected" \
		check "$gen"
	t "bench live section ($gen): report has the target lines" report_has_targets "$gen"
done
finish
