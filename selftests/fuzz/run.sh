#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# selftests/fuzz/run.sh SECONDS [TARGET...]
#
# For each libFuzzer target in build/fuzz (all of them by default): replay
# every saved regression input (selftests/fuzz/regress/TARGET/*), then fuzz
# for SECONDS (0: until stopped) from the seed corpus and the regressions.
# XMIP6_FUZZ_RUNS=N runs N inputs instead of a time, and XMIP6_FUZZ_SEED=S
# fixes libFuzzer's seed: `make test` uses both, so what it runs is the
# same every time; `make fuzz` explores at random.
# New crashes are written to build/fuzz/crashes/TARGET/; copy them into
# selftests/fuzz/regress/TARGET/ once fixed. Prints TAP, one line per step;
# a regression input that fails again, or a regression directory that
# names no target (its inputs would never run), fails the run.
set -u
cd "$(dirname "$0")/../.." || exit 1
secs=${1:-60}
shift || true
build=${XMIP6_BUILD:-$PWD/build}
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
	for f in selftests/fuzz/fuzz_*.c; do
		t=${f##*/}
		targets+=("${t%.c}")
	done
fi

if [ -n "${XMIP6_FUZZ_RUNS:-}" ]; then
	budget=(-runs="$XMIP6_FUZZ_RUNS")
	what="$XMIP6_FUZZ_RUNS runs"
else
	budget=(-max_total_time="$secs")
	what="$secs s"
fi
if [ -n "${XMIP6_FUZZ_SEED:-}" ]; then
	budget+=(-seed="$XMIP6_FUZZ_SEED")
	what="$what, seed $XMIP6_FUZZ_SEED"
fi

export LSAN_OPTIONS="suppressions=$PWD/selftests/fuzz/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
work=$(mktemp -d "${TMPDIR:-/tmp}/xmip6-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
fails=0
for d in selftests/fuzz/regress/*/; do
	[ -d "$d" ] || continue
	d=${d%/}
	if [ ! -f "selftests/fuzz/${d##*/}.c" ]; then
		echo "not ok - $d: no fuzz target selftests/fuzz/${d##*/}.c replays it"
		fails=$((fails + 1))
	fi
done
for t in "${targets[@]}"; do
	bin=$build/fuzz/$t
	if [ ! -x "$bin" ]; then
		echo "not ok - $t: $bin not built (make fuzz-build)"
		fails=$((fails + 1))
		continue
	fi
	regress=selftests/fuzz/regress/$t
	if [ -d "$regress" ] && [ -n "$(ls -A "$regress")" ]; then
		if "$bin" -runs=1 "$regress"/* >"$work/$t.replay" 2>&1; then
			echo "ok - $t: $(ls "$regress" | wc -l) regression inputs replay cleanly"
		else
			echo "not ok - $t: a regression input fails again"
			tail -20 "$work/$t.replay" | sed 's/^/# /'
			fails=$((fails + 1))
		fi
	fi
	mkdir -p "$work/$t" "$build/fuzz/crashes/$t"
	cp -r "$build/fuzz/corpus/$t/." "$work/$t/" 2>/dev/null
	[ -d "$regress" ] && cp -r "$regress/." "$work/$t/"
	# -timeout: one input may take 5 s at most; -rss_limit_mb: 1 GiB.
	if "$bin" "${budget[@]}" -timeout=5 -rss_limit_mb=1024 -print_final_stats=1 \
		-artifact_prefix="$build/fuzz/crashes/$t/" "$work/$t" >"$work/$t.log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log")
		cov=$(grep -oE 'cov: [0-9]+' "$work/$t.log" | tail -1)
		echo "ok - $t: ${runs:-?} inputs ($what), no crash ($cov)"
	else
		echo "not ok - $t: crash or leak, input saved under $build/fuzz/crashes/$t/"
		grep -E 'ERROR|SUMMARY|runtime error' "$work/$t.log" | head -5 | sed 's/^/# /'
		fails=$((fails + 1))
	fi
done
[ "$fails" -eq 0 ]
