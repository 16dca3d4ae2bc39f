#!/usr/bin/env bash
# Runs every test file, selftests/<kind>/test_* (kinds: unit, bpf, netns,
# fuzz, pkg; see selftests/README.md), and every C unit-test binary
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
#        XMIP6_TEST_JOBS=1 selftests/run.sh   (one file at a time)
set -u
cd "$(dirname "$0")/.." || exit 1

if [ "$(id -u)" -ne 0 ]; then
	echo "selftests need root (network namespaces, BPF)" >&2
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
fi

# Debian's python3-scapy lives in /usr/bin/python3, not in other pythons on PATH.
export PYTHON=/usr/bin/python3
# Scapy starts without Wireshark's vendor database: pystart/sitecustomize.py.
export PYTHONPATH=$PWD/selftests/pystart${PYTHONPATH:+:$PYTHONPATH}
export XMIP6_BUILD="${XMIP6_BUILD:-$PWD/build}"
pattern=${1:-}
# Independent test files run side by side, XMIP6_TEST_JOBS at a time (default:
# twice the CPUs: most of a network test's time is waiting for packets and
# daemons, and a 2-CPU machine ran the suite green at 4 while others loaded
# it; see selftests/README.md). Each makes its own namespaces, pin directories and
# temporary files, named after its PID. A file that must have the machine to
# itself (a flood at full speed) says so with a line "# xmip6-test: serial":
# those run first, alone, before the others start.
#
# The others start longest first, by the wall time each took in the last run
# that ran it ($XMIP6_BUILD/selftests/durations, written at the end; before
# a first run, selftests/durations, the times of a run on 2 CPUs; a file in
# neither counts as the longest): short files fill the gaps at the end
# instead of one long file starting last. The end of the output is a table of
# every file's wall time, longest first.
jobs_max=${XMIP6_TEST_JOBS:-$((2 * $(nproc)))}
durations=$XMIP6_BUILD/selftests/durations
results=$(mktemp -d /tmp/xmip6-run.XXXXXX) || exit 1
trap 'rm -rf "$results"' EXIT
suite_start=$(date +%s)

# The CPU time (user + system) of the processes this shell has waited for,
# in clock ticks: around a file, what the file cost the machine whatever
# else ran beside it (its wall time depends on that; processes it leaves
# to init are not counted).
clk_tck=$(getconf CLK_TCK)
# children_ticks PID (the calling shell's $BASHPID, not a $(...)'s own)
children_ticks() { awk '{ print $16 + $17 }' "/proc/$1/stat"; }

# run_one N FILE: FILE's output into $results/N.log, its counts into N.res.
# FILE gets a TMPDIR of its own ($results/N.tmp; the tests make their
# temporary files there, scripts/topology.sh's xm_init too): whatever it
# leaves there is named and counts as a failure.
run_one() {
	local n=$1 t=$2 log=$results/$1.log start rc p f s whole secs left cpu ticks me=$BASHPID
	start=$(date +%s)
	ticks=$(children_ticks "$me")
	mkdir -p "$results/$n.tmp"
	TMPDIR=$results/$n.tmp timeout --kill-after=10 900 "$t" >"$log" 2>&1
	rc=$?
	secs=$(($(date +%s) - start))
	cpu=$(awk -v a="$ticks" -v b="$(children_ticks "$me")" -v hz="$clk_tck" \
		'BEGIN { printf "%.1f", (b - a) / hz }')
	left=$(find "$results/$n.tmp" -mindepth 1 -maxdepth 1 -printf '%f ' 2>/dev/null)
	# TAP: "ok ... # SKIP reason" is a skipped check, not a pass; a file
	# that prints "1..0 # SKIP reason" skipped whole and counts as one skip.
	s=$(grep -ciE '^ok( |$).*# *skip' "$log")
	p=$(($(grep -cE '^ok( |$)' "$log") - s))
	f=$(grep -cE '^not ok( |$)' "$log")
	whole=$(grep -m1 -iE '^1\.\.0 *# *skip' "$log")
	[ -n "$whole" ] && s=$((s + 1))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $t exited $rc" >>"$log"
		f=1
	fi
	if [ -n "$left" ]; then
		echo "not ok - $t left files in its TMPDIR: $left" >>"$log"
		f=$((f + 1))
	fi
	rm -rf "$results/$n.tmp"
	echo "# $t: $p passed, $f failed, $s skipped in $secs s ($cpu CPU-s)" >>"$log"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$p" "$f" "$s" "$secs" "$cpu" "${whole#*# }" \
		>"$results/$n.res"
}

# Print each file's output whole as it finishes.
shown=()
show_finished() {
	local res n
	for res in "$results"/*.res; do
		[ -e "$res" ] || continue
		n=${res##*/}
		n=${n%.res}
		[ -n "${shown[$n]:-}" ] && continue
		shown[n]=1
		echo "# ---- $(cut -f1 "$res")"
		cat "$results/$n.log"
	done
}

