#!/usr/bin/env bash
# Runs every test file, selftests/<kind>/test_* (kinds: unit, bpf, netns,
# fuzz; see selftests/README.md), and every C unit-test binary
# (build/selftests/*_unit, from selftests/unit/*_unit.c), and sums their TAP
# results.
#
# Each test file prints TAP-style lines: "ok - what" or "not ok - what"
# (numbers optional), "# ..." for diagnostics. A file that exits non-zero
# without printing "not ok" counts as one failure. The last line is the
# summary CI reads: "N passed, N failed".
#
# Usage: selftests/run.sh [PATTERN]   (PATTERN filters test file names)
set -u
cd "$(dirname "$0")/.." || exit 1

if [ "$(id -u)" -ne 0 ]; then
	echo "selftests need root (network namespaces, BPF)" >&2
	echo "0 passed, 1 failed"
	exit 1
fi

# Debian's python3-scapy lives in /usr/bin/python3, not in other pythons on PATH.
export PYTHON=/usr/bin/python3
export XMIP6_BUILD="${XMIP6_BUILD:-$PWD/build}"
pattern=${1:-}
passed=0
failed=0
failed_names=()

for t in selftests/*/test_* "$XMIP6_BUILD"/selftests/*_unit; do
	[ -x "$t" ] || continue
	case "$t" in *"$pattern"*) ;; *) continue ;; esac
	echo "# ---- $t"
	log=$(mktemp)
	start=$(date +%s)
	timeout --kill-after=10 900 "$t" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	p=$(grep -cE '^ok( |$)' "$log")
	f=$(grep -cE '^not ok( |$)' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $t exited $rc"
		f=1
	fi
	echo "# $t: $p passed, $f failed in $(($(date +%s) - start)) s"
	[ "$f" -gt 0 ] && failed_names+=("$t")
	passed=$((passed + p))
	failed=$((failed + f))
	rm -f "$log"
done

[ ${#failed_names[@]} -gt 0 ] && echo "# failing files: ${failed_names[*]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
