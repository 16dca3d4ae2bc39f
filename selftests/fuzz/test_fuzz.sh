#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# test_fuzz.sh - every libFuzzer target (selftests/fuzz): every saved
# regression input (selftests/fuzz/regress/TARGET/*) replayed through its
# target (one that fails again fails the test), then the seed corpus and a
# fixed number of inputs from a fixed seed (XMIP6_FUZZ_RUNS, default 10000;
# XMIP6_FUZZ_SEED, default 1): the same run every time. Random exploration
# is `make fuzz FUZZ_TIME=...`.
cd "$(dirname "$0")/../.." || exit 1
export XMIP6_FUZZ_RUNS=${XMIP6_FUZZ_RUNS:-10000} XMIP6_FUZZ_SEED=${XMIP6_FUZZ_SEED:-1}
exec selftests/fuzz/run.sh 0
