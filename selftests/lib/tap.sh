# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# tap.sh - TAP output for the shell tests. Source it after scripts/topology.sh
# (t uses $XM_TMP and $XM_VERBOSE).
#
#   t DESC FUNC [ARGS...]        one check, one "ok N - DESC" / "not ok N - DESC"
#   t_fatal DESC FUNC [ARGS...]  the same, but a failure ends the run ("Bail out!")
#   finish                       the plan line; exit status 1 if anything failed

T_N=0
T_FAILED=0
T_TIMES=() # "SECONDS N DESC" of every check, for finish's slowest list

ok() {
	T_N=$((T_N + 1))
	echo "ok $T_N - $*"
}

not_ok() {
	T_N=$((T_N + 1))
	T_FAILED=$((T_FAILED + 1))
	echo "not ok $T_N - $*"
}

diag() { sed 's/^/#   /'; }

# A failing check's output becomes diagnostics. Runs in this shell, not a
# subshell: checks set variables and start background processes that the
# cleanup must know about.
t() {
	local desc=$1 out=$XM_TMP/check.out t0=$EPOCHREALTIME
	shift
	if "$@" >"$out" 2>&1 </dev/null; then
		ok "$desc"
		[ "$XM_VERBOSE" = 1 ] && diag <"$out"
	else
		not_ok "$desc"
		tail -n 40 "$out" | diag
	fi
	T_TIMES+=("$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') $T_N $desc")
	return 0
}

# Later checks make no sense without this one: stop, showing the tails of
# the run's logs ($XM_TMP/*.log).
t_fatal() {
	local before=$T_FAILED f
	t "$@"
	if [ "$T_FAILED" -ne "$before" ]; then
		echo "Bail out! $1"
		for f in "$XM_TMP"/*.log; do
			[ -f "$f" ] || continue
			echo "# --- $f"
			tail -n 30 "$f" | diag
		done
		finish
	fi
}

finish() {
	echo "1..$T_N"
	# Where this file's time went.
	[ ${#T_TIMES[@]} -gt 0 ] && printf '%s\n' "${T_TIMES[@]}" | sort -rn | head -n 5 |
		awk '{ s = $1; n = $2; $1 = $2 = ""; printf "# slow check: %5s s  #%s%s\n", s, n, $0 }'
	if [ "$T_FAILED" -ne 0 ]; then
		echo "# $T_FAILED of $T_N checks failed"
		exit 1
	fi
	exit 0
}
