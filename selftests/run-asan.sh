#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# selftests/run-asan.sh [PATTERN] - selftests/run.sh against the sanitizer
# build (`make test-asan` builds it in build/asan and sets XMIP6_BUILD).
#
# Every process of the suite, daemons included, writes its AddressSanitizer,
# LeakSanitizer and UndefinedBehaviorSanitizer reports to its own file under
# a fresh directory instead of stderr (where a daemon's would be lost in its
# log). The suite passes only when it passes and no report was written; the
# last line stays run.sh's "N passed, N failed", with one failure added per
# report.
set -u
cd "$(dirname "$0")/.." || exit 1
: "${XMIP6_BUILD:?run through make test-asan}"
reports=$(mktemp -d /tmp/xmip6-asan.XXXXXX)
chmod 0777 "$reports"
export ASAN_OPTIONS="log_path=$reports/asan:detect_leaks=1:abort_on_error=0"
export UBSAN_OPTIONS="log_path=$reports/ubsan:print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$PWD/selftests/fuzz/lsan.supp:print_suppressions=0"

out=$(mktemp)
selftests/run.sh "$@" | tee "$out"
summary=$(tail -1 "$out")
rm -f "$out"
passed=${summary%% passed*}
failed=${summary#*passed, }
failed=${failed%% failed*}
skipped=${summary#*failed, }
skipped=${skipped%% skipped*}
case "$skipped" in '' | *[!0-9]*) skipped=0 ;; esac

n=0
for r in "$reports"/*; do
	[ -e "$r" ] || continue
	n=$((n + 1))
	echo "not ok - sanitizer report $r"
	grep -E 'ERROR|SUMMARY|runtime error|#[0-3] ' "$r" | head -8 | sed 's/^/# /'
done
[ "$n" -eq 0 ] && rm -rf "$reports" && echo "ok - no sanitizer report from any process"
[ "$n" -eq 0 ] && passed=$((passed + 1))
echo "$passed passed, $((failed + n)) failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$n" -eq 0 ]
