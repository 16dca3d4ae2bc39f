#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# test_fuzz.sh - every libFuzzer target (selftests/fuzz) for a short,
# bounded time (XMIP6_FUZZ_SECONDS, default 8 s each), after replaying every
# saved regression input (selftests/fuzz/regress/TARGET/*) through its
# target: one that fails again fails the test. `make fuzz FUZZ_TIME=...`
# runs them for longer.
cd "$(dirname "$0")/../.." || exit 1
exec selftests/fuzz/run.sh "${XMIP6_FUZZ_SECONDS:-8}"