# Each file's wall time in the last run that ran it.
declare -A last=()
known=$durations
[ -r "$known" ] || known=selftests/durations
if [ -r "$known" ]; then
	while IFS=$'\t' read -r secs t; do
		last[$t]=$secs
	done <"$known"
fi

serial=()
parallel=()
for t in selftests/*/test_* "$XMIP6_BUILD"/selftests/*_unit; do
	[ -x "$t" ] || continue
	case "$t" in *"$pattern"*) ;; *) continue ;; esac
	if grep -qs '^# xmip6-test: serial' "$t"; then
		serial+=("$t")
	else
		parallel+=("${last[$t]:-100000}"$'\t'"$t")
	fi
done

n=0
for t in "${serial[@]}"; do
	n=$((n + 1))
	run_one "$n" "$t"
	show_finished
done
while IFS=$'\t' read -r _ t; do
	[ -n "$t" ] || continue
	n=$((n + 1))
	while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do
		wait -n
		show_finished
	done
	run_one "$n" "$t" &
done < <(printf '%s\n' "${parallel[@]}" | sort -t$'\t' -k1,1nr -k2,2)
wait
show_finished

# Where the time went: every file's wall time, longest first; kept for the
# next run's order (files not run this time keep their last time). Beside
# it the file's CPU time: the part of the wall time that is work, not
# waiting (the CPUs times the suite's wall time bound the sum).
echo "# wall time and CPU time per file (s), longest first"
cat "$results"/*.res 2>/dev/null | awk -F'\t' '{print $5 "\t" $1}' |
	sort -t$'\t' -k1,1nr >"$results/durations"
cat "$results"/*.res 2>/dev/null | sort -t$'\t' -k5,5nr |
	awk -F'\t' '{ printf "#   %4d %6.1f  %s\n", $5, $6, $1; cpu += $6 }
		END { printf "#   CPU time, all files: %.0f s\n", cpu }'
if [ -d "${durations%/*}" ]; then
	for t in "${!last[@]}"; do
		grep -qF -- $'\t'"$t" "$results/durations" || printf '%s\t%s\n' "${last[$t]}" "$t"
	done >"$results/kept"
	sort -t$'\t' -k1,1nr "$results/durations" "$results/kept" >"$durations.new" &&
		mv "$durations.new" "$durations"
fi
echo "# suite: $(($(date +%s) - suite_start)) s wall, $jobs_max files at a time"

passed=0
failed=0
skipped=0
failed_names=()
while IFS=$'\t' read -r t p f s _ _ why; do
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	[ "$f" -gt 0 ] && failed_names+=("$t")
	[ -n "$why" ] && echo "# skipped whole: $t: $why"
done < <(cat "$results"/*.res 2>/dev/null)
[ ${#failed_names[@]} -gt 0 ] && echo "# failing files: ${failed_names[*]}"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
