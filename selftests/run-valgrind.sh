#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# selftests/run-valgrind.sh [TEST...] - the daemon's main paths under
# valgrind memcheck (`make test-valgrind`).
#
# Runs a set of netns tests (default below; or the selftests/test_* names
# given) with every xmip6d, xmip6ctl and ctl_server they start running under
# memcheck. It does so without touching the tests: XMIP6_BUILD points them at
# a snapshot of the build directory in which those three programs are
# wrappers that exec valgrind on the real binary (exec keeps the PID, so the
# tests' kill -HUP/-TERM/-KILL reach the daemon). Each process writes its own
# log, TEST.PROGRAM.PID.log, under a fresh directory kept when anything fails.
#
# A test fails as usual; on top of that every log whose ERROR SUMMARY is not
# zero (memcheck errors, definite leaks) counts as one failure. A log without
# a summary is a process killed by SIGKILL (test_restart.sh, the SIGKILL test
# of test_xmip6d.sh) or cut short: reported, and a failure only if it holds
# an error report. XMIP6_VG_KEEP=1 keeps the logs of a clean run too.
# Suppressions: selftests/valgrind.supp (library issues only).
# XMIP6_TIME_SCALE (default 4 here) stretches the waits that valgrind's
# slowdown would break: scripts/topology.sh's wait for processes to exit.
#
# The last line is "N passed, N failed", like selftests/run.sh.
set -u
cd "$(dirname "$0")/.." || exit 1
repo=$PWD

if [ "$(id -u)" -ne 0 ]; then
	echo "selftests need root (network namespaces, BPF)" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
command -v valgrind >/dev/null || {
	echo "not ok - valgrind not installed"
	echo "0 passed, 1 failed"
	exit 1
}

src=${XMIP6_BUILD:-$PWD/build}
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(test_xmip6d.sh test_roaming.sh test_dhaad.sh test_cn.sh
	test_ro.sh test_ctl_socket.sh test_restart.sh test_config.sh)

work=$(mktemp -d /tmp/xmip6-valgrind.XXXXXX) || exit 1
shadow=$work/build
logs=$work/logs
mkdir -p "$shadow/selftests" "$logs" && chmod 0777 "$logs" || exit 1

# A snapshot (the tree may be rebuilt meanwhile): the top-level files (BPF
# objects, binaries) and the selftest helpers.
find "$src" -maxdepth 1 -type f -exec cp -p {} "$shadow/" \; &&
	cp -p "$src"/selftests/* "$shadow/selftests/" || exit 1

vg_opts=(--tool=memcheck --error-exitcode=97 --leak-check=full --show-error-list=yes
	--errors-for-leak-kinds=definite --show-leak-kinds=definite --track-fds=no
	--num-callers=30 --suppressions="$repo/selftests/valgrind.supp")
for bin in xmip6d xmip6ctl selftests/ctl_server; do
	[ -x "$shadow/$bin" ] || {
		echo "not ok - $src/$bin not built (make)"
		echo "0 passed, 1 failed"
		exit 1
	}
	# The real binary keeps its name: messages carry the program name.
	mkdir -p "$(dirname "$work/real/$bin")"
	mv "$shadow/$bin" "$work/real/$bin"
	{
		echo '#!/bin/sh'
		# shellcheck disable=SC2016 # written literally into the wrapper
		echo ': "${XMIP6_VG_TEST:=adhoc}"; export XMIP6_VG_TEST'
		printf 'exec valgrind'
		printf ' %q' "${vg_opts[@]}" \
			"--log-file=$logs/%q{XMIP6_VG_TEST}.${bin##*/}.%p.log" \
			"$work/real/$bin"
		echo ' "$@"'
	} >"$shadow/$bin"
	chmod 0755 "$shadow/$bin"
done

export XMIP6_BUILD=$shadow PYTHON=/usr/bin/python3
export XMIP6_TIME_SCALE=${XMIP6_TIME_SCALE:-4}
passed=0
failed=0

# scan TEST: judge the logs of one test's processes; prints TAP lines.
scan() {
	local t=$1 f errs nlogs=0 bad=0
	for f in "$logs/$t".*.log; do
		[ -e "$f" ] || continue
		nlogs=$((nlogs + 1))
		errs=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$f" | tail -1)
		if [ -z "$errs" ]; then
			# Killed (SIGKILL) or still running: only its reports so far.
			errs=$(grep -cE '^==[0-9]+== (Invalid|Conditional|Use of uninit|Syscall param|Mismatched|Source and dest|Argument|Jump to)' "$f")
			[ "$errs" -gt 0 ] || {
				echo "# $f: no summary (killed), no error reported"
				continue
			}
		fi
		[ "$errs" -eq 0 ] && continue
		bad=$((bad + 1))
		echo "not ok - valgrind: $errs error(s) in $f"
		grep -E '^==[0-9]+== ([A-Z].*(Invalid|lost|uninit|Syscall|Mismatched|Conditional|overlap)|   (at|by) 0x)' "$f" |
			head -30 | sed 's/^/# /'
	done
	if [ "$bad" -eq 0 ]; then
		echo "ok - valgrind: no error, no definite leak in $nlogs process log(s) of $t" \
			"($(find "$logs" -name "$t.xmip6d.*" | wc -l) xmip6d)"
		passed=$((passed + 1))
	fi
	failed=$((failed + bad))
	[ "$nlogs" -gt 0 ] || {
		echo "not ok - valgrind: $t started no wrapped process"
		failed=$((failed + 1))
	}
}

for t in "${tests[@]}"; do
	t=${t##*/}
	path=$(find selftests -mindepth 2 -maxdepth 2 -name "$t" -perm -u+x | head -1)
	[ -n "$path" ] || {
		echo "not ok - $t: no such test under selftests/*/"
		failed=$((failed + 1))
		continue
	}
	echo "# ---- $path under valgrind"
	out=$(mktemp)
	start=$(date +%s)
	XMIP6_VG_TEST=${t%.*} timeout --kill-after=10 1800 "$path" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	p=$(grep -cE '^ok( |$)' "$out")
	f=$(grep -cE '^not ok( |$)' "$out")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $path exited $rc"
		f=1
	fi
	rm -f "$out"
	echo "# $path: $p passed, $f failed in $(($(date +%s) - start)) s"
	passed=$((passed + p))
	failed=$((failed + f))
	scan "${t%.*}"
done

if [ "$failed" -eq 0 ] && [ "${XMIP6_VG_KEEP:-0}" != 1 ]; then
	rm -rf "$work"
else
	echo "# valgrind logs kept in $logs"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
