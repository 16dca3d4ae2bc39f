#!/usr/bin/env bash
# Runs every test file, selftests/<kind>/test_* (kinds: unit, bpf, netns,
# fuzz; see selftests/README.md), and every C unit-test binary
# (build/selftests/*_unit, from selftests/unit/*_unit.c), and sums their TAP
# results.
#
# Each test file prints TAP-style lines: "ok - what" or "not ok - what"
# (numbers optional), "# ..." for diagnostics. A file that exits non-zero
# without printing "not ok" counts as one failure; "ok ... # SKIP" lines and
# files that print "1..0 # SKIP reason" count as skipped, with their reason.
# The last line is the summary CI reads: "N passed, N failed, N skipped".
#
# Usage: selftests/run.sh [PATTERN]   (PATTERN filters test file names)
set -u
cd "$(dirname "$0")/.." || exit 1

if [ "$(id -u)" -ne 0 ]; then
	echo "selftests need root (network namespaces, BPF)" >&2
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
fi

# Debian's python3-scapy lives in /usr/bin/python3, not in other pythons on PATH.
export PYTHON=/usr/bin/python3
export XMIP6_BUILD="${XMIP6_BUILD:-$PWD/build}"
pattern=${1:-}
passed=0
failed=0
skipped=0
failed_names=()
skip_notes=()

# TAP: "ok ... # SKIP reason" is a skipped check, not a pass; a file that
# prints "1..0 # SKIP reason" skipped whole and counts as one skip.
for t in selftests/*/test_* "$XMIP6_BUILD"/selftests/*_unit; do
	[ -x "$t" ] || continue
	case "$t" in *"$pattern"*) ;; *) continue ;; esac
	echo "# ---- $t"
	log=$(mktemp)
	start=$(date +%s)
	timeout --kill-after=10 900 "$t" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	s=$(grep -ciE '^ok( |$).*# *skip' "$log")
	p=$(($(grep -cE '^ok( |$)' "$log") - s))
	f=$(grep -cE '^not ok( |$)' "$log")
	whole=$(grep -m1 -iE '^1\.\.0 *# *skip' "$log")
	if [ -n "$whole" ]; then
		s=$((s + 1))
		skip_notes+=("$t: ${whole#*# }")
	fi
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $t exited $rc"
		f=1
	fi
	echo "# $t: $p passed, $f failed, $s skipped in $(($(date +%s) - start)) s"
	[ "$f" -gt 0 ] && failed_names+=("$t")
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	rm -f "$log"
done

for n in "${skip_notes[@]}"; do
	echo "# skipped whole: $n"
done
[ ${#failed_names[@]} -gt 0 ] && echo "# failing files: ${failed_names[*]}"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
